// SPDX-License-Identifier: GPL-2.0-only
/*
 * The differ. Cases are matched by name and steps by position; within a
 * step every observed field is compared down to the leaves, so one changed
 * errno or one changed capability field is one line of output.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include "results/diff.h"

#define SHOW_MAX 160

struct differ {
	FILE *out;
	struct vf_diff_stats *st;
	const char *case_name;
	char where[160];	/* "step 4 (line 12 IOMMU_UNMAP_DMA)" */
	unsigned found;		/* differences in the current step */
	char *first;		/* vf_diff_first(): the first line goes here, then stop */
	size_t first_len;
};

static void show(char *dst, size_t len, const json_t *v)
{
	char *s;

	if (!v) {
		snprintf(dst, len, "(absent)");
		return;
	}
	s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	snprintf(dst, len, "%s", s ? s : "?");
	if (s && strlen(s) >= len && len > 4)
		strcpy(dst + len - 4, "...");
	free(s);
}

static void report(struct differ *d, const char *field, const json_t *a, const json_t *b)
{
	char sa[SHOW_MAX], sb[SHOW_MAX];

	d->found++;
	if (d->st->differences++ && d->first)
		return;		/* only the first is wanted: no text for the rest */
	if (!d->out && !d->first)
		return;
	show(sa, sizeof(sa), a);
	show(sb, sizeof(sb), b);
	if (d->first)
		snprintf(d->first, d->first_len, "%s %s: %s: %s | %s", d->case_name, d->where,
			 field, sa, sb);
	else
		fprintf(d->out, "%s %s: %s: %s | %s\n", d->case_name, d->where, field, sa, sb);
}

static int key_cmp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/*
 * The members of o not in skip, in sorted order (malloc'd, *n of them), so a
 * walk reports in the same order however the objects were built: parsed from
 * a document written with sorted keys, or built in-process by the executor.
 */
static const char **sorted_keys(const json_t *o, const json_t *skip, size_t *n)
{
	const char **keys = malloc((json_object_size(o) + 1) * sizeof(*keys));
	const char *k;
	json_t *v;

	*n = 0;
	if (!keys)
		abort();
	json_object_foreach((json_t *)o, k, v)
		if (!skip || !json_object_get(skip, k))
			keys[(*n)++] = k;
	qsort(keys, *n, sizeof(*keys), key_cmp);
	return keys;
}

void vf_json_walk(const char *path, const json_t *a, const json_t *b, bool elementwise,
		  vf_json_leaf_fn leaf, void *ctx)
{
	char sub[256];

	if (!a && !b)
		return;
	if (a && b && json_equal((json_t *)a, (json_t *)b))
		return;
	if (json_is_object(a) && json_is_object(b)) {
		size_t n;
		const char **keys = sorted_keys(a, NULL, &n);

		for (size_t i = 0; i < n; i++) {
			snprintf(sub, sizeof(sub), "%s.%s", path, keys[i]);
			vf_json_walk(sub, json_object_get(a, keys[i]), json_object_get(b, keys[i]),
				     elementwise, leaf, ctx);
		}
		free(keys);
		keys = sorted_keys(b, a, &n);
		for (size_t i = 0; i < n; i++) {
			snprintf(sub, sizeof(sub), "%s.%s", path, keys[i]);
			vf_json_walk(sub, NULL, json_object_get(b, keys[i]), elementwise, leaf,
				     ctx);
		}
		free(keys);
		return;
	}
	if (elementwise && json_is_array(a) && json_is_array(b)) {
		size_t na = json_array_size(a), nb = json_array_size(b);

		for (size_t i = 0; i < (na > nb ? na : nb); i++) {
			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			vf_json_walk(sub, json_array_get(a, i), json_array_get(b, i), elementwise,
				     leaf, ctx);
		}
		return;
	}
	leaf(ctx, path, a, b);
}

static void report_leaf(void *ctx, const char *path, const json_t *a, const json_t *b)
{
	report(ctx, path, a, b);
}

/* element-wise, so one changed range inside a cap shows alone */
static void compare(struct differ *d, const char *path, const json_t *a, const json_t *b)
{
	vf_json_walk(path, a, b, true, report_leaf, d);
}

static const char *sget(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "?";
}

static void diff_case(struct differ *d, const json_t *ca, const json_t *cb)
{
	const json_t *sa = json_object_get(ca, "steps"), *sb = json_object_get(cb, "steps");
	size_t na = json_array_size(sa), nb = json_array_size(sb);
	static const char *const step_fields[] = { "op", "line", "setup", "args", "ret", "errno",
						   "out", "acct", NULL };
	unsigned before = d->st->differences;

	snprintf(d->where, sizeof(d->where), "case");
	d->found = 0;
	compare(d, "status", json_object_get(ca, "status"), json_object_get(cb, "status"));
	compare(d, "bufs", json_object_get(ca, "bufs"), json_object_get(cb, "bufs"));
	for (size_t i = 0; i < (na > nb ? na : nb); i++) {
		const json_t *a = json_array_get(sa, i), *b = json_array_get(sb, i);
		const json_t *any = a ? a : b;

		snprintf(d->where, sizeof(d->where), "step %zu (line %lld %s)", i + 1,
			 (long long)json_integer_value(json_object_get(any, "line")),
			 sget(any, "op"));
		d->found = 0;
		if (!a || !b) {
			report(d, "step", a, b);
		} else {
			for (int f = 0; step_fields[f]; f++)
				compare(d, step_fields[f], json_object_get(a, step_fields[f]),
					json_object_get(b, step_fields[f]));
		}
		if (a && b)
			d->st->steps++;
		if (d->found)
			d->st->steps_differ++;
		if (d->first && d->st->differences)
			break;
	}
	if (d->st->differences != before)
		d->st->cases_differ++;
}

static const json_t *find(const json_t *cases, const char *name)
{
	size_t i;
	json_t *c;

	json_array_foreach((json_t *)cases, i, c)
		if (!strcmp(sget(c, "name"), name))
			return c;
	return NULL;
}

static unsigned diff_docs(struct differ d, const json_t *a, const json_t *b)
{
	const json_t *ca = json_object_get(a, "cases"), *cb = json_object_get(b, "cases");
	struct vf_diff_stats *st = d.st;
	FILE *out = d.out;
	size_t i;
	json_t *c;

	memset(st, 0, sizeof(*st));
	json_array_foreach((json_t *)ca, i, c) {
		const json_t *other = find(cb, sget(c, "name"));

		d.case_name = sget(c, "name");
		if (!other) {
			st->only_a++;
			if (d.first && !st->differences)
				snprintf(d.first, d.first_len, "%s: only in A", d.case_name);
			st->differences++;
			if (out)
				fprintf(out, "%s: only in A\n", d.case_name);
			continue;
		}
		st->cases++;
		diff_case(&d, c, other);
	}
	json_array_foreach((json_t *)cb, i, c) {
		if (find(ca, sget(c, "name")))
			continue;
		st->only_b++;
		if (d.first && !st->differences)
			snprintf(d.first, d.first_len, "%s: only in B", sget(c, "name"));
		st->differences++;
		if (out)
			fprintf(out, "%s: only in B\n", sget(c, "name"));
	}
	return st->differences;
}

unsigned vf_diff(const json_t *a, const json_t *b, FILE *out, struct vf_diff_stats *st)
{
	return diff_docs((struct differ){ .out = out, .st = st }, a, b);
}

unsigned vf_diff_first(const json_t *a, const json_t *b, char *line, size_t len)
{
	struct vf_diff_stats st;

	line[0] = 0;
	return diff_docs((struct differ){ .st = &st, .first = line, .first_len = len }, a, b);
}

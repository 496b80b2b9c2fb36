// SPDX-License-Identifier: GPL-2.0-only
/* Writing, loading and merging run documents. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "results/run_json.h"
#include <stdbool.h>
#include "results/version.h"

#define DUMP_FLAGS (JSON_COMPACT | JSON_SORT_KEYS)

/* Dump obj without its closing brace and without the member `skip`. */
static int dump_open(FILE *f, const json_t *obj, const char *skip)
{
	json_t *copy = json_copy((json_t *)obj);
	char *s;
	size_t n;

	if (!copy)
		return -1;
	json_object_del(copy, skip);
	s = json_dumps(copy, DUMP_FLAGS);
	json_decref(copy);
	if (!s)
		return -1;
	n = strlen(s);
	/* "{...}" -> "{..." ; an empty object "{}" -> "{" */
	fwrite(s, 1, n - 1, f);
	if (n > 2)
		fputc(',', f);
	free(s);
	return 0;
}

int vf_run_write(FILE *f, const json_t *doc)
{
	const json_t *cases = json_object_get(doc, "cases");

	if (dump_open(f, doc, "cases"))
		return -1;
	fputs("\"cases\":[", f);
	for (size_t i = 0; i < json_array_size(cases); i++) {
		const json_t *c = json_array_get(cases, i);
		const json_t *steps = json_object_get(c, "steps");

		fputs(i ? ",\n" : "\n", f);
		if (dump_open(f, c, "steps"))
			return -1;
		fputs("\"steps\":[", f);
		for (size_t k = 0; k < json_array_size(steps); k++) {
			char *s = json_dumps(json_array_get(steps, k), DUMP_FLAGS);

			if (!s)
				return -1;
			fprintf(f, "%s\n%s", k ? "," : "", s);
			free(s);
		}
		fputs(json_array_size(steps) ? "\n]}" : "]}", f);
	}
	fputs("\n]}\n", f);
	return ferror(f) ? -1 : 0;
}

int vf_run_write_file(const char *path, const json_t *doc)
{
	char *tmp;
	FILE *f;
	int ret;

	if (!strcmp(path, "-"))
		return vf_run_write(stdout, doc);
	/* write then rename: an interrupted run never leaves half a fixture */
	if (asprintf(&tmp, "%s.tmp", path) < 0)
		return -1;
	f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "vfconform: %s: %s\n", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	ret = vf_run_write(f, doc);
	if (fclose(f))
		ret = -1;
	if (!ret && rename(tmp, path))
		ret = -1;
	if (ret)
		fprintf(stderr, "vfconform: %s: write failed: %s\n", path, strerror(errno));
	free(tmp);
	return ret;
}

json_t *vf_run_load(const char *path)
{
	json_error_t e;
	json_t *doc = json_load_file(path, 0, &e);
	const char *fmt;

	if (!doc) {
		/* jansson has no line for a file it could not open */
		if (e.line > 0)
			fprintf(stderr, "%s:%d: %s\n", path, e.line, e.text);
		else
			fprintf(stderr, "%s: %s\n", path, e.text);
		return NULL;
	}
	fmt = json_string_value(json_object_get(doc, "format"));
	if (!fmt || strcmp(fmt, VF_RUN_FORMAT) || !json_is_array(json_object_get(doc, "cases"))) {
		fprintf(stderr, "%s: not a %s document\n", path, VF_RUN_FORMAT);
		json_decref(doc);
		return NULL;
	}
	return doc;
}

static int cmp_case(const void *a, const void *b)
{
	const char *x = json_string_value(json_object_get(*(json_t *const *)a, "name"));
	const char *y = json_string_value(json_object_get(*(json_t *const *)b, "name"));

	return strcmp(x ? x : "", y ? y : "");
}

static json_t *find_case(json_t *cases, const char *name)
{
	size_t i;
	json_t *c;

	json_array_foreach(cases, i, c) {
		const char *n = json_string_value(json_object_get(c, "name"));

		if (n && !strcmp(n, name))
			return c;
	}
	return NULL;
}

json_t *vf_run_merge(json_t *const *docs, unsigned n, char *const *crashed, unsigned n_crashed)
{
	json_t *out, *cases = json_array(), *topos = json_array();
	const char *backend = json_string_value(json_object_get(docs[0], "backend"));
	json_t **v;
	size_t nv;

	for (unsigned d = 0; d < n; d++) {
		const char *b = json_string_value(json_object_get(docs[d], "backend"));
		size_t i;
		json_t *c, *t;

		if (!b || !backend || strcmp(b, backend)) {
			fprintf(stderr, "vfconform merge: backends differ (%s, %s)\n",
				backend ? backend : "?", b ? b : "?");
			json_decref(cases);
			json_decref(topos);
			return NULL;
		}
		json_array_foreach(json_object_get(docs[d], "cases"), i, c) {
			const char *name = json_string_value(json_object_get(c, "name"));

			if (!name || find_case(cases, name)) {
				fprintf(stderr, "vfconform merge: case %s appears twice\n",
					name ? name : "?");
				json_decref(cases);
				json_decref(topos);
				return NULL;
			}
			/* a copy: marking a crash below must not change the caller's document */
			json_array_append_new(cases, json_deep_copy(c));
		}
		json_array_foreach(json_object_get(docs[d], "topologies"), i, t) {
			size_t k;
			json_t *u;
			bool seen = false;

			json_array_foreach(topos, k, u)
				seen |= json_equal(t, u);
			if (!seen)
				json_array_append(topos, t);
		}
	}
	for (unsigned i = 0; i < n_crashed; i++) {
		char *spec = strdup(crashed[i]);
		char *colon = strchr(spec, ':'), *eq = colon ? strchr(colon, '=') : NULL;
		json_t *c;

		if (!colon || !eq) {
			fprintf(stderr, "vfconform merge: --crashed wants BACKEND:CASE=REASON, not %s\n",
				crashed[i]);
			free(spec);
			json_decref(cases);
			json_decref(topos);
			return NULL;
		}
		*colon = *eq = 0;
		if (strcmp(spec, backend)) {
			free(spec);
			continue;
		}
		c = find_case(cases, colon + 1);
		if (!c) {
			c = json_pack("{s:s, s:[], s:[]}", "name", colon + 1, "steps", "bufs");
			json_array_append_new(cases, c);
		}
		json_object_set_new(c, "status", json_string("crash"));
		json_object_set_new(c, "detail", json_string(eq + 1));
		free(spec);
	}
	/* sort by name so merged documents diff cleanly whatever the boot order */
	nv = json_array_size(cases);
	v = calloc(nv ? nv : 1, sizeof(*v));
	for (size_t i = 0; i < nv; i++)
		v[i] = json_incref(json_array_get(cases, i));
	qsort(v, nv, sizeof(*v), cmp_case);
	json_array_clear(cases);
	for (size_t i = 0; i < nv; i++)
		json_array_append_new(cases, v[i]);
	free(v);

	out = json_deep_copy(docs[0]);
	/* each input's meta.boot names one boot; the merge covers them all */
	{
		json_t *meta = json_object_get(out, "meta"), *boots = json_array();

		for (unsigned d = 0; d < n; d++) {
			json_t *b = json_object_get(json_object_get(docs[d], "meta"), "boot");

			if (json_is_string(b))
				json_array_append(boots, b);
		}
		if (json_is_object(meta) && json_array_size(boots)) {
			json_object_del(meta, "boot");
			json_object_set_new(meta, "boots", boots);
		} else {
			json_decref(boots);
		}
	}
	json_object_set_new(out, "cases", cases);
	json_object_set_new(out, "topologies", topos);
	{
		json_int_t passed = 0, failed = 0, skipped = 0, steps = 0;
		size_t i;
		json_t *c;

		json_array_foreach(cases, i, c) {
			const char *st = json_string_value(json_object_get(c, "status"));

			steps += json_array_size(json_object_get(c, "steps"));
			if (st && !strcmp(st, "pass"))
				passed++;
			else if (st && !strcmp(st, "skip"))
				skipped++;
			else
				failed++;
		}
		json_object_set_new(out, "summary",
				    json_pack("{s:I, s:I, s:I, s:I, s:I}", "cases",
					      (json_int_t)json_array_size(cases), "passed", passed,
					      "failed", failed, "skipped", skipped, "steps", steps));
	}
	return out;
}

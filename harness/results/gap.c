// SPDX-License-Identifier: GPL-2.0-only
/*
 * Classification of the differences between two runs into compat gaps.
 *
 * Steps are matched by position within a case (both sides ran the same case
 * file). A step pair can show several kinds at once (a GET_INFO with a
 * different argsz and a different cap chain is a `field` and a `caps` gap).
 * Differences that are only consequences are folded into their cause:
 * written-back fields of a step whose result already differs belong to that
 * result gap, and accounting is compared as the change each step made, so one
 * map charged to VmPin instead of VmLck is one gap, not one per later step.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "results/diff.h"
#include "results/gap.h"
#include "steps/step_kind.h"

static const char *const kind_names[VF_GAP_KIND_COUNT] = {
	[VF_GAP_DMA] = "dma",
	[VF_GAP_ERRNO] = "errno",
	[VF_GAP_RESULT] = "result",
	[VF_GAP_FIELD] = "field",
	[VF_GAP_CAPS] = "caps",
	[VF_GAP_ACCOUNTING] = "accounting",
	[VF_GAP_SIDE_EFFECT] = "side-effect",
	[VF_GAP_UNSUPPORTED] = "unsupported",
	[VF_GAP_MISSING] = "missing",
};

const char *vf_gap_kind_name(enum vf_gap_kind k)
{
	return k < VF_GAP_KIND_COUNT ? kind_names[k] : "?";
}

int vf_gap_kind_lookup(const char *name)
{
	for (int k = 0; k < VF_GAP_KIND_COUNT; k++)
		if (!strcmp(kind_names[k], name))
			return k;
	return -1;
}

static const char *sget(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static const char *errno_of(const json_t *s)
{
	return sget(s, "errno");
}

static bool failed(const json_t *s)
{
	return errno_of(s) || json_integer_value(json_object_get(s, "ret")) < 0;
}

/*
 * iommufd's own ioctls (the native IOAS steps): a feature the legacy container
 * lacks, which it rejects with ENOTTY or, before SET_IOMMU, EINVAL.
 */
static bool native_iommufd_op(const char *op)
{
	return op && (!strncmp(op, "IOMMU_IOAS_", 11) || !strcmp(op, "IOMMU_DESTROY") ||
		      !strcmp(op, "IOMMU_VFIO_IOAS"));
}

/* A step that exercises an optional feature, which a backend may reject wholesale. */
static bool feature_step(const json_t *s)
{
	const char *op = sget(s, "op"), *flags = sget(json_object_get(s, "args"), "flags");

	if (op && (!strcmp(op, "IOMMU_DIRTY_PAGES") || native_iommufd_op(op)))
		return true;
	return flags && (strstr(flags, "VADDR") || strstr(flags, "DIRTY"));
}

/*
 * How surely an errno says "this feature is not here": 2 for ENOTTY (no
 * such ioctl), 1 for EINVAL on a feature flag or feature ioctl (how both
 * backends reject an unknown flag), 0 for anything else.
 */
static int unsupported_rank(const char *e, const json_t *s)
{
	if (!e)
		return 0;
	if (!strcmp(e, "ENOTTY") || !strcmp(e, "EOPNOTSUPP"))
		return 2;
	return !strcmp(e, "EINVAL") && feature_step(s) ? 1 : 0;
}

/*
 * Both sides fail. One side rejecting the feature (ENOTTY, EINVAL on a
 * feature flag) while the other gets further is a feature gap; but ENODEV
 * (nothing behind the container) is as final as ENOTTY, so those two are
 * just two errnos for "not here".
 */
static bool both_fail_unsupported(const char *ea, const json_t *a, const char *eb,
				  const json_t *b)
{
	int ra = unsupported_rank(ea, a), rb = unsupported_rank(eb, b);
	const char *other = ra > rb ? eb : ea;

	return ra != rb && strcmp(other, "ENODEV");
}

static bool is_caps_path(const char *path)
{
	return !strncmp(path, "out.caps", 8) || !strcmp(path, "out.cap_offset");
}

static void collect_leaf(void *acc, const char *path, const json_t *a, const json_t *b)
{
	json_array_append_new(acc, json_pack("{s:s, s:O?, s:O?}", "field", path, "a", a,
					     "b", b));
}

/*
 * Differences of one step pair, leaf by leaf, as {"field", "a", "b"}; arrays
 * as a whole: a range list or a cap is read as one value.
 */
static void walk(json_t *acc, const char *path, const json_t *a, const json_t *b)
{
	vf_json_walk(path, a, b, false, collect_leaf, acc);
}

static json_int_t acct_of(const json_t *s, const char *k)
{
	return s ? json_integer_value(json_object_get(json_object_get(s, "acct"), k)) : 0;
}

/* Accounting: the change each step made, per counter, on each side. */
static void acct_diffs(json_t *acc, const json_t *a, const json_t *b, const json_t *pa,
		       const json_t *pb)
{
	json_t *keys = json_object();
	const char *k;
	json_t *v;

	json_object_foreach(json_object_get(a, "acct"), k, v)
		json_object_set_new(keys, k, json_true());
	json_object_foreach(json_object_get(b, "acct"), k, v)
		json_object_set_new(keys, k, json_true());
	json_object_foreach(keys, k, v) {
		json_int_t da = acct_of(a, k) - acct_of(pa, k), db = acct_of(b, k) - acct_of(pb, k);
		char field[64], sa[64], sb[64];

		if (da == db)
			continue;
		snprintf(field, sizeof(field), "acct.%s (change, kB)", k);
		snprintf(sa, sizeof(sa), "%+lld -> %lld", (long long)da, (long long)acct_of(a, k));
		snprintf(sb, sizeof(sb), "%+lld -> %lld", (long long)db, (long long)acct_of(b, k));
		json_array_append_new(acc, json_pack("{s:s, s:s, s:s}", "field", field, "a", sa,
						     "b", sb));
	}
	json_decref(keys);
}

static bool shows_state(const char *op, bool diverged)
{
	const struct vf_step_kind *k = vf_step_kind_named(op);

	/* what an unmap removes, a status, a bitmap, what a device's DMA pins or reads */
	return k && ((k->flags & VF_KIND_ALWAYS_SHOWS) ||
		     (diverged && (k->flags & VF_KIND_SHOWS_STATE)));
}

/* The step's observation is what a device did through the IOMMU (DEVICE_DMA). */
static bool is_device_dma(const char *op)
{
	const struct vf_step_kind *k = vf_step_kind_named(op);

	return k && (k->flags & VF_KIND_DEVICE_DMA);
}

static bool same_result(const json_t *a, const json_t *b)
{
	const char *ea = errno_of(a), *eb = errno_of(b);

	if (failed(a) != failed(b))
		return false;
	return !ea || !eb ? ea == eb : !strcmp(ea, eb);
}

/*
 * The kinds of one step pair, and (when diffs is not NULL) what differs for
 * each kind: diffs[kind] gets a new array for every kind in the mask.
 */
static unsigned classify(const json_t *a, const json_t *b, const json_t *pa, const json_t *pb,
			 bool diverged, json_t **diffs)
{
	const char *ea = errno_of(a), *eb = errno_of(b), *op = sget(a, "op");
	json_t *all = json_array(), *caps = json_array(), *other = json_array();
	json_t *acct = json_array();
	json_t *ra = json_object_get(a, "ret"), *rb = json_object_get(b, "ret");
	unsigned mask = 0;
	enum vf_gap_kind res = VF_GAP_KIND_COUNT;
	size_t i;
	json_t *d;

	walk(all, "ret", ra, rb);
	walk(all, "errno", json_object_get(a, "errno"), json_object_get(b, "errno"));
	walk(all, "out", json_object_get(a, "out"), json_object_get(b, "out"));
	json_array_foreach(all, i, d) {
		const char *f = sget(d, "field");

		if (is_caps_path(f))
			json_array_append(caps, d);
		else if (!strncmp(f, "out", 3))
			json_array_append(other, d);
	}

	if (failed(a) != failed(b)) {
		res = unsupported_rank(failed(a) ? ea : eb, a) ? VF_GAP_UNSUPPORTED : VF_GAP_RESULT;
	} else if (!same_result(a, b)) {
		res = both_fail_unsupported(ea, a, eb, b) ? VF_GAP_UNSUPPORTED : VF_GAP_ERRNO;
	} else if (!json_equal(ra, rb)) {
		/* CHECK_EXTENSION answers 0 for "not here": a feature one side lacks */
		if (op && !strcmp(op, "CHECK_EXTENSION") &&
		    (json_integer_value(ra) == 0 || json_integer_value(rb) == 0))
			res = VF_GAP_UNSUPPORTED;
		else
			res = VF_GAP_FIELD;
	}
	if (res != VF_GAP_KIND_COUNT) {
		/* the fields written back by a call whose result differs are part of it */
		mask |= 1u << res;
		if (diffs)
			diffs[res] = json_incref(all);
	} else {
		if (json_array_size(caps)) {
			mask |= 1u << VF_GAP_CAPS;
			if (diffs)
				diffs[VF_GAP_CAPS] = json_incref(caps);
		}
		if (json_array_size(other)) {
			/*
			 * A probe shows state, and so does what an unmap removes or a
			 * status reports once the states have parted: not this call.
			 */
			enum vf_gap_kind k = shows_state(op, diverged) ? VF_GAP_SIDE_EFFECT :
									 VF_GAP_FIELD;

			/* the device reached memory on one side and not the other: worst */
			if (is_device_dma(op))
				k = VF_GAP_DMA;

			mask |= 1u << k;
			if (diffs)
				diffs[k] = json_incref(other);
		}
		acct_diffs(acct, a, b, pa, pb);
		/* after the states parted, a different release is part of the side effect */
		if (json_array_size(acct) && !(mask & (1u << VF_GAP_SIDE_EFFECT))) {
			mask |= 1u << VF_GAP_ACCOUNTING;
			if (diffs)
				diffs[VF_GAP_ACCOUNTING] = json_incref(acct);
		}
	}
	json_decref(all);
	json_decref(caps);
	json_decref(other);
	json_decref(acct);
	return mask;
}

unsigned vf_gap_classify(const json_t *a, const json_t *b, const json_t *prev_a,
			 const json_t *prev_b, bool diverged)
{
	return classify(a, b, prev_a, prev_b, diverged, NULL);
}

char *vf_gap_make_id(char *buf, size_t len, const char *case_name, const char *op,
		     unsigned ordinal, unsigned last, enum vf_gap_kind kind)
{
	if (last > ordinal)
		snprintf(buf, len, "%s:%s#%u..%u:%s", case_name, op, ordinal, last,
			 vf_gap_kind_name(kind));
	else
		snprintf(buf, len, "%s:%s#%u:%s", case_name, op, ordinal, vf_gap_kind_name(kind));
	return buf;
}

bool vf_gap_id_valid(const char *s, const char **why)
{
	const char *p = s, *hash, *colon;
	unsigned long first;
	char kind[32];

	while (*p && (strchr("abcdefghijklmnopqrstuvwxyz0123456789._-", *p)))
		p++;
	if (p == s || *p != ':') {
		*why = "a gap id starts with the case name ([a-z0-9._-]+) and ':'";
		return false;
	}
	s = ++p;
	while (*p && ((*p >= 'A' && *p <= 'Z') || *p == '_'))
		p++;
	if (p == s || *p != '#') {
		*why = "after the case name comes the op (GET_INFO style, [A-Z_]+) and '#'";
		return false;
	}
	hash = p++;
	if (*p < '1' || *p > '9') {
		*why = "the op's ordinal after '#' is a number from 1";
		return false;
	}
	first = strtoul(p, (char **)&p, 10);
	if (p[0] == '.' && p[1] == '.') {
		p += 2;
		if (*p < '1' || *p > '9' || strtoul(p, (char **)&p, 10) <= first) {
			*why = "an ordinal range N..M needs M > N";
			return false;
		}
	}
	if (*p != ':' || p - hash > 12) {
		*why = "the ordinal is followed by ':' and the kind";
		return false;
	}
	colon = p + 1;
	if (strlen(colon) >= sizeof(kind) || vf_gap_kind_lookup(colon) < 0) {
		*why = "unknown kind (dma, errno, result, field, caps, accounting, side-effect, "
		       "unsupported, missing)";
		return false;
	}
	return true;
}

static void add_gap(struct vf_gap_set *set, const json_t *ca, const json_t *cb,
		    const json_t *sa, const json_t *sb, const char *op, unsigned ordinal,
		    unsigned step, enum vf_gap_kind kind, json_t *diffs)
{
	const json_t *any = sa ? sa : sb, *anyc = ca ? ca : cb;
	struct vf_gap *g;
	char id[512];

	set->v = realloc(set->v, (set->n + 1) * sizeof(*set->v));
	if (!set->v) {
		perror("vfconform");
		exit(1);
	}
	g = &set->v[set->n++];
	memset(g, 0, sizeof(*g));
	g->case_name = sget(anyc, "name");
	g->area = json_string_value(json_array_get(json_object_get(anyc, "tags"), 0));
	if (!g->area)
		g->area = "none";
	g->op = op;
	g->ordinal = ordinal;
	g->ordinal_last = ordinal;
	g->step = step;
	g->step_last = step;
	g->line = any ? json_integer_value(json_object_get(any, "line")) : 0;
	g->setup = any && json_is_true(json_object_get(any, "setup"));
	g->kind = kind;
	g->diffs = diffs ? diffs : json_array();
	g->case_a = ca;
	g->case_b = cb;
	g->step_a = sa;
	g->step_b = sb;
	g->id = strdup(vf_gap_make_id(id, sizeof(id), g->case_name, op, ordinal, ordinal, kind));
	set->by_kind[kind]++;
}

/* Ordinal bookkeeping: how many steps of each op the case had so far. */
struct op_count {
	const char *op;
	unsigned n;
};

static unsigned next_ordinal(struct op_count *oc, unsigned *n_oc, const char *op)
{
	for (unsigned i = 0; i < *n_oc; i++)
		if (!strcmp(oc[i].op, op))
			return ++oc[i].n;
	oc[*n_oc].op = op;
	oc[*n_oc].n = 1;
	(*n_oc)++;
	return 1;
}

/*
 * Ops that change what is mapped, pinned, attached, open or who runs: a
 * difference there parts the states (closing an fd releases what it held,
 * EXIT ends a process and its fds, UNBIND/BIND take a device away and back,
 * a device's DMA pins pages, the native IOAS steps map into or drop an IOAS).
 */
static bool changes_state(const char *op)
{
	const struct vf_step_kind *k = vf_step_kind_named(op);

	return k && (k->flags & VF_KIND_CHANGES_STATE);
}

/* Extend the case's last gap of this kind when the step continues its range line. */
static bool extend(struct vf_gap_set *set, unsigned first_of_case, const json_t *s,
		   const char *op, unsigned ord, unsigned step, enum vf_gap_kind kind,
		   json_t *diffs)
{
	json_int_t line = json_integer_value(json_object_get(s, "line"));
	char id[512];

	if (json_is_true(json_object_get(s, "setup")))
		return false;
	for (unsigned i = set->n; i-- > first_of_case;) {
		struct vf_gap *g = &set->v[i];

		if (g->kind != kind)
			continue;
		if (g->step_last + 1 != step || g->line != line || strcmp(g->op, op) || g->setup)
			return false;
		g->step_last = step;
		g->ordinal_last = ord;
		free(g->id);
		g->id = strdup(vf_gap_make_id(id, sizeof(id), g->case_name, op, g->ordinal, ord,
					      kind));
		json_decref(diffs);
		return true;
	}
	return false;
}

/* The process that ran a step: "proc" of an `@pN` step, "" for the case's own. */
static const char *proc_of(const json_t *s)
{
	const char *p = sget(s, "proc");

	return p ? p : "";
}

/*
 * The accounting a step's change is measured from. VmLck and VmPin are the
 * running process's own (each process has its own mm): from that process's
 * previous step, or 0 for its first (a forked child starts with nothing
 * locked or pinned). user_locked is the user's counter, seen alike by every
 * process of the case: from the previous step, whoever ran it. NULL (all
 * zero) for the first step; else a new object the caller puts.
 */
static json_t *acct_before(const json_t *steps, size_t i)
{
	const json_t *s = json_array_get(steps, i), *prev, *mine = NULL, *v;
	json_t *acct, *o;
	const char *k;

	if (!i)
		return NULL;
	prev = json_array_get(steps, i - 1);
	for (size_t j = i; j-- > 0;)
		if (!strcmp(proc_of(json_array_get(steps, j)), proc_of(s))) {
			mine = json_array_get(steps, j);
			break;
		}
	acct = json_object();
	json_object_foreach(json_object_get(prev, "acct"), k, v)
		if (!strcmp(k, "user_locked"))
			json_object_set(acct, k, (json_t *)v);
	json_object_foreach(json_object_get(mine, "acct"), k, v)
		if (strcmp(k, "user_locked"))
			json_object_set(acct, k, (json_t *)v);
	o = json_object();
	json_object_set_new(o, "acct", acct);
	return o;
}

static void compare_case(struct vf_gap_set *set, const json_t *ca, const json_t *cb)
{
	const json_t *sa = json_object_get(ca, "steps"), *sb = json_object_get(cb, "steps");
	size_t na = json_array_size(sa), nb = json_array_size(sb), n = na > nb ? na : nb;
	struct op_count *oc = calloc(n + 1, sizeof(*oc));
	unsigned n_oc = 0, before = set->n;
	bool diverged = false;

	for (size_t i = 0; i < n; i++) {
		const json_t *a = json_array_get(sa, i), *b = json_array_get(sb, i);
		json_t *pa = acct_before(sa, i), *pb = acct_before(sb, i);
		const char *op = sget(a ? a : b, "op");
		unsigned ord, mask;
		json_t *diffs[VF_GAP_KIND_COUNT] = { NULL };

		if (!op)
			op = "UNKNOWN";
		ord = next_ordinal(oc, &n_oc, op);
		if (!a || !b || strcmp(op, sget(b, "op") ? sget(b, "op") : "")) {
			add_gap(set, ca, cb, a, b, op, ord, i + 1, VF_GAP_MISSING, NULL);
			set->steps_differ++;
			diverged = true;
			json_decref(pa);
			json_decref(pb);
			continue;
		}
		set->steps++;
		mask = classify(a, b, pa, pb, diverged, diffs);
		json_decref(pa);
		json_decref(pb);
		for (int k = 0; k < VF_GAP_KIND_COUNT; k++)
			if ((mask & (1u << k)) &&
			    !extend(set, before, a, op, ord, i + 1, k, diffs[k]))
				add_gap(set, ca, cb, a, b, op, ord, i + 1, k, diffs[k]);
		if (mask)
			set->steps_differ++;
		/* a state-changing call that differed, or a probe that saw it: states parted */
		if (changes_state(op) || (mask & (1u << VF_GAP_SIDE_EFFECT)))
			diverged |= !!(mask & ~((1u << VF_GAP_CAPS) | (1u << VF_GAP_ACCOUNTING)));
	}
	if (set->n != before)
		set->cases_differ++;
	free(oc);
}

static const json_t *find_case(const json_t *cases, const char *name)
{
	size_t i;
	json_t *c;

	json_array_foreach((json_t *)cases, i, c) {
		const char *n = sget(c, "name");

		if (n && !strcmp(n, name))
			return c;
	}
	return NULL;
}

static bool skipped(const json_t *c)
{
	const char *st = sget(c, "status");

	return st && !strcmp(st, "skip");
}

static int cmp_gap(const void *x, const void *y)
{
	const struct vf_gap *a = x, *b = y;
	int c = strcmp(a->case_name, b->case_name);

	if (c)
		return c;
	if (a->step != b->step)
		return a->step < b->step ? -1 : 1;
	return (int)a->kind - (int)b->kind;
}

int vf_gaps_compute(const json_t *a, const json_t *b, struct vf_gap_set *set)
{
	const json_t *ca = json_object_get(a, "cases"), *cb = json_object_get(b, "cases");
	size_t i;
	json_t *c;

	memset(set, 0, sizeof(*set));
	if (!json_is_array(ca) || !json_is_array(cb)) {
		fprintf(stderr, "vfconform: a run document has no cases array\n");
		return -1;
	}
	json_array_foreach((json_t *)ca, i, c) {
		const char *name = sget(c, "name");
		const json_t *other;

		if (!name) {
			fprintf(stderr, "vfconform: run A: case %zu has no name\n", i + 1);
			vf_gaps_free(set);
			return -1;
		}
		other = find_case(cb, name);
		if (!other) {
			add_gap(set, c, NULL, NULL, NULL, "CASE", 1, 0, VF_GAP_MISSING, NULL);
			set->cases_differ++;
			continue;
		}
		if (skipped(c) || skipped(other)) {
			set->skipped++;
			continue;
		}
		set->cases++;
		compare_case(set, c, other);
	}
	json_array_foreach((json_t *)cb, i, c) {
		const char *name = sget(c, "name");

		if (!name) {
			fprintf(stderr, "vfconform: run B: case %zu has no name\n", i + 1);
			vf_gaps_free(set);
			return -1;
		}
		if (!find_case(ca, name)) {
			add_gap(set, NULL, c, NULL, NULL, "CASE", 1, 0, VF_GAP_MISSING, NULL);
			set->cases_differ++;
		}
	}
	if (set->n)
		qsort(set->v, set->n, sizeof(*set->v), cmp_gap);
	return 0;
}

void vf_gaps_free(struct vf_gap_set *set)
{
	for (unsigned i = 0; i < set->n; i++) {
		free(set->v[i].id);
		json_decref(set->v[i].diffs);
	}
	free(set->v);
	memset(set, 0, sizeof(*set));
}

const struct vf_gap *vf_gaps_find(const struct vf_gap_set *set, const char *id)
{
	for (unsigned i = 0; i < set->n; i++)
		if (!strcmp(set->v[i].id, id))
			return &set->v[i];
	return NULL;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The baseline parser (every malformed line is file:line: message) and the
 * gate on the real 6.12 fixtures: equal to the baseline is 0, an injected new
 * gap is 1 and names it, a gap that went away is 2. Run from the project root.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "results/baseline.h"
#include "results/gap.h"
#include "results/gate.h"
#include "results/run_json.h"

#define FIX "fixtures/kernel-6.12/"

/* Parse text; returns the error count and the messages (malloc'd). */
static int parse(struct vf_baseline *bl, const char *text, char **msgs)
{
	size_t len;
	FILE *f = open_memstream(msgs, &len);
	int n = vf_baseline_parse(bl, "kg", text, f);

	fclose(f);
	return n;
}

START_TEST(baseline_good)
{
	struct vf_baseline bl;
	char *msgs;

	ck_assert_int_eq(parse(&bl, "# comment\n\n  a.b:MAP#1:errno   why not \t\n"
			       "c:MAPPED#2..5:side-effect left by a.b\n", &msgs), 0);
	ck_assert_str_eq(msgs, "");
	ck_assert_uint_eq(bl.n, 2);
	ck_assert_str_eq(bl.v[0].id, "a.b:MAP#1:errno");
	ck_assert_str_eq(bl.v[0].reason, "why not");
	ck_assert_uint_eq(bl.v[1].line, 4);
	ck_assert_ptr_nonnull(vf_baseline_find(&bl, "c:MAPPED#2..5:side-effect"));
	ck_assert_ptr_null(vf_baseline_find(&bl, "c:MAPPED#2:side-effect"));
	vf_baseline_free(&bl);
	free(msgs);
}
END_TEST

START_TEST(baseline_malformed_lines)
{
	struct vf_baseline bl;
	char *msgs;

	ck_assert_int_eq(parse(&bl, "a:MAP#1:errno reason\n"
			       "a:MAP#1:nope reason\n"
			       "a:MAP#1:errno\n"
			       "a:MAP#1:errno again\n"
			       "A B\n", &msgs), 4);
	ck_assert_ptr_nonnull(strstr(msgs, "kg:2: 'a:MAP#1:nope': unknown kind"));
	ck_assert_ptr_nonnull(strstr(msgs, "kg:3: a:MAP#1:errno: no reason given"));
	ck_assert_ptr_nonnull(strstr(msgs, "kg:4: a:MAP#1:errno: duplicate (first on line 1)"));
	ck_assert_ptr_nonnull(strstr(msgs, "kg:5: 'A': "));
	/* the good line survives */
	ck_assert_uint_eq(bl.n, 1);
	vf_baseline_free(&bl);
	free(msgs);
}
END_TEST

START_TEST(baseline_missing_file)
{
	struct vf_baseline bl;
	char *msgs;
	size_t len;
	FILE *f = open_memstream(&msgs, &len);

	ck_assert_int_eq(vf_baseline_load(&bl, "no/such/known-gaps", f), 1);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(msgs, "no/such/known-gaps: No such file"));
	vf_baseline_free(&bl);
	free(msgs);
}
END_TEST

struct world {
	json_t *a, *b;
	struct vf_baseline bl;
};

static void load(struct world *w)
{
	w->a = vf_run_load(FIX "type1.json");
	w->b = vf_run_load(FIX "compat.json");
	ck_assert_ptr_nonnull(w->a);
	ck_assert_ptr_nonnull(w->b);
	ck_assert_int_eq(vf_baseline_load(&w->bl, FIX "known-gaps", stderr), 0);
}

static void unload(struct world *w)
{
	json_decref(w->a);
	json_decref(w->b);
	vf_baseline_free(&w->bl);
}

static json_t *find_step(json_t *doc, const char *name, size_t step)
{
	size_t i;
	json_t *c;

	json_array_foreach(json_object_get(doc, "cases"), i, c)
		if (!strcmp(json_string_value(json_object_get(c, "name")), name))
			return json_array_get(json_object_get(c, "steps"), step - 1);
	ck_abort_msg("no case %s", name);
	return NULL;
}

/* Gate the pair; returns the status, the output in *text. */
static int gate(struct world *w, char **text, struct vf_gate_counts *c)
{
	struct vf_gap_set set;
	size_t len;
	FILE *f = open_memstream(text, &len);
	int ret;

	ck_assert_int_eq(vf_gaps_compute(w->a, w->b, &set), 0);
	ret = vf_gate(&set, &w->bl, f, c);
	fclose(f);
	vf_gaps_free(&set);
	return ret;
}

START_TEST(gate_fixtures_equal_baseline)
{
	struct vf_gate_counts c;
	struct world w;
	char *text;

	load(&w);
	ck_assert_int_eq(gate(&w, &text, &c), VF_GATE_OK);
	ck_assert_uint_eq(c.added, 0);
	ck_assert_uint_eq(c.gone, 0);
	ck_assert_uint_eq(c.known, w.bl.n);
	ck_assert_ptr_nonnull(strstr(text, ": ok\n"));
	free(text);
	unload(&w);
}
END_TEST

START_TEST(gate_injected_new_gap)
{
	struct vf_gate_counts c;
	struct world w;
	char *text;
	json_t *s;

	load(&w);
	/* api.version.fresh step 1 is GET_API_VERSION, identical on both: make it fail on B */
	s = find_step(w.b, "api.version.fresh", 1);
	json_object_set_new(s, "ret", json_integer(-1));
	json_object_set_new(s, "errno", json_string("EINVAL"));
	ck_assert_int_eq(gate(&w, &text, &c), VF_GATE_NEW);
	ck_assert_uint_eq(c.added, 1);
	ck_assert_ptr_nonnull(strstr(text, "new gap: api.version.fresh:GET_API_VERSION#1:result"));
	ck_assert_ptr_nonnull(strstr(text, "1 new, 0 disappeared"));
	free(text);
	unload(&w);
}
END_TEST

START_TEST(gate_removed_gap)
{
	struct vf_gate_counts c;
	struct world w;
	char *text;

	load(&w);
	/* map.v2.iova-wrap step 4: EINVAL on type1, EOVERFLOW on compat; agree on B */
	json_object_set_new(find_step(w.b, "map.v2.iova-wrap", 4), "errno",
			    json_string("EINVAL"));
	ck_assert_int_eq(gate(&w, &text, &c), VF_GATE_GONE);
	ck_assert_uint_eq(c.gone, 1);
	ck_assert_uint_eq(c.added, 0);
	ck_assert_ptr_nonnull(strstr(text, "gone: map.v2.iova-wrap:IOMMU_MAP_DMA#1:errno"));
	free(text);
	unload(&w);
}
END_TEST

START_TEST(gate_new_wins_over_gone)
{
	struct vf_gate_counts c;
	struct world w;
	char *text;

	load(&w);
	json_object_set_new(find_step(w.b, "map.v2.iova-wrap", 4), "errno",
			    json_string("EINVAL"));
	json_object_set_new(find_step(w.b, "api.version.fresh", 1), "ret", json_integer(2));
	ck_assert_int_eq(gate(&w, &text, &c), VF_GATE_NEW);
	ck_assert_uint_eq(c.gone, 1);
	ck_assert_uint_eq(c.added, 1);
	free(text);
	unload(&w);
}
END_TEST

static Suite *gate_suite(void)
{
	Suite *s = suite_create("gate");
	TCase *tc = tcase_create("gate");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, baseline_good);
	tcase_add_test(tc, baseline_malformed_lines);
	tcase_add_test(tc, baseline_missing_file);
	tcase_add_test(tc, gate_fixtures_equal_baseline);
	tcase_add_test(tc, gate_injected_new_gap);
	tcase_add_test(tc, gate_removed_gap);
	tcase_add_test(tc, gate_new_wins_over_gone);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(gate_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The differ: one changed leaf is one line naming the case, the step and
 * the path to the leaf, and the statistics count what was compared.
 */
#define _GNU_SOURCE
#include "unit.h"
#include <jansson.h>
#include "results/diff.h"

static json_t *make_step(int n, const char *op, const char *err)
{
	return json_pack("{s:i, s:i, s:s, s:{s:s}, s:i, s:s?, s:{s:[{s:i, s:[[s,s],[s,s]]}]}, "
			 "s:{s:i}}", "step", n, "line", 10 + n, "op", op, "args", "iova",
			 "0x1000", "ret", err ? -1 : 0, "errno", err, "out", "caps", "id", 1,
			 "ranges", "0x0", "0xfedfffff", "0xfef00000", "0xffffffffffffffff",
			 "acct", "VmLck", 0);
}

/* Cases "m.one" and "m.two", three steps each; step 2 is a MAP_DMA failing with EINVAL. */
static json_t *make_doc(void)
{
	json_t *cases = json_array();
	static const char *const names[] = { "m.one", "m.two" };

	for (int c = 0; c < 2; c++) {
		json_t *steps = json_array();

		for (int i = 1; i <= 3; i++)
			json_array_append_new(steps, make_step(i, i == 2 ? "IOMMU_MAP_DMA" :
							       "GET_API_VERSION",
							       i == 2 ? "EINVAL" : NULL));
		json_array_append_new(cases, json_pack("{s:s, s:s, s:[], s:o}", "name", names[c],
						       "status", "pass", "bufs", "steps", steps));
	}
	return json_pack("{s:s, s:o}", "backend", "kernel-type1", "cases", cases);
}

static json_t *step_of(json_t *doc, size_t c, size_t s)
{
	json_t *cs = json_array_get(json_object_get(doc, "cases"), c);

	return json_array_get(json_object_get(cs, "steps"), s);
}

/* Run vf_diff with its output captured. */
static unsigned diff(const json_t *a, const json_t *b, struct vf_diff_stats *st, char **text)
{
	size_t len;
	FILE *f = open_memstream(text, &len);
	unsigned n;

	ck_assert_ptr_nonnull(f);
	n = vf_diff(a, b, f, st);
	fclose(f);
	return n;
}

START_TEST(identical)
{
	json_t *a = make_doc(), *b = make_doc();
	struct vf_diff_stats st;
	char *out;

	memset(&st, 0xff, sizeof(st));	/* vf_diff must reset every counter */
	ck_assert_uint_eq(diff(a, b, &st, &out), 0);
	ck_assert_str_eq(out, "");
	ck_assert_uint_eq(st.cases, 2);
	ck_assert_uint_eq(st.steps, 6);
	ck_assert_uint_eq(st.steps_differ, 0);
	ck_assert_uint_eq(st.cases_differ, 0);
	ck_assert_uint_eq(st.only_a, 0);
	ck_assert_uint_eq(st.only_b, 0);
	ck_assert_uint_eq(st.differences, 0);
	free(out);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(one_errno)
{
	json_t *a = make_doc(), *b = make_doc();
	struct vf_diff_stats st;
	char *out;

	json_object_set_new(step_of(b, 0, 1), "errno", json_string("ENOENT"));
	ck_assert_uint_eq(diff(a, b, &st, &out), 1);
	ck_assert_str_eq(out, "m.one step 2 (line 12 IOMMU_MAP_DMA): errno: \"EINVAL\" | "
			 "\"ENOENT\"\n");
	ck_assert_uint_eq(st.cases, 2);
	ck_assert_uint_eq(st.steps, 6);
	ck_assert_uint_eq(st.steps_differ, 1);
	ck_assert_uint_eq(st.cases_differ, 1);
	ck_assert_uint_eq(st.differences, 1);
	free(out);
	json_decref(a);
	json_decref(b);
}
END_TEST

/* Success (null) against an errno is a difference too. */
START_TEST(errno_null)
{
	json_t *a = make_doc(), *b = make_doc();
	struct vf_diff_stats st;
	char *out;

	json_object_set_new(step_of(b, 1, 0), "errno", json_string("EPERM"));
	json_object_set_new(step_of(b, 1, 0), "ret", json_integer(-1));
	ck_assert_uint_eq(diff(a, b, &st, &out), 2);
	/* fields in the differ's fixed order: ret before errno */
	ck_assert_str_eq(out, "m.two step 1 (line 11 GET_API_VERSION): ret: 0 | -1\n"
			 "m.two step 1 (line 11 GET_API_VERSION): errno: null | \"EPERM\"\n");
	ck_assert_uint_eq(st.steps_differ, 1);
	ck_assert_uint_eq(st.differences, 2);
	free(out);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(nested_cap_path)
{
	json_t *a = make_doc(), *b = make_doc();
	struct vf_diff_stats st;
	json_t *range;
	char *out;

	range = json_array_get(json_object_get(json_array_get(json_object_get(json_object_get(
		step_of(b, 0, 0), "out"), "caps"), 0), "ranges"), 1);
	json_array_set_new(range, 1, json_string("0x7fffffffff"));
	ck_assert_uint_eq(diff(a, b, &st, &out), 1);
	ck_assert_str_eq(out, "m.one step 1 (line 11 GET_API_VERSION): out.caps[0].ranges[1][1]: "
			 "\"0xffffffffffffffff\" | \"0x7fffffffff\"\n");
	ck_assert_uint_eq(st.steps_differ, 1);
	free(out);
	json_decref(a);
	json_decref(b);
}
END_TEST

/* A field one side lacks, at any depth, shows as (absent). */
START_TEST(absent_fields)
{
	json_t *a = make_doc(), *b = make_doc();
	struct vf_diff_stats st;
	char *out;

	json_object_set_new(json_object_get(step_of(b, 0, 2), "out"), "canary",
			    json_string("intact"));
	json_object_del(json_object_get(step_of(b, 0, 2), "acct"), "VmLck");
	json_array_append_new(json_object_get(json_object_get(step_of(b, 0, 2), "out"), "caps"),
			      json_pack("{s:i}", "id", 3));
	ck_assert_uint_eq(diff(a, b, &st, &out), 3);
	ck_assert_str_eq(out,
			 "m.one step 3 (line 13 GET_API_VERSION): out.caps[1]: "
			 "(absent) | {\"id\":3}\n"
			 "m.one step 3 (line 13 GET_API_VERSION): out.canary: "
			 "(absent) | \"intact\"\n"
			 "m.one step 3 (line 13 GET_API_VERSION): acct.VmLck: 0 | (absent)\n");
	ck_assert_uint_eq(st.steps_differ, 1);
	ck_assert_uint_eq(st.cases_differ, 1);
	free(out);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(extra_step_in_b)
{
	json_t *a = make_doc(), *b = make_doc();
	json_t *steps = json_object_get(json_array_get(json_object_get(b, "cases"), 1), "steps");
	struct vf_diff_stats st;
	char *out;
	const char *want = "m.two step 4 (line 14 GET_API_VERSION): step: (absent) | {\"acct\":";

	json_array_append_new(steps, make_step(4, "GET_API_VERSION", NULL));
	ck_assert_uint_eq(diff(a, b, &st, &out), 1);
	ck_assert_msg(!strncmp(out, want, strlen(want)), "got: %s", out);
	/* a long value is cut and says so */
	ck_assert_ptr_nonnull(strstr(out, "...\n"));
	ck_assert_uint_eq(vf_count_lines(out), 1);
	ck_assert_uint_eq(st.steps, 6);		/* only steps both have are compared */
	ck_assert_uint_eq(st.steps_differ, 1);
	ck_assert_uint_eq(st.cases_differ, 1);
	free(out);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(step_missing_in_b)
{
	json_t *a = make_doc(), *b = make_doc();
	json_t *steps = json_object_get(json_array_get(json_object_get(b, "cases"), 0), "steps");
	struct vf_diff_stats st;
	char *out;
	const char *want = "m.one step 2 (line 12 IOMMU_MAP_DMA): step: {\"acct\":";

	json_array_remove(steps, 2);
	json_array_remove(steps, 1);
	ck_assert_uint_eq(diff(a, b, &st, &out), 2);
	/* the line and op come from the side that has the step */
	ck_assert_msg(!strncmp(out, want, strlen(want)), "got: %s", out);
	ck_assert_ptr_nonnull(strstr(out, "... | (absent)\n"
				     "m.one step 3 (line 13 GET_API_VERSION)"));
	ck_assert_uint_eq(st.steps, 4);
	ck_assert_uint_eq(st.steps_differ, 2);
	ck_assert_uint_eq(st.cases_differ, 1);
	free(out);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(cases_only_on_one_side)
{
	json_t *a = make_doc(), *b = make_doc();
	struct vf_diff_stats st;
	char *out;

	json_object_set_new(json_array_get(json_object_get(a, "cases"), 0), "name",
			    json_string("m.gone"));
	json_object_set_new(json_array_get(json_object_get(b, "cases"), 1), "name",
			    json_string("m.new"));
	/* m.one only in B, m.two only in A: nothing is compared */
	ck_assert_uint_eq(diff(a, b, &st, &out), 4);
	ck_assert_str_eq(out, "m.gone: only in A\nm.two: only in A\n"
			 "m.one: only in B\nm.new: only in B\n");
	ck_assert_uint_eq(st.cases, 0);
	ck_assert_uint_eq(st.only_a, 2);
	ck_assert_uint_eq(st.only_b, 2);
	ck_assert_uint_eq(st.steps, 0);
	ck_assert_uint_eq(st.cases_differ, 0);
	free(out);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(case_matched_by_name)
{
	json_t *a = make_doc(), *b = make_doc();
	json_t *cases = json_object_get(b, "cases");
	struct vf_diff_stats st;
	char *out;

	/* the same cases in the other order are the same run */
	json_array_append(cases, json_array_get(cases, 0));
	json_array_remove(cases, 0);
	ck_assert_uint_eq(diff(a, b, &st, &out), 0);
	ck_assert_uint_eq(st.cases, 2);
	free(out);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(status_change)
{
	json_t *a = make_doc(), *b = make_doc();
	struct vf_diff_stats st;
	char *out;

	json_object_set_new(json_array_get(json_object_get(b, "cases"), 1), "status",
			    json_string("crash"));
	ck_assert_uint_eq(diff(a, b, &st, &out), 1);
	ck_assert_str_eq(out, "m.two case: status: \"pass\" | \"crash\"\n");
	ck_assert_uint_eq(st.steps_differ, 0);
	ck_assert_uint_eq(st.cases_differ, 1);
	free(out);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(stats_and_quiet)
{
	json_t *a = make_doc(), *b = make_doc();
	struct vf_diff_stats st;

	/* two fields of one step, one field of another step, another case's status */
	json_object_set_new(step_of(b, 0, 0), "ret", json_integer(1));
	json_object_set_new(step_of(b, 0, 0), "line", json_integer(99));
	json_object_set_new(step_of(b, 0, 2), "op", json_string("MAPPED"));
	json_object_set_new(json_array_get(json_object_get(b, "cases"), 1), "status",
			    json_string("fail"));
	/* NULL prints nothing, but counts the same */
	ck_assert_uint_eq(vf_diff(a, b, NULL, &st), 4);
	ck_assert_uint_eq(st.differences, 4);
	ck_assert_uint_eq(st.cases, 2);
	ck_assert_uint_eq(st.steps, 6);
	ck_assert_uint_eq(st.steps_differ, 2);
	ck_assert_uint_eq(st.cases_differ, 2);
	json_decref(a);
	json_decref(b);
}
END_TEST

static Suite *diff_suite(void)
{
	Suite *s = suite_create("diff");
	TCase *tc = tcase_create("diff");

	tcase_add_test(tc, identical);
	tcase_add_test(tc, one_errno);
	tcase_add_test(tc, errno_null);
	tcase_add_test(tc, nested_cap_path);
	tcase_add_test(tc, absent_fields);
	tcase_add_test(tc, extra_step_in_b);
	tcase_add_test(tc, step_missing_in_b);
	tcase_add_test(tc, cases_only_on_one_side);
	tcase_add_test(tc, case_matched_by_name);
	tcase_add_test(tc, status_change);
	tcase_add_test(tc, stats_and_quiet);
	suite_add_tcase(s, tc);
	return s;
}

VF_CHECK_MAIN(diff_suite)

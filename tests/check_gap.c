// SPDX-License-Identifier: GPL-2.0-only
/*
 * Gap classification and ids: each kind from a minimal step pair, the
 * folding rules (a result gap owns its written-back fields, accounting is a
 * per-step change, probes are side effects), ids that survive line shifts,
 * and range lines folded into one gap.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "results/gap.h"

static json_t *step(const char *op, int ret, const char *err, json_t *out, int lck, int pin)
{
	return json_pack("{s:s, s:i, s:{}, s:i, s:s?, s:o, s:{s:i, s:i}}", "op", op, "line", 10,
			 "args", "ret", ret, "errno", err, "out", out ? out : json_object(),
			 "acct", "VmLck", lck, "VmPin", pin);
}

static unsigned kinds(json_t *a, json_t *b)
{
	unsigned m = vf_gap_classify(a, b, NULL, NULL, false);

	json_decref(a);
	json_decref(b);
	return m;
}

#define K(k) (1u << VF_GAP_##k)

START_TEST(kind_errno)
{
	ck_assert_uint_eq(kinds(step("IOMMU_UNMAP_DMA", -1, "EINVAL", NULL, 0, 0),
				step("IOMMU_UNMAP_DMA", -1, "ENOENT", NULL, 0, 0)), K(ERRNO));
}
END_TEST

START_TEST(kind_result)
{
	ck_assert_uint_eq(kinds(step("IOMMU_MAP_DMA", 0, NULL, NULL, 0, 0),
				step("IOMMU_MAP_DMA", -1, "EFAULT", NULL, 0, 0)), K(RESULT));
}
END_TEST

START_TEST(kind_unsupported_enotty)
{
	/* ENOTTY on one side is a missing ioctl, whatever the other side says */
	ck_assert_uint_eq(kinds(step("IOMMU_DIRTY_PAGES", -1, "EINVAL", NULL, 0, 0),
				step("IOMMU_DIRTY_PAGES", -1, "ENOTTY", NULL, 0, 0)),
			  K(UNSUPPORTED));
	ck_assert_uint_eq(kinds(step("IOMMU_DIRTY_PAGES", 0, NULL, NULL, 0, 0),
				step("IOMMU_DIRTY_PAGES", -1, "ENOTTY", NULL, 0, 0)),
			  K(UNSUPPORTED));
}
END_TEST

START_TEST(kind_unsupported_feature_flag)
{
	json_t *a = step("IOMMU_UNMAP_DMA", 0, NULL, NULL, 0, 0);
	json_t *b = step("IOMMU_UNMAP_DMA", -1, "EINVAL", NULL, 0, 0);

	json_object_set_new(json_object_get(a, "args"), "flags", json_string("ALL|VADDR"));
	json_object_set_new(json_object_get(b, "args"), "flags", json_string("ALL|VADDR"));
	ck_assert_uint_eq(kinds(a, b), K(UNSUPPORTED));
	/* the same EINVAL without a feature flag is an ordinary result gap */
	ck_assert_uint_eq(kinds(step("IOMMU_UNMAP_DMA", 0, NULL, NULL, 0, 0),
				step("IOMMU_UNMAP_DMA", -1, "EINVAL", NULL, 0, 0)), K(RESULT));
}
END_TEST

START_TEST(kind_enotty_vs_enodev_is_errno)
{
	ck_assert_uint_eq(kinds(step("IOMMU_MAP_DMA", -1, "ENOTTY", NULL, 0, 0),
				step("IOMMU_MAP_DMA", -1, "ENODEV", NULL, 0, 0)), K(ERRNO));
}
END_TEST

START_TEST(kind_check_extension)
{
	ck_assert_uint_eq(kinds(step("CHECK_EXTENSION", 1, NULL, NULL, 0, 0),
				step("CHECK_EXTENSION", 0, NULL, NULL, 0, 0)), K(UNSUPPORTED));
}
END_TEST

START_TEST(kind_field_and_caps)
{
	json_t *oa = json_pack("{s:i, s:[{s:i}]}", "argsz", 120, "caps", "id", 2);
	json_t *ob = json_pack("{s:i, s:[{s:i}]}", "argsz", 88, "caps", "id", 3);

	ck_assert_uint_eq(kinds(step("IOMMU_GET_INFO", 0, NULL, oa, 0, 0),
				step("IOMMU_GET_INFO", 0, NULL, ob, 0, 0)), K(FIELD) | K(CAPS));
}
END_TEST

START_TEST(kind_result_owns_fields)
{
	/* a failed unmap writes size 0: part of the result gap, not a field gap */
	json_t *a = step("IOMMU_UNMAP_DMA", 0, NULL, json_pack("{s:s}", "size", "0x1000"), 0, 0);
	json_t *b = step("IOMMU_UNMAP_DMA", -1, "EBUSY", json_pack("{s:s}", "size", "0x0"), 0, 0);

	ck_assert_uint_eq(kinds(a, b), K(RESULT));
}
END_TEST

START_TEST(kind_accounting_is_per_step)
{
	json_t *pa = step("IOMMU_MAP_DMA", 0, NULL, NULL, 1024, 0);
	json_t *pb = step("IOMMU_MAP_DMA", 0, NULL, NULL, 0, 1024);
	json_t *a = step("GET_API_VERSION", 0, NULL, NULL, 1024, 0);
	json_t *b = step("GET_API_VERSION", 0, NULL, NULL, 0, 1024);

	/* the map charged different counters ... */
	ck_assert_uint_eq(vf_gap_classify(pa, pb, NULL, NULL, false), K(ACCOUNTING));
	/* ... a later step that changed nothing is not another gap */
	ck_assert_uint_eq(vf_gap_classify(a, b, pa, pb, false), 0);
	json_decref(pa);
	json_decref(pb);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(kind_side_effect)
{
	json_t *ma = json_pack("{s:[]}", "mapped"), *mb = json_pack("{s:[[s,s]]}", "mapped",
								      "0x1000", "0x1fff");
	json_t *a = step("IOMMU_UNMAP_DMA", 0, NULL, json_pack("{s:s}", "size", "0x0"), 0, 0);
	json_t *b = step("IOMMU_UNMAP_DMA", 0, NULL, json_pack("{s:s}", "size", "0x1000"), 0, 0);

	/* a probe always shows state */
	ck_assert_uint_eq(kinds(step("MAPPED", 0, NULL, ma, 0, 0),
				step("MAPPED", 0, NULL, mb, 0, 0)), K(SIDE_EFFECT));
	/* an unmap's size is this call's field, unless the states parted before */
	ck_assert_uint_eq(vf_gap_classify(a, b, NULL, NULL, false), K(FIELD));
	ck_assert_uint_eq(vf_gap_classify(a, b, NULL, NULL, true), K(SIDE_EFFECT));
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(kind_dma)
{
	json_t *wa = json_pack("{s:s, s:s}", "fault", "none", "wrote", "a+0x0..0xf");
	json_t *wb = json_pack("{s:s, s:s}", "fault", "0x05", "wrote", "none");
	json_t *a = step("DEVICE_DMA", 0, NULL, wa, 0, 0), *b = step("DEVICE_DMA", 0, NULL, wb, 0, 0);

	/* what a device did is a dma gap, before or after the states parted */
	ck_assert_uint_eq(vf_gap_classify(a, b, NULL, NULL, false), K(DMA));
	ck_assert_uint_eq(vf_gap_classify(a, b, NULL, NULL, true), K(DMA));
	/* a step that could not start on one side is a result gap, as any call */
	ck_assert_uint_eq(kinds(step("DEVICE_DMA", 0, NULL, NULL, 0, 0),
				step("DEVICE_DMA", -1, "EBADF", NULL, 0, 0)), K(RESULT));
	ck_assert_str_eq(vf_gap_kind_name(VF_GAP_DMA), "dma");
	ck_assert_int_eq(vf_gap_kind_lookup("dma"), VF_GAP_DMA);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(kind_equal_is_no_gap)
{
	ck_assert_uint_eq(kinds(step("IOMMU_MAP_DMA", -1, "EINVAL", NULL, 4, 0),
				step("IOMMU_MAP_DMA", -1, "EINVAL", NULL, 4, 0)), 0);
}
END_TEST

/* A one-case run document from steps (stolen references). */
static json_t *doc(const char *name, int n, json_t **steps)
{
	json_t *arr = json_array();

	for (int i = 0; i < n; i++) {
		json_object_set_new(steps[i], "step", json_integer(i + 1));
		json_array_append_new(arr, steps[i]);
	}
	return json_pack("{s:s, s:[{s:s, s:[s], s:s, s:o}]}", "format", "vfconform-run/1",
			 "cases", "name", name, "tags", "unmap", "status", "pass", "steps", arr);
}

START_TEST(ids_are_line_independent)
{
	json_t *sa[3] = { step("IOMMU_MAP_DMA", 0, NULL, NULL, 0, 0),
			  step("IOMMU_UNMAP_DMA", -1, "EINVAL", NULL, 0, 0),
			  step("IOMMU_UNMAP_DMA", -1, "EINVAL", NULL, 0, 0) };
	json_t *sb[3] = { step("IOMMU_MAP_DMA", 0, NULL, NULL, 0, 0),
			  step("IOMMU_UNMAP_DMA", -1, "EINVAL", NULL, 0, 0),
			  step("IOMMU_UNMAP_DMA", -1, "ENOENT", NULL, 0, 0) };
	json_t *a = doc("u.x", 3, sa), *b = doc("u.x", 3, sb);
	struct vf_gap_set set, moved;
	size_t i, k;
	json_t *c, *s;

	ck_assert_int_eq(vf_gaps_compute(a, b, &set), 0);
	ck_assert_uint_eq(set.n, 1);
	/* the second UNMAP of the case: ordinal 2, whatever its line */
	ck_assert_str_eq(set.v[0].id, "u.x:IOMMU_UNMAP_DMA#2:errno");
	ck_assert_str_eq(set.v[0].area, "unmap");
	/* a header line added above the steps shifts every line: same id */
	json_array_foreach(json_object_get(json_array_get(json_object_get(b, "cases"), 0), "steps"),
			   i, s)
		json_object_set_new(s, "line", json_integer(20 + i));
	json_array_foreach(json_object_get(a, "cases"), i, c)
		json_array_foreach(json_object_get(c, "steps"), k, s)
			json_object_set_new(s, "line", json_integer(20 + k));
	ck_assert_int_eq(vf_gaps_compute(a, b, &moved), 0);
	ck_assert_uint_eq(moved.n, 1);
	ck_assert_str_eq(moved.v[0].id, set.v[0].id);
	vf_gaps_free(&set);
	vf_gaps_free(&moved);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(range_line_is_one_gap)
{
	json_t *sa[5], *sb[5], *a, *b;
	struct vf_gap_set set;

	for (int i = 0; i < 5; i++) {
		sa[i] = step("IOMMU_GET_INFO", 0, NULL, json_pack("{s:i}", "argsz", 120), 0, 0);
		sb[i] = step("IOMMU_GET_INFO", 0, NULL, json_pack("{s:i}", "argsz", 88), 0, 0);
	}
	/* the last step comes from another line: its own gap */
	json_object_set_new(sa[4], "line", json_integer(11));
	json_object_set_new(sb[4], "line", json_integer(11));
	a = doc("i.sweep", 5, sa);
	b = doc("i.sweep", 5, sb);
	ck_assert_int_eq(vf_gaps_compute(a, b, &set), 0);
	ck_assert_uint_eq(set.n, 2);
	ck_assert_str_eq(set.v[0].id, "i.sweep:IOMMU_GET_INFO#1..4:field");
	ck_assert_uint_eq(set.v[0].step_last, 4);
	ck_assert_str_eq(set.v[1].id, "i.sweep:IOMMU_GET_INFO#5:field");
	ck_assert_uint_eq(set.by_kind[VF_GAP_FIELD], 2);
	ck_assert_uint_eq(set.steps_differ, 5);
	vf_gaps_free(&set);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(missing_case_and_step)
{
	json_t *sa[2] = { step("GET_API_VERSION", 0, NULL, NULL, 0, 0),
			  step("GET_API_VERSION", 0, NULL, NULL, 0, 0) };
	json_t *sb[1] = { step("GET_API_VERSION", 0, NULL, NULL, 0, 0) };
	json_t *a = doc("m.one", 2, sa), *b = doc("m.one", 1, sb);
	struct vf_gap_set set;

	json_array_append_new(json_object_get(a, "cases"),
			      json_pack("{s:s, s:[s], s:s, s:[]}", "name", "m.only-a", "tags",
					"api", "status", "pass", "steps"));
	ck_assert_int_eq(vf_gaps_compute(a, b, &set), 0);
	ck_assert_uint_eq(set.n, 2);
	ck_assert_str_eq(set.v[0].id, "m.one:GET_API_VERSION#2:missing");
	ck_assert_str_eq(set.v[1].id, "m.only-a:CASE#1:missing");
	vf_gaps_free(&set);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(kind_native_iommufd_is_unsupported)
{
	/* iommufd's own ioctls on a legacy container: EINVAL (no driver) or ENOTTY */
	ck_assert_uint_eq(kinds(step("IOMMU_VFIO_IOAS", -1, "EINVAL", NULL, 0, 0),
				step("IOMMU_VFIO_IOAS", 0, NULL, NULL, 0, 0)), K(UNSUPPORTED));
	ck_assert_uint_eq(kinds(step("IOMMU_DESTROY", -1, "EINVAL", NULL, 0, 0),
				step("IOMMU_DESTROY", -1, "ENOENT", NULL, 0, 0)), K(UNSUPPORTED));
	ck_assert_uint_eq(kinds(step("IOMMU_IOAS_ALLOC", -1, "EINVAL", NULL, 0, 0),
				step("IOMMU_IOAS_ALLOC", 0, NULL, NULL, 0, 0)), K(UNSUPPORTED));
	ck_assert_uint_eq(kinds(step("IOMMU_IOAS_MAP", -1, "ENOTTY", NULL, 0, 0),
				step("IOMMU_IOAS_MAP", 0, NULL, NULL, 0, 0)), K(UNSUPPORTED));
	/* an EINVAL on a legacy ioctl stays a result gap */
	ck_assert_uint_eq(kinds(step("GROUP_GET_DEVICE_FD", -1, "EINVAL", NULL, 0, 0),
				step("GROUP_GET_DEVICE_FD", 0, NULL, NULL, 0, 0)), K(RESULT));
}
END_TEST

/* A step of process pN (an `@pN` line), with user_locked. */
static json_t *pstep(const char *proc, const char *op, int lck, int pin, int user)
{
	json_t *s = step(op, 0, NULL, NULL, lck, pin);

	if (proc)
		json_object_set_new(s, "proc", json_string(proc));
	json_object_set_new(json_object_get(s, "acct"), "user_locked", json_integer(user));
	return s;
}

START_TEST(accounting_per_process)
{
	/*
	 * The case maps (type1 VmLck, compat VmPin + user_locked: a known gap), forks,
	 * the child maps the same way (its own mm starts at 0), the case checks, the
	 * child exits: two accounting gaps, the two maps, and none at the steps of the
	 * other process or the EXIT.
	 */
	json_t *sa[6] = { pstep(NULL, "IOMMU_MAP_DMA", 1024, 0, 0), pstep(NULL, "FORK", 1024, 0, 0),
			  pstep("p1", "IOMMU_MAP_DMA", 2048, 0, 0),
			  pstep(NULL, "GET_API_VERSION", 1024, 0, 0),
			  pstep("p1", "GET_API_VERSION", 2048, 0, 0),
			  pstep(NULL, "EXIT", 1024, 0, 0) };
	json_t *sb[6] = { pstep(NULL, "IOMMU_MAP_DMA", 0, 1024, 1024),
			  pstep(NULL, "FORK", 0, 1024, 1024),
			  pstep("p1", "IOMMU_MAP_DMA", 0, 2048, 3072),
			  pstep(NULL, "GET_API_VERSION", 0, 1024, 3072),
			  pstep("p1", "GET_API_VERSION", 0, 2048, 3072),
			  pstep(NULL, "EXIT", 0, 1024, 1024) };
	json_t *a, *b;
	struct vf_gap_set set;
	char *dump;

	/* the child's exit released its own pins: the user's counter drops on compat */
	json_object_set_new(json_object_get(sa[5], "acct"), "user_locked", json_integer(0));
	a = doc("acct.fork", 6, sa);
	b = doc("acct.fork", 6, sb);
	ck_assert_int_eq(vf_gaps_compute(a, b, &set), 0);
	ck_assert_uint_eq(set.n, 3);
	ck_assert_str_eq(set.v[0].id, "acct.fork:IOMMU_MAP_DMA#1:accounting");
	ck_assert_str_eq(set.v[1].id, "acct.fork:IOMMU_MAP_DMA#2:accounting");
	/* p1's map: +2048 on its own VmLck/VmPin, +2048 on the user's counter */
	dump = json_dumps(set.v[1].diffs, 0);
	ck_assert_ptr_nonnull(strstr(dump, "+2048 -> 2048"));
	free(dump);
	/* EXIT: user_locked -2048 on compat only (the child's pins went with it) */
	ck_assert_str_eq(set.v[2].id, "acct.fork:EXIT#1:accounting");
	ck_assert_uint_eq(json_array_size(set.v[2].diffs), 1);
	vf_gaps_free(&set);
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(new_steps_part_states)
{
	/*
	 * A CLOSE that fails on one side parts the states: the unmap size and the
	 * device's pin that follow are side effects, not gaps of their own.
	 */
	json_t *sa[3] = { step("CLOSE", 0, NULL, NULL, 0, 0),
			  step("IOMMU_UNMAP_DMA", 0, NULL, json_pack("{s:s}", "size", "0x0"), 0, 0),
			  step("MDEV_DMA", 0, NULL, json_pack("{s:i}", "pinned", 0), 0, 0) };
	json_t *sb[3] = { step("CLOSE", -1, "EBADF", NULL, 0, 0),
			  step("IOMMU_UNMAP_DMA", 0, NULL, json_pack("{s:s}", "size", "0x1000"), 0,
			       0),
			  step("MDEV_DMA", 0, NULL, json_pack("{s:i}", "pinned", 1), 0, 0) };
	json_t *a = doc("g.close", 3, sa), *b = doc("g.close", 3, sb);
	struct vf_gap_set set;

	ck_assert_int_eq(vf_gaps_compute(a, b, &set), 0);
	ck_assert_uint_eq(set.n, 3);
	ck_assert_str_eq(set.v[0].id, "g.close:CLOSE#1:result");
	ck_assert_str_eq(set.v[1].id, "g.close:IOMMU_UNMAP_DMA#1:side-effect");
	ck_assert_str_eq(set.v[2].id, "g.close:MDEV_DMA#1:side-effect");
	vf_gaps_free(&set);
	json_decref(a);
	json_decref(b);
	/* with the states still equal, a different pin count is the call's own field */
	ck_assert_uint_eq(kinds(step("MDEV_DMA", 0, NULL, json_pack("{s:i}", "pinned", 0), 0, 0),
				step("MDEV_DMA", 0, NULL, json_pack("{s:i}", "pinned", 1), 0, 0)),
			  K(FIELD));
}
END_TEST

START_TEST(id_syntax)
{
	const char *why = NULL;
	char buf[128];

	ck_assert(vf_gap_id_valid("unmap.v1.head:IOMMU_UNMAP_DMA#1:field", &why));
	ck_assert(vf_gap_id_valid("i.s:IOMMU_GET_INFO#17..193:caps", &why));
	ck_assert(vf_gap_id_valid("a:B#2:side-effect", &why));
	ck_assert(!vf_gap_id_valid("Unmap:IOMMU_UNMAP_DMA#1:field", &why));
	ck_assert(!vf_gap_id_valid("unmap:iommu#1:field", &why));
	ck_assert(!vf_gap_id_valid("unmap:MAP#0:field", &why));
	ck_assert(!vf_gap_id_valid("unmap:MAP#3..2:field", &why));
	ck_assert(!vf_gap_id_valid("unmap:MAP#1:flavour", &why));
	ck_assert_ptr_nonnull(strstr(why, "unknown kind"));
	ck_assert_str_eq(vf_gap_make_id(buf, sizeof(buf), "c", "MAPPED", 3, 3,
					VF_GAP_SIDE_EFFECT), "c:MAPPED#3:side-effect");
	ck_assert_int_eq(vf_gap_kind_lookup("accounting"), VF_GAP_ACCOUNTING);
	ck_assert_int_eq(vf_gap_kind_lookup("nope"), -1);
}
END_TEST

static Suite *gap_suite(void)
{
	Suite *s = suite_create("gap");
	TCase *tc = tcase_create("gap");

	tcase_add_test(tc, kind_errno);
	tcase_add_test(tc, kind_dma);
	tcase_add_test(tc, kind_result);
	tcase_add_test(tc, kind_unsupported_enotty);
	tcase_add_test(tc, kind_unsupported_feature_flag);
	tcase_add_test(tc, kind_enotty_vs_enodev_is_errno);
	tcase_add_test(tc, kind_check_extension);
	tcase_add_test(tc, kind_field_and_caps);
	tcase_add_test(tc, kind_result_owns_fields);
	tcase_add_test(tc, kind_accounting_is_per_step);
	tcase_add_test(tc, kind_side_effect);
	tcase_add_test(tc, kind_equal_is_no_gap);
	tcase_add_test(tc, ids_are_line_independent);
	tcase_add_test(tc, range_line_is_one_gap);
	tcase_add_test(tc, missing_case_and_step);
	tcase_add_test(tc, id_syntax);
	tcase_add_test(tc, kind_native_iommufd_is_unsupported);
	tcase_add_test(tc, accounting_per_process);
	tcase_add_test(tc, new_steps_part_states);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(gap_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

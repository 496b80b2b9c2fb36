// SPDX-License-Identifier: GPL-2.0-only
/*
 * The case-language extensions of issue 4: CLOSE, OPEN_CONTAINER/OPEN_GROUP
 * and container=cN, FORK/EXIT and "@pN" steps, SET_CREDS, UNBIND/BIND,
 * count=, the native IOAS steps and "huge" buffers. Each accepted form is
 * checked for what it parses into, each refused form for its
 * "file:line: message", since a typo must never become a different scenario.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lang/case.h"

#define HDR "name t\nabout t\ntags t\n"

static struct vf_case *ok(const char *text)
{
	char err[600] = "";
	struct vf_case *c = vf_case_parse_string("t.case", text, err, sizeof(err));

	ck_assert_msg(c != NULL, "parse failed: %s", err);
	return c;
}

/* The text must be refused with exactly this message. */
static void bad(const char *text, const char *want)
{
	char err[600] = "";
	struct vf_case *c = vf_case_parse_string("t.case", text, err, sizeof(err));

	ck_assert_msg(c == NULL, "accepted: %s", text);
	ck_assert_str_eq(err, want);
}

/* The first step that is not setup. */
static const struct vf_step *step(const struct vf_case *c, unsigned i)
{
	ck_assert_uint_lt(c->n_setup + i, c->n_steps);
	return &c->steps[c->n_setup + i];
}

START_TEST(close_forms)
{
	struct vf_case *c = ok(HDR "groups g0 g1\nCLOSE container=c0\nCLOSE group=g1\n"
			       "CLOSE device=2\n");

	ck_assert_int_eq(step(c, 0)->op, VF_OP_CLOSE);
	ck_assert(vf_has(step(c, 0), VF_F_CONTAINER));
	ck_assert_uint_eq(step(c, 0)->val[VF_F_CONTAINER], 0);
	ck_assert(vf_has(step(c, 1), VF_F_GROUP) && !vf_has(step(c, 1), VF_F_CONTAINER));
	ck_assert_uint_eq(step(c, 1)->val[VF_F_GROUP], 1);
	ck_assert_uint_eq(step(c, 2)->val[VF_F_DEVICE], 2);
	vf_case_free(c);
}
END_TEST

START_TEST(close_needs_exactly_one)
{
	bad(HDR "CLOSE\n", "t.case:4: CLOSE takes exactly one of container=, group=, device=");
	bad(HDR "CLOSE container=c0 group=g0\n",
	    "t.case:4: CLOSE takes exactly one of container=, group=, device=");
	bad(HDR "CLOSE group=g2\n", "t.case:4: group g2 is not opened (add it to 'groups')");
}
END_TEST

START_TEST(containers_must_be_opened)
{
	struct vf_case *c;

	bad(HDR "IOMMU_GET_INFO container=c1\n",
	    "t.case:4: container c1 is not opened (OPEN_CONTAINER container=c1)");
	bad(HDR "OPEN_CONTAINER container=c0\n", "t.case:4: OPEN_CONTAINER needs container=c1..c3");
	bad(HDR "OPEN_CONTAINER\n", "t.case:4: OPEN_CONTAINER needs container=c1..c3");
	bad(HDR "CLOSE container=c4\n", "t.case:4: bad container 'c4' (expected c0..c3)");
	bad(HDR "CLOSE container=x1\n", "t.case:4: bad container 'x1' (expected c0..c3)");
	c = ok(HDR "OPEN_CONTAINER container=c2\nGROUP_SET_CONTAINER container=c2\n"
	       "IOMMU_MAP_DMA iova=0 size=4K vaddr=0 container=c2\nMAPPED iova=0 size=4K container=c2\n");
	ck_assert_int_eq(step(c, 0)->op, VF_OP_OPEN_CONTAINER);
	ck_assert_uint_eq(step(c, 1)->val[VF_F_CONTAINER], 2);
	ck_assert_uint_eq(step(c, 1)->val[VF_F_GROUP], 0);	/* group defaults to g0 */
	ck_assert_uint_eq(step(c, 3)->val[VF_F_CONTAINER], 2);
	vf_case_free(c);
}
END_TEST

START_TEST(fork_and_prefix)
{
	struct vf_case *c = ok(HDR "FORK proc=p1\n@p1 IOMMU_GET_INFO\nexpect errno=0\n"
			       "@p1   CHECK_EXTENSION ext=TYPE1\nIOMMU_GET_INFO\nEXIT proc=p1\n");

	ck_assert_int_eq(step(c, 0)->op, VF_OP_FORK);
	ck_assert_uint_eq(step(c, 0)->val[VF_F_PROC], 1);
	ck_assert_uint_eq(step(c, 0)->proc, 0);
	ck_assert_int_eq(step(c, 1)->op, VF_OP_IOMMU_GET_INFO);
	ck_assert_uint_eq(step(c, 1)->proc, 1);
	ck_assert_uint_eq(step(c, 1)->n_expects, 1);
	ck_assert_uint_eq(step(c, 2)->proc, 1);
	ck_assert_uint_eq(step(c, 3)->proc, 0);
	ck_assert_int_eq(step(c, 4)->op, VF_OP_EXIT);
	vf_case_free(c);
}
END_TEST

START_TEST(fork_errors)
{
	bad(HDR "@p1 IOMMU_GET_INFO\n",
	    "t.case:4: process p1 is not running here (FORK proc=p1 first)");
	bad(HDR "FORK proc=p1\nEXIT proc=p1\n@p1 IOMMU_GET_INFO\n",
	    "t.case:6: process p1 is not running here (FORK proc=p1 first)");
	bad(HDR "FORK proc=p1\nFORK proc=p1\n", "t.case:5: process p1 is already running");
	bad(HDR "EXIT proc=p2\n", "t.case:4: process p2 is not running (FORK proc=p2 first)");
	bad(HDR "FORK proc=p0\n", "t.case:4: bad process 'p0' (expected p1..p3)");
	bad(HDR "FORK\n", "t.case:4: FORK needs proc=pN");
	bad(HDR "FORK proc=p1\n@p1 FORK proc=p2\n",
	    "t.case:5: FORK runs in the case's own process (no @p prefix)");
	bad(HDR "FORK proc=p1\n@p1\n", "t.case:5: '@p1' needs a step");
	bad(HDR "FORK proc=p1\n@p1 expect ret=0\n",
	    "t.case:5: unknown ioctl 'expect' after '@p1'");
	bad(HDR "@q1 IOMMU_GET_INFO\n", "t.case:4: bad process prefix '@q1' (expected @p1..@p3)");
	bad(HDR "@p4 IOMMU_GET_INFO\n", "t.case:4: bad process prefix '@p4' (expected @p1..@p3)");
}
END_TEST

START_TEST(set_creds_forms)
{
	struct vf_case *c = ok(HDR "SET_CREDS cred=uid=1000 memlock=6M\nSET_CREDS memlock=unlimited\n"
			       "SET_CREDS cred=nocap\nSET_CREDS cred=norawio\n");

	ck_assert_uint_eq(step(c, 0)->val[VF_F_CRED], vf_cred_encode(VF_CRED_UID, 1000));
	ck_assert_uint_eq(step(c, 0)->val[VF_F_MEMLOCK], 6u << 20);
	ck_assert(!vf_has(step(c, 1), VF_F_CRED));
	ck_assert_uint_eq(step(c, 1)->val[VF_F_MEMLOCK], UINT64_MAX);
	ck_assert_uint_eq(step(c, 2)->val[VF_F_CRED], vf_cred_encode(VF_CRED_NOCAP, 0));
	ck_assert_uint_eq(step(c, 3)->val[VF_F_CRED], vf_cred_encode(VF_CRED_NORAWIO, 0));
	vf_case_free(c);
	bad(HDR "SET_CREDS\n", "t.case:4: SET_CREDS needs cred= and/or memlock=");
	bad(HDR "SET_CREDS cred=uid=0\n",
	    "t.case:4: cred takes root, nocap, norawio or uid=N (N > 0), not 'uid=0'");
	bad(HDR "SET_CREDS memlock=lots\n", "t.case:4: memlock: malformed number 'lots'");
	c = ok(HDR "cred norawio\n");
	ck_assert_int_eq(c->cred, VF_CRED_NORAWIO);
	vf_case_free(c);
}
END_TEST

START_TEST(bind_defaults_to_g0)
{
	struct vf_case *c = ok(HDR "topo multi\nUNBIND device=1\nBIND device=1\nOPEN_GROUP group=g0\n");

	ck_assert_int_eq(step(c, 0)->op, VF_OP_UNBIND);
	ck_assert(vf_has(step(c, 0), VF_F_GROUP));
	ck_assert_uint_eq(step(c, 0)->val[VF_F_GROUP], 0);
	ck_assert_uint_eq(step(c, 1)->val[VF_F_DEVICE], 1);
	ck_assert_int_eq(step(c, 2)->op, VF_OP_OPEN_GROUP);
	vf_case_free(c);
	bad(HDR "OPEN_GROUP\n", "t.case:4: OPEN_GROUP needs group=");
	bad(HDR "groups\nattach none\nUNBIND\n",
	    "t.case:4: 'groups' needs a value");
}
END_TEST

START_TEST(count_field)
{
	struct vf_case *c = ok(HDR "IOMMU_MAP_DMA iova=0 size=4K vaddr=0 count=65535\n"
			       "IOMMU_UNMAP_DMA iova=0 size=4K count=3\nexpect done=3 failed_at=0\n");

	ck_assert_uint_eq(step(c, 0)->val[VF_F_REPEAT], 65535);
	ck_assert_uint_eq(step(c, 1)->val[VF_F_REPEAT], 3);
	ck_assert_uint_eq(step(c, 1)->n_expects, 2);
	vf_case_free(c);
	bad(HDR "IOMMU_MAP_DMA iova=0 size=4K count=0\n",
	    "t.case:4: count= takes 1..1000000 and no raw=");
	bad(HDR "IOMMU_MAP_DMA iova=0 size=4K count=1000001\n",
	    "t.case:4: count= takes 1..1000000 and no raw=");
	bad(HDR "IOMMU_MAP_DMA count=2 raw=00\n", "t.case:4: count= takes 1..1000000 and no raw=");
	bad(HDR "IOMMU_GET_INFO count=2\n", "t.case:4: IOMMU_GET_INFO takes no field 'count'");
	bad(HDR "IOMMU_MAP_DMA iova=0 size=4K count=1..3\n",
	    "t.case:4: count: malformed number '1..3'");
}
END_TEST

START_TEST(native_ioas_steps)
{
	struct vf_case *c = ok(HDR "IOMMU_IOAS_ALLOC\n"
			       "IOMMU_IOAS_MAP ioas_id=1 iova=0x1000 size=4K vaddr=0 "
			       "flags=READABLE|WRITEABLE\nIOMMU_IOAS_UNMAP ioas_id=1 iova=0 size=0\n"
			       "IOMMU_DESTROY ioas_id=1\n");

	ck_assert_int_eq(step(c, 1)->op, VF_OP_IOMMU_IOAS_MAP);
	ck_assert_uint_eq(step(c, 1)->val[VF_F_FLAGS], 6);	/* WRITEABLE 2 | READABLE 4 */
	ck_assert_int_eq(step(c, 3)->op, VF_OP_IOMMU_DESTROY);
	vf_case_free(c);
	bad(HDR "IOMMU_IOAS_MAP flags=READ\n", "t.case:4: flags: unknown flag 'READ'");
	bad(HDR "IOMMU_DESTROY iova=0\n", "t.case:4: IOMMU_DESTROY takes no field 'iova'");
}
END_TEST

START_TEST(huge_buffers)
{
	struct vf_case *c = ok(HDR "buf h 4M huge\n");

	ck_assert_int_eq(c->bufs[0].kind, VF_BUF_HUGE);
	vf_case_free(c);
	bad(HDR "buf h 3M huge\n", "t.case:4: a huge buffer's size must be a multiple of 2M");
	bad(HDR "buf h 4M giant\n",
	    "t.case:4: unknown buffer kind 'giant' (anon, ro, unmapped, huge, bar0..bar5)");
}
END_TEST

START_TEST(acct_expect_keys)
{
	struct vf_case *c = ok(HDR "FORK proc=p1\nEXIT proc=p1\nexpect status=exit-0 VmLck=0 "
			       "VmPin=4 user_locked=8\n");

	ck_assert_uint_eq(step(c, 1)->n_expects, 4);
	ck_assert_str_eq(step(c, 1)->expects[0].value, "exit-0");
	vf_case_free(c);
	bad(HDR "IOMMU_GET_INFO\nexpect VmLck=lots\n", "t.case:5: expect VmLck: malformed number 'lots'");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("parser_ext");
	TCase *tc = tcase_create("ext");

	tcase_add_test(tc, close_forms);
	tcase_add_test(tc, close_needs_exactly_one);
	tcase_add_test(tc, containers_must_be_opened);
	tcase_add_test(tc, fork_and_prefix);
	tcase_add_test(tc, fork_errors);
	tcase_add_test(tc, set_creds_forms);
	tcase_add_test(tc, bind_defaults_to_g0);
	tcase_add_test(tc, count_field);
	tcase_add_test(tc, native_ioas_steps);
	tcase_add_test(tc, huge_buffers);
	tcase_add_test(tc, acct_expect_keys);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

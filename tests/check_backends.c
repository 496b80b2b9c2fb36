// SPDX-License-Identifier: GPL-2.0-only
/*
 * The backend table: every backend declares its capabilities, and each
 * declared capability has the operations behind it (and none without); the
 * name list shown in --help and in errors is the table's, in its order.
 */
#define _GNU_SOURCE
#include <check.h>
#include <string.h>
#include "backends/backend.h"
#include "unit.h"

START_TEST(caps_match_ops)
{
	const struct vf_backend_ops *b = vf_backend_at(_i);
	bool procs = b->caps & VF_BACKEND_PROCESSES;

	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_eq(vf_backend_find(b->name), b);
	ck_assert_msg(procs == !!b->proc_fork && procs == !!b->proc_use &&
		      procs == !!b->proc_exit, "%s: PROCESSES and proc_* disagree", b->name);
	ck_assert_msg(!!(b->caps & VF_BACKEND_MDEV_DMA) == !!b->mdev_dma,
		      "%s: MDEV_DMA and mdev_dma disagree", b->name);
	/* one process model, one carrier: the backend's own processes or the OS's */
	ck_assert_msg(procs != !!(b->caps & VF_BACKEND_OS_PROCESSES), "%s: %s process carrier",
		      b->name, procs ? "a second" : "no");
	/* in-process means nothing of the machine is touched: no device to restore */
	ck_assert_msg(!(b->caps & VF_BACKEND_IN_PROCESS) || !b->restore,
		      "%s: in-process but restores devices", b->name);
}
END_TEST

START_TEST(names_from_table)
{
	const char *names = vf_backend_names();
	const char *at = names;
	unsigned n = 0;

	for (const struct vf_backend_ops *b; (b = vf_backend_at(n)); n++) {
		ck_assert_msg(!strncmp(at, b->name, strlen(b->name)), "'%s' at %u", names, n);
		at += strlen(b->name);
		if (*at)
			ck_assert(!strncmp(at, ", ", 2)), at += 2;
	}
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(at, "");
	ck_assert_ptr_null(vf_backend_find("sim-"));
}
END_TEST

static Suite *backends_suite(void)
{
	Suite *s = suite_create("backends");
	TCase *tc = tcase_create("table");
	unsigned n = 0;

	while (vf_backend_at(n))
		n++;
	tcase_add_loop_test(tc, caps_match_ops, 0, n);
	tcase_add_test(tc, names_from_table);
	suite_add_tcase(s, tc);
	return s;
}

VF_CHECK_MAIN(backends_suite)

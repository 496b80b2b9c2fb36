/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the Check unit tests: the main() every test binary has,
 * capturing stderr (several harness functions report only there) and
 * parsing case text with a useful message when the parse fails.
 */
#ifndef VF_TEST_UNIT_H
#define VF_TEST_UNIT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lang/case.h"

/* Every binary: one suite, verbosity and fork mode from CK_VERBOSITY and CK_FORK. */
#define VF_CHECK_MAIN(make_suite)					\
int main(void)								\
{									\
	SRunner *sr = srunner_create(make_suite());			\
	int failed;							\
									\
	srunner_run_all(sr, CK_ENV);					\
	failed = srunner_ntests_failed(sr);				\
	srunner_free(sr);						\
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;			\
}

struct vf_stderr_capture {
	int saved;
	FILE *tmp;
};

/* Send fd 2 to a temporary file until vf_stderr_end(). */
static inline void vf_stderr_begin(struct vf_stderr_capture *cap)
{
	fflush(stderr);
	cap->tmp = tmpfile();
	ck_assert_ptr_nonnull(cap->tmp);
	cap->saved = dup(STDERR_FILENO);
	ck_assert_int_ge(cap->saved, 0);
	ck_assert_int_ge(dup2(fileno(cap->tmp), STDERR_FILENO), 0);
}

/* Restore fd 2; returns what was written meanwhile (malloc'd, NUL-terminated). */
static inline char *vf_stderr_end(struct vf_stderr_capture *cap)
{
	char *text;
	long len;

	fflush(stderr);
	dup2(cap->saved, STDERR_FILENO);
	close(cap->saved);
	len = ftell(cap->tmp);
	ck_assert_int_ge(len, 0);
	text = calloc(1, (size_t)len + 1);
	ck_assert_ptr_nonnull(text);
	rewind(cap->tmp);
	ck_assert_uint_eq(fread(text, 1, (size_t)len, cap->tmp), (size_t)len);
	fclose(cap->tmp);
	return text;
}

/* Parse text that must be valid; a failure shows the parser's message. */
static inline struct vf_case *vf_parse_ok(const char *text)
{
	char err[600] = "";
	struct vf_case *c = vf_case_parse_string("t.case", text, err, sizeof(err));

	ck_assert_msg(c != NULL, "parse failed: %s", err);
	return c;
}

/* Number of '\n' in s. */
static inline unsigned vf_count_lines(const char *s)
{
	unsigned n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* Step-by-step comparison of two run documents. */
#ifndef VF_DIFF_H
#define VF_DIFF_H

#include <stdio.h>
#include <jansson.h>

struct vf_diff_stats {
	unsigned cases;		/* compared (present in both) */
	unsigned only_a, only_b;
	unsigned steps;		/* compared */
	unsigned steps_differ;
	unsigned cases_differ;
	unsigned differences;	/* lines printed */
};

/*
 * Print every difference as "case step N (line L OP): field: A | B" to out
 * (NULL prints nothing). Returns the number of differences.
 */
unsigned vf_diff(const json_t *a, const json_t *b, FILE *out, struct vf_diff_stats *st);

#endif

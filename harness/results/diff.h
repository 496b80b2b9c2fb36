/* SPDX-License-Identifier: GPL-2.0-only */
/* Step-by-step comparison of two run documents. */
#ifndef VF_DIFF_H
#define VF_DIFF_H

#include <stdbool.h>
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
/*
 * The first line vf_diff would print, without its newline, into line (empty
 * when none); nonzero when a and b differ. Stops comparing a case's steps at
 * the first difference and formats no other: the fuzzer's signature.
 */
unsigned vf_diff_first(const json_t *a, const json_t *b, char *line, size_t len);

/*
 * Every leaf where a and b differ, as leaf(ctx, path, a, b) (either side NULL
 * where it is absent): objects key by key ("path.key"), arrays element by
 * element ("path[i]") when elementwise, else each array as one value. The
 * differ shows one changed range alone; the gap classifier reads a range list
 * or a capability as a whole.
 */
typedef void (*vf_json_leaf_fn)(void *ctx, const char *path, const json_t *a, const json_t *b);
void vf_json_walk(const char *path, const json_t *a, const json_t *b, bool elementwise,
		  vf_json_leaf_fn leaf, void *ctx);

#endif

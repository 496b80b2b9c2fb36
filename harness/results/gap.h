/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Compat gaps: every step where two runs differ, classified into kinds and
 * named by an id that survives unrelated edits of the library (no line
 * numbers, no step numbers: the case, the op and its ordinal among the
 * case's steps of that op, and the kind).
 */
#ifndef VF_GAP_H
#define VF_GAP_H

#include <stdbool.h>
#include <jansson.h>

/* Worst first: the order of every table and listing of kinds. */
enum vf_gap_kind {
	VF_GAP_DMA,		/* a device's DMA did something else (wrote, read, faulted) */
	VF_GAP_ERRNO,		/* both fail, different errno */
	VF_GAP_RESULT,		/* one succeeds, the other fails */
	VF_GAP_FIELD,		/* same result, a written-back field differs */
	VF_GAP_CAPS,		/* the GET_INFO capability chain differs */
	VF_GAP_ACCOUNTING,	/* the step changed VmLck/VmPin differently */
	VF_GAP_SIDE_EFFECT,	/* state left behind differs (probe, later unmap) */
	VF_GAP_UNSUPPORTED,	/* a whole feature missing on one side */
	VF_GAP_MISSING,		/* a case or step observed on one side only */
	VF_GAP_KIND_COUNT
};

struct vf_gap {
	char *id;		/* "unmap.v1.head:IOMMU_UNMAP_DMA#1:field" */
	/*
	 * One range line (argsz=0..64) expands into many steps; consecutive steps
	 * of one line with the same kind are one gap, "OP#N..M", shown by its
	 * first step. Otherwise ordinal_last == ordinal, step_last == step.
	 */
	const char *case_name;
	const char *area;	/* the case's first tag */
	const char *op;
	unsigned ordinal;	/* 1-based among the case's steps with this op */
	unsigned ordinal_last;
	unsigned step;		/* 1-based position, for display only */
	unsigned step_last;
	unsigned line;		/* case-file line, for display only */
	bool setup;
	enum vf_gap_kind kind;
	json_t *diffs;		/* [{"field", "a", "b"}] what differs, for this kind */
	const json_t *case_a, *case_b;	/* borrowed from the run documents */
	const json_t *step_a, *step_b;	/* NULL when missing on that side */
};

struct vf_gap_set {
	struct vf_gap *v;
	unsigned n;
	unsigned cases;		/* compared on both sides */
	unsigned skipped;	/* skipped on a side, not compared */
	unsigned steps;		/* compared on both sides */
	unsigned steps_differ;
	unsigned cases_differ;
	unsigned by_kind[VF_GAP_KIND_COUNT];
};

const char *vf_gap_kind_name(enum vf_gap_kind k);
int vf_gap_kind_lookup(const char *name);	/* -1 when unknown */

/*
 * The kinds (1u << kind) one step pair shows. diverged: an earlier step of the
 * case already differed in its result, so later differences in state are
 * consequences (side-effect). prev_a/prev_b: the previous step of each side
 * (NULL for the first), for accounting deltas.
 */
unsigned vf_gap_classify(const json_t *a, const json_t *b, const json_t *prev_a,
			 const json_t *prev_b, bool diverged);

/* "CASE:OP#N:KIND" (or "OP#N..M" when last > ordinal) into buf; returns buf. */
char *vf_gap_make_id(char *buf, size_t len, const char *case_name, const char *op,
		     unsigned ordinal, unsigned last, enum vf_gap_kind kind);
/* Does s look like a gap id? Sets why on failure. */
bool vf_gap_id_valid(const char *s, const char **why);

/*
 * Every gap between run documents a and b, sorted by id. The set borrows from
 * a and b: keep them alive while it is used. Returns 0, or -1 on a malformed
 * document (message on stderr).
 */
int vf_gaps_compute(const json_t *a, const json_t *b, struct vf_gap_set *set);
void vf_gaps_free(struct vf_gap_set *set);
const struct vf_gap *vf_gaps_find(const struct vf_gap_set *set, const char *id);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* The CI gate: the gaps of two runs against the known-gaps baseline. */
#ifndef VF_GATE_H
#define VF_GATE_H

#include <stdio.h>
#include "results/baseline.h"
#include "results/gap.h"

#define VF_GATE_OK	0	/* the gaps are exactly the baseline */
#define VF_GATE_NEW	1	/* a gap not in the baseline (wins over a disappeared one) */
#define VF_GATE_GONE	2	/* a baseline gap did not show up */

struct vf_gate_counts {
	unsigned gaps, known, added, gone;
};

/*
 * Compare; list every new and every disappeared gap on out, then a one-line
 * summary "gate: ...". Returns VF_GATE_OK, VF_GATE_NEW or VF_GATE_GONE.
 */
int vf_gate(const struct vf_gap_set *set, const struct vf_baseline *bl, FILE *out,
	    struct vf_gate_counts *counts);

#endif

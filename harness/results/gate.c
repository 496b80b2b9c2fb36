// SPDX-License-Identifier: GPL-2.0-only
/*
 * The gate. A new gap fails the change; a gap that disappeared fails too,
 * with its own exit status, so closing a gap means editing the baseline on
 * purpose rather than letting it go stale.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include "results/gate.h"

/* One line of what differs, e.g. "errno: "EINVAL" | "ENOENT"". */
static void first_diff(FILE *out, const struct vf_gap *g)
{
	json_t *d = json_array_get(g->diffs, 0);
	char *a, *b;

	if (!d) {
		fputc('\n', out);
		return;
	}
	a = json_dumps(json_object_get(d, "a"), JSON_COMPACT | JSON_ENCODE_ANY);
	b = json_dumps(json_object_get(d, "b"), JSON_COMPACT | JSON_ENCODE_ANY);
	fprintf(out, ": %s: %.60s | %.60s\n", json_string_value(json_object_get(d, "field")),
		a ? a : "(absent)", b ? b : "(absent)");
	free(a);
	free(b);
}

int vf_gate(const struct vf_gap_set *set, const struct vf_baseline *bl, FILE *out,
	    struct vf_gate_counts *counts)
{
	struct vf_gate_counts c = { .gaps = set->n };

	for (unsigned i = 0; i < set->n; i++) {
		const struct vf_gap *g = &set->v[i];

		if (vf_baseline_find(bl, g->id)) {
			c.known++;
			continue;
		}
		c.added++;
		fprintf(out, "new gap: %s (step %u, line %u)", g->id, g->step, g->line);
		first_diff(out, g);
	}
	for (unsigned i = 0; i < bl->n; i++) {
		if (vf_gaps_find(set, bl->v[i].id))
			continue;
		c.gone++;
		fprintf(out, "gone: %s (%s:%u: %s)\n", bl->v[i].id, bl->path, bl->v[i].line,
			bl->v[i].reason);
	}
	fprintf(out, "gate: %u gaps: %u known, %u new, %u disappeared of %u in %s: %s\n", c.gaps,
		c.known, c.added, c.gone, bl->n, bl->path,
		c.added ? "FAIL (new gap)" : c.gone ? "FAIL (update the baseline)" : "ok");
	if (counts)
		*counts = c;
	return c.added ? VF_GATE_NEW : c.gone ? VF_GATE_GONE : VF_GATE_OK;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The differential fuzzer: random step sequences, as case text, run on two
 * backends and compared with the differ (fuzz_gen.c makes the text, fuzz.c
 * runs, shrinks and writes the findings).
 */
#ifndef VF_FUZZ_H
#define VF_FUZZ_H

#include <stdbool.h>
#include <stdint.h>

#define FZ_MAX_LINES	96
#define FZ_LINE		256

/*
 * A generated case as lines, so the shrinker can drop lines and words and the
 * result is a case file as it stands. hdr[] are header lines, step[] step lines.
 */
struct fz_seq {
	char hdr[24][FZ_LINE];
	unsigned n_hdr;
	char step[FZ_MAX_LINES][FZ_LINE];
	unsigned n_step;
};

/*
 * Sequence `index` of `seed`: the same (seed, index, max_steps, topo_mask)
 * gives the same text on every machine. topo_mask: 1u << enum vf_topo.
 */
void fz_generate(struct fz_seq *q, uint64_t seed, uint64_t index, unsigned max_steps,
		 unsigned topo_mask);
/* The case text of q with its name and about line after comment; malloc'd. */
char *fz_text(const struct fz_seq *q, const char *name, const char *about, const char *comment);

int vf_cmd_fuzz(int argc, char **argv);
/* Its usage text, for `vfconform fuzz --help`. */
extern const char vf_fuzz_usage[];

#endif

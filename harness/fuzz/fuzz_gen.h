/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a step kind's fuzz generator (harness/steps/) builds on: the
 * sequence's private PRNG, the pools of interesting values, and the line
 * being written. fuzz_gen.c draws the kinds by their weights.
 */
#ifndef VF_FUZZ_GEN_H
#define VF_FUZZ_GEN_H

#include <stdbool.h>
#include <stdint.h>
#include "lang/case.h"

struct fz_rng {
	uint64_t s;
};

/* The sequence being generated: what its header made available to the steps. */
struct fz_gen {
	struct fz_rng *r;
	bool mdev;		/* g0 is the mtty: MDEV_DMA steps make sense */
	unsigned groups[VF_MAX_GROUPS];
	unsigned n_groups;
	const char *bufs[4];	/* names usable in vaddr= */
	uint64_t buf_size[4];
	unsigned n_bufs;
};

uint64_t fz_next(struct fz_rng *r);
unsigned fz_below(struct fz_rng *r, unsigned n);
bool fz_chance(struct fz_rng *r, unsigned pct);
#define FZ_PICK(r, a) ((a)[fz_below(r, sizeof(a) / sizeof((a)[0]))])

/* printf onto the end of a step line (FZ_LINE bytes). */
void fz_add(char *line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The window most steps land in: 4 MiB at 256 MiB, page granular. */
#define FZ_WIN_BASE	0x10000000ull
#define FZ_WIN_PAGES	1024

uint64_t fz_pick_iova(struct fz_rng *r);
uint64_t fz_pick_size(struct fz_rng *r);
/* argsz= around the struct's natural size, and the absurd, now and then */
void fz_add_argsz(struct fz_gen *g, char *l, unsigned natural);
void fz_add_vaddr(struct fz_gen *g, char *l);
const char *fz_pick_group(struct fz_gen *g);
/* raw= bytes: a plausible argsz and flags, then whatever follows, cut anywhere */
void fz_add_raw(struct fz_gen *g, char *l, unsigned natural);

#define FZ_N_EXT	13
#define FZ_N_MEMLOCK	5
extern const char *const fz_ext_names[FZ_N_EXT];
extern const char *const fz_memlocks[FZ_N_MEMLOCK];

#endif

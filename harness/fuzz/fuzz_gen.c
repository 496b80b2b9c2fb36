// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fuzzer's generator: random but parseable case text. Values come mostly
 * from small pools of interesting numbers (page and struct boundaries, the
 * 4 GiB and 2^48 edges, the x86 MSI window, the top of the address space) and
 * a narrow IOVA window, so maps overlap, abut and get split often; a fraction
 * of the steps is deliberately malformed (odd argsz, unknown flag bits, raw
 * argument bytes). Everything is derived from (seed, index) with a private
 * PRNG, never rand(), so a sequence is reproducible from its two numbers.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lang/case.h"
#include "fuzz/fuzz.h"
#include "fuzz/fuzz_gen.h"
#include "steps/step_kind.h"

/* splitmix64: tiny, fast, and good enough to decorrelate neighbouring indices */
uint64_t fz_next(struct fz_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

unsigned fz_below(struct fz_rng *r, unsigned n)
{
	return (unsigned)(fz_next(r) % n);
}

bool fz_chance(struct fz_rng *r, unsigned pct)
{
	return fz_below(r, 100) < pct;
}

void fz_add(char *line, const char *fmt, ...)
{
	size_t n = strlen(line);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line + n, FZ_LINE - n, fmt, ap);
	va_end(ap);
}

uint64_t fz_pick_iova(struct fz_rng *r)
{
	static const uint64_t edges[] = {
		0, 0x1000, 0xfee00000, 0xfeeff000, 0xfffff000, 0x100000000ull,
		0xfffffffffffff000ull, 0xffffffffffffffffull, 0x7ffffffff000ull,
		0x1000000000000ull, 0xffffffffff000ull, 0x10000000ull - 0x1000,
	};
	uint64_t v;

	if (fz_chance(r, 12))
		return FZ_PICK(r, edges);
	v = FZ_WIN_BASE + (uint64_t)fz_below(r, FZ_WIN_PAGES) * 0x1000;
	if (fz_chance(r, 4))
		v += FZ_PICK(r, ((const uint64_t[]){ 1, 0x800, 0xfff }));
	return v;
}

uint64_t fz_pick_size(struct fz_rng *r)
{
	static const uint64_t odd[] = {
		0, 1, 0x800, 0x1001, 0x100000, 0x200000, 0x400000, 0x100000000ull,
		0xfffffffffffff000ull, 0x1000000000000ull, 0x8000000000000000ull,
	};

	if (fz_chance(r, 10))
		return FZ_PICK(r, odd);
	/* mostly small: a few pages, so many fit in the buffer and in the window */
	return (uint64_t)(1 + fz_below(r, fz_chance(r, 70) ? 8 : 64)) * 0x1000;
}

const char *const fz_ext_names[FZ_N_EXT] = {
	"TYPE1", "SPAPR_TCE", "TYPE1v2", "DMA_CC", "EEH", "TYPE1_NESTING", "SPAPR_TCE_v2",
	"NOIOMMU", "UNMAP_ALL", "UPDATE_VADDR", "0", "12", "0xffffffff",
};


void fz_add_argsz(struct fz_gen *g, char *l, unsigned natural)
{
	/* around the struct's own size, and the absurd */
	const unsigned cand[] = { 0, 1, natural - 1, natural + 1, natural + 8, 4096, 0xffffffff };

	if (fz_chance(g->r, 8))
		fz_add(l, " argsz=%u", FZ_PICK(g->r, cand));
}

void fz_add_vaddr(struct fz_gen *g, char *l)
{
	static const char *const absolute[] = { "0", "0x1000", "0xdead00000000",
						 "0xffffffffffff0000" };
	unsigned b;

	if (!g->n_bufs || fz_chance(g->r, 5)) {
		fz_add(l, " vaddr=%s", FZ_PICK(g->r, absolute));
		return;
	}
	b = fz_below(g->r, g->n_bufs);
	if (fz_chance(g->r, 40)) {
		fz_add(l, " vaddr=%s", g->bufs[b]);
	} else {
		uint64_t pages = g->buf_size[b] / 0x1000;
		uint64_t off = (uint64_t)fz_below(g->r, (unsigned)pages) * 0x1000;

		if (fz_chance(g->r, 3))
			off += 1;
		fz_add(l, " vaddr=%s+0x%llx", g->bufs[b], (unsigned long long)off);
	}
}

const char *fz_pick_group(struct fz_gen *g)
{
	static const char *const names[] = { "g0", "g1", "g2", "g3" };

	return names[g->groups[fz_below(g->r, g->n_groups)]];
}

/* raw= bytes: a plausible argsz and flags, then whatever follows, cut anywhere */
void fz_add_raw(struct fz_gen *g, char *l, unsigned natural)
{
	unsigned len = fz_below(g->r, natural + 9);
	uint32_t hdr[2] = { fz_chance(g->r, 50) ? natural : (uint32_t)fz_next(g->r),
			    fz_chance(g->r, 50) ? fz_below(g->r, 8) : 1u << fz_below(g->r, 32) };
	bool zero = fz_chance(g->r, 50);

	fz_add(l, " raw=");
	for (unsigned i = 0; i < len; i++) {
		uint8_t byte = i < 8 ? ((const uint8_t *)hdr)[i] :
			       zero ? 0 : (uint8_t)fz_next(g->r);

		fz_add(l, "%02x", byte);
	}
	if (!len)
		fz_add(l, "00");	/* raw= needs at least one byte */
}


const char *const fz_memlocks[FZ_N_MEMLOCK] = { "0", "16K", "64K", "1M", "unlimited" };

/*
 * One step line: the first draw picks among the kinds with a rare weight
 * (credentials, fd lifetimes, the device's own DMA), the second among the
 * common ones, both in kinds.h's order (harness/steps/).
 */
static void gen_step(struct fz_gen *g, char *l)
{
	unsigned k = fz_below(g->r, 100), x = fz_below(g->r, 100), at = 0;

	l[0] = 0;
	for (int op = 0; op < VF_OP_COUNT; op++) {
		const struct vf_step_kind *d = vf_step_kind(op);

		if (!d->fuzz.rare)
			continue;
		if (x < at + d->fuzz.rare && (!d->fuzz.usable || d->fuzz.usable(g))) {
			d->fuzz.gen(g, l);
			return;
		}
		at += d->fuzz.rare;
	}
	at = 0;
	for (int op = 0; op < VF_OP_COUNT; op++) {
		const struct vf_step_kind *d = vf_step_kind(op);

		if (k < at + d->fuzz.common) {
			d->fuzz.gen(g, l);
			return;
		}
		at += d->fuzz.common;
	}
}

static void hdr(struct fz_seq *q, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(q->hdr[q->n_hdr++], FZ_LINE, fmt, ap);
	va_end(ap);
}

void fz_generate(struct fz_seq *q, uint64_t seed, uint64_t index, unsigned max_steps,
		 unsigned topo_mask)
{
	static const char *const topo_names[VF_TOPO_COUNT] = { "vtd", "mdev", "multi", "noiommu" };
	/* groups each topology has (harness/lang/topology.c) */
	static const unsigned topo_groups[VF_TOPO_COUNT] = { 1, 2, 3, 1 };
	struct fz_rng r = { seed * 0x2545f4914f6cdd1dull ^ index };
	struct fz_gen g = { .r = &r };
	unsigned topo, n, w[VF_TOPO_COUNT] = { 50, 15, 25, 10 }, total = 0, pick;

	fz_next(&r);
	/* not a memset of the 30K struct: every line is written before it is read */
	q->n_hdr = q->n_step = 0;
	for (unsigned t = 0; t < VF_TOPO_COUNT; t++) {
		if (!(topo_mask & (1u << t)))
			w[t] = 0;
		total += w[t];
	}
	pick = fz_below(&r, total ? total : 1);
	for (topo = 0; topo < VF_TOPO_COUNT - 1 && pick >= w[topo]; topo++)
		pick -= w[topo];
	hdr(q, "tags    fuzz");
	hdr(q, "topo    %s", topo_names[topo]);

	/* g0 always, the topology's other groups at random */
	g.groups[g.n_groups++] = 0;
	for (unsigned i = 1; i < topo_groups[topo]; i++)
		if (fz_chance(&r, 60))
			g.groups[g.n_groups++] = i;
	{
		char l[FZ_LINE] = "groups ";

		for (unsigned i = 0; i < g.n_groups; i++)
			fz_add(l, " g%u", g.groups[i]);
		hdr(q, "%s", l);
	}
	if (topo == VF_TOPO_NOIOMMU)
		hdr(q, "iommu   %s", fz_chance(&r, 80) ? "NOIOMMU" : FZ_PICK(&r, fz_ext_names));
	else if (fz_chance(&r, 90))
		hdr(q, "iommu   %s", fz_chance(&r, 70) ? "TYPE1v2" :
				     fz_chance(&r, 70) ? "TYPE1" : FZ_PICK(&r, fz_ext_names));
	hdr(q, "attach  %s", fz_chance(&r, 75) ? "before" : fz_chance(&r, 60) ? "after" : "none");

	g.bufs[g.n_bufs] = "a";
	g.buf_size[g.n_bufs++] = 0x200000;
	hdr(q, "buf     a 2M");
	if (fz_chance(&r, 25)) {
		g.bufs[g.n_bufs] = "r";
		g.buf_size[g.n_bufs++] = 0x10000;
		hdr(q, "buf     r 64K ro");
	}
	if (fz_chance(&r, 15)) {
		g.bufs[g.n_bufs] = "u";
		g.buf_size[g.n_bufs++] = 0x100000;
		hdr(q, "buf     u 1M unmapped");
	}
	if (topo != VF_TOPO_MDEV && fz_chance(&r, 5)) {
		g.bufs[g.n_bufs] = "bar";
		g.buf_size[g.n_bufs++] = 0x1000;
		hdr(q, "buf     bar 4K bar0");
	}
	/* credentials and RLIMIT_MEMLOCK: accounting and permission paths */
	if (fz_chance(&r, 25))
		hdr(q, "cred    %s", fz_chance(&r, 70) ? "nocap" : "uid=1000");
	if (fz_chance(&r, 30))
		hdr(q, "memlock %s", FZ_PICK(&r, fz_memlocks));
	g.mdev = topo == VF_TOPO_MDEV;

	n = 1 + fz_below(&r, max_steps ? max_steps : 1);
	if (n > FZ_MAX_LINES)
		n = FZ_MAX_LINES;
	for (unsigned i = 0; i < n; i++) {
		q->step[q->n_step][0] = 0;	/* gen_step appends */
		gen_step(&g, q->step[q->n_step++]);
	}
}

char *fz_text(const struct fz_seq *q, const char *name, const char *about, const char *comment)
{
	/* the exact size: a worst-case 25K block cost more than the text */
	size_t cap = 32 + strlen(name) + strlen(about) + strlen(comment);
	char *t, *p;

	for (unsigned i = 0; i < q->n_hdr; i++)
		cap += strlen(q->hdr[i]) + 1;
	for (unsigned i = 0; i < q->n_step; i++)
		cap += strlen(q->step[i]) + 1;
	t = malloc(cap);
	if (!t)
		return NULL;
	p = t + sprintf(t, "%sname    %s\nabout   %s\n", comment, name, about);
	for (unsigned i = 0; i < q->n_hdr + q->n_step; i++) {
		const char *l = i < q->n_hdr ? q->hdr[i] : q->step[i - q->n_hdr];
		size_t n = strlen(l);

		if (!n)
			continue;
		memcpy(p, l, n);
		p[n] = '\n';
		p += n + 1;
	}
	*p = 0;
	return t;
}

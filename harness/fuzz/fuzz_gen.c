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

struct rng {
	uint64_t s;
};

/* splitmix64: tiny, fast, and good enough to decorrelate neighbouring indices */
static uint64_t next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned below(struct rng *r, unsigned n)
{
	return (unsigned)(next(r) % n);
}

static bool chance(struct rng *r, unsigned pct)
{
	return below(r, 100) < pct;
}

#define PICK(r, a) ((a)[below(r, sizeof(a) / sizeof((a)[0]))])

static void add(char *line, const char *fmt, ...)
{
	size_t n = strlen(line);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line + n, FZ_LINE - n, fmt, ap);
	va_end(ap);
}

/* The window most steps land in: 4 MiB at 256 MiB, page granular. */
#define WIN_BASE 0x10000000ull
#define WIN_PAGES 1024

static uint64_t pick_iova(struct rng *r)
{
	static const uint64_t edges[] = {
		0, 0x1000, 0xfee00000, 0xfeeff000, 0xfffff000, 0x100000000ull,
		0xfffffffffffff000ull, 0xffffffffffffffffull, 0x7ffffffff000ull,
		0x1000000000000ull, 0xffffffffff000ull, 0x10000000ull - 0x1000,
	};
	uint64_t v;

	if (chance(r, 12))
		return PICK(r, edges);
	v = WIN_BASE + (uint64_t)below(r, WIN_PAGES) * 0x1000;
	if (chance(r, 4))
		v += PICK(r, ((const uint64_t[]){ 1, 0x800, 0xfff }));
	return v;
}

static uint64_t pick_size(struct rng *r)
{
	static const uint64_t odd[] = {
		0, 1, 0x800, 0x1001, 0x100000, 0x200000, 0x400000, 0x100000000ull,
		0xfffffffffffff000ull, 0x1000000000000ull, 0x8000000000000000ull,
	};

	if (chance(r, 10))
		return PICK(r, odd);
	/* mostly small: a few pages, so many fit in the buffer and in the window */
	return (uint64_t)(1 + below(r, chance(r, 70) ? 8 : 64)) * 0x1000;
}

static const char *const map_flags[] = {
	"READ|WRITE", "READ|WRITE", "READ|WRITE", "READ|WRITE", "READ", "WRITE", "0",
	"VADDR", "READ|WRITE|VADDR", "READ|0x8", "READ|WRITE|0x80000000",
};
static const char *const unmap_flags[] = {
	"0", "0", "0", "0", "ALL", "VADDR", "ALL|VADDR", "GET_DIRTY_BITMAP",
	"GET_DIRTY_BITMAP|ALL", "0x8", "0x80000000",
};
static const char *const dirty_flags[] = {
	"START", "STOP", "GET_BITMAP", "0", "START|STOP", "START|GET_BITMAP", "0x8",
};
static const char *const ext_names[] = {
	"TYPE1", "SPAPR_TCE", "TYPE1v2", "DMA_CC", "EEH", "TYPE1_NESTING", "SPAPR_TCE_v2",
	"NOIOMMU", "UNMAP_ALL", "UPDATE_VADDR", "0", "12", "0xffffffff",
};

struct gen {
	struct rng *r;
	bool mdev;		/* g0 is the mtty: MDEV_DMA steps make sense */
	unsigned groups[VF_MAX_GROUPS];
	unsigned n_groups;
	const char *bufs[4];	/* names usable in vaddr= */
	uint64_t buf_size[4];
	unsigned n_bufs;
};

static void add_argsz(struct gen *g, char *l, unsigned natural)
{
	/* around the struct's own size, and the absurd */
	const unsigned cand[] = { 0, 1, natural - 1, natural + 1, natural + 8, 4096, 0xffffffff };

	if (chance(g->r, 8))
		add(l, " argsz=%u", PICK(g->r, cand));
}

static void add_vaddr(struct gen *g, char *l)
{
	static const char *const absolute[] = { "0", "0x1000", "0xdead00000000",
						 "0xffffffffffff0000" };
	unsigned b;

	if (!g->n_bufs || chance(g->r, 5)) {
		add(l, " vaddr=%s", PICK(g->r, absolute));
		return;
	}
	b = below(g->r, g->n_bufs);
	if (chance(g->r, 40)) {
		add(l, " vaddr=%s", g->bufs[b]);
	} else {
		uint64_t off = (uint64_t)below(g->r, (unsigned)(g->buf_size[b] / 0x1000)) * 0x1000;

		if (chance(g->r, 3))
			off += 1;
		add(l, " vaddr=%s+0x%llx", g->bufs[b], (unsigned long long)off);
	}
}

static const char *pick_group(struct gen *g)
{
	static const char *const names[] = { "g0", "g1", "g2", "g3" };

	return names[g->groups[below(g->r, g->n_groups)]];
}

/* raw= bytes: a plausible argsz and flags, then whatever follows, cut anywhere */
static void add_raw(struct gen *g, char *l, unsigned natural)
{
	unsigned len = below(g->r, natural + 9);
	uint32_t hdr[2] = { chance(g->r, 50) ? natural : (uint32_t)next(g->r),
			    chance(g->r, 50) ? below(g->r, 8) : 1u << below(g->r, 32) };
	bool zero = chance(g->r, 50);

	add(l, " raw=");
	for (unsigned i = 0; i < len; i++) {
		uint8_t byte = i < 8 ? ((const uint8_t *)hdr)[i] : zero ? 0 : (uint8_t)next(g->r);

		add(l, "%02x", byte);
	}
	if (!len)
		add(l, "00");	/* raw= needs at least one byte */
}

static const char *const memlocks[] = { "0", "16K", "64K", "1M", "unlimited" };

/*
 * Credentials and RLIMIT_MEMLOCK changed between ioctls: type1 keeps the
 * lock_cap of map time, iommufd charges whoever maps, and a process that left
 * root may lower its limit but not raise it again.
 */
static void gen_creds(struct gen *g, char *l)
{
	struct rng *r = g->r;

	add(l, "SET_CREDS");
	switch (below(r, 4)) {
	case 0:
		add(l, " cred=nocap");
		break;
	case 1:
		add(l, " cred=uid=1000");
		break;
	case 2:
		add(l, " cred=nocap memlock=%s", PICK(r, memlocks));
		break;
	default:
		add(l, " memlock=%s", PICK(r, memlocks));
		break;
	}
}

/* File lifetimes: a group or device closed (and a group reopened) mid-sequence. */
static void gen_fds(struct gen *g, char *l)
{
	struct rng *r = g->r;

	switch (below(r, 3)) {
	case 0:
		add(l, "CLOSE group=%s", pick_group(g));
		break;
	case 1:
		add(l, "OPEN_GROUP group=%s", pick_group(g));
		break;
	default:
		add(l, "CLOSE device=%u", below(r, 2));
		break;
	}
}

/* The mtty's own DMA (vfio_pin_pages / vfio_dma_rw, iommufd access) into the window. */
static void gen_mdev_dma(struct gen *g, char *l)
{
	static const char *const ops[] = { "PIN", "PIN", "UNPIN", "READ", "WRITE" };
	struct rng *r = g->r;

	add(l, "MDEV_DMA op=%s iova=0x%llx size=%s", PICK(r, ops),
	    (unsigned long long)(chance(r, 90) ? WIN_BASE + (uint64_t)below(r, WIN_PAGES) * 0x1000 :
					       pick_iova(r)),
	    PICK(r, ((const char *const[]){ "4K", "4K", "8K", "16K", "0x800", "2M" })));
}

static void gen_step(struct gen *g, char *l)
{
	struct rng *r = g->r;
	unsigned k = below(r, 100), x = below(r, 100);

	l[0] = 0;
	if (x < 4) {
		gen_creds(g, l);
		return;
	}
	if (x < 7) {
		gen_fds(g, l);
		return;
	}
	if (x < 17 && g->mdev) {
		gen_mdev_dma(g, l);
		return;
	}
	if (k < 28) {
		add(l, "IOMMU_MAP_DMA");
		if (chance(r, 3)) {
			add_raw(g, l, 32);
			return;
		}
		add(l, " iova=0x%llx size=0x%llx", (unsigned long long)pick_iova(r),
		    (unsigned long long)pick_size(r));
		add_vaddr(g, l);
		add(l, " flags=%s", chance(r, 75) ? "READ|WRITE" : PICK(r, map_flags));
		add_argsz(g, l, 32);
	} else if (k < 46) {
		const char *f = chance(r, 70) ? "0" : PICK(r, unmap_flags);

		add(l, "IOMMU_UNMAP_DMA");
		if (chance(r, 3)) {
			add_raw(g, l, 24);
			return;
		}
		if (strstr(f, "ALL") && chance(r, 70))
			add(l, " iova=0 size=0");
		else
			add(l, " iova=0x%llx size=0x%llx", (unsigned long long)pick_iova(r),
			    (unsigned long long)pick_size(r));
		add(l, " flags=%s", f);
		if (strstr(f, "DIRTY") && chance(r, 30))
			add(l, " pgsize=%s", chance(r, 50) ? "0x2000" : "4K");
		add_argsz(g, l, 24);
	} else if (k < 56) {
		/* probes cost one ioctl per page when fragmented: keep them small */
		add(l, "MAPPED iova=0x%llx size=0x%llx",
		    (unsigned long long)(WIN_BASE + (uint64_t)below(r, WIN_PAGES / 16) * 0x10000),
		    (unsigned long long)(chance(r, 80) ? 0x10000 : 0x40000));
	} else if (k < 62) {
		const unsigned sizes[] = { 0, 8, 15, 16, 20, 24, 40, 64, 4096 };

		add(l, "IOMMU_GET_INFO");
		if (chance(r, 10))
			add_raw(g, l, 16);
		else if (chance(r, 30))
			add(l, " argsz=%u", PICK(r, sizes));
	} else if (k < 67) {
		const char *f = PICK(r, dirty_flags);

		add(l, "IOMMU_DIRTY_PAGES flags=%s", f);
		if (strstr(f, "GET_BITMAP"))
			add(l, " iova=0x%llx size=0x%llx pgsize=%s",
			    (unsigned long long)pick_iova(r), (unsigned long long)pick_size(r),
			    chance(r, 80) ? "4K" : "0x800");
		add_argsz(g, l, 8);
	} else if (k < 73) {
		add(l, "GROUP_SET_CONTAINER group=%s", pick_group(g));
		if (chance(r, 5))
			add(l, " fd=%s", chance(r, 50) ? "-1" : "0");
	} else if (k < 79) {
		add(l, "GROUP_UNSET_CONTAINER group=%s", pick_group(g));
	} else if (k < 82) {
		add(l, "GROUP_GET_STATUS group=%s", pick_group(g));
		add_argsz(g, l, 8);
	} else if (k < 85) {
		add(l, "GROUP_GET_DEVICE_FD group=%s", pick_group(g));
		if (chance(r, 20))
			add(l, " device=%u", below(r, 3));
	} else if (k < 90) {
		add(l, "SET_IOMMU type=%s", chance(r, 60) ? "TYPE1v2" : PICK(r, ext_names));
	} else if (k < 95) {
		add(l, "CHECK_EXTENSION ext=%s", PICK(r, ext_names));
	} else if (k < 97) {
		add(l, "GET_API_VERSION");
	} else {
		static const char *const ops[] = { "GET", "SET", "CLEAR", "3" };

		add(l, "IOMMU_VFIO_IOAS op=%s ioas_id=%u", PICK(r, ops), below(r, 3));
		if (chance(r, 20))
			add(l, " size=%u", below(r, 20));
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
	struct rng r = { seed * 0x2545f4914f6cdd1dull ^ index };
	struct gen g = { .r = &r };
	unsigned topo, n, w[VF_TOPO_COUNT] = { 50, 15, 25, 10 }, total = 0, pick;

	next(&r);
	/* not a memset of the 30K struct: every line is written before it is read */
	q->n_hdr = q->n_step = 0;
	for (unsigned t = 0; t < VF_TOPO_COUNT; t++) {
		if (!(topo_mask & (1u << t)))
			w[t] = 0;
		total += w[t];
	}
	pick = below(&r, total ? total : 1);
	for (topo = 0; topo < VF_TOPO_COUNT - 1 && pick >= w[topo]; topo++)
		pick -= w[topo];
	hdr(q, "tags    fuzz");
	hdr(q, "topo    %s", topo_names[topo]);

	/* g0 always, the topology's other groups at random */
	g.groups[g.n_groups++] = 0;
	for (unsigned i = 1; i < topo_groups[topo]; i++)
		if (chance(&r, 60))
			g.groups[g.n_groups++] = i;
	{
		char l[FZ_LINE] = "groups ";

		for (unsigned i = 0; i < g.n_groups; i++)
			add(l, " g%u", g.groups[i]);
		hdr(q, "%s", l);
	}
	if (topo == VF_TOPO_NOIOMMU)
		hdr(q, "iommu   %s", chance(&r, 80) ? "NOIOMMU" : PICK(&r, ext_names));
	else if (chance(&r, 90))
		hdr(q, "iommu   %s", chance(&r, 70) ? "TYPE1v2" :
				     chance(&r, 70) ? "TYPE1" : PICK(&r, ext_names));
	hdr(q, "attach  %s", chance(&r, 75) ? "before" : chance(&r, 60) ? "after" : "none");

	g.bufs[g.n_bufs] = "a";
	g.buf_size[g.n_bufs++] = 0x200000;
	hdr(q, "buf     a 2M");
	if (chance(&r, 25)) {
		g.bufs[g.n_bufs] = "r";
		g.buf_size[g.n_bufs++] = 0x10000;
		hdr(q, "buf     r 64K ro");
	}
	if (chance(&r, 15)) {
		g.bufs[g.n_bufs] = "u";
		g.buf_size[g.n_bufs++] = 0x100000;
		hdr(q, "buf     u 1M unmapped");
	}
	if (topo != VF_TOPO_MDEV && chance(&r, 5)) {
		g.bufs[g.n_bufs] = "bar";
		g.buf_size[g.n_bufs++] = 0x1000;
		hdr(q, "buf     bar 4K bar0");
	}
	/* credentials and RLIMIT_MEMLOCK: accounting and permission paths */
	if (chance(&r, 25))
		hdr(q, "cred    %s", chance(&r, 70) ? "nocap" : "uid=1000");
	if (chance(&r, 30))
		hdr(q, "memlock %s", PICK(&r, memlocks));
	g.mdev = topo == VF_TOPO_MDEV;

	n = 1 + below(&r, max_steps ? max_steps : 1);
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

// SPDX-License-Identifier: GPL-2.0-only
/* MAPPED: which pages of a range are mapped, found by mapping them. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include <stdio.h>
#include "exec/step_api.h"
#include "fuzz/fuzz_gen.h"
#include "steps/step_kind.h"

#define MAX_PROBE_LEAVES 4096

/* MAPPED: which pages of a range are mapped, found by trying to map them. */
struct probe {
	struct vf_exec *ex;
	int handle;		/* the container probed */
	uint64_t base;		/* iova the probe buffer's offset 0 stands for */
	unsigned leaves;
	json_t *mapped;		/* [[first,last],...] */
	json_t *other;		/* [{first,last,errno},...] */
	uint64_t run_first, run_last;
	int run_err;		/* -1: no open run; 0: mapped run; else errno run */
	bool truncated;
};

static void probe_flush(struct probe *p)
{
	json_t *pair;

	if (p->run_err < 0)
		return;
	if (p->run_err == 0) {
		pair = json_array();
		json_array_append_new(pair, vf_json_hex(p->run_first));
		json_array_append_new(pair, vf_json_hex(p->run_last));
		json_array_append_new(p->mapped, pair);
	} else {
		json_t *o = json_object();
		json_object_set_new(o, "first", vf_json_hex(p->run_first));
		json_object_set_new(o, "last", vf_json_hex(p->run_last));
		json_object_set_new(o, "errno", vf_json_errno(p->run_err));
		json_array_append_new(p->other, o);
	}
	p->run_err = -1;
}

/* Leaves arrive in ascending order, so runs coalesce as they come. */
static void probe_leaf(struct probe *p, uint64_t iova, uint64_t len, int state)
{
	if (state > 0 || state == 0) {
		if (p->run_err == state && p->run_last + 1 == iova) {
			p->run_last = iova + len - 1;
			return;
		}
		probe_flush(p);
		p->run_first = iova;
		p->run_last = iova + len - 1;
		p->run_err = state;
	} else {
		probe_flush(p);
	}
}

static int probe_try(struct probe *p, uint64_t iova, uint64_t len)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uint64_t)(uintptr_t)p->ex->probe.addr + (iova - p->base),
		.iova = iova,
		.size = len,
	};
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u), .iova = iova, .size = len,
	};
	struct vf_call c = vf_do_ioctl(p->ex, p->handle, VFIO_IOMMU_MAP_DMA, &m);

	if (c.ret == 0) {
		c = vf_do_ioctl(p->ex, p->handle, VFIO_IOMMU_UNMAP_DMA, &u);
		/* not undoing the probe would change the very state under test */
		return c.ret == 0 && u.size == len ? -1 : (c.err ? c.err : EIO);
	}
	return c.err;
}

static void probe_range(struct probe *p, uint64_t iova, uint64_t len)
{
	int r;

	if (p->leaves >= MAX_PROBE_LEAVES) {
		p->truncated = true;
		return;
	}
	r = probe_try(p, iova, len);
	if (r < 0) {			/* mapped and unmapped again: free */
		p->leaves++;
		probe_leaf(p, iova, len, -1);
		return;
	}
	if (len <= 4096) {
		p->leaves++;
		probe_leaf(p, iova, len, r == EEXIST ? 0 : r);
		return;
	}
	probe_range(p, iova, len / 2);
	probe_range(p, iova + len / 2, len - len / 2);
}

static struct vf_call exec_mapped(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	struct probe p = { .ex = ex, .run_err = -1, .handle = vf_chandle(ex, s) };
	uint64_t iova = s->val[VF_F_IOVA], size = s->val[VF_F_SIZE];

	if (!ex->probe.addr) {
		/* sized for the largest MAPPED of the case: populating costs under TCG */
		struct vf_buf b = { .name = "(probe)", .kind = VF_BUF_ANON };
		const struct vf_case *c = ex->ctx->c;

		for (unsigned i = 0; i < c->n_steps; i++)
			if (c->steps[i].op == VF_OP_MAPPED && c->steps[i].val[VF_F_SIZE] > b.size)
				b.size = c->steps[i].val[VF_F_SIZE];

		if (ex->ctx->ops->buf_create(ex->ctx, &b, &ex->probe))
			return (struct vf_call){ -1, ex->probe.err ? ex->probe.err : ENOMEM };
	}
	p.base = iova;
	p.mapped = json_array();
	p.other = json_array();
	probe_range(&p, iova, size);
	probe_flush(&p);
	json_object_set_new(out, "mapped", p.mapped);
	if (json_array_size(p.other))
		json_object_set_new(out, "unprobed", p.other);
	else
		json_decref(p.other);
	if (p.truncated)
		json_object_set_new(out, "truncated", json_true());
	return (struct vf_call){ 0, 0 };
}

/* Must match the parser's limit on the probe buffer. */
#define MAX_MAPPED_SIZE	(64ull << 20)

static bool check_mapped(struct vf_step_check *chk, const struct vf_step *s)
{
	/* a range on size: its ends are the smallest and largest sizes */
	bool sized = chk->range_field == VF_F_SIZE;
	uint64_t min = sized ? chk->lo : s->val[VF_F_SIZE];
	uint64_t max = sized ? chk->hi : s->val[VF_F_SIZE];

	if (!vf_has(s, VF_F_IOVA) || !vf_has(s, VF_F_SIZE))
		return vf_check_fail(chk, "MAPPED needs iova= and size=");
	if (min == 0 || max > MAX_MAPPED_SIZE)
		return vf_check_fail(chk, "MAPPED size must be between 1 and 64M");
	return true;
}

/* Probes cost one ioctl per page when fragmented: keep them small. */
static void gen_mapped(struct fz_gen *g, char *l)
{
	struct fz_rng *r = g->r;

	fz_add(l, "MAPPED iova=0x%llx size=0x%llx",
	       (unsigned long long)(FZ_WIN_BASE + (uint64_t)fz_below(r, FZ_WIN_PAGES / 16) *
					       0x10000),
	       (unsigned long long)(fz_chance(r, 80) ? 0x10000 : 0x40000));
}

const struct vf_step_kind vf_step_mapped = {
	.about = "which pages of iova..+size are mapped, found by trying to map them",
	.fields = VF_BIT(VF_F_IOVA) | VF_BIT(VF_F_SIZE) | VF_BIT(VF_F_CONTAINER),
	.flags = VF_KIND_ALWAYS_SHOWS,
	.personalities = VF_PERS_BOTH,
	.check = check_mapped,
	.exec = exec_mapped,
	.fuzz = { .common = 10, .gen = gen_mapped },
};

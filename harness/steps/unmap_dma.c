// SPDX-License-Identifier: GPL-2.0-only
/* IOMMU_UNMAP_DMA: the type1 unmap, with or without the dirty bitmap. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include "steps/bitmap.h"
#include "exec/step_api.h"
#include "fuzz/fuzz_gen.h"
#include "steps/step_kind.h"

static struct vf_call exec_one_unmap(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	struct {
		struct vfio_iommu_type1_dma_unmap u;
		struct vfio_bitmap b;
	} __attribute__((packed)) arg;
	uint32_t flags = vf_has(s, VF_F_FLAGS) ? (uint32_t)s->val[VF_F_FLAGS] : 0;
	bool dirty = flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP;
	size_t owned = dirty ? sizeof(arg) : sizeof(arg.u);
	struct vfio_iommu_type1_dma_unmap before, after;
	struct vf_step_bitmap sb = { 0 };
	struct vf_json_sink js;
	struct vf_argbuf a;
	struct vf_call c;

	memset(&arg, 0, sizeof(arg));
	arg.u.argsz = vf_has(s, VF_F_ARGSZ) ? (uint32_t)s->val[VF_F_ARGSZ] : owned;
	arg.u.flags = flags;
	arg.u.iova = s->val[VF_F_IOVA];
	arg.u.size = s->val[VF_F_SIZE];
	if (dirty) {
		vf_step_bitmap_init(&sb, s);
		arg.b = sb.b;
	}
	if (!vf_argbuf_init(&a, sizeof(arg))) {
		vf_bitmap_free(&sb.mem);
		return (struct vf_call){ -1, ENOMEM };
	}
	if (s->raw) {
		vf_put_raw(&a, s);
		owned = s->raw_len;
	} else {
		memcpy(a.p, &arg, owned);
	}
	before = arg.u;
	c = vf_do_ioctl(ex, vf_chandle(ex, s), VFIO_IOMMU_UNMAP_DMA, a.p);
	memcpy(&after, a.p, sizeof(after));
	/* raw bytes have no flags of the case's to compare with */
	vf_uapi_unmap_out(vf_json_sink_init(&js, out), &after, s->raw ? NULL : &before);
	json_object_set_new(out, "canary", vf_canary_state(&a, owned));
	vf_step_bitmap_done(&sb, out, &c);
	free(a.p);
	return c;
}

static struct vf_call exec_unmap_dma(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	return vf_has(s, VF_F_REPEAT) ? vf_exec_repeat(ex, s, out, exec_one_unmap) :
					   exec_one_unmap(ex, s, out);
}

static void gen_unmap_dma(struct fz_gen *g, char *l)
{
	static const char *const flags[] = {
		"0", "0", "0", "0", "ALL", "VADDR", "ALL|VADDR", "GET_DIRTY_BITMAP",
		"GET_DIRTY_BITMAP|ALL", "0x8", "0x80000000",
	};
	struct fz_rng *r = g->r;
	const char *f = fz_chance(r, 70) ? "0" : FZ_PICK(r, flags);

	fz_add(l, "IOMMU_UNMAP_DMA");
	if (fz_chance(r, 3)) {
		fz_add_raw(g, l, 24);
		return;
	}
	if (strstr(f, "ALL") && fz_chance(r, 70))
		fz_add(l, " iova=0 size=0");
	else
		fz_add(l, " iova=0x%llx size=0x%llx", (unsigned long long)fz_pick_iova(r),
		       (unsigned long long)fz_pick_size(r));
	fz_add(l, " flags=%s", f);
	if (strstr(f, "DIRTY") && fz_chance(r, 30))
		fz_add(l, " pgsize=%s", fz_chance(r, 50) ? "0x2000" : "4K");
	fz_add_argsz(g, l, 24);
}

const struct vf_step_kind vf_step_unmap_dma = {
	.about = "unmap iova..+size, optionally reading the dirty bitmap",
	.fields = VF_BIT(VF_F_ARGSZ) | VF_BIT(VF_F_IOVA) | VF_BIT(VF_F_SIZE) | VF_BIT(VF_F_FLAGS) |
		  VF_BIT(VF_F_PGSIZE) | VF_BIT(VF_F_BITMAP_SIZE) | VF_BIT(VF_F_RAW) |
		  VF_BIT(VF_F_CONTAINER) | VF_BIT(VF_F_REPEAT),
	.flags = VF_KIND_CHANGES_STATE | VF_KIND_SHOWS_STATE,
	.personalities = VF_PERS_BOTH,
	.exec = exec_unmap_dma,
	.trace = { .replay = true,
		    .args = { "iova", "size", "flags", "pgsize", "bitmap_size" },
		    .out = { "size" } },
	.fuzz = { .common = 18, .gen = gen_unmap_dma },
};

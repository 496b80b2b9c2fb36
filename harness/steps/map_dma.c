// SPDX-License-Identifier: GPL-2.0-only
/* IOMMU_MAP_DMA: the type1 map, as every client issues it. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include "exec/step_api.h"
#include "fuzz/fuzz_gen.h"
#include "steps/step_kind.h"

static struct vf_call exec_one_map(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = vf_has(s, VF_F_ARGSZ) ? (uint32_t)s->val[VF_F_ARGSZ] : sizeof(m),
		.flags = vf_has(s, VF_F_FLAGS) ? (uint32_t)s->val[VF_F_FLAGS] :
			 VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.iova = s->val[VF_F_IOVA],
		.size = s->val[VF_F_SIZE],
	};
	struct vf_argbuf a;
	struct vf_call c;

	m.vaddr = vf_vaddr_of(ex, s, out);
	if (!vf_argbuf_init(&a, sizeof(m)))
		return (struct vf_call){ -1, ENOMEM };
	if (s->raw)
		vf_put_raw(&a, s);
	else
		memcpy(a.p, &m, sizeof(m));
	c = vf_do_ioctl(ex, vf_chandle(ex, s), VFIO_IOMMU_MAP_DMA, a.p);
	/* out NULL: a count= repetition, whose outs are not recorded */
	if (out)
		json_object_set_new(out, "canary",
				    vf_canary_state(&a, s->raw ? s->raw_len : sizeof(m)));
	free(a.p);
	return c;
}

static struct vf_call exec_map_dma(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	return vf_has(s, VF_F_REPEAT) ? vf_exec_repeat(ex, s, out, exec_one_map) :
					   exec_one_map(ex, s, out);
}

static void gen_map_dma(struct fz_gen *g, char *l)
{
	static const char *const flags[] = {
		"READ|WRITE", "READ|WRITE", "READ|WRITE", "READ|WRITE", "READ", "WRITE", "0",
		"VADDR", "READ|WRITE|VADDR", "READ|0x8", "READ|WRITE|0x80000000",
	};
	struct fz_rng *r = g->r;

	fz_add(l, "IOMMU_MAP_DMA");
	if (fz_chance(r, 3)) {
		fz_add_raw(g, l, 32);
		return;
	}
	fz_add(l, " iova=0x%llx size=0x%llx", (unsigned long long)fz_pick_iova(r),
	       (unsigned long long)fz_pick_size(r));
	fz_add_vaddr(g, l);
	fz_add(l, " flags=%s", fz_chance(r, 75) ? "READ|WRITE" : FZ_PICK(r, flags));
	fz_add_argsz(g, l, 32);
}

const struct vf_step_kind vf_step_map_dma = {
	.about = "map vaddr..+size at iova (struct vfio_iommu_type1_dma_map)",
	.fields = VF_BIT(VF_F_ARGSZ) | VF_BIT(VF_F_IOVA) | VF_BIT(VF_F_SIZE) | VF_BIT(VF_F_VADDR) |
		  VF_BIT(VF_F_FLAGS) | VF_BIT(VF_F_RAW) | VF_BIT(VF_F_CONTAINER) |
		  VF_BIT(VF_F_REPEAT),
	.flags = VF_KIND_CHANGES_STATE,
	.personalities = VF_PERS_BOTH,
	.exec = exec_map_dma,
	.trace = { .replay = true, .args = { "iova", "size", "vaddr", "flags" } },
	.fuzz = { .common = 28, .gen = gen_map_dma },
};

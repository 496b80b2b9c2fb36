// SPDX-License-Identifier: GPL-2.0-only
/* IOMMU_DIRTY_PAGES: start, stop and read type1 dirty tracking. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include "steps/bitmap.h"
#include "exec/step_api.h"
#include "fuzz/fuzz_gen.h"
#include "steps/step_kind.h"

static struct vf_call exec_dirty(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	struct {
		struct vfio_iommu_type1_dirty_bitmap d;
		struct vfio_iommu_type1_dirty_bitmap_get g;
	} __attribute__((packed)) arg;
	uint32_t flags = vf_has(s, VF_F_FLAGS) ? (uint32_t)s->val[VF_F_FLAGS] : 0;
	bool get = flags & VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP;
	size_t owned = get ? sizeof(arg) : sizeof(arg.d);
	struct vf_step_bitmap sb = { 0 };
	struct vf_argbuf a;
	struct vf_call c;

	memset(&arg, 0, sizeof(arg));
	arg.d.argsz = vf_has(s, VF_F_ARGSZ) ? (uint32_t)s->val[VF_F_ARGSZ] : owned;
	arg.d.flags = flags;
	if (get) {
		vf_step_bitmap_init(&sb, s);
		arg.g.iova = s->val[VF_F_IOVA];
		arg.g.size = s->val[VF_F_SIZE];
		arg.g.bitmap = sb.b;
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
	c = vf_do_ioctl(ex, vf_chandle(ex, s), VFIO_IOMMU_DIRTY_PAGES, a.p);
	json_object_set_new(out, "canary", vf_canary_state(&a, owned));
	vf_step_bitmap_done(&sb, out, &c);
	free(a.p);
	return c;
}

static void gen_dirty_pages(struct fz_gen *g, char *l)
{
	static const char *const flags[] = {
		"START", "STOP", "GET_BITMAP", "0", "START|STOP", "START|GET_BITMAP", "0x8",
	};
	struct fz_rng *r = g->r;
	const char *f = FZ_PICK(r, flags);

	fz_add(l, "IOMMU_DIRTY_PAGES flags=%s", f);
	if (strstr(f, "GET_BITMAP"))
		fz_add(l, " iova=0x%llx size=0x%llx pgsize=%s", (unsigned long long)fz_pick_iova(r),
		       (unsigned long long)fz_pick_size(r), fz_chance(r, 80) ? "4K" : "0x800");
	fz_add_argsz(g, l, 8);
}

const struct vf_step_kind vf_step_dirty_pages = {
	.about = "start, stop or read type1's dirty page tracking",
	.fields = VF_BIT(VF_F_ARGSZ) | VF_BIT(VF_F_IOVA) | VF_BIT(VF_F_SIZE) | VF_BIT(VF_F_FLAGS) |
		  VF_BIT(VF_F_PGSIZE) | VF_BIT(VF_F_BITMAP_SIZE) | VF_BIT(VF_F_RAW) |
		  VF_BIT(VF_F_CONTAINER),
	.flags = VF_KIND_CHANGES_STATE | VF_KIND_SHOWS_STATE,
	.personalities = VF_PERS_TYPE1,
	.exec = exec_dirty,
	.trace = { .replay = true,
		    .args = { "flags", "iova", "size", "pgsize", "bitmap_size" } },
	.fuzz = { .common = 5, .gen = gen_dirty_pages },
};

// SPDX-License-Identifier: GPL-2.0-only
/* MDEV_DMA: the emulated device pins, unpins, reads or writes, as a vendor driver. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include "exec/step_api.h"
#include "fuzz/fuzz_gen.h"
#include "steps/step_kind.h"

static struct vf_call exec_mdev_dma(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	struct vf_ctx *ctx = ex->ctx;
	enum vf_mdev_op op = (enum vf_mdev_op)s->val[VF_F_OP];
	uint64_t sum = 0;
	long r;

	if (!(ctx->ops->caps & VF_BACKEND_MDEV_DMA))
		return (struct vf_call){ -1, ENOSYS };
	r = ctx->ops->mdev_dma(ctx, op, s->val[VF_F_IOVA], s->val[VF_F_SIZE], &sum);
	if (r < 0)
		return (struct vf_call){ -1, (int)-r };
	if (op == VF_MDEV_PIN)
		json_object_set_new(out, "pinned", json_integer(r));
	if (op == VF_MDEV_READ)
		json_object_set_new(out, "sum", json_integer((json_int_t)sum));
	return (struct vf_call){ 0, 0 };
}

static bool check_mdev_dma(struct vf_step_check *chk, const struct vf_step *s)
{
	if (!vf_has(s, VF_F_OP) || !vf_has(s, VF_F_IOVA) || !vf_has(s, VF_F_SIZE))
		return vf_check_fail(chk, "MDEV_DMA needs op=, iova= and size=");
	return true;
}

static bool has_mdev(const struct fz_gen *g)
{
	return g->mdev;
}

/* The mtty's own DMA (vfio_pin_pages / vfio_dma_rw, iommufd access) into the window. */
static void gen_mdev_dma(struct fz_gen *g, char *l)
{
	static const char *const ops[] = { "PIN", "PIN", "UNPIN", "READ", "WRITE" };
	struct fz_rng *r = g->r;

	fz_add(l, "MDEV_DMA op=%s iova=0x%llx size=%s", FZ_PICK(r, ops),
	       (unsigned long long)(fz_chance(r, 90) ?
				    FZ_WIN_BASE + (uint64_t)fz_below(r, FZ_WIN_PAGES) * 0x1000 :
				    fz_pick_iova(r)),
	       FZ_PICK(r, ((const char *const[]){ "4K", "4K", "8K", "16K", "0x800", "2M" })));
}

const struct vf_step_kind vf_step_mdev_dma = {
	.about = "the emulated device pins, unpins, reads or writes iova..+size",
	.fields = VF_BIT(VF_F_OP) | VF_BIT(VF_F_IOVA) | VF_BIT(VF_F_SIZE),
	.flags = VF_KIND_NO_RANGE | VF_KIND_CHANGES_STATE | VF_KIND_SHOWS_STATE |
		 VF_KIND_OP_NAMES_ONLY,
	.personalities = VF_PERS_BOTH,
	.check = check_mdev_dma,
	.exec = exec_mdev_dma,
	.fuzz = { .rare = 10, .usable = has_mdev, .gen = gen_mdev_dma },
};

// SPDX-License-Identifier: GPL-2.0-only
/* MDEV_DMA: the emulated device pins, unpins, reads or writes, as a vendor driver. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include "exec/step_api.h"
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

const struct vf_step_kind vf_step_mdev_dma = {
	.name = "MDEV_DMA",
	.about = "the emulated device pins, unpins, reads or writes iova..+size",
	.fields = VF_BIT(VF_F_OP) | VF_BIT(VF_F_IOVA) | VF_BIT(VF_F_SIZE),
	.flags = VF_KIND_NO_RANGE | VF_KIND_CHANGES_STATE | VF_KIND_SHOWS_STATE |
		 VF_KIND_OP_NAMES_ONLY,
	.personalities = VF_PERS_BOTH,
	.op_names = vf_mdev_op_names,
	.check = check_mdev_dma,
	.exec = exec_mdev_dma,
};

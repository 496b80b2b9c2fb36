// SPDX-License-Identifier: GPL-2.0-only
/* CLOSE: a container, group or device fd of the case. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include "exec/step_api.h"
#include "fuzz/fuzz_gen.h"
#include "steps/step_kind.h"

/* CLOSE forgets the handle either way, so closing it again says EBADF. */
static struct vf_call exec_close(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	struct vf_ctx *ctx = ex->ctx;
	int *slot;

	(void)out;
	if (vf_has(s, VF_F_CONTAINER))
		slot = vf_container_slot(ctx, (unsigned)s->val[VF_F_CONTAINER]);
	else if (vf_has(s, VF_F_GROUP))
		slot = &ctx->group[s->val[VF_F_GROUP]];
	else if (s->val[VF_F_DEVICE] < ex->n_device_fds)
		slot = &ex->device_fds[s->val[VF_F_DEVICE]];
	else
		return (struct vf_call){ -1, EBADF };
	if (*slot < 0)
		return (struct vf_call){ -1, EBADF };
	ctx->ops->close_handle(ctx, *slot);
	*slot = -1;
	return (struct vf_call){ 0, 0 };
}

static bool check_close(struct vf_step_check *chk, const struct vf_step *s)
{
	if (vf_has(s, VF_F_CONTAINER) + vf_has(s, VF_F_GROUP) + vf_has(s, VF_F_DEVICE) != 1)
		return vf_check_fail(chk, "CLOSE takes exactly one of container=, group=, device=");
	return true;
}

/*
 * File lifetimes: a group or device closed, or a group reopened, mid-sequence
 * (closing and reopening are one lifetime, so CLOSE's generator writes both).
 */
static void gen_close(struct fz_gen *g, char *l)
{
	switch (fz_below(g->r, 3)) {
	case 0:
		fz_add(l, "CLOSE group=%s", fz_pick_group(g));
		break;
	case 1:
		fz_add(l, "OPEN_GROUP group=%s", fz_pick_group(g));
		break;
	default:
		fz_add(l, "CLOSE device=%u", fz_below(g->r, 2));
		break;
	}
}

const struct vf_step_kind vf_step_close = {
	.about = "close a container, group or device fd of the case",
	.fields = VF_BIT(VF_F_CONTAINER) | VF_BIT(VF_F_GROUP) | VF_BIT(VF_F_DEVICE),
	.flags = VF_KIND_NO_RANGE | VF_KIND_CHANGES_STATE,
	.personalities = VF_PERS_BOTH,
	.check = check_close,
	.exec = exec_close,
	.fuzz = { .rare = 3, .gen = gen_close },
};

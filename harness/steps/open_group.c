// SPDX-License-Identifier: GPL-2.0-only
/* OPEN_GROUP: a group node opened again. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include "exec/step_api.h"
#include "steps/step_kind.h"

/*
 * A group node is exclusive: opening it while the case holds it must fail.
 * Should it succeed anyway, the extra handle is recorded as valid and closed.
 */
static struct vf_call exec_open_group(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	struct vf_ctx *ctx = ex->ctx;
	unsigned g = (unsigned)s->val[VF_F_GROUP];
	int h;

	if (!ctx->ops->open_group)
		return (struct vf_call){ -1, ENOSYS };
	h = ctx->ops->open_group(ctx, g);
	if (h < 0)
		return (struct vf_call){ -1, -h };
	json_object_set_new(out, "fd", json_string("valid"));
	if (ctx->group[g] >= 0)
		ctx->ops->close_handle(ctx, h);
	else
		ctx->group[g] = h;
	return (struct vf_call){ 0, 0 };
}

static bool check_open_group(struct vf_step_check *chk, const struct vf_step *s)
{
	if (!vf_has(s, VF_F_GROUP))
		return vf_check_fail(chk, "OPEN_GROUP needs group=");
	return true;
}

const struct vf_step_kind vf_step_open_group = {
	.about = "open a group node again (after CLOSE, or a second time)",
	.fields = VF_BIT(VF_F_GROUP),
	.flags = VF_KIND_NO_RANGE | VF_KIND_CHANGES_STATE,
	.personalities = VF_PERS_BOTH,
	.check = check_open_group,
	.exec = exec_open_group,
};

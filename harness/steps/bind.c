// SPDX-License-Identifier: GPL-2.0-only
/* UNBIND and BIND: a device of a group leaves its vfio driver and comes back. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include "exec/step_api.h"
#include "steps/step_kind.h"

static struct vf_call device_bind(struct vf_exec *ex, const struct vf_step *s, bool bind)
{
	struct vf_ctx *ctx = ex->ctx;
	unsigned dev = vf_has(s, VF_F_DEVICE) ? (unsigned)s->val[VF_F_DEVICE] : 0;
	int err;

	if (!ctx->ops->device_bind)
		return (struct vf_call){ -1, ENOSYS };
	err = ctx->ops->device_bind(ctx, (unsigned)s->val[VF_F_GROUP], dev, bind);
	return (struct vf_call){ err ? -1 : 0, -err };
}

static struct vf_call exec_unbind(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	(void)out;
	return device_bind(ex, s, false);
}

static struct vf_call exec_bind(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	(void)out;
	return device_bind(ex, s, true);
}

const struct vf_step_kind vf_step_unbind = {
	.about = "unbind a device of a group from its vfio driver",
	.fields = VF_BIT(VF_F_GROUP) | VF_BIT(VF_F_DEVICE),
	.flags = VF_KIND_NO_RANGE | VF_KIND_GROUP_DEFAULT | VF_KIND_CHANGES_STATE,
	.personalities = VF_PERS_BOTH,
	.exec = exec_unbind,
};

const struct vf_step_kind vf_step_bind = {
	.about = "bind it again (the runner also rebinds after the case)",
	.fields = VF_BIT(VF_F_GROUP) | VF_BIT(VF_F_DEVICE),
	.flags = VF_KIND_NO_RANGE | VF_KIND_GROUP_DEFAULT | VF_KIND_CHANGES_STATE,
	.personalities = VF_PERS_BOTH,
	.exec = exec_bind,
};

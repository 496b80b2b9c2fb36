// SPDX-License-Identifier: GPL-2.0-only
/* OPEN_CONTAINER: one more container, as cN. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include "exec/step_api.h"
#include "steps/step_kind.h"

static struct vf_call exec_open_container(struct vf_exec *ex, const struct vf_step *s,
					  json_t *out)
{
	struct vf_ctx *ctx = ex->ctx;
	int *slot = vf_container_slot(ctx, (unsigned)s->val[VF_F_CONTAINER]);
	int h;

	(void)out;
	if (!ctx->ops->open_container)
		return (struct vf_call){ -1, ENOSYS };
	/* the case still holds that slot: a case error, not a kernel answer */
	if (*slot >= 0)
		return (struct vf_call){ -1, EEXIST };
	h = ctx->ops->open_container(ctx);
	if (h < 0)
		return (struct vf_call){ -1, -h };
	*slot = h;
	return (struct vf_call){ 0, 0 };
}

static bool check_open_container(struct vf_step_check *chk, const struct vf_step *s)
{
	if (!vf_has(s, VF_F_CONTAINER) || s->val[VF_F_CONTAINER] == 0)
		return vf_check_fail(chk, "OPEN_CONTAINER needs container=c1..c%d",
				     VF_MAX_CONTAINERS - 1);
	*chk->containers_open |= 1u << s->val[VF_F_CONTAINER];
	return true;
}

const struct vf_step_kind vf_step_open_container = {
	.about = "open one more container as cN (c0 is the header's)",
	.fields = VF_BIT(VF_F_CONTAINER),
	.flags = VF_KIND_NO_RANGE | VF_KIND_CHANGES_STATE,
	.personalities = VF_PERS_BOTH,
	.check = check_open_container,
	.exec = exec_open_container,
};

// SPDX-License-Identifier: GPL-2.0-only
/* GROUP_GET_DEVICE_FD: a device of the group, by its name. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include "exec/step_api.h"
#include "fuzz/fuzz_gen.h"
#include "steps/step_kind.h"

static struct vf_call exec_device_fd(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	unsigned dev = vf_has(s, VF_F_DEVICE) ? (unsigned)s->val[VF_F_DEVICE] : 0;
	const char *name = ex->ctx->ops->device_name(ex->ctx, (unsigned)s->val[VF_F_GROUP], dev);
	struct vf_json_sink js;
	struct vf_call c;

	/* a device the topology does not have: the kernel must say no */
	if (!name)
		name = "vfconform-no-such-device";
	c = vf_do_ioctl(ex, ex->ctx->group[s->val[VF_F_GROUP]], VFIO_GROUP_GET_DEVICE_FD,
		     (void *)name);
	vf_uapi_device_fd_out(vf_json_sink_init(&js, out), c.ret);
	if (c.ret >= 0) {
		if (ex->n_device_fds < VF_MAX_DEVICE_FDS)
			ex->device_fds[ex->n_device_fds++] = (int)c.ret;
		else
			ex->ctx->ops->close_handle(ex->ctx, (int)c.ret);
		c.ret = 0;
	}
	return c;
}

static void gen_device_fd(struct fz_gen *g, char *l)
{
	fz_add(l, "GROUP_GET_DEVICE_FD group=%s", fz_pick_group(g));
	if (fz_chance(g->r, 20))
		fz_add(l, " device=%u", fz_below(g->r, 3));
}

const struct vf_step_kind vf_step_group_get_device_fd = {
	.about = "open device N of the group (its name comes from the topology)",
	.fields = VF_BIT(VF_F_GROUP) | VF_BIT(VF_F_DEVICE),
	.flags = VF_KIND_GROUP_DEFAULT | VF_KIND_CHANGES_STATE,
	.personalities = VF_PERS_BOTH,
	.exec = exec_device_fd,
	.fuzz = { .common = 3, .gen = gen_device_fd },
};

// SPDX-License-Identifier: GPL-2.0-only
/* GROUP_GET_STATUS: a group's viability and container. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include "exec/step_api.h"
#include "fuzz/fuzz_gen.h"
#include "steps/step_kind.h"

static struct vf_call exec_group_status(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	struct vfio_group_status st = {
		.argsz = vf_has(s, VF_F_ARGSZ) ? (uint32_t)s->val[VF_F_ARGSZ] : sizeof(st),
	};
	struct vf_json_sink js;
	struct vf_call c;

	c = vf_struct_call(ex, s, ex->ctx->group[s->val[VF_F_GROUP]], VFIO_GROUP_GET_STATUS,
			   &st, sizeof(st), out);
	vf_uapi_group_status_out(vf_json_sink_init(&js, out), &st);
	return c;
}

static void gen_group_status(struct fz_gen *g, char *l)
{
	fz_add(l, "GROUP_GET_STATUS group=%s", fz_pick_group(g));
	fz_add_argsz(g, l, 8);
}

const struct vf_step_kind vf_step_group_get_status = {
	.about = "a group's flags: viable, container set",
	.fields = VF_BIT(VF_F_GROUP) | VF_BIT(VF_F_ARGSZ) | VF_BIT(VF_F_RAW),
	.flags = VF_KIND_GROUP_DEFAULT | VF_KIND_SHOWS_STATE,
	.personalities = VF_PERS_BOTH,
	.exec = exec_group_status,
	.trace = { .replay = true, .group = true, .out = { "flags" } },
	.fuzz = { .common = 3, .gen = gen_group_status },
};

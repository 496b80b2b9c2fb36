// SPDX-License-Identifier: GPL-2.0-only
/* GROUP_SET_CONTAINER and GROUP_UNSET_CONTAINER: a group joins or leaves a container. */
#define _GNU_SOURCE
#include <string.h>
#include <stdint.h>
#include <linux/vfio.h>
#include "exec/step_api.h"
#include "fuzz/fuzz_gen.h"
#include "steps/step_kind.h"

static struct vf_call exec_set_container(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	int32_t fd = vf_has(s, VF_F_FD) ? (int32_t)s->val[VF_F_FD] : vf_chandle(ex, s);

	(void)out;
	return vf_do_ioctl(ex, ex->ctx->group[s->val[VF_F_GROUP]], VFIO_GROUP_SET_CONTAINER, &fd);
}

static struct vf_call exec_unset_container(struct vf_exec *ex, const struct vf_step *s,
					   json_t *out)
{
	(void)out;
	return vf_do_ioctl(ex, ex->ctx->group[s->val[VF_F_GROUP]], VFIO_GROUP_UNSET_CONTAINER,
			   NULL);
}

static void gen_set_container(struct fz_gen *g, char *l)
{
	fz_add(l, "GROUP_SET_CONTAINER group=%s", fz_pick_group(g));
	if (fz_chance(g->r, 5))
		fz_add(l, " fd=%s", fz_chance(g->r, 50) ? "-1" : "0");
}

const struct vf_step_kind vf_step_group_set_container = {
	.about = "put the group into a container (fd= passes any number instead)",
	.fields = VF_BIT(VF_F_GROUP) | VF_BIT(VF_F_FD) | VF_BIT(VF_F_CONTAINER),
	.flags = VF_KIND_GROUP_DEFAULT | VF_KIND_CHANGES_STATE,
	.personalities = VF_PERS_BOTH,
	.exec = exec_set_container,
	.trace = { .replay = true, .group = true },
	.fuzz = { .common = 6, .gen = gen_set_container },
};

static void gen_unset_container(struct fz_gen *g, char *l)
{
	fz_add(l, "GROUP_UNSET_CONTAINER group=%s", fz_pick_group(g));
}

const struct vf_step_kind vf_step_group_unset_container = {
	.about = "take the group out of its container",
	.fields = VF_BIT(VF_F_GROUP),
	.flags = VF_KIND_GROUP_DEFAULT | VF_KIND_CHANGES_STATE,
	.personalities = VF_PERS_BOTH,
	.exec = exec_unset_container,
	.trace = { .replay = true, .group = true },
	.fuzz = { .common = 6, .gen = gen_unset_container },
};

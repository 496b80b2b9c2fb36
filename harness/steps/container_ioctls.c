// SPDX-License-Identifier: GPL-2.0-only
/* The container's argument-less ioctls: GET_API_VERSION, CHECK_EXTENSION, SET_IOMMU. */
#define _GNU_SOURCE
#include <string.h>
#include <stdint.h>
#include <linux/vfio.h>
#include "exec/step_api.h"
#include "fuzz/fuzz_gen.h"
#include "steps/step_kind.h"

static struct vf_call exec_api_version(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	(void)out;
	return vf_do_ioctl(ex, vf_chandle(ex, s), VFIO_GET_API_VERSION, NULL);
}

static struct vf_call exec_check_extension(struct vf_exec *ex, const struct vf_step *s,
					   json_t *out)
{
	(void)out;
	return vf_do_ioctl(ex, vf_chandle(ex, s), VFIO_CHECK_EXTENSION,
			   (void *)(uintptr_t)s->val[VF_F_EXT]);
}

static struct vf_call exec_set_iommu(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	(void)out;
	return vf_do_ioctl(ex, vf_chandle(ex, s), VFIO_SET_IOMMU,
			   (void *)(uintptr_t)s->val[VF_F_TYPE]);
}

static void gen_api_version(struct fz_gen *g, char *l)
{
	(void)g;
	fz_add(l, "GET_API_VERSION");
}

const struct vf_step_kind vf_step_get_api_version = {
	.about = "VFIO_GET_API_VERSION on the container",
	.fields = VF_BIT(VF_F_CONTAINER),
	.personalities = VF_PERS_BOTH,
	.exec = exec_api_version,
	.trace = { .replay = true, .ret = true },
	.fuzz = { .common = 2, .gen = gen_api_version },
};

static void gen_check_extension(struct fz_gen *g, char *l)
{
	fz_add(l, "CHECK_EXTENSION ext=%s", FZ_PICK(g->r, fz_ext_names));
}

const struct vf_step_kind vf_step_check_extension = {
	.about = "VFIO_CHECK_EXTENSION ext= on the container",
	.fields = VF_BIT(VF_F_EXT) | VF_BIT(VF_F_CONTAINER),
	.personalities = VF_PERS_BOTH,
	.exec = exec_check_extension,
	.trace = { .replay = true, .ret = true, .args = { "ext" } },
	.fuzz = { .common = 5, .gen = gen_check_extension },
};

static void gen_set_iommu(struct fz_gen *g, char *l)
{
	fz_add(l, "SET_IOMMU type=%s",
	       fz_chance(g->r, 60) ? "TYPE1v2" : FZ_PICK(g->r, fz_ext_names));
}

const struct vf_step_kind vf_step_set_iommu = {
	.about = "choose the container's IOMMU driver, type=",
	.fields = VF_BIT(VF_F_TYPE) | VF_BIT(VF_F_CONTAINER),
	.flags = VF_KIND_CHANGES_STATE,
	.personalities = VF_PERS_BOTH,
	.exec = exec_set_iommu,
	.trace = { .replay = true, .args = { "type" } },
	.fuzz = { .common = 5, .gen = gen_set_iommu },
};

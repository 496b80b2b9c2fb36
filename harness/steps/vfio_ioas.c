// SPDX-License-Identifier: GPL-2.0-only
/* IOMMU_VFIO_IOAS: which IOAS the compat container uses. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include <linux/iommufd.h>
#include "exec/step_api.h"
#include "fuzz/fuzz_gen.h"
#include "steps/step_kind.h"

static struct vf_call exec_vfio_ioas(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	struct iommu_vfio_ioas v = {
		.size = vf_has(s, VF_F_SIZE) ? (uint32_t)s->val[VF_F_SIZE] : sizeof(v),
		.ioas_id = (uint32_t)s->val[VF_F_IOAS_ID],
		.op = (uint16_t)s->val[VF_F_OP],
	};
	struct vf_json_sink js;
	struct vf_call c;

	c = vf_struct_call(ex, s, vf_chandle(ex, s), IOMMU_VFIO_IOAS, &v, sizeof(v), out);
	vf_uapi_vfio_ioas_out(vf_json_sink_init(&js, out), &v);
	return c;
}

static void gen_vfio_ioas(struct fz_gen *g, char *l)
{
	static const char *const ops[] = { "GET", "SET", "CLEAR", "3" };
	struct fz_rng *r = g->r;

	fz_add(l, "IOMMU_VFIO_IOAS op=%s ioas_id=%u", FZ_PICK(r, ops), fz_below(r, 3));
	if (fz_chance(r, 20))
		fz_add(l, " size=%u", fz_below(r, 20));
}

const struct vf_step_kind vf_step_vfio_ioas = {
	.about = "get, set or clear the IOAS the compat container uses",
	.fields = VF_BIT(VF_F_OP) | VF_BIT(VF_F_IOAS_ID) | VF_BIT(VF_F_SIZE) | VF_BIT(VF_F_RAW) |
		  VF_BIT(VF_F_CONTAINER),
	.flags = VF_KIND_CHANGES_STATE,
	.personalities = VF_PERS_COMPAT,
	.exec = exec_vfio_ioas,
	.fuzz = { .common = 3, .gen = gen_vfio_ioas },
};

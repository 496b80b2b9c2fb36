// SPDX-License-Identifier: GPL-2.0-only
/* The native iommufd IOAS ioctls on the container fd: ALLOC, MAP, UNMAP, DESTROY. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include <linux/iommufd.h>
#include "exec/step_api.h"
#include "steps/step_kind.h"

/*
 * The native iommufd ioctls, on the container fd: on /dev/iommu they reach
 * the same objects the compat layer uses (IOMMU_VFIO_IOAS tells which IOAS),
 * on /dev/vfio/vfio they must be refused.
 */
static struct vf_call native_ioctl(struct vf_exec *ex, const struct vf_step *s, unsigned long req,
				void *arg, size_t len)
{
	return vf_struct_call(ex, s, vf_chandle(ex, s), req, arg, len, NULL);
}

static struct vf_call exec_native_ioas(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	uint32_t id = (uint32_t)s->val[VF_F_IOAS_ID];
	struct vf_json_sink js;
	struct vf_sink *sink = vf_json_sink_init(&js, out);
	struct vf_call c = { -1, EINVAL };

	switch (s->op) {
	case VF_OP_IOMMU_IOAS_ALLOC: {
		struct iommu_ioas_alloc a = {
			.size = sizeof(a), .flags = (uint32_t)s->val[VF_F_FLAGS],
		};

		c = native_ioctl(ex, s, IOMMU_IOAS_ALLOC, &a, sizeof(a));
		vf_uapi_ioas_alloc_out(sink, &a, c.ret);
		break;
	}
	case VF_OP_IOMMU_IOAS_MAP: {
		struct iommu_ioas_map m = {
			.size = sizeof(m),
			.flags = vf_has(s, VF_F_FLAGS) ? (uint32_t)s->val[VF_F_FLAGS] :
				 IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_WRITEABLE |
				 IOMMU_IOAS_MAP_READABLE,
			.ioas_id = id,
			.length = s->val[VF_F_SIZE],
			.iova = s->val[VF_F_IOVA],
		};

		m.user_va = vf_vaddr_of(ex, s, out);
		c = native_ioctl(ex, s, IOMMU_IOAS_MAP, &m, sizeof(m));
		vf_uapi_ioas_map_out(sink, &m, c.ret);
		break;
	}
	case VF_OP_IOMMU_IOAS_UNMAP: {
		struct iommu_ioas_unmap u = {
			.size = sizeof(u), .ioas_id = id,
			.iova = s->val[VF_F_IOVA], .length = s->val[VF_F_SIZE],
		};

		c = native_ioctl(ex, s, IOMMU_IOAS_UNMAP, &u, sizeof(u));
		vf_uapi_ioas_unmap_out(sink, &u);
		break;
	}
	case VF_OP_IOMMU_DESTROY: {
		struct iommu_destroy d = { .size = sizeof(d), .id = id };

		c = native_ioctl(ex, s, IOMMU_DESTROY, &d, sizeof(d));
		break;
	}
	default:
		break;
	}
	return c;
}

#define NATIVE_FIELDS	(VF_BIT(VF_F_RAW) | VF_BIT(VF_F_CONTAINER))

const struct vf_step_kind vf_step_ioas_alloc = {
	.about = "a new IOAS on the container's iommufd (its id is out.ioas_id)",
	.fields = VF_BIT(VF_F_FLAGS) | NATIVE_FIELDS,
	.flags = VF_KIND_CHANGES_STATE,
	.personalities = VF_PERS_COMPAT,
	.exec = exec_native_ioas,
};

const struct vf_step_kind vf_step_ioas_map = {
	.about = "map into an IOAS natively (without FIXED_IOVA the kernel picks the iova)",
	.fields = VF_BIT(VF_F_IOAS_ID) | VF_BIT(VF_F_IOVA) | VF_BIT(VF_F_SIZE) |
		  VF_BIT(VF_F_VADDR) | VF_BIT(VF_F_FLAGS) | NATIVE_FIELDS,
	.flags = VF_KIND_CHANGES_STATE,
	.personalities = VF_PERS_COMPAT,
	.exec = exec_native_ioas,
};

const struct vf_step_kind vf_step_ioas_unmap = {
	.about = "unmap from an IOAS natively",
	.fields = VF_BIT(VF_F_IOAS_ID) | VF_BIT(VF_F_IOVA) | VF_BIT(VF_F_SIZE) | NATIVE_FIELDS,
	.flags = VF_KIND_CHANGES_STATE | VF_KIND_SHOWS_STATE,
	.personalities = VF_PERS_COMPAT,
	.exec = exec_native_ioas,
};

const struct vf_step_kind vf_step_destroy = {
	.about = "destroy an iommufd object by id",
	.fields = VF_BIT(VF_F_IOAS_ID) | VF_BIT(VF_F_CONTAINER),
	.flags = VF_KIND_CHANGES_STATE,
	.personalities = VF_PERS_COMPAT,
	.exec = exec_native_ioas,
};

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Arguments: a step's numeric fields as a run document spells them, and the
 * struct a client passed read back into those same fields, so a trace's
 * "args" and an observation's "args" are one vocabulary.
 */
#include <stdio.h>
#include <string.h>
#include "uapi/codec.h"

void vf_uapi_arg(struct vf_sink *s, enum vf_op op, enum vf_field f, uint64_t v)
{
	const char *key = vf_field_name(f), *name;
	char buf[64];

	switch (f) {
	case VF_F_EXT:
	case VF_F_TYPE:
		name = vf_name_of(vf_ext_names, v);
		if (name)
			vf_sink_str(s, key, name);
		else
			vf_sink_hex(s, key, v);
		break;
	case VF_F_ARGSZ:
	case VF_F_DEVICE:
	case VF_F_REPEAT:
	case VF_F_FD:
		vf_sink_int(s, key, (int64_t)v);
		break;
	case VF_F_FLAGS:
		vf_sink_flags(s, key, vf_op_flag_names(op), v);
		break;
	case VF_F_OP:
		name = vf_name_of(vf_op_op_names(op), v);
		if (name)
			vf_sink_str(s, key, name);
		else
			vf_sink_hex(s, key, v);
		break;
	case VF_F_GROUP:
	case VF_F_CONTAINER:
	case VF_F_PROC:
		snprintf(buf, sizeof(buf), "%c%llu",
			 f == VF_F_GROUP ? 'g' : f == VF_F_PROC ? 'p' : 'c', (unsigned long long)v);
		vf_sink_str(s, key, buf);
		break;
	case VF_F_CRED:
		if ((v >> 32) == VF_CRED_UID)
			snprintf(buf, sizeof(buf), "uid=%u", (unsigned)v);
		else
			snprintf(buf, sizeof(buf), "%s",
				 (v >> 32) == VF_CRED_NOCAP ? "nocap" :
				 (v >> 32) == VF_CRED_NORAWIO ? "norawio" : "root");
		vf_sink_str(s, key, buf);
		break;
	case VF_F_REQ:
		name = vf_name_of(vf_ioctl_names, v);
		if (name)
			vf_sink_str(s, key, name);
		else
			vf_sink_hex(s, key, v);
		break;
	case VF_F_MEMLOCK:
		if (v == UINT64_MAX)
			vf_sink_str(s, key, "unlimited");
		else
			vf_sink_hex(s, key, v);
		break;
	default:
		vf_sink_hex(s, key, v);
		break;
	}
}

struct fields {
	uint32_t present;
	uint64_t val[VF_F_COUNT];
};

static void set(struct fields *f, enum vf_field k, uint64_t v)
{
	f->present |= 1u << k;
	f->val[k] = v;
}

static void unmap_fields(struct fields *f, const void *arg)
{
	struct vfio_iommu_type1_dma_unmap u;
	struct vfio_bitmap b;

	memcpy(&u, arg, sizeof(u));
	set(f, VF_F_ARGSZ, u.argsz);
	set(f, VF_F_IOVA, u.iova);
	set(f, VF_F_SIZE, u.size);
	set(f, VF_F_FLAGS, u.flags);
	/* the vfio_bitmap follows the struct, when argsz says the caller passed one */
	if ((u.flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP) && u.argsz >= sizeof(u) + sizeof(b)) {
		memcpy(&b, (const uint8_t *)arg + sizeof(u), sizeof(b));
		set(f, VF_F_PGSIZE, b.pgsize);
		set(f, VF_F_BITMAP_SIZE, b.size);
	}
}

static void dirty_fields(struct fields *f, const void *arg)
{
	struct vfio_iommu_type1_dirty_bitmap d;
	struct vfio_iommu_type1_dirty_bitmap_get g;

	memcpy(&d, arg, sizeof(d));
	set(f, VF_F_ARGSZ, d.argsz);
	set(f, VF_F_FLAGS, d.flags);
	if ((d.flags & VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP) && d.argsz >= sizeof(d) + sizeof(g)) {
		memcpy(&g, (const uint8_t *)arg + sizeof(d), sizeof(g));
		set(f, VF_F_IOVA, g.iova);
		set(f, VF_F_SIZE, g.size);
		set(f, VF_F_PGSIZE, g.bitmap.pgsize);
		set(f, VF_F_BITMAP_SIZE, g.bitmap.size);
	}
}

/* The inputs of the struct ops, under the case fields that set them. */
static void fields_of(struct fields *f, enum vf_op op, const void *arg)
{
	switch (op) {
	case VF_OP_IOMMU_GET_INFO:
	case VF_OP_GROUP_GET_STATUS:
		/* argsz leads both structs */
		set(f, VF_F_ARGSZ, *(const uint32_t *)arg);
		break;
	case VF_OP_IOMMU_MAP_DMA: {
		struct vfio_iommu_type1_dma_map m;

		memcpy(&m, arg, sizeof(m));
		set(f, VF_F_ARGSZ, m.argsz);
		set(f, VF_F_IOVA, m.iova);
		set(f, VF_F_SIZE, m.size);
		set(f, VF_F_VADDR, m.vaddr);
		set(f, VF_F_FLAGS, m.flags);
		break;
	}
	case VF_OP_IOMMU_UNMAP_DMA:
		unmap_fields(f, arg);
		break;
	case VF_OP_IOMMU_DIRTY_PAGES:
		dirty_fields(f, arg);
		break;
	case VF_OP_GROUP_SET_CONTAINER:
		/* the container fd, as a step's fd= passes it */
		set(f, VF_F_FD, (uint64_t)(int64_t)*(const int32_t *)arg);
		break;
	case VF_OP_IOMMU_VFIO_IOAS: {
		struct iommu_vfio_ioas v;

		memcpy(&v, arg, sizeof(v));
		set(f, VF_F_SIZE, v.size);
		set(f, VF_F_OP, v.op);
		set(f, VF_F_IOAS_ID, v.ioas_id);
		break;
	}
	case VF_OP_IOMMU_IOAS_ALLOC:
		set(f, VF_F_FLAGS, ((const struct iommu_ioas_alloc *)arg)->flags);
		break;
	case VF_OP_IOMMU_IOAS_MAP: {
		struct iommu_ioas_map m;

		memcpy(&m, arg, sizeof(m));
		set(f, VF_F_IOAS_ID, m.ioas_id);
		set(f, VF_F_IOVA, m.iova);
		set(f, VF_F_SIZE, m.length);
		set(f, VF_F_VADDR, m.user_va);
		set(f, VF_F_FLAGS, m.flags);
		break;
	}
	case VF_OP_IOMMU_IOAS_UNMAP: {
		struct iommu_ioas_unmap u;

		memcpy(&u, arg, sizeof(u));
		set(f, VF_F_IOAS_ID, u.ioas_id);
		set(f, VF_F_IOVA, u.iova);
		set(f, VF_F_SIZE, u.length);
		break;
	}
	case VF_OP_IOMMU_DESTROY:
		set(f, VF_F_IOAS_ID, ((const struct iommu_destroy *)arg)->id);
		break;
	default:
		break;
	}
}

void vf_uapi_args(struct vf_sink *s, enum vf_op op, unsigned long arg)
{
	struct fields f = { 0 };

	switch (op) {
	case VF_OP_CHECK_EXTENSION:
		set(&f, VF_F_EXT, arg);
		break;
	case VF_OP_SET_IOMMU:
		set(&f, VF_F_TYPE, arg);
		break;
	case VF_OP_GROUP_GET_DEVICE_FD:
		/* the uAPI passes the device's name; a step names its index instead */
		vf_sink_str(s, vf_field_name(VF_F_DEVICE), (const char *)arg);
		return;
	case VF_OP_GET_API_VERSION:
	case VF_OP_GROUP_UNSET_CONTAINER:
		break;
	default:
		if (arg)
			fields_of(&f, op, (const void *)arg);
		break;
	}
	for (int k = 0; k < VF_F_COUNT; k++)
		if (f.present & (1u << k))
			vf_uapi_arg(s, op, k, f.val[k]);
}

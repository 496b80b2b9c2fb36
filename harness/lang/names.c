// SPDX-License-Identifier: GPL-2.0-only
/* Symbolic names used by case files and observations. */
#define _GNU_SOURCE
#include <string.h>
#include <linux/vfio.h>
#include <linux/iommufd.h>
#include "lang/names.h"

static const char *const fields[VF_F_COUNT] = {
	[VF_F_EXT] = "ext",
	[VF_F_TYPE] = "type",
	[VF_F_ARGSZ] = "argsz",
	[VF_F_IOVA] = "iova",
	[VF_F_SIZE] = "size",
	[VF_F_VADDR] = "vaddr",
	[VF_F_FLAGS] = "flags",
	[VF_F_PGSIZE] = "pgsize",
	[VF_F_BITMAP_SIZE] = "bitmap_size",
	[VF_F_GROUP] = "group",
	[VF_F_DEVICE] = "device",
	[VF_F_FD] = "fd",
	[VF_F_OP] = "op",
	[VF_F_IOAS_ID] = "ioas_id",
	[VF_F_RAW] = "raw",
	[VF_F_CONTAINER] = "container",
	[VF_F_PROC] = "proc",
	[VF_F_CRED] = "cred",
	[VF_F_MEMLOCK] = "memlock",
	[VF_F_REPEAT] = "count",
	[VF_F_REQ] = "req",
};

static const char *const topos[VF_TOPO_COUNT] = {
	[VF_TOPO_VTD] = "vtd",
	[VF_TOPO_MDEV] = "mdev",
	[VF_TOPO_MULTI] = "multi",
	[VF_TOPO_NOIOMMU] = "noiommu",
};

const struct vf_name vf_ext_names[] = {
	{ "TYPE1", VFIO_TYPE1_IOMMU },
	{ "SPAPR_TCE", VFIO_SPAPR_TCE_IOMMU },
	{ "TYPE1v2", VFIO_TYPE1v2_IOMMU },
	{ "DMA_CC", VFIO_DMA_CC_IOMMU },
	{ "EEH", VFIO_EEH },
	{ "TYPE1_NESTING", VFIO_TYPE1_NESTING_IOMMU },
	{ "SPAPR_TCE_v2", VFIO_SPAPR_TCE_v2_IOMMU },
	{ "NOIOMMU", VFIO_NOIOMMU_IOMMU },
	{ "UNMAP_ALL", VFIO_UNMAP_ALL },
	{ "UPDATE_VADDR", VFIO_UPDATE_VADDR },
	{ NULL, 0 }
};

const struct vf_name vf_map_flag_names[] = {
	{ "READ", VFIO_DMA_MAP_FLAG_READ },
	{ "WRITE", VFIO_DMA_MAP_FLAG_WRITE },
	{ "VADDR", VFIO_DMA_MAP_FLAG_VADDR },
	{ NULL, 0 }
};

const struct vf_name vf_unmap_flag_names[] = {
	{ "GET_DIRTY_BITMAP", VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP },
	{ "ALL", VFIO_DMA_UNMAP_FLAG_ALL },
	{ "VADDR", VFIO_DMA_UNMAP_FLAG_VADDR },
	{ NULL, 0 }
};

const struct vf_name vf_dirty_flag_names[] = {
	{ "START", VFIO_IOMMU_DIRTY_PAGES_FLAG_START },
	{ "STOP", VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP },
	{ "GET_BITMAP", VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP },
	{ NULL, 0 }
};

const struct vf_name vf_ioas_map_flag_names[] = {
	{ "FIXED_IOVA", IOMMU_IOAS_MAP_FIXED_IOVA },
	{ "WRITEABLE", IOMMU_IOAS_MAP_WRITEABLE },
	{ "READABLE", IOMMU_IOAS_MAP_READABLE },
	{ NULL, 0 }
};

const struct vf_name vf_mdev_op_names[] = {
	{ "PIN", VF_MDEV_PIN },
	{ "UNPIN", VF_MDEV_UNPIN },
	{ "READ", VF_MDEV_READ },
	{ "WRITE", VF_MDEV_WRITE },
	{ NULL, 0 }
};

/* DEVICE_DMA: what the device does to memory (the IOMMU's "DMA Read", "DMA Write") */
const struct vf_name vf_dma_op_names[] = {
	{ "READ", VF_DMA_READ },
	{ "WRITE", VF_DMA_WRITE },
	{ NULL, 0 }
};

const struct vf_name vf_ioas_op_names[] = {
	{ "GET", IOMMU_VFIO_IOAS_GET },
	{ "SET", IOMMU_VFIO_IOAS_SET },
	{ "CLEAR", IOMMU_VFIO_IOAS_CLEAR },
	{ NULL, 0 }
};

const struct vf_name vf_group_flag_names[] = {
	{ "VIABLE", VFIO_GROUP_FLAGS_VIABLE },
	{ "CONTAINER_SET", VFIO_GROUP_FLAGS_CONTAINER_SET },
	{ NULL, 0 }
};

/* The request numbers an IOCTL step may name: the container, group and device uAPI. */
const struct vf_name vf_ioctl_names[] = {
	{ "VFIO_GET_API_VERSION", VFIO_GET_API_VERSION },
	{ "VFIO_CHECK_EXTENSION", VFIO_CHECK_EXTENSION },
	{ "VFIO_SET_IOMMU", VFIO_SET_IOMMU },
	{ "VFIO_GROUP_GET_STATUS", VFIO_GROUP_GET_STATUS },
	{ "VFIO_GROUP_SET_CONTAINER", VFIO_GROUP_SET_CONTAINER },
	{ "VFIO_GROUP_UNSET_CONTAINER", VFIO_GROUP_UNSET_CONTAINER },
	{ "VFIO_GROUP_GET_DEVICE_FD", VFIO_GROUP_GET_DEVICE_FD },
	{ "VFIO_DEVICE_GET_INFO", VFIO_DEVICE_GET_INFO },
	{ "VFIO_DEVICE_GET_REGION_INFO", VFIO_DEVICE_GET_REGION_INFO },
	{ "VFIO_DEVICE_RESET", VFIO_DEVICE_RESET },
	{ "VFIO_IOMMU_GET_INFO", VFIO_IOMMU_GET_INFO },
	{ "VFIO_IOMMU_MAP_DMA", VFIO_IOMMU_MAP_DMA },
	{ "VFIO_IOMMU_UNMAP_DMA", VFIO_IOMMU_UNMAP_DMA },
	{ "VFIO_IOMMU_DIRTY_PAGES", VFIO_IOMMU_DIRTY_PAGES },
	{ "IOMMU_DESTROY", IOMMU_DESTROY },
	{ "IOMMU_IOAS_ALLOC", IOMMU_IOAS_ALLOC },
	{ "IOMMU_IOAS_IOVA_RANGES", IOMMU_IOAS_IOVA_RANGES },
	{ "IOMMU_IOAS_MAP", IOMMU_IOAS_MAP },
	{ "IOMMU_IOAS_UNMAP", IOMMU_IOAS_UNMAP },
	{ "IOMMU_OPTION", IOMMU_OPTION },
	{ "IOMMU_VFIO_IOAS", IOMMU_VFIO_IOAS },
	{ NULL, 0 }
};

const struct vf_name vf_info_flag_names[] = {
	{ "PGSIZES", VFIO_IOMMU_INFO_PGSIZES },
	{ "CAPS", VFIO_IOMMU_INFO_CAPS },
	{ NULL, 0 }
};

static const struct {
	const char *name;
	const struct vf_name *flags, *ops;
} op_names[VF_OP_COUNT] = {
#define VF_STEP_KIND(name, desc, flag_names, op_names) \
	[VF_OP_##name] = { #name, flag_names, op_names },
#include "steps/kinds.h"
#undef VF_STEP_KIND
};

const char *vf_op_name(enum vf_op op)
{
	return op < VF_OP_COUNT ? op_names[op].name : "?";
}

int vf_op_lookup(const char *name)
{
	for (int i = 0; i < VF_OP_COUNT; i++)
		if (!strcmp(op_names[i].name, name))
			return i;
	return -1;
}

const struct vf_name *vf_op_flag_names(enum vf_op op)
{
	return op_names[op].flags ? op_names[op].flags : vf_dirty_flag_names;
}

const struct vf_name *vf_op_op_names(enum vf_op op)
{
	return op_names[op].ops;
}

const char *vf_field_name(enum vf_field f)
{
	return f < VF_F_COUNT ? fields[f] : "?";
}

int vf_field_lookup(const char *name)
{
	for (int i = 0; i < VF_F_COUNT; i++)
		if (!strcmp(fields[i], name))
			return i;
	return -1;
}

const char *vf_topo_name(enum vf_topo t)
{
	return t < VF_TOPO_COUNT ? topos[t] : "?";
}

int vf_topo_lookup(const char *name)
{
	for (int i = 0; i < VF_TOPO_COUNT; i++)
		if (!strcmp(topos[i], name))
			return i;
	return -1;
}

bool vf_name_lookup(const struct vf_name *tab, const char *name, uint64_t *value)
{
	if (!tab)
		return false;
	for (; tab->name; tab++) {
		if (!strcmp(tab->name, name)) {
			*value = tab->value;
			return true;
		}
	}
	return false;
}

const char *vf_name_of(const struct vf_name *tab, uint64_t value)
{
	if (!tab)
		return NULL;
	for (; tab->name; tab++)
		if (tab->value == value)
			return tab->name;
	return NULL;
}

/* glibc names errnos for us; only the reverse lookup is ours. */
const char *vf_errno_name(int err)
{
	return strerrorname_np(err);
}

int vf_errno_lookup(const char *name)
{
	for (int e = 1; e < 4096; e++) {
		const char *n = strerrorname_np(e);

		if (n && !strcmp(n, name))
			return e;
	}
	return -1;
}

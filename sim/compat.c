// SPDX-License-Identifier: GPL-2.0-only
/*
 * iommufd's VFIO compat layer (drivers/iommu/iommufd/vfio_compat.c) on
 * /dev/iommu: the container ioctls answered from the compat IOAS that the
 * first GROUP_SET_CONTAINER creates, IOMMU_VFIO_IOAS, and what opening a
 * device does to the IOAS (domain, reserved regions, pinning).
 */
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include <linux/iommufd.h>
#include "vfsim_int.h"

#define IOMMU_READ	1
#define IOMMU_WRITE	2
#define OWNER_DEV(g, d)	(100 + (int)(g) * VFSIM_MAX_DEVS + (int)(d))

struct compat_ctx *compat_new(void)
{
	struct compat_ctx *cx = calloc(1, sizeof(*cx));

	if (cx)
		cx->vfio_ioas = -1;
	return cx;
}

void compat_free(struct vfsim *s, struct compat_ctx *cx)
{
	for (unsigned i = 0; i < VFSIM_MAX_IOAS; i++)
		if (cx->ioas[i].used)
			iopt_destroy(s, &cx->ioas[i]);
	free(cx);
}

struct ioas *compat_ioas(struct compat_ctx *cx)
{
	return cx->vfio_ioas < 0 ? NULL : &cx->ioas[cx->vfio_ioas];
}

/* The lowest free object id from 1, as xa_alloc() gives them. */
uint32_t compat_id_alloc(struct compat_ctx *cx)
{
	for (uint32_t id = 1; id < 64; id++) {
		if (!(cx->ids & (1ull << id))) {
			cx->ids |= 1ull << id;
			return id;
		}
	}
	return 0;
}

void compat_id_free(struct compat_ctx *cx, uint32_t id)
{
	if (id && id < 64)
		cx->ids &= ~(1ull << id);
}

int compat_ioas_alloc(struct compat_ctx *cx)
{
	for (int i = 0; i < VFSIM_MAX_IOAS; i++) {
		if (!cx->ioas[i].used) {
			uint32_t id = compat_id_alloc(cx);

			if (!id)
				return -ENOSPC;
			iopt_init(&cx->ioas[i], id);
			return i;
		}
	}
	return -ENOMEM;
}

int compat_ioas_create(struct compat_ctx *cx)
{
	int i;

	/* VFIO will not attach a container to both iommu and no-iommu operation */
	if (cx->no_iommu_mode)
		return -EINVAL;
	if (cx->vfio_ioas >= 0)
		return 0;
	i = compat_ioas_alloc(cx);
	if (i < 0)
		return i;
	cx->vfio_ioas = i;
	return 0;
}

int compat_set_no_iommu(struct compat_ctx *cx)
{
	if (cx->vfio_ioas >= 0)
		return -EINVAL;
	cx->no_iommu_mode = true;
	return 0;
}

/*
 * A device's first open on an iommufd: bind (an object id for the device or
 * the emulated access), then vfio_iommufd_compat_attach_ioas(). A physical
 * device gets the IOAS's domain, created on the first one: reserved regions
 * first, then iopt_table_add_domain(). A failure unwinds, ids included.
 */
int compat_device_open(struct vfsim *s, struct vfsim_container *c, unsigned g, unsigned d)
{
	struct compat_ctx *cx = c->cx;
	struct vfsim_group *gr = &s->groups[g];
	struct ioas *io;
	uint32_t id, hwpt = 0;
	int ret;

	if (gr->type == GROUP_NOIOMMU)
		return 0;
	id = compat_id_alloc(cx);
	if (!id)
		return -ENOSPC;
	io = compat_ioas(cx);
	ret = io ? 0 : -ENODEV;
	if (!ret && gr->type == GROUP_EMULATED) {
		ret = iopt_add_access(io);
	} else if (!ret) {
		ret = iopt_reserve(io, s->p.msi_start, s->p.msi_last, OWNER_DEV(g, d));
		if (!ret && !io->n_domains) {
			hwpt = compat_id_alloc(cx);
			ret = hwpt ? iopt_add_domain(s, io, 1) : -ENOSPC;
			if (!ret)
				io->hwpt_id = hwpt;
		}
		if (ret) {
			compat_id_free(cx, hwpt);
			iopt_unreserve(io, OWNER_DEV(g, d));
		} else {
			io->hwpt_users++;
		}
	}
	if (ret) {
		compat_id_free(cx, id);
		return ret;
	}
	gr->obj_id[d] = id;
	gr->bound[d] = c;		/* the binding holds the iommufd open */
	gr->bound_ioas[d] = cx->vfio_ioas;
	c->refs++;
	return 0;
}

/*
 * The device's last fd closed: unbind from the iommufd. Its reserved regions
 * go; the last device of an automatic domain takes the domain with it, and
 * with it every pin the domain held.
 */
void compat_device_close(struct vfsim *s, unsigned g, unsigned d)
{
	struct vfsim_group *gr = &s->groups[g];
	struct vfsim_container *c = gr->bound[d];
	struct compat_ctx *cx;
	struct ioas *io;

	if (!c)
		return;
	cx = c->cx;
	io = &cx->ioas[gr->bound_ioas[d]];
	if (io->used && gr->type == GROUP_EMULATED) {
		iopt_remove_access(s, io);
	} else if (io->used) {
		iopt_unreserve(io, OWNER_DEV(g, d));
		if (--io->hwpt_users == 0) {
			compat_id_free(cx, io->hwpt_id);
			io->hwpt_id = 0;
			iopt_remove_domain(s, io, 1);
		}
	}
	compat_id_free(cx, gr->obj_id[d]);
	gr->obj_id[d] = 0;
	gr->bound[d] = NULL;
	container_put(s, c);
}

static long check_extension(struct compat_ctx *cx, unsigned long type)
{
	struct ioas *io;

	switch (type) {
	case VFIO_TYPE1_IOMMU:
	case VFIO_TYPE1v2_IOMMU:
	case VFIO_UNMAP_ALL:
		return !cx->no_iommu_mode;
	case VFIO_NOIOMMU_IOMMU:
		return 1;	/* CONFIG_VFIO_NOIOMMU */
	case VFIO_DMA_CC_IOMMU:
		io = compat_ioas(cx);
		if (!io)
			return -ENODEV;
		return !io->n_domains || io->domain_cc;
	}
	/* TYPE1_NESTING is obsolete, UPDATE_VADDR cannot be done safely */
	return 0;
}

static long set_iommu(struct vfsim *s, struct compat_ctx *cx, unsigned long type)
{
	struct ioas *io;

	if (type == VFIO_NOIOMMU_IOMMU && cx->no_iommu_mode)
		return cur_proc(s)->cap_sys_rawio ? 0 : -EPERM;
	if ((type != VFIO_TYPE1_IOMMU && type != VFIO_TYPE1v2_IOMMU) || cx->no_iommu_mode)
		return -EINVAL;
	/* VFIO fails SET_IOMMU without a group, and so does this */
	io = compat_ioas(cx);
	if (!io)
		return -ENODEV;
	/* TYPE1 may unmap inside a mapping: no huge IOPTEs that could not be split */
	return type == VFIO_TYPE1_IOMMU ? iopt_disable_large_pages(io) : 0;
}

static long map_dma(struct vfsim *s, struct compat_ctx *cx, void *arg)
{
	struct vfio_iommu_type1_dma_map m;
	size_t minsz = offsetof(struct vfio_iommu_type1_dma_map, size) + sizeof(m.size);
	uint32_t supported = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	int prot = 0;
	struct ioas *io;

	if (arg_in(&m, arg, minsz))
		return -EFAULT;
	if (m.argsz < minsz || (m.flags & ~supported))
		return -EINVAL;
	if (m.flags & VFIO_DMA_MAP_FLAG_READ)
		prot |= IOMMU_READ;
	if (m.flags & VFIO_DMA_MAP_FLAG_WRITE)
		prot |= IOMMU_WRITE;
	io = compat_ioas(cx);
	if (!io)
		return -ENODEV;
	return iopt_map_user(s, io, m.iova, m.vaddr, m.size, prot);
}

static long unmap_dma(struct vfsim *s, struct compat_ctx *cx, void *arg)
{
	struct vfio_iommu_type1_dma_unmap u;
	size_t minsz = offsetof(struct vfio_iommu_type1_dma_unmap, size) + sizeof(u.size);
	uint64_t unmapped = 0, last;
	struct ioas *io;
	int rc;

	if (arg_in(&u, arg, minsz))
		return -EFAULT;
	/* GET_DIRTY_BITMAP and VADDR are not supported: only ALL */
	if (u.argsz < minsz || (u.flags & ~VFIO_DMA_UNMAP_FLAG_ALL))
		return -EINVAL;
	io = compat_ioas(cx);
	if (!io)
		return -ENODEV;
	if (u.flags & VFIO_DMA_UNMAP_FLAG_ALL) {
		if (u.iova || u.size)
			return -EINVAL;
		rc = iopt_unmap_range(s, io, 0, UINT64_MAX, &unmapped);
	} else {
		if (io->disable_large_pages) {
			/* TYPE1: cut at both ends first, so the middle can go */
			rc = iopt_cut(io, u.iova + u.size - 1);
			if (!rc && u.iova)
				rc = iopt_cut(io, u.iova - 1);
			if (rc)
				return rc;
		}
		if (!u.size)
			rc = -EINVAL;
		else if (__builtin_add_overflow(u.iova, u.size - 1, &last))
			rc = -EOVERFLOW;
		else
			rc = iopt_unmap_range(s, io, u.iova, last, &unmapped);
	}
	/* written back even on failure: it says what is already gone */
	u.size = unmapped;
	memcpy(arg, &u, minsz);
	return rc;
}

/* IOMMU_VFIO_IOAS through the iommufd ucmd path (size checks of iommufd_fops_ioctl). */
static long vfio_ioas(struct compat_ctx *cx, void *arg)
{
	struct iommu_vfio_ioas cmd;
	struct ioas *io;
	int ret = ucmd_in(&cmd, arg, sizeof(cmd), sizeof(cmd));

	if (ret)
		return ret;
	if (cmd.__reserved)
		return -EOPNOTSUPP;
	switch (cmd.op) {
	case IOMMU_VFIO_IOAS_GET:
		io = compat_ioas(cx);
		if (!io)
			return -ENODEV;
		cmd.ioas_id = io->id;
		memcpy(arg, &cmd, sizeof(cmd));
		return 0;
	case IOMMU_VFIO_IOAS_SET:
		for (int i = 0; i < VFSIM_MAX_IOAS; i++) {
			if (cx->ioas[i].used && cx->ioas[i].id == cmd.ioas_id) {
				cx->vfio_ioas = i;
				return 0;
			}
		}
		return -ENOENT;
	case IOMMU_VFIO_IOAS_CLEAR:
		cx->vfio_ioas = -1;
		return 0;
	}
	return -EOPNOTSUPP;
}

long compat_ioctl(struct vfsim *s, struct compat_ctx *cx, unsigned long req, void *arg)
{
	switch (req) {
	case VFIO_GET_API_VERSION:
		return VFIO_API_VERSION;
	case VFIO_SET_IOMMU:
		return set_iommu(s, cx, (unsigned long)arg);
	case VFIO_CHECK_EXTENSION:
		return check_extension(cx, (unsigned long)arg);
	case VFIO_IOMMU_GET_INFO:
		return compat_get_info(s, cx, arg);
	case VFIO_IOMMU_MAP_DMA:
		return map_dma(s, cx, arg);
	case VFIO_IOMMU_UNMAP_DMA:
		return unmap_dma(s, cx, arg);
	case IOMMU_VFIO_IOAS:
		return vfio_ioas(cx, arg);
	case IOMMU_IOAS_ALLOC:
	case IOMMU_IOAS_MAP:
	case IOMMU_IOAS_UNMAP:
	case IOMMU_DESTROY:
		return iommufd_native_ioctl(s, cx, req, arg);
	}
	/* DIRTY_PAGES and the rest: -ENOIOCTLCMD, which the fops turn into ENOTTY */
	return -ENOTTY;
}

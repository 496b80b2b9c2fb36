// SPDX-License-Identifier: GPL-2.0-only
/*
 * iommufd's VFIO compat layer (drivers/iommu/iommufd/vfio_compat.c) on
 * /dev/iommu: the container ioctls answered from the compat IOAS that the
 * first GROUP_SET_CONTAINER creates, IOMMU_VFIO_IOAS, and what opening a
 * device does to the IOAS (domain, reserved regions, pinning), with
 * drivers/vfio/iommufd.c's device binding and the access's unmap callback.
 * The vfio core reaches all of it through iommufd_container_ops.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include <linux/iommufd.h>
#include "vfsim_int.h"

#define IOMMU_READ	1
#define IOMMU_WRITE	2
#define OWNER_DEV(g, d)	(100 + (int)(g) * VFSIM_MAX_DEVS + (int)(d))

static int iommufd_open(struct vfsim *s, struct vfsim_container *c)
{
	(void)s;
	c->cx = calloc(1, sizeof(*c->cx));
	if (!c->cx)
		return -ENOMEM;
	c->cx->vfio_ioas = -1;
	return 0;
}

static void iommufd_release(struct vfsim *s, struct vfsim_container *c)
{
	struct compat_ctx *cx = c->cx;

	for (unsigned i = 0; i < VFSIM_MAX_IOAS; i++)
		if (cx->ioas[i].used)
			iopt_destroy(s, &cx->ioas[i]);
	free(cx);
	c->cx = NULL;
}

static int compat_ioas_create(struct compat_ctx *cx)
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

static int compat_set_no_iommu(struct compat_ctx *cx)
{
	if (cx->vfio_ioas >= 0)
		return -EINVAL;
	cx->no_iommu_mode = true;
	return 0;
}

/* GROUP_SET_CONTAINER with an iommufd: the group only records it; the compat IOAS appears. */
static int iommufd_attach_group(struct vfsim *s, struct vfsim_container *c, unsigned g)
{
	return s->groups[g].type == GROUP_NOIOMMU ? compat_set_no_iommu(c->cx) :
						    compat_ioas_create(c->cx);
}

/* vfio_emulated_unmap() of drivers/vfio/iommufd.c: the access tells the device's driver. */
static void emulated_unmap(struct vfsim *s, void *data, uint64_t iova, uint64_t length)
{
	struct vfsim_device *dev = data;

	if (dev->ops && dev->ops->dma_unmap)
		dev->ops->dma_unmap(s, dev, iova, length);
}

/* vfio_user_ops: how an emulated device's access is told of an unmap */
static const struct vfsim_access_ops vfio_user_ops = {
	.unmap = emulated_unmap,
};

/*
 * A device's first open on an iommufd: bind (an object id for the device or
 * the emulated access, whose unmap goes to the device's driver), then
 * vfio_iommufd_compat_attach_ioas(). A physical device gets the IOAS's
 * domain, created on the first one: reserved regions first, then
 * iopt_table_add_domain(). A failure unwinds, ids included. 1: bound, the
 * device now holds the iommufd; 0: a no-IOMMU device, nothing to bind.
 */
static int iommufd_open_device(struct vfsim *s, struct vfsim_container *c,
			       struct vfsim_device *dev)
{
	struct compat_ctx *cx = c->cx;
	unsigned g = dev->g, d = dev->d;
	struct vfsim_group *gr = &s->groups[g];
	struct ioas *io;
	uint32_t id, hwpt = 0;
	int ret;

	/* a no-IOMMU device on an iommufd: no translation may have been asked for */
	if (gr->type == GROUP_NOIOMMU)
		return !cur_proc(s)->cap_sys_rawio || cx->vfio_ioas >= 0 ? -EPERM : 0;
	id = compat_id_alloc(cx);
	if (!id)
		return -ENOSPC;
	io = compat_ioas(cx);
	ret = io ? 0 : -ENODEV;
	if (!ret && gr->type == GROUP_EMULATED) {
		ret = iopt_add_access(io, &vfio_user_ops, dev);
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
	gr->bound_ioas[d] = cx->vfio_ioas;
	return 1;
}

/*
 * The device's last fd closed: unbind from the iommufd. Its reserved regions
 * go; the last device of an automatic domain takes the domain with it, and
 * with it every pin the domain held. The core drops the binding's reference.
 */
static void iommufd_unbind_device(struct vfsim *s, struct vfsim_container *c,
				  struct vfsim_device *dev)
{
	unsigned g = dev->g, d = dev->d;
	struct vfsim_group *gr = &s->groups[g];
	struct compat_ctx *cx = c->cx;
	struct ioas *io = &cx->ioas[gr->bound_ioas[d]];

	if (io->used && gr->type == GROUP_EMULATED) {
		iopt_remove_access(s, io, dev);
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
}

/*
 * The IOAS the device's access is attached to: -ENOENT when the access has
 * no IOAS (iommufd_access_pin_pages() and _rw() say so).
 */
static int access_ioas(struct vfsim *s, struct vfsim_container *c, struct vfsim_device *dev,
		       struct ioas **io)
{
	int i = s->groups[dev->g].bound_ioas[dev->d];

	if (i < 0 || !c->cx->ioas[i].used)
		return -ENOENT;
	*io = &c->cx->ioas[i];
	return 0;
}

/* vfio_pin_pages() on an iommufd: iommufd_access_pin_pages() of whole pages */
static long iommufd_pin_pages(struct vfsim *s, struct vfsim_container *c,
			      struct vfsim_device *dev, uint64_t iova, uint64_t npage, int prot)
{
	struct ioas *io;
	long ret = access_ioas(s, c, dev, &io);

	if (ret)
		return ret;
	ret = iopt_access_pin(s, io, iova & ~(s->p.page_size - 1), npage * s->p.page_size,
			      prot & IOMMU_WRITE);
	return ret ? ret : (long)npage;
}

static void iommufd_unpin_pages(struct vfsim *s, struct vfsim_container *c,
				struct vfsim_device *dev, uint64_t iova, uint64_t npage)
{
	struct ioas *io;

	if (!access_ioas(s, c, dev, &io))
		iopt_access_unpin(s, io, iova & ~(s->p.page_size - 1), npage * s->p.page_size);
}

static int iommufd_dma_rw(struct vfsim *s, struct vfsim_container *c, struct vfsim_device *dev,
			  uint64_t iova, void *buf, uint64_t count, bool write)
{
	struct ioas *io;
	int ret = access_ioas(s, c, dev, &io);

	return ret ? ret : iopt_access_rw(s, io, iova, buf, count, write);
}

/*
 * A physical device bound here sits in the hwpt of the IOAS it attached to
 * at its open, until its fd closes: neither UNSET_CONTAINER nor closing the
 * group fd (both succeed with the device open) nor IOMMU_VFIO_IOAS moves it.
 */
static int iommufd_iova_to_phys(struct vfsim *s, struct vfsim_container *c,
				struct vfsim_device *dev, uint64_t iova, struct vfsim_iopte *pte)
{
	struct ioas *io;

	if (s->groups[dev->g].type != GROUP_IOMMU || access_ioas(s, c, dev, &io) ||
	    !io->n_domains)
		return -ENODEV;
	return iopt_iova_to_phys(io, iova, pte);
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

static long iommufd_ioctl(struct vfsim *s, struct vfsim_container *c, unsigned long req,
			  void *arg)
{
	struct compat_ctx *cx = c->cx;

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

/*
 * /dev/iommu as a container fd. No detach_group: a group leaving only
 * forgets the iommufd; no unuse_device: a device lets go by unbinding.
 */
const struct vfsim_container_ops iommufd_container_ops = {
	.serves_group = false,
	.open = iommufd_open,
	.release = iommufd_release,
	.ioctl = iommufd_ioctl,
	.attach_group = iommufd_attach_group,
	.open_device = iommufd_open_device,
	.unbind_device = iommufd_unbind_device,
	.pin_pages = iommufd_pin_pages,
	.unpin_pages = iommufd_unpin_pages,
	.dma_rw = iommufd_dma_rw,
	.iova_to_phys = iommufd_iova_to_phys,
};

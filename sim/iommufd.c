// SPDX-License-Identifier: GPL-2.0-only
/*
 * iommufd's native IOAS ioctls on the same fd as the compat layer
 * (iommufd/ioas.c, main.c): IOMMU_IOAS_ALLOC, IOMMU_IOAS_MAP,
 * IOMMU_IOAS_UNMAP and IOMMU_DESTROY, so cases can mix them with compat.
 * Every command goes through the ucmd size rules of iommufd_fops_ioctl().
 */
#include <string.h>
#include <linux/iommufd.h>
#include "vfsim_int.h"

#define IOMMU_READ	1
#define IOMMU_WRITE	2

/* iommufd_ucmd_respond(): back up to the smaller of the two sizes. */
static void ucmd_out(void *arg, const void *src, size_t ksize)
{
	uint32_t usize;

	memcpy(&usize, arg, sizeof(usize));
	memcpy(arg, src, usize < ksize ? usize : ksize);
}

static struct ioas *ioas_get(struct compat_ctx *cx, uint32_t id)
{
	for (int i = 0; i < VFSIM_MAX_IOAS; i++)
		if (cx->ioas[i].used && cx->ioas[i].id == id)
			return &cx->ioas[i];
	return NULL;
}

static long ioas_alloc(struct compat_ctx *cx, void *arg)
{
	struct iommu_ioas_alloc cmd;
	int ret = ucmd_in(&cmd, arg, sizeof(cmd), sizeof(cmd));
	int i;

	if (ret)
		return ret;
	if (cmd.flags)
		return -EOPNOTSUPP;
	i = compat_ioas_alloc(cx);
	if (i < 0)
		return i;
	cmd.out_ioas_id = cx->ioas[i].id;
	ucmd_out(arg, &cmd, sizeof(cmd));
	return 0;
}

static long ioas_map(struct vfsim *s, struct compat_ctx *cx, void *arg)
{
	struct iommu_ioas_map cmd;
	uint32_t known = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_WRITEABLE |
			 IOMMU_IOAS_MAP_READABLE;
	int ret = ucmd_in(&cmd, arg, sizeof(cmd), sizeof(cmd));
	int prot = 0;
	uint64_t iova;
	struct ioas *io;

	if (ret)
		return ret;
	if ((cmd.flags & ~known) || cmd.__reserved)
		return -EOPNOTSUPP;
	if (cmd.iova >= UINT64_MAX || cmd.length >= UINT64_MAX)
		return -EOVERFLOW;
	if (!(cmd.flags & (IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE)))
		return -EINVAL;
	io = ioas_get(cx, cmd.ioas_id);
	if (!io)
		return -ENOENT;
	if (cmd.flags & IOMMU_IOAS_MAP_WRITEABLE)
		prot |= IOMMU_WRITE;
	if (cmd.flags & IOMMU_IOAS_MAP_READABLE)
		prot |= IOMMU_READ;
	iova = cmd.iova;
	if (!(cmd.flags & IOMMU_IOAS_MAP_FIXED_IOVA)) {
		/* iopt_alloc_pages() checks come before the allocation */
		if (cmd.length > UINT64_MAX - s->p.page_size || !cmd.length)
			return -EINVAL;
		if (cmd.user_va + cmd.length < cmd.user_va)
			return -EOVERFLOW;
		if (cmd.length & (io->iova_alignment - 1))
			return -EINVAL;
		ret = iopt_alloc_iova(s, io, cmd.user_va, cmd.length, &iova);
		if (ret)
			return ret;
	}
	ret = iopt_map_user(s, io, iova, cmd.user_va, cmd.length, prot);
	if (ret)
		return ret;
	cmd.iova = iova;
	ucmd_out(arg, &cmd, sizeof(cmd));
	return 0;
}

static long ioas_unmap(struct vfsim *s, struct compat_ctx *cx, void *arg)
{
	struct iommu_ioas_unmap cmd;
	int ret = ucmd_in(&cmd, arg, sizeof(cmd), sizeof(cmd));
	uint64_t unmapped = 0, last;
	struct ioas *io;

	if (ret)
		return ret;
	io = ioas_get(cx, cmd.ioas_id);
	if (!io)
		return -ENOENT;
	if (cmd.iova == 0 && cmd.length == UINT64_MAX) {
		ret = iopt_unmap_range(s, io, 0, UINT64_MAX, &unmapped);
	} else if (cmd.iova >= UINT64_MAX || cmd.length >= UINT64_MAX) {
		return -EOVERFLOW;
	} else if (!cmd.length) {
		return -EINVAL;
	} else if (__builtin_add_overflow(cmd.iova, cmd.length - 1, &last)) {
		return -EOVERFLOW;
	} else {
		ret = iopt_unmap_range(s, io, cmd.iova, last, &unmapped);
	}
	if (ret)
		return ret;
	cmd.length = unmapped;
	ucmd_out(arg, &cmd, sizeof(cmd));
	return 0;
}

/* IOMMU_DESTROY: only an IOAS nothing holds can go; devices and hwpts are held. */
static long destroy(struct vfsim *s, struct compat_ctx *cx, void *arg)
{
	struct iommu_destroy cmd;
	int ret = ucmd_in(&cmd, arg, sizeof(cmd), sizeof(cmd));
	struct ioas *io;

	if (ret)
		return ret;
	if (!cmd.id || cmd.id >= 64 || !(cx->ids & (1ull << cmd.id)))
		return -ENOENT;
	io = ioas_get(cx, cmd.id);
	if (!io || io->n_domains || io->n_access)
		return -EBUSY;
	if (cx->vfio_ioas >= 0 && &cx->ioas[cx->vfio_ioas] == io)
		cx->vfio_ioas = -1;
	iopt_destroy(s, io);
	compat_id_free(cx, cmd.id);
	return 0;
}

long iommufd_native_ioctl(struct vfsim *s, struct compat_ctx *cx, unsigned long req, void *arg)
{
	switch (req) {
	case IOMMU_IOAS_ALLOC:
		return ioas_alloc(cx, arg);
	case IOMMU_IOAS_MAP:
		return ioas_map(s, cx, arg);
	case IOMMU_IOAS_UNMAP:
		return ioas_unmap(s, cx, arg);
	case IOMMU_DESTROY:
		return destroy(s, cx, arg);
	}
	return -ENOTTY;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The part of drivers/vfio/vfio_main.c below the group node and the vendor
 * driver: registering an emulated device's callbacks, the container file's
 * last reference, and the driver-facing vfio_pin_pages(), vfio_unpin_pages()
 * and vfio_dma_rw(), which pick the file serving the device's DMA and go
 * through its vfsim_container_ops. Nothing here names a backend.
 */
#include <stdlib.h>
#include "vfsim_int.h"

/* vfio_register_emulated_iommu_dev(): the driver's callbacks for dev */
void vfio_register_emulated_dev(struct vfsim_device *dev, const struct vfsim_device_ops *ops,
				void *drvdata)
{
	dev->ops = ops;
	dev->drvdata = drvdata;
}

/* The file's last reference (handle, group or device binding) is gone. */
void container_put(struct vfsim *s, struct vfsim_container *c)
{
	if (--c->refs)
		return;
	c->ops->release(s, c);
	free(c);
}

/*
 * vfio_device_has_container() first: a legacy container serves every
 * device of its groups; else the iommufd the device is bound to, if any.
 */
static struct vfsim_container *dma_file(struct vfsim *s, const struct vfsim_device *dev)
{
	struct vfsim_container *c = s->groups[dev->g].container;

	if (c && c->ops->serves_group)
		return c;
	return s->groups[dev->g].bound[dev->d];
}

long vfio_pin_pages(struct vfsim *s, struct vfsim_device *dev, uint64_t iova, uint64_t npage,
		    int prot)
{
	struct vfsim_container *c = dma_file(s, dev);

	/* no container and no access: the device is not bound to an iommufd */
	return c ? c->ops->pin_pages(s, c, dev, iova, npage, prot) : -EINVAL;
}

void vfio_unpin_pages(struct vfsim *s, struct vfsim_device *dev, uint64_t iova, uint64_t npage)
{
	struct vfsim_container *c = dma_file(s, dev);

	if (c)
		c->ops->unpin_pages(s, c, dev, iova, npage);
}

int vfio_dma_rw(struct vfsim *s, struct vfsim_device *dev, uint64_t iova, void *buf,
		uint64_t count, bool write)
{
	struct vfsim_container *c = dma_file(s, dev);

	return c ? c->ops->dma_rw(s, c, dev, iova, buf, count, write) : -EINVAL;
}

/*
 * Not a vfio path in the kernel (the IOMMU walks its page table itself),
 * but what that table holds is what the file serving the device's DMA
 * put there, so that file answers: -ENODEV when the device is in none of
 * its domains (then only the default DMA domain is left, which maps
 * nothing at the IOVAs a case uses).
 */
int vfio_device_iova_to_phys(struct vfsim *s, struct vfsim_device *dev, uint64_t iova,
			     struct vfsim_iopte *pte)
{
	struct vfsim_container *c = dma_file(s, dev);

	if (!c || !c->ops->iova_to_phys)
		return -ENODEV;
	return c->ops->iova_to_phys(s, c, dev, iova, pte);
}

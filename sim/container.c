// SPDX-License-Identifier: GPL-2.0-only
/*
 * The legacy container (/dev/vfio/vfio, drivers/vfio/container.c): its own
 * three ioctls, the choice of IOMMU driver at SET_IOMMU among the registered
 * ones (type1 and the no-IOMMU driver), and everything else passed through
 * the chosen driver's ops. The vfio core reaches it through
 * vfio_container_ops; it reaches its driver only through
 * vfsim_iommu_driver_ops, never by name.
 */
#include <stdlib.h>
#include <linux/vfio.h>
#include "vfsim_int.h"

#define PIN_PAGES_MAX	512	/* VFIO_PIN_PAGES_MAX_ENTRIES */

/* ---- the no-IOMMU driver (vfio_noiommu_ops) ---- */

static int noiommu_open(struct vfsim *s, unsigned long arg, void **data)
{
	if (arg != VFIO_NOIOMMU_IOMMU)
		return -EINVAL;
	if (!cur_proc(s)->cap_sys_rawio)
		return -EPERM;
	*data = NULL;
	return 0;
}

static void noiommu_release(struct vfsim *s, void *data)
{
	(void)s;
	(void)data;
}

static long noiommu_ioctl(struct vfsim *s, void *data, unsigned long req, void *arg)
{
	(void)data;
	/* registered always, but says yes only with enable_unsafe_noiommu_mode */
	if (req == VFIO_CHECK_EXTENSION)
		return s->noiommu_mode && (unsigned long)arg == VFIO_NOIOMMU_IOMMU;
	return -ENOTTY;
}

static int noiommu_attach_group(struct vfsim *s, void *data, unsigned g)
{
	(void)s;
	(void)data;
	(void)g;
	return 0;
}

static void noiommu_detach_group(struct vfsim *s, void *data, unsigned g)
{
	(void)s;
	(void)data;
	(void)g;
}

static const struct vfsim_iommu_driver_ops noiommu_driver_ops = {
	.name = "vfio-noiommu",
	.open = noiommu_open,
	.release = noiommu_release,
	.ioctl = noiommu_ioctl,
	.attach_group = noiommu_attach_group,
	.detach_group = noiommu_detach_group,
};

/* vfio.iommu_drivers_list: last registered first */
static const struct vfsim_iommu_driver_ops *const iommu_drivers[] = {
	&t1_driver_ops,
	&noiommu_driver_ops,
};

#define N_DRIVERS	(sizeof(iommu_drivers) / sizeof(iommu_drivers[0]))

/* vfio_iommu_driver_allowed(): real and no-IOMMU groups need their own driver. */
static bool driver_allowed(const struct vfsim_container *c,
			   const struct vfsim_iommu_driver_ops *drv)
{
	return c->noiommu == (drv == &noiommu_driver_ops);
}

static long check_extension(struct vfsim *s, struct vfsim_container *c, unsigned long arg)
{
	long ret = 0;

	if (c->iommu_driver)
		return c->iommu_driver->ioctl(s, c->iommu_data, VFIO_CHECK_EXTENSION,
					      (void *)arg);
	for (unsigned i = 0; i < N_DRIVERS; i++) {
		if (c->group_mask && !driver_allowed(c, iommu_drivers[i]))
			continue;
		ret = iommu_drivers[i]->ioctl(s, NULL, VFIO_CHECK_EXTENSION, (void *)arg);
		if (ret > 0)
			break;
	}
	return ret;
}

static int attach_all_groups(struct vfsim *s, struct vfsim_container *c,
			     const struct vfsim_iommu_driver_ops *drv, void *data)
{
	for (unsigned g = 0; g < s->n_groups; g++) {
		int ret;

		if (!(c->group_mask & (1u << g)))
			continue;
		ret = drv->attach_group(s, data, g);
		if (ret) {
			for (unsigned u = 0; u < g; u++)
				if (c->group_mask & (1u << u))
					drv->detach_group(s, data, u);
			return ret;
		}
	}
	return 0;
}

/* vfio_ioctl_set_iommu(): the first allowed driver that takes the type and every group */
static long set_iommu(struct vfsim *s, struct vfsim_container *c, unsigned long arg)
{
	long ret = -ENODEV;

	if (!c->group_mask || c->iommu_driver)
		return -EINVAL;
	for (unsigned i = 0; i < N_DRIVERS; i++) {
		const struct vfsim_iommu_driver_ops *drv = iommu_drivers[i];
		void *data;

		if (!driver_allowed(c, drv))
			continue;
		/* the CHECK_EXTENSION magic doubles as the SET_IOMMU type */
		if (drv->ioctl(s, NULL, VFIO_CHECK_EXTENSION, (void *)arg) <= 0)
			continue;
		ret = drv->open(s, arg, &data);
		if (ret)
			continue;
		ret = attach_all_groups(s, c, drv, data);
		if (ret) {
			drv->release(s, data);
			continue;
		}
		c->iommu_driver = drv;
		c->iommu_data = data;
		return 0;
	}
	return ret;
}

static int container_attach_group(struct vfsim *s, struct vfsim_container *c, unsigned g)
{
	struct vfsim_group *gr = &s->groups[g];
	bool noiommu = gr->type == GROUP_NOIOMMU;
	int ret;

	if (noiommu && !cur_proc(s)->cap_sys_rawio)
		return -EPERM;
	/* real groups and fake groups cannot mix */
	if (c->group_mask && c->noiommu != noiommu)
		return -EPERM;
	if (c->iommu_driver) {
		ret = c->iommu_driver->attach_group(s, c->iommu_data, g);
		if (ret)
			return ret;
	}
	c->noiommu = noiommu;
	return 0;
}

static void container_detach_group(struct vfsim *s, struct vfsim_container *c, unsigned g)
{
	if (c->iommu_driver)
		c->iommu_driver->detach_group(s, c->iommu_data, g);
	/* the last group out takes the IOMMU driver with it */
	if (!(c->group_mask & ~(1u << g))) {
		if (c->iommu_driver)
			c->iommu_driver->release(s, c->iommu_data);
		c->iommu_driver = NULL;
		c->iommu_data = NULL;
	}
}

static void container_release(struct vfsim *s, struct vfsim_container *c)
{
	if (c->iommu_driver)
		c->iommu_driver->release(s, c->iommu_data);
	c->iommu_driver = NULL;
	c->iommu_data = NULL;
}

static long container_ioctl(struct vfsim *s, struct vfsim_container *c, unsigned long req,
			    void *arg)
{
	switch (req) {
	case VFIO_GET_API_VERSION:
		return VFIO_API_VERSION;
	case VFIO_CHECK_EXTENSION:
		return check_extension(s, c, (unsigned long)arg);
	case VFIO_SET_IOMMU:
		return set_iommu(s, c, (unsigned long)arg);
	}
	if (c->iommu_driver)
		return c->iommu_driver->ioctl(s, c->iommu_data, req, arg);
	return -EINVAL;
}

/*
 * vfio_group_use_container() and vfio_device_container_register(): a
 * device opens only once a driver is set; the driver learns of it, so that
 * an unmap can reach the device's dma_unmap.
 */
static int container_open_device(struct vfsim *s, struct vfsim_container *c,
				 struct vfsim_device *dev)
{
	struct vfsim_group *gr = &s->groups[dev->g];

	if (!c->iommu_driver)
		return -EINVAL;
	if (gr->type == GROUP_NOIOMMU && !cur_proc(s)->cap_sys_rawio)
		return -EPERM;
	gr->container_users++;
	if (c->iommu_driver->register_device)
		c->iommu_driver->register_device(s, c->iommu_data, dev);
	return 0;
}

/* vfio_device_container_unregister() and vfio_group_unuse_container() */
static void container_unuse_device(struct vfsim *s, struct vfsim_container *c,
				   struct vfsim_device *dev)
{
	struct vfsim_group *gr = &s->groups[dev->g];

	if (c->iommu_driver && c->iommu_driver->unregister_device)
		c->iommu_driver->unregister_device(s, c->iommu_data, dev);
	if (gr->container_users > 1)
		gr->container_users--;
}

/* vfio_device_container_pin_pages() */
static long container_pin_pages(struct vfsim *s, struct vfsim_container *c,
				struct vfsim_device *dev, uint64_t iova, uint64_t npage, int prot)
{
	(void)dev;
	if (npage > PIN_PAGES_MAX)
		return -E2BIG;
	if (!c->iommu_driver || !c->iommu_driver->pin_pages)
		return -ENOTTY;
	return c->iommu_driver->pin_pages(s, c->iommu_data, iova, npage, prot);
}

static void container_unpin_pages(struct vfsim *s, struct vfsim_container *c,
				  struct vfsim_device *dev, uint64_t iova, uint64_t npage)
{
	(void)dev;
	if (c->iommu_driver && c->iommu_driver->unpin_pages)
		c->iommu_driver->unpin_pages(s, c->iommu_data, iova, npage);
}

static int container_dma_rw(struct vfsim *s, struct vfsim_container *c,
			    struct vfsim_device *dev, uint64_t iova, void *buf, uint64_t count,
			    bool write)
{
	(void)dev;
	if (!c->iommu_driver || !c->iommu_driver->dma_rw)
		return -ENOTTY;
	return c->iommu_driver->dma_rw(s, c->iommu_data, iova, buf, count, write);
}

/* The domain the container's driver attached the device's group to (none: no-IOMMU). */
static int container_iova_to_phys(struct vfsim *s, struct vfsim_container *c,
				  struct vfsim_device *dev, uint64_t iova, struct vfsim_iopte *pte)
{
	if (!c->iommu_driver || !c->iommu_driver->iova_to_phys)
		return -ENODEV;
	return c->iommu_driver->iova_to_phys(s, c->iommu_data, dev->g, iova, pte);
}

const struct vfsim_container_ops vfio_container_ops = {
	.serves_group = true,
	.release = container_release,
	.ioctl = container_ioctl,
	.attach_group = container_attach_group,
	.detach_group = container_detach_group,
	.open_device = container_open_device,
	.unuse_device = container_unuse_device,
	.pin_pages = container_pin_pages,
	.unpin_pages = container_unpin_pages,
	.dma_rw = container_dma_rw,
	.iova_to_phys = container_iova_to_phys,
};

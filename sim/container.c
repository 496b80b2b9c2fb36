// SPDX-License-Identifier: GPL-2.0-only
/*
 * The legacy container (/dev/vfio/vfio, drivers/vfio/container.c): its own
 * three ioctls, the choice of IOMMU driver (type1 or the no-IOMMU driver),
 * and everything else passed through to the driver that SET_IOMMU chose.
 */
#include <stdlib.h>
#include <linux/vfio.h>
#include "vfsim_int.h"

/* The drivers, in the order vfio.iommu_drivers_list holds them (last registered first). */
enum { DRV_TYPE1, DRV_NOIOMMU, DRV_COUNT };

static long noiommu_check_extension(struct vfsim *s, unsigned long arg)
{
	/* registered always, but says yes only with enable_unsafe_noiommu_mode */
	return s->noiommu_mode && arg == VFIO_NOIOMMU_IOMMU;
}

/* vfio_iommu_driver_allowed(): real and no-IOMMU groups need their own driver. */
static bool driver_allowed(const struct vfsim_container *c, int drv)
{
	return c->noiommu == (drv == DRV_NOIOMMU);
}

static long check_extension(struct vfsim *s, struct vfsim_container *c, unsigned long arg)
{
	long ret = 0;

	if (c->driver == DRIVER_TYPE1)
		return t1_check_extension(c->t1, arg);
	if (c->driver == DRIVER_NOIOMMU)
		return noiommu_check_extension(s, arg);
	for (int drv = 0; drv < DRV_COUNT; drv++) {
		if (c->group_mask && !driver_allowed(c, drv))
			continue;
		ret = drv == DRV_TYPE1 ? t1_check_extension(NULL, arg) :
					 noiommu_check_extension(s, arg);
		if (ret > 0)
			break;
	}
	return ret;
}

static int attach_all_groups(struct vfsim *s, struct vfsim_container *c)
{
	for (unsigned g = 0; g < s->n_groups; g++) {
		int ret;

		if (!(c->group_mask & (1u << g)))
			continue;
		ret = t1_attach_group(s, c->t1, g);
		if (ret) {
			for (unsigned u = 0; u < g; u++)
				if (c->group_mask & (1u << u))
					t1_detach_group(s, c->t1, u);
			return ret;
		}
	}
	return 0;
}

static long set_iommu(struct vfsim *s, struct vfsim_container *c, unsigned long arg)
{
	long ret = -ENODEV;

	if (!c->group_mask || c->driver != DRIVER_NONE)
		return -EINVAL;
	for (int drv = 0; drv < DRV_COUNT; drv++) {
		int err = 0;

		if (!driver_allowed(c, drv))
			continue;
		if (drv == DRV_NOIOMMU) {
			/* the CHECK_EXTENSION magic doubles as the SET_IOMMU type */
			if (noiommu_check_extension(s, arg) <= 0)
				continue;
			if (!cur_proc(s)->cap_sys_rawio) {
				ret = -EPERM;
				continue;
			}
			c->driver = DRIVER_NOIOMMU;
			return 0;
		}
		if (t1_check_extension(NULL, arg) <= 0)
			continue;
		c->t1 = t1_open(s, arg, &err);
		if (!c->t1) {
			ret = err;
			continue;
		}
		ret = attach_all_groups(s, c);
		if (ret) {
			t1_release(s, c->t1);
			c->t1 = NULL;
			continue;
		}
		c->driver = DRIVER_TYPE1;
		return 0;
	}
	return ret;
}

int container_attach_group(struct vfsim *s, struct vfsim_container *c, unsigned g)
{
	struct vfsim_group *gr = &s->groups[g];
	bool noiommu = gr->type == GROUP_NOIOMMU;
	int ret;

	if (noiommu && !cur_proc(s)->cap_sys_rawio)
		return -EPERM;
	/* real groups and fake groups cannot mix */
	if (c->group_mask && c->noiommu != noiommu)
		return -EPERM;
	if (c->driver == DRIVER_TYPE1) {
		ret = t1_attach_group(s, c->t1, g);
		if (ret)
			return ret;
	}
	c->noiommu = noiommu;
	return 0;
}

void container_detach_group(struct vfsim *s, struct vfsim_container *c, unsigned g)
{
	if (c->driver == DRIVER_TYPE1)
		t1_detach_group(s, c->t1, g);
	/* the last group out takes the IOMMU driver with it */
	if (!(c->group_mask & ~(1u << g))) {
		if (c->driver == DRIVER_TYPE1)
			t1_release(s, c->t1);
		c->t1 = NULL;
		c->driver = DRIVER_NONE;
	}
}

void container_put(struct vfsim *s, struct vfsim_container *c)
{
	if (--c->refs)
		return;
	if (c->t1)
		t1_release(s, c->t1);
	if (c->cx)
		compat_free(s, c->cx);
	free(c);
}

long container_ioctl(struct vfsim *s, struct vfsim_container *c, unsigned long req, void *arg)
{
	switch (req) {
	case VFIO_GET_API_VERSION:
		return VFIO_API_VERSION;
	case VFIO_CHECK_EXTENSION:
		return check_extension(s, c, (unsigned long)arg);
	case VFIO_SET_IOMMU:
		return set_iommu(s, c, (unsigned long)arg);
	}
	if (c->driver == DRIVER_TYPE1)
		return t1_ioctl(s, c->t1, req, arg);
	if (c->driver == DRIVER_NOIOMMU)
		return -ENOTTY;
	return -EINVAL;
}

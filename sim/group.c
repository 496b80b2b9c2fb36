// SPDX-License-Identifier: GPL-2.0-only
/*
 * The group node (/dev/vfio/N): GET_STATUS, SET/UNSET_CONTAINER and
 * GET_DEVICE_FD, as drivers/vfio/group.c does them for a type1 container
 * or for an iommufd passed as the container fd. Whichever it is, it is
 * reached through its vfsim_container_ops, and the device's driver
 * through its vfsim_device_ops.
 */
#include <string.h>
#include <linux/vfio.h>
#include "vfsim_int.h"

static bool group_has_iommu(const struct vfsim_group *gr)
{
	return gr->container != NULL;
}

static long group_status(struct vfsim_group *gr, void *arg)
{
	struct vfio_group_status st;
	size_t minsz = offsetof(struct vfio_group_status, flags) + sizeof(st.flags);

	if (arg_in(&st, arg, minsz))
		return -EFAULT;
	if (st.argsz < minsz)
		return -EINVAL;
	st.flags = 0;
	if (gr->gone)
		return -ENODEV;
	/*
	 * An iommufd claims DMA ownership at device open, not at SET_CONTAINER:
	 * a group with an open device and no container is not viable. Except the
	 * groups vfio makes up itself (no-IOMMU, mdev): their devices bind
	 * without an iommufd_device, so nothing claims them (found by vfconform
	 * fuzz in the noiommu boot).
	 */
	if (group_has_iommu(gr))
		st.flags |= VFIO_GROUP_FLAGS_CONTAINER_SET | VFIO_GROUP_FLAGS_VIABLE;
	else if (!gr->dev_opens || gr->type != GROUP_IOMMU)
		st.flags |= VFIO_GROUP_FLAGS_VIABLE;
	memcpy(arg, &st, minsz);
	return 0;
}

static long group_set_container(struct vfsim *s, unsigned g, void *arg)
{
	struct vfsim_group *gr = &s->groups[g];
	struct vfsim_container *c;
	int32_t fd;
	int err = 0;

	if (arg_in(&fd, arg, sizeof(fd)))
		return -EFAULT;
	c = vfsim_handle_container(s, fd, &err);
	if (!c && err == -EBADF)
		return err;
	if (group_has_iommu(gr))
		return -EINVAL;
	if (gr->gone)
		return -ENODEV;
	if (!c)
		return err;
	err = c->ops->attach_group(s, c, g);
	if (err)
		return err;
	gr->container = c;
	gr->container_users = 1;
	c->group_mask |= 1u << g;
	c->refs++;
	return 0;
}

static long group_unset_container(struct vfsim *s, unsigned g)
{
	struct vfsim_group *gr = &s->groups[g];
	struct vfsim_container *c = gr->container;

	if (!group_has_iommu(gr))
		return -EINVAL;
	/* only a legacy container counts open devices as users: an iommufd keeps 1 */
	if (gr->container_users != 1)
		return -EBUSY;
	if (c->ops->detach_group)
		c->ops->detach_group(s, c, g);
	c->group_mask &= ~(1u << g);
	gr->container = NULL;
	gr->container_users = 0;
	container_put(s, c);
	return 0;
}

/* The group's last fd is gone (and no device holds it): the container goes too. */
void group_release(struct vfsim *s, unsigned g)
{
	struct vfsim_group *gr = &s->groups[g];
	struct vfsim_container *c = gr->container;

	if (!c)
		return;
	if (c->ops->detach_group)
		c->ops->detach_group(s, c, g);
	c->group_mask &= ~(1u << g);
	gr->container = NULL;
	gr->container_users = 0;
	container_put(s, c);
}

/*
 * First open of a device through its group (vfio_df_device_first_open):
 * the container takes it or the iommufd binds it (then the binding holds
 * the file), and then its driver opens it.
 */
static int device_first_open(struct vfsim *s, struct vfsim_device *dev)
{
	struct vfsim_group *gr = &s->groups[dev->g];
	struct vfsim_container *c = gr->container;
	int ret = c->ops->open_device(s, c, dev);

	if (ret < 0)
		return ret;
	if (ret) {
		gr->bound[dev->d] = c;
		c->refs++;
	}
	if (dev->ops && dev->ops->open_device)
		dev->ops->open_device(s, dev);
	return 0;
}

static long group_get_device_fd(struct vfsim *s, unsigned g, const char *name, int *new_dev)
{
	struct vfsim_group *gr = &s->groups[g];
	struct vfsim_device *dev = NULL;
	unsigned d;
	int ret;

	if ((uintptr_t)name < 4096)
		return -EFAULT;		/* strndup_user() */
	for (d = 0; d < gr->n_devs; d++) {
		if (!gr->devs[d].unbound && !strncmp(gr->devs[d].name, name, 4096)) {
			dev = &gr->devs[d];
			break;
		}
	}
	if (!dev)
		return -ENODEV;
	if (!group_has_iommu(gr))
		return -EINVAL;
	if (dev->open_count++ == 0) {
		ret = device_first_open(s, dev);
		if (ret) {
			dev->open_count--;
			return ret;
		}
	}
	gr->dev_opens++;
	*new_dev = (int)d;
	return 0;
}

int device_close(struct vfsim *s, unsigned g, unsigned d)
{
	struct vfsim_group *gr = &s->groups[g];
	struct vfsim_device *dev = &gr->devs[d];
	struct vfsim_container *bound = gr->bound[d];

	gr->dev_opens--;
	if (--dev->open_count)
		return 0;
	/* close_device comes before the container or iommufd lets the device go */
	if (dev->ops && dev->ops->close_device)
		dev->ops->close_device(s, dev);
	if (gr->container && gr->container->ops->unuse_device)
		gr->container->ops->unuse_device(s, gr->container, dev);
	if (bound) {
		bound->ops->unbind_device(s, bound, dev);
		gr->bound[d] = NULL;
		container_put(s, bound);
	}
	return 0;
}

long group_ioctl(struct vfsim *s, unsigned g, unsigned long req, void *arg, int *new_dev)
{
	switch (req) {
	case VFIO_GROUP_GET_STATUS:
		return group_status(&s->groups[g], arg);
	case VFIO_GROUP_SET_CONTAINER:
		return group_set_container(s, g, arg);
	case VFIO_GROUP_UNSET_CONTAINER:
		return group_unset_container(s, g);
	case VFIO_GROUP_GET_DEVICE_FD:
		return group_get_device_fd(s, g, arg, new_dev);
	}
	return -ENOTTY;
}

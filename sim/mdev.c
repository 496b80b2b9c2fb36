// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mtty sample driver as the reference kernel patches it (ref-kernel/
 * patches/0002-mtty-dma-trigger.patch): the open mtty device pins, unpins,
 * reads and writes guest memory when told, the way a vendor driver does,
 * through vfio_pin_pages(), vfio_unpin_pages() and vfio_dma_rw() of the
 * core (vfio_main.c). It keeps its pins so that an unmap (its dma_unmap
 * callback, which type1 and iommufd call through vfsim_device_ops) and the
 * device's close can let go of them. Nothing below calls into this file
 * by name: the core and the backends know only mtty_dev_ops.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include "vfsim_int.h"

static struct vfsim_device *mtty_dev(struct vfsim *s)
{
	return &s->groups[s->mtty.g].devs[s->mtty.d];
}

/* vfc_unpin_range(): every tracked pin overlapping [first, last], inclusive as in the driver. */
static void unpin_tracked(struct vfsim *s, uint64_t first, uint64_t last)
{
	struct vfsim_mtty *m = &s->mtty;
	unsigned i = 0;

	while (i < m->n_pins) {
		uint64_t start = m->pins[i].iova;
		uint64_t end = start + m->pins[i].npage * s->p.page_size - 1;

		if (start <= last && first <= end) {
			vfio_unpin_pages(s, mtty_dev(s), m->pins[i].iova, m->pins[i].npage);
			m->pins[i] = m->pins[--m->n_pins];
			continue;
		}
		i++;
	}
}

/* mtty_dma_unmap(): the container tells the driver [iova, iova + length) went. */
static void mtty_dma_unmap(struct vfsim *s, struct vfsim_device *dev, uint64_t iova,
			   uint64_t length)
{
	(void)dev;
	if (length)
		unpin_tracked(s, iova, iova + length - 1);
}

static void mtty_open(struct vfsim *s, struct vfsim_device *dev)
{
	s->mtty.open = true;
	s->mtty.g = dev->g;
	s->mtty.d = dev->d;
}

static void mtty_close(struct vfsim *s, struct vfsim_device *dev)
{
	if (!s->mtty.open || s->mtty.g != dev->g || s->mtty.d != dev->d)
		return;
	unpin_tracked(s, 0, UINT64_MAX);
	s->mtty.open = false;
}

/* mtty_dev_ops: what the core and the IOMMU backends call the driver through */
static const struct vfsim_device_ops mtty_dev_ops = {
	.open_device = mtty_open,
	.close_device = mtty_close,
	.dma_unmap = mtty_dma_unmap,
};

/* mtty_probe(): the emulated device registers with vfio, callbacks and all. */
void mtty_probe(struct vfsim *s, struct vfsim_device *dev)
{
	vfio_register_emulated_dev(dev, &mtty_dev_ops, &s->mtty);
}

long vfsim_mdev_dma(struct vfsim *s, enum vfsim_mdev_op op, uint64_t iova, uint64_t n,
		    uint64_t *sum)
{
	struct vfsim_mtty *m = &s->mtty;
	uint8_t *buf;
	long ret;

	*sum = 0;
	if (!m->open)
		return -ENODEV;
	switch (op) {
	case VFSIM_MDEV_PIN:
		if (!n || n > MTTY_MAX_NPAGE || m->n_pins == MTTY_MAX_PINS)
			return -E2BIG;
		ret = vfio_pin_pages(s, mtty_dev(s), iova, n, 3);
		if (ret > 0) {
			m->pins[m->n_pins].iova = iova;
			m->pins[m->n_pins++].npage = (uint64_t)ret;
		}
		return ret;
	case VFSIM_MDEV_UNPIN:
		/* only what was pinned: anything else would be a driver bug */
		for (unsigned i = 0; i < m->n_pins; i++) {
			if (m->pins[i].iova == iova && m->pins[i].npage == n) {
				vfio_unpin_pages(s, mtty_dev(s), iova, n);
				m->pins[i] = m->pins[--m->n_pins];
				return 0;
			}
		}
		return -ENOENT;
	case VFSIM_MDEV_READ:
	case VFSIM_MDEV_WRITE:
		break;
	default:
		return -EINVAL;
	}
	if (!n || n > MTTY_MAX_RW)
		return -E2BIG;
	buf = malloc(n);
	if (!buf)
		return -ENOMEM;
	memset(buf, 0x5a, n);
	ret = vfio_dma_rw(s, mtty_dev(s), iova, buf, n, op == VFSIM_MDEV_WRITE);
	if (!ret && op == VFSIM_MDEV_READ)
		for (uint64_t i = 0; i < n; i++)
			*sum += buf[i];
	free(buf);
	return ret;
}

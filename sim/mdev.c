// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mtty sample driver as the reference kernel patches it (ref-kernel/
 * patches/0002-mtty-dma-trigger.patch): the open mtty device pins, unpins,
 * reads and writes guest memory when told, the way a vendor driver does,
 * through vfio_pin_pages(), vfio_unpin_pages() and vfio_dma_rw(). It keeps
 * its pins so that an unmap of the container (dma_unmap) and the device's
 * close can let go of them.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include "vfsim_int.h"

#define PIN_PAGES_MAX	512	/* VFIO_PIN_PAGES_MAX_ENTRIES */

/*
 * The IOAS the device's access is attached to (compat): -EINVAL without an
 * access (the device is not bound to an iommufd), -ENOENT when the access
 * has no IOAS (iommufd_access_pin_pages() and _rw() say so).
 */
static int access_ioas(struct vfsim *s, struct ioas **io)
{
	struct vfsim_group *gr = &s->groups[s->mtty.g];
	struct vfsim_container *c = gr->bound[s->mtty.d];

	if (!c)
		return -EINVAL;
	if (gr->bound_ioas[s->mtty.d] < 0 || !c->cx->ioas[gr->bound_ioas[s->mtty.d]].used)
		return -ENOENT;
	*io = &c->cx->ioas[gr->bound_ioas[s->mtty.d]];
	return 0;
}

/* vfio_device_has_container(): a legacy container, not an iommufd */
static bool has_container(struct vfsim *s)
{
	struct vfsim_container *c = s->groups[s->mtty.g].container;

	return c && c->pers == VFSIM_TYPE1;
}

/* The type1 container the device's group is in, when its driver can pin. */
static long container_t1(struct vfsim *s, struct t1_iommu **t)
{
	struct vfsim_container *c = s->groups[s->mtty.g].container;

	*t = c->driver == DRIVER_TYPE1 ? c->t1 : NULL;
	return *t ? 0 : -ENOTTY;
}

/* vfio_pin_pages() */
static long pin_pages(struct vfsim *s, uint64_t iova, uint64_t npage)
{
	struct t1_iommu *t;
	struct ioas *io;
	long ret;

	if (has_container(s)) {
		if (npage > PIN_PAGES_MAX)
			return -E2BIG;
		ret = container_t1(s, &t);
		return ret ? ret : t1_pin_pages(s, t, iova, npage, 3);
	}
	ret = access_ioas(s, &io);
	if (ret)
		return ret;
	ret = iopt_access_pin(s, io, iova & ~(s->p.page_size - 1), npage * s->p.page_size, true);
	return ret ? ret : (long)npage;
}

/* vfio_unpin_pages() */
static void unpin_pages(struct vfsim *s, uint64_t iova, uint64_t npage)
{
	struct t1_iommu *t;
	struct ioas *io;

	if (has_container(s)) {
		if (!container_t1(s, &t))
			t1_unpin_pages(s, t, iova, npage);
		return;
	}
	if (!access_ioas(s, &io))
		iopt_access_unpin(s, io, iova & ~(s->p.page_size - 1), npage * s->p.page_size);
}

/* vfio_dma_rw() */
static int dma_rw(struct vfsim *s, uint64_t iova, void *buf, uint64_t len, bool write)
{
	struct t1_iommu *t;
	struct ioas *io;
	long ret;

	if (has_container(s)) {
		ret = container_t1(s, &t);
		return ret ? (int)ret : t1_dma_rw(s, t, iova, buf, len, write);
	}
	ret = access_ioas(s, &io);
	return ret ? (int)ret : iopt_access_rw(s, io, iova, buf, len, write);
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
			unpin_pages(s, m->pins[i].iova, m->pins[i].npage);
			m->pins[i] = m->pins[--m->n_pins];
			continue;
		}
		i++;
	}
}

/* mtty_dma_unmap(): the container tells the driver [iova, iova + length) went. */
void mtty_dma_unmap(struct vfsim *s, uint64_t iova, uint64_t length)
{
	if (length)
		unpin_tracked(s, iova, iova + length - 1);
}

void mtty_open(struct vfsim *s, unsigned g, unsigned d)
{
	s->mtty.open = true;
	s->mtty.g = g;
	s->mtty.d = d;
}

void mtty_close(struct vfsim *s, unsigned g, unsigned d)
{
	if (!s->mtty.open || s->mtty.g != g || s->mtty.d != d)
		return;
	unpin_tracked(s, 0, UINT64_MAX);
	s->mtty.open = false;
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
		ret = pin_pages(s, iova, n);
		if (ret > 0) {
			m->pins[m->n_pins].iova = iova;
			m->pins[m->n_pins++].npage = (uint64_t)ret;
		}
		return ret;
	case VFSIM_MDEV_UNPIN:
		/* only what was pinned: anything else would be a driver bug */
		for (unsigned i = 0; i < m->n_pins; i++) {
			if (m->pins[i].iova == iova && m->pins[i].npage == n) {
				unpin_pages(s, iova, n);
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
	ret = dma_rw(s, iova, buf, n, op == VFSIM_MDEV_WRITE);
	if (!ret && op == VFSIM_MDEV_READ)
		for (uint64_t i = 0; i < n; i++)
			*sum += buf[i];
	free(buf);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The type1 IOMMU driver (vfio_iommu_type1.c): open, CHECK_EXTENSION, group
 * attach/detach with the usable IOVA list, replay of existing mappings into
 * a new domain, the devices to tell of an unmap, the ioctl switch, and the
 * vfsim_iommu_driver_ops the legacy container reaches all of it through.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include "vfsim_int.h"

static int t1_open(struct vfsim *s, unsigned long type, void **data)
{
	struct t1_iommu *t;

	if (type != VFIO_TYPE1_IOMMU && type != VFIO_TYPE1v2_IOMMU &&
	    type != VFIO_TYPE1_NESTING_IOMMU)
		return -EINVAL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->nesting = type == VFIO_TYPE1_NESTING_IOMMU;
	t->v2 = type != VFIO_TYPE1_IOMMU;
	itree_init(&t->dmas);
	u64map_init(&t->by_iova);
	pool_init(&t->dma_pool, sizeof(struct t1_dma));
	t->dma_avail = s->p.dma_entry_limit;
	t->pgsize_bitmap = ~(s->p.page_size - 1);
	*data = t;
	return 0;
}

static void t1_release(struct vfsim *s, void *data)
{
	struct t1_iommu *t = data;
	struct itree_node *n;

	if (!t)
		return;
	while ((n = itree_min(&t->dmas)))
		t1_remove_dma(s, t, container_of(n, struct t1_dma, node));
	u64map_free(&t->by_iova);
	pool_destroy(&t->dma_pool);
	free(t);
}

static long t1_check_extension(const struct t1_iommu *t, unsigned long arg)
{
	switch (arg) {
	case VFIO_TYPE1_IOMMU:
	case VFIO_TYPE1v2_IOMMU:
	case VFIO_TYPE1_NESTING_IOMMU:
	case VFIO_UNMAP_ALL:
		return 1;
	case VFIO_UPDATE_VADDR:
		/* mdevs cannot pin safely while a vaddr is being replaced */
		return t && !t->n_emulated_groups;
	case VFIO_DMA_CC_IOMMU:
		/* emulated VT-d has no snoop control: its domain cannot enforce it */
		return t && !t->n_domain_groups;
	}
	return 0;
}

/* The usable IOVA ranges once a domain with this aperture and MSI window joins. */
static int build_iova(struct vfsim *s, const struct t1_iommu *t, struct t1_range *out,
		      unsigned *n_out)
{
	uint64_t ap_last = s->p.aperture_bits == 64 ? UINT64_MAX :
			   (1ull << s->p.aperture_bits) - 1;
	unsigned n = 0;

	if (!t->n_iova) {
		out[n++] = (struct t1_range){ 0, ap_last };
	} else {
		for (unsigned i = 0; i < t->n_iova; i++) {
			struct t1_range r = t->iova[i];

			if (r.start > ap_last)
				continue;
			if (r.last > ap_last)
				r.last = ap_last;
			out[n++] = r;
		}
	}
	/* cut the MSI window out of every range it meets */
	for (unsigned i = 0; i < n; i++) {
		struct t1_range *r = &out[i];

		if (s->p.msi_last < r->start || s->p.msi_start > r->last)
			continue;
		if (s->p.msi_start > r->start && s->p.msi_last < r->last) {
			if (n == VFSIM_MAX_RANGES)
				return -ENOMEM;
			memmove(r + 2, r + 1, (n - i - 1) * sizeof(*r));
			r[1] = (struct t1_range){ s->p.msi_last + 1, r->last };
			r->last = s->p.msi_start - 1;
			n++;
			i++;
		} else if (s->p.msi_start <= r->start && s->p.msi_last >= r->last) {
			memmove(r, r + 1, (n - i - 1) * sizeof(*r));
			n--;
			i--;
		} else if (s->p.msi_start <= r->start) {
			r->start = s->p.msi_last + 1;
		} else {
			r->last = s->p.msi_start - 1;
		}
	}
	*n_out = n;
	return 0;
}

static bool aper_conflict(struct vfsim *s, struct t1_iommu *t)
{
	uint64_t ap_last = s->p.aperture_bits == 64 ? UINT64_MAX :
			   (1ull << s->p.aperture_bits) - 1;
	uint64_t first, last;

	if (!t->n_iova)
		return false;
	first = t->iova[0].start;
	last = t->iova[t->n_iova - 1].last;
	if (ap_last < first)
		return true;
	return ap_last < last && t1_find_dma(t, ap_last + 1, last - ap_last);
}

/* vfio_iommu_replay(): pin and map what was only recorded so far. */
static int replay(struct vfsim *s, struct t1_iommu *t)
{
	uint64_t ap_last = s->p.aperture_bits == 64 ? UINT64_MAX :
			   (1ull << s->p.aperture_bits) - 1;
	struct itree_node *n;
	int ret = 0;

	for (n = itree_min(&t->dmas); n; n = itree_next(n, 0, UINT64_MAX)) {
		struct t1_dma *d = container_of(n, struct t1_dma, node);

		if (d->iommu_mapped)
			continue;
		ret = t1_pin_dma(s, t, d);
		if (ret)
			break;
		/* VT-d's map refuses what lies past its address width */
		if (d->node.last > ap_last) {
			t1_unpin_dma(s, d);
			ret = -EFAULT;
			break;
		}
	}
	if (ret) {
		/* unwind: what this replay pinned goes back */
		for (struct itree_node *m = itree_min(&t->dmas); m != n;
		     m = itree_next(m, 0, UINT64_MAX))
			t1_unpin_dma(s, container_of(m, struct t1_dma, node));
		return ret;
	}
	for (n = itree_min(&t->dmas); n; n = itree_next(n, 0, UINT64_MAX))
		container_of(n, struct t1_dma, node)->iommu_mapped = true;
	return 0;
}

static int t1_attach_group(struct vfsim *s, void *data, unsigned g)
{
	struct t1_iommu *t = data;
	struct t1_range iova[VFSIM_MAX_RANGES];
	unsigned n_iova;
	int ret;

	if (t->vaddr_invalid_count)
		return -EBUSY;	/* attaching could need to pin */
	if (s->groups[g].type == GROUP_EMULATED) {
		t->n_emulated_groups++;
		return 0;
	}
	if (t->nesting)
		return -EINVAL;	/* VT-d has no enable_nesting */
	if (aper_conflict(s, t))
		return -EINVAL;
	if (t1_find_dma(t, s->p.msi_start, s->p.msi_last - s->p.msi_start + 1))
		return -EINVAL;	/* a mapping sits in the group's reserved region */
	ret = build_iova(s, t, iova, &n_iova);
	if (ret)
		return ret;
	/* groups of one IOMMU share the domain: only the first one replays */
	if (!t->n_domain_groups) {
		ret = replay(s, t);
		if (ret)
			return ret;
		t->pgsize_bitmap = s->p.iommu_pgsizes & ~(s->p.page_size - 1);
		if (s->p.iommu_pgsizes & (s->p.page_size - 1))
			t->pgsize_bitmap |= s->p.page_size;
	}
	memcpy(t->iova, iova, sizeof(iova));
	t->n_iova = n_iova;
	t->n_domain_groups++;
	return 0;
}

static void t1_detach_group(struct vfsim *s, void *data, unsigned g)
{
	struct t1_iommu *t = data;
	struct itree_node *n;

	if (s->groups[g].type == GROUP_EMULATED) {
		t->n_emulated_groups--;
		if (!t->n_domain_groups && !t->n_emulated_groups)
			while ((n = itree_min(&t->dmas)))
				t1_remove_dma(s, t, container_of(n, struct t1_dma, node));
		return;
	}
	/*
	 * A group that cannot report its dirty pages leaves: the scope may
	 * shrink, so vfio_iommu_populate_bitmap_full() marks everything dirty.
	 */
	if (t->dirty_tracking)
		for (n = itree_min(&t->dmas); n; n = itree_next(n, 0, UINT64_MAX)) {
			struct t1_dma *d = container_of(n, struct t1_dma, node);

			t1_bitmap_set(t, d, 0, d->size);
		}
	if (--t->n_domain_groups)
		return;
	if (!t->n_emulated_groups) {
		/* nobody left to use the mappings: they all go */
		while ((n = itree_min(&t->dmas)))
			t1_remove_dma(s, t, container_of(n, struct t1_dma, node));
	} else {
		/* mdevs stay: keep the mappings, give back the pins of the domain */
		for (n = itree_min(&t->dmas); n; n = itree_next(n, 0, UINT64_MAX)) {
			struct t1_dma *d = container_of(n, struct t1_dma, node);

			t1_unpin_dma(s, d);
			d->iommu_mapped = false;
			/* vfio_iommu_unmap_unpin_reaccount(): the driver's pins stay charged */
			s->procs[d->proc].locked_vm += t1_vpfn_pages(d);
			d->locked = t1_vpfn_pages(d);
		}
	}
	t->pgsize_bitmap = ~(s->p.page_size - 1);
	/*
	 * With no domain left, vfio_iommu_aper_expand() and
	 * vfio_iommu_resv_refresh() rebuild the list as the whole space:
	 * one range [0, 2^64 - 1], still reported in IOVA_RANGE (unlike a
	 * container that never had a domain, whose list is empty).
	 */
	if (t->n_iova) {
		t->iova[0] = (struct t1_range){ 0, UINT64_MAX };
		t->n_iova = 1;
	}
}

/* t is NULL for CHECK_EXTENSION before any open */
static long t1_ioctl(struct vfsim *s, void *data, unsigned long req, void *arg)
{
	struct t1_iommu *t = data;

	switch (req) {
	case VFIO_CHECK_EXTENSION:
		return t1_check_extension(t, (unsigned long)arg);
	case VFIO_IOMMU_GET_INFO:
		return t1_get_info(s, t, arg);
	case VFIO_IOMMU_MAP_DMA:
		return t1_map(s, t, arg);
	case VFIO_IOMMU_UNMAP_DMA:
		return t1_unmap(s, t, arg);
	case VFIO_IOMMU_DIRTY_PAGES:
		return t1_dirty(s, t, arg);
	}
	return -ENOTTY;
}

/*
 * vfio_iommu_type1_register_device(): only a device with a dma_unmap
 * callback is kept; do_unmap() tells those of a mapping with pins.
 */
static void t1_register_device(struct vfsim *s, void *data, struct vfsim_device *dev)
{
	struct t1_iommu *t = data;

	(void)s;
	if (!dev->ops || !dev->ops->dma_unmap)
		return;
	if (t->n_devices < sizeof(t->devices) / sizeof(t->devices[0]))
		t->devices[t->n_devices++] = dev;
}

static void t1_unregister_device(struct vfsim *s, void *data, struct vfsim_device *dev)
{
	struct t1_iommu *t = data;

	(void)s;
	for (unsigned i = 0; i < t->n_devices; i++) {
		if (t->devices[i] == dev) {
			t->devices[i] = t->devices[--t->n_devices];
			return;
		}
	}
}

static long t1_driver_pin_pages(struct vfsim *s, void *data, uint64_t iova, uint64_t npage,
				int prot)
{
	return t1_pin_pages(s, data, iova, npage, prot);
}

static void t1_driver_unpin_pages(struct vfsim *s, void *data, uint64_t iova, uint64_t npage)
{
	t1_unpin_pages(s, data, iova, npage);
}

static int t1_driver_dma_rw(struct vfsim *s, void *data, uint64_t iova, void *buf,
			    uint64_t count, bool write)
{
	return t1_dma_rw(s, data, iova, buf, count, write);
}

/*
 * The device's own DMA: every IOMMU group of the container is in the one
 * domain (all share one VT-d here); an emulated group is in none.
 */
static int t1_driver_iova_to_phys(struct vfsim *s, void *data, unsigned g, uint64_t iova,
				  struct vfsim_iopte *pte)
{
	struct t1_iommu *t = data;

	if (s->groups[g].type != GROUP_IOMMU || !t->n_domain_groups)
		return -ENODEV;
	return t1_iova_to_phys(t, iova, pte);
}

/* vfio_iommu_driver_ops_type1 */
const struct vfsim_iommu_driver_ops t1_driver_ops = {
	.name = "vfio-iommu-type1",
	.open = t1_open,
	.release = t1_release,
	.ioctl = t1_ioctl,
	.attach_group = t1_attach_group,
	.detach_group = t1_detach_group,
	.pin_pages = t1_driver_pin_pages,
	.unpin_pages = t1_driver_unpin_pages,
	.register_device = t1_register_device,
	.unregister_device = t1_unregister_device,
	.dma_rw = t1_driver_dma_rw,
	.iova_to_phys = t1_driver_iova_to_phys,
};

// SPDX-License-Identifier: GPL-2.0-only
/*
 * type1 IOMMU_GET_INFO with its capability chain (MIGRATION, DMA_AVAIL,
 * IOVA_RANGE) and IOMMU_DIRTY_PAGES. The argsz rules are the kernel's: the
 * fixed part is written up to min(argsz, sizeof(info)); the chain only when
 * all of it fits, else argsz says how much would.
 */
#include <string.h>
#include <linux/vfio.h>
#include <stdlib.h>
#include "vfsim_int.h"

#define CAPS_MAX	512

struct caps {
	uint8_t buf[CAPS_MAX];
	size_t size;
	size_t last;		/* offset of the last header, for its next */
};

/* vfio_info_cap_add(): 8-byte aligned, zeroed, linked from the previous one. */
static void *cap_add(struct caps *c, size_t size, uint16_t id, uint16_t version)
{
	struct vfio_info_cap_header *h;

	size = (size + 7) & ~(size_t)7;
	if (c->size + size > CAPS_MAX)
		return NULL;
	h = (void *)(c->buf + c->size);
	memset(h, 0, size);
	h->id = id;
	h->version = version;
	if (c->size)
		((struct vfio_info_cap_header *)(c->buf + c->last))->next = c->size;
	c->last = c->size;
	c->size += size;
	return h;
}

/* vfio_info_cap_shift(): the chain moves behind the fixed struct. */
static void cap_shift(struct caps *c, uint32_t offset)
{
	struct vfio_info_cap_header *h = (void *)c->buf;

	while (h->next) {
		uint32_t next = h->next;

		h->next += offset;
		h = (void *)(c->buf + next);
	}
}

static void build_caps(struct t1_iommu *t, struct caps *c)
{
	struct vfio_iommu_type1_info_cap_migration *mig;
	struct vfio_iommu_type1_info_dma_avail *avail;
	struct vfio_iommu_type1_info_cap_iova_range *iov;

	mig = cap_add(c, sizeof(*mig), VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION, 1);
	mig->flags = 0;
	mig->pgsize_bitmap = min_pgsize(t->pgsize_bitmap);	/* smallest page only */
	mig->max_dirty_bitmap_size = ((uint64_t)INT32_MAX + 63) / 64 * 8;
	avail = cap_add(c, sizeof(*avail), VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, 1);
	avail->avail = t->dma_avail;
	/* a container of mdevs only has no IOVA list, and no cap for it */
	if (!t->n_iova)
		return;
	iov = cap_add(c, sizeof(*iov) + t->n_iova * sizeof(struct vfio_iova_range),
		      VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, 1);
	iov->nr_iovas = t->n_iova;
	for (unsigned i = 0; i < t->n_iova; i++) {
		struct vfio_iova_range r = { t->iova[i].start, t->iova[i].last };

		memcpy((uint8_t *)(iov + 1) + i * sizeof(r), &r, sizeof(r));
	}
}

long t1_get_info(struct vfsim *s, struct t1_iommu *t, void *arg)
{
	struct vfio_iommu_type1_info info;
	size_t minsz = offsetof(struct vfio_iommu_type1_info, iova_pgsizes) +
		       sizeof(info.iova_pgsizes);
	struct caps c = { .size = 0 };

	(void)s;
	memset(&info, 0, sizeof(info));
	if (arg_in(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	minsz = info.argsz < sizeof(info) ? info.argsz : sizeof(info);
	info.flags = VFIO_IOMMU_INFO_PGSIZES;
	info.iova_pgsizes = t->pgsize_bitmap;
	build_caps(t, &c);
	if (c.size) {
		info.flags |= VFIO_IOMMU_INFO_CAPS;
		if (info.argsz < sizeof(info) + c.size) {
			info.argsz = sizeof(info) + c.size;
		} else {
			cap_shift(&c, sizeof(info));
			memcpy((uint8_t *)arg + sizeof(info), c.buf, c.size);
			info.cap_offset = sizeof(info);
		}
	}
	memcpy(arg, &info, minsz);
	return 0;
}

static long dirty_get_bitmap(struct vfsim *s, struct t1_iommu *t, void *arg,
			     const struct vfio_iommu_type1_dirty_bitmap *dirty, size_t minsz)
{
	struct vfio_iommu_type1_dirty_bitmap_get range;
	uint64_t pgsize;
	struct itree_node *n;
	struct t1_dma *d;
	long ret;

	if (dirty->argsz - minsz < sizeof(range))
		return -EINVAL;
	memcpy(&range, (uint8_t *)arg + minsz, sizeof(range));
	if (range.iova + range.size < range.iova)
		return -EINVAL;
	if ((uintptr_t)range.bitmap.data + range.bitmap.size < (uintptr_t)range.bitmap.data ||
	    (uintptr_t)range.bitmap.data + range.bitmap.size > 0x7ffffffff000ull)
		return -EINVAL;	/* access_ok() */
	ret = t1_verify_bitmap_size(range.size >> ffs64(range.bitmap.pgsize), range.bitmap.size);
	if (ret)
		return ret;
	pgsize = min_pgsize(t->pgsize_bitmap);
	/* only the smallest supported page size */
	if (range.bitmap.pgsize != pgsize || (range.iova & (pgsize - 1)) || !range.size ||
	    (range.size & (pgsize - 1)) || !t->dirty_tracking)
		return -EINVAL;
	/* the range must cover whole mappings */
	d = t1_find_dma(t, range.iova, 1);
	if (d && d->node.first != range.iova)
		return -EINVAL;
	d = t1_find_dma(t, range.iova + range.size - 1, 0);
	if (d && d->node.first + d->size != range.iova + range.size)
		return -EINVAL;
	for (n = itree_first(&t->dmas, range.iova, range.iova + range.size - 1); n;
	     n = itree_next(n, 0, range.iova + range.size - 1)) {
		if (n->first < range.iova)
			continue;
		struct t1_dma *dd = container_of(n, struct t1_dma, node);

		ret = t1_update_user_bitmap((uintptr_t)range.bitmap.data, t, dd, range.iova,
					    pgsize);
		if (ret)
			return ret;
		t1_bitmap_repopulate(t, dd);
	}
	(void)s;
	return 0;
}

long t1_dirty(struct vfsim *s, struct t1_iommu *t, void *arg)
{
	struct vfio_iommu_type1_dirty_bitmap dirty;
	size_t minsz = offsetof(struct vfio_iommu_type1_dirty_bitmap, flags) + sizeof(dirty.flags);
	uint32_t mask = VFIO_IOMMU_DIRTY_PAGES_FLAG_START | VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP |
			VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP;
	int ret;

	if (!t->v2)
		return -EACCES;
	if (arg_in(&dirty, arg, minsz))
		return -EFAULT;
	if (dirty.argsz < minsz || (dirty.flags & ~mask))
		return -EINVAL;
	/* only one flag at a time */
	if (dirty.flags & (dirty.flags - 1))
		return -EINVAL;
	if (dirty.flags & VFIO_IOMMU_DIRTY_PAGES_FLAG_START) {
		if (t->dirty_tracking)
			return 0;
		/* vfio_dma_bitmap_alloc_all(): every mapping gets its bitmap */
		for (struct itree_node *n = itree_min(&t->dmas); n; n = itree_next(n, 0, UINT64_MAX)) {
			ret = t1_bitmap_alloc(t, container_of(n, struct t1_dma, node));
			if (ret)
				return ret;
		}
		t->dirty_tracking = true;
		return 0;
	}
	if (dirty.flags & VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP) {
		/* the bitmaps go: what the driver wrote is forgotten */
		for (struct itree_node *n = itree_min(&t->dmas); n; n = itree_next(n, 0, UINT64_MAX)) {
			struct t1_dma *d = container_of(n, struct t1_dma, node);

			t1_bitmap_free(d);
		}
		t->dirty_tracking = false;
		return 0;
	}
	if (dirty.flags & VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP)
		return dirty_get_bitmap(s, t, arg, &dirty, minsz);
	return -EINVAL;
}

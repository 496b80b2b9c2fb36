// SPDX-License-Identifier: GPL-2.0-only
/*
 * type1 MAP_DMA and UNMAP_DMA (vfio_dma_do_map, vfio_dma_do_unmap), the
 * VADDR invalidate/update dance, and pinning with locked_vm accounting.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include "vfsim_int.h"

/*
 * vfio_pin_map_dma() / the pinning half of replay: pages are pinned in order,
 * each one charged to the mapping task's locked_vm unless it is a PFNMAP
 * page; without CAP_IPC_LOCK the charge may not pass RLIMIT_MEMLOCK. The
 * first page that fails decides: ENOMEM at the limit, EFAULT where nothing
 * can be pinned.
 */
int t1_pin_dma(struct vfsim *s, struct t1_iommu *t, struct t1_dma *d)
{
	struct vfsim_proc *p = &s->procs[d->proc];
	uint64_t npages = d->size / s->p.page_size;
	uint64_t limit = vfsim_rlimit_pages(s, s->cur);
	struct pin_result r = vfsim_pin_walk(s, d->proc, d->vaddr, npages,
					     d->prot & VFIO_DMA_MAP_FLAG_WRITE, true);

	(void)t;
	/* counted pages all come before the bad one, so the limit is hit first */
	if (!d->lock_cap && p->locked_vm + r.counted > limit)
		return -ENOMEM;
	if (r.err)
		return -r.err;
	p->locked_vm += r.counted;
	d->locked = r.counted;
	return 0;
}

void t1_unpin_dma(struct vfsim *s, struct t1_dma *d)
{
	s->procs[d->proc].locked_vm -= d->locked;
	d->locked = 0;
}

void t1_remove_dma(struct vfsim *s, struct t1_iommu *t, struct t1_dma *d)
{
	t1_unpin_dma(s, d);
	if (d->vaddr_invalid)
		t->vaddr_invalid_count--;
	itree_remove(&t->dmas, &d->node);
	t->dma_avail++;
	free(d);
}

static long do_map(struct vfsim *s, struct t1_iommu *t, const struct vfio_iommu_type1_dma_map *m)
{
	uint64_t iova = m->iova, vaddr = m->vaddr, size = m->size, pgsize;
	bool set_vaddr = m->flags & VFIO_DMA_MAP_FLAG_VADDR;
	int prot = m->flags & (VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);
	struct t1_dma *d;
	int ret;

	if ((prot && set_vaddr) || (!prot && !set_vaddr))
		return -EINVAL;
	pgsize = min_pgsize(t->pgsize_bitmap);
	if (!size || ((size | iova | vaddr) & (pgsize - 1)))
		return -EINVAL;
	/* no IOVA or virtual address wrap */
	if (iova + size - 1 < iova || vaddr + size - 1 < vaddr)
		return -EINVAL;
	d = t1_find_dma(t, iova, size);
	if (set_vaddr) {
		if (!d)
			return -ENOENT;
		if (!d->vaddr_invalid || d->node.first != iova || d->size != size)
			return -EINVAL;
		d->vaddr = vaddr;
		d->vaddr_invalid = false;
		t->vaddr_invalid_count--;
		return 0;
	}
	if (d)
		return -EEXIST;
	if (!t->dma_avail)
		return -ENOSPC;
	if (!t1_iova_valid(t, iova, iova + size - 1))
		return -EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->node.first = iova;
	d->node.last = iova + size - 1;
	d->vaddr = vaddr;
	d->size = size;
	d->prot = prot;
	d->proc = s->cur;
	d->lock_cap = cur_proc(s)->cap_ipc_lock;
	itree_insert_unchecked(&t->dmas, &d->node);	/* t1_find_dma() said it is free */
	t->dma_avail--;
	/* without an IOMMU domain (mdev only) nothing is pinned until a device asks */
	if (t->n_domain_groups) {
		ret = t1_pin_dma(s, t, d);
		if (ret) {
			t1_remove_dma(s, t, d);
			return ret;
		}
		d->iommu_mapped = true;
	}
	/*
	 * vfio_dma_bitmap_alloc() while dirty tracking: at most INT_MAX pages
	 * (found by vfconform fuzz: DIRTY_PAGES START, then a 2^63 byte map).
	 */
	if (t->dirty_tracking && size / min_pgsize(t->pgsize_bitmap) > INT32_MAX) {
		t1_remove_dma(s, t, d);
		return -EINVAL;
	}
	return 0;
}

long t1_map(struct vfsim *s, struct t1_iommu *t, void *arg)
{
	struct vfio_iommu_type1_dma_map m;
	size_t minsz = offsetof(struct vfio_iommu_type1_dma_map, size) + sizeof(m.size);
	uint32_t mask = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE | VFIO_DMA_MAP_FLAG_VADDR;

	if (arg_in(&m, arg, minsz))
		return -EFAULT;
	if (m.argsz < minsz || (m.flags & ~mask))
		return -EINVAL;
	return do_map(s, t, &m);
}

/* vfio_find_dma_first_node(): the lowest mapping that ends after start. */
static struct itree_node *first_node(struct t1_iommu *t, uint64_t start, uint64_t size)
{
	struct itree_node *n = RB_ROOT(&t->dmas.root), *res = NULL;

	while (n) {
		struct t1_dma *d = container_of(n, struct t1_dma, node);

		if (start < n->first + d->size) {
			res = n;
			if (start >= n->first)
				break;
			n = RB_LEFT(n, rb);
		} else {
			n = RB_RIGHT(n, rb);
		}
	}
	if (res && size && res->first >= start + size)
		res = NULL;
	return res;
}

/*
 * update_user_bitmap(): one mapping's dirty bits at their offset from base.
 * Whole u64 words are written; the bits of the first word below the mapping
 * are kept from what the user buffer held, the rest of the last word is 0.
 */
int t1_update_user_bitmap(uint64_t bitmap, const struct t1_iommu *t, const struct t1_dma *d,
			  uint64_t base, uint64_t pgsize)
{
	uint64_t pgshift = ffs64(pgsize), nbits = d->size >> pgshift;
	uint64_t bit_offset = (d->node.first - base) >> pgshift;
	uint64_t word = bit_offset / 64, shift = bit_offset % 64, leftover = 0;
	uint64_t nwords = (nbits + shift + 63) / 64, *buf;
	/* no device here can report dirty pages: every IOMMU-mapped page is dirty */
	bool all = t->n_domain_groups && d->iommu_mapped;
	int ret;

	buf = calloc(nwords ? nwords : 1, sizeof(*buf));
	if (!buf)
		return -ENOMEM;
	for (uint64_t b = shift; all && b < shift + nbits; b++)
		buf[b / 64] |= 1ull << (b % 64);
	if (shift) {
		ret = vfsim_copy_from_user(&leftover, bitmap + word * 8, sizeof(leftover));
		if (ret) {
			free(buf);
			return ret;
		}
		buf[0] |= leftover & ((1ull << shift) - 1);
	}
	ret = vfsim_copy_to_user(bitmap + word * 8, buf, nwords * 8);
	free(buf);
	return ret;
}

static long do_unmap(struct vfsim *s, struct t1_iommu *t, struct vfio_iommu_type1_dma_unmap *u,
		     const struct vfio_bitmap *bitmap)
{
	uint64_t iova = u->iova, size = u->size, unmapped = 0, pgsize;
	bool all = u->flags & VFIO_DMA_UNMAP_FLAG_ALL;
	bool invalidate = u->flags & VFIO_DMA_UNMAP_FLAG_VADDR;
	struct itree_node *n, *first_n;
	struct t1_dma *d;
	long ret = -EINVAL;

	if (invalidate && t->n_emulated_groups) {
		ret = -EBUSY;
		goto out;
	}
	pgsize = min_pgsize(t->pgsize_bitmap);
	if (iova & (pgsize - 1))
		goto out;
	if (all) {
		if (iova || size)
			goto out;
		size = UINT64_MAX;
	} else if (!size || (size & (pgsize - 1)) || iova + size - 1 < iova) {
		goto out;
	}
	if ((u->flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP) &&
	    (!t->dirty_tracking || bitmap->pgsize != pgsize))
		goto out;
	n = first_n = first_node(t, iova, size);
	/* v2: no unmap may bisect a mapping */
	if (t->v2 && !all) {
		d = n ? container_of(n, struct t1_dma, node) : NULL;
		/*
		 * Unmapping exactly one mapping passes both checks; skip their
		 * two lookups, the common case of a big container.
		 */
		if (!d || d->node.first != iova || d->node.first + d->size != iova + size) {
			d = t1_find_dma(t, iova, 1);
			if (d && d->node.first != iova)
				goto out;
			d = t1_find_dma(t, iova + size - 1, 0);
			if (d && d->node.first + d->size != iova + size)
				goto out;
		}
	}
	ret = 0;
	while (n) {
		d = container_of(n, struct t1_dma, node);
		if (n->first >= iova + size)
			break;
		/* v1 unmaps whole mappings that start inside the range */
		if (!t->v2 && iova > n->first)
			break;
		if (invalidate) {
			if (d->vaddr_invalid) {
				/* undo what this call invalidated so far */
				for (struct itree_node *m = first_n; m != n;
				     m = itree_next(m, 0, UINT64_MAX)) {
					container_of(m, struct t1_dma, node)->vaddr_invalid = false;
					t->vaddr_invalid_count--;
				}
				ret = -EINVAL;
				unmapped = 0;
				break;
			}
			d->vaddr_invalid = true;
			t->vaddr_invalid_count++;
			unmapped += d->size;
			n = itree_next(n, 0, UINT64_MAX);
			continue;
		}
		if (u->flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP) {
			ret = t1_update_user_bitmap((uintptr_t)bitmap->data, t, d, iova, pgsize);
			if (ret)
				break;
		}
		unmapped += d->size;
		n = itree_next(n, 0, UINT64_MAX);
		t1_remove_dma(s, t, d);
	}
out:
	u->size = unmapped;
	return ret;
}

/* verify_bitmap_size(): DIRTY_BITMAP_BYTES of npages, at most INT_MAX pages. */
int t1_verify_bitmap_size(uint64_t npages, uint64_t bitmap_size)
{
	uint64_t max = ((uint64_t)INT32_MAX + 63) / 64 * 8;

	if (!npages || !bitmap_size || bitmap_size > max ||
	    bitmap_size < (npages + 63) / 64 * 8)
		return -EINVAL;
	return 0;
}

long t1_unmap(struct vfsim *s, struct t1_iommu *t, void *arg)
{
	struct vfio_iommu_type1_dma_unmap u;
	struct vfio_bitmap bitmap = { 0 };
	size_t minsz = offsetof(struct vfio_iommu_type1_dma_unmap, size) + sizeof(u.size);
	uint32_t mask = VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP | VFIO_DMA_UNMAP_FLAG_ALL |
			VFIO_DMA_UNMAP_FLAG_VADDR;
	long ret;

	if (arg_in(&u, arg, minsz))
		return -EFAULT;
	if (u.argsz < minsz || (u.flags & ~mask))
		return -EINVAL;
	if ((u.flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP) &&
	    (u.flags & (VFIO_DMA_UNMAP_FLAG_ALL | VFIO_DMA_UNMAP_FLAG_VADDR)))
		return -EINVAL;
	if (u.flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP) {
		if (u.argsz < minsz + sizeof(bitmap))
			return -EINVAL;
		memcpy(&bitmap, (uint8_t *)arg + minsz, sizeof(bitmap));
		/* access_ok(): the bitmap must lie in the user half */
		if ((uintptr_t)bitmap.data + bitmap.size < (uintptr_t)bitmap.data ||
		    (uintptr_t)bitmap.data + bitmap.size > 0x7ffffffff000ull)
			return -EINVAL;
		ret = t1_verify_bitmap_size(u.size >> ffs64(bitmap.pgsize), bitmap.size);
		if (ret)
			return ret;
	}
	ret = do_unmap(s, t, &u, &bitmap);
	if (ret)
		return ret;
	memcpy(arg, &u, minsz);
	return 0;
}

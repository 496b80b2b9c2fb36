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
 * each one charged unless it is a PFNMAP page; without CAP_IPC_LOCK the
 * charge may not pass RLIMIT_MEMLOCK. The first page that fails decides:
 * ENOMEM at the limit, EFAULT where nothing can be pinned. As in
 * vfio_pin_pages_remote(), the pages are looked up in the *calling*
 * process and its locked_vm meets the limit, while the charge goes to the
 * mapping's own mm: the same process for MAP_DMA, maybe another for a
 * replay started by a later GROUP_SET_CONTAINER.
 */
int t1_pin_dma(struct vfsim *s, struct t1_iommu *t, struct t1_dma *d)
{
	struct vfsim_proc *cur = cur_proc(s);
	uint64_t npages = d->size / s->p.page_size;
	uint64_t limit = vfsim_rlimit_pages(s, s->cur);
	struct pin_result r = vfsim_pin_walk(s, s->cur, d->vaddr, npages,
					     d->prot & VFIO_DMA_MAP_FLAG_WRITE, true);

	uint64_t charge;

	(void)t;
	/* pages a vendor driver pinned are charged already (vfio_find_vpfn()) */
	charge = r.counted > t1_vpfn_pages(d) ? r.counted - t1_vpfn_pages(d) : 0;
	/*
	 * counted pages all come before the bad one, so the limit is hit first;
	 * but the check is made per pinned page: with none to charge it never
	 * runs, and a fault at the first page is EFAULT even above the limit
	 */
	if (!d->lock_cap && charge && cur->locked_vm + charge > limit)
		return -ENOMEM;
	if (r.err)
		return -r.err;
	s->procs[d->proc].locked_vm += charge;
	d->locked += charge;
	d->pin_vaddr = d->vaddr;
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
	if (!t->top_mapped)
		u64map_del(&t->by_iova, d->node.first);
	free(d->vpfn);
	t1_bitmap_free(d);
	d->vpfn = NULL;
	d->n_vpfn = d->cap_vpfn = 0;
	t->dma_avail++;
	pool_put(&t->dma_pool, d);
}

/*
 * vfio_change_dma_owner(): a VADDR update from another process (QEMU's live
 * update execs a new one) moves the mapping's locked pages to the caller's
 * mm, under the caller's RLIMIT_MEMLOCK unless it has CAP_IPC_LOCK.
 */
static int change_owner(struct vfsim *s, struct t1_dma *d)
{
	struct vfsim_proc *cur = cur_proc(s);

	if (d->proc == s->cur)
		return 0;
	if (!cur->cap_ipc_lock && cur->locked_vm + d->locked > vfsim_rlimit_pages(s, s->cur))
		return -ENOMEM;
	cur->locked_vm += d->locked;
	if (!s->procs[d->proc].dead)
		s->procs[d->proc].locked_vm -= d->locked;
	d->proc = s->cur;
	d->lock_cap = cur->cap_ipc_lock;
	return 0;
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
		ret = change_owner(s, d);
		if (ret)
			return ret;
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
	d = pool_get(&t->dma_pool);
	if (!d)
		return -ENOMEM;
	d->node.first = iova;
	d->node.last = iova + size - 1;
	d->vaddr = vaddr;
	d->size = size;
	d->prot = prot;
	d->proc = s->cur;
	d->lock_cap = cur_proc(s)->cap_ipc_lock;
	if (iova + size == 0) {
		/* vfio_find_dma() cannot see a mapping that ends at 2^64 */
		t->top_mapped = true;
		u64map_free(&t->by_iova);
	} else if (!t->top_mapped && !u64map_put(&t->by_iova, iova, d)) {
		pool_put(&t->dma_pool, d);
		return -ENOMEM;
	}
	itree_insert_vfio(&t->dmas, &d->node);
	t->dma_avail--;
	if (t->dirty_tracking) {
		ret = t1_bitmap_alloc(t, d);
		if (ret) {
			t1_remove_dma(s, t, d);
			return ret;
		}
	}
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

/*
 * vfio_notify_dma_unmap(): every registered device with a dma_unmap callback
 * is told, and is expected to unpin what it pinned in the mapping.
 */
static void notify_dma_unmap(struct vfsim *s, struct t1_iommu *t, const struct t1_dma *d)
{
	for (unsigned i = 0; i < t->n_devices; i++)
		t->devices[i]->ops->dma_unmap(s, t->devices[i], d->node.first, d->size);
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
	/*
	 * Unmapping exactly one mapping is what a big container mostly does:
	 * find it by its start instead of walking the tree. It is the lowest
	 * mapping ending after iova, i.e. what first_node() would return.
	 */
	d = all || t->top_mapped ? NULL : u64map_get(&t->by_iova, iova);
	if (d && d->size == size && iova + size > iova)
		n = first_n = &d->node;
	else
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
		/* vfio_notify_dma_unmap(): the vendor driver lets go of its pins first */
		if (d->n_vpfn)
			notify_dma_unmap(s, t, d);
		unmapped += d->size;
		/* a mapping reaching the range's end is the last one in it */
		n = n->last >= iova + size - 1 && !t->top_mapped ? NULL :
		    itree_next(n, 0, UINT64_MAX);
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

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vendor-driver side of a type1 container: vfio_iommu_type1_pin_pages(),
 * unpin_pages() and dma_rw(). An mdev has no IOMMU domain, so its pages are
 * pinned one by one when the driver asks, kept in the mapping's pfn list
 * with a count, and charged to the mapping's mm only while no domain has
 * already pinned (and charged) the whole mapping.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include "vfsim_int.h"

static struct t1_vpfn *vpfn_find(struct t1_dma *d, uint64_t iova)
{
	for (unsigned i = 0; i < d->n_vpfn; i++)
		if (d->vpfn[i].iova == iova)
			return &d->vpfn[i];
	return NULL;
}

static int vpfn_add(struct t1_dma *d, uint64_t iova)
{
	if (d->n_vpfn == d->cap_vpfn) {
		unsigned cap = d->cap_vpfn ? d->cap_vpfn * 2 : 8;
		struct t1_vpfn *v = realloc(d->vpfn, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		d->vpfn = v;
		d->cap_vpfn = cap;
	}
	d->vpfn[d->n_vpfn++] = (struct t1_vpfn){ iova, 1 };
	return 0;
}

uint64_t t1_vpfn_pages(const struct t1_dma *d)
{
	return d->n_vpfn;
}

/*
 * vfio_lock_acct(): the mapping's mm pays, under its task's RLIMIT_MEMLOCK
 * unless the mapping was made with CAP_IPC_LOCK.
 */
static int lock_acct(struct vfsim *s, struct t1_dma *d, long npage)
{
	struct vfsim_proc *p = &s->procs[d->proc];

	if (npage > 0 && !d->lock_cap &&
	    p->locked_vm + (uint64_t)npage > vfsim_rlimit_pages(s, d->proc))
		return -ENOMEM;
	if (p->dead)
		return -ESRCH;	/* mmget_not_zero() fails: nothing to give back to */
	p->locked_vm += npage;
	d->locked += npage;
	return 0;
}

static void unpin_external(struct vfsim *s, struct t1_dma *d, uint64_t iova, bool acct)
{
	struct t1_vpfn *v = vpfn_find(d, iova);

	if (!v || --v->refs)
		return;
	*v = d->vpfn[--d->n_vpfn];
	if (acct)
		lock_acct(s, d, -1);
}

long t1_pin_pages(struct vfsim *s, struct t1_iommu *t, uint64_t iova, uint64_t npage, int prot)
{
	/* with a domain everything is pinned and charged already */
	bool acct = !t->n_domain_groups;
	uint64_t i, pg = s->p.page_size;
	long ret = 0;

	if (!t->v2)
		return -EACCES;
	if (t->vaddr_invalid_count)
		return -EBUSY;
	for (i = 0; i < npage; i++) {
		uint64_t at = iova + pg * i;
		struct t1_dma *d = t1_find_dma(t, at, pg);
		struct t1_vpfn *v;
		struct pin_result r;

		if (!d) {
			ret = -EINVAL;
			break;
		}
		if ((d->prot & prot) != prot) {
			ret = -EPERM;
			break;
		}
		v = vpfn_find(d, at);
		if (v) {
			v->refs++;
			continue;
		}
		if (s->procs[d->proc].dead) {
			ret = -ENODEV;
			break;
		}
		r = vfsim_pin_walk(s, d->proc, d->vaddr + (at - d->node.first), 1,
				   d->prot & VFIO_DMA_MAP_FLAG_WRITE, true);
		if (r.err) {
			ret = -r.err;
			break;
		}
		if (acct && r.counted) {
			ret = lock_acct(s, d, 1);
			if (ret)
				break;
		}
		/* a PFNMAP page has no struct page to hand out */
		if (!r.counted) {
			ret = -EINVAL;
			break;
		}
		ret = vpfn_add(d, at);
		if (ret) {
			if (acct)
				lock_acct(s, d, -1);
			break;
		}
		/* a pinned page is dirty for as long as it stays pinned */
		t1_bitmap_set(t, d, at - d->node.first, pg);
	}
	if (!ret)
		return (long)npage;
	while (i--) {
		uint64_t at = iova + pg * i;

		unpin_external(s, t1_find_dma(t, at, pg), at, acct);
	}
	return ret;
}

void t1_unpin_pages(struct vfsim *s, struct t1_iommu *t, uint64_t iova, uint64_t npage)
{
	bool acct = !t->n_domain_groups;
	uint64_t pg = s->p.page_size;

	if (!t->v2)
		return;
	for (uint64_t i = 0; i < npage; i++) {
		struct t1_dma *d = t1_find_dma(t, iova + pg * i, pg);

		if (!d)
			break;
		unpin_external(s, d, iova + pg * i, acct);
	}
}

/*
 * vfio_iommu_type1_dma_rw(): the copy happens in the mapping's mm, which
 * must be the caller's (the driver runs in the process's ioctl, not a
 * kthread); a mapping of another process reads as EFAULT.
 */
int t1_dma_rw(struct vfsim *s, struct t1_iommu *t, uint64_t iova, void *data, uint64_t count,
	      bool write)
{
	uint8_t *buf = data;

	if (t->vaddr_invalid_count)
		return -EBUSY;
	while (count) {
		struct t1_dma *d = t1_find_dma(t, iova, 1);
		uint64_t offset, n, vaddr;
		struct pin_result r;
		int ret;

		if (!d)
			return -EINVAL;
		if ((write && !(d->prot & VFIO_DMA_MAP_FLAG_WRITE)) ||
		    !(d->prot & VFIO_DMA_MAP_FLAG_READ))
			return -EPERM;
		if (s->procs[d->proc].dead)
			return -EPERM;
		if (d->proc != s->cur)
			return -EFAULT;
		offset = iova - d->node.first;
		n = count < d->size - offset ? count : d->size - offset;
		vaddr = d->vaddr + offset;
		r = vfsim_pin_walk(s, d->proc, vaddr & ~(s->p.page_size - 1),
				   ((vaddr & (s->p.page_size - 1)) + n + s->p.page_size - 1) /
				   s->p.page_size, write, true);
		if (r.err)
			return -EFAULT;
		ret = write ? vfsim_copy_to_user(vaddr, buf, n) : vfsim_copy_from_user(buf, vaddr, n);
		if (ret)
			return -EFAULT;
		if (write)
			t1_bitmap_set(t, d, offset, n);
		count -= n;
		buf += n;
		iova += n;
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * An io_pagetable (iommufd io_pagetable.c and pages.c): areas over pinned
 * user pages, reserved IOVA regions, the IOMMU domain that areas are filled
 * into, and iommufd's accounting. Pages are pinned only while a domain needs
 * them; pinned_vm (VmPin) is always charged, the user's locked_vm only for
 * a mapper without CAP_IPC_LOCK.
 */
#include <stdlib.h>
#include <string.h>
#include "vfsim_int.h"

#define PROT_READ_BIT	1	/* IOMMU_READ */
#define PROT_WRITE_BIT	2	/* IOMMU_WRITE */

void iopt_init(struct ioas *io, uint32_t id)
{
	memset(io, 0, sizeof(*io));
	io->used = true;
	io->id = id;
	itree_init(&io->areas);
	u64map_init(&io->by_iova);
	pool_init(&io->area_pool, sizeof(struct iopt_area));
	pool_init(&io->pages_pool, sizeof(struct iopt_pages));
	io->iova_alignment = 1;
}

uint64_t iopt_pagesizes(const struct ioas *io)
{
	uint64_t bm = io->n_domains ? io->domain_pgsizes : UINT64_MAX;

	/* as vfio_update_pgsize_bitmap(): below PAGE_SIZE means PAGE_SIZE */
	if (bm & 0xfff) {
		bm &= ~0xfffull;
		bm |= 0x1000;
	}
	return bm > io->iova_alignment ? bm : io->iova_alignment;
}

/* iommu_iova_to_phys() on the IOAS's domain: what a filled area put there. */
int iopt_iova_to_phys(struct ioas *io, uint64_t iova, struct vfsim_iopte *pte)
{
	struct itree_node *n = itree_find(&io->areas, iova);
	struct iopt_area *a;

	if (!n)
		return -ENOENT;
	a = container_of(n, struct iopt_area, node);
	if (!a->filled)
		return -ENOENT;
	pte->vaddr = a->pages->uptr + a->start_byte + (iova - n->first);
	pte->prot = a->prot;
	return 0;
}

static uint64_t area_pg_first(struct vfsim *s, const struct iopt_area *a)
{
	return a->start_byte / s->p.page_size;
}

static uint64_t area_pg_last(struct vfsim *s, const struct iopt_area *a)
{
	return (a->start_byte + (a->node.last - a->node.first)) / s->p.page_size;
}

/* Pages of [pg_first, pg_last] of pages no other filled area of io still uses. */
static uint64_t pages_alone(struct vfsim *s, struct ioas *io, struct iopt_area *self,
			    uint64_t pg_first, uint64_t pg_last)
{
	uint64_t n = pg_last - pg_first + 1;
	struct itree_node *it;

	/* only a cut or an access shares pages; the common case needs no scan */
	if (self->pages->refs == 1 && !self->pages->n_acc)
		return n;
	if (self->pages->n_acc && self->pages->refs == 1)
		return n - u64map_count_in(&self->pages->acc, pg_first, pg_last);
	if (self->pages->n_acc) {
		n = 0;
		for (uint64_t i = pg_first; i <= pg_last; i++)
			n += !iopt_page_pinned(s, io, self, i);
		return n;
	}
	for (it = itree_min(&io->areas); it; it = itree_next(it, 0, UINT64_MAX)) {
		struct iopt_area *o = container_of(it, struct iopt_area, node);
		uint64_t f, l;

		if (o == self || o->pages != self->pages || !o->filled)
			continue;
		f = area_pg_first(s, o) > pg_first ? area_pg_first(s, o) : pg_first;
		l = area_pg_last(s, o) < pg_last ? area_pg_last(s, o) : pg_last;
		if (f <= l)
			n -= l - f + 1;
	}
	return n;
}

/*
 * Is page index of self's pages held by something other than self: another
 * filled area (after a cut) or an access pin? Then it is charged already.
 */
bool iopt_page_pinned(struct vfsim *s, struct ioas *io, struct iopt_area *self, uint64_t index)
{
	struct iopt_pages *pg = self->pages;
	struct itree_node *it;

	if (u64map_get(&pg->acc, index))
		return true;
	if (pg->refs == 1)
		return false;
	for (it = itree_min(&io->areas); it; it = itree_next(it, 0, UINT64_MAX)) {
		struct iopt_area *o = container_of(it, struct iopt_area, node);

		if (o != self && o->pages == pg && o->filled && area_pg_first(s, o) <= index &&
		    index <= area_pg_last(s, o))
			return true;
	}
	return false;
}

/* do_update_pinned(): charge or give back npages. */
int iopt_update_pinned(struct vfsim *s, struct iopt_pages *pg, uint64_t npages, bool inc)
{
	struct vfsim_user *u = vfsim_user_get(s, pg->uid);

	if (pg->account == ACCOUNT_USER) {
		if (inc) {
			uint64_t limit = vfsim_rlimit_pages(s, pg->proc);

			if (!u || u->locked_vm + npages > limit)
				return -ENOMEM;
			u->locked_vm += npages;
		} else if (u) {
			u->locked_vm -= npages;
		}
	}
	if (inc) {
		s->procs[pg->proc].pinned_vm += npages;
		pg->npinned += npages;
	} else {
		s->procs[pg->proc].pinned_vm -= npages;
		pg->npinned -= npages;
	}
	return 0;
}

/* Pin an area's pages and map them into the domain (iopt_area_fill_domain). */
static int area_fill(struct vfsim *s, struct ioas *io, struct iopt_area *a)
{
	struct iopt_pages *pg = a->pages;
	uint64_t first = area_pg_first(s, a), last = area_pg_last(s, a), n;
	struct pin_result r;
	int ret;

	if (s->procs[pg->proc].dead)
		return -EFAULT;		/* the source mm is gone: nothing to pin from */
	r = vfsim_pin_walk(s, pg->proc, pg->uptr + first * s->p.page_size, last - first + 1,
			   pg->writable, false);
	if (r.err)
		return -r.err;
	/*
	 * The IOMMU refuses a mapping with neither read nor write, and the kernel
	 * maps each batch (batch_to_domain) before it charges the pins
	 * (pfn_reader_update_pinned): so EINVAL wins over an exhausted RLIMIT_MEMLOCK.
	 */
	if (!(a->prot & (PROT_READ_BIT | PROT_WRITE_BIT)))
		return -EINVAL;
	n = pages_alone(s, io, a, first, last);
	ret = iopt_update_pinned(s, pg, n, true);
	if (ret)
		return ret;
	a->filled = true;
	return 0;
}

static void area_unfill(struct vfsim *s, struct ioas *io, struct iopt_area *a)
{
	if (!a->filled)
		return;
	a->filled = false;
	iopt_update_pinned(s, a->pages, pages_alone(s, io, a, area_pg_first(s, a),
					       area_pg_last(s, a)), false);
}

static void area_free(struct vfsim *s, struct ioas *io, struct iopt_area *a)
{
	area_unfill(s, io, a);
	itree_remove(&io->areas, &a->node);
	u64map_del(&io->by_iova, a->node.first);
	if (--a->pages->refs == 0) {
		u64map_free(&a->pages->acc);
		a->pages->n_acc = 0;
		pool_put(&io->pages_pool, a->pages);
	}
	pool_put(&io->area_pool, a);
}

void iopt_destroy(struct vfsim *s, struct ioas *io)
{
	struct itree_node *n;

	while ((n = itree_min(&io->areas)))
		area_free(s, io, container_of(n, struct iopt_area, node));
	u64map_free(&io->by_iova);
	pool_destroy(&io->area_pool);
	pool_destroy(&io->pages_pool);
	io->used = false;
}

static bool resv_meets(const struct ioas *io, uint64_t first, uint64_t last)
{
	for (unsigned i = 0; i < io->n_resv; i++)
		if (io->resv[i].start <= last && io->resv[i].last >= first)
			return true;
	return false;
}

int iopt_map_user(struct vfsim *s, struct ioas *io, uint64_t iova, uint64_t uptr,
		  uint64_t length, int prot)
{
	uint64_t pgsz = s->p.page_size, end, last, align = io->iova_alignment;
	struct iopt_pages *pg;
	struct iopt_area *a;
	int ret;

	/* iopt_alloc_pages() */
	if (length > UINT64_MAX - pgsz || !length)
		return -EINVAL;
	if (__builtin_add_overflow(uptr, length, &end))
		return -EOVERFLOW;
	/* iopt_alloc_area_pages() and iopt_check_iova() */
	if (length & (align - 1))
		return -EINVAL;
	if (iova & (align - 1))
		return -EINVAL;
	if (__builtin_add_overflow(iova, length - 1, &last))
		return -EOVERFLOW;
	if (resv_meets(io, iova, last))
		return -EINVAL;
	if (itree_first(&io->areas, iova, last))
		return -EEXIST;
	/* iopt_insert_area(): the offset into the first page must be aligned too */
	if ((uptr % pgsz) & (align - 1))
		return -EINVAL;
	pg = pool_get(&io->pages_pool);
	a = pool_get(&io->area_pool);
	if (!pg || !a) {
		if (pg)
			pool_put(&io->pages_pool, pg);
		if (a)
			pool_put(&io->area_pool, a);
		return -ENOMEM;
	}
	pg->uptr = uptr & ~(pgsz - 1);
	pg->npages = (length + (uptr - pg->uptr) + pgsz - 1) / pgsz;
	pg->writable = prot & PROT_WRITE_BIT;
	pg->proc = s->cur;
	pg->uid = cur_proc(s)->uid;
	pg->account = cur_proc(s)->cap_ipc_lock ? ACCOUNT_NONE : ACCOUNT_USER;
	pg->refs = 1;
	a->pages = pg;
	a->start_byte = uptr - pg->uptr;
	a->prot = prot;
	a->node.first = iova;
	a->node.last = last;
	if (!u64map_put(&io->by_iova, iova, a)) {
		pool_put(&io->pages_pool, pg);
		pool_put(&io->area_pool, a);
		return -ENOMEM;
	}
	itree_insert_unchecked(&io->areas, &a->node);	/* iopt_check_iova() found it free */
	if (io->n_domains) {
		ret = area_fill(s, io, a);
		if (ret) {
			area_free(s, io, a);
			return ret;
		}
	}
	return 0;
}

/* iommufd_access_notify_unmap(): each access's owner is asked to unpin [iova, +length). */
static void notify_unmap(struct vfsim *s, struct ioas *io, uint64_t iova, uint64_t length)
{
	for (unsigned i = 0; i < io->n_access; i++)
		if (io->access[i].ops->unmap)
			io->access[i].ops->unmap(s, io->access[i].data, iova, length);
}

/* iopt_unmap_iova_range(): whole areas only; what went before a failure stays gone. */
int iopt_unmap_range(struct vfsim *s, struct ioas *io, uint64_t start, uint64_t last,
		     uint64_t *unmapped)
{
	struct iopt_area *hit;
	struct itree_node *n;
	int rc = 0;		/* nothing mapped there is a success */

	*unmapped = 0;
	/* an area starting at start is the lowest one meeting the range: no tree walk */
	hit = u64map_get(&io->by_iova, start);
	n = hit ? &hit->node : itree_first(&io->areas, start, last);
	while (n) {
		/* nothing can follow an area that reaches the end of the range */
		struct itree_node *next = n->last >= last ? NULL : itree_next(n, start, last);

		if (n->first < start || n->last > last) {
			rc = -ENOENT;
			break;
		}
		/* iommufd_access_notify_unmap(): the vendor driver unpins, then it goes */
		if (container_of(n, struct iopt_area, node)->num_accesses) {
			notify_unmap(s, io, n->first, n->last - n->first + 1);
			if (container_of(n, struct iopt_area, node)->num_accesses) {
				rc = -EBUSY;
				break;
			}
		}
		*unmapped += n->last - n->first + 1;
		area_free(s, io, container_of(n, struct iopt_area, node));
		n = next;
	}
	return rc;
}

/* iopt_area_split(): cut the area holding iova so that iova ends a piece. */
int iopt_cut(struct ioas *io, uint64_t iova)
{
	struct itree_node *n = itree_find(&io->areas, iova);
	struct iopt_area *a, *rhs;
	uint64_t align = io->iova_alignment;

	if (!n || n->last == iova)
		return 0;
	a = container_of(n, struct iopt_area, node);
	if (((iova + 1) & (align - 1)) ||
	    ((a->start_byte + (iova + 1 - n->first)) & (align - 1)))
		return -EINVAL;
	/* an access's pins cannot be split with the area */
	if (a->num_accesses)
		return -EINVAL;
	rhs = pool_get(&io->area_pool);
	if (!rhs)
		return -ENOMEM;
	*rhs = *a;
	rhs->node.first = iova + 1;
	if (!u64map_put(&io->by_iova, rhs->node.first, rhs)) {
		pool_put(&io->area_pool, rhs);
		return -ENOMEM;
	}
	rhs->start_byte = a->start_byte + (iova + 1 - n->first);
	a->pages->refs++;
	itree_remove(&io->areas, n);
	a->node.last = iova;
	itree_insert(&io->areas, &a->node);
	itree_insert(&io->areas, &rhs->node);
	return 0;
}

int iopt_reserve(struct ioas *io, uint64_t start, uint64_t last, int owner)
{
	if (itree_first(&io->areas, start, last))
		return -EADDRINUSE;
	if (io->n_resv == VFSIM_MAX_RESV)
		return -ENOMEM;
	io->resv[io->n_resv++] = (struct iopt_resv){ start, last, owner };
	return 0;
}

void iopt_unreserve(struct ioas *io, int owner)
{
	for (unsigned i = 0; i < io->n_resv;) {
		if (io->resv[i].owner == owner)
			io->resv[i] = io->resv[--io->n_resv];
		else
			i++;
	}
}

/* iopt_check_iova_alignment(): every area must already sit on the new alignment. */
static int check_alignment(struct ioas *io, uint64_t align)
{
	struct itree_node *n;

	for (n = itree_min(&io->areas); n; n = itree_next(n, 0, UINT64_MAX)) {
		struct iopt_area *a = container_of(n, struct iopt_area, node);

		if ((n->first & (align - 1)) || ((n->last - n->first + 1) & (align - 1)) ||
		    ((a->start_byte % 4096) & (align - 1)))
			return -EADDRINUSE;
	}
	return 0;
}

/* iopt_table_add_domain() for the domain of owner (a reserved-region tag). */
int iopt_add_domain(struct vfsim *s, struct ioas *io, int owner)
{
	uint64_t pgsizes = s->p.iommu_pgsizes, align;
	uint64_t ap_last = s->p.aperture_bits == 64 ? UINT64_MAX :
			   (1ull << s->p.aperture_bits) - 1;
	struct itree_node *n;
	int ret;

	align = min_pgsize(pgsizes) > io->iova_alignment ? min_pgsize(pgsizes) :
							   io->iova_alignment;
	if (align > s->p.page_size)
		return -EINVAL;
	if (align != io->iova_alignment) {
		ret = check_alignment(io, align);
		if (ret)
			return ret;
	}
	/* no area may lie outside the aperture */
	if (ap_last != UINT64_MAX) {
		ret = iopt_reserve(io, ap_last + 1, UINT64_MAX, owner);
		if (ret)
			return ret;
	}
	for (n = itree_min(&io->areas); n; n = itree_next(n, 0, UINT64_MAX)) {
		ret = area_fill(s, io, container_of(n, struct iopt_area, node));
		if (ret) {
			for (struct itree_node *m = itree_min(&io->areas); m != n;
			     m = itree_next(m, 0, UINT64_MAX))
				area_unfill(s, io, container_of(m, struct iopt_area, node));
			iopt_unreserve(io, owner);
			return ret;
		}
	}
	io->n_domains = 1;
	io->domain_pgsizes = pgsizes;
	io->domain_cc = false;		/* emulated VT-d: no snoop control */
	io->iova_alignment = align;
	return 0;
}

/* iopt_calculate_iova_alignment(): what the domain and accesses still need. */
static void recalc_alignment(struct vfsim *s, struct ioas *io)
{
	/* see batch_iommu_map_small(): TYPE1 keeps PAGE_SIZE with or without a domain */
	uint64_t align = io->disable_large_pages ? s->p.page_size : 1;

	if (io->n_domains && min_pgsize(io->domain_pgsizes) > align)
		align = min_pgsize(io->domain_pgsizes);
	if (io->n_access && s->p.page_size > align)
		align = s->p.page_size;
	io->iova_alignment = align;
}

/* iopt_table_remove_domain(): the pins the domain held go back. */
void iopt_remove_domain(struct vfsim *s, struct ioas *io, int owner)
{
	struct itree_node *n;

	for (n = itree_min(&io->areas); n; n = itree_next(n, 0, UINT64_MAX))
		area_unfill(s, io, container_of(n, struct iopt_area, node));
	iopt_unreserve(io, owner);
	io->n_domains = 0;
	recalc_alignment(s, io);
}

/* iopt_remove_access(): the access of data leaves io's access list. */
void iopt_remove_access(struct vfsim *s, struct ioas *io, void *data)
{
	for (unsigned i = 0; i < io->n_access; i++) {
		if (io->access[i].data == data) {
			io->access[i] = io->access[--io->n_access];
			if (!io->n_access)
				recalc_alignment(s, io);
			return;
		}
	}
}

/*
 * iopt_add_access(): an emulated device (mdev) wants PAGE_SIZE alignment;
 * ops->unmap is how its owner hears of an unmap (iommufd_access_create()).
 */
int iopt_add_access(struct ioas *io, const struct vfsim_access_ops *ops, void *data)
{
	uint64_t align = 4096;
	int ret;

	if (io->n_access == VFSIM_MAX_ACCESS)
		return -ENOMEM;
	if (align > io->iova_alignment) {
		ret = check_alignment(io, align);
		if (ret)
			return ret;
		io->iova_alignment = align;
	}
	io->access[io->n_access].ops = ops;
	io->access[io->n_access++].data = data;
	return 0;
}

/*
 * iopt_disable_large_pages(): TYPE1 semantics, refused once a domain holds
 * pages. Small IOPTEs only means PAGE_SIZE alignment from now on, with or
 * without a domain (iopt_calculate_iova_alignment(); found by vfconform fuzz:
 * compat TYPE1 before any device is opened took unaligned maps and unmaps).
 */
int iopt_disable_large_pages(struct ioas *io)
{
	uint64_t align = 4096;
	int ret;

	if (io->disable_large_pages)
		return 0;
	if (io->n_domains && itree_min(&io->areas))
		return -EINVAL;
	if (align > io->iova_alignment) {
		ret = check_alignment(io, align);
		if (ret)
			return ret;
		io->iova_alignment = align;
	}
	io->disable_large_pages = true;
	return 0;
}

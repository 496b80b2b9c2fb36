// SPDX-License-Identifier: GPL-2.0-only
/*
 * An emulated device's view of an IOAS (iommufd_access_pin_pages(),
 * unpin_pages(), iommufd_access_rw()). Pins count per page of the pages
 * object: a page costs the mapping user once, whether a domain, an access
 * or both hold it, and is given back when the last of them lets go.
 */
#include <stdlib.h>
#include "vfsim_int.h"

#define PROT_W	2	/* IOMMU_WRITE */
#define PROT_R	1	/* IOMMU_READ */

static uint64_t page_of(struct vfsim *s, const struct iopt_area *a, uint64_t iova)
{
	return (a->start_byte + (iova - a->node.first)) / s->p.page_size;
}

/* Drop one access pin of page index; the last holder gives the charge back. */
/* The access pins of page index: 0 when it has none. */
static uintptr_t acc_count(const struct iopt_pages *pg, uint64_t index)
{
	return (uintptr_t)u64map_get(&pg->acc, index);
}

/* Set them; false when memory ran out (only a new entry can need some). */
static bool acc_set(struct iopt_pages *pg, uint64_t index, uintptr_t count)
{
	u64map_del(&pg->acc, index);
	return !count || u64map_put(&pg->acc, index, (void *)count);
}

static void page_put(struct vfsim *s, struct ioas *io, struct iopt_area *a, uint64_t index)
{
	struct iopt_pages *pg = a->pages;
	uintptr_t n = acc_count(pg, index);

	if (!n)
		return;
	acc_set(pg, index, n - 1);
	if (n > 1)
		return;
	pg->n_acc--;
	if (!a->filled && !iopt_page_pinned(s, io, a, index))
		iopt_update_pinned(s, pg, 1, false);
}

static int page_get(struct vfsim *s, struct ioas *io, struct iopt_area *a, uint64_t index)
{
	struct iopt_pages *pg = a->pages;
	uintptr_t n = acc_count(pg, index);
	struct pin_result r;
	int ret;

	if (n)
		return acc_set(pg, index, n + 1) ? 0 : -ENOMEM;
	if (!a->filled && !iopt_page_pinned(s, io, a, index)) {
		if (s->procs[pg->proc].dead)
			return -EFAULT;
		r = vfsim_pin_walk(s, pg->proc, pg->uptr + index * s->p.page_size, 1,
				   pg->writable, false);
		if (r.err)
			return -r.err;
		ret = iopt_update_pinned(s, pg, 1, true);
		if (ret)
			return ret;
	}
	if (!acc_set(pg, index, 1)) {
		if (!a->filled && !iopt_page_pinned(s, io, a, index))
			iopt_update_pinned(s, pg, 1, false);
		return -ENOMEM;
	}
	pg->n_acc++;
	return 0;
}

/*
 * Undo the pins of [iova, upto] made by a pin that failed later, or unpinned.
 * Inclusive, and loops count pages rather than compare addresses: a range may
 * end at 2^64 - 1, where "end + 1" and "page + page size" are 0.
 */
static void unpin_range(struct vfsim *s, struct ioas *io, uint64_t iova, uint64_t upto)
{
	const uint64_t ps = s->p.page_size;

	for (;;) {
		struct itree_node *n = itree_find(&io->areas, iova);
		struct iopt_area *a;
		uint64_t last;

		if (!n)
			return;
		a = container_of(n, struct iopt_area, node);
		last = n->last < upto ? n->last : upto;
		for (uint64_t i = 0, np = (last - iova) / ps + 1; i < np; i++)
			page_put(s, io, a, page_of(s, a, iova + i * ps));
		if (a->num_accesses)
			a->num_accesses--;
		if (last >= upto)
			return;
		iova = last + 1;
	}
}

int iopt_access_pin(struct vfsim *s, struct ioas *io, uint64_t iova, uint64_t length,
		    bool write)
{
	const uint64_t ps = s->p.page_size;
	uint64_t last, at = iova;
	int ret = 0;

	if (!length)
		return -EINVAL;
	if (__builtin_add_overflow(iova, length - 1, &last))
		return -EOVERFLOW;
	/* iopt_for_each_contig_area(): areas must follow each other without a hole */
	while (at <= last) {
		struct itree_node *n = itree_find(&io->areas, at);
		struct iopt_area *a;
		uint64_t end;

		if (!n) {
			ret = -ENOENT;
			break;
		}
		a = container_of(n, struct iopt_area, node);
		if (!(a->prot & (write ? PROT_W : PROT_R))) {
			ret = -EPERM;
			break;
		}
		if (write && !a->pages->writable) {
			ret = -EPERM;
			break;
		}
		end = n->last < last ? n->last : last;
		for (uint64_t i = 0, np = (end - at) / ps + 1; i < np && !ret; i++) {
			ret = page_get(s, io, a, page_of(s, a, at + i * ps));
			/* this area's pins so far go back; it holds no access yet */
			for (uint64_t j = 0; ret && j < i; j++)
				page_put(s, io, a, page_of(s, a, at + j * ps));
		}
		if (ret)
			break;
		a->num_accesses++;
		if (end == UINT64_MAX)
			break;
		at = end + 1;
	}
	if (ret && at > iova)
		unpin_range(s, io, iova, at - 1);
	return ret;
}

void iopt_access_unpin(struct vfsim *s, struct ioas *io, uint64_t iova, uint64_t length)
{
	if (length && iova + length - 1 >= iova)
		unpin_range(s, io, iova, iova + length - 1);
}

/* iommufd_access_rw(): the copy goes through the mapping's pages, from any process. */
int iopt_access_rw(struct vfsim *s, struct ioas *io, uint64_t iova, void *data,
		   uint64_t length, bool write)
{
	uint64_t last, at = iova;
	uint8_t *buf = data;

	if (!length)
		return -EINVAL;
	if (__builtin_add_overflow(iova, length - 1, &last))
		return -EOVERFLOW;
	while (at <= last) {
		struct itree_node *n = itree_find(&io->areas, at);
		struct iopt_area *a;
		uint64_t end, uptr, bytes;
		struct pin_result r;
		int ret;

		if (!n)
			return -ENOENT;
		a = container_of(n, struct iopt_area, node);
		if (!(a->prot & (write ? PROT_W : PROT_R)))
			return -EPERM;
		if (write && !a->pages->writable)
			return -EPERM;
		end = n->last < last ? n->last : last;
		bytes = end - at + 1;
		uptr = a->pages->uptr + a->start_byte + (at - n->first);
		if (s->procs[a->pages->proc].dead) {
			/* no mm to pin from: only pages held by an access or domain remain */
			for (uint64_t p = page_of(s, a, at); p <= page_of(s, a, end); p++)
				if (!a->filled && !iopt_page_pinned(s, io, a, p))
					return -EFAULT;
		} else {
			r = vfsim_pin_walk(s, a->pages->proc, uptr & ~(s->p.page_size - 1),
					   ((uptr & (s->p.page_size - 1)) + bytes +
					    s->p.page_size - 1) / s->p.page_size, write, false);
			if (r.err)
				return -EFAULT;
		}
		ret = write ? vfsim_copy_to_user(uptr, buf, bytes) :
			      vfsim_copy_from_user(buf, uptr, bytes);
		if (ret)
			return ret;
		buf += bytes;
		if (end == UINT64_MAX)
			break;
		at = end + 1;
	}
	return 0;
}

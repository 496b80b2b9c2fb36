// SPDX-License-Identifier: GPL-2.0-only
/*
 * IOVA allocation of an io_pagetable (iopt_alloc_iova): for IOMMU_IOAS_MAP
 * without FIXED_IOVA, the first hole between reserved regions and areas
 * that fits, aligned as the user pointer allows.
 */
#include "vfsim_int.h"

/*
 * The first hole of reserved regions and areas in [lo, hi] that fits, as
 * iopt_alloc_iova() walks them: from each hole's start, aligned up (with the
 * user pointer's offset in its page), the whole length must fit before the
 * next used interval; else the next hole starts after that interval.
 */
static bool fit_in(struct ioas *io, uint64_t lo, uint64_t hi, uint64_t length, uint64_t align,
		   uint64_t page_offset, uint64_t *out)
{
	uint64_t start = lo;

	for (;;) {
		uint64_t aligned, end, b_first = UINT64_MAX, b_last = 0;
		bool blocked = false;
		struct itree_node *n;

		if (__builtin_add_overflow(start, align - 1, &aligned))
			return false;
		aligned = (aligned & ~(align - 1)) | page_offset;
		if (aligned >= hi || hi - aligned < length - 1)
			return false;
		end = aligned + length - 1;
		/* the lowest used interval in [start, end] ends this hole */
		for (unsigned i = 0; i < io->n_resv; i++) {
			if (io->resv[i].start <= end && io->resv[i].last >= start &&
			    (!blocked || io->resv[i].start < b_first)) {
				b_first = io->resv[i].start;
				b_last = io->resv[i].last;
				blocked = true;
			}
		}
		n = itree_first(&io->areas, start, end);
		if (n && (!blocked || n->first < b_first)) {
			b_first = n->first;
			b_last = n->last;
			blocked = true;
		}
		if (!blocked) {
			*out = aligned;
			return true;
		}
		if (b_last >= hi)
			return false;
		start = b_last + 1;
	}
}

int iopt_alloc_iova(struct vfsim *s, struct ioas *io, uint64_t uptr, uint64_t length,
		    uint64_t *iova)
{
	uint64_t pg = s->p.page_size, align;

	if (!length || length >= UINT64_MAX / 2)
		return -EOVERFLOW;
	/* keep the alignment the user pointer has (no THP in the reference config) */
	align = 1;
	while (align < length)
		align <<= 1;
	if (uptr && (1ull << __builtin_ctzll(uptr)) < align)
		align = 1ull << __builtin_ctzll(uptr);
	if (align >= pg)
		align = pg;
	if (align < io->iova_alignment)
		return -EINVAL;
	return fit_in(io, pg, UINT64_MAX - pg, length, align, uptr % pg, iova) ? 0 : -ENOSPC;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * A type1 mapping's dirty bitmap, kept word for word as vfio keeps
 * dma->bitmap: allocated with one spare u64 when tracking starts (or at map
 * time while it runs), shifted in place when a mapping's bits do not start
 * on a word of the user's bitmap, and only its first nbits cleared after a
 * report. So bits shifted into the spare word survive and come back in the
 * next report, as on the real kernel.
 */
#include <stdlib.h>
#include <string.h>
#include "vfsim_int.h"

static uint64_t pgshift_of(const struct t1_iommu *t)
{
	return ffs64(t->pgsize_bitmap);
}

static void set_bits(uint64_t *bm, uint64_t first, uint64_t n)
{
	for (uint64_t b = first; b < first + n; b++)
		bm[b / 64] |= 1ull << (b % 64);
}

/* vfio_dma_populate_bitmap(): pinned pages are dirty */
static void populate(const struct t1_iommu *t, struct t1_dma *d)
{
	for (unsigned i = 0; i < d->n_vpfn; i++)
		set_bits(d->bitmap, (d->vpfn[i].iova - d->node.first) >> pgshift_of(t), 1);
}

/* vfio_dma_bitmap_alloc() and the populate of vfio_dma_bitmap_alloc_all() */
int t1_bitmap_alloc(const struct t1_iommu *t, struct t1_dma *d)
{
	uint64_t nbits = d->size >> pgshift_of(t);

	if (nbits > (uint64_t)INT32_MAX)
		return -EINVAL;		/* DIRTY_BITMAP_PAGES_MAX */
	free(d->bitmap);
	d->bitmap = calloc((nbits + 63) / 64 + 1, sizeof(uint64_t));
	if (!d->bitmap)
		return -ENOMEM;
	populate(t, d);
	return 0;
}

void t1_bitmap_free(struct t1_dma *d)
{
	free(d->bitmap);
	d->bitmap = NULL;
}

/* Bits of the pages [offset, offset + len) of d, when tracking. */
void t1_bitmap_set(const struct t1_iommu *t, struct t1_dma *d, uint64_t offset, uint64_t len)
{
	uint64_t shift = pgshift_of(t);

	if (!t->dirty_tracking || !d->bitmap || !len)
		return;
	set_bits(d->bitmap, offset >> shift, ((offset + len - 1) >> shift) - (offset >> shift) + 1);
}

/* After a report: bitmap_clear() of the first nbits, then the pinned pages again. */
void t1_bitmap_repopulate(const struct t1_iommu *t, struct t1_dma *d)
{
	uint64_t nbits = d->size >> pgshift_of(t);

	if (!d->bitmap)
		return;
	memset(d->bitmap, 0, nbits / 64 * sizeof(uint64_t));
	if (nbits % 64)
		d->bitmap[nbits / 64] &= ~((1ull << (nbits % 64)) - 1);
	populate(t, d);
}

/* __bitmap_shift_left() over BITS_TO_LONGS(nbits) words; the last is not masked. */
static void shift_left(uint64_t *bm, uint64_t shift, uint64_t nbits)
{
	for (uint64_t k = (nbits + 63) / 64; k-- > 0;)
		bm[k] = bm[k] << shift | (k ? bm[k - 1] >> (64 - shift) : 0);
}

/*
 * update_user_bitmap(): one mapping's bits at their offset from base. Whole
 * u64 words are written; with a shift the user's first word is read back and
 * ORed in whole (bitmap_or() of fewer than 64 bits still works on the word).
 */
int t1_update_user_bitmap(uint64_t bitmap, const struct t1_iommu *t, struct t1_dma *d,
			  uint64_t base, uint64_t pgsize)
{
	uint64_t pgshift = ffs64(pgsize), nbits = d->size >> pgshift;
	uint64_t bit_offset = (d->node.first - base) >> pgshift;
	uint64_t word = bit_offset / 64, shift = bit_offset % 64, leftover;
	int ret;

	if (!d->bitmap)
		return -EINVAL;
	/* no device here can report dirty pages: every IOMMU-mapped page is dirty */
	if (t->n_domain_groups && d->iommu_mapped)
		set_bits(d->bitmap, 0, nbits);
	if (shift) {
		shift_left(d->bitmap, shift, nbits + shift);
		ret = vfsim_copy_from_user(&leftover, bitmap + word * 8, sizeof(leftover));
		if (ret)
			return ret;
		d->bitmap[0] |= leftover;
	}
	return vfsim_copy_to_user(bitmap + word * 8, d->bitmap, (nbits + shift + 63) / 64 * 8);
}

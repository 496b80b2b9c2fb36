// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lookups in a type1 container's mapping tree that every part of the type1
 * driver needs (attach, map/unmap, GET_INFO, the vendor-driver pins): the
 * kernel's vfio_find_dma() and the usable-IOVA check. Below them all.
 */
#include "vfsim_int.h"

/*
 * The kernel's vfio_find_dma(): a binary search with its exact modular
 * comparisons, so a mapping that ends at 2^64 behaves as it does there.
 */
struct t1_dma *t1_find_dma(struct t1_iommu *t, uint64_t start, uint64_t size)
{
	struct itree_node *n = RB_ROOT(&t->dmas.root);

	while (n) {
		struct t1_dma *d = container_of(n, struct t1_dma, node);

		if (start + size <= n->first)
			n = RB_LEFT(n, rb);
		else if (start >= n->first + d->size)
			n = RB_RIGHT(n, rb);
		else
			return d;
	}
	return NULL;
}

/*
 * What the domain holds at iova: a mapping pinned into it, at the pages it
 * was pinned from. MAP_DMA with VFIO_DMA_MAP_FLAG_VADDR only changes where
 * later pins would look; no IOMMU entry moves (measured: the device keeps
 * reaching the first buffer).
 */
int t1_iova_to_phys(struct t1_iommu *t, uint64_t iova, struct vfsim_iopte *pte)
{
	struct t1_dma *d = t1_find_dma(t, iova, 1);

	if (!d || !d->iommu_mapped)
		return -ENOENT;
	pte->vaddr = d->pin_vaddr + (iova - d->node.first);
	pte->prot = d->prot;
	return 0;
}

bool t1_iova_valid(const struct t1_iommu *t, uint64_t first, uint64_t last)
{
	if (!t->n_iova)
		return true;
	for (unsigned i = 0; i < t->n_iova; i++)
		if (first >= t->iova[i].start && last <= t->iova[i].last)
			return true;
	return false;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * iommufd compat IOMMU_GET_INFO (iommufd_vfio_iommu_get_info): DMA_AVAIL and
 * IOVA_RANGE caps written into the user buffer as far as argsz reaches,
 * linked as they go, argsz always set to what all of them need.
 */
#include <string.h>
#include <linux/vfio.h>
#include "vfsim_int.h"

/* One hole of the reserved regions, as interval_tree_for_each_span() finds it. */
static void put_range(struct vfio_iommu_type1_info_cap_iova_range *cap, uint8_t *dst,
		      size_t avail, uint64_t start, uint64_t end)
{
	struct vfio_iova_range r = { start, end };
	size_t at = sizeof(*cap) + cap->nr_iovas * sizeof(r);

	if (avail >= at + sizeof(r))
		memcpy(dst + at, &r, sizeof(r));
	cap->nr_iovas++;
}

/* iommufd_fill_cap_iova(): the holes between reserved regions. */
static size_t fill_cap_iova(const struct ioas *io, uint8_t *dst, size_t avail)
{
	struct vfio_iommu_type1_info_cap_iova_range cap = {
		.header = { .id = VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, .version = 1 },
	};
	struct iopt_resv sorted[VFSIM_MAX_RESV];
	unsigned n = io->n_resv;
	uint64_t at = 0;
	bool to_top = false;	/* a reserved region reaches 2^64 - 1 */

	memcpy(sorted, io->resv, n * sizeof(*sorted));
	for (unsigned i = 1; i < n; i++) {
		for (unsigned j = i; j && sorted[j].start < sorted[j - 1].start; j--) {
			struct iopt_resv t = sorted[j];

			sorted[j] = sorted[j - 1];
			sorted[j - 1] = t;
		}
	}
	for (unsigned i = 0; i < n && !to_top; i++) {
		if (sorted[i].start > at)
			put_range(&cap, dst, avail, at, sorted[i].start - 1);
		if (sorted[i].last == UINT64_MAX)
			to_top = true;
		else if (sorted[i].last + 1 > at)
			at = sorted[i].last + 1;
	}
	if (!to_top)
		put_range(&cap, dst, avail, at, UINT64_MAX);
	if (avail >= sizeof(cap) + cap.nr_iovas * sizeof(struct vfio_iova_range))
		memcpy(dst, &cap, sizeof(cap));
	return sizeof(cap) + cap.nr_iovas * sizeof(struct vfio_iova_range);
}

static size_t fill_cap_dma_avail(uint8_t *dst, size_t avail)
{
	struct vfio_iommu_type1_info_dma_avail cap = {
		.header = { .id = VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, .version = 1 },
		.avail = UINT32_MAX,	/* no entry limit; iommufd says U32_MAX */
	};

	if (avail >= sizeof(cap))
		memcpy(dst, &cap, sizeof(cap));
	return sizeof(cap);
}

long compat_get_info(struct vfsim *s, struct compat_ctx *cx, void *arg)
{
	struct vfio_iommu_type1_info info;
	size_t minsz = offsetof(struct vfio_iommu_type1_info, iova_pgsizes) +
		       sizeof(info.iova_pgsizes);
	uint8_t *base = arg;
	size_t total = sizeof(info), last_cap = 0;
	struct ioas *io;

	(void)s;
	memset(&info, 0, sizeof(info));
	if (arg_in(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	minsz = info.argsz < sizeof(info) ? info.argsz : sizeof(info);
	io = compat_ioas(cx);
	if (!io)
		return -ENODEV;
	info.flags = VFIO_IOMMU_INFO_PGSIZES;
	info.iova_pgsizes = iopt_pagesizes(io);
	info.cap_offset = 0;
	/* caps are written as far as argsz reaches, linked as they go */
	for (int i = 0; i < 2; i++) {
		size_t avail = info.argsz > total ? info.argsz - total : 0;
		size_t size = i == 0 ? fill_cap_dma_avail(base + total, avail) :
				       fill_cap_iova(io, base + total, avail);

		size = (size + 7) & ~(size_t)7;
		if (last_cap && info.argsz >= total) {
			uint32_t next = (uint32_t)total;

			memcpy(base + last_cap + offsetof(struct vfio_info_cap_header, next),
			       &next, sizeof(next));
		}
		last_cap = total;
		total += size;
	}
	if (info.argsz >= total)
		info.cap_offset = sizeof(info);
	info.argsz = (uint32_t)total;
	info.flags |= VFIO_IOMMU_INFO_CAPS;
	memcpy(arg, &info, minsz);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Written back: the fields the kernel writes into each argument struct,
 * under the keys a run document records in "out". A failed call is decoded
 * too (the struct is read whatever the ioctl returned), except where the uAPI
 * writes a result only on success.
 */
#include <string.h>
#include "uapi/codec.h"

void vf_uapi_info_out(struct vf_sink *s, const void *buf, size_t len)
{
	struct vfio_iommu_type1_info info = { 0 };

	/* a caller may own less than the struct (argsz=4): the rest reads as 0 */
	memcpy(&info, buf, len < sizeof(info) ? len : sizeof(info));
	vf_sink_int(s, "argsz", info.argsz);
	vf_sink_flags(s, "flags", vf_info_flag_names, info.flags);
	vf_sink_hex(s, "iova_pgsizes", info.iova_pgsizes);
	vf_sink_int(s, "cap_offset", info.cap_offset);
	if ((info.flags & VFIO_IOMMU_INFO_CAPS) && info.cap_offset)
		vf_uapi_info_caps(s, buf, len, info.cap_offset);
}

void vf_uapi_unmap_out(struct vf_sink *s, const struct vfio_iommu_type1_dma_unmap *u,
		       const struct vfio_iommu_type1_dma_unmap *before)
{
	vf_sink_hex(s, "size", u->size);
	if (before && u->flags != before->flags)
		vf_sink_int(s, "flags", u->flags);
}

void vf_uapi_bitmap(struct vf_sink *s, const uint8_t *bm, uint64_t len)
{
	uint64_t bits = 0, show = len < VF_UAPI_BITMAP_HEX ? len : VF_UAPI_BITMAP_HEX;
	char hex[2 * VF_UAPI_BITMAP_HEX + 1];

	for (uint64_t i = 0; i < len; i++)
		bits += __builtin_popcount(bm[i]);
	vf_sink_str(s, "bitmap", vf_fmt_hex_bytes(hex, bm, show));
	vf_sink_int(s, "bitmap_bits", (int64_t)bits);
}

void vf_uapi_group_status_out(struct vf_sink *s, const struct vfio_group_status *st)
{
	vf_sink_flags(s, "flags", vf_group_flag_names, st->flags);
}

void vf_uapi_device_fd_out(struct vf_sink *s, long ret)
{
	if (ret >= 0)
		vf_sink_str(s, "fd", "valid");
}

void vf_uapi_vfio_ioas_out(struct vf_sink *s, const struct iommu_vfio_ioas *v)
{
	vf_sink_int(s, "ioas_id", v->ioas_id);
}

void vf_uapi_ioas_alloc_out(struct vf_sink *s, const struct iommu_ioas_alloc *a, long ret)
{
	if (ret == 0)
		vf_sink_int(s, "ioas_id", a->out_ioas_id);
}

/* without FIXED_IOVA the kernel picks the iova: that is the observation */
void vf_uapi_ioas_map_out(struct vf_sink *s, const struct iommu_ioas_map *m, long ret)
{
	if (ret == 0)
		vf_sink_hex(s, "iova", m->iova);
}

void vf_uapi_ioas_unmap_out(struct vf_sink *s, const struct iommu_ioas_unmap *u)
{
	vf_sink_hex(s, "size", u->length);
}

/* Bitmaps above this are not read back (as the runner, which never asks for more). */
#define BITMAP_READ_MAX	(1u << 20)

static void bitmap_at(struct vf_sink *s, const struct vfio_bitmap *b, long ret)
{
	if (ret == 0 && b->data && b->size < BITMAP_READ_MAX)
		vf_uapi_bitmap(s, (const uint8_t *)b->data, b->size);
}

void vf_uapi_out(struct vf_sink *s, enum vf_op op, unsigned long arg, const void *before,
		 long ret)
{
	const void *p = (const void *)arg;

	if (!p && op != VF_OP_GROUP_GET_DEVICE_FD)
		return;
	switch (op) {
	case VF_OP_IOMMU_GET_INFO:
		/* the caller owns the argsz it passed; what the kernel says it wants may be more */
		vf_uapi_info_out(s, p, before ? *(const uint32_t *)before :
				 sizeof(struct vfio_iommu_type1_info));
		break;
	case VF_OP_IOMMU_UNMAP_DMA: {
		const struct vfio_iommu_type1_dma_unmap *u = p;

		vf_uapi_unmap_out(s, u, before);
		if ((u->flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP) &&
		    u->argsz >= sizeof(*u) + sizeof(struct vfio_bitmap)) {
			struct vfio_bitmap b;

			memcpy(&b, u->data, sizeof(b));
			bitmap_at(s, &b, ret);
		}
		break;
	}
	case VF_OP_IOMMU_DIRTY_PAGES: {
		const struct vfio_iommu_type1_dirty_bitmap *d = p;
		struct vfio_iommu_type1_dirty_bitmap_get g;

		if ((d->flags & VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP) &&
		    d->argsz >= sizeof(*d) + sizeof(g)) {
			memcpy(&g, d->data, sizeof(g));
			bitmap_at(s, &g.bitmap, ret);
		}
		break;
	}
	case VF_OP_GROUP_GET_STATUS:
		vf_uapi_group_status_out(s, p);
		break;
	case VF_OP_GROUP_GET_DEVICE_FD:
		vf_uapi_device_fd_out(s, ret);
		break;
	case VF_OP_IOMMU_VFIO_IOAS:
		vf_uapi_vfio_ioas_out(s, p);
		break;
	case VF_OP_IOMMU_IOAS_ALLOC:
		vf_uapi_ioas_alloc_out(s, p, ret);
		break;
	case VF_OP_IOMMU_IOAS_MAP:
		vf_uapi_ioas_map_out(s, p, ret);
		break;
	case VF_OP_IOMMU_IOAS_UNMAP:
		vf_uapi_ioas_unmap_out(s, p);
		break;
	default:
		break;
	}
}

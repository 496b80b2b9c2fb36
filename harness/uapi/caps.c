// SPDX-License-Identifier: GPL-2.0-only
/*
 * The capability chain of struct vfio_iommu_type1_info. The chain is data
 * the kernel (or a buggy backend) wrote, so nothing in it is trusted: every
 * header and body is bounds-checked against the bytes the caller may read,
 * and a cap whose next does not move forward ends the chain instead of
 * looping. Such a chain is recorded as far as it goes, with an "error" on the
 * cap where it broke, because a broken chain is itself an observation.
 */
#include <string.h>
#include "uapi/codec.h"

static void iova_range(struct vf_sink *s, const uint8_t *buf, size_t len, size_t off)
{
	struct vfio_iommu_type1_info_cap_iova_range r;

	memcpy(&r, buf + off, sizeof(r));
	vf_sink_str(s, "name", "IOVA_RANGE");
	vf_sink_int(s, "nr_iovas", r.nr_iovas);
	vf_sink_array(s, "ranges");
	for (uint32_t i = 0; i < r.nr_iovas; i++) {
		struct vfio_iova_range ir;
		size_t at = off + sizeof(r) + (size_t)i * sizeof(ir);

		/* nr_iovas may claim more than the buffer holds */
		if (at + sizeof(ir) > len)
			break;
		memcpy(&ir, buf + at, sizeof(ir));
		vf_sink_array(s, NULL);
		vf_sink_hex(s, NULL, ir.start);
		vf_sink_hex(s, NULL, ir.end);
		vf_sink_array_end(s);
	}
	vf_sink_array_end(s);
}

static void migration(struct vf_sink *s, const uint8_t *buf, size_t off)
{
	struct vfio_iommu_type1_info_cap_migration m;

	memcpy(&m, buf + off, sizeof(m));
	vf_sink_str(s, "name", "MIGRATION");
	vf_sink_int(s, "flags", m.flags);
	vf_sink_hex(s, "pgsize_bitmap", m.pgsize_bitmap);
	vf_sink_hex(s, "max_dirty_bitmap_size", m.max_dirty_bitmap_size);
}

static void dma_avail(struct vf_sink *s, const uint8_t *buf, size_t off)
{
	struct vfio_iommu_type1_info_dma_avail d;

	memcpy(&d, buf + off, sizeof(d));
	vf_sink_str(s, "name", "DMA_AVAIL");
	vf_sink_int(s, "avail", d.avail);
}

/* A cap's body is decoded only if all of it lies in the buffer; else just its header. */
static void cap_body(struct vf_sink *s, const struct vfio_info_cap_header *h,
		     const uint8_t *buf, size_t len, size_t off)
{
	switch (h->id) {
	case VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE:
		if (off + sizeof(struct vfio_iommu_type1_info_cap_iova_range) <= len)
			iova_range(s, buf, len, off);
		break;
	case VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION:
		if (off + sizeof(struct vfio_iommu_type1_info_cap_migration) <= len)
			migration(s, buf, off);
		break;
	case VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL:
		if (off + sizeof(struct vfio_iommu_type1_info_dma_avail) <= len)
			dma_avail(s, buf, off);
		break;
	default:
		/* an id this uAPI does not define: the header says all we know */
		break;
	}
}

void vf_uapi_info_caps(struct vf_sink *s, const void *buf, size_t len, uint32_t first)
{
	uint32_t off = first;

	vf_sink_array(s, "caps");
	for (int n = 0; off && n < VF_UAPI_MAX_CAPS; n++) {
		struct vfio_info_cap_header h;

		vf_sink_object(s, NULL);
		vf_sink_int(s, "offset", off);
		if ((size_t)off + sizeof(h) > len) {
			vf_sink_str(s, "error", "beyond buffer");
			vf_sink_object_end(s);
			break;
		}
		memcpy(&h, (const uint8_t *)buf + off, sizeof(h));
		vf_sink_int(s, "id", h.id);
		vf_sink_int(s, "version", h.version);
		vf_sink_int(s, "next", h.next);
		cap_body(s, &h, buf, len, off);
		/* a chain that points backwards (or at itself) would loop forever */
		if (h.next && h.next <= off) {
			vf_sink_str(s, "error", "next points backwards");
			vf_sink_object_end(s);
			break;
		}
		vf_sink_object_end(s);
		off = h.next;
	}
	vf_sink_array_end(s);
}

// SPDX-License-Identifier: GPL-2.0-only
/* IOMMU_GET_INFO: the info struct and its capability chain. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include <stdio.h>
#include "exec/step_api.h"
#include "fuzz/fuzz_gen.h"
#include "steps/step_kind.h"

#define MAX_CAPS	16

static void decode_caps(json_t *out, const uint8_t *buf, size_t len, uint32_t first)
{
	json_t *caps = json_array();
	uint32_t off = first;

	for (int n = 0; off && n < MAX_CAPS; n++) {
		struct vfio_info_cap_header h;
		json_t *cap = json_object();

		if ((size_t)off + sizeof(h) > len) {
			json_object_set_new(cap, "offset", json_integer(off));
			json_object_set_new(cap, "error", json_string("beyond buffer"));
			json_array_append_new(caps, cap);
			break;
		}
		memcpy(&h, buf + off, sizeof(h));
		json_object_set_new(cap, "offset", json_integer(off));
		json_object_set_new(cap, "id", json_integer(h.id));
		json_object_set_new(cap, "version", json_integer(h.version));
		json_object_set_new(cap, "next", json_integer(h.next));
		if (h.id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE &&
		    (size_t)off + sizeof(struct vfio_iommu_type1_info_cap_iova_range) <= len) {
			struct vfio_iommu_type1_info_cap_iova_range r;
			json_t *ranges = json_array();

			memcpy(&r, buf + off, sizeof(r));
			json_object_set_new(cap, "name", json_string("IOVA_RANGE"));
			json_object_set_new(cap, "nr_iovas", json_integer(r.nr_iovas));
			for (uint32_t i = 0; i < r.nr_iovas; i++) {
				struct vfio_iova_range ir;
				size_t at = off + sizeof(r) + i * sizeof(ir);
				json_t *pair;

				if (at + sizeof(ir) > len)
					break;
				memcpy(&ir, buf + at, sizeof(ir));
				pair = json_array();
				json_array_append_new(pair, vf_hex(ir.start));
				json_array_append_new(pair, vf_hex(ir.end));
				json_array_append_new(ranges, pair);
			}
			json_object_set_new(cap, "ranges", ranges);
		} else if (h.id == VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION &&
			   (size_t)off + sizeof(struct vfio_iommu_type1_info_cap_migration) <= len) {
			struct vfio_iommu_type1_info_cap_migration m;

			memcpy(&m, buf + off, sizeof(m));
			json_object_set_new(cap, "name", json_string("MIGRATION"));
			json_object_set_new(cap, "flags", json_integer(m.flags));
			json_object_set_new(cap, "pgsize_bitmap", vf_hex(m.pgsize_bitmap));
			json_object_set_new(cap, "max_dirty_bitmap_size", vf_hex(m.max_dirty_bitmap_size));
		} else if (h.id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL &&
			   (size_t)off + sizeof(struct vfio_iommu_type1_info_dma_avail) <= len) {
			struct vfio_iommu_type1_info_dma_avail d;

			memcpy(&d, buf + off, sizeof(d));
			json_object_set_new(cap, "name", json_string("DMA_AVAIL"));
			json_object_set_new(cap, "avail", json_integer(d.avail));
		}
		json_array_append_new(caps, cap);
		/* a chain that points backwards would loop forever */
		if (h.next && h.next <= off) {
			json_object_set_new(cap, "error", json_string("next points backwards"));
			break;
		}
		off = h.next;
	}
	json_object_set_new(out, "caps", caps);
}

static struct vf_call get_info_once(struct vf_exec *ex, const struct vf_step *s, uint32_t argsz,
				 json_t *out)
{
	struct vfio_iommu_type1_info info;
	struct vf_argbuf a;
	size_t owned;
	struct vf_call c;

	if (!vf_argbuf_init(&a, s->raw ? s->raw_len : argsz)) {
		c.ret = -1;
		c.err = ENOMEM;
		return c;
	}
	if (s->raw) {
		vf_put_raw(&a, s);
		owned = s->raw_len;
	} else {
		owned = argsz < sizeof(uint32_t) ? sizeof(uint32_t) : argsz;
		if (owned > a.len)
			owned = a.len;
		memset(a.p, 0, owned);
		memcpy(a.p, &argsz, sizeof(argsz));
	}
	c = vf_do_ioctl(ex, vf_chandle(ex, s), VFIO_IOMMU_GET_INFO, a.p);
	memcpy(&info, a.p, sizeof(info));
	json_object_set_new(out, "argsz", json_integer(info.argsz));
	json_object_set_new(out, "flags", vf_flags_str(vf_info_flag_names, info.flags));
	json_object_set_new(out, "iova_pgsizes", vf_hex(info.iova_pgsizes));
	json_object_set_new(out, "cap_offset", json_integer(info.cap_offset));
	if ((info.flags & VFIO_IOMMU_INFO_CAPS) && info.cap_offset)
		decode_caps(out, a.p, a.len, info.cap_offset);
	else
		json_object_del(out, "caps");
	json_object_set_new(out, "canary", vf_canary_state(&a, owned));
	free(a.p);
	return c;
}

static struct vf_call exec_get_info(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	uint32_t argsz = sizeof(struct vfio_iommu_type1_info);
	struct vf_call c;

	if (vf_has(s, VF_F_ARGSZ) && !s->argsz_auto)
		return get_info_once(ex, s, (uint32_t)s->val[VF_F_ARGSZ], out);
	/* QEMU's loop: ask with the bare struct, grow to what the kernel says */
	c = get_info_once(ex, s, argsz, out);
	if (c.ret == 0 && !s->raw) {
		json_t *a = json_object_get(out, "argsz");
		json_int_t want = a ? json_integer_value(a) : 0;

		if (want > (json_int_t)argsz && want < VF_SMALL_BUF - 64) {
			json_object_set_new(out, "probe_argsz", json_integer(want));
			json_object_del(out, "caps");
			c = get_info_once(ex, s, (uint32_t)want, out);
		}
	}
	return c;
}

static void gen_get_info(struct fz_gen *g, char *l)
{
	static const unsigned sizes[] = { 0, 8, 15, 16, 20, 24, 40, 64, 4096 };
	struct fz_rng *r = g->r;

	fz_add(l, "IOMMU_GET_INFO");
	if (fz_chance(r, 10))
		fz_add_raw(g, l, 16);
	else if (fz_chance(r, 30))
		fz_add(l, " argsz=%u", FZ_PICK(r, sizes));
}

const struct vf_step_kind vf_step_get_info = {
	.name = "IOMMU_GET_INFO",
	.about = "the container's IOMMU info and capability chain (argsz=auto: QEMU's loop)",
	.fields = VF_BIT(VF_F_ARGSZ) | VF_BIT(VF_F_RAW) | VF_BIT(VF_F_CONTAINER),
	.flags = VF_KIND_ARGSZ_AUTO,
	.personalities = VF_PERS_BOTH,
	.exec = exec_get_info,
	.fuzz = { .common = 6, .gen = gen_get_info },
};

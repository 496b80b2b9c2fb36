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

static struct vf_call get_info_once(struct vf_exec *ex, const struct vf_step *s, uint32_t argsz,
				 json_t *out)
{
	struct vf_json_sink js;
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
	/* a chain from an earlier call of the realloc loop must not survive this one */
	json_object_del(out, "caps");
	vf_uapi_info_out(vf_json_sink_init(&js, out), a.p, a.len);
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
	.about = "the container's IOMMU info and capability chain (argsz=auto: QEMU's loop)",
	.fields = VF_BIT(VF_F_ARGSZ) | VF_BIT(VF_F_RAW) | VF_BIT(VF_F_CONTAINER),
	.flags = VF_KIND_ARGSZ_AUTO,
	.personalities = VF_PERS_BOTH,
	.exec = exec_get_info,
	.trace = { .replay = true, .args = { "argsz" } },
	.fuzz = { .common = 6, .gen = gen_get_info },
};

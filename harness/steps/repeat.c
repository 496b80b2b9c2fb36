// SPDX-License-Identifier: GPL-2.0-only
/* count=: a map or unmap repeated over consecutive IOVAs. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include "lang/value.h"
#include "exec/step_api.h"
#include "steps/step_kind.h"

/*
 * count=N: the step N times at iova + i * size (vaddr stays), stopping at the
 * first failure. Tens of thousands of maps (dma_entry_limit) would otherwise
 * be tens of thousands of observations; this records how many succeeded
 * ("done"), where it stopped ("failed_at") and, in unmap's case, the total
 * size unmapped. The errno is the failing call's.
 */
struct vf_call vf_exec_repeat(struct vf_exec *ex, const struct vf_step *s, json_t *out,
			      vf_exec_fn one_call)
{
	struct vf_step one = *s;
	uint64_t n = s->val[VF_F_REPEAT], i, unmapped = 0;
	struct vf_call c = { 0, 0 };

	one.present &= ~(1u << VF_F_REPEAT);
	one.n_expects = 0;
	for (i = 0; i < n; i++) {
		/* a map's out would be dropped unread: not built (jansson ignores NULL) */
		json_t *o = s->op == VF_OP_IOMMU_MAP_DMA ? NULL : json_object();

		one.val[VF_F_IOVA] = s->val[VF_F_IOVA] + i * s->val[VF_F_SIZE];
		c = one_call(ex, &one, o);
		if (c.ret == 0 && s->op == VF_OP_IOMMU_UNMAP_DMA) {
			uint64_t sz = 0;

			vf_parse_number(json_string_value(json_object_get(o, "size")), &sz);
			unmapped += sz;
		}
		json_decref(o);
		if (c.ret < 0)
			break;
	}
	json_object_set_new(out, "done", json_integer((json_int_t)i));
	if (i < n)
		json_object_set_new(out, "failed_at", json_integer((json_int_t)i));
	if (s->op == VF_OP_IOMMU_UNMAP_DMA)
		json_object_set_new(out, "size", vf_json_hex(unmapped));
	return c;
}

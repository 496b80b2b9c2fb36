// SPDX-License-Identifier: GPL-2.0-only
/* A step's arguments as an observation records them: symbolic, machine independent. */
#define _GNU_SOURCE
#include <stdio.h>
#include "exec/exec.h"
#include "exec/step_api.h"

json_t *vf_step_args(const struct vf_case *c, const struct vf_step *s)
{
	json_t *a = json_object();
	struct vf_json_sink js;
	struct vf_sink *sink = vf_json_sink_init(&js, a);

	for (int f = 0; f < VF_F_COUNT; f++) {
		uint64_t v = s->val[f];
		char buf[96];
		json_t *j;

		if (!vf_has(s, f))
			continue;
		/* what only a case has (auto, buffer names, raw bytes); the rest is the codec's */
		if (f == VF_F_ARGSZ && s->argsz_auto) {
			j = json_string("auto");
		} else if (f == VF_F_VADDR && s->vaddr_buf >= 0) {
			if (v == 0) {
				j = json_string(c->bufs[s->vaddr_buf].name);
			} else {
				bool neg = (int64_t)v < 0;

				snprintf(buf, sizeof(buf), "%s%c0x%llx", c->bufs[s->vaddr_buf].name,
					 neg ? '-' : '+', (unsigned long long)(neg ? -v : v));
				j = json_string(buf);
			}
		} else if (f == VF_F_RAW) {
			j = vf_json_hex_bytes(s->raw, s->raw_len);
		} else {
			vf_uapi_arg(sink, s->op, f, v);
			continue;
		}
		json_object_set_new(a, vf_field_name(f), j);
	}
	return a;
}

// SPDX-License-Identifier: GPL-2.0-only
/* A step's arguments as an observation records them: symbolic, machine independent. */
#define _GNU_SOURCE
#include <stdio.h>
#include "exec/exec.h"
#include "exec/step_api.h"

json_t *vf_step_args(const struct vf_case *c, const struct vf_step *s)
{
	json_t *a = json_object();

	for (int f = 0; f < VF_F_COUNT; f++) {
		uint64_t v = s->val[f];
		const char *name;
		char buf[96];
		json_t *j;

		if (!vf_has(s, f))
			continue;
		switch (f) {
		case VF_F_EXT:
		case VF_F_TYPE:
			name = vf_name_of(vf_ext_names, v);
			j = name ? json_string(name) : vf_hex(v);
			break;
		case VF_F_ARGSZ:
			j = s->argsz_auto ? json_string("auto") : json_integer((json_int_t)v);
			break;
		case VF_F_FLAGS:
			j = vf_flags_str(vf_op_flag_names(s->op), v);
			break;
		case VF_F_OP:
			name = vf_name_of(vf_op_op_names(s->op), v);
			j = name ? json_string(name) : vf_hex(v);
			break;
		case VF_F_GROUP:
			snprintf(buf, sizeof(buf), "g%llu", (unsigned long long)v);
			j = json_string(buf);
			break;
		case VF_F_DEVICE:
		case VF_F_REPEAT:
			j = json_integer((json_int_t)v);
			break;
		case VF_F_FD:
			j = json_integer((json_int_t)(int64_t)v);
			break;
		case VF_F_VADDR:
			if (s->vaddr_buf < 0) {
				j = vf_hex(v);
			} else if (v == 0) {
				j = json_string(c->bufs[s->vaddr_buf].name);
			} else {
				bool neg = (int64_t)v < 0;

				snprintf(buf, sizeof(buf), "%s%c0x%llx", c->bufs[s->vaddr_buf].name,
					 neg ? '-' : '+', (unsigned long long)(neg ? -v : v));
				j = json_string(buf);
			}
			break;
		case VF_F_RAW:
			j = vf_hex_bytes(s->raw, s->raw_len);
			break;
		case VF_F_CONTAINER:
		case VF_F_PROC:
			snprintf(buf, sizeof(buf), "%c%llu", f == VF_F_PROC ? 'p' : 'c',
				 (unsigned long long)v);
			j = json_string(buf);
			break;
		case VF_F_CRED:
			if ((v >> 32) == VF_CRED_UID)
				snprintf(buf, sizeof(buf), "uid=%u", (unsigned)v);
			else
				snprintf(buf, sizeof(buf), "%s",
					 (v >> 32) == VF_CRED_NOCAP ? "nocap" :
					 (v >> 32) == VF_CRED_NORAWIO ? "norawio" : "root");
			j = json_string(buf);
			break;
		case VF_F_REQ:
			name = vf_name_of(vf_ioctl_names, v);
			j = name ? json_string(name) : vf_hex(v);
			break;
		case VF_F_MEMLOCK:
			j = v == UINT64_MAX ? json_string("unlimited") : vf_hex(v);
			break;
		default:
			j = vf_hex(v);
			break;
		}
		json_object_set_new(a, vf_field_name(f), j);
	}
	return a;
}

// SPDX-License-Identifier: GPL-2.0-only
/* The step kinds' descriptors by op, from kinds.h (their names are in lang/names.c). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "steps/step_kind.h"

static const struct vf_step_kind *const kinds[VF_OP_COUNT] = {
#define VF_STEP_KIND(name, desc, flag_names, op_names) [VF_OP_##name] = &vf_step_##desc,
#include "steps/kinds.h"
#undef VF_STEP_KIND
};

const struct vf_step_kind *vf_step_kind(enum vf_op op)
{
	return kinds[op];
}

const struct vf_step_kind *vf_step_kind_named(const char *name)
{
	int op = name ? vf_op_lookup(name) : -1;

	return op < 0 ? NULL : kinds[op];
}

uint32_t vf_op_fields(enum vf_op op)
{
	return kinds[op]->fields;
}

bool vf_check_fail(struct vf_step_check *chk, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(chk->msg, sizeof(chk->msg), fmt, ap);
	va_end(ap);
	return false;
}

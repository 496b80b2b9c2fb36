// SPDX-License-Identifier: GPL-2.0-only
/* The step kinds by op, from kinds.h: the only list of them. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "steps/step_kind.h"

static const struct vf_step_kind *const kinds[VF_OP_COUNT] = {
#define VF_STEP_KIND(name, desc) [VF_OP_##name] = &vf_step_##desc,
#include "steps/kinds.h"
#undef VF_STEP_KIND
};

const struct vf_step_kind *vf_step_kind(enum vf_op op)
{
	return kinds[op];
}

const char *vf_op_name(enum vf_op op)
{
	return op < VF_OP_COUNT ? kinds[op]->name : "?";
}

int vf_op_lookup(const char *name)
{
	for (int i = 0; i < VF_OP_COUNT; i++)
		if (!strcmp(kinds[i]->name, name))
			return i;
	return -1;
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

const struct vf_name *vf_op_flag_names(enum vf_op op)
{
	return kinds[op]->flag_names ? kinds[op]->flag_names : vf_dirty_flag_names;
}

const struct vf_name *vf_op_op_names(enum vf_op op)
{
	return kinds[op]->op_names;
}

bool vf_check_fail(struct vf_step_check *chk, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(chk->msg, sizeof(chk->msg), fmt, ap);
	va_end(ap);
	return false;
}

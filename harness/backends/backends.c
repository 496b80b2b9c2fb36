// SPDX-License-Identifier: GPL-2.0-only
/* The table of backends the runner knows. */
#include <stdio.h>
#include <string.h>
#include "backends/backend.h"

extern const struct vf_backend_ops vf_kernel_type1_ops;
extern const struct vf_backend_ops vf_kernel_compat_ops;
extern const struct vf_backend_ops vf_sim_type1_ops;
extern const struct vf_backend_ops vf_sim_compat_ops;

static const struct vf_backend_ops *const backends[] = {
	&vf_sim_type1_ops,
	&vf_sim_compat_ops,
	&vf_kernel_type1_ops,
	&vf_kernel_compat_ops,
	NULL
};

const struct vf_backend_ops *vf_backend_find(const char *name)
{
	for (unsigned i = 0; backends[i]; i++)
		if (!strcmp(backends[i]->name, name))
			return backends[i];
	return NULL;
}

const struct vf_backend_ops *vf_backend_at(unsigned i)
{
	return i < sizeof(backends) / sizeof(backends[0]) ? backends[i] : NULL;
}

/* "sim-type1, sim-compat, ...": the table's names in its order. */
const char *vf_backend_names(void)
{
	static char names[256];

	if (!names[0])
		for (unsigned i = 0; backends[i]; i++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
				 i ? ", " : "", backends[i]->name);
	return names;
}

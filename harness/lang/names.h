/* SPDX-License-Identifier: GPL-2.0-only */
/* Symbolic names of ops, fields, extensions, flags and errnos. */
#ifndef VF_NAMES_H
#define VF_NAMES_H

#include <stdbool.h>
#include <stdint.h>
#include "lang/case.h"

struct vf_name {
	const char *name;
	uint64_t value;
};

/* Op names and the names of their flags= and op= values, from steps/kinds.h. */
const char *vf_op_name(enum vf_op op);
int vf_op_lookup(const char *name);		/* -1 when unknown */
const struct vf_name *vf_op_flag_names(enum vf_op op);
/* NULL when the op has no op= field */
const struct vf_name *vf_op_op_names(enum vf_op op);
const char *vf_field_name(enum vf_field f);
int vf_field_lookup(const char *name);

const char *vf_topo_name(enum vf_topo t);
int vf_topo_lookup(const char *name);

/* Value tables for symbolic field values. */
extern const struct vf_name vf_ext_names[];
extern const struct vf_name vf_map_flag_names[];
extern const struct vf_name vf_unmap_flag_names[];
extern const struct vf_name vf_dirty_flag_names[];
extern const struct vf_name vf_ioas_op_names[];
extern const struct vf_name vf_ioas_map_flag_names[];
extern const struct vf_name vf_mdev_op_names[];
extern const struct vf_name vf_dma_op_names[];
extern const struct vf_name vf_group_flag_names[];
extern const struct vf_name vf_info_flag_names[];
extern const struct vf_name vf_ioctl_names[];


bool vf_name_lookup(const struct vf_name *tab, const char *name, uint64_t *value);
const char *vf_name_of(const struct vf_name *tab, uint64_t value);

/* "EINVAL" for EINVAL; NULL when the number has no name. */
const char *vf_errno_name(int err);
int vf_errno_lookup(const char *name);		/* -1 when unknown */

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef VF_VERSION_H
#define VF_VERSION_H

#define VF_TOOL_VERSION	"vfconform 0.1.0"
/* Bump when the run document's layout changes incompatibly. */
#define VF_RUN_FORMAT	"vfconform-run/1"

#endif

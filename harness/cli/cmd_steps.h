/* SPDX-License-Identifier: GPL-2.0-only */
/* vfconform steps: the step kinds, from their descriptors. */
#ifndef VF_CMD_STEPS_H
#define VF_CMD_STEPS_H

int vf_cmd_steps(int argc, char **argv);

#endif

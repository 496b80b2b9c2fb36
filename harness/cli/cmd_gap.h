/* SPDX-License-Identifier: GPL-2.0-only */
/* The gap commands of vfconform: gaps, gate and report. */
#ifndef VF_CMD_GAP_H
#define VF_CMD_GAP_H

/* argv[0] is the command name; getopt_long state is reset by the caller. */
int vf_cmd_gaps(int argc, char **argv);
int vf_cmd_gate(int argc, char **argv);
int vf_cmd_report(int argc, char **argv);

#endif

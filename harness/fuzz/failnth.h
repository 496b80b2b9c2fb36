/* SPDX-License-Identifier: GPL-2.0-only */
/* vfconform failnth: the fail-nth sweep over one step of a case (failnth.c). */
#ifndef VF_FAILNTH_H
#define VF_FAILNTH_H

int vf_cmd_failnth(int argc, char **argv);
/* Its usage text, for `vfconform failnth --help`. */
extern const char vf_failnth_usage[];

#endif

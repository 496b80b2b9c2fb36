/* SPDX-License-Identifier: GPL-2.0-only */
/* The command line: vfconform's command table and its dispatcher. */
#ifndef VF_CLI_H
#define VF_CLI_H

/* argv[1] names the command; returns the process's exit status. */
int vf_cli_main(int argc, char **argv);

/* The i-th command's name, NULL past the last (for tests and completion). */
const char *vf_cli_command_name(unsigned i);

#endif

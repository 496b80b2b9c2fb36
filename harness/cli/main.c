// SPDX-License-Identifier: GPL-2.0-only
/* vfconform's entry point: everything else is a library the tests link too. */
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return vf_cli_main(argc, argv);
}

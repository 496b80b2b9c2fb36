// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfconform steps: the step kinds of the case language, from their
 * descriptors (harness/steps/), so the list in CONTRIBUTING.md is made from
 * the code and checked against it (make check, 10-unit).
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "cli/cmd_steps.h"
#include "steps/step_kind.h"

static const char *personalities(unsigned p)
{
	return p == VF_PERS_BOTH ? "both" : p == VF_PERS_TYPE1 ? "type1" : "compat";
}

/* "iova= size= flags=": the fields the kind takes. */
static void fields(const struct vf_step_kind *k, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (int f = 0; f < VF_F_COUNT && n < len; f++)
		if (k->fields & VF_BIT(f))
			n += snprintf(buf + n, len - n, "%s%s=", n ? " " : "", vf_field_name(f));
}

int vf_cmd_steps(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "markdown", no_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	bool md = false;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt != 'm') {
			fputs("vfconform: bad option for steps\nTry 'vfconform --help'.\n", stderr);
			return 2;
		}
		md = true;
	}
	if (optind != argc) {
		fprintf(stderr, "vfconform: steps takes no argument '%s'\n", argv[optind]);
		return 2;
	}
	if (md)
		puts("| step | personality | fields | what it does |\n| --- | --- | --- | --- |");
	for (int op = 0; op < VF_OP_COUNT; op++) {
		const struct vf_step_kind *k = vf_step_kind(op);
		char f[256];

		fields(k, f, sizeof(f));
		if (md)
			printf("| `%s` | %s | %s | %s |\n", vf_op_name(op),
			       personalities(k->personalities), f[0] ? f : "—", k->about);
		else
			printf("%-22s %-6s %s\n%22s %s\n", vf_op_name(op),
			       personalities(k->personalities),
			       k->about, "", f);
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfconform failnth: a fail-nth sweep, as the kernel's iommufd_fail_nth.c
 * does it. The case runs again and again, each time in a fresh forked child,
 * with the step on line L made to fail at its nth fault-injection point
 * (nth = 1, 2, ...), until a run passes the step without reaching the nth
 * point: then every point of that path has been failed once. Each run must
 * end cleanly: the runner's own checks apply (no crash, no hang, and the
 * leak check: VmLck, VmPin and the probe's per-user count back to their start once every fd is closed),
 * and the step either fails or succeeds with the state the case's later steps
 * (MAPPED probes) record. Kernel WARN/BUG/oops lines are on the console,
 * which the caller (tests/fault/run-failnth.sh) checks.
 *
 * Needs CONFIG_FAULT_INJECTION_DEBUG_FS with FAILSLAB and FAIL_PAGE_ALLOC,
 * and their ignore-gfp-wait knobs off, or GFP_KERNEL allocations never fail.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "backends/backend.h"
#include "lang/case.h"
#include "exec/exec.h"
#include "fuzz/failnth.h"
#include "exec/runner.h"

const char vf_failnth_usage[] =
	"usage: vfconform failnth --backend NAME --case FILE --line L [--max N]\n"
	"Fails the nth fault-injection point of the step on line L of FILE, for\n"
	"nth = 1, 2, ... until the step no longer reaches nth points (at most N, 10000).\n"
	"One line per point: nth, whether it fired, the step's errno, the case's status.\n"
	"A path that allocates nothing has 0 points. exit 0: every run ended cleanly;\n"
	"1: a run crashed, hung, leaked or was an error, or fail-nth is not available\n"
	"(no CONFIG_FAULT_INJECTION_DEBUG_FS); 2: usage or case error.\n";

static const json_t *step_on_line(const json_t *jc, unsigned line)
{
	size_t i;
	json_t *s;

	json_array_foreach(json_object_get(jc, "steps"), i, s)
		if (json_integer_value(json_object_get(s, "line")) == line &&
		    !json_object_get(s, "setup"))
			return s;
	return NULL;
}

int vf_cmd_failnth(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "case", required_argument, NULL, 'c' },
		{ "line", required_argument, NULL, 'l' },
		{ "max", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const struct vf_backend_ops *be = NULL;
	const char *path = NULL;
	unsigned line = 0, max = 10000, points = 0, failed_clean = 0, succeeded = 0, bad = 0;
	char err[512];
	struct vf_case *c;
	int o;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'b':
			be = vf_backend_find(optarg);
			if (!be) {
				fprintf(stderr, "vfconform failnth: unknown backend '%s' (%s)\n",
					optarg, vf_backend_names());
				return 2;
			}
			break;
		case 'c':
			path = optarg;
			break;
		case 'l':
			line = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'm':
			max = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'h':
			fputs(vf_failnth_usage, stdout);
			return 0;
		default:
			fputs(vf_failnth_usage, stderr);
			return 2;
		}
	}
	if (!be || !path || !line || !max || optind != argc) {
		fprintf(stderr, "vfconform failnth: --backend, --case and --line are needed\n%s",
			vf_failnth_usage);
		return 2;
	}
	c = vf_case_parse_file(path, err, sizeof(err));
	if (!c) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	for (unsigned nth = 1; nth <= max; nth++) {
		const json_t *s, *fn;
		const char *status, *en;
		json_t *jc;
		bool fired;

		vf_fault = (struct vf_fault_inject){ .line = line, .nth = nth };
		jc = vf_run_case(be, c, false);
		s = step_on_line(jc, line);
		fn = json_object_get(json_object_get(s, "out"), "fail_nth");
		status = json_string_value(json_object_get(jc, "status"));
		if (!s || !fn || json_object_get(fn, "error")) {
			printf("failnth: %s line %u nth %u: no injection (%s%s%s)\n", c->name, line,
			       nth, !s ? "step not reached" : !fn ? "step made no ioctl" :
			       json_string_value(json_object_get(fn, "error")),
			       status ? ", case " : "", status ? status : "");
			bad++;
			json_decref(jc);
			break;
		}
		fired = json_is_true(json_object_get(fn, "fired"));
		en = json_string_value(json_object_get(s, "errno"));
		printf("failnth: %s line %u nth %u: %s, %s, case %s%s%s\n", c->name, line, nth,
		       fired ? "fired" : "not reached", en ? en : "success", status,
		       json_object_get(jc, "detail") ? ": " : "",
		       json_object_get(jc, "detail") ?
		       json_string_value(json_object_get(jc, "detail")) : "");
		if (strcmp(status, "pass") && strcmp(status, "fail"))
			bad++;		/* crash, timeout, leak, error */
		json_decref(jc);
		if (!fired)
			break;
		points++;
		if (en)
			failed_clean++;
		else
			succeeded++;
	}
	vf_fault = (struct vf_fault_inject){ 0 };
	printf("failnth: %s %s line %u: %u injection points, %u failed the ioctl, "
	       "%u let it succeed, %u bad runs\n", be->name, c->name, line, points,
	       failed_clean, succeeded, bad);
	vf_case_free(c);
	return bad ? 1 : 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * make bench, part 2: the whole case library on a sim backend in one
 * process, as the fuzzer runs its sequences: vf_run_case() in-process, each
 * case's result object built and dropped, without the fork, the pipe and the
 * JSON text, so the time is the sim's and the step marshalling's.
 * Usage: vfsim_libbench BACKEND [CASES-DIR] [ROUNDS]
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "backends/backend.h"
#include "lang/case.h"
#include "exec/runner.h"

int main(int argc, char **argv)
{
	const struct vf_backend_ops *be = argc > 1 ? vf_backend_find(argv[1]) : NULL;
	char *paths[1] = { argc > 2 ? argv[2] : "cases" };
	int rounds = argc > 3 ? atoi(argv[3]) : 5;
	struct vf_library lib = { 0 };
	struct timespec t0, t1;
	double best = 1e9;

	if (!be || rounds < 1 || vf_library_load(&lib, paths, 1)) {
		fprintf(stderr, "usage: vfsim_libbench sim-type1|sim-compat [CASES] [ROUNDS]\n");
		return 2;
	}
	for (int r = 0; r < rounds; r++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (unsigned i = 0; i < lib.n; i++)
			json_decref(vf_run_case(be, lib.cases[i], true));
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;

		if (s < best)
			best = s;
	}
	printf("%s %u %.6f\n", be->name, lib.n, best);
	vf_library_free(&lib);
	return 0;
}

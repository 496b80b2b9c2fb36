// SPDX-License-Identifier: GPL-2.0-only
/*
 * 30-sim's check that the fast paths change no observation: the whole
 * library on a sim backend, every case in-process (events handed over as
 * objects, the fuzzer's path) against the same case in a forked child (JSON
 * lines over a pipe), and the run document of `vfconform run`'s batch worker
 * against the one a fork per case gives, all compared as the bytes they are
 * written as. Usage: vfsim_samecheck BACKEND [CASES-DIR]; exit 1 on a difference.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "backends/backend.h"
#include "exec/runner.h"
#include "lang/case.h"
#include "results/run_json.h"

static char *case_text(json_t *c)
{
	char *s = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);

	json_decref(c);
	return s;
}

static char *doc_text(const struct vf_backend_ops *be, const struct vf_library *lib)
{
	struct vf_run_opts o = { .backend = be, .topo_mask = (1u << VF_TOPO_COUNT) - 1 };
	unsigned failed;
	json_t *doc = vf_run_library(&o, lib, &failed);
	char *s = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&s, &len);

	if (!m || vf_run_write(m, doc))
		exit(2);
	fclose(m);
	json_decref(doc);
	return s;
}

int main(int argc, char **argv)
{
	const struct vf_backend_ops *be = argc > 1 ? vf_backend_find(argv[1]) : NULL;
	char *paths[1] = { argc > 2 ? argv[2] : "cases" };
	struct vf_library lib = { 0 };
	struct vf_backend_ops forked;
	unsigned differ = 0;
	char *a, *b;
	bool same;

	if (!be || !(be->caps & VF_BACKEND_IN_PROCESS) || vf_library_load(&lib, paths, 1)) {
		fprintf(stderr, "usage: vfsim_samecheck sim-type1|sim-compat [CASES]\n");
		return 2;
	}
	for (unsigned i = 0; i < lib.n; i++) {
		a = case_text(vf_run_case(be, lib.cases[i], true));
		b = case_text(vf_run_case(be, lib.cases[i], false));
		if (!a || !b || strcmp(a, b)) {
			fprintf(stderr, "samecheck: %s: %s in-process differs from forked\n",
				be->name, lib.cases[i]->name);
			differ++;
		}
		free(a);
		free(b);
	}
	/* the same backend without the in-process cap: vfconform run forks per case */
	forked = *be;
	forked.caps &= ~VF_BACKEND_IN_PROCESS;
	a = doc_text(be, &lib);
	b = doc_text(&forked, &lib);
	same = !strcmp(a, b);
	free(a);
	free(b);
	printf("samecheck: %s: %u cases, %u differ in-process vs forked; run document of the "
	       "worker %s the fork per case\n", be->name, lib.n, differ,
	       same ? "==" : "DIFFERS from");
	vf_library_free(&lib);
	return differ || !same;
}

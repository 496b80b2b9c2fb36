// SPDX-License-Identifier: GPL-2.0-only
/*
 * KTAP: one test per case of the pair, one subtest per step. A new gap is
 * "not ok"; a known gap is "ok ... # XFAIL" (the kselftest convention for a
 * failure that is expected), with its id, so kernel CI parsers count both.
 * Then one test per fidelity run (a --run against the pair's run of the same
 * personality), one subtest per case: any difference there is a bug.
 */
#define _GNU_SOURCE
#include <string.h>
#include "report/report.h"

int vf_report_write_ktap(FILE *f, const json_t *r)
{
	const json_t *cases = json_object_get(r, "cases"), *gaps = json_object_get(r, "gaps");
	const json_t *pair = json_object_get(r, "pair"), *fids = json_object_get(r, "fidelity");
	size_t i, k, j;
	json_t *c, *st, *id, *fid;

	fprintf(f, "KTAP version 1\n# vfconform report: %s vs %s\n1..%zu\n", rj_str(pair, "a"),
		rj_str(pair, "b"), json_array_size(cases) + json_array_size(fids));
	json_array_foreach((json_t *)cases, i, c) {
		const json_t *steps = json_object_get(c, "steps");
		bool case_ok = !json_array_size(json_object_get(c, "case_gaps"));

		fprintf(f, "    KTAP version 1\n    # Subtest: %s\n    1..%zu\n", rj_str(c, "name"),
			json_array_size(steps));
		json_array_foreach((json_t *)steps, k, st) {
			const json_t *ids = json_object_get(st, "gaps");
			const char *first_new = NULL, *first_known = NULL;

			json_array_foreach((json_t *)ids, j, id) {
				const json_t *g = rj_gap(gaps, json_string_value(id));
				const char *b = rj_str(g, "baseline");

				if (!b || !strcmp(b, "new"))
					first_new = first_new ?: json_string_value(id);
				else
					first_known = first_known ?: json_string_value(id);
			}
			case_ok &= !first_new;
			fprintf(f, "    %s %zu step %zu %s", first_new ? "not ok" : "ok", k + 1,
				k + 1, rj_str(st, "op") ?: "?");
			if (first_new)
				fprintf(f, " # new gap %s", first_new);
			else if (first_known)
				fprintf(f, " # XFAIL known gap %s", first_known);
			fputc('\n', f);
		}
		fprintf(f, "%s %zu %s\n", case_ok ? "ok" : "not ok", i + 1, rj_str(c, "name"));
	}
	json_array_foreach((json_t *)fids, j, fid) {
		const char *run = rj_str(fid, "run");
		bool all_ok = true;

		fprintf(f, "    KTAP version 1\n    # Subtest: fidelity %s vs %s\n    1..%zu\n",
			run, rj_str(fid, "reference"), json_array_size(cases));
		json_array_foreach((json_t *)cases, i, c) {
			const json_t *ids = json_object_get(json_object_get(c, "fidelity"), run);

			all_ok &= !json_array_size(ids);
			fprintf(f, "    %s %zu %s", json_array_size(ids) ? "not ok" : "ok", i + 1,
				rj_str(c, "name"));
			if (json_array_size(ids))
				fprintf(f, " # fidelity gap %s",
					json_string_value(json_array_get(ids, 0)));
			fputc('\n', f);
		}
		fprintf(f, "%s %zu fidelity %s\n", all_ok ? "ok" : "not ok",
			json_array_size(cases) + j + 1, run);
	}
	return ferror(f) ? -1 : 0;
}

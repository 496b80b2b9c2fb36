// SPDX-License-Identifier: GPL-2.0-only
/*
 * junit.xml: one testcase per case step per backend pair. A gap the baseline
 * does not list fails its testcase; a known gap passes with the reason in
 * system-out; on a fidelity pair (simulator vs kernel) every gap fails.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include "report/report.h"

/* ids: gap ids on this step; strict: every gap fails (fidelity). */
static void testcase(FILE *f, const char *suite, const json_t *c, const json_t *st,
		     const json_t *ids, const json_t *gaps, bool strict, unsigned *failures)
{
	json_t *fail = json_array(), *known = json_array(), *id;
	size_t i;

	json_array_foreach((json_t *)ids, i, id) {
		const json_t *g = rj_gap(gaps, json_string_value(id));
		bool is_new = strict || !g || !rj_str(g, "baseline") ||
			      !strcmp(rj_str(g, "baseline"), "new");

		json_array_append(is_new ? fail : known, id);
	}
	fputs("    <testcase classname=\"", f);
	vf_report_escape(f, suite);
	fputc('.', f);
	vf_report_escape(f, rj_str(c, "name"));
	fprintf(f, "\" name=\"step %lld %s\">\n",
		(long long)json_integer_value(json_object_get(st, "step")),
		rj_str(st, "op") ?: "?");
	if (json_array_size(fail)) {
		(*failures)++;
		fputs("      <failure type=\"gap\" message=\"", f);
		fputs(strict ? "fidelity gap: " : "new gap: ", f);
		vf_report_escape(f, json_string_value(json_array_get(fail, 0)));
		fputs("\">", f);
		json_array_foreach(fail, i, id) {
			const json_t *g = rj_gap(gaps, json_string_value(id));
			char *d = vf_report_show(json_object_get(g, "diffs"), 400);

			vf_report_escape(f, json_string_value(id));
			fputs(": ", f);
			vf_report_escape(f, d);
			fputc('\n', f);
			free(d);
		}
		fputs("</failure>\n", f);
	}
	if (json_array_size(known)) {
		fputs("      <system-out>", f);
		json_array_foreach(known, i, id) {
			fputs("known gap ", f);
			vf_report_escape(f, json_string_value(id));
			fputs(": ", f);
			vf_report_escape(f, rj_str(rj_gap(gaps, json_string_value(id)), "reason"));
			fputc('\n', f);
		}
		fputs("</system-out>\n", f);
	}
	fputs("    </testcase>\n", f);
	json_decref(fail);
	json_decref(known);
}

static unsigned count_steps(const json_t *cases)
{
	unsigned n = 0;
	size_t i;
	json_t *c;

	json_array_foreach((json_t *)cases, i, c)
		n += json_array_size(json_object_get(c, "steps"));
	return n;
}

/* One testsuite; fid: the fidelity entry, or NULL for the compat pair. */
static void suite(FILE *f, const json_t *r, const json_t *fid)
{
	const json_t *cases = json_object_get(r, "cases"), *pair = json_object_get(r, "pair");
	const json_t *gaps = fid ? json_object_get(fid, "gaps") : json_object_get(r, "gaps");
	char name[256];
	unsigned failures = 0;
	size_t i, k;
	json_t *c, *st;
	char *body;
	size_t len;
	FILE *m;

	snprintf(name, sizeof(name), "%s-vs-%s", fid ? rj_str(fid, "reference") : rj_str(pair, "a"),
		 fid ? rj_str(fid, "run") : rj_str(pair, "b"));
	/* the counts go in the opening tag, so render the body first */
	m = open_memstream(&body, &len);
	json_array_foreach((json_t *)cases, i, c) {
		json_t *fl = fid ? json_object_get(json_object_get(c, "fidelity"),
						   rj_str(fid, "run")) : NULL;

		json_array_foreach(json_object_get(c, "steps"), k, st) {
			json_t *ids = json_array();

			if (fid) {
				size_t j;
				json_t *id;

				/* fidelity gaps are listed per case: take this step's */
				json_array_foreach(fl, j, id) {
					const json_t *g = rj_gap(gaps, json_string_value(id));

					if (json_integer_value(json_object_get(g, "step")) <=
					    (json_int_t)k + 1 &&
					    json_integer_value(json_object_get(g, "step_last")) >=
					    (json_int_t)k + 1)
						json_array_append(ids, id);
				}
			} else {
				json_array_extend(ids, json_object_get(st, "gaps"));
			}
			testcase(m, name, c, st, ids, gaps, fid != NULL, &failures);
			json_decref(ids);
		}
	}
	fclose(m);
	fputs("  <testsuite name=\"", f);
	vf_report_escape(f, name);
	fprintf(f, "\" tests=\"%u\" failures=\"%u\" errors=\"0\" skipped=\"0\">\n",
		count_steps(cases), failures);
	fwrite(body, 1, len, f);
	fputs("  </testsuite>\n", f);
	free(body);
}

int vf_report_write_junit(FILE *f, const json_t *r)
{
	size_t i;
	json_t *fid;

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"vfconform\">\n", f);
	suite(f, r, NULL);
	json_array_foreach(json_object_get(r, "fidelity"), i, fid)
		suite(f, r, fid);
	fputs("</testsuites>\n", f);
	return ferror(f) ? -1 : 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The results document: every gap of the pair with both observations, the
 * baseline's verdict and the affected clients; per case and step which gaps
 * it has, for the matrix, JUnit and KTAP; fidelity of extra runs (a simulator
 * personality against the kernel run of the same personality: any difference
 * there is a simulator bug). No timestamps, so a published report only
 * changes when its inputs do.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "results/gap.h"
#include "report/report.h"
#include "results/version.h"

char *vf_report_show(const json_t *v, size_t max)
{
	char *s = v ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) :
		  strdup("(absent)");

	if (s && max > 4 && strlen(s) > max)
		strcpy(s + max - 3, "...");
	return s ? s : strdup("?");
}

static json_t *run_info(const struct vf_report_run *r)
{
	const json_t *d = r->doc;
	const json_t *s = json_object_get(d, "summary");

	return json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:I, s:I}", "name", r->name, "file",
			 r->path, "backend", rj_str(d, "backend"), "personality",
			 rj_str(d, "personality"), "kernel_release", rj_str(d, "kernel_release"),
			 "cases", (json_int_t)json_array_size(json_object_get(d, "cases")),
			 "steps", json_integer_value(json_object_get(s, "steps")));
}

static const struct vf_case *lib_case(const struct vf_library *lib, const char *name)
{
	for (unsigned i = 0; lib && i < lib->n; i++)
		if (!strcmp(lib->cases[i]->name, name))
			return lib->cases[i];
	return NULL;
}

/* clients and cites: the case library when it has the case, else the run document. */
static void case_meta(const struct vf_library *lib, const json_t *c, json_t **clients,
		      json_t **cites)
{
	const struct vf_case *lc = lib_case(lib, rj_str(c, "name"));

	if (lc) {
		*clients = json_array();
		*cites = json_array();
		for (unsigned i = 0; i < lc->n_clients; i++)
			json_array_append_new(*clients, json_string(lc->clients[i]));
		for (unsigned i = 0; i < lc->n_cites; i++)
			json_array_append_new(*cites, json_pack("{s:s, s:s}", "client",
								lc->cites[i].client, "source",
								lc->cites[i].source));
		return;
	}
	*clients = json_copy(json_object_get(c, "clients"));
	*cites = json_copy(json_object_get(c, "cites"));
	if (!*clients)
		*clients = json_array();
	if (!*cites)
		*cites = json_array();
}

/* The observed part of a step, for side-by-side display. */
static json_t *observation(const json_t *s)
{
	static const char *const keys[] = { "args", "ret", "errno", "out", "acct", NULL };
	json_t *o;

	if (!s)
		return json_null();
	o = json_object();
	for (int i = 0; keys[i]; i++) {
		json_t *v = json_object_get(s, keys[i]);

		if (v)
			json_object_set(o, keys[i], v);
	}
	return o;
}

static json_t *gap_json(const struct vf_gap *g, const json_t *case_j,
			const struct vf_baseline *bl)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:i, s:i, s:s, s:i, s:i, s:i, s:b, s:s, s:O, s:o, "
			      "s:o}", "id", g->id, "case", g->case_name, "area", g->area, "step",
			      g->step, "step_last", g->step_last, "op", g->op, "ordinal",
			      g->ordinal, "ordinal_last", g->ordinal_last, "line", g->line,
			      "setup", g->setup, "kind", vf_gap_kind_name(g->kind), "diffs",
			      g->diffs, "a", observation(g->step_a), "b",
			      observation(g->step_b));

	if (case_j) {
		json_object_set(j, "clients", json_object_get(case_j, "clients"));
		json_object_set(j, "cites", json_object_get(case_j, "cites"));
	}
	if (bl) {
		const struct vf_baseline_entry *e = vf_baseline_find(bl, g->id);

		json_object_set_new(j, "baseline", json_string(e ? "known" : "new"));
		json_object_set_new(j, "reason", e ? json_string(e->reason) : json_null());
	}
	return j;
}

static json_t *find_named(json_t *arr, const char *name)
{
	size_t i;
	json_t *c;

	json_array_foreach(arr, i, c)
		if (!strcmp(rj_str(c, "name"), name))
			return c;
	return NULL;
}

/* The case rows: metadata, status per run, and each step with the ids of its gaps. */
static json_t *case_rows(const struct vf_report_input *in)
{
	const struct vf_report_run *runs[2 + VF_REPORT_MAX_RUNS] = { &in->a, &in->b };
	unsigned n_runs = 2;
	json_t *rows = json_array();

	for (unsigned i = 0; i < in->n_extra; i++)
		runs[n_runs++] = &in->extra[i];
	for (unsigned r = 0; r < n_runs; r++) {
		size_t i;
		json_t *c;

		json_array_foreach(json_object_get(runs[r]->doc, "cases"), i, c) {
			const char *name = rj_str(c, "name");
			json_t *row = find_named(rows, name), *steps;

			if (!row) {
				json_t *clients, *cites;
				size_t k;
				json_t *s;

				case_meta(in->lib, c, &clients, &cites);
				row = json_pack("{s:s, s:s, s:O?, s:s?, s:s?, s:O?, s:o, s:o, "
						"s:{}, s:[]}", "name", name, "area",
						json_string_value(json_array_get(
							json_object_get(c, "tags"), 0)) ?: "none",
						"tags", json_object_get(c, "tags"), "file",
						rj_str(c, "file"), "about", rj_str(c, "about"),
						"topo",
						json_object_get(c, "topo"), "clients", clients,
						"cites", cites, "status", "steps");
				steps = json_object_get(row, "steps");
				json_array_foreach(json_object_get(c, "steps"), k, s)
					json_array_append_new(steps, json_pack(
						"{s:I, s:s?, s:I, s:b, s:[]}", "step",
						(json_int_t)k + 1, "op", rj_str(s, "op"), "line",
						json_integer_value(json_object_get(s, "line")),
						"setup", json_is_true(json_object_get(s, "setup")),
						"gaps"));
				json_array_append_new(rows, row);
			}
			json_object_set_new(json_object_get(row, "status"), runs[r]->name,
					    json_string(rj_str(c, "status") ?: "?"));
		}
	}
	return rows;
}

/* Attach gap ids to their case row and step (under key: "gaps" or "fidelity"). */
static void attach(json_t *rows, const struct vf_gap_set *set, const char *run)
{
	for (unsigned i = 0; i < set->n; i++) {
		const struct vf_gap *g = &set->v[i];
		json_t *row = find_named(rows, g->case_name);
		json_t *step, *list;

		if (!row)
			continue;
		if (run) {
			json_t *fid = json_object_get(row, "fidelity");

			if (!fid) {
				fid = json_object();
				json_object_set_new(row, "fidelity", fid);
			}
			list = json_object_get(fid, run);
			if (!list) {
				list = json_array();
				json_object_set_new(fid, run, list);
			}
			json_array_append_new(list, json_string(g->id));
			continue;
		}
		step = g->step ? json_array_get(json_object_get(row, "steps"), g->step - 1) : NULL;
		/* a gap over a range line covers each of its steps */
		for (unsigned k = g->step + 1; step && k <= g->step_last; k++)
			json_array_append_new(json_object_get(json_array_get(
				json_object_get(row, "steps"), k - 1), "gaps"), json_string(g->id));
		if (!step) {
			/* a missing case or step: note it on the case itself */
			list = json_object_get(row, "case_gaps");
			if (!list) {
				list = json_array();
				json_object_set_new(row, "case_gaps", list);
			}
		} else {
			list = json_object_get(step, "gaps");
		}
		json_array_append_new(list, json_string(g->id));
	}
}

static json_t *kind_counts(const unsigned *by_kind)
{
	json_t *o = json_object();

	for (int k = 0; k < VF_GAP_KIND_COUNT; k++)
		json_object_set_new(o, vf_gap_kind_name(k), json_integer(by_kind[k]));
	return o;
}

static json_t *area_counts(const struct vf_gap_set *set)
{
	json_t *o = json_object();

	for (unsigned i = 0; i < set->n; i++) {
		const struct vf_gap *g = &set->v[i];
		json_t *a = json_object_get(o, g->area);
		const char *k = vf_gap_kind_name(g->kind);

		if (!a) {
			unsigned zero[VF_GAP_KIND_COUNT] = { 0 };

			a = kind_counts(zero);
			json_object_set_new(o, g->area, a);
		}
		json_object_set_new(a, k, json_integer(json_integer_value(json_object_get(a, k))
						       + 1));
	}
	return o;
}

static json_t *fidelity(const struct vf_report_input *in, json_t *rows)
{
	json_t *out = json_array();

	for (unsigned i = 0; i < in->n_extra; i++) {
		const struct vf_report_run *x = &in->extra[i];
		const char *p = rj_str(x->doc, "personality");
		const char *pa = rj_str(in->a.doc, "personality");
		const char *pb = rj_str(in->b.doc, "personality");
		const struct vf_report_run *ref = NULL;
		struct vf_gap_set set;
		json_t *gaps;

		if (p && pa && !strcmp(p, pa))
			ref = &in->a;
		else if (p && pb && !strcmp(p, pb))
			ref = &in->b;
		if (!ref || vf_gaps_compute(ref->doc, x->doc, &set))
			continue;
		gaps = json_array();
		for (unsigned k = 0; k < set.n; k++)
			json_array_append_new(gaps, gap_json(&set.v[k], find_named(rows,
							set.v[k].case_name), NULL));
		attach(rows, &set, x->name);
		json_array_append_new(out, json_pack("{s:s, s:s, s:{s:i, s:i, s:i, s:i, s:o}, s:o}",
						     "run", x->name, "reference", ref->name,
						     "summary", "cases", set.cases, "steps",
						     set.steps, "steps_differ", set.steps_differ,
						     "gaps", set.n, "by_kind",
						     kind_counts(set.by_kind), "gaps", gaps));
		vf_gaps_free(&set);
	}
	return out;
}

/*
 * The real-clients section: what make clients saw (clients/run-clients.sh
 * writes it as Markdown), carried verbatim so every format shows the same text.
 */
static json_t *real_clients(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0;
	json_t *rc;

	if (!f) {
		fprintf(stderr, "vfconform report: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if (getdelim(&text, &len, 0, f) < 0) {
		free(text);
		text = strdup("");
	}
	fclose(f);
	rc = json_pack("{s:s, s:s}", "source", path, "markdown", text ? text : "");
	free(text);
	return rc;
}

json_t *vf_report_build(const struct vf_report_input *in)
{
	struct vf_gap_set set;
	json_t *r, *runs, *rows, *gaps, *gone, *rc = NULL;
	unsigned known = 0, added = 0;

	if (in->clients_md && !(rc = real_clients(in->clients_md)))
		return NULL;
	if (vf_gaps_compute(in->a.doc, in->b.doc, &set)) {
		json_decref(rc);
		return NULL;
	}
	runs = json_array();
	json_array_append_new(runs, run_info(&in->a));
	json_array_append_new(runs, run_info(&in->b));
	for (unsigned i = 0; i < in->n_extra; i++)
		json_array_append_new(runs, run_info(&in->extra[i]));
	rows = case_rows(in);
	attach(rows, &set, NULL);
	gaps = json_array();
	/* worst first: where a device's DMA differs, then the rest in id order */
	for (unsigned i = 0; i < 2 * set.n; i++) {
		const struct vf_gap *v = &set.v[i % set.n];
		json_t *g;

		if ((v->kind == VF_GAP_DMA) != (i < set.n))
			continue;
		g = gap_json(v, find_named(rows, v->case_name), in->baseline);
		if (in->baseline && vf_baseline_find(in->baseline, v->id))
			known++;
		else
			added++;
		json_array_append_new(gaps, g);
	}
	gone = json_array();
	for (unsigned i = 0; in->baseline && i < in->baseline->n; i++) {
		const struct vf_baseline_entry *e = &in->baseline->v[i];

		if (!vf_gaps_find(&set, e->id))
			json_array_append_new(gone, json_pack("{s:s, s:s, s:i}", "id", e->id,
							      "reason", e->reason,
							      "line", e->line));
	}
	r = json_pack("{s:s, s:s, s:o, s:{s:s, s:s}, s:o, s:{s:i, s:i, s:i, s:i, s:i, s:i, s:o, "
		      "s:o, s:i, s:i, s:i}, s:o, s:o, s:o}",
		      "format", VF_REPORT_FORMAT, "tool", VF_TOOL_VERSION, "runs", runs, "pair",
		      "a", in->a.name, "b", in->b.name, "baseline",
		      in->baseline ? json_pack("{s:s, s:i}", "file", in->baseline->path,
					       "entries", in->baseline->n) : json_null(),
		      "summary", "cases", set.cases, "skipped", set.skipped, "steps", set.steps,
		      "steps_differ", set.steps_differ, "cases_differ", set.cases_differ, "gaps",
		      set.n, "by_kind", kind_counts(set.by_kind), "by_area", area_counts(&set),
		      "known", known, "new", added, "disappeared", (int)json_array_size(gone),
		      "cases", rows, "gaps", gaps, "disappeared", gone);
	json_object_set_new(r, "fidelity", fidelity(in, rows));
	if (rc)
		json_object_set_new(r, "real_clients", rc);
	vf_gaps_free(&set);
	return r;
}

void vf_report_escape(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default:
			/* control characters are not allowed in XML 1.0 */
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				fputc('?', f);
			else
				fputc(*s, f);
		}
	}
}

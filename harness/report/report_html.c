// SPDX-License-Identifier: GPL-2.0-only
/*
 * index.html: one self-contained page (inline style and script, no fetches,
 * a CSP that forbids them) with the headline, the area x kind table, a
 * sortable and filterable matrix of cases x backends and every gap in detail.
 * The content is static HTML, so it reads without script too; the script
 * only sorts and filters.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include "results/gap.h"
#include "report/report.h"

#define CELL_MAX 300

static void esc_json(FILE *f, const json_t *v)
{
	char *s = vf_report_show(v, CELL_MAX);

	vf_report_escape(f, s);
	free(s);
}

static const char style[] =
	"body{font:14px/1.4 sans-serif;margin:1em 2em;color:#222}"
	"h1{font-size:1.5em}h2{margin-top:1.5em;border-bottom:1px solid #ccc}"
	"table{border-collapse:collapse;margin:.5em 0}"
	"th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}"
	"th{background:#eee;cursor:pointer;user-select:none}"
	"td.n{text-align:right}.pass{background:#e6f4e6}.fail,.crash,.timeout{background:#f8d7d7}"
	".skip{background:#eee}.gaps{background:#fff0c8}.new{background:#f8b0b0;font-weight:bold}"
	".known{color:#666}code{font:12px monospace;white-space:pre-wrap;word-break:break-all}"
	".headline{font-size:1.2em}.controls{margin:.5em 0}.controls input[type=search]{width:24em}"
	"tr.d td{background:#fff7e0}"
	"section.gap{border:1px solid #ddd;margin:.6em 0;padding:.3em .8em}"
	"section.gap h3{font:bold 13px monospace;margin:.3em 0}";

static const char script[] =
	"(function(){\n"
	"var q=document.getElementById('filter'),k=document.getElementById('kind'),"
	"o=document.getElementById('only');\n"
	"function apply(){var t=q.value.toLowerCase(),kind=k.value;\n"
	" document.querySelectorAll('[data-filter]').forEach(function(e){\n"
	"  var show=e.textContent.toLowerCase().indexOf(t)>=0;\n"
	"  if(kind)show=show&&(' '+e.getAttribute('data-kinds')+' ').indexOf(' '+kind+' ')>=0;\n"
	"  if(o.checked&&e.getAttribute('data-kinds')==='')show=false;\n"
	"  e.style.display=show?'':'none';});\n"
	" var n=document.querySelectorAll('section.gap:not([style*=\"none\"])').length;\n"
	" document.getElementById('shown').textContent=n;}\n"
	"[q,k,o].forEach(function(e){e.addEventListener('input',apply);"
	"e.addEventListener('change',apply);});\n"
	"document.querySelectorAll('table.sortable th').forEach(function(th,i){\n"
	" th.addEventListener('click',function(){var tb=th.closest('table').tBodies[0],"
	"num=th.getAttribute('data-type')==='num',dir=th.getAttribute('data-dir')==='a'?-1:1;\n"
	"  th.setAttribute('data-dir',dir>0?'a':'d');\n"
	"  Array.from(tb.rows).sort(function(a,b){var x=a.cells[i].textContent,"
	"y=b.cells[i].textContent;\n"
	"   if(num){x=parseFloat(x)||0;y=parseFloat(y)||0;return (x-y)*dir;}\n"
	"   return x.localeCompare(y)*dir;}).forEach(function(r){tb.appendChild(r);});});});\n"
	"apply();})();\n";

static void headline(FILE *f, const json_t *r)
{
	const json_t *s = json_object_get(r, "summary"), *bl = json_object_get(r, "baseline");
	const json_t *pair = json_object_get(r, "pair");
	size_t i;
	json_t *run;

	fputs("<h1>Compat gaps: ", f);
	vf_report_escape(f, rj_str(pair, "a"));
	fputs(" vs ", f);
	vf_report_escape(f, rj_str(pair, "b"));
	fprintf(f, "</h1>\n<p class=\"headline\"><b><span id=\"gap-count\">%lld</span> gaps</b> in "
		"<span id=\"cases-differ\">%lld</span> of "
		"<span id=\"case-count\">%lld</span> cases; "
		"%lld of %lld steps differ.", (long long)rj_int(s, "gaps"),
		(long long)rj_int(s, "cases_differ"), (long long)rj_int(s, "cases"),
		(long long)rj_int(s, "steps_differ"), (long long)rj_int(s, "steps"));
	if (json_is_object(bl)) {
		fputs(" Baseline <code>", f);
		vf_report_escape(f, rj_str(bl, "file"));
		fprintf(f, "</code>: %lld known, <span class=\"%s\">%lld new</span>, %lld "
			"disappeared.", (long long)rj_int(s, "known"),
			rj_int(s, "new") ? "new" : "",
			(long long)rj_int(s, "new"), (long long)rj_int(s, "disappeared"));
	}
	fputs("</p>\n<ul>\n", f);
	json_array_foreach(json_object_get(r, "runs"), i, run) {
		fputs("<li>", f);
		vf_report_escape(f, rj_str(run, "name"));
		fputs(": <code>", f);
		vf_report_escape(f, rj_str(run, "file"));
		fputs("</code> (", f);
		vf_report_escape(f, rj_str(run, "personality") ?: "?");
		fputs(", kernel ", f);
		vf_report_escape(f, rj_str(run, "kernel_release") ?: "?");
		fprintf(f, ", %lld cases)</li>\n", (long long)rj_int(run, "cases"));
	}
	fputs("</ul>\n", f);
}

static void area_table(FILE *f, const json_t *r)
{
	const json_t *s = json_object_get(r, "summary");
	const char *area;
	json_t *a;

	fputs("<h2>Gaps per area and kind</h2>\n<table id=\"areas\" class=\"sortable\"><thead><tr>"
	      "<th>area</th>", f);
	for (int k = 0; k < VF_GAP_KIND_COUNT; k++)
		fprintf(f, "<th data-type=\"num\">%s</th>", vf_gap_kind_name(k));
	fputs("<th data-type=\"num\">total</th></tr></thead><tbody>\n", f);
	json_object_foreach(json_object_get(s, "by_area"), area, a) {
		json_int_t t = 0;

		fputs("<tr><td>", f);
		vf_report_escape(f, area);
		fputs("</td>", f);
		for (int k = 0; k < VF_GAP_KIND_COUNT; k++) {
			json_int_t n = rj_int(a, vf_gap_kind_name(k));

			fprintf(f, "<td class=\"n\">%lld</td>", (long long)n);
			t += n;
		}
		fprintf(f, "<td class=\"n\">%lld</td></tr>\n", (long long)t);
	}
	fputs("</tbody><tfoot><tr><th>total</th>", f);
	for (int k = 0; k < VF_GAP_KIND_COUNT; k++)
		fprintf(f, "<th class=\"n\">%lld</th>",
			(long long)rj_int(json_object_get(s, "by_kind"), vf_gap_kind_name(k)));
	fprintf(f, "<th class=\"n\">%lld</th></tr></tfoot></table>\n",
		(long long)rj_int(s, "gaps"));
}

/* Index of a gap in the gaps array: its anchor is gap-N (ids hold '#' and ':'). */
static long gap_index(const json_t *gaps, const char *id)
{
	size_t i;
	json_t *g;

	json_array_foreach((json_t *)gaps, i, g)
		if (!strcmp(rj_str(g, "id"), id))
			return (long)i;
	return -1;
}

static void clients_text(FILE *f, const json_t *clients)
{
	size_t i;
	json_t *c;

	json_array_foreach((json_t *)clients, i, c) {
		if (i)
			fputs(", ", f);
		vf_report_escape(f, json_string_value(c));
	}
}

static void matrix(FILE *f, const json_t *r)
{
	const json_t *runs = json_object_get(r, "runs"), *gaps = json_object_get(r, "gaps");
	size_t i, k, j;
	json_t *c, *run, *st, *id;

	fputs("<h2>Cases &times; backends</h2>\n<div class=\"controls\"><input id=\"filter\" "
	      "type=\"search\" placeholder=\"filter: case, area, client, gap id...\"> <select "
	      "id=\"kind\"><option value=\"\">every kind</option>", f);
	for (int kd = 0; kd < VF_GAP_KIND_COUNT; kd++)
		fprintf(f, "<option>%s</option>", vf_gap_kind_name(kd));
	fputs("</select> <label><input type=\"checkbox\" id=\"only\"> only cases with gaps</label> "
	      "&mdash; <span id=\"shown\"></span> gap details shown</div>\n"
	      "<table id=\"matrix\" class=\"sortable\"><thead><tr><th>case</th><th>area</th>"
	      "<th>clients</th><th data-type=\"num\">steps</th>", f);
	json_array_foreach((json_t *)runs, i, run) {
		fputs("<th>", f);
		vf_report_escape(f, rj_str(run, "name"));
		fputs("</th>", f);
	}
	fputs("<th data-type=\"num\">gaps</th><th>kinds</th></tr></thead><tbody>\n", f);
	json_array_foreach(json_object_get(r, "cases"), i, c) {
		json_t *kinds = json_object(), *first = NULL;
		unsigned n = 0;
		const char *kn;
		json_t *v;

		json_array_foreach(json_object_get(c, "steps"), k, st)
			json_array_foreach(json_object_get(st, "gaps"), j, id) {
				const json_t *g = json_array_get(gaps, gap_index(gaps,
							json_string_value(id)));

				json_object_set_new(kinds, rj_str(g, "kind"), json_true());
				first = first ?: id;
				n++;
			}
		json_array_foreach(json_object_get(c, "case_gaps"), j, id) {
			json_object_set_new(kinds, "missing", json_true());
			first = first ?: id;
			n++;
		}
		fputs("<tr data-filter data-kinds=\"", f);
		json_object_foreach(kinds, kn, v)
			fprintf(f, "%s ", kn);
		fputs("\"><td><code>", f);
		vf_report_escape(f, rj_str(c, "name"));
		fputs("</code></td><td>", f);
		vf_report_escape(f, rj_str(c, "area"));
		fputs("</td><td>", f);
		clients_text(f, json_object_get(c, "clients"));
		fprintf(f, "</td><td class=\"n\">%zu</td>",
			json_array_size(json_object_get(c, "steps")));
		json_array_foreach((json_t *)runs, k, run) {
			const char *st_s = rj_str(json_object_get(c, "status"),
						  rj_str(run, "name"));
			json_t *fl = json_object_get(json_object_get(c, "fidelity"),
						     rj_str(run, "name"));

			if (!st_s) {
				fputs("<td class=\"skip\">&mdash;</td>", f);
				continue;
			}
			/*
			 * the pair's second column carries the gaps, a sim column its
			 * fidelity; a failed expectation (fail, crash, timeout) keeps its
			 * own colour there, so it does not hide behind the gaps
			 */
			fprintf(f, "<td class=\"%s\">%s",
				k == 1 && n && !strcmp(st_s, "pass") ? "gaps" : st_s, st_s);
			if (k == 1 && n)
				fprintf(f, ", <a href=\"#gap-%ld\">%u gap%s</a>",
					gap_index(gaps, json_string_value(first)), n,
					n == 1 ? "" : "s");
			if (k >= 2 && json_array_size(fl))
				fprintf(f, ", %zu fidelity gaps", json_array_size(fl));
			fputs("</td>", f);
		}
		fprintf(f, "<td class=\"n\">%u</td><td>", n);
		json_object_foreach(kinds, kn, v)
			fprintf(f, "%s ", kn);
		fputs("</td></tr>\n", f);
		json_decref(kinds);
	}
	fputs("</tbody></table>\n", f);
}

static void obs_row(FILE *f, const char *label, const json_t *a, const json_t *b, bool hl)
{
	fprintf(f, "<tr%s><th>", hl ? " class=\"d\"" : "");
	vf_report_escape(f, label);
	fputs("</th><td><code>", f);
	esc_json(f, a);
	fputs("</code></td><td><code>", f);
	esc_json(f, b);
	fputs("</code></td></tr>\n", f);
}

static void gap_detail(FILE *f, const json_t *r, const json_t *g, size_t idx)
{
	static const char *const rows[] = { "args", "ret", "errno", "out", "acct", NULL };
	const json_t *pair = json_object_get(r, "pair"), *cites = json_object_get(g, "cites");
	const char *bl = rj_str(g, "baseline");
	size_t i, k;
	json_t *d, *c, *ct;

	fprintf(f, "<section class=\"gap\" id=\"gap-%zu\" data-filter data-kinds=\"%s\">"
		"<h3>", idx, rj_str(g, "kind"));
	vf_report_escape(f, rj_str(g, "id"));
	fputs("</h3>\n<p>case <code>", f);
	vf_report_escape(f, rj_str(g, "case"));
	if (rj_int(g, "step_last") > rj_int(g, "step"))
		fprintf(f, "</code>, steps %lld..%lld <code>%s</code> (#%lld..%lld, one range line "
			"%lld; the first shown)", (long long)rj_int(g, "step"),
			(long long)rj_int(g, "step_last"), rj_str(g, "op"),
			(long long)rj_int(g, "ordinal"),
			(long long)rj_int(g, "ordinal_last"), (long long)rj_int(g, "line"));
	else
		fprintf(f, "</code>, step %lld <code>%s</code> (#%lld of the case), line %lld%s",
			(long long)rj_int(g, "step"), rj_str(g, "op"),
			(long long)rj_int(g, "ordinal"), (long long)rj_int(g, "line"),
			json_is_true(json_object_get(g, "setup")) ? " (setup)" : "");
	fprintf(f, "; kind <b>%s</b>", rj_str(g, "kind"));
	if (bl) {
		fprintf(f, "; baseline: <span class=\"%s\">%s</span>", bl, bl);
		if (rj_str(g, "reason")) {
			fputs(" &mdash; ", f);
			vf_report_escape(f, rj_str(g, "reason"));
		}
	}
	fputs("<br>affected: ", f);
	if (!json_array_size(json_object_get(g, "clients")))
		fputs("no client declared", f);
	json_array_foreach(json_object_get(g, "clients"), i, c) {
		fprintf(f, "%s<b>", i ? "; " : "");
		vf_report_escape(f, json_string_value(c));
		fputs("</b>", f);
		json_array_foreach((json_t *)cites, k, ct)
			if (!strcmp(rj_str(ct, "client"), json_string_value(c))) {
				fputs(" <code>", f);
				vf_report_escape(f, rj_str(ct, "source"));
				fputs("</code>", f);
			}
	}
	fputs("</p>\n<table class=\"obs\"><tr><th></th><th>", f);
	vf_report_escape(f, rj_str(pair, "a"));
	fputs("</th><th>", f);
	vf_report_escape(f, rj_str(pair, "b"));
	fputs("</th></tr>\n", f);
	json_array_foreach(json_object_get(g, "diffs"), i, d)
		obs_row(f, rj_str(d, "field"), json_object_get(d, "a"), json_object_get(d, "b"),
			true);
	for (int j = 0; rows[j]; j++)
		obs_row(f, rows[j], json_object_get(json_object_get(g, "a"), rows[j]),
			json_object_get(json_object_get(g, "b"), rows[j]), false);
	fputs("</table></section>\n", f);
}

int vf_report_write_html(FILE *f, const json_t *r)
{
	const json_t *pair = json_object_get(r, "pair");
	size_t i;
	json_t *g, *fid;

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n<title>Compat gaps: ", f);
	vf_report_escape(f, rj_str(pair, "a"));
	fputs(" vs ", f);
	vf_report_escape(f, rj_str(pair, "b"));
	fprintf(f, "</title>\n<style>%s</style></head><body>\n", style);
	headline(f, r);
	area_table(f, r);
	json_array_foreach(json_object_get(r, "fidelity"), i, fid) {
		const json_t *s = json_object_get(fid, "summary");

		if (!i)
			fputs("<h2>Simulator fidelity</h2>\n<p>A difference between a simulator "
			      "personality and the kernel run of that personality is a simulator "
			      "bug.</p>\n<table><tr><th>run</th><th>reference</th><th>steps</th>"
			      "<th>differ</th><th>gaps</th></tr>\n", f);
		fputs("<tr><td>", f);
		vf_report_escape(f, rj_str(fid, "run"));
		fputs("</td><td>", f);
		vf_report_escape(f, rj_str(fid, "reference"));
		fprintf(f, "</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td><td class=\"n\">"
			"%lld</td></tr>\n", (long long)rj_int(s, "steps"),
			(long long)rj_int(s, "steps_differ"), (long long)rj_int(s, "gaps"));
	}
	if (json_array_size(json_object_get(r, "fidelity")))
		fputs("</table>\n", f);
	matrix(f, r);
	if (json_array_size(json_object_get(r, "disappeared"))) {
		fputs("<h2>Disappeared gaps</h2>\n<ul>\n", f);
		json_array_foreach(json_object_get(r, "disappeared"), i, g) {
			fputs("<li><code>", f);
			vf_report_escape(f, rj_str(g, "id"));
			fputs("</code>: ", f);
			vf_report_escape(f, rj_str(g, "reason"));
			fputs("</li>\n", f);
		}
		fputs("</ul>\n", f);
	}
	if (rj_str(json_object_get(r, "real_clients"), "markdown")) {
		/* the summary is Markdown from make clients; shown as written */
		fputs("<h2 id=\"real-clients\">Real clients</h2>\n<pre class=\"clients\">", f);
		vf_report_escape(f, rj_str(json_object_get(r, "real_clients"), "markdown"));
		fputs("</pre>\n", f);
	}
	fputs("<h2>Gap detail</h2>\n", f);
	json_array_foreach(json_object_get(r, "gaps"), i, g)
		gap_detail(f, r, g, i);
	fprintf(f, "<script>%s</script>\n</body></html>\n", script);
	return ferror(f) ? -1 : 0;
}

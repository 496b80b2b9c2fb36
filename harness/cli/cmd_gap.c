// SPDX-License-Identifier: GPL-2.0-only
/* vfconform gaps / gate / report: option parsing and wiring. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "results/baseline.h"
#include "lang/case.h"
#include "cli/cmd_gap.h"
#include "results/gap.h"
#include "results/gate.h"
#include "report/report.h"
#include "results/run_json.h"

#define EXIT_USAGE 2
/* gate uses 1 and 2 for gap changes, so its own errors need a status of their own */
#define EXIT_GATE_ERROR 3

static int usage_error(int status, const char *fmt, const char *arg)
{
	fputs("vfconform: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'vfconform --help'.\n", stderr);
	return status;
}

/* Load the pair; 0 or a message and -1. */
static int load_pair(const char *pa, const char *pb, json_t **a, json_t **b)
{
	*a = vf_run_load(pa);
	*b = *a ? vf_run_load(pb) : NULL;
	if (!*a || !*b) {
		json_decref(*a);
		return -1;
	}
	return 0;
}

int vf_cmd_gaps(int argc, char **argv)
{
	static const struct option opts[] = { { NULL, 0, NULL, 0 } };
	struct vf_gap_set set;
	json_t *a, *b;

	if (getopt_long(argc, argv, "", opts, NULL) != -1)
		return usage_error(EXIT_USAGE, "gaps takes no options%s", "");
	if (argc - optind != 2)
		return usage_error(EXIT_USAGE, "gaps takes two run documents%s", "");
	if (load_pair(argv[optind], argv[optind + 1], &a, &b))
		return EXIT_USAGE;
	if (vf_gaps_compute(a, b, &set)) {
		json_decref(a);
		json_decref(b);
		return EXIT_USAGE;
	}
	for (unsigned i = 0; i < set.n; i++) {
		const struct vf_gap *g = &set.v[i];
		json_t *d = json_array_get(g->diffs, 0);
		char *sa = json_dumps(json_object_get(d, "a"), JSON_COMPACT | JSON_ENCODE_ANY);
		char *sb = json_dumps(json_object_get(d, "b"), JSON_COMPACT | JSON_ENCODE_ANY);

		printf("%s\tstep %u line %u\t%s: %.50s | %.50s\n", g->id, g->step, g->line,
		       d ? json_string_value(json_object_get(d, "field")) : "-",
		       sa ? sa : "(absent)", sb ? sb : "(absent)");
		free(sa);
		free(sb);
	}
	printf("# %u gaps in %u of %u cases (%u steps differ of %u);", set.n, set.cases_differ,
	       set.cases, set.steps_differ, set.steps);
	for (int k = 0; k < VF_GAP_KIND_COUNT; k++)
		printf(" %s %u", vf_gap_kind_name(k), set.by_kind[k]);
	printf("\n");
	vf_gaps_free(&set);
	json_decref(a);
	json_decref(b);
	return 0;
}

int vf_cmd_gate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "baseline", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 }
	};
	const char *baseline = NULL;
	struct vf_baseline bl;
	struct vf_gap_set set;
	json_t *a, *b;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt != 'b')
			return usage_error(EXIT_GATE_ERROR, "bad option for gate%s", "");
		baseline = optarg;
	}
	if (argc - optind != 2)
		return usage_error(EXIT_GATE_ERROR, "gate takes two run documents%s", "");
	if (!baseline)
		return usage_error(EXIT_GATE_ERROR, "gate needs --baseline FILE%s", "");
	if (vf_baseline_load(&bl, baseline, stderr)) {
		fprintf(stderr, "vfconform gate: %s: the baseline has errors\n", baseline);
		vf_baseline_free(&bl);
		return EXIT_GATE_ERROR;
	}
	if (load_pair(argv[optind], argv[optind + 1], &a, &b)) {
		vf_baseline_free(&bl);
		return EXIT_GATE_ERROR;
	}
	if (vf_gaps_compute(a, b, &set)) {
		ret = EXIT_GATE_ERROR;
	} else {
		ret = vf_gate(&set, &bl, stdout, NULL);
		vf_gaps_free(&set);
	}
	vf_baseline_free(&bl);
	json_decref(a);
	json_decref(b);
	return ret;
}

/* mkdir -p */
static int make_dir(const char *path)
{
	char *p = strdup(path);

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, 0755) && errno != EEXIST)
			break;
		*s = '/';
	}
	free(p);
	if (mkdir(path, 0755) && errno != EEXIST) {
		fprintf(stderr, "vfconform report: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int write_one(const char *dir, const char *name, const json_t *r,
		     int (*render)(FILE *, const json_t *))
{
	char *path, *tmp;
	FILE *f;
	int ret;

	if (asprintf(&path, "%s/%s", dir, name) < 0 || asprintf(&tmp, "%s.tmp", path) < 0)
		return -1;
	f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "vfconform report: %s: %s\n", tmp, strerror(errno));
		free(path);
		free(tmp);
		return -1;
	}
	ret = render(f, r);
	if (fclose(f))
		ret = -1;
	/* rename: a half-written report never replaces a published one */
	if (!ret && rename(tmp, path))
		ret = -1;
	if (ret)
		fprintf(stderr, "vfconform report: %s: write failed\n", path);
	free(path);
	free(tmp);
	return ret;
}

static int render_json(FILE *f, const json_t *r)
{
	if (json_dumpf(r, f, JSON_INDENT(1) | JSON_SORT_KEYS))
		return -1;
	fputc('\n', f);
	return ferror(f) ? -1 : 0;
}

static void free_runs(struct vf_report_input *in)
{
	json_decref(in->a.doc);
	json_decref(in->b.doc);
	for (unsigned i = 0; i < in->n_extra; i++)
		json_decref(in->extra[i].doc);
}

int vf_cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "baseline", required_argument, NULL, 'b' },
		{ "run", required_argument, NULL, 'r' },
		{ "out", required_argument, NULL, 'o' },
		{ "cases", required_argument, NULL, 'c' },
		{ "clients", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	struct vf_report_input in = { .n_extra = 0 };
	char *extra_spec[VF_REPORT_MAX_RUNS];
	const char *baseline = NULL, *out = NULL, *cases = NULL;
	struct vf_baseline bl;
	struct vf_library lib = { .n = 0 };
	struct stat st;
	json_t *r;
	int opt, ret = 0;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'b':
			baseline = optarg;
			break;
		case 'r':
			if (in.n_extra == VF_REPORT_MAX_RUNS)
				return usage_error(EXIT_USAGE, "at most 8 --run%s", "");
			if (!strchr(optarg, '=') || optarg[0] == '=')
				return usage_error(EXIT_USAGE, "--run wants NAME=FILE, not '%s'",
						   optarg);
			extra_spec[in.n_extra++] = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'c':
			cases = optarg;
			break;
		case 'l':
			in.clients_md = optarg;
			break;
		default:
			return usage_error(EXIT_USAGE, "bad option for report%s", "");
		}
	}
	if (argc - optind != 2)
		return usage_error(EXIT_USAGE, "report takes two run documents (A B)%s", "");
	if (!out)
		return usage_error(EXIT_USAGE, "report needs --out DIR%s", "");
	if (baseline && vf_baseline_load(&bl, baseline, stderr)) {
		fprintf(stderr, "vfconform report: %s: the baseline has errors\n", baseline);
		vf_baseline_free(&bl);
		return EXIT_USAGE;
	}
	/* the case library, for clients and cites newer than the runs */
	if (!cases && !stat("cases", &st) && S_ISDIR(st.st_mode))
		cases = "cases";
	if (cases) {
		char *paths[1] = { (char *)cases };

		if (vf_library_load(&lib, paths, 1)) {
			fprintf(stderr, "vfconform report: %s: errors in the case library\n",
				cases);
			ret = EXIT_USAGE;
			goto out_bl;
		}
		in.lib = &lib;
	}
	if (load_pair(argv[optind], argv[optind + 1], &in.a.doc, &in.b.doc)) {
		ret = EXIT_USAGE;
		goto out_lib;
	}
	in.a.path = argv[optind];
	in.b.path = argv[optind + 1];
	in.a.name = json_string_value(json_object_get(in.a.doc, "backend")) ?: "A";
	in.b.name = json_string_value(json_object_get(in.b.doc, "backend")) ?: "B";
	for (unsigned i = 0; i < in.n_extra; i++) {
		char *eq = strchr(extra_spec[i], '=');

		*eq = 0;
		in.extra[i].name = extra_spec[i];
		in.extra[i].path = eq + 1;
		in.extra[i].doc = vf_run_load(eq + 1);
		if (!in.extra[i].doc) {
			in.n_extra = i;
			ret = EXIT_USAGE;
			goto out_runs;
		}
	}
	in.baseline = baseline ? &bl : NULL;
	r = vf_report_build(&in);
	if (!r || make_dir(out) ||
	    write_one(out, "results.json", r, render_json) ||
	    write_one(out, "compat-gaps.md", r, vf_report_write_md) ||
	    write_one(out, "index.html", r, vf_report_write_html) ||
	    write_one(out, "junit.xml", r, vf_report_write_junit) ||
	    write_one(out, "report.ktap", r, vf_report_write_ktap)) {
		ret = EXIT_USAGE;
	} else {
		const json_t *s = json_object_get(r, "summary");

		printf("report: %s vs %s: %lld cases, %lld steps; %lld steps differ in %lld cases; "
		       "%lld gaps:", in.a.name, in.b.name,
		       (long long)json_integer_value(json_object_get(s, "cases")),
		       (long long)json_integer_value(json_object_get(s, "steps")),
		       (long long)json_integer_value(json_object_get(s, "steps_differ")),
		       (long long)json_integer_value(json_object_get(s, "cases_differ")),
		       (long long)json_integer_value(json_object_get(s, "gaps")));
		for (int k = 0; k < VF_GAP_KIND_COUNT; k++)
			printf(" %s %lld", vf_gap_kind_name(k), (long long)json_integer_value(
				json_object_get(json_object_get(s, "by_kind"),
						vf_gap_kind_name(k))));
		printf("\n");
		if (baseline)
			printf("report: baseline %s: %lld known, %lld new, %lld disappeared\n",
			       baseline, (long long)json_integer_value(json_object_get(s, "known")),
			       (long long)json_integer_value(json_object_get(s, "new")),
			       (long long)json_integer_value(json_object_get(s, "disappeared")));
		printf("report: %s/index.html (also compat-gaps.md, results.json, junit.xml, "
		       "report.ktap)\n", out);
	}
	json_decref(r);
out_runs:
	free_runs(&in);
out_lib:
	if (in.lib)
		vf_library_free(&lib);
out_bl:
	if (baseline)
		vf_baseline_free(&bl);
	return ret;
}

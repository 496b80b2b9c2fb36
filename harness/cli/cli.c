// SPDX-License-Identifier: GPL-2.0-only
/* vfconform: the command line (a table of commands; main.c calls vf_cli_main). */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include "backends/backend.h"
#include "cli/cli.h"
#include "lang/case.h"
#include "cli/cmd_gap.h"
#include "cli/cmd_steps.h"
#include "results/diff.h"
#include "fuzz/failnth.h"
#include "fuzz/fuzz.h"
#include "lang/names.h"
#include "results/run_json.h"
#include "exec/runner.h"
#include "trace/trace2case.h"
#include "results/version.h"

#define EXIT_USAGE 2
#define MAX_PATHS 256

/*
 * One entry a command: its synopsis and text (shown by `vfconform --help` and
 * by `vfconform COMMAND --help`) and the function that runs it. A command
 * with a longer text of its own (fuzz, failnth) points at it in `usage`.
 */
struct vf_command {
	const char *name;
	const char *synopsis;
	const char *about;
	const char *usage;
	int (*fn)(int argc, char **argv);
};

static const struct vf_command *const *commands(void);

static const char global_head[] =
	"usage: vfconform COMMAND [OPTIONS]\n"
	"\n"
	"Conformance runner for the VFIO type1 container uAPI.\n"
	"\n"
	"commands ('vfconform COMMAND --help' for one):\n";

static const char global_tail[] =
	"\n"
	"  --help     this text\n"
	"  --version  the version\n"
	"\n"
	"backends:\n"
	"  sim-type1      libvfsim (sim/), type1 personality: the legacy container's\n"
	"                 behaviour modelled in-process; no kernel, no devices, any user.\n"
	"  sim-compat     libvfsim, iommufd VFIO-compat personality.\n"
	"  kernel-type1   the running kernel's /dev/vfio/vfio (needs the topology's\n"
	"                 devices bound to vfio-pci: the reference kernel's guest).\n"
	"  kernel-compat  the running kernel's /dev/iommu through iommufd's VFIO compat.\n"
	"The sim backends are held to fixtures/kernel-6.12/ by make check (30-sim);\n"
	"VFSIM_PARAMS=dma_entry_limit=N,aperture_bits=N,iommu_pgsizes=N,msi=A-B,memlock=N\n"
	"varies their machine (sim/README.md).\n"
	"\n"
	"--cases defaults to ./cases. Case language: CONTRIBUTING.md.\n";

/* An about text may name the backends once, as %s. */
static void print_about(FILE *f, const char *about, const char *indent)
{
	const char *line = about;

	while (*line) {
		const char *nl = strchr(line, '\n');
		int len = nl ? (int)(nl - line) : (int)strlen(line);

		fputs(indent, f);
		if (memmem(line, len, "%s", 2)) {
			const char *at = memmem(line, len, "%s", 2);

			fprintf(f, "%.*s%s%.*s\n", (int)(at - line), line, vf_backend_names(),
				len - (int)(at - line) - 2, at + 2);
		} else {
			fprintf(f, "%.*s\n", len, line);
		}
		line += len + (nl ? 1 : 0);
	}
}

static void usage(FILE *f)
{
	fputs(global_head, f);
	for (const struct vf_command *const *c = commands(); *c; c++) {
		fprintf(f, "  %s %s\n", (*c)->name, (*c)->synopsis);
		print_about(f, (*c)->about, "        ");
	}
	fputs(global_tail, f);
}

static void command_usage(FILE *f, const struct vf_command *c)
{
	if (c->usage) {
		fputs(c->usage, f);
		return;
	}
	fprintf(f, "usage: vfconform %s %s\n", c->name, c->synopsis);
	print_about(f, c->about, "");
}

static int usage_error(const char *fmt, const char *arg)
{
	fputs("vfconform: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'vfconform --help'.\n", stderr);
	return EXIT_USAGE;
}

struct paths {
	char *v[MAX_PATHS];
	unsigned n;
};

static int add_path(struct paths *p, char *s)
{
	if (p->n == MAX_PATHS)
		return usage_error("too many --cases (at most 256)%s", "");
	p->v[p->n++] = s;
	return 0;
}

static int load_library(struct vf_library *lib, struct paths *p)
{
	static char def[] = "cases";
	int errors;

	if (!p->n)
		p->v[p->n++] = def;
	errors = vf_library_load(lib, p->v, p->n);
	if (errors) {
		fprintf(stderr, "vfconform: %d error%s in the case library\n", errors,
			errors == 1 ? "" : "s");
		return EXIT_USAGE;
	}
	return 0;
}

static int parse_topos(const char *list, unsigned *mask)
{
	char *copy = strdup(list), *save = NULL;

	*mask = 0;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int v = vf_topo_lookup(t);

		if (v < 0) {
			int ret = usage_error("unknown topology '%s' (vtd, mdev, multi, noiommu)", t);

			free(copy);
			return ret;
		}
		*mask |= 1u << v;
	}
	free(copy);
	if (!*mask)
		return usage_error("--topo needs at least one topology%s", "");
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "cases", required_argument, NULL, 'c' },
		{ "topo", required_argument, NULL, 't' },
		{ "out", required_argument, NULL, 'o' },
		{ "ktap", no_argument, NULL, 'k' },
		{ "start-after", required_argument, NULL, 's' },
		{ "meta", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	struct vf_run_opts o = { .topo_mask = (1u << VF_TOPO_COUNT) - 1 };
	struct paths p = { .n = 0 };
	struct vf_library lib;
	const char *out = NULL;
	bool ktap = false;
	json_t *meta = json_object(), *doc;
	unsigned failed;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *eq;

		switch (opt) {
		case 'b':
			o.backend = vf_backend_find(optarg);
			if (!o.backend)
				return usage_error("unknown backend '%s'", optarg);
			break;
		case 'c':
			if (add_path(&p, optarg))
				return EXIT_USAGE;
			break;
		case 't':
			if (parse_topos(optarg, &o.topo_mask))
				return EXIT_USAGE;
			break;
		case 'o':
			out = optarg;
			break;
		case 'k':
			ktap = true;
			break;
		case 's':
			o.start_after = optarg;
			break;
		case 'm':
			eq = strchr(optarg, '=');
			if (!eq || eq == optarg)
				return usage_error("--meta wants KEY=VALUE, not '%s'", optarg);
			*eq = 0;
			json_object_set_new(meta, optarg, json_string(eq + 1));
			break;
		default:
			return usage_error("bad option for run%s", "");
		}
	}
	if (optind != argc)
		return usage_error("run takes no argument '%s'", argv[optind]);
	if (!o.backend)
		return usage_error("run needs --backend (%s)", vf_backend_names());
	if (ktap && (!out || !strcmp(out, "-")))
		return usage_error("--ktap prints on stdout; give --out FILE%s", "");
	ret = load_library(&lib, &p);
	if (ret)
		return ret;
	if (o.start_after) {
		bool found = false;

		for (unsigned i = 0; i < lib.n; i++)
			found |= !strcmp(lib.cases[i]->name, o.start_after);
		if (!found)
			return usage_error("--start-after: no case named '%s'", o.start_after);
	}
	o.ktap = ktap ? stdout : NULL;
	o.meta = meta;
	doc = vf_run_library(&o, &lib, &failed);
	ret = vf_run_write_file(out ? out : "-", doc) ? EXIT_USAGE : failed ? 1 : 0;
	{
		json_t *s = json_object_get(doc, "summary");

		fprintf(stderr, "vfconform run: %s: %lld cases, %lld passed, %lld failed, "
			"%lld skipped, %lld steps\n", o.backend->name,
			(long long)json_integer_value(json_object_get(s, "cases")),
			(long long)json_integer_value(json_object_get(s, "passed")),
			(long long)json_integer_value(json_object_get(s, "failed")),
			(long long)json_integer_value(json_object_get(s, "skipped")),
			(long long)json_integer_value(json_object_get(s, "steps")));
	}
	json_decref(doc);
	json_decref(meta);
	vf_library_free(&lib);
	return ret;
}

static int cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 }
	};
	bool quiet = false;
	struct vf_diff_stats st;
	json_t *a, *b;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt != 'q')
			return usage_error("bad option for diff%s", "");
		quiet = true;
	}
	if (argc - optind != 2)
		return usage_error("diff takes two run documents%s", "");
	a = vf_run_load(argv[optind]);
	b = a ? vf_run_load(argv[optind + 1]) : NULL;
	if (!a || !b) {
		json_decref(a);
		return EXIT_USAGE;
	}
	if (!quiet)
		printf("# A: %s (%s)\n# B: %s (%s)\n", argv[optind],
		       json_string_value(json_object_get(a, "backend")), argv[optind + 1],
		       json_string_value(json_object_get(b, "backend")));
	vf_diff(a, b, quiet ? NULL : stdout, &st);
	printf("diff: %u cases compared, %u steps; %u steps differ in %u cases; "
	       "%u cases only in A, %u only in B\n", st.cases, st.steps, st.steps_differ,
	       st.cases_differ, st.only_a, st.only_b);
	json_decref(a);
	json_decref(b);
	return st.differences ? 1 : 0;
}

static bool has_tag(const struct vf_case *c, const char *list)
{
	char *copy = strdup(list), *save = NULL;
	bool hit = false;

	for (char *t = strtok_r(copy, ",", &save); t && !hit; t = strtok_r(NULL, ",", &save))
		for (unsigned i = 0; i < c->n_tags; i++)
			hit |= !strcmp(c->tags[i], t);
	free(copy);
	return hit;
}

static int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cases", required_argument, NULL, 'c' },
		{ "tags", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	struct paths p = { .n = 0 };
	struct vf_library lib;
	const char *tags = NULL;
	unsigned shown = 0, steps = 0;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'c') {
			if (add_path(&p, optarg))
				return EXIT_USAGE;
		} else if (opt == 't') {
			tags = optarg;
		} else {
			return usage_error("bad option for list%s", "");
		}
	}
	if (optind != argc)
		return usage_error("list takes no argument '%s'", argv[optind]);
	ret = load_library(&lib, &p);
	if (ret)
		return ret;
	for (unsigned i = 0; i < lib.n; i++) {
		const struct vf_case *c = lib.cases[i];

		if (tags && !has_tag(c, tags))
			continue;
		shown++;
		steps += c->n_steps;
		printf("%-40s %-8s %-10s %s\n", c->name, vf_topo_name(c->topo), c->tags[0],
		       c->about);
	}
	printf("# %u cases, %u steps\n", shown, steps);
	vf_library_free(&lib);
	return 0;
}

static int cmd_merge(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "crashed", required_argument, NULL, 'x' },
		{ NULL, 0, NULL, 0 }
	};
	char *crashed[MAX_PATHS];
	unsigned n_crashed = 0, n = 0;
	json_t *docs[MAX_PATHS], *out;
	const char *path = NULL;
	int opt, ret = 0;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'o') {
			path = optarg;
		} else if (opt == 'x' && n_crashed < MAX_PATHS) {
			crashed[n_crashed++] = optarg;
		} else {
			return usage_error("bad option for merge%s", "");
		}
	}
	if (!path)
		return usage_error("merge needs --out FILE%s", "");
	if (optind == argc || argc - optind > MAX_PATHS)
		return usage_error("merge takes 1 to 256 run documents%s", "");
	for (int i = optind; i < argc; i++) {
		docs[n] = vf_run_load(argv[i]);
		if (!docs[n]) {
			ret = EXIT_USAGE;
			break;
		}
		n++;
	}
	if (!ret) {
		out = vf_run_merge(docs, n, crashed, n_crashed);
		ret = !out || vf_run_write_file(path, out) ? EXIT_USAGE : 0;
		json_decref(out);
	}
	for (unsigned i = 0; i < n; i++)
		json_decref(docs[i]);
	return ret;
}

static int cmd_trace2case(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "name", required_argument, NULL, 'n' },
		{ "about", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	const char *out = NULL, *name = "clients.trace", *about = "a client's container ioctls";
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'o')
			out = optarg;
		else if (opt == 'n')
			name = optarg;
		else if (opt == 'a')
			about = optarg;
		else
			return usage_error("bad option for trace2case%s", "");
	}
	if (argc - optind != 1)
		return usage_error("trace2case takes one trace%s", "");
	return vf_trace2case(argv[optind], out, name, about) ? 1 : 0;
}

#define COMMAND(n, fun, syn, text, long_usage) \
	static const struct vf_command cmd_desc_##n = { \
		.name = #n, .synopsis = syn, .about = text, .usage = long_usage, .fn = fun, \
	}

COMMAND(run, cmd_run,
	"--backend NAME [--cases PATH]... [--topo LIST] [--out FILE]\n"
	"      [--ktap] [--start-after CASE] [--meta KEY=VALUE]...",
	"run the case library on a backend (%s);\n"
	"writes the run document to FILE (default: stdout unless --ktap).\n"
	"--topo vtd,mdev,multi,noiommu selects cases by topology (default all).\n"
	"exit 0: every case passed or was skipped; 1: a case failed, crashed or\n"
	"timed out; 2: usage or case-file error.", NULL);
COMMAND(diff, cmd_diff, "[--quiet] A.json B.json",
	"every step where two runs differ; exit 0 same, 1 different, 2 error.", NULL);
COMMAND(list, cmd_list, "[--cases PATH]... [--tags TAG[,TAG]]",
	"parse the library (reporting every error as file:line: message) and\n"
	"list its cases, optionally only those with one of the tags.", NULL);
COMMAND(merge, cmd_merge, "--out FILE [--crashed BACKEND:CASE=REASON]... RUN.json...",
	"merge runs of one backend (several boots) into one document.", NULL);
COMMAND(gaps, vf_cmd_gaps, "A.json B.json",
	"every compat gap between two runs, one id per line (CASE:OP#N:KIND),\n"
	"with the first differing field; kinds: dma, errno, result, field, caps,\n"
	"accounting, side-effect, unsupported, missing.", NULL);
COMMAND(gate, vf_cmd_gate, "A.json B.json --baseline FILE",
	"compare the gaps with the known-gaps baseline (one 'ID REASON' a line);\n"
	"exit 0 equal, 1 a new gap (listed), 2 a baseline gap disappeared,\n"
	"3 usage or input error. Last line: 'gate: ...' summary.", NULL);
COMMAND(report, vf_cmd_report, "A.json B.json --out DIR [--baseline FILE] [--run NAME=FILE]...\n"
	"       [--cases PATH] [--clients SUMMARY.md]",
	"write DIR/compat-gaps.md, index.html, results.json, junit.xml and\n"
	"report.ktap. --run adds a backend column (e.g. a simulator run) and\n"
	"its fidelity against the run of the same personality. Clients and\n"
	"cites come from the case library (--cases, default ./cases if present).\n"
	"--clients adds the real-clients section (make clients' summary.md).", NULL);
COMMAND(trace2case, cmd_trace2case, "[--out FILE] [--name NAME] [--about TEXT] TRACE",
	"turn a vfconform-trace recording (JSON lines) into a case: the\n"
	"container and group ioctls in order, buffers and IOVAs abstracted.", NULL);
COMMAND(steps, vf_cmd_steps, "[--markdown]",
	"the step kinds of the case language: personality, fields, what each\n"
	"does (from harness/steps/; --markdown: CONTRIBUTING.md's table).", NULL);
COMMAND(fuzz, vf_cmd_fuzz, "[--backends A,B] [--seed N] [--count N] [--steps N] [--out DIR] ...",
	"differential fuzzing: generated sequences on two backends, each\n"
	"distinct difference shrunk to a case file.", vf_fuzz_usage);
COMMAND(failnth, vf_cmd_failnth, "--backend NAME --case FILE --line L [--max N]",
	"fail-nth sweep: the step on line L fails at its 1st, 2nd, ... fault\n"
	"injection point, each run checked for a clean end and no leak.", vf_failnth_usage);

static const struct vf_command *const command_table[] = {
	&cmd_desc_run, &cmd_desc_diff, &cmd_desc_list, &cmd_desc_merge, &cmd_desc_gaps,
	&cmd_desc_gate, &cmd_desc_report, &cmd_desc_trace2case, &cmd_desc_steps, &cmd_desc_fuzz,
	&cmd_desc_failnth, NULL
};

static const struct vf_command *const *commands(void)
{
	return command_table;
}

const char *vf_cli_command_name(unsigned i)
{
	return i < sizeof(command_table) / sizeof(command_table[0]) - 1 ?
		command_table[i]->name : NULL;
}

/* `--help` anywhere before a `--` asks for the command's usage, whatever else is there. */
static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

int vf_cli_main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version")) {
		printf("%s\n", VF_TOOL_VERSION);
		return 0;
	}
	for (const struct vf_command *const *c = commands(); *c; c++) {
		if (strcmp(cmd, (*c)->name))
			continue;
		/* getopt_long on the command's own arguments */
		argc--;
		argv++;
		if (wants_help(argc, argv)) {
			command_usage(stdout, *c);
			return 0;
		}
		optind = 1;
		return (*c)->fn(argc, argv);
	}
	return usage_error("unknown command '%s'", cmd);
}

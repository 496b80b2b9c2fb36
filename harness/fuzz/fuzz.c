// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfconform fuzz: run generated sequences on two backends and diff them.
 *
 * A sequence is case text (fuzz_gen.c) parsed by the real parser, run by the
 * real executor and compared by the real differ, so a finding is exactly what
 * the case library would see, and the shrunk sequence is a case file that
 * needs no translation. The sim backends run in-process; the kernel backends
 * run each sequence in a forked child with a timeout, as `vfconform run` does.
 *
 * A difference is reduced to a signature (the first differing field of the
 * first differing step, without step numbers), because a sequence usually
 * differs again in every later step once the state has diverged. Only the
 * first sequence of each signature is shrunk and written; later ones are
 * counted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "lang/fnv.h"
#include "backends/backend.h"
#include "results/diff.h"
#include "fuzz/fuzz.h"
#include "lang/names.h"
#include "exec/runner.h"
#include "results/version.h"

#define EXIT_USAGE 2
#define MAX_SIGS 4096

struct fuzz {
	const struct vf_backend_ops *be[2];
	bool inproc[2];
	uint64_t seed, count;
	unsigned steps, topo_mask, max_findings;
	const char *out_dir, *summary;
	double time_limit;
	bool ktap, quiet;
	/* results */
	uint64_t run, differing, parse_errors, shrink_runs;
	unsigned findings;
	char *sigs[MAX_SIGS];
	uint64_t sig_hits[MAX_SIGS];
	unsigned n_sigs;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Both runs of one case text. Returns the signature of the first difference
 * (malloc'd), or NULL when the runs agree; *a and *b get the run documents
 * when asked for. A text that does not parse is a generator bug: reported.
 */
static char *run_pair(struct fuzz *f, const char *text, json_t **a, json_t **b, bool *bad,
		      bool shrinking)
{
	char err[512], *sig = NULL, first[2048];
	struct vf_case *c = vf_case_parse_string("fuzz.case", text, err, sizeof(err));
	json_t *doc[2];

	*bad = !c;
	if (!c) {
		/* a shrink step that removed a needed word or buffer: just not kept */
		if (shrinking)
			return NULL;
		fprintf(stderr, "vfconform fuzz: generated case does not parse: %s\n%s", err, text);
		return NULL;
	}
	for (int i = 0; i < 2; i++)
		doc[i] = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[o]}", "format", VF_RUN_FORMAT,
				   "tool", VF_TOOL_VERSION, "backend", f->be[i]->name,
				   "personality", f->be[i]->personality, "kernel_release",
				   f->be[i]->release(), "cases",
				   vf_run_case(f->be[i], c, f->inproc[i]));
	if (vf_diff_first(doc[0], doc[1], first, sizeof(first))) {
		char *l, *p, *bar;

		/* "NAME step N (line L OP): field: A | B" -> "OP: field: A | B" */
		l = strdup(first);
		p = strstr(l, " (line ");
		if (p) {
			p += 7;
			p += strspn(p, "0123456789");
			p += *p == ' ';
			sig = strdup(p);
		} else {
			/* case-level: "NAME case: status: ..." */
			sig = strdup(l + strcspn(l, " ") + (l[strcspn(l, " ")] == ' '));
		}
		free(l);
		/*
		 * Values that come from raw random bytes (an argsz written back)
		 * would make every sequence its own difference: long numbers are N.
		 */
		for (char *d = sig, *w = sig; ; d++) {
			size_t n = strspn(d, "0123456789");

			if (n > 5) {
				*w++ = 'N';
				d += n - 1;
				continue;
			}
			if (!(*w++ = *d))
				break;
		}
		/* accounting and probe values depend on the whole history: field only */
		if ((p = strstr(sig, ": acct.")) || (p = strstr(sig, ": out.mapped")) ||
		    (p = strstr(sig, ": out.unprobed")) || (p = strstr(sig, ": bufs"))) {
			bar = strchr(p + 2, ':');
			if (bar)
				*bar = 0;
		}
	}
	vf_case_free(c);
	if (a && b) {
		*a = doc[0];
		*b = doc[1];
	} else {
		json_decref(doc[0]);
		json_decref(doc[1]);
	}
	return sig;
}

static char *seq_text(const struct fz_seq *q)
{
	return fz_text(q, "fuzz.seq", "shrink candidate", "");
}

/* Does q still show signature sig? */
static bool still(struct fuzz *f, const struct fz_seq *q, const char *sig)
{
	char *t = seq_text(q), *s;
	bool bad, same;

	s = run_pair(f, t, NULL, NULL, &bad, true);
	f->shrink_runs++;
	same = s && !strcmp(s, sig);
	free(s);
	free(t);
	return same;
}

/* words of a step line after the op: "iova=..", "argsz=.." */
static bool drop_word(char *line, unsigned w)
{
	char *p = line;

	for (unsigned i = 0; i <= w; i++) {
		p = strchr(p, ' ');
		if (!p)
			return false;
		p += strspn(p, " ");
	}
	if (!*p)
		return false;
	{
		char *end = p + strcspn(p, " ");

		memmove(p - 1, end, strlen(end) + 1);
	}
	return true;
}

/*
 * Greedy shrinking to a fixpoint: drop steps (last first, since the
 * difference is in an early step more often than not once signatures ignore
 * positions), then optional header lines, then optional words of each step.
 */
static void shrink(struct fuzz *f, struct fz_seq *q, const char *sig)
{
	static const char *const keep_hdr[] = { "tags", "topo", "groups", NULL };
	bool progress = true;

	for (unsigned pass = 0; progress && pass < 8; pass++) {
		progress = false;
		for (unsigned i = q->n_step; i-- > 0;) {
			char save[FZ_LINE];

			if (!q->step[i][0])
				continue;
			memcpy(save, q->step[i], FZ_LINE);
			q->step[i][0] = 0;
			if (still(f, q, sig))
				progress = true;
			else
				memcpy(q->step[i], save, FZ_LINE);
		}
		for (unsigned i = 0; i < q->n_hdr; i++) {
			char save[FZ_LINE];
			bool keep = !q->hdr[i][0];

			for (int k = 0; keep_hdr[k] && !keep; k++)
				keep = !strncmp(q->hdr[i], keep_hdr[k], strlen(keep_hdr[k]));
			if (keep)
				continue;
			memcpy(save, q->hdr[i], FZ_LINE);
			q->hdr[i][0] = 0;
			if (still(f, q, sig))
				progress = true;
			else
				memcpy(q->hdr[i], save, FZ_LINE);
		}
		for (unsigned i = 0; i < q->n_step; i++) {
			for (unsigned w = 0; q->step[i][0] && w < 8; w++) {
				char save[FZ_LINE];

				memcpy(save, q->step[i], FZ_LINE);
				if (!drop_word(q->step[i], w))
					break;
				if (still(f, q, sig)) {
					progress = true;
					w--;	/* the next word moved into this slot */
				} else {
					memcpy(q->step[i], save, FZ_LINE);
				}
			}
		}
	}
}

static void mkdir_p(const char *dir)
{
	char tmp[512];

	snprintf(tmp, sizeof(tmp), "%s", dir);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		mkdir(tmp, 0755);
		*p = '/';
	}
	mkdir(tmp, 0755);
}

static int write_file(const char *path, const char *text)
{
	FILE *o = fopen(path, "w");

	if (!o || fputs(text, o) < 0 || fclose(o)) {
		fprintf(stderr, "vfconform fuzz: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Shrink sequence q (showing sig) and write NAME.case, .a.json, .b.json, .diff. */
static void finding(struct fuzz *f, struct fz_seq *q, uint64_t index, const char *sig)
{
	char name[160], path[512], comment[1024], about[320], *text, *s;
	unsigned before = 0, after = 0;
	json_t *a = NULL, *b = NULL;
	struct vf_diff_stats st;
	bool bad;

	for (unsigned i = 0; i < q->n_step; i++)
		before += !!q->step[i][0];
	shrink(f, q, sig);
	for (unsigned i = 0; i < q->n_step; i++)
		after += !!q->step[i][0];
	snprintf(name, sizeof(name), "fuzz.%s.%s.%08llx", f->be[0]->name, f->be[1]->name,
		 (unsigned long long)(vf_fnv1a(VF_FNV1A_INIT, sig, strlen(sig)) & 0xffffffff));
	snprintf(comment, sizeof(comment),
		 "# Found by vfconform fuzz --backends %s,%s --seed %llu --steps %u: sequence %llu,\n"
		 "# shrunk from %u to %u steps. First difference (%s | %s):\n#   %.600s\n",
		 f->be[0]->name, f->be[1]->name, (unsigned long long)f->seed, f->steps,
		 (unsigned long long)index, before, after, f->be[0]->name, f->be[1]->name, sig);
	snprintf(about, sizeof(about), "fuzz: %s differs from %s at %.200s", f->be[0]->name,
		 f->be[1]->name, sig);
	text = fz_text(q, name, about, comment);
	s = run_pair(f, text, &a, &b, &bad, false);
	if (!s) {
		/* shrinking keeps only texts that differ, so this is nondeterminism */
		fprintf(stderr, "vfconform fuzz: %s: no difference when run again (flaky)\n", name);
	}
	free(s);
	mkdir_p(f->out_dir);
	snprintf(path, sizeof(path), "%s/%s.case", f->out_dir, name);
	write_file(path, text);
	if (a && b) {
		char *dump = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&dump, &len);

		for (int i = 0; i < 2; i++) {
			snprintf(path, sizeof(path), "%s/%s.%c.json", f->out_dir, name, 'a' + i);
			json_dump_file(i ? b : a, path, JSON_INDENT(1) | JSON_SORT_KEYS);
		}
		if (m) {
			vf_diff(a, b, m, &st);
			fclose(m);
			snprintf(path, sizeof(path), "%s/%s.diff", f->out_dir, name);
			write_file(path, dump ? dump : "");
			free(dump);
		}
	}
	json_decref(a);
	json_decref(b);
	free(text);
	f->findings++;
	if (!f->quiet)
		printf("fuzz: finding %s/%s.case (sequence %llu, %u -> %u steps): %s\n",
		       f->out_dir, name, (unsigned long long)index, before, after, sig);
}

static void record_sig(struct fuzz *f, struct fz_seq *q, uint64_t index, const char *sig)
{
	for (unsigned i = 0; i < f->n_sigs; i++) {
		if (!strcmp(f->sigs[i], sig)) {
			f->sig_hits[i]++;
			return;
		}
	}
	if (f->n_sigs == MAX_SIGS)
		return;
	f->sigs[f->n_sigs] = strdup(sig);
	f->sig_hits[f->n_sigs++] = 1;
	if (f->findings < f->max_findings)
		finding(f, q, index, sig);
}

const char vf_fuzz_usage[] =
	"usage: vfconform fuzz [--backends A,B] [--seed N] [--count N] [--steps N]\n"
	"                      [--topo LIST] [--time SECONDS] [--out DIR]\n"
	"                      [--max-findings N] [--summary FILE] [--ktap] [--quiet]\n"
	"Runs generated step sequences on backends A and B (default sim-type1,sim-compat)\n"
	"and diffs the observations. Sequence I of seed S is the same on every machine.\n"
	"The first sequence of each distinct difference is shrunk and written to DIR\n"
	"(default build/fuzz) as NAME.case, NAME.a.json, NAME.b.json and NAME.diff.\n"
	"  --count N       sequences (default 1000); --time stops earlier\n"
	"  --steps N       at most N steps a sequence (default 12, at most 96)\n"
	"  --topo LIST     topologies to draw from (default vtd,mdev,multi,noiommu)\n"
	"  --max-findings  shrink and write at most N differences (default 20)\n"
	"  --summary FILE  JSON: counts, rate and every signature with its hit count\n"
	"  --ktap          '# case-start NAME' before each sequence (guest crash attribution)\n"
	"exit 0: no difference; 1: differences; 2: usage error; 3: a generated case\n"
	"did not parse (a generator or parser bug).\n";

static int usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, "vfconform fuzz: %s%s\n%s", msg, arg, vf_fuzz_usage);
	return EXIT_USAGE;
}

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && *s && !*end && *s != '-';
}

static int parse_args(struct fuzz *f, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "backends", required_argument, NULL, 'b' },
		{ "seed", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "steps", required_argument, NULL, 'S' },
		{ "topo", required_argument, NULL, 't' },
		{ "time", required_argument, NULL, 'T' },
		{ "out", required_argument, NULL, 'o' },
		{ "max-findings", required_argument, NULL, 'm' },
		{ "summary", required_argument, NULL, 'j' },
		{ "ktap", no_argument, NULL, 'k' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *backends = "sim-type1,sim-compat";
	uint64_t v;
	int o;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'b':
			backends = optarg;
			break;
		case 's':
			if (!parse_u64(optarg, &f->seed))
				return usage_error("bad --seed ", optarg);
			break;
		case 'n':
			if (!parse_u64(optarg, &f->count))
				return usage_error("bad --count ", optarg);
			break;
		case 'S':
			if (!parse_u64(optarg, &v) || !v || v > FZ_MAX_LINES)
				return usage_error("--steps must be 1..96, not ", optarg);
			f->steps = (unsigned)v;
			break;
		case 't': {
			char *copy = strdup(optarg), *save = NULL;

			f->topo_mask = 0;
			for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
				int tv = vf_topo_lookup(t);

				if (tv < 0) {
					int ret = usage_error("unknown topology ", t);

					free(copy);
					return ret;
				}
				f->topo_mask |= 1u << tv;
			}
			free(copy);
			if (!f->topo_mask)
				return usage_error("--topo needs a topology", "");
			break;
		}
		case 'T':
			if (!parse_u64(optarg, &v))
				return usage_error("bad --time ", optarg);
			f->time_limit = (double)v;
			break;
		case 'o':
			f->out_dir = optarg;
			break;
		case 'm':
			if (!parse_u64(optarg, &v))
				return usage_error("bad --max-findings ", optarg);
			f->max_findings = (unsigned)v;
			break;
		case 'j':
			f->summary = optarg;
			break;
		case 'k':
			f->ktap = true;
			break;
		case 'q':
			f->quiet = true;
			break;
		case 'h':
			fputs(vf_fuzz_usage, stdout);
			exit(0);
		default:
			return usage_error("bad option", "");
		}
	}
	if (optind != argc)
		return usage_error("unexpected argument ", argv[optind]);
	{
		char *copy = strdup(backends), *comma = strchr(copy, ',');

		if (!comma || strchr(comma + 1, ',')) {
			free(copy);
			return usage_error("--backends needs exactly two names: ", backends);
		}
		*comma = 0;
		for (int i = 0; i < 2; i++) {
			const char *n = i ? comma + 1 : copy;

			f->be[i] = vf_backend_find(n);
			if (!f->be[i]) {
				fprintf(stderr, "vfconform fuzz: unknown backend '%s' (%s)\n", n,
					vf_backend_names());
				free(copy);
				return EXIT_USAGE;
			}
			f->inproc[i] = f->be[i]->caps & VF_BACKEND_IN_PROCESS;
		}
		free(copy);
	}
	return 0;
}

static void write_summary(struct fuzz *f, double secs)
{
	json_t *sigs = json_array(), *doc;

	for (unsigned i = 0; i < f->n_sigs; i++)
		json_array_append_new(sigs, json_pack("{s:s, s:I}", "signature", f->sigs[i],
						      "sequences", (json_int_t)f->sig_hits[i]));
	doc = json_pack("{s:s, s:s, s:s, s:I, s:i, s:I, s:I, s:I, s:i, s:I, s:f, s:f, s:o}",
			"tool", VF_TOOL_VERSION, "a", f->be[0]->name, "b", f->be[1]->name,
			"seed", (json_int_t)f->seed, "steps", f->steps,
			"sequences", (json_int_t)f->run, "differing", (json_int_t)f->differing,
			"parse_errors", (json_int_t)f->parse_errors, "findings", f->findings,
			"shrink_runs", (json_int_t)f->shrink_runs, "seconds", secs,
			"per_minute", secs > 0 ? f->run * 60.0 / secs : 0.0, "signatures", sigs);
	if (json_dump_file(doc, f->summary, JSON_INDENT(1)))
		fprintf(stderr, "vfconform fuzz: cannot write %s\n", f->summary);
	json_decref(doc);
}

int vf_cmd_fuzz(int argc, char **argv)
{
	struct fuzz f = { .seed = 1, .count = 1000, .steps = 12, .max_findings = 20,
			  .topo_mask = (1u << VF_TOPO_COUNT) - 1, .out_dir = "build/fuzz" };
	struct fz_seq q;
	double t0 = now(), secs;
	int ret = parse_args(&f, argc, argv);

	if (ret)
		return ret;
	for (uint64_t i = 0; i < f.count; i++) {
		char name[64], *text, *sig;
		bool bad;

		if (f.time_limit > 0 && (i & 63) == 0 && now() - t0 > f.time_limit)
			break;
		fz_generate(&q, f.seed, i, f.steps, f.topo_mask);
		snprintf(name, sizeof(name), "fuzz.s%llu.n%llu", (unsigned long long)f.seed,
			 (unsigned long long)i);
		if (f.ktap) {
			printf("# case-start %s\n", name);
			fflush(stdout);
		}
		text = fz_text(&q, name, "a sequence generated by vfconform fuzz", "");
		sig = run_pair(&f, text, NULL, NULL, &bad, false);
		free(text);
		f.run++;
		f.parse_errors += bad;
		if (sig) {
			f.differing++;
			record_sig(&f, &q, i, sig);
			free(sig);
		}
	}
	secs = now() - t0;
	printf("fuzz: %s vs %s: %llu sequences in %.1f s (%.0f/min), %llu differing, "
	       "%u distinct differences, %u shrunk to %s (%llu shrink runs), "
	       "%llu generator errors\n", f.be[0]->name, f.be[1]->name,
	       (unsigned long long)f.run, secs, secs > 0 ? f.run * 60.0 / secs : 0.0,
	       (unsigned long long)f.differing, f.n_sigs, f.findings, f.out_dir,
	       (unsigned long long)f.shrink_runs, (unsigned long long)f.parse_errors);
	for (unsigned i = 0; i < f.n_sigs && !f.quiet; i++)
		printf("fuzz:   %8llu  %s\n", (unsigned long long)f.sig_hits[i], f.sigs[i]);
	if (f.summary)
		write_summary(&f, secs);
	for (unsigned i = 0; i < f.n_sigs; i++)
		free(f.sigs[i]);
	if (f.parse_errors)
		return 3;
	return f.differing ? 1 : 0;
}

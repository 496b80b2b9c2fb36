// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fork per case: the child opens the backend, runs setup and steps and
 * writes one JSON event per line to a pipe; the parent enforces the timeout
 * and keeps every event that arrived, so a crashed case still shows how far
 * it got. In-process backends (the sim) run their cases in one forked worker
 * instead (worker.c), with the same timeout and the same crash results.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "exec/events.h"
#include "exec/exec.h"
#include "lang/names.h"
#include "exec/runner.h"
#include "exec/worker.h"
#include "results/version.h"

static void emit_error(struct vf_events *f, const char *what, const char *detail)
{
	vf_event(f, json_pack("{s:s, s:s}", "event", what, "detail", detail));
}

/* A "filled" buffer's pattern (case.h), written before any step can pin it. */
static void fill_buf(struct vf_buf_inst *bi, unsigned index, json_t *ev)
{
	uint8_t *p = bi->addr;

	for (uint64_t off = 0; off < bi->size; off++)
		p[off] = vf_buf_fill_byte(index, off);
	json_object_set_new(ev, "filled", json_true());
}

static const char *buf_kind_name(const struct vf_buf *b)
{
	static const char *const bars[] = { "bar0", "bar1", "bar2", "bar3", "bar4", "bar5" };

	switch (b->kind) {
	case VF_BUF_ANON: return "anon";
	case VF_BUF_RO: return "ro";
	case VF_BUF_UNMAPPED: return "unmapped";
	case VF_BUF_HUGE: return "huge";
	case VF_BUF_BAR: return bars[b->bar];
	}
	return "?";
}

static void run_step(struct vf_exec *ex, struct vf_events *f, unsigned i)
{
	const struct vf_step *s = &ex->ctx->c->steps[i];
	json_t *obs = vf_exec_step(ex, s, i);
	json_t *fails = vf_check_expects(s, obs, ex->ctx->ops->name, ex->ctx->ops->personality);

	if (json_array_size(fails))
		json_object_set_new(obs, "expect_failed", fails);
	else
		json_decref(fails);
	vf_event(f, json_pack("{s:s, s:o}", "event", "step", "obs", obs));
}

/* The process's VmLck and VmPin in kB, from the kernel's own /proc counters. */
static void vm_counters(unsigned long long v[2])
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	v[0] = v[1] = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmLck: %llu kB", &v[0]) != 1)
			sscanf(line, "VmPin: %llu kB", &v[1]);
	fclose(f);
}

/*
 * The leak check: once the backend closed every handle, the real process's
 * VmLck and VmPin must be back where they were before it opened anything, and
 * so must the per-user locked_vm where the backend has one (the reference
 * kernel's probe): the starting user's count where the case kept its uid, 0
 * for the user it switched to, which only this process used. (The sim's
 * simulated counters are checked by its own tests and fuzzer; for the sim this
 * compares the real process, which nothing here locks.)
 */
struct leak_base {
	bool off;		/* in-process: see run_inproc() */
	unsigned long long vm[2];
	int user_fd;		/* the backend's per-user counter, -1 without one */
	bool has_user;
	uint32_t uid;
	unsigned long long user_kb;
};

static void leak_base(const struct vf_backend_ops *be, struct leak_base *b)
{
	b->user_fd = -1;
	if (b->off)
		return;
	vm_counters(b->vm);
	b->user_fd = be->user_counter_open ? be->user_counter_open() : -1;
	b->has_user = b->user_fd >= 0 && be->user_counter_read(b->user_fd, &b->uid, &b->user_kb);
}

static void leak_base_drop(struct leak_base *b)
{
	if (b->user_fd >= 0)
		close(b->user_fd);
	b->user_fd = -1;
}

static void leak_check(const struct vf_backend_ops *be, struct vf_events *f,
		       struct leak_base *b)
{
	unsigned long long after[2], user_kb = 0, want = 0;
	bool user_ok = true;
	uint32_t uid = 0;
	char detail[240];
	int n;

	if (b->off)
		return;
	vm_counters(after);
	if (b->has_user && be->user_counter_read(b->user_fd, &uid, &user_kb)) {
		want = uid == b->uid ? b->user_kb : 0;
		user_ok = user_kb == want;
	}
	leak_base_drop(b);
	if (after[0] == b->vm[0] && after[1] == b->vm[1] && user_ok)
		return;
	n = snprintf(detail, sizeof(detail),
		     "VmLck %llu -> %llu kB, VmPin %llu -> %llu kB", b->vm[0], after[0],
		     b->vm[1], after[1]);
	if (!user_ok)
		snprintf(detail + n, sizeof(detail) - (size_t)n,
			 ", uid %u locked_vm %llu -> %llu kB", uid, want, user_kb);
	strncat(detail, " after every fd was closed", sizeof(detail) - strlen(detail) - 1);
	vf_event(f, json_pack("{s:s, s:s}", "event", "leak", "detail", detail));
}

void vf_run_case_events(const struct vf_backend_ops *be, const struct vf_case *c,
			struct vf_events *f, bool leak_probe)
{
	struct leak_base base = { .off = !leak_probe };
	struct vf_ctx ctx = { .ops = be, .c = c, .container = -1 };
	struct vf_exec ex = { .ctx = &ctx };
	int err;

	for (unsigned g = 0; g < VF_MAX_GROUPS; g++)
		ctx.group[g] = -1;
	for (unsigned i = 0; i < VF_MAX_CONTAINERS; i++)
		ctx.containers[i] = -1;
	leak_base(be, &base);
	err = be->open(&ctx);
	if (err) {
		emit_error(f, "error", ctx.err[0] ? ctx.err : strerror(-err));
		be->close(&ctx);
		leak_base_drop(&base);
		return;
	}
	for (unsigned i = 0; i < c->n_setup; i++)
		run_step(&ex, f, i);
	for (unsigned i = 0; i < c->n_bufs; i++) {
		const struct vf_buf *b = &c->bufs[i];
		json_t *ev;

		ctx.err[0] = 0;
		be->buf_create(&ctx, b, &ex.bufs[i]);
		ev = json_pack("{s:s, s:s, s:s, s:I}", "event", "buf", "name", b->name,
			       "kind", buf_kind_name(b), "size", (json_int_t)ex.bufs[i].size);
		if (ex.bufs[i].err)
			json_object_set_new(ev, "error", json_string(ctx.err));
		else if (b->filled)
			fill_buf(&ex.bufs[i], i, ev);
		vf_event(f, ev);
	}
	ctx.err[0] = 0;
	if (be->set_creds(&ctx)) {
		emit_error(f, "error", ctx.err);
		vf_exec_release(&ex);
		be->close(&ctx);
		leak_base_drop(&base);
		return;
	}
	for (unsigned i = c->n_setup; i < c->n_steps; i++)
		run_step(&ex, f, i);
	vf_exec_release(&ex);
	be->close(&ctx);
	leak_check(be, f, &base);
	vf_event(f, json_pack("{s:s}", "event", "done"));
}

int vf_run_case_child(const struct vf_backend_ops *be, const struct vf_case *c, int fd)
{
	struct vf_events ev = { .f = fdopen(fd, "w") };

	if (!ev.f)
		return 2;
	vf_run_case_events(be, c, &ev, true);
	fclose(ev.f);
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* "cases/map/x.case", wherever the library was loaded from. */
static const char *library_path(const char *path)
{
	const char *p = path, *hit = NULL;

	while ((p = strstr(p, "cases/"))) {
		if (p == path || p[-1] == '/')
			hit = p;
		p++;
	}
	return hit ? hit : path;
}

static json_t *str_array(char **v, unsigned n)
{
	json_t *a = json_array();

	for (unsigned i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *case_header(const struct vf_case *c)
{
	json_t *cites = json_array();

	for (unsigned i = 0; i < c->n_cites; i++)
		json_array_append_new(cites, json_pack("{s:s, s:s}", "client", c->cites[i].client,
						       "source", c->cites[i].source));
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:o}", "name", c->name,
			 "file", library_path(c->path), "about", c->about,
			 "tags", str_array(c->tags, c->n_tags),
			 "clients", str_array(c->clients, c->n_clients),
			 "topo", vf_topo_name(c->topo), "cites", cites);
}

static void run_child(const struct vf_run_opts *o, const struct vf_case *c,
		      struct vf_case_result *r)
{
	int pfd[2];
	pid_t pid;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	double deadline = now() + c->timeout;
	bool timed_out = false;
	int wstatus;

	if (pipe2(pfd, O_CLOEXEC)) {
		r->status = "error";
		snprintf(r->detail, sizeof(r->detail), "pipe: %s", strerror(errno));
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		r->status = "error";
		snprintf(r->detail, sizeof(r->detail), "fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return;
	}
	if (pid == 0) {
		close(pfd[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		_exit(vf_run_case_child(o->backend, c, pfd[1]));
	}
	close(pfd[1]);
	for (;;) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		int ms = (int)((deadline - now()) * 1000);
		ssize_t n;

		if (ms <= 0) {
			timed_out = true;
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&p, 1, ms) <= 0)
			continue;
		if (len + 65536 > cap) {
			cap = (len + 65536) * 2;
			buf = realloc(buf, cap);
			if (!buf)
				exit(2);
		}
		n = read(pfd[0], buf + len, cap - len - 1);
		if (n <= 0)
			break;
		len += n;
	}
	close(pfd[0]);
	while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	for (size_t at = 0; buf && at < len;) {
		char *nl = memchr(buf + at, '\n', len - at);

		if (!nl)
			break;	/* a half-written last line: the child died mid-write */
		*nl = 0;
		vf_event_take_line(r, buf + at);
		at = nl + 1 - buf;
	}
	free(buf);
	if (timed_out) {
		r->status = "timeout";
		snprintf(r->detail, sizeof(r->detail), "no result after %u s; killed after step %zu",
			 c->timeout, json_array_size(r->steps));
	} else {
		vf_case_child_ended(r, wstatus);
	}
}

static bool unbinds(const struct vf_case *c)
{
	for (unsigned i = 0; i < c->n_steps; i++)
		if (c->steps[i].op == VF_OP_UNBIND)
			return true;
	return false;
}

/*
 * The in-process variant for backends that touch nothing outside the process
 * (the sim): no fork, and the events go straight into the result as objects,
 * not through a JSON text round trip; that is what lets the fuzzer run ~6x10^5
 * sequences a minute. A crash here takes the caller with it, which is why only
 * the fuzzer and the benches use it; `vfconform run` runs the sim's cases in a
 * forked worker (worker.c) and every other backend's in a child per case.
 */
static void run_inproc(const struct vf_backend_ops *be, const struct vf_case *c,
		       struct vf_case_result *r)
{
	struct vf_events ev = { .r = r };

	/*
	 * No leak probe: it compares the real process's VmLck/VmPin (two reads
	 * of /proc/self/status, most of a fuzz sequence's system time), which
	 * an in-process backend cannot change: nothing in the sim or the harness
	 * locks or pins real memory. The forked path keeps the probe, and
	 * 30-sim's in-process check (vfsim_libbench --check) would show a leak
	 * as a difference between the two.
	 */
	vf_run_case_events(be, c, &ev, false);
	if (!r->status && !r->done) {
		r->status = "crash";
		snprintf(r->detail, sizeof(r->detail), "case did not finish");
	}
}

json_t *vf_run_case(const struct vf_backend_ops *be, const struct vf_case *c, bool inproc)
{
	struct vf_run_opts o = { .backend = be };
	struct vf_case_result r = { .steps = json_array(), .bufs = json_array() };
	const char *missing = be->topo_missing(c->topo);
	json_t *jc;

	if (missing) {
		r.status = "skip";
		snprintf(r.detail, sizeof(r.detail), "%s", missing);
	} else if (inproc) {
		run_inproc(be, c, &r);
	} else {
		run_child(&o, c, &r);
	}
	if (!r.status)
		r.status = "pass";
	jc = case_header(c);
	json_object_set_new(jc, "status", json_string(r.status));
	if (r.detail[0])
		json_object_set_new(jc, "detail", json_string(r.detail));
	json_object_set_new(jc, "bufs", r.bufs);
	json_object_set_new(jc, "steps", r.steps);
	return jc;
}

static bool selected(const struct vf_run_opts *o, const struct vf_case *c)
{
	return o->topo_mask & (1u << c->topo);
}

json_t *vf_run_library(const struct vf_run_opts *o, const struct vf_library *lib,
		       unsigned *failed)
{
	json_t *doc, *cases = json_array(), *topos = json_array();
	unsigned total = 0, index = 0, passed = 0, skipped = 0, steps = 0;
	unsigned first = 0;
	char libver[40];
	struct vf_worker worker = { 0 };

	*failed = 0;
	if (o->start_after) {
		for (unsigned i = 0; i < lib->n; i++)
			if (!strcmp(lib->cases[i]->name, o->start_after))
				first = i + 1;
	}
	for (unsigned i = first; i < lib->n; i++)
		total += selected(o, lib->cases[i]);
	if (o->backend->caps & VF_BACKEND_IN_PROCESS) {
		/* what the worker will be asked for, so it can run ahead */
		unsigned *plan = calloc(lib->n ? lib->n : 1, sizeof(*plan));

		if (!plan)
			exit(2);
		for (unsigned i = first; i < lib->n; i++)
			if (selected(o, lib->cases[i]) &&
			    !o->backend->topo_missing(lib->cases[i]->topo))
				plan[worker.n_plan++] = i;
		worker.plan = plan;
	}
	if (o->ktap) {
		fprintf(o->ktap, "KTAP version 1\n1..%u\n", total);
		fflush(o->ktap);
	}
	for (unsigned i = first; i < lib->n; i++) {
		const struct vf_case *c = lib->cases[i];
		struct vf_case_result r = { .steps = json_array(), .bufs = json_array() };
		const char *missing;
		json_t *jc;

		if (!selected(o, c))
			continue;
		index++;
		if (o->ktap) {
			fprintf(o->ktap, "# case-start %s\n", c->name);
			fflush(o->ktap);
		}
		missing = o->backend->topo_missing(c->topo);
		if (missing) {
			r.status = "skip";
			snprintf(r.detail, sizeof(r.detail), "%s", missing);
		} else {
			if (o->backend->caps & VF_BACKEND_IN_PROCESS)
				vf_worker_run(&worker, o->backend, lib, i, &r);
			else
				run_child(o, c, &r);
			/* here, as root: the case may have died or dropped privileges */
			if (unbinds(c) && o->backend->restore)
				o->backend->restore(c);
		}
		if (!r.status) {
			for (size_t k = 0; k < json_array_size(r.steps); k++)
				if (json_object_get(json_array_get(r.steps, k), "expect_failed"))
					r.status = "fail";
			if (r.status)
				snprintf(r.detail, sizeof(r.detail), "an expectation failed");
			else
				r.status = "pass";
		}
		steps += json_array_size(r.steps);
		if (!strcmp(r.status, "pass"))
			passed++;
		else if (!strcmp(r.status, "skip"))
			skipped++;
		else
			(*failed)++;
		if (o->ktap) {
			if (!strcmp(r.status, "skip"))
				fprintf(o->ktap, "ok %u %s # SKIP %s\n", index, c->name, r.detail);
			else if (!strcmp(r.status, "pass"))
				fprintf(o->ktap, "ok %u %s\n", index, c->name);
			else
				fprintf(o->ktap, "not ok %u %s # %s: %s\n", index, c->name,
					r.status, r.detail);
			fflush(o->ktap);
		}
		jc = case_header(c);
		json_object_set_new(jc, "status", json_string(r.status));
		if (r.detail[0])
			json_object_set_new(jc, "detail", json_string(r.detail));
		json_object_set_new(jc, "bufs", r.bufs);
		json_object_set_new(jc, "steps", r.steps);
		json_array_append_new(cases, jc);
	}
	vf_worker_stop(&worker);
	free((unsigned *)worker.plan);
	if (o->ktap) {
		fprintf(o->ktap, "# Totals: pass:%u fail:%u xfail:0 xpass:0 skip:%u error:0\n",
			passed, *failed, skipped);
		fflush(o->ktap);
	}
	for (int t = 0; t < VF_TOPO_COUNT; t++)
		if (o->topo_mask & (1u << t))
			json_array_append_new(topos, json_string(vf_topo_name(t)));
	snprintf(libver, sizeof(libver), "fnv1a:%016llx", (unsigned long long)lib->hash);
	doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o}",
			"format", VF_RUN_FORMAT, "tool", VF_TOOL_VERSION,
			"backend", o->backend->name, "personality", o->backend->personality,
			"kernel_release", o->backend->release(), "library_version", libver,
			"topologies", topos,
			"meta", o->meta ? json_deep_copy(o->meta) : json_object());
	json_object_set_new(doc, "summary",
			    json_pack("{s:i, s:i, s:i, s:i, s:i}", "cases", index, "passed",
				      passed, "failed", *failed, "skipped", skipped, "steps", steps));
	json_object_set_new(doc, "cases", cases);
	return doc;
}

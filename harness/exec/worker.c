// SPDX-License-Identifier: GPL-2.0-only
/*
 * One forked worker runs the cases of an in-process backend (the sim) one
 * after the other: the parent sends a case's index, the worker runs it exactly
 * as a per-case child would (vf_run_case_events, leak probe included) and
 * writes its events as JSON lines, then an empty line. The parent enforces the
 * case's timeout as for a per-case child. When the worker dies or hangs, the
 * case it was running gets the same crash or timeout result a per-case child
 * would have got, and the next case starts a fresh worker: the remainder of the
 * batch re-runs there, so a crash or hang costs one case.
 *
 * The worker runs ahead: up to AHEAD indexes of the plan are queued in it, so
 * it runs the next cases while the parent parses and files the last one's
 * events (the parent's share of the time is about as large as the case's).
 * A case's timeout counts from when the parent starts waiting for it, so a
 * hanging case is still killed at most its timeout after the one before.
 *
 * Why a batch and not a fork per case: the fork, the child's copy-on-write
 * faults and its exit were two thirds of `vfconform run`'s time on the sim.
 * Why that keeps the isolation that matters here: the sim keeps all of its
 * state in the struct vfsim a case creates and frees, the harness keeps a
 * case's state on the stack of vf_run_case_events, and the leak probe still
 * brackets every case; 30-sim checks that the whole library's documents are
 * byte-identical to per-case runs (vfsim_libbench check). Kernel backends
 * (real credentials, rlimits, device state) keep their fork per case.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "exec/runner.h"
#include "exec/worker.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void __attribute__((noreturn)) worker_main(const struct vf_backend_ops *be,
						   const struct vf_library *lib, int cmd, int ev)
{
	struct vf_events e = { .f = fdopen(ev, "w") };
	uint32_t i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (!e.f)
		_exit(2);
	while (read(cmd, &i, sizeof(i)) == sizeof(i) && i < lib->n) {
		vf_run_case_events(be, lib->cases[i], &e, true);
		fputc('\n', e.f);	/* the case's end */
		fflush(e.f);
	}
	_exit(0);
}

#define AHEAD	32

/*
 * Queue plan indexes up to AHEAD past the case being read (never blocks: 128
 * bytes). A worker that died running ahead cannot take them: no SIGPIPE, and
 * no error either, since where its event stream ends tells which case died.
 */
static void send_ahead(struct vf_worker *w)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;

	sigaction(SIGPIPE, &ign, &old);
	while (w->sent < w->n_plan && w->sent < w->pos + AHEAD) {
		uint32_t idx = w->plan[w->sent];

		if (write(w->cmd, &idx, sizeof(idx)) != sizeof(idx))
			break;
		w->sent++;
	}
	sigaction(SIGPIPE, &old, NULL);
}

static int start(struct vf_worker *w, const struct vf_backend_ops *be,
		 const struct vf_library *lib, struct vf_case_result *r)
{
	int cmd[2], ev[2];

	if (pipe2(cmd, O_CLOEXEC) || pipe2(ev, O_CLOEXEC)) {
		r->status = "error";
		snprintf(r->detail, sizeof(r->detail), "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	w->pid = fork();
	if (w->pid < 0) {
		r->status = "error";
		snprintf(r->detail, sizeof(r->detail), "fork: %s", strerror(errno));
		w->pid = 0;
		close(cmd[0]);
		close(cmd[1]);
		close(ev[0]);
		close(ev[1]);
		return -1;
	}
	if (w->pid == 0) {
		close(cmd[1]);
		close(ev[0]);
		worker_main(be, lib, cmd[0], ev[1]);
	}
	close(cmd[0]);
	close(ev[1]);
	w->cmd = cmd[1];
	w->ev = ev[0];
	w->len = 0;
	w->sent = w->pos;	/* a fresh worker: the plan from this case on */
	return 0;
}

/* The worker is gone or must go: reap it; returns its wait status. */
static int reap(struct vf_worker *w, bool kill_it)
{
	int wstatus = 0;

	if (kill_it)
		kill(w->pid, SIGKILL);
	close(w->cmd);
	close(w->ev);
	while (waitpid(w->pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	w->pid = 0;
	return wstatus;
}

/* Complete lines in the buffer into r; true at the case's end (an empty line). */
static bool take_lines(struct vf_worker *w, struct vf_case_result *r)
{
	size_t at = 0;
	bool end = false;

	if (!w->len)
		return false;	/* nothing read yet: w->buf may still be NULL */
	while (!end && at < w->len) {
		char *nl = memchr(w->buf + at, '\n', w->len - at);

		if (!nl)
			break;
		*nl = 0;
		if (nl == w->buf + at)
			end = true;
		else
			vf_event_take_line(r, w->buf + at);
		at = nl + 1 - w->buf;
	}
	memmove(w->buf, w->buf + at, w->len - at);
	w->len -= at;
	return end;
}

void vf_worker_run(struct vf_worker *w, const struct vf_backend_ops *be,
		   const struct vf_library *lib, unsigned i, struct vf_case_result *r)
{
	const struct vf_case *c = lib->cases[i];
	double deadline = now() + c->timeout;
	int wstatus;

	while (w->pos < w->n_plan && w->plan[w->pos] != i)
		w->pos++;
	if (w->pos == w->n_plan) {
		r->status = "error";
		snprintf(r->detail, sizeof(r->detail), "case %u not in the worker's plan", i);
		return;
	}
	if (!w->pid && start(w, be, lib, r))
		return;
	send_ahead(w);
	/* the worker ran ahead: the case may be in the buffer already */
	if (take_lines(w, r)) {
		w->pos++;
		return;
	}
	for (;;) {
		struct pollfd p = { .fd = w->ev, .events = POLLIN };
		int ms = (int)((deadline - now()) * 1000);
		ssize_t n;

		if (ms <= 0) {
			reap(w, true);
			w->len = 0;
			w->pos++;
			r->status = "timeout";
			snprintf(r->detail, sizeof(r->detail),
				 "no result after %u s; killed after step %zu", c->timeout,
				 json_array_size(r->steps));
			return;
		}
		if (poll(&p, 1, ms) <= 0)
			continue;
		if (w->len + 65536 > w->cap) {
			w->cap = (w->len + 65536) * 2;
			w->buf = realloc(w->buf, w->cap);
			if (!w->buf)
				exit(2);
		}
		n = read(w->ev, w->buf + w->len, w->cap - w->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		w->len += n;
		if (take_lines(w, r)) {
			w->pos++;
			return;
		}
	}
	/* EOF before the case's end: a half-written last line is dropped */
	w->len = 0;
	w->pos++;	/* the next worker starts at the next case */
	wstatus = reap(w, false);
	vf_case_child_ended(r, wstatus);
}

void vf_worker_stop(struct vf_worker *w)
{
	if (w->pid)
		reap(w, false);	/* EOF on its command pipe ends it */
	free(w->buf);
	w->buf = NULL;
	w->cap = w->len = 0;
}

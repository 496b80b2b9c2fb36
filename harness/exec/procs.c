// SPDX-License-Identifier: GPL-2.0-only
/*
 * The case's processes p1..p3, one model: FORK starts pN as a copy of p0,
 * a step written "@pN" runs in pN and its observation is pN's, EXIT ends pN
 * (its fds close, its mm goes) and records how. Two carriers implement it,
 * chosen by the backend's capabilities:
 * - in the backend (VF_BACKEND_PROCESSES, the simulator): pN is the
 *   backend's own process object, switched to with proc_use around its
 *   steps, with its own fd table kept here while it is not running;
 * - in the OS (VF_BACKEND_OS_PROCESSES, the kernel): pN is a fork()ed
 *   process that runs the steps p0 sends it by index over a pipe and sends
 *   each observation back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "exec/exec.h"
#include "exec/step_api.h"

struct proc_carrier {
	struct vf_call (*start)(struct vf_exec *ex, unsigned n);
	/* pN's observation of the step; NULL when pN cannot run it */
	json_t *(*step)(struct vf_exec *ex, const struct vf_step *s, unsigned index);
	/* end pN: "exit-N" or "signal-NAME" (one word, for expect) */
	json_t *(*end)(struct vf_exec *ex, unsigned n);
};

/* The running process's handles and scratch buffers into sl, and back. */
static void get_slots(const struct vf_exec *ex, struct vf_slots *sl)
{
	const struct vf_ctx *ctx = ex->ctx;

	sl->container = ctx->container;
	memcpy(sl->group, ctx->group, sizeof(sl->group));
	memcpy(sl->containers, ctx->containers, sizeof(sl->containers));
	memcpy(sl->device_fds, ex->device_fds, sizeof(sl->device_fds));
	sl->n_device_fds = ex->n_device_fds;
	sl->probe = ex->probe;
	sl->dma_page = ex->dma_page;
}

static void put_slots(struct vf_exec *ex, const struct vf_slots *sl)
{
	struct vf_ctx *ctx = ex->ctx;

	ctx->container = sl->container;
	memcpy(ctx->group, sl->group, sizeof(sl->group));
	memcpy(ctx->containers, sl->containers, sizeof(sl->containers));
	memcpy(ex->device_fds, sl->device_fds, sizeof(sl->device_fds));
	ex->n_device_fds = sl->n_device_fds;
	ex->probe = sl->probe;
	ex->dma_page = sl->dma_page;
}

/* Exchange the running process's handles with those kept in sl. */
static void swap_slots(struct vf_exec *ex, struct vf_slots *sl)
{
	struct vf_slots cur;

	get_slots(ex, &cur);
	put_slots(ex, sl);
	*sl = cur;
}

static struct vf_call backend_start(struct vf_exec *ex, unsigned n)
{
	int err = ex->ctx->ops->proc_fork(ex->ctx, n);

	if (err)
		return (struct vf_call){ -1, -err };
	ex->procs[n].pid = -1;
	ex->procs[n].cmd = ex->procs[n].res = -1;
	/* the child's fd table is a copy of the parent's */
	get_slots(ex, &ex->procs[n].slots);
	return (struct vf_call){ 0, 0 };
}

static json_t *backend_step(struct vf_exec *ex, const struct vf_step *s, unsigned index)
{
	struct vf_ctx *ctx = ex->ctx;
	unsigned self = ex->self;
	json_t *obs;

	if (ctx->ops->proc_use(ctx, s->proc))
		return NULL;
	ex->self = s->proc;
	swap_slots(ex, &ex->procs[s->proc].slots);
	obs = vf_exec_step(ex, s, index);
	swap_slots(ex, &ex->procs[s->proc].slots);
	ex->self = self;
	ctx->ops->proc_use(ctx, self);
	return obs;
}

static json_t *backend_end(struct vf_exec *ex, unsigned n)
{
	ex->procs[n].pid = 0;
	/* an in-backend process ends as a forked one does: exit 0 */
	return json_string(ex->ctx->ops->proc_exit(ex->ctx, n) ? "exit-1" : "exit-0");
}

static const struct proc_carrier in_backend = {
	.start = backend_start,
	.step = backend_step,
	.end = backend_end,
};

static bool xfer(int fd, void *buf, size_t len, bool out)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = out ? write(fd, p, len) : read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= n;
	}
	return true;
}

/*
 * A FORKed process: runs the steps p0 sends it (by index) and sends back
 * each observation, until p0 closes the pipe (EXIT, or the end of the case).
 */
static void __attribute__((noreturn)) worker_loop(struct vf_exec *ex, int cmd, int res)
{
	uint32_t idx;

	while (xfer(cmd, &idx, sizeof(idx), false) && idx < ex->ctx->c->n_steps) {
		json_t *obs = vf_exec_step(ex, &ex->ctx->c->steps[idx], idx);
		char *txt = json_dumps(obs, JSON_COMPACT);
		uint32_t len = txt ? strlen(txt) : 0;

		json_decref(obs);
		if (!xfer(res, &len, sizeof(len), true) || !xfer(res, txt, len, true))
			_exit(1);
		free(txt);
	}
	/* the fds and the mm go with the process; the case's process sees the rest */
	_exit(0);
}

static struct vf_call os_start(struct vf_exec *ex, unsigned n)
{
	int cmd[2], res[2], pid;

	/* a step sent to a process that died must fail with EPIPE, not kill p0 */
	signal(SIGPIPE, SIG_IGN);
	if (pipe2(cmd, O_CLOEXEC))
		return (struct vf_call){ -1, errno };
	if (pipe2(res, O_CLOEXEC)) {
		close(cmd[0]);
		close(cmd[1]);
		return (struct vf_call){ -1, errno };
	}
	fflush(NULL);
	pid = fork();
	pid = pid < 0 ? -errno : pid;
	if (pid == 0) {
		close(cmd[1]);
		close(res[0]);
		/* the other processes' pipes belong to p0 alone */
		for (unsigned i = 0; i < VF_MAX_PROCS; i++) {
			if (ex->procs[i].pid) {
				close(ex->procs[i].cmd);
				close(ex->procs[i].res);
			}
			ex->procs[i].pid = 0;
		}
		/* dies with p0 (the runner's timeout kills p0) */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		ex->self = n;
		worker_loop(ex, cmd[0], res[1]);
	}
	close(cmd[0]);
	close(res[1]);
	if (pid < 0) {
		close(cmd[1]);
		close(res[0]);
		return (struct vf_call){ -1, -pid };
	}
	ex->procs[n].pid = pid;
	ex->procs[n].cmd = cmd[1];
	ex->procs[n].res = res[0];
	return (struct vf_call){ 0, 0 };
}

/* How a process ended: "exit-N" or "signal-NAME" (one word, for expect). */
static json_t *os_end(struct vf_exec *ex, unsigned n)
{
	char s[48];
	int st;

	close(ex->procs[n].cmd);
	close(ex->procs[n].res);
	while (waitpid(ex->procs[n].pid, &st, 0) < 0 && errno == EINTR)
		;
	ex->procs[n].pid = 0;
	if (WIFSIGNALED(st))
		snprintf(s, sizeof(s), "signal-%s",
			 sigabbrev_np(WTERMSIG(st)) ? sigabbrev_np(WTERMSIG(st)) : "?");
	else
		snprintf(s, sizeof(s), "exit-%d", WEXITSTATUS(st));
	return json_string(s);
}

/* A step of pN, run from p0: pN's own observation, or NULL if pN is gone. */
static json_t *remote_step(struct vf_exec *ex, unsigned index, unsigned n)
{
	uint32_t idx = index, len;
	json_t *obs = NULL;
	char *txt;

	if (!ex->procs[n].pid || !xfer(ex->procs[n].cmd, &idx, sizeof(idx), true) ||
	    !xfer(ex->procs[n].res, &len, sizeof(len), false))
		return NULL;
	txt = malloc((size_t)len + 1);
	if (txt && xfer(ex->procs[n].res, txt, len, false)) {
		txt[len] = 0;
		obs = json_loads(txt, 0, NULL);
	}
	free(txt);
	return obs;
}
static json_t *os_step(struct vf_exec *ex, const struct vf_step *s, unsigned index)
{
	return remote_step(ex, index, s->proc);
}

static const struct proc_carrier in_os = {
	.start = os_start,
	.step = os_step,
	.end = os_end,
};

static const struct proc_carrier *carrier(const struct vf_exec *ex)
{
	unsigned caps = ex->ctx->ops->caps;

	if (caps & VF_BACKEND_PROCESSES)
		return &in_backend;
	return caps & VF_BACKEND_OS_PROCESSES ? &in_os : NULL;
}

struct vf_call vf_proc_start(struct vf_exec *ex, unsigned n)
{
	const struct proc_carrier *pc = carrier(ex);

	if (ex->procs[n].pid)
		return (struct vf_call){ -1, EEXIST };
	if (!pc)
		return (struct vf_call){ -1, ENOSYS };
	return pc->start(ex, n);
}

struct vf_call vf_proc_end(struct vf_exec *ex, unsigned n, json_t *out)
{
	if (!ex->procs[n].pid)
		return (struct vf_call){ -1, ESRCH };
	json_object_set_new(out, "status", carrier(ex)->end(ex, n));
	return (struct vf_call){ 0, 0 };
}

json_t *vf_proc_step(struct vf_exec *ex, const struct vf_step *s, unsigned index,
		     struct vf_call *gone)
{
	json_t *obs = ex->procs[s->proc].pid ? carrier(ex)->step(ex, s, index) : NULL;

	if (!obs)
		*gone = (struct vf_call){ -1, ex->procs[s->proc].pid ? ECHILD : ESRCH };
	return obs;
}

void vf_proc_end_all(struct vf_exec *ex)
{
	/* processes first: their pins go before p0's fds, as when VMs exit first */
	for (unsigned i = 1; i < VF_MAX_PROCS; i++)
		if (ex->procs[i].pid)
			json_decref(carrier(ex)->end(ex, i));
}

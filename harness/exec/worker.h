/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A forked worker that runs case after case for `vfconform run` on a backend
 * that touches nothing outside the process (the sim): one fork per batch
 * instead of one per case, with the same per-case timeout, and a crash or
 * hang still costs only the case that caused it (worker.c).
 */
#ifndef VF_WORKER_H
#define VF_WORKER_H

#include <sys/types.h>
#include "exec/events.h"
#include "lang/case.h"

struct vf_worker {
	pid_t pid;		/* 0: none running */
	int cmd, ev;		/* case indexes to it, event lines from it */
	char *buf;
	size_t len, cap;
	const unsigned *plan;	/* the library indexes the run will ask for, in order */
	unsigned n_plan, pos;	/* plan[pos]: the case being read */
	unsigned sent;		/* plan[pos..sent) are queued in the worker */
};

/*
 * Run lib->cases[i] in the worker (started on first use), its events into r.
 * i must be the next index of w->plan: the worker runs ahead on the plan.
 */
void vf_worker_run(struct vf_worker *w, const struct vf_backend_ops *be,
		   const struct vf_library *lib, unsigned i, struct vf_case_result *r);
/* End the worker, if one runs. */
void vf_worker_stop(struct vf_worker *w);

#endif

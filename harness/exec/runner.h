/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The runner: every case in a forked child with a timeout, observations
 * streamed back over a pipe, so a crash or hang costs one case only.
 */
#ifndef VF_RUNNER_H
#define VF_RUNNER_H

#include <stdio.h>
#include <jansson.h>
#include "backends/backend.h"
#include "lang/case.h"

struct vf_run_opts {
	const struct vf_backend_ops *backend;
	unsigned topo_mask;		/* 1u << enum vf_topo; cases outside are left out */
	const char *start_after;	/* skip cases up to and including this name */
	FILE *ktap;			/* KTAP progress, or NULL */
	json_t *meta;			/* extra header fields (--meta), borrowed */
};

/* Run the library; returns the run document. *failed counts non-passing cases. */
json_t *vf_run_library(const struct vf_run_opts *o, const struct vf_library *lib,
		       unsigned *failed);
struct vf_events;
/* Open, set up and run the case, its events to e; leak_probe: bracket it with the leak check. */
void vf_run_case_events(const struct vf_backend_ops *be, const struct vf_case *c,
			struct vf_events *e, bool leak_probe);
/* Run one case in the current process (the child side); writes JSON lines to fd. */
int vf_run_case_child(const struct vf_backend_ops *be, const struct vf_case *c, int fd);

/*
 * Run one case and return its result object as in the run document (header,
 * status, bufs, steps). inproc runs it in this process (sim backends only);
 * otherwise in a forked child with the case's timeout, like vf_run_library.
 */
json_t *vf_run_case(const struct vf_backend_ops *be, const struct vf_case *c, bool inproc);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The step executor: turns a parsed step into the ioctl's argument bytes,
 * issues it through the backend and decodes everything the kernel wrote back
 * into an observation (a JSON object).
 */
#ifndef VF_EXEC_H
#define VF_EXEC_H

#include <jansson.h>
#include "backends/backend.h"

#define VF_MAX_DEVICE_FDS 16

struct vf_exec {
	struct vf_ctx *ctx;
	struct vf_buf_inst bufs[VF_MAX_BUFS];
	struct vf_buf_inst probe;	/* MAPPED's scratch buffer, made on first use */
	struct vf_buf_inst dma_page;	/* DEVICE_DMA's staging page, made on first use */
	int device_fds[VF_MAX_DEVICE_FDS];	/* -1 once CLOSEd */
	unsigned n_device_fds;
	/* FORKed processes, as seen from p0: pid and the pipes to and from it */
	struct {
		int pid;		/* 0: not running */
		int cmd, res;
		/* an in-process pN's own fd table while it is not running */
		struct vf_slots {
			int container, group[VF_MAX_GROUPS], containers[VF_MAX_CONTAINERS];
			int device_fds[VF_MAX_DEVICE_FDS];
			unsigned n_device_fds;
			/* its scratch memory: what one makes after a fork is its alone */
			struct vf_buf_inst probe, dma_page;
		} slots;
	} procs[VF_MAX_PROCS];
	unsigned self;			/* which process this is: 0, or N in pN */
	json_t *fault_out;		/* the armed step's out, until its first ioctl */
};

/*
 * Fault injection (vfconform failnth): the first ioctl of the step on case
 * line `line` runs with /proc/thread-self/fail-nth set to nth, so the nth
 * fault-injection point it reaches (failslab, fail_page_alloc) fails. The
 * observation gets out.fail_nth = {nth, fired}. nth 0: off.
 */
struct vf_fault_inject {
	unsigned line;
	unsigned nth;
};
extern struct vf_fault_inject vf_fault;

/* Observation of steps[index]; never NULL. */
json_t *vf_exec_step(struct vf_exec *ex, const struct vf_step *s, unsigned index);
/* Arguments of a step as recorded (symbolic, machine independent). */
json_t *vf_step_args(const struct vf_case *c, const struct vf_step *s);
/*
 * Check the step's expectations that apply to this backend against the
 * observation; returns a JSON array of failure messages (empty when all hold).
 */
json_t *vf_check_expects(const struct vf_step *s, const json_t *obs, const char *backend,
			 const char *personality);
void vf_exec_release(struct vf_exec *ex);

#endif

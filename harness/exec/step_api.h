/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a step kind's exec (harness/steps/) builds on: one call through the
 * backend, the canaried argument buffer, the case's handles, and how values
 * are written into an observation. Nothing here knows a step kind.
 */
#ifndef VF_STEP_API_H
#define VF_STEP_API_H

#include <jansson.h>
#include "exec/exec.h"
#include "lang/names.h"
#include "steps/step_kind.h"
#include "uapi/codec.h"
#include "uapi/sink_json.h"

#define VF_SMALL_BUF	4096
#define VF_MAX_ARG_BUF	(1u << 20)

/* One ioctl through the backend; fail-nth armed if this step is the one under fault. */
struct vf_call vf_do_ioctl(struct vf_exec *ex, int handle, unsigned long req, void *arg);
/* The container a step addresses: c0 unless it says container=cN. */
int vf_chandle(struct vf_exec *ex, const struct vf_step *s);
/* An errno for an observation: its name, or the number when it has none. */
json_t *vf_json_errno(int err);
/* The step's vaddr= as an address of this process (marks out.vaddr_unavailable). */
uint64_t vf_vaddr_of(struct vf_exec *ex, const struct vf_step *s, json_t *out);

/*
 * An argument buffer: the struct is built in front, everything after the
 * bytes the caller owns is canary, so a write past them shows.
 */
struct vf_argbuf {
	uint8_t *p;
	size_t len;
};

bool vf_argbuf_init(struct vf_argbuf *a, size_t want);
/* "intact", or where the first changed canary byte at or after from is. */
json_t *vf_canary_state(const struct vf_argbuf *a, size_t from);
/* The step's raw= bytes in place of the struct. */
void vf_put_raw(struct vf_argbuf *a, const struct vf_step *s);
/*
 * The call of a step whose argument is one struct: arg (len bytes, or the
 * step's raw= bytes instead) in a canaried buffer, the ioctl on handle, what
 * the kernel left copied back into arg, and out.canary when out is not NULL.
 */
struct vf_call vf_struct_call(struct vf_exec *ex, const struct vf_step *s, int handle,
			      unsigned long req, void *arg, size_t len, json_t *out);

/* A kind's exec; count= repeats one (repeat.c): its out is NULL for a map. */
typedef struct vf_call (*vf_exec_fn)(struct vf_exec *ex, const struct vf_step *s, json_t *out);
struct vf_call vf_exec_repeat(struct vf_exec *ex, const struct vf_step *s, json_t *out,
			      vf_exec_fn one_call);

/* The case's processes (exec/procs.c): FORK, EXIT, and a step of pN run from p0. */
struct vf_call vf_proc_start(struct vf_exec *ex, unsigned n);
struct vf_call vf_proc_end(struct vf_exec *ex, unsigned n, json_t *out);
/* steps[index] of process s->proc when it is not this one; NULL: run it here. */
json_t *vf_proc_step(struct vf_exec *ex, const struct vf_step *s, unsigned index,
		     struct vf_call *gone);
/* End every pN still running (the end of the case). */
void vf_proc_end_all(struct vf_exec *ex);

#endif

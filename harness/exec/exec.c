// SPDX-License-Identifier: GPL-2.0-only
/*
 * Step execution and observation: the step's kind runs it (harness/steps/),
 * this records what came back, whether the call succeeded or not, because a
 * failed call that still wrote something is exactly the kind of difference
 * this suite exists to find.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include "exec/exec.h"
#include "exec/step_api.h"
#include "steps/step_kind.h"

json_t *vf_exec_step(struct vf_exec *ex, const struct vf_step *s, unsigned index)
{
	struct vf_ctx *ctx = ex->ctx;
	json_t *obs, *out, *acct;
	struct vf_json_sink js;
	struct vf_call c = { 0, 0 };
	bool run = true;
	char pname[16];

	if (s->proc != ex->self) {
		obs = vf_proc_step(ex, s, index, &c);
		if (obs)
			return obs;
		/* pN died or never ran: say so in p0's observation */
		run = false;
	}
	obs = json_object();
	out = json_object();
	acct = json_object();

	json_object_set_new(obs, "step", json_integer(index + 1));
	json_object_set_new(obs, "line", json_integer(s->line));
	json_object_set_new(obs, "op", json_string(vf_op_name(s->op)));
	if (s->setup)
		json_object_set_new(obs, "setup", json_true());
	json_object_set_new(obs, "args", vf_step_args(ctx->c, s));
	if (s->proc) {
		snprintf(pname, sizeof(pname), "p%u", s->proc);
		json_object_set_new(obs, "proc", json_string(pname));
	}
	ex->fault_out = vf_fault.nth && s->line == vf_fault.line && !s->setup ? out : NULL;
	if (run)
		c = vf_step_kind(s->op)->exec(ex, s, out);
	vf_uapi_result(vf_json_sink_init(&js, obs), c.ret, c.err);
	json_object_set_new(obs, "out", out);
	ex->fault_out = NULL;
	ctx->ops->acct(ctx, acct);
	json_object_set_new(obs, "acct", acct);
	return obs;
}

void vf_exec_release(struct vf_exec *ex)
{
	vf_proc_end_all(ex);
	for (unsigned i = 0; i < ex->n_device_fds; i++)
		if (ex->device_fds[i] >= 0)
			ex->ctx->ops->close_handle(ex->ctx, ex->device_fds[i]);
	ex->n_device_fds = 0;
}

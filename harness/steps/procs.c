// SPDX-License-Identifier: GPL-2.0-only
/* FORK and EXIT: the case's processes p1..p3 (exec/procs.c runs them). */
#define _GNU_SOURCE
#include <stdint.h>
#include "exec/step_api.h"
#include "steps/step_kind.h"

static struct vf_call exec_fork(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	(void)out;
	return vf_proc_start(ex, (unsigned)s->val[VF_F_PROC]);
}

static struct vf_call exec_exit(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	return vf_proc_end(ex, (unsigned)s->val[VF_F_PROC], out);
}

/* pN exists from its FORK line to its EXIT line: later lines may name it only then. */
static bool check_proc(struct vf_step_check *chk, const struct vf_step *s)
{
	bool fork = s->op == VF_OP_FORK;
	const char *kw = fork ? "FORK" : "EXIT";
	unsigned long long p = s->val[VF_F_PROC];
	uint32_t n;

	if (chk->proc)
		return vf_check_fail(chk, "%s runs in the case's own process (no @p prefix)", kw);
	if (!vf_has(s, VF_F_PROC))
		return vf_check_fail(chk, "%s needs proc=pN", kw);
	n = 1u << p;
	if (fork && (*chk->procs_alive & n))
		return vf_check_fail(chk, "process p%llu is already running", p);
	if (!fork && !(*chk->procs_alive & n))
		return vf_check_fail(chk, "process p%llu is not running (FORK proc=p%llu first)",
				     p, p);
	*chk->procs_alive ^= n;
	return true;
}

const struct vf_step_kind vf_step_fork = {
	.about = "fork process pN: later \"@pN\" steps run in it",
	.fields = VF_BIT(VF_F_PROC),
	.flags = VF_KIND_NO_RANGE | VF_KIND_CHANGES_STATE,
	.personalities = VF_PERS_BOTH,
	.check = check_proc,
	.exec = exec_fork,
};

const struct vf_step_kind vf_step_exit = {
	.about = "end process pN (its fds close, its mm goes away); out.status says how",
	.fields = VF_BIT(VF_F_PROC),
	.flags = VF_KIND_NO_RANGE | VF_KIND_CHANGES_STATE,
	.personalities = VF_PERS_BOTH,
	.check = check_proc,
	.exec = exec_exit,
};

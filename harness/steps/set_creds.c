// SPDX-License-Identifier: GPL-2.0-only
/* SET_CREDS: credentials and RLIMIT_MEMLOCK changed mid-case. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include "exec/step_api.h"
#include "fuzz/fuzz_gen.h"
#include "steps/step_kind.h"

static struct vf_call exec_set_creds(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	struct vf_ctx *ctx = ex->ctx;
	struct vf_creds cr = {
		.has_cred = vf_has(s, VF_F_CRED),
		.cred = (enum vf_cred)(s->val[VF_F_CRED] >> 32),
		.uid = (uint32_t)s->val[VF_F_CRED],
		.has_memlock = vf_has(s, VF_F_MEMLOCK),
		.memlock = s->val[VF_F_MEMLOCK],
	};
	int err;

	(void)out;
	if (!ctx->ops->apply_creds)
		return (struct vf_call){ -1, ENOSYS };
	err = ctx->ops->apply_creds(ctx, &cr);
	return (struct vf_call){ err ? -1 : 0, -err };
}

static bool check_set_creds(struct vf_step_check *chk, const struct vf_step *s)
{
	if (!vf_has(s, VF_F_CRED) && !vf_has(s, VF_F_MEMLOCK))
		return vf_check_fail(chk, "SET_CREDS needs cred= and/or memlock=");
	return true;
}

/*
 * Credentials and RLIMIT_MEMLOCK changed between ioctls: type1 keeps the
 * lock_cap of map time, iommufd charges whoever maps, and a process that left
 * root may lower its limit but not raise it again.
 */
static void gen_set_creds(struct fz_gen *g, char *l)
{
	struct fz_rng *r = g->r;

	fz_add(l, "SET_CREDS");
	switch (fz_below(r, 4)) {
	case 0:
		fz_add(l, " cred=nocap");
		break;
	case 1:
		fz_add(l, " cred=uid=1000");
		break;
	case 2:
		fz_add(l, " cred=nocap memlock=%s", FZ_PICK(r, fz_memlocks));
		break;
	default:
		fz_add(l, " memlock=%s", FZ_PICK(r, fz_memlocks));
		break;
	}
}

const struct vf_step_kind vf_step_set_creds = {
	.about = "change credentials and/or RLIMIT_MEMLOCK mid-case",
	.fields = VF_BIT(VF_F_CRED) | VF_BIT(VF_F_MEMLOCK),
	.flags = VF_KIND_NO_RANGE | VF_KIND_CHANGES_STATE,
	.personalities = VF_PERS_BOTH,
	.check = check_set_creds,
	.exec = exec_set_creds,
	.fuzz = { .rare = 4, .gen = gen_set_creds },
};

// SPDX-License-Identifier: GPL-2.0-only
/*
 * One call of a step through the backend (with fail-nth armed when the case
 * line is the one under fault injection), and the argument buffer every step
 * lays its struct out in: canary after the bytes the caller owns, so a write
 * past them shows.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "exec/exec.h"
#include "exec/step_api.h"

#define CANARY		0xa5

struct vf_fault_inject vf_fault;

/*
 * fail-nth is per task and counts down at every injection point the task
 * passes. The file is opened and written before the ioctl, read back and
 * cleared through the same fd after it (proc's read and write of it allocate
 * nothing), so only the ioctl's own allocations are counted: a remaining
 * count of 0 means the nth point was reached and failed.
 */
static struct vf_call ioctl_fail_nth(struct vf_exec *ex, int handle, unsigned long req, void *arg)
{
	json_t *out = ex->fault_out;
	int fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	char buf[32];
	struct vf_call c;
	ssize_t n;
	int len;

	ex->fault_out = NULL;
	if (fd < 0) {
		json_object_set_new(out, "fail_nth", json_pack("{s:s}", "error", strerror(errno)));
		errno = 0;
		c.ret = ex->ctx->ops->ioctl(ex->ctx, handle, req, arg);
		c.err = c.ret < 0 ? errno : 0;
		return c;
	}
	len = snprintf(buf, sizeof(buf), "%u", vf_fault.nth);
	if (pwrite(fd, buf, len, 0) != len) {
		json_object_set_new(out, "fail_nth", json_pack("{s:s}", "error", strerror(errno)));
		close(fd);
		return (struct vf_call){ -1, EIO };
	}
	errno = 0;
	c.ret = ex->ctx->ops->ioctl(ex->ctx, handle, req, arg);
	c.err = c.ret < 0 ? errno : 0;
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = 0;
	if (pwrite(fd, "0", 1, 0) != 1)
		json_object_set_new(out, "fail_nth_reset_failed", json_true());
	close(fd);
	json_object_set_new(out, "fail_nth", json_pack("{s:i, s:b}", "nth", vf_fault.nth,
						       "fired", n > 0 && atoi(buf) == 0));
	return c;
}

struct vf_call vf_do_ioctl(struct vf_exec *ex, int handle, unsigned long req, void *arg)
{
	struct vf_call c;

	if (ex->fault_out)
		return ioctl_fail_nth(ex, handle, req, arg);
	errno = 0;
	c.ret = ex->ctx->ops->ioctl(ex->ctx, handle, req, arg);
	c.err = c.ret < 0 ? errno : 0;
	return c;
}

/* The container a step addresses: c0 unless it says container=cN. */
json_t *vf_json_errno(int err)
{
	const char *n = vf_errno_name(err);

	return n ? json_string(n) : json_integer(err);
}

int vf_chandle(struct vf_exec *ex, const struct vf_step *s)
{
	return *vf_container_slot(ex->ctx, (unsigned)s->val[VF_F_CONTAINER]);
}

uint64_t vf_vaddr_of(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	const struct vf_buf_inst *b;

	if (s->vaddr_buf < 0)
		return s->val[VF_F_VADDR];
	b = &ex->bufs[s->vaddr_buf];
	if (!b->addr && ex->ctx->c->bufs[s->vaddr_buf].kind != VF_BUF_UNMAPPED)
		json_object_set_new(out, "vaddr_unavailable", json_true());
	return (uint64_t)(uintptr_t)b->addr + s->val[VF_F_VADDR];
}

bool vf_argbuf_init(struct vf_argbuf *a, size_t want)
{
	a->len = want + 64 < VF_SMALL_BUF ? VF_SMALL_BUF : want + 64;
	if (a->len > VF_MAX_ARG_BUF)
		a->len = VF_MAX_ARG_BUF;
	a->p = malloc(a->len);
	if (!a->p)
		return false;
	memset(a->p, CANARY, a->len);
	return true;
}

/*
 * "intact", or where the first changed canary byte is. Compared a block at a
 * time with memcmp: a byte loop over the 4K buffer was three quarters of the
 * library's time on the sim (count= maps check it once per call).
 */
json_t *vf_canary_state(const struct vf_argbuf *a, size_t from)
{
	static uint8_t ref[512];
	char s[48];

	if (!ref[0])
		memset(ref, CANARY, sizeof(ref));
	for (size_t i = from; i < a->len; i += sizeof(ref)) {
		size_t n = a->len - i < sizeof(ref) ? a->len - i : sizeof(ref);

		if (!memcmp(a->p + i, ref, n))
			continue;
		while (a->p[i] == CANARY)
			i++;
		snprintf(s, sizeof(s), "clobbered at +%zu", i);
		return json_string(s);
	}
	return json_string("intact");
}

void vf_put_raw(struct vf_argbuf *a, const struct vf_step *s)
{
	memcpy(a->p, s->raw, s->raw_len < a->len ? s->raw_len : a->len);
}

struct vf_call vf_struct_call(struct vf_exec *ex, const struct vf_step *s, int handle,
			      unsigned long req, void *arg, size_t len, json_t *out)
{
	struct vf_argbuf a;
	struct vf_call c;

	if (!vf_argbuf_init(&a, len))
		return (struct vf_call){ -1, ENOMEM };
	if (s->raw)
		vf_put_raw(&a, s);
	else
		memcpy(a.p, arg, len);
	c = vf_do_ioctl(ex, handle, req, a.p);
	memcpy(arg, a.p, len);
	if (out)
		json_object_set_new(out, "canary", vf_canary_state(&a, s->raw ? s->raw_len : len));
	free(a.p);
	return c;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The executor's new steps against a fake backend: CLOSE and what happens to
 * the handle, container=cN routing, count= repetition, FORK/@pN/EXIT (a real
 * fork: the observation of a @p1 step must come from another process),
 * SET_CREDS and BIND/UNBIND reaching their ops, the native IOAS bytes, the
 * raw IOCTL step's fd, number and written-back bytes, and the acct
 * expectation keys.
 */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/vfio.h>
#include <linux/iommufd.h>
#include "exec/exec.h"

#define CONTAINER	1000
#define GROUP_BASE	2000
#define NEW_CONTAINER	3000

static int last_handle;
static unsigned long last_req;
static uint8_t last_arg[64];
static unsigned n_ioctls;
static int closed[16];
static unsigned n_closed;
static int map_fail_after = -1;	/* MAP_DMA fails with ENOSPC from this call on */
static unsigned n_maps;
static struct vf_creds got_creds;
static int bind_calls[3];	/* g, index, bind */

static long fake_ioctl(struct vf_ctx *ctx, int handle, unsigned long req, void *arg)
{
	(void)ctx;
	n_ioctls++;
	last_handle = handle;
	last_req = req;
	if (req == VFIO_IOMMU_MAP_DMA) {
		memcpy(last_arg, arg, sizeof(struct vfio_iommu_type1_dma_map));
		if (map_fail_after >= 0 && n_maps++ >= (unsigned)map_fail_after) {
			errno = ENOSPC;
			return -1;
		}
	} else if (req == IOMMU_IOAS_MAP) {
		struct iommu_ioas_map *m = arg;

		memcpy(last_arg, arg, sizeof(*m));
		m->iova = 0xabc000;	/* as if the kernel had picked it */
	} else if (req == 0x3b7f && arg) {
		/* a request only this fake knows: it writes back, as a driver would */
		((uint8_t *)arg)[1] = 0xee;
	} else if (req == VFIO_IOMMU_UNMAP_DMA) {
		/* everything asked for was mapped: size stays */
	}
	return 0;
}

static void fake_close_handle(struct vf_ctx *ctx, int handle)
{
	(void)ctx;
	closed[n_closed++] = handle;
}

static const char *fake_device_name(struct vf_ctx *ctx, unsigned g, unsigned index)
{
	(void)ctx;
	(void)g;
	return index ? NULL : "dev0";
}

static int fake_buf_create(struct vf_ctx *ctx, const struct vf_buf *b, struct vf_buf_inst *out)
{
	(void)ctx;
	memset(out, 0, sizeof(*out));
	out->size = b->size;
	out->addr = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return out->addr == MAP_FAILED ? -ENOMEM : 0;
}

static int fake_set_creds(struct vf_ctx *ctx)
{
	(void)ctx;
	return 0;
}

/* The pid tells which process took the snapshot. */
static void fake_acct(struct vf_ctx *ctx, json_t *acct)
{
	(void)ctx;
	json_object_set_new(acct, "VmLck", json_integer(getpid()));
}

static const char *fake_release(void)
{
	return "fake";
}

static void fake_close(struct vf_ctx *ctx)
{
	(void)ctx;
}

static int fake_open_container(struct vf_ctx *ctx)
{
	(void)ctx;
	return NEW_CONTAINER;
}

static int fake_apply_creds(struct vf_ctx *ctx, const struct vf_creds *cr)
{
	(void)ctx;
	got_creds = *cr;
	return cr->has_cred && cr->cred == VF_CRED_UID && cr->uid == 7 ? -EPERM : 0;
}

static int fake_bind(struct vf_ctx *ctx, unsigned g, unsigned index, bool bind)
{
	(void)ctx;
	bind_calls[0] = g;
	bind_calls[1] = index;
	bind_calls[2] = bind;
	return bind ? 0 : -EBUSY;
}

static const struct vf_backend_ops fake_ops = {
	.name = "fake-type1",
	.personality = "type1",
	.ioctl = fake_ioctl,
	.close_handle = fake_close_handle,
	.device_name = fake_device_name,
	.buf_create = fake_buf_create,
	.set_creds = fake_set_creds,
	.acct = fake_acct,
	.release = fake_release,
	.close = fake_close,
	.open_container = fake_open_container,
	.apply_creds = fake_apply_creds,
	.caps = VF_BACKEND_OS_PROCESSES,
	.device_bind = fake_bind,
};

static struct vf_case *tc;
static struct vf_ctx ctx;
static struct vf_exec ex;

static void setup_case(const char *body)
{
	char text[4096], err[600] = "";

	snprintf(text, sizeof(text), "name t\nabout t\ntags t\ngroups g0 g1\nattach none\n%s", body);
	tc = vf_case_parse_string("t.case", text, err, sizeof(err));
	ck_assert_msg(tc != NULL, "parse: %s", err);
	memset(&ctx, 0, sizeof(ctx));
	memset(&ex, 0, sizeof(ex));
	ctx.ops = &fake_ops;
	ctx.c = tc;
	ctx.container = CONTAINER;
	for (unsigned g = 0; g < VF_MAX_GROUPS; g++)
		ctx.group[g] = GROUP_BASE + g;
	for (unsigned i = 0; i < VF_MAX_CONTAINERS; i++)
		ctx.containers[i] = -1;
	ex.ctx = &ctx;
	for (unsigned i = 0; i < tc->n_bufs; i++)
		fake_buf_create(&ctx, &tc->bufs[i], &ex.bufs[i]);
	n_closed = n_ioctls = n_maps = 0;
	map_fail_after = -1;
}

static json_t *run(unsigned i)
{
	return vf_exec_step(&ex, &tc->steps[tc->n_setup + i], tc->n_setup + i);
}

static const char *errno_of(json_t *obs)
{
	json_t *e = json_object_get(obs, "errno");

	return json_is_null(e) ? "0" : json_string_value(e);
}

static void teardown_case(void)
{
	vf_exec_release(&ex);
	vf_case_free(tc);
}

START_TEST(close_then_ebadf)
{
	json_t *o;

	setup_case("CLOSE group=g1\nCLOSE group=g1\nGROUP_GET_DEVICE_FD\nCLOSE device=0\n"
		   "CLOSE device=0\nCLOSE device=5\nCLOSE container=c0\n");
	o = run(0);
	ck_assert_str_eq(errno_of(o), "0");
	ck_assert_uint_eq(n_closed, 1);
	ck_assert_int_eq(closed[0], GROUP_BASE + 1);
	ck_assert_int_eq(ctx.group[1], -1);
	json_decref(o);
	o = run(1);
	ck_assert_str_eq(errno_of(o), "EBADF");
	ck_assert_uint_eq(n_closed, 1);		/* the backend never saw the second close */
	json_decref(o);
	json_decref(run(2));
	ck_assert_uint_eq(ex.n_device_fds, 1);
	o = run(3);
	ck_assert_str_eq(errno_of(o), "0");
	ck_assert_int_eq(ex.device_fds[0], -1);
	json_decref(o);
	o = run(4);
	ck_assert_str_eq(errno_of(o), "EBADF");
	json_decref(o);
	o = run(5);
	ck_assert_str_eq(errno_of(o), "EBADF");
	json_decref(o);
	o = run(6);
	ck_assert_int_eq(ctx.container, -1);
	ck_assert_int_eq(closed[n_closed - 1], CONTAINER);
	json_decref(o);
	teardown_case();
}
END_TEST

START_TEST(container_routing)
{
	json_t *o;

	setup_case("OPEN_CONTAINER container=c1\nOPEN_CONTAINER container=c1\n"
		   "IOMMU_GET_INFO container=c1\nIOMMU_GET_INFO\nGROUP_SET_CONTAINER group=g1 container=c1\n");
	json_decref(run(0));
	ck_assert_int_eq(ctx.containers[1], NEW_CONTAINER);
	o = run(1);
	ck_assert_str_eq(errno_of(o), "EEXIST");	/* the slot is taken: a case error */
	json_decref(o);
	json_decref(run(2));
	ck_assert_int_eq(last_handle, NEW_CONTAINER);
	json_decref(run(3));
	ck_assert_int_eq(last_handle, CONTAINER);
	json_decref(run(4));
	ck_assert_int_eq(last_handle, GROUP_BASE + 1);
	ck_assert_uint_eq(last_req, VFIO_GROUP_SET_CONTAINER);
	teardown_case();
}
END_TEST

START_TEST(count_stops_at_failure)
{
	struct vfio_iommu_type1_dma_map m;
	json_t *o, *out;

	setup_case("buf a 4K\nIOMMU_MAP_DMA iova=0x10000 size=4K vaddr=a count=10\nexpect done=10\n");
	map_fail_after = 6;
	o = run(0);
	out = json_object_get(o, "out");
	ck_assert_str_eq(errno_of(o), "ENOSPC");
	ck_assert_int_eq(json_integer_value(json_object_get(out, "done")), 6);
	ck_assert_int_eq(json_integer_value(json_object_get(out, "failed_at")), 6);
	ck_assert_uint_eq(n_ioctls, 7);
	memcpy(&m, last_arg, sizeof(m));
	ck_assert_uint_eq(m.iova, 0x10000 + 6 * 4096);	/* iova advances by size */
	ck_assert_ptr_eq((void *)(uintptr_t)m.vaddr, ex.bufs[0].addr);	/* vaddr does not */
	json_decref(o);
	teardown_case();
}
END_TEST

START_TEST(fork_runs_elsewhere)
{
	json_t *o, *p0, *f;

	setup_case("FORK proc=p1\n@p1 IOMMU_GET_INFO\nIOMMU_GET_INFO\nEXIT proc=p1\nexpect status=exit-0\n");
	o = run(0);
	ck_assert_str_eq(errno_of(o), "0");
	ck_assert_int_gt(ex.procs[1].pid, 0);
	json_decref(o);
	o = run(1);
	p0 = run(2);
	ck_assert_str_eq(json_string_value(json_object_get(o, "proc")), "p1");
	ck_assert_ptr_null(json_object_get(p0, "proc"));
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(p0, "acct"), "VmLck")),
			 getpid());
	ck_assert_int_ne(json_integer_value(json_object_get(json_object_get(o, "acct"), "VmLck")),
			 getpid());
	ck_assert_uint_eq(n_ioctls, 1);		/* p1's ioctl counted in p1's memory */
	json_decref(o);
	json_decref(p0);
	o = run(3);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(o, "out"), "status")),
			 "exit-0");
	f = vf_check_expects(&tc->steps[tc->n_setup + 3], o, "fake-type1", "type1");
	ck_assert_uint_eq(json_array_size(f), 0);
	json_decref(f);
	ck_assert_int_eq(ex.procs[1].pid, 0);
	json_decref(o);
	teardown_case();
}
END_TEST

START_TEST(step_of_dead_process)
{
	json_t *o;

	setup_case("FORK proc=p2\n@p2 IOMMU_GET_INFO\n");
	json_decref(run(0));
	kill(ex.procs[2].pid, SIGKILL);
	o = run(1);
	ck_assert_str_eq(errno_of(o), "ECHILD");
	ck_assert_str_eq(json_string_value(json_object_get(o, "proc")), "p2");
	json_decref(o);
	teardown_case();
}
END_TEST

START_TEST(creds_and_bind_reach_ops)
{
	json_t *o;

	setup_case("SET_CREDS memlock=1M\nSET_CREDS cred=uid=7\nUNBIND group=g1 device=1\nBIND\n");
	o = run(0);
	ck_assert_str_eq(errno_of(o), "0");
	ck_assert(!got_creds.has_cred && got_creds.has_memlock);
	ck_assert_uint_eq(got_creds.memlock, 1u << 20);
	json_decref(o);
	o = run(1);
	ck_assert_str_eq(errno_of(o), "EPERM");
	ck_assert_uint_eq(got_creds.uid, 7);
	json_decref(o);
	o = run(2);
	ck_assert_str_eq(errno_of(o), "EBUSY");
	ck_assert_int_eq(bind_calls[0], 1);
	ck_assert_int_eq(bind_calls[1], 1);
	ck_assert_int_eq(bind_calls[2], 0);
	json_decref(o);
	o = run(3);
	ck_assert_int_eq(bind_calls[0], 0);
	ck_assert_int_eq(bind_calls[2], 1);
	json_decref(o);
	teardown_case();
}
END_TEST

START_TEST(ioas_map_bytes)
{
	struct iommu_ioas_map m;
	json_t *o;

	setup_case("buf a 8K\nIOMMU_IOAS_MAP ioas_id=3 size=8K vaddr=a+4K flags=READABLE\n");
	o = run(0);
	memcpy(&m, last_arg, sizeof(m));
	ck_assert_uint_eq(last_req, IOMMU_IOAS_MAP);
	ck_assert_uint_eq(m.size, sizeof(m));
	ck_assert_uint_eq(m.flags, IOMMU_IOAS_MAP_READABLE);
	ck_assert_uint_eq(m.ioas_id, 3);
	ck_assert_uint_eq(m.length, 8192);
	ck_assert_uint_eq(m.user_va, (uintptr_t)ex.bufs[0].addr + 4096);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(o, "out"), "iova")),
			 "0xabc000");
	json_decref(o);
	teardown_case();
}
END_TEST

START_TEST(ioctl_any_fd)
{
	json_t *o, *out;

	setup_case("IOCTL req=0x3b7f raw=0102\nIOCTL group=g1 req=VFIO_GROUP_GET_STATUS\n"
		   "GROUP_GET_DEVICE_FD\nIOCTL device=0 req=0x3b7f\nIOCTL device=3 req=1\n");
	o = run(0);
	out = json_object_get(o, "out");
	ck_assert_int_eq(last_handle, CONTAINER);
	ck_assert_uint_eq(last_req, 0x3b7f);
	/* what the backend wrote, not what the case gave */
	ck_assert_str_eq(json_string_value(json_object_get(out, "bytes")), "01ee");
	ck_assert_str_eq(json_string_value(json_object_get(out, "canary")), "intact");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(o, "args"), "req")),
			 "0x3b7f");
	json_decref(o);
	o = run(1);
	ck_assert_int_eq(last_handle, GROUP_BASE + 1);
	ck_assert_uint_eq(last_req, VFIO_GROUP_GET_STATUS);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(o, "args"), "req")),
			 "VFIO_GROUP_GET_STATUS");
	ck_assert_ptr_null(json_object_get(json_object_get(o, "out"), "bytes"));
	json_decref(o);
	json_decref(run(2));
	json_decref(run(3));
	ck_assert_int_eq(last_handle, ex.device_fds[0]);
	n_ioctls = 0;
	o = run(4);
	/* a device fd the case never opened: the backend is asked with -1 and says EBADF */
	ck_assert_int_eq(last_handle, -1);
	json_decref(o);
	teardown_case();
}
END_TEST

START_TEST(acct_expect_keys)
{
	json_t *o, *f;

	setup_case("IOMMU_GET_INFO\nexpect VmLck=1 user_locked=5\n");
	o = run(0);
	json_object_set_new(json_object_get(o, "acct"), "VmLck", json_integer(1));
	f = vf_check_expects(&tc->steps[tc->n_setup], o, "fake-type1", "type1");
	/* VmLck holds; user_locked is absent (no probe) and says so */
	ck_assert_uint_eq(json_array_size(f), 1);
	ck_assert_str_eq(json_string_value(json_array_get(f, 0)),
			 "line 7: expected user_locked=5, got nothing");
	json_decref(f);
	json_decref(o);
	teardown_case();
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("exec_ext");
	TCase *t = tcase_create("ext");

	tcase_add_test(t, close_then_ebadf);
	tcase_add_test(t, container_routing);
	tcase_add_test(t, count_stops_at_failure);
	tcase_add_test(t, fork_runs_elsewhere);
	tcase_add_test(t, step_of_dead_process);
	tcase_add_test(t, creds_and_bind_reach_ops);
	tcase_add_test(t, ioas_map_bytes);
	tcase_add_test(t, ioctl_any_fd);
	tcase_add_test(t, acct_expect_keys);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

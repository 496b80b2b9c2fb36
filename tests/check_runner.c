// SPDX-License-Identifier: GPL-2.0-only
/*
 * The runner with a fake backend: each case in its own child, so a case
 * that crashes, hangs or exits early costs that case only, keeps the steps
 * it got through, and the cases after it still run. Also the KTAP stream.
 */
#define _GNU_SOURCE
#include "unit.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sys/resource.h>
#include <linux/vfio.h>
#include "exec/runner.h"
#include "results/version.h"

/* CHECK_EXTENSION arguments that make the fake misbehave. */
#define EXT_SEGV	0xdead
#define EXT_HANG	0x51ee

struct fake_priv {
	void *bufs[VF_MAX_BUFS + 1];
	unsigned n;
};

static const char *fake_topo_missing(enum vf_topo t)
{
	return t == VF_TOPO_MULTI ? "fake has no multi" : NULL;
}

/*
 * A per-user counter like the probe's: the first read (before the case) is
 * uid 0 with nothing locked; what the second shows depends on the case.
 */
static const char *user_case;
static unsigned user_reads;

static int fake_user_counter_open(void)
{
	user_reads = 0;
	return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static bool fake_user_counter_read(int fd, uint32_t *uid, unsigned long long *kb)
{
	(void)fd;
	*uid = 0;
	*kb = 0;
	if (user_reads++ && user_case) {
		if (!strcmp(user_case, "r.userleak")) {
			*kb = 8;
		} else if (!strncmp(user_case, "r.switch", 8)) {
			*uid = 1000;	/* the case dropped to uid 1000: its count starts at 0 */
			*kb = strcmp(user_case, "r.switch-leak") ? 0 : 4;
		}
	}
	return true;
}

static int fake_open(struct vf_ctx *ctx)
{
	user_case = ctx->c->name;
	if (!strcmp(ctx->c->name, "r.noopen")) {
		snprintf(ctx->err, sizeof(ctx->err), "no container here");
		return -ENOENT;
	}
	if (!strcmp(ctx->c->name, "r.leak")) {
		/* a backend that leaves memory locked after close: what a leak looks like */
		static char page[4096] __attribute__((aligned(4096)));

		/* the raw syscall: ASan's mlock interceptor does nothing */
		if (syscall(SYS_mlock, page, sizeof(page)))
			return -errno;
	}
	ctx->priv = calloc(1, sizeof(struct fake_priv));
	if (!ctx->priv)
		return -ENOMEM;
	ctx->container = 3;
	for (unsigned i = 0; i < ctx->c->n_groups; i++)
		ctx->group[ctx->c->groups[i]] = 10 + (int)i;
	return 0;
}

static long fake_ioctl(struct vf_ctx *ctx, int handle, unsigned long request, void *arg)
{
	const struct rlimit no_core = { 0, 0 };

	(void)ctx;
	(void)handle;
	if (request != VFIO_CHECK_EXTENSION)
		return 0;
	switch ((uintptr_t)arg) {
	case EXT_SEGV:
		/* a crash is the point; a core file is not */
		setrlimit(RLIMIT_CORE, &no_core);
		raise(SIGSEGV);
		break;
	case EXT_HANG:
		for (;;)
			pause();
	}
	return 1;
}

static void fake_close_handle(struct vf_ctx *ctx, int handle)
{
	(void)ctx;
	(void)handle;
}

static const char *fake_device_name(struct vf_ctx *ctx, unsigned g, unsigned index)
{
	(void)ctx;
	(void)g;
	return index ? NULL : "fake-device";
}

static int fake_buf_create(struct vf_ctx *ctx, const struct vf_buf *b, struct vf_buf_inst *out)
{
	struct fake_priv *fp = ctx->priv;

	memset(out, 0, sizeof(*out));
	out->size = b->size;
	out->addr = malloc(b->size);
	if (!out->addr) {
		out->err = ENOMEM;
		snprintf(ctx->err, sizeof(ctx->err), "malloc %s", b->name);
		return -ENOMEM;
	}
	fp->bufs[fp->n++] = out->addr;
	return 0;
}

static int fake_set_creds(struct vf_ctx *ctx)
{
	/*
	 * A backend that exits behind the runner's back. Here rather than in
	 * an ioctl: mid-step the observation being built is lost, and under
	 * valgrind that leak would replace the exit status being tested.
	 */
	if (!strcmp(ctx->c->name, "r.exit"))
		_exit(3);
	if (!strcmp(ctx->c->name, "r.nocreds")) {
		snprintf(ctx->err, sizeof(ctx->err), "cannot drop to uid %u", ctx->c->uid);
		return -EPERM;
	}
	return 0;
}

static void fake_acct(struct vf_ctx *ctx, json_t *acct)
{
	(void)ctx;
	json_object_set_new(acct, "VmLck", json_integer(0));
}

static const char *fake_release(void)
{
	return "fake-1.0";
}

static void fake_close(struct vf_ctx *ctx)
{
	struct fake_priv *fp = ctx->priv;

	if (!fp)
		return;
	for (unsigned i = 0; i < fp->n; i++)
		free(fp->bufs[i]);
	free(fp);
	ctx->priv = NULL;
}

static const struct vf_backend_ops fake_ops = {
	.name = "fake-type1",
	.personality = "type1",
	.topo_missing = fake_topo_missing,
	.open = fake_open,
	.ioctl = fake_ioctl,
	.close_handle = fake_close_handle,
	.device_name = fake_device_name,
	.buf_create = fake_buf_create,
	.set_creds = fake_set_creds,
	.acct = fake_acct,
	.release = fake_release,
	.close = fake_close,
	.user_counter_open = fake_user_counter_open,
	.user_counter_read = fake_user_counter_read,
};

/* the backend run_library runs: fake_ops, or it as an in-process backend (the worker) */
static const struct vf_backend_ops *run_ops = &fake_ops;
static struct vf_backend_ops inproc_ops;

static void use_worker(bool on)
{
	inproc_ops = fake_ops;
	inproc_ops.caps |= VF_BACKEND_IN_PROCESS;
	run_ops = on ? &inproc_ops : &fake_ops;
}

/* A library built by hand from case texts, in the (name) order given. */
static void build_library(struct vf_library *lib, const char *const *texts, unsigned n)
{
	lib->cases = calloc(n, sizeof(*lib->cases));
	ck_assert_ptr_nonnull(lib->cases);
	lib->n = n;
	lib->hash = 0x1234;
	for (unsigned i = 0; i < n; i++) {
		char err[600] = "", path[64];

		snprintf(path, sizeof(path), "/src/vfio-conform/cases/runner/c%u.case", i);
		lib->cases[i] = vf_case_parse_string(path, texts[i], err, sizeof(err));
		ck_assert_msg(lib->cases[i] != NULL, "%s", err);
	}
}

struct run {
	json_t *doc;
	unsigned failed;
	char *ktap;
};

static void run_library(struct run *r, const struct vf_library *lib, unsigned topo_mask,
			const char *start_after, json_t *meta)
{
	size_t len;
	struct vf_run_opts o = {
		.backend = run_ops,
		.topo_mask = topo_mask,
		.start_after = start_after,
		.meta = meta,
	};

	o.ktap = open_memstream(&r->ktap, &len);
	ck_assert_ptr_nonnull(o.ktap);
	r->doc = vf_run_library(&o, lib, &r->failed);
	fclose(o.ktap);
	ck_assert_ptr_nonnull(r->doc);
}

static const json_t *case_at(const struct run *r, size_t i)
{
	const json_t *c = json_array_get(json_object_get(r->doc, "cases"), i);

	ck_assert_ptr_nonnull(c);
	return c;
}

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static json_int_t summary(const struct run *r, const char *k)
{
	return json_integer_value(json_object_get(json_object_get(r->doc, "summary"), k));
}

static void assert_json(const json_t *v, const char *want)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);

	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, want);
	free(s);
}

#define ALL_TOPOS ((1u << VF_TOPO_COUNT) - 1)

static const char *const mixed[] = {
	"name r.crash\nabout crashes\ntags runner\n"
	"GET_API_VERSION\nCHECK_EXTENSION ext=0xdead\nGET_API_VERSION\n",
	"name r.exit\nabout exits early\ntags runner\nGET_API_VERSION\n",
	"name r.fail\nabout fails\ntags runner\nGET_API_VERSION\nexpect ret=1\n",
	"name r.hang\nabout hangs\ntags runner\ntimeout 1\n"
	"GET_API_VERSION\nCHECK_EXTENSION ext=0x51ee\n",
	"name r.pass\nabout passes\ntags runner other\nclients qemu\nbuf a 4K\n"
	"GET_API_VERSION\nexpect ret=0 errno=0\nCHECK_EXTENSION ext=TYPE1\nexpect ret=1\n",
	"name r.skip\nabout skipped\ntags runner\ntopo multi\nGET_API_VERSION\n",
};

/*
 * _i 1: the same through the batch worker of in-process backends; a crash
 * or hang there must cost the same one case, and the next starts afresh.
 */
START_TEST(crash_hang_and_the_rest)
{
	struct vf_library lib;
	struct run r;
	const json_t *c;

	use_worker(_i);
	build_library(&lib, mixed, 6);
	run_library(&r, &lib, ALL_TOPOS, NULL, NULL);
	ck_assert_str_eq(r.ktap,
			 "KTAP version 1\n"
			 "1..6\n"
			 "# case-start r.crash\n"
			 "not ok 1 r.crash # crash: child killed by SEGV after step 2\n"
			 "# case-start r.exit\n"
			 "not ok 2 r.exit # crash: child exited 3 without finishing\n"
			 "# case-start r.fail\n"
			 "not ok 3 r.fail # fail: an expectation failed\n"
			 "# case-start r.hang\n"
			 "not ok 4 r.hang # timeout: no result after 1 s; killed after step 2\n"
			 "# case-start r.pass\n"
			 "ok 5 r.pass\n"
			 "# case-start r.skip\n"
			 "ok 6 r.skip # SKIP fake has no multi\n"
			 "# Totals: pass:1 fail:4 xfail:0 xpass:0 skip:1 error:0\n");
	ck_assert_uint_eq(r.failed, 4);

	/* the steps before the crash are kept: setup, then GET_API_VERSION */
	c = case_at(&r, 0);
	ck_assert_str_eq(str(c, "name"), "r.crash");
	ck_assert_str_eq(str(c, "status"), "crash");
	ck_assert_str_eq(str(c, "detail"), "child killed by SEGV after step 2");
	ck_assert_uint_eq(json_array_size(json_object_get(c, "steps")), 2);
	ck_assert_str_eq(str(json_array_get(json_object_get(c, "steps"), 0), "op"),
			 "GROUP_SET_CONTAINER");
	ck_assert_str_eq(str(json_array_get(json_object_get(c, "steps"), 1), "op"),
			 "GET_API_VERSION");
	c = case_at(&r, 1);
	ck_assert_str_eq(str(c, "status"), "crash");
	ck_assert_uint_eq(json_array_size(json_object_get(c, "steps")), 1);	/* setup only */
	c = case_at(&r, 2);
	ck_assert_str_eq(str(c, "status"), "fail");
	assert_json(json_object_get(json_array_get(json_object_get(c, "steps"), 1),
				    "expect_failed"), "[\"line 5: expected ret=1, got 0\"]");
	c = case_at(&r, 3);
	ck_assert_str_eq(str(c, "status"), "timeout");
	ck_assert_uint_eq(json_array_size(json_object_get(c, "steps")), 2);
	/* a passing case after all that: a whole record */
	c = case_at(&r, 4);
	ck_assert_str_eq(str(c, "status"), "pass");
	ck_assert_ptr_null(json_object_get(c, "detail"));
	ck_assert_str_eq(str(c, "file"), "cases/runner/c4.case");
	ck_assert_str_eq(str(c, "about"), "passes");
	ck_assert_str_eq(str(c, "topo"), "vtd");
	assert_json(json_object_get(c, "tags"), "[\"runner\",\"other\"]");
	assert_json(json_object_get(c, "clients"), "[\"qemu\"]");
	assert_json(json_object_get(c, "bufs"),
		    "[{\"kind\":\"anon\",\"name\":\"a\",\"size\":4096}]");
	ck_assert_uint_eq(json_array_size(json_object_get(c, "steps")), 3);
	ck_assert_ptr_null(json_object_get(json_array_get(json_object_get(c, "steps"), 1),
					   "expect_failed"));
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(
		json_object_get(c, "steps"), 2), "ret")), 1);
	c = case_at(&r, 5);
	ck_assert_str_eq(str(c, "status"), "skip");
	ck_assert_str_eq(str(c, "detail"), "fake has no multi");
	ck_assert_uint_eq(json_array_size(json_object_get(c, "steps")), 0);

	/* the document header */
	ck_assert_str_eq(str(r.doc, "format"), VF_RUN_FORMAT);
	ck_assert_str_eq(str(r.doc, "tool"), VF_TOOL_VERSION);
	ck_assert_str_eq(str(r.doc, "backend"), "fake-type1");
	ck_assert_str_eq(str(r.doc, "personality"), "type1");
	ck_assert_str_eq(str(r.doc, "kernel_release"), "fake-1.0");
	ck_assert_str_eq(str(r.doc, "library_version"), "fnv1a:0000000000001234");
	assert_json(json_object_get(r.doc, "topologies"),
		    "[\"vtd\",\"mdev\",\"multi\",\"noiommu\"]");
	assert_json(json_object_get(r.doc, "meta"), "{}");
	ck_assert_int_eq(summary(&r, "cases"), 6);
	ck_assert_int_eq(summary(&r, "passed"), 1);
	ck_assert_int_eq(summary(&r, "failed"), 4);
	ck_assert_int_eq(summary(&r, "skipped"), 1);
	ck_assert_int_eq(summary(&r, "steps"), 2 + 1 + 2 + 2 + 3);
	json_decref(r.doc);
	free(r.ktap);
	vf_library_free(&lib);
	use_worker(false);
}
END_TEST

static const char *const broken[] = {
	"name r.nocreds\nabout cannot drop privileges\ntags runner\ncred uid=1000\n"
	"buf a 4K\nGET_API_VERSION\n",
	"name r.noopen\nabout no container\ntags runner\nGET_API_VERSION\n",
};

/* A case whose backend cannot open or drop privileges is an error, with what it did record. */
START_TEST(backend_errors)
{
	struct vf_library lib;
	struct run r;
	const json_t *c;

	build_library(&lib, broken, 2);
	run_library(&r, &lib, ALL_TOPOS, NULL, NULL);
	ck_assert_str_eq(r.ktap,
			 "KTAP version 1\n"
			 "1..2\n"
			 "# case-start r.nocreds\n"
			 "not ok 1 r.nocreds # error: cannot drop to uid 1000\n"
			 "# case-start r.noopen\n"
			 "not ok 2 r.noopen # error: no container here\n"
			 "# Totals: pass:0 fail:2 xfail:0 xpass:0 skip:0 error:0\n");
	ck_assert_uint_eq(r.failed, 2);
	/* setup ran and the buffer was made before the credentials failed */
	c = case_at(&r, 0);
	ck_assert_str_eq(str(c, "status"), "error");
	ck_assert_uint_eq(json_array_size(json_object_get(c, "steps")), 1);
	ck_assert_uint_eq(json_array_size(json_object_get(c, "bufs")), 1);
	c = case_at(&r, 1);
	ck_assert_str_eq(str(c, "status"), "error");
	ck_assert_uint_eq(json_array_size(json_object_get(c, "steps")), 0);
	json_decref(r.doc);
	free(r.ktap);
	vf_library_free(&lib);
}
END_TEST

static const char *const plain[] = {
	"name a.one\nabout one\ntags runner\nGET_API_VERSION\n",
	"name b.two\nabout two\ntags runner\ntopo mdev\nGET_API_VERSION\n",
	"name c.three\nabout three\ntags runner\nGET_API_VERSION\n",
	"name d.four\nabout four\ntags runner\ntopo noiommu\nGET_API_VERSION\n",
	"name e.five\nabout five\ntags runner\nGET_API_VERSION\nGET_API_VERSION\n",
};

/* Cases outside the topologies are left out entirely; --start-after skips what came before. */
START_TEST(selection_and_meta)
{
	struct vf_library lib;
	struct run r;
	json_t *meta = json_pack("{s:s}", "boot", "3");

	build_library(&lib, plain, 5);
	run_library(&r, &lib, (1u << VF_TOPO_VTD) | (1u << VF_TOPO_NOIOMMU), "b.two", meta);
	ck_assert_str_eq(r.ktap,
			 "KTAP version 1\n"
			 "1..3\n"
			 "# case-start c.three\n"
			 "ok 1 c.three\n"
			 "# case-start d.four\n"
			 "ok 2 d.four\n"
			 "# case-start e.five\n"
			 "ok 3 e.five\n"
			 "# Totals: pass:3 fail:0 xfail:0 xpass:0 skip:0 error:0\n");
	ck_assert_uint_eq(r.failed, 0);
	ck_assert_uint_eq(json_array_size(json_object_get(r.doc, "cases")), 3);
	ck_assert_str_eq(str(case_at(&r, 0), "name"), "c.three");
	assert_json(json_object_get(r.doc, "topologies"), "[\"vtd\",\"noiommu\"]");
	ck_assert_int_eq(summary(&r, "cases"), 3);
	ck_assert_int_eq(summary(&r, "steps"), 2 + 2 + 3);
	/* meta is copied: the caller's object stays the caller's */
	assert_json(json_object_get(r.doc, "meta"), "{\"boot\":\"3\"}");
	ck_assert_ptr_ne(json_object_get(r.doc, "meta"), meta);
	json_decref(r.doc);
	free(r.ktap);
	json_decref(meta);
	vf_library_free(&lib);
}
END_TEST

/* Without a KTAP stream nothing is printed, and the document is the same. */
START_TEST(no_ktap)
{
	struct vf_library lib;
	struct vf_run_opts o = { .backend = &fake_ops, .topo_mask = ALL_TOPOS };
	unsigned failed = 99;
	json_t *doc;

	build_library(&lib, plain, 1);
	doc = vf_run_library(&o, &lib, &failed);
	ck_assert_uint_eq(failed, 0);
	ck_assert_str_eq(str(json_array_get(json_object_get(doc, "cases"), 0), "status"), "pass");
	json_decref(doc);
	vf_library_free(&lib);
}
END_TEST

/* VmLck not back to its start value once every fd is closed: the case is a leak. */
START_TEST(leak_is_a_finding)
{
	static const char *const leaky[] = {
		"name r.leak\nabout keeps a page locked\ntags runner\nGET_API_VERSION\n",
	};
	struct vf_library lib;
	struct run r;
	const json_t *c;

	build_library(&lib, leaky, 1);
	run_library(&r, &lib, ALL_TOPOS, NULL, NULL);
	ck_assert_uint_eq(r.failed, 1);
	c = case_at(&r, 0);
	ck_assert_str_eq(str(c, "status"), "leak");
	ck_assert_str_eq(str(c, "detail"),
			 "VmLck 0 -> 4 kB, VmPin 0 -> 0 kB after every fd was closed");
	ck_assert_ptr_nonnull(strstr(r.ktap, "not ok 1 r.leak # leak: VmLck 0 -> 4 kB"));
	json_decref(r.doc);
	free(r.ktap);
	vf_library_free(&lib);
}
END_TEST

/*
 * The per-user locked_vm (the probe's): the starting user's count must come
 * back, and a user the case switched to must be back at 0.
 */
START_TEST(user_count_leak)
{
	static const char *const cases[] = {
		"name r.userleak\nabout keeps 8 kB on its user\ntags runner\nGET_API_VERSION\n",
		"name r.switch-clean\nabout drops to uid 1000, leaves nothing\ntags runner\n"
		"GET_API_VERSION\n",
		"name r.switch-leak\nabout drops to uid 1000, leaves 4 kB\ntags runner\n"
		"GET_API_VERSION\n",
	};
	struct vf_library lib;
	struct run r;

	build_library(&lib, cases, 3);
	run_library(&r, &lib, ALL_TOPOS, NULL, NULL);
	ck_assert_uint_eq(r.failed, 2);
	ck_assert_str_eq(str(case_at(&r, 0), "status"), "leak");
	ck_assert_str_eq(str(case_at(&r, 0), "detail"),
			 "VmLck 0 -> 0 kB, VmPin 0 -> 0 kB, uid 0 locked_vm 0 -> 8 kB "
			 "after every fd was closed");
	ck_assert_str_eq(str(case_at(&r, 1), "status"), "pass");
	ck_assert_str_eq(str(case_at(&r, 2), "status"), "leak");
	ck_assert_ptr_nonnull(strstr(str(case_at(&r, 2), "detail"),
				     "uid 1000 locked_vm 0 -> 4 kB"));
	json_decref(r.doc);
	free(r.ktap);
	vf_library_free(&lib);
}
END_TEST

/* vf_run_case in-process (the fuzzer's sim path) gives the record a forked run gives. */
START_TEST(one_case_in_process)
{
	struct vf_library lib;
	json_t *a, *b;

	build_library(&lib, plain, 1);
	a = vf_run_case(&fake_ops, lib.cases[0], true);
	b = vf_run_case(&fake_ops, lib.cases[0], false);
	ck_assert_str_eq(str(a, "status"), "pass");
	ck_assert(json_array_size(json_object_get(a, "steps")) > 0);
	ck_assert(json_equal(a, b));
	json_decref(a);
	json_decref(b);
	vf_library_free(&lib);
}
END_TEST

static Suite *runner_suite(void)
{
	Suite *s = suite_create("runner");
	TCase *tc = tcase_create("runner");

	/* the hanging case waits out its 1 s timeout */
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, crash_hang_and_the_rest, 0, 2);
	tcase_add_test(tc, backend_errors);
	tcase_add_test(tc, selection_and_meta);
	tcase_add_test(tc, no_ktap);
	tcase_add_test(tc, leak_is_a_finding);
	tcase_add_test(tc, user_count_leak);
	tcase_add_test(tc, one_case_in_process);
	suite_add_tcase(s, tc);
	return s;
}

VF_CHECK_MAIN(runner_suite)

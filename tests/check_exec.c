// SPDX-License-Identifier: GPL-2.0-only
/*
 * The step executor against a fake backend: the bytes each ioctl receives
 * (marshalling is shared by every backend, so it is checked here once), what
 * is decoded from what the "kernel" wrote back, the MAPPED probe, and the
 * expectation checker.
 */
#define _GNU_SOURCE
#include "unit.h"
#include <errno.h>
#include <stdint.h>
#include <linux/vfio.h>
#include <linux/iommufd.h>
#include "exec/exec.h"

#define CONTAINER	1000	/* handles the fake hands out: easy to tell apart */
#define GROUP_BASE	2000
#define MAX_CALLS	256	/* calls recorded in full; n_calls counts them all */

struct fake_call {
	int handle;
	unsigned long request;
	uintptr_t arg;		/* the argument as passed (a value or a pointer) */
	uint8_t bytes[64];	/* what the argument pointed to, before the fake wrote */
};

static struct fake_call calls[MAX_CALLS];
static unsigned n_calls;

/* Scripted results, consumed in order; after them every call returns 0. */
struct fake_result {
	long ret;
	int err;
};
static struct fake_result script[32];
static unsigned n_script, script_at;

/* A test's own ioctl behaviour; replaces the script when set. */
static long (*hook)(int handle, unsigned long request, void *arg);

static json_int_t vm_lck, vm_pin;
static int closed[32];
static unsigned n_closed;
static void *allocs[32];
static uint64_t alloc_sizes[32];
static unsigned n_allocs;
static int buf_fail;		/* errno buf_create fails with, 0: succeed */

static long fake_fail(int err)
{
	errno = err;
	return -1;
}

/* How much of the argument to record: the struct the executor lays out, no more. */
static size_t arg_len(unsigned long request, const void *arg)
{
	switch (request) {
	case VFIO_IOMMU_MAP_DMA:
		return sizeof(struct vfio_iommu_type1_dma_map);
	case VFIO_IOMMU_UNMAP_DMA:
		return sizeof(struct vfio_iommu_type1_dma_unmap);
	case VFIO_IOMMU_GET_INFO:
		return sizeof(struct vfio_iommu_type1_info);
	case VFIO_IOMMU_DIRTY_PAGES:
		return sizeof(struct vfio_iommu_type1_dirty_bitmap);
	case VFIO_GROUP_GET_STATUS:
		return sizeof(struct vfio_group_status);
	case VFIO_GROUP_SET_CONTAINER:
		return sizeof(int32_t);
	case VFIO_GROUP_GET_DEVICE_FD:
		return strnlen(arg, 63) + 1;
	case IOMMU_VFIO_IOAS:
		return sizeof(struct iommu_vfio_ioas);
	default:
		return 0;	/* the argument is a value */
	}
}

static long fake_ioctl(struct vf_ctx *ctx, int handle, unsigned long request, void *arg)
{
	(void)ctx;
	if (n_calls < MAX_CALLS) {
		struct fake_call *c = &calls[n_calls];

		c->handle = handle;
		c->request = request;
		c->arg = (uintptr_t)arg;
		size_t len = arg_len(request, arg);

		/* SET_IOMMU and friends pass a value, not a pointer */
		if (len)
			memcpy(c->bytes, arg, len);
	}
	n_calls++;
	if (hook)
		return hook(handle, request, arg);
	if (script_at < n_script) {
		const struct fake_result *r = &script[script_at++];

		return r->ret < 0 ? fake_fail(r->err) : r->ret;
	}
	return 0;
}

static void fake_close_handle(struct vf_ctx *ctx, int handle)
{
	(void)ctx;
	ck_assert_uint_lt(n_closed, 32);
	closed[n_closed++] = handle;
}

static const char *fake_device_name(struct vf_ctx *ctx, unsigned g, unsigned index)
{
	static const char *const names[2][2] = {
		{ "0000:01:01.0", "0000:01:02.0" },
		{ "0000:00:05.0", NULL },
	};

	(void)ctx;
	return g < 2 && index < 2 ? names[g][index] : NULL;
}

static int fake_buf_create(struct vf_ctx *ctx, const struct vf_buf *b, struct vf_buf_inst *out)
{
	memset(out, 0, sizeof(*out));
	out->size = b->size ? b->size : 4096;
	if (buf_fail) {
		out->err = buf_fail;
		snprintf(ctx->err, sizeof(ctx->err), "no memory for %s", b->name);
		return -buf_fail;
	}
	ck_assert_uint_lt(n_allocs, 32);
	out->addr = malloc(out->size);
	ck_assert_ptr_nonnull(out->addr);
	allocs[n_allocs] = out->addr;
	alloc_sizes[n_allocs++] = out->size;
	return 0;
}

static void fake_acct(struct vf_ctx *ctx, json_t *acct)
{
	(void)ctx;
	json_object_set_new(acct, "VmLck", json_integer(vm_lck));
	json_object_set_new(acct, "VmPin", json_integer(vm_pin));
}

/* The executor needs only these; opening and closing are the runner's business. */
static const struct vf_backend_ops fake_ops = {
	.name = "fake-type1",
	.personality = "type1",
	.ioctl = fake_ioctl,
	.close_handle = fake_close_handle,
	.device_name = fake_device_name,
	.buf_create = fake_buf_create,
	.acct = fake_acct,
};

static struct vf_case *tc;
static struct vf_ctx ctx;
static struct vf_exec ex;

/* Parse the case (HDR is prepended) and create its buffers, as the runner does. */
#define HDR "name t.x\nabout a test\ntags exec\niommu TYPE1v2\n"

static void start(const char *steps)
{
	char *text;

	ck_assert_int_ge(asprintf(&text, HDR "%s", steps), 0);
	tc = vf_parse_ok(text);
	free(text);
	memset(&ctx, 0, sizeof(ctx));
	ctx.ops = &fake_ops;
	ctx.c = tc;
	ctx.container = CONTAINER;
	for (unsigned g = 0; g < VF_MAX_GROUPS; g++)
		ctx.group[g] = GROUP_BASE + g;
	memset(&ex, 0, sizeof(ex));
	ex.ctx = &ctx;
	for (unsigned i = 0; i < tc->n_bufs; i++)
		fake_buf_create(&ctx, &tc->bufs[i], &ex.bufs[i]);
	n_calls = 0;
}

static void reset(void)
{
	n_calls = n_script = script_at = n_closed = n_allocs = 0;
	hook = NULL;
	vm_lck = vm_pin = 0;
	buf_fail = 0;
	tc = NULL;
}

static void finish(void)
{
	vf_exec_release(&ex);
	for (unsigned i = 0; i < n_allocs; i++)
		free(allocs[i]);
	vf_case_free(tc);
	reset();
}

/* Execute the i-th step after the setup. */
static json_t *run(unsigned i)
{
	unsigned index = tc->n_setup + i;

	ck_assert_uint_lt(index, tc->n_steps);
	return vf_exec_step(&ex, &tc->steps[index], index);
}

static void expect_script(long ret, int err)
{
	script[n_script].ret = ret;
	script[n_script++].err = err;
}

static const json_t *out_of(const json_t *obs, const char *key)
{
	return json_object_get(json_object_get(obs, "out"), key);
}

static const char *out_str(const json_t *obs, const char *key)
{
	const char *s = json_string_value(out_of(obs, key));

	ck_assert_msg(s != NULL, "out.%s is not a string", key);
	return s;
}

/* obs[key] (or obs.out[key]) compared as compact JSON text. */
static void assert_json(const json_t *v, const char *want)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);

	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, want);
	free(s);
}

START_TEST(map_defaults)
{
	struct vfio_iommu_type1_dma_map m;
	json_t *obs;

	start("buf a 2M\nbuf b 64K\nIOMMU_MAP_DMA iova=0x10000000 size=1M vaddr=b+4K\n");
	obs = run(0);
	ck_assert_uint_eq(n_calls, 1);
	ck_assert_int_eq(calls[0].handle, CONTAINER);
	ck_assert_uint_eq(calls[0].request, VFIO_IOMMU_MAP_DMA);
	memcpy(&m, calls[0].bytes, sizeof(m));
	ck_assert_uint_eq(m.argsz, 32);
	ck_assert_uint_eq(m.flags, VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);
	ck_assert_uint_eq(m.vaddr, (uintptr_t)ex.bufs[1].addr + 4096);
	ck_assert_uint_eq(m.iova, 0x10000000);
	ck_assert_uint_eq(m.size, 1u << 20);
	/* the observation: where the step is, its symbolic args, the result */
	ck_assert_int_eq(json_integer_value(json_object_get(obs, "step")), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(obs, "line")), 7);
	ck_assert_str_eq(json_string_value(json_object_get(obs, "op")), "IOMMU_MAP_DMA");
	ck_assert_ptr_null(json_object_get(obs, "setup"));
	assert_json(json_object_get(obs, "args"),
		    "{\"iova\":\"0x10000000\",\"size\":\"0x100000\",\"vaddr\":\"b+0x1000\"}");
	ck_assert_int_eq(json_integer_value(json_object_get(obs, "ret")), 0);
	ck_assert(json_is_null(json_object_get(obs, "errno")));
	assert_json(json_object_get(obs, "out"), "{\"canary\":\"intact\"}");
	json_decref(obs);
	finish();
}
END_TEST

START_TEST(map_overrides)
{
	struct vfio_iommu_type1_dma_map m;
	json_t *obs;

	start("buf a 2M\n"
	      "IOMMU_MAP_DMA iova=0-4K size=0-1 vaddr=0x7f0000000000 flags=READ argsz=20\n"
	      "IOMMU_MAP_DMA vaddr=a-4K flags=0\n"
	      "IOMMU_MAP_DMA raw=0102030405\n");
	json_decref(run(0));
	memcpy(&m, calls[0].bytes, sizeof(m));
	ck_assert_uint_eq(m.argsz, 20);
	ck_assert_uint_eq(m.flags, VFIO_DMA_MAP_FLAG_READ);
	ck_assert_uint_eq(m.vaddr, 0x7f0000000000);
	ck_assert_uint_eq(m.iova, UINT64_MAX - 4095);
	ck_assert_uint_eq(m.size, UINT64_MAX);
	json_decref(run(1));
	memcpy(&m, calls[1].bytes, sizeof(m));
	ck_assert_uint_eq(m.flags, 0);		/* flags=0 is no flags, not the default */
	ck_assert_uint_eq(m.vaddr, (uintptr_t)ex.bufs[0].addr - 4096);
	ck_assert_uint_eq(m.iova, 0);
	/* raw: these bytes and canary after them; argsz is not filled in */
	obs = run(2);
	ck_assert_mem_eq(calls[2].bytes, "\x01\x02\x03\x04\x05", 5);
	for (size_t i = 5; i < sizeof(m); i++)
		ck_assert_uint_eq(calls[2].bytes[i], 0xa5);
	assert_json(json_object_get(obs, "args"), "{\"raw\":\"0102030405\"}");
	ck_assert_str_eq(out_str(obs, "canary"), "intact");
	json_decref(obs);
	finish();
}
END_TEST

/* A buffer that could not be created: the step still runs, and says so. */
START_TEST(map_vaddr_unavailable)
{
	json_t *obs;

	start("buf a 1M\nbuf u 1M unmapped\nIOMMU_MAP_DMA vaddr=a+4K\nIOMMU_MAP_DMA vaddr=u\n");
	free(ex.bufs[0].addr);
	free(ex.bufs[1].addr);
	n_allocs = 0;
	memset(ex.bufs, 0, sizeof(ex.bufs));
	obs = run(0);
	ck_assert(json_is_true(out_of(obs, "vaddr_unavailable")));
	ck_assert_uint_eq(((struct vfio_iommu_type1_dma_map *)calls[0].bytes)->vaddr, 4096);
	json_decref(obs);
	/* an unmapped buffer has no address by design */
	obs = run(1);
	ck_assert_ptr_null(out_of(obs, "vaddr_unavailable"));
	json_decref(obs);
	finish();
}
END_TEST

static uint64_t unmap_size_back;
static uint32_t unmap_flags_back;
static int unmap_poke = -1;	/* offset of a byte the "kernel" writes, -1: none */

static long unmap_hook(int handle, unsigned long request, void *arg)
{
	struct vfio_iommu_type1_dma_unmap *u = arg;

	(void)handle;
	ck_assert_uint_eq(request, VFIO_IOMMU_UNMAP_DMA);
	u->size = unmap_size_back;
	if (unmap_flags_back)
		u->flags = unmap_flags_back;
	if (unmap_poke >= 0)
		((uint8_t *)arg)[unmap_poke] = 0;
	return 0;
}

START_TEST(unmap_written_back)
{
	struct vfio_iommu_type1_dma_unmap u;
	json_t *obs;

	start("IOMMU_UNMAP_DMA iova=0x10000000 size=1M\nIOMMU_UNMAP_DMA flags=ALL\n");
	hook = unmap_hook;
	unmap_size_back = 0x300000;
	obs = run(0);
	memcpy(&u, calls[0].bytes, sizeof(u));
	ck_assert_uint_eq(u.argsz, 24);
	ck_assert_uint_eq(u.flags, 0);
	ck_assert_uint_eq(u.iova, 0x10000000);
	ck_assert_uint_eq(u.size, 1u << 20);
	/* as a hex string, like every 64-bit quantity in observations */
	ck_assert_str_eq(out_str(obs, "size"), "0x300000");
	ck_assert_ptr_null(out_of(obs, "flags"));	/* unchanged flags are not news */
	ck_assert_str_eq(out_str(obs, "canary"), "intact");
	json_decref(obs);
	/* flags changed by the call are recorded */
	unmap_size_back = 0;
	unmap_flags_back = 0x8;
	obs = run(1);
	ck_assert_str_eq(out_str(obs, "size"), "0x0");
	ck_assert_int_eq(json_integer_value(out_of(obs, "flags")), 0x8);
	json_decref(obs);
	unmap_flags_back = 0;
	finish();
}
END_TEST

struct poke {
	const char *step;
	int at;
	const char *canary;
};

static const struct poke pokes[] = {
	{ "IOMMU_UNMAP_DMA iova=0 size=4K\n", 23, "intact" },		/* last owned byte */
	{ "IOMMU_UNMAP_DMA iova=0 size=4K\n", 24, "clobbered at +24" },	/* first past it */
	{ "IOMMU_UNMAP_DMA iova=0 size=4K\n", 30, "clobbered at +30" },
	{ "IOMMU_UNMAP_DMA iova=0 size=4K\n", 4095, "clobbered at +4095" },	/* buffer end */
	/* argsz does not change what the caller owns: the struct it laid out */
	{ "IOMMU_UNMAP_DMA iova=0 size=4K argsz=8\n", 8, "intact" },
	/* with raw, the caller owns only the raw bytes */
	{ "IOMMU_UNMAP_DMA raw=18000000\n", 4, "clobbered at +4" },
	{ "IOMMU_UNMAP_DMA flags=GET_DIRTY_BITMAP\n", 47, "intact" },
	{ "IOMMU_UNMAP_DMA flags=GET_DIRTY_BITMAP\n", 48, "clobbered at +48" },
};

START_TEST(unmap_canary)
{
	json_t *obs;

	start(pokes[_i].step);
	hook = unmap_hook;
	unmap_size_back = 0;
	unmap_poke = pokes[_i].at;
	obs = run(0);
	unmap_poke = -1;
	ck_assert_str_eq(out_str(obs, "canary"), pokes[_i].canary);
	json_decref(obs);
	finish();
}
END_TEST

static long dirty_hook(int handle, unsigned long request, void *arg)
{
	struct vfio_bitmap b;
	uint8_t *bm;

	(void)handle;
	(void)request;
	memcpy(&b, (uint8_t *)arg + sizeof(struct vfio_iommu_type1_dma_unmap), sizeof(b));
	bm = (uint8_t *)b.data;
	bm[0] = 0x01;
	bm[b.size - 1] = 0xc0;
	return 0;
}

START_TEST(unmap_dirty_bitmap)
{
	struct {
		struct vfio_iommu_type1_dma_unmap u;
		struct vfio_bitmap b;
	} __attribute__((packed)) arg;
	char want[80];
	json_t *obs;

	start("IOMMU_UNMAP_DMA iova=0 size=1M flags=GET_DIRTY_BITMAP\n");
	hook = dirty_hook;
	obs = run(0);
	memcpy(&arg.u, calls[0].bytes, sizeof(arg.u));
	ck_assert_uint_eq(arg.u.argsz, sizeof(arg));
	ck_assert_uint_eq(arg.u.flags, VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP);
	/* 256 pages of 4K: 256 bits, in whole u64s */
	memset(want, '0', 64);
	want[1] = '1';
	want[62] = 'c';
	want[64] = 0;
	ck_assert_str_eq(out_str(obs, "bitmap"), want);
	ck_assert_int_eq(json_integer_value(out_of(obs, "bitmap_bits")), 3);
	json_decref(obs);
	finish();
}
END_TEST

/* type1 with two IOVA ranges and DMA_AVAIL: 24 + 48 + 16 (8-byte aligned caps). */
#define INFO_NEED	88
static uint32_t info_seen[4];
static unsigned n_info;
static uint32_t info_cap_offset = 24, info_next2;	/* where the chain starts, and its end */
static bool info_write_all;	/* write the whole struct whatever argsz says */

static long info_hook(int handle, unsigned long request, void *arg)
{
	struct vfio_iommu_type1_info info;
	struct vfio_iommu_type1_info_cap_iova_range r = {
		.header = { .id = VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, .version = 1,
			    .next = 72 },
		.nr_iovas = 2,
	};
	struct vfio_iova_range ranges[2] = { { 0, 0xfedfffff }, { 0xfef00000, UINT64_MAX } };
	struct vfio_iommu_type1_info_dma_avail d = {
		.header = { .id = VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, .version = 1,
			    .next = info_next2 },
		.avail = 65535,
	};
	uint8_t *p = arg;
	uint32_t argsz;

	(void)handle;
	ck_assert_uint_eq(request, VFIO_IOMMU_GET_INFO);
	memcpy(&info, p, sizeof(info));
	argsz = info.argsz;
	if (n_info < 4)
		info_seen[n_info] = argsz;
	n_info++;
	if (argsz < 16)
		return fake_fail(EINVAL);
	info.flags = VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS;
	info.iova_pgsizes = 0x40201000;
	if (argsz < INFO_NEED) {
		/* too small for the caps: say how much is needed, as the kernel does */
		info.argsz = INFO_NEED;
		info.cap_offset = 0;
	} else {
		memcpy(p + 24, &r, sizeof(r));
		memcpy(p + 24 + sizeof(r), ranges, sizeof(ranges));
		memcpy(p + 72, &d, sizeof(d));
		info.cap_offset = info_cap_offset;
	}
	memcpy(p, &info, info_write_all || argsz > sizeof(info) ? sizeof(info) : argsz);
	return 0;
}

static const char caps_json[] =
	"[{\"id\":1,\"name\":\"IOVA_RANGE\",\"next\":72,\"nr_iovas\":2,\"offset\":24,"
	"\"ranges\":[[\"0x0\",\"0xfedfffff\"],[\"0xfef00000\",\"0xffffffffffffffff\"]],"
	"\"version\":1},"
	"{\"avail\":65535,\"id\":3,\"name\":\"DMA_AVAIL\",\"next\":0,\"offset\":72,"
	"\"version\":1}]";

static void info_reset(void)
{
	n_info = 0;
	info_cap_offset = 24;
	info_next2 = 0;
	info_write_all = false;
}

/* QEMU's loop: the bare struct first, then again with the size the kernel asked for. */
START_TEST(get_info_auto)
{
	json_t *obs;

	start("IOMMU_GET_INFO argsz=auto\nIOMMU_GET_INFO\n");
	for (unsigned step = 0; step < 2; step++) {
		info_reset();
		hook = info_hook;
		obs = run(step);
		ck_assert_uint_eq(n_info, 2);
		ck_assert_uint_eq(info_seen[0], 24);
		ck_assert_uint_eq(info_seen[1], INFO_NEED);
		ck_assert_int_eq(json_integer_value(json_object_get(obs, "ret")), 0);
		ck_assert_int_eq(json_integer_value(out_of(obs, "probe_argsz")), INFO_NEED);
		ck_assert_int_eq(json_integer_value(out_of(obs, "argsz")), INFO_NEED);
		ck_assert_str_eq(out_str(obs, "flags"), "PGSIZES|CAPS");
		ck_assert_str_eq(out_str(obs, "iova_pgsizes"), "0x40201000");
		ck_assert_int_eq(json_integer_value(out_of(obs, "cap_offset")), 24);
		ck_assert_str_eq(out_str(obs, "canary"), "intact");
		assert_json(out_of(obs, "caps"), caps_json);
		json_decref(obs);
	}
	finish();
	info_reset();
}
END_TEST

START_TEST(get_info_single_call)
{
	json_t *obs;

	start("IOMMU_GET_INFO argsz=24\nIOMMU_GET_INFO argsz=16\nIOMMU_GET_INFO argsz=0\n"
	      "IOMMU_GET_INFO raw=58000000\n");
	info_reset();
	hook = info_hook;
	/* an explicit argsz is one call, and the caps stay undecoded */
	obs = run(0);
	ck_assert_uint_eq(n_info, 1);
	ck_assert_int_eq(json_integer_value(out_of(obs, "argsz")), INFO_NEED);
	ck_assert_int_eq(json_integer_value(out_of(obs, "cap_offset")), 0);
	ck_assert_ptr_null(out_of(obs, "caps"));
	ck_assert_ptr_null(out_of(obs, "probe_argsz"));
	json_decref(obs);
	/* a "kernel" writing the whole struct into 16 bytes is caught */
	info_write_all = true;
	obs = run(1);
	ck_assert_str_eq(out_str(obs, "canary"), "clobbered at +16");
	json_decref(obs);
	/* argsz 0 owns the argsz word only; a failure is recorded with what is there */
	info_write_all = false;
	obs = run(2);
	ck_assert_int_eq(json_integer_value(json_object_get(obs, "ret")), -1);
	ck_assert_str_eq(json_string_value(json_object_get(obs, "errno")), "EINVAL");
	ck_assert_int_eq(json_integer_value(out_of(obs, "argsz")), 0);
	ck_assert_str_eq(out_str(obs, "canary"), "intact");
	json_decref(obs);
	/* raw: one call with exactly these bytes, even though it succeeds */
	n_info = 0;
	obs = run(3);
	ck_assert_uint_eq(n_info, 1);
	ck_assert_uint_eq(info_seen[0], INFO_NEED);
	assert_json(out_of(obs, "caps"), caps_json);
	json_decref(obs);
	finish();
	info_reset();
}
END_TEST

/* A chain that points back must end, with the offending cap marked. */
START_TEST(get_info_caps_loop)
{
	json_t *obs, *caps;

	start("IOMMU_GET_INFO argsz=88\n");
	info_reset();
	hook = info_hook;
	info_next2 = 24;
	obs = run(0);
	caps = (json_t *)out_of(obs, "caps");
	ck_assert_uint_eq(json_array_size(caps), 2);
	ck_assert_ptr_null(json_object_get(json_array_get(caps, 0), "error"));
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(caps, 1), "error")),
			 "next points backwards");
	json_decref(obs);
	/* pointing at itself is a loop too */
	info_next2 = 72;
	obs = run(0);
	caps = (json_t *)out_of(obs, "caps");
	ck_assert_uint_eq(json_array_size(caps), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(caps, 1), "error")),
			 "next points backwards");
	json_decref(obs);
	finish();
	info_reset();
}
END_TEST

START_TEST(get_info_caps_beyond)
{
	json_t *obs;

	start("IOMMU_GET_INFO argsz=88\n");
	info_reset();
	hook = info_hook;
	/* the argument buffer is 4096 bytes: a header at 4089 would end past it */
	info_cap_offset = 4089;
	obs = run(0);
	assert_json(out_of(obs, "caps"), "[{\"error\":\"beyond buffer\",\"offset\":4089}]");
	json_decref(obs);
	/* the last header that fits is read (canary bytes) */
	info_cap_offset = 4088;
	obs = run(0);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(out_of(obs, "caps"),
									  0), "id")), 0xa5a5);
	json_decref(obs);
	finish();
	info_reset();
}
END_TEST

/* A forward chain longer than the decoder's limit is cut at 16 caps. */
static long long_chain_hook(int handle, unsigned long request, void *arg)
{
	struct vfio_iommu_type1_info info = {
		.argsz = 256, .flags = VFIO_IOMMU_INFO_CAPS, .cap_offset = 24,
	};
	uint8_t *p = arg;

	(void)handle;
	(void)request;
	for (uint16_t i = 0; i < 20; i++) {
		struct vfio_info_cap_header h = {
			.id = 100 + i, .version = 1, .next = i < 19 ? 24 + 8 * (i + 1) : 0,
		};

		memcpy(p + 24 + 8 * i, &h, sizeof(h));
	}
	memcpy(p, &info, sizeof(info));
	return 0;
}

START_TEST(get_info_caps_limit)
{
	json_t *obs;
	const json_t *caps;

	start("IOMMU_GET_INFO argsz=256\n");
	hook = long_chain_hook;
	obs = run(0);
	caps = out_of(obs, "caps");
	ck_assert_uint_eq(json_array_size(caps), 16);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(caps, 15), "id")),
			 115);
	json_decref(obs);
	finish();
}
END_TEST

START_TEST(errno_by_name)
{
	json_t *obs;

	start("GET_API_VERSION\nCHECK_EXTENSION ext=TYPE1v2\nSET_IOMMU type=0x99\n"
	      "GET_API_VERSION\n");
	expect_script(-1, EBUSY);
	expect_script(1, 0);
	expect_script(-1, 4000);	/* no name for it: recorded as a number */
	expect_script(-1, 0);		/* a failure that forgot errno */
	obs = run(0);
	ck_assert_int_eq(calls[0].handle, CONTAINER);
	ck_assert_uint_eq(calls[0].request, VFIO_GET_API_VERSION);
	ck_assert_int_eq(json_integer_value(json_object_get(obs, "ret")), -1);
	ck_assert_str_eq(json_string_value(json_object_get(obs, "errno")), "EBUSY");
	json_decref(obs);
	obs = run(1);
	ck_assert_uint_eq(calls[1].request, VFIO_CHECK_EXTENSION);
	ck_assert_uint_eq(calls[1].arg, VFIO_TYPE1v2_IOMMU);	/* passed by value */
	ck_assert_int_eq(json_integer_value(json_object_get(obs, "ret")), 1);
	ck_assert(json_is_null(json_object_get(obs, "errno")));
	assert_json(json_object_get(obs, "args"), "{\"ext\":\"TYPE1v2\"}");
	json_decref(obs);
	obs = run(2);
	ck_assert_uint_eq(calls[2].request, VFIO_SET_IOMMU);
	ck_assert_uint_eq(calls[2].arg, 0x99);
	ck_assert_int_eq(json_integer_value(json_object_get(obs, "errno")), 4000);
	json_decref(obs);
	obs = run(3);
	ck_assert_int_eq(json_integer_value(json_object_get(obs, "ret")), -1);
	ck_assert(json_is_null(json_object_get(obs, "errno")));
	json_decref(obs);
	finish();
}
END_TEST

START_TEST(device_fd)
{
	json_t *obs;

	start("groups g0 g1\nGROUP_GET_DEVICE_FD group=g1\nGROUP_GET_DEVICE_FD device=1\n"
	      "GROUP_GET_DEVICE_FD device=7\n");
	expect_script(42, 0);
	expect_script(-1, ENODEV);
	expect_script(-1, EINVAL);
	obs = run(0);
	ck_assert_int_eq(calls[0].handle, GROUP_BASE + 1);
	ck_assert_uint_eq(calls[0].request, VFIO_GROUP_GET_DEVICE_FD);
	ck_assert_str_eq((const char *)calls[0].bytes, "0000:00:05.0");
	/* fd numbers differ between backends; that there is one does not */
	ck_assert_int_eq(json_integer_value(json_object_get(obs, "ret")), 0);
	ck_assert_str_eq(out_str(obs, "fd"), "valid");
	ck_assert_uint_eq(ex.n_device_fds, 1);
	ck_assert_int_eq(ex.device_fds[0], 42);
	json_decref(obs);
	obs = run(1);
	ck_assert_int_eq(calls[1].handle, GROUP_BASE);
	ck_assert_str_eq((const char *)calls[1].bytes, "0000:01:02.0");
	ck_assert_int_eq(json_integer_value(json_object_get(obs, "ret")), -1);
	ck_assert_str_eq(json_string_value(json_object_get(obs, "errno")), "ENODEV");
	ck_assert_ptr_null(out_of(obs, "fd"));
	json_decref(obs);
	/* a device the topology does not have is asked for by a name no device has */
	obs = run(2);
	ck_assert_str_eq((const char *)calls[2].bytes, "vfconform-no-such-device");
	json_decref(obs);
	vf_exec_release(&ex);
	ck_assert_uint_eq(n_closed, 1);
	ck_assert_int_eq(closed[0], 42);
	ck_assert_uint_eq(ex.n_device_fds, 0);
	finish();
}
END_TEST

/* More device fds than the executor keeps: the extra ones are closed at once. */
START_TEST(device_fd_limit)
{
	start("GROUP_GET_DEVICE_FD device=0..16\n");
	for (int i = 0; i <= VF_MAX_DEVICE_FDS; i++)
		expect_script(100 + i, 0);
	for (unsigned i = 0; i <= VF_MAX_DEVICE_FDS; i++)
		json_decref(run(i));
	ck_assert_uint_eq(ex.n_device_fds, VF_MAX_DEVICE_FDS);
	ck_assert_uint_eq(n_closed, 1);
	ck_assert_int_eq(closed[0], 100 + VF_MAX_DEVICE_FDS);
	vf_exec_release(&ex);
	ck_assert_uint_eq(n_closed, 1 + VF_MAX_DEVICE_FDS);
	finish();
}
END_TEST

static long status_hook(int handle, unsigned long request, void *arg)
{
	struct vfio_group_status *st = arg;

	(void)handle;
	(void)request;
	st->flags = VFIO_GROUP_FLAGS_VIABLE | VFIO_GROUP_FLAGS_CONTAINER_SET | 0x100;
	return 0;
}

START_TEST(group_ops)
{
	struct vfio_group_status st;
	int32_t fd;
	json_t *obs;

	start("groups g0 g2\nGROUP_SET_CONTAINER group=g2\nGROUP_SET_CONTAINER fd=-1\n"
	      "GROUP_UNSET_CONTAINER group=g2\nGROUP_GET_STATUS\n");
	/* the setup steps: attach g0 and g2 to the container, then SET_IOMMU */
	ck_assert_uint_eq(tc->n_setup, 3);
	obs = vf_exec_step(&ex, &tc->steps[0], 0);
	ck_assert(json_is_true(json_object_get(obs, "setup")));
	ck_assert_int_eq(json_integer_value(json_object_get(obs, "line")), 5);
	ck_assert_int_eq(calls[0].handle, GROUP_BASE);
	ck_assert_uint_eq(calls[0].request, VFIO_GROUP_SET_CONTAINER);
	memcpy(&fd, calls[0].bytes, sizeof(fd));
	ck_assert_int_eq(fd, CONTAINER);
	json_decref(obs);
	n_calls = 0;
	json_decref(run(0));
	ck_assert_int_eq(calls[0].handle, GROUP_BASE + 2);
	json_decref(run(1));
	memcpy(&fd, calls[1].bytes, sizeof(fd));
	ck_assert_int_eq(fd, -1);
	json_decref(run(2));
	ck_assert_int_eq(calls[2].handle, GROUP_BASE + 2);
	ck_assert_uint_eq(calls[2].request, VFIO_GROUP_UNSET_CONTAINER);
	hook = status_hook;
	obs = run(3);
	ck_assert_int_eq(calls[3].handle, GROUP_BASE);
	memcpy(&st, calls[3].bytes, sizeof(st));
	ck_assert_uint_eq(st.argsz, sizeof(st));
	ck_assert_str_eq(out_str(obs, "flags"), "VIABLE|CONTAINER_SET|0x100");
	ck_assert_str_eq(out_str(obs, "canary"), "intact");
	json_decref(obs);
	finish();
}
END_TEST

static long ioas_hook(int handle, unsigned long request, void *arg)
{
	struct iommu_vfio_ioas *v = arg;

	(void)handle;
	ck_assert_uint_eq(request, IOMMU_VFIO_IOAS);
	v->ioas_id = 5;
	return 0;
}

START_TEST(vfio_ioas)
{
	struct iommu_vfio_ioas v;
	json_t *obs;

	start("IOMMU_VFIO_IOAS op=SET ioas_id=3\n");
	hook = ioas_hook;
	obs = run(0);
	memcpy(&v, calls[0].bytes, sizeof(v));
	ck_assert_uint_eq(v.size, sizeof(v));
	ck_assert_uint_eq(v.op, IOMMU_VFIO_IOAS_SET);
	ck_assert_uint_eq(v.ioas_id, 3);
	ck_assert_int_eq(json_integer_value(out_of(obs, "ioas_id")), 5);
	json_decref(obs);
	finish();
}
END_TEST

START_TEST(dirty_pages)
{
	struct vfio_iommu_type1_dirty_bitmap d;
	json_t *obs;

	start("IOMMU_DIRTY_PAGES flags=START\n");
	obs = run(0);
	memcpy(&d, calls[0].bytes, sizeof(d));
	ck_assert_uint_eq(calls[0].request, VFIO_IOMMU_DIRTY_PAGES);
	ck_assert_uint_eq(d.argsz, sizeof(d));
	ck_assert_uint_eq(d.flags, VFIO_IOMMU_DIRTY_PAGES_FLAG_START);
	ck_assert_str_eq(out_str(obs, "canary"), "intact");
	ck_assert_ptr_null(out_of(obs, "bitmap"));
	json_decref(obs);
	finish();
}
END_TEST

static long pin_hook(int handle, unsigned long request, void *arg)
{
	(void)handle;
	(void)request;
	(void)arg;
	vm_pin += 1024;
	return 0;
}

/* Accounting is read after the step, so it shows what the step did. */
START_TEST(acct_after_step)
{
	json_t *obs;

	start("IOMMU_MAP_DMA iova=0 size=1M vaddr=0x1000\n");
	vm_lck = 12;
	vm_pin = 34;
	hook = pin_hook;
	obs = run(0);
	assert_json(json_object_get(obs, "acct"), "{\"VmLck\":12,\"VmPin\":1058}");
	json_decref(obs);
	finish();
}
END_TEST

/* A small IOMMU address space for MAPPED: exact-range unmap, EEXIST on overlap. */
struct range {
	uint64_t iova, size;
};

static struct range space[64];
static unsigned n_space;
static struct range reserved;	/* maps touching it fail with EPERM */
static bool everything_mapped;
static unsigned maps_ok, unmaps_ok;

static bool overlaps(uint64_t a, uint64_t asize, uint64_t b, uint64_t bsize)
{
	return a <= b + (bsize - 1) && b <= a + (asize - 1);
}

static long space_hook(int handle, unsigned long request, void *arg)
{
	ck_assert_int_eq(handle, CONTAINER);
	if (request == VFIO_IOMMU_MAP_DMA) {
		struct vfio_iommu_type1_dma_map m;

		memcpy(&m, arg, sizeof(m));
		if (!m.size)
			return fake_fail(EINVAL);
		if (everything_mapped)
			return fake_fail(EEXIST);
		if (reserved.size && overlaps(m.iova, m.size, reserved.iova, reserved.size))
			return fake_fail(EPERM);
		for (unsigned i = 0; i < n_space; i++)
			if (overlaps(m.iova, m.size, space[i].iova, space[i].size))
				return fake_fail(EEXIST);
		ck_assert_uint_lt(n_space, 64);
		space[n_space].iova = m.iova;
		space[n_space++].size = m.size;
		maps_ok++;
		return 0;
	}
	if (request == VFIO_IOMMU_UNMAP_DMA) {
		struct vfio_iommu_type1_dma_unmap u;
		uint64_t done = 0;

		memcpy(&u, arg, sizeof(u));
		for (unsigned i = 0; i < n_space; i++) {
			if (space[i].iova == u.iova && space[i].size == u.size) {
				done = u.size;
				memmove(&space[i], &space[i + 1],
					(n_space - i - 1) * sizeof(*space));
				n_space--;
				unmaps_ok++;
				break;
			}
		}
		u.size = done;
		memcpy(arg, &u, sizeof(u));
		return 0;
	}
	ck_abort_msg("unexpected ioctl 0x%lx", request);
	return 0;
}

static void space_reset(void)
{
	n_space = maps_ok = unmaps_ok = 0;
	memset(&reserved, 0, sizeof(reserved));
	everything_mapped = false;
}

static void space_add(uint64_t iova, uint64_t size)
{
	space[n_space].iova = iova;
	space[n_space++].size = size;
}

START_TEST(mapped_probe)
{
	struct range before[64];
	unsigned n_before;
	uint64_t probe;
	json_t *obs;

	/* the third MAPPED never runs, but sizes the probe buffer */
	start("MAPPED iova=0x10000000 size=8M\nMAPPED iova=0x10000000 size=8M\n"
	      "MAPPED iova=0 size=12M\n");
	space_reset();
	/* two adjacent mappings (one run once coalesced) and a small one further up */
	space_add(0x10000000, 1u << 20);
	space_add(0x10100000, 1u << 20);
	space_add(0x10400000, 8192);
	memcpy(before, space, sizeof(space));
	n_before = n_space;
	hook = space_hook;
	obs = run(0);
	ck_assert_int_eq(json_integer_value(json_object_get(obs, "ret")), 0);
	ck_assert(json_is_null(json_object_get(obs, "errno")));
	assert_json(out_of(obs, "mapped"), "[[\"0x10000000\",\"0x101fffff\"],"
		    "[\"0x10400000\",\"0x10401fff\"]]");
	ck_assert_ptr_null(out_of(obs, "unprobed"));
	ck_assert_ptr_null(out_of(obs, "truncated"));
	/* every probe that mapped was undone: the address space is as it was */
	ck_assert_uint_eq(n_space, n_before);
	ck_assert_mem_eq(space, before, n_before * sizeof(*space));
	ck_assert_uint_gt(maps_ok, 0);
	ck_assert_uint_eq(maps_ok, unmaps_ok);
	/* one probe buffer, as large as the case's largest MAPPED; each probe maps its part */
	ck_assert_uint_eq(n_allocs, 1);
	ck_assert_uint_eq(alloc_sizes[0], 12u << 20);
	probe = (uintptr_t)ex.probe.addr;
	for (unsigned i = 0; i < n_calls && i < MAX_CALLS; i++) {
		struct vfio_iommu_type1_dma_map m;

		if (calls[i].request != VFIO_IOMMU_MAP_DMA)
			continue;
		memcpy(&m, calls[i].bytes, sizeof(m));
		ck_assert_uint_eq(m.vaddr, probe + (m.iova - 0x10000000));
		ck_assert_uint_eq(m.flags, VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);
	}
	json_decref(obs);
	/* a second MAPPED reuses the probe buffer and sees the same */
	obs = run(1);
	ck_assert_uint_eq(n_allocs, 1);
	assert_json(out_of(obs, "mapped"), "[[\"0x10000000\",\"0x101fffff\"],"
		    "[\"0x10400000\",\"0x10401fff\"]]");
	json_decref(obs);
	finish();
}
END_TEST

START_TEST(mapped_nothing)
{
	json_t *obs;

	start("MAPPED iova=0x10000000 size=64M\n");
	space_reset();
	hook = space_hook;
	obs = run(0);
	assert_json(out_of(obs, "mapped"), "[]");
	/* a free range costs one map and one unmap, however large */
	ck_assert_uint_eq(n_calls, 2);
	ck_assert_uint_eq(n_space, 0);
	json_decref(obs);
	finish();
}
END_TEST

/* Pages that can be neither mapped nor found mapped are reported with their errno. */
START_TEST(mapped_unprobed)
{
	json_t *obs;

	start("MAPPED iova=0x10300000 size=16K\n");
	space_reset();
	reserved.iova = 0x10301000;
	reserved.size = 8192;
	space_add(0x10300000, 4096);
	hook = space_hook;
	obs = run(0);
	assert_json(out_of(obs, "mapped"), "[[\"0x10300000\",\"0x10300fff\"]]");
	assert_json(out_of(obs, "unprobed"), "[{\"errno\":\"EPERM\",\"first\":\"0x10301000\","
		    "\"last\":\"0x10302fff\"}]");
	ck_assert_uint_eq(n_space, 1);
	json_decref(obs);
	finish();
}
END_TEST

/* At most 4096 single-page answers: beyond that the result says it is partial. */
START_TEST(mapped_truncated)
{
	json_t *obs;

	start("MAPPED iova=0x100000000 size=64M\n");
	space_reset();
	everything_mapped = true;
	hook = space_hook;
	obs = run(0);
	ck_assert(json_is_true(out_of(obs, "truncated")));
	assert_json(out_of(obs, "mapped"), "[[\"0x100000000\",\"0x100ffffff\"]]");
	json_decref(obs);
	finish();
}
END_TEST

START_TEST(mapped_no_probe_buffer)
{
	json_t *obs;

	start("MAPPED iova=0 size=4K\n");
	space_reset();
	hook = space_hook;
	buf_fail = EAGAIN;
	obs = run(0);
	ck_assert_int_eq(json_integer_value(json_object_get(obs, "ret")), -1);
	ck_assert_str_eq(json_string_value(json_object_get(obs, "errno")), "EAGAIN");
	ck_assert_uint_eq(n_calls, 0);
	ck_assert_ptr_null(out_of(obs, "mapped"));
	json_decref(obs);
	finish();
}
END_TEST

START_TEST(step_args)
{
	static const char *const want[] = {
		"{\"argsz\":20,\"flags\":\"READ|0x80\",\"iova\":\"0x1000\",\"size\":\"0x1000\","
		"\"vaddr\":\"a-0x1000\"}",
		"{\"vaddr\":\"a\"}",
		"{\"vaddr\":\"0xffffffffffffffff\"}",
		"{\"ext\":\"UNMAP_ALL\"}",
		"{\"ext\":\"0x99\"}",
		"{\"argsz\":\"auto\"}",
		"{\"fd\":-1,\"group\":\"g0\"}",
		"{\"flags\":\"0\",\"raw\":\"00ff\"}",
		"{\"flags\":\"ALL|VADDR\"}",
		"{\"ioas_id\":\"0x2\",\"op\":\"SET\"}",
		"{\"device\":1,\"group\":\"g0\"}",
		"{\"flags\":\"START|0x40\"}",
		"{}",
	};
	json_t *a;

	start("buf a 1M\n"
	      "IOMMU_MAP_DMA iova=0x1000 size=4K vaddr=a-4K flags=READ|0x80 argsz=20\n"
	      "IOMMU_MAP_DMA vaddr=a\n"
	      "IOMMU_MAP_DMA vaddr=0-1\n"
	      "CHECK_EXTENSION ext=9\n"
	      "CHECK_EXTENSION ext=0x99\n"
	      "IOMMU_GET_INFO argsz=auto\n"
	      "GROUP_SET_CONTAINER fd=-1\n"
	      "IOMMU_UNMAP_DMA flags=0 raw=00ff\n"
	      "IOMMU_UNMAP_DMA flags=ALL|VADDR\n"
	      "IOMMU_VFIO_IOAS op=SET ioas_id=2\n"
	      "GROUP_GET_DEVICE_FD device=1\n"
	      "IOMMU_DIRTY_PAGES flags=START|0x40\n"
	      "GET_API_VERSION\n");
	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		a = vf_step_args(tc, &tc->steps[tc->n_setup + i]);
		assert_json(a, want[i]);
		json_decref(a);
	}
	/* setup steps are recorded with their arguments too */
	a = vf_step_args(tc, &tc->steps[1]);
	assert_json(a, "{\"type\":\"TYPE1v2\"}");
	json_decref(a);
	finish();
}
END_TEST

static json_t *fails_for(const struct vf_step *s, const char *obs_text, const char *backend,
			 const char *personality)
{
	json_t *obs = json_loads(obs_text, 0, NULL), *f;

	ck_assert_ptr_nonnull(obs);
	f = vf_check_expects(s, obs, backend, personality);
	json_decref(obs);
	return f;
}

START_TEST(expects_scope_and_values)
{
	static const char obs[] = "{\"ret\":-1,\"errno\":\"EINVAL\",\"out\":{\"size\":\"0x1000\","
				  "\"argsz\":80,\"canary\":\"intact\",\"flags\":\"PGSIZES|CAPS\"}}";
	json_t *f;

	start("IOMMU_UNMAP_DMA iova=0 size=4K\n"		/* line 5 */
	      "expect ret=-1 errno=EINVAL\n"			/* holds */
	      "expect size=4K size=0x1000 size=4096\n"		/* hex string vs numbers */
	      "expect[type1] size=0x2000\n"			/* line 8 */
	      "expect[kernel-compat] errno=ENOENT\n"		/* line 9 */
	      "expect[sim-type1] errno=EPERM\n"			/* line 10 */
	      "expect argsz=0x50 argsz=80\n"			/* integer vs any number */
	      "expect argsz=81\n"				/* line 12 */
	      "expect canary=intact flags=PGSIZES|CAPS\n"	/* text */
	      "expect size=-0x1000\n"				/* line 14 */
	      "expect fd=valid\n");				/* line 15: absent */
	f = fails_for(&tc->steps[tc->n_setup], obs, "kernel-type1", "type1");
	/* type1 matches the personality; kernel-compat and sim-type1 do not apply */
	assert_json(f, "[\"line 8: expected size=0x2000, got 0x1000\","
		    "\"line 12: expected argsz=81, got 80\","
		    "\"line 14: expected size=-0x1000, got 0x1000\","
		    "\"line 15: expected fd=valid, got nothing\"]");
	json_decref(f);
	f = fails_for(&tc->steps[tc->n_setup], obs, "kernel-compat", "compat");
	/* kernel-compat matches the backend's name */
	assert_json(f, "[\"line 9: expected errno=ENOENT, got EINVAL\","
		    "\"line 12: expected argsz=81, got 80\","
		    "\"line 14: expected size=-0x1000, got 0x1000\","
		    "\"line 15: expected fd=valid, got nothing\"]");
	json_decref(f);
	f = fails_for(&tc->steps[tc->n_setup], obs, "sim-type1", "type1");
	assert_json(f, "[\"line 8: expected size=0x2000, got 0x1000\","
		    "\"line 10: expected errno=EPERM, got EINVAL\","
		    "\"line 12: expected argsz=81, got 80\","
		    "\"line 14: expected size=-0x1000, got 0x1000\","
		    "\"line 15: expected fd=valid, got nothing\"]");
	json_decref(f);
	finish();
}
END_TEST

START_TEST(expects_errno_zero)
{
	static const char ok[] = "{\"ret\":0,\"errno\":null,"
				 "\"out\":{\"size\":\"0xfffffffffffff000\"}}";
	static const char bad[] = "{\"ret\":-1,\"errno\":\"EINVAL\",\"out\":{}}";
	json_t *f;

	start("IOMMU_UNMAP_DMA iova=0 size=4K\n"
	      "expect errno=0 ret=0 size=0-4K\n");		/* line 6; top of the space */
	f = fails_for(&tc->steps[tc->n_setup], ok, "kernel-type1", "type1");
	ck_assert_uint_eq(json_array_size(f), 0);
	json_decref(f);
	f = fails_for(&tc->steps[tc->n_setup], bad, "kernel-type1", "type1");
	assert_json(f, "[\"line 6: expected errno=0, got EINVAL\","
		    "\"line 6: expected ret=0, got -1\","
		    "\"line 6: expected size=0-4K, got nothing\"]");
	json_decref(f);
	finish();
	start("GET_API_VERSION\nexpect errno=EINVAL ret=-1\n");
	f = fails_for(&tc->steps[tc->n_setup], ok, "kernel-type1", "type1");
	assert_json(f, "[\"line 6: expected errno=EINVAL, got 0\","
		    "\"line 6: expected ret=-1, got 0\"]");
	json_decref(f);
	finish();
}
END_TEST

/* Each test starts from a clean fake, even after a failed one (CK_FORK=no). */
static void fresh(void)
{
	reset();
	info_reset();
	space_reset();
	unmap_poke = -1;
	unmap_flags_back = 0;
}

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *exec_suite(void)
{
	Suite *s = suite_create("exec");
	TCase *tm = tcase_create("marshal");
	TCase *ti = tcase_create("get_info");
	TCase *tp = tcase_create("mapped");
	TCase *te = tcase_create("expect");

	tcase_add_test(tm, map_defaults);
	tcase_add_test(tm, map_overrides);
	tcase_add_test(tm, map_vaddr_unavailable);
	tcase_add_test(tm, unmap_written_back);
	tcase_add_loop_test(tm, unmap_canary, 0, N(pokes));
	tcase_add_test(tm, unmap_dirty_bitmap);
	tcase_add_test(tm, errno_by_name);
	tcase_add_test(tm, device_fd);
	tcase_add_test(tm, device_fd_limit);
	tcase_add_test(tm, group_ops);
	tcase_add_test(tm, vfio_ioas);
	tcase_add_test(tm, dirty_pages);
	tcase_add_test(tm, acct_after_step);
	tcase_add_test(tm, step_args);
	tcase_add_checked_fixture(tm, fresh, NULL);
	suite_add_tcase(s, tm);
	tcase_add_test(ti, get_info_auto);
	tcase_add_test(ti, get_info_single_call);
	tcase_add_test(ti, get_info_caps_loop);
	tcase_add_test(ti, get_info_caps_beyond);
	tcase_add_test(ti, get_info_caps_limit);
	tcase_add_checked_fixture(ti, fresh, NULL);
	suite_add_tcase(s, ti);
	tcase_add_test(tp, mapped_probe);
	tcase_add_test(tp, mapped_nothing);
	tcase_add_test(tp, mapped_unprobed);
	tcase_add_test(tp, mapped_truncated);
	tcase_add_test(tp, mapped_no_probe_buffer);
	tcase_add_checked_fixture(tp, fresh, NULL);
	suite_add_tcase(s, tp);
	tcase_add_test(te, expects_scope_and_values);
	tcase_add_test(te, expects_errno_zero);
	tcase_add_checked_fixture(te, fresh, NULL);
	suite_add_tcase(s, te);
	return s;
}

VF_CHECK_MAIN(exec_suite)

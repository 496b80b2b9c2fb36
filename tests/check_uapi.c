// SPDX-License-Identifier: GPL-2.0-only
/*
 * The uAPI codec (harness/uapi/): what struct bytes become, through both of
 * its sinks. Every case runs the codec into the runner's json_t sink and the
 * interposer's text sink and requires the same JSON from both, so a trace
 * record and an observation cannot drift apart; then checks that JSON
 * exactly. The capability chain gets the hostile inputs: offsets beyond the
 * buffer, chains that loop, ids the uAPI does not define, counts that lie.
 */
#define _GNU_SOURCE
#include "unit.h"
#include <errno.h>
#include <stdint.h>
#include <linux/vfio.h>
#include <linux/iommufd.h>
#include <jansson.h>
#include "exec/exec.h"
#include "uapi/codec.h"
#include "uapi/sink_json.h"
#include "uapi/sink_text.h"

typedef void (*emit_fn)(struct vf_sink *s, const void *ctx);

/* fn's fields as JSON text; fails unless both sinks wrote exactly the same. */
static char *both(emit_fn fn, const void *ctx)
{
	static char text[16384];
	struct vf_text_sink ts;
	struct vf_json_sink js;
	json_t *root = json_object();
	struct vf_sink *t = vf_text_sink_init(&ts, text, sizeof(text));
	char *j;

	vf_sink_object(t, NULL);
	fn(t, ctx);
	vf_sink_object_end(t);
	ck_assert(!ts.overflow);
	fn(vf_json_sink_init(&js, root), ctx);
	j = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	ck_assert_ptr_nonnull(j);
	ck_assert_msg(!strcmp(j, text), "json sink %s\ntext sink %s", j, text);
	free(j);
	return text;
}

/* A GET_INFO answer being built: the struct at 0, caps wherever a test puts them. */
struct info_buf {
	uint8_t b[4096];
	size_t len;		/* what the codec may read */
};

static void info_init(struct info_buf *ib, size_t len, uint32_t cap_offset)
{
	struct vfio_iommu_type1_info info = {
		.argsz = (uint32_t)len,
		.flags = VFIO_IOMMU_INFO_PGSIZES | (cap_offset ? VFIO_IOMMU_INFO_CAPS : 0),
		.iova_pgsizes = 0x40201000,
		.cap_offset = cap_offset,
	};

	memset(ib->b, 0, sizeof(ib->b));
	memcpy(ib->b, &info, sizeof(info));
	ib->len = len;
}

static void put_hdr(struct info_buf *ib, uint32_t off, uint16_t id, uint16_t version,
		    uint32_t next)
{
	struct vfio_info_cap_header h = { .id = id, .version = version, .next = next };

	memcpy(ib->b + off, &h, sizeof(h));
}

static void put_dma_avail(struct info_buf *ib, uint32_t off, uint32_t next, uint32_t avail)
{
	struct vfio_iommu_type1_info_dma_avail d = { .avail = avail };

	memcpy(ib->b + off, &d, sizeof(d));
	put_hdr(ib, off, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, 1, next);
}

static void emit_info(struct vf_sink *s, const void *ctx)
{
	const struct info_buf *ib = ctx;

	vf_uapi_info_out(s, ib->b, ib->len);
}

#define INFO_HEAD "\"argsz\":%u,\"flags\":\"%s\",\"iova_pgsizes\":\"0x40201000\",\"cap_offset\":%u"

static void assert_info(const struct info_buf *ib, const char *caps)
{
	const struct vfio_iommu_type1_info *i = (const void *)ib->b;
	char want[4096];

	snprintf(want, sizeof(want), "{" INFO_HEAD "%s%s}", i->argsz,
		 i->cap_offset ? "PGSIZES|CAPS" : "PGSIZES", i->cap_offset, caps ? ",\"caps\":" : "",
		 caps ? caps : "");
	ck_assert_str_eq(both(emit_info, ib), want);
}

/* What a type1 kernel answers: IOVA_RANGE, MIGRATION, DMA_AVAIL. */
START_TEST(caps_full_chain)
{
	struct vfio_iommu_type1_info_cap_iova_range r = { .nr_iovas = 2 };
	struct vfio_iova_range ranges[2] = { { 0, 0xfedfffff }, { 0xfef00000, ~0ull } };
	struct vfio_iommu_type1_info_cap_migration m = {
		.flags = 0, .pgsize_bitmap = 0x1000, .max_dirty_bitmap_size = 0x8000000,
	};
	struct info_buf ib;

	info_init(&ib, 128, 24);
	memcpy(ib.b + 24, &r, sizeof(r));
	memcpy(ib.b + 24 + sizeof(r), ranges, sizeof(ranges));
	put_hdr(&ib, 24, VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, 1, 72);
	memcpy(ib.b + 72, &m, sizeof(m));
	put_hdr(&ib, 72, VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION, 1, 104);
	put_dma_avail(&ib, 104, 0, 65535);
	assert_info(&ib, "["
		"{\"offset\":24,\"id\":1,\"version\":1,\"next\":72,\"name\":\"IOVA_RANGE\","
		"\"nr_iovas\":2,\"ranges\":[[\"0x0\",\"0xfedfffff\"],"
		"[\"0xfef00000\",\"0xffffffffffffffff\"]]},"
		"{\"offset\":72,\"id\":2,\"version\":1,\"next\":104,\"name\":\"MIGRATION\","
		"\"flags\":0,\"pgsize_bitmap\":\"0x1000\",\"max_dirty_bitmap_size\":\"0x8000000\"},"
		"{\"offset\":104,\"id\":3,\"version\":1,\"next\":0,\"name\":\"DMA_AVAIL\","
		"\"avail\":65535}]");
}
END_TEST

/* cap_offset past what the caller owns: one entry saying so, nothing read there. */
START_TEST(caps_first_beyond_argsz)
{
	struct info_buf ib;

	info_init(&ib, 40, 40);
	put_dma_avail(&ib, 40, 0, 7);		/* present in memory, but not the caller's */
	assert_info(&ib, "[{\"offset\":40,\"error\":\"beyond buffer\"}]");
}
END_TEST

/* A header that straddles the end: beyond buffer too (the header needs 8 bytes). */
START_TEST(caps_header_straddles_end)
{
	struct info_buf ib;

	info_init(&ib, 44, 40);
	assert_info(&ib, "[{\"offset\":40,\"error\":\"beyond buffer\"}]");
}
END_TEST

/* A good cap whose next points outside: the chain is kept up to there. */
START_TEST(caps_next_beyond_argsz)
{
	struct info_buf ib;

	info_init(&ib, 64, 24);
	put_dma_avail(&ib, 24, 4000, 9);
	assert_info(&ib, "[{\"offset\":24,\"id\":3,\"version\":1,\"next\":4000,"
		    "\"name\":\"DMA_AVAIL\",\"avail\":9},"
		    "{\"offset\":4000,\"error\":\"beyond buffer\"}]");
}
END_TEST

/* A body cut by the end of the buffer: the header only, no half-read fields. */
START_TEST(caps_body_cut)
{
	struct info_buf ib;

	info_init(&ib, 36, 24);
	put_hdr(&ib, 24, VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION, 1, 0);
	assert_info(&ib, "[{\"offset\":24,\"id\":2,\"version\":1,\"next\":0}]");
}
END_TEST

/* A chain that points at itself would loop forever: one entry and the error. */
START_TEST(caps_self_loop)
{
	struct info_buf ib;

	info_init(&ib, 64, 24);
	put_dma_avail(&ib, 24, 24, 1);
	assert_info(&ib, "[{\"offset\":24,\"id\":3,\"version\":1,\"next\":24,"
		    "\"name\":\"DMA_AVAIL\",\"avail\":1,\"error\":\"next points backwards\"}]");
}
END_TEST

/* A two-cap loop (24 -> 40 -> 24): stopped at the cap that points back. */
START_TEST(caps_loop_backwards)
{
	struct info_buf ib;

	info_init(&ib, 64, 24);
	put_dma_avail(&ib, 24, 40, 1);
	put_dma_avail(&ib, 40, 24, 2);
	assert_info(&ib, "[{\"offset\":24,\"id\":3,\"version\":1,\"next\":40,"
		    "\"name\":\"DMA_AVAIL\",\"avail\":1},"
		    "{\"offset\":40,\"id\":3,\"version\":1,\"next\":24,"
		    "\"name\":\"DMA_AVAIL\",\"avail\":2,\"error\":\"next points backwards\"}]");
}
END_TEST

/* An id the uAPI does not define: its header, and the chain goes on past it. */
START_TEST(caps_unknown_id)
{
	struct info_buf ib;

	info_init(&ib, 64, 24);
	put_hdr(&ib, 24, 0x7777, 3, 40);
	put_dma_avail(&ib, 40, 0, 5);
	assert_info(&ib, "[{\"offset\":24,\"id\":30583,\"version\":3,\"next\":40},"
		    "{\"offset\":40,\"id\":3,\"version\":1,\"next\":0,"
		    "\"name\":\"DMA_AVAIL\",\"avail\":5}]");
}
END_TEST

/* nr_iovas claims more ranges than the buffer holds: the ones that fit. */
START_TEST(caps_nr_iovas_lies)
{
	struct vfio_iommu_type1_info_cap_iova_range r = { .nr_iovas = 1000000 };
	struct vfio_iova_range one = { 0x1000, 0x1fff };
	struct info_buf ib;

	info_init(&ib, 24 + sizeof(r) + sizeof(one) + 8, 24);
	memcpy(ib.b + 24, &r, sizeof(r));
	memcpy(ib.b + 24 + sizeof(r), &one, sizeof(one));
	put_hdr(&ib, 24, VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, 1, 0);
	assert_info(&ib, "[{\"offset\":24,\"id\":1,\"version\":1,\"next\":0,"
		    "\"name\":\"IOVA_RANGE\",\"nr_iovas\":1000000,"
		    "\"ranges\":[[\"0x1000\",\"0x1fff\"]]}]");
}
END_TEST

/* A forward chain of unknown caps longer than VF_UAPI_MAX_CAPS: cut there, silently. */
START_TEST(caps_too_many)
{
	struct info_buf ib;
	const char *t;
	unsigned n = 0;

	info_init(&ib, 4096, 24);
	for (uint32_t i = 0; i < 40; i++)
		put_hdr(&ib, 24 + 8 * i, 0x100, 1, 24 + 8 * (i + 1));
	t = both(emit_info, &ib);
	for (const char *p = t; (p = strstr(p, "\"offset\":")); p++)
		n++;
	ck_assert_uint_eq(n, VF_UAPI_MAX_CAPS);
	ck_assert_ptr_null(strstr(t, "error"));
}
END_TEST

/* CAPS set but cap_offset 0 (the caps did not fit argsz): no chain at all. */
START_TEST(caps_flag_without_offset)
{
	struct info_buf ib;

	info_init(&ib, 24, 0);
	((struct vfio_iommu_type1_info *)ib.b)->flags |= VFIO_IOMMU_INFO_CAPS;
	ck_assert_str_eq(both(emit_info, &ib), "{\"argsz\":24,\"flags\":\"PGSIZES|CAPS\","
			 "\"iova_pgsizes\":\"0x40201000\",\"cap_offset\":0}");
}
END_TEST

/* A caller that owns 4 bytes: the rest of the struct reads as 0, nothing past len. */
START_TEST(info_short_buffer)
{
	struct info_buf ib;

	info_init(&ib, 4, 24);
	memset(ib.b + 4, 0xff, 64);
	ck_assert_str_eq(both(emit_info, &ib), "{\"argsz\":4,\"flags\":\"0\","
			 "\"iova_pgsizes\":\"0x0\",\"cap_offset\":0}");
}
END_TEST

struct flags_case {
	const struct vf_name *tab;
	uint64_t v;
	const char *want;
};

START_TEST(flag_words)
{
	static const struct flags_case t[] = {
		{ vf_map_flag_names, 0, "0" },
		{ vf_map_flag_names, VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		  "READ|WRITE" },
		{ vf_map_flag_names, VFIO_DMA_MAP_FLAG_READ | 0x80, "READ|0x80" },
		{ vf_unmap_flag_names, VFIO_DMA_UNMAP_FLAG_ALL | VFIO_DMA_UNMAP_FLAG_VADDR,
		  "ALL|VADDR" },
		{ vf_group_flag_names, 0xf0000000, "0xf0000000" },
		{ NULL, 3, "0x3" },
	};
	char buf[VF_FLAGS_LEN], hex[VF_HEX_LEN];

	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_str_eq(vf_fmt_flags(buf, t[i].tab, t[i].v), t[i].want);
	ck_assert_str_eq(vf_fmt_hex(hex, 0), "0x0");
	ck_assert_str_eq(vf_fmt_hex(hex, UINT64_MAX), "0xffffffffffffffff");
}
END_TEST

static void emit_unmap(struct vf_sink *s, const void *ctx)
{
	const struct vfio_iommu_type1_dma_unmap *u = ctx;

	vf_uapi_unmap_out(s, &u[1], u[0].argsz ? &u[0] : NULL);
}

/* UNMAP: the size written back, and flags only when the kernel changed them. */
START_TEST(unmap_written_back)
{
	struct vfio_iommu_type1_dma_unmap u[2] = {
		{ .argsz = 24, .flags = VFIO_DMA_UNMAP_FLAG_ALL },
		{ .argsz = 24, .flags = VFIO_DMA_UNMAP_FLAG_ALL, .size = 0x200000 },
	};

	ck_assert_str_eq(both(emit_unmap, u), "{\"size\":\"0x200000\"}");
	u[1].flags = 0;
	ck_assert_str_eq(both(emit_unmap, u), "{\"size\":\"0x200000\",\"flags\":0}");
	u[0].argsz = 0;		/* no copy from before (raw bytes): not compared */
	ck_assert_str_eq(both(emit_unmap, u), "{\"size\":\"0x200000\"}");
}
END_TEST

static void emit_bitmap(struct vf_sink *s, const void *ctx)
{
	static uint8_t bm[600];

	memset(bm, 0, sizeof(bm));
	bm[0] = 0x81;
	bm[599] = 0xff;		/* counted, but past the bytes shown */
	vf_uapi_bitmap(s, bm, *(const uint64_t *)ctx);
}

START_TEST(bitmap_shown_and_counted)
{
	uint64_t len = 600;
	const char *t = both(emit_bitmap, &len);

	ck_assert(!strncmp(t, "{\"bitmap\":\"8100", 15));
	ck_assert_ptr_nonnull(strstr(t, "\",\"bitmap_bits\":10}"));
	ck_assert_uint_eq(strstr(t, "\",\"bitmap_bits\"") - (t + 11), 2 * VF_UAPI_BITMAP_HEX);
	len = 2;
	ck_assert_str_eq(both(emit_bitmap, &len), "{\"bitmap\":\"8100\",\"bitmap_bits\":2}");
}
END_TEST

struct args_case {
	enum vf_op op;
	unsigned long arg;
};

static void emit_args(struct vf_sink *s, const void *ctx)
{
	const struct args_case *a = ctx;

	vf_uapi_args(s, a->op, a->arg);
}

/*
 * A client's struct read back as args is what the runner records for the
 * step line that makes the same call: the trace and the observation agree.
 */
static void assert_args_as_step(enum vf_op op, const void *arg, const char *line)
{
	char text[512];
	struct vf_case *c;
	struct args_case a = { op, (unsigned long)arg };
	char *want;
	json_t *j;

	snprintf(text, sizeof(text), "name t\nabout t\ntags t\niommu TYPE1v2\n%s\n", line);
	c = vf_parse_ok(text);
	j = vf_step_args(c, &c->steps[c->n_steps - 1]);
	/* gN is a topology group, which a struct cannot say: trace2case gets it from the fd */
	json_object_del(j, "group");
	want = json_dumps(j, JSON_COMPACT);
	ck_assert_str_eq(both(emit_args, &a), want);
	free(want);
	json_decref(j);
	vf_case_free(c);
}

START_TEST(args_map_is_the_step)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = 32, .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = 0x7f0000200000, .iova = 0x100000000, .size = 0x200000,
	};

	assert_args_as_step(VF_OP_IOMMU_MAP_DMA, &m, "IOMMU_MAP_DMA argsz=32 iova=0x100000000 "
			    "size=2M vaddr=0x7f0000200000 flags=READ|WRITE");
}
END_TEST

START_TEST(args_unmap_dirty_is_the_step)
{
	struct {
		struct vfio_iommu_type1_dma_unmap u;
		struct vfio_bitmap b;
	} __attribute__((packed)) a = {
		.u = { .argsz = sizeof(a), .flags = VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP,
		       .iova = 0x1000, .size = 0x4000 },
		.b = { .pgsize = 4096, .size = 8 },
	};

	assert_args_as_step(VF_OP_IOMMU_UNMAP_DMA, &a, "IOMMU_UNMAP_DMA argsz=48 iova=0x1000 "
			    "size=0x4000 flags=GET_DIRTY_BITMAP pgsize=4K bitmap_size=8");
}
END_TEST

START_TEST(args_values_and_ioas_are_the_step)
{
	struct iommu_vfio_ioas v = { .size = sizeof(v), .op = IOMMU_VFIO_IOAS_GET, .ioas_id = 0 };
	struct iommu_ioas_map m = {
		.size = sizeof(m), .flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE,
		.ioas_id = 2, .user_va = 0x10000, .length = 0x1000, .iova = 0x200000,
	};
	int32_t fd = 9;

	assert_args_as_step(VF_OP_CHECK_EXTENSION, (void *)(uintptr_t)VFIO_TYPE1v2_IOMMU,
			    "CHECK_EXTENSION ext=TYPE1v2");
	assert_args_as_step(VF_OP_SET_IOMMU, (void *)(uintptr_t)0x77, "SET_IOMMU type=0x77");
	assert_args_as_step(VF_OP_IOMMU_VFIO_IOAS, &v,
			    "IOMMU_VFIO_IOAS op=GET ioas_id=0 size=12");
	assert_args_as_step(VF_OP_IOMMU_IOAS_MAP, &m, "IOMMU_IOAS_MAP ioas_id=2 iova=0x200000 "
			    "size=4K vaddr=0x10000 flags=FIXED_IOVA|READABLE");
	assert_args_as_step(VF_OP_GROUP_SET_CONTAINER, &fd, "GROUP_SET_CONTAINER fd=9");
}
END_TEST

static void emit_result(struct vf_sink *s, const void *ctx)
{
	const int *e = ctx;

	vf_uapi_result(s, e[0], e[1]);
}

START_TEST(result_errno_spellings)
{
	int ok[2] = { 3, 0 }, named[2] = { -1, EINVAL }, unnamed[2] = { -1, 4095 };

	ck_assert_str_eq(both(emit_result, ok), "{\"ret\":3,\"errno\":null}");
	ck_assert_str_eq(both(emit_result, named), "{\"ret\":-1,\"errno\":\"EINVAL\"}");
	ck_assert_str_eq(both(emit_result, unnamed), "{\"ret\":-1,\"errno\":4095}");
}
END_TEST

/* Paths and names go through the text sink as JSON strings; too much text is flagged. */
START_TEST(text_sink_escapes_and_overflows)
{
	char buf[64];
	struct vf_text_sink ts;
	struct vf_sink *t = vf_text_sink_init(&ts, buf, sizeof(buf));

	vf_sink_object(t, NULL);
	vf_sink_str(t, "path", "a\"b\\c\n");
	vf_sink_real(t, "t_ms", 1.5);
	vf_sink_object_end(t);
	ck_assert_str_eq(buf, "{\"path\":\"a\\\"b\\\\c\\u000a\",\"t_ms\":1.500}");
	ck_assert(!ts.overflow);
	t = vf_text_sink_init(&ts, buf, 16);
	vf_sink_object(t, NULL);
	vf_sink_str(t, "path", "/dev/vfio/devices/vfio0");
	vf_sink_object_end(t);
	ck_assert(ts.overflow);
	ck_assert_uint_lt(ts.n, 16);
}
END_TEST

static Suite *uapi_suite(void)
{
	Suite *s = suite_create("uapi");
	TCase *caps = tcase_create("caps");
	TCase *tc = tcase_create("codec");

	tcase_add_test(caps, caps_full_chain);
	tcase_add_test(caps, caps_first_beyond_argsz);
	tcase_add_test(caps, caps_header_straddles_end);
	tcase_add_test(caps, caps_next_beyond_argsz);
	tcase_add_test(caps, caps_body_cut);
	tcase_add_test(caps, caps_self_loop);
	tcase_add_test(caps, caps_loop_backwards);
	tcase_add_test(caps, caps_unknown_id);
	tcase_add_test(caps, caps_nr_iovas_lies);
	tcase_add_test(caps, caps_too_many);
	tcase_add_test(caps, caps_flag_without_offset);
	tcase_add_test(caps, info_short_buffer);
	suite_add_tcase(s, caps);
	tcase_add_test(tc, flag_words);
	tcase_add_test(tc, unmap_written_back);
	tcase_add_test(tc, bitmap_shown_and_counted);
	tcase_add_test(tc, args_map_is_the_step);
	tcase_add_test(tc, args_unmap_dirty_is_the_step);
	tcase_add_test(tc, args_values_and_ioas_are_the_step);
	tcase_add_test(tc, result_errno_spellings);
	tcase_add_test(tc, text_sink_escapes_and_overflows);
	suite_add_tcase(s, tc);
	return s;
}

VF_CHECK_MAIN(uapi_suite)

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The case-file parser: what a valid case turns into (fields, setup
 * synthesis, ranges, expectations) and the exact "file:line: message" of
 * every error, since that message is the only thing a case author sees.
 */
#define _GNU_SOURCE
#include "unit.h"
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <sys/stat.h>
#include <linux/vfio.h>
#include <linux/iommufd.h>
#include "lang/case.h"
#include "lang/names.h"

/* Three header lines: an error in the first step line is at line 4. */
#define HDR "name t.x\nabout a test\ntags parse\n"

static const struct vf_step *real_step(const struct vf_case *c, unsigned i)
{
	ck_assert_uint_lt(c->n_setup + i, c->n_steps);
	return &c->steps[c->n_setup + i];
}

START_TEST(valid_case_fields)
{
	static const char text[] =
		"# a comment line\n"					/* 1 */
		"name    p.valid-1_x\n"					/* 2 */
		"about   a  valid   case   # trailing comment\n"	/* 3 */
		"tags    map atomicity\n"				/* 4 */
		"clients qemu-legacy dpdk\n"				/* 5 */
		"topo    multi\n"					/* 6 */
		"groups  g0 g2\n"					/* 7 */
		"iommu   TYPE1v2\n"					/* 8 */
		"attach  before\n"					/* 9 */
		"buf     a 2M\n"					/* 10 */
		"buf     b_2 4K ro\n"					/* 11 */
		"buf     c 1M unmapped\n"				/* 12 */
		"buf     d 0 bar2\n"					/* 13 */
		"cred    uid=1000\n"					/* 14 */
		"memlock 64M\n"						/* 15 */
		"timeout 3600\n"					/* 16 */
		"\n"							/* 17 */
		"IOMMU_MAP_DMA iova=0x10000000 size=1M vaddr=a+1M flags=READ\r\n" /* 18 */
		"expect[type1] errno=EINVAL ret=-1\n";			/* 19 */
	struct vf_case *c = vf_parse_ok(text);
	const struct vf_step *s;

	ck_assert_str_eq(c->path, "t.case");
	ck_assert_str_eq(c->name, "p.valid-1_x");
	/* the rest of the line verbatim, minus the comment and trailing blanks */
	ck_assert_str_eq(c->about, "a  valid   case");
	ck_assert_uint_eq(c->n_tags, 2);
	ck_assert_str_eq(c->tags[0], "map");
	ck_assert_str_eq(c->tags[1], "atomicity");
	ck_assert_uint_eq(c->n_clients, 2);
	ck_assert_str_eq(c->clients[1], "dpdk");
	ck_assert_int_eq(c->topo, VF_TOPO_MULTI);
	ck_assert_uint_eq(c->n_groups, 2);
	ck_assert_uint_eq(c->groups[0], 0);
	ck_assert_uint_eq(c->groups[1], 2);
	ck_assert(c->has_iommu);
	ck_assert_uint_eq(c->iommu, VFIO_TYPE1v2_IOMMU);
	ck_assert_int_eq(c->attach, VF_ATTACH_BEFORE);
	ck_assert_uint_eq(c->n_bufs, 4);
	ck_assert_str_eq(c->bufs[0].name, "a");
	ck_assert_uint_eq(c->bufs[0].size, 2u << 20);
	ck_assert_int_eq(c->bufs[0].kind, VF_BUF_ANON);
	ck_assert_uint_eq(c->bufs[0].line, 10);
	ck_assert_str_eq(c->bufs[1].name, "b_2");
	ck_assert_int_eq(c->bufs[1].kind, VF_BUF_RO);
	ck_assert_int_eq(c->bufs[2].kind, VF_BUF_UNMAPPED);
	ck_assert_int_eq(c->bufs[3].kind, VF_BUF_BAR);
	ck_assert_uint_eq(c->bufs[3].bar, 2);
	ck_assert_uint_eq(c->bufs[3].size, 0);	/* a BAR may be taken whole */
	ck_assert_int_eq(c->cred, VF_CRED_UID);
	ck_assert_uint_eq(c->uid, 1000);
	ck_assert(c->has_memlock);
	ck_assert_uint_eq(c->memlock, 64u << 20);
	ck_assert_uint_eq(c->timeout, 3600);

	ck_assert_uint_eq(c->n_setup, 3);
	ck_assert_uint_eq(c->n_steps, 4);
	s = real_step(c, 0);
	ck_assert_int_eq(s->op, VF_OP_IOMMU_MAP_DMA);
	ck_assert_uint_eq(s->line, 18);
	ck_assert(!s->setup);
	ck_assert_uint_eq(s->present, (1u << VF_F_IOVA) | (1u << VF_F_SIZE) |
			  (1u << VF_F_VADDR) | (1u << VF_F_FLAGS));
	ck_assert_uint_eq(s->val[VF_F_IOVA], 0x10000000);
	ck_assert_uint_eq(s->val[VF_F_SIZE], 1u << 20);
	ck_assert_int_eq(s->vaddr_buf, 0);
	ck_assert_uint_eq(s->val[VF_F_VADDR], 1u << 20);	/* the offset into a */
	ck_assert_uint_eq(s->val[VF_F_FLAGS], VFIO_DMA_MAP_FLAG_READ);
	ck_assert_uint_eq(s->n_expects, 2);
	ck_assert_str_eq(s->expects[0].scope, "type1");
	ck_assert_str_eq(s->expects[0].key, "errno");
	ck_assert_str_eq(s->expects[0].value, "EINVAL");
	ck_assert_uint_eq(s->expects[0].line, 19);
	ck_assert_str_eq(s->expects[1].key, "ret");
	ck_assert_str_eq(s->expects[1].value, "-1");
	vf_case_free(c);
}
END_TEST

/* Defaults when the header says nothing. */
START_TEST(header_defaults)
{
	struct vf_case *c = vf_parse_ok(HDR "GET_API_VERSION\n");

	ck_assert_int_eq(c->topo, VF_TOPO_VTD);
	ck_assert_uint_eq(c->n_groups, 1);
	ck_assert_uint_eq(c->groups[0], 0);
	ck_assert(!c->has_iommu);
	ck_assert_int_eq(c->attach, VF_ATTACH_BEFORE);
	ck_assert_int_eq(c->cred, VF_CRED_ROOT);
	ck_assert(!c->has_memlock);
	ck_assert_uint_eq(c->timeout, 10);
	ck_assert_uint_eq(c->n_clients, 0);
	/* groups g0 attached by default; no directive caused it, so line 0 */
	ck_assert_uint_eq(c->n_setup, 1);
	ck_assert_int_eq(c->steps[0].op, VF_OP_GROUP_SET_CONTAINER);
	ck_assert(c->steps[0].setup);
	ck_assert_uint_eq(c->steps[0].line, 0);
	ck_assert_uint_eq(c->steps[0].val[VF_F_GROUP], 0);
	ck_assert_int_eq(c->steps[1].op, VF_OP_GET_API_VERSION);
	ck_assert_uint_eq(c->steps[1].line, 4);
	vf_case_free(c);
}
END_TEST

START_TEST(setup_attach_before)
{
	struct vf_case *c = vf_parse_ok(HDR "groups g1 g0\niommu TYPE1\nattach before\n"
					"GET_API_VERSION\n");

	ck_assert_uint_eq(c->n_setup, 3);
	ck_assert_uint_eq(c->n_steps, 4);
	for (unsigned i = 0; i < 2; i++) {
		ck_assert_int_eq(c->steps[i].op, VF_OP_GROUP_SET_CONTAINER);
		ck_assert(c->steps[i].setup);
		ck_assert_uint_eq(c->steps[i].line, 6);		/* the attach line */
		ck_assert(vf_has(&c->steps[i], VF_F_GROUP));
	}
	/* in the order 'groups' lists them */
	ck_assert_uint_eq(c->steps[0].val[VF_F_GROUP], 1);
	ck_assert_uint_eq(c->steps[1].val[VF_F_GROUP], 0);
	ck_assert_int_eq(c->steps[2].op, VF_OP_SET_IOMMU);
	ck_assert(c->steps[2].setup);
	ck_assert_uint_eq(c->steps[2].line, 5);			/* the iommu line */
	ck_assert_uint_eq(c->steps[2].val[VF_F_TYPE], VFIO_TYPE1_IOMMU);
	ck_assert(vf_has(&c->steps[2], VF_F_TYPE));
	ck_assert(!c->steps[3].setup);
	vf_case_free(c);
}
END_TEST

START_TEST(setup_attach_after)
{
	struct vf_case *c = vf_parse_ok(HDR "attach after\ngroups g0 g1\niommu 0x1234\n"
					"GET_API_VERSION\n");

	ck_assert_uint_eq(c->n_setup, 3);
	ck_assert_int_eq(c->steps[0].op, VF_OP_SET_IOMMU);
	ck_assert_uint_eq(c->steps[0].line, 6);
	ck_assert_uint_eq(c->steps[0].val[VF_F_TYPE], 0x1234);	/* any number */
	ck_assert_int_eq(c->steps[1].op, VF_OP_GROUP_SET_CONTAINER);
	ck_assert_uint_eq(c->steps[1].val[VF_F_GROUP], 0);
	ck_assert_uint_eq(c->steps[1].line, 4);
	ck_assert_int_eq(c->steps[2].op, VF_OP_GROUP_SET_CONTAINER);
	ck_assert_uint_eq(c->steps[2].val[VF_F_GROUP], 1);
	ck_assert_int_eq(c->steps[3].op, VF_OP_GET_API_VERSION);
	vf_case_free(c);
}
END_TEST

START_TEST(setup_iommu_none)
{
	struct vf_case *c = vf_parse_ok(HDR "groups g0 g1\niommu none\nGET_API_VERSION\n");

	ck_assert(!c->has_iommu);
	ck_assert_uint_eq(c->n_setup, 2);
	for (unsigned i = 0; i < c->n_setup; i++) {
		ck_assert_int_eq(c->steps[i].op, VF_OP_GROUP_SET_CONTAINER);
		/* no attach line: the groups line caused them */
		ck_assert_uint_eq(c->steps[i].line, 4);
	}
	vf_case_free(c);
}
END_TEST

START_TEST(setup_attach_none)
{
	struct vf_case *c = vf_parse_ok(HDR "attach none\niommu TYPE1v2\nGET_API_VERSION\n");

	ck_assert_uint_eq(c->n_setup, 1);
	ck_assert_int_eq(c->steps[0].op, VF_OP_SET_IOMMU);
	vf_case_free(c);
}
END_TEST

/* A case with no step at all still gets its setup (from finish()). */
START_TEST(setup_without_steps)
{
	struct vf_case *c = vf_parse_ok(HDR "iommu TYPE1\n");

	ck_assert_uint_eq(c->n_setup, 2);
	ck_assert_uint_eq(c->n_steps, 2);
	vf_case_free(c);
}
END_TEST

START_TEST(range_expands)
{
	struct vf_case *c = vf_parse_ok(HDR "IOMMU_GET_INFO argsz=0..64\n"
					"expect errno=0\n"
					"GET_API_VERSION\n"
					"expect ret=0\n");

	ck_assert_uint_eq(c->n_steps, c->n_setup + 66);
	for (unsigned i = 0; i <= 64; i++) {
		const struct vf_step *s = real_step(c, i);

		ck_assert_int_eq(s->op, VF_OP_IOMMU_GET_INFO);
		ck_assert_uint_eq(s->val[VF_F_ARGSZ], i);
		ck_assert(vf_has(s, VF_F_ARGSZ));
		ck_assert(!s->argsz_auto);
		ck_assert_uint_eq(s->line, 4);
		/* the expect after a range line holds for every expanded step */
		ck_assert_uint_eq(s->n_expects, 1);
		ck_assert_str_eq(s->expects[0].key, "errno");
		ck_assert_uint_eq(s->expects[0].line, 5);
	}
	/* ... and the next line's expect only for that line's step */
	ck_assert_uint_eq(real_step(c, 65)->n_expects, 1);
	ck_assert_str_eq(real_step(c, 65)->expects[0].key, "ret");
	vf_case_free(c);
}
END_TEST

/* A range ending at 2^64-1 must stop there, not wrap around to 0. */
START_TEST(range_top_of_space)
{
	struct vf_case *c = vf_parse_ok(HDR "IOMMU_UNMAP_DMA iova=0xfffffffffffffffd..0-1 "
					"size=4K\n");

	ck_assert_uint_eq(c->n_steps, c->n_setup + 3);
	ck_assert_uint_eq(real_step(c, 0)->val[VF_F_IOVA], UINT64_MAX - 2);
	ck_assert_uint_eq(real_step(c, 2)->val[VF_F_IOVA], UINT64_MAX);
	ck_assert_uint_eq(real_step(c, 2)->val[VF_F_SIZE], 4096);
	vf_case_free(c);
}
END_TEST

START_TEST(range_limits)
{
	struct vf_case *c = vf_parse_ok(HDR "IOMMU_GET_INFO argsz=1..4096\n");

	/* 4096 values is the most one line may expand into */
	ck_assert_uint_eq(c->n_steps, c->n_setup + VF_MAX_EXPANDED);
	ck_assert_uint_eq(real_step(c, VF_MAX_EXPANDED - 1)->val[VF_F_ARGSZ], 4096);
	vf_case_free(c);
	c = vf_parse_ok(HDR "IOMMU_GET_INFO argsz=7..7\n");
	ck_assert_uint_eq(c->n_steps, c->n_setup + 1);
	ck_assert_uint_eq(real_step(c, 0)->val[VF_F_ARGSZ], 7);
	vf_case_free(c);
}
END_TEST

/* Every expanded step owns its raw bytes (freed once each). */
START_TEST(range_copies_raw)
{
	struct vf_case *c = vf_parse_ok(HDR "IOMMU_MAP_DMA raw=0a0b0c iova=0..2\n");
	const struct vf_step *a = real_step(c, 0), *b = real_step(c, 2);

	ck_assert_uint_eq(a->raw_len, 3);
	ck_assert_uint_eq(b->raw_len, 3);
	ck_assert_ptr_ne(a->raw, b->raw);
	ck_assert_mem_eq(a->raw, "\x0a\x0b\x0c", 3);
	ck_assert_mem_eq(b->raw, "\x0a\x0b\x0c", 3);
	ck_assert_uint_eq(a->val[VF_F_RAW], 3);
	vf_case_free(c);
}
END_TEST

START_TEST(expect_scopes)
{
	struct vf_case *c = vf_parse_ok(HDR "IOMMU_UNMAP_DMA iova=0 size=4K\n"
					"expect errno=0 size=4K\n"
					"expect[kernel-compat] errno=ENOENT\n"
					"expect[type1] flags=0x2 canary=intact\n");
	const struct vf_step *s = real_step(c, 0);

	ck_assert_uint_eq(s->n_expects, 5);
	ck_assert_str_eq(s->expects[0].scope, "");
	ck_assert_str_eq(s->expects[1].key, "size");
	ck_assert_str_eq(s->expects[1].value, "4K");	/* kept as text, compared later */
	ck_assert_str_eq(s->expects[2].scope, "kernel-compat");
	ck_assert_str_eq(s->expects[2].value, "ENOENT");
	ck_assert_uint_eq(s->expects[2].line, 6);
	ck_assert_str_eq(s->expects[3].scope, "type1");
	ck_assert_str_eq(s->expects[3].key, "flags");
	ck_assert_str_eq(s->expects[4].key, "canary");
	ck_assert_str_eq(s->expects[4].value, "intact");
	vf_case_free(c);
}
END_TEST

START_TEST(group_ops_default_group)
{
	struct vf_case *c = vf_parse_ok(HDR "groups g2 g1\n"
					"GROUP_GET_STATUS\n"
					"GROUP_UNSET_CONTAINER group=g1\n"
					"GROUP_GET_DEVICE_FD device=1\n"
					"GROUP_SET_CONTAINER fd=-1\n");

	for (unsigned i = 0; i < 4; i++)
		ck_assert(vf_has(real_step(c, i), VF_F_GROUP));
	/* the first group 'groups' names, not g0 */
	ck_assert_uint_eq(real_step(c, 0)->val[VF_F_GROUP], 2);
	ck_assert_uint_eq(real_step(c, 1)->val[VF_F_GROUP], 1);
	ck_assert_uint_eq(real_step(c, 2)->val[VF_F_GROUP], 2);
	ck_assert_uint_eq(real_step(c, 2)->val[VF_F_DEVICE], 1);
	ck_assert_uint_eq(real_step(c, 3)->val[VF_F_FD], UINT64_MAX);	/* -1 */
	vf_case_free(c);
}
END_TEST

START_TEST(vaddr_forms)
{
	struct vf_case *c = vf_parse_ok(HDR "buf a 1M\nbuf b 1M\n"
					"IOMMU_MAP_DMA vaddr=b\n"
					"IOMMU_MAP_DMA vaddr=a-4K\n"
					"IOMMU_MAP_DMA vaddr=0x7f0000001000\n"
					"IOMMU_MAP_DMA vaddr=b+1M+4K-1\n");

	ck_assert_int_eq(real_step(c, 0)->vaddr_buf, 1);
	ck_assert_uint_eq(real_step(c, 0)->val[VF_F_VADDR], 0);
	ck_assert_int_eq(real_step(c, 1)->vaddr_buf, 0);
	ck_assert_uint_eq(real_step(c, 1)->val[VF_F_VADDR], (uint64_t)-4096);
	ck_assert_int_eq(real_step(c, 2)->vaddr_buf, -1);
	ck_assert_uint_eq(real_step(c, 2)->val[VF_F_VADDR], 0x7f0000001000);
	ck_assert_uint_eq(real_step(c, 3)->val[VF_F_VADDR], (1u << 20) + 4095);
	vf_case_free(c);
}
END_TEST

/* A long offset expression must be parsed whole, never cut to a smaller sum. */
START_TEST(vaddr_long_offset)
{
	char text[600];
	size_t n = snprintf(text, sizeof(text), HDR "buf a 1M\nIOMMU_MAP_DMA vaddr=a");
	struct vf_case *c;

	for (int i = 0; i < 50; i++)
		n += snprintf(text + n, sizeof(text) - n, "+1");
	snprintf(text + n, sizeof(text) - n, "\n");
	c = vf_parse_ok(text);
	ck_assert_uint_eq(real_step(c, 0)->val[VF_F_VADDR], 50);
	vf_case_free(c);
}
END_TEST

START_TEST(mapped_limits)
{
	struct vf_case *c = vf_parse_ok(HDR "MAPPED iova=0 size=1\n"
					"MAPPED iova=0xfffffffffffff000 size=64M\n");

	ck_assert_uint_eq(real_step(c, 1)->val[VF_F_SIZE], 64u << 20);
	vf_case_free(c);
}
END_TEST

/* A range on MAPPED's size is checked value by value, like a plain size. */
START_TEST(mapped_size_range)
{
	struct vf_case *c = vf_parse_ok(HDR "MAPPED iova=0 size=4K..4K+2\n");

	ck_assert_uint_eq(c->n_steps, c->n_setup + 3);
	ck_assert_uint_eq(real_step(c, 2)->val[VF_F_SIZE], 4098);
	vf_case_free(c);
	c = vf_parse_ok(HDR "MAPPED iova=0 size=64M-1..64M\n");
	ck_assert_uint_eq(c->n_steps, c->n_setup + 2);
	vf_case_free(c);
}
END_TEST

START_TEST(argsz_auto)
{
	struct vf_case *c = vf_parse_ok(HDR "IOMMU_GET_INFO argsz=auto\nIOMMU_GET_INFO\n");

	ck_assert(real_step(c, 0)->argsz_auto);
	ck_assert(vf_has(real_step(c, 0), VF_F_ARGSZ));
	ck_assert(!real_step(c, 1)->argsz_auto);
	ck_assert(!vf_has(real_step(c, 1), VF_F_ARGSZ));
	vf_case_free(c);
}
END_TEST

START_TEST(symbolic_values)
{
	struct vf_case *c = vf_parse_ok(HDR "CHECK_EXTENSION ext=UPDATE_VADDR\n"
					"CHECK_EXTENSION ext=0x10+1\n"
					"IOMMU_UNMAP_DMA flags=ALL|VADDR\n"
					"IOMMU_DIRTY_PAGES flags=START|GET_BITMAP\n"
					"IOMMU_VFIO_IOAS op=CLEAR ioas_id=0-1\n"
					"IOMMU_VFIO_IOAS op=7\n");

	ck_assert_uint_eq(real_step(c, 0)->val[VF_F_EXT], VFIO_UPDATE_VADDR);
	ck_assert_uint_eq(real_step(c, 1)->val[VF_F_EXT], 0x11);
	ck_assert_uint_eq(real_step(c, 2)->val[VF_F_FLAGS],
			  VFIO_DMA_UNMAP_FLAG_ALL | VFIO_DMA_UNMAP_FLAG_VADDR);
	/* each op reads flags from its own table */
	ck_assert_uint_eq(real_step(c, 3)->val[VF_F_FLAGS], VFIO_IOMMU_DIRTY_PAGES_FLAG_START |
			  VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP);
	ck_assert_uint_eq(real_step(c, 4)->val[VF_F_OP], IOMMU_VFIO_IOAS_CLEAR);
	ck_assert_uint_eq(real_step(c, 4)->val[VF_F_IOAS_ID], UINT64_MAX);
	ck_assert_uint_eq(real_step(c, 5)->val[VF_F_OP], 7);
	vf_case_free(c);
}
END_TEST

START_TEST(cred_and_memlock_forms)
{
	struct vf_case *c = vf_parse_ok(HDR "cred nocap\nmemlock unlimited\n");

	ck_assert_int_eq(c->cred, VF_CRED_NOCAP);
	ck_assert(c->has_memlock);
	ck_assert_uint_eq(c->memlock, UINT64_MAX);
	vf_case_free(c);
	c = vf_parse_ok(HDR "cred uid=4294967294\nmemlock 0\ntimeout 1\n");
	ck_assert_int_eq(c->cred, VF_CRED_UID);
	ck_assert_uint_eq(c->uid, 4294967294u);
	ck_assert(c->has_memlock);
	ck_assert_uint_eq(c->memlock, 0);
	ck_assert_uint_eq(c->timeout, 1);
	vf_case_free(c);
	c = vf_parse_ok(HDR "cred root\n");
	ck_assert_int_eq(c->cred, VF_CRED_ROOT);
	vf_case_free(c);
}
END_TEST

/* Exactly 4095 characters is the longest line. */
START_TEST(longest_line)
{
	char *text = malloc(4200);
	size_t n = snprintf(text, 4200, HDR "#");
	struct vf_case *c;

	memset(text + n, 'x', 4094);
	strcpy(text + n + 4094, "\n");
	c = vf_parse_ok(text);
	vf_case_free(c);
	free(text);
}
END_TEST

struct parse_err {
	const char *text;
	const char *msg;
};

static const struct parse_err errors[] = {
	{ HDR "FROB x\n", "t.case:4: unknown keyword or ioctl 'FROB'" },
	{ HDR "VFIO_GET_API_VERSION\n",
	  "t.case:4: unknown keyword or ioctl 'VFIO_GET_API_VERSION'" },
	{ HDR "get_api_version\n", "t.case:4: unknown keyword or ioctl 'get_api_version'" },
	{ HDR "GET_API_VERSION iova=0\n", "t.case:4: GET_API_VERSION takes no field 'iova'" },
	{ HDR "IOMMU_MAP_DMA bogus=1\n", "t.case:4: IOMMU_MAP_DMA takes no field 'bogus'" },
	{ HDR "MAPPED iova=0 size=4K flags=0\n", "t.case:4: MAPPED takes no field 'flags'" },
	{ HDR "IOMMU_MAP_DMA iova\n", "t.case:4: expected key=value, got 'iova'" },
	{ HDR "IOMMU_MAP_DMA iova=0 iova=1\n", "t.case:4: field 'iova' given twice" },
	{ HDR "IOMMU_GET_INFO argsz=0..2 argsz=4\n", "t.case:4: field 'argsz' given twice" },
	{ HDR "name t.y\n", "t.case:4: 'name' given twice" },
	{ HDR "topo vtd\ntopo vtd\n", "t.case:5: 'topo' given twice" },
	{ HDR "GET_API_VERSION\nbuf a 4K\n",
	  "t.case:5: header keyword 'buf' after the first step" },
	{ HDR "GET_API_VERSION\n\n# x\niommu TYPE1\n",
	  "t.case:7: header keyword 'iommu' after the first step" },
	{ "about x\ntags y\n", "t.case:2: missing 'name'" },
	{ "name a\ntags t\n\n", "t.case:3: missing 'about'" },
	{ "name a\nabout b\nGET_API_VERSION\n# end", "t.case:4: missing 'tags'" },
	{ "", "t.case:0: missing 'name'" },
	{ "name Bad\n", "t.case:1: name must be one word of [a-z0-9._-]" },
	{ "name a b\n", "t.case:1: name must be one word of [a-z0-9._-]" },
	{ "name\n", "t.case:1: 'name' needs a value" },
	{ "name a\ntags ok Bad\n", "t.case:2: bad tag 'Bad'" },
	{ HDR "buf a 4K\nbuf a 8K\n", "t.case:5: buffer 'a' declared twice" },
	{ HDR "buf 1a 4K\n", "t.case:4: bad buffer name '1a'" },
	{ HDR "buf a\n", "t.case:4: buf takes NAME SIZE [KIND] [filled]" },
	{ HDR "buf a 4K rw\n",
	  "t.case:4: unknown buffer kind 'rw' (anon, ro, unmapped, huge, bar0..bar5)" },
	{ HDR "buf a 4K bar6\n",
	  "t.case:4: unknown buffer kind 'bar6' (anon, ro, unmapped, huge, bar0..bar5)" },
	{ HDR "buf a 0\n", "t.case:4: buffer size must be between 1 and 1G" },
	{ HDR "buf a 1G+1\n", "t.case:4: buffer size must be between 1 and 1G" },
	{ HDR "buf a 4KK\n", "t.case:4: buffer size: malformed number '4KK'" },
	{ HDR "buf a 4K\nIOMMU_MAP_DMA iova=0 size=4K vaddr=b+4K\n",
	  "t.case:5: unknown buffer in vaddr 'b+4K'" },
	{ HDR "buf ab 4K\nIOMMU_MAP_DMA vaddr=a\n", "t.case:5: unknown buffer in vaddr 'a'" },
	{ HDR "buf a 4K\nIOMMU_MAP_DMA vaddr=a+4X\n", "t.case:5: vaddr: malformed number 'a+4X'" },
	{ HDR "GROUP_GET_STATUS group=g9\n", "t.case:4: bad group 'g9' (expected g0..g3)" },
	{ HDR "GROUP_GET_STATUS group=g4\n", "t.case:4: bad group 'g4' (expected g0..g3)" },
	{ HDR "GROUP_GET_STATUS group=x1\n", "t.case:4: bad group 'x1' (expected g0..g3)" },
	{ HDR "groups g0 g\n", "t.case:4: bad group 'g' (expected g0..g3)" },
	{ HDR "groups g0 g0\n", "t.case:4: group g0 listed twice" },
	{ HDR "groups g0 g1 g2 g3 g0\n", "t.case:4: too many groups" },
	{ HDR "GROUP_GET_STATUS group=g1\n",
	  "t.case:4: group g1 is not opened (add it to 'groups')" },
	{ HDR "expect errno=EINVAL\n", "t.case:4: expect must follow a step" },
	{ HDR "GET_API_VERSION\nexpect errno=EFOO\n", "t.case:5: expect: unknown errno 'EFOO'" },
	{ HDR "GET_API_VERSION\nexpect errno=einval\n",
	  "t.case:5: expect: unknown errno 'einval'" },
	{ HDR "GET_API_VERSION\nexpect errno\n", "t.case:5: expected FIELD=VALUE, got 'errno'" },
	{ HDR "GET_API_VERSION\nexpect errno=\n", "t.case:5: expected FIELD=VALUE, got 'errno='" },
	{ HDR "GET_API_VERSION\nexpect =1\n", "t.case:5: expected FIELD=VALUE, got '=1'" },
	{ HDR "GET_API_VERSION\nexpect\n", "t.case:5: expect needs FIELD=VALUE" },
	{ HDR "GET_API_VERSION\nexpect bogus=1\n", "t.case:5: expect: unknown field 'bogus'" },
	{ HDR "GET_API_VERSION\nexpect ret=x\n", "t.case:5: expect ret: malformed number 'x'" },
	{ HDR "GET_API_VERSION\nexpect[] ret=0\n",
	  "t.case:5: malformed 'expect[]' (expect[SCOPE])" },
	{ HDR "GET_API_VERSION\nexpect[type1 ret=0\n",
	  "t.case:5: malformed 'expect[type1' (expect[SCOPE])" },
	{ HDR "GET_API_VERSION\nexpect[Type1] ret=0\n", "t.case:5: bad expect scope 'Type1'" },
	{ HDR "GET_API_VERSION\nexpected ret=0\n", "t.case:5: unknown keyword 'expected'" },
	{ HDR "GET_API_VERSION\nexpect canary="
	  "0123456789012345678901234567890123456789012345678901234567890123\n",
	  "t.case:5: expect: value too long" },
	{ HDR "IOMMU_MAP_DMA iova=12Q\n", "t.case:4: iova: malformed number '12Q'" },
	{ HDR "IOMMU_MAP_DMA iova=18446744073709551616\n",
	  "t.case:4: iova: malformed number '18446744073709551616'" },
	{ HDR "IOMMU_MAP_DMA iova=\n", "t.case:4: iova: empty number ''" },
	{ HDR "IOMMU_MAP_DMA flags=READ|BOGUS\n", "t.case:4: flags: unknown flag 'READ|BOGUS'" },
	{ HDR "IOMMU_MAP_DMA flags=ALL\n", "t.case:4: flags: unknown flag 'ALL'" },
	{ HDR "IOMMU_MAP_DMA raw=abc\n",
	  "t.case:4: raw: hex bytes need an even number of digits 'abc'" },
	{ HDR "CHECK_EXTENSION ext=TYPE3\n", "t.case:4: ext: malformed number 'TYPE3'" },
	{ HDR "IOMMU_GET_INFO argsz=5..1\n",
	  "t.case:4: range argsz must ascend and hold at most 4096 values" },
	{ HDR "IOMMU_GET_INFO argsz=0..4096\n",
	  "t.case:4: range argsz must ascend and hold at most 4096 values" },
	{ HDR "IOMMU_UNMAP_DMA iova=0..0-1\n",
	  "t.case:4: range iova must ascend and hold at most 4096 values" },
	{ HDR "IOMMU_GET_INFO argsz=0..x\n", "t.case:4: argsz: malformed number in range" },
	{ HDR "IOMMU_MAP_DMA iova=0..1 size=1..2\n", "t.case:4: only one range per line" },
	{ HDR "topo foo\n", "t.case:4: unknown topology 'foo' (vtd, mdev, multi, noiommu)" },
	{ HDR "iommu FOO\n", "t.case:4: unknown iommu type 'FOO'" },
	{ HDR "iommu TYPE1 TYPE1v2\n", "t.case:4: iommu takes one type" },
	{ HDR "attach later\n", "t.case:4: attach takes before, after or none, not 'later'" },
	{ HDR "cred uid=0\n", "t.case:4: cred takes root, nocap, norawio or uid=N (N > 0), not 'uid=0'" },
	{ HDR "cred uid=4294967295\n",
	  "t.case:4: cred takes root, nocap, norawio or uid=N (N > 0), not 'uid=4294967295'" },
	{ HDR "cred uid=\n", "t.case:4: cred takes root, nocap, norawio or uid=N (N > 0), not 'uid='" },
	{ HDR "cred admin\n", "t.case:4: cred takes root, nocap, norawio or uid=N (N > 0), not 'admin'" },
	{ HDR "cred root nocap\n", "t.case:4: cred takes root, nocap, norawio or uid=N" },
	{ HDR "memlock lots\n", "t.case:4: memlock: malformed number 'lots'" },
	{ HDR "memlock 1 2\n", "t.case:4: memlock takes a size or unlimited" },
	{ HDR "memlock\n", "t.case:4: 'memlock' needs a value" },
	{ HDR "timeout 0\n", "t.case:4: timeout takes seconds from 1 to 3600" },
	{ HDR "timeout 3601\n", "t.case:4: timeout takes seconds from 1 to 3600" },
	{ HDR "timeout 1 2\n", "t.case:4: timeout takes seconds from 1 to 3600" },
	{ HDR "timeout 1+1\n", "t.case:4: timeout takes seconds from 1 to 3600" },
	{ HDR "about bell\a\n", "t.case:4: control character in line" },
	{ HDR "GET_API_VERSION # \x1b[0m\n", "t.case:4: control character in line" },
	{ HDR "GET_API_VERSION\rGET_API_VERSION\n", "t.case:4: control character in line" },
	{ HDR "MAPPED iova=0\n", "t.case:4: MAPPED needs iova= and size=" },
	{ HDR "MAPPED size=4K\n", "t.case:4: MAPPED needs iova= and size=" },
	{ HDR "MAPPED iova=0 size=0\n", "t.case:4: MAPPED size must be between 1 and 64M" },
	{ HDR "MAPPED iova=0 size=64M+1\n", "t.case:4: MAPPED size must be between 1 and 64M" },
	{ HDR "MAPPED iova=0 size=0..2\n", "t.case:4: MAPPED size must be between 1 and 64M" },
	{ HDR "MAPPED iova=0 size=64M..64M+1\n",
	  "t.case:4: MAPPED size must be between 1 and 64M" },
	{ HDR "IOMMU_MAP_DMA argsz=auto\n", "t.case:4: argsz=auto is only for IOMMU_GET_INFO" },
	{ HDR "IOMMU_GET_INFO argsz=auto..3\n", "t.case:4: argsz: malformed number in range" },
	{ HDR "GET_API_VERSION a b c d e f g h i j k l m n o p q r s t u v w x y z "
	  "A B C D E F G\n", "t.case:4: too many words (at most 32)" },
	/* raw's bytes are allocated before the error: valgrind checks they are freed */
	{ HDR "IOMMU_MAP_DMA raw=0102 bogus=1\n",
	  "t.case:4: IOMMU_MAP_DMA takes no field 'bogus'" },
	{ HDR "IOMMU_MAP_DMA raw=0102 iova=1..2 size=1..2\n", "t.case:4: only one range per line" },
};

START_TEST(error_messages)
{
	const struct parse_err *t = &errors[_i];
	char err[600] = "";
	struct vf_case *c = vf_case_parse_string("t.case", t->text, err, sizeof(err));

	ck_assert_msg(c == NULL, "accepted: %s", t->text);
	ck_assert_str_eq(err, t->msg);
}
END_TEST

START_TEST(line_too_long)
{
	char *text = malloc(4200);
	size_t n = snprintf(text, 4200, HDR "#");
	char err[600];

	memset(text + n, 'x', 4095);
	strcpy(text + n + 4095, "\nGET_API_VERSION\n");
	ck_assert_ptr_null(vf_case_parse_string("t.case", text, err, sizeof(err)));
	ck_assert_str_eq(err, "t.case:4: line too long (at most 4095 characters)");
	free(text);
}
END_TEST

/* A short error buffer truncates the message, never overflows. */
START_TEST(error_buffer_small)
{
	char err[12];

	memset(err, 'z', sizeof(err));
	ck_assert_ptr_null(vf_case_parse_string("t.case", HDR "FROB\n", err, 8));
	ck_assert_str_eq(err, "t.case:");
	ck_assert_int_eq(err[8], 'z');
}
END_TEST

static char tmpdir[64];

static void make_tmpdir(void)
{
	strcpy(tmpdir, "/tmp/vfconform-test-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void remove_tmpdir(void)
{
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Write len bytes of text to tmpdir/rel, creating directories on the way. */
static void put_file(const char *rel, const char *text, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	for (char *q = path + strlen(tmpdir) + 1; *q; q++) {
		if (*q == '/') {
			*q = 0;
			mkdir(path, 0755);
			*q = '/';
		}
	}
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	fclose(f);
}

#define PUT(rel, lit) put_file(rel, lit, sizeof(lit) - 1)

START_TEST(file_missing)
{
	char err[600];

	ck_assert_ptr_null(vf_case_parse_file("/nonexistent/x.case", err, sizeof(err)));
	ck_assert_str_eq(err, "/nonexistent/x.case: cannot open: No such file or directory");
}
END_TEST

START_TEST(file_nul_byte)
{
	char path[128], err[600], want[200];

	make_tmpdir();
	PUT("nul.case", "name a\nabout b\0c\ntags t\n");
	snprintf(path, sizeof(path), "%s/nul.case", tmpdir);
	ck_assert_ptr_null(vf_case_parse_file(path, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:2: NUL byte in file", path);
	ck_assert_str_eq(err, want);
	remove_tmpdir();
}
END_TEST

START_TEST(file_valid_and_error_path)
{
	char path[128], err[600], want[200];
	struct vf_case *c;

	make_tmpdir();
	PUT("ok.case", "name a.b\r\nabout b\r\ntags t\r\nGET_API_VERSION\r\n");
	snprintf(path, sizeof(path), "%s/ok.case", tmpdir);
	c = vf_case_parse_file(path, err, sizeof(err));
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_str_eq(c->path, path);
	ck_assert_str_eq(c->name, "a.b");		/* CR of CRLF dropped */
	vf_case_free(c);
	/* errors from a file name the file */
	PUT("bad.case", "name a\nabout b\ntags t\nNOPE\n");
	snprintf(path, sizeof(path), "%s/bad.case", tmpdir);
	ck_assert_ptr_null(vf_case_parse_file(path, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:4: unknown keyword or ioctl 'NOPE'", path);
	ck_assert_str_eq(err, want);
	remove_tmpdir();
}
END_TEST

START_TEST(library_duplicate_name)
{
	struct vf_stderr_capture cap;
	struct vf_library lib;
	char *paths[1] = { tmpdir }, *out, want[300];
	int errors;

	make_tmpdir();
	PUT("a/one.case", "name dup\nabout first\ntags t\n");
	PUT("b/two.case", "name dup\nabout second\ntags t\n");
	PUT("c/three.case", "name other\nabout third\ntags t\n");
	vf_stderr_begin(&cap);
	errors = vf_library_load(&lib, paths, 1);
	out = vf_stderr_end(&cap);
	ck_assert_int_eq(errors, 1);
	ck_assert_uint_eq(lib.n, 3);
	/* both files hold the name; which one is reported second is up to qsort */
	snprintf(want, sizeof(want), ":1: case name 'dup' is also used by %s/", tmpdir);
	ck_assert_msg(strstr(out, want) != NULL, "stderr: %s", out);
	ck_assert_uint_eq(vf_count_lines(out), 1);
	free(out);
	vf_library_free(&lib);
	ck_assert_uint_eq(lib.n, 0);
	remove_tmpdir();
}
END_TEST

START_TEST(library_nested_sorted)
{
	struct vf_library lib;
	char *paths[1] = { tmpdir };

	make_tmpdir();
	/* path order is the reverse of name order: the library sorts by name */
	PUT("a/deep/er/z.case", "name zz.last\nabout z\ntags t\n");
	PUT("b/m.case", "name mm.mid\nabout m\ntags t\n");
	PUT("c.case", "name aa.first\nabout a\ntags t\n");
	PUT("b/README", "not a case\n");		/* only *.case below the top */
	PUT("b/.hidden/x.case", "garbage\n");		/* hidden entries are skipped */
	PUT(".git/y.case", "garbage\n");
	ck_assert_int_eq(vf_library_load(&lib, paths, 1), 0);
	ck_assert_uint_eq(lib.n, 3);
	ck_assert_str_eq(lib.cases[0]->name, "aa.first");
	ck_assert_str_eq(lib.cases[1]->name, "mm.mid");
	ck_assert_str_eq(lib.cases[2]->name, "zz.last");
	ck_assert_ptr_nonnull(strstr(lib.cases[2]->path, "/a/deep/er/z.case"));
	vf_library_free(&lib);
	remove_tmpdir();
}
END_TEST

/* Every broken file is reported, not just the first; a named file is taken whatever its name. */
START_TEST(library_counts_errors)
{
	struct vf_stderr_capture cap;
	struct vf_library lib;
	char file[128], *paths[3], missing[128], *out;
	int errors;

	make_tmpdir();
	PUT("d/a.case", "name a\nabout a\ntags t\nFROB\n");
	PUT("d/b.case", "name b\nabout b\n");
	PUT("d/c.case", "name c\nabout c\ntags t\n");
	PUT("named.txt", "name n\nabout n\ntags t\n");	/* not found by the walk */
	snprintf(file, sizeof(file), "%s/named.txt", tmpdir);
	snprintf(missing, sizeof(missing), "%s/nope", tmpdir);
	paths[0] = tmpdir;
	paths[1] = file;
	paths[2] = missing;
	vf_stderr_begin(&cap);
	errors = vf_library_load(&lib, paths, 3);
	out = vf_stderr_end(&cap);
	ck_assert_int_eq(errors, 3);
	ck_assert_ptr_nonnull(strstr(out, "/d/a.case:4: unknown keyword or ioctl 'FROB'\n"));
	ck_assert_ptr_nonnull(strstr(out, "/d/b.case:2: missing 'tags'\n"));
	ck_assert_ptr_nonnull(strstr(out, "/nope: No such file or directory\n"));
	ck_assert_uint_eq(vf_count_lines(out), 3);
	ck_assert_uint_eq(lib.n, 2);
	ck_assert_str_eq(lib.cases[0]->name, "c");
	ck_assert_str_eq(lib.cases[1]->name, "n");
	free(out);
	vf_library_free(&lib);
	remove_tmpdir();
}
END_TEST

/* The library version hashes base names and contents, not where the library lives. */
START_TEST(library_hash)
{
	struct vf_library a, b, c;
	char *paths[1] = { tmpdir };
	char first[64];

	make_tmpdir();
	PUT("x/one.case", "name one\nabout a\ntags t\n");
	ck_assert_int_eq(vf_library_load(&a, paths, 1), 0);
	strcpy(first, tmpdir);
	make_tmpdir();
	PUT("y/one.case", "name one\nabout a\ntags t\n");
	ck_assert_int_eq(vf_library_load(&b, paths, 1), 0);
	ck_assert_uint_eq(a.hash, b.hash);
	PUT("y/one.case", "name one\nabout b\ntags t\n");
	ck_assert_int_eq(vf_library_load(&c, paths, 1), 0);
	ck_assert_uint_ne(a.hash, c.hash);
	vf_library_free(&a);
	vf_library_free(&b);
	vf_library_free(&c);
	remove_tmpdir();
	strcpy(tmpdir, first);
	remove_tmpdir();
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *parser_suite(void)
{
	Suite *s = suite_create("parser");
	TCase *tc = tcase_create("parse");
	TCase *te = tcase_create("errors");
	TCase *tf = tcase_create("files");

	tcase_add_test(tc, valid_case_fields);
	tcase_add_test(tc, header_defaults);
	tcase_add_test(tc, setup_attach_before);
	tcase_add_test(tc, setup_attach_after);
	tcase_add_test(tc, setup_iommu_none);
	tcase_add_test(tc, setup_attach_none);
	tcase_add_test(tc, setup_without_steps);
	tcase_add_test(tc, range_expands);
	tcase_add_test(tc, range_top_of_space);
	tcase_add_test(tc, range_limits);
	tcase_add_test(tc, range_copies_raw);
	tcase_add_test(tc, expect_scopes);
	tcase_add_test(tc, group_ops_default_group);
	tcase_add_test(tc, vaddr_forms);
	tcase_add_test(tc, vaddr_long_offset);
	tcase_add_test(tc, mapped_limits);
	tcase_add_test(tc, mapped_size_range);
	tcase_add_test(tc, argsz_auto);
	tcase_add_test(tc, symbolic_values);
	tcase_add_test(tc, cred_and_memlock_forms);
	tcase_add_test(tc, longest_line);
	suite_add_tcase(s, tc);
	tcase_add_loop_test(te, error_messages, 0, N(errors));
	tcase_add_test(te, line_too_long);
	tcase_add_test(te, error_buffer_small);
	suite_add_tcase(s, te);
	tcase_add_test(tf, file_missing);
	tcase_add_test(tf, file_nul_byte);
	tcase_add_test(tf, file_valid_and_error_path);
	tcase_add_test(tf, library_duplicate_name);
	tcase_add_test(tf, library_nested_sorted);
	tcase_add_test(tf, library_counts_errors);
	tcase_add_test(tf, library_hash);
	suite_add_tcase(s, tf);
	return s;
}

VF_CHECK_MAIN(parser_suite)

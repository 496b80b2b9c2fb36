// SPDX-License-Identifier: GPL-2.0-only
/*
 * Values of the case language: number terms, sums, flags and hex bytes.
 * The edges matter most here: a value that silently wraps or truncates
 * would turn a case into a different scenario without anyone noticing.
 */
#define _GNU_SOURCE
#include "unit.h"
#include <stdint.h>
#include <linux/vfio.h>
#include "lang/names.h"
#include "lang/value.h"

struct num_ok {
	const char *text;
	uint64_t value;
};

static const struct num_ok terms_ok[] = {
	{ "0", 0 },
	{ "42", 42 },
	{ "007", 7 },				/* leading zeros are decimal, not octal */
	{ "0x0", 0 },
	{ "0xff", 0xff },
	{ "0XFF", 0xff },
	{ "0xAbC", 0xabc },
	{ "1K", 1024 },
	{ "1M", 1ull << 20 },
	{ "1G", 1ull << 30 },
	{ "1T", 1ull << 40 },
	{ "0x10K", 16 << 10 },			/* the suffix applies to hex too */
	{ "0K", 0 },
	{ "18446744073709551615", UINT64_MAX },
	{ "0xffffffffffffffff", UINT64_MAX },
	{ "0x00000000000000000001", 1 },	/* long, but the value fits */
	{ "16777215T", ((1ull << 24) - 1) << 40 },	/* largest T that fits */
	{ "17179869183G", ((1ull << 34) - 1) << 30 },
};

START_TEST(term_accepts)
{
	const struct num_ok *t = &terms_ok[_i];
	uint64_t v = 0xdeadbeef;

	ck_assert_msg(vf_parse_term(t->text, &v), "'%s' rejected", t->text);
	ck_assert_msg(v == t->value, "'%s' gave 0x%llx, want 0x%llx", t->text,
		      (unsigned long long)v, (unsigned long long)t->value);
}
END_TEST

static const char *const terms_bad[] = {
	"",
	"18446744073709551616",		/* 2^64 */
	"99999999999999999999",
	"0x10000000000000000",		/* 2^64 in hex */
	"16777216T",			/* 2^64 through the suffix */
	"17179869184G",
	"5X",
	"4KK",
	"1k",				/* suffixes are upper case only */
	"K",
	"0x",
	"0xg",
	"x1",
	"-1",
	"+1",
	" 1",
	"1 ",
	"1.5",
	"0b1",
	"1+1",				/* a term is not a sum */
};

START_TEST(term_rejects)
{
	uint64_t v = 0;

	ck_assert_msg(!vf_parse_term(terms_bad[_i], &v), "'%s' accepted as 0x%llx",
		      terms_bad[_i], (unsigned long long)v);
}
END_TEST

static const struct num_ok numbers_ok[] = {
	{ "1+2", 3 },
	{ "0x100000000-4K", 0xfffff000 },
	{ "0-1", UINT64_MAX },			/* modulo 2^64, on purpose */
	{ "0-0x1000", 0xfffffffffffff000 },
	{ "18446744073709551615+1", 0 },
	{ "0xffffffffffffffff+0xffffffffffffffff", UINT64_MAX - 1 },
	{ "1M+4K-1", 0x100fff },
	{ "1-2+3", 2 },				/* left to right, not 1-(2+3) */
	{ "10-10", 0 },
	{ "18446744073709551615", UINT64_MAX },
	/* a term of 63 characters is the longest the parser copies */
	{ "000000000000000000000000000000000000000000000000000000000000001", 1 },
};

START_TEST(number_accepts)
{
	const struct num_ok *t = &numbers_ok[_i];
	uint64_t v = 0xdeadbeef;
	const char *e = vf_parse_number(t->text, &v);

	ck_assert_msg(!e, "'%s' rejected: %s", t->text, e);
	ck_assert_msg(v == t->value, "'%s' gave 0x%llx, want 0x%llx", t->text,
		      (unsigned long long)v, (unsigned long long)t->value);
}
END_TEST

struct num_bad {
	const char *text;
	const char *msg;
};

static const struct num_bad numbers_bad[] = {
	{ "", "empty number" },
	{ "1+", "malformed number" },
	{ "1-", "malformed number" },
	{ "+1", "malformed number" },
	{ "-1", "malformed number" },
	{ "1++2", "malformed number" },
	{ "1+-2", "malformed number" },
	{ "5X", "malformed number" },
	{ "4KK", "malformed number" },
	{ "1+4KK", "malformed number" },
	{ "18446744073709551616", "malformed number" },
	{ "0x10000000000000000", "malformed number" },
	{ "1+18446744073709551616", "malformed number" },
	{ "0..5", "malformed number" },
	/* 64 characters: too long to be a term, even though the value is 1 */
	{ "0000000000000000000000000000000000000000000000000000000000000001",
	  "malformed number" },
};

START_TEST(number_rejects)
{
	const struct num_bad *t = &numbers_bad[_i];
	uint64_t v = 0x1234;
	const char *e = vf_parse_number(t->text, &v);

	ck_assert_msg(e != NULL, "'%s' accepted as 0x%llx", t->text, (unsigned long long)v);
	ck_assert_str_eq(e, t->msg);
	/* a failed parse must not leave half a sum behind */
	ck_assert_uint_eq(v, 0x1234);
}
END_TEST

START_TEST(flags_accepts)
{
	uint64_t v = 0;

	ck_assert_ptr_null(vf_parse_flags("READ|WRITE", vf_map_flag_names, &v));
	ck_assert_uint_eq(v, VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);
	ck_assert_ptr_null(vf_parse_flags("READ|0x80", vf_map_flag_names, &v));
	ck_assert_uint_eq(v, VFIO_DMA_MAP_FLAG_READ | 0x80);
	ck_assert_ptr_null(vf_parse_flags("WRITE", vf_map_flag_names, &v));
	ck_assert_uint_eq(v, VFIO_DMA_MAP_FLAG_WRITE);
	ck_assert_ptr_null(vf_parse_flags("VADDR", vf_map_flag_names, &v));
	ck_assert_uint_eq(v, VFIO_DMA_MAP_FLAG_VADDR);
	ck_assert_ptr_null(vf_parse_flags("0", vf_map_flag_names, &v));
	ck_assert_uint_eq(v, 0);
	ck_assert_ptr_null(vf_parse_flags("READ|READ", vf_map_flag_names, &v));
	ck_assert_uint_eq(v, VFIO_DMA_MAP_FLAG_READ);
	ck_assert_ptr_null(vf_parse_flags("0xffffffffffffffff", vf_map_flag_names, &v));
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_ptr_null(vf_parse_flags("1K", vf_map_flag_names, &v));
	ck_assert_uint_eq(v, 1024);
	/* the table decides: ALL is an UNMAP flag */
	ck_assert_ptr_null(vf_parse_flags("ALL|VADDR", vf_unmap_flag_names, &v));
	ck_assert_uint_eq(v, VFIO_DMA_UNMAP_FLAG_ALL | VFIO_DMA_UNMAP_FLAG_VADDR);
	ck_assert_ptr_null(vf_parse_flags("GET_BITMAP", vf_dirty_flag_names, &v));
	ck_assert_uint_eq(v, VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP);
}
END_TEST

static const struct num_bad flags_bad[] = {
	{ "", "empty flags" },
	{ "BOGUS", "unknown flag" },
	{ "read", "unknown flag" },		/* names are case sensitive */
	{ "ALL", "unknown flag" },		/* not a MAP flag */
	{ "READ|BOGUS", "unknown flag" },
	{ "READ|0x80+1", "unknown flag" },	/* terms, not sums */
	{ "READ||WRITE", "malformed flags" },
	{ "READ|", "malformed flags" },
	{ "|READ", "malformed flags" },
	{ "|", "malformed flags" },
	{ "READ|AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	  "malformed flags" },			/* a 64-character word */
};

START_TEST(flags_rejects)
{
	const struct num_bad *t = &flags_bad[_i];
	uint64_t v = 0x1234;
	const char *e = vf_parse_flags(t->text, vf_map_flag_names, &v);

	ck_assert_msg(e != NULL, "'%s' accepted as 0x%llx", t->text, (unsigned long long)v);
	ck_assert_str_eq(e, t->msg);
	ck_assert_uint_eq(v, 0x1234);
}
END_TEST

START_TEST(hex_accepts)
{
	static const uint8_t want[] = { 0x00, 0xff, 0x10, 0xab, 0xcd };
	uint8_t *b = NULL;
	size_t len = 0;

	ck_assert_ptr_null(vf_parse_hex("00ff10ABcd", &b, &len, 16));
	ck_assert_uint_eq(len, sizeof(want));
	ck_assert_mem_eq(b, want, sizeof(want));
	free(b);
}
END_TEST

/* Exactly max bytes is allowed, one more is not. */
START_TEST(hex_max_length)
{
	uint8_t *b = NULL;
	size_t len = 0;

	ck_assert_ptr_null(vf_parse_hex("01020304", &b, &len, 4));
	ck_assert_uint_eq(len, 4);
	ck_assert_uint_eq(b[3], 4);
	free(b);
	b = NULL;
	ck_assert_str_eq(vf_parse_hex("0102030405", &b, &len, 4), "too many raw bytes");
	ck_assert_ptr_null(b);
	ck_assert_str_eq(vf_parse_hex("00", &b, &len, 0), "too many raw bytes");
	ck_assert_ptr_null(b);
}
END_TEST

static const struct num_bad hex_bad[] = {
	{ "", "hex bytes need an even number of digits" },
	{ "a", "hex bytes need an even number of digits" },
	{ "abc", "hex bytes need an even number of digits" },
	{ "0g", "malformed hex bytes" },
	{ "zz", "malformed hex bytes" },
	{ "00x1", "malformed hex bytes" },
	{ "+1", "malformed hex bytes" },	/* strtoul alone would take the sign */
	{ " 1", "malformed hex bytes" },
	{ "0x", "malformed hex bytes" },
};

START_TEST(hex_rejects)
{
	const struct num_bad *t = &hex_bad[_i];
	uint8_t *b = NULL;
	size_t len = 77;
	const char *e = vf_parse_hex(t->text, &b, &len, 64);

	ck_assert_msg(e != NULL, "'%s' accepted", t->text);
	ck_assert_str_eq(e, t->msg);
	ck_assert_ptr_null(b);
	ck_assert_uint_eq(len, 77);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *value_suite(void)
{
	Suite *s = suite_create("value");
	TCase *tc = tcase_create("value");

	tcase_add_loop_test(tc, term_accepts, 0, N(terms_ok));
	tcase_add_loop_test(tc, term_rejects, 0, N(terms_bad));
	tcase_add_loop_test(tc, number_accepts, 0, N(numbers_ok));
	tcase_add_loop_test(tc, number_rejects, 0, N(numbers_bad));
	tcase_add_test(tc, flags_accepts);
	tcase_add_loop_test(tc, flags_rejects, 0, N(flags_bad));
	tcase_add_test(tc, hex_accepts);
	tcase_add_test(tc, hex_max_length);
	tcase_add_loop_test(tc, hex_rejects, 0, N(hex_bad));
	suite_add_tcase(s, tc);
	return s;
}

VF_CHECK_MAIN(value_suite)

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The sim's interval set: disjoint closed intervals over all of 2^64. The
 * edges are the point: an interval at 0, one ending at UINT64_MAX (whose
 * "end + 1" is 0), the whole space, and adjacency versus overlap.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "sim_test.h"
#include "../sim/itree.h"
#include "../sim/u64map.h"

static struct itree_node *node(uint64_t first, uint64_t last)
{
	struct itree_node *n = calloc(1, sizeof(*n));

	n->first = first;
	n->last = last;
	return n;
}

static void drain(struct itree *t)
{
	struct itree_node *n;

	while ((n = itree_min(t))) {
		itree_remove(t, n);
		free(n);
	}
	ck_assert_uint_eq(t->count, 0);
}

/*
 * vfio_link_dma() links a mapping while its size is 0: ordered by first, a
 * duplicate linked before the one it equals, nothing refused (found by
 * fuzz_sim_ioctl: itree_insert_unchecked() dropped the duplicate of a mapping
 * ending at 2^64 that type1 accepts, and it leaked).
 */
START_TEST(vfio_order)
{
	struct itree t;
	struct itree_node *a = node(0x1000, 0x1fff), *b = node(0x10000, 0x10fff);
	struct itree_node *top = node(UINT64_MAX - 0x1fff, UINT64_MAX);
	struct itree_node *dup = node(UINT64_MAX - 0x1fff, UINT64_MAX), *c = node(0x5000, 0x5fff);
	struct itree_node *want[] = { a, c, b, dup, top };
	unsigned n = 0;

	itree_init(&t);
	itree_insert_vfio(&t, b);
	itree_insert_vfio(&t, a);
	itree_insert_vfio(&t, top);
	itree_insert_vfio(&t, dup);
	itree_insert_vfio(&t, c);
	ck_assert_uint_eq(t.count, 5);
	for (struct itree_node *i = itree_min(&t); i; i = itree_next(i, 0, UINT64_MAX))
		ck_assert_ptr_eq(i, want[n++]);
	ck_assert_uint_eq(n, 5);	/* every node reachable: nothing leaks */
	drain(&t);
}
END_TEST

START_TEST(empty)
{
	struct itree t;

	itree_init(&t);
	ck_assert_ptr_null(itree_first(&t, 0, UINT64_MAX));
	ck_assert_ptr_null(itree_find(&t, 0));
	ck_assert_ptr_null(itree_min(&t));
}
END_TEST

START_TEST(at_zero)
{
	struct itree t;
	struct itree_node *a = node(0, 0), *b = node(1, 4095);

	itree_init(&t);
	ck_assert(itree_insert(&t, a));
	ck_assert(itree_insert(&t, b));			/* adjacent is fine */
	ck_assert_ptr_eq(itree_find(&t, 0), a);
	ck_assert_ptr_eq(itree_find(&t, 1), b);
	ck_assert_ptr_eq(itree_first(&t, 0, UINT64_MAX), a);
	ck_assert_ptr_eq(itree_next(a, 0, UINT64_MAX), b);
	ck_assert_ptr_null(itree_next(b, 0, UINT64_MAX));
	ck_assert_ptr_null(itree_find(&t, 4096));
	drain(&t);
}
END_TEST

START_TEST(at_top)
{
	struct itree t;
	struct itree_node *a = node(UINT64_MAX - 4095, UINT64_MAX - 1);
	struct itree_node *b = node(UINT64_MAX, UINT64_MAX);
	struct itree_node *c = node(UINT64_MAX - 1, UINT64_MAX);

	itree_init(&t);
	ck_assert(itree_insert(&t, a));
	ck_assert(itree_insert(&t, b));
	ck_assert(!itree_insert(&t, c));		/* meets both */
	free(c);
	ck_assert_ptr_eq(itree_find(&t, UINT64_MAX), b);
	ck_assert_ptr_eq(itree_first(&t, UINT64_MAX - 1, UINT64_MAX), a);
	ck_assert_ptr_eq(itree_next(a, UINT64_MAX - 1, UINT64_MAX), b);
	ck_assert_ptr_null(itree_first(&t, 0, UINT64_MAX - 4096));
	drain(&t);
}
END_TEST

START_TEST(whole_space)
{
	struct itree t;
	struct itree_node *all = node(0, UINT64_MAX), *x = node(5, 5);

	itree_init(&t);
	ck_assert(itree_insert(&t, all));
	ck_assert(!itree_insert(&t, x));
	x->first = x->last = UINT64_MAX;
	ck_assert(!itree_insert(&t, x));
	free(x);
	ck_assert_ptr_eq(itree_find(&t, 0x123456789), all);
	ck_assert_ptr_eq(itree_first(&t, UINT64_MAX, UINT64_MAX), all);
	drain(&t);
}
END_TEST

START_TEST(bad_ranges)
{
	struct itree t;
	struct itree_node *n = node(10, 9);

	itree_init(&t);
	ck_assert(!itree_insert(&t, n));		/* first > last */
	free(n);
	n = node(0, 10);
	ck_assert(itree_insert(&t, n));
	ck_assert_ptr_null(itree_first(&t, 5, 4));	/* an empty query */
	drain(&t);
}
END_TEST

START_TEST(overlap_kinds)
{
	struct itree t;
	struct itree_node *a = node(0x1000, 0x1fff), *x;
	const uint64_t probes[][2] = {
		{ 0x0, 0x1000 }, { 0x1fff, 0x2000 }, { 0x1800, 0x1800 }, { 0x0, UINT64_MAX },
	};

	itree_init(&t);
	ck_assert(itree_insert(&t, a));
	for (unsigned i = 0; i < 4; i++) {
		ck_assert_ptr_eq(itree_first(&t, probes[i][0], probes[i][1]), a);
		x = node(probes[i][0], probes[i][1]);
		ck_assert(!itree_insert(&t, x));
		free(x);
	}
	ck_assert_ptr_null(itree_first(&t, 0, 0xfff));
	ck_assert_ptr_null(itree_first(&t, 0x2000, UINT64_MAX));
	drain(&t);
}
END_TEST

/* Against a brute-force model: random disjoint pages, random queries. */
START_TEST(random_model)
{
	enum { N = 2000, SLOTS = 4096 };
	static bool used[SLOTS];
	struct itree t;

	srand(42);
	memset(used, 0, sizeof(used));
	itree_init(&t);
	for (int i = 0; i < N; i++) {
		unsigned s = rand() % SLOTS;
		struct itree_node *n = node((uint64_t)s << 12, ((uint64_t)s << 12) + 0xfff);

		ck_assert(itree_insert(&t, n) == !used[s]);
		if (used[s])
			free(n);
		used[s] = true;
	}
	for (int q = 0; q < 2000; q++) {
		unsigned a = rand() % SLOTS, b = a + rand() % 64, want = SLOTS;
		struct itree_node *n;

		for (unsigned s = a; s <= b && s < SLOTS; s++) {
			if (used[s]) {
				want = s;
				break;
			}
		}
		n = itree_first(&t, (uint64_t)a << 12, ((uint64_t)b << 12) + 0xfff);
		if (want == SLOTS)
			ck_assert_ptr_null(n);
		else
			ck_assert_uint_eq(n->first, (uint64_t)want << 12);
	}
	drain(&t);
}
END_TEST

START_TEST(map_edges)
{
	struct u64map m;
	int a, b, c;

	u64map_init(&m);
	ck_assert_ptr_null(u64map_get(&m, 0));
	u64map_del(&m, 5);				/* empty: nothing happens */
	ck_assert(u64map_put(&m, 0, &a));
	ck_assert(u64map_put(&m, UINT64_MAX, &b));
	ck_assert(u64map_put(&m, UINT64_MAX - 4095, &c));
	ck_assert_ptr_eq(u64map_get(&m, 0), &a);
	ck_assert_ptr_eq(u64map_get(&m, UINT64_MAX), &b);
	ck_assert_ptr_eq(u64map_get(&m, UINT64_MAX - 4095), &c);
	u64map_del(&m, UINT64_MAX);
	ck_assert_ptr_null(u64map_get(&m, UINT64_MAX));
	ck_assert_ptr_eq(u64map_get(&m, UINT64_MAX - 4095), &c);
	u64map_del(&m, 1);				/* absent */
	ck_assert_uint_eq(m.count, 2);
	u64map_free(&m);
}
END_TEST

/* Against a model, with deletes inside probe clusters. */
START_TEST(map_random_model)
{
	enum { KEYS = 5000 };
	static bool in[KEYS];
	static int vals[KEYS];
	struct u64map m;

	srand(3);
	memset(in, 0, sizeof(in));
	u64map_init(&m);
	for (int i = 0; i < 100000; i++) {
		unsigned k = rand() % KEYS;
		uint64_t key = (uint64_t)k << 12;

		if (rand() % 3 && !in[k]) {
			ck_assert(u64map_put(&m, key, &vals[k]));
			in[k] = true;
		} else if (in[k]) {
			u64map_del(&m, key);
			in[k] = false;
		}
		k = rand() % KEYS;
		ck_assert_ptr_eq(u64map_get(&m, (uint64_t)k << 12), in[k] ? &vals[k] : NULL);
	}
	for (unsigned k = 0; k < KEYS; k++)
		ck_assert_ptr_eq(u64map_get(&m, (uint64_t)k << 12), in[k] ? &vals[k] : NULL);
	u64map_free(&m);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sim-itree");
	TCase *tc = tcase_create("itree");

	tcase_add_test(tc, empty);
	tcase_add_test(tc, at_zero);
	tcase_add_test(tc, vfio_order);
	tcase_add_test(tc, at_top);
	tcase_add_test(tc, whole_space);
	tcase_add_test(tc, bad_ranges);
	tcase_add_test(tc, overlap_kinds);
	tcase_add_test(tc, random_model);
	suite_add_tcase(s, tc);
	tc = tcase_create("u64map");
	tcase_add_test(tc, map_edges);
	tcase_add_test(tc, map_random_model);
	suite_add_tcase(s, tc);
	return s;
}

SIM_CHECK_MAIN(suite)

// SPDX-License-Identifier: GPL-2.0-only
/*
 * jansson's allocator: malloc's blocks, kept on per-size free lists.
 *
 * An observation is a few objects and a few dozen values, each its own
 * allocation, all freed together when the case's result is dropped. Built and
 * dropped hundreds of thousands of times (the fuzzer, the in-process library),
 * that pattern overflows glibc's per-thread cache (7 blocks a size), and
 * malloc/free with the bin consolidation behind it were a third of the
 * fuzzer's instructions. Here a freed small block goes on a list of its size
 * and the next allocation of that size takes it back.
 *
 * Every block is still a block of malloc(), so the strings json_dumps() hands
 * out (allocated through these functions) can be released with free() as the
 * callers do. The size of a block comes from malloc_usable_size(). Freed
 * blocks stay on the lists (up to a cap per size), which is what a run's peak
 * needs anyway. Single-threaded, like the rest of the harness. Sanitizer
 * builds (VFSIM_POOL_MALLOC) keep plain malloc so ASan and LeakSanitizer see
 * every block, as sim/pool.c does.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdlib.h>
#include <jansson.h>

#ifndef VFSIM_POOL_MALLOC

#define GRAIN		16
#define N_CLASS		16		/* blocks up to 256 bytes are kept */
#define KEEP_MAX	(1u << 16)	/* blocks kept per size */

struct free_block {
	struct free_block *next;
};

static struct free_block *free_list[N_CLASS + 1];
static unsigned n_free[N_CLASS + 1];

static void *ja_malloc(size_t n)
{
	size_t cls = (n + GRAIN - 1) / GRAIN;
	struct free_block *b;

	if (!cls || cls > N_CLASS)
		return malloc(n);
	b = free_list[cls];
	if (!b)
		return malloc(cls * GRAIN);
	free_list[cls] = b->next;
	n_free[cls]--;
	return b;
}

static void ja_free(void *p)
{
	/* the sizes it can serve: rounded down, a block is never too small */
	size_t cls = p ? malloc_usable_size(p) / GRAIN : 0;
	struct free_block *b = p;

	if (!cls || cls > N_CLASS || n_free[cls] >= KEEP_MAX) {
		free(p);
		return;
	}
	b->next = free_list[cls];
	free_list[cls] = b;
	n_free[cls]++;
}

/* Before main(): all of jansson's allocations and frees go through here. */
__attribute__((constructor)) static void json_alloc_init(void)
{
	json_set_alloc_funcs(ja_malloc, ja_free);
}

#endif

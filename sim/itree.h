/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A set of disjoint closed intervals [first, last] over the whole 64-bit
 * space, kept in a red-black tree (libbsd's <bsd/sys/tree.h>) ordered by
 * first. Both DMA mappings of a type1 container and areas of an
 * io_pagetable are disjoint, so "which intervals meet [a, b]" is a
 * predecessor lookup plus an in-order walk: O(log n + k).
 */
#ifndef VFSIM_ITREE_H
#define VFSIM_ITREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
/* tree.h's static generators want BSD's __unused, which -std=c11 glibc lacks */
#ifndef __unused
#define __unused __attribute__((__unused__))
#endif
#include <bsd/sys/tree.h>

struct itree_node {
	RB_ENTRY(itree_node) rb;
	uint64_t first, last;		/* inclusive, so [x, UINT64_MAX] is expressible */
};

RB_HEAD(itree_rb, itree_node);

struct itree {
	struct itree_rb root;
	size_t count;
};

void itree_init(struct itree *t);
/* Insert n (first/last set); false if it meets an interval already in t. */
bool itree_insert(struct itree *t, struct itree_node *n);
/* Insert n when the caller already knows it meets nothing (saves a lookup). */
void itree_insert_unchecked(struct itree *t, struct itree_node *n);
/*
 * Insert n the way vfio_link_dma() does: it links a new mapping while its size
 * is still 0, so down the left when n->first <= a node's first, else right.
 * Never refuses: type1 checks overlaps with vfio_find_dma(), whose iova + size
 * is 0 for a mapping that ends at 2^64 and so never sees one there; the same
 * top mapping can then be linked twice, the newer one first in order.
 */
void itree_insert_vfio(struct itree *t, struct itree_node *n);
void itree_remove(struct itree *t, struct itree_node *n);
/* The lowest interval meeting [first, last], or NULL; first > last gives NULL. */
struct itree_node *itree_first(struct itree *t, uint64_t first, uint64_t last);
/* The next interval after n meeting [first, last], or NULL. */
struct itree_node *itree_next(struct itree_node *n, uint64_t first, uint64_t last);
/* The interval containing x, or NULL. */
struct itree_node *itree_find(struct itree *t, uint64_t x);
struct itree_node *itree_min(struct itree *t);

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#endif

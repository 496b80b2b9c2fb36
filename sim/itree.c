// SPDX-License-Identifier: GPL-2.0-only
/* Disjoint interval set on a red-black tree (see itree.h). */
#include "itree.h"

static int itree_cmp(struct itree_node *a, struct itree_node *b)
{
	return a->first < b->first ? -1 : a->first > b->first;
}

RB_GENERATE_STATIC(itree_rb, itree_node, rb, itree_cmp)

void itree_init(struct itree *t)
{
	RB_INIT(&t->root);
	t->count = 0;
}

/* The interval with the greatest first <= x, or NULL. */
static struct itree_node *floor_node(struct itree *t, uint64_t x)
{
	struct itree_node *n = RB_ROOT(&t->root), *best = NULL;

	while (n) {
		if (n->first <= x) {
			best = n;
			n = RB_RIGHT(n, rb);
		} else {
			n = RB_LEFT(n, rb);
		}
	}
	return best;
}

struct itree_node *itree_first(struct itree *t, uint64_t first, uint64_t last)
{
	struct itree_node *n;

	if (first > last)
		return NULL;
	n = floor_node(t, first);
	if (n && n->last >= first)
		return n;
	/* disjoint and sorted: the next one up is the floor's successor */
	n = n ? RB_NEXT(itree_rb, &t->root, n) : RB_MIN(itree_rb, &t->root);
	return n && n->first <= last ? n : NULL;
}

struct itree_node *itree_next(struct itree_node *n, uint64_t first, uint64_t last)
{
	(void)first;
	n = RB_NEXT(itree_rb, NULL, n);
	return n && n->first <= last ? n : NULL;
}

struct itree_node *itree_find(struct itree *t, uint64_t x)
{
	return itree_first(t, x, x);
}

struct itree_node *itree_min(struct itree *t)
{
	return RB_MIN(itree_rb, &t->root);
}

bool itree_insert(struct itree *t, struct itree_node *n)
{
	if (n->first > n->last || itree_first(t, n->first, n->last))
		return false;
	itree_insert_unchecked(t, n);
	return true;
}

void itree_insert_unchecked(struct itree *t, struct itree_node *n)
{
	RB_INSERT(itree_rb, &t->root, n);
	t->count++;
}

void itree_insert_vfio(struct itree *t, struct itree_node *n)
{
	struct itree_node *at = RB_ROOT(&t->root), *parent = NULL;
	bool left = false;

	while (at) {
		parent = at;
		/* vfio_link_dma() links the new vfio_dma while its size is still 0 */
		left = n->first <= at->first;
		at = left ? RB_LEFT(at, rb) : RB_RIGHT(at, rb);
	}
	RB_SET(n, parent, rb);
	if (!parent)
		RB_ROOT(&t->root) = n;
	else if (left)
		RB_LEFT(parent, rb) = n;
	else
		RB_RIGHT(parent, rb) = n;
	itree_rb_RB_INSERT_COLOR(&t->root, n);
	t->count++;
}

void itree_remove(struct itree *t, struct itree_node *n)
{
	RB_REMOVE(itree_rb, &t->root, n);
	t->count--;
}

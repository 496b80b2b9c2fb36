// SPDX-License-Identifier: GPL-2.0-only
/* u64 -> pointer hash map (see u64map.h). */
#include <stdlib.h>
#include "u64map.h"

static size_t slot(const struct u64map *m, uint64_t key)
{
	/* Fibonacci hashing: IOVAs are page multiples, their low bits are all 0 */
	return (size_t)((key * 0x9e3779b97f4a7c15ull) >> 20) & (m->cap - 1);
}

void u64map_init(struct u64map *m)
{
	m->slots = NULL;
	m->cap = m->count = 0;
}

void u64map_free(struct u64map *m)
{
	free(m->slots);
	u64map_init(m);
}

static bool grow(struct u64map *m)
{
	struct u64map n = { .cap = m->cap ? m->cap * 2 : 64 };

	n.slots = calloc(n.cap, sizeof(*n.slots));
	if (!n.slots)
		return false;
	for (size_t i = 0; i < m->cap; i++) {
		if (m->slots[i].val) {
			size_t j = slot(&n, m->slots[i].key);

			while (n.slots[j].val)
				j = (j + 1) & (n.cap - 1);
			n.slots[j] = m->slots[i];
		}
	}
	n.count = m->count;
	u64map_free(m);
	*m = n;
	return true;
}

bool u64map_put(struct u64map *m, uint64_t key, void *val)
{
	size_t i;

	if ((m->count + 1) * 2 > m->cap && !grow(m))
		return false;
	i = slot(m, key);
	while (m->slots[i].val)
		i = (i + 1) & (m->cap - 1);
	m->slots[i].key = key;
	m->slots[i].val = val;
	m->count++;
	return true;
}

void *u64map_get(const struct u64map *m, uint64_t key)
{
	if (!m->cap)
		return NULL;
	for (size_t i = slot(m, key); m->slots[i].val; i = (i + 1) & (m->cap - 1))
		if (m->slots[i].key == key)
			return m->slots[i].val;
	return NULL;
}

void u64map_del(struct u64map *m, uint64_t key)
{
	size_t i, j;

	if (!m->cap)
		return;
	for (i = slot(m, key); m->slots[i].val && m->slots[i].key != key;
	     i = (i + 1) & (m->cap - 1))
		;
	if (!m->slots[i].val)
		return;
	/* backward shift: pull later entries of the cluster into the hole */
	for (j = (i + 1) & (m->cap - 1); m->slots[j].val; j = (j + 1) & (m->cap - 1)) {
		size_t home = slot(m, m->slots[j].key);

		/* move j to i unless its home lies cyclically in (i, j] */
		if (i <= j ? (home <= i || home > j) : (home <= i && home > j)) {
			m->slots[i] = m->slots[j];
			i = j;
		}
	}
	m->slots[i].val = NULL;
	m->count--;
}

size_t u64map_count_in(const struct u64map *m, uint64_t first, uint64_t last)
{
	size_t n = 0;

	for (size_t i = 0; i < m->cap; i++)
		n += m->slots[i].val && m->slots[i].key >= first && m->slots[i].key <= last;
	return n;
}

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
	m->keys = NULL;
	m->vals = NULL;
	m->cap = m->count = 0;
}

void u64map_free(struct u64map *m)
{
	free(m->keys);
	free(m->vals);
	u64map_init(m);
}

static bool grow(struct u64map *m)
{
	struct u64map n = { .cap = m->cap ? m->cap * 2 : 64 };

	n.keys = malloc(n.cap * sizeof(*n.keys));
	n.vals = calloc(n.cap, sizeof(*n.vals));
	if (!n.keys || !n.vals) {
		free(n.keys);
		free(n.vals);
		return false;
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (m->vals[i]) {
			size_t j = slot(&n, m->keys[i]);

			while (n.vals[j])
				j = (j + 1) & (n.cap - 1);
			n.keys[j] = m->keys[i];
			n.vals[j] = m->vals[i];
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
	while (m->vals[i])
		i = (i + 1) & (m->cap - 1);
	m->keys[i] = key;
	m->vals[i] = val;
	m->count++;
	return true;
}

void *u64map_get(const struct u64map *m, uint64_t key)
{
	if (!m->cap)
		return NULL;
	for (size_t i = slot(m, key); m->vals[i]; i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == key)
			return m->vals[i];
	return NULL;
}

void u64map_del(struct u64map *m, uint64_t key)
{
	size_t i, j;

	if (!m->cap)
		return;
	for (i = slot(m, key); m->vals[i] && m->keys[i] != key; i = (i + 1) & (m->cap - 1))
		;
	if (!m->vals[i])
		return;
	/* backward shift: pull later entries of the cluster into the hole */
	for (j = (i + 1) & (m->cap - 1); m->vals[j]; j = (j + 1) & (m->cap - 1)) {
		size_t home = slot(m, m->keys[j]);

		/* move j to i unless its home lies cyclically in (i, j] */
		if (i <= j ? (home <= i || home > j) : (home <= i && home > j)) {
			m->keys[i] = m->keys[j];
			m->vals[i] = m->vals[j];
			i = j;
		}
	}
	m->vals[i] = NULL;
	m->count--;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A u64 -> pointer hash map (open addressing, linear probing, backward-shift
 * deletion). type1 keeps its mappings in one by start IOVA as well as in the
 * interval tree: unmapping exactly one mapping, what a big container mostly
 * does, is then a couple of cache misses instead of a 20-level tree walk.
 */
#ifndef VFSIM_U64MAP_H
#define VFSIM_U64MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct u64map_slot {
	uint64_t key;
	void *val;		/* NULL = empty slot */
};

struct u64map {
	struct u64map_slot *slots;	/* key and value side by side: one cache miss */
	size_t cap, count;		/* cap is a power of two (or 0) */
};

void u64map_init(struct u64map *m);
void u64map_free(struct u64map *m);
/* false when memory ran out; the key must not be in the map yet */
bool u64map_put(struct u64map *m, uint64_t key, void *val);
void *u64map_get(const struct u64map *m, uint64_t key);
void u64map_del(struct u64map *m, uint64_t key);
/* Keys in [first, last]: a walk of the slots, for maps much smaller than the range. */
size_t u64map_count_in(const struct u64map *m, uint64_t first, uint64_t last);

#endif

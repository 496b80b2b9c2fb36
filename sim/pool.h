/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fixed-size object pool: slabs carved into objects, a free list for reuse.
 * A container with a million mappings frees and allocates one per unmap and
 * map; going through malloc each time costs more than the tree work itself.
 * Objects come back zeroed. The slabs go when the pool does.
 */
#ifndef VFSIM_POOL_H
#define VFSIM_POOL_H

#include <stddef.h>

struct pool {
	size_t size;		/* object size, at least a pointer */
	void *free;		/* free list through the objects' first word */
	void *slabs;		/* slab list through each slab's first word */
	size_t per_slab;
};

void pool_init(struct pool *p, size_t size);
void *pool_get(struct pool *p);		/* NULL when memory ran out */
void pool_put(struct pool *p, void *obj);
void pool_destroy(struct pool *p);

#endif

// SPDX-License-Identifier: GPL-2.0-only
/* Fixed-size object pool (see pool.h). */
#include <stdlib.h>
#include <string.h>
#include "pool.h"

#ifdef VFSIM_POOL_MALLOC
/*
 * Sanitizer builds: every object is its own malloc(), so ASan sees a use after
 * pool_put() and LeakSanitizer sees an object that nothing points to any more
 * (a slab would hide both: pool_destroy() frees it whatever is still in use).
 */
void pool_init(struct pool *p, size_t size)
{
	p->size = size;
	p->free = NULL;
	p->slabs = NULL;
	p->per_slab = 0;
}

void *pool_get(struct pool *p)
{
	return calloc(1, p->size);
}

void pool_put(struct pool *p, void *obj)
{
	(void)p;
	free(obj);
}

void pool_destroy(struct pool *p)
{
	(void)p;
}
#else

#define SLAB_BYTES	(64 * 1024)

void pool_init(struct pool *p, size_t size)
{
	p->size = (size < sizeof(void *) ? sizeof(void *) : size + 7) & ~(size_t)7;
	p->free = NULL;
	p->slabs = NULL;
	p->per_slab = (SLAB_BYTES - sizeof(void *)) / p->size;
}

static int grow(struct pool *p)
{
	char *slab = malloc(SLAB_BYTES), *obj;

	if (!slab)
		return -1;
	*(void **)slab = p->slabs;
	p->slabs = slab;
	obj = slab + sizeof(void *);
	for (size_t i = 0; i < p->per_slab; i++, obj += p->size) {
		*(void **)obj = p->free;
		p->free = obj;
	}
	return 0;
}

void *pool_get(struct pool *p)
{
	void *obj;

	if (!p->free && grow(p))
		return NULL;
	obj = p->free;
	p->free = *(void **)obj;
	memset(obj, 0, p->size);
	return obj;
}

void pool_put(struct pool *p, void *obj)
{
	*(void **)obj = p->free;
	p->free = obj;
}

void pool_destroy(struct pool *p)
{
	while (p->slabs) {
		void *next = *(void **)p->slabs;

		free(p->slabs);
		p->slabs = next;
	}
	p->free = NULL;
}
#endif

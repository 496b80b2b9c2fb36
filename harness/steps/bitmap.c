// SPDX-License-Identifier: GPL-2.0-only
/* The vfio_bitmap of the dirty-tracking steps: storage and recording. */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include "exec/step_api.h"
#include "steps/bitmap.h"

/* Size of a dirty bitmap covering size bytes at pgsize, as clients compute it. */
static uint64_t bitmap_bytes(uint64_t size, uint64_t pgsize)
{
	uint64_t pages = pgsize ? size / pgsize : 0;

	return ((pages + 63) / 64) * 8;
}

/*
 * Bitmap storage: the whole size the case claims is reserved as address
 * space, the first BITMAP_RW bytes of it writable and the rest PROT_NONE, so
 * a kernel writing a huge bitmap gets EFAULT instead of overrunning the heap.
 */
#define BITMAP_RW	(64ull << 20)
#define BITMAP_MAX	(16ull << 30)

static uint8_t *bitmap_alloc(struct vf_bitmap_mem *m, uint64_t len)
{
	size_t rw;

	m->len = len < 4096 ? 4096 : len > BITMAP_MAX ? BITMAP_MAX : len;
	m->p = mmap(NULL, m->len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->p == MAP_FAILED) {
		m->p = NULL;
		return NULL;
	}
	rw = m->len < BITMAP_RW ? m->len : BITMAP_RW;
	if (mprotect(m->p, rw, PROT_READ | PROT_WRITE)) {
		munmap(m->p, m->len);
		m->p = NULL;
	}
	return m->p;
}

void vf_bitmap_free(struct vf_bitmap_mem *m)
{
	if (m->p)
		munmap(m->p, m->len);
}

/*
 * The vfio_bitmap a step passes (UNMAP with GET_DIRTY_BITMAP, DIRTY_PAGES
 * GET_BITMAP): pgsize defaults to 4K, size to what a client computes for the
 * range, and the storage is reserved as above.
 */
void vf_step_bitmap_init(struct vf_step_bitmap *sb, const struct vf_step *s)
{
	memset(sb, 0, sizeof(*sb));
	sb->b.pgsize = vf_has(s, VF_F_PGSIZE) ? s->val[VF_F_PGSIZE] : 4096;
	sb->b.size = vf_has(s, VF_F_BITMAP_SIZE) ? s->val[VF_F_BITMAP_SIZE] :
		     bitmap_bytes(s->val[VF_F_SIZE], sb->b.pgsize);
	sb->b.data = (void *)bitmap_alloc(&sb->mem, sb->b.size);
}

/* Record what the kernel wrote into the bitmap (only a successful call's), then free it. */
void vf_step_bitmap_done(struct vf_step_bitmap *sb, json_t *out, const struct vf_call *c)
{
	struct vf_json_sink js;

	if (sb->b.data && c->ret == 0 && sb->b.size < VF_MAX_ARG_BUF)
		vf_uapi_bitmap(vf_json_sink_init(&js, out), (const uint8_t *)sb->b.data,
			       sb->b.size);
	vf_bitmap_free(&sb->mem);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vfio_bitmap a step passes (UNMAP with GET_DIRTY_BITMAP, DIRTY_PAGES
 * GET_BITMAP): pgsize defaults to 4K, size to what a client computes for the
 * range; the storage is reserved so a huge bitmap faults instead of
 * overrunning the heap (bitmap.c).
 */
#ifndef VF_STEP_BITMAP_H
#define VF_STEP_BITMAP_H

#include <linux/vfio.h>
#include "exec/step_api.h"

struct vf_bitmap_mem {
	uint8_t *p;
	size_t len;
};

struct vf_step_bitmap {
	struct vf_bitmap_mem mem;
	struct vfio_bitmap b;
};

void vf_step_bitmap_init(struct vf_step_bitmap *sb, const struct vf_step *s);
/* Record what the kernel wrote into the bitmap (only a successful call's), then free it. */
void vf_step_bitmap_done(struct vf_step_bitmap *sb, json_t *out, const struct vf_call *c);
void vf_bitmap_free(struct vf_bitmap_mem *m);

#endif

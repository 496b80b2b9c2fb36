// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pinning user pages: what pin_user_pages() (and type1's PFNMAP fallback)
 * would find in the simulated address space. Both personalities pin page by
 * page from the start, so the first page that cannot be pinned decides, and
 * the pages before it tell how far the memlock limit was already charged.
 */
#include "vfsim_int.h"

struct pin_result vfsim_pin_walk(struct vfsim *s, int proc, uint64_t vaddr, uint64_t npages,
				 bool write, bool allow_pfnmap)
{
	struct vfsim_proc *p = &s->procs[proc];
	uint64_t pg = s->p.page_size;
	struct pin_result r = { 0, 0, 0 };

	while (r.good < npages) {
		uint64_t at = vaddr + r.good * pg;
		struct itree_node *n = itree_find(&p->mem, at);
		struct vfsim_mem *m;
		uint64_t here;

		if (!n || (at < vaddr && r.good)) {	/* a hole, or wrapped past the top */
			r.err = EFAULT;
			break;
		}
		m = container_of(n, struct vfsim_mem, node);
		if ((m->kind == VFSIM_MEM_RO && write) ||
		    (m->kind == VFSIM_MEM_PFNMAP && !allow_pfnmap)) {
			r.err = EFAULT;
			break;
		}
		/* pages of this region from at on, without running past npages */
		here = (n->last - at) / pg + 1;
		if (here > npages - r.good)
			here = npages - r.good;
		r.good += here;
		if (m->kind != VFSIM_MEM_PFNMAP)
			r.counted += here;
	}
	return r;
}

uint64_t vfsim_rlimit_pages(const struct vfsim *s, int proc)
{
	uint64_t m = s->procs[proc].memlock;

	return m == VFSIM_UNLIMITED ? UINT64_MAX : m / s->p.page_size;
}

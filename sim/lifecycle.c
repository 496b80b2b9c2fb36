// SPDX-License-Identifier: GPL-2.0-only
/*
 * Things that happen to processes and devices between ioctls: fork and exit
 * of a process, unbinding a device from its vfio driver and binding it back.
 */
#include <stdlib.h>
#include "vfsim_int.h"

void group_release(struct vfsim *s, unsigned g);

int vfsim_proc_fork(struct vfsim *s)
{
	struct vfsim_proc *parent = cur_proc(s), *child;
	struct itree_node *n;
	int id = vfsim_proc_new(s, parent->uid);

	if (id < 0)
		return id;
	child = &s->procs[id];
	child->cap_ipc_lock = parent->cap_ipc_lock;
	child->cap_sys_rawio = parent->cap_sys_rawio;
	child->memlock = parent->memlock;
	/* the child's address space is a copy; its locked/pinned counts start empty */
	for (n = itree_min(&parent->mem); n; n = itree_next(n, 0, UINT64_MAX)) {
		struct vfsim_mem *m = container_of(n, struct vfsim_mem, node), *c;

		c = calloc(1, sizeof(*c));
		if (!c)
			return -ENOMEM;
		*c = *m;
		itree_insert(&child->mem, &c->node);
	}
	/* and a copy of its fd table */
	for (int i = 0; i < VFSIM_MAX_HANDLES; i++)
		if (s->handles[i].holders & (1u << s->cur))
			s->handles[i].holders |= 1u << id;
	return id;
}

int vfsim_proc_exit(struct vfsim *s, int proc)
{
	struct vfsim_proc *p;
	struct itree_node *n;

	if (proc <= 0 || proc >= VFSIM_MAX_PROCS || !s->procs[proc].used || s->procs[proc].dead)
		return -EINVAL;		/* process 0 is the case itself */
	p = &s->procs[proc];
	while ((n = itree_min(&p->mem))) {
		itree_remove(&p->mem, n);
		free(container_of(n, struct vfsim_mem, node));
	}
	p->dead = true;
	/* its fds close as it goes: what only it still held is released */
	vfsim_handle_drop(s, proc);
	if (s->cur == proc)
		s->cur = 0;
	return 0;
}

int vfsim_device_bind(struct vfsim *s, unsigned g, unsigned index, bool bind)
{
	struct vfsim_group *gr;
	struct vfsim_device *d;
	bool any = false;

	if (g >= s->n_groups || index >= s->groups[g].n_devs)
		return -ENODEV;
	gr = &s->groups[g];
	d = &gr->devs[index];
	if (bind) {
		d->unbound = false;
		gr->gone = false;
		return 0;
	}
	if (d->open_count)
		return -EBUSY;
	d->unbound = true;
	for (unsigned i = 0; i < gr->n_devs; i++)
		any |= !gr->devs[i].unbound;
	if (!any) {
		/* the last vfio device of the group: its users are revoked */
		group_release(s, g);
		gr->gone = true;
	}
	return 0;
}

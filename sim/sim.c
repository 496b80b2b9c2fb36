// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated machine: topology, processes, users, address spaces and
 * handles, and the ioctl entry point that routes a handle to its object.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include <linux/iommufd.h>
#include "vfsim_int.h"

#define MTTY_UUID "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001"

/*
 * Must match the QEMU machines of ref-kernel/ (and harness/lang/topology.c).
 * bridge: the conventional PCI bridge the group's devices sit behind; it
 * takes ownership of their transactions, so the IOMMU sees its requester id.
 */
static const struct {
	enum vfsim_group_type type;
	const char *devs[VFSIM_MAX_DEVS];
	const char *bridge;
} topo_groups[][VFSIM_MAX_GROUPS] = {
	[VFSIM_TOPO_VTD] = {
		{ GROUP_IOMMU, { "0000:00:02.0" } },
	},
	[VFSIM_TOPO_MDEV] = {
		{ GROUP_EMULATED, { MTTY_UUID } },
		{ GROUP_IOMMU, { "0000:00:02.0" } },
	},
	[VFSIM_TOPO_MULTI] = {
		{ GROUP_IOMMU, { "0000:01:01.0", "0000:01:02.0" }, "00:03.0" },
		{ GROUP_IOMMU, { "0000:00:04.0" } },
		{ GROUP_IOMMU, { "0000:00:05.0" } },
	},
	[VFSIM_TOPO_NOIOMMU] = {
		{ GROUP_NOIOMMU, { "0000:00:02.0" } },
	},
};

void vfsim_params_default(struct vfsim_params *p)
{
	memset(p, 0, sizeof(*p));
	p->profile = "6.12";
	p->dma_entry_limit = 65535;
	p->iommu_pgsizes = 0x1000 | 0x200000 | 0x40000000;	/* VT-d with SLPS */
	p->aperture_bits = 39;				/* QEMU VT-d aw-bits=39 */
	p->msi_start = 0xfee00000;
	p->msi_last = 0xfeefffff;
	p->page_size = 4096;
	p->default_memlock = 8ull << 20;		/* MLOCK_LIMIT since 5.16 */
}

const char *vfsim_release(void)
{
	return VFSIM_RELEASE;
}

static void proc_init(struct vfsim *s, struct vfsim_proc *p, uint32_t uid)
{
	memset(p, 0, sizeof(*p));
	p->used = true;
	p->uid = uid;
	p->cap_ipc_lock = p->cap_sys_rawio = uid == 0;
	p->memlock = s->p.default_memlock;
	itree_init(&p->mem);
	vfsim_user_get(s, uid);
}

struct vfsim *vfsim_new(enum vfsim_topo t, const struct vfsim_params *p)
{
	struct vfsim *s;

	if ((unsigned)t > VFSIM_TOPO_NOIOMMU)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	if (p)
		s->p = *p;
	else
		vfsim_params_default(&s->p);
	/* only the 6.12 behaviour is modelled so far */
	if (s->p.profile && strcmp(s->p.profile, "6.12")) {
		free(s);
		return NULL;
	}
	if (!s->p.page_size || (s->p.page_size & (s->p.page_size - 1)) ||
	    !s->p.iommu_pgsizes || s->p.aperture_bits < 12 || s->p.aperture_bits > 64) {
		free(s);
		return NULL;
	}
	s->topo = t;
	s->noiommu_mode = t == VFSIM_TOPO_NOIOMMU;
	for (unsigned g = 0; g < VFSIM_MAX_GROUPS && topo_groups[t][g].devs[0]; g++) {
		struct vfsim_group *gr = &s->groups[g];

		gr->type = topo_groups[t][g].type;
		for (unsigned d = 0; d < VFSIM_MAX_DEVS && topo_groups[t][g].devs[d]; d++) {
			struct vfsim_device *dev = &gr->devs[gr->n_devs++];

			dev->name = topo_groups[t][g].devs[d];
			/* a PCI device's own requester id is its name without the domain */
			if (topo_groups[t][g].bridge)
				dev->requester = topo_groups[t][g].bridge;
			else if (gr->type != GROUP_EMULATED)
				dev->requester = dev->name + strlen("0000:");
			dev->g = g;
			dev->d = d;
			/* the emulated group's device is the mtty: its driver probes it */
			if (gr->type == GROUP_EMULATED)
				mtty_probe(s, dev);
		}
		s->n_groups++;
	}
	proc_init(s, &s->procs[0], 0);
	return s;
}

static void mem_clear(struct vfsim_proc *p)
{
	struct itree_node *n;

	while ((n = itree_min(&p->mem))) {
		itree_remove(&p->mem, n);
		free(container_of(n, struct vfsim_mem, node));
	}
}

static void handle_release(struct vfsim *s, struct vfsim_handle *h);

void vfsim_free(struct vfsim *s)
{
	if (!s)
		return;
	/* every process's copy goes: the machine is switched off */
	for (int h = VFSIM_MAX_HANDLES - 1; h >= 0; h--)
		if (s->handles[h].kind != H_FREE)
			handle_release(s, &s->handles[h]);
	for (unsigned i = 0; i < VFSIM_MAX_PROCS; i++)
		if (s->procs[i].used)
			mem_clear(&s->procs[i]);
	for (unsigned g = 0; g < s->n_groups; g++)
		for (unsigned d = 0; d < s->groups[g].n_devs; d++)
			free(s->groups[g].devs[d].dma_buf);
	free(s);
}

const char *vfsim_device_name(const struct vfsim *s, unsigned g, unsigned index)
{
	if (g >= s->n_groups || index >= s->groups[g].n_devs)
		return NULL;
	return s->groups[g].devs[index].name;
}

int vfsim_proc_new(struct vfsim *s, uint32_t uid)
{
	for (int i = 0; i < VFSIM_MAX_PROCS; i++) {
		if (!s->procs[i].used) {
			proc_init(s, &s->procs[i], uid);
			return i;
		}
	}
	return -EAGAIN;
}

int vfsim_proc_use(struct vfsim *s, int proc)
{
	if (proc < 0 || proc >= VFSIM_MAX_PROCS || !s->procs[proc].used || s->procs[proc].dead)
		return -EINVAL;
	s->cur = proc;
	return 0;
}

void vfsim_set_creds(struct vfsim *s, uint32_t uid, bool cap_ipc_lock, bool cap_sys_rawio)
{
	struct vfsim_proc *p = cur_proc(s);

	p->uid = uid;
	p->cap_ipc_lock = cap_ipc_lock;
	p->cap_sys_rawio = cap_sys_rawio;
	vfsim_user_get(s, uid);
}

void vfsim_set_memlock(struct vfsim *s, uint64_t memlock)
{
	cur_proc(s)->memlock = memlock;
}

uint64_t vfsim_get_memlock(const struct vfsim *s)
{
	return s->procs[s->cur].memlock;
}

int vfsim_mem_add(struct vfsim *s, uint64_t vaddr, uint64_t size, enum vfsim_mem_kind kind)
{
	struct vfsim_mem *m;

	if (!size || vaddr + size - 1 < vaddr || (unsigned)kind > VFSIM_MEM_PFNMAP ||
	    ((vaddr | size) & (s->p.page_size - 1)))
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->node.first = vaddr;
	m->node.last = vaddr + size - 1;
	m->kind = kind;
	if (!itree_insert(&cur_proc(s)->mem, &m->node)) {
		free(m);
		return -EEXIST;
	}
	return 0;
}

void vfsim_acct(const struct vfsim *s, uint64_t *vmlck_kb, uint64_t *vmpin_kb)
{
	const struct vfsim_proc *p = &s->procs[s->cur];
	uint64_t kb = s->p.page_size / 1024;

	*vmlck_kb = p->locked_vm * kb;
	*vmpin_kb = p->pinned_vm * kb;
}

uint64_t vfsim_acct_user(const struct vfsim *s)
{
	return vfsim_user_locked(s, s->procs[s->cur].uid) * (s->p.page_size / 1024);
}

void vfsim_get_creds(const struct vfsim *s, uint32_t *uid, bool *cap_ipc_lock,
		     bool *cap_sys_rawio)
{
	const struct vfsim_proc *p = &s->procs[s->cur];

	*uid = p->uid;
	*cap_ipc_lock = p->cap_ipc_lock;
	*cap_sys_rawio = p->cap_sys_rawio;
}

/* ---- handles ---- */

static int handle_alloc(struct vfsim *s, enum handle_kind kind)
{
	for (int h = 0; h < VFSIM_MAX_HANDLES; h++) {
		if (s->handles[h].kind == H_FREE) {
			memset(&s->handles[h], 0, sizeof(s->handles[h]));
			s->handles[h].kind = kind;
			s->handles[h].holders = 1u << s->cur;
			return h;
		}
	}
	return -EMFILE;
}

int vfsim_open_container(struct vfsim *s, enum vfsim_personality pers)
{
	struct vfsim_container *c;
	int h;

	if ((unsigned)pers > VFSIM_COMPAT)
		return -EINVAL;
	h = handle_alloc(s, H_CONTAINER);
	if (h < 0)
		return h;
	c = calloc(1, sizeof(*c));
	if (!c) {
		s->handles[h].kind = H_FREE;
		return -ENOMEM;
	}
	c->pers = pers;
	c->ops = pers == VFSIM_COMPAT ? &iommufd_container_ops : &vfio_container_ops;
	c->refs = 1;
	if (c->ops->open && c->ops->open(s, c)) {
		free(c);
		s->handles[h].kind = H_FREE;
		return -ENOMEM;
	}
	s->handles[h].c = c;
	return h + VFSIM_HANDLE_BASE;
}

int vfsim_open_group(struct vfsim *s, unsigned g)
{
	int h;

	if (g >= s->n_groups || s->groups[g].gone)
		return -ENOENT;		/* no /dev/vfio node */
	if (s->groups[g].type == GROUP_NOIOMMU && !cur_proc(s)->cap_sys_rawio)
		return -EPERM;
	/* one open file per group; devices opened through a type1 container keep it alive */
	if (group_file_held(&s->groups[g]))
		return -EBUSY;
	for (int i = 0; i < VFSIM_MAX_HANDLES; i++)
		if (s->handles[i].kind == H_GROUP && s->handles[i].group == g)
			return -EBUSY;
	h = handle_alloc(s, H_GROUP);
	if (h < 0)
		return h;
	s->handles[h].group = g;
	return h + VFSIM_HANDLE_BASE;
}

/* Groups that no fd and no open device holds any more let go of their container. */
static void release_unused_groups(struct vfsim *s)
{
	for (unsigned g = 0; g < s->n_groups; g++) {
		bool held = group_file_held(&s->groups[g]);

		for (int h = 0; h < VFSIM_MAX_HANDLES && !held; h++)
			held = s->handles[h].kind == H_GROUP && s->handles[h].group == g;
		if (!held)
			group_release(s, g);
	}
}

/* The last fd of a file went: what it held goes with it. */
static void handle_release(struct vfsim *s, struct vfsim_handle *h)
{
	if (h->kind == H_DEVICE)
		device_close(s, h->group, h->dev);
	else if (h->kind == H_CONTAINER)
		container_put(s, h->c);
	h->kind = H_FREE;
	release_unused_groups(s);
}

/*
 * A forked process has its own fd table: closing drops the caller's copy
 * only. A process that never had it (one that got it passed) closes it for
 * everybody, as the only holder would.
 */
int vfsim_close(struct vfsim *s, int handle)
{
	struct vfsim_handle *h = handle_get(s, handle);
	unsigned bit = 1u << s->cur;

	if (!h)
		return -EBADF;
	h->holders = h->holders & bit ? h->holders & ~bit : 0;
	if (!h->holders)
		handle_release(s, h);
	return 0;
}

/* Process proc's fd table goes away (exit). */
void vfsim_handle_drop(struct vfsim *s, int proc)
{
	unsigned bit = 1u << proc;

	for (int i = 0; i < VFSIM_MAX_HANDLES; i++) {
		struct vfsim_handle *h = &s->handles[i];

		if (h->kind == H_FREE || !(h->holders & bit))
			continue;
		h->holders &= ~bit;
		if (!h->holders)
			handle_release(s, h);
	}
}

long vfsim_ioctl(struct vfsim *s, int handle, unsigned long req, void *arg)
{
	struct vfsim_handle *h;
	long ret;
	int dev = -1;

	if (!s)
		return -EBADF;
	h = handle_get(s, handle);
	if (!h)		/* stdio takes no VFIO ioctl; anything else is no fd at all */
		return handle >= 0 && handle < VFSIM_HANDLE_BASE ? -ENOTTY : -EBADF;
	switch (h->kind) {
	case H_CONTAINER:
		return h->c->ops->ioctl(s, h->c, req, arg);
	case H_GROUP:
		ret = group_ioctl(s, h->group, req, arg, &dev);
		if (ret == 0 && dev >= 0) {
			int nh = handle_alloc(s, H_DEVICE);

			if (nh < 0) {
				device_close(s, h->group, dev);
				return nh;
			}
			s->handles[nh].group = h->group;
			s->handles[nh].dev = dev;
			return nh + VFSIM_HANDLE_BASE;
		}
		return ret;
	case H_DEVICE:
		return -ENOTTY;		/* device ioctls are not modelled */
	case H_FREE:
		break;
	}
	return -EBADF;
}

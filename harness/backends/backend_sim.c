// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulator backends: sim-type1 and sim-compat run the case in-process
 * on libvfsim. Buffers are real memory (so every pointer the harness hands
 * over is valid) registered with the simulated address space; credentials,
 * RLIMIT_MEMLOCK and VmLck/VmPin are the simulated process's, never the
 * real ones. Nothing here looks at case names or fixtures.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/vfio.h>
#include "backends/backend.h"
#include "exec/guard_map.h"
#include "vfsim.h"

/* The same fixed, far-away addresses backend_kernel.c uses for "unmapped". */
#define UNMAPPED_BASE	0x200000000000ull
#define UNMAPPED_STRIDE	0x100000000ull
#define BAR_SIZE	(1ull << 20)	/* edu's BAR0 */

struct sim_priv {
	struct vfsim *sim;
	enum vfsim_personality pers;
	int proc[VF_MAX_PROCS];	/* the sim's process id of p0..p3, -1 when none */
	int device;		/* handle of the device a bar buffer came from */
	struct { void *addr; uint64_t size; int prot; } maps[VF_MAX_BUFS + 1];
	unsigned n_maps;
};

static const enum vfsim_topo topo_of[VF_TOPO_COUNT] = {
	[VF_TOPO_VTD] = VFSIM_TOPO_VTD,
	[VF_TOPO_MDEV] = VFSIM_TOPO_MDEV,
	[VF_TOPO_MULTI] = VFSIM_TOPO_MULTI,
	[VF_TOPO_NOIOMMU] = VFSIM_TOPO_NOIOMMU,
};

/*
 * VFSIM_PARAMS="dma_entry_limit=N,aperture_bits=N,iommu_pgsizes=N,msi=START-LAST,memlock=N"
 * varies the simulated machine (what no QEMU topology offers); unset, it is
 * the 6.12 reference machine the fixtures were recorded on.
 */
static int sim_params(struct vfsim_params *p, char *err, size_t errlen)
{
	const char *env = getenv("VFSIM_PARAMS");
	char *copy, *tok, *save = NULL;
	int ret = 0;

	vfsim_params_default(p);
	if (!env || !*env)
		return 0;
	copy = strdup(env);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok && !ret; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '='), *end = NULL;
		unsigned long long v = 0, v2 = 0;

		if (eq) {
			v = strtoull(eq + 1, &end, 0);
			if (*end == '-')
				v2 = strtoull(end + 1, &end, 0);
		}
		if (!eq || end == eq + 1 || *end) {
			ret = -EINVAL;
		} else if (!strncmp(tok, "dma_entry_limit=", 16)) {
			p->dma_entry_limit = (uint32_t)v;
		} else if (!strncmp(tok, "aperture_bits=", 14)) {
			p->aperture_bits = (unsigned)v;
		} else if (!strncmp(tok, "iommu_pgsizes=", 14)) {
			p->iommu_pgsizes = v;
		} else if (!strncmp(tok, "msi=", 4) && v2 >= v) {
			p->msi_start = v;
			p->msi_last = v2;
		} else if (!strncmp(tok, "memlock=", 8)) {
			p->default_memlock = v;
		} else {
			ret = -EINVAL;
		}
		if (ret)
			snprintf(err, errlen, "VFSIM_PARAMS: cannot use '%s'", tok);
	}
	free(copy);
	return ret;
}

static const char *sim_topo_missing(enum vf_topo t)
{
	return t < VF_TOPO_COUNT ? NULL : "unknown topology";
}

static int sim_open(struct vf_ctx *ctx, enum vfsim_personality pers)
{
	const struct vf_case *c = ctx->c;
	struct sim_priv *sp = calloc(1, sizeof(*sp));
	struct vfsim_params params;
	int err;

	if (!sp)
		return -ENOMEM;
	ctx->priv = sp;
	sp->device = -1;
	sp->pers = pers;
	for (unsigned i = 1; i < VF_MAX_PROCS; i++)
		sp->proc[i] = -1;
	err = sim_params(&params, ctx->err, sizeof(ctx->err));
	if (err)
		return err;
	sp->sim = vfsim_new(topo_of[c->topo], &params);
	if (!sp->sim) {
		snprintf(ctx->err, sizeof(ctx->err), "vfsim_new: parameters not usable");
		return -EINVAL;
	}
	ctx->container = vfsim_open_container(sp->sim, pers);
	if (ctx->container < 0) {
		err = ctx->container;
		snprintf(ctx->err, sizeof(ctx->err), "open container: %s", strerror(-err));
		ctx->container = -1;
		return err;
	}
	for (unsigned i = 0; i < c->n_groups; i++) {
		unsigned g = c->groups[i];
		int h = vfsim_open_group(sp->sim, g);

		if (h < 0) {
			snprintf(ctx->err, sizeof(ctx->err), "g%u: topology has no such group", g);
			return h;
		}
		ctx->group[g] = h;
	}
	return 0;
}

static int sim_type1_open(struct vf_ctx *ctx)
{
	return sim_open(ctx, VFSIM_TYPE1);
}

static int sim_compat_open(struct vf_ctx *ctx)
{
	return sim_open(ctx, VFSIM_COMPAT);
}

static long sim_ioctl(struct vf_ctx *ctx, int handle, unsigned long request, void *arg)
{
	struct sim_priv *sp = ctx->priv;
	long ret = vfsim_ioctl(sp->sim, handle, request, arg);

	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}

static void sim_close_handle(struct vf_ctx *ctx, int handle)
{
	struct sim_priv *sp = ctx->priv;

	vfsim_close(sp->sim, handle);
}

static const char *sim_device_name(struct vf_ctx *ctx, unsigned g, unsigned index)
{
	struct sim_priv *sp = ctx->priv;

	return vfsim_device_name(sp->sim, g, index);
}

/*
 * Mappings of closed cases kept for the next case in this process: a case's
 * buffers cost two mmaps and a munmap each, which was most of the fuzzer's
 * system time. A kept read-write mapping is emptied with MADV_DONTNEED, so
 * the next case finds zero-fill pages exactly as in a fresh private anonymous
 * mapping; a read-only one cannot have been written. The guard pages stay.
 */
#define MAP_CACHE 16
static struct { void *addr; uint64_t size; int prot; } map_cache[MAP_CACHE];
static unsigned n_map_cache;

static void *map_cache_get(uint64_t len, int prot)
{
	for (unsigned i = n_map_cache; i-- > 0;) {
		if (map_cache[i].size == len && map_cache[i].prot == prot) {
			void *base = map_cache[i].addr;

			map_cache[i] = map_cache[--n_map_cache];
			return base;
		}
	}
	return NULL;
}

static void map_release(void *base, uint64_t len, int prot)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	if (n_map_cache < MAP_CACHE &&
	    (!(prot & PROT_WRITE) ||
	     !madvise((char *)base + pg, len - 2 * pg, MADV_DONTNEED))) {
		map_cache[n_map_cache].addr = base;
		map_cache[n_map_cache].size = len;
		map_cache[n_map_cache++].prot = prot;
		return;
	}
	munmap(base, len);
}

/* Laid out as the kernel backend lays its buffers out (guard_map.h). */
static void *real_map(struct sim_priv *sp, uint64_t size, int prot)
{
	void *base = map_cache_get(vf_guard_len(size), prot), *p;

	if (base) {
		p = (char *)base + (vf_guard_len(size) - size) / 2;	/* past the guard */
	} else {
		p = vf_map_guarded(size, prot, false, -1, 0);
		if (p == MAP_FAILED)
			return NULL;
		base = vf_guard_base(p);
	}
	sp->maps[sp->n_maps].addr = base;
	sp->maps[sp->n_maps].prot = prot;
	sp->maps[sp->n_maps++].size = vf_guard_len(size);
	return p;
}

/* A BAR: the harness mmaps it from a device fd; here the device is opened in the sim. */
static int bar_create(struct vf_ctx *ctx, const struct vf_buf *b, struct vf_buf_inst *out)
{
	struct sim_priv *sp = ctx->priv;
	unsigned g = ctx->c->groups[0];
	const char *dev = vfsim_device_name(sp->sim, g, 0);
	void *p;
	int err;

	if (sp->device < 0) {
		long h = dev ? vfsim_ioctl(sp->sim, ctx->group[g], VFIO_GROUP_GET_DEVICE_FD,
					   (void *)dev) : -ENODEV;
		if (h < 0) {
			out->err = (int)-h;
			snprintf(ctx->err, sizeof(ctx->err), "GROUP_GET_DEVICE_FD %s: %s",
				 dev ? dev : "?", strerror(out->err));
			return (int)h;
		}
		sp->device = (int)h;
	}
	out->size = b->size ? b->size : BAR_SIZE;
	if (b->bar != 0 || out->size > BAR_SIZE) {
		out->err = EINVAL;
		snprintf(ctx->err, sizeof(ctx->err), "bar%u: not mmap-able or smaller than %llu",
			 b->bar, (unsigned long long)out->size);
		return -EINVAL;
	}
	p = real_map(sp, out->size, PROT_READ | PROT_WRITE);
	err = p ? vfsim_mem_add(sp->sim, (uintptr_t)p, out->size, VFSIM_MEM_PFNMAP) : -ENOMEM;
	if (err) {
		out->err = -err;
		snprintf(ctx->err, sizeof(ctx->err), "mmap bar%u: %s", b->bar, strerror(-err));
		return err;
	}
	out->addr = p;
	return 0;
}

static int sim_buf_create(struct vf_ctx *ctx, const struct vf_buf *b, struct vf_buf_inst *out)
{
	struct sim_priv *sp = ctx->priv;
	void *p;
	int err;

	memset(out, 0, sizeof(*out));
	out->size = b->size;
	if (b->kind == VF_BUF_BAR)
		return bar_create(ctx, b, out);
	if (b->kind == VF_BUF_UNMAPPED) {
		/* nothing is registered there: the sim finds a hole, as the kernel would */
		unsigned index = b - ctx->c->bufs;

		out->addr = (void *)(uintptr_t)(UNMAPPED_BASE + index * UNMAPPED_STRIDE);
		return 0;
	}
	/* hugetlb memory pins like any populated anon memory; only its size matters */
	p = real_map(sp, b->size, b->kind == VF_BUF_RO ? PROT_READ : PROT_READ | PROT_WRITE);
	err = p ? vfsim_mem_add(sp->sim, (uintptr_t)p, b->size,
				b->kind == VF_BUF_RO ? VFSIM_MEM_RO : VFSIM_MEM_ANON) : -ENOMEM;
	if (err) {
		out->err = -err;
		snprintf(ctx->err, sizeof(ctx->err), "mmap %s: %s", b->name, strerror(-err));
		return err;
	}
	out->addr = p;
	return 0;
}

/*
 * Credentials change as in backend_kernel.c's apply(): dropping one capability
 * keeps the others, setuid() away from root drops them all.
 */
static int sim_apply_creds(struct vf_ctx *ctx, const struct vf_creds *cr)
{
	struct sim_priv *sp = ctx->priv;
	uint32_t uid;
	bool ipc_lock, rawio;

	/*
	 * What the kernel backend's setrlimit() and setuid() meet: after a switch
	 * to another uid the process has no capabilities left, so it may lower
	 * RLIMIT_MEMLOCK but not raise it (CAP_SYS_RESOURCE), and not drop its
	 * supplementary groups again (setgroups() wants CAP_SETGID).
	 */
	vfsim_get_creds(sp->sim, &uid, &ipc_lock, &rawio);
	if (cr->has_memlock) {
		if (uid && cr->memlock > vfsim_get_memlock(sp->sim))
			return -EPERM;
		vfsim_set_memlock(sp->sim, cr->memlock);
	}
	if (!cr->has_cred)
		return 0;
	switch (cr->cred) {
	case VF_CRED_ROOT:
		return 0;
	case VF_CRED_NOCAP:
		vfsim_set_creds(sp->sim, uid, false, rawio);
		return 0;
	case VF_CRED_NORAWIO:
		vfsim_set_creds(sp->sim, uid, ipc_lock, false);
		return 0;
	case VF_CRED_UID:
		if (uid)
			return -EPERM;
		vfsim_set_creds(sp->sim, cr->uid, false, false);
		return 0;
	}
	return -EINVAL;
}

static int sim_set_creds(struct vf_ctx *ctx)
{
	const struct vf_case *c = ctx->c;
	struct vf_creds cr = {
		.cred = c->cred, .uid = c->uid, .has_cred = true,
		.has_memlock = c->has_memlock, .memlock = c->memlock,
	};

	return sim_apply_creds(ctx, &cr);
}

static void sim_acct(struct vf_ctx *ctx, json_t *acct)
{
	struct sim_priv *sp = ctx->priv;
	uint64_t lck, pin;

	vfsim_acct(sp->sim, &lck, &pin);
	json_object_set_new(acct, "user_locked", json_integer((json_int_t)vfsim_acct_user(sp->sim)));
	json_object_set_new(acct, "VmLck", json_integer((json_int_t)lck));
	json_object_set_new(acct, "VmPin", json_integer((json_int_t)pin));
}

/*
 * The device nodes' modes, as the kernel backend meets them after a switch to
 * another uid: /dev/vfio/vfio is 0666, /dev/iommu 0660 and the group nodes
 * 0600, all root's; the permission check comes before any VFIO code.
 */
static bool sim_may_open(struct vf_ctx *ctx, bool world_rw)
{
	struct sim_priv *sp = ctx->priv;
	uint32_t uid;
	bool ipc_lock, rawio;

	vfsim_get_creds(sp->sim, &uid, &ipc_lock, &rawio);
	return !uid || world_rw;
}

static int sim_open_container(struct vf_ctx *ctx)
{
	struct sim_priv *sp = ctx->priv;

	if (!sim_may_open(ctx, sp->pers == VFSIM_TYPE1))
		return -EACCES;
	return vfsim_open_container(sp->sim, sp->pers);
}

static int sim_open_group(struct vf_ctx *ctx, unsigned g)
{
	struct sim_priv *sp = ctx->priv;

	if (!sim_may_open(ctx, false))
		return -EACCES;
	return vfsim_open_group(sp->sim, g);
}

static int sim_device_bind(struct vf_ctx *ctx, unsigned g, unsigned index, bool bind)
{
	struct sim_priv *sp = ctx->priv;

	return vfsim_device_bind(sp->sim, g, index, bind);
}

/*
 * The sim's processes live in this one process: FORK makes a sim process
 * and the harness runs pN's steps here with pN current (proc_use).
 */
static int sim_proc_fork(struct vf_ctx *ctx, unsigned n)
{
	struct sim_priv *sp = ctx->priv;
	int id;

	if (n >= VF_MAX_PROCS)
		return -EINVAL;
	id = vfsim_proc_fork(sp->sim);
	if (id < 0)
		return id;
	sp->proc[n] = id;
	return 0;
}

static int sim_proc_use(struct vf_ctx *ctx, unsigned n)
{
	struct sim_priv *sp = ctx->priv;

	if (n >= VF_MAX_PROCS || sp->proc[n] < 0)
		return -ESRCH;
	return vfsim_proc_use(sp->sim, sp->proc[n]);
}

static int sim_proc_exit(struct vf_ctx *ctx, unsigned n)
{
	struct sim_priv *sp = ctx->priv;
	int err;

	if (!n || n >= VF_MAX_PROCS || sp->proc[n] < 0)
		return -ESRCH;
	err = vfsim_proc_exit(sp->sim, sp->proc[n]);
	sp->proc[n] = -1;
	return err;
}

static const char *sim_release(void)
{
	return vfsim_release();
}

static void sim_close(struct vf_ctx *ctx)
{
	struct sim_priv *sp = ctx->priv;

	if (!sp)
		return;
	vfsim_free(sp->sim);
	for (unsigned i = 0; i < sp->n_maps; i++)
		map_release(sp->maps[i].addr, sp->maps[i].size, sp->maps[i].prot);
	free(sp);
	ctx->priv = NULL;
}

static long sim_mdev_dma(struct vf_ctx *ctx, enum vf_mdev_op op, uint64_t iova, uint64_t size,
			 uint64_t *sum)
{
	static const enum vfsim_mdev_op ops[] = {
		[VF_MDEV_PIN] = VFSIM_MDEV_PIN, [VF_MDEV_UNPIN] = VFSIM_MDEV_UNPIN,
		[VF_MDEV_READ] = VFSIM_MDEV_READ, [VF_MDEV_WRITE] = VFSIM_MDEV_WRITE,
	};
	struct sim_priv *sp = ctx->priv;

	/* the reference kernel's trigger only exists with the mdev topology */
	if (ctx->c->topo != VF_TOPO_MDEV || (unsigned)op > VF_MDEV_WRITE)
		return -ENOSYS;
	if (op == VF_MDEV_PIN || op == VF_MDEV_UNPIN)
		size /= 4096;
	return vfsim_mdev_dma(sp->sim, ops[op], iova, size, sum);
}

/*
 * DEVICE_DMA: the sim's edu engine behind its VT-d (sim/device_dma.c). It
 * always completes; the IOMMU's one fault record gives at most one fault.
 */
static int sim_device_dma(struct vf_ctx *ctx, int handle, bool write, uint64_t iova,
			  uint32_t dev_off, uint32_t size, struct vf_dma_result *res)
{
	struct sim_priv *sp = ctx->priv;
	struct vfsim_dma_fault f;
	struct vf_dma_fault *out = &res->faults[0];
	long ret = vfsim_device_dma(sp->sim, handle, write, iova, dev_off, size, &f);

	memset(res, 0, sizeof(*res));
	if (ret < 0)
		return (int)ret;
	res->completed = true;
	if (!ret)
		return 0;
	res->n_faults = 1;
	snprintf(out->type, sizeof(out->type), "%s", f.write ? "DMA Write" : "DMA Read");
	snprintf(out->requester, sizeof(out->requester), "%s", f.requester);
	out->addr = f.addr;
	snprintf(out->reason, sizeof(out->reason), "0x%02x", f.reason);
	snprintf(out->text, sizeof(out->text), "%s", f.text);
	return 0;
}

#define SIM_COMMON_OPS \
	.topo_missing = sim_topo_missing, \
	.ioctl = sim_ioctl, \
	.close_handle = sim_close_handle, \
	.device_name = sim_device_name, \
	.buf_create = sim_buf_create, \
	.set_creds = sim_set_creds, \
	.acct = sim_acct, \
	.release = sim_release, \
	.close = sim_close, \
	.open_container = sim_open_container, \
	.open_group = sim_open_group, \
	.apply_creds = sim_apply_creds, \
	.device_bind = sim_device_bind, \
	.proc_fork = sim_proc_fork, \
	.proc_use = sim_proc_use, \
	.proc_exit = sim_proc_exit, \
	.mdev_dma = sim_mdev_dma, \
	.device_dma = sim_device_dma, \
	.caps = VF_BACKEND_IN_PROCESS | VF_BACKEND_PROCESSES | VF_BACKEND_MDEV_DMA | \
		VF_BACKEND_DEVICE_DMA

const struct vf_backend_ops vf_sim_type1_ops = {
	.name = "sim-type1",
	.personality = "type1",
	.open = sim_type1_open,
	SIM_COMMON_OPS,
};

const struct vf_backend_ops vf_sim_compat_ops = {
	.name = "sim-compat",
	.personality = "compat",
	.open = sim_compat_open,
	SIM_COMMON_OPS,
};

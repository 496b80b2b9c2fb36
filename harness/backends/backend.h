/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The backend ops table. A backend is where ioctls land: the real kernel
 * (kernel-type1, kernel-compat) or the simulator. Everything above it (struct
 * marshalling, observation, JSON, diff) is shared, so every backend sees the
 * same bytes and is judged by the same code.
 */
#ifndef VF_BACKEND_H
#define VF_BACKEND_H

#include <jansson.h>
#include "lang/case.h"

struct vf_backend_ops;

/* Per-case state, owned by the runner's child process. */
struct vf_ctx {
	const struct vf_backend_ops *ops;
	const struct vf_case *c;
	int container;			/* handle; -1 when not open */
	int group[VF_MAX_GROUPS];	/* handle per topology group g0..; -1 when not open */
	int containers[VF_MAX_CONTAINERS]; /* c1..c3 from OPEN_CONTAINER, -1 when not open;
					    * [0] is unused: c0 is container */
	void *priv;			/* backend state */
	char err[256];			/* why open() or buf_create() failed */
};

/* A buffer as created for one case. */
struct vf_buf_inst {
	void *addr;
	uint64_t size;
	int err;			/* errno when it could not be created */
};

/* What a backend is, declared in its ops table rather than guessed from its name. */
enum vf_backend_cap {
	VF_BACKEND_IN_PROCESS	= 1u << 0,	/* safe to run in the caller's process */
	VF_BACKEND_PROCESSES	= 1u << 1,	/* models FORK's processes itself (proc_*) */
	VF_BACKEND_MDEV_DMA	= 1u << 2,	/* an emulated vendor driver (mdev_dma) */
	VF_BACKEND_OS_PROCESSES	= 1u << 3,	/* its handles survive fork(): FORK forks */
	VF_BACKEND_DEVICE_DMA	= 1u << 4,	/* a device's own DMA engine (device_dma) */
};

/*
 * The most one DEVICE_DMA step moves (edu's buffer is 4 KiB), and the most
 * one transfer of the engine does (QEMU 7.2's edu cannot use its buffer's
 * last byte): a step is done in chunks.
 */
#define VF_DMA_ENGINE_SIZE	4096u
#define VF_DMA_CHUNK		2048u
#define VF_DMA_MAX_FAULTS	4

/* An IOMMU fault the (guest) kernel reported for a device's DMA. */
struct vf_dma_fault {
	char type[32];			/* "DMA Read", "DMA Write" */
	char requester[16];		/* bus:dev.fn the IOMMU saw ("00:03.0": a bridge) */
	uint64_t addr;			/* the faulting address (page) */
	char reason[16];		/* the driver's fault reason: "0x06", "page" */
	char text[80];			/* the driver's words for it */
};

/* What a DEVICE_DMA transfer did. */
struct vf_dma_result {
	bool completed;			/* the engine said done within the time limit */
	struct vf_dma_fault faults[VF_DMA_MAX_FAULTS];
	unsigned n_faults;
	bool faults_lost;		/* more than VF_DMA_MAX_FAULTS, or the log dropped some */
};

struct vf_backend_ops {
	const char *name;		/* "kernel-type1" */
	const char *personality;	/* "type1" or "compat" */
	unsigned caps;			/* enum vf_backend_cap */
	/* Is this topology present here? NULL when yes, else why not. */
	const char *(*topo_missing)(enum vf_topo topo);
	/* Open the container and the case's groups; -errno on failure. */
	int (*open)(struct vf_ctx *ctx);
	/* ioctl on a handle: the return value, or -1 with errno set. */
	long (*ioctl)(struct vf_ctx *ctx, int handle, unsigned long request, void *arg);
	/* Close a handle an ioctl returned (a device fd). */
	void (*close_handle)(struct vf_ctx *ctx, int handle);
	/* Name of device `index` of topology group g (for GROUP_GET_DEVICE_FD). */
	const char *(*device_name)(struct vf_ctx *ctx, unsigned g, unsigned index);
	int (*buf_create)(struct vf_ctx *ctx, const struct vf_buf *b, struct vf_buf_inst *out);
	/* Drop to the case's credentials and memlock limit; -errno on failure. */
	int (*set_creds)(struct vf_ctx *ctx);
	/* Accounting snapshot into acct (VmLck, VmPin, ...). */
	void (*acct)(struct vf_ctx *ctx, json_t *acct);
	/*
	 * The leak check's per-user counter (the probe's user_locked_vm, in kB,
	 * of the uid the process has when it reads): a descriptor opened before
	 * the case changes credentials, then read before and after. NULL, or
	 * -1 from open, when the backend has none.
	 */
	int (*user_counter_open)(void);
	bool (*user_counter_read)(int fd, uint32_t *uid, unsigned long long *kb);
	const char *(*release)(void);	/* kernel release (or sim profile) */
	void (*close)(struct vf_ctx *ctx);
	/* Open one more container (OPEN_CONTAINER): a handle, or -errno. */
	int (*open_container)(struct vf_ctx *ctx);
	/* Open topology group g's node again (OPEN_GROUP): a handle, or -errno. */
	int (*open_group)(struct vf_ctx *ctx, unsigned g);
	/* Change credentials and/or RLIMIT_MEMLOCK of the calling process; -errno. */
	int (*apply_creds)(struct vf_ctx *ctx, const struct vf_creds *cr);
	/* Unbind (bind false) or bind device `index` of group g from/to its driver. */
	int (*device_bind)(struct vf_ctx *ctx, unsigned g, unsigned index, bool bind);
	/*
	 * Called by the runner, in its own process, after a case that unbound
	 * devices: put every device of the case's topology back on its driver, even
	 * when the case died before it could. NULL when there is nothing to do.
	 */
	void (*restore)(const struct vf_case *c);
	/*
	 * The case's processes (harness/exec/procs.c, one model for all
	 * backends). A backend with VF_BACKEND_PROCESSES models them itself:
	 * FORK calls proc_fork(pN), pN's steps run here between proc_use(pN) and
	 * proc_use(p0), EXIT calls proc_exit(pN); 0 or -errno. One with
	 * VF_BACKEND_OS_PROCESSES leaves them NULL: FORK fork()s, and the new
	 * process shares the backend's objects (its handles refer to the same
	 * containers and groups) but has its own memory and accounting. With
	 * neither, FORK records ENOSYS.
	 */
	int (*proc_fork)(struct vf_ctx *ctx, unsigned n);
	int (*proc_use)(struct vf_ctx *ctx, unsigned n);
	int (*proc_exit)(struct vf_ctx *ctx, unsigned n);
	/*
	 * MDEV_DMA: make the open emulated device of the topology pin, unpin
	 * (npages = size / 4K), read or write (size bytes) at iova through the
	 * container, as a vendor driver does. Returns the kernel's result (pages
	 * pinned, 0, or -errno); *sum is the byte sum of what a read returned.
	 * NULL (or -ENOSYS): no such device here.
	 */
	long (*mdev_dma)(struct vf_ctx *ctx, enum vf_mdev_op op, uint64_t iova, uint64_t size,
			 uint64_t *sum);
	/*
	 * DEVICE_DMA: the device behind device fd `handle` moves size bytes
	 * (1..VF_DMA_CHUNK) between iova, through
	 * its IOMMU, and its own buffer at dev_off: write true makes it write
	 * memory (device to host), false read it (host to device). Fills res
	 * with completion and the IOMMU faults reported for this transfer only;
	 * 0 or -errno when the transfer could not be started at all.
	 */
	int (*device_dma)(struct vf_ctx *ctx, int handle, bool write, uint64_t iova,
			  uint32_t dev_off, uint32_t size, struct vf_dma_result *res);
};

static inline int *vf_container_slot(struct vf_ctx *ctx, unsigned n)
{
	return n ? &ctx->containers[n] : &ctx->container;
}

const struct vf_backend_ops *vf_backend_find(const char *name);
/* "kernel-type1, kernel-compat" for usage messages. */
const char *vf_backend_names(void);
/* The i-th backend of the table, NULL past the last. */
const struct vf_backend_ops *vf_backend_at(unsigned i);

#endif

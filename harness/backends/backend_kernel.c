// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel backends: real ioctls on a real kernel. kernel-type1 opens the
 * legacy container /dev/vfio/vfio; kernel-compat opens /dev/iommu, whose
 * ioctl handler passes the VFIO container ioctls to iommufd's vfio_compat.c,
 * and attaches groups to it with VFIO_GROUP_SET_CONTAINER.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/vfio.h>
#include "backends/backend.h"
#include "backends/edu_dma.h"
#include "backends/iommu_faults.h"
#include "exec/guard_map.h"
#include "lang/names.h"
#include "lang/topology.h"

struct kernel_priv {
	int device_fd;		/* for bar buffers */
	int probe_fd;		/* the reference kernel's accounting probe, -1 when absent */
	int mdev_dma_fd;	/* its mtty DMA trigger, -1 when absent */
	int kmsg_fd;		/* the kernel log, for DEVICE_DMA's IOMMU faults */
	const char *container_path;
	/* BAR mmaps: each holds the device file open until it is unmapped */
	struct { void *addr; uint64_t size; } bars[VF_MAX_BUFS];
	unsigned n_bars;
};

/*
 * The in-kernel probe (ref-kernel/patches/): the reader's per-user locked
 * pages. Opened once while still root (debugfs is 0700) and re-read with
 * pread, which reports the reading process's counts even after a setuid.
 */
#define PROBE_PATH "/sys/kernel/debug/vfconform/acct"
/* The reference kernel's mtty can be told to pin, unpin, read and write (MDEV_DMA). */
#define MTTY_DMA_PATH "/sys/kernel/debug/vfconform_mtty/dma"

static const char *kernel_topo_missing(enum vf_topo t)
{
	static char why[160];
	char node[64];
	const char *reason;
	int err = vf_topo_group_node(t, 0, node, sizeof(node), &reason);

	if (err) {
		snprintf(why, sizeof(why), "topology %s: g0: %s", vf_topo_name(t), reason);
		return why;
	}
	/* the same device serves vtd and noiommu; the boot decides which */
	if ((t == VF_TOPO_NOIOMMU) != (strstr(node, "noiommu-") != NULL))
		return t == VF_TOPO_NOIOMMU ? "topology noiommu: g0 is behind an IOMMU" :
					      "topology needs an IOMMU: g0 is a no-IOMMU group";
	return NULL;
}

static int kernel_open(struct vf_ctx *ctx, const char *container_path)
{
	const struct vf_case *c = ctx->c;
	struct kernel_priv *kp = calloc(1, sizeof(*kp));

	if (!kp)
		return -ENOMEM;
	kp->device_fd = -1;
	kp->container_path = container_path;
	kp->probe_fd = open(PROBE_PATH, O_RDONLY | O_CLOEXEC);
	kp->mdev_dma_fd = c->topo == VF_TOPO_MDEV ? open(MTTY_DMA_PATH, O_RDWR | O_CLOEXEC) : -1;
	/* opened while root: reading it needs CAP_SYSLOG only at open */
	kp->kmsg_fd = vf_faults_open();
	if (getenv("VFCONFORM_EDU_BREAK"))
		vf_edu_breakage = (unsigned)strtoul(getenv("VFCONFORM_EDU_BREAK"), NULL, 0);
	ctx->priv = kp;
	ctx->container = open(container_path, O_RDWR | O_CLOEXEC);
	if (ctx->container < 0) {
		int err = errno;

		snprintf(ctx->err, sizeof(ctx->err), "open %s: %s", container_path,
			 strerror(err));
		return -err;
	}
	for (unsigned i = 0; i < c->n_groups; i++) {
		char node[64];
		const char *why;
		unsigned g = c->groups[i];
		int err = vf_topo_group_node(c->topo, g, node, sizeof(node), &why);

		if (err) {
			snprintf(ctx->err, sizeof(ctx->err), "g%u: %s", g, why);
			return err;
		}
		ctx->group[g] = open(node, O_RDWR | O_CLOEXEC);
		if (ctx->group[g] < 0) {
			err = errno;
			snprintf(ctx->err, sizeof(ctx->err), "open %s: %s", node, strerror(err));
			return -err;
		}
	}
	return 0;
}

static int type1_open(struct vf_ctx *ctx)
{
	return kernel_open(ctx, "/dev/vfio/vfio");
}

static int compat_open(struct vf_ctx *ctx)
{
	return kernel_open(ctx, "/dev/iommu");
}

static long kernel_ioctl(struct vf_ctx *ctx, int handle, unsigned long request, void *arg)
{
	(void)ctx;
	return ioctl(handle, request, arg);
}

static void kernel_close_handle(struct vf_ctx *ctx, int handle)
{
	(void)ctx;
	close(handle);
}

static const char *kernel_device_name(struct vf_ctx *ctx, unsigned g, unsigned index)
{
	const struct vf_topo_group *tg = vf_topo_group(ctx->c->topo, g);

	if (!tg || index >= VF_MAX_DEVS)
		return NULL;
	return tg->devs[index];
}

static int bar_create(struct vf_ctx *ctx, const struct vf_buf *b, struct vf_buf_inst *out)
{
	struct kernel_priv *kp = ctx->priv;
	struct vfio_region_info ri = { .argsz = sizeof(ri), .index = b->bar };
	unsigned g = ctx->c->groups[0];
	const char *dev = kernel_device_name(ctx, g, 0);
	void *p;

	if (kp->device_fd < 0)
		kp->device_fd = ioctl(ctx->group[g], VFIO_GROUP_GET_DEVICE_FD, dev);
	if (kp->device_fd < 0) {
		out->err = errno;
		snprintf(ctx->err, sizeof(ctx->err), "GROUP_GET_DEVICE_FD %s: %s", dev,
			 strerror(errno));
		return -out->err;
	}
	if (ioctl(kp->device_fd, VFIO_DEVICE_GET_REGION_INFO, &ri)) {
		out->err = errno;
		snprintf(ctx->err, sizeof(ctx->err), "GET_REGION_INFO bar%u: %s", b->bar,
			 strerror(errno));
		return -out->err;
	}
	out->size = b->size ? b->size : ri.size;
	if (!(ri.flags & VFIO_REGION_INFO_FLAG_MMAP) || out->size > ri.size) {
		out->err = EINVAL;
		snprintf(ctx->err, sizeof(ctx->err), "bar%u: not mmap-able or smaller than %llu",
			 b->bar, (unsigned long long)out->size);
		return -EINVAL;
	}
	p = vf_map_guarded(out->size, PROT_READ | PROT_WRITE, false, kp->device_fd,
			   (off_t)ri.offset);
	if (p == MAP_FAILED) {
		out->err = errno;
		snprintf(ctx->err, sizeof(ctx->err), "mmap bar%u: %s", b->bar, strerror(errno));
		return -out->err;
	}
	kp->bars[kp->n_bars].addr = p;
	kp->bars[kp->n_bars++].size = out->size;
	out->addr = p;
	return 0;
}

/*
 * An "unmapped" buffer must stay unmapped for the whole case, but a freed hole
 * in the mmap area is refilled by the next mmap (the MAPPED probe buffer, say).
 * So it lives far below where top-down mmap allocation ever reaches, at an
 * address that is the same on every run.
 */
#define UNMAPPED_BASE	0x200000000000ull
#define UNMAPPED_STRIDE	0x100000000ull

static int unmapped_create(struct vf_ctx *ctx, const struct vf_buf *b, struct vf_buf_inst *out)
{
	unsigned index = b - ctx->c->bufs;
	void *want = (void *)(uintptr_t)(UNMAPPED_BASE + index * UNMAPPED_STRIDE);
	void *p = mmap(want, b->size, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED || p != want) {
		out->err = p == MAP_FAILED ? errno : EEXIST;
		snprintf(ctx->err, sizeof(ctx->err), "%s: address %p is not free", b->name, want);
		if (p != MAP_FAILED)
			munmap(p, b->size);
		return -out->err;
	}
	munmap(p, b->size);
	out->addr = p;
	return 0;
}

static int kernel_buf_create(struct vf_ctx *ctx, const struct vf_buf *b, struct vf_buf_inst *out)
{
	void *p;

	memset(out, 0, sizeof(*out));
	out->size = b->size;
	if (b->kind == VF_BUF_BAR)
		return bar_create(ctx, b, out);
	if (b->kind == VF_BUF_UNMAPPED)
		return unmapped_create(ctx, b, out);
	if (b->kind == VF_BUF_HUGE) {
		p = mmap(NULL, b->size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_POPULATE, -1, 0);
		if (p == MAP_FAILED) {
			out->err = errno;
			snprintf(ctx->err, sizeof(ctx->err), "mmap %s (hugetlb): %s", b->name,
				 strerror(errno));
			return -out->err;
		}
		out->addr = p;
		return 0;
	}
	/* populated, so pinning never depends on what was touched first */
	p = vf_map_guarded(b->size, PROT_READ | PROT_WRITE, true, -1, 0);
	if (p == MAP_FAILED) {
		out->err = errno;
		snprintf(ctx->err, sizeof(ctx->err), "mmap %s: %s", b->name, strerror(errno));
		return -out->err;
	}
	if (b->kind == VF_BUF_RO && mprotect(p, b->size, PROT_READ)) {
		out->err = errno;
		snprintf(ctx->err, sizeof(ctx->err), "mprotect %s: %s", b->name, strerror(errno));
		return -out->err;
	}
	out->addr = p;
	return 0;
}

static int drop_cap(cap_value_t v)
{
	cap_t caps = cap_get_proc();
	int ret = -1;

	if (!caps)
		return -errno;
	if (!cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_CLEAR) &&
	    !cap_set_flag(caps, CAP_PERMITTED, 1, &v, CAP_CLEAR) &&
	    !cap_set_flag(caps, CAP_INHERITABLE, 1, &v, CAP_CLEAR))
		ret = cap_set_proc(caps);
	cap_free(caps);
	return ret ? -errno : 0;
}

static int apply(struct vf_ctx *ctx, const struct vf_creds *c)
{
	if (c->has_memlock) {
		struct rlimit rl = { c->memlock, c->memlock };

		if (c->memlock == UINT64_MAX)
			rl.rlim_cur = rl.rlim_max = RLIM_INFINITY;
		if (setrlimit(RLIMIT_MEMLOCK, &rl)) {
			snprintf(ctx->err, sizeof(ctx->err), "setrlimit: %s", strerror(errno));
			return -errno;
		}
	}
	if (!c->has_cred)
		return 0;
	switch (c->cred) {
	case VF_CRED_ROOT:
		return 0;
	case VF_CRED_NOCAP:
		if (drop_cap(CAP_IPC_LOCK)) {
			snprintf(ctx->err, sizeof(ctx->err), "drop CAP_IPC_LOCK: %s",
				 strerror(errno));
			return -errno;
		}
		return 0;
	case VF_CRED_NORAWIO:
		/* no-IOMMU groups and SET_IOMMU(NOIOMMU) want CAP_SYS_RAWIO */
		if (drop_cap(CAP_SYS_RAWIO)) {
			snprintf(ctx->err, sizeof(ctx->err), "drop CAP_SYS_RAWIO: %s",
				 strerror(errno));
			return -errno;
		}
		return 0;
	case VF_CRED_UID:
		if (setgroups(0, NULL) || setresgid(c->uid, c->uid, c->uid) ||
		    setresuid(c->uid, c->uid, c->uid)) {
			snprintf(ctx->err, sizeof(ctx->err), "setuid %u: %s", c->uid,
				 strerror(errno));
			return -errno;
		}
		return 0;
	}
	return -EINVAL;
}

static int kernel_set_creds(struct vf_ctx *ctx)
{
	const struct vf_case *c = ctx->c;
	struct vf_creds cr = {
		.cred = c->cred, .uid = c->uid, .has_cred = true,
		.has_memlock = c->has_memlock, .memlock = c->memlock,
	};

	return apply(ctx, &cr);
}

static int kernel_apply_creds(struct vf_ctx *ctx, const struct vf_creds *cr)
{
	return apply(ctx, cr);
}

/* user_locked_vm of the probe, in kB like VmLck; false without the probe. */
/* The probe's uid and user_locked_vm (in kB, like VmLck); false without the probe. */
static bool probe_read(int fd, uint32_t *uid, unsigned long long *kb)
{
	char buf[256], *at;
	unsigned long long pages;
	unsigned u;
	ssize_t n;

	if (fd < 0)
		return false;
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return false;
	buf[n] = 0;
	at = strstr(buf, "\nuser_locked_vm ");
	if (sscanf(buf, "uid %u", &u) != 1 || !at ||
	    sscanf(at, "\nuser_locked_vm %llu", &pages) != 1)
		return false;
	*uid = u;
	*kb = pages * (unsigned long long)(sysconf(_SC_PAGESIZE) / 1024);
	return true;
}

static bool probe_user_locked(struct kernel_priv *kp, unsigned long long *kb)
{
	uint32_t uid;

	return kp && probe_read(kp->probe_fd, &uid, kb);
}

/* The leak check's descriptor: opened as root, it still reads after a uid switch. */
static int kernel_user_counter_open(void)
{
	return open(PROBE_PATH, O_RDONLY | O_CLOEXEC);
}

/* VmLck and VmPin of /proc/self/status, in kB; user_locked from the probe. */
static void kernel_acct(struct vf_ctx *ctx, json_t *acct)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	unsigned long long ul;

	if (probe_user_locked(ctx->priv, &ul))
		json_object_set_new(acct, "user_locked", json_integer((json_int_t)ul));
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long kb;

		if (sscanf(line, "VmLck: %llu kB", &kb) == 1)
			json_object_set_new(acct, "VmLck", json_integer((json_int_t)kb));
		else if (sscanf(line, "VmPin: %llu kB", &kb) == 1)
			json_object_set_new(acct, "VmPin", json_integer((json_int_t)kb));
	}
	fclose(f);
}

static const char *kernel_release(void)
{
	static struct utsname u;

	if (!u.release[0] && uname(&u))
		return "unknown";
	return u.release;
}

static void kernel_close(struct vf_ctx *ctx)
{
	struct kernel_priv *kp = ctx->priv;

	/*
	 * A BAR mapping keeps the device file, and through it the container
	 * with its pinned pages, alive after close(): the leak check after the
	 * case found exactly that (VmLck stayed up in every case with a bar).
	 */
	for (unsigned i = 0; kp && i < kp->n_bars; i++)
		munmap(kp->bars[i].addr, kp->bars[i].size);
	if (kp && kp->device_fd >= 0)
		close(kp->device_fd);
	if (kp && kp->probe_fd >= 0)
		close(kp->probe_fd);
	if (kp && kp->mdev_dma_fd >= 0)
		close(kp->mdev_dma_fd);
	if (kp && kp->kmsg_fd >= 0)
		close(kp->kmsg_fd);
	for (unsigned i = 1; i < VF_MAX_CONTAINERS; i++)
		if (ctx->containers[i] >= 0)
			close(ctx->containers[i]);
	for (unsigned g = 0; g < VF_MAX_GROUPS; g++)
		if (ctx->group[g] >= 0)
			close(ctx->group[g]);
	if (ctx->container >= 0)
		close(ctx->container);
	free(kp);
	ctx->priv = NULL;
}

static int kernel_open_container(struct vf_ctx *ctx)
{
	struct kernel_priv *kp = ctx->priv;
	int fd = open(kp->container_path, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static int kernel_open_group(struct vf_ctx *ctx, unsigned g)
{
	char node[64];
	const char *why;
	int err = vf_topo_group_node(ctx->c->topo, g, node, sizeof(node), &why);
	int fd;

	if (err)
		return err;
	fd = open(node, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int write_sysfs(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	err = n < 0 ? -errno : 0;
	close(fd);
	return err;
}

/*
 * Unbind through the device's current driver; bind through drivers_probe,
 * which honours the driver_override (vfio-pci) that the guest's init set.
 */
static int bind_dev(const char *bus, const char *dev, bool bind)
{
	char path[160];

	if (bind) {
		snprintf(path, sizeof(path), "/sys/bus/%s/devices/%s/driver", bus, dev);
		if (access(path, F_OK) == 0)
			return -EALREADY;
		snprintf(path, sizeof(path), "/sys/bus/%s/drivers_probe", bus);
		return write_sysfs(path, dev);
	}
	snprintf(path, sizeof(path), "/sys/bus/%s/devices/%s/driver/unbind", bus, dev);
	return write_sysfs(path, dev);
}

static int kernel_device_bind(struct vf_ctx *ctx, unsigned g, unsigned index, bool bind)
{
	const struct vf_topo_group *tg = vf_topo_group(ctx->c->topo, g);

	if (!tg || index >= VF_MAX_DEVS || !tg->devs[index])
		return -ENODEV;
	return bind_dev(tg->mdev ? "mdev" : "pci", tg->devs[index], bind);
}

static void kernel_restore(const struct vf_case *c)
{
	for (unsigned g = 0; g < VF_MAX_GROUPS; g++) {
		const struct vf_topo_group *tg = vf_topo_group(c->topo, g);

		for (unsigned i = 0; tg && i < VF_MAX_DEVS && tg->devs[i]; i++) {
			int err = bind_dev(tg->mdev ? "mdev" : "pci", tg->devs[i], true);

			if (err && err != -EALREADY)
				fprintf(stderr, "vfconform: cannot rebind %s: %s\n", tg->devs[i],
					strerror(-err));
		}
	}
}

static long kernel_mdev_dma(struct vf_ctx *ctx, enum vf_mdev_op op, uint64_t iova,
			    uint64_t size, uint64_t *sum)
{
	static const char *const verbs[] = { "pin", "unpin", "read", "write" };
	struct kernel_priv *kp = ctx->priv;
	unsigned long long s = 0;
	char cmd[96], res[96];
	long ret;
	ssize_t n;
	int len;

	if (!kp || kp->mdev_dma_fd < 0)
		return -ENOSYS;
	if (op == VF_MDEV_PIN || op == VF_MDEV_UNPIN)
		size /= 4096;
	len = snprintf(cmd, sizeof(cmd), "%s %llx %llx", verbs[op], (unsigned long long)iova,
		       (unsigned long long)size);
	if (pwrite(kp->mdev_dma_fd, cmd, len, 0) != len)
		return -errno;
	n = pread(kp->mdev_dma_fd, res, sizeof(res) - 1, 0);
	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	res[n] = 0;
	if (sscanf(res, "ret %ld sum %llu", &ret, &s) != 2)
		return -EIO;
	*sum = s;
	return ret;
}

static int kernel_device_dma(struct vf_ctx *ctx, int handle, bool write, uint64_t iova,
			     uint32_t dev_off, uint32_t size, struct vf_dma_result *res)
{
	struct kernel_priv *kp = ctx->priv;

	return vf_edu_dma(handle, kp ? kp->kmsg_fd : -1, write, iova, dev_off, size, res);
}

#define KERNEL_COMMON_OPS \
	.topo_missing = kernel_topo_missing, \
	.ioctl = kernel_ioctl, \
	.close_handle = kernel_close_handle, \
	.device_name = kernel_device_name, \
	.buf_create = kernel_buf_create, \
	.set_creds = kernel_set_creds, \
	.acct = kernel_acct, \
	.release = kernel_release, \
	.close = kernel_close, \
	.open_container = kernel_open_container, \
	.open_group = kernel_open_group, \
	.apply_creds = kernel_apply_creds, \
	.device_bind = kernel_device_bind, \
	.restore = kernel_restore, \
	.user_counter_open = kernel_user_counter_open, \
	.user_counter_read = probe_read, \
	.mdev_dma = kernel_mdev_dma, \
	.device_dma = kernel_device_dma, \
	.caps = VF_BACKEND_MDEV_DMA | VF_BACKEND_OS_PROCESSES | VF_BACKEND_DEVICE_DMA

const struct vf_backend_ops vf_kernel_type1_ops = {
	.name = "kernel-type1",
	.personality = "type1",
	.open = type1_open,
	KERNEL_COMMON_OPS,
};

const struct vf_backend_ops vf_kernel_compat_ops = {
	.name = "kernel-compat",
	.personality = "compat",
	.open = compat_open,
	KERNEL_COMMON_OPS,
};

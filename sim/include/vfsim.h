/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libvfsim: a userspace model of what Linux 6.12 does behind the VFIO
 * container ioctls, with two personalities: the legacy type1 container
 * (/dev/vfio/vfio) and iommufd's VFIO compat layer (/dev/iommu).
 *
 * A struct vfsim is one simulated machine: a topology of devices and IOMMU
 * groups, processes (credentials, RLIMIT_MEMLOCK, an address space of
 * registered regions, locked_vm and pinned_vm), users (their locked pages)
 * and handles that stand for file descriptors. vfsim_ioctl() takes the very
 * request numbers and argument structs of <linux/vfio.h> and
 * <linux/iommufd.h> and answers as the kernel would: validation in the
 * kernel's order, so the first failing check decides the errno.
 *
 * Nothing here touches a real device or the real process: pointers passed
 * in ioctl arguments are read and written (the caller owns them), addresses
 * inside MAP_DMA are only looked up in the simulated address space. The one
 * exception is a simulated device's DMA (vfsim_device_dma()): it moves the
 * real memory at the addresses its mappings were pinned from, as the device
 * would, so they must be real memory of this process.
 */
#ifndef VFSIM_H
#define VFSIM_H

#include <stdbool.h>
#include <stdint.h>

#define VFSIM_RELEASE		"sim-6.12"
#define VFSIM_MAX_GROUPS	4
#define VFSIM_MAX_DEVS		4

enum vfsim_personality { VFSIM_TYPE1, VFSIM_COMPAT };

/* The QEMU machines of ref-kernel/ (see CONTRIBUTING.md, Topologies). */
enum vfsim_topo { VFSIM_TOPO_VTD, VFSIM_TOPO_MDEV, VFSIM_TOPO_MULTI, VFSIM_TOPO_NOIOMMU };

/* What the simulated process has at an address. */
enum vfsim_mem_kind {
	VFSIM_MEM_ANON,		/* populated, read-write */
	VFSIM_MEM_RO,		/* populated, PROT_READ */
	VFSIM_MEM_PFNMAP,	/* a device BAR: VM_PFNMAP, no struct page */
};

/* Knobs a user may vary; vfsim_params_default() gives the 6.12 reference machine. */
struct vfsim_params {
	const char *profile;		/* kernel version profile: "6.12" */
	uint32_t dma_entry_limit;	/* vfio_iommu_type1 module parameter (65535) */
	uint64_t iommu_pgsizes;		/* page sizes of an IOMMU domain (VT-d: 4K|2M|1G) */
	unsigned aperture_bits;		/* domain aperture is [0, 2^bits - 1] (39) */
	uint64_t msi_start, msi_last;	/* the x86 MSI window, a reserved region */
	uint64_t page_size;		/* CPU page size (4096) */
	uint64_t default_memlock;	/* RLIMIT_MEMLOCK of a new process, bytes (8M) */
};

struct vfsim;

void vfsim_params_default(struct vfsim_params *p);
/* A machine with topology t; p may be NULL for the defaults. NULL on bad input. */
struct vfsim *vfsim_new(enum vfsim_topo t, const struct vfsim_params *p);
void vfsim_free(struct vfsim *s);
const char *vfsim_release(void);

/* Name of device index of group g ("0000:00:02.0"), NULL when there is none. */
const char *vfsim_device_name(const struct vfsim *s, unsigned g, unsigned index);

/*
 * Processes and users. Process 0 (uid 0, CAP_IPC_LOCK and CAP_SYS_RAWIO, the
 * default memlock) exists from the start and is current; handles are shared
 * by all processes, as fds passed over a socket would be.
 */
int vfsim_proc_new(struct vfsim *s, uint32_t uid);	/* process id or -errno */
int vfsim_proc_use(struct vfsim *s, int proc);		/* make it current; 0 or -EINVAL */
/*
 * fork(): a new process with the current one's credentials, limit and a copy
 * of its address space; locked_vm and pinned_vm start at 0 (they belong to
 * the mm). Returns its id or -errno. vfsim_proc_exit() ends one: its mm goes
 * away, mappings it made keep their pins (the kernel holds them).
 */
int vfsim_proc_fork(struct vfsim *s);
int vfsim_proc_exit(struct vfsim *s, int proc);
/*
 * Unbind (bind = false) or bind device index of group g from/to its vfio
 * driver. An open device cannot be unbound (the kernel would wait): -EBUSY.
 * When the last device of a group goes, the group loses its IOMMU group:
 * its container is released and its ioctls answer ENODEV.
 */
int vfsim_device_bind(struct vfsim *s, unsigned g, unsigned index, bool bind);
/* Credentials of the current process. memlock is bytes, UINT64_MAX for unlimited. */
void vfsim_set_creds(struct vfsim *s, uint32_t uid, bool cap_ipc_lock, bool cap_sys_rawio);
void vfsim_set_memlock(struct vfsim *s, uint64_t memlock);
uint64_t vfsim_get_memlock(const struct vfsim *s);
/* Register [vaddr, vaddr + size) in the current process; 0 or -errno (EINVAL, EEXIST). */
int vfsim_mem_add(struct vfsim *s, uint64_t vaddr, uint64_t size, enum vfsim_mem_kind kind);
/* VmLck and VmPin of the current process, in kB, as /proc/PID/status shows them. */
void vfsim_acct(const struct vfsim *s, uint64_t *vmlck_kb, uint64_t *vmpin_kb);
/* Pages user uid has locked (per-user locked_vm, iommufd's charge). */
uint64_t vfsim_user_locked(const struct vfsim *s, uint32_t uid);
/* The current process's user's locked_vm in kB (what the reference kernel's probe reads). */
uint64_t vfsim_acct_user(const struct vfsim *s);
/* Credentials of the current process, for changing one of them. */
void vfsim_get_creds(const struct vfsim *s, uint32_t *uid, bool *cap_ipc_lock,
		     bool *cap_sys_rawio);

/*
 * The reference kernel's mtty (ref-kernel/patches/0002): make the open mtty
 * device pin or unpin n pages, or read or write n bytes (filled with 0x5a),
 * at iova through its container, as a vendor driver does. Returns pages
 * pinned, 0 or -errno (ENODEV: no mtty open); *sum is the byte sum a read got.
 */
enum vfsim_mdev_op { VFSIM_MDEV_PIN, VFSIM_MDEV_UNPIN, VFSIM_MDEV_READ, VFSIM_MDEV_WRITE };
long vfsim_mdev_dma(struct vfsim *s, enum vfsim_mdev_op op, uint64_t iova, uint64_t n,
		    uint64_t *sum);

/*
 * A physical device's own DMA engine (QEMU's edu: a 4 KiB buffer, zero at
 * power-on) moves len bytes between its buffer at dev_off and iova (len
 * >= 1 and dev_off + len < 4096: QEMU 7.2's edu takes no more), as the
 * IOMMU domain its device is attached to translates iova, page by page. write makes the device
 * write memory (buffer to iova), else it reads memory into its buffer.
 * device_handle is a handle GROUP_GET_DEVICE_FD returned. Returns 0 when
 * the IOMMU reported no fault, 1 when it did (*fault is the first one: the
 * emulated VT-d keeps one fault record), or -errno when the transfer could
 * not be started: EBADF (no open device handle), EINVAL (a range the
 * engine refuses), ENODEV (no DMA engine: the mtty), EOPNOTSUPP (a
 * no-IOMMU device: its addresses are physical, which the sim has none of).
 */
struct vfsim_dma_fault {
	bool write;		/* "DMA Write", else "DMA Read" */
	char requester[8];	/* bus:dev.fn the IOMMU saw ("00:03.0": the bridge) */
	uint64_t addr;		/* the faulting page */
	unsigned reason;	/* VT-d fault reason: 0x04, 0x05, 0x06 */
	const char *text;	/* intel-iommu's words for it */
};
long vfsim_device_dma(struct vfsim *s, int device_handle, bool write, uint64_t iova,
		      uint32_t dev_off, uint32_t len, struct vfsim_dma_fault *fault);

/* Handles: small positive integers, like fds. Negative returns are -errno. */
int vfsim_open_container(struct vfsim *s, enum vfsim_personality pers);
/* A group node: one open file at a time (EBUSY), no-IOMMU needs CAP_SYS_RAWIO. */
int vfsim_open_group(struct vfsim *s, unsigned g);
int vfsim_close(struct vfsim *s, int handle);
/*
 * An ioctl on a handle: what the kernel's ioctl would return (>= 0), or
 * -errno. arg is the pointer (or, for CHECK_EXTENSION and SET_IOMMU, the
 * number) the caller would pass to ioctl(2).
 */
long vfsim_ioctl(struct vfsim *s, int handle, unsigned long request, void *arg);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libvfsim internals shared by its files: the machine, its processes, users,
 * groups, devices and handles, and the two container personalities.
 */
#ifndef VFSIM_INT_H
#define VFSIM_INT_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vfsim.h"
#include "itree.h"
#include "u64map.h"
#include "pool.h"

#define VFSIM_MAX_PROCS		8
#define VFSIM_MAX_USERS		8
#define VFSIM_MAX_HANDLES	64
#define VFSIM_MAX_IOAS		8
#define VFSIM_MAX_RANGES	16	/* usable IOVA ranges of a type1 container */
#define VFSIM_MAX_RESV		16	/* reserved IOVA regions of an io_pagetable */
#define VFSIM_HANDLE_BASE	3	/* handles look like fds after stdio */
#define VFSIM_UNLIMITED		UINT64_MAX

struct vfsim_mem {
	struct itree_node node;		/* [vaddr, vaddr + size - 1] */
	enum vfsim_mem_kind kind;
};

struct vfsim_proc {
	bool used;
	bool dead;			/* exited: its slot stays so old charges have an owner */
	uint32_t uid;
	bool cap_ipc_lock, cap_sys_rawio;
	uint64_t memlock;		/* RLIMIT_MEMLOCK in bytes, VFSIM_UNLIMITED */
	uint64_t locked_vm, pinned_vm;	/* pages: VmLck, VmPin */
	struct itree mem;		/* struct vfsim_mem, the address space */
};

struct vfsim_user {
	bool used;
	uint32_t uid;
	uint64_t locked_vm;		/* pages, charged by iommufd's USER mode */
};

enum vfsim_group_type { GROUP_IOMMU, GROUP_EMULATED, GROUP_NOIOMMU };

struct vfsim;
struct vfsim_container;
struct vfsim_device;

/*
 * What a vendor driver registers for its device (vfio_device_ops of
 * include/linux/vfio.h): the core calls open/close_device around the first
 * open and the last close, and an IOMMU backend calls dma_unmap when a
 * mapping the driver may have pinned goes. Any member may be NULL.
 */
struct vfsim_device_ops {
	void (*open_device)(struct vfsim *s, struct vfsim_device *dev);
	void (*close_device)(struct vfsim *s, struct vfsim_device *dev);
	void (*dma_unmap)(struct vfsim *s, struct vfsim_device *dev, uint64_t iova,
			  uint64_t length);
};

struct vfsim_device {
	const char *name;
	const char *requester;		/* bus:dev.fn on its DMA (a bridge's, behind one) */
	uint8_t *dma_buf;		/* edu's DMA buffer, NULL until its first transfer */
	unsigned g, d;			/* its group and its index there */
	unsigned open_count;
	bool unbound;			/* not on its vfio driver: no vfio_device */
	const struct vfsim_device_ops *ops;	/* NULL: a vfio-pci device, no callbacks */
	void *drvdata;
};

struct vfsim_group {
	enum vfsim_group_type type;
	bool gone;				/* every device unbound: no iommu_group */
	struct vfsim_device devs[VFSIM_MAX_DEVS];
	unsigned n_devs;
	struct vfsim_container *container;	/* type1 container or iommufd, NULL */
	unsigned container_users;		/* type1: 1 + open devices */
	unsigned dev_opens;			/* open device fds of this group */
	uint32_t obj_id[VFSIM_MAX_DEVS];	/* compat: iommufd device/access object ids */
	struct vfsim_container *bound[VFSIM_MAX_DEVS];	/* compat: the iommufd a device is bound to */
	int bound_ioas[VFSIM_MAX_DEVS];		/* ... and the IOAS it attached to */
};

/* ---- type1 ---- */

struct t1_dma {
	struct itree_node node;		/* [iova, iova + size - 1] */
	uint64_t vaddr, size;
	int prot;
	bool vaddr_invalid;
	bool iommu_mapped;		/* pinned and in the domains */
	uint64_t pin_vaddr;		/* where the pages in the domain were pinned from */
	bool lock_cap;			/* CAP_IPC_LOCK when mapped */
	int proc;			/* the task that mapped it */
	uint64_t locked;		/* pages charged to the task's locked_vm */
	/* pages a vendor driver pinned (dma->pfn_list): iova and pin count */
	struct t1_vpfn { uint64_t iova; unsigned refs; } *vpfn;
	unsigned n_vpfn, cap_vpfn;
	uint64_t *bitmap;		/* dirty bits while tracking, one word spare */
};

struct t1_range {
	uint64_t start, last;
};

struct t1_iommu {
	bool v2, nesting;
	uint64_t pgsize_bitmap;
	struct itree dmas;
	struct u64map by_iova;		/* the same mappings by start IOVA */
	/*
	 * A mapping ending at 2^64 was linked: from then on the tree may hold
	 * overlapping mappings (itree_insert_vfio()), so by_iova is given up and
	 * every lookup and unmap walks the tree exactly as the kernel does.
	 */
	bool top_mapped;
	struct pool dma_pool;		/* struct t1_dma */
	uint32_t dma_avail;
	unsigned vaddr_invalid_count;
	bool dirty_tracking;
	unsigned n_domain_groups;	/* groups in the (shared) IOMMU domain */
	unsigned n_emulated_groups;
	struct t1_range iova[VFSIM_MAX_RANGES];
	unsigned n_iova;
	/* iommu->device_list: open devices with a dma_unmap op (register_device) */
	struct vfsim_device *devices[VFSIM_MAX_GROUPS * VFSIM_MAX_DEVS];
	unsigned n_devices;
};

/* ---- iommufd compat ---- */

enum pages_account { ACCOUNT_NONE, ACCOUNT_USER };

struct iopt_pages {
	uint64_t uptr;			/* page aligned */
	uint64_t npages;
	bool writable;
	enum pages_account account;
	int proc;
	uint32_t uid;
	unsigned refs;			/* areas referencing these pages */
	uint64_t npinned;		/* pages charged */
	/*
	 * Access pins per page index (value: the count, as a pointer), sparse
	 * like the kernel's xarray: an area may span 2^36 pages of which an
	 * mdev pins two (a dense array was a calloc() the kernel never makes).
	 */
	struct u64map acc;
	uint64_t n_acc;			/* pages with access pins */
};

struct iopt_area {
	struct itree_node node;		/* [iova, last] */
	struct iopt_pages *pages;
	uint64_t start_byte;		/* offset of iova's byte in pages */
	int prot;
	bool filled;			/* pinned into the domain */
	unsigned num_accesses;		/* access pins inside this area */
};

/*
 * What an access (an emulated device's handle on an IOAS) is told through
 * (iommufd_access_ops of include/linux/iommufd.h): unmap asks the owner to
 * let go of its pins in [iova, iova + length) before the area goes.
 */
struct vfsim_access_ops {
	void (*unmap)(struct vfsim *s, void *data, uint64_t iova, uint64_t length);
};

struct iopt_access {
	const struct vfsim_access_ops *ops;
	void *data;
};

#define VFSIM_MAX_ACCESS	(VFSIM_MAX_GROUPS * VFSIM_MAX_DEVS)

struct iopt_resv {
	uint64_t start, last;
	int owner;			/* which device or domain reserved it */
};

struct ioas {
	bool used;
	uint32_t id;
	struct itree areas;
	struct u64map by_iova;		/* the same areas by start IOVA */
	struct pool area_pool, pages_pool;
	struct iopt_resv resv[VFSIM_MAX_RESV];
	unsigned n_resv;
	unsigned n_domains;		/* one IOMMU domain (hwpt) per kind; 0 or 1 here */
	uint64_t domain_pgsizes;
	bool domain_cc;			/* enforce_cache_coherency of the domain */
	struct iopt_access access[VFSIM_MAX_ACCESS];	/* iopt->access_list */
	unsigned n_access;		/* emulated accesses (mdev) */
	uint32_t hwpt_id;		/* object id of the domain's hwpt, 0 when none */
	unsigned hwpt_users;		/* devices attached to that domain */
	uint64_t iova_alignment;
	bool disable_large_pages;
};

struct compat_ctx {
	struct ioas ioas[VFSIM_MAX_IOAS];
	int vfio_ioas;			/* index of the compat IOAS, -1 */
	bool no_iommu_mode;
	uint64_t ids;			/* object ids in use (bit n = id n), as xa_alloc hands them out */
};

/*
 * What an IOMMU domain maps an IOVA to (iommu_iova_to_phys() and the PTE's
 * rights): the address, in the memory pinned for it, that the IOVA's byte
 * stands for, and IOMMU_READ (1) | IOMMU_WRITE (2).
 */
struct vfsim_iopte {
	uint64_t vaddr;
	int prot;
};

/*
 * The IOMMU driver of a legacy container, chosen at SET_IOMMU from the
 * registered ones (vfio_iommu_driver_ops of drivers/vfio/vfio.h): type1
 * (type1.c) and the no-IOMMU driver (container.c). data is what open()
 * gave; ioctl() with data NULL answers CHECK_EXTENSION before any open.
 * pin_pages, unpin_pages, register_device, unregister_device and dma_rw
 * may be NULL. iova_to_phys: what the IOMMU domain of group g holds at
 * iova (0), nothing (-ENOENT), or g is in no domain of this driver
 * (-ENODEV); NULL for a driver without domains.
 */
struct vfsim_iommu_driver_ops {
	const char *name;
	int (*open)(struct vfsim *s, unsigned long arg, void **data);
	void (*release)(struct vfsim *s, void *data);
	long (*ioctl)(struct vfsim *s, void *data, unsigned long req, void *arg);
	int (*attach_group)(struct vfsim *s, void *data, unsigned g);
	void (*detach_group)(struct vfsim *s, void *data, unsigned g);
	long (*pin_pages)(struct vfsim *s, void *data, uint64_t iova, uint64_t npage, int prot);
	void (*unpin_pages)(struct vfsim *s, void *data, uint64_t iova, uint64_t npage);
	void (*register_device)(struct vfsim *s, void *data, struct vfsim_device *dev);
	void (*unregister_device)(struct vfsim *s, void *data, struct vfsim_device *dev);
	int (*dma_rw)(struct vfsim *s, void *data, uint64_t iova, void *buf, uint64_t count,
		      bool write);
	int (*iova_to_phys)(struct vfsim *s, void *data, unsigned g, uint64_t iova,
			    struct vfsim_iopte *pte);
};

/*
 * What the vfio core (sim.c, group.c, vfio_main.c) calls on the file a
 * container fd names: the legacy container (vfio_container_ops, container.c)
 * or an iommufd (iommufd_container_ops, compat.c). Chosen when the file is
 * opened; it stands for the kernel's `if (group->container) ... else if
 * (group->iommufd)` branches of group.c and vfio_main.c.
 *  - open/release: the file's own state, at open and when its last
 *    reference goes; ioctl: every ioctl on the fd;
 *  - attach_group/detach_group: GROUP_SET_CONTAINER, and UNSET_CONTAINER or
 *    the group's last fd (detach may be NULL);
 *  - open_device: a device's first open through a group set to this file
 *    (vfio_device_group_use_iommu() or vfio_df_iommufd_bind());
 *    unuse_device: its last close, on the group's container (legacy);
 *    unbind_device: its last close, on the file it bound to (iommufd);
 *  - pin_pages/unpin_pages/dma_rw: a vendor driver's vfio_pin_pages() etc.
 *    for dev, on the file serving its DMA (vfio_main.c picks it);
 *  - iova_to_phys: what the IOMMU domain this file attached dev to maps at
 *    iova, for the device's own DMA (0, -ENOENT, or -ENODEV: no domain).
 * serves_group: vfio_device_has_container(); a legacy container serves the
 * DMA of every device of its groups, an iommufd only of devices bound to it.
 */
struct vfsim_container_ops {
	bool serves_group;
	int (*open)(struct vfsim *s, struct vfsim_container *c);
	void (*release)(struct vfsim *s, struct vfsim_container *c);
	long (*ioctl)(struct vfsim *s, struct vfsim_container *c, unsigned long req, void *arg);
	int (*attach_group)(struct vfsim *s, struct vfsim_container *c, unsigned g);
	void (*detach_group)(struct vfsim *s, struct vfsim_container *c, unsigned g);
	int (*open_device)(struct vfsim *s, struct vfsim_container *c, struct vfsim_device *dev);
	void (*unuse_device)(struct vfsim *s, struct vfsim_container *c,
			     struct vfsim_device *dev);
	void (*unbind_device)(struct vfsim *s, struct vfsim_container *c,
			      struct vfsim_device *dev);
	long (*pin_pages)(struct vfsim *s, struct vfsim_container *c, struct vfsim_device *dev,
			  uint64_t iova, uint64_t npage, int prot);
	void (*unpin_pages)(struct vfsim *s, struct vfsim_container *c, struct vfsim_device *dev,
			    uint64_t iova, uint64_t npage);
	int (*dma_rw)(struct vfsim *s, struct vfsim_container *c, struct vfsim_device *dev,
		      uint64_t iova, void *buf, uint64_t count, bool write);
	int (*iova_to_phys)(struct vfsim *s, struct vfsim_container *c, struct vfsim_device *dev,
			    uint64_t iova, struct vfsim_iopte *pte);
};

struct vfsim_container {
	enum vfsim_personality pers;
	const struct vfsim_container_ops *ops;
	unsigned refs;			/* handle + attached groups */
	unsigned group_mask;		/* attached groups */
	/* legacy container: the driver SET_IOMMU chose, NULL before */
	const struct vfsim_iommu_driver_ops *iommu_driver;
	void *iommu_data;
	bool noiommu;
	/* iommufd */
	struct compat_ctx *cx;
};

enum handle_kind { H_FREE, H_CONTAINER, H_GROUP, H_DEVICE };

struct vfsim_handle {
	enum handle_kind kind;
	unsigned holders;		/* processes whose fd table has it (bit per process) */
	struct vfsim_container *c;
	unsigned group, dev;
};

/*
 * The mtty sample driver with ref-kernel/patches/0002: the open mtty device
 * and the pins it holds (at most 64, each of at most 512 pages).
 */
#define MTTY_MAX_PINS	64
#define MTTY_MAX_NPAGE	512
#define MTTY_MAX_RW	(64 * 1024)
struct vfsim_mtty {
	bool open;
	unsigned g, d;
	struct { uint64_t iova; uint64_t npage; } pins[MTTY_MAX_PINS];
	unsigned n_pins;
};

struct vfsim {
	struct vfsim_params p;
	struct vfsim_mtty mtty;
	enum vfsim_topo topo;
	struct vfsim_group groups[VFSIM_MAX_GROUPS];
	unsigned n_groups;
	struct vfsim_proc procs[VFSIM_MAX_PROCS];
	int cur;
	struct vfsim_user users[VFSIM_MAX_USERS];
	struct vfsim_handle handles[VFSIM_MAX_HANDLES];
	bool noiommu_mode;		/* vfio.enable_unsafe_noiommu_mode */
};

static inline struct vfsim_proc *cur_proc(struct vfsim *s)
{
	return &s->procs[s->cur];
}

static inline uint64_t ffs64(uint64_t v)	/* __ffs; 0 for 0 */
{
	return v ? (uint64_t)__builtin_ctzll(v) : 0;
}

static inline uint64_t min_pgsize(uint64_t bitmap)
{
	return 1ull << ffs64(bitmap);
}

/* sim.c: the handle table (fdget() of the kernel) */
void vfsim_handle_drop(struct vfsim *s, int proc);

static inline struct vfsim_handle *handle_get(struct vfsim *s, int handle)
{
	int h = handle - VFSIM_HANDLE_BASE;

	if (h < 0 || h >= VFSIM_MAX_HANDLES || s->handles[h].kind == H_FREE)
		return NULL;
	return &s->handles[h];
}

/* The container a handle stands for, for GROUP_SET_CONTAINER's fd. */
static inline struct vfsim_container *vfsim_handle_container(struct vfsim *s, int handle,
							     int *err)
{
	struct vfsim_handle *h = handle_get(s, handle);

	/* 0..2 are the process's stdio: open files, but no container */
	if (!h) {
		*err = handle >= 0 && handle < VFSIM_HANDLE_BASE ? -EBADFD : -EBADF;
		return NULL;
	}
	if (h->kind != H_CONTAINER) {
		*err = -EBADFD;		/* "The FD passed is not recognized" */
		return NULL;
	}
	return h->c;
}

/* user.c: iommufd's per-user charge (struct user_struct) */
struct vfsim_user *vfsim_user_get(struct vfsim *s, uint32_t uid);

/* pin.c: can pages [vaddr, vaddr + npages * pgsz) be pinned? */
struct pin_result {
	int err;			/* 0, EFAULT */
	uint64_t good;			/* pages before the first bad one */
	uint64_t counted;		/* of those, pages with a struct page (not PFNMAP) */
};
struct pin_result vfsim_pin_walk(struct vfsim *s, int proc, uint64_t vaddr, uint64_t npages,
				 bool write, bool allow_pfnmap);
uint64_t vfsim_rlimit_pages(const struct vfsim *s, int proc);

/*
 * The ioctl argument itself: the harness always passes a real buffer, so
 * only a NULL-ish pointer is caught (the kernel's EFAULT), where the kernel
 * would copy it, so the order of checks stays the kernel's.
 */
static inline int arg_in(void *dst, const void *arg, size_t n)
{
	if ((uintptr_t)arg < 4096)
		return -EFAULT;
	__builtin_memcpy(dst, arg, n);
	return 0;
}

/* uaccess.c: 0 or -EFAULT */
int vfsim_copy_to_user(uint64_t dst, const void *src, size_t n);
int vfsim_copy_from_user(void *dst, uint64_t src, size_t n);

/* mdev.c: the mtty vendor driver, probed for the emulated device of a topology */
void mtty_probe(struct vfsim *s, struct vfsim_device *dev);

/* group.c: the group node */
long group_ioctl(struct vfsim *s, unsigned g, unsigned long req, void *arg, int *new_dev);
int device_close(struct vfsim *s, unsigned g, unsigned d);
void group_release(struct vfsim *s, unsigned g);

/* vfio_main.c: the core below the group node and the vendor driver */
void vfio_register_emulated_dev(struct vfsim_device *dev, const struct vfsim_device_ops *ops,
				void *drvdata);
void container_put(struct vfsim *s, struct vfsim_container *c);
long vfio_pin_pages(struct vfsim *s, struct vfsim_device *dev, uint64_t iova, uint64_t npage,
		    int prot);
void vfio_unpin_pages(struct vfsim *s, struct vfsim_device *dev, uint64_t iova, uint64_t npage);
int vfio_dma_rw(struct vfsim *s, struct vfsim_device *dev, uint64_t iova, void *buf,
		uint64_t count, bool write);
int vfio_device_iova_to_phys(struct vfsim *s, struct vfsim_device *dev, uint64_t iova,
			     struct vfsim_iopte *pte);

/* container.c and compat.c: the two kinds of container file */
extern const struct vfsim_container_ops vfio_container_ops;
extern const struct vfsim_container_ops iommufd_container_ops;

/* type1.c: the type1 IOMMU driver */
extern const struct vfsim_iommu_driver_ops t1_driver_ops;

/* type1_info.c, type1_dma.c */
long t1_get_info(struct vfsim *s, struct t1_iommu *t, void *arg);
long t1_dirty(struct vfsim *s, struct t1_iommu *t, void *arg);
long t1_map(struct vfsim *s, struct t1_iommu *t, void *arg);
long t1_unmap(struct vfsim *s, struct t1_iommu *t, void *arg);
int t1_pin_dma(struct vfsim *s, struct t1_iommu *t, struct t1_dma *d);
void t1_unpin_dma(struct vfsim *s, struct t1_dma *d);
void t1_remove_dma(struct vfsim *s, struct t1_iommu *t, struct t1_dma *d);
int t1_verify_bitmap_size(uint64_t npages, uint64_t bitmap_size);

/* type1_pin.c: what a vendor driver does through a type1 container */
long t1_pin_pages(struct vfsim *s, struct t1_iommu *t, uint64_t iova, uint64_t npage, int prot);
void t1_unpin_pages(struct vfsim *s, struct t1_iommu *t, uint64_t iova, uint64_t npage);
int t1_dma_rw(struct vfsim *s, struct t1_iommu *t, uint64_t iova, void *data, uint64_t count,
	      bool write);
uint64_t t1_vpfn_pages(const struct t1_dma *d);

/* type1_bitmap.c: a mapping's dirty bitmap (dma->bitmap) while pages are tracked */
int t1_bitmap_alloc(const struct t1_iommu *t, struct t1_dma *d);
void t1_bitmap_free(struct t1_dma *d);
void t1_bitmap_set(const struct t1_iommu *t, struct t1_dma *d, uint64_t offset, uint64_t len);
void t1_bitmap_repopulate(const struct t1_iommu *t, struct t1_dma *d);
int t1_update_user_bitmap(uint64_t bitmap, const struct t1_iommu *t, struct t1_dma *d,
			  uint64_t base, uint64_t pgsize);

/* type1_tree.c: lookups in the mapping tree */
bool t1_iova_valid(const struct t1_iommu *t, uint64_t first, uint64_t last);
struct t1_dma *t1_find_dma(struct t1_iommu *t, uint64_t iova, uint64_t size);
int t1_iova_to_phys(struct t1_iommu *t, uint64_t iova, struct vfsim_iopte *pte);

/* compat_info.c, iommufd.c: iommufd's ioctls below the compat layer */
long compat_get_info(struct vfsim *s, struct compat_ctx *cx, void *arg);
long iommufd_native_ioctl(struct vfsim *s, struct compat_ctx *cx, unsigned long req, void *arg);

/* iommufd_main.c: object ids, the ucmd size rules, IOAS allocation */
uint32_t compat_id_alloc(struct compat_ctx *cx);
void compat_id_free(struct compat_ctx *cx, uint32_t id);
int compat_ioas_alloc(struct compat_ctx *cx);
int ucmd_in(void *dst, const void *arg, size_t ksize, size_t min_size);

/* The compat IOAS (vfio_compat.c's get_compat_ioas()), NULL when none. */
static inline struct ioas *compat_ioas(struct compat_ctx *cx)
{
	return cx->vfio_ioas < 0 ? NULL : &cx->ioas[cx->vfio_ioas];
}

/* iopt*.c: the io_pagetable */
int iopt_alloc_iova(struct vfsim *s, struct ioas *io, uint64_t uptr, uint64_t length,
		    uint64_t *iova);
void iopt_init(struct ioas *io, uint32_t id);
void iopt_destroy(struct vfsim *s, struct ioas *io);
int iopt_map_user(struct vfsim *s, struct ioas *io, uint64_t iova, uint64_t uptr,
		  uint64_t length, int prot);
int iopt_unmap_range(struct vfsim *s, struct ioas *io, uint64_t start, uint64_t last,
		     uint64_t *unmapped);
int iopt_cut(struct ioas *io, uint64_t iova);
int iopt_add_domain(struct vfsim *s, struct ioas *io, int owner);
void iopt_remove_domain(struct vfsim *s, struct ioas *io, int owner);
int iopt_reserve(struct ioas *io, uint64_t start, uint64_t last, int owner);
void iopt_unreserve(struct ioas *io, int owner);
int iopt_add_access(struct ioas *io, const struct vfsim_access_ops *ops, void *data);
void iopt_remove_access(struct vfsim *s, struct ioas *io, void *data);
int iopt_disable_large_pages(struct ioas *io);
bool iopt_page_pinned(struct vfsim *s, struct ioas *io, struct iopt_area *self, uint64_t index);
int iopt_update_pinned(struct vfsim *s, struct iopt_pages *pg, uint64_t npages, bool inc);
uint64_t iopt_pagesizes(const struct ioas *io);
int iopt_iova_to_phys(struct ioas *io, uint64_t iova, struct vfsim_iopte *pte);

/* iopt_access.c: an emulated device's pins and copies (iommufd_access_*) */
int iopt_access_pin(struct vfsim *s, struct ioas *io, uint64_t iova, uint64_t length,
		    bool write);
void iopt_access_unpin(struct vfsim *s, struct ioas *io, uint64_t iova, uint64_t length);
int iopt_access_rw(struct vfsim *s, struct ioas *io, uint64_t iova, void *data,
		   uint64_t length, bool write);

/*
 * An open device holds its group's file only when it was opened through a
 * type1 container: vfio_group_use_container() takes get_file(opened_file).
 * Through an iommufd nothing does, so closing the group fd releases the group
 * (it leaves the iommufd) while the device stays bound, and the node can be
 * opened again.
 */
static inline bool group_file_held(const struct vfsim_group *gr)
{
	return gr->dev_opens && gr->container && gr->container->pers == VFSIM_TYPE1;
}

#endif

// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfconform-trace: an LD_PRELOAD interposer that records every VFIO and
 * iommufd ioctl a program issues on container, group and device fds, with
 * decoded arguments and results, as JSON lines in the observation format of
 * the runner (op, args, ret, errno, out). "vfconform trace2case" turns the
 * container part of such a trace into a case, so what a real client does
 * becomes a regression case for every backend.
 *
 * The fd kind is found when the fd is first used (readlink of /proc/self/fd),
 * not only at open(), so fds the program got by dup() or from another process
 * are classified too. open() and close() of VFIO nodes are recorded as well:
 * closing the last group fd is how DPDK leaves a container, and that is a
 * container state change a case has to reproduce.
 *
 * Environment: VFCONFORM_TRACE=FILE (default vfconform-trace.PID.jsonl). Every
 * record is one write() on an O_APPEND fd, so threads (DPDK's interrupt
 * thread issues device ioctls) never interleave inside a line and a program
 * that is killed leaves every record written so far.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <linux/vfio.h>
#include <linux/iommufd.h>
#include "lang/names.h"

#define TRACE_FORMAT	"vfconform-trace/1"
#define MAX_FDS		4096
#define LINE_MAX_LEN	8192

enum obj {
	OBJ_NONE,	/* not classified yet */
	OBJ_OTHER,	/* not a VFIO/iommufd fd */
	OBJ_CONTAINER,
	OBJ_IOMMUFD,
	OBJ_GROUP,
	OBJ_DEVICE,
};

static const char *const obj_names[] = {
	[OBJ_NONE] = "unknown", [OBJ_OTHER] = "other", [OBJ_CONTAINER] = "container",
	[OBJ_IOMMUFD] = "iommufd", [OBJ_GROUP] = "group", [OBJ_DEVICE] = "device",
};

static int (*real_ioctl)(int, unsigned long, ...);
static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_openat64)(int, const char *, int, ...);
static int (*real_close)(int);

static int trace_fd = -1;
static unsigned long seq;
static struct timespec t0;
static unsigned char fd_obj[MAX_FDS];

/* A line being built; overflow truncates and is flagged rather than lost. */
struct line {
	char s[LINE_MAX_LEN];
	size_t n;
	bool first;	/* no member yet in the current object */
};

static void put(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (l->n >= sizeof(l->s))
		return;
	va_start(ap, fmt);
	r = vsnprintf(l->s + l->n, sizeof(l->s) - l->n, fmt, ap);
	va_end(ap);
	l->n += r > 0 ? (size_t)r : 0;
	if (l->n > sizeof(l->s) - 1)
		l->n = sizeof(l->s);
}

static void key(struct line *l, const char *k)
{
	put(l, "%s\"%s\":", l->first ? "" : ",", k);
	l->first = false;
}

static void open_obj(struct line *l, const char *k)
{
	if (k)
		key(l, k);
	put(l, "{");
	l->first = true;
}

static void close_obj(struct line *l)
{
	put(l, "}");
	l->first = false;
}

static void kv_hex(struct line *l, const char *k, uint64_t v)
{
	key(l, k);
	put(l, "\"0x%llx\"", (unsigned long long)v);
}

static void kv_int(struct line *l, const char *k, long long v)
{
	key(l, k);
	put(l, "%lld", v);
}

/* Strings here are paths and device names: escape what JSON needs. */
static void kv_str(struct line *l, const char *k, const char *v)
{
	key(l, k);
	put(l, "\"");
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			put(l, "\\%c", *v);
		else if ((unsigned char)*v < 0x20)
			put(l, "\\u%04x", *v);
		else
			put(l, "%c", *v);
	}
	put(l, "\"");
}

static void kv_flags(struct line *l, const char *k, const struct vf_name *tab, uint64_t v)
{
	char s[256] = "";
	size_t n = 0;

	if (!v) {
		kv_str(l, k, "0");
		return;
	}
	for (; tab->name; tab++) {
		if (v & tab->value) {
			n += snprintf(s + n, sizeof(s) - n, "%s%s", n ? "|" : "", tab->name);
			v &= ~tab->value;
		}
	}
	if (v)
		snprintf(s + n, sizeof(s) - n, "%s0x%llx", n ? "|" : "", (unsigned long long)v);
	kv_str(l, k, s);
}

static void kv_ext(struct line *l, const char *k, unsigned long v)
{
	const char *name = vf_name_of(vf_ext_names, v);

	if (name)
		kv_str(l, k, name);
	else
		kv_hex(l, k, v);
}

static void emit(struct line *l)
{
	if (trace_fd < 0)
		return;
	if (l->n >= sizeof(l->s)) {
		/* keep the line valid JSON: the record is replaced by a marker */
		l->n = 0;
		put(l, "{\"op\":\"truncated\"}");
	}
	put(l, "\n");
	(void)!write(trace_fd, l->s, l->n);
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0.tv_sec) * 1e3 + (t.tv_nsec - t0.tv_nsec) / 1e6;
}

/* Opens a record: {"seq":..,"t_ms":..,"tid":..,"fd":..,"obj":..,"op":.. */
static void begin(struct line *l, int fd, enum obj o, const char *op)
{
	l->n = 0;
	open_obj(l, NULL);
	kv_int(l, "seq", (long long)__atomic_add_fetch(&seq, 1, __ATOMIC_SEQ_CST));
	key(l, "t_ms");
	put(l, "%.3f", now_ms());
	kv_int(l, "tid", (long long)syscall(SYS_gettid));
	kv_int(l, "fd", fd);
	kv_str(l, "obj", obj_names[o]);
	kv_str(l, "op", op);
}

static void result(struct line *l, long ret, int err)
{
	const char *en = err ? vf_errno_name(err) : NULL;

	kv_int(l, "ret", ret);
	key(l, "errno");
	if (!err)
		put(l, "null");
	else if (en)
		put(l, "\"%s\"", en);
	else
		put(l, "%d", err);
}

static enum obj classify_path(const char *p)
{
	if (!strcmp(p, "/dev/vfio/vfio"))
		return OBJ_CONTAINER;
	if (!strcmp(p, "/dev/iommu"))
		return OBJ_IOMMUFD;
	if (!strncmp(p, "/dev/vfio/devices/", 18) || !strcmp(p, "anon_inode:[vfio-device]"))
		return OBJ_DEVICE;
	if (!strncmp(p, "/dev/vfio/", 10))
		return OBJ_GROUP;
	return OBJ_OTHER;
}

static enum obj classify_fd(int fd)
{
	char link[64], path[256];
	ssize_t n;
	enum obj o;

	if (fd >= 0 && fd < MAX_FDS && fd_obj[fd] != OBJ_NONE)
		return fd_obj[fd];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		return OBJ_OTHER;
	path[n] = 0;
	o = classify_path(path);
	if (fd >= 0 && fd < MAX_FDS)
		fd_obj[fd] = o;
	return o;
}

/* The node's major:minor tells which backend a container path really is. */
static void kv_rdev(struct line *l, int fd)
{
	struct stat st;
	char s[32];

	if (fstat(fd, &st) || !S_ISCHR(st.st_mode))
		return;
	snprintf(s, sizeof(s), "%u:%u", major(st.st_rdev), minor(st.st_rdev));
	kv_str(l, "rdev", s);
}

static void decode_caps(struct line *l, const uint8_t *buf, uint32_t len, uint32_t off)
{
	bool first = true;

	key(l, "caps");
	put(l, "[");
	for (int n = 0; off && n < 16 && off + sizeof(struct vfio_info_cap_header) <= len; n++) {
		const struct vfio_info_cap_header *h = (const void *)(buf + off);

		put(l, "%s", first ? "" : ",");
		first = false;
		open_obj(l, NULL);
		kv_int(l, "id", h->id);
		kv_int(l, "version", h->version);
		if (h->id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE &&
		    off + sizeof(struct vfio_iommu_type1_info_cap_iova_range) <= len) {
			const struct vfio_iommu_type1_info_cap_iova_range *r = (const void *)h;

			kv_str(l, "name", "IOVA_RANGE");
			key(l, "ranges");
			put(l, "[");
			for (uint32_t i = 0; i < r->nr_iovas; i++) {
				if (off + sizeof(*r) + (i + 1) * sizeof(r->iova_ranges[0]) > len)
					break;
				put(l, "%s[\"0x%llx\",\"0x%llx\"]", i ? "," : "",
				    (unsigned long long)r->iova_ranges[i].start,
				    (unsigned long long)r->iova_ranges[i].end);
			}
			put(l, "]");
		} else if (h->id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL &&
			   off + sizeof(struct vfio_iommu_type1_info_dma_avail) <= len) {
			kv_str(l, "name", "DMA_AVAIL");
			kv_int(l, "avail", ((const struct vfio_iommu_type1_info_dma_avail *)h)->avail);
		} else if (h->id == VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION) {
			kv_str(l, "name", "MIGRATION");
		}
		close_obj(l);
		if (h->next <= off)	/* a chain pointing backwards would loop */
			break;
		off = h->next;
	}
	put(l, "]");
}

/*
 * VFIO reuses ioctl numbers across its fd kinds (VFIO_BASE + 12 is IOMMU_GET_INFO on a
 * container and GET_PCI_HOT_RESET_INFO on a device), so an ioctl is named by fd kind and
 * number together. iommufd serves the container numbers too (its VFIO compat layer).
 */
enum op {
	OP_UNKNOWN,
	OP_GET_API_VERSION,
	OP_CHECK_EXTENSION,
	OP_SET_IOMMU,
	OP_IOMMU_GET_INFO,
	OP_IOMMU_MAP_DMA,
	OP_IOMMU_UNMAP_DMA,
	OP_IOMMU_DIRTY_PAGES,
	OP_GROUP_GET_STATUS,
	OP_GROUP_SET_CONTAINER,
	OP_GROUP_UNSET_CONTAINER,
	OP_GROUP_GET_DEVICE_FD,
	OP_DEVICE_GET_INFO,
	OP_DEVICE_GET_REGION_INFO,
	OP_DEVICE_GET_IRQ_INFO,
	OP_DEVICE_SET_IRQS,
	OP_DEVICE_RESET,
	OP_DEVICE_GET_PCI_HOT_RESET_INFO,
	OP_DEVICE_PCI_HOT_RESET,
	OP_DEVICE_FEATURE,
	OP_DEVICE_BIND_IOMMUFD,
	OP_DEVICE_ATTACH_IOMMUFD_PT,
	OP_DEVICE_DETACH_IOMMUFD_PT,
	OP_IOMMU_DESTROY,
	OP_IOMMU_IOAS_ALLOC,
	OP_IOMMU_IOAS_ALLOW_IOVAS,
	OP_IOMMU_IOAS_COPY,
	OP_IOMMU_IOAS_IOVA_RANGES,
	OP_IOMMU_IOAS_MAP,
	OP_IOMMU_IOAS_UNMAP,
	OP_IOMMU_OPTION,
	OP_IOMMU_VFIO_IOAS,
	OP_IOMMU_HWPT_ALLOC,
	OP_IOMMU_GET_HW_INFO,
	OP_COUNT,
};

struct op_def {
	const char *name;
	unsigned long req;
	char on;	/* C container (or iommufd), G group, D device, I iommufd */
};

static const struct op_def op_defs[OP_COUNT] = {
	[OP_UNKNOWN] = { "ioctl", 0, 0 },
	[OP_GET_API_VERSION] = { "GET_API_VERSION", VFIO_GET_API_VERSION, 'C' },
	[OP_CHECK_EXTENSION] = { "CHECK_EXTENSION", VFIO_CHECK_EXTENSION, 'C' },
	[OP_SET_IOMMU] = { "SET_IOMMU", VFIO_SET_IOMMU, 'C' },
	[OP_IOMMU_GET_INFO] = { "IOMMU_GET_INFO", VFIO_IOMMU_GET_INFO, 'C' },
	[OP_IOMMU_MAP_DMA] = { "IOMMU_MAP_DMA", VFIO_IOMMU_MAP_DMA, 'C' },
	[OP_IOMMU_UNMAP_DMA] = { "IOMMU_UNMAP_DMA", VFIO_IOMMU_UNMAP_DMA, 'C' },
	[OP_IOMMU_DIRTY_PAGES] = { "IOMMU_DIRTY_PAGES", VFIO_IOMMU_DIRTY_PAGES, 'C' },
	[OP_GROUP_GET_STATUS] = { "GROUP_GET_STATUS", VFIO_GROUP_GET_STATUS, 'G' },
	[OP_GROUP_SET_CONTAINER] = { "GROUP_SET_CONTAINER", VFIO_GROUP_SET_CONTAINER, 'G' },
	[OP_GROUP_UNSET_CONTAINER] = { "GROUP_UNSET_CONTAINER", VFIO_GROUP_UNSET_CONTAINER, 'G' },
	[OP_GROUP_GET_DEVICE_FD] = { "GROUP_GET_DEVICE_FD", VFIO_GROUP_GET_DEVICE_FD, 'G' },
	[OP_DEVICE_GET_INFO] = { "DEVICE_GET_INFO", VFIO_DEVICE_GET_INFO, 'D' },
	[OP_DEVICE_GET_REGION_INFO] = { "DEVICE_GET_REGION_INFO", VFIO_DEVICE_GET_REGION_INFO, 'D' },
	[OP_DEVICE_GET_IRQ_INFO] = { "DEVICE_GET_IRQ_INFO", VFIO_DEVICE_GET_IRQ_INFO, 'D' },
	[OP_DEVICE_SET_IRQS] = { "DEVICE_SET_IRQS", VFIO_DEVICE_SET_IRQS, 'D' },
	[OP_DEVICE_RESET] = { "DEVICE_RESET", VFIO_DEVICE_RESET, 'D' },
	[OP_DEVICE_GET_PCI_HOT_RESET_INFO] = { "DEVICE_GET_PCI_HOT_RESET_INFO", VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, 'D' },
	[OP_DEVICE_PCI_HOT_RESET] = { "DEVICE_PCI_HOT_RESET", VFIO_DEVICE_PCI_HOT_RESET, 'D' },
	[OP_DEVICE_FEATURE] = { "DEVICE_FEATURE", VFIO_DEVICE_FEATURE, 'D' },
	[OP_DEVICE_BIND_IOMMUFD] = { "DEVICE_BIND_IOMMUFD", VFIO_DEVICE_BIND_IOMMUFD, 'D' },
	[OP_DEVICE_ATTACH_IOMMUFD_PT] = { "DEVICE_ATTACH_IOMMUFD_PT", VFIO_DEVICE_ATTACH_IOMMUFD_PT, 'D' },
	[OP_DEVICE_DETACH_IOMMUFD_PT] = { "DEVICE_DETACH_IOMMUFD_PT", VFIO_DEVICE_DETACH_IOMMUFD_PT, 'D' },
	[OP_IOMMU_DESTROY] = { "IOMMU_DESTROY", IOMMU_DESTROY, 'I' },
	[OP_IOMMU_IOAS_ALLOC] = { "IOMMU_IOAS_ALLOC", IOMMU_IOAS_ALLOC, 'I' },
	[OP_IOMMU_IOAS_ALLOW_IOVAS] = { "IOMMU_IOAS_ALLOW_IOVAS", IOMMU_IOAS_ALLOW_IOVAS, 'I' },
	[OP_IOMMU_IOAS_COPY] = { "IOMMU_IOAS_COPY", IOMMU_IOAS_COPY, 'I' },
	[OP_IOMMU_IOAS_IOVA_RANGES] = { "IOMMU_IOAS_IOVA_RANGES", IOMMU_IOAS_IOVA_RANGES, 'I' },
	[OP_IOMMU_IOAS_MAP] = { "IOMMU_IOAS_MAP", IOMMU_IOAS_MAP, 'I' },
	[OP_IOMMU_IOAS_UNMAP] = { "IOMMU_IOAS_UNMAP", IOMMU_IOAS_UNMAP, 'I' },
	[OP_IOMMU_OPTION] = { "IOMMU_OPTION", IOMMU_OPTION, 'I' },
	[OP_IOMMU_VFIO_IOAS] = { "IOMMU_VFIO_IOAS", IOMMU_VFIO_IOAS, 'I' },
	[OP_IOMMU_HWPT_ALLOC] = { "IOMMU_HWPT_ALLOC", IOMMU_HWPT_ALLOC, 'I' },
	[OP_IOMMU_GET_HW_INFO] = { "IOMMU_GET_HW_INFO", IOMMU_GET_HW_INFO, 'I' },
};

static enum op op_of(enum obj o, unsigned long req)
{
	for (int i = 1; i < OP_COUNT; i++) {
		const struct op_def *d = &op_defs[i];
		bool match;

		if (d->req != req)
			continue;
		switch (d->on) {
		case 'C':
			match = o == OBJ_CONTAINER || o == OBJ_IOMMUFD;
			break;
		case 'G':
			match = o == OBJ_GROUP;
			break;
		case 'D':
			match = o == OBJ_DEVICE;
			break;
		default:
			match = o == OBJ_IOMMUFD || o == OBJ_CONTAINER;
			break;
		}
		if (match)
			return i;
	}
	return OP_UNKNOWN;
}

/* Inputs, read before the call: the kernel may overwrite them. */
static void args_in(struct line *l, enum op op, void *arg)
{
	open_obj(l, "args");
	switch (op) {
	case OP_CHECK_EXTENSION:
		kv_ext(l, "ext", (unsigned long)arg);
		break;
	case OP_SET_IOMMU:
		kv_ext(l, "type", (unsigned long)arg);
		break;
	case OP_IOMMU_GET_INFO:
		kv_int(l, "argsz", ((struct vfio_iommu_type1_info *)arg)->argsz);
		break;
	case OP_IOMMU_MAP_DMA: {
		struct vfio_iommu_type1_dma_map *m = arg;

		kv_int(l, "argsz", m->argsz);
		kv_flags(l, "flags", vf_map_flag_names, m->flags);
		kv_hex(l, "vaddr", m->vaddr);
		kv_hex(l, "iova", m->iova);
		kv_hex(l, "size", m->size);
		break;
	}
	case OP_IOMMU_UNMAP_DMA: {
		struct vfio_iommu_type1_dma_unmap *u = arg;

		kv_int(l, "argsz", u->argsz);
		kv_flags(l, "flags", vf_unmap_flag_names, u->flags);
		kv_hex(l, "iova", u->iova);
		kv_hex(l, "size", u->size);
		break;
	}
	case OP_IOMMU_DIRTY_PAGES: {
		struct vfio_iommu_type1_dirty_bitmap *d = arg;

		kv_int(l, "argsz", d->argsz);
		kv_flags(l, "flags", vf_dirty_flag_names, d->flags);
		break;
	}
	case OP_GROUP_GET_STATUS:
		kv_int(l, "argsz", ((struct vfio_group_status *)arg)->argsz);
		break;
	case OP_GROUP_SET_CONTAINER: {
		int cfd = *(int *)arg;

		kv_int(l, "container_fd", cfd);
		kv_str(l, "container_obj", obj_names[classify_fd(cfd)]);
		break;
	}
	case OP_GROUP_GET_DEVICE_FD:
		kv_str(l, "device", (const char *)arg);
		break;
	case OP_DEVICE_GET_REGION_INFO:
		kv_int(l, "index", ((struct vfio_region_info *)arg)->index);
		break;
	case OP_DEVICE_GET_IRQ_INFO:
		kv_int(l, "index", ((struct vfio_irq_info *)arg)->index);
		break;
	case OP_DEVICE_SET_IRQS: {
		struct vfio_irq_set *s = arg;

		kv_hex(l, "flags", s->flags);
		kv_int(l, "index", s->index);
		kv_int(l, "start", s->start);
		kv_int(l, "count", s->count);
		break;
	}
	case OP_IOMMU_VFIO_IOAS: {
		struct iommu_vfio_ioas *v = arg;

		kv_int(l, "size", v->size);
		kv_int(l, "op", v->op);
		kv_int(l, "ioas_id", v->ioas_id);
		break;
	}
	case OP_IOMMU_IOAS_MAP: {
		struct iommu_ioas_map *m = arg;

		kv_hex(l, "flags", m->flags);
		kv_int(l, "ioas_id", m->ioas_id);
		kv_hex(l, "user_va", m->user_va);
		kv_hex(l, "length", m->length);
		kv_hex(l, "iova", m->iova);
		break;
	}
	case OP_IOMMU_IOAS_UNMAP: {
		struct iommu_ioas_unmap *u = arg;

		kv_int(l, "ioas_id", u->ioas_id);
		kv_hex(l, "iova", u->iova);
		kv_hex(l, "length", u->length);
		break;
	}
	default:
		break;
	}
	close_obj(l);
}

/* What the kernel wrote back, read after the call, whatever it returned. */
static void args_out(struct line *l, enum op op, void *arg, long ret)
{
	open_obj(l, "out");
	switch (op) {
	case OP_IOMMU_GET_INFO: {
		struct vfio_iommu_type1_info *i = arg;

		kv_int(l, "argsz", i->argsz);
		kv_flags(l, "flags", vf_info_flag_names, i->flags);
		kv_hex(l, "iova_pgsizes", i->iova_pgsizes);
		kv_int(l, "cap_offset", i->cap_offset);
		if (ret == 0 && (i->flags & VFIO_IOMMU_INFO_CAPS) && i->cap_offset)
			decode_caps(l, arg, i->argsz, i->cap_offset);
		break;
	}
	case OP_IOMMU_UNMAP_DMA:
		kv_hex(l, "size", ((struct vfio_iommu_type1_dma_unmap *)arg)->size);
		break;
	case OP_GROUP_GET_STATUS:
		kv_flags(l, "flags", vf_group_flag_names, ((struct vfio_group_status *)arg)->flags);
		break;
	case OP_GROUP_GET_DEVICE_FD:
		if (ret >= 0) {
			/* fd numbers differ between runs; validity does not */
			kv_str(l, "fd", "valid");
			if (ret < MAX_FDS)
				fd_obj[ret] = OBJ_DEVICE;
		}
		break;
	case OP_DEVICE_GET_INFO: {
		struct vfio_device_info *d = arg;

		kv_hex(l, "flags", d->flags);
		kv_int(l, "num_regions", d->num_regions);
		kv_int(l, "num_irqs", d->num_irqs);
		break;
	}
	case OP_DEVICE_GET_REGION_INFO: {
		struct vfio_region_info *r = arg;

		kv_hex(l, "flags", r->flags);
		kv_hex(l, "size", r->size);
		kv_hex(l, "offset", r->offset);
		break;
	}
	case OP_DEVICE_GET_IRQ_INFO: {
		struct vfio_irq_info *q = arg;

		kv_hex(l, "flags", q->flags);
		kv_int(l, "count", q->count);
		break;
	}
	case OP_IOMMU_VFIO_IOAS:
		kv_int(l, "ioas_id", ((struct iommu_vfio_ioas *)arg)->ioas_id);
		break;
	case OP_IOMMU_IOAS_MAP:
		kv_hex(l, "iova", ((struct iommu_ioas_map *)arg)->iova);
		break;
	case OP_IOMMU_IOAS_UNMAP:
		kv_hex(l, "length", ((struct iommu_ioas_unmap *)arg)->length);
		break;
	default:
		break;
	}
	close_obj(l);
}

static void resolve(void)
{
	real_ioctl = dlsym(RTLD_NEXT, "ioctl");
	real_open = dlsym(RTLD_NEXT, "open");
	real_open64 = dlsym(RTLD_NEXT, "open64");
	real_openat = dlsym(RTLD_NEXT, "openat");
	real_openat64 = dlsym(RTLD_NEXT, "openat64");
	real_close = dlsym(RTLD_NEXT, "close");
}

__attribute__((constructor)) static void trace_init(void)
{
	const char *path = getenv("VFCONFORM_TRACE");
	char def[64], cmd[512];
	struct line l;
	ssize_t n;
	int fd;

	resolve();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* interactive clients (testpmd -i) must still show their prompt and replies */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!path || !*path) {
		snprintf(def, sizeof(def), "vfconform-trace.%d.jsonl", (int)getpid());
		path = def;
	}
	trace_fd = real_open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (trace_fd < 0) {
		fprintf(stderr, "vfconform-trace: %s: %s\n", path, strerror(errno));
		return;
	}
	fd_obj[trace_fd] = OBJ_OTHER;
	/* argv as one string, NULs turned into spaces */
	fd = real_open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, cmd, sizeof(cmd) - 1) : 0;
	if (fd >= 0)
		real_close(fd);
	n = n < 0 ? 0 : n;
	cmd[n] = 0;
	for (ssize_t i = 0; i + 1 < n; i++)
		if (!cmd[i])
			cmd[i] = ' ';
	l.n = 0;
	open_obj(&l, NULL);
	kv_str(&l, "format", TRACE_FORMAT);
	kv_int(&l, "pid", getpid());
	kv_str(&l, "cmdline", cmd);
	close_obj(&l);
	emit(&l);
}

int ioctl(int fd, unsigned long req, ...)
{
	struct line l;
	enum obj o;
	enum op op;
	va_list ap;
	void *arg;
	int ret, err;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!real_ioctl)
		resolve();
	/* VFIO and iommufd share the ';' type; everything else passes untouched */
	if (_IOC_TYPE(req) != VFIO_TYPE || trace_fd < 0)
		return real_ioctl(fd, req, arg);
	o = classify_fd(fd);
	if (o == OBJ_OTHER)
		return real_ioctl(fd, req, arg);
	op = op_of(o, req);
	begin(&l, fd, o, op_defs[op].name);
	if (op == OP_UNKNOWN)
		kv_hex(&l, "request", req);
	/* the args pointer is only read for ioctls that take a struct */
	args_in(&l, op, arg);
	ret = real_ioctl(fd, req, arg);
	err = ret < 0 ? errno : 0;
	result(&l, ret, err);
	args_out(&l, op, arg, ret);
	close_obj(&l);
	emit(&l);
	errno = err;
	return ret;
}

/* open*(): only VFIO and iommufd nodes are recorded (and remembered). */
static int after_open(const char *path, int ret, int err)
{
	enum obj o = classify_path(path);
	struct line l;

	if (o == OBJ_OTHER || trace_fd < 0) {
		errno = err;
		return ret;
	}
	if (ret >= 0 && ret < MAX_FDS)
		fd_obj[ret] = o;
	begin(&l, ret, o, "open");
	open_obj(&l, "args");
	kv_str(&l, "path", path);
	close_obj(&l);
	result(&l, ret, err);
	open_obj(&l, "out");
	if (ret >= 0)
		kv_rdev(&l, ret);
	close_obj(&l);
	close_obj(&l);
	emit(&l);
	errno = err;
	return ret;
}

#define OPEN_WRAPPER(fn, real)							\
int fn(const char *path, int flags, ...)					\
{										\
	mode_t mode = 0;							\
	va_list ap;								\
	int ret;								\
										\
	if (flags & (O_CREAT | __O_TMPFILE)) {					\
		va_start(ap, flags);						\
		mode = va_arg(ap, mode_t);					\
		va_end(ap);							\
	}									\
	if (!real)								\
		resolve();							\
	ret = real(path, flags, mode);						\
	return after_open(path, ret, ret < 0 ? errno : 0);			\
}

#define OPENAT_WRAPPER(fn, real)						\
int fn(int dirfd, const char *path, int flags, ...)				\
{										\
	mode_t mode = 0;							\
	va_list ap;								\
	int ret;								\
										\
	if (flags & (O_CREAT | __O_TMPFILE)) {					\
		va_start(ap, flags);						\
		mode = va_arg(ap, mode_t);					\
		va_end(ap);							\
	}									\
	if (!real)								\
		resolve();							\
	ret = real(dirfd, path, flags, mode);					\
	return after_open(path, ret, ret < 0 ? errno : 0);			\
}

OPEN_WRAPPER(open, real_open)
OPEN_WRAPPER(open64, real_open64)
OPENAT_WRAPPER(openat, real_openat)
OPENAT_WRAPPER(openat64, real_openat64)

int close(int fd)
{
	enum obj o = fd >= 0 && fd < MAX_FDS ? fd_obj[fd] : OBJ_NONE;
	struct line l;
	int ret, err;

	if (!real_close)
		resolve();
	if (fd == trace_fd)
		return real_close(fd);
	/* the number may come back as anything: classify it afresh then */
	if (o != OBJ_NONE)
		fd_obj[fd] = OBJ_NONE;
	if (o == OBJ_NONE || o == OBJ_OTHER)
		return real_close(fd);
	ret = real_close(fd);
	err = ret < 0 ? errno : 0;
	begin(&l, fd, o, "close");
	open_obj(&l, "args");
	close_obj(&l);
	result(&l, ret, err);
	open_obj(&l, "out");
	close_obj(&l);
	close_obj(&l);
	emit(&l);
	errno = err;
	return ret;
}

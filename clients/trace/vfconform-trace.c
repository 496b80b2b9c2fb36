// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfconform-trace: an LD_PRELOAD interposer that records every VFIO and
 * iommufd ioctl a program issues on container, group and device fds, with
 * decoded arguments and results, as JSON lines in the observation format of
 * the runner (op, args, ret, errno, out). The decoding is the runner's own
 * uAPI codec (harness/uapi/), writing text instead of json_t, so a record
 * has the keys and spellings of an observation of the same call, and
 * "vfconform trace2case" maps the container part of a trace onto case steps:
 * what a real client does becomes a regression case for every backend.
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
#include "uapi/codec.h"
#include "uapi/sink_text.h"

/* /2: args and out in observation keys (harness/uapi/codec.h) */
#define TRACE_FORMAT	"vfconform-trace/2"
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

/* A record being built: one line of JSON text. */
struct line {
	char s[LINE_MAX_LEN];
	struct vf_text_sink ts;
	struct vf_sink *k;	/* &ts.sink */
};

static struct vf_sink *line_init(struct line *l)
{
	/* one byte kept back for the newline */
	l->k = vf_text_sink_init(&l->ts, l->s, sizeof(l->s) - 1);
	return l->k;
}

static void emit(struct line *l)
{
	if (trace_fd < 0)
		return;
	if (l->ts.overflow) {
		/* keep the line valid JSON: the record is replaced by a marker */
		line_init(l);
		vf_sink_object(l->k, NULL);
		vf_sink_str(l->k, "op", "truncated");
		vf_sink_object_end(l->k);
	}
	l->s[l->ts.n++] = '\n';
	(void)!write(trace_fd, l->s, l->ts.n);
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0.tv_sec) * 1e3 + (t.tv_nsec - t0.tv_nsec) / 1e6;
}

/* Opens a record: {"seq":..,"t_ms":..,"tid":..,"fd":..,"obj":..,"op":.. */
static struct vf_sink *begin(struct line *l, int fd, enum obj o, const char *op)
{
	struct vf_sink *k = line_init(l);

	vf_sink_object(k, NULL);
	vf_sink_int(k, "seq", (long long)__atomic_add_fetch(&seq, 1, __ATOMIC_SEQ_CST));
	vf_sink_real(k, "t_ms", now_ms());
	vf_sink_int(k, "tid", (long long)syscall(SYS_gettid));
	vf_sink_int(k, "fd", fd);
	vf_sink_str(k, "obj", obj_names[o]);
	vf_sink_str(k, "op", op);
	return k;
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
static void put_rdev(struct vf_sink *k, int fd)
{
	struct stat st;
	char s[32];

	if (fstat(fd, &st) || !S_ISCHR(st.st_mode))
		return;
	snprintf(s, sizeof(s), "%u:%u", major(st.st_rdev), minor(st.st_rdev));
	vf_sink_str(k, "rdev", s);
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

/*
 * Inputs, read before the call: the kernel may overwrite them. Container,
 * group and iommufd ioctls are steps of the case language (vf_op), so they
 * get a step's args; device ioctls get the codec's device fields.
 */
static void args_in(struct vf_sink *k, enum op op, int vop, unsigned long req, void *arg)
{
	vf_sink_object(k, "args");
	if (vop >= 0)
		vf_uapi_args(k, vop, (unsigned long)arg);
	else if (op_defs[op].on == 'D' && arg)
		vf_uapi_device_args(k, req, arg);
	vf_sink_object_end(k);
}

/* What the kernel wrote back, read after the call, whatever it returned. */
static void args_out(struct vf_sink *k, enum op op, int vop, unsigned long req, void *arg,
		     const void *before, long ret)
{
	vf_sink_object(k, "out");
	if (vop >= 0)
		vf_uapi_out(k, vop, (unsigned long)arg, before, ret);
	else if (op_defs[op].on == 'D' && arg)
		vf_uapi_device_out(k, req, arg);
	vf_sink_object_end(k);
	/* the new fd is a device: classified now, as the path would not say so */
	if (op == OP_GROUP_GET_DEVICE_FD && ret >= 0 && ret < MAX_FDS)
		fd_obj[ret] = OBJ_DEVICE;
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
	struct vf_sink *k;
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
	k = line_init(&l);
	vf_sink_object(k, NULL);
	vf_sink_str(k, "format", TRACE_FORMAT);
	vf_sink_int(k, "pid", getpid());
	vf_sink_str(k, "cmdline", cmd);
	vf_sink_object_end(k);
	emit(&l);
}

/*
 * The structs whose written-back fields are compared with their inputs
 * (UNMAP's flags) or bounded by them (GET_INFO's argsz): both lead with
 * fields the kernel reads, so the copy never reads what the client does not own.
 */
static size_t before_len(int vop)
{
	if (vop == VF_OP_IOMMU_UNMAP_DMA)
		return sizeof(struct vfio_iommu_type1_dma_unmap);
	if (vop == VF_OP_IOMMU_GET_INFO)
		return sizeof(uint32_t);
	return 0;
}

int ioctl(int fd, unsigned long req, ...)
{
	uint8_t before[sizeof(struct vfio_iommu_type1_dma_unmap)];
	struct vf_sink *k;
	struct line l;
	enum obj o;
	enum op op;
	va_list ap;
	void *arg;
	int ret, err, vop;
	size_t blen;

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
	vop = op == OP_UNKNOWN ? -1 : vf_op_lookup(op_defs[op].name);
	k = begin(&l, fd, o, op_defs[op].name);
	if (op == OP_UNKNOWN)
		vf_sink_hex(k, "request", req);
	/* the args pointer is only read for ioctls that take a struct */
	args_in(k, op, vop, req, arg);
	blen = arg ? before_len(vop) : 0;
	if (blen)
		memcpy(before, arg, blen);
	ret = real_ioctl(fd, req, arg);
	err = ret < 0 ? errno : 0;
	vf_uapi_result(k, ret, err);
	args_out(k, op, vop, req, arg, blen ? before : NULL, ret);
	vf_sink_object_end(k);
	emit(&l);
	errno = err;
	return ret;
}

/* open*(): only VFIO and iommufd nodes are recorded (and remembered). */
static int after_open(const char *path, int ret, int err)
{
	enum obj o = classify_path(path);
	struct vf_sink *k;
	struct line l;

	if (o == OBJ_OTHER || trace_fd < 0) {
		errno = err;
		return ret;
	}
	if (ret >= 0 && ret < MAX_FDS)
		fd_obj[ret] = o;
	k = begin(&l, ret, o, "open");
	vf_sink_object(k, "args");
	vf_sink_str(k, "path", path);
	vf_sink_object_end(k);
	vf_uapi_result(k, ret, err);
	vf_sink_object(k, "out");
	if (ret >= 0)
		put_rdev(k, ret);
	vf_sink_object_end(k);
	vf_sink_object_end(k);
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
	struct vf_sink *k;
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
	k = begin(&l, fd, o, "close");
	vf_sink_object(k, "args");
	vf_sink_object_end(k);
	vf_uapi_result(k, ret, err);
	vf_sink_object(k, "out");
	vf_sink_object_end(k);
	vf_sink_object_end(k);
	emit(&l);
	errno = err;
	return ret;
}

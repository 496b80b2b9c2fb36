// SPDX-License-Identifier: GPL-2.0-only
/*
 * A stand-in for the VFIO type1 kernel, for testing the vfconform-trace
 * interposer on a machine without VFIO: preloaded after the interposer, it is
 * what the interposer's dlsym(RTLD_NEXT, ...) finds. VFIO nodes open as
 * /dev/null (the interposer classifies an fd by the path it was opened
 * with), and VFIO ioctls get fixed answers shaped like type1's, including a
 * GET_INFO capability chain, so the written-back decoding is exercised.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/vfio.h>

static int (*libc_open)(const char *, int, ...);

static const char *node(const char *path)
{
	if (!strncmp(path, "/dev/vfio/", 10) || !strcmp(path, "/dev/iommu"))
		return "/dev/null";
	return path;
}

static int real(const char *path, int flags, mode_t mode)
{
	if (!libc_open)
		libc_open = dlsym(RTLD_NEXT, "open");
	return libc_open(node(path), flags, mode);
}

#define OPEN(fn)							\
int fn(const char *path, int flags, ...)				\
{									\
	mode_t mode = 0;						\
	va_list ap;							\
									\
	if (flags & (O_CREAT | __O_TMPFILE)) {				\
		va_start(ap, flags);					\
		mode = va_arg(ap, mode_t);				\
		va_end(ap);						\
	}								\
	return real(path, flags, mode);					\
}
OPEN(open)
OPEN(open64)

/* The struct (24 bytes), IOVA_RANGE with one range at 24, DMA_AVAIL at 64. */
#define INFO_LEN	80

static int get_info(struct vfio_iommu_type1_info *info)
{
	struct vfio_iommu_type1_info_cap_iova_range r = {
		.header = { VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, 1, 64 }, .nr_iovas = 1,
	};
	struct vfio_iova_range range = { 0, 0xfedfffff };
	struct vfio_iommu_type1_info_dma_avail d = {
		.header = { VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, 1, 0 }, .avail = 65535,
	};
	uint32_t argsz = info->argsz;

	info->flags = VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS;
	info->iova_pgsizes = 0x40201000;
	if (argsz < INFO_LEN) {
		/* as type1: the caps do not fit, say how much would */
		info->argsz = INFO_LEN;
		info->cap_offset = 0;
		return 0;
	}
	info->cap_offset = 24;
	memcpy((uint8_t *)info + 24, &r, sizeof(r));
	memcpy((uint8_t *)info + 24 + sizeof(r), &range, sizeof(range));
	memcpy((uint8_t *)info + 64, &d, sizeof(d));
	return 0;
}

int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	(void)fd;
	switch (req) {
	case VFIO_GET_API_VERSION:
		return VFIO_API_VERSION;
	case VFIO_CHECK_EXTENSION:
		return (unsigned long)arg == VFIO_TYPE1v2_IOMMU;
	case VFIO_SET_IOMMU:
	case VFIO_IOMMU_MAP_DMA:
	case VFIO_GROUP_SET_CONTAINER:
		return 0;
	case VFIO_IOMMU_GET_INFO:
		return get_info(arg);
	case VFIO_IOMMU_UNMAP_DMA: {
		struct vfio_iommu_type1_dma_unmap *u = arg;

		/* as type1: a misaligned unmap fails before anything is written back */
		if (u->iova & 0xfff) {
			errno = EINVAL;
			return -1;
		}
		return 0;
	}
	case VFIO_GROUP_GET_STATUS:
		((struct vfio_group_status *)arg)->flags = VFIO_GROUP_FLAGS_VIABLE;
		return 0;
	case VFIO_GROUP_GET_DEVICE_FD:
		return real("/dev/null", O_RDWR, 0);
	case VFIO_DEVICE_GET_INFO: {
		struct vfio_device_info *d = arg;

		d->flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
		d->num_regions = 9;
		d->num_irqs = 5;
		return 0;
	}
	default:
		errno = ENOTTY;
		return -1;
	}
}

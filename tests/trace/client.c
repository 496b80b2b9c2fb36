// SPDX-License-Identifier: GPL-2.0-only
/*
 * A type1 client in miniature, run under the interposer and fake_kernel.c:
 * QEMU's GET_INFO realloc loop, a map, an unmap that succeeds and one that
 * fails, a device fd, and the group and container closed at the end.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vfio.h>

int main(void)
{
	int c = open("/dev/vfio/vfio", O_RDWR), g = open("/dev/vfio/7", O_RDWR), d;
	struct vfio_group_status st = { .argsz = sizeof(st) };
	struct vfio_iommu_type1_info *info = calloc(1, 256);
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m), .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = 0x7f0000200000, .iova = 0x100000000, .size = 0x200000,
	};
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u), .iova = 0x100000000, .size = 0x200000,
	};
	struct vfio_device_info di = { .argsz = sizeof(di) };

	if (c < 0 || g < 0 || !info)
		return 1;
	ioctl(c, VFIO_GET_API_VERSION);
	ioctl(c, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU);
	ioctl(g, VFIO_GROUP_GET_STATUS, &st);
	ioctl(g, VFIO_GROUP_SET_CONTAINER, &c);
	ioctl(c, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU);
	info->argsz = sizeof(*info);
	ioctl(c, VFIO_IOMMU_GET_INFO, info);
	ioctl(c, VFIO_IOMMU_GET_INFO, info);	/* argsz now what the kernel asked for */
	ioctl(c, VFIO_IOMMU_MAP_DMA, &m);
	d = ioctl(g, VFIO_GROUP_GET_DEVICE_FD, "0000:00:02.0");
	ioctl(d, VFIO_DEVICE_GET_INFO, &di);
	ioctl(c, VFIO_IOMMU_UNMAP_DMA, &u);
	u.iova = 0x100000800;
	ioctl(c, VFIO_IOMMU_UNMAP_DMA, &u);
	close(d);
	close(g);
	close(c);
	free(info);
	return 0;
}

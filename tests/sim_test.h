/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers of the libvfsim unit tests: a Check main() and a machine set up
 * the way the harness's setup steps would (container, group attached,
 * SET_IOMMU, optionally a device open), driven only through the public API.
 */
#ifndef VFSIM_TEST_H
#define VFSIM_TEST_H

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include "vfsim.h"

#define SIM_CHECK_MAIN(make_suite)					\
int main(void)								\
{									\
	SRunner *sr = srunner_create(make_suite());			\
	int failed;							\
									\
	srunner_run_all(sr, CK_ENV);					\
	failed = srunner_ntests_failed(sr);				\
	srunner_free(sr);						\
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;			\
}

struct rig {
	struct vfsim *s;
	int c, g, dev;
};

/* topo t, personality p; type 0 = no SET_IOMMU; open_dev opens g's device 0. */
static inline struct rig rig_new(enum vfsim_topo t, enum vfsim_personality p, unsigned g,
				 unsigned long type, bool open_dev,
				 const struct vfsim_params *params)
{
	struct rig r = { .dev = -1 };
	int32_t fd;

	r.s = vfsim_new(t, params);
	ck_assert_ptr_nonnull(r.s);
	r.c = vfsim_open_container(r.s, p);
	ck_assert_int_ge(r.c, 0);
	r.g = vfsim_open_group(r.s, g);
	ck_assert_int_ge(r.g, 0);
	fd = r.c;
	ck_assert_int_eq(vfsim_ioctl(r.s, r.g, VFIO_GROUP_SET_CONTAINER, &fd), 0);
	if (type)
		ck_assert_int_eq(vfsim_ioctl(r.s, r.c, VFIO_SET_IOMMU, (void *)type), 0);
	if (open_dev) {
		r.dev = (int)vfsim_ioctl(r.s, r.g, VFIO_GROUP_GET_DEVICE_FD,
					 (void *)vfsim_device_name(r.s, g, 0));
		ck_assert_int_ge(r.dev, 0);
	}
	return r;
}

static inline long rig_map(struct rig *r, uint64_t iova, uint64_t size, uint64_t vaddr,
			   uint32_t flags)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m), .flags = flags, .vaddr = vaddr, .iova = iova, .size = size,
	};

	return vfsim_ioctl(r->s, r->c, VFIO_IOMMU_MAP_DMA, &m);
}

static inline long rig_unmap(struct rig *r, uint64_t iova, uint64_t size, uint32_t flags,
			     uint64_t *unmapped)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u), .flags = flags, .iova = iova, .size = size,
	};
	long ret = vfsim_ioctl(r->s, r->c, VFIO_IOMMU_UNMAP_DMA, &u);

	if (unmapped)
		*unmapped = u.size;
	return ret;
}

#define RW (VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)
#define VA 0x7f0000000000ull	/* where the tests register their memory */

#endif

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Random sequences of ioctls on both personalities and every topology: maps
 * and unmaps of random page ranges (v1 and v2, ALL, VADDR), group
 * attach/detach, device open/close, SET_IOMMU, GET_INFO at random argsz.
 * Nothing may crash, and the accounting must stay sane: never "negative"
 * (a wrapped counter), and back to zero once everything is unmapped and
 * every device closed.
 */
#include <linux/iommufd.h>
#include "sim_test.h"

#define SPACE	64		/* pages of IOVA and of memory the fuzz plays in */
#define IOVA0	0x10000000ull

static uint32_t rnd(uint32_t *st)
{
	*st = *st * 1103515245u + 12345u;
	return *st >> 8;
}

static void sane(struct vfsim *s)
{
	uint64_t l, p;

	vfsim_acct(s, &l, &p);
	ck_assert_uint_le(l, 4ull * SPACE * 1024);	/* kB; a wrap would be huge */
	ck_assert_uint_le(p, 4ull * SPACE * 1024);
}

static void one_run(enum vfsim_topo topo, enum vfsim_personality pers, uint32_t seed)
{
	struct vfsim *s = vfsim_new(topo, NULL);
	int c = vfsim_open_container(s, pers), g[3], dev[3][2];
	uint32_t st = seed;
	uint64_t l, p;
	uint8_t buf[512];

	for (int i = 0; i < 3; i++) {
		g[i] = vfsim_open_group(s, i);
		dev[i][0] = dev[i][1] = -1;
	}
	ck_assert_int_eq(vfsim_mem_add(s, VA, SPACE * 4096, VFSIM_MEM_ANON), 0);
	ck_assert_int_eq(vfsim_mem_add(s, VA + SPACE * 4096, 4 * 4096, VFSIM_MEM_RO), 0);
	for (int step = 0; step < 400; step++) {
		uint32_t op = rnd(&st) % 10, gi = rnd(&st) % 3, di = rnd(&st) % 2;
		uint64_t a = rnd(&st) % SPACE, n = 1 + rnd(&st) % 8;
		int32_t fd = c;
		struct vfio_iommu_type1_dma_map m = {
			.argsz = sizeof(m), .flags = rnd(&st) % 8, .vaddr = VA + (rnd(&st) % 70) * 4096,
			.iova = IOVA0 + a * 4096, .size = n * 4096,
		};
		struct vfio_iommu_type1_dma_unmap u = {
			.argsz = sizeof(u), .flags = rnd(&st) % 8 == 0 ? VFIO_DMA_UNMAP_FLAG_ALL :
					    rnd(&st) % 8 == 0 ? VFIO_DMA_UNMAP_FLAG_VADDR : 0,
			.iova = IOVA0 + a * 4096, .size = n * 4096,
		};
		const char *name;

		if (u.flags == VFIO_DMA_UNMAP_FLAG_ALL)
			u.iova = u.size = 0;
		switch (op) {
		case 0:
			if (g[gi] >= 0)
				vfsim_ioctl(s, g[gi], VFIO_GROUP_SET_CONTAINER, &fd);
			break;
		case 1:
			if (g[gi] >= 0)
				vfsim_ioctl(s, g[gi], VFIO_GROUP_UNSET_CONTAINER, NULL);
			break;
		case 2:
			vfsim_ioctl(s, c, VFIO_SET_IOMMU,
				    (void *)(uintptr_t)(rnd(&st) % 2 ? VFIO_TYPE1v2_IOMMU :
							       VFIO_TYPE1_IOMMU));
			break;
		case 3:
			name = vfsim_device_name(s, gi, di);
			if (g[gi] >= 0 && name && dev[gi][di] < 0) {
				long h = vfsim_ioctl(s, g[gi], VFIO_GROUP_GET_DEVICE_FD, (void *)name);

				dev[gi][di] = h >= 0 ? (int)h : -1;
			} else if (dev[gi][di] >= 0) {
				ck_assert_int_eq(vfsim_close(s, dev[gi][di]), 0);
				dev[gi][di] = -1;
			}
			break;
		case 4:
		case 5:
		case 6:
			vfsim_ioctl(s, c, VFIO_IOMMU_MAP_DMA, &m);
			break;
		case 7:
		case 8:
			vfsim_ioctl(s, c, VFIO_IOMMU_UNMAP_DMA, &u);
			break;
		case 9:
			memset(buf, 0, sizeof(buf));
			*(uint32_t *)buf = rnd(&st) % 200;
			vfsim_ioctl(s, c, VFIO_IOMMU_GET_INFO, buf);
			break;
		}
		sane(s);
	}
	/* everything away: the books must balance */
	{
		struct vfio_iommu_type1_dma_unmap all = {
			.argsz = sizeof(all), .flags = VFIO_DMA_UNMAP_FLAG_ALL,
		};

		vfsim_ioctl(s, c, VFIO_IOMMU_UNMAP_DMA, &all);
	}
	for (int i = 0; i < 3; i++)
		for (int d = 0; d < 2; d++)
			if (dev[i][d] >= 0)
				vfsim_close(s, dev[i][d]);
	vfsim_acct(s, &l, &p);
	/* a mapping left with an invalid vaddr, or unreachable at 2^64, may hold pins */
	if (l || p) {
		for (int i = 0; i < 3; i++)
			if (g[i] >= 0)
				vfsim_close(s, g[i]);
		vfsim_acct(s, &l, &p);
	}
	ck_assert_uint_eq(l, 0);
	ck_assert_uint_eq(p, 0);
	ck_assert_uint_eq(vfsim_user_locked(s, 0), 0);
	vfsim_free(s);
}

START_TEST(random_sequences)
{
	for (uint32_t seed = 1; seed <= 40; seed++)
		for (int t = 0; t < 4; t++)
			for (int p = 0; p < 2; p++)
				one_run((enum vfsim_topo)t, (enum vfsim_personality)p,
					seed * 7919 + t * 31 + p);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sim-fuzz");
	TCase *tc = tcase_create("fuzz");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, random_sequences);
	suite_add_tcase(s, tc);
	return s;
}

SIM_CHECK_MAIN(suite)

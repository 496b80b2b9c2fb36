// SPDX-License-Identifier: GPL-2.0-only
/*
 * iommufd's native IOAS ioctls next to the compat layer: object ids handed
 * out lowest-free from 1 (the compat IOAS, the device, its hwpt), the ucmd
 * size rules, IOVA allocation around reserved regions and areas, and what
 * IOMMU_DESTROY may remove.
 */
#include <linux/iommufd.h>
#include "sim_test.h"

static long ioas_alloc(struct rig *r, uint32_t *id)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	long ret = vfsim_ioctl(r->s, r->c, IOMMU_IOAS_ALLOC, &a);

	*id = a.out_ioas_id;
	return ret;
}

static long ioas_map(struct rig *r, uint32_t id, uint64_t *iova, uint64_t len, uint32_t flags)
{
	struct iommu_ioas_map m = {
		.size = sizeof(m), .flags = flags, .ioas_id = id, .user_va = VA,
		.length = len, .iova = *iova,
	};
	long ret = vfsim_ioctl(r->s, r->c, IOMMU_IOAS_MAP, &m);

	*iova = m.iova;
	return ret;
}

static long destroy(struct rig *r, uint32_t id)
{
	struct iommu_destroy d = { .size = sizeof(d), .id = id };

	return vfsim_ioctl(r->s, r->c, IOMMU_DESTROY, &d);
}

#define RWF (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)

START_TEST(ids_and_destroy)
{
	struct rig r = rig_new(VFSIM_TOPO_VTD, VFSIM_COMPAT, 0, VFIO_TYPE1v2_IOMMU, true, NULL);
	uint32_t id, id2;

	/* 1 = compat IOAS, 2 = the device, 3 = its hwpt */
	ck_assert_int_eq(ioas_alloc(&r, &id), 0);
	ck_assert_uint_eq(id, 4);
	ck_assert_int_eq(destroy(&r, 1), -EBUSY);	/* the domain holds it */
	ck_assert_int_eq(destroy(&r, 2), -EBUSY);
	ck_assert_int_eq(destroy(&r, 9), -ENOENT);
	ck_assert_int_eq(destroy(&r, 0), -ENOENT);
	ck_assert_int_eq(destroy(&r, id), 0);
	ck_assert_int_eq(destroy(&r, id), -ENOENT);
	ck_assert_int_eq(ioas_alloc(&r, &id2), 0);
	ck_assert_uint_eq(id2, 4);			/* lowest free again */
	vfsim_free(r.s);
}
END_TEST

START_TEST(ucmd_sizes)
{
	struct rig r = rig_new(VFSIM_TOPO_VTD, VFSIM_COMPAT, 0, 0, false, NULL);
	uint8_t raw[64] = { 0 };
	struct iommu_ioas_alloc *a = (void *)raw;

	a->size = sizeof(*a) - 1;
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, IOMMU_IOAS_ALLOC, raw), -EINVAL);
	a->size = 32;
	raw[20] = 1;
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, IOMMU_IOAS_ALLOC, raw), -E2BIG);
	raw[20] = 0;
	a->flags = 1;
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, IOMMU_IOAS_ALLOC, raw), -EOPNOTSUPP);
	a->flags = 0;
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, IOMMU_IOAS_ALLOC, raw), 0);
	ck_assert_uint_eq(a->out_ioas_id, 2);
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, IOMMU_IOAS_ALLOC, NULL), -EFAULT);
	vfsim_free(r.s);
}
END_TEST

START_TEST(map_alloc_and_fixed)
{
	struct rig r = rig_new(VFSIM_TOPO_VTD, VFSIM_COMPAT, 0, VFIO_TYPE1v2_IOMMU, true, NULL);
	struct iommu_ioas_unmap u = { .size = sizeof(u), .ioas_id = 1 };
	uint64_t iova = 0;

	ck_assert_int_eq(vfsim_mem_add(r.s, VA, 1 << 20, VFSIM_MEM_ANON), 0);
	/* the first free page-aligned IOVA from PAGE_SIZE up */
	ck_assert_int_eq(ioas_map(&r, 1, &iova, 8192, RWF), 0);
	ck_assert_uint_eq(iova, 4096);
	iova = 0;
	ck_assert_int_eq(ioas_map(&r, 1, &iova, 8192, RWF), 0);
	ck_assert_uint_eq(iova, 12288);
	iova = 0x10000000;
	ck_assert_int_eq(ioas_map(&r, 1, &iova, 4096, RWF | IOMMU_IOAS_MAP_FIXED_IOVA), 0);
	ck_assert_int_eq(ioas_map(&r, 1, &iova, 4096, RWF | IOMMU_IOAS_MAP_FIXED_IOVA), -EEXIST);
	iova = 0xfee00000;
	ck_assert_int_eq(ioas_map(&r, 1, &iova, 4096, RWF | IOMMU_IOAS_MAP_FIXED_IOVA), -EINVAL);
	ck_assert_int_eq(ioas_map(&r, 1, &iova, 4096, IOMMU_IOAS_MAP_FIXED_IOVA), -EINVAL);
	ck_assert_int_eq(ioas_map(&r, 1, &iova, 4096, RWF | 0x100), -EOPNOTSUPP);
	ck_assert_int_eq(ioas_map(&r, 7, &iova, 4096, RWF), -ENOENT);
	iova = UINT64_MAX;
	ck_assert_int_eq(ioas_map(&r, 1, &iova, 4096, RWF), -EOVERFLOW);
	/* the compat unmap sees the native mappings: one IOAS */
	u.iova = 0;
	u.length = UINT64_MAX;
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, IOMMU_IOAS_UNMAP, &u), 0);
	ck_assert_uint_eq(u.length, 8192 * 2 + 4096);
	u.iova = 4096;
	u.length = 0;
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, IOMMU_IOAS_UNMAP, &u), -EINVAL);
	u.length = UINT64_MAX;
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, IOMMU_IOAS_UNMAP, &u), -EOVERFLOW);
	vfsim_free(r.s);
}
END_TEST

START_TEST(device_close_drops_domain)
{
	struct rig r = rig_new(VFSIM_TOPO_VTD, VFSIM_COMPAT, 0, VFIO_TYPE1v2_IOMMU, true, NULL);
	uint64_t l, p, iova = 0x10000000;
	uint32_t id;

	ck_assert_int_eq(vfsim_mem_add(r.s, VA, 1 << 20, VFSIM_MEM_ANON), 0);
	ck_assert_int_eq(ioas_map(&r, 1, &iova, 1 << 20, RWF | IOMMU_IOAS_MAP_FIXED_IOVA), 0);
	vfsim_acct(r.s, &l, &p);
	ck_assert_uint_eq(p, 1024);
	ck_assert_int_eq(vfsim_close(r.s, r.dev), 0);
	vfsim_acct(r.s, &l, &p);
	ck_assert_uint_eq(p, 0);			/* no domain: nothing pinned */
	ck_assert_int_eq(ioas_alloc(&r, &id), 0);
	ck_assert_uint_eq(id, 2);			/* device and hwpt ids are free again */
	/* the container fd and the group may go first: the binding keeps the iommufd */
	r.dev = (int)vfsim_ioctl(r.s, r.g, VFIO_GROUP_GET_DEVICE_FD, "0000:00:02.0");
	ck_assert_int_ge(r.dev, 0);
	ck_assert_int_eq(vfsim_close(r.s, r.c), 0);
	ck_assert_int_eq(vfsim_close(r.s, r.g), 0);
	ck_assert_int_eq(vfsim_close(r.s, r.dev), 0);
	vfsim_free(r.s);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sim-iommufd");
	TCase *tc = tcase_create("iommufd");

	tcase_add_test(tc, ids_and_destroy);
	tcase_add_test(tc, ucmd_sizes);
	tcase_add_test(tc, map_alloc_and_fixed);
	tcase_add_test(tc, device_close_drops_domain);
	suite_add_tcase(s, tc);
	return s;
}

SIM_CHECK_MAIN(suite)

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pin accounting of the sim: type1 charges the mapping task's locked_vm
 * (VmLck) and enforces RLIMIT_MEMLOCK without CAP_IPC_LOCK; iommufd charges
 * pinned_vm (VmPin) and, without CAP_IPC_LOCK, the user's locked pages, and
 * only pins while a domain needs the pages. Limits are tested at exactly
 * the limit, one page past it, at 0 and unlimited; users across processes.
 */
#include "sim_test.h"

static void acct(struct rig *r, uint64_t lck, uint64_t pin)
{
	uint64_t l, p;

	vfsim_acct(r->s, &l, &p);
	ck_assert_uint_eq(l, lck);
	ck_assert_uint_eq(p, pin);
}

START_TEST(type1_root_charges_vmlck)
{
	struct rig r = rig_new(VFSIM_TOPO_VTD, VFSIM_TYPE1, 0, VFIO_TYPE1v2_IOMMU, true, NULL);
	uint64_t un;

	ck_assert_int_eq(vfsim_mem_add(r.s, VA, 1 << 20, VFSIM_MEM_ANON), 0);
	ck_assert_int_eq(rig_map(&r, 0x10000000, 1 << 20, VA, RW), 0);
	acct(&r, 1024, 0);
	/* the same pages mapped twice are charged twice */
	ck_assert_int_eq(rig_map(&r, 0x20000000, 1 << 20, VA, RW), 0);
	acct(&r, 2048, 0);
	ck_assert_int_eq(rig_unmap(&r, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL, &un), 0);
	ck_assert_uint_eq(un, 2 << 20);
	acct(&r, 0, 0);
	vfsim_free(r.s);
}
END_TEST

START_TEST(type1_limit_edges)
{
	struct rig r = rig_new(VFSIM_TOPO_VTD, VFSIM_TYPE1, 0, VFIO_TYPE1v2_IOMMU, true, NULL);

	ck_assert_int_eq(vfsim_mem_add(r.s, VA, 4 << 20, VFSIM_MEM_ANON), 0);
	vfsim_set_creds(r.s, 0, false, true);
	vfsim_set_memlock(r.s, 1 << 20);
	/* exactly the limit fits, one page more does not */
	ck_assert_int_eq(rig_map(&r, 0x10000000, 1 << 20, VA, RW), 0);
	ck_assert_int_eq(rig_map(&r, 0x20000000, 4096, VA, RW), -ENOMEM);
	acct(&r, 1024, 0);
	ck_assert_int_eq(rig_unmap(&r, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL, NULL), 0);
	vfsim_set_memlock(r.s, 0);
	ck_assert_int_eq(rig_map(&r, 0x10000000, 4096, VA, RW), -ENOMEM);
	vfsim_set_memlock(r.s, UINT64_MAX);
	ck_assert_int_eq(rig_map(&r, 0x10000000, 4 << 20, VA, RW), 0);
	acct(&r, 4096, 0);
	vfsim_free(r.s);
}
END_TEST

START_TEST(type1_fault_before_limit)
{
	struct rig r = rig_new(VFSIM_TOPO_VTD, VFSIM_TYPE1, 0, VFIO_TYPE1v2_IOMMU, true, NULL);

	/* 1 page of memory, then a hole: EFAULT, unless the limit came first */
	ck_assert_int_eq(vfsim_mem_add(r.s, VA, 4096, VFSIM_MEM_ANON), 0);
	vfsim_set_creds(r.s, 1000, false, false);
	vfsim_set_memlock(r.s, 8192);
	ck_assert_int_eq(rig_map(&r, 0x10000000, 16384, VA, RW), -EFAULT);
	vfsim_set_memlock(r.s, 0);
	ck_assert_int_eq(rig_map(&r, 0x10000000, 16384, VA, RW), -ENOMEM);
	acct(&r, 0, 0);
	vfsim_free(r.s);
}
END_TEST

START_TEST(type1_pfnmap_and_ro)
{
	struct rig r = rig_new(VFSIM_TOPO_VTD, VFSIM_TYPE1, 0, VFIO_TYPE1v2_IOMMU, true, NULL);

	ck_assert_int_eq(vfsim_mem_add(r.s, VA, 65536, VFSIM_MEM_PFNMAP), 0);
	ck_assert_int_eq(vfsim_mem_add(r.s, VA + 65536, 65536, VFSIM_MEM_RO), 0);
	ck_assert_int_eq(rig_map(&r, 0x10000000, 65536, VA, RW), 0);
	acct(&r, 0, 0);				/* no struct page, no charge */
	ck_assert_int_eq(rig_map(&r, 0x20000000, 65536, VA + 65536, RW), -EFAULT);
	ck_assert_int_eq(rig_map(&r, 0x20000000, 65536, VA + 65536, VFIO_DMA_MAP_FLAG_READ), 0);
	acct(&r, 64, 0);
	vfsim_free(r.s);
}
END_TEST

START_TEST(type1_mdev_pins_late)
{
	struct rig r = rig_new(VFSIM_TOPO_MDEV, VFSIM_TYPE1, 0, VFIO_TYPE1v2_IOMMU, false, NULL);
	int g1 = vfsim_open_group(r.s, 1);
	int32_t fd = r.c;

	ck_assert_int_eq(vfsim_mem_add(r.s, VA, 1 << 20, VFSIM_MEM_ANON), 0);
	ck_assert_int_eq(rig_map(&r, 0x10000000, 1 << 20, VA, RW), 0);
	acct(&r, 0, 0);				/* no IOMMU domain: nothing pinned */
	ck_assert_int_eq(vfsim_ioctl(r.s, g1, VFIO_GROUP_SET_CONTAINER, &fd), 0);
	acct(&r, 1024, 0);			/* the new domain replays the mapping */
	ck_assert_int_eq(vfsim_ioctl(r.s, g1, VFIO_GROUP_UNSET_CONTAINER, NULL), 0);
	acct(&r, 0, 0);
	vfsim_free(r.s);
}
END_TEST

START_TEST(compat_pins_with_domain_only)
{
	struct rig r = rig_new(VFSIM_TOPO_VTD, VFSIM_COMPAT, 0, VFIO_TYPE1v2_IOMMU, false, NULL);
	int dev;

	ck_assert_int_eq(vfsim_mem_add(r.s, VA, 1 << 20, VFSIM_MEM_ANON), 0);
	ck_assert_int_eq(rig_map(&r, 0x10000000, 1 << 20, VA, RW), 0);
	acct(&r, 0, 0);
	dev = (int)vfsim_ioctl(r.s, r.g, VFIO_GROUP_GET_DEVICE_FD,
			       (void *)vfsim_device_name(r.s, 0, 0));
	ck_assert_int_ge(dev, 0);
	acct(&r, 0, 1024);
	ck_assert_uint_eq(vfsim_user_locked(r.s, 0), 0);	/* root: ACCOUNT_NONE */
	vfsim_free(r.s);
}
END_TEST

START_TEST(compat_user_limit_across_processes)
{
	struct rig r = rig_new(VFSIM_TOPO_VTD, VFSIM_COMPAT, 0, VFIO_TYPE1v2_IOMMU, true, NULL);
	int p1 = vfsim_proc_new(r.s, 1000), p2 = vfsim_proc_new(r.s, 1000);

	ck_assert_int_gt(p1, 0);
	ck_assert_int_gt(p2, p1);
	ck_assert_int_eq(vfsim_proc_use(r.s, p1), 0);
	vfsim_set_memlock(r.s, 1 << 20);
	ck_assert_int_eq(vfsim_mem_add(r.s, VA, 1 << 20, VFSIM_MEM_ANON), 0);
	ck_assert_int_eq(rig_map(&r, 0x10000000, 512 << 10, VA, RW), 0);
	acct(&r, 0, 512);
	ck_assert_int_eq(vfsim_proc_use(r.s, p2), 0);
	vfsim_set_memlock(r.s, 1 << 20);
	ck_assert_int_eq(vfsim_mem_add(r.s, VA, 1 << 20, VFSIM_MEM_ANON), 0);
	/* one user: 128 + 129 pages > 256 */
	ck_assert_int_eq(rig_map(&r, 0x20000000, 516 << 10, VA, RW), -ENOMEM);
	ck_assert_int_eq(rig_map(&r, 0x20000000, 512 << 10, VA, RW), 0);	/* exactly */
	ck_assert_uint_eq(vfsim_user_locked(r.s, 1000), 256);
	acct(&r, 0, 512);			/* VmPin is per process */
	ck_assert_int_eq(vfsim_proc_use(r.s, 99), -EINVAL);
	vfsim_free(r.s);
}
END_TEST

START_TEST(compat_split_unpins_pieces)
{
	struct rig r = rig_new(VFSIM_TOPO_VTD, VFSIM_COMPAT, 0, VFIO_TYPE1_IOMMU, true, NULL);
	uint64_t un;

	ck_assert_int_eq(vfsim_mem_add(r.s, VA, 2 << 20, VFSIM_MEM_ANON), 0);
	ck_assert_int_eq(rig_map(&r, 0x10000000, 2 << 20, VA, RW), 0);
	acct(&r, 0, 2048);
	/* TYPE1 semantics: the middle is cut out and only its pages go */
	ck_assert_int_eq(rig_unmap(&r, 0x10080000, 1 << 20, 0, &un), 0);
	ck_assert_uint_eq(un, 1 << 20);
	acct(&r, 0, 1024);
	ck_assert_int_eq(rig_unmap(&r, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL, &un), 0);
	ck_assert_uint_eq(un, 1 << 20);
	acct(&r, 0, 0);
	vfsim_free(r.s);
}
END_TEST

START_TEST(dma_entry_limit)
{
	struct vfsim_params p;
	struct rig r;
	struct {
		struct vfio_iommu_type1_info info;
		uint8_t caps[256];
	} buf;

	vfsim_params_default(&p);
	p.dma_entry_limit = 2;
	r = rig_new(VFSIM_TOPO_VTD, VFSIM_TYPE1, 0, VFIO_TYPE1v2_IOMMU, true, &p);
	ck_assert_int_eq(vfsim_mem_add(r.s, VA, 3 * 4096, VFSIM_MEM_ANON), 0);
	ck_assert_int_eq(rig_map(&r, 0x1000, 4096, VA, RW), 0);
	ck_assert_int_eq(rig_map(&r, 0x2000, 4096, VA + 4096, RW), 0);
	ck_assert_int_eq(rig_map(&r, 0x3000, 4096, VA + 8192, RW), -ENOSPC);
	memset(&buf, 0, sizeof(buf));
	buf.info.argsz = sizeof(buf);
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, VFIO_IOMMU_GET_INFO, &buf), 0);
	{
		struct vfio_iommu_type1_info_dma_avail a;

		/* MIGRATION (32 bytes) comes first, then DMA_AVAIL */
		memcpy(&a, (uint8_t *)&buf + 56, sizeof(a));
		ck_assert_uint_eq(a.header.id, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);
		ck_assert_uint_eq(a.avail, 0);
	}
	ck_assert_int_eq(rig_unmap(&r, 0x1000, 4096, 0, NULL), 0);
	ck_assert_int_eq(rig_map(&r, 0x3000, 4096, VA + 8192, RW), 0);
	vfsim_free(r.s);
}
END_TEST

START_TEST(fork_child_has_own_mm)
{
	struct rig r = rig_new(VFSIM_TOPO_VTD, VFSIM_TYPE1, 0, VFIO_TYPE1v2_IOMMU, true, NULL);
	int child;

	ck_assert_int_eq(vfsim_mem_add(r.s, VA, 1 << 20, VFSIM_MEM_ANON), 0);
	ck_assert_int_eq(rig_map(&r, 0x10000000, 1 << 20, VA, RW), 0);
	child = vfsim_proc_fork(r.s);
	ck_assert_int_gt(child, 0);
	ck_assert_int_eq(vfsim_proc_use(r.s, child), 0);
	acct(&r, 0, 0);				/* locked_vm is the parent mm's */
	/* the copied address space pins; the charge is the child's */
	ck_assert_int_eq(rig_map(&r, 0x20000000, 1 << 20, VA, RW), 0);
	acct(&r, 1024, 0);
	ck_assert_int_eq(vfsim_proc_use(r.s, 0), 0);
	acct(&r, 1024, 0);
	ck_assert_int_eq(vfsim_proc_exit(r.s, child), 0);
	ck_assert_int_eq(vfsim_proc_use(r.s, child), -EINVAL);
	ck_assert_int_eq(vfsim_proc_exit(r.s, child), -EINVAL);
	ck_assert_int_eq(vfsim_proc_exit(r.s, 0), -EINVAL);
	vfsim_free(r.s);
}
END_TEST

START_TEST(vaddr_update_moves_the_charge)
{
	struct rig r = rig_new(VFSIM_TOPO_VTD, VFSIM_TYPE1, 0, VFIO_TYPE1v2_IOMMU, true, NULL);
	struct vfio_iommu_type1_dma_map upd = {
		.argsz = sizeof(upd), .flags = VFIO_DMA_MAP_FLAG_VADDR, .vaddr = VA,
		.iova = 0x10000000, .size = 1 << 20,
	};
	int child;

	ck_assert_int_eq(vfsim_mem_add(r.s, VA, 1 << 20, VFSIM_MEM_ANON), 0);
	ck_assert_int_eq(rig_map(&r, 0x10000000, 1 << 20, VA, RW), 0);
	ck_assert_int_eq(rig_unmap(&r, 0x10000000, 1 << 20, VFIO_DMA_UNMAP_FLAG_VADDR, NULL), 0);
	child = vfsim_proc_fork(r.s);
	ck_assert_int_eq(vfsim_proc_use(r.s, child), 0);
	vfsim_set_creds(r.s, 1000, false, false);
	vfsim_set_memlock(r.s, 512 << 10);
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, VFIO_IOMMU_MAP_DMA, &upd), -ENOMEM);
	vfsim_set_memlock(r.s, 1 << 20);
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, VFIO_IOMMU_MAP_DMA, &upd), 0);
	acct(&r, 1024, 0);			/* the new owner carries the pages */
	ck_assert_int_eq(vfsim_proc_use(r.s, 0), 0);
	acct(&r, 0, 0);
	vfsim_free(r.s);
}
END_TEST

START_TEST(unbind_last_device)
{
	struct rig r = rig_new(VFSIM_TOPO_VTD, VFSIM_TYPE1, 0, VFIO_TYPE1v2_IOMMU, true, NULL);
	struct vfio_group_status st = { .argsz = sizeof(st) };
	int32_t fd = r.c;

	ck_assert_int_eq(vfsim_device_bind(r.s, 0, 0, false), -EBUSY);
	ck_assert_int_eq(vfsim_close(r.s, r.dev), 0);
	ck_assert_int_eq(vfsim_device_bind(r.s, 0, 0, false), 0);
	ck_assert_int_eq(vfsim_ioctl(r.s, r.g, VFIO_GROUP_GET_STATUS, &st), -ENODEV);
	ck_assert_int_eq(vfsim_ioctl(r.s, r.g, VFIO_GROUP_SET_CONTAINER, &fd), -ENODEV);
	/* the container lost its only group, and with it the IOMMU driver */
	ck_assert_int_eq(rig_map(&r, 0x10000000, 4096, VA, RW), -EINVAL);
	ck_assert_int_eq(vfsim_device_bind(r.s, 0, 0, true), 0);
	ck_assert_int_eq(vfsim_ioctl(r.s, r.g, VFIO_GROUP_GET_STATUS, &st), 0);
	ck_assert_uint_eq(st.flags, VFIO_GROUP_FLAGS_VIABLE);
	ck_assert_int_eq(vfsim_device_bind(r.s, 3, 0, false), -ENODEV);
	vfsim_free(r.s);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sim-acct");
	TCase *tc = tcase_create("acct");

	tcase_add_test(tc, type1_root_charges_vmlck);
	tcase_add_test(tc, type1_limit_edges);
	tcase_add_test(tc, type1_fault_before_limit);
	tcase_add_test(tc, type1_pfnmap_and_ro);
	tcase_add_test(tc, type1_mdev_pins_late);
	tcase_add_test(tc, compat_pins_with_domain_only);
	tcase_add_test(tc, compat_user_limit_across_processes);
	tcase_add_test(tc, compat_split_unpins_pieces);
	tcase_add_test(tc, dma_entry_limit);
	tcase_add_test(tc, fork_child_has_own_mm);
	tcase_add_test(tc, unbind_last_device);
	tcase_add_test(tc, vaddr_update_moves_the_charge);
	suite_add_tcase(s, tc);
	return s;
}

SIM_CHECK_MAIN(suite)

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mtty vendor driver of the reference kernel (vfsim_mdev_dma()): lazy
 * pinning and its charge on type1, iommufd access pins, unmap telling the
 * driver to let go, vfio_dma_rw() from the mapping's process only; and two
 * things FORK and dirty tracking need: per-process fd tables and type1's
 * dirty bitmap keeping bits shifted into its spare word.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include "sim_test.h"

#define IOVA 0x10000000ull

static void acct(struct rig *r, uint64_t lck, uint64_t pin)
{
	uint64_t l, p;

	vfsim_acct(r->s, &l, &p);
	ck_assert_uint_eq(l, lck);
	ck_assert_uint_eq(p, pin);
}

static long mdev(struct rig *r, enum vfsim_mdev_op op, uint64_t iova, uint64_t n, uint64_t *sum)
{
	uint64_t dummy;

	return vfsim_mdev_dma(r->s, op, iova, n, sum ? sum : &dummy);
}

START_TEST(type1_pins_lazily_and_charges_once)
{
	struct rig r = rig_new(VFSIM_TOPO_MDEV, VFSIM_TYPE1, 0, VFIO_TYPE1v2_IOMMU, true, NULL);
	uint64_t done;

	ck_assert_int_eq(vfsim_mem_add(r.s, VA, 1 << 20, VFSIM_MEM_ANON), 0);
	ck_assert_int_eq(rig_map(&r, IOVA, 1 << 20, VA, RW), 0);
	acct(&r, 0, 0);					/* no domain: nothing pinned */
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_PIN, IOVA, 4, NULL), 4);
	acct(&r, 16, 0);
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_PIN, IOVA, 1, NULL), 1);
	acct(&r, 16, 0);				/* the same page: counted, not charged */
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_UNPIN, IOVA, 1, NULL), 0);
	acct(&r, 16, 0);
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_UNPIN, IOVA, 1, NULL), -ENOENT);
	/* past the mapping: the pages pinned so far are unwound */
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_PIN, IOVA + (1 << 20) - 8192, 4, NULL), -EINVAL);
	acct(&r, 16, 0);
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_PIN, IOVA, 0, NULL), -E2BIG);
	/* the unmap tells the driver, which unpins before the mapping goes */
	ck_assert_int_eq(rig_unmap(&r, IOVA, 1 << 20, 0, &done), 0);
	ck_assert_uint_eq(done, 1 << 20);
	acct(&r, 0, 0);
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_PIN, IOVA, 1, NULL), -EINVAL);
	vfsim_free(r.s);
}
END_TEST

START_TEST(type1_pin_limits)
{
	struct rig r = rig_new(VFSIM_TOPO_MDEV, VFSIM_TYPE1, 0, VFIO_TYPE1v2_IOMMU, true, NULL);
	struct rig v1 = rig_new(VFSIM_TOPO_MDEV, VFSIM_TYPE1, 0, VFIO_TYPE1_IOMMU, true, NULL);

	vfsim_set_creds(r.s, 0, false, true);
	vfsim_set_memlock(r.s, 8192);
	ck_assert_int_eq(vfsim_mem_add(r.s, VA, 1 << 20, VFSIM_MEM_ANON), 0);
	ck_assert_int_eq(vfsim_mem_add(r.s, VA + (2 << 20), 4096, VFSIM_MEM_RO), 0);
	ck_assert_int_eq(rig_map(&r, IOVA, 1 << 20, VA, RW), 0);
	ck_assert_int_eq(rig_map(&r, IOVA + (2 << 20), 4096, VA + (2 << 20), RW), 0);
	ck_assert_int_eq(rig_map(&r, IOVA + (4 << 20), 4096, VA, VFIO_DMA_MAP_FLAG_READ), 0);
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_PIN, IOVA, 2, NULL), 2);
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_PIN, IOVA + 0x10000, 1, NULL), -ENOMEM);
	acct(&r, 8, 0);
	/* read-only memory cannot be pinned for writing; a read-only mapping not at all */
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_PIN, IOVA + (2 << 20), 1, NULL), -EFAULT);
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_PIN, IOVA + (4 << 20), 1, NULL), -EPERM);
	/* type1 v1 has no pin_pages for vendor drivers */
	ck_assert_int_eq(vfsim_mem_add(v1.s, VA, 4096, VFSIM_MEM_ANON), 0);
	ck_assert_int_eq(rig_map(&v1, IOVA, 4096, VA, RW), 0);
	ck_assert_int_eq(mdev(&v1, VFSIM_MDEV_PIN, IOVA, 1, NULL), -EACCES);
	/* the device closed: nobody to tell, and its pins are gone */
	ck_assert_int_eq(vfsim_close(r.s, r.dev), 0);
	acct(&r, 0, 0);
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_READ, IOVA, 1, NULL), -ENODEV);
	vfsim_free(r.s);
	vfsim_free(v1.s);
}
END_TEST

START_TEST(type1_dma_rw_in_the_mapping_process)
{
	struct rig r = rig_new(VFSIM_TOPO_MDEV, VFSIM_TYPE1, 0, VFIO_TYPE1v2_IOMMU, true, NULL);
	uint8_t *buf = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t sum = 1;
	int child;

	ck_assert_ptr_ne(buf, MAP_FAILED);
	ck_assert_int_eq(vfsim_mem_add(r.s, (uintptr_t)buf, 8192, VFSIM_MEM_ANON), 0);
	ck_assert_int_eq(rig_map(&r, IOVA, 8192, (uintptr_t)buf, RW), 0);
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_READ, IOVA, 4096, &sum), 0);
	ck_assert_uint_eq(sum, 0);
	/* across the end of the page, then past the mapping */
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_WRITE, IOVA + 4000, 100, NULL), 0);
	ck_assert_uint_eq(buf[4095], 0x5a);
	ck_assert_uint_eq(buf[4096], 0x5a);
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_WRITE, IOVA + 8000, 1000, NULL), -EINVAL);
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_READ, IOVA, 0x20000, NULL), -E2BIG);
	/* another process's driver call cannot reach this mm */
	child = vfsim_proc_fork(r.s);
	ck_assert_int_eq(vfsim_proc_use(r.s, child), 0);
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_READ, IOVA, 16, NULL), -EFAULT);
	vfsim_free(r.s);
	munmap(buf, 8192);
}
END_TEST

START_TEST(compat_access_pins)
{
	struct rig r = rig_new(VFSIM_TOPO_MDEV, VFSIM_COMPAT, 0, VFIO_TYPE1v2_IOMMU, true, NULL);
	uint8_t *buf = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t done, sum = 0;
	int child;

	vfsim_set_creds(r.s, 0, false, true);
	ck_assert_ptr_ne(buf, MAP_FAILED);
	ck_assert_int_eq(vfsim_mem_add(r.s, (uintptr_t)buf, 8192, VFSIM_MEM_ANON), 0);
	ck_assert_int_eq(rig_map(&r, IOVA, 4096, (uintptr_t)buf, RW), 0);
	ck_assert_int_eq(rig_map(&r, IOVA + 4096, 4096, (uintptr_t)buf + 4096, RW), 0);
	acct(&r, 0, 0);
	/* two areas that follow each other pin as one range */
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_PIN, IOVA, 2, NULL), 2);
	acct(&r, 0, 8);
	ck_assert_uint_eq(vfsim_acct_user(r.s), 8);
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_PIN, IOVA + 4096, 1, NULL), 1);
	acct(&r, 0, 8);
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_PIN, IOVA + 4096, 2, NULL), -ENOENT);
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_UNPIN, IOVA, 2, NULL), 0);
	acct(&r, 0, 4);
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_WRITE, IOVA + 4090, 10, NULL), 0);
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_READ, IOVA + 4090, 10, &sum), 0);
	ck_assert_uint_eq(sum, 900);
	/* the source mm gone: only what is pinned can still be read */
	child = vfsim_proc_fork(r.s);
	ck_assert_int_eq(vfsim_proc_use(r.s, child), 0);
	ck_assert_int_eq(rig_map(&r, IOVA + 8192, 4096, (uintptr_t)buf, RW), 0);
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_PIN, IOVA + 8192, 1, NULL), 1);
	ck_assert_int_eq(vfsim_proc_use(r.s, 0), 0);
	ck_assert_int_eq(vfsim_proc_exit(r.s, child), 0);
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_READ, IOVA + 8192, 16, NULL), 0);
	ck_assert_int_eq(rig_unmap(&r, IOVA + 8192, 4096, 0, NULL), 0);
	/* unmapping a pinned area makes the driver unpin first */
	ck_assert_int_eq(rig_unmap(&r, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL, &done), 0);
	ck_assert_uint_eq(done, 8192);
	acct(&r, 0, 0);
	ck_assert_uint_eq(vfsim_acct_user(r.s), 0);
	vfsim_free(r.s);
	munmap(buf, 8192);
}
END_TEST

START_TEST(fork_copies_the_fd_table)
{
	struct rig r = rig_new(VFSIM_TOPO_VTD, VFSIM_TYPE1, 0, VFIO_TYPE1v2_IOMMU, true, NULL);
	struct vfio_group_status st = { .argsz = sizeof(st) };
	int child = vfsim_proc_fork(r.s);

	ck_assert_int_gt(child, 0);
	ck_assert_int_eq(vfsim_close(r.s, r.dev), 0);
	ck_assert_int_eq(vfsim_close(r.s, r.g), 0);
	/* the child's copies keep the group in its container */
	ck_assert_int_eq(vfsim_ioctl(r.s, r.g, VFIO_GROUP_GET_STATUS, &st), 0);
	ck_assert_uint_eq(st.flags, VFIO_GROUP_FLAGS_VIABLE | VFIO_GROUP_FLAGS_CONTAINER_SET);
	ck_assert_int_eq(vfsim_open_group(r.s, 0), -EBUSY);
	ck_assert_int_eq(vfsim_proc_exit(r.s, child), 0);
	ck_assert_int_eq(vfsim_ioctl(r.s, r.g, VFIO_GROUP_GET_STATUS, &st), -EBADF);
	ck_assert_int_ge(vfsim_open_group(r.s, 0), 0);
	vfsim_free(r.s);
}
END_TEST

static long get_bitmap(struct rig *r, uint64_t iova, uint64_t size, uint64_t *bm, uint64_t words)
{
	struct {
		struct vfio_iommu_type1_dirty_bitmap d;
		struct vfio_iommu_type1_dirty_bitmap_get g;
	} a = {
		{ sizeof(a), VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP },
		{ iova, size, { 4096, words * 8, (void *)bm } },
	};

	memset(bm, 0, words * 8);
	return vfsim_ioctl(r->s, r->c, VFIO_IOMMU_DIRTY_PAGES, &a);
}

static unsigned popcount(const uint64_t *bm, unsigned words)
{
	unsigned n = 0;

	for (unsigned i = 0; i < words; i++)
		n += (unsigned)__builtin_popcountll(bm[i]);
	return n;
}

START_TEST(dirty_bitmap_keeps_shifted_bits)
{
	struct rig r = rig_new(VFSIM_TOPO_VTD, VFSIM_TYPE1, 0, VFIO_TYPE1v2_IOMMU, true, NULL);
	struct vfio_iommu_type1_dirty_bitmap start = {
		sizeof(start), VFIO_IOMMU_DIRTY_PAGES_FLAG_START
	};
	uint64_t bm[6];

	ck_assert_int_eq(vfsim_mem_add(r.s, VA, 2 << 20, VFSIM_MEM_ANON), 0);
	ck_assert_int_eq(rig_map(&r, IOVA, 12288, VA, RW), 0);
	ck_assert_int_eq(rig_map(&r, IOVA + 12288, 1 << 20, VA + 12288, RW), 0);
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, VFIO_IOMMU_DIRTY_PAGES, &start), 0);
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, VFIO_IOMMU_DIRTY_PAGES, &start), 0);
	ck_assert_int_eq(get_bitmap(&r, IOVA, 12288 + (1 << 20), bm, 6), 0);
	ck_assert_uint_eq(popcount(bm, 6), 259);
	/* the 3 bits shifted past the mapping's nbits stay and come back shifted */
	ck_assert_int_eq(get_bitmap(&r, IOVA, 12288 + (1 << 20), bm, 6), 0);
	ck_assert_uint_eq(popcount(bm, 6), 262);
	vfsim_free(r.s);
}
END_TEST

static Suite *mdev_suite(void)
{
	Suite *s = suite_create("sim-mdev");
	TCase *tc = tcase_create("mdev");

	tcase_add_test(tc, type1_pins_lazily_and_charges_once);
	tcase_add_test(tc, type1_pin_limits);
	tcase_add_test(tc, type1_dma_rw_in_the_mapping_process);
	tcase_add_test(tc, compat_access_pins);
	tcase_add_test(tc, fork_copies_the_fd_table);
	tcase_add_test(tc, dirty_bitmap_keeps_shifted_bits);
	suite_add_tcase(s, tc);
	return s;
}

SIM_CHECK_MAIN(mdev_suite)

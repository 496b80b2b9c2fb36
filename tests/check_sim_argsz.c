// SPDX-License-Identifier: GPL-2.0-only
/*
 * argsz and malformed input: the kernel's minimum sizes, what a short
 * GET_INFO writes back, caps only when they fit, unknown flags, ranges at 0
 * and at the top of the 64-bit space, bad pointers. Whatever comes in, the
 * sim answers with the kernel's errno and never crashes.
 */
#include <linux/iommufd.h>
#include "sim_test.h"

struct info_buf {
	struct vfio_iommu_type1_info info;
	uint8_t caps[512];
};

static long get_info(struct rig *r, struct info_buf *b, uint32_t argsz)
{
	memset(b, 0xa5, sizeof(*b));
	memset(b, 0, argsz < sizeof(*b) ? argsz : sizeof(*b));
	b->info.argsz = argsz;
	return vfsim_ioctl(r->s, r->c, VFIO_IOMMU_GET_INFO, b);
}

START_TEST(type1_info_argsz)
{
	struct rig r = rig_new(VFSIM_TOPO_VTD, VFSIM_TYPE1, 0, VFIO_TYPE1v2_IOMMU, true, NULL);
	struct info_buf b;

	for (uint32_t a = 0; a < 16; a++)
		ck_assert_int_eq(get_info(&r, &b, a), -EINVAL);
	/* 16: argsz, flags, pgsizes written; the canary after them untouched */
	ck_assert_int_eq(get_info(&r, &b, 16), 0);
	ck_assert_uint_eq(b.info.argsz, 120);
	ck_assert_uint_eq(b.info.iova_pgsizes, 0x40201000);
	ck_assert_uint_eq(b.info.cap_offset, 0xa5a5a5a5);
	ck_assert_int_eq(get_info(&r, &b, 119), 0);
	ck_assert_uint_eq(b.info.argsz, 120);
	ck_assert_uint_eq(b.info.cap_offset, 0);
	ck_assert_uint_eq(b.caps[0], 0);		/* no cap written */
	ck_assert_int_eq(get_info(&r, &b, 120), 0);
	ck_assert_uint_eq(b.info.cap_offset, 24);
	ck_assert_uint_eq(b.caps[96], 0xa5);		/* nothing past 120 */
	ck_assert_int_eq(get_info(&r, &b, UINT32_MAX), 0);
	ck_assert_uint_eq(b.info.argsz, UINT32_MAX);	/* big enough: left alone */
	vfsim_free(r.s);
}
END_TEST

START_TEST(compat_info_argsz)
{
	struct rig r = rig_new(VFSIM_TOPO_VTD, VFSIM_COMPAT, 0, VFIO_TYPE1v2_IOMMU, true, NULL);
	struct info_buf b;

	ck_assert_int_eq(get_info(&r, &b, 15), -EINVAL);
	ck_assert_int_eq(get_info(&r, &b, 24), 0);
	ck_assert_uint_eq(b.info.argsz, 88);
	ck_assert_uint_eq(b.info.cap_offset, 0);
	/* iommufd writes the caps that fit, even when not all of them do */
	ck_assert_int_eq(get_info(&r, &b, 40), 0);
	ck_assert_uint_eq(b.info.argsz, 88);
	ck_assert_uint_eq(b.caps[0], VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);
	ck_assert_uint_eq(b.info.cap_offset, 0);
	ck_assert_int_eq(get_info(&r, &b, 88), 0);
	ck_assert_uint_eq(b.info.cap_offset, 24);
	vfsim_free(r.s);
}
END_TEST

START_TEST(map_argsz_and_flags)
{
	struct rig r = rig_new(VFSIM_TOPO_VTD, VFSIM_TYPE1, 0, VFIO_TYPE1v2_IOMMU, true, NULL);
	struct vfio_iommu_type1_dma_map m = {
		.flags = RW, .vaddr = VA, .iova = 0x10000000, .size = 4096,
	};

	ck_assert_int_eq(vfsim_mem_add(r.s, VA, 1 << 20, VFSIM_MEM_ANON), 0);
	m.argsz = 31;
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, VFIO_IOMMU_MAP_DMA, &m), -EINVAL);
	m.argsz = UINT32_MAX;
	m.flags = RW | 0x80;
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, VFIO_IOMMU_MAP_DMA, &m), -EINVAL);
	m.flags = RW;
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, VFIO_IOMMU_MAP_DMA, &m), 0);
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, VFIO_IOMMU_MAP_DMA, NULL), -EFAULT);
	ck_assert_int_eq(vfsim_ioctl(r.s, 999, VFIO_IOMMU_MAP_DMA, &m), -EBADF);
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, 0xdead, &m), -ENOTTY);
	vfsim_free(r.s);
}
END_TEST

START_TEST(map_edges_zero_and_top)
{
	struct rig r = rig_new(VFSIM_TOPO_VTD, VFSIM_TYPE1, 0, VFIO_TYPE1v2_IOMMU, true, NULL);
	struct rig m = rig_new(VFSIM_TOPO_MDEV, VFSIM_TYPE1, 0, VFIO_TYPE1v2_IOMMU, false, NULL);
	struct rig c = rig_new(VFSIM_TOPO_VTD, VFSIM_COMPAT, 0, VFIO_TYPE1v2_IOMMU, false, NULL);
	uint64_t top = UINT64_MAX - 4095, un;

	ck_assert_int_eq(vfsim_mem_add(r.s, VA, 1 << 20, VFSIM_MEM_ANON), 0);
	ck_assert_int_eq(rig_map(&r, 0, 4096, VA, RW), 0);		/* IOVA 0 is fine */
	ck_assert_int_eq(rig_map(&r, 0, 0, VA, RW), -EINVAL);
	ck_assert_int_eq(rig_map(&r, top, 8192, VA, RW), -EINVAL);	/* wraps */
	ck_assert_int_eq(rig_map(&r, top, 4096, VA, RW), -EINVAL);	/* past the aperture */
	ck_assert_int_eq(rig_map(&r, 0x10000000, 4096, top, RW), -EFAULT);
	ck_assert_int_eq(rig_map(&r, 0x10000000, 8192, top, RW), -EINVAL);
	ck_assert_int_eq(rig_unmap(&r, top, 8192, 0, NULL), -EINVAL);
	ck_assert_int_eq(rig_unmap(&r, 0, 4096, 0, &un), 0);
	ck_assert_uint_eq(un, 4096);
	/* without a domain the whole space is usable, up to the last page... */
	ck_assert_int_eq(rig_map(&m, top, 4096, VA, RW), 0);
	/*
	 * ...but type1's lookups compute iova + size, which is 0 for that
	 * mapping: the kernel's unmap does not find it (size 0, success).
	 */
	ck_assert_int_eq(rig_unmap(&m, top, 4096, 0, &un), 0);
	ck_assert_uint_eq(un, 0);
	ck_assert_int_eq(rig_unmap(&m, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL, &un), 0);
	ck_assert_uint_eq(un, 0);
	/* iommufd: the overflow is its own errno */
	ck_assert_int_eq(rig_map(&c, top, 8192, VA, RW), -EOVERFLOW);
	ck_assert_int_eq(rig_map(&c, 0, 4096, top, RW), -EOVERFLOW);
	ck_assert_int_eq(rig_map(&c, top, 4096, VA, RW), 0);
	ck_assert_int_eq(rig_unmap(&c, top, 8192, 0, &un), -EOVERFLOW);
	ck_assert_uint_eq(un, 0);
	ck_assert_int_eq(rig_unmap(&c, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL, &un), 0);
	ck_assert_uint_eq(un, 4096);
	vfsim_free(r.s);
	vfsim_free(m.s);
	vfsim_free(c.s);
}
END_TEST

START_TEST(dirty_bitmap_bad_pointer)
{
	struct rig r = rig_new(VFSIM_TOPO_VTD, VFSIM_TYPE1, 0, VFIO_TYPE1v2_IOMMU, true, NULL);
	struct {
		struct vfio_iommu_type1_dma_unmap u;
		struct vfio_bitmap b;
	} __attribute__((packed)) a = {
		.u = { .argsz = sizeof(a), .flags = VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP,
		       .iova = 0x10000000, .size = 1 << 20 },
		.b = { .pgsize = 4096, .size = 32, .data = (void *)0x1000 },
	};
	struct vfio_iommu_type1_dirty_bitmap start = {
		.argsz = sizeof(start), .flags = VFIO_IOMMU_DIRTY_PAGES_FLAG_START,
	};
	uint64_t good[4] = { 0 };

	ck_assert_int_eq(vfsim_mem_add(r.s, VA, 1 << 20, VFSIM_MEM_ANON), 0);
	ck_assert_int_eq(rig_map(&r, 0x10000000, 1 << 20, VA, RW), 0);
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, VFIO_IOMMU_UNMAP_DMA, &a), -EINVAL);
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, VFIO_IOMMU_DIRTY_PAGES, &start), 0);
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, VFIO_IOMMU_UNMAP_DMA, &a), -EFAULT);
	a.u.argsz = sizeof(a) - 1;
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, VFIO_IOMMU_UNMAP_DMA, &a), -EINVAL);
	a.u.argsz = sizeof(a);
	a.b.data = (void *)good;
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, VFIO_IOMMU_UNMAP_DMA, &a), 0);
	ck_assert_uint_eq(a.u.size, 1 << 20);
	ck_assert_uint_eq(good[0], UINT64_MAX);
	ck_assert_uint_eq(good[3], UINT64_MAX);
	vfsim_free(r.s);
}
END_TEST

START_TEST(vfio_ioas_sizes)
{
	struct rig r = rig_new(VFSIM_TOPO_VTD, VFSIM_COMPAT, 0, 0, false, NULL);
	uint8_t raw[64] = { 0 };
	struct iommu_vfio_ioas *v = (void *)raw;

	v->size = 11;
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, IOMMU_VFIO_IOAS, raw), -EINVAL);
	v->size = 16;
	raw[14] = 1;
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, IOMMU_VFIO_IOAS, raw), -E2BIG);
	raw[14] = 0;
	v->op = IOMMU_VFIO_IOAS_GET;
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, IOMMU_VFIO_IOAS, raw), 0);
	ck_assert_uint_eq(v->ioas_id, 1);
	v->op = 7;
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, IOMMU_VFIO_IOAS, raw), -EOPNOTSUPP);
	v->op = IOMMU_VFIO_IOAS_CLEAR;
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, IOMMU_VFIO_IOAS, raw), 0);
	v->op = IOMMU_VFIO_IOAS_GET;
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, IOMMU_VFIO_IOAS, raw), -ENODEV);
	v->op = IOMMU_VFIO_IOAS_SET;
	v->ioas_id = 1;
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, IOMMU_VFIO_IOAS, raw), 0);
	v->ioas_id = 2;
	ck_assert_int_eq(vfsim_ioctl(r.s, r.c, IOMMU_VFIO_IOAS, raw), -ENOENT);
	vfsim_free(r.s);
}
END_TEST

START_TEST(garbage_never_crashes)
{
	struct rig r = rig_new(VFSIM_TOPO_MDEV, VFSIM_TYPE1, 0, VFIO_TYPE1v2_IOMMU, false, NULL);
	struct rig c = rig_new(VFSIM_TOPO_VTD, VFSIM_COMPAT, 0, VFIO_TYPE1_IOMMU, true, NULL);
	const unsigned long reqs[] = {
		VFIO_IOMMU_GET_INFO, VFIO_IOMMU_MAP_DMA, VFIO_IOMMU_UNMAP_DMA,
		VFIO_IOMMU_DIRTY_PAGES, IOMMU_VFIO_IOAS,
	};
	static uint8_t buf[8192];

	srand(7);
	ck_assert_int_eq(vfsim_mem_add(r.s, VA, 1 << 20, VFSIM_MEM_ANON), 0);
	for (int i = 0; i < 20000; i++) {
		for (unsigned k = 0; k < 64; k++)
			buf[k] = (uint8_t)rand();
		/* keep argsz inside the buffer: the kernel would read what it says */
		buf[2] = buf[3] = 0;
		buf[1] &= 0x1f;
		vfsim_ioctl(r.s, r.c, reqs[i % 5], buf);
		vfsim_ioctl(c.s, c.c, reqs[i % 5], buf);
	}
	vfsim_free(r.s);
	vfsim_free(c.s);
}
END_TEST

START_TEST(api_edges)
{
	struct vfsim_params p;
	struct vfsim *s;
	uint64_t l, q;

	vfsim_params_default(&p);
	p.page_size = 3000;
	ck_assert_ptr_null(vfsim_new(VFSIM_TOPO_VTD, &p));
	vfsim_params_default(&p);
	p.aperture_bits = 65;
	ck_assert_ptr_null(vfsim_new(VFSIM_TOPO_VTD, &p));
	ck_assert_ptr_null(vfsim_new((enum vfsim_topo)9, NULL));
	s = vfsim_new(VFSIM_TOPO_MULTI, NULL);
	ck_assert_str_eq(vfsim_release(), "sim-6.12");
	ck_assert_str_eq(vfsim_device_name(s, 0, 1), "0000:01:02.0");
	ck_assert_ptr_null(vfsim_device_name(s, 0, 2));
	ck_assert_ptr_null(vfsim_device_name(s, 3, 0));
	ck_assert_int_eq(vfsim_open_group(s, 3), -ENOENT);
	{
		int g0 = vfsim_open_group(s, 0);

		ck_assert_int_ge(g0, 0);
		ck_assert_int_eq(vfsim_open_group(s, 0), -EBUSY);	/* one open file */
		ck_assert_int_eq(vfsim_close(s, g0), 0);
		g0 = vfsim_open_group(s, 0);
		ck_assert_int_ge(g0, 0);
		ck_assert_int_eq(vfsim_close(s, g0), 0);
	}
	ck_assert_int_eq(vfsim_open_container(s, (enum vfsim_personality)5), -EINVAL);
	ck_assert_int_eq(vfsim_close(s, 77), -EBADF);
	ck_assert_int_eq(vfsim_ioctl(s, 2, VFIO_GET_API_VERSION, NULL), -ENOTTY);	/* stderr */
	ck_assert_int_eq(vfsim_ioctl(s, -1, VFIO_GET_API_VERSION, NULL), -EBADF);
	/* memory: page granular, no wrap, no overlap, kind known */
	ck_assert_int_eq(vfsim_mem_add(s, VA, 0, VFSIM_MEM_ANON), -EINVAL);
	ck_assert_int_eq(vfsim_mem_add(s, VA + 1, 4096, VFSIM_MEM_ANON), -EINVAL);
	ck_assert_int_eq(vfsim_mem_add(s, UINT64_MAX - 4095, 8192, VFSIM_MEM_ANON), -EINVAL);
	ck_assert_int_eq(vfsim_mem_add(s, VA, 4096, (enum vfsim_mem_kind)7), -EINVAL);
	ck_assert_int_eq(vfsim_mem_add(s, UINT64_MAX - 4095, 4096, VFSIM_MEM_ANON), 0);
	ck_assert_int_eq(vfsim_mem_add(s, UINT64_MAX - 4095, 4096, VFSIM_MEM_RO), -EEXIST);
	vfsim_acct(s, &l, &q);
	ck_assert_uint_eq(l + q, 0);
	ck_assert_uint_eq(vfsim_user_locked(s, 4242), 0);
	for (int i = 1; i < 8; i++)
		ck_assert_int_ge(vfsim_proc_new(s, 1000 + i), 0);
	ck_assert_int_eq(vfsim_proc_new(s, 1), -EAGAIN);
	vfsim_free(s);
	vfsim_free(NULL);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sim-argsz");
	TCase *tc = tcase_create("argsz");

	tcase_add_test(tc, type1_info_argsz);
	tcase_add_test(tc, compat_info_argsz);
	tcase_add_test(tc, map_argsz_and_flags);
	tcase_add_test(tc, map_edges_zero_and_top);
	tcase_add_test(tc, dirty_bitmap_bad_pointer);
	tcase_add_test(tc, vfio_ioas_sizes);
	tcase_add_test(tc, garbage_never_crashes);
	tcase_add_test(tc, api_edges);
	suite_add_tcase(s, tc);
	return s;
}

SIM_CHECK_MAIN(suite)

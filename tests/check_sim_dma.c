// SPDX-License-Identifier: GPL-2.0-only
/*
 * A device's own DMA (vfsim_device_dma()): translation page by page through
 * the domain as it was filled, a READ-only mapping faulting a write with
 * 0x05 at the page, one fault per transfer with the pages around it moved,
 * the address width (0x04), the MSI window, the pages pinned before a VADDR
 * update, the requester behind the bridge, and how either personality keeps
 * or loses the device's domain. The memory is real: the device copies it.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include "sim_test.h"

#define IOVA	0x10000000ull
#define PG	4096u

struct mem {
	uint8_t *p;
	size_t size;
};

/* Real memory, registered with the sim's current process, filled on request. */
static struct mem mem_new(struct rig *r, size_t size, bool fill)
{
	struct mem m = { mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			      -1, 0), size };

	ck_assert_ptr_ne(m.p, MAP_FAILED);
	for (size_t i = 0; fill && i < size; i++)
		m.p[i] = (uint8_t)(1 + i % 251);	/* no zero byte */
	ck_assert_int_eq(vfsim_mem_add(r->s, (uintptr_t)m.p, size, VFSIM_MEM_ANON), 0);
	return m;
}

static long dma(struct rig *r, bool write, uint64_t iova, uint32_t len, struct vfsim_dma_fault *f)
{
	memset(f, 0, sizeof(*f));
	return vfsim_device_dma(r->s, r->dev, write, iova, 0, len, f);
}

static void fault_is(const struct vfsim_dma_fault *f, bool write, uint64_t addr, unsigned reason)
{
	ck_assert(f->write == write);
	ck_assert_uint_eq(f->addr, addr);
	ck_assert_uint_eq(f->reason, reason);
	ck_assert_ptr_nonnull(f->text);
}

START_TEST(read_only_mapping_faults_a_write)
{
	struct rig r = rig_new(VFSIM_TOPO_VTD, _i ? VFSIM_COMPAT : VFSIM_TYPE1, 0,
			       VFIO_TYPE1v2_IOMMU, true, NULL);
	struct mem a = mem_new(&r, 2 * PG, true);
	struct vfsim_dma_fault f;
	uint8_t before = a.p[PG + 16];

	ck_assert_int_eq(rig_map(&r, IOVA, PG, (uintptr_t)a.p, RW), 0);
	ck_assert_int_eq(rig_map(&r, IOVA + PG, PG, (uintptr_t)a.p + PG,
				 VFIO_DMA_MAP_FLAG_READ), 0);
	ck_assert_int_eq(dma(&r, false, IOVA + PG, 64, &f), 0);
	/* a write that starts in the read-write page: it lands there, then faults */
	ck_assert_int_eq(dma(&r, true, IOVA + PG - 16, 64, &f), 1);
	fault_is(&f, true, IOVA + PG, 0x05);
	ck_assert_str_eq(f.text, "PTE Write access is not set");
	ck_assert_str_eq(f.requester, "00:02.0");
	ck_assert_uint_eq(a.p[PG + 16], before);
	ck_assert_uint_eq(a.p[PG - 16], a.p[PG]);	/* the device wrote what it read */
	/* a WRITE-only mapping: VT-d's PTEs always carry the read bit */
	ck_assert_int_eq(rig_unmap(&r, IOVA + PG, PG, 0, NULL), 0);
	ck_assert_int_eq(rig_map(&r, IOVA + PG, PG, (uintptr_t)a.p + PG,
				 VFIO_DMA_MAP_FLAG_WRITE), 0);
	ck_assert_int_eq(dma(&r, false, IOVA + PG, 64, &f), 0);
	vfsim_free(r.s);
	munmap(a.p, a.size);
}
END_TEST

START_TEST(first_fault_only_and_the_pages_around_it)
{
	struct rig r = rig_new(VFSIM_TOPO_VTD, _i ? VFSIM_COMPAT : VFSIM_TYPE1, 0,
			       VFIO_TYPE1v2_IOMMU, true, NULL);
	struct mem a = mem_new(&r, PG, true), out = mem_new(&r, PG, false);
	struct vfsim_dma_fault f;
	uint32_t len = PG - 1;			/* the most one transfer moves: a hole, a page */

	ck_assert_int_eq(rig_map(&r, IOVA + PG, PG, (uintptr_t)a.p, RW), 0);
	ck_assert_int_eq(rig_map(&r, 0x20000000, PG, (uintptr_t)out.p, RW), 0);
	ck_assert_int_eq(dma(&r, false, IOVA + PG / 2, len, &f), 1);
	fault_is(&f, false, IOVA, 0x06);
	ck_assert_str_eq(f.text, "PTE Read access is not set");
	/* what the device holds: zeros from the hole, then the page */
	memset(out.p, 0xff, out.size);
	ck_assert_int_eq(dma(&r, true, 0x20000000, len, &f), 0);
	for (uint32_t i = 0; i < len; i++)
		ck_assert_uint_eq(out.p[i], i < PG / 2 ? 0 : a.p[i - PG / 2]);
	ck_assert_uint_eq(out.p[len], 0xff);
	/* two holes: only the first is recorded */
	ck_assert_int_eq(dma(&r, false, IOVA + 3 * PG - 8, 16, &f), 1);
	fault_is(&f, false, IOVA + 2 * PG, 0x06);
	/* the engine's limits: nothing is moved */
	ck_assert_int_eq(vfsim_device_dma(r.s, r.dev, false, IOVA, 0, 0, &f), -EINVAL);
	ck_assert_int_eq(vfsim_device_dma(r.s, r.dev, false, IOVA, 0, PG, &f), -EINVAL);
	ck_assert_int_eq(vfsim_device_dma(r.s, r.dev, false, IOVA, PG - 1, 1, &f), -EINVAL);
	ck_assert_int_eq(vfsim_device_dma(r.s, r.dev, false, UINT64_MAX, 0, 2, &f), -EINVAL);
	ck_assert_int_eq(vfsim_device_dma(r.s, r.g, false, IOVA, 0, 1, &f), -EBADF);
	ck_assert_int_eq(vfsim_device_dma(r.s, 999, false, IOVA, 0, 1, &f), -EBADF);
	vfsim_free(r.s);
	munmap(a.p, a.size);
	munmap(out.p, out.size);
}
END_TEST

START_TEST(address_width_and_msi_window)
{
	struct vfsim_params p;
	struct rig r = rig_new(VFSIM_TOPO_VTD, VFSIM_TYPE1, 0, VFIO_TYPE1v2_IOMMU, true, NULL);
	struct mem a = mem_new(&r, PG, true);
	struct vfsim_dma_fault f;
	struct rig wide;

	ck_assert_int_eq(dma(&r, true, (1ull << 39) + 0x123, 16, &f), 1);
	fault_is(&f, true, 1ull << 39, 0x04);
	ck_assert_str_eq(f.text, "Access beyond MGAW");
	ck_assert_int_eq(dma(&r, false, (1ull << 39) - 8, 16, &f), 1);
	fault_is(&f, false, (1ull << 39) - PG, 0x06);	/* below the width: a missing PTE first */
	/* a write into a READ-only page, then past the width: the first fault is the one */
	ck_assert_int_eq(rig_map(&r, (1ull << 39) - PG, PG, (uintptr_t)a.p,
				 VFIO_DMA_MAP_FLAG_READ), 0);
	ck_assert_int_eq(dma(&r, true, (1ull << 39) - 8, 16, &f), 1);
	fault_is(&f, true, (1ull << 39) - PG, 0x05);
	ck_assert_int_eq(dma(&r, false, 0xfee00000, 16, &f), 0);
	ck_assert_int_eq(dma(&r, true, 0xfeeff000, 16, &f), 0);
	ck_assert_int_eq(dma(&r, false, 0xfedff000, 16, &f), 1);
	/* both come from the machine's parameters */
	vfsim_params_default(&p);
	p.aperture_bits = 48;
	p.msi_start = 0xfed00000;
	p.msi_last = 0xfedfffff;
	wide = rig_new(VFSIM_TOPO_VTD, VFSIM_COMPAT, 0, VFIO_TYPE1v2_IOMMU, true, &p);
	ck_assert_int_eq(dma(&wide, false, 1ull << 39, 16, &f), 1);
	fault_is(&f, false, 1ull << 39, 0x06);
	ck_assert_int_eq(dma(&wide, false, 0xfedff000, 16, &f), 0);
	ck_assert_int_eq(dma(&wide, false, 0xfee00000, 16, &f), 1);
	vfsim_free(r.s);
	vfsim_free(wide.s);
	munmap(a.p, a.size);
}
END_TEST

START_TEST(stale_vaddr_after_update_vaddr)
{
	struct rig r = rig_new(VFSIM_TOPO_VTD, VFSIM_TYPE1, 0, VFIO_TYPE1v2_IOMMU, true, NULL);
	struct mem a = mem_new(&r, PG, false), b = mem_new(&r, PG, false);
	struct vfsim_dma_fault f;
	uint64_t done;

	memset(b.p, 0x11, PG);
	ck_assert_int_eq(rig_map(&r, IOVA, PG, (uintptr_t)a.p, RW), 0);
	ck_assert_int_eq(rig_unmap(&r, IOVA, PG, VFIO_DMA_UNMAP_FLAG_VADDR, &done), 0);
	ck_assert_uint_eq(done, PG);
	/* invalidated: the IOMMU entry stays */
	ck_assert_int_eq(dma(&r, false, IOVA, 64, &f), 0);
	ck_assert_int_eq(rig_map(&r, IOVA, PG, (uintptr_t)b.p, VFIO_DMA_MAP_FLAG_VADDR), 0);
	/* updated: the device still writes the pages pinned from a */
	ck_assert_int_eq(dma(&r, true, IOVA + 8, 8, &f), 0);
	ck_assert_uint_eq(a.p[8], 0);			/* it read zeros from a */
	ck_assert_uint_eq(b.p[8], 0x11);
	a.p[8] = 0x22;
	ck_assert_int_eq(dma(&r, false, IOVA + 8, 1, &f), 0);
	ck_assert_int_eq(dma(&r, true, IOVA + 9, 1, &f), 0);
	ck_assert_uint_eq(a.p[9], 0x22);
	ck_assert_uint_eq(b.p[9], 0x11);
	vfsim_free(r.s);
	munmap(a.p, a.size);
	munmap(b.p, b.size);
}
END_TEST

/* type1 v1 unmaps nothing inside a mapping; compat cuts the area out. */
START_TEST(v1_partial_unmap_per_personality)
{
	struct rig r = rig_new(VFSIM_TOPO_VTD, _i ? VFSIM_COMPAT : VFSIM_TYPE1, 0,
			       VFIO_TYPE1_IOMMU, true, NULL);
	struct mem a = mem_new(&r, 4 * PG, true);
	struct vfsim_dma_fault f;
	uint64_t done;

	ck_assert_int_eq(rig_map(&r, IOVA, 4 * PG, (uintptr_t)a.p, RW), 0);
	ck_assert_int_eq(rig_unmap(&r, IOVA + PG, PG, 0, &done), 0);
	ck_assert_uint_eq(done, _i ? PG : 0);
	ck_assert_int_eq(dma(&r, false, IOVA + PG, 16, &f), _i ? 1 : 0);
	ck_assert_int_eq(dma(&r, false, IOVA + 2 * PG, 16, &f), 0);
	vfsim_free(r.s);
	munmap(a.p, a.size);
}
END_TEST

/* Where the device's domain comes from, and what it sees without one. */
START_TEST(domain_of_the_device)
{
	struct rig t1 = rig_new(VFSIM_TOPO_VTD, VFSIM_TYPE1, 0, VFIO_TYPE1v2_IOMMU, true, NULL);
	struct rig cp = rig_new(VFSIM_TOPO_VTD, VFSIM_COMPAT, 0, VFIO_TYPE1v2_IOMMU, true, NULL);
	struct mem a = mem_new(&t1, PG, true), b = mem_new(&cp, PG, true);
	struct vfsim_dma_fault f;

	ck_assert_int_eq(rig_map(&t1, IOVA, PG, (uintptr_t)a.p, RW), 0);
	ck_assert_int_eq(rig_map(&cp, IOVA, PG, (uintptr_t)b.p, RW), 0);
	/* type1 refuses the unset; compat lets the group go, the device stays in the hwpt */
	ck_assert_int_eq(vfsim_ioctl(t1.s, t1.g, VFIO_GROUP_UNSET_CONTAINER, NULL), -EBUSY);
	ck_assert_int_eq(vfsim_ioctl(cp.s, cp.g, VFIO_GROUP_UNSET_CONTAINER, NULL), 0);
	ck_assert_int_eq(dma(&cp, false, IOVA, 16, &f), 0);
	/* the container fd closed: its groups and devices keep it */
	ck_assert_int_eq(vfsim_close(t1.s, t1.c), 0);
	ck_assert_int_eq(dma(&t1, true, IOVA, 16, &f), 0);
	/* the device fd closed: no device */
	ck_assert_int_eq(vfsim_close(cp.s, cp.dev), 0);
	ck_assert_int_eq(dma(&cp, false, IOVA, 16, &f), -EBADF);
	vfsim_free(t1.s);
	vfsim_free(cp.s);
	munmap(a.p, a.size);
	munmap(b.p, b.size);
}
END_TEST

/* Behind the PCI bridge the IOMMU sees the bridge; the mtty has no engine. */
START_TEST(requester_and_engines)
{
	struct rig m = rig_new(VFSIM_TOPO_MULTI, VFSIM_TYPE1, 0, VFIO_TYPE1v2_IOMMU, true, NULL);
	struct rig g1 = rig_new(VFSIM_TOPO_MULTI, VFSIM_COMPAT, 1, VFIO_TYPE1v2_IOMMU, true, NULL);
	struct rig md = rig_new(VFSIM_TOPO_MDEV, VFSIM_TYPE1, 0, VFIO_TYPE1v2_IOMMU, true, NULL);
	struct vfsim_dma_fault f;
	int d1 = (int)vfsim_ioctl(m.s, m.g, VFIO_GROUP_GET_DEVICE_FD,
				  (void *)vfsim_device_name(m.s, 0, 1));

	ck_assert_int_ge(d1, 0);
	ck_assert_int_eq(dma(&m, false, IOVA, 16, &f), 1);
	ck_assert_str_eq(f.requester, "00:03.0");
	ck_assert_int_eq(vfsim_device_dma(m.s, d1, true, IOVA, 0, 16, &f), 1);
	ck_assert_str_eq(f.requester, "00:03.0");
	ck_assert_int_eq(dma(&g1, false, IOVA, 16, &f), 1);
	ck_assert_str_eq(f.requester, "00:04.0");
	ck_assert_int_eq(dma(&md, false, IOVA, 16, &f), -ENODEV);
	vfsim_free(m.s);
	vfsim_free(g1.s);
	vfsim_free(md.s);
}
END_TEST

static Suite *dma_suite(void)
{
	Suite *s = suite_create("sim-dma");
	TCase *tc = tcase_create("dma");

	/* _i: 0 type1, 1 compat */
	tcase_add_loop_test(tc, read_only_mapping_faults_a_write, 0, 2);
	tcase_add_loop_test(tc, first_fault_only_and_the_pages_around_it, 0, 2);
	tcase_add_test(tc, address_width_and_msi_window);
	tcase_add_test(tc, stale_vaddr_after_update_vaddr);
	tcase_add_loop_test(tc, v1_partial_unmap_per_personality, 0, 2);
	tcase_add_test(tc, domain_of_the_device);
	tcase_add_test(tc, requester_and_engines);
	suite_add_tcase(s, tc);
	return s;
}

SIM_CHECK_MAIN(dma_suite)

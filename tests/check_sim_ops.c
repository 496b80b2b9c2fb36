// SPDX-License-Identifier: GPL-2.0-only
/*
 * The sim's layers meet only through ops tables: the vendor driver hears of
 * an unmap through its device's dma_unmap (type1's device list, iommufd's
 * access ops), and vfio_pin_pages(), vfio_dma_rw() and a device's own DMA
 * reach the IOMMU backend through the container's and the driver's ops. Each test swaps or
 * NULLs a callback and checks that the behaviour follows the table, which
 * a direct call across the layers would not.
 */
#define _GNU_SOURCE
#include "sim_test.h"
#include "../sim/vfsim_int.h"

#define IOVA	0x10000000ull
#define SIZE	(1ull << 20)

static const enum vfsim_personality pers[] = { VFSIM_TYPE1, VFSIM_COMPAT };

/* what the recording dma_unmap saw, and whether it passes the call on to the mtty */
static struct {
	unsigned calls;
	uint64_t iova, length;
	struct vfsim_device *dev;
	const struct vfsim_device_ops *orig;
	struct vfsim_device_ops ops;
} rec;

static void record_unmap(struct vfsim *s, struct vfsim_device *dev, uint64_t iova,
			 uint64_t length)
{
	rec.calls++;
	rec.iova = iova;
	rec.length = length;
	rec.dev = dev;
	rec.orig->dma_unmap(s, dev, iova, length);
}

static struct vfsim_device *mtty_of(struct rig *r)
{
	return &r->s->groups[0].devs[0];
}

/* The mdev machine with the mtty's callbacks replaced by ops, then its device opened. */
static struct rig rig_with_ops(enum vfsim_personality p, void (*dma_unmap)(struct vfsim *,
			       struct vfsim_device *, uint64_t, uint64_t))
{
	struct rig r = rig_new(VFSIM_TOPO_MDEV, p, 0, VFIO_TYPE1v2_IOMMU, false, NULL);
	struct vfsim_device *dev = mtty_of(&r);

	memset(&rec, 0, sizeof(rec));
	ck_assert_ptr_nonnull(dev->ops);
	ck_assert_ptr_nonnull(dev->ops->dma_unmap);
	rec.orig = dev->ops;
	rec.ops = *dev->ops;
	rec.ops.dma_unmap = dma_unmap;
	dev->ops = &rec.ops;
	/* registered before the open: type1 takes the device list at open */
	r.dev = (int)vfsim_ioctl(r.s, r.g, VFIO_GROUP_GET_DEVICE_FD,
				 (void *)vfsim_device_name(r.s, 0, 0));
	ck_assert_int_ge(r.dev, 0);
	ck_assert_int_eq(vfsim_mem_add(r.s, VA, 2 * SIZE, VFSIM_MEM_ANON), 0);
	ck_assert_int_eq(rig_map(&r, IOVA, SIZE, VA, RW), 0);
	ck_assert_int_eq(rig_map(&r, IOVA + SIZE, SIZE, VA + SIZE, RW), 0);
	return r;
}

static long mdev(struct rig *r, enum vfsim_mdev_op op, uint64_t iova, uint64_t n)
{
	uint64_t sum;

	return vfsim_mdev_dma(r->s, op, iova, n, &sum);
}

static uint64_t charged(struct rig *r)
{
	uint64_t lck, pin;

	vfsim_acct(r->s, &lck, &pin);
	return lck + pin;
}

START_TEST(unmap_reaches_the_registered_callback)
{
	struct rig r = rig_with_ops(pers[_i], record_unmap);
	uint64_t done;

	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_PIN, IOVA + 4096, 2), 2);
	ck_assert_uint_gt(charged(&r), 0);
	/* a mapping nobody pinned is not the driver's business */
	ck_assert_int_eq(rig_unmap(&r, IOVA + SIZE, SIZE, 0, &done), 0);
	ck_assert_uint_eq(rec.calls, 0);
	/* the pinned one: the callback hears of the whole mapping and the mtty unpins */
	ck_assert_int_eq(rig_unmap(&r, IOVA, SIZE, 0, &done), 0);
	ck_assert_uint_eq(done, SIZE);
	ck_assert_uint_eq(rec.calls, 1);
	ck_assert_uint_eq(rec.iova, IOVA);
	ck_assert_uint_eq(rec.length, SIZE);
	ck_assert_ptr_eq(rec.dev, mtty_of(&r));
	ck_assert_uint_eq(charged(&r), 0);
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_UNPIN, IOVA + 4096, 2), -ENOENT);
	vfsim_free(r.s);
}
END_TEST

START_TEST(no_dma_unmap_no_notification)
{
	struct rig r = rig_with_ops(pers[_i], NULL);
	uint64_t done = 1;

	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_PIN, IOVA + 4096, 2), 2);
	if (pers[_i] == VFSIM_TYPE1) {
		/* not on the device list: the mapping goes, the driver keeps its record */
		ck_assert_int_eq(rig_unmap(&r, IOVA, SIZE, 0, &done), 0);
		ck_assert_uint_eq(done, SIZE);
		ck_assert_int_eq(mdev(&r, VFSIM_MDEV_UNPIN, IOVA + 4096, 2), 0);
	} else {
		/* nobody unpins: the area still has access pins and cannot go */
		ck_assert_int_eq(rig_unmap(&r, IOVA, SIZE, 0, &done), -EBUSY);
		ck_assert_uint_eq(done, 0);
		ck_assert_int_eq(mdev(&r, VFSIM_MDEV_UNPIN, IOVA + 4096, 2), 0);
		ck_assert_int_eq(rig_unmap(&r, IOVA, SIZE, 0, &done), 0);
	}
	ck_assert_uint_eq(charged(&r), 0);
	vfsim_free(r.s);
}
END_TEST

static unsigned pin_calls;
static const struct vfsim_container_ops *orig_cops;
static struct vfsim_container_ops counting_ops;

static long counting_pin(struct vfsim *s, struct vfsim_container *c, struct vfsim_device *dev,
			 uint64_t iova, uint64_t npage, int prot)
{
	pin_calls++;
	return orig_cops->pin_pages(s, c, dev, iova, npage, prot);
}

START_TEST(pins_go_through_the_container_ops)
{
	struct rig r = rig_with_ops(pers[_i], record_unmap);
	struct vfsim_container *c = r.s->handles[r.c - VFSIM_HANDLE_BASE].c;

	orig_cops = c->ops;
	counting_ops = *c->ops;
	counting_ops.pin_pages = counting_pin;
	pin_calls = 0;
	c->ops = &counting_ops;
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_PIN, IOVA, 1), 1);
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_PIN, IOVA + SIZE, 3), 3);
	ck_assert_uint_eq(pin_calls, 2);
	vfsim_free(r.s);
}
END_TEST

START_TEST(type1_driver_ops_carry_pins_and_rw)
{
	struct rig r = rig_with_ops(VFSIM_TYPE1, record_unmap);
	struct vfsim_container *c = r.s->handles[r.c - VFSIM_HANDLE_BASE].c;
	struct vfsim_iommu_driver_ops no_pins;

	ck_assert_ptr_eq(c->iommu_driver, &t1_driver_ops);
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_PIN, IOVA, 1), 1);
	/* a driver without pin_pages and dma_rw: vfio_pin_pages() says ENOTTY */
	no_pins = *c->iommu_driver;
	no_pins.pin_pages = NULL;
	no_pins.dma_rw = NULL;
	c->iommu_driver = &no_pins;
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_PIN, IOVA + 4096, 1), -ENOTTY);
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_READ, IOVA, 16), -ENOTTY);
	c->iommu_driver = &t1_driver_ops;
	ck_assert_int_eq(mdev(&r, VFSIM_MDEV_PIN, IOVA + 4096, 1), 1);
	vfsim_free(r.s);
}
END_TEST

/*
 * A device's own DMA sees what the file serving it says its domain holds:
 * without the container's (or type1's driver's) iova_to_phys the device is
 * in no domain of that file, and every access faults.
 */
START_TEST(device_dma_asks_the_container_ops)
{
	struct rig r = rig_new(VFSIM_TOPO_VTD, pers[_i], 0, VFIO_TYPE1v2_IOMMU, true, NULL);
	struct vfsim_container *c = r.s->handles[r.c - VFSIM_HANDLE_BASE].c;
	struct vfsim_container_ops no_lookup = *c->ops;
	struct vfsim_iommu_driver_ops no_domain;
	struct vfsim_dma_fault f;
	static uint8_t page[4096] __attribute__((aligned(4096)));

	ck_assert_int_eq(vfsim_mem_add(r.s, (uintptr_t)page, sizeof(page), VFSIM_MEM_ANON), 0);
	ck_assert_int_eq(rig_map(&r, IOVA, sizeof(page), (uintptr_t)page, RW), 0);
	ck_assert_int_eq(vfsim_device_dma(r.s, r.dev, false, IOVA, 0, 16, &f), 0);
	orig_cops = c->ops;
	no_lookup.iova_to_phys = NULL;
	c->ops = &no_lookup;
	ck_assert_int_eq(vfsim_device_dma(r.s, r.dev, false, IOVA, 0, 16, &f), 1);
	ck_assert_uint_eq(f.reason, 0x06);
	c->ops = orig_cops;
	if (pers[_i] == VFSIM_TYPE1) {
		no_domain = *c->iommu_driver;
		no_domain.iova_to_phys = NULL;
		c->iommu_driver = &no_domain;
		ck_assert_int_eq(vfsim_device_dma(r.s, r.dev, true, IOVA, 0, 16, &f), 1);
		ck_assert_uint_eq(f.reason, 0x05);
		c->iommu_driver = &t1_driver_ops;
	}
	ck_assert_int_eq(vfsim_device_dma(r.s, r.dev, true, IOVA, 0, 16, &f), 0);
	vfsim_free(r.s);
}
END_TEST

/* type1's device list holds only open devices with a dma_unmap callback. */
START_TEST(type1_device_list)
{
	struct rig v = rig_new(VFSIM_TOPO_VTD, VFSIM_TYPE1, 0, VFIO_TYPE1v2_IOMMU, true, NULL);
	struct rig m = rig_new(VFSIM_TOPO_MDEV, VFSIM_TYPE1, 0, VFIO_TYPE1v2_IOMMU, true, NULL);
	struct vfsim_container *cv = v.s->handles[v.c - VFSIM_HANDLE_BASE].c;
	struct vfsim_container *cm = m.s->handles[m.c - VFSIM_HANDLE_BASE].c;

	ck_assert_uint_eq(((struct t1_iommu *)cv->iommu_data)->n_devices, 0);
	ck_assert_uint_eq(((struct t1_iommu *)cm->iommu_data)->n_devices, 1);
	ck_assert_ptr_eq(((struct t1_iommu *)cm->iommu_data)->devices[0], &m.s->groups[0].devs[0]);
	ck_assert_int_eq(vfsim_close(m.s, m.dev), 0);
	ck_assert_uint_eq(((struct t1_iommu *)cm->iommu_data)->n_devices, 0);
	vfsim_free(v.s);
	vfsim_free(m.s);
}
END_TEST

static Suite *ops_suite(void)
{
	Suite *s = suite_create("sim-ops");
	TCase *tc = tcase_create("ops");

	tcase_add_loop_test(tc, unmap_reaches_the_registered_callback, 0, 2);
	tcase_add_loop_test(tc, no_dma_unmap_no_notification, 0, 2);
	tcase_add_loop_test(tc, pins_go_through_the_container_ops, 0, 2);
	tcase_add_test(tc, type1_driver_ops_carry_pins_and_rw);
	tcase_add_test(tc, type1_device_list);
	tcase_add_loop_test(tc, device_dma_asks_the_container_ops, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

SIM_CHECK_MAIN(ops_suite)

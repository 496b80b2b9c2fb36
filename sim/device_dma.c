// SPDX-License-Identifier: GPL-2.0-only
/*
 * A physical device's own DMA: the engine of QEMU's edu (hw/misc/edu.c, a
 * 4 KiB buffer, zero at power-on) behind the emulated VT-d of the reference
 * machine (QEMU 7.2, intel-iommu with intremap=on). No driver is involved:
 * the IOMMU translates each 4 KiB page of a transfer through the domain the
 * device is attached to, and what that domain holds is whatever type1 or
 * iommufd put there (vfio_device_iova_to_phys()). A page that translates
 * moves to or from the memory pinned for it, which is real memory of this
 * process; one that does not is a fault.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vfsim_int.h"

#define EDU_BUF_SIZE	4096u
#define VTD_PAGE	4096ull

#define IOMMU_READ	1
#define IOMMU_WRITE	2

/* The fault reasons of intel-iommu's dma_remap_fault_reasons[] a transfer can meet. */
#define FR_BEYOND_MGAW	0x04
#define FR_WRITE	0x05
#define FR_READ		0x06

static const char *const fault_text[] = {
	[FR_BEYOND_MGAW] = "Access beyond MGAW",
	[FR_WRITE] = "PTE Write access is not set",
	[FR_READ] = "PTE Read access is not set",
};

enum page_fate { PAGE_MEMORY, PAGE_NOWHERE, PAGE_FAULT };

/* The device behind an open device fd, NULL for any other handle. */
static struct vfsim_device *handle_device(struct vfsim *s, int handle)
{
	struct vfsim_handle *h = handle_get(s, handle);

	if (!h || h->kind != H_DEVICE)
		return NULL;
	return &s->groups[h->group].devs[h->dev];
}

/* What the IOMMU does with the page at page: *pte for memory, *reason for a fault. */
static enum page_fate translate(struct vfsim *s, struct vfsim_device *dev, uint64_t page,
				bool write, struct vfsim_iopte *pte, unsigned *reason)
{
	/* QEMU checks the context entry's address width before it walks anything */
	if (s->p.aperture_bits < 64 && page >> s->p.aperture_bits) {
		*reason = FR_BEYOND_MGAW;
		return PAGE_FAULT;
	}
	/*
	 * With intremap=on the interrupt window is not translated: a read
	 * returns zeros without a fault (measured). A write there would be an
	 * interrupt request, which no case makes and nobody measured: it is
	 * dropped without a fault rather than guessed at.
	 */
	if (page >= s->p.msi_start && page <= s->p.msi_last)
		return PAGE_NOWHERE;
	*reason = write ? FR_WRITE : FR_READ;
	if (vfio_device_iova_to_phys(s, dev, page, pte))
		return PAGE_FAULT;
	/*
	 * 6.12's intel-iommu sets bit 0 (DMA_FL_PTE_PRESENT, also a second-level
	 * PTE's read right) in every PTE (commit eea53c581688, "Remove WO
	 * permissions on second-level paging entries"), so a WRITE-only mapping
	 * is readable too (measured); a READ-only one is not writable.
	 */
	if (!(pte->prot & (write ? IOMMU_WRITE : IOMMU_READ | IOMMU_WRITE)))
		return PAGE_FAULT;
	return PAGE_MEMORY;
}

/* One page's part of a transfer: n bytes between buf and the page's memory at at. */
static enum page_fate move(struct vfsim *s, struct vfsim_device *dev, bool write, uint64_t at,
			   uint8_t *buf, uint64_t n, unsigned *reason)
{
	uint64_t page = at & ~(VTD_PAGE - 1);
	struct vfsim_iopte pte;
	enum page_fate fate = translate(s, dev, page, write, &pte, reason);
	int err = -EFAULT;

	/* pinned memory stays; a copy that fails anyway is treated as one that went nowhere */
	if (fate == PAGE_MEMORY)
		err = write ? vfsim_copy_to_user(pte.vaddr + (at - page), buf, n) :
			      vfsim_copy_from_user(buf, pte.vaddr + (at - page), n);
	/* what a read does not get from memory reads as zeros; a write is dropped */
	if (err && !write)
		memset(buf, 0, n);
	return fate;
}

long vfsim_device_dma(struct vfsim *s, int device_handle, bool write, uint64_t iova,
		      uint32_t dev_off, uint32_t len, struct vfsim_dma_fault *fault)
{
	struct vfsim_device *dev = s ? handle_device(s, device_handle) : NULL;
	struct vfsim_group *gr;
	bool faulted = false;

	if (!dev)
		return -EBADF;
	gr = &s->groups[dev->g];
	/*
	 * QEMU 7.2's edu stops the machine (hw_error) on a range outside its
	 * buffer and on one that ends at its last byte: refused, as the kernel
	 * backend's driver refuses it before it programs the engine.
	 */
	if (!len || dev_off >= EDU_BUF_SIZE || len >= EDU_BUF_SIZE - dev_off ||
	    iova + len - 1 < iova)
		return -EINVAL;
	if (gr->type == GROUP_EMULATED)
		return -ENODEV;		/* the mtty has no DMA engine */
	if (gr->type == GROUP_NOIOMMU)
		return -EOPNOTSUPP;	/* its IOVAs are physical addresses */
	if (!dev->dma_buf) {
		dev->dma_buf = calloc(1, EDU_BUF_SIZE);
		if (!dev->dma_buf)
			return -ENOMEM;
	}
	for (uint64_t done = 0, n; done < len; done += n) {
		uint64_t at = iova + done;
		unsigned reason = 0;

		n = VTD_PAGE - (at & (VTD_PAGE - 1));
		if (n > len - done)
			n = len - done;
		if (move(s, dev, write, at, dev->dma_buf + dev_off + done, n, &reason) !=
		    PAGE_FAULT || faulted)
			continue;
		/*
		 * The emulated VT-d has one fault recording register: while the
		 * first fault is pending, later ones of the transfer are not
		 * recorded; the pages around them move as usual.
		 */
		faulted = true;
		fault->write = write;
		fault->addr = at & ~(VTD_PAGE - 1);
		fault->reason = reason;
		fault->text = fault_text[reason];
		snprintf(fault->requester, sizeof(fault->requester), "%s",
			 dev->requester ? dev->requester : "");
	}
	return faulted;
}

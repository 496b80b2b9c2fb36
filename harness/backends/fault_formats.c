// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IOMMU drivers' DMA fault lines, as the 6.12 sources print them (the
 * format strings are quoted beside each parser). Only intel-iommu's and
 * virtio-iommu's are printed under QEMU 7.2: its AMD-Vi emulation logs no
 * IO_PAGE_FAULT event (measured: a read of an unmapped IOVA returns zeros
 * and the guest's log stays silent), so amd-iommu's parser is for real
 * hosts (vfconform certify) and is held by its unit test only.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "backends/fault_formats.h"

static void set_requester(struct vf_dma_fault *f, unsigned bus, unsigned dev, unsigned fn)
{
	snprintf(f->requester, sizeof(f->requester), "%02x:%02x.%x", bus & 0xff, dev & 0x1f,
		 fn & 7);
}

/*
 * drivers/iommu/intel/dmar.c, dmar_fault() and dmar_fault_do_one():
 *   "DMAR: DRHD: handling fault status reg %x"
 *   "DMAR: [%s NO_PASID] Request device [%02x:%02x.%d] fault addr 0x%llx
 *    [fault reason 0x%02x] %s"
 * The handler asks its ratelimit once for the status line, once per record
 * and once more for the loop's last turn, which finds no record: a handler
 * line stands for two calls, a record line for one.
 */
static struct vf_fault_line intel_classify(const char *msg)
{
	if (!strncmp(msg, "DMAR: DRHD: handling fault status", 33))
		return (struct vf_fault_line){ .calls = 2, .handler_run = true };
	if (!strncmp(msg, "DMAR: [", 7))
		return (struct vf_fault_line){ .calls = 1 };
	return (struct vf_fault_line){ 0 };
}

static bool intel_parse(const char *msg, struct vf_dma_fault *f)
{
	unsigned bus, dev, fn, reason;
	unsigned long long addr;
	char type[32];
	int off = 0;

	memset(f, 0, sizeof(*f));
	if (sscanf(msg, "DMAR: [%31[^]]] Request device [%x:%x.%x] fault addr 0x%llx "
			"[fault reason 0x%x] %n", type, &bus, &dev, &fn, &addr, &reason, &off) != 6 ||
	    !off)
		return false;
	/* "DMA Read NO_PASID": the PASID part is not the fault's */
	if (strstr(type, " NO_PASID"))
		*strstr(type, " NO_PASID") = 0;
	snprintf(f->type, sizeof(f->type), "%s", type);
	set_requester(f, bus, dev, fn);
	f->addr = addr;
	snprintf(f->reason, sizeof(f->reason), "0x%02x", reason & 0xff);
	snprintf(f->text, sizeof(f->text), "%s", msg + off);
	return true;
}

/*
 * drivers/iommu/amd/iommu.c, amd_iommu_report_page_fault(), through
 * pci_err() with the device known, else pr_err_ratelimited():
 *   "vfio-pci 0000:00:02.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x%04x
 *    address=0x%llx flags=0x%04x]"
 *   "AMD-Vi: Event logged [IO_PAGE_FAULT device=%04x:%02x:%02x.%x domain=0x%04x
 *    address=0x%llx flags=0x%04x]"
 * One line per event; flags bit 5 (EVENT_FLAG_RW) is a write.
 */
#define AMD_EVENT "AMD-Vi: Event logged [IO_PAGE_FAULT "
#define AMD_EVENT_FLAG_RW 0x020

static struct vf_fault_line amd_classify(const char *msg)
{
	if (strstr(msg, AMD_EVENT))
		return (struct vf_fault_line){ .calls = 1, .handler_run = true };
	return (struct vf_fault_line){ 0 };
}

static bool amd_parse(const char *msg, struct vf_dma_fault *f)
{
	const char *ev = strstr(msg, AMD_EVENT);
	unsigned seg, bus, dev, fn, domain, flags;
	unsigned long long addr;
	int n = 0;

	memset(f, 0, sizeof(*f));
	if (!ev)
		return false;
	ev += strlen(AMD_EVENT);
	if (sscanf(ev, "device=%x:%x:%x.%x domain=0x%x address=0x%llx flags=0x%x]%n", &seg, &bus,
		   &dev, &fn, &domain, &addr, &flags, &n) == 7 && n) {
		set_requester(f, bus, dev, fn);
	} else if (sscanf(ev, "domain=0x%x address=0x%llx flags=0x%x]%n", &domain, &addr, &flags,
			  &n) == 3 && n &&
		   sscanf(msg, "%*s %x:%x:%x.%x: ", &seg, &bus, &dev, &fn) == 4) {
		set_requester(f, bus, dev, fn);
	} else {
		return false;
	}
	snprintf(f->type, sizeof(f->type), "%s",
		 flags & AMD_EVENT_FLAG_RW ? "DMA Write" : "DMA Read");
	f->addr = addr;
	snprintf(f->reason, sizeof(f->reason), "IO_PAGE_FAULT");
	snprintf(f->text, sizeof(f->text), "flags=0x%04x", flags);
	return true;
}

/*
 * drivers/iommu/virtio-iommu.c, viommu_fault_handler(), through
 * dev_err_ratelimited() (one call per fault, a ratelimit state per format):
 *   "virtio_iommu virtio0: %s fault from EP %u at %#llx [%s%s%s]"
 * %s is domain, page or unknown, EP the endpoint ID, which QEMU's VIOT
 * table makes the device's PCI requester ID, and the flags R, W, X.
 */
#define VIOMMU_FAULT " fault from EP "

static struct vf_fault_line virtio_classify(const char *msg)
{
	if (!strncmp(msg, "virtio_iommu ", 13) && strstr(msg, VIOMMU_FAULT))
		return (struct vf_fault_line){ .calls = 1, .handler_run = true };
	return (struct vf_fault_line){ 0 };
}

static bool virtio_parse(const char *msg, struct vf_dma_fault *f)
{
	const char *at = strstr(msg, VIOMMU_FAULT), *colon = strstr(msg, ": ");
	unsigned ep;
	char addr[24], flags[8];
	int n = 0;

	memset(f, 0, sizeof(*f));
	if (virtio_classify(msg).calls == 0 || !colon || colon > at ||
	    sscanf(at + strlen(VIOMMU_FAULT), "%u at %23s [%7[RWX]]%n", &ep, addr, flags, &n) != 3
	    || !n)
		return false;
	snprintf(f->reason, sizeof(f->reason), "%.*s", (int)(at - colon - 2), colon + 2);
	snprintf(f->type, sizeof(f->type), "%s", strchr(flags, 'W') ? "DMA Write" : "DMA Read");
	set_requester(f, ep >> 8, ep >> 3, ep);
	f->addr = strtoull(addr, NULL, 0);
	snprintf(f->text, sizeof(f->text), "[%s]", flags);
	return true;
}

static const struct vf_fault_format formats[] = {
	{ "intel-iommu", "dmar", "DMAR-MSI", 3, intel_classify, intel_parse },
	{ "amd-iommu", "ivhd", "AMD-Vi", 1, amd_classify, amd_parse },
	{ "virtio-iommu", "virtio", "-event", 1, virtio_classify, virtio_parse },
};

const struct vf_fault_format *vf_fault_format_of(const char *driver)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(formats[i].driver, driver))
			return &formats[i];
	return NULL;
}

const struct vf_fault_format *vf_fault_format_detect(const char *sysfs_dir)
{
	const struct vf_fault_format *found = NULL;
	DIR *d = opendir(sysfs_dir);
	struct dirent *e;

	if (!d)
		return NULL;
	while (!found && (e = readdir(d)))
		for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
			if (!strncmp(e->d_name, formats[i].sysfs_prefix,
				     strlen(formats[i].sysfs_prefix)))
				found = &formats[i];
	closedir(d);
	return found;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * QEMU's edu device as a DMA engine (hw/misc/edu.c), programmed from user
 * space through the vfio device fd: BAR0 mmap'ed, bus mastering enabled in
 * config space, then source 0x80, destination 0x88, count 0x90 and command
 * 0x98 (bit 0 start, bit 1 direction: 0 reads memory into the device's 4 KiB
 * buffer at 0x40000, 1 writes that buffer to memory). The device runs the
 * transfer 100 ms (virtual clock) after the command and clears the start bit
 * when done; addresses are IOVAs, translated by the IOMMU in front of it. Its
 * dma_mask property must cover the IOVAs (ref-kernel/lib/runs.sh sets all
 * ones: the engine then passes every address through to the IOMMU). A range
 * outside its buffer is refused here: QEMU 7.2's edu aborts the machine on
 * it, and on one that ends at the buffer's end as well, so a transfer is at
 * most VF_DMA_CHUNK bytes and DEVICE_DMA moves more in chunks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include "backends/edu_dma.h"
#include "backends/iommu_faults.h"

#define EDU_BAR_SIZE	0x100000u
#define EDU_ID		0x00
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_CNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_CMD_RUN	0x1u
#define EDU_CMD_TO_PCI	0x2u		/* direction: the device's buffer to memory */
#define EDU_BUF		0x40000u
#define EDU_BUF_SIZE	4096u
#define EDU_TIMEOUT_US	3000000ull

/* What a test may break on purpose (tests/: the engine's observations come from it). */
unsigned vf_edu_breakage;

static unsigned long long mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000ull + (unsigned long long)ts.tv_nsec / 1000;
}

static int region_info(int fd, unsigned index, struct vfio_region_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->argsz = sizeof(*ri);
	ri->index = index;
	return ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, ri) ? -errno : 0;
}

/* Memory decoding and bus mastering on, as a driver's pci_set_master() would. */
static int enable_master(int fd)
{
	struct vfio_region_info ri;
	uint16_t cmd;
	int err = region_info(fd, VFIO_PCI_CONFIG_REGION_INDEX, &ri);

	if (err)
		return err;
	if (pread(fd, &cmd, sizeof(cmd), (off_t)(ri.offset + PCI_COMMAND)) != sizeof(cmd))
		return -EIO;
	if ((cmd & (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER)) ==
	    (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER))
		return 0;
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	if (pwrite(fd, &cmd, sizeof(cmd), (off_t)(ri.offset + PCI_COMMAND)) != sizeof(cmd))
		return -EIO;
	return 0;
}

static volatile uint64_t *reg64(volatile uint8_t *bar, unsigned off)
{
	return (volatile uint64_t *)(bar + off);
}

/* The engine idle (a transfer a killed case started has run out). */
static bool wait_idle(volatile uint8_t *bar, unsigned long long deadline)
{
	while (*reg64(bar, EDU_DMA_CMD) & EDU_CMD_RUN) {
		if (mono_us() > deadline)
			return false;
		usleep(1000);
	}
	return true;
}

int vf_edu_dma(int fd, int kmsg_fd, bool write, uint64_t iova,
	       uint32_t dev_off, uint32_t size, struct vf_dma_result *res)
{
	struct vfio_region_info ri;
	volatile uint8_t *bar;
	unsigned long long deadline;
	uint64_t cmd;
	void *p;
	int err;

	memset(res, 0, sizeof(*res));
	/*
	 * QEMU 7.2's range check takes a transfer that ends at the buffer's
	 * last byte for one past it, and stops the machine (hw_error): keep
	 * every transfer strictly inside.
	 */
	if (!size || size > VF_DMA_CHUNK || dev_off >= EDU_BUF_SIZE - size)
		return -EINVAL;
	err = region_info(fd, VFIO_PCI_BAR0_REGION_INDEX, &ri);
	if (err)
		return err;
	if (!(ri.flags & VFIO_REGION_INFO_FLAG_MMAP) || ri.size < EDU_BAR_SIZE)
		return -ENODEV;
	p = mmap(NULL, EDU_BAR_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)ri.offset);
	if (p == MAP_FAILED)
		return -errno;
	bar = p;
	err = enable_master(fd);
	/* edu's identification register: major 1, minor 0, 0xed */
	if (!err && (*(volatile uint32_t *)(bar + EDU_ID) & 0xff) != 0xed)
		err = -ENODEV;
	deadline = mono_us() + EDU_TIMEOUT_US;
	if (!err && !wait_idle(bar, deadline))
		err = -EBUSY;
	if (err)
		goto out;
	vf_faults_begin(kmsg_fd);
	*reg64(bar, EDU_DMA_SRC) = write ? EDU_BUF + dev_off : iova;
	*reg64(bar, EDU_DMA_DST) = write ? iova : EDU_BUF + dev_off;
	*reg64(bar, EDU_DMA_CNT) = size;
	cmd = EDU_CMD_RUN | (write ? EDU_CMD_TO_PCI : 0);
	if (vf_edu_breakage & VF_EDU_BREAK_NO_START)
		cmd &= ~(uint64_t)EDU_CMD_RUN;
	if (vf_edu_breakage & VF_EDU_BREAK_WRONG_REG)
		*reg64(bar, EDU_DMA_CNT) = cmd;
	else
		*reg64(bar, EDU_DMA_CMD) = cmd;
	deadline = mono_us() + EDU_TIMEOUT_US;
	res->completed = wait_idle(bar, deadline);
	vf_faults_collect(kmsg_fd, res);
out:
	munmap(p, EDU_BAR_SIZE);
	return err;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* QEMU's edu DMA engine, driven through a vfio device fd (the kernel backends). */
#ifndef VF_EDU_DMA_H
#define VF_EDU_DMA_H

#include <stdbool.h>
#include <stdint.h>
#include "backends/backend.h"

/* Ways to break the engine on purpose: its observations must then change. */
enum vf_edu_breakage {
	VF_EDU_BREAK_NO_START = 1u << 0,	/* the command is written without its start bit */
	VF_EDU_BREAK_WRONG_REG = 1u << 1,	/* the command goes to the count register */
};
/* Set from VFCONFORM_EDU_BREAK (a number) by the kernel backends; 0 normally. */
extern unsigned vf_edu_breakage;

/* One transfer (backend.h, device_dma); faults read through kmsg_fd. */
int vf_edu_dma(int fd, int kmsg_fd, bool write, uint64_t iova,
	       uint32_t dev_off, uint32_t size, struct vf_dma_result *res);

#endif

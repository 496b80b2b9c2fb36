/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How each IOMMU driver reports a DMA fault in the kernel log: the line
 * formats, the fault interrupt that prints them and what the printing costs
 * against its rate limit. iommu_faults.c reads the log; this knows the words.
 */
#ifndef VF_FAULT_FORMATS_H
#define VF_FAULT_FORMATS_H

#include <stdbool.h>
#include "backends/backend.h"

/* What one log line is to a driver's fault reporting. */
struct vf_fault_line {
	unsigned calls;		/* ratelimit calls it stands for (0: not the driver's) */
	bool handler_run;	/* it marks one run of the fault interrupt's handler */
};

struct vf_fault_format {
	const char *driver;		/* "intel-iommu", the fixtures' driver key */
	const char *sysfs_prefix;	/* its /sys/class/iommu entries start so: "dmar" */
	const char *irq;		/* its fault interrupt in /proc/interrupts */
	unsigned calls_per_fault;	/* ratelimit calls the lines of one more fault cost */
	struct vf_fault_line (*classify)(const char *msg);
	/* A log message as one fault; false when it is not one. */
	bool (*parse)(const char *msg, struct vf_dma_fault *f);
};

/* The format of a driver by its key, or NULL. */
const struct vf_fault_format *vf_fault_format_of(const char *driver);
/*
 * The format of the running system's IOMMU, from the names under sysfs_dir
 * (/sys/class/iommu); NULL when there is no IOMMU or none this knows.
 */
const struct vf_fault_format *vf_fault_format_detect(const char *sysfs_dir);

#endif

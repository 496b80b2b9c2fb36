/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The IOMMU faults a (guest) kernel reports in its log, read from /dev/kmsg
 * and attributed to one device's DMA: the kernel backends' DEVICE_DMA.
 */
#ifndef VF_IOMMU_FAULTS_H
#define VF_IOMMU_FAULTS_H

#include "backends/backend.h"

/*
 * The log reader: opened while still privileged (CAP_SYSLOG), read after; the
 * running system's IOMMU driver is found here too (fault_formats.h).
 */
int vf_faults_open(void);
/*
 * Before a transfer: consume what the log holds, and since the driver's
 * fault printing is rate limited (10 messages in 5 s; intel-iommu's
 * dmar_fault makes three calls per fault), wait until one more fault would
 * be printed, so that no fault of the transfer goes unreported.
 */
void vf_faults_begin(int fd);
/*
 * After it: the faults logged since vf_faults_begin, into res. Waits for
 * every fault interrupt of the transfer to have printed.
 */
void vf_faults_collect(int fd, struct vf_dma_result *res);
/* The driver whose fault lines are read (fault_formats.c), or NULL when none is known. */
const char *vf_faults_driver(void);

#endif

// SPDX-License-Identifier: GPL-2.0-only
/*
 * IOMMU faults from the kernel log. intel-iommu's fault interrupt handler
 * (dmar_fault() in drivers/iommu/intel/dmar.c) prints one line per fault
 * record:
 *
 *   DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x10000000
 *         [fault reason 0x06] PTE Read access is not set
 *
 * after "DMAR: DRHD: handling fault status reg N", both through one
 * ratelimit state of 10 calls per 5 s (three for a fault). A transfer's faults are the
 * lines logged between its start and its end (only the runner makes a
 * device DMA, one transfer at a time: every fault of that time is the
 * transfer's, reported with the requester the IOMMU saw, which for a device
 * behind a PCI bridge is the bridge); the fault
 * interrupt count in /proc/interrupts says how many handler runs to wait
 * for, so a late line cannot leak into the next step.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "backends/iommu_faults.h"

#define RATELIMIT_US		5000000ull	/* DEFAULT_RATELIMIT_INTERVAL */
#define RATELIMIT_BURST		10		/* DEFAULT_RATELIMIT_BURST */
/*
 * The limit counts in jiffies, which were seen to trail the log's clock under
 * TCG: a window is taken to be over only this much later than the log says.
 */
#define RATELIMIT_MARGIN_US	700000ull
#define SETTLE_US		5000
#define HANDLER_WAIT_US		1000000

/* the ratelimit state as the lines show it, and the handler runs seen */
static struct {
	unsigned long long begin_us;
	unsigned calls;
	unsigned handler_runs;
	unsigned long irqs;
} rl;

static unsigned long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000ull + (unsigned long long)ts.tv_nsec / 1000;
}

int vf_faults_open(void)
{
	return open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
}

/* The interrupts of every dmar fault vector, summed over CPUs. */
static unsigned long fault_irqs(void)
{
	FILE *f = fopen("/proc/interrupts", "re");
	char line[1024];
	unsigned long sum = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *p = strchr(line, ':');

		if (!p || !strstr(line, "DMAR-MSI"))
			continue;
		for (p++;;) {
			char *end;
			unsigned long n = strtoul(p, &end, 10);

			if (end == p)
				break;
			sum += n;
			p = end;
		}
	}
	fclose(f);
	return sum;
}

static bool counts_against_limit(const char *msg)
{
	return !strncmp(msg, "DMAR: DRHD: handling fault status", 33) ||
	       !strncmp(msg, "DMAR: [", 7);
}

/* One record: its timestamp and message; 0 at the end, -1 on a gap (overwritten). */
static int read_record(int fd, unsigned long long *ts, char **msg, char *buf, size_t len)
{
	ssize_t n = read(fd, buf, len - 1);
	char *semi, *nl;

	if (n < 0)
		return errno == EPIPE ? -1 : 0;
	buf[n] = 0;
	semi = strchr(buf, ';');
	if (!semi || sscanf(buf, "%*u,%*u,%llu", ts) != 1)
		return -1;
	*msg = semi + 1;
	nl = strchr(*msg, '\n');
	if (nl)
		*nl = 0;
	return 1;
}

/*
 * dmar_fault() asks the ratelimit once for its status line, once per fault
 * record and once more for the loop's last turn, which finds no record:
 * a handler line stands for two calls, a record line for one.
 */
static void account(unsigned long long ts, const char *msg)
{
	bool handler = !strncmp(msg, "DMAR: DRHD:", 11);

	if (!counts_against_limit(msg))
		return;
	if (!rl.begin_us || ts >= rl.begin_us + RATELIMIT_US + RATELIMIT_MARGIN_US) {
		rl.begin_us = ts;
		rl.calls = 0;
	}
	rl.calls += handler ? 2 : 1;
	rl.handler_runs += handler;
}

void vf_faults_begin(int fd)
{
	char buf[8192], *msg;
	unsigned long long ts, now;
	int r;

	if (fd < 0)
		return;
	while ((r = read_record(fd, &ts, &msg, buf, sizeof(buf))) != 0)
		if (r > 0)
			account(ts, msg);
	now = now_us();
	if (rl.begin_us && now < rl.begin_us + RATELIMIT_US + RATELIMIT_MARGIN_US &&
	    rl.calls + 3 > RATELIMIT_BURST)
		usleep((useconds_t)(rl.begin_us + RATELIMIT_US + RATELIMIT_MARGIN_US - now));
	rl.irqs = fault_irqs();
}

bool vf_fault_parse(const char *msg, struct vf_dma_fault *f)
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
	snprintf(f->requester, sizeof(f->requester), "%02x:%02x.%x", bus & 0xff, dev & 0x1f,
		 fn & 7);
	f->addr = addr;
	f->reason = reason;
	snprintf(f->text, sizeof(f->text), "%s", msg + off);
	return true;
}

void vf_faults_collect(int fd, struct vf_dma_result *res)
{
	unsigned long long deadline, ts;
	unsigned runs_before = rl.handler_runs;
	unsigned long irqs;
	char buf[8192], *msg;
	int r;

	if (fd < 0)
		return;
	usleep(SETTLE_US);
	irqs = fault_irqs();
	deadline = now_us() + HANDLER_WAIT_US;
	for (;;) {
		while ((r = read_record(fd, &ts, &msg, buf, sizeof(buf))) != 0) {
			struct vf_dma_fault f;

			if (r < 0) {
				res->faults_lost = true;
				continue;
			}
			account(ts, msg);
			if (!vf_fault_parse(msg, &f))
				continue;
			if (res->n_faults < VF_DMA_MAX_FAULTS)
				res->faults[res->n_faults++] = f;
			else
				res->faults_lost = true;
		}
		/* every fault interrupt of the transfer has printed its handler's line */
		if (rl.handler_runs - runs_before >= irqs - rl.irqs || now_us() > deadline)
			break;
		usleep(1000);
	}
	if (rl.handler_runs - runs_before < irqs - rl.irqs)
		res->faults_lost = true;
}

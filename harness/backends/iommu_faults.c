// SPDX-License-Identifier: GPL-2.0-only
/*
 * IOMMU faults from the kernel log, in the words of the driver the running
 * system has (fault_formats.c: intel-iommu's dmar_fault(), virtio-iommu's
 * viommu_fault_handler(), ...), each printed through a ratelimit state of 10
 * calls per 5 s. A transfer's faults are the lines logged between its start
 * and its end (only the runner makes a device DMA, one transfer at a time:
 * every fault of that time is the transfer's, reported with the requester
 * the IOMMU saw, which for a device behind a PCI bridge is the bridge); the
 * fault interrupt count in /proc/interrupts says how many handler runs to
 * wait for, so a late line cannot leak into the next step.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "backends/fault_formats.h"
#include "backends/iommu_faults.h"

#define RATELIMIT_US		5000000ull	/* DEFAULT_RATELIMIT_INTERVAL */
#define RATELIMIT_BURST		10		/* DEFAULT_RATELIMIT_BURST */
/*
 * The limit's window starts at a call and counts in jiffies, which were seen
 * to trail the log's clock under TCG. Modelling where the kernel's window
 * starts went wrong by that much, so the calls counted are those of the last
 * interval plus this margin, whatever window the kernel is in: never fewer
 * than the kernel counts.
 */
#define RATELIMIT_MARGIN_US	700000ull
#define RATELIMIT_SPAN_US	(RATELIMIT_US + RATELIMIT_MARGIN_US)
#define CALLS_KEPT		32
#define SETTLE_US		5000
#define HANDLER_WAIT_US		1000000

/* the ratelimit calls the lines show (log clock, newest last), and the handler runs seen */
static struct {
	const struct vf_fault_format *fmt;	/* NULL: no IOMMU driver this knows */
	unsigned long long call_us[CALLS_KEPT];
	unsigned n_calls;
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
	rl.fmt = vf_fault_format_detect("/sys/class/iommu");
	return open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
}

const char *vf_faults_driver(void)
{
	return rl.fmt ? rl.fmt->driver : NULL;
}

/* The interrupts of the driver's fault vectors, summed over CPUs. */
static unsigned long fault_irqs(void)
{
	FILE *f = fopen("/proc/interrupts", "re");
	char line[1024];
	unsigned long sum = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *p = strchr(line, ':');

		if (!p || !strstr(p, rl.fmt->irq))
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

/* One ratelimit call at ts (the log's clock). */
static void add_call(unsigned long long ts)
{
	if (rl.n_calls == CALLS_KEPT)
		memmove(rl.call_us, rl.call_us + 1, --rl.n_calls * sizeof(rl.call_us[0]));
	rl.call_us[rl.n_calls++] = ts;
}

static void account(unsigned long long ts, const char *msg)
{
	struct vf_fault_line l = rl.fmt->classify(msg);

	for (unsigned i = 0; i < l.calls; i++)
		add_call(ts);
	rl.handler_runs += l.handler_run;
}

/*
 * When, in the log's clock, one more fault (calls_per_fault calls) fits: the first
 * time from which at most BURST - 3 of the calls lie in the last span.
 */
static unsigned long long room_at(unsigned long long now)
{
	unsigned keep = RATELIMIT_BURST - rl.fmt->calls_per_fault, in = 0, i;

	for (i = rl.n_calls; i > 0 && rl.call_us[i - 1] + RATELIMIT_SPAN_US > now; i--)
		in++;
	if (in <= keep)
		return now;
	/* the calls that must age out first: the oldest in - keep of those in the span */
	return rl.call_us[rl.n_calls - in + (in - keep) - 1] + RATELIMIT_SPAN_US;
}

/*
 * The log's clock (local_clock) and CLOCK_MONOTONIC were seen seconds apart
 * in a TCG guest. Their difference is learnt from a fault line read right
 * after it was logged and kept in a file, since every case runs in a
 * process of its own: unknown, a full window is waited out.
 */
static const char *clock_file(void)
{
	static char path[256];
	const char *dir = getenv("TMPDIR");

	snprintf(path, sizeof(path), "%s/vfconform-kmsg-clock", dir && *dir ? dir : "/tmp");
	return path;
}

static bool clock_offset(long long *off)
{
	FILE *f = fopen(clock_file(), "re");
	bool ok = f && fscanf(f, "%lld", off) == 1;

	if (f)
		fclose(f);
	return ok;
}

static void clock_learn(unsigned long long ts)
{
	char tmp[300];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.%d", clock_file(), (int)getpid());
	f = fopen(tmp, "we");
	if (!f)
		return;
	fprintf(f, "%lld\n", (long long)(now_us() - ts));
	if (fclose(f) || rename(tmp, clock_file()))
		unlink(tmp);
}

void vf_faults_begin(int fd)
{
	char buf[8192], *msg;
	unsigned long long ts, now;
	int r;

	if (fd < 0 || !rl.fmt)
		return;
	while ((r = read_record(fd, &ts, &msg, buf, sizeof(buf))) != 0)
		if (r > 0)
			account(ts, msg);
	if (rl.n_calls) {
		long long off;
		/* now in the log's clock; unknown, the newest line's time (the earliest it can be) */
		unsigned long long last = rl.call_us[rl.n_calls - 1];
		bool known = clock_offset(&off);

		now = known ? (unsigned long long)((long long)now_us() - off) : last;
		if (now < last)
			now = last;
		if (room_at(now) > now)
			usleep((useconds_t)(room_at(now) - now));
	}
	rl.irqs = fault_irqs();
}

void vf_faults_collect(int fd, struct vf_dma_result *res)
{
	unsigned long long deadline, ts;
	unsigned runs_before = rl.handler_runs, records = 0;
	unsigned long irqs;
	char buf[8192], *msg;
	int r;

	if (fd < 0 || !rl.fmt)
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
			if (!rl.fmt->parse(msg, &f))
				continue;
			records++;
			clock_learn(ts);
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
	/* a handler run prints at least one record unless the limit ate it */
	if (rl.handler_runs - runs_before < irqs - rl.irqs ||
	    records < rl.handler_runs - runs_before)
		res->faults_lost = true;
}

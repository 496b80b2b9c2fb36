// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: libvfsim's ioctl entry point with raw argument bytes.
 *
 * The input is a little program for one simulated machine: a header byte
 * (topology, personality, credentials, memlock), then commands, each an ioctl
 * on a handle with the argument bytes given verbatim, or an open/close/creds
 * change. Argument bytes land in a heap buffer of exactly 64 KiB, so a sim
 * that writes past what the request allows (argsz, a bitmap's size) is caught
 * by ASan rather than corrupting something quietly. Pointers inside arguments
 * (a dirty bitmap's data) are the one thing not taken verbatim: the sim would
 * write through them (as the kernel writes to user memory), so a random value
 * is replaced by a scratch page, NULL, a kernel address or an unmapped one.
 *
 * Checked besides memory safety: every return is >= 0 or a small -errno, and
 * once every handle is closed the accounting (VmLck, VmPin, the users' locked
 * pages) is back to zero: a leak in the sim aborts.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include <linux/iommufd.h>
#include "vfsim.h"

#define ARG_SIZE	0x10000
#define SCRATCH_OFF	0x8000
#define MEM_BASE	0x100000000ull	/* the simulated process's memory, never touched */
#define MEM_SIZE	0x1000000ull
#define MAX_HANDLES	32

static const unsigned long requests[] = {
	VFIO_GET_API_VERSION, VFIO_CHECK_EXTENSION, VFIO_SET_IOMMU, VFIO_IOMMU_GET_INFO,
	VFIO_IOMMU_MAP_DMA, VFIO_IOMMU_UNMAP_DMA, VFIO_IOMMU_DIRTY_PAGES,
	VFIO_GROUP_GET_STATUS, VFIO_GROUP_SET_CONTAINER, VFIO_GROUP_UNSET_CONTAINER,
	VFIO_GROUP_GET_DEVICE_FD, IOMMU_VFIO_IOAS,
};
#define N_REQ (sizeof(requests) / sizeof(requests[0]))

struct in {
	const uint8_t *p;
	size_t n;
};

static unsigned byte(struct in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static uint32_t u32(struct in *in)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v |= (uint32_t)byte(in) << (8 * i);
	return v;
}

static void fix_bitmap_ptr(uint8_t *arg, size_t len, unsigned sel)
{
	static const uint64_t bad[] = { 0, 0xffff888000000000ull, 0x200000000000ull };
	uint64_t v;

	/* UNMAP_DMA's vfio_bitmap and DIRTY_PAGES' bitmap_get both keep data at 40 */
	if (len < 48)
		return;
	v = sel % 4 == 3 ? (uint64_t)(uintptr_t)(arg + SCRATCH_OFF) : bad[sel % 4];
	memcpy(arg + 40, &v, sizeof(v));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	unsigned h0 = byte(&in);
	struct vfsim *s = vfsim_new((enum vfsim_topo)(h0 & 3), NULL);
	int handles[MAX_HANDLES], n = 0;
	uint8_t *arg = malloc(ARG_SIZE);
	unsigned steps = 0;
	bool trace = getenv("FUZZ_SIM_TRACE");

	if (!s || !arg)
		abort();
	/* memory the MAP_DMA vaddrs can name: anon, read-only, and a BAR */
	if (vfsim_mem_add(s, MEM_BASE, MEM_SIZE, VFSIM_MEM_ANON) ||
	    vfsim_mem_add(s, MEM_BASE + MEM_SIZE, 0x10000, VFSIM_MEM_RO) ||
	    vfsim_mem_add(s, MEM_BASE + 2 * MEM_SIZE, 0x100000, VFSIM_MEM_PFNMAP))
		abort();
	handles[n++] = vfsim_open_container(s, h0 & 4 ? VFSIM_COMPAT : VFSIM_TYPE1);
	for (unsigned g = 0; g < VFSIM_MAX_GROUPS; g++) {
		int h = vfsim_open_group(s, g);

		if (h >= 0)
			handles[n++] = h;
	}
	if (h0 & 8)
		vfsim_set_creds(s, h0 & 16 ? 1000 : 0, false, !(h0 & 16));
	if (h0 & 32)
		vfsim_set_memlock(s, (uint64_t)(h0 >> 6) << 14);

	while (in.n && steps++ < 64) {
		unsigned cmd = byte(&in), hsel = byte(&in);
		int h = n ? handles[hsel % n] : -1;
		unsigned long req;
		size_t len;
		long ret;
		void *a = arg;

		switch (cmd % 16) {
		case 12:	/* another container of either personality */
			if (n < MAX_HANDLES) {
				int c = vfsim_open_container(s, hsel & 1 ? VFSIM_COMPAT : VFSIM_TYPE1);

				if (trace)
					fprintf(stderr, "fuzz_sim_ioctl: open container: %d\n", c);

				if (c >= 0)
					handles[n++] = c;
			}
			continue;
		case 13:
			vfsim_close(s, h);	/* later uses see a stale handle: EBADF */
			continue;
		case 14: {
			/*
			 * Only when there is room to remember it: an open handle the
			 * final close loop does not know keeps its container alive,
			 * which the leak check rightly reports (it did, once).
			 */
			int g = n < MAX_HANDLES ? vfsim_open_group(s, hsel % VFSIM_MAX_GROUPS) : -1;

			if (g >= 0)
				handles[n++] = g;
			continue;
		}
		case 15:
			req = u32(&in);		/* any request number at all */
			break;
		default:
			req = requests[cmd % 16 % N_REQ];
			break;
		}
		len = byte(&in);
		len |= (size_t)(byte(&in) & 0x0f) << 8;	/* up to 4 KiB of argument */
		if (len > in.n)
			len = in.n;
		memset(arg, 0, ARG_SIZE);
		memcpy(arg, in.p, len);
		in.p += len;
		in.n -= len;
		switch (req) {
		case VFIO_CHECK_EXTENSION:
		case VFIO_SET_IOMMU: {
			uint32_t v = 0;

			memcpy(&v, arg, len < 4 ? len : 4);
			a = (void *)(uintptr_t)v;
			break;
		}
		case VFIO_GROUP_SET_CONTAINER: {
			/* a handle we hold, or the raw number */
			int32_t fd = len && arg[0] < 0x80 ? handles[arg[0] % n] : (int32_t)(
				arg[1] | arg[2] << 8);

			memcpy(arg, &fd, sizeof(fd));
			break;
		}
		case VFIO_GROUP_GET_DEVICE_FD:
			/* a real device name now and then; otherwise the NUL-padded bytes */
			if (len && arg[0] < 0x20) {
				const char *d = vfsim_device_name(s, arg[0] % VFSIM_MAX_GROUPS,
								   arg[0] / 4 % VFSIM_MAX_DEVS);

				if (d)
					strcpy((char *)arg, d);
			}
			arg[ARG_SIZE - 1] = 0;
			break;
		case VFIO_IOMMU_UNMAP_DMA:
		case VFIO_IOMMU_DIRTY_PAGES:
			fix_bitmap_ptr(arg, len, hsel >> 4);
			break;
		case VFIO_GET_API_VERSION:
		case VFIO_GROUP_UNSET_CONTAINER:
			a = NULL;
			break;
		}
		ret = vfsim_ioctl(s, h, req, a);
		if (trace) {	/* FUZZ_SIM_TRACE=1: what a crashing input did, step by step */
			fprintf(stderr, "fuzz_sim_ioctl: handle %d request %#lx len %zu: %ld", h,
				req, len, ret);
			for (size_t i = 0; i < len && i < 32 && a == arg; i += 8) {
				uint64_t w = 0;

				memcpy(&w, arg + i, 8);
				fprintf(stderr, " %#llx", (unsigned long long)w);
			}
			fputc('\n', stderr);
		}
		if (ret < -4095)
			abort();	/* not an errno: a sim bug */
		if (req == VFIO_GROUP_GET_DEVICE_FD && ret >= 0) {
			/* a device handle nobody could close would hold its group (see 14) */
			if (n < MAX_HANDLES)
				handles[n++] = (int)ret;
			else
				vfsim_close(s, (int)ret);
		}
	}
	/* the leak check: once every handle is closed, nothing stays locked or pinned */
	for (int i = 0; i < n; i++)
		vfsim_close(s, handles[i]);
	{
		uint64_t lck, pin;

		vfsim_acct(s, &lck, &pin);
		if (lck || pin || vfsim_user_locked(s, 0) || vfsim_user_locked(s, 1000)) {
			fprintf(stderr, "fuzz_sim_ioctl: leak after closing every handle: VmLck %llu "
				"kB, VmPin %llu kB, locked pages uid 0 %llu, uid 1000 %llu\n",
				(unsigned long long)lck, (unsigned long long)pin,
				(unsigned long long)vfsim_user_locked(s, 0),
				(unsigned long long)vfsim_user_locked(s, 1000));
			abort();
		}
	}
	vfsim_free(s);
	free(arg);
	return 0;
}

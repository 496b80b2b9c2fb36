// SPDX-License-Identifier: GPL-2.0-only
/*
 * Seeds for fuzz_sim_ioctl from the case library: every case runs on the sim
 * backends through a recording wrapper, and the ioctls it issued are written
 * in fuzz_sim_ioctl's input format (see there): header byte, then per ioctl
 * command, handle index, length and the argument bytes. Buffer addresses are
 * moved to where the target registers its memory, handles to the target's
 * numbering (container, then the groups, then device fds in order).
 *
 * usage: mkseeds OUTDIR [CASES...]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include <linux/iommufd.h>
#include "backends/backend.h"
#include "exec/runner.h"

#define MEM_BASE	0x100000000ull	/* as in fuzz_sim_ioctl.c */
#define MEM_SIZE	0x1000000ull

static const unsigned long requests[] = {
	VFIO_GET_API_VERSION, VFIO_CHECK_EXTENSION, VFIO_SET_IOMMU, VFIO_IOMMU_GET_INFO,
	VFIO_IOMMU_MAP_DMA, VFIO_IOMMU_UNMAP_DMA, VFIO_IOMMU_DIRTY_PAGES,
	VFIO_GROUP_GET_STATUS, VFIO_GROUP_SET_CONTAINER, VFIO_GROUP_UNSET_CONTAINER,
	VFIO_GROUP_GET_DEVICE_FD, IOMMU_VFIO_IOAS,
};

static const struct vf_backend_ops *inner;
static struct vf_backend_ops rec_ops;
static uint8_t prog[65536];
static size_t plen;
static int handles[32], n_handles;
static struct { uint64_t addr, size, base; } bufs[VF_MAX_BUFS];
static unsigned n_bufs;

static void put(const void *p, size_t n)
{
	if (plen + n <= sizeof(prog)) {
		memcpy(prog + plen, p, n);
		plen += n;
	}
}

static int handle_index(int h)
{
	for (int i = 0; i < n_handles; i++)
		if (handles[i] == h)
			return i;
	if (n_handles < 32)
		handles[n_handles++] = h;
	return n_handles - 1;
}

static long rec_ioctl(struct vf_ctx *ctx, int handle, unsigned long req, void *arg)
{
	uint8_t a[4096] = { 0 }, cmd = 15, hi = (uint8_t)handle_index(handle);
	size_t len = 0;
	long ret;

	for (unsigned i = 0; i < sizeof(requests) / sizeof(requests[0]); i++)
		if (requests[i] == req)
			cmd = (uint8_t)i;
	if (req == VFIO_CHECK_EXTENSION || req == VFIO_SET_IOMMU) {
		uint32_t v = (uint32_t)(uintptr_t)arg;

		memcpy(a, &v, 4);
		len = 4;
	} else if (req == VFIO_GROUP_GET_DEVICE_FD) {
		len = strlen(arg) + 1;
		memcpy(a, arg, len);
	} else if (req == VFIO_GROUP_SET_CONTAINER) {
		a[0] = (uint8_t)handle_index(*(int *)arg);
		len = 1;
	} else if (arg) {
		uint32_t argsz;

		memcpy(&argsz, arg, 4);
		len = argsz < 4 ? 4 : argsz > 256 ? 256 : argsz;
		memcpy(a, arg, len);
		if (req == VFIO_IOMMU_MAP_DMA && len >= 16) {
			uint64_t v;

			memcpy(&v, a + 8, 8);
			for (unsigned i = 0; i < n_bufs; i++)
				if (v >= bufs[i].addr && v < bufs[i].addr + bufs[i].size)
					v = bufs[i].base + (v - bufs[i].addr);
			memcpy(a + 8, &v, 8);
		}
	}
	if (cmd == 15) {
		uint32_t r = (uint32_t)req;

		put(&cmd, 1);
		put(&hi, 1);
		put(&r, 4);
	} else {
		put(&cmd, 1);
		put(&hi, 1);
	}
	{
		uint8_t l[2] = { (uint8_t)len, (uint8_t)(len >> 8) };

		put(l, 2);
		put(a, len);
	}
	ret = inner->ioctl(ctx, handle, req, arg);
	if (req == VFIO_GROUP_GET_DEVICE_FD && ret >= 0)
		handle_index((int)ret);
	return ret;
}

static int rec_open(struct vf_ctx *ctx)
{
	int err = inner->open(ctx);

	/* the target's numbering: container, then every group of the topology */
	static const int topo_groups[VF_TOPO_COUNT] = { 1, 2, 3, 1 };

	if (!err) {
		handles[0] = ctx->container;
		for (int g = 0; g < topo_groups[ctx->c->topo]; g++)
			handles[1 + g] = ctx->group[g] >= 0 ? ctx->group[g] : -1000 - g;
		n_handles = 1 + topo_groups[ctx->c->topo];
	}
	return err;
}

static int rec_buf_create(struct vf_ctx *ctx, const struct vf_buf *b, struct vf_buf_inst *out)
{
	int err = inner->buf_create(ctx, b, out);

	if (!err && out->addr && n_bufs < VF_MAX_BUFS) {
		uint64_t base = b->kind == VF_BUF_RO ? MEM_BASE + MEM_SIZE :
				b->kind == VF_BUF_BAR ? MEM_BASE + 2 * MEM_SIZE : MEM_BASE;

		bufs[n_bufs].addr = (uintptr_t)out->addr;
		bufs[n_bufs].size = out->size;
		bufs[n_bufs++].base = base;
	}
	return err;
}

int main(int argc, char **argv)
{
	static char def[] = "cases";
	char *defs[] = { def };
	struct vf_library lib;
	unsigned written = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: mkseeds OUTDIR [CASES...]\n");
		return 2;
	}
	if (vf_library_load(&lib, argc > 2 ? argv + 2 : defs, argc > 2 ? argc - 2 : 1))
		return 2;
	for (int p = 0; p < 2; p++) {
		inner = vf_backend_find(p ? "sim-compat" : "sim-type1");
		rec_ops = *inner;
		rec_ops.ioctl = rec_ioctl;
		rec_ops.open = rec_open;
		rec_ops.buf_create = rec_buf_create;
		for (unsigned i = 0; i < lib.n; i++) {
			const struct vf_case *c = lib.cases[i];
			char path[512];
			uint8_t h0 = (uint8_t)(c->topo & 3) | (p ? 4 : 0);
			FILE *f;

			plen = 0;
			n_handles = 0;
			n_bufs = 0;
			if (c->cred != VF_CRED_ROOT)
				h0 |= 8 | (c->cred == VF_CRED_UID ? 16 : 0);
			put(&h0, 1);
			json_decref(vf_run_case(&rec_ops, c, true));
			snprintf(path, sizeof(path), "%s/%s.%s", argv[1], c->name, p ? "compat" :
				 "type1");
			/* the target reads at most 64 commands; libFuzzer seeds at most 4 KiB */
			if (plen > 2048)
				plen = 2048;
			f = fopen(path, "w");
			if (!f || fwrite(prog, 1, plen, f) != plen || fclose(f)) {
				fprintf(stderr, "mkseeds: %s: %s\n", path, strerror(errno));
				return 1;
			}
			written++;
		}
	}
	printf("mkseeds: %u seeds in %s\n", written, argv[1]);
	vf_library_free(&lib);
	return 0;
}

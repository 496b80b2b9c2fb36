// SPDX-License-Identifier: GPL-2.0-only
/*
 * make bench, part 1: map and unmap N single-page entries on both
 * personalities (type1's dma_entry_limit raised to fit), timing every call:
 * median ns per MAP_DMA and UNMAP_DMA, and heap bytes per live mapping.
 * Usage: vfsim_bench [N ...]  (default 1000 10000 100000 1000000)
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/vfio.h>
#include "vfsim.h"

#define VA	0x7f0000000000ull
#define STRIDE	0x2000ull	/* a gap between mappings: nothing can merge */
#define BASE	0x100000000ull	/* above the MSI window, far below the 39-bit aperture */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Heap in use: small chunks plus the big ones malloc mmaps (hash tables). */
static size_t heap_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static uint32_t median(uint32_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_u32);
	return v[n / 2];
}

static int run(enum vfsim_personality pers, size_t n, uint32_t *t_map, uint32_t *t_unmap,
	       double *bytes_per_map)
{
	struct vfsim_params p;
	struct vfsim *s;
	int c, g, dev;
	int32_t fd;
	size_t heap0;

	vfsim_params_default(&p);
	p.dma_entry_limit = (uint32_t)(n + 1);
	s = vfsim_new(VFSIM_TOPO_VTD, &p);
	c = vfsim_open_container(s, pers);
	g = vfsim_open_group(s, 0);
	fd = c;
	if (vfsim_ioctl(s, g, VFIO_GROUP_SET_CONTAINER, &fd) ||
	    vfsim_ioctl(s, c, VFIO_SET_IOMMU, (void *)(uintptr_t)VFIO_TYPE1v2_IOMMU))
		return -1;
	dev = (int)vfsim_ioctl(s, g, VFIO_GROUP_GET_DEVICE_FD, (void *)vfsim_device_name(s, 0, 0));
	if (dev < 0 || vfsim_mem_add(s, VA, 4096, VFSIM_MEM_ANON))
		return -1;
	vfsim_set_memlock(s, UINT64_MAX);
	heap0 = heap_bytes();
	for (size_t i = 0; i < n; i++) {
		struct vfio_iommu_type1_dma_map m = {
			.argsz = sizeof(m), .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
			.vaddr = VA, .iova = BASE + i * STRIDE, .size = 4096,
		};
		uint64_t t0 = now_ns();

		if (vfsim_ioctl(s, c, VFIO_IOMMU_MAP_DMA, &m))
			return -1;
		t_map[i] = (uint32_t)(now_ns() - t0);
	}
	*bytes_per_map = (double)(heap_bytes() - heap0) / (double)n;
	/* unmap in a scrambled order: the tree must not get the easy sequential case */
	for (size_t i = 0; i < n; i++) {
		struct vfio_iommu_type1_dma_unmap u = { .argsz = sizeof(u), .size = 4096 };
		uint64_t t0;

		/* a prime multiplier permutes 0..n-1 */
		u.iova = BASE + ((i * 2654435761ull) % n) * STRIDE;
		t0 = now_ns();
		if (vfsim_ioctl(s, c, VFIO_IOMMU_UNMAP_DMA, &u) || u.size != 4096)
			return -1;
		t_unmap[i] = (uint32_t)(now_ns() - t0);
	}
	vfsim_free(s);
	return 0;
}

int main(int argc, char **argv)
{
	size_t sizes[8] = { 1000, 10000, 100000, 1000000 }, n_sizes = 4;

	if (argc > 1) {
		n_sizes = 0;
		for (int i = 1; i < argc && n_sizes < 8; i++)
			sizes[n_sizes++] = strtoull(argv[i], NULL, 0);
	}
	printf("%-8s %9s %12s %14s %16s\n", "sim", "entries", "map ns/op", "unmap ns/op",
	       "bytes/mapping");
	for (int pers = 0; pers < 2; pers++) {
		for (size_t k = 0; k < n_sizes; k++) {
			size_t n = sizes[k];
			uint32_t *tm = malloc(n * sizeof(*tm)), *tu = malloc(n * sizeof(*tu));
			double bpm = 0;

			if (!tm || !tu || run(pers, n, tm, tu, &bpm)) {
				fprintf(stderr, "bench: %s %zu failed\n", pers ? "compat" : "type1", n);
				return 1;
			}
			printf("%-8s %9zu %12u %14u %16.0f\n", pers ? "compat" : "type1", n,
			       median(tm, n), median(tu, n), bpm);
			free(tm);
			free(tu);
		}
	}
	return 0;
}

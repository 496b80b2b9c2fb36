// SPDX-License-Identifier: GPL-2.0-only
/* Case buffers between two guard pages (see guard_map.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>
#include "exec/guard_map.h"

static size_t page(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

void *vf_guard_base(void *buf)
{
	return (char *)buf - page();
}

size_t vf_guard_len(size_t size)
{
	return size + 2 * page();
}

void *vf_map_guarded(size_t size, int prot, bool populate, int fd, off_t offset)
{
	char *r = mmap(NULL, vf_guard_len(size), PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	void *p;
	int err;

	if (r == MAP_FAILED)
		return MAP_FAILED;
	if (fd < 0)
		p = mmap(r + page(), size, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED |
			 (populate ? MAP_POPULATE : 0), -1, 0);
	else
		p = mmap(r + page(), size, prot, MAP_SHARED | MAP_FIXED, fd, offset);
	if (p == MAP_FAILED) {
		err = errno;
		munmap(r, vf_guard_len(size));
		errno = err;
	}
	return p;
}

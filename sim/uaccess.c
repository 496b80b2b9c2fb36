// SPDX-License-Identifier: GPL-2.0-only
/*
 * copy_to_user()/copy_from_user() for pointers that arrive inside ioctl
 * arguments (a dirty bitmap's data): a caller may pass anything there, and
 * the kernel answers EFAULT rather than crash. process_vm_writev() on our
 * own pid does the same check for us without touching the memory directly.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#include "vfsim_int.h"

static int vm_copy(void *local, uint64_t remote, size_t n, bool to_remote)
{
	struct iovec l = { local, n }, r = { (void *)(uintptr_t)remote, n };
	ssize_t done;

	if (!n)
		return 0;
	if (remote < 4096 || remote + n < remote)
		return -EFAULT;
	done = to_remote ? process_vm_writev(getpid(), &l, 1, &r, 1, 0) :
			   process_vm_readv(getpid(), &l, 1, &r, 1, 0);
	if (done == (ssize_t)n)
		return 0;
	if (done < 0 && (errno == ENOSYS || errno == EPERM)) {
		/* no way to check (seccomp): trust the caller, as a test harness would */
		if (to_remote)
			memcpy((void *)(uintptr_t)remote, local, n);
		else
			memcpy(local, (void *)(uintptr_t)remote, n);
		return 0;
	}
	return -EFAULT;
}

int vfsim_copy_to_user(uint64_t dst, const void *src, size_t n)
{
	return vm_copy((void *)src, dst, n, true);
}

int vfsim_copy_from_user(void *dst, uint64_t src, size_t n)
{
	return vm_copy(dst, src, n, false);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * What iommufd's main.c keeps for the ioctls above it: object ids handed
 * out as xa_alloc() does, the ucmd size rules of iommufd_fops_ioctl(), and
 * the allocation of an IOAS (iommufd_ioas_alloc()). Below both the compat
 * layer (compat.c) and the native IOAS ioctls (iommufd.c), which use it.
 */
#include <string.h>
#include "vfsim_int.h"

/*
 * The ucmd path: the u32 size comes first; less than the command's minimum
 * is EINVAL; bytes the kernel does not know must be zero (E2BIG), as
 * copy_struct_from_user() wants; a shorter struct is zero-extended.
 */
int ucmd_in(void *dst, const void *arg, size_t ksize, size_t min_size)
{
	uint32_t usize;

	if (arg_in(&usize, arg, sizeof(usize)))
		return -EFAULT;
	if (usize < min_size)
		return -EINVAL;
	for (size_t i = ksize; i < usize && i < 4096; i++)
		if (((const uint8_t *)arg)[i])
			return -E2BIG;
	memset(dst, 0, ksize);
	memcpy(dst, arg, usize < ksize ? usize : ksize);
	return 0;
}

/* The lowest free object id from 1, as xa_alloc() gives them. */
uint32_t compat_id_alloc(struct compat_ctx *cx)
{
	for (uint32_t id = 1; id < 64; id++) {
		if (!(cx->ids & (1ull << id))) {
			cx->ids |= 1ull << id;
			return id;
		}
	}
	return 0;
}

void compat_id_free(struct compat_ctx *cx, uint32_t id)
{
	if (id && id < 64)
		cx->ids &= ~(1ull << id);
}

int compat_ioas_alloc(struct compat_ctx *cx)
{
	for (int i = 0; i < VFSIM_MAX_IOAS; i++) {
		if (!cx->ioas[i].used) {
			uint32_t id = compat_id_alloc(cx);

			if (!id)
				return -ENOSPC;
			iopt_init(&cx->ioas[i], id);
			return i;
		}
	}
	return -ENOMEM;
}

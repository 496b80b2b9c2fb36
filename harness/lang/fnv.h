/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * FNV-1a, 64 bits: a stable fingerprint (the library's version, a fuzz
 * finding's name, what a device read), never a security measure.
 */
#ifndef VF_FNV_H
#define VF_FNV_H

#include <stddef.h>
#include <stdint.h>

#define VF_FNV1A_INIT	0xcbf29ce484222325ull

/* h continued over n bytes at data; start with VF_FNV1A_INIT. */
static inline uint64_t vf_fnv1a(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

#endif

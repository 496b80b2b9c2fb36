/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Case buffers between two PROT_NONE guard pages, the one memory layout both
 * backends share: a map that runs past either end of a buffer meets a page
 * nothing can pin (EFAULT in the kernel, unregistered in the sim), never
 * whatever the process happened to have mapped next to it (found by
 * vfconform fuzz: a read-only map past the end pinned an untouched
 * neighbour's zero page).
 */
#ifndef VF_GUARD_MAP_H
#define VF_GUARD_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * size bytes with prot, between the guards: anonymous (populated when
 * populate) for fd < 0, else a MAP_SHARED mapping of fd at offset. Returns
 * the buffer or MAP_FAILED (errno set); the whole reservation, guards
 * included, is what munmap() needs: vf_guard_base() and vf_guard_len().
 */
void *vf_map_guarded(size_t size, int prot, bool populate, int fd, off_t offset);
void *vf_guard_base(void *buf);
size_t vf_guard_len(size_t size);

#endif

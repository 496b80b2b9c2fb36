// SPDX-License-Identifier: GPL-2.0-only
/*
 * Users (kernel/user.c's user_struct): iommufd's USER accounting charges
 * the user, not the process, so all processes of a uid share one count.
 * Below everything that charges: io_pagetable and the process table use it.
 */
#include "vfsim_int.h"

struct vfsim_user *vfsim_user_get(struct vfsim *s, uint32_t uid)
{
	for (unsigned i = 0; i < VFSIM_MAX_USERS; i++)
		if (s->users[i].used && s->users[i].uid == uid)
			return &s->users[i];
	for (unsigned i = 0; i < VFSIM_MAX_USERS; i++) {
		if (!s->users[i].used) {
			s->users[i].used = true;
			s->users[i].uid = uid;
			s->users[i].locked_vm = 0;
			return &s->users[i];
		}
	}
	return NULL;
}

uint64_t vfsim_user_locked(const struct vfsim *s, uint32_t uid)
{
	for (unsigned i = 0; i < VFSIM_MAX_USERS; i++)
		if (s->users[i].used && s->users[i].uid == uid)
			return s->users[i].locked_vm;
	return 0;
}

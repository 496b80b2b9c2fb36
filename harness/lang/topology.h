/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Topologies: which devices make up each group g0.. of a topology, as the
 * reference kernel's QEMU machines lay them out (ref-kernel/).
 */
#ifndef VF_TOPOLOGY_H
#define VF_TOPOLOGY_H

#include "lang/case.h"

#define VF_MAX_DEVS 4

struct vf_topo_group {
	const char *devs[VF_MAX_DEVS];	/* PCI BDF or mdev UUID, NULL-terminated */
	bool mdev;
};

/* Group g of topology t, or NULL when the topology has no such group. */
const struct vf_topo_group *vf_topo_group(enum vf_topo t, unsigned g);

/*
 * Resolve the group node (/dev/vfio/N or /dev/vfio/noiommu-N) of group g in
 * the running system. Returns 0 or -errno; why is set on failure.
 */
int vf_topo_group_node(enum vf_topo t, unsigned g, char *path, size_t len, const char **why);

#endif

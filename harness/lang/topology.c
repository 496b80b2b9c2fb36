// SPDX-License-Identifier: GPL-2.0-only
/* Topology tables and their resolution through sysfs. */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "lang/topology.h"

#define MTTY_UUID "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001"

/* Must match the QEMU machines in ref-kernel/ (fixed PCI addresses). */
static const struct vf_topo_group topo_groups[VF_TOPO_COUNT][VF_MAX_GROUPS] = {
	[VF_TOPO_VTD] = {
		{ .devs = { "0000:00:02.0" } },
	},
	[VF_TOPO_MDEV] = {
		{ .devs = { MTTY_UUID }, .mdev = true },
		{ .devs = { "0000:00:02.0" } },
	},
	[VF_TOPO_MULTI] = {
		{ .devs = { "0000:01:01.0", "0000:01:02.0" } },
		{ .devs = { "0000:00:04.0" } },
		{ .devs = { "0000:00:05.0" } },
	},
	[VF_TOPO_NOIOMMU] = {
		{ .devs = { "0000:00:02.0" } },
	},
};

const struct vf_topo_group *vf_topo_group(enum vf_topo t, unsigned g)
{
	if (t >= VF_TOPO_COUNT || g >= VF_MAX_GROUPS || !topo_groups[t][g].devs[0])
		return NULL;
	return &topo_groups[t][g];
}

int vf_topo_group_node(enum vf_topo t, unsigned g, char *path, size_t len, const char **why)
{
	const struct vf_topo_group *tg = vf_topo_group(t, g);
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	if (!tg) {
		*why = "topology has no such group";
		return -ENODEV;
	}
	snprintf(link, sizeof(link), "/sys/bus/%s/devices/%s/iommu_group",
		 tg->mdev ? "mdev" : "pci", tg->devs[0]);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0) {
		*why = "device or its iommu_group not found in sysfs";
		return -errno;
	}
	target[n] = 0;
	snprintf(path, len, "/dev/vfio/%s", basename(target));
	if (access(path, F_OK) == 0)
		return 0;
	/* a no-IOMMU group's node is named noiommu-N */
	snprintf(path, len, "/dev/vfio/noiommu-%s", basename(target));
	if (access(path, F_OK) == 0)
		return 0;
	*why = "no /dev/vfio node for the group (device not bound to a vfio driver?)";
	return -ENOENT;
}

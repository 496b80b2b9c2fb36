/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The baseline: the known gaps of one kernel version, one line per gap id
 * with a short reason (fixtures/kernel-<ver>/known-gaps). Data, not code,
 * like the kselftest XFAIL lists or BPF's DENYLIST:
 *
 *	# comment
 *	unmap.v1.head:IOMMU_UNMAP_DMA#1:field   compat splits v1 mappings
 */
#ifndef VF_BASELINE_H
#define VF_BASELINE_H

#include <stdio.h>

struct vf_baseline_entry {
	char *id;
	char *reason;
	unsigned line;
};

struct vf_baseline {
	char *path;
	struct vf_baseline_entry *v;
	unsigned n;
};

/*
 * Parse baseline text; every malformed line is reported to err as
 * "path:line: message". Returns the number of errors (entries of good lines
 * are kept either way).
 */
int vf_baseline_parse(struct vf_baseline *bl, const char *path, const char *text, FILE *err);
/* Same from a file; an unreadable file is one error. */
int vf_baseline_load(struct vf_baseline *bl, const char *path, FILE *err);
const struct vf_baseline_entry *vf_baseline_find(const struct vf_baseline *bl, const char *id);
void vf_baseline_free(struct vf_baseline *bl);

#endif

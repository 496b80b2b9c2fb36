/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The uAPI codec: VFIO type1 / iommufd argument structs, as bytes, become
 * observation fields, in one vocabulary for the runner (what a step wrote
 * back, recorded in "out") and for the vfconform-trace interposer (what a
 * real client passed and got back). A trace record and an observation of the
 * same call therefore have the same keys and the same value spellings, and
 * trace2case maps one onto a step line without translating.
 *
 * Spellings: flag words "A|B|0x80" (names from lang/names.c, "0" for none),
 * addresses and sizes "0x1f", counts and argsz as JSON integers, errnos by
 * name. The codec keeps no state and touches nothing but the bytes it is
 * given and the sink it writes to, so it links into the runner, the static
 * guest binary and the position-independent interposer alike.
 */
#ifndef VF_UAPI_CODEC_H
#define VF_UAPI_CODEC_H

#include <stddef.h>
#include <stdint.h>
#include <linux/vfio.h>
#include <linux/iommufd.h>
#include "lang/case.h"
#include "lang/names.h"
#include "uapi/sink.h"

/* Value formats (flags.c). buf must hold VF_HEX_LEN / VF_FLAGS_LEN bytes; returns buf. */
#define VF_HEX_LEN	19
#define VF_FLAGS_LEN	256
char *vf_fmt_hex(char *buf, uint64_t v);
char *vf_fmt_flags(char *buf, const struct vf_name *tab, uint64_t v);
/* Two lowercase hex digits a byte; buf holds 2 * n + 1. */
char *vf_fmt_hex_bytes(char *buf, const uint8_t *b, size_t n);

void vf_sink_hex(struct vf_sink *s, const char *key, uint64_t v);
void vf_sink_flags(struct vf_sink *s, const char *key, const struct vf_name *tab, uint64_t v);
/* "errno": the name, the number when it has none, null for 0. */
void vf_sink_errno(struct vf_sink *s, const char *key, int err);
/* An ioctl's result: "ret" and "errno". */
void vf_uapi_result(struct vf_sink *s, long ret, int err);

/*
 * Arguments (args.c): one numeric field of a step, spelled as a run document
 * records it in "args" (ext/type names, flags by the op's table, gN/cN/pN,
 * argsz and counts as integers, everything else hex).
 */
void vf_uapi_arg(struct vf_sink *s, enum vf_op op, enum vf_field f, uint64_t v);
/*
 * The args of an ioctl as a client made it: arg is the ioctl's third
 * argument (a value for CHECK_EXTENSION and SET_IOMMU, else the struct). The
 * struct's inputs become the case fields a step line would give for the same
 * call, so a trace's "args" read like a run document's.
 */
void vf_uapi_args(struct vf_sink *s, enum vf_op op, unsigned long arg);

/*
 * Written back (out.c): each emits the fields the kernel writes into that
 * struct, under the keys the runner records in "out".
 */
/* IOMMU_GET_INFO: argsz, flags, iova_pgsizes, cap_offset, and caps when
 * flags has CAPS; len is how many bytes at buf may be read. */
void vf_uapi_info_out(struct vf_sink *s, const void *buf, size_t len);
/* The capability chain from offset first (caps.c): "caps" as a list of
 * {offset, id, version, next, name, ...}; a cap beyond len, a chain that does
 * not move forward and more than VF_UAPI_MAX_CAPS caps end it. */
#define VF_UAPI_MAX_CAPS	16
void vf_uapi_info_caps(struct vf_sink *s, const void *buf, size_t len, uint32_t first);
/* UNMAP_DMA: size; flags (as an integer) if the kernel changed them from
 * before's (before NULL: not compared). */
void vf_uapi_unmap_out(struct vf_sink *s, const struct vfio_iommu_type1_dma_unmap *u,
		       const struct vfio_iommu_type1_dma_unmap *before);
/* A dirty bitmap: "bitmap" (hex, the first VF_UAPI_BITMAP_HEX bytes) and "bitmap_bits". */
#define VF_UAPI_BITMAP_HEX	512
void vf_uapi_bitmap(struct vf_sink *s, const uint8_t *bm, uint64_t len);
void vf_uapi_group_status_out(struct vf_sink *s, const struct vfio_group_status *st);
/* GROUP_GET_DEVICE_FD: "fd": "valid" for a descriptor (numbers differ between runs). */
void vf_uapi_device_fd_out(struct vf_sink *s, long ret);
void vf_uapi_vfio_ioas_out(struct vf_sink *s, const struct iommu_vfio_ioas *v);
/* IOAS_ALLOC and IOAS_MAP write their result only on success. */
void vf_uapi_ioas_alloc_out(struct vf_sink *s, const struct iommu_ioas_alloc *a, long ret);
void vf_uapi_ioas_map_out(struct vf_sink *s, const struct iommu_ioas_map *m, long ret);
void vf_uapi_ioas_unmap_out(struct vf_sink *s, const struct iommu_ioas_unmap *u);
/*
 * Everything an op writes back, for a caller that has only the struct after
 * the call (arg) and a copy of it from before (NULL if none): GET_INFO reads
 * before's argsz bytes; bitmaps are read where the struct points, after a
 * successful call.
 */
void vf_uapi_out(struct vf_sink *s, enum vf_op op, unsigned long arg, const void *before,
		 long ret);

/*
 * Device fd ioctls (device.c), which no step makes but a client's trace
 * shows: by request number; nothing for a request the codec does not know.
 */
void vf_uapi_device_args(struct vf_sink *s, unsigned long req, const void *arg);
void vf_uapi_device_out(struct vf_sink *s, unsigned long req, const void *arg);

#endif

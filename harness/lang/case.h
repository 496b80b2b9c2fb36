/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A parsed case: header, setup and steps. The parser (case_parse.c) builds it,
 * the runner executes it; nothing in here knows about backends.
 */
#ifndef VF_CASE_H
#define VF_CASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VF_MAX_GROUPS	4
#define VF_MAX_CONTAINERS 4	/* c0 (opened by setup) .. c3 (OPEN_CONTAINER) */
#define VF_MAX_PROCS	4	/* the case's process p0 and FORKed p1..p3 */
#define VF_MAX_BUFS	16
#define VF_MAX_EXPANDED	4096	/* steps one range line may expand into */

/* The step kinds: one per line of harness/steps/kinds.h, in its order. */
enum vf_op {
#define VF_STEP_KIND(name, desc, flag_names, op_names) VF_OP_##name,
#include "steps/kinds.h"
#undef VF_STEP_KIND
	VF_OP_COUNT
};

/* Step fields; a step records which ones the case gave (present mask). */
enum vf_field {
	VF_F_EXT,
	VF_F_TYPE,
	VF_F_ARGSZ,
	VF_F_IOVA,
	VF_F_SIZE,
	VF_F_VADDR,
	VF_F_FLAGS,
	VF_F_PGSIZE,
	VF_F_BITMAP_SIZE,
	VF_F_GROUP,
	VF_F_DEVICE,
	VF_F_FD,
	VF_F_OP,
	VF_F_IOAS_ID,
	VF_F_RAW,
	VF_F_CONTAINER,		/* cN: which container a step addresses */
	VF_F_PROC,		/* pN of FORK and EXIT */
	VF_F_CRED,		/* SET_CREDS: vf_cred_encode() */
	VF_F_MEMLOCK,		/* SET_CREDS: bytes, UINT64_MAX = unlimited */
	VF_F_REPEAT,		/* "count=": MAP/UNMAP repeated at iova + i * size */
	VF_F_REQ,		/* IOCTL: the request number (vf_ioctl_names) */
	VF_F_COUNT
};

enum vf_topo { VF_TOPO_VTD, VF_TOPO_MDEV, VF_TOPO_MULTI, VF_TOPO_NOIOMMU, VF_TOPO_COUNT };
enum vf_attach { VF_ATTACH_BEFORE, VF_ATTACH_AFTER, VF_ATTACH_NONE };
enum vf_cred { VF_CRED_ROOT, VF_CRED_NOCAP, VF_CRED_UID, VF_CRED_NORAWIO };
enum vf_buf_kind { VF_BUF_ANON, VF_BUF_RO, VF_BUF_UNMAPPED, VF_BUF_BAR, VF_BUF_HUGE };

/* What MDEV_DMA makes the emulated (mdev) device do, as a vendor driver would. */
enum vf_mdev_op { VF_MDEV_PIN, VF_MDEV_UNPIN, VF_MDEV_READ, VF_MDEV_WRITE };

/* What DEVICE_DMA makes a device's DMA engine do: read memory, or write it. */
enum vf_dma_op { VF_DMA_READ, VF_DMA_WRITE };

/* Credentials a process runs the steps with: the header's, or a SET_CREDS step's. */
struct vf_creds {
	enum vf_cred cred;
	uint32_t uid;
	bool has_memlock;
	uint64_t memlock;	/* UINT64_MAX = unlimited */
	bool has_cred;		/* SET_CREDS may change only the limit */
};

/* A cred= field value: the kind in the upper half, the uid in the lower. */
static inline uint64_t vf_cred_encode(enum vf_cred cred, uint32_t uid)
{
	return ((uint64_t)cred << 32) | uid;
}

struct vf_buf {
	char name[32];
	enum vf_buf_kind kind;
	unsigned bar;		/* BAR index for VF_BUF_BAR */
	uint64_t size;
	bool filled;		/* "filled": vf_buf_fill()'s pattern instead of zeros */
	unsigned line;
};

/*
 * The byte at offset off of a filled buffer: never zero (what an unfilled
 * buffer and a faulted DMA read hold), below 0x80 (DEVICE_DMA writes bytes
 * above), and different for every page and buffer, so a transfer that read
 * the wrong page has another checksum.
 */
static inline uint8_t vf_buf_fill_byte(unsigned buf_index, uint64_t off)
{
	return (uint8_t)((off * 7 + (off >> 12) * 13 + buf_index * 101) % 127 + 1);
}

struct vf_expect {
	char scope[32];		/* "" = every backend */
	char key[32];		/* ret, errno, or a written-back field */
	char value[64];
	unsigned line;
};

struct vf_cite {
	char *client;
	char *source;		/* repo@commit:path, as read */
	unsigned line;
};

struct vf_step {
	enum vf_op op;
	unsigned line;
	bool setup;		/* synthesized from the header */
	unsigned proc;		/* process that runs it: 0, or N of an "@pN" prefix */
	uint32_t present;	/* 1u << enum vf_field */
	uint64_t val[VF_F_COUNT];
	int vaddr_buf;		/* index into bufs, -1 for an absolute vaddr */
	bool argsz_auto;	/* GET_INFO: QEMU-style realloc loop */
	uint8_t *raw;
	size_t raw_len;
	struct vf_expect *expects;
	unsigned n_expects;
};

struct vf_case {
	char *path;
	char *name;
	char *about;
	char **tags;
	unsigned n_tags;
	char **clients;
	unsigned n_clients;
	struct vf_cite *cites;	/* where a client relies on the behaviour */
	unsigned n_cites;
	enum vf_topo topo;
	unsigned groups[VF_MAX_GROUPS];
	unsigned n_groups;
	bool has_iommu;
	uint64_t iommu;
	enum vf_attach attach;
	struct vf_buf bufs[VF_MAX_BUFS];
	unsigned n_bufs;
	enum vf_cred cred;
	uint32_t uid;
	bool has_memlock;
	uint64_t memlock;	/* UINT64_MAX = unlimited */
	unsigned timeout;
	struct vf_step *steps;
	unsigned n_steps;
	unsigned n_setup;	/* steps[0..n_setup) are setup steps */
};

static inline bool vf_has(const struct vf_step *s, enum vf_field f)
{
	return s->present & (1u << f);
}

/*
 * Parse one case file. On error returns NULL and writes "file:line: message"
 * into err (errlen bytes).
 */
struct vf_case *vf_case_parse_file(const char *path, char *err, size_t errlen);
/* Same, from memory; path is used only in messages. */
struct vf_case *vf_case_parse_string(const char *path, const char *text, char *err, size_t errlen);
void vf_case_free(struct vf_case *c);

/*
 * Load every *.case under the given files/directories, sorted by path, and
 * check that names are unique. Every error is printed to stderr as
 * "file:line: message"; returns the number of errors (0 on success).
 */
struct vf_library {
	struct vf_case **cases;
	unsigned n;
	uint64_t hash;		/* FNV-1a over paths and contents: the library version */
};
int vf_library_load(struct vf_library *lib, char *const *paths, unsigned n_paths);
void vf_library_free(struct vf_library *lib);

#endif

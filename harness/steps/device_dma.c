// SPDX-License-Identifier: GPL-2.0-only
/*
 * DEVICE_DMA: an open device's own DMA engine reads (op=READ) or writes
 * (op=WRITE) iova..+size through its IOMMU, and the step records what the
 * device then holds or what changed in the case's memory, with the IOMMU
 * faults the kernel reported for that transfer.
 *
 * The engine's buffer (4 KiB on edu) is not readable from the host, so each
 * transfer goes with a second one through a staging page the runner maps
 * for the moment at VF_DMA_STAGE_IOVA of the same container and unmaps
 * again, as MAPPED's probe does: after a READ the device writes what it
 * read to the staging page (out.sum, out.digest); before a WRITE it reads
 * its data from there (a pattern of this step), so what it writes is known
 * whatever an earlier case left in it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include "lang/fnv.h"
#include "exec/step_api.h"
#include "fuzz/fuzz_gen.h"
#include "steps/step_kind.h"

/* Far from every case's IOVAs, inside the 39-bit space of QEMU's VT-d and the sim's. */
#define VF_DMA_STAGE_IOVA	0x7ff0000000ull
#define VF_DMA_STAGE_SIZE	4096u
/* what a case's memory is compared against: at most this much of it */
#define SNAPSHOT_LIMIT		(64ull << 20)

/* A WRITE's data: always >= 0x80 (a filled buffer's bytes are below) and per step line. */
static uint8_t write_byte(unsigned line, uint32_t off)
{
	return (uint8_t)(0x80 | ((off * 29 + line * 37) % 128));
}

/* The staging page in the container for the step's transfers; 0 or an errno. */
static int stage_map(struct vf_exec *ex, int container)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uint64_t)(uintptr_t)ex->dma_page.addr,
		.iova = VF_DMA_STAGE_IOVA,
		.size = VF_DMA_STAGE_SIZE,
	};

	if (container < 0)
		return EBADF;
	return ex->ctx->ops->ioctl(ex->ctx, container, VFIO_IOMMU_MAP_DMA, &m) ? errno : 0;
}

/* Not undoing the staging map would change the very state under test. */
static int stage_unmap(struct vf_exec *ex, int container)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u), .iova = VF_DMA_STAGE_IOVA, .size = VF_DMA_STAGE_SIZE,
	};

	if (ex->ctx->ops->ioctl(ex->ctx, container, VFIO_IOMMU_UNMAP_DMA, &u))
		return errno;
	return u.size == VF_DMA_STAGE_SIZE ? 0 : ENOTRECOVERABLE;
}

/* A transfer of the staging page's bytes at off: 0, or EIO when it did not go through. */
static int stage_transfer(struct vf_exec *ex, int dev, bool write,
			  uint32_t off, uint32_t len)
{
	struct vf_dma_result r;
	int err = -ex->ctx->ops->device_dma(ex->ctx, dev, write, VF_DMA_STAGE_IOVA + off,
					    0, len, &r);

	if (!err && (!r.completed || r.n_faults || r.faults_lost))
		err = EIO;
	return err;
}

/* One chunk of the step's own transfer, its outcome added to all. */
static int main_transfer(struct vf_exec *ex, int dev, bool write,
			 uint64_t iova, uint32_t len, struct vf_dma_result *all)
{
	struct vf_dma_result r;
	int err = -ex->ctx->ops->device_dma(ex->ctx, dev, write, iova, 0, len, &r);

	if (err)
		return err;
	all->completed &= r.completed;
	all->faults_lost |= r.faults_lost;
	for (unsigned i = 0; i < r.n_faults; i++) {
		if (all->n_faults < VF_DMA_MAX_FAULTS)
			all->faults[all->n_faults++] = r.faults[i];
		else
			all->faults_lost = true;
	}
	return 0;
}

static void record_faults(const struct vf_dma_result *r, json_t *out)
{
	json_t *list;
	char line[160];

	json_object_set_new(out, "completed", json_string(r->completed ? "yes" : "no"));
	if (!r->n_faults) {
		json_object_set_new(out, "fault", json_string("none"));
	} else {
		json_object_set_new(out, "fault", json_string(r->faults[0].reason));
		list = json_array();
		for (unsigned i = 0; i < r->n_faults; i++) {
			const struct vf_dma_fault *f = &r->faults[i];

			snprintf(line, sizeof(line), "%s [%s] 0x%llx: %s %s", f->type,
				 f->requester, (unsigned long long)f->addr, f->reason, f->text);
			json_array_append_new(list, json_string(line));
		}
		json_object_set_new(out, "faults", list);
	}
	if (r->faults_lost)
		json_object_set_new(out, "faults_lost", json_string("yes"));
}

static void record_readback(const uint8_t *p, uint32_t size, json_t *out)
{
	uint64_t sum = 0;
	char hex[24];

	for (uint32_t i = 0; i < size; i++)
		sum += p[i];
	snprintf(hex, sizeof(hex), "0x%016llx", (unsigned long long)vf_fnv1a(VF_FNV1A_INIT, p, size));
	json_object_set_new(out, "sum", json_integer((json_int_t)sum));
	json_object_set_new(out, "digest", json_string(hex));
}

/* The case's memory this process can read, copied before a WRITE. */
struct snapshot {
	uint8_t *copy[VF_MAX_BUFS];
};

static bool comparable(const struct vf_buf *b, const struct vf_buf_inst *bi)
{
	return bi->addr && !bi->err && bi->size &&
	       (b->kind == VF_BUF_ANON || b->kind == VF_BUF_RO || b->kind == VF_BUF_HUGE);
}

static void snapshot_take(struct vf_exec *ex, struct snapshot *sn)
{
	const struct vf_case *c = ex->ctx->c;
	uint64_t total = 0;

	memset(sn, 0, sizeof(*sn));
	for (unsigned i = 0; i < c->n_bufs; i++) {
		if (!comparable(&c->bufs[i], &ex->bufs[i]) ||
		    total + ex->bufs[i].size > SNAPSHOT_LIMIT)
			continue;
		sn->copy[i] = malloc(ex->bufs[i].size);
		if (sn->copy[i]) {
			memcpy(sn->copy[i], ex->bufs[i].addr, ex->bufs[i].size);
			total += ex->bufs[i].size;
		}
	}
}

/* Where the case's memory changed: "a+0x0..0xfff,b+0x0..0xff", and the new bytes' sum. */
static void snapshot_diff(struct vf_exec *ex, struct snapshot *sn, json_t *out)
{
	const struct vf_case *c = ex->ctx->c;
	char where[512] = "", one[96];
	uint64_t sum = 0, changed = 0;
	size_t used = 0;

	for (unsigned i = 0; i < c->n_bufs; i++) {
		const uint8_t *now = ex->bufs[i].addr;
		uint64_t first = UINT64_MAX, last = 0;

		if (!sn->copy[i])
			continue;
		for (uint64_t off = 0; off < ex->bufs[i].size; off++) {
			if (now[off] == sn->copy[i][off])
				continue;
			if (first == UINT64_MAX)
				first = off;
			last = off;
			sum += now[off];
			changed++;
		}
		free(sn->copy[i]);
		if (first == UINT64_MAX)
			continue;
		snprintf(one, sizeof(one), "%s%s+0x%llx..0x%llx", used ? "," : "",
			 c->bufs[i].name, (unsigned long long)first, (unsigned long long)last);
		if (used + strlen(one) < sizeof(where)) {
			strcpy(where + used, one);
			used += strlen(one);
		}
	}
	json_object_set_new(out, "wrote", json_string(used ? where : "none"));
	json_object_set_new(out, "changed", json_integer((json_int_t)changed));
	json_object_set_new(out, "sum", json_integer((json_int_t)sum));
}

static struct vf_call exec_device_dma(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	struct vf_ctx *ctx = ex->ctx;
	unsigned d = vf_has(s, VF_F_DEVICE) ? (unsigned)s->val[VF_F_DEVICE] : 0;
	bool write = s->val[VF_F_OP] == VF_DMA_WRITE;
	uint32_t size = (uint32_t)s->val[VF_F_SIZE], off, len;
	int container = vf_chandle(ex, s), dev, err = 0, stage_err, map_err;
	struct vf_dma_result all = { .completed = true };
	struct snapshot sn;
	uint8_t *page;

	if (!(ctx->ops->caps & VF_BACKEND_DEVICE_DMA) || !ctx->ops->device_dma)
		return (struct vf_call){ -1, ENOSYS };
	if (d >= ex->n_device_fds || ex->device_fds[d] < 0)
		return (struct vf_call){ -1, EBADF };
	dev = ex->device_fds[d];
	if (!ex->dma_page.addr) {
		struct vf_buf b = { .name = "(dma staging)", .kind = VF_BUF_ANON,
				    .size = VF_DMA_STAGE_SIZE };

		if (ctx->ops->buf_create(ctx, &b, &ex->dma_page))
			return (struct vf_call){ -1, ex->dma_page.err ? ex->dma_page.err : ENOMEM };
	}
	page = ex->dma_page.addr;
	for (uint32_t i = 0; i < VF_DMA_STAGE_SIZE; i++)
		page[i] = write ? write_byte(s->line, i) : 0;
	map_err = stage_map(ex, container);
	stage_err = map_err;
	if (stage_err && write) {
		/* what the device would write is not known: it is not asked to */
		json_object_set_new(out, "staging", vf_json_errno(stage_err));
		return (struct vf_call){ 0, 0 };
	}
	if (write)
		snapshot_take(ex, &sn);
	for (off = 0; off < size && !err; off += len) {
		len = size - off < VF_DMA_CHUNK ? size - off : VF_DMA_CHUNK;
		if (write && !stage_err)
			stage_err = stage_transfer(ex, dev, false, off, len);
		if (write && stage_err)
			break;
		err = main_transfer(ex, dev, write, s->val[VF_F_IOVA] + off, len, &all);
		if (!write && !err && !stage_err)
			stage_err = stage_transfer(ex, dev, true, off, len);
	}
	if (!map_err) {
		int unmap_err = stage_unmap(ex, container);

		if (unmap_err && !stage_err)
			stage_err = unmap_err;
	}
	if (write) {
		json_t *o = err ? json_object() : out;

		snapshot_diff(ex, &sn, o);
		if (err)
			json_decref(o);
	}
	if (err)
		return (struct vf_call){ -1, err };
	record_faults(&all, out);
	if (stage_err)
		json_object_set_new(out, "staging", vf_json_errno(stage_err));
	else if (!write)
		record_readback(page, size, out);
	return (struct vf_call){ 0, 0 };
}

static bool check_device_dma(struct vf_step_check *chk, const struct vf_step *s)
{
	if (!vf_has(s, VF_F_OP) || !vf_has(s, VF_F_IOVA) || !vf_has(s, VF_F_SIZE))
		return vf_check_fail(chk, "DEVICE_DMA needs op=, iova= and size=");
	/* past its buffer QEMU 7.2's edu stops the whole machine (hw_error) */
	if (!s->val[VF_F_SIZE] || s->val[VF_F_SIZE] > VF_DMA_ENGINE_SIZE)
		return vf_check_fail(chk, "DEVICE_DMA size= must be 1..%u (the engine's buffer)",
				     VF_DMA_ENGINE_SIZE);
	if (s->val[VF_F_IOVA] + s->val[VF_F_SIZE] < s->val[VF_F_IOVA])
		return vf_check_fail(chk, "DEVICE_DMA iova=+size= wraps");
	return true;
}

const struct vf_step_kind vf_step_device_dma = {
	.about = "device N's DMA engine reads (READ) or writes (WRITE) iova..+size via its IOMMU",
	.fields = VF_BIT(VF_F_OP) | VF_BIT(VF_F_IOVA) | VF_BIT(VF_F_SIZE) |
		  VF_BIT(VF_F_DEVICE) | VF_BIT(VF_F_CONTAINER),
	.flags = VF_KIND_NO_RANGE | VF_KIND_SHOWS_STATE | VF_KIND_OP_NAMES_ONLY |
		 VF_KIND_DEVICE_DMA,
	.personalities = VF_PERS_BOTH,
	.check = check_device_dma,
	.exec = exec_device_dma,
};

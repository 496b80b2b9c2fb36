// SPDX-License-Identifier: GPL-2.0-only
/*
 * Step execution and observation. The argument structs are laid out here,
 * once, for every backend; what comes back is recorded whether the call
 * succeeded or not, because a failed call that still wrote something is
 * exactly the kind of difference this suite exists to find.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/vfio.h>
#include <linux/iommufd.h>
#include "exec/exec.h"
#include "lang/names.h"
#include "lang/value.h"

#define CANARY		0xa5
#define SMALL_BUF	4096
#define MAX_ARG_BUF	(1u << 20)
#define MAX_BITMAP_HEX	512	/* bytes of a bitmap recorded verbatim */
#define MAX_PROBE_LEAVES 4096
#define MAX_CAPS	16

static json_t *hex(uint64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "0x%llx", (unsigned long long)v);
	return json_string(s);
}

static json_t *flags_str(const struct vf_name *tab, uint64_t v)
{
	char s[256] = "";
	size_t n = 0;

	if (!v)
		return json_string("0");
	for (; tab->name; tab++) {
		if (v & tab->value) {
			n += snprintf(s + n, sizeof(s) - n, "%s%s", n ? "|" : "", tab->name);
			v &= ~tab->value;
		}
	}
	if (v)
		snprintf(s + n, sizeof(s) - n, "%s0x%llx", n ? "|" : "", (unsigned long long)v);
	return json_string(s);
}

static json_t *hex_bytes(const uint8_t *b, size_t n)
{
	char *s = malloc(2 * n + 1);
	json_t *j;

	if (!s)
		return json_null();
	for (size_t i = 0; i < n; i++)
		sprintf(s + 2 * i, "%02x", b[i]);
	s[2 * n] = 0;
	j = json_string(s);
	free(s);
	return j;
}

json_t *vf_step_args(const struct vf_case *c, const struct vf_step *s)
{
	json_t *a = json_object();

	for (int f = 0; f < VF_F_COUNT; f++) {
		uint64_t v = s->val[f];
		const char *name;
		char buf[96];
		json_t *j;

		if (!vf_has(s, f))
			continue;
		switch (f) {
		case VF_F_EXT:
		case VF_F_TYPE:
			name = vf_name_of(vf_ext_names, v);
			j = name ? json_string(name) : hex(v);
			break;
		case VF_F_ARGSZ:
			j = s->argsz_auto ? json_string("auto") : json_integer((json_int_t)v);
			break;
		case VF_F_FLAGS:
			j = flags_str(vf_op_flag_names(s->op), v);
			break;
		case VF_F_OP:
			name = vf_name_of(s->op == VF_OP_MDEV_DMA ? vf_mdev_op_names :
					  vf_ioas_op_names, v);
			j = name ? json_string(name) : hex(v);
			break;
		case VF_F_GROUP:
			snprintf(buf, sizeof(buf), "g%llu", (unsigned long long)v);
			j = json_string(buf);
			break;
		case VF_F_DEVICE:
		case VF_F_REPEAT:
			j = json_integer((json_int_t)v);
			break;
		case VF_F_FD:
			j = json_integer((json_int_t)(int64_t)v);
			break;
		case VF_F_VADDR:
			if (s->vaddr_buf < 0) {
				j = hex(v);
			} else if (v == 0) {
				j = json_string(c->bufs[s->vaddr_buf].name);
			} else {
				bool neg = (int64_t)v < 0;

				snprintf(buf, sizeof(buf), "%s%c0x%llx", c->bufs[s->vaddr_buf].name,
					 neg ? '-' : '+', (unsigned long long)(neg ? -v : v));
				j = json_string(buf);
			}
			break;
		case VF_F_RAW:
			j = hex_bytes(s->raw, s->raw_len);
			break;
		case VF_F_CONTAINER:
		case VF_F_PROC:
			snprintf(buf, sizeof(buf), "%c%llu", f == VF_F_PROC ? 'p' : 'c',
				 (unsigned long long)v);
			j = json_string(buf);
			break;
		case VF_F_CRED:
			if ((v >> 32) == VF_CRED_UID)
				snprintf(buf, sizeof(buf), "uid=%u", (unsigned)v);
			else
				snprintf(buf, sizeof(buf), "%s",
					 (v >> 32) == VF_CRED_NOCAP ? "nocap" :
					 (v >> 32) == VF_CRED_NORAWIO ? "norawio" : "root");
			j = json_string(buf);
			break;
		case VF_F_MEMLOCK:
			j = v == UINT64_MAX ? json_string("unlimited") : hex(v);
			break;
		default:
			j = hex(v);
			break;
		}
		json_object_set_new(a, vf_field_name(f), j);
	}
	return a;
}

struct call {
	long ret;
	int err;
};

struct vf_fault_inject vf_fault;

/*
 * fail-nth is per task and counts down at every injection point the task
 * passes. The file is opened and written before the ioctl, read back and
 * cleared through the same fd after it (proc's read and write of it allocate
 * nothing), so only the ioctl's own allocations are counted: a remaining
 * count of 0 means the nth point was reached and failed.
 */
static struct call ioctl_fail_nth(struct vf_exec *ex, int handle, unsigned long req, void *arg)
{
	json_t *out = ex->fault_out;
	int fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	char buf[32];
	struct call c;
	ssize_t n;
	int len;

	ex->fault_out = NULL;
	if (fd < 0) {
		json_object_set_new(out, "fail_nth", json_pack("{s:s}", "error", strerror(errno)));
		errno = 0;
		c.ret = ex->ctx->ops->ioctl(ex->ctx, handle, req, arg);
		c.err = c.ret < 0 ? errno : 0;
		return c;
	}
	len = snprintf(buf, sizeof(buf), "%u", vf_fault.nth);
	if (pwrite(fd, buf, len, 0) != len) {
		json_object_set_new(out, "fail_nth", json_pack("{s:s}", "error", strerror(errno)));
		close(fd);
		return (struct call){ -1, EIO };
	}
	errno = 0;
	c.ret = ex->ctx->ops->ioctl(ex->ctx, handle, req, arg);
	c.err = c.ret < 0 ? errno : 0;
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = 0;
	if (pwrite(fd, "0", 1, 0) != 1)
		json_object_set_new(out, "fail_nth_reset_failed", json_true());
	close(fd);
	json_object_set_new(out, "fail_nth", json_pack("{s:i, s:b}", "nth", vf_fault.nth,
						       "fired", n > 0 && atoi(buf) == 0));
	return c;
}

static struct call do_ioctl(struct vf_exec *ex, int handle, unsigned long req, void *arg)
{
	struct call c;

	if (ex->fault_out)
		return ioctl_fail_nth(ex, handle, req, arg);
	errno = 0;
	c.ret = ex->ctx->ops->ioctl(ex->ctx, handle, req, arg);
	c.err = c.ret < 0 ? errno : 0;
	return c;
}

/* The container a step addresses: c0 unless it says container=cN. */
static int chandle(struct vf_exec *ex, const struct vf_step *s)
{
	return *vf_container_slot(ex->ctx, (unsigned)s->val[VF_F_CONTAINER]);
}

static uint64_t vaddr_of(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	const struct vf_buf_inst *b;

	if (s->vaddr_buf < 0)
		return s->val[VF_F_VADDR];
	b = &ex->bufs[s->vaddr_buf];
	if (!b->addr && ex->ctx->c->bufs[s->vaddr_buf].kind != VF_BUF_UNMAPPED)
		json_object_set_new(out, "vaddr_unavailable", json_true());
	return (uint64_t)(uintptr_t)b->addr + s->val[VF_F_VADDR];
}

/*
 * An argument buffer: the struct is built in front, everything after the
 * bytes the caller owns is canary, so a write past them shows.
 */
struct argbuf {
	uint8_t *p;
	size_t len;
};

static bool argbuf_init(struct argbuf *a, size_t want)
{
	a->len = want + 64 < SMALL_BUF ? SMALL_BUF : want + 64;
	if (a->len > MAX_ARG_BUF)
		a->len = MAX_ARG_BUF;
	a->p = malloc(a->len);
	if (!a->p)
		return false;
	memset(a->p, CANARY, a->len);
	return true;
}

/*
 * "intact", or where the first changed canary byte is. Compared a block at a
 * time with memcmp: a byte loop over the 4K buffer was three quarters of the
 * library's time on the sim (count= maps check it once per call).
 */
static json_t *canary_state(const struct argbuf *a, size_t from)
{
	static uint8_t ref[512];
	char s[48];

	if (!ref[0])
		memset(ref, CANARY, sizeof(ref));
	for (size_t i = from; i < a->len; i += sizeof(ref)) {
		size_t n = a->len - i < sizeof(ref) ? a->len - i : sizeof(ref);

		if (!memcmp(a->p + i, ref, n))
			continue;
		while (a->p[i] == CANARY)
			i++;
		snprintf(s, sizeof(s), "clobbered at +%zu", i);
		return json_string(s);
	}
	return json_string("intact");
}

static void put_raw(struct argbuf *a, const struct vf_step *s)
{
	memcpy(a->p, s->raw, s->raw_len < a->len ? s->raw_len : a->len);
}

static void decode_caps(json_t *out, const uint8_t *buf, size_t len, uint32_t first)
{
	json_t *caps = json_array();
	uint32_t off = first;

	for (int n = 0; off && n < MAX_CAPS; n++) {
		struct vfio_info_cap_header h;
		json_t *cap = json_object();

		if ((size_t)off + sizeof(h) > len) {
			json_object_set_new(cap, "offset", json_integer(off));
			json_object_set_new(cap, "error", json_string("beyond buffer"));
			json_array_append_new(caps, cap);
			break;
		}
		memcpy(&h, buf + off, sizeof(h));
		json_object_set_new(cap, "offset", json_integer(off));
		json_object_set_new(cap, "id", json_integer(h.id));
		json_object_set_new(cap, "version", json_integer(h.version));
		json_object_set_new(cap, "next", json_integer(h.next));
		if (h.id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE &&
		    (size_t)off + sizeof(struct vfio_iommu_type1_info_cap_iova_range) <= len) {
			struct vfio_iommu_type1_info_cap_iova_range r;
			json_t *ranges = json_array();

			memcpy(&r, buf + off, sizeof(r));
			json_object_set_new(cap, "name", json_string("IOVA_RANGE"));
			json_object_set_new(cap, "nr_iovas", json_integer(r.nr_iovas));
			for (uint32_t i = 0; i < r.nr_iovas; i++) {
				struct vfio_iova_range ir;
				size_t at = off + sizeof(r) + i * sizeof(ir);
				json_t *pair;

				if (at + sizeof(ir) > len)
					break;
				memcpy(&ir, buf + at, sizeof(ir));
				pair = json_array();
				json_array_append_new(pair, hex(ir.start));
				json_array_append_new(pair, hex(ir.end));
				json_array_append_new(ranges, pair);
			}
			json_object_set_new(cap, "ranges", ranges);
		} else if (h.id == VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION &&
			   (size_t)off + sizeof(struct vfio_iommu_type1_info_cap_migration) <= len) {
			struct vfio_iommu_type1_info_cap_migration m;

			memcpy(&m, buf + off, sizeof(m));
			json_object_set_new(cap, "name", json_string("MIGRATION"));
			json_object_set_new(cap, "flags", json_integer(m.flags));
			json_object_set_new(cap, "pgsize_bitmap", hex(m.pgsize_bitmap));
			json_object_set_new(cap, "max_dirty_bitmap_size", hex(m.max_dirty_bitmap_size));
		} else if (h.id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL &&
			   (size_t)off + sizeof(struct vfio_iommu_type1_info_dma_avail) <= len) {
			struct vfio_iommu_type1_info_dma_avail d;

			memcpy(&d, buf + off, sizeof(d));
			json_object_set_new(cap, "name", json_string("DMA_AVAIL"));
			json_object_set_new(cap, "avail", json_integer(d.avail));
		}
		json_array_append_new(caps, cap);
		/* a chain that points backwards would loop forever */
		if (h.next && h.next <= off) {
			json_object_set_new(cap, "error", json_string("next points backwards"));
			break;
		}
		off = h.next;
	}
	json_object_set_new(out, "caps", caps);
}

static struct call get_info_once(struct vf_exec *ex, const struct vf_step *s, uint32_t argsz,
				 json_t *out)
{
	struct vfio_iommu_type1_info info;
	struct argbuf a;
	size_t owned;
	struct call c;

	if (!argbuf_init(&a, s->raw ? s->raw_len : argsz)) {
		c.ret = -1;
		c.err = ENOMEM;
		return c;
	}
	if (s->raw) {
		put_raw(&a, s);
		owned = s->raw_len;
	} else {
		owned = argsz < sizeof(uint32_t) ? sizeof(uint32_t) : argsz;
		if (owned > a.len)
			owned = a.len;
		memset(a.p, 0, owned);
		memcpy(a.p, &argsz, sizeof(argsz));
	}
	c = do_ioctl(ex, chandle(ex, s), VFIO_IOMMU_GET_INFO, a.p);
	memcpy(&info, a.p, sizeof(info));
	json_object_set_new(out, "argsz", json_integer(info.argsz));
	json_object_set_new(out, "flags", flags_str(vf_info_flag_names, info.flags));
	json_object_set_new(out, "iova_pgsizes", hex(info.iova_pgsizes));
	json_object_set_new(out, "cap_offset", json_integer(info.cap_offset));
	if ((info.flags & VFIO_IOMMU_INFO_CAPS) && info.cap_offset)
		decode_caps(out, a.p, a.len, info.cap_offset);
	else
		json_object_del(out, "caps");
	json_object_set_new(out, "canary", canary_state(&a, owned));
	free(a.p);
	return c;
}

static struct call exec_get_info(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	uint32_t argsz = sizeof(struct vfio_iommu_type1_info);
	struct call c;

	if (vf_has(s, VF_F_ARGSZ) && !s->argsz_auto)
		return get_info_once(ex, s, (uint32_t)s->val[VF_F_ARGSZ], out);
	/* QEMU's loop: ask with the bare struct, grow to what the kernel says */
	c = get_info_once(ex, s, argsz, out);
	if (c.ret == 0 && !s->raw) {
		json_t *a = json_object_get(out, "argsz");
		json_int_t want = a ? json_integer_value(a) : 0;

		if (want > (json_int_t)argsz && want < SMALL_BUF - 64) {
			json_object_set_new(out, "probe_argsz", json_integer(want));
			json_object_del(out, "caps");
			c = get_info_once(ex, s, (uint32_t)want, out);
		}
	}
	return c;
}

static struct call exec_map(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = vf_has(s, VF_F_ARGSZ) ? (uint32_t)s->val[VF_F_ARGSZ] : sizeof(m),
		.flags = vf_has(s, VF_F_FLAGS) ? (uint32_t)s->val[VF_F_FLAGS] :
			 VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.iova = s->val[VF_F_IOVA],
		.size = s->val[VF_F_SIZE],
	};
	struct argbuf a;
	struct call c;

	m.vaddr = vaddr_of(ex, s, out);
	if (!argbuf_init(&a, sizeof(m)))
		return (struct call){ -1, ENOMEM };
	if (s->raw)
		put_raw(&a, s);
	else
		memcpy(a.p, &m, sizeof(m));
	c = do_ioctl(ex, chandle(ex, s), VFIO_IOMMU_MAP_DMA, a.p);
	/* out NULL: a count= repetition, whose outs are not recorded */
	if (out)
		json_object_set_new(out, "canary",
				    canary_state(&a, s->raw ? s->raw_len : sizeof(m)));
	free(a.p);
	return c;
}

/* Size of a dirty bitmap covering size bytes at pgsize, as clients compute it. */
static uint64_t bitmap_bytes(uint64_t size, uint64_t pgsize)
{
	uint64_t pages = pgsize ? size / pgsize : 0;

	return ((pages + 63) / 64) * 8;
}

static void record_bitmap(json_t *out, const uint8_t *bm, uint64_t len)
{
	uint64_t bits = 0, show = len < MAX_BITMAP_HEX ? len : MAX_BITMAP_HEX;

	for (uint64_t i = 0; i < len; i++)
		bits += __builtin_popcount(bm[i]);
	json_object_set_new(out, "bitmap", hex_bytes(bm, show));
	json_object_set_new(out, "bitmap_bits", json_integer((json_int_t)bits));
}

/*
 * Bitmap storage: the whole size the case claims is reserved as address
 * space, the first BITMAP_RW bytes of it writable and the rest PROT_NONE, so
 * a kernel writing a huge bitmap gets EFAULT instead of overrunning the heap.
 */
#define BITMAP_RW	(64ull << 20)
#define BITMAP_MAX	(16ull << 30)

struct bitmap_mem {
	uint8_t *p;
	size_t len;
};

static uint8_t *bitmap_alloc(struct bitmap_mem *m, uint64_t len)
{
	size_t rw;

	m->len = len < 4096 ? 4096 : len > BITMAP_MAX ? BITMAP_MAX : len;
	m->p = mmap(NULL, m->len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->p == MAP_FAILED) {
		m->p = NULL;
		return NULL;
	}
	rw = m->len < BITMAP_RW ? m->len : BITMAP_RW;
	if (mprotect(m->p, rw, PROT_READ | PROT_WRITE)) {
		munmap(m->p, m->len);
		m->p = NULL;
	}
	return m->p;
}

static void bitmap_free(struct bitmap_mem *m)
{
	if (m->p)
		munmap(m->p, m->len);
}

/*
 * The vfio_bitmap a step passes (UNMAP with GET_DIRTY_BITMAP, DIRTY_PAGES
 * GET_BITMAP): pgsize defaults to 4K, size to what a client computes for the
 * range, and the storage is reserved as above.
 */
struct step_bitmap {
	struct bitmap_mem mem;
	struct vfio_bitmap b;
};

static void step_bitmap_init(struct step_bitmap *sb, const struct vf_step *s)
{
	memset(sb, 0, sizeof(*sb));
	sb->b.pgsize = vf_has(s, VF_F_PGSIZE) ? s->val[VF_F_PGSIZE] : 4096;
	sb->b.size = vf_has(s, VF_F_BITMAP_SIZE) ? s->val[VF_F_BITMAP_SIZE] :
		     bitmap_bytes(s->val[VF_F_SIZE], sb->b.pgsize);
	sb->b.data = (void *)bitmap_alloc(&sb->mem, sb->b.size);
}

/* Record what the kernel wrote into the bitmap (only a successful call's), then free it. */
static void step_bitmap_done(struct step_bitmap *sb, json_t *out, const struct call *c)
{
	if (sb->b.data && c->ret == 0 && sb->b.size < MAX_ARG_BUF)
		record_bitmap(out, (const uint8_t *)sb->b.data, sb->b.size);
	bitmap_free(&sb->mem);
}

static struct call exec_unmap(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	struct {
		struct vfio_iommu_type1_dma_unmap u;
		struct vfio_bitmap b;
	} __attribute__((packed)) arg;
	uint32_t flags = vf_has(s, VF_F_FLAGS) ? (uint32_t)s->val[VF_F_FLAGS] : 0;
	bool dirty = flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP;
	size_t owned = dirty ? sizeof(arg) : sizeof(arg.u);
	struct step_bitmap sb = { 0 };
	struct argbuf a;
	struct call c;

	memset(&arg, 0, sizeof(arg));
	arg.u.argsz = vf_has(s, VF_F_ARGSZ) ? (uint32_t)s->val[VF_F_ARGSZ] : owned;
	arg.u.flags = flags;
	arg.u.iova = s->val[VF_F_IOVA];
	arg.u.size = s->val[VF_F_SIZE];
	if (dirty) {
		step_bitmap_init(&sb, s);
		arg.b = sb.b;
	}
	if (!argbuf_init(&a, sizeof(arg))) {
		bitmap_free(&sb.mem);
		return (struct call){ -1, ENOMEM };
	}
	if (s->raw) {
		put_raw(&a, s);
		owned = s->raw_len;
	} else {
		memcpy(a.p, &arg, owned);
	}
	c = do_ioctl(ex, chandle(ex, s), VFIO_IOMMU_UNMAP_DMA, a.p);
	memcpy(&arg, a.p, sizeof(arg));
	json_object_set_new(out, "size", hex(arg.u.size));
	if (arg.u.flags != flags && !s->raw)
		json_object_set_new(out, "flags", json_integer(arg.u.flags));
	json_object_set_new(out, "canary", canary_state(&a, owned));
	step_bitmap_done(&sb, out, &c);
	free(a.p);
	return c;
}

/*
 * count=N: the step N times at iova + i * size (vaddr stays), stopping at the
 * first failure. Tens of thousands of maps (dma_entry_limit) would otherwise
 * be tens of thousands of observations; this records how many succeeded
 * ("done"), where it stopped ("failed_at") and, in unmap's case, the total
 * size unmapped. The errno is the failing call's.
 */
static struct call exec_repeat(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	struct vf_step one = *s;
	uint64_t n = s->val[VF_F_REPEAT], i, unmapped = 0;
	struct call c = { 0, 0 };

	one.present &= ~(1u << VF_F_REPEAT);
	one.n_expects = 0;
	for (i = 0; i < n; i++) {
		/* a map's out would be dropped unread: not built (jansson ignores NULL) */
		json_t *o = s->op == VF_OP_IOMMU_MAP_DMA ? NULL : json_object();

		one.val[VF_F_IOVA] = s->val[VF_F_IOVA] + i * s->val[VF_F_SIZE];
		c = s->op == VF_OP_IOMMU_MAP_DMA ? exec_map(ex, &one, o) : exec_unmap(ex, &one, o);
		if (c.ret == 0 && s->op == VF_OP_IOMMU_UNMAP_DMA) {
			uint64_t sz = 0;

			vf_parse_number(json_string_value(json_object_get(o, "size")), &sz);
			unmapped += sz;
		}
		json_decref(o);
		if (c.ret < 0)
			break;
	}
	json_object_set_new(out, "done", json_integer((json_int_t)i));
	if (i < n)
		json_object_set_new(out, "failed_at", json_integer((json_int_t)i));
	if (s->op == VF_OP_IOMMU_UNMAP_DMA)
		json_object_set_new(out, "size", hex(unmapped));
	return c;
}

static struct call exec_dirty(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	struct {
		struct vfio_iommu_type1_dirty_bitmap d;
		struct vfio_iommu_type1_dirty_bitmap_get g;
	} __attribute__((packed)) arg;
	uint32_t flags = vf_has(s, VF_F_FLAGS) ? (uint32_t)s->val[VF_F_FLAGS] : 0;
	bool get = flags & VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP;
	size_t owned = get ? sizeof(arg) : sizeof(arg.d);
	struct step_bitmap sb = { 0 };
	struct argbuf a;
	struct call c;

	memset(&arg, 0, sizeof(arg));
	arg.d.argsz = vf_has(s, VF_F_ARGSZ) ? (uint32_t)s->val[VF_F_ARGSZ] : owned;
	arg.d.flags = flags;
	if (get) {
		step_bitmap_init(&sb, s);
		arg.g.iova = s->val[VF_F_IOVA];
		arg.g.size = s->val[VF_F_SIZE];
		arg.g.bitmap = sb.b;
	}
	if (!argbuf_init(&a, sizeof(arg))) {
		bitmap_free(&sb.mem);
		return (struct call){ -1, ENOMEM };
	}
	if (s->raw) {
		put_raw(&a, s);
		owned = s->raw_len;
	} else {
		memcpy(a.p, &arg, owned);
	}
	c = do_ioctl(ex, chandle(ex, s), VFIO_IOMMU_DIRTY_PAGES, a.p);
	json_object_set_new(out, "canary", canary_state(&a, owned));
	step_bitmap_done(&sb, out, &c);
	free(a.p);
	return c;
}

static struct call exec_group_status(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	struct vfio_group_status st = {
		.argsz = vf_has(s, VF_F_ARGSZ) ? (uint32_t)s->val[VF_F_ARGSZ] : sizeof(st),
	};
	struct argbuf a;
	struct call c;
	size_t owned = s->raw ? s->raw_len : sizeof(st);

	if (!argbuf_init(&a, sizeof(st)))
		return (struct call){ -1, ENOMEM };
	if (s->raw)
		put_raw(&a, s);
	else
		memcpy(a.p, &st, sizeof(st));
	c = do_ioctl(ex, ex->ctx->group[s->val[VF_F_GROUP]], VFIO_GROUP_GET_STATUS, a.p);
	memcpy(&st, a.p, sizeof(st));
	json_object_set_new(out, "flags", flags_str(vf_group_flag_names, st.flags));
	json_object_set_new(out, "canary", canary_state(&a, owned));
	free(a.p);
	return c;
}

static struct call exec_device_fd(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	unsigned dev = vf_has(s, VF_F_DEVICE) ? (unsigned)s->val[VF_F_DEVICE] : 0;
	const char *name = ex->ctx->ops->device_name(ex->ctx, (unsigned)s->val[VF_F_GROUP], dev);
	struct call c;

	/* a device the topology does not have: the kernel must say no */
	if (!name)
		name = "vfconform-no-such-device";
	c = do_ioctl(ex, ex->ctx->group[s->val[VF_F_GROUP]], VFIO_GROUP_GET_DEVICE_FD,
		     (void *)name);
	if (c.ret >= 0) {
		/* fd numbers are not comparable across backends; validity is */
		json_object_set_new(out, "fd", json_string("valid"));
		if (ex->n_device_fds < VF_MAX_DEVICE_FDS)
			ex->device_fds[ex->n_device_fds++] = (int)c.ret;
		else
			ex->ctx->ops->close_handle(ex->ctx, (int)c.ret);
		c.ret = 0;
	}
	return c;
}

static struct call exec_vfio_ioas(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	struct iommu_vfio_ioas v = {
		.size = vf_has(s, VF_F_SIZE) ? (uint32_t)s->val[VF_F_SIZE] : sizeof(v),
		.ioas_id = (uint32_t)s->val[VF_F_IOAS_ID],
		.op = (uint16_t)s->val[VF_F_OP],
	};
	struct argbuf a;
	struct call c;
	size_t owned = s->raw ? s->raw_len : sizeof(v);

	if (!argbuf_init(&a, sizeof(v)))
		return (struct call){ -1, ENOMEM };
	if (s->raw)
		put_raw(&a, s);
	else
		memcpy(a.p, &v, sizeof(v));
	c = do_ioctl(ex, chandle(ex, s), IOMMU_VFIO_IOAS, a.p);
	memcpy(&v, a.p, sizeof(v));
	json_object_set_new(out, "ioas_id", json_integer(v.ioas_id));
	json_object_set_new(out, "canary", canary_state(&a, owned));
	free(a.p);
	return c;
}

/*
 * The native iommufd ioctls, on the container fd: on /dev/iommu they reach
 * the same objects the compat layer uses (IOMMU_VFIO_IOAS tells which IOAS),
 * on /dev/vfio/vfio they must be refused.
 */
static struct call native_ioctl(struct vf_exec *ex, const struct vf_step *s, unsigned long req,
				void *arg, size_t len)
{
	struct argbuf a;
	struct call c;

	if (!argbuf_init(&a, len))
		return (struct call){ -1, ENOMEM };
	if (s->raw)
		put_raw(&a, s);
	else
		memcpy(a.p, arg, len);
	c = do_ioctl(ex, chandle(ex, s), req, a.p);
	memcpy(arg, a.p, len);
	free(a.p);
	return c;
}

static struct call exec_native(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	uint32_t id = (uint32_t)s->val[VF_F_IOAS_ID];
	struct call c = { -1, EINVAL };

	switch (s->op) {
	case VF_OP_IOMMU_IOAS_ALLOC: {
		struct iommu_ioas_alloc a = {
			.size = sizeof(a), .flags = (uint32_t)s->val[VF_F_FLAGS],
		};

		c = native_ioctl(ex, s, IOMMU_IOAS_ALLOC, &a, sizeof(a));
		if (c.ret == 0)
			json_object_set_new(out, "ioas_id", json_integer(a.out_ioas_id));
		break;
	}
	case VF_OP_IOMMU_IOAS_MAP: {
		struct iommu_ioas_map m = {
			.size = sizeof(m),
			.flags = vf_has(s, VF_F_FLAGS) ? (uint32_t)s->val[VF_F_FLAGS] :
				 IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_WRITEABLE |
				 IOMMU_IOAS_MAP_READABLE,
			.ioas_id = id,
			.length = s->val[VF_F_SIZE],
			.iova = s->val[VF_F_IOVA],
		};

		m.user_va = vaddr_of(ex, s, out);
		c = native_ioctl(ex, s, IOMMU_IOAS_MAP, &m, sizeof(m));
		/* without FIXED_IOVA the kernel picks the iova: that is the observation */
		if (c.ret == 0)
			json_object_set_new(out, "iova", hex(m.iova));
		break;
	}
	case VF_OP_IOMMU_IOAS_UNMAP: {
		struct iommu_ioas_unmap u = {
			.size = sizeof(u), .ioas_id = id,
			.iova = s->val[VF_F_IOVA], .length = s->val[VF_F_SIZE],
		};

		c = native_ioctl(ex, s, IOMMU_IOAS_UNMAP, &u, sizeof(u));
		json_object_set_new(out, "size", hex(u.length));
		break;
	}
	case VF_OP_IOMMU_DESTROY: {
		struct iommu_destroy d = { .size = sizeof(d), .id = id };

		c = native_ioctl(ex, s, IOMMU_DESTROY, &d, sizeof(d));
		break;
	}
	default:
		break;
	}
	return c;
}

static struct call exec_mdev_dma(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	struct vf_ctx *ctx = ex->ctx;
	enum vf_mdev_op op = (enum vf_mdev_op)s->val[VF_F_OP];
	uint64_t sum = 0;
	long r;

	if (!(ctx->ops->caps & VF_BACKEND_MDEV_DMA))
		return (struct call){ -1, ENOSYS };
	r = ctx->ops->mdev_dma(ctx, op, s->val[VF_F_IOVA], s->val[VF_F_SIZE], &sum);
	if (r < 0)
		return (struct call){ -1, (int)-r };
	if (op == VF_MDEV_PIN)
		json_object_set_new(out, "pinned", json_integer(r));
	if (op == VF_MDEV_READ)
		json_object_set_new(out, "sum", json_integer((json_int_t)sum));
	return (struct call){ 0, 0 };
}

/* MAPPED: which pages of a range are mapped, found by trying to map them. */
struct probe {
	struct vf_exec *ex;
	int handle;		/* the container probed */
	uint64_t base;		/* iova the probe buffer's offset 0 stands for */
	unsigned leaves;
	json_t *mapped;		/* [[first,last],...] */
	json_t *other;		/* [{first,last,errno},...] */
	uint64_t run_first, run_last;
	int run_err;		/* -1: no open run; 0: mapped run; else errno run */
	bool truncated;
};

static void probe_flush(struct probe *p)
{
	json_t *pair;

	if (p->run_err < 0)
		return;
	if (p->run_err == 0) {
		pair = json_array();
		json_array_append_new(pair, hex(p->run_first));
		json_array_append_new(pair, hex(p->run_last));
		json_array_append_new(p->mapped, pair);
	} else {
		json_t *o = json_object();
		const char *n = vf_errno_name(p->run_err);

		json_object_set_new(o, "first", hex(p->run_first));
		json_object_set_new(o, "last", hex(p->run_last));
		json_object_set_new(o, "errno", n ? json_string(n) : json_integer(p->run_err));
		json_array_append_new(p->other, o);
	}
	p->run_err = -1;
}

/* Leaves arrive in ascending order, so runs coalesce as they come. */
static void probe_leaf(struct probe *p, uint64_t iova, uint64_t len, int state)
{
	if (state > 0 || state == 0) {
		if (p->run_err == state && p->run_last + 1 == iova) {
			p->run_last = iova + len - 1;
			return;
		}
		probe_flush(p);
		p->run_first = iova;
		p->run_last = iova + len - 1;
		p->run_err = state;
	} else {
		probe_flush(p);
	}
}

static int probe_try(struct probe *p, uint64_t iova, uint64_t len)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uint64_t)(uintptr_t)p->ex->probe.addr + (iova - p->base),
		.iova = iova,
		.size = len,
	};
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u), .iova = iova, .size = len,
	};
	struct call c = do_ioctl(p->ex, p->handle, VFIO_IOMMU_MAP_DMA, &m);

	if (c.ret == 0) {
		c = do_ioctl(p->ex, p->handle, VFIO_IOMMU_UNMAP_DMA, &u);
		/* not undoing the probe would change the very state under test */
		return c.ret == 0 && u.size == len ? -1 : (c.err ? c.err : EIO);
	}
	return c.err;
}

static void probe_range(struct probe *p, uint64_t iova, uint64_t len)
{
	int r;

	if (p->leaves >= MAX_PROBE_LEAVES) {
		p->truncated = true;
		return;
	}
	r = probe_try(p, iova, len);
	if (r < 0) {			/* mapped and unmapped again: free */
		p->leaves++;
		probe_leaf(p, iova, len, -1);
		return;
	}
	if (len <= 4096) {
		p->leaves++;
		probe_leaf(p, iova, len, r == EEXIST ? 0 : r);
		return;
	}
	probe_range(p, iova, len / 2);
	probe_range(p, iova + len / 2, len - len / 2);
}

static struct call exec_mapped(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	struct probe p = { .ex = ex, .run_err = -1, .handle = chandle(ex, s) };
	uint64_t iova = s->val[VF_F_IOVA], size = s->val[VF_F_SIZE];

	if (!ex->probe.addr) {
		/* sized for the largest MAPPED of the case: populating costs under TCG */
		struct vf_buf b = { .name = "(probe)", .kind = VF_BUF_ANON };
		const struct vf_case *c = ex->ctx->c;

		for (unsigned i = 0; i < c->n_steps; i++)
			if (c->steps[i].op == VF_OP_MAPPED && c->steps[i].val[VF_F_SIZE] > b.size)
				b.size = c->steps[i].val[VF_F_SIZE];

		if (ex->ctx->ops->buf_create(ex->ctx, &b, &ex->probe))
			return (struct call){ -1, ex->probe.err ? ex->probe.err : ENOMEM };
	}
	p.base = iova;
	p.mapped = json_array();
	p.other = json_array();
	probe_range(&p, iova, size);
	probe_flush(&p);
	json_object_set_new(out, "mapped", p.mapped);
	if (json_array_size(p.other))
		json_object_set_new(out, "unprobed", p.other);
	else
		json_decref(p.other);
	if (p.truncated)
		json_object_set_new(out, "truncated", json_true());
	return (struct call){ 0, 0 };
}

/* CLOSE forgets the handle either way, so closing it again says EBADF. */
static struct call exec_close(struct vf_exec *ex, const struct vf_step *s)
{
	struct vf_ctx *ctx = ex->ctx;
	int *slot;

	if (vf_has(s, VF_F_CONTAINER))
		slot = vf_container_slot(ctx, (unsigned)s->val[VF_F_CONTAINER]);
	else if (vf_has(s, VF_F_GROUP))
		slot = &ctx->group[s->val[VF_F_GROUP]];
	else if (s->val[VF_F_DEVICE] < ex->n_device_fds)
		slot = &ex->device_fds[s->val[VF_F_DEVICE]];
	else
		return (struct call){ -1, EBADF };
	if (*slot < 0)
		return (struct call){ -1, EBADF };
	ctx->ops->close_handle(ctx, *slot);
	*slot = -1;
	return (struct call){ 0, 0 };
}

static struct call exec_open_container(struct vf_exec *ex, const struct vf_step *s)
{
	struct vf_ctx *ctx = ex->ctx;
	int *slot = vf_container_slot(ctx, (unsigned)s->val[VF_F_CONTAINER]);
	int h;

	if (!ctx->ops->open_container)
		return (struct call){ -1, ENOSYS };
	/* the case still holds that slot: a case error, not a kernel answer */
	if (*slot >= 0)
		return (struct call){ -1, EEXIST };
	h = ctx->ops->open_container(ctx);
	if (h < 0)
		return (struct call){ -1, -h };
	*slot = h;
	return (struct call){ 0, 0 };
}

/*
 * A group node is exclusive: opening it while the case holds it must fail.
 * Should it succeed anyway, the extra handle is recorded as valid and closed.
 */
static struct call exec_open_group(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	struct vf_ctx *ctx = ex->ctx;
	unsigned g = (unsigned)s->val[VF_F_GROUP];
	int h;

	if (!ctx->ops->open_group)
		return (struct call){ -1, ENOSYS };
	h = ctx->ops->open_group(ctx, g);
	if (h < 0)
		return (struct call){ -1, -h };
	json_object_set_new(out, "fd", json_string("valid"));
	if (ctx->group[g] >= 0)
		ctx->ops->close_handle(ctx, h);
	else
		ctx->group[g] = h;
	return (struct call){ 0, 0 };
}

static struct call exec_set_creds(struct vf_exec *ex, const struct vf_step *s)
{
	struct vf_ctx *ctx = ex->ctx;
	struct vf_creds cr = {
		.has_cred = vf_has(s, VF_F_CRED),
		.cred = (enum vf_cred)(s->val[VF_F_CRED] >> 32),
		.uid = (uint32_t)s->val[VF_F_CRED],
		.has_memlock = vf_has(s, VF_F_MEMLOCK),
		.memlock = s->val[VF_F_MEMLOCK],
	};
	int err;

	if (!ctx->ops->apply_creds)
		return (struct call){ -1, ENOSYS };
	err = ctx->ops->apply_creds(ctx, &cr);
	return (struct call){ err ? -1 : 0, -err };
}

static struct call exec_bind(struct vf_exec *ex, const struct vf_step *s, bool bind)
{
	struct vf_ctx *ctx = ex->ctx;
	int err;

	if (!ctx->ops->device_bind)
		return (struct call){ -1, ENOSYS };
	err = ctx->ops->device_bind(ctx, (unsigned)s->val[VF_F_GROUP],
				    vf_has(s, VF_F_DEVICE) ? (unsigned)s->val[VF_F_DEVICE] : 0, bind);
	return (struct call){ err ? -1 : 0, -err };
}

static bool xfer(int fd, void *buf, size_t len, bool out)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = out ? write(fd, p, len) : read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= n;
	}
	return true;
}

/*
 * A FORKed process: runs the steps p0 sends it (by index) and sends back
 * each observation, until p0 closes the pipe (EXIT, or the end of the case).
 */
static void __attribute__((noreturn)) worker_loop(struct vf_exec *ex, int cmd, int res)
{
	uint32_t idx;

	while (xfer(cmd, &idx, sizeof(idx), false) && idx < ex->ctx->c->n_steps) {
		json_t *obs = vf_exec_step(ex, &ex->ctx->c->steps[idx], idx);
		char *txt = json_dumps(obs, JSON_COMPACT);
		uint32_t len = txt ? strlen(txt) : 0;

		json_decref(obs);
		if (!xfer(res, &len, sizeof(len), true) || !xfer(res, txt, len, true))
			_exit(1);
		free(txt);
	}
	/* the fds and the mm go with the process; the case's process sees the rest */
	_exit(0);
}

/* procs[n].pid of a process the backend runs in-process (proc_fork) */
#define LOCAL_PROC	(-1)

/* The running process's handles into sl, and back. */
static void get_slots(const struct vf_exec *ex, struct vf_slots *sl)
{
	const struct vf_ctx *ctx = ex->ctx;

	sl->container = ctx->container;
	memcpy(sl->group, ctx->group, sizeof(sl->group));
	memcpy(sl->containers, ctx->containers, sizeof(sl->containers));
	memcpy(sl->device_fds, ex->device_fds, sizeof(sl->device_fds));
	sl->n_device_fds = ex->n_device_fds;
}

static void put_slots(struct vf_exec *ex, const struct vf_slots *sl)
{
	struct vf_ctx *ctx = ex->ctx;

	ctx->container = sl->container;
	memcpy(ctx->group, sl->group, sizeof(sl->group));
	memcpy(ctx->containers, sl->containers, sizeof(sl->containers));
	memcpy(ex->device_fds, sl->device_fds, sizeof(sl->device_fds));
	ex->n_device_fds = sl->n_device_fds;
}

/* Exchange the running process's handles with those kept in sl. */
static void swap_slots(struct vf_exec *ex, struct vf_slots *sl)
{
	struct vf_slots cur;

	get_slots(ex, &cur);
	put_slots(ex, sl);
	*sl = cur;
}

static struct call exec_fork(struct vf_exec *ex, const struct vf_step *s)
{
	struct vf_ctx *ctx = ex->ctx;
	unsigned n = (unsigned)s->val[VF_F_PROC];
	int cmd[2], res[2], pid;

	if (ex->procs[n].pid)
		return (struct call){ -1, EEXIST };
	if (ctx->ops->caps & VF_BACKEND_PROCESSES) {
		int err = ctx->ops->proc_fork(ctx, n);

		if (err)
			return (struct call){ -1, -err };
		ex->procs[n].pid = LOCAL_PROC;
		ex->procs[n].cmd = ex->procs[n].res = -1;
		/* the child's fd table is a copy of the parent's */
		get_slots(ex, &ex->procs[n].slots);
		return (struct call){ 0, 0 };
	}
	if (!ctx->ops->fork_proc)
		return (struct call){ -1, ENOSYS };
	/* a step sent to a process that died must fail with EPIPE, not kill p0 */
	signal(SIGPIPE, SIG_IGN);
	if (pipe2(cmd, O_CLOEXEC))
		return (struct call){ -1, errno };
	if (pipe2(res, O_CLOEXEC)) {
		close(cmd[0]);
		close(cmd[1]);
		return (struct call){ -1, errno };
	}
	fflush(NULL);
	pid = ctx->ops->fork_proc(ctx);
	if (pid == 0) {
		close(cmd[1]);
		close(res[0]);
		/* the other processes' pipes belong to p0 alone */
		for (unsigned i = 0; i < VF_MAX_PROCS; i++) {
			if (ex->procs[i].pid) {
				close(ex->procs[i].cmd);
				close(ex->procs[i].res);
			}
			ex->procs[i].pid = 0;
		}
		/* dies with p0 (the runner's timeout kills p0) */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		ex->self = n;
		worker_loop(ex, cmd[0], res[1]);
	}
	close(cmd[0]);
	close(res[1]);
	if (pid < 0) {
		close(cmd[1]);
		close(res[0]);
		return (struct call){ -1, -pid };
	}
	ex->procs[n].pid = pid;
	ex->procs[n].cmd = cmd[1];
	ex->procs[n].res = res[0];
	return (struct call){ 0, 0 };
}

/* How a process ended: "exit-N" or "signal-NAME" (one word, for expect). */
static json_t *wait_proc(struct vf_exec *ex, unsigned n)
{
	char s[48];
	int st;

	if (ex->procs[n].pid == LOCAL_PROC) {
		ex->procs[n].pid = 0;
		/* an in-process process ends as a worker does: exit 0 */
		return json_string(ex->ctx->ops->proc_exit(ex->ctx, n) ? "exit-1" : "exit-0");
	}
	close(ex->procs[n].cmd);
	close(ex->procs[n].res);
	while (waitpid(ex->procs[n].pid, &st, 0) < 0 && errno == EINTR)
		;
	ex->procs[n].pid = 0;
	if (WIFSIGNALED(st))
		snprintf(s, sizeof(s), "signal-%s",
			 sigabbrev_np(WTERMSIG(st)) ? sigabbrev_np(WTERMSIG(st)) : "?");
	else
		snprintf(s, sizeof(s), "exit-%d", WEXITSTATUS(st));
	return json_string(s);
}

static struct call exec_exit(struct vf_exec *ex, const struct vf_step *s, json_t *out)
{
	unsigned n = (unsigned)s->val[VF_F_PROC];

	if (!ex->procs[n].pid)
		return (struct call){ -1, ESRCH };
	json_object_set_new(out, "status", wait_proc(ex, n));
	return (struct call){ 0, 0 };
}

/* A step of pN, run from p0: pN's own observation, or NULL if pN is gone. */
static json_t *remote_step(struct vf_exec *ex, unsigned index, unsigned n)
{
	uint32_t idx = index, len;
	json_t *obs = NULL;
	char *txt;

	if (!ex->procs[n].pid || !xfer(ex->procs[n].cmd, &idx, sizeof(idx), true) ||
	    !xfer(ex->procs[n].res, &len, sizeof(len), false))
		return NULL;
	txt = malloc((size_t)len + 1);
	if (txt && xfer(ex->procs[n].res, txt, len, false)) {
		txt[len] = 0;
		obs = json_loads(txt, 0, NULL);
	}
	free(txt);
	return obs;
}

json_t *vf_exec_step(struct vf_exec *ex, const struct vf_step *s, unsigned index)
{
	struct vf_ctx *ctx = ex->ctx;
	json_t *obs, *out, *acct;
	struct call c = { 0, 0 };
	bool run = true;
	const char *en;
	char pname[16];

	if (s->proc != ex->self && ex->procs[s->proc].pid == LOCAL_PROC &&
	    !ctx->ops->proc_use(ctx, s->proc)) {
		unsigned self = ex->self;

		ex->self = s->proc;
		swap_slots(ex, &ex->procs[s->proc].slots);
		obs = vf_exec_step(ex, s, index);
		swap_slots(ex, &ex->procs[s->proc].slots);
		ex->self = self;
		ctx->ops->proc_use(ctx, self);
		return obs;
	}
	if (s->proc != ex->self) {
		obs = remote_step(ex, index, s->proc);
		if (obs)
			return obs;
		/* pN died or never ran: say so in p0's observation */
		run = false;
		c = (struct call){ -1, ex->procs[s->proc].pid ? ECHILD : ESRCH };
	}
	obs = json_object();
	out = json_object();
	acct = json_object();

	json_object_set_new(obs, "step", json_integer(index + 1));
	json_object_set_new(obs, "line", json_integer(s->line));
	json_object_set_new(obs, "op", json_string(vf_op_name(s->op)));
	if (s->setup)
		json_object_set_new(obs, "setup", json_true());
	json_object_set_new(obs, "args", vf_step_args(ctx->c, s));
	if (s->proc) {
		snprintf(pname, sizeof(pname), "p%u", s->proc);
		json_object_set_new(obs, "proc", json_string(pname));
	}
	ex->fault_out = vf_fault.nth && s->line == vf_fault.line && !s->setup ? out : NULL;

	switch (run ? s->op : VF_OP_COUNT) {
	case VF_OP_GET_API_VERSION:
		c = do_ioctl(ex, chandle(ex, s), VFIO_GET_API_VERSION, NULL);
		break;
	case VF_OP_CHECK_EXTENSION:
		c = do_ioctl(ex, chandle(ex, s), VFIO_CHECK_EXTENSION,
			     (void *)(uintptr_t)s->val[VF_F_EXT]);
		break;
	case VF_OP_SET_IOMMU:
		c = do_ioctl(ex, chandle(ex, s), VFIO_SET_IOMMU,
			     (void *)(uintptr_t)s->val[VF_F_TYPE]);
		break;
	case VF_OP_IOMMU_GET_INFO:
		c = exec_get_info(ex, s, out);
		break;
	case VF_OP_IOMMU_MAP_DMA:
	case VF_OP_IOMMU_UNMAP_DMA:
		c = vf_has(s, VF_F_REPEAT) ? exec_repeat(ex, s, out) :
		    s->op == VF_OP_IOMMU_MAP_DMA ? exec_map(ex, s, out) : exec_unmap(ex, s, out);
		break;
	case VF_OP_IOMMU_DIRTY_PAGES:
		c = exec_dirty(ex, s, out);
		break;
	case VF_OP_GROUP_GET_STATUS:
		c = exec_group_status(ex, s, out);
		break;
	case VF_OP_GROUP_SET_CONTAINER: {
		int32_t fd = vf_has(s, VF_F_FD) ? (int32_t)s->val[VF_F_FD] : chandle(ex, s);

		c = do_ioctl(ex, ctx->group[s->val[VF_F_GROUP]], VFIO_GROUP_SET_CONTAINER, &fd);
		break;
	}
	case VF_OP_GROUP_UNSET_CONTAINER:
		c = do_ioctl(ex, ctx->group[s->val[VF_F_GROUP]], VFIO_GROUP_UNSET_CONTAINER, NULL);
		break;
	case VF_OP_GROUP_GET_DEVICE_FD:
		c = exec_device_fd(ex, s, out);
		break;
	case VF_OP_IOMMU_VFIO_IOAS:
		c = exec_vfio_ioas(ex, s, out);
		break;
	case VF_OP_MAPPED:
		c = exec_mapped(ex, s, out);
		break;
	case VF_OP_CLOSE:
		c = exec_close(ex, s);
		break;
	case VF_OP_OPEN_CONTAINER:
		c = exec_open_container(ex, s);
		break;
	case VF_OP_OPEN_GROUP:
		c = exec_open_group(ex, s, out);
		break;
	case VF_OP_FORK:
		c = exec_fork(ex, s);
		break;
	case VF_OP_EXIT:
		c = exec_exit(ex, s, out);
		break;
	case VF_OP_SET_CREDS:
		c = exec_set_creds(ex, s);
		break;
	case VF_OP_UNBIND:
	case VF_OP_BIND:
		c = exec_bind(ex, s, s->op == VF_OP_BIND);
		break;
	case VF_OP_IOMMU_IOAS_ALLOC:
	case VF_OP_IOMMU_IOAS_MAP:
	case VF_OP_IOMMU_IOAS_UNMAP:
	case VF_OP_IOMMU_DESTROY:
		c = exec_native(ex, s, out);
		break;
	case VF_OP_MDEV_DMA:
		c = exec_mdev_dma(ex, s, out);
		break;
	case VF_OP_COUNT:
		break;
	}
	json_object_set_new(obs, "ret", json_integer(c.ret));
	en = c.err ? vf_errno_name(c.err) : NULL;
	json_object_set_new(obs, "errno", c.err ? (en ? json_string(en) : json_integer(c.err)) :
				       json_null());
	json_object_set_new(obs, "out", out);
	ex->fault_out = NULL;
	ctx->ops->acct(ctx, acct);
	json_object_set_new(obs, "acct", acct);
	return obs;
}

/* Compare one observed JSON value with an expected text value. */
static bool value_matches(const json_t *v, const char *want)
{
	uint64_t w, have;
	bool neg = want[0] == '-';

	if (json_is_string(v)) {
		const char *s = json_string_value(v);

		if (!strncmp(s, "0x", 2) && !vf_parse_number(neg ? want + 1 : want, &w) &&
		    !vf_parse_number(s, &have))
			return have == (neg ? -w : w);
		return !strcmp(s, want);
	}
	if (json_is_integer(v)) {
		if (vf_parse_number(neg ? want + 1 : want, &w))
			return false;
		return (uint64_t)json_integer_value(v) == (neg ? -w : w);
	}
	if (json_is_null(v))
		return !strcmp(want, "0") || !strcmp(want, "null");
	return false;
}

json_t *vf_check_expects(const struct vf_step *s, const json_t *obs, const char *backend,
			 const char *personality)
{
	json_t *fails = json_array();

	for (unsigned i = 0; i < s->n_expects; i++) {
		const struct vf_expect *e = &s->expects[i];
		const json_t *v;
		char msg[256], got[96];

		if (e->scope[0] && strcmp(e->scope, backend) && strcmp(e->scope, personality))
			continue;
		if (!strcmp(e->key, "ret") || !strcmp(e->key, "errno"))
			v = json_object_get(obs, e->key);
		else if (!strcmp(e->key, "VmLck") || !strcmp(e->key, "VmPin") ||
			 !strcmp(e->key, "user_locked"))
			v = json_object_get(json_object_get(obs, "acct"), e->key);
		else
			v = json_object_get(json_object_get(obs, "out"), e->key);
		if (v && value_matches(v, e->value))
			continue;
		if (!v)
			snprintf(got, sizeof(got), "nothing");
		else if (json_is_string(v))
			snprintf(got, sizeof(got), "%s", json_string_value(v));
		else if (json_is_integer(v))
			snprintf(got, sizeof(got), "%lld", (long long)json_integer_value(v));
		else
			snprintf(got, sizeof(got), "0");
		snprintf(msg, sizeof(msg), "line %u: expected %s=%s, got %s", e->line, e->key,
			 e->value, got);
		json_array_append_new(fails, json_string(msg));
	}
	return fails;
}

void vf_exec_release(struct vf_exec *ex)
{
	/* processes first: their pins go before p0's fds, as when VMs exit first */
	for (unsigned i = 1; i < VF_MAX_PROCS; i++)
		if (ex->procs[i].pid)
			json_decref(wait_proc(ex, i));
	for (unsigned i = 0; i < ex->n_device_fds; i++)
		if (ex->device_fds[i] >= 0)
			ex->ctx->ops->close_handle(ex->ctx, ex->device_fds[i]);
	ex->n_device_fds = 0;
}

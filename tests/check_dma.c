// SPDX-License-Identifier: GPL-2.0-only
/*
 * DEVICE_DMA's pieces that need no device: the IOMMU fault lines of the
 * kernel log as each IOMMU driver prints them, the step's parse-time limits (a
 * transfer that would stop QEMU's edu must never reach it) and the filled
 * buffers' pattern.
 */
#define _GNU_SOURCE
#include <sys/stat.h>
#include <unistd.h>
#include "unit.h"
#include "backends/fault_formats.h"

#define HDR "name t.x\nabout a test\ntags dma\ntopo vtd\niommu TYPE1v2\n\n"

static bool parse(const char *driver, const char *msg, struct vf_dma_fault *f)
{
	const struct vf_fault_format *fmt = vf_fault_format_of(driver);

	ck_assert_ptr_nonnull(fmt);
	return fmt->parse(msg, f);
}

START_TEST(fault_line_parsed)
{
	struct vf_dma_fault f;

	ck_assert(parse("intel-iommu", "DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault "
			"addr 0x20000000 [fault reason 0x06] PTE Read access is not set", &f));
	ck_assert_str_eq(f.type, "DMA Read");
	ck_assert_str_eq(f.requester, "00:02.0");
	ck_assert_uint_eq(f.addr, 0x20000000);
	ck_assert_str_eq(f.reason, "0x06");
	ck_assert_str_eq(f.text, "PTE Read access is not set");
	ck_assert(parse("intel-iommu", "DMAR: [DMA Write NO_PASID] Request device [00:03.0] fault "
			"addr 0x8000000000 [fault reason 0x04] Access beyond MGAW", &f));
	ck_assert_str_eq(f.type, "DMA Write");
	ck_assert_str_eq(f.requester, "00:03.0");
	ck_assert_uint_eq(f.addr, 0x8000000000ull);
	ck_assert_str_eq(f.reason, "0x04");
}
END_TEST

/* viommu_fault_handler()'s format; EP 0x10 is 00:02.0's requester ID, 0x118 01:03.0's */
START_TEST(virtio_fault_line_parsed)
{
	struct vf_dma_fault f;

	ck_assert(parse("virtio-iommu", "virtio_iommu virtio0: page fault from EP 16 at 0x20000000 "
			"[R]", &f));
	ck_assert_str_eq(f.type, "DMA Read");
	ck_assert_str_eq(f.requester, "00:02.0");
	ck_assert_uint_eq(f.addr, 0x20000000);
	ck_assert_str_eq(f.reason, "page");
	ck_assert_str_eq(f.text, "[R]");
	ck_assert(parse("virtio-iommu", "virtio_iommu virtio0: domain fault from EP 280 at 0 [W]",
			&f));
	ck_assert_str_eq(f.type, "DMA Write");
	ck_assert_str_eq(f.requester, "01:03.0");
	ck_assert_uint_eq(f.addr, 0);
	ck_assert_str_eq(f.reason, "domain");
}
END_TEST

/* amd_iommu_report_page_fault()'s two formats: with the device known, and without */
START_TEST(amd_fault_line_parsed)
{
	struct vf_dma_fault f;

	ck_assert(parse("amd-iommu", "vfio-pci 0000:00:04.0: AMD-Vi: Event logged [IO_PAGE_FAULT "
			"domain=0x0003 address=0x10001000 flags=0x0020]", &f));
	ck_assert_str_eq(f.type, "DMA Write");
	ck_assert_str_eq(f.requester, "00:04.0");
	ck_assert_uint_eq(f.addr, 0x10001000);
	ck_assert_str_eq(f.reason, "IO_PAGE_FAULT");
	ck_assert_str_eq(f.text, "flags=0x0020");
	ck_assert(parse("amd-iommu", "AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:01:02.0 "
			"domain=0x0000 address=0x2000 flags=0x0000]", &f));
	ck_assert_str_eq(f.type, "DMA Read");
	ck_assert_str_eq(f.requester, "01:02.0");
	ck_assert_uint_eq(f.addr, 0x2000);
}
END_TEST

START_TEST(other_lines_are_not_faults)
{
	static const struct { const char *driver, *line; } lines[] = {
		{ "intel-iommu", "DMAR: DRHD: handling fault status reg 2" },
		{ "intel-iommu", "DMAR: IOMMU enabled" },
		{ "intel-iommu", "dmar_fault: 8 callbacks suppressed" },
		{ "intel-iommu", "DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr" },
		{ "intel-iommu", "AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:00:02.0 "
				 "address=0x1000]" },
		{ "intel-iommu", "virtio_iommu virtio0: page fault from EP 16 at 0x1000 [R]" },
		{ "intel-iommu", "" },
		{ "amd-iommu", "AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:00:02.0]" },
		{ "amd-iommu", "AMD-Vi: Interrupt remapping enabled" },
		{ "virtio-iommu", "virtio_iommu virtio0: input address: 64 bits" },
		{ "virtio-iommu", "virtio_iommu virtio0: unknown fault from EP 16" },
		{ "virtio-iommu", "DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr "
				  "0x1000 [fault reason 0x06] PTE Read access is not set" },
	};
	struct vf_dma_fault f;

	for (unsigned i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		ck_assert_msg(!parse(lines[i].driver, lines[i].line, &f), "%s: '%s' parsed as a fault",
			      lines[i].driver, lines[i].line);
}
END_TEST

/* The running system's driver is found by its /sys/class/iommu names. */
START_TEST(driver_detected_from_sysfs)
{
	char dir[] = "/tmp/vfconform-iommu-XXXXXX", path[64];
	static const struct { const char *entry, *driver; } known[] = {
		{ "dmar0", "intel-iommu" }, { "ivhd0", "amd-iommu" },
		{ "virtio0", "virtio-iommu" }, { NULL, NULL },
	};

	for (unsigned i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		ck_assert_ptr_nonnull(mkdtemp(dir));
		if (known[i].entry) {
			snprintf(path, sizeof(path), "%s/%s", dir, known[i].entry);
			ck_assert_int_eq(mkdir(path, 0700), 0);
			ck_assert_str_eq(vf_fault_format_detect(dir)->driver, known[i].driver);
			rmdir(path);
		} else {
			ck_assert_ptr_null(vf_fault_format_detect(dir));
		}
		rmdir(dir);
		memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
	}
	ck_assert_ptr_null(vf_fault_format_detect("/nonexistent/iommu"));
	ck_assert_ptr_null(vf_fault_format_of("no-such-iommu"));
}
END_TEST

struct bad_case {
	const char *text;
	const char *msg;
};

static const struct bad_case bad[] = {
	{ "DEVICE_DMA op=READ iova=0x1000 size=0\n",
	  "t.case:7: DEVICE_DMA size= must be 1..4096 (the engine's buffer)" },
	{ "DEVICE_DMA op=WRITE iova=0x1000 size=4097\n",
	  "t.case:7: DEVICE_DMA size= must be 1..4096 (the engine's buffer)" },
	{ "DEVICE_DMA iova=0x1000 size=16\n", "t.case:7: DEVICE_DMA needs op=, iova= and size=" },
	{ "DEVICE_DMA op=READ iova=0xfffffffffffffff8 size=16\n",
	  "t.case:7: DEVICE_DMA iova=+size= wraps" },
	{ "buf a 4K ro filled\n", "t.case:7: only anon and huge buffers can be filled" },
	{ "buf a 4K anon filled extra\n", "t.case:7: buf takes NAME SIZE [KIND] [filled]" },
};

START_TEST(bad_steps_refused)
{
	const struct bad_case *t = &bad[_i];
	char text[512], err[256] = "";
	struct vf_case *c;

	snprintf(text, sizeof(text), HDR "%s", t->text);
	c = vf_case_parse_string("t.case", text, err, sizeof(err));
	ck_assert_msg(c == NULL, "accepted: %s", t->text);
	ck_assert_str_eq(err, t->msg);
}
END_TEST

START_TEST(good_steps_parse)
{
	char err[256] = "";
	struct vf_case *c = vf_case_parse_string("t.case", HDR
		"buf a 8K filled\nbuf h 2M huge filled\nGROUP_GET_DEVICE_FD\n"
		"DEVICE_DMA op=READ iova=0x10000000 size=4K\n"
		"DEVICE_DMA op=WRITE iova=0x10000001 size=1 device=0\n"
		"expect fault=none wrote=a+0x1..0x1 completed=yes\n", err, sizeof(err));

	ck_assert_msg(c != NULL, "%s", err);
	ck_assert(c->bufs[0].filled && c->bufs[1].filled);
	ck_assert_int_eq(c->steps[c->n_steps - 1].op, VF_OP_DEVICE_DMA);
	ck_assert_uint_eq(c->steps[c->n_steps - 1].val[VF_F_OP], VF_DMA_WRITE);
	vf_case_free(c);
}
END_TEST

/* The pattern a READ's sum depends on: never 0, below 0x80, another value on the next page. */
START_TEST(fill_pattern)
{
	for (unsigned b = 0; b < 4; b++)
		for (uint64_t off = 0; off < 3 * 4096; off++) {
			uint8_t v = vf_buf_fill_byte(b, off);

			ck_assert_uint_ne(v, 0);
			ck_assert_uint_lt(v, 0x80);
		}
	ck_assert_uint_ne(vf_buf_fill_byte(0, 0), vf_buf_fill_byte(0, 4096));
	ck_assert_uint_ne(vf_buf_fill_byte(0, 0), vf_buf_fill_byte(1, 0));
}
END_TEST

static Suite *dma_suite(void)
{
	Suite *s = suite_create("dma");
	TCase *tc = tcase_create("dma");

	tcase_add_test(tc, fault_line_parsed);
	tcase_add_test(tc, virtio_fault_line_parsed);
	tcase_add_test(tc, amd_fault_line_parsed);
	tcase_add_test(tc, driver_detected_from_sysfs);
	tcase_add_test(tc, other_lines_are_not_faults);
	tcase_add_loop_test(tc, bad_steps_refused, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, good_steps_parse);
	tcase_add_test(tc, fill_pattern);
	suite_add_tcase(s, tc);
	return s;
}

VF_CHECK_MAIN(dma_suite)

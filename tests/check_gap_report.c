// SPDX-License-Identifier: GPL-2.0-only
/*
 * The report renderers, from a two-case pair with one known and one new gap:
 * the results document counts them, Markdown and HTML show both with their
 * clients and cites, JUnit fails only the new one, KTAP marks the known one
 * XFAIL, and a --run column gets its fidelity against the same personality.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include "results/baseline.h"
#include "report/report.h"

static json_t *step(const char *op, int ret, const char *err)
{
	return json_pack("{s:s, s:i, s:{}, s:i, s:s?, s:{}, s:{s:i}}", "op", op, "line", 9, "args",
			 "ret", ret, "errno", err, "out", "acct", "VmLck", 0);
}

/* r.one: step 1 MAP, step 2 UNMAP; r.two: one GET_API_VERSION. errs: B's errnos. */
static json_t *run(const char *backend, const char *personality, const char *e1,
		   const char *e2)
{
	return json_pack("{s:s, s:s, s:s, s:[{s:s, s:[s], s:s, s:[s], s:[{s:s, s:s}], s:[o, o]},"
			 " {s:s, s:[s], s:s, s:[], s:[o]}]}", "format", "vfconform-run/1",
			 "backend", backend, "personality", personality, "cases",
			 "name", "r.one", "tags", "map", "status", "pass", "clients", "dpdk",
			 "cites", "client", "dpdk", "source", "DPDK/dpdk@ae67895b:lib/x.c",
			 "steps", step("IOMMU_MAP_DMA", e1 ? -1 : 0, e1),
			 step("IOMMU_UNMAP_DMA", e2 ? -1 : 0, e2),
			 "name", "r.two", "tags", "api", "status", "pass", "clients", "steps",
			 step("GET_API_VERSION", 0, NULL));
}

static char *render(int (*fn)(FILE *, const json_t *), const json_t *r)
{
	char *text;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	ck_assert_int_eq(fn(f, r), 0);
	fclose(f);
	return text;
}

struct fixture {
	struct vf_report_input in;
	struct vf_baseline bl;
	json_t *r;
};

static void build(struct fixture *fx, bool with_sim)
{
	memset(fx, 0, sizeof(*fx));
	ck_assert_int_eq(vf_baseline_parse(&fx->bl, "kg", "r.one:IOMMU_MAP_DMA#1:result because\n",
					   stderr), 0);
	fx->in.a = (struct vf_report_run){ "kernel-type1", "a.json",
					   run("kernel-type1", "type1", NULL, NULL) };
	fx->in.b = (struct vf_report_run){ "kernel-compat", "b.json",
					   run("kernel-compat", "compat", "EFAULT", "EINVAL") };
	if (with_sim) {
		/* a simulator that gets the second compat errno wrong */
		fx->in.extra[0] = (struct vf_report_run){ "sim-compat", "s.json",
			run("sim-compat", "compat", "EFAULT", "ENOENT") };
		fx->in.n_extra = 1;
	}
	fx->in.baseline = &fx->bl;
	fx->r = vf_report_build(&fx->in);
	ck_assert_ptr_nonnull(fx->r);
}

static void destroy(struct fixture *fx)
{
	json_decref(fx->r);
	json_decref(fx->in.a.doc);
	json_decref(fx->in.b.doc);
	for (unsigned i = 0; i < fx->in.n_extra; i++)
		json_decref(fx->in.extra[i].doc);
	vf_baseline_free(&fx->bl);
}

START_TEST(results_counts)
{
	struct fixture fx;
	const json_t *s;

	build(&fx, false);
	s = json_object_get(fx.r, "summary");
	ck_assert_int_eq(json_integer_value(json_object_get(s, "gaps")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(s, "known")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(s, "new")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(s, "cases_differ")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(s, "by_kind"),
							    "result")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
		json_object_get(fx.r, "gaps"), 1), "baseline")), "new");
	destroy(&fx);
}
END_TEST

START_TEST(markdown_and_html)
{
	struct fixture fx;
	char *md, *html;

	build(&fx, false);
	md = render(vf_report_write_md, fx.r);
	ck_assert_ptr_nonnull(strstr(md, "| map | 0 | 0 | 2 |"));
	ck_assert_ptr_nonnull(strstr(md, "### r.one:IOMMU_UNMAP_DMA#1:result"));
	ck_assert_ptr_nonnull(strstr(md, "baseline: **new**"));
	ck_assert_ptr_nonnull(strstr(md, "baseline: known: because"));
	ck_assert_ptr_nonnull(strstr(md, "**dpdk** — `DPDK/dpdk@ae67895b:lib/x.c`"));
	ck_assert_ptr_nonnull(strstr(md, "| **errno** | `null` | `\"EINVAL\"` |"));
	html = render(vf_report_write_html, fx.r);
	ck_assert_ptr_nonnull(strstr(html, "<span id=\"gap-count\">2</span>"));
	ck_assert_ptr_nonnull(strstr(html, "<code>r.two</code>"));
	/* self-contained: nothing to fetch */
	ck_assert_ptr_null(strstr(html, "src=\"http"));
	ck_assert_ptr_null(strstr(html, "href=\"http"));
	ck_assert_ptr_nonnull(strstr(html, "default-src 'none'"));
	free(md);
	free(html);
	destroy(&fx);
}
END_TEST

/* --clients: the make-clients summary appears, verbatim, in every rendering */
START_TEST(real_clients_section)
{
	static const char text[] = "## Real clients: T\n| a<b | ok |\n";
	struct fixture fx;
	char path[] = "/tmp/vfc-clients-XXXXXX";
	int fd = mkstemp(path);
	char *md, *html;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	memset(&fx, 0, sizeof(fx));
	fx.in.a = (struct vf_report_run){ "kernel-type1", "a.json",
					  run("kernel-type1", "type1", NULL, NULL) };
	fx.in.b = (struct vf_report_run){ "kernel-compat", "b.json",
					  run("kernel-compat", "compat", "EFAULT", "EINVAL") };
	fx.in.clients_md = path;
	fx.r = vf_report_build(&fx.in);
	ck_assert_ptr_nonnull(fx.r);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(fx.r, "real_clients"),
							   "source")), path);
	md = render(vf_report_write_md, fx.r);
	ck_assert_ptr_nonnull(strstr(md, "## Real clients: T\n| a<b | ok |"));
	/* before the per-gap sections, so a reader meets it with the summary */
	ck_assert(strstr(md, "## Real clients") < strstr(md, "## Gaps\n"));
	html = render(vf_report_write_html, fx.r);
	ck_assert_ptr_nonnull(strstr(html, "id=\"real-clients\""));
	ck_assert_ptr_nonnull(strstr(html, "| a&lt;b | ok |"));
	free(md);
	free(html);
	json_decref(fx.r);
	json_decref(fx.in.a.doc);
	json_decref(fx.in.b.doc);
	/* a missing summary is an error, not an empty section */
	fx.in.a.doc = run("kernel-type1", "type1", NULL, NULL);
	fx.in.b.doc = run("kernel-compat", "compat", "EFAULT", "EINVAL");
	fx.in.clients_md = "/nonexistent/summary.md";
	ck_assert_ptr_null(vf_report_build(&fx.in));
	json_decref(fx.in.a.doc);
	json_decref(fx.in.b.doc);
	unlink(path);
}
END_TEST

START_TEST(html_failed_expectation_not_hidden)
{
	struct fixture fx;
	char *html;

	/* status is not a gap, but a failed expectation shows as one next to the gaps */
	build(&fx, false);
	html = render(vf_report_write_html, fx.r);
	ck_assert_ptr_nonnull(strstr(html, "<td class=\"gaps\">pass, <a href=\"#gap-"));
	free(html);
	json_object_set_new(json_array_get(json_object_get(fx.r, "cases"), 0), "status",
			    json_pack("{s:s, s:s}", "kernel-type1", "pass", "kernel-compat",
				      "fail"));
	html = render(vf_report_write_html, fx.r);
	ck_assert_ptr_nonnull(strstr(html, "<td class=\"fail\">fail, <a href=\"#gap-"));
	ck_assert_ptr_null(strstr(html, "<td class=\"gaps\">"));
	free(html);
	destroy(&fx);
}
END_TEST

START_TEST(junit_and_ktap)
{
	struct fixture fx;
	char *x, *k;

	build(&fx, false);
	x = render(vf_report_write_junit, fx.r);
	/* three steps, one failure: the new gap; the known one passes with its reason */
	ck_assert_ptr_nonnull(strstr(x, "tests=\"3\" failures=\"1\""));
	ck_assert_ptr_nonnull(strstr(x, "message=\"new gap: r.one:IOMMU_UNMAP_DMA#1:result\""));
	ck_assert_ptr_nonnull(strstr(x, "known gap r.one:IOMMU_MAP_DMA#1:result: because"));
	k = render(vf_report_write_ktap, fx.r);
	ck_assert_ptr_nonnull(strstr(k, "KTAP version 1\n"));
	ck_assert_ptr_nonnull(strstr(k, "1..2\n"));
	ck_assert_ptr_nonnull(strstr(k, "    ok 1 step 1 IOMMU_MAP_DMA # XFAIL known gap "
				     "r.one:IOMMU_MAP_DMA#1:result\n"));
	ck_assert_ptr_nonnull(strstr(k, "    not ok 2 step 2 IOMMU_UNMAP_DMA # new gap"));
	ck_assert_ptr_nonnull(strstr(k, "not ok 1 r.one\n"));
	ck_assert_ptr_nonnull(strstr(k, "ok 2 r.two\n"));
	free(x);
	free(k);
	destroy(&fx);
}
END_TEST

START_TEST(fidelity_of_a_run)
{
	struct fixture fx;
	const json_t *fid;
	char *x;

	build(&fx, true);
	fid = json_array_get(json_object_get(fx.r, "fidelity"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(fid, "reference")), "kernel-compat");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(fid, "summary"),
							    "gaps")), 1);
	x = render(vf_report_write_junit, fx.r);
	ck_assert_ptr_nonnull(strstr(x, "<testsuite name=\"kernel-compat-vs-sim-compat\" "
				     "tests=\"3\" failures=\"1\""));
	free(x);
	x = render(vf_report_write_ktap, fx.r);
	ck_assert_ptr_nonnull(strstr(x, "1..3\n"));
	ck_assert_ptr_nonnull(strstr(x, "    not ok 1 r.one # fidelity gap "
				     "r.one:IOMMU_UNMAP_DMA#1:errno\n"));
	ck_assert_ptr_nonnull(strstr(x, "    ok 2 r.two\n"));
	ck_assert_ptr_nonnull(strstr(x, "not ok 3 fidelity sim-compat\n"));
	free(x);
	destroy(&fx);
}
END_TEST

static Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");

	tcase_add_test(tc, results_counts);
	tcase_add_test(tc, markdown_and_html);
	tcase_add_test(tc, html_failed_expectation_not_hidden);
	tcase_add_test(tc, real_clients_section);
	tcase_add_test(tc, junit_and_ktap);
	tcase_add_test(tc, fidelity_of_a_run);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(report_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

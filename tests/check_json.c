// SPDX-License-Identifier: GPL-2.0-only
/*
 * Run documents: the on-disk layout (one step per line, sorted keys, so a
 * fixture change is a one-line diff), loading with its format check, and
 * merging the runs of several boots into one document.
 */
#define _GNU_SOURCE
#include "unit.h"
#include <stdbool.h>
#include <jansson.h>
#include <sys/stat.h>
#include "results/run_json.h"
#include "results/version.h"

static json_t *make_step(int n, const char *op, const char *err)
{
	/* keys deliberately out of order: the writer must sort them */
	return json_pack("{s:s, s:s?, s:{s:s, s:s}, s:i, s:i, s:i, s:{}, s:{s:i}}",
			 "op", op, "errno", err, "args", "size", "0x1000", "iova", "0x1000",
			 "step", n, "line", 10 + n, "ret", err ? -1 : 0, "out", "acct", "VmLck",
			 4 * n);
}

static json_t *make_case(const char *name, const char *status, int n_steps)
{
	json_t *steps = json_array();

	for (int i = 1; i <= n_steps; i++) {
		bool map = i == 2;

		json_array_append_new(steps, make_step(i, map ? "IOMMU_MAP_DMA" : "GET_API_VERSION",
						       map ? "EINVAL" : NULL));
	}
	return json_pack("{s:s, s:s, s:s, s:[s], s:[], s:s, s:s, s:[], s:o}", "status", status,
			 "name", name, "file", "cases/x.case", "tags", "map", "clients", "topo",
			 "vtd", "about", "a case", "bufs", "steps", steps);
}

/* A document of one backend; cases is a NULL-terminated list of (name, status) pairs. */
static json_t *make_doc(const char *backend, const char *topo, const char *const *cases,
			int n_steps)
{
	json_t *arr = json_array();

	for (; *cases; cases += 2)
		json_array_append_new(arr, make_case(cases[0], cases[1], n_steps));
	return json_pack("{s:s, s:s, s:[s], s:{}, s:s, s:s, s:{s:i}, s:s, s:o}",
			 "tool", VF_TOOL_VERSION, "kernel_release", "6.12.0", "topologies", topo,
			 "meta", "backend", backend, "personality", "type1", "summary", "cases", 0,
			 "format", VF_RUN_FORMAT, "cases", arr);
}

static char *write_text(const json_t *doc)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(vf_run_write(f, doc), 0);
	fclose(f);
	return text;
}

/* Line i (0-based) of text, malloc'd, without its newline. */
static char *line_of(const char *text, unsigned i)
{
	const char *p = text, *nl;

	while (i--) {
		p = strchr(p, '\n');
		ck_assert_ptr_nonnull(p);
		p++;
	}
	nl = strchr(p, '\n');
	return strndup(p, nl ? (size_t)(nl - p) : strlen(p));
}

static void assert_line(const char *text, unsigned i, const char *want)
{
	char *l = line_of(text, i);

	ck_assert_str_eq(l, want);
	free(l);
}

START_TEST(write_layout)
{
	static const char *const names[] = { "m.one", "pass", "m.two", "fail", NULL };
	json_t *doc = make_doc("kernel-type1", "vtd", names, 3), *back;
	char *text = write_text(doc);

	/* header, 2 x (case line, 3 step lines, close), close of the case list */
	ck_assert_uint_eq(vf_count_lines(text), 12);
	ck_assert_int_eq(text[strlen(text) - 1], '\n');
	/* sorted keys, the case list last so that every step can have its own line */
	assert_line(text, 0, "{\"backend\":\"kernel-type1\",\"format\":\"vfconform-run/1\","
		    "\"kernel_release\":\"6.12.0\",\"meta\":{},\"personality\":\"type1\","
		    "\"summary\":{\"cases\":0},\"tool\":\"vfconform 0.1.0\","
		    "\"topologies\":[\"vtd\"],\"cases\":[");
	assert_line(text, 1, "{\"about\":\"a case\",\"bufs\":[],\"clients\":[],"
		    "\"file\":\"cases/x.case\",\"name\":\"m.one\",\"status\":\"pass\","
		    "\"tags\":[\"map\"],\"topo\":\"vtd\",\"steps\":[");
	assert_line(text, 2, "{\"acct\":{\"VmLck\":4},\"args\":{\"iova\":\"0x1000\","
		    "\"size\":\"0x1000\"},\"errno\":null,\"line\":11,\"op\":\"GET_API_VERSION\","
		    "\"out\":{},\"ret\":0,\"step\":1},");
	assert_line(text, 3, "{\"acct\":{\"VmLck\":8},\"args\":{\"iova\":\"0x1000\","
		    "\"size\":\"0x1000\"},\"errno\":\"EINVAL\",\"line\":12,"
		    "\"op\":\"IOMMU_MAP_DMA\",\"out\":{},\"ret\":-1,\"step\":2},");
	/* the last step of a case has no comma */
	assert_line(text, 4, "{\"acct\":{\"VmLck\":12},\"args\":{\"iova\":\"0x1000\","
		    "\"size\":\"0x1000\"},\"errno\":null,\"line\":13,\"op\":\"GET_API_VERSION\","
		    "\"out\":{},\"ret\":0,\"step\":3}");
	assert_line(text, 5, "]},");
	assert_line(text, 6, "{\"about\":\"a case\",\"bufs\":[],\"clients\":[],"
		    "\"file\":\"cases/x.case\",\"name\":\"m.two\",\"status\":\"fail\","
		    "\"tags\":[\"map\"],\"topo\":\"vtd\",\"steps\":[");
	assert_line(text, 10, "]}");
	assert_line(text, 11, "]}");
	/* and the whole is still one JSON document */
	back = json_loads(text, 0, NULL);
	ck_assert_ptr_nonnull(back);
	ck_assert(json_equal(doc, back));
	json_decref(back);
	free(text);
	json_decref(doc);
}
END_TEST

START_TEST(write_empty)
{
	static const char *const none[] = { NULL };
	static const char *const one[] = { "m.empty", "skip", NULL };
	json_t *doc = make_doc("kernel-type1", "vtd", none, 0), *back;
	char *text = write_text(doc), *line;

	ck_assert_uint_eq(vf_count_lines(text), 2);
	assert_line(text, 1, "]}");
	back = json_loads(text, 0, NULL);
	ck_assert(json_equal(doc, back));
	json_decref(back);
	free(text);
	json_decref(doc);

	/* a case without steps keeps its brackets on its own line */
	doc = make_doc("kernel-type1", "vtd", one, 0);
	text = write_text(doc);
	ck_assert_uint_eq(vf_count_lines(text), 3);
	line = line_of(text, 1);
	ck_assert_ptr_nonnull(strstr(line, "\"steps\":[]}"));
	free(line);
	back = json_loads(text, 0, NULL);
	ck_assert(json_equal(doc, back));
	json_decref(back);
	free(text);
	json_decref(doc);
}
END_TEST

static char tmpdir[64];

static char *tmp_path(const char *name)
{
	char *p;

	if (!tmpdir[0]) {
		strcpy(tmpdir, "/tmp/vfconform-json-XXXXXX");
		ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	}
	ck_assert_int_ge(asprintf(&p, "%s/%s", tmpdir, name), 0);
	return p;
}

/* Remove the (then empty) directory; the next tmp_path() makes a new one. */
static void tmp_done(void)
{
	rmdir(tmpdir);
	tmpdir[0] = 0;
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

START_TEST(round_trip)
{
	static const char *const names[] = { "m.one", "pass", "m.two", "crash", NULL };
	json_t *doc = make_doc("kernel-compat", "mdev", names, 3), *back;
	char *path = tmp_path("run.json"), *tmp = tmp_path("run.json.tmp");
	struct stat st;

	ck_assert_int_eq(vf_run_write_file(path, doc), 0);
	/* written through a temporary file that is renamed into place */
	ck_assert_int_ne(stat(tmp, &st), 0);
	back = vf_run_load(path);
	ck_assert_ptr_nonnull(back);
	ck_assert(json_equal(doc, back));
	json_decref(back);
	json_decref(doc);
	unlink(path);
	tmp_done();
	free(path);
	free(tmp);
}
END_TEST

START_TEST(write_file_fails)
{
	static const char *const none[] = { NULL };
	json_t *doc = make_doc("kernel-type1", "vtd", none, 0);
	struct vf_stderr_capture cap;
	char *out;

	vf_stderr_begin(&cap);
	ck_assert_int_eq(vf_run_write_file("/nonexistent/dir/run.json", doc), -1);
	out = vf_stderr_end(&cap);
	ck_assert_str_eq(out, "vfconform: /nonexistent/dir/run.json.tmp: "
			 "No such file or directory\n");
	free(out);
	json_decref(doc);
}
END_TEST

struct bad_doc {
	const char *text;
	const char *msg;	/* stderr after "PATH" */
};

static const struct bad_doc bad_docs[] = {
	{ "{\"format\":\"vfconform-run/2\",\"cases\":[]}", ": not a vfconform-run/1 document\n" },
	{ "{\"format\":\"vfconform-run/1\"}", ": not a vfconform-run/1 document\n" },
	{ "{\"format\":\"vfconform-run/1\",\"cases\":{}}", ": not a vfconform-run/1 document\n" },
	{ "{\"cases\":[]}", ": not a vfconform-run/1 document\n" },
	{ "[1,2]", ": not a vfconform-run/1 document\n" },
	{ "{\"format\":\"vfconform-run/1\",\n\"cases\":[", ":2: " },
	{ "", ":1: " },
	{ "{\"format\":\"vfconform-run/1\",\"cases\":[]} trailing", ":1: " },
};

START_TEST(load_rejects)
{
	const struct bad_doc *t = &bad_docs[_i];
	char *path = tmp_path("bad.json"), *out, *want;
	struct vf_stderr_capture cap;
	json_t *doc;

	put(path, t->text);
	vf_stderr_begin(&cap);
	doc = vf_run_load(path);
	out = vf_stderr_end(&cap);
	ck_assert_ptr_null(doc);
	ck_assert_int_ge(asprintf(&want, "%s%s", path, t->msg), 0);
	/* a JSON syntax error: "path:line: " and jansson's text */
	ck_assert_msg(!strncmp(out, want, strlen(want)), "stderr: %s", out);
	ck_assert_uint_eq(vf_count_lines(out), 1);
	free(want);
	free(out);
	unlink(path);
	tmp_done();
	free(path);
}
END_TEST

START_TEST(load_missing_file)
{
	struct vf_stderr_capture cap;
	char *out;

	vf_stderr_begin(&cap);
	ck_assert_ptr_null(vf_run_load("/nonexistent/run.json"));
	out = vf_stderr_end(&cap);
	ck_assert_msg(!strncmp(out, "/nonexistent/run.json:", 22), "stderr: %s", out);
	free(out);
}
END_TEST

static const char *name_at(const json_t *doc, size_t i)
{
	return json_string_value(json_object_get(json_array_get(json_object_get(doc, "cases"),
								  i), "name"));
}

static json_int_t summary(const json_t *doc, const char *key)
{
	const json_t *v = json_object_get(json_object_get(doc, "summary"), key);

	ck_assert_msg(json_is_integer(v), "summary.%s missing", key);
	return json_integer_value(v);
}

START_TEST(merge_sorted)
{
	static const char *const a[] = { "m.d", "pass", "m.b", "fail", NULL };
	static const char *const b[] = { "m.c", "skip", "m.a", "pass", NULL };
	json_t *docs[2] = { make_doc("kernel-type1", "vtd", a, 2),
			    make_doc("kernel-type1", "mdev", b, 3) };
	json_t *copies[2] = { json_deep_copy(docs[0]), json_deep_copy(docs[1]) };
	json_t *m = vf_run_merge(docs, 2, NULL, 0);

	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(json_array_size(json_object_get(m, "cases")), 4);
	ck_assert_str_eq(name_at(m, 0), "m.a");
	ck_assert_str_eq(name_at(m, 1), "m.b");
	ck_assert_str_eq(name_at(m, 2), "m.c");
	ck_assert_str_eq(name_at(m, 3), "m.d");
	/* the header is the first document's, the topologies the union */
	ck_assert_str_eq(json_string_value(json_object_get(m, "backend")), "kernel-type1");
	ck_assert_str_eq(json_string_value(json_object_get(m, "format")), VF_RUN_FORMAT);
	ck_assert_uint_eq(json_array_size(json_object_get(m, "topologies")), 2);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(m, "topologies"), 1)),
			 "mdev");
	/* the summary is recounted, not copied from the first document */
	ck_assert_int_eq(summary(m, "cases"), 4);
	ck_assert_int_eq(summary(m, "passed"), 2);
	ck_assert_int_eq(summary(m, "failed"), 1);
	ck_assert_int_eq(summary(m, "skipped"), 1);
	ck_assert_int_eq(summary(m, "steps"), 2 * 2 + 2 * 3);
	/* the inputs are left as they were */
	ck_assert(json_equal(docs[0], copies[0]));
	ck_assert(json_equal(docs[1], copies[1]));
	json_decref(m);
	for (int i = 0; i < 2; i++) {
		json_decref(docs[i]);
		json_decref(copies[i]);
	}
}
END_TEST

START_TEST(merge_duplicate_case)
{
	static const char *const a[] = { "m.a", "pass", NULL };
	static const char *const b[] = { "m.b", "pass", "m.a", "fail", NULL };
	json_t *docs[2] = { make_doc("kernel-type1", "vtd", a, 1),
			    make_doc("kernel-type1", "vtd", b, 1) };
	struct vf_stderr_capture cap;
	json_t *m;
	char *out;

	vf_stderr_begin(&cap);
	m = vf_run_merge(docs, 2, NULL, 0);
	out = vf_stderr_end(&cap);
	ck_assert_ptr_null(m);
	ck_assert_str_eq(out, "vfconform merge: case m.a appears twice\n");
	free(out);
	json_decref(docs[0]);
	json_decref(docs[1]);
}
END_TEST

START_TEST(merge_different_backends)
{
	static const char *const a[] = { "m.a", "pass", NULL };
	static const char *const b[] = { "m.b", "pass", NULL };
	json_t *docs[2] = { make_doc("kernel-type1", "vtd", a, 1),
			    make_doc("kernel-compat", "vtd", b, 1) };
	struct vf_stderr_capture cap;
	json_t *m;
	char *out;

	vf_stderr_begin(&cap);
	m = vf_run_merge(docs, 2, NULL, 0);
	out = vf_stderr_end(&cap);
	ck_assert_ptr_null(m);
	ck_assert_str_eq(out, "vfconform merge: backends differ (kernel-type1, kernel-compat)\n");
	free(out);
	json_decref(docs[0]);
	json_decref(docs[1]);
}
END_TEST

static const json_t *case_named(const json_t *doc, const char *name)
{
	size_t i;
	json_t *c;

	json_array_foreach(json_object_get(doc, "cases"), i, c)
		if (!strcmp(json_string_value(json_object_get(c, "name")), name))
			return c;
	return NULL;
}

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

START_TEST(merge_crashed)
{
	static const char *const a[] = { "m.b", "pass", "m.a", "pass", NULL };
	char *crashed[] = {
		"kernel-type1:m.b=BUG at mm/gup.c:1234",	/* a case that ran */
		"kernel-type1:m.z=hung=forever",		/* a case no boot reported */
		"kernel-compat:m.a=not this backend",		/* ignored */
	};
	json_t *docs[1] = { make_doc("kernel-type1", "vtd", a, 2) };
	json_t *copy = json_deep_copy(docs[0]);
	json_t *m = vf_run_merge(docs, 1, crashed, 3);
	const json_t *c;

	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(json_array_size(json_object_get(m, "cases")), 3);
	ck_assert_str_eq(name_at(m, 2), "m.z");		/* added, and sorted in */
	c = case_named(m, "m.b");
	ck_assert_str_eq(str(c, "status"), "crash");
	ck_assert_str_eq(str(c, "detail"), "BUG at mm/gup.c:1234");
	ck_assert_uint_eq(json_array_size(json_object_get(c, "steps")), 2);	/* kept */
	c = case_named(m, "m.z");
	ck_assert_str_eq(str(c, "status"), "crash");
	ck_assert_str_eq(str(c, "detail"), "hung=forever");	/* the first '=' splits */
	ck_assert(json_is_array(json_object_get(c, "steps")));
	ck_assert_uint_eq(json_array_size(json_object_get(c, "steps")), 0);
	ck_assert(json_is_array(json_object_get(c, "bufs")));
	c = case_named(m, "m.a");
	ck_assert_str_eq(str(c, "status"), "pass");
	ck_assert_ptr_null(json_object_get(c, "detail"));
	ck_assert_int_eq(summary(m, "cases"), 3);
	ck_assert_int_eq(summary(m, "passed"), 1);
	ck_assert_int_eq(summary(m, "failed"), 2);
	ck_assert_int_eq(summary(m, "steps"), 4);
	/* marking a crash must not reach into the boot's own document */
	ck_assert(json_equal(docs[0], copy));
	json_decref(m);
	json_decref(copy);
	json_decref(docs[0]);
}
END_TEST

static const char *const bad_crashed[] = {
	"kernel-type1-m.b",
	"kernel-type1:m.b",
	"kernel-type1=x:m.b",	/* '=' must come after the ':' */
	"",
};

START_TEST(merge_crashed_malformed)
{
	static const char *const a[] = { "m.a", "pass", NULL };
	json_t *docs[1] = { make_doc("kernel-type1", "vtd", a, 1) };
	char *crashed[1] = { (char *)bad_crashed[_i] }, *out, *want;
	struct vf_stderr_capture cap;
	json_t *m;

	vf_stderr_begin(&cap);
	m = vf_run_merge(docs, 1, crashed, 1);
	out = vf_stderr_end(&cap);
	ck_assert_ptr_null(m);
	ck_assert_int_ge(asprintf(&want, "vfconform merge: --crashed wants BACKEND:CASE=REASON, "
				  "not %s\n", bad_crashed[_i]), 0);
	ck_assert_str_eq(out, want);
	free(want);
	free(out);
	json_decref(docs[0]);
}
END_TEST

START_TEST(merge_summary_statuses)
{
	static const char *const a[] = { "s.1", "pass", "s.2", "skip", "s.3", "timeout",
					 "s.4", "error", "s.5", "pass", NULL };
	json_t *docs[1] = { make_doc("kernel-type1", "vtd", a, 1) };
	json_t *m = vf_run_merge(docs, 1, NULL, 0);

	ck_assert_ptr_nonnull(m);
	/* anything that is neither pass nor skip counts as failed */
	ck_assert_int_eq(summary(m, "cases"), 5);
	ck_assert_int_eq(summary(m, "passed"), 2);
	ck_assert_int_eq(summary(m, "skipped"), 1);
	ck_assert_int_eq(summary(m, "failed"), 2);
	ck_assert_int_eq(summary(m, "steps"), 5);
	json_decref(m);
	json_decref(docs[0]);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *json_suite(void)
{
	Suite *s = suite_create("run_json");
	TCase *tw = tcase_create("write");
	TCase *tl = tcase_create("load");
	TCase *tm = tcase_create("merge");

	tcase_add_test(tw, write_layout);
	tcase_add_test(tw, write_empty);
	tcase_add_test(tw, round_trip);
	tcase_add_test(tw, write_file_fails);
	suite_add_tcase(s, tw);
	tcase_add_loop_test(tl, load_rejects, 0, N(bad_docs));
	tcase_add_test(tl, load_missing_file);
	suite_add_tcase(s, tl);
	tcase_add_test(tm, merge_sorted);
	tcase_add_test(tm, merge_duplicate_case);
	tcase_add_test(tm, merge_different_backends);
	tcase_add_test(tm, merge_crashed);
	tcase_add_loop_test(tm, merge_crashed_malformed, 0, N(bad_crashed));
	tcase_add_test(tm, merge_summary_statuses);
	suite_add_tcase(s, tm);
	return s;
}

VF_CHECK_MAIN(json_suite)

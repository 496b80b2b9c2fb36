/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reports. vf_report_build() turns two runs (and optional extra runs, a
 * baseline and the case library) into the results document
 * (reports/README.md documents its schema); every output format is rendered
 * from that document alone, so they cannot disagree.
 */
#ifndef VF_REPORT_H
#define VF_REPORT_H

#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "results/baseline.h"
#include "lang/case.h"

#define VF_REPORT_FORMAT	"vfconform-report/1"
#define VF_REPORT_MAX_RUNS	8

struct vf_report_run {
	const char *name;	/* column name: the backend, or NAME of --run NAME=FILE */
	const char *path;
	json_t *doc;
};

struct vf_report_input {
	struct vf_report_run a, b;	/* the pair whose gaps are reported */
	struct vf_report_run extra[VF_REPORT_MAX_RUNS];	/* e.g. sim personalities */
	unsigned n_extra;
	const struct vf_baseline *baseline;	/* NULL: no baseline */
	const struct vf_library *lib;	/* clients and cites; NULL: from the runs */
	const char *clients_md;	/* real-clients summary (make clients), or NULL */
};

/* The results document; NULL with a message on stderr on failure. */
json_t *vf_report_build(const struct vf_report_input *in);

int vf_report_write_md(FILE *f, const json_t *r);
int vf_report_write_html(FILE *f, const json_t *r);
int vf_report_write_junit(FILE *f, const json_t *r);
int vf_report_write_ktap(FILE *f, const json_t *r);

/* Shared by the renderers: a JSON value as compact text ("(absent)" for NULL). */
char *vf_report_show(const json_t *v, size_t max);
/* s as XML/HTML text or attribute value: markup escaped, control characters as '?'. */
void vf_report_escape(FILE *f, const char *s);

/* Reading the results document: a member as a string (NULL if not one) or an integer. */
static inline const char *rj_str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static inline json_int_t rj_int(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* The gap with this id in a gaps array, or NULL. */
static inline const json_t *rj_gap(const json_t *gaps, const char *id)
{
	size_t i;
	json_t *g;

	json_array_foreach((json_t *)gaps, i, g)
		if (id && !strcmp(json_string_value(json_object_get(g, "id")), id))
			return g;
	return NULL;
}

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Run documents on disk: one JSON document per run, laid out with one step
 * per line and sorted keys, so a fixture change is a one-line git diff.
 */
#ifndef VF_RUN_JSON_H
#define VF_RUN_JSON_H

#include <stdio.h>
#include <jansson.h>

int vf_run_write(FILE *f, const json_t *doc);
int vf_run_write_file(const char *path, const json_t *doc);
/* Load and check the format; NULL with a message on stderr on failure. */
json_t *vf_run_load(const char *path);
/*
 * Merge run documents of one backend (e.g. several boots) into one; cases
 * sorted by name. crashed: "BACKEND:CASE=REASON" entries that mark a case as
 * crashed (added when no boot reported it). NULL with a message on failure.
 */
json_t *vf_run_merge(json_t *const *docs, unsigned n, char *const *crashed, unsigned n_crashed);

#endif

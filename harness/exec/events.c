// SPDX-License-Identifier: GPL-2.0-only
/*
 * A case's events, as text over the child's pipe or as objects in-process.
 * Both end in vf_event_take(), so the two paths build the same result; the
 * only difference is the member order of objects (the text is written with
 * sorted keys, so parsed objects come back sorted), which nothing that reads
 * a result depends on: documents are written with sorted keys and the differ
 * walks members in sorted order.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "exec/events.h"

void vf_event(struct vf_events *e, json_t *ev)
{
	char *s;

	if (!e->f) {
		vf_event_take(e->r, ev);
		json_decref(ev);
		return;
	}
	s = json_dumps(ev, JSON_COMPACT | JSON_SORT_KEYS);
	if (s) {
		fputs(s, e->f);
		fputc('\n', e->f);
		fflush(e->f);
		free(s);
	}
	json_decref(ev);
}

void vf_event_take(struct vf_case_result *r, json_t *ev)
{
	const char *kind = json_string_value(json_object_get(ev, "event"));

	if (!kind) {
		r->status = "error";
		snprintf(r->detail, sizeof(r->detail), "garbled output from the case's child");
	} else if (!strcmp(kind, "step")) {
		json_array_append(r->steps, json_object_get(ev, "obs"));
	} else if (!strcmp(kind, "buf")) {
		json_object_del(ev, "event");
		json_array_append(r->bufs, ev);
	} else if (!strcmp(kind, "error")) {
		r->status = "error";
		snprintf(r->detail, sizeof(r->detail), "%s",
			 json_string_value(json_object_get(ev, "detail")));
	} else if (!strcmp(kind, "leak")) {
		/* a finding against the backend: the case does not pass */
		r->status = "leak";
		snprintf(r->detail, sizeof(r->detail), "%s",
			 json_string_value(json_object_get(ev, "detail")));
	} else if (!strcmp(kind, "done")) {
		r->done = true;
	}
}

void vf_event_take_line(struct vf_case_result *r, const char *line)
{
	json_t *ev = json_loads(line, 0, NULL);

	vf_event_take(r, ev);
	json_decref(ev);
}

void vf_case_child_ended(struct vf_case_result *r, int wstatus)
{
	if (WIFSIGNALED(wstatus)) {
		r->status = "crash";
		snprintf(r->detail, sizeof(r->detail), "child killed by %s after step %zu",
			 sigabbrev_np(WTERMSIG(wstatus)) ? sigabbrev_np(WTERMSIG(wstatus)) : "?",
			 json_array_size(r->steps));
	} else if (!r->status && !r->done) {
		r->status = "crash";
		snprintf(r->detail, sizeof(r->detail), "child exited %d without finishing",
			 WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1);
	}
}

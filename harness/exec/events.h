/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where a running case's events (step, buf, error, leak, done) go: a forked
 * child writes each as one JSON line to its pipe, so the parent keeps every
 * event that arrived before a crash; a case run in-process (the sim, the
 * fuzzer) hands the event objects straight to its result, without turning
 * them into text and parsing them back.
 */
#ifndef VF_EVENTS_H
#define VF_EVENTS_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

/* What the events of one case add up to. */
struct vf_case_result {
	json_t *steps, *bufs;
	const char *status;	/* NULL while nothing went wrong */
	char detail[512];
	bool done;
};

struct vf_events {
	FILE *f;			/* JSON lines; NULL: straight into r */
	struct vf_case_result *r;
};

/* Send one event; takes the reference to ev. */
void vf_event(struct vf_events *e, json_t *ev);
/* Add one event (borrowed) to the result. */
void vf_event_take(struct vf_case_result *r, json_t *ev);
/* Add one JSON line (as vf_event wrote it) to the result. */
void vf_event_take_line(struct vf_case_result *r, const char *line);
/* A case's child (or worker) ended with wstatus: a crash or an early exit, if it was one. */
void vf_case_child_ended(struct vf_case_result *r, int wstatus);

#endif

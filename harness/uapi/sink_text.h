/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The interposer's sink: JSON text into a caller's fixed buffer, no
 * allocation. Output that does not fit sets overflow and is cut; the caller
 * decides what to write instead (a cut record is not valid JSON).
 */
#ifndef VF_UAPI_SINK_TEXT_H
#define VF_UAPI_SINK_TEXT_H

#include <stddef.h>
#include "uapi/sink.h"

struct vf_text_sink {
	struct vf_sink sink;
	char *s;
	size_t cap, n;		/* s[n] is always NUL when cap > 0 */
	bool first;		/* nothing in the current object or array yet */
	bool overflow;
};

struct vf_sink *vf_text_sink_init(struct vf_text_sink *ts, char *buf, size_t cap);

#endif

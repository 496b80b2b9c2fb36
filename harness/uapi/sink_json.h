/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The runner's sink: codec output lands in a json_t object (an observation's
 * "out" or "args"), and json_t constructors for the codec's value formats.
 */
#ifndef VF_UAPI_SINK_JSON_H
#define VF_UAPI_SINK_JSON_H

#include <jansson.h>
#include "lang/names.h"
#include "uapi/sink.h"

#define VF_JSON_SINK_DEPTH	8

struct vf_json_sink {
	struct vf_sink sink;
	json_t *stack[VF_JSON_SINK_DEPTH];	/* borrowed: the root and what it holds */
	unsigned depth;
	unsigned lost;		/* levels opened beyond the stack, not pushed */
};

/* Fields go into root (an object, kept by the caller); returns &js->sink. */
struct vf_sink *vf_json_sink_init(struct vf_json_sink *js, json_t *root);

/* The codec's value formats as json strings ("0x1f", "READ|0x80", "00ff"). */
json_t *vf_json_hex(uint64_t v);
json_t *vf_json_flags(const struct vf_name *tab, uint64_t v);
json_t *vf_json_hex_bytes(const uint8_t *b, size_t n);

#endif

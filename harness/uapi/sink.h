/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where the uAPI codec writes: a sink receives the fields of one observation
 * as a stream of keyed values, objects and arrays. The runner's sink builds a
 * json_t (sink_json.h); the LD_PRELOAD interposer's writes JSON text into a
 * fixed buffer (sink_text.h), because it runs inside clients that do not link
 * jansson and must not allocate in their ioctl path. The codec itself sees
 * only this interface, so one decoder serves both.
 */
#ifndef VF_UAPI_SINK_H
#define VF_UAPI_SINK_H

#include <stdbool.h>
#include <stdint.h>

struct vf_sink;

/* key is NULL for a member of an array, and for the outermost object. */
struct vf_sink_ops {
	void (*integer)(struct vf_sink *s, const char *key, int64_t v);
	void (*string)(struct vf_sink *s, const char *key, const char *v);
	void (*real)(struct vf_sink *s, const char *key, double v);
	void (*null)(struct vf_sink *s, const char *key);
	void (*begin)(struct vf_sink *s, const char *key, bool array);
	void (*end)(struct vf_sink *s, bool array);
};

struct vf_sink {
	const struct vf_sink_ops *ops;
};

static inline void vf_sink_int(struct vf_sink *s, const char *key, int64_t v)
{
	s->ops->integer(s, key, v);
}

static inline void vf_sink_str(struct vf_sink *s, const char *key, const char *v)
{
	s->ops->string(s, key, v);
}

static inline void vf_sink_real(struct vf_sink *s, const char *key, double v)
{
	s->ops->real(s, key, v);
}

static inline void vf_sink_null(struct vf_sink *s, const char *key)
{
	s->ops->null(s, key);
}

static inline void vf_sink_object(struct vf_sink *s, const char *key)
{
	s->ops->begin(s, key, false);
}

static inline void vf_sink_object_end(struct vf_sink *s)
{
	s->ops->end(s, false);
}

static inline void vf_sink_array(struct vf_sink *s, const char *key)
{
	s->ops->begin(s, key, true);
}

static inline void vf_sink_array_end(struct vf_sink *s)
{
	s->ops->end(s, true);
}

#endif

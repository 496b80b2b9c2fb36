// SPDX-License-Identifier: GPL-2.0-only
/* The interposer's codec sink: compact JSON text into a fixed buffer. */
#include <stdarg.h>
#include <stdio.h>
#include "uapi/sink_text.h"

static struct vf_text_sink *ts_of(struct vf_sink *s)
{
	return (struct vf_text_sink *)s;
}

static void put(struct vf_text_sink *ts, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (ts->overflow)
		return;
	va_start(ap, fmt);
	r = vsnprintf(ts->s + ts->n, ts->cap - ts->n, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= ts->cap - ts->n) {
		ts->overflow = true;
		return;
	}
	ts->n += (size_t)r;
}

/* The separator and the key of the next member. */
static void member(struct vf_text_sink *ts, const char *key)
{
	if (!ts->first)
		put(ts, ",");
	ts->first = false;
	if (key)
		put(ts, "\"%s\":", key);
}

/* Strings are paths, device names and the codec's spellings: escape what JSON needs. */
static void t_string(struct vf_sink *s, const char *key, const char *v)
{
	struct vf_text_sink *ts = ts_of(s);

	member(ts, key);
	put(ts, "\"");
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			put(ts, "\\%c", *v);
		else if ((unsigned char)*v < 0x20)
			put(ts, "\\u%04x", *v);
		else
			put(ts, "%c", *v);
	}
	put(ts, "\"");
}

static void t_integer(struct vf_sink *s, const char *key, int64_t v)
{
	member(ts_of(s), key);
	put(ts_of(s), "%lld", (long long)v);
}

/* Milliseconds and such: three decimals are all a trace needs. */
static void t_real(struct vf_sink *s, const char *key, double v)
{
	member(ts_of(s), key);
	put(ts_of(s), "%.3f", v);
}

static void t_null(struct vf_sink *s, const char *key)
{
	member(ts_of(s), key);
	put(ts_of(s), "null");
}

static void t_begin(struct vf_sink *s, const char *key, bool array)
{
	struct vf_text_sink *ts = ts_of(s);

	member(ts, key);
	put(ts, array ? "[" : "{");
	ts->first = true;
}

static void t_end(struct vf_sink *s, bool array)
{
	struct vf_text_sink *ts = ts_of(s);

	put(ts, array ? "]" : "}");
	ts->first = false;
}

static const struct vf_sink_ops text_ops = {
	.integer = t_integer,
	.string = t_string,
	.real = t_real,
	.null = t_null,
	.begin = t_begin,
	.end = t_end,
};

struct vf_sink *vf_text_sink_init(struct vf_text_sink *ts, char *buf, size_t cap)
{
	ts->sink.ops = &text_ops;
	ts->s = buf;
	ts->cap = cap;
	ts->n = 0;
	ts->first = true;
	ts->overflow = cap == 0;
	if (cap)
		buf[0] = 0;
	return &ts->sink;
}

// SPDX-License-Identifier: GPL-2.0-only
/* The runner's codec sink: fields into a json_t object. */
#include <stdlib.h>
#include "uapi/codec.h"
#include "uapi/sink_json.h"

static struct vf_json_sink *js_of(struct vf_sink *s)
{
	return (struct vf_json_sink *)s;
}

/* Into the innermost open object under key, or appended to the innermost array. */
static void put(struct vf_sink *s, const char *key, json_t *v)
{
	struct vf_json_sink *js = js_of(s);
	json_t *top = js->stack[js->depth - 1];

	if (json_is_array(top))
		json_array_append_new(top, v);
	else
		json_object_set_new(top, key, v);
}

static void j_integer(struct vf_sink *s, const char *key, int64_t v)
{
	put(s, key, json_integer((json_int_t)v));
}

static void j_string(struct vf_sink *s, const char *key, const char *v)
{
	put(s, key, json_string(v));
}

static void j_real(struct vf_sink *s, const char *key, double v)
{
	put(s, key, json_real(v));
}

static void j_null(struct vf_sink *s, const char *key)
{
	put(s, key, json_null());
}

static void j_begin(struct vf_sink *s, const char *key, bool array)
{
	struct vf_json_sink *js = js_of(s);
	json_t *c = array ? json_array() : json_object();

	put(s, key, c);
	/* nesting deeper than the codec ever goes: keep writing into the outer level */
	if (js->depth < VF_JSON_SINK_DEPTH)
		js->stack[js->depth++] = c;
	else
		js->lost++;
}

static void j_end(struct vf_sink *s, bool array)
{
	struct vf_json_sink *js = js_of(s);

	(void)array;
	if (js->lost)
		js->lost--;
	else if (js->depth > 1)
		js->depth--;
}

static const struct vf_sink_ops json_ops = {
	.integer = j_integer,
	.string = j_string,
	.real = j_real,
	.null = j_null,
	.begin = j_begin,
	.end = j_end,
};

struct vf_sink *vf_json_sink_init(struct vf_json_sink *js, json_t *root)
{
	js->sink.ops = &json_ops;
	js->stack[0] = root;
	js->depth = 1;
	js->lost = 0;
	return &js->sink;
}

json_t *vf_json_hex(uint64_t v)
{
	char buf[VF_HEX_LEN];

	return json_string(vf_fmt_hex(buf, v));
}

json_t *vf_json_flags(const struct vf_name *tab, uint64_t v)
{
	char buf[VF_FLAGS_LEN];

	return json_string(vf_fmt_flags(buf, tab, v));
}

json_t *vf_json_hex_bytes(const uint8_t *b, size_t n)
{
	char *s = malloc(2 * n + 1);
	json_t *j;

	if (!s)
		return json_null();
	j = json_string(vf_fmt_hex_bytes(s, b, n));
	free(s);
	return j;
}

// SPDX-License-Identifier: GPL-2.0-only
/* The codec's value formats: hex numbers, flag words, byte strings, errnos. */
#include <stdio.h>
#include "uapi/codec.h"

char *vf_fmt_hex(char *buf, uint64_t v)
{
	snprintf(buf, VF_HEX_LEN, "0x%llx", (unsigned long long)v);
	return buf;
}

/* Known bits by name in table order, what is left as one hex number. */
char *vf_fmt_flags(char *buf, const struct vf_name *tab, uint64_t v)
{
	size_t n = 0;

	buf[0] = 0;
	if (!v) {
		snprintf(buf, VF_FLAGS_LEN, "0");
		return buf;
	}
	for (; tab && tab->name; tab++) {
		if (v & tab->value) {
			n += snprintf(buf + n, VF_FLAGS_LEN - n, "%s%s", n ? "|" : "", tab->name);
			v &= ~tab->value;
			if (n >= VF_FLAGS_LEN)
				return buf;
		}
	}
	if (v)
		snprintf(buf + n, VF_FLAGS_LEN - n, "%s0x%llx", n ? "|" : "",
			 (unsigned long long)v);
	return buf;
}

char *vf_fmt_hex_bytes(char *buf, const uint8_t *b, size_t n)
{
	static const char digit[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		buf[2 * i] = digit[b[i] >> 4];
		buf[2 * i + 1] = digit[b[i] & 15];
	}
	buf[2 * n] = 0;
	return buf;
}

void vf_sink_hex(struct vf_sink *s, const char *key, uint64_t v)
{
	char buf[VF_HEX_LEN];

	vf_sink_str(s, key, vf_fmt_hex(buf, v));
}

void vf_sink_flags(struct vf_sink *s, const char *key, const struct vf_name *tab, uint64_t v)
{
	char buf[VF_FLAGS_LEN];

	vf_sink_str(s, key, vf_fmt_flags(buf, tab, v));
}

void vf_sink_errno(struct vf_sink *s, const char *key, int err)
{
	const char *name = err ? vf_errno_name(err) : NULL;

	if (!err)
		vf_sink_null(s, key);
	else if (name)
		vf_sink_str(s, key, name);
	else
		vf_sink_int(s, key, err);
}

void vf_uapi_result(struct vf_sink *s, long ret, int err)
{
	vf_sink_int(s, "ret", ret);
	vf_sink_errno(s, "errno", err);
}

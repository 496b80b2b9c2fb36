// SPDX-License-Identifier: GPL-2.0-only
/* How numbers, flag words and bytes are written into observations. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include "exec/step_api.h"

json_t *vf_hex(uint64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "0x%llx", (unsigned long long)v);
	return json_string(s);
}

json_t *vf_flags_str(const struct vf_name *tab, uint64_t v)
{
	char s[256] = "";
	size_t n = 0;

	if (!v)
		return json_string("0");
	for (; tab->name; tab++) {
		if (v & tab->value) {
			n += snprintf(s + n, sizeof(s) - n, "%s%s", n ? "|" : "", tab->name);
			v &= ~tab->value;
		}
	}
	if (v)
		snprintf(s + n, sizeof(s) - n, "%s0x%llx", n ? "|" : "", (unsigned long long)v);
	return json_string(s);
}

json_t *vf_hex_bytes(const uint8_t *b, size_t n)
{
	char *s = malloc(2 * n + 1);
	json_t *j;

	if (!s)
		return json_null();
	for (size_t i = 0; i < n; i++)
		sprintf(s + 2 * i, "%02x", b[i]);
	s[2 * n] = 0;
	j = json_string(s);
	free(s);
	return j;
}

// SPDX-License-Identifier: GPL-2.0-only
/* Number, flag and hex-byte values of the case language. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "lang/value.h"

bool vf_parse_term(const char *s, uint64_t *out)
{
	uint64_t v = 0, base = 10, shift = 0;
	const char *p = s;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!isxdigit((unsigned char)*p))
		return false;
	for (; *p; p++) {
		unsigned d;

		if (isdigit((unsigned char)*p))
			d = *p - '0';
		else if (base == 16 && isxdigit((unsigned char)*p))
			d = (tolower((unsigned char)*p) - 'a') + 10;
		else
			break;
		if (d >= base)
			return false;
		/* A value that does not fit is a typo, not a wrap-around test. */
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	switch (*p) {
	case 'K': shift = 10; p++; break;
	case 'M': shift = 20; p++; break;
	case 'G': shift = 30; p++; break;
	case 'T': shift = 40; p++; break;
	default: break;
	}
	if (*p)
		return false;
	if (shift && v > (UINT64_MAX >> shift))
		return false;
	*out = v << shift;
	return true;
}

const char *vf_parse_number(const char *s, uint64_t *out)
{
	char term[64];
	uint64_t sum = 0;
	int sign = 1;
	const char *p = s;

	if (!*s)
		return "empty number";
	while (*p) {
		size_t n = strcspn(p, "+-");
		uint64_t v;

		if (n == 0 || n >= sizeof(term))
			return "malformed number";
		memcpy(term, p, n);
		term[n] = 0;
		if (!vf_parse_term(term, &v))
			return "malformed number";
		/* Unsigned arithmetic: wraps modulo 2^64 on purpose. */
		sum = sign > 0 ? sum + v : sum - v;
		p += n;
		if (!*p)
			break;
		sign = *p == '+' ? 1 : -1;
		p++;
		if (!*p)
			return "malformed number";
	}
	*out = sum;
	return NULL;
}

const char *vf_parse_flags(const char *s, const struct vf_name *tab, uint64_t *out)
{
	char word[64];
	uint64_t flags = 0;
	const char *p = s;

	if (!*s)
		return "empty flags";
	while (*p) {
		size_t n = strcspn(p, "|");
		uint64_t v;

		if (n == 0 || n >= sizeof(word))
			return "malformed flags";
		memcpy(word, p, n);
		word[n] = 0;
		if (!vf_name_lookup(tab, word, &v) && !vf_parse_term(word, &v))
			return "unknown flag";
		flags |= v;
		p += n;
		if (*p == '|' && !*++p)
			return "malformed flags";
	}
	*out = flags;
	return NULL;
}

const char *vf_parse_hex(const char *s, uint8_t **out, size_t *len, size_t max)
{
	size_t n = strlen(s);
	uint8_t *b;

	if (n == 0 || n % 2)
		return "hex bytes need an even number of digits";
	if (n / 2 > max)
		return "too many raw bytes";
	b = malloc(n / 2);
	if (!b)
		return "out of memory";
	for (size_t i = 0; i < n / 2; i++) {
		char pair[3] = { s[2 * i], s[2 * i + 1], 0 };
		char *end;

		if (!isxdigit((unsigned char)pair[0]) || !isxdigit((unsigned char)pair[1])) {
			free(b);
			return "malformed hex bytes";
		}
		b[i] = (uint8_t)strtoul(pair, &end, 16);
	}
	*out = b;
	*len = n / 2;
	return NULL;
}

// SPDX-License-Identifier: GPL-2.0-only
/* A step's expect lines, checked against its observation. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include "exec/exec.h"
#include "lang/value.h"

/* Compare one observed JSON value with an expected text value. */
static bool value_matches(const json_t *v, const char *want)
{
	uint64_t w, have;
	bool neg = want[0] == '-';

	if (json_is_string(v)) {
		const char *s = json_string_value(v);

		if (!strncmp(s, "0x", 2) && !vf_parse_number(neg ? want + 1 : want, &w) &&
		    !vf_parse_number(s, &have))
			return have == (neg ? -w : w);
		return !strcmp(s, want);
	}
	if (json_is_integer(v)) {
		if (vf_parse_number(neg ? want + 1 : want, &w))
			return false;
		return (uint64_t)json_integer_value(v) == (neg ? -w : w);
	}
	if (json_is_null(v))
		return !strcmp(want, "0") || !strcmp(want, "null");
	return false;
}

json_t *vf_check_expects(const struct vf_step *s, const json_t *obs, const char *backend,
			 const char *personality)
{
	json_t *fails = json_array();

	for (unsigned i = 0; i < s->n_expects; i++) {
		const struct vf_expect *e = &s->expects[i];
		const json_t *v;
		char msg[256], got[96];

		if (e->scope[0] && strcmp(e->scope, backend) && strcmp(e->scope, personality))
			continue;
		if (!strcmp(e->key, "ret") || !strcmp(e->key, "errno"))
			v = json_object_get(obs, e->key);
		else if (!strcmp(e->key, "VmLck") || !strcmp(e->key, "VmPin") ||
			 !strcmp(e->key, "user_locked"))
			v = json_object_get(json_object_get(obs, "acct"), e->key);
		else
			v = json_object_get(json_object_get(obs, "out"), e->key);
		if (v && value_matches(v, e->value))
			continue;
		if (!v)
			snprintf(got, sizeof(got), "nothing");
		else if (json_is_string(v))
			snprintf(got, sizeof(got), "%s", json_string_value(v));
		else if (json_is_integer(v))
			snprintf(got, sizeof(got), "%lld", (long long)json_integer_value(v));
		else
			snprintf(got, sizeof(got), "0");
		snprintf(msg, sizeof(msg), "line %u: expected %s=%s, got %s", e->line, e->key,
			 e->value, got);
		json_array_append_new(fails, json_string(msg));
	}
	return fails;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the case-file parser (vf_case_parse_string), the one
 * piece of the harness that reads text written by anyone. Either it returns
 * a case, which must then survive what the runner does with a case before
 * any backend sees it (recording every step's arguments), or NULL with a
 * "file:line: message" error, never anything else.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lang/case.h"
#include "exec/exec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), err[512] = "";
	struct vf_case *c;

	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = 0;
	c = vf_case_parse_string("fuzz.case", text, err, sizeof(err));
	if (!c) {
		/* the error must name the file: "fuzz.case:LINE: message" */
		if (strncmp(err, "fuzz.case:", 10) || !strchr(err + 10, ':'))
			abort();
	} else {
		for (unsigned i = 0; i < c->n_steps; i++)
			json_decref(vf_step_args(c, &c->steps[i]));
		vf_case_free(c);
	}
	free(text);
	return 0;
}

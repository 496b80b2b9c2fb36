/* SPDX-License-Identifier: GPL-2.0-only */
/* vfconform trace2case: a vfconform-trace recording becomes a case file. */
#ifndef VF_TRACE2CASE_H
#define VF_TRACE2CASE_H

#include "lang/case.h"

/* Writes the case to out ("-" or NULL: stdout); 0 on success, -1 after a message. */
int vf_trace2case(const char *trace, const char *out, const char *name, const char *about);

#endif

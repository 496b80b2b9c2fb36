/* SPDX-License-Identifier: GPL-2.0-only */
/* Number expressions of the case language: 0x10+4K-1, modulo 2^64. */
#ifndef VF_VALUE_H
#define VF_VALUE_H

#include <stdbool.h>
#include <stdint.h>
#include "lang/names.h"

/* One term: decimal or 0x hex, optional K/M/G/T suffix. */
bool vf_parse_term(const char *s, uint64_t *out);
/*
 * A sum of terms joined by + and -. Returns NULL on success, else a static
 * message naming what is wrong.
 */
const char *vf_parse_number(const char *s, uint64_t *out);
/* Names from tab or numbers, joined by '|'. */
const char *vf_parse_flags(const char *s, const struct vf_name *tab, uint64_t *out);
/* Hex bytes ("00ff10..."), at most max bytes; *out is malloc'd. */
const char *vf_parse_hex(const char *s, uint8_t **out, size_t *len, size_t max);

#endif

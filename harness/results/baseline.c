// SPDX-License-Identifier: GPL-2.0-only
/* Parsing the known-gaps baseline; every bad line is a file:line: message. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "results/baseline.h"
#include "results/gap.h"

#define MAX_LINE 1024

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = 0;
	return s;
}

static void add(struct vf_baseline *bl, const char *id, const char *reason, unsigned line)
{
	bl->v = realloc(bl->v, (bl->n + 1) * sizeof(*bl->v));
	if (!bl->v) {
		perror("vfconform");
		exit(1);
	}
	bl->v[bl->n].id = strdup(id);
	bl->v[bl->n].reason = strdup(reason);
	bl->v[bl->n].line = line;
	bl->n++;
}

int vf_baseline_parse(struct vf_baseline *bl, const char *path, const char *text, FILE *err)
{
	unsigned lineno = 0;
	int errors = 0;
	const char *p = text;

	memset(bl, 0, sizeof(*bl));
	bl->path = strdup(path);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char buf[MAX_LINE + 1], *s, *id, *reason, *ws;
		const struct vf_baseline_entry *dup;
		const char *why;

		lineno++;
		if (len > MAX_LINE) {
			fprintf(err, "%s:%u: line longer than %d characters\n", path, lineno,
				MAX_LINE);
			errors++;
			p += len + !!nl;
			continue;
		}
		memcpy(buf, p, len);
		buf[len] = 0;
		p += len + !!nl;
		s = trim(buf);
		if (!*s || *s == '#')
			continue;
		id = s;
		ws = strpbrk(s, " \t");
		reason = ws ? trim(ws + 1) : "";
		if (ws)
			*ws = 0;
		if (!vf_gap_id_valid(id, &why)) {
			fprintf(err, "%s:%u: '%s': %s\n", path, lineno, id, why);
			errors++;
			continue;
		}
		/* a known gap without a reason is a gap nobody looked at */
		if (!*reason || *reason == '#') {
			fprintf(err, "%s:%u: %s: no reason given (ID REASON...)\n", path, lineno,
				id);
			errors++;
			continue;
		}
		dup = vf_baseline_find(bl, id);
		if (dup) {
			fprintf(err, "%s:%u: %s: duplicate (first on line %u)\n", path, lineno, id,
				dup->line);
			errors++;
			continue;
		}
		add(bl, id, reason, lineno);
	}
	return errors;
}

int vf_baseline_load(struct vf_baseline *bl, const char *path, FILE *err)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t cap = 0, n = 0;
	int ret;

	memset(bl, 0, sizeof(*bl));
	if (!f) {
		fprintf(err, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	for (;;) {
		size_t got;

		if (n + 4096 + 1 > cap) {
			cap = cap * 2 + 8192;
			text = realloc(text, cap);
			if (!text) {
				fclose(f);
				return 1;
			}
		}
		got = fread(text + n, 1, 4096, f);
		n += got;
		if (got < 4096)
			break;
	}
	fclose(f);
	text[n] = 0;
	if (strlen(text) != n) {
		fprintf(err, "%s: contains a NUL byte; not a text file\n", path);
		free(text);
		return 1;
	}
	ret = vf_baseline_parse(bl, path, text, err);
	free(text);
	return ret;
}

const struct vf_baseline_entry *vf_baseline_find(const struct vf_baseline *bl, const char *id)
{
	for (unsigned i = 0; i < bl->n; i++)
		if (!strcmp(bl->v[i].id, id))
			return &bl->v[i];
	return NULL;
}

void vf_baseline_free(struct vf_baseline *bl)
{
	for (unsigned i = 0; i < bl->n; i++) {
		free(bl->v[i].id);
		free(bl->v[i].reason);
	}
	free(bl->v);
	free(bl->path);
	memset(bl, 0, sizeof(*bl));
}

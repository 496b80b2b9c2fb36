// SPDX-License-Identifier: GPL-2.0-only
/* Loading the case library: every *.case below the given paths. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "lang/fnv.h"
#include "lang/case.h"

struct path_list {
	char **v;
	unsigned n, cap;
};

static void push(struct path_list *l, const char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (!l->v) {
			fputs("vfconform: out of memory\n", stderr);
			exit(2);
		}
	}
	l->v[l->n++] = strdup(s);
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && !strcmp(s + a - b, suf);
}

static int collect(struct path_list *l, const char *path, bool top)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int errors = 0;

	if (stat(path, &st)) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		/* a file named on the command line is taken whatever its name */
		if (top || has_suffix(path, ".case"))
			push(l, path);
		return 0;
	}
	d = opendir(path);
	if (!d) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	while ((e = readdir(d))) {
		char *sub;

		if (e->d_name[0] == '.')
			continue;
		if (asprintf(&sub, "%s/%s", path, e->d_name) < 0)
			exit(2);
		errors += collect(l, sub, false);
		free(sub);
	}
	closedir(d);
	return errors;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_case(const void *a, const void *b)
{
	return strcmp((*(struct vf_case *const *)a)->name, (*(struct vf_case *const *)b)->name);
}

static uint64_t hash_file(uint64_t h, const char *path)
{
	char buf[8192];
	size_t n;
	FILE *f = fopen(path, "r");
	const char *base = strrchr(path, '/');

	/* the base name, so the same library hashes alike wherever it lives */
	base = base ? base + 1 : path;
	h = vf_fnv1a(h, base, strlen(base) + 1);
	if (!f)
		return h;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		h = vf_fnv1a(h, buf, n);
	fclose(f);
	return h;
}

int vf_library_load(struct vf_library *lib, char *const *paths, unsigned n_paths)
{
	struct path_list l = { 0 };
	int errors = 0;
	char err[600];

	memset(lib, 0, sizeof(*lib));
	lib->hash = VF_FNV1A_INIT;
	for (unsigned i = 0; i < n_paths; i++)
		errors += collect(&l, paths[i], true);
	qsort(l.v, l.n, sizeof(*l.v), cmp_str);
	lib->cases = calloc(l.n ? l.n : 1, sizeof(*lib->cases));
	if (!lib->cases)
		exit(2);
	for (unsigned i = 0; i < l.n; i++) {
		struct vf_case *c = vf_case_parse_file(l.v[i], err, sizeof(err));

		lib->hash = hash_file(lib->hash, l.v[i]);
		if (!c) {
			fprintf(stderr, "%s\n", err);
			errors++;
		} else {
			lib->cases[lib->n++] = c;
		}
		free(l.v[i]);
	}
	free(l.v);
	qsort(lib->cases, lib->n, sizeof(*lib->cases), cmp_case);
	for (unsigned i = 1; i < lib->n; i++) {
		if (!strcmp(lib->cases[i - 1]->name, lib->cases[i]->name)) {
			fprintf(stderr, "%s:1: case name '%s' is also used by %s\n",
				lib->cases[i]->path, lib->cases[i]->name, lib->cases[i - 1]->path);
			errors++;
		}
	}
	return errors;
}

void vf_library_free(struct vf_library *lib)
{
	for (unsigned i = 0; i < lib->n; i++)
		vf_case_free(lib->cases[i]);
	free(lib->cases);
	memset(lib, 0, sizeof(*lib));
}

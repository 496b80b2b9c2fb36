// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfconform trace2case: a vfconform-trace recording (JSON lines) becomes a
 * case file, so what a real client did to its container replays on every
 * backend. The interposer records args and out with the runner's own uAPI
 * codec (harness/uapi/), so a record already speaks the case language: a
 * step line is the record's op and fields under the same names (the step
 * kind's trace map, harness/steps/), and only the abstractions that follow
 * rewrite values. What is kept
 * and what is abstracted:
 *
 * - container ioctls (API version, extensions, SET_IOMMU, GET_INFO, MAP,
 *   UNMAP, DIRTY_PAGES) and group ioctls (status, set/unset container) are
 *   kept in order, with the recorded result as the expectation;
 * - the groups become topology groups in order of first use: one group is
 *   topo vtd g0, more are topo multi g1 g2 (g0 there holds two devices);
 * - closing an attached group fd detaches it from the container in the
 *   kernel, so it becomes GROUP_UNSET_CONTAINER;
 * - device fds (GET_DEVICE_FD and every device ioctl) are left as comments:
 *   a case cannot close a device fd, and an open one would make the later
 *   unset fail where the client's did not;
 * - memory: every mapped vaddr range belongs to one cluster of overlapping
 *   or adjacent ranges; the clusters are packed into one anonymous buffer
 *   "mem" (each at its original offset within a 2 MiB page), so vaddr
 *   relations inside a cluster survive and the client's addresses do not;
 * - IOVAs are moved by one constant so the lowest 2 MiB block lands at 4 GiB
 *   (clear of the x86 MSI window, 2 MiB alignment kept). A client's IOVAs
 *   that are physical addresses then give the same case wherever the guest
 *   put its memory, as long as the layout relative to the lowest is the same.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "steps/step_kind.h"
#include "trace/trace2case.h"

#define MAX_RECS	200000
#define MAX_GFDS	64
#define MAX_CLUSTERS	4096
#define SZ_2M		(2ull << 20)
#define IOVA_BASE	(4ull << 30)
/* what clients/trace/vfconform-trace.c writes: args and out in observation keys */
#define TRACE_FORMAT	"vfconform-trace/2"
#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

struct cluster {
	uint64_t start, end;	/* [start, end) of the client's vaddrs */
	uint64_t off;		/* where it lives in "mem" */
};

struct gfd {
	int fd;
	int group;		/* topology group index */
	bool attached;
};

struct t2c {
	json_t **recs;
	size_t n;
	char paths[VF_MAX_GROUPS][64];	/* client's group node per topology group */
	unsigned int n_groups, first_group;
	struct gfd gfds[MAX_GFDS];
	unsigned int n_gfds;
	struct cluster cl[MAX_CLUSTERS];
	unsigned int n_cl;
	uint64_t mem_size, iova_from;
	bool have_iova;
	int container_fd;
};

static uint64_t hexval(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? strtoull(s, NULL, 0) : 0;
}

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static const char *op(json_t *r)
{
	return str(r, "op");
}

static const char *obj(json_t *r)
{
	return str(r, "obj");
}

static int fd_of(json_t *r)
{
	return (int)json_integer_value(json_object_get(r, "fd"));
}

static bool is_container(const char *o)
{
	return !strcmp(o, "container") || !strcmp(o, "iommufd");
}

static int cmp_cluster(const void *a, const void *b)
{
	const struct cluster *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* The vaddr clusters and the IOVA shift, from every MAP of the trace. */
static int plan_memory(struct t2c *t)
{
	unsigned int k = 0;
	uint64_t cur = 0;

	for (size_t i = 0; i < t->n; i++) {
		json_t *r = t->recs[i], *a = json_object_get(r, "args");
		uint64_t v, s, iova;

		if (strcmp(op(r), "IOMMU_MAP_DMA") || !is_container(obj(r)))
			continue;
		v = hexval(a, "vaddr");
		s = hexval(a, "size");
		iova = hexval(a, "iova");
		if (!t->have_iova || iova < t->iova_from)
			t->iova_from = iova;
		t->have_iova = true;
		if (t->n_cl == MAX_CLUSTERS) {
			fprintf(stderr, "trace2case: more than %d mapped ranges\n", MAX_CLUSTERS);
			return -1;
		}
		t->cl[t->n_cl++] = (struct cluster){ v, v + s, 0 };
	}
	t->iova_from &= ~(SZ_2M - 1);
	qsort(t->cl, t->n_cl, sizeof(t->cl[0]), cmp_cluster);
	for (unsigned int i = 0; i < t->n_cl; i++) {
		if (k && t->cl[i].start <= t->cl[k - 1].end) {
			if (t->cl[i].end > t->cl[k - 1].end)
				t->cl[k - 1].end = t->cl[i].end;
			continue;
		}
		t->cl[k++] = t->cl[i];
	}
	t->n_cl = k;
	for (unsigned int i = 0; i < t->n_cl; i++) {
		cur = (cur + SZ_2M - 1) & ~(SZ_2M - 1);
		t->cl[i].off = cur + (t->cl[i].start & (SZ_2M - 1));
		cur = t->cl[i].off + (t->cl[i].end - t->cl[i].start);
	}
	t->mem_size = (cur + 4095) & ~4095ull;
	return 0;
}

static uint64_t mem_offset(struct t2c *t, uint64_t vaddr)
{
	for (unsigned int i = 0; i < t->n_cl; i++)
		if (vaddr >= t->cl[i].start && vaddr < t->cl[i].end)
			return t->cl[i].off + (vaddr - t->cl[i].start);
	return 0;
}

/* An IOVA the client chose inside its mapped space moves; 0 and such stay. */
static uint64_t iova_of(struct t2c *t, uint64_t iova)
{
	return t->have_iova && iova >= t->iova_from ? iova - t->iova_from + IOVA_BASE : iova;
}

static struct gfd *gfd_find(struct t2c *t, int fd)
{
	for (unsigned int i = 0; i < t->n_gfds; i++)
		if (t->gfds[i].fd == fd)
			return &t->gfds[i];
	return NULL;
}

/* Group fds come from "open" records (the node names the group). */
static int plan_groups(struct t2c *t)
{
	for (size_t i = 0; i < t->n; i++) {
		json_t *r = t->recs[i];
		const char *path = str(json_object_get(r, "args"), "path");
		unsigned int g;

		if (strcmp(op(r), "open") || strcmp(obj(r), "group") || fd_of(r) < 0)
			continue;
		for (g = 0; g < t->n_groups; g++)
			if (!strcmp(t->paths[g], path))
				break;
		if (g == t->n_groups) {
			if (t->n_groups == VF_MAX_GROUPS - 1) {
				fprintf(stderr, "trace2case: more groups than a topology has\n");
				return -1;
			}
			snprintf(t->paths[t->n_groups++], sizeof(t->paths[0]), "%s", path);
		}
	}
	/* multi's g0 holds two devices behind a bridge: single-device groups are g1, g2 */
	t->first_group = t->n_groups == 1 ? 0 : t->n_groups == 2 ? 1 : 0;
	return 0;
}

/* The descriptor of a recorded op that is replayed as a step; NULL: it is not. */
static const struct vf_step_kind *step_map_of(const char *name)
{
	const struct vf_step_kind *k = vf_step_kind_named(name);

	return k && k->trace.replay ? k : NULL;
}

/* " key=value" as the record spells the value, but for the case's abstractions. */
static void put_field(struct t2c *t, FILE *f, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!v)
		return;
	if (!strcmp(key, "iova"))
		fprintf(f, " iova=0x%llx", (unsigned long long)iova_of(t, hexval(o, key)));
	else if (!strcmp(key, "vaddr"))
		fprintf(f, " vaddr=mem+0x%llx", (unsigned long long)mem_offset(t, hexval(o, key)));
	else if (json_is_integer(v))
		fprintf(f, " %s=%lld", key, json_integer_value(v));
	else
		fprintf(f, " %s=%s", key, str(o, key));
}

static void emit_step(struct t2c *t, FILE *f, json_t *r)
{
	json_t *a = json_object_get(r, "args"), *o = json_object_get(r, "out");
	const char *name = op(r), *e = json_string_value(json_object_get(r, "errno"));
	const struct vf_step_kind *k = step_map_of(name);
	struct gfd *g = gfd_find(t, fd_of(r));
	char line[512] = "";
	FILE *l;

	if (!k || (k->trace.group && !g)) {
		if (!strcmp(name, "GROUP_GET_DEVICE_FD") && g)
			fprintf(f, "# GROUP_GET_DEVICE_FD group=g%d (%s): device fds are not "
				"modelled\n", g->group, str(a, "device"));
		else
			fprintf(f, "# %s on the %s: not replayed\n", name, obj(r));
		return;
	}
	/* the fields first, so the op's column is padded only when some follow */
	l = fmemopen(line, sizeof(line), "w");
	if (!l)
		return;
	if (k->trace.group)
		fprintf(l, " group=g%d", g->group);
	for (size_t i = 0; i < ARRAY_LEN(k->trace.args) && k->trace.args[i]; i++)
		put_field(t, l, a, k->trace.args[i]);
	fclose(l);
	if (line[0])
		fprintf(f, "%-16s%s\n", name, line);
	else
		fprintf(f, "%s\n", name);
	fprintf(f, "expect           errno=%s", e ? e : "0");
	if (k->trace.ret)
		fprintf(f, " ret=%lld", json_integer_value(json_object_get(r, "ret")));
	for (size_t i = 0; i < ARRAY_LEN(k->trace.out) && k->trace.out[i]; i++)
		put_field(t, f, o, k->trace.out[i]);
	fputc('\n', f);
	if (!strcmp(name, "GROUP_SET_CONTAINER") && json_is_null(json_object_get(r, "errno")))
		g->attached = true;
	if (!strcmp(name, "GROUP_UNSET_CONTAINER") && json_is_null(json_object_get(r, "errno")))
		g->attached = false;
}

static void emit_case(struct t2c *t, FILE *f, const char *name, const char *about,
		      const char *source)
{
	unsigned int devices = 0, others = 0;

	fprintf(f, "# Generated by vfconform trace2case from %s; regenerate, do not edit.\n",
		source);
	fprintf(f, "name    %s\n", name);
	fprintf(f, "about   %s\n", about);
	fprintf(f, "tags    clients trace\n");
	fprintf(f, "clients dpdk\n");
	fprintf(f, "topo    %s\n", t->n_groups > 1 ? "multi" : "vtd");
	fprintf(f, "groups ");
	for (unsigned int g = 0; g < t->n_groups; g++)
		fprintf(f, " g%u", t->first_group + g);
	fprintf(f, "\nattach  none\niommu   none\ntimeout 60\n");
	for (unsigned int g = 0; g < t->n_groups; g++)
		fprintf(f, "# g%u is the client's %s\n", t->first_group + g, t->paths[g]);
	if (t->mem_size)
		fprintf(f, "buf     mem 0x%llx\n", (unsigned long long)t->mem_size);
	fputc('\n', f);

	for (size_t i = 0; i < t->n; i++) {
		json_t *r = t->recs[i];
		const char *o = obj(r), *n = op(r);
		struct gfd *g;

		if (!strcmp(o, "device")) {
			devices++;
			continue;
		}
		if (!strcmp(n, "open")) {
			if (!strcmp(o, "group") && fd_of(r) >= 0 && t->n_gfds < MAX_GFDS) {
				const char *path = str(json_object_get(r, "args"), "path");
				unsigned int k;

				for (k = 0; k < t->n_groups; k++)
					if (!strcmp(t->paths[k], path))
						break;
				t->gfds[t->n_gfds++] = (struct gfd){ fd_of(r), t->first_group + k,
								     false };
				fprintf(f, "# open %s (g%u)\n", path, t->first_group + k);
			} else if (is_container(o)) {
				if (t->container_fd >= 0)
					fprintf(f, "# open of another container: not replayed\n");
				else
					t->container_fd = fd_of(r);
			}
			continue;
		}
		if (!strcmp(n, "close")) {
			g = gfd_find(t, fd_of(r));
			if (g) {
				if (g->attached) {
					fprintf(f, "# close(g%d): the kernel takes the group out of the container\n",
						g->group);
					fprintf(f, "GROUP_UNSET_CONTAINER group=g%d\n", g->group);
					fprintf(f, "expect           errno=0\n");
				}
				g->fd = -1;
			} else if (is_container(o) && fd_of(r) == t->container_fd) {
				fprintf(f, "# close of the container\n");
			}
			continue;
		}
		if (is_container(o) && t->container_fd >= 0 && fd_of(r) != t->container_fd) {
			others++;
			continue;
		}
		emit_step(t, f, r);
	}
	if (devices)
		fprintf(f, "# %u device-fd record(s) not replayed\n", devices);
	if (others)
		fprintf(f, "# %u ioctl(s) on other containers not replayed\n", others);
}

static int load(struct t2c *t, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	unsigned int lineno = 0;
	ssize_t len;
	int ret = 0;

	if (!f) {
		fprintf(stderr, "trace2case: %s: %s\n", path, strerror(errno));
		return -1;
	}
	t->recs = calloc(MAX_RECS, sizeof(*t->recs));
	while (t->recs && (len = getline(&line, &cap, f)) > 0) {
		json_error_t e;
		json_t *r;

		lineno++;
		r = json_loads(line, 0, &e);
		if (!r) {
			/* the last line of a killed client can be cut short */
			fprintf(stderr, "%s:%u: %s (line skipped)\n", path, lineno, e.text);
			continue;
		}
		if (json_object_get(r, "format")) {
			if (strcmp(str(r, "format"), TRACE_FORMAT)) {
				fprintf(stderr, "%s:%u: not a %s trace\n", path, lineno,
					TRACE_FORMAT);
				ret = -1;
			}
			json_decref(r);
			continue;
		}
		if (t->n == MAX_RECS) {
			json_decref(r);
			fprintf(stderr, "%s: more than %d records\n", path, MAX_RECS);
			ret = -1;
			break;
		}
		t->recs[t->n++] = r;
	}
	free(line);
	fclose(f);
	return t->recs ? ret : -1;
}

int vf_trace2case(const char *trace, const char *out, const char *name, const char *about)
{
	struct t2c *t = calloc(1, sizeof(*t));
	FILE *f = stdout;
	int ret = -1;

	if (!t)
		return -1;
	t->container_fd = -1;
	if (load(t, trace) || plan_groups(t) || plan_memory(t))
		goto done;
	if (!t->n_groups) {
		fprintf(stderr, "trace2case: %s: no group was opened\n", trace);
		goto done;
	}
	if (out && strcmp(out, "-")) {
		f = fopen(out, "w");
		if (!f) {
			fprintf(stderr, "trace2case: %s: %s\n", out, strerror(errno));
			goto done;
		}
	}
	emit_case(t, f, name, about, trace);
	ret = ferror(f) ? -1 : 0;
	if (f != stdout && fclose(f))
		ret = -1;
done:
	for (size_t i = 0; i < t->n; i++)
		json_decref(t->recs[i]);
	free(t->recs);
	free(t);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The case-file parser. Strict on purpose: every word must mean something,
 * and anything else is a "file:line: message" error, so a typo never turns
 * into a silently different scenario.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lang/case.h"
#include "lang/names.h"
#include "lang/value.h"
#include "steps/step_kind.h"

#define MAX_WORDS	32
#define MAX_LINE	4096
#define MAX_RAW		4096

struct parser {
	const char *path;
	unsigned line;
	char *err;
	size_t errlen;
	struct vf_case *c;
	bool in_steps;
	unsigned seen;		/* header keywords seen, 1u << index in headers[] */
	unsigned attach_line, iommu_line, groups_line;
	unsigned last_step_first, last_step_count;	/* for expect after a range line */
	unsigned proc;		/* process of the line being parsed ("@pN"), 0 = the case's */
	unsigned procs_alive;	/* 1u << N for every pN forked and not yet exited */
	unsigned containers_open; /* 1u << N for c0 and every cN opened so far */
};

static bool fail(struct parser *p, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%u: %s", p->path, p->line, msg);
	return false;
}

static void *xcalloc(size_t n, size_t sz)
{
	void *q = calloc(n ? n : 1, sz);

	if (!q) {
		fputs("vfconform: out of memory\n", stderr);
		exit(2);
	}
	return q;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d) {
		fputs("vfconform: out of memory\n", stderr);
		exit(2);
	}
	return d;
}

static struct vf_step *new_step(struct vf_case *c)
{
	struct vf_step *s;

	c->steps = realloc(c->steps, (c->n_steps + 1) * sizeof(*c->steps));
	if (!c->steps) {
		fputs("vfconform: out of memory\n", stderr);
		exit(2);
	}
	s = &c->steps[c->n_steps++];
	memset(s, 0, sizeof(*s));
	s->vaddr_buf = -1;
	return s;
}

/* Header keywords; their index is their bit in parser.seen. */
static const char *const headers[] = {
	"name", "about", "tags", "clients", "topo", "groups", "iommu", "attach",
	"buf", "cred", "memlock", "timeout", "cite", NULL
};

static int header_index(const char *w)
{
	for (int i = 0; headers[i]; i++)
		if (!strcmp(headers[i], w))
			return i;
	return -1;
}

static bool valid_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && !strchr("._-", *s))
			return false;
	return true;
}

static bool parse_group_word(struct parser *p, const char *w, unsigned *g)
{
	uint64_t v;

	if (w[0] != 'g' || !vf_parse_term(w + 1, &v) || v >= VF_MAX_GROUPS)
		return fail(p, "bad group '%s' (expected g0..g%d)", w, VF_MAX_GROUPS - 1);
	*g = (unsigned)v;
	return true;
}

static bool parse_size_word(struct parser *p, const char *what, const char *w, uint64_t *v)
{
	const char *e = vf_parse_number(w, v);

	if (e)
		return fail(p, "%s: %s '%s'", what, e, w);
	return true;
}

static bool parse_buf(struct parser *p, char **w, int n)
{
	struct vf_case *c = p->c;
	struct vf_buf *b;
	bool filled = n > 3 && !strcmp(w[n - 1], "filled");
	const char *kind;

	if (filled)
		n--;
	kind = n > 3 ? w[3] : "anon";
	if (n < 3 || n > 4)
		return fail(p, "buf takes NAME SIZE [KIND] [filled]");
	if (c->n_bufs == VF_MAX_BUFS)
		return fail(p, "too many buffers (at most %d)", VF_MAX_BUFS);
	if (!isalpha((unsigned char)w[1][0]) || strlen(w[1]) >= sizeof(b->name) ||
	    strspn(w[1], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") !=
	    strlen(w[1]))
		return fail(p, "bad buffer name '%s'", w[1]);
	for (unsigned i = 0; i < c->n_bufs; i++)
		if (!strcmp(c->bufs[i].name, w[1]))
			return fail(p, "buffer '%s' declared twice", w[1]);
	b = &c->bufs[c->n_bufs];
	memset(b, 0, sizeof(*b));
	snprintf(b->name, sizeof(b->name), "%s", w[1]);
	b->line = p->line;
	if (!parse_size_word(p, "buffer size", w[2], &b->size))
		return false;
	if (!strcmp(kind, "anon")) {
		b->kind = VF_BUF_ANON;
	} else if (!strcmp(kind, "ro")) {
		b->kind = VF_BUF_RO;
	} else if (!strcmp(kind, "unmapped")) {
		b->kind = VF_BUF_UNMAPPED;
	} else if (!strcmp(kind, "huge")) {
		b->kind = VF_BUF_HUGE;
		if (b->size % (2u << 20))
			return fail(p, "a huge buffer's size must be a multiple of 2M");
	} else if (!strncmp(kind, "bar", 3) && kind[3] >= '0' && kind[3] <= '5' && !kind[4]) {
		b->kind = VF_BUF_BAR;
		b->bar = kind[3] - '0';
	} else {
		return fail(p, "unknown buffer kind '%s' (anon, ro, unmapped, huge, bar0..bar5)",
			    kind);
	}
	b->filled = filled;
	if (filled && b->kind != VF_BUF_ANON && b->kind != VF_BUF_HUGE)
		return fail(p, "only anon and huge buffers can be filled");
	if (b->kind != VF_BUF_BAR && (b->size == 0 || b->size > (1ull << 30)))
		return fail(p, "buffer size must be between 1 and 1G");
	c->n_bufs++;
	return true;
}

static char **dup_words(char **w, int n)
{
	char **out = xcalloc(n, sizeof(*out));

	for (int i = 0; i < n; i++)
		out[i] = xstrdup(w[i]);
	return out;
}

static bool parse_header(struct parser *p, int idx, char **w, int n, const char *rest)
{
	struct vf_case *c = p->c;
	uint64_t v;
	int t;

	if (idx != 8 && idx != 12 && (p->seen & (1u << idx)))
		return fail(p, "'%s' given twice", w[0]);
	p->seen |= 1u << idx;
	if (n < 2)
		return fail(p, "'%s' needs a value", w[0]);

	switch (idx) {
	case 0: /* name */
		if (n != 2 || !valid_name(w[1]))
			return fail(p, "name must be one word of [a-z0-9._-]");
		c->name = xstrdup(w[1]);
		return true;
	case 1: /* about */
		c->about = xstrdup(rest);
		return true;
	case 2: /* tags */
		for (int i = 1; i < n; i++)
			if (!valid_name(w[i]))
				return fail(p, "bad tag '%s'", w[i]);
		c->tags = dup_words(w + 1, n - 1);
		c->n_tags = n - 1;
		return true;
	case 3: /* clients */
		for (int i = 1; i < n; i++)
			if (!valid_name(w[i]))
				return fail(p, "bad client '%s'", w[i]);
		c->clients = dup_words(w + 1, n - 1);
		c->n_clients = n - 1;
		return true;
	case 4: /* topo */
		t = vf_topo_lookup(w[1]);
		if (n != 2 || t < 0)
			return fail(p, "unknown topology '%s' (vtd, mdev, multi, noiommu)", w[1]);
		c->topo = t;
		return true;
	case 5: /* groups */
		if (n - 1 > VF_MAX_GROUPS)
			return fail(p, "too many groups");
		c->n_groups = 0;
		for (int i = 1; i < n; i++) {
			unsigned g = 0;

			if (!parse_group_word(p, w[i], &g))
				return false;
			for (unsigned j = 0; j < c->n_groups; j++)
				if (c->groups[j] == g)
					return fail(p, "group g%u listed twice", g);
			c->groups[c->n_groups++] = g;
		}
		p->groups_line = p->line;
		return true;
	case 6: /* iommu */
		if (n != 2)
			return fail(p, "iommu takes one type");
		p->iommu_line = p->line;
		if (!strcmp(w[1], "none"))
			return true;
		if (!vf_name_lookup(vf_ext_names, w[1], &v) && !vf_parse_term(w[1], &v))
			return fail(p, "unknown iommu type '%s'", w[1]);
		c->has_iommu = true;
		c->iommu = v;
		return true;
	case 7: /* attach */
		if (n != 2)
			return fail(p, "attach takes before, after or none");
		if (!strcmp(w[1], "before"))
			c->attach = VF_ATTACH_BEFORE;
		else if (!strcmp(w[1], "after"))
			c->attach = VF_ATTACH_AFTER;
		else if (!strcmp(w[1], "none"))
			c->attach = VF_ATTACH_NONE;
		else
			return fail(p, "attach takes before, after or none, not '%s'", w[1]);
		p->attach_line = p->line;
		return true;
	case 8: /* buf */
		return parse_buf(p, w, n);
	case 9: /* cred */
		if (n != 2)
			return fail(p, "cred takes root, nocap, norawio or uid=N");
		if (!strcmp(w[1], "root")) {
			c->cred = VF_CRED_ROOT;
		} else if (!strcmp(w[1], "nocap")) {
			c->cred = VF_CRED_NOCAP;
		} else if (!strcmp(w[1], "norawio")) {
			c->cred = VF_CRED_NORAWIO;
		} else if (!strncmp(w[1], "uid=", 4) && vf_parse_term(w[1] + 4, &v) &&
			   v > 0 && v < 0xffffffffu) {
			c->cred = VF_CRED_UID;
			c->uid = (uint32_t)v;
		} else {
			return fail(p, "cred takes root, nocap, norawio or uid=N (N > 0), not '%s'",
				    w[1]);
		}
		return true;
	case 10: /* memlock */
		if (n != 2)
			return fail(p, "memlock takes a size or unlimited");
		c->has_memlock = true;
		if (!strcmp(w[1], "unlimited")) {
			c->memlock = UINT64_MAX;
			return true;
		}
		return parse_size_word(p, "memlock", w[1], &c->memlock);
	case 12: /* cite CLIENT SOURCE */
		if (n != 3 || !valid_name(w[1]))
			return fail(p, "cite takes CLIENT SOURCE (repo@commit:path)");
		c->cites = realloc(c->cites, (c->n_cites + 1) * sizeof(*c->cites));
		if (!c->cites) {
			fputs("vfconform: out of memory\n", stderr);
			exit(2);
		}
		c->cites[c->n_cites].client = xstrdup(w[1]);
		c->cites[c->n_cites].source = xstrdup(w[2]);
		c->cites[c->n_cites].line = p->line;
		c->n_cites++;
		return true;
	case 11: /* timeout */
		if (n != 2 || !vf_parse_term(w[1], &v) || v == 0 || v > 3600)
			return fail(p, "timeout takes seconds from 1 to 3600");
		c->timeout = (unsigned)v;
		return true;
	}
	return fail(p, "internal: header %s", w[0]);
}

static void add_setup_step(struct vf_case *c, enum vf_op op, unsigned line)
{
	struct vf_step *s = new_step(c);

	s->op = op;
	s->line = line;
	s->setup = true;
}

/* The header is complete: expand it into setup steps, once. */
static void begin_steps(struct parser *p)
{
	struct vf_case *c = p->c;
	unsigned attach_line = p->attach_line ? p->attach_line : p->groups_line;

	if (p->in_steps)
		return;
	p->in_steps = true;
	if (c->attach == VF_ATTACH_BEFORE) {
		for (unsigned i = 0; i < c->n_groups; i++) {
			add_setup_step(c, VF_OP_GROUP_SET_CONTAINER, attach_line);
			c->steps[c->n_steps - 1].present |= 1u << VF_F_GROUP;
			c->steps[c->n_steps - 1].val[VF_F_GROUP] = c->groups[i];
		}
	}
	if (c->has_iommu) {
		add_setup_step(c, VF_OP_SET_IOMMU, p->iommu_line);
		c->steps[c->n_steps - 1].present |= 1u << VF_F_TYPE;
		c->steps[c->n_steps - 1].val[VF_F_TYPE] = c->iommu;
	}
	if (c->attach == VF_ATTACH_AFTER) {
		for (unsigned i = 0; i < c->n_groups; i++) {
			add_setup_step(c, VF_OP_GROUP_SET_CONTAINER, attach_line);
			c->steps[c->n_steps - 1].present |= 1u << VF_F_GROUP;
			c->steps[c->n_steps - 1].val[VF_F_GROUP] = c->groups[i];
		}
	}
	c->n_setup = c->n_steps;
}

static bool group_opened(const struct vf_case *c, unsigned g)
{
	for (unsigned i = 0; i < c->n_groups; i++)
		if (c->groups[i] == g)
			return true;
	return false;
}

/* "A, B, C or D": the names of a value table, for an error message. */
static const char *names_list(const struct vf_name *tab)
{
	static char buf[160];
	size_t n = 0;

	buf[0] = 0;
	for (const struct vf_name *t = tab; t->name; t++)
		n += snprintf(buf + n, n < sizeof(buf) ? sizeof(buf) - n : 0, "%s%s",
			      t == tab ? "" : t[1].name ? ", " : " or ", t->name);
	return buf;
}

/* One field value that is not a range. */
static bool parse_field_value(struct parser *p, struct vf_step *s, int f, const char *v)
{
	struct vf_case *c = p->c;
	const char *e = NULL;
	uint64_t x;

	switch (f) {
	case VF_F_EXT:
	case VF_F_TYPE:
		if (vf_name_lookup(vf_ext_names, v, &x))
			break;
		e = vf_parse_number(v, &x);
		break;
	case VF_F_ARGSZ:
		if (!strcmp(v, "auto")) {
			if (!(vf_step_kind(s->op)->flags & VF_KIND_ARGSZ_AUTO))
				return fail(p, "argsz=auto is only for IOMMU_GET_INFO");
			s->argsz_auto = true;
			s->present |= 1u << f;
			return true;
		}
		e = vf_parse_number(v, &x);
		break;
	case VF_F_FLAGS:
		e = vf_parse_flags(v, vf_op_flag_names(s->op), &x);
		break;
	case VF_F_OP:
		if (vf_name_lookup(vf_op_op_names(s->op), v, &x))
			break;
		if (vf_step_kind(s->op)->flags & VF_KIND_OP_NAMES_ONLY)
			return fail(p, "op: %s, not '%s'", names_list(vf_op_op_names(s->op)), v);
		e = vf_parse_number(v, &x);
		break;
	case VF_F_GROUP: {
		unsigned g = 0;

		if (!parse_group_word(p, v, &g))
			return false;
		if (!group_opened(c, g))
			return fail(p, "group %s is not opened (add it to 'groups')", v);
		x = g;
		break;
	}
	case VF_F_CONTAINER:
		if (v[0] != 'c' || !vf_parse_term(v + 1, &x) || x >= VF_MAX_CONTAINERS)
			return fail(p, "bad container '%s' (expected c0..c%d)", v, VF_MAX_CONTAINERS - 1);
		/* OPEN_CONTAINER names the one it opens; everything else needs it open */
		if (s->op != VF_OP_OPEN_CONTAINER && !(p->containers_open & (1u << x)))
			return fail(p, "container %s is not opened (OPEN_CONTAINER container=%s)", v,
				    v);
		break;
	case VF_F_PROC:
		if (v[0] != 'p' || !vf_parse_term(v + 1, &x) || x == 0 || x >= VF_MAX_PROCS)
			return fail(p, "bad process '%s' (expected p1..p%d)", v, VF_MAX_PROCS - 1);
		break;
	case VF_F_CRED:
		if (!strcmp(v, "root")) {
			x = vf_cred_encode(VF_CRED_ROOT, 0);
		} else if (!strcmp(v, "nocap")) {
			x = vf_cred_encode(VF_CRED_NOCAP, 0);
		} else if (!strcmp(v, "norawio")) {
			x = vf_cred_encode(VF_CRED_NORAWIO, 0);
		} else if (!strncmp(v, "uid=", 4) && vf_parse_term(v + 4, &x) && x > 0 &&
			   x < 0xffffffffu) {
			x = vf_cred_encode(VF_CRED_UID, (uint32_t)x);
		} else {
			return fail(p, "cred takes root, nocap, norawio or uid=N (N > 0), not '%s'",
				    v);
		}
		break;
	case VF_F_MEMLOCK:
		if (!strcmp(v, "unlimited")) {
			x = UINT64_MAX;
			break;
		}
		e = vf_parse_number(v, &x);
		break;
	case VF_F_FD:
		/* fd=-1 and friends: a deliberately bad container fd */
		if (v[0] == '-') {
			e = vf_parse_number(v + 1, &x);
			x = -x;
		} else {
			e = vf_parse_number(v, &x);
		}
		break;
	case VF_F_VADDR:
		if (isalpha((unsigned char)v[0])) {
			size_t n = strcspn(v, "+-");
			uint64_t off = 0;

			s->vaddr_buf = -1;
			for (unsigned i = 0; i < c->n_bufs; i++)
				if (strlen(c->bufs[i].name) == n && !strncmp(c->bufs[i].name, v, n))
					s->vaddr_buf = (int)i;
			if (s->vaddr_buf < 0)
				return fail(p, "unknown buffer in vaddr '%s'", v);
			/* "a-4K" is an offset below the buffer: parse as 0-4K */
			if (v[n]) {
				/* room for the whole line: a cut offset would be a smaller number */
				char tmp[MAX_LINE + 1];

				snprintf(tmp, sizeof(tmp), "0%s", v + n);
				e = vf_parse_number(tmp, &off);
			}
			x = off;
		} else {
			e = vf_parse_number(v, &x);
		}
		break;
	case VF_F_REQ:
		if (vf_name_lookup(vf_ioctl_names, v, &x))
			break;
		e = vf_parse_number(v, &x);
		break;
	case VF_F_RAW:
		free(s->raw);
		e = vf_parse_hex(v, &s->raw, &s->raw_len, MAX_RAW);
		x = s->raw_len;
		break;
	default:
		e = vf_parse_number(v, &x);
		break;
	}
	if (e)
		return fail(p, "%s: %s '%s'", vf_field_name(f), e, v);
	s->val[f] = x;
	s->present |= 1u << f;
	return true;
}

/* One step line's fields, before a range expands it. */
struct step_line {
	struct vf_step proto;
	int range_field;	/* -1: no range */
	uint64_t lo, hi;
};

/* What the line's kind requires beyond its fields, and the bookkeeping of cN and pN. */
static bool check_kind(struct parser *p, const struct vf_step_kind *k, const char *kw,
		       struct step_line *l)
{
	struct vf_step_check chk = {
		.proc = p->proc,
		.range_field = l->range_field,
		.lo = l->lo,
		.hi = l->hi,
		.containers_open = &p->containers_open,
		.procs_alive = &p->procs_alive,
	};

	if (l->range_field >= 0 && (k->flags & VF_KIND_NO_RANGE))
		return fail(p, "%s takes no range", kw);
	if (k->check && !k->check(&chk, &l->proto))
		return fail(p, "%s", chk.msg);
	return true;
}

static bool parse_step_line(struct parser *p, int op, char **w, int n, struct step_line *l)
{
	struct vf_case *c = p->c;
	struct vf_step *proto = &l->proto;
	const struct vf_step_kind *kind = vf_step_kind(op);
	uint32_t allowed = kind->fields;

	memset(l, 0, sizeof(*l));
	l->range_field = -1;
	proto->op = op;
	proto->line = p->line;
	proto->vaddr_buf = -1;
	proto->proc = p->proc;

	for (int i = 1; i < n; i++) {
		char *eq = strchr(w[i], '=');
		char *dots;
		int f;

		if (!eq)
			return fail(p, "expected key=value, got '%s'", w[i]);
		*eq = 0;
		f = vf_field_lookup(w[i]);
		if (f < 0 || !(allowed & (1u << f)))
			return fail(p, "%s takes no field '%s'", w[0], w[i]);
		if (proto->present & (1u << f))
			return fail(p, "field '%s' given twice", w[i]);
		dots = strstr(eq + 1, "..");
		if (dots && f != VF_F_VADDR && f != VF_F_RAW && f != VF_F_FLAGS &&
		    f != VF_F_GROUP && f != VF_F_CONTAINER && f != VF_F_PROC && f != VF_F_CRED &&
		    f != VF_F_REPEAT) {
			const char *e;

			if (l->range_field >= 0)
				return fail(p, "only one range per line");
			*dots = 0;
			e = vf_parse_number(eq + 1, &l->lo);
			if (!e)
				e = vf_parse_number(dots + 2, &l->hi);
			if (e)
				return fail(p, "%s: %s in range", w[i], e);
			if (l->hi < l->lo || l->hi - l->lo >= VF_MAX_EXPANDED)
				return fail(p, "range %s must ascend and hold at most %d values",
					    w[i], VF_MAX_EXPANDED);
			l->range_field = f;
			proto->present |= 1u << f;
			continue;
		}
		if (!parse_field_value(p, proto, f, eq + 1))
			return false;
	}
	if (!check_kind(p, kind, w[0], l))
		return false;
	if (vf_has(proto, VF_F_REPEAT) && (proto->val[VF_F_REPEAT] == 0 || proto->raw ||
					   proto->val[VF_F_REPEAT] > 1000000))
		return fail(p, "count= takes 1..1000000 and no raw=");
	if ((kind->flags & VF_KIND_GROUP_DEFAULT) && !vf_has(proto, VF_F_GROUP)) {
		if (!c->n_groups)
			return fail(p, "%s needs a group, and 'groups' opens none", w[0]);
		proto->present |= 1u << VF_F_GROUP;
		proto->val[VF_F_GROUP] = c->groups[0];
	}
	return true;
}

static bool parse_step(struct parser *p, int op, char **w, int n)
{
	struct vf_case *c = p->c;
	struct step_line l;
	const struct vf_step *proto = &l.proto;
	int range_field;
	uint64_t lo, hi;

	begin_steps(p);
	if (!parse_step_line(p, op, w, n, &l)) {
		/* raw= may have been parsed before the error */
		free(l.proto.raw);
		return false;
	}
	range_field = l.range_field;
	lo = l.lo;
	hi = l.hi;

	p->last_step_first = c->n_steps;
	p->last_step_count = range_field < 0 ? 1 : (unsigned)(hi - lo + 1);
	for (uint64_t v = lo; v <= hi; v++) {
		struct vf_step *s = new_step(c);

		*s = *proto;
		if (proto->raw) {
			s->raw = xcalloc(1, proto->raw_len);
			memcpy(s->raw, proto->raw, proto->raw_len);
		}
		if (range_field >= 0)
			s->val[range_field] = v;
		if (range_field < 0 || v == hi)
			break;
	}
	free(proto->raw);
	return true;
}

static const char *const out_keys[] = {
	"ret", "errno", "size", "argsz", "flags", "iova_pgsizes", "cap_offset", "ioas_id",
	"bitmap", "canary", "fd", "status", "VmLck", "VmPin", "user_locked", "done",
	"failed_at", "pinned", "sum", "bytes", "completed", "fault", "wrote", "changed",
	"digest", "staging", NULL
};

static bool parse_expect(struct parser *p, char **w, int n)
{
	struct vf_case *c = p->c;
	char scope[32] = "";

	if (!p->in_steps || p->last_step_count == 0)
		return fail(p, "expect must follow a step");
	if (w[0][6] == '[') {
		size_t len = strlen(w[0]);

		if (w[0][len - 1] != ']' || len - 8 == 0 || len - 8 >= sizeof(scope))
			return fail(p, "malformed '%s' (expect[SCOPE])", w[0]);
		memcpy(scope, w[0] + 7, len - 8);
		scope[len - 8] = 0;
		if (!valid_name(scope))
			return fail(p, "bad expect scope '%s'", scope);
	} else if (w[0][6]) {
		return fail(p, "unknown keyword '%s'", w[0]);
	}
	if (n < 2)
		return fail(p, "expect needs FIELD=VALUE");
	for (int i = 1; i < n; i++) {
		struct vf_expect ex;
		char *eq = strchr(w[i], '=');
		bool known = false;
		uint64_t x;

		if (!eq || eq == w[i] || !eq[1])
			return fail(p, "expected FIELD=VALUE, got '%s'", w[i]);
		*eq = 0;
		for (int k = 0; out_keys[k]; k++)
			known |= !strcmp(out_keys[k], w[i]);
		if (!known)
			return fail(p, "expect: unknown field '%s'", w[i]);
		if (!strcmp(w[i], "errno")) {
			if (strcmp(eq + 1, "0") && vf_errno_lookup(eq + 1) < 0)
				return fail(p, "expect: unknown errno '%s'", eq + 1);
		} else if (strcmp(w[i], "bitmap") && strcmp(w[i], "canary") &&
			   strcmp(w[i], "bytes") && strcmp(w[i], "completed") &&
			   strcmp(w[i], "fault") && strcmp(w[i], "wrote") &&
			   strcmp(w[i], "digest") && strcmp(w[i], "staging") &&
			   strcmp(w[i], "fd") && strcmp(w[i], "flags") && strcmp(w[i], "status")) {
			const char *e = eq[1] == '-' ? vf_parse_number(eq + 2, &x) :
						       vf_parse_number(eq + 1, &x);

			if (e)
				return fail(p, "expect %s: %s '%s'", w[i], e, eq + 1);
		}
		if (strlen(w[i]) >= sizeof(ex.key) || strlen(eq + 1) >= sizeof(ex.value))
			return fail(p, "expect: value too long");
		memset(&ex, 0, sizeof(ex));
		strcpy(ex.scope, scope);
		strcpy(ex.key, w[i]);
		strcpy(ex.value, eq + 1);
		ex.line = p->line;
		for (unsigned k = 0; k < p->last_step_count; k++) {
			struct vf_step *s = &c->steps[p->last_step_first + k];

			s->expects = realloc(s->expects, (s->n_expects + 1) * sizeof(ex));
			if (!s->expects) {
				fputs("vfconform: out of memory\n", stderr);
				exit(2);
			}
			s->expects[s->n_expects++] = ex;
		}
	}
	return true;
}

/* Cut a comment ('#' at the start or after whitespace) and trailing blanks. */
static void strip_comment(char *line)
{
	for (char *q = line; *q; q++) {
		if (*q == '#' && (q == line || isspace((unsigned char)q[-1]))) {
			*q = 0;
			break;
		}
	}
	for (size_t len = strlen(line); len && isspace((unsigned char)line[len - 1]); len--)
		line[len - 1] = 0;
}

static int split_words(char *s, char **w)
{
	int n = 0;

	while (*s) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		if (n == MAX_WORDS)
			return -1;
		w[n++] = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
		if (*s)
			*s++ = 0;
	}
	return n;
}

static bool parse_line(struct parser *p, char *line)
{
	char *w[MAX_WORDS];
	char text[MAX_LINE];
	const char *rest;
	int n, idx, op;

	for (char *q = line; *q; q++)
		if ((unsigned char)*q < 0x20 && *q != '\t')
			return fail(p, "control character in line");
	strip_comment(line);
	/* keep the text after the keyword verbatim for 'about' */
	snprintf(text, sizeof(text), "%s", line);
	rest = text + strspn(text, " \t");
	rest += strcspn(rest, " \t");
	rest += strspn(rest, " \t");
	n = split_words(line, w);
	if (n < 0)
		return fail(p, "too many words (at most %d)", MAX_WORDS);
	if (n == 0)
		return true;
	idx = header_index(w[0]);
	if (idx >= 0) {
		if (p->in_steps)
			return fail(p, "header keyword '%s' after the first step", w[0]);
		return parse_header(p, idx, w, n, rest);
	}
	if (!strncmp(w[0], "expect", 6))
		return parse_expect(p, w, n);
	p->proc = 0;
	if (w[0][0] == '@') {
		uint64_t v;

		if (w[0][1] != 'p' || !vf_parse_term(w[0] + 2, &v) || v == 0 || v >= VF_MAX_PROCS)
			return fail(p, "bad process prefix '%s' (expected @p1..@p%d)", w[0],
				    VF_MAX_PROCS - 1);
		if (!(p->procs_alive & (1u << v)))
			return fail(p, "process p%llu is not running here (FORK proc=p%llu first)",
				    (unsigned long long)v, (unsigned long long)v);
		if (n < 2)
			return fail(p, "'%s' needs a step", w[0]);
		p->proc = (unsigned)v;
		n--;
		memmove(w, w + 1, n * sizeof(*w));
		if (vf_op_lookup(w[0]) < 0)
			return fail(p, "unknown ioctl '%s' after '@p%u'", w[0], p->proc);
	}
	op = vf_op_lookup(w[0]);
	if (op >= 0)
		return parse_step(p, op, w, n);
	return fail(p, "unknown keyword or ioctl '%s'", w[0]);
}

static bool finish(struct parser *p)
{
	struct vf_case *c = p->c;

	begin_steps(p);
	if (!c->name)
		return fail(p, "missing 'name'");
	if (!c->about)
		return fail(p, "missing 'about'");
	if (!c->n_tags)
		return fail(p, "missing 'tags'");
	if (c->attach != VF_ATTACH_NONE && !c->n_groups)
		return fail(p, "'attach %s' with no groups", c->attach == VF_ATTACH_BEFORE ?
			    "before" : "after");
	for (unsigned i = 0; i < c->n_cites; i++) {
		bool listed = false;

		for (unsigned k = 0; k < c->n_clients; k++)
			listed |= !strcmp(c->clients[k], c->cites[i].client);
		if (!listed) {
			p->line = c->cites[i].line;
			return fail(p, "cite: client '%s' is not in 'clients'", c->cites[i].client);
		}
	}
	for (unsigned i = 0; i < c->n_bufs; i++)
		if (c->bufs[i].kind == VF_BUF_BAR && !c->n_groups)
			return fail(p, "bar buffer '%s' needs a group", c->bufs[i].name);
	return true;
}

struct vf_case *vf_case_parse_string(const char *path, const char *text, char *err, size_t errlen)
{
	struct parser p = { .path = path, .err = err, .errlen = errlen };
	const char *s = text;
	bool ok = true;

	p.c = xcalloc(1, sizeof(*p.c));
	p.c->path = xstrdup(path);
	p.c->n_groups = 1;	/* groups g0 */
	p.containers_open = 1;	/* c0 */
	p.c->timeout = 10;
	while (ok && *s) {
		char line[MAX_LINE];
		size_t n = strcspn(s, "\n");

		p.line++;
		if (n >= sizeof(line)) {
			ok = fail(&p, "line too long (at most %d characters)", MAX_LINE - 1);
			break;
		}
		memcpy(line, s, n);
		line[n] = 0;
		if (n && line[n - 1] == '\r')
			line[n - 1] = 0;
		ok = parse_line(&p, line);
		s += n;
		if (*s == '\n')
			s++;
	}
	if (ok)
		ok = finish(&p);
	if (ok)
		return p.c;
	vf_case_free(p.c);
	return NULL;
}

struct vf_case *vf_case_parse_file(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	struct vf_case *c;
	char *text = NULL;
	size_t len = 0, cap = 0, n;
	char chunk[4096];

	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %m", path);
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (len + n + 1 > cap) {
			cap = (len + n + 1) * 2;
			text = realloc(text, cap);
			if (!text) {
				fclose(f);
				snprintf(err, errlen, "%s: out of memory", path);
				return NULL;
			}
		}
		memcpy(text + len, chunk, n);
		len += n;
		if (len > (1u << 20)) {
			fclose(f);
			free(text);
			snprintf(err, errlen, "%s: file larger than 1 MiB", path);
			return NULL;
		}
	}
	fclose(f);
	if (!text)
		text = xcalloc(1, 1);
	text[len] = 0;
	if (strlen(text) != len) {
		size_t line = 1;

		for (const char *q = text; *q; q++)
			line += *q == '\n';
		snprintf(err, errlen, "%s:%zu: NUL byte in file", path, line);
		free(text);
		return NULL;
	}
	c = vf_case_parse_string(path, text, err, errlen);
	free(text);
	return c;
}

void vf_case_free(struct vf_case *c)
{
	if (!c)
		return;
	free(c->path);
	free(c->name);
	free(c->about);
	for (unsigned i = 0; i < c->n_tags; i++)
		free(c->tags[i]);
	free(c->tags);
	for (unsigned i = 0; i < c->n_clients; i++)
		free(c->clients[i]);
	free(c->clients);
	for (unsigned i = 0; i < c->n_cites; i++) {
		free(c->cites[i].client);
		free(c->cites[i].source);
	}
	free(c->cites);
	for (unsigned i = 0; i < c->n_steps; i++) {
		free(c->steps[i].raw);
		free(c->steps[i].expects);
	}
	free(c->steps);
	free(c);
}

/*
 * filter.c -- see filter.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/rec_time.h"
#include "rules/filter.h"
#include "util/suggest.h"
#include "util/text.h"
#include "util/xalloc.h"

const char *const zt_col_names[ZT_COL_COUNT] = {
	"pod", "level", "message", "direction",
	"src_addr", "src_ip", "src_port", "src_workload",
	"src_namespace", "src_identity", "src_cluster",
	"dst_addr", "dst_ip", "dst_port", "dst_hbone_addr",
	"dst_hbone_host", "dst_hbone_port", "dst_service",
	"dst_workload", "dst_namespace", "dst_identity",
	"dst_cluster", "bytes_sent", "bytes_recv",
	"duration_ms", "error", "hbone", "via_waypoint", "ts",
};

int
zt_col_lookup(const char *name)
{
	int	 i;

	for (i = 0; i < ZT_COL_COUNT; i++)
		if (strcmp(name, zt_col_names[i]) == 0)
			return i;
	return -1;
}

int
zt_col_numeric(enum zt_col c)
{
	switch (c) {
	case ZT_COL_SRC_PORT: case ZT_COL_DST_PORT: case ZT_COL_DST_HBONE_PORT:
	case ZT_COL_BYTES_SENT: case ZT_COL_BYTES_RECV: case ZT_COL_DURATION_MS:
	case ZT_COL_HBONE: case ZT_COL_VIA_WAYPOINT: case ZT_COL_TS:
		return 1;
	default:
		return 0;
	}
}

/* Append n bytes of p to f's key, after their length. */
static void
key_add(struct zt_buf *b, const void *p, size_t n)
{
	uint32_t	 len = (uint32_t)n;

	zt_buf_add(b, (const char *)&len, sizeof(len));
	zt_buf_add(b, p, n);
}

/* The key of f's conditions, in the order written. */
static void
filter_key(struct zt_filter *f)
{
	struct zt_buf	 b = { NULL, 0, 0 };
	size_t		 i, k;
	unsigned char	 h[2];

	for (i = 0; i < f->n; i++) {
		h[0] = (unsigned char)f->c[i].col;
		h[1] = (unsigned char)f->c[i].op;
		key_add(&b, h, 2);
		for (k = 0; k < f->c[i].nvals; k++)
			key_add(&b, f->c[i].vals[k], strlen(f->c[i].vals[k]));
		if (f->c[i].pat != NULL)
			key_add(&b, f->c[i].pat, strlen(f->c[i].pat));
		if (f->c[i].op == ZT_COND_RANGE) {
			key_add(&b, &f->c[i].lo, sizeof(f->c[i].lo));
			key_add(&b, &f->c[i].hi, sizeof(f->c[i].hi));
		}
	}
	f->key = b.p;
	f->nkey = b.n;
}

/* ts: {since: T, until: T}, either or both, into cd. */
static int
range(struct zt_yctx *c, const struct zt_ynode *v, const char *what,
    struct zt_cond *cd)
{
	const struct zt_ynode	*k;
	const struct zt_ynode	*t;
	int64_t			 ns;
	int			 off, z;
	size_t			 i, n;

	cd->op = ZT_COND_RANGE;
	cd->lo = INT64_MIN;
	cd->hi = INT64_MAX;
	for (i = 0; i + 1 < v->nkid; i += 2) {
		k = v->kid[i];
		t = v->kid[i + 1];
		if (k->t != ZT_Y_SCALAR || (strcmp(k->s, "since") != 0 &&
		    strcmp(k->s, "until") != 0))
			return zt_yaml_bad(c, k, "%s.ts: expected since: and "
			    "until: (or in, match, not_match alone)", what);
		if (zt_yaml_scalar(c, t, k->s) == -1)
			return -1;
		n = strlen(t->s);
		if (zt_rfc3339(t->s, t->s + n, &ns, &off, &z) != n)
			return zt_yaml_bad(c, t, "%s.ts.%s: '%s' is not an RFC "
			    "3339 time such as 2024-11-19T12:00:00Z", what, k->s,
			    t->s);
		if (k->s[0] == 's')
			cd->lo = ns / 1000;
		else
			cd->hi = ns / 1000;
	}
	return 0;
}

/* {in: [a, b]}, {match: PCRE} or {not_match: PCRE} into cd. */
static int
operator(struct zt_yctx *c, const struct zt_ynode *v, const char *what,
    const char *col, struct zt_cond *cd)
{
	const struct zt_ynode	*op = v->kid[1];
	const char		*name = v->kid[0]->s;
	size_t			 j;

	if (strcmp(name, "in") == 0) {
		cd->op = ZT_COND_IN;
		if (op->t != ZT_Y_SEQ)
			return zt_yaml_bad(c, op, "%s.%s.in: expected a list",
			    what, col);
		cd->vals = zt_xcalloc(op->nkid, sizeof(*cd->vals));
		for (j = 0; j < op->nkid; j++) {
			if (zt_yaml_scalar(c, op->kid[j], "in") == -1)
				return -1;
			cd->vals[cd->nvals++] = zt_xstrdup(op->kid[j]->s);
		}
		return 0;
	}
	if (strcmp(name, "match") == 0 || strcmp(name, "not_match") == 0) {
		cd->op = name[0] == 'm' ? ZT_COND_MATCH : ZT_COND_NOT_MATCH;
		if ((cd->re = zt_yaml_regex(c, op, name)) == NULL)
			return -1;
		cd->pat = zt_xstrdup(op->s);
		return 0;
	}
	return zt_yaml_bad(c, v->kid[0], "%s.%s: unknown operator '%s' (in, "
	    "match, not_match)", what, col, name);
}

int
zt_filter_parse(struct zt_yctx *c, const struct zt_ynode *n, const char *what,
    struct zt_filter *f)
{
	const struct zt_ynode	*k;
	const struct zt_ynode	*v;
	struct zt_cond		*cd;
	size_t			 i;
	int			 col;

	if (n->t != ZT_Y_MAP)
		return zt_yaml_bad(c, n, "%s: expected a mapping of column: "
		    "condition", what);
	for (i = 0; i + 1 < n->nkid; i += 2) {
		k = n->kid[i];
		v = n->kid[i + 1];
		if (k->t != ZT_Y_SCALAR || (col = zt_col_lookup(k->s)) < 0) {
			const char *sug = k->t == ZT_Y_SCALAR ? zt_suggest(k->s,
			    zt_col_names, ZT_COL_COUNT) : NULL;

			if (sug != NULL)
				return zt_yaml_bad(c, k, "%s: unknown column "
				    "'%s' (did you mean '%s'?)", what, k->s, sug);
			return zt_yaml_bad(c, k, "%s: unknown column '%s' (see "
			    "the records view in ztlog(1))", what,
			    k->t == ZT_Y_SCALAR ? k->s : "?");
		}
		f->c = zt_xrealloc(f->c, (f->n + 1) * sizeof(*f->c));
		cd = &f->c[f->n++];
		memset(cd, 0, sizeof(*cd));
		cd->col = (enum zt_col)col;
		f->cols |= (uint64_t)1 << col;
		if (v->t == ZT_Y_SCALAR) {
			cd->op = ZT_COND_EQ;
			cd->vals = zt_xmalloc(sizeof(*cd->vals));
			cd->vals[0] = zt_xstrdup(v->s);
			cd->nvals = 1;
			continue;
		}
		if (col == ZT_COL_TS && v->t == ZT_Y_MAP && v->nkid >= 2 &&
		    v->kid[0]->t == ZT_Y_SCALAR && (strcmp(v->kid[0]->s,
		    "since") == 0 || strcmp(v->kid[0]->s, "until") == 0)) {
			if (range(c, v, what, cd) == -1)
				return -1;
			continue;
		}
		if (v->t != ZT_Y_MAP || v->nkid != 2 ||
		    v->kid[0]->t != ZT_Y_SCALAR)
			return zt_yaml_bad(c, v, "%s.%s: expected a value, {in: "
			    "[...]}, {match: PCRE} or {not_match: PCRE}", what,
			    k->s);
		if (operator(c, v, what, k->s, cd) == -1)
			return -1;
	}
	if (f->n > 0 && f->md == NULL)
		f->md = pcre2_match_data_create(4, NULL);
	filter_key(f);
	return 0;
}

int
zt_filter_eval(const struct zt_filter *f, const struct zt_str *s,
    const int64_t *num, struct zt_rebudget *b, char *msg, size_t msgsize)
{
	const struct zt_cond	*c;
	struct zt_str		 v;
	char			 nbuf[32];
	size_t			 i;
	size_t			 k;
	int			 r;
	int			 hit;

	for (i = 0; i < f->n; i++) {
		c = &f->c[i];
		v = s[c->col];
		if (c->op == ZT_COND_RANGE) {
			if (v.p == NULL || num[c->col] < c->lo ||
			    num[c->col] >= c->hi)
				return 0;
			continue;
		}
		if (c->col == ZT_COL_TS && v.p != NULL) {
			zt_format_ts(num[c->col], nbuf);
			v.p = nbuf;
			v.n = strlen(nbuf);
		} else if (zt_col_numeric(c->col) && v.p != NULL) {
			snprintf(nbuf, sizeof(nbuf), "%" PRId64, num[c->col]);
			v.p = nbuf;
			v.n = strlen(nbuf);
		}
		switch (c->op) {
		case ZT_COND_EQ:
		case ZT_COND_IN:
			hit = 0;
			for (k = 0; k < c->nvals && !hit; k++)
				hit = v.p != NULL && strlen(c->vals[k]) == v.n &&
				    memcmp(c->vals[k], v.p, v.n) == 0;
			if (!hit)
				return 0;
			break;
		case ZT_COND_MATCH:
		case ZT_COND_NOT_MATCH:
			if (v.p == NULL) {
				if (c->op == ZT_COND_MATCH)
					return 0;
				break;
			}
			r = zt_re_match(c->re, f->md, v, b, msg, msgsize);
			if (r == -1)
				return -1;
			if (r != (c->op == ZT_COND_MATCH))
				return 0;
			break;
		case ZT_COND_RANGE:
			break;
		}
	}
	return 1;
}

void
zt_filter_free(struct zt_filter *f)
{
	size_t	 i;
	size_t	 k;

	for (i = 0; i < f->n; i++) {
		for (k = 0; k < f->c[i].nvals; k++)
			free(f->c[i].vals[k]);
		free(f->c[i].vals);
		free(f->c[i].pat);
		pcre2_code_free(f->c[i].re);
	}
	free(f->c);
	free(f->key);
	pcre2_match_data_free(f->md);
	memset(f, 0, sizeof(*f));
}

/*
 * errors.c -- the errors check: connections do not end in errors.  See
 * ztlog(1), CHECKS, and ztlog-rules(5).
 *
 * Counts the records with an error by error text and by flow (source
 * workload or address, destination workload, service or address); a
 * result shows the errors by ztunnel's failure kind (errcat.h), the
 * largest first, each with its texts and a next step, then the texts no
 * kind claims, then the busiest flows, each with its first record.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/chsql.h"
#include "check/errcat.h"
#include "check/imap.h"
#include "check/result.h"
#include "check/type.h"
#include "util/xalloc.h"

struct cfg {
	int64_t		 max;		/* allowed error records */
};

struct state {
	int64_t		 checked;
	struct zt_imap	 eix;		/* error id -> ecount */
	int64_t		*ecount;
	struct zt_imap	 fix;		/* (src, dst) -> fcount, fex */
	int64_t		*fcount;
	struct zt_exlist *fex;		/* first record of the flow */
};

static const char *const keys[] = { "max", NULL };

static int
parse(struct zt_yctx *y, const struct zt_ynode *n, struct zt_rule *r)
{
	const struct zt_ynode	*v;
	struct cfg		*cf;

	cf = r->cfg = zt_xcalloc(1, sizeof(*cf));
	if ((v = zt_yaml_get(n, "max")) != NULL &&
	    zt_yaml_integer(y, v, "max", &cf->max) == -1)
		return -1;
	return 0;
}

static void
cfg_free(void *p)
{
	free(p);
}

static void *
new(const struct zt_rule *r)
{
	struct state	*s = zt_xcalloc(1, sizeof(*s));

	(void)r;
	zt_imap_init(&s->eix, 1);
	zt_imap_init(&s->fix, 2);
	return s;
}

static void
state_free(void *p)
{
	struct state	*s = p;
	int64_t		 i;

	for (i = 0; i < s->fix.n; i++)
		zt_exlist_free(&s->fex[i]);
	zt_imap_fini(&s->eix);
	zt_imap_fini(&s->fix);
	free(s->ecount);
	free(s->fcount);
	free(s->fex);
	free(s);
}

/* The count of error id k, 0 if new. */
static int64_t *
error_entry(struct state *s, const int64_t *k)
{
	int	 added;
	int64_t	 ix = zt_imap_add(&s->eix, k, &added);

	if (added) {
		zt_arr_room((void **)&s->ecount, (size_t)ix,
		    sizeof(*s->ecount));
		s->ecount[ix] = 0;
	}
	return &s->ecount[ix];
}

/* The index of flow k, with a zero count and no example if new. */
static int64_t
flow_entry(struct state *s, const int64_t k[2])
{
	int	 added;
	int64_t	 ix = zt_imap_add(&s->fix, k, &added);

	if (added) {
		zt_arr_room((void **)&s->fcount, (size_t)ix,
		    sizeof(*s->fcount));
		zt_arr_room((void **)&s->fex, (size_t)ix, sizeof(*s->fex));
		s->fcount[ix] = 0;
		memset(&s->fex[ix], 0, sizeof(s->fex[ix]));
	}
	return ix;
}

static int
feed(void *p, const struct zt_rule *r, const struct zt_row *row,
    const struct zt_check_ctx *cx, char *msg, size_t msgsize)
{
	struct state	*s = p;
	int64_t		 k[2];
	int64_t		 ix;

	(void)r;
	(void)cx;
	(void)msg;
	(void)msgsize;
	if (row->s[ZT_COL_MESSAGE].p != NULL &&
	    ZT_STR_EQ(row->s[ZT_COL_MESSAGE], "connection opened"))
		return 0;
	s->checked++;
	if (!row->error_id)
		return 0;
	(*error_entry(s, &row->error_id))++;
	k[0] = row->src_wl_id ? row->src_wl_id : -row->src_ip_id;
	k[1] = row->dst_wl_id ? row->dst_wl_id : row->service_id ?
	    (int64_t)1 << 40 | row->service_id : -row->dst_host_id;
	ix = flow_entry(s, k);
	if (s->fex[ix].n == 0)
		zt_exlist_add(&s->fex[ix], row, 1);
	s->fcount[ix]++;
	return 0;
}

static void
merge(void *into, void *from, const struct zt_check_ctx *cx)
{
	struct state	*a = into;
	struct state	*b = from;
	int64_t		 i;
	int64_t		 ix;

	(void)cx;
	a->checked += b->checked;
	for (i = 0; i < b->eix.n; i++)
		*error_entry(a, zt_imap_key(&b->eix, i)) += b->ecount[i];
	for (i = 0; i < b->fix.n; i++) {
		ix = flow_entry(a, zt_imap_key(&b->fix, i));
		a->fcount[ix] += b->fcount[i];
		zt_exlist_merge(&a->fex[ix], &b->fex[i], 1);
	}
}

struct ranked {
	int64_t		 count;
	int64_t		 ix;
};

/* Largest count first, then the first index. */
static int
by_count(const void *x, const void *y)
{
	const struct ranked	*a = x;
	const struct ranked	*b = y;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return a->ix < b->ix ? -1 : a->ix > b->ix;
}

/* count[0..n) ranked; the first *ntop (at most max) are to be shown. */
static struct ranked *
top(const int64_t *count, int64_t n, int max, size_t *ntop)
{
	struct ranked	*v = zt_xcalloc(n > 0 ? (size_t)n : 1, sizeof(*v));
	int64_t		 i;

	for (i = 0; i < n; i++) {
		v[i].count = count[i];
		v[i].ix = i;
	}
	if (n > 1)
		qsort(v, (size_t)n, sizeof(*v), by_count);
	*ntop = n < max ? (size_t)n : max > 0 ? (size_t)max : 0;
	return v;
}

/* The texts of kind k shown on its line: a few, the most frequent. */
#define KIND_TEXTS	3

/*
 * One line for kind k: its count, meaning, id and flag, its texts, the
 * next step (but for the first).  v ranks the error texts; cat[ix] is
 * each text's kind.
 */
static void
kind_line(const struct state *s, const struct zt_check_ctx *cx,
    struct zt_result *res, int k, int64_t n, const struct ranked *v,
    const int *cat, int first)
{
	const struct zt_errcat	*c = &zt_errcats[k];
	struct zt_buf		 b = { NULL, 0, 0 };
	struct zt_str		 e;
	char			 num[48];
	int64_t			 i, shown = 0, more = 0;

	for (i = 0; i < s->eix.n; i++) {
		if (cat[v[i].ix] != k)
			continue;
		if (shown++ == KIND_TEXTS) {
			more++;
			shown--;
			continue;
		}
		e = zt_dims_str(cx->dm, zt_imap_key(&s->eix, v[i].ix)[0]);
		zt_buf_add(&b, shown > 1 ? ", \"" : "\"", shown > 1 ? 3 : 1);
		if (e.p != NULL)
			zt_buf_add(&b, e.p, e.n);
		snprintf(num, sizeof(num), "\" x%" PRId64, v[i].count);
		zt_buf_add(&b, num, strlen(num));
	}
	if (more > 0) {
		snprintf(num, sizeof(num), " and %" PRId64 " more text%s", more,
		    more == 1 ? "" : "s");
		zt_buf_add(&b, num, strlen(num));
	}
	zt_buf_addc(&b, '\0');
	/* The first kind's next step is the result's hint. */
	zt_result_example(res, NULL, 0, "%" PRId64 " x %s [%s; flag %s]: %s%s%s",
	    n, c->what, c->id, c->flag, b.p, first ? "" : "; next: ",
	    first ? "" : c->next);
	zt_buf_free(&b);
}

/*
 * The errors by kind, the largest first, then the texts no kind claims.
 * Returns the largest kind, or -1 when no text has one.
 */
static int
kinds(const struct state *s, const struct zt_check_ctx *cx,
    struct zt_result *res)
{
	int64_t		 kc[ZT_ERRCAT_N];
	struct ranked	*v, kr[ZT_ERRCAT_N];
	int		*cat;
	size_t		 n, i, nk;
	int64_t		 j;
	int		 shown;

	v = top(s->ecount, s->eix.n, cx->examples, &n);
	cat = zt_xcalloc(s->eix.n > 0 ? (size_t)s->eix.n : 1, sizeof(*cat));
	memset(kc, 0, sizeof(kc));
	for (j = 0; j < s->eix.n; j++) {
		cat[j] = zt_errcat_of(zt_dims_str(cx->dm,
		    zt_imap_key(&s->eix, j)[0]));
		if (cat[j] >= 0)
			kc[cat[j]] += s->ecount[j];
	}
	for (i = nk = 0; i < ZT_ERRCAT_N; i++)
		if (kc[i] > 0) {
			kr[nk].count = kc[i];
			kr[nk++].ix = (int64_t)i;
		}
	if (nk > 1)
		qsort(kr, nk, sizeof(*kr), by_count);
	/* Every kind (seven at most), unless no examples are wanted. */
	for (i = 0; i < nk && cx->examples > 0; i++)
		kind_line(s, cx, res, (int)kr[i].ix, kr[i].count, v, cat,
		    i == 0);
	for (j = 0, shown = 0; j < s->eix.n && shown < cx->examples; j++) {
		struct zt_str e;

		if (cat[v[j].ix] >= 0)
			continue;
		e = zt_dims_str(cx->dm, zt_imap_key(&s->eix, v[j].ix)[0]);
		zt_result_example(res, NULL, 0, "%" PRId64 " x error \"%s\"",
		    v[j].count, e.p != NULL ? e.p : "?");
		shown++;
	}
	free(cat);
	free(v);
	return nk > 0 ? (int)kr[0].ix : -1;
}

/* The errors by kind and text, then the busiest flows. */
static int
examples(const struct state *s, const struct zt_check_ctx *cx,
    struct zt_result *res)
{
	const struct zt_exitem	*x;
	struct ranked		*v;
	size_t			 n, i;
	char			*text;
	int			 k;

	k = kinds(s, cx, res);
	v = top(s->fcount, s->fix.n, cx->examples, &n);
	for (i = 0; i < n; i++) {
		if (s->fex[v[i].ix].n == 0)
			continue;
		x = &s->fex[v[i].ix].v[0];
		text = zt_exitem_render(cx->dm, x);
		zt_result_example(res, zt_refs_source(cx->refs, x->src),
		    x->line, "%" PRId64 " x this flow, first: %s", v[i].count,
		    text);
		free(text);
	}
	free(v);
	return k;
}

static void
snapshot(const void *p, const struct zt_rule *r, const struct zt_check_ctx *cx,
    struct zt_result *res)
{
	const struct cfg	*cf = r->cfg;
	const struct state	*s = p;
	int64_t			 total = 0;
	int64_t			 i;
	int			 k;

	for (i = 0; i < s->eix.n; i++)
		total += s->ecount[i];
	k = examples(s, cx, res);
	zt_result_count(res, "records", s->checked);
	zt_result_count(res, "errors", total);
	zt_result_count(res, "distinct_errors", s->eix.n);
	zt_result_count(res, "max", cf->max);
	if (total > cf->max) {
		res->status = zt_result_failed(r);
		snprintf(res->summary, sizeof(res->summary), "%" PRId64 " of %"
		    PRId64 " connection%s ended in an error (%" PRId64
		    " allowed)", total, s->checked, s->checked == 1 ? "" : "s",
		    cf->max);
		/* The largest kind's next step (each kind's is on its line). */
		res->hint = k >= 0 ? zt_errcats[k].next : "read the error "
		    "texts: \"connection refused\" is the application port, "
		    "\"timed out ... 15008\" a NetworkPolicy on the HBONE port, "
		    "\"policy rejection\" an AuthorizationPolicy, \"no healthy "
		    "upstream\" a service without ready endpoints";
	} else if (s->checked == 0) {
		res->status = ZT_ST_SKIP;
		snprintf(res->summary, sizeof(res->summary), "no records");
	} else {
		res->status = ZT_ST_PASS;
		snprintf(res->summary, sizeof(res->summary), "%" PRId64 " of %"
		    PRId64 " connection%s ended in an error (%" PRId64
		    " allowed)", total, s->checked, s->checked == 1 ? "" : "s",
		    cf->max);
	}
}

/*
 * The error texts by ztunnel's failure kind (errcat.c: the first kind
 * one of whose texts the error holds, ASCII case ignored; '' for none).
 */
static void
ch_kinds(struct zt_buf *b)
{
	const char *const	*p;
	int			 k;

	zt_chsql_add(b, "-- the error texts by ztunnel's failure kind\n"
	    "SELECT multiIf(\n");
	for (k = 0; k < ZT_ERRCAT_N; k++) {
		zt_chsql_add(b, "    ");
		for (p = zt_errcats[k].pat; *p != NULL; p++) {
			zt_chsql_add(b, "%spositionCaseInsensitive(error, ",
			    p == zt_errcats[k].pat ? "" : "\n      OR ");
			zt_chsql_str(b, *p);
			zt_chsql_add(b, ") > 0");
		}
		zt_chsql_add(b, ",\n      ");
		zt_chsql_str(b, zt_errcats[k].id);
		zt_chsql_add(b, ",\n");
	}
	zt_chsql_add(b, "    '') AS kind,\n"
	    "  error, count() AS records FROM records\n"
	    "WHERE ifNull(message, '') != 'connection opened'\n"
	    "  AND error IS NOT NULL\n"
	    "GROUP BY kind, error\n"
	    "ORDER BY kind = '', sum(records) OVER (PARTITION BY kind) DESC,\n"
	    "  kind, records DESC, error;\n");
}

/*
 * As SQL: the records other than `connection opened`, those with an
 * error, and the error texts by failure kind and count (a second
 * statement).
 */
static int
clickhouse(const struct zt_rule *r, struct zt_buf *b, char *msg,
    size_t msgsize)
{
	const struct cfg	*cf = r->cfg;
	const char		*failed = zt_chsql_head(b, r);

	(void)msg;
	(void)msgsize;
	zt_chsql_add(b, "SELECT\n"
	    "  countIf(ifNull(message, '') != 'connection opened') AS records,\n"
	    "  countIf(ifNull(message, '') != 'connection opened'\n"
	    "    AND error IS NOT NULL) AS errors,\n"
	    "  uniqExactIf(error, ifNull(message, '') != 'connection opened'\n"
	    "    AND error IS NOT NULL) AS distinct_errors,\n"
	    "  %lld AS max,\n"
	    "  if(errors > max, '%s', 'pass') AS status\n"
	    "FROM records;\n", (long long)cf->max, failed);
	ch_kinds(b);
	return 0;
}

const struct zt_check_type zt_check_errors = {
	.name = "errors",
	.keys = keys,
	.where = 1,
	.parse = parse,
	.cfg_free = cfg_free,
	.new = new,
	.feed = feed,
	.merge = merge,
	.snapshot = snapshot,
	.free = state_free,
	.clickhouse = clickhouse,
};

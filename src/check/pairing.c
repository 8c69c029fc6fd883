/*
 * pairing.c -- the pairing check: both ztunnels logged each HBONE
 * connection.  See ztlog(1), CHECKS, and ztlog-rules(5).
 *
 * Every complete HBONE record is kept as a 36-byte entry (pairtab.h),
 * bucketed by a hash of its key (client address, HBONE address, destination workload,
 * byte counts) as it is fed: twins share a key, so they share a bucket.
 * A snapshot gathers, sorts and matches one small bucket at a time, on a
 * scratch copy (no sort of the whole set, and the entries stay as fed),
 * then judges what stayed unmatched by whether the other side's ztunnel
 * was observable (pairwalk.c).
 *
 * Clocks: each ztunnel stamps its lines with its own node's clock.  A
 * first pass over the buckets takes the keys with exactly one record a
 * side (unambiguous twins) as samples of the clock offset between the
 * two ztunnels (pairmatch.h: the median per pair, a clock per ztunnel;
 * pairs no such twin measured: the pile of candidate dt of ambiguous
 * keys); the second pass matches each key's records on corrected times, one to
 * one by an optimal assignment within the tolerance.
 *
 * Under a window (zt_check_ctx.window_us) entries older than the window
 * plus the tolerance plus ZT_PSLACK are dropped as records arrive, and
 * only records within the window are judged.
 */
#include <sys/types.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/chsql.h"
#include "check/imap.h"
#include "check/pairmatch.h"
#include "check/pairing.h"
#include "check/pairtab.h"
#include "check/result.h"
#include "check/type.h"
#include "store/store.h"
#include "util/xalloc.h"

struct cfg {
	int64_t		 window_ms;	/* close-time tolerance */
	pcre2_code	*waypoint;	/* waypoint identity/workload */
	char		*wp_pattern;	/* its pattern */
};

static const char *const keys[] = { "window", "waypoint", NULL };

static int
parse(struct zt_yctx *y, const struct zt_ynode *n, struct zt_rule *r)
{
	const struct zt_ynode	*v;
	struct cfg		*cf;
	size_t			 off;

	cf = r->cfg = zt_xcalloc(1, sizeof(*cf));
	cf->window_ms = 2000;
	if ((v = zt_yaml_get(n, "window")) != NULL &&
	    zt_yaml_duration(y, v, "window", &cf->window_ms) == -1)
		return -1;
	if ((v = zt_yaml_get(n, "waypoint")) != NULL)
		cf->waypoint = zt_yaml_regex(y, v, "waypoint");
	else
		cf->waypoint = zt_re_compile("waypoint", 8, &off, y->err->msg,
		    sizeof(y->err->msg));
	if (cf->waypoint == NULL)
		return -1;
	cf->wp_pattern = zt_xstrdup(v != NULL ? v->s : "waypoint");
	return 0;
}

static void
cfg_free(void *p)
{
	struct cfg	*cf = p;

	pcre2_code_free(cf->waypoint);
	free(cf->wp_pattern);
	free(cf);
}

/* The state holds what the waypoint pattern let through; the window is
   only for rendering. */
static void
share(const struct zt_rule *r, struct zt_buf *key)
{
	const struct cfg	*cf = r->cfg;

	zt_buf_add(key, cf->wp_pattern, strlen(cf->wp_pattern) + 1);
}

static void *
new(const struct zt_rule *r)
{
	struct zt_pstate	*s = zt_xcalloc(1, sizeof(*s));

	(void)r;
	s->newest = -1;
	s->md = pcre2_match_data_create(4, NULL);
	return s;
}

static void
state_free(void *p)
{
	struct zt_pstate	*s = p;

	zt_ptab_free(&s->po);
	zt_ptab_free(&s->pi);
	free(s->big);
	pcre2_match_data_free(s->md);
	free(s);
}

/* Does an inbound row come from a waypoint, by name?  -1: regex error. */
static int
from_named_waypoint(const struct cfg *cf, struct zt_pstate *s,
    const struct zt_row *row, struct zt_rebudget *b, char *msg,
    size_t msgsize)
{
	char		 emsg[160];
	size_t		 h = (size_t)row->src_peer % ZT_PWPC;
	uint64_t	 spent = b != NULL ? b->expensive : 0;
	int		 r = 0;

	if (row->src_peer != 0 && s->wpc_id[h] == row->src_peer)
		return s->wpc_r[h];
	if (row->s[ZT_COL_SRC_IDENTITY].p != NULL)
		r = zt_re_match(cf->waypoint, s->md,
		    row->s[ZT_COL_SRC_IDENTITY], b, emsg, sizeof(emsg));
	if (r == 0 && row->s[ZT_COL_SRC_WORKLOAD].p != NULL)
		r = zt_re_match(cf->waypoint, s->md,
		    row->s[ZT_COL_SRC_WORKLOAD], b, emsg, sizeof(emsg));
	if (r == -1) {
		snprintf(msg, msgsize, "waypoint: %s", emsg);
		return r;
	}
	/*
	 * A match that took the run's budget (re.h) is not remembered: it
	 * is charged again each time, as it was before there was a cache.
	 */
	if (row->src_peer != 0 && (b == NULL || b->expensive == spent)) {
		s->wpc_id[h] = row->src_peer;
		s->wpc_r[h] = (uint8_t)r;
	}
	return r;
}

static void
add_entry(struct zt_pstate *s, const struct zt_row *row, int64_t cb, int64_t sb)
{
	struct zt_pent	 e;
	uint64_t	 tsf = (uint64_t)row->ts_us << 2;

	/* Ids and keys are below ZT_NAMES_MAXID. */
	e.cb = (uint32_t)cb;
	e.sb = (uint32_t)sb;
	e.src = (uint32_t)row->src_ip_id;
	e.hb = (uint32_t)row->hbone_id;
	e.wl = (uint32_t)row->dst_wl_id;
	e.ref = (uint32_t)row->ref;
	e.pod = (uint32_t)row->pod_id;
	/*
	 * A connection that ended in an error may still have a twin (the
	 * other side often closed cleanly): it may take part in matching,
	 * but is never reported unpaired.
	 */
	if (row->error_id != 0)
		tsf |= ZT_PF_ERRORED;
	if ((uint64_t)cb > UINT32_MAX || (uint64_t)sb > UINT32_MAX) {
		tsf |= ZT_PF_BIG;
		zt_arr_room((void **)&s->big, s->nbig, sizeof(*s->big));
		s->big[s->nbig].ref = e.ref;
		s->big[s->nbig].cb = cb;
		s->big[s->nbig].sb = sb;
		s->nbig++;
	}
	e.tlo = (uint32_t)tsf;
	e.thi = (uint32_t)(tsf >> 32);
	zt_ptab_add(row->outbound ? &s->po : &s->pi, &e);
	if (row->ts_us > s->newest)
		s->newest = row->ts_us;
}

/*
 * Under a window: drop what closed before the window, the tolerance and
 * ZT_PSLACK (clock offsets) reach, whenever the table has doubled since.
 */
static void
evict(struct zt_pstate *s, int64_t window_us)
{
	size_t	 n = s->po.total + s->pi.total;
	int64_t	 lo;

	if (n < 4096 || n < 2 * s->swept || s->newest < 0)
		return;
	lo = s->newest - window_us - s->tol_us - ZT_PSLACK;
	zt_ptab_evict(&s->po, lo);
	zt_ptab_evict(&s->pi, lo);
	s->swept = s->po.total + s->pi.total;
}

static int
feed(void *p, const struct zt_rule *r, const struct zt_row *row,
    const struct zt_check_ctx *cx, char *msg, size_t msgsize)
{
	struct zt_pstate	*s = p;
	int64_t		 cb, sb;
	int		 wp;

	if (!row->complete || !row->hbone || !row->has_bytes)
		return 0;
	if (row->outbound && row->wp) {
		s->via_wp++;
		return 0;
	}
	if (!row->outbound && !row->inbound)
		return 0;
	/*
	 * Line references fit 32 bits for the first 4G lines of a run;
	 * close times are 1970..9999 (the parser's range).  Past that a
	 * record is counted, not paired.
	 */
	if (row->ref < 1 || row->ref > (int64_t)UINT32_MAX ||
	    row->ts_us < 0 || row->ts_us >= ZT_PT_MAX) {
		s->past_limit++;
		return 0;
	}
	if (row->outbound) {
		cb = row->num[ZT_COL_BYTES_SENT];
		sb = row->num[ZT_COL_BYTES_RECV];
	} else {
		cb = row->num[ZT_COL_BYTES_RECV];
		sb = row->num[ZT_COL_BYTES_SENT];
		/* Inbound from a waypoint (by name) has no outbound twin. */
		wp = from_named_waypoint(r->cfg, s, row, cx->budget, msg,
		    msgsize);
		if (wp == -1)
			return -1;
		if (wp == 1) {
			s->wp_named++;
			return 0;
		}
	}
	add_entry(s, row, cb, sb);
	if (cx->window_us > 0) {
		if (((const struct cfg *)r->cfg)->window_ms * 1000 > s->tol_us)
			s->tol_us = ((const struct cfg *)r->cfg)->window_ms *
			    1000;
		evict(s, cx->window_us);
	}
	return 0;
}

static void
merge(void *into, void *from, const struct zt_check_ctx *cx)
{
	struct zt_pstate	*a = into;
	struct zt_pstate	*b = from;

	zt_ptab_merge(&a->po, &b->po);
	zt_ptab_merge(&a->pi, &b->pi);
	/* b's references all come after a's: the table stays in order. */
	if (b->nbig > 0) {
		a->big = zt_xrealloc(a->big, (a->nbig + b->nbig) *
		    sizeof(*a->big));
		memcpy(a->big + a->nbig, b->big, b->nbig * sizeof(*b->big));
		a->nbig += b->nbig;
	}
	a->via_wp += b->via_wp;
	a->wp_named += b->wp_named;
	a->past_limit += b->past_limit;
	if (b->newest > a->newest)
		a->newest = b->newest;
	if (b->tol_us > a->tol_us)
		a->tol_us = b->tol_us;
	if (cx->window_us > 0)
		evict(a, cx->window_us);
}

static int
lone_cmp(const void *x, const void *y)
{
	const struct zt_plone	*a = x;
	const struct zt_plone	*b = y;

	return a->e.ref < b->e.ref ? -1 : a->e.ref > b->e.ref;
}

static void
example_lone(struct zt_result *res, const struct zt_check_ctx *cx,
    const struct zt_plone *l)
{
	const struct zt_pwork	*e = &l->e;
	struct zt_str		 src = zt_dims_str(cx->dm, e->src);
	struct zt_str		 hb = zt_dims_str(cx->dm, e->hb);
	struct zt_str		 wl = zt_dims_wlname(cx->dm, e->wl);
	char			 ts[28];
	int64_t			 key, line;

	zt_format_ts(e->ts, ts);
	zt_refs_locate(cx->refs, e->ref, &key, &line);
	if (wl.p == NULL)
		wl = ZT_STR("-");
	/* wl is a view into its peer's tuple: not NUL-terminated. */
	zt_result_example(res, zt_refs_source(cx->refs, key), line,
	    "%s: %s %s %s -> %.*s (%s), HBONE, %lld/%lld bytes",
	    l->out ? "no inbound twin" : "no outbound twin", ts,
	    l->out ? "outbound" : "inbound", src.p != NULL ? src.p : "?",
	    (int)strnlen(wl.p, wl.n), wl.p, hb.p != NULL ? hb.p : "?",
	    (long long)(l->out ? e->cb : e->sb),
	    (long long)(l->out ? e->sb : e->cb));
}

/* The name of a clock domain: its pod, else its host.  Owned. */
static char *
domain_name(const struct zt_check_ctx *cx, int64_t dom)
{
	struct zt_str	 n = dom > 0 ? zt_dims_str(cx->dm, dom) :
			    dom < 0 ? zt_dims_host(cx->dm, -dom) : ZT_STR("?");

	if (n.p == NULL)
		n = ZT_STR("?");
	return zt_xstrndup(n.p, n.n);
}

static int
clockoff_cmp(const void *x, const void *y)
{
	const struct zt_clockoff *a = x;
	const struct zt_clockoff *b = y;
	int			 c = strcmp(a->out, b->out);

	return c != 0 ? c : strcmp(a->in, b->in);
}

/*
 * The trusted offsets into res; the index of the largest one (by size),
 * or -1 for none.
 */
static ssize_t
offsets(struct zt_result *res, const struct zt_check_ctx *cx,
    const struct zt_ptally *t)
{
	const struct zt_pm_off	*o;
	struct zt_clockoff	*c;
	ssize_t			 big = -1;
	size_t			 i;

	if (t->noff == 0)
		return -1;
	res->clk = zt_xcalloc(t->noff, sizeof(*res->clk));
	for (i = 0; i < t->noff; i++) {
		o = &t->off[i];
		if (!ZT_PM_TRUSTED(o))
			continue;
		c = &res->clk[res->nclk];
		c->out = domain_name(cx, o->out);
		c->in = domain_name(cx, o->in);
		c->off_us = o->off;
		c->n = o->n;
		res->nclk++;
	}
	qsort(res->clk, res->nclk, sizeof(*res->clk), clockoff_cmp);
	for (i = 0; i < res->nclk; i++)
		if (big < 0 || llabs(res->clk[i].off_us) >
		    llabs(res->clk[big].off_us))
			big = (ssize_t)i;
	return big;
}

/* The summary's note on the clocks, when an offset is over 100 ms. */
static void
clock_note(struct zt_result *res, ssize_t big)
{
	const struct zt_clockoff *c;
	size_t			 n = strlen(res->summary);

	if (big < 0 || llabs(res->clk[big].off_us) <= 100000)
		return;
	c = &res->clk[big];
	snprintf(res->summary + n, sizeof(res->summary) - n, "; clocks "
	    "corrected, largest offset %+.1f ms (%s -> %s, %" PRId64
	    " unambiguous)", (double)c->off_us / 1000.0, c->out, c->in,
	    c->n);
}

static void
verdict(const struct zt_pstate *s, const struct zt_rule *r,
    const struct zt_ptally *t, struct zt_result *res)
{
	if (t->uo + t->ui > 0) {
		res->status = zt_result_failed(r);
		snprintf(res->summary, sizeof(res->summary), "%" PRId64
		    " paired; %" PRId64 " outbound without an inbound twin, %"
		    PRId64 " inbound without an outbound twin (%" PRId64
		    " unverifiable)", t->matched, t->uo, t->ui, t->unv);
		res->hint = t->uo > 0 ? "no inbound twin: the destination's "
		    "ztunnel did not see the connection; check traffic "
		    "redirection (istio-cni) on the destination node and that "
		    "its ztunnel logs cover the time" : "no outbound twin: the "
		    "client's ztunnel did not log the connection; the client "
		    "may not be captured (not enrolled), or came through a "
		    "proxy ztlog does not know as a waypoint (set `waypoint:`)";
	} else if (s->po.total + s->pi.total - (size_t)t->fromwp == 0) {
		res->status = ZT_ST_SKIP;
		snprintf(res->summary, sizeof(res->summary), "no HBONE "
		    "connection records to pair");
	} else if (t->matched == 0) {
		res->status = ZT_ST_SKIP;
		snprintf(res->summary, sizeof(res->summary), "nothing to "
		    "verify: the other ztunnel of all %" PRId64 " HBONE records "
		    "is not in the input", t->unv);
	} else {
		res->status = ZT_ST_PASS;
		snprintf(res->summary, sizeof(res->summary), "%" PRId64
		    " connection%s paired (%" PRId64 " unverifiable: the other "
		    "ztunnel is not in the input)", t->matched,
		    t->matched == 1 ? "" : "s", t->unv);
	}
}

static void
snapshot(const void *p, const struct zt_rule *r, const struct zt_check_ctx *cx,
    struct zt_result *res)
{
	const struct cfg	*cf = r->cfg;
	const struct zt_pstate	*s = p;
	struct zt_ptally		 t;
	size_t			 n;
	ssize_t			 big;
	int			 max = cx->examples;

	memset(&t, 0, sizeof(t));
	zt_pairing_match(s, cf->window_ms * 1000, cx, &t);
	/* Examples: the first unpaired records in input order. */
	if (t.nlone > 1)
		qsort(t.lone, t.nlone, sizeof(*t.lone), lone_cmp);
	for (n = 0; n < t.nlone && (int)n < max; n++)
		example_lone(res, cx, &t.lone[n]);
	res->more = (int64_t)t.nlone > max ? (int64_t)t.nlone - max : 0;
	free(t.lone);
	zt_result_count(res, "paired", t.matched);
	zt_result_count(res, "outbound_unpaired", t.uo);
	zt_result_count(res, "inbound_unpaired", t.ui);
	zt_result_count(res, "unverifiable", t.unv);
	zt_result_count(res, "via_waypoint", s->via_wp);
	zt_result_count(res, "from_waypoint", s->wp_named + t.fromwp);
	if (s->past_limit > 0)
		zt_result_count(res, "past_limit", s->past_limit);
	big = offsets(res, cx, &t);
	free(t.off);
	verdict(s, r, &t, res);
	clock_note(res, big);
}

/*
 * As SQL: a windowed join of the complete HBONE records with byte
 * counts, outbound (not through a waypoint) against inbound (not from
 * the named waypoint) on client IP, HBONE address, destination
 * workload and the byte counts crossed.  `paired` counts outbound
 * records with a twin within the window: ztlog's one-to-one assignment
 * gives the same number wherever no two connections share all of the
 * key within the window, and the clocks of the ztunnels agree (ztlog
 * corrects for their offsets; this SQL does not).  Which unpaired
 * records are violations needs to know which ztunnels are in the input:
 * see ztlog's own report.
 */
static int
clickhouse(const struct zt_rule *r, struct zt_buf *b, char *msg,
    size_t msgsize)
{
	const struct cfg	*cf = r->cfg;

	(void)msg;
	(void)msgsize;
	zt_chsql_head(b, r);
	zt_chsql_add(b, "WITH\n"
	    "  h AS (SELECT * FROM records\n"
	    "    WHERE message = 'connection complete'\n"
	    "      AND dst_hbone_addr IS NOT NULL\n"
	    "      AND bytes_sent IS NOT NULL AND bytes_recv IS NOT NULL),\n"
	    "  o AS (SELECT id, ts_us, src_ip, dst_hbone_addr AS hb,\n"
	    "      ifNull(dst_workload, '') AS w, ifNull(dst_namespace, '') AS ns,\n"
	    "      bytes_sent AS cb, bytes_recv AS sb\n"
	    "    FROM h WHERE direction = 'outbound' AND via_waypoint = 0),\n"
	    "  i AS (SELECT id, ts_us, src_ip, dst_hbone_addr AS hb,\n"
	    "      ifNull(dst_workload, '') AS w, ifNull(dst_namespace, '') AS ns,\n"
	    "      bytes_recv AS cb, bytes_sent AS sb\n"
	    "    FROM h WHERE direction = 'inbound'\n"
	    "      AND NOT ifNull(match(src_identity, ");
	zt_chsql_str(b, cf->wp_pattern);
	zt_chsql_add(b, "), 0)\n"
	    "      AND NOT ifNull(match(src_workload, ");
	zt_chsql_str(b, cf->wp_pattern);
	zt_chsql_add(b, "), 0))\n"
	    "SELECT\n"
	    "  (SELECT count() FROM o) AS outbound,\n"
	    "  (SELECT count() FROM i) AS inbound,\n"
	    "  (SELECT count() FROM h WHERE direction = 'outbound'\n"
	    "    AND via_waypoint = 1) AS via_waypoint,\n"
	    "  (SELECT count(DISTINCT o.id) FROM o INNER JOIN i\n"
	    "    ON o.src_ip = i.src_ip AND o.hb = i.hb AND o.w = i.w\n"
	    "      AND o.ns = i.ns AND o.cb = i.cb AND o.sb = i.sb\n"
	    "    WHERE abs(o.ts_us - i.ts_us) <= %lld) AS paired;\n",
	    (long long)cf->window_ms * 1000);
	return 0;
}

/* Under a window: twins close up to the tolerance, and clock offsets. */
static int64_t
lead(const struct zt_rule *r)
{
	const struct cfg	*cf = r->cfg;

	return cf->window_ms * 1000 + ZT_PSLACK;
}

const struct zt_check_type zt_check_pairing = {
	.name = "pairing",
	.keys = keys,
	.where = 1,
	.parse = parse,
	.cfg_free = cfg_free,
	.share = share,
	.new = new,
	.feed = feed,
	.merge = merge,
	.snapshot = snapshot,
	.free = state_free,
	.clickhouse = clickhouse,
	.lead = lead,
};

/*
 * pairing.c -- the pairing check: both ztunnels logged each HBONE
 * connection.  See ztlog(1), CHECKS, and ztlog-rules(5).
 *
 * Every complete HBONE record is kept as a 32-byte entry, bucketed by a
 * hash of its key (client address, HBONE address, destination workload,
 * byte counts) as it is fed: twins share a key, so they share a bucket.
 * A snapshot gathers, sorts and matches one small bucket at a time, on a
 * scratch copy (no sort of the whole set, and the entries stay as fed),
 * then judges what stayed unmatched by whether the other side's ztunnel
 * was observable.
 *
 * Clocks: each ztunnel stamps its lines with its own node's clock.  A
 * first pass over the buckets takes the keys with exactly one record a
 * side (unambiguous twins) as samples of the clock offset between the
 * two ztunnels (pairmatch.h: the median per pair, a clock per ztunnel);
 * the second pass matches each key's records on corrected times, one to
 * one by an optimal assignment within the tolerance.
 *
 * Under a window (zt_check_ctx.window_us) entries older than the window
 * plus the tolerance plus PSLACK are dropped as records arrive, and only
 * records within the window are judged.
 */
#include <sys/types.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/imap.h"
#include "check/pairmatch.h"
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

#define PT_MAX		((int64_t)1 << 61)	/* close times below this */
/* Under a window: kept past the window and the tolerance, for offsets. */
#define PSLACK		((int64_t)10 * 1000000)

struct pbig {
	uint32_t	 ref;
	int64_t		 cb;
	int64_t		 sb;
};

struct state {
	struct zt_ptab	 po;		/* outbound HBONE */
	struct zt_ptab	 pi;		/* inbound HBONE */
	struct pbig	*big;		/* by ref */
	size_t		 nbig;
	int64_t		 wp_named;	/* inbound from a waypoint by name */
	int64_t		 past_limit;	/* not held: see feed() */
	int64_t		 via_wp;
	int64_t		 newest;	/* latest close time fed, -1: none */
	int64_t		 tol_us;	/* under a window: the tolerance fed */
	size_t		 swept;		/* entries after the last eviction */
	pcre2_match_data *md;
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
	struct state	*s = zt_xcalloc(1, sizeof(*s));

	(void)r;
	s->newest = -1;
	s->md = pcre2_match_data_create(4, NULL);
	return s;
}

static void
state_free(void *p)
{
	struct state	*s = p;

	zt_ptab_free(&s->po);
	zt_ptab_free(&s->pi);
	free(s->big);
	pcre2_match_data_free(s->md);
	free(s);
}

/* Does an inbound row come from a waypoint, by name?  -1: regex error. */
static int
from_named_waypoint(const struct cfg *cf, struct state *s,
    const struct zt_row *row, struct zt_rebudget *b, char *msg,
    size_t msgsize)
{
	char	 emsg[160];
	int	 r = 0;

	if (row->s[ZT_COL_SRC_IDENTITY].p != NULL)
		r = zt_re_match(cf->waypoint, s->md,
		    row->s[ZT_COL_SRC_IDENTITY], b, emsg, sizeof(emsg));
	if (r == 0 && row->s[ZT_COL_SRC_WORKLOAD].p != NULL)
		r = zt_re_match(cf->waypoint, s->md,
		    row->s[ZT_COL_SRC_WORKLOAD], b, emsg, sizeof(emsg));
	if (r == -1)
		snprintf(msg, msgsize, "waypoint: %s", emsg);
	return r;
}

static void
add_entry(struct state *s, const struct zt_row *row, int64_t cb, int64_t sb)
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
 * PSLACK (clock offsets) reach, whenever the table has doubled since.
 */
static void
evict(struct state *s, int64_t window_us)
{
	size_t	 n = s->po.total + s->pi.total;
	int64_t	 lo;

	if (n < 4096 || n < 2 * s->swept || s->newest < 0)
		return;
	lo = s->newest - window_us - s->tol_us - PSLACK;
	zt_ptab_evict(&s->po, lo);
	zt_ptab_evict(&s->pi, lo);
	s->swept = s->po.total + s->pi.total;
}

static int
feed(void *p, const struct zt_rule *r, const struct zt_row *row,
    const struct zt_check_ctx *cx, char *msg, size_t msgsize)
{
	struct state	*s = p;
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
	    row->ts_us < 0 || row->ts_us >= PT_MAX) {
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
	struct state	*a = into;
	struct state	*b = from;

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

/* ---- matching, on a bucket's entries unpacked ------------------------- */

struct pwork {
	int64_t		 ts;
	int64_t		 tc;		/* ts on the corrected clock */
	int64_t		 cb;
	int64_t		 sb;
	int64_t		 dom;		/* clock domain: pod, or -host key */
	uint32_t	 src;
	uint32_t	 hb;
	uint32_t	 wl;
	uint32_t	 ref;
	uint8_t		 errored;
	uint8_t		 matched;
};

/* What a snapshot looks at: the time bounds and the clocks. */
struct scope {
	const struct zt_check_ctx *cx;
	int64_t		 keep_lo;	/* entries closed before: left out */
	int64_t		 judge_lo;	/* before: only twins of the judged */
	int64_t		 w;		/* tolerance, us */
	struct zt_pm_clock *clk;
	size_t		 nclk;
	int64_t		 lag;		/* inbound closes this much earlier */
};

static const struct pbig *
big_find(const struct state *s, uint32_t ref)
{
	size_t	 lo = 0;
	size_t	 hi = s->nbig;
	size_t	 mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->big[mid].ref < ref)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->nbig && s->big[lo].ref == ref ? &s->big[lo] : NULL;
}

/*
 * The clock domain of an entry: the pod that logged it, else the host
 * it is local to (the client's for outbound, the server's for inbound).
 */
static int64_t
domain(const struct zt_pent *e, const struct zt_dims *dm, int inbound)
{
	if (e->pod != 0)
		return e->pod;
	return -zt_dims_hostkey(dm, inbound ? e->hb : e->src);
}

/*
 * Unpack chunk c into v from index n.  With ob, leave out the inbound
 * entries whose source is a host outbound records reached as a waypoint
 * (they have no outbound twin), counting them in *fromwp.
 */
static size_t
chunk_copy(const struct state *s, const struct zt_pchunk *c, struct pwork *v,
    size_t n, const struct scope *sc, int inbound, int64_t *fromwp)
{
	const struct zt_pent	*e;
	const struct pbig	*g;
	size_t			 i;

	for (i = 0; i < c->n; i++) {
		e = &c->e[i];
		v[n].ts = zt_pent_ts(e);
		if (v[n].ts < sc->keep_lo)
			continue;
		if (inbound && zt_observe_waypoint(sc->cx->ob,
		    zt_dims_hostkey(sc->cx->dm, e->src))) {
			if (v[n].ts >= sc->judge_lo)
				(*fromwp)++;
			continue;
		}
		v[n].cb = e->cb;
		v[n].sb = e->sb;
		if ((e->tlo & ZT_PF_BIG) && (g = big_find(s, e->ref)) != NULL) {
			v[n].cb = g->cb;
			v[n].sb = g->sb;
		}
		v[n].src = e->src;
		v[n].hb = e->hb;
		v[n].wl = e->wl;
		v[n].ref = e->ref;
		v[n].dom = domain(e, sc->cx->dm, inbound);
		v[n].tc = v[n].ts - zt_pm_clock_of(sc->clk, sc->nclk, v[n].dom);
		if (!inbound)
			v[n].tc -= sc->lag;
		v[n].errored = (e->tlo & ZT_PF_ERRORED) != 0;
		v[n].matched = 0;
		n++;
	}
	return n;
}

/* Unpack bucket b of t into v (room for t->n[b]); the count unpacked. */
static size_t
ptab_gather(const struct state *s, const struct zt_ptab *t, size_t b,
    struct pwork *v, const struct scope *sc, int inbound, int64_t *fromwp)
{
	const struct zt_pchunk	*c;
	size_t			 n = 0;

	if (t->full == NULL)
		return 0;
	for (c = t->full[b]; c != NULL; c = c->next)
		n = chunk_copy(s, c, v, n, sc, inbound, fromwp);
	if (t->part[b] != NULL)
		n = chunk_copy(s, t->part[b], v, n, sc, inbound, fromwp);
	return n;
}

/* By key (client, HBONE address, workload, bytes), then time, then place. */
static int
pwork_cmp(const void *x, const void *y)
{
	const struct pwork	*a = x;
	const struct pwork	*b = y;

	if (a->src != b->src)
		return a->src < b->src ? -1 : 1;
	if (a->hb != b->hb)
		return a->hb < b->hb ? -1 : 1;
	if (a->wl != b->wl)
		return a->wl < b->wl ? -1 : 1;
	if (a->cb != b->cb)
		return a->cb < b->cb ? -1 : 1;
	if (a->sb != b->sb)
		return a->sb < b->sb ? -1 : 1;
	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	return a->ref < b->ref ? -1 : a->ref > b->ref;
}

/* By corrected time, then place. */
static int
pwork_tc_cmp(const void *x, const void *y)
{
	const struct pwork	*a = x;
	const struct pwork	*b = y;

	if (a->tc != b->tc)
		return a->tc < b->tc ? -1 : 1;
	return a->ref < b->ref ? -1 : a->ref > b->ref;
}

static int
same_key(const struct pwork *a, const struct pwork *b)
{
	return a->src == b->src && a->hb == b->hb && a->wl == b->wl &&
	    a->cb == b->cb && a->sb == b->sb;
}

static void
keep_pair(struct zt_checkrun *run, int64_t o, int64_t i, int64_t dt, int v)
{
	zt_arr_room((void **)&run->pairs, run->npairs, sizeof(*run->pairs));
	run->pairs[run->npairs].out_id = o;
	run->pairs[run->npairs].in_id = i;
	run->pairs[run->npairs].dt_us = dt;
	run->pairs[run->npairs].verifiable = v;
	run->npairs++;
}

/* A bucket's entries, both sides, sorted by key then time. */
struct bucket {
	struct pwork	*po;
	size_t		 no;
	struct pwork	*pi;
	size_t		 ni;
	int64_t		*x;		/* scratch: corrected times */
	int64_t		*y;
	int32_t		*mx;
	size_t		 ncap;
	struct zt_pm_sample *smp;	/* offset samples (first pass) */
	size_t		 nsmp;
	struct zt_pm_sample *weak;	/* candidate dt of ambiguous keys */
	size_t		 nweak;
	struct zt_imap	 pairs;		/* (out, in) domains sampled */
	int64_t		*nstrong;	/* per pair: samples kept */
	int64_t		*nweakp;
};

/* Ambiguous keys: outbound records a key sampled, samples a key kept. */
#define WEAK_OUT	16
#define WEAK_MAX	4096
/*
 * Samples kept per pair of domains (in bucket order, that is in no
 * order of time): enough for a median and a pile, and memory that does
 * not grow with the input.
 */
#define PAIR_STRONG	256
#define PAIR_WEAK	4096

/* Room for n in each of b's scratch arrays. */
static void
scratch_room(struct bucket *b, size_t n)
{
	if (n <= b->ncap)
		return;
	b->ncap = n < 16 ? 16 : n;
	b->x = zt_xrealloc(b->x, b->ncap * sizeof(*b->x));
	b->y = zt_xrealloc(b->y, b->ncap * sizeof(*b->y));
	b->mx = zt_xrealloc(b->mx, b->ncap * sizeof(*b->mx));
}

/* Keep a sample of o and i, unless their pair of domains has enough. */
static void
sample_add(struct bucket *b, int weak, const struct pwork *o,
    const struct pwork *i)
{
	struct zt_pm_sample	**v = weak ? &b->weak : &b->smp;
	size_t			*n = weak ? &b->nweak : &b->nsmp;
	int64_t			 k[2] = { o->dom, i->dom };
	int64_t			 ix;
	int			 added;

	ix = zt_imap_add(&b->pairs, k, &added);
	if (added) {
		zt_arr_room((void **)&b->nstrong, (size_t)ix,
		    sizeof(*b->nstrong));
		zt_arr_room((void **)&b->nweakp, (size_t)ix,
		    sizeof(*b->nweakp));
		b->nstrong[ix] = b->nweakp[ix] = 0;
	}
	if (weak ? b->nweakp[ix]++ >= PAIR_WEAK :
	    b->nstrong[ix]++ >= PAIR_STRONG)
		return;
	zt_arr_room((void **)v, *n, sizeof(**v));
	(*v)[*n].out = o->dom;
	(*v)[*n].in = i->dom;
	(*v)[*n].dt = i->ts - o->ts;
	(*n)++;
}

/*
 * First pass, one key's entries (each side in time order): a key with
 * one record a side that both closed cleanly is an unambiguous twin, a
 * sample of the offset between the two ztunnels' clocks.  Of another
 * key, up to WEAK_OUT outbound records evenly spread give the dt to each
 * inbound record within ZT_PM_SEARCH, for zt_pm_modes.
 */
static void
sample_key(struct bucket *b, size_t o0, size_t o1, size_t i0, size_t i1)
{
	const struct pwork	*o, *i;
	size_t			 step, k, lo = i0, kept = 0;

	if (o1 - o0 == 1 && i1 - i0 == 1) {
		if (!b->po[o0].errored && !b->pi[i0].errored)
			sample_add(b, 0, &b->po[o0], &b->pi[i0]);
		return;
	}
	step = (o1 - o0 + WEAK_OUT - 1) / WEAK_OUT;
	for (k = o0; k < o1 && kept < WEAK_MAX; k += step) {
		o = &b->po[k];
		while (lo < i1 && b->pi[lo].ts < o->ts - ZT_PM_SEARCH)
			lo++;
		for (i = &b->pi[lo]; i < b->pi + i1 && kept < WEAK_MAX &&
		    i->ts <= o->ts + ZT_PM_SEARCH; i++, kept++)
			sample_add(b, 1, o, i);
	}
}

/*
 * Second pass, one key's entries, po[o0..o1) with pi[i0..i1): both sides
 * in corrected time order, assigned one to one within the tolerance.
 */
static int64_t
match_key(struct bucket *b, size_t o0, size_t o1, size_t i0, size_t i1,
    const struct scope *sc)
{
	struct pwork	*po = b->po + o0;
	struct pwork	*pi = b->pi + i0;
	size_t		 no = o1 - o0, ni = i1 - i0;
	size_t		 k;
	int64_t		 matched = 0;
	int32_t		 j;

	if (no > 1)
		qsort(po, no, sizeof(*po), pwork_tc_cmp);
	if (ni > 1)
		qsort(pi, ni, sizeof(*pi), pwork_tc_cmp);
	scratch_room(b, no > ni ? no : ni);
	for (k = 0; k < no; k++)
		b->x[k] = po[k].tc;
	for (k = 0; k < ni; k++)
		b->y[k] = pi[k].tc;
	(void)zt_pm_assign(b->x, no, b->y, ni, sc->w, b->mx);
	for (k = 0; k < no; k++) {
		if ((j = b->mx[k]) < 0)
			continue;
		po[k].matched = pi[j].matched = 1;
		if (po[k].ts < sc->judge_lo && pi[j].ts < sc->judge_lo)
			continue;
		matched++;
		if (sc->cx->keep_pairs)
			keep_pair(sc->cx->run, po[k].ref, pi[j].ref,
			    pi[j].ts - po[k].ts, 1);
	}
	return matched;
}

/*
 * A bucket, key by key: samples (pass 0) or matches (pass 1).  Returns
 * the pairs made.
 */
static int64_t
walk_bucket(struct bucket *b, int pass, const struct scope *sc)
{
	size_t	 o0 = 0, i0 = 0;
	size_t	 o1, i1;
	int64_t	 matched = 0;

	while (o0 < b->no && i0 < b->ni) {
		if (!same_key(&b->po[o0], &b->pi[i0])) {
			/* Advance whichever key is smaller. */
			if (pwork_cmp(&b->po[o0], &b->pi[i0]) < 0)
				for (o1 = o0; o0 < b->no &&
				    same_key(&b->po[o0], &b->po[o1]); o0++)
					;
			else
				for (i1 = i0; i0 < b->ni &&
				    same_key(&b->pi[i0], &b->pi[i1]); i0++)
					;
			continue;
		}
		for (o1 = o0; o1 < b->no && same_key(&b->po[o1], &b->po[o0]);
		    o1++)
			;
		for (i1 = i0; i1 < b->ni && same_key(&b->pi[i1], &b->pi[i0]);
		    i1++)
			;
		if (pass == 0)
			sample_key(b, o0, o1, i0, i1);
		else
			matched += match_key(b, o0, o1, i0, i1, sc);
		o0 = o1;
		i0 = i1;
	}
	return matched;
}

/* ---- judging -------------------------------------------------------------- */

/* An unmatched record worth showing: which, and where in the input. */
struct lone {
	struct pwork	 e;
	int		 out;
};

/* What a snapshot counts. */
struct tally {
	int64_t		 matched;
	int64_t		 uo;		/* outbound unpaired */
	int64_t		 ui;		/* inbound unpaired */
	int64_t		 unv;		/* unverifiable */
	int64_t		 fromwp;	/* from a waypoint, by address */
	struct lone	*lone;
	size_t		 nlone;
	struct zt_pm_off *off;		/* clock offsets measured */
	size_t		 noff;
};

static int
lone_cmp(const void *x, const void *y)
{
	const struct lone	*a = x;
	const struct lone	*b = y;

	return a->e.ref < b->e.ref ? -1 : a->e.ref > b->e.ref;
}

/* Judge the entries of a matched bucket that stayed unmatched. */
static void
judge_lone(const struct bucket *b, const struct scope *sc, struct tally *t)
{
	const struct zt_check_ctx *cx = sc->cx;
	const struct pwork	*e;
	size_t			 o;
	int			 out;
	int			 v;

	for (o = 0; o < b->no + b->ni; o++) {
		out = o < b->no;
		e = out ? &b->po[o] : &b->pi[o - b->no];
		if (e->matched || e->errored || e->ts < sc->judge_lo)
			continue;
		/* The other side: the HBONE peer, or the client. */
		v = zt_observe_visible(cx->ob, zt_dims_hostkey(cx->dm,
		    out ? e->hb : e->src), e->ts);
		if (cx->keep_pairs)
			keep_pair(cx->run, out ? e->ref : 0, out ? 0 : e->ref,
			    0, v);
		if (!v) {
			t->unv++;
			continue;
		}
		if (out)
			t->uo++;
		else
			t->ui++;
		zt_arr_room((void **)&t->lone, t->nlone, sizeof(*t->lone));
		t->lone[t->nlone].e = *e;
		t->lone[t->nlone].out = out;
		t->nlone++;
	}
}

/*
 * One pass over the buckets: gather, sort by key then time, and take
 * samples (pass 0) or match and judge what stayed unmatched (pass 1).
 */
static void
walk_all(const struct state *s, int pass, struct bucket *b,
    const struct scope *sc, struct tally *t)
{
	struct pwork	*scratch = NULL;
	size_t		 cap = 0;
	size_t		 i, no, ni;
	int64_t		 fromwp = 0;

	for (i = 0; i < ZT_NBUCKET; i++) {
		no = s->po.full != NULL ? s->po.n[i] : 0;
		ni = s->pi.full != NULL ? s->pi.n[i] : 0;
		if (no + ni == 0)
			continue;
		if (no + ni > cap) {
			cap = no + ni;
			scratch = zt_xrealloc(scratch, cap * sizeof(*scratch));
		}
		b->po = scratch;
		b->pi = scratch + no;
		b->no = ptab_gather(s, &s->po, i, b->po, sc, 0, NULL);
		b->ni = ptab_gather(s, &s->pi, i, b->pi, sc, 1, &fromwp);
		if (b->no > 1)
			qsort(b->po, b->no, sizeof(*b->po), pwork_cmp);
		if (b->ni > 1)
			qsort(b->pi, b->ni, sizeof(*b->pi), pwork_cmp);
		t->matched += walk_bucket(b, pass, sc);
		if (pass == 1)
			judge_lone(b, sc, t);
	}
	if (pass == 1)
		t->fromwp = fromwp;
	free(scratch);
}

/*
 * The time bounds of a snapshot under a window: judged, the records
 * within the window of the newest; kept as twins, those within the
 * tolerance and PSLACK more.
 */
static void
bounds(const struct state *s, const struct zt_check_ctx *cx,
    struct scope *sc)
{
	int64_t	 newest = s->newest;
	int64_t	 i;

	sc->keep_lo = sc->judge_lo = INT64_MIN;
	if (cx->window_us <= 0)
		return;
	for (i = 0; cx->ob != NULL && i < cx->ob->podix.n; i++)
		if (cx->ob->span[i].hi > newest)
			newest = cx->ob->span[i].hi;
	if (newest < 0)
		return;
	sc->judge_lo = newest - cx->window_us;
	sc->keep_lo = sc->judge_lo - sc->w - PSLACK;
}

/*
 * The offsets: those of unambiguous twins, then from ambiguous keys for
 * the pairs of domains the former did not measure.
 */
static void
estimate(struct bucket *b, int64_t w, struct tally *t, struct scope *sc)
{
	struct zt_pm_off	*weak;
	size_t			 nweak, k, j = 0;

	t->noff = zt_pm_offsets(b->smp, b->nsmp, w, &t->off);
	sc->lag = zt_pm_lag(t->off, t->noff);
	nweak = zt_pm_modes(b->weak, b->nweak, &weak);
	for (k = 0; k < nweak; k++) {
		/* Both sorted by (out, in). */
		while (j < t->noff && (t->off[j].out < weak[k].out ||
		    (t->off[j].out == weak[k].out && t->off[j].in < weak[k].in)))
			j++;
		if (j < t->noff && t->off[j].out == weak[k].out &&
		    t->off[j].in == weak[k].in && ZT_PM_TRUSTED(&t->off[j]))
			continue;
		t->off = zt_xrealloc(t->off, (t->noff + 1) * sizeof(*t->off));
		t->off[t->noff++] = weak[k];
	}
	free(weak);
}

/* Estimate the clocks (first pass), then match (second pass). */
static void
match_all(const struct state *s, int64_t w, const struct zt_check_ctx *cx,
    struct tally *t)
{
	struct bucket	 b;
	struct scope	 sc;

	memset(&b, 0, sizeof(b));
	memset(&sc, 0, sizeof(sc));
	zt_imap_init(&b.pairs, 2);
	sc.cx = cx;
	sc.w = w;
	bounds(s, cx, &sc);
	walk_all(s, 0, &b, &sc, t);
	estimate(&b, w, t, &sc);
	sc.nclk = zt_pm_clocks(t->off, t->noff, sc.lag, &sc.clk);
	walk_all(s, 1, &b, &sc, t);
	free(sc.clk);
	free(b.smp);
	free(b.weak);
	zt_imap_fini(&b.pairs);
	free(b.nstrong);
	free(b.nweakp);
	free(b.x);
	free(b.y);
	free(b.mx);
}

static void
example_lone(struct zt_result *res, const struct zt_check_ctx *cx,
    const struct lone *l)
{
	const struct pwork	*e = &l->e;
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
    const struct tally *t)
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
verdict(const struct state *s, const struct zt_rule *r,
    const struct tally *t, struct zt_result *res)
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
	const struct state	*s = p;
	struct tally		 t;
	size_t			 n;
	ssize_t			 big;
	int			 max = cx->examples;

	memset(&t, 0, sizeof(t));
	match_all(s, cf->window_ms * 1000, cx, &t);
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
};

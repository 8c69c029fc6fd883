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
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/chsql.h"
#include "check/imap.h"
#include "check/result.h"
#include "check/type.h"
#include "store/store.h"
#include "util/xalloc.h"

struct cfg {
	int64_t		 window_ms;	/* close-time tolerance */
	pcre2_code	*waypoint;	/* waypoint identity/workload */
	char		*wp_pattern;	/* its pattern */
};

/*
 * One HBONE record, 32 bytes.  Where it is in the input is a line
 * reference (refs.h); byte counts of 2^32 and more are kept whole in the
 * state's big table, under the same reference.
 */
struct pent {
	uint64_t	 tsf;	/* close time in us << 2 | PF_* */
	uint32_t	 cb;	/* client -> server bytes (low 32 bits) */
	uint32_t	 sb;	/* server -> client bytes (low 32 bits) */
	uint32_t	 src;	/* src.addr str id */
	uint32_t	 hb;	/* hbone str id */
	uint32_t	 wl;	/* dst workload key */
	uint32_t	 ref;	/* line reference */
};

_Static_assert(sizeof(struct pent) == 32, "a pairing entry is 32 bytes");

#define PF_ERRORED	1u	/* may pair, never a violation */
#define PF_BIG		2u	/* cb or sb in the big table */
#define PT_MAX		((int64_t)1 << 61)	/* close times below this */

struct pbig {
	uint32_t	 ref;
	int64_t		 cb;
	int64_t		 sb;
};

/*
 * A bucket is a list of full chunks plus one chunk being filled; merging
 * a source's entries joins the lists and tops up the chunk being filled,
 * so at most one chunk a bucket is ever partly empty, however many
 * sources.  A bucket's chunks grow with it, from 2 entries to 32: a
 * small table (a rule whose where: passes few records) costs little more
 * than its entries.
 */
#define PBITS		10
#define NBUCKET		((size_t)1 << PBITS)
#define PCHUNK		32

struct pchunk {
	struct pchunk	*next;
	uint32_t	 n;
	uint32_t	 cap;
	struct pent	 e[];
};

struct ptab {
	struct pchunk	**full;		/* NBUCKET lists; NULL until used */
	struct pchunk	**part;		/* the chunk being filled, or NULL */
	size_t		*n;		/* entries per bucket */
	size_t		 total;
};

struct state {
	struct ptab	 po;		/* outbound HBONE */
	struct ptab	 pi;		/* inbound HBONE */
	struct pbig	*big;		/* by ref */
	size_t		 nbig;
	int64_t		 wp_named;	/* inbound from a waypoint by name */
	int64_t		 past_limit;	/* not held: see feed() */
	int64_t		 via_wp;
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
	s->md = pcre2_match_data_create(4, NULL);
	return s;
}

static void
ptab_free(struct ptab *t)
{
	struct pchunk	*c, *next;
	size_t		 i;

	if (t->full != NULL)
		for (i = 0; i < NBUCKET; i++) {
			for (c = t->full[i]; c != NULL; c = next) {
				next = c->next;
				free(c);
			}
			free(t->part[i]);
		}
	free(t->full);
	free(t->part);
	free(t->n);
	memset(t, 0, sizeof(*t));
}

static void
state_free(void *p)
{
	struct state	*s = p;

	ptab_free(&s->po);
	ptab_free(&s->pi);
	free(s->big);
	pcre2_match_data_free(s->md);
	free(s);
}

/* Bucket of a pairing key: the top bits of a hash of it. */
static size_t
pent_bucket(const struct pent *e)
{
	uint64_t	 h = e->src;

	h = h * 0x9e3779b97f4a7c15ULL ^ e->hb;
	h = h * 0x9e3779b97f4a7c15ULL ^ e->wl;
	h = h * 0x9e3779b97f4a7c15ULL ^ (uint64_t)e->cb;
	h = h * 0x9e3779b97f4a7c15ULL ^ (uint64_t)e->sb;
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 29;
	return (size_t)(h >> (64 - PBITS));
}

static void
ptab_add(struct ptab *t, const struct pent *e)
{
	size_t		 b = pent_bucket(e);
	size_t		 cap;
	struct pchunk	*c;

	if (t->full == NULL) {
		t->full = zt_xcalloc(NBUCKET, sizeof(*t->full));
		t->part = zt_xcalloc(NBUCKET, sizeof(*t->part));
		t->n = zt_xcalloc(NBUCKET, sizeof(*t->n));
	}
	if ((c = t->part[b]) == NULL) {
		/* As large as the bucket so far: it doubles. */
		cap = t->n[b] < 2 ? 2 : t->n[b] > PCHUNK ? PCHUNK : t->n[b];
		c = t->part[b] = zt_xmalloc(sizeof(*c) + cap * sizeof(c->e[0]));
		c->n = 0;
		c->cap = (uint32_t)cap;
	}
	c->e[c->n++] = *e;
	if (c->n == c->cap) {
		c->next = t->full[b];
		t->full[b] = c;
		t->part[b] = NULL;
	}
	t->n[b]++;
	t->total++;
}

/* Top a's chunk being filled in bucket i up from pb, b's. */
static void
top_up(struct ptab *a, size_t i, struct pchunk *pb)
{
	struct pchunk	*c = a->part[i];
	uint32_t	 k;

	if (c == NULL) {
		a->part[i] = pb;
		return;
	}
	k = c->cap - c->n < pb->n ? c->cap - c->n : pb->n;
	memcpy(c->e + c->n, pb->e + pb->n - k, k * sizeof(*c->e));
	c->n += k;
	pb->n -= k;
	if (c->n < c->cap) {
		free(pb);
		return;
	}
	c->next = a->full[i];
	a->full[i] = c;
	a->part[i] = pb->n > 0 ? pb : NULL;
	if (pb->n == 0)
		free(pb);
}

/* Move b's entries into a; b is left empty. */
static void
ptab_merge(struct ptab *a, struct ptab *b)
{
	struct pchunk	*c, *next;
	size_t		 i;

	if (b->full == NULL)
		return;
	if (a->full == NULL) {
		*a = *b;
		memset(b, 0, sizeof(*b));
		return;
	}
	for (i = 0; i < NBUCKET; i++) {
		for (c = b->full[i]; c != NULL; c = next) {
			next = c->next;
			c->next = a->full[i];
			a->full[i] = c;
		}
		if (b->part[i] != NULL)
			top_up(a, i, b->part[i]);
		a->n[i] += b->n[i];
	}
	a->total += b->total;
	free(b->full);
	free(b->part);
	free(b->n);
	memset(b, 0, sizeof(*b));
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
	struct pent	 e;

	/* Ids and keys are below ZT_NAMES_MAXID. */
	e.tsf = (uint64_t)row->ts_us << 2;
	e.cb = (uint32_t)cb;
	e.sb = (uint32_t)sb;
	e.src = (uint32_t)row->src_ip_id;
	e.hb = (uint32_t)row->hbone_id;
	e.wl = (uint32_t)row->dst_wl_id;
	e.ref = (uint32_t)row->ref;
	/*
	 * A connection that ended in an error may still have a twin (the
	 * other side often closed cleanly): it may take part in matching,
	 * but is never reported unpaired.
	 */
	if (row->error_id != 0)
		e.tsf |= PF_ERRORED;
	if ((uint64_t)cb > UINT32_MAX || (uint64_t)sb > UINT32_MAX) {
		e.tsf |= PF_BIG;
		zt_arr_room((void **)&s->big, s->nbig, sizeof(*s->big));
		s->big[s->nbig].ref = e.ref;
		s->big[s->nbig].cb = cb;
		s->big[s->nbig].sb = sb;
		s->nbig++;
	}
	ptab_add(row->outbound ? &s->po : &s->pi, &e);
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
	return 0;
}

static void
merge(void *into, void *from, const struct zt_check_ctx *cx)
{
	struct state	*a = into;
	struct state	*b = from;

	(void)cx;
	ptab_merge(&a->po, &b->po);
	ptab_merge(&a->pi, &b->pi);
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
}

/* ---- matching, on a bucket's entries unpacked ------------------------- */

struct pwork {
	int64_t		 ts;
	int64_t		 cb;
	int64_t		 sb;
	uint32_t	 src;
	uint32_t	 hb;
	uint32_t	 wl;
	uint32_t	 ref;
	uint8_t		 errored;
	uint8_t		 matched;
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
 * Unpack chunk c into v from index n.  With ob, leave out the inbound
 * entries whose source is a host outbound records reached as a waypoint
 * (they have no outbound twin), counting them in *fromwp.
 */
static size_t
chunk_copy(const struct state *s, const struct pchunk *c, struct pwork *v,
    size_t n, const struct zt_check_ctx *cx, int inbound, int64_t *fromwp)
{
	const struct pent	*e;
	const struct pbig	*g;
	size_t			 i;

	for (i = 0; i < c->n; i++) {
		e = &c->e[i];
		if (inbound && zt_observe_waypoint(cx->ob,
		    zt_dims_hostkey(cx->dm, e->src))) {
			(*fromwp)++;
			continue;
		}
		v[n].ts = (int64_t)(e->tsf >> 2);
		v[n].cb = e->cb;
		v[n].sb = e->sb;
		if ((e->tsf & PF_BIG) && (g = big_find(s, e->ref)) != NULL) {
			v[n].cb = g->cb;
			v[n].sb = g->sb;
		}
		v[n].src = e->src;
		v[n].hb = e->hb;
		v[n].wl = e->wl;
		v[n].ref = e->ref;
		v[n].errored = (e->tsf & PF_ERRORED) != 0;
		v[n].matched = 0;
		n++;
	}
	return n;
}

/* Unpack bucket b of t into v (room for t->n[b]); the count unpacked. */
static size_t
ptab_gather(const struct state *s, const struct ptab *t, size_t b,
    struct pwork *v, const struct zt_check_ctx *cx, int inbound,
    int64_t *fromwp)
{
	const struct pchunk	*c;
	size_t			 n = 0;

	if (t->full == NULL)
		return 0;
	for (c = t->full[b]; c != NULL; c = c->next)
		n = chunk_copy(s, c, v, n, cx, inbound, fromwp);
	if (t->part[b] != NULL)
		n = chunk_copy(s, t->part[b], v, n, cx, inbound, fromwp);
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

struct cand {
	int64_t		 adt;
	size_t		 o;
	size_t		 i;
};

static int
cand_cmp(const void *x, const void *y)
{
	const struct cand	*a = x;
	const struct cand	*b = y;

	if (a->adt != b->adt)
		return a->adt < b->adt ? -1 : 1;
	if (a->o != b->o)
		return a->o < b->o ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

/* A bucket's entries, both sides, sorted by key then time. */
struct bucket {
	struct pwork	*po;
	size_t		 no;
	struct pwork	*pi;
	size_t		 ni;
	struct cand	*cv;		/* scratch */
	size_t		 ncap;
};

/*
 * Pair the entries of one key, po[o0..o1) with pi[i0..i1): candidate
 * pairs inside the window, nearest in time first, one to one.
 */
static int64_t
match_key(struct bucket *b, size_t o0, size_t o1, size_t i0, size_t i1,
    int64_t w, const struct zt_check_ctx *cx)
{
	struct pwork	*po = b->po;
	struct pwork	*pi = b->pi;
	size_t		 nc = 0;
	size_t		 lo = i0;
	size_t		 o, i, n;
	int64_t		 matched = 0;

	for (o = o0; o < o1; o++) {
		while (lo < i1 && pi[lo].ts < po[o].ts - w)
			lo++;
		for (i = lo; i < i1 && pi[i].ts <= po[o].ts + w; i++) {
			if (nc == b->ncap) {
				b->ncap = b->ncap ? b->ncap * 2 : 16;
				b->cv = zt_xrealloc(b->cv, b->ncap *
				    sizeof(*b->cv));
			}
			b->cv[nc].adt = llabs(pi[i].ts - po[o].ts);
			b->cv[nc].o = o;
			b->cv[nc].i = i;
			nc++;
		}
	}
	if (nc > 1)
		qsort(b->cv, nc, sizeof(*b->cv), cand_cmp);
	for (n = 0; n < nc; n++) {
		o = b->cv[n].o;
		i = b->cv[n].i;
		if (po[o].matched || pi[i].matched)
			continue;
		po[o].matched = pi[i].matched = 1;
		matched++;
		if (cx->keep_pairs)
			keep_pair(cx->run, po[o].ref, pi[i].ref,
			    pi[i].ts - po[o].ts, 1);
	}
	return matched;
}

/* Match a bucket, key by key.  Returns the pairs made. */
static int64_t
match_bucket(struct bucket *b, int64_t w, const struct zt_check_ctx *cx)
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
		matched += match_key(b, o0, o1, i0, i1, w, cx);
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
judge_lone(const struct bucket *b, const struct zt_check_ctx *cx,
    struct tally *t)
{
	const struct pwork	*e;
	size_t			 o;
	int			 out;
	int			 v;

	for (o = 0; o < b->no + b->ni; o++) {
		out = o < b->no;
		e = out ? &b->po[o] : &b->pi[o - b->no];
		if (e->matched || e->errored)
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
 * Bucket by bucket: gather, sort by key then time, match, and judge what
 * stayed unmatched.
 */
static void
match_all(const struct state *s, int64_t w, const struct zt_check_ctx *cx,
    struct tally *t)
{
	struct bucket	 b;
	struct pwork	*scratch = NULL;
	size_t		 cap = 0;
	size_t		 i, no, ni;

	memset(&b, 0, sizeof(b));
	for (i = 0; i < NBUCKET; i++) {
		no = s->po.full != NULL ? s->po.n[i] : 0;
		ni = s->pi.full != NULL ? s->pi.n[i] : 0;
		if (no + ni == 0)
			continue;
		if (no + ni > cap) {
			cap = no + ni;
			scratch = zt_xrealloc(scratch, cap * sizeof(*scratch));
		}
		b.po = scratch;
		b.pi = scratch + no;
		b.no = ptab_gather(s, &s->po, i, b.po, cx, 0, NULL);
		b.ni = ptab_gather(s, &s->pi, i, b.pi, cx, 1, &t->fromwp);
		if (b.no > 1)
			qsort(b.po, b.no, sizeof(*b.po), pwork_cmp);
		if (b.ni > 1)
			qsort(b.pi, b.ni, sizeof(*b.pi), pwork_cmp);
		t->matched += match_bucket(&b, w, cx);
		judge_lone(&b, cx, t);
	}
	free(b.cv);
	free(scratch);
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
	verdict(s, r, &t, res);
}

/*
 * As SQL: a windowed join of the complete HBONE records with byte
 * counts, outbound (not through a waypoint) against inbound (not from
 * the named waypoint) on client IP, HBONE address, destination
 * workload and the byte counts crossed.  `paired` counts outbound
 * records with a twin within the window: ztlog's one-to-one assignment
 * gives the same number wherever no two connections share all of the
 * key within the window.  Which unpaired records are violations needs
 * to know which ztunnels are in the input: see ztlog's own report.
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
};

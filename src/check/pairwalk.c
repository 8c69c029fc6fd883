/*
 * pairwalk.c -- matching a pairing state at a snapshot: see pairing.h
 * and, for the method, pairing.c's head and ztlog-rules(5), Pairing:
 * clock offsets.
 */
#include <sys/types.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/pairing.h"
#include "util/xalloc.h"

/* What a snapshot looks at: the time bounds and the clocks. */
struct scope {
	const struct zt_check_ctx *cx;
	int64_t		 keep_lo;	/* entries closed before: left out */
	int64_t		 judge_lo;	/* before: only twins of the judged */
	int64_t		 w;		/* tolerance, us */
	struct zt_pm_clock *clk;
	size_t		 nclk;
	int64_t		 lag;		/* inbound closes this much earlier */
	/*
	 * The sorted order of each bucket, from the first pass for the
	 * second (the key order does not depend on the clocks), or NULL:
	 * bucket b's from perm[pbase[b]], outbound then inbound.
	 */
	uint32_t	*perm;
	size_t		*pbase;
};

static const struct zt_pbig *
big_find(const struct zt_pstate *s, uint32_t ref)
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
chunk_copy(const struct zt_pstate *s, const struct zt_pchunk *c, struct zt_pwork *v,
    size_t n, const struct scope *sc, int inbound, int64_t *fromwp)
{
	const struct zt_pent	*e;
	const struct zt_pbig	*g;
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
		v[n].gix = (uint32_t)n;
		n++;
	}
	return n;
}

/* Unpack bucket b of t into v (room for t->n[b]); the count unpacked. */
static size_t
ptab_gather(const struct zt_pstate *s, const struct zt_ptab *t, size_t b,
    struct zt_pwork *v, const struct scope *sc, int inbound, int64_t *fromwp)
{
	const struct zt_pchunk	*c;
	struct zt_pchunk	*spilled;
	size_t			 n = 0;

	if (t->full == NULL)
		return 0;
	/* Entries that went to the spill file first: they came first. */
	spilled = zt_ptab_load(t, b);
	for (c = spilled; c != NULL; c = c->next)
		n = chunk_copy(s, c, v, n, sc, inbound, fromwp);
	zt_ptab_unload(spilled);
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
	const struct zt_pwork	*a = x;
	const struct zt_pwork	*b = y;

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

/*
 * Sorting a side of a bucket by pwork_cmp: the entries are 64 bytes and
 * most pairs of them differ in client or HBONE address already, so keys
 * of both in one word and where the entry was gathered are sorted
 * (merge sort, its compare inlined), then the entries moved into place.
 * The order is pwork_cmp's: it orders every two entries (the line
 * reference is unique), so any correct sort gives the same one.
 */
struct skey {
	uint64_t	 k;		/* src << 32 | hb */
	uint64_t	 i;		/* index in the side */
};

#define SKEY_RUN	16	/* sorted by insertion before merging */

static inline int
skey_before(const struct skey *a, const struct skey *b,
    const struct zt_pwork *v)
{
	if (a->k != b->k)
		return a->k < b->k;
	return pwork_cmp(&v[a->i], &v[b->i]) < 0;
}

static void
skey_merge(const struct skey *a, size_t na, const struct skey *b, size_t nb,
    struct skey *out, const struct zt_pwork *v)
{
	size_t	 i = 0, j = 0, o = 0;

	while (i < na && j < nb)
		out[o++] = skey_before(&b[j], &a[i], v) ? b[j++] : a[i++];
	while (i < na)
		out[o++] = a[i++];
	while (j < nb)
		out[o++] = b[j++];
}

/* Move v's entries so that v[j] is the one at k[j].i (k is spent). */
static void
permute(struct zt_pwork *v, struct skey *k, size_t n)
{
	struct zt_pwork	 t;
	size_t		 j, from, start;

	for (start = 0; start < n; start++) {
		if (k[start].i == start)
			continue;
		t = v[start];
		for (j = start;; j = from) {
			from = (size_t)k[j].i;
			k[j].i = j;
			if (from == start) {
				v[j] = t;
				break;
			}
			v[j] = v[from];
		}
	}
}

/* Sort v[0..n) by pwork_cmp; k and tmp have room for n keys. */
static void
side_sort(struct zt_pwork *v, size_t n, struct skey *k, struct skey *tmp)
{
	struct skey	*from = k, *to = tmp, *sw, x;
	size_t		 lo, hi, mid, a, b, w;

	for (a = 0; a < n; a++) {
		k[a].k = (uint64_t)v[a].src << 32 | v[a].hb;
		k[a].i = a;
	}
	for (lo = 0; lo < n; lo += SKEY_RUN) {
		hi = lo + SKEY_RUN < n ? lo + SKEY_RUN : n;
		for (a = lo + 1; a < hi; a++) {
			x = k[a];
			for (b = a; b > lo && skey_before(&x, &k[b - 1], v); b--)
				k[b] = k[b - 1];
			k[b] = x;
		}
	}
	for (w = SKEY_RUN; w < n; w *= 2) {
		for (lo = 0; lo < n; lo += 2 * w) {
			mid = lo + w < n ? lo + w : n;
			hi = lo + 2 * w < n ? lo + 2 * w : n;
			skey_merge(from + lo, mid - lo, from + mid, hi - mid,
			    to + lo, v);
		}
		sw = from;
		from = to;
		to = sw;
	}
	permute(v, from, n);
}

/* By corrected time, then place. */
static int
pwork_tc_cmp(const void *x, const void *y)
{
	const struct zt_pwork	*a = x;
	const struct zt_pwork	*b = y;

	if (a->tc != b->tc)
		return a->tc < b->tc ? -1 : 1;
	return a->ref < b->ref ? -1 : a->ref > b->ref;
}

static int
same_key(const struct zt_pwork *a, const struct zt_pwork *b)
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
	struct zt_pwork	*po;
	size_t		 no;
	struct zt_pwork	*pi;
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
sample_add(struct bucket *b, int weak, const struct zt_pwork *o,
    const struct zt_pwork *i)
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
	const struct zt_pwork	*o, *i;
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
	struct zt_pwork	*po = b->po + o0;
	struct zt_pwork	*pi = b->pi + i0;
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

/* Judge the entries of a matched bucket that stayed unmatched. */
static void
judge_lone(const struct bucket *b, const struct scope *sc, struct zt_ptally *t)
{
	const struct zt_check_ctx *cx = sc->cx;
	const struct zt_pwork	*e;
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
 * Buckets are gathered and sorted in groups of consecutive ones, so that
 * the threads hand over a few hundred microseconds of work at a time,
 * not one small bucket: a group takes buckets until it holds
 * GROUP_ENTRIES entries or GROUP_MAX buckets (a large bucket is a group
 * of its own, so a group holds at most one bucket's worth more).
 */
#define GROUP_MAX	16
#define GROUP_ENTRIES	8192

/* One bucket of a group: its sides at v[base..base + no), v[base + off..]. */
struct gpart {
	size_t		 base;
	size_t		 no;
	size_t		 off;
	size_t		 ni;
};

/* A group of buckets gathered and sorted by key then time, for the walk. */
struct sorted {
	struct zt_pwork	*v;
	struct zt_pwork	*tmp;		/* gathered, to be put in order */
	struct skey	*key;		/* sort keys, two sets */
	size_t		 cap;		/* entries of v and tmp */
	size_t		 kcap;		/* keys of a set */
	size_t		 nb;		/* buckets */
	struct gpart	 part[GROUP_MAX];
	int64_t		 fromwp;
	int		 ready;
};

/* Put side v[0..n) in the order the first pass found (from perm). */
static void
put_in_order(struct zt_pwork *v, const struct zt_pwork *from, size_t n,
    const uint32_t *perm)
{
	size_t	 k;

	for (k = 0; k < n; k++)
		v[k] = from[perm[k]];
}

/* The entries of table t's bucket i (none while the table is unused). */
static size_t
side_n(const struct zt_ptab *t, size_t i)
{
	return t->full != NULL ? t->n[i] : 0;
}

/*
 * Room in sl for a group of n entries whose largest side has m: gathered
 * first (the second pass with the first's order), or sorted by keys.
 */
static void
group_room(struct sorted *sl, size_t n, size_t m, int gathered)
{
	if (n > sl->cap) {
		sl->cap = n;
		sl->v = zt_xrealloc(sl->v, n * sizeof(*sl->v));
		if (gathered)
			sl->tmp = zt_xrealloc(sl->tmp, n * sizeof(*sl->tmp));
	}
	if (!gathered && m > sl->kcap) {
		sl->kcap = m;
		sl->key = zt_xrealloc(sl->key, 2 * m * sizeof(*sl->key));
	}
}

/*
 * Gather bucket i of both tables into sl at base and sort each side: by
 * key, or in the second pass by the order the first one kept.  Returns
 * the entries' room.
 */
static size_t
bucket_sort(const struct zt_pstate *s, size_t i, const struct scope *sc,
    int pass, struct sorted *sl, size_t base)
{
	size_t		 no = side_n(&s->po, i);
	size_t		 ni = side_n(&s->pi, i);
	uint32_t	*perm = sc->perm != NULL ? sc->perm + sc->pbase[i] : NULL;
	struct gpart	*gp = &sl->part[sl->nb++];
	struct zt_pwork	*v;
	struct zt_pwork	*g;
	size_t		 k;

	gp->base = base;
	gp->no = gp->ni = gp->off = 0;
	if (no + ni == 0)
		return 0;
	v = sl->v + base;	/* not before: v is NULL for an empty group */
	gp->off = no;
	g = perm != NULL && pass == 1 ? sl->tmp + base : v;
	gp->no = ptab_gather(s, &s->po, i, g, sc, 0, NULL);
	gp->ni = ptab_gather(s, &s->pi, i, g + no, sc, 1, &sl->fromwp);
	if (g != v) {
		put_in_order(v, g, gp->no, perm);
		put_in_order(v + no, g + no, gp->ni, perm + no);
		return no + ni;
	}
	side_sort(v, gp->no, sl->key, sl->key + gp->no);
	side_sort(v + no, gp->ni, sl->key, sl->key + gp->ni);
	for (k = 0; perm != NULL && k < gp->no; k++)
		perm[k] = v[k].gix;
	for (k = 0; perm != NULL && k < gp->ni; k++)
		perm[no + k] = v[no + k].gix;
	return no + ni;
}

/* The entries bucket i has room for, both sides, and the larger side. */
static size_t
bucket_size(const struct zt_pstate *s, size_t i, size_t *side)
{
	size_t	 no = side_n(&s->po, i);
	size_t	 ni = side_n(&s->pi, i);

	*side = no > ni ? no : ni;
	return no + ni;
}

/* Gather and sort the buckets [first, end) into sl. */
static void
group_sort(const struct zt_pstate *s, size_t first, size_t end,
    const struct scope *sc, int pass, struct sorted *sl)
{
	size_t	 i, n = 0, m = 0, side;

	for (i = first; i < end; i++) {
		n += bucket_size(s, i, &side);
		if (side > m)
			m = side;
	}
	group_room(sl, n, m, sc->perm != NULL && pass == 1);
	sl->nb = 0;
	sl->fromwp = 0;
	for (i = first, n = 0; i < end; i++)
		n += bucket_sort(s, i, sc, pass, sl, n);
}

/*
 * The groups: buckets [g[k], g[k + 1]) for k < the count returned; g has
 * room for ZT_NBUCKET + 1.
 */
static size_t
groups(const struct zt_pstate *s, size_t *g)
{
	size_t	 i, n = 0, k = 0, side;

	g[0] = 0;
	for (i = 0; i < ZT_NBUCKET; i++) {
		n += bucket_size(s, i, &side);
		if (n >= GROUP_ENTRIES || i + 1 - g[k] == GROUP_MAX ||
		    i + 1 == ZT_NBUCKET) {
			g[++k] = i + 1;
			n = 0;
		}
	}
	return k;
}

/*
 * Sorting is most of a pass, and groups sort independently: with more
 * than one processor, sorting threads gather and sort the groups ahead
 * (one more than there are sorters, so that a group's worth of memory is
 * held by each thread and no more) while this thread walks them in bucket
 * order, so the samples, pairs and verdicts are the same as one thread's.
 */
#define SORTERS_MAX	4
#define SORT_AHEAD	(SORTERS_MAX + 1)
#define SORT_MIN	1024	/* fewer entries: not worth a thread */

struct sorter {
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv_walk;	/* the walker: a group ready */
	pthread_cond_t		 cv_sort;	/* sorters: a slot free */
	const struct zt_pstate	*s;
	const struct scope	*sc;
	int			 pass;
	const size_t		*g;		/* the groups (groups()) */
	size_t			 ng;
	size_t			 next;		/* next group to sort */
	size_t			 walked;	/* groups walked */
	size_t			 ahead;		/* slots in use */
	struct sorted		 slot[SORT_AHEAD];
};

static void *
sorter_main(void *arg)
{
	struct sorter	*so = arg;
	struct sorted	*sl;
	size_t		 k;

	pthread_mutex_lock(&so->mu);
	for (;;) {
		while (so->next < so->ng &&
		    so->next >= so->walked + so->ahead)
			pthread_cond_wait(&so->cv_sort, &so->mu);
		if (so->next >= so->ng)
			break;
		k = so->next++;
		sl = &so->slot[k % so->ahead];
		pthread_mutex_unlock(&so->mu);
		group_sort(so->s, so->g[k], so->g[k + 1], so->sc, so->pass,
		    sl);
		pthread_mutex_lock(&so->mu);
		sl->ready = 1;
		pthread_cond_signal(&so->cv_walk);
	}
	pthread_mutex_unlock(&so->mu);
	return NULL;
}

/*
 * Sorting threads for a pass over s: cx->threads (ZTLOG_THREADS), else
 * one a processor, at most 4; none with one, or for few entries.
 */
static size_t
sorters(const struct zt_pstate *s, const struct zt_check_ctx *cx)
{
	long	 n = cx->threads;

	if (s->po.total + s->pi.total < SORT_MIN)
		return 0;
	if (n <= 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 2)
		return 0;
	return n > SORTERS_MAX ? SORTERS_MAX : (size_t)n;
}

/* Walk one sorted group: samples (pass 0), or matches and verdicts. */
static void
walk_sorted(struct bucket *b, struct sorted *sl, int pass,
    const struct scope *sc, struct zt_ptally *t)
{
	const struct gpart	*gp;
	size_t			 k;

	for (k = 0; k < sl->nb; k++) {
		gp = &sl->part[k];
		if (gp->no + gp->ni == 0)
			continue;
		b->po = sl->v + gp->base;
		b->no = gp->no;
		b->pi = sl->v + gp->base + gp->off;
		b->ni = gp->ni;
		t->matched += walk_bucket(b, pass, sc);
		if (pass == 1)
			judge_lone(b, sc, t);
	}
}

/*
 * One pass over the buckets: gather, sort by key then time, and take
 * samples (pass 0) or match and judge what stayed unmatched (pass 1).
 */
static void
walk_all(const struct zt_pstate *s, int pass, struct bucket *b,
    const struct scope *sc, struct zt_ptally *t)
{
	struct sorter	 so;
	struct sorted	*sl;
	pthread_t	 tid[SORTERS_MAX];
	size_t		 g[ZT_NBUCKET + 1];
	size_t		 nt = sorters(s, sc->cx), started = 0;
	size_t		 i;
	int64_t		 fromwp = 0;

	memset(&so, 0, sizeof(so));
	so.s = s;
	so.sc = sc;
	so.pass = pass;
	so.g = g;
	so.ng = groups(s, g);
	so.ahead = nt + 1;
	if (nt > 0) {
		pthread_mutex_init(&so.mu, NULL);
		pthread_cond_init(&so.cv_walk, NULL);
		pthread_cond_init(&so.cv_sort, NULL);
		for (; started < nt; started++)
			if (pthread_create(&tid[started], NULL, sorter_main,
			    &so) != 0)
				break;
	}
	for (i = 0; i < so.ng; i++) {
		sl = &so.slot[i % so.ahead];
		if (started == 0)
			group_sort(s, g[i], g[i + 1], sc, pass, sl);
		else {
			pthread_mutex_lock(&so.mu);
			while (!sl->ready)
				pthread_cond_wait(&so.cv_walk, &so.mu);
			pthread_mutex_unlock(&so.mu);
		}
		fromwp += sl->fromwp;
		walk_sorted(b, sl, pass, sc, t);
		if (started > 0) {
			pthread_mutex_lock(&so.mu);
			sl->ready = 0;
			so.walked++;
			pthread_cond_broadcast(&so.cv_sort);
			pthread_mutex_unlock(&so.mu);
		}
	}
	if (pass == 1)
		t->fromwp = fromwp;
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	if (nt > 0) {
		pthread_mutex_destroy(&so.mu);
		pthread_cond_destroy(&so.cv_walk);
		pthread_cond_destroy(&so.cv_sort);
	}
	for (i = 0; i < SORT_AHEAD; i++) {
		free(so.slot[i].v);
		free(so.slot[i].tmp);
		free(so.slot[i].key);
	}
}

/*
 * The time bounds of a snapshot under a window: judged, the records
 * within the window of the newest; kept as twins, those within the
 * tolerance and ZT_PSLACK more.
 */
static void
bounds(const struct zt_pstate *s, const struct zt_check_ctx *cx,
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
	sc->keep_lo = sc->judge_lo - sc->w - ZT_PSLACK;
}

/*
 * The offsets: those of unambiguous twins, then from ambiguous keys for
 * the pairs of domains the former did not measure.
 */
static void
estimate(struct bucket *b, int64_t w, struct zt_ptally *t, struct scope *sc)
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

/*
 * Room for the first pass's order of every bucket, 4 bytes an entry, and
 * the second pass skips the sort; unless the entries pass four times the
 * spill budget (2 Mi, 8 MB), so that memory stays flat, and the second
 * pass sorts again.
 */
static void
perm_init(const struct zt_pstate *s, struct scope *sc)
{
	size_t	 i, n = 0;

	if (s->po.total + s->pi.total > 4 * zt_ptab_memory())
		return;
	sc->pbase = zt_xmalloc(ZT_NBUCKET * sizeof(*sc->pbase));
	for (i = 0; i < ZT_NBUCKET; i++) {
		sc->pbase[i] = n;
		n += side_n(&s->po, i) + side_n(&s->pi, i);
	}
	sc->perm = zt_xmalloc((n > 0 ? n : 1) * sizeof(*sc->perm));
}

void
zt_pairing_match(const struct zt_pstate *s, int64_t w, const struct zt_check_ctx *cx,
    struct zt_ptally *t)
{
	struct bucket	 b;
	struct scope	 sc;

	memset(&b, 0, sizeof(b));
	memset(&sc, 0, sizeof(sc));
	zt_imap_init(&b.pairs, 2);
	sc.cx = cx;
	sc.w = w;
	bounds(s, cx, &sc);
	perm_init(s, &sc);
	walk_all(s, 0, &b, &sc, t);
	estimate(&b, w, t, &sc);
	sc.nclk = zt_pm_clocks(t->off, t->noff, sc.lag, &sc.clk);
	walk_all(s, 1, &b, &sc, t);
	free(sc.perm);
	free(sc.pbase);
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

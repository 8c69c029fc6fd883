/*
 * checks.c -- the built-in checks: hbone, pairing, balance, errors, and
 * the sql rules.  Each is fed the rows its where-filter passes (zt_feed_*)
 * and then turned into a result (zt_finish_*); see ztlog(1), CHECKS.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/checkpriv.h"
#include "store/store.h"
#include "util/text.h"

void
zt_feed_hbone(struct acc *a, const struct zt_row *row, int max)
{
	int64_t		 k[2];
	int64_t		 ix;
	struct group	*g;
	char		 msg[160];
	int		 req;

	if (row->failed)
		return;
	if (row->hbone) {
		if (row->src_wl_id)
			imap_get(&a->mesh_wl, &row->src_wl_id, 1, 1);
		if (row->dst_wl_id)
			imap_get(&a->mesh_wl, &row->dst_wl_id, 1, 1);
		if (row->outbound && row->service_id)
			imap_get(&a->mesh_svc, &row->service_id, 1, 1);
		if (row->inbound && row->dst_wl_id)
			imap_get(&a->hb_in_wl, &row->dst_wl_id, 1, 1);
		if (row->outbound)
			a->checked++;
		return;
	}
	if (row->inbound) {
		if (!row->dst_wl_id)
			return;
		ix = imap_get(&a->pin, &row->dst_wl_id, 1, 1);
		if (a->pin.added) {
			grow((void **)&a->gin, (size_t)ix, sizeof(*a->gin));
			memset(&a->gin[ix], 0, sizeof(a->gin[ix]));
			a->gin[ix].wl = row->dst_wl_id;
		}
		g = &a->gin[ix];
		g->count++;
		ex_add(&g->ex, row, max);
		return;
	}
	if (!row->outbound)
		return;
	a->checked++;
	if (a->r->has_require) {
		req = zt_filter_eval(&a->r->require, row, msg, sizeof(msg));
		if (req == -1 && !a->err) {
			a->err = 1;
			snprintf(a->emsg, sizeof(a->emsg), "require: %s", msg);
		}
		if (req == 1) {
			a->required++;
			ex_add(&a->reqex, row, max);
			return;
		}
	}
	if (!row->dst_wl_id && !row->service_id)
		return;		/* passthrough to an address outside the mesh */
	k[0] = row->dst_wl_id;
	k[1] = row->service_id;
	ix = imap_get(&a->gix, k, 2, 1);
	if (a->gix.added) {
		grow((void **)&a->g, (size_t)ix, sizeof(*a->g));
		memset(&a->g[ix], 0, sizeof(a->g[ix]));
		a->g[ix].wl = k[0];
		a->g[ix].svc = k[1];
	}
	g = &a->g[ix];
	g->count++;
	ex_add(&g->ex, row, max);
}

#define SVC_VIA_WP	((int64_t)1 << 40)

_Static_assert(sizeof(struct pent) == 32, "a pairing entry is 32 bytes");

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
	struct pchunk	*c;

	if (t->full == NULL) {
		t->full = zt_xcalloc((size_t)1 << PBITS, sizeof(*t->full));
		t->part = zt_xcalloc((size_t)1 << PBITS, sizeof(*t->part));
		t->n = zt_xcalloc((size_t)1 << PBITS, sizeof(*t->n));
	}
	if ((c = t->part[b]) == NULL) {
		c = t->part[b] = zt_xmalloc(sizeof(*c));
		c->n = 0;
	}
	c->e[c->n++] = *e;
	if (c->n == PCHUNK) {
		c->next = t->full[b];
		t->full[b] = c;
		t->part[b] = NULL;
	}
	t->n[b]++;
	t->total++;
}

/* Move b's entries into a; b is left empty. */
static void
ptab_merge(struct ptab *a, struct ptab *b)
{
	struct pchunk	*c, *next, *pb;
	size_t		 i, k;

	if (b->full == NULL)
		return;
	if (a->full == NULL) {
		*a = *b;
		memset(b, 0, sizeof(*b));
		return;
	}
	for (i = 0; i < (size_t)1 << PBITS; i++) {
		for (c = b->full[i]; c != NULL; c = next) {
			next = c->next;
			c->next = a->full[i];
			a->full[i] = c;
		}
		/* Top a's chunk being filled up from b's. */
		if ((pb = b->part[i]) != NULL && a->part[i] == NULL)
			a->part[i] = pb;
		else if (pb != NULL) {
			c = a->part[i];
			k = PCHUNK - c->n < pb->n ? PCHUNK - c->n : pb->n;
			memcpy(c->e + c->n, pb->e + pb->n - k, k * sizeof(*c->e));
			c->n += k;
			pb->n -= k;
			if (c->n == PCHUNK) {
				c->next = a->full[i];
				a->full[i] = c;
				a->part[i] = pb->n > 0 ? pb : NULL;
				if (pb->n == 0)
					free(pb);
			} else
				free(pb);
		}
		a->n[i] += b->n[i];
	}
	a->total += b->total;
	free(b->full);
	free(b->part);
	free(b->n);
	memset(b, 0, sizeof(*b));
}

void
zt_ptab_free(struct ptab *t)
{
	struct pchunk	*c, *next;
	size_t		 i;

	if (t->full != NULL)
		for (i = 0; i < (size_t)1 << PBITS; i++) {
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

/* Is the source of inbound entry e a host outbound records reached as a
   waypoint? */
static int
from_waypoint(const struct pent *e, const struct observe *ob,
    const struct dims *dm)
{
	const struct sdim	*sd = sget(dm, e->src);
	int64_t			 host = sd != NULL ? sd->hostkey : 0;

	return imap_get((struct imap *)&ob->wp_hosts, &host, 1, 0) >= 0;
}

/* A pairing entry unpacked for matching (finishing only, a bucket at a time). */
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
big_find(const struct acc *a, uint32_t ref)
{
	size_t	 lo = 0;
	size_t	 hi = a->nbig;
	size_t	 mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (a->big[mid].ref < ref)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < a->nbig && a->big[lo].ref == ref ? &a->big[lo] : NULL;
}

static size_t
chunk_copy(const struct acc *a, const struct pchunk *c, struct pwork *v,
    size_t n, const struct observe *ob, const struct dims *dm,
    int64_t *fromwp)
{
	const struct pent	*e;
	const struct pbig	*g;
	size_t			 i;

	for (i = 0; i < c->n; i++) {
		e = &c->e[i];
		if (ob != NULL && from_waypoint(e, ob, dm)) {
			(*fromwp)++;
			continue;
		}
		v[n].ts = (int64_t)(e->tsf >> 2);
		v[n].cb = e->cb;
		v[n].sb = e->sb;
		if ((e->tsf & PF_BIG) && (g = big_find(a, e->ref)) != NULL) {
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

/*
 * Unpack bucket b of t into v (room for t->n[b]); with ob, leave out the
 * inbound entries whose source is a waypoint (they have no outbound
 * twin), counting them in *fromwp.  Returns the entries unpacked.
 */
static size_t
ptab_gather(const struct acc *a, const struct ptab *t, size_t b,
    struct pwork *v, const struct observe *ob, const struct dims *dm,
    int64_t *fromwp)
{
	const struct pchunk	*c;
	size_t			 n = 0;

	for (c = t->full[b]; c != NULL; c = c->next)
		n = chunk_copy(a, c, v, n, ob, dm, fromwp);
	if (t->part[b] != NULL)
		n = chunk_copy(a, t->part[b], v, n, ob, dm, fromwp);
	return n;
}

void
zt_feed_pairing(struct acc *a, const struct zt_row *row)
{
	struct pent	 e;
	int64_t		 cb, sb;
	char		 msg[160];
	int		 r;

	if (!row->complete || !row->hbone || !row->has_bytes)
		return;
	if (row->outbound && row->wp) {
		a->via_wp++;
		return;
	}
	if (!row->outbound && !row->inbound)
		return;
	/*
	 * Line references fit 32 bits for the first 4G lines of a run;
	 * close times are 1970..9999 (the parser's range).  Past that a
	 * record is counted, not paired.
	 */
	if (row->ref < 1 || row->ref > (int64_t)UINT32_MAX ||
	    row->ts_us < 0 || row->ts_us >= PT_MAX) {
		a->past_limit++;
		return;
	}
	if (row->outbound) {
		cb = row->num[ZT_COL_BYTES_SENT];
		sb = row->num[ZT_COL_BYTES_RECV];
	} else {
		cb = row->num[ZT_COL_BYTES_RECV];
		sb = row->num[ZT_COL_BYTES_SENT];
		/* Inbound from a waypoint (by name) has no outbound twin. */
		r = 0;
		if (row->s[ZT_COL_SRC_IDENTITY].p != NULL)
			r = zt_re_match(a->r->waypoint, a->md,
			    row->s[ZT_COL_SRC_IDENTITY], msg, sizeof(msg));
		if (r == 0 && row->s[ZT_COL_SRC_WORKLOAD].p != NULL)
			r = zt_re_match(a->r->waypoint, a->md,
			    row->s[ZT_COL_SRC_WORKLOAD], msg, sizeof(msg));
		if (r == -1 && !a->err) {
			a->err = 1;
			snprintf(a->emsg, sizeof(a->emsg), "waypoint: %s", msg);
		}
		if (r == 1) {
			a->wp_named++;
			return;
		}
	}
	/* Ids and keys are dense counters far below 2^32. */
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
		grow((void **)&a->big, a->nbig, sizeof(*a->big));
		a->big[a->nbig].ref = e.ref;
		a->big[a->nbig].cb = cb;
		a->big[a->nbig].sb = sb;
		a->nbig++;
	}
	ptab_add(row->outbound ? &a->po : &a->pi, &e);
}

/*
 * The entries of balance's (service, endpoint), of errors' error texts
 * and of their (source, destination) flows: the index of key k, added
 * with a zero count (and no name or example yet) if new.
 */
static int64_t
bal_entry(struct acc *a, const int64_t k[2])
{
	int64_t	 ix = imap_get(&a->bix, k, 2, 1);

	if (a->bix.added) {
		grow((void **)&a->bcount, (size_t)ix, sizeof(*a->bcount));
		grow((void **)&a->bsvc, (size_t)ix, sizeof(*a->bsvc));
		grow((void **)&a->bep, (size_t)ix, sizeof(*a->bep));
		grow((void **)&a->bname, (size_t)ix, sizeof(*a->bname));
		a->bcount[ix] = 0;
		a->bsvc[ix] = k[0];
		a->bep[ix] = k[1];
		a->bname[ix] = NULL;
	}
	return ix;
}

static int64_t
err_entry(struct acc *a, const int64_t *error_id)
{
	int64_t	 ix = imap_get(&a->eix, error_id, 1, 1);

	if (a->eix.added) {
		grow((void **)&a->ecount, (size_t)ix, sizeof(*a->ecount));
		grow((void **)&a->eid, (size_t)ix, sizeof(*a->eid));
		a->ecount[ix] = 0;
		a->eid[ix] = *error_id;
	}
	return ix;
}

static int64_t
flow_entry(struct acc *a, const int64_t k[2])
{
	int64_t	 ix = imap_get(&a->fix, k, 2, 1);

	if (a->fix.added) {
		grow((void **)&a->fcount, (size_t)ix, sizeof(*a->fcount));
		grow((void **)&a->fex, (size_t)ix, sizeof(*a->fex));
		a->fcount[ix] = 0;
		memset(&a->fex[ix], 0, sizeof(a->fex[ix]));
	}
	return ix;
}

void
zt_feed_balance(struct acc *a, const struct zt_row *row)
{
	int64_t		 k[2];
	int64_t		 ix;
	const char	*name;

	if (!row->outbound || !row->complete || !row->service_id)
		return;
	/*
	 * Connections through the service's waypoint are spread over its
	 * replicas, the others over the service's own endpoints: judged
	 * apart (bit 40: via a waypoint; str ids stay below 2^40).
	 */
	k[0] = row->service_id | (row->wp ? SVC_VIA_WP : 0);
	if (row->dst_wl_id) {
		k[1] = row->dst_wl_id;
		name = row->s[ZT_COL_DST_WORKLOAD].p;
	} else if (row->hbone_host_id && row->wp == 0) {
		k[1] = -row->hbone_host_id;
		name = row->s[ZT_COL_DST_HBONE_HOST].p;
	} else {
		k[1] = -row->dst_host_id;
		name = row->s[ZT_COL_DST_IP].p;
	}
	a->checked++;
	ix = bal_entry(a, k);
	if (a->bname[ix] == NULL)
		a->bname[ix] = zt_xstrdup(name != NULL ? name : "?");
	a->bcount[ix]++;
}

void
zt_feed_errors(struct acc *a, const struct zt_row *row)
{
	int64_t		 k[2];
	int64_t		 ix;

	if (row->s[ZT_COL_MESSAGE].p != NULL &&
	    ZT_STR_EQ(row->s[ZT_COL_MESSAGE], "connection opened"))
		return;
	a->checked++;
	if (!row->error_id)
		return;
	ix = err_entry(a, &row->error_id);	/* may move ecount */
	a->ecount[ix]++;
	k[0] = row->src_wl_id ? row->src_wl_id : -row->src_ip_id;
	k[1] = row->dst_wl_id ? row->dst_wl_id : row->service_id ?
	    (int64_t)1 << 40 | row->service_id : -row->dst_host_id;
	ix = flow_entry(a, k);
	if (a->fex[ix].n == 0)
		ex_add(&a->fex[ix], row, 1);
	a->fcount[ix]++;
}

/* ---- merging one source's accumulator into the run's ---------------------- */

static void
set_union(struct imap *a, const struct imap *b)
{
	int64_t	 i;

	for (i = 0; i < b->n; i++)
		imap_get(a, imap_key(b, i, 1), 1, 1);
}

static void
groups_merge(struct imap *ax, struct group **ag, struct imap *bx,
    struct group *bg, size_t nk, int max)
{
	int64_t	 i;
	int64_t	 ix;

	for (i = 0; i < bx->n; i++) {
		ix = imap_get(ax, imap_key(bx, i, nk), nk, 1);
		if (ax->added) {
			grow((void **)ag, (size_t)ix, sizeof(**ag));
			memset(&(*ag)[ix], 0, sizeof((*ag)[ix]));
			(*ag)[ix].wl = bg[i].wl;
			(*ag)[ix].svc = bg[i].svc;
		}
		(*ag)[ix].count += bg[i].count;
		ex_merge(&(*ag)[ix].ex, &bg[i].ex, max);
	}
}

void
zt_merge_acc(struct acc *a, struct acc *b, int max)
{
	int64_t		 i;
	int64_t		 ix;

	if (b->err && !a->err) {
		a->err = 1;
		memcpy(a->emsg, b->emsg, sizeof(a->emsg));
	}
	a->checked += b->checked;
	/* hbone */
	set_union(&a->mesh_wl, &b->mesh_wl);
	set_union(&a->mesh_svc, &b->mesh_svc);
	set_union(&a->hb_in_wl, &b->hb_in_wl);
	groups_merge(&a->gix, &a->g, &b->gix, b->g, 2, max);
	groups_merge(&a->pin, &a->gin, &b->pin, b->gin, 1, max);
	a->required += b->required;
	ex_merge(&a->reqex, &b->reqex, max);
	/* pairing; the global arrays are never fed (grow()), only merged */
	ptab_merge(&a->po, &b->po);
	ptab_merge(&a->pi, &b->pi);
	/* b's references all come after a's: the table stays in order. */
	if (a->nbig == 0) {
		free(a->big);
		a->big = b->big;
		a->nbig = b->nbig;
		b->big = NULL;
		b->nbig = 0;
	} else if (b->nbig > 0) {
		a->big = zt_xrealloc(a->big, (a->nbig + b->nbig) *
		    sizeof(*a->big));
		memcpy(a->big + a->nbig, b->big, b->nbig * sizeof(*b->big));
		a->nbig += b->nbig;
	}
	a->via_wp += b->via_wp;
	a->wp_named += b->wp_named;
	a->past_limit += b->past_limit;
	/* balance */
	for (i = 0; i < b->bix.n; i++) {
		ix = bal_entry(a, imap_key(&b->bix, i, 2));
		if (a->bname[ix] == NULL) {
			a->bname[ix] = b->bname[i];
			b->bname[i] = NULL;
		}
		a->bcount[ix] += b->bcount[i];
	}
	/* errors */
	for (i = 0; i < b->eix.n; i++) {
		ix = err_entry(a, imap_key(&b->eix, i, 1));
		a->ecount[ix] += b->ecount[i];
	}
	for (i = 0; i < b->fix.n; i++) {
		ix = flow_entry(a, imap_key(&b->fix, i, 2));
		a->fcount[ix] += b->fcount[i];
		ex_merge(&a->fex[ix], &b->fex[i], 1);
	}
}

/* ---- statistics ------------------------------------------------------------ */

/* Regularized upper incomplete gamma Q(a, x) (Numerical Recipes 6.2). */
static double
gammq(double a, double x)
{
	double	 gln = lgamma(a);
	double	 sum;
	double	 del;
	double	 ap;
	double	 b, c, d, h, an;
	int	 i;

	if (x <= 0)
		return 1.0;
	if (x < a + 1) {
		ap = a;
		sum = del = 1.0 / a;
		for (i = 0; i < 1000; i++) {
			ap += 1;
			del *= x / ap;
			sum += del;
			if (fabs(del) < fabs(sum) * 1e-15)
				break;
		}
		return 1.0 - sum * exp(-x + a * log(x) - gln);
	}
	b = x + 1 - a;
	c = 1.0 / 1e-300;
	d = 1.0 / b;
	h = d;
	for (i = 1; i < 1000; i++) {
		an = -i * (i - a);
		b += 2;
		d = an * d + b;
		if (fabs(d) < 1e-300)
			d = 1e-300;
		c = b + an / c;
		if (fabs(c) < 1e-300)
			c = 1e-300;
		d = 1.0 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1.0) < 1e-15)
			break;
	}
	return exp(-x + a * log(x) - gln) * h;
}

double
zt_chi2_q(double x, double df)
{
	if (df <= 0)
		return 1.0;
	return gammq(df / 2, x / 2);
}

/* ---- finishing ----------------------------------------------------------- */

static void
count(struct zt_result *res, const char *name, int64_t v)
{
	if (res->ncounts < (int)(sizeof(res->counts) / sizeof(res->counts[0]))) {
		res->counts[res->ncounts].name = name;
		res->counts[res->ncounts].v = v;
		res->ncounts++;
	}
}

static void
example(struct zt_result *res, const char *source, int64_t line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
example(struct zt_result *res, const char *source, int64_t line,
    const char *fmt, ...)
{
	va_list		 ap;
	char		 buf[1024];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	res->ex = zt_xrealloc(res->ex, (res->nex + 1) * sizeof(*res->ex));
	res->ex[res->nex].source = source != NULL ? zt_xstrdup(source) : NULL;
	res->ex[res->nex].line = line;
	res->ex[res->nex].text = zt_xstrdup(buf);
	res->nex++;
}

static void
example_ex(struct zt_result *res, const struct dims *dm,
    const struct srcnames *sn, const struct exitem *e, const char *what)
{
	char	*text = zt_render_ex(dm, e);

	example(res, srcname(sn, e->src), e->line, "%s: %s", what, text);
	free(text);
}

/* FAIL, WARN or INFO by the rule's severity. */
static enum zt_status
failed(const struct zt_rule *r)
{
	return r->sev == ZT_SEV_ERROR ? ZT_ST_FAIL : r->sev == ZT_SEV_WARNING ?
	    ZT_ST_WARN : ZT_ST_INFO;
}

void
zt_finish_hbone(struct acc *a, const struct dims *dm,
    const struct srcnames *sn, int max)
{
	struct zt_result	*res = a->res;
	int64_t			 viol = a->required;
	int64_t			 around = 0;
	int64_t			 i;
	size_t			 k;
	int			 shown = 0;

	for (i = 0; i < a->gix.n; i++) {
		struct group *g = &a->g[i];

		if (!((g->wl && imap_get(&a->mesh_wl, &g->wl, 1, 0) >= 0) ||
		    (g->svc && imap_get(&a->mesh_svc, &g->svc, 1, 0) >= 0)))
			continue;
		viol += g->count;
		for (k = 0; k < g->ex.n && shown < max; k++, shown++)
			example_ex(res, dm, sn, &g->ex.v[k],
			    "plain TCP to an in-mesh destination");
	}
	for (k = 0; k < a->reqex.n && shown < max; k++, shown++)
		example_ex(res, dm, sn, &a->reqex.v[k], "plain TCP to a "
		    "destination that `require` covers");
	for (i = 0; i < a->pin.n; i++) {
		struct group *g = &a->gin[i];

		if (imap_get(&a->hb_in_wl, &g->wl, 1, 0) < 0)
			continue;
		around += g->count;
		if (viol == 0)
			for (k = 0; k < g->ex.n && shown < max; k++, shown++)
				example_ex(res, dm, sn, &g->ex.v[k], "inbound "
				    "plain TCP to a workload that also "
				    "receives HBONE");
	}
	res->more = (viol > 0 ? viol : around) - shown;
	if (res->more < 0)
		res->more = 0;
	count(res, "outbound", a->checked);
	count(res, "plaintext_to_mesh", viol);
	count(res, "inbound_plaintext_to_mesh", around);
	if (viol > 0) {
		res->status = failed(a->r);
		snprintf(res->summary, sizeof(res->summary), "%" PRId64 " of %"
		    PRId64 " outbound records bypass HBONE to an in-mesh "
		    "destination", viol, a->checked);
		res->hint = "ztunnel sent plain TCP because, in its view, the "
		    "destination is not HBONE-capable: check the destination "
		    "in `istioctl x ztunnel-config workloads` (PROTOCOL column) "
		    "and that its namespace or pod has "
		    "istio.io/dataplane-mode=ambient";
	} else if (around > 0) {
		res->status = ZT_ST_WARN;
		snprintf(res->summary, sizeof(res->summary), "%" PRId64 " inbound"
		    " plain-TCP record%s reach%s workloads that also receive "
		    "HBONE", around, around == 1 ? "" : "s",
		    around == 1 ? "es" : "");
		res->hint = "something reaches these pods around the mesh: a "
		    "client outside the mesh, a node or kubelet probe, or a "
		    "load balancer; look at the source addresses";
	} else if (a->checked == 0) {
		res->status = ZT_ST_SKIP;
		snprintf(res->summary, sizeof(res->summary), "no outbound "
		    "records to judge");
	} else {
		res->status = ZT_ST_PASS;
		snprintf(res->summary, sizeof(res->summary), "%" PRId64
		    " outbound records, none bypass HBONE to an in-mesh "
		    "destination", a->checked);
	}
}

static int
pwork_cmp(const void *x, const void *y)
{
	const struct pwork	*a = x;
	const struct pwork	*b = y;

#define CMP(f) if (a->f != b->f) return a->f < b->f ? -1 : 1
	CMP(src);
	CMP(hb);
	CMP(wl);
	CMP(cb);
	CMP(sb);
	CMP(ts);
	CMP(ref);
#undef CMP
	return 0;
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
	grow((void **)&run->pairs, run->npairs, sizeof(*run->pairs));
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

/*
 * Match one bucket: po[o0..o1) against pi[i0..i1), both sorted by key
 * then time.  Within a key, candidate pairs inside the window are taken
 * nearest in time first, one to one.
 */
static int64_t
match_bucket(struct pwork *po, size_t o0, size_t oend, struct pwork *pi,
    size_t i0, size_t iend, int64_t w, struct zt_checkrun *run, int keep)
{
	struct cand	*cv = NULL;
	size_t		 nc, ncap = 0;
	size_t		 o1, i1, o, i, lo, n;
	int64_t		 matched = 0;

	while (o0 < oend && i0 < iend) {
		if (!same_key(&po[o0], &pi[i0])) {
			/* Advance whichever key is smaller. */
			if (pwork_cmp(&po[o0], &pi[i0]) < 0)
				for (o = o0; o0 < oend &&
				    same_key(&po[o0], &po[o]); o0++)
					;
			else
				for (i = i0; i0 < iend &&
				    same_key(&pi[i0], &pi[i]); i0++)
					;
			continue;
		}
		for (o1 = o0; o1 < oend && same_key(&po[o1], &po[o0]); o1++)
			;
		for (i1 = i0; i1 < iend && same_key(&pi[i1], &pi[i0]); i1++)
			;
		nc = 0;
		lo = i0;
		for (o = o0; o < o1; o++) {
			while (lo < i1 && pi[lo].ts < po[o].ts - w)
				lo++;
			for (i = lo; i < i1 && pi[i].ts <= po[o].ts + w; i++) {
				if (nc == ncap) {
					ncap = ncap ? ncap * 2 : 16;
					cv = zt_xrealloc(cv, ncap * sizeof(*cv));
				}
				cv[nc].adt = llabs(pi[i].ts - po[o].ts);
				cv[nc].o = o;
				cv[nc].i = i;
				nc++;
			}
		}
		if (nc > 1)
			qsort(cv, nc, sizeof(*cv), cand_cmp);
		for (n = 0; n < nc; n++) {
			if (po[cv[n].o].matched || pi[cv[n].i].matched)
				continue;
			po[cv[n].o].matched = pi[cv[n].i].matched = 1;
			matched++;
			if (keep)
				keep_pair(run, po[cv[n].o].ref, pi[cv[n].i].ref,
				    pi[cv[n].i].ts - po[cv[n].o].ts, 1);
		}
		o0 = o1;
		i0 = i1;
	}
	free(cv);
	return matched;
}

/* An unmatched record worth showing: which, and where in the input. */
struct lone {
	struct pwork	 e;
	int		 out;
};

static int
lone_cmp(const void *x, const void *y)
{
	const struct lone	*a = x;
	const struct lone	*b = y;

	return a->e.ref < b->e.ref ? -1 : a->e.ref > b->e.ref;
}

static void
example_pent(struct zt_result *res, const struct dims *dm,
    const struct srcnames *sn, const struct pwork *e, int out)
{
	const struct sdim	*src = sget(dm, e->src);
	const struct sdim	*hb = sget(dm, e->hb);
	const char		*wl = "-";
	char			 ts[28];
	int64_t			 key, line;

	if (wlname(dm, e->wl) != NULL)
		wl = wlname(dm, e->wl);
	zt_format_ts(e->ts, ts);
	locate(sn, e->ref, &key, &line);
	example(res, srcname(sn, key), line,
	    "%s: %s %s %s -> %s (%s), HBONE, %lld/%lld bytes",
	    out ? "no inbound twin" : "no outbound twin", ts,
	    out ? "outbound" : "inbound", src != NULL ? src->s : "?", wl,
	    hb != NULL ? hb->s : "?", (long long)(out ? e->cb : e->sb),
	    (long long)(out ? e->sb : e->cb));
}

/*
 * Could the other side's ztunnel have logged the twin of a record at ts?
 * Yes when a pod that has host as a local address logged records both
 * before and after ts (its span covers ts; a log cut just before the
 * twin is then not counted against the mesh).
 */
static int
observable(const struct observe *ob, int64_t host, int64_t ts)
{
	int64_t	 k[2];
	int64_t	 i;

	for (i = 0; i < ob->podix.n; i++) {
		if (ts < ob->span[i].lo || ts > ob->span[i].hi)
			continue;
		k[0] = ob->podid[i];
		k[1] = host;
		if (imap_get((struct imap *)&ob->local, k, 2, 0) >= 0)
			return 1;
	}
	return 0;
}

void
zt_finish_pairing(struct acc *a, const struct observe *ob,
    const struct dims *dm, const struct srcnames *sn, int max,
    struct zt_checkrun *run, int keep)
{
	struct zt_result	*res = a->res;
	struct lone		*lone = NULL;
	size_t			 nlone = 0;
	struct pwork		*scratch = NULL;
	struct pwork		*so, *si;
	size_t			 cap = 0;
	size_t			 o, n, b, no, ni;
	int64_t			 w = a->r->window_ms * 1000;
	int64_t			 matched = 0;
	int64_t			 uo = 0;
	int64_t			 ui = 0;
	int64_t			 unv = 0;
	int64_t			 fromwp = 0;	/* by address */
	int64_t			 peer;
	int			 v;

	/*
	 * Bucket by bucket: gather, sort by key then time, match, and
	 * judge what stayed unmatched.  Inbound records whose source is a
	 * waypoint have no outbound twin and are left out.
	 */
	for (b = 0; (a->po.full != NULL || a->pi.full != NULL) &&
	    b < (size_t)1 << PBITS; b++) {
		no = a->po.full != NULL ? a->po.n[b] : 0;
		ni = a->pi.full != NULL ? a->pi.n[b] : 0;
		if (no + ni == 0)
			continue;
		if (no + ni > cap) {
			cap = no + ni;
			scratch = zt_xrealloc(scratch, cap * sizeof(*scratch));
		}
		so = scratch;
		si = scratch + no;
		if (no > 0)
			no = ptab_gather(a, &a->po, b, so, NULL, dm, NULL);
		if (ni > 0)
			ni = ptab_gather(a, &a->pi, b, si, ob, dm, &fromwp);
		if (no > 1)
			qsort(so, no, sizeof(*so), pwork_cmp);
		if (ni > 1)
			qsort(si, ni, sizeof(*si), pwork_cmp);
		matched += match_bucket(so, 0, no, si, 0, ni, w, run, keep);
		for (o = 0; o < no + ni; o++) {
			int out = o < no;
			const struct pwork *e = out ? &so[o] : &si[o - no];

			if (e->matched || e->errored)
				continue;
			/* The other side: the HBONE peer, or the client. */
			peer = sget(dm, out ? e->hb : e->src) != NULL ?
			    sget(dm, out ? e->hb : e->src)->hostkey : 0;
			v = observable(ob, peer, e->ts);
			if (keep)
				keep_pair(run, out ? e->ref : 0, out ? 0 : e->ref,
				    0, v);
			if (!v) {
				unv++;
				continue;
			}
			if (out)
				uo++;
			else
				ui++;
			grow((void **)&lone, nlone, sizeof(*lone));
			lone[nlone].e = *e;
			lone[nlone].out = out;
			nlone++;
		}
	}
	free(scratch);
	/* Examples: the first unpaired records in input order. */
	if (nlone > 1)
		qsort(lone, nlone, sizeof(*lone), lone_cmp);
	for (n = 0; n < nlone && (int)n < max; n++)
		example_pent(res, dm, sn, &lone[n].e, lone[n].out);
	res->more = (int64_t)nlone > max ? (int64_t)nlone - max : 0;
	free(lone);
	count(res, "paired", matched);
	count(res, "outbound_unpaired", uo);
	count(res, "inbound_unpaired", ui);
	count(res, "unverifiable", unv);
	count(res, "via_waypoint", a->via_wp);
	count(res, "from_waypoint", a->wp_named + fromwp);
	if (a->past_limit > 0)
		count(res, "past_limit", a->past_limit);
	if (uo + ui > 0) {
		res->status = failed(a->r);
		snprintf(res->summary, sizeof(res->summary), "%" PRId64 " paired;"
		    " %" PRId64 " outbound without an inbound twin, %" PRId64
		    " inbound without an outbound twin (%" PRId64
		    " unverifiable)", matched, uo, ui, unv);
		res->hint = uo > 0 ? "no inbound twin: the destination's ztunnel "
		    "did not see the connection; check traffic redirection "
		    "(istio-cni) on the destination node and that its ztunnel "
		    "logs cover the time" : "no outbound twin: the client's "
		    "ztunnel did not log the connection; the client may not be "
		    "captured (not enrolled), or came through a proxy ztlog "
		    "does not know as a waypoint (set `waypoint:`)";
	} else if (a->po.total + a->pi.total - (size_t)fromwp == 0) {
		res->status = ZT_ST_SKIP;
		snprintf(res->summary, sizeof(res->summary), "no HBONE "
		    "connection records to pair");
	} else if (matched == 0) {
		res->status = ZT_ST_SKIP;
		snprintf(res->summary, sizeof(res->summary), "nothing to "
		    "verify: the other ztunnel of all %" PRId64 " HBONE records "
		    "is not in the input", unv);
	} else {
		res->status = ZT_ST_PASS;
		snprintf(res->summary, sizeof(res->summary), "%" PRId64
		    " connection%s paired (%" PRId64 " unverifiable: the other "
		    "ztunnel is not in the input)", matched,
		    matched == 1 ? "" : "s", unv);
	}
}

static int
ep_cmp(const void *x, const void *y)
{
	const struct zt_lbep	*a = x;
	const struct zt_lbep	*b = y;

	return strcmp(a->name, b->name);
}

static int
svc_cmp(const void *x, const void *y)
{
	const struct zt_lbsvc	*a = x;
	const struct zt_lbsvc	*b = y;

	return strcmp(a->service, b->service);
}

void
zt_finish_balance(struct acc *a, const struct dims *dm)
{
	const struct sdim	*svc;
	const char		*nm;
	const char		*vw;
	struct zt_result	*res = a->res;
	struct imap		 six;
	struct zt_lbsvc		*sv;
	int64_t			 i;
	int64_t			 ix;
	size_t			 k;
	size_t			 nfail = 0;
	size_t			 nskip = 0;
	double			 e;
	double			 mx;
	double			 mn;
	char			 line[1024];
	size_t			 len;

	imap_init(&six);
	for (i = 0; i < a->bix.n; i++) {
		ix = imap_get(&six, &a->bsvc[i], 1, 1);
		if (six.added) {
			grow((void **)&res->svc, (size_t)ix, sizeof(*res->svc));
			memset(&res->svc[ix], 0, sizeof(res->svc[ix]));
			svc = sget(dm, a->bsvc[i] & (SVC_VIA_WP - 1));
			nm = svc != NULL ? svc->s : "?";
			vw = a->bsvc[i] & SVC_VIA_WP ? " via waypoint" : "";
			res->svc[ix].service = zt_xmalloc(strlen(nm) +
			    strlen(vw) + 1);
			memcpy(res->svc[ix].service, nm, strlen(nm));
			memcpy(res->svc[ix].service + strlen(nm), vw,
			    strlen(vw) + 1);
			res->nsvc++;
		}
		sv = &res->svc[ix];
		sv->ep = zt_xrealloc(sv->ep, (sv->nep + 1) * sizeof(*sv->ep));
		sv->ep[sv->nep].name = a->bname[i];
		a->bname[i] = NULL;
		sv->ep[sv->nep].n = a->bcount[i];
		sv->nep++;
		sv->total += a->bcount[i];
	}
	imap_fini(&six);
	if (res->nsvc > 1)
		qsort(res->svc, res->nsvc, sizeof(*res->svc), svc_cmp);
	for (k = 0; k < res->nsvc; k++) {
		sv = &res->svc[k];
		qsort(sv->ep, sv->nep, sizeof(*sv->ep), ep_cmp);
		e = (double)sv->total / (double)sv->nep;
		mx = 0;
		mn = 1e300;
		sv->chi2 = 0;
		for (i = 0; i < (int64_t)sv->nep; i++) {
			double d = (double)sv->ep[i].n - e;

			sv->chi2 += d * d / e;
			if ((double)sv->ep[i].n > mx)
				mx = (double)sv->ep[i].n;
			if ((double)sv->ep[i].n < mn)
				mn = (double)sv->ep[i].n;
		}
		sv->ratio = mn > 0 ? mx / mn : 0;
		sv->p = 1;
		if (sv->nep < 2) {
			sv->skip = "one endpoint";
			nskip++;
			continue;
		}
		if (e < a->r->min_expected) {
			snprintf(sv->skipbuf, sizeof(sv->skipbuf), "too few "
			    "connections: %" PRId64 " over %zu endpoints, need "
			    "%g per endpoint", sv->total, sv->nep,
			    a->r->min_expected);
			sv->skip = sv->skipbuf;
			nskip++;
			continue;
		}
		sv->p = zt_chi2_q(sv->chi2, (double)sv->nep - 1);
		sv->fail = sv->p < a->r->alpha || (a->r->max_ratio > 0 &&
		    sv->ratio > a->r->max_ratio);
		if (!sv->fail)
			continue;
		nfail++;
		len = 0;
		line[0] = '\0';
		for (i = 0; i < (int64_t)sv->nep && len < sizeof(line) - 80; i++)
			len += (size_t)snprintf(line + len, sizeof(line) - len,
			    "%s%s %" PRId64 " (%.0f%%)", i ? ", " : "",
			    sv->ep[i].name, sv->ep[i].n,
			    100.0 * (double)sv->ep[i].n / (double)sv->total);
		example(res, NULL, 0, "%s: %s; chi2=%.1f df=%zu p=%.2g",
		    sv->service, line, sv->chi2, sv->nep - 1, sv->p);
	}
	count(res, "services", (int64_t)res->nsvc);
	count(res, "unbalanced", (int64_t)nfail);
	count(res, "skipped", (int64_t)nskip);
	count(res, "connections", a->checked);
	if (nfail > 0) {
		res->status = failed(a->r);
		snprintf(res->summary, sizeof(res->summary), "%zu of %zu "
		    "service%s unevenly spread over their endpoints (%zu "
		    "skipped)", nfail, res->nsvc - nskip,
		    res->nsvc - nskip == 1 ? "" : "s", nskip);
		res->hint = "ztunnel balances connections round-robin; a skew "
		    "means endpoints missing from some ztunnels' view (compare "
		    "`istioctl x ztunnel-config workloads` on each node), "
		    "long-lived connections, or a waypoint in the path";
	} else if (res->nsvc == 0) {
		res->status = ZT_ST_SKIP;
		snprintf(res->summary, sizeof(res->summary), "no outbound "
		    "connections to a service");
	} else if (res->nsvc == nskip) {
		res->status = ZT_ST_SKIP;
		snprintf(res->summary, sizeof(res->summary), "no service with "
		    "enough connections to judge (%zu skipped: too few "
		    "connections or one endpoint)", nskip);
	} else {
		res->status = ZT_ST_PASS;
		snprintf(res->summary, sizeof(res->summary), "%zu service%s "
		    "spread evenly (%zu skipped)", res->nsvc - nskip,
		    res->nsvc - nskip == 1 ? "" : "s", nskip);
	}
}

void
zt_finish_errors(struct acc *a, const struct dims *dm,
    const struct srcnames *sn, int max)
{
	struct zt_result	*res = a->res;
	int64_t			 total = 0;
	int64_t			 i;
	int64_t			 j;
	int64_t			 best;
	int			 shown;

	for (i = 0; i < a->eix.n; i++)
		total += a->ecount[i];
	/* The most frequent error texts, then the busiest flows. */
	for (shown = 0; shown < max && shown < a->eix.n; shown++) {
		best = -1;
		for (j = 0; j < a->eix.n; j++)
			if (a->ecount[j] > 0 && (best < 0 ||
			    a->ecount[j] > a->ecount[best]))
				best = j;
		if (best < 0)
			break;
		example(res, NULL, 0, "%" PRId64 " x error \"%s\"",
		    a->ecount[best], sget(dm, a->eid[best]) ?
		    sget(dm, a->eid[best])->s : "?");
		a->ecount[best] = -a->ecount[best];
	}
	for (shown = 0; shown < max && shown < a->fix.n; shown++) {
		best = -1;
		for (j = 0; j < a->fix.n; j++)
			if (a->fcount[j] > 0 && (best < 0 ||
			    a->fcount[j] > a->fcount[best]))
				best = j;
		if (best < 0)
			break;
		if (a->fex[best].n > 0) {
			char *text = zt_render_ex(dm, &a->fex[best].v[0]);

			example(res, srcname(sn, a->fex[best].v[0].src),
			    a->fex[best].v[0].line, "%" PRId64 " x this flow, "
			    "first: %s", a->fcount[best], text);
			free(text);
		}
		a->fcount[best] = -a->fcount[best];
	}
	count(res, "records", a->checked);
	count(res, "errors", total);
	count(res, "distinct_errors", a->eix.n);
	count(res, "max", a->r->max);
	if (total > a->r->max) {
		res->status = failed(a->r);
		snprintf(res->summary, sizeof(res->summary), "%" PRId64 " of %"
		    PRId64 " connection%s ended in an error (%" PRId64
		    " allowed)", total, a->checked, a->checked == 1 ? "" : "s",
		    a->r->max);
		res->hint = "read the error texts: \"connection refused\" is the "
		    "application port, \"timed out ... 15008\" a NetworkPolicy "
		    "on the HBONE port, \"policy rejection\" an "
		    "AuthorizationPolicy, \"no healthy upstream\" a service "
		    "without ready endpoints";
	} else if (a->checked == 0) {
		res->status = ZT_ST_SKIP;
		snprintf(res->summary, sizeof(res->summary), "no records");
	} else {
		res->status = ZT_ST_PASS;
		snprintf(res->summary, sizeof(res->summary), "%" PRId64 " of %"
		    PRId64 " connection%s ended in an error (%" PRId64
		    " allowed)", total, a->checked, a->checked == 1 ? "" : "s",
		    a->r->max);
	}
}

void
zt_run_sql(const struct zt_rule *r, struct zt_result *res, sqlite3 *db, int max,
    const struct zt_checkopts *o)
{
	struct zt_sqlbudget	 budget;
	sqlite3_stmt	*s;
	struct zt_buf	 b = { NULL, 0, 0 };
	int64_t		 rows = 0;
	int		 rc;
	int		 i;
	int		 bad;

	if (sqlite3_prepare_v2(db, r->sql, -1, &s, NULL) != SQLITE_OK) {
		res->status = ZT_ST_ERROR;
		snprintf(res->summary, sizeof(res->summary), "SQL: %s",
		    sqlite3_errmsg(db));
		return;
	}
	memset(&budget, 0, sizeof(budget));
	budget.ms = o->sql_ms;
	budget.bytes = o->sql_bytes;
	zt_sqlbudget_arm(db, &budget);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (++rows > max)
			continue;
		b.n = 0;
		for (i = 0; i < sqlite3_column_count(s); i++) {
			const char *v = (const char *)sqlite3_column_text(s, i);

			if (i > 0)
				zt_buf_add(&b, ", ", 2);
			zt_buf_add(&b, sqlite3_column_name(s, i),
			    strlen(sqlite3_column_name(s, i)));
			zt_buf_addc(&b, '=');
			if (v == NULL)
				zt_buf_add(&b, "NULL", 4);
			else
				zt_buf_add(&b, v, strlen(v));
		}
		zt_buf_addc(&b, '\0');
		example(res, NULL, 0, "%s", b.p);
	}
	zt_buf_free(&b);
	zt_sqlbudget_disarm(db);
	if (rc != SQLITE_DONE) {
		res->status = ZT_ST_ERROR;
		snprintf(res->summary, sizeof(res->summary), "SQL: %s",
		    budget.why[0] != '\0' ? budget.why : sqlite3_errmsg(db));
		sqlite3_finalize(s);
		return;
	}
	sqlite3_finalize(s);
	res->more = rows > max ? rows - max : 0;
	count(res, "rows", rows);
	switch (r->expect) {
	case ZT_EXPECT_EMPTY:
		bad = rows > 0;
		snprintf(res->summary, sizeof(res->summary), "%" PRId64
		    " row%s (expected none)", rows, rows == 1 ? "" : "s");
		break;
	case ZT_EXPECT_NONEMPTY:
		bad = rows == 0;
		snprintf(res->summary, sizeof(res->summary), "%" PRId64
		    " row%s (expected some)", rows, rows == 1 ? "" : "s");
		break;
	case ZT_EXPECT_MAX:
		bad = rows > r->bound;
		snprintf(res->summary, sizeof(res->summary), "%" PRId64
		    " row%s (expected at most %" PRId64 ")", rows,
		    rows == 1 ? "" : "s", r->bound);
		break;
	default:
		bad = rows < r->bound;
		snprintf(res->summary, sizeof(res->summary), "%" PRId64
		    " row%s (expected at least %" PRId64 ")", rows,
		    rows == 1 ? "" : "s", r->bound);
		break;
	}
	res->status = bad ? failed(r) : ZT_ST_PASS;
	if (r->expect != ZT_EXPECT_NONEMPTY && r->expect != ZT_EXPECT_MIN &&
	    !bad) {
		/* Rows of a passing rule are not violations: drop them. */
		for (i = 0; i < (int)res->nex; i++) {
			free(res->ex[i].source);
			free(res->ex[i].text);
		}
		res->nex = 0;
		res->more = 0;
	}
}


/*
 * lbmodel.c -- the balance check's model of ztunnel's choice of an
 * endpoint: capacity, presence in time, locality ranks; see lb.h.
 */
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "check/lb.h"
#include "inv/inv.h"
#include "util/xalloc.h"

/* ---- presence: endpoints that come and go ----------------------------------- */

/* Mean gaps past which a late first (early last) connection is absence. */
#define ABSENT	5

/*
 * Each endpoint's presence [lo, hi]: the service's span [*s0, *s1], or,
 * when it was seen first (last) clearly later (earlier), from first to
 * last seen widened by its mean gap between connections (the first
 * connection comes about a gap after the endpoint does).  An endpoint
 * never seen (from the inventory) is there all along.
 */
static void
presence(const struct zt_lbm *m, int64_t *s0, int64_t *s1, int64_t *lo,
    int64_t *hi)
{
	const struct zt_lbm_ep	*p;
	double			 G;
	double			 g;
	double			 gap;
	size_t			 i;
	int			 any = 0;

	for (i = 0; i < m->nep; i++) {
		p = &m->ep[i];
		if (p->n == 0)
			continue;
		if (!any || p->first < *s0)
			*s0 = p->first;
		if (!any || p->last > *s1)
			*s1 = p->last;
		any = 1;
	}
	if (!any)
		*s0 = *s1 = 0;
	G = m->total > 0 ? (double)(*s1 - *s0) * (double)m->nep /
	    (double)m->total : 0;
	for (i = 0; i < m->nep; i++) {
		p = &m->ep[i];
		lo[i] = *s0;
		hi[i] = *s1;
		if (p->n == 0)
			continue;
		/*
		 * Absent at the start (end) only when the first (last)
		 * connection comes later than ABSENT mean gaps of an
		 * endpoint there all along would make likely (e^-ABSENT):
		 * small counts do not move expected counts onto what was
		 * observed.
		 */
		g = (double)(*s1 - *s0) / (double)p->n;
		gap = ((double)(p->last - p->first) + G) / (double)p->n;
		if ((double)(p->first - *s0) > ABSENT * g)
			lo[i] = p->first - (int64_t)gap;
		if ((double)(*s1 - p->last) > ABSENT * g)
			hi[i] = p->last + (int64_t)gap;
	}
}

static double
overlap(int64_t a0, int64_t a1, int64_t b0, int64_t b1)
{
	int64_t	 lo = a0 > b0 ? a0 : b0;
	int64_t	 hi = a1 < b1 ? a1 : b1;

	return hi > lo ? (double)(hi - lo) : 0;
}

static double
group_weight(const struct zt_lbm *m, int g)
{
	return m->ngw == 0 ? 1 : m->gw[g];
}

/*
 * Add to w each endpoint's share of one moment, f[i] the part of it the
 * endpoint was present, times c connections: capacity among the present
 * endpoints of its group, times the group's weight among present groups.
 */
static void
share(const struct zt_lbm *m, const double *f, double c, double *w)
{
	double	 den[ZT_LB_NGROUPS];
	double	 gsum = 0;
	size_t	 ng = m->ngw == 0 ? 1 : m->ngw;
	size_t	 i;
	size_t	 g;

	memset(den, 0, sizeof(den));
	for (i = 0; i < m->nep; i++)
		den[m->ep[i].group] += m->ep[i].cap * f[i];
	for (g = 0; g < ng; g++)
		if (den[g] > 0)
			gsum += group_weight(m, (int)g);
	if (gsum <= 0) {
		for (i = 0; i < m->nep; i++)
			w[i] += c / (double)m->nep;
		return;
	}
	for (i = 0; i < m->nep; i++) {
		g = (size_t)m->ep[i].group;
		if (den[g] > 0)
			w[i] += c * group_weight(m, (int)g) / gsum *
			    m->ep[i].cap * f[i] / den[g];
	}
}

/* Each endpoint's w: its share, by capacity and presence, over time. */
static void
shares(struct zt_lbm *m)
{
	const struct zt_lbhist	*h = m->h;
	int64_t			*lo = zt_xcalloc(m->nep, sizeof(*lo));
	int64_t			*hi = zt_xcalloc(m->nep, sizeof(*hi));
	double			*f = zt_xcalloc(m->nep, sizeof(*f));
	double			*w = zt_xcalloc(m->nep, sizeof(*w));
	double			 tot = 0;
	double			 sp;
	int64_t			 s0 = 0, s1 = 0, bs;
	size_t			 b, i;

	presence(m, &s0, &s1, lo, hi);
	for (b = 0; h != NULL && h->width > 0 && b < ZT_LB_NB; b++) {
		if (h->c[b] == 0)
			continue;
		bs = h->t0 + (int64_t)b * h->width;
		sp = overlap(s0, s1 + 1, bs, bs + h->width);
		for (i = 0; i < m->nep; i++) {
			f[i] = sp > 0 ? overlap(lo[i], hi[i] + 1, bs,
			    bs + h->width) / sp : 1;
			if (f[i] > 1)
				f[i] = 1;
		}
		share(m, f, (double)h->c[b], w);
		tot += (double)h->c[b];
	}
	if (tot <= 0) {
		for (i = 0; i < m->nep; i++)
			f[i] = 1;
		share(m, f, 1, w);
		tot = 1;
	}
	for (i = 0; i < m->nep; i++)
		m->ep[i].w = w[i] / tot;
	free(lo);
	free(hi);
	free(f);
	free(w);
}

/* ---- locality: the endpoints a client may choose ---------------------------- */

static int
same(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

/*
 * The rank of endpoint workload wl for client workload src under svc's
 * load balancer, as ztunnel's load_balance computes it; -1 when Strict
 * rules it out.
 */
static int
rank(const struct zt_inv_service *svc, const struct zt_inv_workload *src,
    const struct zt_inv_workload *wl)
{
	size_t		 n = svc->nlb_routing;
	int		 netpref = n > 0 &&
	    strcmp(svc->lb_routing[0], "Network") == 0;
	int		 r = 0;
	int		 adjust = 0;
	int		 ok;
	size_t		 i;
	const char	*t;

	for (i = 0; i < n; i++) {
		t = svc->lb_routing[i];
		if (strcmp(t, "Region") == 0)
			ok = same(src->region, wl->region);
		else if (strcmp(t, "Zone") == 0)
			ok = same(src->zone, wl->zone);
		else if (strcmp(t, "Subzone") == 0)
			ok = same(src->subzone, wl->subzone);
		else if (strcmp(t, "Node") == 0)
			ok = same(src->node, wl->node);
		else if (strcmp(t, "Cluster") == 0)
			ok = same(src->cluster, wl->cluster);
		else if (strcmp(t, "Network") == 0) {
			ok = same(src->network, wl->network);
			if (netpref) {
				if (!ok)
					continue;
				adjust = (int)n - 1;
			}
		} else
			ok = 0;
		if (!ok)
			break;
		r++;
	}
	if (strcmp(svc->lb_mode, "Strict") == 0 && r != (int)n)
		return -1;
	return r + adjust;
}

/* Does the service rank endpoints by locality? */
static int
ranked(const struct zt_inv_service *svc)
{
	return svc != NULL && svc->lb_mode != NULL && svc->nlb_routing > 0 &&
	    (strcmp(svc->lb_mode, "Failover") == 0 ||
	    strcmp(svc->lb_mode, "Strict") == 0);
}

/*
 * Mark in in[] the endpoints client c may choose: the best-ranked of
 * those the inventory places, and those it does not place that c
 * reached.  0, or -1 when the model cannot say (then: all).
 */
static int
choices(const struct zt_lbm *m, const struct zt_lbm_client *c, char *in)
{
	int	*rk = zt_xcalloc(m->nep, sizeof(*rk));
	int	 best = -1;
	size_t	 i;
	int	 any = 0;

	memset(in, 0, m->nep);
	for (i = 0; i < c->nr; i++)
		in[c->ep[i]] = 1;	/* reached */
	for (i = 0; i < m->nep; i++) {
		rk[i] = m->ep[i].wl != NULL ? rank(m->svc, c->wl,
		    m->ep[i].wl) : -2;
		if (rk[i] > best)
			best = rk[i];
	}
	for (i = 0; i < m->nep; i++) {
		in[i] = (rk[i] >= 0 && rk[i] == best) ||
		    (rk[i] == -2 && in[i]);
		any |= in[i];
	}
	free(rk);
	return any ? 0 : -1;
}

void
zt_lbm_expect(struct zt_lbm *m)
{
	char	*in = zt_xcalloc(m->nep ? m->nep : 1, 1);
	double	 den;
	size_t	 c, i;
	int64_t	 rest = m->total;

	shares(m);
	m->locality = 0;
	for (i = 0; i < m->nep; i++)
		m->ep[i].e = 0;
	for (c = 0; ranked(m->svc) && c < m->ncl; c++) {
		if (m->cl[c].wl == NULL || choices(m, &m->cl[c], in) == -1)
			continue;
		den = 0;
		for (i = 0; i < m->nep; i++)
			den += in[i] ? m->ep[i].w : 0;
		if (den <= 0)
			continue;
		for (i = 0; i < m->nep; i++)
			if (in[i])
				m->ep[i].e += (double)m->cl[c].n *
				    m->ep[i].w / den;
		rest -= m->cl[c].n;
		m->locality = 1;
	}
	for (i = 0; i < m->nep; i++)
		m->ep[i].e += (double)rest * m->ep[i].w;
	free(in);
}

/* ---- the per-client view ---------------------------------------------------- */

/*
 * Client c's reached endpoints, each once, into ix (returns how many),
 * with their connections summed in acc (by endpoint, zero before).
 */
static size_t
reached(const struct zt_lbm_client *c, int64_t *acc, size_t *ix)
{
	size_t	 r;
	size_t	 k = 0;

	for (r = 0; r < c->nr; r++) {
		if (acc[c->ep[r]] == 0 && c->o[r] > 0)
			ix[k++] = c->ep[r];
		acc[c->ep[r]] += c->o[r];
	}
	return k;
}

int
zt_lbm_per_client(const struct zt_lbm *m, double min_expected,
    struct zt_lbtest *t)
{
	size_t	 nep = m->nep ? m->nep : 1;
	int64_t	*o = zt_xcalloc(nep, sizeof(*o));
	double	*e = zt_xcalloc(nep, sizeof(*e));
	int64_t	*acc = zt_xcalloc(nep, sizeof(*acc));
	size_t	*ix = zt_xcalloc(nep, sizeof(*ix));
	const struct zt_lbm_client *cl;
	double	 den, ex, d;
	size_t	 c, r, i, k;
	int	 judged;

	memset(t, 0, sizeof(*t));
	for (c = 0; c < m->ncl; c++) {
		cl = &m->cl[c];
		k = reached(cl, acc, ix);
		den = 0;
		for (r = 0; r < k; r++)
			den += m->ep[ix[r]].w;
		judged = k >= 2 && (double)cl->n >= min_expected * (double)k;
		for (r = 0; r < k; r++) {
			i = ix[r];
			ex = den > 0 ? (double)cl->n * m->ep[i].w / den : 0;
			o[i] += acc[i];
			e[i] += ex;
			if (judged && ex > 0) {
				d = (double)acc[i] - ex;
				t->chi2 += d * d / ex;
			}
			acc[i] = 0;
		}
		if (judged)
			t->df += (double)(k - 1);
	}
	t->p = t->df > 0 ? zt_chi2_q(t->chi2, t->df) : 1;
	zt_lb_effect(o, e, m->nep, min_expected, t);
	free(o);
	free(e);
	free(acc);
	free(ix);
	return m->ncl > 0 ? 0 : -1;
}

/*
 * lb.c -- how an endpoint is chosen, as istio/ztunnel src/state.rs does
 * it (load_balance, sample_weighted_waypoint; HEAD 62d82653):
 *
 *   candidates  the service's endpoints present at that moment whose
 *               workload is in its endpoint set: healthy ones, or all
 *               with health_policy AllowAll (Service::
 *               should_include_endpoint);
 *   ranks       when the service has a load_balancer whose mode is not
 *               Standard: rank = how many routing preferences, in order,
 *               the candidate shares with the client workload (network,
 *               region, zone, subzone, node, cluster), stopping at the
 *               first mismatch; a first Network preference that matches
 *               adds len-1, one that does not is skipped over; Strict
 *               drops candidates not matching all; only the best rank
 *               is kept;
 *   draw        choose_weighted by the workload's capacity;
 *   waypoints   a service with weighted waypoints picks one by weight,
 *               then balances over that waypoint Service's endpoints
 *               (its replicas) the same way.
 *
 * The waypoint's own choice of an endpoint is Envoy's, not ztunnel's:
 * modelled as uniform over the healthy present endpoints (least-request
 * at equal load), locality not modelled.
 *
 * Each draw also adds the model's probability of every candidate to the
 * expected count of its cell (service, hop, source node, endpoint), so
 * the truth holds E[count] given the arrival times and clients.  A draw
 * departs from the model only where the scenario says so: idle
 * endpoints are never drawn (stale in the ztunnels' view) and skew=
 * replaces the capacity weights with the given per-replica shares (a
 * broken load balancer).
 */

#include <stdlib.h>
#include <string.h>

#include "ztsim.h"

#define MAXCAND	512

static int
scope_match(const struct zs_sim *s, const struct zs_wl *a,
    const struct zs_wl *b, int sc)
{
	const struct zs_node *na = &s->node[a->node];
	const struct zs_node *nb = &s->node[b->node];

	switch (sc) {
	case SC_REGION:
		return strcmp(na->region, nb->region) == 0;
	case SC_ZONE:
		return strcmp(na->zone, nb->zone) == 0;
	case SC_SUBZONE:
		return strcmp(na->subzone, nb->subzone) == 0;
	case SC_NODE:
		return a->node == b->node;
	default:
		return 1;	/* one cluster, one network */
	}
}

/* ztunnel's rank of candidate w for src; -1: dropped (Strict) */
static int
rank(const struct zs_sim *s, const struct zs_svc *v, const struct zs_wl *src,
    const struct zs_wl *w)
{
	int network_preferred = v->nscopes > 0 && v->scopes[0] == SC_NETWORK;
	int r = 0;
	int adjust = 0;
	int i;

	for (i = 0; i < v->nscopes; i++) {
		int m = scope_match(s, src, w, v->scopes[i]);

		if (v->scopes[i] == SC_NETWORK && network_preferred) {
			if (m)
				adjust = v->nscopes - 1;
			else
				continue;
		}
		if (!m)
			break;
		r++;
	}
	if (v->mode == LB_STRICT && r != v->nscopes)
		return -1;
	return r + adjust;
}

/*
 * The model's candidates of service v for src at time t, in out[], with
 * their probabilities in p[]; returns how many.  envoy: the waypoint's
 * choice (uniform over healthy present endpoints).
 */
static size_t
model(const struct zs_sim *s, const struct zs_svc *v, const struct zs_wl *src,
    int64_t t, int envoy, int *out, double *p)
{
	int rk[MAXCAND];
	int best = -1;
	size_t n = 0;
	size_t k = 0;
	size_t i;
	double sum = 0;

	for (i = 0; i < v->nep && n < MAXCAND; i++) {
		const struct zs_wl *w = &s->wl[v->ep[i]];

		if (!zs_present(w, t))
			continue;
		if (!w->healthy && (envoy || !v->allowall))
			continue;
		rk[n] = 0;
		if (!envoy && v->mode != LB_NONE && v->mode != LB_STANDARD) {
			rk[n] = rank(s, v, src, w);
			if (rk[n] < 0)
				continue;
		}
		if (rk[n] > best)
			best = rk[n];
		out[n++] = v->ep[i];
	}
	for (i = 0; i < n; i++) {
		if (rk[i] != best)
			continue;
		out[k] = out[i];
		p[k] = envoy ? 1.0 : (double)s->wl[out[i]].capacity;
		sum += p[k];
		k++;
	}
	for (i = 0; i < k; i++)
		p[i] /= sum;
	return k;
}

size_t
zs_candidates(const struct zs_sim *s, const struct zs_svc *v,
    const struct zs_wl *src, int64_t t, int *out, double *p)
{
	return model(s, v, src, t, 0, out, p);
}

/* ------------------------------------------------------------------ */
/* the expected/drawn cells, in a hash table */

static size_t *htab;
static size_t hcap;

static size_t
hkey(int svc, int hop, int node, int wl)
{
	uint64_t h = (uint64_t)(unsigned)svc * 0x9e3779b97f4a7c15u ^
	    (uint64_t)(unsigned)hop * 0xbf58476d1ce4e5b9u ^
	    (uint64_t)(unsigned)node * 0x94d049bb133111ebu ^
	    (uint64_t)(unsigned)wl * 0xd1b54a32d192ed03u;

	return (size_t)(h ^ (h >> 29));
}

static struct zs_cell *
cell(struct zs_sim *s, int svc, int hop, int node, int wl)
{
	static size_t ccap;
	size_t i;

	if (2 * (s->ncell + 1) > hcap) {
		size_t ncap = hcap ? 2 * hcap : 1024;
		size_t j;

		free(htab);
		htab = zs_xmalloc(ncap * sizeof(*htab));
		for (j = 0; j < ncap; j++)
			htab[j] = SIZE_MAX;
		hcap = ncap;
		for (j = 0; j < s->ncell; j++) {
			const struct zs_cell *c = &s->cell[j];

			i = hkey(c->svc, c->hop, c->srcnode, c->wl) &
			    (hcap - 1);
			while (htab[i] != SIZE_MAX)
				i = (i + 1) & (hcap - 1);
			htab[i] = j;
		}
	}
	i = hkey(svc, hop, node, wl) & (hcap - 1);
	for (; htab[i] != SIZE_MAX; i = (i + 1) & (hcap - 1)) {
		struct zs_cell *c = &s->cell[htab[i]];

		if (c->svc == svc && c->hop == hop && c->srcnode == node &&
		    c->wl == wl)
			return c;
	}
	zs_grow((void **)&s->cell, &ccap, s->ncell + 1, sizeof(*s->cell));
	htab[i] = s->ncell;
	memset(&s->cell[s->ncell], 0, sizeof(*s->cell));
	s->cell[s->ncell].svc = svc;
	s->cell[s->ncell].hop = hop;
	s->cell[s->ncell].srcnode = node;
	s->cell[s->ncell].wl = wl;
	return &s->cell[s->ncell++];
}

static size_t
pick(struct zs_rng *r, const double *w, size_t n)
{
	double sum = 0;
	double u;
	size_t i;
	size_t last = 0;

	for (i = 0; i < n; i++) {
		sum += w[i];
		if (w[i] > 0)
			last = i;
	}
	u = zs_runit(r) * sum;
	for (i = 0; i < n; i++) {
		if (w[i] > 0 && u < w[i])
			return i;
		u -= w[i];
	}
	return last;
}

/* sample_weighted_waypoint, else the single waypoint */
int
zs_pick_waypoint(struct zs_sim *s, const struct zs_svc *v)
{
	double w[ZS_MAXWP];
	int i;

	if (!v->weighted)
		return v->wp[0];
	for (i = 0; i < v->nwp; i++)
		w[i] = v->wpw[i];
	return v->wp[pick(&s->rng, w, (size_t)v->nwp)];
}

/*
 * One connection of src to service si: the workload ztunnel (or, for
 * HOP_WP_EP, the waypoint) sends it to, or -1 when there is no healthy
 * upstream.  hop HOP_CLIENT_WP balances over si's waypoint replicas.
 */
int
zs_draw(struct zs_sim *s, const struct zs_svc *v, const struct zs_wl *src,
    int64_t t, int hop, int envoy)
{
	int si = (int)(v - s->svc);
	int lbs[ZS_MAXWP];
	double lbw[ZS_MAXWP];
	double wsum = 0;
	int nlb = 1;
	int out[MAXCAND];
	double p[MAXCAND];
	double d[MAXCAND];
	const struct zs_svc *lv;
	size_t n;
	size_t i;
	int k;
	int any = 0;

	lbs[0] = si;
	lbw[0] = 1;
	if (hop == HOP_CLIENT_WP) {
		nlb = v->weighted ? v->nwp : 1;
		for (k = 0; k < nlb; k++) {
			lbs[k] = v->wp[k];
			lbw[k] = v->weighted ? v->wpw[k] : 1;
		}
	}
	for (k = 0; k < nlb; k++)
		wsum += lbw[k];
	for (k = 0; k < nlb && wsum > 0; k++) {
		if (lbw[k] <= 0)
			continue;
		n = model(s, &s->svc[lbs[k]], src, t, envoy, out, p);
		for (i = 0; i < n; i++)
			cell(s, si, hop, src->node, out[i])->expect +=
			    p[i] * lbw[k] / wsum;
	}
	lv = &s->svc[hop == HOP_CLIENT_WP ? zs_pick_waypoint(s, v) : si];
	n = model(s, lv, src, t, envoy, out, p);
	for (i = 0; i < n; i++) {
		const struct zs_wl *w = &s->wl[out[i]];

		d[i] = w->idle ? 0 : lv->nskew ? lv->skew[w->slot] : p[i];
		any |= d[i] > 0;
	}
	if (!any)
		return -1;
	i = pick(&s->rng, d, n);
	cell(s, si, hop, src->node, out[i])->count++;
	return out[i];
}

/*
 * lbjob.c -- the balance check's judging: each service hop's endpoints
 * and clients gathered from the state, completed from the inventory
 * (capacity, locality, load-balancer mode, healthy endpoints with no
 * connection, weighted waypoints), tested against the model (lb.h), and
 * the tests of the run corrected together (Holm); see balance.h.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/balance.h"
#include "inv/inv.h"
#include "util/dict.h"
#include "util/xalloc.h"

struct job {
	int64_t		 key;		/* service key */
	char		*name;
	int64_t		*epk;		/* endpoint keys; 0: inventory only */
	size_t		 epcap;		/* allocated */
	struct zt_lbm_ep *ep;
	size_t		 nep;
	struct zt_imap	 epix;		/* endpoint key -> index */
	struct zt_lbm_client *cl;
	size_t		 ncl;
	struct zt_imap	 clix;		/* stratum -> client index */
	struct zt_lbm	 m;
	size_t		 gfix;		/* degrees of freedom group weights
					   estimated from the records took */
	const struct zt_inv_service *isvc;
	struct zt_lbsvc	 sv;
	double		 mult;		/* Holm factor */
	double		 mm;		/* obs/exp max over min */
};

/* Client strata: a client node (inventory), ztunnel pod, or client. */
struct strata {
	struct zt_imap	 ph;		/* (pod, src host) -> of */
	int64_t		*of;
	struct zt_imap	 names;		/* hash of the stratum's name */
	const struct zt_inv_workload **wl;
};

/* ---- names ----------------------------------------------------------------- */

/* "name" or "name via waypoint" of service key k; owned by the caller. */
static char *
svc_name(const struct zt_dims *dm, int64_t k)
{
	struct zt_str	 svc = zt_dims_str(dm, k & (ZT_LB_VIA_WP - 1));
	const char	*nm = svc.p != NULL ? svc.p : "?";
	const char	*vw = k & ZT_LB_VIA_WP ? " via waypoint" : "";
	size_t		 n = strlen(nm);
	char		*s = zt_xmalloc(n + strlen(vw) + 1);

	memcpy(s, nm, n);
	memcpy(s + n, vw, strlen(vw) + 1);
	return s;
}

/* The name of endpoint key k (a workload, else an address); owned. */
static char *
ep_name(const struct zt_dims *dm, int64_t k)
{
	struct zt_str	 v = k > 0 ? zt_dims_wlname(dm, k) : k < 0 ?
	    zt_dims_host(dm, -k) : ZT_NOSTR;

	/* A workload is a view into its peer's tuple: not NUL-terminated. */
	return v.p != NULL ? zt_xstrndup(v.p, strnlen(v.p, v.n)) :
	    zt_xstrdup("?");
}

static char *
strdup_view(struct zt_str v)
{
	return v.p != NULL ? zt_xstrndup(v.p, strnlen(v.p, v.n)) : NULL;
}

/* ---- building jobs ---------------------------------------------------------- */

/* The index of endpoint key k in j (0: a new one the inventory adds). */
static size_t
job_ep(struct job *j, int64_t key)
{
	int	 added;
	int64_t	 ix = key != 0 ? zt_imap_add(&j->epix, &key, &added) : -1;

	if (key != 0 && !added)
		return (size_t)ix;
	if (j->nep == j->epcap) {
		j->epcap = j->epcap ? j->epcap * 2 : 4;
		j->ep = zt_xrealloc(j->ep, j->epcap * sizeof(*j->ep));
		j->epk = zt_xrealloc(j->epk, j->epcap * sizeof(*j->epk));
	}
	memset(&j->ep[j->nep], 0, sizeof(j->ep[j->nep]));
	j->ep[j->nep].cap = 1;
	j->epk[j->nep] = key;
	return j->nep++;
}

static struct job *
jobs_new(const struct zt_lbstate *s, const struct zt_dims *dm)
{
	struct job		*jobs = zt_xcalloc((size_t)s->six.n + 1,
	    sizeof(*jobs));
	const int64_t		*k;
	struct job		*j;
	struct zt_lbm_ep	*p;
	size_t			 e;
	int64_t			 i;

	for (i = 0; i < s->six.n; i++) {
		j = &jobs[i];
		j->key = *zt_imap_key(&s->six, i);
		j->name = svc_name(dm, j->key);
		zt_imap_init(&j->epix, 1);
		zt_imap_init(&j->clix, 1);
	}
	for (i = 0; i < s->cx.n; i++) {
		k = zt_imap_key(&s->cx, i);
		j = &jobs[zt_imap_find(&s->six, &k[0])];
		e = job_ep(j, k[3]);
		p = &j->ep[e];
		if (p->n == 0 || s->cc[i].first < p->first)
			p->first = s->cc[i].first;
		if (p->n == 0 || s->cc[i].last > p->last)
			p->last = s->cc[i].last;
		p->n += s->cc[i].n;
		j->m.total += s->cc[i].n;
	}
	for (i = 0; i < s->six.n; i++) {	/* no room left unused */
		j = &jobs[i];
		j->epcap = j->nep;
		j->ep = zt_xrealloc(j->ep, (j->nep + 1) * sizeof(*j->ep));
		j->epk = zt_xrealloc(j->epk, (j->nep + 1) * sizeof(*j->epk));
	}
	return jobs;
}

static void
free_clients(struct job *j)
{
	size_t	 k;

	for (k = 0; k < j->ncl; k++) {
		free(j->cl[k].o);
		free(j->cl[k].ep);
	}
	free(j->cl);
	j->cl = NULL;
	j->ncl = 0;
}

static void
jobs_free(struct job *jobs, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free_clients(&jobs[i]);
		free(jobs[i].ep);
		free(jobs[i].epk);
		free(jobs[i].name);
		zt_imap_fini(&jobs[i].epix);
		zt_imap_fini(&jobs[i].clix);
	}
	free(jobs);
}

/* ---- the inventory ----------------------------------------------------------- */

/* The one inventory workload endpoint key k names, or NULL. */
static const struct zt_inv_workload *
ep_workload(struct zt_inv *inv, const struct zt_dims *dm, int64_t k)
{
	const struct zt_inv_workload *out[2];
	struct zt_str	 f[4];
	char		*a;
	char		*b;
	size_t		 n = 0;

	if (k > 0) {
		zt_dims_peer(dm, k, f);
		a = strdup_view(f[0]);
		b = strdup_view(f[1]);
		if (a != NULL)
			n = zt_inv_workloads_by_name(inv, b, a, out, 2);
		free(a);
		free(b);
	} else if (k < 0) {
		a = strdup_view(zt_dims_host(dm, -k));
		if (a != NULL)
			n = zt_inv_workloads_by_ip(inv, a, out, 2);
		free(a);
	}
	return n == 1 ? out[0] : NULL;
}

static const struct zt_inv_service *
one_service(struct zt_inv *inv, const char *host, const char *ns)
{
	const struct zt_inv_service *out[2];

	return zt_inv_services_by_host(inv, host, ns, out, 2) == 1 ? out[0] :
	    NULL;
}

/* The service a waypoint destination ("<ns>/<host>", "<net>/<ip>") names. */
static const struct zt_inv_service *
dest_service(struct zt_inv *inv, const char *dest)
{
	const struct zt_inv_service *out[2];
	const char	*sl = strchr(dest, '/');
	char		*ns;
	const struct zt_inv_service *s;

	if (sl == NULL)
		return NULL;
	if (zt_inv_services_by_vip(inv, sl + 1, out, 2) == 1)
		return out[0];
	ns = zt_xstrndup(dest, (size_t)(sl - dest));
	s = one_service(inv, sl + 1, ns);
	free(ns);
	return s;
}

static int
eligible(const struct zt_inv_service *svc, const struct zt_inv_endpoint *ep)
{
	return ep->wl != NULL && (zt_inv_endpoint_health(ep) !=
	    ZT_INV_UNHEALTHY || (svc->lb_health != NULL &&
	    strcmp(svc->lb_health, "AllowAll") == 0));
}

/*
 * Add svc's endpoints (group g) to j: those not seen get 0 connections.
 * byw: the inventory workloads of j's endpoints (pointer -> index).
 */
static void
inv_endpoints(struct job *j, struct zt_imap *byw,
    const struct zt_inv_service *svc, int g)
{
	int64_t	 k, e;
	size_t	 i;
	int	 added;

	for (i = 0; svc != NULL && i < svc->neps; i++) {
		if (!eligible(svc, &svc->eps[i]))
			continue;
		k = (int64_t)(intptr_t)svc->eps[i].wl;
		e = zt_imap_add(byw, &k, &added);
		if (added) {		/* e == j->nep: byw indexes j->ep */
			(void)job_ep(j, 0);
			j->ep[e].wl = svc->eps[i].wl;
		}
		j->ep[e].group = g;
	}
}

static void
capacities(struct job *j)
{
	size_t	 e;

	for (e = 0; e < j->nep; e++)
		if (j->ep[e].wl != NULL && j->ep[e].wl->capacity > 0)
			j->ep[e].cap = (double)j->ep[e].wl->capacity;
}

/* What the inventory says of job j's service and endpoints. */
static void
inv_attach(struct job *j, const struct zt_dims *dm, struct zt_inv *inv)
{
	struct zt_str		 nm = zt_dims_str(dm, j->key &
	    (ZT_LB_VIA_WP - 1));
	char			*host = strdup_view(nm);
	const struct zt_inv_service *ws;
	struct zt_imap		 byw;
	int64_t			 k;
	size_t			 e, g;
	int			 added;

	j->isvc = host != NULL ? one_service(inv, host, NULL) : NULL;
	free(host);
	for (e = 0; e < j->nep; e++)
		j->ep[e].wl = ep_workload(inv, dm, j->epk[e]);
	if (j->isvc == NULL) {
		capacities(j);
		return;
	}
	/*
	 * byw: the workload of j->ep[i] -> i.  An endpoint without one, or
	 * whose workload another already has (a pod seen by name and by
	 * address), gets a key of its own.
	 */
	zt_imap_init(&byw, 1);
	for (e = 0; e < j->nep; e++) {
		k = (int64_t)(intptr_t)j->ep[e].wl;
		if (j->ep[e].wl != NULL &&
		    (zt_imap_add(&byw, &k, &added), added))
			continue;
		j->ep[e].wl = NULL;
		k = -(int64_t)e - 1;
		zt_imap_add(&byw, &k, NULL);
	}
	if (!(j->key & ZT_LB_VIA_WP)) {
		j->m.svc = j->isvc;
		inv_endpoints(j, &byw, j->isvc, 0);
	} else if (j->isvc->nwwaypoints > 0) {
		for (g = 0; g < j->isvc->nwwaypoints && g < ZT_LB_NGROUPS;
		    g++) {
			j->m.gw[g] = j->isvc->wwaypoints[g].weight;
			inv_endpoints(j, &byw, dest_service(inv,
			    j->isvc->wwaypoints[g].dest), (int)g);
		}
		j->m.ngw = g;
	} else if ((ws = zt_inv_service_waypoint(inv, j->isvc)) != NULL) {
		j->m.svc = ws;
		inv_endpoints(j, &byw, ws, 0);
	}
	zt_imap_fini(&byw);
	capacities(j);
}

/*
 * Without weights from an inventory, a waypoint hop over replicas of
 * several waypoints (told apart by identity) is judged within each: the
 * split between waypoints (weighted waypoints) is taken as observed.
 */
static void
wp_groups(struct job *j, const struct zt_dims *dm)
{
	struct zt_str	 id[ZT_LB_NGROUPS];
	struct zt_str	 f[4];
	int64_t		 n[ZT_LB_NGROUPS];
	size_t		 ng = 0, e, g;

	if (!(j->key & ZT_LB_VIA_WP) || j->m.ngw > 0 || j->m.svc != NULL)
		return;
	memset(n, 0, sizeof(n));
	for (e = 0; e < j->nep; e++) {
		if (j->epk[e] <= 0)
			return;
		zt_dims_peer(dm, j->epk[e], f);
		for (g = 0; g < ng && !(id[g].n == f[2].n &&
		    memcmp(id[g].p, f[2].p, f[2].n) == 0); g++)
			;
		if (g == ng) {
			if (ng == ZT_LB_NGROUPS || f[2].p == NULL)
				return;
			id[ng++] = f[2];
		}
		j->ep[e].group = (int)g;
		n[g] += j->ep[e].n;
	}
	if (ng < 2) {
		for (e = 0; e < j->nep; e++)
			j->ep[e].group = 0;
		return;
	}
	for (g = 0; g < ng; g++)
		j->m.gw[g] = (double)n[g];
	j->m.ngw = ng;
	j->gfix = ng - 1;
}

/* ---- clients ----------------------------------------------------------------- */

/* The stratum of a client: its node (inventory), ztunnel pod, or itself. */
static int64_t
stratum(struct strata *st, const struct zt_dims *dm, struct zt_inv *inv,
    const int64_t ph[2])
{
	const struct zt_inv_workload *out[2];
	const struct zt_inv_workload *wl = NULL;
	char		 key[300];
	char		*ip;
	int64_t		 ix, h;
	int		 added;

	ix = zt_imap_add(&st->ph, ph, &added);
	if (!added)
		return st->of[ix];
	if (inv != NULL && ph[1] != 0 &&
	    (ip = strdup_view(zt_dims_host(dm, ph[1]))) != NULL) {
		if (zt_inv_workloads_by_ip(inv, ip, out, 2) == 1)
			wl = out[0];
		free(ip);
	}
	if (wl != NULL && wl->node != NULL && wl->node[0] != '\0')
		snprintf(key, sizeof(key), "n%s", wl->node);
	else if (ph[0] != 0)
		snprintf(key, sizeof(key), "p%" PRId64, ph[0]);
	else
		snprintf(key, sizeof(key), "h%" PRId64, ph[1]);
	h = (int64_t)(zt_hash(key, strlen(key)) >> 1);
	zt_arr_room((void **)&st->of, (size_t)ix, sizeof(*st->of));
	st->of[ix] = zt_imap_add(&st->names, &h, &added);
	if (added) {
		zt_arr_room((void **)&st->wl, (size_t)st->of[ix],
		    sizeof(*st->wl));
		st->wl[st->of[ix]] = wl;
	}
	return st->of[ix];
}

/*
 * Each job's clients: the client entries of s listed per stratum (an
 * endpoint may be listed more than once in a stratum: lbmodel.c sums).
 */
static void
clients(const struct zt_lbstate *s, struct job *jobs,
    const struct zt_check_ctx *cx)
{
	struct strata	 st;
	const int64_t	*k;
	struct zt_lbm_client *c;
	struct job	*j;
	int64_t		 sx, ci, e, si;
	int		 added;

	memset(&st, 0, sizeof(st));
	zt_imap_init(&st.ph, 2);
	zt_imap_init(&st.names, 1);
	for (sx = 0; sx < s->cx.n; sx++) {
		k = zt_imap_key(&s->cx, sx);
		j = &jobs[zt_imap_find(&s->six, &k[0])];
		if ((e = zt_imap_find(&j->epix, &k[3])) < 0)
			continue;
		si = stratum(&st, cx->dm, cx->inv, &k[1]);
		ci = zt_imap_add(&j->clix, &si, &added);
		if (added) {
			zt_arr_room((void **)&j->cl, j->ncl, sizeof(*j->cl));
			memset(&j->cl[j->ncl], 0, sizeof(j->cl[j->ncl]));
			j->cl[j->ncl].wl = st.wl[si];
			j->ncl++;
		}
		c = &j->cl[ci];
		zt_arr_room((void **)&c->ep, c->nr, sizeof(*c->ep));
		zt_arr_room((void **)&c->o, c->nr, sizeof(*c->o));
		c->ep[c->nr] = (size_t)e;
		c->o[c->nr++] = s->cc[sx].n;
		c->n += s->cc[sx].n;
	}
	zt_imap_fini(&st.ph);
	zt_imap_fini(&st.names);
	free(st.of);
	free(st.wl);
}

/* ---- judging ------------------------------------------------------------------ */

/* Test job j against the model: 0, or -1 when skipped. */
static int
test(struct job *j, const struct zt_lbcfg *cf)
{
	struct zt_lbsvc	*sv = &j->sv;
	struct zt_lbtest t;
	int64_t		*o = zt_xcalloc(j->nep + 1, sizeof(*o));
	double		*e = zt_xcalloc(j->nep + 1, sizeof(*e));
	double		 d, r, mx = 0, mn = 1e300;
	size_t		 i, k = 0;

	j->m.ep = j->ep;
	j->m.nep = j->nep;
	j->m.cl = j->cl;
	j->m.ncl = j->ncl;
	zt_lbm_expect(&j->m);
	for (i = 0; i < j->nep; i++) {
		o[i] = j->ep[i].n;
		e[i] = j->ep[i].e;
		if (e[i] <= 0 && o[i] > 0)
			e[i] = j->ep[i].e = 0.5;	/* not a choice */
		if (e[i] <= 0)
			continue;
		k++;
		d = (double)o[i] - e[i];
		sv->chi2 += d * d / e[i];
		if (e[i] >= 1) {
			r = (double)o[i] / e[i];
			mx = r > mx ? r : mx;
			mn = r < mn ? r : mn;
		}
	}
	j->mm = mn > 0 && mn < 1e300 ? mx / mn : mn < 1e300 ? 1e9 : 1;
	sv->df = (double)k - 1 - (double)j->gfix;
	zt_lb_effect(o, e, j->nep, cf->min_expected, &t);
	sv->ratio = t.ratio;
	sv->points = t.points;
	free(o);
	free(e);
	sv->p = sv->p_adj = 1;
	sv->alpha = cf->alpha;
	if (k < 2 || sv->df < 1) {
		sv->skip = "one endpoint";
		return -1;
	}
	if ((double)j->m.total / (double)k < cf->min_expected) {
		snprintf(sv->skipbuf, sizeof(sv->skipbuf), "too few "
		    "connections: %" PRId64 " over %zu endpoints, need %g per "
		    "endpoint", j->m.total, k, cf->min_expected);
		sv->skip = sv->skipbuf;
		return -1;
	}
	sv->p = zt_chi2_q(sv->chi2, sv->df);
	return 0;
}

/* Does svc's load balancer rank endpoints by locality? */
static int
lb_ranked(const struct zt_inv_service *svc)
{
	return svc->lb_mode != NULL && (strcmp(svc->lb_mode, "Failover") ==
	    0 || strcmp(svc->lb_mode, "Strict") == 0);
}

static int
material(const struct zt_lbcfg *cf, double ratio, double points)
{
	if (cf->material_ratio <= 0 && cf->material_points <= 0)
		return 1;
	return (cf->material_ratio > 0 && ratio >= cf->material_ratio) ||
	    (cf->material_points > 0 && points >= cf->material_points);
}

/* Decide job j, whose p-value was adjusted. */
static void
decide(struct job *j, const struct zt_lbcfg *cf, struct zt_lbtally *t)
{
	struct zt_lbsvc	*sv = &j->sv;
	struct zt_lbtest pc;
	int		 sig = cf->alpha > 0 && sv->p_adj < cf->alpha;
	int		 mat = material(cf, sv->ratio, sv->points);

	if (cf->max_ratio > 0 && j->mm > cf->max_ratio) {
		sv->bound = !sig;
		sig = mat = 1;
	}
	if (!sig)
		return;
	/*
	 * Without the inventory's load-balancer mode (tables have none) or
	 * the clients' localities to apply it, a split that is even per client node
	 * over the endpoints each reached is locality preference, not a
	 * skew.
	 */
	if ((j->m.svc == NULL || j->m.svc->lb_mode == NULL ||
	    (lb_ranked(j->m.svc) && !j->m.locality)) &&
	    zt_lbm_per_client(&j->m, cf->min_expected,
	    &pc) == 0 && !(pc.df > 0 && pc.p * j->mult < cf->alpha &&
	    material(cf, pc.ratio, pc.points))) {
		sv->per_client = 1;
		t->per_client++;
		return;
	}
	sv->fail = 1;
	sv->small = !mat;
	if (mat)
		t->fail++;
	else
		t->small++;
}

static int
job_cmp(const void *x, const void *y)
{
	const struct job	*a = *(struct job *const *)x;
	const struct job	*b = *(struct job *const *)y;

	return strcmp(a->name, b->name);
}

static int
ep_cmp(const void *x, const void *y)
{
	const struct zt_lbep	*a = x;
	const struct zt_lbep	*b = y;

	return strcmp(a->name, b->name);
}

/* Move job j's result into sv. */
static void
emit(struct job *j, const struct zt_dims *dm, struct zt_lbsvc *sv)
{
	double	 se = 0;
	size_t	 i;

	*sv = j->sv;
	if (sv->skip == j->sv.skipbuf)
		sv->skip = sv->skipbuf;
	sv->service = j->name;
	j->name = NULL;
	sv->ep = zt_xcalloc(j->nep + 1, sizeof(*sv->ep));
	sv->nep = j->nep;
	for (i = 0; i < j->nep; i++)
		se += j->ep[i].e;
	for (i = 0; i < j->nep; i++) {
		sv->ep[i].name = j->epk[i] != 0 || j->ep[i].wl == NULL ?
		    ep_name(dm, j->epk[i]) : zt_xstrdup(j->ep[i].wl->name);
		sv->ep[i].n = j->ep[i].n;
		sv->ep[i].expected = j->ep[i].e;
		/* Of the expected counts (an endpoint that was not a choice
		   but got connections counts 0.5: test()). */
		sv->ep[i].exp_share = se > 0 ? j->ep[i].e / se : 0;
		sv->total += j->ep[i].n;
	}
	if (sv->nep > 1)
		qsort(sv->ep, sv->nep, sizeof(*sv->ep), ep_cmp);
}

void
zt_lb_judge(const struct zt_lbstate *s, const struct zt_lbcfg *cf,
    const struct zt_check_ctx *cx, struct zt_result *res,
    struct zt_lbtally *t)
{
	size_t		 n = (size_t)s->six.n;
	struct job	*jobs = jobs_new(s, cx->dm);
	struct job	**by = zt_xcalloc(n + 1, sizeof(*by));
	double		*p = zt_xcalloc(n + 1, sizeof(*p));
	double		*adj = zt_xcalloc(n + 1, sizeof(*adj));
	double		*mult = zt_xcalloc(n + 1, sizeof(*mult));
	size_t		 i, m = 0;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < n; i++) {
		if (cx->inv != NULL)
			inv_attach(&jobs[i], cx->dm, cx->inv);
		wp_groups(&jobs[i], cx->dm);
		jobs[i].m.h = &s->h[i];
	}
	clients(s, jobs, cx);
	for (i = 0; i < n; i++) {
		zt_imap_fini(&jobs[i].epix);	/* no lookups from here */
		zt_imap_fini(&jobs[i].clix);
	}
	for (i = 0; i < n; i++)
		if (test(&jobs[i], cf) == 0)
			by[m++] = &jobs[i];
		else
			t->skip++;
	for (i = 0; i < m; i++)
		p[i] = by[i]->sv.p;
	zt_lb_holm(p, m, adj, mult);
	for (i = 0; i < m; i++) {
		by[i]->sv.p_adj = adj[i];
		by[i]->mult = mult[i];
		decide(by[i], cf, t);
	}
	for (i = 0; i < n; i++)
		free_clients(&jobs[i]);
	for (i = 0; i < n; i++)
		by[i] = &jobs[i];
	if (n > 1)
		qsort(by, n, sizeof(*by), job_cmp);
	res->svc = zt_xcalloc(n + 1, sizeof(*res->svc));
	for (i = 0; i < n; i++) {
		emit(by[i], cx->dm, &res->svc[i]);
		free(by[i]->ep);	/* peak memory: one copy at a time */
		free(by[i]->epk);
		by[i]->ep = NULL;
		by[i]->epk = NULL;
	}
	res->nsvc = n;
	jobs_free(jobs, n);
	free(by);
	free(p);
	free(adj);
	free(mult);
}

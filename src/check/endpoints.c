/*
 * endpoints.c -- the endpoints check: every healthy endpoint the
 * inventory gives a busy service got connections, and every address in
 * the records is one the inventory knows.  See ztlog(1), CHECKS, and
 * ztlog-rules(5).
 *
 * Records are counted by service (outbound), by destination workload and
 * by address (destination, HBONE destination, source); the inventory is
 * consulted when a result is made: a healthy endpoint of a service with
 * at least min_connections connections that no record reached fails the
 * rule (an unhealthy one is idle by design); addresses no inventory
 * knows are listed (a pod gone before the dump, or outside the mesh).
 * Without an inventory the rule is skipped.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/imap.h"
#include "check/invlook.h"
#include "check/result.h"
#include "check/type.h"
#include "util/xalloc.h"

#define ROLE_DST	1
#define ROLE_SRC	2

struct cfg {
	int64_t		 min_connections;
};

struct counter {
	struct zt_imap	 ix;
	int64_t		*n;
	unsigned	*role;		/* hosts: ROLE_* */
};

struct state {
	int64_t		 checked;
	struct counter	 svc;		/* service id */
	struct counter	 wl;		/* destination workload key */
	struct counter	 host;		/* host key */
};

static const char *const keys[] = { "min_connections", NULL };

static int
parse(struct zt_yctx *y, const struct zt_ynode *n, struct zt_rule *r)
{
	const struct zt_ynode	*v;
	struct cfg		*cf;

	cf = r->cfg = zt_xcalloc(1, sizeof(*cf));
	cf->min_connections = 30;
	if ((v = zt_yaml_get(n, "min_connections")) != NULL &&
	    zt_yaml_integer(y, v, "min_connections",
	    &cf->min_connections) == -1)
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
	zt_imap_init(&s->svc.ix, 1);
	zt_imap_init(&s->wl.ix, 1);
	zt_imap_init(&s->host.ix, 1);
	return s;
}

static void
counter_free(struct counter *c)
{
	zt_imap_fini(&c->ix);
	free(c->n);
	free(c->role);
}

static void
state_free(void *p)
{
	struct state	*s = p;

	counter_free(&s->svc);
	counter_free(&s->wl);
	counter_free(&s->host);
	free(s);
}

static void
count(struct counter *c, int64_t k, int64_t n, unsigned role)
{
	int	 added;
	int64_t	 ix;

	if (k == 0)
		return;
	ix = zt_imap_add(&c->ix, &k, &added);
	if (added) {
		zt_arr_room((void **)&c->n, (size_t)ix, sizeof(*c->n));
		zt_arr_room((void **)&c->role, (size_t)ix, sizeof(*c->role));
		c->n[ix] = 0;
		c->role[ix] = 0;
	}
	c->n[ix] += n;
	c->role[ix] |= role;
}

static int
feed(void *p, const struct zt_rule *r, const struct zt_row *row,
    const struct zt_check_ctx *cx, char *msg, size_t msgsize)
{
	struct state	*s = p;

	(void)r;
	(void)msg;
	(void)msgsize;
	if (!row->complete && !row->failed)
		return 0;
	s->checked++;
	if (row->outbound)
		count(&s->svc, row->service_id, 1, 0);
	count(&s->wl, row->dst_wl_id, 1, 0);
	count(&s->host, row->dst_host_id, 1, ROLE_DST);
	if (row->hbone_host_id != row->dst_host_id)
		count(&s->host, row->hbone_host_id, 1, ROLE_DST);
	count(&s->host, zt_dims_hostkey(cx->dm, row->src_ip_id), 1, ROLE_SRC);
	return 0;
}

static void
counter_merge(struct counter *a, const struct counter *b)
{
	int64_t	 i;

	for (i = 0; i < b->ix.n; i++)
		count(a, *zt_imap_key(&b->ix, i), b->n[i], b->role[i]);
}

static void
merge(void *into, void *from, const struct zt_check_ctx *cx)
{
	struct state	*a = into;
	struct state	*b = from;

	(void)cx;
	a->checked += b->checked;
	counter_merge(&a->svc, &b->svc);
	counter_merge(&a->wl, &b->wl);
	counter_merge(&a->host, &b->host);
}

/* ---- results --------------------------------------------------------------- */

static int64_t
ptrkey(const void *p)
{
	return (int64_t)(intptr_t)p;
}

/* seen: the inventory workloads that records reached. */
static void
reached(const struct state *s, const struct zt_check_ctx *cx,
    struct zt_imap *seen)
{
	const struct zt_inv_workload *wl;
	int64_t	 i, k;

	for (i = 0; i < s->wl.ix.n; i++)
		if ((wl = zt_invlook_wl(cx->inv, cx->dm,
		    *zt_imap_key(&s->wl.ix, i))) != NULL) {
			k = ptrkey(wl);
			zt_imap_add(seen, &k, NULL);
		}
	for (i = 0; i < s->host.ix.n; i++)
		if ((s->host.role[i] & ROLE_DST) &&
		    (wl = zt_invlook_wl_host(cx->inv, cx->dm,
		    *zt_imap_key(&s->host.ix, i))) != NULL) {
			k = ptrkey(wl);
			zt_imap_add(seen, &k, NULL);
		}
}

/* busy: connections per inventory service (by pointer), into n. */
static void
busy(const struct state *s, const struct zt_check_ctx *cx,
    struct zt_imap *ix, int64_t **n)
{
	const struct zt_inv_service *svc;
	int64_t	 i, k, j;
	int	 added;

	for (i = 0; i < s->svc.ix.n; i++) {
		svc = zt_invlook_svc(cx->inv, cx->dm,
		    *zt_imap_key(&s->svc.ix, i));
		if (svc == NULL)
			continue;
		k = ptrkey(svc);
		j = zt_imap_add(ix, &k, &added);
		if (added) {
			zt_arr_room((void **)n, (size_t)j, sizeof(**n));
			(*n)[j] = 0;
		}
		(*n)[j] += s->svc.n[i];
	}
}

/* The tallies of a snapshot. */
struct tally {
	int64_t		 services;	/* judged: busy enough */
	int64_t		 endpoints;	/* their endpoints */
	int64_t		 idle;		/* healthy, no connection */
	int64_t		 idle_unhealthy;
	int64_t		 unknown;	/* addresses */
};

/* Judge the endpoints of the busy services; examples for idle ones. */
static void
idle(const struct state *s, const struct cfg *cf,
    const struct zt_check_ctx *cx, struct zt_result *res, struct tally *t)
{
	const struct zt_inv_service *svc;
	const struct zt_inv_workload *wl;
	struct zt_imap	 seen, six;
	int64_t		*n = NULL;
	int64_t		 j, k;
	size_t		 i, e;

	zt_imap_init(&seen, 1);
	zt_imap_init(&six, 1);
	/* A query resolves the endpoints' workloads (inv.h). */
	zt_invlook_ready(cx->inv);
	reached(s, cx, &seen);
	busy(s, cx, &six, &n);
	for (i = 0; i < zt_inv_nservices(cx->inv); i++) {
		svc = zt_inv_service(cx->inv, i);
		k = ptrkey(svc);
		if ((j = zt_imap_find(&six, &k)) < 0 ||
		    n[j] < cf->min_connections || !svc->eps_known)
			continue;
		t->services++;
		for (e = 0; e < svc->neps; e++) {
			if ((wl = svc->eps[e].wl) == NULL)
				continue;
			t->endpoints++;
			k = ptrkey(wl);
			if (zt_imap_find(&seen, &k) >= 0)
				continue;
			if (zt_inv_endpoint_health(&svc->eps[e]) ==
			    ZT_INV_UNHEALTHY) {
				t->idle_unhealthy++;
				continue;
			}
			if (t->idle++ < cx->examples)
				zt_result_example(res, NULL, 0, "%s/%s: endpoint "
				    "%s/%s (node %s, %s) is healthy in the "
				    "inventory but got no connection while the "
				    "service got %" PRId64, svc->ns, svc->name,
				    wl->ns, wl->name, wl->node != NULL ?
				    wl->node : "?", wl->nips > 0 ? wl->ips[0] :
				    "no address", n[j]);
		}
	}
	zt_imap_fini(&seen);
	zt_imap_fini(&six);
	free(n);
}

/* List the addresses no inventory knows. */
static void
unknown(const struct state *s, const struct zt_check_ctx *cx,
    struct zt_result *res, struct tally *t)
{
	struct zt_str	 h;
	int64_t		 i, k;
	unsigned	 role;

	for (i = 0; i < s->host.ix.n; i++) {
		k = *zt_imap_key(&s->host.ix, i);
		if (zt_invlook_known_host(cx->inv, cx->dm, k))
			continue;
		if (t->idle == 0 && t->unknown < cx->examples) {
			h = zt_dims_host(cx->dm, k);
			role = s->host.role[i];
			zt_result_example(res, NULL, 0, "address %.*s (%s, %"
			    PRId64 " records) is in no inventory: a pod gone "
			    "before the dump, or outside the mesh",
			    h.p != NULL ? (int)h.n : 1, h.p != NULL ? h.p : "?",
			    role == (ROLE_DST | ROLE_SRC) ? "source and "
			    "destination" : role == ROLE_DST ? "destination" :
			    "source", s->host.n[i]);
		}
		t->unknown++;
	}
}

static void
verdict(const struct zt_rule *r, const struct tally *t,
    struct zt_result *res)
{
	if (t->idle > 0) {
		res->status = zt_result_failed(r);
		snprintf(res->summary, sizeof(res->summary), "%" PRId64
		    " healthy endpoint%s of busy services got no connection "
		    "(%" PRId64 " endpoints of %" PRId64 " services)", t->idle,
		    t->idle == 1 ? "" : "s", t->endpoints, t->services);
		res->hint = "ztunnels that never pick a healthy endpoint do not "
		    "have it in their view, or it does not serve the port: "
		    "compare `istioctl ztunnel-config workloads` and "
		    "`istioctl ztunnel-config services` on the clients' nodes";
		return;
	}
	res->status = t->unknown > 0 ? ZT_ST_INFO : t->services > 0 ?
	    ZT_ST_PASS : ZT_ST_SKIP;
	snprintf(res->summary, sizeof(res->summary), "%" PRId64 " endpoints "
	    "of %" PRId64 " services with connections enough all got some (%"
	    PRId64 " unhealthy idle); %" PRId64 " address%s in no inventory",
	    t->endpoints, t->services, t->idle_unhealthy, t->unknown,
	    t->unknown == 1 ? "" : "es");
	if (t->unknown > 0)
		res->hint = "addresses the inventory does not know: pods "
		    "replaced before the dump was taken, or peers outside the "
		    "mesh (nodes, load balancers, external services)";
}

static void
snapshot(const void *p, const struct zt_rule *r, const struct zt_check_ctx *cx,
    struct zt_result *res)
{
	const struct state	*s = p;
	const struct cfg	*cf = r->cfg;
	struct tally		 t;

	if (cx->inv == NULL) {
		res->status = ZT_ST_SKIP;
		snprintf(res->summary, sizeof(res->summary), "needs an "
		    "inventory (--inventory): which endpoints each service "
		    "has, and their health");
		return;
	}
	memset(&t, 0, sizeof(t));
	idle(s, cf, cx, res, &t);
	unknown(s, cx, res, &t);
	res->more = (t.idle > 0 ? t.idle : t.unknown) - (int64_t)res->nex;
	if (res->more < 0)
		res->more = 0;
	zt_result_count(res, "services", t.services);
	zt_result_count(res, "endpoints", t.endpoints);
	zt_result_count(res, "idle_healthy", t.idle);
	zt_result_count(res, "idle_unhealthy", t.idle_unhealthy);
	zt_result_count(res, "unknown_addresses", t.unknown);
	zt_result_count(res, "records", s->checked);
	verdict(r, &t, res);
}

const struct zt_check_type zt_check_endpoints = {
	.name = "endpoints",
	.keys = keys,
	.where = 1,
	.parse = parse,
	.cfg_free = cfg_free,
	.new = new,
	.feed = feed,
	.merge = merge,
	.snapshot = snapshot,
	.free = state_free,
};

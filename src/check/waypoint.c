/*
 * waypoint.c -- the waypoint check: traffic to a service or workload
 * whose inventory names a waypoint goes through it.  See ztlog(1),
 * CHECKS, and ztlog-rules(5).
 *
 * Records that did not go through a waypoint are grouped by (direction,
 * destination workload, client); when a result is made, the inventory
 * tells which workloads a waypoint serves (those that name one, and the
 * endpoints of services that name one) and which are waypoints (the
 * endpoints of the waypoints' services).  A record reaching a served
 * workload from a client that is not its waypoint is a bypass, listed
 * with the client.  Without an inventory the rule is skipped.
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

struct group {
	int64_t		 count;
	struct zt_exlist ex;
};

struct state {
	int64_t		 checked;
	int64_t		 via;		/* records through a waypoint */
	struct zt_imap	 gix;		/* (dir, dst wl, client) -> g */
	struct group	*g;
};

static const char *const keys[] = { NULL };

static int
parse(struct zt_yctx *y, const struct zt_ynode *n, struct zt_rule *r)
{
	(void)y;
	(void)n;
	(void)r;
	return 0;
}

static void *
new(const struct zt_rule *r)
{
	struct state	*s = zt_xcalloc(1, sizeof(*s));

	(void)r;
	zt_imap_init(&s->gix, 3);
	return s;
}

static void
state_free(void *p)
{
	struct state	*s = p;
	int64_t		 i;

	for (i = 0; i < s->gix.n; i++)
		zt_exlist_free(&s->g[i].ex);
	free(s->g);
	zt_imap_fini(&s->gix);
	free(s);
}

static struct group *
group(struct state *s, const int64_t *k)
{
	int	 added;
	int64_t	 i = zt_imap_add(&s->gix, k, &added);

	if (added) {
		zt_arr_room((void **)&s->g, (size_t)i, sizeof(*s->g));
		memset(&s->g[i], 0, sizeof(s->g[i]));
	}
	return &s->g[i];
}

static int
feed(void *p, const struct zt_rule *r, const struct zt_row *row,
    const struct zt_check_ctx *cx, char *msg, size_t msgsize)
{
	struct state	*s = p;
	struct group	*g;
	int64_t		 k[3];

	(void)r;
	(void)msg;
	(void)msgsize;
	if ((!row->complete && !row->failed) ||
	    (!row->outbound && !row->inbound))
		return 0;
	s->checked++;
	if (row->wp) {
		s->via++;
		return 0;
	}
	if (!row->dst_wl_id)
		return 0;
	k[0] = row->outbound ? 1 : 2;
	k[1] = row->dst_wl_id;
	k[2] = row->src_wl_id ? row->src_wl_id :
	    -zt_dims_hostkey(cx->dm, row->src_ip_id);
	g = group(s, k);
	g->count++;
	zt_exlist_add(&g->ex, row, cx->examples);
	return 0;
}

static void
merge(void *into, void *from, const struct zt_check_ctx *cx)
{
	struct state	*a = into;
	struct state	*b = from;
	struct group	*g;
	int64_t		 i;

	a->checked += b->checked;
	a->via += b->via;
	for (i = 0; i < b->gix.n; i++) {
		g = group(a, zt_imap_key(&b->gix, i));
		g->count += b->g[i].count;
		zt_exlist_merge(&g->ex, &b->g[i].ex, cx->examples);
	}
}

/* ---- results --------------------------------------------------------------- */

static int64_t
ptrkey(const void *p)
{
	return (int64_t)(intptr_t)p;
}

static void
add_eps(struct zt_imap *set, const struct zt_inv_service *svc)
{
	int64_t	 k;
	size_t	 e;

	for (e = 0; svc != NULL && e < svc->neps; e++)
		if (svc->eps[e].wl != NULL) {
			k = ptrkey(svc->eps[e].wl);
			zt_imap_add(set, &k, NULL);
		}
}

static const struct zt_inv_service *
dest_service(struct zt_inv *inv, const char *dest)
{
	const struct zt_inv_service *out[2];
	const char	*sl = strchr(dest, '/');
	char		*ns;
	size_t		 n;

	if (sl == NULL)
		return NULL;
	if (zt_inv_services_by_vip(inv, sl + 1, out, 2) == 1)
		return out[0];
	ns = zt_xstrndup(dest, (size_t)(sl - dest));
	n = zt_inv_services_by_host(inv, sl + 1, ns, out, 2);
	free(ns);
	return n == 1 ? out[0] : NULL;
}

/*
 * served: the inventory workloads a waypoint serves; wps: the waypoints'
 * own workloads.  Returns how many services and workloads name one.
 */
static int64_t
waypoints(struct zt_inv *inv, struct zt_imap *served, struct zt_imap *wps)
{
	const struct zt_inv_service	*svc;
	const struct zt_inv_workload	*wl;
	int64_t				 n = 0, k;
	size_t				 i, g;

	/* A query resolves the endpoints' workloads (inv.h). */
	zt_invlook_ready(inv);
	for (i = 0; i < zt_inv_nservices(inv); i++) {
		svc = zt_inv_service(inv, i);
		if (svc->has_waypoint != ZT_INV_TRI_YES && svc->waypoint ==
		    NULL && svc->nwwaypoints == 0)
			continue;
		n++;
		add_eps(served, svc);
		add_eps(wps, zt_inv_service_waypoint(inv, svc));
		for (g = 0; g < svc->nwwaypoints; g++)
			add_eps(wps, dest_service(inv,
			    svc->wwaypoints[g].dest));
	}
	for (i = 0; i < zt_inv_nworkloads(inv); i++) {
		wl = zt_inv_workload(inv, i);
		if (wl->has_waypoint != ZT_INV_TRI_YES && wl->waypoint == NULL)
			continue;
		n++;
		k = ptrkey(wl);
		zt_imap_add(served, &k, NULL);
		add_eps(wps, zt_inv_workload_waypoint(inv, wl));
	}
	return n;
}

/* Is group key k a bypass: to a served workload, not from a waypoint? */
static int
bypass(const int64_t *k, const struct zt_check_ctx *cx,
    const struct zt_imap *served, const struct zt_imap *wps)
{
	const struct zt_inv_workload *wl;
	int64_t	 p;

	wl = zt_invlook_wl(cx->inv, cx->dm, k[1]);
	if (wl == NULL || (p = ptrkey(wl), zt_imap_find(served, &p) < 0))
		return 0;
	wl = k[2] > 0 ? zt_invlook_wl(cx->inv, cx->dm, k[2]) :
	    zt_invlook_wl_host(cx->inv, cx->dm, -k[2]);
	return wl == NULL || (p = ptrkey(wl), zt_imap_find(wps, &p) < 0);
}

static void
verdict(const struct state *s, const struct zt_rule *r, int64_t nwp,
    const int64_t n[3], struct zt_result *res)
{
	if (n[0] + n[1] > 0) {
		res->status = zt_result_failed(r);
		snprintf(res->summary, sizeof(res->summary), "%" PRId64
		    " outbound and %" PRId64 " inbound records reach pods "
		    "served by a waypoint directly, from %" PRId64 " client%s",
		    n[0], n[1], n[2], n[2] == 1 ? "" : "s");
		res->hint = "these clients dial the pods, not the service, so "
		    "the waypoint is not in their path: a waypoint bound to a "
		    "service (istio.io/use-waypoint on the Service) serves "
		    "traffic to its address only; bind it to the workloads "
		    "too (istio.io/waypoint-for: all), or have the clients "
		    "call the service";
	} else if (nwp == 0) {
		res->status = ZT_ST_SKIP;
		snprintf(res->summary, sizeof(res->summary), "no service or "
		    "workload in the inventory has a waypoint");
	} else {
		res->status = ZT_ST_PASS;
		snprintf(res->summary, sizeof(res->summary), "%" PRId64
		    " records through waypoints; none reach pods of the %"
		    PRId64 " waypoint-served services and workloads directly",
		    s->via, nwp);
	}
}

static void
snapshot(const void *p, const struct zt_rule *r, const struct zt_check_ctx *cx,
    struct zt_result *res)
{
	const struct state	*s = p;
	const int64_t		*k;
	struct zt_imap		 served, wps, clients;
	int64_t			 n[3] = { 0, 0, 0 };	/* out, in, clients */
	int64_t			 nwp, i, dir;
	size_t			 e;

	if (cx->inv == NULL) {
		res->status = ZT_ST_SKIP;
		snprintf(res->summary, sizeof(res->summary), "needs an "
		    "inventory (--inventory): which services and workloads "
		    "have a waypoint");
		return;
	}
	zt_imap_init(&served, 1);
	zt_imap_init(&wps, 1);
	zt_imap_init(&clients, 1);
	nwp = waypoints(cx->inv, &served, &wps);
	for (dir = 1; dir <= 2; dir++)	/* outbound examples first */
		for (i = 0; i < s->gix.n; i++) {
			k = zt_imap_key(&s->gix, i);
			if (k[0] != dir || !bypass(k, cx, &served, &wps))
				continue;
			n[dir - 1] += s->g[i].count;
			zt_imap_add(&clients, &k[2], NULL);
			for (e = 0; e < s->g[i].ex.n && res->nex <
			    (size_t)cx->examples; e++)
				zt_result_exitem(res, cx, &s->g[i].ex.v[e],
				    dir == 1 ? "bypasses the waypoint" :
				    "reached past the waypoint");
		}
	n[2] = clients.n;
	res->more = n[0] + n[1] - (int64_t)res->nex;
	if (res->more < 0)
		res->more = 0;
	zt_result_count(res, "records", s->checked);
	zt_result_count(res, "via_waypoint", s->via);
	zt_result_count(res, "bypass_outbound", n[0]);
	zt_result_count(res, "bypass_inbound", n[1]);
	zt_result_count(res, "bypass_clients", n[2]);
	verdict(s, r, nwp, n, res);
	zt_imap_fini(&served);
	zt_imap_fini(&wps);
	zt_imap_fini(&clients);
}

const struct zt_check_type zt_check_waypoint = {
	.name = "waypoint",
	.keys = keys,
	.where = 1,
	.parse = parse,
	.new = new,
	.feed = feed,
	.merge = merge,
	.snapshot = snapshot,
	.free = state_free,
};

/*
 * query.c -- the inventory's read side: resolving waypoint names and
 * endpoint workloads, lookups by address, name and host, accessors and
 * conflict text; see inv.h.
 */
#include <stdlib.h>
#include <string.h>

#include "inv/invpriv.h"
#include "util/xalloc.h"

/* ---- resolution and queries --------------------------------------------- */

/*
 * The service a waypoint destination names: "<ns>/<hostname>", or
 * "<network>/<ip>" with ip one of its VIPs on that network.
 */
static struct inv_svc *
resolve_dest(struct zt_inv *inv, const char *dest)
{
	struct inv_iter	 it;
	struct inv_svc	*c;
	const char	*slash;
	const char	*rest;
	char		 ip[INV_IPLEN];
	size_t		 nl;
	size_t		 i;
	size_t		 j;

	slash = strchr(dest, '/');
	if (slash == NULL)
		return NULL;
	nl = (size_t)(slash - dest);
	rest = slash + 1;
	if (inv_ip_canon(rest, strlen(rest), ip) == 0) {
		inv_iter_init(&it, &inv->by_vip, inv_hash1(ip));
		while (inv_iter_next(&it, &i)) {
			c = inv->svc[i];
			for (j = 0; j < c->pub.nvips; j++)
				if (strcmp(c->pub.vips[j], ip) == 0 &&
				    (c->pub.vip_networks[j] == NULL ||
				    (strlen(c->pub.vip_networks[j]) == nl &&
				    memcmp(c->pub.vip_networks[j], dest,
				    nl) == 0)))
					return c;
		}
		return NULL;
	}
	inv_iter_init(&it, &inv->by_shost, inv_hash2n(dest, nl, rest,
	    strlen(rest)));
	while (inv_iter_next(&it, &i)) {
		c = inv->svc[i];
		if (c->pub.hostname != NULL && strlen(c->pub.ns) == nl &&
		    memcmp(c->pub.ns, dest, nl) == 0 &&
		    strcmp(c->pub.hostname, rest) == 0)
			return c;
	}
	return NULL;
}

static void
resolve_name(struct zt_inv *inv, enum zt_inv_tri has, const char *dest,
    const char **name)
{
	struct inv_svc	*c;

	if (has != ZT_INV_TRI_YES || dest == NULL || *name != NULL)
		return;
	c = resolve_dest(inv, dest);
	if (c != NULL)
		*name = c->pub.name;
}

enum zt_inv_health
zt_inv_endpoint_health(const struct zt_inv_endpoint *ep)
{
	if (ep->status != ZT_INV_HEALTH_UNKNOWN)
		return ep->status;
	if (ep->wl != NULL)
		return ep->wl->status;
	return ZT_INV_HEALTH_UNKNOWN;
}

void
inv_refresh(struct zt_inv *inv)
{
	struct zt_inv_workload	*w;
	struct zt_inv_service	*s;
	struct zt_inv_endpoint	*e;
	size_t			 i;
	size_t			 j;

	if (!inv->stale)
		return;
	inv_idx_free(&inv->by_ip);
	inv_idx_free(&inv->by_vip);
	inv_idx_free(&inv->by_host);
	for (i = 0; i < inv->nwl; i++) {
		w = &inv->wl[i]->pub;
		for (j = 0; j < w->nips; j++)
			inv_idx_add(&inv->by_ip, inv_hash1(w->ips[j]), i);
	}
	for (i = 0; i < inv->nsvc; i++) {
		s = &inv->svc[i]->pub;
		for (j = 0; j < s->nvips; j++)
			inv_idx_add(&inv->by_vip, inv_hash1(s->vips[j]), i);
		if (s->hostname != NULL)
			inv_idx_add(&inv->by_host, inv_hash1(s->hostname), i);
	}
	for (i = 0; i < inv->nsvc; i++) {
		s = &inv->svc[i]->pub;
		for (j = 0; j < s->neps; j++) {
			e = &s->eps[j];
			e->wl = zt_inv_workload_by_uid(inv, e->workload_uid);
		}
		if (s->eps_known) {
			s->ep_total = (int64_t)s->neps;
			s->ep_healthy = 0;
			for (j = 0; j < s->neps; j++)
				if (zt_inv_endpoint_health(&s->eps[j]) ==
				    ZT_INV_HEALTHY)
					s->ep_healthy++;
		}
		resolve_name(inv, s->has_waypoint, s->waypoint,
		    &s->waypoint_name);
	}
	for (i = 0; i < inv->nwl; i++) {
		w = &inv->wl[i]->pub;
		resolve_name(inv, w->has_waypoint, w->waypoint,
		    &w->waypoint_name);
	}
	inv->stale = 0;
}

const struct zt_inv_workload *
zt_inv_workload_by_uid(struct zt_inv *inv, const char *uid)
{
	struct inv_iter	 it;
	size_t		 i;

	inv_iter_init(&it, &inv->by_uid, inv_hash1(uid));
	while (inv_iter_next(&it, &i))
		if (strcmp(inv->wl[i]->pub.uid, uid) == 0)
			return &inv->wl[i]->pub;
	return NULL;
}

/* Collected record indexes, sorted and deduplicated on output. */
struct hits {
	size_t	*v;
	size_t	 n;
	size_t	 cap;
};

static void
hit(struct hits *h, size_t i)
{
	h->v = inv_grow(h->v, &h->cap, h->n, sizeof(*h->v));
	h->v[h->n++] = i;
}

static int
cmp_size(const void *a, const void *b)
{
	size_t	 x = *(const size_t *)a;
	size_t	 y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* Sort and drop duplicates. */
static void
hits_done(struct hits *h)
{
	size_t	 n = 0;
	size_t	 i;

	if (h->n > 1)
		qsort(h->v, h->n, sizeof(*h->v), cmp_size);
	for (i = 0; i < h->n; i++)
		if (i == 0 || h->v[i] != h->v[i - 1])
			h->v[n++] = h->v[i];
	h->n = n;
}

static size_t
hits_wl(struct zt_inv *inv, struct hits *h, const struct zt_inv_workload **out,
    size_t max)
{
	size_t	 i;

	hits_done(h);
	for (i = 0; i < h->n && i < max; i++)
		out[i] = &inv->wl[h->v[i]]->pub;
	free(h->v);
	return h->n;
}

static size_t
hits_svc(struct zt_inv *inv, struct hits *h, const struct zt_inv_service **out,
    size_t max)
{
	size_t	 i;

	hits_done(h);
	for (i = 0; i < h->n && i < max; i++)
		out[i] = &inv->svc[h->v[i]]->pub;
	free(h->v);
	return h->n;
}

size_t
zt_inv_workloads_by_ip(struct zt_inv *inv, const char *ip,
    const struct zt_inv_workload **out, size_t max)
{
	struct inv_iter	 it;
	struct hits	 h = { NULL, 0, 0 };
	char		 canon[INV_IPLEN];
	size_t		 i;

	if (inv_ip_canon(ip, strlen(ip), canon) == -1)
		return 0;
	inv_refresh(inv);
	inv_iter_init(&it, &inv->by_ip, inv_hash1(canon));
	while (inv_iter_next(&it, &i))
		if (inv_has(inv->wl[i]->pub.ips, inv->wl[i]->pub.nips, canon))
			hit(&h, i);
	return hits_wl(inv, &h, out, max);
}

size_t
zt_inv_workloads_by_name(struct zt_inv *inv, const char *ns,
    const char *name, const struct zt_inv_workload **out, size_t max)
{
	struct inv_iter	 it;
	struct hits	 h = { NULL, 0, 0 };
	size_t		 i;

	inv_refresh(inv);
	if (ns == NULL) {
		for (i = 0; i < inv->nwl; i++)
			if (strcmp(inv->wl[i]->pub.name, name) == 0)
				hit(&h, i);
	} else {
		inv_iter_init(&it, &inv->by_wname, inv_hash2(ns, name));
		while (inv_iter_next(&it, &i))
			if (strcmp(inv->wl[i]->pub.ns, ns) == 0 &&
			    strcmp(inv->wl[i]->pub.name, name) == 0)
				hit(&h, i);
	}
	return hits_wl(inv, &h, out, max);
}

/* "<name>.<ns>.svc" or "<name>.<ns>.svc.<domain>": split; 0 or -1. */
static int
kube_host(const char *host, const char **name, size_t *nn, const char **ns,
    size_t *nsn)
{
	const char	*d1;
	const char	*d2;

	d1 = strchr(host, '.');
	if (d1 == NULL || d1 == host)
		return -1;
	d2 = strchr(d1 + 1, '.');
	if (d2 == NULL || d2 == d1 + 1 || strncmp(d2, ".svc", 4) != 0 ||
	    (d2[4] != '\0' && d2[4] != '.'))
		return -1;
	*name = host;
	*nn = (size_t)(d1 - host);
	*ns = d1 + 1;
	*nsn = (size_t)(d2 - d1 - 1);
	return 0;
}

size_t
zt_inv_services_by_host(struct zt_inv *inv, const char *host, const char *ns,
    const struct zt_inv_service **out, size_t max)
{
	struct inv_iter	 it;
	struct hits	 h = { NULL, 0, 0 };
	struct inv_svc	*c;
	const char	*kn;
	const char	*kns;
	size_t		 knn;
	size_t		 knsn;
	size_t		 i;

	inv_refresh(inv);
	inv_iter_init(&it, &inv->by_host, inv_hash1(host));
	while (inv_iter_next(&it, &i)) {
		c = inv->svc[i];
		if (strcmp(c->pub.hostname, host) == 0 &&
		    (ns == NULL || strcmp(c->pub.ns, ns) == 0))
			hit(&h, i);
	}
	if (kube_host(host, &kn, &knn, &kns, &knsn) == 0 &&
	    (ns == NULL || (strlen(ns) == knsn &&
	    memcmp(ns, kns, knsn) == 0))) {
		inv_iter_init(&it, &inv->by_sname, inv_hash2n(kns, knsn, kn, knn));
		while (inv_iter_next(&it, &i)) {
			c = inv->svc[i];
			if (c->pub.hostname == NULL &&
			    strlen(c->pub.ns) == knsn &&
			    memcmp(c->pub.ns, kns, knsn) == 0 &&
			    strlen(c->pub.name) == knn &&
			    memcmp(c->pub.name, kn, knn) == 0)
				hit(&h, i);
		}
	}
	return hits_svc(inv, &h, out, max);
}

size_t
zt_inv_services_by_vip(struct zt_inv *inv, const char *ip,
    const struct zt_inv_service **out, size_t max)
{
	struct inv_iter	 it;
	struct hits	 h = { NULL, 0, 0 };
	char		 canon[INV_IPLEN];
	size_t		 i;

	if (inv_ip_canon(ip, strlen(ip), canon) == -1)
		return 0;
	inv_refresh(inv);
	inv_iter_init(&it, &inv->by_vip, inv_hash1(canon));
	while (inv_iter_next(&it, &i))
		if (inv_has(inv->svc[i]->pub.vips, inv->svc[i]->pub.nvips, canon))
			hit(&h, i);
	return hits_svc(inv, &h, out, max);
}

/* A waypoint known by name only (tables): that name in ns, else anywhere if one. */
static const struct zt_inv_service *
waypoint_by_name(struct zt_inv *inv, const char *ns, const char *name)
{
	struct inv_iter		 it;
	const struct zt_inv_service *found = NULL;
	size_t			 i;
	size_t			 n = 0;

	inv_iter_init(&it, &inv->by_sname, inv_hash2(ns, name));
	while (inv_iter_next(&it, &i))
		if (strcmp(inv->svc[i]->pub.ns, ns) == 0 &&
		    strcmp(inv->svc[i]->pub.name, name) == 0)
			return &inv->svc[i]->pub;
	for (i = 0; i < inv->nsvc; i++)
		if (strcmp(inv->svc[i]->pub.name, name) == 0) {
			found = &inv->svc[i]->pub;
			n++;
		}
	return n == 1 ? found : NULL;
}

static const struct zt_inv_service *
waypoint_of(struct zt_inv *inv, const char *ns, enum zt_inv_tri has,
    const char *dest, const char *name)
{
	struct inv_svc	*c;

	if (has != ZT_INV_TRI_YES)
		return NULL;
	inv_refresh(inv);
	if (dest != NULL) {
		c = resolve_dest(inv, dest);
		return c != NULL ? &c->pub : NULL;
	}
	if (name != NULL)
		return waypoint_by_name(inv, ns, name);
	return NULL;
}

const struct zt_inv_service *
zt_inv_workload_waypoint(struct zt_inv *inv, const struct zt_inv_workload *wl)
{
	return waypoint_of(inv, wl->ns, wl->has_waypoint, wl->waypoint,
	    wl->waypoint_name);
}

const struct zt_inv_service *
zt_inv_service_waypoint(struct zt_inv *inv, const struct zt_inv_service *svc)
{
	return waypoint_of(inv, svc->ns, svc->has_waypoint, svc->waypoint,
	    svc->waypoint_name);
}

/* ---- accessors ---------------------------------------------------------- */

size_t
zt_inv_nworkloads(const struct zt_inv *inv)
{
	return inv->nwl;
}

const struct zt_inv_workload *
zt_inv_workload(const struct zt_inv *inv, size_t i)
{
	return i < inv->nwl ? &inv->wl[i]->pub : NULL;
}

size_t
zt_inv_nservices(const struct zt_inv *inv)
{
	return inv->nsvc;
}

const struct zt_inv_service *
zt_inv_service(const struct zt_inv *inv, size_t i)
{
	return i < inv->nsvc ? &inv->svc[i]->pub : NULL;
}

size_t
zt_inv_nsources(const struct zt_inv *inv)
{
	return inv->nsrc;
}

const struct zt_inv_source *
zt_inv_source(const struct zt_inv *inv, size_t i)
{
	return i < inv->nsrc ? &inv->src[i] : NULL;
}

size_t
zt_inv_nconflicts(const struct zt_inv *inv)
{
	return inv->ncf;
}

const struct zt_inv_conflict *
zt_inv_conflict(const struct zt_inv *inv, size_t i)
{
	return i < inv->ncf ? &inv->cf[i] : NULL;
}

static void
addz(struct zt_buf *b, const char *s)
{
	zt_buf_add(b, s, strlen(s));
}

void
zt_inv_conflict_text(const struct zt_inv *inv,
    const struct zt_inv_conflict *c, struct zt_buf *b)
{
	addz(b, c->what);
	addz(b, " ");
	addz(b, c->key);
	addz(b, ": ");
	addz(b, c->field);
	addz(b, " is \"");
	addz(b, c->kept);
	addz(b, "\" in ");
	addz(b, inv_source_name(inv, c->kept_source));
	addz(b, " but \"");
	addz(b, c->other);
	addz(b, "\" in ");
	addz(b, inv_source_name(inv, c->other_source));
	addz(b, "; keeping the first");
}

const char *
zt_inv_format_name(enum zt_inv_format f)
{
	switch (f) {
	case ZT_INV_FMT_NONE:
		return "none";
	case ZT_INV_FMT_DUMP_MAP:
		return "config_dump (1.22 maps)";
	case ZT_INV_FMT_DUMP:
		return "config_dump";
	case ZT_INV_FMT_ZC_WORKLOADS:
		return "istioctl workloads json";
	case ZT_INV_FMT_ZC_SERVICES:
		return "istioctl services json";
	case ZT_INV_FMT_ZC_EMPTY:
		return "istioctl json (empty)";
	case ZT_INV_FMT_TABLES:
		return "istioctl tables";
	}
	return "?";
}


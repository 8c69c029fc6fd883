/*
 * merge.c -- putting drafts in: finding the record a draft matches and
 * merging it field by field, conflicts recorded; see invpriv.h.
 *
 * Matching.  A workload draft with a uid joins the record with that uid;
 * else (or with a uid nobody has yet) a record with the same namespace
 * and name and no other uid, preferring one that shares an address.  A
 * service draft with a hostname joins the record with that namespace and
 * hostname, else one with the same namespace and name and no hostname
 * (from a table), preferring one that shares a VIP.
 *
 * Merging field by field: unknown (NULL, UNKNOWN, -1) takes the draft's
 * value; equal values are fine; different values keep the record's and
 * add a conflict.  Address lists merge when one holds the other (tables
 * of 1.22/1.23 show the first address only).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inv/invpriv.h"
#include "util/xalloc.h"

/*
 * What a merge needs to name a conflict.  The key text is made only when
 * there is one: key, else ns "/" name, then " " extra if any.
 */
struct mctx {
	struct zt_inv	*inv;
	const char	*what;
	const char	*key;
	const char	*ns;
	const char	*name;
	const char	*extra;
	size_t		 kept;		/* record's first source */
	size_t		 other;		/* draft's source */
};

static void
conflict(struct mctx *m, const char *field, const char *kept,
    const char *other)
{
	struct zt_buf	 b = { NULL, 0, 0 };

	if (m->key == NULL) {
		zt_buf_add(&b, m->ns, strlen(m->ns));
		zt_buf_addc(&b, '/');
		zt_buf_add(&b, m->name, strlen(m->name));
		m->key = inv_strn(m->inv, b.p, b.n);
	}
	if (m->extra != NULL) {
		b.n = 0;
		zt_buf_add(&b, m->key, strlen(m->key));
		zt_buf_addc(&b, ' ');
		zt_buf_add(&b, m->extra, strlen(m->extra));
		m->key = inv_strn(m->inv, b.p, b.n);
		m->extra = NULL;
	}
	zt_buf_free(&b);
	inv_conflict(m->inv, m->what, m->key, field, inv_str(m->inv, kept),
	    m->kept, inv_str(m->inv, other), m->other);
}

static void
mstr(struct mctx *m, const char *field, const char **dst, const char *in)
{
	if (in == NULL)
		return;
	if (*dst == NULL)
		*dst = in;
	else if (strcmp(*dst, in) != 0)
		conflict(m, field, *dst, in);
}

static const char *
proto_text(enum zt_inv_proto p)
{
	return p == ZT_INV_PROTO_TCP ? "TCP" : p == ZT_INV_PROTO_HBONE ?
	    "HBONE" : "unknown";
}

static const char *
health_text(enum zt_inv_health h)
{
	return h == ZT_INV_HEALTHY ? "Healthy" : h == ZT_INV_UNHEALTHY ?
	    "Unhealthy" : "unknown";
}

static const char *
tri_text(enum zt_inv_tri t)
{
	return t == ZT_INV_TRI_YES ? "yes" : t == ZT_INV_TRI_NO ? "no" :
	    "unknown";
}

/* Enums: 0 is unknown.  Returns the value to keep. */
static int
menum(struct mctx *m, const char *field, int d, int in,
    const char *(*text)(int))
{
	if (in == 0)
		return d;
	if (d == 0)
		return in;
	if (d != in)
		conflict(m, field, text(d), text(in));
	return d;
}

static const char *
proto_text_i(int v)
{
	return proto_text((enum zt_inv_proto)v);
}

static const char *
health_text_i(int v)
{
	return health_text((enum zt_inv_health)v);
}

static const char *
tri_text_i(int v)
{
	return tri_text((enum zt_inv_tri)v);
}

static void
mint(struct mctx *m, const char *field, int64_t *dst, int64_t in)
{
	char	 a[24];
	char	 b[24];

	if (in < 0)
		return;
	if (*dst < 0)
		*dst = in;
	else if (*dst != in) {
		snprintf(a, sizeof(a), "%lld", (long long)*dst);
		snprintf(b, sizeof(b), "%lld", (long long)in);
		conflict(m, field, a, b);
	}
}

static void
join(struct zt_buf *b, const char *const *l, size_t n)
{
	size_t	 i;

	b->n = 0;
	for (i = 0; i < n; i++) {
		if (i > 0)
			zt_buf_addc(b, ',');
		zt_buf_add(b, l[i], strlen(l[i]));
	}
	zt_buf_addc(b, '\0');
}

/* Is every element of a in b? */
static int
subset(const char *const *a, size_t na, const char *const *b, size_t nb)
{
	size_t	 i;

	for (i = 0; i < na; i++)
		if (!inv_has(b, nb, a[i]))
			return 0;
	return 1;
}

/*
 * A set-like list: the larger of two nested lists wins; lists that are
 * not nested conflict.  Takes the draft's array when it wins.
 */
static void
mset(struct mctx *m, const char *field, const char ***dl, size_t *dn,
    const char ***il, size_t *in)
{
	struct zt_buf	 a = { NULL, 0, 0 };
	struct zt_buf	 b = { NULL, 0, 0 };
	const char	**t;
	size_t		 tn;

	if (subset(*il, *in, *dl, *dn))
		return;
	if (subset(*dl, *dn, *il, *in)) {
		t = *dl;	/* swap: the draft's array is freed with it */
		tn = *dn;
		*dl = *il;
		*dn = *in;
		*il = t;
		*in = tn;
		return;
	}
	join(&a, *dl, *dn);
	join(&b, *il, *in);
	conflict(m, field, a.p, b.p);
	zt_buf_free(&a);
	zt_buf_free(&b);
}

/* An ordered list: equal or conflict. */
static void
mseq(struct mctx *m, const char *field, const char *const *d, size_t dn,
    const char *const *in, size_t inn)
{
	struct zt_buf	 a = { NULL, 0, 0 };
	struct zt_buf	 b = { NULL, 0, 0 };

	join(&a, d, dn);
	join(&b, in, inn);
	if (strcmp(a.p, b.p) != 0)
		conflict(m, field, a.p, b.p);
	zt_buf_free(&a);
	zt_buf_free(&b);
}

static void
ports_text(struct zt_buf *b, const struct zt_inv_port *p, size_t n)
{
	char	 t[16];
	size_t	 i;
	int	 k;

	b->n = 0;
	for (i = 0; i < n; i++) {
		k = snprintf(t, sizeof(t), "%s%u:%u", i > 0 ? "," : "",
		    (unsigned)p[i].port, (unsigned)p[i].target);
		zt_buf_add(b, t, (size_t)k);
	}
	zt_buf_addc(b, '\0');
}

static void
mports(struct mctx *m, const char *field, struct zt_inv_port **dp,
    size_t *dn, int *dknown, struct zt_inv_port **ip, size_t *in, int iknown)
{
	struct zt_buf	 a = { NULL, 0, 0 };
	struct zt_buf	 b = { NULL, 0, 0 };
	struct zt_inv_port *t;
	size_t		 tn;

	if (!iknown)
		return;
	if (!*dknown) {
		t = *dp;
		tn = *dn;
		*dp = *ip;
		*dn = *in;
		*ip = t;
		*in = tn;
		*dknown = 1;
		return;
	}
	ports_text(&a, *dp, *dn);
	ports_text(&b, *ip, *in);
	if (strcmp(a.p, b.p) != 0)
		conflict(m, field, a.p, b.p);
	zt_buf_free(&a);
	zt_buf_free(&b);
}

static void
count_source(size_t *nsources, size_t *last, size_t in_first,
    size_t in_n, size_t in_last)
{
	*nsources += in_first == *last ? in_n - 1 : in_n;
	if (in_last != ZT_INV_NOSOURCE &&
	    (*last == ZT_INV_NOSOURCE || in_last > *last))
		*last = in_last;
}

/* ---- workloads ---------------------------------------------------------- */

static int
shares(const char *const *a, size_t na, const char *const *b, size_t nb)
{
	size_t	 i;

	for (i = 0; i < na; i++)
		if (inv_has(b, nb, a[i]))
			return 1;
	return 0;
}

static struct inv_wl *
find_wl(struct zt_inv *inv, const struct zt_inv_workload *w)
{
	struct inv_iter	 it;
	struct inv_wl	*c;
	struct inv_wl	*best = NULL;
	size_t		 i;

	if (w->uid != NULL) {
		inv_iter_init(&it, &inv->by_uid, inv_hash1(w->uid));
		while (inv_iter_next(&it, &i))
			if (strcmp(inv->wl[i]->pub.uid, w->uid) == 0)
				return inv->wl[i];
	}
	inv_iter_init(&it, &inv->by_wname, inv_hash2(w->ns, w->name));
	while (inv_iter_next(&it, &i)) {
		c = inv->wl[i];
		if (strcmp(c->pub.ns, w->ns) != 0 ||
		    strcmp(c->pub.name, w->name) != 0)
			continue;
		if (w->uid != NULL && c->pub.uid != NULL)
			continue;	/* another workload of that name */
		if (best == NULL)
			best = c;
		if (shares(c->pub.ips, c->pub.nips, w->ips, w->nips)) {
			best = c;
			break;
		}
	}
	return best;
}

static void
merge_local(struct mctx *m, struct zt_inv_workload *d,
    const struct zt_inv_workload *w)
{
	if (w->local_source == ZT_INV_NOSOURCE)
		return;
	if (d->local_source == ZT_INV_NOSOURCE) {
		d->local_source = w->local_source;
		d->local_state = w->local_state;
		d->pod_uid = w->pod_uid;
		return;
	}
	if (d->local_source != w->local_source)
		conflict(m, "local_source", inv_source_name(m->inv,
		    d->local_source), inv_source_name(m->inv, w->local_source));
	mstr(m, "local_state", &d->local_state, w->local_state);
	mstr(m, "pod_uid", &d->pod_uid, w->pod_uid);
}

static void
merge_wl(struct zt_inv *inv, struct inv_wl *dw, struct zt_inv_workload *w)
{
	struct zt_inv_workload	*d = &dw->pub;
	struct mctx		 m;

	if (w->uid != NULL && d->uid == NULL) {
		d->uid = w->uid;
		inv_idx_add(&inv->by_uid, inv_hash1(d->uid), dw->idx);
	}
	memset(&m, 0, sizeof(m));
	m.inv = inv;
	m.what = "workload";
	m.key = d->uid;
	m.ns = d->ns;
	m.name = d->name;
	m.kept = d->source;
	m.other = w->source;
	mset(&m, "ips", &d->ips, &d->nips, &w->ips, &w->nips);
	mstr(&m, "hostname", &d->hostname, w->hostname);
	mstr(&m, "node", &d->node, w->node);
	mstr(&m, "network", &d->network, w->network);
	mstr(&m, "cluster_id", &d->cluster, w->cluster);
	mstr(&m, "trust_domain", &d->trust_domain, w->trust_domain);
	mstr(&m, "service_account", &d->service_account, w->service_account);
	mstr(&m, "workload_name", &d->workload_name, w->workload_name);
	mstr(&m, "workload_type", &d->workload_type, w->workload_type);
	mstr(&m, "canonical_name", &d->canonical_name, w->canonical_name);
	mstr(&m, "canonical_revision", &d->canonical_revision,
	    w->canonical_revision);
	mstr(&m, "network_mode", &d->network_mode, w->network_mode);
	d->protocol = (enum zt_inv_proto)menum(&m, "protocol", d->protocol,
	    w->protocol, proto_text_i);
	d->status = (enum zt_inv_health)menum(&m, "status", d->status,
	    w->status, health_text_i);
	d->has_waypoint = (enum zt_inv_tri)menum(&m, "has_waypoint",
	    d->has_waypoint, w->has_waypoint, tri_text_i);
	mstr(&m, "waypoint", &d->waypoint, w->waypoint);
	mstr(&m, "waypoint_name", &d->waypoint_name, w->waypoint_name);
	mstr(&m, "network_gateway", &d->network_gateway, w->network_gateway);
	mint(&m, "capacity", &d->capacity, w->capacity);
	mstr(&m, "region", &d->region, w->region);
	mstr(&m, "zone", &d->zone, w->zone);
	mstr(&m, "subzone", &d->subzone, w->subzone);
	if (w->services_known) {
		if (!d->services_known) {
			d->services_known = 1;
			free(d->services);
			d->services = w->services;
			d->nservices = w->nservices;
			w->services = NULL;
			w->nservices = 0;
		} else
			mset(&m, "services", &d->services, &d->nservices,
			    &w->services, &w->nservices);
	}
	merge_local(&m, d, w);
}


struct zt_inv_workload *
inv_put_workload(struct zt_inv *inv, struct zt_inv_workload *w)
{
	struct inv_wl	*nw = (struct inv_wl *)(void *)w;
	struct inv_wl	*dw;

	inv->stale = 1;
	if (nw->last_src == ZT_INV_NOSOURCE)
		nw->last_src = w->source;
	dw = find_wl(inv, w);
	if (dw == NULL) {
		inv->wl = inv_grow(inv->wl, &inv->wlcap, inv->nwl, sizeof(*inv->wl));
		nw->idx = inv->nwl;
		inv->wl[inv->nwl++] = nw;
		if (w->uid != NULL)
			inv_idx_add(&inv->by_uid, inv_hash1(w->uid), nw->idx);
		inv_idx_add(&inv->by_wname, inv_hash2(w->ns, w->name), nw->idx);
		return w;
	}
	count_source(&dw->pub.nsources, &dw->last_src, w->source,
	    w->nsources, nw->last_src);
	merge_wl(inv, dw, w);
	inv_wl_free(w);
	return &dw->pub;
}

/* ---- services ----------------------------------------------------------- */

static struct inv_svc *
find_svc(struct zt_inv *inv, const struct zt_inv_service *s)
{
	struct inv_iter	 it;
	struct inv_svc	*c;
	struct inv_svc	*best = NULL;
	size_t		 i;

	if (s->hostname != NULL) {
		inv_iter_init(&it, &inv->by_shost,
		    inv_hash2(s->ns, s->hostname));
		while (inv_iter_next(&it, &i)) {
			c = inv->svc[i];
			if (strcmp(c->pub.ns, s->ns) == 0 &&
			    strcmp(c->pub.hostname, s->hostname) == 0)
				return c;
		}
	}
	inv_iter_init(&it, &inv->by_sname, inv_hash2(s->ns, s->name));
	while (inv_iter_next(&it, &i)) {
		c = inv->svc[i];
		if (strcmp(c->pub.ns, s->ns) != 0 ||
		    strcmp(c->pub.name, s->name) != 0)
			continue;
		if (s->hostname != NULL && c->pub.hostname != NULL)
			continue;	/* another host of that name */
		if (best == NULL)
			best = c;
		if (shares(c->pub.vips, c->pub.nvips, s->vips, s->nvips)) {
			best = c;
			break;
		}
	}
	return best;
}

void
inv_add_vip(struct zt_inv_service *d, const char *ip, const char *net)
{
	d->vips = zt_xrealloc(d->vips, (d->nvips + 1) * sizeof(*d->vips));
	d->vip_networks = zt_xrealloc(d->vip_networks,
	    (d->nvips + 1) * sizeof(*d->vip_networks));
	d->vips[d->nvips] = ip;
	d->vip_networks[d->nvips] = net;
	d->nvips++;
}

/* VIPs: nested sets merge (networks fill in), others conflict. */
static void
merge_vips(struct mctx *m, struct zt_inv_service *d,
    const struct zt_inv_service *s)
{
	struct zt_buf	 a = { NULL, 0, 0 };
	struct zt_buf	 b = { NULL, 0, 0 };
	size_t		 i;
	size_t		 j;

	if (!subset(s->vips, s->nvips, d->vips, d->nvips) &&
	    !subset(d->vips, d->nvips, s->vips, s->nvips)) {
		join(&a, d->vips, d->nvips);
		join(&b, s->vips, s->nvips);
		conflict(m, "vips", a.p, b.p);
		zt_buf_free(&a);
		zt_buf_free(&b);
		return;
	}
	for (i = 0; i < s->nvips; i++) {
		for (j = 0; j < d->nvips; j++)
			if (strcmp(d->vips[j], s->vips[i]) == 0)
				break;
		if (j == d->nvips)
			inv_add_vip(d, s->vips[i], s->vip_networks[i]);
		else if (d->vip_networks[j] == NULL)
			d->vip_networks[j] = s->vip_networks[i];
		else if (s->vip_networks[i] != NULL &&
		    strcmp(d->vip_networks[j], s->vip_networks[i]) != 0)
			conflict(m, "vip network", d->vip_networks[j],
			    s->vip_networks[i]);
	}
}

static void
wwp_text(struct zt_buf *b, const struct zt_inv_wwaypoint *w, size_t n)
{
	char	 t[16];
	size_t	 i;
	int	 k;

	b->n = 0;
	for (i = 0; i < n; i++) {
		if (i > 0)
			zt_buf_addc(b, ',');
		zt_buf_add(b, w[i].dest, strlen(w[i].dest));
		k = snprintf(t, sizeof(t), "=%u", (unsigned)w[i].weight);
		zt_buf_add(b, t, (size_t)k);
	}
	zt_buf_addc(b, '\0');
}

static void
merge_wwp(struct mctx *m, struct zt_inv_service *d, struct zt_inv_service *s)
{
	struct zt_buf	 a = { NULL, 0, 0 };
	struct zt_buf	 b = { NULL, 0, 0 };
	struct zt_inv_wwaypoint *t;

	if (s->nwwaypoints == 0)
		return;
	if (d->nwwaypoints == 0) {
		t = d->wwaypoints;
		d->wwaypoints = s->wwaypoints;
		d->nwwaypoints = s->nwwaypoints;
		s->wwaypoints = t;
		s->nwwaypoints = 0;
		return;
	}
	wwp_text(&a, d->wwaypoints, d->nwwaypoints);
	wwp_text(&b, s->wwaypoints, s->nwwaypoints);
	if (strcmp(a.p, b.p) != 0)
		conflict(m, "weighted_waypoints", a.p, b.p);
	zt_buf_free(&a);
	zt_buf_free(&b);
}

static void
merge_lb(struct mctx *m, struct zt_inv_service *d, struct zt_inv_service *s)
{
	const char	**t;

	if (s->lb_mode == NULL)
		return;
	if (d->lb_mode == NULL) {
		d->lb_mode = s->lb_mode;
		d->lb_health = s->lb_health;
		t = d->lb_routing;
		d->lb_routing = s->lb_routing;
		d->nlb_routing = s->nlb_routing;
		s->lb_routing = t;
		s->nlb_routing = 0;
		return;
	}
	mstr(m, "lb_mode", &d->lb_mode, s->lb_mode);
	mseq(m, "lb_routing", d->lb_routing, d->nlb_routing, s->lb_routing,
	    s->nlb_routing);
	mstr(m, "lb_health_policy", &d->lb_health, s->lb_health);
}

static struct zt_inv_endpoint *
find_ep(struct zt_inv_service *d, struct inv_idx *x, const char *uid)
{
	struct inv_iter	 it;
	size_t		 i;

	inv_iter_init(&it, x, inv_hash1(uid));
	while (inv_iter_next(&it, &i))
		if (strcmp(d->eps[i].workload_uid, uid) == 0)
			return &d->eps[i];
	return NULL;
}

static void
merge_eps(struct mctx *m, struct zt_inv_service *d, struct zt_inv_service *s)
{
	struct inv_idx		 x = { NULL, 0, 0 };
	struct zt_inv_endpoint	*de;
	struct zt_inv_endpoint	*e;
	struct zt_inv_endpoint	*t;
	struct mctx		 em;
	size_t			 i;
	int			 known = 1;

	if (!s->eps_known)
		return;
	if (!d->eps_known) {
		t = d->eps;
		d->eps = s->eps;
		d->neps = s->neps;
		s->eps = t;
		s->neps = 0;
		d->eps_known = 1;
		return;
	}
	for (i = 0; i < d->neps; i++)
		inv_idx_add(&x, inv_hash1(d->eps[i].workload_uid), i);
	for (i = 0; i < s->neps; i++) {
		e = &s->eps[i];
		de = find_ep(d, &x, e->workload_uid);
		if (de == NULL) {
			d->eps = zt_xrealloc(d->eps,
			    (d->neps + 1) * sizeof(*d->eps));
			d->eps[d->neps] = *e;
			e->ports = NULL;
			e->nports = 0;
			inv_idx_add(&x, inv_hash1(e->workload_uid), d->neps);
			d->neps++;
			continue;
		}
		em = *m;
		em.what = "endpoint";
		em.extra = e->workload_uid;
		mports(&em, "ports", &de->ports, &de->nports, &known,
		    &e->ports, &e->nports, 1);
		de->status = (enum zt_inv_health)menum(&em, "status",
		    de->status, e->status, health_text_i);
	}
	inv_idx_free(&x);
}

static void
merge_svc(struct zt_inv *inv, struct inv_svc *ds, struct zt_inv_service *s)
{
	struct zt_inv_service	*d = &ds->pub;
	struct mctx		 m;

	if (s->hostname != NULL && d->hostname == NULL) {
		d->hostname = s->hostname;
		inv_idx_add(&inv->by_shost, inv_hash2(d->ns, d->hostname),
		    ds->idx);
	}
	memset(&m, 0, sizeof(m));
	m.inv = inv;
	m.what = "service";
	m.ns = d->ns;
	m.name = d->hostname != NULL ? d->hostname : d->name;
	m.kept = d->source;
	m.other = s->source;
	merge_vips(&m, d, s);
	mports(&m, "ports", &d->ports, &d->nports, &d->ports_known,
	    &s->ports, &s->nports, s->ports_known);
	d->has_waypoint = (enum zt_inv_tri)menum(&m, "has_waypoint",
	    d->has_waypoint, s->has_waypoint, tri_text_i);
	mstr(&m, "waypoint", &d->waypoint, s->waypoint);
	mstr(&m, "waypoint_name", &d->waypoint_name, s->waypoint_name);
	merge_wwp(&m, d, s);
	merge_lb(&m, d, s);
	if (!s->eps_known) {
		mint(&m, "endpoints_healthy", &d->ep_healthy, s->ep_healthy);
		mint(&m, "endpoints_total", &d->ep_total, s->ep_total);
	}
	merge_eps(&m, d, s);
}

struct zt_inv_service *
inv_put_service(struct zt_inv *inv, struct zt_inv_service *s)
{
	struct inv_svc	*ns = (struct inv_svc *)(void *)s;
	struct inv_svc	*ds;

	inv->stale = 1;
	if (ns->last_src == ZT_INV_NOSOURCE)
		ns->last_src = s->source;
	ds = find_svc(inv, s);
	if (ds == NULL) {
		inv->svc = inv_grow(inv->svc, &inv->svccap, inv->nsvc,
		    sizeof(*inv->svc));
		ns->idx = inv->nsvc;
		inv->svc[inv->nsvc++] = ns;
		if (s->hostname != NULL)
			inv_idx_add(&inv->by_shost,
			    inv_hash2(s->ns, s->hostname), ns->idx);
		inv_idx_add(&inv->by_sname, inv_hash2(s->ns, s->name),
		    ns->idx);
		return s;
	}
	count_source(&ds->pub.nsources, &ds->last_src, s->source,
	    s->nsources, ns->last_src);
	merge_svc(inv, ds, s);
	inv_svc_free(s);
	return &ds->pub;
}

/* ---- merging inventories ------------------------------------------------ */

static size_t
remap(size_t i, size_t off)
{
	return i == ZT_INV_NOSOURCE ? i : i + off;
}

static struct zt_inv_workload *
copy_wl(struct zt_inv *dst, const struct inv_wl *sw, size_t off)
{
	const struct zt_inv_workload	*s = &sw->pub;
	struct zt_inv_workload		*w;
	size_t				 i;

	w = inv_wl_new();
	w->uid = inv_str(dst, s->uid);
	w->name = inv_str(dst, s->name);
	w->ns = inv_str(dst, s->ns);
	for (i = 0; i < s->nips; i++)
		inv_list_add(&w->ips, &w->nips, inv_str(dst, s->ips[i]));
	w->hostname = inv_str(dst, s->hostname);
	w->node = inv_str(dst, s->node);
	w->network = inv_str(dst, s->network);
	w->cluster = inv_str(dst, s->cluster);
	w->trust_domain = inv_str(dst, s->trust_domain);
	w->service_account = inv_str(dst, s->service_account);
	w->workload_name = inv_str(dst, s->workload_name);
	w->workload_type = inv_str(dst, s->workload_type);
	w->canonical_name = inv_str(dst, s->canonical_name);
	w->canonical_revision = inv_str(dst, s->canonical_revision);
	w->network_mode = inv_str(dst, s->network_mode);
	w->protocol = s->protocol;
	w->status = s->status;
	w->has_waypoint = s->has_waypoint;
	w->waypoint = inv_str(dst, s->waypoint);
	w->waypoint_name = inv_str(dst, s->waypoint_name);
	w->network_gateway = inv_str(dst, s->network_gateway);
	w->capacity = s->capacity;
	w->region = inv_str(dst, s->region);
	w->zone = inv_str(dst, s->zone);
	w->subzone = inv_str(dst, s->subzone);
	for (i = 0; i < s->nservices; i++)
		inv_list_add(&w->services, &w->nservices,
		    inv_str(dst, s->services[i]));
	w->services_known = s->services_known;
	w->source = remap(s->source, off);
	w->nsources = s->nsources;
	w->local_source = remap(s->local_source, off);
	w->local_state = inv_str(dst, s->local_state);
	w->pod_uid = inv_str(dst, s->pod_uid);
	((struct inv_wl *)(void *)w)->last_src = remap(sw->last_src, off);
	return w;
}

static struct zt_inv_service *
copy_svc(struct zt_inv *dst, const struct inv_svc *ss, size_t off)
{
	const struct zt_inv_service	*s = &ss->pub;
	struct zt_inv_service		*d;
	struct zt_inv_endpoint		*e;
	size_t				 i;

	d = inv_svc_new();
	d->name = inv_str(dst, s->name);
	d->ns = inv_str(dst, s->ns);
	d->hostname = inv_str(dst, s->hostname);
	for (i = 0; i < s->nvips; i++)
		inv_add_vip(d, inv_str(dst, s->vips[i]),
		    inv_str(dst, s->vip_networks[i]));
	if (s->nports > 0) {
		d->ports = zt_xmalloc(s->nports * sizeof(*d->ports));
		memcpy(d->ports, s->ports, s->nports * sizeof(*d->ports));
	}
	d->nports = s->nports;
	d->ports_known = s->ports_known;
	d->has_waypoint = s->has_waypoint;
	d->waypoint = inv_str(dst, s->waypoint);
	d->waypoint_name = inv_str(dst, s->waypoint_name);
	if (s->nwwaypoints > 0)
		d->wwaypoints = zt_xmalloc(s->nwwaypoints *
		    sizeof(*d->wwaypoints));
	for (i = 0; i < s->nwwaypoints; i++) {
		d->wwaypoints[i].dest = inv_str(dst, s->wwaypoints[i].dest);
		d->wwaypoints[i].weight = s->wwaypoints[i].weight;
	}
	d->nwwaypoints = s->nwwaypoints;
	d->lb_mode = inv_str(dst, s->lb_mode);
	for (i = 0; i < s->nlb_routing; i++) {
		d->lb_routing = zt_xrealloc(d->lb_routing,
		    (i + 1) * sizeof(*d->lb_routing));
		d->lb_routing[i] = inv_str(dst, s->lb_routing[i]);
	}
	d->nlb_routing = s->nlb_routing;
	d->lb_health = inv_str(dst, s->lb_health);
	if (s->neps > 0)
		d->eps = zt_xcalloc(s->neps, sizeof(*d->eps));
	for (i = 0; i < s->neps; i++) {
		e = &d->eps[i];
		e->workload_uid = inv_str(dst, s->eps[i].workload_uid);
		e->status = s->eps[i].status;
		e->nports = s->eps[i].nports;
		if (e->nports > 0) {
			e->ports = zt_xmalloc(e->nports * sizeof(*e->ports));
			memcpy(e->ports, s->eps[i].ports,
			    e->nports * sizeof(*e->ports));
		}
	}
	d->neps = s->neps;
	d->eps_known = s->eps_known;
	d->ep_healthy = s->ep_healthy;
	d->ep_total = s->ep_total;
	d->source = remap(s->source, off);
	d->nsources = s->nsources;
	((struct inv_svc *)(void *)d)->last_src = remap(ss->last_src, off);
	return d;
}

void
zt_inv_merge(struct zt_inv *dst, struct zt_inv *src)
{
	const struct zt_inv_source	*s;
	const struct zt_inv_conflict	*c;
	struct zt_inv_source		*d;
	size_t				 off = dst->nsrc;
	size_t				 i_new;
	size_t				 i;

	for (i = 0; i < src->nsrc; i++) {
		s = &src->src[i];
		i_new = inv_add_source(dst, s->name, s->format);
		d = &dst->src[i_new];
		d->detail = inv_str(dst, s->detail);
		d->node = inv_str(dst, s->node);
		d->cluster = inv_str(dst, s->cluster);
		d->version = inv_str(dst, s->version);
		d->nworkloads = s->nworkloads;
		d->nservices = s->nservices;
		d->nendpoints = s->nendpoints;
	}
	for (i = 0; i < src->ncf; i++) {
		c = &src->cf[i];
		inv_conflict(dst, c->what, inv_str(dst, c->key), c->field,
		    inv_str(dst, c->kept), remap(c->kept_source, off),
		    inv_str(dst, c->other), remap(c->other_source, off));
	}
	for (i = 0; i < src->nseen; i++) {
		dst->seen = inv_grow(dst->seen, &dst->seencap, dst->nseen,
		    sizeof(*dst->seen));
		dst->seen[dst->nseen] = src->seen[i];
		dst->seen[dst->nseen++].src = src->seen[i].src + off;
	}
	for (i = 0; i < src->nwl; i++)
		inv_put_workload(dst, copy_wl(dst, src->wl[i], off));
	for (i = 0; i < src->nsvc; i++)
		inv_put_service(dst, copy_svc(dst, src->svc[i], off));
	zt_inv_free(src);
}

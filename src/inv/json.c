/*
 * json.c -- the JSON inventories, parsed with Jansson: ztunnel's raw
 * /config_dump (1.22 maps keyed by network address, 1.23+ arrays) and
 * istioctl's re-serialised `ztunnel-config workloads|services -o json`.
 *
 * Jansson checks the syntax, UTF-8 and NUL bytes (JSON_ALLOW_NUL unset),
 * rejects integers that overflow and duplicate keys, and says where (line,
 * column).  load.c has already bounded the size and the nesting.  Here the
 * values are checked against what ztunnel writes (src/state/workload.rs,
 * src/state/service.rs, src/inpod/admin.rs) and istioctl's structs
 * (istioctl/pkg/writer/ztunnel/configdump/api.go): a value of the wrong
 * type or out of range fails the file, named by its JSON path.  Keys
 * neither writes are ignored (newer versions add some).
 *
 * Absent versus empty (inv.h): a raw dump omits default values, so an
 * absent string is "" (known empty); istioctl prints every field of its
 * struct, so "" there is empty too.  What a format cannot carry stays
 * unknown: membership and networkMode in istioctl's JSON, uid in 1.22's
 * istioctl, endpoint status before 1.24.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "inv/invpriv.h"
#include "util/xalloc.h"

/* Version markers seen in a file, for its source detail. */
#define M_NETMODE	0x01	/* workload networkMode: 1.24+ */
#define M_CAPACITY	0x02	/* workload capacity: 1.26+ */
#define M_EPSTATUS	0x04	/* endpoint status: 1.24+ */
#define M_EPSERVICE	0x08	/* endpoint service/address: 1.22-1.23 */
#define M_MEMBERS	0x10	/* workload services: 1.24+ */
#define M_WWAYPOINTS	0x20	/* weighted waypoints */
#define M_UID		0x40	/* istioctl with uid: 1.24+ */
#define M_WLSTATE	0x80	/* workloadState: in-pod ztunnel */

struct jc {
	struct zt_inv	*inv;
	size_t		 src;
	const char	*file;
	struct zt_err	*err;
	int		 istioctl;	/* istioctl's struct, not ztunnel's */
	unsigned	 marks;
	char		 where[160];	/* JSON path of the current record */
};

enum kind { K_OTHER, K_WORKLOAD, K_SERVICE };

static const char *
jtype(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "?";
}

/* A value of the wrong type or range at where.key: fail the file. */
static int
bad(struct jc *c, const char *key, const char *want, const json_t *v)
{
	return zt_err_at(c->err, c->file, 0, 0, "%s%s%s: expected %s, got %s",
	    c->where, key != NULL && c->where[0] != '\0' ? "." : "",
	    key != NULL ? key : "", want, v != NULL ? jtype(v) : "nothing");
}

static int
badval(struct jc *c, const char *key, const char *what, const char *val)
{
	return zt_err_at(c->err, c->file, 0, 0, "%s%s%s: %s \"%.64s\"",
	    c->where, key != NULL && c->where[0] != '\0' ? "." : "",
	    key != NULL ? key : "", what, val);
}

static void
where_index(struct jc *c, const char *list, size_t i)
{
	snprintf(c->where, sizeof(c->where), "%s[%zu]", list, i);
}

static void
where_key(struct jc *c, const char *list, const char *key)
{
	snprintf(c->where, sizeof(c->where), "%s[\"%.80s\"]", list, key);
}

/* o.key as an arena string; absent or null gives dflt.  0 or -1. */
static int
gstr(struct jc *c, json_t *o, const char *key, const char *dflt,
    const char **out)
{
	json_t	*v = json_object_get(o, key);

	*out = dflt;	/* on every path: the callers' -O2 cannot see bad() */
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return bad(c, key, "a string", v);
	*out = inv_strn(c->inv, json_string_value(v), json_string_length(v));
	return 0;
}

/* o.key as an integer in lo..hi; absent or null: *present = 0. */
static int
gint(struct jc *c, json_t *o, const char *key, json_int_t lo, json_int_t hi,
    json_int_t *out, int *present)
{
	json_t	*v = json_object_get(o, key);
	char	 val[32];

	*present = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_integer(v))
		return bad(c, key, "an integer", v);
	if (json_integer_value(v) < lo || json_integer_value(v) > hi) {
		snprintf(val, sizeof(val), "%lld",
		    (long long)json_integer_value(v));
		return zt_err_at(c->err, c->file, 0, 0, "%s%s%s: %s is out of "
		    "range %lld..%lld", c->where, c->where[0] != '\0' ? "." :
		    "", key, val, (long long)lo, (long long)hi);
	}
	*out = json_integer_value(v);
	*present = 1;
	return 0;
}

/* An array of strings (absent or null: none) appended with add(). */
static int
gstrs(struct jc *c, json_t *o, const char *key, int (*add)(struct jc *,
    const char *, size_t, void *), void *arg)
{
	json_t	*v = json_object_get(o, key);
	json_t	*e;
	size_t	 i;

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return bad(c, key, "an array of strings", v);
	json_array_foreach(v, i, e) {
		if (!json_is_string(e))
			return bad(c, key, "an array of strings", e);
		if (add(c, json_string_value(e), json_string_length(e),
		    arg) == -1)
			return -1;
	}
	return 0;
}

static int
add_ip(struct jc *c, const char *s, size_t n, void *arg)
{
	struct zt_inv_workload	*w = arg;
	char			 ip[INV_IPLEN];

	if (inv_ip_canon(s, n, ip) == -1)
		return badval(c, "workloadIps", "not an IP address", s);
	inv_list_add(&w->ips, &w->nips, inv_str(c->inv, ip));
	return 0;
}

static int
add_member(struct jc *c, const char *s, size_t n, void *arg)
{
	struct zt_inv_workload	*w = arg;

	inv_list_add(&w->services, &w->nservices, inv_strn(c->inv, s, n));
	return 0;
}

static int
add_routing(struct jc *c, const char *s, size_t n, void *arg)
{
	struct zt_inv_service	*d = arg;

	d->lb_routing = zt_xrealloc(d->lb_routing,
	    (d->nlb_routing + 1) * sizeof(*d->lb_routing));
	d->lb_routing[d->nlb_routing++] = inv_strn(c->inv, s, n);
	return 0;
}

/*
 * A gateway address {"destination": "<net>/<ip>" | "<ns>/<host>", ...}:
 * absent or null: *has = NO.
 */
static int
gateway(struct jc *c, json_t *o, const char *key, enum zt_inv_tri *has,
    const char **dest)
{
	json_t	*v = json_object_get(o, key);
	json_t	*d;

	*has = ZT_INV_TRI_NO;
	*dest = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return bad(c, key, "an object", v);
	d = json_object_get(v, "destination");
	if (d == NULL || !json_is_string(d))
		return bad(c, key, "an object with a \"destination\" string", d);
	*has = ZT_INV_TRI_YES;
	*dest = inv_strn(c->inv, json_string_value(d), json_string_length(d));
	return 0;
}

static int
health(struct jc *c, const char *key, const char *s, enum zt_inv_health dflt,
    enum zt_inv_health *out)
{
	if (s == NULL || s[0] == '\0')
		*out = dflt;
	else if (strcmp(s, "Healthy") == 0)
		*out = ZT_INV_HEALTHY;
	else if (strcmp(s, "Unhealthy") == 0)
		*out = ZT_INV_UNHEALTHY;
	else
		return badval(c, key, "unknown status", s);
	return 0;
}

static int
wl_strings(struct jc *c, json_t *o, struct zt_inv_workload *w)
{
	static const struct {
		const char	*key;
		size_t		 off;
	} f[] = {
		{ "hostname", offsetof(struct zt_inv_workload, hostname) },
		{ "node", offsetof(struct zt_inv_workload, node) },
		{ "network", offsetof(struct zt_inv_workload, network) },
		{ "clusterId", offsetof(struct zt_inv_workload, cluster) },
		{ "trustDomain", offsetof(struct zt_inv_workload,
		    trust_domain) },
		{ "serviceAccount", offsetof(struct zt_inv_workload,
		    service_account) },
		{ "workloadName", offsetof(struct zt_inv_workload,
		    workload_name) },
		{ "workloadType", offsetof(struct zt_inv_workload,
		    workload_type) },
		{ "canonicalName", offsetof(struct zt_inv_workload,
		    canonical_name) },
		{ "canonicalRevision", offsetof(struct zt_inv_workload,
		    canonical_revision) },
	};
	size_t	 i;
	const char *s;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (gstr(c, o, f[i].key, "", &s) == -1)
			return -1;
		memcpy((char *)w + f[i].off, &s, sizeof(s));
	}
	return 0;
}

static int
wl_locality(struct jc *c, json_t *o, struct zt_inv_workload *w)
{
	json_t	*l = json_object_get(o, "locality");

	w->region = w->zone = w->subzone = "";
	if (l == NULL || json_is_null(l))
		return 0;
	if (!json_is_object(l))
		return bad(c, "locality", "an object", l);
	if (gstr(c, l, "region", "", &w->region) == -1 ||
	    gstr(c, l, "zone", "", &w->zone) == -1 ||
	    gstr(c, l, "subzone", "", &w->subzone) == -1)
		return -1;
	return 0;
}

static int
wl_enums(struct jc *c, json_t *o, struct zt_inv_workload *w)
{
	const char	*s;

	if (gstr(c, o, "protocol", NULL, &s) == -1)
		return -1;
	if (s == NULL || s[0] == '\0' || strcmp(s, "TCP") == 0)
		w->protocol = ZT_INV_PROTO_TCP;	/* ztunnel's default */
	else if (strcmp(s, "HBONE") == 0)
		w->protocol = ZT_INV_PROTO_HBONE;
	else
		return badval(c, "protocol", "unknown protocol", s);
	if (gstr(c, o, "status", NULL, &s) == -1 ||
	    health(c, "status", s, ZT_INV_HEALTHY, &w->status) == -1)
		return -1;
	return 0;
}

static int
read_wl(struct jc *c, json_t *o)
{
	struct zt_inv_workload	*w;
	enum zt_inv_tri		 gw;
	json_int_t		 cap;
	int			 present;

	if (!json_is_object(o))
		return bad(c, NULL, "a workload object", o);
	w = inv_wl_new();
	w->source = c->src;
	if (gstr(c, o, "uid", NULL, &w->uid) == -1 ||
	    gstr(c, o, "name", "", &w->name) == -1 ||
	    gstr(c, o, "namespace", NULL, &w->ns) == -1)
		goto out_free;
	if (w->ns == NULL) {
		zt_err_at(c->err, c->file, 0, 0, "%s: a workload without "
		    "\"namespace\"", c->where);
		goto out_free;
	}
	if (w->uid != NULL && w->uid[0] == '\0')
		w->uid = NULL;
	if (w->uid != NULL && c->istioctl)
		c->marks |= M_UID;
	if (gstrs(c, o, "workloadIps", add_ip, w) == -1 ||
	    wl_strings(c, o, w) == -1 || wl_locality(c, o, w) == -1 ||
	    wl_enums(c, o, w) == -1 ||
	    gateway(c, o, "waypoint", &w->has_waypoint, &w->waypoint) == -1)
		goto out_free;
	if (gateway(c, o, "networkGateway", &gw, &w->network_gateway) == -1)
		goto out_free;
	if (w->network_gateway == NULL)
		w->network_gateway = "";
	if (gstr(c, o, "networkMode", NULL, &w->network_mode) == -1)
		goto out_free;
	if (gint(c, o, "capacity", 0, UINT32_MAX, &cap, &present) == -1)
		goto out_free;
	w->capacity = present ? (int64_t)cap : 1;
	if (present && !c->istioctl)
		c->marks |= M_CAPACITY;
	if (c->istioctl && w->capacity == 0)
		w->capacity = 1;	/* istioctl's zero: the dump had none */
	if (!c->istioctl) {
		/* networkMode is always written from 1.24 on, as is the
		   membership list when not empty. */
		w->services_known = w->network_mode != NULL ||
		    json_object_get(o, "services") != NULL;
		if (w->network_mode != NULL)
			c->marks |= M_NETMODE;
		if (json_object_get(o, "services") != NULL)
			c->marks |= M_MEMBERS;
		if (gstrs(c, o, "services", add_member, w) == -1)
			goto out_free;
	}
	inv_put_workload(c->inv, w);
	c->inv->src[c->src].nworkloads++;
	return 0;

out_free:
	inv_wl_free(w);
	return -1;
}

static int
add_vip(struct jc *c, const char *s, size_t n, void *arg)
{
	struct zt_inv_service	*d = arg;
	const char		*slash;
	const char		*net = "";
	char			 ip[INV_IPLEN];

	slash = memchr(s, '/', n);
	if (slash != NULL) {
		net = inv_strn(c->inv, s, (size_t)(slash - s));
		n -= (size_t)(slash - s) + 1;
		s = slash + 1;
	}
	if (inv_ip_canon(s, n, ip) == -1)
		return badval(c, "vips", "not an IP address", s);
	if (!inv_has(d->vips, d->nvips, ip))
		inv_add_vip(d, inv_str(c->inv, ip), net);
	return 0;
}

static int
cmp_port(const void *a, const void *b)
{
	const struct zt_inv_port *x = a;
	const struct zt_inv_port *y = b;

	return x->port < y->port ? -1 : x->port > y->port;
}

/* A port map {"<port>": <target>} (absent or null: *known = 0). */
static int
ports(struct jc *c, json_t *o, const char *key, struct zt_inv_port **out,
    size_t *n, int *known)
{
	json_t		*m = json_object_get(o, key);
	json_t		*v;
	const char	*k;
	int64_t		 port;

	*known = 0;
	if (m == NULL || json_is_null(m))
		return 0;
	if (!json_is_object(m))
		return bad(c, key, "an object of ports", m);
	*known = 1;
	json_object_foreach(m, k, v) {
		if (zt_parse_u63(k, strlen(k), &port) != 0 || port > 65535)
			return badval(c, key, "not a port number", k);
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 65535)
			return bad(c, key, "target ports in 0..65535", v);
		*out = zt_xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[*n].port = (uint16_t)port;
		(*out)[*n].target = (uint16_t)json_integer_value(v);
		(*n)++;
	}
	if (*n > 1)
		qsort(*out, *n, sizeof(**out), cmp_port);
	return 0;
}

static int
svc_wwaypoints(struct jc *c, json_t *o, struct zt_inv_service *d)
{
	json_t		*a = json_object_get(o, "weightedWaypoints");
	json_t		*e;
	json_int_t	 wt;
	enum zt_inv_tri	 has;
	const char	*dest;
	size_t		 i;
	int		 present;

	if (a == NULL || json_is_null(a))
		return 0;
	if (!json_is_array(a))
		return bad(c, "weightedWaypoints", "an array", a);
	c->marks |= M_WWAYPOINTS;
	json_array_foreach(a, i, e) {
		if (!json_is_object(e))
			return bad(c, "weightedWaypoints", "objects", e);
		if (gateway(c, e, "destination", &has, &dest) == -1 ||
		    gint(c, e, "weight", 0, UINT32_MAX, &wt, &present) == -1)
			return -1;
		if (has != ZT_INV_TRI_YES)
			return bad(c, "weightedWaypoints", "a destination",
			    NULL);
		d->wwaypoints = zt_xrealloc(d->wwaypoints,
		    (d->nwwaypoints + 1) * sizeof(*d->wwaypoints));
		d->wwaypoints[d->nwwaypoints].dest = dest;
		d->wwaypoints[d->nwwaypoints].weight = present ?
		    (uint32_t)wt : 0;
		d->nwwaypoints++;
	}
	return 0;
}

static int
svc_lb(struct jc *c, json_t *o, struct zt_inv_service *d)
{
	json_t		*lb = json_object_get(o, "loadBalancer");
	const char	*s;

	d->lb_mode = "";
	if (lb == NULL || json_is_null(lb))
		return 0;
	if (!json_is_object(lb))
		return bad(c, "loadBalancer", "an object", lb);
	if (gstr(c, lb, "mode", "", &d->lb_mode) == -1 ||
	    gstr(c, lb, "healthPolicy", NULL, &s) == -1 ||
	    gstrs(c, lb, "routingPreferences", add_routing, d) == -1)
		return -1;
	d->lb_health = s != NULL && s[0] != '\0' ? s : NULL;
	return 0;
}

/* Endpoints keyed by workload uid (1.22/1.23: by "<uid>:<address>"). */
static int
svc_eps(struct jc *c, json_t *o, struct zt_inv_service *d)
{
	json_t		*m = json_object_get(o, "endpoints");
	json_t		*v;
	struct inv_idx	 seen = { NULL, 0, 0 };
	struct inv_iter	 it;
	struct zt_inv_endpoint *e;
	const char	*k;
	const char	*uid;
	const char	*st;
	size_t		 i;
	int		 known;
	int		 dup;

	if (m == NULL || json_is_null(m))
		return 0;
	if (!json_is_object(m))
		return bad(c, "endpoints", "an object keyed by workload uid",
		    m);
	d->eps_known = 1;
	json_object_foreach(m, k, v) {
		if (!json_is_object(v))
			goto out_bad;
		if (gstr(c, v, "workloadUid", NULL, &uid) == -1 ||
		    gstr(c, v, "status", NULL, &st) == -1)
			goto out_free;
		if (uid == NULL || uid[0] == '\0')
			uid = inv_str(c->inv, k);
		if (json_object_get(v, "service") != NULL ||
		    json_object_get(v, "address") != NULL)
			c->marks |= c->istioctl ? 0 : M_EPSERVICE;
		dup = 0;
		inv_iter_init(&it, &seen, inv_hash1(uid));
		while (inv_iter_next(&it, &i))
			if (strcmp(d->eps[i].workload_uid, uid) == 0)
				dup = 1;
		if (dup)
			continue;	/* 1.22: one entry per address */
		d->eps = zt_xrealloc(d->eps, (d->neps + 1) * sizeof(*d->eps));
		e = &d->eps[d->neps];
		memset(e, 0, sizeof(*e));
		e->workload_uid = uid;
		inv_idx_add(&seen, inv_hash1(uid), d->neps);
		d->neps++;
		if (st != NULL)
			c->marks |= M_EPSTATUS;
		if (health(c, "endpoints.status", st, ZT_INV_HEALTH_UNKNOWN,
		    &e->status) == -1 ||
		    ports(c, v, "port", &e->ports, &e->nports, &known) == -1)
			goto out_free;
	}
	inv_idx_free(&seen);
	c->inv->src[c->src].nendpoints += d->neps;
	return 0;

out_bad:
	bad(c, "endpoints", "endpoint objects", v);
out_free:
	inv_idx_free(&seen);
	return -1;
}

static int
read_svc(struct jc *c, json_t *o)
{
	struct zt_inv_service	*d;

	if (!json_is_object(o))
		return bad(c, NULL, "a service object", o);
	d = inv_svc_new();
	d->source = c->src;
	if (gstr(c, o, "name", "", &d->name) == -1 ||
	    gstr(c, o, "namespace", NULL, &d->ns) == -1 ||
	    gstr(c, o, "hostname", NULL, &d->hostname) == -1)
		goto out_free;
	if (d->ns == NULL || d->hostname == NULL) {
		zt_err_at(c->err, c->file, 0, 0, "%s: a service without "
		    "\"%s\"", c->where, d->ns == NULL ? "namespace" :
		    "hostname");
		goto out_free;
	}
	if (gstrs(c, o, "vips", add_vip, d) == -1 ||
	    ports(c, o, "ports", &d->ports, &d->nports, &d->ports_known) == -1 ||
	    gateway(c, o, "waypoint", &d->has_waypoint, &d->waypoint) == -1 ||
	    svc_wwaypoints(c, o, d) == -1 || svc_lb(c, o, d) == -1 ||
	    svc_eps(c, o, d) == -1)
		goto out_free;
	inv_put_service(c->inv, d);
	c->inv->src[c->src].nservices++;
	return 0;

out_free:
	inv_svc_free(d);
	return -1;
}

/* workloads or services: an array, or (1.22) a map keyed by address. */
static int
read_list(struct jc *c, json_t *top, const char *key,
    int (*read)(struct jc *, json_t *), int *map)
{
	json_t		*v = json_object_get(top, key);
	json_t		*e;
	const char	*k;
	size_t		 i;

	c->where[0] = '\0';
	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_array(v)) {
		json_array_foreach(v, i, e) {
			where_index(c, key, i);
			if (read(c, e) == -1)
				return -1;
		}
		return 0;
	}
	if (!json_is_object(v))
		return bad(c, key, "an array, or an object keyed by address",
		    v);
	*map = 1;
	json_object_foreach(v, k, e) {
		where_key(c, key, k);
		if (read(c, e) == -1)
			return -1;
	}
	return 0;
}

/*
 * workloadState: the pods this ztunnel serves (in-pod mode), keyed by
 * Kubernetes pod uid.  Marks the workloads of the same namespace and
 * name, or adds them with what the entry says.
 */
static int
read_wlstate(struct jc *c, json_t *top)
{
	json_t			*m = json_object_get(top, "workloadState");
	json_t			*v;
	json_t			*info;
	const struct zt_inv_workload *found;
	struct zt_inv_workload	*w;
	const char		*k;
	const char		*state;

	if (m == NULL || json_is_null(m))
		return 0;
	if (!json_is_object(m))
		return bad(c, "workloadState", "an object keyed by pod uid", m);
	c->marks |= M_WLSTATE;
	json_object_foreach(m, k, v) {
		where_key(c, "workloadState", k);
		if (!json_is_object(v))
			return bad(c, NULL, "an object", v);
		info = json_object_get(v, "info");
		if (info == NULL || !json_is_object(info))
			return bad(c, "info", "an object", info);
		w = inv_wl_new();
		w->source = c->src;
		w->local_source = c->src;
		w->pod_uid = inv_str(c->inv, k);
		if (gstr(c, v, "state", "", &state) == -1 ||
		    gstr(c, info, "name", "", &w->name) == -1 ||
		    gstr(c, info, "namespace", "", &w->ns) == -1 ||
		    gstr(c, info, "serviceAccount", NULL,
		    &w->service_account) == -1) {
			inv_wl_free(w);
			return -1;
		}
		w->local_state = state;
		if (zt_inv_workloads_by_name(c->inv, w->ns, w->name, &found,
		    1) > 0 && found->uid != NULL)
			w->uid = found->uid;	/* join that one */
		inv_put_workload(c->inv, w);
	}
	return 0;
}

/* config.localNode, config.clusterId, version.version, when strings. */
static void
read_origin(struct jc *c, json_t *top)
{
	struct zt_inv_source	*s = &c->inv->src[c->src];
	json_t			*o;
	json_t			*v;

	o = json_object_get(top, "config");
	if (o != NULL && json_is_object(o)) {
		v = json_object_get(o, "localNode");
		if (v != NULL && json_is_string(v))
			s->node = inv_str(c->inv, json_string_value(v));
		v = json_object_get(o, "clusterId");
		if (v != NULL && json_is_string(v))
			s->cluster = inv_str(c->inv, json_string_value(v));
	}
	o = json_object_get(top, "version");
	if (o != NULL && json_is_object(o)) {
		v = json_object_get(o, "version");
		if (v != NULL && json_is_string(v))
			s->version = inv_str(c->inv, json_string_value(v));
	}
}

static int
read_dump(struct jc *c, json_t *top)
{
	struct zt_inv_source	*s = &c->inv->src[c->src];
	int			 map = 0;

	if (json_object_get(top, "workloads") == NULL &&
	    json_object_get(top, "services") == NULL &&
	    json_object_get(top, "workloadState") == NULL)
		return zt_err_at(c->err, c->file, 0, 0, "a JSON object "
		    "without \"workloads\", \"services\" or "
		    "\"workloadState\": not a ztunnel config_dump");
	read_origin(c, top);
	if (read_list(c, top, "workloads", read_wl, &map) == -1 ||
	    read_list(c, top, "services", read_svc, &map) == -1 ||
	    read_wlstate(c, top) == -1)
		return -1;
	s->format = map ? ZT_INV_FMT_DUMP_MAP : ZT_INV_FMT_DUMP;
	return 0;
}

/* What an element of istioctl's JSON array is. */
static enum kind
kind_of(json_t *e)
{
	if (!json_is_object(e))
		return K_OTHER;
	if (json_object_get(e, "hostname") != NULL &&
	    (json_object_get(e, "vips") != NULL ||
	    json_object_get(e, "endpoints") != NULL ||
	    json_object_get(e, "ports") != NULL))
		return K_SERVICE;
	if (json_object_get(e, "workloadIps") != NULL ||
	    json_object_get(e, "protocol") != NULL)
		return K_WORKLOAD;
	return K_OTHER;
}

static int
read_istioctl(struct jc *c, json_t *top)
{
	struct zt_inv_source	*s = &c->inv->src[c->src];
	json_t			*e;
	enum kind		 k = K_OTHER;
	size_t			 i;

	c->istioctl = 1;
	if (json_array_size(top) == 0) {
		s->format = ZT_INV_FMT_ZC_EMPTY;
		return 0;
	}
	json_array_foreach(top, i, e) {
		where_index(c, "", i);
		if (i == 0)
			k = kind_of(e);
		if (k == K_OTHER || kind_of(e) != k)
			return zt_err_at(c->err, c->file, 0, 0, "%s: neither "
			    "a workload nor a service of istioctl's "
			    "ztunnel-config -o json%s", c->where,
			    i > 0 ? " (or not of the first element's kind)" :
			    "");
		if ((k == K_WORKLOAD ? read_wl(c, e) : read_svc(c, e)) == -1)
			return -1;
	}
	s->format = k == K_WORKLOAD ? ZT_INV_FMT_ZC_WORKLOADS :
	    ZT_INV_FMT_ZC_SERVICES;
	return 0;
}

static void
detail(struct jc *c)
{
	static const struct {
		unsigned	 bit;
		const char	*text;
	} m[] = {
		{ M_EPSERVICE, "endpoints with service and address "
		    "(1.22-1.23)" },
		{ M_NETMODE, "networkMode (1.24+)" },
		{ M_MEMBERS, "service membership (1.24+)" },
		{ M_EPSTATUS, "endpoint status (1.24+)" },
		{ M_CAPACITY, "capacity (1.26+)" },
		{ M_WWAYPOINTS, "weighted waypoints" },
		{ M_UID, "uid (istioctl 1.24+)" },
		{ M_WLSTATE, "workloadState (node-local pods)" },
	};
	struct zt_buf	 b = { NULL, 0, 0 };
	size_t		 i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		if ((c->marks & m[i].bit) == 0)
			continue;
		if (b.n > 0)
			zt_buf_add(&b, ", ", 2);
		zt_buf_add(&b, m[i].text, strlen(m[i].text));
	}
	if (b.n > 0)
		c->inv->src[c->src].detail = inv_strn(c->inv, b.p, b.n);
	zt_buf_free(&b);
}

int
inv_read_json(struct zt_inv *inv, size_t src, const char *p, size_t n,
    struct zt_err *err)
{
	struct jc	 c;
	json_error_t	 je;
	json_t		*top;
	int		 rc;

	memset(&c, 0, sizeof(c));
	c.inv = inv;
	c.src = src;
	c.file = inv->src[src].name;
	c.err = err;
	top = json_loadb(p, n, JSON_REJECT_DUPLICATES, &je);
	if (top == NULL)
		return zt_err_at(err, c.file, je.line > 0 ? (unsigned long)
		    je.line : 0, je.column > 0 ? (unsigned long)je.column : 0,
		    "JSON: %s", je.text);
	if (json_is_object(top))
		rc = read_dump(&c, top);
	else if (json_is_array(top))
		rc = read_istioctl(&c, top);
	else if (json_is_null(top)) {
		inv->src[src].format = ZT_INV_FMT_ZC_EMPTY;
		rc = 0;
	} else
		rc = zt_err_at(err, c.file, 0, 0, "JSON %s at the top: not a "
		    "ztunnel config_dump or istioctl output", jtype(top));
	if (rc == 0)
		detail(&c);
	json_decref(top);
	return rc;
}

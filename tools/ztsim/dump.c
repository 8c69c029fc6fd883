/*
 * dump.c -- ztunnel's raw /config_dump of the simulated cluster, as
 * src/admin.rs handle_config_dump writes it (serde_json::Value, so keys
 * are alphabetical at every level; 2-space to_string_pretty; no final
 * newline), the cluster as it stands at the end of the capture
 * (shared/docs/archive-and-inventory-formats.md 2.4):
 *   1.22       workloads and services are maps keyed by network/ip;
 *              endpoints {address, port, service, workloadUid} keyed by
 *              uid:network/ip; waypoint by address with
 *              hboneSingleTlsPort;
 *   1.23       arrays (workloads by uid, services by hostname);
 *              waypoints by hostname;
 *   1.24       endpoints {port, status, workloadUid} keyed by uid;
 *              workload networkMode and services; loadBalancer
 *              healthPolicy;
 *   1.26       workload capacity;
 *   1.31       service canonical, visibility, weightedWaypoints.
 * Unhealthy endpoints are not in a service's endpoint set unless its
 * health policy is AllowAll (Service::should_include_endpoint); they
 * remain workloads.  `config` is a reduced Config (a handful of keys).
 * workloadState holds the pods enrolled on the node whose ztunnel is
 * asked.
 */

#include <stdlib.h>
#include <string.h>

#include "ztsim.h"

static const struct zs_sim *ds;
static int64_t snap;			/* the moment of the dump */

static int
alive(const struct zs_wl *w)
{
	return zs_present(w, snap);
}



static int
bywlip(const void *a, const void *b)
{
	char x[16];
	char y[16];
	char kx[20];
	char ky[20];

	snprintf(kx, sizeof(kx), "/%s", zs_ip(ds->wl[*(const int *)a].ip, x));
	snprintf(ky, sizeof(ky), "/%s", zs_ip(ds->wl[*(const int *)b].ip, y));
	return strcmp(kx, ky);
}

static int
bysvc(const void *a, const void *b)
{
	const struct zs_svc *x = &ds->svc[*(const int *)a];
	const struct zs_svc *y = &ds->svc[*(const int *)b];
	char ix[16];
	char iy[16];
	char kx[20];
	char ky[20];

	if (ds->ver != ZV_122)
		return strcmp(x->host, y->host);
	snprintf(kx, sizeof(kx), "/%s", zs_ip(x->vip, ix));
	snprintf(ky, sizeof(ky), "/%s", zs_ip(y->vip, iy));
	return strcmp(kx, ky);
}


static void
gateway(struct zs_json *j, const struct zs_svc *wp)
{
	char dest[220];

	zs_waypoint_dest(ds, wp, dest, sizeof(dest));
	zj_obj(j);
	zj_kstr(j, "destination", dest);
	zj_knum(j, "hboneMtlsPort", ZS_HBONE_PORT);
	if (ds->ver == ZV_122) {
		zj_key(j, "hboneSingleTlsPort");
		zj_null(j);
	}
	zj_end(j, '}');
}


static void
endpoints(struct zs_json *j, const struct zs_svc *v)
{
	int *ep = zs_xmalloc((v->nep + 1) * sizeof(*ep));
	size_t n = zs_endpoint_set(ds, v, snap, ep);
	size_t i;
	char u[200];
	char k[240];
	char ip[16];
	char a[20];
	char sh[220];

	zj_obj(j);
	for (i = 0; i < n; i++) {
		const struct zs_wl *w = &ds->wl[ep[i]];

		zs_uid(w, u, sizeof(u));
		snprintf(a, sizeof(a), "/%s", zs_ip(w->ip, ip));
		snprintf(k, sizeof(k), "%s:%s", u, a);
		zj_key(j, ds->ver <= ZV_123 ? k : u);
		zj_obj(j);
		if (ds->ver <= ZV_123)
			zj_kstr(j, "address", a);
		zj_key(j, "port");
		zs_json_ports(j, v);
		if (ds->ver <= ZV_123) {
			snprintf(sh, sizeof(sh), "%s/%s", v->ns, v->host);
			zj_kstr(j, "service", sh);
		} else {
			zj_kstr(j, "status", w->healthy ? "Healthy"
			    : "Unhealthy");
		}
		zj_kstr(j, "workloadUid", u);
		zj_end(j, '}');
	}
	zj_end(j, '}');
	free(ep);
}

static void
service(struct zs_json *j, const struct zs_svc *v)
{
	char ip[16];
	char a[20];
	int i;

	zj_obj(j);
	if (ds->ver >= ZV_131) {
		zj_key(j, "canonical");
		zj_bool(j, 0);
	}
	zj_key(j, "endpoints");
	endpoints(j, v);
	zj_kstr(j, "hostname", v->host);
	if (v->mode != LB_NONE) {
		zj_key(j, "loadBalancer");
		zj_obj(j);
		if (ds->ver >= ZV_124)
			zj_kstr(j, "healthPolicy", v->allowall ? "AllowAll"
			    : "OnlyHealthy");
		zj_kstr(j, "mode", zs_modename(v->mode));
		zj_key(j, "routingPreferences");
		zj_arr(j);
		for (i = 0; i < v->nscopes; i++)
			zj_str(j, zs_scopename(v->scopes[i]));
		zj_end(j, ']');
		zj_end(j, '}');
	}
	zj_kstr(j, "name", v->name);
	zj_kstr(j, "namespace", v->ns);
	zj_key(j, "ports");
	zs_json_ports(j, v);
	zj_key(j, "subjectAltNames");
	zj_arr(j);
	zj_end(j, ']');
	zj_key(j, "vips");
	zj_arr(j);
	snprintf(a, sizeof(a), "/%s", zs_ip(v->vip, ip));
	zj_str(j, a);
	zj_end(j, ']');
	if (ds->ver >= ZV_131)
		zj_kstr(j, "visibility", "Public");
	if (v->nwp > 0) {
		zj_key(j, "waypoint");
		gateway(j, &ds->svc[v->wp[0]]);
	}
	if (v->weighted) {
		zj_key(j, "weightedWaypoints");
		zj_arr(j);
		for (i = 0; i < v->nwp; i++) {
			zj_obj(j);
			zj_key(j, "destination");
			gateway(j, &ds->svc[v->wp[i]]);
			zj_knum(j, "weight", v->wpw[i]);
			zj_end(j, '}');
		}
		zj_end(j, ']');
	}
	zj_end(j, '}');
}

static void
workload(struct zs_json *j, const struct zs_wl *w)
{
	const struct zs_node *n = &ds->node[w->node];
	char u[200];
	char ip[16];
	char sh[220];

	zj_obj(j);
	zj_kstr(j, "canonicalName", w->app);
	zj_kstr(j, "canonicalRevision", w->rev);
	if (ds->ver >= ZV_126)
		zj_knum(j, "capacity", w->capacity);
	zj_kstr(j, "clusterId", "Kubernetes");
	if (n->region[0] || n->zone[0] || n->subzone[0]) {
		zj_key(j, "locality");
		zj_obj(j);
		zj_kstr(j, "region", n->region);
		zj_kstr(j, "subzone", n->subzone);
		zj_kstr(j, "zone", n->zone);
		zj_end(j, '}');
	}
	zj_kstr(j, "name", w->name);
	zj_kstr(j, "namespace", w->ns);
	if (w->native) {
		zj_key(j, "nativeTunnel");
		zj_bool(j, 1);
	}
	if (ds->ver >= ZV_124)
		zj_kstr(j, "networkMode", "Standard");
	zj_kstr(j, "node", n->name);
	zj_kstr(j, "protocol", w->hbone ? "HBONE" : "TCP");
	zj_kstr(j, "serviceAccount", w->sa);
	if (ds->ver >= ZV_124 && w->svc >= 0) {
		snprintf(sh, sizeof(sh), "%s/%s", ds->svc[w->svc].ns,
		    ds->svc[w->svc].host);
		zj_key(j, "services");
		zj_arr(j);
		zj_str(j, sh);
		zj_end(j, ']');
	}
	zj_kstr(j, "status", w->healthy ? "Healthy" : "Unhealthy");
	zs_uid(w, u, sizeof(u));
	zj_kstr(j, "uid", u);
	zj_key(j, "workloadIps");
	zj_arr(j);
	zj_str(j, zs_ip(w->ip, ip));
	zj_end(j, ']');
	zj_kstr(j, "workloadName", w->deploy);
	zj_kstr(j, "workloadType", "pod");
	zj_end(j, '}');
}

static void
version(struct zs_json *j)
{
	static const char *const tag[] = { "1.22.8", "1.23.6", "1.24.6",
		"1.26.8", "1.31.0" };
	const char *t = tag[ds->ver];

	zj_obj(j);
	zj_kstr(j, "buildProfile", "release");
	zj_kstr(j, "buildStatus", "Clean");
	if (ds->ver >= ZV_124)
		zj_kstr(j, "cryptoProvider", "boring");
	zj_kstr(j, "gitRevision", "0000000000000000000000000000000000000000");
	if (ds->ver < ZV_124)
		zj_kstr(j, "gitTag", t);
	zj_kstr(j, "istioVersion", t);
	zj_kstr(j, "rustVersion", "1.79.0");
	zj_kstr(j, "version", t);
	zj_end(j, '}');
}

static void
workload_state(struct zs_json *j, int node)
{
	int *ix = zs_xmalloc((ds->nwl + 1) * sizeof(*ix));
	size_t n = 0;
	size_t i;
	size_t k;

	for (i = 0; i < ds->nwl; i++)
		if (ds->wl[i].node == node && ds->wl[i].captured &&
		    alive(&ds->wl[i]))
			ix[n++] = (int)i;
	/* keyed by the Kubernetes pod UID, sorted */
	for (i = 1; i < n; i++)
		for (k = i; k > 0 && strcmp(ds->wl[ix[k - 1]].kuid,
		    ds->wl[ix[k]].kuid) > 0; k--) {
			int t = ix[k];

			ix[k] = ix[k - 1];
			ix[k - 1] = t;
		}
	zj_obj(j);
	for (i = 0; i < n; i++) {
		const struct zs_wl *w = &ds->wl[ix[i]];

		zj_key(j, w->kuid);
		zj_obj(j);
		zj_key(j, "connections");
		zj_obj(j);
		zj_key(j, "inbound");
		zj_arr(j);
		zj_end(j, ']');
		zj_key(j, "outbound");
		zj_arr(j);
		zj_end(j, ']');
		zj_end(j, '}');
		zj_key(j, "info");
		zj_obj(j);
		zj_kstr(j, "name", w->name);
		zj_kstr(j, "namespace", w->ns);
		zj_kstr(j, "serviceAccount", w->sa);
		zj_end(j, '}');
		zj_kstr(j, "state", "Up");
		zj_end(j, '}');
	}
	zj_end(j, '}');
	free(ix);
}

static void
empty(struct zs_json *j, const char *k, int map)
{
	zj_key(j, k);
	if (map)
		zj_obj(j);
	else
		zj_arr(j);
	zj_end(j, map ? '}' : ']');
}

/* the /config_dump body of node's ztunnel, without a final newline */
void
zs_write_config_dump(const struct zs_sim *s, FILE *f, int node)
{
	struct zs_json j;
	int *ix = zs_xmalloc((s->nwl + s->nsvc + 1) * sizeof(*ix));
	size_t n = 0;
	size_t i;
	int map = s->ver == ZV_122;
	char k[20];
	char ip[16];

	ds = s;
	snap = (int64_t)(s->duration * 1e6);
	zj_init(&j, f, 2);
	zj_obj(&j);
	empty(&j, "certificates", 0);
	zj_key(&j, "config");
	zj_obj(&j);
	zj_kstr(&j, "clusterDomain", "cluster.local");
	zj_kstr(&j, "clusterId", "Kubernetes");
	zj_kstr(&j, "localNode", s->node[node].name);
	zj_kstr(&j, "network", "");
	zj_kstr(&j, "proxyMode", "Shared");
	zj_end(&j, '}');
	empty(&j, "policies", map);
	zj_key(&j, "services");
	for (i = 0; i < s->nsvc; i++)
		ix[n++] = (int)i;
	qsort(ix, n, sizeof(*ix), bysvc);
	if (map)
		zj_obj(&j);
	else
		zj_arr(&j);
	for (i = 0; i < n; i++) {
		if (map) {
			snprintf(k, sizeof(k), "/%s", zs_ip(s->svc[ix[i]].vip,
			    ip));
			zj_key(&j, k);
		}
		service(&j, &s->svc[ix[i]]);
	}
	zj_end(&j, map ? '}' : ']');
	empty(&j, "stagedServices", 1);
	zj_key(&j, "staticConfig");
	zj_obj(&j);
	empty(&j, "policies", 0);
	empty(&j, "services", 0);
	empty(&j, "workloads", 0);
	zj_end(&j, '}');
	zj_key(&j, "version");
	version(&j);
	zj_key(&j, "workloadState");
	workload_state(&j, node);
	zj_key(&j, "workloads");
	n = 0;
	for (i = 0; i < s->nwl; i++)
		if (alive(&s->wl[i]))
			ix[n++] = (int)i;
	if (map)
		qsort(ix, n, sizeof(*ix), bywlip);
	else
		zs_sort_by_uid(s, ix, n);
	if (map)
		zj_obj(&j);
	else
		zj_arr(&j);
	for (i = 0; i < n; i++) {
		if (map) {
			snprintf(k, sizeof(k), "/%s", zs_ip(s->wl[ix[i]].ip,
			    ip));
			zj_key(&j, k);
		}
		workload(&j, &s->wl[ix[i]]);
	}
	zj_end(&j, map ? '}' : ']');
	zj_end(&j, '}');
	free(ix);
}

/*
 * istioctl.c -- what `istioctl ztunnel-config workloads|services` print
 * for the simulated cluster (istio/istio istioctl/pkg/writer/ztunnel/
 * configdump, tags 1.22.0 ... 1.31.0-rc.0; shared/docs/archive-and-
 * inventory-formats.md 2.2, 2.3):
 *   -o json  istioctl's own structs re-serialised with
 *            json.MarshalIndent(v, "", "    ") and a final newline:
 *            keys in Go struct order, fields without omitempty always
 *            present ("locality": {}, "applicationTunnel": {"protocol":
 *            ""}, "service": ""), map keys sorted as text; workloads in
 *            the dump's order, services by namespace, name, hostname;
 *   tables   tabwriter (minwidth 0, tabwidth 8, padding 1, ' '): every
 *            column but the last padded to its widest cell + 1; rows
 *            sorted by namespace.name then node (workloads) or
 *            namespace, name, hostname (services); headers by release
 *            (1.22: IP, no ENDPOINTS; 1.23: IP, ENDPOINTS; 1.24+:
 *            ADDRESS).
 */

#include <stdlib.h>
#include <string.h>

#include "ztsim.h"

static const struct zs_sim *is;
static int64_t snap;

static int
alive(const struct zs_wl *w)
{
	return zs_present(w, snap);
}


static int
byip(const void *a, const void *b)
{
	char x[16];
	char y[16];

	zs_ip(is->wl[*(const int *)a].ip, x);
	zs_ip(is->wl[*(const int *)b].ip, y);
	return strcmp(x, y);
}

/* table order: namespace + "." + name, then node */
static int
bynsname(const void *a, const void *b)
{
	const struct zs_wl *x = &is->wl[*(const int *)a];
	const struct zs_wl *y = &is->wl[*(const int *)b];
	char kx[200];
	char ky[200];
	int c;

	snprintf(kx, sizeof(kx), "%s.%s", x->ns, x->name);
	snprintf(ky, sizeof(ky), "%s.%s", y->ns, y->name);
	if ((c = strcmp(kx, ky)) != 0)
		return c;
	return strcmp(is->node[x->node].name, is->node[y->node].name);
}

static int
bysvc(const void *a, const void *b)
{
	const struct zs_svc *x = &is->svc[*(const int *)a];
	const struct zs_svc *y = &is->svc[*(const int *)b];
	int c;

	if ((c = strcmp(x->ns, y->ns)) != 0)
		return c;
	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return strcmp(x->host, y->host);
}

static size_t
workloads(int *ix, int (*cmp)(const void *, const void *))
{
	size_t n = 0;
	size_t i;

	for (i = 0; i < is->nwl; i++)
		if (alive(&is->wl[i]))
			ix[n++] = (int)i;
	qsort(ix, n, sizeof(*ix), cmp);
	return n;
}

static size_t
services(int *ix)
{
	size_t i;

	for (i = 0; i < is->nsvc; i++)
		ix[i] = (int)i;
	qsort(ix, is->nsvc, sizeof(*ix), bysvc);
	return is->nsvc;
}

static void
wl_json(struct zs_json *j, const struct zs_wl *w)
{
	const struct zs_node *n = &is->node[w->node];
	char ip[16];
	char u[200];

	zj_obj(j);
	if (is->ver >= ZV_123) {
		zs_uid(w, u, sizeof(u));
		zj_kstr(j, "uid", u);
	}
	zj_key(j, "workloadIps");
	zj_arr(j);
	zj_str(j, zs_ip(w->ip, ip));
	zj_end(j, ']');
	zj_kstr(j, "protocol", w->hbone ? "HBONE" : "TCP");
	zj_kstr(j, "name", w->name);
	zj_kstr(j, "namespace", w->ns);
	zj_kstr(j, "serviceAccount", w->sa);
	zj_kstr(j, "workloadName", w->deploy);
	zj_kstr(j, "workloadType", "pod");
	zj_kstr(j, "canonicalName", w->app);
	zj_kstr(j, "canonicalRevision", w->rev);
	zj_kstr(j, "clusterId", "Kubernetes");
	zj_key(j, "locality");
	zj_obj(j);
	if (n->region[0])
		zj_kstr(j, "region", n->region);
	if (n->zone[0])
		zj_kstr(j, "zone", n->zone);
	if (n->subzone[0])
		zj_kstr(j, "subzone", n->subzone);
	zj_end(j, '}');
	zj_kstr(j, "node", n->name);
	zj_kstr(j, "status", w->healthy ? "Healthy" : "Unhealthy");
	if (is->ver >= ZV_123)
		zj_kstr(j, "hostname", "");
	if (is->ver >= ZV_126)
		zj_knum(j, "capacity", w->capacity);
	zj_key(j, "applicationTunnel");
	zj_obj(j);
	zj_kstr(j, "protocol", "");
	zj_end(j, '}');
	zj_end(j, '}');
}


static void
waypoint(struct zs_json *j, const struct zs_svc *v)
{
	char d[220];

	zs_waypoint_dest(is, &is->svc[v->wp[0]], d, sizeof(d));
	zj_obj(j);
	zj_kstr(j, "destination", d);
	zj_end(j, '}');
}

/* the endpoint set as the dump has it (see dump.c), sorted by key */
static void
endpoints(struct zs_json *j, const struct zs_svc *v, int *ep)
{
	size_t n = zs_endpoint_set(is, v, snap, ep);
	size_t i;
	char u[200];
	char k[240];
	char ip[16];
	char sh[220];

	zj_obj(j);
	for (i = 0; i < n; i++) {
		const struct zs_wl *w = &is->wl[ep[i]];

		zs_uid(w, u, sizeof(u));
		snprintf(k, sizeof(k), "%s:/%s", u, zs_ip(w->ip, ip));
		zj_key(j, is->ver <= ZV_123 ? k : u);
		zj_obj(j);
		zj_kstr(j, "workloadUid", u);
		snprintf(sh, sizeof(sh), "%s/%s", v->ns, v->host);
		zj_kstr(j, "service", is->ver <= ZV_123 ? sh : "");
		if (is->ver <= ZV_123) {
			snprintf(sh, sizeof(sh), "/%s", ip);
			zj_kstr(j, "address", sh);
		}
		zj_key(j, "port");
		zs_json_ports(j, v);
		zj_end(j, '}');
	}
	zj_end(j, '}');
}

static void
svc_json(struct zs_json *j, const struct zs_svc *v, int *ep)
{
	char ip[16];
	char a[20];
	int i;

	zj_obj(j);
	zj_kstr(j, "name", v->name);
	zj_kstr(j, "namespace", v->ns);
	zj_kstr(j, "hostname", v->host);
	zj_key(j, "vips");
	zj_arr(j);
	snprintf(a, sizeof(a), "/%s", zs_ip(v->vip, ip));
	zj_str(j, a);
	zj_end(j, ']');
	zj_key(j, "ports");
	zs_json_ports(j, v);
	if (v->mode != LB_NONE) {
		zj_key(j, "loadBalancer");
		zj_obj(j);
		zj_kstr(j, "mode", zs_modename(v->mode));
		zj_key(j, "routingPreferences");
		zj_arr(j);
		for (i = 0; i < v->nscopes; i++)
			zj_str(j, zs_scopename(v->scopes[i]));
		zj_end(j, ']');
		if (is->ver >= ZV_124)
			zj_kstr(j, "healthPolicy", v->allowall ? "AllowAll"
			    : "OnlyHealthy");
		zj_end(j, '}');
	} else if (is->ver <= ZV_123) {
		zj_key(j, "loadBalancer");
		zj_null(j);
	}
	if (v->nwp > 0) {
		zj_key(j, "waypoint");
		waypoint(j, v);
	} else if (is->ver <= ZV_123) {
		zj_key(j, "waypoint");
		zj_null(j);
	}
	if (is->ver >= ZV_123) {
		zj_key(j, "endpoints");
		endpoints(j, v, ep);
	}
	if (is->ver >= ZV_124)
		zj_kstr(j, "ipFamilies", "");
	if (is->ver >= ZV_131)
		zj_kstr(j, "visibility", "Public");
	zj_end(j, '}');
}

/* ------------------------------------------------------------------ */
/* tables */

struct table {
	char	*cell[8];	/* the current row's cells */
	size_t	 width[8];
	int	 ncol;
	char	**rows;		/* all cells, row-major */
	size_t	 nrow;
	size_t	 cap;
};

static void
row(struct table *t, const char *const *cells)
{
	int c;

	zs_grow((void **)&t->rows, &t->cap, (t->nrow + 1) * (size_t)t->ncol,
	    sizeof(*t->rows));
	for (c = 0; c < t->ncol; c++) {
		size_t n = strlen(cells[c]);
		char *p = zs_xmalloc(n + 1);

		memcpy(p, cells[c], n + 1);
		t->rows[t->nrow * (size_t)t->ncol + (size_t)c] = p;
		if (n > t->width[c])
			t->width[c] = n;
	}
	t->nrow++;
}

static void
flush(struct table *t, FILE *f)
{
	size_t r;
	int c;

	for (r = 0; r < t->nrow; r++) {
		for (c = 0; c < t->ncol; c++) {
			const char *p = t->rows[r * (size_t)t->ncol +
			    (size_t)c];

			fputs(p, f);
			if (c + 1 < t->ncol)
				fprintf(f, "%*s", (int)(t->width[c] + 1 -
				    strlen(p)), "");
			free(t->rows[r * (size_t)t->ncol + (size_t)c]);
		}
		fputc('\n', f);
	}
	free(t->rows);
}

static void
wl_table(FILE *f, int *ix)
{
	struct table t;
	size_t n = workloads(ix, bynsname);
	size_t i;
	const char *h[6] = { "NAMESPACE", "POD NAME",
		is->ver >= ZV_124 ? "ADDRESS" : "IP", "NODE", "WAYPOINT",
		"PROTOCOL" };

	memset(&t, 0, sizeof(t));
	t.ncol = 6;
	row(&t, h);
	for (i = 0; i < n; i++) {
		const struct zs_wl *w = &is->wl[ix[i]];
		char ip[16];
		const char *c[6];

		c[0] = w->ns;
		c[1] = w->name;
		c[2] = zs_ip(w->ip, ip);
		c[3] = is->node[w->node].name;
		c[4] = "None";		/* no workload-level waypoints */
		c[5] = w->hbone ? "HBONE" : "TCP";
		row(&t, c);
	}
	flush(&t, f);
}

static void
svc_table(FILE *f, int *ix)
{
	struct table t;
	size_t n = services(ix);
	size_t i;
	size_t k;
	const char *h[5] = { "NAMESPACE", "SERVICE NAME", "SERVICE VIP",
		"WAYPOINT", "ENDPOINTS" };

	memset(&t, 0, sizeof(t));
	t.ncol = is->ver >= ZV_123 ? 5 : 4;
	row(&t, h);
	for (i = 0; i < n; i++) {
		const struct zs_svc *v = &is->svc[ix[i]];
		char ip[16];
		char eps[32];
		const char *c[5];
		int healthy = 0;
		int total = 0;

		for (k = 0; k < v->nep; k++) {
			const struct zs_wl *w = &is->wl[v->ep[k]];

			if (!alive(w) || !(w->healthy || v->allowall))
				continue;
			total++;
			healthy += w->healthy;
		}
		snprintf(eps, sizeof(eps), "%d/%d", healthy, total);
		c[0] = v->ns;
		c[1] = v->name;
		c[2] = zs_ip(v->vip, ip);
		c[3] = v->nwp > 0 ? is->svc[v->wp[0]].name : "None";
		c[4] = eps;
		row(&t, c);
	}
	flush(&t, f);
}

/* inventory/zc-{workloads,services}.{json,txt} */
void
zs_write_istioctl(const struct zs_sim *s, const char *dir)
{
	int *ix = zs_xmalloc((s->nwl + s->nsvc + 1) * sizeof(*ix));
	int *ep = zs_xmalloc((s->nwl + 1) * sizeof(*ep));
	struct zs_json j;
	FILE *f;
	size_t n;
	size_t i;

	is = s;
	snap = (int64_t)(s->duration * 1e6);
	f = zs_create(dir, "inventory/zc-workloads.json");
	zj_init(&j, f, 4);
	zj_arr(&j);
	n = workloads(ix, byip);
	if (s->ver != ZV_122)
		zs_sort_by_uid(s, ix, n);
	for (i = 0; i < n; i++)
		wl_json(&j, &s->wl[ix[i]]);
	zj_end(&j, ']');
	fputc('\n', f);
	zs_close(f, "inventory/zc-workloads.json");

	f = zs_create(dir, "inventory/zc-services.json");
	zj_init(&j, f, 4);
	zj_arr(&j);
	n = services(ix);
	for (i = 0; i < n; i++)
		svc_json(&j, &s->svc[ix[i]], ep);
	zj_end(&j, ']');
	fputc('\n', f);
	zs_close(f, "inventory/zc-services.json");

	f = zs_create(dir, "inventory/zc-workloads.txt");
	wl_table(f, ix);
	zs_close(f, "inventory/zc-workloads.txt");
	f = zs_create(dir, "inventory/zc-services.txt");
	svc_table(f, ix);
	zs_close(f, "inventory/zc-services.txt");
	free(ix);
	free(ep);
}

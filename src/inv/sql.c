/*
 * sql.c -- the inventory as SQLite tables beside records; see inv.h and
 * ztlog(1) INVENTORY TABLES.
 *
 * Unknown is NULL, empty is '' (inv.h).  Lists are comma-joined text in
 * the order of the source (addresses like istioctl prints them), port maps
 * and weighted waypoints JSON text (json_each() reads them); every
 * address is also a row of inventory_addresses, for joins with records.
 * All values are bound parameters.
 */
#include <stdio.h>
#include <string.h>

#include "inv/invpriv.h"
#include "util/escape.h"

const char zt_inv_schema[] =
"CREATE TABLE inventory_sources(\n"
"  id INTEGER PRIMARY KEY, name TEXT NOT NULL, format TEXT NOT NULL,\n"
"  detail TEXT, node TEXT, cluster_id TEXT, version TEXT,\n"
"  workloads INTEGER NOT NULL, services INTEGER NOT NULL,\n"
"  endpoints INTEGER NOT NULL);\n"
"CREATE TABLE workloads(\n"
"  id INTEGER PRIMARY KEY, uid TEXT, name TEXT NOT NULL,\n"
"  namespace TEXT NOT NULL, ips TEXT, hostname TEXT, node TEXT,\n"
"  network TEXT, cluster_id TEXT, trust_domain TEXT, service_account TEXT,\n"
"  workload_name TEXT, workload_type TEXT, canonical_name TEXT,\n"
"  canonical_revision TEXT, network_mode TEXT, protocol TEXT, status TEXT,\n"
"  has_waypoint INTEGER, waypoint TEXT, waypoint_name TEXT,\n"
"  network_gateway TEXT, capacity INTEGER, region TEXT, zone TEXT,\n"
"  subzone TEXT, services TEXT, source_id INTEGER NOT NULL,\n"
"  sources INTEGER NOT NULL, local_source_id INTEGER, local_state TEXT,\n"
"  pod_uid TEXT);\n"
"CREATE INDEX workloads_uid ON workloads(uid);\n"
"CREATE INDEX workloads_name ON workloads(namespace, name);\n"
"CREATE TABLE services(\n"
"  id INTEGER PRIMARY KEY, name TEXT NOT NULL, namespace TEXT NOT NULL,\n"
"  hostname TEXT, vips TEXT, ports TEXT, has_waypoint INTEGER,\n"
"  waypoint TEXT, waypoint_name TEXT, weighted_waypoints TEXT,\n"
"  lb_mode TEXT, lb_routing TEXT, lb_health_policy TEXT,\n"
"  endpoints_healthy INTEGER, endpoints_total INTEGER,\n"
"  source_id INTEGER NOT NULL, sources INTEGER NOT NULL);\n"
"CREATE INDEX services_hostname ON services(hostname);\n"
"CREATE TABLE endpoints(\n"
"  service_id INTEGER NOT NULL, workload_uid TEXT NOT NULL,\n"
"  workload_id INTEGER, ports TEXT, status TEXT, health TEXT);\n"
"CREATE INDEX endpoints_service ON endpoints(service_id);\n"
"CREATE INDEX endpoints_workload ON endpoints(workload_id);\n"
"CREATE TABLE inventory_addresses(\n"
"  address TEXT NOT NULL, network TEXT, workload_id INTEGER,\n"
"  service_id INTEGER);\n"
"CREATE INDEX inventory_addresses_address ON "
"inventory_addresses(address);\n";

static const char drop[] =
"DROP TABLE IF EXISTS inventory_sources;\n"
"DROP TABLE IF EXISTS workloads;\n"
"DROP TABLE IF EXISTS services;\n"
"DROP TABLE IF EXISTS endpoints;\n"
"DROP TABLE IF EXISTS inventory_addresses;\n";

enum stmt { S_SRC, S_WL, S_SVC, S_EP, S_ADDR, S_COUNT };

static const char *const sql[S_COUNT] = {
	"INSERT INTO inventory_sources VALUES(?,?,?,?,?,?,?,?,?,?)",
	("INSERT INTO workloads VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
	    "?,?,?,?,?,?,?,?,?,?,?,?,?)"),
	"INSERT INTO services VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	"INSERT INTO endpoints VALUES(?,?,?,?,?,?)",
	"INSERT INTO inventory_addresses VALUES(?,?,?,?)",
};

struct w {
	sqlite3		*db;
	sqlite3_stmt	*st[S_COUNT];
	struct zt_buf	 b;
	struct zt_err	*err;
	int		 col;		/* next parameter */
};

static int
dberr(struct w *w, const char *what)
{
	return zt_err_set(w->err, "inventory tables: %s: %s", what,
	    sqlite3_errmsg(w->db));
}

static void
btext(struct w *w, enum stmt s, const char *v)
{
	int	 i = ++w->col;

	if (v == NULL)
		sqlite3_bind_null(w->st[s], i);
	else
		sqlite3_bind_text(w->st[s], i, v, -1, SQLITE_STATIC);
}

/* The bytes of w->b as the next parameter (copied). */
static void
bbuf(struct w *w, enum stmt s)
{
	sqlite3_bind_text(w->st[s], ++w->col, w->b.p != NULL ? w->b.p : "",
	    (int)w->b.n, SQLITE_TRANSIENT);
}

static void
bint(struct w *w, enum stmt s, int64_t v, int null)
{
	int	 i = ++w->col;

	if (null)
		sqlite3_bind_null(w->st[s], i);
	else
		sqlite3_bind_int64(w->st[s], i, v);
}

static int
step(struct w *w, enum stmt s)
{
	int	 rc;

	rc = sqlite3_step(w->st[s]);
	sqlite3_reset(w->st[s]);
	sqlite3_clear_bindings(w->st[s]);
	w->col = 0;
	return rc == SQLITE_DONE ? 0 : dberr(w, "insert");
}

static void
blist(struct w *w, enum stmt s, const char *const *l, size_t n, int known)
{
	size_t	 i;

	if (!known) {
		bint(w, s, 0, 1);
		return;
	}
	w->b.n = 0;
	for (i = 0; i < n; i++) {
		if (i > 0)
			zt_buf_addc(&w->b, ',');
		zt_buf_add(&w->b, l[i], strlen(l[i]));
	}
	bbuf(w, s);
}

static void
bports(struct w *w, enum stmt s, const struct zt_inv_port *p, size_t n,
    int known)
{
	char	 t[32];
	size_t	 i;
	int	 k;

	if (!known) {
		bint(w, s, 0, 1);
		return;
	}
	w->b.n = 0;
	zt_buf_addc(&w->b, '{');
	for (i = 0; i < n; i++) {
		k = snprintf(t, sizeof(t), "%s\"%u\":%u", i > 0 ? "," : "",
		    (unsigned)p[i].port, (unsigned)p[i].target);
		zt_buf_add(&w->b, t, (size_t)k);
	}
	zt_buf_addc(&w->b, '}');
	bbuf(w, s);
}

static const char *
proto(enum zt_inv_proto p)
{
	return p == ZT_INV_PROTO_TCP ? "TCP" : p == ZT_INV_PROTO_HBONE ?
	    "HBONE" : NULL;
}

static const char *
health(enum zt_inv_health h)
{
	return h == ZT_INV_HEALTHY ? "Healthy" : h == ZT_INV_UNHEALTHY ?
	    "Unhealthy" : NULL;
}

static void
btri(struct w *w, enum stmt s, enum zt_inv_tri t)
{
	bint(w, s, t == ZT_INV_TRI_YES, t == ZT_INV_TRI_UNKNOWN);
}

/* Record indexes are 0-based; ids 1-based. */
static void
bsrc(struct w *w, enum stmt s, size_t i)
{
	bint(w, s, (int64_t)i + 1, i == ZT_INV_NOSOURCE);
}

static int
put_sources(struct w *w, const struct zt_inv *inv)
{
	const struct zt_inv_source	*s;
	size_t				 i;

	for (i = 0; i < zt_inv_nsources(inv); i++) {
		s = zt_inv_source(inv, i);
		bsrc(w, S_SRC, i);
		btext(w, S_SRC, s->name);
		btext(w, S_SRC, zt_inv_format_name(s->format));
		btext(w, S_SRC, s->detail);
		btext(w, S_SRC, s->node);
		btext(w, S_SRC, s->cluster);
		btext(w, S_SRC, s->version);
		bint(w, S_SRC, (int64_t)s->nworkloads, 0);
		bint(w, S_SRC, (int64_t)s->nservices, 0);
		bint(w, S_SRC, (int64_t)s->nendpoints, 0);
		if (step(w, S_SRC) == -1)
			return -1;
	}
	return 0;
}

static int
put_addr(struct w *w, const char *ip, const char *net, size_t wl, size_t svc)
{
	btext(w, S_ADDR, ip);
	btext(w, S_ADDR, net);
	bsrc(w, S_ADDR, wl);
	bsrc(w, S_ADDR, svc);
	return step(w, S_ADDR);
}

static int
put_workload(struct w *w, const struct zt_inv_workload *x, size_t i)
{
	size_t	 j;

	bsrc(w, S_WL, i);
	btext(w, S_WL, x->uid);
	btext(w, S_WL, x->name);
	btext(w, S_WL, x->ns);
	blist(w, S_WL, x->ips, x->nips, 1);
	btext(w, S_WL, x->hostname);
	btext(w, S_WL, x->node);
	btext(w, S_WL, x->network);
	btext(w, S_WL, x->cluster);
	btext(w, S_WL, x->trust_domain);
	btext(w, S_WL, x->service_account);
	btext(w, S_WL, x->workload_name);
	btext(w, S_WL, x->workload_type);
	btext(w, S_WL, x->canonical_name);
	btext(w, S_WL, x->canonical_revision);
	btext(w, S_WL, x->network_mode);
	btext(w, S_WL, proto(x->protocol));
	btext(w, S_WL, health(x->status));
	btri(w, S_WL, x->has_waypoint);
	btext(w, S_WL, x->waypoint);
	btext(w, S_WL, x->waypoint_name);
	btext(w, S_WL, x->network_gateway);
	bint(w, S_WL, x->capacity, x->capacity < 0);
	btext(w, S_WL, x->region);
	btext(w, S_WL, x->zone);
	btext(w, S_WL, x->subzone);
	blist(w, S_WL, x->services, x->nservices, x->services_known);
	bsrc(w, S_WL, x->source);
	bint(w, S_WL, (int64_t)x->nsources, 0);
	bsrc(w, S_WL, x->local_source);
	btext(w, S_WL, x->local_state);
	btext(w, S_WL, x->pod_uid);
	if (step(w, S_WL) == -1)
		return -1;
	for (j = 0; j < x->nips; j++)
		if (put_addr(w, x->ips[j], x->network, i, ZT_INV_NOSOURCE) ==
		    -1)
			return -1;
	return 0;
}

static void
bwwp(struct w *w, const struct zt_inv_service *x)
{
	char	 t[24];
	size_t	 i;
	int	 k;

	if (x->nwwaypoints == 0) {
		bint(w, S_SVC, 0, 1);
		return;
	}
	w->b.n = 0;
	zt_buf_addc(&w->b, '[');
	for (i = 0; i < x->nwwaypoints; i++) {
		if (i > 0)
			zt_buf_addc(&w->b, ',');
		zt_buf_add(&w->b, "{\"destination\":", 15);
		zt_escape_json_str(&w->b, x->wwaypoints[i].dest,
		    strlen(x->wwaypoints[i].dest));
		k = snprintf(t, sizeof(t), ",\"weight\":%u}",
		    (unsigned)x->wwaypoints[i].weight);
		zt_buf_add(&w->b, t, (size_t)k);
	}
	zt_buf_addc(&w->b, ']');
	bbuf(w, S_SVC);
}

static int
put_endpoints(struct w *w, struct zt_inv *inv,
    const struct zt_inv_service *x, size_t i)
{
	const struct zt_inv_endpoint	*e;
	const struct zt_inv_workload	*wl;
	size_t				 j;

	for (j = 0; j < x->neps; j++) {
		e = &x->eps[j];
		wl = zt_inv_workload_by_uid(inv, e->workload_uid);
		bsrc(w, S_EP, i);
		btext(w, S_EP, e->workload_uid);
		bsrc(w, S_EP, wl != NULL ? ((const struct inv_wl *)
		    (const void *)wl)->idx : ZT_INV_NOSOURCE);
		bports(w, S_EP, e->ports, e->nports, 1);
		btext(w, S_EP, health(e->status));
		btext(w, S_EP, health(zt_inv_endpoint_health(e)));
		if (step(w, S_EP) == -1)
			return -1;
	}
	return 0;
}

static int
put_service(struct w *w, struct zt_inv *inv, const struct zt_inv_service *x,
    size_t i)
{
	size_t	 j;

	bsrc(w, S_SVC, i);
	btext(w, S_SVC, x->name);
	btext(w, S_SVC, x->ns);
	btext(w, S_SVC, x->hostname);
	blist(w, S_SVC, x->vips, x->nvips, 1);
	bports(w, S_SVC, x->ports, x->nports, x->ports_known);
	btri(w, S_SVC, x->has_waypoint);
	btext(w, S_SVC, x->waypoint);
	btext(w, S_SVC, x->waypoint_name);
	bwwp(w, x);
	btext(w, S_SVC, x->lb_mode);
	blist(w, S_SVC, x->lb_routing, x->nlb_routing, x->lb_mode != NULL);
	btext(w, S_SVC, x->lb_health);
	bint(w, S_SVC, x->ep_healthy, x->ep_healthy < 0);
	bint(w, S_SVC, x->ep_total, x->ep_total < 0);
	bsrc(w, S_SVC, x->source);
	bint(w, S_SVC, (int64_t)x->nsources, 0);
	if (step(w, S_SVC) == -1)
		return -1;
	for (j = 0; j < x->nvips; j++)
		if (put_addr(w, x->vips[j], x->vip_networks[j],
		    ZT_INV_NOSOURCE, i) == -1)
			return -1;
	return put_endpoints(w, inv, x, i);
}

static int
put_all(struct w *w, struct zt_inv *inv)
{
	size_t	 i;

	if (put_sources(w, inv) == -1)
		return -1;
	for (i = 0; i < zt_inv_nworkloads(inv); i++)
		if (put_workload(w, zt_inv_workload(inv, i), i) == -1)
			return -1;
	for (i = 0; i < zt_inv_nservices(inv); i++)
		if (put_service(w, inv, zt_inv_service(inv, i), i) == -1)
			return -1;
	return 0;
}

int
zt_inv_store(struct zt_inv *inv, sqlite3 *db, struct zt_err *err)
{
	struct w	 w;
	int		 rc = -1;
	int		 i;

	memset(&w, 0, sizeof(w));
	w.db = db;
	w.err = err;
	inv_refresh(inv);
	if (sqlite3_exec(db, "SAVEPOINT zt_inv", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return dberr(&w, "savepoint");
	if (sqlite3_exec(db, drop, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, zt_inv_schema, NULL, NULL, NULL) != SQLITE_OK) {
		dberr(&w, "schema");
		goto out_rollback;
	}
	for (i = 0; i < S_COUNT; i++)
		if (sqlite3_prepare_v2(db, sql[i], -1, &w.st[i], NULL) !=
		    SQLITE_OK) {
			dberr(&w, "prepare");
			goto out_finalize;
		}
	rc = put_all(&w, inv);

out_finalize:
	for (i = 0; i < S_COUNT; i++)
		sqlite3_finalize(w.st[i]);
	zt_buf_free(&w.b);
	if (rc == 0 && sqlite3_exec(db, "RELEASE zt_inv", NULL, NULL, NULL) ==
	    SQLITE_OK)
		return 0;
	if (rc == 0)
		rc = dberr(&w, "release");
out_rollback:
	sqlite3_exec(db, "ROLLBACK TO zt_inv", NULL, NULL, NULL);
	sqlite3_exec(db, "RELEASE zt_inv", NULL, NULL, NULL);
	return -1;
}

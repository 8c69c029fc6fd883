/*
 * t_inventory.c -- the workload inventory of inv.h, on the fixtures in
 * tests/fixtures/inventory (written from the formats' sources; see
 * archive-and-inventory-formats.md section 2) and on small inputs here.
 *
 * Test plan:
 *   t_inventory-1.*  raw config dumps: 1.22 maps (a workload under two
 *                    addresses is one record, endpoints keyed
 *                    "uid:address" are one per uid, headless services
 *                    absent), 1.23 arrays, 1.24 (networkMode, service
 *                    membership, endpoint status, health policy), 1.26
 *                    (capacity; workloadState and config.localNode),
 *                    weighted waypoints.
 *   t_inventory-2.*  istioctl -o json: workloads of 1.22 (no uid,
 *                    capacity 0 read as 1) and 1.26, services (no
 *                    endpoint status: health from the workload), "[]".
 *   t_inventory-3.*  tables: every workloads header (1.19, 1.19 short,
 *                    1.20, 1.20-1.21 short, 1.21 NETWORK, 1.22 and
 *                    short, 1.24 ADDRESS with two addresses, a hostname
 *                    and an empty NODE), services with and without
 *                    ENDPOINTS (headless: empty VIP), zc all with and
 *                    without --with-headers (skipped tables not read),
 *                    rows re-spaced by hand, CRLF, a byte-order mark.
 *   t_inventory-4.*  merging: two ztunnels' dumps (one record per
 *                    workload, sources counted, each pod local to its
 *                    ztunnel, a pending pod only workloadState knows, a
 *                    status conflict kept and reported), a table over a
 *                    dump (unknowns filled, first-address-only IPs no
 *                    conflict), a protocol conflict, zt_inv_merge, the
 *                    same content twice read once.
 *   t_inventory-5.*  queries: by IP (v4, v6 in another spelling, a
 *                    host-network address shared by two), by name, uid,
 *                    service host (exact, namespace filter, table-only
 *                    services by Kubernetes name), by VIP, waypoints
 *                    (address and hostname destinations, table names),
 *                    endpoint health.
 *   t_inventory-6.*  malformed and hostile input, each an error naming
 *                    the file, with line and column where known, and
 *                    the inventory unchanged: truncated JSON, deep
 *                    nesting, huge and out-of-range numbers, wrong types,
 *                    unknown enum values, duplicate keys, non-UTF-8 JSON
 *                    and tables, a row or a header missing a column, a
 *                    misaligned row, YAML, a log, non-inventory JSON,
 *                    mixed arrays, the size cap.
 *   t_inventory-7.*  directories: inventories read, other files skipped
 *                    and recorded, nothing found is an error, a missing
 *                    path is an error; gzip files read like plain ones.
 *   t_inventory-8.*  SQLite: the tables and their values (NULL unknown,
 *                    '' empty), endpoints and addresses, storing twice
 *                    replaces, inside an open transaction.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "inv/inv.h"
#include "tt.h"

static char	 fixdir[4096];

static const char *
fix(const char *name)
{
	static char	 path[4200];

	snprintf(path, sizeof(path), "%s/%s", fixdir, name);
	return path;
}

static struct zt_inv *
load(const char *name)
{
	struct zt_inv	*inv = zt_inv_new();
	struct zt_err	 err;

	memset(&err, 0, sizeof(err));
	if (zt_inv_load_path(inv, fix(name), &err) == -1)
		fprintf(stderr, "%s: unexpected error: %s\n", name, err.msg);
	return inv;
}

static int
loadmore(struct zt_inv *inv, const char *name)
{
	struct zt_err	 err;

	memset(&err, 0, sizeof(err));
	if (zt_inv_load_path(inv, fix(name), &err) == -1) {
		fprintf(stderr, "%s: unexpected error: %s\n", name, err.msg);
		return -1;
	}
	return 0;
}

static int
loadstr(struct zt_inv *inv, const char *name, const char *text)
{
	struct zt_err	 err;

	memset(&err, 0, sizeof(err));
	if (zt_inv_load_mem(inv, name, text, strlen(text), NULL, &err) == -1) {
		fprintf(stderr, "%s: unexpected error: %s\n", name, err.msg);
		return -1;
	}
	return 0;
}

static const struct zt_inv_workload *
wl(struct zt_inv *inv, const char *ns, const char *name)
{
	const struct zt_inv_workload	*w = NULL;

	if (zt_inv_workloads_by_name(inv, ns, name, &w, 1) == 0)
		return NULL;
	return w;
}

static const struct zt_inv_service *
svc(struct zt_inv *inv, const char *host)
{
	const struct zt_inv_service	*s = NULL;

	if (zt_inv_services_by_host(inv, host, NULL, &s, 1) == 0)
		return NULL;
	return s;
}

/* The service's endpoint for the workload uid, or NULL. */
static const struct zt_inv_endpoint *
ep(const struct zt_inv_service *s, const char *uid)
{
	size_t	 i;

	for (i = 0; s != NULL && i < s->neps; i++)
		if (strcmp(s->eps[i].workload_uid, uid) == 0)
			return &s->eps[i];
	return NULL;
}

#define UID_FRONT	"Kubernetes//Pod/shop/frontend-7d9f8-abcde"
#define UID_CART_F	"Kubernetes//Pod/shop/cart-5c6d7-fghij"
#define UID_CART_K	"Kubernetes//Pod/shop/cart-5c6d7-klmno"
#define H_CART		"cart.shop.svc.cluster.local"
#define H_HEADLESS	"cart-headless.shop.svc.cluster.local"
#define H_WAYPOINT	"waypoint.shop.svc.cluster.local"

/* t_inventory-1.1 */
static void
dump_122_maps(void)
{
	struct zt_inv			*inv = load("dump-1.22-map.json");
	const struct zt_inv_workload	*w;
	const struct zt_inv_service	*s;
	const struct zt_inv_source	*src;

	TT_EQ_INT(zt_inv_nworkloads(inv), 6);	/* payments: no address */
	TT_EQ_INT(zt_inv_nservices(inv), 4);	/* headless: no VIP */
	TT_EQ_INT(zt_inv_nconflicts(inv), 0);
	src = zt_inv_source(inv, 0);
	TT_EQ_INT(src->format, ZT_INV_FMT_DUMP_MAP);
	TT_EQ_STR(src->version, "1.22.0");
	TT_CHECK(src->node == NULL);
	TT_EQ_INT(src->nservices, 4);
	w = wl(inv, "shop", "frontend-7d9f8-abcde");
	TT_CHECK(w != NULL);
	if (w != NULL) {
		TT_EQ_STR(w->uid, UID_FRONT);
		TT_EQ_INT(w->nips, 2);
		TT_EQ_STR(w->ips[0], "10.244.1.10");
		TT_EQ_STR(w->ips[1], "fd00:10:244:1::a");
		TT_EQ_INT(w->nsources, 1);	/* listed twice, one source */
		TT_EQ_INT(w->protocol, ZT_INV_PROTO_HBONE);
		TT_EQ_INT(w->capacity, 1);	/* before 1.26: the default */
		TT_EQ_INT(w->services_known, 0);
		TT_CHECK(w->network_mode == NULL);
		TT_EQ_STR(w->region, "us-east1");
		TT_EQ_STR(w->subzone, "");
		TT_EQ_STR(w->network, "");
		TT_EQ_INT(w->has_waypoint, ZT_INV_TRI_NO);
	}
	w = wl(inv, "shop", "cart-5c6d7-fghij");
	TT_CHECK(w != NULL && w->has_waypoint == ZT_INV_TRI_YES);
	if (w != NULL) {
		TT_EQ_STR(w->waypoint, "/10.96.0.99");
		TT_EQ_STR(w->waypoint_name, "waypoint");
	}
	s = svc(inv, H_CART);
	TT_CHECK(s != NULL);
	if (s != NULL) {
		TT_EQ_INT(s->neps, 2);	/* keyed "<uid>:<address>" */
		TT_CHECK(ep(s, UID_CART_F) != NULL);
		TT_EQ_INT(ep(s, UID_CART_F)->status, ZT_INV_HEALTH_UNKNOWN);
		TT_EQ_INT(zt_inv_endpoint_health(ep(s, UID_CART_F)),
		    ZT_INV_HEALTHY);
		TT_EQ_STR(s->lb_mode, "Failover");
		TT_CHECK(s->lb_health == NULL);
		TT_EQ_INT(s->nlb_routing, 3);
		TT_EQ_STR(s->lb_routing[2], "Zone");
		TT_EQ_INT(s->ep_total, 2);
		TT_EQ_INT(s->ep_healthy, 2);
		TT_EQ_INT(s->nports, 1);
		TT_EQ_INT(s->ports[0].port, 80);
		TT_EQ_INT(s->ports[0].target, 9080);
		TT_EQ_STR(s->vip_networks[0], "");
	}
	TT_CHECK(svc(inv, H_HEADLESS) == NULL);
	zt_inv_free(inv);
}

/* t_inventory-1.2 */
static void
dump_123_arrays(void)
{
	struct zt_inv			*inv = load("dump-1.23.json");
	const struct zt_inv_workload	*w;
	const struct zt_inv_service	*s;

	TT_EQ_INT(zt_inv_nworkloads(inv), 7);
	TT_EQ_INT(zt_inv_nservices(inv), 5);
	TT_EQ_INT(zt_inv_source(inv, 0)->format, ZT_INV_FMT_DUMP);
	TT_CHECK(strstr(zt_inv_source(inv, 0)->detail, "1.22-1.23") != NULL);
	w = wl(inv, "shop", "payments");
	TT_CHECK(w != NULL);
	if (w != NULL) {
		TT_EQ_INT(w->nips, 0);
		TT_EQ_STR(w->hostname, "payments.example.com");
		TT_EQ_STR(w->node, "");
		TT_EQ_STR(w->workload_type, "serviceentry");
	}
	s = svc(inv, H_HEADLESS);
	TT_CHECK(s != NULL && s->nvips == 0 && s->neps == 2);
	w = wl(inv, "shop", "legacy-66b-pqrst");
	TT_CHECK(w != NULL && w->status == ZT_INV_UNHEALTHY &&
	    w->protocol == ZT_INV_PROTO_TCP);
	zt_inv_free(inv);
}

/* t_inventory-1.3 */
static void
dump_124(void)
{
	struct zt_inv			*inv = load("dump-1.24.json");
	const struct zt_inv_workload	*w;
	const struct zt_inv_service	*s;

	w = wl(inv, "shop", "cart-5c6d7-klmno");
	TT_CHECK(w != NULL);
	if (w != NULL) {
		TT_EQ_STR(w->network_mode, "Standard");
		TT_EQ_INT(w->services_known, 1);
		TT_EQ_INT(w->nservices, 2);
		TT_EQ_STR(w->services[0], "shop/" H_CART);
		TT_EQ_INT(w->capacity, 1);
	}
	w = wl(inv, "shop", "legacy-66b-pqrst");
	TT_CHECK(w != NULL && w->services_known && w->nservices == 0);
	s = svc(inv, H_CART);
	TT_CHECK(s != NULL);
	if (s != NULL) {
		TT_EQ_STR(s->lb_health, "OnlyHealthy");
		TT_EQ_INT(ep(s, UID_CART_K)->status, ZT_INV_HEALTHY);
	}
	TT_CHECK(strstr(zt_inv_source(inv, 0)->detail,
	    "endpoint status (1.24+)") != NULL);
	zt_inv_free(inv);
}

/* t_inventory-1.4 */
static void
dump_126_workload_state(void)
{
	struct zt_inv			*inv = load("dump-1.26-node-a.json");
	const struct zt_inv_workload	*w;

	TT_EQ_STR(zt_inv_source(inv, 0)->node, "worker-1");
	TT_EQ_STR(zt_inv_source(inv, 0)->cluster, "Kubernetes");
	w = wl(inv, "shop", "cart-5c6d7-klmno");
	TT_CHECK(w != NULL);
	if (w != NULL) {
		TT_EQ_INT(w->capacity, 2);
		TT_EQ_INT(w->local_source, 0);
		TT_EQ_STR(w->local_state, "Up");
		TT_EQ_STR(w->pod_uid, "6b1a0f2e-0000-4000-8000-000000000002");
	}
	w = wl(inv, "shop", "cart-5c6d7-fghij");
	TT_CHECK(w != NULL && w->local_source == ZT_INV_NOSOURCE &&
	    w->local_state == NULL && w->capacity == 1);
	TT_EQ_INT(zt_inv_nworkloads(inv), 7);	/* entries join, not add */
	zt_inv_free(inv);
}

/* t_inventory-1.5 */
static void
dump_weighted_waypoints(void)
{
	struct zt_inv			*inv = load("dump-head-weighted-"
	    "waypoints.json");
	const struct zt_inv_service	*s = svc(inv, H_CART);

	TT_CHECK(s != NULL && s->nwwaypoints == 2);
	if (s != NULL && s->nwwaypoints == 2) {
		TT_EQ_STR(s->wwaypoints[0].dest, "/10.96.0.99");
		TT_EQ_INT(s->wwaypoints[0].weight, 90);
		TT_EQ_STR(s->wwaypoints[1].dest,
		    "shop/waypoint-canary.shop.svc.cluster.local");
		TT_EQ_INT(s->wwaypoints[1].weight, 10);
		TT_EQ_STR(s->lb_mode, "");	/* none: ztunnel's plain mode */
		TT_EQ_INT(s->eps_known, 1);
		TT_EQ_INT(s->ep_total, 0);
	}
	zt_inv_free(inv);
}

/* t_inventory-2.1 */
static void
istioctl_workloads(void)
{
	struct zt_inv			*inv = load("zc-workloads-1.22.json");
	const struct zt_inv_workload	*w;

	TT_EQ_INT(zt_inv_source(inv, 0)->format, ZT_INV_FMT_ZC_WORKLOADS);
	TT_EQ_INT(zt_inv_nworkloads(inv), 7);
	w = wl(inv, "shop", "cart-5c6d7-klmno");
	TT_CHECK(w != NULL);
	if (w != NULL) {
		TT_CHECK(w->uid == NULL);
		TT_EQ_INT(w->capacity, 1);	/* istioctl's 0 */
		TT_EQ_INT(w->services_known, 0);
		TT_CHECK(w->network_mode == NULL);
		TT_EQ_STR(w->waypoint, "/10.96.0.99");
		TT_EQ_STR(w->zone, "us-east1-b");
	}
	w = wl(inv, "shop", "legacy-66b-pqrst");
	TT_CHECK(w != NULL && w->region != NULL && w->region[0] == '\0');
	zt_inv_free(inv);

	inv = load("zc-workloads-1.26.json");
	w = wl(inv, "shop", "cart-5c6d7-klmno");
	TT_CHECK(w != NULL && w->uid != NULL && w->capacity == 2);
	TT_CHECK(zt_inv_workload_by_uid(inv, UID_CART_K) == w);
	zt_inv_free(inv);
}

/* t_inventory-2.2 */
static void
istioctl_services(void)
{
	struct zt_inv			*inv = load("zc-services.json");
	const struct zt_inv_service	*s;

	TT_EQ_INT(zt_inv_source(inv, 0)->format, ZT_INV_FMT_ZC_SERVICES);
	TT_EQ_INT(zt_inv_nworkloads(inv), 0);
	TT_EQ_INT(zt_inv_nservices(inv), 5);
	s = svc(inv, H_CART);
	TT_CHECK(s != NULL && s->neps == 2);
	if (s != NULL && s->neps == 2) {
		TT_EQ_INT(s->eps[0].status, ZT_INV_HEALTH_UNKNOWN);
		TT_EQ_INT(zt_inv_endpoint_health(&s->eps[0]),
		    ZT_INV_HEALTH_UNKNOWN);	/* no workloads loaded */
		TT_EQ_STR(s->lb_health, "OnlyHealthy");
		TT_EQ_INT(s->has_waypoint, ZT_INV_TRI_YES);
	}
	/* With the workloads, endpoints take their workload's health. */
	TT_CHECK(loadmore(inv, "zc-workloads-1.26.json") == 0);
	s = svc(inv, "frontend.shop.svc.cluster.local");
	TT_CHECK(s != NULL && s->neps == 1 && s->eps[0].wl != NULL);
	if (s != NULL && s->neps == 1)
		TT_EQ_INT(zt_inv_endpoint_health(&s->eps[0]), ZT_INV_HEALTHY);
	TT_EQ_INT(zt_inv_nconflicts(inv), 0);
	zt_inv_free(inv);

	inv = load("zc-empty.json");
	TT_EQ_INT(zt_inv_source(inv, 0)->format, ZT_INV_FMT_ZC_EMPTY);
	TT_EQ_INT(zt_inv_nworkloads(inv) + zt_inv_nservices(inv), 0);
	zt_inv_free(inv);
}

/* One workloads table: what every row of the fixtures gives. */
static void
check_table(const char *name, int proto, int network, int all_ips)
{
	struct zt_inv			*inv = load(name);
	const struct zt_inv_workload	*w;

	TT_EQ_INT(zt_inv_nworkloads(inv), 7);
	TT_EQ_INT(zt_inv_source(inv, 0)->format, ZT_INV_FMT_TABLES);
	w = wl(inv, "shop", "cart-5c6d7-fghij");
	TT_CHECK(w != NULL);
	if (w == NULL)
		goto out;
	TT_CHECK(w->uid == NULL && w->status == ZT_INV_HEALTH_UNKNOWN &&
	    w->capacity == -1 && w->region == NULL && !w->services_known);
	TT_EQ_INT(w->nips, 1);
	TT_EQ_STR(w->ips[0], "10.244.2.20");
	TT_EQ_STR(w->node, "worker-2");
	if (proto) {
		TT_EQ_INT(w->protocol, ZT_INV_PROTO_HBONE);
		TT_EQ_INT(w->has_waypoint, ZT_INV_TRI_YES);
		TT_EQ_STR(w->waypoint_name, "waypoint");
		TT_CHECK(w->waypoint == NULL);
	} else {
		TT_EQ_INT(w->protocol, ZT_INV_PROTO_UNKNOWN);
		TT_EQ_INT(w->has_waypoint, ZT_INV_TRI_UNKNOWN);
	}
	if (network)
		TT_EQ_STR(w->network, "network1");
	else
		TT_CHECK(w->network == NULL);
	w = wl(inv, "shop", "frontend-7d9f8-abcde");
	TT_CHECK(w != NULL && w->nips == (all_ips ? 2u : 1u));
	if (proto)
		TT_CHECK(w != NULL && w->has_waypoint == ZT_INV_TRI_NO);
	w = wl(inv, "shop", "payments");
	TT_CHECK(w != NULL && w->node != NULL && w->node[0] == '\0');
out:
	zt_inv_free(inv);
}

/* t_inventory-3.1 */
static void
tables_workloads(void)
{
	struct zt_inv			*inv;
	const struct zt_inv_workload	*w;

	check_table("pc-workload-1.19.txt", 1, 0, 0);
	check_table("pc-workload-1.19-short.txt", 0, 0, 0);
	check_table("pc-workload-1.20.txt", 1, 0, 0);
	check_table("pc-workload-1.21.txt", 1, 1, 0);
	check_table("pc-workload-1.21-short.txt", 0, 0, 0);
	check_table("zc-workloads-1.22.txt", 1, 0, 0);
	check_table("zc-workloads-1.22-short.txt", 0, 0, 0);
	check_table("zc-workloads-1.24.txt", 1, 0, 1);
	inv = load("zc-workloads-1.24.txt");
	TT_EQ_STR(zt_inv_source(inv, 0)->detail, "workloads 1.24+");
	w = wl(inv, "shop", "payments");	/* ADDRESS = hostname */
	TT_CHECK(w != NULL && w->nips == 0);
	if (w != NULL)
		TT_EQ_STR(w->hostname, "payments.example.com");
	w = wl(inv, "shop", "frontend-7d9f8-abcde");
	TT_CHECK(w != NULL && w->nips == 2);
	if (w != NULL && w->nips == 2)
		TT_EQ_STR(w->ips[1], "fd00:10:244:1::a");
	zt_inv_free(inv);
}

/* t_inventory-3.2 */
static void
tables_services(void)
{
	struct zt_inv			*inv = load("zc-services-1.23.txt");
	const struct zt_inv_service	*s;

	TT_EQ_INT(zt_inv_nservices(inv), 5);
	TT_EQ_STR(zt_inv_source(inv, 0)->detail, "services 1.23+");
	s = zt_inv_service(inv, 2);
	TT_CHECK(s != NULL);
	if (s != NULL) {
		TT_EQ_STR(s->name, "cart-headless");
		TT_EQ_INT(s->nvips, 0);
		TT_CHECK(s->hostname == NULL && !s->eps_known &&
		    !s->ports_known && s->lb_mode == NULL);
		TT_EQ_INT(s->ep_healthy, 2);
		TT_EQ_INT(s->ep_total, 2);
	}
	/* A table's service is found by its Kubernetes host name. */
	s = svc(inv, H_CART);
	TT_CHECK(s != NULL);
	if (s != NULL) {
		TT_EQ_STR(s->vips[0], "10.96.0.20");
		TT_CHECK(s->vip_networks[0] == NULL);
		TT_EQ_STR(s->waypoint_name, "waypoint");
	}
	zt_inv_free(inv);

	inv = load("zc-services-1.22.txt");
	s = svc(inv, "kube-dns.kube-system.svc");
	TT_CHECK(s != NULL && s->ep_total == -1 && s->ep_healthy == -1 &&
	    s->has_waypoint == ZT_INV_TRI_NO);
	zt_inv_free(inv);
}

/* t_inventory-3.3 */
static void
tables_zc_all(void)
{
	struct zt_inv	*a = load("zc-all.txt");
	struct zt_inv	*b = load("zc-all-with-headers.txt");

	TT_EQ_INT(zt_inv_nworkloads(a), 7);
	TT_EQ_INT(zt_inv_nservices(a), 5);
	TT_EQ_INT(zt_inv_nworkloads(b), 7);
	TT_EQ_INT(zt_inv_nservices(b), 5);
	TT_EQ_STR(zt_inv_source(a, 0)->detail, "workloads 1.24+, services "
	    "1.23+, policies (skipped), certificates (skipped), connections "
	    "1.26+ (skipped)");
	TT_EQ_STR(zt_inv_source(b, 0)->detail, zt_inv_source(a, 0)->detail);
	/* The connections table's pod names are not workloads. */
	TT_CHECK(wl(a, NULL, "cart-5c6d7-klmno.shop") == NULL);
	zt_inv_free(a);
	zt_inv_free(b);
}

/* t_inventory-3.4 */
static void
tables_respaced_and_crlf(void)
{
	struct zt_inv			*inv = zt_inv_new();
	const struct zt_inv_workload	*w;

	/* One word per column, spaces squeezed: split at spaces. */
	TT_CHECK(loadstr(inv, "respaced.txt", "NAMESPACE POD NAME ADDRESS "
	    "NODE WAYPOINT PROTOCOL\r\nshop a-1 10.0.0.1 n1 None HBONE\r\n"
	    "shop b-2 10.0.0.2 n2 NA TCP\r\n") == 0);
	w = wl(inv, "shop", "a-1");
	TT_CHECK(w != NULL && w->protocol == ZT_INV_PROTO_HBONE);
	if (w != NULL)
		TT_EQ_STR(w->node, "n1");
	w = wl(inv, "shop", "b-2");
	TT_CHECK(w != NULL && w->has_waypoint == ZT_INV_TRI_YES &&
	    w->waypoint_name == NULL);
	/* A byte-order mark before JSON or a table is no obstacle. */
	TT_CHECK(loadstr(inv, "bom.json", "\xef\xbb\xbf[{\"namespace\": \"shop\","
	    " \"name\": \"c-3\", \"protocol\": \"HBONE\"}]") == 0);
	TT_CHECK(wl(inv, "shop", "c-3") != NULL);
	TT_CHECK(loadstr(inv, "bom.txt", "\xef\xbb\xbfNAMESPACE POD NAME IP NODE\n"
	    "shop      d-4      10.0.0.4 n\n") == 0);
	TT_CHECK(wl(inv, "shop", "d-4") != NULL);
	zt_inv_free(inv);
}

/* t_inventory-4.1 */
static void
merge_two_ztunnels(void)
{
	struct zt_inv			*inv = load("dump-1.26-node-a.json");
	const struct zt_inv_workload	*w;
	const struct zt_inv_conflict	*c;
	struct zt_buf			 b = { NULL, 0, 0 };

	TT_CHECK(loadmore(inv, "dump-1.26-node-b.json") == 0);
	TT_EQ_INT(zt_inv_nsources(inv), 2);
	TT_EQ_INT(zt_inv_nworkloads(inv), 8);	/* + the pending pod */
	TT_EQ_INT(zt_inv_nservices(inv), 5);
	w = wl(inv, "shop", "frontend-7d9f8-abcde");
	TT_CHECK(w != NULL && w->nsources == 2 && w->local_source == 0);
	w = wl(inv, "shop", "cart-5c6d7-fghij");
	TT_CHECK(w != NULL && w->local_source == 1);
	w = wl(inv, "shop", "batch-9x8y7-qqqqq");
	TT_CHECK(w != NULL);
	if (w != NULL) {
		TT_CHECK(w->uid == NULL && w->protocol == ZT_INV_PROTO_UNKNOWN);
		TT_EQ_STR(w->local_state, "Pending");
		TT_EQ_STR(w->service_account, "batch");
		TT_EQ_INT(w->local_source, 1);
	}
	TT_EQ_INT(zt_inv_nconflicts(inv), 1);
	c = zt_inv_conflict(inv, 0);
	TT_CHECK(c != NULL);
	if (c != NULL) {
		TT_EQ_STR(c->what, "workload");
		TT_EQ_STR(c->key, UID_CART_K);
		TT_EQ_STR(c->field, "status");
		TT_EQ_STR(c->kept, "Healthy");
		TT_EQ_STR(c->other, "Unhealthy");
		TT_EQ_INT(c->kept_source, 0);
		TT_EQ_INT(c->other_source, 1);
		zt_inv_conflict_text(inv, c, &b);
		zt_buf_addc(&b, '\0');
		TT_CHECK(strstr(b.p, "status is \"Healthy\" in ") != NULL);
		TT_CHECK(strstr(b.p, "dump-1.26-node-b.json") != NULL);
		zt_buf_free(&b);
	}
	w = wl(inv, "shop", "cart-5c6d7-klmno");
	TT_CHECK(w != NULL && w->status == ZT_INV_HEALTHY);	/* first */
	zt_inv_free(inv);
}

/* t_inventory-4.2: the same bytes twice are read once. */
static void
merge_same_content(void)
{
	struct zt_inv			*inv = load("dump-1.26-node-a.json");
	const struct zt_inv_source	*s;

	TT_CHECK(loadmore(inv, "dir/node-a/config_dump.json") == 0);
	TT_EQ_INT(zt_inv_nsources(inv), 2);
	s = zt_inv_source(inv, 1);
	TT_EQ_INT(s->format, ZT_INV_FMT_NONE);
	TT_CHECK(strncmp(s->detail, "the same content as ", 20) == 0 &&
	    strstr(s->detail, "dump-1.26-node-a.json") != NULL);
	TT_EQ_INT(zt_inv_nconflicts(inv), 0);
	TT_EQ_INT(zt_inv_nworkloads(inv), 7);
	TT_EQ_INT(zt_inv_workload(inv, 0)->nsources, 1);
	zt_inv_free(inv);
}

/* t_inventory-4.3 */
static void
merge_table_over_dump(void)
{
	struct zt_inv			*inv = load("zc-workloads-1.22.txt");
	const struct zt_inv_workload	*w;
	const struct zt_inv_service	*s;

	TT_CHECK(loadmore(inv, "zc-services-1.23.txt") == 0);
	TT_CHECK(loadmore(inv, "dump-1.24.json") == 0);
	TT_EQ_INT(zt_inv_nconflicts(inv), 0);
	TT_EQ_INT(zt_inv_nworkloads(inv), 7);
	TT_EQ_INT(zt_inv_nservices(inv), 5);
	w = wl(inv, "shop", "frontend-7d9f8-abcde");
	TT_CHECK(w != NULL);
	if (w != NULL) {
		TT_EQ_STR(w->uid, UID_FRONT);	/* adopted */
		TT_EQ_INT(w->nips, 2);		/* table had the first only */
		TT_EQ_INT(w->nsources, 2);
		TT_EQ_INT(w->source, 0);
		TT_EQ_INT(w->capacity, 1);
	}
	s = svc(inv, H_HEADLESS);
	TT_CHECK(s != NULL && s->hostname != NULL && s->eps_known &&
	    s->nsources == 2);
	TT_CHECK(zt_inv_workload_by_uid(inv, UID_FRONT) == w);
	zt_inv_free(inv);
}

/* t_inventory-4.4 */
static void
merge_conflicts(void)
{
	struct zt_inv			*inv = load("dump-1.24.json");
	struct zt_inv			*other = zt_inv_new();
	const struct zt_inv_conflict	*c;

	TT_CHECK(loadstr(inv, "edited.txt", "NAMESPACE POD NAME        "
	    "ADDRESS     NODE     WAYPOINT PROTOCOL\n"
	    "shop      legacy-66b-pqrst 10.244.9.9  worker-2 None     "
	    "HBONE\n") == 0);
	TT_EQ_INT(zt_inv_nconflicts(inv), 2);
	c = zt_inv_conflict(inv, 0);
	TT_CHECK(c != NULL && strcmp(c->field, "ips") == 0);
	c = zt_inv_conflict(inv, 1);
	TT_CHECK(c != NULL && strcmp(c->field, "protocol") == 0);
	if (c != NULL) {
		TT_EQ_STR(c->key, "Kubernetes//Pod/shop/legacy-66b-pqrst");
		TT_EQ_STR(c->kept, "TCP");
		TT_EQ_STR(c->other, "HBONE");
		TT_EQ_INT(c->other_source, 1);
	}
	/* zt_inv_merge: sources renumbered, the same rules. */
	TT_CHECK(loadstr(other, "a.txt", "NAMESPACE SERVICE NAME SERVICE VIP "
	    "WAYPOINT ENDPOINTS\nshop      cart         10.96.0.20  None     "
	    "1/3\n") == 0);
	zt_inv_merge(inv, other);
	TT_EQ_INT(zt_inv_nsources(inv), 3);
	TT_EQ_INT(zt_inv_nconflicts(inv), 3);
	c = zt_inv_conflict(inv, 2);
	TT_CHECK(c != NULL && strcmp(c->what, "service") == 0 &&
	    strcmp(c->field, "has_waypoint") == 0 && c->other_source == 2);
	if (c != NULL)
		TT_EQ_STR(c->key, "shop/" H_CART);
	zt_inv_free(inv);
}

/* t_inventory-5.1 */
static void
query_by_address(void)
{
	struct zt_inv			*inv = load("dump-1.24.json");
	const struct zt_inv_workload	*w[4];
	const struct zt_inv_service	*s[2];

	TT_EQ_INT(zt_inv_workloads_by_ip(inv, "10.244.1.21", w, 4), 1);
	TT_EQ_STR(w[0]->name, "cart-5c6d7-klmno");
	TT_EQ_INT(zt_inv_workloads_by_ip(inv, "fd00:10:244:1:0:0:0:a", w, 4),
	    1);
	TT_EQ_STR(w[0]->name, "frontend-7d9f8-abcde");
	TT_EQ_INT(zt_inv_workloads_by_ip(inv, "10.244.9.9", w, 4), 0);
	TT_EQ_INT(zt_inv_workloads_by_ip(inv, "not-an-ip", w, 4), 0);
	TT_EQ_INT(zt_inv_services_by_vip(inv, "10.96.0.99", s, 2), 1);
	TT_EQ_STR(s[0]->name, "waypoint");
	TT_EQ_INT(zt_inv_services_by_vip(inv, "10.244.1.21", s, 2), 0);
	/* Host-network pods share their node's address. */
	TT_CHECK(loadstr(inv, "hostnet.json", "{\"workloads\": ["
	    "{\"uid\": \"c//Pod/kube-system/proxy-a\", \"name\": \"proxy-a\","
	    " \"namespace\": \"kube-system\", \"workloadIps\": [\"172.18.0.2\"],"
	    " \"networkMode\": \"HostNetwork\"},"
	    "{\"uid\": \"c//Pod/kube-system/agent-a\", \"name\": \"agent-a\","
	    " \"namespace\": \"kube-system\", \"workloadIps\": [\"172.18.0.2\"],"
	    " \"networkMode\": \"HostNetwork\"}]}") == 0);
	TT_EQ_INT(zt_inv_workloads_by_ip(inv, "172.18.0.2", w, 1), 2);
	TT_EQ_STR(w[0]->name, "proxy-a");	/* inventory order, max 1 */
	TT_EQ_INT(zt_inv_workloads_by_ip(inv, "172.18.0.2", w, 4), 2);
	TT_EQ_STR(w[1]->name, "agent-a");
	TT_EQ_STR(w[1]->network_mode, "HostNetwork");
	zt_inv_free(inv);
}

/* t_inventory-5.2 */
static void
query_by_name(void)
{
	struct zt_inv			*inv = load("dump-1.24.json");
	const struct zt_inv_workload	*w[2];
	const struct zt_inv_service	*s[2];

	TT_EQ_INT(zt_inv_workloads_by_name(inv, NULL, "coredns-5dd57-zz9qq",
	    w, 2), 1);
	TT_EQ_STR(w[0]->ns, "kube-system");
	TT_EQ_INT(zt_inv_workloads_by_name(inv, "shop", "coredns-5dd57-zz9qq",
	    w, 2), 0);
	TT_CHECK(zt_inv_workload_by_uid(inv, "nope") == NULL);
	TT_EQ_INT(zt_inv_services_by_host(inv, H_CART, "shop", s, 2), 1);
	TT_EQ_INT(zt_inv_services_by_host(inv, H_CART, "default", s, 2), 0);
	/* Full host names only, for dumps: "cart.shop.svc" has a hostname. */
	TT_EQ_INT(zt_inv_services_by_host(inv, "cart.shop.svc", NULL, s, 2),
	    0);
	zt_inv_free(inv);

	inv = load("zc-services-1.23.txt");
	TT_EQ_INT(zt_inv_services_by_host(inv, "cart.shop.svc", NULL, s, 2),
	    1);
	TT_EQ_INT(zt_inv_services_by_host(inv, "cart.shop.svc.example",
	    "shop", s, 2), 1);
	TT_EQ_INT(zt_inv_services_by_host(inv, "cart.shop.svcx", NULL, s, 2),
	    0);
	TT_EQ_INT(zt_inv_services_by_host(inv, "cart.shop", NULL, s, 2), 0);
	TT_EQ_INT(zt_inv_services_by_host(inv, H_CART, "kube-system", s, 2),
	    0);
	zt_inv_free(inv);
}

/* t_inventory-5.3 */
static void
query_waypoints(void)
{
	struct zt_inv			*inv = load("dump-1.24.json");
	const struct zt_inv_service	*s;
	const struct zt_inv_service	*wp;

	s = svc(inv, H_CART);
	wp = s != NULL ? zt_inv_service_waypoint(inv, s) : NULL;
	TT_CHECK(wp != NULL && strcmp(wp->hostname, H_WAYPOINT) == 0);
	wp = zt_inv_workload_waypoint(inv, wl(inv, "shop", "cart-5c6d7-fghij"));
	TT_CHECK(wp != NULL && strcmp(wp->name, "waypoint") == 0);
	TT_CHECK(zt_inv_workload_waypoint(inv, wl(inv, "shop",
	    "frontend-7d9f8-abcde")) == NULL);
	/* A hostname destination: "<ns>/<hostname>". */
	TT_CHECK(loadstr(inv, "wp.json", "{\"services\": [{\"name\": \"x\", "
	    "\"namespace\": \"shop\", \"hostname\": \"x.shop.svc.cluster.local\""
	    ", \"vips\": [], \"waypoint\": {\"destination\": \"shop/"
	    H_WAYPOINT "\"}}]}") == 0);
	s = svc(inv, "x.shop.svc.cluster.local");
	wp = s != NULL ? zt_inv_service_waypoint(inv, s) : NULL;
	TT_CHECK(wp != NULL && strcmp(wp->name, "waypoint") == 0);
	if (s != NULL)
		TT_EQ_STR(s->waypoint_name, "waypoint");
	zt_inv_free(inv);

	/* Tables name the waypoint: found by name in the namespace. */
	inv = load("zc-all.txt");
	wp = zt_inv_workload_waypoint(inv, wl(inv, "shop", "cart-5c6d7-klmno"));
	TT_CHECK(wp != NULL && strcmp(wp->vips[0], "10.96.0.99") == 0);
	zt_inv_free(inv);
}

/* Expect path to fail with a message containing want, at line:col. */
static void
expect_error(const char *name, unsigned long line, unsigned long col,
    const char *want)
{
	struct zt_inv	*inv = load("dump-1.24.json");
	struct zt_err	 err;

	memset(&err, 0, sizeof(err));
	TT_EQ_INT(zt_inv_load_path(inv, fix(name), &err), -1);
	TT_CHECK(err.file != NULL && strstr(err.file, name) != NULL);
	TT_EQ_INT(err.line, line);
	TT_EQ_INT(err.col, col);
	if (strstr(err.msg, want) == NULL)
		fprintf(stderr, "%s: message \"%s\" lacks \"%s\"\n", name,
		    err.msg, want);
	TT_CHECK(strstr(err.msg, want) != NULL);
	/* Nothing of the bad file is merged. */
	TT_EQ_INT(zt_inv_nsources(inv), 1);
	TT_EQ_INT(zt_inv_nworkloads(inv), 7);
	TT_EQ_INT(zt_inv_nconflicts(inv), 0);
	zt_inv_free(inv);
}

/* t_inventory-6.1 */
static void
malformed(void)
{
	expect_error("bad/truncated.json", 177, 17, "JSON: premature end of "
	    "input");
	expect_error("bad/deep.json", 1, 118, "nested deeper than 64 levels");
	expect_error("bad/huge-integer.json", 1, 92, "too big integer");
	expect_error("bad/capacity-range.json", 0, 0, "workloads[0].capacity: "
	    "4294967296 is out of range 0..4294967295");
	expect_error("bad/wrong-type.json", 0, 0, "workloads[0].workloadIps: "
	    "expected an array of strings, got a string");
	expect_error("bad/bad-protocol.json", 0, 0, "workloads[0].protocol: "
	    "unknown protocol \"QUIC\"");
	expect_error("bad/duplicate-key.json", 1, 29, "duplicate object key");
	expect_error("bad/non-utf8.json", 1, 32, "unable to decode byte 0xff");
	expect_error("bad/non-utf8.txt", 2, 0, "not valid UTF-8");
	expect_error("bad/missing-column.txt", 3, 62, "empty PROTOCOL");
	expect_error("bad/missing-header-column.txt", 1, 0, "a table header "
	    "istioctl does not print (a column missing or renamed?)");
	expect_error("bad/misaligned.txt", 2, 0, "does not line up with the "
	    "header's 6 columns (workloads 1.24+)");
	expect_error("bad/yaml.yaml", 1, 0, "YAML is not read (use -o json)");
	expect_error("bad/log.txt", 1, 0, "not JSON, and not a table header");
	expect_error("bad/not-inventory.json", 0, 0, "not a ztunnel "
	    "config_dump");
	expect_error("bad/mixed-array.json", 0, 0, "[1]: neither a workload "
	    "nor a service");
}

/* t_inventory-6.2 */
static void
malformed_small(void)
{
	static const struct {
		const char	*text;
		const char	*want;
	} c[] = {
		{ "[1, 2]", "[0]: neither a workload nor a service" },
		{ "\"workloads\"", "not JSON, and not a table header" },
		{ "{\"workloads\": 7}", "workloads: expected an array, or an "
		    "object keyed by address, got an integer" },
		{ "{\"workloads\": [{\"name\": \"x\"}]}", "workloads[0]: a "
		    "workload without \"namespace\"" },
		{ "{\"workloads\": {\"/10.0.0.1\": {\"namespace\": \"a\", "
		    "\"status\": \"Sick\"}}}", "workloads[\"/10.0.0.1\"].status: "
		    "unknown status \"Sick\"" },
		{ "{\"workloads\": [{\"namespace\": \"a\", \"workloadIps\": "
		    "[\"10.0.0.300\"]}]}", "workloadIps: not an IP address "
		    "\"10.0.0.300\"" },
		{ "{\"services\": [{\"namespace\": \"a\", \"hostname\": \"h\","
		    " \"ports\": {\"http\": 80}}]}", "services[0].ports: not a "
		    "port number \"http\"" },
		{ "{\"services\": [{\"namespace\": \"a\", \"hostname\": \"h\","
		    " \"ports\": {\"80\": 70000}}]}", "target ports in 0..65535" },
		{ "{\"services\": [{\"namespace\": \"a\", \"hostname\": \"h\","
		    " \"vips\": [\"net/x\"]}]}", "vips: not an IP address" },
		{ "{\"services\": [{\"namespace\": \"a\"}]}", "a service "
		    "without \"hostname\"" },
		{ "{\"services\": [{\"namespace\": \"a\", \"hostname\": \"h\","
		    " \"endpoints\": {\"u\": 1}}]}", "endpoints: expected "
		    "endpoint objects, got an integer" },
		{ "{\"workloadState\": {\"u\": {\"info\": 3}}}",
		    "workloadState[\"u\"].info: expected an object" },
		{ "{\"workloads\": [{\"namespace\": \"a\", \"waypoint\": "
		    "{\"destination\": 5}}]}", "waypoint: expected an object "
		    "with a \"destination\" string, got an integer" },
		{ "{\"workloads\": [{\"namespace\": \"a\", \"name\": \"\\u0000"
		    "\"}]}", "JSON: \\u0000 is not allowed" },
		{ "NAMESPACE SERVICE NAME SERVICE VIP WAYPOINT ENDPOINTS\n"
		    "a         b            10.0.0.1    None     3/2\n",
		    "ENDPOINTS is not healthy/total: \"3/2\"" },
		{ "NAMESPACE SERVICE NAME SERVICE VIP WAYPOINT\n"
		    "a         b            10.0.0.1    \n", "empty WAYPOINT" },
		{ "NAMESPACE POD NAME IP     NODE\n"
		    "a         b        x.y.z  n\n", "not an IP address \"x.y.z\"" },
		{ "NAMESPACE POD NAME IP       NODE\n"
		    "a         b        10.0.0.1 n\x1b[31m\n", "control character "
		    "0x1b" },
		{ "NAMESPACE POD NAME IP       NODE\n"
		    "a         b        10.0.0.1 n\n\nnot a header\n",
		    "expected a table header istioctl prints after a blank "
		    "line" },
		{ "", "not a ztunnel inventory: no content" },
	};
	struct zt_inv	*inv;
	struct zt_err	 err;
	size_t		 i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		inv = zt_inv_new();
		memset(&err, 0, sizeof(err));
		TT_EQ_INT(zt_inv_load_mem(inv, "mem", c[i].text,
		    strlen(c[i].text), NULL, &err), -1);
		if (strstr(err.msg, c[i].want) == NULL)
			fprintf(stderr, "case %zu: \"%s\" lacks \"%s\"\n", i,
			    err.msg, c[i].want);
		TT_CHECK(strstr(err.msg, c[i].want) != NULL);
		TT_CHECK(err.file != NULL && strcmp(err.file, "mem") == 0);
		TT_EQ_INT(zt_inv_nsources(inv), 0);
		zt_inv_free(inv);
	}
}

/* t_inventory-6.3 */
static void
limits(void)
{
	static const char deep4[] = "{\"workloads\": [{\"namespace\": \"a\",\n"
	    "  \"locality\": {\"region\": \"[{\"}}]}";
	struct zt_inv	*inv = zt_inv_new();
	struct zt_err	 err;

	memset(&err, 0, sizeof(err));
	zt_inv_set_limits(inv, 1000, 64);
	TT_EQ_INT(zt_inv_load_path(inv, fix("dump-1.24.json"), &err), -1);
	TT_CHECK(strstr(err.msg, "larger than the inventory limit of 1000 "
	    "bytes") != NULL);
	zt_inv_set_limits(inv, ZT_INV_MAX_BYTES, 3);
	/* Three levels are allowed, the fourth is not. */
	TT_CHECK(loadstr(inv, "m3", "{\"workloads\": [{\"namespace\": \"a\", "
	    "\"name\": \"b\"}]}") == 0);
	TT_EQ_INT(zt_inv_nworkloads(inv), 1);
	memset(&err, 0, sizeof(err));
	TT_EQ_INT(zt_inv_load_mem(inv, "m4", deep4, strlen(deep4), NULL, &err),
	    -1);
	TT_CHECK(strstr(err.msg, "nested deeper than 3 levels") != NULL);
	TT_EQ_INT(err.line, 2);
	TT_EQ_INT(err.col, 15);
	TT_EQ_INT(zt_inv_nworkloads(inv), 1);
	zt_inv_free(inv);
}

/* t_inventory-7.1 */
static void
directories(void)
{
	struct zt_inv			*inv = load("dir");
	const struct zt_inv_source	*s;
	struct zt_err			 err;
	char				 tmp[] = "/tmp/t_inventory.XXXXXX";

	TT_EQ_INT(zt_inv_nsources(inv), 4);
	s = zt_inv_source(inv, 0);
	TT_CHECK(strstr(s->name, "dir/node-a/config_dump.json") != NULL);
	TT_EQ_INT(s->format, ZT_INV_FMT_DUMP);
	TT_EQ_STR(s->node, "worker-1");
	s = zt_inv_source(inv, 1);
	TT_CHECK(strstr(s->name, "ztunnel.log") != NULL &&
	    s->format == ZT_INV_FMT_NONE);
	s = zt_inv_source(inv, 2);
	TT_CHECK(strstr(s->name, "notes.yaml") != NULL &&
	    s->format == ZT_INV_FMT_NONE);
	TT_EQ_STR(s->detail, "YAML is not read (use -o json)");
	s = zt_inv_source(inv, 3);
	TT_EQ_INT(s->format, ZT_INV_FMT_TABLES);
	TT_EQ_INT(zt_inv_nworkloads(inv), 7);
	TT_EQ_INT(zt_inv_nservices(inv), 5);
	TT_EQ_INT(zt_inv_nconflicts(inv), 0);
	zt_inv_free(inv);

	inv = zt_inv_new();
	memset(&err, 0, sizeof(err));
	TT_CHECK(mkdtemp(tmp) != NULL);
	TT_EQ_INT(zt_inv_load_path(inv, tmp, &err), -1);
	TT_CHECK(strstr(err.msg, "no ztunnel inventory file") != NULL);
	rmdir(tmp);
	TT_EQ_INT(zt_inv_load_path(inv, fix("no-such-file"), &err), -1);
	TT_CHECK(strstr(err.msg, "No such file") != NULL);
	zt_inv_free(inv);
}

/* t_inventory-7.2 */
static void
gzip_file(void)
{
	struct zt_inv	*inv;
	char		 path[] = "/tmp/t_inventory.XXXXXX";
	FILE		*f;
	gzFile		 g;
	char		 buf[4096];
	size_t		 n;
	int		 fd;

	fd = mkstemp(path);
	TT_CHECK(fd != -1);
	if (fd == -1)
		return;
	g = gzdopen(fd, "wb");
	f = fopen(fix("zc-services-1.23.txt"), "rb");
	TT_CHECK(g != NULL && f != NULL);
	if (g == NULL || f == NULL)
		return;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		gzwrite(g, buf, (unsigned)n);
	fclose(f);
	gzclose(g);
	inv = zt_inv_new();
	TT_CHECK(loadstr(inv, "x", "[]") == 0);
	TT_EQ_INT(zt_inv_load_path(inv, path, &(struct zt_err){ 0 }), 0);
	TT_EQ_INT(zt_inv_nservices(inv), 5);
	unlink(path);
	zt_inv_free(inv);
}

static int64_t
q1(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*st;
	int64_t		 v = -999;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(db));
		return v;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The first column of the first row as text ("NULL" for NULL). */
static const char *
qs(sqlite3 *db, const char *sql)
{
	static char	 out[512];
	sqlite3_stmt	*st;
	const unsigned char *t;

	snprintf(out, sizeof(out), "(error)");
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(db));
		return out;
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		t = sqlite3_column_text(st, 0);
		snprintf(out, sizeof(out), "%s", t != NULL ? (const char *)t :
		    "NULL");
	}
	sqlite3_finalize(st);
	return out;
}

/* t_inventory-8.1 */
static void
sql_tables(void)
{
	struct zt_inv	*inv = load("dump-1.26-node-a.json");
	struct zt_err	 err;
	sqlite3		*db;

	TT_CHECK(loadmore(inv, "zc-workloads-1.22.txt") == 0);
	memset(&err, 0, sizeof(err));
	TT_CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
	TT_EQ_INT(zt_inv_store(inv, db, &err), 0);
	TT_EQ_INT(q1(db, "SELECT count(*) FROM inventory_sources"), 2);
	TT_EQ_STR(qs(db, "SELECT format || ';' || node || ';' || version || "
	    "';' || workloads FROM inventory_sources WHERE id = 1"),
	    "config_dump;worker-1;1.26.0;7");
	TT_EQ_INT(q1(db, "SELECT count(*) FROM workloads"), 7);
	TT_EQ_STR(qs(db, "SELECT ips || ';' || protocol || ';' || capacity || "
	    "';' || region || ';' || zone || ';' || quote(subzone) || ';' || "
	    "services || ';' || sources || ';' || local_source_id || ';' || "
	    "local_state FROM workloads WHERE name = 'frontend-7d9f8-abcde'"),
	    "10.244.1.10,fd00:10:244:1::a;HBONE;1;us-east1;us-east1-b;'';"
	    "shop/frontend.shop.svc.cluster.local;2;1;Up");
	TT_EQ_STR(qs(db, "SELECT has_waypoint || ';' || waypoint || ';' || "
	    "waypoint_name || ';' || capacity FROM workloads "
	    "WHERE name = 'cart-5c6d7-klmno'"), "1;/10.96.0.99;waypoint;2");
	TT_EQ_STR(qs(db, "SELECT quote(has_waypoint) || quote(waypoint) FROM "
	    "workloads WHERE name = 'legacy-66b-pqrst'"), "0NULL");
	TT_EQ_STR(qs(db, "SELECT lb_mode || ';' || lb_routing || ';' || "
	    "lb_health_policy || ';' || ports || ';' || endpoints_healthy || "
	    "'/' || endpoints_total FROM services WHERE name = 'cart'"),
	    "Failover;Network,Region,Zone;OnlyHealthy;{\"80\":9080};2/2");
	TT_EQ_STR(qs(db, "SELECT quote(lb_mode) || quote(lb_routing) || "
	    "quote(weighted_waypoints) FROM services WHERE name = 'frontend'"),
	    "''''NULL");
	TT_EQ_INT(q1(db, "SELECT count(*) FROM endpoints e JOIN services s "
	    "ON s.id = e.service_id JOIN workloads w ON w.id = e.workload_id "
	    "WHERE s.name = 'cart' AND e.health = 'Healthy'"), 2);
	TT_EQ_INT(q1(db, "SELECT sum(json_extract(e.ports, '$.80')) FROM "
	    "endpoints e JOIN services s ON s.id = e.service_id "
	    "WHERE s.name = 'cart'"), 2 * 9080);
	TT_EQ_STR(qs(db, "SELECT w.name FROM inventory_addresses a JOIN "
	    "workloads w ON w.id = a.workload_id WHERE a.address = "
	    "'fd00:10:244:1::a'"), "frontend-7d9f8-abcde");
	TT_EQ_STR(qs(db, "SELECT s.name || quote(a.network) FROM "
	    "inventory_addresses a JOIN services s ON s.id = a.service_id "
	    "WHERE a.address = '10.96.0.99'"), "waypoint''");
	/* Again, inside a transaction: replaced, not doubled. */
	TT_CHECK(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK);
	TT_EQ_INT(zt_inv_store(inv, db, &err), 0);
	TT_CHECK(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK);
	TT_EQ_INT(q1(db, "SELECT count(*) FROM workloads"), 7);
	TT_EQ_INT(q1(db, "SELECT count(*) FROM inventory_addresses"), 11);
	sqlite3_close(db);
	zt_inv_free(inv);
}

/* t_inventory-8.2 */
static void
sql_unknowns(void)
{
	struct zt_inv	*inv = load("zc-all.txt");
	struct zt_err	 err;
	sqlite3		*db;

	memset(&err, 0, sizeof(err));
	TT_CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
	TT_EQ_INT(zt_inv_store(inv, db, &err), 0);
	TT_EQ_STR(qs(db, "SELECT quote(uid) || quote(status) || "
	    "quote(capacity) || quote(region) || quote(services) || "
	    "quote(node) FROM workloads WHERE name = 'payments'"),
	    "NULLNULLNULLNULLNULL''");
	TT_EQ_STR(qs(db, "SELECT quote(hostname) || quote(ports) || "
	    "quote(lb_mode) || endpoints_healthy || '/' || endpoints_total "
	    "FROM services WHERE name = 'cart'"), "NULLNULLNULL2/2");
	TT_EQ_INT(q1(db, "SELECT count(*) FROM endpoints"), 0);
	TT_EQ_INT(q1(db, "SELECT count(*) FROM inventory_addresses "
	    "WHERE network IS NULL"), 11);
	/* A read-only database: an error, named. */
	TT_CHECK(sqlite3_exec(db, "PRAGMA query_only = 1", NULL, NULL, NULL) ==
	    SQLITE_OK);
	TT_EQ_INT(zt_inv_store(inv, db, &err), -1);
	TT_CHECK(strstr(err.msg, "inventory tables:") != NULL);
	sqlite3_close(db);
	zt_inv_free(inv);
}

int
main(void)
{
	const char	*env = getenv("ZTLOG_INV_FIXTURES");
	char		*slash;

	/* tests/unit/t_inventory.c -> tests/fixtures/inventory */
	if (env != NULL)
		snprintf(fixdir, sizeof(fixdir), "%s", env);
	else {
		snprintf(fixdir, sizeof(fixdir), "%s", __FILE__);
		slash = strrchr(fixdir, '/');
		if (slash != NULL)
			*slash = '\0';
		slash = strrchr(fixdir, '/');
		if (slash != NULL)
			*slash = '\0';
		strncat(fixdir, "/fixtures/inventory",
		    sizeof(fixdir) - strlen(fixdir) - 1);
	}
	dump_122_maps();
	dump_123_arrays();
	dump_124();
	dump_126_workload_state();
	dump_weighted_waypoints();
	istioctl_workloads();
	istioctl_services();
	tables_workloads();
	tables_services();
	tables_zc_all();
	tables_respaced_and_crlf();
	merge_two_ztunnels();
	merge_same_content();
	merge_table_over_dump();
	merge_conflicts();
	query_by_address();
	query_by_name();
	query_waypoints();
	malformed();
	malformed_small();
	limits();
	directories();
	gzip_file();
	sql_tables();
	sql_unknowns();
	return tt_finish("t_inventory");
}

/*
 * inv.h -- the workload inventory: what ztunnel knew about workloads,
 * services and their endpoints, read from its own files.
 *
 * inventory files -> [inv] -> checks (queries), store (tables)
 *
 * Inputs, told apart by content, never by file name (zt_inv_load_*):
 *   - ztunnel's raw /config_dump JSON: 1.22 maps keyed by network address,
 *     1.23+ arrays; `istioctl ztunnel-config all -o json` prints the same
 *     bytes, and so is a bug-report archive's config_dump member;
 *   - `istioctl ztunnel-config workloads|services -o json`: istioctl's own
 *     re-serialised structs (no uid before 1.24, no service membership, no
 *     endpoint status, capacity 0 when the dump had none);
 *   - the tables istioctl prints (`proxy-config workload` 1.19-1.21,
 *     `x ztunnel-config` 1.22, `ztunnel-config`/`zc` 1.23+, `zc all` with
 *     or without --with-headers), every header variant listed in ztlog(1),
 *     DATABASE SCHEMA, "Inventory tables".
 *
 * Model.  Several sources merge into one inventory: a workload is one
 * record whatever the number of dumps naming it (key: uid, else namespace
 * and name), a service likewise (key: namespace and hostname, else
 * namespace and name for tables, which carry no hostname).  A field the
 * sources disagree on keeps its first value, and the disagreement is kept
 * as a zt_inv_conflict; nothing is silently overwritten.
 *
 * Unknown versus empty: every string field is NULL when no source says
 * (tables carry few fields), "" when a source says it is empty or absent
 * (a dump omits default values).  Enums have an UNKNOWN value; numbers
 * use -1.
 *
 * Ownership: a struct zt_inv owns every record and string it hands out.
 * Workload and service pointers and strings stay valid until
 * zt_inv_free(); source, conflict and endpoint pointers and the arrays
 * inside a record (ips, vips, eps, ports, ...) until the next load or
 * merge, which may also fill unknown fields.  Callers never write to the
 * records.
 */
#ifndef ZT_INV_H
#define ZT_INV_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "util/diag.h"
#include "util/text.h"

/* Limits for hostile input (zt_inv_set_limits changes them). */
#define ZT_INV_MAX_BYTES	(128u << 20)	/* one file, decompressed */
#define ZT_INV_MAX_DEPTH	64		/* JSON nesting */
#define ZT_INV_MAX_DIRDEPTH	8		/* directory levels walked */

#define ZT_INV_NOSOURCE	((size_t)-1)

struct zt_inv;

enum zt_inv_format {
	ZT_INV_FMT_NONE,	/* skipped: not an inventory (directory
				   walk), or content already read */
	ZT_INV_FMT_DUMP_MAP,	/* raw /config_dump, 1.22 maps */
	ZT_INV_FMT_DUMP,	/* raw /config_dump, 1.23+ arrays */
	ZT_INV_FMT_ZC_WORKLOADS, /* istioctl zc workloads -o json */
	ZT_INV_FMT_ZC_SERVICES,	/* istioctl zc services -o json */
	ZT_INV_FMT_ZC_EMPTY,	/* istioctl -o json that listed nothing */
	ZT_INV_FMT_TABLES	/* istioctl tables (text) */
};

enum zt_inv_proto {
	ZT_INV_PROTO_UNKNOWN,
	ZT_INV_PROTO_TCP,	/* not enrolled: plain TCP is by design */
	ZT_INV_PROTO_HBONE	/* enrolled: inbound must be HBONE */
};

enum zt_inv_health {
	ZT_INV_HEALTH_UNKNOWN,
	ZT_INV_HEALTHY,
	ZT_INV_UNHEALTHY
};

enum zt_inv_tri {
	ZT_INV_TRI_UNKNOWN,
	ZT_INV_TRI_NO,
	ZT_INV_TRI_YES
};

/* One service-port mapping: {"<port>": <target port>} in a dump. */
struct zt_inv_port {
	uint16_t	 port;		/* service port */
	uint16_t	 target;	/* target port; 0: same as the caller's */
};

struct zt_inv_workload {
	const char	*uid;		/* NULL: unknown (tables, old istioctl) */
	const char	*name;		/* pod name; never NULL */
	const char	*ns;		/* namespace; never NULL */
	const char	**ips;		/* addresses without network, */
	size_t		 nips;		/*   canonical text (inet_ntop) */
	const char	*hostname;
	const char	*node;		/* the pod's node */
	const char	*network;
	const char	*cluster;	/* clusterId */
	const char	*trust_domain;
	const char	*service_account;
	const char	*workload_name;
	const char	*workload_type;
	const char	*canonical_name;
	const char	*canonical_revision;
	const char	*network_mode;	/* "Standard", "HostNetwork" (1.24+) */
	enum zt_inv_proto protocol;
	enum zt_inv_health status;
	enum zt_inv_tri	 has_waypoint;
	const char	*waypoint;	/* destination as the dump writes it:
					   "<network>/<ip>" or "<ns>/<host>";
					   NULL when none or unknown */
	const char	*waypoint_name;	/* name of the waypoint's service:
					   from a table, or resolved */
	const char	*network_gateway; /* destination; "" none */
	int64_t		 capacity;	/* -1 unknown (tables); 1 when a dump
					   predates capacity (before 1.26) */
	const char	*region;	/* locality */
	const char	*zone;
	const char	*subzone;
	const char	**services;	/* membership "<ns>/<hostname>" (1.24+ */
	size_t		 nservices;	/*   raw dumps) */
	int		 services_known; /* 0: no source lists membership */
	size_t		 source;	/* first source naming it */
	size_t		 nsources;	/* sources naming it */
	size_t		 local_source;	/* the dump whose workloadState lists
					   it: the ztunnel serving the pod;
					   ZT_INV_NOSOURCE if none */
	const char	*local_state;	/* workloadState "Up", "Pending" */
	const char	*pod_uid;	/* workloadState key (Kubernetes uid) */
};

struct zt_inv_service;

struct zt_inv_endpoint {
	const char	*workload_uid;
	const struct zt_inv_workload *wl; /* NULL: no workload has the uid */
	struct zt_inv_port *ports;	/* per-endpoint port map */
	size_t		 nports;
	enum zt_inv_health status;	/* the endpoint's own (1.24+ raw
					   dumps); see zt_inv_endpoint_health */
};

struct zt_inv_wwaypoint {
	const char	*dest;		/* destination, as for waypoint */
	uint32_t	 weight;
};

struct zt_inv_service {
	const char	*name;		/* never NULL */
	const char	*ns;		/* never NULL */
	const char	*hostname;	/* NULL: unknown (tables) */
	const char	**vips;		/* addresses, network cut */
	const char	**vip_networks;	/* their networks; NULL entries when
					   unknown (tables) */
	size_t		 nvips;
	struct zt_inv_port *ports;
	size_t		 nports;
	int		 ports_known;
	enum zt_inv_tri	 has_waypoint;
	const char	*waypoint;	/* as for workloads */
	const char	*waypoint_name;
	struct zt_inv_wwaypoint *wwaypoints; /* weighted waypoints (HEAD) */
	size_t		 nwwaypoints;
	const char	*lb_mode;	/* "Standard", "Strict", "Failover",
					   "Passthrough"; "" no loadBalancer */
	const char	**lb_routing;	/* routing preferences, in order:
					   "Network", "Region", "Zone",
					   "Subzone", "Node", "Cluster" */
	size_t		 nlb_routing;
	const char	*lb_health;	/* "OnlyHealthy", "AllowAll"; NULL
					   when the source has none (<1.24) */
	struct zt_inv_endpoint *eps;	/* keyed by workload uid */
	size_t		 neps;
	int		 eps_known;	/* 0: tables (counts only) */
	int64_t		 ep_healthy;	/* ENDPOINTS healthy/total; from */
	int64_t		 ep_total;	/*   eps when known; -1 unknown */
	size_t		 source;
	size_t		 nsources;
};

struct zt_inv_source {
	const char	*name;		/* path, or the name given */
	enum zt_inv_format format;
	const char	*detail;	/* what was read ("workloads table
					   1.24+, services table 1.23+") or,
					   for ZT_INV_FMT_NONE, why skipped */
	const char	*node;		/* the ztunnel's node: config.localNode
					   or the caller's hint; NULL */
	const char	*cluster;	/* config.clusterId; NULL */
	const char	*version;	/* version.version; NULL */
	size_t		 nworkloads;	/* records read from this source */
	size_t		 nservices;
	size_t		 nendpoints;
};

/* Two sources disagree on a field; the first value was kept. */
struct zt_inv_conflict {
	const char	*what;		/* "workload", "service", "endpoint" */
	const char	*key;		/* uid, ns/name, ns/hostname, ... */
	const char	*field;		/* e.g. "status" */
	const char	*kept;		/* value kept, as text */
	const char	*other;		/* value not taken */
	size_t		 kept_source;
	size_t		 other_source;
};

/* An empty inventory.  Never fails (out of memory exits). */
struct zt_inv	*zt_inv_new(void);
void		 zt_inv_free(struct zt_inv *inv);
/* Change the byte cap per file and the JSON nesting cap (tests, fuzz). */
void		 zt_inv_set_limits(struct zt_inv *inv, size_t max_bytes,
		    unsigned max_depth);

/*
 * Read path into inv: a file (plain or gzip), or a directory walked in
 * name order, ZT_INV_MAX_DIRDEPTH levels deep, hidden entries skipped.
 * In a directory, files that are not an inventory (logs, YAML, other
 * JSON) are recorded as ZT_INV_FMT_NONE sources and skipped; a named file
 * must be one.  Content already read (the same bytes under another name)
 * is recorded as ZT_INV_FMT_NONE too, and not read again.  Each file is read whole before it is merged: a bad file
 * changes nothing.  Returns 0, or -1 with err set (file, line and column
 * where known: JSON syntax, table rows; else the JSON path in the
 * message); files merged before the bad one stay merged.
 */
int		 zt_inv_load_path(struct zt_inv *inv, const char *path,
		    struct zt_err *err);
/*
 * Read one inventory held in memory (e.g. a bug-report archive's
 * config_dump member) named name; node, if not NULL, is the node of the
 * ztunnel it came from (config.localNode wins when the dump has it).
 * Returns 0, or -1 with err set; inv is then unchanged.
 */
int		 zt_inv_load_mem(struct zt_inv *inv, const char *name,
		    const void *p, size_t n, const char *node,
		    struct zt_err *err);
/*
 * Merge src into dst (both as loaded separately); takes ownership of src,
 * which is freed.  Disagreements become conflicts of dst.  Never fails.
 */
void		 zt_inv_merge(struct zt_inv *dst, struct zt_inv *src);

size_t		 zt_inv_nworkloads(const struct zt_inv *inv);
const struct zt_inv_workload *zt_inv_workload(const struct zt_inv *inv,
		    size_t i);
size_t		 zt_inv_nservices(const struct zt_inv *inv);
const struct zt_inv_service *zt_inv_service(const struct zt_inv *inv,
		    size_t i);
size_t		 zt_inv_nsources(const struct zt_inv *inv);
const struct zt_inv_source *zt_inv_source(const struct zt_inv *inv,
		    size_t i);
size_t		 zt_inv_nconflicts(const struct zt_inv *inv);
const struct zt_inv_conflict *zt_inv_conflict(const struct zt_inv *inv,
		    size_t i);
/* "workload ns/name: status: Healthy in a.json, Unhealthy in b.json ..." */
void		 zt_inv_conflict_text(const struct zt_inv *inv,
		    const struct zt_inv_conflict *c, struct zt_buf *b);
/* "raw config_dump (1.22 maps)", "tables", ... */
const char	*zt_inv_format_name(enum zt_inv_format f);

/*
 * Queries.  The first query after a load builds the address and host
 * indexes and resolves waypoint names and endpoint workloads, hence the
 * non-const inv.  The plural forms store up to max matches in out (in
 * inventory order) and return how many there are in all, which may be
 * more than max: host-network pods share their node's address, a
 * hostname may exist in several namespaces (ServiceEntry).
 */
const struct zt_inv_workload *zt_inv_workload_by_uid(struct zt_inv *inv,
		    const char *uid);
/* ip: any textual form inet_pton(3) takes; no network prefix. */
size_t		 zt_inv_workloads_by_ip(struct zt_inv *inv, const char *ip,
		    const struct zt_inv_workload **out, size_t max);
/* ns NULL: any namespace. */
size_t		 zt_inv_workloads_by_name(struct zt_inv *inv, const char *ns,
		    const char *name, const struct zt_inv_workload **out,
		    size_t max);
/*
 * Services whose hostname is host (ns NULL: any namespace).  A service
 * known only from a table has no hostname: it matches when host is
 * "<name>.<ns>.svc" or starts with "<name>.<ns>.svc." (Kubernetes).
 */
size_t		 zt_inv_services_by_host(struct zt_inv *inv, const char *host,
		    const char *ns, const struct zt_inv_service **out,
		    size_t max);
size_t		 zt_inv_services_by_vip(struct zt_inv *inv, const char *ip,
		    const struct zt_inv_service **out, size_t max);
/*
 * The service a workload's or service's waypoint destination names
 * ("<ns>/<hostname>", or "<network>/<ip>" = one of its VIPs), else, from
 * a table, the one service of that name in the same namespace.  NULL when
 * there is no waypoint or it is not in the inventory.
 */
const struct zt_inv_service *zt_inv_workload_waypoint(struct zt_inv *inv,
		    const struct zt_inv_workload *wl);
const struct zt_inv_service *zt_inv_service_waypoint(struct zt_inv *inv,
		    const struct zt_inv_service *svc);
/*
 * An endpoint's health as ztunnel judges it: its own status (1.24+), else
 * its workload's, else unknown.
 */
enum zt_inv_health zt_inv_endpoint_health(const struct zt_inv_endpoint *ep);

/*
 * Write the inventory into db as the tables inventory_sources, workloads,
 * services, endpoints and inventory_addresses (schema: zt_inv_schema;
 * ztlog(1), DATABASE SCHEMA, "Inventory tables"), replacing those tables
 * if they exist; call it after the loads.  Runs inside a savepoint, so it
 * works within or without a transaction; all or nothing.  Returns 0, or -1
 * with err set.
 */
int		 zt_inv_store(struct zt_inv *inv, sqlite3 *db,
		    struct zt_err *err);

/* The schema zt_inv_store creates (documentation; also its DDL). */
extern const char zt_inv_schema[];

#endif

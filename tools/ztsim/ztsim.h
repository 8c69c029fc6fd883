/*
 * ztsim.h -- the simulated ambient cluster, shared by the ztsim modules.
 *
 * ztsim simulates an Istio ambient cluster whose truth is known: nodes
 * (one ztunnel each), workloads, services, waypoints, and connections
 * whose endpoints are drawn the way ztunnel's src/state.rs load_balance
 * draws them.  It writes the ztunnel logs, the inventory files of that
 * cluster and the truth (what was simulated) into an output directory.
 * main.c documents the modules; --help documents the scenario format and
 * the files.
 *
 * Times are microseconds since the start of the capture (true time);
 * a node's ztunnel writes true time + its clock offset.
 */

#ifndef ZTSIM_H
#define ZTSIM_H

#include <stdint.h>
#include <stdio.h>
#include <stddef.h>

#define ZS_START_SEC	1714816800	/* 2024-05-04T10:00:00Z */
#define ZS_HBONE_PORT	15008
#define ZS_FOREVER	INT64_MAX	/* present until the end and beyond */
#define ZS_MAXREP	64		/* replicas of one deployment */
#define ZS_MAXSC	6		/* routing preference scopes */
#define ZS_MAXWP	4		/* weighted waypoints of a service */

/* imitated Istio/ztunnel release: log layout and inventory shapes */
enum zs_ver { ZV_122, ZV_123, ZV_124, ZV_126, ZV_131 };

/* LoadBalancerMode; LB_NONE = the service has no load_balancer */
enum zs_lbmode { LB_NONE, LB_STANDARD, LB_STRICT, LB_FAILOVER };

/* LoadBalancerScopes, as ztunnel spells them */
enum zs_scope { SC_REGION, SC_ZONE, SC_SUBZONE, SC_NODE, SC_CLUSTER,
	SC_NETWORK };

/* error categories (ztunnel's failure kinds) */
enum zs_err { ZE_NONE, ZE_REFUSED, ZE_TIMEOUT, ZE_POLICY, ZE_NOUPSTREAM,
	ZE_DRAIN, ZE_TLS, ZE_COUNT };

enum zs_wkind { WK_CLIENT, WK_ENDPOINT, WK_WAYPOINT };

struct zs_rng {				/* xoshiro256** */
	uint64_t	 s[4];
};

struct zs_node {
	char		 name[64];
	char		 region[48];
	char		 zone[48];
	char		 subzone[48];
	int64_t		 clock_us;	/* added to what its ztunnel writes */
	char		 zpod[24];	/* ztunnel-xxxxx */
	char		 kuid[40];	/* the ztunnel pod's Kubernetes UID */
};

struct zs_wl {				/* a pod */
	char		 name[112];
	char		 ns[48];
	char		 sa[64];
	char		 app[64];	/* canonicalName */
	char		 rev[16];	/* canonicalRevision */
	char		 deploy[96];	/* workloadName */
	char		 kuid[40];	/* Kubernetes pod UID */
	uint32_t	 ip;
	int		 node;
	enum zs_wkind	 kind;
	int		 svc;		/* service it serves, -1: a client */
	int		 slot;		/* replica number 0.. (kept on restart) */
	int		 hbone;		/* protocol HBONE (else TCP) */
	int		 captured;	/* enrolled in ambient: ztunnel logs it */
	int		 native;	/* nativeTunnel (waypoints) */
	int		 healthy;
	int		 idle;		/* never drawn: stale in ztunnels' view */
	unsigned	 capacity;
	int64_t		 first_us;	/* present from (<0: before capture) */
	int64_t		 last_us;	/* ... until (ZS_FOREVER: still there) */
	int		 replaced_by;	/* rolling restart successor, -1 */
	double		 weight;	/* clients: share of the traffic */
};

struct zs_svc {
	char		 name[64];
	char		 ns[48];
	char		 host[160];
	uint32_t	 vip;
	uint16_t	 port;
	uint16_t	 tport;
	int		 is_waypoint;	/* a waypoint's own Service */
	int		*ep;		/* workload indices, restarts included */
	size_t		 nep;
	size_t		 nslot;		/* replicas (slots) */
	enum zs_lbmode	 mode;
	int		 scopes[ZS_MAXSC];
	int		 nscopes;
	int		 allowall;	/* health_policy AllowAll */
	int		 wp[ZS_MAXWP];	/* waypoint services, -1 terminated */
	unsigned	 wpw[ZS_MAXWP];	/* weights (weighted waypoints) */
	int		 nwp;
	int		 weighted;	/* weightedWaypoints (1.31) */
	double		 skew[ZS_MAXREP]; /* broken LB: per slot shares */
	int		 nskew;
	double		 weight;	/* popularity */
	double		 bypass;	/* % of calls dialling a pod directly */
	double		 plaintext;	/* % plain TCP to HBONE endpoints */
	double		 err[ZE_COUNT];	/* % per error category */
	int		 db;		/* database-like: longer connections */
	double		 lat_us;
	double		 req;
	double		 resp;
	int		 fixed;		/* bytes=: req and resp exactly */
	int64_t		 rs_at_us;	/* rolling restart: start, -1: none */
	int64_t		 rs_step_us;
};

/* one access line waiting to be written */
struct zs_rec {
	int64_t		 ts;		/* true close time */
	uint64_t	 seq;
	uint64_t	 bsent;
	uint64_t	 brecv;
	int64_t		 conn;		/* connection number */
	uint32_t	 dur_ms;
	uint32_t	 src_ip;
	uint32_t	 dst_ip;
	uint32_t	 hb_ip;
	int32_t		 src_wl;	/* -1: unknown */
	int32_t		 dst_wl;
	int32_t		 svc;		/* dst.service, -1: absent */
	uint16_t	 src_port;
	uint16_t	 dst_port;
	uint16_t	 hb_port;
	uint8_t		 inbound;
	uint8_t		 hbone;		/* dst.hbone_addr present */
	uint8_t		 mtls;		/* identities present */
	uint8_t		 failed;	/* connection failed: four fields */
	uint8_t		 err;		/* enum zs_err */
	uint8_t		 node;		/* the logging ztunnel */
	uint32_t	 line;		/* line number in ztunnel.log */
};

/* one simulated connection: the truth of conns.tsv */
enum zs_path { ZP_DIRECT, ZP_WAYPOINT, ZP_BYPASS, ZP_PLAIN_TCP,
	ZP_PLAIN_VIOL, ZP_UNENROLLED, ZP_FAILED };

struct zs_conn {
	int64_t		 start;
	int64_t		 end;
	int32_t		 client;
	int32_t		 svc;
	int32_t		 wp;		/* waypoint replica, -1 */
	int32_t		 ep;		/* endpoint, -1 */
	int32_t		 out_rec;	/* record indices, -1: none */
	int32_t		 in_rec;
	uint8_t		 path;
	uint8_t		 err;
};

/* expected vs drawn counts of one (service, hop, source node, endpoint) */
enum zs_hop { HOP_CLIENT_EP, HOP_CLIENT_WP, HOP_WP_EP };

struct zs_cell {
	int		 svc;
	int		 hop;
	int		 srcnode;
	int		 wl;		/* endpoint or waypoint replica */
	double		 expect;	/* sum of model probabilities */
	long		 count;		/* drawn */
};

struct zs_sim {
	/* options and scenario */
	uint64_t	 seed;
	double		 duration;	/* seconds */
	double		 rate;		/* connections per second */
	enum zs_ver	 ver;
	int		 json;		/* LOG_FORMAT=json */
	int		 prefix;	/* kubectl --prefix */
	int		 bugreport;
	double		 errdef[ZE_COUNT];
	int		 errdef_set;
	/* the cluster */
	struct zs_node	*node;
	size_t		 nnode;
	struct zs_wl	*wl;
	size_t		 nwl;
	struct zs_svc	*svc;
	size_t		 nsvc;
	/* the traffic */
	struct zs_rng	 rng;
	struct zs_rec	*rec;
	size_t		 nrec;
	struct zs_conn	*conn;
	size_t		 nconn;
	struct zs_cell	*cell;
	size_t		 ncell;
	uint64_t	 seq;
	uint32_t	 nextip[256];	/* per node pod IP counter */
};

/* util.c */
void		 zs_die(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2), noreturn));
void		*zs_xmalloc(size_t n);
void		*zs_xcalloc(size_t n, size_t size);
void		*zs_xrealloc(void *p, size_t n);
void		 zs_grow(void **p, size_t *cap, size_t need, size_t size);
void		 zs_rng_seed(struct zs_rng *r, uint64_t seed, uint64_t stream);
uint64_t	 zs_rnext(struct zs_rng *r);
uint32_t	 zs_rbelow(struct zs_rng *r, uint32_t n);
double		 zs_runit(struct zs_rng *r);
double		 zs_rexp(struct zs_rng *r, double mean);
double		 zs_rlogn(struct zs_rng *r, double median, double sigma);
void		 zs_rname(struct zs_rng *r, char *out, size_t n);
void		 zs_ruuid(struct zs_rng *r, char *out);
char		*zs_ip(uint32_t ip, char *buf);
void		 zs_ts(int64_t unix_us, char *buf);
FILE		*zs_create(const char *dir, const char *name);
void		 zs_close(FILE *f, const char *name);
void		 zs_mkdirs(const char *path);
const char	*zs_vername(enum zs_ver v);
const char	*zs_scopename(int sc);
const char	*zs_modename(enum zs_lbmode m);
const char	*zs_errname(int e);

/* json.c: the pretty printers of serde_json and Go's MarshalIndent */
struct zs_json {
	FILE		*f;
	int		 indent;	/* 2 (serde) or 4 (istioctl) */
	int		 depth;
	int		 first[32];
	int		 after_key;
};
void		 zj_init(struct zs_json *j, FILE *f, int indent);
void		 zj_obj(struct zs_json *j);
void		 zj_arr(struct zs_json *j);
void		 zj_end(struct zs_json *j, int close);
void		 zj_key(struct zs_json *j, const char *k);
void		 zj_str(struct zs_json *j, const char *s);
void		 zj_num(struct zs_json *j, long long v);
void		 zj_bool(struct zs_json *j, int v);
void		 zj_null(struct zs_json *j);
void		 zj_kstr(struct zs_json *j, const char *k, const char *s);
void		 zj_knum(struct zs_json *j, const char *k, long long v);

/* scenario.c */
void		 zs_scenario_load(struct zs_sim *s, const char *text,
		    const char *what);
const char	*zs_scenario_builtin(const char *name);
void		 zs_scenario_list(FILE *f);
void		 zs_add_services(struct zs_sim *s, int n, int lo, int hi);
void		 zs_finish_cluster(struct zs_sim *s);
int		 zs_present(const struct zs_wl *w, int64_t t);

/* lb.c: ztunnel's choice of an endpoint */
size_t		 zs_candidates(const struct zs_sim *s, const struct zs_svc *v,
		    const struct zs_wl *src, int64_t t, int *out, double *p);
int		 zs_draw(struct zs_sim *s, const struct zs_svc *v,
		    const struct zs_wl *src, int64_t t, int hop, int envoy);
int		 zs_pick_waypoint(struct zs_sim *s, const struct zs_svc *v);

/* traffic.c */
void		 zs_simulate(struct zs_sim *s);

/* logout.c */
void		 zs_write_logs(struct zs_sim *s, const char *dir);

/* inv.c: shared by dump.c and istioctl.c */
void		 zs_uid(const struct zs_wl *w, char *buf, size_t cap);
void		 zs_sort_by_uid(const struct zs_sim *s, int *ix, size_t n);
size_t		 zs_endpoint_set(const struct zs_sim *s, const struct zs_svc *v,
		    int64_t snap, int *out);
void		 zs_json_ports(struct zs_json *j, const struct zs_svc *v);
void		 zs_waypoint_dest(const struct zs_sim *s, const struct zs_svc *wp,
		    char *buf, size_t cap);

/* dump.c */
void		 zs_write_config_dump(const struct zs_sim *s, FILE *f, int node);

/* istioctl.c */
void		 zs_write_istioctl(const struct zs_sim *s, const char *dir);

/* truth.c */
void		 zs_write_truth(const struct zs_sim *s, const char *dir);

#endif

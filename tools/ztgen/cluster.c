/*
 * cluster.c -- ztgen's simulated cluster: one ztunnel pod per node, the
 * services (from a fixed list, numbered when there are more) with their
 * VIPs and endpoint pods, one waypoint deployment per namespace that has
 * waypoint-enabled services, the client pods, and the Zipf-like
 * popularity of services and clients.  Drawn from its own random stream,
 * so the cluster depends on --seed and the sizes only.
 */

#include "ztgen.h"

static uint32_t
mkip(unsigned a, unsigned b, unsigned c, unsigned d)
{
	return (uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d;
}

struct svcdef {
	const char	*name;
	const char	*ns;
	uint16_t	 port;
	uint16_t	 tport;
	enum svckind	 kind;
	int		 waypoint;
	int		 versioned;	/* endpoints are name-vN deployments */
};

static const struct svcdef svcdefs[] = {
	{ "productpage", "bookinfo", 9080, 9080, SK_HTTP, 0, 0 },
	{ "reviews", "bookinfo", 9080, 9080, SK_HTTP, 0, 1 },
	{ "details", "bookinfo", 9080, 9080, SK_HTTP, 0, 0 },
	{ "users", "default", 80, 8080, SK_HTTP, 0, 0 },
	{ "frontend", "shop", 80, 8080, SK_HTTP, 0, 0 },
	{ "cart", "shop", 7070, 7070, SK_GRPC, 0, 0 },
	{ "checkout", "shop", 5050, 5050, SK_GRPC, 0, 0 },
	{ "catalog", "shop", 3550, 3550, SK_GRPC, 0, 0 },
	{ "currency", "shop", 7000, 7000, SK_GRPC, 0, 0 },
	{ "shipping", "shop", 50051, 50051, SK_GRPC, 0, 0 },
	{ "recommendation", "shop", 8080, 8080, SK_GRPC, 0, 0 },
	{ "payments", "payments", 50051, 50051, SK_GRPC, 0, 0 },
	{ "fraud-check", "payments", 8080, 8080, SK_HTTP, 1, 0 },
	{ "ledger", "payments", 8443, 8443, SK_HTTP, 1, 0 },
	{ "auth", "default", 80, 8080, SK_HTTP, 0, 0 },
	{ "ratings", "bookinfo", 9080, 9080, SK_HTTP, 1, 0 },
	{ "notifications", "default", 80, 3000, SK_HTTP, 0, 0 },
	{ "postgres", "data", 5432, 5432, SK_DB, 0, 0 },
	{ "redis", "data", 6379, 6379, SK_DB, 0, 0 },
	{ "kafka", "data", 9092, 9092, SK_DB, 0, 0 },
	{ "search", "default", 9200, 9200, SK_HTTP, 0, 0 },
	{ "email", "shop", 5000, 8080, SK_GRPC, 0, 0 },
	{ "ad", "shop", 9555, 9555, SK_GRPC, 0, 0 },
	{ "inventory", "shop", 8080, 8080, SK_HTTP, 1, 0 },
};
#define NSVCDEFS (sizeof(svcdefs) / sizeof(svcdefs[0]))

struct clidef {
	const char	*name;
	const char	*ns;
	const char	*sa;
};

static const struct clidef clidefs[] = {
	{ "curl", "default", "curl" },
	{ "loadgenerator", "shop", "loadgenerator" },
	{ "web-ui", "shop", "web-ui" },
	{ "sleep", "default", "sleep" },
	{ "api-gateway", "default", "api-gateway" },
	{ "orders-worker", "payments", "orders-worker" },
	{ "traffic-gen", "bookinfo", "default" },
	{ "notifier", "default", "notifier" },
	{ "batch-report", "data", "batch-report" },
	{ "scheduler", "default", "scheduler" },
	{ "shell", "default", "default" },
	{ "mobile-bff", "shop", "mobile-bff" },
};
#define NCLIDEFS (sizeof(clidefs) / sizeof(clidefs[0]))

static uint32_t
alloc_ip(struct gen *g, unsigned node)
{
	unsigned k = g->podips[node]++;
	unsigned block = node + (unsigned)g->npod * (k / 252);

	if (block >= 11 * 256)
		die("too many pods for the pod range 10.244.0.0-10.254.255.255");
	return mkip(10, 244 + block / 256, block % 256, 2 + k % 252);
}

static struct wl *
add_wl(struct gen *g, struct rng_state *r, const char *name, const char *ns,
    const char *sa, int captured)
{
	struct wl *w;

	if (g->nwl == g->wlcap) {
		g->wlcap = g->wlcap ? 2 * g->wlcap : 64;
		g->wl = xrealloc(g->wl, g->wlcap * sizeof(*g->wl));
	}
	w = &g->wl[g->nwl++];
	memset(w, 0, sizeof(*w));
	snprintf(w->name, sizeof(w->name), "%s", name);
	snprintf(w->ns, sizeof(w->ns), "%s", ns);
	snprintf(w->sa, sizeof(w->sa), "%s", sa);
	ruuid(r, w->uid);
	w->node = rbelow(r, (uint32_t)g->npod);
	w->ip = alloc_ip(g, w->node);
	w->captured = captured;
	wl_frags(g, w);
	return w;
}

/* a Deployment's pods share the ReplicaSet hash: name-<hash>-<5> */
static void
deploy_name(struct rng_state *r, char *out, size_t cap, const char *base,
    const char *hash)
{
	char sfx[8];

	rname(r, sfx, 5);
	snprintf(out, cap, "%s-%s-%s", base, hash, sfx);
}

/* one ztunnel pod per node: ztunnel-xxxxx on worker-N */
static void
mk_pods(struct gen *g, struct rng_state *r)
{
	size_t i;

	g->npod = g->o.nodes;
	g->pod = xmalloc(g->npod * sizeof(*g->pod));
	memset(g->pod, 0, g->npod * sizeof(*g->pod));
	g->podips = xmalloc(g->npod * sizeof(*g->podips));
	for (i = 0; i < g->npod; i++) {
		struct zpod *p = &g->pod[i];
		char sfx[8];

		g->podips[i] = 0;
		rname(r, sfx, 5);
		snprintf(p->name, sizeof(p->name), "ztunnel-%s", sfx);
		snprintf(p->node, sizeof(p->node), "worker-%zu", i + 1);
		p->decon = (size_t)snprintf(p->deco, sizeof(p->deco),
		    "[pod/%s/istio-proxy] ", p->name);
	}
}

/* a VIP in 10.96.0.0/16 not in vips[] (the first cap are remembered) */
static uint32_t
unique_vip(struct rng_state *r, uint32_t *vips, size_t *nvips, size_t cap)
{
	uint32_t vip;
	size_t n;

	do {
		uint32_t c = rrange(r, 0, 255);

		vip = mkip(10, 96, c, rrange(r, 1, 254));
		for (n = 0; n < *nvips && vips[n] != vip; n++)
			;
	} while (n < *nvips);
	if (*nvips < cap)
		vips[(*nvips)++] = vip;
	return vip;
}

/* the endpoint pods of service s */
static void
mk_endpoints(struct gen *g, struct rng_state *r, const struct svcdef *d,
    struct svc *s)
{
	char name[128];
	char base[80];
	char hash[16];
	char sa[64];
	size_t j;

	s->ep0 = g->nwl;
	s->nep = rrange(r, 1, g->o.endpoints);
	if (d->versioned && s->nep < 3 && g->o.endpoints >= 3)
		s->nep = 3;
	if (strcmp(d->ns, "bookinfo") == 0)
		snprintf(sa, sizeof(sa), "bookinfo-%s", s->name);
	else
		snprintf(sa, sizeof(sa), "%s", s->name);
	rname(r, hash, 10);
	for (j = 0; j < s->nep; j++) {
		if (d->kind == SK_DB) {
			snprintf(name, sizeof(name), "%s-%zu", s->name, j);
		} else if (d->versioned) {
			snprintf(base, sizeof(base), "%s-v%zu", s->name,
			    j + 1);
			rname(r, hash, 10);
			deploy_name(r, name, sizeof(name), base, hash);
		} else {
			snprintf(base, sizeof(base), "%s-v1", s->name);
			deploy_name(r, name, sizeof(name), base, hash);
		}
		add_wl(g, r, name, s->ns, sa, 1);
	}
}

static void
mk_services(struct gen *g, struct rng_state *r)
{
	uint32_t vips[4096];
	size_t nvips = 0;
	size_t i;

	g->nsvc = g->o.services;
	g->svc = xmalloc(g->nsvc * sizeof(*g->svc));
	memset(g->svc, 0, g->nsvc * sizeof(*g->svc));
	for (i = 0; i < g->nsvc; i++) {
		const struct svcdef *d = &svcdefs[i % NSVCDEFS];
		struct svc *s = &g->svc[i];
		size_t k = i / NSVCDEFS;

		if (k == 0)
			snprintf(s->name, sizeof(s->name), "%s", d->name);
		else
			snprintf(s->name, sizeof(s->name), "%s-%zu", d->name,
			    k + 1);
		snprintf(s->ns, sizeof(s->ns), "%s", d->ns);
		s->vip = unique_vip(r, vips, &nvips,
		    sizeof(vips) / sizeof(vips[0]));
		s->port = d->port;
		s->tport = d->tport;
		s->kind = d->kind;
		s->wp0 = -1;
		s->lat_us = d->kind == SK_DB ? rlogu(r, 300, 4000)
					     : rlogu(r, 800, 25000);
		s->req = d->kind == SK_DB ? rlogu(r, 60, 1500)
					  : rlogu(r, 80, 900);
		s->resp = d->kind == SK_DB ? rlogu(r, 100, 60000)
					   : rlogu(r, 150, 20000);
		svc_frag(g, s);
		mk_endpoints(g, r, d, s);
	}
}

/* one waypoint deployment per namespace with waypoint services */
static void
mk_waypoints(struct gen *g, struct rng_state *r)
{
	char name[128];
	char hash[16];
	size_t i;
	size_t j;

	for (i = 0; i < g->nsvc; i++) {
		struct svc *s = &g->svc[i];
		size_t nwp;

		if (!svcdefs[i % NSVCDEFS].waypoint || s->wp0 >= 0)
			continue;
		nwp = g->nsvc >= 40 ? 2 : 1;
		s->wp0 = (long)g->nwl;
		s->nwp = nwp;
		rname(r, hash, 10);
		for (j = 0; j < nwp; j++) {
			deploy_name(r, name, sizeof(name), "waypoint", hash);
			add_wl(g, r, name, s->ns, "waypoint", 0);
		}
		for (j = i + 1; j < g->nsvc; j++) {
			if (svcdefs[j % NSVCDEFS].waypoint &&
			    strcmp(g->svc[j].ns, s->ns) == 0) {
				g->svc[j].wp0 = s->wp0;
				g->svc[j].nwp = nwp;
			}
		}
	}
}

static void
mk_clients(struct gen *g, struct rng_state *r)
{
	char name[128];
	char base[80];
	char hash[16];
	size_t i;

	g->ncli = g->o.clients;
	g->cli = xmalloc(g->ncli * sizeof(*g->cli));
	for (i = 0; i < g->ncli; i++) {
		const struct clidef *d = &clidefs[i % NCLIDEFS];
		size_t k = i / NCLIDEFS;

		if (k == 0)
			snprintf(base, sizeof(base), "%s", d->name);
		else
			snprintf(base, sizeof(base), "%s-%zu", d->name, k + 1);
		rname(r, hash, 10);
		deploy_name(r, name, sizeof(name), base, hash);
		g->cli[i] = g->nwl;
		add_wl(g, r, name, d->ns, d->sa, 1);
	}
}

/* popularity: Zipf-like, s = 0.9 for services, 0.7 for clients */
static void
mk_popularity(struct gen *g)
{
	size_t i;

	g->svccum = xmalloc(g->nsvc * sizeof(*g->svccum));
	for (i = 0; i < g->nsvc; i++)
		g->svccum[i] = (i ? g->svccum[i - 1] : 0) +
		    xexp(-0.9 * xln((double)(i + 1)));
	g->clicum = xmalloc(g->ncli * sizeof(*g->clicum));
	for (i = 0; i < g->ncli; i++)
		g->clicum[i] = (i ? g->clicum[i - 1] : 0) +
		    xexp(-0.7 * xln((double)(i + 1)));
}

void
build_cluster(struct gen *g)
{
	struct rng_state r;

	rng_seed(&r, g->o.seed, 1);
	mk_pods(g, &r);
	mk_services(g, &r);
	mk_waypoints(g, &r);
	mk_clients(g, &r);
	mk_popularity(g);
}

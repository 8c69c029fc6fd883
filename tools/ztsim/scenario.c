/*
 * scenario.c -- the scenario language (see ztsim --help) and the cluster
 * it describes: nodes, clients, waypoints and services with their pods,
 * addresses and names, rolling restarts included.  Everything derives
 * from the seed; a scenario is read in two passes (settings, then the
 * objects in file order) so that -s and a `seed` line agree.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ztsim.h"

#define MAXTOK	32

struct line {
	const char	*what;		/* scenario name, for messages */
	int		 no;
	char		*tok[MAXTOK];	/* directive, then key=value words */
	int		 ntok;
};

struct build {
	struct zs_sim	*s;
	struct zs_rng	 r;		/* names, addresses, placement */
	size_t		 wlcap;
	size_t		 svccap;
	size_t		 nodecap;
	unsigned	 place;		/* round-robin placement cursor */
};

static void
bad(const struct line *l, const char *msg, const char *arg)
{
	zs_die("%s:%d: %s%s%s%s", l->what, l->no, msg, arg ? " '" : "",
	    arg ? arg : "", arg ? "'" : "");
}

/* the value of key in line l, or NULL; every key must be known */
static const char *
val(const struct line *l, const char *key)
{
	size_t n = strlen(key);
	int i;

	for (i = 1; i < l->ntok; i++)
		if (strncmp(l->tok[i], key, n) == 0 && l->tok[i][n] == '=')
			return l->tok[i] + n + 1;
	return NULL;
}

/* every word from first on is key=value with a key from keys */
static void
known(const struct line *l, const char *const *keys, int first)
{
	int i;
	size_t k;

	for (i = first; i < l->ntok; i++) {
		const char *eq = strchr(l->tok[i], '=');

		if (eq == NULL)
			bad(l, "expected key=value, got", l->tok[i]);
		for (k = 0; keys[k] != NULL; k++)
			if (strlen(keys[k]) == (size_t)(eq - l->tok[i]) &&
			    strncmp(keys[k], l->tok[i], (size_t)(eq -
			    l->tok[i])) == 0)
				break;
		if (keys[k] == NULL)
			bad(l, "unknown key in", l->tok[i]);
	}
}

static double
num(const struct line *l, const char *s, double lo, double hi)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !(v >= lo && v <= hi))
		bad(l, "bad number", s);
	return v;
}

static double
numkey(const struct line *l, const char *key, double def, double lo,
    double hi)
{
	const char *v = val(l, key);

	return v ? num(l, v, lo, hi) : def;
}

/* comma-separated numbers into out[]; returns the count */
static int
numlist(const struct line *l, const char *s, double *out, int max,
    double lo, double hi)
{
	char buf[512];
	char *p;
	char *save = NULL;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", s);
	for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		if (n == max)
			bad(l, "too many values in", s);
		out[n++] = num(l, p, lo, hi);
	}
	if (n == 0)
		bad(l, "empty list", s);
	return n;
}

static int
yesno(const struct line *l, const char *key, int def)
{
	const char *v = val(l, key);

	if (v == NULL)
		return def;
	if (strcmp(v, "yes") == 0)
		return 1;
	if (strcmp(v, "no") == 0)
		return 0;
	bad(l, "expected yes or no", v);
	return 0;
}

static void
copyname(const struct line *l, char *dst, size_t cap, const char *src)
{
	size_t i;

	for (i = 0; src[i] != '\0'; i++)
		if (!((src[i] >= 'a' && src[i] <= 'z') || (src[i] >= '0' &&
		    src[i] <= '9') || src[i] == '-' || src[i] == '.'))
			bad(l, "names are lowercase DNS labels:", src);
	if (i == 0 || i >= cap)
		bad(l, "bad name length", src);
	memcpy(dst, src, i + 1);
}

/* ------------------------------------------------------------------ */
/* nodes */

static int
find_node(const struct zs_sim *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nnode; i++)
		if (strcmp(s->node[i].name, name) == 0)
			return (int)i;
	return -1;
}

static struct zs_node *
add_node(struct build *b, const struct line *l, const char *name)
{
	struct zs_sim *s = b->s;
	struct zs_node *n;
	char sfx[8];

	if (find_node(s, name) >= 0)
		bad(l, "node defined twice:", name);
	if (s->nnode == 250)
		bad(l, "more than 250 nodes", NULL);
	zs_grow((void **)&s->node, &b->nodecap, s->nnode + 1, sizeof(*n));
	n = &s->node[s->nnode++];
	memset(n, 0, sizeof(*n));
	copyname(l, n->name, sizeof(n->name), name);
	zs_rname(&b->r, sfx, 5);
	snprintf(n->zpod, sizeof(n->zpod), "ztunnel-%s", sfx);
	zs_ruuid(&b->r, n->kuid);
	return n;
}

static void
loc(const struct line *l, char *dst, size_t cap, const char *key)
{
	const char *v = val(l, key);

	if (v != NULL && *v != '\0')
		copyname(l, dst, cap, v);
}

static void
d_node(struct build *b, const struct line *l)
{
	static const char *const keys[] = { "region", "zone", "subzone",
		"clock", NULL };
	struct zs_node *n;

	known(l, keys, 2);
	if (l->ntok < 2 || strchr(l->tok[1], '=') != NULL)
		bad(l, "node needs a name", NULL);
	n = add_node(b, l, l->tok[1]);
	loc(l, n->region, sizeof(n->region), "region");
	loc(l, n->zone, sizeof(n->zone), "zone");
	loc(l, n->subzone, sizeof(n->subzone), "subzone");
	n->clock_us = (int64_t)(numkey(l, "clock", 0, -86400, 86400) * 1e6);
}

static void
d_nodes(struct build *b, const struct line *l, int count)
{
	static const char *const keys[] = { "zones", "region", "clock", NULL };
	double clk[250];
	int nclk = 0;
	int zones;
	int i;
	const char *v;

	known(l, keys, 1);
	zones = (int)numkey(l, "zones", 0, 0, 26);
	if ((v = val(l, "clock")) != NULL)
		nclk = numlist(l, v, clk, 250, -86400, 86400);
	for (i = 0; i < count; i++) {
		char name[32];
		struct zs_node *n;

		snprintf(name, sizeof(name), "worker-%d", i + 1);
		n = add_node(b, l, name);
		if (zones > 0) {
			v = val(l, "region");
			snprintf(n->region, sizeof(n->region), "%.40s",
			    v ? v : "region-1");
			snprintf(n->zone, sizeof(n->zone), "%.40s-%c",
			    n->region, 'a' + i % zones);
		}
		if (i < nclk)
			n->clock_us = (int64_t)(clk[i] * 1e6);
	}
}

/* ------------------------------------------------------------------ */
/* pods */

static uint32_t
alloc_ip(struct build *b, int node)
{
	uint32_t k = b->s->nextip[node]++;
	uint32_t block = k / 250;

	if (block > 10)
		zs_die("too many pods on node %s", b->s->node[node].name);
	return (uint32_t)10 << 24 | (244 + block) << 16 |
	    (uint32_t)node << 8 | (2 + k % 250);
}

/* the nodes a deployment's pods go to: node=a,b or all, round-robin */
static int
place(struct build *b, const struct line *l, int k)
{
	const char *v = val(l, "node");
	char buf[512];
	char *names[250];
	char *p;
	char *save = NULL;
	int n = 0;
	int ix;

	if (v == NULL)
		return (int)((b->place + (unsigned)k) % b->s->nnode);
	snprintf(buf, sizeof(buf), "%s", v);
	for (p = strtok_r(buf, ",", &save); p && n < 250;
	    p = strtok_r(NULL, ",", &save))
		names[n++] = p;
	if (n == 0)
		bad(l, "empty node list", v);
	ix = find_node(b->s, names[k % n]);
	if (ix < 0)
		bad(l, "unknown node", names[k % n]);
	return ix;
}

static struct zs_wl *
add_pod(struct build *b, const char *deploy, const char *hash, int node)
{
	struct zs_sim *s = b->s;
	struct zs_wl *w;
	char sfx[8];

	zs_grow((void **)&s->wl, &b->wlcap, s->nwl + 1, sizeof(*w));
	w = &s->wl[s->nwl++];
	memset(w, 0, sizeof(*w));
	zs_rname(&b->r, sfx, 5);
	snprintf(w->name, sizeof(w->name), "%s-%s-%s", deploy, hash, sfx);
	snprintf(w->deploy, sizeof(w->deploy), "%s", deploy);
	zs_ruuid(&b->r, w->kuid);
	w->node = node;
	w->ip = alloc_ip(b, node);
	w->svc = -1;
	w->hbone = w->captured = w->healthy = 1;
	w->capacity = 1;
	w->first_us = -1;
	w->last_us = ZS_FOREVER;
	w->replaced_by = -1;
	snprintf(w->rev, sizeof(w->rev), "v1");
	return w;
}

static void
client_deploy(struct build *b, const struct line *l, const char *name,
    const char *ns, const char *sa, int reps, double weight, int enrolled)
{
	char hash[16];
	int k;

	zs_rname(&b->r, hash, 10);
	for (k = 0; k < reps; k++) {
		struct zs_wl *w = add_pod(b, name, hash, place(b, l, k));

		w->kind = WK_CLIENT;
		snprintf(w->ns, sizeof(w->ns), "%s", ns);
		snprintf(w->sa, sizeof(w->sa), "%s", sa);
		snprintf(w->app, sizeof(w->app), "%s", name);
		w->weight = weight / reps;
		w->captured = w->hbone = enrolled;
	}
	b->place++;
}

static void
d_client(struct build *b, const struct line *l)
{
	static const char *const keys[] = { "ns", "sa", "replicas", "node",
		"weight", "enrolled", NULL };
	char name[64];
	char ns[48] = "default";
	char sa[64];

	known(l, keys, 2);
	if (l->ntok < 2 || strchr(l->tok[1], '=') != NULL)
		bad(l, "client needs a name", NULL);
	copyname(l, name, sizeof(name), l->tok[1]);
	if (val(l, "ns"))
		copyname(l, ns, sizeof(ns), val(l, "ns"));
	snprintf(sa, sizeof(sa), "%s", name);
	if (val(l, "sa"))
		copyname(l, sa, sizeof(sa), val(l, "sa"));
	client_deploy(b, l, name, ns, sa,
	    (int)numkey(l, "replicas", 1, 1, ZS_MAXREP),
	    numkey(l, "weight", 1, 0.001, 1e6), yesno(l, "enrolled", 1));
}

static void
d_clients(struct build *b, const struct line *l, int count)
{
	static const char *const names[][2] = {
		{ "curl", "default" }, { "loadgenerator", "shop" },
		{ "web-ui", "shop" }, { "sleep", "default" },
		{ "api-gateway", "default" }, { "orders-worker", "payments" },
		{ "traffic-gen", "bookinfo" }, { "notifier", "default" },
		{ "batch-report", "data" }, { "scheduler", "default" },
	};
	static const char *const keys[] = { NULL };
	int i;

	known(l, keys, 1);
	for (i = 0; i < count; i++) {
		char name[64];
		size_t k = (size_t)i % (sizeof(names) / sizeof(names[0]));

		if (i < (int)(sizeof(names) / sizeof(names[0])))
			snprintf(name, sizeof(name), "%s", names[k][0]);
		else
			snprintf(name, sizeof(name), "%s-%d", names[k][0],
			    i / (int)(sizeof(names) / sizeof(names[0])) + 1);
		client_deploy(b, l, name, names[k][1], name, 1, 1, 1);
	}
}

/* ------------------------------------------------------------------ */
/* services and waypoints */

static int
find_svc(const struct zs_sim *s, const char *name, const char *ns)
{
	size_t i;

	for (i = 0; i < s->nsvc; i++)
		if (strcmp(s->svc[i].name, name) == 0 &&
		    strcmp(s->svc[i].ns, ns) == 0)
			return (int)i;
	return -1;
}

static uint32_t
new_vip(struct build *b)
{
	uint32_t vip;
	size_t i;

	for (;;) {
		vip = (uint32_t)10 << 24 | 96 << 16 | zs_rbelow(&b->r, 256) << 8 |
		    (1 + zs_rbelow(&b->r, 254));
		for (i = 0; i < b->s->nsvc && b->s->svc[i].vip != vip; i++)
			;
		if (i == b->s->nsvc)
			return vip;
	}
}

static struct zs_svc *
add_svc(struct build *b, const struct line *l, const char *name,
    const char *ns)
{
	struct zs_sim *s = b->s;
	struct zs_svc *v;

	if (find_svc(s, name, ns) >= 0)
		bad(l, "service defined twice:", name);
	zs_grow((void **)&s->svc, &b->svccap, s->nsvc + 1, sizeof(*v));
	v = &s->svc[s->nsvc];
	memset(v, 0, sizeof(*v));
	copyname(l, v->name, sizeof(v->name), name);
	copyname(l, v->ns, sizeof(v->ns), ns);
	snprintf(v->host, sizeof(v->host), "%s.%s.svc.cluster.local", name,
	    ns);
	v->vip = new_vip(b);
	v->wp[0] = -1;
	v->weight = 1;
	v->rs_at_us = -1;
	v->lat_us = zs_rlogn(&b->r, 4000, 0.8);
	v->req = zs_rlogn(&b->r, 300, 0.6);
	v->resp = zs_rlogn(&b->r, 2500, 1.0);
	s->nsvc++;
	return v;
}

/* the pods of a service or waypoint: replicas, capacities, health */
static void
svc_pods(struct build *b, const struct line *l, int si, enum zs_wkind kind)
{
	struct zs_sim *s = b->s;
	struct zs_svc *v = &s->svc[si];
	double cap[ZS_MAXREP];
	double ix[ZS_MAXREP];
	int ncap = 0;
	int reps;
	int k;
	int n;
	const char *p;
	char deploy[96];
	char hash[16];

	reps = (int)numkey(l, "replicas", 1, 1, ZS_MAXREP);
	if ((p = val(l, "capacity")) != NULL)
		ncap = numlist(l, p, cap, ZS_MAXREP, 1, 1000);
	if (ncap > 1 && ncap != reps)
		bad(l, "capacity= needs one value or one per replica", p);
	snprintf(deploy, sizeof(deploy), kind == WK_WAYPOINT ? "%s" : "%s-v1",
	    v->name);
	zs_rname(&b->r, hash, 10);
	v->ep = zs_xmalloc((size_t)reps * 2 * sizeof(*v->ep));
	v->nslot = (size_t)reps;
	for (k = 0; k < reps; k++) {
		struct zs_wl *w = add_pod(b, deploy, hash, place(b, l, k));

		w->kind = kind;
		w->svc = si;
		w->slot = k;
		snprintf(w->ns, sizeof(w->ns), "%s", v->ns);
		snprintf(w->sa, sizeof(w->sa), "%s", v->name);
		snprintf(w->app, sizeof(w->app), "%s", v->name);
		if (ncap > 0)
			w->capacity = (unsigned)cap[ncap == 1 ? 0 : k];
		if (kind == WK_WAYPOINT) {
			w->captured = 0;
			w->native = 1;
		} else {
			w->hbone = w->captured = yesno(l, "enrolled", 1);
		}
		v->ep[v->nep++] = (int)(w - s->wl);
	}
	b->place++;
	if ((p = val(l, "unhealthy")) != NULL) {
		n = numlist(l, p, ix, ZS_MAXREP, 1, reps);
		for (k = 0; k < n; k++)
			s->wl[v->ep[(int)ix[k] - 1]].healthy = 0;
	}
	if ((p = val(l, "idle")) != NULL) {
		n = numlist(l, p, ix, ZS_MAXREP, 1, reps);
		for (k = 0; k < n; k++)
			s->wl[v->ep[(int)ix[k] - 1]].idle = 1;
	}
	if ((p = val(l, "skew")) != NULL) {
		v->nskew = numlist(l, p, v->skew, ZS_MAXREP, 0, 1e6);
		if (v->nskew != reps)
			bad(l, "skew= needs one share per replica", p);
	}
	if ((p = val(l, "restart")) != NULL) {
		double rs[2];

		if (numlist(l, p, rs, 2, 0, 1e6) != 2)
			bad(l, "restart=AT,STEP (seconds)", p);
		v->rs_at_us = (int64_t)(rs[0] * 1e6);
		v->rs_step_us = (int64_t)(rs[1] * 1e6);
		/* the Deployment's new ReplicaSet: one new pod per step */
		zs_rname(&b->r, hash, 10);
		for (k = 0; k < reps; k++) {
			struct zs_wl *old = &s->wl[v->ep[k]];
			struct zs_wl *w;
			int oi = v->ep[k];
			int64_t t = v->rs_at_us + k * v->rs_step_us;

			w = add_pod(b, deploy, hash,
			    (int)(((size_t)old->node + 1) % s->nnode));
			old = &s->wl[oi];
			memcpy(w->ns, old->ns, sizeof(w->ns));
			memcpy(w->sa, old->sa, sizeof(w->sa));
			memcpy(w->app, old->app, sizeof(w->app));
			w->kind = old->kind;
			w->svc = si;
			w->slot = k;
			w->capacity = old->capacity;
			w->hbone = old->hbone;
			w->captured = old->captured;
			w->native = old->native;
			w->first_us = t;
			old->last_us = t + v->rs_step_us / 2;
			old->replaced_by = (int)(w - s->wl);
			v->ep[v->nep++] = (int)(w - s->wl);
		}
	}
}

static void
lb_opts(const struct line *l, struct zs_svc *v)
{
	const char *p;
	char buf[256];
	char *t;
	char *save = NULL;

	if ((p = val(l, "traffic")) != NULL) {
		if (strcmp(p, "preferclose") != 0)
			bad(l, "traffic= knows only preferclose", p);
		/* istiod's preferCloseLoadBalancer */
		v->mode = LB_FAILOVER;
		v->scopes[0] = SC_NETWORK;
		v->scopes[1] = SC_REGION;
		v->scopes[2] = SC_ZONE;
		v->scopes[3] = SC_SUBZONE;
		v->nscopes = 4;
	}
	if ((p = val(l, "itp")) != NULL) {
		if (strcmp(p, "local") != 0)
			bad(l, "itp= knows only local", p);
		v->mode = LB_STRICT;	/* internalTrafficPolicy: Local */
		v->scopes[0] = SC_NODE;
		v->nscopes = 1;
	}
	if ((p = val(l, "lb")) != NULL) {
		if (strcmp(p, "standard") == 0)
			v->mode = LB_STANDARD;
		else if (strcmp(p, "strict") == 0)
			v->mode = LB_STRICT;
		else if (strcmp(p, "failover") == 0)
			v->mode = LB_FAILOVER;
		else
			bad(l, "lb= is standard, strict or failover", p);
	}
	if ((p = val(l, "prefs")) != NULL) {
		v->nscopes = 0;
		snprintf(buf, sizeof(buf), "%s", p);
		for (t = strtok_r(buf, ",", &save); t;
		    t = strtok_r(NULL, ",", &save)) {
			int sc;

			for (sc = 0; sc < ZS_MAXSC; sc++)
				if (strcasecmp(t, zs_scopename(sc)) == 0)
					break;
			if (sc == ZS_MAXSC || v->nscopes == ZS_MAXSC)
				bad(l, "bad routing preference", t);
			v->scopes[v->nscopes++] = sc;
		}
		if (v->mode == LB_NONE)
			v->mode = LB_FAILOVER;
	}
	if ((p = val(l, "health")) != NULL) {
		if (strcmp(p, "allowall") != 0)
			bad(l, "health= knows only allowall", p);
		v->allowall = 1;
		/* istiod: publishNotReadyAddresses makes an empty policy */
		if (v->mode == LB_NONE)
			v->mode = LB_STANDARD;
	}
}

static void
err_opts(const struct line *l, const char *p, double *err)
{
	char buf[256];
	char *t;
	char *save = NULL;

	snprintf(buf, sizeof(buf), "%s", p);
	for (t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *c = strchr(t, ':');
		int e;

		if (c == NULL)
			bad(l, "errors= is CATEGORY:PCT,...", t);
		*c = '\0';
		for (e = 1; e < ZE_COUNT; e++)
			if (strcmp(t, zs_errname(e)) == 0)
				break;
		if (e == ZE_COUNT)
			bad(l, "unknown error category", t);
		err[e] = num(l, c + 1, 0, 100);
	}
}

static void
waypoints_of(struct build *b, const struct line *l, struct zs_svc *v,
    const char *p)
{
	char buf[256];
	char *t;
	char *save = NULL;

	snprintf(buf, sizeof(buf), "%s", p);
	for (t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *c = strchr(t, ':');
		int wi;

		if (c != NULL)
			*c = '\0';
		wi = find_svc(b->s, t, v->ns);
		if (wi < 0 || !b->s->svc[wi].is_waypoint)
			bad(l, "no waypoint defined before, named", t);
		if (v->nwp == ZS_MAXWP)
			bad(l, "too many waypoints", p);
		v->wpw[v->nwp] = c ? (unsigned)num(l, c + 1, 0, 1e6) : 1;
		v->weighted |= c != NULL;
		v->wp[v->nwp++] = wi;
	}
	if (v->weighted && b->s->ver < ZV_131)
		bad(l, "weighted waypoints need version 1.31", p);
}

static void
d_waypoint(struct build *b, const struct line *l)
{
	static const char *const keys[] = { "ns", "replicas", "node",
		"capacity", "skew", "restart", "unhealthy", "idle", NULL };
	struct zs_svc *v;
	const char *ns = val(l, "ns");

	known(l, keys, 2);
	if (l->ntok < 2 || strchr(l->tok[1], '=') != NULL)
		bad(l, "waypoint needs a name", NULL);
	v = add_svc(b, l, l->tok[1], ns ? ns : "default");
	v->is_waypoint = 1;
	v->port = v->tport = ZS_HBONE_PORT;
	svc_pods(b, l, (int)(v - b->s->svc), WK_WAYPOINT);
}

/* bytes=REQ/RESP: every call of the service the same sizes */
static void
fixed_bytes(const struct line *l, const char *p, struct zs_svc *v)
{
	char buf[64];
	char *slash;

	if (strlen(p) >= sizeof(buf) || strchr(p, '/') == NULL)
		bad(l, "bytes= is REQ/RESP", p);
	strcpy(buf, p);
	slash = strchr(buf, '/');
	*slash = '\0';
	v->req = num(l, buf, 0, 1e9);
	v->resp = num(l, slash + 1, 0, 1e9);
	v->fixed = 1;
}

static void
d_service(struct build *b, const struct line *l)
{
	static const char *const keys[] = { "ns", "port", "targetport",
		"replicas", "node", "capacity", "weight", "lb", "prefs",
		"traffic", "itp", "health", "unhealthy", "idle", "enrolled",
		"waypoint", "skew", "restart", "bypass", "plaintext",
		"errors", "kind", "bytes", NULL };
	struct zs_svc *v;
	const char *ns = val(l, "ns");
	const char *p;
	int si;

	known(l, keys, 2);
	if (l->ntok < 2 || strchr(l->tok[1], '=') != NULL)
		bad(l, "service needs a name", NULL);
	v = add_svc(b, l, l->tok[1], ns ? ns : "default");
	si = (int)(v - b->s->svc);
	v->port = (uint16_t)numkey(l, "port", 8080, 1, 65535);
	v->tport = (uint16_t)numkey(l, "targetport", v->port, 1, 65535);
	v->weight = numkey(l, "weight", 1, 0, 1e6);
	v->bypass = numkey(l, "bypass", 0, 0, 100);
	v->plaintext = numkey(l, "plaintext", 0, 0, 100);
	if ((p = val(l, "kind")) != NULL) {
		if (strcmp(p, "db") != 0 && strcmp(p, "http") != 0)
			bad(l, "kind= is http or db", p);
		v->db = strcmp(p, "db") == 0;
	}
	if ((p = val(l, "bytes")) != NULL)
		fixed_bytes(l, p, v);
	lb_opts(l, v);
	if (v->mode == LB_STANDARD && b->s->ver == ZV_122)
		bad(l, "lb=standard does not exist in 1.22", NULL);
	if (v->allowall && b->s->ver < ZV_124)
		bad(l, "health=allowall needs version 1.24", NULL);
	if ((p = val(l, "errors")) != NULL)
		err_opts(l, p, v->err);
	else if (b->s->errdef_set)
		memcpy(v->err, b->s->errdef, sizeof(v->err));
	if ((p = val(l, "waypoint")) != NULL)
		waypoints_of(b, l, v, p);
	if (v->bypass > 0 && v->nwp == 0)
		bad(l, "bypass= needs a waypoint", NULL);
	svc_pods(b, l, si, WK_ENDPOINT);
	v = &b->s->svc[si];
	if (v->db)
		v->lat_us *= 0.3;
}

/* n generated healthy services with lo..hi replicas each */
static void
gen_services(struct build *b, const struct line *l, int n, int lo, int hi)
{
	static const char *const names[][2] = {
		{ "productpage", "bookinfo" }, { "details", "bookinfo" },
		{ "ratings", "bookinfo" }, { "users", "default" },
		{ "frontend", "shop" }, { "cart", "shop" },
		{ "checkout", "shop" }, { "catalog", "shop" },
		{ "currency", "shop" }, { "shipping", "shop" },
		{ "payments", "payments" }, { "ledger", "payments" },
		{ "auth", "default" }, { "search", "default" },
		{ "email", "shop" }, { "inventory", "shop" },
		{ "notifications", "default" }, { "profile", "default" },
		{ "pricing", "shop" }, { "fraud-check", "payments" },
	};
	size_t nn = sizeof(names) / sizeof(names[0]);
	int i;

	for (i = 0; i < n; i++) {
		struct line g = *l;
		char nm[64];
		char rep[32];
		char nsbuf[64];
		const char *base = names[(size_t)i % nn][0];
		int k = i / (int)nn;
		int tries;

		for (tries = 0;; tries++, k++) {
			if (k == 0)
				snprintf(nm, sizeof(nm), "%s", base);
			else
				snprintf(nm, sizeof(nm), "%s-%d", base, k + 1);
			if (find_svc(b->s, nm, names[(size_t)i % nn][1]) < 0)
				break;
		}
		snprintf(rep, sizeof(rep), "replicas=%d",
		    lo + (int)zs_rbelow(&b->r, (uint32_t)(hi - lo + 1)));
		snprintf(nsbuf, sizeof(nsbuf), "ns=%s", names[(size_t)i % nn][1]);
		g.tok[0] = (char *)"service";
		g.tok[1] = nm;
		g.tok[2] = nsbuf;
		g.tok[3] = rep;
		g.ntok = 4;
		d_service(b, &g);
	}
}

/* ------------------------------------------------------------------ */
/* reading */

static int
split(char *text, struct line **out, const char *what)
{
	struct line *ls = NULL;
	size_t cap = 0;
	int n = 0;
	int no = 0;
	char *p = text;

	while (*p != '\0') {
		char *eol = strchr(p, '\n');
		char *hash;
		char *t;
		char *save = NULL;
		struct line l;

		if (eol != NULL)
			*eol = '\0';
		no++;
		if ((hash = strchr(p, '#')) != NULL)
			*hash = '\0';
		memset(&l, 0, sizeof(l));
		l.what = what;
		l.no = no;
		for (t = strtok_r(p, " \t\r", &save); t;
		    t = strtok_r(NULL, " \t\r", &save)) {
			if (l.ntok == MAXTOK)
				bad(&l, "too many words", NULL);
			l.tok[l.ntok++] = t;
		}
		if (l.ntok > 0) {
			zs_grow((void **)&ls, &cap, (size_t)n + 1, sizeof(l));
			ls[n++] = l;
		}
		if (eol == NULL)
			break;
		p = eol + 1;
	}
	*out = ls;
	return n;
}

/* directives that set options: pass 1 (the command line overrides) */
static void
settings(struct zs_sim *s, const struct line *l, int *seen_seed)
{
	const char *d = l->tok[0];

	if (strcmp(d, "seed") == 0 && l->ntok == 2) {
		if (!*seen_seed)
			s->seed = (uint64_t)num(l, l->tok[1], 0, 9e15);
	} else if (strcmp(d, "duration") == 0 && l->ntok == 2) {
		if (s->duration <= 0)
			s->duration = num(l, l->tok[1], 1, 86400);
	} else if (strcmp(d, "rate") == 0 && l->ntok == 2) {
		if (s->rate <= 0)
			s->rate = num(l, l->tok[1], 0.01, 1e6);
	} else if (strcmp(d, "errors") == 0 && l->ntok == 2) {
		err_opts(l, l->tok[1], s->errdef);
		s->errdef_set = 1;
	} else if (strcmp(d, "version") == 0 && l->ntok == 2) {
		static const char *const v[] = { "1.22", "1.23", "1.24",
			"1.26", "1.31" };
		int i;

		for (i = 0; i < 5 && strcmp(v[i], l->tok[1]) != 0; i++)
			;
		if (i == 5)
			bad(l, "version is 1.22, 1.23, 1.24, 1.26 or 1.31",
			    l->tok[1]);
		if ((int)s->ver < 0)
			s->ver = (enum zs_ver)i;
	} else if (strcmp(d, "seed") == 0 || strcmp(d, "duration") == 0 ||
	    strcmp(d, "rate") == 0 || strcmp(d, "errors") == 0 ||
	    strcmp(d, "version") == 0) {
		bad(l, "expected one value after", d);
	}
}

static int
count_arg(const struct line *l)
{
	if (l->ntok < 2 || strchr(l->tok[1], '=') != NULL)
		bad(l, "expected a count after", l->tok[0]);
	return (int)num(l, l->tok[1], 1, 4000);
}

/* drop the count after the directive: the rest are key=value words */
static void
drop_count(struct line *l)
{
	memmove(&l->tok[1], &l->tok[2], (size_t)(l->ntok - 2) *
	    sizeof(l->tok[0]));
	l->ntok--;
}

static void
objects(struct build *b, struct line *l)
{
	const char *d = l->tok[0];

	if (strcmp(d, "node") == 0) {
		d_node(b, l);
		return;
	}
	if (strcmp(d, "nodes") == 0) {
		int n = count_arg(l);

		drop_count(l);
		d_nodes(b, l, n);
		return;
	}
	if (strcmp(d, "seed") == 0 || strcmp(d, "duration") == 0 ||
	    strcmp(d, "rate") == 0 || strcmp(d, "errors") == 0 ||
	    strcmp(d, "version") == 0)
		return;
	if (b->s->nnode == 0)
		bad(l, "nodes must come first", NULL);
	if (strcmp(d, "client") == 0) {
		d_client(b, l);
	} else if (strcmp(d, "clients") == 0) {
		int n = count_arg(l);

		drop_count(l);
		d_clients(b, l, n);
	} else if (strcmp(d, "waypoint") == 0) {
		d_waypoint(b, l);
	} else if (strcmp(d, "service") == 0) {
		d_service(b, l);
	} else if (strcmp(d, "services") == 0) {
		static const char *const keys[] = { "replicas", NULL };
		double r[2] = { 1, 4 };
		int n = count_arg(l);
		const char *p;
		struct line g = *l;

		drop_count(&g);
		known(&g, keys, 1);
		if ((p = val(&g, "replicas")) != NULL) {
			char buf[32];
			char *dash;

			snprintf(buf, sizeof(buf), "%s", p);
			dash = strchr(buf, '-');
			if (dash != NULL)
				*dash = '\0';
			r[0] = num(l, buf, 1, ZS_MAXREP);
			r[1] = dash ? num(l, dash + 1, r[0], ZS_MAXREP) : r[0];
		}
		gen_services(b, l, n, (int)r[0], (int)r[1]);
	} else {
		bad(l, "unknown directive", d);
	}
}

static struct build *cur_build;	/* for zs_add_services after loading */

/*
 * Read scenario text (what names it in messages) into s: settings first
 * (fields already set by the command line win), then the objects.
 */
void
zs_scenario_load(struct zs_sim *s, const char *text, const char *what)
{
	static struct build b;
	struct line *ls;
	char *copy;
	int seen_seed = s->seed != UINT64_MAX;
	int n;
	int i;

	copy = zs_xmalloc(strlen(text) + 1);
	strcpy(copy, text);
	n = split(copy, &ls, what);
	for (i = 0; i < n; i++)
		settings(s, &ls[i], &seen_seed);
	if (s->seed == UINT64_MAX)
		s->seed = 1;
	if ((int)s->ver < 0)
		s->ver = ZV_126;
	if (s->duration <= 0)
		s->duration = 60;
	if (s->rate <= 0)
		s->rate = 20;
	memset(&b, 0, sizeof(b));
	b.s = s;
	zs_rng_seed(&b.r, s->seed, 1);
	for (i = 0; i < n; i++)
		objects(&b, &ls[i]);
	cur_build = &b;
	free(ls);
	free(copy);
}

/* --services N: more generated healthy services */
void
zs_add_services(struct zs_sim *s, int n, int lo, int hi)
{
	struct line l;

	memset(&l, 0, sizeof(l));
	l.what = "--services";
	if (cur_build == NULL || s->nnode == 0)
		zs_die("--services needs a scenario with nodes");
	gen_services(cur_build, &l, n, lo, hi);
}

/*
 * traffic.c -- ztgen's simulation: connections (direct HBONE, via a
 * waypoint, plain TCP, failed) and the records they produce, the random
 * non-access events and each pod's startup sequence, all in global time
 * order; records wait in a per-pod min-heap until no later-generated
 * record can close earlier, then emit.c writes them.  run_pass() replays
 * the whole simulation once, writing only the pods active in that pass.
 */

#include "ztgen.h"

/* ------------------------------------------------------------------ */
/* addresses outside the cluster: plain TCP passthrough */

static const uint32_t externals[] = {
	0x8efabf8e,	/* 142.250.191.142 */
	0x8c527003,	/* 140.82.112.3 */
	0x3416a2b4,	/* 52.22.162.180 */
	0x68102a4b,	/* 104.16.42.75 */
	0x0d20b6a4,	/* 13.32.182.164 */
};
#define NEXTERNALS (sizeof(externals) / sizeof(externals[0]))

/* ------------------------------------------------------------------ */
/* per-pod pending records: min-heap on (ts, seq) */

static inline int
rec_less(const struct rec *a, const struct rec *b)
{
	return a->ts < b->ts || (a->ts == b->ts && a->seq < b->seq);
}

static void
heap_push(struct zpod *p, const struct rec *r)
{
	size_t i;

	if (p->hn == p->hcap) {
		p->hcap = p->hcap ? 2 * p->hcap : 1024;
		p->heap = xrealloc(p->heap, p->hcap * sizeof(*p->heap));
	}
	i = p->hn++;
	while (i > 0) {
		size_t up = (i - 1) / 2;

		if (!rec_less(r, &p->heap[up]))
			break;
		p->heap[i] = p->heap[up];
		i = up;
	}
	p->heap[i] = *r;
}

static void
heap_pop(struct zpod *p, struct rec *out)
{
	struct rec last;
	size_t i = 0;

	*out = p->heap[0];
	last = p->heap[--p->hn];
	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= p->hn)
			break;
		if (c + 1 < p->hn && rec_less(&p->heap[c + 1], &p->heap[c]))
			c++;
		if (!rec_less(&p->heap[c], &last))
			break;
		p->heap[i] = p->heap[c];
		i = c;
	}
	if (p->hn > 0)
		p->heap[i] = last;
}

/* ------------------------------------------------------------------ */
/* the simulation */

/* hand a generated line to its pod (or drop it if not in this pass) */
static void
submit(struct gen *g, unsigned node, struct rec *r)
{
	struct zpod *p = &g->pod[node];

	r->seq = g->seq++;
	if (!p->active)
		return;
	heap_push(p, r);
	if (r->ts < g->due)
		g->due = r->ts;
}

/* write every pending line with ts <= upto */
static void
flush_ready(struct gen *g, uint64_t upto)
{
	struct rec r;
	size_t i;

	if (upto < g->due)
		return;
	g->due = UINT64_MAX;
	for (i = 0; i < g->npod; i++) {
		struct zpod *p = &g->pod[i];

		while (p->hn > 0 && p->heap[0].ts <= upto) {
			heap_pop(p, &r);
			emit(g, p, &r);
		}
		if (p->hn > 0 && p->heap[0].ts < g->due)
			g->due = p->heap[0].ts;
	}
}

static struct rec
other_rec(uint64_t ts, enum other t, int32_t wl, uint64_t a, uint64_t b)
{
	struct rec r;

	memset(&r, 0, sizeof(r));
	r.ts = ts;
	r.kind = REC_OTHER;
	r.err = (uint8_t)t;
	r.src_wl = wl;
	r.dst_wl = -1;
	r.svc = -1;
	r.bsent = a;
	r.brecv = b;
	return r;
}

/*
 * The startup sequence of ztunnel pod `node`, as far as `budget` lines
 * allow (events that do not fit are skipped).  Written straight to the pod
 * since it precedes all traffic.  Returns the lines used.
 */
static uint64_t
startup(struct gen *g, unsigned node, uint64_t budget)
{
	struct zpod *p = &g->pod[node];
	struct rng_state *r = &g->rng;
	uint64_t t;
	uint64_t used = 0;
	uint64_t cfg = config_lines(g);
	size_t i;
	int k;
	struct rec ev[16];
	size_t nev = 0;

	t = g->clock - (uint64_t)rrange(r, 20, 900) * 1000000;
	t -= rrange(r, 0, 999999);
	ev[nev++] = other_rec(t, OT_VERSION, -1, 0, 0);
	ev[nev++] = other_rec(t, OT_CONFIG, -1, 0, 0);
	for (k = 0; k < 3; k++)
		ev[nev++] = other_rec(t, OT_LISTENER, -1, (uint64_t)k, 0);
	ev[nev++] = other_rec(t, OT_XDS_STREAM, -1, p->xds_id, 0);
	ev[nev++] = other_rec(t, OT_XDS_RESP, -1, (uint64_t)p->xds_id << 32,
	    (uint64_t)(g->nwl + g->nsvc) << 8);
	ev[nev++] = other_rec(t, OT_XDS_RESP, -1,
	    ((uint64_t)p->xds_id << 32) | 1, (uint64_t)rrange(r, 1, 6) << 8);
	for (i = 0; i < nev; i++) {
		uint64_t n = ev[i].err == OT_CONFIG ? cfg : 1;

		ev[i].ts = t;
		t += rrange(r, 20, 3000);
		if (used + n > budget || n > g->left)
			continue;
		used += n;
		g->left -= n;
		if (p->active)
			emit(g, p, &ev[i]);
	}
	/* the pods enrolled on this node */
	for (i = 0; i < g->nwl; i++) {
		const struct wl *w = &g->wl[i];

		if (w->node != node || !w->captured)
			continue;
		t += rrange(r, 1000, 400000);
		if (t >= g->clock)
			t = g->clock - 1;	/* many pods: squeeze */
		for (k = 0; k < 4; k++) {
			struct rec e;

			e = k == 0 ? other_rec(t, OT_POD_RECEIVED, (int32_t)i,
					 0, 0)
				   : other_rec(t, OT_POD_LISTENER, (int32_t)i,
					 (uint64_t)(k + 2), 0);
			t += rrange(r, 20, 900);
			if (used + 1 > budget || g->left == 0)
				continue;
			used++;
			g->left--;
			if (p->active)
				emit(g, p, &e);
		}
	}
	return used;
}

/* a random non-access line at the current clock */
static void
gen_other(struct gen *g)
{
	struct rng_state *r = &g->rng;
	unsigned node = rbelow(r, (uint32_t)g->npod);
	struct zpod *p = &g->pod[node];
	uint32_t u = rbelow(r, 1000);
	int32_t w = (int32_t)rbelow(r, (uint32_t)g->nwl);
	struct rec e;

	if (u < 850) {
		uint64_t auth = rbelow(r, 4) == 0;
		uint64_t size = rrange(r, 1, 4);
		uint64_t removes = rbelow(r, 5) == 0;

		e = other_rec(g->clock, OT_XDS_RESP, -1,
		    ((uint64_t)p->xds_id << 32) | auth, size << 8 | removes);
	} else if (u < 900) {
		e = other_rec(g->clock, OT_POD_RECEIVED, w, 0, 0);
	} else if (u < 940) {
		e = other_rec(g->clock, OT_DRAIN, w, rbelow(r, 2), 0);
	} else if (u < 980) {
		e = other_rec(g->clock, OT_PING_ERR, -1, 0, 0);
	} else if (u < 985) {
		e = other_rec(g->clock, OT_XDS_ERR, -1, p->xds_id, 0);
		p->xds_id++;
	} else {
		e = other_rec(g->clock, OT_XDS_STREAM, -1, p->xds_id, 0);
	}
	g->left--;
	submit(g, node, &e);
}

/* endpoint choice: round-robin-ish, plus --skew-endpoint towards the first */
static size_t
pick_ep(struct gen *g, struct svc *s)
{
	struct rng_state *r = &g->rng;

	if (rpct(r, g->o.skew))
		return s->ep0;
	if (rbelow(r, 5) == 0)
		return s->ep0 + rbelow(r, (uint32_t)s->nep);
	return s->ep0 + s->rr++ % s->nep;
}

/* source port of the pooled HBONE connection from a to b */
static uint16_t
pool_port(struct gen *g, size_t a, size_t b)
{
	uint32_t h = ((uint32_t)a * 2654435761u) ^ ((uint32_t)b * 40503u);
	struct poolent *e = &g->pool[(h ^ (h >> 15)) % POOL_SIZE];

	if (e->a != (int32_t)a || e->b != (int32_t)b || e->left == 0) {
		e->a = (int32_t)a;
		e->b = (int32_t)b;
		e->port = (uint16_t)rrange(&g->rng, 32768, 60999);
		e->left = (uint16_t)rrange(&g->rng, 1, 150);
	}
	e->left--;
	return e->port;
}

/* base times a lognormal factor from tab (exp() is too slow per line) */
static uint64_t
noisy(struct rng_state *r, double base, const double *tab)
{
	double v = base * tab[rbelow(r, NTAB)];

	return v < 1 ? 0 : (uint64_t)v;
}

static struct rec
access_rec(uint64_t ts, uint64_t dur_us, enum level lv, uint8_t flags)
{
	struct rec r;

	memset(&r, 0, sizeof(r));
	r.ts = ts;
	r.dur_ms = (uint32_t)(dur_us / 1000);
	r.kind = REC_COMPLETE;
	r.level = (uint8_t)lv;
	r.flags = flags;
	r.src_wl = r.dst_wl = r.svc = -1;
	return r;
}

/* error cases of one connection */
enum ecase { EC_NONE, EC_FAILED, EC_TIMEOUT, EC_POLICY, EC_REFUSED, EC_RESET };

static enum ecase
pick_ecase(struct gen *g)
{
	uint32_t u;

	if (!rpct(&g->rng, g->o.errors))
		return EC_NONE;
	u = rbelow(&g->rng, 100);
	return u < 12 ? EC_FAILED
	    : u < 35  ? EC_TIMEOUT
	    : u < 60  ? EC_POLICY
	    : u < 80  ? EC_REFUSED
		      : EC_RESET;
}

/* the choices shared by every kind of connection */
struct conn {
	size_t		 ci;		/* client, index into wl */
	size_t		 si;		/* service */
	size_t		 ei;		/* endpoint, index into wl */
	const struct wl	*c;
	struct svc	*s;
	const struct wl	*e;
	enum ecase	 ec;
	uint16_t	 eph;		/* the client's ephemeral port */
	uint64_t	 start;		/* accept time, us */
	uint64_t	 dur;		/* us */
	uint64_t	 req;		/* client -> server bytes */
	uint64_t	 resp;		/* server -> client bytes */
};

/* four-field `connection failed` on the client's node; returns 1 */
static unsigned
conn_failed(struct gen *g, const struct conn *k)
{
	struct rec out;

	out = access_rec(k->start + rrange(&g->rng, 100, 3000), 0, LV_WARN, 0);
	out.kind = REC_FAILED;
	out.src_ip = k->c->ip;
	out.src_port = k->eph;
	out.dst_ip = k->s->vip;
	out.dst_port = k->s->port;
	out.err = k->s->wp0 >= 0 ? ER_NOWAYPOINT : ER_NOUPSTREAM;
	out.svc = (int32_t)k->si;	/* for the error text only */
	g->left--;
	submit(g, k->c->node, &out);
	return 1;
}

/* plain TCP: outbound record only, no identities; returns 1 */
static unsigned
conn_plain(struct gen *g, const struct conn *k)
{
	struct rng_state *r = &g->rng;
	struct rec out;
	int ext = rbelow(r, 4) == 0;

	out = access_rec(k->start + k->dur, k->dur, LV_INFO, 0);
	out.src_wl = (int32_t)k->ci;
	out.src_ip = k->c->ip;
	out.src_port = k->eph;
	if (ext) {
		/* passthrough: no upstream known */
		out.dst_ip = externals[rbelow(r, NEXTERNALS)];
		out.dst_port = 443;
	} else {
		out.dst_ip = k->e->ip;
		out.dst_port = k->s->tport;
		out.svc = (int32_t)k->si;
		out.dst_wl = (int32_t)k->ei;
	}
	out.bsent = k->req;
	out.brecv = k->resp;
	if (k->ec == EC_RESET) {
		out.level = LV_ERROR;
		out.err = ER_RESET;
		out.brecv = k->resp / 3;
	} else if (k->ec != EC_NONE) {
		out.level = LV_ERROR;
		out.err = ER_REFUSED;
		out.bsent = out.brecv = 0;
		out.ts = k->start + 200 + rbelow(r, 2000);
		out.dur_ms = (uint32_t)((out.ts - k->start) / 1000);
	}
	g->left--;
	submit(g, k->c->node, &out);
	return 1;
}

/* the error case of an HBONE connection on its two records; 1: no inbound */
static int
hbone_error(struct gen *g, const struct conn *k, struct rec *out,
    struct rec *in)
{
	struct rng_state *r = &g->rng;
	uint64_t dur;

	switch (k->ec) {
	case EC_NONE:
	case EC_FAILED:
		break;
	case EC_TIMEOUT:
		/* HBONE connect timed out: nothing reached the server */
		out->level = LV_ERROR;
		out->err = ER_TIMEOUT;
		out->bsent = out->brecv = 0;
		out->ts = k->start + 10000000 + rrange(r, 0, 9000);
		out->dur_ms = (uint32_t)((out->ts - k->start) / 1000);
		return 1;
	case EC_POLICY:
	case EC_REFUSED:
		out->level = in->level = LV_ERROR;
		out->err = k->ec == EC_POLICY ? ER_HTTP401 : ER_HTTP503;
		in->err = k->ec == EC_POLICY ? ER_POLICY : ER_INREFUSED;
		out->bsent = out->brecv = in->bsent = in->brecv = 0;
		dur = rrange(r, 900, 4000);
		in->ts = k->start + dur - rrange(r, 50, 700);
		in->dur_ms = 0;
		out->ts = k->start + dur;
		out->dur_ms = (uint32_t)(dur / 1000);
		break;
	case EC_RESET:
		out->level = LV_ERROR;
		out->err = ER_RESET;
		out->brecv /= 3;
		in->bsent = out->brecv;
		break;
	}
	return 0;
}

/*
 * HBONE, direct or via the service's waypoint: the outbound record on the
 * client's node and, unless dropped, the inbound one on the endpoint's
 * node (section 6.2 / 6.4).  Returns the number of lines.
 */
static unsigned
conn_hbone(struct gen *g, const struct conn *k, int via_wp, size_t hop,
    uint64_t delta, int drop)
{
	struct rng_state *r = &g->rng;
	const struct wl *h = &g->wl[hop];	/* what the client dials */
	struct svc *s = k->s;
	uint64_t dur = k->dur;
	uint64_t in_dur;
	struct rec out;
	struct rec in;

	out = access_rec(k->start + dur, dur, LV_INFO, RF_HBONE | RF_MTLS);
	out.src_wl = (int32_t)k->ci;
	out.src_ip = k->c->ip;
	out.src_port = k->eph;
	out.dst_ip = h->ip;
	out.dst_port = HBONE_PORT;
	out.hb_ip = via_wp ? s->vip : k->e->ip;
	out.hb_port = via_wp ? s->port : s->tport;
	out.svc = (int32_t)k->si;
	out.dst_wl = (int32_t)hop;
	out.bsent = k->req;
	out.brecv = k->resp;

	/* the inbound side closes a little earlier and starts a bit later */
	if (via_wp)
		delta += rrange(r, 50, 800);
	if (delta + 50 > dur)
		delta = dur - 50;
	in_dur = dur - delta;
	in_dur -= rbelow(r, (uint32_t)(in_dur / 8 + 1));
	in = access_rec(k->start + dur - delta, in_dur, LV_INFO,
	    RF_HBONE | RF_MTLS | RF_INBOUND);
	in.src_wl = (int32_t)hop;
	if (!via_wp)
		in.src_wl = (int32_t)k->ci;
	in.src_ip = via_wp ? h->ip : k->c->ip;
	/* the port of the pooled HBONE connection, not the app's */
	in.src_port = pool_port(g, (size_t)in.src_wl, k->ei);
	if (in.src_port == out.src_port)
		out.src_port ^= 1;
	in.dst_ip = k->e->ip;
	in.dst_port = HBONE_PORT;
	in.hb_ip = k->e->ip;
	in.hb_port = s->tport;
	in.svc = (int32_t)k->si;
	in.dst_wl = (int32_t)k->ei;
	in.bsent = k->resp;
	in.brecv = k->req;
	if (via_wp && s->kind == SK_HTTP && k->req > 0) {
		/* the waypoint rewrites HTTP headers */
		in.brecv += rrange(r, 20, 200);
		in.bsent += rrange(r, 0, 60);
	}

	if (hbone_error(g, k, &out, &in))
		drop = 1;

	g->left--;
	submit(g, k->c->node, &out);
	if (drop || g->left == 0)
		return 1;
	g->left--;
	submit(g, k->e->node, &in);
	return 2;
}

/* one connection: its records; returns the number of lines */
static unsigned
gen_conn(struct gen *g)
{
	struct rng_state *r = &g->rng;
	struct conn k;
	int plain;
	int via_wp;
	size_t hop;
	uint64_t delta;
	int drop;

	k.ci = g->cli[rpick(r, g->clicum, g->ncli)];
	k.si = rpick(r, g->svccum, g->nsvc);
	k.s = &g->svc[k.si];
	k.c = &g->wl[k.ci];
	k.ec = pick_ecase(g);
	plain = rpct(r, g->o.plaintext);
	k.eph = (uint16_t)rrange(r, 32768, 60999);
	k.start = g->clock;
	via_wp = k.s->wp0 >= 0 && !plain;

	if (rbelow(r, 100) < (k.s->kind == SK_DB ? 8u : 2u))
		k.dur = (uint64_t)rlogu(r, 1e6, 1.2e8);	/* long-lived */
	else
		k.dur = noisy(r, k.s->lat_us, g->ln7);
	if (k.dur < 150)
		k.dur = 150 + rbelow(r, 100);
	k.req = noisy(r, k.s->req, g->ln5);
	k.resp = noisy(r, k.s->resp, g->ln8);
	if (k.dur > 1000000) {
		k.req *= 1 + k.dur / 2000000;
		k.resp *= 1 + k.dur / 1000000;
	}
	if (rbelow(r, 100) == 0)
		k.req = k.resp = 0;

	k.ei = pick_ep(g, k.s);
	k.e = &g->wl[k.ei];
	hop = k.ei;
	if (via_wp)
		hop = (size_t)k.s->wp0 + k.s->wprr++ % k.s->nwp;
	delta = rrange(r, 50, 700);
	drop = rpct(r, g->o.drop_inbound);

	if (k.ec == EC_FAILED)
		return conn_failed(g, &k);
	if (plain)
		return conn_plain(g, &k);
	return conn_hbone(g, &k, via_wp, hop, delta, drop);
}

static void
sim_reset(struct gen *g)
{
	size_t i;

	rng_seed(&g->rng, g->o.seed, 2);
	g->clock = (uint64_t)START_SEC * 1000000 + rbelow(&g->rng, 1000000);
	g->seq = 0;
	g->due = UINT64_MAX;
	g->left = g->o.lines;
	for (i = 0; i < POOL_SIZE; i++) {
		g->pool[i].a = -1;
		g->pool[i].left = 0;
	}
	for (i = 0; i < g->nsvc; i++)
		g->svc[i].rr = g->svc[i].wprr = 0;
	for (i = 0; i < g->npod; i++) {
		struct zpod *p = &g->pod[i];

		rng_seed(&p->erng, g->o.seed, 100 + i);
		p->kts = 0;
		p->tsec = p->ksec = -1;
		p->xds_id = rrange(&g->rng, 1, 3);
		p->hn = 0;
	}
}

/* one replay of the whole simulation, writing the active pods */
void
run_pass(struct gen *g)
{
	uint64_t other_total;
	uint64_t per_pod;
	uint64_t used = 0;
	uint64_t conns = 0;
	uint64_t conn_lines = 0;
	double f;
	size_t i;

	sim_reset(g);
	other_total = (uint64_t)((double)g->o.lines * g->o.other / 100.0);
	per_pod = other_total / g->npod;
	for (i = 0; i < g->npod; i++)
		used += startup(g, (unsigned)i, per_pod);
	f = 0;
	if (other_total > used && g->o.lines > used)
		f = (double)(other_total - used) / (double)(g->o.lines - used);
	while (g->left > 0) {
		/*
		 * A step makes one other line or one connection (~2 lines):
		 * choose the step odds that give the share f of lines.
		 */
		double per = conns ? (double)conn_lines / (double)conns : 2.0;
		double p = f * per / (1.0 - f + f * per);

		g->clock += 1 + (uint64_t)g->gap[rbelow(&g->rng, NTAB)];
		flush_ready(g, g->clock);
		if (f > 0 && runit(&g->rng) < p) {
			gen_other(g);
		} else {
			conn_lines += gen_conn(g);
			conns++;
		}
	}
	flush_ready(g, UINT64_MAX);
}

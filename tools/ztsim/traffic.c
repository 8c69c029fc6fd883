/*
 * traffic.c -- the connections of the capture and the access records
 * each ztunnel writes for them (shared/docs/ztunnel-log-format.md 6, 7):
 *
 *   direct HBONE   outbound on the client's node (dst.addr = pod:15008,
 *                  dst.hbone_addr = pod:targetPort), inbound on the
 *                  endpoint's node (src port = the pooled HBONE
 *                  connection's, bytes swapped, closing 0.05-0.7 ms
 *                  earlier);
 *   via waypoint   outbound to the waypoint replica ztunnel chose
 *                  (dst.addr = replica:15008, dst.hbone_addr = VIP:port,
 *                  dst.workload = the replica); the waypoint's own
 *                  connection to the endpoint it chose is logged by the
 *                  endpoint's ztunnel as inbound with src = the replica;
 *   bypass         a client dialling a pod of a waypoint-served service
 *                  directly: outbound HBONE without dst.service, inbound
 *                  from the client (dst.service guessed by the server);
 *   plain TCP      to an un-enrolled (TCP) endpoint: outbound only, no
 *                  hbone_addr, no identities (by design); the same to an
 *                  HBONE endpoint (plaintext=) is a violation; an
 *                  un-enrolled client reaching an HBONE pod shows as
 *                  inbound plaintext on the pod's node (a violation);
 *   no upstream    `connection failed` (warn, four fields).
 * Error categories use ztunnel's texts (src/proxy.rs).
 */

#include <stdlib.h>
#include <string.h>

#include "ztsim.h"

#define POOLN	4096

struct pool {
	int32_t		 a;
	int32_t		 b;
	uint16_t	 port;
	uint16_t	 left;
};

static struct pool pool[POOLN];
static size_t reccap;
static size_t conncap;

/* the source port of the pooled HBONE connection from a to b */
static uint16_t
pool_port(struct zs_sim *s, int a, int b)
{
	struct pool *p = &pool[((size_t)a * 7919 + (size_t)b) % POOLN];

	if (p->a != a || p->b != b || p->left == 0) {
		p->a = a;
		p->b = b;
		p->port = (uint16_t)(32768 + zs_rbelow(&s->rng, 28232));
		p->left = (uint16_t)(1 + zs_rbelow(&s->rng, 40));
	}
	p->left--;
	return p->port;
}

static struct zs_rec *
new_rec(struct zs_sim *s, int node, int64_t ts, int64_t conn)
{
	struct zs_rec *r;

	zs_grow((void **)&s->rec, &reccap, s->nrec + 1, sizeof(*r));
	r = &s->rec[s->nrec++];
	memset(r, 0, sizeof(*r));
	r->node = (uint8_t)node;
	r->ts = ts;
	r->seq = s->seq++;
	r->conn = conn;
	r->src_wl = r->dst_wl = r->svc = -1;
	return r;
}

static int32_t
rec_ix(const struct zs_sim *s, const struct zs_rec *r)
{
	return (int32_t)(r - s->rec);
}

struct call {
	struct zs_conn	*k;
	const struct zs_wl *c;		/* client */
	const struct zs_svc *v;
	int		 ci;
	int		 si;
	uint16_t	 eph;
	int64_t		 dur;
	uint64_t	 req;
	uint64_t	 resp;
};

static int
pick_err(struct zs_sim *s, const struct zs_svc *v)
{
	double u = zs_runit(&s->rng) * 100.0;
	int e;

	for (e = 1; e < ZE_COUNT; e++) {
		if (u < v->err[e])
			return e;
		u -= v->err[e];
	}
	return ZE_NONE;
}

/* the outbound record of a call to next hop h (workload index) */
static struct zs_rec *
outbound(struct zs_sim *s, struct call *a, int h, int hbone)
{
	const struct zs_wl *w = &s->wl[h];
	struct zs_rec *o;

	o = new_rec(s, a->c->node, a->k->start + a->dur, (int64_t)s->nconn);
	o->dur_ms = (uint32_t)(a->dur / 1000);
	o->src_wl = a->ci;
	o->src_ip = a->c->ip;
	o->src_port = a->eph;
	o->dst_wl = h;
	o->dst_ip = w->ip;
	o->dst_port = hbone ? ZS_HBONE_PORT : a->v->tport;
	o->hbone = o->mtls = (uint8_t)hbone;
	o->hb_ip = w->ip;
	o->hb_port = a->v->tport;
	o->svc = a->si;
	o->bsent = a->req;
	o->brecv = a->resp;
	a->k->out_rec = rec_ix(s, o);
	return o;
}

/* the inbound record at endpoint e of a connection from workload src */
static struct zs_rec *
inbound(struct zs_sim *s, struct call *a, int src, int e, int64_t end)
{
	const struct zs_wl *w = &s->wl[e];
	int64_t delta = 50 + zs_rbelow(&s->rng, 650);
	int64_t d = end - a->k->start - delta;
	struct zs_rec *in;

	if (d < 50)
		d = 50;
	in = new_rec(s, w->node, a->k->start + d, (int64_t)s->nconn);
	d -= zs_rbelow(&s->rng, (uint32_t)(d / 8 + 1));
	in->dur_ms = (uint32_t)(d / 1000);
	in->inbound = 1;
	in->hbone = in->mtls = 1;
	in->src_wl = src;
	in->src_ip = s->wl[src].ip;
	in->src_port = pool_port(s, src, e);
	in->dst_wl = e;
	in->dst_ip = w->ip;
	in->dst_port = ZS_HBONE_PORT;
	in->hb_ip = w->ip;
	in->hb_port = a->v->tport;
	in->svc = a->si;
	in->bsent = a->resp;
	in->brecv = a->req;
	a->k->in_rec = rec_ix(s, in);
	return in;
}

static void
failed(struct zs_sim *s, struct call *a)
{
	struct zs_rec *f;

	a->k->path = ZP_FAILED;
	a->k->err = ZE_NOUPSTREAM;
	a->k->end = a->k->start + 300;
	f = new_rec(s, a->c->node, a->k->end, (int64_t)s->nconn);
	f->failed = 1;
	f->err = ZE_NOUPSTREAM;
	f->src_ip = a->c->ip;
	f->src_port = a->eph;
	f->dst_ip = a->v->vip;
	f->dst_port = a->v->port;
	f->svc = a->si;		/* for the error text only */
	a->k->out_rec = rec_ix(s, f);
}

/* apply error category e to the records of a direct or plain call */
static void
fail_call(struct zs_sim *s, struct call *a, int e, struct zs_rec *o,
    struct zs_rec *in)
{
	int64_t d = 900 + zs_rbelow(&s->rng, 3000);

	a->k->err = (uint8_t)e;
	switch (e) {
	case ZE_REFUSED:
	case ZE_POLICY:
	case ZE_TLS:
	case ZE_TIMEOUT:
		if (e == ZE_TIMEOUT)
			d = 10000000 + zs_rbelow(&s->rng, 9000);
		o->err = (uint8_t)e;
		o->bsent = o->brecv = 0;
		o->ts = a->k->start + d;
		o->dur_ms = (uint32_t)(d / 1000);
		if (in != NULL) {
			in->err = (uint8_t)e;
			in->bsent = in->brecv = 0;
			in->ts = o->ts - 50 - zs_rbelow(&s->rng, 600);
			in->dur_ms = 0;
		}
		a->k->end = o->ts;
		break;
	case ZE_DRAIN:
		if (in != NULL)
			in->err = ZE_DRAIN;
		break;
	default:
		break;
	}
}

static void
direct(struct zs_sim *s, struct call *a, int e)
{
	const struct zs_wl *w = &s->wl[e];
	struct zs_rec *o;
	struct zs_rec *in = NULL;
	int drained = 0;
	int cat;

	a->k->ep = e;
	if (a->k->start + a->dur > w->last_us) {
		/* the pod went away: its ztunnel drains the connection */
		a->dur = w->last_us - a->k->start + 1000;
		drained = 1;
	}
	a->k->end = a->k->start + a->dur;
	cat = pick_err(s, a->v);
	if (!w->hbone) {
		a->k->path = ZP_PLAIN_TCP;
		o = outbound(s, a, e, 0);
		if (cat == ZE_REFUSED)
			fail_call(s, a, cat, o, NULL);
		return;
	}
	if (a->v->plaintext > 0 &&
	    zs_runit(&s->rng) * 100.0 < a->v->plaintext) {
		a->k->path = ZP_PLAIN_VIOL;
		outbound(s, a, e, 0);
		return;
	}
	a->k->path = ZP_DIRECT;
	if (drained)
		cat = ZE_DRAIN;
	o = outbound(s, a, e, 1);
	/* a timeout or a TLS failure never reaches the server's ztunnel */
	if (cat != ZE_TIMEOUT && cat != ZE_TLS)
		in = inbound(s, a, a->ci, e, a->k->end);
	if (cat != ZE_NONE && cat != ZE_NOUPSTREAM)
		fail_call(s, a, cat, o, in);
}

static void
via_waypoint(struct zs_sim *s, struct call *a)
{
	int wp = zs_draw(s, a->v, a->c, a->k->start, HOP_CLIENT_WP, 0);
	struct zs_rec *o;
	int e;

	if (wp < 0) {
		failed(s, a);
		return;
	}
	a->k->path = ZP_WAYPOINT;
	a->k->wp = wp;
	a->k->end = a->k->start + a->dur;
	o = outbound(s, a, wp, 1);
	o->hb_ip = a->v->vip;
	o->hb_port = a->v->port;
	e = zs_draw(s, a->v, &s->wl[wp], a->k->start + 300, HOP_WP_EP, 1);
	if (e < 0) {
		o->err = ZE_REFUSED;	/* Envoy: 503, no healthy upstream */
		o->bsent = o->brecv = 0;
		a->k->err = ZE_REFUSED;
		return;
	}
	a->k->ep = e;
	if (s->wl[e].captured) {
		struct zs_rec *in = inbound(s, a, wp, e,
		    a->k->end - 50 - zs_rbelow(&s->rng, 750));

		/* the waypoint rewrites HTTP headers */
		in->brecv += 20 + zs_rbelow(&s->rng, 180);
		in->bsent += zs_rbelow(&s->rng, 60);
	}
}

static void
bypass(struct zs_sim *s, struct call *a)
{
	int cand[ZS_MAXREP * 2];
	size_t n = 0;
	size_t i;
	struct zs_rec *o;
	int e;

	for (i = 0; i < a->v->nep; i++)
		if (zs_present(&s->wl[a->v->ep[i]], a->k->start))
			cand[n++] = a->v->ep[i];
	if (n == 0) {
		failed(s, a);
		return;
	}
	e = cand[zs_rbelow(&s->rng, (uint32_t)n)];
	a->k->path = ZP_BYPASS;
	a->k->ep = e;
	if (a->k->start + a->dur > s->wl[e].last_us)
		a->dur = s->wl[e].last_us - a->k->start;
	a->k->end = a->k->start + a->dur;
	o = outbound(s, a, e, s->wl[e].hbone);
	o->svc = -1;		/* pod-IP-addressed: no dst.service */
	if (s->wl[e].captured)
		inbound(s, a, a->ci, e, a->k->end);
}

/* an un-enrolled client: kube-proxy picks, the pod's ztunnel sees plain */
static void
unenrolled(struct zs_sim *s, struct call *a)
{
	int cand[ZS_MAXREP * 2];
	size_t n = 0;
	size_t i;
	struct zs_rec *in;
	const struct zs_wl *w;
	int e;

	for (i = 0; i < a->v->nep; i++) {
		w = &s->wl[a->v->ep[i]];
		if (zs_present(w, a->k->start) && w->healthy)
			cand[n++] = a->v->ep[i];
	}
	a->k->path = ZP_UNENROLLED;
	if (n == 0)
		return;
	e = cand[zs_rbelow(&s->rng, (uint32_t)n)];
	w = &s->wl[e];
	a->k->ep = e;
	if (a->k->start + a->dur > w->last_us)
		a->dur = w->last_us - a->k->start;
	a->k->end = a->k->start + a->dur;
	if (!w->captured)
		return;		/* nobody logs it */
	in = new_rec(s, w->node, a->k->end - 40, (int64_t)s->nconn);
	in->dur_ms = (uint32_t)(a->dur / 1000);
	in->inbound = 1;
	in->src_wl = a->ci;
	in->src_ip = a->c->ip;
	in->src_port = a->eph;
	in->dst_wl = e;
	in->dst_ip = w->ip;
	in->dst_port = a->v->tport;
	in->svc = a->si;
	in->bsent = a->resp;
	in->brecv = a->req;
	a->k->in_rec = rec_ix(s, in);
}

static size_t
pick_cum(struct zs_rng *r, const double *cum, size_t n)
{
	double u = zs_runit(r) * cum[n - 1];
	size_t lo = 0;
	size_t hi = n - 1;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cum[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static void
one_call(struct zs_sim *s, int ci, int si, int64_t t)
{
	struct zs_rng *r = &s->rng;
	struct call a;
	int cat;
	int e;

	zs_grow((void **)&s->conn, &conncap, s->nconn + 1, sizeof(*s->conn));
	memset(&a, 0, sizeof(a));
	a.k = &s->conn[s->nconn];
	memset(a.k, 0, sizeof(*a.k));
	a.k->start = t;
	a.k->client = ci;
	a.k->svc = si;
	a.k->wp = a.k->ep = a.k->out_rec = a.k->in_rec = -1;
	a.ci = ci;
	a.si = si;
	a.c = &s->wl[ci];
	a.v = &s->svc[si];
	a.eph = (uint16_t)(32768 + zs_rbelow(r, 28232));
	if (zs_rbelow(r, 100) < (a.v->db ? 8u : 2u))
		a.dur = (int64_t)zs_rlogn(r, 8e6, 1.2);
	else
		a.dur = (int64_t)zs_rlogn(r, a.v->lat_us, 0.7);
	if (a.dur < 150)
		a.dur = 150 + zs_rbelow(r, 100);
	a.req = (uint64_t)zs_rlogn(r, a.v->req, 0.5);
	a.resp = (uint64_t)zs_rlogn(r, a.v->resp, 0.8);
	if (a.v->fixed) {
		a.req = (uint64_t)a.v->req;
		a.resp = (uint64_t)a.v->resp;
	}

	if (!a.c->captured)
		unenrolled(s, &a);
	else if (a.v->nwp > 0 && a.v->bypass > 0 &&
	    zs_runit(r) * 100.0 < a.v->bypass)
		bypass(s, &a);
	else if (a.v->nwp > 0)
		via_waypoint(s, &a);
	else if ((cat = pick_err(s, a.v)) == ZE_NOUPSTREAM)
		failed(s, &a);
	else if ((e = zs_draw(s, a.v, a.c, t, HOP_CLIENT_EP, 0)) < 0)
		failed(s, &a);
	else
		direct(s, &a, e);
	(void)cat;
	s->nconn++;
}

/* the whole capture: Poisson arrivals, clients and services by weight */
void
zs_simulate(struct zs_sim *s)
{
	double *ccum = zs_xmalloc(s->nwl * sizeof(*ccum));
	double *scum = zs_xmalloc(s->nsvc * sizeof(*scum));
	int *cix = zs_xmalloc(s->nwl * sizeof(*cix));
	int *six = zs_xmalloc(s->nsvc * sizeof(*six));
	size_t nc = 0;
	size_t ns = 0;
	size_t i;
	double t = 0;
	double end = s->duration * 1e6;

	for (i = 0; i < POOLN; i++)
		pool[i].a = -1;
	for (i = 0; i < s->nwl; i++) {
		if (s->wl[i].kind != WK_CLIENT)
			continue;
		ccum[nc] = (nc ? ccum[nc - 1] : 0) + s->wl[i].weight;
		cix[nc++] = (int)i;
	}
	for (i = 0; i < s->nsvc; i++) {
		if (s->svc[i].is_waypoint || s->svc[i].weight <= 0)
			continue;
		scum[ns] = (ns ? scum[ns - 1] : 0) + s->svc[i].weight;
		six[ns++] = (int)i;
	}
	if (nc == 0 || ns == 0)
		zs_die("no client or no service with weight > 0");
	zs_rng_seed(&s->rng, s->seed, 2);
	for (;;) {
		size_t c;
		size_t v;

		t += zs_rexp(&s->rng, 1e6 / s->rate);
		if (t >= end)
			break;
		c = pick_cum(&s->rng, ccum, nc);
		v = pick_cum(&s->rng, scum, ns);
		one_call(s, cix[c], six[v], (int64_t)t);
	}
	free(ccum);
	free(scum);
	free(cix);
	free(six);
}

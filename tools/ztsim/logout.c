/*
 * logout.c -- the access lines, as ztunnel's IstioFormat (text) or
 * IstioJsonFormat (LOG_FORMAT=json) writes them (shared/docs/ztunnel-
 * log-format.md 2-4), per imitated release:
 *   1.22  inbound HBONE dst.addr = pod:targetPort; no drain records;
 *         timeouts read `io error: deadline has elapsed`; policy
 *         denials have no reason;
 *   1.23  inbound HBONE dst.addr = pod:15008; drain records;
 *   1.24+ policy denials name the reason;
 *   1.31  src.cluster / dst.cluster.
 * ztunnel.log is what `kubectl -n istio-system logs -l app=ztunnel
 * --tail=-1 [--prefix]` prints: one block per ztunnel pod, pods in a
 * seeded random order, each block in its own (clock-offset) time order.
 * Each record's line number in it is kept for the truth.
 */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ztsim.h"

static const struct zs_sim *sortsim;

static int
byts(const void *a, const void *b)
{
	const struct zs_rec *x = &sortsim->rec[*(const size_t *)a];
	const struct zs_rec *y = &sortsim->rec[*(const size_t *)b];

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* the error text of a record, NULL for none */
static const char *
errtext(const struct zs_sim *s, const struct zs_rec *r, char *buf,
    size_t cap)
{
	char ip[16];

	switch (r->err) {
	case ZE_REFUSED:
		if (r->inbound)
			return "connection failed: io error: Connection "
			    "refused (os error 111)";
		return r->hbone ? "http status: 503 Service Unavailable"
				: "io error: Connection refused (os error 111)";
	case ZE_TIMEOUT:
		if (s->ver == ZV_122)
			return "io error: deadline has elapsed";
		return "connection timed out, maybe a NetworkPolicy is "
		    "blocking HBONE port 15008: deadline has elapsed";
	case ZE_POLICY:
		if (!r->inbound)
			return "http status: 401 Unauthorized";
		if (s->ver < ZV_124)
			return "connection closed due to policy rejection";
		return "connection closed due to policy rejection: allow "
		    "policies exist, but none allowed";
	case ZE_NOUPSTREAM:
		snprintf(buf, cap, "no healthy upstream: %s:%u",
		    zs_ip(r->dst_ip, ip), r->dst_port);
		return buf;
	case ZE_DRAIN:
		if (s->ver == ZV_122)
			return NULL;
		return "connection closed due to connection drain";
	case ZE_TLS: {
		const struct zs_wl *d = &s->wl[r->dst_wl];

		snprintf(buf, cap, "io error: invalid peer certificate: "
		    "Other(OtherError(identity verification error: peer did "
		    "not present the expected SAN (spiffe://cluster.local/ns/"
		    "%s/sa/%s), got spiffe://cluster.local/ns/%s/sa/default))",
		    d->ns, d->sa, d->ns);
		return buf;
	}
	default:
		return NULL;
	}
}

struct lb {
	char	*p;
	size_t	 n;
	size_t	 cap;
	int	 json;
	int	 nf;		/* fields so far */
};

static void
put(struct lb *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
put(struct lb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < b->cap - b->n)
			break;
		b->cap *= 2;
		b->p = zs_xrealloc(b->p, b->cap);
	}
	b->n += (size_t)n;
}

/* one field: quoted string (q), bare text or JSON number (num) */
static void
fld(struct lb *b, const char *k, const char *v, int q, int num)
{
	if (b->json)
		put(b, num ? ",\"%s\":%s" : ",\"%s\":\"%s\"", k, v);
	else
		put(b, q ? "%s%s=\"%s\"" : "%s%s=%s", b->nf ? " " : "", k, v);
	b->nf++;
}

static void
addr(struct lb *b, const char *k, uint32_t ip, unsigned port)
{
	char v[32];
	char i[16];

	snprintf(v, sizeof(v), "%s:%u", zs_ip(ip, i), port);
	fld(b, k, v, 0, 0);
}

static void
who(const struct zs_sim *s, struct lb *b, const char *side, int wl, int mtls)
{
	const struct zs_wl *w = &s->wl[wl];
	char k[32];
	char id[200];

	snprintf(k, sizeof(k), "%s.workload", side);
	fld(b, k, w->name, 1, 0);
	snprintf(k, sizeof(k), "%s.namespace", side);
	fld(b, k, w->ns, 1, 0);
	if (mtls) {
		snprintf(k, sizeof(k), "%s.identity", side);
		snprintf(id, sizeof(id), "spiffe://cluster.local/ns/%s/sa/%s",
		    w->ns, w->sa);
		fld(b, k, id, 1, 0);
	}
	if (s->ver == ZV_131) {
		snprintf(k, sizeof(k), "%s.cluster", side);
		fld(b, k, "Kubernetes", 1, 0);
	}
}

/* the access line of record r into b (without the kubectl prefix) */
static void
format(const struct zs_sim *s, const struct zs_rec *r, struct lb *b)
{
	char ts[32];
	char eb[512];
	char v[32];
	const char *e = errtext(s, r, eb, sizeof(eb));
	const char *lv = r->failed ? "warn" : e ? "error" : "info";
	const char *msg = r->failed ? "connection failed"
				    : "connection complete";
	uint32_t dip = r->dst_ip;
	unsigned dport = r->dst_port;

	zs_ts((int64_t)ZS_START_SEC * 1000000 + r->ts +
	    s->node[r->node].clock_us, ts);
	b->n = 0;
	b->nf = 0;
	if (b->json)
		put(b, "{\"level\":\"%s\",\"time\":\"%s\",\"scope\":\"access\","
		    "\"message\":\"%s\"", lv, ts, msg);
	else
		put(b, "%s\t%s\taccess\t%s\t", ts, lv, msg);
	addr(b, "src.addr", r->src_ip, r->src_port);
	if (!r->failed && r->src_wl >= 0)
		who(s, b, "src", r->src_wl, r->mtls);
	if (s->ver == ZV_122 && r->inbound && r->hbone) {
		dip = r->hb_ip;
		dport = r->hb_port;
	}
	addr(b, "dst.addr", dip, dport);
	if (!r->failed) {
		if (r->hbone)
			addr(b, "dst.hbone_addr", r->hb_ip, r->hb_port);
		if (r->svc >= 0)
			fld(b, "dst.service", s->svc[r->svc].host, 1, 0);
		if (r->dst_wl >= 0)
			who(s, b, "dst", r->dst_wl, r->mtls);
	}
	fld(b, "direction", r->inbound ? "inbound" : "outbound", 1, 0);
	if (!r->failed) {
		snprintf(v, sizeof(v), "%llu", (unsigned long long)r->bsent);
		fld(b, "bytes_sent", v, 0, 1);
		snprintf(v, sizeof(v), "%llu", (unsigned long long)r->brecv);
		fld(b, "bytes_recv", v, 0, 1);
		snprintf(v, sizeof(v), "%ums", r->dur_ms);
		fld(b, "duration", v, 1, 0);
	}
	if (e != NULL)
		fld(b, "error", e, 1, 0);
	put(b, b->json ? "}\n" : "\n");
}

/*
 * Order each ztunnel's records, number the lines of ztunnel.log, write
 * it (and with --bugreport, each pod's istio-proxy.log).
 */
void
zs_write_logs(struct zs_sim *s, const char *dir)
{
	size_t **idx = zs_xcalloc(s->nnode, sizeof(*idx));
	size_t *cnt = zs_xcalloc(s->nnode, sizeof(*cnt));
	size_t *order = zs_xmalloc(s->nnode * sizeof(*order));
	struct zs_rng r;
	struct lb b;
	FILE *f;
	uint32_t line = 0;
	size_t i;
	size_t k;

	for (i = 0; i < s->nnode; i++)
		idx[i] = zs_xmalloc((s->nrec + 1) * sizeof(**idx));
	for (i = 0; i < s->nrec; i++) {
		k = s->rec[i].node;
		idx[k][cnt[k]++] = i;
	}
	sortsim = s;
	for (i = 0; i < s->nnode; i++)
		qsort(idx[i], cnt[i], sizeof(**idx), byts);
	/* kubectl reads pods in Go map order: random per invocation */
	for (i = 0; i < s->nnode; i++)
		order[i] = i;
	zs_rng_seed(&r, s->seed, 3);
	for (i = s->nnode; i > 1; i--) {
		size_t j = zs_rbelow(&r, (uint32_t)i);
		size_t t = order[i - 1];

		order[i - 1] = order[j];
		order[j] = t;
	}
	b.cap = 1024;
	b.p = zs_xmalloc(b.cap);
	b.json = s->json;
	f = zs_create(dir, "ztunnel.log");
	for (i = 0; i < s->nnode; i++) {
		const struct zs_node *n = &s->node[order[i]];
		FILE *pf = NULL;
		char path[256];

		if (s->bugreport) {
			snprintf(path, sizeof(path), "bugreport/proxies/"
			    "istio-system/%s/istio-proxy.log", n->zpod);
			pf = zs_create(dir, path);
		}
		for (k = 0; k < cnt[order[i]]; k++) {
			struct zs_rec *rc = &s->rec[idx[order[i]][k]];

			rc->line = ++line;
			format(s, rc, &b);
			if (s->prefix)
				fprintf(f, "[pod/%s/istio-proxy] ", n->zpod);
			fwrite(b.p, 1, b.n, f);
			if (pf != NULL)
				fwrite(b.p, 1, b.n, pf);
		}
		if (pf != NULL)
			zs_close(pf, path);
	}
	zs_close(f, "ztunnel.log");
	for (i = 0; i < s->nnode; i++)
		free(idx[i]);
	free(idx);
	free(cnt);
	free(order);
	free(b.p);
}

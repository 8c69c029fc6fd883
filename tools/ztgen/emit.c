/*
 * emit.c -- ztgen writes one record as its line(s) into the pod's output
 * buffer: access records (connection complete / failed) in text (the TAB,
 * spaces and 1.22.0 layouts), JSON or CSV, and the non-access lines
 * (startup, xDS, pods, drains, warnings), with the kubectl decorations.
 */

#include "ztgen.h"

/* ------------------------------------------------------------------ */
/* the fixed pieces of access lines */

static const char *const errtext[ER_COUNT] = {
	"",
	"connection timed out, maybe a NetworkPolicy is blocking HBONE port "
	"15008: deadline has elapsed",
	"http status: 401 Unauthorized",
	"connection closed due to policy rejection: allow policies exist, but "
	"none allowed",
	"http status: 503 Service Unavailable",
	"connection failed: io error: Connection refused (os error 111)",
	"io error: Connection reset by peer (os error 104)",
	"io error: Connection refused (os error 111)",
	"",				/* per service: struct svc.noup */
	"unknown waypoint: unable to determine waypoint upstream",
};

static const char *const lvname[3] = { "info", "warn", "error" };
static const char *const msgname[2] = { "connection complete",
	"connection failed" };

/* the part of an access line between the timestamp and src.addr */
void
mk_heads(struct gen *g)
{
	int lv;
	int f;

	for (lv = 0; lv < 3; lv++) {
		for (f = 0; f < 2; f++) {
			char *h = g->head[lv][f];
			int n = 0;

			if (g->o.mode == MODE_JSON)
				n = sprintf(h, "\",\"scope\":\"access\","
				    "\"message\":\"%s\",\"src.addr\":\"",
				    msgname[f]);
			else if (g->o.mode == MODE_CSV)
				n = sprintf(h, ",%s,%s,", lvname[lv],
				    msgname[f]);
			else if (g->o.layout == LAYOUT_SPACES)
				n = sprintf(h, " %-7s access  %s src.addr=",
				    lvname[lv], msgname[f]);
			else
				n = sprintf(h, "\t%s\taccess\t%s\tsrc.addr=",
				    lvname[lv], msgname[f]);
			g->headn[lv][f] = (size_t)n;
		}
	}
	for (f = 1; f < ER_COUNT; f++) {
		g->errf[f] = field(g, "error", errtext[f], 0);
		/* 1.22.0 wrote this one bare, spaces and all */
		g->failf[f] = field(g, "error", errtext[f],
		    g->o.mode == MODE_TEXT && g->o.layout == LAYOUT_V1220);
	}
}

/* ------------------------------------------------------------------ */
/* access lines */

/* what one access line shows; NULL = field group absent */
struct aview {
	const struct wl		*sw;	/* src.workload/namespace */
	const struct wl		*dw;	/* dst.workload/namespace */
	const struct frag	*svc;	/* dst.service */
	const struct frag	*err;	/* error= */
	uint32_t		 dip;	/* dst.addr */
	uint16_t		 dport;
	int			 mtls;	/* identities */
	int			 hbone;	/* dst.hbone_addr */
	int			 inb;
	int			 failed; /* connection failed: four fields */
};

static void
aview(const struct gen *g, const struct rec *r, struct aview *v)
{
	v->failed = r->kind == REC_FAILED;
	v->inb = (r->flags & RF_INBOUND) != 0;
	v->hbone = !v->failed && (r->flags & RF_HBONE) != 0;
	v->mtls = (r->flags & RF_MTLS) != 0;
	v->sw = !v->failed && r->src_wl >= 0 ? &g->wl[r->src_wl] : NULL;
	v->dw = !v->failed && r->dst_wl >= 0 ? &g->wl[r->dst_wl] : NULL;
	v->svc = !v->failed && r->svc >= 0 ? &g->svc[r->svc].f : NULL;
	if (v->failed)
		v->err = r->err == ER_NOUPSTREAM ? &g->svc[r->svc].noup
						 : &g->failf[r->err];
	else
		v->err = r->err != ER_NONE ? &g->errf[r->err] : NULL;
	v->dip = r->dst_ip;
	v->dport = r->dst_port;
	/* 1.22.x logged the inbound HBONE dst.addr as pod:targetPort */
	if (g->o.layout == LAYOUT_V1220 && v->inb && v->hbone) {
		v->dip = r->hb_ip;
		v->dport = r->hb_port;
	}
}

static char *
access_text(const struct gen *g, const struct rec *r, const struct aview *v,
    char *o)
{
	o = put(o, g->head[r->level][v->failed], g->headn[r->level][v->failed]);
	o = put_ipport(o, r->src_ip, r->src_port);
	if (v->sw != NULL) {
		o = putf(o, &v->sw->src);
		if (v->mtls)
			o = putf(o, &v->sw->srcid);
	}
	o = PUTL(o, " dst.addr=");
	o = put_ipport(o, v->dip, v->dport);
	if (v->hbone) {
		o = PUTL(o, " dst.hbone_addr=");
		o = put_ipport(o, r->hb_ip, r->hb_port);
	}
	if (v->svc != NULL)
		o = putf(o, v->svc);
	if (v->dw != NULL) {
		o = putf(o, &v->dw->dst);
		if (v->mtls)
			o = putf(o, &v->dw->dstid);
	}
	o = v->inb ? PUTL(o, " direction=\"inbound\"")
		   : PUTL(o, " direction=\"outbound\"");
	if (!v->failed) {
		o = PUTL(o, " bytes_sent=");
		o = put_u64(o, r->bsent);
		o = PUTL(o, " bytes_recv=");
		o = put_u64(o, r->brecv);
		o = PUTL(o, " duration=\"");
		o = put_u64(o, r->dur_ms);
		o = PUTL(o, "ms\"");
	}
	if (v->err != NULL)
		o = putf(o, v->err);
	*o++ = '\n';
	return o;
}

static char *
access_json(const struct gen *g, struct zpod *p, const struct rec *r,
    const struct aview *v, char *o)
{
	o = PUTL(o, "{\"level\":\"");
	o = put(o, lvname[r->level], strlen(lvname[r->level]));
	o = PUTL(o, "\",\"time\":\"");
	o = put_ts(p, o, r->ts);
	o = put(o, g->head[r->level][v->failed], g->headn[r->level][v->failed]);
	o = put_ipport(o, r->src_ip, r->src_port);
	*o++ = '"';
	if (v->sw != NULL) {
		o = putf(o, &v->sw->src);
		if (v->mtls)
			o = putf(o, &v->sw->srcid);
	}
	o = PUTL(o, ",\"dst.addr\":\"");
	o = put_ipport(o, v->dip, v->dport);
	*o++ = '"';
	if (v->hbone) {
		o = PUTL(o, ",\"dst.hbone_addr\":\"");
		o = put_ipport(o, r->hb_ip, r->hb_port);
		*o++ = '"';
	}
	if (v->svc != NULL)
		o = putf(o, v->svc);
	if (v->dw != NULL) {
		o = putf(o, &v->dw->dst);
		if (v->mtls)
			o = putf(o, &v->dw->dstid);
	}
	o = v->inb ? PUTL(o, ",\"direction\":\"inbound\"")
		   : PUTL(o, ",\"direction\":\"outbound\"");
	if (!v->failed) {
		o = PUTL(o, ",\"bytes_sent\":");
		o = put_u64(o, r->bsent);
		o = PUTL(o, ",\"bytes_recv\":");
		o = put_u64(o, r->brecv);
		o = PUTL(o, ",\"duration\":\"");
		o = put_u64(o, r->dur_ms);
		o = PUTL(o, "ms\"");
	}
	if (v->err != NULL)
		o = putf(o, v->err);
	return PUTL(o, "}\n");
}

/* pod,time,level,message, then the 15 fields of section 2 */
static char *
access_csv(const struct gen *g, struct zpod *p, const struct rec *r,
    const struct aview *v, char *o)
{
	o = put(o, p->name, strlen(p->name));
	*o++ = ',';
	o = put_ts(p, o, r->ts);
	o = put(o, g->head[r->level][v->failed], g->headn[r->level][v->failed]);
	o = put_ipport(o, r->src_ip, r->src_port);
	if (v->sw != NULL) {
		o = putf(o, &v->sw->src);
		o = v->mtls ? putf(o, &v->sw->srcid) : PUTL(o, ",");
	} else {
		o = PUTL(o, ",,,");
	}
	*o++ = ',';
	o = put_ipport(o, v->dip, v->dport);
	*o++ = ',';
	if (v->hbone)
		o = put_ipport(o, r->hb_ip, r->hb_port);
	o = v->svc != NULL ? putf(o, v->svc) : PUTL(o, ",");
	if (v->dw != NULL) {
		o = putf(o, &v->dw->dst);
		o = v->mtls ? putf(o, &v->dw->dstid) : PUTL(o, ",");
	} else {
		o = PUTL(o, ",,,");
	}
	o = v->inb ? PUTL(o, ",inbound,") : PUTL(o, ",outbound,");
	if (!v->failed) {
		o = put_u64(o, r->bsent);
		*o++ = ',';
		o = put_u64(o, r->brecv);
		*o++ = ',';
		o = put_u64(o, r->dur_ms);
		o = PUTL(o, "ms");
	} else {
		o = PUTL(o, ",,");
	}
	o = v->err != NULL ? putf(o, v->err) : PUTL(o, ",");
	*o++ = '\n';
	return o;
}

static void
emit_access(struct gen *g, struct zpod *p, const struct rec *r)
{
	struct aview v;
	char *o;

	aview(g, r, &v);
	o = ob_line(&p->ob);
	switch (g->o.mode) {
	case MODE_TEXT:
		o = put_deco(g, p, o, r->ts);
		o = put_ts(p, o, r->ts);
		o = access_text(g, r, &v, o);
		break;
	case MODE_JSON:
		o = put_deco(g, p, o, r->ts);
		o = access_json(g, p, r, &v, o);
		break;
	case MODE_CSV:
		o = access_csv(g, p, r, &v, o);
		break;
	}
	ob_done(&p->ob, o);
}

/* ------------------------------------------------------------------ */
/* non-access lines */

static const char config_yaml[] =
    "window_size: 4194304\n"
    "connection_window_size: 4194304\n"
    "frame_size: 1048576\n"
    "pool_max_streams_per_conn: 100\n"
    "pool_unused_release_timeout:\n"
    "  secs: 300\n"
    "  nanos: 0\n"
    "socks5_addr: null\n"
    "admin_addr: !Localhost\n"
    "- true\n"
    "- 15000\n"
    "stats_addr: !SocketAddr '[::]:15020'\n"
    "readiness_addr: !SocketAddr '[::]:15021'\n"
    "inbound_addr: '[::]:15008'\n"
    "inbound_plaintext_addr: '[::]:15006'\n"
    "outbound_addr: '[::]:15001'\n"
    "dns_proxy_addr: !Localhost\n"
    "- false\n"
    "- 15053\n"
    "network: ''\n"
    "local_node: %s\n"
    "proxy_mode: Shared\n"
    "cluster_id: Kubernetes\n"
    "cluster_domain: cluster.local\n"
    "fake_ca: false\n"
    "self_termination_deadline:\n"
    "  secs: 5\n"
    "  nanos: 0\n"
    "proxy_args: proxy ztunnel\n"
    "dns_proxy: true\n"
    "xds_address: https://istiod.istio-system.svc:15012\n"
    "ca_address: https://istiod.istio-system.svc:15012\n"
    "num_worker_threads: 2\n"
    "inpod_enabled: true\n"
    "inpod_uds: /var/run/ztunnel/ztunnel.sock\n"
    "inpod_port_reuse: true\n"
    "inpod_mark: 1337\n";

/* physical text lines of the config event: 1 + YAML lines + the "\t" line */
uint64_t
config_lines(const struct gen *g)
{
	uint64_t n = 0;
	const char *s;

	if (g->o.mode == MODE_JSON)
		return 1;	/* the YAML becomes one escaped string */
	for (s = config_yaml; *s != '\0'; s++)
		n += *s == '\n';
	return n + 1;
}

struct oline {
	enum level	 level;
	const char	*target;	/* full target, "ztunnel::..." */
	char		 span[256];	/* text "name{k=v}", "" for none */
	char		 jspan[256];	/* JSON `"name":{...}` */
	char		 msg[2048];
	char		 fields[512];	/* text k=v pairs */
	char		 jfields[512];	/* JSON ,"k":v pairs */
};

/* one non-access event, possibly several physical lines in text mode */
static void
emit_oline(struct gen *g, struct zpod *p, uint64_t ts, const struct oline *l)
{
	const char *target = l->target;
	const char *s;
	char *o;
	size_t n;
	size_t col;

	o = ob_line(&p->ob);
	o = put_deco(g, p, o, ts);
	if (g->o.mode == MODE_JSON) {
		char m[4200];

		esc(m, l->msg);
		o += sprintf(o, "{\"level\":\"%s\",\"time\":\"", lvname[l->level]);
		o = put_ts(p, o, ts);
		o += sprintf(o, "\",\"scope\":\"%s\",\"message\":\"%s\"%s%s%s}\n",
		    target, m, l->jfields, l->jspan[0] ? "," : "", l->jspan);
		ob_done(&p->ob, o);
		return;
	}
	if (strncmp(target, "ztunnel::", 9) == 0)
		target += 9;
	o = put_ts(p, o, ts);
	if (g->o.layout == LAYOUT_SPACES) {
		/* like the istio.io capture: TABs expanded after the ts */
		*o++ = ' ';
		n = strlen(lvname[l->level]);
		o = put(o, lvname[l->level], n);
		for (col = n; col < 8; col++)
			*o++ = ' ';
		n = (size_t)sprintf(o, "%s%s%s", target, l->span[0] ? ":" : "",
		    l->span);
		o += n;
		for (col = n % 8; col < 8; col++)
			*o++ = ' ';
	} else {
		o += sprintf(o, "\t%s\t%s%s%s\t", lvname[l->level], target,
		    l->span[0] ? ":" : "", l->span);
	}
	/* the message is written raw; each LF starts a new physical line */
	for (s = l->msg; *s != '\0'; s++) {
		*o++ = *s;
		if (*s == '\n') {
			ob_done(&p->ob, o);
			o = ob_line(&p->ob);
			o = put_deco(g, p, o, ts);
		}
	}
	*o++ = g->o.layout == LAYOUT_SPACES ? ' ' : '\t';
	o += sprintf(o, "%s\n", l->fields);
	ob_done(&p->ob, o);
}

static void
oline_init(struct oline *l, enum level lv, const char *target)
{
	l->level = lv;
	l->target = target;
	l->span[0] = l->jspan[0] = l->msg[0] = '\0';
	l->fields[0] = l->jfields[0] = '\0';
}

static void
span_wl(struct oline *l, const char *name, const struct wl *w)
{
	snprintf(l->span, sizeof(l->span), "%s{wl=%s/%s}", name, w->ns,
	    w->name);
	snprintf(l->jspan, sizeof(l->jspan), "\"%s\":{\"wl\":\"%s/%s\"}", name,
	    w->ns, w->name);
}

static void
span_xds(struct oline *l, uint32_t id)
{
	snprintf(l->span, sizeof(l->span), "xds{id=%u}", id);
	snprintf(l->jspan, sizeof(l->jspan), "\"xds\":{\"id\":%u}", id);
}

static void
listener_fields(struct oline *l, const char *addr, const char *comp, int tr)
{
	snprintf(l->fields, sizeof(l->fields),
	    "address=%s component=\"%s\" transparent=%s", addr, comp,
	    tr ? "true" : "false");
	snprintf(l->jfields, sizeof(l->jfields),
	    ",\"address\":\"%s\",\"component\":\"%s\",\"transparent\":%s", addr,
	    comp, tr ? "true" : "false");
}

/* the lines of ztunnel's own startup; 0: r is not one of them */
static int
startup_oline(const struct gen *g, const struct zpod *p, const struct rec *r,
    struct oline *l)
{
	static const char *const listeners[][3] = {
		{ "127.0.0.1:15000", "admin", "0" },
		{ "[::]:15020", "stats", "0" },
		{ "[::]:15021", "readiness", "0" },
		{ "[::]:15008", "inbound", "1" },
		{ "[::]:15006", "inbound plaintext", "1" },
		{ "127.0.0.1:15001", "outbound", "1" },
	};
	const struct wl *w = r->src_wl >= 0 ? &g->wl[r->src_wl] : NULL;
	uint64_t a = r->bsent;

	switch ((enum other)r->err) {
	case OT_VERSION:
		oline_init(l, LV_INFO, "ztunnel");
		snprintf(l->msg, sizeof(l->msg),
		    "version: version.BuildInfo{Version:\"%s\", "
		    "GitRevision:\"%s\", RustVersion:\"1.79.0\", "
		    "BuildProfile:\"release\", BuildStatus:\"Clean\", "
		    "GitTag:\"%s\", IstioVersion:\"unknown\"}",
		    g->o.layout == LAYOUT_V1220 ? "1.22.0" : "1.23.2",
		    g->o.layout == LAYOUT_V1220
			? "a3bb4bd3bf5ec0a4df0d1e8e1c4e0bc66ab2c2e7"
			: "32ae0b4e8d1ac6fb2c2a7e7d4f5bc6e0f4a6fbc1",
		    g->o.layout == LAYOUT_V1220 ? "1.22.0" : "1.23.2");
		return 1;
	case OT_CONFIG: {
		char yaml[sizeof(config_yaml) + 32];

		oline_init(l, LV_INFO, "ztunnel");
		snprintf(yaml, sizeof(yaml), config_yaml, p->node);
		snprintf(l->msg, sizeof(l->msg), "running with config: %s",
		    yaml);
		return 1;
	}
	case OT_LISTENER:
		oline_init(l, LV_INFO, "ztunnel::hyper_util");
		listener_fields(l, listeners[a][0], listeners[a][1], 0);
		snprintf(l->msg, sizeof(l->msg), "listener established");
		return 1;
	case OT_POD_LISTENER:
		oline_init(l, LV_INFO,
		    a == 3 ? "ztunnel::proxy::inbound"
		    : a == 4 ? "ztunnel::proxy::inbound_passthrough"
			     : "ztunnel::proxy::outbound");
		span_wl(l, "proxy", w);
		listener_fields(l, listeners[a][0], listeners[a][1], 1);
		snprintf(l->msg, sizeof(l->msg), "listener established");
		return 1;
	default:
		return 0;
	}
}

static void
emit_other(struct gen *g, struct zpod *p, const struct rec *r)
{
	static const char *const types[] = {
		"type.googleapis.com/istio.workload.Address",
		"type.googleapis.com/istio.security.Authorization",
	};
	struct oline l;
	const struct wl *w = r->src_wl >= 0 ? &g->wl[r->src_wl] : NULL;
	uint64_t a = r->bsent;
	uint64_t b = r->brecv;

	if (startup_oline(g, p, r, &l)) {
		emit_oline(g, p, r->ts, &l);
		return;
	}
	switch ((enum other)r->err) {
	case OT_POD_RECEIVED:
		oline_init(&l, LV_INFO, "ztunnel::inpod::statemanager");
		snprintf(l.msg, sizeof(l.msg), "pod received, starting proxy");
		snprintf(l.fields, sizeof(l.fields),
		    "uid=\"%s\" name=\"%s\" namespace=\"%s\"", w->uid, w->name,
		    w->ns);
		snprintf(l.jfields, sizeof(l.jfields),
		    ",\"uid\":\"%s\",\"name\":\"%s\",\"namespace\":\"%s\"",
		    w->uid, w->name, w->ns);
		break;
	case OT_XDS_STREAM:
		oline_init(&l, LV_INFO, "ztunnel::xds::client");
		span_xds(&l, (uint32_t)a);
		snprintf(l.msg, sizeof(l.msg), "Stream established");
		break;
	case OT_XDS_RESP:
		oline_init(&l, LV_INFO, "ztunnel::xds::client");
		span_xds(&l, (uint32_t)(a >> 32));
		snprintf(l.msg, sizeof(l.msg), "received response");
		snprintf(l.fields, sizeof(l.fields),
		    "type_url=\"%s\" size=%u removes=%u", types[a & 1],
		    (unsigned)(b >> 8), (unsigned)(b & 0xff));
		snprintf(l.jfields, sizeof(l.jfields),
		    ",\"type_url\":\"%s\",\"size\":%u,\"removes\":%u",
		    types[a & 1], (unsigned)(b >> 8), (unsigned)(b & 0xff));
		break;
	case OT_XDS_ERR:
		oline_init(&l, LV_WARN, "ztunnel::xds::client");
		span_xds(&l, (uint32_t)a);
		snprintf(l.msg, sizeof(l.msg),
		    "XDS client connection error: gRPC connection error "
		    "connecting to https://istiod.istio-system.svc:15012: "
		    "status: Unknown, message: \"h2 protocol error: error "
		    "reading a body from connection\", source: error reading "
		    "a body from connection, retrying in 100ms");
		break;
	case OT_DRAIN:
		oline_init(&l, LV_INFO, "ztunnel::drain");
		span_wl(&l, "proxy", w);
		snprintf(l.msg, sizeof(l.msg), "shutdown complete");
		snprintf(l.fields, sizeof(l.fields), "component=\"%s\"",
		    a ? "inbound" : "outbound");
		snprintf(l.jfields, sizeof(l.jfields),
		    ",\"component\":\"%s\"", a ? "inbound" : "outbound");
		break;
	case OT_PING_ERR:
	default:
		oline_init(&l, LV_ERROR, "ztunnel::proxy::h2");
		snprintf(l.msg, sizeof(l.msg), "ping error: broken pipe");
		break;
	}
	emit_oline(g, p, r->ts, &l);
}

void
emit(struct gen *g, struct zpod *p, const struct rec *r)
{
	if (r->kind == REC_OTHER) {
		if (g->o.mode != MODE_CSV)
			emit_other(g, p, r);
	} else {
		emit_access(g, p, r);
	}
}

/*
 * fmt.c -- ztgen's formatting: timestamps and kubectl decorations, the
 * output buffers, the preformatted per-mode pieces ("fragments") of access
 * lines, and die()/xmalloc().  The per-field writers (put, put_ip, ...)
 * are static inline in ztgen.h.
 */

#include <stdlib.h>

#include "ztgen.h"

char octs[256][4];		/* "0".."255" for put_ip */
uint8_t octn[256];

/* ------------------------------------------------------------------ */
/* small helpers */

_Noreturn void
die(const char *msg)
{
	fprintf(stderr, "ztgen: %s\n", msg);
	exit(2);
}

void *
xmalloc(size_t n)
{
	void *p;

	p = malloc(n == 0 ? 1 : n);
	if (p == NULL)
		die("out of memory");
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n == 0 ? 1 : n);
	if (p == NULL)
		die("out of memory");
	return p;
}

/* ------------------------------------------------------------------ */
/* timestamps and kubectl decorations */

void
init_octets(void)
{
	unsigned i;

	for (i = 0; i < 256; i++)
		octn[i] = (uint8_t)snprintf(octs[i], sizeof(octs[i]), "%u", i);
}

/* "YYYY-MM-DDTHH:MM:SS" for seconds since the epoch (no libc time) */
static void
civil(int64_t sec, char *out)
{
	int64_t days = sec / 86400;
	int64_t rem = sec % 86400;
	int64_t z;
	int64_t era;
	int64_t doe;
	int64_t yoe;
	int64_t y;
	int64_t doy;
	int64_t mp;
	int64_t d;
	int64_t m;

	/* H. Hinnant, civil_from_days */
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	if (m <= 2)
		y++;
	put_dig(out, (uint64_t)y, 4);
	out[4] = '-';
	put_dig(out + 5, (uint64_t)m, 2);
	out[7] = '-';
	put_dig(out + 8, (uint64_t)d, 2);
	out[10] = 'T';
	put_dig(out + 11, (uint64_t)(rem / 3600), 2);
	out[13] = ':';
	put_dig(out + 14, (uint64_t)(rem / 60 % 60), 2);
	out[16] = ':';
	put_dig(out + 17, (uint64_t)(rem % 60), 2);
	out[19] = '.';
}

/* ztunnel's timestamp: 2024-05-04T10:11:04.964851Z */
char *
put_ts(struct zpod *p, char *o, uint64_t us)
{
	int64_t sec = (int64_t)(us / 1000000);

	if (sec != p->tsec) {
		civil(sec, p->thead);
		p->tsec = sec;
	}
	o = put(o, p->thead, 20);
	o = put_dig(o, us % 1000000, 6);
	*o++ = 'Z';
	return o;
}

/* kubectl decorations of one physical line (section 10.3-10.5) */
char *
put_deco(const struct gen *g, struct zpod *p, char *o, uint64_t us)
{
	uint64_t ns;
	int64_t sec;

	if (g->o.prefix)
		o = put(o, p->deco, p->decon);
	if (!g->o.timestamps)
		return o;
	/* the runtime receives the line a little after ztunnel stamped it */
	ns = us * 1000 + rrange(&p->erng, 2000, 90000);
	if (ns <= p->kts)
		ns = p->kts + rrange(&p->erng, 40, 400);
	p->kts = ns;
	sec = (int64_t)(ns / 1000000000);
	if (sec != p->ksec) {
		civil(sec, p->khead);
		p->ksec = sec;
	}
	o = put(o, p->khead, 20);
	o = put_dig(o, ns % 1000000000, 9);
	return PUTL(o, "Z ");
}

/* ------------------------------------------------------------------ */
/* output buffers */

void
ob_flush(struct obuf *ob)
{
	if (ob->len > 0 && fwrite(ob->buf, 1, ob->len, ob->f) != ob->len)
		die("write error");
	ob->len = 0;
}

/* ------------------------------------------------------------------ */
/* fragments: per-mode preformatted pieces of access lines */

/* Rust Debug / JSON string escaping; our names never need more */
size_t
esc(char *out, const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			out[n++] = '\\';
		else if (*s == '\n') {
			out[n++] = '\\';
			out[n++] = 'n';
			continue;
		} else if (*s == '\t') {
			out[n++] = '\\';
			out[n++] = 't';
			continue;
		}
		out[n++] = *s;
	}
	out[n] = '\0';
	return n;
}

/* CSV field: quoted only when needed */
static size_t
csvq(char *out, const char *s)
{
	size_t n = 0;

	if (strpbrk(s, ",\"\n") == NULL) {
		n = strlen(s);
		memcpy(out, s, n + 1);
		return n;
	}
	out[n++] = '"';
	for (; *s != '\0'; s++) {
		if (*s == '"')
			out[n++] = '"';
		out[n++] = *s;
	}
	out[n++] = '"';
	out[n] = '\0';
	return n;
}

/*
 * One string field as the chosen mode writes it: ` key="v"` (text),
 * ` key=v` (bare: 1.22.0 names), `,"key":"v"` (JSON) or `,v` (CSV).
 */
struct frag
field(const struct gen *g, const char *key, const char *v, int bare)
{
	size_t cap = strlen(key) + 2 * strlen(v) + 8;
	char *val = xmalloc(cap);
	struct frag f;
	int n;

	f.p = xmalloc(cap);
	if (g->o.mode == MODE_JSON) {
		esc(val, v);
		n = snprintf(f.p, cap, ",\"%s\":\"%s\"", key, val);
	} else if (g->o.mode == MODE_CSV) {
		csvq(val, v);
		n = snprintf(f.p, cap, ",%s", val);
	} else if (bare) {
		n = snprintf(f.p, cap, " %s=%s", key, v);
	} else {
		esc(val, v);
		n = snprintf(f.p, cap, " %s=\"%s\"", key, val);
	}
	free(val);
	f.n = (size_t)n;
	return f;
}

/* two fields that always travel together */
static struct frag
field2(const struct gen *g, const char *k1, const char *v1, const char *k2,
    const char *v2, int bare)
{
	struct frag a = field(g, k1, v1, bare);
	struct frag b = field(g, k2, v2, bare);
	struct frag f;

	f.n = a.n + b.n;
	f.p = xmalloc(f.n + 1);
	memcpy(f.p, a.p, a.n);
	memcpy(f.p + a.n, b.p, b.n + 1);
	free(a.p);
	free(b.p);
	return f;
}

void
wl_frags(const struct gen *g, struct wl *w)
{
	char id[256];
	int bare = g->o.mode == MODE_TEXT && g->o.layout == LAYOUT_V1220;

	snprintf(id, sizeof(id), "spiffe://cluster.local/ns/%s/sa/%s", w->ns,
	    w->sa);
	w->src = field2(g, "src.workload", w->name, "src.namespace", w->ns,
	    bare);
	w->srcid = field(g, "src.identity", id, 0);
	w->dst = field2(g, "dst.workload", w->name, "dst.namespace", w->ns,
	    bare);
	w->dstid = field(g, "dst.identity", id, 0);
}

void
svc_frag(const struct gen *g, struct svc *s)
{
	char host[160];

	snprintf(host, sizeof(host), "%s.%s.svc.cluster.local", s->name,
	    s->ns);
	s->f = field(g, "dst.service", host,
	    g->o.mode == MODE_TEXT && g->o.layout == LAYOUT_V1220);
	snprintf(host, sizeof(host), "no healthy upstream: %u.%u.%u.%u:%u",
	    s->vip >> 24, (s->vip >> 16) & 0xff, (s->vip >> 8) & 0xff,
	    s->vip & 0xff, s->port);
	s->noup = field(g, "error", host,
	    g->o.mode == MODE_TEXT && g->o.layout == LAYOUT_V1220);
}

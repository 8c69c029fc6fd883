/*
 * table.c -- the tables istioctl prints: `proxy-config workload` (1.19 to
 * 1.21), `x ztunnel-config` (1.22) and `ztunnel-config`/`zc` (1.23+)
 * workloads and services, and `zc all`, whose policy, certificate and
 * connection tables are recognised and skipped.
 *
 * istioctl writes them with Go's tabwriter (minwidth 0, padding 1, pad
 * ' '): each column starts where the header's column name starts and is
 * padded to its widest cell plus one space; cells may be empty (NODE of a
 * non-pod workload, SERVICE VIP of a headless service), so a row is cut
 * at the header's column positions, counted in characters as tabwriter
 * counts them.  A row that does not line up (re-spaced by hand) is split
 * at spaces instead, which works when it has one word per column.
 *
 * States: before a header (blank lines and "------ X INFO ------"
 * banners of --with-headers are skipped; anything else must be a header
 * istioctl prints), and in a table (rows until a blank line; a header
 * line starts the next table).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inv/invpriv.h"
#include "util/xalloc.h"

#define MAXCOLS	8

enum tkind { T_WORKLOADS, T_SERVICES, T_SKIP };

enum role { R_OTHER, R_NAMESPACE, R_NAME, R_NETWORK, R_IP, R_ADDRESS,
    R_NODE, R_WAYPOINT, R_PROTOCOL, R_VIP, R_ENDPOINTS };

/* Every header istioctl has printed (git grep 'Fprintln(w, "' per tag). */
static const struct variant {
	const char	*cols;		/* column names, '|'-joined */
	enum tkind	 kind;
	const char	*label;
} variants[] = {
	{ "NAME|NAMESPACE|IP|NODE|WAYPOINT|PROTOCOL", T_WORKLOADS,
	    "workloads 1.19" },
	{ "NAME|NAMESPACE|IP|NODE", T_WORKLOADS, "workloads 1.19 short" },
	{ "NAMESPACE|NAME|IP|NODE|WAYPOINT|PROTOCOL", T_WORKLOADS,
	    "workloads 1.20" },
	{ "NAMESPACE|NAME|IP|NODE", T_WORKLOADS, "workloads 1.20-1.21 short" },
	{ "NAMESPACE|NAME|NETWORK|IP|NODE|WAYPOINT|PROTOCOL", T_WORKLOADS,
	    "workloads 1.21" },
	{ "NAMESPACE|POD NAME|IP|NODE|WAYPOINT|PROTOCOL", T_WORKLOADS,
	    "workloads 1.22-1.23" },
	{ "NAMESPACE|POD NAME|IP|NODE", T_WORKLOADS, "workloads 1.22 short" },
	{ "NAMESPACE|POD NAME|ADDRESS|NODE|WAYPOINT|PROTOCOL", T_WORKLOADS,
	    "workloads 1.24+" },
	{ "NAMESPACE|SERVICE NAME|SERVICE VIP|WAYPOINT", T_SERVICES,
	    "services 1.22" },
	{ "NAMESPACE|SERVICE NAME|SERVICE VIP|WAYPOINT|ENDPOINTS", T_SERVICES,
	    "services 1.23+" },
	{ "NAMESPACE|POLICY NAME|ACTION|SCOPE", T_SKIP, "policies" },
	{ ("CERTIFICATE NAME|TYPE|STATUS|VALID CERT|SERIAL NUMBER|NOT AFTER|"
	    "NOT BEFORE"), T_SKIP, "certificates" },
	{ "NAME|TYPE|STATUS|VALID CERT|SERIAL NUMBER|NOT AFTER|NOT BEFORE",
	    T_SKIP, "certificates 1.19-1.21" },
	{ "WORKLOAD|DIRECTION|LOCAL|REMOTE|REMOTE TARGET", T_SKIP,
	    "connections" },
	{ "WORKLOAD|DIRECTION|LOCAL|REMOTE|REMOTE TARGET|PROTOCOL", T_SKIP,
	    "connections 1.26+" },
};

/* Column names of two words. */
static const char *const pairs[] = {
	"POD NAME", "SERVICE NAME", "SERVICE VIP", "POLICY NAME",
	"CERTIFICATE NAME", "VALID CERT", "SERIAL NUMBER", "NOT AFTER",
	"NOT BEFORE", "REMOTE TARGET",
};

static const struct {
	const char	*name;
	enum role	 role;
} roles[] = {
	{ "NAMESPACE", R_NAMESPACE }, { "NAME", R_NAME },
	{ "POD NAME", R_NAME }, { "SERVICE NAME", R_NAME },
	{ "NETWORK", R_NETWORK }, { "IP", R_IP }, { "ADDRESS", R_ADDRESS },
	{ "NODE", R_NODE }, { "WAYPOINT", R_WAYPOINT },
	{ "PROTOCOL", R_PROTOCOL }, { "SERVICE VIP", R_VIP },
	{ "ENDPOINTS", R_ENDPOINTS },
};

struct header {
	const struct variant *v;
	size_t		 ncol;
	size_t		 at[MAXCOLS];	/* column starts, in characters */
	enum role	 role[MAXCOLS];
};

struct tctx {
	struct zt_inv	*inv;
	size_t		 src;
	const char	*file;
	struct zt_err	*err;
	unsigned long	 lineno;
	unsigned	 seen;		/* variants read, a bit each */
};

struct cell {
	const char	*p;
	size_t		 n;
	size_t		 col;		/* 1-based character column */
};

static int
blank(const char *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t')
			return 0;
	return 1;
}

/* "------ WORKLOAD INFO ------" (configdump.go printHeaders). */
static int
banner(const char *p, size_t n)
{
	return n >= 14 && memcmp(p, "------ ", 7) == 0 &&
	    memcmp(p + n - 7, " ------", 7) == 0;
}

static enum role
role_of(const char *name, size_t n)
{
	size_t	 i;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strlen(roles[i].name) == n &&
		    memcmp(roles[i].name, name, n) == 0)
			return roles[i].role;
	return R_OTHER;
}

static int
is_pair(const char *a, size_t an, const char *b, size_t bn)
{
	size_t	 i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		if (strlen(pairs[i]) == an + 1 + bn &&
		    memcmp(pairs[i], a, an) == 0 && pairs[i][an] == ' ' &&
		    memcmp(pairs[i] + an + 1, b, bn) == 0)
			return 1;
	return 0;
}

/*
 * Parse a header line: capital words; two-word column names joined when
 * they are names istioctl uses.  Returns 0 with h filled when the columns
 * are one of variants[], else -1.
 */
static int
header(const char *p, size_t n, struct header *h)
{
	char		 cols[160];
	size_t		 ws[16];
	size_t		 wl[16];
	size_t		 nw = 0;
	size_t		 i = 0;
	size_t		 k;
	size_t		 len = 0;
	size_t		 cn;
	size_t		 start;

	while (i < n) {
		if (p[i] == ' ') {
			i++;
			continue;
		}
		if (nw == 16)
			return -1;
		ws[nw] = i;
		while (i < n && p[i] != ' ') {
			if (p[i] < 'A' || p[i] > 'Z')
				return -1;
			i++;
		}
		wl[nw] = i - ws[nw];
		nw++;
	}
	h->ncol = 0;
	for (k = 0; k < nw; k++) {
		if (h->ncol == MAXCOLS)
			return -1;
		start = ws[k];
		cn = wl[k];
		if (k + 1 < nw && ws[k + 1] == ws[k] + wl[k] + 1 &&
		    is_pair(p + ws[k], wl[k], p + ws[k + 1], wl[k + 1])) {
			cn = wl[k] + 1 + wl[k + 1];
			k++;
		}
		if (len + cn + 1 >= sizeof(cols))
			return -1;
		if (h->ncol > 0)
			cols[len++] = '|';
		memcpy(cols + len, p + start, cn);
		h->at[h->ncol] = start;
		h->role[h->ncol] = role_of(cols + len, cn);
		len += cn;
		h->ncol++;
	}
	cols[len] = '\0';
	for (i = 0; i < sizeof(variants) / sizeof(variants[0]); i++)
		if (strcmp(variants[i].cols, cols) == 0) {
			h->v = &variants[i];
			return 0;
		}
	return -1;
}

/* Byte offset of character c of p[0..n) (n if the line is shorter). */
static size_t
char_at(const char *p, size_t n, size_t c)
{
	size_t	 i = 0;
	size_t	 k;

	while (c > 0 && i < n) {
		k = zt_utf8_len(p + i, n - i);
		i += k > 0 ? k : 1;
		c--;
	}
	return i;
}

/* Cut a row at the header's columns; -1 when it does not line up. */
static int
cut(const struct header *h, const char *p, size_t n, struct cell *c)
{
	size_t	 i;
	size_t	 s;
	size_t	 e;

	for (i = 0; i < h->ncol; i++) {
		s = char_at(p, n, h->at[i]);
		e = i + 1 < h->ncol ? char_at(p, n, h->at[i + 1]) : n;
		if (i > 0 && s < n && s > 0 && p[s - 1] != ' ')
			return -1;	/* the cell before runs into this one */
		while (e > s && p[e - 1] == ' ')
			e--;
		if (memchr(p + s, ' ', e - s) != NULL)
			return -1;
		c[i].p = p + s;
		c[i].n = e - s;
		c[i].col = h->at[i] + 1;
	}
	return 0;
}

/* Split a row at runs of spaces; -1 unless it has one word per column. */
static int
split(const struct header *h, const char *p, size_t n, struct cell *c)
{
	size_t	 i = 0;
	size_t	 k = 0;
	size_t	 s;

	while (i < n) {
		if (p[i] == ' ') {
			i++;
			continue;
		}
		s = i;
		while (i < n && p[i] != ' ')
			i++;
		if (k == h->ncol)
			return -1;
		c[k].p = p + s;
		c[k].n = i - s;
		c[k].col = s + 1;
		k++;
	}
	return k == h->ncol ? 0 : -1;
}

static int
row_err(struct tctx *t, size_t col, const char *what, const struct cell *c)
{
	if (c == NULL)
		return zt_err_at(t->err, t->file, t->lineno, col, "%s", what);
	return zt_err_at(t->err, t->file, t->lineno, col, "%s \"%.*s\"", what,
	    (int)(c->n > 64 ? 64 : c->n), c->p);
}

static const struct cell *
cell_of(const struct header *h, const struct cell *c, enum role r)
{
	size_t	 i;

	for (i = 0; i < h->ncol; i++)
		if (h->role[i] == r)
			return &c[i];
	return NULL;
}

static const char *
cstr(struct tctx *t, const struct cell *c)
{
	return c == NULL ? NULL : inv_strn(t->inv, c->p, c->n);
}

/* WAYPOINT: "None", "NA" (not resolvable) or the waypoint's name. */
static int
waypoint(struct tctx *t, const struct cell *c, enum zt_inv_tri *has,
    const char **name)
{
	if (c == NULL)
		return 0;
	if (c->n == 0)
		return row_err(t, c->col, "empty WAYPOINT", NULL);
	if (c->n == 4 && memcmp(c->p, "None", 4) == 0)
		*has = ZT_INV_TRI_NO;
	else {
		*has = ZT_INV_TRI_YES;
		if (!(c->n == 2 && memcmp(c->p, "NA", 2) == 0))
			*name = cstr(t, c);
	}
	return 0;
}

/* A comma-separated address list: add each with add(). */
static int
addresses(struct tctx *t, const struct cell *c, const char *what,
    void (*add)(struct tctx *, const char *, void *), void *arg)
{
	const char	*p = c->p;
	const char	*end = c->p + c->n;
	const char	*comma;
	char		 ip[INV_IPLEN];
	struct cell	 bad;

	while (p < end) {
		comma = memchr(p, ',', (size_t)(end - p));
		if (comma == NULL)
			comma = end;
		if (inv_ip_canon(p, (size_t)(comma - p), ip) == -1) {
			bad.p = p;
			bad.n = (size_t)(comma - p);
			return row_err(t, c->col, what, &bad);
		}
		add(t, inv_str(t->inv, ip), arg);
		p = comma + 1;
	}
	return 0;
}

static void
add_wip(struct tctx *t, const char *ip, void *arg)
{
	struct zt_inv_workload	*w = arg;

	(void)t;
	inv_list_add(&w->ips, &w->nips, ip);
}

static void
add_svip(struct tctx *t, const char *ip, void *arg)
{
	struct zt_inv_service	*s = arg;

	(void)t;
	if (!inv_has(s->vips, s->nvips, ip))
		inv_add_vip(s, ip, NULL);
}

static int
required(struct tctx *t, const struct cell *c, const char *name)
{
	char	 msg[48];

	if (c->n > 0)
		return 0;
	snprintf(msg, sizeof(msg), "empty %s", name);
	return row_err(t, c->col, msg, NULL);
}

static int
wl_row(struct tctx *t, const struct header *h, const struct cell *c)
{
	struct zt_inv_workload	*w;
	const struct cell	*a;
	const struct cell	*pr;

	w = inv_wl_new();
	w->source = t->src;
	if (required(t, cell_of(h, c, R_NAMESPACE), "NAMESPACE") == -1 ||
	    required(t, cell_of(h, c, R_NAME), "NAME") == -1)
		goto out_free;
	w->ns = cstr(t, cell_of(h, c, R_NAMESPACE));
	w->name = cstr(t, cell_of(h, c, R_NAME));
	w->node = cstr(t, cell_of(h, c, R_NODE));
	w->network = cstr(t, cell_of(h, c, R_NETWORK));
	if ((a = cell_of(h, c, R_IP)) != NULL &&
	    addresses(t, a, "not an IP address", add_wip, w) == -1)
		goto out_free;
	/* ADDRESS (1.24+): the addresses, or the hostname when none. */
	if ((a = cell_of(h, c, R_ADDRESS)) != NULL) {
		if (a->n > 0 && memchr(a->p, ',', a->n) == NULL &&
		    inv_ip_canon(a->p, a->n, (char[INV_IPLEN]){ 0 }) == -1)
			w->hostname = cstr(t, a);
		else if (addresses(t, a, "not an IP address", add_wip,
		    w) == -1)
			goto out_free;
	}
	if (waypoint(t, cell_of(h, c, R_WAYPOINT), &w->has_waypoint,
	    &w->waypoint_name) == -1)
		goto out_free;
	if ((pr = cell_of(h, c, R_PROTOCOL)) != NULL) {
		if (pr->n == 3 && memcmp(pr->p, "TCP", 3) == 0)
			w->protocol = ZT_INV_PROTO_TCP;
		else if (pr->n == 5 && memcmp(pr->p, "HBONE", 5) == 0)
			w->protocol = ZT_INV_PROTO_HBONE;
		else {
			row_err(t, pr->col, pr->n == 0 ? "empty PROTOCOL" :
			    "PROTOCOL is neither TCP nor HBONE:", pr->n == 0 ?
			    NULL : pr);
			goto out_free;
		}
	}
	inv_put_workload(t->inv, w);
	t->inv->src[t->src].nworkloads++;
	return 0;

out_free:
	inv_wl_free(w);
	return -1;
}

/* ENDPOINTS "healthy/total". */
static int
endpoints(struct tctx *t, const struct cell *c, struct zt_inv_service *s)
{
	const char	*slash;

	if (c == NULL)
		return 0;
	slash = memchr(c->p, '/', c->n);
	if (slash == NULL ||
	    zt_parse_u63(c->p, (size_t)(slash - c->p), &s->ep_healthy) != 0 ||
	    zt_parse_u63(slash + 1, (size_t)(c->p + c->n - slash - 1),
	    &s->ep_total) != 0 || s->ep_healthy > s->ep_total)
		return row_err(t, c->col, "ENDPOINTS is not healthy/total:",
		    c);
	return 0;
}

static int
svc_row(struct tctx *t, const struct header *h, const struct cell *c)
{
	struct zt_inv_service	*s;
	const struct cell	*v;

	s = inv_svc_new();
	s->source = t->src;
	if (required(t, cell_of(h, c, R_NAMESPACE), "NAMESPACE") == -1 ||
	    required(t, cell_of(h, c, R_NAME), "SERVICE NAME") == -1)
		goto out_free;
	s->ns = cstr(t, cell_of(h, c, R_NAMESPACE));
	s->name = cstr(t, cell_of(h, c, R_NAME));
	if ((v = cell_of(h, c, R_VIP)) != NULL &&
	    addresses(t, v, "SERVICE VIP is not an IP address:", add_svip,
	    s) == -1)
		goto out_free;
	if (waypoint(t, cell_of(h, c, R_WAYPOINT), &s->has_waypoint,
	    &s->waypoint_name) == -1 ||
	    endpoints(t, cell_of(h, c, R_ENDPOINTS), s) == -1)
		goto out_free;
	inv_put_service(t->inv, s);
	t->inv->src[t->src].nservices++;
	return 0;

out_free:
	inv_svc_free(s);
	return -1;
}

static int
row(struct tctx *t, const struct header *h, const char *p, size_t n)
{
	struct cell	 c[MAXCOLS];

	if (h->v->kind == T_SKIP)
		return 0;
	if (cut(h, p, n, c) == -1 && split(h, p, n, c) == -1)
		return zt_err_at(t->err, t->file, t->lineno, 0, "the row does "
		    "not line up with the header's %zu columns (%s), nor has "
		    "one word for each", h->ncol, h->v->label);
	return h->v->kind == T_WORKLOADS ? wl_row(t, h, c) : svc_row(t, h, c);
}

/* Does the line look like YAML (istioctl -o yaml)? */
static int
yamlish(const char *p, size_t n)
{
	size_t	 i = 0;

	if (n >= 2 && p[0] == '-' && p[1] == ' ')
		return 1;
	while (i < n && ((p[i] >= 'a' && p[i] <= 'z') ||
	    (p[i] >= 'A' && p[i] <= 'Z')))
		i++;
	return i > 0 && i < n && p[i] == ':' && (i + 1 == n || p[i + 1] == ' ');
}

/* Next line of p[*off..n) without its LF and CR; 0 at the end. */
static int
next_line(const char *p, size_t n, size_t *off, const char **l, size_t *ln)
{
	const char	*nl;

	if (*off >= n)
		return 0;
	*l = p + *off;
	nl = memchr(*l, '\n', n - *off);
	*ln = nl != NULL ? (size_t)(nl - *l) : n - *off;
	*off += *ln + (nl != NULL);
	if (*ln > 0 && (*l)[*ln - 1] == '\r')
		(*ln)--;
	return 1;
}

static size_t
skip_bom(const char *p, size_t n)
{
	return n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
}

/* Capital words only: meant as a header. */
static int
headerish(const char *p, size_t n)
{
	size_t	 i;
	int	 letters = 0;

	for (i = 0; i < n; i++) {
		if (p[i] >= 'A' && p[i] <= 'Z')
			letters = 1;
		else if (p[i] != ' ')
			return 0;
	}
	return letters;
}

/* Why a line that should be a header is not. */
static const char *
not_header(const char *p, size_t n)
{
	if (yamlish(p, n))
		return "YAML is not read (use -o json)";
	if (headerish(p, n))
		return "a table header istioctl does not print (a column "
		    "missing or renamed?)";
	return NULL;
}

int
inv_sniff_tables(const char *p, size_t n, const char **why,
    unsigned long *line)
{
	struct header	 h;
	const char	*l;
	size_t		 ln;
	size_t		 off = skip_bom(p, n);

	*line = 0;
	while (next_line(p, n, &off, &l, &ln)) {
		++*line;
		if (blank(l, ln) || banner(l, ln))
			continue;
		if (header(l, ln, &h) == 0)
			return 1;
		*why = not_header(l, ln);
		if (*why == NULL)
			*why = "not JSON, and not a table header istioctl "
			    "prints";
		return 0;
	}
	*line = 0;
	*why = "no content";
	return 0;
}

/* Text a table may hold: UTF-8 without control characters. */
static int
clean(struct tctx *t, const char *p, size_t n)
{
	size_t	 i;

	if (!zt_utf8_valid(p, n))
		return zt_err_at(t->err, t->file, t->lineno, 0,
		    "not valid UTF-8");
	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			return zt_err_at(t->err, t->file, t->lineno, i + 1,
			    "control character 0x%02x in a table",
			    (unsigned char)p[i]);
	return 0;
}

static void
table_detail(struct tctx *t)
{
	struct zt_buf	 b = { NULL, 0, 0 };
	size_t		 i;

	for (i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		if ((t->seen & (1u << i)) == 0)
			continue;
		if (b.n > 0)
			zt_buf_add(&b, ", ", 2);
		zt_buf_add(&b, variants[i].label, strlen(variants[i].label));
		if (variants[i].kind == T_SKIP)
			zt_buf_add(&b, " (skipped)", 10);
	}
	if (b.n > 0)
		t->inv->src[t->src].detail = inv_strn(t->inv, b.p, b.n);
	zt_buf_free(&b);
}

int
inv_read_tables(struct zt_inv *inv, size_t src, const char *p, size_t n,
    struct zt_err *err)
{
	struct tctx	 t;
	struct header	 h;
	struct header	 next;
	const char	*l;
	size_t		 ln;
	size_t		 off = skip_bom(p, n);
	int		 in_table = 0;

	memset(&t, 0, sizeof(t));
	memset(&h, 0, sizeof(h));
	t.inv = inv;
	t.src = src;
	t.file = inv->src[src].name;
	t.err = err;
	inv->src[src].format = ZT_INV_FMT_TABLES;
	while (next_line(p, n, &off, &l, &ln)) {
		t.lineno++;
		if (clean(&t, l, ln) == -1)
			return -1;
		if (blank(l, ln)) {
			in_table = 0;
			continue;
		}
		if (banner(l, ln)) {
			in_table = 0;
			continue;
		}
		if (header(l, ln, &next) == 0) {
			h = next;
			in_table = 1;
			t.seen |= 1u << (h.v - variants);
			continue;
		}
		if (!in_table)
			return zt_err_at(err, t.file, t.lineno, 0, "%s",
			    not_header(l, ln) != NULL ? not_header(l, ln) :
			    "expected a table header istioctl prints after a "
			    "blank line");
		if (row(&t, &h, l, ln) == -1)
			return -1;
	}
	table_detail(&t);
	return 0;
}

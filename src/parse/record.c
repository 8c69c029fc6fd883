/*
 * record.c -- line classification, kubectl decorations and the ztunnel
 * text layout; see record.h.
 *
 * A line is read left to right in stages, each consuming a prefix:
 *
 *   1. "[pod/NAME/CONTAINER] "            kubectl --prefix      -> pod
 *      or "NAME [CONTAINER] " / "[NAME] " stern-like tools      -> pod
 *   2. "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ "   kubelet --timestamps  -> kube_ts
 *   3. "{"                                 JSON format (jsonrec.c)
 *      or "YYYY-MM-DDTHH:MM:SS.uuuuuuZ"    ztunnel text layout:
 *         ws level ws scope ws message ws fields
 *      where ws is a TAB (ztunnel) or a run of spaces (pasted logs).
 *
 * Only a scope of exactly "access" makes an access line; anything else is
 * an other line, and so is everything that does not start like a ztunnel
 * line.  An access line that cannot be read completely is malformed, with
 * the first reason found.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "parse/recparse.h"
#include "util/escape.h"

const char *const zt_field_names[ZT_F_COUNT] = {
	"src.addr", "src.workload", "src.namespace", "src.identity",
	"src.cluster", "dst.addr", "dst.hbone_addr", "dst.service",
	"dst.workload", "dst.namespace", "dst.identity", "dst.cluster",
	"direction", "bytes_sent", "bytes_recv", "duration", "error",
};

static const unsigned char field_len[ZT_F_COUNT] = {
	8, 12, 13, 12, 11, 8, 14, 11, 12, 13, 12, 11, 9, 10, 10, 8, 5,
};

void
zt_parser_init(struct zt_parser *ps)
{
	memset(ps, 0, sizeof(*ps));
}

void
zt_parser_fini(struct zt_parser *ps)
{
	zt_buf_free(&ps->scratch);
	zt_buf_free(&ps->extra);
}

enum zt_class
zt_rec_bad(struct zt_rec *rec, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(rec->why, sizeof(rec->why), fmt, ap);
	va_end(ap);
	return ZT_CLASS_MALFORMED;
}

/* ---- time ---------------------------------------------------------- */

static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

static int
num(const char *p, size_t n)
{
	int	 v = 0;

	while (n-- > 0)
		v = v * 10 + (*p++ - '0');
	return v;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t	 era;
	unsigned yoe;
	unsigned doy;
	unsigned doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/*
 * "YYYY-MM-DDTHH:MM:SS." at p: check the shape (all digits where digits
 * go) and the calendar; store seconds since the epoch.  shape_only
 * reports whether at least the shape held.
 */
static int
parse_datetime(const char *p, int64_t *secs, int *shape)
{
	static const char	 mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31,
				    30, 31, 30, 31 };
	static const char	 pat[] = "dddd-dd-ddTdd:dd:dd.";
	int			 i;
	int			 y, mo, d, h, mi, s;

	*shape = 0;
	for (i = 0; pat[i] != '\0'; i++) {
		if (pat[i] == 'd' ? !isdig(p[i]) : p[i] != pat[i])
			return -1;
	}
	*shape = 1;
	y = num(p, 4);
	mo = num(p + 5, 2);
	d = num(p + 8, 2);
	h = num(p + 11, 2);
	mi = num(p + 14, 2);
	s = num(p + 17, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 ||
	    mi > 59 || s > 60)
		return -1;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0)))
		return -1;
	*secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
	return 0;
}

/* Does p..end start with the shape of a 27-byte ztunnel timestamp? */
static int
ts27_shape(const char *p, const char *end)
{
	int64_t	 s;
	int	 shape;
	int	 i;

	if (end - p < 27)
		return 0;
	parse_datetime(p, &s, &shape);
	if (!shape || p[26] != 'Z')
		return 0;
	for (i = 20; i < 26; i++)
		if (!isdig(p[i]))
			return 0;
	return 1;
}

int
zt_parse_ts27(const char *p, int64_t *us)
{
	int64_t	 s;
	int	 shape;
	int	 i;

	if (parse_datetime(p, &s, &shape) == -1 || p[26] != 'Z')
		return -1;
	for (i = 20; i < 26; i++)
		if (!isdig(p[i]))
			return -1;
	*us = s * 1000000 + num(p + 20, 6);
	return 0;
}

/*
 * A kubelet timestamp (9 fractional digits, "Z" or "+hh:mm") followed by
 * a space.  Returns its length including the space, or 0.
 */
static size_t
kube_ts(const char *p, const char *end, struct zt_rec *rec)
{
	int64_t	 s;
	int	 shape;
	int	 i;
	int	 off;
	size_t	 n;

	if (end - p < 31 || parse_datetime(p, &s, &shape) == -1)
		return 0;
	for (i = 20; i < 29; i++)
		if (!isdig(p[i]))
			return 0;
	if (p[29] == 'Z') {
		off = 0;
		n = 30;
	} else if ((p[29] == '+' || p[29] == '-') && end - p >= 36 &&
	    isdig(p[30]) && isdig(p[31]) && p[32] == ':' && isdig(p[33]) &&
	    isdig(p[34])) {
		off = num(p + 30, 2) * 60 + num(p + 33, 2);
		if (off >= 24 * 60)
			return 0;
		if (p[29] == '-')
			off = -off;
		n = 35;
	} else
		return 0;
	if (p + n >= end || p[n] != ' ')
		return 0;
	/* Nanoseconds since the epoch fit an int64 until 2262. */
	if (s > INT64_MAX / 1000000000 - 1)
		return 0;
	rec->has_kube = 1;
	rec->kube_z = p[29] == 'Z';
	rec->kube_off = off;
	rec->kube_ns = (s - (int64_t)off * 60) * 1000000000 + num(p + 20, 9);
	return n + 1;
}

/*
 * Could the token at p..q be a timestamp of some shape (a date first)?
 * Access lines whose timestamp is damaged are then still recognised, by
 * their level and scope, and reported instead of passing as other lines.
 */
static int
datelike(const char *p, const char *q)
{
	return q - p >= 10 && q - p <= 40 && isdig(p[0]) && isdig(p[1]) &&
	    isdig(p[2]) && isdig(p[3]) && p[4] == '-';
}

/* ---- decorations --------------------------------------------------- */

static int
podchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isdig(c) ||
	    c == '-' || c == '.' || c == '_';
}

/* Length of a run of pod-name characters at p (at most 253). */
static size_t
podname(const char *p, const char *end)
{
	size_t	 n = 0;

	while (p + n < end && podchar(p[n]) && n < 254)
		n++;
	return n > 253 ? 0 : n;
}

/* Does a ztunnel line (text or JSON) or a kubelet timestamp start at p? */
static int
starts_line(const char *p, const char *end)
{
	struct zt_rec	 tmp;

	if (p < end && *p == '{')
		return 1;
	if (ts27_shape(p, end))
		return 1;
	return kube_ts(p, end, &tmp) > 0;
}

/*
 * Strip the decorations of stage 1 and 2.  Returns where the ztunnel part
 * starts.
 */
static const char *
strip_decor(const char *p, const char *end, struct zt_rec *rec)
{
	const char	*q;
	size_t		 n;
	size_t		 k;

	if (end - p > 5 && memcmp(p, "[pod/", 5) == 0) {
		n = podname(p + 5, end);
		q = p + 5 + n;
		if (n > 0 && q < end && *q == '/') {
			k = podname(q + 1, end);
			if (k > 0 && q + 1 + k + 1 < end && q[1 + k] == ']' &&
			    q[2 + k] == ' ') {
				rec->pod.p = p + 5;
				rec->pod.n = n;
				p = q + k + 3;
			}
		}
		if (rec->pod.p == NULL) {
			/* A prefix we cannot read: skip it, say so if needed. */
			for (q = p; q + 1 < end && q - p < 600 &&
			    !(q[0] == ']' && q[1] == ' '); q++)
				;
			if (q + 1 < end && q[0] == ']' && q[1] == ' ') {
				rec->bad_decor = "bad pod name in the kubectl "
				    "--prefix";
				p = q + 2;
			}
		}
	} else if (p < end && !isdig(*p) && *p != '{') {
		/* stern: "POD CONTAINER " or "POD ", Kiali: "[POD] " */
		q = p;
		if (*q == '[')
			q++;
		n = podname(q, end);
		if (n > 0) {
			const char *r = q + n;

			if (*p == '[' && r < end && *r == ']')
				r++;
			else if (*p == '[')
				n = 0;
			if (n > 0 && r < end && *r == ' ') {
				r++;
				if (!starts_line(r, end)) {
					k = podname(r, end);
					if (k > 0 && r + k < end && r[k] == ' ')
						r += k + 1;
				}
				if (starts_line(r, end)) {
					rec->pod.p = q;
					rec->pod.n = n;
					p = r;
				}
			}
		}
	}
	n = kube_ts(p, end, rec);
	if (n == 0 && p < end && isdig(*p)) {
		/*
		 * Two date-like tokens: the first was meant as a kubelet
		 * timestamp but is not one.
		 */
		for (q = p; q < end && *q != ' ' && *q != '\t'; q++)
			;
		if (datelike(p, q) && q + 1 < end && *q == ' ') {
			const char *r = q + 1;

			for (q = r; q < end && *q != ' ' && *q != '\t'; q++)
				;
			if (datelike(r, q)) {
				rec->bad_decor = "bad kubelet timestamp "
				    "(kubectl --timestamps)";
				n = (size_t)(r - p);
			}
		}
	}
	return p + n;
}

/* ---- fields -------------------------------------------------------- */

static int
field_index(struct zt_str name, int hint)
{
	int	 i;

	if (hint < ZT_F_COUNT && name.n == field_len[hint] &&
	    memcmp(name.p, zt_field_names[hint], name.n) == 0)
		return hint;
	for (i = 0; i < ZT_F_COUNT; i++)
		if (name.n == field_len[i] &&
		    memcmp(name.p, zt_field_names[i], name.n) == 0)
			return i;
	return -1;
}

int
zt_rec_field(struct zt_parser *ps, struct zt_rec *rec, struct zt_str name,
    struct zt_str value, int raw_json)
{
	int		 i;

	i = field_index(name, ps->hint);
	if (i >= 0) {
		ps->hint = i + 1;
		if (rec->f[i].p != NULL) {
			zt_rec_bad(rec, "duplicate field %s", zt_field_names[i]);
			return -1;
		}
		rec->f[i] = value;
		if (rec->f[i].p == NULL)
			rec->f[i].p = "";
		return 0;
	}
	zt_buf_addc(&ps->extra, ps->extra.n == 0 ? '{' : ',');
	zt_escape_json_str(&ps->extra, name.p, name.n);
	zt_buf_addc(&ps->extra, ':');
	if (raw_json)
		zt_buf_add(&ps->extra, value.p, value.n);
	else
		zt_escape_json_str(&ps->extra, value.p, value.n);
	return 0;
}

static enum zt_class
number(struct zt_rec *rec, enum zt_field f, int64_t *out)
{
	struct zt_str	 v = rec->f[f];
	int		 r;

	if (v.p == NULL)
		return ZT_CLASS_RECORD;
	r = zt_parse_u63(v.p, v.n, out);
	if (r == -1)
		return zt_rec_bad(rec, "bad number in %s", zt_field_names[f]);
	if (r == -2)
		return zt_rec_bad(rec, "number out of range in %s",
		    zt_field_names[f]);
	return ZT_CLASS_RECORD;
}

enum zt_class
zt_rec_finish(struct zt_parser *ps, struct zt_rec *rec)
{
	struct zt_str	 d;
	static const enum zt_field need[] = {
		ZT_F_SRC_ADDR, ZT_F_DST_ADDR, ZT_F_DIRECTION
	};
	size_t		 i;

	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (rec->f[need[i]].p == NULL)
			return zt_rec_bad(rec, "missing %s",
			    zt_field_names[need[i]]);
	if (number(rec, ZT_F_BYTES_SENT, &rec->bytes_sent) != ZT_CLASS_RECORD ||
	    number(rec, ZT_F_BYTES_RECV, &rec->bytes_recv) != ZT_CLASS_RECORD)
		return ZT_CLASS_MALFORMED;
	d = rec->f[ZT_F_DURATION];
	if (d.p != NULL) {
		if (d.n < 3 || memcmp(d.p + d.n - 2, "ms", 2) != 0)
			return zt_rec_bad(rec, "bad duration");
		switch (zt_parse_u63(d.p, d.n - 2, &rec->duration_ms)) {
		case -1:
			return zt_rec_bad(rec, "bad duration");
		case -2:
			return zt_rec_bad(rec, "number out of range in "
			    "duration");
		}
	}
	/*
	 * ztunnel always writes error= on a failed connection and on an
	 * error-level completion: without it the line was cut short (e.g.
	 * by a kubectl -f restart), and taking it as a success would lie.
	 */
	if (rec->f[ZT_F_ERROR].p == NULL &&
	    (ZT_STR_EQ(rec->message, "connection failed") ||
	    (ZT_STR_EQ(rec->message, "connection complete") &&
	    ZT_STR_EQ(rec->level, "error"))))
		return zt_rec_bad(rec, "missing error");
	if (ps->extra.n > 0) {
		zt_buf_addc(&ps->extra, '}');
		rec->extra.p = ps->extra.p;
		rec->extra.n = ps->extra.n;
	}
	return ZT_CLASS_RECORD;
}

/* ---- text layout --------------------------------------------------- */

static int
hexval(char c)
{
	if (isdig(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decode the Rust Debug escapes of a quoted value into the scratch buffer
 * (reserved by the caller, so views stay put).  Escapes that would make a
 * NUL or an invalid code point are kept as written.
 */
static int
decode_rust(struct zt_parser *ps, struct zt_rec *rec, struct zt_str name,
    const char *p, size_t n, struct zt_str *out)
{
	char		*o = ps->scratch.p + ps->scratch.n;
	char		*start = o;
	const char	*end = p + n;
	const char	*e;
	uint32_t	 cp;
	int		 h;

	while (p < end) {
		if (*p != '\\') {
			*o++ = *p++;
			continue;
		}
		if (p + 1 >= end)
			goto bad;
		switch (p[1]) {
		case '"': case '\\': case '\'':
			*o++ = p[1];
			p += 2;
			continue;
		case 'n':
			*o++ = '\n';
			p += 2;
			continue;
		case 'r':
			*o++ = '\r';
			p += 2;
			continue;
		case 't':
			*o++ = '\t';
			p += 2;
			continue;
		case '0':
			*o++ = '\\';
			*o++ = '0';
			p += 2;
			continue;
		case 'u':
			break;
		default:
			goto bad;
		}
		if (p + 3 >= end || p[2] != '{')
			goto bad;
		cp = 0;
		for (e = p + 3; e < end && *e != '}'; e++) {
			h = hexval(*e);
			if (h < 0 || e - p > 10)
				goto bad;
			cp = cp * 16 + (uint32_t)h;
		}
		if (e >= end || e == p + 3)
			goto bad;
		e++;
		if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
			memcpy(o, p, (size_t)(e - p));
			o += e - p;
		} else
			o += zt_utf8_encode(cp, o);
		p = e;
	}
	out->p = start;
	out->n = (size_t)(o - start);
	ps->scratch.n += out->n;
	return 0;
bad:
	zt_rec_bad(rec, "bad escape in %.*s", (int)name.n, name.p);
	return -1;
}

static int
namechar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isdig(c) ||
	    c == '_' || c == '.';
}

static int
isws(char c)
{
	return c == ' ' || c == '\t';
}

static int
has_backslash(const char *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (p[i] == '\\')
			return 1;
	return 0;
}

/*
 * A field that does not parse.  When a timestamp or a kubectl prefix
 * starts there, the line is two lines glued together (kubectl -f restarts
 * do that): say so, it is what the reader needs to know.
 */
static enum zt_class
bad_syntax(struct zt_rec *rec, const char *line, const char *p,
    const char *end)
{
	const char	*q;

	for (q = p; q < end && !isws(*q); q++)
		;
	if (datelike(p, q) || (end - p > 5 && memcmp(p, "[pod/", 5) == 0))
		return zt_rec_bad(rec, "another log line starts at column %zu "
		    "(lines glued together)", (size_t)(p - line) + 1);
	return zt_rec_bad(rec, "bad field syntax at column %zu",
	    (size_t)(p - line) + 1);
}

static enum zt_class
parse_fields(struct zt_parser *ps, const char *line, const char *p,
    const char *end, struct zt_rec *rec)
{
	struct zt_str	 name;
	struct zt_str	 val;
	const char	*q;
	const char	*bs;

	for (;;) {
		while (p < end && isws(*p))
			p++;
		if (p == end)
			break;
		name.p = p;
		while (p < end && namechar(*p))
			p++;
		name.n = (size_t)(p - name.p);
		if (name.n == 0 || p == end || *p != '=')
			return bad_syntax(rec, line, name.p, end);
		p++;
		if (p < end && *p == '"') {
			p++;
			q = p;
			for (;;) {
				q = memchr(q, '"', (size_t)(end - q));
				if (q == NULL)
					return zt_rec_bad(rec, "unterminated "
					    "quoted value in %.*s",
					    (int)name.n, name.p);
				for (bs = q; bs > p && bs[-1] == '\\'; bs--)
					;
				if ((q - bs) % 2 == 0)
					break;
				q++;
			}
			val.p = p;
			val.n = (size_t)(q - p);
			if (has_backslash(p, val.n) &&
			    decode_rust(ps, rec, name, p, val.n, &val) == -1)
				return ZT_CLASS_MALFORMED;
			p = q + 1;
			if (p < end && !isws(*p))
				return bad_syntax(rec, line, p, end);
		} else if (name.n == 5 && memcmp(name.p, "error", 5) == 0) {
			/* 1.22.0-1.22.1: bare error text with spaces */
			q = end;
			while (q > p && isws(q[-1]))
				q--;
			val.p = p;
			val.n = (size_t)(q - p);
			p = end;
		} else {
			val.p = p;
			while (p < end && !isws(*p))
				p++;
			val.n = (size_t)(p - val.p);
		}
		if (zt_rec_field(ps, rec, name, val, 0) == -1)
			return ZT_CLASS_MALFORMED;
	}
	return zt_rec_finish(ps, rec);
}

static const char *const messages[] = {
	"connection complete", "connection failed", "connection opened",
};

static const char *const levels[] = {
	"trace", "debug", "info", "warn", "error",
};

static enum zt_class
parse_text(struct zt_parser *ps, const char *line, const char *p,
    const char *end, struct zt_rec *rec)
{
	const char	*ts = p;
	const char	*q;
	size_t		 i;
	size_t		 n;
	size_t		 tslen;
	int		 tabbed;

	for (q = p; q < end && !isws(*q); q++)
		;
	tslen = (size_t)(q - p);
	if (!datelike(p, q))
		return ZT_CLASS_OTHER;
	p = q;
	if (p == end || !isws(*p))
		return ZT_CLASS_OTHER;
	while (p < end && isws(*p))
		p++;
	q = p;
	while (q < end && !isws(*q))
		q++;
	n = (size_t)(q - p);
	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (n == strlen(levels[i]) && memcmp(p, levels[i], n) == 0)
			break;
	if (i == sizeof(levels) / sizeof(levels[0]) || q == end)
		return ZT_CLASS_OTHER;
	rec->level.p = p;
	rec->level.n = n;
	p = q;
	while (p < end && isws(*p))
		p++;
	if (end - p < 6 || memcmp(p, "access", 6) != 0 ||
	    (p + 6 < end && !isws(p[6])))
		return ZT_CLASS_OTHER;
	/* From here on it is an access line: read it or say why not. */
	rec->fmt = ZT_FMT_TEXT;
	if (memchr(line, '\0', (size_t)(end - line)) != NULL)
		return zt_rec_bad(rec, "NUL byte");
	if (!zt_utf8_valid(line, (size_t)(end - line)))
		return zt_rec_bad(rec, "invalid UTF-8");
	if (rec->bad_decor != NULL)
		return zt_rec_bad(rec, "%s", rec->bad_decor);
	rec->ts.p = ts;
	rec->ts.n = tslen;
	if (tslen != 27 || zt_parse_ts27(ts, &rec->ts_us) == -1)
		return zt_rec_bad(rec, "bad timestamp");
	p += 6;
	tabbed = p < end && *p == '\t';
	while (p < end && isws(*p))
		p++;
	for (i = 0; i < sizeof(messages) / sizeof(messages[0]); i++) {
		n = strlen(messages[i]);
		if ((size_t)(end - p) >= n && memcmp(p, messages[i], n) == 0 &&
		    (p + n == end || isws(p[n])))
			break;
	}
	if (i == sizeof(messages) / sizeof(messages[0])) {
		if (!tabbed)
			return zt_rec_bad(rec, "unknown access message");
		q = memchr(p, '\t', (size_t)(end - p));
		n = (size_t)((q != NULL ? q : end) - p);
	}
	rec->message.p = p;
	rec->message.n = n;
	zt_buf_reserve(&ps->scratch, (size_t)(end - line) + 1);
	return parse_fields(ps, line, p + n, end, rec);
}

enum zt_class
zt_parse_line(struct zt_parser *ps, struct zt_str line, struct zt_rec *rec)
{
	const char	*p = line.p;
	const char	*end = line.p + line.n;

	memset(rec, 0, offsetof(struct zt_rec, why));
	rec->why[0] = '\0';
	ps->scratch.n = 0;
	ps->extra.n = 0;
	ps->hint = 0;
	if (line.n == 0)
		return ZT_CLASS_OTHER;
	p = strip_decor(p, end, rec);
	if (p < end && *p == '{')
		return zt_parse_json(ps, p, end, rec);
	return parse_text(ps, line.p, p, end, rec);
}

/*
 * rec_json.c -- the LOG_FORMAT=json line format; see rec_json.h.
 *
 * 1.22.1 and later: {"level":"info","time":"…Z","scope":"access",
 * "message":"connection complete","src.addr":"…",…,"bytes_sent":800,…}.
 * 1.22.0 (stock tracing JSON): "timestamp", uppercase "level", "target",
 * and possibly "span"/"spans" objects, which are span context, not fields.
 *
 * The object is parsed once into a small member table (views into the
 * line; strings with escapes decoded into the scratch buffer), then read
 * by key.  A line that is not valid JSON is malformed when it names the
 * access scope (a cut-off access record, e.g. from a kubectl -f restart)
 * and an other line when it does not.
 */
#include <stdint.h>
#include <string.h>

#include "parse/rec_field.h"
#include "parse/rec_json.h"
#include "parse/rec_time.h"
#include "util/str.h"

#define MAXMEMBERS	64

struct jp {
	const char		*p;
	const char		*end;
	struct zt_parser	*ps;
};

static void
ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
	    *j->p == '\r' || *j->p == '\n'))
		j->p++;
}

static int
hex4(const char *p, uint32_t *v)
{
	int	 i;
	char	 c;

	*v = 0;
	for (i = 0; i < 4; i++) {
		c = p[i];
		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

/*
 * The escapes of a JSON string: decode s..(closing quote) into the scratch
 * buffer (reserved by the caller); \u0000 and lone surrogates are kept as
 * written.  Returns where the closing quote is, or NULL if the string is
 * bad or has no end.
 */
static const char *
junescape(struct jp *j, const char *s, struct zt_str *out)
{
	const char	*q;
	char		*o;
	uint32_t	 cp;
	uint32_t	 lo;
	size_t		 k;

	o = j->ps->scratch.p + j->ps->scratch.n;
	out->p = o;
	for (q = s; q < j->end && *q != '"'; ) {
		if ((unsigned char)*q < 0x20)
			return NULL;
		if (*q != '\\') {
			*o++ = *q++;
			continue;
		}
		if (q + 1 >= j->end)
			return NULL;
		switch (q[1]) {
		case '"': case '\\': case '/':
			*o++ = q[1];
			break;
		case 'b':
			*o++ = '\b';
			break;
		case 'f':
			*o++ = '\f';
			break;
		case 'n':
			*o++ = '\n';
			break;
		case 'r':
			*o++ = '\r';
			break;
		case 't':
			*o++ = '\t';
			break;
		case 'u':
			if (j->end - q < 6 || hex4(q + 2, &cp) == -1)
				return NULL;
			k = 6;
			if (cp >= 0xd800 && cp <= 0xdbff && j->end - q >= 12 &&
			    q[6] == '\\' && q[7] == 'u' &&
			    hex4(q + 8, &lo) == 0 && lo >= 0xdc00 &&
			    lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
				k = 12;
			}
			if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff)) {
				memcpy(o, q, 6);
				o += 6;
				k = 6;
			} else
				o += zt_utf8_encode(cp, o);
			q += k;
			continue;
		default:
			return NULL;
		}
		q += 2;
	}
	if (q >= j->end)
		return NULL;
	out->n = (size_t)(o - out->p);
	j->ps->scratch.n += out->n;
	return q;
}

/*
 * Where the plain text of a string starting at q ends: its first '"',
 * backslash or control byte, or end.  Eight bytes a step while none of
 * them is one (each test is exact about whether a word holds one).
 */
static const char *
jplain(const char *q, const char *end)
{
	const uint64_t	 ones = 0x0101010101010101ULL;
	uint64_t	 w;

	while (end - q >= 8) {
		memcpy(&w, q, 8);
		/* The last: a byte below 0x20 (control). */
		if (zt_word_has(w, '"') | zt_word_has(w, '\\') |
		    ((w - ones * 0x20) & ~w & (ones * 0x80)))
			break;
		q += 8;
	}
	while (q < end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20)
		q++;
	return q;
}

/*
 * A string at j->p (on the opening quote): a view into the line when it
 * has no escapes, else decoded into the scratch buffer.
 */
static int
jstring(struct jp *j, struct zt_str *out)
{
	const char	*s;
	const char	*q;

	s = ++j->p;
	q = jplain(s, j->end);
	if (q < j->end && (unsigned char)*q < 0x20)
		return -1;
	if (q < j->end && *q == '"') {
		out->p = s;
		out->n = (size_t)(q - s);
		j->p = q + 1;
		return 0;
	}
	if ((q = junescape(j, s, out)) == NULL)
		return -1;
	j->p = q + 1;
	return 0;
}

static int	jskip(struct jp *, int);

/*
 * A member's "key" and its ':' at j->p, whitespace around them skipped:
 * the key into *key, or dropped when key is NULL.  Returns 0 with j->p
 * after the colon, or -1.
 */
static int
jkey(struct jp *j, struct zt_str *key)
{
	struct zt_str	 tmp;
	size_t		 save = j->ps->scratch.n;

	ws(j);
	if (j->p >= j->end || *j->p != '"' ||
	    jstring(j, key != NULL ? key : &tmp) == -1)
		return -1;
	if (key == NULL)
		j->ps->scratch.n = save;
	ws(j);
	if (j->p >= j->end || *j->p != ':')
		return -1;
	j->p++;
	return 0;
}

/* Skip an object or array at j->p (on its '{' or '['). */
static int
jskip_nested(struct jp *j, int depth)
{
	char	 close = *j->p == '{' ? '}' : ']';
	int	 obj = *j->p == '{';

	j->p++;
	ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		return 0;
	}
	for (;;) {
		if (obj && jkey(j, NULL) == -1)
			return -1;
		ws(j);
		if (jskip(j, depth + 1) == -1)
			return -1;
		ws(j);
		if (j->p >= j->end)
			return -1;
		if (*j->p == close) {
			j->p++;
			return 0;
		}
		if (*j->p != ',')
			return -1;
		j->p++;
	}
}

/* Skip a number, true, false or null at j->p. */
static int
jskip_scalar(struct jp *j)
{
	const char	*s = j->p;

	if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9')) {
		if (*j->p == '-')
			j->p++;
		while (j->p < j->end && ((*j->p >= '0' && *j->p <= '9') ||
		    *j->p == '.' || *j->p == 'e' || *j->p == 'E' ||
		    *j->p == '+' || *j->p == '-'))
			j->p++;
		return j->p - s > (s[0] == '-') ? 0 : -1;
	}
	if (j->end - j->p >= 4 && (memcmp(j->p, "true", 4) == 0 ||
	    memcmp(j->p, "null", 4) == 0)) {
		j->p += 4;
		return 0;
	}
	if (j->end - j->p >= 5 && memcmp(j->p, "false", 5) == 0) {
		j->p += 5;
		return 0;
	}
	return -1;
}

/* Skip any JSON value at j->p.  depth bounds nesting. */
static int
jskip(struct jp *j, int depth)
{
	struct zt_str	 tmp;
	size_t		 save;

	if (depth > 32 || j->p >= j->end)
		return -1;
	switch (*j->p) {
	case '"':
		save = j->ps->scratch.n;
		if (jstring(j, &tmp) == -1)
			return -1;
		j->ps->scratch.n = save;
		return 0;
	case '{':
	case '[':
		return jskip_nested(j, depth);
	default:
		return jskip_scalar(j);
	}
}

static int
jobject(struct jp *j, struct zt_jmember *m, size_t max, size_t *nm)
{
	const char	*vs;

	*nm = 0;
	j->p++;
	ws(j);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		goto done;
	}
	for (;;) {
		if (*nm == max)
			return -1;
		if (jkey(j, &m[*nm].key) == -1)
			return -1;
		ws(j);
		if (j->p >= j->end)
			return -1;
		vs = j->p;
		if (*j->p == '"') {
			m[*nm].type = ZT_J_STR;
			if (jstring(j, &m[*nm].val) == -1)
				return -1;
		} else {
			m[*nm].type = ZT_J_RAW;
			if (jskip(j, 0) == -1)
				return -1;
			m[*nm].val.p = vs;
			m[*nm].val.n = (size_t)(j->p - vs);
		}
		m[*nm].raw.p = vs;
		m[*nm].raw.n = (size_t)(j->p - vs);
		(*nm)++;
		ws(j);
		if (j->p >= j->end)
			return -1;
		if (*j->p == '}') {
			j->p++;
			break;
		}
		if (*j->p != ',')
			return -1;
		j->p++;
	}
done:
	ws(j);
	return j->p == j->end ? 0 : -1;
}

int
zt_json_object(struct zt_parser *ps, const char *p, const char *end,
    struct zt_jmember *m, size_t max, size_t *nm)
{
	struct jp	 j;

	j.p = p;
	j.end = end;
	j.ps = ps;
	if (p >= end || *p != '{')
		return -1;
	return jobject(&j, m, max, nm);
}

struct zt_jmember *
zt_json_get(struct zt_jmember *m, size_t nm, const char *key)
{
	size_t	 i;
	size_t	 n = strlen(key);

	for (i = 0; i < nm; i++)
		if (m[i].key.n == n && memcmp(m[i].key.p, key, n) == 0)
			return &m[i];
	return NULL;
}

/*
 * Does p[0..n) contain "access" as a JSON string, or the name of an
 * access field as a key?
 */
static int
names_access(const char *p, size_t n)
{
	static const char *const keys[] = {
		"\"access\"", "\"src.addr\"", "\"dst.addr\"", "\"direction\"",
	};
	const char	*q;
	const char	*end = p + n;
	size_t		 i;
	size_t		 k;

	while ((q = memchr(p, '"', (size_t)(end - p))) != NULL) {
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			k = strlen(keys[i]);
			if ((size_t)(end - q) >= k && memcmp(q, keys[i], k) == 0)
				return 1;
		}
		p = q + 1;
	}
	return 0;
}

/* Does the object have a member named like an access field? */
static int
has_access_field(struct zt_jmember *m, size_t nm)
{
	return zt_json_get(m, nm, "src.addr") != NULL ||
	    zt_json_get(m, nm, "dst.addr") != NULL ||
	    zt_json_get(m, nm, "direction") != NULL;
}

static int
is_access(const struct zt_jmember *s)
{
	return s != NULL && s->type == ZT_J_STR && ZT_STR_EQ(s->val, "access");
}

enum zt_class
zt_parse_json(struct zt_parser *ps, const char *p, const char *end,
    struct zt_rec *rec)
{
	struct zt_jmember	 m[MAXMEMBERS];
	struct zt_jmember	*scope;
	struct zt_jmember	*t;
	struct zt_jmember	*lv;
	struct jp	 j;
	size_t		 nm;
	size_t		 i;
	char		*o;

	zt_buf_reserve(&ps->scratch, (size_t)(end - p) + 1);
	j.p = p;
	j.end = end;
	j.ps = ps;
	if (jobject(&j, m, MAXMEMBERS, &nm) == -1) {
		if (!names_access(p, (size_t)(end - p)))
			return ZT_CLASS_OTHER;
		rec->fmt = ZT_FMT_JSON;
		return zt_rec_bad(rec, "invalid JSON");
	}
	scope = zt_json_get(m, nm, "scope");
	if (scope == NULL)
		scope = zt_json_get(m, nm, "target");
	if (!is_access(scope)) {
		/*
		 * Another scope is a ztunnel line of its own kind (dns has
		 * src.addr too); access fields without any scope are an
		 * access record whose head was lost.
		 */
		if (scope != NULL) {
			rec->scoped = 1;
			return ZT_CLASS_OTHER;
		}
		if (!has_access_field(m, nm))
			return ZT_CLASS_OTHER;
		rec->partial = 1;
	}
	rec->fmt = ZT_FMT_JSON;
	if (rec->bad_decor != NULL)
		return zt_rec_bad(rec, "%s", rec->bad_decor);
	if (!zt_utf8_valid(p, (size_t)(end - p)))
		return zt_rec_bad(rec, memchr(p, '\0', (size_t)(end - p)) ?
		    "NUL byte" : "invalid UTF-8");
	t = zt_json_get(m, nm, "time");
	if (t == NULL)
		t = zt_json_get(m, nm, "timestamp");
	if (t == NULL && !rec->partial)
		return zt_rec_bad(rec, "missing time");
	if (t == NULL)
		rec->ts_us = ZT_TS_NONE;
	else if (t->type != ZT_J_STR || t->val.n != 27 ||
	    zt_parse_ts27(t->val.p, &rec->ts_us) == -1)
		return zt_rec_bad(rec, "bad timestamp");
	else {
		rec->ts = t->val;
		rec->partial = 0;
	}
	lv = zt_json_get(m, nm, "level");
	if (lv != NULL && lv->type == ZT_J_STR) {
		/* 1.22.0 writes "INFO": store lowercase like the text layout */
		o = ps->scratch.p + ps->scratch.n;
		for (i = 0; i < lv->val.n && i < 16; i++)
			o[i] = (char)(lv->val.p[i] >= 'A' && lv->val.p[i] <= 'Z' ?
			    lv->val.p[i] + 32 : lv->val.p[i]);
		rec->level.p = o;
		rec->level.n = i;
		ps->scratch.n += i;
	}
	for (i = 0; i < nm; i++) {
		struct zt_str k = m[i].key;

		if (&m[i] == scope || &m[i] == t || &m[i] == lv ||
		    ZT_STR_EQ(k, "span") || ZT_STR_EQ(k, "spans"))
			continue;
		if (ZT_STR_EQ(k, "message") && m[i].type == ZT_J_STR) {
			rec->message = m[i].val;
			continue;
		}
		if (zt_rec_field(ps, rec, k, m[i].type == ZT_J_STR ? m[i].val :
		    m[i].raw, m[i].type == ZT_J_RAW) == -1)
			return ZT_CLASS_MALFORMED;
	}
	return zt_rec_finish(ps, rec);
}

/*
 * rec_text.c -- the ztunnel text layout; see rec_text.h.
 *
 * Values are key=value, key="quoted value" with Rust Debug escapes, or
 * (1.22.0-1.22.1) a bare error= text with spaces up to the end of the
 * line.  Views point into the line; only a value with escapes is decoded,
 * into the parser's scratch buffer, reserved up front so earlier views
 * never move.
 */
#include <stdint.h>
#include <string.h>

#include "parse/rec_field.h"
#include "parse/rec_text.h"
#include "parse/rec_time.h"
#include "util/str.h"

static int
hexval(char c)
{
	if (zt_isdig(c))
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
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    zt_isdig(c) || c == '_' || c == '.';
}

static int
isws(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Where an unquoted value starting at p ends: its first space or TAB, or
 * end.  Eight bytes a step while a word holds neither (exact: a word
 * that holds one stops the steps, and bytes finish the search).
 */
static const char *
unquoted_end(const char *p, const char *end)
{
	uint64_t	 w;

	while (end - p >= 8) {
		memcpy(&w, p, 8);
		if (zt_word_has(w, ' ') | zt_word_has(w, '\t'))
			break;
		p += 8;
	}
	while (p < end && !isws(*p))
		p++;
	return p;
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
	if (zt_datelike(p, q) || (end - p > 5 && memcmp(p, "[pod/", 5) == 0))
		return zt_rec_bad(rec, "another log line starts at column %zu "
		    "(lines glued together)", (size_t)(p - line) + 1);
	return zt_rec_bad(rec, "bad field syntax at column %zu",
	    (size_t)(p - line) + 1);
}

/*
 * The quoted value of name, whose text starts at p (after the opening
 * quote): its view in *val, decoded when it has escapes, and where the
 * closing quote is in *close.  Returns 0, or -1 with rec->why set.
 */
static int
quoted(struct zt_parser *ps, struct zt_rec *rec, struct zt_str name,
    const char *p, const char *end, struct zt_str *val, const char **close)
{
	const char	*q = p;
	const char	*bs;

	for (;;) {
		q = memchr(q, '"', (size_t)(end - q));
		if (q == NULL) {
			zt_rec_bad(rec, "unterminated quoted value in %.*s",
			    (int)name.n, name.p);
			return -1;
		}
		/* An even run of backslashes before it: the closing quote. */
		for (bs = q; bs > p && bs[-1] == '\\'; bs--)
			;
		if ((q - bs) % 2 == 0)
			break;
		q++;
	}
	val->p = p;
	val->n = (size_t)(q - p);
	*close = q;
	/* Escapes come before the quote found, when there are any. */
	if (bs != q || (bs = memchr(p, '\\', (size_t)(bs - p))) != NULL)
		return decode_rust(ps, rec, name, p, val->n, val);
	return 0;
}

/* Not UTF-8 (NUL is not valid either): which it is. */
static enum zt_class
bad_bytes(const char *line, const char *end, struct zt_rec *rec)
{
	if (memchr(line, '\0', (size_t)(end - line)) != NULL)
		return zt_rec_bad(rec, "NUL byte");
	return zt_rec_bad(rec, "invalid UTF-8");
}

static enum zt_class
parse_fields(struct zt_parser *ps, const char *line, const char *p,
    const char *end, struct zt_rec *rec)
{
	struct zt_str	 name;
	struct zt_str	 val;
	const char	*q;
	int		 known;

	for (;;) {
		while (p < end && isws(*p))
			p++;
		if (p == end)
			break;
		name.p = p;
		known = -1;
		if ((name.n = zt_rec_expected(ps, p, end)) > 0) {
			known = ps->hint;
			p += name.n;
		} else {
			while (p < end && namechar(*p))
				p++;
			name.n = (size_t)(p - name.p);
		}
		if (name.n == 0 || p == end || *p != '=')
			return bad_syntax(rec, line, name.p, end);
		p++;
		if (p < end && *p == '"') {
			if (quoted(ps, rec, name, p + 1, end, &val, &q) == -1)
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
			p = unquoted_end(p, end);
			val.n = (size_t)(p - val.p);
		}
		if ((known >= 0 ? zt_rec_known(ps, rec, known, val) :
		    zt_rec_field(ps, rec, name, val, 0)) == -1)
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

/*
 * "TIMESTAMP ws LEVEL ws access" at p: the timestamp's text into *ts, the
 * level into rec->level.  Returns where "access" starts, or NULL when the
 * line is no access line (an other line).
 */
static const char *
access_head(const char *p, const char *end, struct zt_rec *rec,
    struct zt_str *ts)
{
	const char	*q;
	size_t		 i;
	size_t		 n;

	for (q = p; q < end && !isws(*q); q++)
		;
	if (!zt_datelike(p, q) || q == end)
		return NULL;
	ts->p = p;
	ts->n = (size_t)(q - p);
	for (p = q; p < end && isws(*p); p++)
		;
	for (q = p; q < end && !isws(*q); q++)
		;
	n = (size_t)(q - p);
	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (n == strlen(levels[i]) && memcmp(p, levels[i], n) == 0)
			break;
	if (i == sizeof(levels) / sizeof(levels[0]) || q == end)
		return NULL;
	rec->level.p = p;
	rec->level.n = n;
	for (p = q; p < end && isws(*p); p++)
		;
	if (end - p < 6 || memcmp(p, "access", 6) != 0 ||
	    (p + 6 < end && !isws(p[6]))) {
		/* A ztunnel line of another scope (dns, xds::client, ...) */
		rec->scoped = ts->n == 27 && p < end &&
		    zt_parse_ts27(ts->p, &rec->ts_us) == 0;
		return NULL;
	}
	return p;
}

/*
 * The message after the scope ("access" at p): a known one, or in the
 * TAB layout any text up to the next TAB.  Returns where the fields
 * start, or NULL with rec->why set.
 */
static const char *
access_message(const char *p, const char *end, struct zt_rec *rec)
{
	const char	*q;
	size_t		 i;
	size_t		 n = 0;
	int		 tabbed;

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
		if (!tabbed) {
			zt_rec_bad(rec, "unknown access message");
			return NULL;
		}
		q = memchr(p, '\t', (size_t)(end - p));
		n = (size_t)((q != NULL ? q : end) - p);
	}
	rec->message.p = p;
	rec->message.n = n;
	return p + n;
}

int
zt_text_is_access(const char *p, const char *end)
{
	struct zt_rec	 rec;
	struct zt_str	 ts;

	return access_head(p, end, &rec, &ts) != NULL;
}

enum zt_class
zt_parse_text_fields(struct zt_parser *ps, const char *line, const char *p,
    const char *end, struct zt_rec *rec)
{
	if (!zt_utf8_valid(line, (size_t)(end - line)))
		return bad_bytes(line, end, rec);
	zt_buf_reserve(&ps->scratch, (size_t)(end - line) + 1);
	return parse_fields(ps, line, p, end, rec);
}

enum zt_class
zt_parse_text(struct zt_parser *ps, const char *line, const char *p,
    const char *end, struct zt_rec *rec)
{
	struct zt_str	 ts;

	p = access_head(p, end, rec, &ts);
	if (p == NULL)
		return ZT_CLASS_OTHER;
	/* From here on it is an access line: read it or say why not. */
	rec->fmt = ZT_FMT_TEXT;
	if (!zt_utf8_valid(line, (size_t)(end - line)))
		return bad_bytes(line, end, rec);
	if (rec->bad_decor != NULL)
		return zt_rec_bad(rec, "%s", rec->bad_decor);
	rec->ts = ts;
	if (ts.n != 27 || zt_parse_ts27(ts.p, &rec->ts_us) == -1)
		return zt_rec_bad(rec, "bad timestamp");
	p = access_message(p, end, rec);
	if (p == NULL)
		return ZT_CLASS_MALFORMED;
	zt_buf_reserve(&ps->scratch, (size_t)(end - line) + 1);
	return parse_fields(ps, line, p, end, rec);
}

/*
 * escvalid.h -- what escape.h promises about its output, checked without
 * its code: for t_escape.c and tests/fuzz/fuzz_escape.c.
 *
 * esc_valid(how, s, n) is 1 when s[0..n) could be the output of
 * zt_escape(how, ...): strict UTF-8 (decoded here, independently of
 * text.c), no NUL, and nothing raw that the format must escape:
 *   text  no C0 control, DEL, C1 control or bidi control; a backslash
 *         starts \\ \t \n \r or \xNN (lowercase hex);
 *   json  no C0 control and no "; a backslash starts one of JSON's
 *         escapes (\" \\ \/ \b \f \n \r \t \uXXXX);
 *   xml   only XML 1.0 characters, not CR, not the discouraged ones (DEL,
 *         C1 controls, non-characters); no < > " '; & starts an entity;
 *   csv   every " doubled;
 *   utf8  nothing more.
 * text_unescape() inverts the text escaping (the only reversible one).
 */
#ifndef ZT_ESCVALID_H
#define ZT_ESCVALID_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/escape.h"

/* Decode one strict UTF-8 character at p: its length, or 0 if invalid. */
static size_t
ev_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t		 k;
	size_t		 i;
	uint32_t	 v;
	uint32_t	 min;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0) {
		k = 2;
		v = p[0] & 0x1f;
		min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		k = 3;
		v = p[0] & 0x0f;
		min = 0x800;
	} else if ((p[0] & 0xf8) == 0xf0) {
		k = 4;
		v = p[0] & 0x07;
		min = 0x10000;
	} else
		return 0;
	if (n < k)
		return 0;
	for (i = 1; i < k; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (p[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return k;
}

static int
ev_hex(const unsigned char *p, size_t n, size_t k, int lower_only)
{
	size_t	 i;

	if (n < k)
		return 0;
	for (i = 0; i < k; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f') ||
		    (!lower_only && p[i] >= 'A' && p[i] <= 'F')))
			return 0;
	return 1;
}

static int
ev_bidi(uint32_t cp)
{
	return cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069);
}

static int
ev_xml_ok(uint32_t cp)
{
	if (cp < 0x20)
		return cp == 0x09 || cp == 0x0a;
	if (cp >= 0x7f && cp <= 0x9f)
		return 0;
	if (cp >= 0xfdd0 && cp <= 0xfdef)
		return 0;
	return (cp & 0xfffe) != 0xfffe;
}

/*
 * The length of the escape that starts at p (a backslash or, for XML, an
 * ampersand) in how, or 0 if none valid starts there.
 */
static size_t
ev_escape(enum zt_esc how, const unsigned char *p, size_t n)
{
	static const char *const ents[] = {
		"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"
	};
	size_t	 i;

	if (how == ZT_ESC_XML) {
		for (i = 0; i < 5; i++)
			if (n >= strlen(ents[i]) &&
			    memcmp(p, ents[i], strlen(ents[i])) == 0)
				return strlen(ents[i]);
		return 0;
	}
	if (n < 2)
		return 0;
	if (how == ZT_ESC_MD) {
		if (p[0] == '&')
			return ev_escape(ZT_ESC_XML, p, n);
		if (memchr("|`*_[]~", p[1], 7) != NULL)
			return 2;
		how = ZT_ESC_TEXT;
	}
	if (how == ZT_ESC_TEXT || how == ZT_ESC_TSV) {
		if (memchr("\\tnr", p[1], 4) != NULL)
			return 2;
		return p[1] == 'x' && ev_hex(p + 2, n - 2, 2, 1) ? 4 : 0;
	}
	if (memchr("\"\\/bfnrt", p[1], 8) != NULL)
		return 2;
	return p[1] == 'u' && ev_hex(p + 2, n - 2, 4, 0) ? 6 : 0;
}

static int
esc_valid(enum zt_esc how, const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0;
	size_t			 k;
	uint32_t		 cp;

	while (i < n) {
		if ((k = ev_decode(p + i, n - i, &cp)) == 0 || cp == 0)
			return 0;
		switch (how) {
		case ZT_ESC_TEXT:
			if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || ev_bidi(cp))
				return 0;
			if (cp == '\\' && (k = ev_escape(how, p + i, n - i)) == 0)
				return 0;
			break;
		case ZT_ESC_JSON:
			if (cp < 0x20 || cp == '"')
				return 0;
			if (cp == '\\' && (k = ev_escape(how, p + i, n - i)) == 0)
				return 0;
			break;
		case ZT_ESC_XML:
			if (!ev_xml_ok(cp) || cp == '<' || cp == '>' ||
			    cp == '"' || cp == '\'')
				return 0;
			if (cp == '&' && (k = ev_escape(how, p + i, n - i)) == 0)
				return 0;
			break;
		case ZT_ESC_CSV:
			if (cp == '"' && (n - i < 2 || p[i + 1] != '"'))
				return 0;
			if (cp == '"')
				k = 2;
			break;
		case ZT_ESC_UTF8:
			break;
		case ZT_ESC_MD:
			if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || ev_bidi(cp) ||
			    cp == '<' || cp == '>' || (cp < 0x80 &&
			    strchr("|`*_[]~", (int)cp) != NULL))
				return 0;
			if ((cp == '\\' || cp == '&') &&
			    (k = ev_escape(how, p + i, n - i)) == 0)
				return 0;
			break;
		case ZT_ESC_TSV:
			if (cp == '\t' || cp == '\n' || cp == '\r')
				return 0;
			if (cp == '\\' && (k = ev_escape(how, p + i, n - i)) == 0)
				return 0;
			break;
		}
		i += k;
	}
	return 1;
}

/*
 * Undo the text escaping of s[0..n) into out (room for n bytes); returns
 * the length, or (size_t)-1 if s holds a backslash that starts no escape.
 */
static size_t
text_unescape(const char *s, size_t n, char *out)
{
	size_t	 i;
	size_t	 o = 0;
	int	 h;
	int	 l;

	for (i = 0; i < n; i++) {
		if (s[i] != '\\') {
			out[o++] = s[i];
			continue;
		}
		if (i + 1 >= n)
			return (size_t)-1;
		switch (s[++i]) {
		case '\\':
			out[o++] = '\\';
			break;
		case 't':
			out[o++] = '\t';
			break;
		case 'n':
			out[o++] = '\n';
			break;
		case 'r':
			out[o++] = '\r';
			break;
		case 'x':
			if (i + 2 >= n)
				return (size_t)-1;
			h = s[i + 1] <= '9' ? s[i + 1] - '0' : s[i + 1] - 'a' + 10;
			l = s[i + 2] <= '9' ? s[i + 2] - '0' : s[i + 2] - 'a' + 10;
			out[o++] = (char)(h << 4 | l);
			i += 2;
			break;
		default:
			return (size_t)-1;
		}
	}
	return o;
}

#endif

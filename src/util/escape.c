/*
 * escape.c -- see escape.h.
 *
 * One scanner for every format: runs of bytes that need nothing are
 * copied in one go; an ASCII byte that may need something asks
 * ascii_esc(); a valid multibyte character is copied unless bytewise()
 * says the format cannot carry it; a byte that starts no valid UTF-8
 * character is \xNN.
 */
#include <stdint.h>
#include <string.h>

#include "util/escape.h"

static const char	 hex[] = "0123456789abcdef";

/*
 * ASCII bytes that some format escapes: the C0 controls, " & ' < > \ and
 * DEL (bit c of lo for c < 64, bit c - 64 of hi).  Any other ASCII byte
 * is copied by every format.
 */
static const uint64_t	 maybe_lo = 0x500000c4ffffffffULL;
static const uint64_t	 maybe_hi = 0x8000000010000000ULL;

static int
maybe(unsigned char c)
{
	if (c >= 0x80)
		return 1;
	if (c < 64)
		return (int)((maybe_lo >> c) & 1);
	return (int)((maybe_hi >> (c - 64)) & 1);
}

/*
 * How ASCII byte c is written in how: NULL when it is copied, "" when it
 * is written as \xNN (in JSON: \u00NN), else the text to write.
 */
static const char *
ascii_esc(enum zt_esc how, unsigned char c)
{
	int	 cstyle = how == ZT_ESC_TEXT || how == ZT_ESC_JSON ||
	    how == ZT_ESC_MD || how == ZT_ESC_TSV;

	if (how == ZT_ESC_MD) {
		switch (c) {
		case '&':
			return "&amp;";
		case '<':
			return "&lt;";
		case '>':
			return "&gt;";
		case '|':
			return "\\|";
		case '`':
			return "\\`";
		case '*':
			return "\\*";
		case '_':
			return "\\_";
		case '[':
			return "\\[";
		case ']':
			return "\\]";
		case '~':
			return "\\~";
		default:
			break;
		}
	}
	switch (c) {
	case '\0':
		return "";
	case '\t':
		return cstyle ? "\\t" : NULL;
	case '\n':
		return cstyle ? "\\n" : NULL;
	case '\r':
		return cstyle ? "\\r" : how == ZT_ESC_XML ? "" : NULL;
	case '\\':
		return cstyle ? "\\\\" : NULL;
	case '"':
		if (how == ZT_ESC_JSON)
			return "\\\"";
		if (how == ZT_ESC_CSV)
			return "\"\"";
		return how == ZT_ESC_XML ? "&quot;" : NULL;
	case '&':
		return how == ZT_ESC_XML ? "&amp;" : NULL;
	case '<':
		return how == ZT_ESC_XML ? "&lt;" : NULL;
	case '>':
		return how == ZT_ESC_XML ? "&gt;" : NULL;
	case '\'':
		return how == ZT_ESC_XML ? "&apos;" : NULL;
	default:
		break;
	}
	if (c < 0x20 || c == 0x7f)
		return how == ZT_ESC_CSV || how == ZT_ESC_UTF8 ||
		    how == ZT_ESC_TSV ? NULL : "";
	return NULL;
}

/* The code point of the valid k-byte (2..4) UTF-8 sequence at p. */
static uint32_t
decode(const unsigned char *p, size_t k)
{
	if (k == 2)
		return (uint32_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
	if (k == 3)
		return (uint32_t)(p[0] & 0x0f) << 12 |
		    (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
	return (uint32_t)(p[0] & 0x07) << 18 | (uint32_t)(p[1] & 0x3f) << 12 |
	    (uint32_t)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
}

/*
 * Must the valid k-byte (2..4) character at p be written byte by byte as
 * \xNN in how?  A terminal acts on the C1 controls (CSI, OSC, DCS...)
 * and the bidirectional controls reorder what follows; XML 1.0 forbids
 * U+FFFE and U+FFFF and discourages the C1 controls and the other
 * non-characters.
 */
static int
bytewise(enum zt_esc how, const unsigned char *p, size_t k)
{
	uint32_t	 cp;

	if (how != ZT_ESC_TEXT && how != ZT_ESC_XML && how != ZT_ESC_MD)
		return 0;
	cp = decode(p, k);
	if (cp < 0xa0)
		return 1;
	if (how == ZT_ESC_TEXT || how == ZT_ESC_MD)
		return cp == 0x200e || cp == 0x200f ||	/* LRM, RLM */
		    (cp >= 0x202a && cp <= 0x202e) ||	/* LRE..RLO */
		    (cp >= 0x2066 && cp <= 0x2069);	/* LRI..PDI */
	return (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe;
}

/* Append byte c as \xNN; in JSON the backslash is itself escaped. */
static void
add_hex(struct zt_buf *b, enum zt_esc how, unsigned char c)
{
	char	 e[5];
	size_t	 k = 0;

	e[k++] = '\\';
	if (how == ZT_ESC_JSON)
		e[k++] = '\\';
	e[k++] = 'x';
	e[k++] = hex[c >> 4];
	e[k++] = hex[c & 15];
	zt_buf_add(b, e, k);
}

/* Append ASCII byte c, which ascii_esc() says is escaped, as e. */
static void
add_ascii(struct zt_buf *b, enum zt_esc how, unsigned char c, const char *e)
{
	char	 u[6];

	if (*e != '\0') {
		zt_buf_add(b, e, strlen(e));
	} else if (how == ZT_ESC_JSON) {
		memcpy(u, "\\u00", 4);
		u[4] = hex[c >> 4];
		u[5] = hex[c & 15];
		zt_buf_add(b, u, 6);
	} else
		add_hex(b, how, c);
}

void
zt_escape(struct zt_buf *b, enum zt_esc how, const char *s, size_t n)
{
	const unsigned char	*u = (const unsigned char *)s;
	const char		*e;
	size_t			 from = 0;
	size_t			 i = 0;
	size_t			 k;
	size_t			 j;

	while (i < n) {
		if (!maybe(u[i]) && (how != ZT_ESC_MD ||
		    strchr("|`*_[]~", u[i]) == NULL || u[i] == '\0')) {
			i++;
			continue;
		}
		if (u[i] < 0x80) {
			if ((e = ascii_esc(how, u[i])) == NULL) {
				i++;
				continue;
			}
			if (i > from)
				zt_buf_add(b, s + from, i - from);
			add_ascii(b, how, u[i], e);
			from = ++i;
			continue;
		}
		k = zt_utf8_len(s + i, n - i);
		if (k > 0 && !bytewise(how, u + i, k)) {
			i += k;
			continue;
		}
		if (k == 0)
			k = 1;		/* invalid: this byte alone */
		if (i > from)
			zt_buf_add(b, s + from, i - from);
		for (j = 0; j < k; j++)
			add_hex(b, how, u[i + j]);
		from = i += k;
	}
	if (n > from)
		zt_buf_add(b, s + from, n - from);
}

void
zt_escape_fput(FILE *f, enum zt_esc how, const char *s, size_t n)
{
	struct zt_buf	 b = { NULL, 0, 0 };

	zt_escape(&b, how, s, n);
	if (b.n > 0)
		fwrite(b.p, 1, b.n, f);
	zt_buf_free(&b);
}

void
zt_escape_json_str(struct zt_buf *b, const char *s, size_t n)
{
	zt_buf_reserve(b, n + 3);
	zt_buf_addc(b, '"');
	zt_escape(b, ZT_ESC_JSON, s, n);
	zt_buf_addc(b, '"');
}

void
zt_escape_csv_cell(struct zt_buf *b, const char *s, size_t n, int text)
{
	const unsigned char	*u = (const unsigned char *)s;
	int			 quote = 0;
	int			 plain = 1;	/* nothing to escape */
	int			 formula;
	size_t			 i;

	formula = text && n > 1 && memchr("=+-@\t\r", s[0], 6) != NULL;
	/* Control bytes from logs travel inside quotes, never bare. */
	for (i = 0; i < n; i++) {
		if (u[i] >= 0x20 && u[i] < 0x7f && u[i] != ',' && u[i] != '"')
			continue;
		if (u[i] < 0x20 || u[i] == 0x7f || u[i] == ',' || u[i] == '"')
			quote = 1;
		if (u[i] == '\0' || u[i] >= 0x80 || u[i] == '"')
			plain = 0;
	}
	if (formula || (n > 0 && (s[0] == ' ' || s[n - 1] == ' ')))
		quote = 1;
	if (quote)
		zt_buf_addc(b, '"');
	if (formula)
		zt_buf_addc(b, '\'');
	if (plain && n > 0)
		zt_buf_add(b, s, n);
	else
		zt_escape(b, ZT_ESC_CSV, s, n);
	if (quote)
		zt_buf_addc(b, '"');
}

size_t
zt_escape_width(const char *s, size_t n)
{
	const unsigned char	*u = (const unsigned char *)s;
	const char		*e;
	size_t			 w = 0;
	size_t			 i = 0;
	size_t			 k;

	while (i < n) {
		if (u[i] < 0x80) {
			e = ascii_esc(ZT_ESC_TEXT, u[i]);
			w += e == NULL ? 1 : *e == '\0' ? 4 : strlen(e);
			i++;
			continue;
		}
		k = zt_utf8_len(s + i, n - i);
		if (k > 0 && !bytewise(ZT_ESC_TEXT, u + i, k))
			w++;
		else {
			if (k == 0)
				k = 1;
			w += 4 * k;
		}
		i += k;
	}
	return w;
}

/*
 * t_escape.c -- escape.h: text escaped for a terminal, JSON, XML, CSV and
 * the database.
 *
 * Test plan:
 *   t_escape-1.*  TEXT: ESC, \t \n \r, backslash, DEL, NUL, other controls
 *                 as \xNN; printable ASCII and UTF-8 text pass; invalid
 *                 bytes, C1 controls and bidi controls byte by byte as
 *                 \xNN; zt_escape_fput writes the same.
 *   t_escape-2.*  JSON: zt_escape_json_str: quotes, the short escapes,
 *                 \u00NN for the other controls and DEL, UTF-8 and '/'
 *                 untouched, appends; invalid bytes as the text \xNN
 *                 (\\xNN in the JSON source).
 *   t_escape-3.*  XML: the five entities, C0 controls other than TAB and
 *                 LF (CR too) and DEL as \xNN; the C1 controls and the
 *                 non-characters (U+FDD0..U+FDEF, U+nFFFE, U+nFFFF) byte
 *                 by byte as \xNN, their neighbours copied.
 *   t_escape-4.*  CSV: zt_escape_csv_cell: when it quotes, "" inside, the
 *                 formula guard for text only; NUL and invalid bytes as
 *                 \xNN.
 *   t_escape-5.*  UTF8: valid text copied (control bytes too), NUL and
 *                 each invalid byte become \xNN, appends.
 *   t_escape-6.*  every ASCII byte alone, in every format, against a table
 *                 written from escape.h; zt_escape_width is the number of
 *                 characters of the TEXT escaping, for every byte alone and
 *                 for mixed strings.
 *   t_escape-7.*  every class of non-ASCII input (text at the edges of each
 *                 class, C1 controls, bidi controls, non-characters, every
 *                 kind of invalid UTF-8: lone, truncated, overlong,
 *                 surrogate, beyond U+10FFFF, 5-byte, 0xfe 0xff) in every
 *                 format, alone and between ASCII, against the table.
 *   t_escape-8.*  whatever the bytes, the output is what escvalid.h says
 *                 the format allows (valid UTF-8, nothing raw that it must
 *                 escape), the TEXT escaping undoes to the input and its
 *                 width is right: every 1- and 2-byte input, every 3-byte
 *                 input starting with one of c2 e0 e2 ed ef f0 f4, and
 *                 200,000 pseudo-random ones.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/escape.h"
#include "escvalid.h"
#include "tt.h"

/* sizeof a literal minus its NUL: for strings with embedded NUL bytes. */
#define LIT(s)	(s), (sizeof(s) - 1)

static const char *const fmt_names[] = { "text", "json", "xml", "csv", "utf8",
    "tsv" };

/* Check that s[0..n) escaped for how is want (a C string). */
static void
esc_is(enum zt_esc how, const char *s, size_t n, const char *want)
{
	struct zt_buf	 b = { NULL, 0, 0 };

	zt_escape(&b, how, s, n);
	TT_EQ_MEM(b.n ? b.p : "", b.n, want);
	if (b.n != strlen(want) || memcmp(b.n ? b.p : "", want, b.n) != 0)
		fprintf(stderr, "  (format %s)\n", fmt_names[how]);
	zt_buf_free(&b);
}

/* t_escape-1.1 */
static void
text_defuses_terminal_bytes(void)
{
	esc_is(ZT_ESC_TEXT, LIT("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
	esc_is(ZT_ESC_TEXT, LIT("a\tb\nc\rd"), "a\\tb\\nc\\rd");
	esc_is(ZT_ESC_TEXT, LIT("C:\\dir"), "C:\\\\dir");
	esc_is(ZT_ESC_TEXT, LIT("\x7f"), "\\x7f");
	esc_is(ZT_ESC_TEXT, LIT("\0"), "\\x00");
	esc_is(ZT_ESC_TEXT, LIT("\x01\x07\x08\x0b\x0c\x1f"),
	    "\\x01\\x07\\x08\\x0b\\x0c\\x1f");
	esc_is(ZT_ESC_TEXT, "", 0, "");
}

/* t_escape-1.2 */
static void
text_passes_printable_and_utf8(void)
{
	esc_is(ZT_ESC_TEXT, LIT(" !\"'~ plain"), " !\"'~ plain");
	esc_is(ZT_ESC_TEXT, LIT("caf\xc3\xa9 \xe2\x80\x8d"),
	    "caf\xc3\xa9 \xe2\x80\x8d");
	/* Bytes that are not UTF-8 are escaped, one by one. */
	esc_is(ZT_ESC_TEXT, LIT("\xff\x80"), "\\xff\\x80");
	/* C1 controls (8-bit CSI U+009B) and bidi overrides act on a
	 * terminal: escaped byte by byte. */
	esc_is(ZT_ESC_TEXT, LIT("a\xc2\x9b" "2Jb"), "a\\xc2\\x9b2Jb");
	esc_is(ZT_ESC_TEXT, LIT("\xe2\x80\xae" "x"), "\\xe2\\x80\\xaex");
	esc_is(ZT_ESC_TEXT, LIT("\xe2\x81\xa6"), "\\xe2\\x81\\xa6");
	/* Their neighbours are text. */
	esc_is(ZT_ESC_TEXT, LIT("\xc2\xa0\xe2\x80\xaf"), "\xc2\xa0\xe2\x80\xaf");
}

/* t_escape-1.3 */
static void
fput_writes_the_same(void)
{
	FILE	*f = tmpfile();
	char	 got[64];
	size_t	 n;

	TT_CHECK(f != NULL);
	if (f == NULL)
		return;
	zt_escape_fput(f, ZT_ESC_TEXT, LIT("x\x1b\\y\t\xc3\xa9\n"));
	zt_escape_fput(f, ZT_ESC_XML, LIT("<&>"));
	zt_escape_fput(f, ZT_ESC_TEXT, "", 0);
	rewind(f);
	n = fread(got, 1, sizeof(got), f);
	TT_EQ_MEM(got, n, "x\\x1b\\\\y\\t\xc3\xa9\\n&lt;&amp;&gt;");
	fclose(f);
}

/* t_escape-2.1 */
static void
json_str_escapes_by_json_rules(void)
{
	struct zt_buf	 b = { NULL, 0, 0 };

	zt_escape_json_str(&b, "", 0);
	TT_EQ_MEM(b.p, b.n, "\"\"");
	b.n = 0;
	zt_escape_json_str(&b, LIT("plain text / path"));
	TT_EQ_MEM(b.p, b.n, "\"plain text / path\"");
	b.n = 0;
	zt_escape_json_str(&b, LIT("a\"b\\c"));
	TT_EQ_MEM(b.p, b.n, "\"a\\\"b\\\\c\"");
	b.n = 0;
	zt_escape_json_str(&b, LIT("\n\r\t"));
	TT_EQ_MEM(b.p, b.n, "\"\\n\\r\\t\"");
	b.n = 0;
	zt_escape_json_str(&b, LIT("\0\x01\b\f\x1b\x1f\x7f"));
	TT_EQ_MEM(b.p, b.n,
	    "\"\\u0000\\u0001\\u0008\\u000c\\u001b\\u001f\\u007f\"");
	b.n = 0;
	zt_escape_json_str(&b, LIT("caf\xc3\xa9 \xf0\x9f\x98\x80 \x20~"));
	TT_EQ_MEM(b.p, b.n, "\"caf\xc3\xa9 \xf0\x9f\x98\x80  ~\"");
	b.n = 0;
	/* Appends, and a run of text between escapes is kept intact. */
	zt_buf_add(&b, "{", 1);
	zt_escape_json_str(&b, LIT("key"));
	zt_buf_addc(&b, ':');
	zt_escape_json_str(&b, LIT("one\ttwo\"three"));
	TT_EQ_MEM(b.p, b.n, "{\"key\":\"one\\ttwo\\\"three\"");
	zt_buf_free(&b);
}

/* t_escape-2.2 */
static void
json_writes_invalid_bytes_as_text(void)
{
	struct zt_buf	 b = { NULL, 0, 0 };

	/* A file name in Latin-1; a UTF-16 surrogate as SQLite's char()
	 * encodes it: the JSON string holds the characters \xe9. */
	zt_escape_json_str(&b, LIT("caf\xe9.log"));
	TT_EQ_MEM(b.p, b.n, "\"caf\\\\xe9.log\"");
	b.n = 0;
	zt_escape_json_str(&b, LIT("\xed\xa0\x80|\xff\xfe"));
	TT_EQ_MEM(b.p, b.n, "\"\\\\xed\\\\xa0\\\\x80|\\\\xff\\\\xfe\"");
	b.n = 0;
	/* Code points JSON carries stay as they are, non-characters too. */
	zt_escape_json_str(&b, LIT("\xef\xbf\xbe\xc2\x9b\xe2\x80\xae"));
	TT_EQ_MEM(b.p, b.n, "\"\xef\xbf\xbe\xc2\x9b\xe2\x80\xae\"");
	zt_buf_free(&b);
}

/* t_escape-3.1 */
static void
xml_entities_and_controls(void)
{
	esc_is(ZT_ESC_XML, LIT("a<b>&\"c\"'d'"),
	    "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;");
	/* TAB and LF are XML characters; CR would be normalised away. */
	esc_is(ZT_ESC_XML, LIT("t\tl\nc\r"), "t\tl\nc\\x0d");
	esc_is(ZT_ESC_XML, LIT("\x01\x1b[1m\x1f\x7f"),
	    "\\x01\\x1b[1m\\x1f\\x7f");
	/* Backslashes and UTF-8 text are copied. */
	esc_is(ZT_ESC_XML, LIT("C:\\x caf\xc3\xa9"), "C:\\x caf\xc3\xa9");
}

/* t_escape-3.2 */
static void
xml_writes_what_it_cannot_carry_as_bytes(void)
{
	/* U+FFFE, U+FFFF: not XML characters at all. */
	esc_is(ZT_ESC_XML, LIT("a\xef\xbf\xbe\xef\xbf\xbfz"),
	    "a\\xef\\xbf\\xbe\\xef\\xbf\\xbfz");
	/* Discouraged: C1 controls, the other non-characters. */
	esc_is(ZT_ESC_XML, LIT("\xc2\x85\xc2\x9b"), "\\xc2\\x85\\xc2\\x9b");
	esc_is(ZT_ESC_XML, LIT("\xef\xb7\x90\xef\xb7\xaf"),
	    "\\xef\\xb7\\x90\\xef\\xb7\\xaf");
	esc_is(ZT_ESC_XML, LIT("\xf0\x9f\xbf\xbe\xf4\x8f\xbf\xbf"),
	    "\\xf0\\x9f\\xbf\\xbe\\xf4\\x8f\\xbf\\xbf");
	/* Invalid UTF-8: a file name in Latin-1, a surrogate. */
	esc_is(ZT_ESC_XML, LIT("caf\xe9 \xed\xa0\x80"),
	    "caf\\xe9 \\xed\\xa0\\x80");
	/* The neighbours are characters. */
	esc_is(ZT_ESC_XML, LIT("\xc2\xa0\xef\xb7\x8f\xef\xb7\xb0\xef\xbf\xbd"),
	    "\xc2\xa0\xef\xb7\x8f\xef\xb7\xb0\xef\xbf\xbd");
}

static void
csv_is(const char *s, size_t n, int text, const char *want)
{
	struct zt_buf	 b = { NULL, 0, 0 };

	zt_escape_csv_cell(&b, s, n, text);
	TT_EQ_MEM(b.n ? b.p : "", b.n, want);
	zt_buf_free(&b);
}

/* t_escape-4.1 */
static void
csv_cell_quotes_when_needed(void)
{
	csv_is(LIT("plain"), 1, "plain");
	csv_is("", 0, 1, "");
	csv_is(LIT("a,b"), 1, "\"a,b\"");
	csv_is(LIT("say \"hi\""), 1, "\"say \"\"hi\"\"\"");
	csv_is(LIT("l1\nl2"), 1, "\"l1\nl2\"");
	csv_is(LIT("e\x1b[1m"), 1, "\"e\x1b[1m\"");
	csv_is(LIT("d\x7f"), 1, "\"d\x7f\"");
	csv_is(LIT(" lead"), 1, "\" lead\"");
	csv_is(LIT("trail "), 1, "\"trail \"");
	csv_is(LIT("caf\xc3\xa9"), 1, "caf\xc3\xa9");
	/* NUL and invalid bytes as \xNN (NUL still quotes the cell). */
	csv_is(LIT("caf\xe9"), 1, "caf\\xe9");
	csv_is(LIT("a\0b"), 1, "\"a\\x00b\"");
	csv_is(LIT("=\xff"), 1, "\"'=\\xff\"");
}

/* t_escape-4.2 */
static void
csv_cell_guards_formulas_in_text(void)
{
	csv_is(LIT("=1+1"), 1, "\"'=1+1\"");
	csv_is(LIT("+1"), 1, "\"'+1\"");
	csv_is(LIT("-1"), 1, "\"'-1\"");
	csv_is(LIT("@x"), 1, "\"'@x\"");
	csv_is(LIT("\tx"), 1, "\"'\tx\"");
	csv_is(LIT("\rx"), 1, "\"'\rx\"");
	csv_is(LIT("=\"x\""), 1, "\"'=\"\"x\"\"\"");
	/* A lone sign, a number, text merely holding the characters. */
	csv_is(LIT("="), 1, "=");
	csv_is(LIT("-1"), 0, "-1");
	csv_is(LIT("a=1"), 1, "a=1");
}

/* t_escape-5.1 */
static void
utf8_copies_valid_text(void)
{
	esc_is(ZT_ESC_UTF8, LIT("caf\xc3\xa9 \xe2\x80\x8d ok"),
	    "caf\xc3\xa9 \xe2\x80\x8d ok");
	/* Control bytes are valid UTF-8: copied as they are. */
	esc_is(ZT_ESC_UTF8, LIT("a\tb\nc\x1b\x7f\\"), "a\tb\nc\x1b\x7f\\");
	esc_is(ZT_ESC_UTF8, "x", 0, "");
}

/* t_escape-5.3 */
static void
tsv_is_clickhouse_tabseparated(void)
{
	/* The field separators and the escape character are escaped. */
	esc_is(ZT_ESC_TSV, LIT("a\tb\nc\rd\\e"), "a\\tb\\nc\\rd\\\\e");
	/* NUL and invalid bytes as \xNN, which ClickHouse reads back. */
	esc_is(ZT_ESC_TSV, LIT("\0x\xff"), "\\x00x\\xff");
	/* Other controls, quotes and valid UTF-8 are copied. */
	esc_is(ZT_ESC_TSV, LIT("\x1b'\"caf\xc3\xa9\xc2\x9b"),
	    "\x1b'\"caf\xc3\xa9\xc2\x9b");
}

/* t_escape-5.2 */
static void
utf8_escapes_nul_and_invalid_bytes(void)
{
	struct zt_buf	 b = { NULL, 0, 0 };

	esc_is(ZT_ESC_UTF8, LIT("a\xff" "b"), "a\\xffb");
	esc_is(ZT_ESC_UTF8, LIT("\0"), "\\x00");
	/* Each byte of a bad sequence on its own; hex is lowercase. */
	esc_is(ZT_ESC_UTF8, LIT("\xed\xa0\x80"), "\\xed\\xa0\\x80");
	/* A truncated sequence, then valid text that resumes. */
	esc_is(ZT_ESC_UTF8, LIT("\xe2\x82" "A\xc3\xa9"), "\\xe2\\x82A\xc3\xa9");
	esc_is(ZT_ESC_UTF8, LIT("\xc0\x80\xf4\x90\x80\x80"),
	    "\\xc0\\x80\\xf4\\x90\\x80\\x80");
	/* Appends to what is there. */
	zt_buf_add(&b, "pre:", 4);
	zt_escape(&b, ZT_ESC_UTF8, LIT("\xfe!"));
	TT_EQ_MEM(b.p, b.n, "pre:\\xfe!");
	zt_buf_free(&b);
}

/*
 * The escaping of ASCII byte c in how, from escape.h's table: the
 * expectation the module is held to, written independently of it.
 */
static void
want_ascii(enum zt_esc how, unsigned char c, char *out)
{
	static const char	 hex[] = "0123456789abcdef";
	int			 ctl = c < 0x20 || c == 0x7f;

	out[0] = (char)c;
	out[1] = '\0';
	switch (how) {
	case ZT_ESC_TEXT:
	case ZT_ESC_JSON:
	case ZT_ESC_TSV:
		if (c == '\t' || c == '\n' || c == '\r' || c == '\\' ||
		    (c == '"' && how == ZT_ESC_JSON)) {
			out[0] = '\\';
			out[1] = c == '\t' ? 't' : c == '\n' ? 'n' :
			    c == '\r' ? 'r' : (char)c;
			out[2] = '\0';
		} else if (how == ZT_ESC_TSV) {
			if (c == 0)
				strcpy(out, "\\x00");
		}
		else if (ctl && how == ZT_ESC_JSON)
			snprintf(out, 8, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
		else if (ctl)
			snprintf(out, 8, "\\x%c%c", hex[c >> 4], hex[c & 15]);
		break;
	case ZT_ESC_XML:
		if (c == '&')
			strcpy(out, "&amp;");
		else if (c == '<')
			strcpy(out, "&lt;");
		else if (c == '>')
			strcpy(out, "&gt;");
		else if (c == '"')
			strcpy(out, "&quot;");
		else if (c == '\'')
			strcpy(out, "&apos;");
		else if (ctl && c != '\t' && c != '\n')
			snprintf(out, 8, "\\x%c%c", hex[c >> 4], hex[c & 15]);
		break;
	case ZT_ESC_CSV:
		if (c == '"')
			strcpy(out, "\"\"");
		else if (c == 0)
			strcpy(out, "\\x00");
		break;
	case ZT_ESC_UTF8:
		if (c == 0)
			strcpy(out, "\\x00");
		break;
	case ZT_ESC_MD:
		if (c == '&')
			strcpy(out, "&amp;");
		else if (c == '<')
			strcpy(out, "&lt;");
		else if (c == '>')
			strcpy(out, "&gt;");
		else if (c != 0 && strchr("|`*_[]~", c) != NULL)
			snprintf(out, 8, "\\%c", c);
		else
			want_ascii(ZT_ESC_TEXT, c, out);
		break;
	}
}

/* t_escape-6.1 */
static void
every_ascii_byte_in_every_format(void)
{
	struct zt_buf	 b = { NULL, 0, 0 };
	char		 want[16];
	char		 in[3];
	int		 how;
	int		 c;
	int		 bad = 0;
	size_t		 wn;

	for (how = ZT_ESC_TEXT; how <= ZT_ESC_MD; how++) {
		for (c = 0; c < 0x80; c++) {
			want_ascii((enum zt_esc)how, (unsigned char)c, want);
			wn = strlen(want);
			/* Alone, and between two letters (the copied runs). */
			in[0] = 'a';
			in[1] = (char)c;
			in[2] = 'z';
			b.n = 0;
			zt_escape(&b, (enum zt_esc)how, in + 1, 1);
			if (b.n != wn || memcmp(b.p, want, wn) != 0) {
				fprintf(stderr, "  %s: byte 0x%02x: \"%.*s\"\n",
				    fmt_names[how], c, (int)b.n, b.p);
				bad++;
			}
			b.n = 0;
			zt_escape(&b, (enum zt_esc)how, in, 3);
			if (b.n != wn + 2 || b.p[0] != 'a' ||
			    memcmp(b.p + 1, want, wn) != 0 || b.p[b.n - 1] != 'z')
				bad++;
		}
	}
	TT_EQ_INT(bad, 0);
	zt_buf_free(&b);
}

/* Characters of the TEXT escaping of s (UTF-8: one per lead byte). */
static size_t
text_chars(const char *s, size_t n)
{
	struct zt_buf	 b = { NULL, 0, 0 };
	size_t		 w = 0;
	size_t		 i;

	zt_escape(&b, ZT_ESC_TEXT, s, n);
	for (i = 0; i < b.n; i++)
		if (((unsigned char)b.p[i] & 0xc0) != 0x80)
			w++;
	zt_buf_free(&b);
	return w;
}

/* t_escape-6.2 */
static void
width_counts_escaped_characters(void)
{
	static const char *const mixed[] = {
		"plain", "caf\xc3\xa9", "\x1b[31m", "a\\b", "\t\n\r",
		"\xc2\x9b" "2J", "\xe2\x80\xae" "rlo", "\xff\xfe", "\xed\xa0\x80",
		"\xf0\x9f\x98\x80 emoji", "\xe2\x82", "\xef\xbf\xbe"
	};
	char	 c;
	int	 i;
	int	 bad = 0;

	for (i = 0; i < 256; i++) {
		c = (char)i;
		if (zt_escape_width(&c, 1) != text_chars(&c, 1))
			bad++;
	}
	TT_EQ_INT(bad, 0);
	for (i = 0; i < (int)(sizeof(mixed) / sizeof(mixed[0])); i++)
		TT_EQ_INT(zt_escape_width(mixed[i], strlen(mixed[i])),
		    text_chars(mixed[i], strlen(mixed[i])));
	TT_EQ_INT(zt_escape_width(LIT("caf\xc3\xa9")), 4);
	TT_EQ_INT(zt_escape_width(LIT("\x1b[1m")), 7);
	TT_EQ_INT(zt_escape_width(LIT("\xff")), 4);
	TT_EQ_INT(zt_escape_width("", 0), 0);
}

/* Bits of enum zt_esc, for the formats that write a character as bytes. */
#define T	((1u << ZT_ESC_TEXT) | (1u << ZT_ESC_MD))
#define X	(1u << ZT_ESC_XML)
#define ALL	(T | (1u << ZT_ESC_JSON) | X | (1u << ZT_ESC_CSV) | \
		    (1u << ZT_ESC_UTF8) | (1u << ZT_ESC_TSV) | (1u << ZT_ESC_MD))

static const struct {
	const char	*s;
	unsigned	 bytes;		/* formats writing it as \xNN bytes */
} classes[] = {
	/* Text, at the edges of the classes below: copied. */
	{ "\xc2\xa0", 0 },		/* U+00A0, after the C1 controls */
	{ "\xc3\xa9", 0 },
	{ "\xdf\xbf", 0 },		/* U+07FF */
	{ "\xe0\xa0\x80", 0 },		/* U+0800 */
	{ "\xe2\x80\x8d", 0 },		/* ZWJ, before LRM */
	{ "\xe2\x80\xa9", 0 },		/* U+2029, before LRE */
	{ "\xe2\x80\xaf", 0 },		/* after RLO */
	{ "\xe2\x81\xa5", 0 },		/* before LRI */
	{ "\xe2\x81\xaa", 0 },		/* after PDI */
	{ "\xed\x9f\xbf", 0 },		/* U+D7FF */
	{ "\xee\x80\x80", 0 },		/* U+E000 */
	{ "\xef\xb7\x8f", 0 },		/* U+FDCF */
	{ "\xef\xb7\xb0", 0 },		/* U+FDF0 */
	{ "\xef\xbb\xbf", 0 },		/* BOM */
	{ "\xef\xbf\xbd", 0 },		/* U+FFFD */
	{ "\xf0\x90\x80\x80", 0 },	/* U+10000 */
	{ "\xf0\x9f\x98\x80", 0 },
	{ "\xf0\x9f\xbf\xbd", 0 },	/* U+1FFFD */
	{ "\xf4\x8f\xbf\xbd", 0 },	/* U+10FFFD */
	/* C1 controls: a terminal acts on them, XML discourages them. */
	{ "\xc2\x80", T | X },
	{ "\xc2\x85", T | X },		/* NEL */
	{ "\xc2\x9b", T | X },		/* CSI */
	{ "\xc2\x9f", T | X },
	/* Bidirectional controls: reorder a terminal line. */
	{ "\xe2\x80\x8e", T },		/* LRM */
	{ "\xe2\x80\x8f", T },		/* RLM */
	{ "\xe2\x80\xaa", T },		/* LRE */
	{ "\xe2\x80\xae", T },		/* RLO */
	{ "\xe2\x81\xa6", T },		/* LRI */
	{ "\xe2\x81\xa9", T },		/* PDI */
	/* Non-characters: XML forbids U+FFFE, U+FFFF, discourages the rest. */
	{ "\xef\xb7\x90", X },		/* U+FDD0 */
	{ "\xef\xb7\xaf", X },		/* U+FDEF */
	{ "\xef\xbf\xbe", X },
	{ "\xef\xbf\xbf", X },
	{ "\xf0\x9f\xbf\xbe", X },	/* U+1FFFE */
	{ "\xf0\x9f\xbf\xbf", X },
	{ "\xf4\x8f\xbf\xbe", X },	/* U+10FFFE */
	{ "\xf4\x8f\xbf\xbf", X },
	/* Not UTF-8: every format, each byte on its own. */
	{ "\x80", ALL },		/* lone continuation */
	{ "\xbf", ALL },
	{ "\xc3", ALL },		/* truncated */
	{ "\xe2\x82", ALL },
	{ "\xf0\x9f\x98", ALL },
	{ "\xc0\x80", ALL },		/* overlong NUL */
	{ "\xc1\xbf", ALL },
	{ "\xe0\x80\xaf", ALL },
	{ "\xf0\x8f\xbf\xbf", ALL },
	{ "\xed\xa0\x80", ALL },	/* U+D800, char(55296) */
	{ "\xed\xbf\xbf", ALL },	/* U+DFFF */
	{ "\xf4\x90\x80\x80", ALL },	/* U+110000 */
	{ "\xf5\x80\x80\x80", ALL },
	{ "\xf8\x88\x80\x80\x80", ALL },/* 5-byte form */
	{ "\xfe", ALL },
	{ "\xff", ALL },
	{ "\xe9", ALL },		/* Latin-1 e acute */
};

/* Append what classes[i] becomes in how: itself, or its bytes as \xNN. */
static void
want_class(size_t i, enum zt_esc how, struct zt_buf *w)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)classes[i].s;

	if (!(classes[i].bytes & (1u << how))) {
		zt_buf_add(w, classes[i].s, strlen(classes[i].s));
		return;
	}
	for (; *p != '\0'; p++) {
		zt_buf_add(w, how == ZT_ESC_JSON ? "\\\\x" : "\\x",
		    how == ZT_ESC_JSON ? 3 : 2);
		zt_buf_addc(w, hex[*p >> 4]);
		zt_buf_addc(w, hex[*p & 15]);
	}
}

/* t_escape-7.1 */
static void
every_class_in_every_format(void)
{
	struct zt_buf	 got = { NULL, 0, 0 };
	struct zt_buf	 in = { NULL, 0, 0 };
	struct zt_buf	 want = { NULL, 0, 0 };
	size_t		 i;
	int		 how;
	int		 bad = 0;

	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		for (how = ZT_ESC_TEXT; how <= ZT_ESC_MD; how++) {
			/* Alone, then between ASCII (resynchronised). */
			got.n = want.n = 0;
			zt_escape(&got, (enum zt_esc)how, classes[i].s,
			    strlen(classes[i].s));
			want_class(i, (enum zt_esc)how, &want);
			in.n = 0;
			zt_buf_add(&in, "a", 1);
			zt_buf_add(&in, classes[i].s, strlen(classes[i].s));
			zt_buf_add(&in, "z", 1);
			if (got.n != want.n || memcmp(got.p, want.p, got.n) != 0)
				bad++;
			got.n = 0;
			zt_escape(&got, (enum zt_esc)how, in.p, in.n);
			if (got.n != want.n + 2 || got.p[0] != 'a' ||
			    memcmp(got.p + 1, want.p, want.n) != 0 ||
			    got.p[got.n - 1] != 'z')
				bad++;
			if (bad > 0 && got.n > 0) {
				fprintf(stderr, "  %s: class %zu: \"%.*s\"\n",
				    fmt_names[how], i, (int)got.n, got.p);
				bad = 1000;	/* report once */
				break;
			}
		}
	}
	TT_EQ_INT(bad, 0);
	zt_buf_free(&got);
	zt_buf_free(&in);
	zt_buf_free(&want);
}

#undef T
#undef X
#undef ALL

/* Escape s[0..n) in every format and check the promises; 0 if all hold. */
static int
holds(const char *s, size_t n)
{
	struct zt_buf	 b = { NULL, 0, 0 };
	char		 back[64];
	size_t		 k;
	int		 how;
	int		 bad = 0;

	for (how = ZT_ESC_TEXT; how <= ZT_ESC_MD; how++) {
		b.n = 0;
		zt_escape(&b, (enum zt_esc)how, s, n);
		if (!esc_valid((enum zt_esc)how, b.n ? b.p : "", b.n))
			bad = 1;
		if (how == ZT_ESC_TSV) {
			/* ClickHouse's escapes are a subset of the text's. */
			k = b.n <= sizeof(back) ?
			    text_unescape(b.p, b.n, back) : (size_t)-1;
			if (k != n || memcmp(back, s, n) != 0)
				bad = 1;
		}
		if (how == ZT_ESC_TEXT) {
			k = b.n <= sizeof(back) ?
			    text_unescape(b.p, b.n, back) : (size_t)-1;
			if (k != n || memcmp(back, s, n) != 0)
				bad = 1;
			if (zt_escape_width(s, n) != text_chars(s, n))
				bad = 1;
		}
		if (bad) {
			fprintf(stderr, "  %s: \"%.*s\"\n", fmt_names[how],
			    (int)b.n, b.n ? b.p : "");
			break;
		}
	}
	zt_buf_free(&b);
	return bad;
}

/* t_escape-8.1 */
static void
output_is_valid_whatever_the_bytes(void)
{
	static const unsigned char firsts[] = {
		0xc2, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4
	};
	static const unsigned char alphabet[] = {
		'a', '"', '\\', '&', '<', '\'', 'x', '\0', '\t', '\r', 0x1b,
		0x7f, 0x80, 0x85, 0x9b, 0xa0, 0xbf, 0xc2, 0xc3, 0xe2, 0xed,
		0xef, 0xf0, 0xf4, 0xf5, 0xfe, 0xff, 0xb7, 0x90, 0xbe, 0x81
	};
	unsigned char	 s[12];
	uint32_t	 seed = 1;
	unsigned	 i;
	unsigned	 j;
	unsigned	 k;
	size_t		 n;
	int		 bad = 0;

	for (i = 0; i < 256 && bad < 5; i++) {
		s[0] = (unsigned char)i;
		bad += holds((const char *)s, 1);
		for (j = 0; j < 256 && bad < 5; j++) {
			s[1] = (unsigned char)j;
			bad += holds((const char *)s, 2);
		}
	}
	for (i = 0; i < sizeof(firsts) && bad < 5; i++)
		for (j = 0; j < 256; j++)
			for (k = 0; k < 256 && bad < 5; k++) {
				s[0] = firsts[i];
				s[1] = (unsigned char)j;
				s[2] = (unsigned char)k;
				bad += holds((const char *)s, 3);
			}
	for (i = 0; i < 200000 && bad < 5; i++) {
		seed = seed * 1103515245u + 12345u;
		n = 1 + (seed >> 16) % sizeof(s);
		for (j = 0; j < n; j++) {
			seed = seed * 1103515245u + 12345u;
			s[j] = alphabet[(seed >> 16) % sizeof(alphabet)];
		}
		bad += holds((const char *)s, n);
	}
	TT_EQ_INT(bad, 0);
}

int
main(void)
{
	text_defuses_terminal_bytes();
	text_passes_printable_and_utf8();
	fput_writes_the_same();
	json_str_escapes_by_json_rules();
	json_writes_invalid_bytes_as_text();
	xml_entities_and_controls();
	xml_writes_what_it_cannot_carry_as_bytes();
	csv_cell_quotes_when_needed();
	csv_cell_guards_formulas_in_text();
	utf8_copies_valid_text();
	utf8_escapes_nul_and_invalid_bytes();
	tsv_is_clickhouse_tabseparated();
	every_ascii_byte_in_every_format();
	width_counts_escaped_characters();
	every_class_in_every_format();
	output_is_valid_whatever_the_bytes();
	return tt_finish("t_escape");
}

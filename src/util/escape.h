/*
 * escape.h -- the one home for escaping text on its way out of ztlog: to
 * a terminal, into JSON, XML 1.0 and CSV, and into the database where a
 * text must be UTF-8.
 *
 * util, under: diag (stderr), report (text, JSON, JUnit), output (table,
 * CSV, JSON, NDJSON), store (rejected lines), parse (the extra column).
 *
 * Input is any bytes: log values, file names, rule texts, SQL results.
 * Every format gets one rule, so that its output is valid whatever the
 * bytes:
 *
 *   - a byte that is not part of valid UTF-8 (a lone or truncated
 *     sequence, an overlong form, a UTF-16 surrogate, beyond U+10FFFF) is
 *     written as the four characters \xNN (lowercase hex), in every
 *     format;
 *   - a character that a format cannot carry, or must not carry raw, is
 *     written the same way, one \xNN per byte of its UTF-8 form, unless
 *     the format has an escape of its own for it;
 *   - everything else is copied.
 *
 * What each format escapes besides the invalid bytes:
 *
 *   ZT_ESC_TEXT  a terminal: TAB LF CR as \t \n \r, backslash as \\, the
 *                other C0 controls, DEL, the C1 controls U+0080..U+009F
 *                and the bidirectional controls (LRM RLM LRE..RLO
 *                LRI..PDI) as \xNN.
 *   ZT_ESC_JSON  the inside of a string literal (RFC 8259): " \ as \" \\,
 *                TAB LF CR as \t \n \r, the other C0 controls (NUL too)
 *                and DEL as \u00NN.  An invalid byte is the string \xNN,
 *                written \\xNN in the JSON source.
 *   ZT_ESC_XML   character data or an attribute value (XML 1.0): & < > "
 *                ' as entities; the C0 controls other than TAB and LF (CR
 *                and NUL too), DEL, the C1 controls and the non-characters
 *                (U+FDD0..U+FDEF, U+nFFFE and U+nFFFF in every plane),
 *                which XML 1.0 forbids or discourages, as \xNN.
 *   ZT_ESC_CSV   a cell body: NUL as \x00 (tools take a file with NUL for
 *                binary), " as "" (the cell is quoted then, see
 *                zt_escape_csv_cell).
 *   ZT_ESC_UTF8  nothing else but NUL, as \x00: text that must be UTF-8
 *                without NUL, as stored in the database.
 *   ZT_ESC_TSV   a field of ClickHouse's TabSeparated format: TAB LF CR
 *                and backslash as \t \n \r \\, NUL as \x00.  ClickHouse
 *                reads \xNN back as the byte, so this one is reversible:
 *                the exact bytes arrive.
 *   ZT_ESC_MD    GitHub-flavoured Markdown text and table cells: what
 *                ZT_ESC_TEXT escapes, the same way; & < > as entities
 *                (no HTML gets through); | ` * _ [ ] ~ with a backslash
 *                (no table cell ends, no code span, emphasis or link
 *                starts).
 *
 * A backslash from the input is not doubled in JSON, XML, CSV or UTF8,
 * so a literal "\xff" and the byte 0xff look alike there (exact bytes:
 * hex() in SQL); only the terminal and TSV escapings are reversible.
 * No function fails; they allocate only through the zt_buf they are
 * given (or a scratch one they free).
 */
#ifndef ZT_ESCAPE_H
#define ZT_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

#include "util/text.h"

enum zt_esc {
	ZT_ESC_TEXT,
	ZT_ESC_JSON,
	ZT_ESC_XML,
	ZT_ESC_CSV,
	ZT_ESC_UTF8,
	ZT_ESC_TSV,
	ZT_ESC_MD
};

/* Append s[0..n) to b, escaped for how. */
void	zt_escape(struct zt_buf *b, enum zt_esc how, const char *s, size_t n);

/* Write s[0..n) to f, escaped for how. */
void	zt_escape_fput(FILE *f, enum zt_esc how, const char *s, size_t n);

/* Append s[0..n) as a JSON string literal, the quotes included. */
void	zt_escape_json_str(struct zt_buf *b, const char *s, size_t n);

/*
 * Append s[0..n) as one CSV cell (RFC 4180).  It is quoted when it holds
 * a comma, a double quote or a control character, or starts or ends with
 * a blank; text (as opposed to a number or a blob's x'..') of two or more
 * bytes that starts with = + - @ TAB or CR gets a leading ' inside the
 * quotes, so a spreadsheet does not run it as a formula.
 */
void	zt_escape_csv_cell(struct zt_buf *b, const char *s, size_t n, int text);

/* Columns s[0..n) takes once escaped for a terminal (one per character). */
size_t	zt_escape_width(const char *s, size_t n);

#endif

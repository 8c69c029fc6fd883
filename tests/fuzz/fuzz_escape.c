/*
 * fuzz_escape.c -- libFuzzer target for util/escape.c.  The input, as any
 * bytes, is escaped for every format.  Each output must be what
 * tests/unit/escvalid.h says its format allows (strict UTF-8, nothing raw
 * that the format escapes); the terminal escaping must undo to the input
 * and zt_escape_width must count its characters; zt_escape_json_str must
 * be one quoted string and zt_escape_csv_cell one RFC 4180 field.  abort()
 * otherwise.  Seeds: tests/fuzz/seeds/fuzz_escape (file names, SQL
 * results and log values that once made invalid JSON or XML), plus the
 * ingest fixtures, passed by scripts/check.sh.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/escape.h"
#include "../unit/escvalid.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fail(const char *what, const struct zt_buf *b)
{
	fprintf(stderr, "fuzz_escape: %s: \"%.*s\"\n", what, (int)b->n,
	    b->n ? b->p : "");
	abort();
}

/* A CSV cell: bare (no , " CR LF) or quoted with "" inside. */
static int
csv_field(const char *p, size_t n)
{
	size_t	 i;

	if (n >= 2 && p[0] == '"' && p[n - 1] == '"')
		return esc_valid(ZT_ESC_CSV, p + 1, n - 2);
	for (i = 0; i < n; i++)
		if (p[i] == ',' || p[i] == '"' || p[i] == '\r' || p[i] == '\n')
			return 0;
	return esc_valid(ZT_ESC_CSV, p, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zt_buf	 b = { NULL, 0, 0 };
	const char	*s = (const char *)data;
	char		*back;
	size_t		 chars = 0;
	size_t		 i;
	int		 how;

	for (how = ZT_ESC_TEXT; how <= ZT_ESC_MD; how++) {
		b.n = 0;
		zt_escape(&b, (enum zt_esc)how, s, size);
		if (!esc_valid((enum zt_esc)how, b.n ? b.p : "", b.n))
			fail("not valid", &b);
		if (how != ZT_ESC_TEXT && how != ZT_ESC_TSV)
			continue;
		back = malloc(b.n + 1);
		if (back == NULL)
			abort();
		if (text_unescape(b.p, b.n, back) != size ||
		    memcmp(back, s, size) != 0)
			fail(how == ZT_ESC_TSV ? "tsv does not undo" :
			    "text does not undo", &b);
		free(back);
		if (how != ZT_ESC_TEXT)
			continue;
		for (i = 0; i < b.n; i++)
			if (((unsigned char)b.p[i] & 0xc0) != 0x80)
				chars++;
		if (zt_escape_width(s, size) != chars)
			fail("width", &b);
	}
	b.n = 0;
	zt_escape_json_str(&b, s, size);
	if (b.n < 2 || b.p[0] != '"' || b.p[b.n - 1] != '"' ||
	    !esc_valid(ZT_ESC_JSON, b.p + 1, b.n - 2))
		fail("json string", &b);
	for (i = 0; i < 2; i++) {
		b.n = 0;
		zt_escape_csv_cell(&b, s, size, (int)i);
		if (!csv_field(b.n ? b.p : "", b.n))
			fail("csv cell", &b);
	}
	zt_buf_free(&b);
	return 0;
}

/*
 * t_text.c -- the byte-level helpers of text.h (the escaping is tested in
 * t_escape.c).
 *
 * Test plan:
 *   t_text-1.*  zt_buf_add/addc/reserve: appends, growth, contents kept.
 *   t_text-2.*  zt_utf8_valid: every sequence length accepted at its
 *               limits; overlongs, surrogates, > U+10FFFF, lone and
 *               truncated sequences, NUL (also inside the 8-byte fast
 *               path) rejected; a multibyte sequence across the 8-byte
 *               boundary accepted; a valid and an invalid sequence at
 *               every position of the 32- and 8-byte paths (2.6).
 *   t_text-3.*, t_text-4.*  moved to t_escape-5.*, t_escape-2.*.
 *   t_text-5.*  zt_utf8_encode: every length boundary; every scalar value
 *               round-trips through zt_utf8_valid with the right length.
 *   t_text-6.*  zt_parse_u63: 0, INT64_MAX, INT64_MAX + 1 and beyond
 *               (-2), sign/space/empty/hex/high bytes (-1), views honoured.
 *   t_text-7.*  moved to t_escape-1.*.
 *   t_text-8.*  zt_mem_eq (str.h): every length to 40, a difference at
 *               every byte found, none past the length seen.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"
#include "util/text.h"
#include "tt.h"

/* sizeof a literal minus its NUL: for strings with embedded NUL bytes. */
#define LIT(s)	(s), (sizeof(s) - 1)

static int
valid(const char *p, size_t n)
{
	return zt_utf8_valid(p, n);
}

/* t_text-1.1 */
static void
buf_add_appends_and_grows(void)
{
	struct zt_buf	 b = { NULL, 0, 0 };
	size_t		 i;
	int		 bad = 0;

	zt_buf_add(&b, "ab", 2);
	zt_buf_addc(&b, 'c');
	TT_EQ_MEM(b.p, b.n, "abc");
	TT_CHECK(b.size >= b.n);
	for (i = 0; i < 10000; i++)
		zt_buf_addc(&b, (char)('a' + i % 26));
	TT_EQ_INT(b.n, 10003);
	for (i = 0; i < 10000; i++)
		if (b.p[3 + i] != (char)('a' + i % 26))
			bad++;
	TT_EQ_INT(bad, 0);
	TT_EQ_MEM(b.p, 3, "abc");
	zt_buf_reserve(&b, 100000);
	TT_CHECK(b.size - b.n >= 100000);
	TT_EQ_INT(b.n, 10003);
	zt_buf_free(&b);
	TT_CHECK(b.p == NULL);
	TT_EQ_INT(b.n, 0);
	TT_EQ_INT(b.size, 0);
}

/* t_text-2.1 */
static void
utf8_accepts_every_length_at_its_limits(void)
{
	TT_EQ_INT(valid("", 0), 1);
	TT_EQ_INT(valid(LIT("plain ascii, longer than eight bytes")), 1);
	TT_EQ_INT(valid(LIT("\x01\x1f\x7f")), 1);
	TT_EQ_INT(valid(LIT("\xc2\x80")), 1);		/* U+0080 */
	TT_EQ_INT(valid(LIT("\xc3\xa9")), 1);		/* é */
	TT_EQ_INT(valid(LIT("\xdf\xbf")), 1);		/* U+07FF */
	TT_EQ_INT(valid(LIT("\xe0\xa0\x80")), 1);	/* U+0800 */
	TT_EQ_INT(valid(LIT("\xe2\x82\xac")), 1);	/* € */
	TT_EQ_INT(valid(LIT("\xed\x9f\xbf")), 1);	/* U+D7FF */
	TT_EQ_INT(valid(LIT("\xee\x80\x80")), 1);	/* U+E000 */
	TT_EQ_INT(valid(LIT("\xef\xbf\xbf")), 1);	/* U+FFFF */
	TT_EQ_INT(valid(LIT("\xf0\x90\x80\x80")), 1);	/* U+10000 */
	TT_EQ_INT(valid(LIT("\xf0\x9f\x98\x80")), 1);	/* U+1F600 */
	TT_EQ_INT(valid(LIT("\xf4\x8f\xbf\xbf")), 1);	/* U+10FFFF */
	/* A sequence straddling the 8-byte fast-path boundary. */
	TT_EQ_INT(valid(LIT("1234567\xe2\x82\xac" "abcdefgh")), 1);
	TT_EQ_INT(valid(LIT("abcdefgh\xf0\x9f\x98\x80")), 1);
}

/* t_text-2.2 */
static void
utf8_rejects_overlongs(void)
{
	TT_EQ_INT(valid(LIT("\xc0\x80")), 0);		/* NUL, 2 bytes */
	TT_EQ_INT(valid(LIT("\xc0\xaf")), 0);		/* '/', 2 bytes */
	TT_EQ_INT(valid(LIT("\xc1\xbf")), 0);
	TT_EQ_INT(valid(LIT("\xe0\x80\x80")), 0);
	TT_EQ_INT(valid(LIT("\xe0\x9f\xbf")), 0);	/* U+07FF, 3 bytes */
	TT_EQ_INT(valid(LIT("\xf0\x80\x80\x80")), 0);
	TT_EQ_INT(valid(LIT("\xf0\x8f\xbf\xbf")), 0);	/* U+FFFF, 4 bytes */
}

/* t_text-2.3 */
static void
utf8_rejects_surrogates_and_beyond_max(void)
{
	TT_EQ_INT(valid(LIT("\xed\xa0\x80")), 0);	/* U+D800 */
	TT_EQ_INT(valid(LIT("\xed\xbf\xbf")), 0);	/* U+DFFF */
	TT_EQ_INT(valid(LIT("\xed\xa0\xbd\xed\xb8\x80")), 0); /* CESU pair */
	TT_EQ_INT(valid(LIT("\xf4\x90\x80\x80")), 0);	/* U+110000 */
	TT_EQ_INT(valid(LIT("\xf5\x80\x80\x80")), 0);
	TT_EQ_INT(valid(LIT("\xf7\xbf\xbf\xbf")), 0);
	TT_EQ_INT(valid(LIT("\xf8\x88\x80\x80\x80")), 0);
	TT_EQ_INT(valid(LIT("\xfe")), 0);
	TT_EQ_INT(valid(LIT("\xff")), 0);
}

/* t_text-2.4 */
static void
utf8_rejects_truncated_and_lone_bytes(void)
{
	TT_EQ_INT(valid(LIT("\x80")), 0);		/* lone continuation */
	TT_EQ_INT(valid(LIT("a\xbf" "b")), 0);
	TT_EQ_INT(valid(LIT("\xc3")), 0);
	TT_EQ_INT(valid(LIT("\xe2\x82")), 0);
	TT_EQ_INT(valid(LIT("\xf0\x9f\x98")), 0);
	TT_EQ_INT(valid(LIT("\xe2\x82" "a")), 0);	/* cut, then ASCII */
	TT_EQ_INT(valid(LIT("\xc3" "a")), 0);
	TT_EQ_INT(valid(LIT("\xf0\x9f\x98" "abcdefgh")), 0);
	/* The length given is the limit, not a NUL terminator. */
	TT_EQ_INT(valid("\xc3\xa9", 1), 0);
	TT_EQ_INT(valid("\xf0\x9f\x98\x80", 3), 0);
	/* A bad byte after many good ones, at every offset mod 8. */
	{
		char	 s[40];
		int	 k, bad = 0;

		for (k = 0; k < 24; k++) {
			memset(s, 'x', sizeof(s));
			s[k] = (char)0x80;
			if (valid(s, sizeof(s)) != 0)
				bad++;
		}
		TT_EQ_INT(bad, 0);
	}
}

/* t_text-2.5 */
static void
utf8_rejects_nul(void)
{
	char	 s[40];
	int	 k, bad = 0;

	TT_EQ_INT(valid(LIT("\0")), 0);
	TT_EQ_INT(valid(LIT("a\0b")), 0);
	TT_EQ_INT(valid(LIT("abcdefg\0hijklmno")), 0);	/* in a fast block */
	/* NUL at every position of a 40-byte ASCII run. */
	for (k = 0; k < 40; k++) {
		memset(s, 'y', sizeof(s));
		s[k] = '\0';
		if (valid(s, sizeof(s)) != 0)
			bad++;
	}
	TT_EQ_INT(bad, 0);
	memset(s, 'y', sizeof(s));
	TT_EQ_INT(valid(s, sizeof(s)), 1);
}

/* t_text-2.6 */
static void
utf8_fast_paths_find_every_byte(void)
{
	char	 s[72];
	int	 k, bad = 0;

	/* é, or an invalid byte, at every position of a 72-byte run. */
	for (k = 0; k + 1 < (int)sizeof(s); k++) {
		memset(s, 'y', sizeof(s));
		s[k] = '\xc3';
		s[k + 1] = '\xa9';
		if (valid(s, sizeof(s)) != 1)
			bad++;
		s[k + 1] = '\xff';
		if (valid(s, sizeof(s)) != 0)
			bad++;
	}
	TT_EQ_INT(bad, 0);
}

/* t_text-8.1 */
static void
mem_eq_every_length_and_byte(void)
{
	char	 a[40], b[40];
	size_t	 n, k;
	int	 bad = 0;

	for (n = 0; n <= sizeof(a); n++) {
		memset(a, 'q', sizeof(a));
		memset(b, 'q', sizeof(b));
		if (!zt_mem_eq(a, b, n))
			bad++;
		for (k = 0; k < n; k++) {
			b[k] = 'r';
			if (zt_mem_eq(a, b, n))
				bad++;
			b[k] = 'q';
		}
		/* A difference past n does not count. */
		if (n < sizeof(a)) {
			b[n] = 'r';
			if (!zt_mem_eq(a, b, n))
				bad++;
		}
	}
	TT_EQ_INT(bad, 0);
}

/* t_text-5.1 */
static void
utf8_encode_length_boundaries(void)
{
	char	 o[4];

	TT_EQ_INT(zt_utf8_encode(0x41, o), 1);
	TT_EQ_MEM(o, 1, "A");
	TT_EQ_INT(zt_utf8_encode(0x7f, o), 1);
	TT_EQ_MEM(o, 1, "\x7f");
	TT_EQ_INT(zt_utf8_encode(0x80, o), 2);
	TT_EQ_MEM(o, 2, "\xc2\x80");
	TT_EQ_INT(zt_utf8_encode(0xe9, o), 2);
	TT_EQ_MEM(o, 2, "\xc3\xa9");
	TT_EQ_INT(zt_utf8_encode(0x7ff, o), 2);
	TT_EQ_MEM(o, 2, "\xdf\xbf");
	TT_EQ_INT(zt_utf8_encode(0x800, o), 3);
	TT_EQ_MEM(o, 3, "\xe0\xa0\x80");
	TT_EQ_INT(zt_utf8_encode(0x200d, o), 3);
	TT_EQ_MEM(o, 3, "\xe2\x80\x8d");
	TT_EQ_INT(zt_utf8_encode(0xffff, o), 3);
	TT_EQ_MEM(o, 3, "\xef\xbf\xbf");
	TT_EQ_INT(zt_utf8_encode(0x10000, o), 4);
	TT_EQ_MEM(o, 4, "\xf0\x90\x80\x80");
	TT_EQ_INT(zt_utf8_encode(0x1f600, o), 4);
	TT_EQ_MEM(o, 4, "\xf0\x9f\x98\x80");
	TT_EQ_INT(zt_utf8_encode(0x10ffff, o), 4);
	TT_EQ_MEM(o, 4, "\xf4\x8f\xbf\xbf");
}

/* t_text-5.2 */
static void
utf8_encode_every_scalar_is_valid(void)
{
	char		 o[4];
	uint32_t	 cp;
	size_t		 n, want;
	int		 bad = 0;

	for (cp = 1; cp <= 0x10ffff; cp++) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		n = zt_utf8_encode(cp, o);
		if (n != want || !zt_utf8_valid(o, n))
			bad++;
	}
	TT_EQ_INT(bad, 0);
}

/* t_text-6.1 */
static void
u63_parses_the_range(void)
{
	int64_t	 v;

	v = -7;
	TT_EQ_INT(zt_parse_u63(LIT("0"), &v), 0);
	TT_EQ_INT(v, 0);
	TT_EQ_INT(zt_parse_u63(LIT("42"), &v), 0);
	TT_EQ_INT(v, 42);
	TT_EQ_INT(zt_parse_u63(LIT("007"), &v), 0);
	TT_EQ_INT(v, 7);
	TT_EQ_INT(zt_parse_u63(LIT("9223372036854775807"), &v), 0);
	TT_CHECK(v == INT64_MAX);
	TT_EQ_INT(zt_parse_u63(LIT("9223372036854775806"), &v), 0);
	TT_CHECK(v == INT64_MAX - 1);
	TT_EQ_INT(zt_parse_u63(
	    LIT("000000000000000000000009223372036854775807"), &v), 0);
	TT_CHECK(v == INT64_MAX);
	/* A view: only n bytes are read. */
	TT_EQ_INT(zt_parse_u63("12345", 3, &v), 0);
	TT_EQ_INT(v, 123);
}

/* t_text-6.2 */
static void
u63_out_of_range_is_minus_two(void)
{
	int64_t	 v;

	TT_EQ_INT(zt_parse_u63(LIT("9223372036854775808"), &v), -2);
	TT_EQ_INT(zt_parse_u63(LIT("9223372036854775810"), &v), -2);
	TT_EQ_INT(zt_parse_u63(LIT("18446744073709551615"), &v), -2);
	TT_EQ_INT(zt_parse_u63(LIT("18446744073709551616"), &v), -2);
	TT_EQ_INT(zt_parse_u63(LIT("99999999999999999999"), &v), -2);
	TT_EQ_INT(zt_parse_u63(LIT("92233720368547758070"), &v), -2);
}

/* t_text-6.3 */
static void
u63_bad_syntax_is_minus_one(void)
{
	int64_t	 v;

	TT_EQ_INT(zt_parse_u63("", 0, &v), -1);
	TT_EQ_INT(zt_parse_u63(LIT("-1"), &v), -1);
	TT_EQ_INT(zt_parse_u63(LIT("+1"), &v), -1);
	TT_EQ_INT(zt_parse_u63(LIT(" 1"), &v), -1);
	TT_EQ_INT(zt_parse_u63(LIT("1 "), &v), -1);
	TT_EQ_INT(zt_parse_u63(LIT("1a"), &v), -1);
	TT_EQ_INT(zt_parse_u63(LIT("0x10"), &v), -1);
	TT_EQ_INT(zt_parse_u63(LIT("1.5"), &v), -1);
	TT_EQ_INT(zt_parse_u63(LIT("1\0"), &v), -1);
	TT_EQ_INT(zt_parse_u63(LIT("\xb1"), &v), -1);	/* '1' | 0x80 */
	TT_EQ_INT(zt_parse_u63(LIT("/"), &v), -1);	/* '0' - 1 */
	TT_EQ_INT(zt_parse_u63(LIT(":"), &v), -1);	/* '9' + 1 */
}

int
main(void)
{
	buf_add_appends_and_grows();
	utf8_accepts_every_length_at_its_limits();
	utf8_rejects_overlongs();
	utf8_rejects_surrogates_and_beyond_max();
	utf8_rejects_truncated_and_lone_bytes();
	utf8_rejects_nul();
	utf8_fast_paths_find_every_byte();
	mem_eq_every_length_and_byte();
	utf8_encode_length_boundaries();
	utf8_encode_every_scalar_is_valid();
	u63_parses_the_range();
	u63_out_of_range_is_minus_two();
	u63_bad_syntax_is_minus_one();
	return tt_finish("t_text");
}

/*
 * text.c -- see text.h.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"
#include "util/text.h"
#include "util/xalloc.h"

void
zt_buf_reserve(struct zt_buf *b, size_t more)
{
	size_t	 want;

	if (b->size - b->n >= more)
		return;
	want = b->size ? b->size : 256;
	while (want - b->n < more)
		want *= 2;
	b->p = zt_xrealloc(b->p, want);
	b->size = want;
}

void
zt_buf_add(struct zt_buf *b, const char *p, size_t n)
{
	zt_buf_reserve(b, n + 1);
	memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = '\0';
}

void
zt_buf_addc(struct zt_buf *b, char c)
{
	zt_buf_add(b, &c, 1);
}

void
zt_buf_free(struct zt_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->n = b->size = 0;
}

/*
 * Length of the valid UTF-8 sequence starting at p (at most n bytes), or
 * 0 if it is not one.  NUL counts as invalid.
 */
static size_t
u8len(const unsigned char *p, size_t n)
{
	unsigned char	 c = p[0];

	if (c >= 0x01 && c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		if (n >= 2 && (p[1] & 0xc0) == 0x80)
			return 2;
		return 0;
	}
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && p[1] < 0xa0)
			return 0;	/* overlong */
		if (c == 0xed && p[1] >= 0xa0)
			return 0;	/* surrogate */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (p[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && p[1] < 0x90)
			return 0;	/* overlong */
		if (c == 0xf4 && p[1] >= 0x90)
			return 0;	/* > U+10FFFF */
		return 4;
	}
	return 0;
}

size_t
zt_utf8_len(const char *s, size_t n)
{
	return n > 0 ? u8len((const unsigned char *)s, n) : 0;
}

/*
 * The high bits of the bytes of w that are past ASCII or NUL: 0 when all
 * eight are ASCII and none NUL.
 */
static inline uint64_t
unplain(uint64_t w)
{
	return (w & 0x8080808080808080ULL) | zt_word_has(w, '\0');
}

/* Are the 32 bytes at p ASCII and none NUL? */
static int
ascii32(const unsigned char *p)
{
	uint64_t	 w[4];

	memcpy(w, p, sizeof(w));
	return (unplain(w[0]) | unplain(w[1]) | unplain(w[2]) |
	    unplain(w[3])) == 0;
}

int
zt_utf8_valid(const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0;
	size_t			 k;
	uint64_t		 w;

	while (i < n) {
		/* Fast paths: 32, then 8 ASCII non-NUL bytes at a time. */
		if (n - i >= 32 && ascii32(p + i)) {
			i += 32;
			continue;
		}
		if (n - i >= 8) {
			memcpy(&w, p + i, 8);
			if (unplain(w) == 0) {
				i += 8;
				continue;
			}
		}
		k = u8len(p + i, n - i);
		if (k == 0)
			return 0;
		i += k;
	}
	return 1;
}

size_t
zt_utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

int
zt_parse_u63(const char *p, size_t n, int64_t *out)
{
	uint64_t	 v = 0;
	size_t		 i;
	unsigned	 d;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		d = (unsigned)(unsigned char)p[i] - '0';
		if (d > 9)
			return -1;
	}
	for (i = 0; i < n; i++) {
		d = (unsigned)(unsigned char)p[i] - '0';
		if (v > (uint64_t)(INT64_MAX - d) / 10)
			return -2;
		v = v * 10 + d;
	}
	*out = (int64_t)v;
	return 0;
}

int
zt_parse_duration(const char *s, int64_t *ms)
{
	char	*end;
	double	 v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || !isfinite(v) || v < 0)
		return -1;
	if (strcmp(end, "ms") == 0)
		;
	else if (strcmp(end, "s") == 0)
		v *= 1000;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		v *= 60000;
	else if (strcmp(end, "h") == 0)
		v *= 3600000;
	else if (*end != '\0' || v != 0)
		return -1;	/* a bare number other than 0 */
	if (v > 30 * 86400000.0)
		return -1;
	*ms = (int64_t)v;
	return 0;
}

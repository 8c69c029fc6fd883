/*
 * text.h -- small byte-level helpers shared by the parser and the writers:
 * a growable buffer, UTF-8 validation and encoding, bounded integer
 * parsing (escaping for output is escape.h).
 * None of them allocate except through the zt_buf they are given.
 */
#ifndef ZT_TEXT_H
#define ZT_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* A growable byte buffer; owns its memory (free with zt_buf_free). */
struct zt_buf {
	char	*p;
	size_t	 n;	/* bytes used */
	size_t	 size;	/* bytes allocated */
};

void	zt_buf_reserve(struct zt_buf *b, size_t more);
void	zt_buf_add(struct zt_buf *b, const char *p, size_t n);
void	zt_buf_addc(struct zt_buf *b, char c);
void	zt_buf_free(struct zt_buf *b);

/* Length of the valid UTF-8 character at p (1..4), or 0 (invalid, NUL). */
size_t	zt_utf8_len(const char *p, size_t n);

/* 1 if p[0..n) is valid UTF-8 with no NUL byte (no surrogates, <= U+10FFFF). */
int	zt_utf8_valid(const char *p, size_t n);

/* Encode code point cp (valid scalar value) as UTF-8 into out; returns length. */
size_t	zt_utf8_encode(uint32_t cp, char out[4]);

/*
 * Parse p[0..n) as a decimal integer in 0..INT64_MAX (no sign, no
 * spaces).  Returns 0, -1 for bad syntax, -2 for out of range.
 */
int	zt_parse_u63(const char *p, size_t n, int64_t *out);
/*
 * A duration with its unit ("500ms", "1.5s", "2m", "1h"; "0" alone) into
 * milliseconds.  Returns 0, or -1 if malformed or over 30 days.
 */
int	zt_parse_duration(const char *s, int64_t *ms);

#endif

/*
 * str.h -- byte views.  A zt_str never owns its bytes: it points into a
 * buffer somebody else owns and is valid only as long as that buffer.
 */
#ifndef ZT_STR_H
#define ZT_STR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct zt_str {
	const char	*p;	/* first byte; NULL for "absent" */
	size_t		 n;	/* length in bytes */
};

#define ZT_STR(lit) ((struct zt_str){ (lit), sizeof(lit) - 1 })
#define ZT_NOSTR ((struct zt_str){ NULL, 0 })

static inline int
zt_str_eq(struct zt_str a, const char *lit, size_t n)
{
	return a.p != NULL && a.n == n && memcmp(a.p, lit, n) == 0;
}

#define ZT_STR_EQ(s, lit) zt_str_eq((s), (lit), sizeof(lit) - 1)

/*
 * The eight bytes of w (as read by memcpy), with the high bit set in some
 * byte exactly when one of them is c: the test of the scanners that step
 * a word at a time until a word holds a byte they stop at.
 */
static inline uint64_t
zt_word_has(uint64_t w, unsigned char c)
{
	const uint64_t	 ones = 0x0101010101010101ULL;
	uint64_t	 x = w ^ (ones * c);

	return (x - ones) & ~x & (ones * 0x80);
}

/*
 * Are the n bytes at a and b the same?  memcmp, without its call for the
 * short keys (field names, addresses) compared on every line: up to 16
 * bytes as two overlapping words of each.
 */
static inline int
zt_mem_eq(const void *a, const void *b, size_t n)
{
	const unsigned char	*p = a, *q = b;
	uint64_t		 x0, x1, y0, y1;
	uint32_t		 u0, u1, v0, v1;

	if (n > 16)
		return memcmp(a, b, n) == 0;
	if (n >= 8) {
		memcpy(&x0, p, 8);
		memcpy(&y0, q, 8);
		memcpy(&x1, p + n - 8, 8);
		memcpy(&y1, q + n - 8, 8);
		return ((x0 ^ y0) | (x1 ^ y1)) == 0;
	}
	if (n >= 4) {
		memcpy(&u0, p, 4);
		memcpy(&v0, q, 4);
		memcpy(&u1, p + n - 4, 4);
		memcpy(&v1, q + n - 4, 4);
		return ((u0 ^ v0) | (u1 ^ v1)) == 0;
	}
	for (; n > 0; n--)
		if (*p++ != *q++)
			return 0;
	return 1;
}

/* The first s[0..k) in p[0..n), or NULL (memmem, which C11 lacks). */
static inline const char *
zt_find(const char *p, size_t n, const char *s, size_t k)
{
	const char	*q;
	const char	*end = p + n;

	if (k == 0)
		return p;
	while (n >= k && (q = memchr(p, s[0], n - k + 1)) != NULL) {
		if (memcmp(q, s, k) == 0)
			return q;
		p = q + 1;
		n = (size_t)(end - p);
	}
	return NULL;
}

#endif

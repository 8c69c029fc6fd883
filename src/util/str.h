/*
 * str.h -- byte views.  A zt_str never owns its bytes: it points into a
 * buffer somebody else owns and is valid only as long as that buffer.
 */
#ifndef ZT_STR_H
#define ZT_STR_H

#include <stddef.h>
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

#endif

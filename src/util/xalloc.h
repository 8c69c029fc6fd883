/*
 * xalloc.h -- allocation that cannot fail.  Running out of memory ends the
 * process with "ztlog: out of memory" and exit status 2, so callers never
 * handle a NULL from these.  Library handles (sqlite3, pcre2, yaml) keep
 * their own return codes.
 */
#ifndef ZT_XALLOC_H
#define ZT_XALLOC_H

#include <stddef.h>

void	*zt_xmalloc(size_t n);
void	*zt_xcalloc(size_t nmemb, size_t size);
void	*zt_xrealloc(void *p, size_t n);
char	*zt_xstrdup(const char *s);
char	*zt_xstrndup(const char *s, size_t n);

#endif

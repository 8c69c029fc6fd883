/*
 * xalloc.c -- see xalloc.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static void
oom(void)
{
	fputs("ztlog: error: out of memory\n", stderr);
	exit(2);
}

void *
zt_xmalloc(size_t n)
{
	void	*p;

	p = malloc(n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

void *
zt_xcalloc(size_t nmemb, size_t size)
{
	void	*p;

	p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (p == NULL)
		oom();
	return p;
}

void *
zt_xrealloc(void *p, size_t n)
{
	void	*q;

	q = realloc(p, n ? n : 1);
	if (q == NULL)
		oom();
	return q;
}

char *
zt_xstrndup(const char *s, size_t n)
{
	char	*p;

	p = zt_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
zt_xstrdup(const char *s)
{
	return zt_xstrndup(s, strlen(s));
}

/*
 * suggest.c -- see suggest.h.
 */
#include <ctype.h>
#include <string.h>

#include "util/suggest.h"

#define MAXW	64	/* longer words are not compared */

static int
lower(char c)
{
	return tolower((unsigned char)c);
}

/* Optimal string alignment distance of a and b (both under MAXW). */
static size_t
distance(const char *a, size_t na, const char *b, size_t nb)
{
	size_t	 d[MAXW + 1][MAXW + 1];
	size_t	 i;
	size_t	 j;
	size_t	 v;

	for (i = 0; i <= na; i++)
		d[i][0] = i;
	for (j = 0; j <= nb; j++)
		d[0][j] = j;
	for (i = 1; i <= na; i++) {
		for (j = 1; j <= nb; j++) {
			v = d[i - 1][j - 1] +
			    (lower(a[i - 1]) != lower(b[j - 1]));
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && lower(a[i - 1]) ==
			    lower(b[j - 2]) && lower(a[i - 2]) ==
			    lower(b[j - 1]) && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[na][nb];
}

const char *
zt_suggest(const char *word, const char *const *cands, size_t n)
{
	const char	*best = NULL;
	const char	*prefix = NULL;
	size_t		 nw = strlen(word);
	size_t		 bestd;
	size_t		 nprefix = 0;
	size_t		 i;
	size_t		 nc;
	size_t		 dd;

	if (nw == 0 || nw > MAXW)
		return NULL;
	bestd = nw <= 3 ? 1 : nw <= 6 ? 2 : 3;
	for (i = 0; i < n; i++) {
		if (cands[i] == NULL || strcmp(cands[i], word) == 0)
			continue;
		nc = strlen(cands[i]);
		if ((nw >= 2 && nc > nw && strncmp(cands[i], word, nw) == 0) ||
		    (nc >= 3 && nw > nc && strncmp(cands[i], word, nc) == 0)) {
			prefix = cands[i];
			nprefix++;
		}
		if (nc > MAXW)
			continue;
		dd = distance(word, nw, cands[i], nc);
		if (dd < bestd || (dd == bestd && best == NULL)) {
			best = cands[i];
			bestd = dd;
		}
	}
	if (best != NULL)
		return best;
	return nprefix == 1 ? prefix : NULL;
}

/*
 * imap.c -- see imap.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/imap.h"
#include "util/xalloc.h"

void
zt_imap_init(struct zt_imap *m, size_t nk)
{
	memset(m, 0, sizeof(*m));
	m->nk = nk;
}

void
zt_imap_fini(struct zt_imap *m)
{
	free(m->keys);
	free(m->slot);
	m->keys = NULL;
	m->slot = NULL;
	m->mask = 0;
	m->kcap = 0;
	m->n = 0;
	m->last = 0;
}

static size_t
hash(const int64_t *k, size_t nk)
{
	uint64_t	 h = (uint64_t)k[0];
	size_t		 i;

	for (i = 1; i < nk; i++)
		h = (h ^ (h >> 29)) * 0x9e3779b97f4a7c15ULL + (uint64_t)k[i];
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 31;
	return (size_t)h;
}

static int
same(const int64_t *a, const int64_t *b, size_t nk)
{
	size_t	 i;

	for (i = 0; i < nk; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

int64_t
zt_imap_find(const struct zt_imap *m, const int64_t *k)
{
	size_t	 i;
	uint32_t s;

	if (m->slot == NULL)
		return -1;
	for (i = hash(k, m->nk) & m->mask; (s = m->slot[i]) != 0;
	    i = (i + 1) & m->mask)
		if (same(zt_imap_key(m, s - 1), k, m->nk))
			return (int64_t)s - 1;
	return -1;
}

/* Double the table (from 16 slots), rehashing every key. */
static void
rehash(struct zt_imap *m)
{
	size_t		 n = m->slot == NULL ? 16 : (m->mask + 1) * 2;
	size_t		 i;
	int64_t		 ix;

	free(m->slot);
	m->slot = zt_xcalloc(n, sizeof(*m->slot));
	m->mask = n - 1;
	for (ix = 0; ix < m->n; ix++) {
		for (i = hash(zt_imap_key(m, ix), m->nk) & m->mask;
		    m->slot[i] != 0; i = (i + 1) & m->mask)
			;
		m->slot[i] = (uint32_t)ix + 1;
	}
}

int64_t
zt_imap_add(struct zt_imap *m, const int64_t *k, int *added)
{
	int64_t	 ix;
	size_t	 i;

	/* Keys come in runs (a pod's block, a client's calls): the last first. */
	if (m->n > 0 && same(zt_imap_key(m, m->last), k, m->nk))
		ix = m->last;
	else
		ix = zt_imap_find(m, k);
	if (added != NULL)
		*added = ix < 0;
	if (ix >= 0) {
		m->last = ix;
		return ix;
	}
	if (m->n >= (int64_t)UINT32_MAX - 1) {
		fputs("ztlog: error: check: too many distinct keys in one "
		    "table\n", stderr);
		exit(2);
	}
	if (m->slot == NULL || ((size_t)m->n + 1) * 3 > (m->mask + 1) * 2)
		rehash(m);		/* load stays under 2/3 */
	if ((size_t)m->n == m->kcap) {
		m->kcap = m->kcap ? m->kcap * 2 : 8;
		m->keys = zt_xrealloc(m->keys, m->kcap * m->nk *
		    sizeof(*m->keys));
	}
	ix = m->n++;
	m->last = ix;
	memcpy(m->keys + (size_t)ix * m->nk, k, m->nk * sizeof(*k));
	for (i = hash(k, m->nk) & m->mask; m->slot[i] != 0;
	    i = (i + 1) & m->mask)
		;
	m->slot[i] = (uint32_t)ix + 1;
	return ix;
}

void
zt_arr_room(void **p, size_t n, size_t size)
{
	if (n == 0)
		*p = zt_xrealloc(*p, 16 * size);
	else if (n >= 16 && (n & (n - 1)) == 0)
		*p = zt_xrealloc(*p, n * 2 * size);
}

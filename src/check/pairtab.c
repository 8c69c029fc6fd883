/*
 * pairtab.c -- see pairtab.h.
 */
#include <stdlib.h>
#include <string.h>

#include "check/pairtab.h"
#include "util/xalloc.h"

_Static_assert(sizeof(struct zt_pent) == 36, "a pairing entry is 36 bytes");

void
zt_ptab_free(struct zt_ptab *t)
{
	struct zt_pchunk	*c, *next;
	size_t			 i;

	if (t->full != NULL)
		for (i = 0; i < ZT_NBUCKET; i++) {
			for (c = t->full[i]; c != NULL; c = next) {
				next = c->next;
				free(c);
			}
			free(t->part[i]);
		}
	free(t->full);
	free(t->part);
	free(t->n);
	memset(t, 0, sizeof(*t));
}

/* Bucket of a pairing key: the top bits of a hash of it. */
static size_t
pent_bucket(const struct zt_pent *e)
{
	uint64_t	 h = e->src;

	h = h * 0x9e3779b97f4a7c15ULL ^ e->hb;
	h = h * 0x9e3779b97f4a7c15ULL ^ e->wl;
	h = h * 0x9e3779b97f4a7c15ULL ^ (uint64_t)e->cb;
	h = h * 0x9e3779b97f4a7c15ULL ^ (uint64_t)e->sb;
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 29;
	return (size_t)(h >> (64 - ZT_PBITS));
}

static void
bucket_add(struct zt_ptab *t, size_t b, const struct zt_pent *e)
{
	size_t			 cap;
	struct zt_pchunk	*c;

	if ((c = t->part[b]) == NULL) {
		/* As large as the bucket so far: it doubles. */
		cap = t->n[b] < 2 ? 2 : t->n[b] > ZT_PCHUNK ? ZT_PCHUNK :
		    t->n[b];
		c = t->part[b] = zt_xmalloc(sizeof(*c) + cap * sizeof(c->e[0]));
		c->n = 0;
		c->cap = (uint32_t)cap;
	}
	c->e[c->n++] = *e;
	if (c->n == c->cap) {
		c->next = t->full[b];
		t->full[b] = c;
		t->part[b] = NULL;
	}
	t->n[b]++;
	t->total++;
}

void
zt_ptab_add(struct zt_ptab *t, const struct zt_pent *e)
{
	if (t->full == NULL) {
		t->full = zt_xcalloc(ZT_NBUCKET, sizeof(*t->full));
		t->part = zt_xcalloc(ZT_NBUCKET, sizeof(*t->part));
		t->n = zt_xcalloc(ZT_NBUCKET, sizeof(*t->n));
	}
	bucket_add(t, pent_bucket(e), e);
}

/* Top a's chunk being filled in bucket i up from pb, b's. */
static void
top_up(struct zt_ptab *a, size_t i, struct zt_pchunk *pb)
{
	struct zt_pchunk	*c = a->part[i];
	uint32_t		 k;

	if (c == NULL) {
		a->part[i] = pb;
		return;
	}
	k = c->cap - c->n < pb->n ? c->cap - c->n : pb->n;
	memcpy(c->e + c->n, pb->e + pb->n - k, k * sizeof(*c->e));
	c->n += k;
	pb->n -= k;
	if (c->n < c->cap) {
		free(pb);
		return;
	}
	c->next = a->full[i];
	a->full[i] = c;
	a->part[i] = pb->n > 0 ? pb : NULL;
	if (pb->n == 0)
		free(pb);
}

void
zt_ptab_merge(struct zt_ptab *a, struct zt_ptab *b)
{
	struct zt_pchunk	*c, *next;
	size_t			 i;

	if (b->full == NULL)
		return;
	if (a->full == NULL) {
		*a = *b;
		memset(b, 0, sizeof(*b));
		return;
	}
	for (i = 0; i < ZT_NBUCKET; i++) {
		for (c = b->full[i]; c != NULL; c = next) {
			next = c->next;
			c->next = a->full[i];
			a->full[i] = c;
		}
		if (b->part[i] != NULL)
			top_up(a, i, b->part[i]);
		a->n[i] += b->n[i];
	}
	a->total += b->total;
	free(b->full);
	free(b->part);
	free(b->n);
	memset(b, 0, sizeof(*b));
}

/* Does chunk c hold an entry that closed before lo? */
static int
chunk_old(const struct zt_pchunk *c, int64_t lo)
{
	uint32_t	 k;

	for (k = 0; c != NULL && k < c->n; k++)
		if (zt_pent_ts(&c->e[k]) < lo)
			return 1;
	return 0;
}

/* Rebuild bucket b of its entries that closed at lo or later. */
static size_t
bucket_evict(struct zt_ptab *t, size_t b, int64_t lo)
{
	struct zt_pchunk	*list, *c, *next;
	size_t			 before = t->n[b];
	uint32_t		 k;

	list = t->part[b];
	if (list != NULL)
		list->next = t->full[b];
	else
		list = t->full[b];
	t->full[b] = t->part[b] = NULL;
	t->total -= t->n[b];
	t->n[b] = 0;
	for (c = list; c != NULL; c = next) {
		next = c->next;
		for (k = 0; k < c->n; k++)
			if (zt_pent_ts(&c->e[k]) >= lo)
				bucket_add(t, b, &c->e[k]);
		free(c);
	}
	return before - t->n[b];
}

size_t
zt_ptab_evict(struct zt_ptab *t, int64_t lo)
{
	struct zt_pchunk	*c;
	size_t			 i, n = 0;
	int			 old;

	if (t->full == NULL)
		return 0;
	for (i = 0; i < ZT_NBUCKET; i++) {
		old = chunk_old(t->part[i], lo);
		for (c = t->full[i]; !old && c != NULL; c = c->next)
			old = chunk_old(c, lo);
		if (old)
			n += bucket_evict(t, i, lo);
	}
	return n;
}

/*
 * dict.c -- see dict.h.
 */
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "util/dict.h"
#include "util/xalloc.h"

/* 16 bytes a slot: ids and offsets fit 32 bits under the caps. */
struct zt_dent {
	uint32_t	 h;	/* hash (low bits); 0 marks an empty slot */
	uint32_t	 id;
	uint32_t	 off;	/* key offset in the arena */
	uint32_t	 len;
};

void
zt_dict_init(struct zt_dict *d, size_t cap)
{
	memset(d, 0, sizeof(*d));
	d->cap = cap;
	d->mask = 1023;
	d->tab = zt_xcalloc(d->mask + 1, sizeof(*d->tab));
}

void
zt_dict_fini(struct zt_dict *d)
{
	free(d->tab);
	free(d->keys);
	memset(d, 0, sizeof(*d));
}

void
zt_dict_clear(struct zt_dict *d)
{
	memset(d->tab, 0, (d->mask + 1) * sizeof(*d->tab));
	d->count = 0;
	d->klen = 0;
}

/*
 * XXH3 (Debian's libxxhash, its header compiled in here): on the short
 * keys of a log (addresses, names, workload tuples of 100 bytes) it mixes
 * 16 bytes a step in independent lanes, where a one-lane hash waits on
 * each multiplication.  Hashes live in memory only, never in a file.
 */
uint64_t
zt_hash(const void *k, size_t n)
{
	uint64_t	 h = XXH3_64bits(k, n);

	return h ? h : 1;
}

static uint32_t
h32(uint64_t h)
{
	uint32_t	 v = (uint32_t)(h ^ (h >> 32));

	return v ? v : 1;
}

int64_t
zt_dict_get(const struct zt_dict *d, const void *k, size_t n, uint64_t h)
{
	size_t	 i;
	uint32_t hh = h32(h);

	for (i = hh & d->mask; d->tab[i].h != 0; i = (i + 1) & d->mask)
		if (d->tab[i].h == hh && d->tab[i].len == n &&
		    memcmp(d->keys + d->tab[i].off, k, n) == 0)
			return d->tab[i].id;
	return -1;
}

static void
grow(struct zt_dict *d)
{
	struct zt_dent	*old = d->tab;
	size_t		 oldn = d->mask + 1;
	size_t		 i;
	size_t		 j;

	d->mask = oldn * 2 - 1;
	d->tab = zt_xcalloc(d->mask + 1, sizeof(*d->tab));
	for (i = 0; i < oldn; i++) {
		if (old[i].h == 0)
			continue;
		for (j = old[i].h & d->mask; d->tab[j].h != 0;
		    j = (j + 1) & d->mask)
			;
		d->tab[j] = old[i];
	}
	free(old);
}

int
zt_dict_full(const struct zt_dict *d, size_t n)
{
	return d->klen + n > d->cap || n > UINT32_MAX / 2;
}

int
zt_dict_put(struct zt_dict *d, const void *k, size_t n, uint64_t h,
    int64_t id)
{
	size_t	 i;
	int	 cleared = 0;

	if (n > UINT32_MAX / 2)
		return 0;
	if (d->klen + n > d->cap) {
		zt_dict_clear(d);
		cleared = 1;
		if (n > d->cap)
			return cleared;
	}
	if (d->keys == NULL || d->klen + n > d->ksize) {
		d->ksize = d->ksize ? d->ksize * 2 : 4096;
		while (d->ksize < d->klen + n)
			d->ksize *= 2;
		d->keys = zt_xrealloc(d->keys, d->ksize);
	}
	if ((d->count + 1) * 4 > (d->mask + 1) * 3)	/* load <= 3/4 */
		grow(d);
	memcpy(d->keys + d->klen, k, n);
	for (i = h32(h) & d->mask; d->tab[i].h != 0; i = (i + 1) & d->mask)
		;
	d->tab[i].h = h32(h);
	d->tab[i].id = (uint32_t)id;
	d->tab[i].off = (uint32_t)d->klen;
	d->tab[i].len = (uint32_t)n;
	d->klen += n;
	d->count++;
	return cleared;
}

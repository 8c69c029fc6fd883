/*
 * imap.h -- small maps keyed by a fixed number of integers, the checks'
 * group-by: each distinct key gets the next index (0, 1, ...), so per-key
 * values live in plain arrays beside the map.
 *
 * A map allocates nothing until its first key, keeps its keys in one
 * array in index order (zt_imap_key) and a table of indexes: about
 * 8 * nk * 1.5 + 6 bytes a key.  Lookups never change the map.
 *
 * Ownership: the map owns its arrays; zt_imap_fini() releases them.
 */
#ifndef ZT_IMAP_H
#define ZT_IMAP_H

#include <stddef.h>
#include <stdint.h>

struct zt_imap {
	int64_t		*keys;		/* n keys of nk integers, by index */
	uint32_t	*slot;		/* index + 1, 0 empty; NULL until used */
	size_t		 mask;		/* slots - 1 */
	size_t		 kcap;		/* keys allocated */
	size_t		 nk;		/* integers a key */
	int64_t		 n;		/* keys */
	int64_t		 last;		/* the index zt_imap_add gave last */
};

/* An empty map of keys of nk (1..4) integers. */
void	zt_imap_init(struct zt_imap *m, size_t nk);
void	zt_imap_fini(struct zt_imap *m);
/* Index of key k, or -1. */
int64_t	zt_imap_find(const struct zt_imap *m, const int64_t *k);
/*
 * Index of key k, added as the next index if new (*added says which,
 * when not NULL).  More than 2^32 - 2 keys end the process (exit 2).
 */
int64_t	zt_imap_add(struct zt_imap *m, const int64_t *k, int *added);

/* Key of index ix (0 <= ix < n). */
static inline const int64_t *
zt_imap_key(const struct zt_imap *m, int64_t ix)
{
	return m->keys + (size_t)ix * m->nk;
}

/*
 * Make room in *p (an array of elements of size bytes) for element n,
 * growing by doubling from 16: call before writing element n, with the
 * elements appended one by one.
 */
void	zt_arr_room(void **p, size_t n, size_t size);

#endif

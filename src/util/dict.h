/*
 * dict.h -- a byte-string -> id hash table, the in-memory side of string
 * interning.  Keys are copied into one owned key arena; nothing is
 * allocated per lookup.  When the arena would pass its cap the table
 * empties itself and says so (zt_dict_put returns 1): callers then fall
 * back to the database, so memory stays bounded whatever the input.
 */
#ifndef ZT_DICT_H
#define ZT_DICT_H

#include <stddef.h>
#include <stdint.h>

struct zt_dent;

struct zt_dict {
	struct zt_dent	*tab;		/* open addressing, power of two */
	size_t		 mask;		/* slots - 1 */
	size_t		 count;		/* keys stored */
	char		*keys;		/* key arena */
	size_t		 klen;		/* arena bytes used */
	size_t		 ksize;		/* arena bytes allocated */
	size_t		 cap;		/* arena byte cap */
};

void	 zt_dict_init(struct zt_dict *d, size_t cap);
void	 zt_dict_fini(struct zt_dict *d);
/* Forget every key (keeps the memory). */
void	 zt_dict_clear(struct zt_dict *d);
uint64_t zt_hash(const void *p, size_t n);
/* The id stored for key k, or -1. */
int64_t	 zt_dict_get(const struct zt_dict *d, const void *k, size_t n,
	    uint64_t h);
/* Would adding a key of n bytes pass the cap? */
int	 zt_dict_full(const struct zt_dict *d, size_t n);
/* Store k -> id (k not present; 0 <= id < 2^32).  Returns 1 if the table had to be emptied first. */
int	 zt_dict_put(struct zt_dict *d, const void *k, size_t n, uint64_t h,
	    int64_t id);

#endif

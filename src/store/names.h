/*
 * names.h -- interned names: byte strings by small integer ids, the one
 * copy of the names of a run.
 *
 * parse -> [store: names] -> check
 *
 * The store interns every repeated text of a record (str: pods,
 * addresses, services, errors; peer and kind: tuples of texts, see
 * store.c) and hands out ids 1, 2, ...; the checks read the names back
 * by id, without a copy.
 *
 * Threads: one thread may add names (zt_names_put, and zt_names_find)
 * while others read (zt_names_get) the ids that were handed to them
 * through a lock (as ingest's batches are): a name's bytes never move
 * once added, the id index grows in pages that never move, and only the
 * adding thread touches the hash table.  Clearing and truncating need
 * every thread at rest.
 *
 * Memory: the name's bytes plus about 30 bytes (a 5-byte header, an
 * 8-byte index entry, an 8-byte hash slot at most 3/4 full).
 *
 * Ownership: a zt_names owns its bytes; views from zt_names_get live
 * until their id is truncated away, the names are cleared, or freed.
 */
#ifndef ZT_NAMES_H
#define ZT_NAMES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/str.h"

#define ZT_NAMES_PAGE	1024			/* ids an index page holds */
#define ZT_NAMES_MAXID	((int64_t)1 << 25)	/* ids are below this */

struct zt_nslot;
struct zt_nblock;

struct zt_names {
	struct zt_nslot	*slot;		/* open addressing; the adder's */
	size_t		 mask;		/* slots - 1 */
	size_t		 count;		/* names held */
	char		***page;	/* id -> name, by pages; never move */
	size_t		 npage;		/* pages below this may be allocated */
	struct zt_nblock *blk;		/* the bytes, in blocks that never move */
	size_t		 nblk;
	size_t		 bytes;		/* name bytes held, for the cap */
	size_t		 cap;		/* name bytes allowed */
	int64_t		 max;		/* largest id held; 0 none */
};

/* An empty table that takes up to cap bytes of names. */
void	zt_names_init(struct zt_names *t, size_t cap);
void	zt_names_fini(struct zt_names *t);
/* Forget every name (keeps some memory for reuse). */
void	zt_names_clear(struct zt_names *t);
/* Would a name of n more bytes pass the cap? */
int	zt_names_full(const struct zt_names *t, size_t n);
/* The id of name k (n bytes, hash h = zt_hash(k, n)), or -1. */
int64_t	zt_names_find(const struct zt_names *t, const void *k, size_t n,
	    uint64_t h);
/*
 * Add name k (not held) under id, 1 <= id < ZT_NAMES_MAXID, not held
 * either.  Returns 0, or -1 (nothing added) for an id out of range or
 * taken.  The cap is the caller's to check (zt_names_full).
 */
int	zt_names_put(struct zt_names *t, const void *k, size_t n, uint64_t h,
	    int64_t id);
/* The name of id, NUL-terminated after its n bytes, or absent (p NULL). */
static inline struct zt_str
zt_names_get(const struct zt_names *t, int64_t id)
{
	struct zt_str	 v = ZT_NOSTR;
	char		**pg;
	uint32_t	 n;

	if (id < 1 || id >= ZT_NAMES_MAXID)
		return v;
	pg = t->page[(size_t)id / ZT_NAMES_PAGE];
	if (pg == NULL || pg[(size_t)id % ZT_NAMES_PAGE] == NULL)
		return v;
	/* A 4-byte length, then the bytes. */
	memcpy(&n, pg[(size_t)id % ZT_NAMES_PAGE], sizeof(n));
	v.p = pg[(size_t)id % ZT_NAMES_PAGE] + sizeof(n);
	v.n = n;
	return v;
}
/*
 * Forget the names above id max.  For names added in increasing id
 * order (interning), as a rolled-back transaction hands its ids out
 * again.
 */
void	zt_names_truncate(struct zt_names *t, int64_t max);

/*
 * A run's names: the store's three tables.  str holds texts (pods,
 * addresses, services, errors); peer holds the tuples (workload,
 * namespace, identity, cluster) of a record's two ends, kind those of
 * (level, message, direction), as zt_names_tuple_key makes them.
 */
struct zt_nameset {
	struct zt_names	 str;
	struct zt_names	 peer;
	struct zt_names	 kind;
};

void	zt_nameset_init(struct zt_nameset *ns, size_t cap);
void	zt_nameset_fini(struct zt_nameset *ns);

struct zt_buf;

/*
 * The name of a tuple of n texts (absent ones included) into b, replacing
 * what b held: for each text a byte 0 (absent), or 1, its length in 4
 * bytes (big-endian) and its bytes.  Unambiguous; also the k column of
 * the peer and kind tables.
 */
void	zt_names_tuple_key(struct zt_buf *b, const struct zt_str *v, int n);
/*
 * The n texts of a tuple's name key (views into it; absent ones have p
 * NULL).  Returns 0, or -1 for a key that is not such a name (v then
 * holds what could be read, the rest absent).  Inline: the checks decode
 * a record's two workload tuples for every record.
 */
static inline int
zt_names_tuple(struct zt_str key, struct zt_str *v, int n)
{
	const unsigned char	*p = (const unsigned char *)key.p;
	size_t			 left = key.p != NULL ? key.n : 0;
	size_t			 len;
	int			 i;

	for (i = 0; i < n && left > 0; i++) {
		v[i] = ZT_NOSTR;
		if (p[0] == 0) {
			p++;
			left--;
			continue;
		}
		if (left < 5)
			break;
		len = (size_t)p[1] << 24 | (size_t)p[2] << 16 |
		    (size_t)p[3] << 8 | p[4];
		if (left - 5 < len)
			break;
		v[i].p = (const char *)p + 5;
		v[i].n = len;
		p += 5 + len;
		left -= 5 + len;
	}
	if (i == n && left == 0)
		return 0;
	for (; i < n; i++)
		v[i] = ZT_NOSTR;
	return -1;
}
/*
 * Split an address "host:port" or "[v6]:port" into host (a view into a)
 * and port; anything else is all host, with port -1.
 */
void	zt_names_split_addr(struct zt_str a, struct zt_str *host,
	    int64_t *port);

#endif

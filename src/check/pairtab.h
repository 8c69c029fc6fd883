/*
 * pairtab.h -- the pairing check's table of HBONE records (pairing.c):
 * compact entries bucketed by a hash of their pairing key, so that twins
 * share a bucket and a snapshot can match one small bucket at a time.
 *
 * pairing -> [pairtab]
 *
 * Ownership: a ptab owns its chunks (zt_ptab_free).
 */
#ifndef ZT_PAIRTAB_H
#define ZT_PAIRTAB_H

#include <stddef.h>
#include <stdint.h>

/*
 * One HBONE record, 36 bytes.  Where it is in the input is a line
 * reference (refs.h); byte counts of 2^32 and more are kept whole in the
 * pairing state's big table, under the same reference.  The close time
 * is split in two halves so that the entry needs no 8-byte alignment.
 */
struct zt_pent {
	uint32_t	 tlo;	/* close time in us << 2 | PF_*: low half */
	uint32_t	 thi;	/* and high half */
	uint32_t	 cb;	/* client -> server bytes (low 32 bits) */
	uint32_t	 sb;	/* server -> client bytes (low 32 bits) */
	uint32_t	 src;	/* src.addr str id */
	uint32_t	 hb;	/* hbone str id */
	uint32_t	 wl;	/* dst workload key */
	uint32_t	 ref;	/* line reference */
	uint32_t	 pod;	/* the pod that logged it (str id), 0: unknown */
};

#define ZT_PF_ERRORED	1u	/* may pair, never a violation */
#define ZT_PF_BIG	2u	/* cb or sb in the big table */

static inline uint64_t
zt_pent_tsf(const struct zt_pent *e)
{
	return (uint64_t)e->thi << 32 | e->tlo;
}

/* The close time, us. */
static inline int64_t
zt_pent_ts(const struct zt_pent *e)
{
	return (int64_t)(zt_pent_tsf(e) >> 2);
}

/*
 * A bucket is a list of full chunks plus one chunk being filled; merging
 * a source's entries links its full 32-entry chunks and copies the
 * entries of the smaller ones into the chunk being filled, so at most one
 * chunk a bucket is ever partly empty, and many small sources are held
 * in chunks as large as one big source's.  A bucket's chunks grow with
 * it, from 2 entries to 32: a small table (a rule whose where: passes
 * few records) costs little more than its entries.
 */
#define ZT_PBITS	10
#define ZT_NBUCKET	((size_t)1 << ZT_PBITS)
#define ZT_PCHUNK	32

struct zt_pchunk {
	struct zt_pchunk *next;
	uint32_t	 n;
	uint32_t	 cap;
	struct zt_pent	 e[];
};

/*
 * Entries spilled to the run's temporary file: a bucket's full chunks,
 * written as one run when the entries held in memory, over all tables,
 * pass ZT_PTAB_MEM.  The memory of pairing is then flat at any input
 * size (a snapshot holds one bucket at a time), the disk growing
 * instead; exact, as nothing is dropped.
 */
#define ZT_PTAB_MEM	((size_t)512 * 1024)	/* entries: 18 MB */

struct zt_prun {
	struct zt_prun	*next;
	uint64_t	 off;		/* in the spill file, in bytes */
	uint32_t	 n;		/* entries */
};

/*
 * How full a bucket's chunk being filled is, kept beside the chunk list:
 * adding an entry then reads this small hot array, not the header of a
 * chunk that is likely out of the cache.
 */
struct zt_pfill {
	uint32_t	 n;
	uint32_t	 cap;		/* 0: no chunk being filled */
};

struct zt_ptab {
	struct zt_pchunk **full;	/* ZT_NBUCKET lists; NULL until used */
	struct zt_pchunk **part;	/* the chunk being filled, or NULL */
	struct zt_pfill	*fill;		/* part's n and cap, per bucket */
	struct zt_prun	**runs;		/* spilled entries, per bucket */
	size_t		*n;		/* entries per bucket (runs too) */
	size_t		 total;
	size_t		 infull;	/* entries in full chunks in memory */
};

void	zt_ptab_free(struct zt_ptab *t);
/*
 * The spilled entries of bucket b, read back as a list of chunks (NULL
 * when none), for zt_ptab_unload.  A read error of the spill file ends
 * the process with a message (exit 2): the verdict would be wrong.
 */
struct zt_pchunk *zt_ptab_load(const struct zt_ptab *t, size_t b);
void	zt_ptab_unload(struct zt_pchunk *list);
/*
 * Entries' room in the bucket chunks kept for reuse, for tests: none
 * once no table holds an entry.
 */
size_t	zt_ptab_cached(void);
/* Entries spilled so far by the process, for tests and the bench. */
uint64_t zt_ptab_spilled(void);
/* For tests: the budget in entries (0: ZT_PTAB_MEM). */
void	zt_ptab_budget(size_t entries);
/* The budget in entries held in memory before spilling. */
size_t	zt_ptab_memory(void);
void	zt_ptab_add(struct zt_ptab *t, const struct zt_pent *e);
/* Move b's entries into a; b is left empty. */
void	zt_ptab_merge(struct zt_ptab *a, struct zt_ptab *b);
/* Drop the entries that closed before lo.  Returns how many. */
size_t	zt_ptab_evict(struct zt_ptab *t, int64_t lo);

#endif

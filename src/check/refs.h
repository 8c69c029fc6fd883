/*
 * refs.h -- where records are in the input: source names by source key,
 * and line references.
 *
 * engine -> [refs] -> examples, pairing, `ztlog pairs`
 *
 * A record's line reference is its source's base plus its line number.
 * A source's lines start after every reference handed out before (a new
 * base for each new source, and whenever lines do not go up), so
 * references are unique, grow in input order, and say source and line
 * through the bases kept here.  References fit 32 bits for the first 4G
 * lines of a run.
 *
 * Ownership: zt_refs owns its names (zt_refs_fini).
 */
#ifndef ZT_REFS_H
#define ZT_REFS_H

#include <stddef.h>
#include <stdint.h>

struct zt_srcbase {
	int64_t		 base;
	int64_t		 key;
};

struct zt_refs {
	char		**name;		/* by source key; NULL holes */
	size_t		 nname;
	struct zt_srcbase *base;	/* in order of base */
	size_t		 nbase;
	int64_t		 next;		/* first reference not handed out */
	int64_t		 cur;		/* base of the current source */
	int64_t		 curkey;	/* key of the current source */
	int		 started;
};

void	zt_refs_fini(struct zt_refs *r);
/* Name source key k (0 <= k < 2^40; a copy is kept). */
void	zt_refs_name(struct zt_refs *r, int64_t k, const char *name);
/* The name of source key k, or NULL. */
const char *zt_refs_source(const struct zt_refs *r, int64_t k);
/* The reference of a record at line of source key (lines from 1). */
int64_t	zt_refs_next(struct zt_refs *r, int64_t key, int64_t line);
/* The source key and line of reference ref. */
void	zt_refs_locate(const struct zt_refs *r, int64_t ref, int64_t *key,
	    int64_t *line);

#endif

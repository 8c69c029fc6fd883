/*
 * pairing.h -- what the pairing check's two files share: the state a
 * rule's records are kept in (pairing.c: the type, feeding, verdicts)
 * and the matching of a snapshot (pairwalk.c).
 *
 * pairing -> [pairwalk] -> pairtab, pairmatch
 */
#ifndef ZT_PAIRING_H
#define ZT_PAIRING_H

#include <stddef.h>
#include <stdint.h>

#include "check/pairmatch.h"
#include "check/pairtab.h"
#include "check/type.h"

#define ZT_PT_MAX	((int64_t)1 << 61)	/* close times below this */
/* Under a window: kept past the window and the tolerance, for offsets. */
#define ZT_PSLACK	((int64_t)10 * 1000000)

struct zt_pbig {
	uint32_t	 ref;
	int64_t		 cb;
	int64_t		 sb;
};

#define ZT_PWPC	256

struct zt_pstate {
	struct zt_ptab	 po;		/* outbound HBONE */
	struct zt_ptab	 pi;		/* inbound HBONE */
	struct zt_pbig	*big;		/* by ref */
	size_t		 nbig;
	int64_t		 wp_named;	/* inbound from a waypoint by name */
	int64_t		 past_limit;	/* not held: see feed() */
	int64_t		 via_wp;
	int64_t		 newest;	/* latest close time fed, -1: none */
	int64_t		 tol_us;	/* under a window: the tolerance fed */
	size_t		 swept;		/* entries after the last eviction */
	pcre2_match_data *md;
	/*
	 * Whether a source peer is a waypoint by name, by peer id
	 * (direct-mapped; 0 empty): a peer's texts are fixed for as long
	 * as a state lives, and the same few peers come again and again.
	 */
	int64_t		 wpc_id[ZT_PWPC];
	uint8_t		 wpc_r[ZT_PWPC];
};

/* A record as matching sees it, unpacked from its entry. */
struct zt_pwork {
	int64_t		 ts;
	int64_t		 tc;		/* ts on the corrected clock */
	int64_t		 cb;
	int64_t		 sb;
	int64_t		 dom;		/* clock domain: pod, or -host key */
	uint32_t	 src;
	uint32_t	 hb;
	uint32_t	 wl;
	uint32_t	 ref;
	uint8_t		 errored;
	uint8_t		 matched;
	uint32_t	 gix;		/* where gathered, on its side */
};

/* An unmatched record worth showing: which, and where in the input. */
struct zt_plone {
	struct zt_pwork	 e;
	int		 out;
};

/* What a snapshot counts. */
struct zt_ptally {
	int64_t		 matched;
	int64_t		 uo;		/* outbound unpaired */
	int64_t		 ui;		/* inbound unpaired */
	int64_t		 unv;		/* unverifiable */
	int64_t		 fromwp;	/* from a waypoint, by address */
	struct zt_plone	*lone;
	size_t		 nlone;
	struct zt_pm_off *off;		/* clock offsets measured */
	size_t		 noff;
};

/*
 * Match what s holds, with tolerance w (us): estimate the clocks (a
 * first pass over the buckets), then assign each key's records one to
 * one (a second pass) and judge what stayed unmatched, into t (zeroed;
 * the caller frees t->lone and t->off).  With cx->keep_pairs, every
 * record's verdict goes to cx->run->pairs.
 */
void	zt_pairing_match(const struct zt_pstate *s, int64_t w,
	    const struct zt_check_ctx *cx, struct zt_ptally *t);

#endif

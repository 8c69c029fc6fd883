/*
 * balance.h -- the balance check's state and its judging, shared by
 * balance.c (the type: feed, merge, results) and lbjob.c (each service
 * hop judged against the model, lb.h).
 *
 * balance.c -> [balance.h] <- lbjob.c
 */
#ifndef ZT_BALANCE_H
#define ZT_BALANCE_H

#include <stddef.h>
#include <stdint.h>

#include "check/imap.h"
#include "check/lb.h"
#include "check/type.h"

/* Bit 40 of a service key: via a waypoint (str ids stay below 2^40). */
#define ZT_LB_VIA_WP	((int64_t)1 << 40)

struct zt_lbcfg {
	double		 alpha;		/* family-wise level (Holm) */
	double		 max_ratio;	/* obs/exp max/min bound, 0 = off */
	double		 min_expected;	/* smallest mean expected count */
	double		 material_ratio; /* FAIL from this obs/exp, 0 = off */
	double		 material_points; /* or share points off, 0 = off */
};

struct zt_lbepst {
	int64_t		 n;
	int64_t		 first;		/* ts_us first and last seen */
	int64_t		 last;
};

struct zt_lbstate {
	int64_t		 checked;
	struct zt_imap	 six;		/* service -> h */
	struct zt_lbhist *h;
	struct zt_imap	 cx;		/* (service, pod, src host,
					   endpoint) -> cc */
	struct zt_lbepst *cc;
};

/* What judging found, service hops by outcome. */
struct zt_lbtally {
	size_t		 fail;		/* significant and material */
	size_t		 small;		/* significant, not material */
	size_t		 per_client;	/* uneven, but even per client */
	size_t		 skip;
};

/*
 * Fill res->svc (sorted by name, endpoints by name) with every service
 * hop of s judged against the model, the tests corrected together.
 */
void	zt_lb_judge(const struct zt_lbstate *s, const struct zt_lbcfg *cf,
	    const struct zt_check_ctx *cx, struct zt_result *res,
	    struct zt_lbtally *t);

#endif

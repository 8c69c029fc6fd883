/*
 * errcat.h -- ztunnel's failure kinds, read from the error texts of
 * access records (istio/ztunnel src/proxy.rs, the Error enum's texts;
 * src/proxy/metrics.rs, the response flags they map to).
 *
 * errors -> [errcat]
 *
 * A kind has a short id, what it means, the response flag ztunnel's
 * metrics give it, the texts that say it and a next step.  Texts that
 * no kind claims are left to the caller (grouped by text).
 */
#ifndef ZT_ERRCAT_H
#define ZT_ERRCAT_H

#include <stddef.h>

#include "util/str.h"

struct zt_errcat {
	const char		*id;	/* "refused", ... */
	const char		*what;	/* what it means */
	const char		*flag;	/* the metrics' response flag */
	const char		*next;	/* the next step */
	const char *const	*pat;	/* texts that say it (substrings,
					   ASCII case ignored); NULL-ended */
};

/* The kinds, in the order they are tried; ZT_ERRCAT_N of them. */
extern const struct zt_errcat zt_errcats[];
#define ZT_ERRCAT_N	7

/* The kind error text e is of (an index into zt_errcats), or -1. */
int	zt_errcat_of(struct zt_str e);

#endif

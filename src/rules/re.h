/*
 * re.h -- the regular expressions of rule files (and `lb --service`):
 * PCRE2 in UTF mode, JIT where available, every match bounded.
 *
 * rules: [re] <- yaml, filter, check
 *
 * Patterns are compiled once, at load; a match runs under the run's match
 * and depth limits, so a pattern that backtracks without end stops with
 * an error instead of hanging the run.  And a run has a budget: a match
 * is first tried within ZT_RE_CHEAP steps; one that needs more (rare on
 * log fields) runs again under the full limit, and counts; after
 * ZT_RE_EXPENSIVE of them in a run, such a match fails instead.  Rules
 * made of many near-limit patterns then cost seconds, not hours.
 */
#ifndef ZT_RE_H
#define ZT_RE_H

#include <stddef.h>
#include <stdint.h>

#include <pcre2.h>

#include "util/str.h"

#define ZT_RE_LIMIT	1000000		/* PCRE2 match limit of a match */
#define ZT_RE_DEPTH	10000		/* and its depth limit */
#define ZT_RE_CHEAP	100000		/* the first try's match limit */
#define ZT_RE_EXPENSIVE	1000		/* matches past it in a run */

/* A run's budget of expensive matches; zeroed to start. */
struct zt_rebudget {
	uint64_t	 expensive;	/* matches that took the full limit */
};

/*
 * Compile pattern (n bytes).  On error returns NULL and sets *erroff (a
 * byte offset into pattern) and msg.  The code is owned by the caller
 * (pcre2_code_free).
 */
pcre2_code *zt_re_compile(const char *pattern, size_t n, size_t *erroff,
	    char *msg, size_t msgsize);
/*
 * Match subject against re within the limits, charging b (NULL: a match
 * of its own, under the full limits only).  Returns 1 match, 0 no match,
 * -1 error (a limit hit, or the budget spent; msg set).  md is the
 * caller's scratch.
 */
int	zt_re_match(const pcre2_code *re, pcre2_match_data *md,
	    struct zt_str subject, struct zt_rebudget *b, char *msg,
	    size_t msgsize);

#endif

/*
 * re.h -- the regular expressions of rule files (and `lb --service`):
 * PCRE2 in UTF mode, JIT where available, every match bounded.
 *
 * rules: [re] <- yaml, filter, check
 *
 * Patterns are compiled once, at load; a match runs under the run's match
 * and depth limits, so a pattern that backtracks without end stops with
 * an error instead of hanging the run.
 */
#ifndef ZT_RE_H
#define ZT_RE_H

#include <stddef.h>

#include <pcre2.h>

#include "util/str.h"

/*
 * Compile pattern (n bytes).  On error returns NULL and sets *erroff (a
 * byte offset into pattern) and msg.  The code is owned by the caller
 * (pcre2_code_free).
 */
pcre2_code *zt_re_compile(const char *pattern, size_t n, size_t *erroff,
	    char *msg, size_t msgsize);
/*
 * Match subject against re with the run's match and depth limits.
 * Returns 1 match, 0 no match, -1 error (limit hit; msg set).  md is the
 * caller's scratch.
 */
int	zt_re_match(const pcre2_code *re, pcre2_match_data *md,
	    struct zt_str subject, char *msg, size_t msgsize);

#endif

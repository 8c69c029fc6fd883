/*
 * re.c -- see re.h.
 */
#include <stdio.h>

#include "rules/re.h"

pcre2_code *
zt_re_compile(const char *pattern, size_t n, size_t *erroff, char *msg,
    size_t msgsize)
{
	pcre2_code	*re;
	PCRE2_SIZE	 off;
	int		 ec;

	re = pcre2_compile((PCRE2_SPTR)pattern, n, PCRE2_UTF, &ec, &off, NULL);
	if (re == NULL) {
		pcre2_get_error_message(ec, (PCRE2_UCHAR *)msg, msgsize);
		*erroff = (size_t)off;
		return NULL;
	}
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

/* A match context with limit; made once, never changed (NULL: no memory). */
static pcre2_match_context *
context(int cheap)
{
	static pcre2_match_context	*mc[2];

	if (mc[cheap] == NULL) {
		mc[cheap] = pcre2_match_context_create(NULL);
		if (mc[cheap] == NULL)
			return NULL;
		pcre2_set_match_limit(mc[cheap], cheap ? ZT_RE_CHEAP :
		    ZT_RE_LIMIT);
		pcre2_set_depth_limit(mc[cheap], ZT_RE_DEPTH);
	}
	return mc[cheap];
}

static int
match(const pcre2_code *re, pcre2_match_data *md, struct zt_str subject,
    int cheap)
{
	pcre2_match_context	*mc = context(cheap);

	if (mc == NULL)
		return PCRE2_ERROR_NOMEMORY;
	return pcre2_match(re, (PCRE2_SPTR)(subject.p != NULL ? subject.p :
	    ""), subject.n, 0, 0, md, mc);
}

int
zt_re_match(const pcre2_code *re, pcre2_match_data *md, struct zt_str subject,
    struct zt_rebudget *b, char *msg, size_t msgsize)
{
	char	 emsg[128];
	int	 rc;

	rc = match(re, md, subject, b != NULL);
	if (rc == PCRE2_ERROR_MATCHLIMIT && b != NULL) {
		if (b->expensive >= ZT_RE_EXPENSIVE) {
			snprintf(msg, msgsize, "regular expression budget "
			    "spent: more than %d matches of over %d steps in "
			    "this run", ZT_RE_EXPENSIVE, ZT_RE_CHEAP);
			return -1;
		}
		b->expensive++;
		rc = match(re, md, subject, 0);
	}
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	pcre2_get_error_message(rc, (PCRE2_UCHAR *)emsg, sizeof(emsg));
	snprintf(msg, msgsize, "regular expression failed: %s", emsg);
	return -1;
}

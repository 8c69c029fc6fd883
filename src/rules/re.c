/*
 * re.c -- see re.h.
 */
#include <stdio.h>

#include "rules/re.h"

#define MATCH_LIMIT	1000000
#define DEPTH_LIMIT	10000

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

int
zt_re_match(const pcre2_code *re, pcre2_match_data *md, struct zt_str subject,
    char *msg, size_t msgsize)
{
	static pcre2_match_context	*mc;
	char				 emsg[128];
	int				 rc;

	if (mc == NULL) {
		mc = pcre2_match_context_create(NULL);
		if (mc == NULL) {
			snprintf(msg, msgsize, "out of memory");
			return -1;
		}
		pcre2_set_match_limit(mc, MATCH_LIMIT);
		pcre2_set_depth_limit(mc, DEPTH_LIMIT);
	}
	rc = pcre2_match(re, (PCRE2_SPTR)(subject.p != NULL ? subject.p : ""),
	    subject.n, 0, 0, md, mc);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	pcre2_get_error_message(rc, (PCRE2_UCHAR *)emsg, sizeof(emsg));
	snprintf(msg, msgsize, "regular expression failed: %s", emsg);
	return -1;
}

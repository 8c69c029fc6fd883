/*
 * regexp.c -- see regexp.h.
 */

#include <pcre2.h>
#include <stdio.h>
#include <string.h>

#include "store/regexp.h"
#include "util/xalloc.h"

#define MATCH_LIMIT	1000000
#define DEPTH_LIMIT	10000

struct re {
	pcre2_code		*code;
	pcre2_match_data	*md;
	pcre2_match_context	*mc;
};

static void
re_free(void *p)
{
	struct re	*r = p;

	pcre2_match_data_free(r->md);
	pcre2_match_context_free(r->mc);
	pcre2_code_free(r->code);
	free(r);
}

static void
fn_regexp(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct re	*r;
	const char	*pat;
	const char	*subj;
	int		 n;
	int		 ec;
	PCRE2_SIZE	 off;
	char		 msg[256];
	char		 emsg[160];

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL ||
	    sqlite3_value_type(argv[1]) == SQLITE_NULL)
		return;
	r = sqlite3_get_auxdata(ctx, 0);
	if (r == NULL) {
		pat = (const char *)sqlite3_value_text(argv[0]);
		if (pat == NULL) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
		r = zt_xcalloc(1, sizeof(*r));
		r->code = pcre2_compile((PCRE2_SPTR)pat,
		    (PCRE2_SIZE)sqlite3_value_bytes(argv[0]),
		    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &ec, &off, NULL);
		if (r->code == NULL) {
			pcre2_get_error_message(ec, (PCRE2_UCHAR *)emsg,
			    sizeof(emsg));
			snprintf(msg, sizeof(msg), "bad regular expression at "
			    "offset %zu: %s", (size_t)off, emsg);
			free(r);
			sqlite3_result_error(ctx, msg, -1);
			return;
		}
		(void)pcre2_jit_compile(r->code, PCRE2_JIT_COMPLETE);
		r->md = pcre2_match_data_create_from_pattern(r->code, NULL);
		r->mc = pcre2_match_context_create(NULL);
		if (r->md == NULL || r->mc == NULL) {
			re_free(r);
			sqlite3_result_error_nomem(ctx);
			return;
		}
		pcre2_set_match_limit(r->mc, MATCH_LIMIT);
		pcre2_set_depth_limit(r->mc, DEPTH_LIMIT);
		sqlite3_set_auxdata(ctx, 0, r, re_free);
		r = sqlite3_get_auxdata(ctx, 0);
		if (r == NULL) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
	}
	subj = (const char *)sqlite3_value_text(argv[1]);
	n = sqlite3_value_bytes(argv[1]);
	if (subj == NULL)
		return;
	ec = pcre2_match(r->code, (PCRE2_SPTR)subj, (PCRE2_SIZE)n, 0, 0,
	    r->md, r->mc);
	if (ec >= 0) {
		sqlite3_result_int(ctx, 1);
		return;
	}
	if (ec == PCRE2_ERROR_NOMATCH) {
		sqlite3_result_int(ctx, 0);
		return;
	}
	pcre2_get_error_message(ec, (PCRE2_UCHAR *)emsg, sizeof(emsg));
	snprintf(msg, sizeof(msg), "regular expression failed: %s", emsg);
	sqlite3_result_error(ctx, msg, -1);
}

int
zt_regexp_register(sqlite3 *db)
{
	return sqlite3_create_function(db, "regexp", 2,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, fn_regexp, NULL, NULL);
}

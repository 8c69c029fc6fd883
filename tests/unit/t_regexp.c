/*
 * t_regexp.c -- PCRE2 as SQLite's REGEXP operator.
 *
 * Test plan: t_regexp-1.* matching (true, false, NULL, UTF-8, anchors);
 * -2.* errors (a bad pattern names its offset; a catastrophic pattern hits
 * the match limit and fails the statement instead of hanging).
 */
#include <sqlite3.h>
#include <string.h>

#include "store/regexp.h"
#include "tt.h"

static sqlite3 *db;

/* The first column of the one-row result of q, as an int; -1 for NULL. */
static int
one(const char *q, char *err, size_t errsize)
{
	sqlite3_stmt	*s;
	int		 v = -2;

	err[0] = '\0';
	if (sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK) {
		snprintf(err, errsize, "%s", sqlite3_errmsg(db));
		return -3;
	}
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_type(s, 0) == SQLITE_NULL ? -1 :
		    sqlite3_column_int(s, 0);
	else
		snprintf(err, errsize, "%s", sqlite3_errmsg(db));
	sqlite3_finalize(s);
	return v;
}

/* t_regexp-1.1 */
static void
regexp_matches_like_pcre(void)
{
	char	 e[256];

	TT_EQ_INT(one("SELECT 'reviews.default.svc' REGEXP '^reviews\\.'", e,
	    sizeof(e)), 1);
	TT_EQ_INT(one("SELECT 'ratings.default.svc' REGEXP '^reviews\\.'", e,
	    sizeof(e)), 0);
	TT_EQ_INT(one("SELECT 'a-v1-x' REGEXP 'v[0-9]+'", e, sizeof(e)), 1);
	TT_EQ_INT(one("SELECT NULL REGEXP 'x'", e, sizeof(e)), -1);
	TT_EQ_INT(one("SELECT 'x' REGEXP NULL", e, sizeof(e)), -1);
	/* UTF mode: one character, not two bytes. */
	TT_EQ_INT(one("SELECT 'caf' || char(233) REGEXP '^caf.$'", e,
	    sizeof(e)), 1);
	/* The same pattern over many rows (compiled once per statement). */
	TT_EQ_INT(one("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 "
	    "FROM n WHERE i < 1000) SELECT count(*) FROM n WHERE "
	    "CAST(i AS TEXT) REGEXP '7$'", e, sizeof(e)), 100);
}

/* t_regexp-2.1 */
static void
regexp_bad_pattern_is_an_error(void)
{
	char	 e[256];

	TT_EQ_INT(one("SELECT 'x' REGEXP 'a(b'", e, sizeof(e)), -2);
	TT_CHECK(strstr(e, "bad regular expression at offset 3") != NULL);
	TT_CHECK(strstr(e, "missing closing parenthesis") != NULL);
}

/* t_regexp-2.2 */
static void
regexp_catastrophic_pattern_hits_the_limit(void)
{
	char	 e[256];

	TT_EQ_INT(one("SELECT 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab' "
	    "REGEXP '^(a+)+$'", e, sizeof(e)), -2);
	TT_CHECK(strstr(e, "regular expression failed") != NULL);
	TT_CHECK(strstr(e, "limit") != NULL);
}

int
main(void)
{
	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    zt_regexp_register(db) != SQLITE_OK) {
		fprintf(stderr, "cannot open sqlite\n");
		return 1;
	}
	regexp_matches_like_pcre();
	regexp_bad_pattern_is_an_error();
	regexp_catastrophic_pattern_hits_the_limit();
	sqlite3_close(db);
	return tt_finish("t_regexp");
}

/*
 * t_diag.c -- the error collector of diag (what the reports list).
 *
 * Test plan: t_diag-1.* errors kept with their position, in order, and
 * nothing else kept; -2.* past ZT_DIAG_KEEP only counted; forget.
 */
#include <stdio.h>
#include <string.h>

#include "util/diag.h"
#include "tt.h"

/* t_diag-1: zt_diag_err and zt_diag_error are kept; warnings are not. */
static void
kept_in_order(void)
{
	const struct zt_diag_entry	*v;
	struct zt_err			 err;
	size_t				 n;

	zt_diag_forget();
	TT_EQ_INT(zt_diag_errors(&v, &n), 0);
	TT_EQ_INT(n, 0);
	zt_diag_warn("a.log", 3, "malformed");
	zt_diag_notice("a.log", "kept 3 lines");
	zt_diag_info("summary");
	TT_EQ_INT(zt_diag_errors(&v, &n), 0);
	zt_diag_error("cut.gz", "truncated gzip stream (%s)", "eof");
	zt_err_at(&err, "rules.yaml", 7, 5, "unknown key '%s'", "wher");
	zt_diag_err(&err);
	zt_err_set(&err, "database: locked");
	zt_diag_err(&err);
	TT_EQ_INT(zt_diag_errors(&v, &n), 3);
	TT_EQ_INT(n, 3);
	TT_EQ_STR(v[0].file, "cut.gz");
	TT_EQ_INT(v[0].line, 0);
	TT_EQ_STR(v[0].msg, "truncated gzip stream (eof)");
	TT_EQ_STR(v[1].file, "rules.yaml");
	TT_EQ_INT(v[1].line, 7);
	TT_EQ_INT(v[1].col, 5);
	TT_EQ_STR(v[1].msg, "unknown key 'wher'");
	TT_CHECK(v[2].file == NULL);
	TT_EQ_STR(v[2].msg, "database: locked");
	TT_EQ_INT(zt_diag_status(), ZT_EXIT_ERROR);
}

/* t_diag-2: the first ZT_DIAG_KEEP are kept, all are counted; forget. */
static void
cap_and_forget(void)
{
	const struct zt_diag_entry	*v;
	size_t				 n;
	int				 i;

	zt_diag_forget();
	for (i = 0; i < ZT_DIAG_KEEP + 5; i++)
		zt_diag_error(NULL, "error %d", i);
	TT_EQ_INT(zt_diag_errors(&v, &n), ZT_DIAG_KEEP + 5);
	TT_EQ_INT(n, ZT_DIAG_KEEP);
	TT_EQ_STR(v[ZT_DIAG_KEEP - 1].msg, "error 31");
	zt_diag_forget();
	TT_EQ_INT(zt_diag_errors(&v, &n), 0);
	TT_EQ_INT(n, 0);
}

int
main(void)
{
	/* The messages go to stderr as usual (ctest keeps them apart). */
	kept_in_order();
	cap_and_forget();
	zt_diag_forget();
	return tt_finish("t_diag");
}

/*
 * rpriv.h -- what the report files share (report.c and views.c define it): the
 * check report's helpers that the other views (views.c) write with.
 *
 * report, views, html -> [rpriv]
 */
#ifndef ZT_RPRIV_H
#define ZT_RPRIV_H

#include <stdio.h>

#include "report/report.h"

/* s escaped for a terminal. */
void	zt_rp_esc(FILE *f, const char *s);
/* s as a JSON string, or null. */
void	zt_rp_jstr(FILE *f, const char *s);
/* "pass", "fail" or "error" for an exit status. */
const char *zt_rp_result_name(int status);
/* A pairing result's clock offsets, a JSON array (ztlog-rules(5)). */
void	zt_rp_jclocks(FILE *f, const struct zt_result *res);
/*
 * What decided balance's service sv, in the words lb prints: UNBALANCED
 * (material: the rule fails) first when it failed, then why.
 */
const char *zt_rp_lb_verdict(const struct zt_lbsvc *sv);
/* The result that made `ztlog pairs`' pairing, or NULL. */
const struct zt_result *zt_rp_pairs_result(const struct zt_checkrun *run);

#endif

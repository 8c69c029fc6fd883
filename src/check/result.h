/*
 * result.h -- building a rule's result (check.h): counts, examples and
 * the status a failing rule gets.
 *
 * the checks -> [result] -> report
 */
#ifndef ZT_RESULT_H
#define ZT_RESULT_H

#include <stdint.h>

#include "check/check.h"
#include "check/examples.h"
#include "util/diag.h"

struct zt_check_ctx;

/* Add count name = v (name static; at most eight a result). */
void	zt_result_count(struct zt_result *res, const char *name, int64_t v);
/* Add an example: where (source NULL: none) and a text. */
void	zt_result_example(struct zt_result *res, const char *source,
	    int64_t line, const char *fmt, ...) ZT_ATTR_PRINTF(4, 5);
/* Add kept record x as an example, "what: <the record>". */
void	zt_result_exitem(struct zt_result *res, const struct zt_check_ctx *cx,
	    const struct zt_exitem *x, const char *what);
/* Drop res's examples. */
void	zt_result_drop_examples(struct zt_result *res);
/* FAIL, WARN or INFO by r's severity. */
enum zt_status zt_result_failed(const struct zt_rule *r);

#endif

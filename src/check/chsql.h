/*
 * chsql.h -- the built-in check types as ClickHouse SQL over the table
 * `ztlog export` fills (`ztlog rules sql`), for the same checks on a
 * log store that holds a fleet's records.
 *
 * check types (hbone.c, ...) -> [chsql]
 *
 * Each statement is self-contained, reads only the `records` table, and
 * returns columns named as the rule's counts in ztlog's JSON report, so
 * the two can be compared (tests/clickhouse/).  What the SQL cannot say
 * exactly is said in a comment above it.
 */
#ifndef ZT_CHSQL_H
#define ZT_CHSQL_H

#include <stddef.h>

#include "util/diag.h"
#include "util/text.h"

struct zt_rule;

/* Append printf-style text to b. */
void	zt_chsql_add(struct zt_buf *b, const char *fmt, ...)
	    ZT_ATTR_PRINTF(2, 3);
/* Append s as a ClickHouse string literal, quotes included. */
void	zt_chsql_str(struct zt_buf *b, const char *s);
/*
 * The first lines of a rule's SQL: a comment naming it, and the status
 * word its failure gets ('fail', 'warn' or 'info', by severity).
 */
const char *zt_chsql_head(struct zt_buf *b, const struct zt_rule *r);

#endif

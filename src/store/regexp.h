/*
 * regexp.h -- PCRE2 as SQLite's REGEXP operator ("x REGEXP 'pat'").
 *
 * Patterns are compiled once per statement (sqlite3 auxdata), with JIT
 * where available, UTF mode, and match/depth limits so that a
 * catastrophic pattern fails its statement with an error instead of
 * hanging the run.
 */
#ifndef ZT_REGEXP_H
#define ZT_REGEXP_H

#include <sqlite3.h>

/* Register regexp(pattern, subject) on db.  Returns an SQLite code. */
int	zt_regexp_register(sqlite3 *db);

#endif

/*
 * output.h -- result rows to stdout as table, CSV, JSON, NDJSON or TSV.
 *
 * store -> [output]
 *
 * Text from logs is never written raw where a terminal may read it:
 * the table format escapes control bytes, JSON escapes them by its own
 * rules, CSV quotes them and defuses spreadsheet formulas (a text cell
 * starting with = + - @ TAB or CR gets a leading '); util/escape.h does
 * all three.
 */
#ifndef ZT_OUTPUT_H
#define ZT_OUTPUT_H

#include <stdio.h>

#include <sqlite3.h>

#include "util/diag.h"

enum zt_ofmt {
	ZT_OUT_TABLE,
	ZT_OUT_CSV,
	ZT_OUT_JSON,
	ZT_OUT_NDJSON,
	ZT_OUT_TSV	/* ClickHouse TabSeparated: \N for NULL, no header */
};

/* Parse a -f argument; allowed is a mask of 1 << enum zt_ofmt. -1 if bad. */
int	zt_ofmt_parse(const char *s, unsigned allowed);

/*
 * Run every statement in sql and print its rows to out, one result set
 * per statement that returns columns: table and CSV sets apart by an
 * empty line, NDJSON rows one after another, and in JSON one document:
 * the array of rows for a single statement, an array of those arrays
 * when sql holds several statements.  Returns 0, or -1 with err set (bad
 * SQL, runtime error); rows printed before an error stay printed (JSON
 * closes its arrays).  On a connection with PRAGMA query_only set, a
 * statement that would write is refused before it runs.
 */
int	zt_output_sql(sqlite3 *db, const char *sql, enum zt_ofmt f, FILE *out,
	    struct zt_err *err);

/*
 * Print the rows of one prepared statement (stepped to the end, not
 * finalized).  For ZT_OUT_JSON, as_object prints only the first row as a
 * bare object instead of an array.  Returns 0 or -1 with err set.
 */
int	zt_output_stmt(sqlite3_stmt *s, enum zt_ofmt f, int as_object,
	    FILE *out, struct zt_err *err);
/*
 * Tables from now on fit width columns (0, the default: any): the widest
 * columns are narrowed and their cells cut with "…".
 */
void	zt_output_width(size_t width);

#endif

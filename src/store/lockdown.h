/*
 * lockdown.h -- the connection untrusted rules run on: what it may do,
 * and how much time and memory one statement may take.
 *
 * store -> [lockdown] -> rules, check
 *
 * Rule files may come from pull requests.  A locked-down connection only
 * reads (no ATTACH, writes, PRAGMA, schema changes, transactions,
 * load_extension or fts3_tokenizer), and a budget stops a statement that
 * runs too long or makes the process grow too much, such as an endless
 * recursive common table expression.
 */
#ifndef ZT_LOCKDOWN_H
#define ZT_LOCKDOWN_H

#include <stdint.h>

#include <sqlite3.h>

/*
 * Lock db down for untrusted rules: read-only, no extensions, defensive,
 * untrusted schema, values of at most ZT_SQL_MAXLEN bytes, and an
 * authorizer that allows reading and calling functions only.  Returns an
 * SQLite code.
 */
int	zt_store_lockdown(sqlite3 *db);

#define ZT_SQL_MAXLEN	(16 * 1024 * 1024)	/* longest text or blob */

/*
 * What one statement may take: wall time in milliseconds and growth of
 * the process's resident memory in bytes, 0 for no bound.  The caller
 * owns the struct; it must outlive the statement.
 */
struct zt_sqlbudget {
	int64_t		 ms;		/* wall time, 0: none */
	int64_t		 bytes;		/* resident memory growth, 0: none */
	int64_t		 deadline;	/* private: monotonic ms */
	int64_t		 base;		/* private: resident bytes at arm */
	unsigned	 ticks;		/* private */
	char		 why[160];	/* what stopped it; "" if nothing */
};

/*
 * Arm b on db before a statement is stepped: from now on, SQLite checks it
 * every few thousand virtual machine instructions and interrupts the
 * statement (SQLITE_INTERRUPT) once it is over; b->why then says which
 * bound and how much.  Disarm after the statement.  Never fails.
 */
void	zt_sqlbudget_arm(sqlite3 *db, struct zt_sqlbudget *b);
void	zt_sqlbudget_disarm(sqlite3 *db);

#endif

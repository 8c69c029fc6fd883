/*
 * schema.h -- ztlog's database schema: its versions, their migrations,
 * and the record key.
 *
 * store -> [schema]
 *
 * A database file is marked with ztlog's application_id and its schema
 * version in user_version; an older one is migrated in place, in one
 * transaction, by the first ztlog that opens it (ztlog(1), DATABASE).
 *
 * The record key (rec.ts_us with rec.k, schema 3; indexed together),
 * for the records of streams only: the record's ztunnel time, and a
 * 31-bit hash (never 0) of what it says, as stored: its pod, time, kind
 * (level, message, direction), addresses, peers, service, byte counts,
 * duration, waypoint flag, error, header-less flag and extra fields --
 * not its source, line, kubectl timestamp or unknown prefix.  The same
 * record read again (the same stream re-read, an overlapping capture,
 * with or without kubectl's decorations) has the same key in the same
 * database: the ids are the database's own interned ids.
 */
#ifndef ZT_SCHEMA_H
#define ZT_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "util/diag.h"

#define ZT_SCHEMA_VERSION	4

/*
 * Make sure db holds ztlog's schema: for an existing database (query,
 * stats) only check it, unless it is older (then migrate it, when it
 * can be written); else create it in a new database, or migrate.
 * Registers the SQL function ztlog_reckey on db.  0, or -1 with err set.
 */
int	zt_schema_open(sqlite3 *db, int existing, struct zt_err *err);

/* The first column of q's first row as an integer; -1 on no row or error. */
int64_t	zt_schema_int(sqlite3 *db, const char *q);

/*
 * A database file shorter than its header says has lost pages: -1 with
 * err set; else 0.
 */
int	zt_schema_check_file(sqlite3 *db, const char *path,
	    struct zt_err *err);

/*
 * The key's inputs: pod, ts_us, kind, src_ip, src_port, src_peer, dst,
 * hbone, dst_service, dst_peer, bytes_sent, bytes_recv, duration_ms, wp,
 * error, partial as stored (has[i] 0: NULL), then extra (NULL: none).
 */
#define ZT_RECKEY_INTS	16
#define ZT_RECKEY_NCOLS	(ZT_RECKEY_INTS + 1)
int64_t	zt_reckey(const int64_t v[ZT_RECKEY_INTS], const unsigned char *has,
	    const char *extra, size_t n);
/* The same as the SQL function ztlog_reckey(the 16 columns, extra). */
void	zt_reckey_sql(sqlite3_context *cx, int argc, sqlite3_value **argv);

#endif

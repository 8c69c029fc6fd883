/*
 * schema.c -- ztlog's database schema, its versions and their
 * migrations; see schema.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "store/schema.h"

/* PRAGMA application_id of ztlog's databases: "ztlg" */
#define ZT_APPLICATION_ID	0x7a746c67

/*
 * Version 1 of the schema: what ztlog made before it marked its files
 * (same_schema() compares against exactly this), and what every newer
 * version starts from.
 */
static const char schema[] =
"CREATE TABLE IF NOT EXISTS str(\n"
"  id INTEGER PRIMARY KEY, s TEXT NOT NULL UNIQUE, host TEXT, port INTEGER);\n"
"CREATE TABLE IF NOT EXISTS peer(\n"
"  id INTEGER PRIMARY KEY, k BLOB NOT NULL UNIQUE,\n"
"  workload TEXT, namespace TEXT, identity TEXT, cluster TEXT);\n"
"CREATE TABLE IF NOT EXISTS kind(\n"
"  id INTEGER PRIMARY KEY, k BLOB NOT NULL UNIQUE,\n"
"  level TEXT, message TEXT, direction TEXT);\n"
"CREATE TABLE IF NOT EXISTS sources(\n"
"  id INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT, format TEXT,\n"
"  bytes INTEGER, lines INTEGER, records INTEGER, other INTEGER,\n"
"  malformed INTEGER, first_ts TEXT, last_ts TEXT);\n"
"CREATE INDEX IF NOT EXISTS sources_sha256 ON sources(sha256);\n"
"CREATE TABLE IF NOT EXISTS pods(\n"
"  source_id INTEGER NOT NULL, pod TEXT, lines INTEGER, records INTEGER,\n"
"  other INTEGER, malformed INTEGER);\n"
"CREATE TABLE IF NOT EXISTS rejects(\n"
"  source_id INTEGER NOT NULL, line INTEGER NOT NULL, reason TEXT NOT NULL,\n"
"  text TEXT NOT NULL);\n"
"CREATE TABLE IF NOT EXISTS rec(\n"
"  id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL, line INTEGER NOT NULL,\n"
"  pod INTEGER, ts_us INTEGER NOT NULL, kind INTEGER NOT NULL,\n"
"  src_ip INTEGER, src_port INTEGER, src_peer INTEGER, dst INTEGER,\n"
"  hbone INTEGER, dst_service INTEGER, dst_peer INTEGER,\n"
"  bytes_sent INTEGER, bytes_recv INTEGER, duration_ms INTEGER,\n"
"  wp INTEGER NOT NULL, error INTEGER, kube_d INTEGER, kube_off INTEGER,\n"
"  extra TEXT);\n"
"CREATE VIEW IF NOT EXISTS records AS SELECT\n"
"  r.id AS id, r.source_id AS source_id, r.line AS line,\n"
"  (SELECT s FROM str WHERE id = r.pod) AS pod,\n"
"  CASE WHEN r.kube_d IS NULL THEN NULL ELSE\n"
"    strftime('%Y-%m-%dT%H:%M:%S', (r.ts_us * 1000 + r.kube_d\n"
"      + coalesce(r.kube_off, 0) * 60000000000) / 1000000000, 'unixepoch')\n"
"    || printf('.%09d', (r.ts_us * 1000 + r.kube_d) % 1000000000)\n"
"    || CASE WHEN r.kube_off IS NULL THEN 'Z' ELSE\n"
"      CASE WHEN r.kube_off < 0 THEN '-' ELSE '+' END\n"
"      || printf('%02d:%02d', abs(r.kube_off) / 60, abs(r.kube_off) % 60)\n"
"    END END AS kube_ts,\n"
"  strftime('%Y-%m-%dT%H:%M:%S', r.ts_us / 1000000, 'unixepoch')\n"
"    || printf('.%06dZ', r.ts_us % 1000000) AS ts,\n"
"  r.ts_us AS ts_us,\n"
"  k.level AS level, k.message AS message, k.direction AS direction,\n"
"  CASE WHEN r.src_port IS NULL THEN si.s\n"
"    WHEN instr(si.s, ':') THEN '[' || si.s || ']:' || r.src_port\n"
"    ELSE si.s || ':' || r.src_port END AS src_addr,\n"
"  si.s AS src_ip, r.src_port AS src_port,\n"
"  sp.workload AS src_workload, sp.namespace AS src_namespace,\n"
"  sp.identity AS src_identity, sp.cluster AS src_cluster,\n"
"  d.s AS dst_addr, d.host AS dst_ip, d.port AS dst_port,\n"
"  h.s AS dst_hbone_addr, h.host AS dst_hbone_host, h.port AS dst_hbone_port,\n"
"  (SELECT s FROM str WHERE id = r.dst_service) AS dst_service,\n"
"  dp.workload AS dst_workload, dp.namespace AS dst_namespace,\n"
"  dp.identity AS dst_identity, dp.cluster AS dst_cluster,\n"
"  r.bytes_sent AS bytes_sent, r.bytes_recv AS bytes_recv,\n"
"  r.duration_ms AS duration_ms,\n"
"  (SELECT s FROM str WHERE id = r.error) AS error,\n"
"  r.hbone IS NOT NULL AS hbone, r.wp AS via_waypoint, r.extra AS extra\n"
"FROM rec AS r\n"
"  JOIN kind AS k ON k.id = r.kind\n"
"  LEFT JOIN str AS si ON si.id = r.src_ip\n"
"  LEFT JOIN peer AS sp ON sp.id = r.src_peer\n"
"  LEFT JOIN str AS d ON d.id = r.dst\n"
"  LEFT JOIN str AS h ON h.id = r.hbone\n"
"  LEFT JOIN peer AS dp ON dp.id = r.dst_peer;\n";

/*
 * Version 1 to 2 (issue 10: saved archives): what is known of a source
 * (wrapper, pod, namespace, container, node, container instance), split
 * lines joined (CRI P), records found behind a prefix or without a head,
 * the input error that ended a source; per record the prefix and the
 * partial flag; the files and archive members not read.  A header-less
 * (partial) record has no time: rec.ts_us holds -1 (ZT_TS_NONE), which no
 * timestamp parses to, and the view shows NULL for ts and ts_us.  A new
 * database is version 1 plus this, so new and migrated files are alike.
 */
static const char migrate_v2[] =
"ALTER TABLE sources ADD COLUMN wrapper TEXT;\n"
"ALTER TABLE sources ADD COLUMN pod TEXT;\n"
"ALTER TABLE sources ADD COLUMN namespace TEXT;\n"
"ALTER TABLE sources ADD COLUMN container TEXT;\n"
"ALTER TABLE sources ADD COLUMN node TEXT;\n"
"ALTER TABLE sources ADD COLUMN instance TEXT;\n"
"ALTER TABLE sources ADD COLUMN joined INTEGER NOT NULL DEFAULT 0;\n"
"ALTER TABLE sources ADD COLUMN prefixed INTEGER NOT NULL DEFAULT 0;\n"
"ALTER TABLE sources ADD COLUMN partial INTEGER NOT NULL DEFAULT 0;\n"
"ALTER TABLE sources ADD COLUMN error TEXT;\n"
"ALTER TABLE pods ADD COLUMN joined INTEGER NOT NULL DEFAULT 0;\n"
"ALTER TABLE rec ADD COLUMN prefix TEXT;\n"
"ALTER TABLE rec ADD COLUMN partial INTEGER NOT NULL DEFAULT 0;\n"
"CREATE TABLE skipped(\n"
"  id INTEGER PRIMARY KEY, name TEXT NOT NULL, reason TEXT NOT NULL,\n"
"  files INTEGER NOT NULL DEFAULT 1, sha256 TEXT);\n"
"DROP VIEW records;\n"
"CREATE VIEW records AS SELECT\n"
"  r.id AS id, r.source_id AS source_id, r.line AS line,\n"
"  (SELECT s FROM str WHERE id = r.pod) AS pod,\n"
"  CASE WHEN r.kube_d IS NULL THEN NULL ELSE\n"
"    strftime('%Y-%m-%dT%H:%M:%S', (r.ts_us * 1000 + r.kube_d\n"
"      + coalesce(r.kube_off, 0) * 60000000000) / 1000000000, 'unixepoch')\n"
"    || printf('.%09d', (r.ts_us * 1000 + r.kube_d) % 1000000000)\n"
"    || CASE WHEN r.kube_off IS NULL THEN 'Z' ELSE\n"
"      CASE WHEN r.kube_off < 0 THEN '-' ELSE '+' END\n"
"      || printf('%02d:%02d', abs(r.kube_off) / 60, abs(r.kube_off) % 60)\n"
"    END END AS kube_ts,\n"
"  CASE WHEN r.partial THEN NULL ELSE\n"
"    strftime('%Y-%m-%dT%H:%M:%S', r.ts_us / 1000000, 'unixepoch')\n"
"    || printf('.%06dZ', r.ts_us % 1000000) END AS ts,\n"
"  CASE WHEN r.partial THEN NULL ELSE r.ts_us END AS ts_us,\n"
"  k.level AS level, k.message AS message, k.direction AS direction,\n"
"  CASE WHEN r.src_port IS NULL THEN si.s\n"
"    WHEN instr(si.s, ':') THEN '[' || si.s || ']:' || r.src_port\n"
"    ELSE si.s || ':' || r.src_port END AS src_addr,\n"
"  si.s AS src_ip, r.src_port AS src_port,\n"
"  sp.workload AS src_workload, sp.namespace AS src_namespace,\n"
"  sp.identity AS src_identity, sp.cluster AS src_cluster,\n"
"  d.s AS dst_addr, d.host AS dst_ip, d.port AS dst_port,\n"
"  h.s AS dst_hbone_addr, h.host AS dst_hbone_host, h.port AS dst_hbone_port,\n"
"  (SELECT s FROM str WHERE id = r.dst_service) AS dst_service,\n"
"  dp.workload AS dst_workload, dp.namespace AS dst_namespace,\n"
"  dp.identity AS dst_identity, dp.cluster AS dst_cluster,\n"
"  r.bytes_sent AS bytes_sent, r.bytes_recv AS bytes_recv,\n"
"  r.duration_ms AS duration_ms,\n"
"  (SELECT s FROM str WHERE id = r.error) AS error,\n"
"  r.hbone IS NOT NULL AS hbone, r.wp AS via_waypoint, r.extra AS extra,\n"
"  r.prefix AS prefix, r.partial AS partial\n"
"FROM rec AS r\n"
"  JOIN kind AS k ON k.id = r.kind\n"
"  LEFT JOIN str AS si ON si.id = r.src_ip\n"
"  LEFT JOIN peer AS sp ON sp.id = r.src_peer\n"
"  LEFT JOIN str AS d ON d.id = r.dst\n"
"  LEFT JOIN str AS h ON h.id = r.hbone\n"
"  LEFT JOIN peer AS dp ON dp.id = r.dst_peer;\n";

/*
 * Version 2 to 3 (issue 9: streams): the key of each record read from a
 * stream (rec.k with rec.ts_us, see schema.h), in a partial index, so
 * that a record a stream already stored is not stored again (the stream
 * re-read after a kill, an overlapping capture); and per source the count
 * of such records skipped (dups).  Records of files carry no key (NULL),
 * which costs them nothing: a file is known by its whole content.  The
 * records that sources read from standard input stored before get their
 * keys here, in the migration's transaction.
 */
static const char migrate_v3[] =
"ALTER TABLE rec ADD COLUMN k INTEGER;\n"
"ALTER TABLE sources ADD COLUMN dups INTEGER NOT NULL DEFAULT 0;\n"
"UPDATE rec SET k = ztlog_reckey(pod, ts_us, kind, src_ip, src_port,\n"
"  src_peer, dst, hbone, dst_service, dst_peer, bytes_sent, bytes_recv,\n"
"  duration_ms, wp, error, partial, extra)\n"
"  WHERE source_id IN (SELECT id FROM sources WHERE name = '-');\n"
"CREATE INDEX rec_k ON rec(ts_us, k) WHERE k IS NOT NULL;\n";

/*
 * Version 3 to 4 (issues 9 and 12: ingest's record filters): per source
 * the records the filters left out (filtered) and the filters, as the
 * command line says them (zt_select_text; NULL: none, every record is
 * stored), which the duplicate check compares.
 */
static const char migrate_v4[] =
"ALTER TABLE sources ADD COLUMN filtered INTEGER NOT NULL DEFAULT 0;\n"
"ALTER TABLE sources ADD COLUMN filters TEXT;\n";

/* SQLite says "disk I/O error"; the errno says what happened. */
static const char *
why(sqlite3 *db)
{
	int	 e = sqlite3_system_errno(db);

	if (e == EFBIG)
		return " (file too large: a `ulimit -f` limit?)";
	if (e == ENOSPC)
		return " (no space left on the device)";
	return "";
}

static int
dberr(sqlite3 *db, struct zt_err *err, const char *what)
{
	return zt_err_set(err, "database: %s: %s%s", what, sqlite3_errmsg(db),
	    why(db));
}

static int
exec(sqlite3 *db, const char *q, struct zt_err *err)
{
	char	*msg = NULL;

	if (sqlite3_exec(db, q, NULL, NULL, &msg) != SQLITE_OK) {
		zt_err_set(err, "database: %s%s", msg != NULL ? msg :
		    sqlite3_errmsg(db), why(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/*
 * Is every object of ztlog's schema in db, with exactly ztlog's
 * definition?  (Databases made before ztlog marked its files carry no
 * application_id.)  The definitions are read back from a scratch
 * in-memory database, so SQLite's own normalisation applies to both.
 * Returns 1 yes, 0 no, -1 on an SQLite error.
 */
static int
same_schema(sqlite3 *db)
{
	sqlite3		*ref = NULL;
	sqlite3_stmt	*r = NULL;
	sqlite3_stmt	*q = NULL;
	int		 same = -1;
	int		 rc;

	if (sqlite3_open_v2(":memory:", &ref, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_MEMORY, NULL) != SQLITE_OK ||
	    sqlite3_exec(ref, schema, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(ref, "SELECT name, sql FROM sqlite_schema",
	    -1, &r, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_schema WHERE "
	    "name = ?1", -1, &q, NULL) != SQLITE_OK)
		goto out;
	same = 1;
	while (same == 1 && (rc = sqlite3_step(r)) == SQLITE_ROW) {
		const char *want = (const char *)sqlite3_column_text(r, 1);

		if (want == NULL)
			continue;	/* an automatic index */
		sqlite3_bind_text(q, 1, (const char *)sqlite3_column_text(r, 0),
		    -1, SQLITE_TRANSIENT);
		if (sqlite3_step(q) != SQLITE_ROW ||
		    sqlite3_column_text(q, 0) == NULL ||
		    strcmp(want, (const char *)sqlite3_column_text(q, 0)) != 0)
			same = 0;
		sqlite3_reset(q);
	}
	if (same == 1 && rc != SQLITE_DONE)
		same = -1;
out:
	sqlite3_finalize(q);
	sqlite3_finalize(r);
	sqlite3_close(ref);
	return same;
}

int64_t
zt_schema_int(sqlite3 *db, const char *q)
{
	sqlite3_stmt	*s;
	int64_t		 v = -1;

	if (sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/*
 * What the database file is, read inside the caller's transaction:
 * DB_NEW (no objects yet), DB_OURS (marked with ztlog's application_id,
 * this schema version), DB_OLD (marked, an older version: to migrate),
 * DB_LEGACY (ztlog's version 1 schema, made before the marking), or -1
 * with err set for a database ztlog did not make, or made by a newer
 * ztlog.
 */
enum { DB_NEW, DB_OURS, DB_OLD, DB_LEGACY };

static int
identify(sqlite3 *db, int64_t *version, struct zt_err *err)
{
	int64_t		 app = zt_schema_int(db, "PRAGMA application_id");
	int64_t		 ver = zt_schema_int(db, "PRAGMA user_version");
	int64_t		 objs = zt_schema_int(db, "SELECT count(*) FROM "
	    "sqlite_schema");
	int		 same;

	*version = ver;
	if (app == -1 || ver == -1 || objs == -1)
		return dberr(db, err, "open");
	if (app == ZT_APPLICATION_ID) {
		if (ver > ZT_SCHEMA_VERSION)
			return zt_err_set(err, "database: made by a newer "
			    "ztlog (schema %lld; this one reads %d)",
			    (long long)ver, ZT_SCHEMA_VERSION);
		return ver == ZT_SCHEMA_VERSION ? DB_OURS : DB_OLD;
	}
	if (app == 0 && objs == 0 && ver == 0)
		return DB_NEW;
	if (app == 0 && ver == 1) {
		if ((same = same_schema(db)) == -1)
			return dberr(db, err, "open");
		if (same)
			return DB_LEGACY;
	}
	return zt_err_set(err, "not a ztlog database (application_id %#llx, "
	    "%lld schema object%s): ztlog reads and writes only databases "
	    "made by ztlog ingest -d", (unsigned long long)app,
	    (long long)objs, objs == 1 ? "" : "s");
}

/*
 * A database file shorter than its header says has lost pages: SQLite
 * would read zeros there and notice only when it trips over them.
 */
int
zt_schema_check_file(sqlite3 *db, const char *path, struct zt_err *err)
{
	struct stat	 sb;
	sqlite3_stmt	*s;
	int64_t		 pages = 0;
	int64_t		 size = 0;

	/*
	 * Compare under a read transaction: its shared lock keeps other
	 * writers from committing (growing the file) in between.
	 */
	if (exec(db, "BEGIN", err) == -1)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT page_count * page_size FROM "
	    "pragma_page_count(), pragma_page_size()", -1, &s,
	    NULL) != SQLITE_OK) {
		dberr(db, err, "open");
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	if (sqlite3_step(s) == SQLITE_ROW)
		pages = sqlite3_column_int64(s, 0);
	else {
		dberr(db, err, "open");
		sqlite3_finalize(s);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	if (stat(path, &sb) == -1)
		sb.st_size = 0;
	sqlite3_finalize(s);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (pages == 0)
		return 0;	/* a new database */
	size = (int64_t)sb.st_size;
	if (size < pages)
		return zt_err_set(err, "database: the file is truncated (%lld "
		    "bytes; its header says %lld)", (long long)size,
		    (long long)pages);
	return 0;
}

/* Bring the schema of a database of kind (version ver) up to date. */
static int
migrate(sqlite3 *db, int kind, int64_t ver, struct zt_err *err)
{
	char	 mark[96];

	if (kind == DB_OURS)
		return 0;
	if (kind == DB_NEW || kind == DB_LEGACY)
		ver = 1;
	snprintf(mark, sizeof(mark), "PRAGMA application_id=%d; "
	    "PRAGMA user_version=%d;", ZT_APPLICATION_ID, ZT_SCHEMA_VERSION);
	if ((kind == DB_NEW && exec(db, schema, err) == -1) ||
	    (ver < 2 && exec(db, migrate_v2, err) == -1) ||
	    (ver < 3 && exec(db, migrate_v3, err) == -1) ||
	    (ver < 4 && exec(db, migrate_v4, err) == -1) ||
	    exec(db, mark, err) == -1)
		return -1;
	return 0;
}

int
zt_schema_open(sqlite3 *db, int existing, struct zt_err *err)
{
	int64_t	 ver;
	int	 kind;

	if (sqlite3_create_function(db, "ztlog_reckey", ZT_RECKEY_NCOLS,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, zt_reckey_sql, NULL,
	    NULL) != SQLITE_OK)
		return dberr(db, err, "open");
	if (existing) {
		if (exec(db, "BEGIN", err) == -1)
			return -1;
		kind = identify(db, &ver, err);
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		if (kind == DB_NEW)
			return zt_err_set(err, "not a ztlog database (make one "
			    "with ztlog ingest -d)");
		if (kind == -1 || kind == DB_OURS)
			return kind == -1 ? -1 : 0;
		if (sqlite3_db_readonly(db, "main") == 1)
			return zt_err_set(err, "database: made by an older "
			    "ztlog, and read-only here: ztlog ingest -d on a "
			    "writable copy upgrades it");
	}
	if (exec(db, "BEGIN IMMEDIATE;", err) == -1)
		return -1;
	if ((kind = identify(db, &ver, err)) == -1 ||
	    migrate(db, kind, ver, err) == -1 ||
	    exec(db, "COMMIT;", err) == -1) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

/* ---- record keys ------------------------------------------------------ */

/* One 64-bit word into the running hash (splitmix64's finaliser). */
static uint64_t
mix(uint64_t h, uint64_t w)
{
	h ^= w + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

int64_t
zt_reckey(const int64_t v[ZT_RECKEY_INTS], const unsigned char *has,
    const char *extra, size_t n)
{
	const unsigned char	*p = (const unsigned char *)extra;
	uint64_t		 h = 0x7a746c67;	/* "ztlg" */
	uint64_t		 w;
	size_t			 i;
	size_t			 k;

	/* Values, not bytes in memory: the same on every machine. */
	for (i = 0; i < ZT_RECKEY_INTS; i++)
		h = mix(h, has[i] ? (uint64_t)v[i] * 2 + 1 : 0);
	h = mix(h, extra != NULL ? n * 2 + 1 : 0);
	for (i = 0; extra != NULL && i < n; i += 8) {
		for (w = 0, k = 0; k < 8 && i + k < n; k++)
			w |= (uint64_t)p[i + k] << (8 * k);
		h = mix(h, w);
	}
	/* 31 bits, never 0: small on disk; ts_us is the key's other half. */
	return (int64_t)(h % 0x7fffffffULL) + 1;
}

void
zt_reckey_sql(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	int64_t		 v[ZT_RECKEY_INTS];
	unsigned char	 has[ZT_RECKEY_INTS];
	const char	*extra;
	int		 i;

	if (argc != ZT_RECKEY_NCOLS) {
		sqlite3_result_error(cx, "ztlog_reckey: wrong arguments", -1);
		return;
	}
	for (i = 0; i < ZT_RECKEY_INTS; i++) {
		has[i] = sqlite3_value_type(argv[i]) != SQLITE_NULL;
		v[i] = sqlite3_value_int64(argv[i]);
	}
	extra = (const char *)sqlite3_value_text(argv[ZT_RECKEY_INTS]);
	sqlite3_result_int64(cx, zt_reckey(v, has, extra, extra != NULL ?
	    (size_t)sqlite3_value_bytes(argv[ZT_RECKEY_INTS]) : 0));
}

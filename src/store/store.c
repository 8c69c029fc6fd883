/*
 * store.c -- interning, inserts, sources; see store.h (the schema: schema.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "in/input.h"
#include "util/dict.h"
#include "store/names.h"
#include "store/schema.h"
#include "store/store.h"
#include "util/escape.h"
#include "util/text.h"
#include "util/xalloc.h"

#define MAXPODS		65536		/* distinct pods counted per source */
#define BATCH		32		/* records an insert, when batching */
#define REC_PARAMS	23		/* parameters of a record (S_REC) */

enum { S_STR_INS, S_PEER_INS, S_KIND_INS, S_REC, S_REJ, S_SRC_NEW, S_SRC_DUP,
	S_SRC_SET, S_POD, S_SKIP, S_SEEN, S_POD_DEL, S_COUNT };

static const char *const sql[S_COUNT] = {
	"INSERT INTO str(id, s, host, port) VALUES (?1, ?2, ?3, ?4)",
	"INSERT INTO peer(id, k, workload, namespace, identity, cluster) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	"INSERT INTO kind(id, k, level, message, direction) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)",
	"INSERT INTO rec(source_id, line, pod, ts_us, kind, src_ip, src_port, "
	    "src_peer, dst, hbone, dst_service, dst_peer, bytes_sent, "
	    "bytes_recv, duration_ms, wp, error, kube_d, kube_off, extra, "
	    "prefix, partial, k) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	    "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, "
	    "?23)",
	"INSERT INTO rejects VALUES (?1, ?2, ?3, ?4)",
	"INSERT INTO sources(name) VALUES (?1)",
	"SELECT id, name FROM sources WHERE sha256 = ?1 AND id <> ?2 "
	    "UNION ALL SELECT 0, name FROM skipped WHERE sha256 = ?1 "
	    "LIMIT 1",
	"UPDATE sources SET sha256 = ?2, format = ?3, bytes = ?4, lines = ?5, "
	    "records = ?6, other = ?7, malformed = ?8, first_ts = ?9, "
	    "last_ts = ?10, wrapper = ?11, pod = ?12, namespace = ?13, "
	    "container = ?14, node = ?15, instance = ?16, joined = ?17, "
	    "prefixed = ?18, partial = ?19, error = ?20, dups = ?21, "
	    "filtered = ?22, filters = ?23 WHERE id = ?1",
	"INSERT INTO pods(source_id, pod, lines, records, other, malformed, "
	    "joined) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	"INSERT INTO skipped(name, reason, files) VALUES (?1, ?2, ?3)",
	"SELECT source_id FROM rec WHERE ts_us = ?3 AND k = ?1 "
	    "AND source_id <> ?2",
	"DELETE FROM pods WHERE source_id = ?1",
};

struct pod {
	char		*name;		/* owned; NULL: lines without a pod */
	size_t		 len;
	uint64_t	 n[ZT_CLASS_COUNT]; /* by enum zt_class */
};

struct zt_store {
	sqlite3		*db;
	char		*name;		/* what to open a second connection on */
	enum zt_store_mode mode;
	sqlite3_stmt	*st[S_COUNT];
	struct zt_intern in;		/* the names side */
	struct zt_buf	 key;		/* reject text, tuple keys */
	int		 stale;		/* names must be reloaded */
	int64_t		 dv;		/* PRAGMA data_version when the
					   names were last in step, or -1 */
	int64_t		 src;		/* current source id, 0 if none */
	struct pod	*pods;
	size_t		 npods;
	struct zt_dict	 podix;		/* pod name -> index in pods */
	int64_t		 lastcount;	/* pods index of the last line, or -1 */
	int		 dedup;		/* records with keys are stored:
					   look keys up */
	int		 keyed;		/* the current source is a stream:
					   its records get keys */
	int		 saved;		/* the current source has a commit
					   (zt_store_checkpoint) */
	uint64_t	 saved_lines;	/* lines it had then */
	int64_t		 spare[ZT_INPUT_MAXPRE];	/* sources it may
					   replace: not duplicates of */
	size_t		 nspare;
	int		 errored;	/* a source row got an error here */
	/*
	 * Records held to be inserted BATCH rows a statement (SQLite's
	 * cost is per statement as much as per row), between
	 * zt_store_batch(st, 1) and zt_store_flush().
	 */
	int		 batching;
	sqlite3_stmt	*batch;		/* the BATCH-row insert, once used */
	struct held {
		unsigned long	 line;
		struct zt_recids ids;
		size_t		 extra;	/* offsets in hbytes; SIZE_MAX: absent */
		size_t		 nextra;
		size_t		 prefix;
		size_t		 nprefix;
	}		 held[BATCH];
	size_t		 nheld;
	struct zt_buf	 hbytes;	/* their extra and prefix texts */
};

/* SQLite says "disk I/O error"; the errno says what happened. */
static const char *
why(struct zt_store *st)
{
	int	 e = sqlite3_system_errno(st->db);

	if (e == EFBIG)
		return " (file too large: a `ulimit -f` limit?)";
	if (e == ENOSPC)
		return " (no space left on the device)";
	return "";
}

static int
dberr(struct zt_store *st, struct zt_err *err, const char *what)
{
	return zt_err_set(err, "database: %s: %s%s", what,
	    sqlite3_errmsg(st->db), why(st));
}

static int
exec(struct zt_store *st, const char *q, struct zt_err *err)
{
	char	*msg = NULL;

	if (sqlite3_exec(st->db, q, NULL, NULL, &msg) != SQLITE_OK) {
		zt_err_set(err, "database: %s%s", msg != NULL ? msg :
		    sqlite3_errmsg(st->db), why(st));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* Mirror the three interned tables into the names. */
static int
dicts_load(struct zt_store *st, struct zt_err *err)
{
	if (zt_intern_load(&st->in, st->db, err) == -1)
		return -1;
	st->stale = 0;
	return 0;
}

int
zt_store_open(struct zt_store **out, const char *path, enum zt_store_mode mode,
    struct zt_err *err)
{
	struct zt_store	*st;
	struct stat	 sb;
	int		 flags;
	int		 i;
	int		 memory = mode == ZT_STORE_MEMORY || mode == ZT_STORE_COUNT ||
	    mode == ZT_STORE_NAMES;
	int		 rc;

	st = zt_xcalloc(1, sizeof(*st));
	st->lastcount = -1;
	st->dv = -1;
	st->mode = mode;
	/*
	 * An existing database is only read (query, stats, check with -d
	 * and no inputs): no schema transaction, so it never waits for, or
	 * blocks, other readers.  It is opened read-write when it can be,
	 * so that a hot journal left by a killed ingest is rolled back, and
	 * read-only when the file is not writable.
	 */
	flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
	if (mode == ZT_STORE_CREATE)
		flags |= SQLITE_OPEN_CREATE;
	if (memory) {
		/*
		 * A named in-memory database (memdb VFS), private to this
		 * process, so that rules can read it through a second,
		 * read-only connection (zt_store_reader).
		 */
		static unsigned	 seq;
		char		 uri[96];

		snprintf(uri, sizeof(uri), "file:/ztlog-%ld-%u?vfs=memdb",
		    (long)getpid(), seq++);
		st->name = zt_xstrdup(uri);
		flags |= SQLITE_OPEN_CREATE;
	} else if (strncmp(path, "file:", 5) == 0) {
		/* A plain path, never a URI, whatever it looks like. */
		size_t n = strlen(path) + 3;

		st->name = zt_xmalloc(n);
		snprintf(st->name, n, "./%s", path);
	} else
		st->name = zt_xstrdup(path);
	if (!memory && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		zt_err_at(err, path, 0, 0, "cannot open database: it is a "
		    "directory");
		goto out_close;
	}
	rc = sqlite3_open_v2(st->name, &st->db, flags, NULL);
	if (rc != SQLITE_OK && mode == ZT_STORE_EXISTING) {
		sqlite3_close(st->db);
		st->db = NULL;
		rc = sqlite3_open_v2(st->name, &st->db, (flags &
		    ~SQLITE_OPEN_READWRITE) | SQLITE_OPEN_READONLY, NULL);
	}
	if (rc != SQLITE_OK) {
		zt_err_at(err, path, 0, 0, "cannot open database: %s",
		    st->db != NULL ? sqlite3_errmsg(st->db) : "out of memory");
		goto out_close;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, 60000);
	if (!memory && zt_schema_check_file(st->db, path, err) == -1)
		goto out_path;
	if (mode == ZT_STORE_EXISTING) {
		if (zt_schema_open(st->db, 1, err) == -1 ||
		    exec(st, "PRAGMA query_only=1", err) == -1)
			goto out_path;
	} else if (exec(st, memory ? "PRAGMA journal_mode=MEMORY;" :
	    "PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL;", err) == -1 ||
	    exec(st, "PRAGMA cache_size=-16000; PRAGMA foreign_keys=OFF;",
	    err) == -1 || zt_schema_open(st->db, 0, err) == -1)
		goto out_path;
	for (i = 0; i < S_COUNT; i++)
		if (sqlite3_prepare_v3(st->db, sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &st->st[i], NULL) != SQLITE_OK) {
			dberr(st, err, "prepare");
			goto out_path;
		}
	zt_intern_init(&st->in);
	zt_dict_init(&st->podix, 1u << 30);
	/* An existing database is only read: its names are the reader's. */
	if (mode != ZT_STORE_EXISTING && dicts_load(st, err) == -1)
		goto out_path;
	*out = st;
	return 0;

out_path:
	if (!memory && err->file == NULL)
		err->file = path;
out_close:
	zt_store_close(st);
	return -1;
}

int
zt_store_keeps_tables(const struct zt_store *st)
{
	return st->mode == ZT_STORE_CREATE || st->mode == ZT_STORE_MEMORY;
}

sqlite3 *
zt_store_db(struct zt_store *st)
{
	return st->db;
}

const struct zt_nameset *
zt_store_names(const struct zt_store *st)
{
	return &st->in.names;
}

sqlite3 *
zt_store_reader(struct zt_store *st, struct zt_err *err)
{
	sqlite3	*db;

	if (sqlite3_open_v2(st->name, &db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, NULL) != SQLITE_OK) {
		zt_err_set(err, "database: %s", db != NULL ?
		    sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 60000);
	return db;
}

static void
pods_reset(struct zt_store *st)
{
	size_t	 i;

	for (i = 0; i < st->npods; i++)
		free(st->pods[i].name);
	free(st->pods);
	st->pods = NULL;
	st->npods = 0;
	st->lastcount = -1;
	zt_dict_clear(&st->podix);
}

void
zt_store_close(struct zt_store *st)
{
	int	 i;

	if (st == NULL)
		return;
	if (st->src != 0)
		zt_store_abort(st);
	for (i = 0; i < S_COUNT; i++)
		sqlite3_finalize(st->st[i]);
	sqlite3_finalize(st->batch);
	zt_buf_free(&st->hbytes);
	if (st->in.str.d != NULL) {
		pods_reset(st);
		zt_intern_fini(&st->in);
		zt_dict_fini(&st->podix);
	}
	zt_buf_free(&st->key);
	free(st->name);
	sqlite3_close(st->db);
	free(st);
}

/* ---- names ------------------------------------------------------------- */

static void
bind_str(sqlite3_stmt *s, int i, struct zt_str v)
{
	if (v.p == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v.p, (int)v.n, SQLITE_STATIC);
}

/* The record key of ids (schema.h), from what zt_store_insert binds. */
static int64_t
reckey(const struct zt_recids *ids, struct zt_str extra)
{
	const int64_t	 v[ZT_RECKEY_INTS] = { ids->pod, ids->ts_us,
	    ids->kind, ids->src_ip, ids->src_port, ids->src_peer, ids->dst,
	    ids->hbone, ids->service, ids->dst_peer, ids->bytes_sent,
	    ids->bytes_recv, ids->duration_ms, ids->wp, ids->error,
	    ids->partial };
	const unsigned char has[ZT_RECKEY_INTS] = { ids->pod > 0, 1, 1,
	    ids->src_ip > 0, ids->src_port >= 0, ids->src_peer > 0,
	    ids->dst > 0, ids->hbone > 0, ids->service > 0,
	    ids->dst_peer > 0, ids->has_sent, ids->has_recv, ids->has_dur, 1,
	    ids->error > 0, 1 };

	return zt_reckey(v, has, extra.p, extra.n);
}

int
zt_store_intern(struct zt_store *st, const struct zt_rec *rec,
    struct zt_recids *ids, struct zt_buf *fresh, struct zt_err *err)
{
	/* Names only: the names table is all there is of them. */
	if (zt_intern_record(&st->in, rec, ids, st->mode == ZT_STORE_NAMES ?
	    NULL : fresh, err) == -1)
		return -1;
	/*
	 * The key is read only to look a record up (dedup) or to store it
	 * (a stream's records); both are set before the source's first
	 * record is interned (zt_store_begin, zt_store_stream).
	 */
	ids->key = 0;
	if (st->dedup || st->keyed)
		ids->key = reckey(ids, rec->extra);
	return 0;
}

int
zt_store_fresh(struct zt_store *st, const char *p, size_t n,
    struct zt_err *err)
{
	const char		*end;
	enum zt_fresh_tab	 t;
	struct zt_str		 v[4];
	struct zt_str		 host;
	sqlite3_stmt		*s;
	int64_t			 id;
	int64_t			 port;
	int			 nc;
	int			 i;

	if (n == 0)
		return 0;
	end = p + n;
	while ((nc = zt_intern_fresh_next(&p, end, &t, &id, v)) > 0) {
		if (st->mode == ZT_STORE_COUNT)
			continue;
		s = st->st[t == ZT_FRESH_STR ? S_STR_INS : t == ZT_FRESH_PEER ?
		    S_PEER_INS : S_KIND_INS];
		sqlite3_bind_int64(s, 1, id);
		if (t == ZT_FRESH_STR) {
			zt_names_split_addr(v[0], &host, &port);
			bind_str(s, 2, v[0]);
			bind_str(s, 3, host);
			if (port >= 0)
				sqlite3_bind_int64(s, 4, port);
			else
				sqlite3_bind_null(s, 4);
		} else {
			zt_names_tuple_key(&st->key, v, nc);
			sqlite3_bind_blob(s, 2, st->key.p, (int)st->key.n,
			    SQLITE_STATIC);
			for (i = 0; i < nc; i++)
				bind_str(s, 3 + i, v[i]);
		}
		if (sqlite3_step(s) != SQLITE_DONE) {
			sqlite3_reset(s);
			return dberr(st, err, "insert");
		}
		sqlite3_reset(s);
	}
	return 0;
}

/* ---- sources --------------------------------------------------------- */

static int
exists_rec(struct zt_store *st)
{
	/* An error counts as yes: keys are then looked up. */
	return zt_schema_int(st->db, "SELECT EXISTS (SELECT 1 FROM rec "
	    "WHERE k IS NOT NULL)") != 0;
}

int
zt_store_begin(struct zt_store *st, const char *name, struct zt_err *err)
{
	sqlite3_stmt	*s = st->st[S_SRC_NEW];
	int64_t		 dv = -1;

	if (exec(st, "BEGIN IMMEDIATE", err) == -1)
		return -1;
	/*
	 * Under the write lock, the tables are as the last writer left them:
	 * reload if another process added rows since the names were last in
	 * step with the file (its data_version moved), or after a rollback.
	 * Not for every source: with thousands of files, reading every
	 * distinct name again for each was quadratic.  PRAGMA data_version
	 * is SQLite's count of commits by other connections: the same
	 * number, no other process wrote since.
	 */
	if (st->mode == ZT_STORE_CREATE)
		dv = zt_schema_int(st->db, "PRAGMA data_version");
	if ((st->stale || st->mode == ZT_STORE_EXISTING ||
	    (st->mode == ZT_STORE_CREATE && (dv == -1 || dv != st->dv))) &&
	    dicts_load(st, err) == -1) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	st->dv = dv;
	zt_intern_begin(&st->in);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_reset(s);
		dberr(st, err, "insert source");
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	sqlite3_reset(s);
	st->src = sqlite3_last_insert_rowid(st->db);
	st->saved = 0;
	st->keyed = 0;
	st->nspare = 0;
	/* Keys are looked up only when there is something to find. */
	st->dedup = st->mode == ZT_STORE_CREATE && exists_rec(st);
	pods_reset(st);
	return 0;
}

static void
bind_id(sqlite3_stmt *s, int i, int64_t id)
{
	if (id > 0)
		sqlite3_bind_int64(s, i, id);
	else
		sqlite3_bind_null(s, i);
}

static void	bind_id(sqlite3_stmt *, int, int64_t);

static void
bind_opt(sqlite3_stmt *s, int i, int has, int64_t v)
{
	if (has)
		sqlite3_bind_int64(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

/*
 * Is a record of key k stored by another source (one that the current
 * source may yet replace does not count)?  1 yes, 0 no, -1 (err set).
 */
static int
stored(struct zt_store *st, int64_t ts, int64_t k, struct zt_err *err)
{
	sqlite3_stmt	*s = st->st[S_SEEN];
	int64_t		 id;
	size_t		 i;
	int		 rc;
	int		 found = 0;

	sqlite3_bind_int64(s, 1, k);
	sqlite3_bind_int64(s, 2, st->src);
	sqlite3_bind_int64(s, 3, ts);
	while (!found && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		for (i = 0; i < st->nspare && st->spare[i] != id; i++)
			;
		found = i == st->nspare;
	}
	sqlite3_reset(s);
	if (!found && rc != SQLITE_DONE)
		return dberr(st, err, "look up record");
	return found;
}

/* Bind one record's values to s, from its parameter base + 1 on. */
static void
bind_rec(struct zt_store *st, sqlite3_stmt *s, int base, unsigned long line,
    const struct zt_recids *ids, struct zt_str extra, struct zt_str prefix)
{
	sqlite3_bind_int64(s, base + 1, st->src);
	sqlite3_bind_int64(s, base + 2, (int64_t)line);
	bind_id(s, base + 3, ids->pod);
	sqlite3_bind_int64(s, base + 4, ids->ts_us);
	sqlite3_bind_int64(s, base + 5, ids->kind);
	bind_id(s, base + 6, ids->src_ip);
	bind_opt(s, base + 7, ids->src_port >= 0, ids->src_port);
	bind_id(s, base + 8, ids->src_peer);
	bind_id(s, base + 9, ids->dst);
	bind_id(s, base + 10, ids->hbone);
	bind_id(s, base + 11, ids->service);
	bind_id(s, base + 12, ids->dst_peer);
	bind_opt(s, base + 13, ids->has_sent, ids->bytes_sent);
	bind_opt(s, base + 14, ids->has_recv, ids->bytes_recv);
	bind_opt(s, base + 15, ids->has_dur, ids->duration_ms);
	sqlite3_bind_int(s, base + 16, ids->wp);
	bind_id(s, base + 17, ids->error);
	bind_opt(s, base + 18, ids->has_kube, ids->kube_d);
	bind_opt(s, base + 19, ids->has_kube && !ids->kube_z, ids->kube_off);
	bind_str(s, base + 20, extra);
	bind_str(s, base + 21, prefix);
	sqlite3_bind_int(s, base + 22, ids->partial);
	bind_opt(s, base + 23, st->keyed && ids->key != 0, ids->key);
}

static int
step(struct zt_store *st, sqlite3_stmt *s, struct zt_err *err)
{
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_reset(s);
		return dberr(st, err, "insert record");
	}
	sqlite3_reset(s);
	return 0;
}

/* The text held at off (n bytes; SIZE_MAX: absent). */
static struct zt_str
held_str(const struct zt_store *st, size_t off, size_t n)
{
	struct zt_str	 v = ZT_NOSTR;

	if (off != SIZE_MAX) {
		v.p = st->hbytes.p + off;
		v.n = n;
	}
	return v;
}

/* Where v is copied in hbytes, or SIZE_MAX when it is absent. */
static size_t
hold_str(struct zt_store *st, struct zt_str v)
{
	size_t	 off = st->hbytes.n;

	if (v.p == NULL)
		return SIZE_MAX;
	zt_buf_add(&st->hbytes, v.p, v.n);
	return off;
}

/* Prepare the BATCH-row insert from the one-row one. */
static int
batch_prepare(struct zt_store *st, struct zt_err *err)
{
	struct zt_buf	 q = { NULL, 0, 0 };
	const char	*values = strstr(sql[S_REC], " VALUES ");
	char		 row[32];
	int		 i, k, rc;

	zt_buf_add(&q, sql[S_REC], (size_t)(values - sql[S_REC]));
	zt_buf_add(&q, " VALUES ", 8);
	for (i = 0; i < BATCH; i++) {
		zt_buf_add(&q, i > 0 ? ",(" : "(", i > 0 ? 2 : 1);
		for (k = 1; k <= REC_PARAMS; k++) {
			snprintf(row, sizeof(row), "%s?%d", k > 1 ? "," : "",
			    i * REC_PARAMS + k);
			zt_buf_add(&q, row, strlen(row));
		}
		zt_buf_addc(&q, ')');
	}
	rc = sqlite3_prepare_v2(st->db, q.p, (int)q.n, &st->batch, NULL);
	zt_buf_free(&q);
	return rc == SQLITE_OK ? 0 : dberr(st, err, "prepare insert");
}

int
zt_store_flush(struct zt_store *st, struct zt_err *err)
{
	const struct held	*h;
	size_t			 i;
	int			 rc = 0;

	if (st->nheld == BATCH && st->batch == NULL &&
	    batch_prepare(st, err) == -1)
		rc = -1;
	else if (st->nheld == BATCH) {
		for (i = 0; i < BATCH; i++) {
			h = &st->held[i];
			bind_rec(st, st->batch, (int)i * REC_PARAMS, h->line,
			    &h->ids, held_str(st, h->extra, h->nextra),
			    held_str(st, h->prefix, h->nprefix));
		}
		rc = step(st, st->batch, err);
	} else
		for (i = 0; i < st->nheld && rc == 0; i++) {
			h = &st->held[i];
			bind_rec(st, st->st[S_REC], 0, h->line, &h->ids,
			    held_str(st, h->extra, h->nextra),
			    held_str(st, h->prefix, h->nprefix));
			rc = step(st, st->st[S_REC], err);
		}
	st->nheld = 0;
	st->hbytes.n = 0;
	return rc;
}

void
zt_store_batch(struct zt_store *st, int on)
{
	st->batching = on;
}

int
zt_store_insert(struct zt_store *st, unsigned long line,
    const struct zt_recids *ids, struct zt_str extra, struct zt_str prefix,
    struct zt_err *err)
{
	struct held	*h;

	if (st->mode == ZT_STORE_COUNT || st->mode == ZT_STORE_NAMES)
		return 0;
	/* The lookup is of other sources' records: held ones are not. */
	if (st->dedup) {
		switch (stored(st, ids->ts_us, ids->key, err)) {
		case 1:
			return 1;
		case -1:
			return -1;
		}
	}
	if (!st->batching) {
		bind_rec(st, st->st[S_REC], 0, line, ids, extra, prefix);
		return step(st, st->st[S_REC], err);
	}
	h = &st->held[st->nheld++];
	h->line = line;
	h->ids = *ids;
	h->extra = hold_str(st, extra);
	h->nextra = extra.n;
	h->prefix = hold_str(st, prefix);
	h->nprefix = prefix.n;
	return st->nheld == BATCH ? zt_store_flush(st, err) : 0;
}

int
zt_store_record(struct zt_store *st, unsigned long line,
    const struct zt_rec *rec, struct zt_err *err)
{
	struct zt_recids	 ids;
	struct zt_buf		 fresh = { NULL, 0, 0 };
	int			 rc = -1;

	if (st->mode == ZT_STORE_COUNT)
		return 0;
	if (zt_store_intern(st, rec, &ids, &fresh, err) == 0 &&
	    zt_store_fresh(st, fresh.p, fresh.n, err) == 0 &&
	    zt_store_insert(st, line, &ids, rec->extra, rec->prefix, err) >= 0)
		rc = 0;
	zt_buf_free(&fresh);
	return rc;
}

int
zt_store_reject(struct zt_store *st, unsigned long line, const char *reason,
    struct zt_str text, struct zt_err *err)
{
	sqlite3_stmt	*s = st->st[S_REJ];

	if (st->mode == ZT_STORE_COUNT || st->mode == ZT_STORE_NAMES)
		return 0;
	if (text.n > 512)
		text.n = 512;
	st->key.n = 0;
	zt_escape(&st->key, ZT_ESC_UTF8, text.p, text.n);
	zt_buf_addc(&st->key, '\0');
	sqlite3_bind_int64(s, 1, st->src);
	sqlite3_bind_int64(s, 2, (int64_t)line);
	sqlite3_bind_text(s, 3, reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, st->key.p, (int)st->key.n - 1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_reset(s);
		return dberr(st, err, "insert reject");
	}
	sqlite3_reset(s);
	return 0;
}

int
zt_store_counting(const struct zt_store *st)
{
	return st->mode == ZT_STORE_COUNT;
}

void
zt_store_count(struct zt_store *st, struct zt_str pod, enum zt_class cls)
{
	static const char	 none[] = "";
	uint64_t		 h;
	int64_t			 ix;
	struct zt_str		 key = pod;
	const struct pod	*lp;

	/* Lines come in pod blocks: most are the previous line's pod. */
	if (st->lastcount >= 0) {
		lp = &st->pods[st->lastcount];
		if (pod.p == NULL ? lp->name == NULL : lp->name != NULL &&
		    lp->len == pod.n && zt_mem_eq(lp->name, pod.p, pod.n)) {
			st->pods[st->lastcount].n[cls]++;
			return;
		}
	}
	/* Key "" stands for "no pod"; pod names are never empty. */
	if (key.p == NULL) {
		key.p = none;
		key.n = 0;
	}
	h = zt_hash(key.p, key.n);
	ix = zt_dict_get(&st->podix, key.p, key.n, h);
	if (ix < 0) {
		if (st->npods >= MAXPODS) {
			key.p = "(more pods)";
			key.n = strlen(key.p);
			h = zt_hash(key.p, key.n);
			ix = zt_dict_get(&st->podix, key.p, key.n, h);
		}
		if (ix < 0) {
			/* Doubling from 8: cheap however many pods. */
			if (st->npods == 0 || (st->npods >= 8 &&
			    (st->npods & (st->npods - 1)) == 0))
				st->pods = zt_xrealloc(st->pods, (st->npods ?
				    st->npods * 2 : 8) * sizeof(*st->pods));
			memset(&st->pods[st->npods], 0, sizeof(*st->pods));
			if (pod.p != NULL) {
				st->pods[st->npods].name =
				    zt_xstrndup(key.p, key.n);
				st->pods[st->npods].len = key.n;
			}
			ix = (int64_t)st->npods++;
			zt_dict_put(&st->podix, key.p, key.n, h, ix);
		}
	}
	st->pods[ix].n[cls]++;
	st->lastcount = ix;
}

int
zt_store_clean(const struct zt_store *st)
{
	return st->mode != ZT_STORE_CREATE && st->mode != ZT_STORE_EXISTING &&
	    !st->errored;
}

long
zt_store_unfinished(struct zt_store *st, struct zt_unfinished **out,
    size_t max, struct zt_err *err)
{
	sqlite3_stmt	*s;
	size_t		 n = 0;
	const char	*h;

	*out = zt_xcalloc(max ? max : 1, sizeof(**out));
	/*
	 * An in-memory store holds only what this process wrote: without a
	 * source written with an error there is none to find, and the scan
	 * of sources (one per source read: quadratic in thousands of small
	 * files) is skipped.
	 */
	if (zt_store_clean(st))
		return 0;
	if (sqlite3_prepare_v2(st->db, "SELECT id, bytes, sha256, name FROM "
	    "sources WHERE error IS NOT NULL AND bytes > 0 AND sha256 IS NOT "
	    "NULL ORDER BY id DESC", -1, &s, NULL) != SQLITE_OK) {
		free(*out);
		*out = NULL;
		return dberr(st, err, "unfinished sources");
	}
	while (n < max && sqlite3_step(s) == SQLITE_ROW) {
		h = (const char *)sqlite3_column_text(s, 2);
		/* SHA-256 in hex, or a run's fast fingerprint (input.h). */
		if (h == NULL || strlen(h) == 0 || strlen(h) > 64)
			continue;
		(*out)[n].id = sqlite3_column_int64(s, 0);
		(*out)[n].bytes = (uint64_t)sqlite3_column_int64(s, 1);
		memcpy((*out)[n].sha256, h, strlen(h) + 1);
		(*out)[n].name = zt_xstrdup((const char *)
		    sqlite3_column_text(s, 3));
		if (st->nspare < ZT_INPUT_MAXPRE)
			st->spare[st->nspare++] = (*out)[n].id;
		n++;
	}
	sqlite3_finalize(s);
	return (long)n;
}

/* Delete source id and everything of it, inside a transaction. */
static int
delete_source(struct zt_store *st, int64_t id, struct zt_err *err)
{
	static const char *const q[] = {
		"DELETE FROM rec WHERE source_id = ?1",
		"DELETE FROM rejects WHERE source_id = ?1",
		"DELETE FROM pods WHERE source_id = ?1",
		"DELETE FROM sources WHERE id = ?1",
	};
	sqlite3_stmt	*s;
	size_t		 i;

	for (i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		if (sqlite3_prepare_v2(st->db, q[i], -1, &s, NULL) != SQLITE_OK)
			return dberr(st, err, "delete source");
		sqlite3_bind_int64(s, 1, id);
		if (sqlite3_step(s) != SQLITE_DONE) {
			sqlite3_finalize(s);
			return dberr(st, err, "delete source");
		}
		sqlite3_finalize(s);
	}
	return 0;
}

int
zt_store_replace(struct zt_store *st, int64_t id, const char *by,
    struct zt_err *err)
{
	sqlite3_stmt	*s;

	if (sqlite3_prepare_v2(st->db, "INSERT INTO skipped(name, reason, "
	    "sha256) SELECT name, 'replaced by ' || ?2 || ', which starts "
	    "with it', sha256 FROM sources WHERE id = ?1", -1, &s,
	    NULL) != SQLITE_OK)
		return dberr(st, err, "replace source");
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, by, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_finalize(s);
		return dberr(st, err, "replace source");
	}
	sqlite3_finalize(s);
	return delete_source(st, id, err);
}

uint64_t
zt_store_npods(const struct zt_store *st)
{
	return st->npods;
}

int
zt_store_count_again(struct zt_store *st, enum zt_class cls)
{
	if (st->lastcount < 0)
		return 0;
	st->pods[st->lastcount].n[cls]++;
	return 1;
}

void
zt_store_count_move(struct zt_store *st, struct zt_str pod,
    enum zt_class from, enum zt_class to)
{
	zt_store_count(st, pod, to);
	if (st->pods[st->lastcount].n[from] > 0)
		st->pods[st->lastcount].n[from]--;
}

void
zt_store_abort(struct zt_store *st)
{
	st->nheld = 0;
	st->hbytes.n = 0;
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	/*
	 * Ids handed out in the rolled-back transaction are gone: forget
	 * them (a private memory database cannot have changed behind our
	 * back), or reload what the file holds at the next source.
	 */
	if (st->src != 0 && (st->mode == ZT_STORE_MEMORY ||
	    st->mode == ZT_STORE_NAMES))
		zt_intern_rollback(&st->in);
	else
		st->stale = 1;
	st->src = 0;
	pods_reset(st);
}

static int
write_pods(struct zt_store *st, struct zt_err *err)
{
	sqlite3_stmt	*s = st->st[S_POD];
	size_t		 i;
	int		 k;

	for (i = 0; i < st->npods; i++) {
		sqlite3_bind_int64(s, 1, st->src);
		if (st->pods[i].name != NULL)
			sqlite3_bind_text(s, 2, st->pods[i].name, -1,
			    SQLITE_STATIC);
		else
			sqlite3_bind_null(s, 2);
		sqlite3_bind_int64(s, 3, (int64_t)(st->pods[i].n[0] +
		    st->pods[i].n[1] + st->pods[i].n[2] + st->pods[i].n[3]));
		for (k = 0; k < ZT_CLASS_COUNT; k++)
			sqlite3_bind_int64(s, 4 + k, (int64_t)st->pods[i].n[k]);
		if (sqlite3_step(s) != SQLITE_DONE) {
			sqlite3_reset(s);
			return dberr(st, err, "insert pod");
		}
		sqlite3_reset(s);
	}
	return 0;
}

static void
bind_cstr(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

/* What is known of the source, and the counts beyond the classes. */
static void
bind_info(sqlite3_stmt *s, const struct zt_source_stats *ss)
{
	const struct zt_srcinfo	*in = ss->info;

	bind_cstr(s, 11, ss->wrapper[0] != '\0' ? ss->wrapper : NULL);
	bind_cstr(s, 12, in != NULL ? in->pod : NULL);
	bind_cstr(s, 13, in != NULL ? in->ns : NULL);
	bind_cstr(s, 14, in != NULL ? in->container : NULL);
	bind_cstr(s, 15, in != NULL ? in->node : NULL);
	bind_cstr(s, 16, in != NULL ? in->instance : NULL);
	sqlite3_bind_int64(s, 17, (int64_t)ss->joined);
	sqlite3_bind_int64(s, 18, (int64_t)ss->prefixed);
	sqlite3_bind_int64(s, 19, (int64_t)ss->partial);
	bind_cstr(s, 20, ss->error);
}

int
zt_store_skip(struct zt_store *st, const char *name, const char *reason,
    uint64_t files, struct zt_err *err)
{
	sqlite3_stmt	*s = st->st[S_SKIP];

	if (exec(st, "BEGIN IMMEDIATE", err) == -1)
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (int64_t)files);
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_reset(s);
		dberr(st, err, "insert skipped");
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	sqlite3_reset(s);
	return exec(st, "COMMIT", err);
}

/*
 * The sources row of the current source from ss, and its pods rows.  At
 * a checkpoint (final 0) the content hash is not known yet and the
 * error column says the source was not read to its end, which stays
 * true if ztlog never gets to say otherwise (killed).
 */
static int
set_source(struct zt_store *st, const struct zt_source_stats *ss, int final,
    struct zt_err *err)
{
	sqlite3_stmt	*s = st->st[S_SRC_SET];
	char		 fmt[32];
	char		 first[28];
	char		 last[28];
	char		 cut[160];

	snprintf(fmt, sizeof(fmt), "%s %s", ss->gzip ? "gzip" : "plain",
	    ss->text && ss->json ? "text+json" : ss->text ? "text" :
	    ss->json ? "json" : "-");
	snprintf(cut, sizeof(cut), "unfinished: stored up to line %llu, then "
	    "ztlog stopped before the end of this source (killed?)",
	    (unsigned long long)(ss->lines + ss->joined));
	sqlite3_bind_int64(s, 1, st->src);
	if (final)
		sqlite3_bind_text(s, 2, ss->sha256, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 2);
	sqlite3_bind_text(s, 3, fmt, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, (int64_t)ss->bytes);
	sqlite3_bind_int64(s, 5, (int64_t)ss->lines);
	sqlite3_bind_int64(s, 6, (int64_t)ss->records);
	sqlite3_bind_int64(s, 7, (int64_t)ss->other);
	sqlite3_bind_int64(s, 8, (int64_t)ss->malformed);
	if (ss->timed > 0) {
		zt_format_ts(ss->first_us, first);
		zt_format_ts(ss->last_us, last);
		sqlite3_bind_text(s, 9, first, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 10, last, -1, SQLITE_STATIC);
	} else {
		sqlite3_bind_null(s, 9);
		sqlite3_bind_null(s, 10);
	}
	bind_info(s, ss);
	if (!final)
		sqlite3_bind_text(s, 20, cut, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 21, (int64_t)ss->dups);
	sqlite3_bind_int64(s, 22, (int64_t)ss->filtered);
	bind_cstr(s, 23, ss->filters);
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_reset(s);
		return dberr(st, err, "update source");
	}
	sqlite3_reset(s);
	if (!final || ss->error != NULL)
		st->errored = 1;
	if (st->saved) {
		s = st->st[S_POD_DEL];
		sqlite3_bind_int64(s, 1, st->src);
		if (sqlite3_step(s) != SQLITE_DONE) {
			sqlite3_reset(s);
			return dberr(st, err, "update pods");
		}
		sqlite3_reset(s);
	}
	return write_pods(st, err);
}

static void	(*gap_hook)(void *);
static void	 *gap_arg;

void
zt_store_test_gap(void (*fn)(void *), void *arg)
{
	gap_hook = fn;
	gap_arg = arg;
}

/*
 * Has the file names beyond marks (the last ids committed here), written
 * by another process?  (An error reading counts as yes.)
 */
static int
names_moved(struct zt_store *st, const int64_t marks[3])
{
	static const char *const q[3] = {
		"SELECT coalesce(max(id), 0) FROM str",
		"SELECT coalesce(max(id), 0) FROM peer",
		"SELECT coalesce(max(id), 0) FROM kind",
	};
	int	 i;

	for (i = 0; i < 3; i++)
		if (zt_schema_int(st->db, q[i]) != marks[i])
			return 1;
	return 0;
}

int
zt_store_checkpoint(struct zt_store *st, const struct zt_source_stats *ss,
    const int64_t marks[3], struct zt_err *err)
{
	int64_t	 dv;

	if (st->src == 0 || st->mode != ZT_STORE_CREATE)
		return 0;
	if (zt_store_flush(st, err) == -1 || set_source(st, ss, 0, err) == -1 ||
	    exec(st, "COMMIT", err) == -1)
		return -1;
	st->saved = 1;
	st->saved_lines = ss->lines + ss->joined;
	if (gap_hook != NULL)
		gap_hook(gap_arg);
	if (exec(st, "BEGIN IMMEDIATE", err) == -1) {
		/* Not in a transaction: nothing to roll back. */
		st->src = 0;
		st->stale = 1;
		pods_reset(st);
		return -1;
	}
	/*
	 * Between COMMIT and BEGIN the file was not locked.  The write lock
	 * is held from BEGIN to COMMIT, so a data_version that moved since
	 * the last BEGIN says another process committed there.  Records and
	 * sources of its own change nothing here; names do: they may hold
	 * the ids this one's interner has handed out ahead (the next insert
	 * would then fail on a constraint, or worse).  Then the source ends
	 * here (zt_store_abort keeps what was committed), with the reason.
	 */
	dv = zt_schema_int(st->db, "PRAGMA data_version");
	if (dv != st->dv && names_moved(st, marks))
		return zt_err_set(err, "database: another process added "
		    "names to the file between two of this stream's commits; "
		    "the stream ends here (run ingest again for the rest)");
	st->dv = dv;
	/* Names interned ahead of what is stored are not committed yet. */
	zt_intern_commit(&st->in, marks);
	return 0;
}

void
zt_store_marks(const struct zt_store *st, int64_t marks[3])
{
	zt_intern_marks(&st->in, marks);
}

void
zt_store_stream(struct zt_store *st)
{
	st->keyed = st->mode == ZT_STORE_CREATE;
}

int
zt_store_durable(const struct zt_store *st)
{
	return st->mode == ZT_STORE_CREATE;
}

int
zt_store_saved(const struct zt_store *st, uint64_t *lines)
{
	*lines = st->saved ? st->saved_lines : 0;
	return st->saved;
}

/* The current source, committed at a checkpoint, found a duplicate. */
static void
drop_saved(struct zt_store *st, int64_t id)
{
	struct zt_err	 err;

	if (exec(st, "BEGIN IMMEDIATE", &err) == -1)
		return;
	if (delete_source(st, id, &err) == -1)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	else
		sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
}

int
zt_store_end(struct zt_store *st, const struct zt_source_stats *ss,
    char **dup_name, struct zt_err *err)
{
	sqlite3_stmt	*s;
	int64_t		 id = st->src;

	*dup_name = NULL;
	if (zt_store_flush(st, err) == -1) {
		zt_store_abort(st);
		return -1;
	}
	if (ss->bytes > 0) {
		s = st->st[S_SRC_DUP];
		sqlite3_bind_text(s, 1, ss->sha256, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, st->src);
		if (sqlite3_step(s) == SQLITE_ROW)
			*dup_name = zt_xstrdup((const char *)
			    sqlite3_column_text(s, 1));
		sqlite3_reset(s);
		if (*dup_name != NULL) {
			zt_store_abort(st);
			if (st->saved)
				drop_saved(st, id);
			return 1;
		}
	}
	if (set_source(st, ss, 1, err) == -1 ||
	    exec(st, "COMMIT", err) == -1) {
		zt_store_abort(st);
		return -1;
	}
	st->src = 0;
	pods_reset(st);
	return 0;
}

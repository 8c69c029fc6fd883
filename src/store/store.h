/*
 * store.h -- the SQLite side: schema, string interning, batched inserts.
 *
 * input -> lines -> record -> [store]
 *
 * The public schema is the view "records" plus the tables "sources",
 * "pods" and "rejects" (see ztlog(1)).  Underneath, records live in "rec"
 * as small integers: repeated strings (pods, addresses, services, errors)
 * are interned in "str", workload tuples in "peer", (level, message,
 * direction) in "kind".  That keeps a record near 50 bytes on disk and
 * makes an insert a handful of integer binds.
 *
 * Every source is a transaction: zt_store_begin() .. zt_store_end(), and
 * a database file's also commits at each zt_store_checkpoint() between
 * (a stream's records are kept as it is read).  A source whose content
 * hash is already stored is rolled back (and its checkpoints deleted)
 * there; a record already stored by a stream is not stored again.
 */
#ifndef ZT_STORE_H
#define ZT_STORE_H

#include <stdint.h>

#include <sqlite3.h>

#include "util/diag.h"
#include "parse/record.h"
#include "store/intern.h"
#include "store/names.h"
#include "util/str.h"
#include "util/text.h"
#include "store/lockdown.h"

struct zt_store;

enum zt_store_mode {
	ZT_STORE_CREATE,	/* file, created if missing (ingest) */
	ZT_STORE_EXISTING,	/* file that must exist (query, stats) */
	ZT_STORE_MEMORY,	/* private in-memory database */
	ZT_STORE_COUNT,		/* in memory, keep counts but no records */
	ZT_STORE_NAMES		/* in memory: sources and pods; the names
				   only in zt_store_names (none in str,
				   peer, kind); no records, no rejects */
};

/* Per-source accounting, filled by the caller while reading. */
struct zt_source_stats {
	const struct zt_srcinfo *info;	/* what was known; NULL: nothing */
	uint64_t	 bytes;		/* decompressed bytes */
	uint64_t	 lines;
	uint64_t	 read;		/* lines the reader read */
	uint64_t	 records;	/* stored */
	uint64_t	 dups;		/* records skipped: already stored
					   by another source (their key) */
	uint64_t	 filtered;	/* records ingest's filters left out */
	const char	*filters;	/* their text, or NULL: none */
	uint64_t	 other;
	uint64_t	 malformed;
	uint64_t	 joined;	/* first parts of split lines */
	uint64_t	 prefixed;	/* records behind an unknown prefix */
	uint64_t	 partial;	/* header-less records */
	uint64_t	 timed;		/* records with a time */
	uint64_t	 scoped;	/* other lines of ztunnel's own log */
	uint64_t	 pods;		/* distinct pods counted */
	unsigned	 wraps;		/* 1 << enum zt_lwrap seen */
	char		 wrapper[64];	/* "cri", "bug-report", ... or "" */
	const char	*error;		/* the input error that ended it */
	int		 gzip;		/* compressed input */
	int		 text;		/* saw text-format access lines */
	int		 json;		/* saw JSON access lines */
	int64_t		 first_us;	/* earliest record timestamp */
	int64_t		 last_us;	/* latest; valid when timed > 0 */
	char		 sha256[65];
};

/*
 * Open the database at path (ignored for the memory modes) and make sure
 * the schema exists.  Returns 0, or -1 with err set.
 */
int	zt_store_open(struct zt_store **out, const char *path,
	    enum zt_store_mode mode, struct zt_err *err);
void	zt_store_close(struct zt_store *st);
/*
 * What st keeps in SQLite: 1 for a file database being written and the
 * in-memory database of query and of check with sql rules, where the
 * inventory tables belong; 0 for a database opened for reading and for
 * the stores that keep only names or counts.
 */
int	zt_store_keeps_tables(const struct zt_store *st);
/* The connection, for queries; owned by the store. */
sqlite3	*zt_store_db(struct zt_store *st);
/*
 * The names interned so far (names.h), owned by the store: another
 * thread may read the ids it is handed while ingest interns more.
 */
const struct zt_nameset *zt_store_names(const struct zt_store *st);
/*
 * A second connection to the same database, opened read-only (in-memory
 * databases too).  Owned by the caller: sqlite3_close() it before
 * zt_store_close().  NULL with err set on failure.
 */
sqlite3	*zt_store_reader(struct zt_store *st, struct zt_err *err);

/* Start a source: a transaction and its sources row.  Returns 0 or -1. */
int	zt_store_begin(struct zt_store *st, const char *name,
	    struct zt_err *err);
/*
 * Between zt_store_begin and zt_store_end, on the thread that inserts
 * (ingest interns in input order, so ids do not depend on threads):
 * zt_store_intern gives rec's strings their ids (zt_store_names) and
 * appends the rows that are new to fresh (nothing in ZT_STORE_NAMES
 * mode, which keeps no names in SQLite); zt_store_fresh inserts such
 * rows, and must run before
 * the records that use them are inserted with zt_store_insert.  -1 with
 * err set on a database error, or when the distinct names pass ztlog's
 * limit (32 MB of names per table).
 */
int	zt_store_intern(struct zt_store *st, const struct zt_rec *rec,
	    struct zt_recids *ids, struct zt_buf *fresh, struct zt_err *err);
int	zt_store_fresh(struct zt_store *st, const char *p, size_t n,
	    struct zt_err *err);
/*
 * Returns 0 (stored), 1 when a database file holds a record of the same
 * key (ids->key, schema.h) from another source (a stream), so that it
 * was not stored: a duplicate; -1 with err set on a database error.
 * Records repeated within one source are all stored.
 */
int	zt_store_insert(struct zt_store *st, unsigned long line,
	    const struct zt_recids *ids, struct zt_str extra,
	    struct zt_str prefix, struct zt_err *err);
/*
 * Batching on (on 1) or off: while on, zt_store_insert may hold records
 * back (copies) to insert them several to a statement, and the rec
 * table shows them only after zt_store_flush (as zt_store_end and a
 * database file's zt_store_checkpoint do; zt_store_abort drops them).
 * Off, each is inserted at once.
 */
void	zt_store_batch(struct zt_store *st, int on);
/* Insert the records held back.  0, or -1 with err set. */
int	zt_store_flush(struct zt_store *st, struct zt_err *err);
/* All three in one go, on one thread. */
int	zt_store_record(struct zt_store *st, unsigned long line,
	    const struct zt_rec *rec, struct zt_err *err);
/* Store one rejected line of the current source. */
int	zt_store_reject(struct zt_store *st, unsigned long line,
	    const char *reason, struct zt_str text, struct zt_err *err);
/* 1 if the store keeps counts only (ZT_STORE_COUNT). */
int	zt_store_counting(const struct zt_store *st);
/* Count one line of the given class for pod (absent: no pod). */
void	zt_store_count(struct zt_store *st, struct zt_str pod,
	    enum zt_class cls);
/*
 * Count a line of the pod the last line counted was of (the caller
 * knows, without reading the name): 1, or 0 when none was counted yet.
 */
int	zt_store_count_again(struct zt_store *st, enum zt_class cls);

/*
 * A stored source that ended with an input error (a truncated gzip): its
 * byte count and content hash, so that a later source whose first bytes
 * hash the same (the complete file) replaces it.
 */
struct zt_unfinished {
	int64_t		 id;
	uint64_t	 bytes;
	char		 sha256[65];
	char		*name;		/* owned */
};

/*
 * The unfinished sources stored, newest first, at most max, into a
 * malloc'd array (*out; free the names and it).  Call inside a source
 * (after zt_store_begin).  Returns the count, or -1 with err set.
 */
long	zt_store_unfinished(struct zt_store *st, struct zt_unfinished **out,
	    size_t max, struct zt_err *err);
/*
 * Delete stored source id and everything of it, in the current source's
 * transaction (its content is the start of the current source's, named
 * by), and note it in the skipped table with its hash, so that reading
 * it again is a duplicate.  0 or -1.
 */
int	zt_store_replace(struct zt_store *st, int64_t id, const char *by,
	    struct zt_err *err);

/* Distinct pods counted in the current source so far. */
uint64_t zt_store_npods(const struct zt_store *st);
/* Move one line of pod from class from to class to (zt_parse_flush). */
void	zt_store_count_move(struct zt_store *st, struct zt_str pod,
	    enum zt_class from, enum zt_class to);

/*
 * Note files or archive members that were not read (no source, between
 * sources): a row of the skipped table, name standing for files of them.
 * Returns 0, or -1 with err set.
 */
int	zt_store_skip(struct zt_store *st, const char *name,
	    const char *reason, uint64_t files, struct zt_err *err);

/*
 * Finish the current source.  When its content is already stored under
 * another source (or was, before a longer source replaced it), roll back and return 1 with *dup_name (owned by the
 * caller, free()) naming it.  Else commit and return 0.  -1 with err set on
 * a database error (rolled back).
 */
int	zt_store_end(struct zt_store *st, const struct zt_source_stats *ss,
	    char **dup_name, struct zt_err *err);
/*
 * Commit what the current source has stored so far (a database file
 * only; a no-op otherwise) and go on in a new transaction: its sources
 * row says it is unfinished until zt_store_end, which makes a kill
 * after this lose only what came since.  marks: zt_store_marks as it
 * stood after interning the last record stored (interning may run ahead
 * on another thread).  0, or -1 with err set (the source is then over:
 * zt_store_abort keeps what was committed).
 */
int	zt_store_checkpoint(struct zt_store *st,
	    const struct zt_source_stats *ss, const int64_t marks[3],
	    struct zt_err *err);
/*
 * Tests only: fn(arg) runs in zt_store_checkpoint between its COMMIT and
 * the next BEGIN, where another process may write (NULL: nothing).
 */
void	zt_store_test_gap(void (*fn)(void *), void *arg);
/* Where names stand, on the thread that interns (zt_intern_marks). */
void	zt_store_marks(const struct zt_store *st, int64_t marks[3]);
/*
 * The current source is a stream: its records are stored with their keys
 * (schema.h), so that the records of a later source with the same keys
 * are not stored again (a database file only).
 */
void	zt_store_stream(struct zt_store *st);
/*
 * 1 if no source of st can be unfinished: a private in-memory store none
 * of whose sources ended in an error (the next source needs no prefix
 * checkpoints, whatever it is).
 */
int	zt_store_clean(const struct zt_store *st);
/* 1 if zt_store_checkpoint commits (a database file being written). */
int	zt_store_durable(const struct zt_store *st);
/*
 * 1 if the current (or the source just abandoned) has a checkpoint
 * committed, and the lines it had then in *lines.
 */
int	zt_store_saved(const struct zt_store *st, uint64_t *lines);
/*
 * Abandon the current source (roll back to its last checkpoint).  Never
 * fails.
 */
void	zt_store_abort(struct zt_store *st);

#endif

/*
 * intern.h -- the names side of the store: a record's repeated texts
 * into small integer ids, held once in the store's names (names.h).
 *
 * parse -> [intern] -> store (rows of ids), check (names by id)
 *
 * Texts (pods, addresses, services, errors) go into str, workload tuples
 * into peer, (level, message, direction) into kind.  Each table's names
 * mirror its SQLite table (or are all there is of it, for a store that
 * keeps no names), so new ids come from a counter and interning needs no
 * query.  Names new to a table are logged, for the store thread to
 * insert, in a "fresh log" (zt_intern_record, zt_intern_fresh_next).
 *
 * Ownership: a zt_intern owns its names and buffers (zt_intern_fini).
 */
#ifndef ZT_INTERN_H
#define ZT_INTERN_H

#include <stdint.h>

#include <sqlite3.h>

#include "parse/record.h"
#include "store/names.h"
#include "util/diag.h"
#include "util/text.h"

/*
 * A record with its strings interned: what one rec row holds.  Ids are 0
 * for "absent".
 */
struct zt_recids {
	int64_t		 pod;
	int64_t		 ts_us;
	int64_t		 kind;
	int64_t		 src_ip;
	int64_t		 src_port;	/* -1: none */
	int64_t		 src_peer;
	int64_t		 dst;
	int64_t		 hbone;
	int64_t		 service;
	int64_t		 dst_peer;
	int64_t		 error;
	int64_t		 bytes_sent;
	int64_t		 bytes_recv;
	int64_t		 duration_ms;
	int64_t		 kube_d;	/* kubelet time - ztunnel time, ns */
	int		 kube_off;	/* kubelet UTC offset, minutes */
	unsigned	 has_sent : 1;
	unsigned	 has_recv : 1;
	unsigned	 has_dur : 1;
	unsigned	 has_kube : 1;
	unsigned	 kube_z : 1;	/* kubelet time written with Z */
	unsigned	 wp : 1;	/* outbound HBONE via a waypoint */
	unsigned	 partial : 1;	/* header-less: ts_us is ZT_TS_NONE */
	int64_t		 key;		/* rec.k (store/schema.h), set by
					   zt_store_intern in the stores
					   that keep records; else 0 */
};

/* One table: its names, and the last id handed out. */
struct zt_itab {
	struct zt_names	*d;		/* in the interner's names */
	int64_t		 next;		/* last id handed out */
	int		 ncols;		/* texts per row: 1, 4 or 3 */
	const char	*what;		/* for the "too many" message */
};

struct zt_intern {
	struct zt_nameset names;
	struct zt_itab	 str;
	struct zt_itab	 peer;
	struct zt_itab	 kind;
	struct zt_buf	 key;		/* tuple key being built */
	int64_t		 lastpod;	/* id of the last pod interned, or -1 */
	struct zt_buf	 lastpod_name;	/* its name */
	int64_t		 mark[3];	/* next of str, peer, kind at begin */
};

/* The tables of the fresh log. */
enum zt_fresh_tab {
	ZT_FRESH_STR,
	ZT_FRESH_PEER,
	ZT_FRESH_KIND
};

/* Empty tables of up to 32 MB of names each (ztlog's limit). */
void	zt_intern_init(struct zt_intern *in);
void	zt_intern_fini(struct zt_intern *in);
/*
 * Mirror db's str, peer and kind tables, replacing what was held.
 * Returns 0, or -1 with err set.
 */
int	zt_intern_load(struct zt_intern *in, sqlite3 *db, struct zt_err *err);
/* A source begins: what zt_intern_rollback returns to. */
void	zt_intern_begin(struct zt_intern *in);
/* Forget the names interned since zt_intern_begin. */
void	zt_intern_rollback(struct zt_intern *in);
/*
 * Interning may run ahead of the commits on another thread.  The marks as
 * interning stands (read on that thread), and, once what was interned up
 * to marks m is committed, m as what zt_intern_rollback returns to.
 */
void	zt_intern_marks(const struct zt_intern *in, int64_t m[3]);
void	zt_intern_commit(struct zt_intern *in, const int64_t m[3]);
/*
 * Give rec's texts their ids, into ids, appending the names that are new
 * to fresh (unless fresh is NULL).  -1 with err set when the distinct
 * names of a table pass ztlog's limit.
 */
int	zt_intern_record(struct zt_intern *in, const struct zt_rec *rec,
	    struct zt_recids *ids, struct zt_buf *fresh, struct zt_err *err);
/*
 * The fresh log's row at *p (before end): its table, id and texts (into
 * v[4], views into the log; absent ones have p NULL).  Returns the count
 * of texts, *p moved past the row, or 0 at the end.
 */
int	zt_intern_fresh_next(const char **p, const char *end,
	    enum zt_fresh_tab *tab, int64_t *id, struct zt_str v[4]);

#endif

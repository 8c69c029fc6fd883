/*
 * row.h -- one record as the checks see it: the columns of the records
 * view (ztlog(1)) as text views and numbers, plus the interned ids the
 * checks group by.
 *
 * names -> [row] -> the engine, the checks, examples; filters (rules)
 * read its columns
 *
 * A zt_row owns nothing: its texts point into the run's names and live
 * as long as they do (zt_row_fill), or into whatever the caller built it
 * from.
 */
#ifndef ZT_ROW_H
#define ZT_ROW_H

#include <stdint.h>

#include "rules/filter.h"
#include "util/str.h"

struct zt_row {
	int64_t		 source_id;
	int64_t		 line;
	int64_t		 ref;		/* line reference, see engine.c */
	int64_t		 ts_us;
	/* The columns (filter.h): text, absent p NULL; numbers in num. */
	struct zt_str	 s[ZT_COL_COUNT];
	int64_t		 num[ZT_COL_COUNT];
	/* Interned ids (0 = absent), for grouping without string compares. */
	int64_t		 pod_id;
	int64_t		 kind_id;
	int64_t		 src_ip_id;
	int64_t		 dst_id;
	int64_t		 dst_host_id;
	int64_t		 hbone_id;
	int64_t		 hbone_host_id;
	int64_t		 service_id;
	int64_t		 error_id;
	int64_t		 src_peer;
	int64_t		 dst_peer;
	int64_t		 src_wl_id;	/* (namespace, workload) key, 0 absent */
	int64_t		 dst_wl_id;
	int		 outbound;
	int		 inbound;
	int		 hbone;
	int		 wp;
	int		 failed;	/* message "connection failed" */
	int		 complete;	/* message "connection complete" */
	int		 has_bytes;	/* bytes_sent and bytes_recv present */
};

struct zt_buf;
struct zt_dims;
struct zt_recids;

/* Append row's src_addr ("ip:port", "[ip6]:port" or "ip"); src_ip present. */
void	zt_row_src_addr(struct zt_buf *b, const struct zt_row *row);

/*
 * The workload tuples decoded last, by peer id (direct-mapped): records
 * come in runs of the same few peers, and decoding a tuple is most of
 * filling a row.  Entries must be dropped (zt_peercache_clear) when the
 * names they point into are truncated.
 */
#define ZT_PEERCACHE	256

struct zt_peercache {
	int64_t		 id[ZT_PEERCACHE];	/* 0: empty */
	struct zt_str	 f[ZT_PEERCACHE][4];
};

void	zt_peercache_clear(struct zt_peercache *pc);

/* What filling rows needs besides the record. */
struct zt_rowfill {
	const struct zt_dims	*dm;	/* the names, synced (zt_dims_sync) */
	struct zt_peercache	*pc;	/* or NULL */
	struct zt_buf		*addr;	/* src_addr's text, when wanted */
	int			 want_src_addr;	/* a filter names src_addr */
};

/*
 * Fill row from a record's ids (store.h) at line of source key source.
 * src_addr is the one column that has to be built: into rf->addr, when
 * wanted; else it reads as src_ip.
 */
void	zt_row_fill(struct zt_row *row, const struct zt_rowfill *rf,
	    int64_t source, int64_t line, const struct zt_recids *ids);

/*
 * One line about row, "ts direction src (addr) -> dst (addr) ...", as
 * examples and `ztlog pairs` show records.  Owned by the caller (free).
 */
char	*zt_row_describe(const struct zt_row *row);

#endif

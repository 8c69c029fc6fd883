/*
 * row.h -- one record as the checks see it: the columns of the records
 * view (ztlog(1)) as text views and numbers, plus the interned ids the
 * checks group by.
 *
 * names -> [row] -> filter (rules), the checks, examples
 *
 * A zt_row owns nothing: its texts point into the run's names and live
 * as long as they do (zt_row_fill), or into whatever the caller built it
 * from.
 */
#ifndef ZT_ROW_H
#define ZT_ROW_H

#include <stdint.h>

#include "util/str.h"

/* Columns of the records view a filter can name. */
enum zt_col {
	ZT_COL_POD, ZT_COL_LEVEL, ZT_COL_MESSAGE, ZT_COL_DIRECTION,
	ZT_COL_SRC_ADDR, ZT_COL_SRC_IP, ZT_COL_SRC_PORT, ZT_COL_SRC_WORKLOAD,
	ZT_COL_SRC_NAMESPACE, ZT_COL_SRC_IDENTITY, ZT_COL_SRC_CLUSTER,
	ZT_COL_DST_ADDR, ZT_COL_DST_IP, ZT_COL_DST_PORT, ZT_COL_DST_HBONE_ADDR,
	ZT_COL_DST_HBONE_HOST, ZT_COL_DST_HBONE_PORT, ZT_COL_DST_SERVICE,
	ZT_COL_DST_WORKLOAD, ZT_COL_DST_NAMESPACE, ZT_COL_DST_IDENTITY,
	ZT_COL_DST_CLUSTER, ZT_COL_BYTES_SENT, ZT_COL_BYTES_RECV,
	ZT_COL_DURATION_MS, ZT_COL_ERROR, ZT_COL_HBONE, ZT_COL_VIA_WAYPOINT,
	ZT_COL_COUNT
};

extern const char *const zt_col_names[ZT_COL_COUNT];
/* Column index of name, or -1. */
int	zt_col_lookup(const char *name);
/* Is column c a number (num[c] holds it when s[c] is present)? */
int	zt_col_numeric(enum zt_col c);

struct zt_row {
	int64_t		 source_id;
	int64_t		 line;
	int64_t		 ref;		/* line reference, see engine.c */
	int64_t		 ts_us;
	struct zt_str	 s[ZT_COL_COUNT];	/* text of each column; absent: p NULL */
	int64_t		 num[ZT_COL_COUNT];	/* numeric columns */
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

/*
 * Fill row from a record's ids (store.h) and the run's names, whose ids
 * up to the record's must be synced (zt_dims_sync).  src_addr is the one
 * column that has to be built: into addr, when want_src_addr (a filter
 * names it); else it reads as src_ip.
 */
void	zt_row_fill(struct zt_row *row, const struct zt_dims *dm,
	    int64_t source, int64_t line, const struct zt_recids *ids,
	    struct zt_buf *addr, int want_src_addr);

/* Append row's src_addr ("ip:port", "[ip6]:port" or "ip"); src_ip present. */
void	zt_row_src_addr(struct zt_buf *b, const struct zt_row *row);

/*
 * One line about row, "ts direction src (addr) -> dst (addr) ...", as
 * examples and `ztlog pairs` show records.  Owned by the caller (free).
 */
char	*zt_row_describe(const struct zt_row *row);

#endif

/*
 * filter.h -- `where:` filters of rule files, over the columns of the
 * records view, and the row they are evaluated on.
 *
 * rules -> [filter] <- check
 *
 * A filter is a conjunction of conditions, one per named column:
 *   column: literal            equal (text, or the number as text)
 *   column: {in: [a, b]}       one of
 *   column: {match: PCRE}      present and matching
 *   column: {not_match: PCRE}  absent or not matching
 * Patterns are compiled once, at load, with JIT and match limits.
 */
#ifndef ZT_FILTER_H
#define ZT_FILTER_H

#include <stdint.h>

#include "util/diag.h"
#include "util/str.h"


#include <pcre2.h>

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

/* One record as the checks see it: texts are views valid for the scan. */
struct zt_row {
	int64_t		 source_id;
	int64_t		 line;
	int64_t		 ref;		/* line reference, see check.c */
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
	int64_t		 src_wl_id;	/* "namespace/workload" key id, 0 absent */
	int64_t		 dst_wl_id;
	int		 outbound;
	int		 inbound;
	int		 hbone;
	int		 wp;
	int		 failed;	/* message "connection failed" */
	int		 complete;	/* message "connection complete" */
	int		 has_bytes;	/* bytes_sent and bytes_recv present */
};

enum zt_cond_op {
	ZT_COND_EQ,
	ZT_COND_IN,
	ZT_COND_MATCH,
	ZT_COND_NOT_MATCH
};

struct zt_cond {
	enum zt_col		 col;
	enum zt_cond_op		 op;
	char			**vals;	/* EQ (1) and IN (n); owned */
	size_t			 nvals;
	pcre2_code		*re;	/* MATCH / NOT_MATCH; owned */
};

struct zt_filter {
	struct zt_cond		*c;	/* owned */
	size_t			 n;
	pcre2_match_data	*md;	/* shared scratch, owned */
};

/*
 * Compile pattern (n bytes) for a rule file: UTF, JIT.  On error returns
 * NULL and sets *erroff and msg.
 */
pcre2_code *zt_re_compile(const char *pattern, size_t n, size_t *erroff,
	    char *msg, size_t msgsize);
/*
 * Match subject against re with the run's match and depth limits.
 * Returns 1 match, 0 no match, -1 error (limit hit; msg set).
 */
int	zt_re_match(const pcre2_code *re, pcre2_match_data *md,
	    struct zt_str subject, char *msg, size_t msgsize);

/* Does row pass f?  (An empty filter passes everything.)  -1 on a regex error. */
int	zt_filter_eval(const struct zt_filter *f, const struct zt_row *row,
	    char *msg, size_t msgsize);
void	zt_filter_free(struct zt_filter *f);

#endif

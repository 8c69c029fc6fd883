/*
 * filter.h -- `where:` filters of rule files, over the columns of the
 * records view, evaluated on a row.
 *
 * yaml -> [filter] -> the engine and the checks (check/row.h)
 *
 * A filter is a conjunction of conditions, one per named column:
 *   column: literal            equal (text, or the number as text)
 *   column: {in: [a, b]}       one of
 *   column: {match: PCRE}      present and matching
 *   column: {not_match: PCRE}  absent or not matching
 *   ts: {since: T, until: T}   logged at or after since, before until
 *                              (RFC 3339; either may be left out)
 * Patterns are compiled once, at load, with JIT and match limits (re.h).
 *
 * Ownership: a filter owns its conditions; zt_filter_free() releases them.
 */
#ifndef ZT_FILTER_H
#define ZT_FILTER_H

#include <stdint.h>

#include <pcre2.h>

#include "rules/re.h"
#include "rules/yaml.h"
#include "util/diag.h"
#include "util/str.h"

/* Columns of the records view (ztlog(1)) a filter can name. */
enum zt_col {
	ZT_COL_POD, ZT_COL_LEVEL, ZT_COL_MESSAGE, ZT_COL_DIRECTION,
	ZT_COL_SRC_ADDR, ZT_COL_SRC_IP, ZT_COL_SRC_PORT, ZT_COL_SRC_WORKLOAD,
	ZT_COL_SRC_NAMESPACE, ZT_COL_SRC_IDENTITY, ZT_COL_SRC_CLUSTER,
	ZT_COL_DST_ADDR, ZT_COL_DST_IP, ZT_COL_DST_PORT, ZT_COL_DST_HBONE_ADDR,
	ZT_COL_DST_HBONE_HOST, ZT_COL_DST_HBONE_PORT, ZT_COL_DST_SERVICE,
	ZT_COL_DST_WORKLOAD, ZT_COL_DST_NAMESPACE, ZT_COL_DST_IDENTITY,
	ZT_COL_DST_CLUSTER, ZT_COL_BYTES_SENT, ZT_COL_BYTES_RECV,
	ZT_COL_DURATION_MS, ZT_COL_ERROR, ZT_COL_HBONE, ZT_COL_VIA_WAYPOINT,
	ZT_COL_TS,	/* text as the view shows it; num: us since the epoch */
	ZT_COL_COUNT
};

extern const char *const zt_col_names[ZT_COL_COUNT];
/* Column index of name, or -1. */
int	zt_col_lookup(const char *name);
/* Is column c a number (num[c] holds it when its text is present)? */
int	zt_col_numeric(enum zt_col c);

enum zt_cond_op {
	ZT_COND_EQ,
	ZT_COND_IN,
	ZT_COND_MATCH,
	ZT_COND_NOT_MATCH,
	ZT_COND_RANGE		/* ts: lo <= num < hi */
};

struct zt_cond {
	enum zt_col		 col;
	enum zt_cond_op		 op;
	char			**vals;	/* EQ (1) and IN (n); owned */
	size_t			 nvals;
	pcre2_code		*re;	/* MATCH / NOT_MATCH; owned */
	char			*pat;	/* its pattern; owned */
	int64_t			 lo;	/* RANGE */
	int64_t			 hi;
};

struct zt_filter {
	struct zt_cond		*c;	/* owned */
	size_t			 n;
	uint64_t		 cols;	/* bit (1 << col) of each column named */
	pcre2_match_data	*md;	/* shared scratch, owned */
	char			*key;	/* what it says, canonically; owned */
	size_t			 nkey;
};

/*
 * Read the mapping n (column: condition, ...) into f, which starts empty;
 * what names it in messages.  f->key then holds the conditions as bytes:
 * two filters with the same key pass the same records.  Returns 0, or -1 with the error at the
 * offending node (f then holds what was read, for zt_filter_free).
 */
int	zt_filter_parse(struct zt_yctx *c, const struct zt_ynode *n,
	    const char *what, struct zt_filter *f);
/*
 * Does a record pass f?  Its columns by zt_col: s[c] the text (p NULL:
 * absent; present numbers have any text), num[c] the number of a numeric
 * column.  Patterns are charged to b (re.h).  An empty filter passes
 * everything.  -1 on a regex error (msg set).
 */
int	zt_filter_eval(const struct zt_filter *f, const struct zt_str *s,
	    const int64_t *num, struct zt_rebudget *b, char *msg,
	    size_t msgsize);
void	zt_filter_free(struct zt_filter *f);

#endif

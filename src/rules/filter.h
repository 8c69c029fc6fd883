/*
 * filter.h -- `where:` filters of rule files, over the columns of the
 * records view, evaluated on a row.
 *
 * yaml -> [filter] -> the engine and the checks (row.h)
 *
 * A filter is a conjunction of conditions, one per named column:
 *   column: literal            equal (text, or the number as text)
 *   column: {in: [a, b]}       one of
 *   column: {match: PCRE}      present and matching
 *   column: {not_match: PCRE}  absent or not matching
 * Patterns are compiled once, at load, with JIT and match limits (re.h).
 *
 * Ownership: a filter owns its conditions; zt_filter_free() releases them.
 */
#ifndef ZT_FILTER_H
#define ZT_FILTER_H

#include <stdint.h>

#include <pcre2.h>

#include "check/row.h"
#include "rules/re.h"
#include "rules/yaml.h"
#include "util/diag.h"
#include "util/str.h"

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
	uint64_t		 cols;	/* bit (1 << col) of each column named */
	pcre2_match_data	*md;	/* shared scratch, owned */
};

/*
 * Read the mapping n (column: condition, ...) into f, which starts empty;
 * what names it in messages.  Returns 0, or -1 with the error at the
 * offending node (f then holds what was read, for zt_filter_free).
 */
int	zt_filter_parse(struct zt_yctx *c, const struct zt_ynode *n,
	    const char *what, struct zt_filter *f);
/* Does row pass f?  (An empty filter passes everything.)  -1 on a regex error. */
int	zt_filter_eval(const struct zt_filter *f, const struct zt_row *row,
	    char *msg, size_t msgsize);
void	zt_filter_free(struct zt_filter *f);

#endif

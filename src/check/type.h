/*
 * type.h -- what a check type is: the one table the rule loader and the
 * engine reach the checks through (registry.c).
 *
 * rules (loader) -> [type] <- engine;  each type: hbone.c, pairing.c, ...
 *
 * A type reads its own rule keys (parse, into the rule's opaque cfg,
 * which it owns), and keeps its own state for a rule: made empty (new),
 * fed the rows the rule's `where:` passes (feed), folded together when a
 * source is committed (merge), rendered into a result at any moment
 * without being changed (snapshot), and freed.  A type that reads the
 * stored records instead (sql) has no state: it is never fed, and
 * renders by querying the database.
 *
 * Adding a check type: one file defining its struct zt_check_type, one
 * line in registry.c, its section in ztlog-rules(5).
 */
#ifndef ZT_TYPE_H
#define ZT_TYPE_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "check/check.h"
#include "check/dims.h"
#include "check/observe.h"
#include "check/refs.h"
#include "check/row.h"
#include "check/rule.h"
#include "rules/yaml.h"
#include "util/text.h"

/*
 * What a check may look at besides its own state.  It grows with what
 * checks learn to use (a workload inventory, a time window): a type
 * reads only the fields it knows.
 */
struct zt_check_ctx {
	const struct zt_dims	*dm;	/* the names of the ids in rows */
	const struct zt_refs	*refs;	/* source names, line references */
	const struct zt_observe	*ob;	/* who logged what (snapshot) */
	sqlite3			*db;	/* the stored records, or NULL */
	int			 examples;	/* examples per rule */
	struct zt_rebudget	*budget;	/* the run's regex budget */
	struct zt_checkrun	*run;	/* snapshot: the run being made */
	int			 keep_pairs;	/* pairing: fill run->pairs */
	int64_t			 sql_ms;	/* sql: time per query, 0: none */
	int64_t			 sql_bytes;	/* sql: memory growth, 0: none */
	/*
	 * The workload inventory (inv/inv.h), or NULL when there is none
	 * (no --inventory, no bug-report config dump, or an empty one).
	 * Consult it when rendering (snapshot), not in feed: config dumps
	 * of a bug-report archive arrive while its records are read.  Its
	 * queries build indexes on first use, hence not const.
	 */
	struct zt_inv		*inv;
	/*
	 * check --window: only records within window_us of log time
	 * before the newest record are judged (0: no window, all are).
	 * The engine feeds a windowed snapshot only the records inside
	 * it; a type that keeps entries across records (pairing) may
	 * also forget entries older than the window (plus its own
	 * tolerance) as it is fed.
	 */
	int64_t			 window_us;
	/* Threads a snapshot may use (pairing's sort), 0: one a processor. */
	int			 threads;
};

struct zt_check_type {
	const char		*name;		/* `type:` in rule files */
	const char *const	*keys;		/* its own keys; NULL-ended */
	int			 where;		/* takes `where:` */
	/*
	 * Read the type's keys of rule mapping n into r->cfg (and add the
	 * columns its filters name to r->cols).  0, or -1 with the error
	 * at the offending node (r->cfg, if set, is still freed).
	 */
	int	(*parse)(struct zt_yctx *y, const struct zt_ynode *n,
		    struct zt_rule *r);
	void	(*cfg_free)(void *cfg);
	/*
	 * Append to key what of r's parameters its state depends on (what
	 * feed reads): rules of the type with the same where: and the same
	 * such bytes share one state, each rendering it with its own
	 * parameters.  NULL: feed reads none.
	 */
	void	(*share)(const struct zt_rule *r, struct zt_buf *key);
	/* An empty state for rule r; NULL for a type that is never fed. */
	void	*(*new)(const struct zt_rule *r);
	/*
	 * Take one row.  0, or -1 with msg set when the rule cannot go on
	 * (a regular expression over its limits): it is then ERROR.
	 */
	int	(*feed)(void *st, const struct zt_rule *r,
		    const struct zt_row *row, const struct zt_check_ctx *cx,
		    char *msg, size_t msgsize);
	/* Fold from (a later source) into into; from is then freed. */
	void	(*merge)(void *into, void *from, const struct zt_check_ctx *cx);
	/* Render st into res (zeroed, res->rule set); st is not changed. */
	void	(*snapshot)(const void *st, const struct zt_rule *r,
		    const struct zt_check_ctx *cx, struct zt_result *res);
	void	(*free)(void *st);
	/*
	 * The rule as ClickHouse SQL over the table `ztlog export` fills
	 * (chsql.h), appended to b: 0, or -1 with why in msg when its
	 * parameters cannot be said in SQL.  NULL: no SQL form.
	 */
	int	(*clickhouse)(const struct zt_rule *r, struct zt_buf *b,
		    char *msg, size_t msgsize);
	/*
	 * With check --window: the log time before the window that rule r
	 * must also be fed (pairing: the twins of the window's first
	 * records); it then judges only the window itself, from
	 * cx->window_us.  NULL: none, only the window's records.
	 */
	int64_t	(*lead)(const struct zt_rule *r);
};

/* The type named name, or NULL. */
const struct zt_check_type *zt_check_type_find(const char *name);
/* The i-th type (0, 1, ...), or NULL past the last. */
const struct zt_check_type *zt_check_type_at(size_t i);

#endif

/*
 * sql.c -- sql rules: a query over the stored records, whose rows are
 * violations.  See ztlog(1), CHECKS, and ztlog-rules(5).
 *
 * Not fed: a result runs the query on the database given to the run
 * (read-only and locked down, see zt_store_lockdown).  The query is
 * compiled at load against an empty database of the same schema, so a
 * mistake stops the run before any input is read.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/result.h"
#include "check/type.h"
#include "store/regexp.h"
#include "store/store.h"
#include "util/text.h"
#include "util/xalloc.h"

enum expect {
	EXPECT_EMPTY,
	EXPECT_NONEMPTY,
	EXPECT_MAX,		/* at most bound rows */
	EXPECT_MIN		/* at least bound rows */
};

struct cfg {
	char		*sql;
	enum expect	 expect;
	int64_t		 bound;
};

static const char *const keys[] = { "query", "expect", NULL };

/* Does sql compile as one statement that only reads? */
static int
check_sql(struct zt_yctx *y, const struct zt_ynode *n, const char *sql)
{
	struct zt_store	*st;
	struct zt_err	 e;
	sqlite3_stmt	*s = NULL;
	const char	*tail = NULL;
	int		 rc = -1;

	if (zt_store_open(&st, NULL, ZT_STORE_MEMORY, &e) == -1)
		return zt_yaml_bad(y, n, "query: %s", e.msg);
	zt_regexp_register(zt_store_db(st));
	zt_store_lockdown(zt_store_db(st));
	if (sqlite3_prepare_v2(zt_store_db(st), sql, -1, &s, &tail) !=
	    SQLITE_OK)
		zt_yaml_bad(y, n, "query: %s", sqlite3_errmsg(zt_store_db(st)));
	else if (s == NULL)
		zt_yaml_bad(y, n, "query: empty");
	else if (tail[strspn(tail, " \t\r\n;")] != '\0')
		zt_yaml_bad(y, n, "query: one statement only");
	else if (!sqlite3_stmt_readonly(s))
		zt_yaml_bad(y, n, "query: only statements that read are "
		    "allowed");
	else if (sqlite3_column_count(s) == 0)
		zt_yaml_bad(y, n, "query: returns no columns");
	else
		rc = 0;
	sqlite3_finalize(s);
	zt_store_close(st);
	return rc;
}

/* expect: empty, nonempty, {max: N} or {min: N}. */
static int
expect(struct zt_yctx *y, const struct zt_ynode *v, struct cfg *cf)
{
	if (v->t == ZT_Y_SCALAR && strcmp(v->s, "empty") == 0)
		cf->expect = EXPECT_EMPTY;
	else if (v->t == ZT_Y_SCALAR && strcmp(v->s, "nonempty") == 0)
		cf->expect = EXPECT_NONEMPTY;
	else if (v->t == ZT_Y_MAP && v->nkid == 2 &&
	    v->kid[0]->t == ZT_Y_SCALAR && (strcmp(v->kid[0]->s, "max") == 0 ||
	    strcmp(v->kid[0]->s, "min") == 0)) {
		cf->expect = v->kid[0]->s[1] == 'a' ? EXPECT_MAX : EXPECT_MIN;
		return zt_yaml_integer(y, v->kid[1], v->kid[0]->s, &cf->bound);
	} else
		return zt_yaml_bad(y, v, "expect: use empty, nonempty, "
		    "{max: N} or {min: N}");
	return 0;
}

static int
parse(struct zt_yctx *y, const struct zt_ynode *n, struct zt_rule *r)
{
	const struct zt_ynode	*v;
	struct cfg		*cf;

	cf = r->cfg = zt_xcalloc(1, sizeof(*cf));
	cf->expect = EXPECT_EMPTY;
	if ((v = zt_yaml_get(n, "query")) == NULL)
		return zt_yaml_bad(y, n, "rule %s: type sql needs a query",
		    r->id);
	if (zt_yaml_scalar(y, v, "query") == -1 ||
	    check_sql(y, v, v->s) == -1)
		return -1;
	cf->sql = zt_xstrdup(v->s);
	if ((v = zt_yaml_get(n, "expect")) != NULL)
		return expect(y, v, cf);
	return 0;
}

static void
cfg_free(void *p)
{
	struct cfg	*cf = p;

	free(cf->sql);
	free(cf);
}

/* The current row of s as "col=value, ..." into b (NUL-terminated). */
static void
row_text(sqlite3_stmt *s, struct zt_buf *b)
{
	const char	*v;
	const char	*name;
	int		 i;

	b->n = 0;
	for (i = 0; i < sqlite3_column_count(s); i++) {
		v = (const char *)sqlite3_column_text(s, i);
		name = sqlite3_column_name(s, i);
		if (i > 0)
			zt_buf_add(b, ", ", 2);
		zt_buf_add(b, name, strlen(name));
		zt_buf_addc(b, '=');
		if (v == NULL)
			zt_buf_add(b, "NULL", 4);
		else
			zt_buf_add(b, v, strlen(v));
	}
	zt_buf_addc(b, '\0');
}

/*
 * Run the query under its time and memory budget (lockdown.h): its row
 * count, the first max rows as examples; -1 on an error, or when the
 * budget stopped it (the summary says which bound).
 */
static int64_t
run_query(const struct cfg *cf, const struct zt_check_ctx *cx,
    struct zt_result *res)
{
	struct zt_sqlbudget	 budget;
	sqlite3_stmt		*s;
	struct zt_buf		 b = { NULL, 0, 0 };
	int64_t			 rows = 0;
	int			 rc;

	memset(&budget, 0, sizeof(budget));
	if (sqlite3_prepare_v2(cx->db, cf->sql, -1, &s, NULL) != SQLITE_OK)
		goto dberr;
	budget.ms = cx->sql_ms;
	budget.bytes = cx->sql_bytes;
	zt_sqlbudget_arm(cx->db, &budget);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (++rows > cx->examples)
			continue;
		row_text(s, &b);
		zt_result_example(res, NULL, 0, "%s", b.p);
	}
	zt_sqlbudget_disarm(cx->db);
	zt_buf_free(&b);
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		return rows;
dberr:
	res->status = ZT_ST_ERROR;
	snprintf(res->summary, sizeof(res->summary), "SQL: %s",
	    budget.why[0] != '\0' ? budget.why : sqlite3_errmsg(cx->db));
	return -1;
}

static void
snapshot(const void *p, const struct zt_rule *r, const struct zt_check_ctx *cx,
    struct zt_result *res)
{
	const struct cfg	*cf = r->cfg;
	int64_t			 rows;
	int			 bad;

	(void)p;
	if (cx->db == NULL) {
		res->status = ZT_ST_ERROR;
		snprintf(res->summary, sizeof(res->summary), "sql rules need "
		    "the records stored (internal error)");
		return;
	}
	if ((rows = run_query(cf, cx, res)) < 0)
		return;
	res->more = rows > cx->examples ? rows - cx->examples : 0;
	zt_result_count(res, "rows", rows);
	switch (cf->expect) {
	case EXPECT_EMPTY:
		bad = rows > 0;
		snprintf(res->summary, sizeof(res->summary), "%" PRId64
		    " row%s (expected none)", rows, rows == 1 ? "" : "s");
		break;
	case EXPECT_NONEMPTY:
		bad = rows == 0;
		snprintf(res->summary, sizeof(res->summary), "%" PRId64
		    " row%s (expected some)", rows, rows == 1 ? "" : "s");
		break;
	case EXPECT_MAX:
		bad = rows > cf->bound;
		snprintf(res->summary, sizeof(res->summary), "%" PRId64
		    " row%s (expected at most %" PRId64 ")", rows,
		    rows == 1 ? "" : "s", cf->bound);
		break;
	default:
		bad = rows < cf->bound;
		snprintf(res->summary, sizeof(res->summary), "%" PRId64
		    " row%s (expected at least %" PRId64 ")", rows,
		    rows == 1 ? "" : "s", cf->bound);
		break;
	}
	res->status = bad ? zt_result_failed(r) : ZT_ST_PASS;
	/* Rows of a passing rule are not violations: drop them. */
	if ((cf->expect == EXPECT_EMPTY || cf->expect == EXPECT_MAX) && !bad)
		zt_result_drop_examples(res);
}

const struct zt_check_type zt_check_sql = {
	.name = "sql",
	.keys = keys,
	.where = 0,
	.parse = parse,
	.cfg_free = cfg_free,
	.snapshot = snapshot,
};

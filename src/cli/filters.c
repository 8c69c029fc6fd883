/*
 * filters.c -- the record filters of the command line (--since, --until,
 * -n, --workload, --service, --not) into the run's selection, and the
 * records view of a connection narrowed to it; see cli.h and
 * rules/select.h for what they keep.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "rules/filter.h"
#include "util/diag.h"

const char *
zt_cli_filter_opt(struct zt_cli_opts *o, enum zt_cli_optid id,
    const char *val, char *msg, size_t msgsize)
{
	struct zt_select *s = &o->select;
	int64_t		 now;
	int64_t		*at;
	int		*has;
	int		 neg = o->negate;

	if (id == ZT_OPT_NOT) {
		if (o->negate) {
			snprintf(msg, msgsize, "given twice in a row: --not "
			    "negates the one filter after it");
			return msg;
		}
		o->negate = 1;
		return NULL;
	}
	o->negate = 0;
	if (id == ZT_OPT_SINCE || id == ZT_OPT_UNTIL) {
		has = id == ZT_OPT_SINCE ? &s->has_since : &s->has_until;
		at = id == ZT_OPT_SINCE ? &s->since_us : &s->until_us;
		now = (int64_t)o->started.tv_sec * 1000000 +
		    o->started.tv_nsec / 1000;
		if (neg)
			snprintf(msg, msgsize, "--not cannot negate a time "
			    "bound (use --since and --until)");
		else if (*has)
			snprintf(msg, msgsize, "given twice");
		else if (zt_select_time(val, now, at) == -1)
			snprintf(msg, msgsize, "bad time '%s' (RFC 3339 such as "
			    "2024-11-19T12:00:00Z, or a duration before now "
			    "such as 10m, 2h)", val);
		else {
			*has = 1;
			return NULL;
		}
		return msg;
	}
	if (id == ZT_OPT_SERVICE)
		o->service = val;
	if (zt_select_add(s, id == ZT_OPT_NAMESPACE ? ZT_SEL_NAMESPACE :
	    id == ZT_OPT_WORKLOAD ? ZT_SEL_WORKLOAD : ZT_SEL_SERVICE, val, neg,
	    msg, msgsize) == -1)
		return msg;
	return NULL;
}

const char *
zt_cli_filter_end(const struct zt_cli_opts *o)
{
	if (o->negate)
		return "--not: no filter after it (-n, --workload or "
		    "--service)";
	return NULL;
}

static struct zt_str
arg_text(sqlite3_value *v)
{
	struct zt_str	 s = ZT_NOSTR;

	if (sqlite3_value_type(v) == SQLITE_NULL)
		return s;
	s.p = (const char *)sqlite3_value_text(v);
	s.n = (size_t)sqlite3_value_bytes(v);
	if (s.p == NULL)
		s.p = "";
	return s;
}

/*
 * ztlog_selected(ts_us, src_namespace, dst_namespace, src_workload,
 * dst_workload, dst_service): 1 when the selection keeps the record.
 */
static void
selected_fn(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	const struct zt_select *s = sqlite3_user_data(cx);
	struct zt_str	 c[ZT_COL_COUNT];
	int64_t		 ts = -1;
	char		 msg[256];
	int		 i;
	int		 r;

	(void)argc;
	for (i = 0; i < ZT_COL_COUNT; i++)
		c[i] = ZT_NOSTR;
	if (sqlite3_value_type(argv[0]) == SQLITE_INTEGER)
		ts = sqlite3_value_int64(argv[0]);
	c[ZT_COL_SRC_NAMESPACE] = arg_text(argv[1]);
	c[ZT_COL_DST_NAMESPACE] = arg_text(argv[2]);
	c[ZT_COL_SRC_WORKLOAD] = arg_text(argv[3]);
	c[ZT_COL_DST_WORKLOAD] = arg_text(argv[4]);
	c[ZT_COL_DST_SERVICE] = arg_text(argv[5]);
	r = zt_select_eval(s, ts, c, NULL, msg, sizeof(msg));
	if (r == -1)
		sqlite3_result_error(cx, msg, -1);
	else
		sqlite3_result_int(cx, r);
}

/* PRAGMA query_only of db: 1, 0. */
static int
query_only(sqlite3 *db)
{
	sqlite3_stmt	*s;
	int		 on = 0;

	if (sqlite3_prepare_v2(db, "PRAGMA query_only", -1, &s,
	    NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		on = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return on;
}

int
zt_cli_select_sql(sqlite3 *db, const struct zt_select *s, struct zt_err *err)
{
	int	 ro;
	int	 rc;

	if (!zt_select_active(s))
		return 0;
	/*
	 * A database opened for reading (-d) is query_only: the view goes
	 * into the connection's own temp schema, the file is not written.
	 */
	if ((ro = query_only(db)) != 0)
		sqlite3_exec(db, "PRAGMA query_only=0", NULL, NULL, NULL);
	rc = sqlite3_create_function(db, "ztlog_selected", 6, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, (void *)s, selected_fn,
	    NULL, NULL) != SQLITE_OK || sqlite3_exec(db, "CREATE TEMP VIEW "
	    "records AS SELECT * FROM main.records WHERE ztlog_selected(ts_us, "
	    "src_namespace, dst_namespace, src_workload, dst_workload, "
	    "dst_service)", NULL, NULL, NULL) != SQLITE_OK;
	if (rc)
		zt_err_set(err, "database: the filters: %s",
		    sqlite3_errmsg(db));
	if (ro)
		sqlite3_exec(db, "PRAGMA query_only=1", NULL, NULL, NULL);
	return rc ? -1 : 0;
}

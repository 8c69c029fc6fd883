/*
 * cmd_data.c -- the commands over the records: ingest, query, stats; and
 * the renderers of query and stats.
 */
#include <string.h>

#include "cli/cli.h"
#include "report/output.h"
#include "util/diag.h"
#include "util/escape.h"

struct query_res {
	sqlite3		*db;
	const char	*sql;
};

struct stats_res {
	sqlite3		*db;
	int		 status;
	int		 fcol;		/* the filtered column: kept records */
	const char	*filters;	/* stats's own, as text, or NULL */
};

int
zt_cli_ingest(struct zt_cli_opts *o)
{
	struct zt_store	*st;

	if (o->db == NULL)
		o->db = DEFAULT_DB;
	if ((st = zt_cli_open_store(o, 1, ZT_STORE_CREATE)) == NULL)
		return ZT_EXIT_ERROR;
	zt_cli_load(st, o, o->nargs, o->args, NULL);
	zt_store_close(st);
	return zt_diag_status();
}

void
zt_cli_render_query(FILE *f, const char *fmt, const void *res,
    const struct zt_report_errs *e, const struct zt_cli_opts *o)
{
	const struct query_res	*q = res;
	struct zt_err		 err;
	int			 of = zt_ofmt_parse(fmt, 15);

	(void)e;
	(void)o;
	zt_output_width(zt_cli_width(f));
	/* Rows or nothing: the errors are on standard error. */
	if (q != NULL && of >= 0 && zt_output_sql(q->db, q->sql,
	    (enum zt_ofmt)of, f, &err) == -1)
		zt_diag_err(&err);
}

int
zt_cli_query(struct zt_cli_opts *o)
{
	struct zt_store		*st;
	struct query_res	 q;
	struct zt_err		 err;
	int			 n;
	int			 out;

	if (o->nargs < 1) {
		zt_diag_error(NULL, "query: missing SQL");
		zt_cli_hint(o->cmd);
		goto stopped;
	}
	if (zt_cli_outputs_begin(o) == -1)
		goto stopped;
	n = o->nargs - 1;
	if ((st = zt_cli_open_store(o, n, ZT_STORE_MEMORY)) == NULL)
		goto stopped;
	if (o->db == NULL || n > 0)
		zt_cli_load(st, o, n, o->args + 1, NULL);
	else
		zt_cli_inventory_unread(o);
	if (zt_cli_select_sql(zt_store_db(st), &o->select, &err) == -1) {
		zt_diag_err(&err);
		zt_store_close(st);
		goto stopped;
	}
	/* Queries read; they never change the database. */
	sqlite3_exec(zt_store_db(st), "PRAGMA query_only=1", NULL, NULL, NULL);
	q.db = zt_store_db(st);
	q.sql = o->args[0];
	out = zt_cli_outputs_end(o, &q);
	zt_store_close(st);
	n = zt_diag_status();
	return n > out ? n : out;
stopped:
	zt_cli_outputs_end(o, NULL);
	return ZT_EXIT_ERROR;
}

static const char *const stats_sql[] = {
	"SELECT name AS source, coalesce(wrapper, '-') AS wrapper, "
	    "coalesce(pod, '-') AS pod, coalesce(container, '-') AS container, "
	    "format, lines, records, other, malformed, joined, "
	    "first_ts AS first, last_ts AS last FROM sources ORDER BY id",
	"SELECT coalesce(pod, '-') AS pod, sum(lines) AS lines, "
	    "sum(records) AS records, sum(other) AS other, "
	    "sum(malformed) AS malformed, sum(joined) AS joined FROM pods "
	    "GROUP BY pod ORDER BY pod IS NULL, pod",
	"SELECT count(*) AS sources, coalesce(sum(lines), 0) AS lines, "
	    "coalesce(sum(records), 0) AS records, "
	    "coalesce(sum(other), 0) AS other, "
	    "coalesce(sum(malformed), 0) AS malformed, "
	    "coalesce(sum(joined), 0) AS joined, "
	    "(SELECT coalesce(sum(files), 0) FROM skipped) AS skipped "
	    "FROM sources",
	/* parenthesised: clang's -Wstring-concatenation in a list */
	("SELECT reason AS skipped, sum(files) AS files, min(name) AS first "
	    "FROM skipped GROUP BY reason ORDER BY reason"),
};

/*
 * With filters (stats's own, or ingest's in the database): records are
 * those the records view holds (stats's filters make it a view of what
 * they keep), filtered the others ingest read and stored or left out;
 * first and last are the kept records' times.
 */
static const char *const stats_fsql[] = {
	"SELECT name AS source, coalesce(wrapper, '-') AS wrapper, "
	    "coalesce(s.pod, '-') AS pod, coalesce(container, '-') AS "
	    "container, format, lines, coalesce(k.n, 0) AS records, "
	    "filtered + records - coalesce(k.n, 0) AS filtered, other, "
	    "malformed, joined, k.first AS first, k.last AS last "
	    "FROM sources AS s LEFT JOIN (SELECT source_id, count(*) AS n, "
	    "min(ts) AS first, max(ts) AS last FROM records GROUP BY "
	    "source_id) AS k ON k.source_id = s.id ORDER BY s.id",
	"SELECT coalesce(p.pod, '-') AS pod, sum(lines) AS lines, "
	    "coalesce(k.n, 0) AS records, sum(records) - coalesce(k.n, 0) AS "
	    "filtered, sum(other) AS other, sum(malformed) AS malformed, "
	    "sum(joined) AS joined FROM pods AS p LEFT JOIN (SELECT pod, "
	    "count(*) AS n FROM records GROUP BY pod) AS k ON k.pod IS p.pod "
	    "GROUP BY p.pod ORDER BY p.pod IS NULL, p.pod",
	"SELECT count(*) AS sources, coalesce(sum(lines), 0) AS lines, "
	    "(SELECT count(*) FROM records) AS records, "
	    "coalesce(sum(records) + sum(filtered), 0) - "
	    "(SELECT count(*) FROM records) AS filtered, "
	    "coalesce(sum(other), 0) AS other, "
	    "coalesce(sum(malformed), 0) AS malformed, "
	    "coalesce(sum(joined), 0) AS joined, "
	    "(SELECT coalesce(sum(files), 0) FROM skipped) AS skipped "
	    "FROM sources",
};

/* Are there rows in the skipped table?  (Its section shows only then.) */
static int
any_skipped(sqlite3 *db)
{
	sqlite3_stmt	*s;
	int		 any = 0;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM skipped LIMIT 1", -1, &s,
	    NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		any = 1;
	sqlite3_finalize(s);
	return any;
}

/* Did ingest's filters leave records of a source out? */
static int
ingest_filtered(sqlite3 *db)
{
	sqlite3_stmt	*s;
	int		 any = 0;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sources WHERE filters IS "
	    "NOT NULL LIMIT 1", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		any = 1;
	sqlite3_finalize(s);
	return any;
}

void
zt_cli_render_stats(FILE *f, const char *fmt, const void *res,
    const struct zt_report_errs *e, const struct zt_cli_opts *o)
{
	static const char *const keys[] = { "sources", "pods", "total",
	    "skipped" };
	const struct stats_res	*sr = res;
	struct zt_err		 err;
	sqlite3_stmt		*s;
	int			 json = strcmp(fmt, "json") == 0;
	int			 k;

	(void)o;
	zt_output_width(zt_cli_width(f));
	if (json)
		zt_report_json_head(f, sr != NULL && sr->status == 0 ? "ok" :
		    "error", sr != NULL ? sr->status : ZT_EXIT_ERROR, e);
	else
		zt_cli_live_header(f, "the counts");
	if (sr != NULL && sr->filters != NULL && json) {
		fputs(",\n\"filters\":\"", f);
		zt_escape_fput(f, ZT_ESC_JSON, sr->filters,
		    strlen(sr->filters));
		putc('"', f);
	} else if (sr != NULL && sr->filters != NULL) {
		fputs("filters ", f);
		zt_escape_fput(f, ZT_ESC_TEXT, sr->filters,
		    strlen(sr->filters));
		fputs(": records counts the records they keep, filtered the "
		    "others\n\n", f);
	}
	if (sr == NULL) {
		if (json)
			fputs("}\n", f);
		else
			zt_report_errors_text(f, e);
		return;
	}
	for (k = 0; k < 4; k++) {
		if (k == 3 && !json && !any_skipped(sr->db))
			break;
		if (sqlite3_prepare_v2(sr->db, sr->fcol && k < 3 ?
		    stats_fsql[k] : stats_sql[k], -1, &s, NULL) != SQLITE_OK) {
			zt_diag_error(NULL, "database: %s",
			    sqlite3_errmsg(sr->db));
			break;
		}
		if (json)
			fprintf(f, "%s\"%s\":", k ? "," : ",\n", keys[k]);
		else if (k > 0)
			putc('\n', f);
		if (zt_output_stmt(s, json ? ZT_OUT_JSON : ZT_OUT_TABLE,
		    k == 2, f, &err) == -1)
			zt_diag_err(&err);
		sqlite3_finalize(s);
	}
	if (json)
		fputs("}\n", f);
}

int
zt_cli_stats(struct zt_cli_opts *o)
{
	struct zt_store		*st;
	struct stats_res	 sr;
	struct zt_buf		 ftext = { NULL, 0, 0 };
	struct zt_err		 err;
	int			 filters = zt_select_active(&o->select);
	int			 out;

	memset(&sr, 0, sizeof(sr));
	if (zt_cli_outputs_begin(o) == -1)
		goto stopped;
	/* Filters judge the records: they must be stored, in memory. */
	if ((st = zt_cli_open_store(o, o->nargs, filters ? ZT_STORE_MEMORY :
	    ZT_STORE_COUNT)) == NULL)
		goto stopped;
	if (o->db == NULL || o->nargs > 0)
		zt_cli_load(st, o, o->nargs, o->args, NULL);
	else
		zt_cli_inventory_unread(o);
	sr.db = zt_store_db(st);
	if (zt_cli_select_sql(sr.db, &o->select, &err) == -1) {
		zt_diag_err(&err);
		zt_store_close(st);
		goto stopped;
	}
	if (filters) {
		zt_select_text(&o->select, &ftext);
		zt_buf_addc(&ftext, '\0');
		sr.filters = ftext.p;
	}
	sr.fcol = filters || ingest_filtered(sr.db);
	sr.status = zt_diag_status();
	out = zt_cli_outputs_end(o, &sr);
	zt_store_close(st);
	zt_buf_free(&ftext);
	sr.status = zt_diag_status();
	return sr.status > out ? sr.status : out;
stopped:
	zt_cli_outputs_end(o, NULL);
	return ZT_EXIT_ERROR;
}

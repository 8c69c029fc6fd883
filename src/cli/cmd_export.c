/*
 * cmd_export.c -- ztlog export: the records (or an inventory table) for a
 * log store, and ClickHouse's CREATE TABLE for them (--ddl).
 *
 * The rows are the public view's or table's, as `query` would print
 * them: jsonl is query's ndjson, csv query's csv, clickhouse the
 * TabSeparated format (output.c), whose escaping carries the exact bytes.
 */
#include <string.h>

#include "cli/cli.h"
#include "report/output.h"
#include "util/diag.h"
#include "util/text.h"

struct export_res {
	sqlite3		*db;
	const char	*table;
	int		 ddl;
};

/*
 * Columns of the records view that hold few distinct values: stored as
 * ClickHouse's LowCardinality (a dictionary per part).
 */
static int
low_card(const char *col)
{
	static const char *const v[] = { "pod", "level", "message",
	    "direction", "src_workload", "src_namespace", "src_identity",
	    "src_cluster", "dst_service", "dst_workload", "dst_namespace",
	    "dst_identity", "dst_cluster", "dst_hbone_host", "error", "prefix",
	    NULL };
	int	 i;

	for (i = 0; v[i] != NULL; i++)
		if (strcmp(v[i], col) == 0)
			return 1;
	return 0;
}

/* ClickHouse's type for a column of table t (SQLite type decl, NOT NULL). */
static void
ch_type(struct zt_buf *b, const char *t, const char *col, const char *decl,
    int notnull)
{
	int		 rec = strcmp(t, "records") == 0;
	const char	*base = "String";

	if (rec && (strcmp(col, "id") == 0 || strcmp(col, "source_id") == 0 ||
	    strcmp(col, "line") == 0 || strcmp(col, "ts_us") == 0))
		notnull = 1;
	if (decl != NULL && strcmp(decl, "INTEGER") == 0)
		base = "Int64";
	else if (decl != NULL && strcmp(decl, "REAL") == 0)
		base = "Float64";
	else if (rec && (strcmp(col, "ts_us") == 0 ||
	    strcmp(col, "hbone") == 0))
		base = "Int64";
	if (rec && strcmp(base, "String") == 0 && low_card(col))
		zt_buf_add(b, "LowCardinality(", 15);
	if (!notnull)
		zt_buf_add(b, "Nullable(", 9);
	zt_buf_add(b, base, strlen(base));
	if (!notnull)
		zt_buf_addc(b, ')');
	if (rec && strcmp(base, "String") == 0 && low_card(col))
		zt_buf_addc(b, ')');
}

/* CREATE TABLE for table t in ClickHouse's dialect, from SQLite's schema. */
static int
ddl(FILE *f, sqlite3 *db, const char *t)
{
	sqlite3_stmt	*s;
	struct zt_buf	 b = { NULL, 0, 0 };
	int		 n = 0;
	int		 rc;

	if (sqlite3_prepare_v2(db, "SELECT name, type, \"notnull\" FROM "
	    "pragma_table_info(?1)", -1, &s, NULL) != SQLITE_OK) {
		zt_diag_error(NULL, "database: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_text(s, 1, t, -1, SQLITE_STATIC);
	zt_buf_add(&b, "CREATE TABLE IF NOT EXISTS ", 27);
	zt_buf_add(&b, t, strlen(t));
	zt_buf_add(&b, "\n(\n", 3);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *col = (const char *)sqlite3_column_text(s, 0);
		const char *decl = (const char *)sqlite3_column_text(s, 1);

		if (col == NULL)
			continue;
		if (n++ > 0)
			zt_buf_add(&b, ",\n", 2);
		zt_buf_add(&b, "    `", 5);
		zt_buf_add(&b, col, strlen(col));
		zt_buf_add(&b, "` ", 2);
		ch_type(&b, t, col, decl != NULL && *decl != '\0' ? decl : NULL,
		    sqlite3_column_int(s, 2));
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE || n == 0) {
		zt_diag_error(NULL, "database: no table %s%s%s", t,
		    rc != SQLITE_DONE ? ": " : "",
		    rc != SQLITE_DONE ? sqlite3_errmsg(db) : "");
		zt_buf_free(&b);
		return -1;
	}
	zt_buf_add(&b, "\n)\nENGINE = MergeTree\n", 22);
	if (strcmp(t, "records") == 0) {
		static const char tail[] =
		    "PARTITION BY toDate(fromUnixTimestamp64Micro(ts_us))\n"
		    "ORDER BY (ts_us, source_id, line);\n";

		zt_buf_add(&b, tail, sizeof(tail) - 1);
	} else
		zt_buf_add(&b, "ORDER BY tuple();\n", 18);
	fwrite(b.p, 1, b.n, f);
	zt_buf_free(&b);
	return 0;
}

void
zt_cli_render_export(FILE *f, const char *fmt, const void *res,
    const struct zt_report_errs *e, const struct zt_cli_opts *o)
{
	const struct export_res	*x = res;
	struct zt_err		 err;
	char			 sql[96];
	enum zt_ofmt		 of = ZT_OUT_NDJSON;

	(void)e;
	(void)o;
	/* Rows or nothing: the errors are on standard error. */
	if (x == NULL)
		return;
	if (x->ddl) {
		ddl(f, x->db, x->table);
		return;
	}
	if (strcmp(fmt, "csv") == 0)
		of = ZT_OUT_CSV;
	else if (strcmp(fmt, "clickhouse") == 0)
		of = ZT_OUT_TSV;
	snprintf(sql, sizeof(sql), "SELECT * FROM %s%s", x->table,
	    strcmp(x->table, "records") == 0 ? " ORDER BY id" : "");
	if (zt_output_sql(x->db, sql, of, f, &err) == -1)
		zt_diag_err(&err);
}

int
zt_cli_export(struct zt_cli_opts *o)
{
	struct zt_store		*st;
	struct export_res	 x;
	struct zt_err		 err;
	int			 n;
	int			 out;

	if (zt_cli_outputs_begin(o) == -1)
		goto stopped;
	if ((st = zt_cli_open_store(o, o->nargs, ZT_STORE_MEMORY)) == NULL)
		goto stopped;
	if (o->db == NULL || o->nargs > 0)
		zt_cli_load(st, o, o->nargs, o->args, NULL);
	else
		zt_cli_inventory_unread(o);
	if (zt_cli_select_sql(zt_store_db(st), &o->select, &err) == -1) {
		zt_diag_err(&err);
		zt_store_close(st);
		goto stopped;
	}
	x.db = zt_store_db(st);
	x.table = o->table != NULL ? o->table : "records";
	x.ddl = o->ddl;
	out = zt_cli_outputs_end(o, &x);
	zt_store_close(st);
	n = zt_diag_status();
	return n > out ? n : out;
stopped:
	zt_cli_outputs_end(o, NULL);
	return ZT_EXIT_ERROR;
}

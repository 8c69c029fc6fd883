/*
 * cmd_data.c -- the commands over the records: ingest, query, stats.
 */
#include <string.h>

#include "cli/cli.h"
#include "report/output.h"
#include "util/diag.h"

int
zt_cli_ingest(int argc, char **argv)
{
	struct zt_cli_opts	 o;
	struct zt_store	*st;
	int		 i;

	if ((i = zt_cli_parse_opts(argc, argv, "dqMhV", &o)) < 0)
		return i == -2 ? 0 : zt_cli_usage();
	if (o.db == NULL)
		o.db = DEFAULT_DB;
	if ((st = zt_cli_open_store(&o, 1, ZT_STORE_CREATE)) == NULL)
		return ZT_EXIT_ERROR;
	zt_cli_load(st, &o, argc - i, argv + i, NULL);
	zt_store_close(st);
	return zt_diag_status();
}

int
zt_cli_query(int argc, char **argv)
{
	struct zt_cli_opts	 o;
	struct zt_store	*st;
	struct zt_err	 err;
	int		 f = ZT_OUT_TABLE;
	int		 i;
	const char	*sql;

	if ((i = zt_cli_parse_opts(argc, argv, "dfqMhV", &o)) < 0)
		return i == -2 ? 0 : zt_cli_usage();
	if (o.format != NULL && (f = zt_ofmt_parse(o.format, 15)) < 0) {
		zt_diag_error(NULL, "query: unknown format '%s' (table, csv, "
		    "json, ndjson)", o.format);
		return zt_cli_usage();
	}
	if (i >= argc) {
		zt_diag_error(NULL, "query: missing SQL");
		return zt_cli_usage();
	}
	sql = argv[i++];
	if ((st = zt_cli_open_store(&o, argc - i, ZT_STORE_MEMORY)) == NULL)
		return ZT_EXIT_ERROR;
	if (o.db == NULL || i < argc)
		zt_cli_load(st, &o, argc - i, argv + i, NULL);
	/* Queries read; they never change the database. */
	sqlite3_exec(zt_store_db(st), "PRAGMA query_only=1", NULL, NULL, NULL);
	if (zt_output_sql(zt_store_db(st), sql, (enum zt_ofmt)f, stdout,
	    &err) == -1)
		zt_diag_err(&err);
	zt_store_close(st);
	return zt_cli_finish_output();
}

static const char *const stats_sql[] = {
	"SELECT name AS source, format, lines, records, other, malformed, "
	    "first_ts AS first, last_ts AS last FROM sources ORDER BY id",
	"SELECT coalesce(pod, '-') AS pod, sum(lines) AS lines, "
	    "sum(records) AS records, sum(other) AS other, "
	    "sum(malformed) AS malformed FROM pods "
	    "GROUP BY pod ORDER BY pod IS NULL, pod",
	"SELECT count(*) AS sources, coalesce(sum(lines), 0) AS lines, "
	    "coalesce(sum(records), 0) AS records, "
	    "coalesce(sum(other), 0) AS other, "
	    "coalesce(sum(malformed), 0) AS malformed FROM sources",
};

int
zt_cli_stats(int argc, char **argv)
{
	static const char *const keys[] = { "sources", "pods", "total" };
	struct zt_cli_opts	 o;
	struct zt_store	*st;
	struct zt_err	 err;
	sqlite3_stmt	*s;
	int		 f = ZT_OUT_TABLE;
	int		 i;
	int		 k;

	if ((i = zt_cli_parse_opts(argc, argv, "dfqMhV", &o)) < 0)
		return i == -2 ? 0 : zt_cli_usage();
	if (o.format != NULL && (f = zt_ofmt_parse(o.format,
	    1u << ZT_OUT_TABLE | 1u << ZT_OUT_JSON)) < 0) {
		zt_diag_error(NULL, "stats: unknown format '%s' (table, json)",
		    o.format);
		return zt_cli_usage();
	}
	if ((st = zt_cli_open_store(&o, argc - i, ZT_STORE_COUNT)) == NULL)
		return ZT_EXIT_ERROR;
	if (o.db == NULL || i < argc)
		zt_cli_load(st, &o, argc - i, argv + i, NULL);
	if (f == ZT_OUT_JSON)
		fputs("{", stdout);
	for (k = 0; k < 3; k++) {
		if (sqlite3_prepare_v2(zt_store_db(st), stats_sql[k], -1, &s,
		    NULL) != SQLITE_OK) {
			zt_diag_error(NULL, "database: %s",
			    sqlite3_errmsg(zt_store_db(st)));
			break;
		}
		if (f == ZT_OUT_JSON)
			printf("%s\"%s\":", k ? "," : "", keys[k]);
		else if (k > 0)
			putchar('\n');
		if (zt_output_stmt(s, (enum zt_ofmt)f, k == 2, stdout,
		    &err) == -1)
			zt_diag_err(&err);
		sqlite3_finalize(s);
	}
	if (f == ZT_OUT_JSON)
		fputs("}\n", stdout);
	zt_store_close(st);
	return zt_cli_finish_output();
}

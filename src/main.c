/*
 * main.c -- ztlog's command line: argv -> command -> exit status.
 *
 * Commands wire the stages together; they own nothing but the order:
 *   ingest:  operands -> ingest -> file database
 *   query:   [operands -> ingest ->] database -> SQL -> output
 *   stats:   [operands -> ingest ->] database -> counts -> output
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <sqlite3.h>
#include <yaml.h>
#include <zlib.h>

#include "diag.h"
#include "ingest.h"
#include "output.h"
#include "regexp.h"
#include "store.h"

#ifndef ZTLOG_VERSION
#define ZTLOG_VERSION "0.1.0"
#endif

#define DEFAULT_DB	"ztlog.db"
#define DEFAULT_MAXLINE	(1024 * 1024)

static const char usage_text[] =
"usage: ztlog ingest [-q] [-d database] [--max-line size] [file | dir | -] ...\n"
"       ztlog query [-q] [-d database] [-f table | csv | json | ndjson]\n"
"                   [--max-line size] sql [file | dir | -] ...\n"
"       ztlog stats [-q] [-d database] [-f table | json] [--max-line size]\n"
"                   [file | dir | -] ...\n"
"       ztlog -h | --help\n"
"       ztlog -V | --version\n";

static const char help_text[] =
"\n"
"Read Istio ambient ztunnel access logs (kubectl logs output, plain or gzip,\n"
"text or JSON) into SQLite and ask questions of them.\n"
"\n"
"commands:\n"
"  ingest   append the records of the inputs to a database file\n"
"  query    run SQL over the records (inputs loaded in memory without -d)\n"
"  stats    line accounting per source and per pod\n"
"\n"
"options:\n"
"  -d, --db database     database file (ingest: default ./ztlog.db)\n"
"  -f, --format fmt      output format: table, csv, json, ndjson\n"
"  -q, --quiet           no summary line, notices or warnings\n"
"      --max-line size   longest input line accepted (default 1M)\n"
"  -h, --help            this help\n"
"  -V, --version         version and library versions\n"
"\n"
"No input, or -, reads standard input.  Exit status: 0 success, 2 usage,\n"
"input or database error.  See ztlog(1).\n";

struct opts {
	const char	*db;		/* -d, or NULL */
	const char	*format;	/* -f, or NULL */
	size_t		 maxline;	/* --max-line */
	int		 quiet;		/* -q */
};

static int
usage(void)
{
	fputs(usage_text, stderr);
	return ZT_EXIT_ERROR;
}

static void
version(void)
{
	printf("ztlog %s (SQLite %s, PCRE2 %d.%d, zlib %s, libyaml %s)\n",
	    ZTLOG_VERSION, sqlite3_libversion(), PCRE2_MAJOR, PCRE2_MINOR,
	    zlibVersion(), yaml_get_version_string());
}

/* "1048576", "64K", "1M", "1G" -> bytes; 0 if bad or out of 64..1G. */
static size_t
parse_size(const char *s)
{
	char		*end;
	unsigned long	 v;
	size_t		 mult = 1;

	if (*s < '0' || *s > '9')
		return 0;
	v = strtoul(s, &end, 10);
	if (*end == 'K' || *end == 'k')
		mult = 1024;
	else if (*end == 'M' || *end == 'm')
		mult = 1024 * 1024;
	else if (*end == 'G' || *end == 'g')
		mult = 1024 * 1024 * 1024;
	if (mult != 1)
		end++;
	if (*end != '\0' || v == 0 || v > (1UL << 30) / mult)
		return 0;
	v *= mult;
	return v < 64 ? 0 : (size_t)v;
}

/*
 * Parse the options of a command; argv[0] is the command name.  Returns
 * the index of the first operand, -1 for a usage error, -2 after --help.
 */
static int
parse_opts(int argc, char **argv, const char *allowed, struct opts *o)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "max-line", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int	 c;

	memset(o, 0, sizeof(*o));
	o->maxline = DEFAULT_MAXLINE;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+d:f:qhV", longopts, NULL)) != -1) {
		if (c != '?' && c != ':' && strchr(allowed, c) == NULL)
			c = '?';
		switch (c) {
		case 'd':
			o->db = optarg;
			break;
		case 'f':
			o->format = optarg;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'M':
			o->maxline = parse_size(optarg);
			if (o->maxline == 0) {
				zt_diag_error(NULL, "--max-line: bad size "
				    "'%s' (64 to 1G, suffix K, M or G)", optarg);
				return -1;
			}
			break;
		case 'h':
			fputs(usage_text, stdout);
			fputs(help_text, stdout);
			return -2;
		case 'V':
			version();
			return -2;
		default:
			if (optopt != 0 && optopt != '?')
				zt_diag_error(NULL, "%s: unknown option or "
				    "missing argument: -%c", argv[0], optopt);
			else
				zt_diag_error(NULL, "%s: unknown option or "
				    "missing argument: %s", argv[0],
				    argv[optind - 1]);
			return -1;
		}
	}
	zt_diag_quiet(o->quiet);
	return optind;
}

/* Load operands (or stdin when there are none) into st; prints the summary. */
static void
load(struct zt_store *st, const struct opts *o, int n, char **v)
{
	struct zt_ingest	 ig;
	char			*dash[] = { (char *)"-" };
	int			 i;

	if (n == 0) {
		n = 1;
		v = dash;
	}
	zt_ingest_init(&ig, st, o->maxline);
	for (i = 0; i < n; i++)
		zt_ingest_operand(&ig, v[i]);
	zt_ingest_summary(&ig);
}

static struct zt_store *
open_store(const struct opts *o, int ninputs, enum zt_store_mode memmode)
{
	struct zt_store	*st;
	struct zt_err	 err;
	enum zt_store_mode mode;

	if (o->db == NULL)
		mode = memmode;
	else
		mode = ninputs > 0 ? ZT_STORE_CREATE : ZT_STORE_EXISTING;
	if (zt_store_open(&st, o->db, mode, &err) == -1) {
		zt_diag_err(&err);
		return NULL;
	}
	if (zt_regexp_register(zt_store_db(st)) != SQLITE_OK) {
		zt_diag_error(NULL, "cannot register REGEXP");
		zt_store_close(st);
		return NULL;
	}
	return st;
}

static int
cmd_ingest(int argc, char **argv)
{
	struct opts	 o;
	struct zt_store	*st;
	int		 i;

	if ((i = parse_opts(argc, argv, "dqMhV", &o)) < 0)
		return i == -2 ? 0 : usage();
	if (o.db == NULL)
		o.db = DEFAULT_DB;
	if ((st = open_store(&o, 1, ZT_STORE_CREATE)) == NULL)
		return ZT_EXIT_ERROR;
	load(st, &o, argc - i, argv + i);
	zt_store_close(st);
	return zt_diag_status();
}

static int
finish_output(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		zt_diag_error(NULL, "write error on standard output");
		return ZT_EXIT_ERROR;
	}
	return zt_diag_status();
}

static int
cmd_query(int argc, char **argv)
{
	struct opts	 o;
	struct zt_store	*st;
	struct zt_err	 err;
	int		 f = ZT_OUT_TABLE;
	int		 i;
	const char	*sql;

	if ((i = parse_opts(argc, argv, "dfqMhV", &o)) < 0)
		return i == -2 ? 0 : usage();
	if (o.format != NULL && (f = zt_ofmt_parse(o.format, 15)) < 0) {
		zt_diag_error(NULL, "query: unknown format '%s' (table, csv, "
		    "json, ndjson)", o.format);
		return usage();
	}
	if (i >= argc) {
		zt_diag_error(NULL, "query: missing SQL");
		return usage();
	}
	sql = argv[i++];
	if ((st = open_store(&o, argc - i, ZT_STORE_MEMORY)) == NULL)
		return ZT_EXIT_ERROR;
	if (o.db == NULL || i < argc)
		load(st, &o, argc - i, argv + i);
	/* Queries read; they never change the database. */
	sqlite3_exec(zt_store_db(st), "PRAGMA query_only=1", NULL, NULL, NULL);
	if (zt_output_sql(zt_store_db(st), sql, (enum zt_ofmt)f, stdout,
	    &err) == -1)
		zt_diag_err(&err);
	zt_store_close(st);
	return finish_output();
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

static int
cmd_stats(int argc, char **argv)
{
	static const char *const keys[] = { "sources", "pods", "total" };
	struct opts	 o;
	struct zt_store	*st;
	struct zt_err	 err;
	sqlite3_stmt	*s;
	int		 f = ZT_OUT_TABLE;
	int		 i;
	int		 k;

	if ((i = parse_opts(argc, argv, "dfqMhV", &o)) < 0)
		return i == -2 ? 0 : usage();
	if (o.format != NULL && (f = zt_ofmt_parse(o.format,
	    1u << ZT_OUT_TABLE | 1u << ZT_OUT_JSON)) < 0) {
		zt_diag_error(NULL, "stats: unknown format '%s' (table, json)",
		    o.format);
		return usage();
	}
	if ((st = open_store(&o, argc - i, ZT_STORE_COUNT)) == NULL)
		return ZT_EXIT_ERROR;
	if (o.db == NULL || i < argc)
		load(st, &o, argc - i, argv + i);
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
	return finish_output();
}

int
main(int argc, char **argv)
{
	static const struct {
		const char	*name;
		int		(*fn)(int, char **);
	} cmds[] = {
		{ "ingest", cmd_ingest },
		{ "query", cmd_query },
		{ "stats", cmd_stats },
	};
	size_t	 i;

	if (argc < 2)
		return usage();
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs(usage_text, stdout);
		fputs(help_text, stdout);
		return 0;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		version();
		return 0;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	zt_diag_error(NULL, "unknown command '%s'", argv[1]);
	return usage();
}

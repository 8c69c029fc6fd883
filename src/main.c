/*
 * main.c -- ztlog's command line: argv -> command -> exit status.
 *
 * Commands wire the stages together; they own nothing but the order:
 *   ingest:  operands -> ingest -> file database
 *   query:   [operands -> ingest ->] database -> SQL -> output
 *   stats:   [operands -> ingest ->] database -> counts -> output
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include <pcre2.h>
#include <sqlite3.h>
#include <yaml.h>
#include <zlib.h>

#include <unistd.h>

#include "check/check.h"
#include "util/diag.h"
#include "ingest.h"
#include "in/input.h"
#include "report/report.h"
#include "check/rules.h"
#include "report/output.h"
#include "store/regexp.h"
#include "store/store.h"
#include "util/text.h"
#include "util/xalloc.h"

#ifndef ZTLOG_VERSION
#define ZTLOG_VERSION "0.1.0"
#endif

#define DEFAULT_DB	"ztlog.db"
#define DEFAULT_MAXLINE	(1024 * 1024)

static const char usage_text[] =
"usage: ztlog check [-q] [-d database] [-r rules] [-f text | json | junit]\n"
"                   [-o file] [--fail-on error | warning] [--only id,...]\n"
"                   [--examples n] [--max-line size] [file | dir | -] ...\n"
"       ztlog lb [-q] [-d database] [-r rules] [--service pcre]\n"
"                [--max-line size] [file | dir | -] ...\n"
"       ztlog pairs [-q] [-d database] [-r rules] [--unmatched]\n"
"                   [--max-line size] [file | dir | -] ...\n"
"       ztlog rules [-r rules] list | show id | lint file ...\n"
"       ztlog ingest [-q] [-d database] [--max-line size] [file | dir | -] ...\n"
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
"  check    run the rules (HBONE use, pairing, balance, errors, your own)\n"
"  lb       each service's connections per endpoint, as bars\n"
"  pairs    the outbound/inbound pairing, connection by connection\n"
"  rules    list, show or lint rules\n"
"  ingest   append the records of the inputs to a database file\n"
"  query    run SQL over the records (inputs loaded in memory without -d)\n"
"  stats    line accounting per source and per pod\n"
"\n"
"options:\n"
"  -d, --db database     database file (ingest: default ./ztlog.db)\n"
"  -r, --rules path      add a rule file or directory (repeatable)\n"
"  -f, --format fmt      output format (check: text, json, junit;\n"
"                        query: table, csv, json, ndjson; stats: table, json)\n"
"  -o, --output file     write the check report to file\n"
"      --fail-on level   check: exit 1 on error (default) or also on warning\n"
"      --only ids        check: run only these rules (comma-separated)\n"
"      --examples n      check: examples shown per rule (default 5)\n"
"      --service pcre    lb: only services matching the pattern\n"
"      --unmatched       pairs: only records without a twin\n"
"  -q, --quiet           no summary line, notices or warnings\n"
"      --max-line size   longest input line accepted (default 1M)\n"
"  -h, --help            this help\n"
"  -V, --version         version and library versions\n"
"\n"
"No input, or -, reads standard input.  Exit status: 0 success (check: all\n"
"rules passed), 1 a rule failed, 2 usage, rule, input or database error,\n"
"and for check also no access record at all.  See ztlog(1).\n";

struct opts {
	const char	*db;		/* -d, or NULL */
	const char	*format;	/* -f, or NULL */
	const char	*output;	/* -o, or NULL */
	const char	*only;		/* --only, or NULL */
	const char	*service;	/* --service, or NULL */
	const char	*rules[32];	/* -r, in order */
	int		 nrules;
	size_t		 maxline;	/* --max-line */
	int		 quiet;		/* -q */
	int		 fail_warn;	/* --fail-on warning */
	int		 unmatched;	/* --unmatched */
	int		 examples;	/* --examples */
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
		{ "rules", required_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ "fail-on", required_argument, NULL, 'F' },
		{ "only", required_argument, NULL, 'O' },
		{ "service", required_argument, NULL, 'S' },
		{ "unmatched", no_argument, NULL, 'U' },
		{ "examples", required_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int64_t	 num;
	int	 c;

	memset(o, 0, sizeof(*o));
	o->maxline = DEFAULT_MAXLINE;
	o->examples = 5;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+d:f:o:r:qhV", longopts,
	    NULL)) != -1) {
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
		case 'o':
			o->output = optarg;
			break;
		case 'r':
			if (o->nrules == 32) {
				zt_diag_error(NULL, "-r: at most 32 rule paths");
				return -1;
			}
			o->rules[o->nrules++] = optarg;
			break;
		case 'F':
			if (strcmp(optarg, "warning") == 0)
				o->fail_warn = 1;
			else if (strcmp(optarg, "error") != 0) {
				zt_diag_error(NULL, "--fail-on: '%s' is not "
				    "error or warning", optarg);
				return -1;
			}
			break;
		case 'O':
			o->only = optarg;
			break;
		case 'S':
			o->service = optarg;
			break;
		case 'U':
			o->unmatched = 1;
			break;
		case 'E':
			if (zt_parse_u63(optarg, strlen(optarg), &num) != 0 ||
			    num > 100000) {
				zt_diag_error(NULL, "--examples: '%s' is not a "
				    "number from 0 to 100000", optarg);
				return -1;
			}
			o->examples = (int)num;
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

/*
 * Load operands (or stdin when there are none) into st, passing records
 * to sink too (NULL: none); prints the summary.
 */
static void
load(struct zt_store *st, const struct opts *o, int n, char **v,
    const struct zt_ingest_sink *sink)
{
	struct zt_ingest	 ig;
	char			*dash[] = { (char *)"-" };
	int			 i;

	if (n == 0) {
		n = 1;
		v = dash;
	}
	zt_ingest_init(&ig, st, o->maxline);
	ig.sink = sink;
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
	load(st, &o, argc - i, argv + i, NULL);
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
		load(st, &o, argc - i, argv + i, NULL);
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
		load(st, &o, argc - i, argv + i, NULL);
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

/* Built-in rules, then -r paths, then --only.  NULL-free; -1 on error. */
static int
load_rules(const struct opts *o, struct zt_ruleset *rs)
{
	struct zt_err	 err;
	int		 i;

	memset(rs, 0, sizeof(*rs));
	if (zt_rules_load(rs, "(built-in rules)", zt_default_rules,
	    zt_default_rules_len, &err) == -1)
		goto bad;
	for (i = 0; i < o->nrules; i++)
		if (zt_rules_load_path(rs, o->rules[i], &err) == -1)
			goto bad;
	if (o->only != NULL && zt_rules_only(rs, o->only, &err) == -1)
		goto bad;
	return 0;
bad:
	zt_diag_err(&err);
	zt_rules_free(rs);
	return -1;
}

static int
use_color(FILE *f)
{
	const char	*nc = getenv("NO_COLOR");
	const char	*term = getenv("TERM");

	if (nc != NULL && nc[0] != '\0')
		return 0;
	if (term != NULL && strcmp(term, "dumb") == 0)
		return 0;
	return isatty(fileno(f));
}

static int
has_sql(const struct zt_ruleset *rs)
{
	size_t	 i;

	for (i = 0; i < rs->n; i++)
		if (zt_check_needs_records(&rs->r[i]))
			return 1;
	return 0;
}

static void
sink_begin(void *ctx, const char *name)
{
	zt_checker_begin(ctx, name);
}

static int
sink_record(void *ctx, sqlite3 *db, int64_t line, const struct zt_recids *ids,
    struct zt_err *err)
{
	(void)db;
	(void)err;
	zt_checker_feed(ctx, line, ids);
	return 0;
}

static void
sink_end(void *ctx, int committed)
{
	zt_checker_end(ctx, committed);
}

/*
 * The common front of check, lb and pairs: rules first (so a bad rule
 * file stops us before any input is read), then the data, then one run.
 * Returns the store, or NULL after a diagnostic.
 */
static struct zt_store *
prepare(const struct opts *o, int n, char **v, struct zt_ruleset *rs,
    struct zt_checkrun *run, int keep_pairs, sqlite3 **reader)
{
	struct zt_store		*st;
	struct zt_checkopts	 co;
	struct zt_err		 err;
	struct zt_checker	*c;
	struct zt_ingest_sink	 sink = { NULL, sink_begin, sink_record,
	    sink_end };

	if (load_rules(o, rs) == -1)
		return NULL;
	memset(&co, 0, sizeof(co));
	co.examples = o->examples;
	co.keep_pairs = keep_pairs;
	if (o->db == NULL && !keep_pairs && !has_sql(rs)) {
		/*
		 * The rules read the records as ingest reads them: nothing
		 * but names and accounting is stored, and there is no second
		 * pass.  (sql rules and `pairs` need the records in SQLite.)
		 */
		if ((st = open_store(o, n, ZT_STORE_NAMES)) == NULL) {
			zt_rules_free(rs);
			return NULL;
		}
		sink.ctx = c = zt_checker_new(rs, &co, zt_store_names(st));
		load(st, o, n, v, &sink);
		if (zt_checker_finish(c, zt_store_db(st), run, &err) == -1)
			goto bad;
		return st;
	}
	if ((st = open_store(o, n, ZT_STORE_MEMORY)) == NULL) {
		zt_rules_free(rs);
		return NULL;
	}
	if (o->db == NULL || n > 0)
		load(st, o, n, v, NULL);
	/* Rules run on their own read-only, locked-down connection. */
	if ((*reader = zt_store_reader(st, &err)) == NULL)
		goto bad;
	if (zt_regexp_register(*reader) != SQLITE_OK ||
	    zt_store_lockdown(*reader) != SQLITE_OK) {
		zt_err_set(&err, "database: cannot prepare the rules' "
		    "connection");
		goto bad;
	}
	if (zt_check_run(*reader, rs, &co, run, &err) == -1)
		goto bad;
	return st;
bad:
	zt_diag_err(&err);
	sqlite3_close(*reader);
	*reader = NULL;
	zt_store_close(st);
	zt_rules_free(rs);
	return NULL;
}

/*
 * Release what prepare() made and give the exit status: rc, raised to 2
 * when the input held no access record at all (an empty `kubectl logs`
 * never passes) or standard output could not be written.
 */
static int
finish_run(struct zt_checkrun *run, sqlite3 *rd, struct zt_store *st,
    struct zt_ruleset *rs, int rc)
{
	int	 out;

	if (run->records == 0) {
		zt_diag_error(NULL, "no access records in the input (%lld "
		    "line%s read): nothing to check; `kubectl logs -l` needs "
		    "--tail=-1 to show more than 10 lines per pod",
		    (long long)run->lines, run->lines == 1 ? "" : "s");
		rc = ZT_EXIT_ERROR;
	}
	zt_check_free(run);
	sqlite3_close(rd);
	zt_store_close(st);
	zt_rules_free(rs);
	out = finish_output();
	return out > rc ? out : rc;
}

static int
cmd_check(int argc, char **argv)
{
	struct opts		 o;
	struct zt_store		*st;
	struct zt_ruleset	 rs;
	struct zt_checkrun	 run;
	struct zt_reportopts	 ro;
	FILE			*out = stdout;
	sqlite3			*rd = NULL;
	int			 i;

	if ((i = parse_opts(argc, argv, "dfrqMoFOEhV", &o)) < 0)
		return i == -2 ? 0 : usage();
	memset(&ro, 0, sizeof(ro));
	if (o.format == NULL || strcmp(o.format, "text") == 0)
		ro.fmt = ZT_REPORT_TEXT;
	else if (strcmp(o.format, "json") == 0)
		ro.fmt = ZT_REPORT_JSON;
	else if (strcmp(o.format, "junit") == 0)
		ro.fmt = ZT_REPORT_JUNIT;
	else {
		zt_diag_error(NULL, "check: unknown format '%s' (text, json, "
		    "junit)", o.format);
		return usage();
	}
	ro.fail_on_warning = o.fail_warn;
	if ((st = prepare(&o, argc - i, argv + i, &rs, &run, 0, &rd)) == NULL)
		return ZT_EXIT_ERROR;
	if (o.output != NULL && (out = fopen(o.output, "w")) == NULL) {
		zt_diag_error(o.output, "cannot write: %s", strerror(errno));
		out = NULL;
	}
	if (out != NULL) {
		ro.color = ro.fmt == ZT_REPORT_TEXT && use_color(out);
		zt_report_write(out, &run, &ro);
		if (out != stdout && fclose(out) != 0)
			zt_diag_error(o.output, "write error");
	}
	return finish_run(&run, rd, st, &rs, zt_report_status(&run, &ro));
}

static int
cmd_lb(int argc, char **argv)
{
	struct opts		 o;
	struct zt_store		*st;
	struct zt_ruleset	 rs;
	struct zt_checkrun	 run;
	struct zt_result	 view;
	const struct zt_result	*bal = NULL;
	pcre2_code		*re = NULL;
	pcre2_match_data	*md = NULL;
	size_t			 off;
	size_t			 k;
	char			 msg[160];
	sqlite3			*rd = NULL;
	int			 i;

	if ((i = parse_opts(argc, argv, "drqMShV", &o)) < 0)
		return i == -2 ? 0 : usage();
	if (o.service != NULL) {
		re = zt_re_compile(o.service, strlen(o.service), &off, msg,
		    sizeof(msg));
		if (re == NULL) {
			zt_diag_error(NULL, "--service: bad regular expression "
			    "at offset %zu: %s", off, msg);
			return usage();
		}
		md = pcre2_match_data_create(4, NULL);
	}
	o.only = "balance";
	if ((st = prepare(&o, argc - i, argv + i, &rs, &run, 0, &rd)) == NULL) {
		pcre2_match_data_free(md);
		pcre2_code_free(re);
		return ZT_EXIT_ERROR;
	}
	for (k = 0; k < run.nres; k++)
		if (strcmp(zt_check_type_name(run.res[k].rule), "balance") == 0)
			bal = &run.res[k];
	if (bal != NULL) {
		view = *bal;
		view.nsvc = 0;
		view.svc = zt_xcalloc(bal->nsvc ? bal->nsvc : 1,
		    sizeof(*view.svc));
		for (k = 0; k < bal->nsvc; k++) {
			struct zt_str sv = { bal->svc[k].service,
			    strlen(bal->svc[k].service) };

			if (re != NULL && zt_re_match(re, md, sv, NULL, msg,
			    sizeof(msg)) != 1)
				continue;
			view.svc[view.nsvc++] = bal->svc[k];
		}
		if (re != NULL && view.nsvc == 0 && bal->nsvc > 0)
			printf("no service matches --service %s\n", o.service);
		else
			zt_report_lb(stdout, &view, use_color(stdout));
		free(view.svc);
	}
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return finish_run(&run, rd, st, &rs, 0);
}

static int
cmd_pairs(int argc, char **argv)
{
	struct opts		 o;
	struct zt_store		*st;
	struct zt_ruleset	 rs;
	struct zt_checkrun	 run;
	sqlite3			*rd = NULL;
	int			 i;

	if ((i = parse_opts(argc, argv, "drqMUhV", &o)) < 0)
		return i == -2 ? 0 : usage();
	o.only = "pairing";
	if ((st = prepare(&o, argc - i, argv + i, &rs, &run, 1, &rd)) == NULL)
		return ZT_EXIT_ERROR;
	zt_report_pairs(stdout, rd, &run, o.unmatched);
	return finish_run(&run, rd, st, &rs, 0);
}

static int
cmd_rules(int argc, char **argv)
{
	struct opts		 o;
	struct zt_ruleset	 rs;
	struct zt_ruleset	 one;
	struct zt_err		 err;
	const struct zt_rule	*r;
	size_t			 k;
	size_t			 w;
	int			 i;
	int			 rc = 0;

	if ((i = parse_opts(argc, argv, "rhV", &o)) < 0)
		return i == -2 ? 0 : usage();
	if (i >= argc) {
		zt_diag_error(NULL, "rules: say list, show ID or lint FILE...");
		return usage();
	}
	if (strcmp(argv[i], "lint") == 0) {
		if (o.nrules > 0) {
			zt_diag_error(NULL, "rules lint: give the files to lint "
			    "as operands, not with -r");
			return usage();
		}
		if (i + 1 >= argc) {
			zt_diag_error(NULL, "rules lint: no file given");
			return usage();
		}
		for (i++; i < argc; i++) {
			memset(&one, 0, sizeof(one));
			if (zt_rules_load_path(&one, argv[i], &err) == -1) {
				zt_diag_err(&err);
				rc = ZT_EXIT_ERROR;
			} else
				printf("%s: ok, %zu rule%s\n", argv[i], one.n,
				    one.n == 1 ? "" : "s");
			zt_rules_free(&one);
		}
		return rc;
	}
	if (load_rules(&o, &rs) == -1)
		return ZT_EXIT_ERROR;
	if (strcmp(argv[i], "list") == 0 && i + 1 == argc) {
		for (k = 0, w = 12; k < rs.n; k++)
			if (strlen(rs.r[k].id) > w)
				w = strlen(rs.r[k].id);
		printf("%-*s  %-8s  %-8s  %s\n", (int)w, "ID", "TYPE",
		    "SEVERITY", "DESCRIPTION");
		for (k = 0; k < rs.n; k++) {
			printf("%-*s  %-8s  %-8s  ", (int)w, rs.r[k].id,
			    zt_check_type_name(&rs.r[k]),
			    zt_sev_names[rs.r[k].sev]);
			zt_fput_escaped(stdout, rs.r[k].description,
			    strlen(rs.r[k].description));
			putchar('\n');
		}
	} else if (strcmp(argv[i], "show") == 0 && i + 2 == argc) {
		if ((r = zt_rules_find(&rs, argv[i + 1])) == NULL) {
			zt_diag_error(NULL, "rules show: no rule '%s' (see "
			    "ztlog rules list)", argv[i + 1]);
			rc = ZT_EXIT_ERROR;
		} else {
			printf("# %s:%lu\n", r->file, r->line);
			fputs(r->text, stdout);
		}
	} else {
		zt_diag_error(NULL, "rules: say list, show ID or lint FILE...");
		rc = usage();
	}
	zt_rules_free(&rs);
	i = finish_output();
	return i > rc ? i : rc;
}

int
main(int argc, char **argv)
{
	static const struct {
		const char	*name;
		int		(*fn)(int, char **);
	} cmds[] = {
		{ "check", cmd_check },
		{ "lb", cmd_lb },
		{ "pairs", cmd_pairs },
		{ "rules", cmd_rules },
		{ "ingest", cmd_ingest },
		{ "query", cmd_query },
		{ "stats", cmd_stats },
	};
	size_t	 i;

	/*
	 * No allocation statistics: they take a global mutex on every
	 * SQLite malloc, a few percent of ingest.
	 */
	zt_input_init();
	/* Past `ulimit -f`, fail the write (EFBIG) and say so; don't die. */
	signal(SIGXFSZ, SIG_IGN);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
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

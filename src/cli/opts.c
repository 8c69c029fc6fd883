/*
 * opts.c -- the command line's tables (commands, options, output formats)
 * and its parser, argv -> struct zt_cli_opts; see cli.h.
 *
 * The parser reads the whole line before judging it: options may come
 * anywhere (before the command too), `--` ends them, and an argument
 * that starts with '-' but holds white space (SQL such as "-- note\n
 * SELECT 1") is an operand.  -h wins over mistakes; otherwise the first
 * mistake is reported on one line, with a "did you mean" where one is
 * close, and a hint naming the command's -h.  Spellings of earlier
 * versions (-f FORMAT, --format, -o FILE) are refused with what to type
 * now: they must never quietly do something else.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "cli/cli.h"
#include "util/diag.h"
#include "util/suggest.h"
#include "util/text.h"
#include "util/xalloc.h"

#define CHECK	ZT_CMD_BIT(ZT_CMD_CHECK)
#define LB	ZT_CMD_BIT(ZT_CMD_LB)
#define PAIRS	ZT_CMD_BIT(ZT_CMD_PAIRS)
#define RULES	ZT_CMD_BIT(ZT_CMD_RULES)
#define INGEST	ZT_CMD_BIT(ZT_CMD_INGEST)
#define QUERY	ZT_CMD_BIT(ZT_CMD_QUERY)
#define STATS	ZT_CMD_BIT(ZT_CMD_STATS)
#define EXPORT	ZT_CMD_BIT(ZT_CMD_EXPORT)
#define INPUTS	(CHECK | LB | PAIRS | INGEST | QUERY | STATS | EXPORT)
/* record filters */
#define SELECT	(CHECK | LB | PAIRS | INGEST | QUERY | STATS | EXPORT)
#define ALL	(ZT_CMD_BIT(ZT_CMD_COUNT) - 1)
#define OPT(o)	(1u << (o))

/* In usage order: the usage lines and the help list them in this order. */
const struct zt_cli_optdef zt_cli_optdefs[] = {
	{ 'q', "quiet", ZT_OPT_QUIET, ZT_VAL_NONE, "-q", NULL, INPUTS, 0,
	    "no summary line, notices or warnings" },
	{ 'd', "db", ZT_OPT_DB, ZT_VAL_FILE, "-d database", NULL, INPUTS, 0,
	    "database file" },
	{ 'r', "rules", ZT_OPT_RULES, ZT_VAL_FILE, "-r rules", NULL,
	    CHECK | LB | PAIRS | RULES, 0,
	    "add a rule file or directory (repeatable)" },
	{ 'o', "output", ZT_OPT_OUTPUT, ZT_VAL_FORMAT, "-o format[=file]",
	    NULL, CHECK | LB | PAIRS | RULES | QUERY | STATS | EXPORT, 0,
	    "output format, to a file with =file" },
	{ 0, "fail-on", ZT_OPT_FAIL_ON, ZT_VAL_WORDS,
	    "--fail-on error | warning", "error warning", CHECK, 0,
	    "exit 1 on error (default) or also on warning" },
	{ 0, "only", ZT_OPT_ONLY, ZT_VAL_RULES, "--only id,...", NULL, CHECK,
	    0, "run only these rules (comma-separated)" },
	{ 0, "examples", ZT_OPT_EXAMPLES, ZT_VAL_ANY, "--examples n", NULL,
	    CHECK, 0, "examples shown per rule (default 5)" },
	{ 0, "sql-timeout", ZT_OPT_SQL_TIMEOUT, ZT_VAL_ANY,
	    "--sql-timeout duration", NULL, CHECK, 0,
	    "time an sql rule may take (default 30s, 0: none)" },
	{ 0, "sql-memory", ZT_OPT_SQL_MEMORY, ZT_VAL_ANY, "--sql-memory size",
	    NULL, CHECK, 0, "memory an sql rule may add (default 512M, 0: none)" },
	{ 0, "since", ZT_OPT_SINCE, ZT_VAL_ANY, "--since time", NULL, SELECT,
	    0, "only records logged at or after time (RFC 3339; 10m: 10 "
	    "minutes ago)" },
	{ 0, "until", ZT_OPT_UNTIL, ZT_VAL_ANY, "--until time", NULL, SELECT,
	    0, "only records logged before time" },
	{ 'n', "namespace", ZT_OPT_NAMESPACE, ZT_VAL_ANY, "-n namespace", NULL,
	    SELECT, 0, "only records from or to the namespace (repeatable)" },
	{ 0, "workload", ZT_OPT_WORKLOAD, ZT_VAL_ANY, "--workload name",
	    NULL, SELECT, 0, "only records from or to the workload, name or "
	    "ns/name (repeatable)" },
	{ 0, "service", ZT_OPT_SERVICE, ZT_VAL_ANY, "--service pcre", NULL,
	    SELECT, 0, "only records to services matching the pattern "
	    "(repeatable)" },
	{ 0, "not", ZT_OPT_NOT, ZT_VAL_NONE, "--not", NULL, SELECT, 0,
	    "drop the records the next filter matches" },
	{ 0, "unmatched", ZT_OPT_UNMATCHED, ZT_VAL_NONE, "--unmatched", NULL,
	    PAIRS, 0, "only records without a twin (exit 1 if any)" },
	{ 0, "max-line", ZT_OPT_MAX_LINE, ZT_VAL_ANY, "--max-line size", NULL,
	    INPUTS, 0, "longest input line accepted (default 1M)" },
	{ 0, "inventory", ZT_OPT_INVENTORY, ZT_VAL_FILE, "--inventory path",
	    NULL, INPUTS, 0, "the workload inventory: ztunnel config dumps, "
	    "istioctl ztunnel-config JSON or tables (repeatable)" },
	{ 0, "include", ZT_OPT_INCLUDE, ZT_VAL_ANY, "--include glob", NULL,
	    INPUTS, 0, "read only files and archive members matching glob "
	    "(repeatable; without '/': any name on the path)" },
	{ 0, "exclude", ZT_OPT_EXCLUDE, ZT_VAL_ANY, "--exclude glob", NULL,
	    INPUTS, 0, "do not read files and archive members matching glob "
	    "(repeatable)" },
	{ 0, "color", ZT_OPT_COLOR, ZT_VAL_WORDS, "--color auto | always | never",
	    "auto always never", CHECK | LB, 0,
	    "colour the text: on a terminal (default), always or never" },
	{ 0, "table", ZT_OPT_TABLE, ZT_VAL_WORDS,
	    "--table records | workloads | services | endpoints",
	    "records workloads services endpoints", EXPORT, 0,
	    "the table to export (default records)" },
	{ 0, "dialect", ZT_OPT_DIALECT, ZT_VAL_WORDS, "--dialect clickhouse",
	    "clickhouse", RULES, 0,
	    "rules sql: the SQL dialect (clickhouse, the default)" },
	{ 0, "ddl", ZT_OPT_DDL, ZT_VAL_NONE, "--ddl", NULL, EXPORT, 0,
	    "print ClickHouse's CREATE TABLE for the table, not its rows" },
	{ 'f', "follow", ZT_OPT_FOLLOW, ZT_VAL_NONE, "-f", NULL, CHECK, 0,
	    "follow a stream: a verdict every --interval, and at its end" },
	{ 0, "interval", ZT_OPT_INTERVAL, ZT_VAL_ANY, "--interval duration",
	    NULL, CHECK, 0, "--follow: time between verdicts (default 5s)" },
	{ 0, "window", ZT_OPT_WINDOW, ZT_VAL_ANY, "--window duration", NULL,
	    CHECK, 0, "judge only the records this close (log time) to the "
	    "newest (default: all)" },
	{ 'h', "help", ZT_OPT_HELP, ZT_VAL_NONE, "-h", NULL, ALL, 0,
	    "this help" },
	{ 'V', "version", ZT_OPT_VERSION, ZT_VAL_NONE, "-V", NULL, ALL, 0,
	    "version, commit and build type" },
};
const size_t zt_cli_noptdefs = sizeof(zt_cli_optdefs) /
    sizeof(zt_cli_optdefs[0]);

#define INPUT_OPERANDS	"[file | dir | archive | -] ..."

const struct zt_cli_cmddef zt_cli_cmds[ZT_CMD_COUNT] = {
	[ZT_CMD_CHECK] = { "check", zt_cli_check, zt_cli_render_check,
	    "run the rules (HBONE use, pairing, balance, errors, your own)",
	    "Run the rules over the inputs and report a verdict.  Exit status:\n"
	    "0 every rule passed, 1 a rule failed, 2 an error (usage, rules,\n"
	    "input, database) or no access record at all.  Every report names\n"
	    "the errors; -o FORMAT=FILE replaces FILE atomically, also when\n"
	    "the run fails.\n",
	    { { ~0u, INPUT_OPERANDS }, { 0, NULL }, { 0, NULL } } },
	[ZT_CMD_LB] = { "lb", zt_cli_lb, zt_cli_render_lb,
	    "each service's connections per endpoint, as bars",
	    "Show each service's connections per endpoint, as bars, against\n"
	    "the share the balance rule's model expects of each (capacity,\n"
	    "presence over time, locality), with the rule's verdict and the\n"
	    "Holm-corrected p-value that decides it.  Exit status 1 when a\n"
	    "service shown is unbalanced.\n",
	    { { ~0u, INPUT_OPERANDS }, { 0, NULL }, { 0, NULL } } },
	[ZT_CMD_PAIRS] = { "pairs", zt_cli_pairs, zt_cli_render_pairs,
	    "the outbound/inbound pairing, connection by connection",
	    "List the pairing of outbound and inbound records made by the\n"
	    "pairing rule, one line per connection.  With --unmatched, exit\n"
	    "status 1 when a record that could have been paired was not.\n",
	    { { ~0u, INPUT_OPERANDS }, { 0, NULL }, { 0, NULL } } },
	[ZT_CMD_RULES] = { "rules", zt_cli_rules, zt_cli_render_rules,
	    "list, show or lint rules",
	    "list: the rules check would run; show ID: a rule's YAML and where\n"
	    "it is defined; lint FILE...: check rule files on their own;\n"
	    "sql [ID...]: the rules as ClickHouse SQL over the table that\n"
	    "ztlog export fills.\n",
	    { { ~OPT(ZT_OPT_DIALECT), "list" },
	      { ~OPT(ZT_OPT_DIALECT), "show\tid" }, { 0, "lint\tfile ..." },
	      { OPT(ZT_OPT_RULES) | OPT(ZT_OPT_DIALECT), "sql\t[id ...]" } } },
	[ZT_CMD_INGEST] = { "ingest", zt_cli_ingest, NULL,
	    "append the records of the inputs to a database file",
	    "Append the records of the inputs to a database file, each source\n"
	    "in one transaction; content already there is skipped.  With\n"
	    "filters only the records they keep are stored, and the same\n"
	    "content under other filters is refused.\n",
	    { { ~0u, INPUT_OPERANDS }, { 0, NULL }, { 0, NULL } } },
	[ZT_CMD_QUERY] = { "query", zt_cli_query, zt_cli_render_query,
	    "run SQL over the records (inputs loaded in memory without -d)",
	    "Run read-only SQL over the records; several statements give one\n"
	    "result set each (json: an array of the result arrays).\n",
	    { { ~0u, "sql\t" INPUT_OPERANDS }, { 0, NULL }, { 0, NULL } } },
	[ZT_CMD_STATS] = { "stats", zt_cli_stats, zt_cli_render_stats,
	    "line accounting per source and per pod",
	    "Count the lines, records, other and malformed lines per source\n"
	    "and per pod; with filters, records are those they keep and\n"
	    "filtered the others.\n",
	    { { ~0u, INPUT_OPERANDS }, { 0, NULL }, { 0, NULL } } },
	[ZT_CMD_EXPORT] = { "export", zt_cli_export, zt_cli_render_export,
	    "write the records for a log store (JSON Lines, CSV, ClickHouse)",
	    "Write the records of the inputs (or of -d), or an inventory table,\n"
	    "for a log store: jsonl (one JSON object a line), csv (with a\n"
	    "header), clickhouse (TabSeparated, exact bytes).  --ddl prints\n"
	    "ClickHouse's CREATE TABLE for it instead.\n",
	    { { ~0u, INPUT_OPERANDS }, { 0, NULL }, { 0, NULL } } },
	[ZT_CMD_COMPLETION] = { "completion", zt_cli_completion, NULL,
	    "print a shell completion script",
	    "Print the completion script for the shell, for example\n"
	    "  source <(ztlog completion bash)\n"
	    "  ztlog completion zsh > \"${fpath[1]}/_ztlog\"\n"
	    "  ztlog completion fish > ~/.config/fish/completions/ztlog.fish\n",
	    { { 0, "bash | zsh | fish" }, { 0, NULL }, { 0, NULL } } },
	[ZT_CMD_HELP] = { "help", zt_cli_cmd_help, NULL,
	    "help on a command",
	    "Print the help of a command, or this list of commands.\n",
	    { { 0, "[command]" }, { 0, NULL }, { 0, NULL } } },
	[ZT_CMD_VERSION] = { "version", zt_cli_cmd_version, NULL,
	    "version, commit, build type and libraries",
	    "Print the version, the git commit and the build type ztlog was\n"
	    "built from, and the versions of its libraries.\n",
	    { { 0, "" }, { 0, NULL }, { 0, NULL } } },
};

/*
 * The output formats of the commands other than check (whose formats are
 * report.h's), the default of each command first.
 */
static const struct {
	const char	*name;
	unsigned	 cmds;
} fmts[] = {
	{ "jsonl", EXPORT },
	{ "text", LB | PAIRS | RULES },
	{ "table", QUERY | STATS },
	{ "csv", QUERY | EXPORT },
	{ "clickhouse", EXPORT },
	{ "json", LB | PAIRS | RULES | QUERY | STATS },
	{ "ndjson", QUERY },
};

size_t
zt_cli_formats(enum zt_cli_cmd cmd, const char **v, size_t max)
{
	size_t	 n = 0;
	size_t	 i;

	if (cmd == ZT_CMD_CHECK) {
		for (i = 0; zt_report_fmts[i].name != NULL && n < max; i++)
			v[n++] = zt_report_fmts[i].name;
		return n;
	}
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]) && n < max; i++)
		if (cmd < ZT_CMD_COUNT && (fmts[i].cmds & ZT_CMD_BIT(cmd)))
			v[n++] = fmts[i].name;
	return n;
}

const char *
zt_cli_format_list(enum zt_cli_cmd cmd, char *buf, size_t size)
{
	const char	*v[16];
	size_t		 n = zt_cli_formats(cmd, v, 16);
	size_t		 i;
	size_t		 len = 0;

	buf[0] = '\0';
	for (i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
		    i == 0 ? "" : i + 1 == n ? " or " : ", ", v[i]);
	return buf;
}

/* Is s an output format of any command? */
static int
any_format(const char *s)
{
	enum zt_cli_cmd	 c;
	const char	*v[16];
	size_t		 n;
	size_t		 i;

	for (c = 0; c < ZT_CMD_COUNT; c++)
		for (n = zt_cli_formats(c, v, 16), i = 0; i < n; i++)
			if (strcmp(v[i], s) == 0)
				return 1;
	return 0;
}

/* ---- parsing ------------------------------------------------------------- */

/* An option as found on the line, judged once the command is known. */
struct seen {
	const struct zt_cli_optdef *d;
	const char	*val;		/* NULL for a flag */
	char		 as[40];	/* as written: "-d", "--db" */
};

struct parse {
	struct zt_cli_opts *o;
	struct seen	*seen;
	size_t		 nseen;
	char		 err[768];	/* the first mistake, or "" */
	int		 help;
	int		 version;
	int		 cmd_given;	/* a first operand was read */
	int		 interval;	/* --interval was given */
};

static void mistake(struct parse *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* Remember the first mistake of the line. */
static void
mistake(struct parse *p, const char *fmt, ...)
{
	va_list	 ap;

	if (p->err[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(p->err, sizeof(p->err), fmt, ap);
	va_end(ap);
}

/* " (did you mean 'x'?)" or "" into buf. */
static const char *
dym(char *buf, size_t n, const char *pre, const char *s)
{
	if (s == NULL)
		buf[0] = '\0';
	else
		snprintf(buf, n, " (did you mean '%s%s'?)", pre, s);
	return buf;
}

static const struct zt_cli_optdef *
by_long(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < zt_cli_noptdefs; i++)
		if (strlen(zt_cli_optdefs[i].lng) == n &&
		    strncmp(zt_cli_optdefs[i].lng, s, n) == 0)
			return &zt_cli_optdefs[i];
	return NULL;
}

static const struct zt_cli_optdef *
by_short(char c)
{
	size_t	 i;

	for (i = 0; i < zt_cli_noptdefs; i++)
		if (zt_cli_optdefs[i].shrt == c)
			return &zt_cli_optdefs[i];
	return NULL;
}

static int
is_option(const char *a)
{
	size_t	 n;

	if (a[0] != '-' || a[1] == '\0')
		return 0;	/* an operand, or - for stdin */
	n = strcspn(a, "=");
	return a[strcspn(a, " \t\n\r")] == '\0' || strcspn(a, " \t\n\r") > n;
}

static void
add_seen(struct parse *p, const struct zt_cli_optdef *d, const char *val,
    const char *as)
{
	struct seen	*s = &p->seen[p->nseen++];

	s->d = d;
	s->val = val;
	snprintf(s->as, sizeof(s->as), "%s", as);
	if (d->id == ZT_OPT_HELP)
		p->help = 1;
	else if (d->id == ZT_OPT_VERSION)
		p->version = 1;
}

/* A --long option at argv[*i]. */
static void
long_opt(struct parse *p, int argc, char **argv, int *i)
{
	const struct zt_cli_optdef *d;
	const char	*a = argv[*i] + 2;
	const char	*eq = strchr(a, '=');
	const char	*names[32];
	size_t		 n = eq != NULL ? (size_t)(eq - a) : strlen(a);
	size_t		 k;
	size_t		 nn = 0;
	char		 as[40];
	char		 b[96];

	snprintf(as, sizeof(as), "--%.*s", (int)(n < 30 ? n : 30), a);
	if (n == 6 && strncmp(a, "format", 6) == 0) {
		mistake(p, "--format is gone: the output format is -o %s "
		    "(-o %s=FILE for a file)", eq != NULL ? eq + 1 :
		    *i + 1 < argc ? argv[*i + 1] : "FORMAT", eq != NULL ?
		    eq + 1 : *i + 1 < argc ? argv[*i + 1] : "FORMAT");
		return;
	}
	if ((d = by_long(a, n)) == NULL) {
		for (k = 0; k < zt_cli_noptdefs && nn < 32; k++)
			if (!zt_cli_optdefs[k].hidden &&
			    (p->o->cmd == ZT_CMD_NONE ||
			    (zt_cli_optdefs[k].cmds &
			    ZT_CMD_BIT(p->o->cmd))))
				names[nn++] = zt_cli_optdefs[k].lng;
		snprintf(as, sizeof(as), "%.*s", (int)(n < 30 ? n : 30), a);
		mistake(p, "unknown option --%s%s", as, dym(b, sizeof(b), "--",
		    zt_suggest(as, names, nn)));
		return;
	}
	if (d->value == ZT_VAL_NONE) {
		if (eq != NULL)
			mistake(p, "option %s takes no value", as);
		else
			add_seen(p, d, NULL, as);
		return;
	}
	if (eq != NULL)
		add_seen(p, d, eq + 1, as);
	else if (*i + 1 < argc)
		add_seen(p, d, argv[++*i], as);
	else
		mistake(p, "option %s needs a value", as);
}

/* -f FORMAT, -fFORMAT: the format spelling of earlier versions. */
static int
old_f(struct parse *p, const char *rest, const char *next)
{
	const char	*fmt = rest[0] != '\0' ? rest : next;

	if (fmt == NULL || !any_format(fmt))
		return 0;
	mistake(p, "-f %s: -f no longer takes a format; write -o %s (or -o "
	    "%s=FILE for a file)", fmt, fmt, fmt);
	return 1;
}

/* A cluster of short options at argv[*i]: -q, -qd db, -ddb. */
static void
short_opts(struct parse *p, int argc, char **argv, int *i)
{
	const struct zt_cli_optdef *d;
	const char	*c;
	char		 as[3] = "-?";

	for (c = argv[*i] + 1; *c != '\0'; c++) {
		as[1] = *c;
		if (*c == '=' && c > argv[*i] + 1) {
			mistake(p, "option -%c takes no value", c[-1]);
			return;
		}
		if ((d = by_short(*c)) == NULL) {
			mistake(p, "unknown option %s", as);
			return;
		}
		if (d->id == ZT_OPT_FOLLOW && old_f(p, c + 1, c[1] == '\0' &&
		    *i + 1 < argc ? argv[*i + 1] : NULL))
			return;
		if (d->value == ZT_VAL_NONE) {
			add_seen(p, d, NULL, as);
			continue;
		}
		if (c[1] != '\0')
			add_seen(p, d, c + 1, as);
		else if (*i + 1 < argc)
			add_seen(p, d, argv[++*i], as);
		else
			mistake(p, "option %s needs a value", as);
		return;
	}
}

static void
operand(struct parse *p, char *a)
{
	const char	*names[ZT_CMD_COUNT];
	enum zt_cli_cmd	 c;
	char		 b[96];

	if (p->cmd_given) {
		p->o->args[p->o->nargs++] = a;
		return;
	}
	p->cmd_given = 1;
	for (c = 0; c < ZT_CMD_COUNT; c++) {
		names[c] = zt_cli_cmds[c].name;
		if (strcmp(a, names[c]) == 0) {
			p->o->cmd = c;
			return;
		}
	}
	mistake(p, "unknown command '%s'%s", a, dym(b, sizeof(b), "",
	    zt_suggest(a, names, ZT_CMD_COUNT)));
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

/* The format -o FILE probably meant, from the file's extension. */
static const char *
guess_format(enum zt_cli_cmd cmd, const char *file)
{
	static const char *const ext[][2] = {
		{ ".xml", "junit" }, { ".json", "json" }, { ".ndjson",
		"ndjson" }, { ".jsonl", "ndjson" }, { ".csv", "csv" },
		{ ".md", "markdown" }, { ".html", "html" },
	};
	const char	*v[16];
	size_t		 n = zt_cli_formats(cmd, v, 16);
	size_t		 i;
	size_t		 k;
	size_t		 fl = strlen(file);
	size_t		 el;

	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		el = strlen(ext[i][0]);
		if (fl <= el || strcmp(file + fl - el, ext[i][0]) != 0)
			continue;
		for (k = 0; k < n; k++)
			if (strcmp(v[k], ext[i][1]) == 0)
				return v[k];
	}
	return n > 0 ? v[0] : "text";
}

/* -o FORMAT[=FILE]. */
static void
output(struct parse *p, const char *spec, const char *as)
{
	struct zt_cli_opts *o = p->o;
	const char	*v[16];
	const char	*eq = strchr(spec, '=');
	const char	*fmt = NULL;
	size_t		 n = zt_cli_formats(o->cmd, v, 16);
	size_t		 fl = eq != NULL ? (size_t)(eq - spec) : strlen(spec);
	size_t		 i;
	char		 name[64];
	char		 list[128];
	char		 b[96];

	snprintf(name, sizeof(name), "%.*s", (int)(fl < 63 ? fl : 63), spec);
	for (i = 0; i < n && fmt == NULL; i++)
		if (strlen(v[i]) == fl && strncmp(v[i], spec, fl) == 0)
			fmt = v[i];
	zt_cli_format_list(o->cmd, list, sizeof(list));
	if (fmt == NULL && any_format(name)) {
		mistake(p, "%s %s: %s writes %s, not %s", as, spec,
		    zt_cli_cmds[o->cmd].name, list, name);
		return;
	}
	if (fmt == NULL && eq == NULL && (strpbrk(spec, "./") != NULL ||
	    zt_suggest(name, v, n) == NULL)) {
		/* An earlier version's -o FILE: say what to type now. */
		mistake(p, "%s %s: -o takes a format now (%s); to write a "
		    "file: -o %s=%s", as, spec, list, guess_format(o->cmd,
		    spec), spec);
		return;
	}
	if (fmt == NULL) {
		mistake(p, "%s %s: unknown format '%s'%s; %s writes %s", as,
		    spec, name, dym(b, sizeof(b), "", zt_suggest(name, v, n)),
		    zt_cli_cmds[o->cmd].name, list);
		return;
	}
	if (eq != NULL && eq[1] == '\0') {
		mistake(p, "%s %s: no file name after '='", as, spec);
		return;
	}
	if (o->nout == ZT_CLI_MAXOUT) {
		mistake(p, "%s: at most %d outputs", as, ZT_CLI_MAXOUT);
		return;
	}
	o->out[o->nout].fmt = fmt;
	o->out[o->nout].path = eq == NULL || strcmp(eq + 1, "-") == 0 ?
	    NULL : eq + 1;
	o->nout++;
}

/* Do two -o name the same file? */
static int
same_file(const char *a, const char *b)
{
	struct stat	 sa;
	struct stat	 sb;

	if (strcmp(a, b) == 0)
		return 1;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static void
check_outputs(struct parse *p)
{
	const struct zt_cli_opts *o = p->o;
	int		 i;
	int		 k;
	int		 nstd = 0;

	for (i = 0; i < o->nout; i++) {
		nstd += o->out[i].path == NULL;
		for (k = 0; k < i; k++)
			if (o->out[i].path != NULL && o->out[k].path != NULL &&
			    same_file(o->out[i].path, o->out[k].path))
				mistake(p, "-o %s=%s and -o %s=%s write the same "
				    "file", o->out[k].fmt, o->out[k].path,
				    o->out[i].fmt, o->out[i].path);
	}
	if (nstd > 1)
		mistake(p, "only one -o can write to standard output (the "
		    "others need =FILE)");
	if (o->cmd == ZT_CMD_QUERY && o->nout > 1)
		mistake(p, "query takes one -o: it runs the SQL once");
	if (o->cmd == ZT_CMD_EXPORT && o->nout > 1)
		mistake(p, "export takes one -o");
}

/* Apply one option the command accepts. */
static void
apply(struct parse *p, const struct seen *s)
{
	struct zt_cli_opts *o = p->o;
	int64_t		 num;
	char		 msg[256];

	switch (s->d->id) {
	case ZT_OPT_QUIET:
		o->quiet = 1;
		break;
	case ZT_OPT_DB:
		if (*s->val == '\0')
			mistake(p, "%s: empty database path", s->as);
		o->db = s->val;
		break;
	case ZT_OPT_RULES:
		if (o->nrules == ZT_CLI_MAXRULES)
			mistake(p, "%s: at most %d rule paths", s->as,
			    ZT_CLI_MAXRULES);
		else
			o->rules[o->nrules++] = s->val;
		break;
	case ZT_OPT_OUTPUT:
		output(p, s->val, s->as);
		break;
	case ZT_OPT_FAIL_ON:
		if (strcmp(s->val, "warning") == 0)
			o->fail_warn = 1;
		else if (strcmp(s->val, "error") != 0)
			mistake(p, "%s: '%s' is not error or warning", s->as,
			    s->val);
		break;
	case ZT_OPT_ONLY:
		if (s->val[strspn(s->val, ", ")] == '\0')
			mistake(p, "%s: no rule id in '%s'", s->as, s->val);
		o->only = s->val;
		break;
	case ZT_OPT_EXAMPLES:
		if (zt_parse_u63(s->val, strlen(s->val), &num) != 0 ||
		    num > 100000)
			mistake(p, "%s: '%s' is not a number from 0 to 100000",
			    s->as, s->val);
		else
			o->examples = (int)num;
		break;
	case ZT_OPT_SQL_TIMEOUT:
		if (zt_parse_duration(s->val, &o->sql_ms) != 0)
			mistake(p, "%s: bad duration '%s' (such as 30s, 2m; 0 "
			    "for none)", s->as, s->val);
		break;
	case ZT_OPT_WINDOW:
		if (zt_parse_duration(s->val, &o->window_ms) != 0 ||
		    o->window_ms == 0)
			mistake(p, "%s: bad duration '%s' (such as 90s, 1m, 2h)",
			    s->as, s->val);
		break;
	case ZT_OPT_SQL_MEMORY:
		if (strcmp(s->val, "0") == 0)
			o->sql_bytes = 0;
		else if ((o->sql_bytes = (int64_t)parse_size(s->val)) <
		    (1 << 20))
			mistake(p, "%s: bad size '%s' (1M to 1G, suffix M or G; "
			    "0 for none)", s->as, s->val);
		break;
	case ZT_OPT_SINCE:
	case ZT_OPT_UNTIL:
	case ZT_OPT_NAMESPACE:
	case ZT_OPT_WORKLOAD:
	case ZT_OPT_SERVICE:
	case ZT_OPT_NOT:
		if (zt_cli_filter_opt(o, s->d->id, s->val, msg,
		    sizeof(msg)) != NULL)
			mistake(p, "%s: %s", s->as, msg);
		break;
	case ZT_OPT_UNMATCHED:
		o->unmatched = 1;
		break;
	case ZT_OPT_INVENTORY:
		if (o->ninventory == ZT_CLI_MAXGLOBS)
			mistake(p, "%s: at most %d paths", s->as,
			    ZT_CLI_MAXGLOBS);
		else
			o->inventory[o->ninventory++] = s->val;
		break;
	case ZT_OPT_INCLUDE:
	case ZT_OPT_EXCLUDE:
		if ((s->d->id == ZT_OPT_INCLUDE ? o->ninclude : o->nexclude) ==
		    ZT_CLI_MAXGLOBS)
			mistake(p, "%s: at most %d globs", s->as,
			    ZT_CLI_MAXGLOBS);
		else if (s->d->id == ZT_OPT_INCLUDE)
			o->include[o->ninclude++] = s->val;
		else
			o->exclude[o->nexclude++] = s->val;
		break;
	case ZT_OPT_MAX_LINE:
		if ((o->maxline = parse_size(s->val)) == 0)
			mistake(p, "%s: bad size '%s' (64 to 1G, suffix K, M "
			    "or G)", s->as, s->val);
		break;
	case ZT_OPT_FOLLOW:
		o->follow = 1;
		break;
	case ZT_OPT_COLOR:
		if (strcmp(s->val, "always") == 0)
			o->color = 1;
		else if (strcmp(s->val, "never") == 0)
			o->color = 2;
		else if (strcmp(s->val, "auto") == 0)
			o->color = 0;
		else
			mistake(p, "%s: '%s' is not auto, always or never",
			    s->as, s->val);
		break;
	case ZT_OPT_DIALECT:
		if (strcmp(s->val, "clickhouse") != 0)
			mistake(p, "%s: '%s' is not a dialect ztlog writes "
			    "(clickhouse)", s->as, s->val);
		break;
	case ZT_OPT_DDL:
		o->ddl = 1;
		break;
	case ZT_OPT_TABLE:
		if (strcmp(s->val, "records") != 0 &&
		    strcmp(s->val, "workloads") != 0 &&
		    strcmp(s->val, "services") != 0 &&
		    strcmp(s->val, "endpoints") != 0)
			mistake(p, "%s: '%s' is not records, workloads, "
			    "services or endpoints", s->as, s->val);
		o->table = s->val;
		break;
	case ZT_OPT_INTERVAL:
		p->interval = 1;
		if (zt_parse_duration(s->val, &o->interval_ms) != 0 ||
		    o->interval_ms < 100)
			mistake(p, "%s: bad duration '%s' (such as 5s, 1m; at "
			    "least 100ms)", s->as, s->val);
		break;
	case ZT_OPT_HELP:
	case ZT_OPT_VERSION:
		break;
	}
}

/* The commands an option belongs to, "lb" or "check, lb and pairs". */
static const char *
owners(unsigned cmds, char *buf, size_t size)
{
	enum zt_cli_cmd	 c;
	size_t		 len = 0;
	unsigned	 left = cmds;

	buf[0] = '\0';
	for (c = 0; c < ZT_CMD_COUNT && len < size; c++) {
		if (!(cmds & ZT_CMD_BIT(c)))
			continue;
		left &= ~ZT_CMD_BIT(c);
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
		    len == 0 ? "" : left == 0 ? " and " : ", ",
		    zt_cli_cmds[c].name);
	}
	return buf;
}

void
zt_cli_hint(enum zt_cli_cmd cmd)
{
	fflush(stdout);
	if (cmd < ZT_CMD_COUNT)
		fprintf(stderr, "ztlog: try 'ztlog %s -h'\n",
		    zt_cli_cmds[cmd].name);
	else
		fputs("ztlog: try 'ztlog -h'\n", stderr);
}

int
zt_cli_parse(int argc, char **argv, struct zt_cli_opts *o)
{
	struct parse	 p;
	size_t		 i;
	int		 k;
	int		 endopts = 0;
	char		 b[128];

	memset(o, 0, sizeof(*o));
	zt_diag_width(zt_cli_width(stderr));
	clock_gettime(CLOCK_REALTIME, &o->started);
	clock_gettime(CLOCK_MONOTONIC, &o->mono);
	o->cmd = ZT_CMD_NONE;
	o->maxline = DEFAULT_MAXLINE;
	o->examples = 5;
	o->interval_ms = 5000;
	o->sql_ms = 30000;
	o->sql_bytes = (int64_t)512 << 20;
	o->args = zt_xcalloc((size_t)argc + 1, sizeof(*o->args));
	memset(&p, 0, sizeof(p));
	p.o = o;
	p.seen = zt_xcalloc((size_t)argc + 1, sizeof(*p.seen));
	for (k = 1; k < argc; k++) {
		if (endopts || !is_option(argv[k]))
			operand(&p, argv[k]);
		else if (strcmp(argv[k], "--") == 0)
			endopts = 1;
		else if (argv[k][1] == '-')
			long_opt(&p, argc, argv, &k);
		else
			short_opts(&p, argc, argv, &k);
	}
	for (i = 0; i < p.nseen && o->cmd != ZT_CMD_NONE; i++) {
		if (!(p.seen[i].d->cmds & ZT_CMD_BIT(o->cmd)))
			mistake(&p, "%s is an option of %s, not of %s",
			    p.seen[i].as, owners(p.seen[i].d->cmds, b,
			    sizeof(b)), zt_cli_cmds[o->cmd].name);
		else
			apply(&p, &p.seen[i]);
	}
	free(p.seen);
	if (o->cmd != ZT_CMD_NONE && zt_cli_filter_end(o) != NULL)
		mistake(&p, "%s", zt_cli_filter_end(o));
	if (p.interval && !o->follow)
		mistake(&p, "--interval goes with --follow");
	if (o->cmd != ZT_CMD_NONE && p.err[0] == '\0')
		check_outputs(&p);
	if (p.help && (o->cmd != ZT_CMD_NONE || !p.cmd_given))
		return 1;
	if (p.version && p.err[0] == '\0')
		return 2;
	if (p.err[0] == '\0' && o->cmd == ZT_CMD_NONE)
		mistake(&p, "no command given");
	if (p.err[0] != '\0') {
		zt_diag_error(NULL, "%s", p.err);
		zt_cli_hint(o->cmd);
		return -1;
	}
	zt_diag_quiet(o->quiet);
	return 0;
}

void
zt_cli_opts_free(struct zt_cli_opts *o)
{
	free(o->args);
	zt_select_free(&o->select);
	o->args = NULL;
	o->nargs = 0;
}

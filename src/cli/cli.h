/*
 * cli.h -- ztlog's command line: argv -> command -> reports -> exit status.
 *
 * Commands wire the stages together; they own nothing but the order:
 *   ingest:  operands -> ingest -> file database
 *   query:   [operands -> ingest ->] database -> SQL -> output
 *   stats:   [operands -> ingest ->] database -> counts -> output
 *   check, lb, pairs: rules -> [operands -> ingest ->] check -> report
 *
 * One set of tables (opts.c) describes the commands, their options and
 * their output formats; the parser (opts.c), the usage and help (help.c)
 * and the shell completions (complete.c) are all made from it, so they
 * cannot drift apart.  outputs.c writes what -o asks for; run.c holds
 * what several commands share; cmd_*.c are the commands, one file per
 * group.
 */
#ifndef ZT_CLI_H
#define ZT_CLI_H

#include <stdio.h>
#include <time.h>

#include <sqlite3.h>

#include "check/check.h"
#include "ingest.h"
#include "report/report.h"
#include "check/rules.h"
#include "rules/select.h"
#include "store/store.h"

#define DEFAULT_DB	"ztlog.db"
#define DEFAULT_MAXLINE	(1024 * 1024)
#define ZT_CLI_MAXOUT	8	/* -o per run */
#define ZT_CLI_MAXRULES	32	/* -r per run */
#define ZT_CLI_MAXGLOBS	32	/* --include, --exclude per run */

enum zt_cli_cmd {
	ZT_CMD_CHECK,
	ZT_CMD_LB,
	ZT_CMD_PAIRS,
	ZT_CMD_RULES,
	ZT_CMD_INGEST,
	ZT_CMD_QUERY,
	ZT_CMD_STATS,
	ZT_CMD_EXPORT,
	ZT_CMD_COMPLETION,
	ZT_CMD_HELP,
	ZT_CMD_VERSION,
	ZT_CMD_COUNT,
	ZT_CMD_NONE = ZT_CMD_COUNT
};

#define ZT_CMD_BIT(c)	(1u << (c))

enum zt_cli_optid {
	ZT_OPT_QUIET,
	ZT_OPT_DB,
	ZT_OPT_RULES,
	ZT_OPT_OUTPUT,
	ZT_OPT_FAIL_ON,
	ZT_OPT_ONLY,
	ZT_OPT_EXAMPLES,
	ZT_OPT_SQL_TIMEOUT,
	ZT_OPT_SQL_MEMORY,
	ZT_OPT_SINCE,
	ZT_OPT_UNTIL,
	ZT_OPT_NAMESPACE,
	ZT_OPT_WORKLOAD,
	ZT_OPT_SERVICE,
	ZT_OPT_NOT,
	ZT_OPT_UNMATCHED,
	ZT_OPT_MAX_LINE,
	ZT_OPT_INVENTORY,
	ZT_OPT_INCLUDE,
	ZT_OPT_EXCLUDE,
	ZT_OPT_FOLLOW,
	ZT_OPT_COLOR,
	ZT_OPT_DDL,
	ZT_OPT_TABLE,
	ZT_OPT_DIALECT,
	ZT_OPT_INTERVAL,
	ZT_OPT_WINDOW,
	ZT_OPT_HELP,
	ZT_OPT_VERSION
};

/* How a shell completes an option's value. */
enum zt_cli_value {
	ZT_VAL_NONE,		/* a flag */
	ZT_VAL_ANY,		/* a word: nothing to offer */
	ZT_VAL_FILE,		/* a file or directory */
	ZT_VAL_WORDS,		/* one of the option's words */
	ZT_VAL_FORMAT,		/* an output format of the command [=file] */
	ZT_VAL_RULES		/* rule ids, comma-separated */
};

struct zt_cli_optdef {
	char		 shrt;		/* 'd', or 0 */
	const char	*lng;		/* "db" */
	enum zt_cli_optid id;
	enum zt_cli_value value;
	const char	*syn;		/* as in the usage: "-d database" */
	const char	*words;		/* ZT_VAL_WORDS: "error warning" */
	unsigned	 cmds;		/* ZT_CMD_BIT()s of the commands */
	int		 hidden;	/* parsed, not shown (reserved) */
	const char	*help;		/* one line for -h */
};

/* One line of a command's usage: its options (all: ~0u) and operands. */
struct zt_cli_use {
	unsigned	 opts;		/* bits of enum zt_cli_optid */
	const char	*operands;	/* units separated by '\t' */
};

struct zt_cli_opts;

/*
 * A command's renderer: write its result in format fmt to f.  res is
 * what the command made, or NULL when it stopped before it had a result
 * (then write the format's error form, or nothing).  errs are the errors
 * of the run, the same for every output.
 */
typedef void	(*zt_cli_render)(FILE *f, const char *fmt, const void *res,
		    const struct zt_report_errs *errs,
		    const struct zt_cli_opts *o);

struct zt_cli_cmddef {
	const char	*name;
	int		(*run)(struct zt_cli_opts *o);
	zt_cli_render	 render;	/* NULL: no -o */
	const char	*summary;	/* one line for ztlog -h */
	const char	*about;		/* the paragraph of ztlog CMD -h */
	struct zt_cli_use use[4];	/* usage lines; operands NULL: end */
};

extern const struct zt_cli_cmddef	 zt_cli_cmds[ZT_CMD_COUNT];
extern const struct zt_cli_optdef	 zt_cli_optdefs[];
extern const size_t			 zt_cli_noptdefs;

/*
 * The output formats of cmd, its default first, into v (at most max);
 * returns how many.  check's are the report formats (report.h).
 */
size_t	zt_cli_formats(enum zt_cli_cmd cmd, const char **v, size_t max);
/* "a, b or c" for messages, into buf. */
const char *zt_cli_format_list(enum zt_cli_cmd cmd, char *buf, size_t n);

/* One -o: a format to standard output or to a file. */
struct zt_cli_out {
	const char	*fmt;		/* a name from the format table */
	const char	*path;		/* NULL: standard output */
	int		 dropped;	/* refused: never written */
};

struct zt_cli_opts {
	enum zt_cli_cmd	 cmd;
	const char	*db;		/* -d, or NULL */
	const char	*rules[ZT_CLI_MAXRULES];	/* -r, in order */
	int		 nrules;
	const char	*inventory[ZT_CLI_MAXGLOBS];	/* --inventory */
	size_t		 ninventory;
	const char	*include[ZT_CLI_MAXGLOBS];	/* --include, in order */
	size_t		 ninclude;
	const char	*exclude[ZT_CLI_MAXGLOBS];	/* --exclude */
	size_t		 nexclude;
	struct zt_cli_out out[ZT_CLI_MAXOUT];	/* -o, in order */
	int		 nout;
	const char	*only;		/* --only, or NULL */
	const char	*service;	/* the last --service, or NULL */
	struct zt_select select;	/* --since, -n, --service, ... */
	int		 negate;	/* --not waits for its filter */
	int		 color;		/* --color: 0 auto, 1 always, 2 never */
	size_t		 maxline;	/* --max-line */
	int		 quiet;		/* -q */
	int		 fail_warn;	/* --fail-on warning */
	int		 unmatched;	/* --unmatched */
	int		 follow;	/* -f, --follow */
	int64_t		 interval_ms;	/* --interval */
	int		 ddl;		/* export --ddl */
	const char	*table;		/* export --table, or NULL */
	int		 examples;	/* --examples */
	int64_t		 sql_ms;	/* --sql-timeout, 0: none */
	int64_t		 sql_bytes;	/* --sql-memory, 0: none */
	int64_t		 window_ms;	/* --window, 0: none */
	char		**args;		/* operands after the command; owned */
	int		 nargs;
	struct timespec	 started;	/* wall clock at the start */
	struct timespec	 mono;		/* monotonic clock at the start */
};

/*
 * Parse argv (options anywhere, `--` ends them) into o.  Returns 0 to
 * run o->cmd; 1 when -h asks for the help of o->cmd (ZT_CMD_NONE: all),
 * 2 when -V asks for the version (print them: zt_cli_help, zt_cli_version;
 * exit 0); -1 after a usage error, printed with a one-line hint.  o is filled as far as
 * the line could be read (o->out for the error reports) and must be
 * released with zt_cli_opts_free() whatever the result.
 */
int	zt_cli_parse(int argc, char **argv, struct zt_cli_opts *o);
void	zt_cli_opts_free(struct zt_cli_opts *o);
/* "try 'ztlog check -h'" on stderr, after a usage error. */
void	zt_cli_hint(enum zt_cli_cmd cmd);

/* help.c */
/* The usage lines of cmd (all commands: ZT_CMD_NONE), "usage: " first. */
void	zt_cli_usage(FILE *f, enum zt_cli_cmd cmd);
/* ztlog -h (cmd ZT_CMD_NONE) or ztlog CMD -h, on stdout. */
void	zt_cli_help(enum zt_cli_cmd cmd);
void	zt_cli_version(void);
int	zt_cli_cmd_help(struct zt_cli_opts *o);
int	zt_cli_cmd_version(struct zt_cli_opts *o);

/* filters.c */
/*
 * One of --since, --until, -n, --workload, --service, --not into
 * o->select.  Returns NULL, or the mistake (in msg).
 */
const char *zt_cli_filter_opt(struct zt_cli_opts *o, enum zt_cli_optid id,
	    const char *val, char *msg, size_t msgsize);
/* After the line: a --not with no filter after it, or NULL. */
const char *zt_cli_filter_end(const struct zt_cli_opts *o);
/*
 * Make the records view of db show what o->select keeps: a temporary
 * view of the same name over main.records (query, sql rules).  Returns
 * 0, or -1 with err set.
 */
int	zt_cli_select_sql(sqlite3 *db, const struct zt_select *s,
	    struct zt_err *err);

/* complete.c */
int	zt_cli_completion(struct zt_cli_opts *o);

/* outputs.c */
/*
 * Before a command reads anything: refuse (drop) a -o file that is one
 * of the inputs or the database, and replace every -o file with the
 * command's error form saying the run did not finish, so that a run
 * killed half-way never leaves the previous run's report behind.
 * Returns 0, or -1 when an output was refused (the error printed).
 */
int	zt_cli_outputs_begin(struct zt_cli_opts *o);
/*
 * Write every -o (or the command's default format to standard output
 * when there is none) from res (NULL: the command stopped before it had
 * a result), each file atomically.  Returns the exit status of the
 * writing: 0, or 2 when an output could not be written.
 */
int	zt_cli_outputs_end(const struct zt_cli_opts *o, const void *res);
/* The standard output format: the -o without a file, else the default. */
const char *zt_cli_stdout_format(const struct zt_cli_opts *o);

/* run.c */
/*
 * The run's workload inventory: made on the first call, with the
 * --inventory paths read into it (a path that cannot be read is an
 * error, printed; the run goes on without it).  zt_cli_load adds the
 * config_dump members of bug-report archives as it meets them, so the
 * checks may consult it only when rendering.  Freed by
 * zt_cli_inventory_free at the end of the process.
 */
struct zt_inv *zt_cli_inventory(const struct zt_cli_opts *o);
void	zt_cli_inventory_free(void);
/* query and stats on a database opened for reading: --inventory unread. */
void	zt_cli_inventory_unread(const struct zt_cli_opts *o);
/*
 * Load operands (or stdin when there are none) into st, passing records
 * to sink too (NULL: none); prints the summary.  With an inventory (the
 * --inventory paths, bug-report config dumps), its conflicts are printed
 * as notices and, unless st is read-only, it is written into st's
 * inventory tables.
 */
void	zt_cli_load(struct zt_store *st, const struct zt_cli_opts *o, int n,
	    char **v, const struct zt_ingest_sink *sink);
/* Open the -d database, or one of memmode without -d; NULL after an error. */
struct zt_store *zt_cli_open_store(const struct zt_cli_opts *o, int ninputs,
	    enum zt_store_mode memmode);
/* Flush stdout; the exit status so far, 2 on a write error. */
int	zt_cli_finish_output(void);
/* Built-in rules, then -r paths, then --only.  NULL-free; -1 on error. */
int	zt_cli_load_rules(const struct zt_cli_opts *o, struct zt_ruleset *rs);
/*
 * Colour on f: --color always, or (auto) a terminal, NO_COLOR unset or
 * empty, TERM not dumb; never with --color never.
 */
int	zt_cli_use_color(FILE *f, const struct zt_cli_opts *o);
/*
 * The columns text on f must fit: $COLUMNS when it is a number (20 or
 * more), else the terminal's width; 0 (no limit) when f is no terminal,
 * and for any f but standard output and error (-o FORMAT=FILE).
 */
size_t	zt_cli_width(FILE *f);
/*
 * The common front of check, lb and pairs: rules first (so a bad rule
 * file stops us before any input is read), then the data, then one run.
 * Returns the store, or NULL after a diagnostic.
 */
struct zt_store *zt_cli_prepare(const struct zt_cli_opts *o, int n, char **v,
	    struct zt_ruleset *rs, struct zt_checkrun *run, int keep_pairs,
	    sqlite3 **reader);
/*
 * After zt_cli_prepare(): an input that held no access record at all is
 * an error (an empty `kubectl logs` never passes).  Returns 0 or -1.
 */
int	zt_cli_need_records(const struct zt_checkrun *run);
/* Release what zt_cli_prepare() made. */
void	zt_cli_release(struct zt_checkrun *run, sqlite3 *rd,
	    struct zt_store *st, struct zt_ruleset *rs);
/* Seconds since o->mono. */
double	zt_cli_elapsed(const struct zt_cli_opts *o);

/* live.c */
/*
 * What the reports of this run state about reading (live.h's struct in
 * report.h): NULL for a whole, finite, uninterrupted run.
 */
const struct zt_report_live *zt_cli_live(void);
struct zt_report_live *zt_cli_live_edit(void);
/*
 * Text outputs of lb, pairs and stats: the line check's text starts with
 * when reading stopped on a signal ("the bars" cover what was read ...).
 */
void	zt_cli_live_header(FILE *f, const char *what);
/* The tick zt_cli_load gives ingest instead of the progress line. */
void	zt_cli_set_tick(void (*fn)(void *, const struct zt_ingest_live *),
	    void *ctx, int64_t ms, int eager);
/* Around zt_cli_load's reading: the tick or the progress line; the end. */
void	zt_cli_live_begin(struct zt_ingest *ig,
	    const struct zt_cli_opts *o);
void	zt_cli_live_end(const struct zt_ingest *ig);

/* follow.c: check --follow */
/*
 * Make the run of c (over st) a follow run: wrap sink (check's, fed to
 * zt_cli_load) and set the tick that renders a snapshot each interval.
 */
void	zt_cli_follow_start(const struct zt_cli_opts *o,
	    struct zt_checker *c, struct zt_store *st,
	    struct zt_ingest_sink *sink);
/*
 * Before reading standard input (n operands v: none or "-"), a pipe or a
 * terminal: a snapshot (of nothing yet) each interval until the first
 * bytes come, or a signal.
 */
void	zt_cli_follow_wait(int n, char **v);
/* The final report of a follow run on standard output. */
void	zt_cli_follow_final(FILE *f, const char *fmt,
	    const struct zt_report *r);
/* Free what the follow run kept, after its outputs. */
void	zt_cli_follow_free(void);
/* Can --follow run with these options?  0, or -1 after a usage error. */
int	zt_cli_follow_usable(const struct zt_cli_opts *o);

/* The commands (cmd_*.c) and their renderers. */
int	zt_cli_ingest(struct zt_cli_opts *o);
int	zt_cli_query(struct zt_cli_opts *o);
int	zt_cli_stats(struct zt_cli_opts *o);
int	zt_cli_export(struct zt_cli_opts *o);
int	zt_cli_check(struct zt_cli_opts *o);
int	zt_cli_lb(struct zt_cli_opts *o);
int	zt_cli_pairs(struct zt_cli_opts *o);
int	zt_cli_rules(struct zt_cli_opts *o);
void	zt_cli_render_query(FILE *, const char *, const void *,
	    const struct zt_report_errs *, const struct zt_cli_opts *);
void	zt_cli_render_stats(FILE *, const char *, const void *,
	    const struct zt_report_errs *, const struct zt_cli_opts *);
void	zt_cli_render_export(FILE *, const char *, const void *,
	    const struct zt_report_errs *, const struct zt_cli_opts *);
void	zt_cli_render_check(FILE *, const char *, const void *,
	    const struct zt_report_errs *, const struct zt_cli_opts *);
void	zt_cli_render_lb(FILE *, const char *, const void *,
	    const struct zt_report_errs *, const struct zt_cli_opts *);
void	zt_cli_render_pairs(FILE *, const char *, const void *,
	    const struct zt_report_errs *, const struct zt_cli_opts *);
void	zt_cli_render_rules(FILE *, const char *, const void *,
	    const struct zt_report_errs *, const struct zt_cli_opts *);

#endif

/*
 * cli.h -- ztlog's command line: argv -> command -> exit status.
 *
 * Commands wire the stages together; they own nothing but the order:
 *   ingest:  operands -> ingest -> file database
 *   query:   [operands -> ingest ->] database -> SQL -> output
 *   stats:   [operands -> ingest ->] database -> counts -> output
 *   check, lb, pairs: rules -> [operands -> ingest ->] check -> report
 *
 * opts.c parses options and prints help; run.c holds what several
 * commands share (loading inputs, opening the store, running the rules);
 * cmd_*.c are the commands, one file per group.
 */
#ifndef ZT_CLI_H
#define ZT_CLI_H

#include <stdio.h>

#include <sqlite3.h>

#include "check/check.h"
#include "ingest.h"
#include "rules/rules.h"
#include "store/store.h"

#define DEFAULT_DB	"ztlog.db"
#define DEFAULT_MAXLINE	(1024 * 1024)

struct zt_cli_opts {
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

/* Print the usage to stderr; returns ZT_EXIT_ERROR. */
int	zt_cli_usage(void);
/* Print the usage and the help to stdout. */
void	zt_cli_help(void);
void	zt_cli_version(void);
/*
 * Parse the options of a command; argv[0] is the command name.  Returns
 * the index of the first operand, -1 for a usage error, -2 after --help.
 */
int	zt_cli_parse_opts(int argc, char **argv, const char *allowed,
	    struct zt_cli_opts *o);

/*
 * Load operands (or stdin when there are none) into st, passing records
 * to sink too (NULL: none); prints the summary.
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
/* Colour on f: a terminal, NO_COLOR unset or empty, TERM not dumb. */
int	zt_cli_use_color(FILE *f);
/*
 * The common front of check, lb and pairs: rules first (so a bad rule
 * file stops us before any input is read), then the data, then one run.
 * Returns the store, or NULL after a diagnostic.
 */
struct zt_store *zt_cli_prepare(const struct zt_cli_opts *o, int n, char **v,
	    struct zt_ruleset *rs, struct zt_checkrun *run, int keep_pairs,
	    sqlite3 **reader);
/*
 * Release what zt_cli_prepare() made and give the exit status: rc, raised
 * to 2 when the input held no access record at all or standard output
 * could not be written.
 */
int	zt_cli_finish_run(struct zt_checkrun *run, sqlite3 *rd,
	    struct zt_store *st, struct zt_ruleset *rs, int rc);

int	zt_cli_ingest(int argc, char **argv);
int	zt_cli_query(int argc, char **argv);
int	zt_cli_stats(int argc, char **argv);
int	zt_cli_check(int argc, char **argv);
int	zt_cli_lb(int argc, char **argv);
int	zt_cli_pairs(int argc, char **argv);
int	zt_cli_rules(int argc, char **argv);

#endif

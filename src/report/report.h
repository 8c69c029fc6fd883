/*
 * report.h -- check results for people (text), programs (JSON) and CI
 * pages (JUnit XML), plus the `ztlog lb` bars, the `ztlog pairs` list and
 * the JSON of lb, pairs and rules.
 *
 * check -> [report]
 *
 * Text from logs is escaped everywhere, by util/escape.h (ZT_ESC_TEXT,
 * _JSON and _XML).  Colour only when asked (the caller decides: a
 * terminal, and NO_COLOR unset).  Every report carries the errors of the
 * run (a source that could not be read, a rule file with a mistake): a
 * report never passes a run that had one.
 */
#ifndef ZT_REPORT_H
#define ZT_REPORT_H

#include <stdio.h>
#include <time.h>

#include <sqlite3.h>

#include "check/check.h"
#include "check/rules.h"
#include "util/diag.h"

/* The errors of a run, as the reports list them (diag's collection). */
struct zt_report_errs {
	const struct zt_diag_entry *v;	/* borrowed */
	size_t		 n;		/* kept, in v */
	size_t		 all;		/* in all (>= n) */
};

/*
 * A run that read a stream: stopped by a signal (interrupted), or a
 * snapshot of `check --follow` (follow; the last one final), with the
 * log time of the records it judged (first_us, last_us; 0 when none).
 */
struct zt_report_live {
	int		 interrupted;
	int		 follow;
	int		 final;
	int64_t		 first_us;
	int64_t		 last_us;
};

/* What a check report shows. */
struct zt_report {
	const struct zt_checkrun *run;	/* NULL: stopped before judging */
	struct zt_report_errs errs;
	int		 status;	/* the exit status it states: 0 1 2 */
	int		 fail_on_warning;
	int		 color;		/* text */
	const char	*hostname;	/* JUnit */
	time_t		 started;	/* JUnit timestamp (UTC) */
	double		 elapsed;	/* JUnit time, seconds */
	const struct zt_report_live *live;	/* NULL: a whole finite run */
};

/*
 * The report formats of `ztlog check`, the default first, up to a NULL
 * name.  A format is a name and a writer: adding one is one line here
 * (and its writer); the command line takes its list from this table.
 */
struct zt_report_fmt {
	const char	*name;		/* as -o spells it */
	void		(*write)(FILE *f, const struct zt_report *r);
};

extern const struct zt_report_fmt zt_report_fmts[];

/* The writers of their own files: markdown.c, html.c. */
void	zt_report_markdown(FILE *f, const struct zt_report *r);
void	zt_report_html(FILE *f, const struct zt_report *r);

/* The format called name, or NULL. */
const struct zt_report_fmt *zt_report_fmt_find(const char *name);
/*
 * The exit status the results call for: 0 pass, 1 a rule failed (or
 * warned, or a coverage warning, with fail_on_warning), 2 no access
 * record at all.  Errors of the run are the caller's to add.
 */
int	zt_report_status(const struct zt_checkrun *run, int fail_on_warning);
/* Write r in format name (text for an unknown name). */
void	zt_report_write(FILE *f, const struct zt_report *r, const char *name);

/*
 * The start of every JSON document ztlog writes: {"ztlog", "result",
 * "exit_status", "errors", "more_errors", without the closing brace;
 * the caller adds its keys after a comma.
 */
void	zt_report_json_head(FILE *f, const char *result, int status,
	    const struct zt_report_errs *e);
/*
 * The run's reading stopped on a signal: every JSON document written from
 * now on says "interrupted": true after "more_errors".
 */
void	zt_report_interrupted(void);
/* The errors as "error: file:line:col: message" lines (none: nothing). */
void	zt_report_errors_text(FILE *f, const struct zt_report_errs *e);

/*
 * `ztlog lb`: each service's distribution as bars, the bars scaled to
 * fit width columns (0: 40 columns of bar) and endpoint names cut with
 * "…" when even a 10-column bar would not fit.
 */
void	zt_report_lb(FILE *f, const struct zt_result *bal, int color,
	    size_t width);
/* The same as JSON; bal NULL: stopped before a result. */
void	zt_report_lb_json(FILE *f, const struct zt_result *bal, int status,
	    const struct zt_report_errs *e);
/* `ztlog pairs`: the pairing, one line per connection. */
int	zt_report_pairs(FILE *f, sqlite3 *db, const struct zt_checkrun *run,
	    int unmatched_only);
/* The same as JSON; run NULL: stopped before a result. */
void	zt_report_pairs_json(FILE *f, sqlite3 *db,
	    const struct zt_checkrun *run, int unmatched_only, int status,
	    const struct zt_report_errs *e);
/*
 * `ztlog rules list -o json` (one NULL) and `rules show ID -o json`;
 * rs NULL: stopped before the rules were loaded.
 */
void	zt_report_rules_json(FILE *f, const struct zt_ruleset *rs,
	    const struct zt_rule *one, int status,
	    const struct zt_report_errs *e);

#endif

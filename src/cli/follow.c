/*
 * follow.c -- `ztlog check --follow`: the rules over a stream that does
 * not end, a snapshot of every rule each --interval of wall time (also
 * while the stream is quiet), and the final report at its end (EOF,
 * SIGINT, SIGTERM).
 *
 * ingest ticks (live.c's tick, on the storing thread) -> snapshot ->
 *   a terminal:  the block redrawn in place, with rates and changes;
 *   text:        a block per interval under a timestamped separator;
 *   json:        one report a line (NDJSON), "final": false, then true.
 * Snapshots leave the rules' state as it was (zt_checker_snapshot).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "in/input.h"
#include "parse/rec_time.h"
#include "util/diag.h"
#include "util/escape.h"
#include "util/sig.h"
#include "util/xalloc.h"

struct follow {
	const struct zt_cli_opts *o;
	struct zt_checker	*c;
	struct zt_store		*st;
	struct zt_ingest_sink	 inner;		/* check's */
	const char		*fmt;		/* on standard output */
	int			 tty;		/* redraw in place */
	int			 color;
	int			 nsnap;
	enum zt_status		*prev;		/* per rule, last time */
	size_t			 nprev;
	uint64_t		 lines_prev;
	struct timespec		 t_prev;
	int64_t			 first_us;	/* log time seen */
	int64_t			 last_us;
	int			 timed;
	unsigned char		*pod;		/* pod ids seen, bits */
	size_t			 npod;		/* bytes of pod */
	int64_t			 pods;
};

static struct follow	 fw;

int
zt_cli_follow_usable(const struct zt_cli_opts *o)
{
	const char	*fmt = zt_cli_stdout_format(o);

	if (o->db != NULL) {
		zt_diag_error(NULL, "--follow reads a stream, not a database: "
		    "leave out -d");
		zt_cli_hint(o->cmd);
		return -1;
	}
	if (fmt != NULL && strcmp(fmt, "text") != 0 &&
	    strcmp(fmt, "json") != 0) {
		zt_diag_error(NULL, "--follow writes text or json to standard "
		    "output, not %s: write -o %s=FILE for the final report",
		    fmt, fmt);
		zt_cli_hint(o->cmd);
		return -1;
	}
	return 0;
}

/* ---- the sink: check's, plus what the header shows ---------------------- */

static void
f_begin(void *ctx, const char *name)
{
	(void)ctx;
	fw.inner.begin(fw.inner.ctx, name);
}

static int
f_record(void *ctx, sqlite3 *db, int64_t line, const struct zt_recids *ids,
    struct zt_err *err)
{
	size_t	 k;

	(void)ctx;
	if (!ids->partial) {
		if (!fw.timed || ids->ts_us < fw.first_us)
			fw.first_us = ids->ts_us;
		if (!fw.timed || ids->ts_us > fw.last_us)
			fw.last_us = ids->ts_us;
		fw.timed = 1;
	}
	if (ids->pod > 0) {
		k = (size_t)ids->pod / 8;
		if (k >= fw.npod) {
			fw.pod = zt_xrealloc(fw.pod, k * 2 + 64);
			memset(fw.pod + fw.npod, 0, k * 2 + 64 - fw.npod);
			fw.npod = k * 2 + 64;
		}
		if (!(fw.pod[k] & 1u << (ids->pod % 8))) {
			fw.pod[k] |= (unsigned char)(1u << (ids->pod % 8));
			fw.pods++;
		}
	}
	return fw.inner.record(fw.inner.ctx, db, line, ids, err);
}

static void
f_end(void *ctx, int committed)
{
	(void)ctx;
	fw.inner.end(fw.inner.ctx, committed);
}

/* ---- rendering -------------------------------------------------------- */

static void
span_of(struct zt_report_live *lv)
{
	lv->follow = 1;
	lv->first_us = fw.timed ? fw.first_us : 0;
	lv->last_us = fw.timed ? fw.last_us : 0;
}

/* JSON on one line: every newline the writer puts is between tokens. */
static void
json_line(FILE *f, const struct zt_report *r)
{
	char	*p = NULL;
	size_t	 n = 0;
	size_t	 i;
	FILE	*m;

	if ((m = open_memstream(&p, &n)) == NULL)
		return;
	zt_report_write(m, r, "json");
	fclose(m);
	for (i = 0; i < n; i++)
		if (p[i] != '\n')
			putc(p[i], f);
	putc('\n', f);
	free(p);
}

static void
separator(FILE *f, const char *what)
{
	char		 ts[32];
	time_t		 now = time(NULL);
	struct tm	 tm;

	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(f, "--- %s %s ---\n", ts, what);
}

/* "09:59:00.123 .. 10:00:00.456", the log time seen, or "none yet". */
static void
span_text(FILE *f)
{
	char	 a[28];
	char	 b[28];

	if (!fw.timed) {
		fputs("none yet", f);
		return;
	}
	zt_format_ts(fw.first_us, a);
	zt_format_ts(fw.last_us, b);
	fprintf(f, "%s .. %s (%.0fs)", a, b, (double)(fw.last_us -
	    fw.first_us) / 1e6);
}

static const char *const	 colors[] = { "\033[32m", "\033[31m",
    "\033[33m", "\033[36m", "\033[2m", "\033[1;31m" };

/* The terminal's block: a header, then a line a rule, changes marked. */
static void
screen(FILE *f, const struct zt_report *r, double lps, int final)
{
	const struct zt_checkrun *run = r->run;
	const struct zt_result	*res;
	size_t			 i;
	int			 changed;
	int			 w = 0;

	for (i = 0; i < run->nres; i++)
		if ((int)strlen(run->res[i].rule->id) > w)
			w = (int)strlen(run->res[i].rule->id);
	fputs("\033[H\033[2J", f);
	fprintf(f, "ztlog check --follow: %s %d, every %" PRId64 ".%03" PRId64
	    "s\n", final ? "final report after snapshot" : "snapshot",
	    fw.nsnap, fw.o->interval_ms / 1000, fw.o->interval_ms % 1000);
	fprintf(f, "%.0f lines/s, %" PRId64 " record%s, %" PRId64 " pod%s, %"
	    PRId64 " source%s; log time ", lps, run->records, run->records ==
	    1 ? "" : "s", fw.pods, fw.pods == 1 ? "" : "s", run->sources,
	    run->sources == 1 ? "" : "s");
	span_text(f);
	fputs("\n\n", f);
	if (final) {
		zt_report_write(f, r, "text");
		return;
	}
	for (i = 0; i < run->nres; i++) {
		res = &run->res[i];
		changed = i < fw.nprev && fw.prev[i] != res->status;
		if (r->color)
			fprintf(f, "%s%-5s\033[0m", colors[res->status],
			    zt_status_names[res->status]);
		else
			fprintf(f, "%-5s", zt_status_names[res->status]);
		fprintf(f, " %c %-*s  ", changed ? '*' : ' ', w, res->rule->id);
		zt_escape_fput(f, ZT_ESC_TEXT, res->summary,
		    strlen(res->summary));
		putc('\n', f);
	}
	if (run->nwarn > 0)
		putc('\n', f);
	for (i = 0; i < run->nwarn; i++) {
		fputs("warning: ", f);
		zt_escape_fput(f, ZT_ESC_TEXT, run->warnings[i],
		    strlen(run->warnings[i]));
		putc('\n', f);
	}
	fprintf(f, "\n%s (* changed since the last snapshot; Ctrl-C ends "
	    "with the final report)\n", run->records == 0 ? "NO DATA yet" :
	    r->status == 0 ? "PASS so far" : "FAIL so far");
}

static void
render(FILE *f, const struct zt_report *r, double lps, int final)
{
	char	 what[64];

	if (strcmp(fw.fmt, "json") == 0)
		json_line(f, r);
	else if (fw.tty)
		screen(f, r, lps, final);
	else {
		if (final)
			snprintf(what, sizeof(what), "final");
		else
			snprintf(what, sizeof(what), "snapshot %d", fw.nsnap);
		separator(f, what);
		zt_report_write(f, r, "text");
	}
	fflush(f);
}

static double
rate(uint64_t lines)
{
	struct timespec	 now;
	double		 dt;
	double		 v;

	clock_gettime(CLOCK_MONOTONIC, &now);
	dt = (double)(now.tv_sec - fw.t_prev.tv_sec) +
	    (double)(now.tv_nsec - fw.t_prev.tv_nsec) / 1e9;
	/* (Fewer lines than before: a source was dropped as a duplicate.) */
	v = dt > 0 && lines >= fw.lines_prev ? (double)(lines -
	    fw.lines_prev) / dt : 0;
	fw.t_prev = now;
	fw.lines_prev = lines;
	return v;
}

/* The report fields a follow run's snapshot shares with the final one. */
static void
report_init(struct zt_report *r, const struct zt_checkrun *run,
    const struct zt_report_live *lv)
{
	memset(r, 0, sizeof(*r));
	r->run = run;
	r->errs.all = zt_diag_errors(&r->errs.v, &r->errs.n);
	r->fail_on_warning = fw.o->fail_warn;
	r->color = fw.color;
	r->hostname = "localhost";
	r->started = fw.o->started.tv_sec;
	r->elapsed = zt_cli_elapsed(fw.o);
	r->live = lv;
}

/* Every interval: a snapshot of the rules and of the counts so far. */
static void
tick(void *ctx, const struct zt_ingest_live *lv)
{
	const struct zt_ingest	*ig = lv->ig;
	struct zt_report_live	 live;
	struct zt_checkrun	 run;
	struct zt_report	 r;
	struct zt_err		 err;
	size_t			 i;
	int			 st;

	(void)ctx;
	if (zt_checker_snapshot(fw.c, zt_store_db(fw.st), &run, &err) == -1) {
		zt_diag_err(&err);
		return;
	}
	/* The source being read is not in the sources table yet. */
	run.sources = (int64_t)(ig->sources + (lv->name != NULL));
	run.lines = (int64_t)(ig->lines + lv->ss->lines);
	run.records = (int64_t)(ig->records + lv->ss->records);
	run.other = (int64_t)(ig->other + lv->ss->other);
	run.malformed = (int64_t)(ig->malformed + lv->ss->malformed);
	memset(&live, 0, sizeof(live));
	span_of(&live);
	fw.nsnap++;
	report_init(&r, &run, &live);
	st = zt_report_status(&run, fw.o->fail_warn);
	r.status = st > zt_diag_status() ? st : zt_diag_status();
	render(stdout, &r, rate((uint64_t)run.lines), 0);
	fw.prev = zt_xrealloc(fw.prev, (run.nres ? run.nres : 1) *
	    sizeof(*fw.prev));
	for (i = 0; i < run.nres; i++)
		fw.prev[i] = run.res[i].status;
	fw.nprev = run.nres;
	zt_check_free(&run);
}

void
zt_cli_follow_start(const struct zt_cli_opts *o, struct zt_checker *c,
    struct zt_store *st, struct zt_ingest_sink *sink)
{
	const char	*fmt = zt_cli_stdout_format(o);
	const char	*term;

	memset(&fw, 0, sizeof(fw));
	fw.o = o;
	fw.c = c;
	fw.st = st;
	fw.inner = *sink;
	fw.fmt = fmt != NULL ? fmt : "text";
	term = getenv("TERM");
	/* In place needs a terminal that knows cursor home and clear. */
	fw.tty = isatty(STDOUT_FILENO) && strcmp(fw.fmt, "text") == 0 &&
	    (term == NULL || strcmp(term, "dumb") != 0);
	fw.color = fw.tty && zt_cli_use_color(stdout, o);
	clock_gettime(CLOCK_MONOTONIC, &fw.t_prev);
	sink->ctx = &fw;
	sink->begin = f_begin;
	sink->record = f_record;
	sink->end = f_end;
	zt_cli_live_edit()->follow = 1;
	zt_cli_live_edit()->final = 1;
	zt_cli_set_tick(tick, &fw, o->interval_ms, 1);
}

void
zt_cli_follow_wait(int n, char **v)
{
	struct zt_source_stats	 ss;
	struct zt_ingest_live	 lv;
	struct zt_ingest	 ig;
	struct stat		 sb;

	if (fw.o == NULL || (n > 1 || (n == 1 && strcmp(v[0], "-") != 0)) ||
	    zt_input_stdin_closed() || fstat(STDIN_FILENO, &sb) == -1 ||
	    S_ISREG(sb.st_mode))
		return;
	memset(&ig, 0, sizeof(ig));
	memset(&ss, 0, sizeof(ss));
	memset(&lv, 0, sizeof(lv));
	lv.ig = &ig;
	lv.name = NULL;		/* no source begun */
	lv.ss = &ss;
	lv.size = -1;
	zt_sig_catch();
	while (zt_sig_wait(STDIN_FILENO, (int)fw.o->interval_ms) == 0)
		tick(&fw, &lv);
}

void
zt_cli_follow_final(FILE *f, const char *fmt, const struct zt_report *r)
{
	struct zt_report	 fr = *r;
	struct zt_report_live	 live;

	memset(&live, 0, sizeof(live));
	if (r->live != NULL)
		live = *r->live;
	span_of(&live);
	live.final = 1;
	fr.live = &live;
	fw.fmt = fmt;
	if (fw.o != NULL && fr.run != NULL)
		render(f, &fr, rate((uint64_t)fr.run->lines), 1);
	else
		zt_report_write(f, &fr, fmt);
}

void
zt_cli_follow_free(void)
{
	free(fw.prev);
	free(fw.pod);
	memset(&fw, 0, sizeof(fw));
}

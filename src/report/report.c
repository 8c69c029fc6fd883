/*
 * report.c -- see report.h.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/rec_time.h"
#include "report/report.h"
#include "report/rpriv.h"
#include "util/escape.h"
#include "util/wrap.h"
#include "util/xalloc.h"

#ifndef ZTLOG_VERSION
#define ZTLOG_VERSION "0"
#endif

static const char *const color_of[] = {
	"\033[32m", "\033[31m", "\033[33m", "\033[2m", "\033[2m", "\033[1;31m"
};

static void	write_text(FILE *, const struct zt_report *);
static void	write_json(FILE *, const struct zt_report *);
static void	write_junit(FILE *, const struct zt_report *);

const struct zt_report_fmt zt_report_fmts[] = {
	{ "text", write_text },
	{ "json", write_json },
	{ "junit", write_junit },
	{ "markdown", zt_report_markdown },
	{ "html", zt_report_html },
	{ NULL, NULL }
};

const struct zt_report_fmt *
zt_report_fmt_find(const char *name)
{
	const struct zt_report_fmt	*f;

	for (f = zt_report_fmts; f->name != NULL; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

int
zt_report_status(const struct zt_checkrun *run, int fail_on_warning)
{
	size_t	 i;

	if (run->records == 0)
		return ZT_EXIT_ERROR;	/* an empty input never passes */
	for (i = 0; i < run->nres; i++) {
		if (run->res[i].status == ZT_ST_FAIL ||
		    run->res[i].status == ZT_ST_ERROR)
			return ZT_EXIT_FAIL;
		if (run->res[i].status == ZT_ST_WARN && fail_on_warning)
			return ZT_EXIT_FAIL;
	}
	if (fail_on_warning && run->nwarn > 0)
		return ZT_EXIT_FAIL;
	return ZT_EXIT_OK;
}

static void
tally(const struct zt_checkrun *run, size_t n[6])
{
	size_t	 i;

	memset(n, 0, 6 * sizeof(*n));
	for (i = 0; i < run->nres; i++)
		n[run->res[i].status]++;
}

void
zt_rp_esc(FILE *f, const char *s)
{
	zt_escape_fput(f, ZT_ESC_TEXT, s, strlen(s));
}

/* "pass", "fail" or "error", for exit status 0, 1, 2. */
const char *
zt_rp_result_name(int status)
{
	return status == ZT_EXIT_OK ? "pass" : status == ZT_EXIT_FAIL ?
	    "fail" : "error";
}

/* ---- errors -------------------------------------------------------------- */

/* "file:line:col", "file" or NULL for an error not about a file. */
static char *
where(const struct zt_diag_entry *d)
{
	struct zt_buf	 b = { NULL, 0, 0 };
	char		 num[48];

	if (d->file == NULL)
		return NULL;
	zt_buf_add(&b, d->file, strlen(d->file));
	if (d->line > 0) {
		snprintf(num, sizeof(num), ":%lu", d->line);
		zt_buf_add(&b, num, strlen(num));
		if (d->col > 0) {
			snprintf(num, sizeof(num), ":%lu", d->col);
			zt_buf_add(&b, num, strlen(num));
		}
	}
	zt_buf_addc(&b, '\0');
	return b.p;
}

void
zt_report_errors_text(FILE *f, const struct zt_report_errs *e)
{
	size_t	 i;
	char	*w;

	for (i = 0; i < e->n; i++) {
		fputs("error: ", f);
		if ((w = where(&e->v[i])) != NULL) {
			zt_rp_esc(f, w);
			fputs(": ", f);
			free(w);
		}
		zt_rp_esc(f, e->v[i].msg);
		putc('\n', f);
	}
	if (e->all > e->n)
		fprintf(f, "error: ... and %zu more\n", e->all - e->n);
}

/* ---- text ---------------------------------------------------------------- */

static void
text_status(FILE *f, enum zt_status st, int color)
{
	if (color)
		fprintf(f, "%s%-5s\033[0m", color_of[st], zt_status_names[st]);
	else
		fprintf(f, "%-5s", zt_status_names[st]);
}

/*
 * check --window: the duration as given back ("1m", "90s", "1h"), and
 * the log-time span judged, into d[32], from[28], to[28].  0 without a
 * window.
 */
static int
window_of(const struct zt_checkrun *run, char d[32], char *from, char *to)
{
	int64_t	 v = run->window_us;

	if (v <= 0)
		return 0;
	if (v % 3600000000 == 0)
		snprintf(d, 32, "%" PRId64 "h", v / 3600000000);
	else if (v % 60000000 == 0)
		snprintf(d, 32, "%" PRId64 "m", v / 60000000);
	else if (v % 1000000 == 0)
		snprintf(d, 32, "%" PRId64 "s", v / 1000000);
	else
		snprintf(d, 32, "%" PRId64 "ms", v / 1000);
	if (run->win_records == 0) {
		/* No record with a time: no span. */
		snprintf(from, 28, "-");
		snprintf(to, 28, "-");
		return 1;
	}
	zt_format_ts(run->win_from_us, from);
	zt_format_ts(run->win_to_us, to);
	return 1;
}

static void
write_text(FILE *f, const struct zt_report *r)
{
	const struct zt_checkrun *run = r->run;
	const struct zt_result	*res;
	size_t			 i;
	size_t			 k;
	size_t			 w = 0;
	size_t			 n[6];
	const char		*verdict;
	char			 wd[32];
	char			 wfrom[28];
	char			 wto[28];

	if (r->live != NULL && r->live->interrupted)
		fputs("INTERRUPTED: reading stopped on a signal; the verdicts "
		    "cover what was read before it\n\n", f);
	if (run == NULL) {
		zt_report_errors_text(f, &r->errs);
		fprintf(f, "\nERROR: no verdict: the run stopped before the "
		    "rules judged (%zu error%s)\n", r->errs.all,
		    r->errs.all == 1 ? "" : "s");
		return;
	}
	for (i = 0; i < run->nres; i++)
		if (strlen(run->res[i].rule->id) > w)
			w = strlen(run->res[i].rule->id);
	for (i = 0; i < run->nres; i++) {
		res = &run->res[i];
		text_status(f, res->status, r->color);
		fprintf(f, "  %-*s  ", (int)w, res->rule->id);
		zt_rp_esc(f, res->summary);
		putc('\n', f);
	}
	for (i = 0; i < run->nres; i++) {
		res = &run->res[i];
		if (res->status == ZT_ST_PASS || res->status == ZT_ST_SKIP ||
		    (res->nex == 0 && res->hint == NULL &&
		    res->status != ZT_ST_ERROR))
			continue;
		fprintf(f, "\n");
		text_status(f, res->status, r->color);
		fprintf(f, "  %s: ", res->rule->id);
		zt_rp_esc(f, res->rule->description);
		putc('\n', f);
		if (res->hint != NULL) {
			fputs("  next: ", f);
			zt_rp_esc(f, res->hint);
			putc('\n', f);
		}
		for (k = 0; k < res->nex; k++) {
			fputs("  ", f);
			if (res->ex[k].source != NULL) {
				zt_rp_esc(f, res->ex[k].source);
				if (res->ex[k].line > 0)
					fprintf(f, ":%" PRId64, res->ex[k].line);
				fputs(": ", f);
			}
			zt_rp_esc(f, res->ex[k].text);
			putc('\n', f);
		}
		if (res->more > 0)
			fprintf(f, "  ... and %" PRId64 " more\n", res->more);
	}
	if (run->nwarn > 0)
		putc('\n', f);
	for (i = 0; i < run->nwarn; i++) {
		if (r->color)
			fputs("\033[33mwarning\033[0m: ", f);
		else
			fputs("warning: ", f);
		zt_rp_esc(f, run->warnings[i]);
		putc('\n', f);
	}
	if (r->errs.all > 0) {
		putc('\n', f);
		zt_report_errors_text(f, &r->errs);
	}
	tally(run, n);
	if (run->records == 0)
		verdict = "NO DATA";
	else if (r->errs.all > 0 || r->status == ZT_EXIT_ERROR)
		verdict = "ERROR";
	else
		verdict = r->status ? "FAIL" : "PASS";
	fprintf(f, "\n%s: %zu rule%s: %zu passed, %zu failed, %zu warned, "
	    "%zu skipped", verdict, run->nres,
	    run->nres == 1 ? "" : "s", n[ZT_ST_PASS] + n[ZT_ST_INFO],
	    n[ZT_ST_FAIL] + n[ZT_ST_ERROR], n[ZT_ST_WARN], n[ZT_ST_SKIP]);
	if (run->filtered)
		fprintf(f, " (%" PRId64 " of %" PRId64 " records kept by the "
		    "filters, from %" PRId64 " line%s", run->selected,
		    run->records, run->lines, run->lines == 1 ? "" : "s");
	else
		fprintf(f, " (%" PRId64 " record%s from %" PRId64 " line%s",
		    run->records, run->records == 1 ? "" : "s", run->lines,
		    run->lines == 1 ? "" : "s");
	if (window_of(run, wd, wfrom, wto) && run->win_records == 0)
		fprintf(f, "; window %s: none judged, no record has a time",
		    wd);
	else if (run->window_us > 0)
		fprintf(f, "; window %s: %" PRId64 " judged, %s to %s", wd,
		    run->win_records, wfrom, wto);
	if (r->errs.all > 0)
		fprintf(f, "; %zu error%s", r->errs.all,
		    r->errs.all == 1 ? "" : "s");
	fputs(")\n", f);
}

/* ---- JSON ---------------------------------------------------------------- */

void
zt_rp_jstr(FILE *f, const char *s)
{
	struct zt_buf	 b = { NULL, 0, 0 };

	if (s == NULL) {
		fputs("null", f);
		return;
	}
	zt_escape_json_str(&b, s, strlen(s));
	fwrite(b.p, 1, b.n, f);
	zt_buf_free(&b);
}

/* A pairing result's clock offsets, a JSON array (ztlog-rules(5)). */
void
zt_rp_jclocks(FILE *f, const struct zt_result *res)
{
	size_t	 k;

	putc('[', f);
	for (k = 0; res != NULL && k < res->nclk; k++) {
		fputs(k ? ",{\"outbound\":" : "{\"outbound\":", f);
		zt_rp_jstr(f, res->clk[k].out);
		fputs(",\"inbound\":", f);
		zt_rp_jstr(f, res->clk[k].in);
		fprintf(f, ",\"offset_ms\":%.3f,\"connections\":%" PRId64 "}",
		    (double)res->clk[k].off_us / 1000.0, res->clk[k].n);
	}
	putc(']', f);
}

/* The result that made `ztlog pairs`' pairing, or NULL. */
const struct zt_result *
zt_rp_pairs_result(const struct zt_checkrun *run)
{
	size_t	 i;

	for (i = 0; run != NULL && i < run->nres; i++)
		if (strcmp(zt_check_type_name(run->res[i].rule), "pairing") == 0)
			return &run->res[i];
	return NULL;
}

static int	 interrupted_run;

void
zt_report_interrupted(void)
{
	interrupted_run = 1;
}

void
zt_report_json_head(FILE *f, const char *result, int status,
    const struct zt_report_errs *e)
{
	size_t	 i;

	fprintf(f, "{\"ztlog\":\"%s\",\"result\":\"%s\",\"exit_status\":%d,"
	    "\n\"errors\":[", ZTLOG_VERSION, result, status);
	for (i = 0; i < e->n; i++) {
		fputs(i ? ",{\"file\":" : "{\"file\":", f);
		zt_rp_jstr(f, e->v[i].file);
		if (e->v[i].line > 0)
			fprintf(f, ",\"line\":%lu", e->v[i].line);
		else
			fputs(",\"line\":null", f);
		if (e->v[i].col > 0)
			fprintf(f, ",\"column\":%lu", e->v[i].col);
		else
			fputs(",\"column\":null", f);
		fputs(",\"message\":", f);
		zt_rp_jstr(f, e->v[i].msg);
		putc('}', f);
	}
	fprintf(f, "],\"more_errors\":%zu", e->all - e->n);
	if (interrupted_run)
		fputs(",\"interrupted\":true", f);
}

/* A follow snapshot's "final" and log-time "span". */
static void
json_live(FILE *f, const struct zt_report_live *lv)
{
	char	 a[28];
	char	 b[28];

	if (lv == NULL || !lv->follow)
		return;
	fprintf(f, ",\"final\":%s,\"span\":", lv->final ? "true" : "false");
	if (lv->first_us == 0 && lv->last_us == 0) {
		fputs("null", f);
		return;
	}
	zt_format_ts(lv->first_us, a);
	zt_format_ts(lv->last_us, b);
	fprintf(f, "{\"first\":\"%s\",\"last\":\"%s\"}", a, b);
}

static void
write_json(FILE *f, const struct zt_report *r)
{
	const struct zt_checkrun *run = r->run;
	const struct zt_result	*res;
	size_t			 i;
	size_t			 k;
	int			 c;
	char			 low[8];
	char			 wd[32];
	char			 wfrom[28];
	char			 wto[28];

	zt_report_json_head(f, zt_rp_result_name(r->status), r->status, &r->errs);
	json_live(f, r->live);
	if (run == NULL) {
		fputs(",\n\"input\":null,\n\"warnings\":[],\n\"rules\":[]}\n", f);
		return;
	}
	fprintf(f, ",\n\"input\":{\"sources\":%" PRId64 ",\"lines\":%" PRId64
	    ",\"records\":%" PRId64 ",\"other\":%" PRId64 ",\"malformed\":%"
	    PRId64, run->sources, run->lines, run->records, run->other,
	    run->malformed);
	if (run->filtered)
		fprintf(f, ",\"selected\":%" PRId64, run->selected);
	fputs("},\n", f);
	if (window_of(run, wd, wfrom, wto))
		fprintf(f, "\"window\":{\"duration\":\"%s\",\"duration_s\":"
		    "%.6g,\"from\":%s%s%s,\"to\":%s%s%s,\"records\":%" PRId64
		    "},\n", wd, (double)run->window_us / 1e6,
		    *wfrom == '-' ? "" : "\"", *wfrom == '-' ? "null" : wfrom,
		    *wfrom == '-' ? "" : "\"", *wto == '-' ? "" : "\"",
		    *wto == '-' ? "null" : wto, *wto == '-' ? "" : "\"",
		    run->win_records);
	fputs("\"warnings\":[", f);
	for (i = 0; i < run->nwarn; i++) {
		if (i > 0)
			putc(',', f);
		zt_rp_jstr(f, run->warnings[i]);
	}
	fputs("],\n\"rules\":[", f);
	for (i = 0; i < run->nres; i++) {
		res = &run->res[i];
		for (k = 0; k < sizeof(low) - 1 &&
		    zt_status_names[res->status][k]; k++)
			low[k] = (char)(zt_status_names[res->status][k] + 32);
		low[k] = '\0';
		fputs(i ? ",\n{\"id\":" : "\n{\"id\":", f);
		zt_rp_jstr(f, res->rule->id);
		fputs(",\"description\":", f);
		zt_rp_jstr(f, res->rule->description);
		fprintf(f, ",\"severity\":\"%s\",\"type\":\"%s\",\"status\":"
		    "\"%s\",\"summary\":", zt_sev_names[res->rule->sev],
		    zt_check_type_name(res->rule), low);
		zt_rp_jstr(f, res->summary);
		fputs(",\"hint\":", f);
		zt_rp_jstr(f, res->hint);
		fputs(",\"counts\":{", f);
		for (c = 0; c < res->ncounts; c++)
			fprintf(f, "%s\"%s\":%" PRId64, c ? "," : "",
			    res->counts[c].name, res->counts[c].v);
		fputs("},\"examples\":[", f);
		for (k = 0; k < res->nex; k++) {
			fputs(k ? ",{\"source\":" : "{\"source\":", f);
			zt_rp_jstr(f, res->ex[k].source);
			if (res->ex[k].line > 0)
				fprintf(f, ",\"line\":%" PRId64, res->ex[k].line);
			else
				fputs(",\"line\":null", f);
			fputs(",\"text\":", f);
			zt_rp_jstr(f, res->ex[k].text);
			putc('}', f);
		}
		fprintf(f, "],\"more_examples\":%" PRId64, res->more);
		if (res->nclk > 0) {
			fputs(",\"clock_offsets\":", f);
			zt_rp_jclocks(f, res);
		}
		putc('}', f);
	}
	fputs("\n]}\n", f);
}

/* ---- JUnit --------------------------------------------------------------- */

static void
xml(FILE *f, const char *s)
{
	zt_escape_fput(f, ZT_ESC_XML, s, strlen(s));
}

static void
junit_body(FILE *f, const struct zt_result *res)
{
	size_t	 k;
	char	 line[32];

	if (res->hint != NULL) {
		xml(f, "next: ");
		xml(f, res->hint);
		putc('\n', f);
	}
	for (k = 0; k < res->nex; k++) {
		if (res->ex[k].source != NULL) {
			xml(f, res->ex[k].source);
			if (res->ex[k].line > 0) {
				snprintf(line, sizeof(line), ":%" PRId64,
				    res->ex[k].line);
				xml(f, line);
			}
			xml(f, ": ");
		}
		xml(f, res->ex[k].text);
		putc('\n', f);
	}
	if (res->more > 0)
		fprintf(f, "... and %" PRId64 " more\n", res->more);
}

/*
 * A testcase per error of the run (classname ztlog.error, named by its
 * file and position, or "ztlog"), with an <error>; a last one counting
 * the errors not kept.  Returns how many testcases.
 */
static size_t
junit_errors(FILE *f, const struct zt_report_errs *e)
{
	size_t	 i;
	char	*w;

	for (i = 0; i < e->n; i++) {
		w = where(&e->v[i]);
		fputs("<testcase classname=\"ztlog.error\" name=\"", f);
		xml(f, w != NULL ? w : "ztlog");
		fputs("\" time=\"0\">\n<error message=\"", f);
		xml(f, e->v[i].msg);
		fputs("\" type=\"error\">", f);
		if (w != NULL) {
			xml(f, w);
			xml(f, ": ");
		}
		xml(f, e->v[i].msg);
		fputs("\n</error>\n</testcase>\n", f);
		free(w);
	}
	if (e->all > e->n) {
		fprintf(f, "<testcase classname=\"ztlog.error\" name=\"more "
		    "errors\" time=\"0\">\n<error message=\"%zu more errors "
		    "(the first %zu are listed)\" type=\"error\"/>\n"
		    "</testcase>\n", e->all - e->n, e->n);
		return e->n + 1;
	}
	return e->n;
}

/*
 * The testcase of a rule: FAIL (and WARN with --fail-on warning) a
 * <failure>, ERROR an <error>, SKIP <skipped>, else empty.
 */
static void
junit_rule(FILE *f, const struct zt_result *res, int fail_on_warning)
{
	int	 bad;

	fputs("<testcase classname=\"ztlog.", f);
	xml(f, zt_check_type_name(res->rule));
	fputs("\" name=\"", f);
	xml(f, res->rule->id);
	fputs(": ", f);
	xml(f, res->rule->description);
	fputs("\" time=\"0\"", f);
	bad = res->status == ZT_ST_FAIL ||
	    (res->status == ZT_ST_WARN && fail_on_warning);
	if (bad || res->status == ZT_ST_ERROR) {
		fprintf(f, ">\n<%s message=\"", bad ? "failure" : "error");
		xml(f, res->summary);
		fprintf(f, "\" type=\"%s\">", zt_sev_names[res->rule->sev]);
		junit_body(f, res);
		fprintf(f, "</%s>\n</testcase>\n", bad ? "failure" : "error");
	} else if (res->status == ZT_ST_SKIP) {
		fputs(">\n<skipped message=\"", f);
		xml(f, res->summary);
		fputs("\"/>\n</testcase>\n", f);
	} else
		fputs("/>\n", f);
}

/* The text report, XML-escaped: the suite's standard output. */
static void
junit_text(FILE *f, const struct zt_report *r)
{
	struct zt_report	 t = *r;
	char			*p = NULL;
	size_t			 n = 0;
	FILE			*m;

	t.color = 0;
	if ((m = open_memstream(&p, &n)) == NULL)
		return;
	write_text(m, &t);
	if (fclose(m) == 0 && p != NULL)
		xml(f, p);
	free(p);
}

/*
 * <testsuites> holding one <testsuite> "ztlog check", valid against both
 * the Ant and the Jenkins xUnit schemas: the errors of the run, then one
 * testcase per rule, then with --fail-on warning a "coverage" testcase
 * that fails when there are coverage warnings.  The text report is the
 * suite's <system-out>, the coverage warnings its <system-err>.
 */
static void
write_junit(FILE *f, const struct zt_report *r)
{
	const struct zt_checkrun *run = r->run;
	struct tm		 tm;
	size_t			 i;
	size_t			 n[6];
	size_t			 nfail = 0;
	size_t			 nerr = r->errs.n + (r->errs.all > r->errs.n);
	size_t			 ntests = nerr;
	int			 covfail = 0;
	char			 ts[32];
	char			 wd[32];
	char			 wfrom[28];
	char			 wto[28];

	memset(n, 0, sizeof(n));
	if (run != NULL) {
		tally(run, n);
		covfail = r->fail_on_warning && run->nwarn > 0;
		nfail = n[ZT_ST_FAIL] + (r->fail_on_warning ?
		    n[ZT_ST_WARN] : 0) + (size_t)covfail;
		nerr += n[ZT_ST_ERROR];
		ntests += run->nres + (size_t)covfail;
	}
	gmtime_r(&r->started, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n", f);
	fprintf(f, "<testsuite name=\"ztlog check\" package=\"ztlog\" id=\"0\" "
	    "tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" "
	    "time=\"%.3f\" timestamp=\"%s\" hostname=\"", ntests, nfail,
	    nerr, n[ZT_ST_SKIP], r->elapsed >= 0 ? r->elapsed : 0.0, ts);
	xml(f, r->hostname != NULL && r->hostname[0] != '\0' ?
	    r->hostname : "localhost");
	fprintf(f, "\">\n<properties>\n<property name=\"ztlog.version\" "
	    "value=\"%s\"/>\n<property name=\"result\" value=\"%s\"/>\n"
	    "<property name=\"exit_status\" value=\"%d\"/>\n<property "
	    "name=\"fail_on\" value=\"%s\"/>\n", ZTLOG_VERSION,
	    zt_rp_result_name(r->status), r->status, r->fail_on_warning ?
	    "warning" : "error");
	if (r->live != NULL && r->live->interrupted)
		fputs("<property name=\"interrupted\" value=\"true\"/>\n", f);
	if (run != NULL)
		fprintf(f, "<property name=\"input.sources\" value=\"%" PRId64
		    "\"/>\n<property name=\"input.lines\" value=\"%" PRId64
		    "\"/>\n<property name=\"input.records\" value=\"%" PRId64
		    "\"/>\n<property name=\"input.other\" value=\"%" PRId64
		    "\"/>\n<property name=\"input.malformed\" value=\"%" PRId64
		    "\"/>\n", run->sources, run->lines, run->records,
		    run->other, run->malformed);
	if (run != NULL && window_of(run, wd, wfrom, wto))
		fprintf(f, "<property name=\"window.duration\" value=\"%s\"/>"
		    "\n<property name=\"window.from\" value=\"%s\"/>\n"
		    "<property name=\"window.to\" value=\"%s\"/>\n<property "
		    "name=\"window.records\" value=\"%" PRId64 "\"/>\n", wd,
		    wfrom, wto, run->win_records);
	fputs("</properties>\n", f);
	junit_errors(f, &r->errs);
	for (i = 0; run != NULL && i < run->nres; i++)
		junit_rule(f, &run->res[i], r->fail_on_warning);
	if (covfail)
		fprintf(f, "<testcase classname=\"ztlog\" name=\"coverage\" "
		    "time=\"0\">\n<failure message=\"%zu coverage warning%s\" "
		    "type=\"warning\">see system-err</failure>\n</testcase>\n",
		    run->nwarn, run->nwarn == 1 ? "" : "s");
	fputs("<system-out>", f);
	junit_text(f, r);
	fputs("</system-out>\n<system-err>", f);
	for (i = 0; run != NULL && i < run->nwarn; i++) {
		xml(f, "warning: ");
		xml(f, run->warnings[i]);
		putc('\n', f);
	}
	fputs("</system-err>\n</testsuite>\n</testsuites>\n", f);
}

void
zt_report_write(FILE *f, const struct zt_report *r, const char *name)
{
	const struct zt_report_fmt	*fmt = zt_report_fmt_find(name);

	(fmt != NULL ? fmt->write : write_text)(f, r);
}

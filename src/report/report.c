/*
 * report.c -- see report.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "util/text.h"
#include "util/xalloc.h"

#ifndef ZTLOG_VERSION
#define ZTLOG_VERSION "0"
#endif

static const char *const color_of[] = {
	"\033[32m", "\033[31m", "\033[33m", "\033[2m", "\033[2m", "\033[1;31m"
};

int
zt_report_status(const struct zt_checkrun *run, const struct zt_reportopts *o)
{
	size_t	 i;

	if (run->records == 0)
		return ZT_EXIT_ERROR;	/* an empty input never passes */
	for (i = 0; i < run->nres; i++) {
		if (run->res[i].status == ZT_ST_FAIL ||
		    run->res[i].status == ZT_ST_ERROR)
			return ZT_EXIT_FAIL;
		if (run->res[i].status == ZT_ST_WARN && o->fail_on_warning)
			return ZT_EXIT_FAIL;
	}
	if (o->fail_on_warning && run->nwarn > 0)
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

static void
esc(FILE *f, const char *s)
{
	zt_fput_escaped(f, s, strlen(s));
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

static void
write_text(FILE *f, const struct zt_checkrun *run,
    const struct zt_reportopts *o)
{
	const struct zt_result	*res;
	size_t			 i;
	size_t			 k;
	size_t			 w = 0;
	size_t			 n[6];
	int			 status;

	for (i = 0; i < run->nres; i++)
		if (strlen(run->res[i].rule->id) > w)
			w = strlen(run->res[i].rule->id);
	for (i = 0; i < run->nres; i++) {
		res = &run->res[i];
		text_status(f, res->status, o->color);
		fprintf(f, "  %-*s  ", (int)w, res->rule->id);
		esc(f, res->summary);
		putc('\n', f);
	}
	for (i = 0; i < run->nres; i++) {
		res = &run->res[i];
		if (res->status == ZT_ST_PASS || res->status == ZT_ST_SKIP ||
		    (res->nex == 0 && res->hint == NULL &&
		    res->status != ZT_ST_ERROR))
			continue;
		fprintf(f, "\n");
		text_status(f, res->status, o->color);
		fprintf(f, "  %s: ", res->rule->id);
		esc(f, res->rule->description);
		putc('\n', f);
		if (res->hint != NULL) {
			fputs("  next: ", f);
			esc(f, res->hint);
			putc('\n', f);
		}
		for (k = 0; k < res->nex; k++) {
			fputs("  ", f);
			if (res->ex[k].source != NULL) {
				esc(f, res->ex[k].source);
				if (res->ex[k].line > 0)
					fprintf(f, ":%" PRId64, res->ex[k].line);
				fputs(": ", f);
			}
			esc(f, res->ex[k].text);
			putc('\n', f);
		}
		if (res->more > 0)
			fprintf(f, "  ... and %" PRId64 " more\n", res->more);
	}
	if (run->nwarn > 0)
		putc('\n', f);
	for (i = 0; i < run->nwarn; i++) {
		if (o->color)
			fputs("\033[33mwarning\033[0m: ", f);
		else
			fputs("warning: ", f);
		esc(f, run->warnings[i]);
		putc('\n', f);
	}
	tally(run, n);
	status = zt_report_status(run, o);
	fprintf(f, "\n%s: %zu rule%s: %zu passed, %zu failed, %zu warned, "
	    "%zu skipped", status == ZT_EXIT_ERROR ? "NO DATA" : status ?
	    "FAIL" : "PASS", run->nres,
	    run->nres == 1 ? "" : "s", n[ZT_ST_PASS] + n[ZT_ST_INFO],
	    n[ZT_ST_FAIL] + n[ZT_ST_ERROR], n[ZT_ST_WARN], n[ZT_ST_SKIP]);
	fprintf(f, " (%" PRId64 " record%s from %" PRId64 " line%s)\n",
	    run->records, run->records == 1 ? "" : "s", run->lines,
	    run->lines == 1 ? "" : "s");
}

/* ---- JSON ---------------------------------------------------------------- */

static void
jstr(FILE *f, const char *s)
{
	struct zt_buf	 b = { NULL, 0, 0 };

	if (s == NULL) {
		fputs("null", f);
		return;
	}
	zt_buf_add_json_str(&b, s, strlen(s));
	fwrite(b.p, 1, b.n, f);
	zt_buf_free(&b);
}

static void
write_json(FILE *f, const struct zt_checkrun *run,
    const struct zt_reportopts *o)
{
	const struct zt_result	*res;
	size_t			 i;
	size_t			 k;
	int			 c;
	int			 status = zt_report_status(run, o);
	char			 low[8];

	fprintf(f, "{\"ztlog\":\"%s\",\"result\":\"%s\",\"exit_status\":%d,\n",
	    ZTLOG_VERSION, status == ZT_EXIT_ERROR ? "no_data" : status ?
	    "fail" : "pass", status);
	fprintf(f, "\"input\":{\"sources\":%" PRId64 ",\"lines\":%" PRId64
	    ",\"records\":%" PRId64 ",\"other\":%" PRId64 ",\"malformed\":%"
	    PRId64 "},\n", run->sources, run->lines, run->records, run->other,
	    run->malformed);
	fputs("\"warnings\":[", f);
	for (i = 0; i < run->nwarn; i++) {
		if (i > 0)
			putc(',', f);
		jstr(f, run->warnings[i]);
	}
	fputs("],\n\"rules\":[", f);
	for (i = 0; i < run->nres; i++) {
		res = &run->res[i];
		for (k = 0; k < sizeof(low) - 1 &&
		    zt_status_names[res->status][k]; k++)
			low[k] = (char)(zt_status_names[res->status][k] + 32);
		low[k] = '\0';
		fputs(i ? ",\n{\"id\":" : "\n{\"id\":", f);
		jstr(f, res->rule->id);
		fputs(",\"description\":", f);
		jstr(f, res->rule->description);
		fprintf(f, ",\"severity\":\"%s\",\"type\":\"%s\",\"status\":"
		    "\"%s\",\"summary\":", zt_sev_names[res->rule->sev],
		    zt_check_type_name(res->rule), low);
		jstr(f, res->summary);
		fputs(",\"hint\":", f);
		jstr(f, res->hint);
		fputs(",\"counts\":{", f);
		for (c = 0; c < res->ncounts; c++)
			fprintf(f, "%s\"%s\":%" PRId64, c ? "," : "",
			    res->counts[c].name, res->counts[c].v);
		fputs("},\"examples\":[", f);
		for (k = 0; k < res->nex; k++) {
			fputs(k ? ",{\"source\":" : "{\"source\":", f);
			jstr(f, res->ex[k].source);
			if (res->ex[k].line > 0)
				fprintf(f, ",\"line\":%" PRId64, res->ex[k].line);
			else
				fputs(",\"line\":null", f);
			fputs(",\"text\":", f);
			jstr(f, res->ex[k].text);
			putc('}', f);
		}
		fprintf(f, "],\"more_examples\":%" PRId64 "}", res->more);
	}
	fputs("\n]}\n", f);
}

/* ---- JUnit --------------------------------------------------------------- */

static void
xml(FILE *f, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		switch (*p) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		default:
			/* Control bytes are not allowed in XML 1.0. */
			if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
				fprintf(f, "\\x%02x", *p);
			else
				putc(*p, f);
		}
	}
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
 * One testsuite, one testcase per rule; and, so that a CI page shows what
 * decided the exit status, a testcase "input" that errors when there was
 * no access record at all, and one "coverage" that holds the coverage
 * warnings (a failure with --fail-on warning).
 */
static void
write_junit(FILE *f, const struct zt_checkrun *run,
    const struct zt_reportopts *o)
{
	const struct zt_result	*res;
	size_t			 i;
	size_t			 n[6];
	size_t			 nfail;
	size_t			 nerr;
	size_t			 ntests;
	int			 bad;

	tally(run, n);
	nfail = n[ZT_ST_FAIL] + (o->fail_on_warning ? n[ZT_ST_WARN] : 0) +
	    (o->fail_on_warning && run->nwarn > 0);
	nerr = n[ZT_ST_ERROR] + (run->records == 0);
	ntests = run->nres + (run->records == 0) + (run->nwarn > 0);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f, "<testsuites name=\"ztlog\" tests=\"%zu\" failures=\"%zu\" "
	    "errors=\"%zu\" skipped=\"%zu\">\n", ntests, nfail, nerr,
	    n[ZT_ST_SKIP]);
	fprintf(f, "<testsuite name=\"ztlog check\" tests=\"%zu\" failures="
	    "\"%zu\" errors=\"%zu\" skipped=\"%zu\">\n", ntests, nfail, nerr,
	    n[ZT_ST_SKIP]);
	if (run->records == 0)
		fprintf(f, "<testcase classname=\"ztlog\" name=\"input\">\n"
		    "<error message=\"no access records in the input (%" PRId64
		    " line%s read)\" type=\"input\"/>\n</testcase>\n",
		    run->lines, run->lines == 1 ? "" : "s");
	for (i = 0; i < run->nres; i++) {
		res = &run->res[i];
		fputs("<testcase classname=\"ztlog.", f);
		xml(f, zt_check_type_name(res->rule));
		fputs("\" name=\"", f);
		xml(f, res->rule->id);
		fputs(": ", f);
		xml(f, res->rule->description);
		fputs("\">\n", f);
		bad = res->status == ZT_ST_FAIL ||
		    (res->status == ZT_ST_WARN && o->fail_on_warning);
		if (bad || res->status == ZT_ST_ERROR) {
			fprintf(f, "<%s message=\"", bad ? "failure" : "error");
			xml(f, res->summary);
			fprintf(f, "\" type=\"%s\">", zt_sev_names[res->rule->sev]);
			junit_body(f, res);
			fprintf(f, "</%s>\n", bad ? "failure" : "error");
		} else if (res->status == ZT_ST_SKIP) {
			fputs("<skipped message=\"", f);
			xml(f, res->summary);
			fputs("\"/>\n", f);
		} else {
			fputs("<system-out>", f);
			xml(f, zt_status_names[res->status]);
			xml(f, ": ");
			xml(f, res->summary);
			putc('\n', f);
			if (res->status != ZT_ST_PASS)
				junit_body(f, res);
			fputs("</system-out>\n", f);
		}
		fputs("</testcase>\n", f);
	}
	if (run->nwarn > 0) {
		fputs("<testcase classname=\"ztlog\" name=\"coverage\">\n", f);
		if (o->fail_on_warning)
			fprintf(f, "<failure message=\"%zu coverage warning%s\" "
			    "type=\"warning\"/>\n", run->nwarn,
			    run->nwarn == 1 ? "" : "s");
		fputs("<system-out>", f);
		for (i = 0; i < run->nwarn; i++) {
			xml(f, "warning: ");
			xml(f, run->warnings[i]);
			putc('\n', f);
		}
		fputs("</system-out>\n</testcase>\n", f);
	}
	fputs("</testsuite>\n</testsuites>\n", f);
}

void
zt_report_write(FILE *f, const struct zt_checkrun *run,
    const struct zt_reportopts *o)
{
	switch (o->fmt) {
	case ZT_REPORT_JSON:
		write_json(f, run, o);
		break;
	case ZT_REPORT_JUNIT:
		write_junit(f, run, o);
		break;
	default:
		write_text(f, run, o);
		break;
	}
}

/* ---- lb and pairs ----------------------------------------------------------- */

void
zt_report_lb(FILE *f, const struct zt_result *bal, int color)
{
	const struct zt_lbsvc	*sv;
	size_t			 i;
	size_t			 k;
	size_t			 w;
	int64_t			 mx;
	int			 bar;

	for (i = 0; i < bal->nsvc; i++) {
		sv = &bal->svc[i];
		if (i > 0)
			putc('\n', f);
		esc(f, sv->service);
		fprintf(f, ": %" PRId64 " connection%s, %zu endpoint%s", sv->total,
		    sv->total == 1 ? "" : "s", sv->nep, sv->nep == 1 ? "" : "s");
		if (sv->skip != NULL) {
			fputs(", not judged: ", f);
			esc(f, sv->skip);
		} else {
			fprintf(f, ", chi2=%.2f df=%zu p=%.3g", sv->chi2,
			    sv->nep - 1, sv->p);
			if (sv->fail)
				fputs(color ? ", \033[31mUNBALANCED\033[0m" :
				    ", UNBALANCED", f);
			else
				fputs(", balanced", f);
		}
		putc('\n', f);
		w = 0;
		mx = 0;
		for (k = 0; k < sv->nep; k++) {
			size_t ew = zt_escaped_width(sv->ep[k].name,
			    strlen(sv->ep[k].name));

			if (ew > w)
				w = ew;
			if (sv->ep[k].n > mx)
				mx = sv->ep[k].n;
		}
		for (k = 0; k < sv->nep; k++) {
			fputs("  ", f);
			esc(f, sv->ep[k].name);
			fprintf(f, "%*s  ", (int)(w - zt_escaped_width(
			    sv->ep[k].name, strlen(sv->ep[k].name))), "");
			bar = mx > 0 ? (int)((sv->ep[k].n * 40 + mx - 1) / mx) : 0;
			fprintf(f, "%-40.*s  %6" PRId64 "  %5.1f%%\n", bar,
			    "########################################",
			    sv->ep[k].n, 100.0 * (double)sv->ep[k].n /
			    (double)(sv->total ? sv->total : 1));
		}
	}
	if (bal->nsvc == 0)
		fputs("no outbound connections to a service\n", f);
}

static int
pair_cmp(const void *x, const void *y)
{
	const struct zt_pairrow	*a = x;
	const struct zt_pairrow	*b = y;
	int64_t			 ka = a->out_id ? a->out_id : a->in_id;
	int64_t			 kb = b->out_id ? b->out_id : b->in_id;

	return ka < kb ? -1 : ka > kb;
}

int
zt_report_pairs(FILE *f, sqlite3 *db, const struct zt_checkrun *run,
    int unmatched_only)
{
	struct zt_pairrow	*v;
	size_t			 i;
	char			*src = NULL;
	char			*src2 = NULL;
	char			*text = NULL;
	char			*text2 = NULL;
	int64_t			 line = 0;
	int64_t			 line2 = 0;
	struct zt_describer	*d;
	struct zt_err		 err;

	if ((d = zt_check_describer(db, &err)) == NULL) {
		zt_diag_err(&err);
		return -1;
	}
	v = zt_xcalloc(run->npairs ? run->npairs : 1, sizeof(*v));
	if (run->npairs > 0) {
		memcpy(v, run->pairs, run->npairs * sizeof(*v));
		qsort(v, run->npairs, sizeof(*v), pair_cmp);
	}
	for (i = 0; i < run->npairs; i++) {
		if (v[i].out_id && v[i].in_id) {
			if (unmatched_only)
				continue;
			if (zt_check_describe(d, v[i].out_id, &src, &line,
			    &text) == 0 && zt_check_describe(d, v[i].in_id,
			    &src2, &line2, &text2) == 0) {
				fputs("paired    ", f);
				esc(f, src);
				fprintf(f, ":%" PRId64 " <-> ", line);
				esc(f, src2);
				fprintf(f, ":%" PRId64 "  %+.3fms  ", line2,
				    (double)v[i].dt_us / 1000.0);
				esc(f, text);
				putc('\n', f);
			}
		} else if (zt_check_describe(d, v[i].out_id ? v[i].out_id :
		    v[i].in_id, &src, &line, &text) == 0) {
			fprintf(f, "%s  ", v[i].verifiable ? "UNPAIRED" :
			    "unknown ");
			esc(f, src);
			fprintf(f, ":%" PRId64 "  %s  ", line, v[i].out_id ?
			    "no inbound twin" : "no outbound twin");
			if (!v[i].verifiable)
				fputs("(other ztunnel not in the input)  ", f);
			esc(f, text);
			putc('\n', f);
		}
		free(src);
		free(src2);
		free(text);
		free(text2);
		src = src2 = text = text2 = NULL;
	}
	free(v);
	zt_check_describer_free(d);
	return 0;
}

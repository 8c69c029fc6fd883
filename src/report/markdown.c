/*
 * markdown.c -- the check report as GitHub-flavoured Markdown, for pull
 * request comments and $GITHUB_STEP_SUMMARY (-o markdown[=FILE]).
 *
 * report: [markdown] <- the results (check.h), the run's errors
 *
 * A heading with the verdict, a table of the rules, then for each rule
 * that did not pass its hint and its examples in a <details> block, the
 * coverage warnings and the errors.  Every text from the input goes
 * through ZT_ESC_MD (escape.h): no raw HTML, no cell that ends early.
 * GitHub refuses comments over 65536 characters and step summaries over
 * 1 MiB: the report is kept under ZT_MD_MAX bytes by showing fewer
 * examples per rule (the report says so), and, as a last resort, by
 * cutting the examples and then the end.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "util/escape.h"
#include "util/wrap.h"

#define ZT_MD_MAX	(64 * 1000)	/* bytes, under GitHub's 65536 */
#define ZT_MD_EXLEN	600		/* columns of an example at most */

static void
md(FILE *f, const char *s)
{
	zt_escape_fput(f, ZT_ESC_MD, s, strlen(s));
}

/* s escaped, cut with "…" past cols columns, never inside an escape. */
static void
md_cut(FILE *f, const char *s, size_t cols)
{
	struct zt_buf	 b = { NULL, 0, 0 };
	size_t		 cut;
	size_t		 k;

	zt_escape(&b, ZT_ESC_MD, s, strlen(s));
	if (zt_wrap_cols(b.p, b.n) > cols) {
		cut = zt_wrap_cut(b.p, b.n, cols);
		for (k = cut; k > 0 && cut - k < 6 && b.p[k - 1] != ';'; k--)
			if (b.p[k - 1] == '&') {
				cut = k - 1;	/* an entity */
				break;
			}
		if (cut > 0 && b.p[cut - 1] == '\\')
			cut--;
		fwrite(b.p, 1, cut, f);
		fputs("\xe2\x80\xa6", f);
	} else if (b.n > 0)
		fwrite(b.p, 1, b.n, f);
	zt_buf_free(&b);
}

static const char *
verdict(const struct zt_report *r)
{
	if (r->run == NULL)
		return "ERROR";
	if (r->run->records == 0)
		return "NO DATA";
	if (r->errs.all > 0 || r->status == ZT_EXIT_ERROR)
		return "ERROR";
	return r->status ? "FAIL" : "PASS";
}

static void
md_errors(FILE *f, const struct zt_report_errs *e)
{
	size_t	 i;

	if (e->all == 0)
		return;
	fprintf(f, "\n### Errors\n\n");
	for (i = 0; i < e->n; i++) {
		fputs("- ", f);
		if (e->v[i].file != NULL) {
			md(f, e->v[i].file);
			if (e->v[i].line > 0)
				fprintf(f, ":%lu", e->v[i].line);
			if (e->v[i].col > 0)
				fprintf(f, ":%lu", e->v[i].col);
			fputs(": ", f);
		}
		md(f, e->v[i].msg);
		putc('\n', f);
	}
	if (e->all > e->n)
		fprintf(f, "- ... and %zu more\n", e->all - e->n);
}

static void
md_summary(FILE *f, const struct zt_report *r)
{
	const struct zt_checkrun *run = r->run;
	const struct zt_result	*res;
	size_t			 n[6] = { 0 };
	size_t			 i;

	for (i = 0; i < run->nres; i++)
		n[run->res[i].status]++;
	fprintf(f, "## ztlog check: %s\n\n", verdict(r));
	fprintf(f, "%zu rule%s: %zu passed, %zu failed, %zu warned, %zu "
	    "skipped.", run->nres, run->nres == 1 ? "" : "s",
	    n[ZT_ST_PASS] + n[ZT_ST_INFO], n[ZT_ST_FAIL] + n[ZT_ST_ERROR],
	    n[ZT_ST_WARN], n[ZT_ST_SKIP]);
	if (run->filtered)
		fprintf(f, " %" PRId64 " of %" PRId64 " records kept by the "
		    "filters", run->selected, run->records);
	else
		fprintf(f, " %" PRId64 " record%s", run->records,
		    run->records == 1 ? "" : "s");
	fprintf(f, " from %" PRId64 " line%s in %" PRId64 " source%s",
	    run->lines, run->lines == 1 ? "" : "s", run->sources,
	    run->sources == 1 ? "" : "s");
	if (r->errs.all > 0)
		fprintf(f, "; %zu error%s", r->errs.all,
		    r->errs.all == 1 ? "" : "s");
	fputs(".\n\n| Result | Rule | Summary |\n|---|---|---|\n", f);
	for (i = 0; i < run->nres; i++) {
		res = &run->res[i];
		fprintf(f, "| **%s** | ", zt_status_names[res->status]);
		md(f, res->rule->id);
		fputs(" | ", f);
		md(f, res->summary);
		fputs(" |\n", f);
	}
}

/* One rule's details, with at most maxex examples. */
static void
md_rule(FILE *f, const struct zt_result *res, size_t maxex, size_t exlen)
{
	size_t	 k;
	size_t	 nex = res->nex < maxex ? res->nex : maxex;
	int64_t	 more = res->more + (int64_t)(res->nex - nex);

	fprintf(f, "\n### %s ", zt_status_names[res->status]);
	md(f, res->rule->id);
	fputs(": ", f);
	md(f, res->rule->description);
	fputs("\n\n", f);
	if (res->status == ZT_ST_ERROR) {
		md(f, res->summary);
		fputs("\n\n", f);
	}
	if (res->hint != NULL) {
		fputs("**Next:** ", f);
		md(f, res->hint);
		fputs("\n\n", f);
	}
	if (nex > 0) {
		fprintf(f, "<details><summary>%zu example%s", nex,
		    nex == 1 ? "" : "s");
		if (more > 0)
			fprintf(f, " (and %" PRId64 " more)", more);
		fputs("</summary>\n\n| Where | Record |\n|---|---|\n", f);
		for (k = 0; k < nex; k++) {
			fputs("| ", f);
			if (res->ex[k].source != NULL) {
				md_cut(f, res->ex[k].source, 200);
				if (res->ex[k].line > 0)
					fprintf(f, ":%" PRId64, res->ex[k].line);
			}
			fputs(" | ", f);
			md_cut(f, res->ex[k].text, exlen);
			fputs(" |\n", f);
		}
		fputs("\n</details>\n", f);
	} else if (more > 0)
		fprintf(f, "%" PRId64 " example%s not shown.\n", more,
		    more == 1 ? "" : "s");
}

/* The whole report with at most maxex examples a rule. */
static void
md_write(FILE *f, const struct zt_report *r, size_t maxex, size_t exlen,
    size_t trimmed)
{
	const struct zt_checkrun *run = r->run;
	const struct zt_result	*res;
	size_t			 i;

	if (run == NULL) {
		fputs("## ztlog check: ERROR\n\nNo verdict: the run stopped "
		    "before the rules judged.\n", f);
		md_errors(f, &r->errs);
		return;
	}
	md_summary(f, r);
	for (i = 0; i < run->nres; i++) {
		res = &run->res[i];
		if (res->status == ZT_ST_PASS || res->status == ZT_ST_SKIP ||
		    (res->nex == 0 && res->hint == NULL &&
		    res->status != ZT_ST_ERROR))
			continue;
		md_rule(f, res, maxex, exlen);
	}
	if (run->nwarn > 0)
		fputs("\n### Coverage warnings\n\n", f);
	for (i = 0; i < run->nwarn; i++) {
		fputs("- ", f);
		md(f, run->warnings[i]);
		putc('\n', f);
	}
	md_errors(f, &r->errs);
	if (trimmed)
		fprintf(f, "\n*Examples trimmed to %zu a rule to keep this "
		    "report under %d KB; the text and JSON reports have them "
		    "all.*\n", maxex, ZT_MD_MAX / 1000);
}

/* Render into memory; the caller frees *p. */
static size_t
md_render(const struct zt_report *r, size_t maxex, size_t exlen,
    size_t trimmed, char **p)
{
	size_t	 n = 0;
	FILE	*m;

	*p = NULL;
	if ((m = open_memstream(p, &n)) == NULL)
		return 0;
	md_write(m, r, maxex, exlen, trimmed);
	if (fclose(m) != 0)
		n = 0;
	return n;
}

void
zt_report_markdown(FILE *f, const struct zt_report *r)
{
	static const size_t steps[] = { 50, 20, 10, 5, 3, 2, 1, 0 };
	char		*p;
	size_t		 n;
	size_t		 i;
	size_t		 cut;

	n = md_render(r, (size_t)-1, ZT_MD_EXLEN, 0, &p);
	for (i = 0; n > ZT_MD_MAX && i < sizeof(steps) / sizeof(steps[0]);
	    i++) {
		free(p);
		n = md_render(r, steps[i], steps[i] > 2 ? ZT_MD_EXLEN : 200, 1,
		    &p);
	}
	if (p == NULL) {
		md_write(f, r, (size_t)-1, ZT_MD_EXLEN, 0);	/* no memory */
		return;
	}
	if (n > ZT_MD_MAX) {
		/* Too many rules or errors even so: cut at a line. */
		for (cut = ZT_MD_MAX - 200; cut > 0 && p[cut - 1] != '\n'; cut--)
			;
		fwrite(p, 1, cut, f);
		fprintf(f, "\n*Cut here to stay under %d KB: see the text or "
		    "JSON report.*\n", ZT_MD_MAX / 1000);
	} else
		fwrite(p, 1, n, f);
	free(p);
}

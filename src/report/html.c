/*
 * html.c -- the check report as one self-contained HTML file
 * (-o html[=FILE]): readable offline and in a CI artifact viewer.
 *
 * report: [html] <- the results and the run's facts (check.h)
 *
 * Inline CSS and SVG only: no script, no font, no image and no link to
 * the network.  The verdict and the rules' table, each rule that did not
 * pass with its hint and examples, then the charts, each with a heading,
 * an SVG with a <title> and a <desc>, and the same numbers as a table
 * (the text alternative): endpoints against their expected share per
 * service, HBONE share per namespace, connections per pair of ztunnels,
 * records and errors over time, and records per ztunnel pod.  A result
 * is always written as a word (PASS, FAIL, ...): colour is never the only
 * signal.  Every text from the input goes through ZT_ESC_XML, which is
 * what HTML text and attribute values need.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/rec_time.h"
#include "report/report.h"
#include "report/rpriv.h"
#include "util/escape.h"

#ifndef ZTLOG_VERSION
#define ZTLOG_VERSION "0"
#endif

#define W	640		/* chart width, px */
#define ROW	22		/* bar row height, px */
#define LABEL	220		/* label column of bar charts, px */

static const char css[] =
"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;"
"margin:0 auto;max-width:1100px;padding:0 1.2em 3em;color:#1b1f24;"
"background:#fff}\n"
"h1{font-size:1.6em;margin:.8em 0 .2em}h2{margin-top:1.8em;"
"border-bottom:1px solid #d0d7de;padding-bottom:.2em}\n"
"table{border-collapse:collapse;margin:.6em 0;font-size:.92em}"
"th,td{border:1px solid #d0d7de;padding:.25em .6em;text-align:left;"
"vertical-align:top}th{background:#f6f8fa}td.n{text-align:right;"
"font-variant-numeric:tabular-nums}\n"
"caption{text-align:left;font-weight:600;padding:.3em 0}\n"
".st{font-weight:700;white-space:nowrap}"
".PASS{color:#116329}.FAIL,.ERROR{color:#a40e26}.WARN{color:#7d4e00}"
".SKIP,.INFO{color:#57606a}\n"
".ex{font-family:ui-monospace,monospace;font-size:.9em;word-break:"
"break-all}\n"
"figure{margin:1em 0}svg.chart{display:block;max-width:100%;height:auto;"
"background:#fbfcfd;border:1px solid #eaeef2}\n"
"svg text{font:12px system-ui,sans-serif;fill:#1b1f24}\n"
".bar{fill:#0969da}.bar2{fill:#bf3989}.exp{stroke:#1b1f24;"
"stroke-width:2;stroke-dasharray:4 3}.plain{fill:#d4a72c}"
".err{fill:#cf222e}.rec{fill:#8c959f}.axis{stroke:#57606a}\n"
"@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}"
"th{background:#161b22}th,td{border-color:#30363d}svg.chart{background:"
"#161b22;border-color:#30363d}svg text{fill:#e6edf3}.exp{stroke:#e6edf3}"
".PASS{color:#3fb950}.FAIL,.ERROR{color:#ff7b72}.WARN{color:#d29922}}\n";

static void
h(FILE *f, const char *s)
{
	zt_escape_fput(f, ZT_ESC_XML, s, strlen(s));
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

/* A result word, with the class that colours it. */
static void
status(FILE *f, const char *word)
{
	fprintf(f, "<span class=\"st %s\">%s</span>", strcmp(word,
	    "NO DATA") == 0 ? "ERROR" : word, word);
}

static void
ts(FILE *f, int64_t us)
{
	char	 b[28];

	if (us < 0) {
		fputs("-", f);
		return;
	}
	zt_format_ts(us, b);
	fputs(b, f);
}

static void
errors(FILE *f, const struct zt_report_errs *e)
{
	size_t	 i;

	if (e->all == 0)
		return;
	fputs("<section aria-labelledby=\"s-errors\"><h2 id=\"s-errors\">"
	    "Errors</h2>\n<ul>\n", f);
	for (i = 0; i < e->n; i++) {
		fputs("<li>", f);
		if (e->v[i].file != NULL) {
			h(f, e->v[i].file);
			if (e->v[i].line > 0)
				fprintf(f, ":%lu", e->v[i].line);
			if (e->v[i].col > 0)
				fprintf(f, ":%lu", e->v[i].col);
			fputs(": ", f);
		}
		h(f, e->v[i].msg);
		fputs("</li>\n", f);
	}
	if (e->all > e->n)
		fprintf(f, "<li>... and %zu more</li>\n", e->all - e->n);
	fputs("</ul></section>\n", f);
}

static void
summary(FILE *f, const struct zt_report *r)
{
	const struct zt_checkrun *run = r->run;
	const struct zt_result	*res;
	size_t			 n[6] = { 0 };
	size_t			 i;

	for (i = 0; i < run->nres; i++)
		n[run->res[i].status]++;
	fprintf(f, "<p>%zu rule%s: %zu passed, %zu failed, %zu warned, %zu "
	    "skipped; ", run->nres, run->nres == 1 ? "" : "s",
	    n[ZT_ST_PASS] + n[ZT_ST_INFO], n[ZT_ST_FAIL] + n[ZT_ST_ERROR],
	    n[ZT_ST_WARN], n[ZT_ST_SKIP]);
	if (run->filtered)
		fprintf(f, "%" PRId64 " of %" PRId64 " records kept by the "
		    "filters", run->selected, run->records);
	else
		fprintf(f, "%" PRId64 " records", run->records);
	fprintf(f, " from %" PRId64 " lines in %" PRId64 " source%s.</p>\n",
	    run->lines, run->sources, run->sources == 1 ? "" : "s");
	fputs("<section aria-labelledby=\"s-rules\"><h2 id=\"s-rules\">Rules"
	    "</h2>\n<table><thead><tr><th scope=\"col\">Result</th>"
	    "<th scope=\"col\">Rule</th><th scope=\"col\">Summary</th></tr>"
	    "</thead><tbody>\n", f);
	for (i = 0; i < run->nres; i++) {
		res = &run->res[i];
		fputs("<tr><td>", f);
		status(f, zt_status_names[res->status]);
		fputs("</td><th scope=\"row\"><a href=\"#r-", f);
		h(f, res->rule->id);
		fputs("\">", f);
		h(f, res->rule->id);
		fputs("</a></th><td>", f);
		h(f, res->summary);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table></section>\n", f);
}

static void
rule(FILE *f, const struct zt_result *res)
{
	size_t	 k;

	fputs("<section id=\"r-", f);
	h(f, res->rule->id);
	fputs("\"><h3>", f);
	status(f, zt_status_names[res->status]);
	fputs(" ", f);
	h(f, res->rule->id);
	fputs(": ", f);
	h(f, res->rule->description);
	fputs("</h3>\n<p>", f);
	h(f, res->summary);
	fputs("</p>\n", f);
	if (res->hint != NULL) {
		fputs("<p><strong>Next:</strong> ", f);
		h(f, res->hint);
		fputs("</p>\n", f);
	}
	if (res->nex == 0)
		goto out;
	fprintf(f, "<details open=\"open\"><summary>%zu example%s", res->nex,
	    res->nex == 1 ? "" : "s");
	if (res->more > 0)
		fprintf(f, " (and %" PRId64 " more)", res->more);
	fputs("</summary>\n<table><thead><tr><th scope=\"col\">Where</th>"
	    "<th scope=\"col\">Record</th></tr></thead><tbody>\n", f);
	for (k = 0; k < res->nex; k++) {
		fputs("<tr><td class=\"ex\">", f);
		if (res->ex[k].source != NULL) {
			h(f, res->ex[k].source);
			if (res->ex[k].line > 0)
				fprintf(f, ":%" PRId64, res->ex[k].line);
		}
		fputs("</td><td class=\"ex\">", f);
		h(f, res->ex[k].text);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table></details>\n", f);
out:
	fputs("</section>\n", f);
}

/* An SVG chart's start: its size, title and description ids. */
static void
svg_open(FILE *f, const char *id, int height, const char *title)
{
	fprintf(f, "<svg class=\"chart\" role=\"img\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\" aria-labelledby=\"%s-t "
	    "%s-d\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"%s-t\">",
	    W, height, W, height, id, id, id);
	h(f, title);
	fputs("</title>\n", f);
}

/* A label at the left of a bar row, cut to fit the label column. */
static void
svg_label(FILE *f, int y, const char *s)
{
	size_t	 n = strlen(s);

	fprintf(f, "<text x=\"4\" y=\"%d\">", y + 15);
	if (n > 32) {
		fputs("\xe2\x80\xa6", f);
		zt_escape_fput(f, ZT_ESC_XML, s + n - 30, 30);
	} else
		h(f, s);
	fputs("</text>", f);
}

/* The endpoints table of service sv: the chart's numbers. */
static void
balance_table(FILE *f, const struct zt_lbsvc *sv)
{
	size_t	 k;

	fputs("<table><thead><tr><th scope=\"col\">Endpoint</th><th scope="
	    "\"col\">Connections</th><th scope=\"col\">Share</th><th scope="
	    "\"col\">Expected share</th><th scope=\"col\">Expected "
	    "connections</th></tr></thead><tbody>\n", f);
	for (k = 0; k < sv->nep; k++) {
		fputs("<tr><th scope=\"row\">", f);
		h(f, sv->ep[k].name);
		fprintf(f, "</th><td class=\"n\">%" PRId64 "</td><td "
		    "class=\"n\">%.1f%%</td><td class=\"n\">%.1f%%</td>"
		    "<td class=\"n\">%.1f</td></tr>\n", sv->ep[k].n, 100.0 *
		    (double)sv->ep[k].n / (double)(sv->total ? sv->total : 1),
		    100.0 * sv->ep[k].exp_share, sv->ep[k].expected);
	}
	fputs("</tbody></table>\n", f);
}

/* The figure of service sv (chart i): bars, each with its expected mark. */
static void
balance_chart(FILE *f, const struct zt_lbsvc *sv, size_t i)
{
	const char	*v = zt_rp_lb_verdict(sv);
	size_t		 k;
	double		 mx = 0, x;
	int		 y;
	char		 id[32];

	for (k = 0; k < sv->nep; k++) {
		if ((double)sv->ep[k].n > mx)
			mx = (double)sv->ep[k].n;
		if (sv->ep[k].expected > mx)
			mx = sv->ep[k].expected;
	}
	if (mx <= 0)
		mx = 1;
	snprintf(id, sizeof(id), "lb%zu", i);
	fputs("<figure>", f);
	svg_open(f, id, (int)sv->nep * ROW + 10, sv->service);
	fprintf(f, "<desc id=\"%s-d\">%zu endpoints, %" PRId64 " connections, "
	    "%s; each bar is an endpoint's connections, the dashed mark on it "
	    "the count the model expects of it; the numbers are in the table "
	    "below</desc>\n", id, sv->nep, sv->total, sv->skip != NULL ?
	    "not judged" : v);
	for (k = 0; k < sv->nep; k++) {
		y = 5 + (int)k * ROW;
		svg_label(f, y, sv->ep[k].name);
		x = (double)(W - LABEL - 70) * (double)sv->ep[k].n / mx;
		fprintf(f, "<rect class=\"bar\" x=\"%d\" y=\"%d\" "
		    "width=\"%.1f\" height=\"%d\"/><text x=\"%d\" "
		    "y=\"%d\" text-anchor=\"end\">%" PRId64 "</text>\n",
		    LABEL, y + 3, x, ROW - 6, W - 8, y + 15, sv->ep[k].n);
		if (sv->ep[k].expected <= 0)
			continue;
		x = LABEL + (double)(W - LABEL - 70) * sv->ep[k].expected / mx;
		fprintf(f, "<line class=\"exp\" x1=\"%.1f\" y1=\"%d\" "
		    "x2=\"%.1f\" y2=\"%d\"/>\n", x, y + 1, x, y + ROW - 1);
	}
	fputs("</svg>\n<figcaption>", f);
	h(f, sv->service);
	fprintf(f, ": %" PRId64 " connections, ", sv->total);
	if (sv->skip != NULL) {
		fputs("not judged: ", f);
		h(f, sv->skip);
	} else
		fprintf(f, "chi2=%.2f df=%.0f p=%.3g Holm p=%.3g %s %g, %s%s",
		    sv->chi2, sv->df, sv->p, sv->p_adj, sv->p_adj < sv->alpha ?
		    "&lt;" : "&gt;=", sv->alpha, sv->fail ?
		    "<strong>UNBALANCED</strong>" : "", v + (sv->fail ?
		    strlen("UNBALANCED") : 0));
	fputs("</figcaption></figure>\n", f);
}

/* Each service's endpoints against the share the balance model expects. */
static void
balance(FILE *f, const struct zt_checkrun *run)
{
	const struct zt_result	*res = NULL;
	size_t			 i;

	for (i = 0; i < run->nres; i++)
		if (run->res[i].nsvc > 0)
			res = &run->res[i];
	if (res == NULL)
		return;
	fputs("<section aria-labelledby=\"s-lb\"><h2 id=\"s-lb\">Endpoints "
	    "per service</h2>\n<p>Connections to each endpoint; the dashed "
	    "mark on each bar is the count the balance rule's model expects "
	    "of that endpoint: its capacity times the part of the service's "
	    "connections that came while it was present, among the endpoints "
	    "each client node may choose by locality.  It is an even split "
	    "only when the endpoints had the same capacity, were there all "
	    "along and open to every client.</p>\n", f);
	for (i = 0; i < res->nsvc; i++) {
		balance_chart(f, &res->svc[i], i);
		balance_table(f, &res->svc[i]);
	}
	fputs("</section>\n", f);
}

static void
hbone(FILE *f, const struct zt_facts *fc)
{
	size_t	 i;
	int	 y;
	double	 a, b;

	if (fc->nns == 0)
		return;
	fputs("<section aria-labelledby=\"s-hb\"><h2 id=\"s-hb\">HBONE share "
	    "per namespace</h2>\n<figure>", f);
	svg_open(f, "hb", (int)fc->nns * ROW + 10, "Outbound connections "
	    "through HBONE, per source namespace");
	fputs("<desc id=\"hb-d\">For each source namespace, the share of its "
	    "outbound connections that went through HBONE (blue, left) and "
	    "as plain TCP (hatched yellow, right); the numbers are in the "
	    "table below.</desc>\n<defs><pattern id=\"hatch\" width=\"6\" "
	    "height=\"6\" patternUnits=\"userSpaceOnUse\"><rect width=\"6\" "
	    "height=\"6\" class=\"plain\"/><path d=\"M0 6L6 0\" "
	    "stroke=\"#1b1f24\" stroke-width=\"1\"/></pattern></defs>\n", f);
	for (i = 0; i < fc->nns; i++) {
		y = 5 + (int)i * ROW;
		svg_label(f, y, fc->ns[i].name[0] ? fc->ns[i].name : "(none)");
		a = fc->ns[i].outbound > 0 ? (double)(W - LABEL - 60) *
		    (double)fc->ns[i].hbone / (double)fc->ns[i].outbound : 0;
		b = (double)(W - LABEL - 60) - a;
		fprintf(f, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%.1f\" "
		    "height=\"%d\"/><rect fill=\"url(#hatch)\" x=\"%.1f\" "
		    "y=\"%d\" width=\"%.1f\" height=\"%d\"/><text x=\"%d\" "
		    "y=\"%d\">%.0f%%</text>\n", LABEL, y + 3, a, ROW - 6,
		    LABEL + a, y + 3, fc->ns[i].outbound > 0 ? b : 0, ROW - 6,
		    W - 55, y + 15, fc->ns[i].outbound > 0 ? 100.0 *
		    (double)fc->ns[i].hbone / (double)fc->ns[i].outbound : 0);
	}
	fputs("</svg></figure>\n<table><thead><tr><th scope=\"col\">Namespace"
	    "</th><th scope=\"col\">Outbound</th><th scope=\"col\">HBONE</th>"
	    "<th scope=\"col\">Plain TCP</th><th scope=\"col\">HBONE share"
	    "</th></tr></thead><tbody>\n", f);
	for (i = 0; i < fc->nns; i++) {
		fputs("<tr><th scope=\"row\">", f);
		h(f, fc->ns[i].name[0] ? fc->ns[i].name : "(none)");
		fprintf(f, "</th><td class=\"n\">%" PRId64 "</td><td class=\"n\">"
		    "%" PRId64 "</td><td class=\"n\">%" PRId64 "</td><td "
		    "class=\"n\">%.1f%%</td></tr>\n", fc->ns[i].outbound,
		    fc->ns[i].hbone, fc->ns[i].outbound - fc->ns[i].hbone,
		    fc->ns[i].outbound > 0 ? 100.0 * (double)fc->ns[i].hbone /
		    (double)fc->ns[i].outbound : 0);
	}
	fputs("</tbody></table></section>\n", f);
}

static void
pairs(FILE *f, const struct zt_facts *fc)
{
	size_t	 i;

	if (fc->npairs == 0)
		return;
	fputs("<section aria-labelledby=\"s-pairs\"><h2 id=\"s-pairs\">"
	    "Pairing by node pair</h2>\n<p>HBONE connections between two "
	    "ztunnels (one per node): the outbound records the client's "
	    "ztunnel logged and the inbound records the server's logged. "
	    "Where they differ, one side missed connections or its logs do "
	    "not cover the time.</p>\n<table><thead><tr><th scope=\"col\">"
	    "Client ztunnel</th><th scope=\"col\">Server ztunnel</th><th "
	    "scope=\"col\">Outbound</th><th scope=\"col\">Inbound</th><th "
	    "scope=\"col\">Difference</th></tr></thead><tbody>\n", f);
	for (i = 0; i < fc->npairs; i++) {
		fputs("<tr><td>", f);
		h(f, fc->pairs[i].client[0] ? fc->pairs[i].client :
		    "(not in the input)");
		fputs("</td><td>", f);
		h(f, fc->pairs[i].server[0] ? fc->pairs[i].server :
		    "(not in the input)");
		fprintf(f, "</td><td class=\"n\">%" PRId64 "</td><td class=\"n\">"
		    "%" PRId64 "</td><td class=\"n\">%+" PRId64 "</td></tr>\n",
		    fc->pairs[i].outbound, fc->pairs[i].inbound,
		    fc->pairs[i].inbound - fc->pairs[i].outbound);
	}
	fputs("</tbody></table></section>\n", f);
}

static void
timeline(FILE *f, const struct zt_facts *fc)
{
	const int	 hgt = 160;
	int64_t		 mx = 1;
	int64_t		 nerr = 0;
	size_t		 i;
	double		 bw, x, y1, y2;

	if (fc->nbins == 0)
		return;
	for (i = 0; i < fc->nbins; i++) {
		if (fc->bin_records[i] > mx)
			mx = fc->bin_records[i];
		nerr += fc->bin_errors[i];
	}
	bw = (double)(W - 60) / (double)fc->nbins;
	fputs("<section aria-labelledby=\"s-time\"><h2 id=\"s-time\">Errors "
	    "over time</h2>\n<figure>", f);
	svg_open(f, "tl", hgt + 40, "Records and errors over time");
	fprintf(f, "<desc id=\"tl-d\">%zu intervals of %" PRId64 " s from ",
	    fc->nbins, fc->step_us / 1000000);
	ts(f, fc->t0_us);
	fprintf(f, ": grey bars are records, red bars the %" PRId64 " records "
	    "that ended in an error; the table below has the numbers.</desc>\n",
	    nerr);
	fprintf(f, "<line class=\"axis\" x1=\"50\" y1=\"%d\" x2=\"%d\" "
	    "y2=\"%d\"/><text x=\"4\" y=\"14\">%" PRId64 "</text><text x=\"4\" "
	    "y=\"%d\">0</text>\n", hgt + 5, W - 8, hgt + 5, mx, hgt + 5);
	for (i = 0; i < fc->nbins; i++) {
		x = 52 + bw * (double)i;
		y1 = (double)hgt * (double)fc->bin_records[i] / (double)mx;
		y2 = (double)hgt * (double)fc->bin_errors[i] / (double)mx;
		fprintf(f, "<rect class=\"rec\" x=\"%.1f\" y=\"%.1f\" "
		    "width=\"%.1f\" height=\"%.1f\"/>", x, hgt + 5 - y1,
		    bw > 2 ? bw - 1 : bw, y1);
		if (fc->bin_errors[i] > 0)
			fprintf(f, "<rect class=\"err\" x=\"%.1f\" y=\"%.1f\" "
			    "width=\"%.1f\" height=\"%.1f\"/>", x, hgt + 5 - y2,
			    bw > 2 ? bw - 1 : bw, y2 < 2 ? 2 : y2);
		putc('\n', f);
	}
	fprintf(f, "<text x=\"50\" y=\"%d\">", hgt + 25);
	ts(f, fc->t0_us);
	fprintf(f, "</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
	    W - 8, hgt + 25);
	ts(f, fc->t0_us + fc->step_us * (int64_t)fc->nbins);
	fputs("</text></svg></figure>\n<details><summary>The numbers"
	    "</summary><table><thead><tr><th scope=\"col\">From</th><th "
	    "scope=\"col\">Records</th><th scope=\"col\">Errors</th></tr>"
	    "</thead><tbody>\n", f);
	for (i = 0; i < fc->nbins; i++) {
		fputs("<tr><td>", f);
		ts(f, fc->t0_us + fc->step_us * (int64_t)i);
		fprintf(f, "</td><td class=\"n\">%" PRId64 "</td><td class=\"n\">"
		    "%" PRId64 "</td></tr>\n", fc->bin_records[i],
		    fc->bin_errors[i]);
	}
	fputs("</tbody></table></details></section>\n", f);
}

static void
coverage(FILE *f, const struct zt_facts *fc)
{
	size_t	 i;

	if (fc->npods == 0)
		return;
	fputs("<section aria-labelledby=\"s-pods\"><h2 id=\"s-pods\">Coverage "
	    "per ztunnel pod</h2>\n<table><thead><tr><th scope=\"col\">Pod</th>"
	    "<th scope=\"col\">Records</th><th scope=\"col\">Outbound</th><th "
	    "scope=\"col\">Inbound</th><th scope=\"col\">Errors</th><th "
	    "scope=\"col\">First</th><th scope=\"col\">Last</th></tr></thead>"
	    "<tbody>\n", f);
	for (i = 0; i < fc->npods; i++) {
		fputs("<tr><th scope=\"row\">", f);
		h(f, fc->pods[i].pod[0] ? fc->pods[i].pod : "(no pod name)");
		fprintf(f, "</th><td class=\"n\">%" PRId64 "</td><td class=\"n\">"
		    "%" PRId64 "</td><td class=\"n\">%" PRId64 "</td><td "
		    "class=\"n\">%" PRId64 "</td><td>", fc->pods[i].records,
		    fc->pods[i].outbound, fc->pods[i].inbound,
		    fc->pods[i].errors);
		ts(f, fc->pods[i].first_us);
		fputs("</td><td>", f);
		ts(f, fc->pods[i].last_us);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table></section>\n", f);
}

void
zt_report_html(FILE *f, const struct zt_report *r)
{
	const struct zt_checkrun *run = r->run;
	size_t			 i;

	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
	    "charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width="
	    "device-width, initial-scale=1\"/>\n<title>ztlog check: %s</title>"
	    "\n<style>\n%s</style>\n</head>\n<body>\n<header><h1>ztlog check: ",
	    verdict(r), css);
	status(f, verdict(r));
	fputs("</h1></header>\n<main>\n", f);
	if (run == NULL) {
		fputs("<p>No verdict: the run stopped before the rules judged."
		    "</p>\n", f);
		errors(f, &r->errs);
		fputs("</main>\n</body>\n</html>\n", f);
		return;
	}
	summary(f, r);
	fputs("<section aria-labelledby=\"s-details\"><h2 id=\"s-details\">"
	    "Details</h2>\n", f);
	for (i = 0; i < run->nres; i++)
		rule(f, &run->res[i]);
	fputs("</section>\n", f);
	if (run->nwarn > 0) {
		fputs("<section aria-labelledby=\"s-warn\"><h2 id=\"s-warn\">"
		    "Coverage warnings</h2>\n<ul>\n", f);
		for (i = 0; i < run->nwarn; i++) {
			fputs("<li><strong>warning:</strong> ", f);
			h(f, run->warnings[i]);
			fputs("</li>\n", f);
		}
		fputs("</ul></section>\n", f);
	}
	errors(f, &r->errs);
	balance(f, run);
	hbone(f, &run->facts);
	pairs(f, &run->facts);
	timeline(f, &run->facts);
	coverage(f, &run->facts);
	fputs("</main>\n<footer><p>Written by ztlog " ZTLOG_VERSION
	    ".</p></footer>\n</body>\n</html>\n", f);
}

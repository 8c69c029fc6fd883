/*
 * views.c -- what lb, pairs and rules list|show print: bars, pair lines,
 * and their JSON.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "report/rpriv.h"
#include "util/escape.h"
#include "util/wrap.h"
#include "util/xalloc.h"

/* ---- lb and pairs ----------------------------------------------------------- */

const char *
zt_rp_lb_verdict(const struct zt_lbsvc *sv)
{
	if (sv->fail && sv->small)
		return "UNBALANCED (small: check warns)";
	if (sv->fail && sv->bound)
		return "UNBALANCED (obs/exp past max_ratio)";
	if (sv->fail)
		return "UNBALANCED";
	if (sv->per_client)
		return "balanced per client node (locality)";
	return "balanced";
}

/* "SERVICE: N connections, K endpoints, TEST, VERDICT" */
static void
lb_head(FILE *f, const struct zt_lbsvc *sv, int color)
{
	zt_rp_esc(f, sv->service);
	fprintf(f, ": %" PRId64 " connection%s, %zu endpoint%s", sv->total,
	    sv->total == 1 ? "" : "s", sv->nep, sv->nep == 1 ? "" : "s");
	if (sv->skip != NULL) {
		fputs(", not judged: ", f);
		zt_rp_esc(f, sv->skip);
	} else
		fprintf(f, ", chi2=%.2f df=%.0f p=%.3g Holm p=%.3g %s %g, ",
		    sv->chi2, sv->df, sv->p, sv->p_adj, sv->p_adj < sv->alpha ?
		    "<" : ">=", sv->alpha);
	if (sv->skip == NULL && color && sv->fail)	/* the word red */
		fprintf(f, "\033[31mUNBALANCED\033[0m%s", zt_rp_lb_verdict(sv) +
		    strlen("UNBALANCED"));
	else if (sv->skip == NULL)
		fputs(zt_rp_lb_verdict(sv), f);
	putc('\n', f);
}

/*
 * A bar of n in bw columns scaled to mx, with '|' at the expected count
 * e (in the bar or past its end; none when nothing is expected).
 */
static void
lb_bar(FILE *f, int64_t n, double e, double mx, size_t bw)
{
	double	 s = mx > 0 ? (double)bw / mx : 0;
	size_t	 bar = (size_t)ceil((double)n * s);
	long	 mk = e > 0 ? lround(e * s) - 1 : -1;
	size_t	 c;

	if (mk < 0 && e > 0 && s > 0)
		mk = 0;
	for (c = 0; c < bw; c++)
		putc((long)c == mk ? '|' : c < bar ? '#' : ' ', f);
}

/* "  name  bar  count  share" and " exp SHARE": columns besides the two. */
#define LB_COLS	31

void
zt_report_lb(FILE *f, const struct zt_result *bal, int color, size_t width)
{
	const struct zt_lbsvc	*sv;
	struct zt_buf		 b = { NULL, 0, 0 };
	size_t			 i, k, w, ew, bw;
	double			 mx;

	for (i = 0; i < bal->nsvc; i++) {
		sv = &bal->svc[i];
		if (i > 0)
			putc('\n', f);
		lb_head(f, sv, color);
		w = 0;
		mx = 0;
		for (k = 0; k < sv->nep; k++) {
			ew = zt_escape_width(sv->ep[k].name,
			    strlen(sv->ep[k].name));
			if (ew > w)
				w = ew;
			if ((double)sv->ep[k].n > mx)
				mx = (double)sv->ep[k].n;
			if (sv->ep[k].expected > mx)
				mx = sv->ep[k].expected;
		}
		bw = 40;
		/* Narrow: the bar down to 6 columns, then names cut. */
		if (width > 0 && w + bw + LB_COLS > width)
			bw = width > w + LB_COLS + 6 ? width - w - LB_COLS : 6;
		if (width > 0 && w + bw + LB_COLS > width)
			w = width > LB_COLS + bw + 8 ? width - LB_COLS - bw : 8;
		for (k = 0; k < sv->nep; k++) {
			b.n = 0;
			zt_escape(&b, ZT_ESC_TEXT, sv->ep[k].name,
			    strlen(sv->ep[k].name));
			fputs("  ", f);
			zt_wrap_cell(f, b.p, b.n, w, 1);
			fputs("  ", f);
			lb_bar(f, sv->ep[k].n, sv->ep[k].expected, mx, bw);
			fprintf(f, "  %6" PRId64 "  %5.1f%% exp %5.1f%%\n",
			    sv->ep[k].n, 100.0 * (double)sv->ep[k].n /
			    (double)(sv->total ? sv->total : 1),
			    100.0 * sv->ep[k].exp_share);
		}
	}
	zt_buf_free(&b);
	if (bal->nsvc == 0)
		fputs("no outbound connections to a service\n", f);
}

/* A JSON number, or null for what JSON cannot hold (inf, nan). */
static void
jnum(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.6g", v);
	else
		fputs("null", f);
}

void
zt_report_lb_json(FILE *f, const struct zt_result *bal, int status,
    const struct zt_report_errs *e)
{
	const struct zt_lbsvc	*sv;
	size_t			 i;
	size_t			 k;

	zt_report_json_head(f, zt_rp_result_name(status), status, e);
	fputs(",\n\"services\":[", f);
	for (i = 0; bal != NULL && i < bal->nsvc; i++) {
		sv = &bal->svc[i];
		fputs(i ? ",\n{\"service\":" : "\n{\"service\":", f);
		zt_rp_jstr(f, sv->service);
		fprintf(f, ",\"connections\":%" PRId64 ",\"judged\":%s,"
		    "\"not_judged\":", sv->total, sv->skip == NULL ? "true" :
		    "false");
		zt_rp_jstr(f, sv->skip);
		if (sv->skip == NULL) {
			fputs(",\"chi2\":", f);
			jnum(f, sv->chi2);
			fputs(",\"df\":", f);
			jnum(f, sv->df);
			fputs(",\"p\":", f);
			jnum(f, sv->p);
			fputs(",\"p_holm\":", f);
			jnum(f, sv->p_adj);
			fputs(",\"alpha\":", f);
			jnum(f, sv->alpha);
			fprintf(f, ",\"verdict\":\"%s\",\"balanced\":%s",
			    sv->fail ? (sv->small ? "small" : "unbalanced") :
			    sv->per_client ? "even_per_client" : "balanced",
			    sv->fail ? "false" : "true");
		} else
			fputs(",\"chi2\":null,\"df\":null,\"p\":null,"
			    "\"p_holm\":null,\"alpha\":null,\"verdict\":null,"
			    "\"balanced\":null", f);
		fputs(",\"endpoints\":[", f);
		for (k = 0; k < sv->nep; k++) {
			fputs(k ? ",{\"name\":" : "{\"name\":", f);
			zt_rp_jstr(f, sv->ep[k].name);
			fprintf(f, ",\"connections\":%" PRId64 ",\"share\":",
			    sv->ep[k].n);
			jnum(f, (double)sv->ep[k].n / (double)(sv->total ?
			    sv->total : 1));
			fputs(",\"expected\":", f);
			jnum(f, sv->ep[k].expected);
			fputs(",\"expected_share\":", f);
			jnum(f, sv->ep[k].exp_share);
			putc('}', f);
		}
		fputs("]}", f);
	}
	fputs(bal != NULL && bal->nsvc > 0 ? "\n]}\n" : "]}\n", f);
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

/* One record of the pairing as a JSON object {"source", "line"}. */
static void
jside(FILE *f, const char *src, int64_t line)
{
	fputs("{\"source\":", f);
	zt_rp_jstr(f, src);
	fprintf(f, ",\"line\":%" PRId64 "}", line);
}

/*
 * Walk the pairing in input order, writing each connection as a text line
 * or (json) a JSON object.  Returns how many were written.
 */
static size_t
pairs_walk(FILE *f, sqlite3 *db, const struct zt_checkrun *run,
    int unmatched_only, int json)
{
	struct zt_pairrow	*v;
	size_t			 i;
	size_t			 nw = 0;
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
		return 0;
	}
	v = zt_xcalloc(run->npairs ? run->npairs : 1, sizeof(*v));
	if (run->npairs > 0) {
		memcpy(v, run->pairs, run->npairs * sizeof(*v));
		qsort(v, run->npairs, sizeof(*v), pair_cmp);
	}
	for (i = 0; i < run->npairs; i++) {
		if (v[i].out_id && v[i].in_id) {
			if (unmatched_only || zt_check_describe(d,
			    v[i].out_id, &src, &line, &text) != 0 ||
			    zt_check_describe(d, v[i].in_id, &src2, &line2,
			    &text2) != 0)
				;
			else if (json) {
				fputs(nw++ ? ",\n{\"status\":\"paired\","
				    "\"outbound\":" : "\n{\"status\":\"paired\","
				    "\"outbound\":", f);
				jside(f, src, line);
				fputs(",\"inbound\":", f);
				jside(f, src2, line2);
				fputs(",\"dt_ms\":", f);
				jnum(f, (double)v[i].dt_us / 1000.0);
				fputs(",\"record\":", f);
				zt_rp_jstr(f, text);
				putc('}', f);
			} else {
				nw++;
				fputs("paired    ", f);
				zt_rp_esc(f, src);
				fprintf(f, ":%" PRId64 " <-> ", line);
				zt_rp_esc(f, src2);
				fprintf(f, ":%" PRId64 "  %+.3fms  ", line2,
				    (double)v[i].dt_us / 1000.0);
				zt_rp_esc(f, text);
				putc('\n', f);
			}
		} else if (zt_check_describe(d, v[i].out_id ? v[i].out_id :
		    v[i].in_id, &src, &line, &text) != 0)
			;
		else if (json) {
			fprintf(f, "%s{\"status\":\"%s\",\"outbound\":",
			    nw++ ? ",\n" : "\n", v[i].verifiable ? "unpaired" :
			    "unknown");
			if (v[i].out_id)
				jside(f, src, line);
			else
				fputs("null", f);
			fputs(",\"inbound\":", f);
			if (v[i].in_id)
				jside(f, src, line);
			else
				fputs("null", f);
			fputs(",\"dt_ms\":null,\"record\":", f);
			zt_rp_jstr(f, text);
			putc('}', f);
		} else {
			nw++;
			fprintf(f, "%s  ", v[i].verifiable ? "UNPAIRED" :
			    "unknown ");
			zt_rp_esc(f, src);
			fprintf(f, ":%" PRId64 "  %s  ", line, v[i].out_id ?
			    "no inbound twin" : "no outbound twin");
			if (!v[i].verifiable)
				fputs("(other ztunnel not in the input)  ", f);
			zt_rp_esc(f, text);
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
	return nw;
}

int
zt_report_pairs(FILE *f, sqlite3 *db, const struct zt_checkrun *run,
    int unmatched_only)
{
	const struct zt_result	*res = zt_rp_pairs_result(run);
	size_t			 k;

	/* Clock offsets of over 100 ms, before the connections. */
	for (k = 0; res != NULL && k < res->nclk; k++) {
		if (llabs(res->clk[k].off_us) <= 100000)
			continue;
		fputs("clock     ", f);
		zt_rp_esc(f, res->clk[k].out);
		fputs(" -> ", f);
		zt_rp_esc(f, res->clk[k].in);
		fprintf(f, "  %+.3fms  offset, from %" PRId64 " unambiguous "
		    "connections\n", (double)res->clk[k].off_us / 1000.0,
		    res->clk[k].n);
	}
	pairs_walk(f, db, run, unmatched_only, 0);
	return 0;
}

void
zt_report_pairs_json(FILE *f, sqlite3 *db, const struct zt_checkrun *run,
    int unmatched_only, int status, const struct zt_report_errs *e)
{
	size_t	 n = 0;

	zt_report_json_head(f, zt_rp_result_name(status), status, e);
	fputs(",\n\"pairs\":[", f);
	if (run != NULL)
		n = pairs_walk(f, db, run, unmatched_only, 1);
	fputs(n > 0 ? "\n],\n\"clock_offsets\":" : "],\n\"clock_offsets\":", f);
	zt_rp_jclocks(f, zt_rp_pairs_result(run));
	fputs("}\n", f);
}

/* ---- rules --------------------------------------------------------------- */

static void
jrule(FILE *f, const struct zt_rule *r, int text)
{
	fputs("{\"id\":", f);
	zt_rp_jstr(f, r->id);
	fprintf(f, ",\"type\":\"%s\",\"severity\":\"%s\",\"description\":",
	    zt_check_type_name(r), zt_sev_names[r->sev]);
	zt_rp_jstr(f, r->description);
	fputs(",\"file\":", f);
	zt_rp_jstr(f, r->file);
	fprintf(f, ",\"line\":%lu", r->line);
	if (text) {
		fputs(",\"text\":", f);
		zt_rp_jstr(f, r->text);
	}
	putc('}', f);
}

void
zt_report_rules_json(FILE *f, const struct zt_ruleset *rs,
    const struct zt_rule *one, int status, const struct zt_report_errs *e)
{
	size_t	 i;

	zt_report_json_head(f, status == ZT_EXIT_OK ? "ok" : "error", status,
	    e);
	if (one != NULL) {
		fputs(",\n\"rule\":", f);
		jrule(f, one, 1);
		fputs("}\n", f);
		return;
	}
	fputs(",\n\"rules\":[", f);
	for (i = 0; rs != NULL && i < rs->n; i++) {
		fputs(i ? ",\n" : "\n", f);
		jrule(f, &rs->r[i], 0);
	}
	fputs(rs != NULL && rs->n > 0 ? "\n]}\n" : "]}\n", f);
}

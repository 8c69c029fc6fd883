/*
 * balance.c -- the balance check: each service's connections are spread
 * evenly over its endpoints (a chi-square test and a max/min ratio).
 * See ztlog(1), CHECKS, and ztlog-rules(5).
 *
 * Outbound complete records to a service are counted by (service,
 * endpoint); an endpoint is a workload key, or a host key (negated) for
 * a destination without a workload.  Connections through the service's
 * waypoint are spread over its replicas, the others over the service's
 * own endpoints: they are judged apart.  Names are looked up when a
 * result is made.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/chsql.h"
#include "check/imap.h"
#include "check/result.h"
#include "check/type.h"
#include "util/xalloc.h"

/* Bit 40 of a service key: via a waypoint (str ids stay below 2^40). */
#define SVC_VIA_WP	((int64_t)1 << 40)

struct cfg {
	double		 alpha;		/* significance level */
	double		 max_ratio;	/* max/min bound, 0 = off */
	double		 min_expected;	/* smallest expected count */
};

struct state {
	int64_t		 checked;
	struct zt_imap	 ix;		/* (service, endpoint) -> count */
	int64_t		*count;
};

static const char *const keys[] = { "alpha", "max_ratio", "min_expected",
	NULL };

static int
parse(struct zt_yctx *y, const struct zt_ynode *n, struct zt_rule *r)
{
	const struct zt_ynode	*v;
	struct cfg		*cf;

	cf = r->cfg = zt_xcalloc(1, sizeof(*cf));
	cf->alpha = 0.001;
	cf->min_expected = 5;
	if ((v = zt_yaml_get(n, "alpha")) != NULL &&
	    zt_yaml_number(y, v, "alpha", 0, 1, &cf->alpha) == -1)
		return -1;
	if ((v = zt_yaml_get(n, "max_ratio")) != NULL &&
	    zt_yaml_number(y, v, "max_ratio", 0, 1e9, &cf->max_ratio) == -1)
		return -1;
	if ((v = zt_yaml_get(n, "min_expected")) != NULL &&
	    zt_yaml_number(y, v, "min_expected", 1, 1e9,
	    &cf->min_expected) == -1)
		return -1;
	return 0;
}

static void
cfg_free(void *p)
{
	free(p);
}

static void *
new(const struct zt_rule *r)
{
	struct state	*s = zt_xcalloc(1, sizeof(*s));

	(void)r;
	zt_imap_init(&s->ix, 2);
	return s;
}

static void
state_free(void *p)
{
	struct state	*s = p;

	zt_imap_fini(&s->ix);
	free(s->count);
	free(s);
}

/* The count of key k, 0 if new. */
static int64_t *
entry(struct state *s, const int64_t k[2])
{
	int	 added;
	int64_t	 ix = zt_imap_add(&s->ix, k, &added);

	if (added) {
		zt_arr_room((void **)&s->count, (size_t)ix, sizeof(*s->count));
		s->count[ix] = 0;
	}
	return &s->count[ix];
}

static int
feed(void *p, const struct zt_rule *r, const struct zt_row *row,
    const struct zt_check_ctx *cx, char *msg, size_t msgsize)
{
	struct state	*s = p;
	int64_t		 k[2];

	(void)r;
	(void)cx;
	(void)msg;
	(void)msgsize;
	if (!row->outbound || !row->complete || !row->service_id)
		return 0;
	k[0] = row->service_id | (row->wp ? SVC_VIA_WP : 0);
	if (row->dst_wl_id)
		k[1] = row->dst_wl_id;
	else if (row->hbone_host_id && row->wp == 0)
		k[1] = -row->hbone_host_id;
	else
		k[1] = -row->dst_host_id;
	s->checked++;
	(*entry(s, k))++;
	return 0;
}

static void
merge(void *into, void *from, const struct zt_check_ctx *cx)
{
	struct state	*a = into;
	struct state	*b = from;
	int64_t		 i;

	(void)cx;
	a->checked += b->checked;
	for (i = 0; i < b->ix.n; i++)
		*entry(a, zt_imap_key(&b->ix, i)) += b->count[i];
}

/* ---- statistics ------------------------------------------------------------ */

/* Regularized upper incomplete gamma Q(a, x) (Numerical Recipes 6.2). */
static double
gammq(double a, double x)
{
	double	 gln = lgamma(a);
	double	 sum;
	double	 del;
	double	 ap;
	double	 b, c, d, h, an;
	int	 i;

	if (x <= 0)
		return 1.0;
	if (x < a + 1) {
		ap = a;
		sum = del = 1.0 / a;
		for (i = 0; i < 1000; i++) {
			ap += 1;
			del *= x / ap;
			sum += del;
			if (fabs(del) < fabs(sum) * 1e-15)
				break;
		}
		return 1.0 - sum * exp(-x + a * log(x) - gln);
	}
	b = x + 1 - a;
	c = 1.0 / 1e-300;
	d = 1.0 / b;
	h = d;
	for (i = 1; i < 1000; i++) {
		an = -i * (i - a);
		b += 2;
		d = an * d + b;
		if (fabs(d) < 1e-300)
			d = 1e-300;
		c = b + an / c;
		if (fabs(c) < 1e-300)
			c = 1e-300;
		d = 1.0 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1.0) < 1e-15)
			break;
	}
	return exp(-x + a * log(x) - gln) * h;
}

double
zt_chi2_q(double x, double df)
{
	if (df <= 0)
		return 1.0;
	return gammq(df / 2, x / 2);
}

/* ---- results --------------------------------------------------------------- */

static int
ep_cmp(const void *x, const void *y)
{
	const struct zt_lbep	*a = x;
	const struct zt_lbep	*b = y;

	return strcmp(a->name, b->name);
}

static int
svc_cmp(const void *x, const void *y)
{
	const struct zt_lbsvc	*a = x;
	const struct zt_lbsvc	*b = y;

	return strcmp(a->service, b->service);
}

/* "name" or "name via waypoint" of service key k; owned by the caller. */
static char *
svc_name(const struct zt_dims *dm, int64_t k)
{
	struct zt_str	 svc = zt_dims_str(dm, k & (SVC_VIA_WP - 1));
	const char	*nm = svc.p != NULL ? svc.p : "?";
	const char	*vw = k & SVC_VIA_WP ? " via waypoint" : "";
	size_t		 n = strlen(nm);
	char		*s = zt_xmalloc(n + strlen(vw) + 1);

	memcpy(s, nm, n);
	memcpy(s + n, vw, strlen(vw) + 1);
	return s;
}

/* The name of endpoint key k (a workload, else an address); owned. */
static char *
ep_name(const struct zt_dims *dm, int64_t k)
{
	struct zt_str	 v = k > 0 ? zt_dims_wlname(dm, k) : k < 0 ?
	    zt_dims_host(dm, -k) : ZT_NOSTR;

	/* A workload is a view into its peer's tuple: not NUL-terminated. */
	return v.p != NULL ? zt_xstrndup(v.p, strnlen(v.p, v.n)) :
	    zt_xstrdup("?");
}

/* res->svc: the services and their endpoints, sorted by name. */
static void
services(const struct state *s, const struct zt_dims *dm,
    struct zt_result *res)
{
	struct zt_imap	 six;
	struct zt_lbsvc	*sv;
	const int64_t	*k;
	int64_t		 i;
	int64_t		 ix;
	int		 added;
	size_t		 j;

	zt_imap_init(&six, 1);
	for (i = 0; i < s->ix.n; i++) {
		k = zt_imap_key(&s->ix, i);
		ix = zt_imap_add(&six, &k[0], &added);
		if (added) {
			zt_arr_room((void **)&res->svc, (size_t)ix,
			    sizeof(*res->svc));
			memset(&res->svc[ix], 0, sizeof(res->svc[ix]));
			res->svc[ix].service = svc_name(dm, k[0]);
			res->nsvc++;
		}
		sv = &res->svc[ix];
		zt_arr_room((void **)&sv->ep, sv->nep, sizeof(*sv->ep));
		sv->ep[sv->nep].name = ep_name(dm, k[1]);
		sv->ep[sv->nep].n = s->count[i];
		sv->nep++;
		sv->total += s->count[i];
	}
	zt_imap_fini(&six);
	if (res->nsvc > 1)
		qsort(res->svc, res->nsvc, sizeof(*res->svc), svc_cmp);
	for (j = 0; j < res->nsvc; j++)
		qsort(res->svc[j].ep, res->svc[j].nep, sizeof(*res->svc[j].ep),
		    ep_cmp);
}

/* Judge one service: 1 unbalanced, 0 balanced, -1 skipped. */
static int
judge(struct zt_lbsvc *sv, const struct cfg *cf)
{
	double	 e = (double)sv->total / (double)sv->nep;
	double	 mx = 0;
	double	 mn = 1e300;
	double	 d;
	size_t	 i;

	sv->chi2 = 0;
	for (i = 0; i < sv->nep; i++) {
		d = (double)sv->ep[i].n - e;
		sv->chi2 += d * d / e;
		if ((double)sv->ep[i].n > mx)
			mx = (double)sv->ep[i].n;
		if ((double)sv->ep[i].n < mn)
			mn = (double)sv->ep[i].n;
	}
	sv->ratio = mn > 0 ? mx / mn : 0;
	sv->p = 1;
	if (sv->nep < 2) {
		sv->skip = "one endpoint";
		return -1;
	}
	if (e < cf->min_expected) {
		snprintf(sv->skipbuf, sizeof(sv->skipbuf), "too few "
		    "connections: %" PRId64 " over %zu endpoints, need %g per "
		    "endpoint", sv->total, sv->nep, cf->min_expected);
		sv->skip = sv->skipbuf;
		return -1;
	}
	sv->p = zt_chi2_q(sv->chi2, (double)sv->nep - 1);
	sv->fail = sv->p < cf->alpha || (cf->max_ratio > 0 &&
	    sv->ratio > cf->max_ratio);
	return sv->fail;
}

/* The example of an unbalanced service: its endpoints and their shares. */
static void
example_svc(struct zt_result *res, const struct zt_lbsvc *sv)
{
	char	 line[1024];
	size_t	 len = 0;
	size_t	 i;

	line[0] = '\0';
	for (i = 0; i < sv->nep && len < sizeof(line) - 80; i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len,
		    "%s%s %" PRId64 " (%.0f%%)", i ? ", " : "",
		    sv->ep[i].name, sv->ep[i].n,
		    100.0 * (double)sv->ep[i].n / (double)sv->total);
	zt_result_example(res, NULL, 0, "%s: %s; chi2=%.1f df=%zu p=%.2g",
	    sv->service, line, sv->chi2, sv->nep - 1, sv->p);
}

static void
verdict(const struct zt_rule *r, size_t nfail, size_t nskip,
    struct zt_result *res)
{
	size_t	 judged = res->nsvc - nskip;

	if (nfail > 0) {
		res->status = zt_result_failed(r);
		snprintf(res->summary, sizeof(res->summary), "%zu of %zu "
		    "service%s unevenly spread over their endpoints (%zu "
		    "skipped)", nfail, judged, judged == 1 ? "" : "s", nskip);
		res->hint = "ztunnel balances connections round-robin; a skew "
		    "means endpoints missing from some ztunnels' view (compare "
		    "`istioctl x ztunnel-config workloads` on each node), "
		    "long-lived connections, or a waypoint in the path";
	} else if (res->nsvc == 0) {
		res->status = ZT_ST_SKIP;
		snprintf(res->summary, sizeof(res->summary), "no outbound "
		    "connections to a service");
	} else if (res->nsvc == nskip) {
		res->status = ZT_ST_SKIP;
		snprintf(res->summary, sizeof(res->summary), "no service with "
		    "enough connections to judge (%zu skipped: too few "
		    "connections or one endpoint)", nskip);
	} else {
		res->status = ZT_ST_PASS;
		snprintf(res->summary, sizeof(res->summary), "%zu service%s "
		    "spread evenly (%zu skipped)", judged,
		    judged == 1 ? "" : "s", nskip);
	}
}

static void
snapshot(const void *p, const struct zt_rule *r, const struct zt_check_ctx *cx,
    struct zt_result *res)
{
	const struct state	*s = p;
	size_t			 nfail = 0;
	size_t			 nskip = 0;
	size_t			 k;

	services(s, cx->dm, res);
	for (k = 0; k < res->nsvc; k++)
		switch (judge(&res->svc[k], r->cfg)) {
		case -1:
			nskip++;
			break;
		case 1:
			nfail++;
			example_svc(res, &res->svc[k]);
			break;
		default:
			break;
		}
	zt_result_count(res, "services", (int64_t)res->nsvc);
	zt_result_count(res, "unbalanced", (int64_t)nfail);
	zt_result_count(res, "skipped", (int64_t)nskip);
	zt_result_count(res, "connections", s->checked);
	verdict(r, nfail, nskip, res);
}

/*
 * As SQL: the connections per (service, endpoint), an endpoint being a
 * workload (name, namespace), else the HBONE host, else the destination
 * host; a service's connections through its waypoint apart.  The
 * chi-square tail is the Wilson-Hilferty approximation (ClickHouse has
 * erfc, not the incomplete gamma function ztlog uses): p agrees to about
 * two digits, which only matters for p right at alpha.
 */
static const char ch_counts[] =
    "  c AS (\n"
    "    SELECT concat(dst_service,\n"
    "        if(via_waypoint = 1, ' via waypoint', '')) AS service,\n"
    "      multiIf(dst_workload IS NOT NULL, dst_workload,\n"
    "        dst_hbone_host IS NOT NULL AND via_waypoint = 0, dst_hbone_host,\n"
    "        ifNull(dst_ip, '?')) AS endpoint,\n"
    "      count() AS connections\n"
    "    FROM records\n"
    "    WHERE direction = 'outbound' AND message = 'connection complete'\n"
    "      AND dst_service IS NOT NULL\n"
    "    GROUP BY service, endpoint, dst_workload IS NOT NULL,\n"
    "      ifNull(dst_namespace, '')),\n";

static void
ch_judged(struct zt_buf *b, const struct cfg *cf)
{
	zt_buf_add(b, ch_counts, sizeof(ch_counts) - 1);
	zt_chsql_add(b, "  s AS (\n"
	    "    SELECT service, count() AS k, sum(connections) AS n,\n"
	    "      sum(connections * connections) * k / n - n AS chi2,\n"
	    "      max(connections) / min(connections) AS ratio\n"
	    "    FROM c GROUP BY service),\n"
	    "  j AS (\n"
	    "    SELECT *, k < 2 OR n / k < %.17g AS skip,\n"
	    "      if(k < 2, 1, 0.5 * erfc((pow(chi2 / (k - 1), 1 / 3)\n"
	    "        - (1 - 2 / (9 * (k - 1)))) / sqrt(2 / (9 * (k - 1)))\n"
	    "        / sqrt(2))) AS p,\n"
	    "      NOT skip AND (p < %.17g OR (%.17g > 0 AND ratio > %.17g))\n"
	    "        AS unbalanced\n"
	    "    FROM s)\n", cf->min_expected, cf->alpha, cf->max_ratio,
	    cf->max_ratio);
}

static int
clickhouse(const struct zt_rule *r, struct zt_buf *b, char *msg,
    size_t msgsize)
{
	const struct cfg	*cf = r->cfg;
	const char		*failed = zt_chsql_head(b, r);

	(void)msg;
	(void)msgsize;
	zt_chsql_add(b, "WITH\n");
	ch_judged(b, cf);
	zt_chsql_add(b, "SELECT count() AS services,\n"
	    "  countIf(unbalanced) AS unbalanced,\n"
	    "  countIf(skip) AS skipped,\n"
	    "  sum(n) AS connections,\n"
	    "  multiIf(unbalanced > 0, '%s', services = skipped, 'skip',\n"
	    "    'pass') AS status\n"
	    "FROM j;\n", failed);
	zt_chsql_add(b, "-- each service judged, with the Benjamini-Hochberg "
	    "q-value\n-- over the services judged\nWITH\n");
	ch_judged(b, cf);
	zt_chsql_add(b, "SELECT service, k AS endpoints, n AS connections,\n"
	    "  chi2, k - 1 AS df, p, skip, unbalanced,\n"
	    "  if(skip, NULL, least(1, min(p * m / rank) OVER (PARTITION BY skip\n"
	    "    ORDER BY p DESC, service DESC ROWS BETWEEN UNBOUNDED PRECEDING\n"
	    "    AND CURRENT ROW))) AS q_bh\n"
	    "FROM (SELECT *, row_number() OVER (PARTITION BY skip ORDER BY p,\n"
	    "    service) AS rank, count() OVER (PARTITION BY skip) AS m\n"
	    "  FROM j)\n"
	    "ORDER BY service;\n");
	return 0;
}

const struct zt_check_type zt_check_balance = {
	.name = "balance",
	.keys = keys,
	.where = 1,
	.parse = parse,
	.cfg_free = cfg_free,
	.new = new,
	.feed = feed,
	.merge = merge,
	.snapshot = snapshot,
	.free = state_free,
	.clickhouse = clickhouse,
};

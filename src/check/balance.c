/*
 * balance.c -- the balance check: each service's connections are spread
 * over its endpoints as ztunnel's choice makes them: at random, weighted
 * by capacity, among the endpoints present and, with a load-balancer
 * mode, best ranked for the client's locality (lb.h).  See ztlog(1),
 * CHECKS, and ztlog-rules(5).
 *
 * Outbound complete records to a service are counted by (service,
 * client, endpoint), a client being the logging ztunnel pod and the
 * source address, with when each was first and last seen, and when the
 * service's connections came.  An endpoint is a workload key, or a host key
 * (negated) for a destination without a workload.  Connections through
 * the service's waypoint are spread over its replicas, the others over
 * the service's own endpoints: they are judged apart.  Names, the
 * inventory and the model are consulted when a result is made
 * (lbjob.c); the tests of all services of a run are corrected together
 * (Holm).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/balance.h"
#include "check/chsql.h"
#include "check/result.h"
#include "util/xalloc.h"

static const char *const keys[] = { "alpha", "max_ratio", "min_expected",
	"material_ratio", "material_points", NULL };

static int
parse(struct zt_yctx *y, const struct zt_ynode *n, struct zt_rule *r)
{
	const struct zt_ynode	*v;
	struct zt_lbcfg		*cf;

	cf = r->cfg = zt_xcalloc(1, sizeof(*cf));
	cf->alpha = 0.001;
	cf->min_expected = 5;
	cf->material_ratio = 1.5;
	cf->material_points = 10;
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
	if ((v = zt_yaml_get(n, "material_ratio")) != NULL &&
	    zt_yaml_number(y, v, "material_ratio", 0, 1e9,
	    &cf->material_ratio) == -1)
		return -1;
	if ((v = zt_yaml_get(n, "material_points")) != NULL &&
	    zt_yaml_number(y, v, "material_points", 0, 100,
	    &cf->material_points) == -1)
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
	struct zt_lbstate	*s = zt_xcalloc(1, sizeof(*s));

	(void)r;
	zt_imap_init(&s->six, 1);
	zt_imap_init(&s->cx, 4);
	return s;
}

static void
state_free(void *p)
{
	struct zt_lbstate	*s = p;

	zt_imap_fini(&s->six);
	zt_imap_fini(&s->cx);
	free(s->h);
	free(s->cc);
	free(s);
}

static struct zt_lbhist *
hist_entry(struct zt_lbstate *s, int64_t k)
{
	int	 added;
	int64_t	 ix = zt_imap_add(&s->six, &k, &added);

	if (added) {
		zt_arr_room((void **)&s->h, (size_t)ix, sizeof(*s->h));
		memset(&s->h[ix], 0, sizeof(s->h[ix]));
	}
	return &s->h[ix];
}

/* The entry of (service, pod, src host, endpoint) k, empty if new. */
static struct zt_lbepst *
client_entry(struct zt_lbstate *s, const int64_t k[4])
{
	int	 added;
	int64_t	 ix = zt_imap_add(&s->cx, k, &added);

	if (added) {
		zt_arr_room((void **)&s->cc, (size_t)ix, sizeof(*s->cc));
		memset(&s->cc[ix], 0, sizeof(s->cc[ix]));
	}
	return &s->cc[ix];
}

static void
ep_add(struct zt_lbepst *e, int64_t n, int64_t first, int64_t last)
{
	if (n == 0)
		return;
	if (e->n == 0 || first < e->first)
		e->first = first;
	if (e->n == 0 || last > e->last)
		e->last = last;
	e->n += n;
}

static int
feed(void *p, const struct zt_rule *r, const struct zt_row *row,
    const struct zt_check_ctx *cx, char *msg, size_t msgsize)
{
	struct zt_lbstate	*s = p;
	int64_t			 c[4];

	(void)r;
	(void)msg;
	(void)msgsize;
	if (!row->outbound || !row->complete || !row->service_id)
		return 0;
	c[0] = row->service_id | (row->wp ? ZT_LB_VIA_WP : 0);
	c[1] = row->pod_id;
	c[2] = zt_dims_hostkey(cx->dm, row->src_ip_id);
	if (row->dst_wl_id)
		c[3] = row->dst_wl_id;
	else if (row->hbone_host_id && row->wp == 0)
		c[3] = -row->hbone_host_id;
	else
		c[3] = -row->dst_host_id;
	s->checked++;
	ep_add(client_entry(s, c), 1, row->ts_us, row->ts_us);
	zt_lbhist_add(hist_entry(s, c[0]), row->ts_us, 1);
	return 0;
}

static void
merge(void *into, void *from, const struct zt_check_ctx *cx)
{
	struct zt_lbstate	*a = into;
	struct zt_lbstate	*b = from;
	const struct zt_lbepst	*e;
	int64_t			 i;

	(void)cx;
	a->checked += b->checked;
	for (i = 0; i < b->six.n; i++)
		zt_lbhist_merge(hist_entry(a, *zt_imap_key(&b->six, i)),
		    &b->h[i]);
	for (i = 0; i < b->cx.n; i++) {
		e = &b->cc[i];
		ep_add(client_entry(a, zt_imap_key(&b->cx, i)), e->n,
		    e->first, e->last);
	}
}

/* ---- results --------------------------------------------------------------- */

/* The example of a flagged service: shares observed and expected. */
static void
example_svc(struct zt_result *res, const struct zt_lbsvc *sv)
{
	char	 line[1024];
	char	 eff[64];
	size_t	 len = 0;
	size_t	 i;

	line[0] = '\0';
	for (i = 0; i < sv->nep && len < sizeof(line) - 100; i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len,
		    "%s%s %" PRId64 " (%.0f%%, expected %.0f%%)", i ? ", " : "",
		    sv->ep[i].name, sv->ep[i].n,
		    100.0 * (double)sv->ep[i].n / (double)sv->total,
		    100.0 * sv->ep[i].exp_share);
	if (sv->ratio >= 1e9)
		snprintf(eff, sizeof(eff), "an expected endpoint got none");
	else
		snprintf(eff, sizeof(eff), "obs/exp off by up to x%.2f",
		    sv->ratio);
	zt_result_example(res, NULL, 0, "%s: %s; chi2=%.1f df=%.0f p=%.2g "
	    "Holm p=%.2g; %s, share off by %.0f points", sv->service, line,
	    sv->chi2, sv->df, sv->p, sv->p_adj, eff, sv->points);
}

static const char hint_inv[] =
    "ztunnel picks an endpoint at random, weighted by each workload's "
    "capacity, among the healthy endpoints it knows (only the best-ranked "
    "for the client's locality when the service has a load-balancer mode); "
    "a service with a waypoint is spread over the waypoint's replicas.  "
    "With capacities, locality and endpoints added or removed accounted "
    "for, a skew means some ztunnels' view lacks endpoints (compare "
    "`istioctl ztunnel-config workloads` on each node) or a waypoint "
    "replica is favoured";
static const char hint_noinv[] =
    "ztunnel picks an endpoint at random, weighted by each workload's "
    "capacity, among the healthy endpoints it knows (only the best-ranked "
    "for the client's locality when the service has a load-balancer mode); "
    "a service with a waypoint is spread over the waypoint's replicas.  "
    "Endpoints added or removed were accounted for; without an inventory "
    "capacities count as 1 and the load-balancer mode is unknown: give "
    "--inventory (istioctl ztunnel-config all -o json) to weigh them.  A "
    "remaining skew means some ztunnels' view lacks endpoints (compare "
    "`istioctl ztunnel-config workloads` on each node) or a waypoint "
    "replica is favoured";

static void
verdict(const struct zt_rule *r, const struct zt_lbtally *t, int inv,
    struct zt_result *res)
{
	size_t	 judged = res->nsvc - t->skip;
	char	 pc[96] = "";

	if (t->per_client > 0)
		snprintf(pc, sizeof(pc), "; %zu uneven overall but even per "
		    "client node (locality)", t->per_client);
	if (t->fail > 0 || t->small > 0) {
		res->status = t->fail > 0 ? zt_result_failed(r) : ZT_ST_WARN;
		snprintf(res->summary, sizeof(res->summary), "%zu of %zu "
		    "service%s spread unlike ztunnel's choice (%zu material, "
		    "%zu small; %zu skipped)%s", t->fail + t->small, judged,
		    judged == 1 ? "" : "s", t->fail, t->small, t->skip, pc);
		res->hint = inv ? hint_inv : hint_noinv;
	} else if (res->nsvc == 0) {
		res->status = ZT_ST_SKIP;
		snprintf(res->summary, sizeof(res->summary), "no outbound "
		    "connections to a service");
	} else if (judged == 0) {
		res->status = ZT_ST_SKIP;
		snprintf(res->summary, sizeof(res->summary), "no service with "
		    "enough connections to judge (%zu skipped: too few "
		    "connections or one endpoint)", t->skip);
	} else {
		res->status = ZT_ST_PASS;
		snprintf(res->summary, sizeof(res->summary), "%zu service%s "
		    "spread as ztunnel's choice makes them (%zu skipped)%s%s",
		    judged, judged == 1 ? "" : "s", t->skip, pc, inv ? "" :
		    "; no inventory: capacities taken as 1");
	}
}

static void
snapshot(const void *p, const struct zt_rule *r, const struct zt_check_ctx *cx,
    struct zt_result *res)
{
	const struct zt_lbstate	*s = p;
	struct zt_lbtally	 t;
	size_t			 k;

	zt_lb_judge(s, r->cfg, cx, res, &t);
	for (k = 0; k < res->nsvc; k++)
		if (res->svc[k].fail)
			example_svc(res, &res->svc[k]);
	zt_result_count(res, "services", (int64_t)res->nsvc);
	zt_result_count(res, "unbalanced", (int64_t)t.fail);
	zt_result_count(res, "small", (int64_t)t.small);
	zt_result_count(res, "even_per_client", (int64_t)t.per_client);
	zt_result_count(res, "skipped", (int64_t)t.skip);
	zt_result_count(res, "connections", s->checked);
	verdict(r, &t, cx->inv != NULL, res);
}

/*
 * As SQL: the connections per (service, endpoint), an endpoint being a
 * workload (name, namespace), else the HBONE host, else the destination
 * host; a service's connections through its waypoint apart.  The SQL
 * judges them against a uniform spread, per service, without the model
 * (presence of endpoints over time, capacity, locality, the per-client
 * view, Holm, effect size): its columns say _uniform, and agree with
 * ztlog's verdict only where every endpoint was there all along.  The
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
ch_judged(struct zt_buf *b, const struct zt_lbcfg *cf)
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
	    "        AS unbalanced_uniform\n"
	    "    FROM s)\n", cf->min_expected, cf->alpha, cf->max_ratio,
	    cf->max_ratio);
}

static int
clickhouse(const struct zt_rule *r, struct zt_buf *b, char *msg,
    size_t msgsize)
{
	const struct zt_lbcfg	*cf = r->cfg;
	const char		*failed = zt_chsql_head(b, r);

	(void)msg;
	(void)msgsize;
	zt_chsql_add(b, "WITH\n");
	ch_judged(b, cf);
	zt_chsql_add(b, "SELECT count() AS services,\n"
	    "  countIf(unbalanced_uniform) AS unbalanced_uniform,\n"
	    "  countIf(skip) AS skipped,\n"
	    "  sum(n) AS connections,\n"
	    "  multiIf(unbalanced_uniform > 0, '%s', services = skipped,\n"
	    "    'skip', 'pass') AS status_uniform\n"
	    "FROM j;\n", failed);
	zt_chsql_add(b, "-- each service judged, with the Benjamini-Hochberg "
	    "q-value\n-- over the services judged\nWITH\n");
	ch_judged(b, cf);
	zt_chsql_add(b, "SELECT service, k AS endpoints, n AS connections,\n"
	    "  chi2 AS chi2_uniform, k - 1 AS df, p AS p_uniform, skip,\n"
	    "  unbalanced_uniform,\n"
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

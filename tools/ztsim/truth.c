/*
 * truth.c -- what was simulated, as tab-separated files with a header
 * line under truth/ (ztsim --help lists the columns).  Times are seconds
 * since the start of the capture (true time, before any node's clock
 * offset); `-` stands for none.
 */

#include <stdlib.h>
#include <string.h>

#include "ztsim.h"

static const struct zs_sim *ts;

static const char *const hopname[] = { "client-endpoint", "client-waypoint",
	"waypoint-endpoint" };
static const char *const pathname[] = { "direct", "waypoint", "bypass",
	"plain-tcp", "plain-hbone", "unenrolled", "failed" };

static void
secs(FILE *f, int64_t us, int last)
{
	if (us < 0 || us == ZS_FOREVER)
		fputs("-", f);
	else
		fprintf(f, "%.6f", (double)us / 1e6);
	fputc(last ? '\n' : '\t', f);
}

static const char *
wlname(int i)
{
	return i >= 0 ? ts->wl[i].name : "-";
}

static void
nodes(const char *dir)
{
	FILE *f = zs_create(dir, "truth/nodes.tsv");
	size_t i;

	fputs("node\tztunnel_pod\tregion\tzone\tsubzone\tclock_offset_s\n", f);
	for (i = 0; i < ts->nnode; i++) {
		const struct zs_node *n = &ts->node[i];

		fprintf(f, "%s\t%s\t%s\t%s\t%s\t%.6f\n", n->name, n->zpod,
		    n->region[0] ? n->region : "-",
		    n->zone[0] ? n->zone : "-",
		    n->subzone[0] ? n->subzone : "-",
		    (double)n->clock_us / 1e6);
	}
	zs_close(f, "truth/nodes.tsv");
}

static void
workloads(const char *dir)
{
	static const char *const kind[] = { "client", "endpoint", "waypoint" };
	FILE *f = zs_create(dir, "truth/workloads.tsv");
	int64_t end = (int64_t)(ts->duration * 1e6);
	size_t i;
	char ip[16];

	fputs("workload\tnamespace\tkind\tservice\tslot\tnode\tip\tprotocol\t"
	    "captured\thealthy\tidle\tcapacity\tfirst_seen_s\tlast_seen_s\t"
	    "replaced_by\tin_inventory\n", f);
	for (i = 0; i < ts->nwl; i++) {
		const struct zs_wl *w = &ts->wl[i];

		fprintf(f, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%d\t%d\t%d\t%u\t",
		    w->name, w->ns, kind[w->kind],
		    w->svc >= 0 ? ts->svc[w->svc].host : "-", w->slot + 1,
		    ts->node[w->node].name, zs_ip(w->ip, ip),
		    w->hbone ? "HBONE" : "TCP", w->captured, w->healthy,
		    w->idle, w->capacity);
		secs(f, w->first_us, 0);
		secs(f, w->last_us, 0);
		fprintf(f, "%s\t%d\n", wlname(w->replaced_by),
		    zs_present(w, end));
	}
	zs_close(f, "truth/workloads.tsv");
}

static void
services(const char *dir)
{
	FILE *f = zs_create(dir, "truth/services.tsv");
	long *calls = zs_xcalloc(ts->nsvc + 1, sizeof(*calls));
	size_t i;
	int k;
	char ip[16];

	for (i = 0; i < ts->nconn; i++)
		calls[ts->conn[i].svc]++;
	fputs("service\tname\tnamespace\tkind\tvip\tport\ttargetport\t"
	    "lb_mode\trouting_preferences\thealth_policy\twaypoints\tskew\t"
	    "restart_at_s\trestart_step_s\tbypass_pct\tplaintext_pct\t"
	    "errors\tconnections\n", f);
	for (i = 0; i < ts->nsvc; i++) {
		const struct zs_svc *v = &ts->svc[i];
		int any = 0;

		fprintf(f, "%s\t%s\t%s\t%s\t%s\t%u\t%u\t%s\t", v->host, v->name,
		    v->ns, v->is_waypoint ? "waypoint" : "service",
		    zs_ip(v->vip, ip), v->port, v->tport,
		    v->mode == LB_NONE ? "-" : zs_modename(v->mode));
		for (k = 0; k < v->nscopes; k++)
			fprintf(f, "%s%s", k ? "," : "",
			    zs_scopename(v->scopes[k]));
		fprintf(f, "%s\t%s\t", v->nscopes ? "" : "-",
		    v->allowall ? "AllowAll" : "OnlyHealthy");
		for (k = 0; k < v->nwp; k++)
			fprintf(f, "%s%s:%u", k ? "," : "",
			    ts->svc[v->wp[k]].name, v->wpw[k]);
		fputs(v->nwp ? "\t" : "-\t", f);
		for (k = 0; k < v->nskew; k++)
			fprintf(f, "%s%g", k ? "," : "", v->skew[k]);
		fputs(v->nskew ? "\t" : "-\t", f);
		secs(f, v->rs_at_us, 0);
		secs(f, v->rs_at_us < 0 ? -1 : v->rs_step_us, 0);
		fprintf(f, "%g\t%g\t", v->bypass, v->plaintext);
		for (k = 1; k < ZE_COUNT; k++) {
			if (v->err[k] <= 0)
				continue;
			fprintf(f, "%s%s:%g", any ? "," : "", zs_errname(k),
			    v->err[k]);
			any = 1;
		}
		fprintf(f, "%s\t%ld\n", any ? "" : "-", calls[i]);
	}
	free(calls);
	zs_close(f, "truth/services.tsv");
}

static int
bycell(const void *a, const void *b)
{
	const struct zs_cell *x = a;
	const struct zs_cell *y = b;
	int c;

	if ((c = strcmp(ts->svc[x->svc].host, ts->svc[y->svc].host)) != 0)
		return c;
	if (x->hop != y->hop)
		return x->hop - y->hop;
	if (x->srcnode != y->srcnode)
		return x->srcnode < y->srcnode ? -1 : 1;
	return strcmp(ts->wl[x->wl].name, ts->wl[y->wl].name);
}

/* the service whose load balancer draws a group's endpoints */
static const struct zs_svc *
lbsvc(const struct zs_cell *c)
{
	const struct zs_svc *v = &ts->svc[c->svc];

	return c->hop == HOP_CLIENT_WP ? &ts->svc[ts->wl[c->wl].svc] : v;
}

/*
 * balance.tsv (cells, per source node and summed over nodes as `*`)
 * and groups.tsv (one line per service and hop: the expected verdict).
 */
static void
balance(const char *dir)
{
	struct zs_cell *c = zs_xmalloc((ts->ncell + 1) * sizeof(*c));
	FILE *f = zs_create(dir, "truth/balance.tsv");
	FILE *g = zs_create(dir, "truth/groups.tsv");
	size_t i;
	size_t j;
	size_t k;

	memcpy(c, ts->cell, ts->ncell * sizeof(*c));
	qsort(c, ts->ncell, sizeof(*c), bycell);
	fputs("service\thop\tsource_node\tendpoint\texpected\tcount\n", f);
	fputs("service\thop\tendpoints\tconnections\texpected_min_share\t"
	    "expected_max_share\tuneven_by_design\tskewed\treason\n", g);
	for (i = 0; i < ts->ncell; i = j) {
		double tot = 0;
		double mn = 1;
		double mx = 0;
		long n = 0;
		int skew = 0;
		int idle = 0;
		size_t ne = 0;

		for (j = i; j < ts->ncell && c[j].svc == c[i].svc &&
		    c[j].hop == c[i].hop; j++) {
			fprintf(f, "%s\t%s\t%s\t%s\t%.3f\t%ld\n",
			    ts->svc[c[j].svc].host, hopname[c[j].hop],
			    ts->node[c[j].srcnode].name, ts->wl[c[j].wl].name,
			    c[j].expect, c[j].count);
			tot += c[j].expect;
			n += c[j].count;
			skew |= lbsvc(&c[j])->nskew > 0;
			idle |= ts->wl[c[j].wl].idle;
		}
		/* the sums over source nodes, endpoint by endpoint */
		for (k = i; k < j; k++) {
			double e = 0;
			long m = 0;
			size_t q;
			int seen = 0;

			for (q = i; q < k && !seen; q++)
				seen = c[q].wl == c[k].wl;
			if (seen)
				continue;
			for (q = k; q < j; q++) {
				if (c[q].wl != c[k].wl)
					continue;
				e += c[q].expect;
				m += c[q].count;
			}
			ne++;
			fprintf(f, "%s\t%s\t*\t%s\t%.3f\t%ld\n",
			    ts->svc[c[k].svc].host, hopname[c[k].hop],
			    ts->wl[c[k].wl].name, e, m);
			if (tot > 0 && e / tot < mn)
				mn = e / tot;
			if (tot > 0 && e / tot > mx)
				mx = e / tot;
		}
		fprintf(g, "%s\t%s\t%zu\t%ld\t%.4f\t%.4f\t%d\t%d\t%s\n",
		    ts->svc[c[i].svc].host, hopname[c[i].hop], ne, n, mn, mx,
		    mx - mn > 0.01, skew || idle,
		    skew && idle ? "skew,idle" : skew ? "skew" : idle ? "idle"
		    : "-");
	}
	free(c);
	zs_close(f, "truth/balance.tsv");
	zs_close(g, "truth/groups.tsv");
}

static void
conns(const char *dir)
{
	FILE *f = zs_create(dir, "truth/conns.tsv");
	size_t i;

	fputs("conn\tstart_s\tend_s\tclient\tclient_node\tservice\tpath\t"
	    "waypoint\tendpoint\tendpoint_node\terror\tout_line\tin_line\t"
	    "twins\thbone_violation\n", f);
	for (i = 0; i < ts->nconn; i++) {
		const struct zs_conn *k = &ts->conn[i];
		int twins = (k->path == ZP_DIRECT || k->path == ZP_BYPASS) &&
		    k->out_rec >= 0 && k->in_rec >= 0;
		int viol = k->path == ZP_PLAIN_VIOL ||
		    (k->path == ZP_UNENROLLED && k->in_rec >= 0);

		fprintf(f, "%zu\t", i + 1);
		secs(f, k->start, 0);
		secs(f, k->end, 0);
		fprintf(f, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t", wlname(k->client),
		    ts->node[ts->wl[k->client].node].name,
		    ts->svc[k->svc].host, pathname[k->path], wlname(k->wp),
		    wlname(k->ep),
		    k->ep >= 0 ? ts->node[ts->wl[k->ep].node].name : "-",
		    zs_errname(k->err));
		if (k->out_rec >= 0)
			fprintf(f, "%u\t", ts->rec[k->out_rec].line);
		else
			fputs("-\t", f);
		if (k->in_rec >= 0)
			fprintf(f, "%u\t", ts->rec[k->in_rec].line);
		else
			fputs("-\t", f);
		fprintf(f, "%d\t%d\n", twins, viol);
	}
	zs_close(f, "truth/conns.tsv");
}

void
zs_write_truth(const struct zs_sim *s, const char *dir)
{
	ts = s;
	nodes(dir);
	workloads(dir);
	services(dir);
	balance(dir);
	conns(dir);
}

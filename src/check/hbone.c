/*
 * hbone.c -- the hbone check: mesh traffic goes through the HBONE tunnel.
 * See ztlog(1), CHECKS, and ztlog-rules(5).
 *
 * Outbound plain-TCP records are grouped by destination (workload key,
 * service); a group is a violation when the input shows its workload or
 * service in the mesh (using HBONE anywhere), which may be learnt after
 * the group's records, so each group keeps its first examples.  Inbound
 * plain TCP to workloads that also receive HBONE is counted apart.
 *
 * With an inventory the destination's protocol decides, where the
 * inventory knows it: HBONE (enrolled) makes plain TCP a violation, TCP
 * (not enrolled) makes it by design; the input's view is used for the
 * destinations it does not know.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/chsql.h"
#include "check/imap.h"
#include "check/result.h"
#include "check/type.h"
#include "inv/inv.h"
#include "rules/filter.h"
#include "util/xalloc.h"

struct cfg {
	struct zt_filter require;	/* destinations that must use HBONE */
	int		 has_require;
};

struct group {
	int64_t		 count;
	struct zt_exlist ex;
};

struct state {
	int64_t		 checked;	/* outbound records judged */
	struct zt_imap	 mesh_wl;	/* workloads seen with HBONE */
	struct zt_imap	 mesh_svc;	/* services reached over HBONE */
	struct zt_imap	 hb_in_wl;	/* workloads receiving HBONE */
	struct zt_imap	 gix;		/* (wl, svc, host) -> g; host only
					   without a workload */
	struct group	*g;
	struct zt_imap	 pin;		/* dst wl -> gin: inbound plaintext */
	struct group	*gin;
	int64_t		 required;	/* `require` violations */
	struct zt_exlist reqex;
};

static const char *const keys[] = { "require", NULL };

static int
parse(struct zt_yctx *y, const struct zt_ynode *n, struct zt_rule *r)
{
	const struct zt_ynode	*v;
	struct cfg		*cf;

	cf = r->cfg = zt_xcalloc(1, sizeof(*cf));
	if ((v = zt_yaml_get(n, "require")) != NULL) {
		cf->has_require = 1;
		if (zt_filter_parse(y, v, "require", &cf->require) == -1)
			return -1;
		r->cols |= cf->require.cols;
	}
	return 0;
}

static void
cfg_free(void *p)
{
	struct cfg	*cf = p;

	zt_filter_free(&cf->require);
	free(cf);
}

static void
share(const struct zt_rule *r, struct zt_buf *key)
{
	const struct cfg	*cf = r->cfg;

	zt_buf_addc(key, (char)cf->has_require);
	if (cf->require.nkey > 0)
		zt_buf_add(key, cf->require.key, cf->require.nkey);
}

static void *
new(const struct zt_rule *r)
{
	struct state	*s = zt_xcalloc(1, sizeof(*s));

	(void)r;
	zt_imap_init(&s->mesh_wl, 1);
	zt_imap_init(&s->mesh_svc, 1);
	zt_imap_init(&s->hb_in_wl, 1);
	zt_imap_init(&s->gix, 3);
	zt_imap_init(&s->pin, 1);
	return s;
}

static void
groups_free(struct zt_imap *ix, struct group *g)
{
	int64_t	 i;

	for (i = 0; i < ix->n; i++)
		zt_exlist_free(&g[i].ex);
	free(g);
	zt_imap_fini(ix);
}

static void
state_free(void *p)
{
	struct state	*s = p;

	zt_imap_fini(&s->mesh_wl);
	zt_imap_fini(&s->mesh_svc);
	zt_imap_fini(&s->hb_in_wl);
	groups_free(&s->gix, s->g);
	groups_free(&s->pin, s->gin);
	zt_exlist_free(&s->reqex);
	free(s);
}

/* The group of key k in (ix, *g), made empty if new. */
static struct group *
group(struct zt_imap *ix, struct group **g, const int64_t *k)
{
	int	 added;
	int64_t	 i = zt_imap_add(ix, k, &added);

	if (added) {
		zt_arr_room((void **)g, (size_t)i, sizeof(**g));
		memset(&(*g)[i], 0, sizeof((*g)[i]));
	}
	return &(*g)[i];
}

/* An HBONE record: who is in the mesh. */
static void
feed_hbone(struct state *s, const struct zt_row *row)
{
	if (row->src_wl_id)
		zt_imap_add(&s->mesh_wl, &row->src_wl_id, NULL);
	if (row->dst_wl_id)
		zt_imap_add(&s->mesh_wl, &row->dst_wl_id, NULL);
	if (row->outbound && row->service_id)
		zt_imap_add(&s->mesh_svc, &row->service_id, NULL);
	if (row->inbound && row->dst_wl_id)
		zt_imap_add(&s->hb_in_wl, &row->dst_wl_id, NULL);
	if (row->outbound)
		s->checked++;
}

static int
feed(void *p, const struct zt_rule *r, const struct zt_row *row,
    const struct zt_check_ctx *cx, char *msg, size_t msgsize)
{
	const struct cfg	*cf = r->cfg;
	struct state		*s = p;
	struct group		*g;
	int64_t			 k[3];
	char			 emsg[160];
	int			 req;

	if (row->failed)
		return 0;
	if (row->hbone) {
		feed_hbone(s, row);
		return 0;
	}
	if (row->inbound) {
		if (!row->dst_wl_id)
			return 0;
		g = group(&s->pin, &s->gin, &row->dst_wl_id);
		g->count++;
		zt_exlist_add(&g->ex, row, cx->examples);
		return 0;
	}
	if (!row->outbound)
		return 0;
	s->checked++;
	if (cf->has_require) {
		req = zt_filter_eval(&cf->require, row->s, row->num,
		    cx->budget, emsg, sizeof(emsg));
		if (req == -1) {
			snprintf(msg, msgsize, "require: %s", emsg);
			return -1;
		}
		if (req == 1) {
			s->required++;
			zt_exlist_add(&s->reqex, row, cx->examples);
			return 0;
		}
	}
	if (!row->dst_wl_id && !row->service_id)
		return 0;	/* passthrough to an address outside the mesh */
	k[0] = row->dst_wl_id;
	k[1] = row->service_id;
	k[2] = row->dst_wl_id ? 0 : zt_dims_hostkey(cx->dm, row->dst_id);
	g = group(&s->gix, &s->g, k);
	g->count++;
	zt_exlist_add(&g->ex, row, cx->examples);
	return 0;
}

static void
set_union(struct zt_imap *a, const struct zt_imap *b)
{
	int64_t	 i;

	for (i = 0; i < b->n; i++)
		zt_imap_add(a, zt_imap_key(b, i), NULL);
}

static void
groups_merge(struct zt_imap *ax, struct group **ag, const struct zt_imap *bx,
    struct group *bg, int max)
{
	struct group	*g;
	int64_t		 i;

	for (i = 0; i < bx->n; i++) {
		g = group(ax, ag, zt_imap_key(bx, i));
		g->count += bg[i].count;
		zt_exlist_merge(&g->ex, &bg[i].ex, max);
	}
}

static void
merge(void *into, void *from, const struct zt_check_ctx *cx)
{
	struct state	*a = into;
	struct state	*b = from;

	a->checked += b->checked;
	set_union(&a->mesh_wl, &b->mesh_wl);
	set_union(&a->mesh_svc, &b->mesh_svc);
	set_union(&a->hb_in_wl, &b->hb_in_wl);
	groups_merge(&a->gix, &a->g, &b->gix, b->g, cx->examples);
	groups_merge(&a->pin, &a->gin, &b->pin, b->gin, cx->examples);
	a->required += b->required;
	zt_exlist_merge(&a->reqex, &b->reqex, cx->examples);
}

/* Is group ix of gix to an in-mesh destination, in the input's view? */
static int
in_mesh(const struct state *s, int64_t ix)
{
	const int64_t	*k = zt_imap_key(&s->gix, ix);

	return (k[0] && zt_imap_find(&s->mesh_wl, &k[0]) >= 0) ||
	    (k[1] && zt_imap_find(&s->mesh_svc, &k[1]) >= 0);
}

static char *
view_dup(struct zt_str v)
{
	return v.p != NULL ? zt_xstrndup(v.p, strnlen(v.p, v.n)) : NULL;
}

/*
 * The inventory's protocol of group ix's destination workload (by name,
 * else by address), or UNKNOWN.
 */
static enum zt_inv_proto
inv_proto(const struct state *s, int64_t ix, const struct zt_check_ctx *cx)
{
	const int64_t			*k = zt_imap_key(&s->gix, ix);
	const struct zt_inv_workload	*out[2];
	struct zt_str			 f[4];
	char				*a = NULL;
	char				*b = NULL;
	size_t				 n = 0;

	if (cx->inv == NULL)
		return ZT_INV_PROTO_UNKNOWN;
	if (k[0]) {
		zt_dims_peer(cx->dm, k[0], f);
		a = view_dup(f[0]);
		b = view_dup(f[1]);
		if (a != NULL)
			n = zt_inv_workloads_by_name(cx->inv, b, a, out, 2);
	} else if (k[2] && (a = view_dup(zt_dims_host(cx->dm, k[2]))) != NULL)
		n = zt_inv_workloads_by_ip(cx->inv, a, out, 2);
	free(a);
	free(b);
	return n == 1 ? out[0]->protocol : ZT_INV_PROTO_UNKNOWN;
}

/*
 * Is group ix a violation?  1 yes, 0 no (not known to be in the mesh),
 * -1 no: by design (the inventory says the destination is not enrolled).
 */
static int
violation(const struct state *s, int64_t ix, const struct zt_check_ctx *cx)
{
	switch (inv_proto(s, ix, cx)) {
	case ZT_INV_PROTO_HBONE:
		return 1;
	case ZT_INV_PROTO_TCP:
		return -1;
	default:
		return in_mesh(s, ix);
	}
}

static void
verdict(const struct state *s, const struct zt_rule *r, const int64_t n[4],
    const struct zt_check_ctx *cx, struct zt_result *res)
{
	int64_t	 viol = n[0];
	int64_t	 around = n[1];
	char	 more[128] = "";

	if (n[2] > 0)
		snprintf(more, sizeof(more), "; %" PRId64 " plain TCP to "
		    "un-enrolled workloads (by design)", n[2]);
	else if (cx->inv == NULL && n[3] > 0)
		snprintf(more, sizeof(more), "; %" PRId64 " plain TCP to "
		    "destinations not seen in the mesh: --inventory would tell "
		    "if they are enrolled", n[3]);
	if (viol > 0) {
		res->status = zt_result_failed(r);
		snprintf(res->summary, sizeof(res->summary), "%" PRId64 " of %"
		    PRId64 " outbound records bypass HBONE to an in-mesh "
		    "destination%s", viol, s->checked, more);
		res->hint = "ztunnel sent plain TCP because, in its view, the "
		    "destination is not HBONE-capable: check the destination "
		    "in `istioctl x ztunnel-config workloads` (PROTOCOL column) "
		    "and that its namespace or pod has "
		    "istio.io/dataplane-mode=ambient";
	} else if (around > 0) {
		res->status = ZT_ST_WARN;
		snprintf(res->summary, sizeof(res->summary), "%" PRId64 " inbound"
		    " plain-TCP record%s reach%s workloads that also receive "
		    "HBONE", around, around == 1 ? "" : "s",
		    around == 1 ? "es" : "");
		res->hint = "something reaches these pods around the mesh: a "
		    "client outside the mesh, a node or kubelet probe, or a "
		    "load balancer; look at the source addresses";
	} else if (s->checked == 0) {
		res->status = ZT_ST_SKIP;
		snprintf(res->summary, sizeof(res->summary), "no outbound "
		    "records to judge");
	} else {
		res->status = ZT_ST_PASS;
		snprintf(res->summary, sizeof(res->summary), "%" PRId64
		    " outbound records, none bypass HBONE to an in-mesh "
		    "destination%s", s->checked, more);
	}
}

static void
snapshot(const void *p, const struct zt_rule *r, const struct zt_check_ctx *cx,
    struct zt_result *res)
{
	const struct state	*s = p;
	const struct group	*g;
	/* violations, inbound around, by design, not seen in the mesh */
	int64_t			 n[4] = { s->required, 0, 0, 0 };
	int64_t			 i;
	size_t			 k;
	int			 shown = 0;
	int			 max = cx->examples;
	int			 v;

	for (i = 0; i < s->gix.n; i++) {
		g = &s->g[i];
		if ((v = violation(s, i, cx)) != 1) {
			n[v == -1 ? 2 : 3] += g->count;
			continue;
		}
		n[0] += g->count;
		for (k = 0; k < g->ex.n && shown < max; k++, shown++)
			zt_result_exitem(res, cx, &g->ex.v[k], cx->inv != NULL ?
			    "plain TCP to an enrolled (HBONE) destination" :
			    "plain TCP to an in-mesh destination");
	}
	for (k = 0; k < s->reqex.n && shown < max; k++, shown++)
		zt_result_exitem(res, cx, &s->reqex.v[k], "plain TCP to a "
		    "destination that `require` covers");
	for (i = 0; i < s->pin.n; i++) {
		if (zt_imap_find(&s->hb_in_wl, zt_imap_key(&s->pin, i)) < 0)
			continue;
		g = &s->gin[i];
		n[1] += g->count;
		if (n[0] == 0)
			for (k = 0; k < g->ex.n && shown < max; k++, shown++)
				zt_result_exitem(res, cx, &g->ex.v[k], "inbound "
				    "plain TCP to a workload that also "
				    "receives HBONE");
	}
	res->more = (n[0] > 0 ? n[0] : n[1]) - shown;
	if (res->more < 0)
		res->more = 0;
	zt_result_count(res, "outbound", s->checked);
	zt_result_count(res, "plaintext_to_mesh", n[0]);
	zt_result_count(res, "inbound_plaintext_to_mesh", n[1]);
	zt_result_count(res, "plaintext_by_design", n[2]);
	verdict(s, r, n, cx, res);
}

/*
 * As SQL: the same sets (workloads at either end of an HBONE record,
 * services reached over HBONE, workloads receiving HBONE), failed
 * connections left out; a workload is (name, namespace).
 */
static const char ch_sql[] =
    "WITH\n"
    "  ok AS (SELECT * FROM records\n"
    "    WHERE ifNull(message, '') != 'connection failed'),\n"
    "  mesh_wl AS (\n"
    "    SELECT src_workload AS w, ifNull(src_namespace, '') AS ns FROM ok\n"
    "    WHERE dst_hbone_addr IS NOT NULL AND src_workload IS NOT NULL\n"
    "    UNION DISTINCT\n"
    "    SELECT dst_workload, ifNull(dst_namespace, '') FROM ok\n"
    "    WHERE dst_hbone_addr IS NOT NULL AND dst_workload IS NOT NULL),\n"
    "  mesh_svc AS (SELECT DISTINCT dst_service AS s FROM ok\n"
    "    WHERE dst_hbone_addr IS NOT NULL AND direction = 'outbound'\n"
    "      AND dst_service IS NOT NULL),\n"
    "  hb_in AS (\n"
    "    SELECT DISTINCT dst_workload AS w, ifNull(dst_namespace, '') AS ns\n"
    "    FROM ok WHERE dst_hbone_addr IS NOT NULL AND direction = 'inbound'\n"
    "      AND dst_workload IS NOT NULL),\n"
    "  plain AS (SELECT * FROM ok WHERE dst_hbone_addr IS NULL)\n"
    "SELECT\n"
    "  (SELECT count() FROM ok WHERE direction = 'outbound') AS outbound,\n"
    "  (SELECT count() FROM plain WHERE direction = 'outbound' AND (\n"
    "      (dst_workload IS NOT NULL AND (dst_workload,\n"
    "        ifNull(dst_namespace, '')) IN (SELECT w, ns FROM mesh_wl))\n"
    "      OR (dst_service IS NOT NULL\n"
    "        AND dst_service IN (SELECT s FROM mesh_svc))))\n"
    "    AS plaintext_to_mesh,\n"
    "  (SELECT count() FROM plain WHERE direction = 'inbound'\n"
    "      AND dst_workload IS NOT NULL AND (dst_workload,\n"
    "        ifNull(dst_namespace, '')) IN (SELECT w, ns FROM hb_in))\n"
    "    AS inbound_plaintext_to_mesh,\n";

static int
clickhouse(const struct zt_rule *r, struct zt_buf *b, char *msg,
    size_t msgsize)
{
	const struct cfg	*cf = r->cfg;
	const char		*failed;

	if (cf->has_require) {
		snprintf(msg, msgsize, "require: has no SQL form");
		return -1;
	}
	failed = zt_chsql_head(b, r);
	zt_buf_add(b, ch_sql, sizeof(ch_sql) - 1);
	zt_chsql_add(b, "  multiIf(plaintext_to_mesh > 0, '%s',\n"
	    "    inbound_plaintext_to_mesh > 0, 'warn',\n"
	    "    outbound = 0, 'skip', 'pass') AS status;\n", failed);
	return 0;
}

const struct zt_check_type zt_check_hbone = {
	.name = "hbone",
	.keys = keys,
	.where = 1,
	.parse = parse,
	.cfg_free = cfg_free,
	.share = share,
	.new = new,
	.feed = feed,
	.merge = merge,
	.snapshot = snapshot,
	.free = state_free,
	.clickhouse = clickhouse,
};

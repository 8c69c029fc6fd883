/*
 * row.c -- see row.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/dims.h"
#include "check/row.h"
#include "store/store.h"
#include "util/text.h"

void
zt_row_src_addr(struct zt_buf *b, const struct zt_row *row)
{
	struct zt_str	 ip = row->s[ZT_COL_SRC_IP];
	char		 port[32];
	int		 v6 = memchr(ip.p, ':', ip.n) != NULL;

	if (row->s[ZT_COL_SRC_PORT].p == NULL) {
		zt_buf_add(b, ip.p, ip.n);
		return;
	}
	if (v6)
		zt_buf_addc(b, '[');
	zt_buf_add(b, ip.p, ip.n);
	snprintf(port, sizeof(port), "%s:%" PRId64, v6 ? "]" : "",
	    row->num[ZT_COL_SRC_PORT]);
	zt_buf_add(b, port, strlen(port));
}

static void
set_opt(struct zt_row *row, enum zt_col c, int has, int64_t v)
{
	if (!has) {
		row->s[c] = ZT_NOSTR;
		return;
	}
	row->num[c] = v;
	row->s[c].p = "";	/* present; filter.c formats the number */
	row->s[c].n = 0;
}

void
zt_peercache_clear(struct zt_peercache *pc)
{
	memset(pc->id, 0, sizeof(pc->id));
}

/* The four texts of peer id, through the cache if there is one. */
static void
peer(const struct zt_rowfill *rf, int64_t id, struct zt_str f[4])
{
	struct zt_peercache	*pc = rf->pc;
	size_t			 slot = (size_t)id % ZT_PEERCACHE;
	int			 i;

	if (pc == NULL || id < 1) {
		zt_dims_peer(rf->dm, id, f);
		return;
	}
	if (pc->id[slot] != id) {
		zt_dims_peer(rf->dm, id, pc->f[slot]);
		pc->id[slot] = id;
	}
	for (i = 0; i < 4; i++)
		f[i] = pc->f[slot][i];
}

static void
set_peer(struct zt_row *row, const struct zt_rowfill *rf, int64_t id, int dst)
{
	static const enum zt_col src_cols[4] = { ZT_COL_SRC_WORKLOAD,
	    ZT_COL_SRC_NAMESPACE, ZT_COL_SRC_IDENTITY, ZT_COL_SRC_CLUSTER };
	static const enum zt_col dst_cols[4] = { ZT_COL_DST_WORKLOAD,
	    ZT_COL_DST_NAMESPACE, ZT_COL_DST_IDENTITY, ZT_COL_DST_CLUSTER };
	const enum zt_col	*cols = dst ? dst_cols : src_cols;
	struct zt_str		 f[4];
	int			 i;

	peer(rf, id, f);
	for (i = 0; i < 4; i++)
		row->s[cols[i]] = f[i];
	if (dst)
		row->dst_wl_id = zt_dims_wlkey(rf->dm, id);
	else
		row->src_wl_id = zt_dims_wlkey(rf->dm, id);
}

static void
set_addr(struct zt_row *row, const struct zt_dims *dm, int64_t id,
    enum zt_col a, enum zt_col h, enum zt_col port, int64_t *hostkey)
{
	struct zt_str	 host;
	int64_t		 p;

	row->s[a] = zt_dims_str(dm, id);
	zt_dims_addr(dm, id, &host, &p);
	row->s[h] = host;
	*hostkey = zt_dims_hostkey(dm, id);
	set_opt(row, port, p >= 0, p);
}

/* level, message, direction and what they say. */
static void
set_kind(struct zt_row *row, const struct zt_dims *dm, int64_t id)
{
	unsigned	 k = zt_dims_kind(dm, id, &row->s[ZT_COL_LEVEL]);

	row->kind_id = id;
	row->outbound = (k & ZT_KIND_OUT) != 0;
	row->inbound = (k & ZT_KIND_IN) != 0;
	row->failed = (k & ZT_KIND_FAILED) != 0;
	row->complete = (k & ZT_KIND_COMPLETE) != 0;
}

void
zt_row_fill(struct zt_row *row, const struct zt_rowfill *rf, int64_t source,
    int64_t line, const struct zt_recids *v)
{
	const struct zt_dims	*dm = rf->dm;

	row->source_id = source;
	row->line = line;
	row->pod_id = v->pod;
	row->s[ZT_COL_POD] = zt_dims_str(dm, v->pod);
	row->ts_us = v->ts_us;
	set_opt(row, ZT_COL_TS, v->ts_us >= 0, v->ts_us);
	set_kind(row, dm, v->kind);
	row->src_ip_id = v->src_ip;
	row->s[ZT_COL_SRC_IP] = zt_dims_str(dm, v->src_ip);
	set_opt(row, ZT_COL_SRC_PORT, v->src_port >= 0, v->src_port);
	if (row->s[ZT_COL_SRC_IP].p == NULL || !rf->want_src_addr)
		row->s[ZT_COL_SRC_ADDR] = row->s[ZT_COL_SRC_IP];
	else {
		rf->addr->n = 0;
		zt_row_src_addr(rf->addr, row);
		row->s[ZT_COL_SRC_ADDR].p = rf->addr->p;
		row->s[ZT_COL_SRC_ADDR].n = rf->addr->n;
	}
	row->src_peer = v->src_peer;
	set_peer(row, rf, v->src_peer, 0);
	row->dst_id = v->dst;
	set_addr(row, dm, v->dst, ZT_COL_DST_ADDR, ZT_COL_DST_IP,
	    ZT_COL_DST_PORT, &row->dst_host_id);
	row->hbone_id = v->hbone;
	set_addr(row, dm, v->hbone, ZT_COL_DST_HBONE_ADDR,
	    ZT_COL_DST_HBONE_HOST, ZT_COL_DST_HBONE_PORT, &row->hbone_host_id);
	row->hbone = v->hbone != 0;
	row->service_id = v->service;
	row->s[ZT_COL_DST_SERVICE] = zt_dims_str(dm, v->service);
	row->dst_peer = v->dst_peer;
	set_peer(row, rf, v->dst_peer, 1);
	set_opt(row, ZT_COL_BYTES_SENT, v->has_sent, v->bytes_sent);
	set_opt(row, ZT_COL_BYTES_RECV, v->has_recv, v->bytes_recv);
	row->has_bytes = v->has_sent && v->has_recv;
	set_opt(row, ZT_COL_DURATION_MS, v->has_dur, v->duration_ms);
	row->wp = v->wp;
	row->error_id = v->error;
	row->s[ZT_COL_ERROR] = zt_dims_str(dm, v->error);
	set_opt(row, ZT_COL_HBONE, 1, row->hbone);
	set_opt(row, ZT_COL_VIA_WAYPOINT, 1, row->wp);
}

static void
add_text(struct zt_buf *b, struct zt_str v)
{
	if (v.p != NULL)
		zt_buf_add(b, v.p, v.n);
	else
		zt_buf_addc(b, '?');
}

/* The part after "->": destination, service, transport, bytes, outcome. */
static void
describe_dst(struct zt_buf *b, const struct zt_row *row)
{
	struct zt_str	 v = row->s[ZT_COL_DST_WORKLOAD];
	char		 tmp[64];

	if (v.p != NULL)
		zt_buf_add(b, v.p, v.n);
	else
		zt_buf_addc(b, '-');
	zt_buf_add(b, " (", 2);
	add_text(b, row->s[ZT_COL_DST_HBONE_ADDR].p != NULL ?
	    row->s[ZT_COL_DST_HBONE_ADDR] : row->s[ZT_COL_DST_ADDR]);
	zt_buf_addc(b, ')');
	if ((v = row->s[ZT_COL_DST_SERVICE]).p != NULL) {
		zt_buf_add(b, " service ", 9);
		zt_buf_add(b, v.p, v.n);
	}
	if (row->hbone)
		zt_buf_add(b, ", HBONE", 7);
	else
		zt_buf_add(b, ", plain TCP", 11);
	if (row->s[ZT_COL_BYTES_SENT].p != NULL) {
		snprintf(tmp, sizeof(tmp), ", %lld/%lld bytes",
		    (long long)row->num[ZT_COL_BYTES_SENT],
		    row->s[ZT_COL_BYTES_RECV].p != NULL ?
		    (long long)row->num[ZT_COL_BYTES_RECV] : 0LL);
		zt_buf_add(b, tmp, strlen(tmp));
	}
	if ((v = row->s[ZT_COL_MESSAGE]).p != NULL &&
	    !ZT_STR_EQ(v, "connection complete")) {
		zt_buf_add(b, ", ", 2);
		zt_buf_add(b, v.p, v.n);
	}
	if ((v = row->s[ZT_COL_ERROR]).p != NULL) {
		zt_buf_add(b, ", error \"", 9);
		zt_buf_add(b, v.p, v.n);
		zt_buf_addc(b, '"');
	}
}

char *
zt_row_describe(const struct zt_row *row)
{
	struct zt_buf	 b = { NULL, 0, 0 };
	char		 ts[28];

	zt_format_ts(row->ts_us, ts);
	zt_buf_add(&b, ts, strlen(ts));
	zt_buf_addc(&b, ' ');
	add_text(&b, row->s[ZT_COL_DIRECTION]);
	zt_buf_addc(&b, ' ');
	add_text(&b, row->s[ZT_COL_SRC_WORKLOAD].p != NULL ?
	    row->s[ZT_COL_SRC_WORKLOAD] : row->s[ZT_COL_SRC_IP]);
	zt_buf_add(&b, " (", 2);
	if (row->s[ZT_COL_SRC_IP].p != NULL)
		zt_row_src_addr(&b, row);
	else
		zt_buf_addc(&b, '?');
	zt_buf_add(&b, ") -> ", 5);
	describe_dst(&b, row);
	zt_buf_addc(&b, '\0');
	return b.p;
}

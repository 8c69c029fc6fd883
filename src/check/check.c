/*
 * check.c -- the rule engine; see check.h (the checks are in checks.c).
 *
 * Order of work: records arrive as ids, from a scan of rec in id order or
 * from ingest as they are read; the dimension tables (str, peer, kind)
 * are copied into arrays indexed by id as new ids appear; each record
 * becomes a zt_row, handed to every rule whose where-filter it passes,
 * into the current source's accumulators (merged into the run's when the
 * source is committed); then each rule is finished into a zt_result, the
 * sql rules run, and the coverage warnings are added.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/checkpriv.h"
#include "util/text.h"

const char *const zt_status_names[] = {
	"PASS", "FAIL", "WARN", "INFO", "SKIP", "ERROR"
};

/* ---- dimensions ------------------------------------------------------ */

static char *
coldup(sqlite3_stmt *s, int i)
{
	const unsigned char	*p = sqlite3_column_text(s, i);

	return p != NULL ? zt_xstrndup((const char *)p,
	    (size_t)sqlite3_column_bytes(s, i)) : NULL;
}

static int64_t
key(struct zt_dict *d, int64_t *next, const char *k, size_t n)
{
	uint64_t	 h = zt_hash(k, n);
	int64_t		 id = zt_dict_get(d, k, n, h);

	if (id < 0) {
		id = ++*next;
		zt_dict_put(d, k, n, h, id);
	}
	return id;
}

/*
 * Make arr (of *n elements of size bytes, zeroed) hold index id.  The
 * first call sizes it for the table's largest id (rows come in id
 * order), so it is allocated once and exactly.
 */
static void *
idgrow(void *arr, size_t *n, size_t id, size_t size)
{
	size_t	 want;

	if (id < *n)
		return arr;
	want = id + 1 > *n * 2 ? id + 1 : *n * 2;
	arr = zt_xrealloc(arr, want * size);
	memset((char *)arr + *n * size, 0, (want - *n) * size);
	*n = want;
	return arr;
}

/* The largest id in table (a constant name), or 0. */
static size_t
maxid(sqlite3 *db, const char *table)
{
	sqlite3_stmt	*s;
	char		 q[64];
	int64_t		 v = 0;

	snprintf(q, sizeof(q), "SELECT max(id) FROM %s", table);
	if (sqlite3_prepare_v2(db, q, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v > 0 && v <= (int64_t)1 << 40 ? (size_t)v : 0;
}

/*
 * Size the arrays once for all that is in the tables, before loading a
 * database in one go (loads as ids appear grow them by doubling).
 */
static void
dims_presize(sqlite3 *db, struct dims *dm)
{
	dm->str = idgrow(dm->str, &dm->nstr, maxid(db, "str"), sizeof(*dm->str));
	dm->peer = idgrow(dm->peer, &dm->npeer, maxid(db, "peer"),
	    sizeof(*dm->peer));
	dm->kind = idgrow(dm->kind, &dm->nkind, maxid(db, "kind"),
	    sizeof(*dm->kind));
}

static void
dims_init(struct dims *dm)
{
	memset(dm, 0, sizeof(*dm));
	zt_dict_init(&dm->hosts, 1u << 30);
	zt_dict_init(&dm->wls, 1u << 30);
}

static sqlite3_stmt *
dims_query(sqlite3 *db, const char *q, int64_t after)
{
	sqlite3_stmt	*s;

	if (sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(s, 1, after);
	return s;
}

/*
 * Load the rows of str, peer and kind with ids above those already
 * loaded.  Ids are handed out in increasing order, so that is exactly
 * what is new since the last call.
 */
static int
dims_load(sqlite3 *db, struct dims *dm, struct zt_err *err)
{
	sqlite3_stmt	*s;
	int64_t		 id;
	int64_t		 k;
	int		 rc;
	int		 i;
	char		 wl[1024];

	if ((s = dims_query(db, "SELECT id, s, host, port FROM str "
	    "WHERE id > ?1 ORDER BY id", dm->maxstr)) == NULL)
		goto dberr;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		if (id < 1 || id > (int64_t)1 << 40)
			continue;
		dm->maxstr = id;
		dm->str = idgrow(dm->str, &dm->nstr, (size_t)id,
		    sizeof(*dm->str));
		dm->str[id].s = coldup(s, 1);
		dm->str[id].n = (size_t)sqlite3_column_bytes(s, 1);
		/* A host that is the whole text (an address without a
		   port) shares it. */
		dm->str[id].host = coldup(s, 2);
		if (dm->str[id].s != NULL && (dm->str[id].host == NULL ||
		    strcmp(dm->str[id].host, dm->str[id].s) == 0)) {
			free(dm->str[id].host);
			dm->str[id].host = dm->str[id].s;
		} else if (dm->str[id].host == NULL)
			dm->str[id].host = zt_xstrdup("");
		dm->str[id].hn = strlen(dm->str[id].host);
		dm->str[id].port = sqlite3_column_type(s, 3) == SQLITE_NULL ?
		    -1 : sqlite3_column_int64(s, 3);
		dm->str[id].hostkey = key(&dm->hosts, &dm->nhosts,
		    dm->str[id].host, strlen(dm->str[id].host));
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		goto dberr;
	if ((s = dims_query(db, "SELECT id, workload, namespace, identity, "
	    "cluster FROM peer WHERE id > ?1 ORDER BY id", dm->maxpeer)) == NULL)
		goto dberr;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		if (id < 1 || id > (int64_t)1 << 40)
			continue;
		dm->maxpeer = id;
		dm->peer = idgrow(dm->peer, &dm->npeer, (size_t)id,
		    sizeof(*dm->peer));
		for (i = 0; i < 4; i++) {
			dm->peer[id].f[i] = coldup(s, i + 1);
			dm->peer[id].n[i] = dm->peer[id].f[i] != NULL ?
			    strlen(dm->peer[id].f[i]) : 0;
		}
		if (dm->peer[id].f[0] != NULL) {
			snprintf(wl, sizeof(wl), "%s/%s", dm->peer[id].f[1] ?
			    dm->peer[id].f[1] : "", dm->peer[id].f[0]);
			dm->peer[id].wlkey = key(&dm->wls, &dm->nwls, wl,
			    strlen(wl));
			/*
			 * Remember a peer of the key for its name; the one
			 * remembered may be gone (rolled back) or its id
			 * reused, so check it still has the key.
			 */
			k = dm->peer[id].wlkey;
			dm->wlpeer = idgrow(dm->wlpeer, &dm->nwlpeer,
			    (size_t)k, sizeof(*dm->wlpeer));
			if (wlname(dm, k) == NULL)
				dm->wlpeer[k] = (uint32_t)id;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		goto dberr;
	if ((s = dims_query(db, "SELECT id, level, message, direction "
	    "FROM kind WHERE id > ?1 ORDER BY id", dm->maxkind)) == NULL)
		goto dberr;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		if (id < 1 || id > (int64_t)1 << 40)
			continue;
		dm->maxkind = id;
		dm->kind = idgrow(dm->kind, &dm->nkind, (size_t)id,
		    sizeof(*dm->kind));
		for (i = 0; i < 3; i++) {
			dm->kind[id].f[i] = coldup(s, i + 1);
			dm->kind[id].n[i] = dm->kind[id].f[i] != NULL ?
			    strlen(dm->kind[id].f[i]) : 0;
		}
		dm->kind[id].out = dm->kind[id].f[2] != NULL &&
		    strcmp(dm->kind[id].f[2], "outbound") == 0;
		dm->kind[id].in = dm->kind[id].f[2] != NULL &&
		    strcmp(dm->kind[id].f[2], "inbound") == 0;
		dm->kind[id].failed = dm->kind[id].f[1] != NULL &&
		    strcmp(dm->kind[id].f[1], "connection failed") == 0;
		dm->kind[id].complete = dm->kind[id].f[1] != NULL &&
		    strcmp(dm->kind[id].f[1], "connection complete") == 0;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		goto dberr;
	return 0;
dberr:
	return zt_err_set(err, "database: %s", sqlite3_errmsg(db));
}

static void
sdim_free(struct sdim *sd)
{
	if (sd->host != sd->s)
		free(sd->host);
	free(sd->s);
}

/*
 * Forget the rows above the given ids: a rolled-back source's ids are
 * handed out again.  (Host and workload keys are by text, and stay.)
 */
static void
dims_truncate(struct dims *dm, const int64_t mark[3])
{
	int64_t	 id;
	int	 k;

	for (id = mark[0] + 1; id <= dm->maxstr; id++) {
		sdim_free(&dm->str[id]);
		memset(&dm->str[id], 0, sizeof(dm->str[id]));
	}
	for (id = mark[1] + 1; id <= dm->maxpeer; id++) {
		for (k = 0; k < 4; k++)
			free(dm->peer[id].f[k]);
		memset(&dm->peer[id], 0, sizeof(dm->peer[id]));
	}
	for (id = mark[2] + 1; id <= dm->maxkind; id++) {
		for (k = 0; k < 3; k++)
			free(dm->kind[id].f[k]);
		memset(&dm->kind[id], 0, sizeof(dm->kind[id]));
	}
	dm->maxstr = mark[0];
	dm->maxpeer = mark[1];
	dm->maxkind = mark[2];
}

static void
dims_free(struct dims *dm)
{
	size_t	 i;
	int	 k;

	for (i = 0; i < dm->nstr; i++)
		sdim_free(&dm->str[i]);
	for (i = 0; i < dm->npeer; i++)
		for (k = 0; k < 4; k++)
			free(dm->peer[i].f[k]);
	for (i = 0; i < dm->nkind; i++)
		for (k = 0; k < 3; k++)
			free(dm->kind[i].f[k]);
	free(dm->str);
	free(dm->peer);
	free(dm->kind);
	free(dm->wlpeer);
	zt_dict_fini(&dm->hosts);
	zt_dict_fini(&dm->wls);
}

static void
observe_row(struct observe *ob, const struct zt_row *row, const struct dims *dm)
{
	int64_t		 k[2];
	int64_t		 ix;

	ob->records++;
	k[0] = row->pod_id;
	ix = imap_get(&ob->podix, k, 1, 1);
	if (ob->podix.added) {
		grow((void **)&ob->span, (size_t)ix, sizeof(*ob->span));
		grow((void **)&ob->podid, (size_t)ix, sizeof(*ob->podid));
		ob->span[ix].lo = ob->span[ix].hi = row->ts_us;
		ob->podid[ix] = row->pod_id;
	}
	if (row->ts_us < ob->span[ix].lo)
		ob->span[ix].lo = row->ts_us;
	if (row->ts_us > ob->span[ix].hi)
		ob->span[ix].hi = row->ts_us;
	if (row->outbound) {
		ob->out++;
		if (row->src_ip_id) {
			k[1] = sget(dm, row->src_ip_id)->hostkey;
			imap_get(&ob->local, k, 2, 1);
		}
		if (row->wp && row->dst_host_id)
			imap_get(&ob->wp_hosts, &row->dst_host_id, 1, 1);
		if (row->hbone && !row->wp) {
			k[1] = row->hbone_host_id;
			imap_get(&ob->hbpeer, k, 2, 1);
		}
	} else if (row->inbound) {
		ob->in++;
		if (row->dst_host_id) {
			k[1] = row->dst_host_id;
			imap_get(&ob->local, k, 2, 1);
		}
	}
}

/* ---- rows ------------------------------------------------------------------- */

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

static void
set_peer(struct zt_row *row, const struct dims *dm, int64_t id, int dst)
{
	static const enum zt_col src_cols[4] = { ZT_COL_SRC_WORKLOAD,
	    ZT_COL_SRC_NAMESPACE, ZT_COL_SRC_IDENTITY, ZT_COL_SRC_CLUSTER };
	static const enum zt_col dst_cols[4] = { ZT_COL_DST_WORKLOAD,
	    ZT_COL_DST_NAMESPACE, ZT_COL_DST_IDENTITY, ZT_COL_DST_CLUSTER };
	const enum zt_col	*cols = dst ? dst_cols : src_cols;
	const struct pdim	*p = NULL;
	int			 i;

	if (id >= 1 && (size_t)id < dm->npeer)
		p = &dm->peer[id];
	for (i = 0; i < 4; i++)
		row->s[cols[i]] = p != NULL ? nview(p->f[i], p->n[i]) :
		    ZT_NOSTR;
	if (dst)
		row->dst_wl_id = p != NULL ? p->wlkey : 0;
	else
		row->src_wl_id = p != NULL ? p->wlkey : 0;
}

static void
set_addr(struct zt_row *row, const struct dims *dm, int64_t id, enum zt_col a,
    enum zt_col h, enum zt_col port, int64_t *hostkey)
{
	const struct sdim	*sd = sget(dm, id);

	row->s[a] = sd != NULL ? nview(sd->s, sd->n) : ZT_NOSTR;
	row->s[h] = sd != NULL ? nview(sd->host, sd->hn) :
	    ZT_NOSTR;
	*hostkey = sd != NULL ? sd->hostkey : 0;
	set_opt(row, port, sd != NULL && sd->port >= 0,
	    sd != NULL ? sd->port : 0);
}

/*
 * Fill row from a record's ids.  src_addr is the one column that has to
 * be built; want_src_addr says whether any filter names it.
 */
static void
fill_row(struct zt_row *row, const struct dims *dm,
    int64_t source, int64_t line, const struct zt_recids *v,
    struct zt_buf *addr, int want_src_addr)
{
	const struct kdim	*kd = NULL;
	int			 i;

	row->source_id = source;
	row->line = line;
	row->pod_id = v->pod;
	row->s[ZT_COL_POD] = stext(dm, row->pod_id);
	row->ts_us = v->ts_us;
	row->kind_id = v->kind;
	if (v->kind >= 1 && (size_t)v->kind < dm->nkind)
		kd = &dm->kind[v->kind];
	for (i = 0; i < 3; i++)
		row->s[ZT_COL_LEVEL + i] = kd != NULL ? nview(kd->f[i],
		    kd->n[i]) : ZT_NOSTR;
	row->outbound = kd != NULL && kd->out;
	row->inbound = kd != NULL && kd->in;
	row->failed = kd != NULL && kd->failed;
	row->complete = kd != NULL && kd->complete;
	row->src_ip_id = v->src_ip;
	row->s[ZT_COL_SRC_IP] = stext(dm, row->src_ip_id);
	set_opt(row, ZT_COL_SRC_PORT, v->src_port >= 0, v->src_port);
	if (row->s[ZT_COL_SRC_IP].p == NULL || !want_src_addr)
		row->s[ZT_COL_SRC_ADDR] = row->s[ZT_COL_SRC_IP];
	else {
		addr->n = 0;
		zt_row_src_addr(addr, row);
		row->s[ZT_COL_SRC_ADDR].p = addr->p;
		row->s[ZT_COL_SRC_ADDR].n = addr->n;
	}
	row->src_peer = v->src_peer;
	set_peer(row, dm, row->src_peer, 0);
	row->dst_id = v->dst;
	set_addr(row, dm, row->dst_id, ZT_COL_DST_ADDR, ZT_COL_DST_IP,
	    ZT_COL_DST_PORT, &row->dst_host_id);
	row->hbone_id = v->hbone;
	set_addr(row, dm, row->hbone_id, ZT_COL_DST_HBONE_ADDR,
	    ZT_COL_DST_HBONE_HOST, ZT_COL_DST_HBONE_PORT, &row->hbone_host_id);
	row->hbone = row->hbone_id != 0;
	row->service_id = v->service;
	row->s[ZT_COL_DST_SERVICE] = stext(dm, row->service_id);
	row->dst_peer = v->dst_peer;
	set_peer(row, dm, row->dst_peer, 1);
	set_opt(row, ZT_COL_BYTES_SENT, v->has_sent, v->bytes_sent);
	set_opt(row, ZT_COL_BYTES_RECV, v->has_recv, v->bytes_recv);
	row->has_bytes = v->has_sent && v->has_recv;
	set_opt(row, ZT_COL_DURATION_MS, v->has_dur, v->duration_ms);
	row->wp = v->wp;
	row->error_id = v->error;
	row->s[ZT_COL_ERROR] = stext(dm, row->error_id);
	set_opt(row, ZT_COL_HBONE, 1, row->hbone);
	set_opt(row, ZT_COL_VIA_WAYPOINT, 1, row->wp);
}

static const char scan_sql[] =
    "SELECT id, source_id, line, pod, ts_us, kind, src_ip, src_port, "
    "src_peer, dst, hbone, dst_service, dst_peer, bytes_sent, bytes_recv, "
    "duration_ms, wp, error FROM rec ORDER BY id";

/* The ids of the scan's current row (NULL reads as 0, "absent"). */
static void
scan_ids(sqlite3_stmt *s, struct zt_recids *v)
{
	memset(v, 0, sizeof(*v));
	v->pod = sqlite3_column_int64(s, 3);
	v->ts_us = sqlite3_column_int64(s, 4);
	v->kind = sqlite3_column_int64(s, 5);
	v->src_ip = sqlite3_column_int64(s, 6);
	v->src_port = sqlite3_column_type(s, 7) == SQLITE_NULL ? -1 :
	    sqlite3_column_int64(s, 7);
	v->src_peer = sqlite3_column_int64(s, 8);
	v->dst = sqlite3_column_int64(s, 9);
	v->hbone = sqlite3_column_int64(s, 10);
	v->service = sqlite3_column_int64(s, 11);
	v->dst_peer = sqlite3_column_int64(s, 12);
	v->has_sent = sqlite3_column_type(s, 13) != SQLITE_NULL;
	v->bytes_sent = sqlite3_column_int64(s, 13);
	v->has_recv = sqlite3_column_type(s, 14) != SQLITE_NULL;
	v->bytes_recv = sqlite3_column_int64(s, 14);
	v->has_dur = sqlite3_column_type(s, 15) != SQLITE_NULL;
	v->duration_ms = sqlite3_column_int64(s, 15);
	v->wp = sqlite3_column_int(s, 16) != 0;
	v->error = sqlite3_column_int64(s, 17);
}

char *
zt_render_ex(const struct dims *dm, const struct exitem *x)
{
	struct zt_recids	 v;
	struct zt_row		 row;
	struct zt_buf		 addr = { NULL, 0, 0 };	/* unused: want 0 */

	memset(&v, 0, sizeof(v));
	v.pod = x->pod;
	v.ts_us = x->ts;
	v.kind = x->kind;
	v.src_ip = x->src_ip;
	v.src_port = x->src_port;
	v.src_peer = x->src_peer;
	v.dst = x->dst;
	v.hbone = x->hbone;
	v.service = x->service;
	v.dst_peer = x->dst_peer;
	v.error = x->error;
	v.bytes_sent = x->sent;
	v.bytes_recv = x->recv;
	v.has_sent = x->has_sent;
	v.has_recv = x->has_recv;
	v.wp = x->wp;
	memset(&row, 0, sizeof(row));
	fill_row(&row, dm, x->src, x->line, &v, &addr, 0);
	return zt_row_describe(&row);
}

/* ---- the run -------------------------------------------------------------- */

/* A column of the statement as a row text (absent when NULL). */
static struct zt_str
coltext(sqlite3_stmt *s, int i)
{
	struct zt_str	 v = ZT_NOSTR;

	if ((v.p = (const char *)sqlite3_column_text(s, i)) != NULL)
		v.n = (size_t)sqlite3_column_bytes(s, i);
	return v;
}

/* A numeric column of the statement into row (absent when NULL). */
static void
colnum(struct zt_row *row, enum zt_col c, sqlite3_stmt *s, int i)
{
	set_opt(row, c, sqlite3_column_type(s, i) != SQLITE_NULL,
	    sqlite3_column_int64(s, i));
}

int
zt_check_describe(sqlite3 *db, int64_t id, char **source, int64_t *line,
    char **text)
{
	static const char q[] =
	    "SELECT s.name, r.line, r.ts_us, r.direction, r.src_workload, "
	    "r.src_ip, r.src_port, r.dst_workload, r.dst_hbone_addr, "
	    "r.dst_addr, r.dst_service, r.hbone, r.bytes_sent, r.bytes_recv, "
	    "r.message, r.error FROM records AS r JOIN sources AS s "
	    "ON s.id = r.source_id WHERE r.id = ?1";
	struct zt_row	 row;
	sqlite3_stmt	*s;
	size_t		 i;

	if (sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		return -1;
	}
	/* The same text as the examples: zt_row_describe on this row. */
	memset(&row, 0, sizeof(row));
	for (i = 0; i < ZT_COL_COUNT; i++)
		row.s[i] = ZT_NOSTR;
	row.ts_us = sqlite3_column_int64(s, 2);
	row.s[ZT_COL_DIRECTION] = coltext(s, 3);
	row.s[ZT_COL_SRC_WORKLOAD] = coltext(s, 4);
	row.s[ZT_COL_SRC_IP] = coltext(s, 5);
	colnum(&row, ZT_COL_SRC_PORT, s, 6);
	row.s[ZT_COL_DST_WORKLOAD] = coltext(s, 7);
	row.s[ZT_COL_DST_HBONE_ADDR] = coltext(s, 8);
	row.s[ZT_COL_DST_ADDR] = coltext(s, 9);
	row.s[ZT_COL_DST_SERVICE] = coltext(s, 10);
	row.hbone = sqlite3_column_int(s, 11) != 0;
	colnum(&row, ZT_COL_BYTES_SENT, s, 12);
	colnum(&row, ZT_COL_BYTES_RECV, s, 13);
	row.s[ZT_COL_MESSAGE] = coltext(s, 14);
	row.s[ZT_COL_ERROR] = coltext(s, 15);
	*source = coldup(s, 0);
	*line = sqlite3_column_int64(s, 1);
	*text = zt_row_describe(&row);
	sqlite3_finalize(s);
	return 0;
}

static void
warn(struct zt_checkrun *run, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
warn(struct zt_checkrun *run, const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[512];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	run->warnings = zt_xrealloc(run->warnings,
	    (run->nwarn + 1) * sizeof(*run->warnings));
	run->warnings[run->nwarn++] = zt_xstrdup(buf);
}

static int
accounting(sqlite3 *db, struct zt_checkrun *run, struct zt_err *err)
{
	sqlite3_stmt	*s;

	if (sqlite3_prepare_v2(db, "SELECT count(*), coalesce(sum(lines), 0), "
	    "coalesce(sum(records), 0), coalesce(sum(other), 0), "
	    "coalesce(sum(malformed), 0) FROM sources", -1, &s,
	    NULL) != SQLITE_OK)
		return zt_err_set(err, "database: %s", sqlite3_errmsg(db));
	if (sqlite3_step(s) == SQLITE_ROW) {
		run->sources = sqlite3_column_int64(s, 0);
		run->lines = sqlite3_column_int64(s, 1);
		run->records = sqlite3_column_int64(s, 2);
		run->other = sqlite3_column_int64(s, 3);
		run->malformed = sqlite3_column_int64(s, 4);
	}
	sqlite3_finalize(s);
	return 0;
}

static void
coverage(sqlite3 *db, struct zt_checkrun *run, const struct observe *ob,
    const struct dims *dm)
{
	sqlite3_stmt	*s;
	int64_t		 npods = 0;
	int64_t		 i;
	int64_t		 pod = 0;

	if (sqlite3_prepare_v2(db, "SELECT pod FROM pods WHERE pod IS NOT NULL "
	    "GROUP BY pod HAVING sum(lines) = 10 ORDER BY pod", -1, &s,
	    NULL) == SQLITE_OK) {
		while (sqlite3_step(s) == SQLITE_ROW)
			warn(run, "pod %s logged exactly 10 lines: `kubectl "
			    "logs -l` shows only the last 10 lines of each pod "
			    "unless --tail=-1 is given",
			    (const char *)sqlite3_column_text(s, 0));
		sqlite3_finalize(s);
	}
	if (ob->out > 0 && ob->in == 0)
		warn(run, "only outbound records: the logs of the destination "
		    "side are missing, so pairing cannot be verified");
	else if (ob->in > 0 && ob->out == 0)
		warn(run, "only inbound records: the logs of the client side "
		    "are missing, so pairing cannot be verified");
	for (i = 0; i < ob->podix.n; i++)
		if (ob->podid[i] != 0) {
			npods++;
			pod = ob->podid[i];
		}
	if (npods == 1 && ob->out_hbone_remote > 0)
		warn(run, "only one ztunnel pod (%s) in the input, but its "
		    "HBONE traffic goes to %" PRId64 " addresses on other "
		    "nodes: their ztunnels' logs are missing", sget(dm, pod) ?
		    sget(dm, pod)->s : "?", ob->out_hbone_remote);
}

static void
acc_init(struct acc *a, const struct zt_rule *r, struct zt_result *res)
{
	memset(a, 0, sizeof(*a));
	a->r = r;
	a->res = res;
	imap_init(&a->mesh_wl);
	imap_init(&a->mesh_svc);
	imap_init(&a->hb_in_wl);
	imap_init(&a->gix);
	imap_init(&a->pin);
	imap_init(&a->bix);
	imap_init(&a->eix);
	imap_init(&a->fix);
	a->md = pcre2_match_data_create(4, NULL);
}

static void
acc_free(struct acc *a)
{
	int64_t	 i;

	if (a->g != NULL)
		for (i = 0; i < a->gix.n; i++)
			ex_free(&a->g[i].ex);
	if (a->gin != NULL)
		for (i = 0; i < a->pin.n; i++)
			ex_free(&a->gin[i].ex);
	if (a->bname != NULL)
		for (i = 0; i < a->bix.n; i++)
			free(a->bname[i]);
	if (a->fex != NULL)
		for (i = 0; i < a->fix.n; i++)
			ex_free(&a->fex[i]);
	imap_fini(&a->mesh_wl);
	imap_fini(&a->mesh_svc);
	imap_fini(&a->hb_in_wl);
	imap_fini(&a->gix);
	imap_fini(&a->pin);
	imap_fini(&a->bix);
	imap_fini(&a->eix);
	imap_fini(&a->fix);
	free(a->g);
	free(a->gin);
	ex_free(&a->reqex);
	zt_ptab_free(&a->po);
	zt_ptab_free(&a->pi);
	free(a->big);
	free(a->bcount);
	free(a->bsvc);
	free(a->bep);
	free(a->bname);
	free(a->ecount);
	free(a->eid);
	free(a->fcount);
	free(a->fex);
	pcre2_match_data_free(a->md);
}

static int
uses(const struct zt_filter *f, enum zt_col c)
{
	size_t	 i;

	for (i = 0; i < f->n; i++)
		if (f->c[i].col == c)
			return 1;
	return 0;
}

/* ---- the engine ------------------------------------------------------------ */

/*
 * Line references (see checkpriv.h, struct srcnames): a source's lines
 * start after every reference handed out before, so references are
 * unique, grow in input order, and say source and line through the
 * bases kept in sn.
 */
struct reftrack {
	int64_t		 next;		/* first reference not handed out */
	int64_t		 base;
	int64_t		 key;		/* the source base belongs to */
	int		 started;
};

static int64_t
ref_of(struct reftrack *t, struct srcnames *sn, int64_t key, int64_t line)
{
	/* Lines as ingest numbers them are 1, 2, ...: others are clamped. */
	int64_t	 l = line < 1 ? 1 : line > (int64_t)UINT32_MAX ?
	    (int64_t)UINT32_MAX : line;
	int64_t	 ref;
	int	 first = !t->started;

	if (first) {
		t->started = 1;
		t->next = 1;	/* 0 means "no record" in pairs */
	}
	/*
	 * A new base for a new source, and whenever lines do not go up
	 * (a database can hold anything), so references never repeat.
	 */
	if (first || key != t->key || t->base + l < t->next) {
		t->key = key;
		t->base = t->next;
		if (sn != NULL) {
			sn->base = zt_xrealloc(sn->base, (sn->nbase + 1) *
			    sizeof(*sn->base));
			sn->base[sn->nbase].base = t->base;
			sn->base[sn->nbase].key = key;
			sn->nbase++;
		}
	}
	ref = t->base + l;
	t->next = ref + 1;
	return ref;
}

/* Accumulators: of the committed sources, or of the one being read. */
struct stage {
	struct acc	*acc;
	struct observe	 ob;
};

struct zt_checker {
	const struct zt_ruleset	*rs;
	struct zt_checkopts	 o;
	struct zt_result	*res;		/* one per rule; to the run */
	struct dims		 dm;
	struct stage		 all;		/* committed */
	struct stage		 cur;		/* the current source */
	int			 open;		/* cur is in use */
	int			 merged;	/* all holds a committed source */
	int64_t			 mark[3];	/* dims maxima when cur began */
	struct srcnames		 sn;
	struct reftrack		 rt;
	int64_t			 cursrc;	/* key of the current source */
	int			 fed;		/* rows came from ingest */
	int			 want_src_addr;
	struct zt_buf		 addr;		/* src_addr, when filters use it */
	struct zt_row		 row;
};

static void
stage_init(struct zt_checker *c, struct stage *st)
{
	size_t	 i;

	st->acc = zt_xcalloc(c->rs->n ? c->rs->n : 1, sizeof(*st->acc));
	for (i = 0; i < c->rs->n; i++)
		acc_init(&st->acc[i], &c->rs->r[i], &c->res[i]);
	memset(&st->ob, 0, sizeof(st->ob));
	imap_init(&st->ob.local);
	imap_init(&st->ob.podix);
	imap_init(&st->ob.wp_hosts);
	imap_init(&st->ob.hbpeer);
}

static void
stage_free(struct zt_checker *c, struct stage *st)
{
	size_t	 i;

	if (st->acc == NULL)
		return;
	for (i = 0; i < c->rs->n; i++)
		acc_free(&st->acc[i]);
	free(st->acc);
	imap_fini(&st->ob.local);
	imap_fini(&st->ob.podix);
	imap_fini(&st->ob.wp_hosts);
	imap_fini(&st->ob.hbpeer);
	free(st->ob.span);
	free(st->ob.podid);
	memset(st, 0, sizeof(*st));
}

static void
set_merge(struct imap *a, const struct imap *b, size_t nk)
{
	int64_t	 i;

	for (i = 0; i < b->n; i++)
		imap_get(a, imap_key(b, i, nk), nk, 1);
}

static void
observe_merge(struct observe *a, const struct observe *b)
{
	int64_t	 i;
	int64_t	 ix;

	set_merge(&a->local, &b->local, 2);
	set_merge(&a->wp_hosts, &b->wp_hosts, 1);
	set_merge(&a->hbpeer, &b->hbpeer, 2);
	for (i = 0; i < b->podix.n; i++) {
		ix = imap_get(&a->podix, imap_key(&b->podix, i, 1), 1, 1);
		if (a->podix.added) {
			grow((void **)&a->span, (size_t)ix, sizeof(*a->span));
			grow((void **)&a->podid, (size_t)ix, sizeof(*a->podid));
			a->span[ix] = b->span[i];
			a->podid[ix] = b->podid[i];
			continue;
		}
		if (b->span[i].lo < a->span[ix].lo)
			a->span[ix].lo = b->span[i].lo;
		if (b->span[i].hi > a->span[ix].hi)
			a->span[ix].hi = b->span[i].hi;
	}
	a->records += b->records;
	a->out += b->out;
	a->in += b->in;
}

struct zt_checker *
zt_checker_new(const struct zt_ruleset *rs, const struct zt_checkopts *o)
{
	struct zt_checker	*c = zt_xcalloc(1, sizeof(*c));
	size_t			 i;

	c->rs = rs;
	c->o = *o;
	c->res = zt_xcalloc(rs->n ? rs->n : 1, sizeof(*c->res));
	for (i = 0; i < rs->n; i++) {
		c->res[i].rule = &rs->r[i];
		c->want_src_addr |= uses(&rs->r[i].where, ZT_COL_SRC_ADDR) ||
		    uses(&rs->r[i].require, ZT_COL_SRC_ADDR);
	}
	dims_init(&c->dm);
	stage_init(c, &c->all);
	return c;
}

void
zt_checker_free(struct zt_checker *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	stage_free(c, &c->cur);
	stage_free(c, &c->all);
	dims_free(&c->dm);
	zt_buf_free(&c->addr);
	for (i = 0; i < c->sn.n; i++)
		free(c->sn.v[i]);
	free(c->sn.v);
	free(c->sn.base);
	if (c->res != NULL) {
		struct zt_checkrun run;

		memset(&run, 0, sizeof(run));
		run.res = c->res;
		run.nres = c->rs->n;
		zt_check_free(&run);
	}
	free(c);
}

static void
set_srcname(struct zt_checker *c, int64_t k, const char *name)
{
	if (k < 0 || k > (int64_t)1 << 40)
		return;
	c->sn.v = idgrow(c->sn.v, &c->sn.n, (size_t)k, sizeof(*c->sn.v));
	free(c->sn.v[k]);
	c->sn.v[k] = zt_xstrdup(name);
}

/* Start staging the contributions of one source. */
static void
begin(struct zt_checker *c)
{
	if (c->open)
		zt_checker_end(c, 0);
	stage_init(c, &c->cur);
	c->open = 1;
	c->mark[0] = c->dm.maxstr;
	c->mark[1] = c->dm.maxpeer;
	c->mark[2] = c->dm.maxkind;
}

void
zt_checker_begin(struct zt_checker *c, const char *name)
{
	begin(c);
	c->fed = 1;
	set_srcname(c, ++c->cursrc, name);
}

void
zt_checker_end(struct zt_checker *c, int committed)
{
	size_t	 i;

	if (!c->open)
		return;
	if (committed && !c->merged) {
		/* The first source's accumulators become the run's. */
		stage_free(c, &c->all);
		c->all = c->cur;
		memset(&c->cur, 0, sizeof(c->cur));
		c->merged = 1;
	} else if (committed) {
		for (i = 0; i < c->rs->n; i++)
			zt_merge_acc(&c->all.acc[i], &c->cur.acc[i],
			    c->o.examples);
		observe_merge(&c->all.ob, &c->cur.ob);
	} else
		dims_truncate(&c->dm, c->mark);
	stage_free(c, &c->cur);
	c->open = 0;
}

/* Hand row to every rule whose where-filter it passes. */
static void
feed(struct zt_checker *c, const struct zt_row *row)
{
	struct stage	*st = &c->cur;
	struct acc	*a;
	char		 msg[160];
	size_t		 i;
	int		 r;
	int		 max = c->o.examples;

	observe_row(&st->ob, row, &c->dm);
	for (i = 0; i < c->rs->n; i++) {
		a = &st->acc[i];
		if (a->err || a->r->type == ZT_R_SQL)
			continue;
		if (a->r->where.n > 0) {
			r = zt_filter_eval(&a->r->where, row, msg, sizeof(msg));
			if (r == -1) {
				a->err = 1;
				snprintf(a->emsg, sizeof(a->emsg), "where: %s",
				    msg);
			}
			if (r != 1)
				continue;
		}
		switch (a->r->type) {
		case ZT_R_HBONE:
			zt_feed_hbone(a, row, max);
			break;
		case ZT_R_PAIRING:
			zt_feed_pairing(a, row);
			break;
		case ZT_R_BALANCE:
			zt_feed_balance(a, row);
			break;
		case ZT_R_ERRORS:
			zt_feed_errors(a, row);
			break;
		case ZT_R_SQL:
			break;
		}
	}
}

int
zt_checker_feed(struct zt_checker *c, sqlite3 *db, int64_t line,
    const struct zt_recids *v, struct zt_err *err)
{
	int64_t	 smax = v->pod;

	if (!c->open)
		begin(c);
	/* New names since the last row: load them first. */
#define HI(x) if ((x) > smax) smax = (x)
	HI(v->src_ip); HI(v->dst); HI(v->hbone); HI(v->service);
	HI(v->error);
#undef HI
	if ((smax > c->dm.maxstr || v->src_peer > c->dm.maxpeer ||
	    v->dst_peer > c->dm.maxpeer || v->kind > c->dm.maxkind) &&
	    dims_load(db, &c->dm, err) == -1)
		return -1;
	fill_row(&c->row, &c->dm, c->cursrc, line, v, &c->addr,
	    c->want_src_addr);
	c->row.ref = ref_of(&c->rt, &c->sn, c->cursrc, line);
	feed(c, &c->row);
	return 0;
}

int
zt_checker_finish(struct zt_checker *c, sqlite3 *db, struct zt_checkrun *run,
    struct zt_err *err)
{
	struct observe	*ob = &c->all.ob;
	struct acc	*a;
	size_t		 i;
	int		 max = c->o.examples;
	int64_t		 h;

	zt_checker_end(c, 1);
	memset(run, 0, sizeof(*run));
	if (accounting(db, run, err) == -1) {
		zt_checker_free(c);
		return -1;
	}
	run->res = c->res;
	run->nres = c->rs->n;
	c->res = NULL;
	/* Cross-node HBONE: a peer host that is not local to the same pod. */
	for (h = 0; h < ob->hbpeer.n; h++)
		if (imap_get(&ob->local, imap_key(&ob->hbpeer, h, 2), 2, 0) < 0)
			ob->out_hbone_remote++;
	for (i = 0; i < c->rs->n; i++) {
		a = &c->all.acc[i];
		if (a->err) {
			a->res->status = ZT_ST_ERROR;
			snprintf(a->res->summary, sizeof(a->res->summary), "%s",
			    a->emsg);
			continue;
		}
		switch (a->r->type) {
		case ZT_R_HBONE:
			zt_finish_hbone(a, &c->dm, &c->sn, max);
			break;
		case ZT_R_PAIRING:
			zt_finish_pairing(a, ob, &c->dm, &c->sn, max, run,
			    c->o.keep_pairs);
			break;
		case ZT_R_BALANCE:
			zt_finish_balance(a, &c->dm);
			break;
		case ZT_R_ERRORS:
			zt_finish_errors(a, &c->dm, &c->sn, max);
			break;
		case ZT_R_SQL:
			if (c->fed) {
				a->res->status = ZT_ST_ERROR;
				snprintf(a->res->summary,
				    sizeof(a->res->summary), "sql rules need "
				    "the records stored (internal error)");
			} else
				zt_run_sql(a->r, a->res, db, max);
			break;
		}
	}
	coverage(db, run, ob, &c->dm);
	zt_checker_free(c);
	return 0;
}

static int
i64_cmp(const void *x, const void *y)
{
	int64_t	 a = *(const int64_t *)x;
	int64_t	 b = *(const int64_t *)y;

	return a < b ? -1 : a > b;
}

/* Index of v in the sorted a[n], or -1. */
static int64_t
i64_find(const int64_t *a, size_t n, int64_t v)
{
	size_t	 lo = 0;
	size_t	 hi = n;
	size_t	 mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (a[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && a[lo] == v ? (int64_t)lo : -1;
}

/*
 * The pairs name records by line reference; `ztlog pairs` describes them
 * from the table by id.  One more pass over rec, computing references
 * as the scan did, finds the ids.
 */
static int
pairs_to_ids(sqlite3 *db, struct zt_checkrun *run, struct zt_err *err)
{
	struct reftrack	 rt;
	sqlite3_stmt	*s;
	int64_t		*refs;
	int64_t		*ids;
	int64_t		 ix;
	size_t		 n = 0;
	size_t		 i, k;
	int		 rc;

	if (run->npairs == 0)
		return 0;
	refs = zt_xcalloc(run->npairs * 2 + 1, sizeof(*refs));
	for (i = 0; i < run->npairs; i++) {
		if (run->pairs[i].out_id)
			refs[n++] = run->pairs[i].out_id;
		if (run->pairs[i].in_id)
			refs[n++] = run->pairs[i].in_id;
	}
	qsort(refs, n, sizeof(*refs), i64_cmp);
	for (i = k = 0; i < n; i++)
		if (k == 0 || refs[i] != refs[k - 1])
			refs[k++] = refs[i];
	n = k;
	ids = zt_xcalloc(n + 1, sizeof(*ids));
	memset(&rt, 0, sizeof(rt));
	if (sqlite3_prepare_v2(db, "SELECT id, source_id, line FROM rec "
	    "ORDER BY id", -1, &s, NULL) != SQLITE_OK) {
		free(refs);
		free(ids);
		return zt_err_set(err, "database: %s", sqlite3_errmsg(db));
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if ((ix = i64_find(refs, n, ref_of(&rt, NULL,
		    sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2)))) >= 0)
			ids[ix] = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	for (i = 0; i < run->npairs; i++) {
		if (run->pairs[i].out_id)
			run->pairs[i].out_id = ids[i64_find(refs, n,
			    run->pairs[i].out_id)];
		if (run->pairs[i].in_id)
			run->pairs[i].in_id = ids[i64_find(refs, n,
			    run->pairs[i].in_id)];
	}
	free(refs);
	free(ids);
	return rc == SQLITE_DONE ? 0 : zt_err_set(err, "database: %s",
	    sqlite3_errmsg(db));
}

int
zt_check_run(sqlite3 *db, const struct zt_ruleset *rs,
    const struct zt_checkopts *o, struct zt_checkrun *run, struct zt_err *err)
{
	struct zt_checker	*c;
	struct zt_recids	 v;
	sqlite3_stmt		*s = NULL;
	int			 rc;

	memset(run, 0, sizeof(*run));
	c = zt_checker_new(rs, o);
	dims_presize(db, &c->dm);
	if (dims_load(db, &c->dm, err) == -1)
		goto bad;
	if (sqlite3_prepare_v2(db, "SELECT id, name FROM sources", -1, &s,
	    NULL) != SQLITE_OK)
		goto dberr;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		set_srcname(c, sqlite3_column_int64(s, 0),
		    (const char *)sqlite3_column_text(s, 1) != NULL ?
		    (const char *)sqlite3_column_text(s, 1) : "?");
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE || sqlite3_prepare_v2(db, scan_sql, -1, &s,
	    NULL) != SQLITE_OK)
		goto dberr;
	begin(c);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		scan_ids(s, &v);
		fill_row(&c->row, &c->dm, sqlite3_column_int64(s, 1),
		    sqlite3_column_int64(s, 2), &v, &c->addr,
		    c->want_src_addr);
		c->row.ref = ref_of(&c->rt, &c->sn, c->row.source_id,
		    c->row.line);
		feed(c, &c->row);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		goto dberr;
	if (zt_checker_finish(c, db, run, err) == -1)
		return -1;
	if (o->keep_pairs && pairs_to_ids(db, run, err) == -1) {
		zt_check_free(run);
		return -1;
	}
	return 0;
dberr:
	zt_err_set(err, "database: %s", sqlite3_errmsg(db));
bad:
	zt_checker_free(c);
	return -1;
}

void
zt_check_free(struct zt_checkrun *run)
{
	size_t	 i;
	size_t	 k;

	for (i = 0; i < run->nres; i++) {
		struct zt_result *res = &run->res[i];

		for (k = 0; k < res->nex; k++) {
			free(res->ex[k].source);
			free(res->ex[k].text);
		}
		free(res->ex);
		for (k = 0; k < res->nsvc; k++) {
			size_t e;

			for (e = 0; e < res->svc[k].nep; e++)
				free(res->svc[k].ep[e].name);
			free(res->svc[k].ep);
			free(res->svc[k].service);
		}
		free(res->svc);
	}
	free(run->res);
	for (i = 0; i < run->nwarn; i++)
		free(run->warnings[i]);
	free(run->warnings);
	free(run->pairs);
	memset(run, 0, sizeof(*run));
}

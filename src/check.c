/*
 * check.c -- the rule engine; see check.h (the checks are in checks.c).
 *
 * Order of work: load the dimension tables (str, peer, kind) into arrays
 * indexed by id; scan rec once in id order, building a zt_row per record
 * and handing it to every rule whose where-filter it passes; finish each
 * rule into a zt_result; run the sql rules; add coverage warnings.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpriv.h"
#include "text.h"

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

static int
dims_load(sqlite3 *db, struct dims *dm, struct zt_err *err)
{
	sqlite3_stmt	*s;
	int64_t		 id;
	int		 rc;
	int		 i;
	char		 wl[1024];

	memset(dm, 0, sizeof(*dm));
	zt_dict_init(&dm->hosts, 1u << 30);
	zt_dict_init(&dm->wls, 1u << 30);
	dm->str = idgrow(dm->str, &dm->nstr, maxid(db, "str"), sizeof(*dm->str));
	dm->peer = idgrow(dm->peer, &dm->npeer, maxid(db, "peer"),
	    sizeof(*dm->peer));
	dm->kind = idgrow(dm->kind, &dm->nkind, maxid(db, "kind"),
	    sizeof(*dm->kind));
	if (sqlite3_prepare_v2(db, "SELECT id, s, host, port FROM str "
	    "ORDER BY id", -1, &s, NULL) != SQLITE_OK)
		goto dberr;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		if (id < 1 || id > (int64_t)1 << 40)
			continue;
		dm->str = idgrow(dm->str, &dm->nstr, (size_t)id,
		    sizeof(*dm->str));
		dm->str[id].s = coldup(s, 1);
		dm->str[id].n = (size_t)sqlite3_column_bytes(s, 1);
		dm->str[id].host = coldup(s, 2);
		if (dm->str[id].host == NULL)
			dm->str[id].host = zt_xstrdup(dm->str[id].s != NULL ?
			    dm->str[id].s : "");
		dm->str[id].hn = strlen(dm->str[id].host);
		dm->str[id].port = sqlite3_column_type(s, 3) == SQLITE_NULL ?
		    -1 : sqlite3_column_int64(s, 3);
		dm->str[id].hostkey = key(&dm->hosts, &dm->nhosts,
		    dm->str[id].host, strlen(dm->str[id].host));
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		goto dberr;
	if (sqlite3_prepare_v2(db, "SELECT id, workload, namespace, identity, "
	    "cluster FROM peer ORDER BY id", -1, &s, NULL) != SQLITE_OK)
		goto dberr;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		if (id < 1 || id > (int64_t)1 << 40)
			continue;
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
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		goto dberr;
	if (sqlite3_prepare_v2(db, "SELECT id, level, message, direction "
	    "FROM kind ORDER BY id", -1, &s, NULL) != SQLITE_OK)
		goto dberr;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		if (id < 1 || id > (int64_t)1 << 40)
			continue;
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
dims_free(struct dims *dm)
{
	size_t	 i;
	int	 k;

	for (i = 0; i < dm->nstr; i++) {
		free(dm->str[i].s);
		free(dm->str[i].host);
	}
	for (i = 0; i < dm->npeer; i++)
		for (k = 0; k < 4; k++)
			free(dm->peer[i].f[k]);
	for (i = 0; i < dm->nkind; i++)
		for (k = 0; k < 3; k++)
			free(dm->kind[i].f[k]);
	free(dm->str);
	free(dm->peer);
	free(dm->kind);
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
	} else if (row->inbound) {
		ob->in++;
		if (row->dst_host_id) {
			k[1] = row->dst_host_id;
			imap_get(&ob->local, k, 2, 1);
		}
	}
}

/* ---- the scan ------------------------------------------------------------ */

static const char scan_sql[] =
    "SELECT id, source_id, line, pod, ts_us, kind, src_ip, src_port, "
    "src_peer, dst, hbone, dst_service, dst_peer, bytes_sent, bytes_recv, "
    "duration_ms, wp, error FROM rec ORDER BY id";

static void
set_num(struct zt_row *row, enum zt_col c, sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL) {
		row->s[c] = ZT_NOSTR;
		return;
	}
	row->num[c] = sqlite3_column_int64(s, i);
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
	if (sd != NULL && sd->port >= 0) {
		row->num[port] = sd->port;
		row->s[port].p = "";
		row->s[port].n = 0;
	} else
		row->s[port] = ZT_NOSTR;
}

/*
 * Fill row from the scan statement.  src_addr is the one column that has
 * to be built; want_src_addr says whether any filter names it.
 */
static void
fill_row(struct zt_row *row, sqlite3_stmt *s, const struct dims *dm,
    char *addrbuf, size_t addrsize, int want_src_addr)
{
	const struct sdim	*sd;
	const struct kdim	*kd = NULL;
	int64_t			 kid;
	int			 i;

	row->id = sqlite3_column_int64(s, 0);
	row->source_id = sqlite3_column_int64(s, 1);
	row->line = sqlite3_column_int64(s, 2);
	row->pod_id = sqlite3_column_int64(s, 3);
	row->s[ZT_COL_POD] = stext(dm, row->pod_id);
	row->ts_us = sqlite3_column_int64(s, 4);
	kid = sqlite3_column_int64(s, 5);
	if (kid >= 1 && (size_t)kid < dm->nkind)
		kd = &dm->kind[kid];
	for (i = 0; i < 3; i++)
		row->s[ZT_COL_LEVEL + i] = kd != NULL ? nview(kd->f[i],
		    kd->n[i]) : ZT_NOSTR;
	row->outbound = kd != NULL && kd->out;
	row->inbound = kd != NULL && kd->in;
	row->failed = kd != NULL && kd->failed;
	row->complete = kd != NULL && kd->complete;
	row->src_ip_id = sqlite3_column_int64(s, 6);
	sd = sget(dm, row->src_ip_id);
	row->s[ZT_COL_SRC_IP] = stext(dm, row->src_ip_id);
	set_num(row, ZT_COL_SRC_PORT, s, 7);
	if (sd == NULL || !want_src_addr)
		row->s[ZT_COL_SRC_ADDR] = sd != NULL ? row->s[ZT_COL_SRC_IP] :
		    ZT_NOSTR;
	else {
		if (row->s[ZT_COL_SRC_PORT].p == NULL)
			snprintf(addrbuf, addrsize, "%s", sd->s);
		else
			snprintf(addrbuf, addrsize, strchr(sd->s, ':') ?
			    "[%s]:%" PRId64 : "%s:%" PRId64, sd->s,
			    row->num[ZT_COL_SRC_PORT]);
		row->s[ZT_COL_SRC_ADDR] = sview(addrbuf);
	}
	row->src_peer = sqlite3_column_int64(s, 8);
	set_peer(row, dm, row->src_peer, 0);
	row->dst_id = sqlite3_column_int64(s, 9);
	set_addr(row, dm, row->dst_id, ZT_COL_DST_ADDR, ZT_COL_DST_IP,
	    ZT_COL_DST_PORT, &row->dst_host_id);
	row->hbone_id = sqlite3_column_int64(s, 10);
	set_addr(row, dm, row->hbone_id, ZT_COL_DST_HBONE_ADDR,
	    ZT_COL_DST_HBONE_HOST, ZT_COL_DST_HBONE_PORT, &row->hbone_host_id);
	row->hbone = row->hbone_id != 0;
	row->service_id = sqlite3_column_int64(s, 11);
	row->s[ZT_COL_DST_SERVICE] = stext(dm, row->service_id);
	row->dst_peer = sqlite3_column_int64(s, 12);
	set_peer(row, dm, row->dst_peer, 1);
	set_num(row, ZT_COL_BYTES_SENT, s, 13);
	set_num(row, ZT_COL_BYTES_RECV, s, 14);
	row->has_bytes = row->s[ZT_COL_BYTES_SENT].p != NULL &&
	    row->s[ZT_COL_BYTES_RECV].p != NULL;
	set_num(row, ZT_COL_DURATION_MS, s, 15);
	row->wp = sqlite3_column_int(s, 16);
	row->error_id = sqlite3_column_int64(s, 17);
	row->s[ZT_COL_ERROR] = stext(dm, row->error_id);
	row->num[ZT_COL_HBONE] = row->hbone;
	row->s[ZT_COL_HBONE].p = "";
	row->num[ZT_COL_VIA_WAYPOINT] = row->wp;
	row->s[ZT_COL_VIA_WAYPOINT].p = "";
}

/* ---- the run -------------------------------------------------------------- */

int
zt_check_describe(sqlite3 *db, int64_t id, char **source, int64_t *line,
    char **text)
{
	static const char q[] =
	    "SELECT s.name, r.line, r.ts, r.direction, "
	    "coalesce(r.src_workload, r.src_ip), r.src_addr, "
	    "coalesce(r.dst_workload, '-'), coalesce(r.dst_hbone_addr, "
	    "r.dst_addr), r.dst_service, r.hbone, r.bytes_sent, r.bytes_recv, "
	    "r.error, r.message FROM records AS r JOIN sources AS s "
	    "ON s.id = r.source_id WHERE r.id = ?1";
	sqlite3_stmt	*s;
	struct zt_buf	 b = { NULL, 0, 0 };
	char		 num[64];
	const char	*t;
	int		 i;

	if (sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		return -1;
	}
	*source = coldup(s, 0);
	*line = sqlite3_column_int64(s, 1);
	for (i = 2; i <= 8; i++) {
		t = (const char *)sqlite3_column_text(s, i);
		if (i == 8 && t == NULL)
			continue;
		switch (i) {
		case 5:
		case 7:
			zt_buf_add(&b, " (", 2);
			break;
		case 6:
			zt_buf_add(&b, " -> ", 4);
			break;
		case 8:
			zt_buf_add(&b, " service ", 9);
			break;
		default:
			if (b.n > 0)
				zt_buf_addc(&b, ' ');
		}
		zt_buf_add(&b, t != NULL ? t : "?", strlen(t != NULL ? t : "?"));
		if (i == 5 || i == 7)
			zt_buf_addc(&b, ')');
	}
	t = sqlite3_column_int(s, 9) ? ", HBONE" : ", plain TCP";
	zt_buf_add(&b, t, strlen(t));
	if (sqlite3_column_type(s, 10) != SQLITE_NULL) {
		snprintf(num, sizeof(num), ", %lld/%lld bytes",
		    (long long)sqlite3_column_int64(s, 10),
		    (long long)sqlite3_column_int64(s, 11));
		zt_buf_add(&b, num, strlen(num));
	}
	if ((t = (const char *)sqlite3_column_text(s, 13)) != NULL &&
	    strcmp(t, "connection complete") != 0) {
		zt_buf_add(&b, ", ", 2);
		zt_buf_add(&b, t, strlen(t));
	}
	if ((t = (const char *)sqlite3_column_text(s, 12)) != NULL) {
		zt_buf_add(&b, ", error \"", 9);
		zt_buf_add(&b, t, strlen(t));
		zt_buf_addc(&b, '"');
	}
	zt_buf_addc(&b, '\0');
	*text = b.p;
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
acc_free(struct acc *a)
{
	int64_t	 i;

	imap_fini(&a->mesh_wl);
	imap_fini(&a->mesh_svc);
	imap_fini(&a->hb_in_wl);
	imap_fini(&a->gix);
	imap_fini(&a->pin);
	imap_fini(&a->bix);
	imap_fini(&a->eix);
	imap_fini(&a->fix);
	if (a->g != NULL)
		for (i = 0; i < a->gix.n; i++)
			free(a->g[i].ex.id);
	if (a->gin != NULL)
		for (i = 0; i < a->pin.n; i++)
			free(a->gin[i].ex.id);
	if (a->bname != NULL)
		for (i = 0; i < a->bix.n; i++)
			free(a->bname[i]);
	free(a->g);
	free(a->gin);
	free(a->reqex.id);
	free(a->po);
	free(a->pi);
	free(a->bcount);
	free(a->bsvc);
	free(a->bep);
	free(a->bname);
	free(a->ecount);
	free(a->eid);
	free(a->fcount);
	free(a->fex);
	free(a->ex.id);
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

int
zt_check_run(sqlite3 *db, const struct zt_ruleset *rs,
    const struct zt_checkopts *o, struct zt_checkrun *run, struct zt_err *err)
{
	struct dims	 dm;
	struct observe	 ob;
	struct acc	*acc;
	struct zt_row	 row;
	sqlite3_stmt	*s = NULL;
	char		 addr[128];
	char		 msg[160];
	size_t		 i;
	int		 r;
	int		 rc;
	int		 max = o->examples;
	int		 want_src_addr = 0;

	memset(run, 0, sizeof(*run));
	if (accounting(db, run, err) == -1)
		return -1;
	if (dims_load(db, &dm, err) == -1) {
		dims_free(&dm);
		return -1;
	}
	run->res = zt_xcalloc(rs->n ? rs->n : 1, sizeof(*run->res));
	run->nres = rs->n;
	acc = zt_xcalloc(rs->n ? rs->n : 1, sizeof(*acc));
	for (i = 0; i < rs->n; i++) {
		acc[i].r = &rs->r[i];
		acc[i].res = &run->res[i];
		run->res[i].rule = &rs->r[i];
		imap_init(&acc[i].mesh_wl);
		imap_init(&acc[i].mesh_svc);
		imap_init(&acc[i].hb_in_wl);
		imap_init(&acc[i].gix);
		imap_init(&acc[i].pin);
		imap_init(&acc[i].bix);
		imap_init(&acc[i].eix);
		imap_init(&acc[i].fix);
		acc[i].md = pcre2_match_data_create(4, NULL);
	}
	memset(&ob, 0, sizeof(ob));
	imap_init(&ob.local);
	imap_init(&ob.podix);
	imap_init(&ob.wp_hosts);
	struct imap hbpeer;	/* (pod, peer host) of outbound HBONE */
	struct hbkey { int64_t k[2]; } *hbk = NULL;	/* its keys, in order */
	imap_init(&hbpeer);
	if (sqlite3_prepare_v2(db, scan_sql, -1, &s, NULL) != SQLITE_OK) {
		rc = zt_err_set(err, "database: %s", sqlite3_errmsg(db));
		goto out;
	}
	memset(&row, 0, sizeof(row));
	for (i = 0; i < rs->n; i++)
		want_src_addr |= uses(&rs->r[i].where, ZT_COL_SRC_ADDR) ||
		    uses(&rs->r[i].require, ZT_COL_SRC_ADDR);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		fill_row(&row, s, &dm, addr, sizeof(addr), want_src_addr);
		observe_row(&ob, &row, &dm);
		if (row.outbound && row.hbone && !row.wp) {
			int64_t k[2] = { row.pod_id, row.hbone_host_id };

			if (imap_get(&hbpeer, k, 2, 1) >= 0 && hbpeer.added) {
				grow((void **)&hbk, (size_t)hbpeer.n - 1,
				    sizeof(*hbk));
				memcpy(hbk[hbpeer.n - 1].k, k, sizeof(k));
			}
		}
		for (i = 0; i < rs->n; i++) {
			if (acc[i].err || acc[i].r->type == ZT_R_SQL)
				continue;
			if (acc[i].r->where.n > 0) {
				r = zt_filter_eval(&acc[i].r->where, &row, msg,
				    sizeof(msg));
				if (r == -1) {
					acc[i].err = 1;
					snprintf(acc[i].emsg,
					    sizeof(acc[i].emsg), "where: %s",
					    msg);
				}
				if (r != 1)
					continue;
			}
			switch (acc[i].r->type) {
			case ZT_R_HBONE:
				zt_feed_hbone(&acc[i], &row, max);
				break;
			case ZT_R_PAIRING:
				zt_feed_pairing(&acc[i], &row, &dm);
				break;
			case ZT_R_BALANCE:
				zt_feed_balance(&acc[i], &row);
				break;
			case ZT_R_ERRORS:
				zt_feed_errors(&acc[i], &row, max);
				break;
			case ZT_R_SQL:
				break;
			}
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		rc = zt_err_set(err, "database: %s", sqlite3_errmsg(db));
		goto out;
	}
	/* Cross-node HBONE: a peer host that is not local to the same pod. */
	for (int64_t h = 0; h < hbpeer.n; h++)
		if (imap_get(&ob.local, hbk[h].k, 2, 0) < 0)
			ob.out_hbone_remote++;
	for (i = 0; i < rs->n; i++) {
		struct acc *a = &acc[i];

		if (a->err) {
			a->res->status = ZT_ST_ERROR;
			snprintf(a->res->summary, sizeof(a->res->summary), "%s",
			    a->emsg);
			continue;
		}
		switch (a->r->type) {
		case ZT_R_HBONE:
			zt_finish_hbone(a, db, max);
			break;
		case ZT_R_PAIRING:
			zt_finish_pairing(a, &ob, db, max, run, o->keep_pairs);
			break;
		case ZT_R_BALANCE:
			zt_finish_balance(a, &dm);
			break;
		case ZT_R_ERRORS:
			zt_finish_errors(a, &dm, db, max);
			break;
		case ZT_R_SQL:
			zt_run_sql(a->r, a->res, db, max);
			break;
		}
	}
	coverage(db, run, &ob, &dm);
	rc = 0;
out:
	for (i = 0; i < rs->n; i++)
		acc_free(&acc[i]);
	free(acc);
	imap_fini(&hbpeer);
	free(hbk);
	imap_fini(&ob.local);
	imap_fini(&ob.podix);
	imap_fini(&ob.wp_hosts);
	free(ob.span);
	free(ob.podid);
	dims_free(&dm);
	return rc;
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

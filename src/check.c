/*
 * check.c -- the rule engine and the built-in checks; see check.h.
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

#include "check.h"
#include "dict.h"
#include "text.h"
#include "xalloc.h"

const char *const zt_status_names[] = {
	"PASS", "FAIL", "WARN", "INFO", "SKIP", "ERROR"
};

/* ---- dimensions ------------------------------------------------------ */

struct sdim {
	char		*s;		/* owned */
	size_t		 n;
	char		*host;		/* owned */
	size_t		 hn;
	int64_t		 port;		/* -1: none */
	int64_t		 hostkey;	/* C-side id of the host text */
};

struct pdim {
	char		*f[4];		/* workload, namespace, identity, cluster */
	size_t		 n[4];
	int64_t		 wlkey;		/* "namespace/workload" key, 0 none */
};

struct kdim {
	char		*f[3];		/* level, message, direction */
	size_t		 n[3];
	int		 out;
	int		 in;
	int		 failed;
	int		 complete;
};

struct dims {
	struct sdim	*str;
	size_t		 nstr;
	struct pdim	*peer;
	size_t		 npeer;
	struct kdim	*kind;
	size_t		 nkind;
	struct zt_dict	 hosts;
	struct zt_dict	 wls;
	int64_t		 nhosts;
	int64_t		 nwls;
};

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
	if (sqlite3_prepare_v2(db, "SELECT id, s, host, port FROM str "
	    "ORDER BY id", -1, &s, NULL) != SQLITE_OK)
		goto dberr;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		if (id < 1 || id > (int64_t)1 << 40)
			continue;
		if ((size_t)id >= dm->nstr) {
			size_t n = (size_t)id * 2 + 16;

			dm->str = zt_xrealloc(dm->str, n * sizeof(*dm->str));
			memset(dm->str + dm->nstr, 0,
			    (n - dm->nstr) * sizeof(*dm->str));
			dm->nstr = n;
		}
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
		if ((size_t)id >= dm->npeer) {
			size_t n = (size_t)id * 2 + 16;

			dm->peer = zt_xrealloc(dm->peer, n * sizeof(*dm->peer));
			memset(dm->peer + dm->npeer, 0,
			    (n - dm->npeer) * sizeof(*dm->peer));
			dm->npeer = n;
		}
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
		if ((size_t)id >= dm->nkind) {
			size_t n = (size_t)id * 2 + 16;

			dm->kind = zt_xrealloc(dm->kind, n * sizeof(*dm->kind));
			memset(dm->kind + dm->nkind, 0,
			    (n - dm->nkind) * sizeof(*dm->kind));
			dm->nkind = n;
		}
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

static const struct sdim *
sget(const struct dims *dm, int64_t id)
{
	if (id < 1 || (size_t)id >= dm->nstr || dm->str[id].s == NULL)
		return NULL;
	return &dm->str[id];
}

static struct zt_str
sview(const char *s)
{
	struct zt_str	 v = ZT_NOSTR;

	if (s != NULL) {
		v.p = s;
		v.n = strlen(s);
	}
	return v;
}

/* A view of a dimension text whose length is known. */
static struct zt_str
nview(const char *s, size_t n)
{
	struct zt_str	 v = { s, n };

	return s != NULL ? v : ZT_NOSTR;
}

/* The text of str id, or absent. */
static struct zt_str
stext(const struct dims *dm, int64_t id)
{
	const struct sdim	*sd = sget(dm, id);

	return sd != NULL ? nview(sd->s, sd->n) : ZT_NOSTR;
}

/* ---- small growable sets and maps keyed by integers ------------------- */

struct imap {
	struct zt_dict	 d;
	int64_t		 n;
	int		 added;		/* the last imap_get added its key */
};

static void
imap_init(struct imap *m)
{
	zt_dict_init(&m->d, 1u << 30);
	m->n = 0;
}

/* Index (0-based) of key k, adding it if add; -1 if absent. */
static int64_t
imap_get(struct imap *m, const int64_t *k, size_t nk, int add)
{
	uint64_t	 h = zt_hash(k, nk * sizeof(*k));
	int64_t		 ix = zt_dict_get(&m->d, k, nk * sizeof(*k), h);

	m->added = 0;
	if (ix < 0 && add) {
		ix = m->n++;
		zt_dict_put(&m->d, k, nk * sizeof(*k), h, ix);
		m->added = 1;
	}
	return ix;
}

static void
imap_fini(struct imap *m)
{
	zt_dict_fini(&m->d);
}

/* Record ids kept as examples: the first few, and a count of the rest. */
struct exlist {
	int64_t		*id;
	size_t		 n;
	int64_t		 more;
};

static void
ex_add(struct exlist *e, int64_t id, int max)
{
	if ((int)e->n >= max) {
		e->more++;
		return;
	}
	e->id = zt_xrealloc(e->id, (e->n + 1) * sizeof(*e->id));
	e->id[e->n++] = id;
}

/* ---- the accumulators --------------------------------------------------- */

struct group {			/* hbone: plaintext records to one destination */
	int64_t		 wl;
	int64_t		 svc;
	int64_t		 count;
	struct exlist	 ex;
};

struct pent {			/* pairing: one HBONE record, 48 bytes */
	int64_t		 ts;
	int64_t		 cb;	/* client -> server bytes */
	int64_t		 sb;	/* server -> client bytes */
	uint32_t	 id;	/* record id */
	uint32_t	 src;	/* src host key */
	uint32_t	 hb;	/* hbone str id */
	uint32_t	 wl;	/* dst workload key */
	uint32_t	 peer;	/* host key of the other side */
	uint8_t		 wp_src;	/* inbound from a waypoint (by name) */
	uint8_t		 errored;	/* may pair, never a violation */
	uint8_t		 matched;
};

struct span {
	int64_t		 lo;
	int64_t		 hi;
};

struct acc {
	const struct zt_rule	*r;
	struct zt_result	*res;
	int			 err;		/* rule failed at run time */
	char			 emsg[200];
	int64_t			 checked;
	/* hbone */
	struct imap		 mesh_wl;	/* workloads seen with HBONE */
	struct imap		 mesh_svc;	/* services reached over HBONE */
	struct imap		 hb_in_wl;	/* workloads receiving HBONE */
	struct imap		 gix;		/* (wl, svc) -> group */
	struct group		*g;
	struct imap		 pin;		/* dst wl -> inbound plaintext */
	struct group		*gin;
	int64_t			 required;	/* `require` violations */
	struct exlist		 reqex;
	/* pairing */
	struct pent		*po;
	size_t			 npo;
	struct pent		*pi;
	size_t			 npi;
	int64_t			 via_wp;
	pcre2_match_data	*md;
	/* balance */
	struct imap		 bix;		/* (svc, endpoint) -> count ix */
	int64_t			*bcount;
	int64_t			*bsvc;
	int64_t			*bep;		/* endpoint: wl key or -host key */
	char			**bname;
	/* errors */
	struct imap		 eix;		/* error id -> ix */
	int64_t			*ecount;
	int64_t			*eid;
	struct imap		 fix;		/* (src, dst) -> ix */
	int64_t			*fcount;
	int64_t			*fex;		/* first record id of the flow */
	struct exlist		 ex;
};

/* Shared by all rules: who logged what, for pairing's observability. */
struct observe {
	struct imap	 local;		/* (pod, host) seen as local address */
	struct imap	 podix;		/* pod -> ix into span */
	struct span	*span;
	int64_t		*podid;
	struct imap	 wp_hosts;	/* hosts of waypoints (outbound wp dst) */
	int64_t		 records;
	int64_t		 out;
	int64_t		 in;
	int64_t		 out_hbone_remote;	/* outbound HBONE, peer not local */
};

/* Make room for element n of an array grown by doubling from 16. */
static void
grow(void **p, size_t n, size_t size)
{
	if (n == 0)
		*p = zt_xrealloc(*p, 16 * size);
	else if (n >= 16 && (n & (n - 1)) == 0)
		*p = zt_xrealloc(*p, n * 2 * size);
}

static void
feed_hbone(struct acc *a, const struct zt_row *row, int max)
{
	int64_t		 k[2];
	int64_t		 ix;
	struct group	*g;
	char		 msg[160];
	int		 req;

	if (row->failed)
		return;
	if (row->hbone) {
		if (row->src_wl_id)
			imap_get(&a->mesh_wl, &row->src_wl_id, 1, 1);
		if (row->dst_wl_id)
			imap_get(&a->mesh_wl, &row->dst_wl_id, 1, 1);
		if (row->outbound && row->service_id)
			imap_get(&a->mesh_svc, &row->service_id, 1, 1);
		if (row->inbound && row->dst_wl_id)
			imap_get(&a->hb_in_wl, &row->dst_wl_id, 1, 1);
		if (row->outbound)
			a->checked++;
		return;
	}
	if (row->inbound) {
		if (!row->dst_wl_id)
			return;
		ix = imap_get(&a->pin, &row->dst_wl_id, 1, 1);
		if (a->pin.added) {
			grow((void **)&a->gin, (size_t)ix, sizeof(*a->gin));
			memset(&a->gin[ix], 0, sizeof(a->gin[ix]));
			a->gin[ix].wl = row->dst_wl_id;
		}
		g = &a->gin[ix];
		g->count++;
		ex_add(&g->ex, row->id, max);
		return;
	}
	if (!row->outbound)
		return;
	a->checked++;
	if (a->r->has_require) {
		req = zt_filter_eval(&a->r->require, row, msg, sizeof(msg));
		if (req == -1 && !a->err) {
			a->err = 1;
			snprintf(a->emsg, sizeof(a->emsg), "require: %s", msg);
		}
		if (req == 1) {
			a->required++;
			ex_add(&a->reqex, row->id, max);
			return;
		}
	}
	if (!row->dst_wl_id && !row->service_id)
		return;		/* passthrough to an address outside the mesh */
	k[0] = row->dst_wl_id;
	k[1] = row->service_id;
	ix = imap_get(&a->gix, k, 2, 1);
	if (a->gix.added) {
		grow((void **)&a->g, (size_t)ix, sizeof(*a->g));
		memset(&a->g[ix], 0, sizeof(a->g[ix]));
		a->g[ix].wl = k[0];
		a->g[ix].svc = k[1];
	}
	g = &a->g[ix];
	g->count++;
	ex_add(&g->ex, row->id, max);
}

static void
feed_pairing(struct acc *a, const struct zt_row *row, const struct dims *dm)
{
	struct pent	*e;
	char		 msg[160];
	int		 r;

	if (!row->complete || !row->hbone || !row->has_bytes ||
	    row->id > (int64_t)UINT32_MAX)
		return;
	if (row->outbound && row->wp) {
		a->via_wp++;
		return;
	}
	if (row->outbound) {
		grow((void **)&a->po, a->npo, sizeof(*a->po));
		e = &a->po[a->npo++];
	} else if (row->inbound) {
		grow((void **)&a->pi, a->npi, sizeof(*a->pi));
		e = &a->pi[a->npi++];
	} else
		return;
	memset(e, 0, sizeof(*e));
	/* Ids and keys are dense counters far below 2^32. */
	e->id = (uint32_t)row->id;
	e->ts = row->ts_us;
	e->src = (uint32_t)(row->src_ip_id ? sget(dm, row->src_ip_id)->hostkey :
	    0);
	e->hb = (uint32_t)row->hbone_id;
	e->wl = (uint32_t)row->dst_wl_id;
	/*
	 * A connection that ended in an error may still have a twin (the
	 * other side often closed cleanly): it may take part in matching,
	 * but is never reported unpaired.
	 */
	e->errored = row->error_id != 0;
	if (row->outbound) {
		e->cb = row->num[ZT_COL_BYTES_SENT];
		e->sb = row->num[ZT_COL_BYTES_RECV];
		e->peer = (uint32_t)row->hbone_host_id;
	} else {
		e->cb = row->num[ZT_COL_BYTES_RECV];
		e->sb = row->num[ZT_COL_BYTES_SENT];
		e->peer = e->src;
		r = 0;
		if (row->s[ZT_COL_SRC_IDENTITY].p != NULL)
			r = zt_re_match(a->r->waypoint, a->md,
			    row->s[ZT_COL_SRC_IDENTITY], msg, sizeof(msg));
		if (r == 0 && row->s[ZT_COL_SRC_WORKLOAD].p != NULL)
			r = zt_re_match(a->r->waypoint, a->md,
			    row->s[ZT_COL_SRC_WORKLOAD], msg, sizeof(msg));
		if (r == -1 && !a->err) {
			a->err = 1;
			snprintf(a->emsg, sizeof(a->emsg), "waypoint: %s", msg);
		}
		e->wp_src = r == 1;
	}
}

static void
feed_balance(struct acc *a, const struct zt_row *row, const struct dims *dm)
{
	int64_t		 k[2];
	int64_t		 ix;
	const char	*name;

	(void)dm;
	if (!row->outbound || !row->complete || !row->service_id)
		return;
	k[0] = row->service_id;
	if (row->dst_wl_id) {
		k[1] = row->dst_wl_id;
		name = row->s[ZT_COL_DST_WORKLOAD].p;
	} else if (row->hbone_host_id && row->wp == 0) {
		k[1] = -row->hbone_host_id;
		name = row->s[ZT_COL_DST_HBONE_HOST].p;
	} else {
		k[1] = -row->dst_host_id;
		name = row->s[ZT_COL_DST_IP].p;
	}
	a->checked++;
	ix = imap_get(&a->bix, k, 2, 1);
	if (a->bix.added) {
		grow((void **)&a->bcount, (size_t)ix, sizeof(*a->bcount));
		grow((void **)&a->bsvc, (size_t)ix, sizeof(*a->bsvc));
		grow((void **)&a->bep, (size_t)ix, sizeof(*a->bep));
		grow((void **)&a->bname, (size_t)ix, sizeof(*a->bname));
		a->bcount[ix] = 0;
		a->bsvc[ix] = k[0];
		a->bep[ix] = k[1];
		a->bname[ix] = zt_xstrdup(name != NULL ? name : "?");
	}
	a->bcount[ix]++;
}

static void
feed_errors(struct acc *a, const struct zt_row *row, int max)
{
	int64_t		 k[2];
	int64_t		 ix;

	if (row->s[ZT_COL_MESSAGE].p != NULL &&
	    ZT_STR_EQ(row->s[ZT_COL_MESSAGE], "connection opened"))
		return;
	a->checked++;
	if (!row->error_id)
		return;
	ix = imap_get(&a->eix, &row->error_id, 1, 1);
	if (a->eix.added) {
		grow((void **)&a->ecount, (size_t)ix, sizeof(*a->ecount));
		grow((void **)&a->eid, (size_t)ix, sizeof(*a->eid));
		a->ecount[ix] = 0;
		a->eid[ix] = row->error_id;
	}
	a->ecount[ix]++;
	k[0] = row->src_wl_id ? row->src_wl_id : -row->src_ip_id;
	k[1] = row->dst_wl_id ? row->dst_wl_id : row->service_id ?
	    (int64_t)1 << 40 | row->service_id : -row->dst_host_id;
	ix = imap_get(&a->fix, k, 2, 1);
	if (a->fix.added) {
		grow((void **)&a->fcount, (size_t)ix, sizeof(*a->fcount));
		grow((void **)&a->fex, (size_t)ix, sizeof(*a->fex));
		a->fcount[ix] = 0;
		a->fex[ix] = row->id;
	}
	a->fcount[ix]++;
	ex_add(&a->ex, row->id, max);
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

/* ---- finishing ----------------------------------------------------------- */

static void
count(struct zt_result *res, const char *name, int64_t v)
{
	if (res->ncounts < (int)(sizeof(res->counts) / sizeof(res->counts[0]))) {
		res->counts[res->ncounts].name = name;
		res->counts[res->ncounts].v = v;
		res->ncounts++;
	}
}

static void
example(struct zt_result *res, const char *source, int64_t line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
example(struct zt_result *res, const char *source, int64_t line,
    const char *fmt, ...)
{
	va_list		 ap;
	char		 buf[1024];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	res->ex = zt_xrealloc(res->ex, (res->nex + 1) * sizeof(*res->ex));
	res->ex[res->nex].source = source != NULL ? zt_xstrdup(source) : NULL;
	res->ex[res->nex].line = line;
	res->ex[res->nex].text = zt_xstrdup(buf);
	res->nex++;
}

static void
example_rec(struct zt_result *res, sqlite3 *db, int64_t id, const char *what)
{
	char	*src = NULL;
	char	*text = NULL;
	int64_t	 line = 0;

	if (zt_check_describe(db, id, &src, &line, &text) == 0)
		example(res, src, line, "%s%s%s", what != NULL ? what : "",
		    what != NULL ? ": " : "", text);
	free(src);
	free(text);
}

/* FAIL, WARN or INFO by the rule's severity. */
static enum zt_status
failed(const struct zt_rule *r)
{
	return r->sev == ZT_SEV_ERROR ? ZT_ST_FAIL : r->sev == ZT_SEV_WARNING ?
	    ZT_ST_WARN : ZT_ST_INFO;
}

static void
finish_hbone(struct acc *a, const struct dims *dm, sqlite3 *db, int max)
{
	struct zt_result	*res = a->res;
	int64_t			 viol = a->required;
	int64_t			 around = 0;
	int64_t			 i;
	size_t			 k;
	int			 shown = 0;

	for (i = 0; i < a->gix.n; i++) {
		struct group *g = &a->g[i];

		if (!((g->wl && imap_get(&a->mesh_wl, &g->wl, 1, 0) >= 0) ||
		    (g->svc && imap_get(&a->mesh_svc, &g->svc, 1, 0) >= 0)))
			continue;
		viol += g->count;
		for (k = 0; k < g->ex.n && shown < max; k++, shown++)
			example_rec(res, db, g->ex.id[k],
			    "plain TCP to an in-mesh destination");
	}
	for (k = 0; k < a->reqex.n && shown < max; k++, shown++)
		example_rec(res, db, a->reqex.id[k], "plain TCP to a "
		    "destination that `require` covers");
	for (i = 0; i < a->pin.n; i++) {
		struct group *g = &a->gin[i];

		if (imap_get(&a->hb_in_wl, &g->wl, 1, 0) < 0)
			continue;
		around += g->count;
		if (viol == 0)
			for (k = 0; k < g->ex.n && shown < max; k++, shown++)
				example_rec(res, db, g->ex.id[k], "inbound "
				    "plain TCP to a workload that also "
				    "receives HBONE");
	}
	(void)dm;
	res->more = (viol > 0 ? viol : around) - shown;
	if (res->more < 0)
		res->more = 0;
	count(res, "outbound", a->checked);
	count(res, "plaintext_to_mesh", viol);
	count(res, "inbound_plaintext_to_mesh", around);
	if (viol > 0) {
		res->status = failed(a->r);
		snprintf(res->summary, sizeof(res->summary), "%" PRId64 " of %"
		    PRId64 " outbound records bypass HBONE to an in-mesh "
		    "destination", viol, a->checked);
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
	} else if (a->checked == 0) {
		res->status = ZT_ST_SKIP;
		snprintf(res->summary, sizeof(res->summary), "no outbound "
		    "records to judge");
	} else {
		res->status = ZT_ST_PASS;
		snprintf(res->summary, sizeof(res->summary), "%" PRId64
		    " outbound records, none bypass HBONE to an in-mesh "
		    "destination", a->checked);
	}
}

static int
pent_cmp(const void *x, const void *y)
{
	const struct pent	*a = x;
	const struct pent	*b = y;

#define CMP(f) if (a->f != b->f) return a->f < b->f ? -1 : 1
	CMP(src);
	CMP(hb);
	CMP(wl);
	CMP(cb);
	CMP(sb);
	CMP(ts);
	CMP(id);
#undef CMP
	return 0;
}

static int
same_key(const struct pent *a, const struct pent *b)
{
	return a->src == b->src && a->hb == b->hb && a->wl == b->wl &&
	    a->cb == b->cb && a->sb == b->sb;
}

struct cand {
	int64_t		 adt;
	size_t		 o;
	size_t		 i;
};

static int
cand_cmp(const void *x, const void *y)
{
	const struct cand	*a = x;
	const struct cand	*b = y;

	if (a->adt != b->adt)
		return a->adt < b->adt ? -1 : 1;
	if (a->o != b->o)
		return a->o < b->o ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

/*
 * Could the other side's ztunnel have logged the twin of a record at ts?
 * Yes when a pod that has host as a local address logged records both
 * before and after ts (its span covers ts; a log cut just before the
 * twin is then not counted against the mesh).
 */
static int
observable(const struct observe *ob, int64_t host, int64_t ts)
{
	int64_t	 k[2];
	int64_t	 i;

	for (i = 0; i < ob->podix.n; i++) {
		if (ts < ob->span[i].lo || ts > ob->span[i].hi)
			continue;
		k[0] = ob->podid[i];
		k[1] = host;
		if (imap_get((struct imap *)&ob->local, k, 2, 0) >= 0)
			return 1;
	}
	return 0;
}

static void
keep_pair(struct zt_checkrun *run, int64_t o, int64_t i, int64_t dt, int v)
{
	grow((void **)&run->pairs, run->npairs, sizeof(*run->pairs));
	run->pairs[run->npairs].out_id = o;
	run->pairs[run->npairs].in_id = i;
	run->pairs[run->npairs].dt_us = dt;
	run->pairs[run->npairs].verifiable = v;
	run->npairs++;
}

static void
finish_pairing(struct acc *a, const struct observe *ob, sqlite3 *db, int max,
    struct zt_checkrun *run, int keep)
{
	struct zt_result	*res = a->res;
	struct cand		*cv = NULL;
	size_t			 nc;
	size_t			 o0, o1, i0, i1, o, i, lo, n;
	int64_t			 w = a->r->window_ms * 1000;
	int64_t			 matched = 0;
	int64_t			 uo = 0;
	int64_t			 ui = 0;
	int64_t			 unv = 0;
	int64_t			 fromwp = 0;
	int64_t			*ids = NULL;
	size_t			 nids = 0;
	int			 v;

	/* Inbound records whose source is a waypoint have no outbound twin. */
	for (i = n = 0; i < a->npi; i++) {
		int64_t src = a->pi[i].src;

		if (a->pi[i].wp_src ||
		    imap_get((struct imap *)&ob->wp_hosts, &src, 1, 0) >= 0) {
			fromwp++;
			continue;
		}
		a->pi[n++] = a->pi[i];
	}
	a->npi = n;
	if (a->npo > 0)
		qsort(a->po, a->npo, sizeof(*a->po), pent_cmp);
	if (a->npi > 0)
		qsort(a->pi, a->npi, sizeof(*a->pi), pent_cmp);
	for (o0 = i0 = 0; o0 < a->npo && i0 < a->npi; ) {
		v = pent_cmp(&a->po[o0], &a->pi[i0]);
		if (!same_key(&a->po[o0], &a->pi[i0])) {
			/* Advance whichever key is smaller. */
			if (v < 0)
				for (o = o0; o0 < a->npo &&
				    same_key(&a->po[o0], &a->po[o]); o0++)
					;
			else
				for (i = i0; i0 < a->npi &&
				    same_key(&a->pi[i0], &a->pi[i]); i0++)
					;
			continue;
		}
		for (o1 = o0; o1 < a->npo && same_key(&a->po[o1], &a->po[o0]);
		    o1++)
			;
		for (i1 = i0; i1 < a->npi && same_key(&a->pi[i1], &a->pi[i0]);
		    i1++)
			;
		/* Candidate pairs within the window, nearest first. */
		nc = 0;
		lo = i0;
		for (o = o0; o < o1; o++) {
			while (lo < i1 && a->pi[lo].ts < a->po[o].ts - w)
				lo++;
			for (i = lo; i < i1 && a->pi[i].ts <= a->po[o].ts + w;
			    i++) {
				grow((void **)&cv, nc, sizeof(*cv));
				cv[nc].adt = llabs(a->pi[i].ts - a->po[o].ts);
				cv[nc].o = o;
				cv[nc].i = i;
				nc++;
			}
		}
		if (nc > 1)
			qsort(cv, nc, sizeof(*cv), cand_cmp);
		for (n = 0; n < nc; n++) {
			if (a->po[cv[n].o].matched || a->pi[cv[n].i].matched)
				continue;
			a->po[cv[n].o].matched = a->pi[cv[n].i].matched = 1;
			matched++;
			if (keep)
				keep_pair(run, a->po[cv[n].o].id,
				    a->pi[cv[n].i].id,
				    a->pi[cv[n].i].ts - a->po[cv[n].o].ts, 1);
		}
		free(cv);
		cv = NULL;
		o0 = o1;
		i0 = i1;
	}
	for (o = 0; o < a->npo; o++) {
		if (a->po[o].matched || a->po[o].errored)
			continue;
		v = observable(ob, a->po[o].peer, a->po[o].ts);
		if (keep)
			keep_pair(run, a->po[o].id, 0, 0, v);
		if (!v) {
			unv++;
			continue;
		}
		uo++;
		grow((void **)&ids, nids, sizeof(*ids));
		ids[nids++] = a->po[o].id;
	}
	for (i = 0; i < a->npi; i++) {
		if (a->pi[i].matched || a->pi[i].errored)
			continue;
		v = observable(ob, a->pi[i].peer, a->pi[i].ts);
		if (keep)
			keep_pair(run, 0, a->pi[i].id, 0, v);
		if (!v) {
			unv++;
			continue;
		}
		ui++;
		grow((void **)&ids, nids, sizeof(*ids));
		ids[nids++] = -a->pi[i].id;
	}
	for (n = 0; n < nids && (int)n < max; n++)
		example_rec(res, db, llabs(ids[n]), ids[n] > 0 ?
		    "no inbound twin" : "no outbound twin");
	res->more = (int64_t)nids > max ? (int64_t)nids - max : 0;
	free(ids);
	count(res, "paired", matched);
	count(res, "outbound_unpaired", uo);
	count(res, "inbound_unpaired", ui);
	count(res, "unverifiable", unv);
	count(res, "via_waypoint", a->via_wp);
	count(res, "from_waypoint", fromwp);
	if (uo + ui > 0) {
		res->status = failed(a->r);
		snprintf(res->summary, sizeof(res->summary), "%" PRId64 " paired;"
		    " %" PRId64 " outbound without an inbound twin, %" PRId64
		    " inbound without an outbound twin (%" PRId64
		    " unverifiable)", matched, uo, ui, unv);
		res->hint = uo > 0 ? "no inbound twin: the destination's ztunnel "
		    "did not see the connection; check traffic redirection "
		    "(istio-cni) on the destination node and that its ztunnel "
		    "logs cover the time" : "no outbound twin: the client's "
		    "ztunnel did not log the connection; the client may not be "
		    "captured (not enrolled), or came through a proxy ztlog "
		    "does not know as a waypoint (set `waypoint:`)";
	} else if (a->npo + a->npi == 0) {
		res->status = ZT_ST_SKIP;
		snprintf(res->summary, sizeof(res->summary), "no HBONE "
		    "connection records to pair");
	} else if (matched == 0) {
		res->status = ZT_ST_SKIP;
		snprintf(res->summary, sizeof(res->summary), "nothing to "
		    "verify: the other ztunnel of all %" PRId64 " HBONE records "
		    "is not in the input", unv);
	} else {
		res->status = ZT_ST_PASS;
		snprintf(res->summary, sizeof(res->summary), "%" PRId64
		    " connections paired (%" PRId64 " unverifiable: the other "
		    "ztunnel is not in the input)", matched, unv);
	}
}

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

static void
finish_balance(struct acc *a, const struct dims *dm)
{
	struct zt_result	*res = a->res;
	struct imap		 six;
	struct zt_lbsvc		*sv;
	int64_t			 i;
	int64_t			 ix;
	size_t			 k;
	size_t			 nfail = 0;
	size_t			 nskip = 0;
	double			 e;
	double			 mx;
	double			 mn;
	char			 line[1024];
	size_t			 len;

	imap_init(&six);
	for (i = 0; i < a->bix.n; i++) {
		ix = imap_get(&six, &a->bsvc[i], 1, 1);
		if (six.added) {
			grow((void **)&res->svc, (size_t)ix, sizeof(*res->svc));
			memset(&res->svc[ix], 0, sizeof(res->svc[ix]));
			res->svc[ix].service = zt_xstrdup(sget(dm, a->bsvc[i]) ?
			    sget(dm, a->bsvc[i])->s : "?");
			res->nsvc++;
		}
		sv = &res->svc[ix];
		sv->ep = zt_xrealloc(sv->ep, (sv->nep + 1) * sizeof(*sv->ep));
		sv->ep[sv->nep].name = a->bname[i];
		a->bname[i] = NULL;
		sv->ep[sv->nep].n = a->bcount[i];
		sv->nep++;
		sv->total += a->bcount[i];
	}
	imap_fini(&six);
	if (res->nsvc > 1)
		qsort(res->svc, res->nsvc, sizeof(*res->svc), svc_cmp);
	for (k = 0; k < res->nsvc; k++) {
		sv = &res->svc[k];
		qsort(sv->ep, sv->nep, sizeof(*sv->ep), ep_cmp);
		e = (double)sv->total / (double)sv->nep;
		mx = 0;
		mn = 1e300;
		sv->chi2 = 0;
		for (i = 0; i < (int64_t)sv->nep; i++) {
			double d = (double)sv->ep[i].n - e;

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
			nskip++;
			continue;
		}
		if (e < a->r->min_expected) {
			snprintf(sv->skipbuf, sizeof(sv->skipbuf), "too few "
			    "connections: %" PRId64 " over %zu endpoints, need "
			    "%g per endpoint", sv->total, sv->nep,
			    a->r->min_expected);
			sv->skip = sv->skipbuf;
			nskip++;
			continue;
		}
		sv->p = zt_chi2_q(sv->chi2, (double)sv->nep - 1);
		sv->fail = sv->p < a->r->alpha || (a->r->max_ratio > 0 &&
		    sv->ratio > a->r->max_ratio);
		if (!sv->fail)
			continue;
		nfail++;
		len = 0;
		line[0] = '\0';
		for (i = 0; i < (int64_t)sv->nep && len < sizeof(line) - 80; i++)
			len += (size_t)snprintf(line + len, sizeof(line) - len,
			    "%s%s %" PRId64 " (%.0f%%)", i ? ", " : "",
			    sv->ep[i].name, sv->ep[i].n,
			    100.0 * (double)sv->ep[i].n / (double)sv->total);
		example(res, NULL, 0, "%s: %s; chi2=%.1f df=%zu p=%.2g",
		    sv->service, line, sv->chi2, sv->nep - 1, sv->p);
	}
	count(res, "services", (int64_t)res->nsvc);
	count(res, "unbalanced", (int64_t)nfail);
	count(res, "skipped", (int64_t)nskip);
	count(res, "connections", a->checked);
	if (nfail > 0) {
		res->status = failed(a->r);
		snprintf(res->summary, sizeof(res->summary), "%zu of %zu "
		    "service%s unevenly spread over their endpoints (%zu "
		    "skipped)", nfail, res->nsvc - nskip,
		    res->nsvc - nskip == 1 ? "" : "s", nskip);
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
		    "spread evenly (%zu skipped)", res->nsvc - nskip,
		    res->nsvc - nskip == 1 ? "" : "s", nskip);
	}
}

static void
finish_errors(struct acc *a, const struct dims *dm, sqlite3 *db, int max)
{
	struct zt_result	*res = a->res;
	int64_t			 total = 0;
	int64_t			 i;
	int64_t			 j;
	int64_t			 best;
	int			 shown;
	char			*src = NULL;
	char			*text = NULL;
	int64_t			 line;

	for (i = 0; i < a->eix.n; i++)
		total += a->ecount[i];
	/* The most frequent error texts, then the busiest flows. */
	for (shown = 0; shown < max && shown < a->eix.n; shown++) {
		best = -1;
		for (j = 0; j < a->eix.n; j++)
			if (a->ecount[j] > 0 && (best < 0 ||
			    a->ecount[j] > a->ecount[best]))
				best = j;
		if (best < 0)
			break;
		example(res, NULL, 0, "%" PRId64 " x error \"%s\"",
		    a->ecount[best], sget(dm, a->eid[best]) ?
		    sget(dm, a->eid[best])->s : "?");
		a->ecount[best] = -a->ecount[best];
	}
	for (shown = 0; shown < max && shown < a->fix.n; shown++) {
		best = -1;
		for (j = 0; j < a->fix.n; j++)
			if (a->fcount[j] > 0 && (best < 0 ||
			    a->fcount[j] > a->fcount[best]))
				best = j;
		if (best < 0)
			break;
		if (zt_check_describe(db, a->fex[best], &src, &line,
		    &text) == 0)
			example(res, src, line, "%" PRId64 " x this flow, first: "
			    "%s", a->fcount[best], text);
		free(src);
		free(text);
		src = text = NULL;
		a->fcount[best] = -a->fcount[best];
	}
	count(res, "records", a->checked);
	count(res, "errors", total);
	count(res, "distinct_errors", a->eix.n);
	count(res, "max", a->r->max);
	if (total > a->r->max) {
		res->status = failed(a->r);
		snprintf(res->summary, sizeof(res->summary), "%" PRId64 " of %"
		    PRId64 " connection%s ended in an error (%" PRId64
		    " allowed)", total, a->checked, a->checked == 1 ? "" : "s",
		    a->r->max);
		res->hint = "read the error texts: \"connection refused\" is the "
		    "application port, \"timed out ... 15008\" a NetworkPolicy "
		    "on the HBONE port, \"policy rejection\" an "
		    "AuthorizationPolicy, \"no healthy upstream\" a service "
		    "without ready endpoints";
	} else if (a->checked == 0) {
		res->status = ZT_ST_SKIP;
		snprintf(res->summary, sizeof(res->summary), "no records");
	} else {
		res->status = ZT_ST_PASS;
		snprintf(res->summary, sizeof(res->summary), "%" PRId64 " of %"
		    PRId64 " connection%s ended in an error (%" PRId64
		    " allowed)", total, a->checked, a->checked == 1 ? "" : "s",
		    a->r->max);
	}
}

static void
run_sql(const struct zt_rule *r, struct zt_result *res, sqlite3 *db, int max)
{
	sqlite3_stmt	*s;
	struct zt_buf	 b = { NULL, 0, 0 };
	int64_t		 rows = 0;
	int		 rc;
	int		 i;
	int		 bad;

	if (sqlite3_prepare_v2(db, r->sql, -1, &s, NULL) != SQLITE_OK) {
		res->status = ZT_ST_ERROR;
		snprintf(res->summary, sizeof(res->summary), "SQL: %s",
		    sqlite3_errmsg(db));
		return;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (++rows > max)
			continue;
		b.n = 0;
		for (i = 0; i < sqlite3_column_count(s); i++) {
			const char *v = (const char *)sqlite3_column_text(s, i);

			if (i > 0)
				zt_buf_add(&b, ", ", 2);
			zt_buf_add(&b, sqlite3_column_name(s, i),
			    strlen(sqlite3_column_name(s, i)));
			zt_buf_addc(&b, '=');
			if (v == NULL)
				zt_buf_add(&b, "NULL", 4);
			else
				zt_buf_add(&b, v, strlen(v));
		}
		zt_buf_addc(&b, '\0');
		example(res, NULL, 0, "%s", b.p);
	}
	zt_buf_free(&b);
	if (rc != SQLITE_DONE) {
		res->status = ZT_ST_ERROR;
		snprintf(res->summary, sizeof(res->summary), "SQL: %s",
		    sqlite3_errmsg(db));
		sqlite3_finalize(s);
		return;
	}
	sqlite3_finalize(s);
	res->more = rows > max ? rows - max : 0;
	count(res, "rows", rows);
	switch (r->expect) {
	case ZT_EXPECT_EMPTY:
		bad = rows > 0;
		snprintf(res->summary, sizeof(res->summary), "%" PRId64
		    " row%s (expected none)", rows, rows == 1 ? "" : "s");
		break;
	case ZT_EXPECT_NONEMPTY:
		bad = rows == 0;
		snprintf(res->summary, sizeof(res->summary), "%" PRId64
		    " row%s (expected some)", rows, rows == 1 ? "" : "s");
		break;
	case ZT_EXPECT_MAX:
		bad = rows > r->bound;
		snprintf(res->summary, sizeof(res->summary), "%" PRId64
		    " row%s (expected at most %" PRId64 ")", rows,
		    rows == 1 ? "" : "s", r->bound);
		break;
	default:
		bad = rows < r->bound;
		snprintf(res->summary, sizeof(res->summary), "%" PRId64
		    " row%s (expected at least %" PRId64 ")", rows,
		    rows == 1 ? "" : "s", r->bound);
		break;
	}
	res->status = bad ? failed(r) : ZT_ST_PASS;
	if (r->expect != ZT_EXPECT_NONEMPTY && r->expect != ZT_EXPECT_MIN &&
	    !bad) {
		/* Rows of a passing rule are not violations: drop them. */
		for (i = 0; i < (int)res->nex; i++) {
			free(res->ex[i].source);
			free(res->ex[i].text);
		}
		res->nex = 0;
		res->more = 0;
	}
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
				feed_hbone(&acc[i], &row, max);
				break;
			case ZT_R_PAIRING:
				feed_pairing(&acc[i], &row, &dm);
				break;
			case ZT_R_BALANCE:
				feed_balance(&acc[i], &row, &dm);
				break;
			case ZT_R_ERRORS:
				feed_errors(&acc[i], &row, max);
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
			finish_hbone(a, &dm, db, max);
			break;
		case ZT_R_PAIRING:
			finish_pairing(a, &ob, db, max, run, o->keep_pairs);
			break;
		case ZT_R_BALANCE:
			finish_balance(a, &dm);
			break;
		case ZT_R_ERRORS:
			finish_errors(a, &dm, db, max);
			break;
		case ZT_R_SQL:
			run_sql(a->r, a->res, db, max);
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

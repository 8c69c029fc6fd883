/*
 * intern.c -- see intern.h.
 *
 * The fresh log holds the rows interned but not yet inserted, as
 *   table (1 byte), id (8), then per text: present (1), length (4), bytes,
 * integers little-endian.
 */
#include <stdlib.h>
#include <string.h>

#include "store/intern.h"
#include "util/dict.h"

#define DICT_CAP	(32u << 20)	/* distinct name bytes per table */

static void
itab_init(struct zt_itab *t, struct zt_names *d, int ncols, const char *what)
{
	t->d = d;
	t->ncols = ncols;
	t->what = what;
	t->next = 0;
}

void
zt_intern_init(struct zt_intern *in)
{
	memset(in, 0, sizeof(*in));
	zt_nameset_init(&in->names, DICT_CAP);
	itab_init(&in->str, &in->names.str, 1, "names and addresses");
	itab_init(&in->peer, &in->names.peer, 4, "workloads");
	itab_init(&in->kind, &in->names.kind, 3, "record kinds");
	in->lastpod = -1;
}

void
zt_intern_fini(struct zt_intern *in)
{
	zt_nameset_fini(&in->names);
	zt_buf_free(&in->key);
	zt_buf_free(&in->lastpod_name);
	memset(in, 0, sizeof(*in));
}

/* ---- loading ---------------------------------------------------------- */

static int
itab_load(struct zt_itab *t, sqlite3 *db, const char *q, struct zt_err *err)
{
	sqlite3_stmt	*s;
	const void	*k;
	size_t		 n;
	int64_t		 id;
	int		 rc;

	zt_names_clear(t->d);
	t->next = 0;
	if (sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK)
		goto dberr;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		k = sqlite3_column_blob(s, 1);
		n = (size_t)sqlite3_column_bytes(s, 1);
		if (id > t->next)
			t->next = id;
		/*
		 * A zero-length value comes back as a NULL pointer: it is
		 * the empty key (error=""), not an absent one, and leaving
		 * it out would insert it again, against UNIQUE.
		 */
		if (sqlite3_column_type(s, 1) == SQLITE_NULL)
			continue;
		if (k == NULL)
			k = "";
		if (zt_names_full(t->d, n)) {
			sqlite3_finalize(s);
			return zt_err_set(err, "database: more than %u MB of "
			    "distinct %s; ztlog's limit", DICT_CAP >> 20,
			    t->what);
		}
		if (zt_names_put(t->d, k, n, zt_hash(k, n), id) == -1) {
			sqlite3_finalize(s);
			return zt_err_set(err, "database: %s id %lld out of "
			    "range or repeated", t->what, (long long)id);
		}
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		return 0;
dberr:
	return zt_err_set(err, "database: load: %s", sqlite3_errmsg(db));
}

int
zt_intern_load(struct zt_intern *in, sqlite3 *db, struct zt_err *err)
{
	if (itab_load(&in->str, db, "SELECT id, s FROM str", err) == -1 ||
	    itab_load(&in->peer, db, "SELECT id, k FROM peer", err) == -1 ||
	    itab_load(&in->kind, db, "SELECT id, k FROM kind", err) == -1)
		return -1;
	return 0;
}

void
zt_intern_begin(struct zt_intern *in)
{
	in->lastpod = -1;
	in->mark[0] = in->str.next;
	in->mark[1] = in->peer.next;
	in->mark[2] = in->kind.next;
}

void
zt_intern_marks(const struct zt_intern *in, int64_t m[3])
{
	m[0] = in->str.next;
	m[1] = in->peer.next;
	m[2] = in->kind.next;
}

void
zt_intern_commit(struct zt_intern *in, const int64_t m[3])
{
	memcpy(in->mark, m, sizeof(in->mark));
}

void
zt_intern_rollback(struct zt_intern *in)
{
	struct zt_itab	*t[3] = { &in->str, &in->peer, &in->kind };
	int		 i;

	for (i = 0; i < 3; i++) {
		zt_names_truncate(t[i]->d, in->mark[i]);
		t[i]->next = in->mark[i];
	}
	in->lastpod = -1;
}

/* ---- interning ---------------------------------------------------------- */

static void
put_le(unsigned char *b, uint64_t v, int n)
{
	int	 k;

	for (k = 0; k < n; k++)
		b[k] = (unsigned char)(v >> (8 * k));
}

static uint64_t
get_le(const unsigned char *p, int n)
{
	uint64_t	 v = 0;
	int		 k;

	for (k = n - 1; k >= 0; k--)
		v = v << 8 | p[k];
	return v;
}

static void
fresh_add(struct zt_buf *f, enum zt_fresh_tab t, int64_t id,
    const struct zt_str *v, int n)
{
	unsigned char	 b[9];
	int		 i;

	b[0] = (unsigned char)t;
	put_le(b + 1, (uint64_t)id, 8);
	zt_buf_add(f, (const char *)b, 9);
	for (i = 0; i < n; i++) {
		b[0] = v[i].p != NULL;
		put_le(b + 1, v[i].n, 4);
		zt_buf_add(f, (const char *)b, 5);
		if (v[i].p != NULL)
			zt_buf_add(f, v[i].p, v[i].n);
	}
}

int
zt_intern_fresh_next(const char **p, const char *end, enum zt_fresh_tab *tab,
    int64_t *id, struct zt_str v[4])
{
	const unsigned char	*q = (const unsigned char *)*p;
	int			 nc;
	int			 i;

	if (*p >= end)
		return 0;
	*tab = (enum zt_fresh_tab)q[0];
	*id = (int64_t)get_le(q + 1, 8);
	q += 9;
	nc = *tab == ZT_FRESH_STR ? 1 : *tab == ZT_FRESH_PEER ? 4 : 3;
	for (i = 0; i < nc; i++) {
		v[i].n = (size_t)get_le(q + 1, 4);
		v[i].p = q[0] ? (const char *)q + 5 : NULL;
		q += 5 + (q[0] ? v[i].n : 0);
	}
	*p = (const char *)q;
	return nc;
}

/*
 * The id of key in t, giving it the next id (and logging the new row in
 * fresh, unless NULL) if it is new.  -1 with err set when the table is
 * full.
 */
static int64_t
intern(struct zt_itab *t, enum zt_fresh_tab which, struct zt_str key,
    const struct zt_str *cols, struct zt_buf *fresh, struct zt_err *err)
{
	uint64_t	 h = zt_hash(key.p, key.n);
	int64_t		 id = zt_names_find(t->d, key.p, key.n, h);

	if (id >= 0)
		return id;
	if (zt_names_full(t->d, key.n) || t->next + 1 >= ZT_NAMES_MAXID)
		return zt_err_set(err, "more than %u MB of distinct %s in the "
		    "input; ztlog's limit", DICT_CAP >> 20, t->what);
	id = ++t->next;
	zt_names_put(t->d, key.p, key.n, h, id);
	if (fresh != NULL)
		fresh_add(fresh, which, id, cols, t->ncols);
	return id;
}

/* Interned id of a text, or 0 for "absent" (bound as NULL). */
static int64_t
intern_str(struct zt_intern *in, struct zt_str v, struct zt_buf *fresh,
    struct zt_err *err)
{
	if (v.p == NULL)
		return 0;
	return intern(&in->str, ZT_FRESH_STR, v, &v, fresh, err);
}

/* Interned id of a tuple; 0 when every text is absent (peer only). */
static int64_t
intern_tuple(struct zt_intern *in, struct zt_itab *t, const struct zt_str *v,
    struct zt_buf *fresh, struct zt_err *err)
{
	struct zt_str	 key;
	int		 i;
	int		 any = 0;

	for (i = 0; i < t->ncols; i++)
		any |= v[i].p != NULL;
	if (!any && t != &in->kind)
		return 0;
	zt_names_tuple_key(&in->key, v, t->ncols);
	key.p = in->key.p;
	key.n = in->key.n;
	return intern(t, t == &in->kind ? ZT_FRESH_KIND : ZT_FRESH_PEER, key, v,
	    fresh, err);
}

/* The pod's id: lines come in pod blocks, mostly the last line's pod. */
static int64_t
intern_pod(struct zt_intern *in, struct zt_str pod, struct zt_buf *fresh,
    struct zt_err *err)
{
	if (pod.p == NULL)
		return 0;
	if (in->lastpod > 0 && pod.n == in->lastpod_name.n &&
	    zt_mem_eq(pod.p, in->lastpod_name.p, pod.n))
		return in->lastpod;
	in->lastpod = intern_str(in, pod, fresh, err);
	in->lastpod_name.n = 0;
	zt_buf_add(&in->lastpod_name, pod.p, pod.n);
	return in->lastpod;
}

/* What does not need interning: times, numbers, the waypoint flag. */
static void
plain_fields(const struct zt_rec *rec, struct zt_recids *ids)
{
	struct zt_str	 hhost;
	struct zt_str	 dhost;
	int64_t		 port;

	if (rec->f[ZT_F_DST_HBONE_ADDR].p != NULL &&
	    ZT_STR_EQ(rec->f[ZT_F_DIRECTION], "outbound")) {
		zt_names_split_addr(rec->f[ZT_F_DST_HBONE_ADDR], &hhost, &port);
		zt_names_split_addr(rec->f[ZT_F_DST_ADDR], &dhost, &port);
		ids->wp = hhost.n != dhost.n ||
		    memcmp(hhost.p, dhost.p, hhost.n) != 0;
	}
	ids->ts_us = rec->ts_us;
	ids->partial = rec->partial != 0;
	ids->has_sent = rec->f[ZT_F_BYTES_SENT].p != NULL;
	ids->bytes_sent = rec->bytes_sent;
	ids->has_recv = rec->f[ZT_F_BYTES_RECV].p != NULL;
	ids->bytes_recv = rec->bytes_recv;
	ids->has_dur = rec->f[ZT_F_DURATION].p != NULL;
	ids->duration_ms = rec->duration_ms;
	/* Nanoseconds since the epoch fit an int64 until 2262. */
	ids->has_kube = rec->has_kube && rec->ts_us < INT64_MAX / 1000;
	if (ids->has_kube) {
		ids->kube_d = rec->kube_ns - rec->ts_us * 1000;
		ids->kube_z = rec->kube_z;
		ids->kube_off = rec->kube_off;
	}
}

int
zt_intern_record(struct zt_intern *in, const struct zt_rec *rec,
    struct zt_recids *ids, struct zt_buf *fresh, struct zt_err *err)
{
	struct zt_str	 host;
	struct zt_str	 kind[3];
	int64_t		 port;

	memset(ids, 0, sizeof(*ids));
	ids->pod = intern_pod(in, rec->pod, fresh, err);
	kind[0] = rec->level;
	kind[1] = rec->message;
	kind[2] = rec->f[ZT_F_DIRECTION];
	ids->kind = intern_tuple(in, &in->kind, kind, fresh, err);
	zt_names_split_addr(rec->f[ZT_F_SRC_ADDR], &host, &port);
	ids->src_ip = intern_str(in, host, fresh, err);
	ids->src_port = port;
	ids->src_peer = intern_tuple(in, &in->peer, &rec->f[ZT_F_SRC_WORKLOAD],
	    fresh, err);
	ids->dst = intern_str(in, rec->f[ZT_F_DST_ADDR], fresh, err);
	ids->hbone = intern_str(in, rec->f[ZT_F_DST_HBONE_ADDR], fresh, err);
	ids->service = intern_str(in, rec->f[ZT_F_DST_SERVICE], fresh, err);
	ids->dst_peer = intern_tuple(in, &in->peer, &rec->f[ZT_F_DST_WORKLOAD],
	    fresh, err);
	ids->error = intern_str(in, rec->f[ZT_F_ERROR], fresh, err);
	if (ids->pod < 0 || ids->kind < 0 || ids->src_ip < 0 ||
	    ids->src_peer < 0 || ids->dst < 0 || ids->hbone < 0 ||
	    ids->service < 0 || ids->dst_peer < 0 || ids->error < 0)
		return -1;
	plain_fields(rec, ids);
	return 0;
}

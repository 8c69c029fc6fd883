/*
 * scan.c -- the rules over a database (zt_check_run), and records
 * described from it (zt_check_describe).
 *
 * The names are loaded from the str, peer and kind tables into the run's
 * own tables, the source names from sources; then rec is scanned in id
 * order and each record fed to the engine like a record from ingest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/engine.h"
#include "check/refs.h"
#include "check/row.h"
#include "store/names.h"
#include "util/dict.h"
#include "util/text.h"
#include "util/xalloc.h"

/*
 * A table's names in the run's own ids.  Ingest hands ids out densely,
 * and they are kept; a database altered by hand may have any ids, and
 * the engine sizes its tables by the largest id, so sparse ids are
 * renumbered 1..n and map (sorted) gives each run id's database id.
 */
struct idmap {
	int64_t	*db;		/* db[i] is the database id of run id i+1 */
	size_t	 n;
	int	 renumber;	/* 0: run ids are the database's */
};

/* The run id of database id v (0 stays 0), or -1 when it names nothing. */
static int64_t
map_id(const struct idmap *m, const struct zt_names *t, int64_t v)
{
	size_t	 lo = 0, hi, mid;

	if (v == 0)
		return 0;
	if (!m->renumber)
		return zt_names_get(t, v).p != NULL ? v : -1;
	hi = m->n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (m->db[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->n && m->db[lo] == v ? (int64_t)lo + 1 : -1;
}

/* Load one table's names (id, text) into t, in ids as map says. */
static int
load_table(sqlite3 *db, const char *tab, struct zt_names *t,
    struct idmap *m, struct zt_err *err)
{
	sqlite3_stmt	*s;
	const void	*k;
	char		 q[96];
	size_t		 n, cap = 0;
	int64_t		 id, max = 0;
	int		 rc;

	/* First the ids: are they dense? */
	snprintf(q, sizeof(q), "SELECT count(*), max(id) FROM %s", tab);
	if (sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK)
		return zt_err_set(err, "database: %s", sqlite3_errmsg(db));
	if (sqlite3_step(s) == SQLITE_ROW) {
		cap = (size_t)sqlite3_column_int64(s, 0);
		max = sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
	m->renumber = max > (int64_t)(2 * cap + ZT_NAMES_PAGE) || max < 0;
	if (m->renumber)
		m->db = zt_xcalloc(cap + 1, sizeof(*m->db));
	snprintf(q, sizeof(q), "SELECT id, %s FROM %s ORDER BY id",
	    strcmp(tab, "str") == 0 ? "s" : "k", tab);
	if (sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK)
		return zt_err_set(err, "database: %s", sqlite3_errmsg(db));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		if (sqlite3_column_type(s, 1) == SQLITE_NULL)
			continue;
		/* A zero-length value comes back as a NULL pointer. */
		if ((k = sqlite3_column_blob(s, 1)) == NULL)
			k = "";
		n = (size_t)sqlite3_column_bytes(s, 1);
		if (m->renumber) {
			if (m->n >= cap)
				break;	/* rows added meanwhile: not ours */
			m->db[m->n++] = id;
			id = (int64_t)m->n;
		}
		if (zt_names_put(t, k, n, zt_hash(k, n), id) == -1) {
			sqlite3_finalize(s);
			return zt_err_set(err, "database: %s: name id %lld "
			    "out of range or repeated", tab, (long long)id);
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return zt_err_set(err, "database: %s", sqlite3_errmsg(db));
	return 0;
}

/* The run's names, and how database ids map to them. */
struct names {
	struct zt_nameset	 set;
	struct idmap		 str, peer, kind;
};

static int
load_names(sqlite3 *db, struct names *nm, struct zt_err *err)
{
	if (load_table(db, "str", &nm->set.str, &nm->str, err) == -1 ||
	    load_table(db, "peer", &nm->set.peer, &nm->peer, err) == -1 ||
	    load_table(db, "kind", &nm->set.kind, &nm->kind, err) == -1)
		return -1;
	return 0;
}

static int
load_sources(sqlite3 *db, struct zt_checker *c, struct zt_err *err)
{
	sqlite3_stmt	*s;
	const char	*name;
	int		 rc;

	if (sqlite3_prepare_v2(db, "SELECT id, name FROM sources", -1, &s,
	    NULL) != SQLITE_OK)
		return zt_err_set(err, "database: %s", sqlite3_errmsg(db));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(s, 1);
		zt_checker_source(c, sqlite3_column_int64(s, 0),
		    name != NULL ? name : "?");
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return zt_err_set(err, "database: %s", sqlite3_errmsg(db));
	return 0;
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

/*
 * Map record v's ids to the run's; each must name a row of its table.
 * Ingest writes only such ids; a database altered by hand may hold any
 * number (a peer id of 1e8 once cost 7 GB of tables).  Returns NULL, or
 * the name of the column at fault.
 */
static const char *
map_ids(const struct names *nm, struct zt_recids *v)
{
	const struct { const char *col; int64_t *id;
	    const struct idmap *m; const struct zt_names *t; } c[] = {
		{ "kind", &v->kind, &nm->kind, &nm->set.kind },
		{ "pod", &v->pod, &nm->str, &nm->set.str },
		{ "src_ip", &v->src_ip, &nm->str, &nm->set.str },
		{ "dst", &v->dst, &nm->str, &nm->set.str },
		{ "hbone", &v->hbone, &nm->str, &nm->set.str },
		{ "dst_service", &v->service, &nm->str, &nm->set.str },
		{ "error", &v->error, &nm->str, &nm->set.str },
		{ "src_peer", &v->src_peer, &nm->peer, &nm->set.peer },
		{ "dst_peer", &v->dst_peer, &nm->peer, &nm->set.peer },
	};
	size_t	 i;

	if (v->kind == 0)
		return "kind";
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if ((*c[i].id = map_id(c[i].m, c[i].t, *c[i].id)) == -1)
			return c[i].col;
	return NULL;
}

/* Feed every record of rec to c. */
static int
scan(sqlite3 *db, const struct names *nm, struct zt_checker *c,
    struct zt_err *err)
{
	sqlite3_stmt		*s;
	struct zt_recids	 v;
	const char		*bad;
	int			 rc;

	if (sqlite3_prepare_v2(db, scan_sql, -1, &s, NULL) != SQLITE_OK)
		return zt_err_set(err, "database: %s", sqlite3_errmsg(db));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		scan_ids(s, &v);
		if ((bad = map_ids(nm, &v)) != NULL) {
			zt_err_set(err, "database: record %lld: its %s id "
			    "names nothing (a damaged or altered database)",
			    (long long)sqlite3_column_int64(s, 0), bad);
			sqlite3_finalize(s);
			return -1;
		}
		zt_checker_row(c, sqlite3_column_int64(s, 1),
		    sqlite3_column_int64(s, 2), &v);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return zt_err_set(err, "database: %s", sqlite3_errmsg(db));
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

/* The distinct line references of the pairs, sorted; *n of them. */
static int64_t *
pair_refs(const struct zt_checkrun *run, size_t *n)
{
	int64_t	*refs = zt_xcalloc(run->npairs * 2 + 1, sizeof(*refs));
	size_t	 i, k;

	*n = 0;
	for (i = 0; i < run->npairs; i++) {
		if (run->pairs[i].out_id)
			refs[(*n)++] = run->pairs[i].out_id;
		if (run->pairs[i].in_id)
			refs[(*n)++] = run->pairs[i].in_id;
	}
	if (*n > 1)
		qsort(refs, *n, sizeof(*refs), i64_cmp);
	for (i = k = 0; i < *n; i++)
		if (k == 0 || refs[i] != refs[k - 1])
			refs[k++] = refs[i];
	*n = k;
	return refs;
}

/*
 * The pairs name records by line reference; `ztlog pairs` describes them
 * from the table by id.  One more pass over rec, computing references
 * as the scan did, finds the ids.
 */
static int
pairs_to_ids(sqlite3 *db, struct zt_checkrun *run, struct zt_err *err)
{
	struct zt_refs	 rt;
	sqlite3_stmt	*s;
	int64_t		*refs;
	int64_t		*ids;
	int64_t		 ix;
	size_t		 n;
	size_t		 i;
	int		 rc;

	if (run->npairs == 0)
		return 0;
	refs = pair_refs(run, &n);
	ids = zt_xcalloc(n + 1, sizeof(*ids));
	memset(&rt, 0, sizeof(rt));
	if (sqlite3_prepare_v2(db, "SELECT id, source_id, line FROM rec "
	    "ORDER BY id", -1, &s, NULL) != SQLITE_OK) {
		free(refs);
		free(ids);
		return zt_err_set(err, "database: %s", sqlite3_errmsg(db));
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if ((ix = i64_find(refs, n, zt_refs_next(&rt,
		    sqlite3_column_int64(s, 1),
		    sqlite3_column_int64(s, 2)))) >= 0)
			ids[ix] = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	zt_refs_fini(&rt);
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
	struct names		 names;
	struct zt_checker	*c;
	struct zt_checkopts	 so = *o;
	int			 rc = -1;

	memset(run, 0, sizeof(*run));
	memset(&names, 0, sizeof(names));
	zt_nameset_init(&names.set, SIZE_MAX / 4);
	so.stored = 1;
	c = zt_checker_new(rs, &so, &names.set);
	if (load_names(db, &names, err) == -1 ||
	    load_sources(db, c, err) == -1 || scan(db, &names, c, err) == -1) {
		zt_checker_free(c);
		goto out;
	}
	if (zt_checker_finish(c, db, run, err) == -1)
		goto out;
	if (o->keep_pairs && pairs_to_ids(db, run, err) == -1) {
		zt_check_free(run);
		goto out;
	}
	rc = 0;
out:
	zt_nameset_fini(&names.set);
	free(names.str.db);
	free(names.peer.db);
	free(names.kind.db);
	return rc;
}

/* ---- one record, for `ztlog pairs` -------------------------------------- */

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
	if (sqlite3_column_type(s, i) == SQLITE_NULL) {
		row->s[c] = ZT_NOSTR;
		return;
	}
	row->num[c] = sqlite3_column_int64(s, i);
	row->s[c].p = "";
	row->s[c].n = 0;
}

struct zt_describer {
	sqlite3_stmt	*s;
};

struct zt_describer *
zt_check_describer(sqlite3 *db, struct zt_err *err)
{
	static const char q[] =
	    "SELECT s.name, r.line, r.ts_us, r.direction, r.src_workload, "
	    "r.src_ip, r.src_port, r.dst_workload, r.dst_hbone_addr, "
	    "r.dst_addr, r.dst_service, r.hbone, r.bytes_sent, r.bytes_recv, "
	    "r.message, r.error FROM records AS r JOIN sources AS s "
	    "ON s.id = r.source_id WHERE r.id = ?1";
	struct zt_describer	*d = zt_xcalloc(1, sizeof(*d));

	if (sqlite3_prepare_v2(db, q, -1, &d->s, NULL) != SQLITE_OK) {
		zt_err_set(err, "database: %s", sqlite3_errmsg(db));
		free(d);
		return NULL;
	}
	return d;
}

void
zt_check_describer_free(struct zt_describer *d)
{
	if (d == NULL)
		return;
	sqlite3_finalize(d->s);
	free(d);
}

int
zt_check_describe(struct zt_describer *d, int64_t id, char **source,
    int64_t *line, char **text)
{
	struct zt_row	 row;
	sqlite3_stmt	*s = d->s;
	const char	*name;
	size_t		 i;

	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_reset(s);
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
	name = (const char *)sqlite3_column_text(s, 0);
	*source = name != NULL ? zt_xstrdup(name) : NULL;
	*line = sqlite3_column_int64(s, 1);
	*text = zt_row_describe(&row);
	sqlite3_reset(s);
	return 0;
}

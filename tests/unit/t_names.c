/*
 * t_names.c -- the interned names of names.h, the one copy of a run's
 * names that the store fills and the checks read.
 *
 * Test plan:
 *   t_names-1.*  put/find/get: names come back by id and by bytes, NUL-
 *                terminated; the empty name and names with NUL bytes are
 *                names like any other; absent ids and names are absent;
 *                ids out of range or taken are refused.
 *   t_names-2.*  growth: 100,000 names over many index pages and arena
 *                blocks and table doublings, all found; a name larger
 *                than a block; the byte count and cap.
 *   t_names-3.*  truncate: the names above the mark are gone by id and by
 *                bytes, those below stay (their views unmoved), the ids
 *                are handed out again with other names; clear forgets all.
 *   t_names-5.*  the store's names: in ZT_STORE_NAMES mode they are all
 *                there is (the str table stays empty); a rolled-back
 *                source's names are forgotten, and their ids handed out
 *                again, in names-only and in-memory stores alike.
 *   t_names-4.*  threads: one thread adds 200,000 names while another
 *                reads every id handed to it (under a lock, as ingest's
 *                batches are) and finds the right bytes.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "parse/record.h"
#include "store/names.h"
#include "store/store.h"
#include "util/dict.h"
#include "tt.h"

static int
put(struct zt_names *t, const char *k, size_t n, int64_t id)
{
	return zt_names_put(t, k, n, zt_hash(k, n), id);
}

static int64_t
find(const struct zt_names *t, const char *k, size_t n)
{
	return zt_names_find(t, k, n, zt_hash(k, n));
}

/* t_names-1.1 */
static void
names_round_trip(void)
{
	struct zt_names	 t;
	struct zt_str	 v;

	zt_names_init(&t, 1 << 20);
	TT_EQ_INT(find(&t, "a", 1), -1);
	TT_EQ_INT(put(&t, "reviews", 7, 1), 0);
	TT_EQ_INT(put(&t, "", 0, 2), 0);
	TT_EQ_INT(put(&t, "a\0b", 3, 3), 0);
	TT_EQ_INT(find(&t, "reviews", 7), 1);
	TT_EQ_INT(find(&t, "", 0), 2);
	TT_EQ_INT(find(&t, "a\0b", 3), 3);
	TT_EQ_INT(find(&t, "a", 1), -1);
	TT_EQ_INT(find(&t, "review", 6), -1);
	v = zt_names_get(&t, 1);
	TT_EQ_MEM(v.p, v.n, "reviews");
	TT_CHECK(v.p != NULL && v.p[v.n] == '\0');
	v = zt_names_get(&t, 2);
	TT_CHECK(v.p != NULL && v.n == 0 && v.p[0] == '\0');
	v = zt_names_get(&t, 3);
	TT_CHECK(v.p != NULL && v.n == 3 && memcmp(v.p, "a\0b", 3) == 0);
	TT_CHECK(zt_names_get(&t, 0).p == NULL);
	TT_CHECK(zt_names_get(&t, 4).p == NULL);
	TT_CHECK(zt_names_get(&t, -1).p == NULL);
	TT_CHECK(zt_names_get(&t, ZT_NAMES_MAXID).p == NULL);
	TT_EQ_INT(put(&t, "x", 1, 0), -1);
	TT_EQ_INT(put(&t, "x", 1, ZT_NAMES_MAXID), -1);
	TT_EQ_INT(put(&t, "x", 1, 1), -1);		/* id taken */
	TT_EQ_INT(find(&t, "x", 1), -1);
	TT_EQ_INT((long long)t.count, 3);
	TT_EQ_INT((long long)t.bytes, 10);
	TT_EQ_INT(t.max, 3);
	zt_names_fini(&t);
}

/* t_names-2.1 */
static void
names_grow(void)
{
	struct zt_names	 t;
	struct zt_str	 v;
	char		 k[64];
	char		 big[20000];
	int		 i;
	int		 bad = 0;

	zt_names_init(&t, 32u << 20);
	for (i = 1; i <= 100000; i++) {
		snprintf(k, sizeof(k), "workload-%d", i);
		if (put(&t, k, strlen(k), i) != 0)
			bad++;
	}
	memset(big, 'x', sizeof(big));
	TT_EQ_INT(put(&t, big, sizeof(big), 100001), 0);
	for (i = 1; i <= 100000; i++) {
		snprintf(k, sizeof(k), "workload-%d", i);
		v = zt_names_get(&t, i);
		if (find(&t, k, strlen(k)) != i || v.p == NULL ||
		    v.n != strlen(k) || memcmp(v.p, k, v.n) != 0)
			bad++;
	}
	TT_EQ_INT(bad, 0);
	TT_EQ_INT(find(&t, big, sizeof(big)), 100001);
	TT_EQ_INT(zt_names_get(&t, 100001).n, sizeof(big));
	TT_EQ_INT(find(&t, "workload-0", 10), -1);
	TT_EQ_INT((long long)t.count, 100001);
	TT_CHECK(!zt_names_full(&t, 1000));
	TT_CHECK(zt_names_full(&t, 32u << 20));
	zt_names_fini(&t);
}

/* t_names-3.1 */
static void
names_truncate(void)
{
	struct zt_names	 t;
	struct zt_str	 kept;
	struct zt_str	 v;
	char		 k[64];
	int		 i;
	int		 bad = 0;

	zt_names_init(&t, 32u << 20);
	for (i = 1; i <= 5000; i++) {
		snprintf(k, sizeof(k), "name-%d", i);
		put(&t, k, strlen(k), i);
	}
	kept = zt_names_get(&t, 1000);
	zt_names_truncate(&t, 1000);
	TT_EQ_INT(t.max, 1000);
	TT_EQ_INT((long long)t.count, 1000);
	for (i = 1; i <= 5000; i++) {
		snprintf(k, sizeof(k), "name-%d", i);
		if ((find(&t, k, strlen(k)) >= 0) != (i <= 1000) ||
		    (zt_names_get(&t, i).p != NULL) != (i <= 1000))
			bad++;
	}
	TT_EQ_INT(bad, 0);
	TT_CHECK(zt_names_get(&t, 1000).p == kept.p);
	/* The ids again, other names. */
	for (i = 1001; i <= 3000; i++) {
		snprintf(k, sizeof(k), "other-%d", i);
		if (put(&t, k, strlen(k), i) != 0)
			bad++;
	}
	for (i = 1001; i <= 3000; i++) {
		snprintf(k, sizeof(k), "other-%d", i);
		v = zt_names_get(&t, i);
		if (find(&t, k, strlen(k)) != i || v.n != strlen(k) ||
		    memcmp(v.p, k, v.n) != 0)
			bad++;
	}
	TT_EQ_INT(bad, 0);
	TT_EQ_MEM(zt_names_get(&t, 7).p, zt_names_get(&t, 7).n, "name-7");
	zt_names_truncate(&t, 0);
	TT_EQ_INT((long long)t.count, 0);
	TT_EQ_INT(find(&t, "name-7", 6), -1);
	TT_EQ_INT(put(&t, "name-7", 6, 1), 0);
	TT_EQ_INT(find(&t, "name-7", 6), 1);
	zt_names_clear(&t);
	TT_EQ_INT(find(&t, "name-7", 6), -1);
	TT_CHECK(zt_names_get(&t, 1).p == NULL);
	TT_EQ_INT(put(&t, "again", 5, 1), 0);
	TT_EQ_INT(find(&t, "again", 5), 1);
	zt_names_fini(&t);
}

/* t_names-4.1: one adder, one reader of the ids handed over */
#define NTHREAD	200000

struct handoff {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct zt_names	 t;
	int64_t		 handed;	/* ids 1..handed may be read */
};

static void *
adder(void *arg)
{
	struct handoff	*h = arg;
	char		 k[64];
	int64_t		 i;

	for (i = 1; i <= NTHREAD; i++) {
		snprintf(k, sizeof(k), "ns-%lld/wl-%lld", (long long)i % 97,
		    (long long)i);
		put(&h->t, k, strlen(k), i);
		if (i % 1000 == 0) {
			pthread_mutex_lock(&h->mu);
			h->handed = i;
			pthread_cond_signal(&h->cv);
			pthread_mutex_unlock(&h->mu);
		}
	}
	return NULL;
}

static void
names_threads(void)
{
	struct handoff	 h;
	pthread_t	 tid;
	struct zt_str	 v;
	char		 k[64];
	int64_t		 seen = 0;
	int64_t		 upto;
	int64_t		 i;
	int		 bad = 0;

	memset(&h, 0, sizeof(h));
	pthread_mutex_init(&h.mu, NULL);
	pthread_cond_init(&h.cv, NULL);
	zt_names_init(&h.t, 32u << 20);
	TT_EQ_INT(pthread_create(&tid, NULL, adder, &h), 0);
	while (seen < NTHREAD) {
		pthread_mutex_lock(&h.mu);
		while (h.handed == seen)
			pthread_cond_wait(&h.cv, &h.mu);
		upto = h.handed;
		pthread_mutex_unlock(&h.mu);
		for (i = seen + 1; i <= upto; i++) {
			snprintf(k, sizeof(k), "ns-%lld/wl-%lld",
			    (long long)i % 97, (long long)i);
			v = zt_names_get(&h.t, i);
			if (v.p == NULL || v.n != strlen(k) ||
			    memcmp(v.p, k, v.n) != 0)
				bad++;
		}
		seen = upto;
	}
	pthread_join(tid, NULL);
	TT_EQ_INT(bad, 0);
	zt_names_fini(&h.t);
	pthread_cond_destroy(&h.cv);
	pthread_mutex_destroy(&h.mu);
}

/* t_names-5.1 */
static int64_t
count_rows(struct zt_store *st, const char *q)
{
	sqlite3_stmt	*s;
	int64_t		 n = -1;

	if (sqlite3_prepare_v2(zt_store_db(st), q, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

static void
intern_line(struct zt_store *st, const char *text, struct zt_recids *ids)
{
	struct zt_parser	 ps;
	struct zt_rec		 rec;
	struct zt_buf		 fresh = { NULL, 0, 0 };
	struct zt_str		 l = { text, strlen(text) };
	struct zt_err		 err;

	zt_parser_init(&ps);
	TT_EQ_INT(zt_parse_line(&ps, l, &rec), ZT_CLASS_RECORD);
	TT_EQ_INT(zt_store_intern(st, &rec, ids, &fresh, &err), 0);
	TT_EQ_INT(zt_store_fresh(st, fresh.p, fresh.n, &err), 0);
	zt_buf_free(&fresh);
	zt_parser_fini(&ps);
}

#define LINE(svc) "2024-11-19T12:00:01.000000Z\tinfo\taccess\t" \
	"connection complete\tsrc.addr=10.0.0.9:4000 src.workload=\"c\" " \
	"dst.addr=10.0.0.7:80 dst.service=\"" svc "\" direction=\"outbound\""

static void
names_store_rollback(void)
{
	static const enum zt_store_mode modes[] = { ZT_STORE_NAMES,
	    ZT_STORE_MEMORY };
	const struct zt_nameset	*ns;
	struct zt_source_stats	 ss;
	struct zt_store		*st;
	struct zt_recids	 ids;
	struct zt_err		 err;
	struct zt_str		 v;
	char			*dup;
	size_t			 m;
	int64_t			 kept;

	for (m = 0; m < 2; m++) {
		TT_EQ_INT(zt_store_open(&st, NULL, modes[m], &err), 0);
		ns = zt_store_names(st);
		TT_EQ_INT(zt_store_begin(st, "a", &err), 0);
		intern_line(st, LINE("svc-a"), &ids);
		kept = ids.service;
		memset(&ss, 0, sizeof(ss));
		TT_EQ_INT(zt_store_end(st, &ss, &dup, &err), 0);
		TT_EQ_INT(zt_store_begin(st, "b", &err), 0);
		intern_line(st, LINE("svc-rolled-back"), &ids);
		TT_EQ_INT(ids.service, kept + 1);
		zt_store_abort(st);
		TT_EQ_INT(ns->str.max, kept);
		TT_CHECK(zt_names_get(&ns->str, kept + 1).p == NULL);
		TT_EQ_INT(zt_names_find(&ns->str, "svc-rolled-back", 15,
		    zt_hash("svc-rolled-back", 15)), -1);
		TT_EQ_INT(zt_store_begin(st, "c", &err), 0);
		intern_line(st, LINE("svc-c"), &ids);
		TT_EQ_INT(ids.service, kept + 1);
		v = zt_names_get(&ns->str, ids.service);
		TT_EQ_MEM(v.p, v.n, "svc-c");
		v = zt_names_get(&ns->str, kept);
		TT_EQ_MEM(v.p, v.n, "svc-a");
		TT_EQ_INT(zt_store_end(st, &ss, &dup, &err), 0);
		/* Names only: none in SQLite; in memory: the same as held. */
		TT_EQ_INT(count_rows(st, "SELECT count(*) FROM str"),
		    modes[m] == ZT_STORE_NAMES ? 0 : ns->str.max);
		TT_EQ_INT(count_rows(st, "SELECT count(*) FROM str WHERE "
		    "s = 'svc-rolled-back'"), 0);
		zt_store_close(st);
	}
}

int
main(void)
{
	names_round_trip();
	names_grow();
	names_truncate();
	names_threads();
	names_store_rollback();
	return tt_finish("t_names");
}

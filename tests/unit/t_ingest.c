/*
 * t_ingest.c -- the ingest driver: operands to sources, line accounting.
 *
 * Test plan: t_ingest-1.* every line in exactly one class, per source and
 * in the totals; -2.* a directory is walked sorted, dotfiles skipped, and
 * one without a regular file is zero sources, not an error;
 * -3.* the same content twice is stored once; -4.* an unreadable operand
 * is counted as failed and the others still go in; -5.* a source's info
 * reaches the parser: its pod is the pod of every line without a
 * decoration (records and the pods table), under the source's name;
 * -6.* the chunks of one source are used again by the next, which counts
 * only its own lines, with one parse thread or several; -7.* with
 * lookahead a source read to its end is stored on while the next is read
 * (with parse threads apart from the reader), settled by the next source,
 * by a diagnostic or by zt_ingest_settle, and the store ends the same as
 * one source after the other; a source whose start ahead fails fails
 * whole, never stored in part.
 */
#include <sys/stat.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest.h"
#include "store/store.h"
#include "util/crew.h"
#include "tt.h"

#define REC "2024-11-19T12:00:00.000001Z\tinfo\taccess\tconnection complete" \
	"\tsrc.addr=10.0.0.1:1 dst.addr=10.0.0.2:80 direction=\"outbound\" " \
	"bytes_sent=1 bytes_recv=2 duration=\"1ms\"\n"
#define OTHER "2024-11-19T12:00:00.000001Z\tinfo\txds::client\treceived\n"
#define BAD "2024-11-19T12:00:00.000001Z\tinfo\taccess\tconnection complete" \
	"\tsrc.addr=10.0.0.1:1\n"

static char	 dir[64];

static void
put(const char *name, const char *text)
{
	char	 path[128];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

static long long
q1(struct zt_store *st, const char *q)
{
	sqlite3_stmt	*s;
	long long	 v = -1;

	if (sqlite3_prepare_v2(zt_store_db(st), q, -1, &s, NULL) != SQLITE_OK)
		return -2;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static struct zt_store *
fresh(void)
{
	struct zt_store	*st;
	struct zt_err	 err;

	if (zt_store_open(&st, NULL, ZT_STORE_MEMORY, &err) == -1) {
		fprintf(stderr, "%s\n", err.msg);
		exit(1);
	}
	return st;
}

/* t_ingest-1.1 */
static void
ingest_accounts_for_every_line(void)
{
	struct zt_store		*st = fresh();
	struct zt_ingest	 ig;
	char			 path[128];

	put("one.log", REC OTHER BAD REC "\n");
	snprintf(path, sizeof(path), "%s/one.log", dir);
	zt_ingest_init(&ig, st, 1024);
	TT_EQ_INT(zt_ingest_operand(&ig, path), 0);
	TT_EQ_INT(ig.sources, 1);
	TT_EQ_INT(ig.lines, 5);
	TT_EQ_INT(ig.records, 2);
	TT_EQ_INT(ig.other, 2);		/* the xds line and the empty one */
	TT_EQ_INT(ig.malformed, 1);
	TT_EQ_INT(ig.lines, ig.records + ig.other + ig.malformed);
	TT_EQ_INT(q1(st, "SELECT count(*) FROM records"), 2);
	TT_EQ_INT(q1(st, "SELECT line FROM rejects"), 3);
	TT_EQ_INT(q1(st, "SELECT lines - records - other - malformed "
	    "FROM sources"), 0);
	TT_EQ_INT(q1(st, "SELECT sum(lines) FROM pods"), 5);
	zt_ingest_fini(&ig);
	zt_store_close(st);
}

/* t_ingest-2.1 */
static void
ingest_walks_a_directory_sorted(void)
{
	struct zt_store		*st = fresh();
	struct zt_ingest	 ig;
	char			 sub[128];

	snprintf(sub, sizeof(sub), "%s/d", dir);
	mkdir(sub, 0700);
	put("d/b.log", REC);
	put("d/a.log", REC REC);
	put("d/.hidden.log", REC REC REC);
	zt_ingest_init(&ig, st, 1024);
	TT_EQ_INT(zt_ingest_operand(&ig, sub), 0);
	TT_EQ_INT(ig.sources, 2);
	TT_EQ_INT(ig.records, 3);
	/* a.log first: sorted by path */
	TT_EQ_INT(q1(st, "SELECT records FROM sources WHERE id = 1"), 2);
	TT_EQ_INT(q1(st, "SELECT count(*) FROM sources WHERE name LIKE "
	    "'%hidden%'"), 0);
	zt_ingest_fini(&ig);
	zt_store_close(st);
}

/* t_ingest-2.2: no regular file below it (qsort(NULL, 0, ...) was UB) */
static void
ingest_walks_a_directory_without_files(void)
{
	struct zt_store		*st = fresh();
	struct zt_ingest	 ig;
	char			 sub[128];

	snprintf(sub, sizeof(sub), "%s/e", dir);
	mkdir(sub, 0700);
	snprintf(sub, sizeof(sub), "%s/e/inner", dir);
	mkdir(sub, 0700);
	put("e/.hidden.log", REC);
	snprintf(sub, sizeof(sub), "%s/e", dir);
	zt_ingest_init(&ig, st, 1024);
	TT_EQ_INT(zt_ingest_operand(&ig, sub), 0);
	TT_EQ_INT(ig.sources, 0);
	TT_EQ_INT(ig.failed, 0);
	TT_EQ_INT(ig.lines, 0);
	TT_EQ_INT(q1(st, "SELECT count(*) FROM sources"), 0);
	zt_ingest_fini(&ig);
	zt_store_close(st);
}

/* t_ingest-3.1 */
static void
ingest_stores_the_same_content_once(void)
{
	struct zt_store		*st = fresh();
	struct zt_ingest	 ig;
	char			 p1[128];
	char			 p2[128];

	put("x.log", REC OTHER);
	put("y.log", REC OTHER);
	snprintf(p1, sizeof(p1), "%s/x.log", dir);
	snprintf(p2, sizeof(p2), "%s/y.log", dir);
	zt_ingest_init(&ig, st, 1024);
	TT_EQ_INT(zt_ingest_operand(&ig, p1), 0);
	TT_EQ_INT(zt_ingest_operand(&ig, p2), 0);
	TT_EQ_INT(ig.sources, 1);
	TT_EQ_INT(ig.skipped, 1);
	TT_EQ_INT(q1(st, "SELECT count(*) FROM records"), 1);
	TT_EQ_INT(q1(st, "SELECT count(*) FROM sources"), 1);
	/* After the rollback new names still get consistent ids. */
	put("z.log", REC OTHER OTHER);
	snprintf(p1, sizeof(p1), "%s/z.log", dir);
	TT_EQ_INT(zt_ingest_operand(&ig, p1), 0);
	TT_EQ_INT(q1(st, "SELECT count(*) FROM records WHERE src_addr = "
	    "'10.0.0.1:1'"), 2);
	zt_ingest_fini(&ig);
	zt_store_close(st);
}

/* t_ingest-4.1 */
static void
ingest_counts_an_unreadable_operand(void)
{
	struct zt_store		*st = fresh();
	struct zt_ingest	 ig;
	char			 p[128];

	zt_ingest_init(&ig, st, 1024);
	snprintf(p, sizeof(p), "%s/no-such.log", dir);
	TT_EQ_INT(zt_ingest_operand(&ig, p), -1);
	TT_EQ_INT(ig.failed, 1);
	snprintf(p, sizeof(p), "%s/one.log", dir);
	TT_EQ_INT(zt_ingest_operand(&ig, p), 0);
	TT_EQ_INT(ig.sources, 1);
	zt_ingest_fini(&ig);
	zt_store_close(st);
}

/* t_ingest-5.1 */
static void
ingest_source_pod_reaches_the_records(void)
{
	struct zt_store		*st = fresh();
	struct zt_ingest	 ig;
	struct zt_source	 src;
	char			 p[128];

	put("node.log", REC OTHER "[pod/ztunnel-other/istio-proxy] " REC);
	snprintf(p, sizeof(p), "%s/node.log", dir);
	zt_source_init(&src, p);
	src.info.name = "node:istio-system/ztunnel-n0d3s";
	src.info.pod = "ztunnel-n0d3s";
	zt_ingest_init(&ig, st, 1024);
	TT_EQ_INT(zt_ingest_source(&ig, &src), 0);
	TT_EQ_INT(ig.records, 2);
	TT_EQ_INT(q1(st, "SELECT count(*) FROM sources WHERE name = "
	    "'node:istio-system/ztunnel-n0d3s'"), 1);
	TT_EQ_INT(q1(st, "SELECT count(*) FROM records WHERE pod = "
	    "'ztunnel-n0d3s'"), 1);
	TT_EQ_INT(q1(st, "SELECT count(*) FROM records WHERE pod = "
	    "'ztunnel-other'"), 1);
	TT_EQ_INT(q1(st, "SELECT lines FROM pods WHERE pod = "
	    "'ztunnel-n0d3s'"), 2);
	TT_EQ_INT(q1(st, "SELECT count(*) FROM pods WHERE pod IS NULL"), 0);
	zt_ingest_fini(&ig);
	zt_store_close(st);
}

/* t_ingest-6.1: a source ending inside a split line, then another */
static void
ingest_keeps_chunks_between_sources(int threads)
{
	struct zt_store		*st = fresh();
	struct zt_ingest	 ig;
	char			 p[128];
	size_t			 kept;

	put("cri.log", "2024-11-19T12:00:00.000000001Z stdout P "
	    "2024-11-19T12:00:00.000001Z\tinfo\taccess\tconnection com\n");
	put("two.log", REC REC OTHER);
	zt_ingest_init(&ig, st, 1024);
	ig.threads = threads;
	snprintf(p, sizeof(p), "%s/cri.log", dir);
	TT_EQ_INT(zt_ingest_operand(&ig, p), 0);
	kept = ig.npool;
	TT_CHECK(kept > 0);
	snprintf(p, sizeof(p), "%s/two.log", dir);
	TT_EQ_INT(zt_ingest_operand(&ig, p), 0);
	TT_EQ_INT(ig.npool, kept);	/* the same chunks, none new */
	TT_EQ_INT(ig.sources, 2);
	TT_EQ_INT(q1(st, "SELECT records FROM sources WHERE name LIKE "
	    "'%two.log'"), 2);
	TT_EQ_INT(q1(st, "SELECT other FROM sources WHERE name LIKE "
	    "'%two.log'"), 1);
	TT_EQ_INT(q1(st, "SELECT lines FROM sources WHERE name LIKE "
	    "'%two.log'"), 3);
	TT_EQ_INT(q1(st, "SELECT count(*) FROM records"), 2);
	zt_ingest_fini(&ig);
	TT_EQ_INT(ig.npool, 0);
	TT_EQ_INT(ig.sources, 2);	/* the counts stay */
	zt_store_close(st);
}

/* The first column of the first row of q, as text ("" when none). */
static const char *
qt(struct zt_store *st, const char *q)
{
	static char	 out[1024];
	sqlite3_stmt	*s;
	const unsigned char *t;

	out[0] = '\0';
	if (sqlite3_prepare_v2(zt_store_db(st), q, -1, &s, NULL) != SQLITE_OK)
		return "(SQL error)";
	if (sqlite3_step(s) == SQLITE_ROW &&
	    (t = sqlite3_column_text(s, 0)) != NULL)
		snprintf(out, sizeof(out), "%s", (const char *)t);
	sqlite3_finalize(s);
	return out;
}

#define SOURCES "SELECT group_concat(substr(name, instr(name, 'la/') + 3) " \
	"|| ':' || lines || ':' || records || ':' || other || ':' || " \
	"malformed, ' ') FROM (SELECT * FROM sources ORDER BY id)"
#define RECORDS "SELECT group_concat(source_id || '.' || line, ' ') FROM " \
	"(SELECT source_id, line FROM records ORDER BY id)"
#define REJECTS "SELECT group_concat(source_id || '.' || line, ' ') FROM " \
	"(SELECT source_id, line FROM rejects ORDER BY rowid)"

/* The la/ directory read with lookahead on or off: what the store holds. */
static void
read_la(int lookahead, int threads, char *out, size_t n, int *deferred)
{
	struct zt_store		*st = fresh();
	struct zt_ingest	 ig;
	char			 p[128];

	zt_ingest_init(&ig, st, 1024);
	ig.threads = threads;
	ig.lookahead = lookahead;
	snprintf(p, sizeof(p), "%s/la", dir);
	TT_EQ_INT(zt_ingest_operand(&ig, p), 0);
	/* The last source is put off until settled. */
	*deferred = ig.ahead != NULL;
	zt_ingest_settle(&ig);
	TT_CHECK(ig.ahead == NULL);
	/* (qt's buffer is static: one at a time.) */
	snprintf(out, n, "%s | ", qt(st, SOURCES));
	strncat(out, qt(st, RECORDS), n - strlen(out) - 1);
	strncat(out, " | ", n - strlen(out) - 1);
	strncat(out, qt(st, REJECTS), n - strlen(out) - 1);
	TT_EQ_INT(ig.sources, 4);
	zt_ingest_fini(&ig);
	zt_store_close(st);
}

/* t_ingest-7.1 */
static void
ingest_lookahead_stores_as_one_after_the_other(void)
{
	char	 one[2048], ahead[2048], single[2048];
	char	 p[128];
	int	 d0, d1, d2;

	snprintf(p, sizeof(p), "%s/la", dir);
	mkdir(p, 0700);
	put("la/a.log", REC BAD OTHER REC);
	put("la/b.log", OTHER REC REC REC BAD);
	put("la/c.log", "");
	put("la/d.log", REC OTHER);
	read_la(0, 2, one, sizeof(one), &d0);
	read_la(1, 2, ahead, sizeof(ahead), &d1);
	read_la(1, 1, single, sizeof(single), &d2);
	TT_EQ_STR(one, "a.log:4:2:1:1 b.log:5:3:1:1 c.log:0:0:0:0 "
	    "d.log:2:1:1:0 | 1.1 1.4 2.2 2.3 2.4 4.1 | 1.2 2.5");
	TT_EQ_STR(ahead, one);
	TT_EQ_STR(single, one);
	TT_EQ_INT(d0, 0);
	TT_EQ_INT(d1, 1);
	/* One parse thread: the reader interns, it cannot run ahead. */
	TT_EQ_INT(d2, 0);
}

/* t_ingest-7.2 */
static void
ingest_lookahead_settles_before_a_message(void)
{
	struct zt_store		*st = fresh();
	struct zt_ingest	 ig;
	char			 p[128];

	zt_ingest_init(&ig, st, 1024);
	ig.threads = 2;
	ig.lookahead = 1;
	snprintf(p, sizeof(p), "%s/la/b.log", dir);
	TT_EQ_INT(zt_ingest_operand(&ig, p), 0);
	TT_CHECK(ig.ahead != NULL);
	/* A message of any level finishes the source first (quiet too). */
	zt_diag_notice(NULL, "t_ingest-7.2");
	TT_CHECK(ig.ahead == NULL);
	TT_EQ_INT(q1(st, "SELECT records FROM sources"), 3);
	TT_EQ_INT(q1(st, "SELECT count(*) FROM records"), 3);
	zt_ingest_fini(&ig);
	zt_store_close(st);
}

/*
 * t_ingest-7.3: b read after a, with n threads failing to start from the
 * k-th of b's start ahead on.  Returns b's records, or -1 when b failed
 * (then with nothing of it stored: never a part).
 */
static long long
lookahead_start_fails(int k, int n)
{
	struct zt_store		*st = fresh();
	struct zt_ingest	 ig;
	char			 p[128];
	long long		 got;

	zt_ingest_init(&ig, st, 1024);
	ig.threads = 2;
	ig.lookahead = 1;
	snprintf(p, sizeof(p), "%s/la3-a.log", dir);
	TT_EQ_INT(zt_ingest_operand(&ig, p), 0);
	TT_CHECK(ig.ahead != NULL);
	zt_crew_test_fail(k, n);
	snprintf(p, sizeof(p), "%s/la3-b.log", dir);
	(void)zt_ingest_operand(&ig, p);
	zt_crew_test_fail(0, 0);
	zt_ingest_settle(&ig);
	/* a, put off, is whole whatever b's start did. */
	TT_EQ_INT(q1(st, "SELECT records FROM sources WHERE name LIKE "
	    "'%la3-a.log'"), 2);
	got = q1(st, "SELECT records FROM sources WHERE name LIKE "
	    "'%la3-b.log'");
	TT_EQ_INT(ig.failed, got == -1);
	if (got >= 0)
		TT_EQ_INT(q1(st, "SELECT lines FROM sources WHERE name LIKE "
		    "'%la3-b.log'"), 1100);
	TT_EQ_INT(q1(st, "SELECT count(*) FROM records"), 2 + (got > 0 ?
	    got : 0));
	zt_ingest_fini(&ig);
	zt_store_close(st);
	return got;
}

/* t_ingest-7.3 */
static void
ingest_lookahead_start_fails_whole(void)
{
	char	 b[1100 * sizeof(REC) + 1];
	int	 k;

	/* b: 1,100 lines, more than a parked start reads ahead. */
	b[0] = '\0';
	for (k = 0; k < 1100; k++)
		strcat(b, REC);
	put("la3-a.log", REC REC);
	put("la3-b.log", b);
	/*
	 * A start's threads: the reader, then 2 parse threads.  The reader,
	 * or the first parse thread (the reader reading meanwhile), failing
	 * fails b; one parse thread is enough to read it whole.
	 */
	TT_EQ_INT(lookahead_start_fails(0, 1), -1);
	TT_EQ_INT(lookahead_start_fails(1, 1), -1);
	TT_EQ_INT(lookahead_start_fails(2, 1), 1100);
	TT_EQ_INT(lookahead_start_fails(0, 100), -1);
}

int
main(void)
{
	char	 cmd[128];
	int	 rc;

	snprintf(dir, sizeof(dir), "/tmp/t_ingest.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	zt_diag_quiet(1);
	ingest_accounts_for_every_line();
	ingest_walks_a_directory_sorted();
	ingest_walks_a_directory_without_files();
	ingest_stores_the_same_content_once();
	ingest_counts_an_unreadable_operand();
	ingest_source_pod_reaches_the_records();
	ingest_keeps_chunks_between_sources(1);
	ingest_keeps_chunks_between_sources(2);
	ingest_lookahead_stores_as_one_after_the_other();
	ingest_lookahead_settles_before_a_message();
	ingest_lookahead_start_fails_whole();
	rc = tt_finish("t_ingest");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}

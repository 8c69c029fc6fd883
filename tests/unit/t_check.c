/*
 * t_check.c -- the statistics under the balance check, one scan, and the
 * engine fed record by record.
 *
 * Test plan: t_check-1.* chi-square upper tail against table values;
 * -2.* a run over a small in-memory database: statuses and counts of the
 * built-in rules; -3.* zt_checker fed as ingest feeds it: twins in two
 * sources pair across them, a rolled-back source leaves no trace even
 * when its ids are handed out again with other names, an example's
 * text is never cut (a 200-byte IPv6 source address), byte counts past
 * 2^32 pair by their whole value, and inbound records from a
 * waypoint by name are told apart however often their peer comes; -4.*
 * snapshots: every check type (the built-in rules and one more rule of
 * each type, with parameters) fed source by source, a snapshot after
 * each commit and after a rollback, each the same JSON report as a fresh
 * run over the same prefix of records, a second snapshot the same as
 * the first, finishing the same as the last snapshot; -5.* rules whose
 * state is the same share it, each judging it with its own parameters.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "check/examples.h"
#include "check/row.h"
#include "check/pairtab.h"
#include "parse/record.h"
#include "report/report.h"
#include "check/rules.h"
#include "store/store.h"
#include "tt.h"

#define NEAR(a, b, eps) TT_CHECK(fabs((a) - (b)) < (eps))

/* t_check-1.1 */
static void
chi2_upper_tail_matches_tables(void)
{
	NEAR(zt_chi2_q(3.841459, 1), 0.05, 1e-6);
	NEAR(zt_chi2_q(5.991465, 2), 0.05, 1e-6);
	NEAR(zt_chi2_q(6.634897, 1), 0.01, 1e-6);
	NEAR(zt_chi2_q(13.81551, 2), 0.001, 1e-7);
	NEAR(zt_chi2_q(16.26624, 3), 0.001, 1e-7);
	NEAR(zt_chi2_q(0, 4), 1.0, 1e-12);
	NEAR(zt_chi2_q(2.0, 2), exp(-1.0), 1e-12);	/* df 2: e^(-x/2) */
	/* Far tail: tiny but positive, never NaN. */
	TT_CHECK(zt_chi2_q(500, 3) > 0 && zt_chi2_q(500, 3) < 1e-100);
	TT_CHECK(!isnan(zt_chi2_q(1e6, 50)));
}

static void
line(struct zt_store *st, unsigned long n, const char *text)
{
	struct zt_parser	 ps;
	struct zt_rec		 rec;
	struct zt_str		 l = { text, strlen(text) };
	struct zt_err		 err;

	zt_parser_init(&ps);
	if (zt_parse_line(&ps, l, &rec) == ZT_CLASS_RECORD)
		TT_EQ_INT(zt_store_record(st, n, &rec, &err), 0);
	zt_parser_fini(&ps);
}

#define OUT(p, b) "2024-11-19T12:00:0" #p ".000000Z\tinfo\taccess\t" \
	"connection complete\tsrc.addr=10.0.0.1:4000" #p " src.workload=\"c\" " \
	"src.namespace=\"n\" src.identity=\"spiffe://x/ns/n/sa/c\" " \
	"dst.addr=10.0.0.2:15008 dst.hbone_addr=10.0.0.2:80 dst.service=\"s\" " \
	"dst.workload=\"w\" dst.namespace=\"n\" dst.identity=\"spiffe://x\" " \
	"direction=\"outbound\" bytes_sent=" #b " bytes_recv=9 duration=\"1ms\""
#define IN(p, b) "2024-11-19T12:00:0" #p ".000000Z\tinfo\taccess\t" \
	"connection complete\tsrc.addr=10.0.0.1:5000 src.workload=\"c\" " \
	"src.namespace=\"n\" src.identity=\"spiffe://x/ns/n/sa/c\" " \
	"dst.addr=10.0.0.2:15008 dst.hbone_addr=10.0.0.2:80 dst.service=\"s\" " \
	"dst.workload=\"w\" dst.namespace=\"n\" dst.identity=\"spiffe://x\" " \
	"direction=\"inbound\" bytes_sent=9 bytes_recv=" #b " duration=\"1ms\""

/* t_check-2.1 */
static void
check_run_pairs_and_passes(void)
{
	struct zt_store		*st;
	struct zt_ruleset	 rs;
	struct zt_checkrun	 run;
	struct zt_checkopts	 o = { .examples = 5, .keep_pairs = 1, .stored = 0 };
	struct zt_err		 err;
	size_t			 i;

	memset(&rs, 0, sizeof(rs));
	TT_EQ_INT(zt_rules_load(&rs, "builtin", zt_default_rules,
	    zt_default_rules_len, &err), 0);
	TT_EQ_INT(zt_store_open(&st, NULL, ZT_STORE_MEMORY, &err), 0);
	TT_EQ_INT(zt_store_begin(st, "t", &err), 0);
	line(st, 1, OUT(1, 10));
	line(st, 2, OUT(2, 11));
	line(st, 3, IN(1, 10));
	line(st, 4, IN(2, 11));
	line(st, 5, OUT(3, 12));	/* no twin, and 10.0.0.2 is local */
	{
		struct zt_source_stats ss;
		char *dup;

		memset(&ss, 0, sizeof(ss));
		ss.records = ss.lines = 5;
		TT_EQ_INT(zt_store_end(st, &ss, &dup, &err), 0);
	}
	TT_EQ_INT(zt_check_run(zt_store_db(st), &rs, &o, &run, &err), 0);
	TT_EQ_INT(run.nres, 6);
	for (i = 0; i < run.nres; i++) {
		const char *id = run.res[i].rule->id;

		if (strcmp(id, "hbone") == 0)
			TT_EQ_INT(run.res[i].status, ZT_ST_PASS);
		if (strcmp(id, "pairing") == 0) {
			TT_EQ_INT(run.res[i].status, ZT_ST_FAIL);
			TT_EQ_STR(run.res[i].counts[0].name, "paired");
			TT_EQ_INT(run.res[i].counts[0].v, 2);
			TT_EQ_INT(run.res[i].counts[1].v, 1);
		}
		if (strcmp(id, "errors") == 0)
			TT_EQ_INT(run.res[i].status, ZT_ST_PASS);
	}
	/* keep_pairs: two pairs and the lone outbound record */
	TT_EQ_INT(run.npairs, 3);
	zt_check_free(&run);
	zt_store_close(st);
	zt_rules_free(&rs);
}

/* Intern one line's record and feed it to c, as ingest does. */
static void
feed(struct zt_store *st, struct zt_checker *c, unsigned long n,
    const char *text)
{
	struct zt_parser	 ps;
	struct zt_rec		 rec;
	struct zt_recids	 ids;
	struct zt_buf		 fresh = { NULL, 0, 0 };
	struct zt_str		 l = { text, strlen(text) };
	struct zt_err		 err;

	zt_parser_init(&ps);
	TT_EQ_INT(zt_parse_line(&ps, l, &rec), ZT_CLASS_RECORD);
	TT_EQ_INT(zt_store_intern(st, &rec, &ids, &fresh, &err), 0);
	TT_EQ_INT(zt_store_fresh(st, fresh.p, fresh.n, &err), 0);
	TT_EQ_INT(zt_store_insert(st, n, &ids, rec.extra, rec.prefix,
	    &err), 0);
	zt_checker_feed(c, (int64_t)n, &ids);
	zt_buf_free(&fresh);
	zt_parser_fini(&ps);
}

/* Start a source in the store and the checker, as ingest does. */
static void
source(struct zt_store *st, struct zt_checker *c, const char *name)
{
	struct zt_err	 err;

	TT_EQ_INT(zt_store_begin(st, name, &err), 0);
	zt_checker_begin(c, name);
}

/* Roll the current source back in both. */
static void
rollback(struct zt_store *st, struct zt_checker *c)
{
	zt_store_abort(st);
	zt_checker_end(c, 0);
}

static void
commit(struct zt_store *st, struct zt_checker *c, uint64_t lines)
{
	struct zt_source_stats	 ss;
	struct zt_err		 err;
	char			*dup = NULL;

	memset(&ss, 0, sizeof(ss));
	ss.records = ss.lines = lines;
	TT_EQ_INT(zt_store_end(st, &ss, &dup, &err), 0);
	zt_checker_end(c, 1);
}

static const struct zt_result *
result(const struct zt_checkrun *run, const char *id)
{
	size_t	 i;

	for (i = 0; i < run->nres; i++)
		if (strcmp(run->res[i].rule->id, id) == 0)
			return &run->res[i];
	return NULL;
}

/* A plain-TCP outbound record to service svc (a balance sample). */
#define PLAIN(svc) "2024-11-19T12:00:01.000000Z\tinfo\taccess\t" \
	"connection complete\tsrc.addr=10.0.0.9:4000 src.workload=\"c\" " \
	"dst.addr=10.0.0.7:80 dst.service=\"" svc "\" dst.workload=\"e\" " \
	"direction=\"outbound\" bytes_sent=1 bytes_recv=2 duration=\"1ms\""

/* The built-in rules, a store keeping names only, a checker over them. */
static struct zt_checker *
setup(struct zt_ruleset *rs, struct zt_store **st)
{
	static const struct zt_checkopts o = { .examples = 5, .keep_pairs = 0, .stored = 0 };
	struct zt_err		 err;

	memset(rs, 0, sizeof(*rs));
	TT_EQ_INT(zt_rules_load(rs, "builtin", zt_default_rules,
	    zt_default_rules_len, &err), 0);
	TT_EQ_INT(zt_store_open(st, NULL, ZT_STORE_NAMES, &err), 0);
	return zt_checker_new(rs, &o, zt_store_names(*st));
}

/* t_check-3.1 */
static void
checker_stages_sources(void)
{
	struct zt_store		*st;
	struct zt_ruleset	 rs;
	struct zt_checkrun	 run;
	struct zt_err		 err;
	struct zt_checker	*c = setup(&rs, &st);
	const struct zt_result	*r;

	/* Source a: two outbound records. */
	source(st, c, "a");
	feed(st, c, 1, OUT(1, 10));
	feed(st, c, 2, OUT(2, 11));
	commit(st, c, 2);
	/* Source b: new names, then rolled back. */
	source(st, c, "b");
	feed(st, c, 1, PLAIN("svc-rolled-back"));
	rollback(st, c);
	/* Source c: the inbound twins, and names that reuse b's ids. */
	source(st, c, "c");
	feed(st, c, 1, IN(1, 10));
	feed(st, c, 2, IN(2, 11));
	feed(st, c, 3, PLAIN("svc-kept"));
	commit(st, c, 3);
	TT_EQ_INT(zt_checker_finish(c, zt_store_db(st), &run, &err), 0);
	TT_EQ_INT(run.sources, 2);
	TT_EQ_INT(run.records, 5);
	r = result(&run, "pairing");
	TT_CHECK(r != NULL);
	if (r != NULL) {
		TT_EQ_INT(r->status, ZT_ST_PASS);
		TT_EQ_STR(r->counts[0].name, "paired");
		TT_EQ_INT(r->counts[0].v, 2);
	}
	r = result(&run, "balance");
	TT_CHECK(r != NULL);
	if (r != NULL) {
		/* s (HBONE, 2 records) and svc-kept; nothing of b. */
		TT_EQ_INT((long long)r->nsvc, 2);
		if (r->nsvc == 2) {
			TT_EQ_STR(r->svc[0].service, "s");
			TT_EQ_INT(r->svc[0].total, 2);
			TT_EQ_STR(r->svc[1].service, "svc-kept");
			TT_EQ_INT(r->svc[1].total, 1);
			TT_EQ_STR(r->svc[1].ep[0].name, "e");
		}
	}
	r = result(&run, "hbone");
	TT_CHECK(r != NULL);
	if (r != NULL)
		TT_EQ_INT(r->counts[0].v, 3);	/* outbound records judged */
	zt_check_free(&run);
	zt_store_close(st);
	zt_rules_free(&rs);
}

/* t_check-3.2: a source rolled back mid-run, its lone record not counted */
static void
checker_drops_rolled_back_pairs(void)
{
	struct zt_store		*st;
	struct zt_ruleset	 rs;
	struct zt_checkrun	 run;
	struct zt_err		 err;
	struct zt_checker	*c = setup(&rs, &st);
	const struct zt_result	*r;

	source(st, c, "a");
	feed(st, c, 1, OUT(1, 10));
	feed(st, c, 2, IN(1, 10));
	commit(st, c, 2);
	source(st, c, "b");
	feed(st, c, 1, OUT(3, 12));	/* would be unpaired */
	rollback(st, c);
	TT_EQ_INT(zt_checker_finish(c, zt_store_db(st), &run, &err), 0);
	r = result(&run, "pairing");
	TT_CHECK(r != NULL);
	if (r != NULL) {
		TT_EQ_INT(r->status, ZT_ST_PASS);
		TT_EQ_INT(r->counts[0].v, 1);
		TT_EQ_INT(r->counts[1].v, 0);	/* outbound_unpaired */
		TT_EQ_INT((long long)r->nex, 0);
	}
	TT_EQ_INT(run.records, 2);
	zt_check_free(&run);
	zt_store_close(st);
	zt_rules_free(&rs);
}

/*
 * t_check-3.3: while the first source is read (check --follow on a
 * stream), a snapshot shows what it has read so far, and changes nothing:
 * the next snapshot and the final result go on from the same state.
 */
static void
checker_snapshots_open_first_source(void)
{
	struct zt_store		*st;
	struct zt_ruleset	 rs;
	struct zt_checkrun	 run;
	struct zt_err		 err;
	struct zt_checker	*c = setup(&rs, &st);
	const struct zt_result	*r;
	int			 k;

	source(st, c, "-");
	feed(st, c, 1, OUT(1, 10));
	for (k = 0; k < 2; k++) {	/* twice: the same */
		TT_EQ_INT(zt_checker_snapshot(c, zt_store_db(st), &run, &err),
		    0);
		r = result(&run, "hbone");
		TT_CHECK(r != NULL && r->counts[0].v == 1);
		r = result(&run, "pairing");
		TT_CHECK(r != NULL && r->counts[0].v == 0);
		zt_check_free(&run);
	}
	feed(st, c, 2, IN(1, 10));
	TT_EQ_INT(zt_checker_snapshot(c, zt_store_db(st), &run, &err), 0);
	r = result(&run, "pairing");
	TT_CHECK(r != NULL && r->status == ZT_ST_PASS && r->counts[0].v == 1);
	zt_check_free(&run);
	commit(st, c, 2);
	TT_EQ_INT(zt_checker_finish(c, zt_store_db(st), &run, &err), 0);
	r = result(&run, "pairing");
	TT_CHECK(r != NULL && r->status == ZT_ST_PASS && r->counts[0].v == 1);
	r = result(&run, "hbone");
	TT_CHECK(r != NULL && r->counts[0].v == 1);
	TT_EQ_INT(run.records, 2);
	zt_check_free(&run);
	zt_store_close(st);
	zt_rules_free(&rs);
}

/*
 * t_check-2.2: a database is not bound to ingest's line numbers: two
 * records on the same line (byte counts that agree in their low 32 bits
 * only) stay two records and do not pair.
 */
static void
check_run_repeated_lines(void)
{
	struct zt_store		*st;
	struct zt_ruleset	 rs;
	struct zt_checkrun	 run;
	struct zt_checkopts	 o = { .examples = 5, .keep_pairs = 1, .stored = 0 };
	struct zt_err		 err;
	const struct zt_result	*r;
	struct zt_source_stats	 ss;
	char			*dup;

	memset(&rs, 0, sizeof(rs));
	TT_EQ_INT(zt_rules_load(&rs, "builtin", zt_default_rules,
	    zt_default_rules_len, &err), 0);
	TT_EQ_INT(zt_store_open(&st, NULL, ZT_STORE_MEMORY, &err), 0);
	TT_EQ_INT(zt_store_begin(st, "t", &err), 0);
	line(st, 1, OUT(1, 4294967301));	/* 2^32 + 5 */
	line(st, 1, IN(1, 8589934597));		/* 2^33 + 5 */
	memset(&ss, 0, sizeof(ss));
	ss.records = ss.lines = 2;
	TT_EQ_INT(zt_store_end(st, &ss, &dup, &err), 0);
	TT_EQ_INT(zt_check_run(zt_store_db(st), &rs, &o, &run, &err), 0);
	r = result(&run, "pairing");
	TT_CHECK(r != NULL);
	if (r != NULL) {
		TT_EQ_INT(r->status, ZT_ST_FAIL);
		TT_EQ_INT(r->counts[0].v, 0);	/* paired */
		TT_EQ_INT(r->counts[1].v, 1);	/* outbound_unpaired */
		TT_EQ_INT(r->counts[2].v, 1);	/* inbound_unpaired */
	}
	/* ztlog pairs: two records, each its own id */
	TT_EQ_INT((long long)run.npairs, 2);
	if (run.npairs == 2)
		TT_CHECK(run.pairs[0].out_id + run.pairs[0].in_id !=
		    run.pairs[1].out_id + run.pairs[1].in_id);
	zt_check_free(&run);
	zt_store_close(st);
	zt_rules_free(&rs);
}

/* t_check-3.4: byte counts past 32 bits pair whole, not by their low bits */
static void
checker_pairs_big_byte_counts(void)
{
	struct zt_store		*st;
	struct zt_ruleset	 rs;
	struct zt_checkrun	 run;
	struct zt_err		 err;
	struct zt_checker	*c = setup(&rs, &st);
	const struct zt_result	*r;

	source(st, c, "a");
	feed(st, c, 1, OUT(1, 5000000000));
	feed(st, c, 2, IN(1, 5000000000));
	/* 705032704 = 5000000000 mod 2^32: the same low 32 bits */
	feed(st, c, 3, OUT(2, 5000000000));
	feed(st, c, 4, IN(2, 705032704));
	commit(st, c, 4);
	TT_EQ_INT(zt_checker_finish(c, zt_store_db(st), &run, &err), 0);
	r = result(&run, "pairing");
	TT_CHECK(r != NULL);
	if (r != NULL) {
		TT_EQ_STR(r->counts[0].name, "paired");
		TT_EQ_INT(r->counts[0].v, 1);
		TT_EQ_INT(r->counts[1].v, 1);	/* outbound_unpaired */
		TT_EQ_INT(r->counts[2].v, 1);	/* inbound_unpaired */
		TT_EQ_INT((long long)r->nex, 2);
		if (r->nex == 2) {
			TT_EQ_INT(r->ex[0].line, 3);
			TT_CHECK(strstr(r->ex[0].text, "5000000000/9 bytes") !=
			    NULL);
			TT_EQ_INT(r->ex[1].line, 4);
			TT_CHECK(strstr(r->ex[1].text, "9/705032704 bytes") !=
			    NULL);
		}
	}
	zt_check_free(&run);
	zt_store_close(st);
	zt_rules_free(&rs);
}

/* An inbound HBONE record from peer wl (identity id) at second p. */
#define IN_FROM(p, wl, id) "2024-11-19T12:00:0" #p ".000000Z\tinfo\t" \
	"access\tconnection complete\tsrc.addr=10.0.0.5:5000 " \
	"src.workload=\"" wl "\" src.namespace=\"n\" " \
	"src.identity=\"spiffe://x/ns/n/sa/" id "\" " \
	"dst.addr=10.0.0.2:15008 dst.hbone_addr=10.0.0.2:80 " \
	"dst.service=\"s\" dst.workload=\"w\" dst.namespace=\"n\" " \
	"direction=\"inbound\" bytes_sent=9 bytes_recv=" #p " " \
	"duration=\"1ms\""

/*
 * t_check-3.5: inbound records from a waypoint by name (workload or
 * identity) are counted as such however often their peer comes again;
 * a peer that is none, not; and a rolled-back source's waypoint does not
 * make the peer that takes its id again one.
 */
static void
checker_counts_named_waypoints(void)
{
	struct zt_store		*st;
	struct zt_ruleset	 rs;
	struct zt_checkrun	 run;
	struct zt_err		 err;
	struct zt_checker	*c = setup(&rs, &st);
	const struct zt_result	*r;
	size_t			 i;

	source(st, c, "a");
	feed(st, c, 1, IN_FROM(1, "waypoint", "w"));
	feed(st, c, 2, IN_FROM(2, "client", "c"));
	feed(st, c, 3, IN_FROM(3, "waypoint", "w"));
	feed(st, c, 4, IN_FROM(4, "gw", "waypoint"));
	feed(st, c, 5, IN_FROM(5, "client", "c"));
	feed(st, c, 6, IN_FROM(6, "gw", "waypoint"));
	commit(st, c, 6);
	source(st, c, "b");
	feed(st, c, 1, IN_FROM(7, "waypoint-b", "b"));
	rollback(st, c);
	source(st, c, "c");
	feed(st, c, 1, IN_FROM(8, "client-c", "c"));
	feed(st, c, 2, IN_FROM(9, "client-c", "c"));
	commit(st, c, 2);
	TT_EQ_INT(zt_checker_finish(c, zt_store_db(st), &run, &err), 0);
	r = result(&run, "pairing");
	TT_CHECK(r != NULL);
	if (r != NULL) {
		for (i = 0; i < (size_t)r->ncounts; i++)
			if (strcmp(r->counts[i].name, "from_waypoint") == 0)
				TT_EQ_INT(r->counts[i].v, 4);
			else if (strcmp(r->counts[i].name,
			    "unverifiable") == 0)
				/* The clients': no outbound from their node. */
				TT_EQ_INT(r->counts[i].v, 4);
		TT_CHECK(r->ncounts >= 6);
	}
	zt_check_free(&run);
	zt_store_close(st);
	zt_rules_free(&rs);
}

/* t_check-3.3: an example's text is not cut at any length */
static void
describe_long_addresses(void)
{
	struct zt_row	 row;
	char		 ip[400];
	char		 want[1024];	/* 2 x ip[] whatever gcc -Os assumes */
	char		*text;
	int		 i;

	memset(&row, 0, sizeof(row));
	for (i = 0; i < ZT_COL_COUNT; i++)
		row.s[i] = ZT_NOSTR;
	for (i = 0; i < 40; i++)
		memcpy(ip + 5 * i, "fd00:", 5);
	memcpy(ip + 200, "1", 2);
	row.s[ZT_COL_SRC_IP].p = ip;
	row.s[ZT_COL_SRC_IP].n = strlen(ip);
	row.s[ZT_COL_SRC_PORT].p = "";
	row.num[ZT_COL_SRC_PORT] = 48927;
	row.ts_us = 1732017609200000LL;		/* 2024-11-19T12:00:09.2Z */
	text = zt_row_describe(&row);
	snprintf(want, sizeof(want), "2024-11-19T12:00:09.200000Z ? %s ([%s]:"
	    "48927) -> - (?), plain TCP", ip, ip);
	TT_EQ_STR(text, want);
	free(text);
}

/* ---- snapshots ----------------------------------------------------------- */

#define ERR(p, e) "2024-11-19T12:00:0" #p ".000000Z\terror\taccess\t" \
	"connection complete\tsrc.addr=10.0.0.1:6000" #p " src.workload=\"c\" " \
	"src.namespace=\"n\" dst.addr=10.0.0.3:15008 " \
	"dst.hbone_addr=10.0.0.3:80 dst.service=\"svc-err\" " \
	"dst.workload=\"x\" dst.namespace=\"n\" direction=\"outbound\" " \
	"bytes_sent=0 bytes_recv=0 duration=\"1ms\" error=\"" e "\""
#define IN_PLAIN "2024-11-19T12:00:07.000000Z\tinfo\taccess\t" \
	"connection complete\tsrc.addr=10.0.0.8:7000 dst.addr=10.0.0.2:80 " \
	"dst.workload=\"w\" dst.namespace=\"n\" direction=\"inbound\" " \
	"bytes_sent=1 bytes_recv=2 duration=\"1ms\""

/* One more rule of each type, with its parameters. */
static const char more_rules[] =
    "rules:\n"
    "  - id: hb-require\n    description: d\n    severity: warning\n"
    "    type: hbone\n    require: {dst_service: {match: '^svc-k'}}\n"
    "  - id: bal-strict\n    description: d\n    severity: warning\n"
    "    type: balance\n    min_expected: 1\n    max_ratio: 1.5\n"
    "  - id: err-out\n    description: d\n    severity: error\n"
    "    type: errors\n    max: 1\n    where: {direction: outbound}\n"
    "  - id: pair-tight\n    description: d\n    severity: error\n"
    "    type: pairing\n    window: 1ms\n    waypoint: '^wp'\n"
    "  - id: sql-errors\n    description: d\n    severity: error\n"
    "    type: sql\n    query: SELECT line, error FROM records "
    "WHERE error IS NOT NULL\n";

/* The records of the sources, in order; "" ends a source, NULL the list. */
static const char *const snap_lines[] = {
	OUT(1, 10), PLAIN("s"), ERR(3, "connection refused"), "",
	"-",	/* rolled back */
	OUT(4, 13), PLAIN("svc-rolled-back"), "",
	IN(1, 10), OUT(2, 11), PLAIN("svc-kept"), PLAIN("svc-kept"), "",
	IN(2, 11), IN_PLAIN, ERR(5, "timed out"), ERR(6, "timed out"),
	PLAIN("svc-kept"), "",
	NULL
};

static char *
json(const struct zt_checkrun *run)
{
	struct zt_report	 r;
	char			*p = NULL;
	size_t			 n = 0;
	FILE			*f = open_memstream(&p, &n);

	TT_CHECK(f != NULL);
	if (f == NULL)
		return NULL;
	memset(&r, 0, sizeof(r));
	r.run = run;
	r.status = zt_report_status(run, 0);
	zt_report_write(f, &r, "json");
	fclose(f);
	return p;
}

/* The JSON report of a fresh run over the first nsrc committed sources. */
static char *
fresh_report(const struct zt_ruleset *rs, int nsrc)
{
	static const struct zt_checkopts o = { .examples = 5, .keep_pairs = 0, .stored = 0 };
	struct zt_store		*st;
	struct zt_checkrun	 run;
	struct zt_err		 err;
	struct zt_source_stats	 ss;
	char			*dup;
	char			 name[16];
	char			*text = NULL;
	int			 src = 0;
	unsigned long		 n = 0;
	size_t			 i;

	TT_EQ_INT(zt_store_open(&st, NULL, ZT_STORE_MEMORY, &err), 0);
	for (i = 0; snap_lines[i] != NULL && src < nsrc; i++) {
		if (strcmp(snap_lines[i], "-") == 0) {
			while (snap_lines[i][0] != '\0')
				i++;
			continue;
		}
		if (n == 0) {
			snprintf(name, sizeof(name), "s%d", src + 1);
			TT_EQ_INT(zt_store_begin(st, name, &err), 0);
		}
		if (snap_lines[i][0] != '\0') {
			line(st, ++n, snap_lines[i]);
			continue;
		}
		memset(&ss, 0, sizeof(ss));
		ss.records = ss.lines = n;
		TT_EQ_INT(zt_store_end(st, &ss, &dup, &err), 0);
		n = 0;
		src++;
	}
	if (zt_check_run(zt_store_db(st), rs, &o, &run, &err) == 0) {
		text = json(&run);
		zt_check_free(&run);
	} else
		TT_CHECK(!"zt_check_run failed");
	zt_store_close(st);
	return text;
}

/* Snapshot c into JSON, twice: the same both times. */
static char *
snapshot_report(struct zt_checker *c, struct zt_store *st)
{
	struct zt_checkrun	 run;
	struct zt_err		 err;
	char			*a = NULL;
	char			*b = NULL;

	TT_EQ_INT(zt_checker_snapshot(c, zt_store_db(st), &run, &err), 0);
	a = json(&run);
	zt_check_free(&run);
	TT_EQ_INT(zt_checker_snapshot(c, zt_store_db(st), &run, &err), 0);
	b = json(&run);
	zt_check_free(&run);
	TT_CHECK(a != NULL && b != NULL && strcmp(a, b) == 0);
	free(b);
	return a;
}

/* t_check-4.1 */
static void
checker_snapshots_match_fresh_runs(void)
{
	static const struct zt_checkopts o = { .examples = 5, .keep_pairs = 0, .stored = 1 };
	struct zt_store		*st;
	struct zt_ruleset	 rs;
	struct zt_checker	*c;
	struct zt_checkrun	 run;
	struct zt_err		 err;
	char			*snap = NULL;
	char			*want;
	char			*fin;
	char			 name[16];
	int			 src = 0;
	int			 skip = 0;
	int			 open = 0;
	unsigned long		 n = 0;
	size_t			 i;

	memset(&rs, 0, sizeof(rs));
	TT_EQ_INT(zt_rules_load(&rs, "builtin", zt_default_rules,
	    zt_default_rules_len, &err), 0);
	TT_EQ_INT(zt_rules_load(&rs, "more", more_rules, strlen(more_rules),
	    &err), 0);
	TT_EQ_INT(rs.n, 11);
	/* Records stored (sql rules can run), and fed as ingest feeds them. */
	TT_EQ_INT(zt_store_open(&st, NULL, ZT_STORE_MEMORY, &err), 0);
	c = zt_checker_new(&rs, &o, zt_store_names(st));
	for (i = 0; snap_lines[i] != NULL; i++) {
		if (strcmp(snap_lines[i], "-") == 0) {
			skip = 1;
			continue;
		}
		if (!open) {
			snprintf(name, sizeof(name), skip ? "x" : "s%d",
			    src + 1);
			source(st, c, name);
			open = 1;
		}
		if (snap_lines[i][0] != '\0') {
			feed(st, c, ++n, snap_lines[i]);
			continue;
		}
		if (skip)
			rollback(st, c);
		else {
			commit(st, c, n);
			src++;
		}
		open = skip = 0;
		n = 0;
		/* After each commit, and after the rollback. */
		free(snap);
		snap = snapshot_report(c, st);
		want = fresh_report(&rs, src);
		TT_CHECK(snap != NULL && want != NULL &&
		    strcmp(snap, want) == 0);
		if (snap != NULL && want != NULL && strcmp(snap, want) != 0)
			fprintf(stderr, "after %d sources:\nsnapshot:\n%s\n"
			    "fresh run:\n%s\n", src, snap, want);
		free(want);
	}
	TT_EQ_INT(src, 3);
	/* What the last snapshot shows: every type judged something. */
	TT_CHECK(snap != NULL && strstr(snap, "\"sql-errors\"") != NULL &&
	    strstr(snap, "timed out") != NULL);
	TT_EQ_INT(zt_checker_finish(c, zt_store_db(st), &run, &err), 0);
	fin = json(&run);
	TT_CHECK(fin != NULL && snap != NULL && strcmp(fin, snap) == 0);
	zt_check_free(&run);
	free(fin);
	free(snap);
	zt_store_close(st);
	zt_rules_free(&rs);
}

/* t_check-5.1: two pairing rules, one state, two windows */
#define IN_LATE "2024-11-19T12:00:01.500000Z\tinfo\taccess\t" \
	"connection complete\tsrc.addr=10.0.0.1:5000 src.workload=\"c\" " \
	"src.namespace=\"n\" src.identity=\"spiffe://x/ns/n/sa/c\" " \
	"dst.addr=10.0.0.2:15008 dst.hbone_addr=10.0.0.2:80 dst.service=\"s\" " \
	"dst.workload=\"w\" dst.namespace=\"n\" dst.identity=\"spiffe://x\" " \
	"direction=\"inbound\" bytes_sent=9 bytes_recv=10 duration=\"1ms\""

static void
checker_shares_state_between_windows(void)
{
	static const char rules[] =
	    "rules:\n"
	    "  - {id: wide, description: d, severity: error, type: pairing,"
	    " window: 2s}\n"
	    "  - {id: tight, description: d, severity: error, type: pairing,"
	    " window: 1ms}\n"
	    "  - {id: elsewhere, description: d, severity: error,"
	    " type: pairing, window: 2s, where: {direction: inbound}}\n";
	static const struct zt_checkopts o = { .examples = 5, .keep_pairs = 0, .stored = 0 };
	struct zt_store		*st;
	struct zt_ruleset	 rs;
	struct zt_checker	*c;
	struct zt_checkrun	 run;
	struct zt_err		 err;
	const struct zt_result	*r;

	memset(&rs, 0, sizeof(rs));
	TT_EQ_INT(zt_rules_load(&rs, "r", rules, strlen(rules), &err), 0);
	TT_CHECK(rs.n == 3 && rs.r[0].nshare == rs.r[1].nshare &&
	    memcmp(rs.r[0].share, rs.r[1].share, rs.r[0].nshare) == 0);
	TT_CHECK(rs.r[2].nshare != rs.r[0].nshare ||
	    memcmp(rs.r[2].share, rs.r[0].share, rs.r[0].nshare) != 0);
	TT_EQ_INT(zt_store_open(&st, NULL, ZT_STORE_NAMES, &err), 0);
	c = zt_checker_new(&rs, &o, zt_store_names(st));
	source(st, c, "a");
	feed(st, c, 1, OUT(1, 10));
	feed(st, c, 2, IN_LATE);
	commit(st, c, 2);
	TT_EQ_INT(zt_checker_finish(c, zt_store_db(st), &run, &err), 0);
	r = result(&run, "wide");
	TT_CHECK(r != NULL && r->counts[0].v == 1);		/* paired */
	r = result(&run, "tight");
	TT_CHECK(r != NULL && r->counts[0].v == 0 && r->counts[1].v == 1 &&
	    r->counts[2].v == 1);
	r = result(&run, "elsewhere");		/* sees the inbound one only */
	TT_CHECK(r != NULL && r->counts[0].v == 0 && r->counts[1].v == 0 &&
	    r->counts[2].v == 1);
	zt_check_free(&run);
	zt_store_close(st);
	zt_rules_free(&rs);
}

/* One HBONE record at us after 12:00:00 (log time), for the window test. */
static void
feed_at(struct zt_store *st, struct zt_checker *c, unsigned long line,
    int64_t us, int out, unsigned b)
{
	char	 text[600];

	snprintf(text, sizeof(text), "2024-11-19T12:%02d:%02d.%06dZ\tinfo\t"
	    "access\tconnection complete\tsrc.addr=10.0.0.1:%d "
	    "src.workload=\"c\" src.namespace=\"n\" "
	    "src.identity=\"spiffe://x/ns/n/sa/c\" dst.addr=10.0.0.2:15008 "
	    "dst.hbone_addr=10.0.0.2:80 dst.service=\"s\" dst.workload=\"w\" "
	    "dst.namespace=\"n\" dst.identity=\"spiffe://x\" "
	    "direction=\"%s\" bytes_sent=%u bytes_recv=%u duration=\"1ms\"",
	    (int)(us / 60000000), (int)(us / 1000000 % 60), (int)(us % 1000000),
	    out ? 4000 : 5000, out ? "outbound" : "inbound", out ? b : 9,
	    out ? 9 : b);
	feed(st, c, line, text);
}

/*
 * Pairing under a window, across a clock offset: 6,000 connections
 * 100 ms apart whose inbound record is stamped 2.5 s late (more than
 * the 2 s tolerance): all are paired through the estimated offset, and
 * with a 60 s window only those within it are judged.
 */
static void
pairs_in_window(int spill)
{
	static const char rules[] =
	    "rules:\n"
	    "  - {id: p, description: d, severity: error, type: pairing}\n";
	struct zt_checkopts	 o = { .examples = 5 };
	struct zt_store		*st;
	struct zt_ruleset	 rs;
	struct zt_checker	*c;
	struct zt_checkrun	 run;
	struct zt_err		 err;
	const struct zt_result	*r;
	unsigned		 i, n = 6000;
	int			 pass;

	uint64_t		 spilled = zt_ptab_spilled();

	memset(&rs, 0, sizeof(rs));
	TT_EQ_INT(zt_rules_load(&rs, "r", rules, strlen(rules), &err), 0);
	/*
	 * A small budget: entries go to the spill file, from 3 sources,
	 * and too many to keep the first pass's order: both passes sort.
	 */
	zt_ptab_budget(spill ? 256 : 0);
	for (pass = 0; pass < 2; pass++) {
		o.window_us = pass ? (int64_t)60 * 1000000 : 0;
		TT_EQ_INT(zt_store_open(&st, NULL, ZT_STORE_NAMES, &err), 0);
		c = zt_checker_new(&rs, &o, zt_store_names(st));
		for (i = 0; i < n; i++) {
			if (i % 2000 == 0) {
				if (i > 0)
					commit(st, c, 2 * i);
				source(st, c, i == 0 ? "a" : i == 2000 ?
				    "b" : "c");
			}
			feed_at(st, c, 2 * i + 1, (int64_t)i * 100000, 1,
			    1000 + i);
			feed_at(st, c, 2 * i + 2, (int64_t)i * 100000 + 2500000,
			    0, 1000 + i);
		}
		commit(st, c, 2 * n);
		TT_EQ_INT(zt_checker_finish(c, zt_store_db(st), &run, &err), 0);
		r = result(&run, "p");
		/* paired, outbound_unpaired, inbound_unpaired */
		TT_CHECK(r != NULL && r->status == ZT_ST_PASS);
		TT_EQ_INT(r != NULL ? r->counts[0].v : -1, pass ? 601 : n);
		TT_EQ_INT(r != NULL ? r->counts[1].v + r->counts[2].v : -1, 0);
		TT_CHECK(r != NULL && r->nclk == 1 &&
		    r->clk[0].off_us == 2500000);
		TT_CHECK(r != NULL && strstr(r->summary, "+2500.0 ms") != NULL);
		zt_check_free(&run);
		zt_store_close(st);
	}
	TT_CHECK(spill ? zt_ptab_spilled() > spilled + 5000 :
	    zt_ptab_spilled() == spilled);
	zt_ptab_budget(0);
	zt_rules_free(&rs);
}

static void
checker_pairs_in_window_across_skew(void)
{
	pairs_in_window(0);
}

/*
 * t_check-5.3: the same with pairing's memory budget at 256 entries:
 * its entries go to the spill file and come back, with the same
 * verdicts, under a window too (eviction reads spilled runs).
 */
static void
checker_pairs_spilled(void)
{
	pairs_in_window(1);
}

/* t_check-6.1 */
static void
examples_keep_the_first_max(void)
{
	struct zt_exlist	 a, b;
	struct zt_row		 row;
	size_t			 i;
	int			 k, line = 0, ok = 0;

	memset(&a, 0, sizeof(a));
	memset(&row, 0, sizeof(row));
	/* Sources of 0, 2, 2, 1, 4 and 3 records into lists of at most 5. */
	for (k = 0; k < 6; k++) {
		memset(&b, 0, sizeof(b));
		for (i = 0; i < (size_t)"\0\2\2\1\4\3"[k]; i++) {
			row.line = ++line;
			zt_exlist_add(&b, &row, 5);
		}
		zt_exlist_merge(&a, &b, 5);
		TT_CHECK(b.v == NULL && b.n == 0 && b.more == 0);
		if (k == 2) {
			TT_EQ_INT(a.n, 4);
			TT_EQ_INT(a.more, 0);
		}
	}
	TT_EQ_INT(a.n, 5);
	TT_EQ_INT(a.more, 12 - 5);
	for (i = 0; i < a.n; i++)
		ok += a.v[i].line == (int64_t)i + 1;
	TT_EQ_INT(ok, 5);
	zt_exlist_free(&a);
	/* max 1 (a flow's first record): the first source's is kept. */
	memset(&b, 0, sizeof(b));
	row.line = 7;
	zt_exlist_add(&b, &row, 1);
	row.line = 8;
	zt_exlist_add(&b, &row, 1);
	TT_EQ_INT(b.n, 1);
	TT_EQ_INT(b.more, 1);
	zt_exlist_merge(&a, &b, 1);
	TT_EQ_INT(a.n, 1);
	TT_EQ_INT(a.v[0].line, 7);
	TT_EQ_INT(a.more, 1);
	zt_exlist_free(&a);
}

int
main(void)
{
	chi2_upper_tail_matches_tables();
	check_run_pairs_and_passes();
	checker_stages_sources();
	checker_drops_rolled_back_pairs();
	checker_snapshots_open_first_source();
	describe_long_addresses();
	checker_pairs_big_byte_counts();
	checker_counts_named_waypoints();
	check_run_repeated_lines();
	checker_snapshots_match_fresh_runs();
	checker_shares_state_between_windows();
	checker_pairs_in_window_across_skew();
	checker_pairs_spilled();
	examples_keep_the_first_max();
	return tt_finish("t_check");
}

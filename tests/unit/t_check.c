/*
 * t_check.c -- the statistics under the balance check, one scan, and the
 * engine fed record by record.
 *
 * Test plan: t_check-1.* chi-square upper tail against table values;
 * -2.* a run over a small in-memory database: statuses and counts of the
 * built-in rules; -3.* zt_checker fed as ingest feeds it: twins in two
 * sources pair across them, a rolled-back source leaves no trace even
 * when its ids are handed out again with other names, an example's
 * text is never cut (a 200-byte IPv6 source address), and byte counts
 * past 2^32 pair by their whole value.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "parse/record.h"
#include "rules/rules.h"
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
	struct zt_checkopts	 o = { 5, 1, 0 };
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
	TT_EQ_INT(run.nres, 4);
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
	TT_EQ_INT(zt_store_insert(st, n, &ids, rec.extra, &err), 0);
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
	static const struct zt_checkopts o = { 5, 0, 0 };
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
	struct zt_checkopts	 o = { 5, 1, 0 };
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

/* t_check-3.3: an example's text is not cut at any length */
static void
describe_long_addresses(void)
{
	struct zt_row	 row;
	char		 ip[400];
	char		 want[480];
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

int
main(void)
{
	chi2_upper_tail_matches_tables();
	check_run_pairs_and_passes();
	checker_stages_sources();
	checker_drops_rolled_back_pairs();
	describe_long_addresses();
	checker_pairs_big_byte_counts();
	check_run_repeated_lines();
	return tt_finish("t_check");
}

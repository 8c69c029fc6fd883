/*
 * t_check.c -- the statistics under the balance check, and one scan.
 *
 * Test plan: t_check-1.* chi-square upper tail against table values;
 * -2.* a run over a small in-memory database: statuses and counts of the
 * built-in rules.
 */
#include <math.h>
#include <string.h>

#include "check.h"
#include "record.h"
#include "rules.h"
#include "store.h"
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
	struct zt_checkopts	 o = { 5, 1 };
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

int
main(void)
{
	chi2_upper_tail_matches_tables();
	check_run_pairs_and_passes();
	return tt_finish("t_check");
}

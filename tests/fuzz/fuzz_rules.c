/*
 * fuzz_rules.c -- libFuzzer target for the rule loader: the input is a
 * rule file, given to zt_rules_load() on a fresh rule set, as
 * `ztlog check -r FILE` does.  When it loads, every rule's filters are
 * evaluated (zt_filter_eval) on a zeroed row, where every column is
 * absent, and on a row where every column holds a typical value (so the
 * compiled patterns run, under the match limits); both rows are then fed
 * to a state of each rule's check type, which renders a result (so the
 * type's own parameters, `require` and `waypoint` patterns included, run
 * too); the same file is then loaded again over the first copy, which
 * must replace rule for rule.
 *
 * abort() when the loader breaks its contract (rules.h, filter.h): a
 * failed load that changes the set or leaves no message and position, a
 * loaded rule without id/description/file/type parameters, a result
 * without a status summary, a second load that changes the
 * count, or a verdict on the zeroed row other than "passes iff every
 * condition is not_match" (absent columns never equal, never match).
 *
 * Seeds: tests/fuzz/seeds/fuzz_rules (rules/default.yaml, test rule files,
 * a YAML bomb, deep nesting; made by make-seeds.sh); the dictionary
 * fuzz_rules.dict holds the keys, types and operators.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/type.h"
#include "rules/filter.h"
#include "check/rules.h"
#include "util/xalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A plausible value for every column of the records view. */
static const struct {
	enum zt_col	 col;
	const char	*text;
	int64_t		 num;
} sample[] = {
	{ ZT_COL_POD, "istio-system/ztunnel-7x2kq", 0 },
	{ ZT_COL_LEVEL, "info", 0 },
	{ ZT_COL_MESSAGE, "connection complete", 0 },
	{ ZT_COL_DIRECTION, "outbound", 0 },
	{ ZT_COL_SRC_ADDR, "10.244.1.12:39120", 0 },
	{ ZT_COL_SRC_IP, "10.244.1.12", 0 },
	{ ZT_COL_SRC_PORT, "39120", 39120 },
	{ ZT_COL_SRC_WORKLOAD, "curl-7656cf8794-r7zb9", 0 },
	{ ZT_COL_SRC_NAMESPACE, "default", 0 },
	{ ZT_COL_SRC_IDENTITY, "spiffe://cluster.local/ns/default/sa/curl", 0 },
	{ ZT_COL_SRC_CLUSTER, "Kubernetes", 0 },
	{ ZT_COL_DST_ADDR, "10.244.2.11:9080", 0 },
	{ ZT_COL_DST_IP, "10.244.2.11", 0 },
	{ ZT_COL_DST_PORT, "9080", 9080 },
	{ ZT_COL_DST_HBONE_ADDR, "10.244.2.11:9080", 0 },
	{ ZT_COL_DST_HBONE_HOST, "10.244.2.11", 0 },
	{ ZT_COL_DST_HBONE_PORT, "15008", 15008 },
	{ ZT_COL_DST_SERVICE, "productpage.bookinfo.svc.cluster.local", 0 },
	{ ZT_COL_DST_WORKLOAD, "productpage-v1-86hbklmg2m-dz29v", 0 },
	{ ZT_COL_DST_NAMESPACE, "bookinfo", 0 },
	{ ZT_COL_DST_IDENTITY, "spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage", 0 },
	{ ZT_COL_DST_CLUSTER, "Kubernetes", 0 },
	{ ZT_COL_BYTES_SENT, "1123", 1123 },
	{ ZT_COL_BYTES_RECV, "4567", 4567 },
	{ ZT_COL_DURATION_MS, "12", 12 },
	{ ZT_COL_ERROR, "connection reset by peer (os error 104)", 0 },
	{ ZT_COL_HBONE, "1", 1 },
	{ ZT_COL_VIA_WAYPOINT, "0", 0 },
};

static void
fail(const char *what, const char *id)
{
	fprintf(stderr, "fuzz_rules: contract broken (rule %s): %s\n",
	    id != NULL ? id : "-", what);
	abort();
}

static void
eval(const struct zt_filter *f, const struct zt_row *zero,
    const struct zt_row *full, const char *id)
{
	char	 msg[256];
	size_t	 i;
	int	 all_not = 1;
	int	 r;

	if (f->n > 0 && (f->c == NULL || f->md == NULL))
		fail("filter without conditions or match data", id);
	for (i = 0; i < f->n; i++) {
		if ((unsigned)f->c[i].col >= ZT_COL_COUNT)
			fail("condition on no column", id);
		if ((f->c[i].op == ZT_COND_MATCH ||
		    f->c[i].op == ZT_COND_NOT_MATCH) && f->c[i].re == NULL)
			fail("match condition without a pattern", id);
		if (f->c[i].op != ZT_COND_NOT_MATCH)
			all_not = 0;
	}
	msg[0] = '\0';
	r = zt_filter_eval(f, zero->s, zero->num, NULL, msg, sizeof(msg));
	if (r != all_not)
		fail("wrong verdict on a row of absent columns", id);
	r = zt_filter_eval(f, full->s, full->num, NULL, msg, sizeof(msg));
	if (r != 0 && r != 1 && r != -1)
		fail("verdict neither 1, 0 nor -1", id);
	if (r == -1 && msg[0] == '\0')
		fail("regex error without a message", id);
}

/* Feed both rows to a state of r's type and render it. */
static void
run_type(const struct zt_rule *r, struct zt_row *zero, struct zt_row *full)
{
	struct zt_nameset	 names;
	struct zt_dims		 dm;
	struct zt_refs		 refs;
	struct zt_observe	 ob;
	struct zt_check_ctx	 cx;
	struct zt_checkrun	 run;
	struct zt_result	 res;
	struct zt_row		 alt;
	char			 msg[160];
	void			*st;

	if (r->type->new == NULL)
		return;
	zt_nameset_init(&names, 1024);
	zt_dims_init(&dm, &names);
	memset(&refs, 0, sizeof(refs));
	zt_observe_init(&ob);
	memset(&run, 0, sizeof(run));
	memset(&cx, 0, sizeof(cx));
	cx.dm = &dm;
	cx.refs = &refs;
	cx.ob = &ob;
	cx.examples = 3;
	cx.run = &run;
	st = r->type->new(r);
	zero->ref = full->ref = 1;
	msg[0] = '\0';
	if (r->type->feed(st, r, zero, &cx, msg, sizeof(msg)) == -1 &&
	    msg[0] == '\0')
		fail("a check failed without a message", r->id);
	msg[0] = '\0';
	if (r->type->feed(st, r, full, &cx, msg, sizeof(msg)) == -1 &&
	    msg[0] == '\0')
		fail("a check failed without a message", r->id);
	/* full is inbound HBONE (waypoint patterns run); now plain outbound */
	alt = *full;
	alt.inbound = 0;
	alt.outbound = 1;
	alt.hbone = 0;
	alt.ref = 2;
	msg[0] = '\0';
	if (r->type->feed(st, r, &alt, &cx, msg, sizeof(msg)) == -1 &&
	    msg[0] == '\0')
		fail("a check failed without a message", r->id);
	memset(&res, 0, sizeof(res));
	res.rule = r;
	r->type->snapshot(st, r, &cx, &res);
	if (res.summary[0] == '\0')
		fail("a result without a summary", r->id);
	run.nres = 1;
	run.res = zt_xcalloc(1, sizeof(res));
	run.res[0] = res;
	zt_check_free(&run);
	r->type->free(st);
	zt_observe_fini(&ob);
	zt_dims_fini(&dm);
	zt_nameset_fini(&names);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zt_ruleset	 rs = { NULL, 0 };
	struct zt_err		 err;
	struct zt_row		 zero;
	struct zt_row		 full;
	const struct zt_rule	*r;
	size_t			 i;
	size_t			 n;

	memset(&err, 0, sizeof(err));
	if (zt_rules_load(&rs, "fuzz.yaml", (const char *)data, size,
	    &err) == -1) {
		if (rs.n != 0 || rs.r != NULL)
			fail("a failed load changed the rule set", NULL);
		if (err.msg[0] == '\0' || err.file == NULL)
			fail("a failed load without message or file", NULL);
		return 0;
	}

	memset(&zero, 0, sizeof(zero));
	memset(&full, 0, sizeof(full));
	for (i = 0; i < sizeof(sample) / sizeof(sample[0]); i++) {
		full.s[sample[i].col].p = sample[i].text;
		full.s[sample[i].col].n = strlen(sample[i].text);
		full.num[sample[i].col] = sample[i].num;
	}
	full.inbound = full.complete = full.hbone = full.has_bytes = 1;
	for (i = 0; i < rs.n; i++) {
		r = &rs.r[i];
		if (r->id == NULL || r->description == NULL || r->file == NULL ||
		    r->text == NULL)
			fail("a loaded rule without id, description or file",
			    r->id);
		/* A type with keys of its own keeps them in cfg. */
		if (r->type == NULL || (r->cfg == NULL &&
		    r->type->keys != NULL && r->type->keys[0] != NULL))
			fail("a loaded rule without its type's parameters",
			    r->id);
		eval(&r->where, &zero, &full, r->id);
		run_type(r, &zero, &full);
	}

	/* Again over the first copy: every rule replaced, none added. */
	n = rs.n;
	if (zt_rules_load(&rs, "fuzz.yaml", (const char *)data, size,
	    &err) == -1)
		fail("a file that loaded once fails the second time", NULL);
	if (rs.n != n)
		fail("loading the same file twice changed the count", NULL);
	zt_rules_free(&rs);
	if (rs.n != 0 || rs.r != NULL)
		fail("zt_rules_free left rules behind", NULL);
	return 0;
}

/*
 * t_rules.c -- rule files: loading, replacing, positions of mistakes.
 *
 * Test plan: t_rules-1.* the built-in rules load; a file replaces a rule
 * by id and adds new ones; -2.* each mistake is reported at its
 * line:column and leaves the set as it was; -3.* --only.
 */
#include <string.h>

#include "check/check.h"
#include "check/rules.h"
#include "tt.h"

static int
load(struct zt_ruleset *rs, const char *text, struct zt_err *err)
{
	return zt_rules_load(rs, "r.yaml", text, strlen(text), err);
}

/* t_rules-1.1 */
static void
rules_builtin_then_replaced_by_id(void)
{
	struct zt_ruleset	 rs;
	struct zt_err		 err;
	const struct zt_rule	*r;

	memset(&rs, 0, sizeof(rs));
	TT_EQ_INT(zt_rules_load(&rs, "b", zt_default_rules,
	    zt_default_rules_len, &err), 0);
	TT_EQ_INT(rs.n, 6);
	r = zt_rules_find(&rs, "pairing");
	TT_CHECK(r != NULL && strcmp(zt_check_type_name(r), "pairing") == 0);
	TT_EQ_INT(load(&rs, "rules:\n"
	    "  - id: pairing\n    description: tighter\n    severity: warning\n"
	    "    type: pairing\n    window: 250ms\n"
	    "  - id: mine\n    description: d\n    severity: info\n"
	    "    type: sql\n    query: SELECT 1 FROM records\n"
	    "    expect: {max: 3}\n", &err), 0);
	TT_EQ_INT(rs.n, 7);
	r = zt_rules_find(&rs, "pairing");
	TT_CHECK(r != NULL && r->sev == ZT_SEV_WARNING &&
	    strstr(r->text, "window: 250ms") != NULL);
	TT_EQ_STR(r->description, "tighter");
	r = zt_rules_find(&rs, "mine");
	TT_CHECK(r != NULL && zt_check_needs_records(r) &&
	    strcmp(zt_check_type_name(r), "sql") == 0);
	/* Order is kept: the replaced rule stays where it was. */
	TT_EQ_STR(rs.r[1].id, "pairing");
	zt_rules_free(&rs);
}

static void
bad(const char *text, unsigned long line, unsigned long col, const char *msg)
{
	struct zt_ruleset	 rs;
	struct zt_err		 err;

	memset(&rs, 0, sizeof(rs));
	TT_EQ_INT(load(&rs, text, &err), -1);
	TT_EQ_INT(err.line, line);
	TT_EQ_INT(err.col, col);
	if (strstr(err.msg, msg) == NULL) {
		fprintf(stderr, "message \"%s\" lacks \"%s\"\n", err.msg, msg);
		TT_CHECK(0);
	}
	TT_EQ_INT(rs.n, 0);
}

#define HEAD "rules:\n  - id: x\n    description: d\n    severity: error\n"

/* t_rules-2.1 */
static void
rules_mistakes_point_at_line_and_column(void)
{
	bad(HEAD "    type: errors\n    maximum: 3\n", 6, 5,
	    "unknown key 'maximum' for type errors (did you mean 'max'?)");
	bad(HEAD "    type: errors\n    wher:\n      dst_service: x\n", 6, 5,
	    "unknown key 'wher' for type errors (did you mean 'where'?)");
	bad(HEAD "    type: sql\n    query: SELECT 1\n    where: {}\n", 7, 5,
	    "unknown key 'where' for type sql");
	bad(HEAD "    type: errors\n    where:\n      dst.service: x\n", 7, 7,
	    "unknown column 'dst.service' (did you mean 'dst_service'?)");
	bad(HEAD "    type: errors\n    where:\n      colour: x\n", 7, 7,
	    "unknown column 'colour' (see the records view in ztlog(1))");
	bad(HEAD "    type: latency\n", 5, 11, "is not one of hbone");
	bad(HEAD "    type: errors\n    where:\n      dst_service: "
	    "{match: 'a(b'}\n", 7, 32, "bad regular expression");
	bad(HEAD "    type: sql\n    query: SELECT nope FROM records\n", 6, 12,
	    "no such column: nope");
	bad(HEAD "    type: sql\n    query: DELETE FROM rec\n", 6, 12,
	    "not authorized");
	bad(HEAD "    type: sql\n    query: SELECT 1; SELECT 2\n", 6, 12,
	    "one statement only");
	bad("rules:\n  - &a\n    id: x\n", 2, 5, "anchors are not allowed");
	bad("rules: [\n", 2, 1, "YAML");
	bad("version: 2\nrules: []\n", 1, 10, "only version 1");
	bad(HEAD "    type: pairing\n    window: soon\n", 6, 13,
	    "expected a duration");
}

/* t_rules-3.1 */
static void
rules_only_keeps_the_named(void)
{
	struct zt_ruleset	 rs;
	struct zt_err		 err;

	memset(&rs, 0, sizeof(rs));
	TT_EQ_INT(zt_rules_load(&rs, "b", zt_default_rules,
	    zt_default_rules_len, &err), 0);
	TT_EQ_INT(zt_rules_only(&rs, "errors,hbone,errors", &err), 0);
	TT_EQ_INT(rs.n, 2);
	TT_EQ_STR(rs.r[0].id, "errors");
	TT_EQ_INT(zt_rules_only(&rs, "nope", &err), -1);
	TT_CHECK(strstr(err.msg, "no rule 'nope'") != NULL);
	zt_rules_free(&rs);
}

int
main(void)
{
	rules_builtin_then_replaced_by_id();
	rules_mistakes_point_at_line_and_column();
	rules_only_keeps_the_named();
	return tt_finish("t_rules");
}

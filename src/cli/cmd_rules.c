/*
 * cmd_rules.c -- ztlog rules list | show ID | lint FILE..., and the
 * renderer of list and show.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/diag.h"
#include "util/escape.h"
#include "util/suggest.h"
#include "util/xalloc.h"

struct rules_res {
	const struct zt_ruleset *rs;
	const struct zt_rule *one;	/* show */
	int		 status;
};

static void
list_text(FILE *f, const struct zt_ruleset *rs)
{
	size_t	 k;
	size_t	 w;

	for (k = 0, w = 12; k < rs->n; k++)
		if (strlen(rs->r[k].id) > w)
			w = strlen(rs->r[k].id);
	fprintf(f, "%-*s  %-9s  %-8s  %s\n", (int)w, "ID", "TYPE", "SEVERITY",
	    "DESCRIPTION");
	for (k = 0; k < rs->n; k++) {
		fprintf(f, "%-*s  %-9s  %-8s  ", (int)w, rs->r[k].id,
		    zt_check_type_name(&rs->r[k]), zt_sev_names[rs->r[k].sev]);
		zt_escape_fput(f, ZT_ESC_TEXT, rs->r[k].description,
		    strlen(rs->r[k].description));
		putc('\n', f);
	}
}

void
zt_cli_render_rules(FILE *f, const char *fmt, const void *res,
    const struct zt_report_errs *e, const struct zt_cli_opts *o)
{
	const struct rules_res	*rr = res;

	(void)o;
	if (strcmp(fmt, "json") == 0)
		zt_report_rules_json(f, rr != NULL ? rr->rs : NULL, rr != NULL ?
		    rr->one : NULL, rr != NULL ? rr->status : ZT_EXIT_ERROR, e);
	else if (rr == NULL)
		zt_report_errors_text(f, e);
	else if (rr->one != NULL) {
		fputs("# ", f);
		zt_escape_fput(f, ZT_ESC_TEXT, rr->one->file, strlen(rr->one->file));
		fprintf(f, ":%lu\n", rr->one->line);
		fputs(rr->one->text, f);
	} else
		list_text(f, rr->rs);
}

static int
lint(struct zt_cli_opts *o)
{
	struct zt_ruleset	 one;
	struct zt_err		 err;
	int			 i;
	int			 rc = 0;

	if (o->nrules > 0 || o->nout > 0) {
		zt_diag_error(NULL, "rules lint: give the files to lint as "
		    "operands, without -r or -o");
		zt_cli_hint(o->cmd);
		return ZT_EXIT_ERROR;
	}
	if (o->nargs < 2) {
		zt_diag_error(NULL, "rules lint: no file given");
		zt_cli_hint(o->cmd);
		return ZT_EXIT_ERROR;
	}
	for (i = 1; i < o->nargs; i++) {
		memset(&one, 0, sizeof(one));
		if (zt_rules_load_path(&one, o->args[i], &err) == -1) {
			zt_diag_err(&err);
			rc = ZT_EXIT_ERROR;
		} else
			printf("%s: ok, %zu rule%s\n", o->args[i], one.n,
			    one.n == 1 ? "" : "s");
		zt_rules_free(&one);
	}
	return rc;
}

static void no_rule(const struct zt_ruleset *rs, const char *id,
    const char *sub);

/* Rule r as ClickHouse SQL on f; 0, or -1 when it has no SQL form. */
static int
sql_one(FILE *f, const struct zt_rule *r, int asked)
{
	struct zt_buf	 b = { NULL, 0, 0 };
	char		 msg[160];
	int		 rc = 0;

	msg[0] = '\0';
	if (zt_check_clickhouse(r, &b, msg, sizeof(msg)) == -1) {
		rc = -1;
		if (asked)
			zt_diag_error(NULL, "rules sql: rule '%s': %s", r->id,
			    msg);
		else {
			fputs("-- rule ", f);
			zt_escape_fput(f, ZT_ESC_TEXT, r->id, strlen(r->id));
			fprintf(f, ": %s\n\n", msg);
		}
	} else {
		fwrite(b.p, 1, b.n, f);
		putc('\n', f);
	}
	zt_buf_free(&b);
	return rc;
}

/*
 * rules sql [ID...]: the rules (all, or those named) as ClickHouse SQL
 * over the records table of `ztlog export`.  A rule named that has no
 * SQL form is an error (exit 2); among all, it is a comment.
 */
static int
sql(struct zt_cli_opts *o)
{
	struct zt_ruleset	 rs;
	const struct zt_rule	*r;
	size_t			 k;
	int			 i;
	int			 rc = 0;

	if (o->nout > 0) {
		zt_diag_error(NULL, "rules sql: the SQL goes to standard "
		    "output, without -o");
		zt_cli_hint(o->cmd);
		return ZT_EXIT_ERROR;
	}
	if (zt_cli_load_rules(o, &rs) == -1)
		return ZT_EXIT_ERROR;
	printf("-- ztlog rules as ClickHouse SQL over the table that `ztlog "
	    "export --ddl`\n-- creates and `ztlog export -o clickhouse` "
	    "fills; each statement's\n-- columns are the rule's counts "
	    "in ztlog's JSON report.\n\n");
	for (k = 0; o->nargs == 1 && k < rs.n; k++)
		sql_one(stdout, &rs.r[k], 0);
	for (i = 1; i < o->nargs; i++) {
		if ((r = zt_rules_find(&rs, o->args[i])) == NULL) {
			no_rule(&rs, o->args[i], "sql");
			rc = ZT_EXIT_ERROR;
		} else if (sql_one(stdout, r, 1) == -1)
			rc = ZT_EXIT_ERROR;
	}
	zt_rules_free(&rs);
	return rc > zt_diag_status() ? rc : zt_diag_status();
}

/* rules show ID with an unknown ID: say so, with the closest id. */
static void
no_rule(const struct zt_ruleset *rs, const char *id, const char *sub)
{
	const char	**ids = zt_xcalloc(rs->n + 1, sizeof(*ids));
	const char	*sug;
	size_t		 k;

	for (k = 0; k < rs->n; k++)
		ids[k] = rs->r[k].id;
	if ((sug = zt_suggest(id, ids, rs->n)) != NULL)
		zt_diag_error(NULL, "rules %s: no rule '%s' (did you mean "
		    "'%s'?)", sub, id, sug);
	else
		zt_diag_error(NULL, "rules %s: no rule '%s' (see ztlog rules "
		    "list)", sub, id);
	free(ids);
}

int
zt_cli_rules(struct zt_cli_opts *o)
{
	static const char *const subs[] = { "list", "show", "lint", "sql" };
	struct zt_ruleset	 rs;
	struct rules_res	 res;
	const char		*sug;
	int			 out;

	if (o->nargs > 0 && strcmp(o->args[0], "lint") == 0)
		return lint(o);
	if (o->nargs > 0 && strcmp(o->args[0], "sql") == 0)
		return sql(o);
	if (o->nargs == 0 || (strcmp(o->args[0], "list") != 0 &&
	    strcmp(o->args[0], "show") != 0)) {
		sug = o->nargs > 0 ? zt_suggest(o->args[0], subs, 4) : NULL;
		if (sug != NULL)
			zt_diag_error(NULL, "rules: unknown subcommand '%s' "
			    "(did you mean '%s'?)", o->args[0], sug);
		else
			zt_diag_error(NULL, "rules: say list, show ID, lint "
			    "FILE... or sql [ID...]");
		zt_cli_hint(o->cmd);
		goto stopped;
	}
	if (o->nargs != (o->args[0][1] == 'i' ? 1 : 2)) {
		zt_diag_error(NULL, "rules %s: %s", o->args[0],
		    o->args[0][1] == 'i' ? "takes no operand" :
		    "takes one rule id");
		zt_cli_hint(o->cmd);
		goto stopped;
	}
	if (zt_cli_outputs_begin(o) == -1 || zt_cli_load_rules(o, &rs) == -1)
		goto stopped;
	memset(&res, 0, sizeof(res));
	res.rs = &rs;
	if (o->nargs == 2 && (res.one = zt_rules_find(&rs,
	    o->args[1])) == NULL) {
		no_rule(&rs, o->args[1], "show");
		zt_rules_free(&rs);
		goto stopped;
	}
	out = zt_cli_outputs_end(o, &res);
	zt_rules_free(&rs);
	return out > zt_diag_status() ? out : zt_diag_status();
stopped:
	zt_cli_outputs_end(o, NULL);
	return ZT_EXIT_ERROR;
}

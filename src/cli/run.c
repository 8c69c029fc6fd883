/*
 * run.c -- what several commands share: inputs, the store, the rules and
 * their run; see cli.h.
 */
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "cli/cli.h"
#include "inv/inv.h"
#include "store/regexp.h"
#include "util/diag.h"
#include "util/sig.h"
#include "util/text.h"

/* What the last zt_cli_load() read, for the hint when it held no record. */
static struct zt_ingest	 loaded;
static int		 did_load;
/* --inventory and the bug-report config dumps; see zt_cli_inventory(). */
static struct zt_inv	*run_inv;

struct zt_inv *
zt_cli_inventory(const struct zt_cli_opts *o)
{
	struct zt_err	 err;
	size_t		 i;

	if (run_inv != NULL)
		return run_inv;
	run_inv = zt_inv_new();
	for (i = 0; i < o->ninventory; i++)
		if (zt_inv_load_path(run_inv, o->inventory[i], &err) == -1) {
			if (err.file == NULL)
				err.file = o->inventory[i];
			zt_diag_err(&err);
		}
	return run_inv;
}

void
zt_cli_inventory_free(void)
{
	zt_inv_free(run_inv);
	run_inv = NULL;
}

void
zt_cli_inventory_unread(const struct zt_cli_opts *o)
{
	if (o->ninventory > 0)
		zt_diag_notice(NULL, "--inventory: not read: the database is "
		    "opened for reading only (ztlog ingest -d DB --inventory "
		    "PATH writes the inventory into it)");
}

/* A bug-report's config_dump member, met while reading (ingest's hook). */
static void
inventory_member(void *ctx, const struct zt_srcinfo *info, const char *bytes,
    size_t n)
{
	struct zt_err	 err;

	if (zt_inv_load_mem(ctx, info->name, bytes, n, info->node, &err) ==
	    -1) {
		if (err.file == NULL)
			err.file = info->name;
		zt_diag_err(&err);
	}
}

/*
 * After the inputs: the inventory's conflicts as notices, and its tables
 * in st where st keeps tables (not in a database opened for reading).
 */
static void
inventory_done(struct zt_store *st, struct zt_inv *inv)
{
	struct zt_buf	 b = { NULL, 0, 0 };
	struct zt_err	 err;
	size_t		 i;

	for (i = 0; i < zt_inv_nconflicts(inv); i++) {
		b.n = 0;
		zt_inv_conflict_text(inv, zt_inv_conflict(inv, i), &b);
		zt_buf_addc(&b, '\0');
		zt_diag_notice(NULL, "inventory: %s", b.p);
	}
	zt_buf_free(&b);
	if (zt_inv_nworkloads(inv) == 0 && zt_inv_nservices(inv) == 0)
		return;
	if (zt_store_keeps_tables(st)) {
		if (zt_inv_store(inv, zt_store_db(st), &err) == -1)
			zt_diag_err(&err);
	}
}

/*
 * ZTLOG_THREADS: how many threads parse a source's lines, and sort
 * pairing's entries for a verdict (1 to 8); unset or empty, one per online
 * processor (0).  A bad value is said once, and the default used.
 */
static int
parse_threads(void)
{
	static int	 known = -1;
	const char	*s = getenv("ZTLOG_THREADS");
	char		*end;
	long		 n;

	if (known >= 0)
		return known;
	known = 0;
	if (s == NULL || *s == '\0')
		return known;
	n = strtol(s, &end, 10);
	if (*end != '\0' || n < 1 || n > 8) {
		zt_diag_notice(NULL, "ZTLOG_THREADS=%s is no number from 1 to "
		    "8: one thread a processor", s);
		return known;
	}
	return known = (int)n;
}

void
zt_cli_load(struct zt_store *st, const struct zt_cli_opts *o, int n, char **v,
    const struct zt_ingest_sink *sink)
{
	struct zt_ingest	*ig = &loaded;
	struct zt_buf		 ftext = { NULL, 0, 0 };
	char			*dash[] = { (char *)"-" };
	int			 i;

	if (n == 0) {
		n = 1;
		v = dash;
	}
	zt_ingest_init(ig, st, o->maxline);
	ig->threads = parse_threads();
	ig->sink = sink;
	ig->include = o->include;
	ig->ninclude = o->ninclude;
	ig->exclude = o->exclude;
	ig->nexclude = o->nexclude;
	ig->inventory = inventory_member;
	ig->inventory_ctx = zt_cli_inventory(o);
	/* ingest's filters choose what is stored; the others', what is read. */
	if (o->cmd == ZT_CMD_INGEST && zt_select_active(&o->select)) {
		ig->select = &o->select;
		zt_select_text(&o->select, &ftext);
		zt_buf_addc(&ftext, '\0');
		ig->filters = ftext.p;
	}
	zt_sig_catch();
	zt_cli_live_begin(ig, o);
	/*
	 * Not followed: a source may be stored while the next is read
	 * (the progress line, if drawn, shows the one being stored).
	 */
	ig->lookahead = !o->follow && !ig->eager;
	for (i = 0; i < n && !zt_sig_caught(); i++)
		zt_ingest_operand(ig, v[i]);
	zt_ingest_settle(ig);
	/* Stopped by Ctrl-C: what was read is kept and judged, marked. */
	ig->interrupted = zt_sig_caught() != 0;
	zt_cli_live_end(ig);
	zt_ingest_summary(ig);
	zt_ingest_fini(ig);
	ig->filters = NULL;
	zt_buf_free(&ftext);
	did_load = 1;
	inventory_done(st, ig->inventory_ctx);
}

struct zt_store *
zt_cli_open_store(const struct zt_cli_opts *o, int ninputs,
    enum zt_store_mode memmode)
{
	struct zt_store	*st;
	struct zt_err	 err;
	enum zt_store_mode mode;

	if (o->db == NULL)
		mode = memmode;
	else
		mode = ninputs > 0 ? ZT_STORE_CREATE : ZT_STORE_EXISTING;
	if (zt_store_open(&st, o->db, mode, &err) == -1) {
		zt_diag_err(&err);
		return NULL;
	}
	if (zt_regexp_register(zt_store_db(st)) != SQLITE_OK) {
		zt_diag_error(NULL, "cannot register REGEXP");
		zt_store_close(st);
		return NULL;
	}
	return st;
}

int
zt_cli_finish_output(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		zt_diag_error(NULL, "write error on standard output");
		return ZT_EXIT_ERROR;
	}
	return zt_diag_status();
}

int
zt_cli_load_rules(const struct zt_cli_opts *o, struct zt_ruleset *rs)
{
	struct zt_err	 err;
	int		 i;

	memset(rs, 0, sizeof(*rs));
	if (zt_rules_load(rs, "(built-in rules)", zt_default_rules,
	    zt_default_rules_len, &err) == -1)
		goto bad;
	for (i = 0; i < o->nrules; i++)
		if (zt_rules_load_path(rs, o->rules[i], &err) == -1)
			goto bad;
	if (o->only != NULL && zt_rules_only(rs, o->only, &err) == -1)
		goto bad;
	return 0;
bad:
	zt_diag_err(&err);
	zt_rules_free(rs);
	return -1;
}

static int
has_sql(const struct zt_ruleset *rs)
{
	size_t	 i;

	for (i = 0; i < rs->n; i++)
		if (zt_check_needs_records(&rs->r[i]))
			return 1;
	return 0;
}

static void
sink_begin(void *ctx, const char *name)
{
	zt_checker_begin(ctx, name);
}

static int
sink_record(void *ctx, sqlite3 *db, int64_t line, const struct zt_recids *ids,
    struct zt_err *err)
{
	(void)db;
	(void)err;
	zt_checker_feed(ctx, line, ids);
	return 0;
}

static void
sink_end(void *ctx, int committed)
{
	zt_checker_end(ctx, committed);
}

/*
 * The common front of check, lb and pairs: rules first (so a bad rule
 * file stops us before any input is read), then the data, then one run.
 * Returns the store, or NULL after a diagnostic.
 */
struct zt_store *
zt_cli_prepare(const struct zt_cli_opts *o, int n, char **v,
    struct zt_ruleset *rs, struct zt_checkrun *run, int keep_pairs,
    sqlite3 **reader)
{
	struct zt_store		*st;
	struct zt_checkopts	 co;
	struct zt_err		 err;
	struct zt_checker	*c;
	struct zt_ingest_sink	 sink = { NULL, sink_begin, sink_record,
	    sink_end };
	int			 i;

	if (zt_cli_load_rules(o, rs) == -1)
		return NULL;
	memset(&co, 0, sizeof(co));
	co.examples = o->examples;
	co.keep_pairs = keep_pairs;
	co.sql_ms = o->sql_ms;
	co.window_us = o->window_ms * 1000;
	co.threads = parse_threads();
	co.sql_bytes = o->sql_bytes;
	co.inv = zt_cli_inventory(o);
	if (o->follow && has_sql(rs)) {
		zt_diag_error(NULL, "--follow: sql rules need the records "
		    "stored, which --follow does not do (leave them out with "
		    "--only)");
		zt_rules_free(rs);
		return NULL;
	}
	co.select = &o->select;
	for (i = 0; i < o->nout; i++)
		if (strcmp(o->out[i].fmt, "html") == 0)
			co.facts = 1;
	if (o->db == NULL && !keep_pairs && !has_sql(rs)) {
		/*
		 * The rules read the records as ingest reads them: nothing
		 * but names and accounting is stored, and there is no second
		 * pass.  (sql rules and `pairs` need the records in SQLite.)
		 */
		if ((st = zt_cli_open_store(o, n, ZT_STORE_NAMES)) == NULL) {
			zt_rules_free(rs);
			return NULL;
		}
		sink.ctx = c = zt_checker_new(rs, &co, zt_store_names(st));
		if (o->follow) {
			zt_cli_follow_start(o, c, st, &sink);
			zt_cli_follow_wait(n, v);
		}
		zt_cli_load(st, o, n, v, &sink);
		if (zt_checker_finish(c, zt_store_db(st), run, &err) == -1)
			goto bad;
		return st;
	}
	if ((st = zt_cli_open_store(o, n, ZT_STORE_MEMORY)) == NULL) {
		zt_rules_free(rs);
		return NULL;
	}
	if (o->db == NULL || n > 0)
		zt_cli_load(st, o, n, v, NULL);
	/* Rules run on their own read-only, locked-down connection. */
	if ((*reader = zt_store_reader(st, &err)) == NULL)
		goto bad;
	if (zt_cli_select_sql(*reader, &o->select, &err) == -1)
		goto bad;
	if (zt_regexp_register(*reader) != SQLITE_OK ||
	    zt_store_lockdown(*reader) != SQLITE_OK) {
		zt_err_set(&err, "database: cannot prepare the rules' "
		    "connection");
		goto bad;
	}
	if (zt_check_run(*reader, rs, &co, run, &err) == -1)
		goto bad;
	return st;
bad:
	zt_diag_err(&err);
	sqlite3_close(*reader);
	*reader = NULL;
	zt_store_close(st);
	zt_rules_free(rs);
	return NULL;
}

int
zt_cli_need_records(const struct zt_checkrun *run)
{
	char	 why[768];

	if (run->select_err[0] != '\0') {
		zt_diag_error(NULL, "%s", run->select_err);
		return -1;
	}
	if (run->records > 0 && run->filtered && run->selected == 0) {
		zt_diag_error(NULL, "the filters kept none of the %lld access "
		    "record%s: nothing to check", (long long)run->records,
		    run->records == 1 ? "" : "s");
		return -1;
	}
	if (run->records > 0)
		return 0;
	if (did_load) {
		zt_ingest_why_none(&loaded, why, sizeof(why));
		zt_diag_error(NULL, "no access records in the input (%llu "
		    "line%s read): nothing to check: %s",
		    (unsigned long long)(loaded.lines + loaded.lost),
		    loaded.lines + loaded.lost == 1 ? "" : "s", why);
	} else
		zt_diag_error(NULL, "no access records in the database (%lld "
		    "line%s read into it): nothing to check",
		    (long long)run->lines, run->lines == 1 ? "" : "s");
	return -1;
}

void
zt_cli_release(struct zt_checkrun *run, sqlite3 *rd, struct zt_store *st,
    struct zt_ruleset *rs)
{
	zt_check_free(run);
	sqlite3_close(rd);
	zt_store_close(st);
	zt_rules_free(rs);
}


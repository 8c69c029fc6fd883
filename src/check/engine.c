/*
 * engine.c -- the rule engine (check.h): rows to the rules, sources
 * staged and committed, results rendered.
 *
 * Order of work: records arrive as ids, from a scan of rec (scan.c) or
 * from ingest as they are read; the keys the checks group by are derived
 * for new ids (dims.c); each record becomes a zt_row, handed to every
 * state whose rules' where-filter it passes, into the current source's
 * stage (the states, and what was observed), which is merged into the
 * run's when the source is committed.  Rules whose state would be the
 * same (the same type, where: and what the type's feed reads: their
 * share key) share one: it is fed once, and each rule renders it.  A snapshot renders the run's
 * stage: each rule's result through its type, the accounting and the
 * coverage warnings.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/engine.h"
#include "check/facts.h"
#include "check/result.h"
#include "check/type.h"
#include "inv/inv.h"
#include "rules/select.h"
#include "util/dict.h"
#include "util/text.h"
#include "util/xalloc.h"

/* A state in a stage, of one rule or of rules that share it. */
struct slot {
	void		*st;		/* the type's; NULL if never fed */
	int		 err;		/* the rule failed at run time */
	char		 emsg[200];
};

/* What the rules hold: of the committed sources, or of the one being read. */
struct stage {
	struct slot	*slot;		/* one per state */
	struct zt_observe ob;
	struct zt_facts_acc fa;		/* for the graphical reports */
};

/*
 * check --window: the rules' states cannot forget a record, so with a
 * window the engine keeps the records themselves (as ids, ~150 bytes
 * each), drops those older than the window as newer ones come, and
 * renders a snapshot from fresh states fed the records inside the window
 * at that moment.  Exact (every record within the window of the newest,
 * none older), memory bounded by the window's traffic, and the states
 * the snapshot made are freed after it: it changes nothing.
 */
struct wrec {
	int64_t			 src;
	int64_t			 line;
	int64_t			 ref;
	struct zt_recids	 v;
};

struct winlog {
	struct wrec	*r;
	size_t		 n;
	size_t		 cap;
	size_t		 kept;		/* n after the last compaction */
};

struct zt_checker {
	const struct zt_ruleset	*rs;
	size_t			*state;		/* rule -> its state */
	size_t			*rep;		/* state -> its first rule */
	size_t			 nstate;
	struct zt_checkopts	 o;
	struct zt_dims		 dm;
	struct stage		 all;		/* committed */
	struct stage		 cur;		/* the current source */
	int			 open;		/* cur is in use */
	int			 merged;	/* all holds a committed source */
	int64_t			 mark[3];	/* dims synced when cur began */
	struct zt_refs		 refs;
	struct zt_rebudget	 budget;	/* for every pattern of the run */
	int64_t			 cursrc;	/* key of the current source */
	int			 fed;		/* rows came from ingest */
	struct zt_buf		 addr;		/* src_addr, when filters use it */
	struct zt_peercache	*pc;
	struct zt_rowfill	 rf;
	struct zt_row		 row;
	char			 selerr[256];	/* the selection failed */
	struct winlog		 win;		/* committed, with --window */
	struct winlog		 pend;		/* of the current source */
	int64_t			 newest;	/* ts_us of the newest in win */
	int			 anywin;	/* win has held a record */
	int64_t			 pnewest;	/* of the newest in pend */
	int64_t			 lead;		/* kept before the window */
};

static void
stage_init(struct zt_checker *c, struct stage *sg)
{
	const struct zt_rule	*r;
	size_t			 i;

	sg->slot = zt_xcalloc(c->nstate ? c->nstate : 1, sizeof(*sg->slot));
	for (i = 0; i < c->nstate; i++) {
		r = &c->rs->r[c->rep[i]];
		if (r->type->new != NULL)
			sg->slot[i].st = r->type->new(r);
	}
	zt_observe_init(&sg->ob);
	zt_facts_init(&sg->fa);
}

static void
stage_free(struct zt_checker *c, struct stage *sg)
{
	size_t	 i;

	if (sg->slot == NULL)
		return;
	for (i = 0; i < c->nstate; i++)
		if (sg->slot[i].st != NULL)
			c->rs->r[c->rep[i]].type->free(sg->slot[i].st);
	free(sg->slot);
	zt_observe_fini(&sg->ob);
	zt_facts_fini(&sg->fa);
	memset(sg, 0, sizeof(*sg));
}

/* What the checks may look at, for feeding or for rendering sg. */
static struct zt_check_ctx
context(struct zt_checker *c, const struct stage *sg)
{
	struct zt_check_ctx	 cx;

	memset(&cx, 0, sizeof(cx));
	cx.dm = &c->dm;
	cx.refs = &c->refs;
	cx.ob = &sg->ob;
	cx.examples = c->o.examples;
	cx.budget = &c->budget;
	cx.sql_ms = c->o.sql_ms;
	cx.sql_bytes = c->o.sql_bytes;
	cx.window_us = c->o.window_us;
	cx.threads = c->o.threads;
	if (c->o.inv != NULL && (zt_inv_nworkloads(c->o.inv) > 0 ||
	    zt_inv_nservices(c->o.inv) > 0))
		cx.inv = c->o.inv;
	return cx;
}

/* Fold cur (a committed source) into all. */
static void
stage_merge(struct zt_checker *c)
{
	struct zt_check_ctx	 cx = context(c, &c->all);
	struct slot		*a, *b;
	size_t			 i;

	for (i = 0; i < c->nstate; i++) {
		a = &c->all.slot[i];
		b = &c->cur.slot[i];
		if (b->err && !a->err) {
			a->err = 1;
			memcpy(a->emsg, b->emsg, sizeof(a->emsg));
		}
		if (a->st != NULL)
			c->rs->r[c->rep[i]].type->merge(a->st, b->st, &cx);
	}
	zt_observe_merge(&c->all.ob, &c->cur.ob);
	zt_facts_merge(&c->all.fa, &c->cur.fa);
}

/* Give each rule its state: the first rule's with the same share key. */
static void
share_states(struct zt_checker *c)
{
	const struct zt_rule	*r;
	struct zt_dict		 keys;
	uint64_t		 h;
	int64_t			 k;
	size_t			 i;

	c->state = zt_xcalloc(c->rs->n ? c->rs->n : 1, sizeof(*c->state));
	c->rep = zt_xcalloc(c->rs->n ? c->rs->n : 1, sizeof(*c->rep));
	zt_dict_init(&keys, (size_t)1 << 31);
	for (i = 0; i < c->rs->n; i++) {
		r = &c->rs->r[i];
		h = zt_hash(r->share, r->nshare);
		if ((k = zt_dict_get(&keys, r->share, r->nshare, h)) >= 0) {
			c->state[i] = (size_t)k;
			continue;
		}
		c->rep[c->nstate] = i;
		c->state[i] = c->nstate;
		zt_dict_put(&keys, r->share, r->nshare, h,
		    (int64_t)c->nstate++);
	}
	zt_dict_fini(&keys);
}

struct zt_checker *
zt_checker_new(const struct zt_ruleset *rs, const struct zt_checkopts *o,
    const struct zt_nameset *names)
{
	struct zt_checker	*c = zt_xcalloc(1, sizeof(*c));
	size_t			 i;

	c->rs = rs;
	c->o = *o;
	if (!zt_select_active(o->select))
		c->o.select = NULL;
	share_states(c);
	zt_dims_init(&c->dm, names);
	c->pc = zt_xcalloc(1, sizeof(*c->pc));
	c->rf.dm = &c->dm;
	c->rf.pc = c->pc;
	c->rf.addr = &c->addr;
	for (i = 0; i < rs->n; i++) {
		if (rs->r[i].cols & (uint64_t)1 << ZT_COL_SRC_ADDR)
			c->rf.want_src_addr = 1;
		if (rs->r[i].type->lead != NULL &&
		    rs->r[i].type->lead(&rs->r[i]) > c->lead)
			c->lead = rs->r[i].type->lead(&rs->r[i]);
	}
	stage_init(c, &c->all);
	return c;
}

void
zt_checker_free(struct zt_checker *c)
{
	if (c == NULL)
		return;
	stage_free(c, &c->cur);
	stage_free(c, &c->all);
	zt_dims_fini(&c->dm);
	zt_buf_free(&c->addr);
	zt_refs_fini(&c->refs);
	free(c->win.r);
	free(c->pend.r);
	free(c->pc);
	free(c->state);
	free(c->rep);
	free(c);
}

static void
win_push(struct winlog *w, int64_t src, int64_t line, int64_t ref,
    const struct zt_recids *v)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 1024;
		w->r = zt_xrealloc(w->r, w->cap * sizeof(*w->r));
	}
	w->r[w->n].src = src;
	w->r[w->n].line = line;
	w->r[w->n].ref = ref;
	w->r[w->n].v = *v;
	w->n++;
}

/*
 * Drop the records of w older than cut once they could be half of what
 * is kept (amortised: records arrive out of time order across pods and
 * sources).
 */
static void
win_compact(struct winlog *w, int64_t cut)
{
	size_t	 i;
	size_t	 k;

	if (w->n < 2 * w->kept + 4096)
		return;
	for (i = k = 0; i < w->n; i++)
		if (w->r[i].v.ts_us >= cut)
			w->r[k++] = w->r[i];
	w->n = w->kept = k;
	if (w->cap > 4 * k + 4096) {
		w->cap = 2 * k + 4096;
		w->r = zt_xrealloc(w->r, w->cap * sizeof(*w->r));
	}
}

/*
 * A record of the current source.  Those older than the window of the
 * newest record seen, committed or not, go as the source is read: the
 * newest only grows, so they can never be judged (and if the source is
 * rolled back, all of its records go anyway).
 */
static void
win_add(struct zt_checker *c, int64_t src, int64_t line,
    const struct zt_recids *v)
{
	int64_t	 top;

	if (c->pend.n == 0 || v->ts_us > c->pnewest)
		c->pnewest = v->ts_us;
	win_push(&c->pend, src, line, zt_refs_next(&c->refs, src, line), v);
	top = c->anywin && c->newest > c->pnewest ? c->newest : c->pnewest;
	win_compact(&c->pend, top - c->o.window_us - c->lead);
}

/* The current source was committed: its records join the window's. */
static void
win_commit(struct zt_checker *c)
{
	struct winlog	*w = &c->win;
	size_t		 i;

	for (i = 0; i < c->pend.n; i++) {
		if (!c->anywin || c->pend.r[i].v.ts_us > c->newest)
			c->newest = c->pend.r[i].v.ts_us;
		c->anywin = 1;
		win_push(w, c->pend.r[i].src, c->pend.r[i].line,
		    c->pend.r[i].ref, &c->pend.r[i].v);
	}
	c->pend.n = c->pend.kept = 0;
	win_compact(w, c->newest - c->o.window_us - c->lead);
}

/* Start staging the contributions of one source. */
static void
begin(struct zt_checker *c)
{
	if (c->open)
		zt_checker_end(c, 0);
	stage_init(c, &c->cur);
	c->open = 1;
	memcpy(c->mark, c->dm.synced, sizeof(c->mark));
}

void
zt_checker_begin(struct zt_checker *c, const char *name)
{
	begin(c);
	c->fed = 1;
	zt_refs_name(&c->refs, ++c->cursrc, name);
}

void
zt_checker_end(struct zt_checker *c, int committed)
{
	if (!c->open)
		return;
	if (c->o.window_us > 0) {
		if (committed)
			win_commit(c);
		c->pend.n = c->pend.kept = 0;
	}
	if (committed && !c->merged) {
		/* The first source's stage becomes the run's. */
		stage_free(c, &c->all);
		c->all = c->cur;
		memset(&c->cur, 0, sizeof(c->cur));
		c->merged = 1;
	} else if (committed)
		stage_merge(c);
	else {
		/* The names above the mark are gone (their ids come again). */
		zt_dims_truncate(&c->dm, c->mark);
		zt_peercache_clear(c->pc);
	}
	stage_free(c, &c->cur);
	c->open = 0;
}

/* Hand row to every state of sg whose rules' where-filter it passes. */
static void
feed(struct zt_checker *c, struct stage *sg, const struct zt_row *row,
    int early)
{
	struct zt_check_ctx	 cx = context(c, sg);
	const struct zt_rule	*r;
	struct slot		*sl;
	char			 msg[160];
	size_t			 i;
	int			 pass;

	/* Early: before a --window, only for the types that lead into it. */
	if (!early) {
		zt_observe_row(&sg->ob, row, &c->dm);
		if (c->o.facts)
			zt_facts_row(&sg->fa, row, &c->dm);
	}
	for (i = 0; i < c->nstate; i++) {
		r = &c->rs->r[c->rep[i]];
		sl = &sg->slot[i];
		if (sl->err || sl->st == NULL ||
		    (early && r->type->lead == NULL))
			continue;
		if (r->where.n > 0) {
			pass = zt_filter_eval(&r->where, row->s, row->num,
			    cx.budget, msg, sizeof(msg));
			if (pass == -1) {
				sl->err = 1;
				snprintf(sl->emsg, sizeof(sl->emsg), "where: %s",
				    msg);
			}
			if (pass != 1)
				continue;
		}
		if (r->type->feed(sl->st, r, row, &cx, msg, sizeof(msg)) == -1) {
			sl->err = 1;
			snprintf(sl->emsg, sizeof(sl->emsg), "%s", msg);
		}
	}
}

/*
 * Does the run's selection keep row?  A record it cannot judge (a
 * pattern over its limits) is dropped and the run is told.
 */
static int
selected(struct zt_checker *c, const struct zt_row *row)
{
	char	 msg[256];
	int	 r;

	if (c->o.select == NULL)
		return 1;
	r = zt_select_eval(c->o.select, row->ts_us, row->s, &c->budget, msg,
	    sizeof(msg));
	if (r == -1 && c->selerr[0] == '\0')
		snprintf(c->selerr, sizeof(c->selerr), "%s", msg);
	return r == 1;
}

/* The largest str, peer and kind ids of a record. */
static void
max_ids(const struct zt_recids *v, int64_t m[3])
{
	const int64_t	 s[] = { v->pod, v->src_ip, v->dst, v->hbone,
	    v->service, v->error };
	size_t		 i;

	m[0] = 0;
	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		if (s[i] > m[0])
			m[0] = s[i];
	m[1] = v->src_peer > v->dst_peer ? v->src_peer : v->dst_peer;
	m[2] = v->kind;
}

void
zt_checker_source(struct zt_checker *c, int64_t k, const char *name)
{
	zt_refs_name(&c->refs, k, name);
}

void
zt_checker_row(struct zt_checker *c, int64_t src, int64_t line,
    const struct zt_recids *v)
{
	int64_t	 m[3];

	if (!c->open)
		begin(c);
	/* New names since the last row: derive their keys first. */
	max_ids(v, m);
	if (m[0] > c->dm.synced[0] || m[1] > c->dm.synced[1] ||
	    m[2] > c->dm.synced[2])
		zt_dims_sync(&c->dm, m[0], m[1], m[2]);
	if (c->o.window_us > 0) {
		/* Kept to be judged at a snapshot, if it is in the window. */
		if (!v->partial)
			win_add(c, src, line, v);
		return;
	}
	zt_row_fill(&c->row, &c->rf, src, line, v);
	c->row.ref = zt_refs_next(&c->refs, src, line);
	if (selected(c, &c->row))
		feed(c, &c->cur, &c->row, 0);
}

void
zt_checker_feed(struct zt_checker *c, int64_t line, const struct zt_recids *v)
{
	zt_checker_row(c, c->cursrc, line, v);
}

/* ---- results --------------------------------------------------------------- */

static void
warn(struct zt_checkrun *run, const char *fmt, ...) ZT_ATTR_PRINTF(2, 3);

static void
warn(struct zt_checkrun *run, const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[512];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	run->warnings = zt_xrealloc(run->warnings,
	    (run->nwarn + 1) * sizeof(*run->warnings));
	run->warnings[run->nwarn++] = zt_xstrdup(buf);
}

/* Input accounting from the sources table. */
static int
accounting(sqlite3 *db, struct zt_checkrun *run, struct zt_err *err)
{
	sqlite3_stmt	*s;

	if (sqlite3_prepare_v2(db, "SELECT count(*), coalesce(sum(lines), 0), "
	    "coalesce(sum(records), 0), coalesce(sum(other), 0), "
	    "coalesce(sum(malformed), 0) FROM sources", -1, &s,
	    NULL) != SQLITE_OK)
		return zt_err_set(err, "database: %s", sqlite3_errmsg(db));
	if (sqlite3_step(s) == SQLITE_ROW) {
		run->sources = sqlite3_column_int64(s, 0);
		run->lines = sqlite3_column_int64(s, 1);
		run->records = sqlite3_column_int64(s, 2);
		run->other = sqlite3_column_int64(s, 3);
		run->malformed = sqlite3_column_int64(s, 4);
	}
	sqlite3_finalize(s);
	return 0;
}

/* Pods that logged exactly 10 lines: `kubectl logs -l` cut them. */
static void
warn_tail10(sqlite3 *db, struct zt_checkrun *run)
{
	sqlite3_stmt	*s;

	if (sqlite3_prepare_v2(db, "SELECT pod FROM pods WHERE pod IS NOT NULL "
	    "GROUP BY pod HAVING sum(lines) = 10 ORDER BY pod", -1, &s,
	    NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(s) == SQLITE_ROW)
		warn(run, "pod %s logged exactly 10 lines: `kubectl logs -l` "
		    "shows only the last 10 lines of each pod unless "
		    "--tail=-1 is given", (const char *)sqlite3_column_text(s,
		    0));
	sqlite3_finalize(s);
}

static void
coverage(sqlite3 *db, struct zt_checkrun *run, const struct zt_observe *ob,
    const struct zt_dims *dm)
{
	struct zt_str	 name;
	int64_t		 npods = 0;
	int64_t		 pod = 0;
	int64_t		 remote;
	int64_t		 i;

	warn_tail10(db, run);
	if (ob->out > 0 && ob->in == 0)
		warn(run, "only outbound records: the logs of the destination "
		    "side are missing, so pairing cannot be verified");
	else if (ob->in > 0 && ob->out == 0)
		warn(run, "only inbound records: the logs of the client side "
		    "are missing, so pairing cannot be verified");
	for (i = 0; i < ob->podix.n; i++)
		if (zt_imap_key(&ob->podix, i)[0] != 0) {
			npods++;
			pod = zt_imap_key(&ob->podix, i)[0];
		}
	remote = zt_observe_remote(ob);
	name = zt_dims_str(dm, pod);
	if (npods == 1 && remote > 0)
		warn(run, "only one ztunnel pod (%s) in the input, but its "
		    "HBONE traffic goes to %" PRId64 " addresses on other "
		    "nodes: their ztunnels' logs are missing", name.p != NULL ?
		    name.p : "?", remote);
}

static int	render(struct zt_checker *, const struct stage *,
		    struct zt_check_ctx *, sqlite3 *, struct zt_checkrun *);

/*
 * Fresh states in sg fed the committed records within the window of the
 * newest; what the window was, into run.
 */
static void
win_stage(struct zt_checker *c, struct stage *sg, struct zt_checkrun *run)
{
	/* While the first source is read (a stream), what it has so far. */
	const struct winlog	*wl = c->open && !c->merged ? &c->pend :
				    &c->win;
	const struct wrec	*w;
	int64_t			 top = wl == &c->pend ? c->pnewest : c->newest;
	int64_t			 cut = top - c->o.window_us;
	size_t			 i;

	stage_init(c, sg);
	run->window_us = c->o.window_us;
	run->win_from_us = cut;
	run->win_to_us = top;
	for (i = 0; i < wl->n; i++) {
		w = &wl->r[i];
		if (w->v.ts_us < cut - c->lead)
			continue;
		zt_row_fill(&c->row, &c->rf, w->src, w->line, &w->v);
		c->row.ref = w->ref;
		if (!selected(c, &c->row))
			continue;
		feed(c, sg, &c->row, w->v.ts_us < cut);
		if (w->v.ts_us >= cut)
			run->win_records++;
	}
}

int
zt_checker_snapshot(struct zt_checker *c, sqlite3 *db, struct zt_checkrun *run,
    struct zt_err *err)
{
	struct stage		 ws;
	/* While the first source is read (a stream), what it has so far. */
	struct stage		*sg = c->open && !c->merged ? &c->cur :
				    &c->all;
	struct zt_check_ctx	 cx;
	int			 rc;

	memset(run, 0, sizeof(*run));
	if (accounting(db, run, err) == -1)
		return -1;
	if (c->o.window_us > 0) {
		win_stage(c, &ws, run);
		sg = &ws;
	}
	cx = context(c, sg);
	rc = render(c, sg, &cx, db, run);
	if (sg == &ws)
		stage_free(c, &ws);
	return rc;
}

/* Each rule's result from the states of sg, and the coverage warnings. */
static int
render(struct zt_checker *c, const struct stage *sg, struct zt_check_ctx *cx0,
    sqlite3 *db, struct zt_checkrun *run)
{
	struct zt_check_ctx	 cx = *cx0;
	const struct zt_rule	*r;
	struct zt_result	*res;
	const struct slot	*sl;
	size_t			 i;

	cx.db = c->o.stored || !c->fed ? db : NULL;
	cx.run = run;
	cx.keep_pairs = c->o.keep_pairs;
	run->res = zt_xcalloc(c->rs->n ? c->rs->n : 1, sizeof(*run->res));
	run->nres = c->rs->n;
	for (i = 0; i < c->rs->n; i++) {
		r = &c->rs->r[i];
		res = &run->res[i];
		sl = &sg->slot[c->state[i]];
		res->rule = r;
		if (sl->err) {
			res->status = ZT_ST_ERROR;
			snprintf(res->summary, sizeof(res->summary), "%s",
			    sl->emsg);
			continue;
		}
		r->type->snapshot(sl->st, r, &cx, res);
	}
	coverage(db, run, &sg->ob, &c->dm);
	if (c->o.facts)
		zt_facts_make(&sg->fa, &sg->ob, &c->dm, &run->facts);
	if (zt_select_active(c->o.select)) {
		run->filtered = 1;
		run->selected = sg->ob.records;
		memcpy(run->select_err, c->selerr, sizeof(run->select_err));
	}
	return 0;
}

int
zt_checker_finish(struct zt_checker *c, sqlite3 *db, struct zt_checkrun *run,
    struct zt_err *err)
{
	int	 rc;

	zt_checker_end(c, 1);
	rc = zt_checker_snapshot(c, db, run, err);
	zt_checker_free(c);
	return rc;
}

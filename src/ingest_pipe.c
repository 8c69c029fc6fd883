/*
 * ingest_pipe.c -- see ingest_pipe.h.
 */
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unistd.h>

#include "ingest_pipe.h"
#include "in/input.h"
#include "in/lines.h"
#include "rules/filter.h"
#include "rules/select.h"
#include "util/crew.h"
#include "util/xalloc.h"

#define REJECT_TEXT	512

static void	parse_job(struct zt_pjob *, struct zt_parser *, size_t);
static void	intern_items(struct zt_pipe *, struct zt_pjob *);
static struct zt_pjob *job_get(struct zt_ingest *);

/*
 * The pool of chunks kept between sources (ig->pool): a reader takes its
 * chunks as it first needs them, while the thread storing the source
 * before gives that one's back.
 */
static pthread_mutex_t	 pool_mu = PTHREAD_MUTEX_INITIALIZER;

/* A copy of n bytes at p in the chunk's arena. */
static const char *
arena_put(struct zt_pjob *j, const char *p, size_t n)
{
	struct zt_ablk	*b = j->cur;
	struct zt_ablk	*nb;
	char		*at;

	if (b == NULL || b->size - b->used < n) {
		if (b != NULL && b->next != NULL && b->next->size >= n)
			nb = b->next;
		else {
			nb = zt_xmalloc(sizeof(*nb) + (n > ABLK ? n : ABLK));
			nb->size = n > ABLK ? n : ABLK;
			nb->next = b != NULL ? b->next : NULL;
			if (b != NULL)
				b->next = nb;
			else
				j->arena = nb;
		}
		nb->used = 0;
		j->cur = b = nb;
	}
	at = b->p + b->used;
	if (n > 0)
		memcpy(at, p, n);
	b->used += n;
	return at;
}

/* Does v lie in the chunk's lines [lo, lo + n) (or is it absent)? */
static inline int
in_lines(struct zt_str v, uintptr_t lo, size_t n)
{
	uintptr_t	 at = (uintptr_t)v.p;

	/* Compared as integers: v may point into another object. */
	return v.p == NULL || (at >= lo && at - lo <= n &&
	    v.n <= n - (at - lo));
}

/* v, copied to the arena unless it lies in the chunk's lines. */
static struct zt_str
keep_view(struct zt_pjob *j, struct zt_str v)
{
	if (!in_lines(v, (uintptr_t)j->bytes.p, j->bytes.n))
		v.p = arena_put(j, v.p, v.n);
	return v;
}

/* keep_view of a view of a record, in place, checked inline. */
#define KEEP(j, v, lo, n) do {						\
	if (!in_lines((v), (lo), (n)))					\
		(v).p = arena_put((j), (v).p, (v).n);			\
} while (0)

/* ---- the reader --------------------------------------------------------- */

/* Done or cancelled: everyone looks again.  Called with mu held. */
static void
wake_all(struct zt_pipe *pp)
{
	pthread_cond_broadcast(&pp->cv_free);
	pthread_cond_broadcast(&pp->cv_work);
	pthread_cond_broadcast(&pp->cv_parsed);
	pthread_cond_broadcast(&pp->cv_done);
}

/*
 * Chunks a parked pipeline reads ahead (zt_pipe_start): a few, for memory
 * (two sources' chunks are held at once); 4 hold a source's first 960
 * lines (FIRST_LINES).
 */
#define PARK_MAX	4

/* Wait for a free chunk; NULL when the store side cancelled. */
static struct zt_pjob *
reader_take(struct zt_pipe *pp)
{
	struct zt_pjob	*j;
	size_t		 k;
	int		 cancel;

	pthread_mutex_lock(&pp->mu);
	while ((pp->produced - pp->consumed == pp->njob ||
	    (pp->parked && pp->produced == PARK_MAX)) && !pp->cancel)
		pthread_cond_wait(&pp->cv_free, &pp->mu);
	k = pp->produced % pp->njob;
	cancel = pp->cancel;
	j = cancel ? NULL : pp->ring[k];
	pthread_mutex_unlock(&pp->mu);
	/* A slot's chunk comes from the pool when first used. */
	if (!cancel && j == NULL) {
		j = job_get(pp->ig);
		pthread_mutex_lock(&pp->mu);
		pp->ring[k] = j;
		pthread_mutex_unlock(&pp->mu);
	}
	if (j != NULL) {
		j->nlines = 0;
		j->bytes.n = 0;
	}
	return j;
}

/*
 * Hand chunk j (NULL: none) on; last: the reader is done.  With one parse
 * thread, the reader parses and interns j itself first.  Returns 1 when
 * interning failed (nothing more is read), else 0.
 */
static int
reader_give(struct zt_pipe *pp, struct zt_pjob *j, int last)
{
	int	 failed = 0;

	if (j != NULL && pp->inline_parse) {
		parse_job(j, &pp->cps, pp->maxline);
		intern_items(pp, j);
		failed = j->failed;
	}
	pthread_mutex_lock(&pp->mu);
	if (j != NULL) {
		j->raw = zt_input_raw_bytes(pp->in);
		j->state = pp->inline_parse ? ZT_J_INTERNED : ZT_J_FILLED;
		pp->produced++;
		if (pp->inline_parse)
			pp->claimed = pp->interned = pp->produced;
	}
	if (last) {
		pp->done = 1;
		wake_all(pp);
	} else if (pp->inline_parse)
		pthread_cond_signal(&pp->cv_done);
	else
		pthread_cond_signal(&pp->cv_work);
	pthread_mutex_unlock(&pp->mu);
	return failed;
}

/*
 * A source's first chunks are small (64 lines, then twice as many each,
 * up to CHUNK_LINES): the storing thread, idle until a source's first
 * chunk is parsed and interned, starts after 64 lines, not 1,024 (with
 * many small sources, that wait was a good part of each).
 */
#define FIRST_LINES	64

static void *
reader(void *arg)
{
	struct zt_pipe		*pp = arg;
	struct zt_lines		 lr;
	struct zt_str		 line;
	struct zt_pline		*c;
	struct zt_pjob		*j;
	size_t			 limit = FIRST_LINES;
	int			 toolong;
	int			 r = 0;

	zt_lines_init(&lr, pp->in, pp->maxline);
	j = reader_take(pp);
	while (j != NULL &&
	    (r = zt_lines_next(&lr, &line, &toolong, &pp->ierr)) == 1) {
		c = &j->lines[j->nlines++];
		c->off = (uint32_t)j->bytes.n;
		c->len = (uint32_t)line.n;
		c->lineno = lr.lineno;
		c->toolong = (unsigned char)toolong;
		c->nonl = (unsigned char)lr.nonl;
		zt_buf_add(&j->bytes, line.p, line.n);
		if (j->nlines == limit || j->bytes.n >= CHUNK_BYTES ||
		    (pp->eager && !zt_lines_ready(&lr))) {
			if (limit < CHUNK_LINES)
				limit *= 2;
			if (reader_give(pp, j, 0)) {
				j = NULL;
				break;
			}
			j = reader_take(pp);
		}
	}
	pp->read = lr.lineno;
	if (r == -1)
		pp->rc = -1;
	(void)reader_give(pp, j != NULL && j->nlines > 0 ? j : NULL, 1);
	zt_lines_fini(&lr);
	return NULL;
}

/* ---- the parse workers -------------------------------------------------- */

/* Are a and b the same text, or both absent? */
static int
same_view(struct zt_str a, struct zt_str b)
{
	if (a.p == NULL || b.p == NULL)
		return a.p == b.p;
	return a.n == b.n && zt_mem_eq(a.p, b.p, a.n);
}

/*
 * The record of the chunk's next item, for the parser to fill in place
 * (no copy of a record a line); pack_slot then adds the item.
 */
static struct zt_rec *
item_slot(struct zt_pjob *j)
{
	if (j->nitems == j->citems) {
		j->citems = j->citems == 0 ? CHUNK_LINES + 16 : 2 * j->citems;
		j->items = zt_xrealloc(j->items, j->citems * sizeof(*j->items));
	}
	return &j->items[j->nitems].rec;
}

/* Add the next item, its record filled in item_slot(), classified cls. */
static void
pack_slot(struct zt_pjob *j, unsigned long lineno, enum zt_class cls,
    struct zt_str line)
{
	struct zt_pitem	*it;
	struct zt_rec	*r;
	const struct zt_rec *rec;
	uintptr_t	 lo = (uintptr_t)j->bytes.p;
	size_t		 n = j->bytes.n;
	int		 i;

	it = &j->items[j->nitems++];
	rec = &it->rec;
	it->cls = cls;
	it->lineno = lineno;
	/*
	 * Lines come in pod blocks: saying so here, where the line is in
	 * this processor's cache, spares the storing thread reading it.
	 */
	it->samepod = j->nitems > 1 && same_view(it[-1].rec.pod, rec->pod);
	it->rec.bad_decor = NULL;
	it->raw = ZT_NOSTR;
	/* Of an other line, only the pod is read. */
	if (cls != ZT_CLASS_RECORD && cls != ZT_CLASS_MALFORMED) {
		it->rec.pod = keep_view(j, rec->pod);
		return;
	}
	r = &it->rec;
	KEEP(j, r->pod, lo, n);
	KEEP(j, r->ts, lo, n);
	KEEP(j, r->level, lo, n);
	KEEP(j, r->message, lo, n);
	KEEP(j, r->extra, lo, n);
	KEEP(j, r->prefix, lo, n);
	for (i = 0; i < ZT_F_COUNT; i++)
		KEEP(j, r->f[i], lo, n);
	if (cls == ZT_CLASS_MALFORMED) {
		if (line.n > REJECT_TEXT)
			line.n = REJECT_TEXT;
		it->raw = keep_view(j, line);
	}
}

/*
 * A line that is two lines glued together (kubectl -f reconnects): its
 * first cut bytes, a line cut short, become a line of their own
 * (malformed, unless they are no access line), before the rest.
 */
static void
glued(struct zt_pjob *j, struct zt_parser *ps, unsigned long lineno,
    struct zt_str line, size_t cut)
{
	struct zt_rec	*rec;
	enum zt_class	 cls;

	line.n = cut;
	rec = item_slot(j);
	cls = zt_parse_line(ps, line, rec);
	if (cls != ZT_CLASS_OTHER) {
		cls = ZT_CLASS_MALFORMED;
		snprintf(rec->why, sizeof(rec->why), "cut off: another log "
		    "line starts at column %zu, glued to it (a kubectl -f "
		    "reconnect?); read as a line of its own", cut + 1);
	}
	pack_slot(j, lineno, cls, line);
}

/* Classify a chunk's lines with ps, as it stands, into its items. */
static void
parse_job(struct zt_pjob *j, struct zt_parser *ps, size_t maxline)
{
	const struct zt_pline	*c;
	struct zt_rec		*rec;
	struct zt_str		 line;
	enum zt_class		 cls;
	size_t			 cut;
	size_t			 k;

	j->nitems = 0;
	j->cur = j->arena;
	if (j->cur != NULL)
		j->cur->used = 0;
	for (k = 0; k < j->nlines; k++) {
		c = &j->lines[k];
		line.p = j->bytes.p + c->off;
		line.n = c->len;
		rec = item_slot(j);
		cls = zt_parse_line(ps, line, rec);
		if (c->toolong) {
			/* The pod (if any) is still credited with the line. */
			cls = ZT_CLASS_MALFORMED;
			snprintf(rec->why, sizeof(rec->why), "line too long "
			    "(over %zu bytes)", maxline);
		} else if (cls != ZT_CLASS_RECORD && rec->wrap == ZT_LW_PLAIN &&
		    (cut = zt_parse_glued(line)) > 0) {
			/* The first part takes this item; the rest the next. */
			glued(j, ps, c->lineno, line, cut);
			line.p += cut;
			line.n -= cut;
			rec = item_slot(j);
			cls = zt_parse_line(ps, line, rec);
		}
		if (cls == ZT_CLASS_RECORD && c->nonl && !zt_rec_whole(rec)) {
			cls = ZT_CLASS_MALFORMED;
			snprintf(rec->why, sizeof(rec->why), "cut off: the input "
			    "ends inside the line's fields (no newline, no %s)",
			    rec->f[ZT_F_BYTES_SENT].p != NULL ||
			    rec->f[ZT_F_BYTES_RECV].p != NULL ? "duration" :
			    "direction");
		}
		pack_slot(j, c->lineno, cls, line);
	}
	j->pending = zt_parser_pending(ps);
	if (j->pending)
		zt_parser_carry(&j->end, ps);
}

/* The next filled chunk, or NULL when there is none to come. */
static struct zt_pjob *
worker_take(struct zt_pipe *pp)
{
	struct zt_pjob	*j = NULL;

	pthread_mutex_lock(&pp->mu);
	while (!pp->cancel && pp->claimed == pp->produced && !pp->done)
		pthread_cond_wait(&pp->cv_work, &pp->mu);
	if (!pp->cancel && pp->claimed < pp->produced) {
		j = pp->ring[pp->claimed % pp->njob];
		j->state = ZT_J_PARSING;
		pp->claimed++;
	}
	pthread_mutex_unlock(&pp->mu);
	return j;
}

static void *
worker(void *arg)
{
	struct zt_pipe		*pp = arg;
	struct zt_parser	 ps;
	struct zt_pjob		*j;

	zt_parser_init(&ps);
	zt_parser_source(&ps, pp->info);
	zt_parser_maxjoin(&ps, pp->maxline);
	while ((j = worker_take(pp)) != NULL) {
		zt_parser_carry(&ps, NULL);
		parse_job(j, &ps, pp->maxline);
		pthread_mutex_lock(&pp->mu);
		j->state = ZT_J_PARSED;
		pthread_cond_signal(&pp->cv_parsed);
		pthread_mutex_unlock(&pp->mu);
	}
	zt_parser_fini(&ps);
	return NULL;
}

/*
 * Do ingest's filters keep rec?  Judged on the fields as they are stored,
 * as check judges the stored columns.  A record they cannot judge (a
 * pattern over its limits) is left out, the first one noted.
 */
int
zt_pipe_kept(struct zt_ingest *ig, const struct zt_rec *rec)
{
	struct zt_str	 c[ZT_COL_COUNT];
	char		 msg[256];
	int		 i;
	int		 r;

	if (ig->select == NULL)
		return 1;
	for (i = 0; i < ZT_COL_COUNT; i++)
		c[i] = ZT_NOSTR;
	c[ZT_COL_SRC_NAMESPACE] = rec->f[ZT_F_SRC_NAMESPACE];
	c[ZT_COL_DST_NAMESPACE] = rec->f[ZT_F_DST_NAMESPACE];
	c[ZT_COL_SRC_WORKLOAD] = rec->f[ZT_F_SRC_WORKLOAD];
	c[ZT_COL_DST_WORKLOAD] = rec->f[ZT_F_DST_WORKLOAD];
	c[ZT_COL_DST_SERVICE] = rec->f[ZT_F_DST_SERVICE];
	r = zt_select_eval(ig->select, rec->partial ? ZT_TS_NONE : rec->ts_us,
	    c, NULL, msg, sizeof(msg));
	if (r == -1 && ig->select_err[0] == '\0')
		snprintf(ig->select_err, sizeof(ig->select_err), "%s", msg);
	return r == 1;
}

/* ---- the interner ------------------------------------------------------- */

/*
 * Give a chunk's records their ids, in input order, so that ids do not
 * depend on the threads; names are read by id on the storing thread
 * meanwhile (store/names.h: entries never move; the ring's mutex
 * publishes them).  cps carries a split line's parts from the chunks
 * before; when it holds some, the chunk is parsed again with them (the
 * worker started without).
 */
static void
intern_items(struct zt_pipe *pp, struct zt_pjob *j)
{
	struct zt_pitem	*it;
	size_t		 k;

	j->fresh.n = 0;
	j->failed = 0;
	for (k = 0; k < j->nitems; k++) {
		it = &j->items[k];
		if (it->cls != ZT_CLASS_RECORD)
			continue;
		/* Left out by the filters: counted, not interned. */
		if ((it->dropped = !zt_pipe_kept(pp->ig, &it->rec)))
			continue;
		if (zt_store_counting(pp->st)) {
			memset(&it->ids, 0, sizeof(it->ids));
			it->ids.ts_us = it->rec.ts_us;
			it->ids.partial = it->rec.partial != 0;
		} else if (zt_store_intern(pp->st, &it->rec, &it->ids,
		    &j->fresh, &j->err) == -1) {
			j->failed = 1;
			j->failline = it->lineno;
			j->nitems = k;
			return;
		}
	}
	zt_store_marks(pp->st, j->marks);
}

static void
intern_job(struct zt_pipe *pp, struct zt_pjob *j)
{
	if (zt_parser_pending(&pp->cps))
		parse_job(j, &pp->cps, pp->maxline);
	else if (j->pending)
		zt_parser_carry(&pp->cps, &j->end);
	intern_items(pp, j);
}

static void *
interner(void *arg)
{
	struct zt_pipe	*pp = arg;
	struct zt_pjob	*j;
	int		 failed = 0;

	while (!failed) {
		pthread_mutex_lock(&pp->mu);
		for (;;) {
			j = pp->ring[pp->interned % pp->njob];
			if (pp->cancel || (pp->interned < pp->produced &&
			    j->state == ZT_J_PARSED))
				break;
			if (pp->done && pp->interned == pp->produced)
				break;
			pthread_cond_wait(&pp->cv_parsed, &pp->mu);
		}
		if (pp->cancel || pp->interned == pp->produced) {
			pthread_mutex_unlock(&pp->mu);
			break;
		}
		pthread_mutex_unlock(&pp->mu);
		intern_job(pp, j);
		failed = j->failed;
		pthread_mutex_lock(&pp->mu);
		j->state = ZT_J_INTERNED;
		pp->interned++;
		pthread_cond_signal(&pp->cv_done);
		pthread_mutex_unlock(&pp->mu);
	}
	return NULL;
}

/* ---- the storing thread's side ------------------------------------------ */

struct zt_pjob *
zt_pipe_take(struct zt_pipe *pp, const struct timespec *until, int *late)
{
	struct zt_pjob	*j = NULL;

	*late = 0;
	pthread_mutex_lock(&pp->mu);
	for (;;) {
		if (pp->consumed < pp->produced &&
		    pp->ring[pp->consumed % pp->njob]->state == ZT_J_INTERNED) {
			j = pp->ring[pp->consumed % pp->njob];
			*late = 0;
			break;
		}
		/* Cancelled: the chunks not stored are dropped. */
		if ((pp->done && (pp->consumed == pp->produced ||
		    pp->cancel)) || *late)
			break;
		if (until == NULL)
			pthread_cond_wait(&pp->cv_done, &pp->mu);
		else
			*late = pthread_cond_timedwait(&pp->cv_done, &pp->mu,
			    until) != 0;
	}
	pthread_mutex_unlock(&pp->mu);
	return j;
}

void
zt_pipe_give(struct zt_pipe *pp, struct zt_pjob *j, int cancel)
{
	pthread_mutex_lock(&pp->mu);
	j->state = ZT_J_FREE;
	pp->raw = j->raw;
	pp->consumed++;
	if (cancel) {
		pp->cancel = 1;
		wake_all(pp);
	} else
		pthread_cond_signal(&pp->cv_free);
	pthread_mutex_unlock(&pp->mu);
}

/*
 * Parse threads: ig->threads, else one per online processor (at most 8),
 * less the one a database file's writer needs.  One: the reader parses
 * and interns, and no other thread is started (the fewest hand-overs:
 * what a two-processor machine writing a database does best).
 */
size_t
zt_pipe_workers(const struct zt_ingest *ig)
{
	long	 n = ig->threads;

	if (n <= 0) {
		n = sysconf(_SC_NPROCESSORS_ONLN);
		if (zt_store_durable(ig->st))
			n--;
	}
	if (n < 1)
		n = 1;
	return n > WORKERS_MAX ? WORKERS_MAX : (size_t)n;
}

void
zt_pipe_cancel(struct zt_pipe *pp)
{
	pthread_mutex_lock(&pp->mu);
	pp->cancel = 1;
	wake_all(pp);
	pthread_mutex_unlock(&pp->mu);
}

static void
job_free(struct zt_pjob *j)
{
	struct zt_ablk	*b, *nb;

	zt_buf_free(&j->bytes);
	free(j->items);
	for (b = j->arena; b != NULL; b = nb) {
		nb = b->next;
		free(b);
	}
	zt_parser_fini(&j->end);
	zt_buf_free(&j->fresh);
	free(j);
}

/*
 * A chunk for a source's ring: one kept from an earlier source when ig
 * has one (its buffers, items and arena, already faulted in, are used
 * again), else a new one.  The threads write each field of a chunk
 * before they read it; the resets make a kept chunk look as a new one
 * does all the same, so that this stays true whatever they come to read.
 */
static struct zt_pjob *
job_get(struct zt_ingest *ig)
{
	struct zt_pjob	*j;

	pthread_mutex_lock(&pool_mu);
	if (ig->npool == 0) {
		pthread_mutex_unlock(&pool_mu);
		j = zt_xcalloc(1, sizeof(*j));
		zt_parser_init(&j->end);
		return j;
	}
	j = ig->pool[--ig->npool];
	pthread_mutex_unlock(&pool_mu);
	j->state = ZT_J_FREE;
	j->bytes.n = 0;
	j->nlines = 0;
	j->raw = 0;
	j->nitems = 0;
	j->cur = NULL;
	j->pending = 0;
	zt_parser_fini(&j->end);
	zt_parser_init(&j->end);
	j->fresh.n = 0;
	j->failed = 0;
	memset(j->marks, 0, sizeof(j->marks));
	j->failline = 0;
	memset(&j->err, 0, sizeof(j->err));
	return j;
}

/* Chunk j is done with: kept in ig's pool for the next source, or freed. */
static void
job_put(struct zt_ingest *ig, struct zt_pjob *j)
{
	pthread_mutex_lock(&pool_mu);
	if (ig->npool < sizeof(ig->pool) / sizeof(ig->pool[0])) {
		ig->pool[ig->npool++] = j;
		j = NULL;
	}
	pthread_mutex_unlock(&pool_mu);
	if (j != NULL)
		job_free(j);
}

void
zt_pipe_init(struct zt_pipe *pp, struct zt_input *in,
    const struct zt_srcinfo *info, struct zt_ingest *ig, size_t nw)
{
	struct zt_store	*st = ig->st;
	size_t		 maxline = ig->maxline;
	/*
	 * Chunks in flight: each thread's, and as many again as slack, so
	 * that a thread the scheduler runs late does not stall the others
	 * (on 2 processors, 10 rather than 5: 0.95x the time, 6 MB more);
	 * at most 16, about 1.4 MB each.
	 */
	size_t		 njob = 2 * nw + 6 < 16 ? 2 * nw + 6 : 16;
	pthread_condattr_t ca;

	memset(pp, 0, sizeof(*pp));
	pthread_mutex_init(&pp->mu, NULL);
	/* Ticks wait on the monotonic clock: wall clock jumps do not count. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&pp->cv_free, &ca);
	pthread_cond_init(&pp->cv_work, &ca);
	pthread_cond_init(&pp->cv_parsed, &ca);
	pthread_cond_init(&pp->cv_done, &ca);
	pthread_condattr_destroy(&ca);
	pp->njob = njob;
	pp->ring = zt_xcalloc(njob, sizeof(*pp->ring));
	pp->in = in;
	pp->info = info;
	pp->st = st;
	pp->ig = ig;
	pp->nw = nw;
	pp->inline_parse = nw == 1;
	pp->maxline = maxline;
	zt_parser_init(&pp->cps);
	zt_parser_source(&pp->cps, info);
	zt_parser_maxjoin(&pp->cps, maxline);
}

void
zt_pipe_fini(struct zt_pipe *pp)
{
	size_t	 i;

	for (i = 0; i < pp->njob; i++)
		if (pp->ring[i] != NULL)
			job_put(pp->ig, pp->ring[i]);
	free(pp->ring);
	zt_parser_fini(&pp->cps);
	pthread_cond_destroy(&pp->cv_free);
	pthread_cond_destroy(&pp->cv_work);
	pthread_cond_destroy(&pp->cv_parsed);
	pthread_cond_destroy(&pp->cv_done);
	pthread_mutex_destroy(&pp->mu);
}

void
zt_pipe_pool_free(struct zt_ingest *ig)
{
	while (ig->npool > 0)
		job_free(ig->pool[--ig->npool]);
	zt_crew_fini(ig->crew);
	ig->crew = NULL;
}

/*
 * The reader starts first, so that it reads while the others start (the
 * reader started last, or made to wait until all had started: 1,000
 * small files 1.06x the time).  When a thread cannot start, the reader
 * may have read on: the source fails (ingest.c), never read again.
 */
int
zt_pipe_start(struct zt_pipe *pp, int parked, struct zt_err *err)
{
	struct zt_ingest	*ig = pp->ig;

	if (ig->crew == NULL)
		ig->crew = zt_crew_new();
	pp->ijob = -1;
	pp->parked = parked && !pp->inline_parse;
	pp->running = 1;
	if ((pp->rjob = zt_crew_run(ig->crew, reader, pp)) == -1)
		goto fail;
	for (pp->started = 0; pp->started < pp->nw && !pp->inline_parse;
	    pp->started++)
		if ((pp->wjob[pp->started] = zt_crew_run(ig->crew, worker,
		    pp)) == -1)
			break;
	if ((pp->started == 0 && !pp->inline_parse) ||
	    (!pp->inline_parse && !parked && zt_pipe_go(pp, err) == -1))
		goto fail;
	return 0;
fail:
	zt_pipe_cancel(pp);
	zt_pipe_join(pp);
	return zt_err_set(err, "cannot start a thread");
}

int
zt_pipe_go(struct zt_pipe *pp, struct zt_err *err)
{
	if (pp->inline_parse || pp->ijob != -1)
		return 0;
	if ((pp->ijob = zt_crew_run(pp->ig->crew, interner, pp)) == -1)
		return zt_err_set(err, "cannot start a thread");
	pthread_mutex_lock(&pp->mu);
	pp->parked = 0;
	pthread_cond_signal(&pp->cv_free);
	pthread_mutex_unlock(&pp->mu);
	return 0;
}

void
zt_pipe_reader_wait(struct zt_pipe *pp)
{
	if (pp->rjob != -1)
		zt_crew_wait(pp->ig->crew, pp->rjob);
	pp->rjob = -1;
	pp->in = NULL;
}

void
zt_pipe_join(struct zt_pipe *pp)
{
	struct zt_crew	*c = pp->ig->crew;

	if (!pp->running)
		return;
	zt_pipe_reader_wait(pp);
	if (pp->ijob != -1)
		zt_crew_wait(c, pp->ijob);
	pp->ijob = -1;
	while (pp->started > 0)
		zt_crew_wait(c, pp->wjob[--pp->started]);
	pp->running = 0;
}

int
zt_pipe_read_all(struct zt_pipe *pp)
{
	int	 done;

	pthread_mutex_lock(&pp->mu);
	done = pp->done;
	pthread_mutex_unlock(&pp->mu);
	return done;
}

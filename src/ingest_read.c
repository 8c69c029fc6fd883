/*
 * ingest_read.c -- reading one source into the store: a reader thread
 * (input -> lines -> record) and the calling thread storing what it
 * hands over; see ingest_read.h.
 */
#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/stat.h>
#include <unistd.h>

#include "ingest.h"
#include "ingest_read.h"
#include "in/input.h"
#include "in/lines.h"
#include "in/source.h"
#include "parse/record.h"
#include "rules/filter.h"
#include "rules/select.h"
#include "util/sig.h"
#include "util/xalloc.h"

static void
malformed(struct zt_ingest *ig, const char *name, unsigned long line,
    const char *why)
{
	if (ig->warn_left > 0) {
		ig->warn_left--;
		zt_diag_warn(name, line, "malformed access line: %s", why);
	} else
		ig->unwarned++;
}

/*
 * Threads per source.  A reader runs input -> lines (inflate,
 * fingerprint, the cut into lines) and copies lines into chunks; parse
 * workers classify the chunks' lines, several chunks at a time, each
 * into the chunk's own items; this thread takes the chunks back in order
 * and interns and stores their items, so that names get the same ids,
 * and records the same order, with any number of workers.
 *
 * The one state a line leaves for the next is a split line's first parts
 * (CRI P lines): a worker starts each chunk without any.  When the
 * chunks before one ended inside a split line, this thread parses that
 * chunk again with the parts carried over (zt_parser_carry).
 *
 * A record's views point into the chunk's lines, which stay put until
 * the chunk is stored, or else (decoded values, the parser's buffers) into
 * the chunk's arena, whose blocks never move.  Chunks travel through
 * a small ring, so memory stays bounded whatever the input size.
 */
#define CHUNK_LINES	1024
#define CHUNK_BYTES	(512 * 1024)
#define WORKERS_MAX	8
#define REJECT_TEXT	512
/*
 * A database file commits what a stream (standard input, a named pipe)
 * stored so far every COMMIT_MS of wall time while it is read
 * (zt_store_checkpoint), so that a stream cut off by a kill keeps what
 * came before the last commit.  The reader then hands over its chunk
 * whenever it must read (eager), so that a slow stream's lines reach the
 * store, and the next commit, at once.
 */
#define COMMIT_MS	2000

/* A block of a chunk's arena; blocks never move, so views stay valid. */
struct ablk {
	struct ablk	*next;
	size_t		 used;
	size_t		 size;
	char		 p[];
};
#define ABLK	(64 * 1024)

/* One line of a chunk. */
struct cline {
	uint32_t	 off;
	uint32_t	 len;
	unsigned long	 lineno;
	unsigned char	 toolong;	/* cut at the cap */
	unsigned char	 nonl;		/* the input ended in it */
};

/* The views of a record: pod, ts, level, message, extra, prefix, f. */
#define NVIEW	(6 + ZT_F_COUNT)

/* One line's result (two for a glued line). */
struct item {
	enum zt_class	 cls;
	unsigned long	 lineno;
	struct zt_rec	 rec;
	struct zt_str	 raw;		/* malformed: the line's first bytes */
	int		 dropped;	/* a record ingest's filters leave out */
	struct zt_recids ids;		/* a record's, once interned */
};

enum jstate { J_FREE, J_FILLED, J_PARSING, J_PARSED, J_INTERNED };

struct job {
	enum jstate	 state;
	/* The reader's. */
	struct zt_buf	 bytes;
	struct cline	 lines[CHUNK_LINES];
	size_t		 nlines;
	uint64_t	 raw;		/* raw bytes read when handed over */
	/* The worker's. */
	struct item	*items;		/* a line's, two for a glued one */
	size_t		 nitems;
	size_t		 citems;
	struct ablk	*arena;		/* copied views; first block */
	struct ablk	*cur;		/* the block being filled */
	int		 pending;	/* ended inside a split line ... */
	struct zt_parser end;		/* ... whose parts are here */
	/* The interner's. */
	struct zt_buf	 fresh;		/* rows interned in this chunk */
	int		 failed;	/* interning failed at items[nitems] */
	int64_t		 marks[3];	/* zt_store_marks after it */
	unsigned long	 failline;	/* its line */
	struct zt_err	 err;
};

struct pipe {
	pthread_mutex_t		 mu;
	/* Each waits on its own: no thundering herd per chunk. */
	pthread_cond_t		 cv_free;	/* the reader: a free chunk */
	pthread_cond_t		 cv_work;	/* workers: a filled chunk */
	pthread_cond_t		 cv_parsed;	/* the interner */
	pthread_cond_t		 cv_done;	/* the storing thread */
	struct job		**ring;
	size_t			 njob;
	size_t			 produced;	/* chunks filled */
	size_t			 claimed;	/* chunks taken by workers */
	size_t			 interned;	/* chunks interned */
	size_t			 consumed;	/* chunks given back */
	int			 done;		/* reader finished */
	int			 cancel;	/* store failed: stop reading */
	int			 eager;		/* hand each line on */
	int			 inline_parse;	/* the reader parses and interns
						   (one parse thread) */
	uint64_t		 raw;		/* raw bytes read, at the last
						   chunk consumed */
	/* The interner's: a split line's parts, carried over chunks. */
	struct zt_parser	 cps;
	struct zt_store		*st;
	struct zt_ingest	*ig;		/* its filters */
	/* Reader side, read by the store side after done. */
	struct zt_input		*in;
	const struct zt_srcinfo	*info;		/* what the parser is told */
	size_t			 maxline;
	unsigned long		 read;		/* lines read */
	int			 rc;		/* 0; -1 input error */
	struct zt_err		 ierr;
};

static void	parse_job(struct job *, struct zt_parser *, size_t);
static void	intern_items(struct pipe *, struct job *);

/* A copy of n bytes at p in the chunk's arena. */
static const char *
arena_put(struct job *j, const char *p, size_t n)
{
	struct ablk	*b = j->cur;
	struct ablk	*nb;
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

/* v, copied to the arena unless it lies in the chunk's lines. */
static struct zt_str
keep_view(struct job *j, struct zt_str v)
{
	uintptr_t	 at = (uintptr_t)v.p;
	uintptr_t	 lo = (uintptr_t)j->bytes.p;

	/* Compared as integers: v may point into another object. */
	if (v.p == NULL || (at >= lo && at - lo <= j->bytes.n &&
	    v.n <= j->bytes.n - (at - lo)))
		return v;
	v.p = arena_put(j, v.p, v.n);
	return v;
}

static void
rec_views(struct zt_rec *r, struct zt_str **v)
{
	int	 i;

	v[0] = &r->pod;
	v[1] = &r->ts;
	v[2] = &r->level;
	v[3] = &r->message;
	v[4] = &r->extra;
	v[5] = &r->prefix;
	for (i = 0; i < ZT_F_COUNT; i++)
		v[6 + i] = &r->f[i];
}

/* ---- the reader --------------------------------------------------------- */

/* Wait for a free chunk; NULL when the store side cancelled. */
/* Done or cancelled: everyone looks again.  Called with mu held. */
static void
wake_all(struct pipe *pp)
{
	pthread_cond_broadcast(&pp->cv_free);
	pthread_cond_broadcast(&pp->cv_work);
	pthread_cond_broadcast(&pp->cv_parsed);
	pthread_cond_broadcast(&pp->cv_done);
}

static struct job *
reader_take(struct pipe *pp)
{
	struct job	*j;

	pthread_mutex_lock(&pp->mu);
	while (pp->produced - pp->consumed == pp->njob && !pp->cancel)
		pthread_cond_wait(&pp->cv_free, &pp->mu);
	j = pp->cancel ? NULL : pp->ring[pp->produced % pp->njob];
	pthread_mutex_unlock(&pp->mu);
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
reader_give(struct pipe *pp, struct job *j, int last)
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
		j->state = pp->inline_parse ? J_INTERNED : J_FILLED;
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

static void *
reader(void *arg)
{
	struct pipe		*pp = arg;
	struct zt_lines		 lr;
	struct zt_str		 line;
	struct cline		*c;
	struct job		*j;
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
		if (j->nlines == CHUNK_LINES || j->bytes.n >= CHUNK_BYTES ||
		    (pp->eager && !zt_lines_ready(&lr))) {
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

/* Add one classified line to the chunk's items. */
static void
pack_item(struct job *j, unsigned long lineno, enum zt_class cls,
    const struct zt_rec *rec, struct zt_str line)
{
	struct item	*it;
	struct zt_str	*v[NVIEW];
	int		 i;

	if (j->nitems == j->citems) {
		j->citems = j->citems == 0 ? CHUNK_LINES + 16 : 2 * j->citems;
		j->items = zt_xrealloc(j->items, j->citems * sizeof(*j->items));
	}
	it = &j->items[j->nitems++];
	it->cls = cls;
	it->lineno = lineno;
	/* The reason only for a malformed line. */
	memcpy(&it->rec, rec, cls == ZT_CLASS_MALFORMED ? sizeof(*rec) :
	    offsetof(struct zt_rec, why));
	it->rec.bad_decor = NULL;
	it->raw = ZT_NOSTR;
	/* Of an other line, only the pod is read. */
	if (cls != ZT_CLASS_RECORD && cls != ZT_CLASS_MALFORMED) {
		it->rec.pod = keep_view(j, rec->pod);
		return;
	}
	rec_views(&it->rec, v);
	for (i = 0; i < NVIEW; i++)
		*v[i] = keep_view(j, *v[i]);
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
glued(struct job *j, struct zt_parser *ps, unsigned long lineno,
    struct zt_str line, size_t cut)
{
	struct zt_rec	 rec;
	enum zt_class	 cls;

	line.n = cut;
	cls = zt_parse_line(ps, line, &rec);
	if (cls != ZT_CLASS_OTHER) {
		cls = ZT_CLASS_MALFORMED;
		snprintf(rec.why, sizeof(rec.why), "cut off: another log "
		    "line starts at column %zu, glued to it (a kubectl -f "
		    "reconnect?); read as a line of its own", cut + 1);
	}
	pack_item(j, lineno, cls, &rec, line);
}

/* Classify a chunk's lines with ps, as it stands, into its items. */
static void
parse_job(struct job *j, struct zt_parser *ps, size_t maxline)
{
	const struct cline	*c;
	struct zt_rec		 rec;
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
		cls = zt_parse_line(ps, line, &rec);
		if (c->toolong) {
			/* The pod (if any) is still credited with the line. */
			cls = ZT_CLASS_MALFORMED;
			snprintf(rec.why, sizeof(rec.why), "line too long "
			    "(over %zu bytes)", maxline);
		} else if (cls != ZT_CLASS_RECORD && rec.wrap == ZT_LW_PLAIN &&
		    (cut = zt_parse_glued(line)) > 0) {
			glued(j, ps, c->lineno, line, cut);
			line.p += cut;
			line.n -= cut;
			cls = zt_parse_line(ps, line, &rec);
		}
		if (cls == ZT_CLASS_RECORD && c->nonl && !zt_rec_whole(&rec)) {
			cls = ZT_CLASS_MALFORMED;
			snprintf(rec.why, sizeof(rec.why), "cut off: the input "
			    "ends inside the line's fields (no newline, no %s)",
			    rec.f[ZT_F_BYTES_SENT].p != NULL ||
			    rec.f[ZT_F_BYTES_RECV].p != NULL ? "duration" :
			    "direction");
		}
		pack_item(j, c->lineno, cls, &rec, line);
	}
	j->pending = zt_parser_pending(ps);
	if (j->pending)
		zt_parser_carry(&j->end, ps);
}

/* The next filled chunk, or NULL when there is none to come. */
static struct job *
worker_take(struct pipe *pp)
{
	struct job	*j = NULL;

	pthread_mutex_lock(&pp->mu);
	while (!pp->cancel && pp->claimed == pp->produced && !pp->done)
		pthread_cond_wait(&pp->cv_work, &pp->mu);
	if (!pp->cancel && pp->claimed < pp->produced) {
		j = pp->ring[pp->claimed % pp->njob];
		j->state = J_PARSING;
		pp->claimed++;
	}
	pthread_mutex_unlock(&pp->mu);
	return j;
}

static void *
worker(void *arg)
{
	struct pipe		*pp = arg;
	struct zt_parser	 ps;
	struct job		*j;

	zt_parser_init(&ps);
	zt_parser_source(&ps, pp->info);
	zt_parser_maxjoin(&ps, pp->maxline);
	while ((j = worker_take(pp)) != NULL) {
		zt_parser_carry(&ps, NULL);
		parse_job(j, &ps, pp->maxline);
		pthread_mutex_lock(&pp->mu);
		j->state = J_PARSED;
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
static int
kept(struct zt_ingest *ig, const struct zt_rec *rec)
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
intern_items(struct pipe *pp, struct job *j)
{
	struct item	*it;
	size_t		 k;

	j->fresh.n = 0;
	j->failed = 0;
	for (k = 0; k < j->nitems; k++) {
		it = &j->items[k];
		if (it->cls != ZT_CLASS_RECORD)
			continue;
		/* Left out by the filters: counted, not interned. */
		if ((it->dropped = !kept(pp->ig, &it->rec)))
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
intern_job(struct pipe *pp, struct job *j)
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
	struct pipe	*pp = arg;
	struct job	*j;
	int		 failed = 0;

	while (!failed) {
		pthread_mutex_lock(&pp->mu);
		for (;;) {
			j = pp->ring[pp->interned % pp->njob];
			if (pp->cancel || (pp->interned < pp->produced &&
			    j->state == J_PARSED))
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
		j->state = J_INTERNED;
		pp->interned++;
		pthread_cond_signal(&pp->cv_done);
		pthread_mutex_unlock(&pp->mu);
	}
	return NULL;
}

/* ---- the storing side --------------------------------------------------- */

/*
 * The next parsed chunk in order, or NULL when the reader is done and all
 * are taken, or (*late set) when the monotonic time until (NULL: none)
 * has come.
 */
static struct job *
store_take(struct pipe *pp, const struct timespec *until, int *late)
{
	struct job	*j = NULL;

	*late = 0;
	pthread_mutex_lock(&pp->mu);
	for (;;) {
		if (pp->consumed < pp->produced &&
		    pp->ring[pp->consumed % pp->njob]->state == J_INTERNED) {
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

static void
store_give(struct pipe *pp, struct job *j, int cancel)
{
	pthread_mutex_lock(&pp->mu);
	j->state = J_FREE;
	pp->raw = j->raw;
	pp->consumed++;
	if (cancel) {
		pp->cancel = 1;
		wake_all(pp);
	} else
		pthread_cond_signal(&pp->cv_free);
	pthread_mutex_unlock(&pp->mu);
}

/* The size of the source, when it is a file (or stdin redirected from one). */
static int64_t
source_size(const char *name)
{
	struct stat	 sb;
	int		 rc;

	rc = strcmp(name, "-") == 0 ? fstat(STDIN_FILENO, &sb) :
	    stat(name, &sb);
	return rc == 0 && S_ISREG(sb.st_mode) ? (int64_t)sb.st_size : -1;
}

/* Give ig's tick the source so far, if its time has come; set the next. */
static void
live_tick(struct zt_ingest *ig, struct pipe *pp, const char *name,
    const struct zt_source_stats *ss, struct timespec *next, int force)
{
	struct zt_ingest_live	 lv;
	struct timespec		 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!force && (now.tv_sec < next->tv_sec || (now.tv_sec ==
	    next->tv_sec && now.tv_nsec < next->tv_nsec)))
		return;
	if (!force) {
		lv.ig = ig;
		lv.name = name;
		lv.ss = ss;
		lv.pods = zt_store_npods(ig->st);
		pthread_mutex_lock(&pp->mu);
		lv.raw = pp->raw;
		pthread_mutex_unlock(&pp->mu);
		lv.size = source_size(name);
		ig->tick(ig->tick_ctx, &lv);
		clock_gettime(CLOCK_MONOTONIC, &now);
	}
	next->tv_sec = now.tv_sec + ig->tick_ms / 1000;
	next->tv_nsec = now.tv_nsec + ig->tick_ms % 1000 * 1000000L;
	if (next->tv_nsec >= 1000000000L) {
		next->tv_sec++;
		next->tv_nsec -= 1000000000L;
	}
}

/*
 * Store one line's result (rec, and for a malformed line its first bytes
 * raw).  Returns 0, or -1 on a database error.
 */
static int
store_line(struct zt_ingest *ig, const char *name, unsigned long lineno,
    enum zt_class cls, const struct zt_rec *rec, const struct zt_recids *ids,
    struct zt_str raw, struct zt_source_stats *ss, struct zt_err *err)
{
	/* ids NULL: a record the filters left out. */
	if (rec->unjoin) {
		zt_store_count_move(ig->st, rec->pod, ZT_CLASS_JOINED, cls);
		ss->joined--;
	} else {
		zt_store_count(ig->st, rec->pod, cls);
		ss->lines++;
	}
	if (cls != ZT_CLASS_OTHER)
		ss->wraps |= 1u << rec->wrap;
	switch (cls) {
	case ZT_CLASS_JOINED:
		ss->joined++;
		return 0;
	case ZT_CLASS_RECORD:
		if (rec->fmt == ZT_FMT_JSON)
			ss->json = 1;
		else
			ss->text = 1;
		if (ids == NULL) {
			ss->filtered++;
			return 0;
		}
		ss->records++;
		if (rec->prefix.p != NULL)
			ss->prefixed++;
		if (ids->partial)
			ss->partial++;
		else {
			if (ss->timed == 0 || ids->ts_us < ss->first_us)
				ss->first_us = ids->ts_us;
			if (ss->timed == 0 || ids->ts_us > ss->last_us)
				ss->last_us = ids->ts_us;
			ss->timed++;
		}
		switch (zt_store_insert(ig->st, lineno, ids, rec->extra,
		    rec->prefix, err)) {
		case -1:
			return -1;
		case 1:
			/* Stored before, by another source: not again. */
			ss->records--;
			ss->dups++;
			return 0;
		}
		return ig->sink != NULL ? ig->sink->record(ig->sink->ctx,
		    zt_store_db(ig->st), (int64_t)lineno, ids, err) : 0;
	case ZT_CLASS_OTHER:
		ss->other++;
		ss->scoped += (uint64_t)(rec->scoped != 0);
		return 0;
	case ZT_CLASS_MALFORMED:
		ss->malformed++;
		malformed(ig, name, lineno, rec->why);
		return zt_store_reject(ig->st, lineno, rec->why, raw, err);
	}
	return 0;
}

/*
 * Store an interned chunk's items, in order: the names new in it first.
 * *at: the number of the line stored last (or whose interning failed);
 * marks: where names stood after the chunk was interned.  Returns 0 or -1.
 */
static int
store_job(struct zt_ingest *ig, const char *name, struct job *j,
    struct zt_source_stats *ss, unsigned long *at, int64_t marks[3],
    struct zt_err *err)
{
	struct item	*it;
	size_t		 k;

	if (j->fresh.n > 0 && zt_store_fresh(ig->st, j->fresh.p, j->fresh.n,
	    err) == -1)
		return -1;
	for (k = 0; k < j->nitems; k++) {
		it = &j->items[k];
		*at = it->lineno;
		if (store_line(ig, name, it->lineno, it->cls, &it->rec,
		    it->cls == ZT_CLASS_RECORD && it->dropped ? NULL : &it->ids,
		    it->raw, ss, err) == -1)
			return -1;
	}
	if (j->failed) {
		*at = j->failline;
		*err = j->err;
		return -1;
	}
	memcpy(marks, j->marks, sizeof(j->marks));
	return 0;
}

/*
 * Standard input or a named pipe that is no regular file: a stream, which
 * cannot be read again.  (A file is all or nothing: one transaction.)
 */
static int
is_stream(const char *path)
{
	struct stat	 sb;
	int		 rc;

	if (path == NULL)
		return 0;
	rc = strcmp(path, "-") == 0 ? fstat(STDIN_FILENO, &sb) :
	    stat(path, &sb);
	return rc == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode);
}

/*
 * With prev NULL: *next = now + COMMIT_MS.  Else, when now has passed
 * *prev: *next = now + COMMIT_MS and 1 (time to commit); else 0.
 */
/* The earlier of two monotonic times (NULL: none), or NULL. */
static const struct timespec *
earliest(const struct timespec *a, const struct timespec *b)
{
	if (a == NULL || b == NULL)
		return a != NULL ? a : b;
	if (a->tv_sec != b->tv_sec)
		return a->tv_sec < b->tv_sec ? a : b;
	return a->tv_nsec <= b->tv_nsec ? a : b;
}

static int
later(struct timespec *next, const struct timespec *prev)
{
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (prev != NULL && (now.tv_sec < prev->tv_sec ||
	    (now.tv_sec == prev->tv_sec && now.tv_nsec < prev->tv_nsec)))
		return 0;
	next->tv_sec = now.tv_sec + COMMIT_MS / 1000;
	next->tv_nsec = now.tv_nsec + (long)(COMMIT_MS % 1000) * 1000000L;
	if (next->tv_nsec >= 1000000000L) {
		next->tv_sec++;
		next->tv_nsec -= 1000000000L;
	}
	return prev != NULL;
}

/* The line zt_parse_flush gave at the end: interned and stored here. */
static int
flush_line(struct zt_ingest *ig, const char *name, unsigned long lineno,
    enum zt_class cls, const struct zt_rec *rec, struct zt_recids *ids,
    struct zt_buf *fresh, struct zt_source_stats *ss, struct zt_err *err)
{
	memset(ids, 0, sizeof(*ids));
	if (cls == ZT_CLASS_RECORD && !kept(ig, rec))
		ids = NULL;
	else if (cls == ZT_CLASS_RECORD) {
		ids->ts_us = rec->ts_us;
		ids->partial = rec->partial != 0;
		if (!zt_store_counting(ig->st) && (zt_store_intern(ig->st, rec,
		    ids, fresh, err) == -1 || (fresh->n > 0 &&
		    zt_store_fresh(ig->st, fresh->p, fresh->n, err) == -1)))
			return -1;
	}
	return store_line(ig, name, lineno, cls, rec, ids, (struct zt_str){
	    "", 0 }, ss, err);
}

/*
 * Parse threads: ig->threads, else one per online processor (at most 8),
 * less the one a database file's writer needs.  One: the reader parses
 * and interns, and no other thread is started (the fewest hand-overs:
 * what a two-processor machine writing a database does best).
 */
static size_t
nworkers(const struct zt_ingest *ig)
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

static void
cancel(struct pipe *pp)
{
	pthread_mutex_lock(&pp->mu);
	pp->cancel = 1;
	wake_all(pp);
	pthread_mutex_unlock(&pp->mu);
}

static void
pipe_init(struct pipe *pp, struct zt_input *in, const struct zt_srcinfo *info,
    struct zt_store *st, size_t maxline, size_t njob)
{
	pthread_condattr_t ca;
	size_t		 i;

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
	for (i = 0; i < njob; i++) {
		pp->ring[i] = zt_xcalloc(1, sizeof(*pp->ring[i]));
		zt_parser_init(&pp->ring[i]->end);
	}
	pp->in = in;
	pp->info = info;
	pp->st = st;
	pp->maxline = maxline;
	zt_parser_init(&pp->cps);
	zt_parser_source(&pp->cps, info);
	zt_parser_maxjoin(&pp->cps, maxline);
}

static void
pipe_fini(struct pipe *pp)
{
	struct ablk	*b, *nb;
	size_t		 i;

	for (i = 0; i < pp->njob; i++) {
		zt_buf_free(&pp->ring[i]->bytes);
		free(pp->ring[i]->items);
		for (b = pp->ring[i]->arena; b != NULL; b = nb) {
			nb = b->next;
			free(b);
		}
		zt_parser_fini(&pp->ring[i]->end);
		zt_buf_free(&pp->ring[i]->fresh);
		free(pp->ring[i]);
	}
	free(pp->ring);
	zt_parser_fini(&pp->cps);
	pthread_cond_destroy(&pp->cv_free);
	pthread_cond_destroy(&pp->cv_work);
	pthread_cond_destroy(&pp->cv_parsed);
	pthread_cond_destroy(&pp->cv_done);
	pthread_mutex_destroy(&pp->mu);
}

/*
 * Read one source into the current transaction.  Returns 0, -1 for an
 * input error after which what was read is still kept (ierr set), -2 for a
 * database error (err set; the caller rolls back).
 */
int
zt_ingest_read(struct zt_ingest *ig, struct zt_input *in,
    const struct zt_source *src, struct zt_source_stats *ss,
    struct zt_err *ierr, struct zt_err *err)
{
	const struct zt_srcinfo *info = &src->info;
	struct pipe	 pp;
	struct job	*j;
	struct zt_buf	 fresh = { 0 };
	struct zt_recids ids;
	struct zt_rec	 rec;
	enum zt_class	 cls;
	pthread_t	 rtid;
	pthread_t	 itid;
	pthread_t	 wtid[WORKERS_MAX];
	size_t		 nw = nworkers(ig);
	size_t		 started = 0;
	struct timespec	 next;		/* the next tick (check --follow) */
	struct timespec	 cnext;		/* the next commit (a stream) */
	unsigned long	 at = 0;		/* the line stored last */
	int64_t		 marks[3];	/* names as of the last chunk stored */
	int		 late;
	int		 dirty = 0;
	int		 saving;
	int		 rc = 0;

	pipe_init(&pp, in, info, ig->st, ig->maxline, nw + 3);
	pp.ig = ig;
	pp.inline_parse = nw == 1;
	zt_store_marks(ig->st, marks);
	/* A stream into a database file: committed as it comes, keyed. */
	saving = zt_store_durable(ig->st) && ig->sink == NULL &&
	    is_stream(src->path);
	if (saving)
		zt_store_stream(ig->st);
	/* A pipe's lines may come slowly: hand each on as it is read. */
	pp.eager = ig->eager || saving || source_size(info->name) < 0;
	if (pthread_create(&rtid, NULL, reader, &pp) != 0) {
		zt_err_set(err, "cannot start a thread");
		rc = -2;
		goto out;
	}
	if (!pp.inline_parse && pthread_create(&itid, NULL, interner,
	    &pp) != 0) {
		zt_err_set(err, "cannot start a thread");
		cancel(&pp);
		pthread_join(rtid, NULL);
		rc = -2;
		goto out;
	}
	for (started = 0; started < nw && !pp.inline_parse; started++)
		if (pthread_create(&wtid[started], NULL, worker, &pp) != 0)
			break;
	if (started == 0 && !pp.inline_parse) {
		zt_err_set(err, "cannot start a thread");
		rc = -2;
		cancel(&pp);
	}
	if (ig->tick != NULL)
		live_tick(ig, &pp, info->name, ss, &next, 1);
	if (saving)
		later(&cnext, NULL);
	for (;;) {
		j = store_take(&pp, earliest(ig->tick != NULL ? &next : NULL,
		    saving ? &cnext : NULL), &late);
		if (ig->tick != NULL && rc == 0)
			live_tick(ig, &pp, info->name, ss, &next, 0);
		if (j != NULL) {
			if (rc == 0 && store_job(ig, info->name, j, ss, &at,
			    marks, err) == -1)
				rc = -2;
			store_give(&pp, j, rc != 0);
			dirty = 1;
		}
		if (saving && later(&cnext, &cnext) && dirty && rc == 0) {
			dirty = 0;
			if (zt_store_checkpoint(ig->st, ss, marks, err) == -1) {
				rc = -2;
				cancel(&pp);
			}
		}
		if (j == NULL && !late)
			break;
	}
	pthread_join(rtid, NULL);
	if (!pp.inline_parse)
		pthread_join(itid, NULL);
	while (started > 0)
		pthread_join(wtid[--started], NULL);
	/* A split line whose end never came: classified now. */
	if (rc == 0 && zt_parse_flush(&pp.cps, &rec, &cls) &&
	    flush_line(ig, info->name, pp.read, cls, &rec, &ids, &fresh, ss,
	    err) == -1)
		rc = -2;
	if (rc == 0 && pp.rc == -1) {
		*ierr = pp.ierr;
		rc = -1;
	}
	/* A database error ends the source at its line, whatever was read on. */
	ss->read = rc == -2 && at > 0 ? at : pp.read;
	ss->gzip = zt_input_gzip(in);
	ss->bytes = zt_input_bytes(in);
	zt_input_sha256(in, ss->sha256);
	if (ig->select_err[0] != '\0')
		zt_diag_error(info->name, "%s; the records the filters could "
		    "not judge are not stored", ig->select_err);
	ig->select_err[0] = '\0';
out:
	zt_buf_free(&fresh);
	pipe_fini(&pp);
	return rc;
}

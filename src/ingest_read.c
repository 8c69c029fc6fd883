/*
 * ingest_read.c -- reading one source into the store: a reader thread
 * (input -> lines -> record) and the calling thread storing what it
 * hands over; see ingest_read.h.
 */
#include <errno.h>
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
 * Two threads per source.  The reader thread runs input -> lines -> record
 * (inflate, SHA-256, classification) and packs each line's result into a
 * batch; this thread takes the batches and runs the store.  Views cannot
 * cross threads (the line buffer moves on), so the reader copies every
 * view's bytes into the batch's arena and records spans; the store side
 * turns them back into views.  Batches travel through a small ring, so
 * memory stays bounded whatever the input size.
 */
#define NBATCH		4
#define BATCH_ITEMS	1024
#define BATCH_BYTES	(512 * 1024)
#define REJECT_TEXT	512
/*
 * A database file commits what a stream (standard input, a named pipe)
 * stored so far every COMMIT_MS of wall time while it is read
 * (zt_store_checkpoint), so that a stream cut off by a kill keeps what
 * came before the last commit.  The reader then hands over its batch
 * whenever it must read (eager), so that a slow stream's lines reach the
 * store, and the next commit, at once.
 */
#define COMMIT_MS	2000

struct span {
	uint32_t	 off;		/* UINT32_MAX: absent */
	uint32_t	 len;
};

/*
 * One line's result.  Records travel as interned ids (the reader thread
 * interns; new names go ahead of them in the batch's fresh log); only
 * the extra-fields JSON, and a malformed line's reason and text, travel
 * as bytes.
 */
struct item {
	enum zt_class	 cls;
	int		 json;		/* record in the JSON format */
	int		 unjoin;	/* replaces a ZT_CLASS_JOINED */
	int		 scoped;	/* ztunnel line of another scope */
	enum zt_lwrap	 wrap;
	unsigned long	 lineno;
	struct zt_recids ids;
	struct span	 pod;		/* counted on the store side */
	struct span	 extra;
	struct span	 prefix;
	struct span	 why;
	struct span	 raw;
};

struct batch {
	struct item	 items[BATCH_ITEMS];
	size_t		 n;
	struct zt_buf	 arena;		/* bytes the spans point into */
	struct zt_buf	 fresh;		/* rows interned in this batch */
};

struct pipe {
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	struct batch		*ring[NBATCH];
	size_t			 produced;	/* batches handed over */
	size_t			 consumed;	/* batches given back */
	int			 done;		/* reader finished */
	int			 cancel;	/* store failed: stop reading */
	int			 eager;		/* hand each line on */
	uint64_t		 raw;		/* raw bytes read, at the last
						   batch handed over */
	/* Reader side, read by the store side after done. */
	struct zt_input		*in;
	const struct zt_srcinfo	*info;		/* what the parser is told */
	struct zt_store		*st;
	size_t			 maxline;
	unsigned long		 read;		/* lines read */
	int			 rc;		/* 0; -1 input error; -2 fatal */
	struct zt_err		 ierr;
};

static struct span
pack(struct zt_buf *a, struct zt_str v)
{
	struct span	 sp = { UINT32_MAX, 0 };

	if (v.p == NULL)
		return sp;
	sp.off = (uint32_t)a->n;
	sp.len = (uint32_t)v.n;
	zt_buf_add(a, v.p, v.n);
	return sp;
}

static struct zt_str
unpack(const struct zt_buf *a, struct span sp)
{
	struct zt_str	 v = ZT_NOSTR;

	if (sp.off != UINT32_MAX) {
		v.p = a->p + sp.off;
		v.n = sp.len;
	}
	return v;
}

/* Wait for a free batch; NULL when the store side cancelled. */
static struct batch *
reader_take(struct pipe *pp)
{
	struct batch	*b;

	pthread_mutex_lock(&pp->mu);
	while (pp->produced - pp->consumed == NBATCH && !pp->cancel)
		pthread_cond_wait(&pp->cv, &pp->mu);
	b = pp->cancel ? NULL : pp->ring[pp->produced % NBATCH];
	pthread_mutex_unlock(&pp->mu);
	if (b != NULL) {
		b->n = 0;
		b->arena.n = 0;
		b->fresh.n = 0;
	}
	return b;
}

static void
reader_give(struct pipe *pp, int last)
{
	pthread_mutex_lock(&pp->mu);
	pp->raw = zt_input_raw_bytes(pp->in);
	pp->produced++;
	if (last)
		pp->done = 1;
	pthread_cond_broadcast(&pp->cv);
	pthread_mutex_unlock(&pp->mu);
}

/*
 * Pack one classified line into the batch.  Returns 0, or -1 when
 * interning failed (pp->ierr set; the item is not kept).
 */
static int
pack_item(struct pipe *pp, struct batch *b, unsigned long lineno,
    enum zt_class cls, struct zt_rec *rec, struct zt_str line)
{
	struct item	*it = &b->items[b->n++];

	it->lineno = lineno;
	it->cls = cls;
	it->wrap = rec->wrap;
	it->unjoin = rec->unjoin;
	it->scoped = cls == ZT_CLASS_OTHER && rec->scoped;
	it->pod = pack(&b->arena, rec->pod);
	if (cls == ZT_CLASS_RECORD) {
		it->json = rec->fmt == ZT_FMT_JSON;
		it->extra = pack(&b->arena, rec->extra);
		it->prefix = pack(&b->arena, rec->prefix);
		if (zt_store_counting(pp->st)) {
			memset(&it->ids, 0, sizeof(it->ids));
			it->ids.ts_us = rec->ts_us;
			it->ids.partial = rec->partial != 0;
		} else if (zt_store_intern(pp->st, rec, &it->ids, &b->fresh,
		    &pp->ierr) == -1) {
			pp->rc = -2;
			b->n--;
			return -1;
		}
	} else if (cls == ZT_CLASS_MALFORMED) {
		it->why = pack(&b->arena, (struct zt_str){ rec->why,
		    strlen(rec->why) });
		if (line.n > REJECT_TEXT)
			line.n = REJECT_TEXT;
		it->raw = pack(&b->arena, line);
	}
	return 0;
}

/*
 * A line that is two lines glued together (kubectl -f reconnects): its
 * first cut bytes, a line cut short, go into batch b as a line of their
 * own (malformed, unless they are no access line), before the rest.
 * Returns the batch to go on with (b, or the next when b is full), NULL
 * when cancelled or interning failed.
 */
static struct batch *
glued(struct pipe *pp, struct batch *b, struct zt_parser *ps,
    unsigned long lineno, struct zt_str line, size_t cut)
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
	if (pack_item(pp, b, lineno, cls, &rec, line) == -1)
		return NULL;
	if (b->n < BATCH_ITEMS)
		return b;
	reader_give(pp, 0);
	return reader_take(pp);
}

static void *
reader(void *arg)
{
	struct pipe		*pp = arg;
	struct zt_lines		 lr;
	struct zt_parser	 ps;
	struct zt_rec		 rec;
	struct zt_str		 line;
	struct batch		*b;
	enum zt_class		 cls;
	size_t			 cut;
	int			 toolong;
	int			 r = 0;

	zt_lines_init(&lr, pp->in, pp->maxline);
	zt_parser_init(&ps);
	zt_parser_source(&ps, pp->info);
	zt_parser_maxjoin(&ps, pp->maxline);
	b = reader_take(pp);
	while (b != NULL &&
	    (r = zt_lines_next(&lr, &line, &toolong, &pp->ierr)) == 1) {
		cls = zt_parse_line(&ps, line, &rec);
		if (toolong) {
			/* The pod (if any) is still credited with the line. */
			cls = ZT_CLASS_MALFORMED;
			snprintf(rec.why, sizeof(rec.why), "line too long "
			    "(over %zu bytes)", pp->maxline);
		} else if (cls != ZT_CLASS_RECORD && rec.wrap == ZT_LW_PLAIN &&
		    (cut = zt_parse_glued(line)) > 0) {
			if ((b = glued(pp, b, &ps, lr.lineno, line, cut)) ==
			    NULL)
				break;
			line.p += cut;
			line.n -= cut;
			cls = zt_parse_line(&ps, line, &rec);
		}
		if (cls == ZT_CLASS_RECORD && lr.nonl && !zt_rec_whole(&rec)) {
			cls = ZT_CLASS_MALFORMED;
			snprintf(rec.why, sizeof(rec.why), "cut off: the input "
			    "ends inside the line's fields (no newline, no %s)",
			    rec.f[ZT_F_BYTES_SENT].p != NULL ||
			    rec.f[ZT_F_BYTES_RECV].p != NULL ? "duration" :
			    "direction");
		}
		if (pack_item(pp, b, lr.lineno, cls, &rec, line) == -1)
			break;
		if (b->n == BATCH_ITEMS || b->arena.n >= BATCH_BYTES ||
		    (pp->eager && !zt_lines_ready(&lr))) {
			reader_give(pp, 0);
			b = reader_take(pp);
		}
	}
	/* A split line whose end never came: classified now. */
	if (b != NULL && pp->rc == 0 && zt_parse_flush(&ps, &rec, &cls))
		(void)pack_item(pp, b, lr.lineno, cls, &rec,
		    (struct zt_str){ "", 0 });
	pp->read = lr.lineno;
	if (b != NULL) {
		if (r == -1)
			pp->rc = -1;
		reader_give(pp, 1);
	} else {
		/* Cancelled by the store side: it still waits for "done". */
		pthread_mutex_lock(&pp->mu);
		pp->done = 1;
		pthread_cond_broadcast(&pp->cv);
		pthread_mutex_unlock(&pp->mu);
	}
	zt_parser_fini(&ps);
	zt_lines_fini(&lr);
	return NULL;
}

/*
 * Next full batch, or NULL when the reader is done and all are taken, or
 * (*late set) when the monotonic time until (NULL: none) has come.
 */
static struct batch *
store_take(struct pipe *pp, const struct timespec *until, int *late)
{
	struct batch	*b = NULL;

	*late = 0;
	pthread_mutex_lock(&pp->mu);
	while (pp->consumed == pp->produced && !pp->done && !*late) {
		if (until == NULL)
			pthread_cond_wait(&pp->cv, &pp->mu);
		else
			*late = pthread_cond_timedwait(&pp->cv, &pp->mu,
			    until) != 0;
	}
	if (pp->consumed < pp->produced) {
		b = pp->ring[pp->consumed % NBATCH];
		*late = 0;
	}
	pthread_mutex_unlock(&pp->mu);
	return b;
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

static void
store_give(struct pipe *pp, int cancel)
{
	pthread_mutex_lock(&pp->mu);
	pp->consumed++;
	if (cancel)
		pp->cancel = 1;
	pthread_cond_broadcast(&pp->cv);
	pthread_mutex_unlock(&pp->mu);
}

/* Store one line's result.  Returns 0, or -1 on a database error. */
static int
store_item(struct zt_ingest *ig, const char *name, struct batch *b,
    struct item *it, struct zt_source_stats *ss, struct zt_err *err)
{
	struct zt_str	 why;
	char		 reason[200];

	/*
	 * The pods are counted here, not on the reader thread: a
	 * checkpoint writes them while the reader goes on.
	 */
	if (it->unjoin) {
		zt_store_count_move(ig->st, unpack(&b->arena, it->pod),
		    ZT_CLASS_JOINED, it->cls);
		ss->joined--;
	} else {
		zt_store_count(ig->st, unpack(&b->arena, it->pod), it->cls);
		ss->lines++;
	}
	if (it->cls != ZT_CLASS_OTHER)
		ss->wraps |= 1u << it->wrap;
	switch (it->cls) {
	case ZT_CLASS_JOINED:
		ss->joined++;
		return 0;
	case ZT_CLASS_RECORD:
		ss->records++;
		if (it->json)
			ss->json = 1;
		else
			ss->text = 1;
		if (it->prefix.off != UINT32_MAX)
			ss->prefixed++;
		if (it->ids.partial)
			ss->partial++;
		else {
			if (ss->timed == 0 || it->ids.ts_us < ss->first_us)
				ss->first_us = it->ids.ts_us;
			if (ss->timed == 0 || it->ids.ts_us > ss->last_us)
				ss->last_us = it->ids.ts_us;
			ss->timed++;
		}
		switch (zt_store_insert(ig->st, it->lineno, &it->ids,
		    unpack(&b->arena, it->extra), unpack(&b->arena,
		    it->prefix), err)) {
		case -1:
			return -1;
		case 1:
			/* Stored before, by another source: not again. */
			ss->records--;
			ss->dups++;
			return 0;
		}
		return ig->sink != NULL ? ig->sink->record(ig->sink->ctx,
		    zt_store_db(ig->st), (int64_t)it->lineno, &it->ids, err) :
		    0;
	case ZT_CLASS_OTHER:
		ss->other++;
		ss->scoped += (uint64_t)it->scoped;
		return 0;
	case ZT_CLASS_MALFORMED:
		ss->malformed++;
		why = unpack(&b->arena, it->why);
		/* The reason is short text made by the parser: NUL-terminate. */
		snprintf(reason, sizeof(reason), "%.*s", (int)why.n, why.p);
		malformed(ig, name, it->lineno, reason);
		return zt_store_reject(ig->st, it->lineno, reason,
		    unpack(&b->arena, it->raw), err);
	}
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
	struct batch	*b;
	pthread_condattr_t ca;
	pthread_t	 tid;
	struct timespec	 next;		/* the next tick (check --follow) */
	struct timespec	 cnext;		/* the next commit (a stream) */
	size_t		 i;
	int		 late;
	int		 dirty = 0;
	int		 saving;
	int		 rc = 0;

	memset(&pp, 0, sizeof(pp));
	pthread_mutex_init(&pp.mu, NULL);
	/* Ticks wait on the monotonic clock: wall clock jumps do not count. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&pp.cv, &ca);
	pthread_condattr_destroy(&ca);
	/* A stream into a database file: committed as it comes, keyed. */
	saving = zt_store_durable(ig->st) && ig->sink == NULL &&
	    is_stream(src->path);
	if (saving)
		zt_store_stream(ig->st);
	/* A pipe's lines may come slowly: hand each on as it is read. */
	pp.eager = ig->eager || saving || source_size(info->name) < 0;
	for (i = 0; i < NBATCH; i++)
		pp.ring[i] = zt_xcalloc(1, sizeof(*pp.ring[i]));
	pp.in = in;
	pp.info = info;
	pp.st = ig->st;
	pp.maxline = ig->maxline;
	if (pthread_create(&tid, NULL, reader, &pp) != 0) {
		zt_err_set(err, "cannot start a thread");
		rc = -2;
		goto out;
	}
	if (ig->tick != NULL)
		live_tick(ig, &pp, info->name, ss, &next, 1);
	if (saving)
		later(&cnext, NULL);
	for (;;) {
		b = store_take(&pp, earliest(ig->tick != NULL ? &next : NULL,
		    saving ? &cnext : NULL), &late);
		if (ig->tick != NULL && rc == 0)
			live_tick(ig, &pp, info->name, ss, &next, 0);
		if (b != NULL) {
			if (rc == 0 && zt_store_fresh(ig->st, b->fresh.p,
			    b->fresh.n, err) == -1)
				rc = -2;
			for (i = 0; i < b->n && rc == 0; i++)
				if (store_item(ig, info->name, b,
				    &b->items[i], ss, err) == -1)
					rc = -2;
			store_give(&pp, rc != 0);
			dirty = 1;
		}
		if (saving && later(&cnext, &cnext) && dirty && rc == 0) {
			dirty = 0;
			if (zt_store_checkpoint(ig->st, ss, err) == -1) {
				rc = -2;
				pthread_mutex_lock(&pp.mu);
				pp.cancel = 1;
				pthread_cond_broadcast(&pp.cv);
				pthread_mutex_unlock(&pp.mu);
			}
		}
		if (b == NULL && !late)
			break;
	}
	pthread_join(tid, NULL);
	if (rc == 0 && pp.rc == -2) {
		*err = pp.ierr;
		rc = -2;
	} else if (rc == 0 && pp.rc == -1) {
		*ierr = pp.ierr;
		rc = -1;
	}
	ss->read = pp.read;
	ss->gzip = zt_input_gzip(in);
	ss->bytes = zt_input_bytes(in);
	zt_input_sha256(in, ss->sha256);
out:
	for (i = 0; i < NBATCH; i++) {
		zt_buf_free(&pp.ring[i]->arena);
		zt_buf_free(&pp.ring[i]->fresh);
		free(pp.ring[i]);
	}
	pthread_cond_destroy(&pp.cv);
	pthread_mutex_destroy(&pp.mu);
	return rc;
}

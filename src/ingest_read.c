/*
 * ingest_read.c -- reading one source into the store: the threads of
 * ingest_pipe.c read, parse and intern it; the calling thread stores what
 * they hand over, in input order, and commits streams as they come; see
 * ingest_read.h.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/stat.h>
#include <unistd.h>

#include "ingest.h"
#include "ingest_read.h"
#include "ingest_pipe.h"
#include "in/input.h"
#include "in/source.h"
#include "parse/record.h"
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
 * A database file commits what a stream (standard input, a named pipe)
 * stored so far every COMMIT_MS of wall time while it is read
 * (zt_store_checkpoint), so that a stream cut off by a kill keeps what
 * came before the last commit.  The reader then hands over its chunk
 * whenever it must read (eager), so that a slow stream's lines reach the
 * store, and the next commit, at once.
 */
#define COMMIT_MS	2000

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
live_tick(struct zt_ingest *ig, struct zt_pipe *pp, const char *name,
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
 * raw; samepod: its pod is that of the line stored before).  Returns 0,
 * or -1 on a database error.
 */
static int
store_line(struct zt_ingest *ig, const char *name, unsigned long lineno,
    enum zt_class cls, const struct zt_rec *rec, const struct zt_recids *ids,
    struct zt_str raw, int samepod, struct zt_source_stats *ss,
    struct zt_err *err)
{
	/* ids NULL: a record the filters left out. */
	if (rec->unjoin) {
		zt_store_count_move(ig->st, rec->pod, ZT_CLASS_JOINED, cls);
		ss->joined--;
	} else {
		if (!samepod || !zt_store_count_again(ig->st, cls))
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
store_job(struct zt_ingest *ig, const char *name, struct zt_pjob *j,
    struct zt_source_stats *ss, unsigned long *at, int64_t marks[3],
    struct zt_err *err)
{
	struct zt_pitem	*it;
	size_t		 k;
	int		 rc = 0;

	if (j->fresh.n > 0 && zt_store_fresh(ig->st, j->fresh.p, j->fresh.n,
	    err) == -1)
		return -1;
	/* The chunk's records go in by batches, all of them by its end. */
	zt_store_batch(ig->st, 1);
	for (k = 0; k < j->nitems && rc == 0; k++) {
		it = &j->items[k];
		*at = it->lineno;
		rc = store_line(ig, name, it->lineno, it->cls, &it->rec,
		    it->cls == ZT_CLASS_RECORD && it->dropped ? NULL : &it->ids,
		    it->raw, it->samepod, ss, err);
	}
	if (rc == 0)
		rc = zt_store_flush(ig->st, err);
	zt_store_batch(ig->st, 0);
	if (rc == -1)
		return -1;
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
	if (cls == ZT_CLASS_RECORD && !zt_pipe_kept(ig, rec))
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
	    "", 0 }, 0, ss, err);
}

/* A source being read: its pipeline, and where its storing stands. */
struct zt_flight {
	struct zt_pipe		 pp;
	struct zt_srcinfo	 info;		/* the source's, copied */
	char			*strs[7];	/* the copies' strings */
	struct zt_buf		 fresh;
	struct timespec		 next;		/* the next tick (check --follow) */
	struct timespec		 cnext;		/* the next commit (a stream) */
	unsigned long		 at;		/* the line stored last */
	int64_t			 marks[3];	/* names as of the last chunk
						   stored */
	int			 dirty;
	int			 saving;
	int			 rc;		/* 0, or -2: a database error */
};

/* f->info: a copy of info that lives as long as f (the threads read it). */
static void
copy_info(struct zt_flight *f, const struct zt_srcinfo *info)
{
	const char	**v[7];
	int		 i;

	f->info = *info;
	v[0] = &f->info.name;
	v[1] = &f->info.pod;
	v[2] = &f->info.ns;
	v[3] = &f->info.container;
	v[4] = &f->info.node;
	v[5] = &f->info.instance;
	v[6] = &f->info.kind;
	for (i = 0; i < 7; i++)
		if (*v[i] != NULL)
			*v[i] = f->strs[i] = zt_xstrdup(*v[i]);
}

void
zt_flight_free(struct zt_flight *f)
{
	int	 i;

	zt_buf_free(&f->fresh);
	zt_pipe_fini(&f->pp);
	for (i = 0; i < 7; i++)
		free(f->strs[i]);
	free(f);
}

/* The store's side of a source's start (after zt_store_begin). */
static void
go_store(struct zt_ingest *ig, struct zt_flight *f)
{
	zt_store_marks(ig->st, f->marks);
	if (f->saving)
		zt_store_stream(ig->st);
}

/* The first tick and commit times, from the start of storing. */
static void
go_clocks(struct zt_ingest *ig, struct zt_flight *f)
{
	if (ig->tick != NULL)
		live_tick(ig, &f->pp, f->info.name, NULL, &f->next, 1);
	if (f->saving)
		later(&f->cnext, NULL);
}

struct zt_flight *
zt_flight_start(struct zt_ingest *ig, struct zt_input *in,
    const struct zt_source *src, int parked, struct zt_err *err)
{
	struct zt_flight	*f = zt_xcalloc(1, sizeof(*f));

	copy_info(f, &src->info);
	zt_pipe_init(&f->pp, in, &f->info, ig, zt_pipe_workers(ig));
	/* A stream into a database file: committed as it comes, keyed. */
	f->saving = zt_store_durable(ig->st) && ig->sink == NULL &&
	    is_stream(src->path);
	/* A pipe's lines may come slowly: hand each on as it is read. */
	f->pp.eager = ig->eager || f->saving || source_size(f->info.name) < 0;
	/*
	 * Names as they stand before this source's first (with one parse
	 * thread, the reader interns too: taken before it starts).
	 */
	if (!parked)
		go_store(ig, f);
	if (zt_pipe_start(&f->pp, parked, err) == -1) {
		zt_flight_free(f);
		return NULL;
	}
	if (!parked)
		go_clocks(ig, f);
	return f;
}

int
zt_flight_go(struct zt_ingest *ig, struct zt_flight *f, struct zt_err *err)
{
	go_store(ig, f);
	if (zt_pipe_go(&f->pp, err) == -1)
		return -1;
	go_clocks(ig, f);
	return 0;
}

int
zt_flight_ahead(const struct zt_flight *f)
{
	return !f->pp.inline_parse;
}

void
zt_flight_cancel(struct zt_flight *f)
{
	zt_pipe_cancel(&f->pp);
	zt_pipe_join(&f->pp);
	zt_flight_free(f);
}

int
zt_flight_store(struct zt_ingest *ig, struct zt_flight *f,
    struct zt_source_stats *ss, int ahead, struct zt_err *err)
{
	struct zt_pipe	*pp = &f->pp;
	struct zt_pjob	*j;
	int		 late;

	for (;;) {
		/* The input read to its end: the rest can wait. */
		if (ahead && f->rc == 0 && zt_pipe_read_all(pp))
			return 1;
		j = zt_pipe_take(pp, earliest(ig->tick != NULL ? &f->next :
		    NULL, f->saving ? &f->cnext : NULL), &late);
		if (ig->tick != NULL && f->rc == 0)
			live_tick(ig, pp, f->info.name, ss, &f->next, 0);
		if (j != NULL) {
			if (f->rc == 0 && store_job(ig, f->info.name, j, ss,
			    &f->at, f->marks, err) == -1)
				f->rc = -2;
			zt_pipe_give(pp, j, f->rc != 0);
			f->dirty = 1;
		}
		if (f->saving && later(&f->cnext, &f->cnext) && f->dirty &&
		    f->rc == 0) {
			f->dirty = 0;
			if (zt_store_checkpoint(ig->st, ss, f->marks,
			    err) == -1) {
				f->rc = -2;
				zt_pipe_cancel(pp);
			}
		}
		if (j == NULL && !late)
			break;
	}
	return f->rc;
}

void
zt_flight_input(struct zt_flight *f, struct zt_input *in,
    struct zt_source_stats *ss)
{
	zt_pipe_reader_wait(&f->pp);
	ss->gzip = zt_input_gzip(in);
	ss->bytes = zt_input_bytes(in);
	zt_input_sha256(in, ss->sha256);
}

int
zt_flight_end(struct zt_ingest *ig, struct zt_flight *f,
    struct zt_source_stats *ss, struct zt_err *ierr, struct zt_err *err)
{
	struct zt_pipe	*pp = &f->pp;
	struct zt_recids ids;
	struct zt_rec	 rec;
	enum zt_class	 cls;
	int		 rc = f->rc;

	zt_pipe_join(pp);
	/* A split line whose end never came: classified now. */
	if (rc == 0 && zt_parse_flush(&pp->cps, &rec, &cls) &&
	    flush_line(ig, f->info.name, pp->read, cls, &rec, &ids, &f->fresh,
	    ss, err) == -1)
		rc = -2;
	if (rc == 0 && pp->rc == -1) {
		*ierr = pp->ierr;
		rc = -1;
	}
	/* A database error ends the source at its line, whatever was read on. */
	ss->read = rc == -2 && f->at > 0 ? f->at : pp->read;
	if (ig->select_err[0] != '\0')
		zt_diag_error(f->info.name, "%s; the records the filters could "
		    "not judge are not stored", ig->select_err);
	ig->select_err[0] = '\0';
	return rc;
}

const struct zt_srcinfo *
zt_flight_info(const struct zt_flight *f)
{
	return &f->info;
}

int
zt_flight_read_ok(const struct zt_flight *f)
{
	return f->pp.rc == 0;
}

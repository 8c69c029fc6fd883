/*
 * ingest.c -- see ingest.h.
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
#include "in/input.h"
#include "in/lines.h"
#include "in/source.h"
#include "parse/record.h"
#include "util/xalloc.h"

#define WARN_MAX	10

static const char *
s(uint64_t n)
{
	return n == 1 ? "" : "s";
}

void
zt_ingest_init(struct zt_ingest *ig, struct zt_store *st, size_t maxline)
{
	memset(ig, 0, sizeof(*ig));
	ig->st = st;
	ig->maxline = maxline;
	ig->warn_left = WARN_MAX;
}

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
 * (*late set) when the monotonic clock passed until first.
 */
static struct batch *
store_take(struct pipe *pp, const struct timespec *until, int *late)
{
	struct batch	*b = NULL;

	*late = 0;
	pthread_mutex_lock(&pp->mu);
	while (pp->consumed == pp->produced && !pp->done && !*late)
		*late = pthread_cond_timedwait(&pp->cv, &pp->mu, until) ==
		    ETIMEDOUT;
	if (pp->consumed < pp->produced)
		b = pp->ring[pp->consumed % NBATCH];
	pthread_mutex_unlock(&pp->mu);
	return b;
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
static int
read_source(struct zt_ingest *ig, struct zt_input *in,
    const struct zt_source *src, struct zt_source_stats *ss,
    struct zt_err *ierr, struct zt_err *err)
{
	const struct zt_srcinfo *info = &src->info;
	struct pipe	 pp;
	struct batch	*b;
	pthread_condattr_t ca;
	pthread_t	 tid;
	struct timespec	 next;
	size_t		 i;
	int		 late;
	int		 dirty = 0;
	int		 saving;
	int		 rc = 0;

	memset(&pp, 0, sizeof(pp));
	pthread_mutex_init(&pp.mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&pp.cv, &ca);
	pthread_condattr_destroy(&ca);
	/* A stream into a database file: committed as it comes, keyed. */
	saving = zt_store_durable(ig->st) && ig->sink == NULL &&
	    is_stream(src->path);
	if (saving)
		zt_store_stream(ig->st);
	pp.eager = saving;
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
	later(&next, NULL);
	while ((b = store_take(&pp, &next, &late)) != NULL || late) {
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
		if (later(&next, &next) && dirty && rc == 0 && saving) {
			dirty = 0;
			if (zt_store_checkpoint(ig->st, ss, err) == -1) {
				rc = -2;
				pthread_mutex_lock(&pp.mu);
				pp.cancel = 1;
				pthread_cond_broadcast(&pp.cv);
				pthread_mutex_unlock(&pp.mu);
			}
		}
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

static void
tally(struct zt_ingest *ig, const struct zt_source_stats *ss)
{
	ig->sources++;
	ig->lines += ss->lines;
	ig->records += ss->records;
	ig->dups += ss->dups;
	ig->other += ss->other;
	ig->malformed += ss->malformed;
	ig->joined += ss->joined;
	ig->prefixed += ss->prefixed;
	ig->partial += ss->partial;
	ig->scoped += ss->scoped;
	/* kubectl logs -l prints 10 lines a pod unless told --tail=-1 */
	if (ss->lines == 0 || ss->lines % 10 != 0 ||
	    ss->lines > 10 * (ss->pods > 50 ? ss->pods : 50))
		ig->untailed = 1;
}

/*
 * The wrapper column: what the source is (a bug-report member), then the
 * wrappers its access lines were found in, "+"-joined.
 */
static void
wrapper_name(struct zt_source_stats *ss, const struct zt_srcinfo *info)
{
	char	*o = ss->wrapper;
	size_t	 left = sizeof(ss->wrapper);
	int	 i;
	int	 n;

	ss->wrapper[0] = '\0';
	if (info->kind != NULL) {
		n = snprintf(o, left, "%s", info->kind);
		o += n;
		left -= (size_t)n;
	}
	for (i = 0; i < ZT_LW_COUNT; i++) {
		if (!(ss->wraps & 1u << i) || (i == ZT_LW_PLAIN &&
		    (info->kind != NULL || ss->wraps != 1u)))
			continue;
		n = snprintf(o, left, "%s%s", o == ss->wrapper ? "" : "+",
		    zt_lwrap_names[i]);
		if (n < 0 || (size_t)n >= left)
			break;
		o += n;
		left -= (size_t)n;
	}
}

/*
 * Sources that broke off (a truncated gzip) and may be the start of this
 * one: their lengths become checkpoints of the input's prefix hash.
 */
static int
checkpoints(struct zt_ingest *ig, struct zt_input *in,
    struct zt_unfinished **unf, size_t *n, struct zt_err *err)
{
	uint64_t	 at[ZT_INPUT_MAXPRE];
	long		 k;
	size_t		 i;

	*n = 0;
	k = zt_store_unfinished(ig->st, unf, ZT_INPUT_MAXPRE, err);
	if (k == -1)
		return -1;
	*n = (size_t)k;
	for (i = 0; i < *n; i++)
		at[i] = (*unf)[i].bytes;
	if (*n > 0)
		zt_input_checkpoints(in, at, *n);
	return 0;
}

/* Keep the prefix hashes (the input goes away): in the sha256 slot. */
static void
prefix_hashes(struct zt_input *in, struct zt_unfinished *unf, size_t n)
{
	const char	*h;
	size_t		 i;

	for (i = 0; i < n; i++) {
		h = zt_input_prefix_sha256(in, i);
		if (h == NULL || strcmp(h, unf[i].sha256) != 0)
			unf[i].bytes = 0;	/* no match */
	}
}

static void
unfinished_free(struct zt_unfinished *unf, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(unf[i].name);
	free(unf);
}

/*
 * A stored source that broke off and whose content this source starts
 * with (and goes past) is replaced by it: its records would be counted
 * twice.  An identical one is left to the duplicate check.
 */
static int
replace(struct zt_ingest *ig, const char *name, struct zt_source_stats *ss,
    struct zt_unfinished *unf, size_t n, struct zt_err *err)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (unf[i].bytes == 0 || unf[i].bytes >= ss->bytes)
			continue;
		if (zt_store_replace(ig->st, unf[i].id, name, err) == -1)
			return -1;
		zt_diag_notice(name, "replaces %s, stored before up to an "
		    "error: its %llu bytes are the start of this source",
		    unf[i].name, (unsigned long long)unf[i].bytes);
		ig->replaced++;
	}
	return 0;
}

/*
 * A source ended by a database error (rolled back to its last commit,
 * if a stream had one): what was kept of the read lines.
 */
static void
db_failed(struct zt_ingest *ig, const char *name, uint64_t read)
{
	uint64_t	 kept;

	if (zt_store_saved(ig->st, &kept)) {
		zt_diag_notice(name, "kept the %llu line%s committed before "
		    "the error (%llu read)", (unsigned long long)kept, s(kept),
		    (unsigned long long)read);
		ig->lost += read - kept;
	} else {
		zt_diag_notice(name, "nothing stored from this source (%llu "
		    "line%s read)", (unsigned long long)read, s(read));
		ig->lost += read;
	}
	ig->failed++;
}

int
zt_ingest_source(struct zt_ingest *ig, const struct zt_source *src)
{
	const char		*name = src->info.name;
	struct zt_unfinished	*unf = NULL;
	size_t			 nunf = 0;
	struct zt_input		*in;
	struct zt_source_stats	 ss;
	struct zt_err		 err;
	struct zt_err		 ierr;
	char			*dup;
	int			 r;
	int			 r2;

	if (zt_source_open(src, &in, &err) == -1) {
		zt_diag_err(&err);
		ig->failed++;
		return -1;
	}
	if (zt_store_begin(ig->st, name, &err) == -1) {
		zt_input_close(in);
		zt_diag_err(&err);
		ig->failed++;
		return -1;
	}
	memset(&ss, 0, sizeof(ss));
	ss.info = &src->info;
	if (checkpoints(ig, in, &unf, &nunf, &err) == -1) {
		zt_input_close(in);
		zt_store_abort(ig->st);
		zt_diag_err(&err);
		ig->failed++;
		return -1;
	}
	if (ig->sink != NULL)
		ig->sink->begin(ig->sink->ctx, name);
	r = read_source(ig, in, src, &ss, &ierr, &err);
	ss.pods = zt_store_npods(ig->st);
	prefix_hashes(in, unf, nunf);
	zt_input_close(in);
	if (r == -2) {
		unfinished_free(unf, nunf);
		zt_store_abort(ig->st);
		if (ig->sink != NULL)
			ig->sink->end(ig->sink->ctx, 0);
		err.file = name;
		zt_diag_err(&err);
		db_failed(ig, name, ss.read);
		return -1;
	}
	wrapper_name(&ss, &src->info);
	if (r == -1)
		ss.error = ierr.msg;
	if (replace(ig, name, &ss, unf, nunf, &err) == -1) {
		zt_store_abort(ig->st);
		unfinished_free(unf, nunf);
		if (ig->sink != NULL)
			ig->sink->end(ig->sink->ctx, 0);
		err.file = name;
		zt_diag_err(&err);
		ig->failed++;
		return -1;
	}
	unfinished_free(unf, nunf);
	r2 = zt_store_end(ig->st, &ss, &dup, &err);
	if (ig->sink != NULL)
		ig->sink->end(ig->sink->ctx, r2 == 0);
	switch (r2) {
	case 1:
		zt_diag_notice(name, "same content as %s, already in the "
		    "database; skipped", dup);
		free(dup);
		ig->skipped++;
		break;
	case -1:
		err.file = name;
		zt_diag_err(&err);
		ig->failed++;
		return -1;
	default:
		tally(ig, &ss);
		break;
	}
	if (r == -1) {
		zt_diag_err(&ierr);
		if (r2 == 0)
			zt_diag_notice(name, "kept the %llu lines read before "
			    "the error", (unsigned long long)ss.lines);
		ig->failed++;
		return -1;
	}
	return 0;
}

static int
ingest_each(void *ctx, const struct zt_source *src)
{
	return zt_ingest_source(ctx, src);
}

/*
 * Skipped files: a notice and a row each for the first NOTE_MAX of an
 * operand, then one row for the rest at its end (an archive of 100,000
 * members must not make 100,000 transactions).
 */
#define NOTE_MAX	20
#define SNIFF_LINES	1000

static void
skip_note(struct zt_ingest *ig, const char *name, const char *reason,
    uint64_t files)
{
	struct zt_err	 err;

	if (zt_store_skip(ig->st, name, reason, files, &err) == -1)
		zt_diag_err(&err);
}

/*
 * The reasons skipped in this operand, with their counts.  Files a walk
 * or an archive met by chance get a notice each (the first NOTE_MAX);
 * those an archive's layout says are no logs (a bug-report's other files,
 * its config_dump) are only counted, with one notice for all at the end.
 */
static int
quiet(const char *reason)
{
	return strncmp(reason, "bug-report", 10) == 0 ||
	    strncmp(reason, "config_dump", 11) == 0;
}

static void
ingest_skip(void *ctx, const char *name, const char *reason)
{
	struct zt_ingest	*ig = ctx;
	size_t			 i;

	ig->notread++;
	for (i = 0; i < ig->nreasons; i++)
		if (strcmp(ig->reasons[i].why, reason) == 0)
			break;
	if (i == ig->nreasons && i < ZT_INGEST_REASONS) {
		ig->reasons[i].why = reason;
		ig->reasons[i].n = 0;
		ig->nreasons++;
	}
	if (i < ig->nreasons && ig->reasons[i].n++ >= NOTE_MAX)
		return;
	if (!quiet(reason))
		zt_diag_notice(name, "skipped: %s", reason);
	skip_note(ig, name, reason, 1);
}

/*
 * A walked file or an archive member: read it when a line of its head is
 * a ztunnel line (an access line, read or not, a split line's part, or a
 * line of ztunnel's own log).  Binaries (a NUL byte in the first 8 KB),
 * READMEs and YAML are skipped.  An empty file is read (it is nothing).
 */
static int
ingest_wanted(void *ctx, const struct zt_source *src, const char *head,
    size_t n)
{
	struct zt_ingest	*ig = ctx;
	struct zt_parser	 ps;
	struct zt_rec		 rec;
	enum zt_class		 cls;
	const char		*p = head;
	const char		*end = head + n;
	const char		*nl;
	int			 lines = 0;
	int			 yes = n == 0;

	if (memchr(head, '\0', n < 8192 ? n : 8192) != NULL) {
		ingest_skip(ig, src->info.name, "binary, not a log");
		return 0;
	}
	zt_parser_init(&ps);
	zt_parser_source(&ps, &src->info);
	while (!yes && p < end && lines++ < SNIFF_LINES) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL && n == ZT_SNIFF_MAX && lines > 1)
			break;		/* cut by the head's end */
		cls = zt_parse_line(&ps, (struct zt_str){ p, (size_t)((nl !=
		    NULL ? nl : end) - p) }, &rec);
		yes = cls != ZT_CLASS_OTHER || rec.scoped;
		p = nl != NULL ? nl + 1 : end;
	}
	zt_parser_fini(&ps);
	if (!yes)
		ingest_skip(ig, src->info.name, "no ztunnel log line at its "
		    "start");
	return yes;
}

static void
ingest_inventory(void *ctx, const struct zt_srcinfo *info, const char *bytes,
    size_t n)
{
	struct zt_ingest	*ig = ctx;

	ig->inventories++;
	if (ig->inventory != NULL)
		ig->inventory(ig->inventory_ctx, info, bytes, n);
	else
		ingest_skip(ig, info->name, "config_dump (the inventory, not "
		    "read yet)");
}

int
zt_ingest_operand(struct zt_ingest *ig, const char *operand)
{
	struct zt_expand ex;
	uint64_t	 more;
	size_t		 i;
	char		 name[4200];
	int		 rc;

	memset(&ex, 0, sizeof(ex));
	ex.each = ingest_each;
	ex.wanted = ingest_wanted;
	ex.skip = ingest_skip;
	ex.inventory = ingest_inventory;
	ex.include = ig->include;
	ex.ninclude = ig->ninclude;
	ex.exclude = ig->exclude;
	ex.nexclude = ig->nexclude;
	ex.ctx = ig;
	ig->nreasons = 0;
	rc = zt_source_expand(&ex, operand);
	for (i = 0; i < ig->nreasons; i++) {
		more = ig->reasons[i].n > NOTE_MAX ? ig->reasons[i].n -
		    NOTE_MAX : 0;
		if (quiet(ig->reasons[i].why) || more > 0)
			zt_diag_notice(operand, "%llu file%s not read: %s",
			    (unsigned long long)ig->reasons[i].n,
			    s(ig->reasons[i].n), ig->reasons[i].why);
		if (more == 0)
			continue;
		snprintf(name, sizeof(name), "%s: (%llu more)", operand,
		    (unsigned long long)more);
		skip_note(ig, name, ig->reasons[i].why, more);
	}
	return rc;
}

void
zt_ingest_summary(const struct zt_ingest *ig)
{
	char	 how[96] = "";
	char	 dup[64] = "";
	char	 joined[48] = "";
	char	 lost[96] = "";
	char	 again[64] = "";

	if (ig->unwarned > 0)
		zt_diag_warn(NULL, 0, "%llu more malformed line%s not shown",
		    (unsigned long long)ig->unwarned, s(ig->unwarned));
	if (ig->prefixed > 0 || ig->partial > 0)
		snprintf(how, sizeof(how), " (%llu behind a prefix, %llu "
		    "without a head)", (unsigned long long)ig->prefixed,
		    (unsigned long long)ig->partial);
	if (ig->joined > 0)
		snprintf(joined, sizeof(joined), ", %llu joined",
		    (unsigned long long)ig->joined);
	if (ig->skipped > 0 || ig->replaced > 0)
		snprintf(dup, sizeof(dup), ig->replaced > 0 ?
		    ", %llu skipped as duplicate, %llu replaced" :
		    ", %llu skipped as duplicate",
		    (unsigned long long)ig->skipped,
		    (unsigned long long)ig->replaced);
	if (ig->lost > 0)
		snprintf(lost, sizeof(lost), "; %llu more line%s read from "
		    "sources that failed, not stored",
		    (unsigned long long)ig->lost, s(ig->lost));
	if (ig->dups > 0)
		snprintf(again, sizeof(again), " (and %llu already stored, "
		    "not stored again)", (unsigned long long)ig->dups);
	zt_diag_info("%llu source%s, %llu line%s: %llu record%s%s%s, %llu "
	    "other, %llu malformed%s%s%s", (unsigned long long)ig->sources,
	    s(ig->sources), (unsigned long long)ig->lines, s(ig->lines),
	    (unsigned long long)ig->records, s(ig->records), again, how,
	    (unsigned long long)ig->other, (unsigned long long)ig->malformed,
	    joined, dup, lost);
}

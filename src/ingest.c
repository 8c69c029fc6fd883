/*
 * ingest.c -- see ingest.h.
 */
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/stat.h>
#include <unistd.h>

#include "ingest.h"
#include "ingest_pipe.h"
#include "ingest_read.h"
#include "in/input.h"
#include "in/lines.h"
#include "in/source.h"
#include "parse/record.h"
#include "util/sig.h"
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

void
zt_ingest_fini(struct zt_ingest *ig)
{
	zt_ingest_settle(ig);
	zt_pipe_pool_free(ig);
}

static void
tally(struct zt_ingest *ig, const struct zt_source_stats *ss)
{
	ig->sources++;
	ig->lines += ss->lines;
	ig->records += ss->records;
	ig->dups += ss->dups;
	ig->filtered += ss->filtered;
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

/*
 * The filters the stored source of content sha256 was stored under
 * (sources.filters), or NULL: none (every record stored, or the match is
 * a replaced source).  A content is stored once, so one row at most.
 */
static char *
stored_filters(struct zt_ingest *ig, const char *sha256)
{
	sqlite3_stmt	*s;
	char		*f = NULL;

	if (sqlite3_prepare_v2(zt_store_db(ig->st), "SELECT filters FROM "
	    "sources WHERE sha256 = ?1 AND filters IS NOT NULL LIMIT 1", -1,
	    &s, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(s, 1, sha256, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		f = zt_xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return f;
}

/*
 * The content of source name (sha256) is stored already, as source dup.
 * Stored whole, or under this run's filters: nothing to add, skipped.
 * Under other filters: records this run would keep may be missing, and
 * storing it again would store the records both keep twice; refused,
 * an error.
 */
static void
duplicate(struct zt_ingest *ig, const char *name, const char *dup,
    const char *sha256)
{
	char	*f = stored_filters(ig, sha256);

	if (f == NULL || (ig->filters != NULL && strcmp(f, ig->filters) == 0)) {
		ig->skipped++;
		zt_diag_notice(name, "same content as %s, already in the "
		    "database%s; skipped", dup, f != NULL ? " (stored under "
		    "the same filters)" : "");
	} else {
		ig->refused++;
		zt_diag_error(name, "same content as %s, stored before with "
		    "only the records of the filters '%s': not stored again "
		    "(the records both runs keep would be stored twice); "
		    "ingest it %s into another database", dup, f,
		    ig->filters != NULL ? "under these filters" : "whole");
	}
	free(f);
}

/*
 * A source read to its end whose storing goes on while the next source is
 * read (zt_ingest_source); zt_ingest_settle finishes it.
 */
struct zt_ahead {
	struct zt_flight	*f;
	struct zt_source_stats	 ss;
	struct zt_unfinished	*unf;
	size_t			 nunf;
};

/*
 * The end of source info, read by f (NULL: its threads could not start),
 * r as zt_flight_end gave it (-2 without f): committed or rolled back,
 * and said so.  Frees f and unf.  Returns 0 or -1 (failed).
 */
static int
source_end(struct zt_ingest *ig, struct zt_flight *f,
    const struct zt_srcinfo *info, struct zt_source_stats *ss,
    struct zt_unfinished *unf, size_t nunf, int r, struct zt_err *ierr,
    struct zt_err *err)
{
	const char		*name = info->name;
	char			*dup;
	int			 r2;
	int			 rc = -1;

	ss->info = info;
	ss->pods = zt_store_npods(ig->st);
	if (r == -2) {
		zt_store_abort(ig->st);
		if (ig->sink != NULL)
			ig->sink->end(ig->sink->ctx, 0);
		err->file = name;
		zt_diag_err(err);
		db_failed(ig, name, ss->read);
		goto out;
	}
	wrapper_name(ss, info);
	if (r == -1)
		ss->error = ierr->msg;
	if (replace(ig, name, ss, unf, nunf, err) == -1) {
		zt_store_abort(ig->st);
		if (ig->sink != NULL)
			ig->sink->end(ig->sink->ctx, 0);
		err->file = name;
		zt_diag_err(err);
		ig->failed++;
		goto out;
	}
	r2 = zt_store_end(ig->st, ss, &dup, err);
	if (ig->sink != NULL)
		ig->sink->end(ig->sink->ctx, r2 == 0);
	switch (r2) {
	case 1:
		duplicate(ig, name, dup, ss->sha256);
		free(dup);
		break;
	case -1:
		err->file = name;
		zt_diag_err(err);
		ig->failed++;
		goto out;
	default:
		tally(ig, ss);
		break;
	}
	if (r == -1) {
		zt_diag_err(ierr);
		if (r2 == 0)
			zt_diag_notice(name, "kept the %llu lines read before "
			    "the error", (unsigned long long)ss->lines);
		ig->failed++;
		goto out;
	}
	rc = 0;
out:
	unfinished_free(unf, nunf);
	if (f != NULL)
		zt_flight_free(f);
	return rc;
}

static void
settle_hook(void *ctx)
{
	zt_ingest_settle(ctx);
}

void
zt_ingest_settle(struct zt_ingest *ig)
{
	struct zt_ahead	*a = ig->ahead;
	struct zt_err	 err;
	struct zt_err	 ierr;
	int		 r;

	if (a == NULL)
		return;
	ig->ahead = NULL;
	zt_diag_before(NULL, NULL);
	(void)zt_flight_store(ig, a->f, &a->ss, 0, &err);
	r = zt_flight_end(ig, a->f, &a->ss, &ierr, &err);
	(void)source_end(ig, a->f, zt_flight_info(a->f), &a->ss, a->unf,
	    a->nunf, r, &ierr, &err);
	free(a);
}

/*
 * May this source's storing go on while the next is read?  Only where
 * nothing the next source's reading needs can come of this one's end: an
 * in-memory store with no source broken off (the next needs no prefix
 * checkpoints; no stream committed as it comes), with parse threads
 * apart from the reader, when the caller allows it (not --follow).
 */
static int
may_defer(const struct zt_ingest *ig, const struct zt_flight *f)
{
	return ig->lookahead && zt_store_clean(ig->st) && zt_flight_ahead(f);
}

int
zt_ingest_source(struct zt_ingest *ig, const struct zt_source *src)
{
	const char		*name = src->info.name;
	struct zt_unfinished	*unf = NULL;
	size_t			 nunf = 0;
	struct zt_flight	*f = NULL;
	struct zt_ahead		*a;
	struct zt_input		*in;
	struct zt_source_stats	 ss;
	struct zt_err		 err;
	struct zt_err		 ierr;
	struct zt_err		 serr;		/* a start ahead's */
	int			 unstarted = 0;
	int			 r;

	if (zt_source_open(src, &in, &err) == -1) {
		zt_diag_err(&err);
		ig->failed++;
		return -1;
	}
	/* Fingerprints that no table keeps need not be SHA-256. */
	if (!zt_store_keeps_tables(ig->st))
		zt_input_fast_fingerprint(in);
	/*
	 * The source before still being stored: read and parse this one
	 * meanwhile, its names waiting for that one's commit.  When its
	 * threads cannot all start, its reader may have read on: it is not
	 * started again, it fails (below, in its turn).
	 */
	if (ig->ahead != NULL) {
		if ((f = zt_flight_start(ig, in, src, 1, &serr)) == NULL)
			unstarted = 1;
		zt_ingest_settle(ig);
	}
	if (zt_store_begin(ig->st, name, &err) == -1) {
		if (f != NULL)
			zt_flight_cancel(f);
		zt_input_close(in);
		zt_diag_err(&err);
		ig->failed++;
		return -1;
	}
	memset(&ss, 0, sizeof(ss));
	ss.info = &src->info;
	ss.filters = ig->filters;
	/*
	 * None when f runs ahead, its reading begun without any: may_defer
	 * held for the source before (the store is clean).
	 */
	if (checkpoints(ig, in, &unf, &nunf, &err) == -1) {
		if (f != NULL)
			zt_flight_cancel(f);
		zt_input_close(in);
		zt_store_abort(ig->st);
		zt_diag_err(&err);
		ig->failed++;
		return -1;
	}
	assert(f == NULL || nunf == 0);
	if (ig->sink != NULL)
		ig->sink->begin(ig->sink->ctx, name);
	if (unstarted) {
		err = serr;
		r = -2;
	} else if (f != NULL && zt_flight_go(ig, f, &err) == -1) {
		zt_flight_cancel(f);
		f = NULL;
		r = -2;
	} else if (f == NULL && (f = zt_flight_start(ig, in, src, 0,
	    &err)) == NULL)
		r = -2;
	else
		r = zt_flight_store(ig, f, &ss, may_defer(ig, f), &err);
	if (r == 1) {
		zt_flight_input(f, in, &ss);
		if (zt_flight_read_ok(f)) {
			/* Stored on while the next source is read. */
			prefix_hashes(in, unf, nunf);
			zt_input_close(in);
			a = zt_xcalloc(1, sizeof(*a));
			a->f = f;
			a->ss = ss;
			a->ss.info = zt_flight_info(f);
			a->unf = unf;
			a->nunf = nunf;
			ig->ahead = a;
			zt_diag_before(settle_hook, ig);
			return 0;
		}
		r = zt_flight_store(ig, f, &ss, 0, &err);
	} else if (f != NULL)
		zt_flight_input(f, in, &ss);
	if (f != NULL)
		r = zt_flight_end(ig, f, &ss, &ierr, &err);
	prefix_hashes(in, unf, nunf);
	zt_input_close(in);
	return source_end(ig, f, f != NULL ? zt_flight_info(f) : &src->info,
	    &ss, unf, nunf, r, &ierr, &err);
}

static int
ingest_each(void *ctx, const struct zt_source *src)
{
	/* After Ctrl-C: the sources not begun are not read (sig.h). */
	if (zt_sig_caught())
		return 0;
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

	/* Written outside a source: the one put off is finished first. */
	zt_ingest_settle(ig);
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

	if (zt_sig_caught())
		return 0;
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

	zt_ingest_settle(ig);
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
	struct stat	 sb;
	uint64_t	 more;
	size_t		 i;
	char		 name[4200];
	int		 rc;

	/*
	 * Standard input, a pipe or a device may keep its open or first
	 * read waiting: the source put off is finished first, so that its
	 * messages do not wait with it.  (Regular files and directories
	 * do not wait.)
	 */
	if (strcmp(operand, "-") == 0 || stat(operand, &sb) == -1 ||
	    (!S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode)))
		zt_ingest_settle(ig);
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
	char	 dup[96] = "";
	char	 joined[48] = "";
	char	 lost[96] = "";
	char	 again[128] = "";

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
	if (ig->refused > 0)
		snprintf(dup + strlen(dup), sizeof(dup) - strlen(dup),
		    ", %llu refused (stored before under other filters)",
		    (unsigned long long)ig->refused);
	if (ig->lost > 0)
		snprintf(lost, sizeof(lost), "; %llu more line%s read from "
		    "sources that failed, not stored",
		    (unsigned long long)ig->lost, s(ig->lost));
	if (ig->dups > 0 && ig->select != NULL)
		snprintf(again, sizeof(again), " (and %llu already stored, "
		    "not stored again; %llu left out by the filters)",
		    (unsigned long long)ig->dups,
		    (unsigned long long)ig->filtered);
	else if (ig->dups > 0)
		snprintf(again, sizeof(again), " (and %llu already stored, "
		    "not stored again)", (unsigned long long)ig->dups);
	else if (ig->select != NULL)
		snprintf(again, sizeof(again), " (and %llu left out by the "
		    "filters)", (unsigned long long)ig->filtered);
	zt_diag_info("%llu source%s, %llu line%s: %llu record%s%s%s, %llu "
	    "other, %llu malformed%s%s%s", (unsigned long long)ig->sources,
	    s(ig->sources), (unsigned long long)ig->lines, s(ig->lines),
	    (unsigned long long)ig->records, s(ig->records), again, how,
	    (unsigned long long)ig->other, (unsigned long long)ig->malformed,
	    joined, dup, lost);
}

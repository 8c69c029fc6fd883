/*
 * ingest.h -- the driver of the pipeline: operands -> sources -> lines ->
 * records -> store, with the line accounting and its diagnostics.
 *
 * Every physical line of every source is counted in exactly one class
 * (record, other, malformed, joined); the totals feed the summary line.
 */
#ifndef ZT_INGEST_H
#define ZT_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "in/source.h"
#include "store/store.h"

/*
 * Where records go besides the store (check's rules, as they are read).
 * begin/end bracket each source; end says whether the source was
 * committed (else it was rolled back: a duplicate, or a database error).
 * record runs on the thread that writes the store, after the store has
 * the record's names; returning -1 (err set) fails the source.
 */
struct zt_ingest_sink {
	void	*ctx;
	void	(*begin)(void *ctx, const char *name);
	int	(*record)(void *ctx, sqlite3 *db, int64_t line,
		    const struct zt_recids *ids, struct zt_err *err);
	void	(*end)(void *ctx, int committed);
};

#define ZT_INGEST_REASONS	16

struct zt_ingest;
struct zt_ahead;
struct zt_crew;
struct zt_pjob;
struct zt_select;

/* A source being read, for ticks: check --follow, the progress line. */
struct zt_ingest_live {
	const struct zt_ingest	*ig;	/* the sources before this one */
	const char		*name;	/* this source (NULL: none yet) */
	const struct zt_source_stats *ss;	/* its counts so far */
	uint64_t		 pods;	/* its pods so far */
	uint64_t		 raw;	/* its raw bytes read so far */
	int64_t			 size;	/* its size in bytes, or -1 */
};

struct zt_ingest {
	struct zt_store	*st;		/* borrowed */
	const struct zt_ingest_sink *sink;	/* borrowed; NULL: none */
	size_t		 maxline;	/* longest line accepted */
	int		 warn_left;	/* malformed lines still to print */
	uint64_t	 unwarned;	/* malformed lines not printed */
	uint64_t	 sources;	/* sources stored */
	uint64_t	 skipped;	/* sources skipped as duplicates */
	uint64_t	 refused;	/* duplicates stored under other
					   filters: an error */
	uint64_t	 failed;	/* sources with an error */
	uint64_t	 lines;
	uint64_t	 records;
	uint64_t	 dups;		/* records already stored by another
					   source: not stored again */
	uint64_t	 filtered;	/* records the selection left out */
	uint64_t	 other;
	uint64_t	 malformed;
	uint64_t	 joined;	/* first parts of split lines */
	uint64_t	 prefixed;	/* records behind an unknown prefix */
	uint64_t	 partial;	/* header-less records */
	uint64_t	 lost;		/* lines read from sources that failed
					   and were rolled back */
	uint64_t	 notread;	/* files and members skipped */
	uint64_t	 replaced;	/* broken-off sources replaced */
	uint64_t	 inventories;	/* bug-report config_dump members */
	struct {			/* files skipped in this operand */
		const char	*why;
		uint64_t	 n;
	}		 reasons[16];
	size_t		 nreasons;
	/* Globs for walks and archives (see struct zt_expand). */
	const char *const *include;
	size_t		 ninclude;
	const char *const *exclude;
	size_t		 nexclude;
	/*
	 * Where a bug-report's config_dump members go (the inventory of
	 * issue 8); NULL: they are noted as skipped.  bytes are valid
	 * during the call only.
	 */
	void		(*inventory)(void *ctx, const struct zt_srcinfo *info,
			    const char *bytes, size_t n);
	void		*inventory_ctx;
	/*
	 * Live work: tick runs on the storing thread every tick_ms of wall
	 * time while a source is read, also while its input is quiet (NULL:
	 * never).  eager hands each line on as soon as it is read, not by
	 * the batch (a stream whose lines come slowly).
	 */
	void		(*tick)(void *ctx, const struct zt_ingest_live *lv);
	void		*tick_ctx;
	int64_t		 tick_ms;
	int		 eager;
	int		 threads;	/* parse workers; 0: one a processor */
	int		 interrupted;	/* reading stopped on a signal */
	/*
	 * ingest's record filters (select.h; NULL: none): a record they do
	 * not keep is counted (filtered) and not stored, nor passed to the
	 * sink; filters is their text (zt_select_text), kept with each
	 * source so that its content read again under other filters is not
	 * taken for a duplicate.
	 */
	const struct zt_select *select;
	const char	*filters;
	char		 select_err[256];	/* a record they could not
					   judge (this source), or "" */
	uint64_t	 scoped;	/* other lines of ztunnel's own log */
	int		 untailed;	/* some source is no kubectl -l
					   capture of 10 lines a pod */
	/*
	 * The pipeline's chunks, kept from one source to the next
	 * (ingest_pipe.c): many small sources do not each map and fault in
	 * fresh buffers.
	 */
	struct zt_pjob	*pool[32];
	size_t		 npool;
	/* The pipeline's threads, kept likewise (util/crew.h). */
	struct zt_crew	*crew;
	/*
	 * lookahead: a source read to its end may be stored on while the
	 * next one is read and parsed (ahead: that source, until
	 * zt_ingest_settle), where nothing the next one's reading needs
	 * depends on its end (ingest.c, may_defer).
	 */
	int		 lookahead;
	struct zt_ahead	*ahead;
};

void	zt_ingest_init(struct zt_ingest *ig, struct zt_store *st,
	    size_t maxline);
/*
 * Finish the source whose storing was put off (lookahead), if any: call
 * before anything that needs every source stored (a summary, a query).
 * Any diagnostic does it first too, so messages keep their order.
 */
void	zt_ingest_settle(struct zt_ingest *ig);
/*
 * Release what ig keeps between sources (settled first); its counts stay
 * readable.
 */
void	zt_ingest_fini(struct zt_ingest *ig);
/*
 * Ingest one operand: each of the sources it expands into (see
 * zt_source_expand: "-" for stdin, a file, a directory walked
 * recursively), in order.  Problems are reported through diag and raise
 * the exit status; returns 0 when all went well, -1 otherwise.
 */
int	zt_ingest_operand(struct zt_ingest *ig, const char *operand);
/*
 * Ingest one source (src borrowed for the call): open it, parse its lines
 * with its info as their context, store it as one transaction, or skip
 * it as a duplicate of stored content.  Returns as zt_ingest_operand.
 */
int	zt_ingest_source(struct zt_ingest *ig, const struct zt_source *src);
/* Print the summary line (and the count of unprinted warnings). */
void	zt_ingest_summary(const struct zt_ingest *ig);
/*
 * When no access record was read: what was seen instead, in the input's
 * own terms ("3 lines of ztunnel's own log ...", "1 input could not be
 * read", "30 lines, 10 a pod: ... --tail=-1"), into b[size].
 */
void	zt_ingest_why_none(const struct zt_ingest *ig, char *b, size_t size);

#endif

/*
 * ingest_pipe.h -- ingest's inside: the threads that read, parse and
 * intern one source and hand its chunks of lines, in input order, to the
 * thread that stores them (ingest_read.c).
 *
 * ingest -> ingest_read -> [ingest_pipe]
 * ingest -> [ingest_pipe]         (zt_ingest_fini: the chunks kept)
 */
#ifndef ZT_INGEST_PIPE_H
#define ZT_INGEST_PIPE_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "ingest.h"
#include "parse/record.h"
#include "store/store.h"

struct zt_input;

/*
 * Threads per source.  A reader runs input -> lines (inflate,
 * fingerprint, the cut into lines) and copies lines into chunks; parse
 * threads classify the chunks' lines, several chunks at a time, each into
 * the chunk's own items; an interner takes the chunks in input order and
 * gives their records' names ids, so that ids, and everything after, are
 * the same with any number of parse threads; the storing thread
 * (ingest_read.c) takes them in the same order.  With one parse thread
 * the reader parses and interns each chunk itself and no other starts.
 *
 * The one state a line leaves for the next is a split line's first parts
 * (CRI P lines): a parse thread starts each chunk without any.  When the
 * chunks before one ended inside a split line, the interner parses that
 * chunk again with the parts carried over (zt_parser_carry).
 *
 * A record's views point into the chunk's lines, which stay put until
 * the chunk is stored, or else (decoded values, the parser's buffers) into
 * the chunk's arena, whose blocks never move.  Chunks travel through a
 * ring of twice the parse threads + 6 (at most 16), so memory stays
 * bounded whatever the input.
 * Each role waits on its own condition variable.
 */
#define CHUNK_LINES	1024
#define CHUNK_BYTES	(512 * 1024)
#define WORKERS_MAX	8
/* A block of a chunk's arena; blocks never move, so views stay valid. */
struct zt_ablk {
	struct zt_ablk	*next;
	size_t		 used;
	size_t		 size;
	char		 p[];
};
#define ABLK	(64 * 1024)

/* One line of a chunk. */
struct zt_pline {
	uint32_t	 off;
	uint32_t	 len;
	unsigned long	 lineno;
	unsigned char	 toolong;	/* cut at the cap */
	unsigned char	 nonl;		/* the input ended in it */
};

/* One line's result (two for a glued line). */
struct zt_pitem {
	enum zt_class	 cls;
	unsigned long	 lineno;
	struct zt_rec	 rec;
	struct zt_str	 raw;		/* malformed: the line's first bytes */
	int		 dropped;	/* a record ingest's filters leave out */
	int		 samepod;	/* of the pod of the item before it */
	struct zt_recids ids;		/* a record's, once interned */
};

enum zt_jstate { ZT_J_FREE, ZT_J_FILLED, ZT_J_PARSING, ZT_J_PARSED, ZT_J_INTERNED };

struct zt_pjob {
	enum zt_jstate	 state;
	/* The reader's. */
	struct zt_buf	 bytes;
	struct zt_pline	 lines[CHUNK_LINES];
	size_t		 nlines;
	uint64_t	 raw;		/* raw bytes read when handed over */
	/* The worker's. */
	struct zt_pitem	*items;		/* a line's, two for a glued one */
	size_t		 nitems;
	size_t		 citems;
	struct zt_ablk	*arena;		/* copied views; first block */
	struct zt_ablk	*cur;		/* the block being filled */
	int		 pending;	/* ended inside a split line ... */
	struct zt_parser end;		/* ... whose parts are here */
	/* The interner's. */
	struct zt_buf	 fresh;		/* rows interned in this chunk */
	int		 failed;	/* interning failed at items[nitems] */
	int64_t		 marks[3];	/* zt_store_marks after it */
	unsigned long	 failline;	/* its line */
	struct zt_err	 err;
};

struct zt_pipe {
	pthread_mutex_t		 mu;
	/* Each waits on its own: no thundering herd per chunk. */
	pthread_cond_t		 cv_free;	/* the reader: a free chunk */
	pthread_cond_t		 cv_work;	/* workers: a filled chunk */
	pthread_cond_t		 cv_parsed;	/* the interner */
	pthread_cond_t		 cv_done;	/* the storing thread */
	struct zt_pjob		**ring;
	size_t			 njob;
	size_t			 produced;	/* chunks filled */
	size_t			 claimed;	/* chunks taken by workers */
	size_t			 interned;	/* chunks interned */
	size_t			 consumed;	/* chunks given back */
	int			 done;		/* reader finished */
	int			 cancel;	/* store failed: stop reading */
	int			 eager;		/* hand each line on */
	int			 parked;	/* no interner yet: the reader
						   stops at PARK_MAX chunks */
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
	/* The threads: jobs of ig's crew (util/crew.h). */
	int			 rjob;
	int			 ijob;
	int			 wjob[WORKERS_MAX];
	size_t			 nw;		/* parse threads asked for */
	size_t			 started;	/* parse threads running */
	int			 running;	/* reader and interner too */
};

/* Parse threads for ig: ig->threads, else one a processor (see .c). */
size_t	zt_pipe_workers(const struct zt_ingest *ig);
/* Set pp up to read in (info) for ig with nw parse threads. */
void	zt_pipe_init(struct zt_pipe *pp, struct zt_input *in,
	    const struct zt_srcinfo *info, struct zt_ingest *ig, size_t nw);
/*
 * Start the threads: 0, or -1 with err set (none left running).  parked:
 * not the interner, which zt_pipe_go starts (the store is still busy
 * with the source before: names must wait for its commit); the first
 * PARK_MAX chunks are read and parsed meanwhile.
 */
int	zt_pipe_start(struct zt_pipe *pp, int parked, struct zt_err *err);
/* Start a parked interner: 0, or -1 with err set (then cancel and join). */
int	zt_pipe_go(struct zt_pipe *pp, struct zt_err *err);
/* 1 when the reader has handed its last chunk on (the input is read). */
int	zt_pipe_read_all(struct zt_pipe *pp);
/* Wait for the reader to return; the input is no longer used. */
void	zt_pipe_reader_wait(struct zt_pipe *pp);
/* Wait for the threads to end (after the last chunk, or a cancel). */
void	zt_pipe_join(struct zt_pipe *pp);
void	zt_pipe_fini(struct zt_pipe *pp);
/*
 * The next interned chunk in input order, or NULL when the reader is done
 * and all are taken (or it was cancelled), or (*late set) when the
 * monotonic time until (NULL: none) has come.
 */
struct zt_pjob *zt_pipe_take(struct zt_pipe *pp, const struct timespec *until,
	    int *late);
/* Give chunk j back once stored; cancel: stop reading. */
void	zt_pipe_give(struct zt_pipe *pp, struct zt_pjob *j, int cancel);
void	zt_pipe_cancel(struct zt_pipe *pp);
/* Free the chunks and threads ig keeps between sources (zt_ingest_fini). */
void	zt_pipe_pool_free(struct zt_ingest *ig);
/* Do ig's record filters keep rec?  (A record they cannot judge: no.) */
int	zt_pipe_kept(struct zt_ingest *ig, const struct zt_rec *rec);

#endif

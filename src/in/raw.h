/*
 * raw.h -- raw bytes with their first bytes read ahead, what they are,
 * the globs (raw.c), and the archives read out of them (archive.c).
 *
 * Internal to in/.  What a stream is must be told from its first bytes
 * (gzip, tar, zip, zstd, ...: the content, not the name), on a pipe too,
 * so they are read ahead into head and handed out again before the rest.
 */
#ifndef ZT_RAW_H
#define ZT_RAW_H

#include <stddef.h>

#include "in/input.h"
#include "in/source.h"

#define ZT_PEEK		ZT_SNIFF_MAX

struct zt_raw {
	long	(*read)(void *ctx, void *buf, size_t n, struct zt_err *err);
	void	(*close)(void *ctx);	/* NULL: nothing to close */
	void	*ctx;
	/*
	 * NULL, or 1 when a stream (a pipe, a terminal) has no more bytes
	 * ready now: the read-ahead then stops at a whole line instead of
	 * waiting for ZT_PEEK bytes that may come much later (--follow).
	 */
	int	(*quiet)(void *ctx);
	const char *name;		/* for diagnostics; borrowed */
	unsigned char *head;		/* the first bytes (owned) */
	size_t	 nhead;
	size_t	 off;			/* of head handed out again */
	int	 ended;			/* read said 0 or -1 */
};

/* Read ahead up to ZT_PEEK bytes into r->head.  0, or -1 with err set. */
int	zt_raw_peek(struct zt_raw *r, struct zt_err *err);
/* The bytes: the head again, then the rest.  As zt_reader's read. */
long	zt_raw_read(void *r, void *buf, size_t n, struct zt_err *err);
/* Free the head and close (r itself is the caller's). */
void	zt_raw_free(struct zt_raw *r);

/* What the first bytes say a stream is. */
enum zt_rawkind {
	ZT_RAW_PLAIN,		/* text, or anything else */
	ZT_RAW_GZIP,		/* gzip around no tar: a compressed log */
	ZT_RAW_ARCHIVE,		/* tar (perhaps gzip'd), zip */
	ZT_RAW_PACKED		/* zstd, xz, bzip2: libarchive tells */
};
enum zt_rawkind zt_raw_kind(const unsigned char *head, size_t n);

/*
 * The start of a gzip stream inflated into out[max] (as much as head
 * holds): the count, 0 if it does not inflate.
 */
size_t	zt_gunzip_head(const unsigned char *head, size_t n, char *out,
	    size_t max);

/*
 * Hand out the sources of the archive (or packed file) in raw, named
 * name (the operand, or "OUTER:member" one level down): see source.h.
 * depth is 0 for an operand, 1 inside an archive.  walked: a packed file
 * met in a walk is asked for with ex->wanted.  Returns 0, or -1 when
 * part of it could not be read or a source failed.
 */
int	zt_archive_expand(const struct zt_expand *ex, const char *name,
	    struct zt_raw *raw, int depth, int walked);

/*
 * The source of a stream read as it is (a file, a member, a packed
 * file): ask ex->wanted if asked to (with the head decompressed if it
 * is gzip), then hand it to ex->each, its opener reading raw.  info:
 * what is known (name set).  Returns what each returned (0 or -1), 1
 * when ex->wanted said no.
 */
int	zt_raw_source(const struct zt_expand *ex, const struct zt_srcinfo *info,
	    const char *path, struct zt_raw *raw, int ask);

/* Does path (relative to the walk or the archive) pass the globs? */
int	zt_expand_wants(const struct zt_expand *ex, const char *path);

#endif

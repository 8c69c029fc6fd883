/*
 * input.h -- the bytes of a source: a file, standard input, or whatever a
 * reader supplies (an archive member), plain or gzip.
 *
 * sources -> [input] -> lines -> parse -> store
 *
 * One path for everything: the raw bytes are recognised as gzip by their
 * magic bytes (so it works on pipes) and inflated, anything else passes
 * through.  Concatenated gzip members are read as one stream.  Every byte
 * handed out is also fed to a SHA-256 of the content, which is how ingest
 * recognises content it has already stored.
 */
#ifndef ZT_INPUT_H
#define ZT_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "util/diag.h"

struct zt_input;

/* Call first thing in main: notes whether standard input is closed. */
void	zt_input_init(void);
/* 1 if standard input was closed when ztlog started. */
int	zt_input_stdin_closed(void);

/*
 * Open path, or standard input when path is "-".  path is also what
 * diagnostics call the input; it is borrowed and must outlive the input.
 * Returns 0, or -1 with err set (nothing to close).
 */
int	zt_input_open(struct zt_input **out, const char *path,
	    struct zt_err *err);

/*
 * Raw bytes from somewhere else than a file descriptor (an archive
 * member, memory).  read stores up to n bytes at buf and returns their
 * count, 0 at the end, or -1 with err set; it is not called again after
 * 0 or -1.  close, if not NULL, runs once, from zt_input_close().
 */
struct zt_reader {
	void	*ctx;
	long	(*read)(void *ctx, void *buf, size_t n, struct zt_err *err);
	void	(*close)(void *ctx);
};

/*
 * An input over r's bytes (copied; ctx borrowed until zt_input_close),
 * gzip or plain as for a file.  name is what diagnostics call it
 * (borrowed, must outlive the input).  Never fails.
 */
struct zt_input *zt_input_new(const char *name, const struct zt_reader *r);

/*
 * Read up to n decompressed bytes into buf.  Returns the count, 0 at the
 * end of the data, or -1 with err set: unreadable file, truncated or
 * corrupt gzip.  After -1 the input stays at its end; bytes returned
 * before it remain valid content.
 */
long	zt_input_read(struct zt_input *in, char *buf, size_t n,
	    struct zt_err *err);

/* 1 if the source was gzip-compressed (known after the first read). */
int	zt_input_gzip(const struct zt_input *in);
/* Decompressed bytes read so far. */
uint64_t zt_input_bytes(const struct zt_input *in);
/* Raw (compressed) bytes read so far, for progress against a file's size. */
uint64_t zt_input_raw_bytes(const struct zt_input *in);
/*
 * Hex SHA-256 of all bytes read, into out[65]: call once, at the end.
 * After zt_input_fast_fingerprint: "xxh3-" and 32 hex digits instead.
 */
void	zt_input_sha256(struct zt_input *in, char out[65]);
/*
 * Fingerprint the content (and its prefixes) with XXH3-128 under a seed
 * drawn at random for the process, instead of SHA-256: for a run whose
 * fingerprints are compared with each other and never kept (check,
 * stats without a database), some 15 times cheaper.  The seed makes a
 * collision of two crafted inputs a guess.  Call before the first read.
 */
void	zt_input_fast_fingerprint(struct zt_input *in);
/*
 * Also hash the first at[i] bytes, for each of n offsets (at most
 * ZT_INPUT_MAXPRE): how ingest recognises content that extends what an
 * earlier source held before it broke off.  Call before the first read.
 */
#define ZT_INPUT_MAXPRE	16
void	zt_input_checkpoints(struct zt_input *in, const uint64_t *at,
	    size_t n);
/* Hex SHA-256 of the first at[i] bytes, or NULL if fewer were read. */
const char *zt_input_prefix_sha256(const struct zt_input *in, size_t i);
/* Close and free; never fails (stdin is left open). */
void	zt_input_close(struct zt_input *in);

#endif

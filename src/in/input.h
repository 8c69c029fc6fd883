/*
 * input.h -- a source of bytes: a file or standard input, plain or gzip.
 *
 * input -> lines -> record -> store
 *
 * One path for everything: the descriptor goes through gzdopen(), which
 * recognises gzip by its magic bytes (so it works on pipes) and passes
 * anything else through.  Concatenated gzip members are read as one
 * stream.  Every byte handed out is also fed to a SHA-256 of the content,
 * which is how ingest recognises content it has already stored.
 */
#ifndef ZT_INPUT_H
#define ZT_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "util/diag.h"

struct zt_input;

/* Call first thing in main: notes whether standard input is closed. */
void	zt_input_init(void);

/*
 * Open path, or standard input when path is "-".  name is what
 * diagnostics call the source; it is borrowed and must outlive the input.
 * Returns 0, or -1 with err set (nothing to close).
 */
int	zt_input_open(struct zt_input **out, const char *path,
	    struct zt_err *err);

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
/* Hex SHA-256 of all bytes read, into out[65]: call once, at the end. */
void	zt_input_sha256(struct zt_input *in, char out[65]);
/* Close and free; never fails (stdin is left open). */
void	zt_input_close(struct zt_input *in);

#endif

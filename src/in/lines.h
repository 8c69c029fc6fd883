/*
 * lines.h -- bytes to physical lines, without copying.
 *
 * input -> [lines] -> record -> store
 *
 * Reads the input in large chunks into one owned buffer and hands out
 * views of the lines in it (memchr for '\n', a trailing '\r' dropped).
 * A view is valid until the next zt_lines_next().  A line longer than the
 * cap is returned once, flagged, as a view of its first bytes; the rest of
 * it is skipped without being kept, so memory stays bounded by the cap
 * whatever the input.
 */
#ifndef ZT_LINES_H
#define ZT_LINES_H

#include <stddef.h>

#include "util/diag.h"
#include "in/input.h"
#include "util/str.h"

struct zt_lines {
	struct zt_input	*in;		/* borrowed */
	char		*buf;		/* owned */
	size_t		 size;		/* allocated bytes of buf */
	size_t		 start;		/* first unconsumed byte */
	size_t		 len;		/* bytes of buf holding data */
	size_t		 maxline;	/* longest line accepted */
	unsigned long	 lineno;	/* number of the last line returned */
	int		 eof;		/* input exhausted */
	int		 skipping;	/* discarding the rest of a long line */
	int		 err;		/* input error seen, reported next */
	int		 nonl;		/* the line returned last had no
					   newline: the input ended in it */
	struct zt_err	 saved;		/* that error */
};

/* Prepare to read lines of at most maxline bytes from in. */
void	zt_lines_init(struct zt_lines *lr, struct zt_input *in, size_t maxline);
void	zt_lines_fini(struct zt_lines *lr);

/*
 * Next line into *line.  *toolong is set to 1 when the line was longer than
 * the cap (line then holds its first bytes).  Returns 1 for a line, 0 at
 * the end, -1 with err set on an input error (lines returned before it
 * were complete and valid; a partial last line before the damage is still
 * returned first, then the error).
 */
int	zt_lines_next(struct zt_lines *lr, struct zt_str *line, int *toolong,
	    struct zt_err *err);
/* 1 if zt_lines_next() can answer without reading (it may block). */
int	zt_lines_ready(const struct zt_lines *lr);

#endif

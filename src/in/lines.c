/*
 * lines.c -- see lines.h.
 */
#include <stdlib.h>
#include <string.h>

#include "in/lines.h"
#include "util/xalloc.h"

#define CHUNK	(256 * 1024)

void
zt_lines_init(struct zt_lines *lr, struct zt_input *in, size_t maxline)
{
	memset(lr, 0, sizeof(*lr));
	lr->in = in;
	lr->maxline = maxline;
	lr->size = CHUNK * 2;
	lr->buf = zt_xmalloc(lr->size);
}

void
zt_lines_fini(struct zt_lines *lr)
{
	free(lr->buf);
	lr->buf = NULL;
}

/*
 * Move the unconsumed tail to the front and read more behind it.  The
 * buffer grows only while a single line needs it, up to maxline + CHUNK.
 * Returns bytes read, 0 at end, -1 on error.
 */
static long
fill(struct zt_lines *lr, struct zt_err *err)
{
	long	 got;
	size_t	 keep;

	keep = lr->len - lr->start;
	if (lr->start > 0) {
		memmove(lr->buf, lr->buf + lr->start, keep);
		lr->start = 0;
		lr->len = keep;
	}
	if (lr->size - lr->len < CHUNK) {
		lr->size = lr->len + CHUNK;
		lr->buf = zt_xrealloc(lr->buf, lr->size);
	}
	got = zt_input_read(lr->in, lr->buf + lr->len, lr->size - lr->len, err);
	if (got > 0)
		lr->len += (size_t)got;
	return got;
}

static void
emit(struct zt_lines *lr, struct zt_str *line, size_t n, size_t adv)
{
	line->p = lr->buf + lr->start;
	line->n = n;
	if (n > 0 && line->p[n - 1] == '\r')
		line->n--;
	lr->start += adv;
	lr->lineno++;
	lr->nonl = 0;
}

int
zt_lines_next(struct zt_lines *lr, struct zt_str *line, int *toolong,
    struct zt_err *err)
{
	char	*nl;
	size_t	 avail;
	long	 got;

	*toolong = 0;
	for (;;) {
		avail = lr->len - lr->start;
		nl = memchr(lr->buf + lr->start, '\n', avail);
		if (lr->skipping) {
			if (nl != NULL) {
				lr->start = (size_t)(nl - lr->buf) + 1;
				lr->skipping = 0;
				continue;
			}
			lr->start = lr->len;
		} else if (nl != NULL) {
			avail = (size_t)(nl - (lr->buf + lr->start));
			/* The cap is on the content: a CR before LF is free. */
			if (avail - (avail > 0 && nl[-1] == '\r') > lr->maxline) {
				*toolong = 1;
				emit(lr, line, lr->maxline, avail + 1);
				return 1;
			}
			emit(lr, line, avail, avail + 1);
			return 1;
		} else if (avail > lr->maxline + 1) {
			/* Report the long line now; drop the rest unread. */
			*toolong = 1;
			lr->skipping = 1;
			emit(lr, line, lr->maxline, avail);
			return 1;
		}
		if (lr->eof || lr->err) {
			if (lr->len > lr->start && !lr->skipping) {
				avail = lr->len - lr->start;
				if (avail - (lr->buf[lr->len - 1] == '\r') >
				    lr->maxline) {
					*toolong = 1;
					emit(lr, line, lr->maxline, avail);
					return 1;
				}
				emit(lr, line, avail, avail);
				lr->nonl = 1;
				return 1;
			}
			if (lr->err) {
				lr->err = 0;
				lr->eof = 1;
				*err = lr->saved;
				return -1;
			}
			return 0;
		}
		/*
		 * The previous view may point into the buffer; fill() moves
		 * it.  That is allowed: views die at the next call.
		 */
		got = fill(lr, &lr->saved);
		if (got == 0)
			lr->eof = 1;
		else if (got < 0)
			lr->err = 1;
	}
}

int
zt_lines_ready(const struct zt_lines *lr)
{
	return lr->eof || lr->err || memchr(lr->buf + lr->start, '\n',
	    lr->len - lr->start) != NULL;
}

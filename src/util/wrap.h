/*
 * wrap.h -- text made to fit a terminal's width: lines wrapped at word
 * boundaries, cells cut with an ellipsis.
 *
 * util, under: report (text, lb, pairs), output (tables), cli
 *
 * The text is what ztlog prints, already escaped for a terminal
 * (escape.h): UTF-8, one column per character, and perhaps SGR colour
 * sequences (ESC [ ... m), which take no column.
 */
#ifndef ZT_WRAP_H
#define ZT_WRAP_H

#include <stddef.h>
#include <stdio.h>

/* Columns s[0..n) takes on a terminal. */
size_t	zt_wrap_cols(const char *s, size_t n);
/*
 * The length in bytes of the longest start of s[0..n) that takes at
 * most cols columns (whole characters, colour sequences kept).
 */
size_t	zt_wrap_cut(const char *s, size_t n, size_t cols);
/*
 * Write s[0..n) to f, each line that is wider than width wrapped at its
 * spaces; a continuation line is indented as far as the text after the
 * line's last gap of two spaces or more (in the first half of the
 * width) ("FAIL   hbone  text", an
 * option and its help), else by the line's own indentation (plus 4 when
 * it is under 8), at most half the width.  A word wider than the room left is
 * cut.  width 0: copied as it is.
 */
void	zt_wrap_fput(FILE *f, const char *s, size_t n, size_t width);
/* The same with every continuation line indented by hang (0: as above). */
void	zt_wrap_hang(FILE *f, const char *s, size_t n, size_t width,
	    size_t hang);
/*
 * Write s[0..n) to f in at most cols columns: cut, with "…" as the last
 * column, when it is wider; pad with spaces to cols when pad is set.
 */
void	zt_wrap_cell(FILE *f, const char *s, size_t n, size_t cols, int pad);

#endif

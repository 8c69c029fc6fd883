/*
 * wrap.c -- see wrap.h.
 */
#include <string.h>

#include "util/wrap.h"

/* Bytes of the colour sequence at s (ESC [ params m), or 0. */
static size_t
sgr(const char *s, size_t n)
{
	size_t	 i;

	if (n < 2 || s[0] != '\033' || s[1] != '[')
		return 0;
	for (i = 2; i < n; i++) {
		if (s[i] == 'm')
			return i + 1;
		if (!((s[i] >= '0' && s[i] <= '9') || s[i] == ';'))
			return 0;
	}
	return 0;
}

/* Bytes of the character at s: an escape sequence, or one UTF-8 char. */
static size_t
step(const char *s, size_t n, int *cols)
{
	size_t	 k = sgr(s, n);

	if (k > 0) {
		*cols = 0;
		return k;
	}
	*cols = 1;
	for (k = 1; k < n && ((unsigned char)s[k] & 0xc0) == 0x80; k++)
		;
	return k;
}

size_t
zt_wrap_cols(const char *s, size_t n)
{
	size_t	 i = 0;
	size_t	 w = 0;
	int	 c;

	while (i < n) {
		i += step(s + i, n - i, &c);
		w += (size_t)c;
	}
	return w;
}

size_t
zt_wrap_cut(const char *s, size_t n, size_t cols)
{
	size_t	 i = 0;
	size_t	 w = 0;
	size_t	 k;
	int	 c;

	while (i < n) {
		k = step(s + i, n - i, &c);
		if (w + (size_t)c > cols)
			break;
		w += (size_t)c;
		i += k;
	}
	return i;
}

/* One line (no '\n') of s, wrapped. */
static void
wrap_line(FILE *f, const char *s, size_t n, size_t width, size_t fixed)
{
	size_t	 ind = strspn(s, " ");
	size_t	 hang;
	size_t	 room = width;
	size_t	 lead = 0;	/* columns written on this output line */
	size_t	 cut;
	size_t	 sp;
	int	 first = 1;

	if (ind > n)
		ind = n;
	hang = ind >= 8 ? ind : ind + 4;	/* already a continuation */
	if (hang >= width / 2)
		hang = width / 2;
	/*
	 * A line of columns ("FAIL   hbone    text"): hang at the text after
	 * its last gap of two spaces in the first half of the width.
	 */
	for (sp = ind; sp + 2 < n; sp++) {
		if (s[sp] != ' ' || s[sp + 1] != ' ')
			continue;
		while (sp < n && s[sp] == ' ')
			sp++;
		if (sp >= n || zt_wrap_cols(s, sp) >= width / 2)
			break;
		hang = zt_wrap_cols(s, sp);
	}
	if (fixed > 0 && fixed < width / 2)
		hang = fixed;
	while (n > 0) {
		if (!first) {
			fprintf(f, "%*s", (int)hang, "");
			lead = hang;
			while (n > 0 && *s == ' ') {
				s++;
				n--;
			}
			if (n == 0)
				break;
		}
		room = width > lead ? width - lead : 1;
		if (zt_wrap_cols(s, n) <= room) {
			fwrite(s, 1, n, f);
			break;
		}
		cut = zt_wrap_cut(s, n, room);
		/* The last space within the room, past the indentation. */
		for (sp = cut; sp > 0 && s[sp] != ' '; sp--)
			;
		if (sp > (first ? ind : 0) && s[sp] == ' ')
			cut = sp;
		if (cut == 0)
			cut = zt_wrap_cut(s, n, room + 1);	/* at least a char */
		if (cut == 0)
			cut = 1;
		for (sp = cut; sp > 0 && s[sp - 1] == ' '; sp--)
			;
		fwrite(s, 1, sp > 0 ? sp : cut, f);
		putc('\n', f);
		s += cut;
		n -= cut;
		first = 0;
	}
}

void
zt_wrap_hang(FILE *f, const char *s, size_t n, size_t width, size_t hang)
{
	const char	*nl;
	size_t		 len;

	if (width == 0) {
		fwrite(s, 1, n, f);
		return;
	}
	while (n > 0) {
		nl = memchr(s, '\n', n);
		len = nl != NULL ? (size_t)(nl - s) : n;
		if (zt_wrap_cols(s, len) <= width)
			fwrite(s, 1, len, f);
		else
			wrap_line(f, s, len, width, hang);
		if (nl == NULL)
			break;
		putc('\n', f);
		s += len + 1;
		n -= len + 1;
	}
}

void
zt_wrap_fput(FILE *f, const char *s, size_t n, size_t width)
{
	zt_wrap_hang(f, s, n, width, 0);
}

void
zt_wrap_cell(FILE *f, const char *s, size_t n, size_t cols, int pad)
{
	size_t	 w = zt_wrap_cols(s, n);
	size_t	 cut;

	if (w > cols) {
		if (cols == 0)
			return;
		cut = zt_wrap_cut(s, n, cols - 1);
		fwrite(s, 1, cut, f);
		fputs("\xe2\x80\xa6", f);
		w = zt_wrap_cols(s, cut) + 1;
	} else
		fwrite(s, 1, n, f);
	if (pad && w < cols)
		fprintf(f, "%*s", (int)(cols - w), "");
}

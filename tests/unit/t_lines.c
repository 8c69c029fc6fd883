/*
 * t_lines.c -- zt_lines_next() over zt_input sources: real files in a
 * private temporary directory (mkdtemp + mkstemp), plain and gzip, and a
 * pipe on standard input.
 *
 * Test plan:
 *   t_lines-1.*  line ends: LF, CRLF (only the CR before the LF dropped),
 *                a last line without a newline (and one ending in a bare
 *                CR), empty lines, an empty file; lineno counts lines.
 *   t_lines-2.*  the cap: a line over it comes back once, flagged, as its
 *                first maxline bytes, and the next line is intact; a line
 *                exactly at the cap is not flagged (also at EOF, and when
 *                the cap is larger than a read chunk); a 4 MB line with no
 *                newline keeps the buffer far below its size; a CRLF line
 *                whose text is exactly at the cap is not flagged (2.5,
 *                fails: see the case).
 *   t_lines-3.*  volume: about 2 MB of lines of varying length cross
 *                every chunk boundary; count and every byte checked, plain
 *                and gzip.
 *   t_lines-4.*  gzip: one member (zt_input_gzip() says so, sizes and
 *                hashes are of the decompressed bytes), two members with a
 *                line split across them, a stream cut in its trailer (all
 *                lines, then -1 "truncated"), a stream cut in its middle
 *                (a prefix of the lines, the last possibly partial, then
 *                -1 "truncated"), a bad CRC (-1 "corrupt gzip stream:
 *                incorrect data check", no "<fd:N>" prefix from zlib),
 *                gzip on a pipe as standard input.
 *   t_lines-5.*  zt_input: bytes and SHA-256 of "abc\n" and of nothing;
 *                a missing file fails to open with the path in err.
 *   t_lines-5.3  the fast fingerprint (check): same content, same print;
 *                a prefix's print is that of the content it starts with
 *   t_lines-6.*  zt_input_new over a reader (what archive members will
 *                use): plain bytes a few at a time, gzip a byte at a
 *                time (same lines, sizes and hash as from a file), a
 *                reader error after some bytes (the lines before it,
 *                then -1 with the reader's message), a truncated gzip
 *                named by the input's name; close runs once and the
 *                reader is never asked again after its end or error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "in/input.h"
#include "in/lines.h"
#include "tt.h"

#define MAXL	16
#define MAXF	64

static char	 dir[512];
static char	*files[MAXF];
static int	 nfiles;

/* What reading a whole source gave. */
struct got {
	int		 n;		/* lines returned */
	char		*line[MAXL];	/* copies of the first MAXL */
	size_t		 len[MAXL];
	int		 toolong[MAXL];
	int		 rc;		/* last zt_lines_next(); -2: no open */
	char		 msg[512];
	const char	*errfile;
	unsigned long	 lineno;
	uint64_t	 bytes;
	char		 sha[65];
	int		 gzip;
	size_t		 size;		/* lr.size at the end */
};

static const char *
newpath(void)
{
	char	*p;
	int	 fd;

	if (nfiles == MAXF)
		abort();
	p = malloc(strlen(dir) + 16);
	if (p == NULL)
		abort();
	sprintf(p, "%s/in.XXXXXX", dir);
	fd = mkstemp(p);
	if (fd == -1) {
		perror("t_lines: mkstemp");
		exit(1);
	}
	close(fd);
	files[nfiles++] = p;
	return p;
}

static const char *
write_plain(const void *p, size_t n)
{
	const char	*path = newpath();
	FILE		*f = fopen(path, "wb");

	if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		perror("t_lines: write");
		exit(1);
	}
	return path;
}

/* Write (mode "wb") or append a member (mode "ab") of gzip data. */
static void
gz_to(const char *path, const char *mode, const void *p, size_t n)
{
	gzFile	 gz = gzopen(path, mode);

	if (gz == NULL || (n > 0 && gzwrite(gz, p, (unsigned)n) != (int)n) ||
	    gzclose(gz) != Z_OK) {
		fprintf(stderr, "t_lines: gzip write failed\n");
		exit(1);
	}
}

static const char *
write_gz(const void *p, size_t n)
{
	const char	*path = newpath();

	gz_to(path, "wb", p, n);
	return path;
}

/* The bytes of a file, malloc'd. */
static char *
slurp_file(const char *path, size_t *n)
{
	FILE	*f = fopen(path, "rb");
	char	*p;
	long	 sz;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0) {
		perror("t_lines: read back");
		exit(1);
	}
	rewind(f);
	p = malloc((size_t)sz + 1);
	if (p == NULL || fread(p, 1, (size_t)sz, f) != (size_t)sz)
		abort();
	fclose(f);
	*n = (size_t)sz;
	return p;
}

static void
got_free(struct got *g)
{
	int	 i;

	for (i = 0; i < g->n && i < MAXL; i++)
		free(g->line[i]);
}

static void
read_input(struct zt_input *in, size_t maxline, struct got *g)
{
	struct zt_lines	 lr;
	struct zt_err	 err;
	struct zt_str	 l;
	int		 tl, r;

	zt_lines_init(&lr, in, maxline);
	while ((r = zt_lines_next(&lr, &l, &tl, &err)) == 1) {
		if (g->n < MAXL) {
			g->line[g->n] = malloc(l.n + 1);
			if (g->line[g->n] == NULL)
				abort();
			memcpy(g->line[g->n], l.p, l.n);
			g->len[g->n] = l.n;
			g->toolong[g->n] = tl;
		}
		g->n++;
	}
	g->rc = r;
	if (r == -1) {
		snprintf(g->msg, sizeof(g->msg), "%s", err.msg);
		g->errfile = err.file;
	}
	g->lineno = lr.lineno;
	g->size = lr.size;
	g->bytes = zt_input_bytes(in);
	zt_input_sha256(in, g->sha);
	g->gzip = zt_input_gzip(in);
	zt_lines_fini(&lr);
}

static void
read_path(const char *path, size_t maxline, struct got *g)
{
	struct zt_input	*in;
	struct zt_err	 err;

	memset(g, 0, sizeof(*g));
	if (zt_input_open(&in, path, &err) == -1) {
		g->rc = -2;
		snprintf(g->msg, sizeof(g->msg), "%s", err.msg);
		return;
	}
	read_input(in, maxline, g);
	zt_input_close(in);
}

/* Line i of g is s, flagged toolong or not. */
static void
line_is(const struct got *g, int i, const char *s, int toolong, int at)
{
	tt_checks++;
	if (i >= g->n || g->len[i] != strlen(s) ||
	    memcmp(g->line[i], s, g->len[i]) != 0 || g->toolong[i] != toolong) {
		tt_failed++;
		if (i < g->n)
			fprintf(stderr, "%s:%d: line %d is \"%.*s\" (toolong "
			    "%d), want \"%s\" (%d)\n", __FILE__, at, i,
			    (int)g->len[i], g->line[i], g->toolong[i], s,
			    toolong);
		else
			fprintf(stderr, "%s:%d: only %d lines, want line %d\n",
			    __FILE__, at, g->n, i);
	}
}

#define LINE(g, i, s)		line_is((g), (i), (s), 0, __LINE__)
#define LONGLINE(g, i, s)	line_is((g), (i), (s), 1, __LINE__)

/* t_lines-1.1 */
static void
lines_split_on_lf(void)
{
	struct got	 g;

	read_path(write_plain("a\nbb\n\nccc\n", 10), 100, &g);
	TT_EQ_INT(g.n, 4);
	LINE(&g, 0, "a");
	LINE(&g, 1, "bb");
	LINE(&g, 2, "");
	LINE(&g, 3, "ccc");
	TT_EQ_INT(g.rc, 0);
	TT_EQ_INT(g.lineno, 4);
	TT_EQ_INT(g.bytes, 10);
	TT_EQ_INT(g.gzip, 0);
	got_free(&g);
}

/* t_lines-1.2 */
static void
lines_crlf_drops_only_the_final_cr(void)
{
	static const char	 s[] = "a\r\nbb\r\n\r\nx\ry\r\nz\r\r\n";
	struct got		 g;

	read_path(write_plain(s, sizeof(s) - 1), 100, &g);
	TT_EQ_INT(g.n, 5);
	LINE(&g, 0, "a");
	LINE(&g, 1, "bb");
	LINE(&g, 2, "");
	LINE(&g, 3, "x\ry");
	LINE(&g, 4, "z\r");
	TT_EQ_INT(g.rc, 0);
	got_free(&g);
}

/* t_lines-1.3 */
static void
lines_last_line_without_newline(void)
{
	struct got	 g;

	read_path(write_plain("a\nlast", 6), 100, &g);
	TT_EQ_INT(g.n, 2);
	LINE(&g, 0, "a");
	LINE(&g, 1, "last");
	TT_EQ_INT(g.rc, 0);
	TT_EQ_INT(g.lineno, 2);
	got_free(&g);

	read_path(write_plain("abc\r", 4), 100, &g);
	TT_EQ_INT(g.n, 1);
	LINE(&g, 0, "abc");
	got_free(&g);
}

/* t_lines-1.4 */
static void
lines_empty_lines_and_empty_file(void)
{
	struct got	 g;

	read_path(write_plain("", 0), 100, &g);
	TT_EQ_INT(g.n, 0);
	TT_EQ_INT(g.rc, 0);
	TT_EQ_INT(g.lineno, 0);
	got_free(&g);

	read_path(write_plain("\n", 1), 100, &g);
	TT_EQ_INT(g.n, 1);
	LINE(&g, 0, "");
	got_free(&g);

	read_path(write_plain("\n\n\n", 3), 100, &g);
	TT_EQ_INT(g.n, 3);
	LINE(&g, 0, "");
	LINE(&g, 2, "");
	TT_EQ_INT(g.lineno, 3);
	got_free(&g);
}

/* t_lines-2.1 */
static void
lines_over_the_cap_flagged_and_cut(void)
{
	static const char	 s[] = "short\n0123456789ABCDEF\nnext\n";
	struct got		 g;

	read_path(write_plain(s, sizeof(s) - 1), 10, &g);
	TT_EQ_INT(g.n, 3);
	LINE(&g, 0, "short");
	LONGLINE(&g, 1, "0123456789");
	LINE(&g, 2, "next");
	TT_EQ_INT(g.rc, 0);
	TT_EQ_INT(g.lineno, 3);
	got_free(&g);
}

/* t_lines-2.2 */
static void
lines_exactly_at_the_cap(void)
{
	static const char	 s[] = "0123456789\n01234567890\n";
	struct got		 g;

	read_path(write_plain(s, sizeof(s) - 1), 10, &g);
	TT_EQ_INT(g.n, 2);
	LINE(&g, 0, "0123456789");
	LONGLINE(&g, 1, "0123456789");
	got_free(&g);

	/* The same at the end of the input, without a newline. */
	read_path(write_plain("0123456789", 10), 10, &g);
	TT_EQ_INT(g.n, 1);
	LINE(&g, 0, "0123456789");
	got_free(&g);
	read_path(write_plain("01234567890", 11), 10, &g);
	TT_EQ_INT(g.n, 1);
	LONGLINE(&g, 0, "0123456789");
	TT_EQ_INT(g.rc, 0);
	got_free(&g);
}

/*
 * t_lines-2.5: lines.h defines a line as the view with its trailing '\r'
 * dropped and flags lines "longer than the cap"; a CRLF line whose text
 * is exactly maxline bytes is not longer, and must come back like the
 * same line ending in LF.  Fails against src/lines.c as of this writing:
 * the CR is counted against the cap, so the line is flagged (and ingest
 * would count it malformed, "line too long") though it is complete.
 */
static void
lines_crlf_line_exactly_at_the_cap(void)
{
	static const char	 s[] = "0123456789\r\n0123456789A\r\nz\r\n";
	struct got		 g;

	read_path(write_plain(s, sizeof(s) - 1), 10, &g);
	TT_EQ_INT(g.n, 3);
	LINE(&g, 0, "0123456789");
	LONGLINE(&g, 1, "0123456789");
	LINE(&g, 2, "z");
	got_free(&g);
}

/* Fill p[0..n) with a pattern that shows misplaced bytes. */
static void
pattern(char *p, size_t n, unsigned seed)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		p[i] = (char)('a' + (i * 7 + seed) % 26);
}

/* t_lines-2.3 */
static void
lines_long_lines_across_chunks(void)
{
	const size_t	 big = 600000, cap = 300000;
	char		*buf, *want;
	struct got	 g;
	int		 ok;

	buf = malloc(big + 64);
	want = malloc(big);
	if (buf == NULL || want == NULL)
		abort();

	/* Over the cap by far, newline long after the cut. */
	pattern(buf, big, 1);
	memcpy(buf + big, "\nafter\n", 7);
	read_path(write_plain(buf, big + 7), 1000, &g);
	TT_EQ_INT(g.n, 2);
	TT_EQ_INT(g.toolong[0], 1);
	TT_EQ_INT(g.len[0], 1000);
	TT_CHECK(g.n >= 1 && memcmp(g.line[0], buf, 1000) == 0);
	LINE(&g, 1, "after");
	TT_EQ_INT(g.lineno, 2);
	got_free(&g);

	/* Exactly at a cap larger than one read chunk: whole, unflagged. */
	pattern(buf, cap, 2);
	memcpy(buf + cap, "\ntail\n", 6);
	read_path(write_plain(buf, cap + 6), cap, &g);
	TT_EQ_INT(g.n, 2);
	TT_EQ_INT(g.toolong[0], 0);
	TT_EQ_INT(g.len[0], cap);
	ok = g.n >= 1 && g.len[0] == cap && memcmp(g.line[0], buf, cap) == 0;
	TT_CHECK(ok);
	LINE(&g, 1, "tail");
	got_free(&g);

	/* One byte more: flagged, first cap bytes. */
	pattern(buf, cap + 1, 3);
	memcpy(buf + cap + 1, "\ntail\n", 6);
	memcpy(want, buf, cap);
	read_path(write_plain(buf, cap + 7), cap, &g);
	TT_EQ_INT(g.n, 2);
	TT_EQ_INT(g.toolong[0], 1);
	ok = g.n >= 1 && g.len[0] == cap && memcmp(g.line[0], want, cap) == 0;
	TT_CHECK(ok);
	LINE(&g, 1, "tail");
	got_free(&g);

	free(buf);
	free(want);
}

/* t_lines-2.4 */
static void
lines_huge_line_keeps_memory_bounded(void)
{
	const size_t	 n = 4u << 20;
	char		*buf = malloc(n + 3);
	struct got	 g;

	if (buf == NULL)
		abort();
	memcpy(buf, "ok\n", 3);
	pattern(buf + 3, n, 4);
	read_path(write_plain(buf, n + 3), 1000, &g);
	TT_EQ_INT(g.n, 2);
	LINE(&g, 0, "ok");
	TT_EQ_INT(g.toolong[1], 1);
	TT_EQ_INT(g.len[1], 1000);
	TT_CHECK(g.n >= 2 && memcmp(g.line[1], buf + 3, 1000) == 0);
	TT_EQ_INT(g.rc, 0);
	TT_EQ_INT(g.bytes, n + 3);
	TT_CHECK(g.size <= (1u << 20));
	got_free(&g);
	free(buf);
}

/* The i-th generated line, into p; returns its length. */
static size_t
gen_line(char *p, int i)
{
	int	 n, k, pad = (i * 37) % 211;

	n = sprintf(p, "line %07d ", i);
	for (k = 0; k < pad; k++)
		p[n + k] = (char)('a' + (i + k) % 26);
	return (size_t)(n + pad);
}

static char *
gen_lines(int count, size_t *len)
{
	char	*buf = malloc((size_t)count * 232);
	size_t	 n = 0;
	int	 i;

	if (buf == NULL)
		abort();
	for (i = 0; i < count; i++) {
		n += gen_line(buf + n, i);
		if (i % 5 == 0)		/* some CRLF line ends too */
			buf[n++] = '\r';
		buf[n++] = '\n';
	}
	*len = n;
	return buf;
}

static void
check_generated(const char *path, int count, int at)
{
	struct zt_input	*in;
	struct zt_lines	 lr;
	struct zt_err	 err;
	struct zt_str	 l;
	char		 want[256];
	size_t		 n;
	int		 tl, r, i = 0, bad = 0, flagged = 0;

	tt_checks++;
	if (zt_input_open(&in, path, &err) == -1) {
		tt_failed++;
		fprintf(stderr, "%s:%d: %s\n", __FILE__, at, err.msg);
		return;
	}
	zt_lines_init(&lr, in, 4096);
	while ((r = zt_lines_next(&lr, &l, &tl, &err)) == 1) {
		n = gen_line(want, i);
		if (l.n != n || memcmp(l.p, want, n) != 0)
			bad++;
		flagged += tl;
		i++;
	}
	if (r != 0 || i != count || bad != 0 || flagged != 0 ||
	    lr.lineno != (unsigned long)count) {
		tt_failed++;
		fprintf(stderr, "%s:%d: rc %d, %d lines (want %d), %d wrong, "
		    "%d flagged\n", __FILE__, at, r, i, count, bad, flagged);
	}
	zt_lines_fini(&lr);
	zt_input_close(in);
}

/* t_lines-3.1 */
static void
lines_two_megabytes_across_chunks(void)
{
	const int	 count = 20000;
	size_t		 n;
	char		*buf = gen_lines(count, &n);

	TT_CHECK(n > (2u << 20));
	check_generated(write_plain(buf, n), count, __LINE__);
	check_generated(write_gz(buf, n), count, __LINE__);
	free(buf);
}

/* t_lines-4.1 */
static void
gzip_one_member(void)
{
	static const char	 s[] = "one\ntwo\r\nthree";
	struct got		 g;

	read_path(write_gz(s, sizeof(s) - 1), 100, &g);
	TT_EQ_INT(g.gzip, 1);
	TT_EQ_INT(g.n, 3);
	LINE(&g, 0, "one");
	LINE(&g, 1, "two");
	LINE(&g, 2, "three");
	TT_EQ_INT(g.rc, 0);
	TT_EQ_INT(g.bytes, sizeof(s) - 1);
	got_free(&g);

	/* Hash and size are of the content, not the compressed bytes. */
	read_path(write_gz("abc\n", 4), 100, &g);
	TT_EQ_INT(g.gzip, 1);
	TT_EQ_INT(g.bytes, 4);
	TT_EQ_STR(g.sha,
	    "edeaaff3f1774ad2888673770c6d64097e391bc362d7d6fb34982ddf0efd18cb");
	got_free(&g);
}

/* t_lines-4.2 */
static void
gzip_two_members_read_as_one_stream(void)
{
	const char	*path = newpath();
	struct got	 g;

	gz_to(path, "wb", "one\ntw", 6);
	gz_to(path, "ab", "o\nthree\n", 8);
	read_path(path, 100, &g);
	TT_EQ_INT(g.gzip, 1);
	TT_EQ_INT(g.n, 3);
	LINE(&g, 0, "one");
	LINE(&g, 1, "two");
	LINE(&g, 2, "three");
	TT_EQ_INT(g.rc, 0);
	TT_EQ_INT(g.bytes, 14);
	got_free(&g);
}

/* A gzip file of 1000 lines "line NNNN", cut to keep bytes. */
static const char *
gz_cut(size_t keep_less, size_t *full)
{
	char		 text[10000 + 1], *z;	/* + snprintf's NUL */
	const char	*path;
	size_t		 n;
	int		 i;

	for (i = 0; i < 1000; i++)
		snprintf(text + i * 10, 11, "line %04d\n", i);
	path = write_gz(text, sizeof(text) - 1);
	z = slurp_file(path, &n);
	*full = n;
	path = write_plain(z, keep_less <= n ? n - keep_less : 0);
	free(z);
	return path;
}

/* t_lines-4.3 */
static void
gzip_truncated_in_trailer(void)
{
	struct zt_input	*in;
	struct zt_lines	 lr;
	struct zt_err	 err;
	struct zt_str	 l;
	char		 want[24];
	size_t		 full;
	const char	*path = gz_cut(4, &full);
	int		 tl, r, i = 0, bad = 0;

	TT_EQ_INT(zt_input_open(&in, path, &err), 0);
	zt_lines_init(&lr, in, 100);
	while ((r = zt_lines_next(&lr, &l, &tl, &err)) == 1) {
		snprintf(want, sizeof(want), "line %04d", i++);
		if (!zt_str_eq(l, want, 9))
			bad++;
	}
	TT_EQ_INT(i, 1000);
	TT_EQ_INT(bad, 0);
	TT_EQ_INT(r, -1);
	TT_CHECK(strstr(err.msg, "truncated") != NULL);
	TT_CHECK(err.file == path);
	zt_lines_fini(&lr);
	zt_input_close(in);
}

/* t_lines-4.4 */
static void
gzip_truncated_in_the_middle(void)
{
	struct zt_input	*in;
	struct zt_lines	 lr;
	struct zt_err	 err;
	struct zt_str	 l;
	char		 want[24];
	size_t		 full;
	const char	*path;
	int		 tl, r, i = 0, bad = 0, partial = 0;

	gz_cut(0, &full);
	path = gz_cut(full / 2, &full);
	TT_EQ_INT(zt_input_open(&in, path, &err), 0);
	zt_lines_init(&lr, in, 100);
	/* Every line complete, except that the last may be cut short. */
	while ((r = zt_lines_next(&lr, &l, &tl, &err)) == 1) {
		if (partial)
			bad++;
		snprintf(want, sizeof(want), "line %04d", i++);
		if (l.n > 9 || memcmp(l.p, want, l.n) != 0 || tl)
			bad++;
		if (l.n < 9)
			partial = 1;
	}
	TT_CHECK(i > 10 && i < 1000);
	TT_EQ_INT(bad, 0);
	TT_EQ_INT(r, -1);
	TT_CHECK(strstr(err.msg, "truncated") != NULL);
	TT_CHECK(err.file == path);
	zt_lines_fini(&lr);
	zt_input_close(in);
}

/* t_lines-4.5 */
static void
gzip_bad_crc_is_corrupt(void)
{
	struct got	 g;
	char		*z;
	size_t		 n;
	const char	*path;

	path = write_gz("abc\ndef\n", 8);
	z = slurp_file(path, &n);
	z[n - 8] ^= 0x55;		/* first byte of the CRC-32 */
	path = write_plain(z, n);
	free(z);
	read_path(path, 100, &g);
	/*
	 * zlib's gzread() drops what it inflated in the call that meets the
	 * bad check value, so how many of the lines come first depends on
	 * its buffering; those that do must be right.
	 */
	TT_CHECK(g.n <= 2);
	TT_CHECK(g.n < 1 ||
	    (g.len[0] == 3 && memcmp(g.line[0], "abc", 3) == 0));
	TT_CHECK(g.n < 2 ||
	    (g.len[1] == 3 && memcmp(g.line[1], "def", 3) == 0));
	TT_EQ_INT(g.rc, -1);
	TT_EQ_STR(g.msg, "corrupt gzip stream: incorrect data check");
	TT_CHECK(strstr(g.msg, "<fd:") == NULL);
	TT_CHECK(g.errfile == path);
	got_free(&g);
}

/* t_lines-4.6 */
static void
gzip_on_a_pipe_as_stdin(void)
{
	struct zt_input	*in;
	struct zt_err	 err;
	struct got	 g;
	char		*z;
	size_t		 n;
	int		 fds[2], saved;

	z = slurp_file(write_gz("piped one\npiped two\n", 20), &n);
	if (pipe(fds) == -1 || (size_t)write(fds[1], z, n) != n) {
		perror("t_lines: pipe");
		exit(1);
	}
	free(z);
	close(fds[1]);
	saved = dup(STDIN_FILENO);
	dup2(fds[0], STDIN_FILENO);
	close(fds[0]);

	memset(&g, 0, sizeof(g));
	TT_EQ_INT(zt_input_open(&in, "-", &err), 0);
	read_input(in, 100, &g);
	zt_input_close(in);

	dup2(saved, STDIN_FILENO);
	close(saved);
	TT_EQ_INT(g.gzip, 1);
	TT_EQ_INT(g.n, 2);
	LINE(&g, 0, "piped one");
	LINE(&g, 1, "piped two");
	TT_EQ_INT(g.rc, 0);
	TT_EQ_INT(g.bytes, 20);
	got_free(&g);
}

/* t_lines-5.1 */
static void
input_bytes_and_sha256(void)
{
	struct got	 g;

	read_path(write_plain("abc\n", 4), 100, &g);
	TT_EQ_INT(g.bytes, 4);
	TT_EQ_STR(g.sha,
	    "edeaaff3f1774ad2888673770c6d64097e391bc362d7d6fb34982ddf0efd18cb");
	got_free(&g);

	read_path(write_plain("", 0), 100, &g);
	TT_EQ_INT(g.bytes, 0);
	TT_EQ_STR(g.sha,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	got_free(&g);
}

/* Fast fingerprint of path, whole and of its first `at` bytes. */
static void
fast_fp(const char *path, uint64_t at, char whole[65], char pre[65])
{
	struct zt_input	*in;
	struct zt_err	 err;
	char		 buf[7];
	const char	*p;

	pre[0] = '\0';
	if (zt_input_open(&in, path, &err) == -1) {
		whole[0] = '\0';
		return;
	}
	zt_input_fast_fingerprint(in);
	zt_input_checkpoints(in, &at, 1);
	/* Small reads: the digest must not depend on how bytes arrive. */
	while (zt_input_read(in, buf, sizeof(buf), &err) > 0)
		;
	if ((p = zt_input_prefix_sha256(in, 0)) != NULL)
		snprintf(pre, 65, "%s", p);
	zt_input_sha256(in, whole);
	zt_input_close(in);
}

/* t_lines-5.3 */
static void
input_fast_fingerprint(void)
{
	char	 a[65], b[65], c[65], pa[65], pb[65], pc[65];

	fast_fp(write_plain("line one\nline two\n", 18), 9, a, pa);
	fast_fp(write_plain("line one\nline two\n", 18), 100, b, pb);
	fast_fp(write_plain("line one\n", 9), 9, c, pc);
	/* "xxh3-" and 32 hex digits; the same content, the same. */
	TT_EQ_INT(strlen(a), 37);
	TT_CHECK(strncmp(a, "xxh3-", 5) == 0);
	TT_EQ_STR(a, b);
	/* A prefix's fingerprint is that of the content it starts with. */
	TT_EQ_STR(pa, c);
	TT_EQ_STR(pb, "");		/* never reached */
	TT_CHECK(strcmp(a, c) != 0);
	/* Gzip or not, the content decides. */
	fast_fp(write_gz("line one\n", 9), 0, b, pb);
	TT_EQ_STR(b, c);
}

/* t_lines-5.2 */
static void
input_missing_file(void)
{
	struct zt_input	*in = NULL;
	struct zt_err	 err;
	char		 path[600];

	snprintf(path, sizeof(path), "%s/does-not-exist", dir);
	TT_EQ_INT(zt_input_open(&in, path, &err), -1);
	TT_CHECK(err.file == path);
	TT_EQ_STR(err.msg, "cannot open: No such file or directory");
}

/* A reader over memory: at most step bytes a call, failing at fail_at. */
struct memrd {
	const char	*p;
	size_t		 n;
	size_t		 off;
	size_t		 step;
	size_t		 fail_at;	/* 0: never */
	int		 ended;		/* returned 0 or -1 */
	int		 late;		/* calls after that */
	int		 closed;
};

static long
mem_read(void *ctx, void *buf, size_t n, struct zt_err *err)
{
	struct memrd	*m = ctx;
	size_t		 k;

	if (m->ended)
		m->late++;
	if (m->fail_at > 0 && m->off == m->fail_at) {
		m->ended = 1;
		return zt_err_at(err, "memory", 0, 0, "reader broke");
	}
	k = m->n - m->off;
	if (m->fail_at > 0 && k > m->fail_at - m->off)
		k = m->fail_at - m->off;
	if (k > n)
		k = n;
	if (k > m->step)
		k = m->step;
	memcpy(buf, m->p + m->off, k);
	m->off += k;
	if (k == 0)
		m->ended = 1;
	return (long)k;
}

static void
mem_close(void *ctx)
{
	((struct memrd *)ctx)->closed++;
}

static void
read_mem(struct memrd *m, const char *name, struct got *g)
{
	struct zt_reader r = { m, mem_read, mem_close };
	struct zt_input	*in;

	memset(g, 0, sizeof(*g));
	in = zt_input_new(name, &r);
	read_input(in, 100, g);
	zt_input_close(in);
}

/* t_lines-6.1 */
static void
reader_plain_a_few_bytes_at_a_time(void)
{
	static const char	 s[] = "abc\none\r\ntwo";
	struct memrd		 m = { s, sizeof(s) - 1, 0, 3, 0, 0, 0, 0 };
	struct got		 g;

	read_mem(&m, "mem.log", &g);
	TT_EQ_INT(g.rc, 0);
	TT_EQ_INT(g.n, 3);
	LINE(&g, 0, "abc");
	LINE(&g, 1, "one");
	LINE(&g, 2, "two");
	TT_EQ_INT(g.gzip, 0);
	TT_EQ_INT(g.bytes, sizeof(s) - 1);
	TT_EQ_INT(m.closed, 1);
	TT_EQ_INT(m.late, 0);
	got_free(&g);
}

/* t_lines-6.2 */
static void
reader_gzip_a_byte_at_a_time(void)
{
	static const char	 s[] = "abc\n";
	struct memrd		 m = { NULL, 0, 0, 1, 0, 0, 0, 0 };
	struct got		 g;
	size_t			 n;
	char			*gz;

	gz = slurp_file(write_gz(s, sizeof(s) - 1), &n);
	m.p = gz;
	m.n = n;
	read_mem(&m, "mem.log.gz", &g);
	TT_EQ_INT(g.rc, 0);
	TT_EQ_INT(g.gzip, 1);
	TT_EQ_INT(g.n, 1);
	LINE(&g, 0, "abc");
	TT_EQ_INT(g.bytes, 4);
	TT_EQ_STR(g.sha,
	    "edeaaff3f1774ad2888673770c6d64097e391bc362d7d6fb34982ddf0efd18cb");
	TT_EQ_INT(m.closed, 1);
	TT_EQ_INT(m.late, 0);
	got_free(&g);
	free(gz);
}

/* t_lines-6.3 */
static void
reader_error_after_some_bytes(void)
{
	static const char	 s[] = "line one\nline two\n";
	struct memrd		 m = { s, sizeof(s) - 1, 0, 4, 10, 0, 0, 0 };
	struct got		 g;

	read_mem(&m, "mem.log", &g);
	TT_EQ_INT(g.n, 2);
	LINE(&g, 0, "line one");
	LINE(&g, 1, "l");
	TT_EQ_INT(g.rc, -1);
	TT_EQ_STR(g.msg, "reader broke");
	TT_EQ_STR(g.errfile, "memory");
	TT_EQ_INT(g.bytes, 10);
	TT_EQ_INT(m.closed, 1);
	TT_EQ_INT(m.late, 0);
	got_free(&g);
}

/* t_lines-6.4 */
static void
reader_truncated_gzip_names_the_input(void)
{
	static const char	 name[] = "bundle.tar:0.log.gz";
	struct memrd		 m = { NULL, 0, 0, 7, 0, 0, 0, 0 };
	struct got		 g;
	size_t			 n;
	char			*gz;

	gz = slurp_file(write_gz("abc\ndef\n", 8), &n);
	m.p = gz;
	m.n = n - 4;
	read_mem(&m, name, &g);
	TT_EQ_INT(g.gzip, 1);
	TT_EQ_INT(g.rc, -1);
	TT_CHECK(g.errfile == name);
	TT_EQ_STR(g.msg, "truncated gzip stream (unexpected end of file)");
	TT_EQ_INT(m.late, 0);
	got_free(&g);
	free(gz);
}

int
main(void)
{
	const char	*tmp = getenv("TMPDIR");
	int		 i;

	snprintf(dir, sizeof(dir), "%s/t_lines.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("t_lines: mkdtemp");
		return 1;
	}
	lines_split_on_lf();
	lines_crlf_drops_only_the_final_cr();
	lines_last_line_without_newline();
	lines_empty_lines_and_empty_file();
	lines_over_the_cap_flagged_and_cut();
	lines_exactly_at_the_cap();
	lines_crlf_line_exactly_at_the_cap();
	lines_long_lines_across_chunks();
	lines_huge_line_keeps_memory_bounded();
	lines_two_megabytes_across_chunks();
	gzip_one_member();
	gzip_two_members_read_as_one_stream();
	gzip_truncated_in_trailer();
	gzip_truncated_in_the_middle();
	gzip_bad_crc_is_corrupt();
	gzip_on_a_pipe_as_stdin();
	input_bytes_and_sha256();
	input_missing_file();
	input_fast_fingerprint();
	reader_plain_a_few_bytes_at_a_time();
	reader_gzip_a_byte_at_a_time();
	reader_error_after_some_bytes();
	reader_truncated_gzip_names_the_input();
	for (i = 0; i < nfiles; i++) {
		unlink(files[i]);
		free(files[i]);
	}
	rmdir(dir);
	return tt_finish("t_lines");
}

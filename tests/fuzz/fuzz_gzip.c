/*
 * fuzz_gzip.c -- libFuzzer target for the byte reader and the line
 * splitter: the input is written to an in-memory file (memfd, or an
 * unlinked temporary file where memfd_create() is missing), opened by
 * path with zt_input_open() and read to its end or error with
 * zt_lines_next(), as ingest reads a source.
 *
 * Every result is checked against a model built here with zlib's own
 * inflate(): what gzdopen()/gzread() must produce from the bytes (gzip by
 * magic, concatenated members, trailing garbage ignored, truncation and
 * corruption are errors).  abort() on any difference:
 *   - every view lies inside the reader's buffer, at the offset of the
 *     model's next line, holds the model's bytes, and n <= cap;
 *   - toolong exactly when the line's content (without a CR before LF)
 *     is longer than the cap, and then the view holds its first cap bytes;
 *   - a line without '\n' is the last one (or a long line, whose rest is
 *     skipped); all bytes read are accounted for by the lines;
 *   - end (0) only when the model decoded everything, error (-1) only when
 *     the model failed too; the bytes counted, and their SHA-256, are the
 *     model's (all of them, or a prefix when the stream is damaged).
 *
 * The cap is picked from the last byte of the input (table below), so the
 * splitter's edge cases (a cap of 1, a CR at the cap, a cap above the
 * reader's 256 KB chunk) are reached; text seeds end in '\n' and gzip
 * seeds in a zero ISIZE byte, which both pick 4096.  Seeds:
 * tests/fuzz/seeds/fuzz_gzip (made by make-seeds.sh; regress-*: inputs
 * that once found a bug), plus the ingest fixtures, passed by
 * scripts/check.sh.
 */
#define _GNU_SOURCE	/* memfd_create() */

#include <sys/mman.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "in/input.h"
#include "in/lines.h"
#include "in/sha256.h"

/*
 * Inputs that inflate to more than this are skipped (gzip bombs): far
 * above every size the reader cares about (128 KB gzip buffer, 256 KB
 * chunk, the 300000 cap), and each output byte costs time.
 */
#define REF_MAX	(4u * 1024 * 1024)

/*
 * No coverage instrumentation in this file: its branches are checks, not
 * behaviour to explore, and run once per line of output (half the time).
 */
#define NOCOV	__attribute__((no_sanitize("coverage")))

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const size_t caps[16] = {
	4096, 1, 2, 3, 7, 64, 100, 255, 256, 1000, 4096, 4095, 4097,
	300000, 4096, 16
};

static int	 memfd = -1;
static char	 path[64];

/* The model's output, reused from one input to the next. */
static char	*ref;
static size_t	 refsize;

NOCOV static void
fail(const char *what, unsigned long line)
{
	fprintf(stderr, "fuzz_gzip: invariant violated at line %lu: %s\n",
	    line, what);
	abort();
}

NOCOV static void
setup(void)
{
	FILE	*f;

	if (memfd != -1)
		return;
	memfd = memfd_create("fuzz_gzip", MFD_CLOEXEC);
	if (memfd == -1) {
		/* Unlinked at once: nothing is left on disk. */
		if ((f = tmpfile()) == NULL) {
			perror("fuzz_gzip: tmpfile");
			abort();
		}
		memfd = fileno(f);
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
}

NOCOV static void
store(const uint8_t *data, size_t size)
{
	size_t	 off = 0;
	ssize_t	 w;

	if (ftruncate(memfd, 0) == -1) {
		perror("fuzz_gzip: ftruncate");
		abort();
	}
	while (off < size) {
		w = pwrite(memfd, data + off, size - off, (off_t)off);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			perror("fuzz_gzip: pwrite");
			abort();
		}
		off += (size_t)w;
	}
}

/* Room for at least want more bytes after n; 0, or -1 past REF_MAX. */
NOCOV static int
ref_room(size_t n, size_t want)
{
	size_t	 sz;

	if (n + want > REF_MAX)
		return -1;
	if (refsize - n >= want)
		return 0;
	sz = refsize != 0 ? refsize : 65536;
	while (sz - n < want)
		sz *= 2;
	if ((ref = realloc(ref, sz)) == NULL)
		abort();
	refsize = sz;
	return 0;
}

NOCOV static int
is_magic(const uint8_t *p, size_t n)
{
	return n >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

/*
 * What gzread() must return for data: into ref[0..*outn).  Returns 0 when
 * it all decodes, -1 on a truncated or corrupt stream (*outn is then what
 * was decoded before the damage), 1 when the output is too large.
 */
NOCOV static int
model(const uint8_t *data, size_t size, size_t *outn, int *gzip)
{
	z_stream	 zs;
	size_t		 pos = 0;
	size_t		 n = 0;
	size_t		 room;
	int		 rc = 0;
	int		 ret;

	*outn = 0;
	*gzip = is_magic(data, size);
	if (!*gzip) {
		if (ref_room(0, size + 1) == -1)
			return 1;
		if (size > 0)
			memcpy(ref, data, size);
		*outn = size;
		return 0;
	}
	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 15 + 16) != Z_OK)
		abort();
	for (;;) {
		/* One member, from pos. */
		zs.next_in = (Bytef *)(uintptr_t)(data + pos);
		zs.avail_in = (uInt)(size - pos);
		for (;;) {
			if (ref_room(n, 65536) == -1) {
				rc = 1;
				goto out;
			}
			room = refsize - n;
			if (room > REF_MAX - n)
				room = REF_MAX - n;
			zs.next_out = (Bytef *)ref + n;
			zs.avail_out = (uInt)room;
			ret = inflate(&zs, Z_NO_FLUSH);
			n += room - zs.avail_out;
			if (ret == Z_STREAM_END)
				break;
			if (ret == Z_OK)
				continue;
			if (ret == Z_BUF_ERROR && zs.avail_in > 0)
				continue;	/* output full */
			/* Truncated (no input left) or corrupt. */
			rc = -1;
			goto out;
		}
		/* Another member follows only if it starts with the magic. */
		pos = size - zs.avail_in;
		if (!is_magic(data + pos, size - pos))
			break;
		if (inflateReset(&zs) != Z_OK)
			abort();
	}
out:
	inflateEnd(&zs);
	*outn = n;
	return rc;
}

NOCOV static const char *
find_nl(size_t from, size_t to)
{
	return from < to ? memchr(ref + from, '\n', to - from) : NULL;
}

NOCOV int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zt_input		*in;
	struct zt_lines		 lr;
	struct zt_str		 line;
	struct zt_err		 err;
	struct zt_sha256	 sha;
	unsigned char		 d[32];
	char			 want[65];
	char			 got[65];
	const char		*nl;
	size_t			 cap;
	size_t			 refn;
	size_t			 pos = 0;	/* model offset of the next line */
	size_t			 cur;		/* bytes read so far */
	size_t			 raw;
	size_t			 content;
	size_t			 expn;
	unsigned long		 nlines = 0;
	int			 skip = 0;	/* rest of a long line to skip */
	int			 last = 0;	/* a line without '\n' was seen */
	int			 gzip;
	int			 mrc;
	int			 toolong;
	int			 rc;

	mrc = model(data, size, &refn, &gzip);
	if (mrc == 1)
		return 0;
	setup();
	store(data, size);
	cap = caps[size > 0 ? data[size - 1] % 16 : 0];

	memset(&err, 0, sizeof(err));
	if (zt_input_open(&in, path, &err) == -1)
		fail("zt_input_open failed", 0);
	zt_lines_init(&lr, in, cap);
	while ((rc = zt_lines_next(&lr, &line, &toolong, &err)) == 1) {
		nlines++;
		cur = (size_t)zt_input_bytes(in);
		if (cur > refn)
			fail("more bytes read than the stream holds", nlines);
		if (last)
			fail("a line after the last one", nlines);
		if (lr.lineno != nlines)
			fail("lineno is not the number of lines", nlines);
		if (skip) {
			/* The splitter has found the end of the long line. */
			if ((nl = find_nl(pos, cur)) == NULL)
				fail("a line before the end of a long line",
				    nlines);
			pos = (size_t)(nl - ref) + 1;
			skip = 0;
		}
		/* The view: inside the buffer, which ends at byte cur. */
		if (line.p == NULL || line.p < lr.buf || lr.len > lr.size ||
		    line.n > lr.len || (size_t)(line.p - lr.buf) > lr.len - line.n)
			fail("view outside the buffer", nlines);
		if (line.n > cap)
			fail("view longer than the cap", nlines);
		if (cur < lr.len || cur - lr.len + (size_t)(line.p - lr.buf) != pos)
			fail("view not at the start of the next line", nlines);
		if (line.n > cur - pos || memcmp(line.p, ref + pos, line.n) != 0)
			fail("view bytes differ from the stream", nlines);
		if ((nl = find_nl(pos, cur)) != NULL)
			raw = (size_t)(nl - ref) - pos;
		else
			raw = cur - pos;
		content = raw - (raw > 0 && ref[pos + raw - 1] == '\r');
		/*
		 * Without '\n' this is the last line or a long one reported
		 * before its end: either way toolong iff over the cap.
		 */
		if (toolong != (content > cap))
			fail(toolong ? "toolong on a line within the cap" :
			    "no toolong on a line over the cap", nlines);
		if (toolong)
			expn = cap - (ref[pos + cap - 1] == '\r');
		else
			expn = content;
		if (line.n != expn)
			fail("view length is not the line's", nlines);
		if (toolong && nl == NULL)
			skip = 1;	/* resolved at the next line or the end */
		else if (nl != NULL)
			pos = (size_t)(nl - ref) + 1;
		else {
			pos = cur;	/* the last line, cut by the end */
			last = 1;
		}
	}
	cur = (size_t)zt_input_bytes(in);
	if (rc != 0 && rc != -1)
		fail("zt_lines_next returned neither 1, 0 nor -1", nlines);
	if (cur > refn)
		fail("more bytes read than the stream holds", nlines);
	if (rc == 0 && mrc != 0)
		fail("end, no error, on a truncated or corrupt stream", nlines);
	if (rc == 0 && cur != refn)
		fail("end before all the data of a sound stream", nlines);
	if (rc == -1 && mrc != -1)
		fail("an error on a sound stream", nlines);
	if (rc == -1 && (err.msg[0] == '\0' || err.file != path))
		fail("an error without message or file name", nlines);
	if (skip) {
		nl = find_nl(pos, cur);
		pos = nl != NULL ? (size_t)(nl - ref) + 1 : cur;
	}
	if (pos != cur)
		fail("bytes read but not returned as lines", nlines);
	if (lr.lineno != nlines)
		fail("lineno is not the number of lines", nlines);
	if (cur > 0 && zt_input_gzip(in) != gzip)
		fail("gzip flag differs from the magic bytes", nlines);
	zt_sha256_init(&sha);
	zt_sha256_update(&sha, ref, cur);
	zt_sha256_final(&sha, d);
	zt_sha256_hex(d, want);
	zt_input_sha256(in, got);
	if (strcmp(want, got) != 0)
		fail("SHA-256 is not that of the bytes read", nlines);
	/* The end stays the end. */
	if (zt_lines_next(&lr, &line, &toolong, &err) != 0)
		fail("no end after the end", nlines);
	zt_lines_fini(&lr);
	zt_input_close(in);
	return 0;
}

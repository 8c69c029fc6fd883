/*
 * raw.c -- a stream's first bytes read ahead, what they say it is, the
 * globs that say whether it is wanted, and a stream as one source; see
 * raw.h.  Below both the walk (expand.c) and the archives (archive.c).
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "in/input.h"
#include "in/raw.h"
#include "in/source.h"
#include "util/xalloc.h"

/* ---- raw bytes read ahead ------------------------------------------ */

int
zt_raw_peek(struct zt_raw *r, struct zt_err *err)
{
	long	 got;

	r->head = zt_xmalloc(ZT_PEEK);
	r->nhead = 0;
	r->off = 0;
	while (r->nhead < ZT_PEEK && !r->ended) {
		got = r->read(r->ctx, r->head + r->nhead, ZT_PEEK - r->nhead,
		    err);
		if (got < 0) {
			r->ended = 1;
			return -1;
		}
		if (got == 0)
			r->ended = 1;
		r->nhead += (size_t)got;
		if (got > 0 && r->quiet != NULL && memchr(r->head, '\n',
		    r->nhead) != NULL && r->quiet(r->ctx))
			break;
	}
	return 0;
}

long
zt_raw_read(void *ctx, void *buf, size_t n, struct zt_err *err)
{
	struct zt_raw	*r = ctx;
	size_t		 k;

	if (r->off < r->nhead) {
		k = r->nhead - r->off < n ? r->nhead - r->off : n;
		memcpy(buf, r->head + r->off, k);
		r->off += k;
		return (long)k;
	}
	if (r->ended)
		return 0;
	return r->read(r->ctx, buf, n, err);
}

void
zt_raw_free(struct zt_raw *r)
{
	free(r->head);
	r->head = NULL;
	if (r->close != NULL)
		r->close(r->ctx);
	r->close = NULL;
}

enum zt_rawkind
zt_raw_kind(const unsigned char *h, size_t n)
{
	char	 tar[512];

	if (n >= 262 && memcmp(h + 257, "ustar", 5) == 0)
		return ZT_RAW_ARCHIVE;
	if (n >= 4 && h[0] == 'P' && h[1] == 'K' && ((h[2] == 3 &&
	    h[3] == 4) || (h[2] == 5 && h[3] == 6)))
		return ZT_RAW_ARCHIVE;
	if (n >= 2 && h[0] == 0x1f && h[1] == 0x8b)
		return zt_gunzip_head(h, n, tar, sizeof(tar)) >= 262 &&
		    memcmp(tar + 257, "ustar", 5) == 0 ? ZT_RAW_ARCHIVE :
		    ZT_RAW_GZIP;
	if ((n >= 4 && h[0] == 0x28 && h[1] == 0xb5 && h[2] == 0x2f &&
	    h[3] == 0xfd) ||
	    (n >= 6 && memcmp(h, "\xfd" "7zXZ\0", 6) == 0) ||
	    (n >= 4 && h[0] == 'B' && h[1] == 'Z' && h[2] == 'h' &&
	    h[3] >= '1' && h[3] <= '9'))
		return ZT_RAW_PACKED;
	return ZT_RAW_PLAIN;
}

/* ---- globs ------------------------------------------------------------ */

/*
 * A glob with a '/' is matched against the whole path; one without
 * against each name on it (a file's, or a directory's above it).
 */
static int
glob_match(const char *pat, const char *path)
{
	char		 comp[4096];
	const char	*p;
	const char	*q;
	size_t		 n;

	if (strchr(pat, '/') != NULL)
		return fnmatch(pat, path, 0) == 0;
	for (p = path; *p != '\0'; p = *q == '/' ? q + 1 : q) {
		q = strchr(p, '/');
		if (q == NULL)
			q = p + strlen(p);
		n = (size_t)(q - p) < sizeof(comp) ? (size_t)(q - p) :
		    sizeof(comp) - 1;
		memcpy(comp, p, n);
		comp[n] = '\0';
		if (fnmatch(pat, comp, 0) == 0)
			return 1;
	}
	return 0;
}

int
zt_expand_wants(const struct zt_expand *ex, const char *path)
{
	size_t	 i;
	int	 in = ex->ninclude == 0;

	for (i = 0; i < ex->ninclude && !in; i++)
		in = glob_match(ex->include[i], path);
	for (i = 0; i < ex->nexclude && in; i++)
		in = !glob_match(ex->exclude[i], path);
	return in;
}

/* ---- a stream as one source ------------------------------------------- */

/* The opener of a stream source: an input over the raw bytes. */
static int
raw_open(const struct zt_source *src, struct zt_input **in,
    struct zt_err *err)
{
	struct zt_raw		*r = src->ctx;
	struct zt_reader	 rd = { r, zt_raw_read, NULL };

	(void)err;
	*in = zt_input_new(src->info.name, &rd);
	return 0;
}

int
zt_raw_source(const struct zt_expand *ex, const struct zt_srcinfo *info,
    const char *path, struct zt_raw *raw, int ask)
{
	struct zt_source src;
	char		*head = (char *)raw->head;
	size_t		 n = raw->nhead;
	int		 rc;

	memset(&src, 0, sizeof(src));
	src.info = *info;
	src.path = path;
	src.open = raw_open;
	src.ctx = raw;
	if (ask && ex->wanted != NULL) {
		if (zt_raw_kind(raw->head, raw->nhead) == ZT_RAW_GZIP) {
			head = zt_xmalloc(ZT_PEEK);
			n = zt_gunzip_head(raw->head, raw->nhead, head,
			    ZT_PEEK);
		}
		rc = ex->wanted(ex->ctx, &src, head, n);
		if (head != (char *)raw->head)
			free(head);
		if (rc == 0)
			return 1;
	}
	return ex->each(ex->ctx, &src);
}

/* ---- gzip heads ------------------------------------------------------ */

size_t
zt_gunzip_head(const unsigned char *head, size_t n, char *out, size_t max)
{
	z_stream	 zs;
	size_t		 got;
	int		 rc;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 15 + 16) != Z_OK)
		return 0;
	zs.next_in = (unsigned char *)head;
	zs.avail_in = (unsigned)n;
	zs.next_out = (unsigned char *)out;
	zs.avail_out = (unsigned)max;
	do
		rc = inflate(&zs, Z_SYNC_FLUSH);
	while (rc == Z_OK && zs.avail_out > 0 && zs.avail_in > 0);
	got = max - zs.avail_out;
	inflateEnd(&zs);
	return got;
}


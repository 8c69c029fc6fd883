/*
 * source.c -- operands into sources; see source.h.
 *
 * A directory is walked first, completely, and its files sorted before
 * the first one is handed out: the order of a walk is then the same
 * whatever readdir() returns, and what cannot be read of the tree is
 * reported before any of it is read.
 *
 * Every file (and standard input) is opened once: its first bytes are
 * read ahead (struct zt_raw) to tell an archive or a packed file from a
 * log and, in a walk, a log from a README; the source's opener then
 * hands them out again before the rest.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "in/input.h"
#include "in/raw.h"
#include "in/source.h"
#include "in/srcpath.h"
#include "util/xalloc.h"

/* Nesting below an operand that a walk follows. */
#define MAXDEPTH	64

static int
file_open(const struct zt_source *src, struct zt_input **in,
    struct zt_err *err)
{
	return zt_input_open(in, src->path, err);
}

void
zt_source_init(struct zt_source *src, const char *path)
{
	memset(src, 0, sizeof(*src));
	src->info.name = path;
	src->info.wrap = ZT_WRAP_AUTO;
	src->path = path;
	src->open = file_open;
}

int
zt_source_open(const struct zt_source *src, struct zt_input **in,
    struct zt_err *err)
{
	return src->open(src, in, err);
}

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

/* ---- files ------------------------------------------------------------- */

struct fd_ctx {
	int		 fd;
	const char	*name;
};

static long
fd_read(void *ctx, void *buf, size_t n, struct zt_err *err)
{
	struct fd_ctx	*f = ctx;
	ssize_t		 got;

	do
		got = read(f->fd, buf, n);
	while (got == -1 && errno == EINTR);
	if (got == -1)
		return zt_err_at(err, f->name, 0, 0, "read error: %s",
		    strerror(errno));
	return (long)got;
}

/*
 * One file (or "-"): an archive or a packed file expands further; a log
 * is one source (asked for first when walked).  path is what the globs
 * and the path rules see (below the walked operand, or as given).
 */
static int
expand_file(const struct zt_expand *ex, const char *file, const char *rel,
    int walked)
{
	struct zt_source src;
	struct zt_srcpath sp;
	struct zt_srcinfo info;
	struct fd_ctx	 f;
	struct zt_raw	 raw;
	struct zt_err	 err;
	int		 rc;

	f.name = file;
	if (strcmp(file, "-") == 0)
		f.fd = zt_input_stdin_closed() ? -1 : STDIN_FILENO;
	else
		f.fd = open(file, O_RDONLY | O_CLOEXEC);
	if (f.fd == -1) {
		/* The opener says why, as it always did. */
		zt_source_init(&src, file);
		return ex->each(ex->ctx, &src);
	}
	memset(&raw, 0, sizeof(raw));
	raw.read = fd_read;
	raw.ctx = &f;
	raw.name = file;
	if (zt_raw_peek(&raw, &err) == -1) {
		/* Nothing read: a directory named as a file, EIO ... */
		zt_diag_err(&err);
		rc = -1;
		goto out;
	}
	switch (zt_raw_kind(raw.head, raw.nhead)) {
	case ZT_RAW_ARCHIVE:
	case ZT_RAW_PACKED:
		rc = zt_archive_expand(ex, file, &raw, 0, walked);
		break;
	default:
		zt_srcpath_read(&sp, rel, 0);
		info = sp.info;
		info.name = file;
		info.wrap = ZT_WRAP_AUTO;
		rc = zt_raw_source(ex, &info, file, &raw, walked) == -1 ? -1 :
		    0;
		break;
	}
out:
	zt_raw_free(&raw);
	if (f.fd != STDIN_FILENO)
		close(f.fd);
	return rc;
}

/* ---- walks ------------------------------------------------------------ */

/* The files a walk found: malloc'd paths. */
struct pathv {
	char	**v;
	size_t	 n;
};

static void
pathv_add(struct pathv *pv, char *p)
{
	pv->v = zt_xrealloc(pv->v, (pv->n + 1) * sizeof(*pv->v));
	pv->v[pv->n++] = p;
}

static int
walk_order(const void *a, const void *b)
{
	return zt_srcpath_order(*(char *const *)a, *(char *const *)b);
}

/* dir "/" name, malloc'd. */
static char *
join(const char *dir, const char *name)
{
	size_t	 n = strlen(dir) + strlen(name) + 2;
	char	*p = zt_xmalloc(n);

	snprintf(p, n, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/",
	    name);
	return p;
}

/* Collect the regular files below dir; returns -1 if some could not be read. */
static int
walk(const char *dir, struct pathv *pv, int depth)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	char		*p;
	int		 rc = 0;

	if (depth > MAXDEPTH) {
		zt_diag_error(dir, "directories nested too deep");
		return -1;
	}
	d = opendir(dir);
	if (d == NULL) {
		zt_diag_error(dir, "cannot read directory: %s",
		    strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		p = join(dir, de->d_name);
		if (lstat(p, &sb) == -1) {
			zt_diag_error(p, "cannot stat: %s", strerror(errno));
			free(p);
			rc = -1;
			continue;
		}
		if (S_ISDIR(sb.st_mode)) {
			if (walk(p, pv, depth + 1) == -1)
				rc = -1;
			free(p);
			continue;
		}
		/* A link counts as what it points to; a dangling one is none. */
		if (S_ISLNK(sb.st_mode) && stat(p, &sb) == -1) {
			free(p);
			continue;
		}
		if (S_ISREG(sb.st_mode))
			pathv_add(pv, p);
		else
			free(p);
	}
	closedir(d);
	return rc;
}

static int
expand_dir(const struct zt_expand *ex, const char *dir)
{
	struct pathv	 pv = { NULL, 0 };
	const char	*rel;
	size_t		 i;
	size_t		 skip = strlen(dir);
	int		 rc;

	rc = walk(dir, &pv, 0);
	/* qsort's array may not be NULL, even for no elements. */
	if (pv.n > 1)
		qsort(pv.v, pv.n, sizeof(*pv.v), walk_order);
	for (i = 0; i < pv.n; i++) {
		rel = pv.v[i] + skip;
		while (*rel == '/')
			rel++;
		if (zt_expand_wants(ex, rel) &&
		    expand_file(ex, pv.v[i], pv.v[i], 1) == -1)
			rc = -1;
		free(pv.v[i]);
	}
	free(pv.v);
	return rc;
}

int
zt_source_expand(const struct zt_expand *ex, const char *operand)
{
	struct stat	 sb;

	if (strcmp(operand, "-") != 0 && stat(operand, &sb) == 0 &&
	    S_ISDIR(sb.st_mode))
		return expand_dir(ex, operand);
	return expand_file(ex, operand, operand, 0);
}

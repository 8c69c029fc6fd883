/*
 * expand.c -- operands into sources: standard input, files, directory
 * walks, and the archives met there (archive.c); see source.h.
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
#include "util/sig.h"
#include "util/xalloc.h"

/* Nesting below an operand that a walk follows. */
#define MAXDEPTH	64

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

	/* Ends early (0) after Ctrl-C: what was read is kept (sig.h). */
	got = zt_sig_read(f->fd, buf, n);
	if (got == -1)
		return zt_err_at(err, f->name, 0, 0, "read error: %s",
		    strerror(errno));
	return (long)got;
}

/* A pipe or terminal with nothing to read right now. */
static int
fd_quiet(void *ctx)
{
	struct fd_ctx	*f = ctx;
	struct stat	 sb;

	if (fstat(f->fd, &sb) == -1 || S_ISREG(sb.st_mode))
		return 0;
	return zt_sig_wait(f->fd, 0) == 0;
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
	raw.quiet = fd_quiet;
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

/*
 * source.c -- operands into sources; see source.h.
 *
 * A directory is walked first, completely, and its files sorted before
 * the first one is handed out: the order of a walk is then the same
 * whatever readdir() returns, and what cannot be read of the tree is
 * reported before any of it is read.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "in/input.h"
#include "in/source.h"
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

/* The order in which a walk hands out its files: by path, bytewise. */
static int
walk_order(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
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
	struct zt_source src;
	struct pathv	 pv = { NULL, 0 };
	size_t		 i;
	int		 rc;

	rc = walk(dir, &pv, 0);
	/* qsort's array may not be NULL, even for no elements. */
	if (pv.n > 1)
		qsort(pv.v, pv.n, sizeof(*pv.v), walk_order);
	for (i = 0; i < pv.n; i++) {
		zt_source_init(&src, pv.v[i]);
		if (ex->each(ex->ctx, &src) == -1)
			rc = -1;
		free(pv.v[i]);
	}
	free(pv.v);
	return rc;
}

int
zt_source_expand(const struct zt_expand *ex, const char *operand)
{
	struct zt_source src;
	struct stat	 sb;

	if (strcmp(operand, "-") != 0 && stat(operand, &sb) == 0 &&
	    S_ISDIR(sb.st_mode))
		return expand_dir(ex, operand);
	zt_source_init(&src, operand);
	return ex->each(ex->ctx, &src);
}

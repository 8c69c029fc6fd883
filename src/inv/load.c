/*
 * load.c -- getting inventory files in: a path (file or directory), or
 * bytes in memory; the format told by content, the size and the JSON
 * nesting bounded before anything is parsed.
 *
 * A file is read whole (through zlib, so gzip or plain alike) into a fresh
 * inventory, which is merged into the caller's only when the whole file
 * read well.  In a directory, the first 64 KiB of each file decide: JSON
 * whose first key is one a config dump or istioctl starts with, or text
 * whose first line (after blank lines and banners) is an istioctl table
 * header; other files are recorded as skipped and never read further,
 * so logs of any size can sit next to the dumps.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "inv/invpriv.h"
#include "util/dict.h"
#include "util/xalloc.h"

#define PREFIX	(64u << 10)	/* bytes a directory entry is judged by */

/* A file being read through zlib. */
struct rd {
	gzFile		 g;
	char		*buf;
	size_t		 n;
	size_t		 cap;
	int		 eof;
};

static size_t
skip_ws(const char *p, size_t n, size_t i)
{
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
	    p[i] == '\n'))
		i++;
	return i;
}

static size_t
skip_bom(const char *p, size_t n)
{
	return n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
}

/* Does p[0..n) start like JSON ('{', '[' or null)? */
static int
jsonish(const char *p, size_t n)
{
	size_t	 i = skip_ws(p, n, skip_bom(p, n));

	return i < n && (p[i] == '{' || p[i] == '[' ||
	    (n - i >= 4 && memcmp(p + i, "null", 4) == 0));
}

static int
key_in(const char *k, size_t n, const char *const *set)
{
	for (; *set != NULL; set++)
		if (strlen(*set) == n && memcmp(*set, k, n) == 0)
			return 1;
	return 0;
}

/*
 * In a directory: is this JSON an inventory?  A raw dump's keys are
 * sorted (serde_json without preserve_order), so it starts with
 * "certificates"; hand-cut ones may start with a member we read.
 * istioctl's arrays start with a workload's "uid" (1.24+) or
 * "workloadIps", or a service's "name".
 */
static int
sniff_json(const char *p, size_t n, const char **why)
{
	static const char *const dump[] = { "certificates", "policies",
	    "services", "stagedServices", "workloadState", "workloads", NULL };
	static const char *const zc[] = { "uid", "workloadIps", "name", NULL };
	const char	*k;
	size_t		 i = skip_ws(p, n, skip_bom(p, n));
	int		 array = 0;

	*why = "JSON that is not a ztunnel config_dump or istioctl output";
	if (n - i >= 4 && memcmp(p + i, "null", 4) == 0)
		return 1;
	if (p[i] == '[') {
		array = 1;
		i = skip_ws(p, n, i + 1);
		if (i < n && p[i] == ']')
			return 1;
	}
	if (i >= n || p[i] != '{')
		return 0;
	i = skip_ws(p, n, i + 1);
	if (i >= n || p[i] != '"')
		return 0;
	k = p + i + 1;
	for (i++; i < n && p[i] != '"' && p[i] != '\\'; i++)
		continue;
	if (i >= n || p[i] != '"')
		return 0;
	return key_in(k, (size_t)(p + i - k), array ? zc : dump);
}

/*
 * Bound the nesting of JSON before a recursive parser sees it.  Returns
 * 0, or -1 with err at the line and column of the bracket too deep.
 */
static int
depth_scan(const char *file, const char *p, size_t n, unsigned max,
    struct zt_err *err)
{
	unsigned long	 line = 1;
	size_t		 bol = 0;
	size_t		 i;
	unsigned	 d = 0;
	int		 str = 0;

	for (i = 0; i < n; i++) {
		switch (p[i]) {
		case '\n':
			line++;
			bol = i + 1;
			break;
		case '\\':
			if (str)
				i++;
			break;
		case '"':
			str = !str;
			break;
		case '[':
		case '{':
			if (!str && ++d > max)
				return zt_err_at(err, file, line, i - bol + 1,
				    "JSON nested deeper than %u levels", max);
			break;
		case ']':
		case '}':
			if (!str && d > 0)
				d--;
			break;
		default:
			break;
		}
	}
	return 0;
}

/*
 * Has inv read these bytes already (the same dump named twice, or in a
 * directory and on its own)?  Then they are recorded as skipped: read
 * again, each of the dump's node-local pods would conflict with itself.
 */
static int
repeat(struct zt_inv *inv, const char *name, uint64_t h, size_t n)
{
	struct zt_buf	 b = { NULL, 0, 0 };
	const char	*first;
	size_t		 i;
	size_t		 s;

	for (i = 0; i < inv->nseen; i++) {
		if (inv->seen[i].h != h || inv->seen[i].n != n)
			continue;
		first = inv_source_name(inv, inv->seen[i].src);
		zt_buf_add(&b, "the same content as ", 20);
		zt_buf_add(&b, first, strlen(first));
		s = inv_add_source(inv, name, ZT_INV_FMT_NONE);
		inv->src[s].detail = inv_strn(inv, b.p, b.n);
		zt_buf_free(&b);
		return 1;
	}
	return 0;
}

/*
 * Read bytes p[0..n) named name into inv (see zt_inv_load_mem); name is
 * kept in inv's arena so err->file outlives the failed attempt.
 */
static int
load_buf(struct zt_inv *inv, const char *name, const char *p, size_t n,
    const char *node, struct zt_err *err)
{
	struct zt_inv	*tmp;
	const char	*kept = inv_str(inv, name);
	const char	*why;
	unsigned long	 line;
	uint64_t	 h;
	size_t		 bom;
	size_t		 src;
	int		 rc;

	if (n > inv->max_bytes)
		return zt_err_at(err, kept, 0, 0, "larger than the inventory "
		    "limit of %zu bytes", inv->max_bytes);
	h = zt_hash(p, n);
	if (repeat(inv, name, h, n))
		return 0;
	tmp = zt_inv_new();
	zt_inv_set_limits(tmp, inv->max_bytes, inv->max_depth);
	src = inv_add_source(tmp, name, ZT_INV_FMT_NONE);
	tmp->src[src].node = inv_str(tmp, node);
	if (jsonish(p, n)) {
		bom = skip_bom(p, n);	/* Jansson wants none */
		rc = depth_scan(kept, p + bom, n - bom, inv->max_depth,
		    err) == -1 ? -1 : inv_read_json(tmp, src, p + bom,
		    n - bom, err);
	}
	else if (inv_sniff_tables(p, n, &why, &line))
		rc = inv_read_tables(tmp, src, p, n, err);
	else
		rc = zt_err_at(err, kept, line, 0, "not a ztunnel inventory: "
		    "%s", why);
	if (rc == -1) {
		err->file = kept;
		zt_inv_free(tmp);
		return -1;
	}
	inv->seen = inv_grow(inv->seen, &inv->seencap, inv->nseen,
	    sizeof(*inv->seen));
	inv->seen[inv->nseen].h = h;
	inv->seen[inv->nseen].n = n;
	inv->seen[inv->nseen].src = inv->nsrc;	/* where merge puts it */
	inv->nseen++;
	zt_inv_merge(inv, tmp);
	return 0;
}

int
zt_inv_load_mem(struct zt_inv *inv, const char *name, const void *p,
    size_t n, const char *node, struct zt_err *err)
{
	return load_buf(inv, name, p, n, node, err);
}

/* Read until rd holds want bytes or the file ends.  0 or -1. */
static int
fill(struct rd *rd, size_t want, const char *file, struct zt_err *err)
{
	const char	*msg;
	int		 got;
	int		 e;

	while (!rd->eof && rd->n < want) {
		if (rd->cap - rd->n < PREFIX) {
			rd->cap = rd->cap == 0 ? 2 * PREFIX : rd->cap * 2;
			rd->buf = zt_xrealloc(rd->buf, rd->cap);
		}
		got = gzread(rd->g, rd->buf + rd->n, PREFIX);
		if (got < 0) {
			msg = gzerror(rd->g, &e);
			return zt_err_at(err, file, 0, 0, "%s", e == Z_ERRNO ?
			    strerror(errno) : msg);
		}
		if (got == 0) {
			rd->eof = 1;
			msg = gzerror(rd->g, &e);
			if (e != Z_OK && e != Z_STREAM_END)
				return zt_err_at(err, file, 0, 0, "%s", msg);
		}
		rd->n += (size_t)got;
	}
	return 0;
}

static void
skipped(struct zt_inv *inv, const char *path, const char *why)
{
	size_t	 i;

	i = inv_add_source(inv, path, ZT_INV_FMT_NONE);
	inv->src[i].detail = inv_str(inv, why);
}

/* One file; in a directory (named 0), files that are not inventories are skipped. */
static int
load_file(struct zt_inv *inv, const char *path, int named, size_t *found,
    struct zt_err *err)
{
	struct rd	 rd;
	const char	*kept = inv_str(inv, path);
	const char	*why = NULL;
	unsigned long	 line;
	int		 rc = -1;

	memset(&rd, 0, sizeof(rd));
	rd.g = gzopen(path, "rb");
	if (rd.g == NULL)
		return zt_err_at(err, kept, 0, 0, "%s", errno != 0 ?
		    strerror(errno) : "cannot open");
	if (fill(&rd, PREFIX, kept, err) == -1)
		goto out_close;
	if (!named && (jsonish(rd.buf, rd.n) ?
	    !sniff_json(rd.buf, rd.n, &why) :
	    !inv_sniff_tables(rd.buf, rd.n, &why, &line))) {
		skipped(inv, path, why);
		rc = 0;
		goto out_close;
	}
	if (fill(&rd, inv->max_bytes + 1, kept, err) == -1)
		goto out_close;
	rc = load_buf(inv, path, rd.buf, rd.n, NULL, err);
	if (rc == 0)
		(*found)++;

out_close:
	gzclose(rd.g);
	free(rd.buf);
	return rc;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
walk(struct zt_inv *inv, const char *dir, unsigned depth, size_t *found,
    struct zt_err *err)
{
	struct dirent	*de;
	struct stat	 sb;
	DIR		*d;
	char		**names = NULL;
	char		*path;
	size_t		 n = 0;
	size_t		 cap = 0;
	size_t		 i;
	int		 rc = 0;

	d = opendir(dir);
	if (d == NULL)
		return zt_err_at(err, inv_str(inv, dir), 0, 0, "%s",
		    strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;	/* ., .., hidden */
		names = inv_grow(names, &cap, n, sizeof(*names));
		names[n++] = zt_xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n && rc == 0; i++) {
		path = zt_xmalloc(strlen(dir) + strlen(names[i]) + 2);
		strcpy(path, dir);
		if (path[0] != '\0' && path[strlen(path) - 1] != '/')
			strcat(path, "/");
		strcat(path, names[i]);
		if (stat(path, &sb) == -1)
			rc = zt_err_at(err, inv_str(inv, path), 0, 0, "%s",
			    strerror(errno));
		else if (S_ISDIR(sb.st_mode)) {
			if (depth + 1 < ZT_INV_MAX_DIRDEPTH)
				rc = walk(inv, path, depth + 1, found, err);
			else
				skipped(inv, path, "directory too deep");
		} else if (S_ISREG(sb.st_mode))
			rc = load_file(inv, path, 0, found, err);
		free(path);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int
zt_inv_load_path(struct zt_inv *inv, const char *path, struct zt_err *err)
{
	struct stat	 sb;
	size_t		 found = 0;

	if (stat(path, &sb) == -1)
		return zt_err_at(err, inv_str(inv, path), 0, 0, "%s",
		    strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return load_file(inv, path, 1, &found, err);
	if (walk(inv, path, 0, &found, err) == -1)
		return -1;
	if (found == 0)
		return zt_err_at(err, inv_str(inv, path), 0, 0, "no ztunnel "
		    "inventory file in this directory");
	return 0;
}

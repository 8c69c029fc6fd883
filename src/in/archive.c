/*
 * archive.c -- archives and packed files into sources (libarchive); see
 * raw.h and source.h.
 *
 * Formats: tar (POSIX, GNU), zip, each plain or compressed with gzip,
 * bzip2, xz or zstd, and a single file compressed with bzip2, xz or zstd
 * (libarchive's "raw" format).  Filters that would run an external
 * program are not enabled.  Nothing is ever written to disk: members
 * are read as streams, in the archive's order, each while the archive
 * is positioned on it.  Member names are names only ("../x" and "/x"
 * too); symbolic and hard links are not followed.
 *
 * istioctl bug-report (../shared/docs/archive-and-inventory-formats.md
 * section 1): proxies/<ns>/<pod>/istio-proxy.log, with or without the
 * outer bug-report/ folder, is a source with the pod and namespace of its
 * path; when the container had restarted, the file holds the current log,
 * then the marker line "========= Previous log =========", then the
 * previous container's log: that part is a second source, named
 * "...istio-proxy.log (previous)", instance "previous".  config_dump is
 * handed to ex->inventory; the rest of the layout is skipped unread.
 *
 * Bounds: at most MAXMEMBERS members looked at and MAXSOURCES sources
 * read per archive; a member that inflates more than RATIO times the
 * archive bytes read so far (past BOMB_FLOOR) stops the archive (a zip
 * bomb); one archive inside another is read, deeper ones are skipped.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#include "in/raw.h"
#include "in/srcpath.h"
#include "util/xalloc.h"

#define MAXMEMBERS	1000000
#define MAXSOURCES	10000
#define RATIO		1000
#define BOMB_FLOOR	((uint64_t)64 << 20)
#define CHUNK		(64 * 1024)

static const char marker[] = "\n========= Previous log =========\n";
static const char present[] = "========= Previous log present";

/* One archive being read. */
struct arc {
	struct archive		*a;
	struct zt_raw		*raw;	/* its bytes */
	const char		*name;
	unsigned char		 buf[CHUNK];
	uint64_t		 in;	/* archive bytes read */
	uint64_t		 out;	/* member bytes handed out */
	int			 bomb;
	struct zt_err		 err;	/* a read error of raw */
	int			 failed;
};

static la_ssize_t
arc_read(struct archive *a, void *ctx, const void **buf)
{
	struct arc	*ac = ctx;
	long		 got;

	got = zt_raw_read(ac->raw, ac->buf, sizeof(ac->buf), &ac->err);
	if (got < 0) {
		ac->failed = 1;
		archive_set_error(a, EIO, "%s", ac->err.msg);
		return -1;
	}
	ac->in += (uint64_t)got;
	*buf = ac->buf;
	return got;
}

/* The current member's bytes, as a zt_raw's read. */
static long
member_read(void *ctx, void *buf, size_t n, struct zt_err *err)
{
	struct arc	*ac = ctx;
	la_ssize_t	 got;

	if (ac->bomb)
		return zt_err_at(err, ac->name, 0, 0, "stopped: the archive "
		    "inflates more than %d times its size (a zip bomb?)", RATIO);
	got = archive_read_data(ac->a, buf, n);
	if (got < 0)
		return zt_err_at(err, ac->name, 0, 0, "%s",
		    archive_error_string(ac->a) != NULL ?
		    archive_error_string(ac->a) : "cannot read the archive");
	ac->out += (uint64_t)got;
	if (ac->out > BOMB_FLOOR && ac->out / RATIO > ac->in) {
		ac->bomb = 1;
		return zt_err_at(err, ac->name, 0, 0, "stopped: the archive "
		    "inflates more than %d times its size (a zip bomb?)", RATIO);
	}
	return (long)got;
}

/* ---- the previous container's log, split off ------------------------- */

struct split {
	struct zt_raw	*src;
	size_t		 state;		/* bytes of marker matched */
	int		 found;
	int		 ended;
	char		*carry;		/* after the marker, in that read */
	size_t		 ncarry;
	size_t		 coff;
};

/* The current log: up to and with the marker line. */
static long
split_first(void *ctx, void *buf, size_t n, struct zt_err *err)
{
	struct split	*sp = ctx;
	const char	*p = buf;
	long		 got;
	long		 i;

	if (sp->found || sp->ended)
		return 0;
	if ((got = zt_raw_read(sp->src, buf, n, err)) <= 0) {
		sp->ended = 1;
		return got;
	}
	for (i = 0; i < got; i++) {
		if (p[i] == marker[sp->state])
			sp->state++;
		else
			sp->state = p[i] == '\n';
		if (sp->state == sizeof(marker) - 1) {
			sp->found = 1;
			sp->ncarry = (size_t)(got - i - 1);
			sp->carry = zt_xmalloc(sp->ncarry + 1);
			memcpy(sp->carry, p + i + 1, sp->ncarry);
			return i + 1;
		}
	}
	return got;
}

/* The previous log: what follows the marker line. */
static long
split_second(void *ctx, void *buf, size_t n, struct zt_err *err)
{
	struct split	*sp = ctx;
	long		 got;
	size_t		 k;

	while (!sp->found && !sp->ended)
		if ((got = split_first(sp, buf, n, err)) < 0)
			return got;
	if (!sp->found)
		return 0;
	if (sp->coff < sp->ncarry) {
		k = sp->ncarry - sp->coff < n ? sp->ncarry - sp->coff : n;
		memcpy(buf, sp->carry + sp->coff, k);
		sp->coff += k;
		return (long)k;
	}
	return zt_raw_read(sp->src, buf, n, err);
}

/* The opener of the current log's source: reads through the split. */
static int
first_open(const struct zt_source *src, struct zt_input **in,
    struct zt_err *err)
{
	struct zt_reader rd = { src->ctx, split_first, NULL };

	(void)err;
	*in = zt_input_new(src->info.name, &rd);
	return 0;
}

/* A bug-report log with the previous container's log appended: two. */
static int
split_member(const struct zt_expand *ex, const struct zt_srcinfo *info,
    const char *path, struct zt_raw *m)
{
	struct zt_srcinfo prev = *info;
	struct zt_source src;
	struct split	 sp;
	struct zt_raw	 r2;
	struct zt_err	 err;
	char		*name;
	size_t		 n;
	int		 rc = 0;

	memset(&sp, 0, sizeof(sp));
	sp.src = m;
	memset(&src, 0, sizeof(src));
	src.info = *info;
	src.path = path;
	src.open = first_open;
	src.ctx = &sp;
	if (ex->each(ex->ctx, &src) == -1)
		rc = -1;
	n = strlen(info->name) + 12;
	name = zt_xmalloc(n);
	snprintf(name, n, "%s (previous)", info->name);
	prev.name = name;
	prev.instance = "previous";
	memset(&r2, 0, sizeof(r2));
	r2.read = split_second;
	r2.ctx = &sp;
	r2.name = name;
	if (zt_raw_peek(&r2, &err) == -1) {
		zt_diag_err(&err);
		rc = -1;
	} else if (sp.found && zt_raw_source(ex, &prev, path, &r2, 0) == -1)
		rc = -1;
	free(r2.head);
	free(sp.carry);
	free(name);
	return rc;
}

/* ---- members --------------------------------------------------------- */

/* The whole member read into memory (config_dump), or NULL past max. */
static char *
slurp(struct zt_raw *m, size_t max, size_t *n, struct zt_err *err)
{
	char	*b = NULL;
	size_t	 size = 0;
	long	 got;

	*n = 0;
	for (;;) {
		if (*n == size) {
			if (size >= max) {
				free(b);
				zt_err_set(err, "bigger than %zu MB", max >> 20);
				return NULL;
			}
			size = size ? size * 2 : CHUNK;
			b = zt_xrealloc(b, size);
		}
		got = zt_raw_read(m, b + *n, size - *n, err);
		if (got < 0) {
			free(b);
			return NULL;
		}
		if (got == 0)
			return b;
		*n += (size_t)got;
	}
}

static void
skip(const struct zt_expand *ex, const char *name, const char *reason)
{
	if (ex->skip != NULL)
		ex->skip(ex->ctx, name, reason);
}

static int
expand_member(const struct zt_expand *ex, struct arc *ac,
    struct archive_entry *e, const char *path, int depth, int *sources)
{
	struct zt_srcpath sp;
	struct zt_srcinfo info;
	struct zt_raw	 m;
	struct zt_err	 err;
	char		*name;
	char		*bytes;
	size_t		 n;
	int		 rc = 0;

	n = strlen(ac->name) + strlen(path) + 2;
	name = zt_xmalloc(n);
	snprintf(name, n, "%s:%s", ac->name, path);
	if (archive_entry_filetype(e) == AE_IFDIR)
		goto out;
	if (archive_entry_hardlink(e) != NULL ||
	    archive_entry_filetype(e) == AE_IFLNK) {
		skip(ex, name, "link in an archive (not followed)");
		goto out;
	}
	if (archive_entry_filetype(e) != AE_IFREG) {
		skip(ex, name, "not a regular file");
		goto out;
	}
	if (!zt_expand_wants(ex, path))
		goto out;
	zt_srcpath_read(&sp, path, 1);
	if (sp.what != ZT_PATH_BUGREPORT_LOG &&
	    sp.what != ZT_PATH_BUGREPORT_INVENTORY &&
	    zt_bugreport_member(path)) {
		skip(ex, name, "bug-report file that is no ztunnel log");
		goto out;
	}
	info = sp.info;
	info.name = name;
	info.wrap = ZT_WRAP_AUTO;
	memset(&m, 0, sizeof(m));
	m.read = member_read;
	m.ctx = ac;
	m.name = name;
	if (sp.what == ZT_PATH_BUGREPORT_INVENTORY) {
		if ((bytes = slurp(&m, ZT_INVENTORY_MAX, &n, &err)) == NULL) {
			zt_diag_notice(name, "config_dump not kept: %s",
			    err.msg);
			skip(ex, name, "config_dump that cannot be kept");
		} else if (ex->inventory != NULL)
			ex->inventory(ex->ctx, &info, bytes, n);
		else
			skip(ex, name, "config_dump (inventory)");
		free(bytes);
		goto out;
	}
	if (*sources >= MAXSOURCES) {
		skip(ex, name, "past the archive's limit of sources");
		goto out;
	}
	if (zt_raw_peek(&m, &err) == -1) {
		zt_diag_err(&err);
		rc = -1;
		goto out_raw;
	}
	switch (zt_raw_kind(m.head, m.nhead)) {
	case ZT_RAW_ARCHIVE:
		if (depth > 0) {
			skip(ex, name, "archive inside an archive inside an "
			    "archive (one level is read)");
			break;
		}
		rc = zt_archive_expand(ex, name, &m, depth + 1, 1);
		break;
	case ZT_RAW_PACKED:
		(*sources)++;
		rc = zt_archive_expand(ex, name, &m, depth + 1, 1);
		break;
	default:
		if (sp.what == ZT_PATH_BUGREPORT_LOG && m.nhead >=
		    sizeof(present) - 1 && memcmp(m.head, present,
		    sizeof(present) - 1) == 0) {
			/* asked as one; read as two */
			if (ex->wanted != NULL && !ex->wanted(ex->ctx,
			    &(struct zt_source){ info, path, NULL, NULL },
			    (const char *)m.head, m.nhead))
				break;
			(*sources)++;
			rc = split_member(ex, &info, path, &m);
		} else if ((rc = zt_raw_source(ex, &info, path, &m, 1)) ==
		    1)
			rc = 0;
		else
			(*sources)++;
		break;
	}
out_raw:
	free(m.head);
out:
	free(name);
	return rc;
}

int
zt_archive_expand(const struct zt_expand *ex, const char *name,
    struct zt_raw *raw, int depth, int walked)
{
	struct archive_entry	*e;
	struct zt_srcpath	 sp;
	struct zt_srcinfo	 info;
	struct zt_raw		 m;
	struct zt_err		 err;
	struct arc		*ac;
	const char		*path;
	long			 members = 0;
	int			 sources = 0;
	int			 noted = 0;
	int			 rc = 0;
	int			 r;

	ac = zt_xcalloc(1, sizeof(*ac));
	ac->raw = raw;
	ac->name = name;
	ac->a = archive_read_new();
	archive_read_support_filter_gzip(ac->a);
	archive_read_support_filter_bzip2(ac->a);
	archive_read_support_filter_xz(ac->a);
	archive_read_support_filter_zstd(ac->a);
	archive_read_support_format_tar(ac->a);
	archive_read_support_format_gnutar(ac->a);
	archive_read_support_format_zip(ac->a);
	archive_read_support_format_raw(ac->a);
	if (archive_read_open(ac->a, ac, NULL, arc_read, NULL) != ARCHIVE_OK) {
		zt_diag_error(name, "cannot read the archive: %s",
		    archive_error_string(ac->a) != NULL ?
		    archive_error_string(ac->a) : "unknown format");
		rc = -1;
		goto out;
	}
	while ((r = archive_read_next_header(ac->a, &e)) == ARCHIVE_OK ||
	    r == ARCHIVE_WARN) {
		if (archive_format(ac->a) == ARCHIVE_FORMAT_RAW) {
			/* A packed file: one source, named as it is. */
			zt_srcpath_read(&sp, name, 0);
			info = sp.info;
			info.name = name;
			memset(&m, 0, sizeof(m));
			m.read = member_read;
			m.ctx = ac;
			m.name = name;
			if (zt_raw_peek(&m, &err) == -1) {
				zt_diag_err(&err);
				rc = -1;
			} else if (zt_raw_source(ex, &info, name, &m, walked) ==
			    -1)
				rc = -1;
			/* (1: not wanted, said by wanted) */
			free(m.head);
			break;
		}
		if (depth > 1) {
			skip(ex, name, "archive inside an archive inside an "
			    "archive (one level is read)");
			break;
		}
		if (++members > MAXMEMBERS) {
			zt_diag_error(name, "more than %d members: the rest is "
			    "not read", MAXMEMBERS);
			rc = -1;
			break;
		}
		path = archive_entry_pathname(e);
		if (path == NULL || *path == '\0') {
			skip(ex, name, "member without a name");
			continue;
		}
		if (expand_member(ex, ac, e, path, depth, &sources) == -1)
			rc = -1;
		if (ac->bomb || ac->failed)
			break;
		if (sources == MAXSOURCES && members > 0 && !noted++)
			zt_diag_notice(name, "%d members read: the archive's "
			    "limit; the rest is counted, not read", MAXSOURCES);
	}
	if (ac->failed) {
		zt_diag_err(&ac->err);
		rc = -1;
	} else if (ac->bomb) {
		rc = -1;	/* said by the reader of the member */
	} else if (r == ARCHIVE_FATAL || r == ARCHIVE_RETRY) {
		zt_diag_error(name, "cannot read the archive: %s",
		    archive_error_string(ac->a) != NULL ?
		    archive_error_string(ac->a) : "damaged");
		rc = -1;
	}
out:
	archive_read_free(ac->a);
	free(ac);
	return rc;
}

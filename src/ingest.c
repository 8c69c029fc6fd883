/*
 * ingest.c -- see ingest.h.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest.h"
#include "input.h"
#include "lines.h"
#include "record.h"
#include "xalloc.h"

#define WARN_MAX	10

void
zt_ingest_init(struct zt_ingest *ig, struct zt_store *st, size_t maxline)
{
	memset(ig, 0, sizeof(*ig));
	ig->st = st;
	ig->maxline = maxline;
	ig->warn_left = WARN_MAX;
}

static void
malformed(struct zt_ingest *ig, const char *name, unsigned long line,
    const char *why)
{
	if (ig->warn_left > 0) {
		ig->warn_left--;
		zt_diag_warn(name, line, "malformed access line: %s", why);
	} else
		ig->unwarned++;
}

/*
 * Read one source into the current transaction.  Returns 0, -1 for an
 * input error after which what was read is still kept, -2 for a database
 * error (the caller rolls back).
 */
static int
read_source(struct zt_ingest *ig, struct zt_input *in, const char *name,
    struct zt_source_stats *ss, struct zt_err *err)
{
	struct zt_lines		 lr;
	struct zt_parser	 ps;
	struct zt_rec		 rec;
	struct zt_str		 line;
	enum zt_class		 cls;
	int			 toolong;
	int			 r;
	int			 rc = 0;
	char			 why[64];

	zt_lines_init(&lr, in, ig->maxline);
	zt_parser_init(&ps);
	while ((r = zt_lines_next(&lr, &line, &toolong, err)) == 1) {
		if (toolong) {
			memset(&rec, 0, sizeof(rec));
			cls = ZT_CLASS_MALFORMED;
			snprintf(why, sizeof(why), "line too long (over %zu "
			    "bytes)", ig->maxline);
			/* Still credit the line to its pod when we can. */
			(void)zt_parse_line(&ps, line, &rec);
			snprintf(rec.why, sizeof(rec.why), "%s", why);
		} else
			cls = zt_parse_line(&ps, line, &rec);
		ss->lines++;
		zt_store_count(ig->st, rec.pod, cls);
		switch (cls) {
		case ZT_CLASS_RECORD:
			ss->records++;
			if (rec.fmt == ZT_FMT_JSON)
				ss->json = 1;
			else
				ss->text = 1;
			if (ss->records == 1 || rec.ts_us < ss->first_us)
				ss->first_us = rec.ts_us;
			if (ss->records == 1 || rec.ts_us > ss->last_us)
				ss->last_us = rec.ts_us;
			if (zt_store_record(ig->st, lr.lineno, &rec, err) == -1)
				rc = -2;
			break;
		case ZT_CLASS_OTHER:
			ss->other++;
			break;
		case ZT_CLASS_MALFORMED:
			ss->malformed++;
			malformed(ig, name, lr.lineno, rec.why);
			if (zt_store_reject(ig->st, lr.lineno, rec.why, line,
			    err) == -1)
				rc = -2;
			break;
		}
		if (rc == -2)
			break;
	}
	if (r == -1)
		rc = -1;
	ss->gzip = zt_input_gzip(in);
	ss->bytes = zt_input_bytes(in);
	zt_input_sha256(in, ss->sha256);
	zt_parser_fini(&ps);
	zt_lines_fini(&lr);
	return rc;
}

static void
tally(struct zt_ingest *ig, const struct zt_source_stats *ss)
{
	ig->sources++;
	ig->lines += ss->lines;
	ig->records += ss->records;
	ig->other += ss->other;
	ig->malformed += ss->malformed;
}

static int
ingest_file(struct zt_ingest *ig, const char *path)
{
	struct zt_input		*in;
	struct zt_source_stats	 ss;
	struct zt_err		 err;
	struct zt_err		 ierr;
	char			*dup;
	int			 r;

	if (zt_input_open(&in, path, &err) == -1) {
		zt_diag_err(&err);
		ig->failed++;
		return -1;
	}
	if (zt_store_begin(ig->st, path, &err) == -1) {
		zt_input_close(in);
		zt_diag_err(&err);
		ig->failed++;
		return -1;
	}
	memset(&ss, 0, sizeof(ss));
	r = read_source(ig, in, path, &ss, &ierr);
	zt_input_close(in);
	if (r == -2) {
		zt_store_abort(ig->st);
		ierr.file = path;
		zt_diag_err(&ierr);
		zt_diag_notice(path, "nothing stored from this source");
		ig->failed++;
		return -1;
	}
	switch (zt_store_end(ig->st, &ss, &dup, &err)) {
	case 1:
		zt_diag_notice(path, "same content as %s, already in the "
		    "database; skipped", dup);
		free(dup);
		ig->skipped++;
		break;
	case -1:
		err.file = path;
		zt_diag_err(&err);
		ig->failed++;
		return -1;
	default:
		tally(ig, &ss);
		break;
	}
	if (r == -1) {
		zt_diag_err(&ierr);
		zt_diag_notice(path, "kept the %llu lines read before the "
		    "error", (unsigned long long)ss.lines);
		ig->failed++;
		return -1;
	}
	return 0;
}

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
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collect the regular files below dir; returns -1 if some could not be read. */
static int
walk(const char *dir, struct pathv *pv, int depth)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	char		*p;
	size_t		 n;
	int		 rc = 0;

	if (depth > 64) {
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
		n = strlen(dir) + strlen(de->d_name) + 2;
		p = zt_xmalloc(n);
		snprintf(p, n, "%s%s%s", dir,
		    dir[strlen(dir) - 1] == '/' ? "" : "/", de->d_name);
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

int
zt_ingest_operand(struct zt_ingest *ig, const char *path)
{
	struct stat	 sb;
	struct pathv	 pv = { NULL, 0 };
	size_t		 i;
	int		 rc;

	if (strcmp(path, "-") == 0 || stat(path, &sb) == -1 ||
	    !S_ISDIR(sb.st_mode))
		return ingest_file(ig, path);
	rc = walk(path, &pv, 0);
	qsort(pv.v, pv.n, sizeof(*pv.v), cmp);
	for (i = 0; i < pv.n; i++) {
		if (ingest_file(ig, pv.v[i]) == -1)
			rc = -1;
		/* Source names in the database outlive pv; they were copied. */
		free(pv.v[i]);
	}
	free(pv.v);
	return rc;
}

static const char *
s(uint64_t n)
{
	return n == 1 ? "" : "s";
}

void
zt_ingest_summary(const struct zt_ingest *ig)
{
	char	 dup[64] = "";

	if (ig->unwarned > 0)
		zt_diag_warn(NULL, 0, "%llu more malformed line%s not shown",
		    (unsigned long long)ig->unwarned, s(ig->unwarned));
	if (ig->skipped > 0)
		snprintf(dup, sizeof(dup), ", %llu skipped as duplicate",
		    (unsigned long long)ig->skipped);
	zt_diag_info("%llu source%s, %llu line%s: %llu record%s, %llu other, "
	    "%llu malformed%s", (unsigned long long)ig->sources, s(ig->sources),
	    (unsigned long long)ig->lines, s(ig->lines),
	    (unsigned long long)ig->records, s(ig->records),
	    (unsigned long long)ig->other, (unsigned long long)ig->malformed,
	    dup);
}

/*
 * t_source.c -- operands into sources (source.h): what zt_source_expand()
 * hands out, in which order, and how a source is opened.
 *
 * Test plan:
 *   t_source-1.*  single operands: "-" is standard input, one source
 *                 named "-" with nothing else known and the auto wrapper;
 *                 a file is one source named as given; a path that does
 *                 not exist is one source too, whose opening fails with
 *                 the path and the reason in err.
 *   t_source-2.*  directories: regular files below, recursively, sorted
 *                 bytewise by path whatever readdir's order; dotfiles and
 *                 dot-directories skipped; a link to a file followed and
 *                 named by the link, a link to a directory, a dangling
 *                 link and a FIFO skipped; a trailing slash gives no
 *                 double slash; a directory without a regular file hands
 *                 out nothing and is no error (qsort(NULL, 0) was UB); a
 *                 failing source does not stop the walk but makes the
 *                 result -1; nesting past the limit is an error, and the
 *                 files above it are still handed out.
 *   t_source-3.*  opening: a file source reads the file's bytes; a source
 *                 with its own opener (what an archive member will be) is
 *                 opened through it, with the source in hand.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "in/input.h"
#include "in/source.h"
#include "tt.h"

static char	 dir[64];

/* What the callback saw: "name|path" per source, a newline after each. */
struct seen {
	char	 buf[8192];
	size_t	 n;
	int	 calls;
	int	 fail;		/* return -1 for the source with this number */
	int	 odd;		/* a source with more than a name and a path */
};

static int
collect(void *ctx, const struct zt_source *src)
{
	struct seen	*s = ctx;
	int		 k;

	s->calls++;
	if (src->info.pod != NULL || src->info.ns != NULL ||
	    src->info.container != NULL || src->info.node != NULL ||
	    src->info.instance != NULL || src->info.wrap != ZT_WRAP_AUTO)
		s->odd++;
	k = snprintf(s->buf + s->n, sizeof(s->buf) - s->n, "%s|%s\n",
	    src->info.name, src->path);
	if (k > 0 && (size_t)k < sizeof(s->buf) - s->n)
		s->n += (size_t)k;
	return s->calls == s->fail ? -1 : 0;
}

static int
expand(struct seen *s, const char *operand)
{
	struct zt_expand ex;

	memset(&ex, 0, sizeof(ex));
	ex.each = collect;
	ex.ctx = s;
	memset(s->buf, 0, sizeof(s->buf));
	s->n = 0;
	s->calls = 0;
	s->odd = 0;
	return zt_source_expand(&ex, operand);
}

static void
put(const char *name, const char *text)
{
	char	 path[256];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

static void
mk(const char *name)
{
	char	 path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (mkdir(path, 0700) == -1) {
		perror(path);
		exit(1);
	}
}

/* "dir/rel" into out. */
static const char *
at(char *out, size_t n, const char *rel)
{
	snprintf(out, n, "%s/%s", dir, rel);
	return out;
}

/* t_source-1.1 */
static void
stdin_is_one_source(void)
{
	struct seen	 s = { .fail = 0 };

	TT_EQ_INT(expand(&s, "-"), 0);
	TT_EQ_INT(s.calls, 1);
	TT_EQ_STR(s.buf, "-|-\n");
	TT_EQ_INT(s.odd, 0);
}

/* t_source-1.2 */
static void
a_file_is_one_source_even_a_missing_one(void)
{
	struct seen	 s = { .fail = 0 };
	struct zt_source src;
	struct zt_input	*in = NULL;
	struct zt_err	 err;
	char		 p[256];
	char		 want[600];

	put("one.log", "x\n");
	TT_EQ_INT(expand(&s, at(p, sizeof(p), "one.log")), 0);
	snprintf(want, sizeof(want), "%s|%s\n", p, p);
	TT_EQ_STR(s.buf, want);
	TT_EQ_INT(s.odd, 0);

	TT_EQ_INT(expand(&s, at(p, sizeof(p), "nope.log")), 0);
	snprintf(want, sizeof(want), "%s|%s\n", p, p);
	TT_EQ_STR(s.buf, want);
	zt_source_init(&src, p);
	TT_EQ_INT(zt_source_open(&src, &in, &err), -1);
	TT_CHECK(err.file == p);
	TT_EQ_STR(err.msg, "cannot open: No such file or directory");
}

/* t_source-2.1 */
static void
a_walk_is_sorted_and_skips_what_is_no_file(void)
{
	struct seen	 s = { .fail = 0 };
	char		 p[256];
	char		 q[256];
	char		 want[2048];

	mk("w");
	mk("w/d");
	mk("w/.git");
	mk("w/other");
	put("w/e.log", "");
	put("w/c.log", "");
	put("w/B.log", "");
	put("w/d/x.log", "");
	put("w/.hidden", "");
	put("w/.git/config", "");
	put("w/other/y.log", "");
	if (symlink(at(p, sizeof(p), "w/c.log"), at(q, sizeof(q),
	    "w/link.log")) == -1 ||
	    symlink(at(p, sizeof(p), "w/other"), at(q, sizeof(q),
	    "w/linkdir")) == -1 ||
	    symlink(at(p, sizeof(p), "w/gone"), at(q, sizeof(q),
	    "w/dangling")) == -1 ||
	    mkfifo(at(p, sizeof(p), "w/fifo"), 0600) == -1) {
		perror("t_source: links");
		exit(1);
	}
	TT_EQ_INT(expand(&s, at(p, sizeof(p), "w")), 0);
	snprintf(want, sizeof(want),
	    "%s/w/B.log|%s/w/B.log\n%s/w/c.log|%s/w/c.log\n"
	    "%s/w/d/x.log|%s/w/d/x.log\n%s/w/e.log|%s/w/e.log\n"
	    "%s/w/link.log|%s/w/link.log\n"
	    "%s/w/other/y.log|%s/w/other/y.log\n",
	    dir, dir, dir, dir, dir, dir, dir, dir, dir, dir, dir, dir);
	TT_EQ_STR(s.buf, want);
	TT_EQ_INT(s.odd, 0);

	/* A trailing slash is not doubled. */
	TT_EQ_INT(expand(&s, at(p, sizeof(p), "w/d/")), 0);
	snprintf(want, sizeof(want), "%s/w/d/x.log|%s/w/d/x.log\n", dir,
	    dir);
	TT_EQ_STR(s.buf, want);
}

/* t_source-2.2 */
static void
a_walk_without_files_is_no_error(void)
{
	struct seen	 s = { .fail = 0 };
	char		 p[256];

	mk("empty");
	TT_EQ_INT(expand(&s, at(p, sizeof(p), "empty")), 0);
	TT_EQ_INT(s.calls, 0);
	mk("empty/inner");
	put("empty/.dot", "x\n");
	TT_EQ_INT(expand(&s, at(p, sizeof(p), "empty")), 0);
	TT_EQ_INT(s.calls, 0);
}

/* t_source-2.3 */
static void
a_failing_source_does_not_stop_the_walk(void)
{
	struct seen	 s = { .fail = 2 };
	char		 p[256];

	mk("f");
	put("f/1.log", "");
	put("f/2.log", "");
	put("f/3.log", "");
	TT_EQ_INT(expand(&s, at(p, sizeof(p), "f")), -1);
	TT_EQ_INT(s.calls, 3);
	s.fail = 0;
	TT_EQ_INT(expand(&s, at(p, sizeof(p), "f")), 0);
}

/* t_source-2.4 */
static void
nesting_past_the_limit_is_an_error(void)
{
	struct seen	 s = { .fail = 0 };
	char		 rel[256];
	char		 p[256];
	char		 want[600];
	int		 i;

	mk("deep");
	put("deep/top.log", "");
	snprintf(rel, sizeof(rel), "deep");
	for (i = 0; i < 66; i++) {
		strcat(rel, "/d");
		mk(rel);
	}
	TT_EQ_INT(expand(&s, at(p, sizeof(p), "deep")), -1);
	snprintf(want, sizeof(want), "%s/deep/top.log|%s/deep/top.log\n",
	    dir, dir);
	TT_EQ_STR(s.buf, want);
}

/* t_source-3.1 */
static void
a_file_source_reads_the_file(void)
{
	struct zt_source src;
	struct zt_input	*in;
	struct zt_err	 err;
	char		 p[256];
	char		 buf[16];

	put("abc.log", "abc");
	zt_source_init(&src, at(p, sizeof(p), "abc.log"));
	TT_EQ_INT(zt_source_open(&src, &in, &err), 0);
	TT_EQ_INT(zt_input_read(in, buf, sizeof(buf), &err), 3);
	TT_CHECK(memcmp(buf, "abc", 3) == 0);
	TT_EQ_INT(zt_input_read(in, buf, sizeof(buf), &err), 0);
	zt_input_close(in);
}

/* An opener of bytes held in memory: ctx is the text. */
static long
text_read(void *ctx, void *buf, size_t n, struct zt_err *err)
{
	const char	**t = ctx;
	size_t		 k = strlen(*t);

	(void)err;
	if (k > n)
		k = n;
	memcpy(buf, *t, k);
	*t += k;
	return (long)k;
}

static int
text_open(const struct zt_source *src, struct zt_input **in,
    struct zt_err *err)
{
	struct zt_reader r = { src->ctx, text_read, NULL };

	(void)err;
	*in = zt_input_new(src->info.name, &r);
	return 0;
}

/* t_source-3.2 */
static void
a_source_with_its_own_opener(void)
{
	const char	*text = "member bytes";
	struct zt_source src = { { "x.tar:a.log", "ztunnel-a", "istio-system",
	    "istio-proxy", NULL, "previous", "bug-report", ZT_WRAP_PLAIN }, NULL,
	    text_open,
	    &text };
	struct zt_input	*in;
	struct zt_err	 err;
	char		 buf[32];

	TT_EQ_INT(zt_source_open(&src, &in, &err), 0);
	TT_EQ_INT(zt_input_read(in, buf, sizeof(buf), &err), 12);
	TT_CHECK(memcmp(buf, "member bytes", 12) == 0);
	TT_EQ_INT(zt_input_read(in, buf, sizeof(buf), &err), 0);
	TT_EQ_INT(zt_input_bytes(in), 12);
	zt_input_close(in);
}

int
main(void)
{
	char	 cmd[128];
	int	 rc;

	snprintf(dir, sizeof(dir), "/tmp/t_source.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	zt_diag_quiet(1);
	stdin_is_one_source();
	a_file_is_one_source_even_a_missing_one();
	a_walk_is_sorted_and_skips_what_is_no_file();
	a_walk_without_files_is_no_error();
	a_failing_source_does_not_stop_the_walk();
	nesting_past_the_limit_is_an_error();
	a_file_source_reads_the_file();
	a_source_with_its_own_opener();
	rc = tt_finish("t_source");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}

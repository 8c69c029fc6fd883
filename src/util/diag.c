/*
 * diag.c -- the stderr sink; see diag.h.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/diag.h"
#include "util/escape.h"
#include "util/text.h"
#include "util/wrap.h"
#include "util/xalloc.h"

static int quiet;
static int status;

static pthread_mutex_t		 kept_mu = PTHREAD_MUTEX_INITIALIZER;
static struct zt_diag_entry	 kept[ZT_DIAG_KEEP];
static size_t			 nkept;
static size_t			 nerrors;

static void
keep(const char *file, unsigned long line, unsigned long col,
    const char *msg)
{
	struct zt_diag_entry	*e;

	pthread_mutex_lock(&kept_mu);
	if (nkept < ZT_DIAG_KEEP) {
		e = &kept[nkept++];
		e->file = file != NULL ? zt_xstrdup(file) : NULL;
		e->line = line;
		e->col = col;
		e->msg = zt_xstrdup(msg);
	}
	nerrors++;
	pthread_mutex_unlock(&kept_mu);
}

size_t
zt_diag_errors(const struct zt_diag_entry **v, size_t *n)
{
	size_t	 all;

	pthread_mutex_lock(&kept_mu);
	*v = kept;
	*n = nkept;
	all = nerrors;
	pthread_mutex_unlock(&kept_mu);
	return all;
}

void
zt_diag_forget(void)
{
	size_t	 i;

	pthread_mutex_lock(&kept_mu);
	for (i = 0; i < nkept; i++) {
		free(kept[i].file);
		free(kept[i].msg);
	}
	memset(kept, 0, sizeof(kept));
	nkept = nerrors = 0;
	pthread_mutex_unlock(&kept_mu);
}

int
zt_err_set(struct zt_err *err, const char *fmt, ...)
{
	va_list	 ap;

	err->file = NULL;
	err->line = 0;
	err->col = 0;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int
zt_err_at(struct zt_err *err, const char *file, unsigned long line,
    unsigned long col, const char *fmt, ...)
{
	va_list	 ap;

	err->file = file;
	err->line = line;
	err->col = col;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void
zt_diag_quiet(int on)
{
	quiet = on;
}

void
zt_diag_raise(int s)
{
	if (s > status)
		status = s;
}

int
zt_diag_status(void)
{
	return status;
}

/* Columns stderr has (zt_diag_width), 0: no limit. */
static size_t width;

void
zt_diag_width(size_t w)
{
	width = w;
}

/* What clears a line drawn in place on stderr (progress), or NULL. */
static void	(*clear_line)(void);

/* Write one diagnostic (no newline in b) to stderr, wrapped; free b. */
static void
put(struct zt_buf *b)
{
	fflush(stdout);
	/* A progress line on the terminal goes first (zt_diag_clear_hook). */
	if (clear_line != NULL)
		clear_line();
	zt_wrap_fput(stderr, b->p, b->n, width);
	putc('\n', stderr);
	zt_buf_free(b);
}

static void emit(const char *, unsigned long, unsigned long, const char *,
    const char *, va_list) __attribute__((format(printf, 5, 0)));

void
zt_diag_clear_hook(void (*fn)(void))
{
	clear_line = fn;
}

/* What runs once before the next message (zt_diag_before), and where. */
static void	(*before_fn)(void *);
static void	*before_ctx;
static pthread_t before_thread;

void
zt_diag_before(void (*fn)(void *), void *ctx)
{
	before_fn = fn;
	before_ctx = ctx;
	before_thread = pthread_self();
}

/* Run the before-hook, once, on the thread that set it. */
static void
before(void)
{
	void	(*fn)(void *);

	/* (Other threads do not print; were one to, it leaves the hook.) */
	if (!pthread_equal(pthread_self(), before_thread))
		return;
	fn = before_fn;
	before_fn = NULL;
	if (fn != NULL)
		fn(before_ctx);
}

static void
emit(const char *file, unsigned long line, unsigned long col,
    const char *level, const char *fmt, va_list ap)
{
	struct zt_buf	 b = { NULL, 0, 0 };
	char		 buf[1024];
	char		 num[48];
	int		 n;

	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	zt_buf_add(&b, "ztlog: ", 7);
	if (file != NULL) {
		zt_escape(&b, ZT_ESC_TEXT, file, strlen(file));
		if (line > 0) {
			snprintf(num, sizeof(num), ":%lu", line);
			zt_buf_add(&b, num, strlen(num));
		}
		if (line > 0 && col > 0) {
			snprintf(num, sizeof(num), ":%lu", col);
			zt_buf_add(&b, num, strlen(num));
		}
		zt_buf_add(&b, ": ", 2);
	}
	if (level != NULL) {
		zt_buf_add(&b, level, strlen(level));
		zt_buf_add(&b, ": ", 2);
	}
	zt_escape(&b, ZT_ESC_TEXT, buf, (size_t)n);
	put(&b);
}

static void emitf(const char *, const char *, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
emitf(const char *file, const char *level, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	emit(file, 0, 0, level, fmt, ap);
	va_end(ap);
}

static void emitat(const char *, unsigned long, unsigned long, const char *,
    ...) __attribute__((format(printf, 4, 5)));

static void
emitat(const char *file, unsigned long line, unsigned long col,
    const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	emit(file, line, col, "error", fmt, ap);
	va_end(ap);
}

void
zt_diag_err(const struct zt_err *err)
{
	before();
	zt_diag_raise(ZT_EXIT_ERROR);
	emitat(err->file, err->line, err->col, "%s", err->msg);
	keep(err->file, err->line, err->col, err->msg);
}

void
zt_diag_error(const char *file, const char *fmt, ...)
{
	va_list	 ap;

	char	 msg[1024];

	before();
	zt_diag_raise(ZT_EXIT_ERROR);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	emitf(file, "error", "%s", msg);
	keep(file, 0, 0, msg);
}

void
zt_diag_warn(const char *file, unsigned long line, const char *fmt, ...)
{
	va_list	 ap;

	before();
	if (quiet)
		return;
	va_start(ap, fmt);
	emit(file, line, 0, "warning", fmt, ap);
	va_end(ap);
}

void
zt_diag_notice(const char *file, const char *fmt, ...)
{
	va_list	 ap;

	before();
	if (quiet)
		return;
	va_start(ap, fmt);
	emit(file, 0, 0, "notice", fmt, ap);
	va_end(ap);
}

void
zt_diag_info(const char *fmt, ...)
{
	va_list	 ap;

	before();
	if (quiet)
		return;
	va_start(ap, fmt);
	emit(NULL, 0, 0, NULL, fmt, ap);
	va_end(ap);
}

/*
 * diag.h -- the one place that writes diagnostics to stderr.
 *
 * Every message has the shape "ztlog: [file[:line]: ]level: message".
 * Modules never print: fallible functions fill a caller-owned zt_err and
 * return -1; the command layer hands the zt_err to zt_diag_err().  The
 * worst severity seen becomes the exit status (mandoc's scheme).
 */
#ifndef ZT_DIAG_H
#define ZT_DIAG_H

#include <stdarg.h>
#include <stddef.h>

#define ZT_ATTR_PRINTF(f, a) __attribute__((format(printf, f, a)))

struct zt_err {
	const char	*file;		/* input name, "-" for stdin; NULL */
	unsigned long	 line;		/* 1-based; 0 if not tied to a line */
	unsigned long	 col;		/* 1-based column (characters in rule
				   files); 0 if unknown */
	char		 msg[512];
};

enum zt_exit {
	ZT_EXIT_OK = 0,
	ZT_EXIT_FAIL = 1,	/* a check failed */
	ZT_EXIT_ERROR = 2	/* usage, input, rule or database error */
};

/* Set err's message (and reset position); returns -1 for "return zt_err_set". */
int	zt_err_set(struct zt_err *err, const char *fmt, ...) ZT_ATTR_PRINTF(2, 3);
/* Same, and record a position. */
int	zt_err_at(struct zt_err *err, const char *file, unsigned long line,
	    unsigned long col, const char *fmt, ...) ZT_ATTR_PRINTF(5, 6);

/*
 * fn runs before each message is printed (NULL: nothing): it erases a
 * line drawn in place on stderr, the progress line, which is redrawn at
 * its next update.
 */
void	zt_diag_clear_hook(void (*fn)(void));
/*
 * fn(ctx) runs once, before the next message of any level (even one quiet
 * mode drops), on the thread that set it (NULL: nothing): ingest finishes
 * a source whose storing it put off, so that its messages come first.
 */
void	zt_diag_before(void (*fn)(void *), void *ctx);
/* Quiet mode drops notices and warnings, never errors. */
void	zt_diag_quiet(int on);
/* Wrap each diagnostic at the words to w columns (wrap.h); 0: never. */
void	zt_diag_width(size_t w);
/* Print an error from err and raise the exit status to ZT_EXIT_ERROR. */
void	zt_diag_err(const struct zt_err *err);
void	zt_diag_error(const char *file, const char *fmt, ...) ZT_ATTR_PRINTF(2, 3);
void	zt_diag_warn(const char *file, unsigned long line, const char *fmt, ...)
	    ZT_ATTR_PRINTF(3, 4);
void	zt_diag_notice(const char *file, const char *fmt, ...) ZT_ATTR_PRINTF(2, 3);
/* Plain line "ztlog: ..." (the summary), suppressed when quiet. */
void	zt_diag_info(const char *fmt, ...) ZT_ATTR_PRINTF(1, 2);
/* The exit status so far; zt_diag_raise() raises it. */
int	zt_diag_status(void);
void	zt_diag_raise(int status);

/*
 * The errors printed so far, kept for the reports: every zt_diag_err()
 * and zt_diag_error() adds one (thread-safe).  The first ZT_DIAG_KEEP
 * are kept with their position; the rest are only counted.
 */
#define ZT_DIAG_KEEP	32

struct zt_diag_entry {
	char		*file;		/* NULL when not about a file */
	unsigned long	 line;		/* 0 if none */
	unsigned long	 col;		/* 0 if none */
	char		*msg;		/* the message, unescaped */
};

/*
 * The kept errors in the order printed; *n their number.  The array and
 * its strings belong to diag and stay valid until zt_diag_forget().
 * Returns the number of errors there were in all (>= *n).
 */
size_t	zt_diag_errors(const struct zt_diag_entry **v, size_t *n);
/* Free the kept errors and count from 0 again (the status stays). */
void	zt_diag_forget(void);

#endif

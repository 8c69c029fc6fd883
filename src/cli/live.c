/*
 * live.c -- what a run that reads a stream adds: the live state its
 * reports state (interrupted, follow), the tick that zt_cli_load gives
 * ingest, and the progress line on a terminal.
 *
 * The progress line: when standard error is a terminal and -q is not
 * given, after a second of reading, one line redrawn in place (bytes and
 * percent of a file, lines/s, records, ETA), erased when reading ends.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <unistd.h>

#include "cli/cli.h"
#include "util/diag.h"

static struct zt_report_live	 live;

/* The tick zt_cli_load hands ingest (follow's), if any. */
static struct {
	void	(*fn)(void *ctx, const struct zt_ingest_live *lv);
	void	*ctx;
	int64_t	 ms;
	int	 eager;
} ticker;

/* The progress line. */
static struct {
	struct timespec	 t0;		/* when reading began */
	int		 shown;		/* a line is on the terminal */
	const char	*name;		/* the source of t_src */
	struct timespec	 t_src;		/* when it was first seen */
	uint64_t	 raw_src;	/* its bytes then */
} pg;

const struct zt_report_live *
zt_cli_live(void)
{
	return live.interrupted || live.follow ? &live : NULL;
}

void
zt_cli_live_header(FILE *f, const char *what)
{
	if (live.interrupted)
		fprintf(f, "INTERRUPTED: reading stopped on a signal; %s cover "
		    "what was read before it\n\n", what);
}

struct zt_report_live *
zt_cli_live_edit(void)
{
	return &live;
}

void
zt_cli_set_tick(void (*fn)(void *, const struct zt_ingest_live *), void *ctx,
    int64_t ms, int eager)
{
	ticker.fn = fn;
	ticker.ctx = ctx;
	ticker.ms = ms;
	ticker.eager = eager;
}

static double
since(const struct timespec *t)
{
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) +
	    (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

/* 1234567 as "1.2M", bytes with "B" after (1024s). */
static const char *
human(double v, int bytes, char *b, size_t n)
{
	static const char	 u[] = " kMGT";
	double			 k = bytes ? 1024 : 1000;
	int			 i = 0;

	while (v >= k && i < 4) {
		v /= k;
		i++;
	}
	if (i == 0)
		snprintf(b, n, "%.0f%s", v, bytes ? " B" : "");
	else
		snprintf(b, n, "%.*f%s%c%s", v < 10 ? 1 : 0, v,
		    bytes ? " " : "", bytes && u[i] == 'k' ? 'K' : u[i],
		    bytes ? "B" : "");
	return b;
}

static void
progress_tick(void *ctx, const struct zt_ingest_live *lv)
{
	const struct zt_ingest	*ig = lv->ig;
	char			 a[16], b[16], c[16], d[16];
	char			 pct[64] = "";
	char			 eta[32] = "";
	double			 t = since(&pg.t0);
	double			 ts;
	double			 lines;

	(void)ctx;
	if (pg.name != lv->name) {
		pg.name = lv->name;
		clock_gettime(CLOCK_MONOTONIC, &pg.t_src);
		pg.raw_src = lv->raw;
	}
	if (t < 1.0)
		return;
	lines = (double)(ig->lines + lv->ss->lines);
	if (lv->size > 0 && lv->raw <= (uint64_t)lv->size) {
		snprintf(pct, sizeof(pct), " of %s (%.0f%%)",
		    human((double)lv->size, 1, b, sizeof(b)),
		    100.0 * (double)lv->raw / (double)lv->size);
		ts = since(&pg.t_src);
		if (lv->raw > pg.raw_src && ts >= 0.5)
			snprintf(eta, sizeof(eta), ", ETA %.0fs", (double)
			    ((uint64_t)lv->size - lv->raw) * ts /
			    (double)(lv->raw - pg.raw_src));
	}
	fprintf(stderr, "\r\033[Kztlog: source %" PRIu64 ": %s%s, %s lines/s, "
	    "%s records%s", ig->sources + ig->skipped + ig->refused +
	    ig->failed + 1,
	    human((double)lv->raw, 1, a, sizeof(a)), pct,
	    human(lines / t, 0, c, sizeof(c)), human((double)(ig->records +
	    lv->ss->records), 0, d, sizeof(d)), eta);
	fflush(stderr);
	pg.shown = 1;
}

static void
progress_clear(void)
{
	if (pg.shown) {
		fputs("\r\033[K", stderr);
		pg.shown = 0;
	}
}

void
zt_cli_live_begin(struct zt_ingest *ig, const struct zt_cli_opts *o)
{
	if (ticker.fn != NULL) {
		ig->tick = ticker.fn;
		ig->tick_ctx = ticker.ctx;
		ig->tick_ms = ticker.ms;
		ig->eager = ticker.eager;
		return;
	}
	if (o->quiet || !isatty(STDERR_FILENO))
		return;
	memset(&pg, 0, sizeof(pg));
	clock_gettime(CLOCK_MONOTONIC, &pg.t0);
	ig->tick = progress_tick;
	ig->tick_ms = 250;
	zt_diag_clear_hook(progress_clear);
}

void
zt_cli_live_end(const struct zt_ingest *ig)
{
	progress_clear();
	fflush(stderr);
	zt_diag_clear_hook(NULL);
	if (ig->interrupted) {
		live.interrupted = 1;
		zt_report_interrupted();
		zt_diag_notice(NULL, "interrupted: reading stopped on a "
		    "signal; what was read is kept (a second Ctrl-C ends "
		    "ztlog at once)");
	}
}

/*
 * term.c -- what the command line asks of the terminal and the clock:
 * colour, width, time since the start.  A leaf: the commands, the
 * parser and follow mode use it, it uses none of them.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/text.h"

int
zt_cli_use_color(FILE *f, const struct zt_cli_opts *o)
{
	const char	*nc = getenv("NO_COLOR");
	const char	*term = getenv("TERM");

	if (o->color != 0)
		return o->color == 1;
	if (nc != NULL && nc[0] != '\0')
		return 0;
	if (term != NULL && strcmp(term, "dumb") == 0)
		return 0;
	return isatty(fileno(f));
}

size_t
zt_cli_width(FILE *f)
{
	const char	*c = getenv("COLUMNS");
	struct winsize	 ws;
	int64_t		 v;

	if (f != stdout && f != stderr)
		return 0;	/* a report file: lines as they are */
	if (c != NULL && zt_parse_u63(c, strlen(c), &v) == 0 && v >= 20 &&
	    v <= 10000)
		return (size_t)v;
	if (isatty(fileno(f)) && ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col >= 20)
		return ws.ws_col;
	return 0;
}

double
zt_cli_elapsed(const struct zt_cli_opts *o)
{
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - o->mono.tv_sec) +
	    (double)(now.tv_nsec - o->mono.tv_nsec) / 1e9;
}

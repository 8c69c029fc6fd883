/*
 * sig.h -- Ctrl-C and SIGTERM as a request to stop reading: the command
 * finishes over what it read (a report, a commit) instead of dying.
 *
 * util, used by the inputs (in/) and the command line.
 *
 * The first SIGINT or SIGTERM is noted (zt_sig_caught) and makes a pipe
 * readable, so a reader blocked on a quiet stream wakes up (zt_sig_read,
 * zt_sig_wait); reads then report the end of the input.  A second one
 * ends the process at once, with 128 + the signal (130 for SIGINT),
 * removing the temporaries of report files being written (afile.h).
 * Installed without SA_RESTART; a signal ignored when ztlog started
 * (nohup, a background job) stays ignored.
 */
#ifndef ZT_SIG_H
#define ZT_SIG_H

#include <stddef.h>

/* Start catching SIGINT and SIGTERM; again: nothing. */
void	zt_sig_catch(void);
/* The first signal caught (SIGINT, SIGTERM), or 0. */
int	zt_sig_caught(void);
/*
 * read(2) of fd that gives up once a signal was caught: waits (poll) on
 * fd and on the signal, again if interrupted.  Returns the count, 0 at
 * the end of the input or after a signal, -1 with errno on an error.
 */
long	zt_sig_read(int fd, void *buf, size_t n);
/*
 * Wait up to ms milliseconds (-1: no limit) for fd (-1: none) to be
 * readable.  Returns 1 readable, 0 timed out, -1 a signal was caught.
 */
int	zt_sig_wait(int fd, int ms);

#endif

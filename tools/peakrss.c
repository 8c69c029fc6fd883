/*
 * peakrss.c -- run a command, then report its wall time and peak RSS.
 *
 *   peakrss CMD [ARGS...]
 *
 * CMD runs with peakrss's stdin, stdout and stderr (nothing is captured).
 * When it ends, one line goes to stderr:
 *
 *   peakrss: wall=<seconds, 3 decimals> maxrss_kb=<ru_maxrss>
 *
 * and peakrss exits with CMD's status (128 + signal number if CMD was
 * killed, 127 if it could not be started).  ru_maxrss comes from wait4(),
 * so on Linux it is the largest resident set of CMD or of any descendant it
 * waited for (`peakrss sh -c 'a | b'` reports max(a, b)), in kilobytes.
 * Used by bench/bench.sh, which parses the last `peakrss:` line of stderr.
 */
#define _DEFAULT_SOURCE		/* wait4() on glibc */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct rusage ru;
	double t0;
	double t1;
	pid_t pid;
	int status;
	int rc;

	if (argc < 2 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0) {
		fputs("usage: peakrss CMD [ARGS...]\n"
		      "Run CMD; then print `peakrss: wall=S.SSS maxrss_kb=N` "
		      "to stderr\nand exit with CMD's status.\n",
		    argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	fflush(NULL);
	t0 = now();
	pid = fork();
	if (pid == -1) {
		fprintf(stderr, "peakrss: fork: %s\n", strerror(errno));
		return 127;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		fprintf(stderr, "peakrss: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	/* like time(1): a ^C is for the child; we stay to report */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	while (wait4(pid, &status, 0, &ru) == -1) {
		if (errno != EINTR) {
			fprintf(stderr, "peakrss: wait4: %s\n",
			    strerror(errno));
			return 127;
		}
	}
	t1 = now();
	if (WIFEXITED(status))
		rc = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		rc = 128 + WTERMSIG(status);
	else
		rc = 127;
	fprintf(stderr, "peakrss: wall=%.3f maxrss_kb=%ld\n", t1 - t0,
	    (long)ru.ru_maxrss);
	return rc;
}

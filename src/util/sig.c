/*
 * sig.c -- see sig.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>

#include <unistd.h>

#include "util/afile.h"
#include "util/sig.h"

/*
 * Set by the handler, read by every thread (the reader polls it between
 * reads): a lock-free atomic, which is also async-signal-safe.
 */
#if ATOMIC_INT_LOCK_FREE != 2
#error "signal flag: atomic int is not lock-free here"
#endif
static atomic_int		 caught;
static int			 pfd[2] = { -1, -1 };

/* Async-signal-safe: a flag, a byte into the pipe; or _exit. */
static void
on_signal(int sig)
{
	int	 e = errno;

	if (atomic_load(&caught) != 0) {
		zt_afile_unlink_live();
		_exit(128 + sig);
	}
	atomic_store(&caught, sig);
	if (pfd[1] != -1)
		(void)!write(pfd[1], "", 1);
	errno = e;
}

static void
cloexec_nonblock(int fd)
{
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

void
zt_sig_catch(void)
{
	static const int	 sigs[] = { SIGINT, SIGTERM };
	struct sigaction	 sa;
	struct sigaction	 old;
	size_t			 i;

	if (pfd[0] != -1)
		return;
	if (pipe(pfd) == -1)
		pfd[0] = pfd[1] = -1;
	else {
		cloexec_nonblock(pfd[0]);
		cloexec_nonblock(pfd[1]);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: read(2) returns EINTR */
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

int
zt_sig_caught(void)
{
	return atomic_load(&caught);
}

int
zt_sig_wait(int fd, int ms)
{
	struct pollfd	 p[2];
	int		 n;

	for (;;) {
		if (atomic_load(&caught))
			return -1;
		p[0].fd = fd;
		p[0].events = POLLIN;
		p[0].revents = 0;
		p[1].fd = pfd[0];
		p[1].events = POLLIN;
		p[1].revents = 0;
		n = poll(p, 2, ms);
		if (n == -1 && errno == EINTR)
			continue;
		if (atomic_load(&caught))
			return -1;
		if (n == -1)
			return 1;	/* let the read say what is wrong */
		return p[0].revents != 0 ? 1 : 0;
	}
}

long
zt_sig_read(int fd, void *buf, size_t n)
{
	ssize_t	 got;

	for (;;) {
		if (zt_sig_wait(fd, -1) == -1)
			return 0;
		got = read(fd, buf, n);
		if (got >= 0)
			return (long)got;
		if (errno == EINTR) {
			if (atomic_load(&caught))
				return 0;
			continue;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			continue;	/* a non-blocking descriptor: wait */
		return -1;
	}
}

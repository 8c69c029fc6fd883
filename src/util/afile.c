/*
 * afile.c -- see afile.h.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include "util/afile.h"
#include "util/xalloc.h"

/*
 * The temporaries alive, for the signal handler: fixed buffers, a slot
 * in use while its flag is set (set after the name is written, cleared
 * before it is reused), so the handler never reads a half-written name.
 */
#define NSLOTS	16

static char			 live[NSLOTS][PATH_MAX];
static volatile sig_atomic_t	 inuse[NSLOTS];

static int
slot_take(const char *tmp)
{
	int	 i;

	if (strlen(tmp) >= PATH_MAX)
		return -1;
	for (i = 0; i < NSLOTS; i++) {
		if (!inuse[i]) {
			memcpy(live[i], tmp, strlen(tmp) + 1);
			inuse[i] = 1;
			return i;
		}
	}
	return -1;	/* not cleaned up on a signal; still correct */
}

static void
slot_drop(int i)
{
	if (i >= 0)
		inuse[i] = 0;
}

void
zt_afile_unlink_live(void)
{
	int	 i;

	for (i = 0; i < NSLOTS; i++)
		if (inuse[i])
			unlink(live[i]);
}

static void
on_signal(int sig)
{
	zt_afile_unlink_live();
	signal(sig, SIG_DFL);
	raise(sig);
}

void
zt_afile_catch_signals(void)
{
	static const int	 sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction	 sa;
	struct sigaction	 old;
	size_t			 i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		/*
		 * Leave alone what the shell ignores (nohup, background &),
		 * and what is caught already (sig.c cleans up too).
		 */
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler != SIG_DFL)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

/* "dir/.name.XXXXXX" for "dir/name", ".name.XXXXXX" for "name". */
static char *
tmp_name(const char *path)
{
	const char	*base = strrchr(path, '/');
	size_t		 dn = base != NULL ? (size_t)(base - path) + 1 : 0;
	size_t		 n;
	char		*t;

	base = base != NULL ? base + 1 : path;
	n = dn + 1 + strlen(base) + 8;
	t = zt_xmalloc(n);
	snprintf(t, n, "%.*s.%s.XXXXXX", (int)dn, path, base);
	return t;
}

int
zt_afile_open(struct zt_afile *a, const char *path, struct zt_err *err)
{
	struct stat	 sb;
	mode_t		 mode;
	mode_t		 mask;
	char		*real = NULL;
	int		 fd;

	memset(a, 0, sizeof(*a));
	a->slot = -1;
	a->name = path;
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		if (S_ISDIR(sb.st_mode))
			return zt_err_at(err, path, 0, 0, "cannot write: "
			    "it is a directory");
		if ((a->f = fopen(path, "w")) == NULL)
			return zt_err_at(err, path, 0, 0, "cannot write: %s",
			    strerror(errno));
		a->path = zt_xstrdup(path);
		return 0;
	}
	if (lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode) &&
	    (real = realpath(path, NULL)) == NULL)
		return zt_err_at(err, path, 0, 0, "cannot write: %s",
		    strerror(errno));
	a->path = real != NULL ? real : zt_xstrdup(path);
	if (stat(a->path, &sb) == 0)
		mode = sb.st_mode & 07777;
	else {
		mask = umask(0);
		umask(mask);
		mode = 0666 & ~mask;
	}
	a->tmp = tmp_name(a->path);
	if ((fd = mkstemp(a->tmp)) == -1) {
		zt_err_at(err, path, 0, 0, "cannot write: %s", strerror(errno));
		goto out_free;
	}
	a->slot = slot_take(a->tmp);
	if (fchmod(fd, mode) == -1 || (a->f = fdopen(fd, "w")) == NULL) {
		zt_err_at(err, path, 0, 0, "cannot write: %s", strerror(errno));
		close(fd);
		unlink(a->tmp);
		slot_drop(a->slot);
		goto out_free;
	}
	return 0;
out_free:
	free(a->tmp);
	free(a->path);
	memset(a, 0, sizeof(*a));
	a->slot = -1;
	return -1;
}

static void
release(struct zt_afile *a)
{
	slot_drop(a->slot);
	free(a->tmp);
	free(a->path);
	memset(a, 0, sizeof(*a));
	a->slot = -1;
}

int
zt_afile_commit(struct zt_afile *a, struct zt_err *err)
{
	int	 bad;
	int	 e;

	bad = fflush(a->f) != 0 || ferror(a->f);
	e = errno;
	if (!bad && a->tmp != NULL && fsync(fileno(a->f)) == -1) {
		bad = 1;
		e = errno;
	}
	if (fclose(a->f) != 0 && !bad) {
		bad = 1;
		e = errno;
	}
	if (!bad && a->tmp != NULL && rename(a->tmp, a->path) == -1) {
		bad = 1;
		e = errno;
	}
	if (bad) {
		zt_err_at(err, a->name, 0, 0, "write error: %s",
		    e != 0 ? strerror(e) : "unknown");
		if (a->tmp != NULL)
			unlink(a->tmp);
	}
	release(a);
	return bad ? -1 : 0;
}

void
zt_afile_abort(struct zt_afile *a)
{
	if (a->f != NULL)
		fclose(a->f);
	if (a->tmp != NULL)
		unlink(a->tmp);
	release(a);
}

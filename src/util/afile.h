/*
 * afile.h -- a file replaced atomically: the new version is written under a
 * temporary name in the target's directory and renamed over the target, so
 * a reader sees the old contents or the new, never a mix, and a run that
 * dies half-way leaves the old file and no temporary behind.
 *
 * util, used for the report files of the command line.
 */
#ifndef ZT_AFILE_H
#define ZT_AFILE_H

#include <stdio.h>

#include "util/diag.h"

struct zt_afile {
	FILE		*f;		/* write the new version here */
	const char	*name;		/* the path as given; borrowed */
	char		*path;		/* the target, through a symbolic
					   link; owned */
	char		*tmp;		/* the temporary; NULL when writing
					   in place */
	int		 slot;		/* in the signal handler's list, or
					   -1 */
};

/*
 * Start a new version of path.  A path that exists and is not a regular
 * file (a terminal, a pipe, /dev/null) is opened as it is: there is
 * nothing to replace.  A new file gets mode 0666 less the umask, a
 * replaced one keeps its mode.  path must outlive a (errors name it).
 * Returns 0, or -1 with err set (its file is path).
 */
int	zt_afile_open(struct zt_afile *a, const char *path,
	    struct zt_err *err);
/*
 * Flush, sync and close the new version and rename it over the target.
 * Returns 0, or -1 with err set and the temporary removed.  Releases a
 * either way.
 */
int	zt_afile_commit(struct zt_afile *a, struct zt_err *err);
/* Close and remove the new version; the target stays as it was. */
void	zt_afile_abort(struct zt_afile *a);
/*
 * On SIGINT, SIGTERM or SIGHUP, remove the temporaries of open afiles,
 * then die of the signal as before.  Call once, before opening any.
 */
void	zt_afile_catch_signals(void);
/* Remove the temporaries of open afiles; async-signal-safe (sig.c). */
void	zt_afile_unlink_live(void);

#endif

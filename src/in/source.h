/*
 * source.h -- sources: named byte streams, with what is known about them.
 *
 * operands -> [sources] -> input -> lines -> parse -> store
 *
 * A source is what ingest reads as one unit: one transaction, one row of
 * the sources table, one SHA-256 of its content.  It carries a display
 * name, what is known about where its lines come from (pod, namespace,
 * container, node, container instance, the wrapper around each line:
 * struct zt_srcinfo, which the parser is given too), and how to open its
 * bytes.
 *
 * zt_source_expand() is the one place where the operands of the command
 * line become sources.  Today: standard input, a file, a directory walk.
 * What comes next plugs in there and nowhere else:
 *   - archives (tar, zip, gzip/zstd/xz/bzip2; libarchive): an archive
 *     operand, or an archive met in a walk, expands into one source per
 *     member, named "ARCHIVE:path/in/archive", whose opener wraps the
 *     member's bytes in zt_input_new() while the archive is positioned
 *     on it.  That is why sources are handed to a callback one at a time,
 *     in order, and valid only during the call: a stream of members
 *     cannot be listed first and opened later.  bug-report members
 *     (proxies/<ns>/<pod>/istio-proxy.log) get pod and namespace from
 *     the member path.
 *   - node log files: /var/log/pods/<ns>_<pod>_<uid>/<container>/N.log
 *     [.YYYYMMDD-hhmmss[.gz]] and /var/log/containers/<pod>_<ns>_
 *     <container>-<id>.log get pod, namespace, container, the instance (N)
 *     and the CRI wrapper from their path (where the walk makes a source
 *     of each file), and the files of one container are handed out oldest
 *     first, by the rotation timestamp, the live N.log last (the walk's
 *     sort order, walk_order in source.c).
 */
#ifndef ZT_SOURCE_H
#define ZT_SOURCE_H

#include "util/diag.h"

struct zt_input;

/*
 * The wrapper around each ztunnel line of a source, as far as it is
 * known before reading.  The wrappers to come (CRI, docker json-file,
 * fluent-bit and other shipper envelopes, logcli) join this list.
 */
enum zt_wrap {
	ZT_WRAP_AUTO,		/* not known: the parser tells by the lines */
	ZT_WRAP_PLAIN		/* none: ztunnel's lines, perhaps behind
				   kubectl's decorations */
};

/*
 * What is known about a source before its first line.  A string is NULL
 * when it is not known.  A wrapper or a decoration may still say more per
 * line (the pod of a record is the line's kubectl decoration, else the
 * source's pod).
 */
struct zt_srcinfo {
	const char	*name;		/* display name: the path as given,
					   "-", later "ARCHIVE:member" */
	const char	*pod;
	const char	*ns;		/* the pod's namespace */
	const char	*container;
	const char	*node;
	const char	*instance;	/* container instance: "0", "1", ...
					   (restarts), or "previous" */
	const char	*kind;		/* "bug-report" (a member of one),
					   "cluster-info", or NULL */
	enum zt_wrap	 wrap;
};

/* A source: what is known, and how to read it. */
struct zt_source {
	struct zt_srcinfo info;
	const char	*path;		/* file to read ("-": standard input),
					   for the file opener; else NULL */
	/* Open the bytes: 0, or -1 with err set (nothing to close). */
	int		(*open)(const struct zt_source *src,
			    struct zt_input **in, struct zt_err *err);
	void		*ctx;		/* the opener's */
};

/*
 * Make src the source of the file path ("-": standard input), named path,
 * with nothing else known.  path is borrowed.
 */
void	zt_source_init(struct zt_source *src, const char *path);

/*
 * Open src's bytes with its opener.  Returns 0, or -1 with err set (a
 * file that cannot be opened: err names it and says why).
 */
int	zt_source_open(const struct zt_source *src, struct zt_input **in,
	    struct zt_err *err);

/*
 * Where zt_source_expand() hands the sources, and what it asks: each(ctx,
 * src) once per source, in reading order.  src and its strings are valid
 * during the call only.  each returns 0, or -1 when the source failed
 * (expansion goes on; it only changes what zt_source_expand returns).
 * The other callbacks may be NULL.
 */
struct zt_expand {
	int	(*each)(void *ctx, const struct zt_source *src);
	/*
	 * A file met in a walk, or an archive member: read it?  head holds
	 * its first bytes (decompressed), n of them.  1 yes, 0 no (then
	 * wanted itself says why, through skip or otherwise).
	 */
	int	(*wanted)(void *ctx, const struct zt_source *src,
		    const char *head, size_t n);
	/* A file or member not read, and why. */
	void	(*skip)(void *ctx, const char *name, const char *reason);
	/*
	 * A bug-report's proxies/<ns>/<pod>/config_dump: the ztunnel's
	 * /config_dump JSON for the inventory (issue 8), its bytes valid
	 * during the call (at most ZT_INVENTORY_MAX; a bigger one is
	 * skipped).  info names the member and its pod and namespace.
	 */
	void	(*inventory)(void *ctx, const struct zt_srcinfo *info,
		    const char *bytes, size_t n);
	/*
	 * Globs (fnmatch) on a walked file's path below the operand, or a
	 * member's path in its archive; one without '/' on each name of the
	 * path (the file's, its directories').  With includes, only what matches one is read;
	 * whatever matches an exclude is not.  Operands given by name are
	 * always read.
	 */
	const char *const *include;
	size_t	 ninclude;
	const char *const *exclude;
	size_t	 nexclude;
	void	*ctx;
};

#define ZT_INVENTORY_MAX	(64u << 20)
/* How much of a file's start ex->wanted is shown, at most. */
#define ZT_SNIFF_MAX		(64 * 1024)

/*
 * Expand one operand into sources, handed to ex->each in reading order:
 *   "-"            standard input, one source named "-"
 *   a directory    the regular files below it, recursively, sorted by
 *                  path (zt_srcpath_order: rotated node files oldest
 *                  first); names starting with "." are skipped, symbolic
 *                  links to files followed, to directories not; each
 *                  file is asked for with ex->wanted
 *   an archive     (tar, zip, either compressed; told by content, on
 *                  standard input too) one source per member read, named
 *                  "OPERAND:member"; an archive inside it once more;
 *                  see archive.c for the bug-report layout and the limits
 *   anything else  one file source named as given (whether it can be
 *                  opened is found out by whoever opens it); a zstd, xz
 *                  or bzip2 file is read decompressed
 * What cannot be read of a directory is reported through diag and the
 * walk goes on.  Returns 0, or -1 if part of the operand could not be
 * read or some call of each returned -1.
 */
int	zt_source_expand(const struct zt_expand *ex, const char *operand);

#endif

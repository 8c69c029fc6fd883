/*
 * srcpath.h -- what the path of a file (or of an archive member) says
 * about the log in it (srcpath.c): pod, namespace, container, container
 * instance, and what kind of file it is.
 *
 * Internal to in/: source.c and archive.c fill a source's zt_srcinfo
 * with it.
 */
#ifndef ZT_SRCPATH_H
#define ZT_SRCPATH_H

#include "in/source.h"

enum zt_pathkind {
	ZT_PATH_OTHER,			/* nothing known */
	ZT_PATH_NODE,			/* /var/log/pods/..., containers/... */
	ZT_PATH_CLUSTERINFO,		/* <ns>/<pod>/logs.txt */
	ZT_PATH_BUGREPORT_LOG,		/* proxies/<ns>/<pod>/istio-proxy.log */
	ZT_PATH_BUGREPORT_INVENTORY	/* proxies/<ns>/<pod>/config_dump */
};

struct zt_srcpath {
	enum zt_pathkind what;
	struct zt_srcinfo info;		/* strings in buf (or constants);
					   name and wrap not set */
	char		 buf[1024];
	size_t		 used;
};

/*
 * Read path (archived: a member path inside an archive, where the
 * bug-report layout applies, with or without its "bug-report/" folder):
 *   proxies/<ns>/<pod>/istio-proxy.log   pod, ns, container istio-proxy
 *   .../pods/<ns>_<pod>_<uid>/<container>/<N>.log[.<time>[.gz]]
 *                                        pod, ns, container, instance N
 *   .../containers/<pod>_<ns>_<container>-<id>.log
 *   <ns>/<pod>/logs.txt                  pod, ns (cluster-info dump)
 */
void	zt_srcpath_read(struct zt_srcpath *sp, const char *path, int archived);

/* Is the member path one of istioctl bug-report's layout? */
int	zt_bugreport_member(const char *path);
/* The member path without "./" and the optional "bug-report/" folder. */
const char *zt_bugreport_rel(const char *path);

/*
 * The order a walk hands out files: bytewise by path, except that the
 * rotated files of one container's N.log come oldest first by their
 * rotation time, and the live N.log after them.  A qsort-style result.
 */
int	zt_srcpath_order(const char *a, const char *b);

#endif

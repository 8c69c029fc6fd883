/*
 * srcpath.c -- what a path says about the log in it; see srcpath.h.
 *
 * The layouts are those of ../shared/docs/archive-and-inventory-formats.md:
 * section 1.3 (istioctl bug-report), 3.1 (the kubelet's node files), and
 * kubectl cluster-info dump --output-directory (<ns>/<pod>/logs.txt).
 */
#include <stdio.h>
#include <string.h>

#include "in/srcpath.h"

/* Copy p[0..n) into a slot of the buffer, NUL-terminated; NULL if full. */
static const char *
keep(struct zt_srcpath *sp, const char *p, size_t n)
{
	char	*o;

	if (sp->used + n + 1 > sizeof(sp->buf))
		return NULL;
	o = sp->buf + sp->used;
	memcpy(o, p, n);
	o[n] = '\0';
	sp->used += n + 1;
	return o;
}

/* The n-th '/'-separated component of p (0-based), or NULL. */
static const char *
comp(const char *p, int n, size_t *len)
{
	const char	*q;

	while (n-- > 0) {
		if ((q = strchr(p, '/')) == NULL)
			return NULL;
		p = q + 1;
	}
	q = strchr(p, '/');
	*len = q != NULL ? (size_t)(q - p) : strlen(p);
	return p;
}

static int
all_digits(const char *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return n > 0;
}

/* The path without "./" and a leading "bug-report/". */
const char *
zt_bugreport_rel(const char *path)
{
	while (strncmp(path, "./", 2) == 0)
		path += 2;
	if (strncmp(path, "bug-report/", 11) == 0)
		path += 11;
	return path;
}

int
zt_bugreport_member(const char *path)
{
	static const char *const top[] = { "proxies/", "cluster/", "istio/",
	    "analyze/", "cni/", "operator/" };
	const char	*rel = zt_bugreport_rel(path);
	size_t		 i;

	if (strcmp(rel, "versions") == 0 || strcmp(rel, "bug-report.log") == 0)
		return 1;
	for (i = 0; i < sizeof(top) / sizeof(top[0]); i++)
		if (strncmp(rel, top[i], strlen(top[i])) == 0)
			return 1;
	return 0;
}

/* proxies/<ns>/<pod>/<file> */
static int
bugreport(struct zt_srcpath *sp, const char *path)
{
	const char	*rel = zt_bugreport_rel(path);
	const char	*ns;
	const char	*pod;
	const char	*file;
	size_t		 nns, npod, nfile;

	if (strncmp(rel, "proxies/", 8) != 0 ||
	    (ns = comp(rel, 1, &nns)) == NULL ||
	    (pod = comp(rel, 2, &npod)) == NULL ||
	    (file = comp(rel, 3, &nfile)) == NULL || nns == 0 || npod == 0 ||
	    strchr(file, '/') != NULL)
		return 0;
	if (strcmp(file, "istio-proxy.log") == 0)
		sp->what = ZT_PATH_BUGREPORT_LOG;
	else if (strcmp(file, "config_dump") == 0)
		sp->what = ZT_PATH_BUGREPORT_INVENTORY;
	else
		return 0;
	sp->info.ns = keep(sp, ns, nns);
	sp->info.pod = keep(sp, pod, npod);
	sp->info.container = "istio-proxy";
	sp->info.kind = "bug-report";
	return 1;
}

/*
 * .../pods/<ns>_<pod>_<uid>/<container>/<N>.log[.<YYYYMMDD-hhmmss>[.gz]]
 */
static int
pods_file(struct zt_srcpath *sp, const char *path)
{
	const char	*q = NULL;
	const char	*p;
	const char	*dir, *cont, *file, *u1, *u2;
	size_t		 ndir, ncont, nfile, k;

	for (p = path; (p = strstr(p, "pods/")) != NULL; p++)
		if (p == path || p[-1] == '/')
			q = p;
	if (q == NULL || (dir = comp(q, 1, &ndir)) == NULL ||
	    (cont = comp(q, 2, &ncont)) == NULL ||
	    (file = comp(q, 3, &nfile)) == NULL || ncont == 0 ||
	    strchr(file, '/') != NULL)
		return 0;
	/* <N>.log, then an optional rotation suffix */
	for (k = 0; k < nfile && file[k] >= '0' && file[k] <= '9'; k++)
		;
	if (k == 0 || strncmp(file + k, ".log", 4) != 0)
		return 0;
	if (file[k + 4] != '\0' && file[k + 4] != '.')
		return 0;
	u1 = memchr(dir, '_', ndir);
	u2 = u1 != NULL ? memchr(u1 + 1, '_', (size_t)(dir + ndir - u1 - 1)) :
	    NULL;
	if (u1 == NULL || u2 == NULL || u1 == dir || u2 == u1 + 1)
		return 0;
	sp->info.ns = keep(sp, dir, (size_t)(u1 - dir));
	sp->info.pod = keep(sp, u1 + 1, (size_t)(u2 - u1 - 1));
	sp->info.container = keep(sp, cont, ncont);
	sp->info.instance = keep(sp, file, k);
	sp->what = ZT_PATH_NODE;
	return 1;
}

/* .../containers/<pod>_<ns>_<container>-<64 hex>.log */
static int
containers_file(struct zt_srcpath *sp, const char *path)
{
	const char	*base = strrchr(path, '/');
	const char	*u1, *u2, *dash;
	size_t		 n;

	base = base != NULL ? base + 1 : path;
	if (base - path < 11 || strncmp(base - 11, "containers/", 11) != 0)
		return 0;
	n = strlen(base);
	if (n < 4 + 65 || strcmp(base + n - 4, ".log") != 0)
		return 0;
	dash = base + n - 4 - 65;
	if (*dash != '-' || (u1 = strchr(base, '_')) == NULL ||
	    (u2 = strchr(u1 + 1, '_')) == NULL || u2 > dash || u1 == base ||
	    u2 == u1 + 1 || dash == u2 + 1)
		return 0;
	sp->info.pod = keep(sp, base, (size_t)(u1 - base));
	sp->info.ns = keep(sp, u1 + 1, (size_t)(u2 - u1 - 1));
	sp->info.container = keep(sp, u2 + 1, (size_t)(dash - u2 - 1));
	sp->what = ZT_PATH_NODE;
	return 1;
}

/* <ns>/<pod>/logs.txt (kubectl cluster-info dump --output-directory) */
static int
cluster_info(struct zt_srcpath *sp, const char *path)
{
	const char	*base = strrchr(path, '/');
	const char	*pod;
	const char	*ns;

	if (base == NULL || strcmp(base, "/logs.txt") != 0)
		return 0;
	for (pod = base; pod > path && pod[-1] != '/'; pod--)
		;
	if (pod == base || pod == path)
		return 0;
	for (ns = pod - 1; ns > path && ns[-1] != '/'; ns--)
		;
	if (ns == pod - 1)
		return 0;
	sp->info.ns = keep(sp, ns, (size_t)(pod - 1 - ns));
	sp->info.pod = keep(sp, pod, (size_t)(base - pod));
	sp->info.kind = "cluster-info";
	sp->what = ZT_PATH_CLUSTERINFO;
	return 1;
}

void
zt_srcpath_read(struct zt_srcpath *sp, const char *path, int archived)
{
	memset(sp, 0, sizeof(*sp));
	sp->what = ZT_PATH_OTHER;
	if (archived && bugreport(sp, path))
		return;
	memset(sp, 0, sizeof(*sp));
	if (pods_file(sp, path))
		return;
	memset(sp, 0, sizeof(*sp));
	if (containers_file(sp, path))
		return;
	memset(sp, 0, sizeof(*sp));
	if (cluster_info(sp, path))
		return;
	memset(sp, 0, sizeof(*sp));
	sp->what = ZT_PATH_OTHER;
}

/*
 * The rotation key of a node file's name: "<dir>/<N>.log" and the
 * timestamp ("~" for the live file, after every timestamp), or 0 when
 * the path is no rotated node file.
 */
static int
rotation(const char *p, size_t *stem, const char **ts)
{
	const char	*base = strrchr(p, '/');
	const char	*q;
	size_t		 k;

	base = base != NULL ? base + 1 : p;
	for (k = 0; base[k] >= '0' && base[k] <= '9'; k++)
		;
	if (k == 0 || strncmp(base + k, ".log", 4) != 0)
		return 0;
	q = base + k + 4;
	*stem = (size_t)(q - p);
	if (*q == '\0') {
		*ts = "~";
		return 1;
	}
	if (*q != '.' || strlen(q + 1) < 15 || !all_digits(q + 1, 8) ||
	    q[9] != '-' || !all_digits(q + 10, 6))
		return 0;
	*ts = q + 1;
	return 1;
}

int
zt_srcpath_order(const char *a, const char *b)
{
	const char	*ta;
	const char	*tb;
	size_t		 sa;
	size_t		 sb;

	if (rotation(a, &sa, &ta) && rotation(b, &sb, &tb) && sa == sb &&
	    memcmp(a, b, sa) == 0)
		return strcmp(ta, tb);
	return strcmp(a, b);
}

/*
 * util.c -- ztsim's small helpers: allocation, the seeded random
 * numbers (xoshiro256** through splitmix64, as tools/ztgen/rng.c), names,
 * addresses, timestamps and output files.
 */

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ztsim.h"

void
zs_die(const char *fmt, ...)
{
	va_list ap;

	fputs("ztsim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

void *
zs_xmalloc(size_t n)
{
	void *p = malloc(n == 0 ? 1 : n);

	if (p == NULL)
		zs_die("out of memory");
	return p;
}

void *
zs_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);

	if (p == NULL)
		zs_die("out of memory");
	return p;
}

void *
zs_xrealloc(void *p, size_t n)
{
	p = realloc(p, n == 0 ? 1 : n);
	if (p == NULL)
		zs_die("out of memory");
	return p;
}

/* make room for need elements of size bytes in *p (capacity *cap) */
void
zs_grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 16;

	if (need <= *cap)
		return;
	while (n < need)
		n *= 2;
	*p = zs_xrealloc(*p, n * size);
	*cap = n;
}

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z;

	z = (*x += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

void
zs_rng_seed(struct zs_rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03u);
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
zs_rnext(struct zs_rng *r)
{
	uint64_t *s = r->s;
	uint64_t res = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

/* uniform in [0, n) */
uint32_t
zs_rbelow(struct zs_rng *r, uint32_t n)
{
	return (uint32_t)(((zs_rnext(r) >> 32) * (uint64_t)n) >> 32);
}

/* uniform in [0, 1) */
double
zs_runit(struct zs_rng *r)
{
	return (double)(zs_rnext(r) >> 11) * 0x1.0p-53;
}

double
zs_rexp(struct zs_rng *r, double mean)
{
	return -mean * log(1.0 - zs_runit(r));
}

/* lognormal: median * e^(sigma N(0,1)), N by Box-Muller */
double
zs_rlogn(struct zs_rng *r, double median, double sigma)
{
	double u1 = 1.0 - zs_runit(r);
	double u2 = zs_runit(r);
	double n = sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);

	return median * exp(sigma * n);
}

/* Kubernetes' SafeEncodeString alphabet for generated name suffixes */
void
zs_rname(struct zs_rng *r, char *out, size_t n)
{
	static const char alpha[] = "bcdfghjklmnpqrstvwxz2456789";
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = alpha[zs_rbelow(r, sizeof(alpha) - 1)];
	out[n] = '\0';
}

void
zs_ruuid(struct zs_rng *r, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;
	size_t j = 0;

	for (i = 0; i < 32; i++) {
		if (i == 8 || i == 12 || i == 16 || i == 20)
			out[j++] = '-';
		out[j++] = hex[zs_rbelow(r, 16)];
	}
	out[j] = '\0';
}

/* dotted quad into buf (16 bytes); returns buf */
char *
zs_ip(uint32_t ip, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff,
	    (ip >> 8) & 0xff, ip & 0xff);
	return buf;
}

/* ztunnel's timestamp, 2024-05-04T10:11:04.964851Z, into 32 bytes */
void
zs_ts(int64_t us, char *buf)
{
	int64_t sec = us / 1000000;
	int64_t days = sec / 86400;
	int64_t rem = sec % 86400;
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;

	/* H. Hinnant's civil_from_days */
	if (m <= 2)
		y++;
	snprintf(buf, 32, "%04u-%02u-%02uT%02u:%02u:%02u.%06uZ",
	    (unsigned)(y % 10000), (unsigned)(m % 100), (unsigned)(d % 100),
	    (unsigned)(rem / 3600 % 100), (unsigned)(rem / 60 % 60),
	    (unsigned)(rem % 60), (unsigned)(us % 1000000));
}

void
zs_mkdirs(const char *path)
{
	char buf[4096];
	size_t i;

	if (strlen(path) >= sizeof(buf))
		zs_die("path too long: %s", path);
	strcpy(buf, path);
	for (i = 1; buf[i] != '\0'; i++) {
		if (buf[i] != '/')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0777) != 0 && errno != EEXIST)
			zs_die("mkdir %s: %s", buf, strerror(errno));
		buf[i] = '/';
	}
	if (mkdir(buf, 0777) != 0 && errno != EEXIST)
		zs_die("mkdir %s: %s", buf, strerror(errno));
}

/* dir/name opened for writing (parent directories made) */
FILE *
zs_create(const char *dir, const char *name)
{
	char path[4096];
	char *slash;
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		zs_die("path too long: %s/%s", dir, name);
	slash = strrchr(path, '/');
	*slash = '\0';
	zs_mkdirs(path);
	*slash = '/';
	f = fopen(path, "w");
	if (f == NULL)
		zs_die("%s: %s", path, strerror(errno));
	return f;
}

void
zs_close(FILE *f, const char *name)
{
	if (ferror(f) || fclose(f) != 0)
		zs_die("%s: write error", name);
}

const char *
zs_vername(enum zs_ver v)
{
	static const char *const n[] = { "1.22", "1.23", "1.24", "1.26",
		"1.31" };

	return n[v];
}

const char *
zs_scopename(int sc)
{
	static const char *const n[] = { "Region", "Zone", "Subzone", "Node",
		"Cluster", "Network" };

	return n[sc];
}

const char *
zs_modename(enum zs_lbmode m)
{
	static const char *const n[] = { "", "Standard", "Strict",
		"Failover" };

	return n[m];
}

const char *
zs_errname(int e)
{
	static const char *const n[] = { "-", "refused", "timeout", "policy",
		"noupstream", "drain", "tls" };

	return n[e];
}

int
zs_present(const struct zs_wl *w, int64_t t)
{
	return w->first_us <= t && t < w->last_us;
}

/* checks once the whole scenario is read */
void
zs_finish_cluster(struct zs_sim *s)
{
	size_t i;
	size_t nclient = 0;
	size_t nsvc = 0;

	for (i = 0; i < s->nwl; i++) {
		nclient += s->wl[i].kind == WK_CLIENT;
		if (s->wl[i].capacity != 1 && s->ver < ZV_126)
			zs_die("capacity other than 1 needs version 1.26 (%s)",
			    s->wl[i].name);
	}
	for (i = 0; i < s->nsvc; i++)
		nsvc += !s->svc[i].is_waypoint;
	if (s->nnode == 0 || nclient == 0 || nsvc == 0)
		zs_die("a scenario needs nodes, clients and services");
}

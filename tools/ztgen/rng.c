/*
 * rng.c -- ztgen's random numbers: xoshiro256** seeded through
 * splitmix64 (the generator itself, rnext() and the uniform draws, is
 * static inline in ztgen.h), the other distributions, exp/log without
 * libm, and the fixed tables of random factors.
 */

#include "ztgen.h"

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
rng_seed(struct rng_state *r, uint64_t seed, uint64_t stream)
{
	uint64_t x;
	int i;

	x = seed ^ (stream * 0xd1b54a32d192ed03u);
	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

/* approximately N(0, 1): Irwin-Hall with four terms */
static double
rnorm(struct rng_state *r)
{
	double sum = 0;
	int i;

	/* one call per statement: argument order is unspecified in C */
	for (i = 0; i < 4; i++)
		sum += runit(r);
	return (sum - 2.0) * 1.7320508;
}

/* natural logarithm for x > 0; ~1e-7 relative error is plenty here */
double
xln(double x)
{
	uint64_t b;
	double m;
	double z;
	double z2;
	int e;

	memcpy(&b, &x, sizeof(b));
	e = (int)((b >> 52) & 0x7ff) - 1023;
	b = (b & 0x000fffffffffffffu) | 0x3ff0000000000000u;
	memcpy(&m, &b, sizeof(m));
	if (m > 1.4142135623730951) {
		m *= 0.5;
		e++;
	}
	z = (m - 1.0) / (m + 1.0);
	z2 = z * z;
	return e * 0.6931471805599453 +
	    2.0 * z *
		(1.0 + z2 * (1.0 / 3 + z2 * (1.0 / 5 + z2 * (1.0 / 7 +
		    z2 / 9))));
}

double
xexp(double x)
{
	double t;
	double f;
	double p;
	double s;
	int64_t k;
	uint64_t b;

	if (x < -700)
		return 0.0;
	if (x > 700)
		x = 700;
	t = x * 1.4426950408889634;
	k = (int64_t)t;
	if ((double)k > t)
		k--;
	f = (t - (double)k) * 0.6931471805599453;
	p = 1 + f * (1 + f * (1.0 / 2 + f * (1.0 / 6 + f * (1.0 / 24 +
	    f * (1.0 / 120 + f * (1.0 / 720 + f * (1.0 / 5040 +
	    f / 40320)))))));
	b = (uint64_t)(k + 1023) << 52;
	memcpy(&s, &b, sizeof(s));
	return p * s;
}

/* log-uniform in [lo, hi] */
double
rlogu(struct rng_state *r, double lo, double hi)
{
	return lo * xexp(runit(r) * xln(hi / lo));
}

/* index into a cumulative weight table */
size_t
rpick(struct rng_state *r, const double *cum, size_t n)
{
	double u;
	size_t lo = 0;
	size_t hi = n - 1;

	u = runit(r) * cum[n - 1];
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cum[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Kubernetes' SafeEncodeString alphabet for generated name suffixes */
void
rname(struct rng_state *r, char *out, size_t n)
{
	static const char alpha[] = "bcdfghjklmnpqrstvwxz2456789";
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = alpha[rbelow(r, sizeof(alpha) - 1)];
	out[n] = '\0';
}

void
ruuid(struct rng_state *r, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;
	size_t j = 0;

	for (i = 0; i < 32; i++) {
		if (i == 8 || i == 12 || i == 16 || i == 20)
			out[j++] = '-';
		out[j++] = hex[rbelow(r, 16)];
	}
	out[j] = '\0';
}

/* the random factors: fixed tables, the same for every seed */
void
mk_tables(struct gen *g)
{
	struct rng_state r;
	size_t i;

	rng_seed(&r, 0, 4);
	for (i = 0; i < NTAB; i++) {
		/* exponential at the midpoints of NTAB quantiles */
		g->gap[i] = -1e6 / g->o.rate *
		    xln(1.0 - ((double)i + 0.5) / NTAB);
		g->ln5[i] = xexp(0.5 * rnorm(&r));
		g->ln7[i] = xexp(0.7 * rnorm(&r));
		g->ln8[i] = xexp(0.8 * rnorm(&r));
	}
}

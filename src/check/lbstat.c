/*
 * lbstat.c -- the balance check's statistics: the chi-square tail,
 * Holm's adjustment, effect sizes, and the time histogram; see lb.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "check/lb.h"
#include "util/xalloc.h"

/* Regularized upper incomplete gamma Q(a, x) (Numerical Recipes 6.2). */
static double
gammq(double a, double x)
{
	double	 gln = lgamma(a);
	double	 sum;
	double	 del;
	double	 ap;
	double	 b, c, d, h, an;
	int	 i;

	if (x <= 0)
		return 1.0;
	if (x < a + 1) {
		ap = a;
		sum = del = 1.0 / a;
		for (i = 0; i < 1000; i++) {
			ap += 1;
			del *= x / ap;
			sum += del;
			if (fabs(del) < fabs(sum) * 1e-15)
				break;
		}
		return 1.0 - sum * exp(-x + a * log(x) - gln);
	}
	b = x + 1 - a;
	c = 1.0 / 1e-300;
	d = 1.0 / b;
	h = d;
	for (i = 1; i < 1000; i++) {
		an = -i * (i - a);
		b += 2;
		d = an * d + b;
		if (fabs(d) < 1e-300)
			d = 1e-300;
		c = b + an / c;
		if (fabs(c) < 1e-300)
			c = 1e-300;
		d = 1.0 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1.0) < 1e-15)
			break;
	}
	return exp(-x + a * log(x) - gln) * h;
}

double
zt_chi2_q(double x, double df)
{
	if (df <= 0)
		return 1.0;
	return gammq(df / 2, x / 2);
}

/* ---- multiple testing ------------------------------------------------------ */

static const double *holm_p;

static int
holm_cmp(const void *x, const void *y)
{
	size_t	 a = *(const size_t *)x;
	size_t	 b = *(const size_t *)y;

	if (holm_p[a] != holm_p[b])
		return holm_p[a] < holm_p[b] ? -1 : 1;
	return a < b ? -1 : a > b;
}

void
zt_lb_holm(const double *p, size_t n, double *adj, double *mult)
{
	size_t	*ord;
	size_t	 i;
	double	 run = 0;
	double	 v;

	if (n == 0)
		return;
	ord = zt_xcalloc(n, sizeof(*ord));
	for (i = 0; i < n; i++)
		ord[i] = i;
	holm_p = p;
	qsort(ord, n, sizeof(*ord), holm_cmp);
	holm_p = NULL;
	for (i = 0; i < n; i++) {
		v = p[ord[i]] * (double)(n - i);
		if (v > 1)
			v = 1;
		if (v > run)
			run = v;
		adj[ord[i]] = run;
		if (mult != NULL)
			mult[ord[i]] = (double)(n - i);
	}
	free(ord);
}

/* ---- effect size ----------------------------------------------------------- */

void
zt_lb_effect(const int64_t *o, const double *e, size_t n,
    double min_expected, struct zt_lbtest *t)
{
	double	 no = 0;
	double	 ne = 0;
	double	 r;
	double	 d;
	size_t	 i;

	for (i = 0; i < n; i++) {
		no += (double)o[i];
		ne += e[i];
	}
	t->ratio = 1;
	t->points = 0;
	if (no <= 0 || ne <= 0)
		return;
	for (i = 0; i < n; i++) {
		d = 100 * fabs((double)o[i] / no - e[i] / ne);
		if (d > t->points)
			t->points = d;
		if (e[i] < min_expected)
			continue;
		r = o[i] > 0 ? (double)o[i] / e[i] : 1e9;
		if (r < 1)
			r = 1 / r;
		if (r > t->ratio)
			t->ratio = r;
	}
}

/* ---- time histogram -------------------------------------------------------- */

#define SEC	INT64_C(1000000)

static int64_t
floor_to(int64_t t, int64_t w)
{
	int64_t	 q = t / w;

	if (t < 0 && q * w != t)
		q--;
	return q * w;
}

/* Double h's width (fold pairs), keeping t0 aligned. */
static void
widen(struct zt_lbhist *h)
{
	int64_t	 c[ZT_LB_NB];
	int64_t	 w = h->width * 2;
	int64_t	 t0 = floor_to(h->t0, w);
	size_t	 i;

	memset(c, 0, sizeof(c));
	for (i = 0; i < ZT_LB_NB; i++)
		c[(h->t0 + (int64_t)i * h->width - t0) / w] += h->c[i];
	memcpy(h->c, c, sizeof(c));
	h->t0 = t0;
	h->width = w;
}

/* Make time ts fit h (not empty), widening and moving it as needed. */
static void
cover(struct zt_lbhist *h, int64_t ts)
{
	int64_t	 c[ZT_LB_NB];
	int64_t	 lo = ts;
	int64_t	 hi = ts;
	int64_t	 nt0;
	size_t	 i;

	if (ts >= h->t0 && ts < h->t0 + ZT_LB_NB * h->width)
		return;
	for (i = 0; i < ZT_LB_NB; i++)
		if (h->c[i] != 0) {
			if (h->t0 + (int64_t)i * h->width < lo)
				lo = h->t0 + (int64_t)i * h->width;
			if (h->t0 + (int64_t)i * h->width > hi)
				hi = h->t0 + (int64_t)i * h->width;
		}
	while (floor_to(lo, h->width) + ZT_LB_NB * h->width <= hi)
		widen(h);
	nt0 = floor_to(lo, h->width);
	memset(c, 0, sizeof(c));
	for (i = 0; i < ZT_LB_NB; i++)
		if (h->c[i] != 0)
			c[(h->t0 + (int64_t)i * h->width - nt0) / h->width] +=
			    h->c[i];
	memcpy(h->c, c, sizeof(c));
	h->t0 = nt0;
}

void
zt_lbhist_add(struct zt_lbhist *h, int64_t ts, int64_t n)
{
	if (h->width == 0) {
		h->width = SEC;
		h->t0 = floor_to(ts, SEC) - (ZT_LB_NB / 4) * SEC;
	}
	cover(h, ts);
	h->c[(ts - h->t0) / h->width] += n;
}

void
zt_lbhist_merge(struct zt_lbhist *a, const struct zt_lbhist *b)
{
	size_t	 i;

	if (b->width == 0)
		return;
	if (a->width == 0) {
		*a = *b;
		return;
	}
	while (a->width < b->width)
		widen(a);
	for (i = 0; i < ZT_LB_NB; i++)
		if (b->c[i] != 0)
			zt_lbhist_add(a, b->t0 + (int64_t)i * b->width,
			    b->c[i]);
}

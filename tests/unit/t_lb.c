/*
 * t_lb.c -- the balance check's model and statistics (check/lb.h).
 *
 * Test plan: t_lb-1.* Holm's adjustment against hand-computed values;
 * -2.* the time histogram: times far apart widen it, times before its
 * start move it, every count is kept, merging adds counts; -3.* the
 * model's expected counts: capacity weights, an endpoint replaced
 * halfway (presence), weighted groups; -4.* the per-client view: each
 * client even over the endpoints it reached is not significant, a skew
 * within clients is; -5.* effect size.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "check/lb.h"
#include "tt.h"

#define NEAR(a, b, eps) TT_CHECK(fabs((a) - (b)) < (eps))
#define SEC	INT64_C(1000000)

/* t_lb-1.1 */
static void
holm_matches_hand_values(void)
{
	double	 p[4] = { 0.01, 0.04, 0.03, 0.005 };
	double	 adj[4];
	double	 mult[4];

	zt_lb_holm(p, 4, adj, mult);
	/* sorted: 0.005*4=0.02, 0.01*3=0.03, 0.03*2=0.06, 0.04*1 -> 0.06 */
	NEAR(adj[3], 0.02, 1e-12);
	NEAR(adj[0], 0.03, 1e-12);
	NEAR(adj[2], 0.06, 1e-12);
	NEAR(adj[1], 0.06, 1e-12);	/* monotone: not 0.04 */
	NEAR(mult[3], 4, 1e-12);
	NEAR(mult[1], 1, 1e-12);
	p[0] = 0.9;
	zt_lb_holm(p, 1, adj, NULL);
	NEAR(adj[0], 0.9, 1e-12);
	p[0] = p[1] = 0.6;
	zt_lb_holm(p, 2, adj, NULL);
	NEAR(adj[0], 1, 1e-12);		/* capped at 1 */
}

static int64_t
hist_sum(const struct zt_lbhist *h)
{
	int64_t	 n = 0;
	size_t	 i;

	for (i = 0; i < ZT_LB_NB; i++)
		n += h->c[i];
	return n;
}

/* t_lb-2.1 */
static void
hist_widens_and_moves(void)
{
	struct zt_lbhist h, g;
	int64_t	 t;

	memset(&h, 0, sizeof(h));
	zt_lbhist_add(&h, 1000 * SEC, 1);
	TT_EQ_INT(h.width, SEC);
	for (t = 0; t < 3600; t++)	/* an hour, one a second */
		zt_lbhist_add(&h, 1000 * SEC + t * SEC, 1);
	TT_EQ_INT(hist_sum(&h), 3601);
	TT_CHECK(h.width >= 32 * SEC && h.t0 % h.width == 0);
	TT_CHECK(h.t0 <= 1000 * SEC && h.t0 + ZT_LB_NB * h.width > 4599 * SEC);
	zt_lbhist_add(&h, 10 * SEC, 5);		/* long before: moves t0 */
	TT_EQ_INT(hist_sum(&h), 3606);
	TT_CHECK(h.t0 <= 10 * SEC);
	TT_EQ_INT(h.c[(10 * SEC - h.t0) / h.width], 5);
	memset(&g, 0, sizeof(g));
	zt_lbhist_add(&g, 2000 * SEC, 7);
	zt_lbhist_merge(&h, &g);
	TT_EQ_INT(hist_sum(&h), 3613);
	zt_lbhist_merge(&g, &h);
	TT_EQ_INT(hist_sum(&g), 3620);
}

/* An even histogram over [0, 100) s, n connections a second. */
static void
even_hist(struct zt_lbhist *h, int64_t n)
{
	int64_t	 t;

	memset(h, 0, sizeof(*h));
	for (t = 0; t < 100; t++)
		zt_lbhist_add(h, t * SEC, n);
}

static void
ep(struct zt_lbm_ep *e, int64_t n, int64_t first, int64_t last, double cap)
{
	memset(e, 0, sizeof(*e));
	e->n = n;
	e->first = first * SEC;
	e->last = last * SEC;
	e->cap = cap;
}

/* t_lb-3.1 */
static void
expect_capacity_and_presence(void)
{
	struct zt_lbhist h;
	struct zt_lbm_ep e[3];
	struct zt_lbm	 m;

	even_hist(&h, 10);
	memset(&m, 0, sizeof(m));
	m.ep = e;
	m.nep = 3;
	m.h = &h;
	m.total = 1000;
	/* capacity 2, 1, 1; all there the whole time */
	ep(&e[0], 500, 0, 99, 2);
	ep(&e[1], 250, 0, 99, 1);
	ep(&e[2], 250, 0, 99, 1);
	zt_lbm_expect(&m);
	NEAR(e[0].e, 500, 1);
	NEAR(e[1].e, 250, 1);
	/* b replaced by c at 50 s: each expects a quarter */
	ep(&e[0], 500, 0, 99, 1);
	ep(&e[1], 250, 0, 49, 1);
	ep(&e[2], 250, 50, 99, 1);
	zt_lbm_expect(&m);
	NEAR(e[0].e, 500, 15);
	NEAR(e[1].e, 250, 15);
	NEAR(e[2].e, 250, 15);
	/* two groups weighted 90/10, the first of two replicas */
	ep(&e[0], 450, 0, 99, 1);
	ep(&e[1], 450, 0, 99, 1);
	ep(&e[2], 100, 0, 99, 1);
	e[2].group = 1;
	m.gw[0] = 90;
	m.gw[1] = 10;
	m.ngw = 2;
	zt_lbm_expect(&m);
	NEAR(e[0].e, 450, 1);
	NEAR(e[2].e, 100, 1);
}

/* t_lb-4.1 */
static void
per_client_locality(void)
{
	struct zt_lbhist h;
	struct zt_lbm_ep e[2];
	struct zt_lbm_client cl[2];
	struct zt_lbm	 m;
	struct zt_lbtest t;
	size_t		 ep0[1] = { 0 }, ep1[1] = { 1 }, both[2] = { 0, 1 };
	int64_t		 o0[1] = { 800 }, o1[1] = { 200 };
	int64_t		 s0[2] = { 300, 100 }, s1[2] = { 300, 100 };

	even_hist(&h, 10);
	memset(&m, 0, sizeof(m));
	memset(cl, 0, sizeof(cl));
	m.ep = e;
	m.nep = 2;
	m.h = &h;
	m.total = 1000;
	m.cl = cl;
	m.ncl = 2;
	ep(&e[0], 800, 0, 99, 1);
	ep(&e[1], 200, 0, 99, 1);
	/* each client node reaches its own endpoint only: locality */
	cl[0].n = 800;
	cl[0].ep = ep0;
	cl[0].o = o0;
	cl[0].nr = 1;
	cl[1].n = 200;
	cl[1].ep = ep1;
	cl[1].o = o1;
	cl[1].nr = 1;
	zt_lbm_expect(&m);
	TT_EQ_INT(zt_lbm_per_client(&m, 5, &t), 0);
	NEAR(t.df, 0, 1e-12);
	NEAR(t.points, 0, 1e-9);
	/* both clients 75/25 over both: a skew within clients */
	ep(&e[0], 600, 0, 99, 1);
	ep(&e[1], 200, 0, 99, 1);
	m.total = 800;
	cl[0].n = cl[1].n = 400;
	cl[0].ep = cl[1].ep = both;
	cl[0].o = s0;
	cl[1].o = s1;
	cl[0].nr = cl[1].nr = 2;
	zt_lbm_expect(&m);
	TT_EQ_INT(zt_lbm_per_client(&m, 5, &t), 0);
	NEAR(t.df, 2, 1e-12);
	TT_CHECK(t.p < 1e-20);
	NEAR(t.points, 25, 1e-6);
}

/* t_lb-5.1 */
static void
effect_sizes(void)
{
	int64_t		 o[3] = { 73, 14, 13 };
	double		 e[3] = { 100.0 / 3, 100.0 / 3, 100.0 / 3 };
	int64_t		 z[2] = { 10, 0 };
	double		 ez[2] = { 5, 5 };
	struct zt_lbtest t;

	zt_lb_effect(o, e, 3, 5, &t);
	NEAR(t.ratio, 100.0 / 3 / 13, 1e-9);	/* 2.56: exp/obs of 13 */
	NEAR(t.points, 73 - 100.0 / 3, 1e-9);
	zt_lb_effect(z, ez, 2, 5, &t);
	TT_CHECK(t.ratio >= 1e9);		/* an expected endpoint idle */
	NEAR(t.points, 50, 1e-9);
}

int
main(void)
{
	holm_matches_hand_values();
	hist_widens_and_moves();
	expect_capacity_and_presence();
	per_client_locality();
	effect_sizes();
	return tt_finish("t_lb");
}

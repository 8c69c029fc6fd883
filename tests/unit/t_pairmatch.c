/*
 * t_pairmatch.c -- pairing's arithmetic (check/pairmatch.h): clock
 * offsets from unambiguous twins, the lag, clocks per ztunnel, offsets
 * from ambiguous keys, and the one-to-one assignment.
 */
#include <stdlib.h>
#include <string.h>

#include "check/pairmatch.h"
#include "check/pairtab.h"
#include "tt.h"

#define MS	1000
#define S	1000000

static void
offsets_median_and_trust(void)
{
	struct zt_pm_sample	 s[] = {
		{ 1, 2, 1500 * MS }, { 1, 2, 1501 * MS }, { 1, 2, 1499 * MS },
		{ 1, 2, -40 * S },		/* a coincidence, far off */
		{ 2, 1, -1500 * MS }, { 2, 1, -1500 * MS },	/* too few */
		{ 1, 3, 6 * S }, { 1, 3, 9 * S }, { 1, 3, 12 * S },
	};
	struct zt_pm_off	*o;
	size_t			 n;

	n = zt_pm_offsets(s, sizeof(s) / sizeof(s[0]), 2 * S, &o);
	TT_EQ_INT(n, 3);
	/* (1, 2): the median of four is the lower middle one. */
	TT_EQ_INT(o[0].out, 1);
	TT_EQ_INT(o[0].in, 2);
	TT_EQ_INT(o[0].off, 1499 * MS);
	TT_EQ_INT(o[0].n, 4);
	TT_EQ_INT(o[0].agree, 3);
	TT_CHECK(ZT_PM_TRUSTED(&o[0]));
	/* (1, 3): three samples, only the median within 2 s of itself. */
	TT_EQ_INT(o[1].off, 9 * S);
	TT_EQ_INT(o[1].agree, 1);
	TT_CHECK(!ZT_PM_TRUSTED(&o[1]));
	/* (2, 1): two samples are not enough. */
	TT_EQ_INT(o[2].n, 2);
	TT_CHECK(!ZT_PM_TRUSTED(&o[2]));
	free(o);
	TT_EQ_INT(zt_pm_offsets(s, 0, 1, &o), 0);
	TT_CHECK(o == NULL);
}

static void
lag_and_clocks(void)
{
	/* Clocks: 1 at 0, 2 at +1.5 s, 3 at +3 s; inbound closes 0.4 ms early. */
	struct zt_pm_off	 off[] = {
		{ 1, 1, -400, 50, 50, 0 },
		{ 1, 2, 1500 * MS - 400, 30, 30, 0 },
		{ 2, 1, -1500 * MS - 400, 10, 10, 0 },
		{ 2, 3, 1500 * MS - 400, 20, 20, 0 },
		{ 3, 1, -3000 * MS - 400, 2, 2, 0 },	/* untrusted */
		{ 8, 9, 5 * S, 4, 4, 1 },		/* weak: its own group */
	};
	struct zt_pm_clock	*c;
	size_t			 n;
	int64_t			 lag;

	lag = zt_pm_lag(off, sizeof(off) / sizeof(off[0]));
	TT_EQ_INT(lag, 400);
	n = zt_pm_clocks(off, sizeof(off) / sizeof(off[0]), lag, &c);
	TT_EQ_INT(n, 5);
	TT_EQ_INT(zt_pm_clock_of(c, n, 2) - zt_pm_clock_of(c, n, 1),
	    1500 * MS);
	TT_EQ_INT(zt_pm_clock_of(c, n, 3) - zt_pm_clock_of(c, n, 1),
	    3000 * MS);
	TT_EQ_INT(zt_pm_clock_of(c, n, 1), 0);	/* placed first */
	TT_EQ_INT(zt_pm_clock_of(c, n, 9) - zt_pm_clock_of(c, n, 8),
	    5 * S + 400);
	TT_EQ_INT(zt_pm_clock_of(c, n, 42), 0);	/* not named */
	free(c);
	/* No pair measured both ways: no lag. */
	TT_EQ_INT(zt_pm_lag(off + 1, 1), 0);
}

static void
modes_find_the_pile(void)
{
	struct zt_pm_sample	*s;
	struct zt_pm_off	*o;
	size_t			 n = 0, k, no;

	s = calloc(400, sizeof(*s));
	/* Pair (5, 6): 300 dt spread over +-30 s, 20 twins at 2.5 s. */
	for (k = 0; k < 300; k++) {
		s[n].out = 5;
		s[n].in = 6;
		s[n++].dt = -30 * S + (int64_t)k * 200 * MS + 7777;
	}
	for (k = 0; k < 20; k++) {
		s[n].out = 5;
		s[n].in = 6;
		s[n++].dt = 2500 * MS - 300 - (int64_t)k * 10;
	}
	/* Pair (6, 5): an even spread, no pile. */
	for (k = 0; k < 50; k++) {
		s[n].out = 6;
		s[n].in = 5;
		s[n++].dt = (int64_t)k * S;
	}
	no = zt_pm_modes(s, n, &o);
	TT_EQ_INT(no, 1);
	TT_EQ_INT(o[0].out, 5);
	TT_EQ_INT(o[0].in, 6);
	TT_CHECK(o[0].off >= 2500 * MS - 500 && o[0].off <= 2500 * MS);
	TT_CHECK(o[0].weak && ZT_PM_TRUSTED(&o[0]));
	free(o);
	free(s);
}

static void
assign_optimal(void)
{
	int64_t	 x1[] = { 0, 10 }, y1[] = { 9 };
	int64_t	 x2[] = { 0, 5 }, y2[] = { 4, 12 };
	int64_t	 x3[] = { 0, 100, 200 }, y3[] = { 1, 150, 199, 500 };
	int64_t	 x4[] = { 7 }, y4[] = { 0, 6, 9 };
	int32_t	 m[4];

	/* The nearer one, not the first one. */
	TT_EQ_INT(zt_pm_assign(x1, 2, y1, 1, 10, m), 1);
	TT_EQ_INT(m[0], -1);
	TT_EQ_INT(m[1], 0);
	/* Nearest-first would pair 5-4 and leave two alone. */
	TT_EQ_INT(zt_pm_assign(x2, 2, y2, 2, 8, m), 2);
	TT_EQ_INT(m[0], 0);
	TT_EQ_INT(m[1], 1);
	/* Runs apart, each matched; 150 is 50 from both 100 and 200. */
	TT_EQ_INT(zt_pm_assign(x3, 3, y3, 4, 60, m), 3);
	TT_EQ_INT(m[0], 0);
	TT_EQ_INT(m[1], 1);
	TT_EQ_INT(m[2], 2);
	TT_EQ_INT(zt_pm_assign(x4, 1, y4, 3, 10, m), 1);
	TT_EQ_INT(m[0], 1);
	TT_EQ_INT(zt_pm_assign(x4, 1, y4, 0, 10, m), 0);
	TT_EQ_INT(m[0], -1);
}

/* A run past ZT_PM_EXACT cells: in order, every one paired. */
static void
assign_long_run(void)
{
	size_t	 n = 1100, k, ok = 0;
	int64_t	*x = malloc(n * sizeof(*x));
	int64_t	*y = malloc(n * sizeof(*y));
	int32_t	*m = malloc(n * sizeof(*m));

	TT_CHECK((n + 1) * (n + 1) > ZT_PM_EXACT);
	for (k = 0; k < n; k++) {
		x[k] = (int64_t)k * 10;
		y[k] = (int64_t)k * 10 - 3;
	}
	TT_EQ_INT(zt_pm_assign(x, n, y, n, 25, m), n);
	for (k = 0; k < n; k++)
		ok += m[k] == (int32_t)k;
	TT_EQ_INT(ok, n);
	free(x);
	free(y);
	free(m);
}

/* Eviction under a window: what closed before lo goes, the rest stays. */
static void
ptab_evicts_old_entries(void)
{
	struct zt_ptab		 t;
	struct zt_pent		 e;
	struct zt_pchunk	*c;
	size_t			 i, n = 0, sum = 0, old = 0;
	uint64_t		 tsf;

	memset(&t, 0, sizeof(t));
	memset(&e, 0, sizeof(e));
	for (i = 0; i < 10000; i++) {
		tsf = (uint64_t)(1700000000LL * S + (int64_t)i * MS) << 2 |
		    (i % 7 == 0 ? ZT_PF_ERRORED : 0);
		e.tlo = (uint32_t)tsf;
		e.thi = (uint32_t)(tsf >> 32);
		e.cb = (uint32_t)(i % 50);	/* 50 keys, 200 records each */
		e.ref = (uint32_t)i + 1;
		zt_ptab_add(&t, &e);
	}
	TT_EQ_INT(t.total, 10000);
	TT_EQ_INT(zt_ptab_evict(&t, 1700000000LL * S + 7500 * MS), 7500);
	TT_EQ_INT(t.total, 2500);
	for (i = 0; i < ZT_NBUCKET; i++) {
		sum += t.n[i];
		for (c = t.full[i]; c != NULL; c = c->next)
			for (n = 0; n < c->n; n++)
				old += zt_pent_ts(&c->e[n]) <
				    1700000000LL * S + 7500 * MS;
	}
	TT_EQ_INT(sum, 2500);
	TT_EQ_INT(old, 0);
	TT_EQ_INT(zt_ptab_evict(&t, 0), 0);
	zt_ptab_free(&t);
}

/*
 * Merging many small sources' tables (a bug-report's nodes, 10,000-line
 * files): every entry arrives once, and the run holds them in chunks as
 * large as one source's would be, not in each source's small chunks.
 */
static void
ptab_merge_keeps_chunks_large(void)
{
	struct zt_ptab		 a, b;
	struct zt_pent		 e;
	struct zt_pchunk	*c;
	unsigned char		*seen = calloc(4001, 1);
	size_t			 i, k, src, chunks = 0, sum = 0, once = 0;

	memset(&a, 0, sizeof(a));
	memset(&e, 0, sizeof(e));
	for (src = 0; src < 200; src++) {
		/*
		 * 20 entries of one key, one bucket: full chunks of 2, 2,
		 * 4 and 8, and one of 16 holding 4.
		 */
		memset(&b, 0, sizeof(b));
		for (k = 0; k < 20; k++) {
			e.tlo = (uint32_t)(src * 20 + k) << 2;
			e.ref = (uint32_t)(src * 20 + k + 1);
			zt_ptab_add(&b, &e);
		}
		zt_ptab_merge(&a, &b);
		TT_CHECK(b.full == NULL && b.total == 0);
	}
	TT_EQ_INT(a.total, 4000);
	for (i = 0; i < ZT_NBUCKET; i++) {
		sum += a.n[i];
		for (c = a.full[i]; c != NULL; c = c->next, chunks++) {
			TT_CHECK(c->n == c->cap);
			for (k = 0; k < c->n; k++)
				seen[c->e[k].ref]++;
		}
		if ((c = a.part[i]) != NULL) {
			chunks++;
			TT_EQ_INT(a.fill[i].n, c->n);
			for (k = 0; k < c->n; k++)
				seen[c->e[k].ref]++;
		}
	}
	for (i = 1; i <= 4000; i++)
		once += seen[i] == 1;
	TT_EQ_INT(sum, 4000);
	TT_EQ_INT(once, 4000);
	/* 4000 / 32 = 125 full chunks, plus the first source's 5. */
	TT_CHECK(chunks <= 131);
	/* The emptied small chunks wait for reuse until no table holds any. */
	TT_CHECK(zt_ptab_cached() > 0);
	zt_ptab_free(&a);
	TT_EQ_INT(zt_ptab_cached(), 0);
	free(seen);
}

int
main(void)
{
	offsets_median_and_trust();
	lag_and_clocks();
	modes_find_the_pile();
	assign_optimal();
	assign_long_run();
	ptab_evicts_old_entries();
	ptab_merge_keeps_chunks_large();
	return tt_finish("t_pairmatch");
}

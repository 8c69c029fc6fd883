/*
 * pairmatch.c -- see pairmatch.h.
 */
#include <stdlib.h>
#include <string.h>

#include "check/pairmatch.h"
#include "util/xalloc.h"

static int
sample_cmp(const void *p, const void *q)
{
	const struct zt_pm_sample	*a = p;
	const struct zt_pm_sample	*b = q;

	if (a->out != b->out)
		return a->out < b->out ? -1 : 1;
	if (a->in != b->in)
		return a->in < b->in ? -1 : 1;
	return a->dt < b->dt ? -1 : a->dt > b->dt;
}

size_t
zt_pm_offsets(struct zt_pm_sample *s, size_t n, int64_t w,
    struct zt_pm_off **off)
{
	struct zt_pm_off	*o = NULL;
	size_t			 no = 0;
	size_t			 i, j, k;

	*off = NULL;
	if (n == 0)
		return 0;
	qsort(s, n, sizeof(*s), sample_cmp);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && s[j].out == s[i].out &&
		    s[j].in == s[i].in; j++)
			;
		o = zt_xrealloc(o, (no + 1) * sizeof(*o));
		o[no].out = s[i].out;
		o[no].in = s[i].in;
		o[no].off = s[i + (j - i - 1) / 2].dt;
		o[no].n = (int64_t)(j - i);
		o[no].agree = 0;
		o[no].weak = 0;
		for (k = i; k < j; k++)
			if (s[k].dt - o[no].off <= w && o[no].off - s[k].dt <= w)
				o[no].agree++;
		no++;
	}
	*off = o;
	return no;
}

/* The densest ZT_PM_PEAK of s[0..n) (sorted), as a weak offset. */
static int
mode(const struct zt_pm_sample *s, size_t n, struct zt_pm_off *o)
{
	size_t	 i, j = 0, bi = 0, bn = 0;
	double	 even;

	for (i = 0; i < n; i++) {
		while (s[i].dt - s[j].dt > ZT_PM_PEAK)
			j++;
		if (i - j + 1 > bn) {
			bn = i - j + 1;
			bi = j;
		}
	}
	even = (double)n * (double)ZT_PM_PEAK / (double)(2 * ZT_PM_SEARCH);
	if (bn < ZT_PM_MIN || (double)bn < 4.0 * even)
		return 0;
	o->out = s[0].out;
	o->in = s[0].in;
	o->off = s[bi + (bn - 1) / 2].dt;
	o->n = o->agree = (int64_t)bn;
	o->weak = 1;
	return 1;
}

size_t
zt_pm_modes(struct zt_pm_sample *s, size_t n, struct zt_pm_off **off)
{
	struct zt_pm_off	*o = NULL;
	size_t			 no = 0;
	size_t			 i, j;

	*off = NULL;
	if (n == 0)
		return 0;
	qsort(s, n, sizeof(*s), sample_cmp);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && s[j].out == s[i].out &&
		    s[j].in == s[i].in; j++)
			;
		o = zt_xrealloc(o, (no + 1) * sizeof(*o));
		no += (size_t)mode(s + i, j - i, &o[no]);
	}
	if (no == 0) {
		free(o);
		o = NULL;
	}
	*off = o;
	return no;
}

static int
i64_cmp(const void *p, const void *q)
{
	int64_t	 a = *(const int64_t *)p;
	int64_t	 b = *(const int64_t *)q;

	return a < b ? -1 : a > b;
}

/* Unambiguous first, then most samples first; ties in (out, in) order, as zt_pm_offsets made them. */
static int
byn_cmp(const void *p, const void *q)
{
	const struct zt_pm_off	*a = *(const struct zt_pm_off *const *)p;
	const struct zt_pm_off	*b = *(const struct zt_pm_off *const *)q;

	if (a->weak != b->weak)
		return a->weak ? 1 : -1;
	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return a < b ? -1 : a > b;
}

static size_t
dom_index(const int64_t *dom, size_t n, int64_t d)
{
	const int64_t	*p = bsearch(&d, dom, n, sizeof(*dom), i64_cmp);

	return p != NULL ? (size_t)(p - dom) : n;
}

/* The root of v, and c[v] - c[root] into *pv; compresses the path. */
static size_t
uf_find(size_t *par, int64_t *pot, size_t v, int64_t *pv)
{
	size_t	 r = v, u, next;
	int64_t	 acc = 0, rem, pu;

	while (par[r] != r) {
		acc += pot[r];
		r = par[r];
	}
	for (u = v, rem = acc; par[u] != u; u = next) {
		next = par[u];
		pu = pot[u];
		par[u] = r;
		pot[u] = rem;
		rem -= pu;
	}
	*pv = acc;
	return r;
}

struct lagc {
	int64_t		 lag;
	int64_t		 n;
};

static int
lagc_cmp(const void *p, const void *q)
{
	const struct lagc	*a = p;
	const struct lagc	*b = q;

	return a->lag < b->lag ? -1 : a->lag > b->lag;
}

static int
strong(const struct zt_pm_off *o)
{
	return !o->weak && ZT_PM_TRUSTED(o);
}

/* The trusted unambiguous offset of (out, in) in off, or NULL. */
static const struct zt_pm_off *
off_find(const struct zt_pm_off *off, size_t n, int64_t out, int64_t in)
{
	size_t	 lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (off[mid].out < out || (off[mid].out == out &&
		    off[mid].in < in))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && off[lo].out == out && off[lo].in == in &&
	    strong(&off[lo]) ? &off[lo] : NULL;
}

int64_t
zt_pm_lag(const struct zt_pm_off *off, size_t n)
{
	const struct zt_pm_off	*r;
	struct lagc		*c;
	size_t			 nc = 0, i;
	int64_t			 tot = 0, acc = 0, lag = 0;

	if (n == 0)
		return 0;
	c = zt_xmalloc(n * sizeof(*c));
	for (i = 0; i < n; i++) {
		if (!strong(&off[i]) || off[i].out > off[i].in)
			continue;
		if (off[i].out == off[i].in) {
			c[nc].lag = -off[i].off;
			c[nc++].n = off[i].n;
		} else if ((r = off_find(off, n, off[i].in, off[i].out)) !=
		    NULL) {
			c[nc].lag = -(off[i].off + r->off) / 2;
			c[nc++].n = off[i].n < r->n ? off[i].n : r->n;
		}
	}
	qsort(c, nc, sizeof(*c), lagc_cmp);
	for (i = 0; i < nc; i++)
		tot += c[i].n;
	for (i = 0; i < nc; i++)
		if ((acc += c[i].n) * 2 >= tot) {
			lag = c[i].lag;
			break;
		}
	free(c);
	return lag;
}

size_t
zt_pm_clocks(const struct zt_pm_off *off, size_t n, int64_t lag,
    struct zt_pm_clock **clk)
{
	const struct zt_pm_off	**e;
	struct zt_pm_clock	*c;
	int64_t			*dom, *pot;
	size_t			*par;
	size_t			 nd = 0, i, a, b, ra, rb;
	int64_t			 pa, pb;

	*clk = NULL;
	if (n == 0)
		return 0;
	dom = zt_xmalloc(2 * n * sizeof(*dom));
	for (i = 0; i < n; i++) {
		if (!ZT_PM_TRUSTED(&off[i]))
			continue;
		dom[nd++] = off[i].out;
		dom[nd++] = off[i].in;
	}
	qsort(dom, nd, sizeof(*dom), i64_cmp);
	for (a = i = 0; i < nd; i++)
		if (a == 0 || dom[a - 1] != dom[i])
			dom[a++] = dom[i];
	nd = a;
	if (nd == 0) {
		free(dom);
		return 0;
	}
	par = zt_xmalloc(nd * sizeof(*par));
	pot = zt_xcalloc(nd, sizeof(*pot));
	for (i = 0; i < nd; i++)
		par[i] = i;
	e = zt_xmalloc(n * sizeof(*e));
	for (a = i = 0; i < n; i++)
		if (ZT_PM_TRUSTED(&off[i]))
			e[a++] = &off[i];
	n = a;
	qsort(e, n, sizeof(*e), byn_cmp);
	for (i = 0; i < n; i++) {
		a = dom_index(dom, nd, e[i]->out);
		b = dom_index(dom, nd, e[i]->in);
		ra = uf_find(par, pot, a, &pa);
		rb = uf_find(par, pot, b, &pb);
		if (ra == rb)
			continue;
		/* c[b] - c[a] = off + lag: c[rb] - c[ra] = pa + that - pb. */
		par[rb] = ra;
		pot[rb] = pa + e[i]->off + lag - pb;
	}
	c = zt_xmalloc(nd * sizeof(*c));
	for (i = 0; i < nd; i++) {
		(void)uf_find(par, pot, i, &pa);
		c[i].dom = dom[i];
		c[i].c = pa;
	}
	free(e);
	free(par);
	free(pot);
	free(dom);
	*clk = c;
	return nd;
}

int64_t
zt_pm_clock_of(const struct zt_pm_clock *clk, size_t n, int64_t dom)
{
	size_t	 lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (clk[mid].dom < dom)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && clk[lo].dom == dom ? clk[lo].c : 0;
}

static int64_t
dist(int64_t a, int64_t b)
{
	return a > b ? a - b : b - a;
}

/* One side of one record: the nearest of the other side within w. */
static size_t
assign_one(const int64_t *x, size_t nx, const int64_t *y, size_t ny,
    int64_t w, int32_t *mx)
{
	size_t	 i, best = 0;
	int	 found = 0;

	if (nx == 1) {
		for (i = 0; i < ny; i++)
			if (dist(y[i], x[0]) <= w && (!found ||
			    dist(y[i], x[0]) < dist(y[best], x[0]))) {
				best = i;
				found = 1;
			}
		if (found)
			mx[0] = (int32_t)best;
		return (size_t)found;
	}
	for (i = 0; i < nx; i++)
		if (dist(y[0], x[i]) <= w && (!found ||
		    dist(y[0], x[i]) < dist(y[0], x[best]))) {
			best = i;
			found = 1;
		}
	if (found)
		mx[best] = 0;
	return (size_t)found;
}

struct cell {
	int64_t		 cost;
	int32_t		 cnt;
};

static int
better(const struct cell *a, const struct cell *b)
{
	return a->cnt > b->cnt || (a->cnt == b->cnt && a->cost < b->cost);
}

/* The exact assignment of a run: see pairmatch.h. */
static size_t
assign_dp(const int64_t *x, size_t nx, const int64_t *y, size_t ny,
    int64_t w, int32_t *mx)
{
	struct cell	*prev, *cur, *t, m;
	uint8_t		*how;		/* 0: x unmatched, 1: y, 2: matched */
	size_t		 i, j, n = 0;
	size_t		 cols = ny + 1;

	prev = zt_xcalloc(cols, sizeof(*prev));
	cur = zt_xcalloc(cols, sizeof(*cur));
	how = zt_xcalloc((nx + 1) * cols, 1);
	for (j = 1; j <= ny; j++)
		how[j] = 1;
	for (i = 1; i <= nx; i++) {
		cur[0] = prev[0];
		how[i * cols] = 0;
		for (j = 1; j <= ny; j++) {
			cur[j] = prev[j];
			how[i * cols + j] = 0;
			if (better(&cur[j - 1], &cur[j])) {
				cur[j] = cur[j - 1];
				how[i * cols + j] = 1;
			}
			if (dist(x[i - 1], y[j - 1]) > w)
				continue;
			m.cnt = prev[j - 1].cnt + 1;
			m.cost = prev[j - 1].cost + dist(x[i - 1], y[j - 1]);
			if (!better(&cur[j], &m)) {
				cur[j] = m;
				how[i * cols + j] = 2;
			}
		}
		t = prev;
		prev = cur;
		cur = t;
	}
	for (i = nx, j = ny; i > 0 && j > 0;) {
		switch (how[i * cols + j]) {
		case 2:
			mx[i - 1] = (int32_t)(j - 1);
			n++;
			i--;
			j--;
			break;
		case 1:
			j--;
			break;
		default:
			i--;
		}
	}
	free(how);
	free(prev);
	free(cur);
	return n;
}

/* A run too long for the exact programme: in order, as many as can be. */
static size_t
assign_order(const int64_t *x, size_t nx, const int64_t *y, size_t ny,
    int64_t w, int32_t *mx)
{
	size_t	 i, j = 0, n = 0;

	for (i = 0; i < nx; i++) {
		while (j < ny && y[j] < x[i] - w)
			j++;
		if (j < ny && y[j] <= x[i] + w) {
			mx[i] = (int32_t)j++;
			n++;
		}
	}
	return n;
}

size_t
zt_pm_assign(const int64_t *x, size_t nx, const int64_t *y, size_t ny,
    int64_t w, int32_t *mx)
{
	size_t	 i0 = 0, j0 = 0, i1, j1, k, n = 0;
	int64_t	 last;

	for (k = 0; k < nx; k++)
		mx[k] = -1;
	/* Runs: records of both sides, cut where the next is over w later. */
	while (i0 < nx && j0 < ny) {
		i1 = i0;
		j1 = j0;
		last = x[i0] < y[j0] ? x[i0] : y[j0];
		for (;;) {
			if (i1 < nx && (j1 >= ny || x[i1] <= y[j1])) {
				if (x[i1] - last > w && (i1 > i0 || j1 > j0))
					break;
				last = x[i1++];
			} else if (j1 < ny) {
				if (y[j1] - last > w && (i1 > i0 || j1 > j0))
					break;
				last = y[j1++];
			} else
				break;
		}
		if (i1 > i0 && j1 > j0) {
			if (i1 - i0 == 1 || j1 - j0 == 1)
				k = assign_one(x + i0, i1 - i0, y + j0,
				    j1 - j0, w, mx + i0);
			else if ((i1 - i0 + 1) * (j1 - j0 + 1) <= ZT_PM_EXACT)
				k = assign_dp(x + i0, i1 - i0, y + j0,
				    j1 - j0, w, mx + i0);
			else
				k = assign_order(x + i0, i1 - i0, y + j0,
				    j1 - j0, w, mx + i0);
			for (; i0 < i1; i0++)
				if (mx[i0] >= 0)
					mx[i0] += (int32_t)j0;
			n += k;
		}
		i0 = i1;
		j0 = j1;
	}
	return n;
}

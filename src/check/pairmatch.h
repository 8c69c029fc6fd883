/*
 * pairmatch.h -- the arithmetic of pairing (pairing.c): the clock offset
 * between two ztunnels estimated from connections that can be paired
 * only one way, a clock per ztunnel that agrees with those offsets, and
 * the one-to-one assignment of the records of one pairing key.
 *
 * pairing -> [pairmatch]
 *
 * A clock domain stands for one ztunnel's clock: the pod that logged a
 * record when it is known, else the host the record is local to (the
 * client's for outbound, the server's for inbound).  Times are in us.
 * Everything here works on caller-owned arrays; results are allocated
 * (zt_xmalloc) and owned by the caller.
 */
#ifndef ZT_PAIRMATCH_H
#define ZT_PAIRMATCH_H

#include <stddef.h>
#include <stdint.h>

/* One unambiguous pair: the inbound minus the outbound close time. */
struct zt_pm_sample {
	int64_t		 out;		/* the outbound record's domain */
	int64_t		 in;		/* the inbound record's domain */
	int64_t		 dt;
};

/* The offset of one (outbound, inbound) pair of domains. */
struct zt_pm_off {
	int64_t		 out;
	int64_t		 in;
	int64_t		 off;		/* the median dt */
	int64_t		 n;		/* samples */
	int64_t		 agree;		/* samples within w of the median */
	int		 weak;		/* from ambiguous twins (zt_pm_modes) */
};

/*
 * An offset is trusted from ZT_PM_MIN samples on, when more than half
 * of them agree with it: a lone pair of records far apart is more
 * likely a connection whose twin is missing than a clock.
 */
#define ZT_PM_MIN	3
#define ZT_PM_TRUSTED(o) ((o)->n >= ZT_PM_MIN && 2 * (o)->agree > (o)->n)

/* A domain's clock: what to subtract from its times. */
struct zt_pm_clock {
	int64_t		 dom;
	int64_t		 c;
};

/*
 * Per (out, in) the median of the samples' dt (the lower middle one of
 * an even count) and how many samples are within w of it, into *off
 * sorted by (out, in).  Sorts s.  Returns the count (*off NULL for
 * none).
 */
size_t	zt_pm_offsets(struct zt_pm_sample *s, size_t n, int64_t w,
	    struct zt_pm_off **off);
/*
 * Offsets from ambiguous keys, for the pairs of domains no unambiguous
 * twin measured: s holds, per (out, in), the dt of candidate pairs of
 * records (every outbound with every inbound of the same key, within
 * ZT_PM_SEARCH).  Twins pile up at the offset, the rest spread thin: the
 * offset is the median of the densest ZT_PM_PEAK of dt, when that holds
 * at least ZT_PM_MIN samples and four times what an even spread would
 * put there.  Sorts s; into *off (weak, trusted), sorted by (out, in).
 */
#define ZT_PM_SEARCH	((int64_t)30 * 1000000)
#define ZT_PM_PEAK	((int64_t)10 * 1000)
size_t	zt_pm_modes(struct zt_pm_sample *s, size_t n, struct zt_pm_off **off);

/*
 * The lag: how much earlier an inbound record closes than its outbound
 * twin on one clock (ztunnel's server side ends first, by well under a
 * millisecond).  Measured where the clocks cancel out: a pair of
 * domains measured both ways (off(a, b) + off(b, a) = -2 lag) or one
 * domain with itself (off(a, a) = -lag); the median of those weighted by
 * samples, 0 when there are none.  off sorted by (out, in), as
 * zt_pm_offsets made it; only unambiguous trusted offsets count.
 */
int64_t	zt_pm_lag(const struct zt_pm_off *off, size_t n);

/*
 * A clock per domain that the trusted offsets name, such that c[in] -
 * c[out] is the offset plus lag of every pair on a spanning forest taken
 * greediest first (unambiguous before weak, then most samples first): a
 * domain is placed through its best-measured link.  In each connected
 * group the domain first placed (the one of the best-measured pair) has
 * clock 0.  Into *clk sorted by domain; returns the count.
 */
size_t	zt_pm_clocks(const struct zt_pm_off *off, size_t n, int64_t lag,
	    struct zt_pm_clock **clk);
/* The clock of dom (0 when clk does not name it). */
int64_t	zt_pm_clock_of(const struct zt_pm_clock *clk, size_t n, int64_t dom);

/*
 * Assign x[0..nx) to y[0..ny) (both sorted ascending, corrected times)
 * one to one, only pairs with |y - x| <= w: as many pairs as possible,
 * then the least total |y - x|.  mx[k] = the y index of x[k], or -1.
 * Exact (a dynamic programme over the non-crossing assignments, which
 * include an optimal one) for runs of up to ZT_PM_EXACT cells; longer
 * runs of records closer than w to each other are matched in order,
 * still of the largest size.  Returns the pairs made.
 */
#define ZT_PM_EXACT	((size_t)1 << 20)
size_t	zt_pm_assign(const int64_t *x, size_t nx, const int64_t *y,
	    size_t ny, int64_t w, int32_t *mx);

#endif

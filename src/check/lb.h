/*
 * lb.h -- the balance check's model of ztunnel's choice of an endpoint
 * (balance.c), and its statistics.
 *
 * balance -> [lb] (lbmodel.c, lbstat.c) -> inv (queries)
 *
 * ztunnel (istio/ztunnel src/state.rs, load_balance) picks an endpoint
 * at random, weighted by the workload's capacity, among the service's
 * endpoints it knows at that moment; when the service has a load
 * balancer mode other than Standard, only among the best-ranked for the
 * client's locality (routing preferences in order; Strict: all must
 * match).  The model turns what the records show (connections per
 * endpoint, when each endpoint was first and last seen, when the
 * service's connections came) and what an inventory says (capacity,
 * locality, load-balancer mode, weighted waypoints) into the expected
 * count of each endpoint.
 *
 * Ownership: the caller owns every array of a zt_lbm; the model writes
 * the outputs (w, e) only.
 */
#ifndef ZT_LB_H
#define ZT_LB_H

#include <stddef.h>
#include <stdint.h>

struct zt_inv_service;
struct zt_inv_workload;

#define ZT_LB_NB	128	/* time buckets a service keeps */
#define ZT_LB_NGROUPS	8	/* weighted waypoints judged apart */

/*
 * When a service's connections came: ZT_LB_NB buckets, each a power of
 * two seconds wide, aligned to that width; widened (pairs folded) when a
 * time falls outside.  About 1 KiB a service.
 */
struct zt_lbhist {
	int64_t		 t0;		/* start of bucket 0 (us) */
	int64_t		 width;		/* us; 0: empty */
	int64_t		 c[ZT_LB_NB];
};

void	zt_lbhist_add(struct zt_lbhist *h, int64_t ts, int64_t n);
/* Fold b into a. */
void	zt_lbhist_merge(struct zt_lbhist *a, const struct zt_lbhist *b);

/* One endpoint of a service (or of its waypoint) in the model. */
struct zt_lbm_ep {
	int64_t		 n;		/* connections seen */
	int64_t		 first;		/* first and last seen (n > 0) */
	int64_t		 last;
	double		 cap;		/* capacity: 1 unless the inventory
					   says otherwise */
	int		 group;		/* weighted waypoint (0..ngw-1) */
	const struct zt_inv_workload *wl; /* the inventory's, or NULL */
	double		 w;		/* out: share, capacity and presence */
	double		 e;		/* out: expected connections */
};

/* The connections of one client node (or client) to the endpoints it
   reached (sparse: clients times endpoints can be large; an endpoint
   may be listed more than once, its counts add up). */
struct zt_lbm_client {
	const struct zt_inv_workload *wl; /* a client workload of it, or NULL */
	int64_t		 n;
	size_t		*ep;		/* endpoints reached (indexes) */
	int64_t		*o;		/* their connections */
	size_t		 nr;
};

struct zt_lbm {
	struct zt_lbm_ep *ep;
	size_t		 nep;
	struct zt_lbm_client *cl;
	size_t		 ncl;
	double		 gw[ZT_LB_NGROUPS]; /* group weights; ngw 0: one */
	size_t		 ngw;
	const struct zt_lbhist *h;
	/* the service as the inventory has it (load-balancer mode), or NULL */
	const struct zt_inv_service *svc;
	int64_t		 total;
	int		 locality;	/* out: expected used locality ranks */
};

/*
 * Fill each endpoint's w (capacity times presence, over the service's
 * connections in time) and e (expected connections: every client's
 * connections spread over the endpoints it may choose).
 */
void	zt_lbm_expect(struct zt_lbm *m);

/* What a test of observed against expected counts found. */
struct zt_lbtest {
	double		 chi2;
	double		 df;
	double		 p;
	double		 ratio;		/* largest obs/exp or exp/obs */
	double		 points;	/* largest share difference, points */
};

/*
 * The split of each client node over the endpoints it reached, against
 * the model's shares among those: the chi-square summed over client
 * nodes (those with min_expected connections per endpoint reached), and
 * the effect over their pooled counts (a client node that reached one
 * endpoint adds no degree of freedom).  0, or -1 when there is no
 * client.
 */
int	zt_lbm_per_client(const struct zt_lbm *m, double min_expected,
	    struct zt_lbtest *t);
/* The effect size of observed o against expected e (n entries). */
void	zt_lb_effect(const int64_t *o, const double *e, size_t n,
	    double min_expected, struct zt_lbtest *t);
/*
 * Holm's step-down adjustment of n p-values: adj[i] is the smallest
 * family-wise level at which p[i] is rejected; mult[i] (or NULL) the
 * factor p[i] was multiplied by.
 */
void	zt_lb_holm(const double *p, size_t n, double *adj, double *mult);

#endif

/*
 * observe.h -- who logged what: the input's coverage, shared by all rules
 * (pairing asks whether the other side of a connection was observable;
 * the coverage warnings ask which sides are missing).
 *
 * engine -> [observe] -> pairing, coverage warnings
 *
 * Per ztunnel pod: the span of its records' times and the hosts it logged
 * as local addresses; the hosts outbound records reached as waypoints;
 * the (pod, peer host) of outbound HBONE.  Keys are the run's ids and
 * host keys (dims.h).
 *
 * Ownership: zt_observe owns its maps (zt_observe_fini).
 */
#ifndef ZT_OBSERVE_H
#define ZT_OBSERVE_H

#include <stdint.h>

#include "check/dims.h"
#include "check/imap.h"
#include "check/row.h"

struct zt_span {
	int64_t		 lo;
	int64_t		 hi;
};

struct zt_observe {
	struct zt_imap	 local;		/* (pod, host) seen as local address */
	struct zt_imap	 podix;		/* pod -> index into span */
	struct zt_span	*span;
	struct zt_imap	 wp_hosts;	/* hosts of waypoints (outbound wp dst) */
	struct zt_imap	 hbpeer;	/* (pod, peer host) of outbound HBONE */
	int64_t		 records;
	int64_t		 out;
	int64_t		 in;
};

void	zt_observe_init(struct zt_observe *ob);
void	zt_observe_fini(struct zt_observe *ob);
void	zt_observe_row(struct zt_observe *ob, const struct zt_row *row,
	    const struct zt_dims *dm);
/* Fold b into a (b is left as it was). */
void	zt_observe_merge(struct zt_observe *a, const struct zt_observe *b);
/*
 * Could the ztunnel of host have logged a record at ts?  Yes when a pod
 * that has host as a local address logged records both before and after
 * ts (its span covers ts; a log cut just before is then not counted
 * against the mesh).
 */
int	zt_observe_visible(const struct zt_observe *ob, int64_t host,
	    int64_t ts);
/* Did outbound records reach host key host as a waypoint? */
int	zt_observe_waypoint(const struct zt_observe *ob, int64_t host);
/* Outbound HBONE peers that are not local to the pod that logged them. */
int64_t	zt_observe_remote(const struct zt_observe *ob);

#endif

/*
 * facts.h -- what the graphical reports draw besides the rules' results:
 * HBONE use per namespace, records per ztunnel pod, connections per
 * pair of ztunnels (nodes), and records and errors over time.
 *
 * engine -> [facts] -> check.h's zt_facts -> report (html.c)
 *
 * Gathered from the records the rules see (after the filters), staged
 * and merged per source like the rules' states; turned into names and
 * counts (struct zt_facts, check.h) at a snapshot.
 *
 * Ownership: an accumulator owns its maps (zt_facts_fini); a zt_facts
 * owns its strings and arrays (zt_facts_free).
 */
#ifndef ZT_FACTS_H
#define ZT_FACTS_H

#include <stdint.h>

#include "check/check.h"
#include "check/dims.h"
#include "check/imap.h"
#include "check/observe.h"
#include "check/row.h"

struct zt_facts_pod {
	int64_t		 rec, out, in, err, lo, hi;
};

struct zt_facts_acc {
	struct zt_imap	 peer;		/* src peer -> [outbound, hbone] */
	int64_t		(*pv)[2];
	struct zt_imap	 pod;		/* pod -> counts */
	struct zt_facts_pod *pa;
	struct zt_imap	 outp;		/* (pod, hbone host) -> outbound */
	int64_t		*on;
	struct zt_imap	 inp;		/* (pod, source host) -> inbound */
	int64_t		*in;
	struct zt_imap	 sec;		/* second -> [records, errors] */
	int64_t		(*sv)[2];
};

void	zt_facts_init(struct zt_facts_acc *a);
void	zt_facts_fini(struct zt_facts_acc *a);
void	zt_facts_row(struct zt_facts_acc *a, const struct zt_row *row,
	    const struct zt_dims *dm);
/* Fold b into a (b is left as it was). */
void	zt_facts_merge(struct zt_facts_acc *a, const struct zt_facts_acc *b);
/* The facts of a, named, into out (which starts empty). */
void	zt_facts_make(const struct zt_facts_acc *a, const struct zt_observe *ob,
	    const struct zt_dims *dm, struct zt_facts *out);

#endif

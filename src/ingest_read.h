/*
 * ingest_read.h -- ingest's inside: reading one source into the store
 * (ingest_read.c), for ingest.c.
 *
 * ingest -> [ingest_read]
 */
#ifndef ZT_INGEST_READ_H
#define ZT_INGEST_READ_H

#include "ingest.h"

struct zt_input;
struct zt_source;

/*
 * Read source src (open as in) into the store: 0; -1 with ierr set when
 * the input broke off (what came before it stays read); -2 with err set
 * on a database error.  ss gets the source's counts.
 */
int	zt_ingest_read(struct zt_ingest *ig, struct zt_input *in,
	    const struct zt_source *src, struct zt_source_stats *ss,
	    struct zt_err *ierr, struct zt_err *err);

#endif

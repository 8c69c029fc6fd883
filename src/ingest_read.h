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
 * A source in flight: its threads read, parse and intern it while the
 * calling thread stores what they hand over (zt_flight_store).  Its
 * start may come before the source before it is finished (parked), so
 * that the reading of one overlaps the storing of the other: ingest.c.
 */
struct zt_flight;

/*
 * Start reading src (open as in; src is copied, in must stay open until
 * zt_flight_input).  parked: read and parse, but give names no ids until
 * zt_flight_go (after zt_store_begin of this source).  NULL with err set
 * when a thread could not start (its reader may have read on).
 */
struct zt_flight *zt_flight_start(struct zt_ingest *ig, struct zt_input *in,
	    const struct zt_source *src, int parked, struct zt_err *err);
int	zt_flight_go(struct zt_ingest *ig, struct zt_flight *f,
	    struct zt_err *err);
/* 1 if f can run ahead of the storing (parked): not with one parse thread. */
int	zt_flight_ahead(const struct zt_flight *f);
/* Stop and free a flight never stored (after a failure). */
void	zt_flight_cancel(struct zt_flight *f);
/*
 * Store what f's threads hand over, in input order: to its end (0), or
 * with ahead, only until the input is read to its end (1; the rest is
 * stored by a later call).  -2 with err set on a database error.
 */
int	zt_flight_store(struct zt_ingest *ig, struct zt_flight *f,
	    struct zt_source_stats *ss, int ahead, struct zt_err *err);
/* Once the input is read: what ss takes from it; in is not used after. */
void	zt_flight_input(struct zt_flight *f, struct zt_input *in,
	    struct zt_source_stats *ss);
/*
 * After zt_flight_store to the end and zt_flight_input: the threads
 * joined and ss completed.  Returns 0; -1 with ierr set when the input
 * broke off (what came before it stays read); -2 with err set on a
 * database error.
 */
int	zt_flight_end(struct zt_ingest *ig, struct zt_flight *f,
	    struct zt_source_stats *ss, struct zt_err *ierr,
	    struct zt_err *err);
/* After zt_flight_input: 1 if the input was read without an error. */
int	zt_flight_read_ok(const struct zt_flight *f);
/* The copy of the source's info f keeps (valid until zt_flight_free). */
const struct zt_srcinfo *zt_flight_info(const struct zt_flight *f);
void	zt_flight_free(struct zt_flight *f);

#endif

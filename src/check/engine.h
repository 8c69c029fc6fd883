/*
 * engine.h -- the engine's side door for a scan of stored records
 * (scan.c), which names its own sources.  Not an API: check.h is.
 */
#ifndef ZT_ENGINE_H
#define ZT_ENGINE_H

#include <stdint.h>

#include "check/check.h"

/* Name source key k (a rec source_id). */
void	zt_checker_source(struct zt_checker *c, int64_t k, const char *name);
/* Feed the record with ids v at line of source key src. */
void	zt_checker_row(struct zt_checker *c, int64_t src, int64_t line,
	    const struct zt_recids *v);

#endif

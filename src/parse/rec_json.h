/*
 * rec_json.h -- ztunnel's LOG_FORMAT=json layout (rec_json.c).
 * Internal to parse/: called by the dispatcher with the decorations
 * already stripped.
 */
#ifndef ZT_REC_JSON_H
#define ZT_REC_JSON_H

#include "parse/rec.h"

/*
 * Classify the JSON line p..end (starting with '{') and fill rec for a
 * record.  An object whose scope (or 1.22.0's target) is "access" is an
 * access line; invalid JSON that names the access scope is malformed (a
 * cut-off access record); anything else is an other line.
 */
enum zt_class zt_parse_json(struct zt_parser *ps, const char *p,
	    const char *end, struct zt_rec *rec);

#endif

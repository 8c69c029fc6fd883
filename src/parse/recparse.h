/*
 * recparse.h -- internals shared by the two line formats (record.c for
 * text, jsonrec.c for JSON).  Not part of the record API.
 */
#ifndef ZT_RECPARSE_H
#define ZT_RECPARSE_H

#include "parse/record.h"

/* Set rec->why and return ZT_CLASS_MALFORMED. */
enum zt_class zt_rec_bad(struct zt_rec *rec, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * Store one name=value pair: a known field, or an unknown one appended to
 * the extra JSON (raw_json: value is already JSON text, else a string).
 * Returns 0, or -1 after zt_rec_bad() (duplicate field).
 */
int	zt_rec_field(struct zt_parser *ps, struct zt_rec *rec,
	    struct zt_str name, struct zt_str value, int raw_json);

/* Check required fields, convert numbers, close extra.  Returns the class. */
enum zt_class zt_rec_finish(struct zt_parser *ps, struct zt_rec *rec);

/* The JSON line format; p..end starts with '{'. */
enum zt_class zt_parse_json(struct zt_parser *ps, const char *p,
	    const char *end, struct zt_rec *rec);

#endif

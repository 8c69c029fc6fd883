/*
 * rec_field.h -- filling a zt_rec (rec_field.c): the known access fields,
 * the unknown ones gathered as JSON, the checks a finished record must
 * pass, and the reason of a malformed line.
 *
 * Internal to parse/: every layout (text, JSON, and the wrappers to come)
 * reads its line its own way and hands the name=value pairs it finds to
 * zt_rec_field(), then calls zt_rec_finish() once.  Values are views
 * that must stay valid as long as the record (the line, or the parser's
 * scratch buffer).
 */
#ifndef ZT_REC_FIELD_H
#define ZT_REC_FIELD_H

#include "parse/rec.h"

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

/* Store the value of known field i (as zt_rec_field found it). */
int	zt_rec_known(struct zt_parser *ps, struct zt_rec *rec, int i,
	    struct zt_str value);

/*
 * The length of the field name expected next (ps->hint) when p..end
 * starts with it and '=', else 0.  ztunnel writes its fields in one
 * order, so a layout finds most names by this one comparison instead of
 * scanning them, and stores the value with zt_rec_known().
 */
size_t	zt_rec_expected(const struct zt_parser *ps, const char *p,
	    const char *end);

/*
 * Check the required fields, convert the numbers, close extra.  Returns
 * ZT_CLASS_RECORD, or ZT_CLASS_MALFORMED with rec->why set.
 */
enum zt_class zt_rec_finish(struct zt_parser *ps, struct zt_rec *rec);

#endif

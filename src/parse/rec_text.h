/*
 * rec_text.h -- ztunnel's text layout (rec_text.c): 1.22.0 onward,
 *
 *   TIMESTAMP ws LEVEL ws SCOPE ws MESSAGE ws FIELDS
 *
 * where ws is a TAB (ztunnel) or a run of spaces (logs pasted from docs).
 * Internal to parse/: called by the dispatcher with the decorations
 * already stripped.
 */
#ifndef ZT_REC_TEXT_H
#define ZT_REC_TEXT_H

#include "parse/rec.h"

/*
 * Classify the text line at p..end, which starts at line (the physical
 * line, for the columns in reasons), and fill rec for a record.  Only a
 * scope of exactly "access" makes an access line; everything that does
 * not start like a ztunnel line is an other line.  An access line that
 * cannot be read completely is malformed, with the first reason found.
 */
enum zt_class zt_parse_text(struct zt_parser *ps, const char *line,
	    const char *p, const char *end, struct zt_rec *rec);

/*
 * Does an access line's head (timestamp of some date-like shape, a level,
 * the scope "access") start at p?  1 or 0.
 */
int	zt_text_is_access(const char *p, const char *end);

/*
 * Read the fields p..end of a line without a head (rec->partial is set
 * by the caller): the same fields, the same checks as after a head.
 * line is the physical line, for the columns in reasons.
 */
enum zt_class zt_parse_text_fields(struct zt_parser *ps, const char *line,
	    const char *p, const char *end, struct zt_rec *rec);

#endif

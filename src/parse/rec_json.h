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
 * access line; one without a scope but with access fields (src.addr,
 * dst.addr, direction) is a header-less record (rec->partial, no time
 * unless it has one); invalid JSON that names the access scope or an
 * access field is malformed; anything else (another scope: rec->scoped)
 * is an other line.
 */
enum zt_class zt_parse_json(struct zt_parser *ps, const char *p,
	    const char *end, struct zt_rec *rec);

/*
 * One member of a JSON object: its key, and its value decoded (a string)
 * or as JSON text (anything else).  Views into the object's text or the
 * parser's scratch buffer.
 */
enum zt_jtype { ZT_J_STR, ZT_J_RAW };

struct zt_jmember {
	struct zt_str	 key;
	struct zt_str	 val;	/* ZT_J_STR: decoded; ZT_J_RAW: JSON text */
	struct zt_str	 raw;	/* the value's JSON text */
	enum zt_jtype	 type;
};

/*
 * Read the object p..end (nothing but white space after it) into at most
 * max members.  The scratch buffer must have room for end - p bytes more
 * (zt_buf_reserve): decoded strings go there.  Returns 0, or -1 when it is
 * no valid object or has more members.
 */
int	zt_json_object(struct zt_parser *ps, const char *p, const char *end,
	    struct zt_jmember *m, size_t max, size_t *nm);
/* The first member named key, or NULL. */
struct zt_jmember *zt_json_get(struct zt_jmember *m, size_t nm,
	    const char *key);

#endif

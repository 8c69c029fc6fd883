/*
 * record.c -- the dispatcher: one physical line to one class; see
 * record.h.
 *
 * A line is read left to right in stages, each consuming a prefix, and
 * each stage is a file of its own that the dispatcher calls down into:
 *
 *   1. decorations    kubectl --prefix, stern, --timestamps (rec_decor.c)
 *   2. the layout     "{" JSON (rec_json.c), else the text layout
 *                     (rec_text.c)
 *   3. the source     what the line did not say, its source may: the pod
 *
 * The layouts fill the record through rec_field.c and read timestamps
 * with rec_time.c; none of them calls back up here.
 */
#include <stddef.h>
#include <string.h>

#include "in/source.h"
#include "parse/rec_decor.h"
#include "parse/rec_json.h"
#include "parse/rec_text.h"
#include "parse/record.h"

void
zt_parser_init(struct zt_parser *ps)
{
	memset(ps, 0, sizeof(*ps));
}

void
zt_parser_fini(struct zt_parser *ps)
{
	zt_buf_free(&ps->scratch);
	zt_buf_free(&ps->extra);
}

void
zt_parser_source(struct zt_parser *ps, const struct zt_srcinfo *src)
{
	ps->src = src;
	ps->srcpod = ZT_NOSTR;
	if (src != NULL && src->pod != NULL) {
		ps->srcpod.p = src->pod;
		ps->srcpod.n = strlen(src->pod);
	}
}

/* A line as ztunnel or kubectl wrote it: decorations, then a layout. */
static enum zt_class
parse_plain(struct zt_parser *ps, struct zt_str line, struct zt_rec *rec)
{
	const char	*p = line.p;
	const char	*end = line.p + line.n;

	if (line.n == 0)
		return ZT_CLASS_OTHER;
	p = zt_rec_decor(p, end, rec);
	if (p < end && *p == '{')
		return zt_parse_json(ps, p, end, rec);
	return zt_parse_text(ps, line.p, p, end, rec);
}

enum zt_class
zt_parse_line(struct zt_parser *ps, struct zt_str line, struct zt_rec *rec)
{
	enum zt_class	 cls;

	memset(rec, 0, offsetof(struct zt_rec, why));
	rec->why[0] = '\0';
	ps->scratch.n = 0;
	ps->extra.n = 0;
	ps->hint = 0;
	/*
	 * ZT_WRAP_AUTO and ZT_WRAP_PLAIN both mean plain lines today.  The
	 * wrappers to come (ps->src->wrap: CRI, docker json-file, shipper
	 * envelopes) are rec_*.c files of their own, called from here: each
	 * unwraps the line, sets what its envelope says (a pod), and hands
	 * the inner line to parse_plain().
	 */
	cls = parse_plain(ps, line, rec);
	if (rec->pod.p == NULL)
		rec->pod = ps->srcpod;
	return cls;
}

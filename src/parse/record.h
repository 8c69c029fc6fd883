/*
 * record.h -- one physical log line classified, and an access record read
 * out of it as views.
 *
 * sources -> input -> lines -> [parse] -> store
 *
 * zt_parse_line() strips kubectl's decorations (--prefix, --timestamps,
 * stern-like pod prefixes), recognises the ztunnel text layouts (1.22.0
 * onward, TAB- or space-separated columns) and the JSON format, and sorts
 * the line into exactly one class: an access record, an other log line,
 * or a malformed access line with a reason.
 *
 * The record and its ownership rules are in rec.h; the timestamp helpers
 * that store and check use too (zt_parse_ts27, zt_format_ts) in
 * rec_time.h, included here.  Steady state allocates nothing: the
 * parser's scratch buffers only grow to the longest line seen.
 */
#ifndef ZT_RECORD_H
#define ZT_RECORD_H

#include "in/source.h"
#include "parse/rec.h"
#include "parse/rec_time.h"

/* A parser for lines of no known source (until zt_parser_source). */
void	zt_parser_init(struct zt_parser *ps);
void	zt_parser_fini(struct zt_parser *ps);

/*
 * The lines parsed from now on come from src (borrowed until the next
 * zt_parser_source() or zt_parser_fini(); NULL: no source known).  What
 * the source knows fills what a line does not say: a record's pod is the
 * line's kubectl decoration if it has one, else src->pod.
 */
void	zt_parser_source(struct zt_parser *ps, const struct zt_srcinfo *src);

/*
 * Classify line (without its newline) and, for a record, fill rec.  For
 * every class rec->pod, rec->has_kube and rec->fmt are set; for a
 * malformed line rec->why holds the reason.  Never fails otherwise.
 */
enum zt_class zt_parse_line(struct zt_parser *ps, struct zt_str line,
	    struct zt_rec *rec);

#endif

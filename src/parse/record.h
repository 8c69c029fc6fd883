/*
 * record.h -- one physical log line classified, and an access record read
 * out of it as views.
 *
 * sources -> input -> lines -> [parse] -> store
 *
 * zt_parse_line() strips kubectl's decorations (--prefix, --timestamps,
 * stern-like pod prefixes), recognises the ztunnel text layouts (1.22.0
 * onward, TAB- or space-separated columns) and the JSON format, unwraps
 * the envelopes of node files and log shippers (CRI, docker json-file,
 * fluent-bit, Vector, OpenTelemetry, Loki, Grafana), finds a ztunnel line
 * behind an unknown prefix or access fields without their head, and sorts
 * the line into exactly one class: an access record, an other log line,
 * a malformed access line with a reason, or the first part of a split
 * line.  A line carrying access fields is never an other line.
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
 * Lines are parsed in chunks on several threads; the one state a line
 * leaves for the next is a split line's first parts (CRI P, docker
 * chunks).  zt_parser_pending: 1 when such parts wait for their end.
 * zt_parser_carry: to takes over from's waiting parts (from NULL: none),
 * as if to had parsed the lines from parsed.
 */
int	zt_parser_pending(const struct zt_parser *ps);
void	zt_parser_carry(struct zt_parser *to, const struct zt_parser *from);

/*
 * The longest line that joining split lines (CRI P, docker chunks) may
 * make: longer is malformed, "line too long".  Default 1 MiB.
 */
void	zt_parser_maxjoin(struct zt_parser *ps, size_t max);

/*
 * Classify line (without its newline) and, for a record, fill rec.  For
 * every class rec->pod, rec->has_kube and rec->fmt are set; for a
 * malformed line rec->why holds the reason.  Never fails otherwise.
 */
enum zt_class zt_parse_line(struct zt_parser *ps, struct zt_str line,
	    struct zt_rec *rec);

/*
 * At the end of a source: a split line whose last part never came (a CRI
 * P line at the end of the file) is classified now.  Returns 1 with *cls
 * and rec set (rec->unjoin: the class replaces the ZT_CLASS_JOINED the
 * last part was counted as), 0 when nothing was pending.
 */
int	zt_parse_flush(struct zt_parser *ps, struct zt_rec *rec,
	    enum zt_class *cls);

/*
 * kubectl -f realities (rec_glue.c).  A line that is no record may be
 * two lines glued together (a reconnect dropped a newline): the offset
 * in line where a second, decorated or not, access line starts, or 0.
 */
size_t	zt_parse_glued(struct zt_str line);
/*
 * Is record rec whole?  A line that did not end with a newline (the end
 * of a stream cut off) may be cut inside its fields and still parse:
 * 0 when fields that ztunnel always writes after the last one present
 * are missing (byte counts without a duration; no direction).
 */
int	zt_rec_whole(const struct zt_rec *rec);

#endif

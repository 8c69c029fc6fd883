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
 * That is the fast path, and nearly every line of a kubectl capture ends
 * there.  Only a line it calls "other" goes on to the slow path:
 *
 *   4. envelopes      CRI, docker json-file, shippers' JSON (rec_wrap.c):
 *                     unwrapped, and the inner line goes through 1-2 and 5
 *   5. the search     an access line's head behind an unknown prefix
 *                     (within SCANMAX bytes), or access fields without a
 *                     head: a header-less record, or malformed when the
 *                     head is there but unreadable
 *
 * so that a line carrying access fields (src.addr=, dst.addr=,
 * direction=, or those JSON keys) is never an other line.  The layouts
 * fill the record through rec_field.c and read timestamps with
 * rec_time.c; none of them calls back up here.
 */
#include <stddef.h>
#include <string.h>

#include "in/source.h"
#include "parse/rec_decor.h"
#include "parse/rec_field.h"
#include "parse/rec_json.h"
#include "parse/rec_text.h"
#include "parse/rec_wrap.h"
#include "parse/record.h"

/* How far into a line the head of an access line is looked for. */
#define SCANMAX		1024
#define MAXJOIN		(1024 * 1024)

const char *const zt_lwrap_names[ZT_LW_COUNT] = {
	"plain", "cri", "docker-json", "fluent-bit", "vector", "otel",
	"logcli", "grafana", "json", "prefix",
};

void
zt_parser_init(struct zt_parser *ps)
{
	memset(ps, 0, sizeof(*ps));
	ps->maxjoin = MAXJOIN;
}

void
zt_parser_fini(struct zt_parser *ps)
{
	zt_buf_free(&ps->scratch);
	zt_buf_free(&ps->extra);
	zt_buf_free(&ps->inner);
	zt_buf_free(&ps->meta);
	zt_buf_free(&ps->join);
}

void
zt_parser_source(struct zt_parser *ps, const struct zt_srcinfo *src)
{
	ps->src = src;
	ps->srcpod = ZT_NOSTR;
	ps->joining = 0;
	ps->join_over = 0;
	ps->join.n = 0;
	if (src != NULL && src->pod != NULL) {
		ps->srcpod.p = src->pod;
		ps->srcpod.n = strlen(src->pod);
	}
}

int
zt_parser_pending(const struct zt_parser *ps)
{
	return ps->joining != 0;
}

void
zt_parser_carry(struct zt_parser *to, const struct zt_parser *from)
{
	to->join.n = 0;
	to->joining = 0;
	to->join_over = 0;
	if (from == NULL || !from->joining)
		return;
	to->joining = from->joining;
	to->join_over = from->join_over;
	zt_buf_add(&to->join, from->join.p, from->join.n);
}

void
zt_parser_maxjoin(struct zt_parser *ps, size_t max)
{
	ps->maxjoin = max;
}

static void
rec_reset(struct zt_rec *rec)
{
	memset(rec, 0, offsetof(struct zt_rec, why));
	rec->why[0] = '\0';
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

static int
namechar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    zt_isdig(c) || c == '_' || c == '.';
}

/*
 * The first access field name at p..end used as one: "name=" at the
 * start of a word (text), or "\"name\"" then ':' (JSON, *json set).
 */
static const char *
find_marker(const char *p, const char *end, int *json)
{
	static const char *const names[] = { "src.addr", "dst.addr",
	    "direction" };
	const char	*best = NULL;
	const char	*q;
	const char	*r;
	size_t		 i;
	size_t		 k;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		k = strlen(names[i]);
		for (q = p; (q = zt_find(q, (size_t)(end - q), names[i], k)) !=
		    NULL && (best == NULL || q < best); q++) {
			r = q + k;
			if (r < end && *r == '=' && (q == p ||
			    !namechar(q[-1]))) {
				best = q;
				*json = 0;
				break;
			}
			if (q > p && q[-1] == '"' && r < end && *r == '"') {
				for (r++; r < end && (*r == ' ' ||
				    *r == '\t'); r++)
					;
				if (r < end && *r == ':') {
					best = q - 1;
					*json = 1;
					break;
				}
			}
		}
	}
	return best;
}

/* The next place after from where an access line's head may start. */
static const char *
find_head(const char *p, const char *from, const char *end)
{
	const char	*lim = end - p > SCANMAX ? p + SCANMAX : end;
	const char	*q;

	for (q = from; q < lim; q++) {
		if (zt_isdig(*q) && !zt_isdig(q[-1]) &&
		    zt_text_is_access(q, end))
			return q;
		if (*q == '{' && q + 1 < end && q[1] == '"')
			return q;
	}
	return NULL;
}

/*
 * Why the text line..mark before access fields is no head: a head is
 * there but cannot be read.  NULL when there is none (header-less).
 */
static const char *
bad_head(const char *line, const char *mark)
{
	const char	*q;
	const char	*w;
	int64_t		 us;

	for (q = line; q < mark; q = w) {
		while (q < mark && (*q == ' ' || *q == '\t'))
			q++;
		for (w = q; w < mark && *w != ' ' && *w != '\t'; w++)
			;
		if ((w - q == 6 || (w - q == 7 && q[6] == ':')) &&
		    memcmp(q, "access", 6) == 0)
			break;
	}
	if (q >= mark)
		return NULL;
	for (w = line; w < mark && *w != ' ' && *w != '\t'; w++)
		;
	if (w - line == 27 && zt_parse_ts27(line, &us) == 0)
		return "unknown level or layout";
	return zt_isdig(*line) ? "bad timestamp" :
	    "unreadable access line head";
}

/*
 * Access fields without the head that says when: a header-less record
 * (no time), or malformed when a head is there but unreadable.
 */
static enum zt_class
headless(struct zt_parser *ps, struct zt_str line, const char *mark,
    int json, struct zt_rec *rec)
{
	const char	*end = line.p + line.n;
	const char	*why;
	const char	*q;
	char		 why_[sizeof(rec->why)];

	rec->fmt = json ? ZT_FMT_JSON : ZT_FMT_TEXT;
	if (json)
		return zt_rec_bad(rec, "access fields in JSON that is no "
		    "access record");
	if ((why = bad_head(line.p, mark)) != NULL)
		return zt_rec_bad(rec, "%s", why);
	rec->partial = 1;
	rec->ts_us = ZT_TS_NONE;
	for (q = line.p; q < mark && (*q == ' ' || *q == '\t'); q++)
		;
	if (q < mark) {
		rec->wrap = ZT_LW_PREFIX;
		rec->prefix.p = line.p;
		rec->prefix.n = (size_t)(mark - line.p);
	}
	if (zt_parse_text_fields(ps, line.p, mark, end, rec) ==
	    ZT_CLASS_RECORD)
		return ZT_CLASS_RECORD;
	memcpy(why_, rec->why, sizeof(why_));
	return zt_rec_bad(rec, "access fields without a head: %s", why_);
}

/* Stage 5: a head behind a prefix, or fields without a head. */
static enum zt_class
search(struct zt_parser *ps, struct zt_str line, struct zt_rec *rec)
{
	const char	*p = line.p;
	const char	*end = line.p + line.n;
	const char	*q;
	const char	*mark;
	struct zt_str	 pod;
	enum zt_class	 cls;
	int		 json = 0;

	if (line.n < 6)
		return ZT_CLASS_OTHER;
	mark = find_marker(p, end, &json);
	if (zt_find(p, line.n, "access", 6) != NULL)
		for (q = p; (q = find_head(p, q + 1, end)) != NULL; ) {
			rec_reset(rec);
			ps->scratch.n = 0;
			ps->extra.n = 0;
			ps->hint = 0;
			cls = *q == '{' ? zt_parse_json(ps, q, end, rec) :
			    zt_parse_text(ps, q, q, end, rec);
			if (cls == ZT_CLASS_OTHER)
				continue;
			rec->wrap = zt_prefix_kind(p, q, &pod);
			if (rec->wrap == ZT_LW_PREFIX) {
				rec->prefix.p = p;
				rec->prefix.n = (size_t)(q - p);
			}
			if (pod.p != NULL)
				rec->pod = pod;
			return cls;
		}
	rec_reset(rec);
	if (mark == NULL)
		return ZT_CLASS_OTHER;
	ps->scratch.n = 0;
	ps->extra.n = 0;
	ps->hint = 0;
	return headless(ps, line, mark, json, rec);
}

/* A line inside an envelope, or the whole line: stages 1-2, then 5. */
static enum zt_class
inner(struct zt_parser *ps, struct zt_str line, struct zt_rec *rec)
{
	enum zt_class	 cls;

	ps->scratch.n = 0;
	ps->extra.n = 0;
	ps->hint = 0;
	cls = parse_plain(ps, line, rec);
	if (cls != ZT_CLASS_OTHER)
		return cls;
	rec_reset(rec);
	return search(ps, line, rec);
}

/* The first part of a split line: keep it for the line that ends it. */
static enum zt_class
join_add(struct zt_parser *ps, enum zt_lwrap wrap, struct zt_str part,
    struct zt_rec *rec)
{
	rec_reset(rec);
	rec->wrap = wrap;
	if (!ps->joining) {
		ps->joining = (int)wrap;
		ps->join.n = 0;
		ps->join_over = 0;
	}
	if (ps->join.n + part.n > ps->maxjoin)
		ps->join_over = 1;
	else
		zt_buf_add(&ps->join, part.p, part.n);
	return ZT_CLASS_JOINED;
}

/*
 * The last part of a split line: the whole line (a view of ps->join,
 * valid until the next line), or the part alone when nothing was split.
 * -1 when the whole is too long.
 */
static int
join_end(struct zt_parser *ps, struct zt_str *part)
{
	int	 over = ps->join_over;

	if (!ps->joining)
		return 0;
	ps->joining = 0;
	ps->join_over = 0;
	if (over || ps->join.n + part->n > ps->maxjoin)
		return -1;
	zt_buf_add(&ps->join, part->p, part->n);
	part->p = ps->join.p;
	part->n = ps->join.n;
	return 0;
}

static enum zt_class
too_long(struct zt_parser *ps, struct zt_rec *rec, enum zt_lwrap wrap)
{
	rec_reset(rec);
	rec->wrap = wrap;
	return zt_rec_bad(rec, "line too long (split line joined over %zu "
	    "bytes)", ps->maxjoin);
}

static enum zt_class
cri(struct zt_parser *ps, struct zt_str content, int partial,
    struct zt_rec *rec)
{
	struct zt_rec	 k = *rec;	/* the CRI time */
	enum zt_class	 cls;

	if (partial)
		return join_add(ps, ZT_LW_CRI, content, rec);
	if (join_end(ps, &content) == -1)
		return too_long(ps, rec, ZT_LW_CRI);
	cls = inner(ps, content, rec);
	if (!rec->has_kube) {
		rec->has_kube = 1;
		rec->kube_ns = k.kube_ns;
		rec->kube_off = k.kube_off;
		rec->kube_z = k.kube_z;
	}
	if (rec->wrap == ZT_LW_PLAIN)
		rec->wrap = ZT_LW_CRI;
	return cls;
}

static enum zt_class
envelope(struct zt_parser *ps, struct zt_unwrapped *u, struct zt_rec *rec)
{
	enum zt_class	 cls;
	size_t		 i;

	if (u->partial)
		return join_add(ps, u->wrap, u->cand[0], rec);
	if (join_end(ps, &u->cand[0]) == -1)
		return too_long(ps, rec, u->wrap);
	for (i = 0; i < u->ncand; i++) {
		rec_reset(rec);
		cls = inner(ps, u->cand[i], rec);
		if (cls == ZT_CLASS_OTHER)
			continue;
		if (rec->wrap == ZT_LW_PLAIN)
			rec->wrap = u->wrap;
		if (rec->pod.p == NULL)
			rec->pod = u->pod;
		return cls;
	}
	rec_reset(rec);
	rec->wrap = u->wrap;
	rec->pod = u->pod;
	return ZT_CLASS_OTHER;
}

/* Stages 4 and 5, for a line the fast path calls other. */
static enum zt_class
slow(struct zt_parser *ps, struct zt_str line, struct zt_rec *rec)
{
	struct zt_unwrapped	 u;
	struct zt_str		 content;
	struct zt_str		 pod;
	const char		*end = line.p + line.n;
	enum zt_class		 cls;
	const char		*mark;
	int			 partial;
	int			 json;

	/*
	 * Most lines here are other lines of no wrapper: nothing in them
	 * names access, and they start like no CRI or docker line.
	 */
	if ((line.n == 0 || !zt_isdig(line.p[0])) && !zt_wrap_hint(line.p,
	    line.n) && !(line.n > 7 && memcmp(line.p, "{\"log\":", 7) == 0))
		return ZT_CLASS_OTHER;
	rec_reset(rec);
	if (zt_unwrap_cri(line.p, end, rec, &content, &partial))
		return cri(ps, content, partial, rec);
	rec_reset(rec);
	if (line.n > 0 && (line.p[0] == '{' || line.p[0] == '[') &&
	    zt_unwrap_json(ps, line.p, end, &u)) {
		if ((cls = envelope(ps, &u, rec)) != ZT_CLASS_OTHER)
			return cls;
		pod = rec->pod;
		rec_reset(rec);
		rec->pod = pod;
		if ((mark = find_marker(line.p, end, &json)) != NULL) {
			rec->fmt = ZT_FMT_JSON;
			return zt_rec_bad(rec, "access fields in a JSON "
			    "record holding no readable access line");
		}
		return ZT_CLASS_OTHER;
	}
	return search(ps, line, rec);
}

enum zt_class
zt_parse_line(struct zt_parser *ps, struct zt_str line, struct zt_rec *rec)
{
	struct zt_rec	 fast;
	struct zt_str	 pod;
	int64_t		 kube_ns;
	int		 has_kube, kube_off, kube_z;
	enum zt_class	 cls;

	rec_reset(rec);
	ps->scratch.n = 0;
	ps->extra.n = 0;
	ps->hint = 0;
	cls = parse_plain(ps, line, rec);
	if (cls == ZT_CLASS_MALFORMED && rec->bad_decor != NULL) {
		/*
		 * What looked like a kubectl decoration may be another
		 * wrapper's (logcli's "TIME " has no nanoseconds): a record
		 * found that way wins; else the reason stands.
		 */
		fast = *rec;
		if (slow(ps, line, rec) != ZT_CLASS_RECORD ||
		    rec->wrap == ZT_LW_PREFIX)
			*rec = fast;
		else
			cls = ZT_CLASS_RECORD;
	} else if (cls == ZT_CLASS_OTHER && !rec->scoped) {
		pod = rec->pod;
		has_kube = rec->has_kube;
		kube_ns = rec->kube_ns;
		kube_off = rec->kube_off;
		kube_z = rec->kube_z;
		cls = slow(ps, line, rec);
		/* Nothing found: the line stays what the fast path saw. */
		if (cls == ZT_CLASS_OTHER && rec->pod.p == NULL) {
			rec->pod = pod;
			rec->has_kube = has_kube;
			rec->kube_ns = kube_ns;
			rec->kube_off = kube_off;
			rec->kube_z = kube_z;
		}
	}
	if (rec->pod.p == NULL)
		rec->pod = ps->srcpod;
	return cls;
}

int
zt_parse_flush(struct zt_parser *ps, struct zt_rec *rec, enum zt_class *cls)
{
	struct zt_str	 empty = { "", 0 };
	enum zt_lwrap	 wrap = (enum zt_lwrap)ps->joining;

	if (!ps->joining)
		return 0;
	rec_reset(rec);
	if (join_end(ps, &empty) == -1)
		*cls = too_long(ps, rec, wrap);
	else {
		*cls = inner(ps, empty, rec);
		if (rec->wrap == ZT_LW_PLAIN)
			rec->wrap = wrap;
	}
	if (rec->pod.p == NULL)
		rec->pod = ps->srcpod;
	rec->unjoin = 1;
	return 1;
}

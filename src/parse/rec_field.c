/*
 * rec_field.c -- the access fields of a record; see rec_field.h.
 *
 * Fields are looked up by name with a hint: ztunnel writes them in a fixed
 * order (zt_field_names), so the next field is nearly always the one after
 * the last, and one comparison finds it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "parse/rec_field.h"
#include "util/escape.h"

const char *const zt_field_names[ZT_F_COUNT] = {
	"src.addr", "src.workload", "src.namespace", "src.identity",
	"src.cluster", "dst.addr", "dst.hbone_addr", "dst.service",
	"dst.workload", "dst.namespace", "dst.identity", "dst.cluster",
	"direction", "bytes_sent", "bytes_recv", "duration", "error",
};

static const unsigned char field_len[ZT_F_COUNT] = {
	8, 12, 13, 12, 11, 8, 14, 11, 12, 13, 12, 11, 9, 10, 10, 8, 5,
};

enum zt_class
zt_rec_bad(struct zt_rec *rec, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(rec->why, sizeof(rec->why), fmt, ap);
	va_end(ap);
	return ZT_CLASS_MALFORMED;
}

static int
field_index(struct zt_str name, int hint)
{
	int	 i;

	if (hint < ZT_F_COUNT && name.n == field_len[hint] &&
	    zt_mem_eq(name.p, zt_field_names[hint], name.n))
		return hint;
	for (i = 0; i < ZT_F_COUNT; i++)
		if (name.n == field_len[i] &&
		    zt_mem_eq(name.p, zt_field_names[i], name.n))
			return i;
	return -1;
}

size_t
zt_rec_expected(const struct zt_parser *ps, const char *p, const char *end)
{
	size_t	 n;

	if (ps->hint < 0 || ps->hint >= ZT_F_COUNT)
		return 0;
	n = field_len[ps->hint];
	if ((size_t)(end - p) <= n || p[n] != '=' ||
	    !zt_mem_eq(p, zt_field_names[ps->hint], n))
		return 0;
	return n;
}

int
zt_rec_known(struct zt_parser *ps, struct zt_rec *rec, int i,
    struct zt_str value)
{
	ps->hint = i + 1;
	if (rec->f[i].p != NULL) {
		zt_rec_bad(rec, "duplicate field %s", zt_field_names[i]);
		return -1;
	}
	rec->f[i] = value;
	if (rec->f[i].p == NULL)
		rec->f[i].p = "";
	return 0;
}

int
zt_rec_field(struct zt_parser *ps, struct zt_rec *rec, struct zt_str name,
    struct zt_str value, int raw_json)
{
	int		 i;

	i = field_index(name, ps->hint);
	if (i >= 0)
		return zt_rec_known(ps, rec, i, value);
	zt_buf_addc(&ps->extra, ps->extra.n == 0 ? '{' : ',');
	zt_escape_json_str(&ps->extra, name.p, name.n);
	zt_buf_addc(&ps->extra, ':');
	if (raw_json)
		zt_buf_add(&ps->extra, value.p, value.n);
	else
		zt_escape_json_str(&ps->extra, value.p, value.n);
	return 0;
}

static enum zt_class
number(struct zt_rec *rec, enum zt_field f, int64_t *out)
{
	struct zt_str	 v = rec->f[f];
	int		 r;

	if (v.p == NULL)
		return ZT_CLASS_RECORD;
	r = zt_parse_u63(v.p, v.n, out);
	if (r == -1)
		return zt_rec_bad(rec, "bad number in %s", zt_field_names[f]);
	if (r == -2)
		return zt_rec_bad(rec, "number out of range in %s",
		    zt_field_names[f]);
	return ZT_CLASS_RECORD;
}

/* duration="NNNms" into rec->duration_ms, if present. */
static enum zt_class
duration(struct zt_rec *rec)
{
	struct zt_str	 d = rec->f[ZT_F_DURATION];

	if (d.p == NULL)
		return ZT_CLASS_RECORD;
	if (d.n < 3 || memcmp(d.p + d.n - 2, "ms", 2) != 0)
		return zt_rec_bad(rec, "bad duration");
	switch (zt_parse_u63(d.p, d.n - 2, &rec->duration_ms)) {
	case -1:
		return zt_rec_bad(rec, "bad duration");
	case -2:
		return zt_rec_bad(rec, "number out of range in duration");
	}
	return ZT_CLASS_RECORD;
}

enum zt_class
zt_rec_finish(struct zt_parser *ps, struct zt_rec *rec)
{
	static const enum zt_field need[] = {
		ZT_F_SRC_ADDR, ZT_F_DST_ADDR, ZT_F_DIRECTION
	};
	size_t		 i;

	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (rec->f[need[i]].p == NULL)
			return zt_rec_bad(rec, "missing %s",
			    zt_field_names[need[i]]);
	if (number(rec, ZT_F_BYTES_SENT, &rec->bytes_sent) != ZT_CLASS_RECORD ||
	    number(rec, ZT_F_BYTES_RECV, &rec->bytes_recv) != ZT_CLASS_RECORD ||
	    duration(rec) != ZT_CLASS_RECORD)
		return ZT_CLASS_MALFORMED;
	/*
	 * ztunnel always writes error= on a failed connection and on an
	 * error-level completion: without it the line was cut short (e.g.
	 * by a kubectl -f restart), and taking it as a success would lie.
	 */
	if (rec->f[ZT_F_ERROR].p == NULL &&
	    (ZT_STR_EQ(rec->message, "connection failed") ||
	    (ZT_STR_EQ(rec->message, "connection complete") &&
	    ZT_STR_EQ(rec->level, "error"))))
		return zt_rec_bad(rec, "missing error");
	if (ps->extra.n > 0) {
		zt_buf_addc(&ps->extra, '}');
		rec->extra.p = ps->extra.p;
		rec->extra.n = ps->extra.n;
	}
	return ZT_CLASS_RECORD;
}

/*
 * rec.h -- the record: what one physical log line becomes, and the
 * parser's state.
 *
 * input -> lines -> [parse] -> store
 *
 * The types every file of parse/ fills in and store reads; the functions
 * are in record.h (the dispatcher), rec_time.h (timestamps) and, inside
 * parse/, rec_field.h and the layouts.
 *
 * Ownership: the views in a zt_rec point into the line, or into the
 * parser's scratch buffers (decoded escapes, the extra-fields JSON).  They
 * are valid until the next zt_parse_line() on the same parser or until
 * the line's buffer moves, whichever comes first.
 */
#ifndef ZT_REC_H
#define ZT_REC_H

#include <stdint.h>

#include "util/str.h"
#include "util/text.h"

/* The access fields ztlog knows, in ztunnel's order on the line. */
enum zt_field {
	ZT_F_SRC_ADDR,
	ZT_F_SRC_WORKLOAD,
	ZT_F_SRC_NAMESPACE,
	ZT_F_SRC_IDENTITY,
	ZT_F_SRC_CLUSTER,
	ZT_F_DST_ADDR,
	ZT_F_DST_HBONE_ADDR,
	ZT_F_DST_SERVICE,
	ZT_F_DST_WORKLOAD,
	ZT_F_DST_NAMESPACE,
	ZT_F_DST_IDENTITY,
	ZT_F_DST_CLUSTER,
	ZT_F_DIRECTION,
	ZT_F_BYTES_SENT,
	ZT_F_BYTES_RECV,
	ZT_F_DURATION,
	ZT_F_ERROR,
	ZT_F_COUNT
};

/* Log names of the fields ("src.addr", ...), indexed by enum zt_field. */
extern const char *const zt_field_names[ZT_F_COUNT];

enum zt_class {
	ZT_CLASS_RECORD,
	ZT_CLASS_OTHER,
	ZT_CLASS_MALFORMED
};

enum zt_fmt {
	ZT_FMT_NONE,		/* not a ztunnel line we could place */
	ZT_FMT_TEXT,
	ZT_FMT_JSON
};

struct zt_rec {
	struct zt_str	 pod;		/* the line's decoration pod, else the
					   source's pod, or absent */
	int		 has_kube;	/* a kubelet timestamp was present */
	int64_t		 kube_ns;	/* its instant, ns since the epoch */
	int		 kube_off;	/* its UTC offset in minutes */
	int		 kube_z;	/* 1 if written with "Z" */
	enum zt_fmt	 fmt;		/* layout of the ztunnel part */
	struct zt_str	 ts;		/* ztunnel's timestamp text */
	int64_t		 ts_us;		/* the same, us since the epoch */
	struct zt_str	 level;		/* lowercase */
	struct zt_str	 message;
	struct zt_str	 f[ZT_F_COUNT];	/* decoded values; absent: p NULL */
	int64_t		 bytes_sent;	/* valid when f[ZT_F_BYTES_SENT] is */
	int64_t		 bytes_recv;	/* valid when f[ZT_F_BYTES_RECV] is */
	int64_t		 duration_ms;	/* valid when f[ZT_F_DURATION] is */
	struct zt_str	 extra;		/* JSON object of unknown fields */
	const char	*bad_decor;	/* a decoration we could not read */
	char		 why[160];	/* the reason, when malformed */
};

struct zt_srcinfo;

struct zt_parser {
	struct zt_buf	 scratch;	/* decoded values */
	struct zt_buf	 extra;		/* unknown fields as JSON */
	int		 hint;		/* field expected next */
	const struct zt_srcinfo *src;	/* the lines' source; NULL: none */
	struct zt_str	 srcpod;	/* its pod, or absent */
};

#endif

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

/*
 * What a physical line is.  ZT_CLASS_JOINED: the first part of a longer
 * line, which a wrapper split (a CRI "P" line, a docker json-file chunk
 * without its newline); the line that completes it is the record, other
 * or malformed line, and says so for all of its parts.
 */
enum zt_class {
	ZT_CLASS_RECORD,
	ZT_CLASS_OTHER,
	ZT_CLASS_MALFORMED,
	ZT_CLASS_JOINED
};
#define ZT_CLASS_COUNT	4

/*
 * The wrapper a ztunnel line was found in, line by line (the names are
 * what the sources table's wrapper column says, zt_lwrap_names).
 */
enum zt_lwrap {
	ZT_LW_PLAIN,		/* none: kubectl logs, perhaps decorated */
	ZT_LW_CRI,		/* CRI node file: TS stdout F line */
	ZT_LW_DOCKER,		/* docker json-file: {"log":...} */
	ZT_LW_FLUENTBIT,	/* fluent-bit / fluentd: log + kubernetes */
	ZT_LW_VECTOR,		/* Vector: message + kubernetes */
	ZT_LW_OTEL,		/* OpenTelemetry: body + k8s.* */
	ZT_LW_LOGCLI,		/* Loki logcli: TS {labels} line, jsonl */
	ZT_LW_GRAFANA,		/* Grafana's text download: TS TAB line */
	ZT_LW_JSON,		/* some other JSON object holding the line */
	ZT_LW_PREFIX,		/* an unknown prefix before the line */
	ZT_LW_COUNT
};

/* "plain", "cri", ..., indexed by enum zt_lwrap. */
extern const char *const zt_lwrap_names[ZT_LW_COUNT];

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
	enum zt_lwrap	 wrap;		/* what the line was found in */
	struct zt_str	 prefix;	/* unknown text before the ztunnel
					   line (ZT_LW_PREFIX), or absent */
	int		 partial;	/* header-less: no time, level or
					   message; ts_us is ZT_TS_NONE */
	int		 unjoin;	/* set by zt_parse_flush: the class
					   replaces one ZT_CLASS_JOINED */
	int		 scoped;	/* an other line with a complete
					   ztunnel head of another scope */
	const char	*bad_decor;	/* a decoration we could not read */
	char		 why[160];	/* the reason, when malformed */
};

/* ts_us of a header-less (partial) record: no time known. */
#define ZT_TS_NONE	((int64_t)-1)

struct zt_srcinfo;

struct zt_parser {
	struct zt_buf	 scratch;	/* decoded values */
	struct zt_buf	 extra;		/* unknown fields as JSON */
	struct zt_buf	 inner;		/* the line inside a wrapper */
	struct zt_buf	 meta;		/* the wrapper's pod */
	struct zt_buf	 join;		/* parts of a split line so far */
	int		 hint;		/* field expected next */
	int		 joining;	/* 0, or the wrapper of join */
	int		 join_over;	/* join passed maxjoin */
	size_t		 maxjoin;	/* longest joined line */
	const struct zt_srcinfo *src;	/* the lines' source; NULL: none */
	struct zt_str	 srcpod;	/* its pod, or absent */
};

#endif

/*
 * rec_wrap.h -- the envelopes around a ztunnel line that say what they
 * are (rec_wrap.c): CRI node files, docker json-file, log shippers' JSON
 * records, Loki's and Grafana's exports.
 *
 * Internal to parse/: each function only unwraps.  It finds the inner
 * line(s) and what the envelope tells about them (the pod, the kubelet's
 * time); the dispatcher parses what it finds.
 */
#ifndef ZT_REC_WRAP_H
#define ZT_REC_WRAP_H

#include "parse/rec.h"

/*
 * A CRI log line at p..end: "TIME stdout|stderr TAG[:TAG...] content",
 * TIME in RFC 3339 with 0 to 9 fraction digits (containerd trims zeros,
 * CRI-O writes 9 and an offset).  Returns 1 with the content in *content,
 * *partial set for tag P (the line goes on in the next record) and the
 * time in rec's kube_* fields; 0 when it is no CRI line.
 */
int	zt_unwrap_cri(const char *p, const char *end, struct zt_rec *rec,
	    struct zt_str *content, int *partial);

/*
 * Could p[0..n) be or hold an access line, or part of one: does it name
 * the access target or an access field?  A cheap look before parsing.
 */
int	zt_wrap_hint(const char *p, size_t n);

#define ZT_MAXCAND	4

/* What a JSON envelope holds. */
struct zt_unwrapped {
	enum zt_lwrap	 wrap;
	struct zt_str	 cand[ZT_MAXCAND]; /* lines that may be ztunnel's,
					   most likely first (ps->inner) */
	size_t		 ncand;
	struct zt_str	 pod;		/* the envelope's pod (ps->meta),
					   or absent */
	int		 partial;	/* docker: the line goes on */
};

/*
 * A JSON record at p..end (an object, or fluent-bit's [time, object])
 * with string members that may hold a ztunnel line: "log" (docker,
 * fluent-bit, fluentd), "message" (Vector), "line" (logcli --output
 * jsonl), "body" (OpenTelemetry), then any string naming the access
 * scope or an access field.  Its pod comes from kubernetes.pod_name,
 * labels.pod, k8s.pod.name and their kin.  Returns 1 with u filled (the
 * strings copied out of the line: the scratch buffer is free again), 0
 * when there is no such record.
 */
int	zt_unwrap_json(struct zt_parser *ps, const char *p, const char *end,
	    struct zt_unwrapped *u);

/*
 * What the text before a ztunnel line is: Loki's logcli default output
 * ("TIME {labels} ", or "TIME " with --no-labels: ZT_LW_LOGCLI, the pod
 * from the labels into *pod, a view into p..end), Grafana's text download
 * ("DATE TIME<TAB>": ZT_LW_GRAFANA), or an unknown prefix (ZT_LW_PREFIX).
 */
enum zt_lwrap zt_prefix_kind(const char *p, const char *end,
	    struct zt_str *pod);

#endif

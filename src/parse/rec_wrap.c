/*
 * rec_wrap.c -- envelopes that say what they are; see rec_wrap.h.
 *
 * The shapes are those of ../shared/docs/archive-and-inventory-formats.md
 * section 3: kubelet's CRI reader, moby's json-file writer, fluent-bit's
 * kubernetes filter, Vector's kubernetes_logs source, the OpenTelemetry
 * collector's container operator, Loki's logcli and Grafana's download.
 */
#include <string.h>

#include "parse/rec_json.h"
#include "parse/rec_time.h"
#include "parse/rec_wrap.h"

#define MAXM	64

static int	maybe_access(struct zt_str);

int
zt_unwrap_cri(const char *p, const char *end, struct zt_rec *rec,
    struct zt_str *content, int *partial)
{
	const char	*q;
	int64_t		 ns;
	int		 off;
	int		 z;
	size_t		 n;

	if (end - p < 30 || !zt_isdig(*p))
		return 0;
	n = zt_rfc3339(p, end, &ns, &off, &z);
	if (n == 0 || end - (p + n) < 9 || p[n] != ' ')
		return 0;
	q = p + n + 1;
	if (memcmp(q, "stdout ", 7) != 0 && memcmp(q, "stderr ", 7) != 0)
		return 0;
	q += 7;
	if (*q != 'P' && *q != 'F')
		return 0;
	*partial = *q == 'P';
	q++;
	/* Further tags after a ':' (none are defined yet). */
	if (q < end && *q == ':')
		while (q < end && *q != ' ')
			q++;
	if (q < end && *q != ' ')
		return 0;
	if (q < end)
		q++;
	content->p = q;
	content->n = (size_t)(end - q);
	rec->has_kube = 1;
	rec->kube_ns = ns;
	rec->kube_off = off;
	rec->kube_z = z;
	return 1;
}

/* A member's string value, or absent. */
static struct zt_str
sval(struct zt_jmember *m, size_t nm, const char *key)
{
	struct zt_jmember	*v = zt_json_get(m, nm, key);

	if (v == NULL || v->type != ZT_J_STR)
		return ZT_NOSTR;
	return v->val;
}

/* The members of an object member (m[key]) into sub; 0 or -1. */
static int
sub_object(struct zt_parser *ps, struct zt_jmember *m, size_t nm,
    const char *key, struct zt_jmember *sub, size_t *nsub)
{
	struct zt_jmember	*v = zt_json_get(m, nm, key);

	*nsub = 0;
	if (v == NULL || v->type != ZT_J_RAW || v->raw.n == 0 ||
	    v->raw.p[0] != '{')
		return -1;
	return zt_json_object(ps, v->raw.p, v->raw.p + v->raw.n, sub, MAXM,
	    nsub);
}

/* The pod an envelope names: kubernetes.*, labels.*, k8s.pod.name. */
static struct zt_str
envelope_pod(struct zt_parser *ps, struct zt_jmember *m, size_t nm)
{
	static const char *const objs[] = { "kubernetes", "labels",
	    "resource", "attributes" };
	static const char *const keys[] = { "pod_name", "pod", "k8s.pod.name",
	    "k8s_pod_name" };
	struct zt_jmember	 sub[MAXM];
	struct zt_str		 v;
	size_t			 nsub;
	size_t			 i;
	size_t			 k;

	if ((v = sval(m, nm, "kubernetes.pod_name")).p != NULL ||
	    (v = sval(m, nm, "k8s.pod.name")).p != NULL)
		return v;
	for (i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
		if (sub_object(ps, m, nm, objs[i], sub, &nsub) == -1)
			continue;
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if ((v = sval(sub, nsub, keys[k])).p != NULL)
				return v;
	}
	return ZT_NOSTR;
}

int
zt_wrap_hint(const char *p, size_t n)
{
	return maybe_access((struct zt_str){ p, n });
}

/* Could s be (or hold) an access line?  A cheap look before parsing. */
static int
maybe_access(struct zt_str s)
{
	static const char *const words[] = { "access", "src.addr",
	    "dst.addr", "direction" };
	size_t	 i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (zt_find(s.p, s.n, words[i], strlen(words[i])) != NULL)
			return 1;
	return 0;
}

static void
add_cand(struct zt_unwrapped *u, struct zt_str v)
{
	size_t	 i;

	if (v.p == NULL || u->ncand == ZT_MAXCAND)
		return;
	for (i = 0; i < u->ncand; i++)
		if (u->cand[i].p == v.p)
			return;
	u->cand[u->ncand++] = v;
}

/* Which shipper wrote the object, by the keys it has. */
static enum zt_lwrap
shape(struct zt_jmember *m, size_t nm)
{
	int	 k8s = zt_json_get(m, nm, "kubernetes") != NULL ||
	    zt_json_get(m, nm, "kubernetes.pod_name") != NULL;

	if (zt_json_get(m, nm, "log") != NULL) {
		if (k8s)
			return ZT_LW_FLUENTBIT;
		if (zt_json_get(m, nm, "stream") != NULL &&
		    zt_json_get(m, nm, "time") != NULL)
			return ZT_LW_DOCKER;
		return ZT_LW_FLUENTBIT;
	}
	if (zt_json_get(m, nm, "message") != NULL && (k8s ||
	    zt_json_get(m, nm, "source_type") != NULL))
		return ZT_LW_VECTOR;
	if (zt_json_get(m, nm, "line") != NULL &&
	    zt_json_get(m, nm, "labels") != NULL)
		return ZT_LW_LOGCLI;
	if (zt_json_get(m, nm, "body") != NULL)
		return ZT_LW_OTEL;
	return ZT_LW_JSON;
}

/* fluent-bit's [time, {record}]: the object's bounds, or -1. */
static int
fluent_array(const char *p, const char *end, const char **op,
    const char **oe)
{
	const char	*q = p + 1;

	while (q < end && (*q == ' ' || zt_isdig(*q) || *q == '.'))
		q++;
	if (q == p + 1 || q >= end || *q != ',')
		return -1;
	for (q++; q < end && *q == ' '; q++)
		;
	while (end > q && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (q >= end || *q != '{' || end[-1] != ']')
		return -1;
	*op = q;
	*oe = end - 1;
	return 0;
}

/* Copy the candidates and the pod out of the scratch buffer. */
static void
copy_out(struct zt_parser *ps, struct zt_unwrapped *u)
{
	size_t	 off[ZT_MAXCAND];
	size_t	 i;

	ps->inner.n = 0;
	for (i = 0; i < u->ncand; i++) {
		off[i] = ps->inner.n;
		zt_buf_add(&ps->inner, u->cand[i].p, u->cand[i].n);
	}
	for (i = 0; i < u->ncand; i++)
		u->cand[i].p = ps->inner.p + off[i];
	ps->meta.n = 0;
	if (u->pod.p != NULL) {
		zt_buf_add(&ps->meta, u->pod.p, u->pod.n);
		u->pod.p = ps->meta.p;
	}
}

int
zt_unwrap_json(struct zt_parser *ps, const char *p, const char *end,
    struct zt_unwrapped *u)
{
	static const char *const keys[] = { "log", "message", "line", "msg",
	    "MESSAGE", "_raw", "content", "text" };
	struct zt_jmember	 m[MAXM];
	struct zt_jmember	 sub[MAXM];
	struct zt_str		 v;
	size_t			 nm;
	size_t			 nsub;
	size_t			 i;

	memset(u, 0, sizeof(*u));
	/* Nothing in it could be an access line, or part of one. */
	if (!maybe_access((struct zt_str){ p, (size_t)(end - p) }) &&
	    !(end - p > 7 && memcmp(p, "{\"log\":", 7) == 0))
		return 0;
	if (p < end && *p == '[' && fluent_array(p, end, &p, &end) == -1)
		return 0;
	if (p >= end || *p != '{')
		return 0;
	/* Strings decode into scratch: the object, and nested ones again. */
	ps->scratch.n = 0;
	zt_buf_reserve(&ps->scratch, 3 * (size_t)(end - p) + 1);
	if (zt_json_object(ps, p, end, m, MAXM, &nm) == -1)
		return 0;
	u->wrap = shape(m, nm);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		add_cand(u, sval(m, nm, keys[i]));
	/* OpenTelemetry: a string body, or {"stringValue": ...}. */
	add_cand(u, sval(m, nm, "body"));
	if (sub_object(ps, m, nm, "body", sub, &nsub) == 0)
		add_cand(u, sval(sub, nsub, "stringValue"));
	for (i = 0; i < nm; i++)
		if (m[i].type == ZT_J_STR && maybe_access(m[i].val))
			add_cand(u, m[i].val);
	if (u->ncand == 0)
		return 0;
	if (u->wrap == ZT_LW_DOCKER) {
		v = u->cand[0];
		u->partial = v.n == 0 || v.p[v.n - 1] != '\n';
	}
	/* The writer's newline is not part of the line. */
	for (i = 0; i < u->ncand; i++) {
		if (u->cand[i].n > 0 && u->cand[i].p[u->cand[i].n - 1] == '\n')
			u->cand[i].n--;
		if (u->cand[i].n > 0 && u->cand[i].p[u->cand[i].n - 1] == '\r')
			u->cand[i].n--;
	}
	u->pod = envelope_pod(ps, m, nm);
	if (u->pod.n == 0)
		u->pod = ZT_NOSTR;
	copy_out(ps, u);
	ps->scratch.n = 0;
	return 1;
}

/* Loki labels "{k="v", ...}" at p: where they end (after '}'), or NULL. */
static const char *
labels(const char *p, const char *end, struct zt_str *pod)
{
	const char	*q;
	const char	*k;
	const char	*v = p;
	int		 inq = 0;

	for (q = p + 1, k = q; q < end; q++) {
		if (inq) {
			if (*q == '\\' && q + 1 < end)
				q++;
			else if (*q == '"') {
				inq = 0;
				/* k.."=": pod="..." or pod_name="..." */
				if ((v - k == 5 && memcmp(k, "pod=\"", 5) == 0) ||
				    (v - k == 10 &&
				    memcmp(k, "pod_name=\"", 10) == 0)) {
					pod->p = v;
					pod->n = (size_t)(q - v);
				}
			}
			continue;
		}
		if (*q == '"') {
			inq = 1;
			v = q + 1;
		} else if (*q == '}')
			return q + 1;
		else if (*q == ',' || *q == ' ')
			k = q + 1;
	}
	return NULL;
}

enum zt_lwrap
zt_prefix_kind(const char *p, const char *end, struct zt_str *pod)
{
	const char	*q;
	int64_t		 ns;
	int		 off;
	int		 z;
	size_t		 n;

	*pod = ZT_NOSTR;
	n = zt_rfc3339(p, end, &ns, &off, &z);
	if (n > 0 && p + n < end && p[n] == ' ') {
		q = p + n + 1;
		/* Go's time.RFC3339: whole seconds, no fraction. */
		if (q == end && p[19] != '.')
			return ZT_LW_LOGCLI;
		if (*q == '{' && (q = labels(q, end, pod)) != NULL &&
		    end - q == 1 && *q == ' ')
			return ZT_LW_LOGCLI;
		*pod = ZT_NOSTR;
	}
	/* Grafana: "2024-10-29 17:39:45.936<TAB>" or ISO, then a TAB. */
	if (end - p >= 11 && end[-1] == '\t' && zt_datelike(p, end - 1) &&
	    memchr(p, '\t', (size_t)(end - p - 1)) == NULL)
		return ZT_LW_GRAFANA;
	return ZT_LW_PREFIX;
}

/*
 * rec_decor.c -- kubectl's decorations; see rec_decor.h.
 *
 * A decoration is only taken when a ztunnel line (or a kubelet timestamp)
 * follows it, so an other line that happens to start with a word and a
 * space keeps its text.
 */
#include <string.h>

#include "parse/rec_decor.h"
#include "parse/rec_time.h"

static int
podchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    zt_isdig(c) || c == '-' || c == '.' || c == '_';
}

/* Length of a run of pod-name characters at p (at most 253). */
static size_t
podname(const char *p, const char *end)
{
	size_t	 n = 0;

	while (p + n < end && podchar(p[n]) && n < 254)
		n++;
	return n > 253 ? 0 : n;
}

/* Does a ztunnel line (text or JSON) or a kubelet timestamp start at p? */
static int
starts_line(const char *p, const char *end)
{
	int64_t	 ns;
	int	 off;
	int	 z;

	if (p < end && *p == '{')
		return 1;
	if (zt_ts27_shape(p, end))
		return 1;
	return zt_kube_ts(p, end, &ns, &off, &z) > 0;
}

/* "[pod/NAME/CONTAINER] " at p (known to start with "[pod/"). */
static const char *
kubectl_prefix(const char *p, const char *end, struct zt_rec *rec)
{
	const char	*q;
	size_t		 n;
	size_t		 k;

	n = podname(p + 5, end);
	q = p + 5 + n;
	if (n > 0 && q < end && *q == '/') {
		k = podname(q + 1, end);
		if (k > 0 && q + 1 + k + 1 < end && q[1 + k] == ']' &&
		    q[2 + k] == ' ') {
			rec->pod.p = p + 5;
			rec->pod.n = n;
			return q + k + 3;
		}
	}
	/* A prefix we cannot read: skip it, say so if needed. */
	for (q = p; q + 1 < end && q - p < 600 && !(q[0] == ']' &&
	    q[1] == ' '); q++)
		;
	if (q + 1 < end && q[0] == ']' && q[1] == ' ') {
		rec->bad_decor = "bad pod name in the kubectl --prefix";
		return q + 2;
	}
	return p;
}

/* stern: "POD CONTAINER " or "POD ", Kiali: "[POD] ". */
static const char *
stern_prefix(const char *p, const char *end, struct zt_rec *rec)
{
	const char	*q = p;
	const char	*r;
	size_t		 n;
	size_t		 k;

	if (*q == '[')
		q++;
	n = podname(q, end);
	if (n == 0)
		return p;
	r = q + n;
	if (*p == '[') {
		if (r >= end || *r != ']')
			return p;
		r++;
	}
	if (r >= end || *r != ' ')
		return p;
	r++;
	if (!starts_line(r, end)) {
		k = podname(r, end);
		if (k > 0 && r + k < end && r[k] == ' ')
			r += k + 1;
	}
	if (!starts_line(r, end))
		return p;
	rec->pod.p = q;
	rec->pod.n = n;
	return r;
}

/*
 * A kubelet timestamp at p: its length with the space, or 0.  Two
 * date-like tokens where the first is no kubelet timestamp: it was meant
 * as one; skip it and say so.
 */
static size_t
kubelet_ts(const char *p, const char *end, struct zt_rec *rec)
{
	const char	*q;
	const char	*r;
	size_t		 n;

	n = zt_kube_ts(p, end, &rec->kube_ns, &rec->kube_off, &rec->kube_z);
	if (n > 0) {
		rec->has_kube = 1;
		return n;
	}
	if (p >= end || !zt_isdig(*p))
		return 0;
	for (q = p; q < end && *q != ' ' && *q != '\t'; q++)
		;
	if (!zt_datelike(p, q) || q + 1 >= end || *q != ' ')
		return 0;
	r = q + 1;
	for (q = r; q < end && *q != ' ' && *q != '\t'; q++)
		;
	if (!zt_datelike(r, q))
		return 0;
	rec->bad_decor = "bad kubelet timestamp (kubectl --timestamps)";
	return (size_t)(r - p);
}

const char *
zt_rec_decor(const char *p, const char *end, struct zt_rec *rec)
{
	if (end - p > 5 && memcmp(p, "[pod/", 5) == 0)
		p = kubectl_prefix(p, end, rec);
	else if (p < end && !zt_isdig(*p) && *p != '{')
		p = stern_prefix(p, end, rec);
	return p + kubelet_ts(p, end, rec);
}

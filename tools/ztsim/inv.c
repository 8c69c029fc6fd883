/*
 * inv.c -- what the raw /config_dump (dump.c) and istioctl's rendering
 * of it (istioctl.c) share: workload UIDs, a service's ports map, the
 * endpoint set at the snapshot and a waypoint's gateway destination.
 */

#include <stdlib.h>
#include <string.h>

#include "ztsim.h"

static const struct zs_sim *us;

/* Istio's workload UID: Kubernetes//Pod/<namespace>/<name> */
void
zs_uid(const struct zs_wl *w, char *buf, size_t cap)
{
	snprintf(buf, cap, "Kubernetes//Pod/%s/%s", w->ns, w->name);
}

static int
byuid(const void *a, const void *b)
{
	char x[200];
	char y[200];

	zs_uid(&us->wl[*(const int *)a], x, sizeof(x));
	zs_uid(&us->wl[*(const int *)b], y, sizeof(y));
	return strcmp(x, y);
}

/* sort workload indices by UID (the order of the 1.23+ dump) */
void
zs_sort_by_uid(const struct zs_sim *s, int *ix, size_t n)
{
	us = s;
	qsort(ix, n, sizeof(*ix), byuid);
}

/*
 * The service's endpoint set at time snap, sorted by UID (uid:/ip keys
 * sort the same: a deployment's pod names have one length): present,
 * and healthy unless the health policy is AllowAll
 * (Service::should_include_endpoint).  out holds v->nep entries.
 */
size_t
zs_endpoint_set(const struct zs_sim *s, const struct zs_svc *v,
    int64_t snap, int *out)
{
	size_t n = 0;
	size_t i;

	for (i = 0; i < v->nep; i++) {
		const struct zs_wl *w = &s->wl[v->ep[i]];

		if (zs_present(w, snap) && (w->healthy || v->allowall))
			out[n++] = v->ep[i];
	}
	zs_sort_by_uid(s, out, n);
	return n;
}

/* the service's {"<port>": targetPort} map, keys sorted as text */
void
zs_json_ports(struct zs_json *j, const struct zs_svc *v)
{
	char k[8];

	zj_obj(j);
	if (v->is_waypoint) {
		zj_knum(j, "15008", 15008);
		zj_knum(j, "15021", 15021);
	} else {
		snprintf(k, sizeof(k), "%u", v->port);
		zj_knum(j, k, v->tport);
	}
	zj_end(j, '}');
}

/* a waypoint's GatewayAddress destination: by VIP in 1.22, else host */
void
zs_waypoint_dest(const struct zs_sim *s, const struct zs_svc *wp, char *buf,
    size_t cap)
{
	char ip[16];

	if (s->ver == ZV_122)
		snprintf(buf, cap, "/%s", zs_ip(wp->vip, ip));
	else
		snprintf(buf, cap, "%s/%s", wp->ns, wp->host);
}

/*
 * invlook.c -- see invlook.h.
 */
#include <stdlib.h>
#include <string.h>

#include "check/invlook.h"
#include "util/xalloc.h"

static char *
dup_view(struct zt_str v)
{
	return v.p != NULL ? zt_xstrndup(v.p, strnlen(v.p, v.n)) : NULL;
}

const struct zt_inv_workload *
zt_invlook_wl(struct zt_inv *inv, const struct zt_dims *dm, int64_t k)
{
	const struct zt_inv_workload *out[2];
	struct zt_str	 f[4];
	char		*name;
	char		*ns;
	size_t		 n = 0;

	if (inv == NULL || k <= 0)
		return NULL;
	zt_dims_peer(dm, k, f);
	name = dup_view(f[0]);
	ns = dup_view(f[1]);
	if (name != NULL)
		n = zt_inv_workloads_by_name(inv, ns, name, out, 2);
	free(name);
	free(ns);
	return n == 1 ? out[0] : NULL;
}

const struct zt_inv_workload *
zt_invlook_wl_host(struct zt_inv *inv, const struct zt_dims *dm, int64_t h)
{
	const struct zt_inv_workload *out[2];
	char		*ip;
	size_t		 n = 0;

	if (inv == NULL || h <= 0 || (ip = dup_view(zt_dims_host(dm, h))) ==
	    NULL)
		return NULL;
	n = zt_inv_workloads_by_ip(inv, ip, out, 2);
	free(ip);
	return n == 1 ? out[0] : NULL;
}

const struct zt_inv_service *
zt_invlook_svc(struct zt_inv *inv, const struct zt_dims *dm, int64_t s)
{
	const struct zt_inv_service *out[2];
	char		*host;
	size_t		 n = 0;

	if (inv == NULL || s <= 0 || (host = dup_view(zt_dims_str(dm, s))) ==
	    NULL)
		return NULL;
	n = zt_inv_services_by_host(inv, host, NULL, out, 2);
	free(host);
	return n == 1 ? out[0] : NULL;
}

int
zt_invlook_known_host(struct zt_inv *inv, const struct zt_dims *dm,
    int64_t h)
{
	const struct zt_inv_workload *w[1];
	const struct zt_inv_service *s[1];
	char		*ip;
	int		 known;

	if (inv == NULL || h <= 0 || (ip = dup_view(zt_dims_host(dm, h))) ==
	    NULL)
		return 0;
	known = zt_inv_workloads_by_ip(inv, ip, w, 1) > 0 ||
	    zt_inv_services_by_vip(inv, ip, s, 1) > 0;
	free(ip);
	return known;
}

void
zt_invlook_ready(struct zt_inv *inv)
{
	const struct zt_inv_workload *out[1];

	if (inv != NULL)
		(void)zt_inv_workloads_by_name(inv, NULL, "", out, 1);
}

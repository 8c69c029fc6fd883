/*
 * invlook.h -- what the inventory (inv/inv.h) says of the names in
 * records, for the checks: a workload key or a host key (dims.h) looked
 * up as an inventory workload or service.
 *
 * the checks -> [invlook] -> inv (queries), dims
 */
#ifndef ZT_INVLOOK_H
#define ZT_INVLOOK_H

#include <stdint.h>

#include "check/dims.h"
#include "inv/inv.h"

/* The one inventory workload of workload key k (namespace, name), else NULL. */
const struct zt_inv_workload *zt_invlook_wl(struct zt_inv *inv,
	    const struct zt_dims *dm, int64_t k);
/* The one inventory workload with host key h's address, else NULL. */
const struct zt_inv_workload *zt_invlook_wl_host(struct zt_inv *inv,
	    const struct zt_dims *dm, int64_t h);
/* The one service whose hostname is str id s's text, else NULL. */
const struct zt_inv_service *zt_invlook_svc(struct zt_inv *inv,
	    const struct zt_dims *dm, int64_t s);
/*
 * Make inv's records whole before reading them directly (zt_inv_service
 * and its endpoints' wl): the first query after a load resolves them.
 */
void	zt_invlook_ready(struct zt_inv *inv);
/* Does the inventory know host key h's address (a workload or a VIP)? */
int	zt_invlook_known_host(struct zt_inv *inv, const struct zt_dims *dm,
	    int64_t h);

#endif

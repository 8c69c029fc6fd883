/*
 * dims.c -- see dims.h.
 */
#include <stdlib.h>
#include <string.h>

#include "check/dims.h"
#include "util/dict.h"
#include "util/xalloc.h"

void
zt_dims_init(struct zt_dims *dm, const struct zt_nameset *names)
{
	memset(dm, 0, sizeof(*dm));
	dm->names = names;
}

void
zt_dims_fini(struct zt_dims *dm)
{
	free(dm->str);
	free(dm->wlkey);
	free(dm->kind);
	free(dm->hosts.slot);
	free(dm->wls.slot);
	memset(dm, 0, sizeof(*dm));
}

/* ---- texts -------------------------------------------------------------- */

struct zt_str
zt_dims_host(const struct zt_dims *dm, int64_t k)
{
	struct zt_str	 host;
	int64_t		 port;

	zt_dims_addr(dm, k, &host, &port);
	return host;
}

struct zt_str
zt_dims_wlname(const struct zt_dims *dm, int64_t k)
{
	struct zt_str	 f[4];

	zt_dims_peer(dm, k, f);
	return f[0];
}

unsigned
zt_dims_kind(const struct zt_dims *dm, int64_t id, struct zt_str f[3])
{
	int	 i;

	if (id > 0 && id <= dm->synced[2]) {
		for (i = 0; i < 3; i++)
			f[i] = dm->kind[id].f[i];
		return dm->kind[id].flags;
	}
	(void)zt_names_tuple(id > 0 ? zt_names_get(&dm->names->kind, id) :
	    ZT_NOSTR, f, 3);
	return 0;
}

/* ---- keys ----------------------------------------------------------------- */

/* Does representative rep stand for what id stands for? */
typedef int	 same_fn(const struct zt_dims *, int64_t rep, int64_t id);

static void
keyset_put(struct zt_keyset *s, uint64_t v)
{
	size_t	 i;

	for (i = (size_t)(v >> 32) & s->mask; s->slot[i] != 0;
	    i = (i + 1) & s->mask)
		;
	s->slot[i] = v;
	s->n++;
}

/* Rebuild s with n slots, keeping the representatives up to max. */
static void
keyset_rehash(struct zt_keyset *s, size_t n, int64_t max)
{
	uint64_t	*old = s->slot;
	size_t		 oldn = old != NULL ? s->mask + 1 : 0;
	size_t		 i;

	s->slot = zt_xcalloc(n, sizeof(*s->slot));
	s->mask = n - 1;
	s->n = 0;
	for (i = 0; i < oldn; i++)
		if (old[i] != 0 && (int64_t)(old[i] & UINT32_MAX) <= max)
			keyset_put(s, old[i]);
	free(old);
}

/* The representative of id (hash h): the one that is the same, or id. */
static uint32_t
keyset_get(struct zt_keyset *s, const struct zt_dims *dm, uint64_t h,
    same_fn *same, int64_t id)
{
	uint32_t	 hh = (uint32_t)(h ^ (h >> 32));
	size_t		 i;

	if (s->slot == NULL || (s->n + 1) * 4 > (s->mask + 1) * 3)
		keyset_rehash(s, s->slot == NULL ? 64 : (s->mask + 1) * 2,
		    INT64_MAX);
	for (i = hh & s->mask; s->slot[i] != 0; i = (i + 1) & s->mask)
		if ((uint32_t)(s->slot[i] >> 32) == hh &&
		    same(dm, (int64_t)(s->slot[i] & UINT32_MAX), id))
			return (uint32_t)(s->slot[i] & UINT32_MAX);
	keyset_put(s, (uint64_t)hh << 32 | (uint64_t)id);
	return (uint32_t)id;
}

/* The host of str id, split afresh (its keys are being derived). */
static struct zt_str
split_host(const struct zt_dims *dm, int64_t id)
{
	struct zt_str	 host;
	int64_t		 port;

	zt_names_split_addr(zt_dims_str(dm, id), &host, &port);
	return host;
}

static int
same_host(const struct zt_dims *dm, int64_t rep, int64_t id)
{
	struct zt_str	 a = zt_dims_host(dm, rep);
	struct zt_str	 b = split_host(dm, id);

	return a.n == b.n && memcmp(a.p, b.p, a.n) == 0;
}

/* A peer's (namespace, workload); an absent namespace reads as "". */
static void
wl_pair(const struct zt_dims *dm, int64_t id, struct zt_str *ns,
    struct zt_str *wl)
{
	struct zt_str	 f[4];

	zt_dims_peer(dm, id, f);
	*wl = f[0];
	*ns = f[1].p != NULL ? f[1] : ZT_STR("");
}

static int
same_wl(const struct zt_dims *dm, int64_t rep, int64_t id)
{
	struct zt_str	 ns[2];
	struct zt_str	 wl[2];

	wl_pair(dm, rep, &ns[0], &wl[0]);
	wl_pair(dm, id, &ns[1], &wl[1]);
	return ns[0].n == ns[1].n && wl[0].n == wl[1].n &&
	    memcmp(ns[0].p, ns[1].p, ns[0].n) == 0 &&
	    memcmp(wl[0].p, wl[1].p, wl[0].n) == 0;
}

/* Make *arr (of *cap elements of size bytes) hold index id. */
static void *
room(void *arr, size_t *cap, int64_t id, size_t size)
{
	size_t	 want = *cap ? *cap : 64;

	while (want <= (size_t)id)
		want *= 2;
	if (want != *cap) {
		arr = zt_xrealloc(arr, want * size);
		*cap = want;
	}
	return arr;
}

static unsigned
kind_flags(const struct zt_str f[3])
{
	return (ZT_STR_EQ(f[2], "outbound") ? ZT_KIND_OUT : 0) |
	    (ZT_STR_EQ(f[2], "inbound") ? ZT_KIND_IN : 0) |
	    (ZT_STR_EQ(f[1], "connection failed") ? ZT_KIND_FAILED : 0) |
	    (ZT_STR_EQ(f[1], "connection complete") ? ZT_KIND_COMPLETE : 0);
}

/* Derive str id's host key, host and port; ids below are synced. */
static void
sync_str(struct zt_dims *dm, int64_t id)
{
	struct zt_dstr	*d = &dm->str[id];
	struct zt_str	 host;
	int64_t		 port;

	memset(d, 0, sizeof(*d));
	d->port = -1;
	if (zt_dims_str(dm, id).p == NULL)
		return;
	zt_names_split_addr(zt_dims_str(dm, id), &host, &port);
	d->hostlen = (uint32_t)host.n;
	d->port = (int32_t)port;
	d->hostkey = keyset_get(&dm->hosts, dm, zt_hash(host.p, host.n),
	    same_host, id);
}

void
zt_dims_sync(struct zt_dims *dm, int64_t str, int64_t peer, int64_t kind)
{
	struct zt_str	 ns, wl;
	int64_t		 id;

	if (str > dm->synced[0])
		dm->str = room(dm->str, &dm->cap[0], str, sizeof(*dm->str));
	for (id = dm->synced[0] + 1; id <= str; id++)
		sync_str(dm, id);
	if (peer > dm->synced[1])
		dm->wlkey = room(dm->wlkey, &dm->cap[1], peer,
		    sizeof(*dm->wlkey));
	for (id = dm->synced[1] + 1; id <= peer; id++) {
		wl_pair(dm, id, &ns, &wl);
		dm->wlkey[id] = wl.p == NULL ? 0 : keyset_get(&dm->wls, dm,
		    zt_hash(ns.p, ns.n) * 0x9e3779b97f4a7c15ULL ^
		    zt_hash(wl.p, wl.n), same_wl, id);
	}
	if (kind > dm->synced[2])
		dm->kind = room(dm->kind, &dm->cap[2], kind, sizeof(*dm->kind));
	for (id = dm->synced[2] + 1; id <= kind; id++) {
		(void)zt_names_tuple(zt_names_get(&dm->names->kind, id),
		    dm->kind[id].f, 3);
		dm->kind[id].flags = kind_flags(dm->kind[id].f);
	}
	if (str > dm->synced[0])
		dm->synced[0] = str;
	if (peer > dm->synced[1])
		dm->synced[1] = peer;
	if (kind > dm->synced[2])
		dm->synced[2] = kind;
}

void
zt_dims_truncate(struct zt_dims *dm, const int64_t mark[3])
{
	if (dm->synced[0] > mark[0]) {
		dm->synced[0] = mark[0];
		if (dm->hosts.slot != NULL)
			keyset_rehash(&dm->hosts, dm->hosts.mask + 1, mark[0]);
	}
	if (dm->synced[1] > mark[1]) {
		dm->synced[1] = mark[1];
		if (dm->wls.slot != NULL)
			keyset_rehash(&dm->wls, dm->wls.mask + 1, mark[1]);
	}
	if (dm->synced[2] > mark[2])
		dm->synced[2] = mark[2];
}

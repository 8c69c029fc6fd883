/*
 * model.c -- the inventory's storage: string arena, hash indexes, drafts,
 * sources, conflicts, and merging whole inventories; see invpriv.h.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inv/invpriv.h"
#include "util/dict.h"
#include "util/xalloc.h"

#define BLKSIZE	(64u << 10)

struct inv_blk {
	struct inv_blk	*next;
	size_t		 used;
	size_t		 size;
	char		 data[];
};


const char *
inv_strn(struct zt_inv *inv, const char *s, size_t n)
{
	struct inv_blk	*b = inv->arena;
	char		*p;
	size_t		 size;

	if (s == NULL)
		return NULL;
	if (b == NULL || b->size - b->used < n + 1) {
		size = n + 1 > BLKSIZE / 4 ? n + 1 : BLKSIZE;
		b = zt_xmalloc(sizeof(*b) + size);
		b->size = size;
		b->used = 0;
		if (size == BLKSIZE || inv->arena == NULL) {
			b->next = inv->arena;
			inv->arena = b;
		} else {	/* a big one: keep filling the current block */
			b->next = inv->arena->next;
			inv->arena->next = b;
		}
	}
	p = b->data + b->used;
	memcpy(p, s, n);
	p[n] = '\0';
	b->used += n + 1;
	return p;
}

const char *
inv_str(struct zt_inv *inv, const char *s)
{
	return s == NULL ? NULL : inv_strn(inv, s, strlen(s));
}

/* ---- hash multimap ------------------------------------------------------ */

uint64_t
inv_hash2n(const char *a, size_t an, const char *b, size_t bn)
{
	uint64_t	 h;

	h = zt_hash(a, an);
	return (h ^ (h >> 29)) * 0x9e3779b97f4a7c15ULL ^ zt_hash(b, bn);
}

uint64_t
inv_hash2(const char *a, const char *b)
{
	return inv_hash2n(a, strlen(a), b, strlen(b));
}

uint64_t
inv_hash1(const char *a)
{
	return zt_hash(a, strlen(a));
}

void
inv_idx_add(struct inv_idx *x, uint64_t h, size_t i)
{
	struct inv_slot	*old = x->s;
	size_t		 oldn = x->s == NULL ? 0 : x->mask + 1;
	size_t		 j;
	size_t		 pos;

	if (x->s == NULL || (x->n + 1) * 4 > (x->mask + 1) * 3) {
		x->mask = oldn == 0 ? 63 : oldn * 2 - 1;
		x->s = zt_xcalloc(x->mask + 1, sizeof(*x->s));
		x->n = 0;
		for (j = 0; j < oldn; j++)
			if (old[j].v != 0)
				inv_idx_add(x, old[j].h, old[j].v - 1);
		free(old);
	}
	pos = (size_t)h & x->mask;
	while (x->s[pos].v != 0)
		pos = (pos + 1) & x->mask;
	x->s[pos].h = h;
	x->s[pos].v = i + 1;
	x->n++;
}

void
inv_idx_free(struct inv_idx *x)
{
	free(x->s);
	memset(x, 0, sizeof(*x));
}

void
inv_iter_init(struct inv_iter *it, const struct inv_idx *x, uint64_t h)
{
	it->x = x;
	it->h = h;
	it->pos = (size_t)h & x->mask;
	it->seen = 0;
}

int
inv_iter_next(struct inv_iter *it, size_t *i)
{
	const struct inv_idx	*x = it->x;
	const struct inv_slot	*s;

	if (x->s == NULL)
		return 0;
	while (it->seen <= x->mask) {
		s = &x->s[it->pos];
		if (s->v == 0)
			return 0;
		it->pos = (it->pos + 1) & x->mask;
		it->seen++;
		if (s->h == it->h) {
			*i = s->v - 1;
			return 1;
		}
	}
	return 0;
}

/* p with room for n + 1 elements of size bytes (cap updated). */
void *
inv_grow(void *p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return p;
	*cap = *cap == 0 ? 16 : *cap * 2;
	return zt_xrealloc(p, *cap * size);
}

/* ---- life cycle --------------------------------------------------------- */

struct zt_inv *
zt_inv_new(void)
{
	struct zt_inv	*inv;

	inv = zt_xcalloc(1, sizeof(*inv));
	inv->max_bytes = ZT_INV_MAX_BYTES;
	inv->max_depth = ZT_INV_MAX_DEPTH;
	return inv;
}

void
zt_inv_set_limits(struct zt_inv *inv, size_t max_bytes, unsigned max_depth)
{
	inv->max_bytes = max_bytes;
	inv->max_depth = max_depth;
}

void
inv_wl_free(struct zt_inv_workload *w)
{
	if (w == NULL)
		return;
	free(w->ips);
	free(w->services);
	free(w);
}

void
inv_svc_free(struct zt_inv_service *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	free(s->vips);
	free(s->vip_networks);
	free(s->ports);
	free(s->wwaypoints);
	free(s->lb_routing);
	for (i = 0; i < s->neps; i++)
		free(s->eps[i].ports);
	free(s->eps);
	free(s);
}

void
zt_inv_free(struct zt_inv *inv)
{
	struct inv_blk	*b;
	struct inv_blk	*next;
	size_t		 i;

	if (inv == NULL)
		return;
	for (i = 0; i < inv->nwl; i++)
		inv_wl_free(&inv->wl[i]->pub);
	for (i = 0; i < inv->nsvc; i++)
		inv_svc_free(&inv->svc[i]->pub);
	free(inv->wl);
	free(inv->svc);
	free(inv->src);
	free(inv->cf);
	free(inv->seen);
	inv_idx_free(&inv->by_uid);
	inv_idx_free(&inv->by_wname);
	inv_idx_free(&inv->by_shost);
	inv_idx_free(&inv->by_sname);
	inv_idx_free(&inv->by_ip);
	inv_idx_free(&inv->by_vip);
	inv_idx_free(&inv->by_host);
	for (b = inv->arena; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(inv);
}

size_t
inv_add_source(struct zt_inv *inv, const char *name, enum zt_inv_format f)
{
	struct zt_inv_source	*s;

	if (inv->nsrc == inv->srccap) {
		inv->srccap = inv->srccap == 0 ? 4 : inv->srccap * 2;
		inv->src = zt_xrealloc(inv->src, inv->srccap * sizeof(*s));
	}
	s = &inv->src[inv->nsrc];
	memset(s, 0, sizeof(*s));
	s->name = inv_str(inv, name);
	s->format = f;
	return inv->nsrc++;
}

struct zt_inv_workload *
inv_wl_new(void)
{
	struct inv_wl	*w;

	w = zt_xcalloc(1, sizeof(*w));
	w->pub.capacity = -1;
	w->pub.source = ZT_INV_NOSOURCE;
	w->pub.local_source = ZT_INV_NOSOURCE;
	w->pub.nsources = 1;
	w->last_src = ZT_INV_NOSOURCE;
	return &w->pub;
}

struct zt_inv_service *
inv_svc_new(void)
{
	struct inv_svc	*s;

	s = zt_xcalloc(1, sizeof(*s));
	s->pub.ep_healthy = -1;
	s->pub.ep_total = -1;
	s->pub.source = ZT_INV_NOSOURCE;
	s->pub.nsources = 1;
	s->last_src = ZT_INV_NOSOURCE;
	return &s->pub;
}

void
inv_list_add(const char ***list, size_t *n, const char *s)
{
	size_t	 i;

	for (i = 0; i < *n; i++)
		if (strcmp((*list)[i], s) == 0)
			return;
	*list = zt_xrealloc(*list, (*n + 1) * sizeof(**list));
	(*list)[(*n)++] = s;
}

int
inv_ip_canon(const char *p, size_t n, char out[INV_IPLEN])
{
	unsigned char	 a[16];
	char		 tmp[INV_IPLEN];
	int		 af;

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, p, n);
	tmp[n] = '\0';
	af = memchr(tmp, ':', n) != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(af, tmp, a) != 1)
		return -1;
	if (inet_ntop(af, a, out, INV_IPLEN) == NULL)
		return -1;
	return 0;
}

/* ---- conflicts ---------------------------------------------------------- */

void
inv_conflict(struct zt_inv *inv, const char *what, const char *key,
    const char *field, const char *kept, size_t kept_src, const char *other,
    size_t other_src)
{
	struct zt_inv_conflict	*c;

	if (inv->ncf == inv->cfcap) {
		inv->cfcap = inv->cfcap == 0 ? 8 : inv->cfcap * 2;
		inv->cf = zt_xrealloc(inv->cf, inv->cfcap * sizeof(*c));
	}
	c = &inv->cf[inv->ncf++];
	c->what = what;
	c->key = key;
	c->field = field;
	c->kept = kept;
	c->kept_source = kept_src;
	c->other = other;
	c->other_source = other_src;
}

int
inv_has(const char *const *l, size_t n, const char *s)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(l[i], s) == 0)
			return 1;
	return 0;
}

const char *
inv_source_name(const struct zt_inv *inv, size_t i)
{
	return i < inv->nsrc ? inv->src[i].name : "?";
}


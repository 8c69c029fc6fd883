/*
 * names.c -- see names.h.
 *
 * A name is stored as a 4-byte length, its bytes and a NUL, in blocks of
 * at least 4 KB that are never reallocated; the page index maps an id
 * to its name; the hash table maps a name (by its hash and bytes) to its
 * id, 8 bytes a slot.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/names.h"
#include "util/text.h"
#include "util/xalloc.h"

#define NPAGES		(size_t)(ZT_NAMES_MAXID / ZT_NAMES_PAGE)
#define BLOCK_MIN	4096
#define BLOCK_MAX	(1024 * 1024)

struct zt_nslot {
	uint32_t	 h;		/* hash (low bits); 0 marks a free slot */
	uint32_t	 id;
};

struct zt_nblock {
	char		*p;
	size_t		 used;
	size_t		 size;
};

void
zt_names_init(struct zt_names *t, size_t cap)
{
	memset(t, 0, sizeof(*t));
	t->cap = cap;
	/* 256 KB, touched (made resident) a page at a time. */
	t->page = zt_xcalloc(NPAGES, sizeof(*t->page));
}

void
zt_names_fini(struct zt_names *t)
{
	size_t	 i;

	if (t->page != NULL)
		for (i = 0; i < t->npage; i++)
			free(t->page[i]);
	for (i = 0; i < t->nblk; i++)
		free(t->blk[i].p);
	free(t->page);
	free(t->blk);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

static uint32_t
h32(uint64_t h)
{
	uint32_t	 v = (uint32_t)(h ^ (h >> 32));

	return v ? v : 1;
}

static const char *
entry(const struct zt_names *t, int64_t id)
{
	char	**pg;

	if (id < 1 || id >= ZT_NAMES_MAXID)
		return NULL;
	pg = t->page[(size_t)id / ZT_NAMES_PAGE];
	return pg != NULL ? pg[(size_t)id % ZT_NAMES_PAGE] : NULL;
}

static uint32_t
entry_len(const char *e)
{
	uint32_t	 n;

	memcpy(&n, e, sizeof(n));
	return n;
}

int
zt_names_full(const struct zt_names *t, size_t n)
{
	return t->bytes + n > t->cap || n > UINT32_MAX / 2;
}

int64_t
zt_names_find(const struct zt_names *t, const void *k, size_t n, uint64_t h)
{
	const char	*e;
	uint32_t	 hh = h32(h);
	size_t		 i;

	if (t->slot == NULL)
		return -1;
	for (i = hh & t->mask; t->slot[i].h != 0; i = (i + 1) & t->mask) {
		if (t->slot[i].h != hh)
			continue;
		e = entry(t, t->slot[i].id);
		if (entry_len(e) == n && zt_mem_eq(e + sizeof(uint32_t), k, n))
			return t->slot[i].id;
	}
	return -1;
}

static void
slot_put(struct zt_nslot *tab, size_t mask, struct zt_nslot s)
{
	size_t	 i;

	for (i = s.h & mask; tab[i].h != 0; i = (i + 1) & mask)
		;
	tab[i] = s;
}

/* A table of n slots (a power of two) holding the slots of t that pass keep. */
static void
rehash(struct zt_names *t, size_t n, int64_t keep)
{
	struct zt_nslot	*old = t->slot;
	size_t		 oldn = old != NULL ? t->mask + 1 : 0;
	size_t		 i;

	t->slot = zt_xcalloc(n, sizeof(*t->slot));
	t->mask = n - 1;
	for (i = 0; i < oldn; i++)
		if (old[i].h != 0 && old[i].id <= keep)
			slot_put(t->slot, t->mask, old[i]);
	free(old);
}

/* Room for need bytes at the end of the arena. */
static char *
arena_take(struct zt_names *t, size_t need)
{
	struct zt_nblock	*b = t->nblk > 0 ? &t->blk[t->nblk - 1] : NULL;
	size_t			 size;
	char			*p;

	if (b == NULL || b->size - b->used < need) {
		size = b == NULL ? BLOCK_MIN : b->size < BLOCK_MAX ?
		    b->size * 2 : BLOCK_MAX;
		if (size < need)
			size = need;
		t->blk = zt_xrealloc(t->blk, (t->nblk + 1) * sizeof(*t->blk));
		b = &t->blk[t->nblk++];
		b->p = zt_xmalloc(size);
		b->used = 0;
		b->size = size;
	}
	p = b->p + b->used;
	b->used += need;
	return p;
}

int
zt_names_put(struct zt_names *t, const void *k, size_t n, uint64_t h,
    int64_t id)
{
	struct zt_nslot	 s;
	uint32_t	 len = (uint32_t)n;
	char		**pg;
	char		*e;

	if (id < 1 || id >= ZT_NAMES_MAXID || entry(t, id) != NULL ||
	    n > UINT32_MAX / 2)
		return -1;
	if (t->slot == NULL)
		rehash(t, 64, 0);
	else if ((t->count + 1) * 4 > (t->mask + 1) * 3)	/* load <= 3/4 */
		rehash(t, (t->mask + 1) * 2, ZT_NAMES_MAXID);
	e = arena_take(t, sizeof(len) + n + 1);
	memcpy(e, &len, sizeof(len));
	if (n > 0)
		memcpy(e + sizeof(len), k, n);
	e[sizeof(len) + n] = '\0';
	pg = t->page[(size_t)id / ZT_NAMES_PAGE];
	if (pg == NULL) {
		pg = t->page[(size_t)id / ZT_NAMES_PAGE] =
		    zt_xcalloc(ZT_NAMES_PAGE, sizeof(*pg));
		if ((size_t)id / ZT_NAMES_PAGE >= t->npage)
			t->npage = (size_t)id / ZT_NAMES_PAGE + 1;
	}
	pg[(size_t)id % ZT_NAMES_PAGE] = e;
	s.h = h32(h);
	s.id = (uint32_t)id;
	slot_put(t->slot, t->mask, s);
	t->count++;
	t->bytes += n;
	if (id > t->max)
		t->max = id;
	return 0;
}

void
zt_names_clear(struct zt_names *t)
{
	size_t	 i;

	for (i = 0; i < t->npage && t->max > 0; i++)
		if (t->page[i] != NULL)
			memset(t->page[i], 0, ZT_NAMES_PAGE *
			    sizeof(*t->page[i]));
	for (i = 0; i < t->nblk; i++)
		t->blk[i].used = 0;
	/* Keep the last (largest) block for the names to come. */
	if (t->nblk > 1) {
		for (i = 0; i + 1 < t->nblk; i++)
			free(t->blk[i].p);
		t->blk[0] = t->blk[t->nblk - 1];
		t->nblk = 1;
	}
	if (t->slot != NULL)
		memset(t->slot, 0, (t->mask + 1) * sizeof(*t->slot));
	t->count = 0;
	t->bytes = 0;
	t->max = 0;
}

void
zt_names_truncate(struct zt_names *t, int64_t max)
{
	const char	*first = NULL;
	const char	*e;
	int64_t		 id;
	size_t		 i;

	if (max < 0)
		max = 0;
	if (max >= t->max)
		return;
	for (id = max + 1; id <= t->max; id++) {
		if ((e = entry(t, id)) == NULL)
			continue;
		if (first == NULL)
			first = e;
		t->bytes -= entry_len(e);
		t->count--;
		t->page[(size_t)id / ZT_NAMES_PAGE][(size_t)id %
		    ZT_NAMES_PAGE] = NULL;
	}
	t->max = max;
	rehash(t, t->mask + 1, max);
	if (first == NULL)
		return;
	/* Names went in in id order: the arena ends where the first went. */
	for (i = t->nblk; i-- > 0; ) {
		uintptr_t f = (uintptr_t)first;
		uintptr_t b = (uintptr_t)t->blk[i].p;

		if (f >= b && f < b + t->blk[i].size) {
			t->blk[i].used = (size_t)(f - b);
			break;
		}
		free(t->blk[i].p);
		t->nblk--;
	}
}

/* ---- what the names hold ---------------------------------------------- */

void
zt_names_split_addr(struct zt_str a, struct zt_str *host, int64_t *port)
{
	const char	*c;
	int64_t		 v;

	*host = a;
	*port = -1;
	if (a.p == NULL)
		return;
	if (a.n > 2 && a.p[0] == '[') {
		c = memchr(a.p, ']', a.n);
		if (c == NULL || c + 1 >= a.p + a.n || c[1] != ':')
			return;
		if (zt_parse_u63(c + 2, (size_t)(a.p + a.n - c - 2), &v) ||
		    v > 65535 || (c[2] == '0' && a.p + a.n - c > 3))
			return;
		host->p = a.p + 1;
		host->n = (size_t)(c - a.p - 1);
		*port = v;
		return;
	}
	c = memchr(a.p, ':', a.n);
	if (c == NULL || memchr(c + 1, ':', (size_t)(a.p + a.n - c - 1)))
		return;
	if (zt_parse_u63(c + 1, (size_t)(a.p + a.n - c - 1), &v) ||
	    v > 65535 || (c[1] == '0' && a.p + a.n - c > 2))
		return;
	host->n = (size_t)(c - a.p);
	*port = v;
}

void
zt_names_tuple_key(struct zt_buf *b, const struct zt_str *v, int n)
{
	unsigned char	*o;
	size_t		 need = 1;
	int		 i;

	/* Room for all of it first, then one pass that writes it. */
	for (i = 0; i < n; i++)
		need += v[i].p != NULL ? 5 + v[i].n : 1;
	b->n = 0;
	zt_buf_reserve(b, need);
	o = (unsigned char *)b->p;
	for (i = 0; i < n; i++) {
		if (v[i].p == NULL) {
			*o++ = 0;
			continue;
		}
		o[0] = 1;
		o[1] = (unsigned char)(v[i].n >> 24);
		o[2] = (unsigned char)(v[i].n >> 16);
		o[3] = (unsigned char)(v[i].n >> 8);
		o[4] = (unsigned char)v[i].n;
		memcpy(o + 5, v[i].p, v[i].n);
		o += 5 + v[i].n;
	}
	b->n = (size_t)(o - (unsigned char *)b->p);
	b->p[b->n] = '\0';
}

void
zt_nameset_init(struct zt_nameset *ns, size_t cap)
{
	zt_names_init(&ns->str, cap);
	zt_names_init(&ns->peer, cap);
	zt_names_init(&ns->kind, cap);
}

void
zt_nameset_fini(struct zt_nameset *ns)
{
	zt_names_fini(&ns->str);
	zt_names_fini(&ns->peer);
	zt_names_fini(&ns->kind);
}

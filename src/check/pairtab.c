/*
 * pairtab.c -- see pairtab.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/pairtab.h"
#include "util/xalloc.h"

/*
 * The spill file: one per process, made on the first spill in $TMPDIR
 * (else /tmp) and unlinked at once, so that it goes away with the
 * process however it ends.  Runs are appended (their offsets reserved
 * under the lock) and never rewritten; entries in memory are counted
 * over all tables.
 */
static pthread_mutex_t	 spill_mu = PTHREAD_MUTEX_INITIALIZER;
static int		 spill_fd = -1;
static int		 spill_broken;	/* could not write: keep in memory */
static uint64_t		 spill_end;
static uint64_t		 spill_count;
static size_t		 in_memory;
static size_t		 budget = ZT_PTAB_MEM;

/*
 * Bucket chunks given back, by capacity, for the next chunk of that
 * size: each source's stage fills thousands of small chunks that its
 * merge empties, and malloc's own caches hold 7 of a size, so the rest
 * went through its slow paths.  At most CACHE_MAX entries' room is held,
 * and all of it goes when no table holds an entry (the run ended).
 * Tables are changed by one thread at a time, as in_memory is.
 */
#define CACHE_MAX	((size_t)64 * 1024)
static struct zt_pchunk	*cache[ZT_PCHUNK + 1];
static size_t		 cached;

static struct zt_pchunk *
chunk_new(size_t cap)
{
	struct zt_pchunk	*c = cache[cap];

	if (c != NULL) {
		cache[cap] = c->next;
		cached -= cap;
	} else {
		c = zt_xmalloc(sizeof(*c) + cap * sizeof(c->e[0]));
		c->cap = (uint32_t)cap;
	}
	return c;
}

static void
chunk_drop(struct zt_pchunk *c)
{
	if (c == NULL)
		return;
	if (cached + c->cap > CACHE_MAX) {
		free(c);
		return;
	}
	c->next = cache[c->cap];
	cache[c->cap] = c;
	cached += c->cap;
}

static void
cache_trim(void)
{
	struct zt_pchunk	*c;
	size_t			 i;

	for (i = 0; i <= ZT_PCHUNK; i++)
		while ((c = cache[i]) != NULL) {
			cache[i] = c->next;
			free(c);
		}
	cached = 0;
}

static int
spill_open(void)
{
	const char	*dir = getenv("TMPDIR");
	char		 path[4096];

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	snprintf(path, sizeof(path), "%s/ztlog-pairing.XXXXXX", dir);
	if ((spill_fd = mkstemp(path)) == -1)
		return -1;
	unlink(path);
	return 0;
}

/* Append n entries at e to the spill file; their offset, or -1. */
static int64_t
spill_write(const struct zt_pent *e, size_t n)
{
	size_t		 len = n * sizeof(*e);
	uint64_t	 off;
	ssize_t		 w;
	size_t		 done = 0;

	pthread_mutex_lock(&spill_mu);
	if (spill_broken || (spill_fd == -1 && spill_open() == -1)) {
		spill_broken = 1;
		pthread_mutex_unlock(&spill_mu);
		return -1;
	}
	off = spill_end;
	spill_end += len;
	pthread_mutex_unlock(&spill_mu);
	while (done < len) {
		w = pwrite(spill_fd, (const char *)e + done, len - done,
		    (off_t)(off + done));
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			/* Disk full: the rest stays in memory. */
			pthread_mutex_lock(&spill_mu);
			spill_broken = 1;
			pthread_mutex_unlock(&spill_mu);
			return -1;
		}
		done += (size_t)w;
	}
	return (int64_t)off;
}

size_t
zt_ptab_cached(void)
{
	return cached;
}

uint64_t
zt_ptab_spilled(void)
{
	return spill_count;
}

void
zt_ptab_budget(size_t entries)
{
	budget = entries > 0 ? entries : ZT_PTAB_MEM;
}

size_t
zt_ptab_memory(void)
{
	return budget;
}

_Static_assert(sizeof(struct zt_pent) == 36, "a pairing entry is 36 bytes");

void
zt_ptab_free(struct zt_ptab *t)
{
	struct zt_pchunk	*c, *next;
	size_t			 i;

	struct zt_prun		*r, *rn;

	if (t->full != NULL)
		for (i = 0; i < ZT_NBUCKET; i++) {
			for (c = t->full[i]; c != NULL; c = next) {
				next = c->next;
				in_memory -= c->n;
				chunk_drop(c);
			}
			if (t->part[i] != NULL)
				in_memory -= t->part[i]->n;
			chunk_drop(t->part[i]);
			for (r = t->runs[i]; r != NULL; r = rn) {
				rn = r->next;
				free(r);
			}
		}
	free(t->full);
	free(t->part);
	free(t->fill);
	free(t->runs);
	free(t->n);
	memset(t, 0, sizeof(*t));
	if (in_memory == 0)
		cache_trim();
}

/* Bucket of a pairing key: the top bits of a hash of it. */
static size_t
pent_bucket(const struct zt_pent *e)
{
	uint64_t	 h = e->src;

	h = h * 0x9e3779b97f4a7c15ULL ^ e->hb;
	h = h * 0x9e3779b97f4a7c15ULL ^ e->wl;
	h = h * 0x9e3779b97f4a7c15ULL ^ (uint64_t)e->cb;
	h = h * 0x9e3779b97f4a7c15ULL ^ (uint64_t)e->sb;
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 29;
	return (size_t)(h >> (64 - ZT_PBITS));
}

/* Bucket b's fill from its chunk being filled, after it changed. */
static void
fill_sync(struct zt_ptab *t, size_t b)
{
	t->fill[b].n = t->part[b] != NULL ? t->part[b]->n : 0;
	t->fill[b].cap = t->part[b] != NULL ? t->part[b]->cap : 0;
}

/* Bucket b's new chunk being filled, as large as the bucket so far. */
static struct zt_pchunk *
part_new(struct zt_ptab *t, size_t b)
{
	struct zt_pchunk	*c;
	size_t			 cap;

	cap = t->n[b] < 2 ? 2 : t->n[b] > ZT_PCHUNK ? ZT_PCHUNK : t->n[b];
	c = t->part[b] = chunk_new(cap);
	t->fill[b].n = 0;
	t->fill[b].cap = (uint32_t)cap;
	return c;
}

/* Bucket b's chunk being filled is full: onto its list. */
static void
part_full(struct zt_ptab *t, size_t b)
{
	struct zt_pchunk	*c = t->part[b];

	c->next = t->full[b];
	t->full[b] = c;
	t->part[b] = NULL;
	t->infull += c->n;
	t->fill[b].n = t->fill[b].cap = 0;
}

static void
bucket_add(struct zt_ptab *t, size_t b, const struct zt_pent *e)
{
	struct zt_pfill		*f = &t->fill[b];
	struct zt_pchunk	*c = t->part[b];

	if (f->cap == 0)
		c = part_new(t, b);
	c->e[f->n++] = *e;
	c->n = f->n;
	if (f->n == f->cap)
		part_full(t, b);
	t->n[b]++;
	t->total++;
	in_memory++;
}

/* Write bucket b's full chunks as one run; 0, or -1 (kept). */
static int
spill_bucket(struct zt_ptab *t, size_t b)
{
	struct zt_pchunk	*c, *next;
	struct zt_pent		*buf;
	struct zt_prun		*r;
	size_t			 n = 0;
	int64_t			 off;

	for (c = t->full[b]; c != NULL; c = c->next)
		n += c->n;
	if (n == 0)
		return 0;
	buf = zt_xmalloc(n * sizeof(*buf));
	n = 0;
	for (c = t->full[b]; c != NULL; c = c->next) {
		memcpy(buf + n, c->e, c->n * sizeof(*buf));
		n += c->n;
	}
	off = spill_write(buf, n);
	free(buf);
	if (off == -1)
		return -1;
	r = zt_xmalloc(sizeof(*r));
	r->off = (uint64_t)off;
	r->n = (uint32_t)n;
	r->next = t->runs[b];
	t->runs[b] = r;
	for (c = t->full[b]; c != NULL; c = next) {
		next = c->next;
		chunk_drop(c);
	}
	t->full[b] = NULL;
	t->infull -= n;
	in_memory -= n;
	spill_count += n;
	return 0;
}

/* Over the memory budget: spill t, bucket by bucket. */
static void
spill(struct zt_ptab *t)
{
	size_t	 i;

	for (i = 0; i < ZT_NBUCKET; i++)
		if (spill_bucket(t, i) == -1)
			return;
}

struct zt_pchunk *
zt_ptab_load(const struct zt_ptab *t, size_t b)
{
	const struct zt_prun	*r;
	struct zt_pchunk	*list = NULL, *c;
	size_t			 len, done;
	ssize_t			 got;

	if (t->runs == NULL)
		return NULL;
	for (r = t->runs[b]; r != NULL; r = r->next) {
		c = zt_xmalloc(sizeof(*c) + r->n * sizeof(c->e[0]));
		c->n = c->cap = r->n;
		len = r->n * sizeof(c->e[0]);
		for (done = 0; done < len; done += (size_t)got) {
			got = pread(spill_fd, (char *)c->e + done, len - done,
			    (off_t)(r->off + done));
			if (got == -1 && errno == EINTR) {
				got = 0;
				continue;
			}
			if (got <= 0) {
				fprintf(stderr, "ztlog: error: pairing: cannot "
				    "read back its temporary file: %s\n",
				    got == 0 ? "short read" : strerror(errno));
				exit(2);
			}
		}
		c->next = list;
		list = c;
	}
	return list;
}

void
zt_ptab_unload(struct zt_pchunk *list)
{
	struct zt_pchunk	*next;

	for (; list != NULL; list = next) {
		next = list->next;
		free(list);
	}
}

void
zt_ptab_add(struct zt_ptab *t, const struct zt_pent *e)
{
	if (t->full == NULL) {
		t->full = zt_xcalloc(ZT_NBUCKET, sizeof(*t->full));
		t->part = zt_xcalloc(ZT_NBUCKET, sizeof(*t->part));
		t->fill = zt_xcalloc(ZT_NBUCKET, sizeof(*t->fill));
		t->runs = zt_xcalloc(ZT_NBUCKET, sizeof(*t->runs));
		t->n = zt_xcalloc(ZT_NBUCKET, sizeof(*t->n));
	}
	bucket_add(t, pent_bucket(e), e);
	/*
	 * Over the budget, a table with enough in full chunks spills them
	 * (a few thousand entries at least: a spill visits every bucket).
	 */
	if (in_memory > budget && t->infull >= budget / 64 &&
	    !spill_broken)
		spill(t);
}

/*
 * Append n entries at e to bucket b of t, as bucket_add would one by one
 * (chunks growing with the bucket), but leave the counts of entries (n,
 * total, in_memory) to the caller: they are moved, not new.
 */
static void
bucket_append(struct zt_ptab *t, size_t b, const struct zt_pent *e, size_t n)
{
	struct zt_pfill		*f = &t->fill[b];
	struct zt_pchunk	*c;
	size_t			 k;

	while (n > 0) {
		c = f->cap == 0 ? part_new(t, b) : t->part[b];
		k = f->cap - f->n < n ? f->cap - f->n : n;
		memcpy(c->e + f->n, e, k * sizeof(*e));
		f->n += (uint32_t)k;
		c->n = f->n;
		t->n[b] += k;
		e += k;
		n -= k;
		if (f->n == f->cap)
			part_full(t, b);
	}
}

/*
 * Move bucket i of b into a.  Full chunks of the largest size are linked
 * as they are; the entries of smaller ones (a small source's buckets) are
 * copied into a's chunks, so that a run of many small sources is held in
 * chunks as large as one source's would be, not in a list of many small
 * ones (each a malloc, and a cache miss for the walk).
 */
static void
bucket_merge(struct zt_ptab *a, struct zt_ptab *b, size_t i)
{
	struct zt_pchunk	*c, *next;
	struct zt_prun		*r, *rn;
	size_t			 n = a->n[i] + b->n[i];

	for (c = b->full[i]; c != NULL; c = next) {
		next = c->next;
		if (c->cap == ZT_PCHUNK) {
			c->next = a->full[i];
			a->full[i] = c;
			a->infull += c->n;
		} else {
			bucket_append(a, i, c->e, c->n);
			chunk_drop(c);
		}
	}
	if ((c = b->part[i]) != NULL) {
		bucket_append(a, i, c->e, c->n);
		chunk_drop(c);
	}
	for (r = b->runs[i]; r != NULL; r = rn) {
		rn = r->next;
		r->next = a->runs[i];
		a->runs[i] = r;
	}
	a->n[i] = n;
}

void
zt_ptab_merge(struct zt_ptab *a, struct zt_ptab *b)
{
	size_t	 i;

	if (b->full == NULL)
		return;
	if (a->full == NULL) {
		*a = *b;
		memset(b, 0, sizeof(*b));
		return;
	}
	for (i = 0; i < ZT_NBUCKET; i++)
		if (b->n[i] > 0)
			bucket_merge(a, b, i);
	a->total += b->total;
	free(b->full);
	free(b->part);
	free(b->fill);
	free(b->runs);
	free(b->n);
	memset(b, 0, sizeof(*b));
	if (in_memory > budget && a->infull >= budget / 64 &&
	    !spill_broken)
		spill(a);
}

/* Does chunk c hold an entry that closed before lo? */
static int
chunk_old(const struct zt_pchunk *c, int64_t lo)
{
	uint32_t	 k;

	for (k = 0; c != NULL && k < c->n; k++)
		if (zt_pent_ts(&c->e[k]) < lo)
			return 1;
	return 0;
}

/* Rebuild bucket b of its entries that closed at lo or later. */
static size_t
bucket_evict(struct zt_ptab *t, size_t b, int64_t lo)
{
	struct zt_pchunk	*list, *c, *next;
	struct zt_prun		*r, *rn;
	struct zt_pchunk	*spilled = zt_ptab_load(t, b);
	size_t			 before = t->n[b];
	uint32_t		 k;

	for (c = t->full[b]; c != NULL; c = c->next)
		t->infull -= c->n;
	list = t->part[b];
	if (list != NULL)
		list->next = t->full[b];
	else
		list = t->full[b];
	for (r = t->runs[b]; r != NULL; r = rn) {
		rn = r->next;
		free(r);
	}
	t->full[b] = t->part[b] = NULL;
	fill_sync(t, b);
	t->runs[b] = NULL;
	t->total -= t->n[b];
	t->n[b] = 0;
	for (c = list; c != NULL; c = next) {
		next = c->next;
		in_memory -= c->n;
		for (k = 0; k < c->n; k++)
			if (zt_pent_ts(&c->e[k]) >= lo)
				bucket_add(t, b, &c->e[k]);
		chunk_drop(c);
	}
	/* Spilled entries come back to memory; a later add spills again. */
	for (c = spilled; c != NULL; c = c->next)
		for (k = 0; k < c->n; k++)
			if (zt_pent_ts(&c->e[k]) >= lo)
				bucket_add(t, b, &c->e[k]);
	zt_ptab_unload(spilled);
	return before - t->n[b];
}

size_t
zt_ptab_evict(struct zt_ptab *t, int64_t lo)
{
	struct zt_pchunk	*c;
	size_t			 i, n = 0;
	int			 old;

	if (t->full == NULL)
		return 0;
	for (i = 0; i < ZT_NBUCKET; i++) {
		old = chunk_old(t->part[i], lo) || t->runs[i] != NULL;
		for (c = t->full[i]; !old && c != NULL; c = c->next)
			old = chunk_old(c, lo);
		if (old)
			n += bucket_evict(t, i, lo);
	}
	return n;
}

/*
 * refs.c -- see refs.h.
 */
#include <stdlib.h>
#include <string.h>

#include "check/refs.h"
#include "util/xalloc.h"

void
zt_refs_fini(struct zt_refs *r)
{
	size_t	 i;

	for (i = 0; i < r->nname; i++)
		free(r->name[i]);
	free(r->name);
	free(r->base);
	memset(r, 0, sizeof(*r));
}

void
zt_refs_name(struct zt_refs *r, int64_t k, const char *name)
{
	size_t	 want;

	if (k < 0 || k > (int64_t)1 << 40)
		return;
	if ((size_t)k >= r->nname) {
		want = r->nname ? r->nname : 16;
		while (want <= (size_t)k)
			want *= 2;
		r->name = zt_xrealloc(r->name, want * sizeof(*r->name));
		memset(r->name + r->nname, 0, (want - r->nname) *
		    sizeof(*r->name));
		r->nname = want;
	}
	free(r->name[k]);
	r->name[k] = zt_xstrdup(name);
}

const char *
zt_refs_source(const struct zt_refs *r, int64_t k)
{
	return k >= 0 && (size_t)k < r->nname ? r->name[k] : NULL;
}

int64_t
zt_refs_next(struct zt_refs *r, int64_t key, int64_t line)
{
	/* Lines as ingest numbers them are 1, 2, ...: others are clamped. */
	int64_t	 l = line < 1 ? 1 : line > (int64_t)UINT32_MAX ?
	    (int64_t)UINT32_MAX : line;
	int64_t	 ref;
	int	 first = !r->started;

	if (first) {
		r->started = 1;
		r->next = 1;	/* 0 means "no record" in pairs */
	}
	/*
	 * A new base for a new source, and whenever lines do not go up
	 * (a database can hold anything), so references never repeat.
	 */
	if (first || key != r->curkey || r->cur + l < r->next) {
		r->curkey = key;
		r->cur = r->next;
		r->base = zt_xrealloc(r->base, (r->nbase + 1) *
		    sizeof(*r->base));
		r->base[r->nbase].base = r->cur;
		r->base[r->nbase].key = key;
		r->nbase++;
	}
	ref = r->cur + l;
	r->next = ref + 1;
	return ref;
}

void
zt_refs_locate(const struct zt_refs *r, int64_t ref, int64_t *key,
    int64_t *line)
{
	size_t	 lo = 0;
	size_t	 hi = r->nbase;
	size_t	 mid;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (r->base[mid].base <= ref)
			lo = mid;
		else
			hi = mid;
	}
	*key = r->nbase > 0 ? r->base[lo].key : -1;
	*line = r->nbase > 0 ? ref - r->base[lo].base : 0;
}

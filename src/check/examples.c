/*
 * examples.c -- see examples.h.
 */
#include <stdlib.h>
#include <string.h>

#include "check/examples.h"
#include "store/store.h"
#include "util/text.h"
#include "util/xalloc.h"

void
zt_exlist_add(struct zt_exlist *e, const struct zt_row *row, int max)
{
	struct zt_exitem	*x;

	if ((int)e->n >= max) {
		e->more++;
		return;
	}
	if (e->n == e->cap) {
		/* Doubling, up to max: few reallocs, no room past max. */
		e->cap = e->cap == 0 ? 1 : 2 * e->cap;
		if ((int)e->cap > max)
			e->cap = (size_t)max;
		e->v = zt_xrealloc(e->v, e->cap * sizeof(*e->v));
	}
	x = &e->v[e->n++];
	memset(x, 0, sizeof(*x));
	x->ts = row->ts_us;
	x->has_sent = row->s[ZT_COL_BYTES_SENT].p != NULL;
	x->sent = row->num[ZT_COL_BYTES_SENT];
	x->has_recv = row->s[ZT_COL_BYTES_RECV].p != NULL;
	x->recv = row->num[ZT_COL_BYTES_RECV];
	x->line = row->line;
	x->src = row->source_id;
	/* Name ids are below ZT_NAMES_MAXID. */
	x->kind = (uint32_t)row->kind_id;
	x->src_ip = (uint32_t)row->src_ip_id;
	x->src_peer = (uint32_t)row->src_peer;
	x->dst = (uint32_t)row->dst_id;
	x->hbone = (uint32_t)row->hbone_id;
	x->service = (uint32_t)row->service_id;
	x->dst_peer = (uint32_t)row->dst_peer;
	x->error = (uint32_t)row->error_id;
	x->src_port = row->s[ZT_COL_SRC_PORT].p != NULL ?
	    (int32_t)row->num[ZT_COL_SRC_PORT] : -1;
	x->wp = (uint8_t)row->wp;
}

void
zt_exlist_merge(struct zt_exlist *a, struct zt_exlist *b, int max)
{
	size_t	 room = (int)a->n < max ? (size_t)max - a->n : 0;
	size_t	 k = b->n < room ? b->n : room;

	if (a->n == 0 && k > 0) {
		/* The usual case of one example a key: b's array is taken. */
		free(a->v);
		a->v = b->v;
		a->cap = b->cap;
		b->v = NULL;
	} else if (k > 0) {
		if (a->n + k > a->cap) {
			a->cap = a->n + k;
			a->v = zt_xrealloc(a->v, a->cap * sizeof(*a->v));
		}
		memcpy(a->v + a->n, b->v, k * sizeof(*a->v));
	}
	a->n += k;
	a->more += (int64_t)(b->n - k) + b->more;
	free(b->v);
	memset(b, 0, sizeof(*b));
}

void
zt_exlist_free(struct zt_exlist *e)
{
	free(e->v);
	memset(e, 0, sizeof(*e));
}

char *
zt_exitem_render(const struct zt_dims *dm, const struct zt_exitem *x)
{
	struct zt_recids	 v;
	struct zt_row		 row;
	struct zt_rowfill	 rf = { dm, NULL, NULL, 0 };

	memset(&v, 0, sizeof(v));
	v.ts_us = x->ts;
	v.kind = x->kind;
	v.src_ip = x->src_ip;
	v.src_port = x->src_port;
	v.src_peer = x->src_peer;
	v.dst = x->dst;
	v.hbone = x->hbone;
	v.service = x->service;
	v.dst_peer = x->dst_peer;
	v.error = x->error;
	v.bytes_sent = x->sent;
	v.bytes_recv = x->recv;
	v.has_sent = x->has_sent;
	v.has_recv = x->has_recv;
	v.wp = x->wp;
	memset(&row, 0, sizeof(row));
	zt_row_fill(&row, &rf, x->src, x->line, &v);
	return zt_row_describe(&row);
}

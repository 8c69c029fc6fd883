/*
 * observe.c -- see observe.h.
 */
#include <stdlib.h>
#include <string.h>

#include "check/observe.h"

void
zt_observe_init(struct zt_observe *ob)
{
	memset(ob, 0, sizeof(*ob));
	zt_imap_init(&ob->local, 2);
	zt_imap_init(&ob->podix, 1);
	zt_imap_init(&ob->wp_hosts, 1);
	zt_imap_init(&ob->hbpeer, 2);
}

void
zt_observe_fini(struct zt_observe *ob)
{
	zt_imap_fini(&ob->local);
	zt_imap_fini(&ob->podix);
	zt_imap_fini(&ob->wp_hosts);
	zt_imap_fini(&ob->hbpeer);
	free(ob->span);
	memset(ob, 0, sizeof(*ob));
}

/* The span of pod, widened to ts (a new pod: the span of ts alone). */
static void
widen(struct zt_observe *ob, int64_t pod, const struct zt_span *s)
{
	int	 added;
	int64_t	 ix = zt_imap_add(&ob->podix, &pod, &added);

	if (added) {
		zt_arr_room((void **)&ob->span, (size_t)ix, sizeof(*ob->span));
		ob->span[ix] = *s;
		return;
	}
	if (s->lo < ob->span[ix].lo)
		ob->span[ix].lo = s->lo;
	if (s->hi > ob->span[ix].hi)
		ob->span[ix].hi = s->hi;
}

void
zt_observe_row(struct zt_observe *ob, const struct zt_row *row,
    const struct zt_dims *dm)
{
	struct zt_span	 s = { row->ts_us, row->ts_us };
	int64_t		 k[2];

	ob->records++;
	widen(ob, row->pod_id, &s);
	k[0] = row->pod_id;
	if (row->outbound) {
		ob->out++;
		if (row->src_ip_id) {
			k[1] = zt_dims_hostkey(dm, row->src_ip_id);
			zt_imap_add(&ob->local, k, NULL);
		}
		if (row->wp && row->dst_host_id)
			zt_imap_add(&ob->wp_hosts, &row->dst_host_id, NULL);
		if (row->hbone && !row->wp) {
			k[1] = row->hbone_host_id;
			zt_imap_add(&ob->hbpeer, k, NULL);
		}
	} else if (row->inbound) {
		ob->in++;
		if (row->dst_host_id) {
			k[1] = row->dst_host_id;
			zt_imap_add(&ob->local, k, NULL);
		}
	}
}

static void
set_merge(struct zt_imap *a, const struct zt_imap *b)
{
	int64_t	 i;

	for (i = 0; i < b->n; i++)
		zt_imap_add(a, zt_imap_key(b, i), NULL);
}

void
zt_observe_merge(struct zt_observe *a, const struct zt_observe *b)
{
	int64_t	 i;

	set_merge(&a->local, &b->local);
	set_merge(&a->wp_hosts, &b->wp_hosts);
	set_merge(&a->hbpeer, &b->hbpeer);
	for (i = 0; i < b->podix.n; i++)
		widen(a, zt_imap_key(&b->podix, i)[0], &b->span[i]);
	a->records += b->records;
	a->out += b->out;
	a->in += b->in;
}

int
zt_observe_visible(const struct zt_observe *ob, int64_t host, int64_t ts)
{
	int64_t	 k[2];
	int64_t	 i;

	for (i = 0; i < ob->podix.n; i++) {
		if (ts < ob->span[i].lo || ts > ob->span[i].hi)
			continue;
		k[0] = zt_imap_key(&ob->podix, i)[0];
		k[1] = host;
		if (zt_imap_find(&ob->local, k) >= 0)
			return 1;
	}
	return 0;
}

int
zt_observe_waypoint(const struct zt_observe *ob, int64_t host)
{
	return zt_imap_find(&ob->wp_hosts, &host) >= 0;
}

int64_t
zt_observe_remote(const struct zt_observe *ob)
{
	int64_t	 n = 0;
	int64_t	 h;

	for (h = 0; h < ob->hbpeer.n; h++)
		if (zt_imap_find(&ob->local, zt_imap_key(&ob->hbpeer, h)) < 0)
			n++;
	return n;
}

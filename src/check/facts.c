/*
 * facts.c -- see facts.h.
 */
#include <stdlib.h>
#include <string.h>

#include "check/facts.h"
#include "util/xalloc.h"

#define MAXBINS	60

void
zt_facts_init(struct zt_facts_acc *a)
{
	memset(a, 0, sizeof(*a));
	zt_imap_init(&a->peer, 1);
	zt_imap_init(&a->pod, 1);
	zt_imap_init(&a->outp, 2);
	zt_imap_init(&a->inp, 2);
	zt_imap_init(&a->sec, 1);
}

void
zt_facts_fini(struct zt_facts_acc *a)
{
	zt_imap_fini(&a->peer);
	zt_imap_fini(&a->pod);
	zt_imap_fini(&a->outp);
	zt_imap_fini(&a->inp);
	zt_imap_fini(&a->sec);
	free(a->pv);
	free(a->pa);
	free(a->on);
	free(a->in);
	free(a->sv);
	memset(a, 0, sizeof(*a));
}

/* The index of key k in m, its slot in *arr (of size bytes) zeroed when new. */
static int64_t
slot(struct zt_imap *m, const int64_t *k, void **arr, size_t size)
{
	int	 added;
	int64_t	 ix = zt_imap_add(m, k, &added);

	if (added) {
		zt_arr_room(arr, (size_t)ix, size);
		memset((char *)*arr + (size_t)ix * size, 0, size);
	}
	return ix;
}

static void
pod_add(struct zt_facts_acc *a, int64_t pod, const struct zt_facts_pod *d)
{
	int64_t			 ix = slot(&a->pod, &pod, (void **)&a->pa,
	    sizeof(*a->pa));
	struct zt_facts_pod	*p = &a->pa[ix];

	if (p->rec == 0 || d->lo < p->lo)
		p->lo = d->lo;
	if (p->rec == 0 || d->hi > p->hi)
		p->hi = d->hi;
	p->rec += d->rec;
	p->out += d->out;
	p->in += d->in;
	p->err += d->err;
}

void
zt_facts_row(struct zt_facts_acc *a, const struct zt_row *row,
    const struct zt_dims *dm)
{
	struct zt_facts_pod	 d;
	int64_t			 k[2];
	int64_t			 ix;
	int			 err = row->error_id != 0 || row->failed;

	memset(&d, 0, sizeof(d));
	d.rec = 1;
	d.out = row->outbound;
	d.in = row->inbound;
	d.err = err;
	d.lo = d.hi = row->ts_us;
	pod_add(a, row->pod_id, &d);
	if (row->outbound && !row->wp) {
		ix = slot(&a->peer, &row->src_peer, (void **)&a->pv,
		    sizeof(*a->pv));
		a->pv[ix][0]++;
		a->pv[ix][1] += row->hbone;
	}
	if (row->outbound && row->hbone && !row->wp) {
		k[0] = row->pod_id;
		k[1] = row->hbone_host_id;
		ix = slot(&a->outp, k, (void **)&a->on, sizeof(*a->on));
		a->on[ix]++;
	} else if (row->inbound && row->src_ip_id) {
		k[0] = row->pod_id;
		k[1] = zt_dims_hostkey(dm, row->src_ip_id);
		ix = slot(&a->inp, k, (void **)&a->in, sizeof(*a->in));
		a->in[ix]++;
	}
	if (row->ts_us >= 0) {
		k[0] = row->ts_us / 1000000;
		ix = slot(&a->sec, k, (void **)&a->sv, sizeof(*a->sv));
		a->sv[ix][0]++;
		a->sv[ix][1] += err;
	}
}

void
zt_facts_merge(struct zt_facts_acc *a, const struct zt_facts_acc *b)
{
	int64_t	 i;
	int64_t	 ix;

	for (i = 0; i < b->peer.n; i++) {
		ix = slot(&a->peer, zt_imap_key(&b->peer, i), (void **)&a->pv,
		    sizeof(*a->pv));
		a->pv[ix][0] += b->pv[i][0];
		a->pv[ix][1] += b->pv[i][1];
	}
	for (i = 0; i < b->pod.n; i++)
		pod_add(a, zt_imap_key(&b->pod, i)[0], &b->pa[i]);
	for (i = 0; i < b->outp.n; i++) {
		ix = slot(&a->outp, zt_imap_key(&b->outp, i), (void **)&a->on,
		    sizeof(*a->on));
		a->on[ix] += b->on[i];
	}
	for (i = 0; i < b->inp.n; i++) {
		ix = slot(&a->inp, zt_imap_key(&b->inp, i), (void **)&a->in,
		    sizeof(*a->in));
		a->in[ix] += b->in[i];
	}
	for (i = 0; i < b->sec.n; i++) {
		ix = slot(&a->sec, zt_imap_key(&b->sec, i), (void **)&a->sv,
		    sizeof(*a->sv));
		a->sv[ix][0] += b->sv[i][0];
		a->sv[ix][1] += b->sv[i][1];
	}
}

static char *
dup_str(struct zt_str s)
{
	return s.p != NULL ? zt_xstrndup(s.p, s.n) : zt_xstrdup("");
}

static int
ns_cmp(const void *x, const void *y)
{
	return strcmp(((const struct zt_facts_ns *)x)->name,
	    ((const struct zt_facts_ns *)y)->name);
}

static int
pod_cmp(const void *x, const void *y)
{
	return strcmp(((const struct zt_facts_podrow *)x)->pod,
	    ((const struct zt_facts_podrow *)y)->pod);
}

static int
pair_cmp(const void *x, const void *y)
{
	const struct zt_facts_pair *a = x;
	const struct zt_facts_pair *b = y;
	int	 c = strcmp(a->client, b->client);

	return c != 0 ? c : strcmp(a->server, b->server);
}

/* HBONE share per source namespace. */
static void
make_ns(const struct zt_facts_acc *a, const struct zt_dims *dm,
    struct zt_facts *out)
{
	struct zt_str	 f[4];
	int64_t		 i;
	size_t		 k;

	out->ns = zt_xcalloc((size_t)a->peer.n + 1, sizeof(*out->ns));
	for (i = 0; i < a->peer.n; i++) {
		f[1] = ZT_NOSTR;
		if (zt_imap_key(&a->peer, i)[0] > 0)
			zt_dims_peer(dm, zt_imap_key(&a->peer, i)[0], f);
		for (k = 0; k < out->nns; k++)
			if (strlen(out->ns[k].name) == (f[1].p ? f[1].n : 0) &&
			    (f[1].p == NULL || memcmp(out->ns[k].name, f[1].p,
			    f[1].n) == 0))
				break;
		if (k == out->nns)
			out->ns[out->nns++].name = dup_str(f[1]);
		out->ns[k].outbound += a->pv[i][0];
		out->ns[k].hbone += a->pv[i][1];
	}
	qsort(out->ns, out->nns, sizeof(*out->ns), ns_cmp);
}

static void
make_pods(const struct zt_facts_acc *a, const struct zt_dims *dm,
    struct zt_facts *out)
{
	struct zt_facts_podrow	*p;
	int64_t			 i;

	out->pods = zt_xcalloc((size_t)a->pod.n + 1, sizeof(*out->pods));
	for (i = 0; i < a->pod.n; i++) {
		p = &out->pods[out->npods++];
		p->pod = dup_str(zt_dims_str(dm, zt_imap_key(&a->pod, i)[0]));
		p->records = a->pa[i].rec;
		p->outbound = a->pa[i].out;
		p->inbound = a->pa[i].in;
		p->errors = a->pa[i].err;
		p->first_us = a->pa[i].lo;
		p->last_us = a->pa[i].hi;
	}
	qsort(out->pods, out->npods, sizeof(*out->pods), pod_cmp);
}

/* The pair (client, server) in out, added when new. */
static struct zt_facts_pair *
pair_of(struct zt_facts *out, struct zt_str cs, struct zt_str ss)
{
	char	*c = dup_str(cs);
	char	*s = dup_str(ss);
	size_t	 k;

	for (k = 0; k < out->npairs; k++)
		if (strcmp(out->pairs[k].client, c) == 0 &&
		    strcmp(out->pairs[k].server, s) == 0) {
			free(c);
			free(s);
			return &out->pairs[k];
		}
	out->pairs[out->npairs].client = c;
	out->pairs[out->npairs].server = s;
	return &out->pairs[out->npairs++];
}

/* The pod that logged host as a local address (first seen), or absent. */
static struct zt_str
pod_of(const struct zt_imap *hosts, const int64_t *pods,
    const struct zt_dims *dm, int64_t host)
{
	int64_t	 ix = host != 0 ? zt_imap_find(hosts, &host) : -1;

	return ix < 0 ? ZT_NOSTR : zt_dims_str(dm, pods[ix]);
}

static void
make_pairs(const struct zt_facts_acc *a, const struct zt_observe *ob,
    const struct zt_dims *dm, struct zt_facts *out)
{
	struct zt_imap	 hosts;
	int64_t		*pods = NULL;
	int64_t		 h;
	int64_t		 ix;
	int64_t		 i;
	int		 added;

	zt_imap_init(&hosts, 1);
	for (i = 0; i < ob->local.n; i++) {
		h = zt_imap_key(&ob->local, i)[1];
		ix = zt_imap_add(&hosts, &h, &added);
		if (added) {
			zt_arr_room((void **)&pods, (size_t)ix, sizeof(*pods));
			pods[ix] = zt_imap_key(&ob->local, i)[0];
		}
	}
	out->pairs = zt_xcalloc((size_t)(a->outp.n + a->inp.n) + 1,
	    sizeof(*out->pairs));
	for (i = 0; i < a->outp.n; i++)
		pair_of(out, zt_dims_str(dm, zt_imap_key(&a->outp, i)[0]),
		    pod_of(&hosts, pods, dm, zt_imap_key(&a->outp, i)[1]))->
		    outbound += a->on[i];
	for (i = 0; i < a->inp.n; i++)
		pair_of(out, pod_of(&hosts, pods, dm, zt_imap_key(&a->inp,
		    i)[1]), zt_dims_str(dm, zt_imap_key(&a->inp, i)[0]))->
		    inbound += a->in[i];
	zt_imap_fini(&hosts);
	free(pods);
	qsort(out->pairs, out->npairs, sizeof(*out->pairs), pair_cmp);
}

static void
make_bins(const struct zt_facts_acc *a, struct zt_facts *out)
{
	int64_t	 lo = 0;
	int64_t	 hi = 0;
	int64_t	 s;
	int64_t	 step;
	int64_t	 i;
	size_t	 b;

	if (a->sec.n == 0)
		return;
	for (i = 0; i < a->sec.n; i++) {
		s = zt_imap_key(&a->sec, i)[0];
		if (i == 0 || s < lo)
			lo = s;
		if (i == 0 || s > hi)
			hi = s;
	}
	step = (hi - lo + 1 + MAXBINS - 1) / MAXBINS;
	out->nbins = (size_t)((hi - lo) / step + 1);
	out->t0_us = lo * 1000000;
	out->step_us = step * 1000000;
	out->bin_records = zt_xcalloc(out->nbins, sizeof(int64_t));
	out->bin_errors = zt_xcalloc(out->nbins, sizeof(int64_t));
	for (i = 0; i < a->sec.n; i++) {
		b = (size_t)((zt_imap_key(&a->sec, i)[0] - lo) / step);
		out->bin_records[b] += a->sv[i][0];
		out->bin_errors[b] += a->sv[i][1];
	}
}

void
zt_facts_make(const struct zt_facts_acc *a, const struct zt_observe *ob,
    const struct zt_dims *dm, struct zt_facts *out)
{
	memset(out, 0, sizeof(*out));
	make_ns(a, dm, out);
	make_pods(a, dm, out);
	make_pairs(a, ob, dm, out);
	make_bins(a, out);
}

void
zt_facts_free(struct zt_facts *f)
{
	size_t	 i;

	for (i = 0; i < f->nns; i++)
		free(f->ns[i].name);
	for (i = 0; i < f->npods; i++)
		free(f->pods[i].pod);
	for (i = 0; i < f->npairs; i++) {
		free(f->pairs[i].client);
		free(f->pairs[i].server);
	}
	free(f->ns);
	free(f->pods);
	free(f->pairs);
	free(f->bin_records);
	free(f->bin_errors);
	memset(f, 0, sizeof(*f));
}

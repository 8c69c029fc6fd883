/*
 * checkpriv.h -- what the rule engine (check.c) and the checks themselves
 * (checks.c) share: the in-memory dimension tables, small integer maps,
 * and each rule's accumulator.  Not an API: only those two files include
 * it.
 */
#ifndef ZT_CHECKPRIV_H
#define ZT_CHECKPRIV_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "util/dict.h"
#include "util/xalloc.h"

/* ---- dimensions ------------------------------------------------------ */

struct sdim {
	char		*s;		/* owned */
	size_t		 n;
	char		*host;		/* owned, or s itself */
	size_t		 hn;
	int64_t		 port;		/* -1: none */
	int64_t		 hostkey;	/* C-side id of the host text */
};

struct pdim {
	char		*f[4];		/* workload, namespace, identity, cluster */
	size_t		 n[4];
	int64_t		 wlkey;		/* "namespace/workload" key, 0 none */
};

struct kdim {
	char		*f[3];		/* level, message, direction */
	size_t		 n[3];
	int		 out;
	int		 in;
	int		 failed;
	int		 complete;
};

struct dims {
	struct sdim	*str;
	size_t		 nstr;
	struct pdim	*peer;
	size_t		 npeer;
	struct kdim	*kind;
	size_t		 nkind;
	struct zt_dict	 hosts;
	struct zt_dict	 wls;
	int64_t		 nhosts;
	int64_t		 nwls;
	uint32_t	*wlpeer;	/* wl key -> a peer id of that key */
	size_t		 nwlpeer;
	/* Largest id loaded from each table (they load incrementally). */
	int64_t		 maxstr;
	int64_t		 maxpeer;
	int64_t		 maxkind;
};

static inline const struct sdim *
sget(const struct dims *dm, int64_t id)
{
	if (id < 1 || (size_t)id >= dm->nstr || dm->str[id].s == NULL)
		return NULL;
	return &dm->str[id];
}

static inline struct zt_str
sview(const char *s)
{
	struct zt_str	 v = ZT_NOSTR;

	if (s != NULL) {
		v.p = s;
		v.n = strlen(s);
	}
	return v;
}

/* A view of a dimension text whose length is known. */
static inline struct zt_str
nview(const char *s, size_t n)
{
	struct zt_str	 v = { s, n };

	return s != NULL ? v : ZT_NOSTR;
}

/* The workload name of wl key k, or NULL. */
static inline const char *
wlname(const struct dims *dm, int64_t k)
{
	uint32_t	 p;

	if (k < 1 || (size_t)k >= dm->nwlpeer)
		return NULL;
	p = dm->wlpeer[k];
	if (p < 1 || p >= dm->npeer || dm->peer[p].wlkey != k)
		return NULL;
	return dm->peer[p].f[0];
}

/* The text of str id, or absent. */
static inline struct zt_str
stext(const struct dims *dm, int64_t id)
{
	const struct sdim	*sd = sget(dm, id);

	return sd != NULL ? nview(sd->s, sd->n) : ZT_NOSTR;
}

/* ---- small growable sets and maps keyed by integers ------------------- */

struct imap {
	struct zt_dict	 d;
	int64_t		 n;
	int		 added;		/* the last imap_get added its key */
};

static inline void
imap_init(struct imap *m)
{
	/* As large as the dict's 32-bit offsets allow: never emptied. */
	zt_dict_init(&m->d, UINT32_MAX);
	m->n = 0;
}

/* Index (0-based) of key k, adding it if add; -1 if absent. */
static inline int64_t
imap_get(struct imap *m, const int64_t *k, size_t nk, int add)
{
	uint64_t	 h = zt_hash(k, nk * sizeof(*k));
	int64_t		 ix = zt_dict_get(&m->d, k, nk * sizeof(*k), h);

	m->added = 0;
	if (ix < 0 && add) {
		ix = m->n++;
		if (zt_dict_put(&m->d, k, nk * sizeof(*k), h, ix) != 0) {
			/* 4 GB of keys: imap_key() would be wrong. */
			fputs("ztlog: error: check: too many distinct keys "
			    "(over 4 GB in one table)\n", stderr);
			exit(2);
		}
		m->added = 1;
	}
	return ix;
}

/*
 * Key of index ix.  Keys go into the dict's arena in insertion order, all
 * nk integers long, so key ix sits at ix * nk integers (an imap's dict
 * never reaches its cap, so it is never emptied).
 */
static inline const int64_t *
imap_key(const struct imap *m, int64_t ix, size_t nk)
{
	return (const int64_t *)(const void *)(m->d.keys +
	    (size_t)ix * nk * sizeof(int64_t));
}

static inline void
imap_fini(struct imap *m)
{
	zt_dict_fini(&m->d);
}

/*
 * Source names by source key (a rec source_id, or ingest's count), and
 * where each source's lines start in the line references: a record's
 * reference is its source's base plus its line number, and bases only
 * grow, so references are unique and in input order.
 */
struct srcbase {
	int64_t		 base;
	int64_t		 key;
};

struct srcnames {
	char		**v;		/* owned; NULL holes */
	size_t		 n;
	struct srcbase	*base;		/* in order of base */
	size_t		 nbase;
};

static inline const char *
srcname(const struct srcnames *sn, int64_t k)
{
	return k >= 0 && (size_t)k < sn->n ? sn->v[k] : NULL;
}

/* The source key and line of line reference ref. */
static inline void
locate(const struct srcnames *sn, int64_t ref, int64_t *key, int64_t *line)
{
	size_t	 lo = 0;
	size_t	 hi = sn->nbase;
	size_t	 mid;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (sn->base[mid].base <= ref)
			lo = mid;
		else
			hi = mid;
	}
	*key = sn->nbase > 0 ? sn->base[lo].key : -1;
	*line = sn->nbase > 0 ? ref - sn->base[lo].base : 0;
}

/*
 * Examples: the first few records, and a count of the rest.  A record
 * is kept as its ids (88 bytes; the records themselves are not kept) and
 * rendered at the end, when the rule knows which ones to show.
 */
struct exitem {
	int64_t		 ts;
	int64_t		 sent;
	int64_t		 recv;
	int64_t		 line;
	int64_t		 src;		/* source key, see srcnames */
	uint32_t	 pod, kind, src_ip, src_peer, dst, hbone, service,
			 dst_peer, error;
	int32_t		 src_port;	/* -1: none */
	uint8_t		 has_sent, has_recv, wp;
};

struct exlist {
	struct exitem	*v;
	size_t		 n;
	int64_t		 more;
};

/* The same for a kept example (check.c); owned by the caller. */
char	*zt_render_ex(const struct dims *dm, const struct exitem *x);

static inline void
ex_add(struct exlist *e, const struct zt_row *row, int max)
{
	struct exitem	*x;

	if ((int)e->n >= max) {
		e->more++;
		return;
	}
	e->v = zt_xrealloc(e->v, (e->n + 1) * sizeof(*e->v));
	x = &e->v[e->n++];
	memset(x, 0, sizeof(*x));
	x->ts = row->ts_us;
	x->has_sent = row->s[ZT_COL_BYTES_SENT].p != NULL;
	x->sent = row->num[ZT_COL_BYTES_SENT];
	x->has_recv = row->s[ZT_COL_BYTES_RECV].p != NULL;
	x->recv = row->num[ZT_COL_BYTES_RECV];
	x->line = row->line;
	x->src = row->source_id;
	/* Dimension ids are dense counters far below 2^32. */
	x->pod = (uint32_t)row->pod_id;
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

/* Move b's examples after a's, up to max; b is left empty. */
static inline void
ex_merge(struct exlist *a, struct exlist *b, int max)
{
	size_t	 i;

	for (i = 0; i < b->n; i++) {
		if ((int)a->n < max) {
			a->v = zt_xrealloc(a->v, (a->n + 1) * sizeof(*a->v));
			a->v[a->n++] = b->v[i];
		} else
			a->more++;
	}
	a->more += b->more;
	free(b->v);
	memset(b, 0, sizeof(*b));
}

static inline void
ex_free(struct exlist *e)
{
	free(e->v);
	memset(e, 0, sizeof(*e));
}

/* ---- the accumulators --------------------------------------------------- */

struct group {			/* hbone: plaintext records to one destination */
	int64_t		 wl;
	int64_t		 svc;
	int64_t		 count;
	struct exlist	 ex;
};

/*
 * pairing: one HBONE record, 32 bytes.  Where it is in the input is a
 * line reference (see struct srcnames); byte counts of 2^32 and more are
 * kept whole in the rule's pbig table, under the same reference.
 */
struct pent {
	uint64_t	 tsf;	/* close time in us << 2 | PF_* */
	uint32_t	 cb;	/* client -> server bytes (low 32 bits) */
	uint32_t	 sb;	/* server -> client bytes (low 32 bits) */
	uint32_t	 src;	/* src.addr str id */
	uint32_t	 hb;	/* hbone str id */
	uint32_t	 wl;	/* dst workload key */
	uint32_t	 ref;	/* line reference */
};

#define PF_ERRORED	1u	/* may pair, never a violation */
#define PF_BIG		2u	/* cb or sb in pbig */
#define PT_MAX		((int64_t)1 << 61)	/* close times below this */

struct pbig {
	uint32_t	 ref;
	int64_t		 cb;
	int64_t		 sb;
};

/*
 * Pairing entries are bucketed by a hash of their key as they are fed:
 * twins share a key, so they share a bucket, and finishing sorts and
 * matches one small bucket at a time (no sort of the whole set, no
 * second copy of it).  A bucket is a list of full chunks plus one chunk
 * being filled; merging a source's entries joins the lists and tops up
 * the chunk being filled, so at most one chunk a bucket is ever partly
 * empty, however many sources.
 */
#define PBITS		10
#define PCHUNK		32

struct pchunk {
	struct pchunk	*next;
	size_t		 n;
	struct pent	 e[PCHUNK];
};

struct ptab {
	struct pchunk	**full;		/* 1 << PBITS lists; NULL until used */
	struct pchunk	**part;		/* the chunk being filled, or NULL */
	size_t		*n;		/* entries per bucket */
	size_t		 total;
};

struct span {
	int64_t		 lo;
	int64_t		 hi;
};

struct acc {
	const struct zt_rule	*r;
	struct zt_result	*res;
	int			 err;		/* rule failed at run time */
	char			 emsg[200];
	int64_t			 checked;
	/* hbone */
	struct imap		 mesh_wl;	/* workloads seen with HBONE */
	struct imap		 mesh_svc;	/* services reached over HBONE */
	struct imap		 hb_in_wl;	/* workloads receiving HBONE */
	struct imap		 gix;		/* (wl, svc) -> group */
	struct group		*g;
	struct imap		 pin;		/* dst wl -> inbound plaintext */
	struct group		*gin;
	int64_t			 required;	/* `require` violations */
	struct exlist		 reqex;
	/* pairing */
	struct ptab		 po;		/* outbound HBONE */
	struct ptab		 pi;		/* inbound HBONE */
	struct pbig		*big;		/* by ref */
	size_t			 nbig;
	int64_t			 wp_named;	/* inbound from a waypoint by name */
	int64_t			 past_limit;	/* not held: see zt_feed_pairing */
	int64_t			 via_wp;
	pcre2_match_data	*md;
	/* balance */
	struct imap		 bix;		/* (svc, endpoint) -> count ix */
	int64_t			*bcount;
	int64_t			*bsvc;
	int64_t			*bep;		/* endpoint: wl key or -host key */
	char			**bname;
	/* errors */
	struct imap		 eix;		/* error id -> ix */
	int64_t			*ecount;
	int64_t			*eid;
	struct imap		 fix;		/* (src, dst) -> ix */
	int64_t			*fcount;
	struct exlist		*fex;		/* first record of the flow */
};

/* Shared by all rules: who logged what, for pairing's observability. */
struct observe {
	struct imap	 local;		/* (pod, host) seen as local address */
	struct imap	 podix;		/* pod -> ix into span */
	struct span	*span;
	int64_t		*podid;
	struct imap	 wp_hosts;	/* hosts of waypoints (outbound wp dst) */
	struct imap	 hbpeer;	/* (pod, peer host) of outbound HBONE */
	int64_t		 records;
	int64_t		 out;
	int64_t		 in;
	int64_t		 out_hbone_remote;	/* outbound HBONE, peer not local */
};

/* Make room for element n of an array grown by doubling from 16. */
static inline void
grow(void **p, size_t n, size_t size)
{
	if (n == 0)
		*p = zt_xrealloc(*p, 16 * size);
	else if (n >= 16 && (n & (n - 1)) == 0)
		*p = zt_xrealloc(*p, n * 2 * size);
}

/* The checks (checks.c), fed one row at a time, then finished. */
void	zt_feed_hbone(struct acc *a, const struct zt_row *row, int max);
void	zt_feed_pairing(struct acc *a, const struct zt_row *row);
void	zt_feed_balance(struct acc *a, const struct zt_row *row);
void	zt_feed_errors(struct acc *a, const struct zt_row *row);
void	zt_ptab_free(struct ptab *t);
/* Fold b (one source's accumulator) into a; b is emptied. */
void	zt_merge_acc(struct acc *a, struct acc *b, int max);
void	zt_finish_hbone(struct acc *a, const struct dims *dm,
	    const struct srcnames *sn, int max);
void	zt_finish_pairing(struct acc *a, const struct observe *ob,
	    const struct dims *dm, const struct srcnames *sn, int max,
	    struct zt_checkrun *run, int keep);
void	zt_finish_balance(struct acc *a, const struct dims *dm);
void	zt_finish_errors(struct acc *a, const struct dims *dm,
	    const struct srcnames *sn, int max);
void	zt_run_sql(const struct zt_rule *r, struct zt_result *res,
	    sqlite3 *db, int max);

#endif

/*
 * checkpriv.h -- what the rule engine (check.c) and the checks themselves
 * (checks.c) share: the in-memory dimension tables, small integer maps,
 * and each rule's accumulator.  Not an API: only those two files include
 * it.
 */
#ifndef ZT_CHECKPRIV_H
#define ZT_CHECKPRIV_H

#include <stdint.h>
#include <string.h>

#include "check.h"
#include "dict.h"
#include "xalloc.h"

/* ---- dimensions ------------------------------------------------------ */

struct sdim {
	char		*s;		/* owned */
	size_t		 n;
	char		*host;		/* owned */
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
	zt_dict_init(&m->d, 1u << 30);
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
		zt_dict_put(&m->d, k, nk * sizeof(*k), h, ix);
		m->added = 1;
	}
	return ix;
}

static inline void
imap_fini(struct imap *m)
{
	zt_dict_fini(&m->d);
}

/* Record ids kept as examples: the first few, and a count of the rest. */
struct exlist {
	int64_t		*id;
	size_t		 n;
	int64_t		 more;
};

static inline void
ex_add(struct exlist *e, int64_t id, int max)
{
	if ((int)e->n >= max) {
		e->more++;
		return;
	}
	e->id = zt_xrealloc(e->id, (e->n + 1) * sizeof(*e->id));
	e->id[e->n++] = id;
}

/* ---- the accumulators --------------------------------------------------- */

struct group {			/* hbone: plaintext records to one destination */
	int64_t		 wl;
	int64_t		 svc;
	int64_t		 count;
	struct exlist	 ex;
};

struct pent {			/* pairing: one HBONE record, 48 bytes */
	int64_t		 ts;
	int64_t		 cb;	/* client -> server bytes */
	int64_t		 sb;	/* server -> client bytes */
	uint32_t	 id;	/* record id */
	uint32_t	 src;	/* src host key */
	uint32_t	 hb;	/* hbone str id */
	uint32_t	 wl;	/* dst workload key */
	uint32_t	 peer;	/* host key of the other side */
	uint8_t		 wp_src;	/* inbound from a waypoint (by name) */
	uint8_t		 errored;	/* may pair, never a violation */
	uint8_t		 matched;
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
	struct pent		*po;
	size_t			 npo;
	struct pent		*pi;
	size_t			 npi;
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
	int64_t			*fex;		/* first record id of the flow */
	struct exlist		 ex;
};

/* Shared by all rules: who logged what, for pairing's observability. */
struct observe {
	struct imap	 local;		/* (pod, host) seen as local address */
	struct imap	 podix;		/* pod -> ix into span */
	struct span	*span;
	int64_t		*podid;
	struct imap	 wp_hosts;	/* hosts of waypoints (outbound wp dst) */
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
void	zt_feed_pairing(struct acc *a, const struct zt_row *row,
	    const struct dims *dm);
void	zt_feed_balance(struct acc *a, const struct zt_row *row);
void	zt_feed_errors(struct acc *a, const struct zt_row *row, int max);
void	zt_finish_hbone(struct acc *a, sqlite3 *db, int max);
void	zt_finish_pairing(struct acc *a, const struct observe *ob,
	    sqlite3 *db, int max, struct zt_checkrun *run, int keep);
void	zt_finish_balance(struct acc *a, const struct dims *dm);
void	zt_finish_errors(struct acc *a, const struct dims *dm, sqlite3 *db,
	    int max);
void	zt_run_sql(const struct zt_rule *r, struct zt_result *res,
	    sqlite3 *db, int max);

#endif

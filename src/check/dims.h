/*
 * dims.h -- the names of a run as the checks see them: the texts of the
 * ids in records, read from the run's names (store/names.h) without a
 * copy, and the keys the checks group by that the names alone do not
 * give.
 *
 * names -> [dims] -> row, the checks
 *
 * A host key stands for a host text (an address without its port): it
 * is the id of the first str name with that host.  A workload key stands
 * for a (namespace, workload) pair: the id of the first peer with it.
 * Keys, and the split of an address into host and port, are derived for
 * the ids synced so far (zt_dims_sync): about 26 bytes a text, 18 a
 * workload tuple.
 *
 * Ownership: dims borrow the names, which must outlive them; they own
 * their keys (zt_dims_fini).  Texts are views into the names.
 */
#ifndef ZT_DIMS_H
#define ZT_DIMS_H

#include <stdint.h>

#include "store/names.h"
#include "util/str.h"

/* What a kind (level, message, direction) says. */
#define ZT_KIND_OUT		0x01	/* direction outbound */
#define ZT_KIND_IN		0x02	/* direction inbound */
#define ZT_KIND_FAILED		0x04	/* message "connection failed" */
#define ZT_KIND_COMPLETE	0x08	/* message "connection complete" */

/* A set of representative ids, by the hash of what they stand for. */
struct zt_keyset {
	uint64_t	*slot;		/* hash << 32 | id; 0 free */
	size_t		 mask;
	size_t		 n;
};

/* What a text is as an address. */
struct zt_dstr {
	uint32_t	 hostkey;	/* 0: no text */
	uint32_t	 hostlen;	/* the host (from byte 1 for "[v6]:port") */
	int32_t		 port;		/* -1: none */
};

/* A kind's texts (views into its name) and what they say. */
struct zt_dkind {
	struct zt_str	 f[3];
	unsigned	 flags;		/* ZT_KIND_* */
};

struct zt_dims {
	const struct zt_nameset *names;
	struct zt_dstr	*str;		/* by str id */
	uint32_t	*wlkey;		/* peer id -> workload key */
	struct zt_dkind	*kind;		/* by kind id */
	size_t		 cap[3];	/* allocated: str, peer, kind */
	int64_t		 synced[3];	/* largest id synced: str, peer, kind */
	struct zt_keyset hosts;
	struct zt_keyset wls;
};

void	zt_dims_init(struct zt_dims *dm, const struct zt_nameset *names);
void	zt_dims_fini(struct zt_dims *dm);
/*
 * Derive the keys of the ids up to these (str, peer, kind), which the
 * names must hold (ids handed to this thread).
 */
void	zt_dims_sync(struct zt_dims *dm, int64_t str, int64_t peer,
	    int64_t kind);
/* Forget the ids above mark (str, peer, kind): the names dropped them. */
void	zt_dims_truncate(struct zt_dims *dm, const int64_t mark[3]);

/* The text of str id, or absent. */
static inline struct zt_str
zt_dims_str(const struct zt_dims *dm, int64_t id)
{
	return zt_names_get(&dm->names->str, id);
}

/* The host part and the port (-1: none) of str id. */
static inline void
zt_dims_addr(const struct zt_dims *dm, int64_t id, struct zt_str *host,
    int64_t *port)
{
	struct zt_str		 a = zt_dims_str(dm, id);
	const struct zt_dstr	*d;

	if (id < 1 || id > dm->synced[0] || a.p == NULL) {
		zt_names_split_addr(a, host, port);
		return;
	}
	d = &dm->str[id];
	host->p = a.p + (d->port >= 0 && a.n > 0 && a.p[0] == '[');
	host->n = d->hostlen;
	*port = d->port;
}

/* The host key of str id, 0 for none. */
static inline int64_t
zt_dims_hostkey(const struct zt_dims *dm, int64_t id)
{
	return id > 0 && id <= dm->synced[0] ? dm->str[id].hostkey : 0;
}
/* The host text of host key k, or absent. */
struct zt_str zt_dims_host(const struct zt_dims *dm, int64_t k);
/* The four texts of peer id (workload, namespace, identity, cluster). */
static inline void
zt_dims_peer(const struct zt_dims *dm, int64_t id, struct zt_str f[4])
{
	(void)zt_names_tuple(zt_names_get(&dm->names->peer, id), f, 4);
}
/* The workload key of peer id, 0 for none (no workload). */
static inline int64_t
zt_dims_wlkey(const struct zt_dims *dm, int64_t id)
{
	return id > 0 && id <= dm->synced[1] ? dm->wlkey[id] : 0;
}
/* The workload name of workload key k, or absent. */
struct zt_str zt_dims_wlname(const struct zt_dims *dm, int64_t k);
/* The three texts of kind id (level, message, direction), and its flags. */
unsigned zt_dims_kind(const struct zt_dims *dm, int64_t id,
	    struct zt_str f[3]);

#endif

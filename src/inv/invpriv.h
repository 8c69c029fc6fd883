/*
 * invpriv.h -- what the inventory's files share: the inventory itself,
 * its string arena and indexes, drafts and how they are put in.
 *
 * Readers (json.c, table.c) fill drafts, records made with inv_wl_new()
 * or inv_svc_new() whose strings live in the inventory's arena, and hand
 * them to inv_put_*(), which either appends the draft or merges it into
 * the record it matches (model.c).  load.c reads one file into a fresh
 * inventory and merges that into the caller's with zt_inv_merge(), so a
 * bad file changes nothing.
 */
#ifndef ZT_INVPRIV_H
#define ZT_INVPRIV_H

#include <stddef.h>
#include <stdint.h>

#include "inv/inv.h"

struct inv_blk;

/* Hash multimap slot: hash and record index + 1 (0: empty slot). */
struct inv_slot {
	uint64_t	 h;
	size_t		 v;
};

struct inv_idx {
	struct inv_slot	*s;
	size_t		 mask;		/* slots - 1, power of two; 0: none */
	size_t		 n;
};

/* A file's content, by hash and length, and the source it became. */
struct inv_seen {
	uint64_t	 h;
	size_t		 n;
	size_t		 src;
};

struct inv_iter {
	const struct inv_idx *x;
	uint64_t	 h;
	size_t		 pos;
	size_t		 seen;
};

/* A workload record and the bookkeeping the public struct hides. */
struct inv_wl {
	struct zt_inv_workload pub;	/* first: the public pointer */
	size_t		 idx;		/* position in zt_inv.wl */
	size_t		 last_src;	/* newest source counted */
};

struct inv_svc {
	struct zt_inv_service pub;
	size_t		 idx;		/* position in zt_inv.svc */
	size_t		 last_src;
};

struct zt_inv {
	struct inv_blk	*arena;		/* every string */
	struct inv_wl	**wl;
	size_t		 nwl;
	size_t		 wlcap;
	struct inv_svc	**svc;
	size_t		 nsvc;
	size_t		 svccap;
	struct zt_inv_source *src;
	size_t		 nsrc;
	size_t		 srccap;
	struct zt_inv_conflict *cf;
	size_t		 ncf;
	size_t		 cfcap;
	struct inv_idx	 by_uid;	/* kept current by inv_put_* */
	struct inv_idx	 by_wname;	/* workload ns + name */
	struct inv_idx	 by_shost;	/* service ns + hostname */
	struct inv_idx	 by_sname;	/* service ns + name */
	struct inv_idx	 by_ip;		/* rebuilt by inv_refresh */
	struct inv_idx	 by_vip;
	struct inv_idx	 by_host;	/* service hostname, any ns */
	int		 stale;		/* the rebuilt ones are out of date */
	struct inv_seen	*seen;		/* content read, to skip repeats */
	size_t		 nseen;
	size_t		 seencap;
	size_t		 max_bytes;
	unsigned	 max_depth;
};

/* Strings copied into the arena; NULL stays NULL. */
const char	*inv_strn(struct zt_inv *inv, const char *s, size_t n);
const char	*inv_str(struct zt_inv *inv, const char *s);

/* Hash multimap; hashes of one string and of a pair. */
uint64_t	 inv_hash1(const char *a);
uint64_t	 inv_hash2(const char *a, const char *b);
uint64_t	 inv_hash2n(const char *a, size_t an, const char *b, size_t bn);
void		 inv_idx_add(struct inv_idx *x, uint64_t h, size_t i);
void		 inv_idx_free(struct inv_idx *x);
void		 inv_iter_init(struct inv_iter *it, const struct inv_idx *x,
		    uint64_t h);
/* Next candidate index with hash h (1), or 0 at the end. */
int		 inv_iter_next(struct inv_iter *it, size_t *i);

/* p with room for n + 1 elements of size bytes (*cap updated). */
void		*inv_grow(void *p, size_t *cap, size_t n, size_t size);
/* 1 if s is in the list l[0..n). */
int		 inv_has(const char *const *l, size_t n, const char *s);
/* The name of source i, "?" if none. */
const char	*inv_source_name(const struct zt_inv *inv, size_t i);

/* A new source; returns its index. */
size_t		 inv_add_source(struct zt_inv *inv, const char *name,
		    enum zt_inv_format f);

/* Drafts: everything unknown, source ZT_INV_NOSOURCE. */
struct zt_inv_workload *inv_wl_new(void);
struct zt_inv_service *inv_svc_new(void);
void		 inv_wl_free(struct zt_inv_workload *w);
void		 inv_svc_free(struct zt_inv_service *s);
/* Append a VIP (arena strings; net NULL: unknown) to a service. */
void		 inv_add_vip(struct zt_inv_service *d, const char *ip,
		    const char *net);
/* Append s (arena string) to a list unless present. */
void		 inv_list_add(const char ***list, size_t *n, const char *s);
/* Put a draft in (takes it); returns the record it became part of. */
struct zt_inv_workload *inv_put_workload(struct zt_inv *inv,
		    struct zt_inv_workload *w);
struct zt_inv_service *inv_put_service(struct zt_inv *inv,
		    struct zt_inv_service *s);
/*
 * Record a conflict: field of the what record keyed key (arena strings
 * or literals) kept kept (from kept_src) rather than other.
 */
void		 inv_conflict(struct zt_inv *inv, const char *what,
		    const char *key, const char *field, const char *kept,
		    size_t kept_src, const char *other, size_t other_src);
/* Rebuild the address and host indexes and resolve names, if stale. */
void		 inv_refresh(struct zt_inv *inv);

/*
 * Canonical text of the address p[0..n) (inet_pton/inet_ntop), into out.
 * Returns 0, or -1 when it is not an IPv4 or IPv6 address.
 */
#define INV_IPLEN	48
int		 inv_ip_canon(const char *p, size_t n, char out[INV_IPLEN]);

/* Readers: parse a whole buffer into inv (fresh, with source src). */
int		 inv_read_json(struct zt_inv *inv, size_t src, const char *p,
		    size_t n, struct zt_err *err);
int		 inv_read_tables(struct zt_inv *inv, size_t src, const char *p,
		    size_t n, struct zt_err *err);
/*
 * Does the text p[0..n) start like a table inventory: after blank lines
 * and "------ X ------" banners, a header istioctl prints?  1 yes, 0 no;
 * *why says what was seen instead (static text), *line where (0: none).
 */
int		 inv_sniff_tables(const char *p, size_t n, const char **why,
		    unsigned long *line);

#endif

/*
 * examples.h -- records kept as examples: the first few of a group, and a
 * count of the rest.
 *
 * the checks -> [examples] -> results
 *
 * A record is kept as its ids (80 bytes; the records themselves are not
 * kept) and rendered when a result is made, once the check knows which
 * ones to show.  The ids stay valid as long as the run's names do.
 *
 * Ownership: a list owns its items (zt_exlist_free).
 */
#ifndef ZT_EXAMPLES_H
#define ZT_EXAMPLES_H

#include <stddef.h>
#include <stdint.h>

#include "check/dims.h"
#include "check/row.h"

struct zt_exitem {
	int64_t		 ts;
	int64_t		 sent;
	int64_t		 recv;
	int64_t		 line;
	int64_t		 src;		/* source key, see refs.h */
	uint32_t	 kind, src_ip, src_peer, dst, hbone, service,
			 dst_peer, error;
	int32_t		 src_port;	/* -1: none */
	uint8_t		 has_sent, has_recv, wp;
};

struct zt_exlist {
	struct zt_exitem *v;
	size_t		 n;
	size_t		 cap;		/* room in v */
	int64_t		 more;		/* records not kept */
};

/* Keep row if fewer than max are kept, else count it. */
void	zt_exlist_add(struct zt_exlist *e, const struct zt_row *row, int max);
/* Move b's examples after a's, up to max; b is left empty. */
void	zt_exlist_merge(struct zt_exlist *a, struct zt_exlist *b, int max);
void	zt_exlist_free(struct zt_exlist *e);
/* The line about kept record x (zt_row_describe); owned by the caller. */
char	*zt_exitem_render(const struct zt_dims *dm, const struct zt_exitem *x);

#endif

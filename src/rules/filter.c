/*
 * filter.c -- see filter.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/filter.h"

#define MATCH_LIMIT	1000000
#define DEPTH_LIMIT	10000

const char *const zt_col_names[ZT_COL_COUNT] = {
	"pod", "level", "message", "direction",
	"src_addr", "src_ip", "src_port", "src_workload",
	"src_namespace", "src_identity", "src_cluster",
	"dst_addr", "dst_ip", "dst_port", "dst_hbone_addr",
	"dst_hbone_host", "dst_hbone_port", "dst_service",
	"dst_workload", "dst_namespace", "dst_identity",
	"dst_cluster", "bytes_sent", "bytes_recv",
	"duration_ms", "error", "hbone", "via_waypoint",
};

int
zt_col_lookup(const char *name)
{
	int	 i;

	for (i = 0; i < ZT_COL_COUNT; i++)
		if (strcmp(name, zt_col_names[i]) == 0)
			return i;
	return -1;
}

pcre2_code *
zt_re_compile(const char *pattern, size_t n, size_t *erroff, char *msg,
    size_t msgsize)
{
	pcre2_code	*re;
	PCRE2_SIZE	 off;
	int		 ec;

	re = pcre2_compile((PCRE2_SPTR)pattern, n, PCRE2_UTF, &ec, &off, NULL);
	if (re == NULL) {
		pcre2_get_error_message(ec, (PCRE2_UCHAR *)msg, msgsize);
		*erroff = (size_t)off;
		return NULL;
	}
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

int
zt_re_match(const pcre2_code *re, pcre2_match_data *md, struct zt_str subject,
    char *msg, size_t msgsize)
{
	static pcre2_match_context	*mc;
	char				 emsg[128];
	int				 rc;

	if (mc == NULL) {
		mc = pcre2_match_context_create(NULL);
		if (mc == NULL) {
			snprintf(msg, msgsize, "out of memory");
			return -1;
		}
		pcre2_set_match_limit(mc, MATCH_LIMIT);
		pcre2_set_depth_limit(mc, DEPTH_LIMIT);
	}
	rc = pcre2_match(re, (PCRE2_SPTR)(subject.p != NULL ? subject.p : ""),
	    subject.n, 0, 0, md, mc);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	pcre2_get_error_message(rc, (PCRE2_UCHAR *)emsg, sizeof(emsg));
	snprintf(msg, msgsize, "regular expression failed: %s", emsg);
	return -1;
}

static int
is_numeric(enum zt_col c)
{
	switch (c) {
	case ZT_COL_SRC_PORT: case ZT_COL_DST_PORT: case ZT_COL_DST_HBONE_PORT:
	case ZT_COL_BYTES_SENT: case ZT_COL_BYTES_RECV: case ZT_COL_DURATION_MS:
	case ZT_COL_HBONE: case ZT_COL_VIA_WAYPOINT:
		return 1;
	default:
		return 0;
	}
}

int
zt_filter_eval(const struct zt_filter *f, const struct zt_row *row, char *msg,
    size_t msgsize)
{
	const struct zt_cond	*c;
	struct zt_str		 v;
	char			 nbuf[24];
	size_t			 i;
	size_t			 k;
	int			 r;
	int			 hit;

	for (i = 0; i < f->n; i++) {
		c = &f->c[i];
		v = row->s[c->col];
		if (is_numeric(c->col) && v.p != NULL) {
			snprintf(nbuf, sizeof(nbuf), "%" PRId64, row->num[c->col]);
			v.p = nbuf;
			v.n = strlen(nbuf);
		}
		switch (c->op) {
		case ZT_COND_EQ:
		case ZT_COND_IN:
			hit = 0;
			for (k = 0; k < c->nvals && !hit; k++)
				hit = v.p != NULL && strlen(c->vals[k]) == v.n &&
				    memcmp(c->vals[k], v.p, v.n) == 0;
			if (!hit)
				return 0;
			break;
		case ZT_COND_MATCH:
		case ZT_COND_NOT_MATCH:
			if (v.p == NULL) {
				if (c->op == ZT_COND_MATCH)
					return 0;
				break;
			}
			r = zt_re_match(c->re, f->md, v, msg, msgsize);
			if (r == -1)
				return -1;
			if (r != (c->op == ZT_COND_MATCH))
				return 0;
			break;
		}
	}
	return 1;
}

void
zt_filter_free(struct zt_filter *f)
{
	size_t	 i;
	size_t	 k;

	for (i = 0; i < f->n; i++) {
		for (k = 0; k < f->c[i].nvals; k++)
			free(f->c[i].vals[k]);
		free(f->c[i].vals);
		pcre2_code_free(f->c[i].re);
	}
	free(f->c);
	pcre2_match_data_free(f->md);
	memset(f, 0, sizeof(*f));
}

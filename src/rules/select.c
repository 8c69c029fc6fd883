/*
 * select.c -- see select.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/rec_time.h"
#include "rules/filter.h"
#include "rules/select.h"
#include "util/text.h"
#include "util/xalloc.h"

int
zt_select_active(const struct zt_select *s)
{
	return s != NULL && (s->has_since || s->has_until || s->nt[0] > 0 ||
	    s->nt[1] > 0);
}

int
zt_select_has(const struct zt_select *s, enum zt_sel_kind k)
{
	size_t	 g, i;

	for (g = 0; s != NULL && g < 2; g++)
		for (i = 0; i < s->nt[g]; i++)
			if (s->t[g][i].kind == k)
				return 1;
	return 0;
}

int
zt_select_add(struct zt_select *s, enum zt_sel_kind k, const char *val,
    int neg, char *msg, size_t msgsize)
{
	struct zt_sel_term	 t;
	const char		*sl;
	size_t			 off;
	char			 m[160];
	int			 g = neg != 0;

	memset(&t, 0, sizeof(t));
	t.kind = k;
	if (*val == '\0') {
		snprintf(msg, msgsize, "empty value");
		return -1;
	}
	if (k == ZT_SEL_SERVICE && (t.re = zt_re_compile(val, strlen(val),
	    &off, m, sizeof(m))) == NULL) {
		snprintf(msg, msgsize, "bad regular expression at offset %zu: "
		    "%s", off, m);
		return -1;
	}
	if (k == ZT_SEL_WORKLOAD && (sl = strchr(val, '/')) != NULL) {
		if (sl == val || sl[1] == '\0' || strchr(sl + 1, '/') != NULL) {
			snprintf(msg, msgsize, "'%s' is not WORKLOAD or "
			    "NAMESPACE/WORKLOAD", val);
			return -1;
		}
		t.slash = (size_t)(sl - val) + 1;
	}
	t.val = zt_xstrdup(val);
	s->t[g] = zt_xrealloc(s->t[g], (s->nt[g] + 1) * sizeof(*s->t[g]));
	s->t[g][s->nt[g]++] = t;
	if (t.re != NULL && s->md == NULL)
		s->md = pcre2_match_data_create(4, NULL);
	return 0;
}

int
zt_select_time(const char *arg, int64_t now_us, int64_t *us)
{
	int64_t	 ns;
	int64_t	 ms;
	int	 off;
	int	 z;
	size_t	 n = strlen(arg);

	if (n >= 20 && zt_rfc3339(arg, arg + n, &ns, &off, &z) == n) {
		*us = ns / 1000;
		return 0;
	}
	if (zt_parse_duration(arg, &ms) == 0) {
		*us = now_us - ms * 1000;
		return 0;
	}
	return -1;
}

static int
eq(struct zt_str v, const char *p, size_t n)
{
	return v.p != NULL && v.n == n && memcmp(v.p, p, n) == 0;
}

/* A workload term against one end of the record. */
static int
workload_at(const struct zt_sel_term *t, struct zt_str ns, struct zt_str wl)
{
	size_t	 n = strlen(t->val);

	if (t->slash == 0)
		return eq(wl, t->val, n);
	return eq(ns, t->val, t->slash - 1) &&
	    eq(wl, t->val + t->slash, n - t->slash);
}

/* Does one term match the record?  -1: a regex error (msg set). */
static int
term(const struct zt_select *s, const struct zt_sel_term *t,
    const struct zt_str *c, struct zt_rebudget *b, char *msg, size_t msgsize)
{
	char	 m[160];
	int	 r;

	switch (t->kind) {
	case ZT_SEL_NAMESPACE:
		return eq(c[ZT_COL_SRC_NAMESPACE], t->val, strlen(t->val)) ||
		    eq(c[ZT_COL_DST_NAMESPACE], t->val, strlen(t->val));
	case ZT_SEL_WORKLOAD:
		return workload_at(t, c[ZT_COL_SRC_NAMESPACE],
		    c[ZT_COL_SRC_WORKLOAD]) || workload_at(t,
		    c[ZT_COL_DST_NAMESPACE], c[ZT_COL_DST_WORKLOAD]);
	case ZT_SEL_SERVICE:
		if (c[ZT_COL_DST_SERVICE].p == NULL)
			return 0;
		r = zt_re_match(t->re, s->md, c[ZT_COL_DST_SERVICE], b, m,
		    sizeof(m));
		if (r == -1)
			snprintf(msg, msgsize, "--service: %s (on service %.*s)",
			    m, (int)(c[ZT_COL_DST_SERVICE].n > 200 ? 200 :
			    c[ZT_COL_DST_SERVICE].n), c[ZT_COL_DST_SERVICE].p);
		return r;
	case ZT_SEL_NKINDS:
		break;
	}
	return 0;
}

/*
 * Does group g match: for each kind it names, one of its terms of that
 * kind (OR), and every kind (AND)?  An empty group matches.
 */
static int
group(const struct zt_select *s, int g, const struct zt_str *c,
    struct zt_rebudget *b, char *msg, size_t msgsize)
{
	int	 named[ZT_SEL_NKINDS] = { 0 };
	int	 hit[ZT_SEL_NKINDS] = { 0 };
	size_t	 i;
	int	 k;
	int	 r;

	for (i = 0; i < s->nt[g]; i++) {
		k = (int)s->t[g][i].kind;
		named[k] = 1;
		if (hit[k])
			continue;
		if ((r = term(s, &s->t[g][i], c, b, msg, msgsize)) == -1)
			return -1;
		hit[k] = r;
	}
	for (k = 0; k < ZT_SEL_NKINDS; k++)
		if (named[k] && !hit[k])
			return 0;
	return 1;
}

int
zt_select_eval(const struct zt_select *s, int64_t ts_us,
    const struct zt_str *cols, struct zt_rebudget *b, char *msg,
    size_t msgsize)
{
	int	 r;

	if (s == NULL)
		return 1;
	if ((s->has_since || s->has_until) && ts_us < 0)
		return 0;
	if ((s->has_since && ts_us < s->since_us) ||
	    (s->has_until && ts_us >= s->until_us))
		return 0;
	if (s->nt[0] > 0 && (r = group(s, 0, cols, b, msg, msgsize)) != 1)
		return r;
	if (s->nt[1] > 0) {
		if ((r = group(s, 1, cols, b, msg, msgsize)) == -1)
			return -1;
		return !r;
	}
	return 1;
}

static void
add_text(struct zt_buf *b, const char *opt, const char *val)
{
	if (b->n > 0)
		zt_buf_addc(b, ' ');
	zt_buf_add(b, opt, strlen(opt));
	if (val == NULL)
		return;
	zt_buf_addc(b, ' ');
	zt_buf_add(b, val, strlen(val));
}

void
zt_select_text(const struct zt_select *s, struct zt_buf *b)
{
	static const char *const opt[ZT_SEL_NKINDS] = { "-n", "--workload",
	    "--service" };
	char	 ts[28];
	size_t	 g, i;
	int	 k;

	if (s->has_since) {
		zt_format_ts(s->since_us, ts);
		add_text(b, "--since", ts);
	}
	if (s->has_until) {
		zt_format_ts(s->until_us, ts);
		add_text(b, "--until", ts);
	}
	for (g = 0; g < 2; g++)
		for (k = 0; k < ZT_SEL_NKINDS; k++)
			for (i = 0; i < s->nt[g]; i++)
				if (s->t[g][i].kind == (enum zt_sel_kind)k) {
					if (g == 1)
						add_text(b, "--not", NULL);
					add_text(b, opt[k], s->t[g][i].val);
				}
}

void
zt_select_free(struct zt_select *s)
{
	size_t	 g, i;

	for (g = 0; g < 2; g++) {
		for (i = 0; i < s->nt[g]; i++) {
			free(s->t[g][i].val);
			pcre2_code_free(s->t[g][i].re);
		}
		free(s->t[g]);
	}
	pcre2_match_data_free(s->md);
	memset(s, 0, sizeof(*s));
}

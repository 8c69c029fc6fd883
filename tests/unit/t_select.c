/*
 * t_select.c -- the run's record selection (rules/select.c) and the text
 * fitting of util/wrap.c.
 *
 * Test plan: t_select-1.* the combination rules (same filter OR,
 * different filters AND, --not groups), -2.* workload forms, -3.* time
 * bounds and their parsing, -4.* a pattern over its limit, -5.* columns,
 * cuts and wrapping of terminal text, -6.* a selection as text (what
 * ingest keeps with a source).
 */
#include <stdlib.h>
#include <string.h>

#include "rules/filter.h"
#include "rules/select.h"
#include "util/wrap.h"
#include "tt.h"

/* A record: source ns/workload -> destination ns/workload, service. */
static int
keeps(const struct zt_select *s, int64_t ts, const char *sn, const char *sw,
    const char *dn, const char *dw, const char *svc)
{
	struct zt_str	 c[ZT_COL_COUNT];
	char		 msg[256];
	int		 i;

	for (i = 0; i < ZT_COL_COUNT; i++)
		c[i] = ZT_NOSTR;
	if (sn != NULL)
		c[ZT_COL_SRC_NAMESPACE] = (struct zt_str){ sn, strlen(sn) };
	if (sw != NULL)
		c[ZT_COL_SRC_WORKLOAD] = (struct zt_str){ sw, strlen(sw) };
	if (dn != NULL)
		c[ZT_COL_DST_NAMESPACE] = (struct zt_str){ dn, strlen(dn) };
	if (dw != NULL)
		c[ZT_COL_DST_WORKLOAD] = (struct zt_str){ dw, strlen(dw) };
	if (svc != NULL)
		c[ZT_COL_DST_SERVICE] = (struct zt_str){ svc, strlen(svc) };
	return zt_select_eval(s, ts, c, NULL, msg, sizeof(msg));
}

static void
add(struct zt_select *s, enum zt_sel_kind k, const char *v, int neg)
{
	char	 msg[256];

	TT_EQ_INT(zt_select_add(s, k, v, neg, msg, sizeof(msg)), 0);
}

/* t_select-1 */
static void
combine(void)
{
	struct zt_select	 s;

	memset(&s, 0, sizeof(s));
	TT_CHECK(!zt_select_active(&s));
	TT_EQ_INT(keeps(&s, 1, "a", "x", "b", "y", "s1"), 1);
	TT_EQ_INT(keeps(NULL, 1, NULL, NULL, NULL, NULL, NULL), 1);
	add(&s, ZT_SEL_NAMESPACE, "a", 0);
	TT_CHECK(zt_select_active(&s));
	TT_EQ_INT(keeps(&s, 1, "a", "x", "b", "y", "s1"), 1);	/* source */
	TT_EQ_INT(keeps(&s, 1, "c", "x", "a", "y", "s1"), 1);	/* dest. */
	TT_EQ_INT(keeps(&s, 1, "c", "x", "b", "y", "s1"), 0);
	TT_EQ_INT(keeps(&s, 1, NULL, NULL, NULL, NULL, NULL), 0);
	add(&s, ZT_SEL_NAMESPACE, "c", 0);			/* OR */
	TT_EQ_INT(keeps(&s, 1, "c", "x", "b", "y", "s1"), 1);
	add(&s, ZT_SEL_SERVICE, "^s1$", 0);			/* AND */
	TT_EQ_INT(keeps(&s, 1, "c", "x", "b", "y", "s1"), 1);
	TT_EQ_INT(keeps(&s, 1, "c", "x", "b", "y", "s2"), 0);
	TT_EQ_INT(keeps(&s, 1, "c", "x", "b", "y", NULL), 0);
	TT_CHECK(zt_select_has(&s, ZT_SEL_SERVICE));
	TT_CHECK(!zt_select_has(&s, ZT_SEL_WORKLOAD));
	zt_select_free(&s);

	/* --not -n a --not -n b: neither; --not -n a --not --service x. */
	add(&s, ZT_SEL_NAMESPACE, "a", 1);
	add(&s, ZT_SEL_NAMESPACE, "b", 1);
	TT_EQ_INT(keeps(&s, 1, "a", "x", "c", "y", "s"), 0);
	TT_EQ_INT(keeps(&s, 1, "c", "x", "b", "y", "s"), 0);
	TT_EQ_INT(keeps(&s, 1, "c", "x", "c", "y", "s"), 1);
	TT_EQ_INT(keeps(&s, 1, NULL, NULL, NULL, NULL, NULL), 1);
	zt_select_free(&s);
	add(&s, ZT_SEL_NAMESPACE, "a", 1);
	add(&s, ZT_SEL_SERVICE, "x", 1);
	TT_EQ_INT(keeps(&s, 1, "a", "w", "a", "w", "x1"), 0);
	TT_EQ_INT(keeps(&s, 1, "a", "w", "a", "w", "y1"), 1);
	TT_EQ_INT(keeps(&s, 1, "b", "w", "b", "w", "x1"), 1);
	/* kept and negated together */
	add(&s, ZT_SEL_WORKLOAD, "w", 0);
	TT_EQ_INT(keeps(&s, 1, "b", "w", "b", "v", "x1"), 1);
	TT_EQ_INT(keeps(&s, 1, "b", "u", "b", "v", "x1"), 0);
	zt_select_free(&s);
}

/* t_select-2 */
static void
workloads(void)
{
	struct zt_select	 s;
	char			 msg[256];

	memset(&s, 0, sizeof(s));
	add(&s, ZT_SEL_WORKLOAD, "b/y", 0);
	TT_EQ_INT(keeps(&s, 1, "a", "x", "b", "y", NULL), 1);
	TT_EQ_INT(keeps(&s, 1, "b", "y", "a", "x", NULL), 1);
	TT_EQ_INT(keeps(&s, 1, "a", "y", "a", "x", NULL), 0);
	TT_EQ_INT(keeps(&s, 1, "bb", "y", NULL, NULL, NULL), 0);
	TT_EQ_INT(keeps(&s, 1, "b", "yy", NULL, NULL, NULL), 0);
	TT_EQ_INT(zt_select_add(&s, ZT_SEL_WORKLOAD, "a/b/c", 0, msg,
	    sizeof(msg)), -1);
	TT_EQ_INT(zt_select_add(&s, ZT_SEL_WORKLOAD, "/x", 0, msg,
	    sizeof(msg)), -1);
	TT_EQ_INT(zt_select_add(&s, ZT_SEL_WORKLOAD, "x/", 0, msg,
	    sizeof(msg)), -1);
	TT_EQ_INT(zt_select_add(&s, ZT_SEL_NAMESPACE, "", 0, msg,
	    sizeof(msg)), -1);
	TT_EQ_INT(zt_select_add(&s, ZT_SEL_SERVICE, "(", 0, msg,
	    sizeof(msg)), -1);
	TT_CHECK(strstr(msg, "offset") != NULL);
	zt_select_free(&s);
}

/* t_select-3 */
static void
times(void)
{
	struct zt_select	 s;
	int64_t			 us = 0;
	const int64_t		 t0 = 1732017600000000LL; /* 2024-11-19T12:00Z */

	TT_EQ_INT(zt_select_time("2024-11-19T12:00:00Z", 0, &us), 0);
	TT_CHECK(us == t0);
	TT_EQ_INT(zt_select_time("2024-11-19T13:00:00.5+01:00", 0, &us), 0);
	TT_CHECK(us == t0 + 500000);
	TT_EQ_INT(zt_select_time("10m", t0, &us), 0);
	TT_CHECK(us == t0 - 600000000LL);
	TT_EQ_INT(zt_select_time("1.5s", t0, &us), 0);
	TT_CHECK(us == t0 - 1500000LL);
	TT_EQ_INT(zt_select_time("2024-11-19", 0, &us), -1);
	TT_EQ_INT(zt_select_time("2024-11-19T12:00:00", 0, &us), -1);
	TT_EQ_INT(zt_select_time("2024-11-19T12:00:00Zjunk", 0, &us), -1);
	TT_EQ_INT(zt_select_time("yesterday", 0, &us), -1);
	TT_EQ_INT(zt_select_time("10", 0, &us), -1);
	TT_EQ_INT(zt_select_time("", 0, &us), -1);

	memset(&s, 0, sizeof(s));
	s.has_since = 1;
	s.since_us = t0;
	TT_CHECK(zt_select_active(&s));
	TT_EQ_INT(keeps(&s, t0, NULL, NULL, NULL, NULL, NULL), 1);
	TT_EQ_INT(keeps(&s, t0 - 1, NULL, NULL, NULL, NULL, NULL), 0);
	TT_EQ_INT(keeps(&s, -1, NULL, NULL, NULL, NULL, NULL), 0);
	s.has_until = 1;
	s.until_us = t0 + 10;
	TT_EQ_INT(keeps(&s, t0 + 9, NULL, NULL, NULL, NULL, NULL), 1);
	TT_EQ_INT(keeps(&s, t0 + 10, NULL, NULL, NULL, NULL, NULL), 0);
	zt_select_free(&s);
}

/* t_select-4 */
static void
limits(void)
{
	struct zt_select	 s;
	char			 w[64];
	char			 msg[256];
	struct zt_str		 c[ZT_COL_COUNT];
	int			 i;

	memset(&s, 0, sizeof(s));
	add(&s, ZT_SEL_SERVICE, "^(a+)+$", 0);
	memset(w, 'a', 40);
	w[40] = 'b';
	w[41] = '\0';
	for (i = 0; i < ZT_COL_COUNT; i++)
		c[i] = ZT_NOSTR;
	c[ZT_COL_DST_SERVICE] = (struct zt_str){ w, strlen(w) };
	TT_EQ_INT(zt_select_eval(&s, 1, c, NULL, msg, sizeof(msg)), -1);
	TT_CHECK(strstr(msg, "--service: ") == msg);
	TT_CHECK(strstr(msg, w) != NULL);
	zt_select_free(&s);
}

static char *
wrapped(const char *s, size_t width)
{
	char	*p = NULL;
	size_t	 n = 0;
	FILE	*f = open_memstream(&p, &n);

	zt_wrap_fput(f, s, strlen(s), width);
	fclose(f);
	return p;
}

/* t_select-5 */
static void
text(void)
{
	char	*p;
	FILE	*f;
	size_t	 n;

	TT_EQ_INT(zt_wrap_cols("caf\xc3\xa9", 5), 4);
	TT_EQ_INT(zt_wrap_cols("\033[31mFAIL\033[0m", 13), 4);
	TT_EQ_INT(zt_wrap_cut("caf\xc3\xa9!", 6, 4), 5);
	TT_EQ_INT(zt_wrap_cut("caf\xc3\xa9!", 6, 3), 3);
	TT_EQ_INT(zt_wrap_cut("\033[1mab", 6, 1), 5);
	p = wrapped("one two three four", 9);
	TT_EQ_STR(p, "one two\n    three\n    four");
	free(p);
	p = wrapped("FAIL   x  alpha beta gamma delta", 24);
	TT_EQ_STR(p, "FAIL   x  alpha beta\n          gamma delta");
	free(p);
	p = wrapped("abcdefghijklmnopqrstuvwxyz", 10);	/* a word cut */
	TT_EQ_STR(p, "abcdefghij\n    klmnop\n    qrstuv\n    wxyz");
	free(p);
	p = wrapped("short\nlines stay\n", 20);
	TT_EQ_STR(p, "short\nlines stay\n");
	free(p);
	p = wrapped("no limit at all here", 0);
	TT_EQ_STR(p, "no limit at all here");
	free(p);
	p = NULL;
	f = open_memstream(&p, &n);
	zt_wrap_cell(f, "reviews-v1", 10, 6, 1);
	zt_wrap_cell(f, "|", 1, 0, 1);
	zt_wrap_cell(f, "ab", 2, 4, 1);
	zt_wrap_cell(f, "|", 1, 1, 0);
	fclose(f);
	TT_EQ_STR(p, "revie\xe2\x80\xa6" "ab  |");
	free(p);
}

/* t_select-6: kinds in a fixed order, terms as given, times resolved */
static void
as_text(void)
{
	struct zt_select	 s;
	struct zt_buf		 b = { NULL, 0, 0 };

	memset(&s, 0, sizeof(s));
	zt_select_text(&s, &b);
	TT_EQ_INT((long long)b.n, 0);
	add(&s, ZT_SEL_SERVICE, "^s1\\.", 0);
	add(&s, ZT_SEL_NAMESPACE, "b", 1);
	add(&s, ZT_SEL_NAMESPACE, "a", 0);
	add(&s, ZT_SEL_WORKLOAD, "c/w", 0);
	add(&s, ZT_SEL_NAMESPACE, "z", 0);
	TT_EQ_INT(zt_select_time("10m", 1732017600000000, &s.since_us), 0);
	s.has_since = 1;
	zt_select_text(&s, &b);
	zt_buf_addc(&b, '\0');
	TT_EQ_STR(b.p, "--since 2024-11-19T11:50:00.000000Z -n a -n z "
	    "--workload c/w --service ^s1\\. --not -n b");
	zt_buf_free(&b);
	zt_select_free(&s);
}

int
main(void)
{
	combine();
	workloads();
	times();
	limits();
	text();
	as_text();
	return tt_finish("t_select");
}

/*
 * select.h -- the run's choice of records: --since, --until, -n
 * (--namespace), --workload, --service and --not, as hubble combines
 * them.
 *
 * cli -> [select] -> the engine (check.h), query's records view
 *
 * The records a selection keeps are the records the commands see, as if
 * the others were not in the input:
 *   - the log time (ts) is at or after --since and before --until; a
 *     record without a time (a header-less one) is dropped when either
 *     is given;
 *   - the filters given without --not: the same filter repeated is an
 *     OR, different filters are an AND (-n a -n b --service x: namespace
 *     a or b, and service x);
 *   - the filters given after --not are grouped the same way and that
 *     group drops what it matches (--not -n a --not -n b: neither a nor
 *     b).
 * -n NS matches the source or the destination namespace; --workload W
 * the source or destination workload, W or NS/W; --service PCRE the
 * destination service (PCRE2, unanchored, as lb always did).
 *
 * Ownership: a selection owns its terms (zt_select_free).
 */
#ifndef ZT_SELECT_H
#define ZT_SELECT_H

#include <stddef.h>
#include <stdint.h>

#include <pcre2.h>

#include "rules/re.h"
#include "util/str.h"
#include "util/text.h"

enum zt_sel_kind {
	ZT_SEL_NAMESPACE,
	ZT_SEL_WORKLOAD,
	ZT_SEL_SERVICE,
	ZT_SEL_NKINDS
};

struct zt_sel_term {
	enum zt_sel_kind kind;
	char		*val;		/* owned */
	size_t		 slash;		/* workload: offset of '/' + 1, or 0 */
	pcre2_code	*re;		/* service; owned */
};

struct zt_select {
	int64_t		 since_us;	/* with has_since */
	int64_t		 until_us;	/* with has_until */
	int		 has_since;
	int		 has_until;
	struct zt_sel_term *t[2];	/* [0] kept, [1] after --not; owned */
	size_t		 nt[2];
	pcre2_match_data *md;		/* owned */
};

/* Does s choose anything (a NULL s does not)? */
int	zt_select_active(const struct zt_select *s);
/* Does s hold a term of kind k (negated or not)? */
int	zt_select_has(const struct zt_select *s, enum zt_sel_kind k);
/*
 * Add a filter; neg: it followed --not.  Returns 0, or -1 with msg set
 * (a bad pattern, an empty value).
 */
int	zt_select_add(struct zt_select *s, enum zt_sel_kind k, const char *val,
	    int neg, char *msg, size_t msgsize);
/*
 * A time for --since or --until: RFC 3339 ("2024-11-19T12:00:00Z", a
 * fraction and an offset allowed) or a duration before now_us ("10m",
 * "1h30m" is not: one number and unit, as zt_parse_duration).  Returns 0
 * or -1.
 */
int	zt_select_time(const char *arg, int64_t now_us, int64_t *us);
/*
 * Does a record pass s?  ts_us < 0: no time.  Its columns by zt_col
 * (filter.h): src and dst namespace, workload, and dst_service are read.
 * Returns 1 or 0, or -1 on a regex error (msg names the service).
 */
int	zt_select_eval(const struct zt_select *s, int64_t ts_us,
	    const struct zt_str *cols, struct zt_rebudget *b, char *msg,
	    size_t msgsize);
/*
 * What s keeps, as the command line would say it, into b (appended, no
 * NUL): "--since T --until T -n a --workload w --service p --not -n b",
 * times in RFC 3339 (a relative --since resolved), each kind's terms in
 * the order given, kinds in that order.  Nothing for an inactive s.
 * Two selections that print the same text keep the same records.
 */
void	zt_select_text(const struct zt_select *s, struct zt_buf *b);
void	zt_select_free(struct zt_select *s);

#endif

/*
 * fuzz_check.c -- libFuzzer target for the rule engine, differential.
 *
 * The input's lines are parsed, interned and stored with their records
 * (as `ztlog ingest` does) and at the same time fed to a zt_checker (as
 * `ztlog check` does without -d).  A line "#src" ends the current source
 * and starts another (the checker renders a snapshot there, which must
 * change nothing); "#abort" rolls the current source back, in the
 * store and in the checker, and starts another.  Then the built-in rules
 * run again over the stored table (zt_check_run, as `check -d` does).
 * The two JSON reports must be byte for byte equal: abort() otherwise,
 * printing both.  Seeds: tests/fuzz/seeds/fuzz_check, plus the check
 * fixtures, passed by scripts/check.sh.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "parse/record.h"
#include "report/report.h"
#include "check/rules.h"
#include "store/store.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct zt_ruleset	 rules;
static int			 loaded;

struct run {
	struct zt_store		*st;
	struct zt_checker	*c;
	struct zt_source_stats	 ss;
	int			 nsrc;
	int			 open;
};

static void
begin(struct run *r)
{
	struct zt_err	 err;
	char		 name[32];

	snprintf(name, sizeof(name), "s%d", ++r->nsrc);
	if (zt_store_begin(r->st, name, &err) != 0)
		abort();
	zt_checker_begin(r->c, name);
	memset(&r->ss, 0, sizeof(r->ss));
	/* A distinct content hash per source: no duplicates here. */
	snprintf(r->ss.sha256, sizeof(r->ss.sha256), "%064d", r->nsrc);
	r->open = 1;
}

static void
end(struct run *r, int keep)
{
	struct zt_err	 err;
	char		*dup = NULL;

	if (!r->open)
		return;
	if (keep) {
		if (zt_store_end(r->st, &r->ss, &dup, &err) != 0)
			abort();
	} else
		zt_store_abort(r->st);
	zt_checker_end(r->c, keep);
	r->open = 0;
}

static void
line(struct run *r, struct zt_parser *ps, struct zt_str l)
{
	struct zt_rec		 rec;
	struct zt_recids	 ids;
	struct zt_buf		 fresh = { NULL, 0, 0 };
	struct zt_err		 err;
	enum zt_class		 cls;

	r->ss.lines++;
	cls = zt_parse_line(ps, l, &rec);
	if (cls == ZT_CLASS_OTHER)
		r->ss.other++;
	else if (cls == ZT_CLASS_MALFORMED)
		r->ss.malformed++;
	if (cls != ZT_CLASS_RECORD)
		return;
	r->ss.records++;
	/* The name cap is the only way these fail; then skip the line. */
	if (zt_store_intern(r->st, &rec, &ids, &fresh, &err) == 0 &&
	    zt_store_fresh(r->st, fresh.p, fresh.n, &err) == 0) {
		if (zt_store_insert(r->st, r->ss.lines, &ids, rec.extra,
		    rec.prefix, &err) != 0)
			abort();
		zt_checker_feed(r->c, (int64_t)r->ss.lines, &ids);
	}
	zt_buf_free(&fresh);
}

static char *
report(const struct zt_checkrun *run, size_t *n)
{
	struct zt_report	 r;
	char			*p = NULL;
	FILE			*f = open_memstream(&p, n);

	if (f == NULL)
		abort();
	memset(&r, 0, sizeof(r));
	r.run = run;
	r.status = zt_report_status(run, 0);
	zt_report_write(f, &r, "json");
	fclose(f);
	return p;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zt_checkopts	 o = { .examples = 3, .keep_pairs = 0, .stored = 0 };
	struct zt_checkrun	 a, b;
	struct zt_parser	 ps;
	struct zt_err		 err;
	struct zt_str		 l;
	struct run		 r;
	const char		*p = (const char *)data;
	const char		*e = p + size;
	const char		*nl;
	char			*ra, *rb;
	size_t			 na, nb;

	if (!loaded) {
		if (zt_rules_load(&rules, "builtin", zt_default_rules,
		    zt_default_rules_len, &err) != 0)
			abort();
		loaded = 1;
	}
	memset(&r, 0, sizeof(r));
	if (zt_store_open(&r.st, NULL, ZT_STORE_MEMORY, &err) != 0)
		abort();
	r.c = zt_checker_new(&rules, &o, zt_store_names(r.st));
	zt_parser_init(&ps);
	begin(&r);
	while (p < e) {
		nl = memchr(p, '\n', (size_t)(e - p));
		l.p = p;
		l.n = (size_t)((nl != NULL ? nl : e) - p);
		if (l.n == 4 && memcmp(l.p, "#src", 4) == 0) {
			end(&r, 1);
			if (zt_checker_snapshot(r.c, zt_store_db(r.st), &a,
			    &err) != 0)
				abort();
			zt_check_free(&a);
			begin(&r);
		} else if (l.n == 6 && memcmp(l.p, "#abort", 6) == 0) {
			end(&r, 0);
			begin(&r);
		} else
			line(&r, &ps, l);
		p = nl != NULL ? nl + 1 : e;
	}
	end(&r, 1);
	zt_parser_fini(&ps);
	if (zt_checker_finish(r.c, zt_store_db(r.st), &a, &err) != 0 ||
	    zt_check_run(zt_store_db(r.st), &rules, &o, &b, &err) != 0)
		abort();
	ra = report(&a, &na);
	rb = report(&b, &nb);
	if (na != nb || memcmp(ra, rb, na) != 0) {
		fprintf(stderr, "streamed:\n%s\nstored:\n%s\n", ra, rb);
		abort();
	}
	free(ra);
	free(rb);
	zt_check_free(&a);
	zt_check_free(&b);
	zt_store_close(r.st);
	return 0;
}

/*
 * check.h -- the rules run over the records: every record is fed to
 * every rule's check, and each rule renders a result.
 *
 * store -> [check] -> report        (zt_check_run: a scan of rec)
 * ingest -> [check] -> report       (zt_checker: records as they are read)
 *
 * Records arrive as interned ids; their texts are read from the run's
 * names (store/names.h), the one copy there is, so a million records
 * cost one pass and no string joins.  Fed from ingest, the records need
 * not be stored at all: each source's contribution is staged and merged
 * into the run when the source is committed, or dropped when it is
 * rolled back (a duplicate).  A result can be rendered at any moment
 * without changing what the rules hold (zt_checker_snapshot), as often
 * as wanted.  The check types and what each keeps: check/type.h.
 *
 * Ownership: a zt_checkrun owns its results; zt_check_free() releases
 * them.  Results point at the rules, which must outlive them.
 */
#ifndef ZT_CHECK_H
#define ZT_CHECK_H

#include <stdint.h>

#include <sqlite3.h>

#include "check/rule.h"
#include "util/diag.h"
#include "store/store.h"

enum zt_status {
	ZT_ST_PASS,
	ZT_ST_FAIL,
	ZT_ST_WARN,
	ZT_ST_INFO,
	ZT_ST_SKIP,
	ZT_ST_ERROR	/* the rule itself could not run */
};

extern const char *const zt_status_names[];

struct zt_count {
	const char	*name;		/* static */
	int64_t		 v;
};

struct zt_example {
	char		*source;	/* source name; owned */
	int64_t		 line;		/* 0 when not about one line */
	char		*text;		/* what to look at; owned */
};

/* One endpoint of a service, for balance and `ztlog lb`. */
struct zt_lbep {
	char		*name;		/* workload, else address; owned */
	int64_t		 n;
	double		 expected;	/* the model's expected count */
	double		 exp_share;	/* the model's expected share (0..1):
					   capacity, presence, locality */
};

struct zt_lbsvc {
	char		*service;	/* owned */
	struct zt_lbep	*ep;		/* sorted by name; owned */
	size_t		 nep;
	int64_t		 total;
	double		 chi2;
	double		 df;
	double		 p;		/* the test's own p-value */
	double		 p_adj;		/* Holm-adjusted over the run */
	double		 alpha;		/* significant: p_adj below */
	double		 ratio;		/* largest obs/exp or exp/obs */
	double		 points;	/* largest share difference */
	const char	*skip;		/* reason it was not judged, or NULL */
	char		 skipbuf[96];
	int		 fail;		/* significant (fail or warn) */
	int		 small;		/* significant but not material: warn */
	int		 per_client;	/* uneven overall, even per client */
	int		 bound;		/* failed by max_ratio alone */
};

/* A pairing verdict about one record, for `ztlog pairs`. */
struct zt_pairrow {
	int64_t		 out_id;	/* 0 if none */
	int64_t		 in_id;		/* 0 if none */
	int64_t		 dt_us;		/* inbound minus outbound close time */
	int		 verifiable;	/* unmatched: the other side was observable */
};

/* pairing: the clock offset of one pair of ztunnels, as estimated. */
struct zt_clockoff {
	char		*out;		/* the outbound side's pod (or host) */
	char		*in;		/* the inbound side's; owned */
	int64_t		 off_us;	/* inbound minus outbound clock */
	int64_t		 n;		/* unambiguous connections measured */
};

struct zt_result {
	const struct zt_rule	*rule;
	enum zt_status		 status;
	char			 summary[256];
	const char		*hint;		/* what to look at next; static */
	struct zt_count		 counts[8];
	int			 ncounts;
	struct zt_example	*ex;
	size_t			 nex;
	int64_t			 more;		/* examples not kept */
	struct zt_lbsvc		*svc;		/* balance */
	size_t			 nsvc;
	struct zt_clockoff	*clk;		/* pairing; owned */
	size_t			 nclk;
};

/* What the graphical reports draw (facts.h), of the records kept. */
struct zt_facts_ns {
	char		*name;		/* source namespace, "" none; owned */
	int64_t		 outbound;
	int64_t		 hbone;		/* of them through HBONE */
};

struct zt_facts_podrow {
	char		*pod;		/* the ztunnel pod, "" none; owned */
	int64_t		 records, outbound, inbound, errors;
	int64_t		 first_us, last_us;
};

struct zt_facts_pair {
	char		*client;	/* ztunnel pods; "" not in the input */
	char		*server;
	int64_t		 outbound;	/* HBONE records the client logged */
	int64_t		 inbound;	/* those the server logged */
};

struct zt_facts {
	struct zt_facts_ns	*ns;	/* by name */
	size_t			 nns;
	struct zt_facts_podrow	*pods;	/* by name */
	size_t			 npods;
	struct zt_facts_pair	*pairs;	/* by client, server */
	size_t			 npairs;
	int64_t			 t0_us;	/* the first bin's start */
	int64_t			 step_us;	/* a bin's length */
	size_t			 nbins;	/* at most 60 */
	int64_t			*bin_records;	/* owned */
	int64_t			*bin_errors;	/* owned */
};

void	zt_facts_free(struct zt_facts *f);

struct zt_checkrun {
	struct zt_result	*res;
	size_t			 nres;
	char			**warnings;	/* coverage warnings; owned */
	size_t			 nwarn;
	int64_t			 sources;	/* input accounting */
	int64_t			 lines;
	int64_t			 records;
	int64_t			 other;
	int64_t			 malformed;
	struct zt_pairrow	*pairs;		/* with keep_pairs */
	size_t			 npairs;
	int			 filtered;	/* a selection was given */
	int64_t			 selected;	/* records it kept */
	char			 select_err[256]; /* it failed, or "" */
	struct zt_facts		 facts;
	/*
	 * check --window (window_us > 0): the rules judged the records of
	 * log time from win_from_us to win_to_us (the newest), win_records
	 * of them (records without a time are never in a window).
	 */
	int64_t			 window_us;
	int64_t			 win_from_us;
	int64_t			 win_to_us;
	int64_t			 win_records;
};

struct zt_inv;
struct zt_select;

struct zt_checkopts {
	int		 examples;	/* per rule */
	int		 keep_pairs;	/* fill run->pairs */
	int		 stored;	/* the database given to snapshots holds
					   the records fed: sql rules run */
	int64_t		 sql_ms;	/* sql rules: time per rule, 0: none */
	int64_t		 sql_bytes;	/* sql rules: memory growth, 0: none */
	int64_t		 window_us;	/* --window: judge only the records
					   this close to the newest (log
					   time); 0: all */
	struct zt_inv	*inv;		/* the workload inventory, or NULL;
					   it may still grow while records
					   are fed (bug-report config
					   dumps): see zt_check_ctx */
	int		 facts;		/* gather run->facts (html report) */
	int		 threads;	/* ZTLOG_THREADS: at most this many
					   threads sort pairing's entries;
					   0: one a processor */
	const struct zt_select *select;	/* the records the rules see
					   (--since, -n, ...), or NULL:
					   the others are skipped before
					   anything looks at them */
};

/*
 * Run every rule of rs over the database.  Returns 0, or -1 with err set
 * on a database error.  A rule that fails at run time (a regular
 * expression over its limits, SQL that errors) gets ZT_ST_ERROR.
 */
int	zt_check_run(sqlite3 *db, const struct zt_ruleset *rs,
	    const struct zt_checkopts *o, struct zt_checkrun *run,
	    struct zt_err *err);
void	zt_check_free(struct zt_checkrun *run);

/*
 * The same rules fed record by record, for ingest:
 *   c = zt_checker_new(rs, o, zt_store_names(st));
 *   per source: zt_checker_begin(c, name); zt_checker_feed(...)...;
 *               zt_checker_end(c, committed);
 *   zt_checker_snapshot(c, db, run, err), any number of times;
 *   zt_checker_finish(c, db, run, err)   (snapshot, then free)
 * names are the store's, read by id as records arrive (feed runs on the
 * thread ingest hands records to); the store may truncate them when a
 * source is rolled back, but not reload them (a store of a database
 * file, which reloads its names at each source, cannot feed a checker).  A snapshot renders the committed
 * sources only (but while the first source is still read, what it
 * has read so far: check --follow on a stream), reads the sources and pods tables of db (the store's
 * connection) for the accounting and coverage warnings, and leaves the
 * checker as it was.  sql rules cannot run on fed records unless
 * o->stored says db holds them; they get ZT_ST_ERROR, so callers choose
 * zt_check_run for them.
 */
struct zt_checker;
struct zt_nameset;

struct zt_checker *zt_checker_new(const struct zt_ruleset *rs,
	    const struct zt_checkopts *o, const struct zt_nameset *names);
void	zt_checker_begin(struct zt_checker *c, const char *name);
void	zt_checker_feed(struct zt_checker *c, int64_t line,
	    const struct zt_recids *ids);
void	zt_checker_end(struct zt_checker *c, int committed);
int	zt_checker_snapshot(struct zt_checker *c, sqlite3 *db,
	    struct zt_checkrun *run, struct zt_err *err);
int	zt_checker_finish(struct zt_checker *c, sqlite3 *db,
	    struct zt_checkrun *run, struct zt_err *err);
void	zt_checker_free(struct zt_checker *c);

/*
 * Records of db described one by one, for `ztlog pairs`: the query is
 * prepared once, in zt_check_describer (NULL with err set on a database
 * error), and run for each record.  zt_check_describe puts record id's
 * line ("ts direction src (addr) -> dst ...", as examples show records)
 * into *text and its source name into *source, both owned by the caller,
 * and its line number into *line; -1 when there is no such record.
 */
struct zt_describer;

struct zt_describer *zt_check_describer(sqlite3 *db, struct zt_err *err);
int	zt_check_describe(struct zt_describer *d, int64_t id, char **source,
	    int64_t *line, char **text);
void	zt_check_describer_free(struct zt_describer *d);

/* The name of rule r's type ("hbone", ...). */
const char *zt_check_type_name(const struct zt_rule *r);
/* Does rule r read the stored records (an sql rule) instead of being fed? */
int	zt_check_needs_records(const struct zt_rule *r);
struct zt_buf;
/*
 * Rule r as ClickHouse SQL over the records table of `ztlog export`
 * (check/chsql.h), appended to b: 0, or -1 with why in msg when it has
 * none (its type has no SQL form, or a where: filter).
 */
int	zt_check_clickhouse(const struct zt_rule *r, struct zt_buf *b,
	    char *msg, size_t msgsize);

/* Upper tail of the chi-square distribution: P(X >= x), df degrees. */
double	zt_chi2_q(double x, double df);

#endif

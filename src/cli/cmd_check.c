/*
 * cmd_check.c -- the commands that run rules: check, lb, pairs; and
 * their renderers (the reports themselves are report.c's).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "cli/cli.h"
#include "rules/filter.h"
#include "util/diag.h"
#include "util/wrap.h"
#include "util/xalloc.h"

/* What check, lb and pairs hand their renderers. */
struct check_res {
	const struct zt_checkrun *run;
	int		 status;
};

struct lb_res {
	const struct zt_result *view;	/* the services shown, or NULL */
	int		 nomatch;	/* --service matched none */
	int		 status;
};

struct pairs_res {
	sqlite3		*db;
	const struct zt_checkrun *run;
	int		 status;
};

static int
max2(int a, int b)
{
	return a > b ? a : b;
}

static const char *
hostname(void)
{
	static char	 name[HOST_NAME_MAX + 1];

	if (name[0] == '\0' && gethostname(name, sizeof(name) - 1) == -1)
		name[0] = '\0';
	return name[0] != '\0' ? name : "localhost";
}

/*
 * Text for a terminal: made into memory first when f has a width (and
 * then wrapped to it at word boundaries), else written straight to f.
 */
struct fit {
	FILE		*f;		/* where to write now */
	FILE		*out;		/* the real output */
	char		*p;
	size_t		 n;
	size_t		 width;
};

static void
fit_begin(struct fit *ft, FILE *f)
{
	memset(ft, 0, sizeof(*ft));
	ft->f = ft->out = f;
	ft->width = zt_cli_width(f);
	if (ft->width > 0 && (ft->f = open_memstream(&ft->p, &ft->n)) == NULL)
		ft->f = f;
}

static void
fit_end(struct fit *ft)
{
	if (ft->f == ft->out)
		return;
	fclose(ft->f);
	zt_wrap_fput(ft->out, ft->p, ft->n, ft->width);
	free(ft->p);
}

void
zt_cli_render_check(FILE *f, const char *fmt, const void *res,
    const struct zt_report_errs *e, const struct zt_cli_opts *o)
{
	const struct check_res	*cr = res;
	struct zt_report	 r;

	memset(&r, 0, sizeof(r));
	r.run = cr != NULL ? cr->run : NULL;
	r.errs = *e;
	r.status = cr != NULL ? cr->status : ZT_EXIT_ERROR;
	r.fail_on_warning = o->fail_warn;
	r.color = strcmp(fmt, "text") == 0 && zt_cli_use_color(f, o);
	r.hostname = hostname();
	r.started = o->started.tv_sec;
	r.elapsed = zt_cli_elapsed(o);
	r.live = zt_cli_live();
	if (o->follow && f == stdout)
		zt_cli_follow_final(f, fmt, &r);
	else if (strcmp(fmt, "text") == 0) {
		struct fit	 ft;

		fit_begin(&ft, f);
		zt_report_write(ft.f, &r, fmt);
		fit_end(&ft);
	} else
		zt_report_write(f, &r, fmt);
}

int
zt_cli_check(struct zt_cli_opts *o)
{
	struct zt_store		*st;
	struct zt_ruleset	 rs;
	struct zt_checkrun	 run;
	struct check_res	 res;
	sqlite3			*rd = NULL;
	int			 out;

	if (zt_cli_outputs_begin(o) == -1)
		goto stopped;
	if (o->follow && zt_cli_follow_usable(o) == -1)
		goto stopped;
	st = zt_cli_prepare(o, o->nargs, o->args, &rs, &run, 0, &rd);
	if (st == NULL)
		goto stopped;
	zt_cli_need_records(&run);
	res.run = &run;
	res.status = max2(zt_report_status(&run, o->fail_warn),
	    zt_diag_status());
	out = zt_cli_outputs_end(o, &res);
	zt_cli_follow_free();
	zt_cli_release(&run, rd, st, &rs);
	return max2(res.status, out);
stopped:
	zt_cli_outputs_end(o, NULL);
	zt_cli_follow_free();
	return ZT_EXIT_ERROR;
}

void
zt_cli_render_lb(FILE *f, const char *fmt, const void *res,
    const struct zt_report_errs *e, const struct zt_cli_opts *o)
{
	const struct lb_res	*lr = res;

	if (strcmp(fmt, "json") == 0)
		zt_report_lb_json(f, lr != NULL ? lr->view : NULL, lr != NULL ?
		    lr->status : ZT_EXIT_ERROR, e);
	else if (lr == NULL) {
		zt_cli_live_header(f, "the bars");
		zt_report_errors_text(f, e);
	}
	else if (lr->nomatch) {
		zt_cli_live_header(f, "the bars");
		fprintf(f, "no service matches --service %s\n", o->service);
	} else if (lr->view != NULL) {
		struct fit	 ft;

		fit_begin(&ft, f);
		zt_cli_live_header(ft.f, "the bars");
		zt_report_lb(ft.f, lr->view, zt_cli_use_color(f, o), ft.width);
		fit_end(&ft);
	}
}

int
zt_cli_lb(struct zt_cli_opts *o)
{
	struct zt_store		*st = NULL;
	struct zt_ruleset	 rs;
	struct zt_checkrun	 run;
	struct lb_res		 res;
	const struct zt_result	*bal = NULL;
	sqlite3			*rd = NULL;
	size_t			 k;
	int			 out;

	if (zt_cli_outputs_begin(o) == -1)
		goto stopped;
	o->only = "balance";
	st = zt_cli_prepare(o, o->nargs, o->args, &rs, &run, 0, &rd);
	if (st == NULL)
		goto stopped;
	memset(&res, 0, sizeof(res));
	for (k = 0; k < run.nres; k++)
		if (strcmp(zt_check_type_name(run.res[k].rule), "balance") == 0)
			bal = &run.res[k];
	/* --service is a record filter: balance saw those services only. */
	if (bal != NULL && run.select_err[0] == '\0') {
		res.view = bal;
		/* As check: a skew too small to matter only warns. */
		for (k = 0; k < bal->nsvc; k++)
			if (bal->svc[k].fail && !bal->svc[k].small)
				res.status = ZT_EXIT_FAIL;
	}
	res.nomatch = res.view != NULL && bal->nsvc == 0 && run.records > 0 &&
	    zt_select_has(&o->select, ZT_SEL_SERVICE);
	if (!res.nomatch)
		zt_cli_need_records(&run);
	res.status = max2(res.status, zt_diag_status());
	out = zt_cli_outputs_end(o, res.view != NULL ||
	    zt_diag_status() == 0 ? &res : NULL);
	zt_cli_release(&run, rd, st, &rs);
	return max2(res.status, out);
stopped:
	zt_cli_outputs_end(o, NULL);
	return ZT_EXIT_ERROR;
}

void
zt_cli_render_pairs(FILE *f, const char *fmt, const void *res,
    const struct zt_report_errs *e, const struct zt_cli_opts *o)
{
	const struct pairs_res	*pr = res;

	if (strcmp(fmt, "json") == 0)
		zt_report_pairs_json(f, pr != NULL ? pr->db : NULL, pr != NULL ?
		    pr->run : NULL, o->unmatched, pr != NULL ? pr->status :
		    ZT_EXIT_ERROR, e);
	else if (pr == NULL) {
		zt_cli_live_header(f, "the pairs");
		zt_report_errors_text(f, e);
	} else {
		struct fit	 ft;

		fit_begin(&ft, f);
		zt_cli_live_header(ft.f, "the pairs");
		zt_report_pairs(ft.f, pr->db, pr->run, o->unmatched);
		fit_end(&ft);
	}
}

int
zt_cli_pairs(struct zt_cli_opts *o)
{
	struct zt_store		*st;
	struct zt_ruleset	 rs;
	struct zt_checkrun	 run;
	struct pairs_res	 res;
	sqlite3			*rd = NULL;
	size_t			 k;
	int			 out;

	if (zt_cli_outputs_begin(o) == -1)
		goto stopped;
	o->only = "pairing";
	st = zt_cli_prepare(o, o->nargs, o->args, &rs, &run, 1, &rd);
	if (st == NULL)
		goto stopped;
	res.db = rd;
	res.run = &run;
	res.status = 0;
	/* --unmatched: 1 when a violation is listed, as check would. */
	for (k = 0; o->unmatched && k < run.npairs; k++)
		if ((run.pairs[k].out_id == 0 || run.pairs[k].in_id == 0) &&
		    run.pairs[k].verifiable)
			res.status = ZT_EXIT_FAIL;
	zt_cli_need_records(&run);
	res.status = max2(res.status, zt_diag_status());
	out = zt_cli_outputs_end(o, &res);
	zt_cli_release(&run, rd, st, &rs);
	return max2(res.status, out);
stopped:
	zt_cli_outputs_end(o, NULL);
	return ZT_EXIT_ERROR;
}

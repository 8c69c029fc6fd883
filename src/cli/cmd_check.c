/*
 * cmd_check.c -- the commands that run rules: check, lb, pairs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include <pcre2.h>

#include "cli/cli.h"
#include "report/report.h"
#include "rules/filter.h"
#include "util/diag.h"
#include "util/xalloc.h"

/*
 * Is the -o file one of the operands or the database?  Writing the report
 * would destroy it (after reading it, for an input).
 */
static int
output_clobbers(const struct zt_cli_opts *o, int n, char **v)
{
	struct stat	 out;
	struct stat	 sb;
	int		 i;

	if (o->output == NULL || stat(o->output, &out) == -1)
		return 0;
	for (i = -1; i < n; i++) {
		const char *p = i < 0 ? o->db : v[i];

		if (p != NULL && stat(p, &sb) == 0 && sb.st_dev == out.st_dev &&
		    sb.st_ino == out.st_ino) {
			zt_diag_error(NULL, "-o %s: that is %s; refusing to "
			    "overwrite it", o->output, i < 0 ? "the database" :
			    "an input");
			return 1;
		}
	}
	return 0;
}

int
zt_cli_check(int argc, char **argv)
{
	struct zt_cli_opts		 o;
	struct zt_store		*st;
	struct zt_ruleset	 rs;
	struct zt_checkrun	 run;
	struct zt_reportopts	 ro;
	FILE			*out = stdout;
	sqlite3			*rd = NULL;
	int			 i;

	if ((i = zt_cli_parse_opts(argc, argv, "dfrqMoFOEhV", &o)) < 0)
		return i == -2 ? 0 : zt_cli_usage();
	memset(&ro, 0, sizeof(ro));
	if (o.format == NULL || strcmp(o.format, "text") == 0)
		ro.fmt = ZT_REPORT_TEXT;
	else if (strcmp(o.format, "json") == 0)
		ro.fmt = ZT_REPORT_JSON;
	else if (strcmp(o.format, "junit") == 0)
		ro.fmt = ZT_REPORT_JUNIT;
	else {
		zt_diag_error(NULL, "check: unknown format '%s' (text, json, "
		    "junit)", o.format);
		return zt_cli_usage();
	}
	ro.fail_on_warning = o.fail_warn;
	if (output_clobbers(&o, argc - i, argv + i))
		return ZT_EXIT_ERROR;
	if ((st = zt_cli_prepare(&o, argc - i, argv + i, &rs, &run, 0, &rd)) == NULL)
		return ZT_EXIT_ERROR;
	if (o.output != NULL && (out = fopen(o.output, "w")) == NULL) {
		zt_diag_error(o.output, "cannot write: %s", strerror(errno));
		out = NULL;
	}
	if (out != NULL) {
		ro.color = ro.fmt == ZT_REPORT_TEXT && zt_cli_use_color(out);
		zt_report_write(out, &run, &ro);
		if (out != stdout && fclose(out) != 0)
			zt_diag_error(o.output, "write error");
	}
	return zt_cli_finish_run(&run, rd, st, &rs, zt_report_status(&run, &ro));
}

int
zt_cli_lb(int argc, char **argv)
{
	struct zt_cli_opts		 o;
	struct zt_store		*st;
	struct zt_ruleset	 rs;
	struct zt_checkrun	 run;
	struct zt_result	 view;
	const struct zt_result	*bal = NULL;
	pcre2_code		*re = NULL;
	pcre2_match_data	*md = NULL;
	size_t			 off;
	size_t			 k;
	char			 msg[160];
	sqlite3			*rd = NULL;
	int			 i;
	int			 m;
	int			 bad = 0;

	if ((i = zt_cli_parse_opts(argc, argv, "drqMShV", &o)) < 0)
		return i == -2 ? 0 : zt_cli_usage();
	if (o.service != NULL) {
		re = zt_re_compile(o.service, strlen(o.service), &off, msg,
		    sizeof(msg));
		if (re == NULL) {
			zt_diag_error(NULL, "--service: bad regular expression "
			    "at offset %zu: %s", off, msg);
			return zt_cli_usage();
		}
		md = pcre2_match_data_create(4, NULL);
	}
	o.only = "balance";
	if ((st = zt_cli_prepare(&o, argc - i, argv + i, &rs, &run, 0, &rd)) == NULL) {
		pcre2_match_data_free(md);
		pcre2_code_free(re);
		return ZT_EXIT_ERROR;
	}
	for (k = 0; k < run.nres; k++)
		if (run.res[k].rule->type == ZT_R_BALANCE)
			bal = &run.res[k];
	if (bal != NULL) {
		view = *bal;
		view.nsvc = 0;
		view.svc = zt_xcalloc(bal->nsvc ? bal->nsvc : 1,
		    sizeof(*view.svc));
		for (k = 0; k < bal->nsvc && !bad; k++) {
			struct zt_str sv = { bal->svc[k].service,
			    strlen(bal->svc[k].service) };

			m = re != NULL ? zt_re_match(re, md, sv, msg,
			    sizeof(msg)) : 1;
			if (m == -1) {
				/* Not "no match": the filter is undecided. */
				zt_diag_error(NULL, "--service: %s (on service "
				    "%s)", msg, bal->svc[k].service);
				bad = 1;
			} else if (m == 1)
				view.svc[view.nsvc++] = bal->svc[k];
		}
		if (bad)
			;
		else if (re != NULL && view.nsvc == 0 && bal->nsvc > 0)
			printf("no service matches --service %s\n", o.service);
		else
			zt_report_lb(stdout, &view, zt_cli_use_color(stdout));
		free(view.svc);
	}
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	i = zt_cli_finish_run(&run, rd, st, &rs, 0);
	return bad ? ZT_EXIT_ERROR : i;
}

int
zt_cli_pairs(int argc, char **argv)
{
	struct zt_cli_opts		 o;
	struct zt_store		*st;
	struct zt_ruleset	 rs;
	struct zt_checkrun	 run;
	sqlite3			*rd = NULL;
	int			 i;

	if ((i = zt_cli_parse_opts(argc, argv, "drqMUhV", &o)) < 0)
		return i == -2 ? 0 : zt_cli_usage();
	o.only = "pairing";
	if ((st = zt_cli_prepare(&o, argc - i, argv + i, &rs, &run, 1, &rd)) == NULL)
		return ZT_EXIT_ERROR;
	zt_report_pairs(stdout, rd, &run, o.unmatched);
	return zt_cli_finish_run(&run, rd, st, &rs, 0);
}

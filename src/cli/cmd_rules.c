/*
 * cmd_rules.c -- ztlog rules list | show ID | lint FILE...
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/diag.h"

int
zt_cli_rules(int argc, char **argv)
{
	struct zt_cli_opts		 o;
	struct zt_ruleset	 rs;
	struct zt_ruleset	 one;
	struct zt_err		 err;
	const struct zt_rule	*r;
	size_t			 k;
	size_t			 w;
	int			 i;
	int			 rc = 0;

	if ((i = zt_cli_parse_opts(argc, argv, "rhV", &o)) < 0)
		return i == -2 ? 0 : zt_cli_usage();
	if (i >= argc) {
		zt_diag_error(NULL, "rules: say list, show ID or lint FILE...");
		return zt_cli_usage();
	}
	if (strcmp(argv[i], "lint") == 0) {
		if (o.nrules > 0) {
			zt_diag_error(NULL, "rules lint: give the files to lint "
			    "as operands, not with -r");
			return zt_cli_usage();
		}
		if (i + 1 >= argc) {
			zt_diag_error(NULL, "rules lint: no file given");
			return zt_cli_usage();
		}
		for (i++; i < argc; i++) {
			memset(&one, 0, sizeof(one));
			if (zt_rules_load_path(&one, argv[i], &err) == -1) {
				zt_diag_err(&err);
				rc = ZT_EXIT_ERROR;
			} else
				printf("%s: ok, %zu rule%s\n", argv[i], one.n,
				    one.n == 1 ? "" : "s");
			zt_rules_free(&one);
		}
		return rc;
	}
	if (zt_cli_load_rules(&o, &rs) == -1)
		return ZT_EXIT_ERROR;
	if (strcmp(argv[i], "list") == 0 && i + 1 == argc) {
		for (k = 0, w = 12; k < rs.n; k++)
			if (strlen(rs.r[k].id) > w)
				w = strlen(rs.r[k].id);
		printf("%-*s  %-8s  %-8s  %s\n", (int)w, "ID", "TYPE",
		    "SEVERITY", "DESCRIPTION");
		for (k = 0; k < rs.n; k++) {
			printf("%-*s  %-8s  %-8s  ", (int)w, rs.r[k].id,
			    zt_rtype_names[rs.r[k].type],
			    zt_sev_names[rs.r[k].sev]);
			zt_fput_escaped(stdout, rs.r[k].description,
			    strlen(rs.r[k].description));
			putchar('\n');
		}
	} else if (strcmp(argv[i], "show") == 0 && i + 2 == argc) {
		if ((r = zt_rules_find(&rs, argv[i + 1])) == NULL) {
			zt_diag_error(NULL, "rules show: no rule '%s' (see "
			    "ztlog rules list)", argv[i + 1]);
			rc = ZT_EXIT_ERROR;
		} else {
			printf("# %s:%lu\n", r->file, r->line);
			fputs(r->text, stdout);
		}
	} else {
		zt_diag_error(NULL, "rules: say list, show ID or lint FILE...");
		rc = zt_cli_usage();
	}
	zt_rules_free(&rs);
	i = zt_cli_finish_output();
	return i > rc ? i : rc;
}

/*
 * main.c -- ztlog: process set-up, then the command line (src/cli/): parse,
 * run the command, or after a usage mistake write the reports asked for.
 */
#include <signal.h>

#include <sqlite3.h>

#include "cli/cli.h"
#include "in/input.h"
#include "util/diag.h"

int
main(int argc, char **argv)
{
	struct zt_cli_opts	 o;
	int			 rc;
	int			 out;

	/*
	 * No allocation statistics: they take a global mutex on every
	 * SQLite malloc, a few percent of ingest.
	 */
	zt_input_init();
	/* Past `ulimit -f`, fail the write (EFBIG) and say so; don't die. */
	signal(SIGXFSZ, SIG_IGN);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	switch (zt_cli_parse(argc, argv, &o)) {
	case 1:
		zt_cli_help(o.cmd);
		rc = zt_cli_finish_output();
		break;
	case 2:
		zt_cli_version();
		rc = zt_cli_finish_output();
		break;
	case -1:
		/* The reports asked for say why there is none. */
		rc = ZT_EXIT_ERROR;
		if (o.cmd != ZT_CMD_NONE) {
			zt_cli_outputs_begin(&o);
			zt_cli_outputs_end(&o, NULL);
		}
		break;
	default:
		rc = zt_cli_cmds[o.cmd].run(&o);
		out = zt_cli_finish_output();
		rc = out > rc ? out : rc;
		break;
	}
	zt_cli_opts_free(&o);
	zt_cli_inventory_free();
	zt_diag_forget();
	return rc;
}

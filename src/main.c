/*
 * main.c -- ztlog: process set-up, then the command line (src/cli/).
 */
#include <signal.h>

#include <sqlite3.h>

#include "cli/cli.h"
#include "in/input.h"

int
main(int argc, char **argv)
{
	/*
	 * No allocation statistics: they take a global mutex on every
	 * SQLite malloc, a few percent of ingest.
	 */
	zt_input_init();
	/* Past `ulimit -f`, fail the write (EFBIG) and say so; don't die. */
	signal(SIGXFSZ, SIG_IGN);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	return zt_cli_main(argc, argv);
}

/*
 * main.c -- ztlog: the command dispatch; the commands are in src/cli/.
 */
#include <signal.h>
#include <string.h>

#include <sqlite3.h>

#include "cli/cli.h"
#include "in/input.h"
#include "util/diag.h"

int
main(int argc, char **argv)
{
	static const struct {
		const char	*name;
		int		(*fn)(int, char **);
	} cmds[] = {
		{ "check", zt_cli_check },
		{ "lb", zt_cli_lb },
		{ "pairs", zt_cli_pairs },
		{ "rules", zt_cli_rules },
		{ "ingest", zt_cli_ingest },
		{ "query", zt_cli_query },
		{ "stats", zt_cli_stats },
	};
	size_t	 i;

	/*
	 * No allocation statistics: they take a global mutex on every
	 * SQLite malloc, a few percent of ingest.
	 */
	zt_input_init();
	/* Past `ulimit -f`, fail the write (EFBIG) and say so; don't die. */
	signal(SIGXFSZ, SIG_IGN);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (argc < 2)
		return zt_cli_usage();
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		zt_cli_help();
		return 0;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		zt_cli_version();
		return 0;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	zt_diag_error(NULL, "unknown command '%s'", argv[1]);
	return zt_cli_usage();
}

/*
 * help.c -- usage, help and version, printed from the tables of opts.c;
 * see cli.h.  The usage lines match the SYNOPSIS of ztlog(1) word for
 * word (a test compares them).
 */
#include <stdio.h>
#include <string.h>

#include <pcre2.h>
#include <sqlite3.h>
#include <yaml.h>
#include <zlib.h>

#include "cli/cli.h"
#include "util/wrap.h"
#include "util/diag.h"
#include "util/suggest.h"

#ifndef ZTLOG_VERSION
#define ZTLOG_VERSION "0.1.0"
#endif
#ifndef ZTLOG_COMMIT
#define ZTLOG_COMMIT ""		/* set by CMake: "" outside git */
#endif
#ifndef ZTLOG_BUILD_TYPE
#define ZTLOG_BUILD_TYPE ""
#endif

#define WIDTH	80

/* Print word (a unit that is never split) at column *col, wrapping. */
static void
unit(FILE *f, const char *word, size_t *col, size_t indent)
{
	size_t	 n = strlen(word);

	if (*col + 1 + n > WIDTH && *col > indent) {
		fprintf(f, "\n%*s", (int)indent, "");
		*col = indent;
	} else {
		putc(' ', f);
		(*col)++;
	}
	fputs(word, f);
	*col += n;
}

/* One usage line of cmd: "ztlog check [-q] ... [file | dir | -] ...". */
static void
use_line(FILE *f, enum zt_cli_cmd cmd, const struct zt_cli_use *u,
    size_t lead)
{
	const struct zt_cli_optdef *d;
	size_t		 col = lead;
	size_t		 indent;
	size_t		 i;
	const char	*p;
	const char	*tab;
	char		 buf[128];

	col += (size_t)fprintf(f, "ztlog %s", zt_cli_cmds[cmd].name);
	indent = col + 1;
	for (i = 0; i < zt_cli_noptdefs; i++) {
		d = &zt_cli_optdefs[i];
		if (d->hidden || d->id == ZT_OPT_HELP ||
		    d->id == ZT_OPT_VERSION ||
		    !(d->cmds & ZT_CMD_BIT(cmd)) || !(u->opts & (1u << d->id)))
			continue;
		snprintf(buf, sizeof(buf), "[%s]", d->syn);
		unit(f, buf, &col, indent);
	}
	for (p = u->operands; *p != '\0'; p = *tab != '\0' ? tab + 1 : tab) {
		tab = p + strcspn(p, "\t");
		snprintf(buf, sizeof(buf), "%.*s", (int)(tab - p), p);
		unit(f, buf, &col, indent);
	}
	putc('\n', f);
}

void
zt_cli_usage(FILE *f, enum zt_cli_cmd cmd)
{
	enum zt_cli_cmd	 c;
	int		 k;
	int		 first = 1;

	for (c = 0; c < ZT_CMD_COUNT; c++) {
		if (cmd != ZT_CMD_NONE && c != cmd)
			continue;
		for (k = 0; k < 4 && zt_cli_cmds[c].use[k].operands != NULL;
		    k++) {
			fputs(first ? "usage: " : "       ", f);
			use_line(f, c, &zt_cli_cmds[c].use[k], 7);
			first = 0;
		}
	}
	if (cmd == ZT_CMD_NONE)
		fputs("       ztlog -h | --help\n"
		    "       ztlog -V | --version\n", f);
}

/* "  -d, --db database" padded, then the help text. */
static void
opt_line(FILE *f, const struct zt_cli_optdef *d, enum zt_cli_cmd cmd)
{
	const char	*arg = strchr(d->syn, ' ');
	const char	*help = d->help;
	char		 fl[64];
	char		 list[128];

	snprintf(fl, sizeof(fl), "%c%c%s--%s%s", d->shrt ? '-' : ' ',
	    d->shrt ? d->shrt : ' ', d->shrt ? ", " : "  ", d->lng,
	    arg != NULL && d->shrt != 0 ? arg : d->shrt == 0 && arg != NULL ?
	    arg : "");
	if (d->id == ZT_OPT_OUTPUT) {
		/* The formats of this command, the default first. */
		fprintf(f, "  %-26s %s;\n  %-26s %s\n", fl,
		    zt_cli_format_list(cmd, list, sizeof(list)), "",
		    cmd == ZT_CMD_QUERY ? "to a file with =file" :
		    "repeatable: one to stdout, the others =file");
		return;
	}
	if (d->id == ZT_OPT_DB)
		help = cmd == ZT_CMD_INGEST ? "database file (default "
		    "./ztlog.db)" : "database file (default: inputs in memory)";
	if (strlen(fl) > 26)
		fprintf(f, "  %s\n  %-26s %s\n", fl, "", help);
	else
		fprintf(f, "  %-26s %s\n", fl, help);
}

void
zt_cli_help(enum zt_cli_cmd cmd)
{
	enum zt_cli_cmd	 c;
	size_t		 i;
	size_t		 width;
	size_t		 n = 0;
	char		*p = NULL;
	FILE		*m;

	zt_cli_usage(stdout, cmd);
	if (cmd != ZT_CMD_NONE) {
		printf("\n%s", zt_cli_cmds[cmd].about);
		printf("\noptions:\n");
		/* Wrapped to the terminal's width, if it has one. */
		if ((width = zt_cli_width(stdout)) == 0 ||
		    (m = open_memstream(&p, &n)) == NULL)
			m = stdout;
		for (i = 0; i < zt_cli_noptdefs; i++)
			if (!zt_cli_optdefs[i].hidden &&
			    (zt_cli_optdefs[i].cmds & ZT_CMD_BIT(cmd)))
				opt_line(m, &zt_cli_optdefs[i], cmd);
		if (m != stdout) {
			fclose(m);
			zt_wrap_hang(stdout, p, n, width, 29);
			free(p);
		}
		printf("\nSee ztlog(1).\n");
		return;
	}
	fputs("\nRead Istio ambient ztunnel access logs (kubectl logs output, "
	    "plain or gzip,\ntext or JSON) into SQLite and ask questions of "
	    "them.\n\ncommands:\n", stdout);
	for (c = 0; c < ZT_CMD_COUNT; c++)
		printf("  %-10s  %s\n", zt_cli_cmds[c].name,
		    zt_cli_cmds[c].summary);
	fputs("\nOptions may come anywhere; -- ends them.  No input, or -, "
	    "reads standard\ninput.  Exit status: 0 success (check: all rules "
	    "passed), 1 a rule failed,\n2 usage, rule, input or database "
	    "error, and for check also no access record\nat all.  'ztlog help "
	    "COMMAND' or 'ztlog COMMAND -h' shows a command's options.\nSee "
	    "ztlog(1).\n", stdout);
}

void
zt_cli_version(void)
{
	const char	*commit = ZTLOG_COMMIT;
	const char	*type = ZTLOG_BUILD_TYPE;

	printf("ztlog %s (", ZTLOG_VERSION);
	if (commit[0] != '\0')
		printf("commit %s", commit);
	else
		fputs("not built from a git checkout: commit unknown", stdout);
	printf(", %s build)\n", type[0] != '\0' ? type : "unknown");
	printf("SQLite %s, PCRE2 %d.%d, zlib %s, libyaml %s\n",
	    sqlite3_libversion(), PCRE2_MAJOR, PCRE2_MINOR, zlibVersion(),
	    yaml_get_version_string());
}

int
zt_cli_cmd_help(struct zt_cli_opts *o)
{
	const char	*names[ZT_CMD_COUNT];
	const char	*sug;
	enum zt_cli_cmd	 c;

	if (o->nargs > 1) {
		zt_diag_error(NULL, "help: one command at most");
		zt_cli_hint(ZT_CMD_HELP);
		return ZT_EXIT_ERROR;
	}
	if (o->nargs == 0) {
		zt_cli_help(ZT_CMD_NONE);
		return zt_cli_finish_output();
	}
	for (c = 0; c < ZT_CMD_COUNT; c++) {
		names[c] = zt_cli_cmds[c].name;
		if (strcmp(o->args[0], names[c]) == 0) {
			zt_cli_help(c);
			return zt_cli_finish_output();
		}
	}
	sug = zt_suggest(o->args[0], names, ZT_CMD_COUNT);
	if (sug != NULL)
		zt_diag_error(NULL, "help: unknown command '%s' (did you mean "
		    "'%s'?)", o->args[0], sug);
	else
		zt_diag_error(NULL, "help: unknown command '%s'", o->args[0]);
	c = ZT_CMD_NONE;
	zt_cli_hint(c);
	return ZT_EXIT_ERROR;
}

int
zt_cli_cmd_version(struct zt_cli_opts *o)
{
	if (o->nargs > 0) {
		zt_diag_error(NULL, "version: no operands");
		zt_cli_hint(ZT_CMD_VERSION);
		return ZT_EXIT_ERROR;
	}
	zt_cli_version();
	return zt_cli_finish_output();
}

/*
 * opts.c -- options, usage and help; see cli.h.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>
#include <sqlite3.h>
#include <yaml.h>
#include <zlib.h>

#include "cli/cli.h"
#include "util/diag.h"
#include "util/text.h"

#ifndef ZTLOG_VERSION
#define ZTLOG_VERSION "0.1.0"
#endif

static const char usage_text[] =
"usage: ztlog check [-q] [-d database] [-r rules] [-f text | json | junit]\n"
"                   [-o file] [--fail-on error | warning] [--only id,...]\n"
"                   [--examples n] [--max-line size] [file | dir | -] ...\n"
"       ztlog lb [-q] [-d database] [-r rules] [--service pcre]\n"
"                [--max-line size] [file | dir | -] ...\n"
"       ztlog pairs [-q] [-d database] [-r rules] [--unmatched]\n"
"                   [--max-line size] [file | dir | -] ...\n"
"       ztlog rules [-r rules] list | show id | lint file ...\n"
"       ztlog ingest [-q] [-d database] [--max-line size] [file | dir | -] ...\n"
"       ztlog query [-q] [-d database] [-f table | csv | json | ndjson]\n"
"                   [--max-line size] sql [file | dir | -] ...\n"
"       ztlog stats [-q] [-d database] [-f table | json] [--max-line size]\n"
"                   [file | dir | -] ...\n"
"       ztlog -h | --help\n"
"       ztlog -V | --version\n";

static const char help_text[] =
"\n"
"Read Istio ambient ztunnel access logs (kubectl logs output, plain or gzip,\n"
"text or JSON) into SQLite and ask questions of them.\n"
"\n"
"commands:\n"
"  check    run the rules (HBONE use, pairing, balance, errors, your own)\n"
"  lb       each service's connections per endpoint, as bars\n"
"  pairs    the outbound/inbound pairing, connection by connection\n"
"  rules    list, show or lint rules\n"
"  ingest   append the records of the inputs to a database file\n"
"  query    run SQL over the records (inputs loaded in memory without -d)\n"
"  stats    line accounting per source and per pod\n"
"\n"
"options:\n"
"  -d, --db database     database file (ingest: default ./ztlog.db)\n"
"  -r, --rules path      add a rule file or directory (repeatable)\n"
"  -f, --format fmt      output format (check: text, json, junit;\n"
"                        query: table, csv, json, ndjson; stats: table, json)\n"
"  -o, --output file     write the check report to file\n"
"      --fail-on level   check: exit 1 on error (default) or also on warning\n"
"      --only ids        check: run only these rules (comma-separated)\n"
"      --examples n      check: examples shown per rule (default 5)\n"
"      --service pcre    lb: only services matching the pattern\n"
"      --unmatched       pairs: only records without a twin\n"
"  -q, --quiet           no summary line, notices or warnings\n"
"      --max-line size   longest input line accepted (default 1M)\n"
"  -h, --help            this help\n"
"  -V, --version         version and library versions\n"
"\n"
"No input, or -, reads standard input.  Exit status: 0 success (check: all\n"
"rules passed), 1 a rule failed, 2 usage, rule, input or database error,\n"
"and for check also no access record at all.  See ztlog(1).\n";

int
zt_cli_usage(void)
{
	fputs(usage_text, stderr);
	return ZT_EXIT_ERROR;
}

void
zt_cli_version(void)
{
	printf("ztlog %s (SQLite %s, PCRE2 %d.%d, zlib %s, libyaml %s)\n",
	    ZTLOG_VERSION, sqlite3_libversion(), PCRE2_MAJOR, PCRE2_MINOR,
	    zlibVersion(), yaml_get_version_string());
}

void
zt_cli_help(void)
{
	fputs(usage_text, stdout);
	fputs(help_text, stdout);
}


/* "1048576", "64K", "1M", "1G" -> bytes; 0 if bad or out of 64..1G. */
static size_t
parse_size(const char *s)
{
	char		*end;
	unsigned long	 v;
	size_t		 mult = 1;

	if (*s < '0' || *s > '9')
		return 0;
	v = strtoul(s, &end, 10);
	if (*end == 'K' || *end == 'k')
		mult = 1024;
	else if (*end == 'M' || *end == 'm')
		mult = 1024 * 1024;
	else if (*end == 'G' || *end == 'g')
		mult = 1024 * 1024 * 1024;
	if (mult != 1)
		end++;
	if (*end != '\0' || v == 0 || v > (1UL << 30) / mult)
		return 0;
	v *= mult;
	return v < 64 ? 0 : (size_t)v;
}

/*
 * Parse the options of a command; argv[0] is the command name.  Returns
 * the index of the first operand, -1 for a usage error, -2 after --help.
 */
int
zt_cli_parse_opts(int argc, char **argv, const char *allowed,
    struct zt_cli_opts *o)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "max-line", required_argument, NULL, 'M' },
		{ "rules", required_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ "fail-on", required_argument, NULL, 'F' },
		{ "only", required_argument, NULL, 'O' },
		{ "service", required_argument, NULL, 'S' },
		{ "unmatched", no_argument, NULL, 'U' },
		{ "examples", required_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int64_t	 num;
	int	 c;

	memset(o, 0, sizeof(*o));
	o->maxline = DEFAULT_MAXLINE;
	o->examples = 5;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+d:f:o:r:qhV", longopts,
	    NULL)) != -1) {
		if (c != '?' && c != ':' && strchr(allowed, c) == NULL)
			c = '?';
		switch (c) {
		case 'd':
			if (*optarg == '\0') {
				zt_diag_error(NULL, "-d: empty database path");
				return -1;
			}
			o->db = optarg;
			break;
		case 'f':
			o->format = optarg;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'r':
			if (o->nrules == 32) {
				zt_diag_error(NULL, "-r: at most 32 rule paths");
				return -1;
			}
			o->rules[o->nrules++] = optarg;
			break;
		case 'F':
			if (strcmp(optarg, "warning") == 0)
				o->fail_warn = 1;
			else if (strcmp(optarg, "error") != 0) {
				zt_diag_error(NULL, "--fail-on: '%s' is not "
				    "error or warning", optarg);
				return -1;
			}
			break;
		case 'O':
			if (optarg[strspn(optarg, ", ")] == '\0') {
				zt_diag_error(NULL, "--only: no rule id in '%s'",
				    optarg);
				return -1;
			}
			o->only = optarg;
			break;
		case 'S':
			o->service = optarg;
			break;
		case 'U':
			o->unmatched = 1;
			break;
		case 'E':
			if (zt_parse_u63(optarg, strlen(optarg), &num) != 0 ||
			    num > 100000) {
				zt_diag_error(NULL, "--examples: '%s' is not a "
				    "number from 0 to 100000", optarg);
				return -1;
			}
			o->examples = (int)num;
			break;
		case 'M':
			o->maxline = parse_size(optarg);
			if (o->maxline == 0) {
				zt_diag_error(NULL, "--max-line: bad size "
				    "'%s' (64 to 1G, suffix K, M or G)", optarg);
				return -1;
			}
			break;
		case 'h':
			zt_cli_help();
			return -2;
		case 'V':
			zt_cli_version();
			return -2;
		default:
			if (optopt != 0 && optopt != '?')
				zt_diag_error(NULL, "%s: unknown option or "
				    "missing argument: -%c", argv[0], optopt);
			else
				zt_diag_error(NULL, "%s: unknown option or "
				    "missing argument: %s", argv[0],
				    argv[optind - 1]);
			return -1;
		}
	}
	zt_diag_quiet(o->quiet);
	return optind;
}

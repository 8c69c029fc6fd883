/*
 * complete.c -- `ztlog completion bash | zsh | fish`: shell completion
 * scripts written from the tables of opts.c (commands, options, formats),
 * so they complete exactly what the parser accepts.  Rule ids come from
 * `ztlog rules list` when completing.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/diag.h"
#include "util/suggest.h"

#ifndef ZTLOG_VERSION
#define ZTLOG_VERSION "0.1.0"
#endif

/* Is d shown (completed) for cmd? */
static int
offered(const struct zt_cli_optdef *d, enum zt_cli_cmd cmd)
{
	return !d->hidden && (d->cmds & ZT_CMD_BIT(cmd)) != 0;
}

/* s inside single quotes for sh, bash, zsh and fish ('\'' or \'). */
static void
squote(FILE *f, const char *s, int fish)
{
	putc('\'', f);
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			fputs(fish ? "\\'" : "'\\''", f);
		else if (*s == '\\' && fish)
			fputs("\\\\", f);
		else
			putc(*s, f);
	}
	putc('\'', f);
}

/* Does cmd take -o? */
static int
has_output(enum zt_cli_cmd cmd)
{
	size_t	 i;

	for (i = 0; i < zt_cli_noptdefs; i++)
		if (zt_cli_optdefs[i].id == ZT_OPT_OUTPUT)
			return offered(&zt_cli_optdefs[i], cmd);
	return 0;
}

static void
formats(FILE *f, enum zt_cli_cmd cmd, const char *sep)
{
	const char	*v[16];
	size_t		 n = zt_cli_formats(cmd, v, 16);
	size_t		 i;

	for (i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? sep : "", v[i]);
}

/* The option words of cmd ("-q --quiet -d --db ..."), or of every one. */
static void
option_words(FILE *f, enum zt_cli_cmd cmd)
{
	const struct zt_cli_optdef *d;
	size_t		 i;
	int		 first = 1;

	for (i = 0; i < zt_cli_noptdefs; i++) {
		d = &zt_cli_optdefs[i];
		if (d->hidden || (cmd != ZT_CMD_NONE && !offered(d, cmd)))
			continue;
		if (d->shrt)
			fprintf(f, "%s-%c", first ? "" : " ", d->shrt);
		fprintf(f, "%s--%s", first && !d->shrt ? "" : " ", d->lng);
		first = 0;
	}
}

/* "-d|--db|-r|--rules": the options of value kind v (any kind: -1). */
static void
option_case(FILE *f, int v)
{
	const struct zt_cli_optdef *d;
	size_t		 i;
	int		 first = 1;

	for (i = 0; i < zt_cli_noptdefs; i++) {
		d = &zt_cli_optdefs[i];
		if (d->value == ZT_VAL_NONE || (v >= 0 && (int)d->value != v))
			continue;
		if (d->shrt)
			fprintf(f, "%s-%c", first ? "" : "|", d->shrt);
		fprintf(f, "%s--%s", first && !d->shrt ? "" : "|", d->lng);
		first = 0;
	}
}

/* One case for each option with words to offer, and its words. */
static void
words_cases(FILE *f)
{
	const struct zt_cli_optdef *d;
	size_t		 i;

	for (i = 0; i < zt_cli_noptdefs; i++) {
		d = &zt_cli_optdefs[i];
		if (d->value != ZT_VAL_WORDS)
			continue;
		if (d->shrt)
			fprintf(f, "-%c|", d->shrt);
		fprintf(f, "--%s)\n\t\tCOMPREPLY=($(compgen -W '%s' -- "
		    "\"$cur\")); return ;;\n\t", d->lng, d->words);
	}
}

static void
bash(FILE *f)
{
	enum zt_cli_cmd	 c;

	fprintf(f, "# bash completion for ztlog %s, written by "
	    "`ztlog completion bash`.\n", ZTLOG_VERSION);
	fputs("_ztlog_ids() {\n"
	    "\tcommand ztlog rules \"$@\" list 2>/dev/null |\n"
	    "\t    { read -r _; while read -r id _; do printf '%s\\n' "
	    "\"$id\"; done; }\n}\n\n", f);
	fputs("_ztlog() {\n"
	    "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev= opt= cmd= i w\n"
	    "\tlocal -a rules=()\n"
	    "\t((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	    "\t# The command, and the -r paths for the rule ids.\n"
	    "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	    "\t\tw=${COMP_WORDS[i]}\n"
	    "\t\tcase $w in\n\t\t", f);
	option_case(f, -1);
	fputs(")\n"
	    "\t\t\t[[ ${COMP_WORDS[i+1]} == = ]] && ((i++))\n"
	    "\t\t\t[[ $w == -r || $w == --rules ]] &&\n"
	    "\t\t\t    rules+=(-r \"${COMP_WORDS[i+1]}\")\n"
	    "\t\t\t((i++)) ;;\n"
	    "\t\t-*) ;;\n"
	    "\t\t*) [[ -z $cmd ]] && cmd=$w ;;\n"
	    "\t\tesac\n\tdone\n", f);
	fputs("\t# An option's value: -o json, --only=a,b (bash splits at =).\n"
	    "\tif [[ $cur == = ]]; then\n"
	    "\t\topt=$prev cur=\n"
	    "\telif [[ $prev == = ]]; then\n"
	    "\t\topt=${COMP_WORDS[COMP_CWORD-2]}\n"
	    "\t\t# -o FORMAT=FILE: a file after the format.\n"
	    "\t\tcase ${COMP_WORDS[COMP_CWORD-3]} in -o|--output)\n"
	    "\t\t\tCOMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
	    "\t\tesac\n"
	    "\telse\n\t\topt=$prev\n\tfi\n", f);
	fputs("\tcase $opt in\n\t", f);
	option_case(f, ZT_VAL_FILE);
	fputs(")\n\t\tCOMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n\t", f);
	words_cases(f);
	option_case(f, ZT_VAL_RULES);
	fputs(")\n"
	    "\t\tlocal pre=\n"
	    "\t\t[[ $cur == *,* ]] && pre=${cur%,*},\n"
	    "\t\tCOMPREPLY=($(compgen -P \"$pre\" -W \"$(_ztlog_ids "
	    "\"${rules[@]}\")\" \\\n"
	    "\t\t    -- \"${cur##*,}\")); return ;;\n\t", f);
	option_case(f, ZT_VAL_FORMAT);
	fputs(")\n\t\tcase $cmd in\n", f);
	for (c = 0; c < ZT_CMD_COUNT; c++) {
		if (!has_output(c))
			continue;
		fprintf(f, "\t\t%s) COMPREPLY=($(compgen -W '", zt_cli_cmds[c].name);
		formats(f, c, " ");
		fputs("' -- \"$cur\")) ;;\n", f);
	}
	fputs("\t\tesac\n\t\treturn ;;\n\t", f);
	option_case(f, ZT_VAL_ANY);
	fputs(")\n\t\treturn ;;\n\tesac\n", f);
	fputs("\tif [[ -z $cmd ]]; then\n"
	    "\t\tif [[ $cur == -* ]]; then\n"
	    "\t\t\tCOMPREPLY=($(compgen -W '-h --help -V --version' -- "
	    "\"$cur\"))\n\t\telse\n\t\t\tCOMPREPLY=($(compgen -W '", f);
	for (c = 0; c < ZT_CMD_COUNT; c++)
		fprintf(f, "%s%s", c ? " " : "", zt_cli_cmds[c].name);
	fputs("' -- \"$cur\"))\n\t\tfi\n\t\treturn\n\tfi\n", f);
	fputs("\tif [[ $cur == -* ]]; then\n\t\tcase $cmd in\n", f);
	for (c = 0; c < ZT_CMD_COUNT; c++) {
		fprintf(f, "\t\t%s) COMPREPLY=($(compgen -W '",
		    zt_cli_cmds[c].name);
		option_words(f, c);
		fputs("' -- \"$cur\")) ;;\n", f);
	}
	fputs("\t\tesac\n\t\treturn\n\tfi\n", f);
	fputs("\tcase $cmd in\n"
	    "\trules)\n"
	    "\t\tcase $prev in\n"
	    "\t\tshow) COMPREPLY=($(compgen -W \"$(_ztlog_ids "
	    "\"${rules[@]}\")\" -- \"$cur\")) ;;\n"
	    "\t\tlint) COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n"
	    "\t\t*) [[ \" ${COMP_WORDS[*]} \" == *\" lint \"* ]] &&\n"
	    "\t\t\tCOMPREPLY=($(compgen -f -- \"$cur\")) ||\n"
	    "\t\t\tCOMPREPLY=($(compgen -W 'list show lint' -- \"$cur\"))"
	    " ;;\n"
	    "\t\tesac ;;\n"
	    "\tcompletion) COMPREPLY=($(compgen -W 'bash zsh fish' -- "
	    "\"$cur\")) ;;\n"
	    "\thelp) COMPREPLY=($(compgen -W '", f);
	for (c = 0; c < ZT_CMD_COUNT; c++)
		fprintf(f, "%s%s", c ? " " : "", zt_cli_cmds[c].name);
	fputs("' -- \"$cur\")) ;;\n"
	    "\tversion) ;;\n"
	    "\t*) COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n"
	    "\tesac\n}\n"
	    "complete -o filenames -F _ztlog ztlog\n", f);
}

/* One _arguments spec for option d of cmd. */
static void
zsh_spec(FILE *f, const struct zt_cli_optdef *d, enum zt_cli_cmd cmd)
{
	const char	*p;
	const char	*meta = strchr(d->syn, ' ');
	int		 many = d->id == ZT_OPT_RULES || d->id == ZT_OPT_OUTPUT;
	int		 arg = d->value != ZT_VAL_NONE;
	char		 spec[320];
	size_t		 k = 0;

	/* Brackets and colons would end the description. */
	spec[k++] = '[';
	for (p = d->help; *p != '\0' && k + 2 < 160; p++)
		spec[k++] = *p == '[' ? '(' : *p == ']' ? ')' : *p == ':' ?
		    ',' : *p;
	spec[k++] = ']';
	spec[k] = '\0';
	meta = meta != NULL ? meta + 1 : "value";
	switch (d->value) {
	case ZT_VAL_NONE:
		break;
	case ZT_VAL_FILE:
		snprintf(spec + k, sizeof(spec) - k, ":%s:_files", meta);
		break;
	case ZT_VAL_WORDS:
		snprintf(spec + k, sizeof(spec) - k, ":level:(%s)", d->words);
		break;
	case ZT_VAL_RULES:
		snprintf(spec + k, sizeof(spec) - k, ":rule ids:_ztlog_ids");
		break;
	case ZT_VAL_FORMAT:
		snprintf(spec + k, sizeof(spec) - k, ":format:_ztlog_output %s",
		    zt_cli_cmds[cmd].name);
		break;
	case ZT_VAL_ANY:
		snprintf(spec + k, sizeof(spec) - k, ":%s: ", meta);
		break;
	}
	fputs(" \\\n\t\t    ", f);
	if (d->shrt) {
		if (many)
			fputs("'*'", f);
		else
			fprintf(f, "'(-%c --%s)'", d->shrt, d->lng);
		fprintf(f, "{-%c%s,--%s%s}", d->shrt, arg ? "+" : "", d->lng,
		    arg ? "=" : "");
	} else
		fprintf(f, "--%s%s", d->lng, arg ? "=" : "");
	squote(f, spec, 0);
}

static void
zsh(FILE *f)
{
	enum zt_cli_cmd	 c;
	size_t		 i;
	char		 item[160];

	fprintf(f, "#compdef ztlog\n# zsh completion for ztlog %s, written by "
	    "`ztlog completion zsh`.\n\n", ZTLOG_VERSION);
	fputs("_ztlog_ids() {\n"
	    "\tlocal -a ids\n"
	    "\tids=(${${(f)\"$(command ztlog rules list 2>/dev/null)\"}[2,-1]"
	    "%% *})\n"
	    "\t_values -s , 'rule id' $ids\n}\n\n", f);
	fputs("_ztlog_output() {\n"
	    "\tlocal -a fmts\n"
	    "\tcase $1 in\n", f);
	for (c = 0; c < ZT_CMD_COUNT; c++) {
		if (!has_output(c))
			continue;
		fprintf(f, "\t%s) fmts=(", zt_cli_cmds[c].name);
		formats(f, c, " ");
		fputs(") ;;\n", f);
	}
	fputs("\tesac\n"
	    "\t# FORMAT=FILE: a file after the format.\n"
	    "\tif compset -P '*='; then\n\t\t_files\n\telse\n"
	    "\t\tcompadd -S '' -q -- $fmts\n\tfi\n}\n\n", f);
	fputs("_ztlog() {\n"
	    "\tlocal -a cmds\n\tcmds=(\n", f);
	for (c = 0; c < ZT_CMD_COUNT; c++) {
		snprintf(item, sizeof(item), "%s:%s", zt_cli_cmds[c].name,
		    zt_cli_cmds[c].summary);
		fputs("\t    ", f);
		squote(f, item, 0);
		putc('\n', f);
	}
	fputs("\t)\n"
	    "\tif (( CURRENT == 2 )); then\n"
	    "\t\t_describe -t commands 'ztlog command' cmds\n"
	    "\t\treturn\n\tfi\n"
	    "\tlocal cmd=${words[2]}\n"
	    "\tshift words\n\t(( CURRENT-- ))\n"
	    "\tcase $cmd in\n", f);
	for (c = 0; c < ZT_CMD_COUNT; c++) {
		fprintf(f, "\t%s)\n\t\t_arguments -s -S", zt_cli_cmds[c].name);
		for (i = 0; i < zt_cli_noptdefs; i++)
			if (offered(&zt_cli_optdefs[i], c))
				zsh_spec(f, &zt_cli_optdefs[i], c);
		switch (c) {
		case ZT_CMD_RULES:
			fputs(" \\\n\t\t    '1:subcommand:(list show lint)'"
			    " \\\n\t\t    '*::rule id or file:->rules'\n"
			    "\t\t[[ $state == rules ]] || return\n"
			    "\t\tif [[ ${words[2]} == show ]]; then\n"
			    "\t\t\t_ztlog_ids\n\t\telse\n\t\t\t_files\n\t\tfi"
			    " ;;\n", f);
			break;
		case ZT_CMD_COMPLETION:
			fputs(" \\\n\t\t    '1:shell:(bash zsh fish)' ;;\n", f);
			break;
		case ZT_CMD_HELP:
			fputs(" \\\n\t\t    '1:command:(", f);
			for (i = 0; i < ZT_CMD_COUNT; i++)
				fprintf(f, "%s%s", i ? " " : "",
				    zt_cli_cmds[i].name);
			fputs(")' ;;\n", f);
			break;
		case ZT_CMD_VERSION:
			fputs(" ;;\n", f);
			break;
		case ZT_CMD_QUERY:
			fputs(" \\\n\t\t    '1:sql: ' '*:input:_files' ;;\n", f);
			break;
		default:
			fputs(" \\\n\t\t    '*:input:_files' ;;\n", f);
			break;
		}
	}
	fputs("\tesac\n}\n\n"
	    "if [[ $zsh_eval_context[-1] == loadautofunc ]]; then\n"
	    "\t_ztlog \"$@\"\nelse\n\tcompdef _ztlog ztlog\nfi\n", f);
}

/* "__fish_seen_subcommand_from check lb" for the commands in cmds. */
static void
fish_cond(FILE *f, unsigned cmds)
{
	enum zt_cli_cmd	 c;

	fputs(" -n '__fish_seen_subcommand_from", f);
	for (c = 0; c < ZT_CMD_COUNT; c++)
		if (cmds & ZT_CMD_BIT(c))
			fprintf(f, " %s", zt_cli_cmds[c].name);
	putc('\'', f);
}

static void
fish(FILE *f)
{
	const struct zt_cli_optdef *d;
	enum zt_cli_cmd	 c;
	size_t		 i;

	fprintf(f, "# fish completion for ztlog %s, written by "
	    "`ztlog completion fish`.\n", ZTLOG_VERSION);
	fputs("function __ztlog_ids\n"
	    "\tcommand ztlog rules list 2>/dev/null | tail -n +2 |\n"
	    "\t    string replace -r '\\s.*' ''\nend\n\n"
	    "complete -c ztlog -e\ncomplete -c ztlog -f\n", f);
	for (c = 0; c < ZT_CMD_COUNT; c++) {
		fprintf(f, "complete -c ztlog -n __fish_use_subcommand -a %s "
		    "-d ", zt_cli_cmds[c].name);
		squote(f, zt_cli_cmds[c].summary, 1);
		putc('\n', f);
	}
	for (i = 0; i < zt_cli_noptdefs; i++) {
		d = &zt_cli_optdefs[i];
		if (d->hidden)
			continue;
		if (d->value == ZT_VAL_FORMAT) {
			/* Each command its own formats. */
			for (c = 0; c < ZT_CMD_COUNT; c++) {
				if (!offered(d, c))
					continue;
				fputs("complete -c ztlog", f);
				fish_cond(f, ZT_CMD_BIT(c));
				fprintf(f, " -s %c -l %s -x -a '", d->shrt,
				    d->lng);
				formats(f, c, " ");
				fputs("' -d ", f);
				squote(f, d->help, 1);
				putc('\n', f);
			}
			continue;
		}
		fputs("complete -c ztlog", f);
		if (d->id != ZT_OPT_HELP && d->id != ZT_OPT_VERSION)
			fish_cond(f, d->cmds);
		if (d->shrt)
			fprintf(f, " -s %c", d->shrt);
		fprintf(f, " -l %s", d->lng);
		switch (d->value) {
		case ZT_VAL_NONE:
			break;
		case ZT_VAL_FILE:
			fputs(" -r -F", f);
			break;
		case ZT_VAL_WORDS:
			fprintf(f, " -x -a '%s'", d->words);
			break;
		case ZT_VAL_RULES:
			fputs(" -x -a '(__ztlog_ids)'", f);
			break;
		default:
			fputs(" -x", f);
			break;
		}
		fputs(" -d ", f);
		squote(f, d->help, 1);
		putc('\n', f);
	}
	fputs("complete -c ztlog", f);
	fish_cond(f, ZT_CMD_BIT(ZT_CMD_CHECK) | ZT_CMD_BIT(ZT_CMD_LB) |
	    ZT_CMD_BIT(ZT_CMD_PAIRS) | ZT_CMD_BIT(ZT_CMD_INGEST) |
	    ZT_CMD_BIT(ZT_CMD_QUERY) | ZT_CMD_BIT(ZT_CMD_STATS));
	fputs(" -F\n"
	    "complete -c ztlog -n '__fish_seen_subcommand_from rules; and not "
	    "__fish_seen_subcommand_from list show lint' -a 'list show lint'\n"
	    "complete -c ztlog -n '__fish_seen_subcommand_from rules; and "
	    "__fish_seen_subcommand_from show' -a '(__ztlog_ids)'\n"
	    "complete -c ztlog -n '__fish_seen_subcommand_from rules; and "
	    "__fish_seen_subcommand_from lint' -F\n"
	    "complete -c ztlog -n '__fish_seen_subcommand_from completion' "
	    "-a 'bash zsh fish'\n"
	    "complete -c ztlog -n '__fish_seen_subcommand_from help' -a '", f);
	for (c = 0; c < ZT_CMD_COUNT; c++)
		fprintf(f, "%s%s", c ? " " : "", zt_cli_cmds[c].name);
	fputs("'\n", f);
}

int
zt_cli_completion(struct zt_cli_opts *o)
{
	static const char *const shells[] = { "bash", "zsh", "fish" };
	const char	*sug;

	if (o->nargs == 1 && strcmp(o->args[0], "bash") == 0)
		bash(stdout);
	else if (o->nargs == 1 && strcmp(o->args[0], "zsh") == 0)
		zsh(stdout);
	else if (o->nargs == 1 && strcmp(o->args[0], "fish") == 0)
		fish(stdout);
	else {
		sug = o->nargs == 1 ? zt_suggest(o->args[0], shells, 3) : NULL;
		if (o->nargs != 1)
			zt_diag_error(NULL, "completion: say bash, zsh or fish");
		else if (sug != NULL)
			zt_diag_error(NULL, "completion: no shell '%s' (did you "
			    "mean '%s'?)", o->args[0], sug);
		else
			zt_diag_error(NULL, "completion: no shell '%s' (bash, "
			    "zsh or fish)", o->args[0]);
		zt_cli_hint(o->cmd);
		return ZT_EXIT_ERROR;
	}
	return zt_cli_finish_output();
}

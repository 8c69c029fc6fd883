/*
 * outputs.c -- what -o asks for: each output rendered by the command's
 * renderer, files replaced atomically; see cli.h.
 *
 * A report file is replaced on every way a run can end: at the start
 * with a report saying the run did not finish (what a killed run leaves),
 * at the end with the result, or with the errors when the run stopped
 * before it had one (a rule-file mistake, an unreadable database, a
 * usage mistake).  Standard output gets the error form too, except for
 * the formats people or row readers consume (text, table, csv, ndjson):
 * there the messages on standard error are the report.
 */
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "cli/cli.h"
#include "util/afile.h"
#include "util/diag.h"

static const char *const human[] = { "text", "table", "csv", "ndjson" };

/* Does fmt get the error form on standard output? */
static int
error_form_on_stdout(const char *fmt)
{
	size_t	 i;

	for (i = 0; i < sizeof(human) / sizeof(human[0]); i++)
		if (strcmp(fmt, human[i]) == 0)
			return 0;
	return 1;
}

/* The errors of the run so far (diag's), for the reports. */
static void
errors(struct zt_report_errs *e)
{
	e->all = zt_diag_errors(&e->v, &e->n);
}

const char *
zt_cli_stdout_format(const struct zt_cli_opts *o)
{
	const char	*v[1];
	int		 i;

	for (i = 0; i < o->nout; i++)
		if (o->out[i].path == NULL)
			return o->out[i].fmt;
	if (o->nout > 0)
		return NULL;	/* every output goes to a file */
	return zt_cli_formats(o->cmd, v, 1) == 1 ? v[0] : NULL;
}

/* Is path the same file as one of the inputs or the database? */
static const char *
clobbers(const char *path, const struct zt_cli_opts *o)
{
	struct stat	 out;
	struct stat	 sb;
	int		 i;
	int		 first = o->cmd == ZT_CMD_QUERY ? 1 : 0;

	if (stat(path, &out) == -1)
		return NULL;
	if (o->db != NULL && stat(o->db, &sb) == 0 && sb.st_dev ==
	    out.st_dev && sb.st_ino == out.st_ino)
		return "the database";
	if (o->cmd == ZT_CMD_RULES)
		return NULL;
	for (i = first; i < o->nargs; i++)
		if (stat(o->args[i], &sb) == 0 && sb.st_dev == out.st_dev &&
		    sb.st_ino == out.st_ino)
			return "an input";
	return NULL;
}

/* Render res (or the error form) in o->out[i]'s file, atomically. */
static int
to_file(const struct zt_cli_opts *o, int i, const void *res,
    const struct zt_report_errs *e)
{
	const struct zt_cli_out	*out = &o->out[i];
	struct zt_afile		 a;
	struct zt_err		 err;

	if (zt_afile_open(&a, out->path, &err) == -1) {
		zt_diag_err(&err);
		return -1;
	}
	zt_cli_cmds[o->cmd].render(a.f, out->fmt, res, e, o);
	if (zt_afile_commit(&a, &err) == -1) {
		zt_diag_err(&err);
		return -1;
	}
	return 0;
}

int
zt_cli_outputs_begin(struct zt_cli_opts *o)
{
	static const struct zt_diag_entry unfinished = { NULL, 0, 0,
	    (char *)"ztlog did not finish: it was interrupted, killed or is "
	    "still running" };
	struct zt_report_errs	 e = { &unfinished, 1, 1 };
	struct stat		 sb;
	const char		*what;
	int			 rc = 0;
	int			 i;
	int			 files = 0;

	for (i = 0; i < o->nout; i++) {
		if (o->out[i].path == NULL)
			continue;
		if ((what = clobbers(o->out[i].path, o)) != NULL) {
			zt_diag_error(NULL, "-o %s=%s: that is %s; refusing to "
			    "overwrite it", o->out[i].fmt, o->out[i].path, what);
			o->out[i].dropped = 1;
			rc = -1;
		} else
			files++;
	}
	if (files > 0)
		zt_afile_catch_signals();
	for (i = 0; i < o->nout; i++) {
		/* Not into a pipe or a terminal: they would get it twice. */
		if (o->out[i].path == NULL || o->out[i].dropped ||
		    (stat(o->out[i].path, &sb) == 0 && !S_ISREG(sb.st_mode)))
			continue;
		if (to_file(o, i, NULL, &e) == -1)
			o->out[i].dropped = 1;
	}
	return rc;
}

int
zt_cli_outputs_end(const struct zt_cli_opts *o, const void *res)
{
	struct zt_report_errs	 e;
	const char		*fmt;
	int			 rc = 0;
	int			 i;

	if (zt_cli_cmds[o->cmd].render == NULL)
		return 0;
	errors(&e);
	fmt = zt_cli_stdout_format(o);
	if (fmt != NULL && (res != NULL || error_form_on_stdout(fmt)))
		zt_cli_cmds[o->cmd].render(stdout, fmt, res, &e, o);
	for (i = 0; i < o->nout; i++)
		if (o->out[i].path != NULL && !o->out[i].dropped &&
		    to_file(o, i, res, &e) == -1)
			rc = ZT_EXIT_ERROR;
	return rc;
}

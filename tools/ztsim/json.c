/*
 * json.c -- the two pretty JSON layouts ztsim imitates, which happen to
 * agree except for the indent: serde_json's to_string_pretty (ztunnel's
 * /config_dump, 2 spaces) and Go's json.MarshalIndent(v, "", "    ")
 * (istioctl ztunnel-config -o json, 4 spaces).  Both write `"key": value`,
 * one member per line, and an empty array or object as `[]` / `{}`.
 * The caller writes keys in the order the imitated program does
 * (alphabetical for serde_json::Value, struct order for Go).  Strings are
 * escaped as both do for the ASCII names ztsim makes.
 */

#include <string.h>

#include "ztsim.h"

void
zj_init(struct zs_json *j, FILE *f, int indent)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->indent = indent;
	j->after_key = 1;	/* the top-level value needs no separator */
}

/* the separator and indent before a value or a key */
static void
zj_sep(struct zs_json *j)
{
	int i;

	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	fputs(j->first[j->depth] ? "\n" : ",\n", j->f);
	j->first[j->depth] = 0;
	for (i = 0; i < j->depth * j->indent; i++)
		fputc(' ', j->f);
}

static void
zj_open(struct zs_json *j, int c)
{
	zj_sep(j);
	fputc(c, j->f);
	if (j->depth + 1 >= (int)(sizeof(j->first) / sizeof(j->first[0])))
		zs_die("JSON nested too deep");
	j->first[++j->depth] = 1;
}

void
zj_obj(struct zs_json *j)
{
	zj_open(j, '{');
}

void
zj_arr(struct zs_json *j)
{
	zj_open(j, '[');
}

/* close the innermost array or object with the character close */
void
zj_end(struct zs_json *j, int close)
{
	int i;

	if (!j->first[j->depth]) {
		fputc('\n', j->f);
		for (i = 0; i < (j->depth - 1) * j->indent; i++)
			fputc(' ', j->f);
	}
	fputc(close, j->f);
	j->depth--;
}

static void
zj_quote(struct zs_json *j, const char *s)
{
	fputc('"', j->f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', j->f);
		fputc(*s, j->f);
	}
	fputc('"', j->f);
}

void
zj_key(struct zs_json *j, const char *k)
{
	zj_sep(j);
	zj_quote(j, k);
	fputs(": ", j->f);
	j->after_key = 1;
}

void
zj_str(struct zs_json *j, const char *s)
{
	zj_sep(j);
	zj_quote(j, s);
}

void
zj_num(struct zs_json *j, long long v)
{
	zj_sep(j);
	fprintf(j->f, "%lld", v);
}

void
zj_bool(struct zs_json *j, int v)
{
	zj_sep(j);
	fputs(v ? "true" : "false", j->f);
}

void
zj_null(struct zs_json *j)
{
	zj_sep(j);
	fputs("null", j->f);
}

void
zj_kstr(struct zs_json *j, const char *k, const char *s)
{
	zj_key(j, k);
	zj_str(j, s);
}

void
zj_knum(struct zs_json *j, const char *k, long long v)
{
	zj_key(j, k);
	zj_num(j, v);
}

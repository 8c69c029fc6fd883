/*
 * chsql.c -- see chsql.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check/chsql.h"
#include "check/rule.h"
#include "check/type.h"

void
zt_chsql_add(struct zt_buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	zt_buf_reserve(b, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->n += (size_t)n;
}

void
zt_chsql_str(struct zt_buf *b, const char *s)
{
	zt_buf_addc(b, '\'');
	for (; *s != '\0'; s++) {
		if (*s == '\'' || *s == '\\')
			zt_buf_addc(b, '\\');
		zt_buf_addc(b, *s);
	}
	zt_buf_addc(b, '\'');
}

const char *
zt_chsql_head(struct zt_buf *b, const struct zt_rule *r)
{
	const char	*id;

	zt_buf_add(b, "-- rule ", 8);
	/* An id is one line of printable text (the loader's rule). */
	for (id = r->id; *id != '\0'; id++)
		zt_buf_addc(b, (unsigned char)*id < 0x20 ? ' ' : *id);
	zt_chsql_add(b, " (type %s, severity %s)\n", r->type->name,
	    zt_sev_names[r->sev]);
	return r->sev == ZT_SEV_ERROR ? "fail" : r->sev == ZT_SEV_WARNING ?
	    "warn" : "info";
}

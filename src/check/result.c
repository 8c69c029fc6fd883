/*
 * result.c -- see result.h; and freeing a run (check.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/result.h"
#include "check/type.h"
#include "util/xalloc.h"

const char *const zt_status_names[] = {
	"PASS", "FAIL", "WARN", "INFO", "SKIP", "ERROR"
};

void
zt_result_count(struct zt_result *res, const char *name, int64_t v)
{
	if (res->ncounts < (int)(sizeof(res->counts) / sizeof(res->counts[0]))) {
		res->counts[res->ncounts].name = name;
		res->counts[res->ncounts].v = v;
		res->ncounts++;
	}
}

void
zt_result_example(struct zt_result *res, const char *source, int64_t line,
    const char *fmt, ...)
{
	va_list		 ap;
	char		 buf[1024];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	res->ex = zt_xrealloc(res->ex, (res->nex + 1) * sizeof(*res->ex));
	res->ex[res->nex].source = source != NULL ? zt_xstrdup(source) : NULL;
	res->ex[res->nex].line = line;
	res->ex[res->nex].text = zt_xstrdup(buf);
	res->nex++;
}

void
zt_result_exitem(struct zt_result *res, const struct zt_check_ctx *cx,
    const struct zt_exitem *x, const char *what)
{
	char	*text = zt_exitem_render(cx->dm, x);

	zt_result_example(res, zt_refs_source(cx->refs, x->src), x->line,
	    "%s: %s", what, text);
	free(text);
}

void
zt_result_drop_examples(struct zt_result *res)
{
	size_t	 i;

	for (i = 0; i < res->nex; i++) {
		free(res->ex[i].source);
		free(res->ex[i].text);
	}
	free(res->ex);
	res->ex = NULL;
	res->nex = 0;
	res->more = 0;
}

enum zt_status
zt_result_failed(const struct zt_rule *r)
{
	return r->sev == ZT_SEV_ERROR ? ZT_ST_FAIL : r->sev == ZT_SEV_WARNING ?
	    ZT_ST_WARN : ZT_ST_INFO;
}

void
zt_check_free(struct zt_checkrun *run)
{
	size_t	 i;
	size_t	 k;
	size_t	 e;

	for (i = 0; i < run->nres; i++) {
		struct zt_result *res = &run->res[i];

		zt_result_drop_examples(res);
		for (k = 0; k < res->nsvc; k++) {
			for (e = 0; e < res->svc[k].nep; e++)
				free(res->svc[k].ep[e].name);
			free(res->svc[k].ep);
			free(res->svc[k].service);
		}
		free(res->svc);
		for (k = 0; k < res->nclk; k++) {
			free(res->clk[k].out);
			free(res->clk[k].in);
		}
		free(res->clk);
	}
	free(run->res);
	for (i = 0; i < run->nwarn; i++)
		free(run->warnings[i]);
	free(run->warnings);
	free(run->pairs);
	zt_facts_free(&run->facts);
	memset(run, 0, sizeof(*run));
}

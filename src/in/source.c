/*
 * source.c -- a source read from a file; see source.h.
 */
#include <string.h>

#include "in/input.h"
#include "in/source.h"

static int
file_open(const struct zt_source *src, struct zt_input **in,
    struct zt_err *err)
{
	return zt_input_open(in, src->path, err);
}

void
zt_source_init(struct zt_source *src, const char *path)
{
	memset(src, 0, sizeof(*src));
	src->info.name = path;
	src->info.wrap = ZT_WRAP_AUTO;
	src->path = path;
	src->open = file_open;
}

int
zt_source_open(const struct zt_source *src, struct zt_input **in,
    struct zt_err *err)
{
	return src->open(src, in, err);
}


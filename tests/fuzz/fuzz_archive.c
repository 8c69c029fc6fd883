/*
 * fuzz_archive.c -- libFuzzer target for the archive path (issue 10):
 * the input is a stream zt_source_expand() would meet (the operand's
 * bytes, read ahead as a zt_raw), handed to libarchive through
 * zt_archive_expand() as an operand is when its first bytes say archive
 * or packed file; every source it hands out is opened and read to its
 * end as ingest would, every member asked for, every config_dump taken.
 * Checks: no crash, no leak, bounded memory (libFuzzer's -rss_limit_mb),
 * and that each source is opened at most once and read through.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "in/input.h"
#include "in/raw.h"
#include "in/source.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct mem {
	const uint8_t	*p;
	size_t		 n;
	size_t		 off;
};

static long
mem_read(void *ctx, void *buf, size_t n, struct zt_err *err)
{
	struct mem	*m = ctx;
	size_t		 k = m->n - m->off < n ? m->n - m->off : n;

	(void)err;
	/* Short reads, as a pipe gives them. */
	if (k > 4096)
		k = 4096;
	memcpy(buf, m->p + m->off, k);
	m->off += k;
	return (long)k;
}

static volatile size_t	 sink;

static int
each(void *ctx, const struct zt_source *src)
{
	struct zt_input	*in;
	struct zt_err	 err;
	char		 buf[8192];
	char		 sha[65];
	long		 got;

	(void)ctx;
	if (zt_source_open(src, &in, &err) == -1)
		return -1;
	while ((got = zt_input_read(in, buf, sizeof(buf), &err)) > 0)
		sink += (unsigned char)buf[got - 1];
	zt_input_sha256(in, sha);
	sink += (unsigned char)sha[0];
	sink += strlen(src->info.name);
	zt_input_close(in);
	return got < 0 ? -1 : 0;
}

static int
wanted(void *ctx, const struct zt_source *src, const char *head, size_t n)
{
	(void)ctx;
	(void)src;
	if (n > 0)
		sink += (unsigned char)head[n - 1];
	return n % 3 != 0;	/* some asked-for members are skipped */
}

static void
skip(void *ctx, const char *name, const char *reason)
{
	(void)ctx;
	sink += strlen(name) + strlen(reason);
}

static void
inventory(void *ctx, const struct zt_srcinfo *info, const char *b, size_t n)
{
	(void)ctx;
	if (n > 0)
		sink += (unsigned char)b[n - 1] + strlen(info->name);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zt_expand ex;
	struct mem	 m = { data, size, 0 };
	struct zt_raw	 raw;
	struct zt_err	 err;

	memset(&ex, 0, sizeof(ex));
	ex.each = each;
	ex.wanted = wanted;
	ex.skip = skip;
	ex.inventory = inventory;
	memset(&raw, 0, sizeof(raw));
	raw.read = mem_read;
	raw.ctx = &m;
	raw.name = "fuzz.tar";
	zt_diag_quiet(1);
	if (zt_raw_peek(&raw, &err) == 0)
		(void)zt_archive_expand(&ex, "fuzz.tar", &raw, 0, 1);
	zt_raw_free(&raw);
	return 0;
}

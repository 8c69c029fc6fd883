/*
 * fuzz_line.c -- libFuzzer target for the line classifier/parser: every
 * '\n'-separated piece of the input goes through zt_parse_line() with one
 * reused parser, as ingest does, told of a source with a pod (the pod of
 * lines without a decoration).  Text, JSON and kubectl decorations are
 * all reachable from the seeds (tests/fuzz/seeds/fuzz_line: inputs that
 * once found a bug; plus the ingest fixtures, passed by scripts/check.sh).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/record.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct zt_srcinfo src = { "fuzz.log", "ztunnel-fuzz",
	    "istio-system", "istio-proxy", "node-1", "0", NULL, ZT_WRAP_AUTO };
	struct zt_parser	 ps;
	struct zt_rec		 rec;
	struct zt_str		 line;
	const char		*p = (const char *)data;
	const char		*end = p + size;
	const char		*nl;
	volatile size_t		 sink = 0;
	enum zt_class		 cls;
	int			 i;

	zt_parser_init(&ps);
	zt_parser_source(&ps, &src);
	while (p <= end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		line.p = p;
		line.n = (size_t)((nl != NULL ? nl : end) - p);
		cls = zt_parse_line(&ps, line, &rec);
		/* Every line has a pod: its decoration's or the source's. */
		if (rec.pod.p == NULL || rec.pod.n == 0)
			abort();
		sink += (unsigned char)rec.pod.p[rec.pod.n - 1];
		if (cls == ZT_CLASS_RECORD) {
			/* Touch every view: they must be inside live memory. */
			for (i = 0; i < ZT_F_COUNT; i++)
				if (rec.f[i].p != NULL && rec.f[i].n > 0)
					sink += (unsigned char)rec.f[i].p[rec.f[i].n - 1];
			if (rec.extra.p != NULL)
				sink += (unsigned char)rec.extra.p[rec.extra.n - 1];
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	zt_parser_fini(&ps);
	(void)sink;
	return 0;
}

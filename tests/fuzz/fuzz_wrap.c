/*
 * fuzz_wrap.c -- libFuzzer target for the wrapper detector (issue 10):
 * each '\n'-separated piece of the input goes through zt_parse_line()
 * bare and inside every envelope the dispatcher unwraps -- a CRI F line,
 * a CRI P/P/F split, docker json-file (escaped), fluent-bit's [time,
 * record], logcli's TIME {labels}, a "# " paste -- with sources of each
 * kind (a bug-report member, a node file, nothing known), then the
 * flush of a split line left open.  Checks: every view of a record lies
 * inside the line or the parser's buffers (touched, for ASan), a
 * header-less record has no time, a record's prefix ends before its
 * line does, and a line with a pod from the source keeps one.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/record.h"
#include "util/text.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t	 sink;

static void
touch(struct zt_str v)
{
	if (v.p != NULL && v.n > 0)
		sink += (unsigned char)v.p[0] + (unsigned char)v.p[v.n - 1];
}

static void
one(struct zt_parser *ps, const char *p, size_t n, int haspod)
{
	struct zt_rec	 rec;
	enum zt_class	 cls;
	int		 i;

	cls = zt_parse_line(ps, (struct zt_str){ p, n }, &rec);
	touch(rec.pod);
	if (haspod && rec.pod.p == NULL)
		abort();
	if (cls == ZT_CLASS_RECORD) {
		for (i = 0; i < ZT_F_COUNT; i++)
			touch(rec.f[i]);
		touch(rec.extra);
		touch(rec.prefix);
		touch(rec.level);
		touch(rec.message);
		if (rec.partial && rec.ts_us != ZT_TS_NONE)
			abort();
		if (!rec.partial && rec.ts_us < 0)
			abort();
	}
	if (cls == ZT_CLASS_MALFORMED && rec.why[0] == '\0')
		abort();
}

/* The line, JSON-escaped as docker writes it, into b. */
static void
jesc(struct zt_buf *b, const char *p, size_t n)
{
	char	 u[8];
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\') {
			zt_buf_addc(b, '\\');
			zt_buf_addc(b, p[i]);
		} else if ((unsigned char)p[i] < 0x20) {
			snprintf(u, sizeof(u), "\\u%04x", (unsigned char)p[i]);
			zt_buf_add(b, u, 6);
		} else
			zt_buf_addc(b, p[i]);
	}
}

static void
wrapped(struct zt_parser *ps, const char *p, size_t n, int haspod)
{
	static const char *const heads[] = {
		"2024-11-19T12:24:31.2093Z stdout F ",
		"2024-11-19T13:24:31.209301999+01:00 stderr F ",
		"2024-11-19T12:24:31Z {app=\"ztunnel\", pod=\"ztunnel-x\"} ",
		"# ",
	};
	struct zt_buf	 b = { NULL, 0, 0 };
	size_t		 h = n / 2;
	size_t		 i;

	one(ps, p, n, haspod);
	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		b.n = 0;
		zt_buf_add(&b, heads[i], strlen(heads[i]));
		zt_buf_add(&b, p, n);
		one(ps, b.p, b.n, haspod);
	}
	/* split in three CRI parts */
	b.n = 0;
	zt_buf_add(&b, "2024-11-19T12:24:31.1Z stdout P ", 32);
	zt_buf_add(&b, p, h / 2);
	one(ps, b.p, b.n, haspod);
	b.n = 0;
	zt_buf_add(&b, "2024-11-19T12:24:31.2Z stdout P ", 32);
	zt_buf_add(&b, p + h / 2, h - h / 2);
	one(ps, b.p, b.n, haspod);
	b.n = 0;
	zt_buf_add(&b, "2024-11-19T12:24:31.3Z stdout F ", 32);
	zt_buf_add(&b, p + h, n - h);
	one(ps, b.p, b.n, haspod);
	/* docker json-file, then fluent-bit's [time, record] */
	b.n = 0;
	zt_buf_add(&b, "{\"log\":\"", 8);
	jesc(&b, p, n);
	zt_buf_add(&b, "\\n\",\"stream\":\"stdout\",\"time\":\"2024-11-19T12:24:31Z\"}",
	    52);
	one(ps, b.p, b.n, haspod);
	b.n = 0;
	zt_buf_add(&b, "[1732019071.2,{\"log\":\"", 22);
	jesc(&b, p, n);
	zt_buf_add(&b, "\",\"kubernetes\":{\"pod_name\":\"ztunnel-f\"}}]", 41);
	one(ps, b.p, b.n, haspod);
	zt_buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct zt_srcinfo srcs[] = {
		{ "x.tar:proxies/istio-system/ztunnel-a/istio-proxy.log",
		    "ztunnel-a", "istio-system", "istio-proxy", NULL, NULL,
		    "bug-report", ZT_WRAP_AUTO },
		{ "0.log", "ztunnel-n", "istio-system", "istio-proxy", NULL,
		    "0", NULL, ZT_WRAP_AUTO },
		{ "-", NULL, NULL, NULL, NULL, NULL, NULL, ZT_WRAP_AUTO },
	};
	struct zt_parser	 ps;
	struct zt_rec		 rec;
	enum zt_class		 cls;
	const char		*p;
	const char		*end = (const char *)data + size;
	const char		*nl;
	size_t			 k;

	for (k = 0; k < sizeof(srcs) / sizeof(srcs[0]); k++) {
		zt_parser_init(&ps);
		zt_parser_source(&ps, &srcs[k]);
		zt_parser_maxjoin(&ps, 4096);
		for (p = (const char *)data; p <= end; p = nl + 1) {
			nl = memchr(p, '\n', (size_t)(end - p));
			if (nl == NULL)
				nl = end;
			wrapped(&ps, p, (size_t)(nl - p), srcs[k].pod != NULL);
		}
		/* a P part left open at the end */
		one(&ps, "2024-11-19T12:24:31.1Z stdout P x", 33,
		    srcs[k].pod != NULL);
		if (zt_parse_flush(&ps, &rec, &cls) != 1 || !rec.unjoin)
			abort();
		zt_parser_fini(&ps);
	}
	return 0;
}

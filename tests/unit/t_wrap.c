/*
 * t_wrap.c -- the slow path of the parser: envelopes (CRI, docker
 * json-file, shippers' JSON, logcli, Grafana), unknown prefixes,
 * header-less access fields, split lines, and the guarantee that a line
 * carrying access fields is never an other line (issue 10; issue 14,
 * item 11: odd timestamps and prefixes).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "parse/record.h"
#include "tt.h"

static struct zt_parser	 ps;
static struct zt_rec	 rec;
static char		 lbuf[8192];

#define VIEW(v, s)	TT_EQ_MEM((v).p, (v).n, (s))

static enum zt_class
parse(const char *s)
{
	size_t	 n = strlen(s);

	memcpy(lbuf, s, n);
	return zt_parse_line(&ps, (struct zt_str){ lbuf, n }, &rec);
}

/* The ztunnel line every wrapper below carries, TABs and all. */
#define TS	"2024-11-19T12:24:31.209301Z"
#define FIELDS	"src.addr=10.244.1.12:51122 dst.addr=142.250.191.142:443 " \
		"direction=\"outbound\" bytes_sent=812 bytes_recv=5234 " \
		"duration=\"118ms\""
#define LINE	TS "\tinfo\taccess\tconnection complete\t" FIELDS
/* The same, JSON-escaped (docker writes TAB as \u0009). */
#define JLINE	TS "\\u0009info\\u0009access\\u0009connection complete" \
		"\\u0009src.addr=10.244.1.12:51122 " \
		"dst.addr=142.250.191.142:443 direction=\\\"outbound\\\" " \
		"bytes_sent=812 bytes_recv=5234 duration=\\\"118ms\\\""

static void
record_ok(int line, enum zt_lwrap wrap)
{
	tt_checks++;
	if (rec.fmt != ZT_FMT_TEXT || rec.ts_us != 1732019071209301LL ||
	    rec.partial || rec.bytes_sent != 812 || rec.bytes_recv != 5234 ||
	    rec.duration_ms != 118 || rec.wrap != wrap ||
	    !ZT_STR_EQ(rec.f[ZT_F_DST_ADDR], "142.250.191.142:443") ||
	    !ZT_STR_EQ(rec.f[ZT_F_DIRECTION], "outbound")) {
		tt_failed++;
		fprintf(stderr, "%s:%d: record not read right (wrap %d)\n",
		    __FILE__, line, (int)rec.wrap);
	}
}

#define RECORD_OK(w)	record_ok(__LINE__, (w))

/* t_wrap-1 */
static void
cri_lines(void)
{
	/* containerd: trailing zeros trimmed, Z */
	TT_EQ_INT(parse("2024-11-19T12:24:31.2093Z stdout F " LINE),
	    ZT_CLASS_RECORD);
	RECORD_OK(ZT_LW_CRI);
	TT_EQ_INT(rec.has_kube, 1);
	TT_EQ_INT(rec.kube_ns, 1732019071209300000LL);
	TT_CHECK(rec.prefix.p == NULL);
	/* CRI-O: 9 digits and an offset */
	TT_EQ_INT(parse("2024-11-19T13:24:31.209301999+01:00 stdout F " LINE),
	    ZT_CLASS_RECORD);
	RECORD_OK(ZT_LW_CRI);
	TT_EQ_INT(rec.kube_ns, 1732019071209301999LL);
	TT_EQ_INT(rec.kube_off, 60);
	/* no fraction at all; stderr; a tag after the F */
	TT_EQ_INT(parse("2024-11-19T12:24:31Z stderr F:x " LINE),
	    ZT_CLASS_RECORD);
	RECORD_OK(ZT_LW_CRI);
	/* other lines stay other, malformed stay malformed */
	TT_EQ_INT(parse("2024-11-19T12:24:31Z stdout F version: 1.24"),
	    ZT_CLASS_OTHER);
	TT_EQ_INT(parse("2024-11-19T12:24:31Z stdout F " TS
	    "\tinfo\taccess\tconnection complete\tsrc.addr=1.2.3.4:5"),
	    ZT_CLASS_MALFORMED);
	TT_EQ_STR(rec.why, "missing dst.addr");
}

/* t_wrap-2 */
static void
cri_partial_lines_are_joined(void)
{
	zt_parser_source(&ps, NULL);
	TT_EQ_INT(parse("2024-11-19T12:24:31.1Z stdout P " TS
	    "\tinfo\taccess\tconnection com"), ZT_CLASS_JOINED);
	TT_EQ_INT(parse("2024-11-19T12:24:31.2Z stdout P plete\tsrc.addr="
	    "10.244.1.12:51122 dst.addr=142.250.191.142:443 "), ZT_CLASS_JOINED);
	TT_EQ_INT(parse("2024-11-19T12:24:31.3Z stdout F direction=\"outbound\" "
	    "bytes_sent=812 bytes_recv=5234 duration=\"118ms\""),
	    ZT_CLASS_RECORD);
	RECORD_OK(ZT_LW_CRI);
	TT_EQ_INT(rec.kube_ns, 1732019071300000000LL);
	/* nothing pending after the F */
	TT_EQ_INT(zt_parse_flush(&ps, &rec, &(enum zt_class){ 0 }), 0);

	/* a P at the end of the file: classified at the flush */
	TT_EQ_INT(parse("2024-11-19T12:24:31.1Z stdout P " LINE),
	    ZT_CLASS_JOINED);
	{
		enum zt_class	 c = ZT_CLASS_OTHER;

		TT_EQ_INT(zt_parse_flush(&ps, &rec, &c), 1);
		TT_EQ_INT(c, ZT_CLASS_RECORD);
		TT_EQ_INT(rec.unjoin, 1);
		RECORD_OK(ZT_LW_CRI);
	}

	/* joined past the cap: malformed, said once, on the F line */
	zt_parser_maxjoin(&ps, 64);
	TT_EQ_INT(parse("2024-11-19T12:24:31.1Z stdout P " LINE),
	    ZT_CLASS_JOINED);
	TT_EQ_INT(parse("2024-11-19T12:24:31.1Z stdout F x"),
	    ZT_CLASS_MALFORMED);
	TT_EQ_STR(rec.why, "line too long (split line joined over 64 bytes)");
	zt_parser_maxjoin(&ps, 1 << 20);
}

/* t_wrap-3 */
static void
docker_and_shippers(void)
{
	TT_EQ_INT(parse("{\"log\":\"" JLINE "\\n\",\"stream\":\"stdout\","
	    "\"time\":\"2024-11-19T12:24:31.2093019Z\"}"), ZT_CLASS_RECORD);
	RECORD_OK(ZT_LW_DOCKER);
	TT_CHECK(rec.pod.p == NULL);

	/* a docker line split in 16 KB chunks: no newline until the end */
	TT_EQ_INT(parse("{\"log\":\"" TS "\\u0009info\\u0009access\","
	    "\"stream\":\"stdout\",\"time\":\"2024-11-19T12:24:31Z\"}"),
	    ZT_CLASS_JOINED);
	TT_EQ_INT(parse("{\"log\":\"\\u0009connection complete\\u0009"
	    "src.addr=10.244.1.12:51122 dst.addr=142.250.191.142:443 "
	    "direction=\\\"outbound\\\" bytes_sent=812 bytes_recv=5234 "
	    "duration=\\\"118ms\\\"\\n\",\"stream\":\"stdout\","
	    "\"time\":\"2024-11-19T12:24:31Z\"}"), ZT_CLASS_RECORD);
	RECORD_OK(ZT_LW_DOCKER);

	/* fluent-bit, its [time, record] form, fluentd */
	TT_EQ_INT(parse("{\"log\":\"" JLINE "\\n\",\"stream\":\"stdout\","
	    "\"kubernetes\":{\"pod_name\":\"ztunnel-4xk2p\",\"namespace_name\":"
	    "\"istio-system\",\"labels\":{\"app\":\"ztunnel\"}}}"),
	    ZT_CLASS_RECORD);
	RECORD_OK(ZT_LW_FLUENTBIT);
	VIEW(rec.pod, "ztunnel-4xk2p");
	TT_EQ_INT(parse("[1732019071.209301,{\"log\":\"" JLINE "\\n\","
	    "\"kubernetes\":{\"pod_name\":\"ztunnel-4xk2p\"}}]"),
	    ZT_CLASS_RECORD);
	RECORD_OK(ZT_LW_FLUENTBIT);
	VIEW(rec.pod, "ztunnel-4xk2p");

	/* Vector, nested and flattened */
	TT_EQ_INT(parse("{\"file\":\"/var/log/pods/x/istio-proxy/0.log\","
	    "\"kubernetes\":{\"pod_name\":\"ztunnel-v\",\"pod_namespace\":"
	    "\"istio-system\"},\"message\":\"" JLINE "\",\"source_type\":"
	    "\"kubernetes_logs\",\"stream\":\"stdout\"}"), ZT_CLASS_RECORD);
	RECORD_OK(ZT_LW_VECTOR);
	VIEW(rec.pod, "ztunnel-v");
	TT_EQ_INT(parse("{\"kubernetes.pod_name\":\"ztunnel-f\",\"message\":\""
	    JLINE "\"}"), ZT_CLASS_RECORD);
	RECORD_OK(ZT_LW_VECTOR);
	VIEW(rec.pod, "ztunnel-f");

	/* OpenTelemetry: body string or stringValue; k8s.pod.name */
	TT_EQ_INT(parse("{\"timestamp\":\"2024-11-19 12:24:31 +0000 UTC\","
	    "\"body\":\"" JLINE "\",\"attributes\":{\"log.iostream\":"
	    "\"stdout\"},\"resource\":{\"k8s.pod.name\":\"ztunnel-o\"}}"),
	    ZT_CLASS_RECORD);
	RECORD_OK(ZT_LW_OTEL);
	VIEW(rec.pod, "ztunnel-o");
	TT_EQ_INT(parse("{\"body\":{\"stringValue\":\"" JLINE "\"}}"),
	    ZT_CLASS_RECORD);
	RECORD_OK(ZT_LW_OTEL);

	/* logcli --output jsonl */
	TT_EQ_INT(parse("{\"labels\":{\"app\":\"ztunnel\",\"pod\":\"ztunnel-l\"},"
	    "\"line\":\"" JLINE "\",\"timestamp\":\"2024-11-19T13:24:31+01:00\"}"),
	    ZT_CLASS_RECORD);
	RECORD_OK(ZT_LW_LOGCLI);
	VIEW(rec.pod, "ztunnel-l");

	/* ztunnel's own JSON inside an envelope */
	TT_EQ_INT(parse("{\"log\":\"{\\\"level\\\":\\\"info\\\",\\\"time\\\":"
	    "\\\"" TS "\\\",\\\"scope\\\":\\\"access\\\",\\\"message\\\":"
	    "\\\"connection complete\\\",\\\"src.addr\\\":\\\"10.244.1.12:51122"
	    "\\\",\\\"dst.addr\\\":\\\"142.250.191.142:443\\\","
	    "\\\"direction\\\":\\\"outbound\\\",\\\"bytes_sent\\\":812,"
	    "\\\"bytes_recv\\\":5234,\\\"duration\\\":\\\"118ms\\\"}\\n\","
	    "\"stream\":\"stdout\",\"time\":\"2024-11-19T12:24:31Z\"}"),
	    ZT_CLASS_RECORD);
	TT_EQ_INT(rec.fmt, ZT_FMT_JSON);
	TT_EQ_INT(rec.wrap, ZT_LW_DOCKER);
	TT_EQ_INT(rec.bytes_recv, 5234);

	/* an envelope whose line is no access line */
	TT_EQ_INT(parse("{\"log\":\"" TS "\\u0009info\\u0009xds::client"
	    "\\u0009received response\\n\",\"stream\":\"stdout\","
	    "\"time\":\"2024-11-19T12:24:31Z\"}"), ZT_CLASS_OTHER);
}

/* t_wrap-4 */
static void
text_exports_and_unknown_prefixes(void)
{
	/* logcli default: second precision, labels */
	TT_EQ_INT(parse("2024-11-19T12:24:31Z {app=\"ztunnel\", pod=\"ztunnel-"
	    "k\", stream=\"stdout\"} " LINE), ZT_CLASS_RECORD);
	RECORD_OK(ZT_LW_LOGCLI);
	VIEW(rec.pod, "ztunnel-k");
	TT_CHECK(rec.prefix.p == NULL);
	TT_EQ_INT(parse("2024-11-19T13:24:31+01:00 " LINE), ZT_CLASS_RECORD);
	RECORD_OK(ZT_LW_LOGCLI);
	/* Grafana's download */
	TT_EQ_INT(parse("2024-11-19 12:24:31.209\t" LINE), ZT_CLASS_RECORD);
	RECORD_OK(ZT_LW_GRAFANA);
	/* a viewer's export, a doc, an issue: kept as the prefix */
	TT_EQ_INT(parse("2024-10-29T17:39:45.936Z | " LINE), ZT_CLASS_RECORD);
	RECORD_OK(ZT_LW_PREFIX);
	VIEW(rec.prefix, "2024-10-29T17:39:45.936Z | ");
	TT_EQ_INT(parse("# " LINE), ZT_CLASS_RECORD);
	RECORD_OK(ZT_LW_PREFIX);
	VIEW(rec.prefix, "# ");
	TT_EQ_INT(parse(">   " LINE), ZT_CLASS_RECORD);
	VIEW(rec.prefix, ">   ");
	/* issue 14: [pod/x/c] without its space */
	TT_EQ_INT(parse("[pod/x/c]" LINE), ZT_CLASS_RECORD);
	RECORD_OK(ZT_LW_PREFIX);
	VIEW(rec.prefix, "[pod/x/c]");
	/* a JSON line behind a prefix */
	TT_EQ_INT(parse("app | {\"level\":\"info\",\"time\":\"" TS "\",\"scope\":"
	    "\"access\",\"message\":\"connection complete\",\"src.addr\":"
	    "\"1.2.3.4:5\",\"dst.addr\":\"5.6.7.8:9\",\"direction\":"
	    "\"inbound\"}"), ZT_CLASS_RECORD);
	TT_EQ_INT(rec.fmt, ZT_FMT_JSON);
	VIEW(rec.prefix, "app | ");
}

/* t_wrap-5 */
static void
headerless_records(void)
{
	TT_EQ_INT(parse(FIELDS), ZT_CLASS_RECORD);
	TT_EQ_INT(rec.partial, 1);
	TT_EQ_INT(rec.ts_us, ZT_TS_NONE);
	TT_CHECK(rec.ts.p == NULL && rec.level.p == NULL &&
	    rec.message.p == NULL && rec.prefix.p == NULL);
	TT_EQ_INT(rec.bytes_sent, 812);
	TT_EQ_INT(parse("> " FIELDS), ZT_CLASS_RECORD);
	TT_EQ_INT(rec.partial, 1);
	TT_EQ_INT(rec.wrap, ZT_LW_PREFIX);
	VIEW(rec.prefix, "> ");
	TT_EQ_INT(parse("{\"src.addr\":\"1.2.3.4:5\",\"dst.addr\":\"5.6.7.8:9\","
	    "\"direction\":\"inbound\",\"bytes_sent\":3}"), ZT_CLASS_RECORD);
	TT_EQ_INT(rec.partial, 1);
	TT_EQ_INT(rec.fmt, ZT_FMT_JSON);
	TT_EQ_INT(rec.ts_us, ZT_TS_NONE);
	/* inside a CRI line */
	TT_EQ_INT(parse("2024-11-19T12:24:31Z stdout F " FIELDS),
	    ZT_CLASS_RECORD);
	TT_EQ_INT(rec.partial, 1);
	TT_EQ_INT(rec.wrap, ZT_LW_CRI);
	TT_EQ_INT(rec.has_kube, 1);
	/* fields that do not read: malformed with the reason */
	TT_EQ_INT(parse("src.addr=1.2.3.4:5 direction=\"inbound\""),
	    ZT_CLASS_MALFORMED);
	TT_EQ_STR(rec.why, "access fields without a head: missing dst.addr");
	TT_EQ_INT(parse("note: src.addr=1.2.3.4:5 is what we saw"),
	    ZT_CLASS_MALFORMED);
}

/* t_wrap-6: issue 14, item 11, and the rest of the guarantee */
static void
access_fields_are_never_other(void)
{
	static const struct {
		const char	*line;
		const char	*why;
	} bad[] = {
		{ "10000-11-19T12:24:31.209301Z\tinfo\taccess\tconnection "
		    "complete\t" FIELDS, "bad timestamp" },
		{ "2024-11-19T12:24:31.2093011234567890123456789Z\tinfo\t"
		    "access\tconnection complete\t" FIELDS, "bad timestamp" },
		{ TS "\tINFO\taccess\tconnection complete\t" FIELDS,
		    "unknown level or layout" },
		{ TS "\tnotice\taccess\tconnection complete\t" FIELDS,
		    "unknown level or layout" },
		{ "2024-11-19T12:26:00.100001Zinfo\taccess\tconnection "
		    "complete\t" FIELDS, "bad timestamp" },
		{ "2024-04-11T15:38:42.182974Z  INFO access: connection "
		    "complete " FIELDS, "unknown level or layout" },
		{ "{\"log\":\"x\",\"kubernetes\":{\"src.addr\":\"1.2.3.4:5\"}}",
		    "access fields in a JSON record holding no readable "
		    "access line" },
	};
	static const char *const other[] = {
		/* ztunnel lines of other scopes: dns has src.addr too */
		TS "\tdebug\tdns\tsrc.workload=\"x\" src.addr=1.2.3.4:5",
		"{\"level\":\"info\",\"time\":\"" TS "\",\"scope\":\"dns\","
		    "\"src.addr\":\"1.2.3.4:5\"}",
		"2024-11-19T12:24:31Z stdout F " TS "\tinfo\tproxy::inbound\t"
		    "listener established\taddress=[::]:15008",
		"readme: the access log of ztunnel",
	};
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		TT_EQ_INT(parse(bad[i].line), ZT_CLASS_MALFORMED);
		TT_EQ_STR(rec.why, bad[i].why);
	}
	for (i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		TT_EQ_INT(parse(other[i]), ZT_CLASS_OTHER);
}

/* t_wrap-7: what the source says fills what the envelope does not */
static void
source_pod_under_envelopes(void)
{
	struct zt_srcinfo	 node = { "n/0.log", "ztunnel-src", NULL, NULL,
	    NULL, NULL, NULL, ZT_WRAP_AUTO };

	zt_parser_source(&ps, &node);
	TT_EQ_INT(parse("2024-11-19T12:24:31Z stdout F " LINE),
	    ZT_CLASS_RECORD);
	VIEW(rec.pod, "ztunnel-src");
	TT_EQ_INT(parse("{\"log\":\"" JLINE "\\n\",\"kubernetes\":"
	    "{\"pod_name\":\"ztunnel-env\"}}"), ZT_CLASS_RECORD);
	VIEW(rec.pod, "ztunnel-env");
	zt_parser_source(&ps, NULL);
}

int
main(void)
{
	zt_parser_init(&ps);
	cri_lines();
	cri_partial_lines_are_joined();
	docker_and_shippers();
	text_exports_and_unknown_prefixes();
	headerless_records();
	access_fields_are_never_other();
	source_pod_under_envelopes();
	zt_parser_fini(&ps);
	return tt_finish("t_wrap");
}

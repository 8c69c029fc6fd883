/*
 * t_record.c -- zt_parse_line(), zt_parse_ts27() and zt_format_ts() of
 * record.h.
 *
 * Test plan:
 *   t_record-1.*  text layouts: the 1.23 TAB layout with all 17 fields
 *                 (every view, the numbers, ts/ts_us, level, message), the
 *                 same columns separated by runs of spaces, the 1.22.0
 *                 layout (unquoted names, bare error= text with spaces,
 *                 trailing blanks dropped), every level, empty values,
 *                 two escaped values whose views must both survive.
 *   t_record-2.*  decorations: kubectl --prefix (also on non-access
 *                 lines), --timestamps with Z, +02:00, -05:30, +00:00
 *                 (kube_ns is the instant in UTC, kube_off in minutes,
 *                 kube_z), both together, stern "POD CONTAINER " and
 *                 "POD " and Kiali "[POD] " prefixes, words that are not
 *                 a prefix, an out-of-range offset that is not a kubelet
 *                 timestamp.
 *   t_record-3.*  JSON: the 1.22.1+ shape (numbers as JSON numbers), the
 *                 1.22.0 shape (timestamp/target, uppercase level made
 *                 lowercase, span/spans dropped), JSON string escapes
 *                 (surrogate pair decoded; \u0000 and a lone surrogate
 *                 kept as written), unknown members into extra as JSON,
 *                 decorations before JSON; a string's end (quote,
 *                 backslash, control byte) found at every position (3.5).
 *   t_record-4.*  Rust escapes in quoted text values: \" \\ \n \r \t \'
 *                 \u{7} \u{200d} \u{1F600} decoded; \0, \u{0}, \u{d800},
 *                 \u{110000} kept as written; a value ending in an escaped
 *                 backslash; bad escapes.
 *   t_record-5.*  extra: unknown text fields become a JSON object in line
 *                 order (escapes decoded, then JSON-escaped); absent when
 *                 there are none; nothing carried over to the next line.
 *   t_record-6.*  malformed, text: every reason with its exact why text
 *                 (missing src.addr / dst.addr / direction, bad number,
 *                 number out of range, bad duration (four shapes),
 *                 duration out of range, duplicate field, invalid UTF-8,
 *                 NUL byte, bad timestamp (calendar), unterminated quoted
 *                 value, bad field syntax with its 1-based column counted
 *                 from the start of the physical line, unknown access
 *                 message in the space layout); why is cleared by the
 *                 next good line; the end of a quoted value (6.8) and
 *                 of an unquoted one (6.9) found at every position.
 *   t_record-7.*  malformed, JSON: invalid JSON (cut-off access line,
 *                 trailing text, trailing comma), missing time, bad
 *                 timestamp, bad and out-of-range numbers, bad duration,
 *                 duplicate field, invalid UTF-8, missing src.addr; a raw
 *                 NUL in a string.
 *   t_record-8.*  other lines: xds, legacy uppercase INFO layout, YAML
 *                 continuation lines, empty line, a bare timestamp,
 *                 agentgateway's "info\trequest\tgateway=..." lookalike,
 *                 the dns target, scopes that only start with "access",
 *                 an unknown level, uppercase level in the TAB layout,
 *                 JSON that is not access (valid or cut off).
 *   t_record-9.*  zt_parse_ts27: epoch, known instants, leap days,
 *                 calendar limits, shape errors; zt_format_ts writes
 *                 ztunnel's form, and parsing it gives the instant back;
 *                 a minute parsed before (its date kept, 9.4) gives the
 *                 same instants, and its bad seconds are still refused.
 *   t_record-10.* the source's context: a line without a decoration gets
 *                 its source's pod (records, JSON records, other,
 *                 malformed and empty lines alike), a kubectl or stern
 *                 decoration wins over it, a source without a pod or no
 *                 source leaves the pod absent, and changing the source
 *                 between lines takes effect at once.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "parse/record.h"
#include "tt.h"

static struct zt_parser	 ps;
static struct zt_rec	 rec;
static char		 lbuf[8192];
static size_t		 llen;

/* The view of field f equals s. */
#define FIELD(k, s)	TT_EQ_MEM(rec.f[k].p, rec.f[k].n, (s))
#define ABSENT(k)	TT_CHECK(rec.f[k].p == NULL)
#define VIEW(v, s)	TT_EQ_MEM((v).p, (v).n, (s))

static enum zt_class
parse_n(const char *s, size_t n)
{
	if (s != lbuf) {
		memcpy(lbuf, s, n);
		llen = n;
	}
	return zt_parse_line(&ps, (struct zt_str){ lbuf, n }, &rec);
}

static enum zt_class
parse(const char *s)
{
	return parse_n(s, strlen(s));
}

/* A text access line: the usual head, then fields. */
#define HEAD	"2024-11-19T12:26:00.100001Z\tinfo\taccess\t" \
		"connection complete\t"
#define REQ	"src.addr=10.244.1.12:41801 dst.addr=10.244.2.11:9080 " \
		"direction=\"outbound\""

static enum zt_class
text(const char *fields)
{
	llen = (size_t)snprintf(lbuf, sizeof(lbuf), "%s%s", HEAD, fields);
	return parse_n(lbuf, llen);
}

static void
malformed_is(enum zt_class c, const char *why, int line)
{
	tt_checks++;
	if (c != ZT_CLASS_MALFORMED || strcmp(rec.why, why) != 0) {
		tt_failed++;
		fprintf(stderr, "%s:%d: class %d why \"%s\", want malformed "
		    "\"%s\"\n", __FILE__, line, (int)c, rec.why, why);
	}
}

#define MALFORMED(c, why)	malformed_is((c), (why), __LINE__)

static const char L123[] =
    "2024-11-19T12:24:31.209877Z\tinfo\taccess\tconnection complete\t"
    "src.addr=10.244.1.12:46232 src.workload=\"curl-7656cf8794-r7zb9\" "
    "src.namespace=\"default\" "
    "src.identity=\"spiffe://cluster.local/ns/default/sa/curl\" "
    "src.cluster=\"cluster-east\" dst.addr=10.244.2.7:15008 "
    "dst.hbone_addr=10.244.2.7:9080 "
    "dst.service=\"reviews.default.svc.cluster.local\" "
    "dst.workload=\"reviews-v1-5fd6d4f8f8-26j92\" dst.namespace=\"default\" "
    "dst.identity=\"spiffe://cluster.local/ns/default/sa/bookinfo-reviews\" "
    "dst.cluster=\"cluster-west\" direction=\"outbound\" bytes_sent=84 "
    "bytes_recv=358 duration=\"5ms\" error=\"connection reset by peer\"";

/* The access part of a short 1.23 record, for the decoration tests. */
#define SHORT \
    "2024-11-19T12:24:31.209301Z\tinfo\taccess\tconnection complete\t" \
    "src.addr=10.244.1.12:51122 dst.addr=142.250.191.142:443 " \
    "direction=\"outbound\" bytes_sent=812 bytes_recv=5234 duration=\"118ms\""

static void
short_record_ok(int line)
{
	tt_checks++;
	if (rec.fmt != ZT_FMT_TEXT || rec.ts.p == NULL ||
	    rec.ts.n != 27 || memcmp(rec.ts.p,
	    "2024-11-19T12:24:31.209301Z", 27) != 0 ||
	    rec.ts_us != 1732019071209301LL || rec.bytes_sent != 812 ||
	    rec.bytes_recv != 5234 || rec.duration_ms != 118 ||
	    !ZT_STR_EQ(rec.f[ZT_F_DST_ADDR], "142.250.191.142:443")) {
		tt_failed++;
		fprintf(stderr, "%s:%d: short record not read right\n",
		    __FILE__, line);
	}
}

/* t_record-1.1 */
static void
text_tab_layout_reads_every_field(void)
{
	TT_EQ_INT(parse(L123), ZT_CLASS_RECORD);
	TT_EQ_INT(rec.fmt, ZT_FMT_TEXT);
	TT_CHECK(rec.pod.p == NULL);
	TT_EQ_INT(rec.has_kube, 0);
	VIEW(rec.ts, "2024-11-19T12:24:31.209877Z");
	TT_EQ_INT(rec.ts_us, 1732019071209877LL);
	VIEW(rec.level, "info");
	VIEW(rec.message, "connection complete");
	FIELD(ZT_F_SRC_ADDR, "10.244.1.12:46232");
	FIELD(ZT_F_SRC_WORKLOAD, "curl-7656cf8794-r7zb9");
	FIELD(ZT_F_SRC_NAMESPACE, "default");
	FIELD(ZT_F_SRC_IDENTITY, "spiffe://cluster.local/ns/default/sa/curl");
	FIELD(ZT_F_SRC_CLUSTER, "cluster-east");
	FIELD(ZT_F_DST_ADDR, "10.244.2.7:15008");
	FIELD(ZT_F_DST_HBONE_ADDR, "10.244.2.7:9080");
	FIELD(ZT_F_DST_SERVICE, "reviews.default.svc.cluster.local");
	FIELD(ZT_F_DST_WORKLOAD, "reviews-v1-5fd6d4f8f8-26j92");
	FIELD(ZT_F_DST_NAMESPACE, "default");
	FIELD(ZT_F_DST_IDENTITY,
	    "spiffe://cluster.local/ns/default/sa/bookinfo-reviews");
	FIELD(ZT_F_DST_CLUSTER, "cluster-west");
	FIELD(ZT_F_DIRECTION, "outbound");
	FIELD(ZT_F_BYTES_SENT, "84");
	FIELD(ZT_F_BYTES_RECV, "358");
	FIELD(ZT_F_DURATION, "5ms");
	FIELD(ZT_F_ERROR, "connection reset by peer");
	TT_EQ_INT(rec.bytes_sent, 84);
	TT_EQ_INT(rec.bytes_recv, 358);
	TT_EQ_INT(rec.duration_ms, 5);
	TT_CHECK(rec.extra.p == NULL);
	TT_EQ_STR(rec.why, "");
	/* The field names table matches the enum. */
	TT_EQ_STR(zt_field_names[ZT_F_SRC_ADDR], "src.addr");
	TT_EQ_STR(zt_field_names[ZT_F_DST_HBONE_ADDR], "dst.hbone_addr");
	TT_EQ_STR(zt_field_names[ZT_F_ERROR], "error");
}

/* t_record-1.2 */
static void
text_space_separated_columns(void)
{
	static const char line[] =
	    "2024-05-04T10:14:27.331512Z info    access  connection complete "
	    "src.addr=10.244.1.12:58742 src.workload=\"curl-7656cf8794-r7zb9\" "
	    "dst.addr=10.244.2.11:15008 dst.hbone_addr=\"10.244.2.11:9080\" "
	    "dst.namespace=\"ratings\" direction=\"outbound\" bytes_sent=92 "
	    "bytes_recv=190 duration=\"1ms\"   ";

	TT_EQ_INT(parse(line), ZT_CLASS_RECORD);
	TT_EQ_INT(rec.fmt, ZT_FMT_TEXT);
	VIEW(rec.ts, "2024-05-04T10:14:27.331512Z");
	VIEW(rec.level, "info");
	VIEW(rec.message, "connection complete");
	FIELD(ZT_F_SRC_ADDR, "10.244.1.12:58742");
	FIELD(ZT_F_SRC_WORKLOAD, "curl-7656cf8794-r7zb9");
	FIELD(ZT_F_DST_HBONE_ADDR, "10.244.2.11:9080");
	FIELD(ZT_F_DST_NAMESPACE, "ratings");
	FIELD(ZT_F_DIRECTION, "outbound");
	ABSENT(ZT_F_SRC_NAMESPACE);
	ABSENT(ZT_F_ERROR);
	TT_EQ_INT(rec.bytes_sent, 92);
	TT_EQ_INT(rec.bytes_recv, 190);
	TT_EQ_INT(rec.duration_ms, 1);

	/* Mixed tabs and spaces, warn / connection failed. */
	TT_EQ_INT(parse("2024-05-04T10:14:28.000001Z  warn \t access \t "
	    "connection failed  src.addr=1.2.3.4:5 dst.addr=5.6.7.8:9 "
	    "direction=\"outbound\" error=\"no healthy upstream\""),
	    ZT_CLASS_RECORD);
	VIEW(rec.level, "warn");
	VIEW(rec.message, "connection failed");
	FIELD(ZT_F_ERROR, "no healthy upstream");
	ABSENT(ZT_F_BYTES_SENT);
	ABSENT(ZT_F_DURATION);
}

/* t_record-1.3 */
static void
text_1_22_0_unquoted_names_and_bare_error(void)
{
	TT_EQ_INT(parse("2024-05-14T08:01:12.345678Z\tinfo\taccess\t"
	    "connection complete\tsrc.addr=10.244.1.15:51734 "
	    "src.workload=sleep-bc9998558-bhv5z src.namespace=my-ambient "
	    "src.identity=\"spiffe://cluster.local/ns/my-ambient/sa/sleep\" "
	    "dst.addr=10.244.2.9:15008 dst.hbone_addr=10.244.2.9:5000 "
	    "dst.service=helloworld.my-ambient.svc.cluster.local "
	    "direction=\"outbound\" bytes_sent=93 bytes_recv=239 "
	    "duration=\"142ms\""), ZT_CLASS_RECORD);
	TT_EQ_INT(rec.ts_us, 1715673672345678LL);
	FIELD(ZT_F_SRC_WORKLOAD, "sleep-bc9998558-bhv5z");
	FIELD(ZT_F_SRC_NAMESPACE, "my-ambient");
	FIELD(ZT_F_DST_SERVICE, "helloworld.my-ambient.svc.cluster.local");
	TT_EQ_INT(rec.duration_ms, 142);

	TT_EQ_INT(parse("2024-05-14T08:01:31.662350Z\twarn\taccess\t"
	    "connection failed\tsrc.addr=10.244.1.15:52890 "
	    "dst.addr=10.96.182.7:5000 direction=\"outbound\" "
	    "error=unknown waypoint: unable to determine waypoint upstream"),
	    ZT_CLASS_RECORD);
	VIEW(rec.level, "warn");
	VIEW(rec.message, "connection failed");
	FIELD(ZT_F_ERROR,
	    "unknown waypoint: unable to determine waypoint upstream");
	TT_EQ_INT(rec.ts_us, 1715673691662350LL);
	ABSENT(ZT_F_BYTES_SENT);
	TT_CHECK(rec.extra.p == NULL);

	/* The bare error runs to the end, less trailing blanks, and may
	 * hold '=' and '"'. */
	TT_EQ_INT(text(REQ " error=no workload for a=\"b\" here \t "),
	    ZT_CLASS_RECORD);
	FIELD(ZT_F_ERROR, "no workload for a=\"b\" here");
	TT_EQ_INT(text(REQ " error="), ZT_CLASS_RECORD);
	FIELD(ZT_F_ERROR, "");
}

/* t_record-1.4 */
static void
text_every_level_and_message(void)
{
	static const char *const lv[] = { "trace", "debug", "info", "warn",
	    "error" };
	static const char *const msg[] = { "connection opened",
	    "connection complete", "connection failed" };
	size_t	 i, j;
	int	 bad = 0;

	for (i = 0; i < 5; i++)
		for (j = 0; j < 3; j++) {
			llen = (size_t)snprintf(lbuf, sizeof(lbuf),
			    "2024-11-19T12:26:00.100001Z\t%s\taccess\t%s\t%s",
			    lv[i], msg[j], REQ);
			/*
			 * Without error=, a failure or an error-level
			 * completion is a line cut short: malformed.
			 */
			if (j == 2 || (i == 4 && j == 1)) {
				if (parse_n(lbuf, llen) != ZT_CLASS_MALFORMED ||
				    strcmp(rec.why, "missing error") != 0)
					bad++;
				continue;
			}
			if (parse_n(lbuf, llen) != ZT_CLASS_RECORD ||
			    !zt_str_eq(rec.level, lv[i], strlen(lv[i])) ||
			    !zt_str_eq(rec.message, msg[j], strlen(msg[j])))
				bad++;
		}
	TT_EQ_INT(bad, 0);
}

/* t_record-1.5 */
static void
text_empty_values_are_present(void)
{
	TT_EQ_INT(text(REQ " dst.service= src.workload=\"\""),
	    ZT_CLASS_RECORD);
	TT_CHECK(rec.f[ZT_F_DST_SERVICE].p != NULL);
	TT_EQ_INT(rec.f[ZT_F_DST_SERVICE].n, 0);
	TT_CHECK(rec.f[ZT_F_SRC_WORKLOAD].p != NULL);
	TT_EQ_INT(rec.f[ZT_F_SRC_WORKLOAD].n, 0);
	ABSENT(ZT_F_DST_WORKLOAD);
}

/* t_record-1.6 */
static void
text_two_escaped_values_keep_their_views(void)
{
	TT_EQ_INT(text("src.addr=1.2.3.4:5 src.workload=\"a\\tb\" "
	    "dst.addr=5.6.7.8:9 dst.workload=\"plain\" direction=\"inbound\" "
	    "error=\"c\\nd\""), ZT_CLASS_RECORD);
	FIELD(ZT_F_SRC_WORKLOAD, "a\tb");
	FIELD(ZT_F_DST_WORKLOAD, "plain");
	FIELD(ZT_F_ERROR, "c\nd");
	FIELD(ZT_F_DIRECTION, "inbound");
}

/* t_record-2.1 */
static void
decor_kubectl_prefix(void)
{
	TT_EQ_INT(parse("[pod/ztunnel-6hvcw/istio-proxy] " SHORT),
	    ZT_CLASS_RECORD);
	VIEW(rec.pod, "ztunnel-6hvcw");
	TT_EQ_INT(rec.has_kube, 0);
	short_record_ok(__LINE__);

	/* The pod is set for every class. */
	TT_EQ_INT(parse("[pod/ztunnel-89z75/istio-proxy] dnsProxy: true"),
	    ZT_CLASS_OTHER);
	VIEW(rec.pod, "ztunnel-89z75");
	TT_EQ_INT(parse("[pod/ztunnel-89z75/istio-proxy] \t"),
	    ZT_CLASS_OTHER);
	VIEW(rec.pod, "ztunnel-89z75");
	TT_EQ_INT(parse("[pod/ztunnel-89z75/istio-proxy] " HEAD
	    "src.addr=1.2.3.4:5"), ZT_CLASS_MALFORMED);
	VIEW(rec.pod, "ztunnel-89z75");
	TT_EQ_STR(rec.why, "missing dst.addr");
}

/* t_record-2.2 */
static void
decor_kubelet_timestamps(void)
{
	const int64_t	 inst = 1732019071209342817LL;

	TT_EQ_INT(parse("2024-11-19T12:24:31.209342817Z " SHORT),
	    ZT_CLASS_RECORD);
	TT_EQ_INT(rec.has_kube, 1);
	TT_EQ_INT(rec.kube_z, 1);
	TT_EQ_INT(rec.kube_off, 0);
	TT_EQ_INT(rec.kube_ns, inst);
	TT_CHECK(rec.pod.p == NULL);
	short_record_ok(__LINE__);

	TT_EQ_INT(parse("2024-11-19T14:24:31.209342817+02:00 " SHORT),
	    ZT_CLASS_RECORD);
	TT_EQ_INT(rec.has_kube, 1);
	TT_EQ_INT(rec.kube_z, 0);
	TT_EQ_INT(rec.kube_off, 120);
	TT_EQ_INT(rec.kube_ns, inst);
	short_record_ok(__LINE__);

	TT_EQ_INT(parse("2024-11-19T06:54:31.209342817-05:30 " SHORT),
	    ZT_CLASS_RECORD);
	TT_EQ_INT(rec.kube_z, 0);
	TT_EQ_INT(rec.kube_off, -330);
	TT_EQ_INT(rec.kube_ns, inst);
	short_record_ok(__LINE__);

	TT_EQ_INT(parse("2024-11-19T12:24:31.209342817+00:00 " SHORT),
	    ZT_CLASS_RECORD);
	TT_EQ_INT(rec.kube_z, 0);
	TT_EQ_INT(rec.kube_off, 0);
	TT_EQ_INT(rec.kube_ns, inst);

	/* Across midnight: local date differs from the UTC one. */
	TT_EQ_INT(parse("2024-11-20T01:24:31.209342817+13:00 " SHORT),
	    ZT_CLASS_RECORD);
	TT_EQ_INT(rec.kube_off, 780);
	TT_EQ_INT(rec.kube_ns, inst);

	/* On other lines too. */
	TT_EQ_INT(parse("2024-11-19T12:24:10.000233101Z   secs: 5"),
	    ZT_CLASS_OTHER);
	TT_EQ_INT(rec.has_kube, 1);
	TT_EQ_INT(rec.kube_ns, 1732019050000233101LL);

	/*
	 * An offset of 24 hours is no kubelet timestamp, and neither is one
	 * with 6 fractional digits: before an access line, that is reported.
	 */
	TT_EQ_INT(parse("2024-11-19T12:24:31.209342817+24:00 " SHORT),
	    ZT_CLASS_MALFORMED);
	TT_EQ_STR(rec.why, "bad kubelet timestamp (kubectl --timestamps)");
	TT_EQ_INT(rec.has_kube, 0);
	TT_EQ_INT(parse("2024-11-19T12:24:31.209342Z " SHORT),
	    ZT_CLASS_MALFORMED);
	TT_EQ_INT(rec.has_kube, 0);
}

/* t_record-2.3 */
static void
decor_prefix_and_timestamps_together(void)
{
	TT_EQ_INT(parse("[pod/ztunnel-89z75/istio-proxy] "
	    "2024-11-19T14:24:31.209342817+02:00 " SHORT), ZT_CLASS_RECORD);
	VIEW(rec.pod, "ztunnel-89z75");
	TT_EQ_INT(rec.has_kube, 1);
	TT_EQ_INT(rec.kube_off, 120);
	TT_EQ_INT(rec.kube_ns, 1732019071209342817LL);
	short_record_ok(__LINE__);
}

/* t_record-2.4 */
static void
decor_stern_prefixes(void)
{
	TT_EQ_INT(parse("ztunnel-6hvcw istio-proxy " SHORT), ZT_CLASS_RECORD);
	VIEW(rec.pod, "ztunnel-6hvcw");
	short_record_ok(__LINE__);

	TT_EQ_INT(parse("ztunnel-89z75 " SHORT), ZT_CLASS_RECORD);
	VIEW(rec.pod, "ztunnel-89z75");
	short_record_ok(__LINE__);

	TT_EQ_INT(parse("[ztunnel-abc12] " SHORT), ZT_CLASS_RECORD);
	VIEW(rec.pod, "ztunnel-abc12");
	short_record_ok(__LINE__);

	TT_EQ_INT(parse("ztunnel-x istio-proxy 2024-11-19T12:24:31.209342817Z "
	    SHORT), ZT_CLASS_RECORD);
	VIEW(rec.pod, "ztunnel-x");
	TT_EQ_INT(rec.has_kube, 1);
	TT_EQ_INT(rec.kube_ns, 1732019071209342817LL);

	/* Words before something that is not a ztunnel line: no pod. */
	TT_EQ_INT(parse("hello world again"), ZT_CLASS_OTHER);
	TT_CHECK(rec.pod.p == NULL);
	TT_EQ_INT(parse("dnsProxy: true"), ZT_CLASS_OTHER);
	TT_CHECK(rec.pod.p == NULL);
	/* ... unless an access line follows: kept behind a prefix. */
	TT_EQ_INT(parse("ztunnel-x istio-proxy extra " SHORT), ZT_CLASS_RECORD);
	TT_CHECK(rec.pod.p == NULL);
	TT_EQ_INT(rec.wrap, ZT_LW_PREFIX);
	VIEW(rec.prefix, "ztunnel-x istio-proxy extra ");
	short_record_ok(__LINE__);
}

/* t_record-3.1 */
static void
json_1_22_1_shape(void)
{
	TT_EQ_INT(parse("{\"level\":\"info\",\"time\":"
	    "\"2025-11-13T17:22:57.952388Z\",\"scope\":\"access\","
	    "\"message\":\"connection complete\","
	    "\"src.addr\":\"10.244.1.12:38620\","
	    "\"src.workload\":\"curl-7656cf8794-r7zb9\","
	    "\"src.namespace\":\"default\","
	    "\"src.identity\":\"spiffe://cluster.local/ns/default/sa/curl\","
	    "\"dst.addr\":\"10.244.1.7:15008\","
	    "\"dst.hbone_addr\":\"10.244.1.7:9080\","
	    "\"dst.service\":\"reviews.default.svc.cluster.local\","
	    "\"dst.workload\":\"reviews-v1-5fd6d4f8f8-26j92\","
	    "\"dst.namespace\":\"default\",\"dst.identity\":"
	    "\"spiffe://cluster.local/ns/default/sa/bookinfo-reviews\","
	    "\"direction\":\"inbound\",\"bytes_sent\":358,\"bytes_recv\":84,"
	    "\"duration\":\"3ms\"}"), ZT_CLASS_RECORD);
	TT_EQ_INT(rec.fmt, ZT_FMT_JSON);
	VIEW(rec.ts, "2025-11-13T17:22:57.952388Z");
	TT_EQ_INT(rec.ts_us, 1763054577952388LL);
	VIEW(rec.level, "info");
	VIEW(rec.message, "connection complete");
	FIELD(ZT_F_SRC_ADDR, "10.244.1.12:38620");
	FIELD(ZT_F_SRC_WORKLOAD, "curl-7656cf8794-r7zb9");
	FIELD(ZT_F_SRC_IDENTITY, "spiffe://cluster.local/ns/default/sa/curl");
	FIELD(ZT_F_DST_ADDR, "10.244.1.7:15008");
	FIELD(ZT_F_DST_HBONE_ADDR, "10.244.1.7:9080");
	FIELD(ZT_F_DST_SERVICE, "reviews.default.svc.cluster.local");
	FIELD(ZT_F_DST_IDENTITY,
	    "spiffe://cluster.local/ns/default/sa/bookinfo-reviews");
	FIELD(ZT_F_DIRECTION, "inbound");
	FIELD(ZT_F_BYTES_SENT, "358");
	FIELD(ZT_F_DURATION, "3ms");
	ABSENT(ZT_F_ERROR);
	ABSENT(ZT_F_SRC_CLUSTER);
	TT_EQ_INT(rec.bytes_sent, 358);
	TT_EQ_INT(rec.bytes_recv, 84);
	TT_EQ_INT(rec.duration_ms, 3);
	TT_CHECK(rec.extra.p == NULL);

	/* Whitespace between tokens is JSON too; numbers as strings work. */
	TT_EQ_INT(parse("{ \"level\" : \"warn\" , \"time\":"
	    "\"2025-11-13T17:23:09.118034Z\", \"scope\":\"access\", "
	    "\"message\":\"connection failed\", \"src.addr\":\"1.2.3.4:5\", "
	    "\"dst.addr\":\"10.96.0.99:80\", \"direction\":\"outbound\", "
	    "\"bytes_sent\":\"7\", \"error\":\"no healthy upstream\" } "),
	    ZT_CLASS_RECORD);
	VIEW(rec.level, "warn");
	VIEW(rec.message, "connection failed");
	FIELD(ZT_F_ERROR, "no healthy upstream");
	TT_EQ_INT(rec.bytes_sent, 7);
	ABSENT(ZT_F_BYTES_RECV);
}

/* t_record-3.2 */
static void
json_1_22_0_shape(void)
{
	TT_EQ_INT(parse("{\"timestamp\":\"2024-05-14T08:01:12.345678Z\","
	    "\"level\":\"INFO\",\"message\":\"connection complete\","
	    "\"src.addr\":\"10.244.1.15:51734\","
	    "\"src.workload\":\"sleep-bc9998558-bhv5z\","
	    "\"dst.addr\":\"10.244.2.9:15008\","
	    "\"dst.hbone_addr\":\"10.244.2.9:5000\",\"direction\":\"outbound\","
	    "\"bytes_sent\":93,\"bytes_recv\":239,\"duration\":\"142ms\","
	    "\"target\":\"access\",\"span\":{\"id\":2,\"name\":\"xds\"},"
	    "\"spans\":[{\"id\":2,\"name\":\"xds\"}]}"), ZT_CLASS_RECORD);
	TT_EQ_INT(rec.fmt, ZT_FMT_JSON);
	VIEW(rec.level, "info");
	VIEW(rec.ts, "2024-05-14T08:01:12.345678Z");
	TT_EQ_INT(rec.ts_us, 1715673672345678LL);
	VIEW(rec.message, "connection complete");
	FIELD(ZT_F_SRC_WORKLOAD, "sleep-bc9998558-bhv5z");
	FIELD(ZT_F_DST_HBONE_ADDR, "10.244.2.9:5000");
	TT_EQ_INT(rec.bytes_sent, 93);
	TT_EQ_INT(rec.duration_ms, 142);
	TT_CHECK(rec.extra.p == NULL);		/* span, spans dropped */

	TT_EQ_INT(parse("{\"timestamp\":\"2024-05-14T08:01:31.662350Z\","
	    "\"level\":\"WARN\",\"message\":\"connection failed\","
	    "\"src.addr\":\"10.244.1.15:52890\","
	    "\"dst.addr\":\"10.96.182.7:5000\","
	    "\"direction\":\"outbound\",\"error\":\"unknown waypoint\","
	    "\"target\":\"access\"}"), ZT_CLASS_RECORD);
	VIEW(rec.level, "warn");
	FIELD(ZT_F_ERROR, "unknown waypoint");

	/* The xds line of the same version is an other line. */
	TT_EQ_INT(parse("{\"timestamp\":\"2024-05-14T08:01:02.511390Z\","
	    "\"level\":\"INFO\",\"message\":\"received response\","
	    "\"target\":\"ztunnel::xds::client\",\"span\":{\"id\":2}}"),
	    ZT_CLASS_OTHER);
}

#define JHEAD	"{\"level\":\"info\"," \
		"\"time\":\"2025-11-13T17:23:04.510772Z\"," \
		"\"scope\":\"access\",\"message\":\"connection complete\"," \
		"\"src.addr\":\"1.2.3.4:5\",\"dst.addr\":\"5.6.7.8:9\"," \
		"\"direction\":\"outbound\""

/* t_record-3.3 */
static void
json_string_escapes(void)
{
	TT_EQ_INT(parse(JHEAD ",\"error\":\"tls: \\\"bad\\\"\\n\\t\\/x"
	    "\\u00e9\\ud83d\\ude00 \\u0000 \\ud800 \\uDC00 end\"}"),
	    ZT_CLASS_RECORD);
	FIELD(ZT_F_ERROR, "tls: \"bad\"\n\t/x\xc3\xa9\xf0\x9f\x98\x80 "
	    "\\u0000 \\ud800 \\uDC00 end");
	VIEW(rec.level, "info");
	/* An escaped key is the field it spells. */
	TT_EQ_INT(parse(JHEAD ",\"dst.\\u0077orkload\":\"w\\u0031\"}"),
	    ZT_CLASS_RECORD);
	FIELD(ZT_F_DST_WORKLOAD, "w1");
	/* A bad escape makes invalid JSON. */
	TT_EQ_INT(parse(JHEAD ",\"error\":\"a\\qb\"}"), ZT_CLASS_MALFORMED);
	TT_EQ_STR(rec.why, "invalid JSON");
}

/* t_record-3.5 */
static void
json_string_ends_found_at_every_byte(void)
{
	char	 v[48];
	char	 line[512];
	size_t	 k;
	int	 bad = 0;

	/*
	 * A control byte, a quote or a backslash at every position of a
	 * 40-byte value (the 8-byte scan, then the bytes after it).
	 */
	for (k = 0; k < 40; k++) {
		memset(v, 'w', 40);
		v[40] = '\0';
		v[k] = '\x01';
		snprintf(line, sizeof(line), JHEAD ",\"dst.workload\":\"%s\"}",
		    v);
		if (parse(line) != ZT_CLASS_MALFORMED)
			bad++;
		v[k] = '"';
		snprintf(line, sizeof(line), JHEAD ",\"dst.workload\":\"%s\"}",
		    v);
		if (parse(line) != ZT_CLASS_MALFORMED)
			bad++;
		v[k] = 'q';
		snprintf(line, sizeof(line), JHEAD ",\"dst.workload\":\"%.*s"
		    "\\\"%s\"}", (int)k, v, v + k + 1);
		if (parse(line) != ZT_CLASS_RECORD ||
		    rec.f[ZT_F_DST_WORKLOAD].n != 40 ||
		    rec.f[ZT_F_DST_WORKLOAD].p[k] != '"')
			bad++;
	}
	TT_EQ_INT(bad, 0);
}

/* t_record-3.4 */
static void
json_unknown_members_go_to_extra(void)
{
	TT_EQ_INT(parse(JHEAD ",\"xds\":{\"id\":1,\"a\":[1,true,null]},"
	    "\"flag\":false,\"n\":-1.5e3,\"note\":\"a\\\"b\\u00e9\"}"),
	    ZT_CLASS_RECORD);
	VIEW(rec.extra, "{\"xds\":{\"id\":1,\"a\":[1,true,null]},"
	    "\"flag\":false,\"n\":-1.5e3,\"note\":\"a\\\"b\xc3\xa9\"}");
	FIELD(ZT_F_DIRECTION, "outbound");
}

/* t_record-3.5 */
static void
json_after_decorations(void)
{
	TT_EQ_INT(parse("[pod/ztunnel-6hvcw/istio-proxy] "
	    "2024-11-19T12:24:31.209342817Z " JHEAD "}"), ZT_CLASS_RECORD);
	TT_EQ_INT(rec.fmt, ZT_FMT_JSON);
	VIEW(rec.pod, "ztunnel-6hvcw");
	TT_EQ_INT(rec.has_kube, 1);
	TT_EQ_INT(rec.kube_ns, 1732019071209342817LL);
	TT_EQ_INT(rec.ts_us, 1763054584510772LL);

	TT_EQ_INT(parse("ztunnel-6hvcw istio-proxy " JHEAD "}"),
	    ZT_CLASS_RECORD);
	VIEW(rec.pod, "ztunnel-6hvcw");
	TT_EQ_INT(rec.fmt, ZT_FMT_JSON);
}

/* t_record-4.1 */
static void
rust_escapes_decoded(void)
{
	TT_EQ_INT(text(REQ " error=\"q\\\"b\\\\s\\nn\\tt\\u{7}\\u{200d}z\""),
	    ZT_CLASS_RECORD);
	FIELD(ZT_F_ERROR, "q\"b\\s\nn\tt\x07\xe2\x80\x8dz");
	TT_EQ_INT(text(REQ " error=\"cr\\r sq\\' \\u{1F600}\\u{e9}\""),
	    ZT_CLASS_RECORD);
	FIELD(ZT_F_ERROR, "cr\r sq' \xf0\x9f\x98\x80\xc3\xa9");
	/* A closing quote after an escaped backslash ends the value. */
	TT_EQ_INT(text(REQ " error=\"ends with a backslash \\\\\""),
	    ZT_CLASS_RECORD);
	FIELD(ZT_F_ERROR, "ends with a backslash \\");
	/* An escaped quote does not end it; the next field still parses. */
	TT_EQ_INT(text("src.addr=1.2.3.4:5 src.workload=\"a\\\" b\" "
	    "dst.addr=5.6.7.8:9 direction=\"outbound\""), ZT_CLASS_RECORD);
	FIELD(ZT_F_SRC_WORKLOAD, "a\" b");
	FIELD(ZT_F_DST_ADDR, "5.6.7.8:9");
}

/* t_record-4.2 */
static void
rust_escapes_kept_as_written(void)
{
	TT_EQ_INT(text(REQ " error=\"NUL \\0 inside\""), ZT_CLASS_RECORD);
	FIELD(ZT_F_ERROR, "NUL \\0 inside");
	TT_EQ_INT(text(REQ " error=\"zero \\u{0} too\""), ZT_CLASS_RECORD);
	FIELD(ZT_F_ERROR, "zero \\u{0} too");
	TT_EQ_INT(text(REQ " error=\"invalid code point \\u{d800} in value\""),
	    ZT_CLASS_RECORD);
	FIELD(ZT_F_ERROR, "invalid code point \\u{d800} in value");
	TT_EQ_INT(text(REQ " error=\"beyond \\u{110000} here\""),
	    ZT_CLASS_RECORD);
	FIELD(ZT_F_ERROR, "beyond \\u{110000} here");
}

/* t_record-4.3 */
static void
rust_bad_escapes(void)
{
	MALFORMED(text(REQ " error=\"bad \\q\""), "bad escape in error");
	MALFORMED(text(REQ " error=\"\\u{}\""), "bad escape in error");
	MALFORMED(text(REQ " error=\"\\u{zz}\""), "bad escape in error");
	MALFORMED(text(REQ " error=\"\\u12\""), "bad escape in error");
	MALFORMED(text(REQ " error=\"\\u{7\""), "bad escape in error");
	MALFORMED(text(REQ " src.workload=\"\\u{123456789}\""),
	    "bad escape in src.workload");
	TT_EQ_INT(rec.fmt, ZT_FMT_TEXT);
}

/* t_record-5.1 */
static void
extra_holds_unknown_text_fields(void)
{
	TT_EQ_INT(text("src.addr=1.2.3.4:5 foo=bar dst.addr=5.6.7.8:9 "
	    "direction=\"outbound\" note=\"a \\\"q\\\"\\t\" empty= "
	    "x.y_z=\"\xc3\xa9\""), ZT_CLASS_RECORD);
	VIEW(rec.extra, "{\"foo\":\"bar\",\"note\":\"a \\\"q\\\"\\t\","
	    "\"empty\":\"\",\"x.y_z\":\"\xc3\xa9\"}");
	FIELD(ZT_F_DIRECTION, "outbound");
	/* The next line starts afresh. */
	TT_EQ_INT(text(REQ), ZT_CLASS_RECORD);
	TT_CHECK(rec.extra.p == NULL);
	TT_EQ_INT(text(REQ " only=1"), ZT_CLASS_RECORD);
	VIEW(rec.extra, "{\"only\":\"1\"}");
}

/* t_record-6.1 */
static void
malformed_missing_fields(void)
{
	MALFORMED(text("src.addr=1.2.3.4:5 direction=\"outbound\""),
	    "missing dst.addr");
	TT_EQ_INT(rec.fmt, ZT_FMT_TEXT);
	MALFORMED(text("dst.addr=1.2.3.4:5 direction=\"outbound\""),
	    "missing src.addr");
	MALFORMED(text("src.addr=1.2.3.4:5 dst.addr=5.6.7.8:9"),
	    "missing direction");
	MALFORMED(text(""), "missing src.addr");
}

/* t_record-6.2 */
static void
malformed_numbers_and_duration(void)
{
	MALFORMED(text(REQ " bytes_sent=abc"), "bad number in bytes_sent");
	MALFORMED(text(REQ " bytes_sent=-1"), "bad number in bytes_sent");
	MALFORMED(text(REQ " bytes_recv=1.5"), "bad number in bytes_recv");
	MALFORMED(text(REQ " bytes_sent="), "bad number in bytes_sent");
	MALFORMED(text(REQ " bytes_sent=9223372036854775808"),
	    "number out of range in bytes_sent");
	MALFORMED(text(REQ " bytes_sent=99999999999999999999"),
	    "number out of range in bytes_sent");
	MALFORMED(text(REQ " bytes_recv=18446744073709551616"),
	    "number out of range in bytes_recv");
	TT_EQ_INT(text(REQ " bytes_sent=9223372036854775807"),
	    ZT_CLASS_RECORD);
	TT_CHECK(rec.bytes_sent == INT64_MAX);
	MALFORMED(text(REQ " duration=\"5s\""), "bad duration");
	MALFORMED(text(REQ " duration=\"ms\""), "bad duration");
	MALFORMED(text(REQ " duration=\"1.5ms\""), "bad duration");
	MALFORMED(text(REQ " duration=\"-1ms\""), "bad duration");
	MALFORMED(text(REQ " duration=\"99999999999999999999ms\""),
	    "number out of range in duration");
	TT_EQ_INT(text(REQ " duration=\"0ms\""), ZT_CLASS_RECORD);
	TT_EQ_INT(rec.duration_ms, 0);
}

/* t_record-6.3 */
static void
malformed_duplicate_field(void)
{
	MALFORMED(text(REQ " dst.workload=\"a\" dst.namespace=x "
	    "dst.workload=\"b\""), "duplicate field dst.workload");
	MALFORMED(text(REQ " src.addr=9.9.9.9:1"),
	    "duplicate field src.addr");
}

/* t_record-6.4 */
static void
malformed_bytes(void)
{
	static const char nul[] = HEAD REQ " src.workload=\"curl\0x\"";

	MALFORMED(text(REQ " src.workload=\"curl-\xff\xfe-r7zb9\""),
	    "invalid UTF-8");
	TT_EQ_INT(rec.fmt, ZT_FMT_TEXT);
	MALFORMED(text(REQ " error=\"\xed\xa0\x80\""), "invalid UTF-8");
	MALFORMED(parse_n(nul, sizeof(nul) - 1), "NUL byte");
	TT_EQ_INT(rec.fmt, ZT_FMT_TEXT);
}

/* t_record-6.5 */
static void
malformed_timestamp(void)
{
	static const char *const ts[] = {
		"2024-13-45T25:61:07.000010Z",
		"2023-02-29T00:00:00.000000Z",
		"2100-02-29T00:00:00.000000Z",
		"2024-04-31T00:00:00.000000Z",
		"2024-11-19T24:00:00.000000Z",
		"2024-11-19T12:60:00.000000Z",
		"2024-11-00T12:00:00.000000Z",
		"1969-12-31T23:59:59.999999Z",
	};
	size_t	 i;

	for (i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
		llen = (size_t)snprintf(lbuf, sizeof(lbuf),
		    "%s\tinfo\taccess\tconnection complete\t%s", ts[i], REQ);
		MALFORMED(parse_n(lbuf, llen), "bad timestamp");
	}
}

/* t_record-6.6 */
static void
malformed_unterminated_quote(void)
{
	MALFORMED(text(REQ " bytes_sent=90 duration=\"1ms"),
	    "unterminated quoted value in duration");
	MALFORMED(text(REQ " error=\"ends in escaped quote\\\""),
	    "unterminated quoted value in error");
	MALFORMED(text("src.addr=1.2.3.4:5 src.identity=\"spiffe://cluster.lo"),
	    "unterminated quoted value in src.identity");
}

/* t_record-6.8 */
static void
quoted_value_ends_found_at_every_byte(void)
{
	char	 v[48], f[128];
	size_t	 k;
	int	 bad = 0;

	/*
	 * error="...": an escaped backslash, an escaped quote or a lone
	 * trailing backslash at every position of a 30-byte value, across
	 * the 8-byte scan for the closing quote.
	 */
	for (k = 0; k < 30; k++) {
		memset(v, 'e', 30);
		v[30] = '\0';
		/* \\ then the quote: the value ends there, one backslash. */
		snprintf(f, sizeof(f), REQ " error=\"%.*s\\\\\" x=1", (int)k,
		    v);
		if (text(f) != ZT_CLASS_RECORD ||
		    rec.f[ZT_F_ERROR].n != k + 1 ||
		    rec.f[ZT_F_ERROR].p[k] != '\\')
			bad++;
		/* \" inside: the value goes on, with a quote in it. */
		snprintf(f, sizeof(f), REQ " error=\"%.*s\\\"%s\"", (int)k, v,
		    v + k);
		if (text(f) != ZT_CLASS_RECORD ||
		    rec.f[ZT_F_ERROR].n != 31 || rec.f[ZT_F_ERROR].p[k] != '"')
			bad++;
		/* A backslash before the end of the line: unterminated. */
		snprintf(f, sizeof(f), REQ " error=\"%.*s\\", (int)k, v);
		if (text(f) != ZT_CLASS_MALFORMED ||
		    strcmp(rec.why, "unterminated quoted value in error") != 0)
			bad++;
	}
	TT_EQ_INT(bad, 0);
}

/* t_record-6.9 */
static void
unquoted_value_ends_found_at_every_byte(void)
{
	static const char *const seps[] = { " ", "\t", "  \t" };
	char	 v[48], f[160];
	size_t	 k, n, s;
	int	 bad = 0;

	/*
	 * src.addr=...: values of 1 to 30 bytes (the 8-byte scan for the
	 * end, then the bytes after it) ended by a space, a TAB or a run
	 * of them, or by the end of the line; the bytes of a no-break
	 * space (c2 a0) and '!' (0x21) end nothing.
	 */
	for (n = 1; n <= 30; n++) {
		for (k = 0; k < n; k++)
			v[k] = "1.2!\xc2\xa0"[k % 6];
		if (n % 6 == 5)
			v[n - 1] = 'z';	/* not half a character */
		v[n] = '\0';
		for (s = 0; s < sizeof(seps) / sizeof(seps[0]); s++) {
			snprintf(f, sizeof(f), "dst.addr=5.6.7.8:9 "
			    "direction=\"inbound\" src.addr=%s%sx=1", v,
			    seps[s]);
			if (text(f) != ZT_CLASS_RECORD ||
			    rec.f[ZT_F_SRC_ADDR].n != n ||
			    memcmp(rec.f[ZT_F_SRC_ADDR].p, v, n) != 0)
				bad++;
		}
		snprintf(f, sizeof(f), "dst.addr=5.6.7.8:9 "
		    "direction=\"inbound\" src.addr=%s", v);
		if (text(f) != ZT_CLASS_RECORD ||
		    rec.f[ZT_F_SRC_ADDR].n != n)
			bad++;
	}
	TT_EQ_INT(bad, 0);
}

/* t_record-6.7 */
static void
malformed_field_syntax_column(void)
{
	/* HEAD is 60 bytes: fields start at column 61. */
	MALFORMED(text("src.addr=1.2.3.4:5 junk dst.addr=5.6.7.8:9"),
	    "bad field syntax at column 80");
	MALFORMED(text("src.addr=1.2.3.4:5 src.workload=\"x\"y "
	    "dst.addr=5.6.7.8:9"), "bad field syntax at column 96");
	MALFORMED(text("src.addr=1.2.3.4:5 =v"),
	    "bad field syntax at column 80");
	MALFORMED(text("src-addr=1.2.3.4:5"), "bad field syntax at column 61");
	/* Columns count from the start of the physical line. */
	MALFORMED(parse("[pod/ztunnel-6hvcw/istio-proxy] " HEAD
	    "src.addr=1.2.3.4:5 junk dst.addr=5.6.7.8:9"),
	    "bad field syntax at column 112");
}

/* t_record-6.8 */
static void
malformed_unknown_message_with_spaces(void)
{
	MALFORMED(parse("2024-05-04T10:14:27.331512Z info    access  "
	    "connection reset src.addr=1.2.3.4:5"), "unknown access message");
}

/* t_record-6.9 */
static void
malformed_why_cleared_by_next_line(void)
{
	MALFORMED(text(REQ " bytes_sent=x"), "bad number in bytes_sent");
	TT_EQ_INT(text(REQ), ZT_CLASS_RECORD);
	TT_EQ_STR(rec.why, "");
	TT_EQ_INT(parse("dnsProxy: true"), ZT_CLASS_OTHER);
	TT_EQ_STR(rec.why, "");
}

/* t_record-7.1 */
static void
json_malformed(void)
{
	MALFORMED(parse("{\"level\":\"info\",\"time\":"
	    "\"2024-11-19T12:26:02.118822Z\",\"scope\":\"access\","
	    "\"message\":\"connection complete\","
	    "\"src.addr\":\"10.244.1.12:41870\",\"src.workl"), "invalid JSON");
	TT_EQ_INT(rec.fmt, ZT_FMT_JSON);
	MALFORMED(parse(JHEAD "} trailing"), "invalid JSON");
	MALFORMED(parse(JHEAD ",}"), "invalid JSON");
	MALFORMED(parse("{\"level\":\"info\",\"scope\":\"access\","
	    "\"message\":\"connection complete\",\"src.addr\":\"1.2.3.4:5\","
	    "\"dst.addr\":\"5.6.7.8:9\",\"direction\":\"outbound\"}"),
	    "missing time");
	MALFORMED(parse("{\"time\":\"2024-11-19 12:26:02\","
	    "\"scope\":\"access\","
	    "\"src.addr\":\"1.2.3.4:5\",\"dst.addr\":\"5.6.7.8:9\","
	    "\"direction\":\"outbound\"}"), "bad timestamp");
	MALFORMED(parse("{\"time\":\"2023-02-29T00:00:00.000000Z\","
	    "\"scope\":\"access\",\"src.addr\":\"1.2.3.4:5\","
	    "\"dst.addr\":\"5.6.7.8:9\",\"direction\":\"outbound\"}"),
	    "bad timestamp");
	MALFORMED(parse(JHEAD ",\"bytes_sent\":84.5}"),
	    "bad number in bytes_sent");
	MALFORMED(parse(JHEAD ",\"bytes_sent\":-1}"),
	    "bad number in bytes_sent");
	MALFORMED(parse(JHEAD ",\"bytes_recv\":9223372036854775808}"),
	    "number out of range in bytes_recv");
	MALFORMED(parse(JHEAD ",\"duration\":\"3s\"}"), "bad duration");
	MALFORMED(parse(JHEAD ",\"src.addr\":\"9.9.9.9:1\"}"),
	    "duplicate field src.addr");
	MALFORMED(parse(JHEAD ",\"src.workload\":\"a\xff" "b\"}"),
	    "invalid UTF-8");
	TT_EQ_INT(rec.fmt, ZT_FMT_JSON);
	MALFORMED(parse("{\"level\":\"info\",\"time\":"
	    "\"2025-11-13T17:23:04.510772Z\",\"scope\":\"access\","
	    "\"message\":\"connection complete\",\"dst.addr\":\"5.6.7.8:9\","
	    "\"direction\":\"outbound\"}"), "missing src.addr");
}

/*
 * t_record-7.2: a raw NUL inside a JSON string is malformed.  The reason
 * is not pinned: today it is "invalid JSON" (raw control bytes are not
 * JSON), so the "NUL byte" branch in rec_json.c is never reached.
 */
static void
json_raw_nul_is_malformed(void)
{
	static const char line[] = JHEAD ",\"error\":\"a\0b\"}";

	TT_EQ_INT(parse_n(line, sizeof(line) - 1), ZT_CLASS_MALFORMED);
	TT_EQ_INT(rec.fmt, ZT_FMT_JSON);
}

/* t_record-8.1 */
static void
other_lines(void)
{
	static const char *const lines[] = {
		"2024-11-19T12:24:10.091377Z\tinfo\txds::client:xds{id=1}\t"
		    "received response\ttype_url=\"type.googleapis.com/"
		    "istio.workload.Address\" size=27 removes=0",
		"2024-11-19T12:20:00.518870Z\tinfo\tproxy::inbound\tlistener "
		    "established\taddress=[::]:15008 component=\"inbound\"",
		"2023-08-14T09:40:02.518840Z  INFO ztunnel::proxy::"
		    "inbound_passthrough: connection complete "
		    "source=10.244.1.20:47416 destination=10.244.2.11:9080",
		"2023-08-14T09:41:12.330187Z ERROR ztunnel::proxy::pool: "
		    "connection error err=hyper::Error(Io, Kind(BrokenPipe))",
		"dnsProxy: true",
		"selfTerminationDeadline:",
		"  secs: 5",
		"\t",
		"2024-11-19T12:26:00.100001Z",
		"2024-11-19T12:26:00.100001Z\tinfo",
		"2025-06-01T10:00:00.123456Z\tinfo\trequest\t"
		    "gateway=default/gw "
		    "listener=http route=default/r1 src.addr=10.0.0.1:1234 "
		    "dst.addr=10.0.0.2:80 http.method=GET http.status=200 "
		    "duration=3ms",
		"2024-11-19T12:24:10.000000Z\tinfo\tdns\tdns request\t"
		    "url=reviews.default.svc.cluster.local. "
		    "src.addr=10.244.1.12:53211 type=A",
		"2024-11-19T12:26:00.100001Z\tinfo\taccesslog\tconnection "
		    "complete\t" REQ,
		"2024-11-19T12:26:00.100001Z\tinfo\taccess::x\tconnection "
		    "complete\t" REQ,
		"{\"level\":\"info\",\"time\":\"2025-11-13T17:20:01.337412Z\","
		    "\"scope\":\"ztunnel::proxy::inbound\",\"message\":"
		    "\"listener established\",\"address\":\"[::]:15008\"}",
		"{\"level\":\"info\",\"scope\":\"ztunnel\",\"message\":\"cut",
		"{\"level\":\"info\",\"scope\":\"accessx\",\"src.addr\":\"1\"}",
		"{}",
		"{",
	};
	size_t	 i;
	int	 bad = 0;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		if (parse(lines[i]) != ZT_CLASS_OTHER || rec.why[0] != '\0') {
			fprintf(stderr, "t_record: not an other line: %s\n",
			    lines[i]);
			bad++;
		}
	}
	TT_EQ_INT(bad, 0);

	TT_EQ_INT(parse_n("", 0), ZT_CLASS_OTHER);
	TT_EQ_INT(rec.fmt, ZT_FMT_NONE);
	TT_CHECK(rec.pod.p == NULL);
	TT_EQ_INT(rec.has_kube, 0);
	TT_EQ_INT(parse("  nanos: 0"), ZT_CLASS_OTHER);
	TT_EQ_INT(rec.fmt, ZT_FMT_NONE);
}

/* t_record-9.1 */
static void
ts27_values(void)
{
	int64_t	 us = -1;

	TT_EQ_INT(zt_parse_ts27("1970-01-01T00:00:00.000000Z", &us), 0);
	TT_EQ_INT(us, 0);
	TT_EQ_INT(zt_parse_ts27("1970-01-01T00:00:01.000001Z", &us), 0);
	TT_EQ_INT(us, 1000001);
	TT_EQ_INT(zt_parse_ts27("2024-11-19T12:24:31.209877Z", &us), 0);
	TT_EQ_INT(us, 1732019071209877LL);
	TT_EQ_INT(zt_parse_ts27("2024-02-29T23:59:59.999999Z", &us), 0);
	TT_EQ_INT(us, 1709251199999999LL);
	TT_EQ_INT(zt_parse_ts27("2000-02-29T00:00:00.000001Z", &us), 0);
	TT_EQ_INT(us, 951782400000001LL);
	TT_EQ_INT(zt_parse_ts27("9999-12-31T23:59:59.999999Z", &us), 0);
	TT_EQ_INT(us, 253402300799999999LL);
	/* Only 27 bytes are read. */
	TT_EQ_INT(zt_parse_ts27("2024-11-19T12:24:31.209877Z\tinfo", &us), 0);
	TT_EQ_INT(us, 1732019071209877LL);
}

/* t_record-9.2 */
static void
ts27_rejects(void)
{
	static const char *const bad[] = {
		"1969-12-31T23:59:59.999999Z",
		"2023-02-29T00:00:00.000000Z",
		"2100-02-29T00:00:00.000000Z",
		"2024-00-10T00:00:00.000000Z",
		"2024-13-10T00:00:00.000000Z",
		"2024-06-31T00:00:00.000000Z",
		"2024-01-32T00:00:00.000000Z",
		"2024-01-10T24:00:00.000000Z",
		"2024-01-10T23:60:00.000000Z",
		"2024-01-10T23:59:61.000000Z",
		"2024-11-19T12:24:31.209877z",
		"2024-11-19T12:24:31.209877+",
		"2024-11-19T12:24:31.20987xZ",
		"2024-11-19 12:24:31.209877Z",
		"2024/11/19T12:24:31.209877Z",
		"2024-11-19T12:24:31,209877Z",
		"2024-1-19T12:24:31.2098770Z",
		"+024-11-19T12:24:31.209877Z",
	};
	size_t	 i;
	int64_t	 us;
	int	 n = 0;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (zt_parse_ts27(bad[i], &us) != -1) {
			fprintf(stderr, "t_record: accepted %s\n", bad[i]);
			n++;
		}
	}
	TT_EQ_INT(n, 0);
}

/* t_record-9.4 */
static void
ts27_minute_cache(void)
{
	static const char *const bad[] = {
		"2024-01-10T23:59:61.000000Z",
		"2024-01-10T23:59:6x.000000Z",
		"2024-01-10T23:59:0 .000000Z",
		"2024-01-10T23:59:00,000000Z",
		"2024-01-10T23:59:00.00000xZ",
		"2024-01-10T23:59:00.000000z",
	};
	size_t	 i;
	int64_t	 us, cold;
	int	 n = 0;

	/* The same minute again: the date is known, the rest still checked. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		TT_EQ_INT(zt_parse_ts27("2024-01-10T23:59:00.000000Z", &us), 0);
		if (zt_parse_ts27(bad[i], &us) != -1) {
			fprintf(stderr, "t_record: accepted %s\n", bad[i]);
			n++;
		}
	}
	TT_EQ_INT(n, 0);
	TT_EQ_INT(zt_parse_ts27("2024-01-10T23:59:60.000001Z", &us), 0);
	TT_EQ_INT(us, 1704931200000001LL);	/* a leap second */
	/* A second of each minute, parsed cold then warm: the same. */
	for (i = 0; i < 60; i++) {
		char	 ts[28];

		snprintf(ts, sizeof(ts), "2024-02-29T23:%02zu:%02zu.000007Z",
		    i, 59 - i);
		TT_EQ_INT(zt_parse_ts27("1999-01-01T00:00:00.000000Z", &us), 0);
		TT_EQ_INT(zt_parse_ts27(ts, &cold), 0);
		TT_EQ_INT(zt_parse_ts27(ts, &us), 0);
		if (us != cold ||
		    cold != 1709247600000007LL + (int64_t)(i * 60 + 59 - i) *
		    1000000)
			n++;
	}
	TT_EQ_INT(n, 0);
}

/* t_record-9.3 */
static void
format_ts_like_ztunnel(void)
{
	static const int64_t	 at[] = {
		0, 1732019071209877LL, 1709251199999999LL, 253402300799999999LL
	};
	static const char *const want[] = {
		"1970-01-01T00:00:00.000000Z", "2024-11-19T12:24:31.209877Z",
		"2024-02-29T23:59:59.999999Z", "9999-12-31T23:59:59.999999Z"
	};
	char	 out[28];
	int64_t	 us;
	size_t	 i;

	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		zt_format_ts(at[i], out);
		TT_EQ_STR(out, want[i]);
		us = -1;
		TT_EQ_INT(zt_parse_ts27(out, &us), 0);
		TT_EQ_INT(us, at[i]);
	}
}

/* t_record-10.1 */
static void
source_pod_fills_what_the_line_does_not_say(void)
{
	struct zt_srcinfo	 node = { "node/0.log", "ztunnel-n0d3s",
	    "istio-system", "istio-proxy", "node-1", "0", NULL, ZT_WRAP_PLAIN };
	struct zt_srcinfo	 bare = { "capture.log", NULL, NULL, NULL,
	    NULL, NULL, NULL, ZT_WRAP_AUTO };

	zt_parser_source(&ps, &node);
	TT_EQ_INT(parse(SHORT), ZT_CLASS_RECORD);
	VIEW(rec.pod, "ztunnel-n0d3s");
	short_record_ok(__LINE__);
	TT_EQ_INT(parse(JHEAD "}"), ZT_CLASS_RECORD);
	TT_EQ_INT(rec.fmt, ZT_FMT_JSON);
	VIEW(rec.pod, "ztunnel-n0d3s");
	TT_EQ_INT(parse("2024-11-19T12:24:31.209301Z\tinfo\txds::client\tok"),
	    ZT_CLASS_OTHER);
	VIEW(rec.pod, "ztunnel-n0d3s");
	TT_EQ_INT(parse(HEAD "src.addr=1.2.3.4:5"), ZT_CLASS_MALFORMED);
	VIEW(rec.pod, "ztunnel-n0d3s");
	TT_EQ_INT(parse(""), ZT_CLASS_OTHER);
	VIEW(rec.pod, "ztunnel-n0d3s");

	/* A decoration says more than the source. */
	TT_EQ_INT(parse("[pod/ztunnel-6hvcw/istio-proxy] " SHORT),
	    ZT_CLASS_RECORD);
	VIEW(rec.pod, "ztunnel-6hvcw");
	TT_EQ_INT(parse("ztunnel-89z75 istio-proxy " SHORT), ZT_CLASS_RECORD);
	VIEW(rec.pod, "ztunnel-89z75");

	/* No pod known: absent, as without a source. */
	zt_parser_source(&ps, &bare);
	TT_EQ_INT(parse(SHORT), ZT_CLASS_RECORD);
	TT_CHECK(rec.pod.p == NULL);
	zt_parser_source(&ps, &node);
	TT_EQ_INT(parse(SHORT), ZT_CLASS_RECORD);
	VIEW(rec.pod, "ztunnel-n0d3s");
	zt_parser_source(&ps, NULL);
	TT_EQ_INT(parse(SHORT), ZT_CLASS_RECORD);
	TT_CHECK(rec.pod.p == NULL);
}

int
main(void)
{
	zt_parser_init(&ps);
	text_tab_layout_reads_every_field();
	text_space_separated_columns();
	text_1_22_0_unquoted_names_and_bare_error();
	text_every_level_and_message();
	text_empty_values_are_present();
	text_two_escaped_values_keep_their_views();
	decor_kubectl_prefix();
	decor_kubelet_timestamps();
	decor_prefix_and_timestamps_together();
	decor_stern_prefixes();
	json_1_22_1_shape();
	json_1_22_0_shape();
	json_string_escapes();
	json_string_ends_found_at_every_byte();
	json_unknown_members_go_to_extra();
	json_after_decorations();
	rust_escapes_decoded();
	rust_escapes_kept_as_written();
	rust_bad_escapes();
	extra_holds_unknown_text_fields();
	malformed_missing_fields();
	malformed_numbers_and_duration();
	malformed_duplicate_field();
	malformed_bytes();
	malformed_timestamp();
	malformed_unterminated_quote();
	quoted_value_ends_found_at_every_byte();
	unquoted_value_ends_found_at_every_byte();
	malformed_field_syntax_column();
	malformed_unknown_message_with_spaces();
	malformed_why_cleared_by_next_line();
	json_malformed();
	json_raw_nul_is_malformed();
	other_lines();
	ts27_values();
	ts27_minute_cache();
	ts27_rejects();
	format_ts_like_ztunnel();
	source_pod_fills_what_the_line_does_not_say();
	/* The parser's scratch survives all of that and is freed once. */
	TT_EQ_INT(parse(L123), ZT_CLASS_RECORD);
	FIELD(ZT_F_DST_CLUSTER, "cluster-west");
	zt_parser_fini(&ps);
	return tt_finish("t_record");
}

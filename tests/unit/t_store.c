/*
 * t_store.c -- the SQLite side (store.h), checked through the public
 * schema: the view "records" and the tables "sources", "pods", "rejects".
 * Records come from zt_parse_line() on real log lines, stored in an
 * in-memory database, read back with plain SQL.  quote() in the queries
 * shows SQL types: 5 is an integer, '5' text, NULL absent.
 *
 * Test plan:
 *   t_store-1.*  addresses: src_addr round-trips as logged for IPv4,
 *                bracketed IPv6, no port, a port with a leading zero and
 *                one over 65535; src_ip/src_port split (IPv6 without
 *                brackets); dst and hbone host/port split, with a host
 *                name as HBONE host.
 *   t_store-2.*  hbone and via_waypoint: via_waypoint is 1 only for
 *                outbound HBONE whose HBONE host differs from the dst IP
 *                (waypoint IP, east-west gateway host name), 0 for same
 *                host (IPv4 and IPv6), inbound, no HBONE.
 *   t_store-3.*  timestamps: ts text and ts_us; kube_ts rebuilt as
 *                written for Z, +02:00, -05:30, +00:00, +13:00 across
 *                midnight, a kubelet time before ztunnel's, one in the
 *                next second; NULL without --timestamps.
 *   t_store-4.*  the other columns: pod, level, message, direction,
 *                workloads/namespaces/identities/clusters, service,
 *                numbers, error, extra, line, source_id.
 *   t_store-5.*  sources: the row zt_store_end writes (name, sha256,
 *                format, sizes, counts, first/last ts); a second source
 *                with the same sha256 returns 1 naming the first and
 *                leaves none of its rows; strings first seen in that
 *                rolled-back source still resolve in the next one;
 *                zt_store_abort leaves nothing.
 *   t_store-6.*  pods: per-pod line counts by class, NULL for no pod, in
 *                MEMORY and COUNT mode; COUNT mode stores no records and
 *                no rejects.
 *   t_store-7.*  rejects: reason, line, source, text sanitized (\xff
 *                becomes the four characters \xff, NUL \x00) and cut to
 *                its first 512 bytes.
 *   t_store-8.*  batching: records held back show after the batches
 *                that filled and then zt_store_flush, each column the
 *                same as inserted one by one (the texts held are copies:
 *                the parser's buffers change under them); zt_store_abort
 *                drops the held ones.
 *   t_store-9.*  two writers of one file: names another connection
 *                committed between two sources are read before the next
 *                source interns (PRAGMA data_version), so both agree on
 *                every id.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "parse/record.h"
#include "store/store.h"
#include "tt.h"

static struct zt_store	*st;
static struct zt_parser	 ps;
static struct zt_rec	 rec;
static struct zt_err	 err;
static unsigned long	 lineno;
static struct zt_source_stats ss;

static void
open_store(enum zt_store_mode mode)
{
	TT_EQ_INT(zt_store_open(&st, ":memory:", mode, &err), 0);
}

static void
begin(const char *name)
{
	lineno = 0;
	memset(&ss, 0, sizeof(ss));
	TT_EQ_INT(zt_store_begin(st, name, &err), 0);
}

/* One physical line through parser and store, as ingest does it. */
static enum zt_class
add(const char *line)
{
	struct zt_str	 l = { line, strlen(line) };
	enum zt_class	 c;

	lineno++;
	ss.lines++;
	c = zt_parse_line(&ps, l, &rec);
	zt_store_count(st, rec.pod, c);
	switch (c) {
	case ZT_CLASS_RECORD:
		if (ss.records == 0 || rec.ts_us < ss.first_us)
			ss.first_us = rec.ts_us;
		if (ss.records == 0 || rec.ts_us > ss.last_us)
			ss.last_us = rec.ts_us;
		ss.records++;
		ss.timed++;
		ss.text |= rec.fmt == ZT_FMT_TEXT;
		ss.json |= rec.fmt == ZT_FMT_JSON;
		TT_EQ_INT(zt_store_record(st, lineno, &rec, &err), 0);
		break;
	case ZT_CLASS_OTHER:
		ss.other++;
		break;
	case ZT_CLASS_MALFORMED:
		ss.malformed++;
		TT_EQ_INT(zt_store_reject(st, lineno, rec.why, l, &err), 0);
		break;
	case ZT_CLASS_JOINED:
		ss.joined++;
		break;
	}
	return c;
}

/* End the source with content hash sha of bytes bytes. */
static int
end(const char *sha, uint64_t bytes, char **dup)
{
	snprintf(ss.sha256, sizeof(ss.sha256), "%s", sha);
	ss.bytes = bytes;
	return zt_store_end(st, &ss, dup, &err);
}

static void
end_ok(const char *sha)
{
	char	*dup = NULL;

	TT_EQ_INT(end(sha, 1000, &dup), 0);
	TT_CHECK(dup == NULL);
	free(dup);
}

/* The first column of the first row of sql, as text. */
static const char *
q(const char *sql)
{
	static char	 out[4096];
	sqlite3_stmt	*s;
	const unsigned char *t;

	if (sqlite3_prepare_v2(zt_store_db(st), sql, -1, &s, NULL) !=
	    SQLITE_OK) {
		snprintf(out, sizeof(out), "(SQL error: %s)",
		    sqlite3_errmsg(zt_store_db(st)));
		return out;
	}
	if (sqlite3_step(s) != SQLITE_ROW)
		snprintf(out, sizeof(out), "(no row)");
	else if ((t = sqlite3_column_text(s, 0)) == NULL)
		snprintf(out, sizeof(out), "(null)");
	else
		snprintf(out, sizeof(out), "%s", (const char *)t);
	sqlite3_finalize(s);
	return out;
}

/* Column expression expr of the record on line n of the last source. */
static const char *
col(const char *expr, unsigned long n)
{
	char	 sql[512];

	snprintf(sql, sizeof(sql), "SELECT %s FROM records WHERE line = %lu "
	    "AND source_id = (SELECT max(source_id) FROM records)", expr, n);
	return q(sql);
}

#define HEAD	"2024-11-19T12:24:31.209877Z\tinfo\taccess\t" \
		"connection complete\t"
#define TAIL	" bytes_sent=84 bytes_recv=358 duration=\"5ms\""

/* t_store-1.1 */
static void
store_addresses_round_trip(void)
{
	open_store(ZT_STORE_MEMORY);
	begin("addr.log");
	add(HEAD "src.addr=10.244.1.12:46232 dst.addr=10.244.2.7:15008 "
	    "dst.hbone_addr=10.244.2.7:9080 direction=\"outbound\"" TAIL);
	add(HEAD "src.addr=[fd00::1]:15008 dst.addr=[fd00:10:244:2::7]:15008 "
	    "dst.hbone_addr=[fd00:10:244:2::7]:9080 direction=\"outbound\"");
	add(HEAD "src.addr=10.244.1.12:47744 dst.addr=172.18.0.120:15008 "
	    "dst.hbone_addr=ratings.default.svc.cluster.local:9080 "
	    "direction=\"outbound\"");
	add(HEAD "src.addr=10.0.0.1 dst.addr=10.0.0.2:080 "
	    "direction=\"inbound\"");
	add(HEAD "src.addr=10.0.0.1:70000 dst.addr=fd00::9 "
	    "direction=\"inbound\"");
	end_ok("aa");

	TT_EQ_STR(col("quote(src_addr)||' '||quote(src_ip)||' '||"
	    "quote(src_port)", 1), "'10.244.1.12:46232' '10.244.1.12' 46232");
	TT_EQ_STR(col("quote(dst_addr)||' '||quote(dst_ip)||' '||"
	    "quote(dst_port)", 1), "'10.244.2.7:15008' '10.244.2.7' 15008");
	TT_EQ_STR(col("quote(dst_hbone_addr)||' '||quote(dst_hbone_host)||' '||"
	    "quote(dst_hbone_port)", 1), "'10.244.2.7:9080' '10.244.2.7' 9080");

	TT_EQ_STR(col("quote(src_addr)||' '||quote(src_ip)||' '||"
	    "quote(src_port)", 2), "'[fd00::1]:15008' 'fd00::1' 15008");
	TT_EQ_STR(col("dst_ip||' '||dst_port||' '||dst_hbone_host||' '||"
	    "dst_hbone_port", 2),
	    "fd00:10:244:2::7 15008 fd00:10:244:2::7 9080");

	TT_EQ_STR(col("quote(dst_hbone_host)||' '||quote(dst_hbone_port)", 3),
	    "'ratings.default.svc.cluster.local' 9080");
	TT_EQ_STR(col("dst_hbone_addr", 3),
	    "ratings.default.svc.cluster.local:9080");
	TT_EQ_STR(col("dst_ip||' '||dst_port", 3), "172.18.0.120 15008");

	/* Not splittable: kept whole, as logged, no port. */
	TT_EQ_STR(col("quote(src_addr)||' '||quote(src_ip)||' '||"
	    "quote(src_port)", 4), "'10.0.0.1' '10.0.0.1' NULL");
	TT_EQ_STR(col("quote(dst_addr)||' '||quote(dst_port)", 4),
	    "'10.0.0.2:080' NULL");
	TT_EQ_STR(col("quote(src_addr)||' '||quote(src_port)", 5),
	    "'10.0.0.1:70000' NULL");
	TT_EQ_STR(col("quote(dst_addr)||' '||quote(dst_ip)||' '||"
	    "quote(dst_port)", 5), "'fd00::9' 'fd00::9' NULL");
	zt_store_close(st);
}

/* t_store-2.1 */
static void
store_via_waypoint_only_outbound_hbone_to_another_host(void)
{
	open_store(ZT_STORE_MEMORY);
	begin("wp.log");
	/* 1: waypoint IP differs from the HBONE target. */
	add(HEAD "src.addr=1.1.1.1:1 dst.addr=10.96.5.5:15008 "
	    "dst.hbone_addr=10.244.2.7:9080 direction=\"outbound\"");
	/* 2: east-west gateway, HBONE host is a name. */
	add(HEAD "src.addr=1.1.1.1:1 dst.addr=172.18.0.120:15008 "
	    "dst.hbone_addr=ratings.default.svc.cluster.local:9080 "
	    "direction=\"outbound\"");
	/* 3: direct HBONE, same host. */
	add(HEAD "src.addr=1.1.1.1:1 dst.addr=10.244.2.7:15008 "
	    "dst.hbone_addr=10.244.2.7:9080 direction=\"outbound\"");
	/* 4: direct HBONE, IPv6, same host. */
	add(HEAD "src.addr=[fd00::1]:1 dst.addr=[fd00::7]:15008 "
	    "dst.hbone_addr=[fd00::7]:9080 direction=\"outbound\"");
	/* 5: inbound with differing hosts. */
	add(HEAD "src.addr=1.1.1.1:1 dst.addr=10.96.5.5:15008 "
	    "dst.hbone_addr=10.244.2.7:9080 direction=\"inbound\"");
	/* 6: outbound, no HBONE. */
	add(HEAD "src.addr=1.1.1.1:1 dst.addr=142.250.191.142:443 "
	    "direction=\"outbound\"");
	/* 7: 1.22 inbound on port 15008 without hbone_addr: not HBONE. */
	add(HEAD "src.addr=1.1.1.1:1 dst.addr=10.244.2.9:15008 "
	    "direction=\"inbound\"");
	end_ok("bb");
	TT_EQ_STR(q("SELECT group_concat(via_waypoint, ',') FROM "
	    "(SELECT via_waypoint FROM records ORDER BY line)"),
	    "1,1,0,0,0,0,0");
	TT_EQ_STR(q("SELECT group_concat(hbone, ',') FROM "
	    "(SELECT hbone FROM records ORDER BY line)"), "1,1,1,1,1,0,0");
	TT_EQ_STR(col("quote(dst_hbone_addr)", 6), "NULL");
	zt_store_close(st);
}

#define SHORT "2024-11-19T12:24:31.209301Z\tinfo\taccess\t" \
    "connection complete\t" \
    "src.addr=10.244.1.12:51122 dst.addr=142.250.191.142:443 " \
    "direction=\"outbound\""

/* t_store-3.1 */
static void
store_ts_and_kube_ts_as_written(void)
{
	static const char *const kts[] = {
		"2024-11-19T12:24:31.209342817Z",
		"2024-11-19T14:24:31.209342817+02:00",
		"2024-11-19T06:54:31.209342817-05:30",
		"2024-11-19T12:24:31.209342817+00:00",
		"2024-11-20T01:24:31.209342817+13:00",
		"2024-11-19T00:24:31.209342817-12:00",
		"2024-11-19T12:24:31.209000000Z",
		"2024-11-19T12:24:32.000000001Z",
		"2024-11-19T12:24:31.209301000Z",
	};
	char		 line[512];
	size_t		 i;
	int		 bad = 0;

	open_store(ZT_STORE_MEMORY);
	begin("kube.log");
	add(SHORT);
	for (i = 0; i < sizeof(kts) / sizeof(kts[0]); i++) {
		snprintf(line, sizeof(line), "%s %s", kts[i], SHORT);
		TT_EQ_INT(add(line), ZT_CLASS_RECORD);
	}
	end_ok("cc");
	TT_EQ_STR(col("quote(kube_ts)", 1), "NULL");
	TT_EQ_STR(col("ts", 1), "2024-11-19T12:24:31.209301Z");
	TT_EQ_STR(col("quote(ts_us)", 1), "1732019071209301");
	for (i = 0; i < sizeof(kts) / sizeof(kts[0]); i++) {
		const char *got = col("kube_ts", (unsigned long)i + 2);

		if (strcmp(got, kts[i]) != 0) {
			fprintf(stderr, "t_store: kube_ts \"%s\", "
			    "want \"%s\"\n", got, kts[i]);
			bad++;
		}
		if (strcmp(col("ts", (unsigned long)i + 2),
		    "2024-11-19T12:24:31.209301Z") != 0)
			bad++;
	}
	TT_EQ_INT(bad, 0);
	zt_store_close(st);
}

/* t_store-4.1 */
static void
store_every_column(void)
{
	open_store(ZT_STORE_MEMORY);
	begin("all.log");
	add("dnsProxy: true");
	add("[pod/ztunnel-6hvcw/istio-proxy] "
	    "2024-11-19T12:24:31.209877Z\terror\taccess\tconnection complete\t"
	    "src.addr=10.244.1.12:46232 src.workload=\"curl-7656cf8794-r7zb9\" "
	    "src.namespace=\"default\" "
	    "src.identity=\"spiffe://cluster.local/ns/default/sa/curl\" "
	    "src.cluster=\"cluster-east\" dst.addr=10.244.2.7:15008 "
	    "dst.hbone_addr=10.244.2.7:9080 "
	    "dst.service=\"reviews.default.svc.cluster.local\" "
	    "dst.workload=\"reviews-v1-5fd6d4f8f8-26j92\" "
	    "dst.namespace=\"default\" "
	    "dst.identity=\"spiffe://cluster.local/ns/default/sa/reviews\" "
	    "dst.cluster=\"cluster-west\" direction=\"outbound\" "
	    "bytes_sent=84 bytes_recv=358 duration=\"5ms\" "
	    "error=\"tls: \\\"bad\\\"\\n\" foo=bar");
	end_ok("dd");
	TT_EQ_STR(q("SELECT count(*) FROM records"), "1");
	TT_EQ_STR(col("quote(line)||' '||quote(source_id)||' '||quote(pod)", 2),
	    "2 1 'ztunnel-6hvcw'");
	TT_EQ_STR(col("level||'|'||message||'|'||direction", 2),
	    "error|connection complete|outbound");
	TT_EQ_STR(col("src_workload||'|'||src_namespace||'|'||src_identity||'|'"
	    "||src_cluster", 2), "curl-7656cf8794-r7zb9|default|"
	    "spiffe://cluster.local/ns/default/sa/curl|cluster-east");
	TT_EQ_STR(col("dst_service||'|'||dst_workload||'|'||dst_namespace||'|'"
	    "||dst_identity||'|'||dst_cluster", 2),
	    "reviews.default.svc.cluster.local|reviews-v1-5fd6d4f8f8-26j92|"
	    "default|spiffe://cluster.local/ns/default/sa/reviews|"
	    "cluster-west");
	TT_EQ_STR(col("quote(bytes_sent)||' '||quote(bytes_recv)||' '||"
	    "quote(duration_ms)", 2), "84 358 5");
	TT_EQ_STR(col("error", 2), "tls: \"bad\"\n");
	TT_EQ_STR(col("extra", 2), "{\"foo\":\"bar\"}");
	TT_EQ_STR(col("ts", 2), "2024-11-19T12:24:31.209877Z");
	zt_store_close(st);

	/* Absent fields are NULL. */
	open_store(ZT_STORE_MEMORY);
	begin("few.log");
	add(HEAD "src.addr=1.1.1.1:1 dst.addr=2.2.2.2:2 direction=\"inbound\"");
	end_ok("ee");
	TT_EQ_STR(col("quote(pod)||quote(src_workload)||quote(dst_service)||"
	    "quote(dst_workload)||quote(bytes_sent)||quote(duration_ms)||"
	    "quote(error)||quote(extra)||quote(kube_ts)||quote(src_cluster)",
	    1), "NULLNULLNULLNULLNULLNULLNULLNULLNULLNULL");
	TT_EQ_STR(col("hbone||via_waypoint", 1), "00");
	zt_store_close(st);
}

/* t_store-5.1 */
static void
store_sources_row(void)
{
	open_store(ZT_STORE_MEMORY);
	begin("src.log");
	add("2024-11-19T12:24:35.000001Z\tinfo\taccess\tconnection complete\t"
	    "src.addr=1.1.1.1:1 dst.addr=2.2.2.2:2 direction=\"inbound\"");
	add("not a ztunnel line");
	add(HEAD "src.addr=1.1.1.1:1 dst.addr=2.2.2.2:2 direction=\"inbound\"");
	add(HEAD "src.addr=1.1.1.1:1 bytes_sent=x");
	ss.gzip = 1;
	end_ok("0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef");
	TT_EQ_STR(q("SELECT id||'|'||name||'|'||sha256||'|'||format||'|'||bytes"
	    "||'|'||lines||'|'||records||'|'||other||'|'||malformed||'|'||"
	    "first_ts||'|'||last_ts FROM sources"), "1|src.log|0123456789abcdef"
	    "0123456789abcdef0123456789abcdef0123456789abcdef|gzip text|1000|"
	    "4|2|1|1|2024-11-19T12:24:31.209877Z|2024-11-19T12:24:35.000001Z");

	/* No records: no first/last; JSON and text mixed. */
	begin("empty.log");
	add("nothing");
	end_ok("ff");
	TT_EQ_STR(q("SELECT format||'|'||quote(first_ts)||'|'||quote(last_ts) "
	    "FROM sources WHERE name = 'empty.log'"), "plain -|NULL|NULL");
	begin("mixed.log");
	add(HEAD "src.addr=1.1.1.1:1 dst.addr=2.2.2.2:2 direction=\"inbound\"");
	add("{\"level\":\"info\",\"time\":\"2024-11-19T12:24:31.209877Z\","
	    "\"scope\":\"access\",\"message\":\"connection opened\","
	    "\"src.addr\":\"1.1.1.1:1\",\"dst.addr\":\"2.2.2.2:2\","
	    "\"direction\":\"inbound\"}");
	end_ok("fe");
	TT_EQ_STR(q("SELECT format FROM sources WHERE name = 'mixed.log'"),
	    "plain text+json");
	zt_store_close(st);
}

/* t_store-5.2 */
static void
store_duplicate_source_rolls_back(void)
{
	char	*dup = NULL;

	open_store(ZT_STORE_MEMORY);
	begin("a.log");
	add(HEAD "src.addr=1.1.1.1:1 src.workload=\"w-a\" dst.addr=2.2.2.2:2 "
	    "direction=\"inbound\"");
	add(HEAD "src.addr=1.1.1.1:2 dst.addr=2.2.2.2:2 direction=\"inbound\"");
	end_ok("5a5a");

	begin("b.log");
	add("[pod/zt-b/istio-proxy] " HEAD "src.addr=9.9.9.9:9 "
	    "src.workload=\"only-in-b\" dst.addr=8.8.8.8:8 "
	    "dst.service=\"svc-b\" direction=\"outbound\" error=\"e-b\"");
	add(HEAD "src.addr=1.1.1.1:1 bytes_sent=x");
	TT_EQ_INT(end("5a5a", 1000, &dup), 1);
	TT_CHECK(dup != NULL && strcmp(dup, "a.log") == 0);
	free(dup);
	dup = NULL;
	TT_EQ_STR(q("SELECT count(*) FROM records"), "2");
	TT_EQ_STR(q("SELECT count(*) FROM records WHERE source_id <> 1"), "0");
	TT_EQ_STR(q("SELECT group_concat(name) FROM sources"), "a.log");
	TT_EQ_STR(q("SELECT count(*) FROM rejects"), "0");
	TT_EQ_STR(q("SELECT count(*) FROM pods WHERE source_id <> 1"), "0");

	/* What b.log interned is gone, and new rows resolve correctly. */
	begin("c.log");
	add("[pod/zt-b/istio-proxy] " HEAD "src.addr=9.9.9.9:9 "
	    "src.workload=\"only-in-b\" dst.addr=8.8.8.8:8 "
	    "dst.service=\"svc-b\" direction=\"outbound\" error=\"e-b\"");
	add(HEAD "src.addr=1.1.1.1:1 src.workload=\"w-a\" dst.addr=2.2.2.2:2 "
	    "direction=\"inbound\"");
	end_ok("c0c0");
	TT_EQ_STR(col("pod||'|'||src_addr||'|'||src_workload||'|'||dst_addr||"
	    "'|'||dst_service||'|'||error||'|'||direction", 1),
	    "zt-b|9.9.9.9:9|only-in-b|8.8.8.8:8|svc-b|e-b|outbound");
	TT_EQ_STR(col("src_workload||'|'||direction", 2), "w-a|inbound");
	TT_EQ_STR(q("SELECT group_concat(name) FROM (SELECT name FROM sources "
	    "ORDER BY id)"), "a.log,c.log");
	TT_EQ_STR(q("SELECT count(*) FROM records"), "4");

	/* The same content under a third name is a duplicate of a.log. */
	begin("a-again.log");
	add(HEAD "src.addr=1.1.1.1:1 dst.addr=2.2.2.2:2 direction=\"inbound\"");
	TT_EQ_INT(end("5a5a", 1000, &dup), 1);
	TT_CHECK(dup != NULL && strcmp(dup, "a.log") == 0);
	free(dup);
	TT_EQ_STR(q("SELECT count(*) FROM records"), "4");
	zt_store_close(st);
}

/* t_store-5.3 */
static void
store_abort_leaves_nothing(void)
{
	open_store(ZT_STORE_MEMORY);
	begin("x.log");
	add(HEAD "src.addr=1.1.1.1:1 src.workload=\"ghost\" dst.addr=2.2.2.2:2 "
	    "direction=\"inbound\"");
	zt_store_abort(st);
	TT_EQ_STR(q("SELECT count(*) FROM records"), "0");
	TT_EQ_STR(q("SELECT count(*) FROM sources"), "0");
	begin("y.log");
	add(HEAD "src.addr=1.1.1.1:1 src.workload=\"ghost\" dst.addr=2.2.2.2:2 "
	    "direction=\"inbound\"");
	end_ok("99");
	TT_EQ_STR(col("src_workload", 1), "ghost");
	TT_EQ_STR(q("SELECT name FROM sources"), "y.log");
	zt_store_close(st);
}

static void
pod_lines(void)
{
	begin("pods.log");
	add("[pod/zt-a/istio-proxy] " HEAD "src.addr=1.1.1.1:1 "
	    "dst.addr=2.2.2.2:2 direction=\"inbound\"");
	add("[pod/zt-a/istio-proxy] " HEAD "src.addr=1.1.1.1:2 "
	    "dst.addr=2.2.2.2:2 direction=\"inbound\"");
	add("[pod/zt-a/istio-proxy] dnsProxy: true");
	add("[pod/zt-b/istio-proxy] " HEAD "src.addr=1.1.1.1:1 bytes_sent=x");
	add(HEAD "src.addr=1.1.1.1:3 dst.addr=2.2.2.2:2 direction=\"inbound\"");
	add("zt-c " HEAD "src.addr=1.1.1.1:4 dst.addr=2.2.2.2:2 "
	    "direction=\"inbound\"");
	end_ok("77");
}

#define PODS	"SELECT group_concat(p, ' ') FROM (SELECT coalesce(pod, '-')" \
		"||':'||lines||'/'||records||'/'||other||'/'||malformed AS p " \
		"FROM pods ORDER BY pod)"

/* t_store-6.1 */
static void
store_pods_counted_per_class(void)
{
	open_store(ZT_STORE_MEMORY);
	pod_lines();
	TT_EQ_STR(q(PODS), "-:1/1/0/0 zt-a:3/2/1/0 zt-b:1/0/0/1 zt-c:1/1/0/0");
	TT_EQ_STR(q("SELECT count(*) FROM records"), "4");
	TT_EQ_STR(q("SELECT count(*) FROM rejects"), "1");
	TT_EQ_STR(q("SELECT group_concat(coalesce(pod, '-')) FROM "
	    "(SELECT pod FROM records ORDER BY line)"), "zt-a,zt-a,-,zt-c");
	zt_store_close(st);
}

/* t_store-6.2 */
static void
store_count_mode_keeps_counts_only(void)
{
	open_store(ZT_STORE_COUNT);
	pod_lines();
	TT_EQ_STR(q(PODS), "-:1/1/0/0 zt-a:3/2/1/0 zt-b:1/0/0/1 zt-c:1/1/0/0");
	TT_EQ_STR(q("SELECT count(*) FROM records"), "0");
	TT_EQ_STR(q("SELECT count(*) FROM rejects"), "0");
	TT_EQ_STR(q("SELECT name||'|'||lines||'|'||records||'|'||malformed "
	    "FROM sources"), "pods.log|6|4|1");
	zt_store_close(st);
}

/* t_store-7.1 */
static void
store_rejects_sanitized_and_cut(void)
{
	char	 big[600];

	open_store(ZT_STORE_MEMORY);
	begin("rej.log");
	TT_EQ_INT(zt_store_reject(st, 7, "invalid UTF-8",
	    (struct zt_str){ "a\xff" "b\0c\xc3\xa9", 7 }, &err), 0);
	memset(big, 'x', sizeof(big));
	TT_EQ_INT(zt_store_reject(st, 8, "line too long",
	    (struct zt_str){ big, sizeof(big) }, &err), 0);
	/* The cut at 512 bytes splits "é": its first byte is escaped. */
	memcpy(big + 511, "\xc3\xa9", 2);
	TT_EQ_INT(zt_store_reject(st, 9, "invalid UTF-8",
	    (struct zt_str){ big, sizeof(big) }, &err), 0);
	add(HEAD "src.addr=1.1.1.1:1 src.workload=\"\xff\" dst.addr=2.2.2.2:2 "
	    "direction=\"inbound\"");
	end_ok("88");
	TT_EQ_STR(q("SELECT source_id||'|'||line||'|'||reason||'|'||text FROM "
	    "rejects WHERE line = 7"),
	    "1|7|invalid UTF-8|a\\xffb\\x00c\xc3\xa9");
	TT_EQ_STR(q("SELECT length(text)||' '||reason FROM rejects "
	    "WHERE line = 8"), "512 line too long");
	TT_EQ_STR(q("SELECT length(text)||' '||substr(text, 511) FROM rejects "
	    "WHERE line = 9"), "515 x\\xc3");
	TT_EQ_STR(q("SELECT line||'|'||reason||'|'||substr(text, 60) FROM "
	    "rejects WHERE line = 1"), "1|invalid UTF-8|\tsrc.addr=1.1.1.1:1 "
	    "src.workload=\"\\xff\" dst.addr=2.2.2.2:2 direction=\"inbound\"");
	zt_store_close(st);
}

/* Line k of the batching tests: a prefix on some, an unknown field. */
static void
add_nth(int k)
{
	char	 line[512];

	snprintf(line, sizeof(line), "%s" HEAD "src.addr=10.0.%d.%d:%d "
	    "src.workload=\"w%d\" dst.addr=10.1.0.%d:80 direction=\"%s\" "
	    "custom=\"v%d\"" TAIL, k % 3 == 0 ? "node-7 | " : "", k / 250,
	    k % 250, 1000 + k, k % 5, k % 7,
	    k % 2 ? "inbound" : "outbound", k);
	TT_EQ_INT(add(line), ZT_CLASS_RECORD);
}

#define BATCH_COLS "line, pod, ts, level, message, direction, src_addr, " \
	"src_workload, dst_addr, bytes_sent, bytes_recv, duration_ms, " \
	"extra, prefix, partial"

/* t_store-8.1 */
static void
store_batches_as_one_by_one(void)
{
	char	 sql[1024];
	int	 k;

	open_store(ZT_STORE_MEMORY);
	begin("one.log");
	for (k = 0; k < 70; k++)
		add_nth(k);
	end_ok("01");
	begin("batched.log");
	zt_store_batch(st, 1);
	for (k = 0; k < 70; k++)
		add_nth(k);
	/* Two batches of 32 went in as they filled; 6 are held. */
	TT_EQ_STR(q("SELECT count(*) FROM records WHERE source_id = 2"),
	    "64");
	TT_EQ_INT(zt_store_flush(st, &err), 0);
	TT_EQ_STR(q("SELECT count(*) FROM records WHERE source_id = 2"),
	    "70");
	TT_EQ_INT(zt_store_flush(st, &err), 0);	/* nothing held: nothing */
	zt_store_batch(st, 0);
	end_ok("02");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM (SELECT %s FROM "
	    "records WHERE source_id = 1 EXCEPT SELECT %s FROM records "
	    "WHERE source_id = 2)", BATCH_COLS, BATCH_COLS);
	TT_EQ_STR(q(sql), "0");
	/* And in the same order. */
	TT_EQ_STR(q("SELECT (SELECT group_concat(line) FROM (SELECT line "
	    "FROM records WHERE source_id = 1 ORDER BY id)) = (SELECT "
	    "group_concat(line) FROM (SELECT line FROM records WHERE "
	    "source_id = 2 ORDER BY id))"), "1");
	TT_EQ_STR(q("SELECT count(DISTINCT extra) || ' ' || "
	    "count(prefix) FROM records WHERE source_id = 2"), "70 24");
	TT_EQ_STR(col("extra || ' ' || prefix", 70), "{\"custom\":\"v69\"} "
	    "node-7 | ");
	zt_store_close(st);
}

/* t_store-8.2 */
static void
store_abort_drops_held(void)
{
	int	 k;

	open_store(ZT_STORE_MEMORY);
	begin("x.log");
	zt_store_batch(st, 1);
	for (k = 0; k < 40; k++)
		add_nth(k);
	zt_store_abort(st);
	zt_store_batch(st, 0);
	begin("y.log");
	add_nth(1);
	end_ok("03");
	TT_EQ_STR(q("SELECT count(*) || ' ' || min(line) FROM records"), "1 1");
	zt_store_close(st);
}

/* t_store-9.1 */
static void
store_two_writers_share_names(void)
{
	char		 dir[] = "/tmp/t_store.XXXXXX";
	char		 path[64];
	struct zt_store	*a, *b;

	TT_CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/t.db", dir);
	TT_EQ_INT(zt_store_open(&a, path, ZT_STORE_CREATE, &err), 0);
	TT_EQ_INT(zt_store_open(&b, path, ZT_STORE_CREATE, &err), 0);
	st = a;
	begin("one.log");
	add(HEAD "src.addr=1.1.1.1:1 src.workload=\"w-a\" dst.addr=2.2.2.2:2 "
	    "direction=\"inbound\"");
	end_ok("01");
	st = b;
	begin("two.log");
	add(HEAD "src.addr=1.1.1.1:1 src.workload=\"w-b\" dst.addr=2.2.2.2:2 "
	    "direction=\"inbound\"");
	end_ok("02");
	/* a has not seen w-b: it must read it, not give it a second id. */
	st = a;
	begin("three.log");
	add(HEAD "src.addr=1.1.1.1:1 src.workload=\"w-b\" dst.addr=2.2.2.2:2 "
	    "direction=\"inbound\"");
	add(HEAD "src.addr=1.1.1.1:1 src.workload=\"w-c\" dst.addr=2.2.2.2:2 "
	    "direction=\"inbound\"");
	end_ok("03");
	TT_EQ_STR(q("SELECT group_concat(src_workload, ',') FROM (SELECT "
	    "src_workload FROM records ORDER BY source_id, line)"),
	    "w-a,w-b,w-b,w-c");
	TT_EQ_STR(q("SELECT count(*) || ' ' || count(DISTINCT workload) "
	    "FROM peer"), "3 3");
	st = b;
	TT_EQ_STR(q("SELECT count(*) FROM records"), "4");
	zt_store_close(a);
	zt_store_close(b);
	unlink(path);
	rmdir(dir);
}

/*
 * The other writer of t_store-9.2 and 9.3: a source of its own,
 * committed, whose record names workload other_name.
 */
static const char	*other_name;

static void
other_writer(void *arg)
{
	struct zt_store		*was = st;
	struct zt_source_stats	 keep = ss;
	unsigned long		 l = lineno;
	char			 line[512];

	st = arg;
	begin(other_name);
	snprintf(line, sizeof(line), HEAD "src.addr=1.1.1.1:1 "
	    "src.workload=\"%s\" dst.addr=2.2.2.2:2 direction=\"inbound\"",
	    other_name);
	add(line);
	end_ok(other_name);
	st = was;
	ss = keep;
	lineno = l;
}

/* Two connections to a new file (in dir, made here); a streams w-a. */
static void
stream_and_other(char *dir, struct zt_store **a, struct zt_store **b,
    int64_t marks[3])
{
	char	 path[64];

	TT_CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/t.db", dir);
	TT_EQ_INT(zt_store_open(a, path, ZT_STORE_CREATE, &err), 0);
	TT_EQ_INT(zt_store_open(b, path, ZT_STORE_CREATE, &err), 0);
	st = *a;
	begin("-");
	zt_store_stream(*a);
	add(HEAD "src.addr=1.1.1.1:1 src.workload=\"w-a\" dst.addr=2.2.2.2:2 "
	    "direction=\"inbound\"");
	zt_store_marks(*a, marks);
}

static void
close_both(char *dir, struct zt_store *a, struct zt_store *b)
{
	char	 path[64];

	zt_store_close(a);
	zt_store_close(b);
	snprintf(path, sizeof(path), "%s/t.db", dir);
	unlink(path);
	rmdir(dir);
}

/* t_store-9.2 */
static void
store_stream_ends_when_another_writes_between_commits(void)
{
	char		 dir[] = "/tmp/t_store.XXXXXX";
	struct zt_store	*a, *b;
	int64_t		 marks[3];
	uint64_t	 kept = 0;

	stream_and_other(dir, &a, &b, marks);
	/* Nobody else writes: the stream goes on. */
	TT_EQ_INT(zt_store_checkpoint(a, &ss, marks, &err), 0);
	add(HEAD "src.addr=1.1.1.1:1 src.workload=\"w-a2\" "
	    "dst.addr=2.2.2.2:2 direction=\"inbound\"");
	zt_store_marks(a, marks);
	/* b commits a new name in the gap: a must stop, not go on. */
	other_name = "w-other";
	zt_store_test_gap(other_writer, b);
	TT_EQ_INT(zt_store_checkpoint(a, &ss, marks, &err), -1);
	zt_store_test_gap(NULL, NULL);
	TT_CHECK(strstr(err.msg, "another process added names to the file "
	    "between two of this stream's commits") != NULL);
	TT_EQ_INT(zt_store_saved(a, &kept), 1);
	TT_EQ_INT((int)kept, 2);
	zt_store_abort(a);
	/* What a committed is kept, unfinished; b's source is whole. */
	TT_EQ_STR(q("SELECT group_concat(src_workload, ',') FROM (SELECT "
	    "src_workload FROM records ORDER BY source_id, line)"),
	    "w-a,w-a2,w-other");
	/* a's next source reads b's names: no id given twice. */
	begin("three.log");
	add(HEAD "src.addr=1.1.1.1:1 src.workload=\"w-new\" "
	    "dst.addr=2.2.2.2:2 direction=\"inbound\"");
	end_ok("06");
	TT_EQ_STR(q("SELECT count(*) || ' ' || count(DISTINCT workload) "
	    "FROM peer"), "4 4");
	close_both(dir, a, b);
}

/* t_store-9.3 */
static void
store_stream_goes_on_when_another_adds_no_names(void)
{
	char		 dir[] = "/tmp/t_store.XXXXXX";
	struct zt_store	*a, *b;
	int64_t		 marks[3];
	char		*dup = NULL;

	stream_and_other(dir, &a, &b, marks);
	/* b's source names only what a committed: a goes on. */
	other_name = "w-a";
	zt_store_test_gap(other_writer, b);
	TT_EQ_INT(zt_store_checkpoint(a, &ss, marks, &err), 0);
	zt_store_test_gap(NULL, NULL);
	add(HEAD "src.addr=1.1.1.1:1 src.workload=\"w-new\" "
	    "dst.addr=2.2.2.2:2 direction=\"inbound\"");
	zt_store_marks(a, marks);
	TT_EQ_INT(zt_store_checkpoint(a, &ss, marks, &err), 0);
	TT_EQ_INT(end("07", 1000, &dup), 0);
	free(dup);
	/* (b's record is a's first, by its key: stored once.) */
	TT_EQ_STR(q("SELECT group_concat(src_workload, ',') FROM (SELECT "
	    "src_workload FROM records ORDER BY source_id, line)"),
	    "w-a,w-new");
	TT_EQ_STR(q("SELECT count(*) || ' ' || count(DISTINCT workload) "
	    "FROM peer"), "2 2");
	TT_EQ_STR(q("SELECT count(*) FROM sources WHERE error IS NULL"), "2");
	close_both(dir, a, b);
}

int
main(void)
{
	zt_parser_init(&ps);
	store_addresses_round_trip();
	store_via_waypoint_only_outbound_hbone_to_another_host();
	store_ts_and_kube_ts_as_written();
	store_every_column();
	store_sources_row();
	store_duplicate_source_rolls_back();
	store_abort_leaves_nothing();
	store_pods_counted_per_class();
	store_count_mode_keeps_counts_only();
	store_rejects_sanitized_and_cut();
	store_batches_as_one_by_one();
	store_abort_drops_held();
	store_two_writers_share_names();
	store_stream_ends_when_another_writes_between_commits();
	store_stream_goes_on_when_another_adds_no_names();
	zt_parser_fini(&ps);
	return tt_finish("t_store");
}

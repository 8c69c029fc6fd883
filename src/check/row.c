/*
 * row.c -- see row.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/row.h"
#include "store/store.h"
#include "util/text.h"

const char *const zt_col_names[ZT_COL_COUNT] = {
	"pod", "level", "message", "direction",
	"src_addr", "src_ip", "src_port", "src_workload",
	"src_namespace", "src_identity", "src_cluster",
	"dst_addr", "dst_ip", "dst_port", "dst_hbone_addr",
	"dst_hbone_host", "dst_hbone_port", "dst_service",
	"dst_workload", "dst_namespace", "dst_identity",
	"dst_cluster", "bytes_sent", "bytes_recv",
	"duration_ms", "error", "hbone", "via_waypoint",
};

int
zt_col_lookup(const char *name)
{
	int	 i;

	for (i = 0; i < ZT_COL_COUNT; i++)
		if (strcmp(name, zt_col_names[i]) == 0)
			return i;
	return -1;
}

int
zt_col_numeric(enum zt_col c)
{
	switch (c) {
	case ZT_COL_SRC_PORT: case ZT_COL_DST_PORT: case ZT_COL_DST_HBONE_PORT:
	case ZT_COL_BYTES_SENT: case ZT_COL_BYTES_RECV: case ZT_COL_DURATION_MS:
	case ZT_COL_HBONE: case ZT_COL_VIA_WAYPOINT:
		return 1;
	default:
		return 0;
	}
}

void
zt_row_src_addr(struct zt_buf *b, const struct zt_row *row)
{
	struct zt_str	 ip = row->s[ZT_COL_SRC_IP];
	char		 port[32];
	int		 v6 = memchr(ip.p, ':', ip.n) != NULL;

	if (row->s[ZT_COL_SRC_PORT].p == NULL) {
		zt_buf_add(b, ip.p, ip.n);
		return;
	}
	if (v6)
		zt_buf_addc(b, '[');
	zt_buf_add(b, ip.p, ip.n);
	snprintf(port, sizeof(port), "%s:%" PRId64, v6 ? "]" : "",
	    row->num[ZT_COL_SRC_PORT]);
	zt_buf_add(b, port, strlen(port));
}

static void
add_text(struct zt_buf *b, struct zt_str v)
{
	if (v.p != NULL)
		zt_buf_add(b, v.p, v.n);
	else
		zt_buf_addc(b, '?');
}

/* The part after "->": destination, service, transport, bytes, outcome. */
static void
describe_dst(struct zt_buf *b, const struct zt_row *row)
{
	struct zt_str	 v = row->s[ZT_COL_DST_WORKLOAD];
	char		 tmp[64];

	if (v.p != NULL)
		zt_buf_add(b, v.p, v.n);
	else
		zt_buf_addc(b, '-');
	zt_buf_add(b, " (", 2);
	add_text(b, row->s[ZT_COL_DST_HBONE_ADDR].p != NULL ?
	    row->s[ZT_COL_DST_HBONE_ADDR] : row->s[ZT_COL_DST_ADDR]);
	zt_buf_addc(b, ')');
	if ((v = row->s[ZT_COL_DST_SERVICE]).p != NULL) {
		zt_buf_add(b, " service ", 9);
		zt_buf_add(b, v.p, v.n);
	}
	if (row->hbone)
		zt_buf_add(b, ", HBONE", 7);
	else
		zt_buf_add(b, ", plain TCP", 11);
	if (row->s[ZT_COL_BYTES_SENT].p != NULL) {
		snprintf(tmp, sizeof(tmp), ", %lld/%lld bytes",
		    (long long)row->num[ZT_COL_BYTES_SENT],
		    row->s[ZT_COL_BYTES_RECV].p != NULL ?
		    (long long)row->num[ZT_COL_BYTES_RECV] : 0LL);
		zt_buf_add(b, tmp, strlen(tmp));
	}
	if ((v = row->s[ZT_COL_MESSAGE]).p != NULL &&
	    !ZT_STR_EQ(v, "connection complete")) {
		zt_buf_add(b, ", ", 2);
		zt_buf_add(b, v.p, v.n);
	}
	if ((v = row->s[ZT_COL_ERROR]).p != NULL) {
		zt_buf_add(b, ", error \"", 9);
		zt_buf_add(b, v.p, v.n);
		zt_buf_addc(b, '"');
	}
}

char *
zt_row_describe(const struct zt_row *row)
{
	struct zt_buf	 b = { NULL, 0, 0 };
	char		 ts[28];

	zt_format_ts(row->ts_us, ts);
	zt_buf_add(&b, ts, strlen(ts));
	zt_buf_addc(&b, ' ');
	add_text(&b, row->s[ZT_COL_DIRECTION]);
	zt_buf_addc(&b, ' ');
	add_text(&b, row->s[ZT_COL_SRC_WORKLOAD].p != NULL ?
	    row->s[ZT_COL_SRC_WORKLOAD] : row->s[ZT_COL_SRC_IP]);
	zt_buf_add(&b, " (", 2);
	if (row->s[ZT_COL_SRC_IP].p != NULL)
		zt_row_src_addr(&b, row);
	else
		zt_buf_addc(&b, '?');
	zt_buf_add(&b, ") -> ", 5);
	describe_dst(&b, row);
	zt_buf_addc(&b, '\0');
	return b.p;
}

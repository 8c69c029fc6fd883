/*
 * t_errcat.c -- ztunnel's failure kinds from error texts
 * (check/errcat.h): the texts of istio/ztunnel src/proxy.rs and the
 * client-side HTTP statuses, each to its kind; other texts to none.
 */
#include <string.h>

#include "check/errcat.h"
#include "tt.h"

static const char *
kind(const char *text)
{
	struct zt_str	 e = { text, strlen(text) };
	int		 k = zt_errcat_of(e);

	return k >= 0 ? zt_errcats[k].id : "-";
}

int
main(void)
{
	static const char *const cases[][2] = {
		{ "io error: Connection refused (os error 111)", "refused" },
		{ "connection failed: io error: Connection refused (os error "
		    "111)", "refused" },
		{ "http status: 503 Service Unavailable", "refused" },
		{ "connection timed out, maybe a NetworkPolicy is blocking "
		    "HBONE port 15008: deadline has elapsed", "networkpolicy" },
		{ "io error: deadline has elapsed", "networkpolicy" },
		{ "connection closed due to policy rejection: allow policies "
		    "exist, but none allowed", "policy" },
		{ "connection closed due to policy rejection: explicitly "
		    "denied by: ns/deny-all", "policy" },
		{ "connection closed due to policy rejection", "policy" },
		{ "connection closed due to policy change", "policy" },
		{ "http status: 401 Unauthorized", "policy" },
		{ "failed to fetch information about local workload: x",
		    "unknown" },
		{ "unknown waypoint: unable to determine waypoint upstream",
		    "unknown" },
		{ "no valid routing destination for workload: w", "unknown" },
		{ "no service for target address: 10.0.0.1:80", "unknown" },
		{ "no healthy upstream: 10.43.0.1:443", "noupstream" },
		{ "connection closed due to connection drain", "drain" },
		{ "connection failed to drain within the timeout", "drain" },
		{ "pool draining", "drain" },
		{ "tls error: handshake failure", "tls" },
		{ "identity error: no certificate", "tls" },
		{ "io error: invalid peer certificate: Other(OtherError("
		    "identity verification error: peer did not present the "
		    "expected SAN)", "tls" },
		{ "connection closed: peer certificate revoked by CRL", "tls" },
		{ "http2 handshake failed: x", "tls" },
		{ "h2 failed: stream reset", "tls" },
		{ "IO ERROR: CONNECTION REFUSED", "refused" },
		/* Not a kind of the list: grouped by text. */
		{ "destination disconnected before all data was written", "-" },
		{ "while closing connection: send: io error: stream closed "
		    "because of a broken pipe", "-" },
		{ "attempted recursive call to ourselves", "-" },
		{ "", "-" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		TT_EQ_STR(kind(cases[i][0]), cases[i][1]);
		if (strcmp(kind(cases[i][0]), cases[i][1]) != 0)
			fprintf(stderr, "  text: %s\n", cases[i][0]);
	}
	TT_EQ_INT(zt_errcat_of(ZT_NOSTR), -1);
	return tt_finish("t_errcat");
}

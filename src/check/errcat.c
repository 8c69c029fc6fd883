/*
 * errcat.c -- see errcat.h.  The texts are those of istio/ztunnel
 * src/proxy.rs (Error, AuthorizationRejectionError) and, for the
 * client's view of a server-side failure, the HTTP status the server's
 * ztunnel answers the CONNECT with (src/proxy/inbound.rs: 401 for a
 * policy denial, 503 when it cannot reach the application).
 */
#include <string.h>

#include "check/errcat.h"

static const char *const p_policy[] = {
	"policy rejection",		/* AuthorizationPolicyRejection */
	"due to policy change",		/* AuthorizationPolicyLateRejection */
	"http status: 401",		/* the client's view */
	NULL
};
static const char *const p_netpol[] = {
	"maybe a NetworkPolicy is blocking HBONE port 15008",
	"deadline has elapsed",		/* 1.22: the connect timeout */
	NULL
};
static const char *const p_tls[] = {
	"tls error",			/* Tls */
	"identity error",		/* Identity */
	"invalid peer certificate",	/* rustls, via io error */
	"identity verification",
	"certificate revoked",		/* CertificateRevoked (1.31) */
	"http2 handshake failed",	/* Http2Handshake */
	"h2 failed",			/* H2 */
	NULL
};
static const char *const p_drain[] = {
	"due to connection drain",	/* ClosedFromDrain */
	"failed to drain within",	/* DrainTimeOut */
	"pool draining",		/* WorkloadHBONEPoolDraining */
	NULL
};
static const char *const p_noup[] = {
	"no healthy upstream",		/* NoHealthyUpstream */
	NULL
};
static const char *const p_unknown[] = {
	"failed to fetch information about local workload",
	"unknown waypoint",
	"unknown network gateway",
	"no service or workload for hostname",
	"no endpoints for workload",
	"no valid routing destination",
	"no valid target port",
	"no valid service port",
	"no service for target address",
	"no ip addresses were resolved",
	"found, but cannot resolve port",
	"found, but has no IP addresses",
	"no gateway address",
	NULL
};
static const char *const p_refused[] = {
	"connection refused",		/* Io / ConnectionFailed: ECONNREFUSED */
	"http status: 503",		/* the client's view */
	NULL
};

const struct zt_errcat zt_errcats[ZT_ERRCAT_N] = {
	{ "policy", "denied by an AuthorizationPolicy", "DENY",
	    "an AuthorizationPolicy denied the connection: the inbound "
	    "record's text names the policy (1.24+), see `kubectl get "
	    "authorizationpolicies -A`; `http status: 401 Unauthorized` is "
	    "the client's view of the same denial", p_policy },
	{ "networkpolicy", "timed out reaching HBONE port 15008",
	    "NETWORK_POLICY",
	    "allow TCP 15008 (HBONE) into the destination pods in their "
	    "NetworkPolicies, and through node or cloud firewalls",
	    p_netpol },
	{ "tls", "mTLS or identity failure", "TLS_FAILURE, IDENTITY_ERROR, "
	    "H2_HANDSHAKE_FAILURE, CERT_REVOKED",
	    "check the workload certificates (`istioctl ztunnel-config "
	    "certificates`), the destination's service account against the "
	    "identity the client expected, and the CA and trust domain",
	    p_tls },
	{ "drain", "cut by a drain", "CONNECT",
	    "a ztunnel or a pod was restarting or a node drained: expected "
	    "during rollouts; otherwise look for ztunnel restarts",
	    p_drain },
	{ "noupstream", "no healthy upstream", "CONNECT",
	    "the service had no healthy endpoint this client may use: check "
	    "its EndpointSlices and readiness, and its locality settings "
	    "(trafficDistribution, internalTrafficPolicy)", p_noup },
	{ "unknown", "unknown source or destination", "CONNECT",
	    "ztunnel's xDS view lacks the workload or service: check "
	    "`istioctl ztunnel-config workloads` / `services` on that node, "
	    "that the pod is enrolled in ambient, and istiod's connection",
	    p_unknown },
	{ "refused", "connection refused by the application", "CONNECT",
	    "nothing listens on the port the connection was sent to: check "
	    "the service's targetPort and the container's port, and that the "
	    "application is up; `http status: 503` is the client's view "
	    "when the server's ztunnel could not connect", p_refused },
};

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Is pat in e, ASCII case ignored? */
static int
has(struct zt_str e, const char *pat)
{
	size_t	 n = strlen(pat);
	size_t	 i, k;

	for (i = 0; i + n <= e.n; i++) {
		for (k = 0; k < n && lower((unsigned char)e.p[i + k]) ==
		    lower((unsigned char)pat[k]); k++)
			;
		if (k == n)
			return 1;
	}
	return 0;
}

int
zt_errcat_of(struct zt_str e)
{
	const char *const	*p;
	int			 c;

	if (e.p == NULL)
		return -1;
	for (c = 0; c < ZT_ERRCAT_N; c++)
		for (p = zt_errcats[c].pat; *p != NULL; p++)
			if (has(e, *p))
				return c;
	return -1;
}

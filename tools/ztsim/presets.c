/*
 * presets.c -- the built-in scenarios (ztsim --list, --show NAME): the
 * cases issue 11 names, each a healthy cluster with one twist, written
 * in the scenario language so that they can be copied and changed.
 */

#include <string.h>

#include "ztsim.h"

struct preset {
	const char	*name;
	const char	*what;
	const char	*text;
};

static const struct preset presets[] = {
{ "healthy", "a small healthy cluster: every verdict passes",
"# A small healthy cluster: direct services and two served by a waypoint\n"
"# with two replicas.  Capacities 1, no locality: even by design.\n"
"duration 120\n"
"rate 40\n"
"nodes 3\n"
"clients 4\n"
"waypoint waypoint ns=payments replicas=2\n"
"service productpage ns=bookinfo port=9080 replicas=3\n"
"service reviews ns=bookinfo port=9080 replicas=3\n"
"service details ns=bookinfo port=9080 replicas=2\n"
"service cart ns=shop port=7070 replicas=2\n"
"service checkout ns=shop port=5050 replicas=3\n"
"service ledger ns=payments port=8443 replicas=2 waypoint=waypoint\n"
"service fraud-check ns=payments replicas=3 waypoint=waypoint\n"
"service postgres ns=data port=5432 replicas=1 kind=db\n" },

{ "many", "100 healthy services (false-alarm rate)",
"# 100 healthy services with 2-4 endpoints each, ~1200 connections\n"
"# apiece: any balance finding is a false alarm.\n"
"duration 300\n"
"rate 400\n"
"nodes 3\n"
"clients 6\n"
"services 100 replicas=2-4\n" },

{ "restart", "rolling restarts: pods replaced mid-capture",
"# reviews and ratings are rolled mid-capture: each old pod is replaced\n"
"# by a new one (new name, new IP), the old one removed half a step\n"
"# later.  Load balancing is right all along.\n"
"duration 300\n"
"rate 60\n"
"nodes 3\n"
"clients 4\n"
"service reviews ns=bookinfo port=9080 replicas=3 restart=100,30\n"
"service ratings ns=bookinfo port=9080 replicas=2 restart=180,20\n"
"service details ns=bookinfo port=9080 replicas=2\n" },

{ "prefer-close", "locality: PreferClose and internalTrafficPolicy Local",
"# Three zones, clients mostly on worker-1.  catalog has\n"
"# trafficDistribution: PreferClose (Failover over network, region,\n"
"# zone, subzone), node-cache internalTrafficPolicy: Local (Strict on\n"
"# node): the aggregate split is uneven by design, each client node's\n"
"# is not.\n"
"duration 120\n"
"rate 40\n"
"nodes 3 zones=3\n"
"client web ns=shop replicas=4 node=worker-1,worker-1,worker-1,worker-2\n"
"client curl replicas=1 node=worker-3\n"
"service catalog ns=shop port=3550 replicas=3 traffic=preferclose "
"node=worker-1,worker-2,worker-3\n"
"service node-cache ns=shop port=6379 replicas=3 itp=local "
"node=worker-1,worker-2,worker-3\n"
"service cart ns=shop port=7070 replicas=3\n" },

{ "capacity", "endpoints with capacity other than 1",
"# search's first endpoint has capacity 2: it gets half the connections.\n"
"duration 120\n"
"rate 40\n"
"nodes 3\n"
"clients 4\n"
"service search replicas=3 capacity=2,1,1\n"
"service users replicas=2\n" },

{ "skew-waypoint", "must catch: 78/22 over two waypoint replicas",
"# A broken balance: the waypoint's two replicas get 78% and 22% of the\n"
"# clients' connections though both have capacity 1.\n"
"duration 120\n"
"rate 40\n"
"nodes 3\n"
"clients 4\n"
"waypoint waypoint ns=payments replicas=2 skew=78,22\n"
"service ledger ns=payments port=8443 replicas=2 waypoint=waypoint\n"
"service fraud-check ns=payments replicas=3 waypoint=waypoint\n"
"service users replicas=2\n" },

{ "skew-endpoints", "must catch: 73/14/13 over three endpoints",
"# A broken balance: checkout's endpoints get 73%, 14% and 13%.\n"
"duration 120\n"
"rate 40\n"
"nodes 3\n"
"clients 4\n"
"service checkout ns=shop port=5050 replicas=3 skew=73,14,13\n"
"service cart ns=shop port=7070 replicas=3\n"
"service users replicas=2\n" },

{ "clock-skew", "node clocks at 0, +1.5 s and +3 s",
"# Each node's ztunnel stamps its lines with its own clock.\n"
"duration 60\n"
"rate 20\n"
"node worker-1 clock=0\n"
"node worker-2 clock=1.5\n"
"node worker-3 clock=3\n"
"clients 4\n"
"service reviews ns=bookinfo port=9080 replicas=3\n"
"service details ns=bookinfo port=9080 replicas=2\n"
"service cart ns=shop port=7070 replicas=2\n" },

{ "bypass", "clients that bypass a waypoint",
"# ledger is served by a waypoint, but 10% of the calls dial a ledger\n"
"# pod directly (no dst.service on the client's record).\n"
"duration 120\n"
"rate 30\n"
"nodes 3\n"
"clients 4\n"
"waypoint waypoint ns=payments replicas=2\n"
"service ledger ns=payments port=8443 replicas=3 waypoint=waypoint "
"bypass=10\n"
"service users replicas=2\n" },

{ "plaintext", "plain TCP: by design and as an hbone violation",
"# legacy is not enrolled (protocol TCP): plain TCP to it is by design.\n"
"# 5% of the calls to users go out as plain TCP to HBONE pods, and the\n"
"# un-enrolled client batch reaches HBONE pods in plaintext: violations.\n"
"duration 120\n"
"rate 30\n"
"nodes 3\n"
"clients 3\n"
"client batch ns=data enrolled=no weight=0.5\n"
"service legacy replicas=2 enrolled=no\n"
"service users replicas=2 plaintext=5\n"
"service cart ns=shop port=7070 replicas=2\n" },

{ "errors", "each error category, with ztunnel's texts",
"# One service per failure kind; empty has no healthy endpoint at all.\n"
"duration 120\n"
"rate 40\n"
"nodes 3\n"
"clients 4\n"
"service cart ns=shop port=7070 replicas=2 errors=refused:5\n"
"service checkout ns=shop port=5050 replicas=2 errors=timeout:3\n"
"service payments ns=payments port=8080 replicas=2 errors=policy:5\n"
"service shipping ns=shop port=50051 replicas=2 errors=noupstream:3\n"
"service orders ns=shop replicas=2 errors=drain:3\n"
"service catalog ns=shop port=3550 replicas=2 errors=tls:3\n"
"service empty replicas=1 unhealthy=1 weight=0.2\n" },

{ "idle-unhealthy", "idle and unhealthy endpoints",
"# search's third endpoint is healthy in the inventory but no ztunnel\n"
"# ever picks it (must catch); users' second is unhealthy (idle by\n"
"# design); notify's second is unhealthy under health policy AllowAll\n"
"# (still drawn).\n"
"duration 120\n"
"rate 40\n"
"nodes 3\n"
"clients 4\n"
"service search replicas=3 idle=3\n"
"service users replicas=3 unhealthy=2\n"
"service notify replicas=2 unhealthy=2 health=allowall\n" },

{ "weighted-waypoint", "1.31 weighted waypoints (a canary)",
"# cart's connections go 90/10 to two waypoints, then over their\n"
"# replicas.\n"
"version 1.31\n"
"duration 120\n"
"rate 40\n"
"nodes 3\n"
"clients 4\n"
"waypoint wp-stable ns=shop replicas=2\n"
"waypoint wp-canary ns=shop replicas=1\n"
"service cart ns=shop port=7070 replicas=2 "
"waypoint=wp-stable:90,wp-canary:10\n"
"service users replicas=2\n" },
};

#define NPRESETS (sizeof(presets) / sizeof(presets[0]))

const char *
zs_scenario_builtin(const char *name)
{
	size_t i;

	for (i = 0; i < NPRESETS; i++)
		if (strcmp(presets[i].name, name) == 0)
			return presets[i].text;
	return NULL;
}

void
zs_scenario_list(FILE *f)
{
	size_t i;

	for (i = 0; i < NPRESETS; i++)
		fprintf(f, "%-18s %s\n", presets[i].name, presets[i].what);
}

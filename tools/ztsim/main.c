/*
 * main.c -- ztsim: a simulated Istio ambient cluster whose truth is
 * known, for testing and benchmarking ztlog's verdicts.
 *
 * Modules (tools/ztsim/):
 *   scenario.c  the scenario language, the cluster it builds
 *   presets.c   the built-in scenarios
 *   lb.c        ztunnel's load balancing (src/state.rs load_balance)
 *   traffic.c   connections and the access records they produce
 *   logout.c    the log lines, ztunnel.log and per-pod logs
 *   dump.c      ztunnel's raw /config_dump
 *   istioctl.c  istioctl ztunnel-config -o json and tables
 *   truth.c     the truth files (tab-separated)
 *   inv.c       what dump.c and istioctl.c share
 *   json.c      the pretty JSON writers; util.c the rest
 *
 * Why a new tool beside ztgen: ztgen's output is pinned byte for byte by
 * goldens and benches and it streams millions of lines without holding
 * them; ztsim holds the whole capture to number lines for the truth and
 * to write the inventory of the same cluster, and models ztunnel's
 * load balancing instead of a round-robin with noise.
 *
 * Same seed and arguments, same bytes (the only floating point that
 * reaches the output is printed rounded).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ztsim.h"

static const char synopsis[] =
"usage: ztsim -o DIR [-s SEED] [--scenario NAME|FILE] [--duration S]\n"
"             [--rate R] [--version V] [--services N] [--json] [--prefix]\n"
"             [--bugreport]\n"
"       ztsim --list | --show NAME | -h\n";

static const char *const help_text[] = {
"\n"
"Simulate an Istio ambient cluster and write, into DIR, the ztunnel logs\n"
"of one capture, the inventory files of that cluster and the truth: what\n"
"was simulated.  Endpoints are drawn as ztunnel's src/state.rs does:\n"
"weighted random by workload capacity among the service's healthy\n"
"endpoints present at that moment (all with health policy AllowAll),\n"
"restricted to the best-ranked ones for the client's locality when the\n"
"service has a Failover or Strict load balancer; a service with a\n"
"waypoint is balanced over the waypoint's replicas (weighted waypoints:\n"
"one picked by weight first), the waypoint's own pick of an endpoint\n"
"(Envoy's) is uniform over healthy present endpoints.\n"
"\n",
"  -o DIR             output directory (created; files overwritten)\n"
"  -s, --seed N       random seed (default: the scenario's, else 1)\n"
"  --scenario S       a built-in scenario (--list) or a scenario file;\n"
"                     default: healthy\n"
"  --duration S       seconds of capture (default: the scenario's)\n"
"  --rate R           connections per second, cluster-wide (default: the\n"
"                     scenario's)\n"
"  --version V        imitated release: 1.22 1.23 1.24 1.26 1.31 (logs and\n"
"                     inventory shapes; default: the scenario's, else 1.26)\n"
"  --services N       add N generated healthy services (2-4 endpoints)\n"
"  --json             LOG_FORMAT=json log lines\n"
"  --prefix           kubectl --prefix on ztunnel.log\n"
"  --bugreport        also write bugreport/proxies/istio-system/<pod>/\n"
"                     {istio-proxy.log,config_dump}\n"
"  --list             the built-in scenarios\n"
"  --show NAME        print a built-in scenario\n"
"\n",

"Scenario files: one directive per line, `#` starts a comment, words are\n"
"separated by blanks, options are key=value; lists are comma-separated;\n"
"replica numbers count from 1; times are seconds from the capture's start.\n"
"  seed N | duration S | rate R | version V\n"
"  errors CAT:PCT,...        default errors= of the services that follow\n"
"  node NAME [region=R] [zone=Z] [subzone=S] [clock=SECONDS]\n"
"  nodes N [zones=K] [region=R] [clock=S1,S2,...]\n"
"                            worker-1..N; zones: <region>-a, -b, ...\n"
"  client NAME [ns=NS] [sa=SA] [replicas=K] [node=N1,...] [weight=W]\n"
"                            [enrolled=yes|no]\n"
"  clients N                 N generated clients, weight 1 each\n"
"  waypoint NAME [ns=NS] [replicas=K] [node=...] [capacity=C,...]\n"
"                            [skew=S,...] [restart=AT,STEP] [unhealthy=I,...]\n"
"                            [idle=I,...]\n"
"  service NAME [ns=NS] [port=P] [targetport=T] [replicas=K] [node=...]\n"
"                            [capacity=C,...] [weight=W] [kind=http|db]\n"
"                            [traffic=preferclose] [itp=local]\n"
"                            [lb=standard|failover|strict]\n"
"                            [prefs=network,region,zone,subzone,node,cluster]\n"
"                            [health=allowall] [unhealthy=I,...] [idle=I,...]\n"
"                            [enrolled=no] [waypoint=W[:WEIGHT],...]\n"
"                            [skew=S,...] [restart=AT,STEP] [bypass=PCT]\n"
"                            [plaintext=PCT] [errors=CAT:PCT,...]\n"
"                            [bytes=REQ/RESP]\n"
"  services N [replicas=LO-HI]  N generated healthy services\n"
"Meanings: weight = share of the traffic (clients, services); node= places\n"
"replicas round-robin (default: spread); capacity = the workload's\n"
"capacity (1.26+); traffic=preferclose is istiod's PreferClose balancer\n"
"(Failover on network, region, zone, subzone); itp=local is Strict on\n"
"node; unhealthy = status Unhealthy; idle = healthy in the inventory but\n"
"never picked (a stale ztunnel view: must be caught); enrolled=no = not\n"
"in ambient (protocol TCP; a client's traffic is seen only as inbound\n"
"plaintext at HBONE pods); skew = a broken balancer drawing these shares\n"
"instead (must be caught); restart = rolling restart from AT, one pod\n"
"replaced per STEP (new pod ready, old removed STEP/2 later);\n"
"bypass = % of calls dialling a pod directly past the waypoint;\n"
"plaintext = % of calls sent as plain TCP to HBONE pods (a violation);\n"
"errors: refused timeout policy noupstream drain tls, % of calls;\n"
"bytes = every call sends REQ and gets RESP bytes (like a health check:\n"
"twins that only their times tell apart).\n"
"\n",
"Files in DIR:\n"
"  ztunnel.log                 kubectl -n istio-system logs -l app=ztunnel\n"
"                              --tail=-1: one block per ztunnel pod\n"
"  inventory/config_dump.json  raw /config_dump of worker-1's ztunnel (1.22:\n"
"                              maps keyed by network/ip; 1.23+: arrays)\n"
"  inventory/zc-all.json       istioctl ztunnel-config all -o json\n"
"  inventory/zc-workloads.json istioctl ztunnel-config workloads -o json\n"
"  inventory/zc-services.json  istioctl ztunnel-config services -o json\n"
"  inventory/zc-workloads.txt  istioctl ztunnel-config workloads\n"
"  inventory/zc-services.txt   istioctl ztunnel-config services\n"
"",
"  truth/nodes.tsv      node ztunnel_pod region zone subzone clock_offset_s\n"
"  truth/workloads.tsv  workload namespace kind service slot node ip protocol\n"
"                       captured healthy idle capacity first_seen_s\n"
"                       last_seen_s replaced_by in_inventory\n"
"  truth/services.tsv   service name namespace kind vip port targetport\n"
"                       lb_mode routing_preferences health_policy waypoints\n"
"                       skew restart_at_s restart_step_s bypass_pct\n"
"                       plaintext_pct errors connections\n"
"  truth/balance.tsv    service hop source_node endpoint expected count\n"
"                       (hop: client-endpoint, client-waypoint,\n"
"                       waypoint-endpoint; source_node * = all nodes;\n"
"                       expected = sum of the model's probabilities)\n"
"  truth/groups.tsv     service hop endpoints connections\n"
"                       expected_min_share expected_max_share\n"
"                       uneven_by_design skewed reason\n"
"  truth/conns.tsv      conn start_s end_s client client_node service path\n"
"                       waypoint endpoint endpoint_node error out_line\n"
"                       in_line twins hbone_violation\n"
"                       (path: direct waypoint bypass plain-tcp plain-hbone\n"
"                       unenrolled failed; lines of ztunnel.log)\n"
"Times in truth/ are true seconds from the start of the capture\n"
"(2024-05-04T10:00:00Z); a node's lines carry its clock offset.  Same\n"
"arguments, same bytes.  Exit status 0, or 2 on a usage or scenario\n"
"error.\n",
NULL };

static void
usage(const char *msg, const char *arg)
{
	fprintf(stderr, "ztsim: %s%s%s\n%s", msg, arg ? " " : "",
	    arg ? arg : "", synopsis);
	exit(2);
}

static double
optnum(const char *opt, const char *v, double lo, double hi)
{
	char *end;
	double d;

	if (v == NULL)
		usage("missing value after", opt);
	errno = 0;
	d = strtod(v, &end);
	if (end == v || *end != '\0' || errno != 0 || !(d >= lo && d <= hi))
		usage("bad value for", opt);
	return d;
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t n = 0;
	size_t cap = 0;
	size_t got;

	if (f == NULL)
		zs_die("%s: %s", path, strerror(errno));
	do {
		zs_grow((void **)&buf, &cap, n + 4097, 1);
		got = fread(buf + n, 1, 4096, f);
		n += got;
	} while (got > 0);
	if (ferror(f))
		zs_die("%s: read error", path);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

int
main(int argc, char **argv)
{
	static struct zs_sim s;
	const char *dir = NULL;
	const char *scen = "healthy";
	const char *text;
	char *file = NULL;
	int more = 0;
	int i;
	FILE *f;

	s.seed = UINT64_MAX;
	s.ver = (enum zs_ver)-1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			const char *const *h;

			fputs(synopsis, stdout);
			for (h = help_text; *h != NULL; h++)
				fputs(*h, stdout);
			return 0;
		} else if (strcmp(a, "--list") == 0) {
			zs_scenario_list(stdout);
			return 0;
		} else if (strcmp(a, "--show") == 0) {
			if (v == NULL || (text = zs_scenario_builtin(v)) == NULL)
				usage("no built-in scenario", v ? v : "");
			fputs(text, stdout);
			return 0;
		} else if (strcmp(a, "--json") == 0) {
			s.json = 1;
		} else if (strcmp(a, "--prefix") == 0) {
			s.prefix = 1;
		} else if (strcmp(a, "--bugreport") == 0) {
			s.bugreport = 1;
		} else if (strcmp(a, "-o") == 0) {
			if ((dir = v) == NULL)
				usage("missing value after", a);
			i++;
		} else if (strcmp(a, "--scenario") == 0) {
			if ((scen = v) == NULL)
				usage("missing value after", a);
			i++;
		} else if (strcmp(a, "-s") == 0 || strcmp(a, "--seed") == 0) {
			s.seed = (uint64_t)optnum(a, v, 0, 9e15);
			i++;
		} else if (strcmp(a, "--duration") == 0) {
			s.duration = optnum(a, v, 1, 86400);
			i++;
		} else if (strcmp(a, "--rate") == 0) {
			s.rate = optnum(a, v, 0.01, 1e6);
			i++;
		} else if (strcmp(a, "--services") == 0) {
			more = (int)optnum(a, v, 1, 4000);
			i++;
		} else if (strcmp(a, "--version") == 0) {
			static const char *const vs[] = { "1.22", "1.23",
				"1.24", "1.26", "1.31" };
			int k;

			for (k = 0; k < 5 && (v == NULL || strcmp(v, vs[k]));
			    k++)
				;
			if (k == 5)
				usage("--version is one of 1.22 1.23 1.24 1.26 "
				    "1.31, not", v ? v : "nothing");
			s.ver = (enum zs_ver)k;
			i++;
		} else {
			usage(a[0] == '-' ? "unknown option" :
			    "unexpected argument", a);
		}
	}
	if (dir == NULL)
		usage("-o DIR is required", NULL);
	text = zs_scenario_builtin(scen);
	if (text == NULL)
		text = file = slurp(scen);
	zs_scenario_load(&s, text, scen);
	if (more > 0)
		zs_add_services(&s, more, 2, 4);
	zs_finish_cluster(&s);
	zs_mkdirs(dir);
	zs_simulate(&s);
	zs_write_logs(&s, dir);
	zs_write_truth(&s, dir);
	f = zs_create(dir, "inventory/config_dump.json");
	zs_write_config_dump(&s, f, 0);
	zs_close(f, "inventory/config_dump.json");
	f = zs_create(dir, "inventory/zc-all.json");
	zs_write_config_dump(&s, f, 0);
	fputc('\n', f);
	zs_close(f, "inventory/zc-all.json");
	zs_write_istioctl(&s, dir);
	for (i = 0; s.bugreport && i < (int)s.nnode; i++) {
		char path[256];

		snprintf(path, sizeof(path), "bugreport/proxies/istio-system/"
		    "%s/config_dump", s.node[i].zpod);
		f = zs_create(dir, path);
		zs_write_config_dump(&s, f, i);
		zs_close(f, path);
	}
	for (i = 0; i < (int)s.nsvc; i++)
		free(s.svc[i].ep);
	free(s.svc);
	free(s.wl);
	free(s.node);
	free(s.rec);
	free(s.conn);
	free(s.cell);
	free(file);
	return 0;
}

/*
 * main.c -- ztgen: a deterministic generator of synthetic Istio ambient
 * ztunnel logs.
 *
 * What it produces
 *   The text that `kubectl -n istio-system logs -l app=ztunnel --tail=-1`
 *   prints for a small simulated cluster (see
 *   shared/docs/ztunnel-log-format.md): one ztunnel pod per node
 *   (`ztunnel-xxxxx`, container `istio-proxy`), each pod's lines as one
 *   contiguous block, pod blocks in a (seeded) random order, lines inside a
 *   block in the pod's own time order.  Access records follow the field
 *   order and quoting of section 2/3 (absent values omitted), the JSON shape
 *   of section 4.1 with --json, and the kubectl decorations of section 10
 *   (--prefix, --timestamps, in that order).
 *
 *   The cluster: NODES nodes with pod CIDR 10.244.<node>.0/24, SERVICES
 *   services (VIPs in 10.96.0.0/16) in a few namespaces with 1..ENDPOINTS
 *   endpoint pods each, CLIENTS client pods, and one waypoint per namespace
 *   that has waypoint-enabled services.  Every simulated connection is
 *     direct HBONE   outbound record on the client's node ztunnel and the
 *                    matching inbound record on the endpoint's node ztunnel
 *                    (same pod when both are on one node) with the pairing
 *                    semantics of section 6.2: equal src IP, different src
 *                    port (pooled HBONE connection port, shared by several
 *                    inbound records), equal dst.hbone_addr = endpoint
 *                    IP:targetPort, dst.addr = endpoint IP:15008 on both
 *                    sides, bytes swapped, inbound closing 0.05-0.7 ms
 *                    earlier, identities on both records;
 *     via waypoint   outbound dst.addr = waypoint IP:15008, dst.hbone_addr =
 *                    service VIP:port, dst.workload = waypoint pod; the
 *                    endpoint's ztunnel logs an inbound record whose source
 *                    is the waypoint (no twin for the client's record, 6.4);
 *     plain TCP      (--plaintext) outbound only, no hbone_addr, no
 *                    identities: to the service endpoint's targetPort (a
 *                    mesh workload reached without mTLS) or, for a quarter
 *                    of them, passthrough to an external address;
 *     errors         (--errors) `connection complete` at level error with
 *                    error="..." (timeouts, policy rejections, refused,
 *                    resets; inbound and outbound consistent), plus some
 *                    four-field `connection failed` warn lines.
 *   --skew-endpoint sends that extra share of each service's connections
 *   to its first endpoint (the one that then gets the most), otherwise the
 *   choice is round-robin with some randomness; --drop-inbound leaves out
 *   that share of the inbound records.
 *   --other PCT of the lines are non-access lines: each pod block starts
 *   with the startup sequence (version line, `running with config:` with
 *   its untimestamped YAML continuation lines, listeners, xDS, pods
 *   received) as far as the budget allows, then xDS `received response`
 *   chatter and a few warnings/errors at random.
 *   The default text is ztunnel 1.23+ (TAB layout, everything quoted);
 *   --layout spaces expands the first TABs as the istio.io page shows them,
 *   --layout v1.22.0 writes names unquoted, the `connection failed` error
 *   bare, and inbound HBONE dst.addr as pod IP:targetPort, as 1.22.0 did.
 *
 * Determinism and memory
 *   Everything derives from --seed; the same arguments give the same bytes
 *   on every platform.  The simulation runs in global time order; records
 *   wait in a per-pod min-heap (bounded by the longest connection) until
 *   no later-generated record can close earlier.  To write pod blocks one
 *   after another without holding them in memory, the simulation is
 *   replayed once per group of pods: the group's first pod streams to
 *   stdout, the others go to tmpfile()s that are appended after the pass.
 *   With <= 4 nodes each pass handles one pod (no temporary files at all);
 *   with more nodes there are at most 4 passes.
 *
 * -n counts physical lines of the text/JSON output.  --csv writes only the
 * access records (connection complete/failed) of the text output that the
 * same arguments would give, as CSV with a header line (for the sqlite3
 * `.import` baseline of bench/bench.sh); the header is not counted.
 *
 * Used by: tests (small -n, fixed seeds, --other 0 for clean input or the
 * default mix for skipping non-access lines, --skew-endpoint and
 * --drop-inbound for the load-balancing and pairing checks) and
 * bench/bench.sh (millions of lines, `ztgen -n N --prefix`).
 *
 * Build: ISO C11 and its library only (no POSIX, no libm: exp/log are
 * approximated in rng.c; only the shape of the distributions matters).
 * Speed: ~4 M lines/s to /dev/null at the defaults (-O2); the time goes
 * into formatting with memcpy from preformatted per-pod/service pieces.
 *
 * Modules (tools/ztgen/; ztgen.h maps them): main.c the options and the
 * passes, traffic.c the simulation, cluster.c the cluster, emit.c the
 * lines, fmt.c formatting and output buffers, rng.c random numbers.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ztgen.h"

/* ------------------------------------------------------------------ */
/* driver: one pass per group of pods, blocks in kubectl's pod order */

static void
copy_out(FILE *from, FILE *to, char *buf)
{
	size_t n;

	if (fflush(from) != 0 || fseek(from, 0, SEEK_SET) != 0)
		die("temporary file");
	while ((n = fread(buf, 1, OBUF_CAP, from)) > 0)
		if (fwrite(buf, 1, n, to) != n)
			die("write error");
	if (ferror(from))
		die("temporary file read error");
}

static void
run(struct gen *g)
{
	size_t *order;
	size_t per;
	size_t i;
	size_t k;
	char *cbuf = xmalloc(OBUF_CAP);

	/* kubectl reads pods in Go map order: random per invocation */
	order = xmalloc(g->npod * sizeof(*order));
	for (i = 0; i < g->npod; i++)
		order[i] = i;
	{
		struct rng_state r;

		rng_seed(&r, g->o.seed, 3);
		for (i = g->npod; i > 1; i--) {
			size_t j = rbelow(&r, (uint32_t)i);
			size_t t = order[i - 1];

			order[i - 1] = order[j];
			order[j] = t;
		}
	}

	if (g->o.mode == MODE_CSV) {
		fputs("pod,time,level,message,src.addr,src.workload,"
		      "src.namespace,src.identity,dst.addr,dst.hbone_addr,"
		      "dst.service,dst.workload,dst.namespace,dst.identity,"
		      "direction,bytes_sent,bytes_recv,duration,error\n",
		    stdout);
	}
	per = (g->npod + MAX_PASSES - 1) / MAX_PASSES;
	for (i = 0; i < g->npod; i += per) {
		size_t end = i + per < g->npod ? i + per : g->npod;

		for (k = 0; k < g->npod; k++)
			g->pod[k].active = 0;
		for (k = i; k < end; k++) {
			struct zpod *p = &g->pod[order[k]];

			p->active = 1;
			p->ob.buf = xmalloc(OBUF_CAP);
			p->ob.len = 0;
			p->ob.f = k == i ? stdout : tmpfile();
			if (p->ob.f == NULL)
				die("cannot create a temporary file");
		}
		run_pass(g);
		for (k = i; k < end; k++) {
			struct zpod *p = &g->pod[order[k]];

			ob_flush(&p->ob);
			free(p->ob.buf);
			free(p->heap);
			p->heap = NULL;
			p->hcap = 0;
			if (k == i)
				continue;
			copy_out(p->ob.f, stdout, cbuf);
			fclose(p->ob.f);
		}
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		die("write error");
	free(order);
	free(cbuf);
}

/* ------------------------------------------------------------------ */
/* options and --help */

static const char synopsis[] =
"usage: ztgen [-n LINES] [-s SEED] [--nodes N] [--services N]\n"
"             [--endpoints N] [--clients N] [--prefix] [--timestamps]\n"
"             [--json | --csv] [--layout tab|spaces|v1.22.0] [--other PCT]\n"
"             [--errors PCT] [--plaintext PCT] [--skew-endpoint PCT]\n"
"             [--drop-inbound PCT] [--rate CONN_PER_S]\n";

static void
help(void)
{
	fputs(synopsis, stdout);
	fputs(
"\n"
"Write deterministic synthetic Istio ambient ztunnel logs, as\n"
"`kubectl -n istio-system logs -l app=ztunnel --tail=-1` prints them\n"
"(one contiguous block per ztunnel pod), to stdout.\n"
"\n"
"  -n LINES            physical output lines (default 10000)\n"
"  -s, --seed SEED     random seed (default 1); same arguments, same bytes\n"
"  --nodes N           nodes = ztunnel pods (default 3)\n"
"  --services N        services (default 20)\n"
"  --endpoints N       max endpoints per service, each gets 1..N (default 4)\n"
"  --clients N         client pods (default 10)\n"
"  --prefix            add kubectl's `[pod/ztunnel-xxxxx/istio-proxy] `\n"
"  --timestamps        add the kubelet RFC3339 timestamp (9 digits) and a SP\n"
"  --json              LOG_FORMAT=json lines\n"
"  --csv               only the access records, as CSV with a header line\n"
"                      (same records as the text output of the same args)\n"
"  --layout L          text layout: tab (default), spaces (first TABs as\n"
"                      runs of spaces, like the istio.io page) or v1.22.0\n"
"                      (unquoted names, bare connection-failed error,\n"
"                      inbound dst.addr = pod:targetPort)\n"
"  --other PCT         non-access lines, startup block included (default 3)\n"
"  --errors PCT        connections that fail (default 1)\n"
"  --plaintext PCT     outbound connections over plain TCP (default 2)\n"
"  --skew-endpoint PCT extra share of each service's traffic sent to its\n"
"                      first endpoint (default 0)\n"
"  --drop-inbound PCT  inbound records dropped (default 0)\n"
"  --rate N            connections per second, cluster-wide (default 2000)\n"
"  -h, --help          this text\n",
	    stdout);
}

/* a usage error: message, synopsis, exit 2 */
static void
bad(const char *what, const char *arg)
{
	fprintf(stderr, "ztgen: %s '%s'\n%s", what, arg, synopsis);
	exit(2);
}

static int
takes_value(const char *a)
{
	static const char *const opts[] = { "-n", "-s", "--seed", "--nodes",
		"--services", "--endpoints", "--clients", "--layout",
		"--other", "--errors", "--plaintext", "--skew-endpoint",
		"--drop-inbound", "--rate" };
	size_t i;

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (strcmp(a, opts[i]) == 0)
			return 1;
	return 0;
}

static unsigned long long
num(const char *opt, const char *s, unsigned long long lo,
    unsigned long long hi)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (s[0] == '-' || end == s || *end != '\0' || errno != 0 || v < lo ||
	    v > hi) {
		fprintf(stderr, "ztgen: %s: expected an integer in %llu..%llu, "
				"got '%s'\n",
		    opt, lo, hi, s);
		exit(2);
	}
	return v;
}

static double
pct(const char *opt, const char *s)
{
	char *end;
	double v;

	v = strtod(s, &end);
	if (end == s || *end != '\0' || !(v >= 0 && v <= 100)) {
		fprintf(stderr, "ztgen: %s: expected a percentage 0..100, got "
				"'%s'\n",
		    opt, s);
		exit(2);
	}
	return v;
}

static void
parse_args(struct opts *o, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		int takes = 1;

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			help();
			exit(0);
		} else if (strcmp(a, "--prefix") == 0) {
			o->prefix = 1;
			takes = 0;
		} else if (strcmp(a, "--timestamps") == 0) {
			o->timestamps = 1;
			takes = 0;
		} else if (strcmp(a, "--json") == 0) {
			o->mode = MODE_JSON;
			takes = 0;
		} else if (strcmp(a, "--csv") == 0) {
			o->mode = MODE_CSV;
			takes = 0;
		} else if (!takes_value(a)) {
			bad(a[0] == '-' ? "unknown option" : "unexpected argument",
			    a);
		} else if (v == NULL) {
			bad("missing value after", a);
		} else if (strcmp(a, "-n") == 0) {
			o->lines = num(a, v, 0, 1ull << 40);
		} else if (strcmp(a, "-s") == 0 || strcmp(a, "--seed") == 0) {
			o->seed = num(a, v, 0, UINT64_MAX);
		} else if (strcmp(a, "--nodes") == 0) {
			o->nodes = (unsigned)num(a, v, 1, 250);
		} else if (strcmp(a, "--services") == 0) {
			o->services = (unsigned)num(a, v, 1, 4000);
		} else if (strcmp(a, "--endpoints") == 0) {
			o->endpoints = (unsigned)num(a, v, 1, 64);
		} else if (strcmp(a, "--clients") == 0) {
			o->clients = (unsigned)num(a, v, 1, 10000);
		} else if (strcmp(a, "--layout") == 0) {
			if (strcmp(v, "tab") == 0)
				o->layout = LAYOUT_TAB;
			else if (strcmp(v, "spaces") == 0)
				o->layout = LAYOUT_SPACES;
			else if (strcmp(v, "v1.22.0") == 0)
				o->layout = LAYOUT_V1220;
			else
				bad("--layout: expected tab, spaces or v1.22.0, "
				    "got", v);
		} else if (strcmp(a, "--other") == 0) {
			o->other = pct(a, v);
		} else if (strcmp(a, "--errors") == 0) {
			o->errors = pct(a, v);
		} else if (strcmp(a, "--plaintext") == 0) {
			o->plaintext = pct(a, v);
		} else if (strcmp(a, "--skew-endpoint") == 0) {
			o->skew = pct(a, v);
		} else if (strcmp(a, "--drop-inbound") == 0) {
			o->drop_inbound = pct(a, v);
		} else if (strcmp(a, "--rate") == 0) {
			o->rate = (double)num(a, v, 1, 10000000);
		}
		i += takes;
	}
}

int
main(int argc, char **argv)
{
	static struct gen g;
	static char stdoutbuf[1 << 16];

	g.o.lines = 10000;
	g.o.seed = 1;
	g.o.nodes = 3;
	g.o.services = 20;
	g.o.endpoints = 4;
	g.o.clients = 10;
	g.o.mode = MODE_TEXT;
	g.o.layout = LAYOUT_TAB;
	g.o.other = 3;
	g.o.errors = 1;
	g.o.plaintext = 2;
	g.o.rate = 2000;
	parse_args(&g.o, argc, argv);
	if (g.o.mode != MODE_TEXT)
		g.o.layout = LAYOUT_TAB;
	setvbuf(stdout, stdoutbuf, _IOFBF, sizeof(stdoutbuf));

	init_octets();
	mk_heads(&g);
	mk_tables(&g);
	build_cluster(&g);
	run(&g);
	return 0;
}

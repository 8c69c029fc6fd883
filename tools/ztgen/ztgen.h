/*
 * ztgen.h -- shared by the ztgen modules: constants, the options, the
 * simulated cluster, the pending records and the generator state, the
 * small hot helpers and the prototypes.
 *
 * main.c explains what ztgen writes and how.  Modules (tools/ztgen/),
 * each calling only the ones listed below it:
 *   main.c     options, --help, the passes that write the pod blocks
 *   traffic.c  the simulation: connections, per-pod heaps, one pass
 *   cluster.c  the simulated cluster: nodes, services, waypoints, clients
 *   emit.c     one record as a line: access lines in text/JSON/CSV, the
 *              non-access lines
 *   fmt.c      timestamps, kubectl decorations, output buffers, the
 *              preformatted per-mode fragments; die() and xmalloc()
 *   rng.c      the seeded generator's distributions, the factor tables
 * The draws of xoshiro256** (rnext, rbelow, ...) and the writers of one
 * field (put, put_ip, ..., ob_line) are static inline below: they run
 * several times per line, and a call across files would cost speed.
 */

#ifndef ZTGEN_H
#define ZTGEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* same bytes from every compiler: no fused multiply-add in the few doubles */
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

#define HBONE_PORT	15008
#define START_SEC	1714816800	/* 2024-05-04T10:00:00Z */
#define OBUF_CAP	(256u * 1024)	/* per pod written in a pass */
#define OBUF_SLACK	(64u * 1024)	/* a formatted line never exceeds it */
#define POOL_SIZE	8192		/* HBONE connection pool slots */
#define NTAB		4096		/* precomputed random factors */
#ifndef MAX_PASSES
#define MAX_PASSES	4		/* replays; more pods spill to tmpfile()s */
#endif

enum layout { LAYOUT_TAB, LAYOUT_SPACES, LAYOUT_V1220 };
enum mode { MODE_TEXT, MODE_JSON, MODE_CSV };
enum level { LV_INFO, LV_WARN, LV_ERROR };
enum kind { REC_COMPLETE, REC_FAILED, REC_OTHER };
enum svckind { SK_HTTP, SK_GRPC, SK_DB };

/* record flags */
#define RF_HBONE	0x01	/* dst.hbone_addr present */
#define RF_MTLS		0x02	/* identities present */
#define RF_INBOUND	0x04	/* direction="inbound" */

/* error strings; index 0 = none */
enum err {
	ER_NONE,
	ER_TIMEOUT,
	ER_HTTP401,
	ER_POLICY,
	ER_HTTP503,
	ER_INREFUSED,
	ER_RESET,
	ER_REFUSED,
	ER_NOUPSTREAM,
	ER_NOWAYPOINT,
	ER_COUNT
};
/* non-access line types (rec.err holds the type for REC_OTHER) */
enum other {
	OT_XDS_RESP,
	OT_XDS_STREAM,
	OT_XDS_ERR,
	OT_POD_RECEIVED,
	OT_POD_LISTENER,
	OT_DRAIN,
	OT_PING_ERR,
	OT_VERSION,
	OT_CONFIG,
	OT_LISTENER
};

struct rng_state {			/* xoshiro256** */
	uint64_t	 s[4];
};

struct opts {
	unsigned long long lines;	/* -n: physical output lines */
	unsigned long long seed;	/* -s */
	unsigned	 nodes;		/* one ztunnel pod per node */
	unsigned	 services;
	unsigned	 endpoints;	/* max endpoints per service */
	unsigned	 clients;
	int		 prefix;	/* --prefix */
	int		 timestamps;	/* --timestamps */
	enum mode	 mode;
	enum layout	 layout;
	double		 other;		/* percentages */
	double		 errors;
	double		 plaintext;
	double		 skew;
	double		 drop_inbound;
	double		 rate;		/* connections per second, cluster */
};

struct frag {
	char		*p;		/* preformatted bytes, owned */
	size_t		 n;
};

struct wl {				/* a pod: client, endpoint or waypoint */
	char		 name[128];
	char		 ns[32];
	char		 sa[64];
	char		 uid[40];
	uint32_t	 ip;
	unsigned	 node;
	int		 captured;	/* enrolled in ambient (not waypoints) */
	struct frag	 src;		/* src.workload + src.namespace */
	struct frag	 srcid;		/* src.identity */
	struct frag	 dst;		/* dst.workload + dst.namespace */
	struct frag	 dstid;		/* dst.identity */
};

struct svc {
	char		 name[48];
	char		 ns[32];
	uint32_t	 vip;
	uint16_t	 port;
	uint16_t	 tport;		/* targetPort */
	enum svckind	 kind;
	size_t		 ep0;		/* first endpoint in the wl table */
	size_t		 nep;
	long		 wp0;		/* first waypoint replica, -1 if none */
	size_t		 nwp;
	uint32_t	 rr;		/* round-robin cursor */
	uint32_t	 wprr;
	double		 lat_us;	/* typical duration */
	double		 req;		/* typical request bytes */
	double		 resp;		/* typical response bytes */
	struct frag	 f;		/* dst.service */
	struct frag	 noup;		/* error="no healthy upstream: vip:port" */
};

struct rec {				/* one pending output line */
	uint64_t	 ts;		/* close time, microseconds */
	uint64_t	 seq;		/* tie breaker: generation order */
	uint64_t	 bsent;		/* also: args of REC_OTHER */
	uint64_t	 brecv;
	uint32_t	 dur_ms;
	uint32_t	 src_ip;
	uint32_t	 dst_ip;
	uint32_t	 hb_ip;
	int32_t		 src_wl;	/* -1: unknown source */
	int32_t		 dst_wl;	/* -1: unknown destination */
	int32_t		 svc;		/* -1: no dst.service */
	uint16_t	 src_port;
	uint16_t	 dst_port;
	uint16_t	 hb_port;
	uint8_t		 kind;
	uint8_t		 level;
	uint8_t		 flags;
	uint8_t		 err;		/* enum err, or enum other */
};

struct obuf {
	char		*buf;
	size_t		 len;
	FILE		*f;
};

struct zpod {				/* one ztunnel pod = one node */
	char		 name[16];
	char		 node[32];
	char		 deco[64];	/* --prefix text */
	size_t		 decon;
	struct rng_state erng;		/* emission-time randomness */
	uint64_t	 kts;		/* last kubelet timestamp, ns */
	int64_t		 tsec;		/* cached second of put_ts */
	char		 thead[24];
	int64_t		 ksec;		/* cached second of the kubelet ts */
	char		 khead[24];
	uint32_t	 xds_id;
	int		 active;	/* written in the current pass */
	struct obuf	 ob;
	struct rec	*heap;
	size_t		 hn;
	size_t		 hcap;
};

struct poolent {
	int32_t		 a;
	int32_t		 b;
	uint16_t	 port;
	uint16_t	 left;
};

struct gen {
	struct opts	 o;
	struct wl	*wl;
	size_t		 nwl;
	size_t		 wlcap;
	struct svc	*svc;
	size_t		 nsvc;
	size_t		*cli;		/* client indices into wl */
	size_t		 ncli;
	double		*svccum;	/* cumulative popularity */
	double		*clicum;
	struct zpod	*pod;
	size_t		 npod;
	unsigned	*podips;	/* per node allocation counter */
	struct rng_state rng;		/* simulation randomness */
	uint64_t	 clock;		/* microseconds */
	uint64_t	 seq;
	uint64_t	 left;		/* lines still to generate */
	double		 gap[NTAB];	/* exponential inter-arrival, us */
	double		 ln5[NTAB];	/* lognormal factors, sigma 0.5 */
	double		 ln7[NTAB];	/* sigma 0.7 */
	double		 ln8[NTAB];	/* sigma 0.8 */
	uint64_t	 due;		/* earliest pending ts of all heaps */
	struct poolent	 pool[POOL_SIZE];
	/* fixed fragments of the chosen output mode */
	char		 head[3][2][96];	/* [level][failed] */
	size_t		 headn[3][2];
	struct frag	 errf[ER_COUNT];	/* error= of connection complete */
	struct frag	 failf[ER_COUNT];	/* of connection failed */
};

/* ------------------------------------------------------------------ */
/* random numbers: xoshiro256** (rng.c has the rest) */

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t
rnext(struct rng_state *r)
{
	uint64_t *s = r->s;
	uint64_t res;
	uint64_t t;

	res = rotl(s[1] * 5, 7) * 9;
	t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

/* uniform in [0, n) */
static inline uint32_t
rbelow(struct rng_state *r, uint32_t n)
{
	return (uint32_t)(((rnext(r) >> 32) * (uint64_t)n) >> 32);
}

/* uniform in [lo, hi] */
static inline uint32_t
rrange(struct rng_state *r, uint32_t lo, uint32_t hi)
{
	return lo + rbelow(r, hi - lo + 1);
}

/* uniform in [0, 1) */
static inline double
runit(struct rng_state *r)
{
	return (double)(rnext(r) >> 11) * 0x1.0p-53;
}

/* true with probability pct percent */
static inline int
rpct(struct rng_state *r, double pct)
{
	return pct > 0 && runit(r) * 100.0 < pct;
}

/* rng.c */
void		 rng_seed(struct rng_state *r, uint64_t seed, uint64_t stream);
double		 xln(double x);
double		 xexp(double x);
double		 rlogu(struct rng_state *r, double lo, double hi);
size_t		 rpick(struct rng_state *r, const double *cum, size_t n);
void		 rname(struct rng_state *r, char *out, size_t n);
void		 ruuid(struct rng_state *r, char *out);
void		 mk_tables(struct gen *g);

/* ------------------------------------------------------------------ */
/* formatting: fmt.c, and the writers of one field into a line */

extern char	 octs[256][4];
extern uint8_t	 octn[256];

_Noreturn void	 die(const char *msg);
void		*xmalloc(size_t n);
void		*xrealloc(void *p, size_t n);
void		 init_octets(void);
char		*put_ts(struct zpod *p, char *o, uint64_t us);
char		*put_deco(const struct gen *g, struct zpod *p, char *o,
		    uint64_t us);
void		 ob_flush(struct obuf *ob);
size_t		 esc(char *out, const char *s);
struct frag	 field(const struct gen *g, const char *key, const char *v,
		    int bare);
void		 wl_frags(const struct gen *g, struct wl *w);
void		 svc_frag(const struct gen *g, struct svc *s);

static inline char *
put(char *o, const void *s, size_t n)
{
	memcpy(o, s, n);
	return o + n;
}

#define PUTL(o, lit) put((o), (lit), sizeof(lit) - 1)

static inline char *
putf(char *o, const struct frag *f)
{
	return put(o, f->p, f->n);
}

static inline char *
put_u64(char *o, uint64_t v)
{
	char t[20];
	size_t n = 0;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		*o++ = t[--n];
	return o;
}

/* fixed-width decimal */
static inline char *
put_dig(char *o, uint64_t v, int width)
{
	int i;

	for (i = width - 1; i >= 0; i--) {
		o[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return o + width;
}

static inline char *
put_ip(char *o, uint32_t ip)
{
	unsigned i;

	for (i = 0; i < 4; i++) {
		unsigned b = (ip >> (24 - 8 * i)) & 0xff;

		if (i > 0)
			*o++ = '.';
		o = put(o, octs[b], octn[b]);
	}
	return o;
}

static inline char *
put_ipport(char *o, uint32_t ip, uint16_t port)
{
	o = put_ip(o, ip);
	*o++ = ':';
	return put_u64(o, port);
}

/* room for one more line */
static inline char *
ob_line(struct obuf *ob)
{
	if (ob->len > OBUF_CAP - OBUF_SLACK)
		ob_flush(ob);
	return ob->buf + ob->len;
}

static inline void
ob_done(struct obuf *ob, const char *end)
{
	ob->len = (size_t)(end - ob->buf);
}

/* cluster.c */
void		 build_cluster(struct gen *g);

/* emit.c */
void		 mk_heads(struct gen *g);
uint64_t	 config_lines(const struct gen *g);
void		 emit(struct gen *g, struct zpod *p, const struct rec *r);

/* traffic.c */
void		 run_pass(struct gen *g);

#endif

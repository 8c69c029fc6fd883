/*
 * sha256.c -- SHA-256 (FIPS 180-4) with two block functions behind one
 * streaming API.
 *
 * What: zt_sha256_update() buffers at most one partial block and hands every
 * run of whole 64-byte blocks straight from the caller's buffer to a
 * multi-block compress function, so the 64 KiB chunks ztlog feeds it are
 * never copied.
 *
 * Why SHA-NI: the x86 SHA extensions do two rounds per instruction and run
 * several times faster than the best scalar code, which matters because
 * hashing sits on the ingest path.  The SHA-NI function alone is compiled
 * with a target attribute, so the rest of the file (and the binary) still
 * runs on any x86_64; cpuid picks the path once at run time and the result
 * is cached.  Other architectures build only the portable C path, which is
 * also the reference the SHA-NI path is tested against.
 *
 * Ownership: none.  The state is a plain caller-owned value, nothing is
 * allocated, and no pointer to caller memory is kept past a call.  The only
 * globals are the cached cpuid result and the force-portable switch; both
 * are atomics, so concurrent hashing in several threads is fine.
 */
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "in/sha256.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define ZT_SHA256_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

typedef void zt_sha256_blocks_fn(uint32_t *, const unsigned char *, size_t);

static const uint32_t zt_sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
	0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
	0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
	0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const uint32_t zt_sha256_iv[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

/* Force-portable switch: 0 = automatic, 1 = portable only. */
static atomic_int zt_sha256_forced;

/* ---- portable path ---------------------------------------------------- */

static inline uint32_t
ror32(uint32_t x, unsigned int n)
{
	return (x >> n) | (x << (32 - n));
}

static inline uint32_t
load_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static inline void
store_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

#define BSIG0(x)	(ror32((x), 2) ^ ror32((x), 13) ^ ror32((x), 22))
#define BSIG1(x)	(ror32((x), 6) ^ ror32((x), 11) ^ ror32((x), 25))
#define SSIG0(x)	(ror32((x), 7) ^ ror32((x), 18) ^ ((x) >> 3))
#define SSIG1(x)	(ror32((x), 17) ^ ror32((x), 19) ^ ((x) >> 10))
#define CH(x, y, z)	((z) ^ ((x) & ((y) ^ (z))))
#define MAJ(x, y, z)	(((x) & (y)) | ((z) & ((x) | (y))))

/*
 * One round.  Instead of shuffling eight variables every round, the caller
 * rotates the argument names; w is the schedule word for round i.
 */
#define ROUND(a, b, c, d, e, f, g, h, i, w) do {			\
	uint32_t t1_ = (h) + BSIG1(e) + CH((e), (f), (g)) +		\
	    zt_sha256_k[(i)] + (w);					\
	(d) += t1_;							\
	(h) = t1_ + BSIG0(a) + MAJ((a), (b), (c));			\
} while (0)

/* Rounds 0..15 take the message words directly. */
#define RL(a, b, c, d, e, f, g, h, j)					\
	ROUND(a, b, c, d, e, f, g, h, (j), w[(j)])

/* Rounds 16..63 extend the schedule in a 16-word ring. */
#define RS(a, b, c, d, e, f, g, h, j) do {				\
	w[(j)] += SSIG1(w[((j) + 14) & 15]) + w[((j) + 9) & 15] +	\
	    SSIG0(w[((j) + 1) & 15]);					\
	ROUND(a, b, c, d, e, f, g, h, i + (j), w[(j)]);			\
} while (0)

static void
sha256_blocks_portable(uint32_t *st, const unsigned char *p, size_t nblk)
{
	uint32_t	 a, b, c, d, e, f, g, h, w[16];
	size_t		 i;

	while (nblk-- > 0) {
		for (i = 0; i < 16; i++)
			w[i] = load_be32(p + 4 * i);
		a = st[0]; b = st[1]; c = st[2]; d = st[3];
		e = st[4]; f = st[5]; g = st[6]; h = st[7];

		RL(a, b, c, d, e, f, g, h, 0);
		RL(h, a, b, c, d, e, f, g, 1);
		RL(g, h, a, b, c, d, e, f, 2);
		RL(f, g, h, a, b, c, d, e, 3);
		RL(e, f, g, h, a, b, c, d, 4);
		RL(d, e, f, g, h, a, b, c, 5);
		RL(c, d, e, f, g, h, a, b, 6);
		RL(b, c, d, e, f, g, h, a, 7);
		RL(a, b, c, d, e, f, g, h, 8);
		RL(h, a, b, c, d, e, f, g, 9);
		RL(g, h, a, b, c, d, e, f, 10);
		RL(f, g, h, a, b, c, d, e, 11);
		RL(e, f, g, h, a, b, c, d, 12);
		RL(d, e, f, g, h, a, b, c, 13);
		RL(c, d, e, f, g, h, a, b, 14);
		RL(b, c, d, e, f, g, h, a, 15);

		for (i = 16; i < 64; i += 16) {
			RS(a, b, c, d, e, f, g, h, 0);
			RS(h, a, b, c, d, e, f, g, 1);
			RS(g, h, a, b, c, d, e, f, 2);
			RS(f, g, h, a, b, c, d, e, 3);
			RS(e, f, g, h, a, b, c, d, 4);
			RS(d, e, f, g, h, a, b, c, 5);
			RS(c, d, e, f, g, h, a, b, 6);
			RS(b, c, d, e, f, g, h, a, 7);
			RS(a, b, c, d, e, f, g, h, 8);
			RS(h, a, b, c, d, e, f, g, 9);
			RS(g, h, a, b, c, d, e, f, 10);
			RS(f, g, h, a, b, c, d, e, 11);
			RS(e, f, g, h, a, b, c, d, 12);
			RS(d, e, f, g, h, a, b, c, 13);
			RS(c, d, e, f, g, h, a, b, 14);
			RS(b, c, d, e, f, g, h, a, 15);
		}

		st[0] += a; st[1] += b; st[2] += c; st[3] += d;
		st[4] += e; st[5] += f; st[6] += g; st[7] += h;
		p += 64;
	}
}

#undef RS
#undef RL
#undef ROUND

/* ---- SHA-NI path ------------------------------------------------------ */

#ifdef ZT_SHA256_X86

/*
 * SHA256RNDS2 keeps the state as two vectors, ABEF and CDGH, and does two
 * rounds per instruction with W+K taken from the low half of its third
 * operand.  Each RND4 does four rounds; SCHED finishes four schedule words
 * with SHA256MSG2 (SHA256MSG1 having done their first half three groups
 * earlier).  All loads are unaligned, so any caller buffer is fine.
 */
#define KV(i)								\
	_mm_loadu_si128((const __m128i *)(const void *)&zt_sha256_k[(i)])

#define RND4(m, i) do {							\
	msg = _mm_add_epi32((m), KV(i));				\
	st1 = _mm_sha256rnds2_epu32(st1, st0, msg);			\
	msg = _mm_shuffle_epi32(msg, 0x0e);				\
	st0 = _mm_sha256rnds2_epu32(st0, st1, msg);			\
} while (0)

/* next += W[t-7] part (alignr of cur:prev), then sigma1 via MSG2. */
#define SCHED(cur, prev, next) do {					\
	tmp = _mm_alignr_epi8((cur), (prev), 4);			\
	(next) = _mm_add_epi32((next), tmp);				\
	(next) = _mm_sha256msg2_epu32((next), (cur));			\
} while (0)

#define LOADW(i)							\
	_mm_shuffle_epi8(_mm_loadu_si128(				\
	    (const __m128i *)(const void *)(p + 16 * (i))), bswap)

__attribute__((target("sha,sse4.1,ssse3")))
static void
sha256_blocks_shani(uint32_t *st, const unsigned char *p, size_t nblk)
{
	const __m128i	 bswap = _mm_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4,
			    11, 10, 9, 8, 15, 14, 13, 12);
	__m128i		 st0, st1, save0, save1, msg, tmp;
	__m128i		 m0, m1, m2, m3;

	/* h[0..7] = A..H  ->  st0 = ABEF, st1 = CDGH (high to low). */
	tmp = _mm_loadu_si128((const __m128i *)(const void *)&st[0]);
	st1 = _mm_loadu_si128((const __m128i *)(const void *)&st[4]);
	tmp = _mm_shuffle_epi32(tmp, 0xb1);		/* CDAB */
	st1 = _mm_shuffle_epi32(st1, 0x1b);		/* EFGH */
	st0 = _mm_alignr_epi8(tmp, st1, 8);		/* ABEF */
	st1 = _mm_blend_epi16(st1, tmp, 0xf0);		/* CDGH */

	while (nblk-- > 0) {
		save0 = st0;
		save1 = st1;

		m0 = LOADW(0);
		RND4(m0, 0);
		m1 = LOADW(1);
		RND4(m1, 4);
		m0 = _mm_sha256msg1_epu32(m0, m1);
		m2 = LOADW(2);
		RND4(m2, 8);
		m1 = _mm_sha256msg1_epu32(m1, m2);
		m3 = LOADW(3);
		RND4(m3, 12);
		SCHED(m3, m2, m0);
		m2 = _mm_sha256msg1_epu32(m2, m3);

		RND4(m0, 16); SCHED(m0, m3, m1);
		m3 = _mm_sha256msg1_epu32(m3, m0);
		RND4(m1, 20); SCHED(m1, m0, m2);
		m0 = _mm_sha256msg1_epu32(m0, m1);
		RND4(m2, 24); SCHED(m2, m1, m3);
		m1 = _mm_sha256msg1_epu32(m1, m2);
		RND4(m3, 28); SCHED(m3, m2, m0);
		m2 = _mm_sha256msg1_epu32(m2, m3);

		RND4(m0, 32); SCHED(m0, m3, m1);
		m3 = _mm_sha256msg1_epu32(m3, m0);
		RND4(m1, 36); SCHED(m1, m0, m2);
		m0 = _mm_sha256msg1_epu32(m0, m1);
		RND4(m2, 40); SCHED(m2, m1, m3);
		m1 = _mm_sha256msg1_epu32(m1, m2);
		RND4(m3, 44); SCHED(m3, m2, m0);
		m2 = _mm_sha256msg1_epu32(m2, m3);

		RND4(m0, 48); SCHED(m0, m3, m1);
		m3 = _mm_sha256msg1_epu32(m3, m0);
		RND4(m1, 52); SCHED(m1, m0, m2);
		RND4(m2, 56); SCHED(m2, m1, m3);
		RND4(m3, 60);

		st0 = _mm_add_epi32(st0, save0);
		st1 = _mm_add_epi32(st1, save1);
		p += 64;
	}

	/* Back to A..H order. */
	tmp = _mm_shuffle_epi32(st0, 0x1b);		/* FEBA */
	st1 = _mm_shuffle_epi32(st1, 0xb1);		/* DCHG */
	st0 = _mm_blend_epi16(tmp, st1, 0xf0);		/* DCBA */
	st1 = _mm_alignr_epi8(st1, tmp, 8);		/* HGFE */
	_mm_storeu_si128((__m128i *)(void *)&st[0], st0);
	_mm_storeu_si128((__m128i *)(void *)&st[4], st1);
}

#undef LOADW
#undef SCHED
#undef RND4
#undef KV

/* Cached cpuid result: -1 not yet probed, 0 no SHA-NI, 1 SHA-NI usable. */
static atomic_int zt_sha256_hw = -1;

static int
sha256_cpu_has_shani(void)
{
	unsigned int	 a, b, c, d;
	int		 r;

	r = atomic_load_explicit(&zt_sha256_hw, memory_order_relaxed);
	if (r >= 0)
		return r;
	r = 0;
	/* Leaf 1: ECX bit 19 = SSE4.1, bit 9 = SSSE3. */
	if (__get_cpuid(1, &a, &b, &c, &d) &&
	    (c & (1u << 19)) != 0 && (c & (1u << 9)) != 0) {
		/* Leaf 7 subleaf 0: EBX bit 29 = SHA. */
		if (__get_cpuid_count(7, 0, &a, &b, &c, &d) &&
		    (b & (1u << 29)) != 0)
			r = 1;
	}
	/* Racing probes all store the same value. */
	atomic_store_explicit(&zt_sha256_hw, r, memory_order_relaxed);
	return r;
}

#endif /* ZT_SHA256_X86 */

/* ---- dispatch and streaming ------------------------------------------- */

static zt_sha256_blocks_fn *
sha256_blocks(void)
{
#ifdef ZT_SHA256_X86
	if (!atomic_load_explicit(&zt_sha256_forced, memory_order_relaxed) &&
	    sha256_cpu_has_shani())
		return sha256_blocks_shani;
#endif
	return sha256_blocks_portable;
}

int
zt_sha256_force_portable(int on)
{
	return atomic_exchange_explicit(&zt_sha256_forced, on != 0,
	    memory_order_relaxed);
}

int
zt_sha256_accelerated(void)
{
	return sha256_blocks() != sha256_blocks_portable;
}

void
zt_sha256_init(struct zt_sha256 *s)
{
	memcpy(s->h, zt_sha256_iv, sizeof(s->h));
	s->len = 0;
	memset(s->buf, 0, sizeof(s->buf));
	s->nbuf = 0;
}

void
zt_sha256_update(struct zt_sha256 *s, const void *p, size_t n)
{
	const unsigned char	*in = p;
	zt_sha256_blocks_fn	*blocks;
	size_t			 k;

	if (n == 0)
		return;
	blocks = sha256_blocks();
	s->len += n;

	/* Top up a partial block first. */
	if (s->nbuf > 0) {
		k = sizeof(s->buf) - s->nbuf;
		if (k > n)
			k = n;
		memcpy(s->buf + s->nbuf, in, k);
		s->nbuf += k;
		in += k;
		n -= k;
		if (s->nbuf < sizeof(s->buf))
			return;
		blocks(s->h, s->buf, 1);
		s->nbuf = 0;
	}

	/* Whole blocks straight from the caller's buffer. */
	if (n >= 64) {
		k = n / 64;
		blocks(s->h, in, k);
		in += k * 64;
		n -= k * 64;
	}

	if (n > 0) {
		memcpy(s->buf, in, n);
		s->nbuf = n;
	}
}

void
zt_sha256_final(struct zt_sha256 *s, unsigned char out[32])
{
	zt_sha256_blocks_fn	*blocks = sha256_blocks();
	uint64_t		 bits = s->len << 3;
	size_t			 i;

	/* nbuf < 64 always holds here, so the 0x80 byte fits. */
	s->buf[s->nbuf++] = 0x80;
	if (s->nbuf > 56) {
		memset(s->buf + s->nbuf, 0, sizeof(s->buf) - s->nbuf);
		blocks(s->h, s->buf, 1);
		s->nbuf = 0;
	}
	memset(s->buf + s->nbuf, 0, 56 - s->nbuf);
	store_be32(s->buf + 56, (uint32_t)(bits >> 32));
	store_be32(s->buf + 60, (uint32_t)bits);
	blocks(s->h, s->buf, 1);

	for (i = 0; i < 8; i++)
		store_be32(out + 4 * i, s->h[i]);
	zt_sha256_init(s);
}

void
zt_sha256_hex(const unsigned char d[32], char out[65])
{
	static const char	 xd[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < 32; i++) {
		out[2 * i] = xd[d[i] >> 4];
		out[2 * i + 1] = xd[d[i] & 15];
	}
	out[64] = '\0';
}

/*
 * t_sha256.c -- SHA-256: NIST vectors, split updates, padding boundaries,
 * and SHA-NI vs portable agreement.  Every digest test runs twice, once
 * with automatic path selection and once forced to the portable code, so
 * both block functions are covered on a SHA-NI machine.  The expected
 * constants that are not NIST vectors were computed with Python's hashlib
 * over the same LCG byte streams.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "in/sha256.h"
#include "tt.h"

#define BIGLEN	(1u << 20)

static unsigned char big[BIGLEN];

/* Deterministic bytes: 32-bit LCG, top byte of each step. */
static void
fill(unsigned char *p, size_t n, uint32_t seed)
{
	uint32_t	 x = seed;
	size_t		 i;

	for (i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (unsigned char)(x >> 24);
	}
}

static void
digest(const void *p, size_t n, unsigned char out[32])
{
	struct zt_sha256	 s;

	zt_sha256_init(&s);
	zt_sha256_update(&s, p, n);
	zt_sha256_final(&s, out);
}

static const char *
hexof(const unsigned char d[32])
{
	static char	 hex[65];

	zt_sha256_hex(d, hex);
	return hex;
}

/* Digest of p[0..n) fed in pieces of at most step bytes. */
static void
digest_steps(const unsigned char *p, size_t n, size_t step,
    unsigned char out[32])
{
	struct zt_sha256	 s;
	size_t			 k;

	zt_sha256_init(&s);
	while (n > 0) {
		k = n < step ? n : step;
		zt_sha256_update(&s, p, k);
		p += k;
		n -= k;
	}
	zt_sha256_final(&s, out);
}

static void
test_nist(void)
{
	static const struct {
		const char	*msg;
		const char	*hex;
	} v[] = {
		{ "",
		  "e3b0c44298fc1c149afbf4c8996fb924"
		  "27ae41e4649b934ca495991b7852b855" },
		{ "abc",
		  "ba7816bf8f01cfea414140de5dae2223"
		  "b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039"
		  "a33ce45964ff2167f6ecedd419db06c1" },
		{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
		  "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		  "cf5b16a778af8380036ce59e7b049237"
		  "0b249b11e8f07a51afac45037afee9d1" },
	};
	unsigned char	 d[32];
	size_t		 i, n;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		n = strlen(v[i].msg);
		digest(v[i].msg, n, d);
		TT_EQ_STR(hexof(d), v[i].hex);
		digest_steps((const unsigned char *)v[i].msg, n, 1, d);
		TT_EQ_STR(hexof(d), v[i].hex);
	}
}

static void
test_million_a(void)
{
	static const char	 want[] =
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
	unsigned char		 d[32];

	memset(big, 'a', 1000000);
	digest(big, 1000000, d);
	TT_EQ_STR(hexof(d), want);
	digest_steps(big, 1000000, 1000, d);
	TT_EQ_STR(hexof(d), want);
	digest_steps(big, 1000000, 65536 + 7, d);
	TT_EQ_STR(hexof(d), want);
}

/* Every two-way split of a 200-byte message at offsets 0..130. */
static void
test_splits(void)
{
	static const char	 want[] =
	    "4cca9f2645f938bcad3051da98c66a66fac1bd2f4743f59fe19eaa5aa34536fe";
	unsigned char		 m[200], d[32];
	struct zt_sha256	 s;
	size_t			 k;

	fill(m, sizeof(m), 3);
	digest(m, sizeof(m), d);
	TT_EQ_STR(hexof(d), want);
	for (k = 0; k <= 130; k++) {
		zt_sha256_init(&s);
		zt_sha256_update(&s, m, k);
		zt_sha256_update(&s, m + k, sizeof(m) - k);
		zt_sha256_final(&s, d);
		TT_EQ_STR(hexof(d), want);
	}
}

/*
 * All lengths 0..1000 (every padding case, several multi-block runs),
 * checked in one go against an independently computed digest of digests.
 */
static void
test_lengths(void)
{
	static const char	 want[] =
	    "5cec32b37a596537e3168f56581b638672ca92cbf8869c4096ae30faac7772fe";
	unsigned char		 m[1000], d[32];
	struct zt_sha256	 outer;
	size_t			 n;

	fill(m, sizeof(m), 1);
	zt_sha256_init(&outer);
	for (n = 0; n <= sizeof(m); n++) {
		digest(m, n, d);
		zt_sha256_update(&outer, d, sizeof(d));
	}
	zt_sha256_final(&outer, d);
	TT_EQ_STR(hexof(d), want);
}

static void
test_big(void)
{
	static const char	 want[] =
	    "a497381557bd6a35865b22b5c7b93ae8ac0d60bf13f30d2b5e6d9a39a0ac49db";
	unsigned char		 d[32];

	fill(big, BIGLEN, 2);
	digest(big, BIGLEN, d);
	TT_EQ_STR(hexof(d), want);
	digest_steps(big, BIGLEN, 65536, d);
	TT_EQ_STR(hexof(d), want);
	digest_steps(big, BIGLEN, 4093, d);
	TT_EQ_STR(hexof(d), want);
}

/*
 * 2^29 + 3 zero bytes: the bit length no longer fits in 32 bits, so this
 * is the only case that checks the high word of the length field.  Runs
 * once, on the automatically chosen path (about 0.3 s with SHA-NI).
 */
static void
test_long(void)
{
	static const char	 want[] =
	    "403a955183d83bd37bd31dde74eb3b713fcf99b6ba1a87fa91aa5befe4f51280";
	struct zt_sha256	 s;
	unsigned char		 d[32];
	size_t			 left = ((size_t)1 << 29) + 3, k;

	memset(big, 0, BIGLEN);
	zt_sha256_init(&s);
	while (left > 0) {
		k = left < BIGLEN ? left : BIGLEN;
		zt_sha256_update(&s, big, k);
		left -= k;
	}
	TT_EQ_INT(s.len, ((uint64_t)1 << 29) + 3);
	zt_sha256_final(&s, d);
	TT_EQ_STR(hexof(d), want);
}

/* Odds and ends of the API contract. */
static void
test_api(void)
{
	static const char	 abc[] =
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	struct zt_sha256	 s;
	unsigned char		 d[32];
	char			 hex[65];
	size_t			 i;

	/* NULL with n == 0 is allowed and is a no-op. */
	zt_sha256_init(&s);
	zt_sha256_update(&s, NULL, 0);
	zt_sha256_update(&s, "abc", 3);
	zt_sha256_update(&s, NULL, 0);
	zt_sha256_final(&s, d);
	TT_EQ_STR(hexof(d), abc);

	/* final() leaves the state ready for a new message. */
	TT_EQ_INT(s.len, 0);
	TT_EQ_INT(s.nbuf, 0);
	zt_sha256_update(&s, "abc", 3);
	zt_sha256_final(&s, d);
	TT_EQ_STR(hexof(d), abc);

	/* hex: lowercase, every nibble, NUL-terminated. */
	for (i = 0; i < 32; i++)
		d[i] = (unsigned char)(i * 0x11);
	memset(hex, 'X', sizeof(hex));
	zt_sha256_hex(d, hex);
	TT_EQ_INT(hex[64], '\0');
	TT_EQ_STR(hex,
	    "00112233445566778899aabbccddeeff102132435465768798a9bacbdcedfe0f");
}

/*
 * Portable vs SHA-NI on the same inputs, including unaligned starts and
 * awkward chunkings.  Only meaningful when SHA-NI is available.
 */
static void
test_agreement(void)
{
	unsigned char	 m[1000 + 16], dp[32], da[32];
	size_t		 n, off, step;
	int		 bad = 0, prev;

	prev = zt_sha256_force_portable(0);
	if (!zt_sha256_accelerated()) {
		fprintf(stderr, "t_sha256: no SHA-NI here, "
		    "cross-path check skipped\n");
		zt_sha256_force_portable(prev);
		return;
	}

	fill(m, sizeof(m), 4);
	for (n = 0; n <= 1000; n++) {
		off = n % 16;
		zt_sha256_force_portable(1);
		digest(m + off, n, dp);
		zt_sha256_force_portable(0);
		digest(m + off, n, da);
		if (memcmp(dp, da, 32) != 0) {
			fprintf(stderr, "t_sha256: paths differ at length "
			    "%zu\n", n);
			bad++;
		}
	}
	TT_EQ_INT(bad, 0);

	fill(big, BIGLEN, 5);
	for (step = 1; step <= 65536 * 2; step = step * 3 + 1) {
		zt_sha256_force_portable(1);
		digest_steps(big + 1, BIGLEN - 1, step, dp);
		zt_sha256_force_portable(0);
		digest_steps(big + 1, BIGLEN - 1, step, da);
		TT_CHECK(memcmp(dp, da, 32) == 0);
	}
	zt_sha256_force_portable(1);
	digest(big, BIGLEN, dp);
	zt_sha256_force_portable(0);
	digest(big, BIGLEN, da);
	TT_CHECK(memcmp(dp, da, 32) == 0);

	zt_sha256_force_portable(prev);
}

static void
test_force(void)
{
	int	 hw, prev;

	prev = zt_sha256_force_portable(0);
	hw = zt_sha256_accelerated();
	TT_EQ_INT(zt_sha256_force_portable(1), 0);
	TT_EQ_INT(zt_sha256_accelerated(), 0);
	TT_EQ_INT(zt_sha256_force_portable(1), 1);
	TT_EQ_INT(zt_sha256_force_portable(0), 1);
	TT_EQ_INT(zt_sha256_accelerated(), hw);
	zt_sha256_force_portable(prev);
}

int
main(void)
{
	int	 mode;

	test_force();
	for (mode = 0; mode < 2; mode++) {
		zt_sha256_force_portable(mode);
		test_nist();
		test_million_a();
		test_splits();
		test_lengths();
		test_big();
		test_api();
	}
	zt_sha256_force_portable(0);
	test_long();
	test_agreement();
	return tt_finish("t_sha256");
}

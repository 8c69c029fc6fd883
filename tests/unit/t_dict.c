/*
 * t_dict.c -- the byte-string -> id table of dict.h.
 *
 * Test plan:
 *   t_dict-1.*  put/get: ids come back, absent keys (prefixes, longer
 *               keys, other bytes) are -1, the zero-length key is a key
 *               like any other, keys are copied (the caller's buffer may
 *               change), binary keys with NUL bytes.
 *   t_dict-2.*  growth: 100,000 keys with their real hashes all found with
 *               their own ids after many table doublings, count right,
 *               100,000 absent keys not found.
 *   t_dict-3.*  collisions: 3,000 distinct keys forced onto one hash value
 *               still map to their own ids (the key bytes decide).
 *   t_dict-4.*  cap: puts return 0 while the arena fits, the put that would
 *               pass the cap returns 1 with the table emptied and the new
 *               key stored; a key larger than the cap empties the table
 *               and returns 1; clear forgets everything and the table
 *               works again afterwards.
 *   t_dict-5.*  zt_hash: the same bytes give the same value wherever they
 *               live; lengths and every byte position count.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/dict.h"
#include "tt.h"

static int64_t
get(const struct zt_dict *d, const char *k, size_t n)
{
	return zt_dict_get(d, k, n, zt_hash(k, n));
}

static int
put(struct zt_dict *d, const char *k, size_t n, int64_t id)
{
	return zt_dict_put(d, k, n, zt_hash(k, n), id);
}

/* t_dict-1.1 */
static void
dict_put_then_get(void)
{
	struct zt_dict	 d;
	char		 k[16];

	zt_dict_init(&d, 1u << 20);
	TT_EQ_INT(get(&d, "alpha", 5), -1);
	TT_EQ_INT(put(&d, "alpha", 5, 1), 0);
	TT_EQ_INT(put(&d, "beta", 4, 2), 0);
	TT_EQ_INT(put(&d, "alphabet", 8, 3), 0);
	TT_EQ_INT(get(&d, "alpha", 5), 1);
	TT_EQ_INT(get(&d, "beta", 4), 2);
	TT_EQ_INT(get(&d, "alphabet", 8), 3);
	TT_EQ_INT(get(&d, "alph", 4), -1);
	TT_EQ_INT(get(&d, "alphab", 6), -1);
	TT_EQ_INT(get(&d, "Alpha", 5), -1);
	TT_EQ_INT(d.count, 3);
	/* Ids up to 2^32-1 survive (dict.h: ids are 32-bit). */
	TT_EQ_INT(put(&d, "big", 3, 4294967295LL), 0);
	TT_CHECK(get(&d, "big", 3) == 4294967295LL);
	/* The key is copied: reusing the caller's buffer changes nothing. */
	memcpy(k, "gamma", 5);
	TT_EQ_INT(put(&d, k, 5, 4), 0);
	memcpy(k, "delta", 5);
	TT_EQ_INT(get(&d, "gamma", 5), 4);
	TT_EQ_INT(get(&d, k, 5), -1);
	zt_dict_fini(&d);
}

/* t_dict-1.2 */
static void
dict_zero_length_and_binary_keys(void)
{
	struct zt_dict	 d;

	zt_dict_init(&d, 1u << 20);
	TT_EQ_INT(get(&d, "", 0), -1);
	TT_EQ_INT(put(&d, "", 0, 7), 0);
	TT_EQ_INT(get(&d, "", 0), 7);
	/* "" is distinct from "\0" and from "\0\0". */
	TT_EQ_INT(get(&d, "\0", 1), -1);
	TT_EQ_INT(put(&d, "\0", 1, 8), 0);
	TT_EQ_INT(put(&d, "a\0b", 3, 9), 0);
	TT_EQ_INT(get(&d, "\0", 1), 8);
	TT_EQ_INT(get(&d, "\0\0", 2), -1);
	TT_EQ_INT(get(&d, "a\0b", 3), 9);
	TT_EQ_INT(get(&d, "a\0c", 3), -1);
	TT_EQ_INT(get(&d, "", 0), 7);
	zt_dict_fini(&d);
}

/* t_dict-2.1 */
static void
dict_grows_past_100k_keys(void)
{
	struct zt_dict	 d;
	char		 k[32];
	int		 i, n, puts = 0, bad = 0, found = 0;

	zt_dict_init(&d, 8u << 20);
	for (i = 0; i < 100000; i++) {
		n = snprintf(k, sizeof(k), "key-%d", i);
		puts += put(&d, k, (size_t)n, (int64_t)i * 3 + 1);
	}
	TT_EQ_INT(puts, 0);			/* never emptied */
	TT_EQ_INT(d.count, 100000);
	for (i = 0; i < 100000; i++) {
		n = snprintf(k, sizeof(k), "key-%d", i);
		if (get(&d, k, (size_t)n) != (int64_t)i * 3 + 1)
			bad++;
	}
	TT_EQ_INT(bad, 0);
	for (i = 0; i < 100000; i++) {
		n = snprintf(k, sizeof(k), "key-%d!", i);
		if (get(&d, k, (size_t)n) != -1)
			found++;
		n = snprintf(k, sizeof(k), "key-%d", i + 100000);
		if (get(&d, k, (size_t)n) != -1)
			found++;
	}
	TT_EQ_INT(found, 0);
	zt_dict_fini(&d);
}

/* t_dict-3.1 */
static void
dict_colliding_hashes_still_distinguish_keys(void)
{
	struct zt_dict	 d;
	const uint64_t	 h = 0x5eed5eed5eedULL;
	char		 k[32];
	int		 i, n, bad = 0;

	zt_dict_init(&d, 1u << 20);
	for (i = 0; i < 3000; i++) {
		n = snprintf(k, sizeof(k), "c%d", i);
		if (zt_dict_put(&d, k, (size_t)n, h, i) != 0)
			bad++;
	}
	for (i = 0; i < 3000; i++) {
		n = snprintf(k, sizeof(k), "c%d", i);
		if (zt_dict_get(&d, k, (size_t)n, h) != i)
			bad++;
	}
	TT_EQ_INT(bad, 0);
	TT_EQ_INT(zt_dict_get(&d, "c3000", 5, h), -1);
	TT_EQ_INT(zt_dict_get(&d, "c1", 2, h + 1), -1);
	zt_dict_fini(&d);
}

/* t_dict-4.1 */
static void
dict_cap_empties_the_table_and_says_so(void)
{
	struct zt_dict	 d;
	char		 k[16];
	int		 i, bad = 0;

	/* Ten 10-byte keys fill a 100-byte arena exactly. */
	zt_dict_init(&d, 100);
	for (i = 0; i < 10; i++) {
		snprintf(k, sizeof(k), "key-%06d", i);
		if (put(&d, k, 10, i) != 0)
			bad++;
	}
	TT_EQ_INT(bad, 0);
	TT_EQ_INT(d.count, 10);
	TT_EQ_INT(get(&d, "key-000000", 10), 0);
	TT_EQ_INT(get(&d, "key-000009", 10), 9);
	/* The eleventh would pass the cap. */
	TT_EQ_INT(put(&d, "key-000010", 10, 10), 1);
	TT_EQ_INT(d.count, 1);
	TT_EQ_INT(get(&d, "key-000000", 10), -1);
	TT_EQ_INT(get(&d, "key-000009", 10), -1);
	TT_EQ_INT(get(&d, "key-000010", 10), 10);
	/* And it fills up again from empty. */
	TT_EQ_INT(put(&d, "key-000011", 10, 11), 0);
	TT_EQ_INT(get(&d, "key-000011", 10), 11);
	TT_EQ_INT(get(&d, "key-000010", 10), 10);
	zt_dict_fini(&d);
}

/* t_dict-4.2 */
static void
dict_key_over_the_cap_empties_the_table(void)
{
	struct zt_dict	 d;
	char		 big[200];

	memset(big, 'b', sizeof(big));
	zt_dict_init(&d, 100);
	TT_EQ_INT(put(&d, "small", 5, 1), 0);
	TT_EQ_INT(put(&d, big, sizeof(big), 2), 1);
	TT_EQ_INT(get(&d, "small", 5), -1);
	/* The table is still usable. */
	TT_EQ_INT(put(&d, "after", 5, 3), 0);
	TT_EQ_INT(get(&d, "after", 5), 3);
	zt_dict_fini(&d);
}

/* t_dict-4.3 */
static void
dict_clear_forgets_every_key(void)
{
	struct zt_dict	 d;
	char		 k[32];
	int		 i, n, found = 0;

	zt_dict_init(&d, 1u << 20);
	for (i = 0; i < 5000; i++) {
		n = snprintf(k, sizeof(k), "k%d", i);
		put(&d, k, (size_t)n, i);
	}
	zt_dict_clear(&d);
	TT_EQ_INT(d.count, 0);
	for (i = 0; i < 5000; i++) {
		n = snprintf(k, sizeof(k), "k%d", i);
		if (get(&d, k, (size_t)n) != -1)
			found++;
	}
	TT_EQ_INT(found, 0);
	TT_EQ_INT(put(&d, "k1", 2, 100), 0);
	TT_EQ_INT(get(&d, "k1", 2), 100);
	TT_EQ_INT(get(&d, "k2", 2), -1);
	zt_dict_fini(&d);
}

/* t_dict-5.1 */
static void
hash_depends_on_bytes_not_address(void)
{
	char		 a[40], b[48];
	uint64_t	 h;
	size_t		 i;
	int		 same = 0;

	memcpy(a, "spiffe://cluster.local/ns/default/sa/x", 38);
	memcpy(b + 5, a, 38);
	TT_CHECK(zt_hash(a, 38) == zt_hash(b + 5, 38));
	TT_CHECK(zt_hash("", 0) != zt_hash("\0", 1));
	TT_CHECK(zt_hash("\0", 1) != zt_hash("\0\0", 2));
	TT_CHECK(zt_hash("abcdefgh", 8) != zt_hash("abcdefgh\0", 9));
	/* Flipping any one byte of a 38-byte key changes the hash. */
	h = zt_hash(a, 38);
	for (i = 0; i < 38; i++) {
		a[i] ^= 1;
		if (zt_hash(a, 38) == h)
			same++;
		a[i] ^= 1;
	}
	TT_EQ_INT(same, 0);
}

int
main(void)
{
	dict_put_then_get();
	dict_zero_length_and_binary_keys();
	dict_grows_past_100k_keys();
	dict_colliding_hashes_still_distinguish_keys();
	dict_cap_empties_the_table_and_says_so();
	dict_key_over_the_cap_empties_the_table();
	dict_clear_forgets_every_key();
	hash_depends_on_bytes_not_address();
	return tt_finish("t_dict");
}

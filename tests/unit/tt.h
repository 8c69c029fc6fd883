/*
 * tt.h -- the unit-test helper: a handful of checks that print file:line and
 * count failures.  Each tests/unit/t_<module>.c defines main() that runs its
 * cases and returns tt_finish().
 */
#ifndef ZT_TT_H
#define ZT_TT_H

#include <stdio.h>
#include <string.h>

static int tt_failed;
static int tt_checks;

#define TT_CHECK(c)                                                            \
	do {                                                                   \
		tt_checks++;                                                   \
		if (!(c)) {                                                    \
			tt_failed++;                                           \
			fprintf(stderr, "%s:%d: check failed: %s\n",           \
			    __FILE__, __LINE__, #c);                           \
		}                                                              \
	} while (0)

#define TT_EQ_INT(a, b)                                                        \
	do {                                                                   \
		long long tt_a = (long long)(a), tt_b = (long long)(b);        \
		tt_checks++;                                                   \
		if (tt_a != tt_b) {                                            \
			tt_failed++;                                           \
			fprintf(stderr, "%s:%d: %s == %lld, want %lld\n",      \
			    __FILE__, __LINE__, #a, tt_a, tt_b);               \
		}                                                              \
	} while (0)

/* Compare a (pointer, length) view with a C string. */
#define TT_EQ_MEM(p, n, s)                                                     \
	do {                                                                   \
		const char *tt_p = (const char *)(p);                          \
		size_t tt_n = (size_t)(n);                                     \
		const char *tt_s = (s);                                        \
		tt_checks++;                                                   \
		if (tt_p == NULL || tt_n != strlen(tt_s) ||                    \
		    memcmp(tt_p, tt_s, tt_n) != 0) {                           \
			tt_failed++;                                           \
			fprintf(stderr, "%s:%d: %s is \"%.*s\", want \"%s\"\n", \
			    __FILE__, __LINE__, #p, tt_p ? (int)tt_n : 6,      \
			    tt_p ? tt_p : "(null)", tt_s);                     \
		}                                                              \
	} while (0)

#define TT_EQ_STR(a, b) TT_EQ_MEM((a), strlen(a), (b))

static int
tt_finish(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, tt_checks, tt_failed);
	return tt_failed ? 1 : 0;
}

#endif

/*
 * sha256.h -- SHA-256 (FIPS 180-4), streaming.  A struct zt_sha256 is a
 * plain value owned by the caller (stack or embedded); nothing here
 * allocates or keeps pointers to caller memory.  See sha256.c for design.
 */
#ifndef ZT_SHA256_H
#define ZT_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct zt_sha256 {
	uint32_t	 h[8];		/* chaining state */
	uint64_t	 len;		/* bytes hashed so far */
	unsigned char	 buf[64];	/* partial block */
	size_t		 nbuf;		/* bytes in buf */
};

/*
 * Start a new hash in *s.  Any previous contents of *s are discarded.
 */
void zt_sha256_init(struct zt_sha256 *s);

/*
 * Hash the n bytes at p into *s, which must have been initialized.  p need
 * not be aligned and may be NULL when n is 0.  Whole 64-byte blocks are
 * read straight from p; at most 63 bytes are kept in s->buf.  p is not
 * referenced after the call returns.  Messages longer than 2^61 - 1 bytes
 * wrap the length modulo 2^64 bits, as every SHA-256 implementation does.
 */
void zt_sha256_update(struct zt_sha256 *s, const void *p, size_t n);

/*
 * Finish the hash in *s and write the 32-byte digest to out.  On return
 * *s is reset as if by zt_sha256_init(), so it may be reused directly.
 * out may not overlap *s.
 */
void zt_sha256_final(struct zt_sha256 *s, unsigned char out[32]);

/*
 * Write d as 64 lowercase hex digits plus a terminating NUL to out.
 */
void zt_sha256_hex(const unsigned char d[32], char out[65]);

/*
 * For tests and benchmarks: 1 forces the portable code even where SHA-NI
 * exists, 0 restores automatic selection.  Returns the previous setting.
 * Both paths compute identical digests, so it is safe to flip while a hash
 * is in progress; the setting is process-wide.
 */
int zt_sha256_force_portable(int on);

/*
 * 1 if the SHA-NI path is in use (the CPU supports SHA, SSE4.1 and SSSE3,
 * this is an x86_64 build, and zt_sha256_force_portable() has not forced
 * it off), else 0.
 */
int zt_sha256_accelerated(void);

#endif

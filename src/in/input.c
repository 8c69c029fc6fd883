/*
 * input.c -- plain or gzip bytes from a file, stdin or a reader; see
 * input.h.
 *
 * The raw bytes (read(2) on the descriptor, or the reader's read) go into
 * an input buffer.  If the first
 * two bytes are gzip's magic, the bytes go through inflate(); otherwise
 * they are handed out as they are.  zlib's gzread() is not used: when a
 * truncated stream happens to end exactly as its output buffer fills, it
 * reports a clean end of file and drops the rest (found by fuzz_gzip).
 * Here the end of the input is an error unless inflate has reached the end
 * of a member.  After a member, a further gzip member is read on (what
 * `gzip -c a b >ab` makes); anything else after a member is ignored, as
 * gzip(1) does with trailing garbage.
 *
 * The SHA-256 of the content runs on a thread of its own (a fifth of the
 * reading thread's time otherwise): every chunk handed out is copied into
 * a small ring that the hasher drains in order.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>
#include <zlib.h>

#include "in/input.h"
#include "in/sha256.h"
#include "util/sig.h"
#include "util/xalloc.h"

#define INBUF	(256 * 1024)
#define NSLOT	4		/* hasher ring */
#define SLOT	(256 * 1024)
#define MAXPRE	ZT_INPUT_MAXPRE

struct hasher {
	pthread_t		 tid;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	unsigned char		*slot[NSLOT];
	size_t			 len[NSLOT];
	uint64_t		 put;	/* slots filled */
	uint64_t		 got;	/* slots hashed */
	int			 stop;
	struct zt_sha256	*sha;
};

struct zt_input {
	const char		*path;	/* name as given; borrowed */
	int			 fd;	/* zt_input_open's; else -1 */
	struct zt_reader	 rd;	/* where the raw bytes come from */
	int			 gzip;	/* 1 gzip, 0 plain, -1 not known yet */
	int			 eof;	/* no more bytes to hand out */
	int			 ineof;	/* the raw bytes ended (or failed) */
	int			 inmember; /* inflate is inside a member */
	int			 zinit;	/* zs is initialised */
	z_stream		 zs;
	unsigned char		*in;	/* input buffer */
	size_t			 inlen;	/* bytes in it */
	size_t			 inoff;	/* first unused byte */
	uint64_t		 bytes;	/* decompressed bytes so far */
	uint64_t		 raw;	/* raw bytes so far */
	struct zt_sha256	 sha;	/* of those bytes */
	int			 pend;	/* an error to report next call */
	struct zt_err		 perr;
	struct hasher		*h;	/* NULL until the first bytes */
	/* Prefix hashes: of the first pre_at[i] bytes, when read. */
	struct zt_sha256	 pre;
	uint64_t		 pre_at[MAXPRE];
	char			 pre_hex[MAXPRE][65];
	size_t			 npre;
	uint64_t		 pre_max;
	/* The run's fingerprint instead of SHA-256 (and its prefix one). */
	XXH3_state_t		*fast;
	XXH3_state_t		*fpre;
};

/* The seed of the run's fingerprints: random, so not foreseeable. */
static uint64_t	 fast_seed;

static void *
hash_main(void *arg)
{
	struct hasher	*h = arg;
	size_t		 k;

	pthread_mutex_lock(&h->mu);
	for (;;) {
		while (h->got == h->put && !h->stop)
			pthread_cond_wait(&h->cv, &h->mu);
		if (h->got == h->put)
			break;
		k = h->got % NSLOT;
		pthread_mutex_unlock(&h->mu);
		zt_sha256_update(h->sha, h->slot[k], h->len[k]);
		pthread_mutex_lock(&h->mu);
		h->got++;
		pthread_cond_broadcast(&h->cv);
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

/* Hash p[0..n) on the hasher thread (inline if it cannot start). */
static void
hash_bytes(struct zt_input *in, const char *p, size_t n)
{
	struct hasher	*h = in->h;
	size_t		 k;
	size_t		 c;
	int		 i;

	if (in->fast != NULL) {
		/* Some 30 GB/s: inline, no thread, no copy. */
		XXH3_128bits_update(in->fast, p, n);
		return;
	}
	if (h == NULL) {
		h = zt_xcalloc(1, sizeof(*h));
		pthread_mutex_init(&h->mu, NULL);
		pthread_cond_init(&h->cv, NULL);
		for (i = 0; i < NSLOT; i++)
			h->slot[i] = zt_xmalloc(SLOT);
		h->sha = &in->sha;
		if (pthread_create(&h->tid, NULL, hash_main, h) != 0)
			h->stop = -1;
		in->h = h;
	}
	if (h->stop == -1) {
		zt_sha256_update(&in->sha, p, n);
		return;
	}
	while (n > 0) {
		c = n < SLOT ? n : SLOT;
		pthread_mutex_lock(&h->mu);
		while (h->put - h->got == NSLOT)
			pthread_cond_wait(&h->cv, &h->mu);
		k = h->put % NSLOT;
		pthread_mutex_unlock(&h->mu);
		memcpy(h->slot[k], p, c);
		h->len[k] = c;
		pthread_mutex_lock(&h->mu);
		h->put++;
		pthread_cond_broadcast(&h->cv);
		pthread_mutex_unlock(&h->mu);
		p += c;
		n -= c;
	}
}

/* Wait until everything handed to the hasher is hashed; stop it. */
static void
hash_finish(struct zt_input *in)
{
	struct hasher	*h = in->h;
	int		 i;

	if (h == NULL)
		return;
	if (h->stop != -1) {
		pthread_mutex_lock(&h->mu);
		h->stop = 1;
		pthread_cond_broadcast(&h->cv);
		pthread_mutex_unlock(&h->mu);
		pthread_join(h->tid, NULL);
	}
	for (i = 0; i < NSLOT; i++)
		free(h->slot[i]);
	pthread_cond_destroy(&h->cv);
	pthread_mutex_destroy(&h->mu);
	free(h);
	in->h = NULL;
}

/* A fast fingerprint as text: "xxh3-" and 32 hex digits. */
static void
fast_hex(XXH128_hash_t h, char out[65])
{
	static const char	 hex[] = "0123456789abcdef";
	uint64_t		 v[2] = { h.high64, h.low64 };
	int			 i, k;

	memcpy(out, "xxh3-", 5);
	for (k = 0; k < 2; k++)
		for (i = 0; i < 16; i++)
			out[5 + k * 16 + i] = hex[(v[k] >> (60 - 4 * i)) & 15];
	out[37] = '\0';
}

/*
 * The bytes p[0..n), which start at offset in->bytes, into the prefix
 * hash, taking its value at every checkpoint passed.
 */
static void
hash_prefixes(struct zt_input *in, const char *p, size_t n)
{
	struct zt_sha256	 s;
	unsigned char		 d[32];
	uint64_t		 off = in->bytes;
	uint64_t		 next;
	size_t			 i;
	size_t			 k;

	while (n > 0 && off < in->pre_max) {
		next = in->pre_max;
		for (i = 0; i < in->npre; i++)
			if (in->pre_at[i] > off && in->pre_at[i] < next)
				next = in->pre_at[i];
		k = next - off < n ? (size_t)(next - off) : n;
		if (in->fpre != NULL)
			XXH3_128bits_update(in->fpre, p, k);
		else
			zt_sha256_update(&in->pre, p, k);
		p += k;
		n -= k;
		off += k;
		for (i = 0; i < in->npre; i++) {
			if (in->pre_at[i] != off)
				continue;
			if (in->fpre != NULL) {
				fast_hex(XXH3_128bits_digest(in->fpre),
				    in->pre_hex[i]);
				continue;
			}
			s = in->pre;
			zt_sha256_final(&s, d);
			zt_sha256_hex(d, in->pre_hex[i]);
		}
	}
}

static int stdin_closed;

int
zt_input_stdin_closed(void)
{
	return stdin_closed;
}

/* 8 random bytes from the kernel, else from the clock and the pid. */
static uint64_t
random_seed(void)
{
	uint64_t	 v = 0;
	struct timespec	 ts;
	int		 fd;

	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) != -1) {
		if (read(fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
			v = 0;
		close(fd);
	}
	if (v == 0) {
		clock_gettime(CLOCK_REALTIME, &ts);
		v = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^
		    (uint64_t)ts.tv_sec ^ (uint64_t)getpid() << 32;
	}
	return v;
}

void
zt_input_init(void)
{
	/*
	 * With fd 0 closed, the next file opened would become "standard
	 * input" (SQLite parks /dev/null there itself).  Note it, and keep
	 * the slot taken.
	 */
	int	 fd;

	fast_seed = random_seed();
	if (fcntl(STDIN_FILENO, F_GETFD) == -1 && errno == EBADF) {
		stdin_closed = 1;
		fd = open("/dev/null", O_RDONLY);	/* takes fd 0 */
		if (fd > STDIN_FILENO)
			close(fd);
	}
}

/* The reader of a descriptor: read(2), again if interrupted. */
static long
fd_read(void *ctx, void *buf, size_t n, struct zt_err *err)
{
	struct zt_input	*in = ctx;
	ssize_t		 got;

	/* Ends early (0) after Ctrl-C: what was read is kept (sig.h). */
	got = zt_sig_read(in->fd, buf, n);
	if (got == -1)
		return zt_err_at(err, in->path, 0, 0, "read error: %s",
		    strerror(errno));
	return (long)got;
}

static void
fd_close(void *ctx)
{
	struct zt_input	*in = ctx;

	if (in->fd != STDIN_FILENO)
		close(in->fd);
}

struct zt_input *
zt_input_new(const char *name, const struct zt_reader *r)
{
	struct zt_input	*in;

	in = zt_xcalloc(1, sizeof(*in));
	in->path = name;
	in->fd = -1;
	in->rd = *r;
	in->gzip = -1;
	in->in = zt_xmalloc(INBUF);
	zt_sha256_init(&in->sha);
	return in;
}

int
zt_input_open(struct zt_input **out, const char *path, struct zt_err *err)
{
	struct zt_reader r = { NULL, fd_read, fd_close };
	struct zt_input	*in;
	int		 fd;

	if (strcmp(path, "-") == 0 && stdin_closed)
		return zt_err_at(err, path, 0, 0, "cannot read standard "
		    "input: it is closed");
	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd == -1)
			return zt_err_at(err, path, 0, 0, "cannot open: %s",
			    strerror(errno));
	}
	in = zt_input_new(path, &r);
	in->fd = fd;
	in->rd.ctx = in;
	*out = in;
	return 0;
}

/*
 * The next raw bytes into buf; 0 marks the end of the input.  The reader
 * is not asked again after its end or an error.
 */
static long
read_some(struct zt_input *in, void *buf, size_t n, struct zt_err *err)
{
	long	 got;

	if (in->ineof)
		return 0;
	got = in->rd.read(in->rd.ctx, buf, n, err);
	if (got <= 0)
		in->ineof = 1;
	else
		in->raw += (uint64_t)got;
	return got;
}

/*
 * Top up the input buffer (keeping unused bytes).  Returns bytes added,
 * 0 at the end of the input, -1 on a read error.
 */
static long
fill(struct zt_input *in, struct zt_err *err)
{
	long	 got;

	if (in->ineof)
		return 0;
	if (in->inoff > 0) {
		memmove(in->in, in->in + in->inoff, in->inlen - in->inoff);
		in->inlen -= in->inoff;
		in->inoff = 0;
	}
	if ((got = read_some(in, in->in + in->inlen, INBUF - in->inlen,
	    err)) > 0)
		in->inlen += (size_t)got;
	return got;
}

/* Is a gzip member next?  Reads ahead if needed.  -1 on a read error. */
static int
member_next(struct zt_input *in, struct zt_err *err)
{
	while (in->inlen - in->inoff < 2 && !in->ineof)
		if (fill(in, err) == -1)
			return -1;
	return in->inlen - in->inoff >= 2 && in->in[in->inoff] == 0x1f &&
	    in->in[in->inoff + 1] == 0x8b;
}

static long
plain_read(struct zt_input *in, char *buf, size_t n, struct zt_err *err)
{
	size_t	 k;

	if (in->inoff < in->inlen) {
		k = in->inlen - in->inoff;
		if (k > n)
			k = n;
		memcpy(buf, in->in + in->inoff, k);
		in->inoff += k;
		return (long)k;
	}
	if (in->ineof)
		return 0;
	return read_some(in, buf, n, err);
}

static long	inflate_some(struct zt_input *, char *, unsigned,
		    struct zt_err *);

/*
 * Inflate into buf.  What was inflated before damage is returned first;
 * the error comes with the next call, so no good byte is lost.
 */
static long
gzip_read(struct zt_input *in, char *buf, size_t n, struct zt_err *err)
{
	unsigned	 want = n > (1U << 30) ? (1U << 30) : (unsigned)n;
	long		 got;

	got = inflate_some(in, buf, want, &in->perr);
	if (got >= 0)
		return got;
	got = (long)(want - in->zs.avail_out);
	if (got == 0) {
		*err = in->perr;
		return -1;
	}
	in->pend = 1;
	return got;
}

static long
inflate_some(struct zt_input *in, char *buf, unsigned want,
    struct zt_err *err)
{
	int	 rc;
	int	 more;
	size_t	 before;

	in->zs.next_out = (unsigned char *)buf;
	in->zs.avail_out = want;
	while (in->zs.avail_out > 0) {
		if (!in->inmember) {
			/* Between members: another one, or the end. */
			if ((more = member_next(in, err)) == -1)
				return -1;
			if (!more) {
				in->eof = 1;
				break;
			}
			if (inflateReset(&in->zs) != Z_OK)
				return zt_err_at(err, in->path, 0, 0,
				    "corrupt gzip stream");
			in->inmember = 1;
		}
		if (in->inoff == in->inlen) {
			if (fill(in, err) == -1)
				return -1;
			if (in->inoff == in->inlen) {
				in->eof = 1;
				return zt_err_at(err, in->path, 0, 0,
				    "truncated gzip stream (unexpected end "
				    "of file)");
			}
		}
		in->zs.next_in = in->in + in->inoff;
		in->zs.avail_in = (unsigned)(in->inlen - in->inoff);
		before = in->zs.avail_in;
		rc = inflate(&in->zs, Z_NO_FLUSH);
		in->inoff += before - in->zs.avail_in;
		if (rc == Z_STREAM_END)
			in->inmember = 0;
		else if (rc == Z_BUF_ERROR)
			continue;	/* needs input: filled above */
		else if (rc != Z_OK) {
			in->eof = 1;
			return zt_err_at(err, in->path, 0, 0, "corrupt gzip "
			    "stream: %s", in->zs.msg != NULL ? in->zs.msg :
			    "bad data");
		}
	}
	return (long)(want - in->zs.avail_out);
}

long
zt_input_read(struct zt_input *in, char *buf, size_t n, struct zt_err *err)
{
	long	 got;

	if (in->pend) {
		in->pend = 0;
		in->eof = 1;
		*err = in->perr;
		return -1;
	}
	if (in->eof || n == 0)
		return 0;
	if (in->gzip == -1) {
		if (member_next(in, err) == -1) {
			in->eof = 1;
			return -1;
		}
		in->gzip = in->inlen - in->inoff >= 2 &&
		    in->in[in->inoff] == 0x1f && in->in[in->inoff + 1] == 0x8b;
		if (in->gzip) {
			memset(&in->zs, 0, sizeof(in->zs));
			if (inflateInit2(&in->zs, 15 + 16) != Z_OK) {
				in->eof = 1;
				return zt_err_at(err, in->path, 0, 0,
				    "cannot start zlib");
			}
			in->zinit = 1;
		}
	}
	got = in->gzip ? gzip_read(in, buf, n, err) : plain_read(in, buf, n,
	    err);
	if (got < 0) {
		in->eof = 1;
		return -1;
	}
	if (got == 0 && !in->gzip)
		in->eof = 1;
	if (got > 0) {
		hash_bytes(in, buf, (size_t)got);
		if (in->bytes < in->pre_max)
			hash_prefixes(in, buf, (size_t)got);
		in->bytes += (uint64_t)got;
	}
	return got;
}

void
zt_input_checkpoints(struct zt_input *in, const uint64_t *at, size_t n)
{
	size_t	 i;

	in->npre = n < MAXPRE ? n : MAXPRE;
	in->pre_max = 0;
	zt_sha256_init(&in->pre);
	if (in->fpre != NULL)
		XXH3_128bits_reset_withSeed(in->fpre, fast_seed);
	for (i = 0; i < in->npre; i++) {
		in->pre_at[i] = at[i];
		in->pre_hex[i][0] = '\0';
		if (at[i] > in->pre_max)
			in->pre_max = at[i];
	}
}

const char *
zt_input_prefix_sha256(const struct zt_input *in, size_t i)
{
	if (i >= in->npre || in->pre_hex[i][0] == '\0')
		return NULL;
	return in->pre_hex[i];
}

int
zt_input_gzip(const struct zt_input *in)
{
	return in->gzip == 1;
}

uint64_t
zt_input_bytes(const struct zt_input *in)
{
	return in->bytes;
}

uint64_t
zt_input_raw_bytes(const struct zt_input *in)
{
	return in->raw;
}

void
zt_input_fast_fingerprint(struct zt_input *in)
{
	if (in->fast != NULL || in->bytes > 0)
		return;
	in->fast = XXH3_createState();
	in->fpre = XXH3_createState();
	if (in->fast == NULL || in->fpre == NULL) {
		/* Out of memory: SHA-256 it stays. */
		XXH3_freeState(in->fast);
		XXH3_freeState(in->fpre);
		in->fast = in->fpre = NULL;
		return;
	}
	XXH3_128bits_reset_withSeed(in->fast, fast_seed);
	XXH3_128bits_reset_withSeed(in->fpre, fast_seed);
}

void
zt_input_sha256(struct zt_input *in, char out[65])
{
	struct zt_sha256	 s;
	unsigned char		 d[32];

	if (in->fast != NULL) {
		fast_hex(XXH3_128bits_digest(in->fast), out);
		return;
	}
	hash_finish(in);
	s = in->sha;
	zt_sha256_final(&s, d);
	zt_sha256_hex(d, out);
}

void
zt_input_close(struct zt_input *in)
{
	if (in == NULL)
		return;
	hash_finish(in);
	XXH3_freeState(in->fast);
	XXH3_freeState(in->fpre);
	if (in->zinit)
		inflateEnd(&in->zs);
	if (in->rd.close != NULL)
		in->rd.close(in->rd.ctx);
	free(in->in);
	free(in);
}

/*
 * input.c -- plain or gzip bytes from a file or stdin; see input.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "input.h"
#include "sha256.h"
#include "xalloc.h"

struct zt_input {
	gzFile			 gz;	/* reads both gzip and plain */
	const char		*path;	/* as given; borrowed */
	int			 eof;	/* end reached (or error reported) */
	uint64_t		 bytes;	/* decompressed bytes so far */
	struct zt_sha256	 sha;	/* of those bytes */
};

int
zt_input_open(struct zt_input **out, const char *path, struct zt_err *err)
{
	struct zt_input	*in;
	int		 fd;

	if (strcmp(path, "-") == 0) {
		fd = dup(STDIN_FILENO);
		if (fd == -1)
			return zt_err_at(err, path, 0, 0, "cannot read standard "
			    "input: %s", strerror(errno));
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd == -1)
			return zt_err_at(err, path, 0, 0, "cannot open: %s",
			    strerror(errno));
	}
	in = zt_xcalloc(1, sizeof(*in));
	in->path = path;
	in->gz = gzdopen(fd, "rb");
	if (in->gz == NULL) {
		close(fd);
		free(in);
		return zt_err_at(err, path, 0, 0, "cannot open: out of memory");
	}
	/* Larger buffers: fewer read(2) calls, faster inflate. */
	gzbuffer(in->gz, 128 * 1024);
	zt_sha256_init(&in->sha);
	*out = in;
	return 0;
}

long
zt_input_read(struct zt_input *in, char *buf, size_t n, struct zt_err *err)
{
	int		 got;
	int		 zerr;
	const char	*msg;
	unsigned	 want;

	if (in->eof)
		return 0;
	want = n > (1U << 30) ? (1U << 30) : (unsigned)n;
	got = gzread(in->gz, buf, want);
	if (got > 0) {
		zt_sha256_update(&in->sha, buf, (size_t)got);
		in->bytes += (uint64_t)got;
		return got;
	}
	in->eof = 1;
	msg = gzerror(in->gz, &zerr);
	if (got == 0 && zerr == Z_OK)
		return 0;
	if (zerr == Z_ERRNO)
		return zt_err_at(err, in->path, 0, 0, "read error: %s",
		    strerror(errno));
	if (zerr == Z_BUF_ERROR)
		return zt_err_at(err, in->path, 0, 0, "truncated gzip stream "
		    "(unexpected end of file)");
	/* zlib prefixes its message with "<fd:N>: "; the path says more. */
	if (msg != NULL && msg[0] == '<' && strstr(msg, ">: ") != NULL)
		msg = strstr(msg, ">: ") + 3;
	return zt_err_at(err, in->path, 0, 0, "corrupt gzip stream: %s",
	    msg != NULL ? msg : "unknown error");
}

int
zt_input_gzip(const struct zt_input *in)
{
	return gzdirect(in->gz) == 0;
}

uint64_t
zt_input_bytes(const struct zt_input *in)
{
	return in->bytes;
}

void
zt_input_sha256(struct zt_input *in, char out[65])
{
	struct zt_sha256	 s;
	unsigned char		 d[32];

	s = in->sha;
	zt_sha256_final(&s, d);
	zt_sha256_hex(d, out);
}

void
zt_input_close(struct zt_input *in)
{
	if (in == NULL)
		return;
	gzclose_r(in->gz);
	free(in);
}

/*
 * rec_time.h -- the timestamps on a log line (rec_time.c): ztunnel's own
 * ("2024-11-19T12:24:31.209877Z", microseconds, UTC) and the kubelet's
 * (kubectl --timestamps: nanoseconds and a UTC offset).
 *
 * zt_parse_ts27() and zt_format_ts() serve store and check too (record.h
 * includes this header); the rest is for the decorations and layouts of
 * parse/.  Nothing here allocates or reads past the bytes it is given.
 */
#ifndef ZT_REC_TIME_H
#define ZT_REC_TIME_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parse a ztunnel timestamp "YYYY-MM-DDTHH:MM:SS.ffffffZ" (27 bytes) into
 * microseconds since the epoch.  Returns 0 or -1.
 */
int	zt_parse_ts27(const char *p, int64_t *us);

/*
 * Format us since the epoch (1970..9999) like ztunnel does, into out[28]
 * (27 bytes and a NUL).  Never fails.
 */
void	zt_format_ts(int64_t us, char out[28]);

/* An ASCII digit (isdigit() would depend on the locale). */
static inline int
zt_isdig(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * "YYYY-MM-DDTHH:MM:SS." at p (the caller guarantees 20 bytes): check the
 * shape (digits where digits go) and the calendar (1970 on, leap days,
 * a leap second) and store the seconds since the epoch.  *shape tells
 * whether at least the shape held.  Returns 0 or -1.
 */
int	zt_rec_datetime(const char *p, int64_t *secs, int *shape);

/* Does p..end start with the shape of a 27-byte ztunnel timestamp? */
int	zt_ts27_shape(const char *p, const char *end);

/*
 * A kubelet timestamp at p ("YYYY-MM-DDTHH:MM:SS.nnnnnnnnn" then "Z" or
 * "+hh:mm"/"-hh:mm") followed by a space.  Returns its length with the
 * space and stores the instant (*ns since the epoch, UTC), the offset in
 * minutes and whether it was written with "Z"; 0 if there is none (then
 * nothing is stored).
 */
size_t	zt_kube_ts(const char *p, const char *end, int64_t *ns, int *off,
	    int *z);

/*
 * An RFC 3339 timestamp at p as CRI log files and log shippers write it:
 * "YYYY-MM-DDTHH:MM:SS", an optional fraction of 1 to 9 digits, then "Z"
 * or "+hh:mm"/"-hh:mm".  Returns its length and stores what zt_kube_ts
 * stores; 0 if there is none.
 */
size_t	zt_rfc3339(const char *p, const char *end, int64_t *ns, int *off,
	    int *z);

/*
 * Could the token p..q be a timestamp of some shape (a date first)?
 * Access lines whose timestamp is damaged are then still recognised, by
 * their level and scope, and reported instead of passing as other lines.
 */
static inline int
zt_datelike(const char *p, const char *q)
{
	return q - p >= 10 && q - p <= 40 && zt_isdig(p[0]) &&
	    zt_isdig(p[1]) && zt_isdig(p[2]) && zt_isdig(p[3]) && p[4] == '-';
}

#endif

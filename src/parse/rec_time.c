/*
 * rec_time.c -- timestamps: parsing ztunnel's and the kubelet's, and
 * formatting ztunnel's; see rec_time.h.
 *
 * Dates are proleptic Gregorian from 1970 to 9999, checked against the
 * calendar (a day 31 in April or a 29 February out of a leap year is no
 * timestamp), computed without the C library's time zone machinery.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "parse/rec_time.h"

/* The value of n digits at p (the caller checked they are digits). */
static int
num(const char *p, size_t n)
{
	int	 v = 0;

	while (n-- > 0)
		v = v * 10 + (*p++ - '0');
	return v;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t	 era;
	unsigned yoe;
	unsigned doy;
	unsigned doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/*
 * The minute of the last valid timestamp a thread parsed: a log's lines
 * come in time order, mostly many to a minute, so its date is checked and
 * computed once a minute, not once a line.
 */
static _Thread_local struct {
	char		 k[17];		/* "YYYY-MM-DDTHH:MM:" */
	int64_t		 base;		/* its seconds since the epoch */
	int		 set;
} last_minute;

int
zt_rec_datetime(const char *p, int64_t *secs, int *shape)
{
	static const char	 mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31,
				    30, 31, 30, 31 };
	static const char	 pat[] = "dddd-dd-ddTdd:dd:dd.";
	int			 i;
	int			 y, mo, d, h, mi, s;

	if (last_minute.set && memcmp(p, last_minute.k, 17) == 0 &&
	    zt_isdig(p[17]) && zt_isdig(p[18]) && p[19] == '.') {
		*shape = 1;
		s = num(p + 17, 2);
		if (s > 60)
			return -1;
		*secs = last_minute.base + s;
		return 0;
	}
	*shape = 0;
	for (i = 0; pat[i] != '\0'; i++) {
		if (pat[i] == 'd' ? !zt_isdig(p[i]) : p[i] != pat[i])
			return -1;
	}
	*shape = 1;
	y = num(p, 4);
	mo = num(p + 5, 2);
	d = num(p + 8, 2);
	h = num(p + 11, 2);
	mi = num(p + 14, 2);
	s = num(p + 17, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 ||
	    mi > 59 || s > 60)
		return -1;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0)))
		return -1;
	memcpy(last_minute.k, p, 17);
	last_minute.set = 1;
	last_minute.base = days_from_civil(y, mo, d) * 86400 + h * 3600 +
	    mi * 60;
	*secs = last_minute.base + s;
	return 0;
}

int
zt_ts27_shape(const char *p, const char *end)
{
	int64_t	 s;
	int	 shape;
	int	 i;

	if (end - p < 27)
		return 0;
	zt_rec_datetime(p, &s, &shape);
	if (!shape || p[26] != 'Z')
		return 0;
	for (i = 20; i < 26; i++)
		if (!zt_isdig(p[i]))
			return 0;
	return 1;
}

int
zt_parse_ts27(const char *p, int64_t *us)
{
	int64_t	 s;
	int	 shape;
	int	 i;

	if (zt_rec_datetime(p, &s, &shape) == -1 || p[26] != 'Z')
		return -1;
	for (i = 20; i < 26; i++)
		if (!zt_isdig(p[i]))
			return -1;
	*us = s * 1000000 + num(p + 20, 6);
	return 0;
}

size_t
zt_kube_ts(const char *p, const char *end, int64_t *ns, int *off, int *z)
{
	/*
	 * 0         1         2         3
	 * 0123456789012345678901234567890123456
	 * 2024-11-19T12:24:31.209877123Z_
	 * 2024-11-19T12:24:31.209877123+02:00_
	 */
	int64_t	 s;
	int	 shape;
	int	 i;
	int	 o;
	size_t	 n;

	if (end - p < 31 || zt_rec_datetime(p, &s, &shape) == -1)
		return 0;
	for (i = 20; i < 29; i++)
		if (!zt_isdig(p[i]))
			return 0;
	if (p[29] == 'Z') {
		o = 0;
		n = 30;
	} else if ((p[29] == '+' || p[29] == '-') && end - p >= 36 &&
	    zt_isdig(p[30]) && zt_isdig(p[31]) && p[32] == ':' &&
	    zt_isdig(p[33]) && zt_isdig(p[34])) {
		o = num(p + 30, 2) * 60 + num(p + 33, 2);
		if (o >= 24 * 60)
			return 0;
		if (p[29] == '-')
			o = -o;
		n = 35;
	} else
		return 0;
	if (p + n >= end || p[n] != ' ')
		return 0;
	/* Nanoseconds since the epoch fit an int64 until 2262. */
	if (s > INT64_MAX / 1000000000 - 1)
		return 0;
	*z = p[29] == 'Z';
	*off = o;
	*ns = (s - (int64_t)o * 60) * 1000000000 + num(p + 20, 9);
	return n + 1;
}

size_t
zt_rfc3339(const char *p, const char *end, int64_t *ns, int *off, int *z)
{
	char		 tmp[20];
	int64_t		 s;
	int64_t		 frac = 0;
	int		 shape;
	int		 digits = 0;
	int		 o;
	size_t		 n;

	if (end - p < 20)
		return 0;
	/* zt_rec_datetime wants the '.' of a fraction: lend it one. */
	memcpy(tmp, p, 19);
	tmp[19] = '.';
	if (zt_rec_datetime(tmp, &s, &shape) == -1)
		return 0;
	n = 19;
	if (p[n] == '.') {
		for (n++; p + n < end && zt_isdig(p[n]) && digits < 9; n++) {
			frac = frac * 10 + (p[n] - '0');
			digits++;
		}
		if (digits == 0 || (p + n < end && zt_isdig(p[n])))
			return 0;
		for (; digits < 9; digits++)
			frac *= 10;
	}
	if (p + n >= end)
		return 0;
	if (p[n] == 'Z') {
		o = 0;
		n++;
	} else if ((p[n] == '+' || p[n] == '-') && end - (p + n) >= 6 &&
	    zt_isdig(p[n + 1]) && zt_isdig(p[n + 2]) && p[n + 3] == ':' &&
	    zt_isdig(p[n + 4]) && zt_isdig(p[n + 5])) {
		o = num(p + n + 1, 2) * 60 + num(p + n + 4, 2);
		if (o >= 24 * 60)
			return 0;
		if (p[n] == '-')
			o = -o;
		n += 6;
	} else
		return 0;
	if (s > INT64_MAX / 1000000000 - 1)
		return 0;
	*z = p[n - 1] == 'Z';
	*off = o;
	*ns = (s - (int64_t)o * 60) * 1000000000 + frac;
	return n;
}

void
zt_format_ts(int64_t us, char out[28])
{
	time_t		 t = (time_t)(us / 1000000);
	struct tm	 tm;
	char		 buf[64];

	/* Record timestamps are 1970..9999 (the parser checks). */
	gmtime_r(&t, &tm);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
	    (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100,
	    tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100,
	    tm.tm_sec % 100, (int)(us % 1000000));
	memcpy(out, buf, 27);
	out[27] = '\0';
}

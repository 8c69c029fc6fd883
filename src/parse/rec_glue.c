/*
 * rec_glue.c -- lines that kubectl -f cut: two lines glued into one, and
 * a last line cut inside its fields; see record.h.
 *
 * When `kubectl logs -f` reconnects, the line it was printing may end
 * without its newline, and the next line (decorated or not) follows on
 * the same physical line:
 *   ...duration="1ms"2024-05-04T09:59:05.1Z<TAB>info<TAB>access...
 * The second line starts where a kubectl prefix, a timestamp or a JSON
 * object starts that reads as a whole access line head.
 */
#include <string.h>

#include "parse/rec_decor.h"
#include "parse/rec_field.h"
#include "parse/rec_text.h"
#include "parse/rec_time.h"
#include "parse/record.h"
#include "util/str.h"

static int
dig(char c)
{
	return c >= '0' && c <= '9';
}

/* "YYYY-MM-DDT" at p (before end)? */
static int
datestart(const char *p, const char *end)
{
	return end - p >= 11 && dig(p[0]) && dig(p[1]) && dig(p[2]) &&
	    dig(p[3]) && p[4] == '-' && dig(p[5]) && dig(p[6]) && p[7] == '-' &&
	    dig(p[8]) && dig(p[9]) && p[10] == 'T';
}

/* Does an access line (with kubectl's decorations, if any) start at p? */
static int
access_at(const char *p, const char *end)
{
	struct zt_rec	 rec;
	static const char json[] = "{\"level\":\"";

	memset(&rec, 0, sizeof(rec));
	p = zt_rec_decor(p, end, &rec);
	if ((size_t)(end - p) > sizeof(json) - 1 &&
	    memcmp(p, json, sizeof(json) - 1) == 0)
		return zt_find(p, (size_t)(end - p), "\"scope\":\"access\"",
		    16) != NULL;
	return zt_text_is_access(p, end);
}

size_t
zt_parse_glued(struct zt_str line)
{
	struct zt_rec	 rec;
	const char	*p = line.p;
	const char	*end = line.p + line.n;

	/*
	 * A second line starts past the line's own decorations and past
	 * the date of its head ("YYYY-MM-DDT"): so a head cut after its
	 * date is found, and a date of a wrong shape (a 5-digit year) is
	 * not taken for a cut head.
	 */
	memset(&rec, 0, sizeof(rec));
	p = zt_rec_decor(p, end, &rec);
	if (end - p <= 11)
		return 0;
	for (p += 11; p < end; p++) {
		if (*p == '[' ? end - p > 5 && memcmp(p, "[pod/", 5) == 0 :
		    *p == '{' ? 1 : dig(*p) && datestart(p, end)) {
			if (access_at(p, end))
				return (size_t)(p - line.p);
		}
	}
	return 0;
}

int
zt_rec_whole(const struct zt_rec *rec)
{
	if (rec->fmt != ZT_FMT_TEXT)
		return 1;	/* JSON cut short does not parse */
	/*
	 * Fields come in ztunnel's order: byte counts, then duration; a
	 * line without byte counts ends with direction.
	 */
	if (rec->f[ZT_F_BYTES_SENT].p != NULL ||
	    rec->f[ZT_F_BYTES_RECV].p != NULL)
		return rec->f[ZT_F_DURATION].p != NULL;
	return rec->f[ZT_F_DIRECTION].p != NULL;
}

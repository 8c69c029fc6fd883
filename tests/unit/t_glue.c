/*
 * t_glue.c -- kubectl -f realities (parse/rec_glue.c) and the record key
 * (store/schema.c).
 */
#include <stdint.h>
#include <string.h>

#include "parse/record.h"
#include "store/schema.h"
#include "tt.h"

#define HEAD	"2024-05-04T09:59:05.100000Z\tinfo\taccess\tconnection complete\t"
#define FIELDS	"src.addr=10.0.0.1:5 dst.addr=10.0.0.2:80 direction=\"outbound\" "
#define LINE	HEAD FIELDS "bytes_sent=1 bytes_recv=98 duration=\"1ms\""

static size_t
glued(const char *s)
{
	return zt_parse_glued((struct zt_str){ s, strlen(s) });
}

static void
test_glued(void)
{
	TT_EQ_INT(glued(LINE), 0);
	TT_EQ_INT(glued("[pod/z-1/istio-proxy] " LINE), 0);
	TT_EQ_INT(glued("2024-05-04T09:59:05.123456789Z " LINE), 0);
	TT_EQ_INT(glued(LINE LINE), strlen(LINE));
	TT_EQ_INT(glued(HEAD FIELDS "bytes_sent=1 bytes_re" LINE),
	    strlen(HEAD FIELDS "bytes_sent=1 bytes_re"));
	TT_EQ_INT(glued(LINE "[pod/z-1/istio-proxy] " LINE), strlen(LINE));
	TT_EQ_INT(glued(LINE "2024-05-04T09:59:05.123456789Z " LINE),
	    strlen(LINE));
	/* a head cut after its date; digits run into the next date */
	TT_EQ_INT(glued("2024-05-04T09:5" LINE), 15);
	TT_EQ_INT(glued(HEAD FIELDS "bytes_sent=12" LINE),
	    strlen(HEAD FIELDS "bytes_sent=12"));
	/* a 5-digit year is no cut head; a date that starts no access line */
	TT_EQ_INT(glued("9" LINE), 0);
	TT_EQ_INT(glued(HEAD FIELDS "error=\"at 2024-05-04T09:59:05Z x\""), 0);
}

static int
whole(const char *s)
{
	struct zt_parser	 ps;
	struct zt_rec		 rec;
	int			 w;

	zt_parser_init(&ps);
	w = zt_parse_line(&ps, (struct zt_str){ s, strlen(s) }, &rec) ==
	    ZT_CLASS_RECORD ? zt_rec_whole(&rec) : -1;
	zt_parser_fini(&ps);
	return w;
}

static void
test_whole(void)
{
	TT_EQ_INT(whole(LINE), 1);
	TT_EQ_INT(whole(HEAD FIELDS "bytes_sent=1 bytes_recv=98"), 0);
	TT_EQ_INT(whole(HEAD FIELDS "bytes_sent=1"), 0);
	/* without direction it is no record at all */
	TT_EQ_INT(whole(HEAD "src.addr=10.0.0.1:5 dst.addr=10.0.0.2:80"), -1);
	TT_EQ_INT(whole(HEAD FIELDS), 1);
}

static void
test_reckey(void)
{
	int64_t		 v[ZT_RECKEY_INTS];
	unsigned char	 has[ZT_RECKEY_INTS];
	int64_t		 k;
	int		 i;

	for (i = 0; i < ZT_RECKEY_INTS; i++) {
		v[i] = i * 1000 + 7;
		has[i] = i % 3 != 0;
	}
	k = zt_reckey(v, has, "{\"a\":1}", 7);
	TT_CHECK(k > 0 && k <= INT32_MAX);
	TT_EQ_INT(zt_reckey(v, has, "{\"a\":1}", 7), k);
	/* Stored in databases: a new hash would not find the old keys. */
	TT_EQ_INT(k, 892778355);
	TT_CHECK(zt_reckey(v, has, NULL, 0) != k);
	v[4]++;
	TT_CHECK(zt_reckey(v, has, "{\"a\":1}", 7) != k);
	v[4]--;
	has[3] = 1;
	TT_CHECK(zt_reckey(v, has, "{\"a\":1}", 7) != k);
}

int
main(void)
{
	test_glued();
	test_whole();
	test_reckey();
	return tt_finish("t_glue");
}

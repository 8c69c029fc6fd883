/*
 * lockdown.c -- the connection untrusted rules run on; see lockdown.h.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/lockdown.h"

/* Virtual machine instructions between two looks at the budget. */
#define TICK_OPS	4096
/* Looks at the clock between two reads of the resident size. */
#define RSS_EVERY	16

/*
 * Rule files may come from pull requests: on the connection rules run on,
 * allow reading and calling functions, nothing else -- no ATTACH, no
 * writes, no PRAGMA, no schema changes, no transactions.
 */
static int
authorize(void *arg, int action, const char *a3, const char *a4,
    const char *db, const char *trigger)
{
	(void)arg;
	(void)a3;
	(void)db;
	(void)trigger;
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_READ:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	case SQLITE_FUNCTION:
		/*
		 * a4 is the function name.  Never load_extension, nor
		 * fts3_tokenizer, whose one-argument form returns a
		 * tokenizer's address (a pointer into the library).
		 */
		if (a4 != NULL && (sqlite3_stricmp(a4, "load_extension") == 0 ||
		    sqlite3_stricmp(a4, "fts3_tokenizer") == 0))
			return SQLITE_DENY;
		return SQLITE_OK;
	default:
		return SQLITE_DENY;
	}
}

int
zt_store_lockdown(sqlite3 *db)
{
	int	 off = 0;

	sqlite3_exec(db, "PRAGMA query_only=1", NULL, NULL, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, &off);
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, &off);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, &off);
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH, ZT_SQL_MAXLEN);
	return sqlite3_set_authorizer(db, authorize, NULL);
}

static int64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Resident bytes of this process, or -1 where /proc cannot tell. */
static int64_t
resident(void)
{
	FILE		*f = fopen("/proc/self/statm", "r");
	long long	 size;
	long long	 rss;
	int		 n;

	if (f == NULL)
		return -1;
	n = fscanf(f, "%lld %lld", &size, &rss);
	fclose(f);
	if (n != 2)
		return -1;
	return (int64_t)rss * sysconf(_SC_PAGESIZE);
}

/* 1500 -> "1.5 s", 30000 -> "30 s", 250 -> "250 ms". */
static const char *
human_ms(int64_t ms, char buf[32])
{
	if (ms < 1000)
		snprintf(buf, 32, "%lld ms", (long long)ms);
	else if (ms % 1000 == 0)
		snprintf(buf, 32, "%lld s", (long long)(ms / 1000));
	else
		snprintf(buf, 32, "%.1f s", (double)ms / 1000);
	return buf;
}

static int
tick(void *arg)
{
	struct zt_sqlbudget	*b = arg;
	char			 buf[32];

	if (b->ms > 0 && now_ms() > b->deadline) {
		snprintf(b->why, sizeof(b->why), "stopped: over its time "
		    "budget of %s (--sql-timeout)", human_ms(b->ms, buf));
		return 1;
	}
	if (b->bytes > 0 && b->base >= 0 && ++b->ticks % RSS_EVERY == 0 &&
	    resident() > b->base + b->bytes) {
		snprintf(b->why, sizeof(b->why), "stopped: over its memory "
		    "budget of %lld MB (--sql-memory)",
		    (long long)(b->bytes >> 20));
		return 1;
	}
	return 0;
}

void
zt_sqlbudget_arm(sqlite3 *db, struct zt_sqlbudget *b)
{
	b->why[0] = '\0';
	b->ticks = 0;
	b->deadline = now_ms() + b->ms;
	b->base = b->bytes > 0 ? resident() : -1;
	if (b->ms > 0 || b->bytes > 0)
		sqlite3_progress_handler(db, TICK_OPS, tick, b);
}

void
zt_sqlbudget_disarm(sqlite3 *db)
{
	sqlite3_progress_handler(db, 0, NULL, NULL);
}

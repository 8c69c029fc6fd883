/*
 * registry.c -- the check types; see type.h.
 */
#include <stdio.h>
#include <string.h>

#include "check/type.h"

/*
 * Every check type, one line each, in the order messages list them:
 * X(name) stands for zt_check_<name>, the struct zt_check_type that
 * <name>.c defines.
 */
#define CHECK_TYPES(X)	\
	X(hbone)	\
	X(pairing)	\
	X(balance)	\
	X(errors)	\
	X(waypoint)	\
	X(endpoints)	\
	X(sql)

#define DECLARE(name)	extern const struct zt_check_type zt_check_##name;
#define ENTRY(name)	&zt_check_##name,

CHECK_TYPES(DECLARE)

static const struct zt_check_type *const types[] = {
	CHECK_TYPES(ENTRY)
	NULL
};

const struct zt_check_type *
zt_check_type_find(const char *name)
{
	size_t	 i;

	for (i = 0; types[i] != NULL; i++)
		if (strcmp(types[i]->name, name) == 0)
			return types[i];
	return NULL;
}

const struct zt_check_type *
zt_check_type_at(size_t i)
{
	return i < sizeof(types) / sizeof(types[0]) ? types[i] : NULL;
}

const char *
zt_check_type_name(const struct zt_rule *r)
{
	return r->type->name;
}

int
zt_check_needs_records(const struct zt_rule *r)
{
	return r->type->feed == NULL;
}

int
zt_check_clickhouse(const struct zt_rule *r, struct zt_buf *b, char *msg,
    size_t msgsize)
{
	if (r->type->clickhouse == NULL) {
		snprintf(msg, msgsize, "type %s has no SQL form here%s",
		    r->type->name, strcmp(r->type->name, "sql") == 0 ?
		    " (its SQL is SQLite's, run by ztlog)" : "");
		return -1;
	}
	if (r->where.n > 0) {
		snprintf(msg, msgsize, "where: has no SQL form");
		return -1;
	}
	return r->type->clickhouse(r, b, msg, msgsize);
}

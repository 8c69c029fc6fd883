/*
 * registry.c -- the check types; see type.h.
 */
#include <string.h>

#include "check/type.h"

/*
 * Every check type, in the order messages list them: a type is its file
 * (zt_check_<name> in <name>.c) and its line in this table.
 */
extern const struct zt_check_type zt_check_hbone, zt_check_pairing,
    zt_check_balance, zt_check_errors, zt_check_sql;

static const struct zt_check_type *const types[] = {
	&zt_check_hbone,
	&zt_check_pairing,
	&zt_check_balance,
	&zt_check_errors,
	&zt_check_sql,
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

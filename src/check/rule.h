/*
 * rule.h -- a rule, as every part of a run sees it: what every rule has,
 * and its check type (check/type.h), which reads and owns the rest.
 *
 * rules (the loader, rules.h) -> [rule] <- the check types, the engine,
 * reports
 *
 * Ownership: a rule set owns its rules and everything in them
 * (zt_rules_free, rules.h).
 */
#ifndef ZT_RULE_H
#define ZT_RULE_H

#include <stddef.h>
#include <stdint.h>

#include "rules/filter.h"

enum zt_sev {
	ZT_SEV_INFO,
	ZT_SEV_WARNING,
	ZT_SEV_ERROR
};

struct zt_check_type;

/*
 * A rule: what every rule has, and its type (check/type.h), which reads
 * and owns the rest (cfg).
 */
struct zt_rule {
	char		*id;
	char		*description;
	char		*file;		/* where it was defined */
	unsigned long	 line;
	char		*text;		/* its YAML, for `ztlog rules show` */
	enum zt_sev	 sev;
	const struct zt_check_type *type;
	void		*cfg;		/* the type's parameters; the type's */
	struct zt_filter where;		/* records the rule looks at */
	uint64_t	 cols;		/* columns its filters name, 1 << zt_col */
	char		*share;		/* rules with the same share key keep */
	size_t		 nshare;	/* the same state (type.h); owned */
};

struct zt_ruleset {
	struct zt_rule	*r;
	size_t		 n;
};

/* "info", "warning", "error", by enum zt_sev. */
extern const char *const zt_sev_names[];

#endif

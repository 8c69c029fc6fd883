/*
 * rules.h -- rule files (YAML, see ztlog-rules(5)) into a rule set.
 *
 * rule files -> yaml -> [rules] -> registry (check/type.h) -> the check
 * types; the rules themselves: rule.h
 *
 * The built-in rules (rules/default.yaml) are compiled into the binary;
 * user files are loaded after them, and a rule whose id exists replaces
 * it.  Everything that can be wrong in a rule file -- YAML syntax, an
 * unknown key, a value of the wrong type, a bad regular expression, SQL
 * that does not compile -- is reported at load, as file:line:column,
 * before any input is read.  Rule files may come from pull requests, so
 * the loader refuses YAML anchors/aliases, caps nesting, file size and
 * the rules of a run (ZT_RULES_MAX).
 *
 * Ownership: the rule set owns everything in it; zt_rules_free() releases it.
 */
#ifndef ZT_RULES_H
#define ZT_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "check/rule.h"
#include "util/diag.h"

#define ZT_RULES_MAXBYTES	(1024 * 1024)	/* a rule file */
#define ZT_RULES_MAX		1000		/* rules in a run */


/* The built-in rules (rules/default.yaml as compiled in). */
extern const char zt_default_rules[];
extern const size_t zt_default_rules_len;

/*
 * Parse text (n bytes) named name into rs, replacing rules with the same
 * id.  Returns 0, or -1 with err pointing at file:line:col; rs is then
 * as it was.
 */
int	zt_rules_load(struct zt_ruleset *rs, const char *name, const char *text,
	    size_t n, struct zt_err *err);
/* Load a file, or every *.yaml / *.yml file of a directory, sorted. */
int	zt_rules_load_path(struct zt_ruleset *rs, const char *path,
	    struct zt_err *err);
/* Keep only the rules whose ids are in the comma-separated list. */
int	zt_rules_only(struct zt_ruleset *rs, const char *ids, struct zt_err *err);
/* The rule with this id, or NULL. */
const struct zt_rule *zt_rules_find(const struct zt_ruleset *rs,
	    const char *id);
void	zt_rules_free(struct zt_ruleset *rs);

#endif

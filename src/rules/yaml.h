/*
 * yaml.h -- a rule file's YAML as a small tree, and readers for the
 * values rules take.
 *
 * rule file -> [yaml] -> rules (the loader), and each check type's
 * parameters (check/type.h)
 *
 * libyaml's event stream becomes a tree of scalars, sequences and
 * mappings in which every node keeps its position, so that a bad value is
 * reported at its file:line:column.  The event API (not the document API)
 * is used so that an alias or anchor is refused the moment it appears: a
 * rule file has no use for them, and expanding them is how YAML bombs
 * work.  Nesting and the number of nodes are capped.
 *
 * Every reader returns 0 (or a value), or -1 (NULL) with the context's
 * zt_err pointing at the node.  Ownership: zt_yaml_parse's tree belongs
 * to the caller (zt_yaml_free); the readers' results (a compiled regular
 * expression) too.
 */
#ifndef ZT_YAML_H
#define ZT_YAML_H

#include <stddef.h>
#include <stdint.h>

#include <pcre2.h>

#include "util/diag.h"

enum zt_ytype {
	ZT_Y_SCALAR,
	ZT_Y_SEQ,
	ZT_Y_MAP
};

struct zt_ynode {
	enum zt_ytype	 t;
	char		*s;		/* scalar text, NUL-terminated */
	size_t		 slen;
	int		 quoted;	/* scalar was quoted */
	unsigned long	 line;		/* 1-based */
	unsigned long	 col;		/* 1-based, in characters */
	size_t		 start;		/* byte offsets in the text */
	size_t		 end;
	struct zt_ynode	**kid;		/* seq items; map key, value, ... */
	size_t		 nkid;
};

/* One file being read. */
struct zt_yctx {
	const char	*text;		/* the whole file */
	size_t		 len;
	const char	*name;
	struct zt_err	*err;		/* where errors go */
	size_t		 nodes;
};

/* The tree of the single document in c->text.  NULL with the error set. */
struct zt_ynode *zt_yaml_parse(struct zt_yctx *c);
void	zt_yaml_free(struct zt_ynode *n);

/* Report a problem at n (NULL: no position).  Returns -1. */
int	zt_yaml_bad(struct zt_yctx *c, const struct zt_ynode *n,
	    const char *fmt, ...) ZT_ATTR_PRINTF(3, 4);

/* The value of key in mapping m, or NULL. */
struct zt_ynode *zt_yaml_get(const struct zt_ynode *m, const char *key);
/* n must be a single value; what names it in the message. */
int	zt_yaml_scalar(struct zt_yctx *c, const struct zt_ynode *n,
	    const char *what);
/* A number from lo to hi. */
int	zt_yaml_number(struct zt_yctx *c, const struct zt_ynode *n,
	    const char *what, double lo, double hi, double *out);
/* A whole number from 0 to 2^63 - 1. */
int	zt_yaml_integer(struct zt_yctx *c, const struct zt_ynode *n,
	    const char *what, int64_t *out);
/* "2s", "500ms", "1.5s", "1m" or a bare number of milliseconds. */
int	zt_yaml_duration(struct zt_yctx *c, const struct zt_ynode *n,
	    const char *what, int64_t *ms);
/* A regular expression (re.h), an error pointing at its bad character. */
pcre2_code *zt_yaml_regex(struct zt_yctx *c, const struct zt_ynode *n,
	    const char *what);

#endif

/*
 * rules.c -- rule files; see rules.h.
 *
 * libyaml's event stream is turned into a small tree of scalars, sequences
 * and mappings that keeps every node's position; the rules are then read
 * from the tree.  The event API (not the document API) is used so that an
 * alias or anchor can be refused the moment it appears: a rule file has
 * no use for them, and expanding them is how YAML bombs work.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "store/regexp.h"
#include "rules/rules.h"
#include "store/store.h"
#include "util/suggest.h"
#include "util/text.h"
#include "util/xalloc.h"

#define MAXDEPTH	32
#define MAXNODES	100000

const char *const zt_rtype_names[] = {
	"hbone", "pairing", "balance", "errors", "sql", NULL
};
const char *const zt_sev_names[] = { "info", "warning", "error", NULL };

enum ntype { N_SCALAR, N_SEQ, N_MAP };

struct node {
	enum ntype	 t;
	char		*s;		/* scalar text, NUL-terminated */
	size_t		 slen;
	int		 quoted;	/* scalar was quoted */
	unsigned long	 line;		/* 1-based */
	unsigned long	 col;
	size_t		 start;		/* byte offsets in the text */
	size_t		 end;
	struct node	**kid;		/* seq items; map key, value, ... */
	size_t		 nkid;
};

struct ctx {
	const char	*text;		/* the whole file */
	size_t		 len;
	const char	*name;
	struct zt_err	*err;
	size_t		 nodes;
};

static void
node_free(struct node *n)
{
	size_t	 i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nkid; i++)
		node_free(n->kid[i]);
	free(n->kid);
	free(n->s);
	free(n);
}

static int
bad(struct ctx *c, const struct node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
bad(struct ctx *c, const struct node *n, const char *fmt, ...)
{
	va_list	 ap;

	c->err->file = c->name;
	c->err->line = n != NULL ? n->line : 0;
	c->err->col = n != NULL ? n->col : 0;
	va_start(ap, fmt);
	vsnprintf(c->err->msg, sizeof(c->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static struct node *
node_new(struct ctx *c, enum ntype t, const yaml_mark_t *m)
{
	struct node	*n;

	n = zt_xcalloc(1, sizeof(*n));
	n->t = t;
	n->line = (unsigned long)m->line + 1;
	n->col = (unsigned long)m->column + 1;
	n->start = n->end = m->index;
	c->nodes++;
	return n;
}

static void
node_add(struct node *parent, struct node *kid)
{
	parent->kid = zt_xrealloc(parent->kid,
	    (parent->nkid + 1) * sizeof(*parent->kid));
	parent->kid[parent->nkid++] = kid;
}

/* Build the tree of the single document in text.  NULL on error. */
static struct node *
parse_tree(struct ctx *c, const char *text, size_t n)
{
	yaml_parser_t	 p;
	yaml_event_t	 ev;
	struct node	*stack[MAXDEPTH + 1];
	struct node	*root = NULL;
	struct node	*nn;
	int		 depth = 0;
	int		 done = 0;
	int		 ok = 1;
	struct node	 at;

	if (!yaml_parser_initialize(&p)) {
		bad(c, NULL, "cannot start the YAML parser");
		return NULL;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)text, n);
	while (!done && ok) {
		if (!yaml_parser_parse(&p, &ev)) {
			memset(&at, 0, sizeof(at));
			at.line = (unsigned long)p.problem_mark.line + 1;
			at.col = (unsigned long)p.problem_mark.column + 1;
			bad(c, &at, "YAML: %s%s%s", p.problem ? p.problem :
			    "syntax error", p.context ? " " : "",
			    p.context ? p.context : "");
			ok = 0;
			break;
		}
		nn = NULL;
		memset(&at, 0, sizeof(at));
		at.line = (unsigned long)ev.start_mark.line + 1;
		at.col = (unsigned long)ev.start_mark.column + 1;
		switch (ev.type) {
		case YAML_ALIAS_EVENT:
			bad(c, &at, "YAML aliases are not allowed in rule files");
			ok = 0;
			break;
		case YAML_SCALAR_EVENT:
			if (ev.data.scalar.anchor != NULL) {
				bad(c, &at, "YAML anchors are not allowed in "
				    "rule files");
				ok = 0;
				break;
			}
			nn = node_new(c, N_SCALAR, &ev.start_mark);
			nn->s = zt_xstrndup((const char *)ev.data.scalar.value,
			    ev.data.scalar.length);
			nn->slen = ev.data.scalar.length;
			nn->quoted = ev.data.scalar.style !=
			    YAML_PLAIN_SCALAR_STYLE;
			nn->end = ev.end_mark.index;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if ((ev.type == YAML_SEQUENCE_START_EVENT ?
			    ev.data.sequence_start.anchor :
			    ev.data.mapping_start.anchor) != NULL) {
				bad(c, &at, "YAML anchors are not allowed in "
				    "rule files");
				ok = 0;
				break;
			}
			if (depth == MAXDEPTH) {
				bad(c, &at, "nested too deep (limit %d)",
				    MAXDEPTH);
				ok = 0;
				break;
			}
			nn = node_new(c, ev.type == YAML_SEQUENCE_START_EVENT ?
			    N_SEQ : N_MAP, &ev.start_mark);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			stack[--depth]->end = ev.end_mark.index;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (root != NULL) {
				bad(c, &at, "more than one YAML document");
				ok = 0;
			}
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		default:
			break;
		}
		if (nn != NULL) {
			if (depth == 0 && root == NULL)
				root = nn;
			else if (depth > 0)
				node_add(stack[depth - 1], nn);
			else
				node_free(nn);
			if (nn->t != N_SCALAR)
				stack[depth++] = nn;
		}
		if (ok && c->nodes > MAXNODES) {
			bad(c, &at, "too many YAML nodes (limit %d)", MAXNODES);
			ok = 0;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	if (!ok) {
		node_free(root);
		return NULL;
	}
	if (root == NULL) {
		memset(&at, 0, sizeof(at));
		at.line = 1;
		at.col = 1;
		bad(c, &at, "empty rule file");
	}
	return root;
}

/* ---- reading rules from the tree ------------------------------------- */

static struct node *
map_get(const struct node *m, const char *key)
{
	size_t	 i;

	for (i = 0; i + 1 < m->nkid; i += 2)
		if (m->kid[i]->t == N_SCALAR && strcmp(m->kid[i]->s, key) == 0)
			return m->kid[i + 1];
	return NULL;
}

static int
want_scalar(struct ctx *c, const struct node *n, const char *what)
{
	if (n->t != N_SCALAR)
		return bad(c, n, "%s: expected a single value", what);
	return 0;
}

static int
pick(struct ctx *c, const struct node *n, const char *what,
    const char *const *names, int *out)
{
	int	 i;

	*out = 0;	/* set on every path (gcc -O2 cannot see bad() fails) */
	if (want_scalar(c, n, what) == -1)
		return -1;
	for (i = 0; names[i] != NULL; i++)
		if (strcmp(n->s, names[i]) == 0) {
			*out = i;
			return 0;
		}
	if (names == zt_sev_names)
		return bad(c, n, "%s: '%s' is not one of error, warning, info",
		    what, n->s);
	return bad(c, n, "%s: '%s' is not one of hbone, pairing, balance, "
	    "errors, sql", what, n->s);
}

static int
number(struct ctx *c, const struct node *n, const char *what, double lo,
    double hi, double *out)
{
	char	*end;
	double	 v;

	if (want_scalar(c, n, what) == -1)
		return -1;
	errno = 0;
	v = strtod(n->s, &end);
	if (n->slen == 0 || *end != '\0' || errno != 0 || !isfinite(v) ||
	    v < lo || v > hi)
		return bad(c, n, "%s: expected a number from %g to %g", what,
		    lo, hi);
	*out = v;
	return 0;
}

static int
integer(struct ctx *c, const struct node *n, const char *what, int64_t *out)
{
	if (want_scalar(c, n, what) == -1)
		return -1;
	if (zt_parse_u63(n->s, n->slen, out) != 0)
		return bad(c, n, "%s: expected a whole number", what);
	return 0;
}

/* "2s", "500ms", "1.5s" or a bare number of milliseconds. */
static int
duration(struct ctx *c, const struct node *n, const char *what, int64_t *ms)
{
	char	*end;
	double	 v;

	if (want_scalar(c, n, what) == -1)
		return -1;
	errno = 0;
	v = strtod(n->s, &end);
	if (end == n->s || errno != 0 || !isfinite(v) || v < 0)
		goto bad_dur;
	if (strcmp(end, "s") == 0)
		v *= 1000;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		v *= 60000;
	else if (*end != '\0' && strcmp(end, "ms") != 0)
		goto bad_dur;
	if (v > 86400000.0)
		goto bad_dur;
	*ms = (int64_t)v;
	return 0;
bad_dur:
	return bad(c, n, "%s: expected a duration such as 2s or 500ms", what);
}

static pcre2_code *
regex(struct ctx *c, const struct node *n, const char *what)
{
	pcre2_code	*re;
	size_t		 off;
	char		 msg[160];
	struct node	 at;

	if (want_scalar(c, n, what) == -1)
		return NULL;
	re = zt_re_compile(n->s, n->slen, &off, msg, sizeof(msg));
	if (re == NULL) {
		at = *n;
		/*
		 * Point at the offending character (plain scalars exactly);
		 * columns count characters, PCRE2 offsets bytes.
		 */
		at.col += (n->quoted ? 1 : 0);
		for (size_t i = 0; i < off && i < n->slen; i++)
			if (((unsigned char)n->s[i] & 0xc0) != 0x80)
				at.col++;
		bad(c, &at, "%s: bad regular expression: %s", what, msg);
	}
	return re;
}

static int
filter(struct ctx *c, const struct node *n, const char *what,
    struct zt_filter *f)
{
	const struct node	*k;
	const struct node	*v;
	const struct node	*op;
	struct zt_cond		*cd;
	size_t			 i;
	size_t			 j;
	int			 col;

	if (n->t != N_MAP)
		return bad(c, n, "%s: expected a mapping of column: condition",
		    what);
	for (i = 0; i + 1 < n->nkid; i += 2) {
		k = n->kid[i];
		v = n->kid[i + 1];
		if (k->t != N_SCALAR || (col = zt_col_lookup(k->s)) < 0) {
			const char *sug = k->t == N_SCALAR ? zt_suggest(k->s,
			    zt_col_names, ZT_COL_COUNT) : NULL;

			if (sug != NULL)
				return bad(c, k, "%s: unknown column '%s' (did "
				    "you mean '%s'?)", what, k->s, sug);
			return bad(c, k, "%s: unknown column '%s' (see the "
			    "records view in ztlog(1))", what,
			    k->t == N_SCALAR ? k->s : "?");
		}
		f->c = zt_xrealloc(f->c, (f->n + 1) * sizeof(*f->c));
		cd = &f->c[f->n++];
		memset(cd, 0, sizeof(*cd));
		cd->col = (enum zt_col)col;
		if (v->t == N_SCALAR) {
			cd->op = ZT_COND_EQ;
			cd->vals = zt_xmalloc(sizeof(*cd->vals));
			cd->vals[0] = zt_xstrdup(v->s);
			cd->nvals = 1;
			continue;
		}
		if (v->t != N_MAP || v->nkid != 2 || v->kid[0]->t != N_SCALAR)
			return bad(c, v, "%s.%s: expected a value, {in: [...]}, "
			    "{match: PCRE} or {not_match: PCRE}", what, k->s);
		op = v->kid[1];
		if (strcmp(v->kid[0]->s, "in") == 0) {
			cd->op = ZT_COND_IN;
			if (op->t != N_SEQ)
				return bad(c, op, "%s.%s.in: expected a list",
				    what, k->s);
			cd->vals = zt_xcalloc(op->nkid, sizeof(*cd->vals));
			for (j = 0; j < op->nkid; j++) {
				if (want_scalar(c, op->kid[j], "in") == -1)
					return -1;
				cd->vals[cd->nvals++] =
				    zt_xstrdup(op->kid[j]->s);
			}
		} else if (strcmp(v->kid[0]->s, "match") == 0 ||
		    strcmp(v->kid[0]->s, "not_match") == 0) {
			cd->op = v->kid[0]->s[0] == 'm' ? ZT_COND_MATCH :
			    ZT_COND_NOT_MATCH;
			if ((cd->re = regex(c, op, v->kid[0]->s)) == NULL)
				return -1;
		} else
			return bad(c, v->kid[0], "%s.%s: unknown operator '%s' "
			    "(in, match, not_match)", what, k->s,
			    v->kid[0]->s);
	}
	if (f->n > 0 && f->md == NULL)
		f->md = pcre2_match_data_create(4, NULL);
	return 0;
}

static void
rule_free(struct zt_rule *r)
{
	free(r->id);
	free(r->description);
	free(r->file);
	zt_filter_free(&r->where);
	zt_filter_free(&r->require);
	pcre2_code_free(r->waypoint);
	free(r->sql);
	free(r->text);
	memset(r, 0, sizeof(*r));
}

/* Keys each type accepts besides the common ones. */
static const char *const type_keys[][4] = {
	[ZT_R_HBONE] = { "require", NULL },
	[ZT_R_PAIRING] = { "window", "waypoint", NULL },
	[ZT_R_BALANCE] = { "alpha", "max_ratio", "min_expected", NULL },
	[ZT_R_ERRORS] = { "max", NULL },
	[ZT_R_SQL] = { "query", "expect", NULL },
};

static int
key_ok(enum zt_rtype t, const char *k)
{
	static const char *const common[] = {
		"id", "description", "severity", "type", "where", NULL
	};
	int	 i;

	for (i = 0; common[i] != NULL; i++)
		if (strcmp(k, common[i]) == 0)
			/* an sql rule filters in its own query */
			return !(t == ZT_R_SQL && strcmp(k, "where") == 0);
	for (i = 0; i < 4 && type_keys[t][i] != NULL; i++)
		if (strcmp(k, type_keys[t][i]) == 0)
			return 1;
	return 0;
}

/* " (did you mean 'where'?)" for a mistyped key, else "". */
static const char *
key_hint(enum zt_rtype t, const char *k)
{
	static char	 buf[64];
	const char	*v[10] = { "id", "description", "severity", "type" };
	const char	*s;
	size_t		 n = 4;
	int		 i;

	if (t != ZT_R_SQL)
		v[n++] = "where";
	for (i = 0; i < 4 && type_keys[t][i] != NULL; i++)
		v[n++] = type_keys[t][i];
	if ((s = zt_suggest(k, v, n)) == NULL)
		return "";
	snprintf(buf, sizeof(buf), " (did you mean '%s'?)", s);
	return buf;
}

static int
check_sql(struct ctx *c, const struct node *n, const char *sql)
{
	struct zt_store	*st;
	struct zt_err	 e;
	sqlite3_stmt	*s = NULL;
	const char	*tail = NULL;
	int		 rc = -1;

	if (zt_store_open(&st, NULL, ZT_STORE_MEMORY, &e) == -1)
		return bad(c, n, "query: %s", e.msg);
	zt_regexp_register(zt_store_db(st));
	zt_store_lockdown(zt_store_db(st));
	if (sqlite3_prepare_v2(zt_store_db(st), sql, -1, &s, &tail) != SQLITE_OK)
		bad(c, n, "query: %s", sqlite3_errmsg(zt_store_db(st)));
	else if (s == NULL)
		bad(c, n, "query: empty");
	else if (tail[strspn(tail, " \t\r\n;")] != '\0')
		bad(c, n, "query: one statement only");
	else if (!sqlite3_stmt_readonly(s))
		bad(c, n, "query: only statements that read are allowed");
	else if (sqlite3_column_count(s) == 0)
		bad(c, n, "query: returns no columns");
	else
		rc = 0;
	sqlite3_finalize(s);
	zt_store_close(st);
	return rc;
}

static int
valid_id(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
		    *s == '.'))
			return 0;
	return 1;
}

/*
 * The rule's own text, dedented to its first key's column, for
 * `ztlog rules show`.
 */
/*
 * Byte offset of character index idx in text: libyaml's marks count
 * characters, not bytes.
 */
static size_t
char_offset(const char *text, size_t len, size_t idx)
{
	size_t	 i;
	size_t	 c = 0;

	for (i = 0; i < len && c < idx; i++)
		if (((unsigned char)text[i] & 0xc0) != 0x80)
			c++;
	while (i < len && ((unsigned char)text[i] & 0xc0) == 0x80)
		i++;
	return i;
}

static char *
rule_text(const char *text, size_t len, const struct node *n)
{
	struct zt_buf	 b = { NULL, 0, 0 };
	const char	*p = text + char_offset(text, len, n->start);
	const char	*end = text + char_offset(text, len, n->end);
	const char	*nl;
	size_t		 skip;

	while (end > p && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		zt_buf_add(&b, p, (size_t)(nl - p));
		zt_buf_addc(&b, '\n');
		p = nl < end ? nl + 1 : end;
		for (skip = 1; skip < n->col && p < end && *p == ' '; skip++)
			p++;
	}
	zt_buf_addc(&b, '\0');
	return b.p;
}

static int
rule(struct ctx *c, const struct node *n, struct zt_rule *r)
{
	const struct node	*v;
	const struct node	*typ;
	size_t			 i;
	int			 t;
	int			 sev;

	if (n->t != N_MAP)
		return bad(c, n, "a rule must be a mapping");
	memset(r, 0, sizeof(*r));
	r->file = zt_xstrdup(c->name);
	r->line = n->line;
	r->text = rule_text(c->text, c->len, n);
	if ((v = map_get(n, "id")) == NULL)
		return bad(c, n, "rule without id");
	if (want_scalar(c, v, "id") == -1)
		return -1;
	if (!valid_id(v->s))
		return bad(c, v, "id: '%s' is not made of letters, digits, "
		    "'-', '_' and '.'", v->s);
	r->id = zt_xstrdup(v->s);
	if ((typ = map_get(n, "type")) == NULL)
		return bad(c, n, "rule %s: missing type", r->id);
	if (pick(c, typ, "type", zt_rtype_names, &t) == -1)
		return -1;
	r->type = (enum zt_rtype)t;
	for (i = 0; i + 1 < n->nkid; i += 2) {
		if (n->kid[i]->t != N_SCALAR)
			return bad(c, n->kid[i], "rule %s: keys must be plain "
			    "words", r->id);
		if (!key_ok(r->type, n->kid[i]->s))
			return bad(c, n->kid[i], "rule %s: unknown key '%s' for "
			    "type %s%s", r->id, n->kid[i]->s,
			    zt_rtype_names[r->type], key_hint(r->type,
			    n->kid[i]->s));
		if (map_get(n, n->kid[i]->s) != n->kid[i + 1])
			return bad(c, n->kid[i], "rule %s: duplicate key '%s'",
			    r->id, n->kid[i]->s);
	}
	if ((v = map_get(n, "description")) == NULL)
		return bad(c, n, "rule %s: missing description", r->id);
	if (want_scalar(c, v, "description") == -1)
		return -1;
	r->description = zt_xstrdup(v->s);
	if ((v = map_get(n, "severity")) == NULL)
		return bad(c, n, "rule %s: missing severity", r->id);
	if (pick(c, v, "severity", zt_sev_names, &sev) == -1)
		return -1;
	r->sev = (enum zt_sev)sev;
	if ((v = map_get(n, "where")) != NULL &&
	    filter(c, v, "where", &r->where) == -1)
		return -1;
	/* Type parameters and their defaults. */
	r->window_ms = 2000;
	r->alpha = 0.001;
	r->min_expected = 5;
	r->expect = ZT_EXPECT_EMPTY;
	switch (r->type) {
	case ZT_R_HBONE:
		if ((v = map_get(n, "require")) != NULL) {
			if (filter(c, v, "require", &r->require) == -1)
				return -1;
			r->has_require = 1;
		}
		break;
	case ZT_R_PAIRING:
		if ((v = map_get(n, "window")) != NULL &&
		    duration(c, v, "window", &r->window_ms) == -1)
			return -1;
		if ((v = map_get(n, "waypoint")) != NULL)
			r->waypoint = regex(c, v, "waypoint");
		else
			r->waypoint = zt_re_compile("waypoint", 8, &i,
			    c->err->msg, sizeof(c->err->msg));
		if (r->waypoint == NULL)
			return -1;
		break;
	case ZT_R_BALANCE:
		if ((v = map_get(n, "alpha")) != NULL &&
		    number(c, v, "alpha", 0, 1, &r->alpha) == -1)
			return -1;
		if ((v = map_get(n, "max_ratio")) != NULL &&
		    number(c, v, "max_ratio", 0, 1e9, &r->max_ratio) == -1)
			return -1;
		if ((v = map_get(n, "min_expected")) != NULL &&
		    number(c, v, "min_expected", 1, 1e9, &r->min_expected) == -1)
			return -1;
		break;
	case ZT_R_ERRORS:
		if ((v = map_get(n, "max")) != NULL &&
		    integer(c, v, "max", &r->max) == -1)
			return -1;
		break;
	case ZT_R_SQL:
		if ((v = map_get(n, "query")) == NULL)
			return bad(c, n, "rule %s: type sql needs a query",
			    r->id);
		if (want_scalar(c, v, "query") == -1 ||
		    check_sql(c, v, v->s) == -1)
			return -1;
		r->sql = zt_xstrdup(v->s);
		if ((v = map_get(n, "expect")) == NULL)
			break;
		if (v->t == N_SCALAR && strcmp(v->s, "empty") == 0)
			r->expect = ZT_EXPECT_EMPTY;
		else if (v->t == N_SCALAR && strcmp(v->s, "nonempty") == 0)
			r->expect = ZT_EXPECT_NONEMPTY;
		else if (v->t == N_MAP && v->nkid == 2 &&
		    v->kid[0]->t == N_SCALAR && (strcmp(v->kid[0]->s,
		    "max") == 0 || strcmp(v->kid[0]->s, "min") == 0)) {
			r->expect = v->kid[0]->s[1] == 'a' ? ZT_EXPECT_MAX :
			    ZT_EXPECT_MIN;
			if (integer(c, v->kid[1], v->kid[0]->s,
			    &r->bound) == -1)
				return -1;
		} else
			return bad(c, v, "expect: use empty, nonempty, "
			    "{max: N} or {min: N}");
		break;
	}
	return 0;
}

int
zt_rules_load(struct zt_ruleset *rs, const char *name, const char *text,
    size_t n, struct zt_err *err)
{
	struct ctx	 c = { text, n, name, err, 0 };
	struct node	*root;
	struct node	*list;
	struct zt_rule	*nr = NULL;
	size_t		 nn = 0;
	size_t		 i;
	size_t		 k;
	int		 rc = -1;

	if (n > ZT_RULES_MAXBYTES)
		return zt_err_at(err, name, 0, 0, "rule file larger than %d "
		    "bytes", ZT_RULES_MAXBYTES);
	if ((root = parse_tree(&c, text, n)) == NULL)
		return -1;
	if (root->t != N_MAP) {
		bad(&c, root, "expected a mapping with a 'rules' list");
		goto out;
	}
	for (i = 0; i + 1 < root->nkid; i += 2) {
		struct node *key = root->kid[i];

		if (key->t != N_SCALAR || (strcmp(key->s, "rules") != 0 &&
		    strcmp(key->s, "version") != 0)) {
			bad(&c, key, "unknown top-level key '%s' (rules, "
			    "version)", key->t == N_SCALAR ? key->s : "?");
			goto out;
		}
	}
	if ((list = map_get(root, "version")) != NULL &&
	    (list->t != N_SCALAR || strcmp(list->s, "1") != 0)) {
		bad(&c, list, "version: only version 1 is known");
		goto out;
	}
	if ((list = map_get(root, "rules")) == NULL || list->t != N_SEQ) {
		bad(&c, list != NULL ? list : root, "expected 'rules:' with a "
		    "list of rules");
		goto out;
	}
	nr = zt_xcalloc(list->nkid, sizeof(*nr));
	for (i = 0; i < list->nkid; i++) {
		if (rule(&c, list->kid[i], &nr[nn]) == -1) {
			rule_free(&nr[nn]);
			goto out;
		}
		for (k = 0; k < nn; k++)
			if (strcmp(nr[k].id, nr[nn].id) == 0) {
				bad(&c, list->kid[i], "rule %s defined twice "
				    "in this file", nr[nn].id);
				rule_free(&nr[nn]);
				goto out;
			}
		nn++;
	}
	/* All good: merge, a rule with a known id replacing the old one. */
	for (i = 0; i < nn; i++) {
		for (k = 0; k < rs->n; k++)
			if (strcmp(rs->r[k].id, nr[i].id) == 0)
				break;
		if (k == rs->n) {
			rs->r = zt_xrealloc(rs->r, (rs->n + 1) * sizeof(*rs->r));
			rs->n++;
		} else
			rule_free(&rs->r[k]);
		rs->r[k] = nr[i];
	}
	nn = 0;
	rc = 0;
out:
	for (i = 0; i < nn; i++)
		rule_free(&nr[i]);
	free(nr);
	node_free(root);
	return rc;
}

static int
load_file(struct zt_ruleset *rs, const char *path, struct zt_err *err)
{
	FILE		*f;
	struct zt_buf	 b = { NULL, 0, 0 };
	size_t		 got;
	int		 rc;

	if ((f = fopen(path, "rb")) == NULL)
		return zt_err_at(err, path, 0, 0, "cannot open: %s",
		    strerror(errno));
	do {
		zt_buf_reserve(&b, 65536);
		got = fread(b.p + b.n, 1, 65536, f);
		b.n += got;
	} while (got > 0 && b.n <= ZT_RULES_MAXBYTES);
	if (ferror(f)) {
		fclose(f);
		zt_buf_free(&b);
		return zt_err_at(err, path, 0, 0, "read error");
	}
	fclose(f);
	rc = zt_rules_load(rs, path, b.p != NULL ? b.p : "", b.n, err);
	zt_buf_free(&b);
	return rc;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
zt_rules_load_path(struct zt_ruleset *rs, const char *path, struct zt_err *err)
{
	struct stat	 sb;
	DIR		*d;
	struct dirent	*de;
	char		**v = NULL;
	size_t		 n = 0;
	size_t		 i;
	size_t		 len;
	int		 rc = 0;

	if (stat(path, &sb) == -1)
		return zt_err_at(err, path, 0, 0, "cannot open: %s",
		    strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return load_file(rs, path, err);
	if ((d = opendir(path)) == NULL)
		return zt_err_at(err, path, 0, 0, "cannot read directory: %s",
		    strerror(errno));
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || !((len > 5 && strcmp(de->d_name +
		    len - 5, ".yaml") == 0) || (len > 4 &&
		    strcmp(de->d_name + len - 4, ".yml") == 0)))
			continue;
		v = zt_xrealloc(v, (n + 1) * sizeof(*v));
		len += strlen(path) + 2;
		v[n] = zt_xmalloc(len);
		snprintf(v[n++], len, "%s/%s", path, de->d_name);
	}
	closedir(d);
	if (n > 0)	/* qsort(NULL, 0, ...) is undefined */
		qsort(v, n, sizeof(*v), cmpstr);
	for (i = 0; i < n; i++) {
		if (rc == 0 && load_file(rs, v[i], err) == -1)
			rc = -1;
		free(v[i]);
	}
	free(v);
	return rc;
}

int
zt_rules_only(struct zt_ruleset *rs, const char *ids, struct zt_err *err)
{
	struct zt_rule	*keep;
	size_t		 nk = 0;
	size_t		 i;
	const char	*p;
	const char	*e;
	int		 found;
	int		 rc = 0;

	keep = zt_xcalloc(rs->n ? rs->n : 1, sizeof(*keep));
	for (p = ids; rc == 0 && *p != '\0'; p = *e ? e + 1 : e) {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		found = 0;
		for (i = 0; i < nk; i++)	/* named twice: once is enough */
			if (strlen(keep[i].id) == (size_t)(e - p) &&
			    memcmp(keep[i].id, p, (size_t)(e - p)) == 0)
				found = 1;
		for (i = 0; i < rs->n; i++)
			if (rs->r[i].id != NULL && strlen(rs->r[i].id) ==
			    (size_t)(e - p) && memcmp(rs->r[i].id, p,
			    (size_t)(e - p)) == 0) {
				keep[nk++] = rs->r[i];
				memset(&rs->r[i], 0, sizeof(rs->r[i]));
				found = 1;
			}
		if (!found && e > p) {
			zt_err_set(err, "--only: no rule '%.*s' (see ztlog rules "
			    "list)", (int)(e - p), p);
			rc = -1;
		}
	}
	for (i = 0; i < rs->n; i++)
		rule_free(&rs->r[i]);
	free(rs->r);
	rs->r = keep;
	rs->n = nk;
	return rc;
}

const struct zt_rule *
zt_rules_find(const struct zt_ruleset *rs, const char *id)
{
	size_t	 i;

	for (i = 0; i < rs->n; i++)
		if (strcmp(rs->r[i].id, id) == 0)
			return &rs->r[i];
	return NULL;
}

void
zt_rules_free(struct zt_ruleset *rs)
{
	size_t	 i;

	for (i = 0; i < rs->n; i++)
		rule_free(&rs->r[i]);
	free(rs->r);
	rs->r = NULL;
	rs->n = 0;
}

/*
 * yaml.c -- see yaml.h.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "rules/re.h"
#include "rules/yaml.h"
#include "util/text.h"
#include "util/xalloc.h"

#define MAXDEPTH	32
#define MAXNODES	100000

void
zt_yaml_free(struct zt_ynode *n)
{
	size_t	 i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nkid; i++)
		zt_yaml_free(n->kid[i]);
	free(n->kid);
	free(n->s);
	free(n);
}

int
zt_yaml_bad(struct zt_yctx *c, const struct zt_ynode *n, const char *fmt, ...)
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

/* A position-only node for messages about a libyaml mark. */
static struct zt_ynode
at_mark(const yaml_mark_t *m)
{
	struct zt_ynode	 at;

	memset(&at, 0, sizeof(at));
	at.line = (unsigned long)m->line + 1;
	at.col = (unsigned long)m->column + 1;
	return at;
}


static void
node_add(struct zt_ynode *parent, struct zt_ynode *kid)
{
	parent->kid = zt_xrealloc(parent->kid,
	    (parent->nkid + 1) * sizeof(*parent->kid));
	parent->kid[parent->nkid++] = kid;
}

/* The tree being built: the open sequences and mappings, innermost last. */
struct build {
	struct zt_ynode	*stack[MAXDEPTH + 1];
	int		 depth;
	struct zt_ynode	*root;
	int		 done;		/* the stream ended */
	size_t		 ch;		/* a character index ... */
	size_t		 byte;		/* ... and its byte offset */
};

/*
 * The byte offset of character idx (libyaml's marks count characters).
 * Marks come in increasing order, so the count goes on from the last one
 * (counted from the start, a file of many rules took quadratic time).
 */
static size_t
byte_of(const struct zt_yctx *c, struct build *b, size_t idx)
{
	const unsigned char	*t = (const unsigned char *)c->text;

	if (idx < b->ch) {
		b->ch = 0;
		b->byte = 0;
	}
	for (; b->byte < c->len && b->ch < idx; b->byte++)
		if ((t[b->byte] & 0xc0) != 0x80)
			b->ch++;
	while (b->byte < c->len && (t[b->byte] & 0xc0) == 0x80)
		b->byte++;
	return b->byte;
}

static struct zt_ynode *
node_new(struct zt_yctx *c, struct build *b, enum zt_ytype t,
    const yaml_mark_t *m)
{
	struct zt_ynode	*n;

	n = zt_xcalloc(1, sizeof(*n));
	n->t = t;
	n->line = (unsigned long)m->line + 1;
	n->col = (unsigned long)m->column + 1;
	n->start = n->end = byte_of(c, b, m->index);
	c->nodes++;
	return n;
}

/* Hang n (a new node) into the tree, and open it if it is a collection. */
static void
place(struct build *b, struct zt_ynode *n)
{
	if (b->depth == 0 && b->root == NULL)
		b->root = n;
	else if (b->depth > 0)
		node_add(b->stack[b->depth - 1], n);
	else
		zt_yaml_free(n);
	if (n->t != ZT_Y_SCALAR)
		b->stack[b->depth++] = n;
}

/* Take one event into the tree.  Returns 0, or -1 with the error set. */
static int
take(struct zt_yctx *c, struct build *b, const yaml_event_t *ev)
{
	struct zt_ynode	 at = at_mark(&ev->start_mark);
	struct zt_ynode	*n;
	int		 seq = ev->type == YAML_SEQUENCE_START_EVENT;

	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		return zt_yaml_bad(c, &at, "YAML aliases are not allowed in "
		    "rule files");
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.anchor != NULL)
			return zt_yaml_bad(c, &at, "YAML anchors are not "
			    "allowed in rule files");
		n = node_new(c, b, ZT_Y_SCALAR, &ev->start_mark);
		n->s = zt_xstrndup((const char *)ev->data.scalar.value,
		    ev->data.scalar.length);
		n->slen = ev->data.scalar.length;
		n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
		n->end = byte_of(c, b, ev->end_mark.index);
		place(b, n);
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if ((seq ? ev->data.sequence_start.anchor :
		    ev->data.mapping_start.anchor) != NULL)
			return zt_yaml_bad(c, &at, "YAML anchors are not "
			    "allowed in rule files");
		if (b->depth == MAXDEPTH)
			return zt_yaml_bad(c, &at, "nested too deep (limit %d)",
			    MAXDEPTH);
		place(b, node_new(c, b, seq ? ZT_Y_SEQ : ZT_Y_MAP,
		    &ev->start_mark));
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		b->stack[--b->depth]->end = byte_of(c, b, ev->end_mark.index);
		break;
	case YAML_DOCUMENT_START_EVENT:
		if (b->root != NULL)
			return zt_yaml_bad(c, &at, "more than one YAML "
			    "document");
		break;
	case YAML_STREAM_END_EVENT:
		b->done = 1;
		break;
	default:
		break;
	}
	if (c->nodes > MAXNODES)
		return zt_yaml_bad(c, &at, "too many YAML nodes (limit %d)",
		    MAXNODES);
	return 0;
}

struct zt_ynode *
zt_yaml_parse(struct zt_yctx *c)
{
	yaml_parser_t	 p;
	yaml_event_t	 ev;
	struct build	 b;
	struct zt_ynode	 at;
	int		 ok = 1;

	if (!yaml_parser_initialize(&p)) {
		zt_yaml_bad(c, NULL, "cannot start the YAML parser");
		return NULL;
	}
	memset(&b, 0, sizeof(b));
	yaml_parser_set_input_string(&p, (const unsigned char *)c->text,
	    c->len);
	while (!b.done && ok) {
		if (!yaml_parser_parse(&p, &ev)) {
			at = at_mark(&p.problem_mark);
			zt_yaml_bad(c, &at, "YAML: %s%s%s", p.problem ?
			    p.problem : "syntax error", p.context ? " " : "",
			    p.context ? p.context : "");
			ok = 0;
			break;
		}
		ok = take(c, &b, &ev) == 0;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	if (!ok) {
		zt_yaml_free(b.root);
		return NULL;
	}
	if (b.root == NULL) {
		memset(&at, 0, sizeof(at));
		at.line = 1;
		at.col = 1;
		zt_yaml_bad(c, &at, "empty rule file");
	}
	return b.root;
}

/* ---- values ----------------------------------------------------------- */

struct zt_ynode *
zt_yaml_get(const struct zt_ynode *m, const char *key)
{
	size_t	 i;

	for (i = 0; i + 1 < m->nkid; i += 2)
		if (m->kid[i]->t == ZT_Y_SCALAR && strcmp(m->kid[i]->s,
		    key) == 0)
			return m->kid[i + 1];
	return NULL;
}

int
zt_yaml_scalar(struct zt_yctx *c, const struct zt_ynode *n, const char *what)
{
	if (n->t != ZT_Y_SCALAR)
		return zt_yaml_bad(c, n, "%s: expected a single value", what);
	return 0;
}

int
zt_yaml_number(struct zt_yctx *c, const struct zt_ynode *n, const char *what,
    double lo, double hi, double *out)
{
	char	*end;
	double	 v;

	if (zt_yaml_scalar(c, n, what) == -1)
		return -1;
	errno = 0;
	v = strtod(n->s, &end);
	if (n->slen == 0 || *end != '\0' || errno != 0 || !isfinite(v) ||
	    v < lo || v > hi)
		return zt_yaml_bad(c, n, "%s: expected a number from %g to %g",
		    what, lo, hi);
	*out = v;
	return 0;
}

int
zt_yaml_integer(struct zt_yctx *c, const struct zt_ynode *n, const char *what,
    int64_t *out)
{
	if (zt_yaml_scalar(c, n, what) == -1)
		return -1;
	if (zt_parse_u63(n->s, n->slen, out) != 0)
		return zt_yaml_bad(c, n, "%s: expected a whole number", what);
	return 0;
}

int
zt_yaml_duration(struct zt_yctx *c, const struct zt_ynode *n,
    const char *what, int64_t *ms)
{
	char	*end;
	double	 v;

	if (zt_yaml_scalar(c, n, what) == -1)
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
	return zt_yaml_bad(c, n, "%s: expected a duration such as 2s or 500ms",
	    what);
}

pcre2_code *
zt_yaml_regex(struct zt_yctx *c, const struct zt_ynode *n, const char *what)
{
	pcre2_code	*re;
	size_t		 off;
	size_t		 i;
	char		 msg[160];
	struct zt_ynode	 at;

	if (zt_yaml_scalar(c, n, what) == -1)
		return NULL;
	re = zt_re_compile(n->s, n->slen, &off, msg, sizeof(msg));
	if (re == NULL) {
		at = *n;
		/*
		 * Point at the offending character (plain scalars exactly);
		 * columns count characters, PCRE2 offsets bytes.
		 */
		at.col += (n->quoted ? 1 : 0);
		for (i = 0; i < off && i < n->slen; i++)
			if (((unsigned char)n->s[i] & 0xc0) != 0x80)
				at.col++;
		zt_yaml_bad(c, &at, "%s: bad regular expression: %s", what,
		    msg);
	}
	return re;
}

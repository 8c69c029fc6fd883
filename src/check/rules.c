/*
 * rules.c -- rule files; see rules.h.  The YAML is read into a tree by
 * yaml.c; the rules are then read from the tree.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/type.h"
#include "check/rules.h"
#include "util/dict.h"
#include "util/suggest.h"
#include "rules/yaml.h"
#include "util/text.h"
#include "util/xalloc.h"

const char *const zt_sev_names[] = { "info", "warning", "error", NULL };

static void
rule_free(struct zt_rule *r)
{
	free(r->id);
	free(r->description);
	free(r->file);
	zt_filter_free(&r->where);
	if (r->type != NULL && r->cfg != NULL)
		r->type->cfg_free(r->cfg);
	free(r->text);
	free(r->share);
	memset(r, 0, sizeof(*r));
}

/* Is k a key of rules of type t? */
static int
key_ok(const struct zt_check_type *t, const char *k)
{
	static const char *const common[] = {
		"id", "description", "severity", "type", NULL
	};
	int	 i;

	for (i = 0; common[i] != NULL; i++)
		if (strcmp(k, common[i]) == 0)
			return 1;
	if (strcmp(k, "where") == 0)
		return t->where;
	for (i = 0; t->keys[i] != NULL; i++)
		if (strcmp(k, t->keys[i]) == 0)
			return 1;
	return 0;
}

/* " (did you mean 'where'?)" for a mistyped key k of type t, else "". */
static const char *
key_hint(const struct zt_check_type *t, const char *k, char *buf, size_t size)
{
	const char	*v[32] = { "id", "description", "severity", "type" };
	const char	*s;
	size_t		 n = 4;
	size_t		 i;

	if (t->where)
		v[n++] = "where";
	for (i = 0; t->keys[i] != NULL && n < 32; i++)
		v[n++] = t->keys[i];
	if ((s = zt_suggest(k, v, n)) == NULL)
		return "";
	snprintf(buf, size, " (did you mean '%s'?)", s);
	return buf;
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
static char *
rule_text(const char *text, size_t len, const struct zt_ynode *n)
{
	struct zt_buf	 b = { NULL, 0, 0 };
	const char	*p = text + (n->start < len ? n->start : len);
	const char	*end = text + (n->end < len ? n->end : len);
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

/* The type named by n, or NULL with the error set. */
static const struct zt_check_type *
rule_type(struct zt_yctx *c, const struct zt_ynode *n)
{
	const struct zt_check_type	*t;
	struct zt_buf			 list = { NULL, 0, 0 };
	size_t				 i;

	if (zt_yaml_scalar(c, n, "type") == -1)
		return NULL;
	if ((t = zt_check_type_find(n->s)) != NULL)
		return t;
	for (i = 0; (t = zt_check_type_at(i)) != NULL; i++) {
		if (i > 0)
			zt_buf_add(&list, ", ", 2);
		zt_buf_add(&list, t->name, strlen(t->name));
	}
	zt_buf_addc(&list, '\0');
	zt_yaml_bad(c, n, "type: '%s' is not one of %s", n->s, list.p);
	zt_buf_free(&list);
	return NULL;
}

/* The rule's id and type, and every key of it known to its type. */
static int
rule_keys(struct zt_yctx *c, const struct zt_ynode *n, struct zt_rule *r)
{
	const struct zt_ynode	*v;
	size_t			 i;
	char			 hint[64];

	if ((v = zt_yaml_get(n, "id")) == NULL)
		return zt_yaml_bad(c, n, "rule without id");
	if (zt_yaml_scalar(c, v, "id") == -1)
		return -1;
	if (!valid_id(v->s))
		return zt_yaml_bad(c, v, "id: '%s' is not made of letters, "
		    "digits, '-', '_' and '.'", v->s);
	r->id = zt_xstrdup(v->s);
	if ((v = zt_yaml_get(n, "type")) == NULL)
		return zt_yaml_bad(c, n, "rule %s: missing type", r->id);
	if ((r->type = rule_type(c, v)) == NULL)
		return -1;
	for (i = 0; i + 1 < n->nkid; i += 2) {
		v = n->kid[i];
		if (v->t != ZT_Y_SCALAR)
			return zt_yaml_bad(c, v, "rule %s: keys must be plain "
			    "words", r->id);
		if (!key_ok(r->type, v->s))
			return zt_yaml_bad(c, v, "rule %s: unknown key '%s' for "
			    "type %s%s", r->id, v->s, r->type->name,
			    key_hint(r->type, v->s, hint, sizeof(hint)));
		if (zt_yaml_get(n, v->s) != n->kid[i + 1])
			return zt_yaml_bad(c, v, "rule %s: duplicate key '%s'",
			    r->id, v->s);
	}
	return 0;
}

/* Severity from n. */
static int
severity(struct zt_yctx *c, const struct zt_ynode *n, enum zt_sev *sev)
{
	int	 i;

	if (zt_yaml_scalar(c, n, "severity") == -1)
		return -1;
	for (i = 0; zt_sev_names[i] != NULL; i++)
		if (strcmp(n->s, zt_sev_names[i]) == 0) {
			*sev = (enum zt_sev)i;
			return 0;
		}
	return zt_yaml_bad(c, n, "severity: '%s' is not one of error, "
	    "warning, info", n->s);
}

/* r's share key: its type, its where:, and what its type's feed reads. */
static void
share_key(struct zt_rule *r)
{
	struct zt_buf	 b = { NULL, 0, 0 };
	uint32_t	 n = (uint32_t)r->where.nkey;

	zt_buf_add(&b, r->type->name, strlen(r->type->name) + 1);
	zt_buf_add(&b, (const char *)&n, sizeof(n));
	if (r->where.nkey > 0)
		zt_buf_add(&b, r->where.key, r->where.nkey);
	if (r->type->share != NULL)
		r->type->share(r, &b);
	r->share = b.p;
	r->nshare = b.n;
}

static int
rule(struct zt_yctx *c, const struct zt_ynode *n, struct zt_rule *r)
{
	const struct zt_ynode	*v;

	if (n->t != ZT_Y_MAP)
		return zt_yaml_bad(c, n, "a rule must be a mapping");
	memset(r, 0, sizeof(*r));
	r->file = zt_xstrdup(c->name);
	r->line = n->line;
	r->text = rule_text(c->text, c->len, n);
	if (rule_keys(c, n, r) == -1)
		return -1;
	if ((v = zt_yaml_get(n, "description")) == NULL)
		return zt_yaml_bad(c, n, "rule %s: missing description", r->id);
	if (zt_yaml_scalar(c, v, "description") == -1)
		return -1;
	r->description = zt_xstrdup(v->s);
	if ((v = zt_yaml_get(n, "severity")) == NULL)
		return zt_yaml_bad(c, n, "rule %s: missing severity", r->id);
	if (severity(c, v, &r->sev) == -1)
		return -1;
	if ((v = zt_yaml_get(n, "where")) != NULL) {
		if (zt_filter_parse(c, v, "where", &r->where) == -1)
			return -1;
		r->cols |= r->where.cols;
	}
	if (r->type->parse(c, n, r) == -1)
		return -1;
	share_key(r);
	return 0;
}

/* The list of rules of a file's root mapping, or NULL with the error set. */
static const struct zt_ynode *
rule_list(struct zt_yctx *c, const struct zt_ynode *root)
{
	const struct zt_ynode	*key;
	const struct zt_ynode	*v;
	size_t			 i;

	if (root->t != ZT_Y_MAP) {
		zt_yaml_bad(c, root, "expected a mapping with a 'rules' list");
		return NULL;
	}
	for (i = 0; i + 1 < root->nkid; i += 2) {
		key = root->kid[i];
		if (key->t != ZT_Y_SCALAR || (strcmp(key->s, "rules") != 0 &&
		    strcmp(key->s, "version") != 0)) {
			zt_yaml_bad(c, key, "unknown top-level key '%s' (rules, "
			    "version)", key->t == ZT_Y_SCALAR ? key->s : "?");
			return NULL;
		}
	}
	if ((v = zt_yaml_get(root, "version")) != NULL &&
	    (v->t != ZT_Y_SCALAR || strcmp(v->s, "1") != 0)) {
		zt_yaml_bad(c, v, "version: only version 1 is known");
		return NULL;
	}
	if ((v = zt_yaml_get(root, "rules")) == NULL || v->t != ZT_Y_SEQ) {
		zt_yaml_bad(c, v != NULL ? v : root, "expected 'rules:' with a "
		    "list of rules");
		return NULL;
	}
	return v;
}

/* Index of id in d (ids of rules), or -1. */
static int64_t
id_find(const struct zt_dict *d, const char *id)
{
	size_t	 n = strlen(id);

	return zt_dict_get(d, id, n, zt_hash(id, n));
}

static void
id_put(struct zt_dict *d, const char *id, int64_t ix)
{
	size_t	 n = strlen(id);

	zt_dict_put(d, id, n, zt_hash(id, n), ix);
}

/*
 * Read the rules of list into nr (room for all), each id once.  Returns
 * how many, or -1 with the error set (nr then holds only whole rules).
 */
static int64_t
read_rules(struct zt_yctx *c, const struct zt_ynode *list, struct zt_rule *nr)
{
	struct zt_dict	 ids;
	size_t		 nn = 0;
	size_t		 i;

	zt_dict_init(&ids, (size_t)1 << 31);
	for (i = 0; i < list->nkid; i++) {
		if (rule(c, list->kid[i], &nr[nn]) == -1)
			goto bad;
		if (id_find(&ids, nr[nn].id) >= 0) {
			zt_yaml_bad(c, list->kid[i], "rule %s defined twice in "
			    "this file", nr[nn].id);
			goto bad;
		}
		id_put(&ids, nr[nn].id, (int64_t)nn);
		nn++;
	}
	zt_dict_fini(&ids);
	return (int64_t)nn;
bad:
	rule_free(&nr[nn]);
	zt_dict_fini(&ids);
	return -1 - (int64_t)nn;
}

/*
 * Add nr (read from list) to rs, a rule with a known id replacing the old
 * one (in place).  -1, rs as it was, when rs would pass ZT_RULES_MAX.
 */
static int
merge(struct zt_yctx *c, const struct zt_ynode *list, struct zt_ruleset *rs,
    struct zt_rule *nr, size_t nn)
{
	struct zt_dict	 ids;
	int64_t		 k;
	size_t		 i;
	size_t		 n = rs->n;

	zt_dict_init(&ids, (size_t)1 << 31);
	for (i = 0; i < rs->n; i++)
		id_put(&ids, rs->r[i].id, (int64_t)i);
	for (i = 0; i < nn; i++)
		if (id_find(&ids, nr[i].id) < 0 && ++n > ZT_RULES_MAX) {
			zt_dict_fini(&ids);
			return zt_yaml_bad(c, list->kid[i], "rule %s: more than "
			    "%d rules in this run (ztlog's limit)", nr[i].id,
			    ZT_RULES_MAX);
		}
	rs->r = zt_xrealloc(rs->r, (rs->n + nn + 1) * sizeof(*rs->r));
	for (i = 0; i < nn; i++) {
		if ((k = id_find(&ids, nr[i].id)) >= 0) {
			rule_free(&rs->r[k]);
			rs->r[k] = nr[i];
			continue;
		}
		rs->r[rs->n] = nr[i];
		id_put(&ids, nr[i].id, (int64_t)rs->n);
		rs->n++;
	}
	zt_dict_fini(&ids);
	return 0;
}

int
zt_rules_load(struct zt_ruleset *rs, const char *name, const char *text,
    size_t n, struct zt_err *err)
{
	struct zt_yctx		 c = { text, n, name, err, 0 };
	struct zt_ynode		*root;
	const struct zt_ynode	*list;
	struct zt_rule		*nr;
	int64_t			 nn;
	int64_t			 i;

	if (n > ZT_RULES_MAXBYTES)
		return zt_err_at(err, name, 0, 0, "rule file larger than %d "
		    "bytes", ZT_RULES_MAXBYTES);
	if ((root = zt_yaml_parse(&c)) == NULL)
		return -1;
	if ((list = rule_list(&c, root)) == NULL) {
		zt_yaml_free(root);
		return -1;
	}
	nr = zt_xcalloc(list->nkid ? list->nkid : 1, sizeof(*nr));
	nn = read_rules(&c, list, nr);
	if (nn >= 0 && merge(&c, list, rs, nr, (size_t)nn) == -1) {
		for (i = 0; i < nn; i++)
			rule_free(&nr[i]);
		nn = -1;
	} else if (nn < 0)
		for (i = 0; i < -1 - nn; i++)
			rule_free(&nr[i]);
	free(nr);
	zt_yaml_free(root);
	return nn >= 0 ? 0 : -1;
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

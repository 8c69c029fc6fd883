/*
 * output.c -- see output.h.
 */
#include <stdlib.h>
#include <string.h>

#include "report/output.h"
#include "util/escape.h"
#include "util/str.h"
#include "util/wrap.h"
#include "util/xalloc.h"

int
zt_ofmt_parse(const char *s, unsigned allowed)
{
	static const char *const names[] = { "table", "csv", "json", "ndjson",
	    "tsv" };
	int	 i;

	for (i = 0; i < 5; i++)
		if (strcmp(s, names[i]) == 0 && (allowed & (1u << i)))
			return i;
	return -1;
}

static void
blob_hex(struct zt_buf *b, const unsigned char *p, size_t n)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < n; i++) {
		zt_buf_addc(b, hex[p[i] >> 4]);
		zt_buf_addc(b, hex[p[i] & 15]);
	}
}

/* Cell text of column i as printed by table and CSV (NULL: empty). */
static void
cell(sqlite3_stmt *s, int i, struct zt_buf *b)
{
	const unsigned char	*p;
	int			 n;

	b->n = 0;
	zt_buf_reserve(b, 1);
	b->p[0] = '\0';
	switch (sqlite3_column_type(s, i)) {
	case SQLITE_NULL:
		break;
	case SQLITE_BLOB:
		p = sqlite3_column_blob(s, i);
		n = sqlite3_column_bytes(s, i);
		zt_buf_add(b, "x'", 2);
		blob_hex(b, p, (size_t)n);
		zt_buf_addc(b, '\'');
		break;
	default:
		p = sqlite3_column_text(s, i);
		n = sqlite3_column_bytes(s, i);
		if (p != NULL)
			zt_buf_add(b, (const char *)p, (size_t)n);
		break;
	}
}

static void
json_value(sqlite3_stmt *s, int i, struct zt_buf *b)
{
	const unsigned char	*p;
	int			 n;

	switch (sqlite3_column_type(s, i)) {
	case SQLITE_NULL:
		zt_buf_add(b, "null", 4);
		break;
	case SQLITE_INTEGER:
	case SQLITE_FLOAT:
		p = sqlite3_column_text(s, i);
		n = sqlite3_column_bytes(s, i);
		/* SQLite renders inf as "Inf"; JSON has no such number. */
		if (p == NULL || strpbrk((const char *)p, "In") != NULL)
			zt_buf_add(b, "null", 4);
		else
			zt_buf_add(b, (const char *)p, (size_t)n);
		break;
	case SQLITE_BLOB:
		p = sqlite3_column_blob(s, i);
		n = sqlite3_column_bytes(s, i);
		zt_buf_addc(b, '"');
		blob_hex(b, p, (size_t)n);
		zt_buf_addc(b, '"');
		break;
	default:
		p = sqlite3_column_text(s, i);
		n = sqlite3_column_bytes(s, i);
		zt_escape_json_str(b, (const char *)p, (size_t)n);
		break;
	}
}

static void
json_row(sqlite3_stmt *s, struct zt_buf *b)
{
	int		 i;
	int		 nc = sqlite3_column_count(s);
	const char	*name;

	zt_buf_addc(b, '{');
	for (i = 0; i < nc; i++) {
		if (i > 0)
			zt_buf_addc(b, ',');
		name = sqlite3_column_name(s, i);
		zt_escape_json_str(b, name, strlen(name));
		zt_buf_addc(b, ':');
		json_value(s, i, b);
	}
	zt_buf_addc(b, '}');
}

/*
 * Write one CSV line to out: the column names (header) or the current
 * row's cells; tmp and line are scratch buffers.
 */
static void
csv_line(sqlite3_stmt *s, int header, struct zt_buf *tmp,
    struct zt_buf *line, FILE *out)
{
	int		 nc = sqlite3_column_count(s);
	int		 i;
	const char	*name;

	line->n = 0;
	for (i = 0; i < nc; i++) {
		if (i > 0)
			zt_buf_addc(line, ',');
		if (header) {
			name = sqlite3_column_name(s, i);
			zt_escape_csv_cell(line, name, strlen(name), 0);
			continue;
		}
		cell(s, i, tmp);
		zt_escape_csv_cell(line, tmp->p, tmp->n,
		    sqlite3_column_type(s, i) == SQLITE_TEXT);
	}
	zt_buf_addc(line, '\n');
	fwrite(line->p, 1, line->n, out);
}

/* The columns a table must fit (zt_output_width), 0: any. */
static size_t	 table_width;

void
zt_output_width(size_t width)
{
	table_width = width;
}

/*
 * Narrow the widest columns of w, one column at a time, until the table
 * (two spaces between columns) fits table_width or every column is down
 * to 4 (a character and "…" still tell something).
 */
static void
fit_widths(size_t *w, int nc)
{
	size_t	 total = 2 * (size_t)(nc - 1);
	int	 i;
	int	 wide;

	for (i = 0; i < nc; i++)
		total += w[i];
	while (table_width > 0 && total > table_width) {
		wide = 0;
		for (i = 1; i < nc; i++)
			if (w[i] > w[wide])
				wide = i;
		if (w[wide] <= 4)
			break;
		w[wide]--;
		total--;
	}
}

/*
 * Write the current row as one line of ClickHouse's TabSeparated format:
 * NULL as \N, numbers as SQLite prints them, text escaped (ZT_ESC_TSV),
 * a blob as its bytes, escaped alike.
 */
static void
tsv_line(sqlite3_stmt *s, struct zt_buf *line, FILE *out)
{
	int	 nc = sqlite3_column_count(s);
	int	 i, t;

	line->n = 0;
	for (i = 0; i < nc; i++) {
		if (i > 0)
			zt_buf_addc(line, '\t');
		if ((t = sqlite3_column_type(s, i)) == SQLITE_NULL)
			zt_buf_add(line, "\\N", 2);
		else if (t == SQLITE_BLOB)
			zt_escape(line, ZT_ESC_TSV,
			    (const char *)sqlite3_column_blob(s, i),
			    (size_t)sqlite3_column_bytes(s, i));
		else
			zt_escape(line, ZT_ESC_TSV,
			    (const char *)sqlite3_column_text(s, i),
			    (size_t)sqlite3_column_bytes(s, i));
	}
	zt_buf_addc(line, '\n');
	fwrite(line->p, 1, line->n, out);
}

static void
pad_to(struct zt_buf *b, size_t n)
{
	while (n-- > 0)
		zt_buf_addc(b, ' ');
}

/*
 * Append the cell c[0..n), escaped, to b in w columns: cut with "…" when
 * wider, padded on the left (right) or the right.
 */
static void
table_cell(struct zt_buf *b, struct zt_buf *tmp, const char *c, size_t n,
    size_t w, int right)
{
	size_t	 cw;
	size_t	 len;

	tmp->n = 0;
	zt_escape(tmp, ZT_ESC_TEXT, c, n);
	len = tmp->n;
	cw = zt_wrap_cols(tmp->p, len);
	if (cw > w) {
		len = zt_wrap_cut(tmp->p, tmp->n, w - 1);
		cw = zt_wrap_cols(tmp->p, len) + 1;
	}
	if (right)
		pad_to(b, w - cw);
	zt_buf_add(b, tmp->p, len);
	if (len < tmp->n)
		zt_buf_add(b, "\xe2\x80\xa6", 3);
	if (!right)
		pad_to(b, w - cw);
}

static int
table_print(sqlite3_stmt *s, FILE *out, struct zt_err *err)
{
	struct zt_buf	 b = { NULL, 0, 0 };
	struct zt_buf	 tmp = { NULL, 0, 0 };
	struct zt_str	*cells = NULL;
	size_t		 ncells = 0;
	size_t		 cap;
	size_t		*w;
	int		*num;
	int		 nc = sqlite3_column_count(s);
	int		 rc;
	int		 i;
	size_t		 r;
	size_t		 rows = 0;
	size_t		 cw;
	const char	*name;

	if (nc == 0) {
		while ((rc = sqlite3_step(s)) == SQLITE_ROW)
			;
		if (rc != SQLITE_DONE)
			return zt_err_set(err, "SQL: %s",
			    sqlite3_errmsg(sqlite3_db_handle(s)));
		return 0;
	}
	w = zt_xcalloc((size_t)nc, sizeof(*w));
	num = zt_xcalloc((size_t)nc, sizeof(*num));
	for (i = 0; i < nc; i++) {
		name = sqlite3_column_name(s, i);
		cells = zt_xrealloc(cells, (ncells + 1) * sizeof(*cells));
		cells[ncells].p = zt_xstrdup(name);
		cells[ncells++].n = strlen(name);
		w[i] = zt_escape_width(name, strlen(name));
		num[i] = 1;
	}
	cap = ncells;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		rows++;
		if (ncells + (size_t)nc > cap) {	/* doubling */
			cap = (ncells + (size_t)nc) * 2;
			cells = zt_xrealloc(cells, cap * sizeof(*cells));
		}
		for (i = 0; i < nc; i++) {
			int t = sqlite3_column_type(s, i);

			if (t != SQLITE_INTEGER && t != SQLITE_FLOAT &&
			    t != SQLITE_NULL)
				num[i] = 0;
			cell(s, i, &b);
			cells[ncells].p = zt_xstrndup(b.p, b.n);
			cells[ncells++].n = b.n;
			cw = zt_escape_width(b.p, b.n);
			if (cw > w[i])
				w[i] = cw;
		}
	}
	fit_widths(w, nc);
	for (r = 0; r <= rows; r++) {
		b.n = 0;
		for (i = 0; i < nc; i++) {
			if (i > 0)
				zt_buf_add(&b, "  ", 2);
			table_cell(&b, &tmp, cells[r * (size_t)nc + (size_t)i].p,
			    cells[r * (size_t)nc + (size_t)i].n, w[i],
			    num[i] && r > 0);
		}
		while (b.n > 0 && b.p[b.n - 1] == ' ')
			b.n--;
		zt_buf_addc(&b, '\n');
		fwrite(b.p, 1, b.n, out);
	}
	for (r = 0; r < ncells; r++)
		free((char *)cells[r].p);
	free(cells);
	free(w);
	free(num);
	zt_buf_free(&b);
	zt_buf_free(&tmp);
	if (rc != SQLITE_DONE)
		return zt_err_set(err, "SQL: %s",
		    sqlite3_errmsg(sqlite3_db_handle(s)));
	return 0;
}

int
zt_output_stmt(sqlite3_stmt *s, enum zt_ofmt f, int as_object, FILE *out,
    struct zt_err *err)
{
	struct zt_buf	 b = { NULL, 0, 0 };
	struct zt_buf	 line = { NULL, 0, 0 };
	int		 nc = sqlite3_column_count(s);
	int		 rc;
	long		 rows = 0;

	if (f == ZT_OUT_TABLE)
		return table_print(s, out, err);
	if (f == ZT_OUT_CSV && nc > 0)
		csv_line(s, 1, &b, &line, out);
	if (f == ZT_OUT_JSON && !as_object && nc > 0)
		fputs("[", out);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		rows++;
		if (f == ZT_OUT_CSV) {
			csv_line(s, 0, &b, &line, out);
			continue;
		}
		if (f == ZT_OUT_TSV) {
			tsv_line(s, &line, out);
			continue;
		}
		b.n = 0;
		json_row(s, &b);
		if (f == ZT_OUT_JSON && as_object) {
			if (rows == 1)
				fwrite(b.p, 1, b.n, out);
			continue;
		}
		if (f == ZT_OUT_JSON)
			fputs(rows == 1 ? "\n" : ",\n", out);
		fwrite(b.p, 1, b.n, out);
		if (f == ZT_OUT_NDJSON)
			putc('\n', out);
	}
	if (f == ZT_OUT_JSON && as_object && rows == 0)
		fputs("{}", out);
	if (f == ZT_OUT_JSON && !as_object && nc > 0)
		fputs(rows > 0 ? "\n]" : "]", out);
	zt_buf_free(&b);
	zt_buf_free(&line);
	if (rc != SQLITE_DONE)
		return zt_err_set(err, "SQL: %s",
		    sqlite3_errmsg(sqlite3_db_handle(s)));
	return 0;
}

/* Skip white space and SQL comments. */
static const char *
skip_blank(const char *p)
{
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
		    *p == '\f' || *p == '\v' || *p == ';')
			p++;
		if (p[0] == '-' && p[1] == '-') {
			while (*p != '\0' && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");

			p = end != NULL ? end + 2 : p + strlen(p);
		} else
			return p;
	}
}

/*
 * How many statements sql holds, without preparing them (a statement may
 * need the ones before it to have run): split where sqlite3_complete()
 * says a statement ends; empty ones do not count.
 */
static size_t
count_statements(const char *sql)
{
	const char	*start = sql;
	const char	*p;
	char		*part;
	size_t		 n = 0;

	for (p = sql; *p != '\0'; p++) {
		if (*p != ';')
			continue;
		part = zt_xstrndup(start, (size_t)(p - start) + 1);
		if (sqlite3_complete(part)) {
			if (*skip_blank(part) != '\0')
				n++;
			start = p + 1;
		}
		free(part);
	}
	return n + (*skip_blank(start) != '\0');
}

int
zt_output_sql(sqlite3 *db, const char *sql, enum zt_ofmt f, FILE *out,
    struct zt_err *err)
{
	sqlite3_stmt	*s;
	const char	*tail = sql;
	size_t		 sets = 0;
	int		 rc = 0;
	int		 ro = 0;
	int		 many;

	if (sqlite3_prepare_v2(db, "PRAGMA query_only", -1, &s, NULL) ==
	    SQLITE_OK) {
		ro = sqlite3_step(s) == SQLITE_ROW &&
		    sqlite3_column_int(s, 0) != 0;
		sqlite3_finalize(s);
	}
	/* Several statements: one JSON document, an array of the arrays. */
	many = f == ZT_OUT_JSON && count_statements(sql) > 1;
	if (many)
		fputs("[\n", out);
	while (*tail != '\0' && rc == 0) {
		if (sqlite3_prepare_v2(db, tail, -1, &s, &tail) != SQLITE_OK) {
			rc = zt_err_set(err, "SQL: %s", sqlite3_errmsg(db));
			break;
		}
		if (s == NULL)		/* whitespace or comment */
			continue;
		if (ro && !sqlite3_stmt_readonly(s)) {
			/*
			 * It would fail on a query-only connection, but
			 * VACUUM INTO creates its file first: refuse it
			 * before it runs.
			 */
			sqlite3_finalize(s);
			rc = zt_err_set(err, "SQL: only statements that "
			    "read are allowed (queries never change the "
			    "database or write files)");
			break;
		}
		if (sqlite3_column_count(s) > 0 && sets++ > 0) {
			/* One result set per statement, apart. */
			if (f == ZT_OUT_JSON)
				fputs(",\n", out);
			else if (f != ZT_OUT_NDJSON)
				putc('\n', out);
		}
		rc = zt_output_stmt(s, f, 0, out, err);
		if (f == ZT_OUT_JSON && !many && sqlite3_column_count(s) > 0)
			putc('\n', out);
		sqlite3_finalize(s);
	}
	if (many)
		fputs(sets > 0 ? "\n]\n" : "]\n", out);
	return rc;
}

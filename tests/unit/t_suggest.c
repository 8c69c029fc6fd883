/*
 * t_suggest.c -- zt_suggest, the "did you mean" helper.
 *
 * Test plan: t_suggest-1.* typos of each kind, -2.* thresholds by length,
 * -3.* prefixes, ties, exact words and odd inputs.
 */
#include <string.h>

#include "util/suggest.h"
#include "tt.h"

static const char *const cmds[] = {
	"check", "lb", "pairs", "rules", "ingest", "query", "stats",
	"completion", "help", "version"
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static void
eq(const char *word, const char *const *c, size_t n, const char *want)
{
	const char	*got = zt_suggest(word, c, n);

	if (want == NULL) {
		TT_CHECK(got == NULL);
		if (got != NULL)
			fprintf(stderr, "  '%s' -> '%s', want none\n", word, got);
	} else {
		TT_CHECK(got != NULL);
		if (got != NULL)
			TT_EQ_STR(got, want);
		else
			fprintf(stderr, "  '%s' -> none, want '%s'\n", word,
			    want);
	}
}

/* t_suggest-1: deletion, insertion, substitution, transposition, case. */
static void
typos(void)
{
	static const char *const keys[] = {
		"id", "description", "severity", "type", "where", "max"
	};

	eq("chek", cmds, NCMDS, "check");
	eq("checkk", cmds, NCMDS, "check");
	eq("cheque", cmds, NCMDS, NULL);	/* three edits in six letters */
	eq("qeury", cmds, NCMDS, "query");
	eq("STATS", cmds, NCMDS, "stats");
	eq("wher", keys, 6, "where");
	eq("maximum", keys, 6, "max");	/* max is a prefix of it */
	eq("severty", keys, 6, "severity");
	eq("descripton", keys, 6, "description");
}

/* t_suggest-2: short words allow one edit, long ones up to three. */
static void
thresholds(void)
{
	static const char *const cols[] = {
		"dst_service", "dst_workload", "src_workload", "ts"
	};

	eq("lbb", cmds, NCMDS, "lb");
	eq("xy", cmds, NCMDS, NULL);
	eq("frobnicate", cmds, NCMDS, NULL);
	eq("dst.service", cols, 4, "dst_service");
	eq("dst-wrkload", cols, 4, "dst_workload");
	eq("tss", cols, 4, "ts");
	eq("zzzzzzzzzzz", cols, 4, NULL);
}

/* t_suggest-3: prefixes, ties, exact matches, NULL entries, long words. */
static void
edges(void)
{
	static const char *const opts[] = {
		"db", "rules", "output", "quiet", "max-line", "fail-on",
		"only", "examples", "service", "unmatched", "help", "version"
	};
	static const char *const tie[] = { "abcx", "abcy" };
	static const char *const holes[] = { NULL, "json", NULL };
	char	 big[200];

	eq("exam", opts, 12, "examples");	/* prefix, 4 edits away */
	eq("un", opts, 12, "unmatched");
	eq("o", opts, 12, NULL);		/* one letter: no prefix */
	eq("e", opts, 12, NULL);
	eq("dbx", opts, 12, "db");
	eq("helpme", opts, 12, "help");
	eq("he", opts, 12, "help");
	eq("abc", tie, 2, "abcx");		/* tie: the first */
	eq("abcx", tie, 2, "abcy");		/* itself is never suggested */
	eq("jsn", holes, 3, "json");
	eq("", cmds, NCMDS, NULL);
	eq("check", cmds, 0, NULL);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	eq(big, cmds, NCMDS, NULL);
}

int
main(void)
{
	typos();
	thresholds();
	edges();
	return tt_finish("t_suggest");
}

/*
 * suggest.h -- "did you mean": the known word closest to a mistyped one.
 *
 * util, used by the command line (commands, options, formats) and the rule
 * loader (keys, columns).
 */
#ifndef ZT_SUGGEST_H
#define ZT_SUGGEST_H

#include <stddef.h>

/*
 * The candidate of cands[0..n) that word most likely meant, or NULL when
 * none is close: the one at the smallest edit distance (insertions,
 * deletions, substitutions and swaps of neighbours; case ignored) within
 * 1 for words of up to 3 characters, 2 up to 6, else 3; or else the only
 * candidate that word is a prefix of (word of 2 characters at least) or
 * that is a prefix of word (candidate of 3 at least).  Ties go to
 * the earlier candidate; word itself (exactly) is never suggested.  NULL
 * entries of cands are skipped.  The result points into cands.
 */
const char	*zt_suggest(const char *word, const char *const *cands,
		    size_t n);

#endif

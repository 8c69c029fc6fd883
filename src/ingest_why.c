/*
 * ingest_why.c -- why no access record was read, in the input's own
 * terms; see zt_ingest_why_none in ingest.h.
 */
#include <stdio.h>

#include "ingest.h"

static const char *
s(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* Append "; " (unless first) and text to b[*n..size). */
static void
part(char *b, size_t size, size_t *n, const char *text)
{
	int	 k;

	if (*n + 1 >= size)
		return;
	k = snprintf(b + *n, size - *n, "%s%s", *n > 0 ? "; " : "", text);
	if (k > 0)
		*n += (size_t)k < size - *n ? (size_t)k : size - *n - 1;
}

void
zt_ingest_why_none(const struct zt_ingest *ig, char *b, size_t size)
{
	unsigned long long	 foreign = ig->other - ig->scoped;
	char			 t[200];
	size_t			 n = 0;

	b[0] = '\0';
	if (ig->failed > 0) {
		snprintf(t, sizeof(t), "%llu input%s could not be read (see "
		    "above)", (unsigned long long)ig->failed, s(ig->failed));
		part(b, size, &n, t);
	}
	if (ig->notread > 0) {
		snprintf(t, sizeof(t), "%llu file%s skipped (no ztunnel log "
		    "line)", (unsigned long long)ig->notread, s(ig->notread));
		part(b, size, &n, t);
	}
	if (ig->lines == 0 && ig->failed == 0 && ig->notread == 0)
		part(b, size, &n, "the input is empty");
	if (ig->malformed > 0) {
		snprintf(t, sizeof(t), "%llu access line%s could not be read "
		    "(see the warnings)", (unsigned long long)ig->malformed,
		    s(ig->malformed));
		part(b, size, &n, t);
	}
	if (ig->scoped > 0) {
		snprintf(t, sizeof(t), "%llu line%s of ztunnel's own log "
		    "(startup, xDS, DNS) but no access line: is the access "
		    "scope filtered out (RUST_LOG)?",
		    (unsigned long long)ig->scoped, s(ig->scoped));
		part(b, size, &n, t);
	}
	if (foreign > 0) {
		snprintf(t, sizeof(t), "%llu line%s that %s no ztunnel log "
		    "line%s", foreign, s(foreign), foreign == 1 ? "is" : "are",
		    s(foreign));
		part(b, size, &n, t);
	}
	if (ig->lines > 0 && !ig->untailed) {
		snprintf(t, sizeof(t), "%llu lines, 10 a pod: `kubectl logs "
		    "-l` shows only 10 lines per pod without --tail=-1",
		    (unsigned long long)ig->lines);
		part(b, size, &n, t);
	}
}

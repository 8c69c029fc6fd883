/*
 * report.h -- check results for people (text), programs (JSON) and CI
 * pages (JUnit XML), plus the `ztlog lb` bars and the `ztlog pairs` list.
 *
 * check -> [report]
 *
 * Text from logs is escaped everywhere, by util/escape.h (ZT_ESC_TEXT,
 * _JSON and _XML).  Colour only when asked (the caller decides: a
 * terminal, and NO_COLOR unset).
 */
#ifndef ZT_REPORT_H
#define ZT_REPORT_H

#include <stdio.h>

#include <sqlite3.h>

#include "check/check.h"

enum zt_rfmt {
	ZT_REPORT_TEXT,
	ZT_REPORT_JSON,
	ZT_REPORT_JUNIT
};

struct zt_reportopts {
	enum zt_rfmt	 fmt;
	int		 color;
	int		 fail_on_warning;
};

/* The exit status the results call for: 0 pass, 1 a rule failed. */
int	zt_report_status(const struct zt_checkrun *run,
	    const struct zt_reportopts *o);
void	zt_report_write(FILE *f, const struct zt_checkrun *run,
	    const struct zt_reportopts *o);
/* `ztlog lb`: each service's distribution as bars. */
void	zt_report_lb(FILE *f, const struct zt_result *bal, int color);
/* `ztlog pairs`: the pairing, one line per connection. */
int	zt_report_pairs(FILE *f, sqlite3 *db, const struct zt_checkrun *run,
	    int unmatched_only);

#endif

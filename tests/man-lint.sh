#!/bin/sh
# man-lint.sh MANDOC MANDIR: mandoc -T lint at its strictest level (STYLE
# notes included) over both pages, clean or fail.
#
# mandoc looks up every .Xr in the manual trees; ztlog's own pages are not
# installed, so they are offered as a tree of their own (MANDIR's pages as
# man1/ and man5/ under a temporary directory, passed with -M before the
# system's).  Pages of other packages that this machine lacks (Debian
# container images drop /usr/share/man) are tolerated by name; any other
# missing reference fails.
set -u
mandoc=$1 mandir=$2
known='gzip 1|grep 1|sqlite3 1|pcre2pattern 3'
tmp=$(mktemp -d "${TMPDIR:-/tmp}/man-lint.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/man1" "$tmp/man5" || exit 2
cp "$mandir/ztlog.1" "$tmp/man1/" && cp "$mandir/ztlog-rules.5" "$tmp/man5/" ||
	exit 2
"$mandoc" -T lint -W style -M "$tmp:/usr/share/man" \
    "$mandir/ztlog.1" "$mandir/ztlog-rules.5" >"$tmp/out" 2>&1
# Only mandoc's findings ("mandoc: file:line:col: LEVEL: ..."); it also
# prints notes about its own database, which are not about the pages.
grep -E '^mandoc: [^ ]+:[0-9]+:[0-9]+: ' "$tmp/out" |
    grep -vE "STYLE: referenced manual not found: Xr ($known)( \([0-9]+ times\))?\$" \
    >"$tmp/bad"
if [ -s "$tmp/bad" ]; then
	cat "$tmp/bad"
	exit 1
fi
grep -E 'referenced manual not found' "$tmp/out" |
    sed 's/^/tolerated (not installed here): /'
exit 0

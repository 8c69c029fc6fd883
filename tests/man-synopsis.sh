#!/bin/sh
# man-synopsis.sh BIN MANDOC MANDIR: the usage lines of `BIN --help` are
# the SYNOPSIS of ztlog(1) word for word (style(9): "usage statements
# should look like the manual pages"), and each command's help starts
# with its own lines of it.
set -u
bin=$1 mandoc=$2 mandir=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/man-synopsis.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
# One line per "ztlog ..." usage line, blanks squeezed.
words() {
	{ tr -s ' \t\n' ' '; echo; } |
	    sed 's/ ztlog /\nztlog /g' | sed 's/^ *//; s/ *$//; /^$/d'
}
"$mandoc" -T ascii -O width=250 "$mandir/ztlog.1" | col -b |
    sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' | words >"$tmp/man"
"$bin" --help | sed -n '1,/^$/p' | sed 's/^usage: //' | words >"$tmp/usage"
status=0
if ! cmp -s "$tmp/man" "$tmp/usage"; then
	diff -u --label "ztlog(1) SYNOPSIS" --label "ztlog --help" \
	    "$tmp/man" "$tmp/usage"
	status=1
fi
for c in $(sed -n 's/^ztlog \([a-z]*\).*/\1/p' "$tmp/man" | sort -u); do
	grep "^ztlog $c " "$tmp/man" >"$tmp/want"
	grep -q . "$tmp/want" || grep "^ztlog $c\$" "$tmp/man" >"$tmp/want"
	"$bin" help "$c" | sed -n '1,/^$/p' | sed 's/^usage: //' |
	    words >"$tmp/got"
	if ! cmp -s "$tmp/want" "$tmp/got"; then
		diff -u --label "ztlog(1) $c" --label "ztlog help $c" \
		    "$tmp/want" "$tmp/got"
		status=1
	fi
done
exit $status

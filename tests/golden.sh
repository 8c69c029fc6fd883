#!/usr/bin/env bash
# golden.sh -- run one golden end-to-end case and compare what it prints.
#
# usage: tests/golden.sh BIN CASE.sh
#
# CASE.sh is tests/fixtures/<group>/<case>.sh, a bash snippet.  It runs:
#   - with bash (set +e), cwd = the directory holding CASE.sh;
#   - with a shell function `ztlog() { BIN "$@"; }` (exported, so subshells
#     and child bash see it too);
#   - with $T = a fresh empty temporary directory, removed afterwards, also
#     on failure or interrupt;
#   - with stdin from /dev/null unless the snippet redirects it;
#   - with LC_ALL=C TZ=UTC NO_COLOR=1 TERM=dumb, and COLUMNS and every
#     ZTLOG_* variable unset (a case sets COLUMNS itself to test widths);
#     the rest of the environment (PATH, ASAN_OPTIONS, ...) is kept.
# Its stdout, stderr and exit status (that of its last command) are compared
# byte for byte with <case>.out, <case>.err and <case>.rc (the number and a
# newline).  Match: exit 0, silently.  Mismatch or missing expected file: a
# labelled `diff -u` on stdout for each such stream, exit 1.
# With ZTLOG_BLESS=1 the three expected files are (re)written from this run
# instead; prints "blessed CASE" when one of them changed, exits 0.
# Nothing is added to the snippet's own stdout/stderr (ASan builds work).
# Exit 2: usage or setup error.

set -u
if [ $# -ne 2 ] || [ ! -f "$2" ]; then
	echo "usage: $0 BIN CASE.sh" >&2
	exit 2
fi
bless=${ZTLOG_BLESS:-}
bin=$1
case $bin in
/*) ;;
*/*) bin=$PWD/$bin ;;
*) bin=$(command -v -- "$bin") || { echo "golden: $1: not found" >&2; exit 2; } ;;
esac
dir=$(cd -- "$(dirname -- "$2")" && pwd) || exit 2
name=$(basename -- "$2" .sh)
exp=$dir/$name                          # expected files: $exp.out .err .rc
label=$(basename -- "$dir")/$name       # e.g. ingest/tab-1.23

work=$(mktemp -d "${TMPDIR:-/tmp}/golden.XXXXXX") || exit 2
trap 'chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
mkdir "$work/t" || exit 2

(
	cd "$dir" || exit 2
	for v in "${!ZTLOG_@}"; do unset "$v"; done
	unset BASH_ENV ENV CDPATH COLUMNS
	export LC_ALL=C TZ=UTC NO_COLOR=1 TERM=dumb T="$work/t"
	eval "ztlog() { $(printf '%q' "$bin") \"\$@\"; }"
	export -f ztlog
	exec bash +e "$dir/$name.sh"
) </dev/null >"$work/out" 2>"$work/err"
echo $? >"$work/rc"

status=0 changed=
for s in out err rc; do
	case $s in out) what=stdout ;; err) what=stderr ;; rc) what="exit status" ;; esac
	if [ "$bless" = 1 ]; then
		cmp -s "$work/$s" "$exp.$s" && continue
		cp "$work/$s" "$exp.$s" || exit 2
		changed=1
	elif [ ! -f "$exp.$s" ]; then
		echo "golden: $label.$s: missing (ZTLOG_BLESS=1 writes it)"
		diff -a -u --label "$label.$s (missing)" --label "actual $what" \
		    /dev/null "$work/$s"
		status=1
	elif ! cmp -s "$exp.$s" "$work/$s"; then
		diff -a -u --label "$label.$s (expected $what)" --label "actual $what" \
		    "$exp.$s" "$work/$s"
		status=1
	fi
done
[ -n "$changed" ] && echo "blessed $label"
exit $status

#!/usr/bin/env bash
# bench/window-rss.sh -- memory of check --window on a long stream.
#
#   bench/window-rss.sh [BUILD_DIR] [LINES] [LINES2] [WINDOW]
#
# Streams LINES (default 500000) and LINES2 (default 2000000) generated
# lines (tools/ztgen --nodes 1 --rate 200: one ztunnel, log time going up)
# through a pipe into `ztlog check --window WINDOW` (default 1m) and
# prints the peak RSS of each run (tools/peakrss; ztlog's own, the
# generator runs outside it) and their ratio.  With a window, ztlog keeps
# only the window's records: the larger run should stay within about 10 %
# of the smaller.  For comparison it also prints the peak RSS without a
# window.  Not a timed test; prints, does not judge.  Needs BUILD_DIR
# (default build) to hold ztlog, tools/ztgen and tools/peakrss.
set -euo pipefail

case "${1:-}" in -h | --help) sed -n '2,13s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
build=${1:-build}
n1=${2:-500000}
n2=${3:-2000000}
win=${4:-1m}
for t in ztlog tools/ztgen tools/peakrss; do
	[ -x "$build/$t" ] || { echo "window-rss: $build/$t: not built" >&2; exit 2; }
done
gen=(--nodes 1 --rate 200 -s 9)

# peak RSS in MB of: ztgen -n N | ztlog check ARGS (ztlog's alone)
rss() {
	local n=$1 kb
	shift
	kb=$("$build/tools/ztgen" -n "$n" "${gen[@]}" |
	    "$build/tools/peakrss" "$build/ztlog" check -q "$@" - 2>&1 >/dev/null |
	    sed -n 's/^peakrss: .*maxrss_kb=\([0-9]*\).*/\1/p' | tail -n 1)
	echo $((kb / 1024))
}

echo "ztgen -n N ${gen[*]} | ztlog check -q --window $win -"
a=$(rss "$n1" --window "$win")
b=$(rss "$n2" --window "$win")
printf '%-10s %10s %12s\n' lines window peak_rss_MB
printf '%-10s %10s %12s\n' "$n1" "$win" "$a" "$n2" "$win" "$b"
awk -v a="$a" -v b="$b" 'BEGIN { printf "ratio %.3f (%s)\n", b / a,
    (b <= a * 1.10) ? "within 10 %" : "NOT within 10 %" }'
c=$(rss "$n1")
d=$(rss "$n2")
printf '%-10s %10s %12s\n' "$n1" none "$c" "$n2" none "$d"

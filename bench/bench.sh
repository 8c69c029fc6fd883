#!/usr/bin/env bash
# bench/bench.sh -- throughput and memory of ztlog against plain baselines.
#
#   bench/bench.sh [BUILD_DIR] [LINES] [LINES2[,LINES3...]]
#
# BUILD_DIR (default build) must hold tools/ztgen and tools/peakrss; ztlog
# is BUILD_DIR/ztlog (rows for a missing ztlog, or a missing subcommand,
# are reported as skipped).  LINES (default 1000000) is the size of the
# synthetic log.  With LINES2 (e.g. 4000000,16000000) ztlog ingest and
# check run again on logs of those sizes and the peak RSS figures are
# printed side by side: memory must not grow with the input.
#
# In a temporary directory (removed on exit; TMPDIR=/dev/shm keeps the
# files in memory where the page cache is not kept) it generates the log
# with ztgen --prefix (the exact arguments are printed), a gzip copy and
# the CSV of the same access records, then times, each under peakrss, on
# a warm page cache, BENCH_RUNS times (default 3: the median run's time
# and the largest peak RSS are shown):
#   ztgen                  the generator itself (writing the log file)
#   wc -l                  the floor for reading the text
#   zcat > /dev/null       the zlib inflate floor for the .gz input
#   lnav                   when installed: the log viewer, with the format
#                          bench/ztunnel.lnav.json, counting access lines
#   sqlite3 .import        naive baseline: CSV into an all-TEXT table
#   ztlog ingest           text and gzip input, each into a fresh DB
#   ztlog stats            > /dev/null
#   ztlog check            > /dev/null, if `ztlog check --help` works:
#                          the text, the .gz, the text cut into 100
#                          files (a directory), and the database ingest
#                          made (-d); with LINES2, the larger log too;
#                          exit status 0 or 1 are both fine
#   parse threads          check and ingest of the text again with
#                          ZTLOG_THREADS=1, 2 and nproc (the default is
#                          nproc)
# Exit status: 0, or 1 if a measured command failed (skipped rows are fine).
# Columns: seconds; M lines/s (log lines; for sqlite3 .import, CSV rows);
# MB/s of uncompressed input (the CSV for .import); peak RSS in MB; for DB
# loads, database bytes per stored record.
set -euo pipefail

usage() { # EXIT_STATUS
	sed -n '2,12s/^# \{0,1\}//p' "$0"
	exit "$1"
}

case "${1:-}" in -h | --help) usage 0 ;; esac
[ $# -le 3 ] || usage 2

build=${1:-build}
lines=${2:-1000000}
lines2=${3:-}
for n in "$lines" ${lines2:+${lines2//,/ }}; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: not a line count: $n" >&2; exit 2; }
done

find_tool() { # name -> path of an executable in BUILD_DIR/tools or BUILD_DIR
	local p
	for p in "$build/tools/$1" "$build/$1"; do
		if [ -x "$p" ]; then
			echo "$p"
			return 0
		fi
	done
	echo "bench.sh: $1 not found in $build/tools or $build (build it first)" >&2
	exit 2
}
ztgen=$(find_tool ztgen)
peakrss=$(find_tool peakrss)
ztlog=$build/ztlog
have_ztlog=0
[ -x "$ztlog" ] && have_ztlog=1
for c in sqlite3 gzip zcat wc awk; do
	command -v "$c" >/dev/null || { echo "bench.sh: $c is required" >&2; exit 2; }
done

runs=${BENCH_RUNS:-3}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: BENCH_RUNS is not a count: $runs" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ztbench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# ---- helpers --------------------------------------------------------------

# measure OUT CMD...: run CMD under peakrss $runs times, stdout to OUT,
# each run after $measure_prep (a command, when set: what makes the runs
# alike, such as removing the database the last one wrote); sets rc (the
# last run's; the runs stop at a status other than 0 or 1), wall (the
# median run's) and rss_mb (the largest); keeps CMD's stderr in $tmp/err.
measure() {
	local out=$1 i line walls=() kb=0 k
	shift
	for ((i = 0; i < runs; i++)); do
		[ -z "${measure_prep:-}" ] || eval "$measure_prep"
		set +e
		"$peakrss" "$@" >"$out" 2>"$tmp/err"
		rc=$?
		set -e
		line=$(grep '^peakrss: wall=' "$tmp/err" | tail -n 1 || true)
		if [ -z "$line" ]; then
			wall=0 rss_mb=0
			return
		fi
		walls+=("$(sed 's/.*wall=\([0-9.]*\).*/\1/' <<<"$line")")
		k=$(sed 's/.*maxrss_kb=\([0-9]*\).*/\1/' <<<"$line")
		[ "$k" -le "$kb" ] || kb=$k
		[ "$rc" = 0 ] || [ "$rc" = 1 ] || break
	done
	wall=$(printf '%s\n' "${walls[@]}" | sort -n |
	    awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	rss_mb=$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')
}

size_of() { # bytes of a file (0 if missing)
	if [ -e "$1" ]; then wc -c <"$1" | tr -d ' '; else echo 0; fi
}

db_size() { # main file plus any WAL left behind
	echo $(($(size_of "$1") + $(size_of "$1-wal")))
}

header() {
	printf '%-40s %8s %9s %8s %9s %10s\n' what seconds 'Mlines/s' 'MB/s' \
	    'RSS MB' 'B/record'
	printf '%-40s %8s %9s %8s %9s %10s\n' ---- ------- -------- ---- \
	    ------ --------
}

# row WHAT COUNT BYTES [BYTES_PER_RECORD]: one table line from $wall/$rss_mb
row() {
	awk -v what="$1" -v s="$wall" -v n="$2" -v b="$3" -v rss="$rss_mb" \
	    -v bpr="${4:--}" 'BEGIN {
		t = s > 0 ? s : 0.0005
		printf "%-40s %8.3f %9.2f %8.1f %9s %10s\n", what, s,
		    n / t / 1e6, b / t / 1e6, rss, bpr
	}'
}

skip() { # WHAT REASON
	printf '%-40s %s\n' "$1" "skipped: $2"
}

failures=0
failed() { # WHAT: report a failed command with the tail of its stderr
	failures=$((failures + 1))
	printf '%-40s %s\n' "$1" "FAILED (exit $rc):"
	grep -v '^peakrss: ' "$tmp/err" | tail -n 3 | sed 's/^/      /'
}

count_records() { # DB -> rows in table records, or "" if unreadable
	sqlite3 "$1" 'select count(*) from records' 2>/dev/null || true
}

# ---- machine --------------------------------------------------------------

cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
echo "== ztlog benchmark  $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine: $(nproc) cpus, ${cpu:-unknown CPU}, $(uname -sr)"
echo "memory:  $(awk '/^MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || echo unknown)"
echo "sqlite3: $(sqlite3 --version | cut -d' ' -f1)   gzip: $(gzip --version | head -n 1)"
if [ $have_ztlog = 1 ]; then
	v=$("$ztlog" --version 2>/dev/null | head -n 1 || true)
	echo "ztlog:   $ztlog (${v:-no --version})"
else
	echo "ztlog:   $ztlog not found: ztlog rows are skipped"
fi
echo "tmpdir:  $tmp   runs: $runs a row (the median time, the largest RSS)"

# ---- inputs ---------------------------------------------------------------

gen_args=(-n "$lines" -s 1 --prefix)
log=$tmp/ztunnel.log
echo
echo "input: ztgen ${gen_args[*]}   (CSV: same arguments plus --csv)"
measure "$log" "$ztgen" "${gen_args[@]}"
[ "$rc" = 0 ] || { failed ztgen; exit 1; }
gen_wall=$wall gen_rss=$rss_mb
log_bytes=$(size_of "$log")
gzip -c "$log" >"$log.gz"
"$ztgen" "${gen_args[@]}" --csv >"$tmp/records.csv"
csv_bytes=$(size_of "$tmp/records.csv")
csv_rows=$(($(wc -l <"$tmp/records.csv") - 1))
awk -v l="$lines" -v b="$log_bytes" -v g="$(size_of "$log.gz")" \
    -v r="$csv_rows" -v c="$csv_bytes" 'BEGIN {
	printf "       %d lines, %.1f MB (%.0f B/line); gzip %.1f MB; %d access records, CSV %.1f MB\n",
	    l, b / 1e6, b / l, g / 1e6, r, c / 1e6 }'
echo

# ---- measurements ---------------------------------------------------------

header
wall=$gen_wall rss_mb=$gen_rss
row "ztgen (writes the log)" "$lines" "$log_bytes"

measure "$tmp/wc.out" wc -l "$log"
if [ "$rc" = 0 ]; then
	row "wc -l" "$lines" "$log_bytes"
	got=$(awk '{ print $1 }' "$tmp/wc.out")
	[ "$got" = "$lines" ] || echo "   (wc counted $got lines, expected $lines)"
else
	failed "wc -l"
fi

measure /dev/null zcat "$log.gz"
if [ "$rc" = 0 ]; then row "zcat .gz >/dev/null (inflate)" "$lines" "$log_bytes"; else failed zcat; fi

# lnav, the log viewer people reach for: the same log with a format for
# ztunnel's lines (bench/ztunnel.lnav.json, installed into a throw-away
# HOME), counting the access lines in its SQL.
if command -v lnav >/dev/null; then
	mkdir -p "$tmp/lnav-home"
	HOME=$tmp/lnav-home lnav -i "$(dirname "$0")/ztunnel.lnav.json" >/dev/null 2>&1 || true
	HOME=$tmp/lnav-home measure "$tmp/lnav.out" lnav -n -c \
	    ";SELECT count(*) AS access FROM ztunnel_log WHERE target = 'access'" "$log"
	if [ "$rc" = 0 ]; then
		row "lnav (format, SQL count)" "$lines" "$log_bytes"
		got=$(awk 'NR == 2 { print $1 }' "$tmp/lnav.out")
		[ "$got" = "$csv_rows" ] || echo "   (lnav counted ${got:-nothing}, the log has $csv_rows access records)"
	else
		failed lnav
	fi
else
	skip "lnav" "not installed (apt-get install lnav)"
fi

base_db=$tmp/baseline.db
measure_prep='rm -f "$base_db"'
measure /dev/null sqlite3 "$base_db" ".mode csv" ".import \"$tmp/records.csv\" records"
measure_prep=
n=$(count_records "$base_db")
if [ "$rc" = 0 ] && [ -n "$n" ] && [ "$n" -gt 0 ]; then
	row "sqlite3 .import CSV (TEXT cols)" "$n" "$csv_bytes" \
	    "$(($(db_size "$base_db") / n))"
else
	failed "sqlite3 .import"
fi

# ingest_row WHAT DB INPUT LINES BYTES RECORDS: ztlog ingest into a fresh DB;
# sets ingest_ok=1 on success
ingest_row() {
	local what=$1 db=$2 in=$3 nl=$4 nb=$5 want=$6 n
	ingest_ok=0
	measure_prep='rm -f "$db" "$db-wal" "$db-shm"'
	measure /dev/null "$ztlog" ingest -q -d "$db" "$in"
	measure_prep=
	n=$(count_records "$db")
	if [ "$rc" != 0 ]; then
		failed "$what"
	elif [ -z "$n" ] || [ "$n" = 0 ]; then
		rc="0, but no rows in table records"
		failed "$what"
	else
		row "$what" "$nl" "$nb" "$(($(db_size "$db") / n))"
		[ "$n" = "$want" ] || echo "   ($n records stored, the log has $want access records)"
		ingest_ok=1
	fi
}

# check_row LABEL LINES BYTES ARGS...: ztlog check ARGS >/dev/null; exit
# status 0 or 1 (all passed, or a rule failed) are both fine.
check_row() {
	local what=$1 nl=$2 nb=$3
	shift 3
	measure /dev/null "$ztlog" check -q "$@"
	if [ "$rc" = 0 ] || [ "$rc" = 1 ]; then
		row "$what (exit $rc)" "$nl" "$nb"
	else
		failed "$what"
	fi
}

# the baseline's rate columns count CSV rows and CSV bytes
if [ $have_ztlog = 1 ]; then
	ingest_row "ztlog ingest (text)" "$tmp/z.db" "$log" "$lines" \
	    "$log_bytes" "$csv_rows"
	rss_1=$rss_mb ok_1=$ingest_ok
	ingest_row "ztlog ingest (.gz)" "$tmp/z2.db" "$log.gz" "$lines" \
	    "$log_bytes" "$csv_rows"

	measure /dev/null "$ztlog" stats "$log"
	if [ "$rc" = 0 ]; then row "ztlog stats >/dev/null" "$lines" "$log_bytes"; else failed "ztlog stats"; fi

	if "$ztlog" check --help >/dev/null 2>&1; then
		check_row "ztlog check" "$lines" "$log_bytes" "$log"
		check_rss_1=$rss_mb
		# the parse threads (ZTLOG_THREADS): 1, 2 and every processor
		for t in $(printf '%s\n' 1 2 "$(nproc)" | sort -nu); do
			export ZTLOG_THREADS=$t
			check_row "ztlog check, $t parse thread$([ "$t" = 1 ] || echo s)" \
			    "$lines" "$log_bytes" "$log"
			ingest_row "ztlog ingest, $t parse thread$([ "$t" = 1 ] || echo s)" \
			    "$tmp/zt.db" "$log" "$lines" "$log_bytes" "$csv_rows"
			unset ZTLOG_THREADS
			rm -f "$tmp"/zt.db*
		done
		check_row "ztlog check (.gz)" "$lines" "$log_bytes" "$log.gz"
		# the same lines as 100 files in a directory (a bug-report's
		# nodes, a log store's export): what each source costs
		mkdir "$tmp/parts"
		split -n l/100 -d -a 3 "$log" "$tmp/parts/part"
		check_row "ztlog check, as 100 files" "$lines" \
		    "$log_bytes" "$tmp/parts"
		rm -rf "$tmp/parts"
		if [ "$ok_1" = 1 ]; then
			check_row "ztlog check -d (stored)" "$lines" \
			    "$log_bytes" -d "$tmp/z.db"
		fi
	else
		skip "ztlog check" "ztlog check --help fails"
	fi
else
	for w in "ztlog ingest (text)" "ztlog ingest (.gz)" "ztlog stats" "ztlog check"; do
		skip "$w" "no $ztlog"
	done
fi

# ---- memory at a second size ----------------------------------------------

if [ -n "$lines2" ]; then
	echo
	if [ $have_ztlog = 1 ]; then
		ing_rss="$rss_1 MB at $lines"
		chk_rss="${check_rss_1:-?} MB at $lines"
		ok_all=$ok_1
		rm -f "$log" "$log.gz" "$tmp/records.csv" "$base_db" "$tmp"/z*.db
		header
		for n2 in ${lines2//,/ }; do
			gen2=(-n "$n2" -s 1 --prefix)
			echo "memory bound: ztgen ${gen2[*]}"
			"$ztgen" "${gen2[@]}" >"$tmp/big.log"
			want2=$("$ztgen" "${gen2[@]}" --csv | wc -l)
			ingest_row "ztlog ingest (text, $n2)" "$tmp/z3.db" \
			    "$tmp/big.log" "$n2" "$(size_of "$tmp/big.log")" \
			    "$((want2 - 1))"
			[ "$ingest_ok" = 1 ] || ok_all=0
			ing_rss="$ing_rss, $rss_mb MB at $n2"
			rm -f "$tmp"/z3.db*
			if "$ztlog" check --help >/dev/null 2>&1; then
				check_row "ztlog check (text, $n2)" "$n2" \
				    "$(size_of "$tmp/big.log")" "$tmp/big.log"
				chk_rss="$chk_rss, $rss_mb MB at $n2"
			fi
			rm -f "$tmp/big.log"
		done
		[ "$ok_all" = 1 ] && echo "peak RSS of ztlog ingest: $ing_rss lines"
		echo "peak RSS of ztlog check:  $chk_rss lines"
	else
		skip "ztlog ingest ($lines2 lines)" "no $ztlog"
	fi
fi

if [ "$failures" -gt 0 ]; then
	echo
	echo "bench.sh: $failures measurement(s) FAILED" >&2
	exit 1
fi

# lib.sh -- shared by the fault-injection scripts in tests/faults/; sourced,
# never run.  The scripts are bash (usage: SCRIPT BIN ZTGEN) and print one
# line per check, then exactly "N passed, M failed"; exit 1 on any failure.
#
# What a check can say about ztlog:
#   ok    <what>              the expectation held
#   FAIL  <what>: <details>   it did not; the details say expected vs actual
#   info  <what>              what ztlog did, where any outcome is acceptable
#
# Environment (all optional):
#   FAULT_SEED   seed of the random choices (printed; default: from the clock)
#   FAULT_RUNS   rounds / repetitions (each script documents its default)
#   FAULT_SLOW   factor for timeouts and data sizes; default 1, or 4 when BIN
#                is built with AddressSanitizer
#   FAULT_KEEP=1 keep the work directory (its path is printed)
#
# The database checks use only ztlog itself (`ztlog query`, which opens the
# database for reading and runs the SQL) and the public schema (sources,
# pods, rejects, records) -- no sqlite3 CLI.

set -u
if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -x "$2" ]; then
	echo "usage: $0 BIN ZTGEN (both executable)" >&2
	exit 2
fi
abs() { case $1 in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }
BIN=$(abs "$1")
ZTGEN=$(abs "$2")
for v in "${!ZTLOG_@}"; do unset "$v"; done
export LC_ALL=C TZ=UTC NO_COLOR=1 TERM=dumb

SAN=0
if grep -qa __asan_init "$BIN" 2>/dev/null; then SAN=1; fi
SLOW=${FAULT_SLOW:-$([ $SAN = 1 ] && echo 4 || echo 1)}
SEED=${FAULT_SEED:-$(( $(date +%s) % 1000000 ))}
RANDOM=$SEED

npass=0 nfail=0
pass() { npass=$((npass + 1)); printf 'ok    %s\n' "$*"; }
fail() { nfail=$((nfail + 1)); printf 'FAIL  %s\n' "$*"; }
info() { printf 'info  %s\n' "$*"; }
# Print a file indented, at most $2 (default 6) lines.
show() {
	[ -s "$1" ] || return 0
	sed -n "1,${2:-6}p" "$1" | sed 's/^/        | /'
	local n; n=$(wc -l <"$1")
	[ "$n" -le "${2:-6}" ] || printf '        | ... (%d lines)\n' "$n"
}
finish() {
	echo "$npass passed, $nfail failed"
	[ "$nfail" -eq 0 ] && exit 0
	exit 1
}

T=$(mktemp -d "${TMPDIR:-/tmp}/ztfault.XXXXXX") || exit 2
chmod 0755 "$T"
BGPIDS=()
cleanup() {
	local p
	for p in "${BGPIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
	if [ "${FAULT_KEEP:-}" = 1 ]; then
		echo "(work directory kept: $T)"
	else
		chmod -R u+rwx "$T" 2>/dev/null
		rm -rf "$T"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# A random integer in 0..$1 (inclusive), from the seeded bash RNG.
rnd() { echo $(( (RANDOM * 32768 + RANDOM) % ($1 + 1) )); }
# Sleep $1 milliseconds.
sleep_ms() { sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; }

# Describe an exit status.
rcdesc() {
	case $1 in
	124) echo "124 (hung: killed by the test's watchdog)" ;;
	1[2-9][0-9] | 2[0-5][0-9])
		echo "$1 (killed by SIG$(kill -l $(($1 - 128)) 2>/dev/null || echo $(($1 - 128))))" ;;
	*) echo "$1" ;;
	esac
}
# True when stderr file $1 holds a sanitizer or crash report.
crashed_text() {
	grep -qE 'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:|Segmentation fault|core dumped|Aborted' "$1"
}
# The generic "never a crash" verdict for a run: status $1, stderr file $2,
# and the signals that are acceptable for this run (names, e.g. PIPE KILL).
# Prints a reason and returns 1 on a crash or hang.
crash_reason() {
	local rc=$1 err=$2 sig
	shift 2
	if crashed_text "$err"; then echo "sanitizer/crash report on stderr"; return 1; fi
	if [ "$rc" -eq 124 ]; then echo "hang"; return 1; fi
	if [ "$rc" -ge 128 ]; then
		sig=$(kill -l $((rc - 128)) 2>/dev/null)
		for s in "$@"; do [ "$sig" = "$s" ] && return 0; done
		echo "killed by SIG$sig"
		return 1
	fi
	return 0
}

# CPU ticks (user + system) used so far by pid $1; empty once it is gone.
cputicks() {
	local f
	f=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return
	set -- $f
	# after the comm field: state is $1, utime $12, stime $13
	[ "${1:-Z}" = Z ] && return
	echo $(( ${12:-0} + ${13:-0} ))
}

# watch_all IDLE HARD PID...: wait for the processes with a watchdog.  When
# none of those still running has used any CPU for IDLE seconds (a process
# waiting for a lock sleeps, but then the one holding it works; when nobody
# works, nobody will), or after HARD seconds in all, the ones still running
# are killed and get status 124.  Sets RCS[i] to the status of the i-th PID
# (0-based).
watch_all() {
	local idle=$1 hard=$2 t0 still=0 sum last=-1 p c alive i
	shift 2
	t0=$(now_ms)
	while :; do
		alive=0 sum=0
		for p in "$@"; do
			c=$(cputicks "$p")
			[ -n "$c" ] || continue
			alive=$((alive + 1))
			sum=$((sum + c + p))
		done
		[ "$alive" -eq 0 ] && break
		if [ "$sum" = "$last" ]; then still=$((still + 1)); else still=0; fi
		last=$sum
		if [ $((still * 200)) -ge $((idle * 1000)) ] ||
		    [ $(( $(now_ms) - t0 )) -ge $((hard * 1000)) ]; then
			for p in "$@"; do
				[ -n "$(cputicks "$p")" ] && touch "$T/hung.$p" &&
				    kill -KILL "$p" 2>/dev/null
			done
			break
		fi
		sleep 0.2
	done
	RCS=()
	i=0
	for p in "$@"; do
		{ wait "$p"; } 2>/dev/null
		RCS[i]=$?
		if [ -e "$T/hung.$p" ]; then RCS[i]=124; rm -f "$T/hung.$p"; fi
		i=$((i + 1))
	done
} 2>/dev/null	# no "Killed" job notices from bash

# watch PID IDLE HARD: watch_all for one process; sets RC.
watch() {
	watch_all "$2" "$3" "$1"
	RC=${RCS[0]}
}

# run NAME IDLE HARD CMD...: run CMD in the background (stdin from
# $RUN_STDIN, default /dev/null; stdout to $RUN_STDOUT, default
# $T/NAME.out) with stderr in $T/NAME.err, watched as above.  CMD should be
# the process doing the work (or exec it), not a shell waiting for it.
# Sets RC.
run() {
	local name=$1 idle=$2 hard=$3 pid
	shift 3
	"$@" <"${RUN_STDIN:-/dev/null}" >"${RUN_STDOUT:-$T/$name.out}" 2>"$T/$name.err" &
	pid=$!
	BGPIDS+=("$pid")
	watch "$pid" "$idle" "$hard"
}

# q DB SQL: run a read-only query, CSV to stdout; 0 on success.  The
# database is opened by ztlog query; stderr goes to $T/q.err.
q() {
	timeout -k 5 $((60 * SLOW)) "$BIN" query -q -d "$1" -o csv "$2" 2>"$T/q.err"
}

# SQL for the checks, public schema only.
SQL_INTEGRITY="PRAGMA integrity_check"
# One row, every column 0 when the database is consistent.  (That each
# source's records count matches its records is checked on the fingerprint,
# which counts them anyway: columns 5 and 8.)
SQL_INVARIANTS="SELECT
 (SELECT count(*) FROM sources WHERE sha256 IS NULL OR lines IS NULL
   OR records IS NULL OR other IS NULL OR malformed IS NULL) AS unfinished,
 (SELECT count(*) FROM sources s LEFT JOIN (SELECT source_id,
   sum(lines) AS l, sum(records) AS r FROM pods GROUP BY source_id) p
   ON p.source_id = s.id WHERE s.lines <> coalesce(p.l, 0)
   OR s.records <> coalesce(p.r, 0)) AS pods_mismatch,
 (SELECT count(*) FROM sources
   WHERE lines <> records + other + malformed) AS lines_mismatch,
 (SELECT count(*) FROM sources s LEFT JOIN (SELECT source_id, count(*) AS n
   FROM rejects GROUP BY source_id) j ON j.source_id = s.id
   WHERE s.malformed <> coalesce(j.n, 0)) AS rejects_mismatch,
 (SELECT count(*) FROM (SELECT sha256 FROM sources WHERE bytes > 0
   GROUP BY sha256 HAVING count(*) > 1)) AS duplicate_sha256,
 (SELECT count(*) FROM records
   WHERE source_id NOT IN (SELECT id FROM sources)) AS orphan_records,
 (SELECT count(*) FROM rejects
   WHERE source_id NOT IN (SELECT id FROM sources)) AS orphan_rejects,
 (SELECT count(*) FROM pods
   WHERE source_id NOT IN (SELECT id FROM sources)) AS orphan_pods"
INV_OK="0,0,0,0,0,0,0,0"
# Per source: name (by-name variant only), sha256, bytes, lines, records,
# other, malformed, then from the records view: count, count(pod),
# count(dst_service), count(error), sum(bytes_sent), a timestamp checksum.
# Record-level columns come through the view's joins, so a record whose
# interned ids dangle shows up as a difference from the reference.
fp_sql() { # $1: name | sha (key and order)
	local key order
	if [ "$1" = name ]; then key="s.name, "; order="s.id"; else key=""; order="s.sha256"; fi
	echo "SELECT ${key}s.sha256, s.bytes, s.lines, s.records, s.other,
 s.malformed, coalesce(r.n, 0), coalesce(r.npod, 0), coalesce(r.nsvc, 0),
 coalesce(r.nerr, 0), coalesce(r.sent, 0), coalesce(r.ts, 0)
FROM sources s LEFT JOIN (SELECT source_id, count(*) AS n, count(pod) AS npod,
 count(dst_service) AS nsvc, count(error) AS nerr, sum(bytes_sent) AS sent,
 sum(ts_us % 1000003) AS ts
 FROM records GROUP BY source_id) r ON r.source_id = s.id ORDER BY $order"
}
# The fingerprint rows (file $1, first column = name when $2 = name) whose
# records count differs from the records counted in the view.
fp_bad_counts() {
	awk -F, -v o=$([ "$2" = name ] && echo 1 || echo 0) '$(4+o) != $(7+o)' "$1"
}

# check_db LABEL DB MODE REF: the database opens, passes integrity_check
# and the invariants, and its sources are, by fingerprint (see fp_sql):
#   MODE prefix: the first k rows of REF (a file from `reference`), by name
#   MODE exact:  exactly REF, by name and order
#   MODE set:    exactly REF as a set (by sha256; names may differ)
#   MODE any:    (no comparison)
# Sets NSRC to the number of sources found.  Returns 1 on a failure.
check_db() {
	local label=$1 db=$2 mode=$3 ref=${4:-} out k ok=0
	NSRC=-1
	# Killed before anything was committed: no file yet, or a file whose
	# schema transaction never committed (empty, or with its journal).
	if [ "$mode" = prefix ] && [ ! -e "$db" ]; then
		NSRC=0
		return 0
	fi
	if ! out=$(q "$db" "$SQL_INTEGRITY"); then
		if [ "$mode" = prefix ] && grep -q 'not a ztlog database' "$T/q.err" &&
		    { [ ! -s "$db" ] || [ -e "$db-journal" ]; }; then
			NSRC=0
			return 0
		fi
		if [ -s "$db-journal" ] && grep -q 'readonly' "$T/q.err"; then
			fail "$label: ztlog query cannot open the database an interrupted ingest left behind (hot journal $db-journal, $(stat -c %s "$db-journal") bytes): $(head -c 200 "$T/q.err").  Diagnosis: query/stats open an existing database with SQLITE_OPEN_READONLY (src/store.c zt_store_open, ZT_STORE_EXISTING), and a read-only connection cannot roll back a hot journal (SQLITE_READONLY_ROLLBACK): after any crash, query/stats/check -d fail until an ingest opens the file read-write"
			ok=1
			# Recover as a writer would (open read-write, no source),
			# then check the data all the same.
			"$BIN" ingest -q -d "$db" "$T/no-such-input" 2>/dev/null
			if ! out=$(q "$db" "$SQL_INTEGRITY"); then
				fail "$label: database does not open for a query even after a read-write open: $(head -c 300 "$T/q.err")"
				return 1
			fi
		else
			fail "$label: database does not open for a query: $(head -c 300 "$T/q.err")"
			return 1
		fi
	fi
	if [ "$out" != "$(printf 'integrity_check\nok')" ]; then
		fail "$label: PRAGMA integrity_check: expected ok, got: $(echo "$out" | sed -n 2,4p | tr '\n' ' ')"
		ok=1
	fi
	if ! out=$(q "$db" "$SQL_INVARIANTS"); then
		fail "$label: invariants query failed: $(head -c 300 "$T/q.err")"
		return 1
	fi
	if [ "$(echo "$out" | sed -n 2p)" != "$INV_OK" ]; then
		fail "$label: invariants broken (expected all 0): $(echo "$out" | tr '\n' ' ')"
		ok=1
	fi
	local key=$([ "$mode" = set ] && echo sha || echo name)
	if ! q "$db" "$(fp_sql $key)" >"$T/fp.csv"; then
		fail "$label: fingerprint query failed: $(head -c 300 "$T/q.err")"
		return 1
	fi
	sed -i 1d "$T/fp.csv"
	NSRC=$(wc -l <"$T/fp.csv")
	if [ -n "$(fp_bad_counts "$T/fp.csv" $key)" ]; then
		fail "$label: sources.records differs from the records stored for the source:"
		fp_bad_counts "$T/fp.csv" $key | sed -n 1,6p | sed 's/^/        | /'
		ok=1
	fi
	[ "$mode" = any ] && return $ok
	case $mode in
	prefix) head -n "$NSRC" "$ref" >"$T/fp.want" ;;
	*) cp "$ref" "$T/fp.want" ;;
	esac
	if ! cmp -s "$T/fp.csv" "$T/fp.want"; then
		fail "$label: sources differ from the clean reference ($mode): $NSRC found, $(wc -l <"$ref") in the reference"
		diff "$T/fp.want" "$T/fp.csv" | sed -n 1,12p | sed 's/^/        | /'
		ok=1
	fi
	return $ok
}

# reference DB DIR-OR-FILES...: a clean ingest of the inputs into DB (run
# from the current directory), then its fingerprints in DB.name and DB.sha.
# Sets REF_MS to the ingest's wall time.  Fails the script on error.
reference() {
	local db=$1 t0
	shift
	rm -f "$db"
	t0=$(now_ms)
	if ! timeout -k 5 $((120 * SLOW)) "$BIN" ingest -q -d "$db" "$@" 2>"$T/ref.err"; then
		fail "reference: clean ingest of $* failed"
		show "$T/ref.err"
		finish
	fi
	REF_MS=$(( $(now_ms) - t0 ))
	q "$db" "$(fp_sql name)" | sed 1d >"$db.name"
	q "$db" "$(fp_sql sha)" | sed 1d >"$db.sha"
}

# sha256 of a file's content as ztlog hashes it (decompressed).
content_sha() {
	case $1 in
	*.gz) gzip -dc "$1" | sha256sum | cut -d' ' -f1 ;;
	*) sha256sum <"$1" | cut -d' ' -f1 ;;
	esac
}

# make_inputs DIR: six generated sources (plain with --prefix, gzip with
# --timestamps, JSON, no decorations, spaces layout, errors), 20k..40k lines
# each (divided by SLOW), from fixed ztgen seeds: the same bytes every run.
# In 6.log every 97th line is cut at 150 bytes (malformed lines, rejects).
make_inputs() {
	local d=$1
	mkdir -p "$d"
	"$ZTGEN" -n $((30000 / SLOW)) -s 101 --prefix >"$d/1.log" &&
	"$ZTGEN" -n $((20000 / SLOW)) -s 102 --prefix --timestamps |
	    gzip -1 -n >"$d/2.log.gz" &&
	"$ZTGEN" -n $((24000 / SLOW)) -s 103 --prefix --json >"$d/3.log" &&
	"$ZTGEN" -n $((40000 / SLOW)) -s 104 >"$d/4.log" &&
	"$ZTGEN" -n $((20000 / SLOW)) -s 105 --prefix --layout spaces >"$d/5.log" &&
	"$ZTGEN" -n $((36000 / SLOW)) -s 106 --prefix --errors 20 |
	    awk 'NR % 97 == 0 { print substr($0, 1, 150); next } 1' >"$d/6.log" || {
		fail "setup: ztgen failed"
		finish
	}
}

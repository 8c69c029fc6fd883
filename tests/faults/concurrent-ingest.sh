#!/usr/bin/env bash
# concurrent-ingest.sh -- several `ztlog ingest` processes into one database
# at once, with overlapping inputs: all succeed, each content stored once.
#
# usage: tests/faults/concurrent-ingest.sh BIN ZTGEN
#
# The six sources of lib.sh (make_inputs) are ingested once cleanly as the
# reference.  Then each scenario runs FAULT_RUNS times (default 4), each
# time on a new database:
#   two-fresh      2 processes, no database file yet: 1-4 and 3-6
#   four-fresh     4 processes, no database file yet: {1,2,3} {3,4,5}
#                  {5,6,1} {6,4,2}
#   four-existing  4 processes, a database already holding 1: all six each
#   renamed        3 processes, no database file yet: the directory; the same
#                  contents under other names (a copy); 3 on stdin
# Every process must exit 0 and print nothing but "same content ...
# skipped" notices, warnings about 6.log's malformed lines and its summary;
# the summaries must add up (stored + skipped = operands); the database
# must pass integrity_check and the invariants and hold exactly the
# reference's contents, each once (compared by sha256 and fingerprint,
# since which name wins a race is not fixed).  A hang (no process of the
# group using CPU for 5 s) is a failure, not a wait.
# Last, readers: a short `ztlog query` started while another query is
# inside a long statement must not wait for it.
. "$(dirname -- "$0")/lib.sh"

RUNS=${FAULT_RUNS:-4}
echo "concurrent-ingest: $RUNS runs per scenario, slow factor $SLOW"

cd "$T" || exit 2
make_inputs in
mkdir copy
for f in in/*; do cp "$f" "copy/x-$(basename "$f")"; done
reference ref.db in
echo "reference: $(wc -l <ref.db.sha) sources, $(q ref.db "SELECT sum(records) FROM sources" | sed -n 2p) records, clean ingest ${REF_MS} ms"

# What an ingest of these inputs may print: the duplicate notices, the
# warnings about 6.log's cut lines, the summary.
ALLOWED='^ztlog: [^ ]+: notice: same content as [^ ]+, already in the database; skipped$'
ALLOWED+='|^ztlog: [^ ]+:[0-9]+: warning: malformed access line: '
ALLOWED+='|^ztlog: warning: [0-9]+ more malformed lines? not shown$'
ALLOWED+='|^ztlog: [0-9]+ sources?, [0-9]+ lines?: '

# par LABEL SPEC...: run one ingest per SPEC at once into db; a SPEC is the
# operands, space-separated ("<3" means: `-` with in/3.log on stdin).
par() {
	local label=$1 i=0 spec pid ok=0 ops=0 stored=0 skipped=0 n s k
	local -a pids=()
	shift
	for spec in "$@"; do
		i=$((i + 1))
		if [ "${spec#<}" != "$spec" ]; then
			"$BIN" ingest -d db - <"in/${spec#<}.log" >"$T/p$i.out" 2>"$T/p$i.err" &
			ops=$((ops + 1))
		else
			# shellcheck disable=SC2086
			"$BIN" ingest -d db $spec </dev/null >"$T/p$i.out" 2>"$T/p$i.err" &
		fi
		pids+=("$!")
		BGPIDS+=("$!")
	done
	# A process waiting for the lock sleeps; the group as a whole must not.
	watch_all $((5 * SLOW)) $((60 * SLOW)) "${pids[@]}"
	i=0
	for pid in "${pids[@]}"; do
		RC=${RCS[i]}
		i=$((i + 1))
		spec=${!i}
		[ "${spec#<}" != "$spec" ] && spec="- < in/${spec#<}.log"
		if [ "$RC" -ne 0 ]; then
			fail "$label: process $i (ingest ${spec}): expected exit 0, got $(rcdesc $RC)"
			show "$T/p$i.err"
			ok=1
		fi
		if grep -vE "$ALLOWED" "$T/p$i.err" >"$T/p$i.bad"; then
			fail "$label: process $i (ingest ${spec}): unexpected messages on stderr:"
			show "$T/p$i.bad"
			ok=1
		fi
		s=$(sed -n 's/^ztlog: \([0-9]*\) sources\{0,1\}, .*/\1/p' "$T/p$i.err")
		k=$(sed -n 's/.*, \([0-9]*\) skipped as duplicate$/\1/p' "$T/p$i.err")
		stored=$((stored + ${s:-0}))
		skipped=$((skipped + ${k:-0}))
	done
	for spec in "$@"; do
		[ "${spec#<}" != "$spec" ] && continue
		for n in $spec; do
			if [ -d "$n" ]; then ops=$((ops + $(ls "$n" | wc -l))); else ops=$((ops + 1)); fi
		done
	done
	if [ "$stored" -ne "$PRESTORED" ] || [ $((stored + skipped)) -ne "$ops" ]; then
		fail "$label: summaries do not add up: $ops operands, reported $stored stored + $skipped skipped (expected $PRESTORED stored, $((ops - PRESTORED)) skipped)"
		ok=1
	fi
	check_db "$label" db set ref.db.sha || ok=1
	[ "$ok" -eq 0 ] && pass "$label: $# processes, $ops operands: all exit 0, $stored stored + $skipped skipped as duplicate, database = reference"
}

for r in $(seq 1 "$RUNS"); do
	rm -f db db-journal db-wal db-shm
	PRESTORED=6
	par "two-fresh #$r" "in/1.log in/2.log.gz in/3.log in/4.log" \
	    "in/3.log in/4.log in/5.log in/6.log"

	rm -f db db-journal db-wal db-shm
	par "four-fresh #$r" "in/1.log in/2.log.gz in/3.log" \
	    "in/3.log in/4.log in/5.log" "in/5.log in/6.log in/1.log" \
	    "in/6.log in/4.log in/2.log.gz"

	rm -f db db-journal db-wal db-shm
	if ! timeout $((60 * SLOW)) "$BIN" ingest -q -d db in/1.log; then
		fail "four-existing #$r: setup ingest failed"
	fi
	PRESTORED=5
	par "four-existing #$r" in in in in

	rm -f db db-journal db-wal db-shm
	PRESTORED=6
	par "renamed #$r" in copy "<3"
done

# Two readers: a query must not wait for another query to finish.  The long
# one spends seconds inside one statement with the database open for
# reading; the short one is timed alone first, then during the long one.
LONG="WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c
 WHERE x < 30000000) SELECT count(*), (SELECT count(*) FROM sources s
 WHERE s.id = c.x % 7) FROM c"
SHORT="SELECT count(*) AS n FROM sources"
t0=$(now_ms)
run short $((5 * SLOW)) $((120 * SLOW)) "$BIN" query -d ref.db -o csv "$SHORT"
base=$(( $(now_ms) - t0 ))
"$BIN" query -q -d ref.db "$LONG" </dev/null >"$T/long.out" 2>"$T/long.err" &
lp=$!
BGPIDS+=("$lp")
sleep_ms $((500 * SLOW))
if ! kill -0 "$lp" 2>/dev/null; then
	info "readers: the long query ended before the second began; no verdict"
else
	t0=$(now_ms)
	run short $((5 * SLOW)) $((120 * SLOW)) "$BIN" query -d ref.db -o csv "$SHORT"
	ms=$(( $(now_ms) - t0 ))
	kill -0 "$lp" 2>/dev/null && still="was still running" || still="had ended"
	info "readers: a one-row query takes ${base} ms alone, ${ms} ms started during a long query (which then $still)"
	show "$T/short.err"
	if [ "$RC" -ne 0 ] || [ "$(cat "$T/short.out")" != "$(printf 'n\n6')" ]; then
		fail "readers: the short query failed: exit $(rcdesc "$RC")"
	elif [ "$ms" -gt $((base + 1500)) ]; then
		fail "readers: a query waited $((ms - base)) ms for another query (expected: readers do not block each other; the manual says query opens the database for queries only).  Likely cause (if query still opens read-write): query opens the database read-write and, before its SQL, runs a write transaction (BEGIN IMMEDIATE; the schema's CREATE ... IF NOT EXISTS; PRAGMA user_version=1; COMMIT: src/store.c zt_store_open via src/main.c open_store), whose COMMIT takes the exclusive lock (in rollback-journal mode even a BEGIN IMMEDIATE; COMMIT with no change does) and so waits, up to the 60 s busy timeout, for every reader to finish; past 60 s it fails with 'database is locked'"
	else
		pass "readers: a query ran in ${ms} ms while another query was running"
	fi
fi
{ kill "$lp"; wait "$lp"; } 2>/dev/null
finish

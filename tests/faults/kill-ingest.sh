#!/usr/bin/env bash
# kill-ingest.sh -- SIGKILL `ztlog ingest -d DB` at random points; nothing
# committed may be lost, nothing may be stored twice or half.
#
# usage: tests/faults/kill-ingest.sh BIN ZTGEN
#
# Six generated sources (lib.sh: make_inputs; one gzip, one JSON, one with
# malformed lines) are ingested once cleanly as the reference.  Then each of
# FAULT_RUNS rounds (default 30):
#   1. `ztlog ingest -q -d DB in` into a fresh file database, SIGKILLed after
#      a random delay of 0..1.15x the reference ingest's wall time (so most
#      kills land while it works, some after it is done);
#   2. the database opens, passes PRAGMA integrity_check and the invariants
#      (lib.sh: check_db), and its sources are exactly the first k sources
#      of the reference (sources are committed one by one, in sorted order),
#      each with the reference's sha256, counts and record fingerprint;
#   3. the same ingest again on that database, killed again at random (it
#      resumes: the committed sources are skipped as duplicates), checked
#      the same way;
#   4. the ingest once more, to completion: exit 0, nothing on stderr (-q),
#      and the database holds exactly the reference (every source once).
# The random delays come from FAULT_SEED (printed): FAULT_SEED=N repeats a
# run's kill points as fractions of the reference time (where exactly the
# process is at that moment still depends on the machine).
. "$(dirname -- "$0")/lib.sh"

RUNS=${FAULT_RUNS:-30}
echo "kill-ingest: seed $SEED (FAULT_SEED=$SEED to repeat), $RUNS rounds, slow factor $SLOW"

cd "$T" || exit 2
make_inputs in
reference ref.db in
echo "reference: $(wc -l <ref.db.name) sources, $(q ref.db "SELECT sum(records) FROM sources" | sed -n 2p) records, clean ingest ${REF_MS} ms"

# The reference itself: six sources, each with the sha256 of its content.
want=""
for f in in/*; do want="$want$f,$(content_sha "$f")"$'\n'; done
got=$(cut -d, -f1,2 ref.db.name)
if [ "$got" = "${want%$'\n'}" ] && [ "$(wc -l <ref.db.name)" = 6 ]; then
	pass "reference: 6 sources in name order, sha256 = content hash of each file"
else
	fail "reference: expected names+sha256:"$'\n'"$want"" got:"$'\n'"$got"
fi

killed=0 finished=0 partial_seen=0

# kill_round LABEL: start the ingest on db, SIGKILL it after a random
# delay, wait; checks the status.  Sets KDELAY and KRC.
kill_round() {
	local label=$1 pid
	# The seed fixes the kill point relative to the reference time.
	KDELAY=$(( REF_MS * $(rnd 1150) / 1000 ))
	"$BIN" ingest -q -d db in </dev/null >"$T/k.out" 2>"$T/k.err" &
	pid=$!
	BGPIDS+=("$pid")
	sleep_ms "$KDELAY"
	kill -KILL "$pid" 2>/dev/null
	{ wait "$pid"; } 2>/dev/null
	KRC=$?
	case $KRC in
	137) killed=$((killed + 1)) ;;
	0) finished=$((finished + 1)) ;;
	*)
		fail "$label: ingest exited $(rcdesc $KRC) before the kill at ${KDELAY} ms (expected 0 or SIGKILL)"
		show "$T/k.err"
		;;
	esac
	if [ -s "$T/k.err" ] && [ "$KRC" -eq 137 ]; then
		fail "$label: ingest printed on stderr before being killed"
		show "$T/k.err"
	fi
} 2>/dev/null	# no "Killed" job notices from bash

for r in $(seq 1 "$RUNS"); do
	rm -f db db-journal db-wal db-shm
	kill_round "round $r, kill 1"
	d1=$KDELAY rc1=$KRC
	check_db "round $r: after kill 1 at ${d1} ms (rc $rc1)" db prefix ref.db.name
	ok1=$? n1=$NSRC
	[ "$n1" -gt 0 ] && [ "$n1" -lt 6 ] && partial_seen=$((partial_seen + 1))

	kill_round "round $r, kill 2"
	d2=$KDELAY rc2=$KRC
	check_db "round $r: after resuming and kill 2 at ${d2} ms (rc $rc2)" db prefix ref.db.name
	ok2=$? n2=$NSRC
	if [ "$ok2" -eq 0 ] && [ "$n2" -lt "$n1" ]; then
		fail "round $r: the second ingest lost sources: $n1 before, $n2 after"
		ok2=1
	fi

	run fin 10 $((120 * SLOW)) "$BIN" ingest -q -d db in
	if [ "$RC" -ne 0 ] || [ -s "$T/fin.err" ]; then
		fail "round $r: ingest to completion: expected exit 0 and no output on stderr, got exit $(rcdesc $RC)"
		show "$T/fin.err"
		ok3=1
	else
		ok3=0
	fi
	check_db "round $r: after completing" db exact ref.db.name || ok3=1
	if [ $ok1$ok2$ok3 = 000 ]; then
		pass "round $r: kill at ${d1} ms -> $n1/6 sources, resume+kill at ${d2} ms -> $n2/6, completed -> 6/6; consistent each time"
	fi
done

info "kills: $killed landed while ingesting, $finished came after it had finished; $partial_seen rounds left 1..5 sources committed after the first kill"
if [ "$RUNS" -ge 10 ] && [ "$killed" -eq 0 ]; then
	fail "no kill landed while ztlog was working (delays too short or long?)"
fi
finish

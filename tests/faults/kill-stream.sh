#!/usr/bin/env bash
# kill-stream.sh -- SIGKILL `ztlog ingest -d DB` reading a slow stream at
# random points; then the same stream again, in full.
#
# usage: tests/faults/kill-stream.sh BIN ZTGEN
#
# A generated log (20,000 lines, --prefix) is ingested once from its file
# as the reference.  Then each of FAULT_RUNS rounds (default 8):
#   1. the log is written into a FIFO in 10 pieces, 0.4 s apart, while
#      `ztlog ingest -q -d DB fifo` reads it; ztlog is SIGKILLed after a
#      random 0..4.4 s (most kills land while it reads, some after);
#   2. the database passes PRAGMA integrity_check, and its records are a
#      part of the reference's: none that is not there, none twice (a
#      stream commits about every 2 s: ztlog(1), DATABASE);
#   3. the whole log is streamed in again through a pipe: exit 0, and the
#      database holds exactly the reference's records, each once (the
#      stream's record keys).
. "$(dirname -- "$0")/lib.sh"
RUNS=${FAULT_RUNS:-8}
echo "kill-stream: seed $SEED (FAULT_SEED=$SEED to repeat), $RUNS rounds, slow factor $SLOW"
cd "$T" || exit 2
"$ZTGEN" -n 20000 -s 11 --prefix >all.log || exit 2
split -n l/10 -d all.log piece. || exit 2
"$BIN" ingest -q -d ref.db all.log || exit 2
recs() {	# the records of database $1, one line each, sorted
	"$BIN" query -q -d "$1" -o csv "SELECT pod, ts_us, direction,
	  src_addr, dst_addr, bytes_sent, bytes_recv, duration_ms, error
	  FROM records ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9"
}
recs ref.db >ref.txt
total=$(($(wc -l <ref.txt) - 1))
feed() { for p in piece.*; do cat "$p"; sleep "0.$((4 * SLOW))"; done; }
for round in $(seq "$RUNS"); do
	rm -f s.db s.db-journal fifo
	mkfifo fifo
	feed >fifo 2>/dev/null & writer=$!
	"$BIN" ingest -q -d s.db fifo 2>err.txt & pid=$!
	BGPIDS+=("$pid" "$writer")
	ms=$(rnd $((4400 * SLOW)))
	sleep_ms "$ms"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rc=$?
	wait "$writer" 2>/dev/null
	ic=$("$BIN" query -q -d s.db -o csv "PRAGMA integrity_check" 2>&1 | tail -n 1)
	recs s.db >got.txt 2>&1
	n=$(($(wc -l <got.txt) - 1))
	extra=$(comm -13 ref.txt got.txt | wc -l)
	if [ "$ic" = ok ] && [ "$extra" -eq 0 ] && [ "$n" -ge 0 ]; then
		pass "round $round: killed after ${ms} ms ($(rcdesc "$rc")): integrity ok, $n of $total records kept, none extra or twice"
	else
		fail "round $round: killed after ${ms} ms: integrity '$ic', $n records, $extra not in the reference or twice"
		show got.txt
	fi
	cat all.log | "$BIN" ingest -q -d s.db - 2>err2.txt
	rc=$?
	recs s.db >got.txt 2>&1
	if [ "$rc" -eq 0 ] && cmp -s got.txt ref.txt && [ ! -s err2.txt ]; then
		pass "round $round: streamed again: exactly the $total reference records, each once"
	else
		fail "round $round: streamed again: exit $(rcdesc "$rc"), $(($(wc -l <got.txt) - 1)) records (want $total)"
		show err2.txt
		diff ref.txt got.txt | head -n 6 | sed 's/^/        | /'
	fi
done
finish

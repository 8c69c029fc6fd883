#!/usr/bin/env bash
# misc.sh -- ztlog against a hostile environment: disk full, read-only and
# corrupt databases, a directory as the database, stdin closed or cut, its
# stdout closed under it.  Each scenario prints what ztlog did (exit status,
# first lines of stderr) and checks it: a clear error and a non-zero exit
# where it cannot work, never a crash (a sanitizer report, or death by a
# signal other than SIGPIPE where output is cut and SIGKILL/SIGXFSZ where
# the test sends them), never a hang, and a database that afterwards still
# passes integrity_check and holds only whole sources.
#
# usage: tests/faults/misc.sh BIN ZTGEN
#
# As root, permissions do not stop a process: the read-only cases then run
# ztlog as user nobody (setpriv), and are skipped, with a note, when that is
# not possible.  Also as root, when `unshare -m` works the script re-runs
# itself in a private mount namespace and adds real ENOSPC cases on a small
# tmpfs (nothing is mounted outside that namespace).
if [ "$(id -u)" = 0 ] && [ -z "${FAULT_NS:-}" ] &&
    unshare -m --propagation private true 2>/dev/null; then
	FAULT_NS=1 exec unshare -m --propagation private bash "$0" "$@"
fi
. "$(dirname -- "$0")/lib.sh"

echo "misc: slow factor $SLOW$([ "${FAULT_NS:-}" = 1 ] && echo ", private mount namespace")"
cd "$T" || exit 2
make_inputs in
F4="in/1.log in/2.log.gz in/3.log in/4.log"
# shellcheck disable=SC2086
reference ref4.db $F4
reference ref1.db in/1.log
reference ref6.db in
IDLE=$((5 * SLOW))	# seconds without CPU use before a run counts as hung
HARD=$((120 * SLOW))

# Show what a run did.
did() { # LABEL
	info "$1: exit $(rcdesc "$RC")$([ -s "$T/r.err" ] || echo ", nothing on stderr")"
	show "$T/r.err" 4
}
# expect_error LABEL REGEX: the last run failed cleanly: exit 2, a message
# matching REGEX on stderr, no crash or hang.
expect_error() {
	local why
	did "$1"
	if ! why=$(crash_reason "$RC" "$T/r.err"); then
		fail "$1: $why"
	elif [ "$RC" -ne 2 ]; then
		fail "$1: expected exit 2 (error), got $(rcdesc "$RC")"
	elif ! grep -qE "$2" "$T/r.err"; then
		fail "$1: expected a message matching /$2/ on stderr"
	else
		pass "$1: exit 2 with a clear message"
	fi
}
# expect_ok LABEL: the last run exited 0.
expect_ok() {
	local why
	did "$1"
	if ! why=$(crash_reason "$RC" "$T/r.err"); then
		fail "$1: $why"
	elif [ "$RC" -ne 0 ]; then
		fail "$1: expected exit 0, got $(rcdesc "$RC")"
	else
		pass "$1: exit 0"
	fi
}
# The database after a failed or killed run: consistent, only whole sources,
# a prefix of REF; then a run without the fault completes it to exactly REF.
after_fault() { # LABEL DB REF OPERANDS...
	local label=$1 db=$2 ref=$3
	shift 3
	check_db "$label: database afterwards" "$db" prefix "$ref" &&
	    pass "$label: database afterwards: integrity ok, $NSRC whole sources, nothing half-written"
	run r "$IDLE" "$HARD" "$BIN" ingest -q -d "$db" "$@"
	if [ "$RC" -ne 0 ] || [ -s "$T/r.err" ]; then
		fail "$label: ingest again without the fault: exit $(rcdesc "$RC")"
		show "$T/r.err"
	elif check_db "$label: completed" "$db" exact "$ref"; then
		pass "$label: ingest again without the fault completes it: every source once"
	fi
}
# Run "$@" with a file size limit of $LIMIT KiB; SIGXFSZ ignored when
# XFSZ=ignore (the write then fails with EFBIG, as a full disk fails with
# ENOSPC), else the default action (the process is killed).
limited() {
	run r "$IDLE" "$HARD" bash -c 'ulimit -f "$1"; [ "$2" = ignore ] && trap "" XFSZ; shift 2; exec "$@"' _ "$LIMIT" "${XFSZ:-default}" "$@"
}
size_kib() { echo $(( $(stat -c %s "$1") / 1024 )); }

echo "== disk full"
# A database holding in/1.log, with room for about half of what the next
# three sources need.
ROOM=$(( ($(size_kib ref4.db) - $(size_kib ref1.db)) / 2 ))
cp ref1.db full.db
LIMIT=$(( $(size_kib full.db) + ROOM )) XFSZ=ignore limited "$BIN" ingest -d full.db in/2.log.gz in/3.log in/4.log
expect_error "ulimit -f (database + $ROOM KiB), SIGXFSZ ignored: ingest of 3 more sources into a 1-source database" 'error: database: .*(disk|full|large)'
# shellcheck disable=SC2086
after_fault "ulimit -f, SIGXFSZ ignored" full.db ref4.db.name $F4

cp ref1.db full2.db
LIMIT=$(( $(size_kib full2.db) + ROOM )) XFSZ=default limited "$BIN" ingest -d full2.db in/2.log.gz in/3.log in/4.log
did "ulimit -f, SIGXFSZ default"
if [ "$RC" -eq $((128 + $(kill -l XFSZ))) ] && ! crashed_text "$T/r.err"; then
	info "ulimit -f, SIGXFSZ default: killed by SIGXFSZ, as the kernel does to any process writing past RLIMIT_FSIZE that does not ignore the signal (ztlog does not)"
else
	expect_error "ulimit -f, SIGXFSZ default" 'error: database: .*(disk|full|large)'
fi
# shellcheck disable=SC2086
after_fault "ulimit -f, SIGXFSZ default" full2.db ref4.db.name $F4

# One big source (on stdin): the database fills up part-way through it, when
# SQLite spills pages before the commit; the source must be rolled back.
rm -f big.db
mkfifo big.fifo
"$ZTGEN" -n 500000 -s 9 --prefix >big.fifo 2>/dev/null &
gen=$!
BGPIDS+=("$gen")
RUN_STDIN=big.fifo LIMIT=4000 XFSZ=ignore limited "$BIN" ingest -d big.db -
expect_error "ulimit -f 4000 (4 MB), SIGXFSZ ignored: a 500000-line source on stdin" 'error: database: .*(disk|full|large)'
[ "$RC" -eq 124 ] && info "(diagnosis: a database error part-way through a source cancels the reader thread, which then exits without setting 'done', and the store thread waits for it forever: src/ingest.c reader() 'if (b != NULL)' / store_take())"
check_db "ulimit -f, big source: database afterwards" big.db any &&
    pass "ulimit -f, big source: database afterwards: integrity ok, $NSRC sources"
{ kill "$gen"; wait "$gen"; } 2>/dev/null

echo "== killed during a big source, then read"
# SIGKILL once SQLite has begun writing the big source's pages into the
# database file (a hot journal then exists in rollback-journal mode); then
# query, as a user would.  The source is a file: one transaction, rolled
# back whole (a stream on stdin is committed as it is read instead, which
# faults/kill-stream.sh tests).
cp ref1.db kq.db
size0=$(stat -c %s kq.db)
"$ZTGEN" -n 500000 -s 9 --prefix >kq.log 2>/dev/null
gen=
"$BIN" ingest -q -d kq.db kq.log >/dev/null 2>"$T/r.err" &
kp=$!
BGPIDS+=("$kp")
t0=$(now_ms)
# (the pages go to the database file, or to kq.db-wal in WAL mode)
while kill -0 "$kp" 2>/dev/null &&
    [ $(( $(stat -c %s kq.db) + $(stat -c %s kq.db-wal 2>/dev/null || echo 0) )) -lt $((size0 + 4000000)) ] &&
    [ $(( $(now_ms) - t0 )) -lt $((60000 * SLOW)) ]; do
	sleep 0.05
done
kill -KILL "$kp" 2>/dev/null
{ wait "$kp"; } 2>/dev/null
info "killed ingest of a 500000-line source after $(( $(now_ms) - t0 )) ms: database file $(stat -c %s kq.db) bytes (was $size0), journal $( [ -e kq.db-journal ] && echo "$(stat -c %s kq.db-journal) bytes" || echo none)"
run r "$IDLE" "$HARD" "$BIN" query -d kq.db -o csv "SELECT count(*) AS n FROM sources"
did "query right after the kill"
if [ "$RC" -eq 0 ] && [ "$(cat "$T/r.out")" = "$(printf 'n\n1')" ]; then
	pass "query right after the kill: the interrupted source is gone, 1 source"
else
	fail "query right after the kill: expected exit 0 and 1 source, got exit $(rcdesc "$RC")"
fi
check_db "killed during a big source: database afterwards" kq.db prefix ref1.db.name &&
    pass "killed during a big source: database afterwards: integrity ok, $NSRC whole source"

MNT=$T/mnt
TMPFS=$(( $(size_kib ref1.db) + ROOM ))
if [ "${FAULT_NS:-}" = 1 ] && mkdir "$MNT" && mount -t tmpfs -o size=${TMPFS}k tmpfs "$MNT" 2>/dev/null; then
	cp ref1.db "$MNT/db"
	run r "$IDLE" "$HARD" "$BIN" ingest -d "$MNT/db" in/2.log.gz in/3.log in/4.log
	expect_error "tmpfs of $TMPFS KiB (ENOSPC): ingest of 3 more sources into a 1-source database" 'error: database: .*(disk|full)'
	check_db "tmpfs full: database afterwards" "$MNT/db" prefix ref4.db.name &&
	    pass "tmpfs full: database afterwards: integrity ok, $NSRC whole sources, nothing half-written"
	umount "$MNT"
else
	info "no tmpfs (needs root and a private mount namespace): real ENOSPC cases skipped; ulimit -f covers the same code paths"
fi

echo "== read-only database"
# as_user CMD...: run CMD where permissions apply.
AS=()
if [ "$(id -u)" = 0 ]; then
	if command -v setpriv >/dev/null &&
	    setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$BIN" 2>/dev/null &&
	    setpriv --reuid=65534 --regid=65534 --clear-groups test -r "$T/in/2.log.gz" 2>/dev/null; then
		AS=(setpriv --reuid=65534 --regid=65534 --clear-groups)
		info "running as root: the read-only cases run ztlog as uid 65534 (setpriv)"
	else
		AS=(none)
		info "running as root and cannot run ztlog as another user: chmod does not stop root, so the 0444/0555 cases are skipped; /proc/version and a missing directory stand in"
	fi
fi
if [ "${AS[0]:-}" != none ]; then
	cp ref1.db ro.db && chmod 0444 ro.db && cp ro.db ro.orig
	run r "$IDLE" "$HARD" "${AS[@]}" "$BIN" ingest -d ro.db in/2.log.gz
	expect_error "ingest into a 0444 database file" 'read-?only|permission|denied'
	cmp -s ro.db ro.orig && pass "0444 database unchanged" || fail "0444 database: its bytes changed"
	run r "$IDLE" "$HARD" "${AS[@]}" "$BIN" query -d ro.db -o csv "SELECT count(*) AS n FROM sources"
	did "query on a 0444 database file"
	if [ "$RC" -eq 0 ] && [ "$(cat "$T/r.out")" = "$(printf 'n\n1')" ]; then
		pass "query on a 0444 database file: reads it (1 source)"
	else
		fail "query on a 0444 database file: expected exit 0 and n=1 (ztlog(1): \"the database is opened for queries only\"), got exit $(rcdesc "$RC")$(grep -q readonly "$T/r.err" && echo "; likely cause: query opens the database read-write and runs the schema transaction (BEGIN IMMEDIATE; CREATE ... IF NOT EXISTS; PRAGMA user_version) before the query: src/store.c zt_store_open, from src/main.c open_store (ZT_STORE_EXISTING)")"
	fi

	mkdir rodir && cp ref1.db rodir/db && chmod 0666 rodir/db && cp rodir/db rodir.orig && chmod 0555 rodir
	run r "$IDLE" "$HARD" "${AS[@]}" "$BIN" ingest -d rodir/db in/2.log.gz
	expect_error "ingest into a writable database in a 0555 directory (no journal possible)" 'read-?only|permission|denied|unable'
	if cmp -s rodir/db rodir.orig && [ "$(ls -A rodir)" = db ]; then
		pass "database in a 0555 directory: unchanged, no journal left"
	else
		fail "database in a 0555 directory: changed, or files left beside it: $(ls -A rodir | tr '\n' ' ')"
	fi
	run r "$IDLE" "$HARD" "${AS[@]}" "$BIN" query -d rodir/db -o csv "SELECT count(*) AS n FROM sources"
	did "query on a database in a 0555 directory"
	if [ "$RC" -eq 0 ] && [ "$(cat "$T/r.out")" = "$(printf 'n\n1')" ]; then
		pass "query on a database in a 0555 directory: reads it (1 source)"
	else
		fail "query on a database in a 0555 directory: expected exit 0 and n=1, got exit $(rcdesc "$RC") (same cause as the 0444 query)"
	fi
	run r "$IDLE" "$HARD" "${AS[@]}" "$BIN" ingest -d rodir/new.db in/2.log.gz
	expect_error "ingest creating a database in a 0555 directory" 'cannot open database'
	[ "$(ls -A rodir)" = db ] && pass "0555 directory: nothing created" || fail "0555 directory: files created: $(ls -A rodir | tr '\n' ' ')"
	chmod 0755 rodir
fi
run r "$IDLE" "$HARD" "$BIN" ingest -d /proc/version in/2.log.gz
expect_error "ingest with -d /proc/version (not writable, not a database)" 'error: '
run r "$IDLE" "$HARD" "$BIN" ingest -d "$T/no/such/dir/x.db" in/2.log.gz
expect_error "ingest with -d in a missing directory" 'cannot open database'
[ -e "$T/no" ] && fail "missing directory: it was created" || pass "missing directory: not created"

echo "== corrupt database"
# Deterministic high-entropy bytes: gzip of generated text.
"$ZTGEN" -n 4000 -s 77 | gzip -n -9 | tail -c +200 | head -c 65536 >noise
cp noise rnd.db
run r "$IDLE" "$HARD" "$BIN" ingest -d rnd.db in/2.log.gz
expect_error "ingest into 64 KiB of random bytes" 'not a database'
cmp -s rnd.db noise && pass "random-bytes file unchanged" || fail "random-bytes file: ztlog changed it"
run r "$IDLE" "$HARD" "$BIN" query -d rnd.db "SELECT 1"
expect_error "query on 64 KiB of random bytes" 'not a database'
{ printf 'SQLite format 3\000'; head -c 65520 noise; } >hdr.db
cp hdr.db hdr.orig
run r "$IDLE" "$HARD" "$BIN" ingest -d hdr.db in/2.log.gz
expect_error "ingest into an SQLite header followed by random bytes" 'not a database|malformed|corrupt'
cmp -s hdr.db hdr.orig && pass "header+random file unchanged" || fail "header+random file: ztlog changed it"
"$ZTGEN" -n 5000 -s 55 --prefix >extra.log
full=$(stat -c %s ref6.db)
for cut in 4096 $((full / 2 / 4096 * 4096)) $((full - 4096)) $((full - 1000)); do
	cp ref6.db tr.db && truncate -s "$cut" tr.db
	pre=$(q tr.db "$SQL_INTEGRITY" 2>/dev/null | sed -n '2,3p' | tr -d '"' | tr '\n' ' ')
	pre=${pre% }
	run r "$IDLE" "$HARD" "$BIN" ingest -d tr.db extra.log
	label="ingest into a $full-byte database truncated to $cut bytes"
	if [ "$RC" -ne 0 ]; then
		expect_error "$label" 'malformed|corrupt|not a database|truncated'
	elif [ "$pre" != ok ]; then
		did "$label"
		fail "$label: accepted (exit 0) a database that already failed PRAGMA integrity_check ($pre); expected an error.  Diagnosis: the file is shorter than the page count in its header; SQLite reads the missing bytes as zeros and does not notice until the damaged cells are read, and ztlog never checks (e.g. PRAGMA page_count * page_size against the file size at open, src/store.c zt_store_open)"
	else
		did "$label"
		check_db "$label: accepted; database afterwards" tr.db any &&
		    pass "$label: accepted (the lost bytes were unused), and the result passes integrity_check"
	fi
	run r "$IDLE" "$HARD" "$BIN" query -d tr.db -o csv "SELECT count(*) FROM records"
	label="query on it"
	if [ "$RC" -eq 0 ]; then did "$label"; pass "$label: answers"; else expect_error "$label" 'malformed|corrupt|not a database|truncated'; fi
done

echo "== directory as the database"
mkdir dbdir
# The message must say what is wrong, not blame the disk.
run r "$IDLE" "$HARD" "$BIN" ingest -d dbdir in/2.log.gz
expect_error "ingest -d DIRECTORY" 'cannot open database: (unable to open|.*directory)'
[ -z "$(ls -A dbdir)" ] && pass "ingest -d DIRECTORY: nothing created inside" || fail "ingest -d DIRECTORY: created $(ls -A dbdir | tr '\n' ' ')"
run r "$IDLE" "$HARD" "$BIN" query -d dbdir "SELECT 1"
expect_error "query -d DIRECTORY" 'cannot open database: (unable to open|.*directory)'
grep -q 'I/O error' "$T/r.err" && info "(query -d DIRECTORY: SQLite's read-only open of a directory reports SQLITE_IOERR; ztlog passes that on as a disk I/O error: src/store.c zt_store_open could stat the path first)"

echo "== standard input"
rm -f s.db
"$BIN" ingest -d s.db - <&- >"$T/r.out" 2>"$T/r.err"
RC=$?
did "ingest -d DB - with stdin closed (<&-)"
n=$(q s.db "SELECT count(*) FROM sources" 2>/dev/null | sed -n 2p)
if [ "$RC" -eq 2 ] && grep -q 'standard input' "$T/r.err" && [ "${n:-0}" = 0 ]; then
	pass "stdin closed: exit 2, an error about standard input, nothing stored"
else
	fail "stdin closed: expected exit 2, an error naming standard input and no source stored; got exit $(rcdesc "$RC") and ${n:-?} source(s) stored (bytes,lines: $(q s.db "SELECT bytes, lines FROM sources" 2>/dev/null | sed -n 2p | tr '\n' ' ')); likely cause: fd 0 is closed, so SQLite (which never lets a database or /dev/urandom take fds 0-2) parks /dev/null on it; ztlog then dup()s it as stdin (src/input.c zt_input_open) and reads an empty input: stdin's state must be checked before SQLite starts (e.g. fcntl(0, F_GETFD) first thing in main)"
fi

# A producer killed part-way: what arrived is stored, whole, and is exactly
# what was sent (sha256 of a tee'd copy).
stream_check() { # LABEL FILE-OF-WHAT-WAS-SENT
	local label=$1 sent=$2 lines sha
	lines=$(wc -l <"$sent")
	[ -s "$sent" ] && [ "$(tail -c 1 "$sent" | od -An -c | tr -d ' ')" != '\n' ] && lines=$((lines + 1))
	sha=$(sha256sum <"$sent" | cut -d' ' -f1)
	expect_ok "$label"
	check_db "$label: database" p.db any || return
	if [ "$(q p.db "SELECT sha256, bytes, lines FROM sources" | sed -n 2p)" = "$sha,$(stat -c %s "$sent"),$lines" ]; then
		pass "$label: stored exactly what arrived: $(stat -c %s "$sent") bytes, $lines lines, same sha256"
	else
		fail "$label: stored source differs from what was sent ($(stat -c %s "$sent") bytes, $lines lines, sha256 $sha): sha256,bytes,lines = $(q p.db "SELECT sha256, bytes, lines FROM sources" | sed -n 2p)"
	fi
}
rm -f p.db p.fifo && mkfifo p.fifo
{
	"$ZTGEN" -n 300000 -s 5 --prefix &
	gp=$!
	sleep_ms $((150 * SLOW))
	kill "$gp" 2>/dev/null && echo killed >"$T/p.killed"
	wait "$gp"
} 2>/dev/null | tee sent.log >p.fifo &
gen=$!
BGPIDS+=("$gen")
RUN_STDIN=p.fifo run r "$IDLE" "$HARD" "$BIN" ingest -d p.db -
{ wait "$gen"; } 2>/dev/null
[ -e "$T/p.killed" ] || info "(the producer finished before it was killed: a whole stream)"
stream_check "producer (ztgen) killed after $((150 * SLOW)) ms: ztgen | ztlog ingest -d DB -" sent.log

rm -f p.db
"$ZTGEN" -n 20000 -s 6 --prefix | head -c 3000001 >cut.log
RUN_STDIN=cut.log run r "$IDLE" "$HARD" "$BIN" ingest -d p.db -
stream_check "stream cut in the middle of a line (3000001 bytes)" cut.log

echo "== standard output closed by the reader"
# ztlog writes into a FIFO read by `head -1`, so that the watched process is
# ztlog itself.
pipe_head() { # LABEL CMD...: run CMD with stdout into head -1
	local label=$1 why
	shift
	rm -f o.fifo && mkfifo o.fifo
	head -1 <o.fifo >"$T/head.out" &
	local hp=$!
	RUN_STDOUT=o.fifo run r "$IDLE" "$HARD" "$@"
	{ wait "$hp"; } 2>/dev/null
	did "$label"
	[ -s "$T/head.out" ] || fail "$label: head got no line"
}
# (The table format holds the whole result before printing; 3000 rows, some
# 2 MB of output, still overflow the pipe.)
for f in csv table; do
	[ $f = csv ] && sel="SELECT * FROM records" || sel="SELECT * FROM records LIMIT 3000"
	pipe_head "query -o $f '$sel' | head -1" "$BIN" query -d ref6.db -o $f "$sel"
	if ! why=$(crash_reason "$RC" "$T/r.err" PIPE); then
		fail "query -o $f | head -1: $why"
	elif [ -s "$T/r.err" ]; then
		fail "query -o $f | head -1: expected nothing on stderr"
	else
		pass "query -o $f | head -1: $([ "$RC" = 141 ] && echo "ended by SIGPIPE" || echo "exit $RC"), nothing on stderr"
	fi
done
pipe_head "query -o csv 'SELECT * FROM records' | head -1, SIGPIPE ignored (EPIPE)" \
    bash -c 'trap "" PIPE; exec "$0" "$@"' "$BIN" query -d ref6.db -o csv "SELECT * FROM records"
expect_error "query -o csv ... | head -1 with SIGPIPE ignored (EPIPE)" '^ztlog: error: write error on standard output$'
if [ "$(grep -vc '^ztlog: error: write error on standard output$' "$T/r.err")" != 0 ]; then
	fail "SIGPIPE ignored: more than the one write error message on stderr"
fi
run r "$IDLE" "$HARD" bash -c 'exec "$0" query -d ref6.db -o csv "SELECT * FROM sources" >&-' "$BIN"
expect_error "query with stdout closed (>&-)" 'write error on standard output'

finish

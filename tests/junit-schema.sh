#!/usr/bin/env bash
# junit-schema.sh BIN: ztlog's JUnit report, in every situation a CI run
# can meet, is valid against both the Ant and the Jenkins xUnit schemas
# (tests/schemas/, xmllint --schema) and its counts match its testcases.
#
# Situations: all rules pass; rules fail; a rule ends in ERROR; skipped
# rules and no access record; coverage warnings with --fail-on warning;
# source errors (truncated gzip, missing file) next to good input; more
# than 32 errors; a rule-file mistake (no verdict); a usage mistake; the
# "did not finish" report a killed run leaves; control characters and
# markup from a hostile log.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
fx=$here/fixtures
command -v xmllint >/dev/null || { echo "xmllint not found (libxml2-utils)"; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/junit-schema.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 2
pass=0 fail=0

# valid NAME WANT_RC RC: the report r.xml against both schemas, and its
# exit_status property and counts.
valid() {
	local name=$1 want=$2 rc=$3 s ok=1 tests cases
	if [ "$rc" != "$want" ]; then
		echo "FAIL $name: exit status $rc, want $want"; ok=0
	fi
	for s in ant-junit jenkins-xunit-junit-10; do
		if ! xmllint --noout --schema "$here/schemas/$s.xsd" r.xml \
		    2>"$T/xmllint.err"; then
			echo "FAIL $name: not valid against $s.xsd:"
			cat "$T/xmllint.err"; ok=0
		fi
	done
	tests=$(sed -n 's/^<testsuite .* tests="\([0-9]*\)".*/\1/p' r.xml)
	cases=$(grep -c '^<testcase ' r.xml)
	if [ "$tests" != "$cases" ]; then
		echo "FAIL $name: tests=\"$tests\" but $cases testcases"; ok=0
	fi
	if ! grep -q "<property name=\"exit_status\" value=\"$rc\"/>" r.xml; then
		echo "FAIL $name: exit_status property is not $rc"; ok=0
	fi
	if [ $ok = 1 ]; then
		echo "ok   $name"; pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
}

"$bin" check -q -o junit=r.xml "$fx/check/healthy.log"
valid "all rules pass" 0 $?
"$bin" check -q -o junit=r.xml "$fx/check/problems.log"
valid "rules fail" 1 $?
w=$(printf 'a%.0s' $(seq 40))b
printf '2024-11-19T12:00:00.000000Z\tinfo\taccess\tconnection complete\tsrc.addr=10.0.0.1:1 src.workload="%s" dst.addr=10.0.0.2:80 direction="outbound" bytes_sent=1 bytes_recv=2 duration="1ms"\n' "$w" |
    "$bin" check -q -r "$fx/rules/catastrophic.yaml" -o junit=r.xml
valid "a rule ends in ERROR" 1 $?
"$bin" check -q -o junit=r.xml </dev/null
valid "no access record, skipped rules" 2 $?
"$bin" check -q --fail-on warning -o junit=r.xml "$fx/check/tail10.log"
valid "coverage warnings with --fail-on warning" 1 $?
"$bin" check -q -o junit=r.xml "$fx/check/tail10.log"
valid "coverage warnings" 0 $?
gzip -n <"$fx/check/problems.log" | head -c 400 >cut.gz
"$bin" check -q -o junit=r.xml "$fx/check/healthy.log" cut.gz nope.log 2>/dev/null
valid "source errors next to good input" 2 $?
"$bin" check -q -o junit=r.xml "$fx/check/healthy.log" $(seq -f 'no%g.log' 40) 2>/dev/null
valid "more than 32 errors" 2 $?
"$bin" check -q -r "$fx/rules/err-typo-key.yaml" -o junit=r.xml "$fx/check/healthy.log" 2>/dev/null
valid "rule-file mistake, no verdict" 2 $?
"$bin" check -q -o junit=r.xml --exmaples 3 "$fx/check/healthy.log" 2>/dev/null
valid "usage mistake" 2 $?
mkfifo fifo
"$bin" check -q -o junit=r.xml fifo & pid=$!
for _ in $(seq 100); do grep -q 'did not finish' r.xml 2>/dev/null && break; sleep 0.1; done
kill -KILL $pid; wait $pid 2>/dev/null
valid "killed run (did not finish)" 2 2
"$bin" check -q -o junit=r.xml "$fx/hostile/terminal-escapes.log" \
    "$fx/hostile/bad-codepoints.log" 2>/dev/null
valid "hostile log text" $? $?
grep -q $'\033' r.xml && { echo "FAIL hostile log text: raw ESC in XML"; fail=$((fail + 1)); }
echo "$pass passed, $fail failed"
[ $fail = 0 ]

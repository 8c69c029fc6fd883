#!/usr/bin/env bash
# json-valid.sh BIN: every JSON document ztlog writes is valid JSON (jq)
# with the shape ztlog(1) gives it, and its "exit_status" and "result"
# are those of the run, in every situation: check passing, failing, with
# source errors, with a rule-file mistake, with a usage mistake, killed,
# terminated (SIGTERM: a finished report, marked interrupted);
# lb, pairs, stats, rules list and show; query with one and several
# statements, in json and ndjson.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
fx=$(cd "$(dirname "$0")" && pwd)/fixtures
command -v jq >/dev/null || { echo "jq not found"; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/json-valid.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 2
pass=0 fail=0

# is NAME FILE JQ-FILTER: FILE is one JSON document and FILTER is true.
is() {
	local name=$1 file=$2 filter=$3 n
	n=$(jq -s length "$file" 2>"$T/jq.err")
	if [ "$n" != 1 ]; then
		echo "FAIL $name: not one JSON document:"; cat "$T/jq.err" "$file"
		fail=$((fail + 1))
	elif ! jq -e "$filter" "$file" >/dev/null; then
		echo "FAIL $name: not ($filter):"; head -c 2000 "$file"
		fail=$((fail + 1))
	else
		echo "ok   $name"; pass=$((pass + 1))
	fi
}

head='(.ztlog | type == "string") and (.errors | type == "array") and (.more_errors | type == "number")'
run() { "$bin" "$@" 2>/dev/null; echo $? >rc; }

run check -q -o json=r.json "$fx/check/healthy.log"
is "check pass" r.json "$head and .result == \"pass\" and .exit_status == $(cat rc) and .exit_status == 0 and (.rules | length) == 6 and .input.records > 0"
run check -q -o json "$fx/check/problems.log" >r.json
is "check fail (stdout)" r.json "$head and .result == \"fail\" and .exit_status == $(cat rc) and .exit_status == 1 and .errors == []"
gzip -n <"$fx/check/problems.log" | head -c 400 >cut.gz
run check -q -o json=r.json "$fx/check/healthy.log" cut.gz nope.log
is "check source errors" r.json "$head and .result == \"error\" and .exit_status == $(cat rc) and .exit_status == 2 and (.errors | map(.file)) == [\"cut.gz\", \"nope.log\"] and (.rules | length) == 6"
run check -q -o json=r.json </dev/null
is "check no access record" r.json "$head and .result == \"error\" and .exit_status == 2 and (.errors[0].message | startswith(\"no access records\"))"
run check -q -r "$fx/rules/err-typo-key.yaml" -o json=r.json "$fx/check/healthy.log"
is "check rule-file mistake" r.json "$head and .result == \"error\" and .exit_status == 2 and .input == null and .rules == [] and .errors[0].line == 6 and .errors[0].column == 5"
run check -q -o json=r.json --only nope "$fx/check/healthy.log"
is "check --only unknown id" r.json "$head and .result == \"error\" and .exit_status == $(cat rc)"
run check -q -o json=r.json -o junit=r.xml --exmaples 3 "$fx/check/healthy.log"
is "check usage mistake" r.json "$head and .result == \"error\" and (.errors[0].message | test(\"did you mean\"))"
run check -q -o json=r.json "$fx/check/healthy.log" $(seq -f 'no%g.log' 40)
is "check 40 errors" r.json "$head and (.errors | length) == 32 and .more_errors == 8"
mkfifo fifo
"$bin" check -q -o json=r.json fifo & pid=$!
for _ in $(seq 100); do grep -q 'did not finish' r.json 2>/dev/null && break; sleep 0.1; done
kill -KILL $pid; wait $pid 2>/dev/null
is "check killed" r.json "$head and .result == \"error\" and (.errors[0].message | test(\"did not finish\"))"
# SIGTERM stops the reading: the report is finished, marked interrupted.
# (The pause: the signal is caught once reading begins, just after the
# "did not finish" report is written.)
rm -f r.json
"$bin" check -q -o json=r.json fifo & pid=$!
for _ in $(seq 100); do grep -q 'did not finish' r.json 2>/dev/null && break; sleep 0.1; done
sleep 1
kill -TERM $pid; wait $pid 2>/dev/null
is "check terminated" r.json "$head and .result == \"error\" and .interrupted == true and .exit_status == 2"
ls -A | grep -q '^\.r\.json\.' && { echo "FAIL check killed: temporary left"; fail=$((fail + 1)); }

run lb -q -o json=r.json "$fx/check/skew.log"
is "lb unbalanced" r.json "$head and .result == \"fail\" and .exit_status == $(cat rc) and .exit_status == 1 and (.services | map(select(.balanced == false)) | length) == 1 and (.services[0].endpoints[0].share | type) == \"number\""
run lb -q -o json=r.json "$fx/check/healthy.log"
is "lb balanced" r.json "$head and .result == \"pass\" and .exit_status == $(cat rc) and .exit_status == 0"
run lb -q -o json=r.json --service 'nomatch' "$fx/check/healthy.log"
is "lb no service matches" r.json "$head and .services == []"
run lb -q -o json=r.json </dev/null
is "lb no access record" r.json "$head and .result == \"error\" and .exit_status == 2"
run pairs -q -o json=r.json "$fx/check/problems.log"
is "pairs" r.json "$head and .exit_status == $(cat rc) and .exit_status == 0 and (.pairs | map(.status) | unique) == [\"paired\", \"unknown\", \"unpaired\"]"
run pairs -q --unmatched -o json=r.json "$fx/check/problems.log"
is "pairs --unmatched" r.json "$head and .result == \"fail\" and .exit_status == $(cat rc) and .exit_status == 1 and all(.pairs[]; .status != \"paired\")"
run stats -q -o json=r.json "$fx/check/problems.log" nope.log
is "stats with an error" r.json "$head and .result == \"error\" and .exit_status == $(cat rc) and .exit_status == 2 and (.sources | length) == 1 and .total.records == 24"
run stats -q -o json=r.json -d nope.db
is "stats without a database" r.json "$head and .result == \"error\" and .exit_status == $(cat rc) and (.sources | not)"
run rules list -o json=r.json -r "$fx/rules/custom.yaml"
is "rules list" r.json "$head and .result == \"ok\" and (.rules | length) > 4 and all(.rules[]; (.id | type) == \"string\" and (.line | type) == \"number\")"
run rules show pairing -o json=r.json
is "rules show" r.json "$head and .rule.id == \"pairing\" and (.rule.text | test(\"window\"))"
run rules list -o json=r.json -r "$fx/rules/err-dup-id.yaml"
is "rules list, rule-file mistake" r.json "$head and .result == \"error\" and .exit_status == 2 and .rules == []"
run query -o json=r.json "SELECT line, src_workload FROM records ORDER BY id LIMIT 2" "$fx/check/problems.log"
is "query one statement" r.json "type == \"array\" and length == 2 and (.[0] | has(\"src_workload\"))"
run query -o json=r.json "SELECT 1 AS a; SELECT 'x' AS b UNION ALL SELECT 'y'; SELECT 2 AS c WHERE 0" "$fx/check/problems.log"
is "query three statements" r.json ". == [[{\"a\": 1}], [{\"b\": \"x\"}, {\"b\": \"y\"}], []]"
run query -o ndjson=r.ndjson "SELECT 1 AS a; SELECT 2 AS b" "$fx/check/problems.log"
if [ "$(jq -c . r.ndjson | tr '\n' ' ')" = '{"a":1} {"b":2} ' ]; then
	echo "ok   query ndjson"; pass=$((pass + 1))
else
	echo "FAIL query ndjson:"; cat r.ndjson; fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ $fail = 0 ]

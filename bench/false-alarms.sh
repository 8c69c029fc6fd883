#!/usr/bin/env bash
# bench/false-alarms.sh -- how often ztlog's balance verdict is wrong, on
# simulated clusters whose truth is known (tools/ztsim).
#
#   bench/false-alarms.sh [BUILD_DIR] [SEEDS]
#
# For each scenario and seeds 1..SEEDS (default 20) it runs
# BUILD_DIR (default build)/tools/ztsim, then
#   ztlog check --only balance -o json --examples 100000 ztunnel.log
# and scores the verdict against truth/groups.tsv.  ztlog names a
# service's client-side group as `<host>` (client-endpoint hop) or
# `<host> via waypoint` (client-waypoint hop); the waypoint-endpoint hop
# (inbound records) is not judged today and is left out.
#   healthy scenarios   no group is skewed: any finding is a false alarm
#     runs non-pass     share of runs whose balance status is not pass
#     runs exit 1       share of runs where `ztlog check` exits 1
#     groups flagged    flagged groups / groups, over all runs
#   must-catch          some groups are skewed (skew= or idle endpoints)
#     caught            skewed groups flagged / skewed groups
#     runs exit 1       share of runs a CI gate on the defaults fails
#     false alarms      unskewed groups flagged / unskewed groups
# Scenarios: many (100 healthy services, even by design), healthy,
# restart, prefer-close, capacity, weighted-waypoint (healthy, uneven
# by design); skew-waypoint (78/22 over two waypoint replicas),
# skew-endpoints (73/14/13 over three endpoints), idle-unhealthy (an
# idle healthy endpoint).  SCENARIOS="a b" runs only those.
# INVENTORY=1 also gives ztlog the simulated ztunnel's config dump
# (--inventory o/inventory/config_dump.json): capacities, locality and
# load-balancer modes, idle endpoints.
# Prints figures only; exit status 0, or 2 on a usage error.
set -euo pipefail

case "${1:-}" in -h | --help) sed -n '2,33s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
[ $# -le 2 ] || { echo "usage: $0 [BUILD_DIR] [SEEDS]" >&2; exit 2; }
build=${1:-build}
seeds=${2:-20}
sim=$build/tools/ztsim
ztlog=$build/ztlog
for b in "$sim" "$ztlog"; do
	[ -x "$b" ] || { echo "$0: $b: not built" >&2; exit 2; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/false-alarms.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# one run: "status exit" on line 1, then the flagged group names
verdict() { # LOG
	local rc=0
	"$ztlog" check -q --only balance -o json --examples 100000 \
	    ${INVENTORY:+--inventory "${1%/*}/inventory/config_dump.json"} \
	    "$1" >"$tmp/v.json" || rc=$?
	printf '%s %s\n' "$(grep '"id":"balance"' "$tmp/v.json" |
	    sed 's/.*"type":"balance","status":"\([a-z]*\)".*/\1/')" "$rc"
	grep '"id":"balance"' "$tmp/v.json" | grep -o '"text":"[^"]*"' |
	    sed 's/^"text":"\([^:]*\):.*/\1/' || true
}

printf '%-18s %5s %7s %7s %9s %9s  %s\n' scenario runs groups skewed \
    'non-pass' 'exit 1' 'flagged / caught'
for scen in ${SCENARIOS:-many healthy restart prefer-close capacity \
    weighted-waypoint skew-waypoint skew-endpoints idle-unhealthy}; do
	: >"$tmp/score"
	for seed in $(seq 1 "$seeds"); do
		"$sim" -o "$tmp/o" -s "$seed" --scenario "$scen"
		verdict "$tmp/o/ztunnel.log" >"$tmp/verdict"
		# truth groups ztlog judges: name, skewed
		awk -F'\t' 'NR > 1 && $2 != "waypoint-endpoint" {
			print ($2 == "client-waypoint" ? $1 " via waypoint" : $1) "\t" $8
		}' "$tmp/o/truth/groups.tsv" >"$tmp/groups"
		awk -F'\t' -v seed="$seed" 'FNR == NR {
			if (FNR == 1) { split($0, v, " "); st = v[1]; rc = v[2] }
			else flagged[$0] = 1
			next
		}
		{
			f = ($1 in flagged)
			printf "%s\t%s\t%s\t%s\t%d\n", seed, st, rc, $2, f
		}' "$tmp/verdict" "$tmp/groups" >>"$tmp/score"
	done
	awk -F'\t' -v scen="$scen" '
	{
		runs[$1] = 1
		if ($2 != "pass") nonpass[$1] = 1
		if ($3 == 1) exit1[$1] = 1
		if ($4 == 1) { sk++; caught += $5 } else { un++; fa += $5 }
	}
	END {
		for (r in runs) nr++
		for (r in nonpass) np++
		for (r in exit1) ne++
		if (sk > 0)
			what = sprintf("caught %d/%d = %.0f%%; false alarms %d/%d = %.2f%%",
			    caught, sk, 100 * caught / sk, fa, un,
			    (un ? 100 * fa / un : 0))
		else
			what = sprintf("flagged %d/%d = %.2f%%", fa, un,
			    (un ? 100 * fa / un : 0))
		printf "%-18s %5d %7d %7d %8.1f%% %8.1f%%  %s\n", scen, nr,
		    sk + un, sk, 100 * np / nr, 100 * ne / nr, what
	}' "$tmp/score"
done

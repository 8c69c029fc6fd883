#!/usr/bin/env bash
# bench/pairing-skew.sh -- how well `ztlog pairs` pairs the two records
# of each HBONE connection when the nodes' clocks disagree, on simulated
# clusters whose truth is known (tools/ztsim).
#
#   bench/pairing-skew.sh [BUILD_DIR] [SEEDS]
#
# For each clock setting (node clocks in seconds, CLOCKS="0,0.01,0.02
# 0,1.5,3 ..." to choose) and seeds 1..SEEDS (default 5) it simulates
# three nodes (the clock-skew scenario's services and clients, 30 s at
# RATE connections/s), runs `ztlog pairs -o json` on the log with and
# without kubectl's --prefix (pods known or not), and scores the pairs
# against truth/conns.tsv (out_line, in_line of each connection's twins):
#   twins     connections logged on both sides
#   right     pairs made as in the truth
#   wrong     pairs made of records of two different connections
#   missed    twins left unpaired
# HEALTH=W adds a service of weight W whose calls all have the same byte
# counts (bytes=120/64), twins that only their close times tell apart.
# RATE=R sets the connections per second (default 20).
# ERRORS=CAT:PCT,... gives the services ztsim error kinds (errors=).
# ZTLOG=path scores another ztlog binary (an older build, say).
# Prints one line per setting and input kind (sums over the seeds).
# Exit status 0, or 2 on a usage error.
set -euo pipefail

case "${1:-}" in -h | --help) sed -n '2,24s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
build=${1:-build}
seeds=${2:-5}
clocks=${CLOCKS:-"0,0,0 0,0.01,0.02 0,0.1,0.2 0,1.5,3 0,-3,3 -3,0,3 0,30,-30"}
extra=
[ -n "${HEALTH:-}" ] && extra="service health port=8080 replicas=2 weight=$HEALTH bytes=120/64"
ztlog=${ZTLOG:-$build/ztlog}
ztsim=$build/tools/ztsim
if [ ! -x "$ztlog" ] || [ ! -x "$ztsim" ]; then
	echo "usage: $0 [BUILD_DIR] [SEEDS]" >&2
	exit 2
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

score() {	# conns.tsv pairs.json -> "twins right wrong missed"
	awk -F'\t' 'FNR == NR { if (FNR > 1 && $14 == 1) { twin[$12] = $13; n++ } next }
	    /"status":"paired"/ {
		o = $0; sub(/.*"outbound":\{[^}]*"line":/, "", o); sub(/[^0-9].*/, "", o)
		i = $0; sub(/.*"inbound":\{[^}]*"line":/, "", i); sub(/[^0-9].*/, "", i)
		if ((o in twin) && twin[o] == i) right++; else wrong++
	    }
	    END { printf "%d %d %d %d\n", n, right, wrong, n - right }' "$1" "$2"
}

printf '%-16s %-7s %6s %6s %6s %6s\n' clocks input twins right wrong missed
for c in $clocks; do
	IFS=, read -r c1 c2 c3 <<<"$c"
	for kind in plain prefix; do
		t=(0 0 0 0)
		for ((s = 1; s <= seeds; s++)); do
			cat >"$tmp/scn" <<SCN
${ERRORS:+errors $ERRORS}
duration 30
rate ${RATE:-20}
node worker-1 clock=$c1
node worker-2 clock=$c2
node worker-3 clock=$c3
clients 4
service reviews ns=bookinfo port=9080 replicas=3
service details ns=bookinfo port=9080 replicas=2
service cart ns=shop port=7070 replicas=2
$extra
SCN
			opt=()
			[ $kind = prefix ] && opt=(--prefix)
			"$ztsim" -o "$tmp/o" -s "$s" --scenario "$tmp/scn" "${opt[@]}" >/dev/null
			"$ztlog" pairs -q -o json "$tmp/o/ztunnel.log" >"$tmp/p.json" || true
			read -r a b d e < <(score "$tmp/o/truth/conns.tsv" "$tmp/p.json")
			t=($((t[0] + a)) $((t[1] + b)) $((t[2] + d)) $((t[3] + e)))
		done
		printf '%-16s %-7s %6d %6d %6d %6d\n' "$c" $kind "${t[@]}"
	done
done

#!/usr/bin/env bash
# bench/sim-selfcheck.sh -- does ztsim draw endpoints as its model says?
#
#   bench/sim-selfcheck.sh [BUILD_DIR] [SEEDS]
#
# For each scenario below and SEEDS seeds (default 10), runs BUILD_DIR
# (default build)/tools/ztsim and compares, in truth/balance.tsv, each
# cell's drawn count with its expected count (the sum of ztunnel's model
# probabilities over the draws), per source node:
#   groups       (service, hop) groups; `skewed` ones (a broken balancer
#                on purpose) are scored apart
#   chi2/df      Pearson's chi-square of the unskewed cells over their
#                degrees of freedom (cells - groups x source nodes):
#                about 1 when the draws follow the model
#   z            (chi2 - df) / sqrt(2 df): within about +-3 when they do
#   max|d|       the largest |drawn - expected| share of a group, in points
#   skew shares  for skewed groups: drawn shares of the aggregate, to set
#                beside the skew= of the scenario (e.g. 78/22)
# SCENARIOS="a b" runs only those.  Prints figures only; it asserts
# nothing (the golden case sim/selfcheck
# pins a short run of it).  Exit status 0, or 2 on a usage error.
set -euo pipefail

case "${1:-}" in -h | --help) sed -n '2,20s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
[ $# -le 2 ] || { echo "usage: $0 [BUILD_DIR] [SEEDS]" >&2; exit 2; }
build=${1:-build}
seeds=${2:-10}
sim=$build/tools/ztsim
[ -x "$sim" ] || { echo "$0: $sim: not built" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/selfcheck.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

printf '%-18s %5s %6s %7s %8s %6s %7s\n' scenario seeds groups cells \
    chi2/df z 'max|d|'
for scen in ${SCENARIOS:-healthy many restart prefer-close capacity skew-waypoint \
    skew-endpoints idle-unhealthy weighted-waypoint}; do
	: >"$tmp/all.tsv"
	for seed in $(seq 1 "$seeds"); do
		"$sim" -o "$tmp/o" -s "$seed" --scenario "$scen"
		awk -F'\t' -v seed="$seed" 'FNR == NR {
			if (FNR > 1) skew[$1 "|" $2] = $8
			next
		}
		FNR > 1 && $3 != "*" {
			print seed "|" $1 "|" $2, $3, $5, $6, skew[$1 "|" $2]
		}' OFS='\t' "$tmp/o/truth/groups.tsv" "$tmp/o/truth/balance.tsv" \
		    >>"$tmp/all.tsv"
	done
	awk -F'\t' -v scen="$scen" -v seeds="$seeds" '
	{
		g = $1; k = g "|" $2
		if (!(g in seen)) { seen[g] = 1; ng++; sk[g] = $5 }
		if (!(k in node) && !$5) nsub++
		node[k] = 1
		e[g] += $3; n[g] += $4
		cells++
		if (!$5) {
			ucells++
			if ($3 > 0) chi += ($4 - $3) ^ 2 / $3
		}
		ce[NR] = $3; cn[NR] = $4; cg[NR] = g
	}
	END {
		for (i = 1; i <= NR; i++) {
			g = cg[i]
			if (sk[g] || n[g] == 0) continue
			d = 100 * (cn[i] / n[g] - ce[i] / e[g])
			if (d < 0) d = -d
			if (d > maxd) maxd = d
		}
		df = ucells - nsub
		z = df > 0 ? (chi - df) / sqrt(2 * df) : 0
		printf "%-18s %5d %6d %7d %8.3f %6.2f %7.2f\n", scen, seeds,
		    ng, cells, (df > 0 ? chi / df : 0), z, maxd
	}' "$tmp/all.tsv"
	# the drawn shares of the skewed groups (seed 1, all nodes)
	"$sim" -o "$tmp/o" -s 1 --scenario "$scen"
	awk -F'\t' 'FNR == NR { if (FNR > 1 && $8 == 1) want[$1 "|" $2] = 1; next }
	    FNR > 1 && $3 == "*" && (($1 "|" $2) in want) {
		k = $1 " " $2; n[k] += $6; c[k] = c[k] " " $6
	    }
	    END { for (k in n) {
		m = split(substr(c[k], 2), v, " "); s = ""
		for (i = 1; i <= m; i++) s = s sprintf("%s%.0f", (i > 1 ? "/" : ""),
		    100 * v[i] / n[k])
		printf "    skewed, seed 1: %s drawn %s (%d connections)\n", k, s,
		    n[k]
	    } }' "$tmp/o/truth/groups.tsv" "$tmp/o/truth/balance.tsv" | LC_ALL=C sort
done

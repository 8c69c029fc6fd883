#!/bin/sh
# Regenerates ambient-3node.log.gz, the bundled example: the output of
# `kubectl -n istio-system logs -l app=ztunnel --tail=-1 --prefix` on a
# simulated three-node ambient mesh, made by the repo's own generator.
# One service's first endpoint gets 25% extra connections, so `ztlog check`
# shows a balance warning (and still exits 0: warnings do not fail).
#   usage: examples/make-example.sh BUILD_DIR
set -eu
build=${1:-build}
"$build/tools/ztgen" -n 3000 -s 7 --prefix --errors 0 --plaintext 0 \
	--skew-endpoint 25 | gzip -n -9 >"$(dirname "$0")/ambient-3node.log.gz"

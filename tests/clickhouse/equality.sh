#!/usr/bin/env bash
# equality.sh -- ztlog's checks as ClickHouse SQL give ztlog's own counts
# and verdicts: for each fixture, `ztlog export` the records, load them
# into ClickHouse (chdb: the engine embedded, npm), run `ztlog rules sql`
# and compare with `ztlog check -o json` and `ztlog lb -o json`.
#
#   tests/clickhouse/equality.sh ZTLOG FIXTURE...
#
# chdb is looked for under $ZTLOG_CHDB_DIR (default /opt/ztlog-chdb, where
# scripts/setup-debian.sh installs it).  Without it the test says so and
# exits 77, which ctest reports as skipped (never as passed).
set -u
[ $# -ge 2 ] || { echo "usage: $0 ZTLOG FIXTURE..." >&2; exit 2; }
ztlog=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
chdb=${ZTLOG_CHDB_DIR:-/opt/ztlog-chdb}
if ! command -v node >/dev/null; then
	echo "SKIPPED: node is not installed (needed for chdb)"
	exit 77
fi
if ! NODE_PATH=$chdb/node_modules node -e "require('chdb')" 2>/dev/null; then
	echo "SKIPPED: chdb is not installed under $chdb (scripts/setup-debian.sh installs it)"
	exit 77
fi
t=$(mktemp -d) || exit 2
trap 'rm -rf "$t"' EXIT
rc=0
for f in "$@"; do
	echo "== $f"
	"$ztlog" export --ddl -q "$f" >"$t/ddl.sql" &&
	"$ztlog" export -q -o clickhouse "$f" >"$t/rec.tsv" &&
	"$ztlog" rules sql >"$t/rules.sql" || { echo "ztlog failed"; exit 2; }
	"$ztlog" check -q -o json "$f" >"$t/check.json"
	"$ztlog" lb -q -o json "$f" >"$t/lb.json"
	NODE_PATH=$chdb/node_modules node "$here/compare.js" "$t/ddl.sql" \
		"$t/rec.tsv" "$t/rules.sql" "$t/check.json" "$t/lb.json"
	r=$?
	[ $r -gt $rc ] && rc=$r
done
exit $rc

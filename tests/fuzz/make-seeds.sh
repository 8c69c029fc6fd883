#!/bin/sh
# Write the generated seed corpora of the fuzz targets:
#   tests/fuzz/seeds/fuzz_gzip/   small gzip files: valid, multi-member, with
#                                 header fields, trailing garbage, truncated,
#                                 corrupted; plus plain text edge cases;
#   tests/fuzz/seeds/fuzz_rules/  rule files: the built-in rules, some test
#                                 rule files, one using every key, a YAML
#                                 "billion laughs" and deep nesting;
#   tests/fuzz/seeds/fuzz_check/  check fixture lines cut into sources,
#                                 one rolled back; hostile code points;
#   tests/fuzz/seeds/fuzz_line/   the hostile log lines (code points XML
#                                 forbids, controls, invalid UTF-8);
#   tests/fuzz/seeds/fuzz_escape/ byte strings of every class escape.h
#                                 handles: file names and SQL results that
#                                 are not UTF-8, non-characters, controls;
#   tests/fuzz/seeds/fuzz_archive/ a bug-report and CRI layout as tar,
#                                 tar.gz, tar.zst, zip, nested; xz, bzip2.
# (tar, zip, zstd, xz, bzip2: scripts/setup-debian.sh)
# Deterministic (gzip -n: no name, no time), so the files can be checked in;
# each stays under 10 KB.  Only the files named here are (re)written: the
# regress-* inputs that once found a bug are left alone.
# Run from anywhere: sh tests/fuzz/make-seeds.sh
set -eu
cd "$(dirname "$0")/../.."
g=tests/fuzz/seeds/fuzz_gzip
r=tests/fuzz/seeds/fuzz_rules
mkdir -p "$g" "$r"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- fuzz_gzip --------------------------------------------------------------

# n access lines in the ztunnel 1.23 TAB layout.
lines() {
	i=1
	while [ "$i" -le "$1" ]; do
		printf '2024-11-19T13:%02d:%02d.%06dZ\tinfo\taccess\tconnection complete\tsrc.addr=10.244.1.12:%d src.workload="curl-7656cf8794-r7zb9" src.namespace="default" dst.addr=10.244.2.11:9080 dst.service="productpage.bookinfo.svc.cluster.local" direction="outbound" bytes_sent=%d bytes_recv=%d duration="%dms"\n' \
		    $((i / 60 % 60)) $((i % 60)) $((i * 7919 % 1000000)) \
		    $((30000 + i)) $((i * 37 % 1000)) $((i * 7919 % 100000)) \
		    $((i % 97))
		i=$((i + 1))
	done
}

lines 4 >"$tmp/small.log"
lines 60 >"$tmp/big.log"

# One member.
gzip -n <"$tmp/small.log" >"$g/valid.gz"
# Two members, the boundary inside a line.
head -c 300 "$tmp/small.log" | gzip -n >"$tmp/a.gz"
tail -c +301 "$tmp/small.log" | gzip -n >"$tmp/b.gz"
cat "$tmp/a.gz" "$tmp/b.gz" >"$g/multimember.gz"
# An empty member first, then a member of CRLF lines without a final newline.
: | gzip -n >"$tmp/empty.gz"
printf 'first\r\nsecond\r\n\r\nlast-no-newline\r' | gzip -n >"$tmp/crlf.gz"
cat "$tmp/empty.gz" "$tmp/crlf.gz" >"$g/empty-member-crlf.gz"
# Trailing garbage after a member (ignored by zlib), and after it a lone
# magic byte pair (a member cut in its header).
{ cat "$g/valid.gz"; printf 'garbage after the member\n'; } >"$g/trailing-garbage.gz"
{ cat "$g/valid.gz"; printf '\037\213'; } >"$g/trailing-magic.gz"
# FEXTRA, FNAME and FCOMMENT in the header, the deflate data of valid.gz.
{
	printf '\037\213\010\034\000\000\000\000\000\003'
	printf '\004\000AB\000\000'		# XLEN 4: subfield AB, length 0
	printf 'ztunnel.log\000a comment\000'
	tail -c +11 "$g/valid.gz"
} >"$g/header-fields.gz"
# A long line (over the 4096 cap; over the 256 KB chunk) between short ones.
{
	printf 'short\n'
	head -c 5000 /dev/zero | tr '\0' 'a'
	printf '\r\n'
	head -c 300000 /dev/zero | tr '\0' 'b'
	printf '\nend\n'
} | gzip -n -9 >"$g/long-lines.gz"
# Cut in half: a truncated stream.
gzip -n <"$tmp/big.log" >"$tmp/big.gz"
size=$(wc -c <"$tmp/big.gz")
head -c $((size / 2)) "$tmp/big.gz" >"$g/truncated.gz"
# 8 bytes overwritten in the middle of the deflate data.
cp "$tmp/big.gz" "$g/corrupt.gz"
printf '\377\000\377\000\377\000\377\000' |
	dd of="$g/corrupt.gz" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
# An invalid block type (BTYPE 3) right after the header.
cp "$g/valid.gz" "$g/corrupt-block.gz"
printf '\377' | dd of="$g/corrupt-block.gz" bs=1 seek=10 conv=notrunc 2>/dev/null
# A bad trailer: CRC-32 changed (the data decodes, the check fails).
head -c $(($(wc -c <"$g/valid.gz") - 8)) "$g/valid.gz" >"$g/bad-crc.gz"
printf '\000\000\000\000' >>"$g/bad-crc.gz"
tail -c 4 "$g/valid.gz" >>"$g/bad-crc.gz"
# Plain text: CR at the ends, NUL bytes, no final newline.
printf 'a\r\n\r\n\r\rb\000c\n\nlast' >"$g/plain-edges.log"
# The magic and nothing else; a single 0x1f (plain: too short for gzip).
printf '\037\213' >"$g/magic-only.gz"
printf '\037' >"$g/one-byte.log"

# ---- fuzz_rules -------------------------------------------------------------

cp rules/default.yaml "$r/default.yaml"
for f in custom err-bad-regex err-bad-window err-dup-id err-bad-column \
    err-write-sql err-unknown-key err-yaml-syntax catastrophic \
    err-attach-sql; do
	if [ -f tests/fixtures/rules/$f.yaml ]; then
		cp tests/fixtures/rules/$f.yaml "$r/"
	fi
done
# A description with code points XML forbids, an sql rule whose results
# are not UTF-8.
cp tests/fixtures/hostile/machine-formats.yaml "$r/"

cat >"$r/every-key.yaml" <<'EOF'
# Every rule type with every key it accepts, every filter operator.
version: 1
rules:
  - id: hb
    description: "hbone, with where and require"
    severity: error
    type: hbone
    where:
      direction: outbound
      src_port: 39120
      hbone: {in: [0, 1]}
    require:
      dst_namespace: {in: [default, "bookinfo"]}
      dst_service: {not_match: '^kube-dns\.'}
  - id: pair.1
    description: pairing
    severity: warning
    type: pairing
    window: 1.5s
    waypoint: '(?i)waypoint|gateway'
  - id: bal_1
    description: balance
    severity: info
    type: balance
    alpha: 0.05
    max_ratio: 3
    min_expected: 10
    material_ratio: 2
    material_points: 15
    where: {dst_service: {match: '^reviews\.'}}
  - id: wp
    description: waypoint
    severity: error
    type: waypoint
  - id: idle
    description: endpoints
    severity: warning
    type: endpoints
    min_connections: 100
  - id: err-1
    description: errors
    severity: error
    type: errors
    max: 2
    where:
      error: {match: 'reset|refused'}
      message: connection failed
  - id: q
    description: |
      a sql rule
      with a bound
    severity: warning
    type: sql
    query: >
      SELECT pod, count(*) FROM records
      WHERE dst_workload REGEXP '^reviews' GROUP BY 1
    expect: {min: 1}
EOF

cat >"$r/value-forms.yaml" <<'EOF'
# The other forms of values: durations, bounds, expect, empty filters.
rules:
  - {id: w1, description: d, severity: info, type: pairing, window: 500ms}
  - {id: w2, description: d, severity: info, type: pairing, window: 1min}
  - {id: w3, description: d, severity: info, type: pairing, window: 250}
  - id: b
    description: d
    severity: warning
    type: balance
    alpha: 1e-3
    max_ratio: 0
    min_expected: 1
  - {id: s1, description: d, severity: info, type: sql, query: SELECT 1, expect: empty}
  - {id: s2, description: d, severity: info, type: sql, query: "SELECT 1", expect: {max: 0}}
  - id: e
    description: d
    severity: error
    type: errors
    max: 9223372036854775807
    where:
      src_port: {in: ["1", 2]}
      pod: {not_match: ''}
      level: ""
      error: {match: '(?i)RESET|\d+$'}
  - {id: h, description: d, severity: error, type: hbone, where: {}, require: {}}
EOF

# Multibyte UTF-8 before and inside rules (positions are kept per rule).
printf '# r\303\250gles \342\200\224 \360\237\224\222\nrules:\n  - id: aa\n    description: "\303\251\303\251\303\251 \342\202\254"\n    severity: error\n    type: errors\n  - id: bb\n    description: d\n    severity: error\n    type: errors\n    where: {dst_service: {match: "^\303\251|\\\\p{Greek}"}}\n' \
    >"$r/multibyte.yaml"

# Billion laughs: nine levels of aliases (refused at the first alias).
{
	printf 'rules:\n  - id: lol\n    description: &a "lol"\n'
	printf '    x1: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n'
	prev=b
	for l in c d e f g h i j; do
		printf '    x%s: &%s [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]\n' \
		    "$l" "$l" "$prev" "$prev" "$prev" "$prev" "$prev" "$prev" \
		    "$prev" "$prev" "$prev"
		prev=$l
	done
} >"$r/billion-laughs.yaml"

# Deep nesting: block mappings 40 deep in a where:, then flow sequences
# 1000 deep (the loader stops at 32 levels).
{
	printf 'rules:\n  - id: deep\n    description: d\n    severity: error\n'
	printf '    type: errors\n    where:\n'
	ind='      '
	i=0
	while [ "$i" -lt 40 ]; do
		printf '%sk%d:\n' "$ind" "$i"
		ind="$ind  "
		i=$((i + 1))
	done
	printf '%sv\n' "$ind"
} >"$r/deep-nesting.yaml"
{
	printf 'rules: '
	head -c 1000 /dev/zero | tr '\0' '['
	head -c 1000 /dev/zero | tr '\0' ']'
	printf '\n'
} >"$r/deep-flow.yaml"

# ---- fuzz_check -------------------------------------------------------------

# Lines of the check fixtures cut into sources: HBONE twins on both sides
# of a "#src" line, a source rolled back by "#abort", waypoint traffic.
k=tests/fuzz/seeds/fuzz_check
f=tests/fixtures/check
mkdir -p "$k"
{
	sed -n '1,6p' "$f/problems.log"
	echo '#src'
	sed -n '7,12p' "$f/problems.log"
	echo '#abort'
	sed -n '1,3p' "$f/healthy.log"
	echo '#src'
	sed -n '1,2p;61,62p' "$f/waypoint.log"
} >"$k/sources-abort"
# Values with U+FFFE, U+FFFF, other non-characters, C0/C1/bidi controls
# and XML specials, and terminal escapes, over two sources.
{
	cat tests/fixtures/hostile/machine-formats.log
	echo '#src'
	sed -n '1,6p' tests/fixtures/hostile/terminal-escapes.log
} >"$k/hostile-codepoints"

# ---- fuzz_line --------------------------------------------------------------

l=tests/fuzz/seeds/fuzz_line
mkdir -p "$l"
cat tests/fixtures/hostile/machine-formats.log \
    tests/fixtures/hostile/bad-codepoints.log >"$l/hostile-codepoints"

# ---- fuzz_escape ------------------------------------------------------------

e=tests/fuzz/seeds/fuzz_escape
mkdir -p "$e"
printf 'caf\351-<&>.log' >"$e/latin1-file-name"
printf '\377|\355\240\200|\300\257|\364\220\200\200|\370\210\200\200\200|\342\202' \
    >"$e/invalid-utf8"
printf '\357\277\276\357\277\277 \357\267\220 \360\237\277\276 \364\217\277\277' \
    >"$e/non-characters"
printf '\000\001\t\n\r\033[31m\177 \302\205\302\233 \342\200\256\342\201\246' \
    >"$e/controls"
printf '"=cmd|\047 /C calc\047!A0",\\x41 &amp; <a href=\047x\047>' >"$e/specials"

# ---- fuzz_archive: small archives of each kind ------------------------------
a=tests/fuzz/seeds/fuzz_archive
mkdir -p "$a" "$tmp/ar/bug-report/proxies/istio-system/ztunnel-a" \
    "$tmp/ar/pods/istio-system_ztunnel-a_1/istio-proxy"
{
	printf '========= Previous log present (appended at the end) =========\n\n'
	lines 2
	printf '\n\n========= Previous log =========\n\n'
	lines 1
} >"$tmp/ar/bug-report/proxies/istio-system/ztunnel-a/istio-proxy.log"
printf '{"workloads":{}}\n' >"$tmp/ar/bug-report/proxies/istio-system/ztunnel-a/config_dump"
printf 'v1\n' >"$tmp/ar/bug-report/versions"
lines 2 | sed 's/^/2024-11-19T13:00:00.1Z stdout F /' \
    >"$tmp/ar/pods/istio-system_ztunnel-a_1/istio-proxy/0.log"
lines 1 | gzip -n >"$tmp/ar/pods/istio-system_ztunnel-a_1/istio-proxy/0.log.20241119-120000.gz"
find "$tmp/ar" -exec touch -d @0 {} +
(cd "$tmp/ar" && tar -c -b 1 --owner=0 --group=0 --mtime=@0 --sort=name \
    bug-report pods) >"$a/layout.tar"
gzip -n <"$a/layout.tar" >"$a/layout.tar.gz"
zstd -q -c "$a/layout.tar" >"$a/layout.tar.zst"
(cd "$tmp/ar" && zip -q -X -r - bug-report pods) >"$a/layout.zip"
lines 3 | xz -c >"$a/single.log.xz"
lines 3 | bzip2 -c >"$a/single.log.bz2"
cp "$a/layout.tar.gz" "$tmp/inner.tar.gz"
(cd "$tmp" && touch -d @0 inner.tar.gz && tar -c -b 1 --owner=0 --group=0 \
    --mtime=@0 inner.tar.gz) >"$a/nested.tar"

ls -l "$g" "$r" "$k" "$l" "$e" "$a"

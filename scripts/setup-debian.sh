#!/bin/sh
# Install what building and testing ztlog needs on Debian 12 (run as root):
# the tests validate JUnit with xmllint (libxml2-utils), JSON with jq and
# python3 (strict UTF-8: tests/fixtures/hostile/formats.bash), check the
# zsh and fish completions with those shells, and build the archives of
# tests/fixtures/wrappers/ with tar, zip, zstd, xz and bzip2, and render
# the HTML report in a headless chromium (tests/html-chromium.sh).
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
	build-essential cmake pkg-config \
	libsqlite3-dev libpcre2-dev libyaml-dev zlib1g-dev libjansson-dev \
	libarchive-dev libxxhash-dev clang libclang-rt-14-dev mandoc gzip sqlite3 \
	tar zip unzip zstd xz-utils bzip2 \
	libxml2-utils python3 jq zsh fish chromium >/dev/null

# ClickHouse, embedded (npm chdb), for tests/clickhouse/ only: ztlog's
# checks as ClickHouse SQL must give ztlog's own results.  Not fatal: the
# test says it is skipped when chdb is missing.
chdb=${ZTLOG_CHDB_DIR:-/opt/ztlog-chdb}
if ! command -v npm >/dev/null; then
	apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null ||
		true
fi
if [ ! -d "$chdb/node_modules/chdb" ] && command -v npm >/dev/null; then
	mkdir -p "$chdb"
	npm install --prefix "$chdb" --no-audit --no-fund --silent \
		chdb@3.4.0 >/dev/null 2>&1 ||
		echo "setup: chdb could not be installed; the ClickHouse test will be skipped"
fi

#!/bin/sh
# Install what building and testing ztlog needs on Debian 12 (run as root).
# xmllint (libxml2-utils) and python3 check that the machine formats parse
# (tests/fixtures/hostile/formats.bash).  tar, zip, zstd, xz and bzip2 build
# the archives of tests/fixtures/wrappers/ at test time.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
	build-essential cmake pkg-config \
	libsqlite3-dev libpcre2-dev libyaml-dev zlib1g-dev libarchive-dev \
	clang libclang-rt-14-dev mandoc gzip sqlite3 \
	tar zip unzip zstd xz-utils bzip2 \
	libxml2-utils python3 >/dev/null

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
	libarchive-dev clang libclang-rt-14-dev mandoc gzip sqlite3 \
	tar zip unzip zstd xz-utils bzip2 \
	libxml2-utils python3 jq zsh fish chromium >/dev/null

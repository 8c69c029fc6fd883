#!/bin/sh
# The whole test suite, as CI runs it:
#   1. gcc build, warnings as errors, every ctest test (unit, golden, man),
#      and the Release and MinSizeRel builds, warnings as errors;
#   2. the same suite under AddressSanitizer + UndefinedBehaviorSanitizer;
#   3. the golden cases that run several threads (parse threads, live and
#      streamed input, interrupts) under ThreadSanitizer;
#   4. each libFuzzer target for a bounded time (ZTLOG_FUZZ_SECONDS, 60).
# Build trees go to build-check/; nothing outside it is written.
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
secs=${ZTLOG_FUZZ_SECONDS:-60}
out=build-check
passed=0
skipped=0

# run_ctest DIR: the suite in one build tree; counts what passed.
run_ctest() {
	rc=0
	(cd "$1" && ctest --output-on-failure -j "$jobs") >"$1/ctest.log" 2>&1 || rc=$?
	cat "$1/ctest.log"
	[ "$rc" = 0 ] || { echo "check: tests failed in $1"; exit 1; }
	n=$(sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p' "$1/ctest.log" | tail -n 1)
	# skipped tests (a tool missing) are named, and not counted as passed
	k=$(grep -c '(Skipped)' "$1/ctest.log" || true)
	passed=$((passed + ${n:-0} - k))
	skipped=$((skipped + k))
}

echo "== build (gcc, -Werror)"
cmake -S . -B $out/release -DZTLOG_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build $out/release -j "$jobs" >/dev/null
run_ctest $out/release

# Other optimisation levels warn about other things (-Wmaybe-uninitialized
# at -O2/-O3, -Wformat-truncation at -Os): every build type stays clean.
for bt in Release MinSizeRel; do
	echo "== build (gcc, $bt, -Werror; build only)"
	cmake -S . -B $out/$bt -DZTLOG_WERROR=ON -DCMAKE_BUILD_TYPE=$bt >/dev/null
	cmake --build $out/$bt -j "$jobs" >/dev/null ||
		{ cmake --build $out/$bt 2>&1 | grep -E 'warning|error' | head -20
		  echo "check: the $bt build failed"; exit 1; }
done

echo "== build (clang, ASan+UBSan, -Werror)"
CC=clang cmake -S . -B $out/asan -DZTLOG_WERROR=ON -DCMAKE_BUILD_TYPE=Debug \
	-DZTLOG_SANITIZE=address,undefined >/dev/null
cmake --build $out/asan -j "$jobs" >/dev/null
export ASAN_OPTIONS=detect_leaks=1
run_ctest $out/asan

echo "== build (clang, TSan; ztlog and the tools goldens run)"
CC=clang cmake -S . -B $out/tsan -DZTLOG_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DZTLOG_SANITIZE=thread >/dev/null
cmake --build $out/tsan -j "$jobs" --target ztlog ztgen ztsim peakrss >/dev/null
# A race report goes to stderr, which the golden compares: it fails the case.
for c in tests/fixtures/ingest/threads.sh tests/fixtures/ingest/lookahead.sh \
    tests/fixtures/live/*.sh \
    tests/fixtures/stream/*.sh tests/fixtures/filters/ingest.sh \
    tests/fixtures/wrappers/layouts.sh tests/fixtures/check/*.sh; do
	TSAN_OPTIONS=halt_on_error=1 tests/golden.sh $out/tsan/ztlog "$c" ||
		{ echo "check: $c failed under ThreadSanitizer"; exit 1; }
	passed=$((passed + 1))
done
echo "tsan: every case passed"

echo "== fuzz (libFuzzer, ${secs}s per target)"
CC=clang cmake -S . -B $out/fuzz -DZTLOG_WERROR=ON -DCMAKE_BUILD_TYPE=Debug \
	-DZTLOG_SANITIZE=address,undefined -DZTLOG_FUZZ=ON >/dev/null
cmake --build $out/fuzz -j "$jobs" >/dev/null
for f in $out/fuzz/tests/fuzz/fuzz_*; do
	[ -x "$f" ] || continue
	name=$(basename "$f")
	corpus=$out/fuzz/corpus-$name
	mkdir -p "$corpus"
	dict=	# the target's dictionary, if it has one
	if [ -f tests/fuzz/"$name".dict ]; then dict=-dict=tests/fuzz/$name.dict; fi
	# seeds: inputs that once found bugs, plus the golden inputs it reads
	extra=tests/fixtures/ingest
	[ "$name" = fuzz_rules ] && extra=tests/fixtures/rules
	[ "$name" = fuzz_check ] && extra=tests/fixtures/check
	[ "$name" = fuzz_inventory ] && extra=tests/fixtures/inventory
	"$f" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 ${dict:+"$dict"} \
		-print_final_stats=1 "$corpus" tests/fuzz/seeds/"$name" "$extra" 2>"$out/fuzz/$name.log" ||
		{ tail -50 "$out/fuzz/$name.log"; echo "fuzz: $name FAILED"; exit 1; }
	runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out/fuzz/$name.log" | grep -o '[0-9]*$')
	echo "fuzz: $name: $runs executions, no crash"
	passed=$((passed + 1))
done
echo "check: $passed passed, 0 failed, $skipped skipped"

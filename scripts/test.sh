#!/bin/sh
# The whole test suite (README "test" command; .ci/run calls this):
#   1. release build (gcc, warnings as errors) + every test under CTest
#   2. the same tests built with AddressSanitizer + UndefinedBehaviorSanitizer
#   3. libFuzzer targets (clang, ASan+UBSan), a bounded run each
#   4. clang-format check
# Ends with "summary: N passed, N failed" over the stages.
# Environment: TZ_TESTDATA (default ../shared/testdata), TZ_FUZZ_SECONDS
# (default 20 per target).
set -u
cd "$(dirname "$0")/.."
scripts/deps.sh test || exit 1
td=${TZ_TESTDATA:-$(cd .. && pwd)/shared/testdata}
fuzz_s=${TZ_FUZZ_SECONDS:-20}
jobs=$(nproc)
passed=0
failed=0

stage() { # name, command...
	name=$1
	shift
	echo "=== $name"
	if "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "=== FAILED: $name"
	fi
}

build_and_ctest() { # dir, cmake args...
	dir=$1
	shift
	cmake -S . -B "$dir" -DTZ_TESTDATA="$td" "$@" >/dev/null &&
		cmake --build "$dir" -j"$jobs" &&
		ctest --test-dir "$dir" --output-on-failure -j"$jobs"
}

fuzz() {
	dir=build/fuzz
	targets=$(cd tests/fuzz && ls fuzz_*.c | sed 's/\.c$//')
	CC=clang-14 cmake -S . -B $dir -DCMAKE_BUILD_TYPE=Debug -DTZ_SANITIZE=ON \
		-DTZ_FUZZ=ON -DTZ_TESTDATA="$td" >/dev/null &&
		cmake --build $dir -j"$jobs" --target $targets || return 1
	# seeds: the torture corpora (copied into the build tree, never into
	# the repository)
	mkdir -p $dir/seeds
	cp "$td"/rfc4475/*.dat "$td"/rfc5118/wire/*.sip $dir/seeds/ || return 1
	for t in $targets; do
		mkdir -p $dir/corpus-$t
		echo "$t: ${fuzz_s}s"
		$dir/tests/fuzz/$t -max_total_time="$fuzz_s" -timeout=10 \
			-rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix=$dir/ $dir/corpus-$t $dir/seeds \
			2>$dir/$t.log || {
			tail -40 $dir/$t.log
			return 1
		}
		grep -E "stat::number_of_executed_units" $dir/$t.log
	done
}

format_check() {
	files=$(git ls-files '*.c' '*.h' 2>/dev/null)
	[ -n "$files" ] || files=$(find apps src include tests bench -name '*.[ch]')
	clang-format --dry-run --Werror $files
}

stage "release build + tests" build_and_ctest build/release \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo
stage "ASan+UBSan build + tests" build_and_ctest build/asan \
	-DCMAKE_BUILD_TYPE=Debug -DTZ_SANITIZE=ON
stage "fuzz (${fuzz_s}s per target)" fuzz
stage "clang-format" format_check
echo "summary: $passed passed, $failed failed"
[ "$failed" = 0 ]

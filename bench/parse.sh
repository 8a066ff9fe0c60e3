#!/bin/sh
# Parser benchmark (not a test): messages/second on this machine, and
# instructions per message counted by callgrind, which do not depend on
# the machine's load. usage: bench/parse.sh
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh run
command -v valgrind >/dev/null || apt-get install -y valgrind
# build-bench/, as bench/lib.sh's bench_bin: not build/bench, which is
# where build/ keeps its own bench/ directory (a tree configured there
# put a second copy of every test into build/'s ctest)
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-bench -j"$(nproc)" --target bench_parse >/dev/null
b=build-bench/bench/bench_parse
td=${TZ_TESTDATA:-$(cd .. && pwd)/shared/testdata}
echo "== wall clock ($(nproc) cores, $(uname -m))"
$b -n 2000000 "$td/rfc4475"
echo "== callgrind instructions per message (10,000 parses minus start-up)"
for m in INVITE+SDP REGISTER "200 OK"; do
	full=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null \
		$b -n 10000 -m "$m" 2>&1 | sed -n 's/.*I *refs: *//p' | tr -d ,)
	base=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null \
		$b -n 0 -m "$m" 2>&1 | sed -n 's/.*I *refs: *//p' | tr -d ,)
	echo "$m: $(((full - base) / 10000)) instructions/message"
done

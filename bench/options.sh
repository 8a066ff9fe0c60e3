#!/bin/sh
# OPTIONS -> 200 throughput of "trapezoid serve" with SIPp as the load,
# and the server's CPU time per 1,000 requests (from /proc/PID/stat).
# A benchmark, not a test: prints figures, asserts nothing.
#
# usage: bench/options.sh [REQUESTS] [WORKERS] [udp|tcp]
#   REQUESTS  default 100000; WORKERS default 1; transport default udp
# Environment: TZ_BIN (default build-bench/trapezoid, built Release here).
set -eu
cd "$(dirname "$0")/.."
n=${1:-100000}
workers=${2:-1}
tp=${3:-udp}
bin=${TZ_BIN:-}
if [ -z "$bin" ]; then
	cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build build-bench -j"$(nproc)" --target trapezoid >/dev/null
	bin=build-bench/trapezoid
fi
dir=$(mktemp -d)
pid=
cleanup() {
	if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

"$bin" serve --listen "$tp:127.0.0.1:0" --workers "$workers" \
	--control "$dir/ctl" --log-level warn 2>"$dir/log" &
pid=$!
i=0
until "$bin" status --control "$dir/ctl" >"$dir/status" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 50 ] || { echo "server did not start" >&2; cat "$dir/log" >&2; exit 1; }
	sleep 0.1
done
port=$(grep -o "$tp:127.0.0.1:[0-9]*" "$dir/status" | cut -d: -f3)

cpu() { # utime + stime of the server, in clock ticks
	awk '{print $14 + $15}' "/proc/$pid/stat"
}
hz=$(getconf CLK_TCK)
t=""
[ "$tp" = tcp ] && t="-t t1"
c0=$(cpu)
s0=$(date +%s.%N)
# -l bounds the calls in flight; -r is high so SIPp goes as fast as the
# pair can; -timeout bounds the run
# shellcheck disable=SC2086
timeout 600 sipp -sf bench/sipp/options.xml $t -m "$n" -r 50000 -rp 1000 \
	-l 200 -i 127.0.0.1 -nostdin -timeout 300s \
	-trace_stat -stf "$dir/stat.csv" "127.0.0.1:$port" >"$dir/sipp.out" 2>&1 ||
	true
s1=$(date +%s.%N)
c1=$(cpu)
ok=$(grep -E "Successful call" "$dir/sipp.out" | tail -1 | awk '{print $(NF)}')
bad=$(grep -E "Failed call" "$dir/sipp.out" | tail -1 | awk '{print $(NF)}')
"$bin" status --control "$dir/ctl" >"$dir/status"
awk -v n="$n" -v ok="${ok:-0}" -v bad="${bad:-0}" -v s0="$s0" -v s1="$s1" \
	-v c0="$c0" -v c1="$c1" -v hz="$hz" -v w="$workers" -v tp="$tp" 'BEGIN {
	wall = s1 - s0; cpu = (c1 - c0) / hz
	printf "transport %s, workers %d, requests %d: %d answered, %d failed\n", tp, w, n, ok, bad
	printf "wall %.2f s, %.0f OPTIONS/s (SIPp-bound on a small machine)\n", wall, ok / wall
	printf "server CPU %.2f s, %.1f ms per 1000 requests, %.0f requests per CPU-second\n", cpu, cpu * 1000000 / ok, ok / cpu
}'
grep -o '"received":[0-9]*,"sent":[0-9]*' "$dir/status" | head -1

#!/bin/sh
# REGISTER throughput of "trapezoid serve" with SIPp as the load: USERS
# distinct users, each registered once over UDP, with digest auth (the
# full 401 round trip) or without; the server's CPU time per 1,000
# registrations (from /proc/PID/stat), the group commit (registrations per
# SQLite commit) and the server's memory per binding (VmRSS).
# A benchmark, not a test: prints figures, asserts nothing.
#
# usage: bench/register.sh [USERS] [WORKERS] [auth|noauth] [RATE]
#   USERS    default 10000; WORKERS default 1; auth by default
#   RATE     registrations/s SIPp aims at; default 0: as fast as it goes
#            (at most 200 in flight)
# Environment: TZ_BIN (default build-bench/trapezoid, built Release here);
#   TZ_BENCH_DIR (default a new mktemp -d: where the database lives);
#   TZ_MEM=1: 2*USERS users are imported and a second pass registers the
#   other USERS once the first pass's transactions are gone, so that its
#   RSS growth is the bindings' (and SQLite's), not freed transaction
#   memory that malloc keeps (adds ~35 s).
set -eu
cd "$(dirname "$0")/.."
n=${1:-10000}
workers=${2:-1}
mode=${3:-auth}
rate=${4:-0}
mem=${TZ_MEM:-0}
total=$n
[ "$mem" = 1 ] && total=$((2 * n))
case $mode in
auth) auth=on ;;
noauth) auth=off ;;
*) echo "mode: auth or noauth" >&2; exit 2 ;;
esac
. "$(dirname "$0")/lib.sh"
bin=$(bench_bin)
top=$(pwd)
dir=$(mktemp -d "${TZ_BENCH_DIR:-${TMPDIR:-/tmp}}/tzreg.XXXXXX")
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && { wait "$pid" 2>/dev/null || true; }
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# the users: u00001@localhost .. with password p<n>; SIPp's injection file
# carries the [authentication] keyword whole (SIPp expands a keyword
# inside an injected field, not a field inside the keyword)
awk -v n="$total" 'BEGIN { for (i = 1; i <= n; i++)
	printf "u%05d@localhost,p%d\n", i, i }' >"$dir/users.txt"
inf() { # SIPp's injection file for users $1..$2
	awk -v a="$1" -v b="$2" 'BEGIN { print "SEQUENTIAL"
	for (i = a; i <= b; i++)
		printf "u%05d;[authentication username=u%05d password=p%d]\n", i, i, i
	}'
}
inf 1 "$n" >"$dir/users.csv"
inf $((n + 1)) "$total" >"$dir/users2.csv"
"$bin" user import "$dir/users.txt" --db "sqlite:$dir/db" >/dev/null

"$bin" serve --listen udp:127.0.0.1:0 --workers "$workers" \
	--db "sqlite:$dir/db" --control "$dir/ctl" --log-level warn \
	--auth "$auth" --auth-algorithms MD5,SHA-256 --auth-fail-limit 0 \
	--max-expires 3600s --shutdown-timeout 0s 2>"$dir/log" &
pid=$!
wait_up users "$total"
port=$(grep -o 'udp:127.0.0.1:[0-9]*' "$dir/status" | cut -d: -f3)

rss() { # resident set of the server, kB
	awk '/^VmRSS:/ {print $2}' "/proc/$pid/status"
}
hz=$(getconf CLK_TCK)
if [ "$rate" -gt 0 ]; then
	r="-r $rate -rp 1000 -l 1000"
else
	r="-r 50000 -rp 1000 -l 200"
fi
d0=$(cat "$dir"/db* | wc -c)
m0=$(rss)
c0=$(cpu)
k0=$(kids)
s0=$(date +%s.%N)
load() { # SIPp registers the users of injection file $1
	# shellcheck disable=SC2086
	(cd "$dir" && timeout 600 sipp -sf "$top/bench/register_$mode.xml" \
		-inf "$1" -m "$n" $r -i 127.0.0.1 -nostdin -timeout 300s \
		"127.0.0.1:$port" >sipp.out 2>&1) || true
}
drain() { # until the server transactions are gone (Timer J, 32 s; <= 45 s)
	i=0
	while status && [ "$(field transactions)" != 0 ] && [ $i -lt 450 ]; do
		i=$((i + 1))
		sleep 0.1
	done
}
load users.csv
s1=$(date +%s.%N)
k1=$(kids)
c1=$(cpu)
ok=$(grep -E "Successful call" "$dir/sipp.out" | tail -1 | awk '{print $(NF)}')
bad=$(grep -E "Failed call" "$dir/sipp.out" | tail -1 | awk '{print $(NF)}')
m1=$(rss)
# the server transactions live on for Timer J (64*T1 = 32 s); the binding
# memory is read once they are gone
drain
m2=$(rss)
c2=$(cpu)
d1=$(cat "$dir"/db* | wc -c)
b=$(field bindings)
grep -o '"registrar":{[^}]*}' "$dir/status" >"$dir/reg"
regs=$(grep -o '"registers":[0-9]*' "$dir/reg" | cut -d: -f2)
commits=$(grep -o '"commits":[0-9]*' "$dir/reg" | cut -d: -f2)
maxb=$(grep -o '"max_batch":[0-9]*' "$dir/reg" | cut -d: -f2)
m3=0
b2=0
if [ "$mem" = 1 ]; then
	load users2.csv
	drain
	m3=$(rss)
	b2=$(field bindings)
fi
awk -v n="$n" -v ok="${ok:-0}" -v bad="${bad:-0}" -v s0="$s0" -v s1="$s1" \
	-v c0="$c0" -v c1="$c1" -v c2="$c2" -v k0="$k0" -v k1="$k1" \
	-v hz="$hz" -v w="$workers" -v mode="$mode" -v rate="$rate" \
	-v m0="$m0" -v m1="$m1" -v m2="$m2" -v m3="$m3" -v b="${b:-0}" -v b2="${b2:-0}" -v regs="${regs:-0}" \
	-v commits="${commits:-0}" -v maxb="${maxb:-0}" -v d0="$d0" -v d1="$d1" 'BEGIN {
	wall = s1 - s0; cpu = (c1 - c0) / hz; sipp = (k1 - k0) / hz
	printf "UDP, %s, workers %d, %d users, SIPp rate %s: %d registered, %d failed\n",
	        mode, w, n, (rate > 0 ? rate "/s" : "unlimited"), ok, bad
	printf "wall %.2f s, %.0f registrations/s; SIPp used %.2f CPU-s on the same 2 cores\n",
	        wall, ok / wall, sipp
	if (ok > 0 && cpu > 0)
		printf "server CPU %.2f s, %.1f ms per 1000 registrations, %.0f registrations per CPU-second\n",
		        cpu, cpu * 1000000 / ok, ok / cpu
	printf "server CPU while the transactions drained: %.2f s\n", (c2 - c1) / hz
	printf "registrar: %d bindings, %d registers, %d commits (%.1f registrations per commit), largest batch %d\n",
	        b, regs, commits, commits ? regs / commits : 0, maxb
	printf "VmRSS: %d kB with the users loaded, %d kB at the end of the run, %d kB after Timer J\n",
	        m0, m1, m2
	if (b > 0)
		printf "memory: %.0f bytes per binding (RSS growth after Timer J / bindings); database files %d -> %d bytes, %.0f per binding\n",
		        (m2 - m0) * 1024 / b, d0, d1, (d1 - d0) / b
	if (b2 > b)
		printf "second pass, %d more bindings: VmRSS %d kB after Timer J, %.0f bytes per binding\n",
		        b2 - b, m3, (m3 - m2) * 1024 / (b2 - b)
}'

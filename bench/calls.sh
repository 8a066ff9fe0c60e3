#!/bin/sh
# Calls through the proxy with SIPp as both ends: callee B is NB SIPp UAS
# instances (bench/calls_uas.xml), each registered first as bK@localhost
# from the port it answers on (bench/calls_register.xml; the server runs
# with auth off); caller A is one SIPp UAC (bench/calls_uac.xml) placing
# CALLS calls at RATE calls/s to b1..bN in turn: INVITE, 100 (from the
# proxy), 180, 200 (B answers at once), ACK, a HOLD pause, BYE, 200, the
# ACK and BYE following the Record-Route. Prints the calls attempted,
# successful and failed, the call setup time (INVITE sent -> 200
# received at A) p50/p95/p99, the calls/s achieved, and the server's CPU
# time (utime + stime from /proc/PID/stat) per call.
# A benchmark, not a test: prints figures, asserts nothing.
#
# usage: bench/calls.sh [CALLS] [RATE] [WORKERS] [dialog|stateful|stateless]
#   CALLS default 5000; RATE calls/s, default 200; WORKERS default 1;
#   the proxy mode, default dialog (the server's default: a dialog and a
#   call detail record per call)
# Environment: TZ_BIN (default build-bench/trapezoid, built Release here);
#   TZ_BENCH_DIR (default a new mktemp -d: where the database lives);
#   TZ_CALLEES callee instances (default 1); TZ_HOLD ms between ACK and
#   BYE (default 1000); TZ_KEEP=1 keeps the directory (SIPp's traces).
set -eu
cd "$(dirname "$0")/.."
calls=${1:-5000}
rate=${2:-200}
workers=${3:-1}
mode=${4:-dialog}
nb=${TZ_CALLEES:-1}
hold=${TZ_HOLD:-1000}
case $mode in
dialog | stateful | stateless) ;;
*) echo "mode: dialog, stateful or stateless" >&2; exit 2 ;;
esac
. "$(dirname "$0")/lib.sh"
bin=$(bench_bin)
top=$(pwd)
dir=$(mktemp -d "${TZ_BENCH_DIR:-${TMPDIR:-/tmp}}/tzcalls.XXXXXX")
pid=
bpids=
cleanup() {
	for p in $bpids $pid; do
		kill "$p" 2>/dev/null && { wait "$p" 2>/dev/null || true; }
	done
	if [ "${TZ_KEEP:-0}" = 1 ]; then echo "kept $dir" >&2; else rm -rf "$dir"; fi
}
trap cleanup EXIT INT TERM

# the users: a@localhost and b1..bN@localhost
{
	echo "a@localhost,apw"
	awk -v n="$nb" 'BEGIN { for (i = 1; i <= n; i++) printf "b%d@localhost,bpw%d\n", i, i }'
} >"$dir/users.txt"
awk -v n="$nb" 'BEGIN { print "SEQUENTIAL"; for (i = 1; i <= n; i++) printf "b%d\n", i }' \
	>"$dir/callees.csv"
"$bin" user import "$dir/users.txt" --db "sqlite:$dir/db" >/dev/null

"$bin" serve --listen udp:127.0.0.1:0 --workers "$workers" \
	--db "sqlite:$dir/db" --control "$dir/ctl" --log-level warn \
	--auth off --proxy-mode "$mode" --max-expires 3600s \
	--shutdown-timeout 0s 2>"$dir/log" &
pid=$!
wait_up
port=$(grep -o 'udp:127.0.0.1:[0-9]*' "$dir/status" | cut -d: -f3)

# the callees: register bK from port PK, then a UAS on PK (until killed)
k=1
while [ "$k" -le "$nb" ]; do
	bp=$(free_udp_port)
	(cd "$dir" && timeout 20 sipp "127.0.0.1:$port" -sf "$top/bench/calls_register.xml" \
		-i 127.0.0.1 -p "$bp" -key user "b$k" -m 1 -nostdin -timeout 15s \
		>"reg$k.out" 2>&1) || { echo "b$k did not register" >&2; tail "$dir/reg$k.out" >&2; exit 1; }
	(cd "$dir" && exec timeout -k 5 $((calls / rate + hold / 1000 + 120)) sipp \
		-sf "$top/bench/calls_uas.xml" -i 127.0.0.1 -p "$bp" -s "b$k" \
		-nostdin -trace_err -error_file "uas$k.err" \
		>"uas$k.out" 2>&1) &
	bpids="$bpids $!"
	i=0
	until ss -Hlnu "sport = :$bp" 2>/dev/null | grep -q .; do
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "b$k's UAS did not start" >&2; exit 1; }
		sleep 0.05
	done
	k=$((k + 1))
done

hz=$(getconf CLK_TCK)
lim=$((rate * (hold / 1000 + 3)))
[ "$lim" -ge 1000 ] || lim=1000
[ "$lim" -le 10000 ] || lim=10000
c0=$(cpu)
k0=$(kids)
s0=$(date +%s.%N)
# shellcheck disable=SC2086
(cd "$dir" && timeout -k 5 $((calls / rate + hold / 1000 + 90)) sipp "127.0.0.1:$port" \
	-sf "$top/bench/calls_uac.xml" -inf callees.csv -i 127.0.0.1 \
	-m "$calls" -r "$rate" -rp 1000 -l "$lim" -d "$hold" -nostdin \
	-timeout $((calls / rate + hold / 1000 + 60))s \
	-trace_logs -log_file setup.log -trace_err -error_file uac.err \
	-trace_screen -screen_file uac.screen >uac.out 2>&1) || true
s1=$(date +%s.%N)
k1=$(kids)
c1=$(cpu)
status
tx=$(field transactions)
dl=$(field dialogs)
commits=$(field commits)
rx=$(field received)
rtx=$(field retransmissions)
absd=$(field absorbed)
# datagrams the kernel dropped on the server's socket (its receive
# buffer was full): the "drops" column of /proc/net/udp
drops=$(awk -v p="$(printf ':%04X' "$port")" '$2 == "0100007F" p { print $NF }' /proc/net/udp)
# the callees have answered every call they got; stop them
for p in $bpids; do
	kill "$p" 2>/dev/null && { wait "$p" 2>/dev/null || true; }
done
bpids=
ok=$(grep -E "Successful call" "$dir/uac.screen" | tail -1 | awk '{print $(NF)}')
bad=$(grep -E "Failed call" "$dir/uac.screen" | tail -1 | awk '{print $(NF)}')
att=$(grep -E "Outgoing calls created" "$dir/uac.screen" | tail -1 | awk '{print $(NF)}')
# the setup times, ms: the caller's log lines "setup T1S T1US T0S T0US"
awk '$1 == "setup" { printf "%.3f\n", ($2 - $4) * 1000 + ($3 - $5) / 1000 }' \
	"$dir/setup.log" 2>/dev/null | sort -g >"$dir/rtt"
pct() { # the $1th percentile of the sorted setup times, ms
	awk -v p="$1" '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit }
		i = int(NR * p / 100 + 0.999999); if (i < 1) i = 1; if (i > NR) i = NR
		printf "%.2f", v[i] }' "$dir/rtt"
}
awk -v n="$calls" -v att="${att:-0}" -v ok="${ok:-0}" -v bad="${bad:-0}" \
	-v s0="$s0" -v s1="$s1" -v c0="$c0" -v c1="$c1" -v k0="$k0" -v k1="$k1" \
	-v hz="$hz" -v w="$workers" -v mode="$mode" -v rate="$rate" -v nb="$nb" \
	-v hold="$hold" -v nrtt="$(wc -l <"$dir/rtt")" -v p50="$(pct 50)" \
	-v p95="$(pct 95)" -v p99="$(pct 99)" -v tx="${tx:-?}" -v dl="${dl:-?}" -v commits="${commits:-?}" \
	-v rx="${rx:-?}" -v rtx="${rtx:-?}" -v absd="${absd:-?}" -v drops="${drops:-?}" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN {
	wall = s1 - s0; cpu = (c1 - c0) / hz; sipp = (k1 - k0) / hz
	printf "UDP, proxy-mode %s, workers %d, %d callee(s), hold %d ms, SIPp rate %d/s, %d calls\n",
	        mode, w, nb, hold, rate, n
	printf "calls: %d attempted, %d successful, %d failed (%.3f %%)\n",
	        att, ok, bad, att ? 100 * bad / att : 0
	printf "wall %.2f s (incl. the last call'"'"'s hold), %.0f successful calls/s; SIPp caller used %.2f CPU-s on the same 2 cores\n",
	        wall, ok / (wall - hold / 1000), sipp
	printf "setup time (INVITE -> 200 at A), %d samples: p50 %s ms, p95 %s ms, p99 %s ms\n",
	        nrtt, p50, p95, p99
	if (ok > 0)
		printf "server CPU %.2f s, %.0f us per call\n", cpu, cpu * 1000000 / ok
	printf "at the end: %s transactions (Timer J/K), %s dialogs; %s storage commits (call detail records, registrations)\n", tx, dl, commits
	printf "server: %s received, %s dropped by the kernel (receive buffer full), %s retransmissions sent, %s absorbed; load average %s\n", rx, drops, rtx, absd, load
}'
if [ "${bad:-0}" != 0 ] && [ -s "$dir/uac.err" ]; then
	echo "---- first SIPp errors (caller) ----"
	grep -v '^\s*$' "$dir/uac.err" | head -20 | cut -c 1-200
fi

#!/bin/sh
# trapezoid against Kamailio on the same machine, with the same SIPp load
# (issue 8). For each server in turn, on loopback UDP:
#   register         REGISTER with digest auth (the 401 round trip), 10,000
#                    users (bench/compare_register_auth.xml)
#   register-noauth  REGISTER without auth (bench/compare_register_noauth.xml)
#   calls            record-routed calls through the proxy to a registered
#                    SIPp UAS: INVITE, 100/180/200, ACK, hold, BYE, 200
#                    (bench/calls_register.xml, calls_uas.xml, calls_uac.xml)
#   options          OPTIONS to the server, 200 (bench/compare_options.xml)
# and three kinds of measurement (parts):
#   fixed   one run at a fixed, light offered load (default 200/s for 10 s):
#           p50/p99 response time, server CPU per 1,000 operations (from
#           /proc/PID/task/*/schedstat, summed over Kamailio's processes),
#           SIPp's CPU, peak RSS (VmHWM) and PSS
#   instr   instructions per operation of the server, from callgrind: the
#           server runs under valgrind twice, for N1 and then N2 operations
#           spread over the same S seconds; (Ir(N2) - Ir(N1)) / (N2 - N1),
#           Ir summed over all of Kamailio's processes, so start-up,
#           shut-down and what the idle server does (timers) cancel out
#           (perf stat has no instructions counter in this VM)
#   sys     system calls per operation (strace -c -f attached to every
#           thread of the server after start-up), the same two-run
#           difference as instr (not in the default parts)
#   search  the highest sustained rate with < 0.1 % failures: steps of
#           STEP seconds at rising rates (doubling, then one step half way
#           between the last pass and the first failure); each step's server
#           and SIPp CPU say which side saturated
# Results: rows in bench/results/compare.tsv (a run replaces the rows of
# the servers, workloads and parts it measures), from which it writes
# bench/results/compare.md and bench/results/compare-latency.png.
# A benchmark, not a test: prints figures, asserts nothing.
#
# usage: bench/compare.sh [--quick] [--server trapezoid|kamailio]...
#          [--only register|register-noauth|calls|options]...
#          [--parts fixed,instr,search] [--report-only]
#   --quick            light and short: fixed (200/s for 5 s) and instr;
#                      no rate search (about 6 minutes)
#   --fixed-rate R, --fixed-seconds S        (200, 10)
#   --fixed-repeat N   N fixed runs, the one of median server CPU kept (1)
#   --search-start R, --search-max R, --step-seconds S, --max-steps N
#                      (1000, 64000, 4, 8)
#   --instr-seconds S (8), --instr-n N1,N2 (per workload: see twice()
#                      below; under valgrind Kamailio needs about 8 s for
#                      200 registrations with auth, or SIPp times out)
#   --load sipp|tzload the load generator (sipp): tzload is bench/tzload.c,
#                      OPTIONS and REGISTER without auth only, one
#                      process with batched sends and receives, for the
#                      rate searches where SIPp saturates before the
#                      server (rows labelled SERVER-tzload)
#   --users N (10000), --hold MS (calls: ACK -> BYE, 1000),
#   --tz-workers N (nproc), --tz-mode dialog|stateful|stateless (dialog,
#   trapezoid's default), --kam-workers N (4, UDP children)
#   --tz-write-behind MS  trapezoid's write-behind (0: the default, each
#                      200 after its commit); the register rows are then
#                      labelled trapezoid-write-behind
#   --kam-shm MB       Kamailio's shared memory pool (-m; 1024: at 3,000
#                      calls/s its transactions filled 256 MB and tm failed
#                      with "cannot allocate shmem buffer")
#   --kam-mem fm|qm|tlsf: Kamailio's memory manager for shm and pkg (-x,
#                      -X; default fm. Debian's build defaults to qm, with
#                      memory debugging compiled in, which made a call cost
#                      ~10x the instructions here: see docs/benchmarks.md)
#   --build tree|head  tree (default): bench_bin, the working tree in
#                      build-bench/; head: bench_bin_head, HEAD as committed
#                      (git archive) in build-bench-head/, for figures of
#                      record on a tree others are editing
#   --budget S         no further rate-search step once S seconds have
#                      passed since the start (0: no limit)
#   --kam-usrloc-db    Kamailio's usrloc writes the bindings to SQLite too
#                      (db_mode 2: write-back every second, WAL), as
#                      trapezoid does; its rows are "kamailio-usrloc-db"
#                      (registrations only)
#   --sipp K (1..8, default 1): K SIPp processes share the load (each
#                      RATE/K, its own users); for calls also K callees,
#                      each its own SIPp UAS
# Environment: TZ_BIN (else a Release build in build-bench/, bench_bin);
#   TMPDIR (where the temporary directory goes); TZ_KEEP=1 keeps it.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)

servers=
workloads=
parts=fixed,instr,search
quick=0
report_only=0
fixed_rate=200
fixed_s=10
fixed_rep=1
s_start=1000
s_max=64000
step_s=4
max_steps=8
instr_s=8
instr_n=
users=10000
hold=1000
tzw=$(nproc)
tzmode=dialog
tzwb=0
kamw=4
nsipp=1
loadgen=sipp
kmem=fm
kamshm=1024
build=tree
kdb=0
budget=0
slack=30
t_start=$(date +%s)
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1; parts=fixed,instr; fixed_s=5 ;;
	--server) servers="$servers $2"; shift ;;
	--only) workloads="$workloads $2"; shift ;;
	--parts) parts=$2; shift ;;
	--report-only) report_only=1 ;;
	--fixed-rate) fixed_rate=$2; shift ;;
	--fixed-seconds) fixed_s=$2; shift ;;
	--fixed-repeat)
		fixed_rep=$2
		case $fixed_rep in '' | *[!0-9]* | 0) echo "--fixed-repeat: a count of runs, 1 or more" >&2; exit 2 ;; esac
		shift ;;
	--search-start) s_start=$2; shift ;;
	--search-max) s_max=$2; shift ;;
	--step-seconds) step_s=$2; shift ;;
	--max-steps) max_steps=$2; shift ;;
	--instr-seconds) instr_s=$2; shift ;;
	--instr-n) instr_n=$2; shift ;;
	--users) users=$2; shift ;;
	--hold) hold=$2; shift ;;
	--tz-workers) tzw=$2; shift ;;
	--tz-mode) tzmode=$2; shift ;;
	--tz-write-behind) tzwb=$2; shift ;;
	--kam-workers) kamw=$2; shift ;;
	--sipp) nsipp=$2; shift ;;
	--load)
		loadgen=$2
		case $loadgen in sipp | tzload) ;; *) echo "--load: sipp or tzload" >&2; exit 2 ;; esac
		shift ;;
	--kam-mem) kmem=$2; shift ;;
	--kam-shm) kamshm=$2; shift ;;
	--build) build=$2; shift ;;
	--kam-usrloc-db) kdb=1 ;;
	--budget) budget=$2; shift ;;
	-h | --help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "unknown argument: $1 (--help)" >&2; exit 2 ;;
	esac
	shift
done
[ -n "$servers" ] || servers="trapezoid kamailio"
case $nsipp in [1-8]) ;; *) echo "--sipp: 1 to 8" >&2; exit 2 ;; esac
[ -n "$workloads" ] || workloads="register register-noauth calls options"
for s in $servers; do
	case $s in trapezoid | kamailio) ;; *) echo "server: trapezoid or kamailio" >&2; exit 2 ;; esac
done
for w in $workloads; do
	case $w in register | register-noauth | calls | options) ;;
	*) echo "workload: register, register-noauth, calls or options" >&2; exit 2 ;; esac
done
if [ "$loadgen" = tzload ]; then
	for w in $workloads; do
		case $w in options | register-noauth) ;;
		*) echo "--load tzload: options and register-noauth only (not $w)" >&2; exit 2 ;; esac
	done
fi
has_part() { case ",$parts," in *",$1,"*) return 0 ;; esac; return 1; }

. "$top/bench/lib.sh"
res=$top/bench/results
tsv=$res/compare.tsv
mkdir -p "$res"
hz=$(getconf CLK_TCK)

# ---- what it needs, from Debian (a no-op when all is installed) ----------
install_deps() {
	pk=
	command -v kamailio >/dev/null 2>&1 || pk="$pk kamailio"
	dpkg -s kamailio-sqlite-modules >/dev/null 2>&1 || pk="$pk kamailio-sqlite-modules"
	command -v sqlite3 >/dev/null 2>&1 || pk="$pk sqlite3"
	command -v gnuplot >/dev/null 2>&1 || pk="$pk gnuplot-nox"
	command -v sipp >/dev/null 2>&1 || pk="$pk sip-tester"
	command -v valgrind >/dev/null 2>&1 || pk="$pk valgrind"
	[ -n "$pk" ] || return 0
	echo "installing:$pk" >&2
	apt-get update >/dev/null
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $pk >/dev/null
	case $pk in *" kamailio"*)
		# the package may start a system service: stop that one only
		if [ -d /run/systemd/system ]; then
			systemctl stop kamailio 2>/dev/null || true
		elif [ -s /run/kamailio/kamailio.pid ]; then
			kill "$(cat /run/kamailio/kamailio.pid)" 2>/dev/null || true
		fi ;;
	esac
}

# ---- bench/results/compare.md and compare-latency.png from the TSV -------
machine_line() {
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	printf '%s cores (nproc), %s, kernel %s; %s; %s; trapezoid %s' "$(nproc)" "$cpu" \
		"$(uname -r)" "$(sipp -v 2>/dev/null | grep -o 'SIPp v[^ ]*' | head -1)" \
		"$(kamailio -v 2>/dev/null | head -1 | sed 's/^version: //; s/ (.*//')" \
		"$(git rev-parse --short HEAD 2>/dev/null)"
}
report() {
	[ -s "$tsv" ] || return 0
	md=$res/compare.md
	{
		echo "# trapezoid against Kamailio (bench/compare.sh)"
		echo
		echo "Written by \`bench/compare.sh\` from \`bench/results/compare.tsv\`; the method and the caveats are in docs/benchmarks.md, \"Against Kamailio\"."
		echo
		if [ -s "$res/compare.machine" ]; then cat "$res/compare.machine"; else echo "Machine: $(machine_line)"; fi
		echo
		echo "An operation: a registration (with auth: REGISTER, 401, REGISTER, 200: two transactions), a call (INVITE and BYE transactions and the ACK), an OPTIONS. *CPU per 1,000* is the server's CPU time (user + system; Kamailio: all its processes) per 1,000 operations. *Peak RSS* is VmHWM (Kamailio: summed over its processes, which counts the shared memory pool once per process), *PSS* the proportional set size summed over the processes (shared pages divided among them), both read at the end of the runs. At a light fixed load a good part of the server CPU is what it burns when idle (timers; measured for 3 s before the fixed run and subtracted in brackets). *Limited by*: the CPU of each side at the first step that failed (cores; the machine has $(nproc)): SIPp saturates at one core per process."
		echo
		awk -F'\t' -v fr="$fixed_rate" '
		NR == 1 { next }
		{ k = $1 SUBSEP $2; key[k] = 1; srv[k] = $1; wl[k] = $2 }
		$3 == "fixed" { fx[k] = $0 }
		$3 == "instr" { ins[k] = $17 }
		$3 == "sys" { sc[k] = $17 }
		$3 == "step" {
			pass = ($6 > 0 && $7 / ($6 + $7) < 0.001 && $9 >= 0.95 * $4)
			if (pass && $9 > best[k] + 0) { best[k] = $9; bestrow[k] = $0 }
			if (!pass && (!(k in fail) || $4 < failr[k])) { fail[k] = $0; failr[k] = $4 }
			if ($4 > topr[k] + 0) { topr[k] = $4; top[k] = $0 }
		}
		$3 == "step" || $3 == "fixed" { if ($15 > hwm[k] + 0) hwm[k] = $15; if ($16 > pss[k] + 0) pss[k] = $16 }
		function mb(kb) { return kb > 0 ? sprintf("%.1f MB", kb / 1024) : "-" }
		function lim(row,   f) {
			split(row, f, "\t")
			sp = f[19]; sub(/^.*; /, "", sp)
			return sprintf("%s (server %.2f, SIPp %.2f%s cores; %s)", f[18], f[12] / f[8], f[13] / f[8],
				f[14] > 0 ? sprintf(" + UAS %.2f", f[14] / f[8]) : "", sp)
		}
		END {
			n = split("register register-noauth calls options", W, " ")
			print "| workload | server | max sustained rate (< 0.1 % failed) | limited by | p50 / p99 at that rate (ms) | CPU per 1,000 at that rate | rate of the fixed run | p50 / p99 there (ms) | CPU per 1,000 there (less the idle server CPU) | SIPp CPU per 1,000 there | peak RSS | PSS | instructions / op | system calls / op |"
			print "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
			ns = split("trapezoid trapezoid-stateful trapezoid-stateless trapezoid-write-behind trapezoid-tzload trapezoid-write-behind-tzload kamailio kamailio-usrloc-db kamailio-tzload", SV, " ")
			for (i = 1; i <= n; i++) for (s = 1; s <= ns; s++) {
				sv = SV[s]; k = sv SUBSEP W[i]
				if (!(k in key)) continue
				rate = "-"; l = "-"; pp = "-"; cb = "-"
				if (k in bestrow) {
					split(bestrow[k], b, "\t")
					rate = sprintf("%d/s (asked %d)", b[9], b[4]); pp = b[10] " / " b[11]
					cb = sprintf("%.1f ms", b[12] * 1e6 / b[6])
				} else if (k in top) rate = "none passed"
				if (k in fail) l = lim(fail[k])
				else if (k in top) l = "not reached: highest step passed, " lim(top[k])
				fr_ = "-"; fp = "-"; fc = "-"; fs = "-"
				if (k in fx) {
					split(fx[k], f, "\t")
					fr_ = sprintf("%d/s (%d ok, %d failed)", f[9], f[6], f[7]); fp = f[10] " / " f[11]
					if (f[6] > 0) {
						fc = sprintf("%.1f ms", f[12] * 1e6 / f[6])
						li = (f[12] - f[21] * f[8]) * 1e6 / f[6]
						if (f[21] != "-" && f[21] != "") fc = fc (li > 0 ? sprintf(" (%.1f ms less idle)", li) : " (idle not measurable)")
						fs = sprintf("%.1f ms", f[13] * 1e6 / f[6])
					}
				}
				printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
					W[i], sv, rate, l, pp, cb, fr_, fp, fc, fs, mb(hwm[k]), mb(pss[k]),
					(k in ins) ? sprintf("%d", ins[k]) : "-", (k in sc) ? sc[k] : "-"
			}
		}' "$tsv"
		echo
		echo "Instruction counts (callgrind, Ir of the server process(es); N1 and N2 operations in two runs):"
		echo
		echo "| workload | server | instructions / op | runs (rate, N1 / N2, Ir(N1) / Ir(N2)) |"
		echo "|---|---|---|---|"
		awk -F'\t' 'NR > 1 && $3 == "instr" { printf "| %s | %s | %d | %s |\n", $2, $1, $17, $19 }' "$tsv" | sort
		echo
		echo "System calls (strace -c -f on every thread of the server, N1 and N2 operations in two runs of the same length):"
		echo
		echo "| workload | server | system calls / op | runs |"
		echo "|---|---|---|---|"
		awk -F'\t' 'NR > 1 && $3 == "sys" { printf "| %s | %s | %s | %s |\n", $2, $1, $17, $19 }' "$tsv" | sort
		echo
		echo "Every step of the rate searches (and the fixed runs): asked rate, achieved, failed, p50/p99, CPU in cores (CPU-s / wall-s)."
		echo
		echo "| workload | server | kind | asked /s | achieved /s | ok | failed | p50 ms | p99 ms | server cores | server system-time share | SIPp cores | UAS cores | server CPU per 1,000 | load avg | saturated | settings |"
		echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
		awk -F'\t' 'NR > 1 && ($3 == "step" || $3 == "fixed") {
			printf "| %s | %s | %s | %d | %d | %d | %d | %s | %s | %.2f | %s | %.2f | %.2f | %.1f ms | %s | %s | %s |\n",
				$2, $1, $3, $4, $9, $6, $7, $10, $11, $12 / $8, ($22 == "" ? "-" : $22), $13 / $8, $14 / $8,
				($6 > 0 ? $12 * 1e6 / $6 : 0), $20, $18, $19 }' "$tsv" | sort -t'|' -k2,2 -k3,3 -k4,4 -k5,5n
	} >"$md"
	plot
	echo "wrote $md" >&2
}
plot() {
	command -v gnuplot >/dev/null 2>&1 || { echo "no gnuplot: no chart" >&2; return 0; }
	pd=$(mktemp -d "${TMPDIR:-/tmp}/tzplot.XXXXXX")
	for s in trapezoid trapezoid-stateful trapezoid-stateless trapezoid-write-behind trapezoid-tzload trapezoid-write-behind-tzload kamailio kamailio-usrloc-db kamailio-tzload; do
		for w in register register-noauth calls options; do
			awk -F'\t' -v s="$s" -v w="$w" 'NR > 1 && $1 == s && $2 == w &&
				($3 == "step" || $3 == "fixed") && $10 != "-" { print $9, $10, $11 }' "$tsv" |
				sort -n >"$pd/$s.$w"
		done
	done
	{
		echo "set terminal pngcairo size 1400,1000 noenhanced font ',11'"
		echo "set output '$res/compare-latency.png'"
		echo "set multiplot layout 2,2 title 'trapezoid vs Kamailio 5.6, loopback UDP, SIPp load on the same $(nproc) cores: response time vs achieved rate'"
		echo "set logscale xy; set grid; set key top left"
		echo "set xlabel 'achieved rate (operations/s)'; set ylabel 'response time (ms, log)'"
		for w in register register-noauth calls options; do
			t=$w
			[ "$w" = register ] && t="register (digest auth: both round trips)"
			[ "$w" = calls ] && t="calls (INVITE -> 200 setup time)"
			pl=
			for s in trapezoid trapezoid-stateful trapezoid-stateless trapezoid-write-behind kamailio kamailio-usrloc-db; do
				[ -s "$pd/$s.$w" ] || continue
				case $s in kamailio) c=7 ;; kamailio-*) c=4 ;; trapezoid) c=1 ;; *-stateful) c=2 ;; *-write-behind) c=6 ;; *) c=3 ;; esac
				pl="$pl${pl:+, }'$pd/$s.$w' using 1:3 with linespoints lc $c pt 7 title '$s p99', '$pd/$s.$w' using 1:2 with linespoints lc $c dt 2 pt 6 title '$s p50'"
			done
			[ -n "$pl" ] || continue
			echo "set title '$t'"
			echo "plot $pl"
		done
		echo "unset multiplot"
	} >"$pd/plot.gp"
	gnuplot "$pd/plot.gp" 2>"$pd/err" || { echo "gnuplot failed:" >&2; cat "$pd/err" >&2; }
	rm -rf "$pd"
}
if [ "$report_only" = 1 ]; then
	report
	exit 0
fi

install_deps
# what is built: HEAD, and whether the sources differed from it
tzrev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ "$build" = head ] && [ -z "${TZ_BIN:-}" ]; then
	bin=$(bench_bin_head)
else
	bin=$(bench_bin)
	[ -n "${TZ_BIN:-}" ] && tzrev="TZ_BIN"
	[ -z "$(git status --porcelain -- src include apps CMakeLists.txt 2>/dev/null)" ] ||
		tzrev="$tzrev+uncommitted"
fi
case $bin in /*) ;; *) bin=$top/$bin ;; esac
tzload=
if [ "$loadgen" = tzload ]; then
	cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build build-bench -j"$(nproc)" --target tzload >/dev/null
	tzload=$top/build-bench/bench/tzload
fi
kver=$(kamailio -v | head -1)
dir=$(mktemp -d "${TMPDIR:-/tmp}/tzcmp.XXXXXX")
spid=
gpids=
upid=
cleanup() {
	for p in $upid $spid $gpids; do
		kill "$p" 2>/dev/null || true
	done
	for p in $upid $spid; do
		wait "$p" 2>/dev/null || true
	done
	if [ "${TZ_KEEP:-0}" = 1 ]; then echo "kept $dir" >&2; else rm -rf "$dir"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the same users for both: u00001..u10000@localhost, password pN -----
awk -v n="$users" 'BEGIN { for (i = 1; i <= n; i++) printf "u%05d@localhost,p%d\n", i, i
	print "a@localhost,apw"; for (i = 1; i <= 8; i++) printf "b%d@localhost,bpw%d\n", i, i }' >"$dir/users.txt"
awk -v n="$users" 'BEGIN { print "SEQUENTIAL"; for (i = 1; i <= n; i++)
	printf "u%05d;[authentication username=u%05d password=p%d]\n", i, i, i }' >"$dir/users.csv"
# SIPp process j of K gets the users of lines j, j+K, ...; callee bj
j=1
while [ $j -le "$nsipp" ]; do
	awk -v k="$nsipp" -v j="$j" 'NR == 1 || (NR - 2) % k == j - 1' "$dir/users.csv" >"$dir/users.$j.csv"
	printf 'SEQUENTIAL\nb%d\n' "$j" >"$dir/callees.$j.csv"
	j=$((j + 1))
done
"$bin" user import "$dir/users.txt" --db "sqlite:$dir/tz.db" >/dev/null
{
	cat /usr/share/kamailio/db_sqlite/standard-create.sql \
		/usr/share/kamailio/db_sqlite/auth_db-create.sql \
		/usr/share/kamailio/db_sqlite/usrloc-create.sql
	echo "BEGIN;"
	awk -F'[@,]' '{ printf "INSERT INTO subscriber (username, domain, password) VALUES (\x27%s\x27, \x27%s\x27, \x27%s\x27);\n", $1, $2, $3 }' "$dir/users.txt"
	echo "COMMIT;"
} | sqlite3 "$dir/kam.db"
# --kam-usrloc-db: WAL, as trapezoid's database (persistent in the file)
[ "$kdb" = 0 ] || sqlite3 "$dir/kam.db" 'PRAGMA journal_mode=WAL;' >/dev/null

# ---- one server, started as a child of this script ----------------------
nrun=0
run=
# start_server SERVER WORKLOAD [callgrind]: $spid, $port, $run
start_server() {
	nrun=$((nrun + 1))
	run=$dir/run$nrun
	mkdir -p "$run/cg"
	auth=off
	[ "$2" = register ] && auth=on
	vg=
	[ "${3:-}" = callgrind ] && vg="valgrind --tool=callgrind --vgdb=no --dump-instr=no --callgrind-out-file=$run/cg/cg.%p"
	port=$(free_udp_port)
	if [ "$1" = trapezoid ]; then
		cp "$dir"/tz.db* "$run/"
		# MD5 only: the one challenge Kamailio's auth_check sends
		# (trapezoid's default also offers SHA-256, RFC 8760: a second
		# WWW-Authenticate with its own nonce; TZ_AUTH_ALGS=MD5,SHA-256
		# measures that)
		# shellcheck disable=SC2086
		$vg "$bin" serve --listen "udp:127.0.0.1:$port" --workers "$tzw" \
			--db "sqlite:$run/tz.db" --control "$run/ctl" --log-level warn \
			--auth "$auth" --auth-algorithms "${TZ_AUTH_ALGS:-MD5}" --auth-fail-limit 0 \
			--max-expires 3600s --proxy-mode "$tzmode" --shutdown-timeout 0s \
			--write-behind "${tzwb}ms" \
			>"$run/log" 2>&1 &
	else
		a=
		[ "$auth" = on ] && a="-A WITH_AUTH"
		[ "$lab" = kamailio-usrloc-db ] && a="$a -A WITH_USRLOC_DB"
		# shellcheck disable=SC2086
		$vg kamailio -f "$top/bench/kamailio/kamailio.cfg" -DD -E -n "$kamw" \
			-l "udp:127.0.0.1:$port" -A "DBURL=\"sqlite:///$dir/kam.db\"" $a \
			-Y "$run" -P "$run/kamailio.pid" -w "$run" -m "$kamshm" -M 16 -x "$kmem" -X "$kmem" \
			>"$run/log" 2>&1 &
	fi
	spid=$!
	# up: trapezoid's status shows the users loaded; then, for both, an
	# OPTIONS answered (Kamailio: once its processes are forked)
	i=0
	lim=$([ -n "$vg" ] && echo 600 || echo 100)
	while :; do
		i=$((i + 1))
		kill -0 "$spid" 2>/dev/null || { echo "$1 exited" >&2; tail -20 "$run/log" >&2; exit 1; }
		[ $i -lt $lim ] || { echo "$1 did not start" >&2; tail -20 "$run/log" >&2; exit 1; }
		if [ "$1" = trapezoid ]; then
			dir0=$dir; dir=$run
			if status && [ "$(field users)" = $((users + 9)) ]; then dir=$dir0; break; fi
			dir=$dir0
		elif (cd "$run" && timeout 10 sipp -sf "$top/bench/compare_options.xml" -m 1 \
			-i 127.0.0.1 -p "$(free_udp_port)" -nostdin -timeout 5s -recv_timeout 2000 \
			"127.0.0.1:$port" >probe.out 2>&1); then
			break
		fi
		sleep 0.2
	done
	gpids=$(proc_group "$spid" | grep -vx "$spid" | tr '\n' ' ')
	upid=
	if [ "$2" = calls ]; then
		j=1
		while [ $j -le "$nsipp" ]; do start_callee "$j"; j=$((j + 1)); done
	fi
}
# the callee bJ: registered from port $bp, then a SIPp UAS there
start_callee() {
	bp=$(free_udp_port)
	(cd "$run" && timeout 60 sipp "127.0.0.1:$port" -sf "$top/bench/calls_register.xml" \
		-i 127.0.0.1 -p "$bp" -key user "b$1" -m 1 -nostdin -timeout 50s \
		>"reg$1.out" 2>&1) || { echo "b$1 did not register" >&2; tail "$run/reg$1.out" >&2; exit 1; }
	(cd "$run" && exec timeout -k 5 1800 sipp -sf "$top/bench/calls_uas.xml" \
		-i 127.0.0.1 -p "$bp" -s "b$1" -nostdin >"uas$1.out" 2>&1) &
	upid="$upid $!"
	i=0
	until ss -Hlnu "sport = :$bp" 2>/dev/null | grep -q .; do
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "b$1's UAS did not start" >&2; exit 1; }
		sleep 0.05
	done
}
uas_cpu_ns() { # the callees' SIPp processes (and their timeout(1) parents)
	for p in $upid; do group_cpu_ns "$p"; done | awk '{ s += $1 } END { printf "%.0f\n", s }'
}
# stop_server: SIGTERM to the server (and the callee), wait (60 s at most
# under valgrind, which writes its output at exit), then SIGKILL what is
# left of the processes we started, by PID
stop_server() {
	for p in $upid; do kill "$p" 2>/dev/null || true; done
	for p in $upid; do wait "$p" 2>/dev/null || true; done
	upid=
	kill "$spid" 2>/dev/null || true
	i=0
	while [ $i -lt 300 ]; do
		alive=
		for p in $spid $gpids; do kill -0 "$p" 2>/dev/null && alive=1; done
		[ -z "$alive" ] && break
		i=$((i + 1))
		sleep 0.2
	done
	for p in $spid $gpids; do kill -9 "$p" 2>/dev/null || true; done
	wait "$spid" 2>/dev/null || true
	spid=
	gpids=
}

# ---- one measured SIPp run ------------------------------------------------
# load WORKLOAD COUNT RATE: SIPp sends COUNT operations at RATE/s to the
# server on $port; sets ok, bad, wall, p50, p99, scpu, kcpu, ucpu (s)
load() {
	lg=$run/l$$.$(date +%s%N)
	mkdir -p "$lg"
	if [ "$loadgen" = tzload ]; then
		load_tzload "$@"
		return
	fi
	t=$(( $2 * rp / 1000 / $3 + slack ))
	if [ "$1" = calls ]; then
		l=$(( $3 * 1000 / rp * (hold / 1000 + 3) ))
		[ "$l" -ge 1000 ] || l=1000
		[ "$l" -le 30000 ] || l=30000
		set -- "$1" "$2" "$3" -sf "$top/bench/calls_uac.xml" -d "$hold" -l "$l"
		t=$((t + hold / 1000))
	else
		l=$(( $3 * 2000 / rp ))
		[ "$l" -ge 200 ] || l=200
		x=options
		[ "$1" = register ] && x=register_auth
		[ "$1" = register-noauth ] && x=register_noauth
		set -- "$1" "$2" "$3" -sf "$top/bench/compare_$x.xml" -l "$l" -recv_timeout 5000
	fi
	w=$1 n=$2 r=$3
	shift 3
	load_begin
	# K SIPp processes, each COUNT/K operations at RATE/K, from its own
	# port, with its own users (or callee)
	lp=
	j=1
	while [ $j -le "$nsipp" ]; do
		mkdir -p "$lg/$j"
		nj=$((n / nsipp)) rj=$((r / nsipp))
		[ $j -gt $((n % nsipp)) ] || nj=$((nj + 1))
		[ $j -gt $((r % nsipp)) ] || rj=$((rj + 1))
		case $w in
		calls) inf="-inf $dir/callees.$j.csv" ;;
		options) inf= ;;
		*) inf="-inf $dir/users.$j.csv" ;;
		esac
		# shellcheck disable=SC2086
		(cd "$lg/$j" && exec timeout -k 5 $((t + 10)) sipp "127.0.0.1:$port" "$@" $inf \
			-m "$nj" -r "$rj" -rp "$rp" -i 127.0.0.1 -p "$(free_udp_port)" -nostdin \
			-timeout "${t}s" -trace_logs -log_file rt.log \
			-trace_screen -screen_file screen >sipp.out 2>&1) &
		lp="$lp $!"
		j=$((j + 1))
	done
	for p in $lp; do wait "$p" || true; done
	load_stop
	ok=0 bad=0
	for sc in "$lg"/*/screen; do
		# the counters are in the screen file, unless SIPp's error
		# lines took its place: then in its output
		grep -q "Successful call" "$sc" 2>/dev/null || sc=${sc%/screen}/sipp.out
		o=$(grep -E "Successful call" "$sc" 2>/dev/null | tail -1 | awk '{ print $NF }')
		b=$(grep -E "Failed call" "$sc" 2>/dev/null | tail -1 | awk '{ print $NF }')
		a=$(grep -E "Outgoing call created|Outgoing calls created" "$sc" 2>/dev/null | tail -1 | awk '{ print $NF }')
		o=${o:-0} b=${b:-0} a=${a:-0}
		# calls that never ended (SIPp's -timeout) are failures too
		[ "$a" -gt $((o + b)) ] && b=$((a - o))
		ok=$((ok + o)) bad=$((bad + b))
	done
	cat "$lg"/*/rt.log 2>/dev/null | awk '$1 == "rt" || $1 == "setup" { printf "%.3f\n", ($2 - $4) * 1000 + ($3 - $5) / 1000 }' |
		sort -g >"$lg/rtt"
	load_end
}
# load_tzload WORKLOAD COUNT RATE: the same load from bench/tzload (OPTIONS
# or REGISTER without auth, the same users): one process, its sends and
# receives batched, at a fraction of SIPp's CPU per request
load_tzload() {
	kind=options
	[ "$1" = register-noauth ] && kind=register
	rs=$(awk -v r="$3" -v rp="$rp" 'BEGIN { printf "%.3f", r * 1000 / rp }')
	load_begin
	timeout -k 5 $(($2 * rp / 1000 / $3 + 30)) "$tzload" 127.0.0.1 "$port" "$kind" "$rs" "$2" \
		--users "$users" --sockets 64 --rtt "$lg/rtt.raw" >"$lg/out" 2>&1 || true
	load_stop
	# failures answered (not timed out), by status
	sed -n 's/^answered /    answered /p' "$lg/out" >&2
	ok=$(awk '{ for (i = 1; i < NF; i++) if ($i == "ok") print $(i + 1) }' "$lg/out")
	bad=$(awk '{ for (i = 1; i < NF; i++) if ($i == "failed") print $(i + 1) }' "$lg/out")
	ok=${ok:-0} bad=${bad:-$2}
	sort -g "$lg/rtt.raw" >"$lg/rtt" 2>/dev/null || : >"$lg/rtt"
	load_end
}
# load_begin, load_stop: the CPU counters (server, UAS, the load's waited
# children) and the clock before and after a load
load_begin() {
	u0=$(uas_cpu_ns)
	c0=$(group_cpu_ns "$spid")
	us0=$(group_ustime "$spid")
	k0=$(kids)
	s0=$(date +%s.%N)
}
load_stop() {
	s1=$(date +%s.%N)
	k1=$(kids)
	c1=$(group_cpu_ns "$spid")
	us1=$(group_ustime "$spid")
	u1=$(uas_cpu_ns)
}
# the figures of a load from the counters and $lg/rtt (sorted response
# times, ms)
load_end() {
	p50=$(pctl "$lg/rtt" 50)
	p99=$(pctl "$lg/rtt" 99)
	wall=$(awk -v a="$s0" -v b="$s1" 'BEGIN { printf "%.3f", b - a }')
	scpu=$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')
	ucpu=$(awk -v a="$u0" -v b="$u1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')
	kcpu=$(awk -v a="$k0" -v b="$k1" -v hz="$hz" 'BEGIN { printf "%.4f", (b - a) / hz }')
	# the server's user and system time (ticks: coarse), as a share
	sysshare=$(echo "$us0 $us1" | awk '{ u = $3 - $1; s = $4 - $2; printf "%.2f", (u + s > 0 ? s / (u + s) : 0) }')
	if [ "$bad" != 0 ] || [ "$ok" = 0 ]; then
		cp "$lg/1/screen" "$run/last-failed-screen" 2>/dev/null || true
	fi
	[ "${TZ_KEEP:-0}" = 1 ] || rm -rf "$lg"
}
# the side that saturated: a SIPp process at >= 0.85 of a core, or the
# machine's cores all busy, or the server's threads busy
limit_of() { # SERVER
	awk -v s="$scpu" -v k="$kcpu" -v u="$ucpu" -v w="$wall" -v nc="$(nproc)" \
		-v ns="$([ "$loadgen" = tzload ] && echo 1 || echo "$nsipp")" \
		-v gen="$([ "$loadgen" = tzload ] && echo tzload || echo SIPp)" \
		-v cap="$([ "$1" = kamailio ] && echo "$kamw" || echo "$tzw")" 'BEGIN {
		s /= w; k /= w; u /= w
		if (k / ns >= 0.85 || u / ns >= 0.85) print gen
		else if (s + k + u >= 0.85 * nc) print (s > k + u ? "machine (server most)" : "machine (SIPp most)")
		else if (s >= 0.85 * (cap < nc ? cap : nc)) print "server"
		else print "neither"
	}'
}
loader() { # what made the load
	if [ "$loadgen" = tzload ]; then echo "1 tzload"; else echo "$nsipp SIPp"; fi
}
settings() { # SERVER: how it ran
	if [ "$1" = kamailio ]; then
		echo "$kamw UDP children, -x/-X $kmem, -m $kamshm$([ "$lab" = kamailio-usrloc-db ] && echo ", usrloc db_mode 2 (1 s)"); $(loader)"
	else
		echo "$tzw workers, proxy-mode $tzmode$([ "$tzwb" = 0 ] || echo ", write-behind ${tzwb}ms"), build $tzrev; $(loader)"
	fi
}
# row SERVER WORKLOAD KIND RATE COUNT [INSTR NOTE]: one line of the TSV
row() {
	ach=$(awk -v ok="$ok" -v w="$wall" -v h="$([ "$2" = calls ] && echo "$hold" || echo 0)" \
		'BEGIN { d = w - h / 1000; printf "%.0f", (d > 0 ? ok / d : 0) }')
	mem=$(group_mem "$spid")
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
		"$lab" "$2" "$3" "$4" "$5" "$ok" "$bad" "$wall" "$ach" "$p50" "$p99" "$scpu" \
		"$kcpu" "$ucpu" "${mem% *}" "${mem#* }" "${6:--}" "$(limit_of "$1")" "${7:-$(settings "$1")}" \
		"$(cut -d' ' -f1 /proc/loadavg)" "${idle:--}" "${sysshare:--}" >>"$new"
	tail -1 "$new" | awk -F'\t' '{ printf "  %-9s %-15s %-5s asked %6d/s: %6d ok %4d failed, %6d/s, p50 %s p99 %s ms, server %.2f SIPp %.2f UAS %.2f cores, %s\n",
		$1, $2, $3, $4, $6, $7, $9, $10, $11, $12 / $8, $13 / $8, $14 / $8, $18 }' >&2
}
new=$dir/new.tsv
rp=1000
: >"$new"

fixed() { # SERVER WORKLOAD; first the server's CPU while idle (3 s)
	i0=$(group_cpu_ns "$spid")
	sleep 3
	i1=$(group_cpu_ns "$spid")
	idle=$(awk -v a="$i0" -v b="$i1" 'BEGIN { printf "%.5f", (b - a) / 3e9 }')
	# --fixed-repeat N: N runs, the one of median server CPU kept (on
	# two shared cores one run's CPU varies by +-15 %)
	rep=1
	while [ "$rep" -le "$fixed_rep" ]; do
		load "$2" $((fixed_rate * fixed_s)) "$fixed_rate"
		row "$1" "$2" fixed "$fixed_rate" $((fixed_rate * fixed_s)) - \
			"$(settings "$1")$([ "$fixed_rep" = 1 ] || echo "; median CPU of $fixed_rep runs")"
		rep=$((rep + 1))
	done
	if [ "$fixed_rep" -gt 1 ]; then
		head -n -"$fixed_rep" "$new" >"$dir/keep"
		tail -n "$fixed_rep" "$new" | sort -t"$(printf '\t')" -k12,12g |
			sed -n "$(((fixed_rep + 1) / 2))p" >>"$dir/keep"
		tail -1 "$dir/keep" | awk -F'\t' '{ printf "  kept the median: server CPU %.4f s\n", $12 }' >&2
		cp "$dir/keep" "$new"
	fi
	idle=
}
search() { # SERVER WORKLOAD: doubling steps, then one step half way
	# a step may take its length + 10 s at most (SIPp's -timeout)
	slack=10
	r=$s_start
	good=0
	badr=0
	i=0
	while [ $i -lt "$max_steps" ]; do
		i=$((i + 1))
		if [ "$budget" -gt 0 ] && [ $(($(date +%s) - t_start)) -ge "$budget" ]; then
			echo "  budget of $budget s spent: no more steps" >&2
			break
		fi
		n=$((r * step_s))
		load "$2" "$n" "$r"
		row "$1" "$2" step "$r" "$n"
		pass=$(awk -v ok="$ok" -v bad="$bad" -v a="$ach" -v r="$r" \
			'BEGIN { print (ok > 0 && bad / (ok + bad) < 0.001 && a >= 0.95 * r) ? 1 : 0 }')
		sleep 1
		if [ "$pass" = 1 ]; then
			good=$r
			[ "$badr" = 0 ] || break
			[ "$r" -lt "$s_max" ] || break
			r=$((r * 2))
		else
			badr=$r
			if [ "$good" = 0 ]; then
				[ "$r" -gt 100 ] || break
				r=$((r / 2))
			else
				r=$(( (good + badr) / 200 * 100 ))
				[ "$r" -gt "$good" ] || break
			fi
		fi
		[ "$badr" = 0 ] || [ "$good" = 0 ] || [ "$r" -gt "$good" ] || break
		[ "$badr" = 0 ] || [ "$r" -lt "$badr" ] || break
	done
	slack=30
}
# twice SERVER WORKLOAD instr|sys: the server runs twice, for N1 and then
# N2 operations spread evenly over the same instr_s seconds (-r N -rp
# instr_s*1000), under callgrind (instr: Ir summed over the processes) or
# with strace -c -f attached to every thread after start-up (sys: system
# calls); the figure per operation is the difference over N2 - N1
twice() {
	nn=$instr_n
	case $2 in
	register) : "${nn:=50,200}" ;;
	register-noauth) : "${nn:=100,400}" ;;
	calls) : "${nn:=40,160}" ;;
	options) : "${nn:=100,400}" ;;
	esac
	vals=
	oks=
	fails=0
	rp=$((instr_s * 1000))
	for n in $(echo "$nn" | tr , ' '); do
		if [ "$3" = instr ]; then
			start_server "$1" "$2" callgrind
		else
			start_server "$1" "$2"
			tids=$(for p in $(proc_group "$spid"); do ls /proc/"$p"/task; done)
			# shellcheck disable=SC2046
			strace -f -c -o "$run/strace.out" $(for t in $tids; do printf -- '-p %s ' "$t"; done) 2>/dev/null &
			st=$!
			sleep 1
		fi
		load "$2" "$n" "$n"
		[ "$bad" = 0 ] || echo "  $lab $2 ($3): $bad failed" >&2
		fails=$((fails + bad))
		sleep 1
		if [ "$3" = sys ]; then
			kill -INT "$st" 2>/dev/null || true
			wait "$st" 2>/dev/null || true
		fi
		stop_server
		if [ "$3" = instr ]; then
			vals="$vals $(cg_sum "$run"/cg/cg.*)"
		else
			vals="$vals $(awk '$NF == "total" { print $4 }' "$run/strace.out")"
		fi
		oks="$oks $ok"
	done
	rp=1000
	what=$([ "$3" = instr ] && echo "Ir" || echo "system calls")
	set -- "$1" "$2" "$3" $vals $oks
	per=$(awk -v i1="$4" -v i2="$5" -v n1="$6" -v n2="$7" -v f="$([ "$3" = instr ] && echo %.0f || echo %.1f)" \
		'BEGIN { printf f, (n2 > n1 ? (i2 - i1) / (n2 - n1) : 0) }')
	printf '%s\t%s\t%s\t%s\t%s\t%s\t0\t1\t0\t-\t-\t0\t0\t0\t0\t0\t%s\t-\t%s\t%s\t-\t-\n' \
		"$lab" "$2" "$3" "$nn in ${instr_s}s" "$7" "$7" "$per" \
		"N $6 / $7 in $instr_s s each, $what $4 / $5$([ "$fails" = 0 ] || echo ", $fails failed under valgrind"); $(settings "$1" | sed 's/;.*//')" \
		"$(cut -d' ' -f1 /proc/loadavg)" >>"$new"
	printf '  %-9s %-15s %s: %s %s per operation (N %s/%s: %s/%s)\n' \
		"$lab" "$2" "$3" "$per" "$what" "$6" "$7" "$4" "$5" >&2
}

echo "machine: $(machine_line); load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for w in $workloads; do
	for s in $servers; do
		lab=$s
		[ "$s" = trapezoid ] && [ "$w" = calls ] && [ "$tzmode" != dialog ] && lab="trapezoid-$tzmode"
		case $s.$w.$tzwb in trapezoid.register*.0) ;; trapezoid.register*) lab=trapezoid-write-behind ;; esac
		case $s.$w.$kdb in kamailio.register*.1) lab=kamailio-usrloc-db ;; esac
		[ "$loadgen" = sipp ] || lab="$lab-tzload"
		if has_part fixed || has_part search; then
			start_server "$s" "$w"
			has_part fixed && fixed "$s" "$w"
			has_part search && search "$s" "$w"
			stop_server
		fi
		has_part instr && twice "$s" "$w" instr
		has_part sys && twice "$s" "$w" sys
	done
done

# merge: the new rows replace the old ones of the same server, workload
# and kind
[ -s "$tsv" ] || printf 'server\tworkload\tkind\trate\tops\tok\tfailed\twall_s\tachieved\tp50_ms\tp99_ms\tserver_cpu_s\tsipp_cpu_s\tuas_cpu_s\thwm_kb\tpss_kb\tinstr_per_op\tlimit\tnote\tload1\tidle_cores\tserver_sys_share\n' >"$tsv"
awk -F'\t' 'NR == FNR { drop[$1 SUBSEP $2 SUBSEP $3] = 1; next }
	FNR == 1 || !(($1 SUBSEP $2 SUBSEP $3) in drop)' "$new" "$tsv" >"$dir/merged"
cat "$new" >>"$dir/merged"
cp "$dir/merged" "$tsv"
{
	echo "Machine: $(machine_line); last run $(date -u '+%Y-%m-%d %H:%M UTC'). How each server ran is in the settings column of the last table (trapezoid's workers and proxy mode, Kamailio's UDP children and memory manager, the number of SIPp load processes)."
} >"$res/compare.machine"
report

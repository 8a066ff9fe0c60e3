# lib.sh  Helpers the call and registration benchmarks share (sourced by
# bench/calls.sh and bench/register.sh, which set $bin, $dir and $pid):
#   bench_bin          $TZ_BIN, or a Release build in build-bench/
#   status, field KEY  the server's status into $dir/status; an integer
#                      field of it
#   wait_up [KEY N]    wait (10 s at most) for status, and for field KEY to
#                      be N; exit 1 with the server log otherwise
#   cpu, kids          utime+stime of the server; cutime+cstime of this
#                      shell's waited-for children (clock ticks)

bench_bin() {
	if [ -n "${TZ_BIN:-}" ]; then
		echo "$TZ_BIN"
		return
	fi
	cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build build-bench -j"$(nproc)" --target trapezoid >/dev/null
	echo build-bench/trapezoid
}

field() { # the first integer value of "KEY" in the last status
	grep -o "\"$1\":[0-9]*" "$dir/status" | head -1 | cut -d: -f2
}
status() {
	"$bin" status --control "$dir/ctl" >"$dir/status" 2>/dev/null
}
wait_up() {
	local i=0
	until status && { [ -z "${1:-}" ] || [ "$(field "$1")" = "$2" ]; }; do
		i=$((i + 1))
		[ $i -lt 100 ] || {
			echo "server did not start" >&2
			cat "$dir/log" >&2
			exit 1
		}
		sleep 0.1
	done
}

cpu() { # utime + stime of the server, in clock ticks
	awk '{print $14 + $15}' "/proc/$pid/stat"
}
kids() { # cutime + cstime of this shell: the children it waited for
	awk '{print $16 + $17}' "/proc/$$/stat"
}

# ---- for bench/compare.sh (trapezoid against Kamailio); POSIX sh --------
#   proc_group ROOT     ROOT and its direct children (PPid = ROOT, from
#                       /proc/*/stat): a Kamailio main process and the
#                       processes it forked; for trapezoid just ROOT
#   group_cpu_ns ROOT   CPU time of that group in ns: the sum of
#                       /proc/PID/task/*/schedstat (run time, ns) over its
#                       live threads; the 10 ms ticks of utime/stime are
#                       too coarse for short runs
#   group_ticks ROOT    utime + stime of the group, clock ticks
#   group_ustime ROOT   "UTIME STIME" of the group, clock ticks
#   group_mem ROOT      "HWM PSS" in kB: sum of VmHWM (peak RSS) and sum of
#                       Pss (smaps_rollup) over the group. Kamailio's
#                       processes share its shm pool, so the HWM sum
#                       counts shared pages once per process; PSS divides
#                       them among the processes and does not
#   free_udp_port       a loopback UDP port nobody listens on
#   pctl FILE P         the Pth percentile of FILE (one number per line,
#                       sorted), 2 decimals; "-" when FILE is empty
#   bench_bin_head      a Release build of HEAD as committed (git archive) in
#                       build-bench-head/, whatever the working tree holds
#   cg_sum FILE...      the sum of the "summary:" (else "totals:") event
#                       counts of callgrind output files (Ir)

proc_group() {
	echo "$1"
	for f in /proc/[0-9]*/stat; do
		l=$(cat "$f" 2>/dev/null) || continue
		# after the ") " that ends the command name: state ppid ...
		set -- "$1" ${l##*) }
		[ "${3:-}" = "$1" ] && { p=${f#/proc/}; echo "${p%/stat}"; }
	done
}
group_cpu_ns() {
	for p in $(proc_group "$1"); do
		cat /proc/"$p"/task/*/schedstat 2>/dev/null
	done | awk '{ s += $1 } END { printf "%.0f\n", s }'
}
group_ticks() {
	for p in $(proc_group "$1"); do
		l=$(cat /proc/"$p"/stat 2>/dev/null) || continue
		# shellcheck disable=SC2086
		set -- ${l##*) }
		echo $((${12} + ${13}))
	done | awk '{ s += $1 } END { print s + 0 }'
}
group_mem() {
	for p in $(proc_group "$1"); do
		h=$(awk '/^VmHWM:/ { print $2 }' /proc/"$p"/status 2>/dev/null)
		s=$(awk '/^Pss:/ { print $2 }' /proc/"$p"/smaps_rollup 2>/dev/null)
		echo "${h:-0} ${s:-0}"
	done | awk '{ h += $1; s += $2 } END { print h + 0, s + 0 }'
}
free_udp_port() {
	for t in $(seq 50); do
		p=$(awk -v s="$(date +%N)" -v t="$t" 'BEGIN { print 20000 + (s + t * 7919) % 40000 }')
		ss -Hlnu "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return 0; }
	done
	echo "no free UDP port found" >&2
	return 1
}
pctl() {
	awk -v p="$2" '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit }
		i = int(NR * p / 100 + 0.999999); if (i < 1) i = 1; if (i > NR) i = NR
		printf "%.2f\n", v[i] }' "$1"
}
cg_sum() {
	for f in "$@"; do
		v=$(grep -m1 '^summary:' "$f" | awk '{ print $2 }')
		[ -n "$v" ] || v=$(grep -m1 '^totals:' "$f" | awk '{ print $2 }')
		echo "${v:-0}"
	done | awk '{ s += $1 } END { printf "%.0f\n", s }'
}
group_ustime() { # "UTIME STIME" of the group (ROOT and its children), ticks
	for p in $(proc_group "$1"); do
		l=$(cat /proc/"$p"/stat 2>/dev/null) || continue
		# shellcheck disable=SC2086
		set -- ${l##*) }
		echo "${12} ${13}"
	done | awk '{ u += $1; s += $2 } END { print u + 0, s + 0 }'
}
bench_bin_head() { # a Release build of HEAD as committed (git archive), not
	# of the working tree, in build-bench-head/ (sources re-exported when
	# HEAD moves); prints the binary's path
	rev=$(git rev-parse HEAD)
	if [ "$(cat build-bench-head/rev 2>/dev/null)" != "$rev" ]; then
		rm -rf build-bench-head/src
		mkdir -p build-bench-head/src
		git archive HEAD | tar -x -C build-bench-head/src
		echo "$rev" >build-bench-head/rev
	fi
	cmake -S build-bench-head/src -B build-bench-head/build -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build build-bench-head/build -j"$(nproc)" --target trapezoid >/dev/null
	echo build-bench-head/build/trapezoid
}

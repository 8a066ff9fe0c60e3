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

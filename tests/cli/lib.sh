# lib.sh  What the command-line tests share (sourced): a temporary
# directory, and checks of a command's exit status and output that count
# passes and failures. The sourcing script sets tz (the binary) first and
# ends with cli_done.
# shellcheck shell=sh
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() { # name, expected exit, expected output pattern (grep -E), command...
	name=$1 want_rc=$2 pat=$3
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" = "$want_rc" ] && grep -Eq -- "$pat" "$tmp/out" "$tmp/err"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $name: exit $rc (want $want_rc), output:" >&2
		cat "$tmp/out" "$tmp/err" >&2
	fi
}

# exact standard output, exit 0, nothing on stderr
check_out() { # name, expected stdout, command...
	name=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" = 0 ] && [ "$(cat "$tmp/out")" = "$want" ] && [ ! -s "$tmp/err" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $name: exit $rc, stdout:" >&2
		cat "$tmp/out" >&2
		echo "stderr:" >&2
		cat "$tmp/err" >&2
		echo "wanted stdout:" >&2
		echo "$want" >&2
	fi
}

# a condition of the test script itself
check_that() { # name, command...
	name=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $name" >&2
	fi
}

cli_done() {
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
}

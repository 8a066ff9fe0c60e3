# lib.sh  The scenario-test harness (bash, sourced by tests/scenario/test_*.sh):
# the real server on loopback with a throw-away database and a test
# configuration (short timers, kernel-chosen or free ports), SIPp and raw
# UDP/TCP peers against it, assertions, and a teardown that always runs.
#
# Environment:
#   TZ_BIN       the trapezoid binary (required)
#   TZ_LOOPVIA   the tz_loopvia helper (tests that need a 482 loop Via)
#   TZ_KEEP=1    keep the temporary directory (logs, SIPp traces)
#   TZ_SIPP      the SIPp binary (default: sipp)
#   TMPDIR       where the temporary directory goes (default /tmp)
#
# Functions (each documented where defined):
#   server     tz_start [--KEY VALUE]..., tz_stop, tz_wait_exit, tz_alive,
#              tz_status, tz_status_field NAME, tz_json_field, tz_wait_field,
#              tz_wait_log, tz_wait_log_count, tz_check_log
#   SIPp       tz_sipp SCENARIO.xml udp|tcp [SIPp args]
#   raw peers  tz_send_udp, tz_udp_open/send/recv/close, tz_send_tcp,
#              tz_tcp_open/send/wait_count/closed/close, tz_crlf,
#              tz_first_line, tz_hdr NAME
#   verdicts   tz_expect, tz_expect_match, tz_expect_ge, tz_fail, tz_log,
#              tz_try WHAT CMD... (record and go on), tz_done
# A test script sources this file, calls tz_start, checks, calls tz_stop
# (which fails on a non-zero exit or a sanitizer report) and exits; an
# EXIT trap always kills what is left and removes the directory.
#
# Every wait is bounded in count and in time; processes are ended by the
# PID recorded when they were started (and only while they are still this
# shell's unreaped children), never by name.

set -u

TZ_SCN_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TZ_TEST=$(basename "$0" .sh)
TZ_SIPP=${TZ_SIPP:-sipp}
TZ_DIR=""       # the temporary directory of the current server
TZ_PID=""       # its PID
TZ_CONF=""      # its configuration file
TZ_CTL=""       # its control socket
TZ_LOG=""       # its stderr
TZ_UDP_PORT=""  # the ports read back from status
TZ_TCP_PORT=""
TZ_RC=""        # exit status collected by tz_stop / tz_wait_exit
TZ_BG_PIDS=""   # helper processes (raw TCP readers) to end at exit
TZ_FAILS=""     # failures recorded by tz_try
TZ_STATUS=""    # the last status line (tz_status)
TZ_FIXED_PORTS=${TZ_FIXED_PORTS:-0} # 1: free ports picked here, not port 0
TZ_UDP_FD=""
TZ_TCP_FD=""
TZ_TCP_IN=""
TZ_TCP_RPID=""

# ---- messages ----

tz_log() { printf '[%s] %s\n' "$TZ_TEST" "$*" >&2; }

# Print the failure, the server log tail and where to look; exit 1.
tz_fail() {
	printf '[%s] FAIL: %s\n' "$TZ_TEST" "$*" >&2
	if [ -n "$TZ_LOG" ] && [ -f "$TZ_LOG" ]; then
		echo "---- server log (tail: $TZ_LOG) ----" >&2
		tail -n 40 "$TZ_LOG" >&2
		echo "---- end of server log ----" >&2
	fi
	[ "${TZ_KEEP:-0}" = 1 ] || [ -z "$TZ_DIR" ] ||
		echo "(run with TZ_KEEP=1 to keep $TZ_DIR)" >&2
	[ -z "$TZ_FAILS" ] || [ "$BASH_SUBSHELL" != 0 ] ||
		printf '[%s] and earlier:\n%s' "$TZ_TEST" "$TZ_FAILS" >&2
	exit 1
}

# tz_try WHAT COMMAND...: run COMMAND in a subshell (a tz_fail there ends
# only the subshell); a failure is recorded and the test goes on, so one run
# lists every broken behaviour. tz_done reports them. Not for commands
# that change the harness state (tz_start, tz_stop, tz_tcp_open...).
tz_try() {
	local what=$1
	shift
	if (
		# a connection opened in here ends here
		tz__entry_rpid=$TZ_TCP_RPID
		trap '[ "$TZ_TCP_RPID" = "$tz__entry_rpid" ] || tz_tcp_close' EXIT
		"$@"
	); then
		tz_log "ok: $what"
	else
		TZ_FAILS="$TZ_FAILS  - $what"$'\n'
		tz_log "FAILED: $what"
	fi
}

# tz_done: exit 1 listing what tz_try recorded, else say PASS and exit 0.
tz_done() {
	if [ -n "$TZ_FAILS" ]; then
		printf '[%s] FAIL: %s\n%s' "$TZ_TEST" "these checks failed:" "$TZ_FAILS" >&2
		exit 1
	fi
	tz_log "PASS"
	exit 0
}

# A number unique within the temporary directory (trace file names; works
# in subshells too).
tz__seq() {
	local n
	n=$(($(cat "$TZ_DIR/.seq" 2>/dev/null || echo 0) + 1))
	echo "$n" >"$TZ_DIR/.seq"
	echo "$n"
}

# tz_expect WHAT ACTUAL EXPECTED: equality.
tz_expect() {
	[ "$2" = "$3" ] || tz_fail "$1: got '$2', expected '$3'"
}

# tz_expect_match WHAT TEXT ERE: TEXT matches the extended regexp.
tz_expect_match() {
	printf '%s' "$2" | grep -Eq -- "$3" ||
		tz_fail "$1: '$(printf '%s' "$2" | head -c 600)' does not match /$3/"
}

# tz_expect_ge WHAT ACTUAL MIN: integer comparison.
tz_expect_ge() {
	[ -n "$2" ] && [ "$2" -ge "$3" ] 2>/dev/null ||
		tz_fail "$1: got '$2', expected at least $3"
}

# ---- time ----

tz_now_ms() {
	local t=${EPOCHREALTIME/[.,]/}
	echo $((t / 1000))
}

# ---- processes ----

# Is PID alive (a zombie is not)?
tz_alive() {
	local st
	[ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
	# the state follows the command name, which may hold spaces: "(...) S"
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# Is PID a child of this shell not yet waited for? Only those are ended
# at exit: a PID that was waited for may already name another process.
tz__own() {
	case " $(jobs -p | tr '\n' ' ') " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

tz__cleanup() {
	local rc=$? p
	trap - EXIT
	tz_tcp_close 2>/dev/null
	for p in $TZ_BG_PIDS; do
		tz__own "$p" && tz_alive "$p" && kill -KILL "$p" 2>/dev/null
	done
	if [ -n "$TZ_PID" ] && tz__own "$TZ_PID" && tz_alive "$TZ_PID"; then
		kill -KILL "$TZ_PID" 2>/dev/null
		wait "$TZ_PID" 2>/dev/null
		[ "$rc" != 0 ] || {
			echo "[$TZ_TEST] FAIL: server $TZ_PID still running at exit (killed)" >&2
			rc=1
		}
	fi
	if [ -n "$TZ_DIR" ] && [ -d "$TZ_DIR" ]; then
		if [ "${TZ_KEEP:-0}" = 1 ]; then
			echo "[$TZ_TEST] kept $TZ_DIR" >&2
		else
			rm -rf "$TZ_DIR"
		fi
	fi
	exit "$rc"
}
trap tz__cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- the server ----

command -v "$TZ_SIPP" >/dev/null 2>&1 ||
	tz_fail "$TZ_SIPP not found (Debian package sip-tester)"
[ -n "${TZ_BIN:-}" ] && [ -x "$TZ_BIN" ] ||
	tz_fail "TZ_BIN must name the trapezoid binary (got '${TZ_BIN:-}')"

# A port from 10000 up that no UDP or TCP socket uses now, in any state,
# nor 2 above it (SIPp's -mp binds the port and the port + 2). Picked
# below the kernel's ephemeral range (ip_local_port_range), where no
# connect() or unbound send takes ports, and a multiple of 4, so that no
# picked port is another pick's + 2.
tz__free_port() {
	local used p i lo=32768
	read -r lo _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || lo=32768
	[ "$lo" -gt 14000 ] 2>/dev/null || lo=32768
	used=$(ss -Hanu 2>/dev/null; ss -Hant 2>/dev/null)
	for ((i = 0; i < 40; i++)); do
		p=$((10000 + ((RANDOM * 32768 + RANDOM) % ((lo - 10004) / 4)) * 4))
		printf '%s\n' "$used" | grep -qE ":($p|$((p + 2)))[[:space:]]" || {
			echo "$p"
			return 0
		}
	done
	return 1
}

# tz__write_config UDPPORT TCPPORT
tz__write_config() {
	cat >"$TZ_CONF" <<EOF
# scenario-test configuration ($TZ_TEST): short timers, loopback only
listen = udp:127.0.0.1:$1
listen = tcp:127.0.0.1:$2
workers = 2
log-level = debug
t1 = 20ms
t2 = 80ms
t4 = 100ms
shutdown-timeout = 2s
control = "$TZ_CTL"
db = "sqlite:$TZ_DIR/test.db"
EOF
	[ -z "${TZ_CONF_EXTRA:-}" ] || printf '%s\n' "$TZ_CONF_EXTRA" >>"$TZ_CONF"
}

# The status line of the running server into TZ_STATUS; 1 if none.
tz_status() {
	TZ_STATUS=$(timeout 5 "$TZ_BIN" status --control "$TZ_CTL" 2>/dev/null) &&
		[ -n "$TZ_STATUS" ]
}

# tz_status_field NAME: a number from a fresh status line. NAME is a
# top-level key ("absorbed") or OBJECT.KEY ("responses.2xx", "tcp.open").
tz_status_field() {
	tz_status || tz_fail "status: no answer from the server on $TZ_CTL"
	tz_json_field "$TZ_STATUS" "$1"
}

# tz_json_field JSON NAME: as tz_status_field, on a given line.
tz_json_field() {
	local j=$1 obj key v
	# the per-worker details repeat top-level names: drop them
	j=$(printf '%s' "$j" | sed 's/"workers_detail":\[[^]]*\]//')
	case $2 in
	*.*)
		obj=${2%%.*} key=${2#*.}
		j=$(printf '%s' "$j" | sed -n "s/.*\"$obj\":{\([^}]*\)}.*/\1/p")
		;;
	*) key=$2 ;;
	esac
	v=$(printf '%s' "$j" | grep -o "\"$key\":[0-9-]*" | head -n 1)
	v=${v#*:}
	[ -n "$v" ] || tz_fail "status: no numeric field '$2' in: $TZ_STATUS"
	echo "$v"
}

# tz_wait_field NAME VALUE [SECONDS]: until the field equals VALUE.
tz_wait_field() {
	local end=$(($(tz_now_ms) + ${3:-5} * 1000)) v="" i
	for ((i = 0; i < 500; i++)); do
		tz_status && v=$(tz_json_field "$TZ_STATUS" "$1")
		[ "$v" = "$2" ] && return 0
		[ "$(tz_now_ms)" -lt "$end" ] || break
		sleep 0.05
	done
	tz_fail "status $1: still '$v' after ${3:-5}s, expected '$2'"
}

# tz_wait_log FIXED-STRING [SECONDS]: until the server log contains it.
tz_wait_log() {
	local end=$(($(tz_now_ms) + ${2:-5} * 1000)) i
	for ((i = 0; i < 500; i++)); do
		grep -qF -- "$1" "$TZ_LOG" && return 0
		[ "$(tz_now_ms)" -lt "$end" ] || break
		sleep 0.05
	done
	tz_fail "server log: no '$1' after ${2:-5}s"
}

# tz_wait_log_count FIXED-STRING N [SECONDS]: until N log lines have it.
tz_wait_log_count() {
	local end=$(($(tz_now_ms) + ${3:-5} * 1000)) i n=0
	for ((i = 0; i < 500; i++)); do
		n=$(grep -cF -- "$1" "$TZ_LOG")
		[ "$n" -ge "$2" ] && return 0
		[ "$(tz_now_ms)" -lt "$end" ] || break
		sleep 0.05
	done
	tz_fail "server log: $n lines with '$1' after ${3:-5}s, expected $2"
}

# Sanitizer reports in the server log are failures (server bugs).
tz_check_log() {
	if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: (Address|Undefined|Leak)' "$TZ_LOG"; then
		echo "---- sanitizer report ----" >&2
		grep -A 40 -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$TZ_LOG" | head -n 80 >&2
		tz_fail "sanitizer report in the server log"
	fi
}

# Start the server in the background with the test configuration (and
# these flags) and wait, at most 5 s, for it to answer status (TZ_STATUS
# set then; the caller checks TZ_PID is alive).
tz__launch() {
	local i end
	"$TZ_BIN" serve --config "$TZ_CONF" "$@" </dev/null >>"$TZ_LOG" 2>&1 &
	TZ_PID=$!
	TZ_STATUS=""
	end=$(($(tz_now_ms) + 5000))
	for ((i = 0; i < 200; i++)); do
		tz_alive "$TZ_PID" || break
		tz_status && break
		[ "$(tz_now_ms)" -lt "$end" ] || break
		sleep 0.025
	done
}

# The bound UDP and TCP ports, read back from TZ_STATUS.
tz__ports() {
	TZ_UDP_PORT=$(printf '%s' "$TZ_STATUS" | grep -o '"udp:127\.0\.0\.1:[0-9]*"' | head -n 1 | tr -dc '0-9.:' | sed 's/.*://')
	TZ_TCP_PORT=$(printf '%s' "$TZ_STATUS" | grep -o '"tcp:127\.0\.0\.1:[0-9]*"' | head -n 1 | tr -dc '0-9.:' | sed 's/.*://')
}

# tz_start [--KEY VALUE]...: start a server with the test configuration
# (and these extra flags) in a new temporary directory; set TZ_PID,
# TZ_UDP_PORT, TZ_TCP_PORT. TZ_CONF_EXTRA (lines) is appended to the file.
tz_start() {
	local attempt up tp logpos
	[ -z "$TZ_PID" ] || tz_fail "tz_start: a server is already running ($TZ_PID)"
	if [ -n "$TZ_DIR" ] && [ -d "$TZ_DIR" ] && [ "${TZ_KEEP:-0}" != 1 ]; then
		rm -rf "$TZ_DIR"
	fi
	TZ_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tzscn.XXXXXX") || tz_fail "mktemp"
	TZ_CONF=$TZ_DIR/test.conf
	TZ_CTL=$TZ_DIR/ctl.sock
	TZ_LOG=$TZ_DIR/server.log
	TZ_RC=""
	# port 0 (kernel-chosen) when the parser takes it; else free ports
	tz__write_config 0 0
	if ! "$TZ_BIN" status --config "$TZ_CONF" >/dev/null 2>"$TZ_DIR/probe.err"; then
		if grep -q 'port' "$TZ_DIR/probe.err"; then
			TZ_FIXED_PORTS=1
		elif ! grep -q 'no server' "$TZ_DIR/probe.err"; then
			tz_fail "test configuration refused: $(cat "$TZ_DIR/probe.err")"
		fi
	fi
	for attempt in 1 2 3 4 5; do
		if [ "$TZ_FIXED_PORTS" = 1 ]; then
			up=$(tz__free_port) && tp=$(tz__free_port) ||
				tz_fail "no free port found"
			tz__write_config "$up" "$tp"
		fi
		logpos=1
		[ -f "$TZ_LOG" ] && logpos=$(($(wc -c <"$TZ_LOG") + 1))
		tz__launch "$@"
		if tz_alive "$TZ_PID" && [ -n "$TZ_STATUS" ]; then
			break
		fi
		if tz_alive "$TZ_PID"; then
			kill -KILL "$TZ_PID"
			wait "$TZ_PID" 2>/dev/null
			TZ_PID=""
			tz_fail "server not answering status within 5s"
		fi
		wait "$TZ_PID" 2>/dev/null
		TZ_PID=""
		if [ "$TZ_FIXED_PORTS" = 1 ] &&
			tail -c +"$logpos" "$TZ_LOG" | grep -q 'in use'; then
			tz_log "port taken, retrying (attempt $attempt)"
			continue
		fi
		tz_fail "server exited at start"
	done
	[ -n "$TZ_PID" ] || tz_fail "server did not start in 5 attempts"
	tz__ports
	[ -n "$TZ_UDP_PORT" ] && [ "$TZ_UDP_PORT" != 0 ] &&
		[ -n "$TZ_TCP_PORT" ] && [ "$TZ_TCP_PORT" != 0 ] ||
		tz_fail "no bound ports in status: $TZ_STATUS"
	export TZ_PID
	tz_log "server $TZ_PID: udp $TZ_UDP_PORT, tcp $TZ_TCP_PORT, dir $TZ_DIR"
}

# tz_wait_exit [SECONDS]: wait (bounded) for the server to exit; TZ_RC
# gets its exit status. 1 if still running.
tz_wait_exit() {
	local end=$(($(tz_now_ms) + ${1:-5} * 1000)) i
	for ((i = 0; i < 1000; i++)); do
		tz_alive "$TZ_PID" || break
		[ "$(tz_now_ms)" -lt "$end" ] || return 1
		sleep 0.02
	done
	tz_alive "$TZ_PID" && return 1
	wait "$TZ_PID"
	TZ_RC=$?
	TZ_PID=""
	return 0
}

# tz_stop [SECONDS]: SIGTERM to the recorded PID, wait (default 8 s:
# shutdown-timeout plus slack for sanitizer builds); SIGKILL and fail if it
# does not exit, fail if it exits non-zero or the log has a sanitizer
# report.
tz_stop() {
	local pid=$TZ_PID
	[ -n "$pid" ] || tz_fail "tz_stop: no server"
	kill -TERM "$pid" 2>/dev/null
	if ! tz_wait_exit "${1:-8}"; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		TZ_PID=""
		tz_fail "server $pid did not exit within ${1:-8}s of SIGTERM (killed)"
	fi
	tz_check_log
	[ "$TZ_RC" = 0 ] || tz_fail "server exited with status $TZ_RC"
}

# ---- SIPp ----

# tz_sipp SCENARIO.xml udp|tcp [SIPp args]...: one SIPp run against the
# server (default: one call); fails the test unless SIPp exits 0 (every
# call succeeded). SIPp gets a free local port (its default, 5060, may be
# another server's); traces go to the temporary directory.
tz_sipp() {
	local xml=$1 proto=$2 t port base rc attempt lport
	shift 2
	case $proto in
	udp) t=u1 port=$TZ_UDP_PORT ;;
	tcp) t=t1 port=$TZ_TCP_PORT ;;
	*) tz_fail "tz_sipp: transport '$proto'" ;;
	esac
	for attempt in 1 2 3; do
		lport=$(tz__free_port) || tz_fail "no free port for SIPp"
		base=$TZ_DIR/sipp-$(tz__seq)-${xml%.xml}-$proto
		timeout -k 2 "${TZ_SIPP_TIMEOUT:-20}" "$TZ_SIPP" "127.0.0.1:$port" \
			-sf "$TZ_SCN_DIR/$xml" -t "$t" -i 127.0.0.1 -p "$lport" \
			-nostdin -m 1 \
			-timeout "$((${TZ_SIPP_TIMEOUT:-20} - 3))s" -timeout_error \
			-default_behaviors all,-bye \
			-trace_err -error_file "$base.err" \
			-trace_msg -message_file "$base.msg" \
			-key udp_port "$TZ_UDP_PORT" -key tcp_port "$TZ_TCP_PORT" \
			-key tz_port "$port" \
			"$@" >"$base.out" 2>&1 </dev/null
		rc=$?
		[ "$rc" = 0 ] && return 0
		# the port was taken meanwhile: another one
		grep -q 'Unable to bind' "$base.out" || break
	done
	echo "---- sipp $xml over $proto: exit $rc ----" >&2
	grep -vE '^\s*$' "$base.out" | tail -n 15 >&2
	[ -f "$base.err" ] && {
		echo "---- sipp errors ($base.err) ----" >&2
		tail -n 40 "$base.err" | cut -c 1-300 >&2
		echo >&2
	}
	[ -f "$base.msg" ] && {
		echo "---- sipp messages (tail: $base.msg) ----" >&2
		tail -n 40 "$base.msg" | cut -c 1-200 >&2
	}
	tz_fail "sipp $xml over $proto failed (exit $rc$([ "$rc" = 124 ] && echo ': timed out'))"
}

# ---- raw peers ----

# tz_crlf: turn LF line ends of stdin into CRLF (messages are written
# with plain newlines in the scripts).
tz_crlf() { sed 's/\r$//; s/$/\r/'; }

# tz_send_udp FILE [SECONDS]: send FILE as one datagram to the server's
# UDP port; print the first datagram that comes back (nothing if none
# within SECONDS, default 2).
tz_send_udp() {
	local fd
	exec {fd}<>"/dev/udp/127.0.0.1/$TZ_UDP_PORT" ||
		tz_fail "cannot open udp socket"
	cat "$1" >&"$fd"
	timeout "${2:-2}" dd bs=65536 count=1 status=none <&"$fd"
	exec {fd}>&-
	return 0
}

# tz_udp_open / tz_udp_send FILE / tz_udp_recv [SECONDS] / tz_udp_close:
# one UDP socket kept across several exchanges (the same source port).
tz_udp_open() {
	exec {TZ_UDP_FD}<>"/dev/udp/127.0.0.1/$TZ_UDP_PORT" ||
		tz_fail "cannot open udp socket"
}
tz_udp_send() { cat "$1" >&"$TZ_UDP_FD"; }
tz_udp_recv() {
	timeout "${1:-2}" dd bs=65536 count=1 status=none <&"$TZ_UDP_FD"
	return 0
}
tz_udp_close() { exec {TZ_UDP_FD}>&-; }

# tz_tcp_open [SECONDS]: connect to the server's TCP port; everything the
# server sends is appended to TZ_TCP_IN by a reader that ends at EOF (or
# after SECONDS, default 15).
tz_tcp_open() {
	tz_tcp_close
	exec {TZ_TCP_FD}<>"/dev/tcp/127.0.0.1/$TZ_TCP_PORT" ||
		tz_fail "cannot connect to tcp port $TZ_TCP_PORT"
	TZ_TCP_IN=$TZ_DIR/tcp-$(tz__seq).in
	: >"$TZ_TCP_IN"
	timeout "${1:-15}" cat <&"$TZ_TCP_FD" >"$TZ_TCP_IN" &
	TZ_TCP_RPID=$!
	TZ_BG_PIDS="$TZ_BG_PIDS $TZ_TCP_RPID"
}

# tz_send_tcp FILE [SECONDS]: a new connection, FILE in one write; print
# what came back until the server closed it or SECONDS (default 2) passed.
tz_send_tcp() {
	tz_tcp_open "${2:-2}"
	tz_tcp_send "$1"
	tz_tcp_closed "${2:-2}"
	cat "$TZ_TCP_IN"
	tz_tcp_close
}

# tz_tcp_send FILE: one write of FILE (cat writes it at once).
tz_tcp_send() { cat "$1" >&"$TZ_TCP_FD" || tz_fail "tcp write failed"; }

# tz_tcp_wait_count ERE N [SECONDS]: until N lines of the input match.
tz_tcp_wait_count() {
	local end=$(($(tz_now_ms) + ${3:-3} * 1000)) i n=0
	for ((i = 0; i < 500; i++)); do
		n=$(grep -cE -- "$1" "$TZ_TCP_IN")
		[ "$n" -ge "$2" ] && return 0
		[ "$(tz_now_ms)" -lt "$end" ] || break
		sleep 0.02
	done
	tz_fail "tcp: $n lines matching /$1/ after ${3:-3}s, expected $2; got: $(head -c 800 "$TZ_TCP_IN")"
}

# tz_tcp_closed [SECONDS]: did the server close within SECONDS?
tz_tcp_closed() {
	local end=$(($(tz_now_ms) + ${1:-3} * 1000)) i
	for ((i = 0; i < 1000; i++)); do
		tz_alive "$TZ_TCP_RPID" || return 0
		[ "$(tz_now_ms)" -lt "$end" ] || return 1
		sleep 0.02
	done
	return 1
}

tz_tcp_close() {
	if [ -n "$TZ_TCP_FD" ]; then
		exec {TZ_TCP_FD}>&-
		TZ_TCP_FD=""
	fi
	if [ -n "$TZ_TCP_RPID" ]; then
		tz__own "$TZ_TCP_RPID" && tz_alive "$TZ_TCP_RPID" &&
			kill -TERM "$TZ_TCP_RPID" 2>/dev/null
		wait "$TZ_TCP_RPID" 2>/dev/null
		TZ_TCP_RPID=""
	fi
	return 0
}

# The first line (status line) of a response text, without CR; empty
# lines before it (RFC 5626 keep-alive pongs) are skipped.
tz_first_line() { tr -d '\r' | grep -m 1 .; }

# tz_hdr NAME: the value of the first header NAME (case-insensitive) of
# the first message on stdin.
tz_hdr() {
	tr -d '\r' | sed -n '/./,$p' | sed -n "/^\$/q; s/^$1:[[:space:]]*//Ip" |
		head -n 1
}

# ---- registrar and digest helpers ----

# tz_user SUBCOMMAND ARGS...: "trapezoid user ..." on the test database,
# telling the running server (the command waits until it applied it).
tz_user() {
	timeout 10 "$TZ_BIN" user "$@" --db "sqlite:$TZ_DIR/test.db" \
		--control "$TZ_CTL" >>"$TZ_DIR/user.out" 2>&1 ||
		tz_fail "trapezoid user $1 $2: $(tail -n 3 "$TZ_DIR/user.out")"
}

# tz_hash md5|sha256 TEXT: the lowercase hex digest of TEXT.
tz_hash() {
	local h
	case $1 in
	MD5 | md5) h=$(printf '%s' "$2" | md5sum) ;;
	SHA-256 | sha256) h=$(printf '%s' "$2" | sha256sum) ;;
	*) tz_fail "tz_hash: algorithm '$1'" ;;
	esac
	echo "${h%% *}"
}

# tz_digest ALG USER PASS REALM METHOD URI NONCE NC CNONCE: the digest
# response (RFC 7616 3.4.1, qop=auth; ALG MD5 or SHA-256) in hex.
tz_digest() {
	local ha1 ha2
	ha1=$(tz_hash "$1" "$2:$4:$3")
	ha2=$(tz_hash "$1" "$5:$6")
	tz_hash "$1" "$ha1:$7:$8:$9:auth:$ha2"
}

# tz_auth_param NAME: the value of parameter NAME (unquoted) in the
# challenge or credentials on stdin (one header value).
tz_auth_param() {
	sed -n "s/.*[ ,]$1=\"\\([^\"]*\\)\".*/\\1/p; t; s/.*[ ,]$1=\\([^ ,]*\\).*/\\1/p" |
		head -n 1
}

# tz_hdr_all NAME: every value of header NAME (case-insensitive) of the
# first message on stdin, one a line.
tz_hdr_all() {
	tr -d '\r' | sed -n '/./,$p' | sed -n "/^\$/q; s/^$1:[[:space:]]*//Ip"
}

# tz_kill9: SIGKILL the server (a crash: nothing is flushed or closed).
tz_kill9() {
	[ -n "$TZ_PID" ] || tz_fail "tz_kill9: no server"
	kill -KILL "$TZ_PID" 2>/dev/null
	wait "$TZ_PID" 2>/dev/null
	TZ_PID=""
	tz_check_log
}

# tz_restart [--KEY VALUE]...: start the server again in the same
# temporary directory (the same configuration, database and control
# socket) after tz_stop or tz_kill9; sets TZ_PID and the ports anew.
tz_restart() {
	[ -z "$TZ_PID" ] || tz_fail "tz_restart: a server is running ($TZ_PID)"
	[ -n "$TZ_DIR" ] && [ -d "$TZ_DIR" ] || tz_fail "tz_restart: no directory"
	tz__launch "$@"
	if ! tz_alive "$TZ_PID" || [ -z "$TZ_STATUS" ]; then
		tz_alive "$TZ_PID" && kill -KILL "$TZ_PID"
		wait "$TZ_PID" 2>/dev/null
		TZ_PID=""
		tz_fail "server did not restart"
	fi
	tz__ports
	[ -n "$TZ_UDP_PORT" ] && [ "$TZ_UDP_PORT" != 0 ] ||
		tz_fail "no bound ports in status: $TZ_STATUS"
	tz_log "server restarted $TZ_PID: udp $TZ_UDP_PORT, tcp $TZ_TCP_PORT"
}

# lib.sh  The tzphone acceptance harness (bash, sourced by
# tests/phone/test_*.sh): tzphone instances driven through their command
# line contract (issue 7: one command a line on stdin, one JSON object a
# line on stdout), against the real server of tests/scenario/lib.sh (whose
# tz_start, tz_stop, tz_user, tz_expect, tz_try, tz_fail... are used as
# they are) or against SIPp and raw UDP peers.
#
# Environment (besides tests/scenario/lib.sh's):
#   TZ_PHONE     the tzphone binary; unset: the test prints "skip" and
#                exits 77
#   PH_AUTH      on (default) or off: the server's digest authentication
#                (on: phones register through a 401 and call through 407s)
#
# Functions (each documented where defined):
#   phones     ph_start NAME [tzphone flags]..., ph_reg NAME USER [flags],
#              ph_cmd NAME LINE, ph_write NAME FILE, ph_quit NAME,
#              ph_eof NAME, ph_stop NAME SIGNAL, ph_alive NAME,
#              ph_port NAME, ph_flow
#   events     ph_wait NAME JQ-FILTER [SECONDS], ph_field JQ,
#              ph_find NAME JQ-FILTER, ph_none NAME JQ-FILTER SECONDS,
#              ph_events NAME [CALL#], ph_expect NAME EVENTS,
#              ph_expect_call NAME CALL# EVENTS, ph_peer NAME CALL#,
#              ph_expect_peer NAME CALL# ERE
#   calls      ph_dial A B USER, ph_connect A B USER, ph_hold_resume H O, ph_end NAME PEER
#              [COMMAND], ph_finish NAME..., ph_cancelled N SECONDS, ph_idle
#   server     ph_server [--KEY VALUE]..., ph_user USER..., ph_cli ARGS...
#   raw UDP    ph_udp_open NAME, ph_udp_expect ERE [SECONDS [WHAT]]
#
# A phone NAME leaves $TZ_DIR/NAME.{events,err} (TZ_KEEP=1 keeps them);
# NAME.in is the fifo of its stdin, held open by this shell.
#
# Events are matched with jq filters on the parsed object, e.g.
#   ph_wait A '.event == "ended"'; ph_field .code
# ph_wait consumes: the next ph_wait on that phone looks only at events
# after the one it matched. ph_events prints a phone's whole sequence as
# NAME[:METHOD][:CODE][:BY][@N], N the call's rank among the calls that
# phone has seen (1 = its first call id), e.g.
#   registered progress:180@1 established@1 ended:200:remote@1
# Only the contract's event names count there; a phone may add others. A
# progress event repeated at once counts once (a retransmitted 1xx).
#
# Every wait is bounded in count and in time; phones are ended by the PID
# recorded when they were started, never by name.

if [ -z "${TZ_PHONE:-}" ]; then
	echo "skip: TZ_PHONE is not set (the tzphone binary)"
	exit 77
fi

. "$(dirname "${BASH_SOURCE[0]}")/../scenario/lib.sh"

PH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) # tests/phone
[ -x "$TZ_PHONE" ] || tz_fail "TZ_PHONE is not an executable: '$TZ_PHONE'"
command -v jq >/dev/null 2>&1 || tz_fail "jq not found"

declare -A PH_PID=()  # NAME -> PID of its tzphone
declare -A PH_FD=()   # NAME -> this shell's fd on its stdin fifo
declare -A PH_POS=()  # NAME -> events consumed by ph_wait (lines)
declare -A PH_LISTEN=() # NAME -> its --listen port, if given
PH_EV=""              # the event ph_wait matched last (JSON)
PH_TIMEOUT=${PH_TIMEOUT:-5} # default seconds of a ph_wait

# The contract's events (issue 7); ph_events shows only these.
PH_EVENTS='registered registration_failed unregistered incoming progress
established held resumed transfer_progress transferred ended message dtmf
response error'

# ---- the server ----

# ph_dir: a temporary directory for tests without a server (tz_start
# makes its own); lib.sh's teardown removes it.
ph_dir() {
	[ -n "$TZ_DIR" ] && [ -d "$TZ_DIR" ] && return 0
	TZ_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tzphone.XXXXXX") || tz_fail "mktemp"
	TZ_LOG=$TZ_DIR/server.log
	: >"$TZ_LOG"
}

# ph_server [--KEY VALUE]...: tz_start with authentication as PH_AUTH says
# (TZ_CONF_EXTRA lines are kept).
ph_server() {
	TZ_CONF_EXTRA="auth = ${PH_AUTH:-on}${TZ_CONF_EXTRA:+
$TZ_CONF_EXTRA}" tz_start "$@"
}

# ph_user USER...: USER@localhost with the password USERpw, told to the
# running server.
ph_user() {
	local u
	for u in "$@"; do
		tz_user add "$u@localhost" "${u}pw"
	done
}

# ph_cli COMMAND ARGS...: "trapezoid COMMAND ..." on the test database,
# telling the running server (forward set/clear, user set).
ph_cli() {
	timeout 10 "$TZ_BIN" "$@" --db "sqlite:$TZ_DIR/test.db" \
		--control "$TZ_CTL" >>"$TZ_DIR/cli.out" 2>&1 ||
		tz_fail "trapezoid $*: $(tail -n 3 "$TZ_DIR/cli.out")"
}

# ---- phones ----

# ph__pid NAME: its PID, or fail.
ph__pid() {
	[ -n "${PH_PID[$1]:-}" ] || tz_fail "no phone named $1"
	echo "${PH_PID[$1]}"
}

# ph_alive NAME: is the phone's process running?
ph_alive() { tz_alive "${PH_PID[$1]:-}"; }

# ph__tail NAME: its last events and stderr lines, on stderr.
ph__tail() {
	{
		echo "---- phone $1: last events ($TZ_DIR/$1.events) ----"
		tail -n 15 "$TZ_DIR/$1.events" 2>/dev/null | cut -c 1-300
		echo "---- phone $1: stderr ----"
		tail -n 15 "$TZ_DIR/$1.err" 2>/dev/null | cut -c 1-300
	} >&2
}

# ph_start NAME [tzphone flags]...: start tzphone with these flags (and
# --proxy udp:127.0.0.1:P, P the server's UDP port, when a server runs and
# no --proxy is given; with --no-register and no --listen, --listen on a
# free port, so that ph_port knows it), stdin a fifo held by this shell,
# stdout $TZ_DIR/NAME.events. Unless the flags say --no-register (or
# PH_NOWAIT=1), wait for its "registered" (fail on registration_failed);
# with --no-register, wait until it listens.
ph_start() {
	local name=$1 fifo fd pid a prev="" proxy=1 reg=1 listen="" f closes=""
	shift
	ph_dir
	[ -z "${PH_PID[$name]:-}" ] || tz_fail "ph_start: phone $name exists"
	for a in "$@"; do
		case $a in
		--proxy) proxy=0 ;;
		--no-register) reg=0 ;;
		esac
		[ "$prev" = --listen ] && listen=${a##*:}
		prev=$a
	done
	[ "$proxy" = 1 ] && [ -n "$TZ_UDP_PORT" ] &&
		set -- "$@" --proxy "udp:127.0.0.1:$TZ_UDP_PORT"
	if [ "$reg" = 0 ] && [ -z "$listen" ]; then
		listen=$(tz__free_port) || tz_fail "no free port for phone $name"
		set -- "$@" --listen "udp:127.0.0.1:$listen"
	fi
	fifo=$TZ_DIR/$name.in
	rm -f "$fifo"
	mkfifo "$fifo" || tz_fail "mkfifo $fifo"
	# read-write: never blocks, and a write to a phone that died fills
	# the pipe instead of killing this shell with SIGPIPE
	exec {fd}<>"$fifo" || tz_fail "cannot open $fifo"
	# the phone must not hold any fifo (its own or another phone's): it
	# would never see EOF
	for f in "${PH_FD[@]}" "$fd"; do
		[ -n "$f" ] && closes="$closes exec $f>&-;"
	done
	(
		eval "$closes"
		exec "$TZ_PHONE" "$@"
	) <"$fifo" >"$TZ_DIR/$name.events" 2>"$TZ_DIR/$name.err" &
	pid=$!
	PH_PID[$name]=$pid
	PH_FD[$name]=$fd
	PH_POS[$name]=0
	PH_LISTEN[$name]=$listen
	TZ_BG_PIDS="$TZ_BG_PIDS $pid"
	tz_log "phone $name: pid $pid: tzphone $*"
	if [ "$reg" = 1 ]; then
		[ "${PH_NOWAIT:-0}" = 1 ] && return 0
		ph_wait "$name" '.event == "registered" or .event == "registration_failed"'
		[ "$(ph_field .event)" = registered ] ||
			tz_fail "phone $name did not register: $PH_EV"
	else
		ph_port "$name" >/dev/null
	fi
}

# ph_reg NAME USER [flags]...: USER@localhost registers with its password
# (ph_user made it) through the server: ph_start with --aor and --password.
ph_reg() {
	local name=$1 user=$2
	shift 2
	ph_start "$name" --aor "$user@localhost" --password "${user}pw" "$@"
}

# ph_port NAME: the UDP port the phone listens on for SIP (waits up to
# 5 s for it to be bound): its --listen port, else (an ephemeral one) the
# first loopback UDP port the process has bound.
ph_port() {
	local pid p="" i end want=${PH_LISTEN[$1]:-}
	pid=$(ph__pid "$1")
	end=$(($(tz_now_ms) + 5000))
	for ((i = 0; i < 250; i++)); do
		p=$(ss -Hlnup 2>/dev/null | grep "pid=$pid," | awk '{print $4}' |
			grep "^127\.0\.0\.1:${want:-[0-9]*}\$" | head -n 1 | sed 's/.*://')
		[ -n "$p" ] && { echo "$p"; return 0; }
		tz_alive "$pid" || break
		[ "$(tz_now_ms)" -lt "$end" ] || break
		sleep 0.02
	done
	ph__tail "$1"
	tz_fail "phone $1 (pid $pid) does not listen on udp 127.0.0.1${want:+:$want}"
}

# ph_cmd NAME LINE: one command line to the phone's stdin.
ph_cmd() {
	local fd=${PH_FD[$1]:-}
	[ -n "$fd" ] || tz_fail "ph_cmd: no phone $1 (or its stdin is closed)"
	ph_alive "$1" || { ph__tail "$1"; tz_fail "phone $1 exited before '$2'"; }
	printf '%s\n' "$2" >&"$fd" || tz_fail "ph_cmd $1: write failed"
	printf '> %s\n' "$2" >>"$TZ_DIR/$1.cmds"
}

# ph_write NAME FILE: FILE's bytes, as they are, to the phone's stdin
# (bounded: a phone that stops reading does not hang the test).
ph_write() {
	local fd=${PH_FD[$1]:-}
	[ -n "$fd" ] || tz_fail "ph_write: no phone $1"
	timeout 5 cat "$2" >&"$fd" || tz_fail "ph_write $1: $2 not taken within 5s"
}

# ph_quit NAME [SECONDS]: "quit", then EOF on its stdin; the phone must
# exit 0 within SECONDS (default 5; it hangs up and unregisters first),
# and every line it wrote must be a JSON object with a string "event".
# ph_eof NAME [SECONDS]: the same with EOF alone (the contract: EOF is
# quit).
ph_quit() { ph__close "$1" "${2:-5}" quit; }
ph_eof() { ph__close "$1" "${2:-5}" ""; }
ph__close() {
	local name=$1 pid fd rc
	pid=$(ph__pid "$name")
	fd=${PH_FD[$name]:-}
	if [ -n "$fd" ]; then
		[ -n "$3" ] && ph_alive "$name" && printf '%s\n' "$3" >&"$fd"
		exec {fd}>&-
		PH_FD[$name]=""
	fi
	ph__reap "$name" "$2" || {
		ph__tail "$name"
		tz_fail "phone $name (pid $pid) still running $2s after ${3:-EOF} (killed)"
	}
	rc=$PH_RC
	[ "$rc" = 0 ] || { ph__tail "$name"; tz_fail "phone $name exited with status $rc after ${3:-EOF}"; }
	ph__check_output "$name"
}

# ph__reap NAME SECONDS: wait (bounded) for the phone to exit; PH_RC gets
# its status. 1 (after SIGKILL) if it did not exit in time.
ph__reap() {
	local pid=${PH_PID[$1]} end i
	end=$(($(tz_now_ms) + $2 * 1000))
	for ((i = 0; i < 1000; i++)); do
		tz_alive "$pid" || break
		[ "$(tz_now_ms)" -lt "$end" ] || break
		sleep 0.02
	done
	if tz_alive "$pid"; then
		tz__own "$pid" && kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		PH_RC=killed
		return 1
	fi
	wait "$pid" 2>/dev/null
	PH_RC=$?
	return 0
}

# ph__check_output NAME: every stdout line is a JSON object with a string
# "event" (the contract); a sanitizer report on stderr is a failure.
ph__check_output() {
	local bad
	bad=$(jq -R 'try (fromjson | if type == "object" and (.event | type) == "string" then empty else . end) catch .' \
		<"$TZ_DIR/$1.events" 2>&1 | head -n 3)
	[ -z "$bad" ] || tz_fail "phone $1 wrote lines that are not event objects: $bad"
	if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$TZ_DIR/$1.err"; then
		grep -A 30 -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$TZ_DIR/$1.err" |
			head -n 60 >&2
		tz_fail "sanitizer report from phone $1"
	fi
}

# ph_stop NAME SIGNAL: send SIGNAL (STOP, CONT, KILL...) to the phone's
# recorded PID; after KILL, reap it.
ph_stop() {
	local pid
	pid=$(ph__pid "$1")
	tz__own "$pid" || tz_fail "ph_stop: phone $1 (pid $pid) is not ours"
	kill "-$2" "$pid" 2>/dev/null || tz_fail "kill -$2 $pid (phone $1)"
	if [ "$2" = KILL ]; then
		[ -n "${PH_FD[$1]:-}" ] && eval "exec ${PH_FD[$1]}>&-"
		PH_FD[$1]=""
		ph__reap "$1" 5
	fi
	return 0
}

# ph_flow: (first in a tz_try flow) the phones started in this flow end
# with it, also when a check fails in between.
ph_flow() {
	[ "$BASH_SUBSHELL" -gt 0 ] || tz_fail "ph_flow outside tz_try"
	PH_OLDER=" ${!PH_PID[*]} "
	# bindings and dialogs left by earlier flows (a killed phone's) are
	# not this one's
	PH_BINDINGS0=0 PH_DIALOGS0=0
	if [ -n "$TZ_PID" ]; then
		tz_status || tz_fail "status: no answer from the server"
		PH_BINDINGS0=$(tz_json_field "$TZ_STATUS" bindings)
		PH_DIALOGS0=$(tz_json_field "$TZ_STATUS" proxy.dialogs)
	fi
	trap ph__end EXIT
}
ph__end() {
	local n pid
	for n in "${!PH_PID[@]}"; do
		case $PH_OLDER in *" $n "*) continue ;; esac
		pid=${PH_PID[$n]}
		tz__own "$pid" && tz_alive "$pid" && kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
}

# ---- events ----

# ph__lines NAME: the complete lines of its events file (a line being
# written is left for the next look).
ph__lines() {
	local n
	n=$(wc -l <"$TZ_DIR/$1.events")
	head -n "$n" "$TZ_DIR/$1.events"
}

# ph_wait NAME JQ-FILTER [SECONDS]: wait (default PH_TIMEOUT s) for an
# event after the last one consumed on which FILTER is true; PH_EV gets
# it (ph_field reads it) and it is consumed. Fails if the phone exits or
# time runs out, with the events it did see.
ph_wait() {
	local name=$1 filter=$2 secs=${3:-$PH_TIMEOUT} pos hit end i
	pos=${PH_POS[$name]:-0}
	end=$(($(tz_now_ms) + secs * 1000))
	for ((i = 0; i < 2000; i++)); do
		hit=$(ph__lines "$name" | tail -n +"$((pos + 1))" |
			jq -rR --argjson base "$pos" "
			(try fromjson catch null) as \$e
			| select((\$e | type) == \"object\")
			| select([try (\$e | $filter) catch false] | any)
			| \"\(\$base + input_line_number)\t\(\$e | tojson)\"" 2>"$TZ_DIR/jq.err" |
			head -n 1)
		[ -s "$TZ_DIR/jq.err" ] && tz_fail "ph_wait: jq filter '$filter': $(head -n 2 "$TZ_DIR/jq.err")"
		if [ -n "$hit" ]; then
			PH_POS[$name]=${hit%%$'\t'*}
			PH_EV=${hit#*$'\t'}
			return 0
		fi
		ph_alive "$name" || break
		[ "$(tz_now_ms)" -lt "$end" ] || break
		sleep 0.05
	done
	ph__tail "$name"
	ph_alive "$name" || tz_fail "phone $name exited (waiting for $filter); its events: $(ph_events "$name")"
	tz_fail "phone $name: no event matching '$filter' within ${secs}s after event #$pos; its events: $(ph_events "$name")"
}

# ph_field JQ: a field of the event ph_wait matched last (raw string).
ph_field() { jq -r "$1" <<<"$PH_EV"; }

# ph_find NAME JQ-FILTER: PH_EV gets the first of all the phone's events
# on which FILTER is true (consumes nothing); fail if there is none.
ph_find() {
	PH_EV=$(ph__lines "$1" | jq -cR "(try fromjson catch null)
		| select(type == \"object\") | select([try ($2) catch false] | any)" |
		head -n 1)
	[ -n "$PH_EV" ] || tz_fail "phone $1: no event matching '$2'; its events: $(ph_events "$1")"
}

# ph_none NAME JQ-FILTER SECONDS: no event after the consumed ones
# matches FILTER within SECONDS (consumes nothing).
ph_none() {
	local n
	sleep "$3"
	n=$(ph__lines "$1" | tail -n +"$((${PH_POS[$1]:-0} + 1))" |
		jq -R "(try fromjson catch null) | select(type == \"object\") | select([try ($2) catch false] | any)" |
		grep -c .)
	[ "$n" = 0 ] || tz_fail "phone $1: $n unexpected events matching '$2'; its events: $(ph_events "$1")"
}

# ph_events NAME [CALL#]: the phone's contract events, in order, on one
# line (see the top of this file); with CALL#, only that call's.
ph_events() {
	ph__lines "$1" | jq -rRn --arg names "$PH_EVENTS" --arg only "${2:-}" '
	($names | split("\\s+"; null) | map(select(. != ""))) as $known
	| [inputs | try fromjson catch empty | select(type == "object")]
	| reduce .[] as $e ({calls: [], out: []};
		($e.call // null | if . == null then null else tostring end) as $c
		| (if $c != null and (.calls | index([$c])) == null
			then .calls += [$c] else . end)
		| (if $c == null then null else (.calls | index([$c])) + 1 end) as $n
		| if ($known | index([$e.event | tostring])) == null then .
		  elif $only != "" and ($n | tostring) != $only then .
		  else .out += [
			([$e.event | tostring]
			 + (if $e | has("method") then [$e.method | tostring] else [] end)
			 + (if $e | has("code") then [$e.code | tostring]
			    elif $e | has("status") then [$e.status | tostring] else [] end)
			 + (if $e | has("by") then [$e.by | tostring] else [] end)
			 | join(":"))
			+ (if $n == null or $only != "" then "" else "@\($n)" end)]
		  end)
	# a progress repeated at once is one: a 1xx retransmitted (the
	# caller resent its INVITE, P resent its last provisional) is not news
	| .out | reduce .[] as $x ([]; if ($x | startswith("progress:")) and
		length > 0 and .[-1] == $x then . else . + [$x] end) | join(" ")'
}

# ph__settle NAME: wait (at most 2 s) until the phone has written nothing
# for 250 ms: late extra events show in what ph_expect compares.
ph__settle() {
	local f=$TZ_DIR/$1.events s0 s1 i quiet=0
	s0=$(wc -c <"$f")
	for ((i = 0; i < 40; i++)); do
		sleep 0.05
		s1=$(wc -c <"$f")
		if [ "$s1" = "$s0" ]; then
			quiet=$((quiet + 1))
			[ "$quiet" -ge 5 ] && return 0
		else
			quiet=0 s0=$s1
		fi
	done
}

# ph_expect NAME EVENTS: the phone's whole event sequence (ph_events) is
# EVENTS.
ph_expect() {
	ph__settle "$1"
	tz_expect "events of phone $1" "$(ph_events "$1")" "$2"
}

# ph_expect_call NAME CALL# EVENTS: the events of the phone's CALL#th call
# are EVENTS (for a phone with calls whose events may interleave).
ph_expect_call() {
	ph__settle "$1"
	tz_expect "events of phone $1, call $2" "$(ph_events "$1" "$2")" "$3"
}

# ph_peer NAME CALL#: the peer URI the first event of the phone's CALL#th
# call names (its field "peer", else "uri", "remote" or "from").
ph_peer() {
	ph__lines "$1" | jq -rRn --argjson k "$2" '
	[inputs | try fromjson catch empty | select(type == "object" and .call != null)]
	| (reduce .[] as $e ([]; if index([$e.call | tostring]) == null then . + [$e.call | tostring] else . end)) as $calls
	| [.[] | select((.call | tostring) == $calls[$k - 1])] | first
	| (.peer // .uri // .remote // .from // "") | tostring'
}

# ph_expect_peer NAME CALL# ERE: that call's peer URI matches ERE.
ph_expect_peer() {
	tz_expect_match "peer of phone $1, call $2" "$(ph_peer "$1" "$2")" "$3"
}

# ---- calls ----

# ph_dial A B USER: phone A calls sip:USER@localhost; B (USER's phone)
# reports "incoming" and A then "progress" 180. Bounded by ph_wait.
ph_dial() {
	ph_cmd "$1" "call sip:$3@localhost"
	ph_wait "$2" '.event == "incoming"'
	ph_wait "$1" '.event == "progress" and .code == 180'
}

# ph_connect A B USER: as ph_dial, then B answers; both report
# "established".
ph_connect() {
	ph_dial "$@"
	ph_cmd "$2" answer
	ph_wait "$2" '.event == "established"'
	ph_wait "$1" '.event == "established"'
}

# ph_end NAME PEER [COMMAND]: NAME runs COMMAND (default "hangup", e.g.
# "reject 603" or "hangup 2"); NAME and then PEER report "ended".
ph_end() {
	ph_cmd "$1" "${3:-hangup}"
	ph_wait "$1" '.event == "ended"'
	ph_wait "$2" '.event == "ended"'
}

# ph_hold_resume HOLDER OTHER: HOLDER holds the call and resumes it (two
# re-INVITEs); both phones report held, then resumed.
ph_hold_resume() {
	ph_cmd "$1" hold
	ph_wait "$1" '.event == "held"'
	ph_wait "$2" '.event == "held"'
	ph_cmd "$1" resume
	ph_wait "$1" '.event == "resumed"'
	ph_wait "$2" '.event == "resumed"'
}

# ph_finish NAME...: every one quits (exit 0, ph_quit), then the server is
# idle (ph_idle).
ph_finish() {
	local n
	for n in "$@"; do ph_quit "$n"; done
	ph_idle
}

# ph_cancelled N SECONDS: (a tz_try flow; CALLFLOWS flows 3 and 27) users
# aN and bN; A calls B, B rings for SECONDS, A hangs up: CANCEL, 487 (A
# ended 487 local, B ended 487 remote); both quit, the server is idle.
ph_cancelled() {
	ph_flow
	ph_user "a$1" "b$1"
	ph_reg B "b$1"
	ph_reg A "a$1"
	ph_dial A B "b$1"
	sleep "$2"
	ph_end A B
	ph_expect A "registered:200 progress:180@1 ended:487:local@1"
	ph_expect B "registered:200 incoming@1 ended:487:remote@1"
	ph_finish A B
}

# ph_idle [BINDINGS]: the server is left with BINDINGS more registrations
# than when the flow began (ph_flow; default 0: the phones unregistered as
# they quit), no more call dialogs than then, no proxy context and no
# transaction (within 5 s; 2xx contexts linger 64*T1 = 1.28 s).
ph_idle() {
	tz_wait_field bindings "$((${PH_BINDINGS0:-0} + ${1:-0}))" 5
	tz_wait_field proxy.dialogs "${PH_DIALOGS0:-0}" 5
	tz_wait_field proxy.contexts 0 5
	tz_wait_field transactions 0 5
}

# ---- raw UDP to a phone ----

# ph_udp_open NAME: lib.sh's UDP socket (tz_udp_send/recv/close), to the
# phone's port instead of the server's; PH_UDP_LPORT gets its local port
# (for Via and Contact: the phone answers to the sent-by, RFC 3261
# 18.2.2).
ph_udp_open() {
	PH_UDP_PORT=$(ph_port "$1")
	TZ_UDP_PORT=$PH_UDP_PORT tz_udp_open
	# the only connected socket to that port is ours (a phone's is not)
	PH_UDP_LPORT=$(ss -Hun dst "127.0.0.1:$PH_UDP_PORT" 2>/dev/null |
		awk '{print $(NF - 1)}' | sed 's/.*://' | head -n 1)
	[ -n "$PH_UDP_LPORT" ] || tz_fail "ph_udp_open: no local port for the socket to $PH_UDP_PORT"
}

# ph_udp_expect ERE [SECONDS [WHAT]]: read datagrams (default for 3 s)
# until one whose first line matches ERE; print it. Fail (saying WHAT was
# sent) with the first lines seen.
ph_udp_expect() {
	local end=$(($(tz_now_ms) + ${2:-3} * 1000)) i m seen=""
	for ((i = 0; i < 100; i++)); do
		m=$(tz_udp_recv 1)
		if [ -n "$m" ]; then
			if printf '%s' "$m" | tz_first_line | grep -Eq -- "$1"; then
				printf '%s\n' "$m"
				return 0
			fi
			seen="$seen|$(printf '%s' "$m" | tz_first_line)"
		fi
		[ "$(tz_now_ms)" -lt "$end" ] || break
	done
	tz_fail "${3:+$3: }no datagram /$1/ from the phone within ${2:-3}s; got: ${seen#|}"
}

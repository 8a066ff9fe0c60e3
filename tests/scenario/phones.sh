# phones.sh  Phones for the call-flow tests (test_calls.sh, test_dialogs.sh),
# sourced after lib.sh: each phone is a SIPp instance on its own loopback
# port talking to the server (P) over UDP, as CALLFLOWS.md draws them
# (A -> P -> B). A callee first registers its port as its only binding
# (call_register.xml, auth off), then a SIPp UAS runs on that same port,
# since P sends to the registered Contact. Every phone sends to P: a caller
# to P's UDP port, a callee back to where P's request came from. Every run
# is bounded (-m 1, SIPp -timeout, timeout(1)).
#
# Functions:
#   phone_server USER...        start P (auth off) with these users
#   phone_port                  a free local port
#   phone_register USER PORT    USER@localhost's only binding: 127.0.0.1:PORT
#   phone_unregister USER       USER@localhost has no binding
#   phone_run NAME XML PORT [SIPp args]...    one run in the foreground
#   phone_start NAME XML PORT [SIPp args]...  one run in the background
#   phone_wait NAME...          collect background runs; fail unless exit 0
#   phone_flow                  (first in a flow) end this flow's phones on exit
#   phone_rx NAME               what NAME received, in order
#   phone_msg NAME START [N] [all]  the Nth message NAME received starting
#                               START (copies counted with "all")
#   phone_vias NAME START [N] [all] its Via values, one a line
#   phone_through_p NAME START SENDER_PORT [N]   it came through P
#   phone_hop NAME START [N]    it came from P hop by hop (CANCEL, ACK)
#   phone_idle [SECONDS]        P has no transaction left
#
# A phone NAME leaves $TZ_DIR/NAME.{msg,err,out,screen} (TZ_KEEP=1 keeps them).
# Scenario keys: [p_port] P's UDP port, [user] (call_register.xml).
#
# Conventions of the call_*.xml phones:
# - a phone with two dialogs at once (A in flows 6, 7, 9; B in 8, 9; C in
#   9) keeps them in one SIPp call: the second dialog's Call-ID is
#   X///[call_id] (c///, r///), which SIPp maps to the same call by the
#   part after "///"; phone_rx marks its messages @X;
# - SIPp keeps only the first dialog's route set ([routes], [next_url],
#   from the first rrs="true"); a second dialog's remote target and route
#   set are read into variables (P record-routes once: no reversal);
# - every request and response from a phone goes to P's address (a UAC's
#   remote host, a UAS's source of the first request); the headers decide
#   where P forwards it;
# - the order between phones rests on pauses of 100 ms or more where two
#   messages would otherwise race through P (different transactions).

PH_PIDS="" # "NAME:PID ..." started by phone_start in this shell

# phone_server USER...: start the server (lib.sh's test configuration,
# auth off: phones register without a challenge and call without
# credentials) with users USER@localhost (password USERpw).
phone_server() {
	local u
	TZ_CONF_EXTRA='auth = off'
	tz_start
	for u in "$@"; do
		tz_user add "$u@localhost" "${u}pw"
	done
}

# phone_port: a free UDP/TCP port (lib.sh's picker), not one handed out
# before in this directory (a phone may not be listening on it yet).
phone_port() {
	local p i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		p=$(tz__free_port) || break
		grep -qx "$p" "$TZ_DIR/.ports" 2>/dev/null && continue
		echo "$p" >>"$TZ_DIR/.ports"
		echo "$p"
		return 0
	done
	tz_fail "no free port for a phone"
}

# phone__args NAME XML PORT: the SIPp command line of a phone (in PH_CMD).
phone__args() {
	local base=$TZ_DIR/$1
	rm -f "$base.msg" "$base.err" "$base.screen"
	PH_CMD=(timeout -k 2 "${TZ_SIPP_TIMEOUT:-20}" "$TZ_SIPP" "127.0.0.1:$TZ_UDP_PORT"
		-sf "$TZ_SCN_DIR/$2" -t u1 -i 127.0.0.1 -p "$3" -mi 127.0.0.1
		-mp "$(phone_port)" -nostdin -m 1
		-timeout "$((${TZ_SIPP_TIMEOUT:-20} - 3))s" -timeout_error
		-default_behaviors all,-bye
		-trace_err -error_file "$base.err"
		-trace_msg -message_file "$base.msg"
		-trace_screen -screen_file "$base.screen"
		-key p_port "$TZ_UDP_PORT")
}

# phone__report NAME RC: SIPp's view of a failed run, on stderr.
phone__report() {
	local base=$TZ_DIR/$1
	echo "---- phone $1: sipp exit $2$([ "$2" = 124 ] && echo ' (timed out)') ----" >&2
	[ -f "$base.screen" ] && grep -E -- '---->|<----|Pause|Successful call|Failed call' "$base.screen" |
		tail -n 40 >&2
	[ -f "$base.err" ] && {
		echo "---- phone $1 errors ($base.err) ----" >&2
		grep -v '^\s*$' "$base.err" | tail -n 30 | cut -c 1-300 >&2
	}
	[ -f "$base.msg" ] && echo "---- phone $1 received: $(phone_rx "$1") ----" >&2
	grep -E 'rror|nable' "$base.out" 2>/dev/null | head -n 5 >&2
	return 0
}

# phone_run NAME XML PORT [SIPp args]...: one SIPp run from 127.0.0.1:PORT
# (with -m 1, to P); fails unless every call succeeded (exit 0).
phone_run() {
	local name=$1 rc
	phone__args "$1" "$2" "$3"
	shift 3
	"${PH_CMD[@]}" "$@" >"$TZ_DIR/$name.out" 2>&1 </dev/null
	rc=$?
	[ "$rc" = 0 ] && return 0
	phone__report "$name" "$rc"
	tz_fail "phone $name ($(basename "$TZ_SCN_DIR/$2" 2>/dev/null)) failed: sipp exit $rc"
}

# phone__listens PID PORT: a UDP socket on PORT, and it is this phone's
# (PID is timeout's, SIPp its child): a port taken by another process
# makes SIPp exit ("Unable to bind main socket") while that socket
# answers the check. Without process details from ss (not root), any
# listener counts.
phone__listens() {
	local l owner
	l=$(ss -Hlnup "sport = :$2" 2>/dev/null) && [ -n "$l" ] || return 1
	owner=$(printf '%s\n' "$l" | grep -o 'pid=[0-9]*' | head -n 1)
	owner=${owner#pid=}
	[ -z "$owner" ] || [ "$owner" = "$1" ] ||
		[ "$(ps -o ppid= -p "$owner" 2>/dev/null | tr -d ' ')" = "$1" ]
}

# phone_start NAME XML PORT [SIPp args]...: the same in the background;
# returns once the phone listens on PORT (a callee must be up before the
# call is placed).
phone_start() {
	local name=$1 port=$3 pid i end
	phone__args "$1" "$2" "$3"
	shift 3
	"${PH_CMD[@]}" "$@" >"$TZ_DIR/$name.out" 2>&1 </dev/null &
	pid=$!
	PH_PIDS="$PH_PIDS $name:$pid"
	end=$(($(tz_now_ms) + 5000))
	for ((i = 0; i < 250; i++)); do
		phone__listens "$pid" "$port" && return 0
		tz_alive "$pid" || break
		[ "$(tz_now_ms)" -lt "$end" ] || break
		sleep 0.02
	done
	phone__report "$name" "not listening"
	tz_fail "phone $name not listening on udp $port"
}

# phone_wait NAME...: wait for these background phones (each bounded by
# its own timeout); fail, after reporting every one, unless all exited 0.
phone_wait() {
	local name e pid rc bad=""
	for name in "$@"; do
		pid=""
		for e in $PH_PIDS; do
			[ "${e%%:*}" = "$name" ] && pid=${e#*:}
		done
		[ -n "$pid" ] || tz_fail "phone_wait: no phone $name"
		wait "$pid"
		rc=$?
		PH_PIDS=$(printf '%s' "$PH_PIDS" | sed "s/ $name:$pid//")
		[ "$rc" = 0 ] && continue
		phone__report "$name" "$rc"
		bad="$bad $name(exit $rc)"
	done
	[ -z "$bad" ] || tz_fail "phones failed:$bad"
}

# phone_flow: a flow's phones end with it (a failed check ends the tz_try
# subshell; its callees must not outlive it). Call first in a flow.
phone_flow() {
	PH_PIDS=""
	trap phone__end EXIT
}
phone__end() {
	local e pid
	for e in $PH_PIDS; do
		pid=${e#*:}
		tz__own "$pid" && tz_alive "$pid" && kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	PH_PIDS=""
}

# phone_register USER PORT: REGISTER from 127.0.0.1:PORT, first removing
# every binding of USER@localhost (Contact: *), then adding
# <sip:USER@127.0.0.1:PORT>; the 200 must list that one binding.
phone_register() {
	local n msg=
	phone_run "reg-$1-$2" call_register.xml "$2" -key user "$1" \
		-key expires 3600
	# the 200 to the second REGISTER (CSeq 2): on a busy machine the
	# first one may be retransmitted and its 200 come twice
	for n in 1 2 3 4; do
		msg=$(phone_msg "reg-$1-$2" "SIP/2.0 200" "$n")
		[ -n "$msg" ] || break
		printf '%s\n' "$msg" | tz_hdr_all CSeq | grep -q '^2 REGISTER' && break
		msg=
	done
	tz_expect_match "$1's binding after REGISTER from port $2" \
		"$(printf '%s\n' "$msg" | tz_hdr_all Contact | tr '\n' '|')" \
		"^<sip:$1@127\\.0\\.0\\.1:$2>;expires=(3600|3599)\\|\$"
}

# phone_unregister USER: USER@localhost is left with no binding.
phone_unregister() {
	phone_run "unreg-$1" call_register.xml "$(phone_port)" -key user "$1" \
		-key expires 0
}

# phone_rx NAME [all]: the messages NAME received, in order, on one line:
# a request as its method, a response as CODE/METHOD (from its CSeq);
# "@X" follows either when its Call-ID is X///... (a second dialog of the
# same SIPp call, see the multi-dialog scenarios). A message identical to
# one received before is a retransmission (a late ACK or 200 on a busy
# machine, T1 being 20 ms here) and is left out, unless "all" is given.
phone_rx() {
	awk -v all="${2:-}" '
	function flush() {
		if (first != "" && (all == "all" || !(text in seen))) {
			seen[text] = 1
			split(first, w, " ")
			s = (w[1] == "SIP/2.0") ? w[2] "/" meth : w[1]
			if (dlg != "") s = s "@" dlg
			out = out (out == "" ? "" : " ") s
		}
		first = ""; meth = ""; dlg = ""; st = 0; text = ""
	}
	{ sub(/\r$/, "") }
	/^-----------------------------------------------/ { flush(); next }
	st == 0 && /message received/ { st = 1; next }
	st == 0 { next }
	{ text = text $0 "\n" }
	st == 1 && first == "" && $0 == "" { next }
	st == 1 && first == "" { first = $0; next }
	st == 1 && $0 == "" { st = 2; next }
	st == 1 && tolower($1) == "cseq:" { meth = $3 }
	st == 1 && tolower($1) == "call-id:" && index($2, "///") { dlg = substr($2, 1, index($2, "///") - 1) }
	END { flush(); print out }' "$TZ_DIR/$1.msg"
}

# phone_msg NAME START [N] [all]: the Nth (default 1st) message NAME
# received whose first line starts with START (headers and body, CRs
# removed). As in phone_rx, a message identical to one received before
# is a retransmission (P resends a request to a slow phone after T1, 20
# ms here) and is not counted, unless "all" is given.
phone_msg() {
	awk -v start="$2" -v want="${3:-1}" -v all="${4:-}" '
	function flush() {
		if (st && (all == "all" || !(text in seen))) {
			seen[text] = 1
			if (index(line1, start) == 1 && ++n == want) {
				printf "%s", text
				exit
			}
		}
		st = 0; text = ""; line1 = ""
	}
	{ sub(/\r$/, "") }
	/^-----------------------------------------------/ { flush(); next }
	st == 0 && /message received/ { st = 1; next }
	st == 0 { next }
	line1 == "" && $0 == "" { next }
	line1 == "" { line1 = $0 }
	{ text = text $0 "\n" }
	END { flush() }' "$TZ_DIR/$1.msg"
}

# phone_vias NAME START [N] [all]: the Via values of that message, top first,
# one a line (a comma-separated field split into its values).
phone_vias() {
	phone_msg "$@" | tz_hdr_all Via | tr ',' '\n' | sed 's/^[[:space:]]*//' | grep .
}

# phone_through_p NAME START SENDER_PORT [N]: that message reached NAME
# through P: exactly two Vias, the bottom one the sender's
# (127.0.0.1:SENDER_PORT), the top one P's (loopback, another port).
phone_through_p() {
	local v
	v=$(phone_vias "$1" "$2" "${4:-1}")
	[ -n "$v" ] || tz_fail "$1 received no '$2' (#${4:-1}); it received: $(phone_rx "$1")"
	tz_expect "$1: number of Vias in '$2' (#${4:-1}) from port $3" \
		"$(printf '%s\n' "$v" | wc -l)" 2
	tz_expect_match "$1: top Via of '$2' (#${4:-1}) is P's" \
		"$(printf '%s\n' "$v" | head -n 1)" \
		"^SIP/2\.0/UDP 127\.0\.0\.1:[0-9]+;"
	printf '%s\n' "$v" | head -n 1 | grep -q "^SIP/2\.0/UDP 127\.0\.0\.1:$3;" &&
		tz_fail "$1: top Via of '$2' is the sender's own, not P's: $(printf '%s' "$v" | tr '\n' '|')"
	tz_expect_match "$1: bottom Via of '$2' (#${4:-1}) is the sender's" \
		"$(printf '%s\n' "$v" | tail -n 1)" "^SIP/2\.0/UDP 127\.0\.0\.1:$3;"
}

# phone_hop NAME START [N]: that message (a CANCEL, or the ACK of a
# non-2xx) is P's own, hop by hop (RFC 3261 9.1, 17.1.1.3): one Via, with
# the branch of the INVITE P sent to NAME.
phone_hop() {
	local v inv
	v=$(phone_vias "$1" "$2" "${3:-1}")
	[ -n "$v" ] || tz_fail "$1 received no '$2'; it received: $(phone_rx "$1")"
	inv=$(phone_vias "$1" INVITE 1 | head -n 1 | grep -o 'branch=[^;]*')
	tz_expect "$1: Vias of '$2' (P's alone)" "$(printf '%s\n' "$v" | wc -l)" 1
	tz_expect "$1: branch of '$2' (the INVITE's)" \
		"$(printf '%s\n' "$v" | grep -o 'branch=[^;]*')" "$inv"
}

# phone_idle [SECONDS]: P's transactions all end (default within 5 s:
# Timer D, H and J are 64*T1 = 1.28 s in the test configuration).
phone_idle() { tz_wait_field transactions 0 "${1:-5}"; }

#!/bin/bash
# Multi-worker response routing (DESIGN.md "Workers", RFC 3261 18.2.2,
# RFC 3581): the server sends OPTIONS from a chosen worker (trapezoid ping)
# and the response must reach that worker
#   - UDP, the peer answering to the Via (the worker's private port),
#     with and without rport;
#   - UDP, the peer answering to the shared port (SIPp -rsa): one of the
#     two workers gets it through the cross-worker queue;
#   - TCP: worker 1 sends on worker 0's connection (hand-off to the
#     owner) and the response comes back through worker 0;
# plus RFC 3263 through the static override file (NAPTR -> SRV -> A),
# RFC 3261 18.1.1 (over udp-max-size: TCP), a refused connection reported
# to the transaction at once (17.1.4), and the per-source TCP cap.
source "$(dirname "$0")/lib.sh"

peer_pids=""
# peer NAME PORT TRANSPORT CALLS [sipp args]: a SIPp UAS in the background
peer() {
	local name=$1 port=$2 t=$3 calls=$4
	shift 4
	timeout -k 2 40 "$TZ_SIPP" -sf "$TZ_SCN_DIR/peer_uas_options.xml" \
		-t "$t" -p "$port" -i 127.0.0.1 -m "$calls" -nostdin \
		-trace_err -error_file "$TZ_DIR/peer-$name.err" \
		"$@" >"$TZ_DIR/peer-$name.out" 2>&1 </dev/null &
	eval "peer_$name=$!"
	peer_pids="$peer_pids $!"
	TZ_BG_PIDS="$TZ_BG_PIDS $!"
	sleep 0.3 # SIPp binds its port
}

# peer_done NAME: the peer answered all its calls (exit 0), within 20 s
peer_done() {
	local pid
	eval "pid=\$peer_$1"
	for ((i = 0; i < 200; i++)); do
		tz_alive "$pid" || break
		sleep 0.1
	done
	wait "$pid"
	local rc=$?
	[ "$rc" = 0 ] || {
		tail -n 20 "$TZ_DIR/peer-$1.out" "$TZ_DIR/peer-$1.err" >&2 2>/dev/null
		tz_fail "peer $1 exit $rc (not every OPTIONS answered)"
	}
}

# ping URI WORKER [--rport]: the answer's JSON, exit status checked
ping() {
	local out
	out=$("$TZ_BIN" ping "$1" --worker "$2" ${3:-} --control "$TZ_CTL") ||
		tz_fail "ping $1 from worker $2: $out"
	tz_expect_match "ping $1 from worker $2" "$out" '"status":200'
	tz_expect_match "ping $1 answered on worker $2" "$out" "\"worker\":$2"
	printf '%s' "$out"
}

hosts=$(mktemp "${TMPDIR:-/tmp}/tzhosts.XXXXXX")
pu=$(tz__free_port) && pr=$(tz__free_port) && pt=$(tz__free_port) ||
	tz_fail "no free ports"
cat >"$hosts" <<EOT
a     peer.test  127.0.0.1
srv   _sip._tcp.svc.test  10 10 $pt peer.test
naptr svc.test   10 10 s SIP+D2T _sip._tcp.svc.test
EOT
# dns-servers points nowhere: a name the file does not know must fail
# fast rather than ask a real DNS server
tz_start --workers 2 --dns-hosts "$hosts" --dns-servers 127.0.0.1:9 \
	--udp-max-size 200 --tcp-max-per-source 2
rm -f "$hosts"

# 1. UDP, responses to the Via: each worker's private port
peer via "$pu" u1 4
out=$(ping "sip:peer.test:$pu;transport=udp" 0)
tz_expect_match "UDP to the Via: direct" "$out" '"forwarded":false'
out=$(ping "sip:peer.test:$pu;transport=udp" 1)
tz_expect_match "UDP to the Via: direct" "$out" '"forwarded":false'
out=$(ping "sip:127.0.0.1:$pu;transport=udp" 0 --rport)
tz_expect_match "UDP rport: direct" "$out" '"forwarded":false'
out=$(ping "sip:127.0.0.1:$pu;transport=udp" 1 --rport)
tz_expect_match "UDP rport: direct" "$out" '"forwarded":false'
peer_done via

# 2. UDP, responses to the shared listen port: the kernel gives them all
#    to one worker; the other worker's come through the queue
peer rsa "$pr" u1 4 -rsa "127.0.0.1:$TZ_UDP_PORT"
fw=0
for w in 0 1; do
	for r in "" --rport; do
		out=$(ping "sip:127.0.0.1:$pr;transport=udp" $w $r)
		case $out in *'"forwarded":true'*) fw=$((fw + 1)) ;; esac
	done
done
peer_done rsa
tz_expect "responses handed over between workers (of 4)" "$fw" 2

# 3. TCP: worker 0 opens the connection; worker 1 reuses it (hand-off to
#    the owner) and its response comes back through worker 0
peer tcp "$pt" t1 4
out=$(ping "sip:peer.test:$pt;transport=tcp" 0)
tz_expect_match "TCP, own connection" "$out" '"forwarded":false'
out=$(ping "sip:peer.test:$pt;transport=tcp" 1)
tz_expect_match "TCP, worker 0's connection" "$out" '"forwarded":true'
# 4. RFC 3263: NAPTR -> SRV (TCP) -> A, from the override file
ping "sip:svc.test" 0 >/dev/null
# 5. RFC 3261 18.1.1: no transport named, over udp-max-size: TCP (the
#    peer listens on TCP only, so UDP would time out)
ping "sip:127.0.0.1:$pt" 1 >/dev/null
peer_done tcp

# a name nobody knows fails at once, with a reason
out=$("$TZ_BIN" ping sip:nowhere.test --control "$TZ_CTL")
tz_expect "ping to an unknown name" "$?" 1
tz_expect_match "its reason" "$out" '"error":"cannot resolve'

# a refused connection ends the transaction at once (RFC 3261 17.1.4),
# not after Timer F
closed=$(tz__free_port) || tz_fail "no free port"
t0=$(tz_now_ms)
out=$("$TZ_BIN" ping "sip:127.0.0.1:$closed;transport=tcp" --control "$TZ_CTL")
tz_expect_match "ping to a closed TCP port" "$out" '"status":503,"reason":"Connection refused"'
[ $(($(tz_now_ms) - t0)) -lt 1000 ] || tz_fail "the refusal took $(($(tz_now_ms) - t0)) ms"

# 6. at most tcp-max-per-source connections from one address
exec {c1}<>"/dev/tcp/127.0.0.1/$TZ_TCP_PORT"
exec {c2}<>"/dev/tcp/127.0.0.1/$TZ_TCP_PORT"
sleep 0.3
exec {c3}<>"/dev/tcp/127.0.0.1/$TZ_TCP_PORT"
sleep 0.3
tz_status
tz_expect "connections refused over the cap" \
	"$(printf '%s' "$TZ_STATUS" | grep -o '"refused":[0-9]*' | cut -d: -f2)" 1
# the refused one is reset: reading it ends at once (an error, not the
# 2 s timeout)
timeout 2 cat <&"$c3" >/dev/null 2>&1
rc=$?
[ "$rc" != 124 ] || tz_fail "refused connection still open after 2 s"
exec {c1}>&- {c2}>&- {c3}>&-

tz_stop
tz_expect "exit status" "$TZ_RC" 0

#!/bin/bash
# test_proxy_bad.sh  The proxy against bad and unusual input (RFC 3261 16):
#   - a malformed Route set: 400 naming it; too many entries: 400;
#   - a Route naming us without lr is still ours: popped (16.4);
#   - a strict router's request (our Record-Route as Request-URI, the real
#     target last in Route): undone before forwarding (16.4, 16.12);
#   - Max-Forwards: 1 is forwarded as 0, a missing one added as 70 (16.6
#     item 3), 0 gets 483 (16.3 item 3);
#   - a response whose top Via is not ours, or that has no Via below
#     ours, is dropped silently (16.7 item 3, 18.1.2) and the server lives;
#   - a CANCEL for no transaction: 481 (9.2, 16.10);
#   - a stranger's request for another domain: 403 (no open relay).
# A SIPp peer (peer_uas_indialog.xml) stands downstream and records what
# arrives. Every proxy context is gone at the end.
source "$(dirname "$0")/lib.sh"

TZ_CONF_EXTRA="auth = off"
tz_start
pp=$(tz__free_port) || tz_fail "no free port"

# peer CALLS: a SIPp UAS on port pp answering CALLS OPTIONS, tracing them
peer() {
	timeout -k 2 30 "$TZ_SIPP" -sf "$TZ_SCN_DIR/peer_uas_indialog.xml" \
		-t u1 -p "$pp" -i 127.0.0.1 -m "$1" -nostdin \
		-trace_msg -message_file "$TZ_DIR/peer.msg" \
		>"$TZ_DIR/peer.out" 2>&1 </dev/null &
	peer_pid=$!
	TZ_BG_PIDS="$TZ_BG_PIDS $peer_pid"
	sleep 0.3
}
peer_wait() {
	for ((i = 0; i < 100; i++)); do
		tz_alive "$peer_pid" || break
		sleep 0.1
	done
	wait "$peer_pid" || tz_fail "peer: exit $? ($(tail -n 5 "$TZ_DIR/peer.out"))"
}

# req FILE RURI EXTRA-HEADERS: an OPTIONS from a stranger on loopback
n=0
req() {
	n=$((n + 1))
	printf 'OPTIONS %s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bKbad%s\r\nFrom: <sip:x@example.net>;tag=f%s\r\nTo: <sip:y@example.net>%s\r\nCall-ID: bad%s@test\r\nCSeq: 1 OPTIONS\r\n%bContent-Length: 0\r\n\r\n' \
		"$2" "$n" "$n" "${4:-}" "$n" "$3" >"$1"
}

us="127.0.0.1:$TZ_UDP_PORT"

req "$TZ_DIR/r1" "sip:localhost" "Route: <sip:$us;lr>, garbage\r\nMax-Forwards: 70\r\n"
tz_try "malformed Route: 400" tz_expect_match "malformed Route" \
	"$(tz_send_udp "$TZ_DIR/r1" | tz_first_line)" "^SIP/2.0 400 Bad Request: malformed Route"

routes=""
for i in $(seq 1 20); do routes="$routes<sip:h$i.example.net;lr>,"; done
req "$TZ_DIR/r2" "sip:localhost" "Route: ${routes%,}\r\nMax-Forwards: 70\r\n"
tz_try "20 Route entries: 400" tz_expect_match "too many" \
	"$(tz_send_udp "$TZ_DIR/r2" | tz_first_line)" "^SIP/2.0 400 .*too many Route entries"

# a Route naming us without lr (a strict-router style entry): ours, popped
req "$TZ_DIR/r3" "sip:localhost" "Route: <sip:$us>\r\nMax-Forwards: 70\r\n"
tz_try "Route to us without lr: popped, OPTIONS answered 200" tz_expect_match \
	"own route" "$(tz_send_udp "$TZ_DIR/r3" | tz_first_line)" "^SIP/2.0 200"

req "$TZ_DIR/r4" "sip:someone@example.org" "Max-Forwards: 70\r\n"
tz_try "stranger to another domain: 403" tz_expect_match "relay" \
	"$(tz_send_udp "$TZ_DIR/r4" | tz_first_line)" "^SIP/2.0 403 Forbidden: relaying denied"

# in-dialog (To tag) request from a strict router: our Record-Route as
# Request-URI, the remote target last in Route; Max-Forwards 1
peer 3
req "$TZ_DIR/r5" "sip:$us;lr" "Route: <sip:peer@127.0.0.1:$pp>\r\nMax-Forwards: 1\r\n" ";tag=t5"
tz_send_udp "$TZ_DIR/r5" 1 >"$TZ_DIR/a5" || true
# no Max-Forwards at all, loose routing through us to the peer
req "$TZ_DIR/r6" "sip:peer@127.0.0.1:$pp" "Route: <sip:$us;lr>\r\n" ";tag=t6"
tz_send_udp "$TZ_DIR/r6" 1 >"$TZ_DIR/a6" || true
# Max-Forwards 255 (the largest) becomes 254
req "$TZ_DIR/r7" "sip:peer@127.0.0.1:$pp" "Route: <sip:$us;lr>\r\nMax-Forwards: 255\r\n" ";tag=t7"
tz_send_udp "$TZ_DIR/r7" 1 >"$TZ_DIR/a7" || true
peer_wait
msgs=$(tr -d '\r' <"$TZ_DIR/peer.msg")
tz_try "strict router undone: Request-URI is the last Route, that Route gone" \
	tz_expect_match "strict" "$msgs" "OPTIONS sip:peer@127.0.0.1:$pp SIP/2.0"
tz_try "strict router: no Route reaches the peer" \
	bash -c '! grep -q "^Route:" "$1"' _ "$TZ_DIR/peer.msg"
# each value once: a request P retransmitted (T1 is 20 ms here, a busy
# machine answers later) reaches the peer again with the same value
mfs=$(printf '%s\n' "$msgs" | sed -n 's/^Max-Forwards: //p' | awk '!seen[$0]++' | tr '\n' ' ')
tz_try "Max-Forwards 1 -> 0, none -> 70, 255 -> 254" \
	tz_expect "Max-Forwards values at the peer" "$mfs" "0 70 254 "
tz_try "the peer's 200 comes back to the sender (our Via popped)" \
	tz_expect_match "a5" "$(tz_first_line <"$TZ_DIR/a5")" "^SIP/2.0 200"

# Max-Forwards 0 for someone else: 483
req "$TZ_DIR/r8" "sip:peer@127.0.0.1:$pp" "Route: <sip:$us;lr>\r\nMax-Forwards: 0\r\n" ";tag=t8"
tz_try "Max-Forwards 0: 483" tz_expect_match "483" \
	"$(tz_send_udp "$TZ_DIR/r8" | tz_first_line)" "^SIP/2.0 483"

# responses that are not ours, or have nothing below our Via: dropped
printf 'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKnotours\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKx\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>;tag=2\r\nCall-ID: stray1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n' >"$TZ_DIR/s1"
printf 'SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bKtz0.00000000.0000000000000001\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>;tag=2\r\nCall-ID: stray2\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n' "$us" >"$TZ_DIR/s2"
tz_try "a response not ours: no answer" tz_expect "stray 1" \
	"$(tz_send_udp "$TZ_DIR/s1" 1 | tz_first_line)" ""
tz_try "our Via with nothing below: no answer" tz_expect "stray 2" \
	"$(tz_send_udp "$TZ_DIR/s2" 1 | tz_first_line)" ""

printf 'CANCEL sip:b@localhost SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bKnone\r\nMax-Forwards: 70\r\nFrom: <sip:a@localhost>;tag=1\r\nTo: <sip:b@localhost>\r\nCall-ID: nocall\r\nCSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n' >"$TZ_DIR/c1"
tz_try "CANCEL for no transaction: 481" tz_expect_match "481" \
	"$(tz_send_udp "$TZ_DIR/c1" | tz_first_line)" "^SIP/2.0 481"

tz_alive "$TZ_PID" || tz_fail "the server died"
tz_try "no proxy context left" tz_wait_field proxy.contexts 0 5
tz_stop
tz_done

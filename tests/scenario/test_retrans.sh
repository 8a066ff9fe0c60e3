#!/bin/bash
# test_retrans.sh  Retransmitted requests are absorbed by the server
# transaction (RFC 3261 17.2.1, 17.2.2) over UDP: the same request sent
# twice with the same branch gets the identical final response both times
# (the same To tag: one transaction, one answer), "absorbed" counts the
# copy; the transaction ends after Timer J (64*T1). OPTIONS to the server
# is answered statelessly (RFC 3261 8.2.7): the copy gets the identical
# 200 again (the To tag is a hash of the request), no transaction is kept.
# An unacknowledged INVITE's 405 is retransmitted by the server (Timer G)
# until the ACK, which is absorbed and stops the retransmissions.
. "$(dirname "$0")/lib.sh"

tz_start

msg() { # method, branch, cseq
	printf '%s sip:localhost SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=%s;rport\nMax-Forwards: 70\nFrom: <sip:raw@127.0.0.1>;tag=rt1\nTo: <sip:localhost>\nCall-ID: retrans-1@tz.test\nCSeq: %s %s\nContent-Length: 0\n\n' \
		"$1" "$2" "$3" "$1" | tz_crlf
}

# send_twice FILE A B: FILE sent twice from one socket, the answers in A, B
send_twice() {
	tz_udp_open
	tz_udp_send "$1"
	tz_udp_recv 2 >"$2"
	tz_udp_send "$1"
	tz_udp_recv 2 >"$3"
	tz_udp_close
}
# same_answer A B WHAT: the two answers are identical, byte for byte
same_answer() {
	cmp -s "$1" "$2" ||
		tz_fail "$3 got another response: $(diff "$1" "$2" | tr -d '\r' | head -n 10)"
}

# ---- a non-INVITE request, twice: PUBLISH, 405 (no presence yet) ----
msg PUBLISH z9hG4bK-rt-pub 1 >"$TZ_DIR/pub.sip"
send_twice "$TZ_DIR/pub.sip" "$TZ_DIR/r1" "$TZ_DIR/r2"
tz_expect "first answer" "$(tz_first_line <"$TZ_DIR/r1")" "SIP/2.0 405 Method Not Allowed"
tz_expect "answer to the copy" "$(tz_first_line <"$TZ_DIR/r2")" "SIP/2.0 405 Method Not Allowed"
tz_expect_match "To tag of the first answer" "$(tz_hdr To <"$TZ_DIR/r1")" ';tag=[^;]+'
same_answer "$TZ_DIR/r1" "$TZ_DIR/r2" "the copy"

tz_status || tz_fail "no status"
tz_expect "received" "$(tz_json_field "$TZ_STATUS" received)" 2
tz_expect "absorbed" "$(tz_json_field "$TZ_STATUS" absorbed)" 1
tz_expect "responses.4xx (one answer)" "$(tz_json_field "$TZ_STATUS" responses.4xx)" 1
tz_expect "transactions (one, in Completed)" "$(tz_json_field "$TZ_STATUS" transactions)" 1
tz_expect "retransmissions (the response again)" "$(tz_json_field "$TZ_STATUS" retransmissions)" 1
# Timer J = 64*T1 = 1.28 s with the test T1 of 20 ms
tz_wait_field transactions 0 4

# ---- after Timer J the same branch is a new transaction ----
tz_udp_open
tz_udp_send "$TZ_DIR/pub.sip"
tz_udp_recv 2 >"$TZ_DIR/r3"
tz_udp_close
tz_expect "answer once the transaction is gone" "$(tz_first_line <"$TZ_DIR/r3")" "SIP/2.0 405 Method Not Allowed"
[ "$(tz_hdr To <"$TZ_DIR/r3")" != "$(tz_hdr To <"$TZ_DIR/r1")" ] ||
	tz_fail "a request after Timer J got the old response (same To tag)"
tz_expect "absorbed after Timer J" "$(tz_status_field absorbed)" 1
tz_expect "responses.4xx after Timer J" "$(tz_status_field responses.4xx)" 2
tz_wait_field transactions 0 4

# ---- OPTIONS to the server, twice: stateless (RFC 3261 8.2.7) ----
msg OPTIONS z9hG4bK-rt-opt 1 >"$TZ_DIR/opt.sip"
send_twice "$TZ_DIR/opt.sip" "$TZ_DIR/o1" "$TZ_DIR/o2"
tz_expect "OPTIONS answer" "$(tz_first_line <"$TZ_DIR/o1")" "SIP/2.0 200 OK"
tz_expect_match "its To tag (a hash of the request)" "$(tz_hdr To <"$TZ_DIR/o1")" ';tag=tzs[0-9a-f]{16}$'
same_answer "$TZ_DIR/o1" "$TZ_DIR/o2" "the OPTIONS copy"
tz_status || tz_fail "no status"
tz_expect "OPTIONS: no transaction" "$(tz_json_field "$TZ_STATUS" transactions)" 0
tz_expect "OPTIONS: nothing absorbed" "$(tz_json_field "$TZ_STATUS" absorbed)" 1
tz_expect "OPTIONS: each copy answered" "$(tz_json_field "$TZ_STATUS" responses.2xx)" 2

# ---- an INVITE: 405 retransmitted until the ACK ----
msg INVITE z9hG4bK-rt-inv 1 >"$TZ_DIR/inv.sip"
tz_udp_open
tz_udp_send "$TZ_DIR/inv.sip"
tz_udp_recv 2 >"$TZ_DIR/i1"
tz_expect "answer to the INVITE" "$(tz_first_line <"$TZ_DIR/i1")" "SIP/2.0 405 Method Not Allowed"
tz_udp_send "$TZ_DIR/inv.sip" # the copy: absorbed, answered again
# Timer G (T1, 2*T1, ... up to T2) resends the 405 meanwhile: every datagram
# is the same 405
n=0
for ((i = 0; i < 6; i++)); do
	tz_udp_recv 1 >"$TZ_DIR/i2"
	[ -s "$TZ_DIR/i2" ] || break
	cmp -s "$TZ_DIR/i1" "$TZ_DIR/i2" ||
		tz_fail "a retransmitted 405 differs: $(diff "$TZ_DIR/i1" "$TZ_DIR/i2" | tr -d '\r' | head -n 10)"
	n=$((n + 1))
done
tz_expect_ge "405 copies received before the ACK" "$n" 2
to=$(tz_hdr To <"$TZ_DIR/i1")
printf 'ACK sip:localhost SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-rt-inv;rport\nMax-Forwards: 70\nFrom: <sip:raw@127.0.0.1>;tag=rt1\nTo: %s\nCall-ID: retrans-1@tz.test\nCSeq: 1 ACK\nContent-Length: 0\n\n' "$to" |
	tz_crlf >"$TZ_DIR/ack.sip"
tz_udp_send "$TZ_DIR/ack.sip"
# drain what was in flight, then nothing more comes
for ((i = 0; i < 20; i++)); do
	tz_udp_recv 0.15 >"$TZ_DIR/i3"
	[ -s "$TZ_DIR/i3" ] || break
done
tz_udp_recv 0.4 >"$TZ_DIR/i4"
[ ! -s "$TZ_DIR/i4" ] ||
	tz_fail "405 still retransmitted after the ACK: $(tz_first_line <"$TZ_DIR/i4")"
tz_udp_close

tz_status || tz_fail "no status"
# the PUBLISH copy, the INVITE copy and the ACK
tz_expect "absorbed" "$(tz_json_field "$TZ_STATUS" absorbed)" 3
tz_expect "responses.4xx (two to PUBLISH, one to the INVITE)" "$(tz_json_field "$TZ_STATUS" responses.4xx)" 3
tz_expect_ge "retransmissions" "$(tz_json_field "$TZ_STATUS" retransmissions)" $((1 + n))
# Timer I (T4) ends the INVITE transaction
tz_wait_field transactions 0 4
tz_stop
tz_log PASS

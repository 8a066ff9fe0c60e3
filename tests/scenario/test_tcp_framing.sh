#!/bin/bash
# test_tcp_framing.sh  Stream framing on TCP (RFC 3261 18.3, 7.5; RFC 5626
# 3.5.1) with a raw peer: a message split into several writes with pauses
# (cut inside the start line, a header, the blank line and the body) is
# answered once; messages coalesced in one write, with CRLF keep-alives
# between, are all answered, in order; keep-alives alone are ignored; a
# sender that leaves a message unfinished is closed after
# tcp-slow-timeout and an idle connection after tcp-idle-timeout; a
# message without Content-Length (or with a bad one) gets 400 and the
# connection is closed. (Keep-alive pongs, RFC 5626 3.5.1, are allowed
# between answers.)
. "$(dirname "$0")/lib.sh"

tz_start --tcp-slow-timeout 1s --tcp-idle-timeout 2s

# opt BRANCH-SUFFIX CSEQ [BODY]: an OPTIONS to the server, CRLF lines
opt() {
	local body=${3:-}
	printf 'OPTIONS sip:localhost SIP/2.0\nVia: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bK-fr-%s\nMax-Forwards: 70\nFrom: <sip:raw@127.0.0.1>;tag=fr\nTo: <sip:localhost>\nCall-ID: framing-%s@tz.test\nCSeq: %s OPTIONS\n' \
		"$1" "$1" "$2" | tz_crlf
	if [ -n "$body" ]; then
		printf 'Content-Type: text/plain\r\nContent-Length: %s\r\n\r\n%s' "${#body}" "$body"
	else
		printf 'Content-Length: 0\r\n\r\n'
	fi
}
# piece FILE FROM TO: bytes [FROM, TO) of FILE into FILE.FROM
piece() {
	tail -c +"$(($2 + 1))" "$1" | head -c "$(($3 - $2))" >"$1.$2"
	echo "$1.$2"
}
ok200() { grep -c '^SIP/2.0 200 OK' "$TZ_TCP_IN"; }

split_writes() {
	local f=$TZ_DIR/split.sip body="hello, split world" len hdr cuts a b
	opt split 1 "$body" >"$f"
	len=$(wc -c <"$f")
	hdr=$((len - ${#body}))
	# inside the start line, inside a header, inside the blank line
	# (CR LF CR | LF), inside the body
	cuts="0 9 60 $((hdr - 1)) $((hdr + 8)) $len"
	tz_tcp_open 10
	a=""
	for b in $cuts; do
		if [ -n "$a" ]; then
			tz_tcp_send "$(piece "$f" "$a" "$b")"
			sleep 0.15
		fi
		a=$b
	done
	tz_tcp_wait_count '^SIP/2.0 200 OK' 1 3
	sleep 0.2
	tz_expect "answers to one split message" "$(ok200)" 1
	tz_expect_match "CSeq of the answer" "$(tz_hdr CSeq <"$TZ_TCP_IN")" '^1 OPTIONS$'
	tz_tcp_closed 0 && tz_fail "the server closed the connection"
	return 0
}

coalesced() {
	local f=$TZ_DIR/coalesced.sip
	{
		printf '\r\n\r\n'
		opt co2 2
		printf '\r\n\r\n\r\n'
		opt co3 3 "a body"
		opt co4 4
	} >"$f"
	tz_tcp_open 10
	tz_tcp_send "$f"
	tz_tcp_wait_count '^SIP/2.0 200 OK' 3 3
	tz_expect "CSeqs of the answers, in order" \
		"$(tr -d '\r' <"$TZ_TCP_IN" | sed -n 's/^CSeq: //p' | tr '\n' ' ')" \
		"2 OPTIONS 3 OPTIONS 4 OPTIONS "
	tz_expect "Call-IDs of the answers, in order" \
		"$(tr -d '\r' <"$TZ_TCP_IN" | sed -n 's/^Call-ID: //p' | tr '\n' ' ')" \
		"framing-co2@tz.test framing-co3@tz.test framing-co4@tz.test "
	tz_tcp_closed 0 && tz_fail "the server closed the connection"
	return 0
}

keepalives() {
	local i
	printf '\r\n\r\n' >"$TZ_DIR/ka"
	opt ka 5 >"$TZ_DIR/ka.sip"
	tz_tcp_open 10
	for i in 1 2 3; do
		tz_tcp_send "$TZ_DIR/ka"
		sleep 0.1
	done
	tz_tcp_send "$TZ_DIR/ka.sip"
	tz_tcp_wait_count '^SIP/2.0 200 OK' 1 3
	tz_tcp_send "$TZ_DIR/ka"
	sleep 0.2
	tz_tcp_closed 0 && tz_fail "the server closed the connection"
	tz_expect "answers" "$(ok200)" 1
	# nothing but the answer and CRLF pongs (RFC 5626 3.5.1) came back
	tz_expect "first line back" "$(tz_first_line <"$TZ_TCP_IN")" "SIP/2.0 200 OK"
	tz_expect "messages back" "$(grep -c '^SIP/2.0 ' "$TZ_TCP_IN")" 1
	tz_log "CRLF pongs to 4 pings: $(($(tr -d '\r' <"$TZ_TCP_IN" | grep -c '^$') - 1))"
}

slow_sender() {
	local t0 dt
	opt slow 6 | head -c 120 >"$TZ_DIR/slow.sip"
	tz_tcp_open 10
	tz_tcp_send "$TZ_DIR/slow.sip"
	t0=$(tz_now_ms)
	tz_tcp_closed 4 || tz_fail "not closed 4 s after an unfinished message (tcp-slow-timeout 1s)"
	dt=$(($(tz_now_ms) - t0))
	tz_log "slow sender closed after ${dt} ms"
	[ "$dt" -ge 700 ] || tz_fail "closed after $dt ms, before tcp-slow-timeout (1 s)"
	tz_expect "bytes sent back to a slow sender" "$(wc -c <"$TZ_TCP_IN")" 0
}

idle() {
	local t0 dt
	tz_tcp_open 10
	t0=$(tz_now_ms)
	tz_tcp_closed 5 || tz_fail "idle connection not closed after 5 s (tcp-idle-timeout 2s)"
	dt=$(($(tz_now_ms) - t0))
	tz_log "idle connection closed after ${dt} ms"
	[ "$dt" -ge 1500 ] || tz_fail "closed after $dt ms, before tcp-idle-timeout (2 s)"
}

# bad_length ID CONTENT-LENGTH-LINE DESCRIPTION: 400 on the connection,
# then close
bad_length() {
	local f=$TZ_DIR/badcl.sip
	printf 'OPTIONS sip:localhost SIP/2.0\nVia: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bK-fr-%s\nMax-Forwards: 70\nFrom: <sip:raw@127.0.0.1>;tag=fr\nTo: <sip:localhost>\nCall-ID: framing-%s@tz.test\nCSeq: 7 OPTIONS\n%s\n' \
		"$1" "$1" "${2:+$2$'\n'}" | tz_crlf >"$f"
	tz_tcp_open 10
	tz_tcp_send "$f"
	tz_tcp_closed 3 || tz_fail "connection still open 3 s after a message $3"
	tz_expect_match "answer on the connection to a message $3" \
		"$(tz_first_line <"$TZ_TCP_IN")" '^SIP/2\.0 400 Bad Request'
	tz_expect "Call-ID of the 400" "$(tz_hdr Call-ID <"$TZ_TCP_IN")" "framing-$1@tz.test"
}

tz_try "one message in 5 writes with pauses: one answer" split_writes
tz_try "3 messages and keep-alives in one write: 3 answers in order" coalesced
tz_try "CRLF keep-alives alone are ignored" keepalives
tz_try "a slow sender is closed after tcp-slow-timeout" slow_sender
tz_try "an idle connection is closed after tcp-idle-timeout" idle
tz_try "no Content-Length: 400, then close" bad_length nocl "" "without Content-Length"
tz_try "Content-Length: abc: 400, then close" bad_length badcl "Content-Length: abc" "with Content-Length: abc"
tz_try "the server still answers on a new connection" keepalives

tz_status || tz_fail "no status"
tz_try "status tcp.timeouts = 2 (slow sender, idle)" \
	tz_expect tcp.timeouts "$(tz_json_field "$TZ_STATUS" tcp.timeouts)" 2
tz_try "status tcp.bad_framing = 2 (the Content-Length cases)" \
	tz_expect tcp.bad_framing "$(tz_json_field "$TZ_STATUS" tcp.bad_framing)" 2
tz_try "status tcp.accepted = 8" \
	tz_expect tcp.accepted "$(tz_json_field "$TZ_STATUS" tcp.accepted)" 8
tz_try "status responses.2xx = 6" \
	tz_expect responses.2xx "$(tz_json_field "$TZ_STATUS" responses.2xx)" 6
tz_try "TCP connections all closed" tz_wait_field tcp.open 0 3
tz_stop
tz_done

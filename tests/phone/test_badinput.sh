#!/bin/bash
# test_badinput.sh  tzphone never crashes, on anything (issue 7 "Bad
# input"; no server, --no-register):
#   1. stdin: an unknown command, commands with missing or malformed
#      arguments, a call id that does not exist, a 100,000-byte line, a
#      line of binary bytes (with a NUL): exactly one "error" event (with
#      "what") each, in order; the phone lives and "quit" exits 0;
#   2.-5. the network (raw UDP from lib.sh's tz_udp_*): datagrams that
#      are not SIP, a stray response, a request without Call-ID (no
#      harm), Max-Forwards not a number and a body shorter than its
#      Content-Length (400), an unknown required extension (420 with
#      Unsupported); requests for no dialog (BYE, INFO, UPDATE, a NOTIFY
#      for no subscription: 481); then a real call from the raw peer
#      (INVITE, tzphone --auto-answer: 200, ACK): a lower CSeq gets 500
#      and the dialog lives (OPTIONS in it: 200), a NOTIFY for no
#      subscription in it 481, BYE: 200 and "ended" 200 remote, a BYE
#      after that: 481; a BYE racing a re-INVITE: 200 to the BYE, a final
#      response to the re-INVITE. No event for any bad message; the
#      phone lives;
#   6. the RFC 4475 torture and RFC 5118 IPv6 messages (TZ_TESTDATA,
#      default ../shared/testdata), one datagram each: the phone lives.
# (Glare, re-INVITEs crossing, is in test_interop.sh: a connected raw
# socket does not hear tzphone's own requests, which leave from another
# port than the one it listens on.)
. "$(dirname "$0")/lib.sh"

ph_dir

# 1. stdin
t_stdin() {
	local i n
	ph_flow
	ph_start P --aor p@localhost --no-register
	n=0
	for c in "frobnicate now" "call" "reject" "reject abc" "hangup" \
		"answer nosuchcall" "hold nosuchcall" "transfer" \
		"transfer-attended onlyone" "call notauri" "dtmf" "message"; do
		ph_cmd P "$c"
		n=$((n + 1))
		ph_wait P '.event == "error"'
		tz_expect_match "error event for '$c' has a 'what'" "$(ph_field .what)" '.'
	done
	head -c 100000 /dev/zero | tr '\0' x >"$TZ_DIR/long.in"
	echo >>"$TZ_DIR/long.in"
	ph_write P "$TZ_DIR/long.in"
	n=$((n + 1))
	ph_wait P '.event == "error"'
	printf 'ab\001\002\377\376\000cd\177 \033[2J\n' >"$TZ_DIR/binary.in"
	ph_write P "$TZ_DIR/binary.in"
	n=$((n + 1))
	ph_wait P '.event == "error"'
	ph_alive P || tz_fail "tzphone died on bad stdin"
	ph_expect P "$(for ((i = 0; i < n; i++)); do printf 'error '; done | sed 's/ $//')"
	ph_quit P
}
tz_try "1. stdin: one error event per bad line (unknown, missing and bad arguments, no such call, 100 kB line, binary), still alive, quit exits 0" t_stdin

# raw REQUEST-LINE CSEQ CALLID TOTAG [EXTRA-HEADERS [BODY]]: a request
# from the raw socket into $TZ_DIR/raw (LF line ends turned into CRLF)
raw() {
	local lp=$PH_UDP_LPORT body=${6:-}
	{
		printf '%s SIP/2.0\n' "$1"
		printf 'Via: SIP/2.0/UDP 127.0.0.1:%s;rport;branch=z9hG4bK%s\n' "$lp" "$RANDOM$RANDOM"
		printf 'Max-Forwards: 70\n'
		printf 'From: <sip:raw@127.0.0.1:%s>;tag=rawtag\n' "$lp"
		printf 'To: <sip:q@localhost>%s\n' "${4:+;tag=$4}"
		printf 'Call-ID: %s\n' "$3"
		printf 'CSeq: %s\n' "$2"
		printf 'Contact: <sip:raw@127.0.0.1:%s>\n' "$lp"
		[ -z "${5:-}" ] || printf '%b' "$5"
		printf 'Content-Length: %s\n\n' "${#body}"
	} | tz_crlf >"$TZ_DIR/raw"
	printf '%s' "$body" >>"$TZ_DIR/raw"
}

# send_expect ERE: send $TZ_DIR/raw, a response matching ERE must come
# back; prints it
send_expect() {
	tz_udp_send "$TZ_DIR/raw"
	ph_udp_expect "$1" 3 "$(head -n 1 "$TZ_DIR/raw" | tr -d '\r') (CSeq $(tz_hdr CSeq <"$TZ_DIR/raw"))"
}

SDP='v=0
o=raw 1 1 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=audio 40000 RTP/AVP 0
a=rtpmap:0 PCMU/8000
'
SDP=$(printf '%s' "$SDP" | tz_crlf)$'\n' # $(...) ate the last LF

# net_phone: (first in a network flow) phone Q (--auto-answer) and a raw
# UDP socket to it; port gets Q's port
net_phone() {
	ph_flow
	ph_start Q --aor q@localhost --no-register --auto-answer
	port=$(ph_port Q)
	ph_udp_open Q
}

# 2. datagrams that are not SIP, a stray response, a request without
# Call-ID (a response could not copy it: nothing, or a 400): no harm, an
# OPTIONS still gets 200; no event
t_garbage() {
	local port
	net_phone
	printf '\000\001\002\377garbage\r\n\r\n' >"$TZ_DIR/g1"
	tz_udp_send "$TZ_DIR/g1"
	printf 'NOT SIP AT ALL\r\n\r\n' >"$TZ_DIR/g2"
	tz_udp_send "$TZ_DIR/g2"
	head -c 1400 /dev/zero | tr '\0' '\377' >"$TZ_DIR/g3"
	tz_udp_send "$TZ_DIR/g3"
	printf 'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:%s;branch=z9hG4bKnone\r\nFrom: <sip:q@localhost>;tag=x\r\nTo: <sip:raw@localhost>;tag=y\r\nCall-ID: stray\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n' \
		"$port" >"$TZ_DIR/g4"
	tz_udp_send "$TZ_DIR/g4"
	raw "OPTIONS sip:q@127.0.0.1:$port" "1 OPTIONS" "x" ""
	sed -i '/^Call-ID:/d' "$TZ_DIR/raw"
	tz_udp_send "$TZ_DIR/raw"
	raw "OPTIONS sip:q@127.0.0.1:$port" "1 OPTIONS" "ok-$RANDOM" ""
	send_expect '^SIP/2.0 200' >/dev/null
	ph_alive Q || tz_fail "tzphone died on garbage datagrams"
	tz_udp_close
	ph_expect Q ""
	ph_quit Q
}
tz_try "2. network: datagrams that are not SIP, a stray response, no Call-ID: no harm, OPTIONS then 200, no event" t_garbage

# 2b-2d. requests refused (RFC 3261 21.4.1, 8.2.2.3), no event
# t_refused CODE KIND SED [HEADER VALUE]: an OPTIONS (KIND options) or an
# INVITE with SDP (KIND invite), edited by SED, gets CODE (with HEADER:
# VALUE in it)
t_refused() {
	local port r
	net_phone
	if [ "$2" = invite ]; then
		raw "INVITE sip:q@127.0.0.1:$port" "1 INVITE" "bad-$RANDOM" "" \
			'Content-Type: application/sdp\n' "$SDP"
	else
		raw "OPTIONS sip:q@127.0.0.1:$port" "1 OPTIONS" "bad-$RANDOM" ""
	fi
	sed -i "$3" "$TZ_DIR/raw"
	r=$(send_expect "^SIP/2.0 $1")
	[ -z "${4:-}" ] || tz_expect "$4 of the $1" "$(printf '%s' "$r" | tz_hdr "$4")" "$5"
	ph_alive Q || tz_fail "tzphone died on a refused request"
	tz_udp_close
	ph_expect Q ""
	ph_quit Q
}
tz_try "2b. network: Max-Forwards not a number: 400, no event" \
	t_refused 400 options 's/^Max-Forwards: .*/Max-Forwards: seventy\r/'
tz_try "2c. network: an INVITE whose body is shorter than its Content-Length: 400, no event" \
	t_refused 400 invite 's/^Content-Length: .*/Content-Length: 900\r/'
tz_try "2d. network: an INVITE requiring an unknown extension: 420 with Unsupported, no event" \
	t_refused 420 invite 's/^Max-Forwards: 70\r$/&\nRequire: nosuchext\r/' Unsupported nosuchext

# 3. requests for no dialog: 481
t_nodialog() {
	local port m
	net_phone
	for m in BYE INFO UPDATE; do
		raw "$m sip:q@127.0.0.1:$port" "5 $m" "nodialog-$RANDOM" "notag"
		send_expect '^SIP/2.0 481' >/dev/null
	done
	raw "NOTIFY sip:q@127.0.0.1:$port" "5 NOTIFY" "nodialog-$RANDOM" "notag" \
		'Event: refer\nSubscription-State: active;expires=60\nContent-Type: message/sipfrag\n' \
		"SIP/2.0 200 OK"
	send_expect '^SIP/2.0 481' >/dev/null
	ph_alive Q || tz_fail "tzphone died on requests for no dialog"
	tz_udp_close
	ph_expect Q ""
	ph_quit Q
}
tz_try "3. network: BYE, INFO, UPDATE for no dialog and a NOTIFY for no subscription: 481, no event" t_nodialog

# raw_call: (after net_phone) the raw peer calls Q: INVITE with CSeq 10,
# 200, ACK; Q reports "established". cid and tt get the dialog's Call-ID
# and Q's tag.
raw_call() {
	local r
	cid=call-$RANDOM$RANDOM
	raw "INVITE sip:q@127.0.0.1:$port" "10 INVITE" "$cid" "" \
		'Content-Type: application/sdp\n' "$SDP"
	r=$(send_expect '^SIP/2.0 200')
	tt=$(printf '%s' "$r" | tz_hdr To | sed -n 's/.*;tag=\([^;>]*\).*/\1/p')
	[ -n "$tt" ] || tz_fail "no To tag in tzphone's 200: $r"
	raw "ACK sip:q@127.0.0.1:$port" "10 ACK" "$cid" "$tt"
	tz_udp_send "$TZ_DIR/raw"
	ph_wait Q '.event == "established"'
}

# 4. in a call: a lower CSeq gets 500 and the dialog lives; a NOTIFY for
# no subscription in it: 481; BYE 200; BYE again 481
t_cseq() {
	local port cid tt
	net_phone
	raw_call
	raw "INFO sip:q@127.0.0.1:$port" "5 INFO" "$cid" "$tt"
	send_expect '^SIP/2.0 500' >/dev/null
	raw "OPTIONS sip:q@127.0.0.1:$port" "11 OPTIONS" "$cid" "$tt"
	send_expect '^SIP/2.0 200' >/dev/null
	raw "NOTIFY sip:q@127.0.0.1:$port" "12 NOTIFY" "$cid" "$tt" \
		'Event: refer\nSubscription-State: active;expires=60\nContent-Type: message/sipfrag\n' \
		"SIP/2.0 200 OK"
	send_expect '^SIP/2.0 481' >/dev/null
	raw "BYE sip:q@127.0.0.1:$port" "13 BYE" "$cid" "$tt"
	send_expect '^SIP/2.0 200' >/dev/null
	ph_wait Q '.event == "ended"'
	raw "BYE sip:q@127.0.0.1:$port" "14 BYE" "$cid" "$tt"
	send_expect '^SIP/2.0 481' >/dev/null
	tz_udp_close
	ph_expect Q "incoming@1 established@1 ended:200:remote@1"
	ph_quit Q
}
tz_try "4. network: in a call, a lower CSeq gets 500 and the dialog lives (OPTIONS 200), a NOTIFY for no subscription 481, BYE 200, ended 200 remote, BYE again 481" t_cseq

# 5. in a call, a re-INVITE and at once a BYE (the BYE races the
# re-INVITE, RFC 5407): the BYE gets 200, the re-INVITE a final response
# (200 before the BYE, or 487), the call ends by remote
t_race() {
	local port cid tt i m all=""
	net_phone
	raw_call
	raw "INVITE sip:q@127.0.0.1:$port" "11 INVITE" "$cid" "$tt" \
		'Content-Type: application/sdp\n' "$SDP"
	cp "$TZ_DIR/raw" "$TZ_DIR/reinvite"
	raw "BYE sip:q@127.0.0.1:$port" "12 BYE" "$cid" "$tt"
	tz_udp_send "$TZ_DIR/reinvite"
	tz_udp_send "$TZ_DIR/raw"
	# what comes back in 2 s: "STATUS CSEQ" a line
	for ((i = 0; i < 20; i++)); do
		m=$(tz_udp_recv 0.1)
		[ -z "$m" ] || all="$all$(printf '%s' "$m" | tz_first_line | cut -d' ' -f2) $(printf '%s' "$m" | tz_hdr CSeq)"$'\n'
	done
	# (grep: each line on its own)
	tz_expect_match "responses to the BYE" "$all" '^200 12 BYE$'
	tz_expect_match "final response to the re-INVITE" "$all" '^(200|487) 11 INVITE$'
	ph_wait Q '.event == "ended"'
	ph_alive Q || tz_fail "tzphone died on a BYE racing a re-INVITE"
	tz_udp_close
	ph_expect Q "incoming@1 established@1 ended:200:remote@1"
	ph_quit Q
}
tz_try "5. network: a BYE racing a re-INVITE: BYE 200, re-INVITE 200 or 487, ended 200 remote" t_race

# 6. the torture messages of RFC 4475 and the IPv6 ones of RFC 5118
# (TZ_TESTDATA, default ../shared/testdata beside the repository), each
# as one datagram: the phone lives and still answers OPTIONS 200
t_torture() {
	local port td f n=0
	td=${TZ_TESTDATA:-$PH_DIR/../../../shared/testdata}
	[ -d "$td/rfc4475" ] || tz_fail "no RFC 4475 messages in $td (set TZ_TESTDATA)"
	net_phone
	for f in "$td"/rfc4475/*.dat "$td"/rfc5118/*.dat; do
		[ -f "$f" ] || continue
		head -c 65000 "$f" >"$TZ_DIR/t.dat"
		tz_udp_send "$TZ_DIR/t.dat"
		n=$((n + 1))
		ph_alive Q || tz_fail "tzphone died on $f"
	done
	tz_expect_ge "torture messages sent" "$n" 50
	sleep 0.5
	ph_alive Q || tz_fail "tzphone died after the torture messages"
	raw "OPTIONS sip:q@127.0.0.1:$port" "1 OPTIONS" "after-$RANDOM" ""
	send_expect '^SIP/2.0 200' >/dev/null
	tz_udp_close
	ph_quit Q
}
tz_try "6. network: the RFC 4475 torture and RFC 5118 IPv6 messages, one datagram each: alive, OPTIONS 200 after, quit exits 0" t_torture

tz_done

#!/bin/bash
# test_statuses.sh  Every status the server answers on its own, over UDP and
# TCP, each from a SIPp scenario that fails on any other code and checks
# the headers that go with it: 400 (defect in the reason phrase), 404,
# 405 (PUBLISH, and INVITE + ACK) with Allow, 416 (tel:, mailto:), 420
# (Require and Proxy-Require) with Unsupported, 481, 482 (and 404, not
# 482, for a spiral), 483, 501, 505, 513 (on TCP from a raw peer: the
# answer, then the connection is closed).
. "$(dirname "$0")/lib.sh"

[ -x "${TZ_LOOPVIA:-}" ] || tz_fail "TZ_LOOPVIA must name the tz_loopvia helper"
tz_start --max-message-size 4096

pad=$(printf '%05000d' 0 | tr 0 x)

# 482: the Via the server would have added had it forwarded this request
# (status_482_loop.xml: every field the loop hash covers is fixed there)
loopvia() { # transport
	printf 'OPTIONS sip:bob@localhost SIP/2.0\nVia: SIP/2.0/%s 127.0.0.1:5999;branch=z9hG4bK-loop-1;rport\nMax-Forwards: 69\nFrom: <sip:sipp@127.0.0.1>;tag=loop1\nTo: <sip:bob@localhost>\nCall-ID: loop-1@tz.test\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n' "$1" |
		tz_crlf | "$TZ_LOOPVIA" "127.0.0.1:$TZ_UDP_PORT"
}

# Not a loop but a spiral: a Via of ours whose hash does not match (here,
# computed for another Request-URI) is forwarded as usual: 404.
spiral() {
	local via
	via=$(printf 'OPTIONS sip:alice@localhost SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-spiral-1;rport\nMax-Forwards: 69\nFrom: <sip:raw@127.0.0.1>;tag=sp1\nTo: <sip:bob@localhost>\nCall-ID: spiral-1@tz.test\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n' |
		tz_crlf | "$TZ_LOOPVIA" "127.0.0.1:$TZ_UDP_PORT") || tz_fail "tz_loopvia"
	printf 'OPTIONS sip:bob@localhost SIP/2.0\nVia: %s\nVia: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-spiral-1;rport\nMax-Forwards: 69\nFrom: <sip:raw@127.0.0.1>;tag=sp1\nTo: <sip:bob@localhost>\nCall-ID: spiral-1@tz.test\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n' "$via" |
		tz_crlf >"$TZ_DIR/spiral.sip"
	tz_expect "answer to a spiral" \
		"$(tz_send_udp "$TZ_DIR/spiral.sip" | tz_first_line)" "SIP/2.0 404 Not Found"
}

# TCP 513 with a raw peer: the server answers, then closes the connection
# (RFC 3261 18.3: the stream cannot be resynchronised), which SIPp takes as
# a failed call whatever came before it.
tcp_513() {
	printf 'OPTIONS sip:localhost SIP/2.0\nVia: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bK-big-1\nMax-Forwards: 70\nFrom: <sip:raw@127.0.0.1>;tag=big\nTo: <sip:localhost>\nCall-ID: big-1@tz.test\nCSeq: 1 OPTIONS\nX-Padding: %s\nContent-Length: 0\n\n' "$pad" |
		tz_crlf >"$TZ_DIR/big.sip"
	tz_tcp_open 6
	tz_tcp_send "$TZ_DIR/big.sip"
	tz_tcp_closed 3 ||
		tz_fail "connection still open 3 s after an oversized message"
	tz_expect "answer on the connection to an oversized message" \
		"$(tz_first_line <"$TZ_TCP_IN")" "SIP/2.0 513 Message Too Large"
}

for proto in udp tcp; do
	P=$(echo "$proto" | tr a-z A-Z)
	self="sip:127.0.0.1:$TZ_UDP_PORT"
	[ "$proto" = tcp ] && self="sip:127.0.0.1:$TZ_TCP_PORT;transport=tcp"
	tz_try "$P 501 unknown method to self" \
		tz_sipp status_501_unknown.xml "$proto" -key ruri "$self"
	tz_try "$P 405 PUBLISH to self, Allow" \
		tz_sipp status_405_publish.xml "$proto" -key ruri "sip:localhost"
	tz_try "$P 405 INVITE to self, Allow, ACK" \
		tz_sipp status_405_invite.xml "$proto" -key ruri "$self"
	tz_try "$P 420 Require: foo, bar to self, Unsupported" \
		tz_sipp status_420_require.xml "$proto" -key ruri "sip:localhost"
	tz_try "$P 416 im: Request-URI" \
		tz_sipp status_416_scheme.xml "$proto" -key ruri "im:bob@localhost"
	tz_try "$P 416 mailto: Request-URI" \
		tz_sipp status_416_scheme.xml "$proto" -key ruri "mailto:bob@localhost"
	tz_try "$P 481 CANCEL without a transaction" \
		tz_sipp status_481_cancel.xml "$proto" -key ruri "$self"
	tz_try "$P 400 malformed Max-Forwards, defect in the reason" \
		tz_sipp status_400_malformed.xml "$proto" -key ruri "$self"
	tz_try "$P 505 SIP/3.0" \
		tz_sipp status_505_version.xml "$proto" -key ruri "$self"
	tz_try "$P 404 user of a served domain" \
		tz_sipp status_404_nobody.xml "$proto" -key ruri "sip:bob@localhost"
	tz_try "$P 403 another domain from a stranger (no open relay)" \
		tz_sipp status_403_relay.xml "$proto" -key ruri "sip:example.org"
	tz_try "$P 403 a number from a stranger" \
		tz_sipp status_403_relay.xml "$proto" -key ruri "tel:+15551234567"
	tz_try "$P 483 Max-Forwards 0 to someone else" \
		tz_sipp status_483_max_forwards.xml "$proto" -key ruri "sip:bob@localhost"
	tz_try "$P 420 Proxy-Require: foo, Unsupported" \
		tz_sipp status_420_proxy_require.xml "$proto" -key ruri "sip:bob@localhost"
	lv=$(loopvia "$P") || tz_fail "tz_loopvia failed"
	tz_try "$P 482 loop (Via $lv)" \
		tz_sipp status_482_loop.xml "$proto" -key loopvia "$lv" \
		-cid_str "loop-%u@tz.test"
	if [ "$proto" = udp ]; then
		tz_try "$P 513 message above max-message-size" \
			tz_sipp status_513_too_large.xml "$proto" -key ruri "$self" \
			-key pad "$pad"
	else
		tz_try "$P 513 message above max-message-size, then close" tcp_513
	fi
done

tz_try "UDP 404 (not 482) for a spiral: our Via, another Request-URI" spiral

# the server is still healthy, and said nothing alarming
tz_try "server still answers OPTIONS" \
	tz_sipp options.xml udp -key ruri sip:localhost -key mf 70
tz_stop
tz_done

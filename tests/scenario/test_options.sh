#!/bin/bash
# test_options.sh  OPTIONS to the server itself (RFC 3261 11) over UDP and
# TCP: 200 with Allow, Accept, Accept-Encoding, Accept-Language and
# Supported, whatever names the server (its address, a served domain, a
# top Route naming it), and with Max-Forwards 0 (a request for the server
# itself is not forwarded, so 16.3 item 3 does not apply); the status
# counters move accordingly.
. "$(dirname "$0")/lib.sh"

tz_start

tz_status || tz_fail "no status"
tz_expect "state" "$(printf '%s' "$TZ_STATUS" | grep -o '"state":"[a-z]*"')" '"state":"running"'
tz_expect "workers" "$(tz_json_field "$TZ_STATUS" workers)" 2
tz_expect "responses.2xx before" "$(tz_json_field "$TZ_STATUS" responses.2xx)" 0

udp_self="sip:127.0.0.1:$TZ_UDP_PORT"
tcp_self="sip:127.0.0.1:$TZ_TCP_PORT;transport=tcp"
n=0
run() { # description, scenario, proto, sipp args...
	local what=$1
	shift
	tz_try "$what" tz_sipp "$@"
	n=$((n + 1))
}
run "UDP OPTIONS to its address" options.xml udp -key ruri "$udp_self" -key mf 70
run "UDP OPTIONS to a served domain" options.xml udp -key ruri sip:localhost -key mf 70
run "UDP OPTIONS to itself, Max-Forwards 0" options.xml udp -key ruri "$udp_self" -key mf 0
run "UDP OPTIONS with a top Route naming it" options_route.xml udp \
	-key ruri sip:localhost -key route "sip:127.0.0.1:$TZ_UDP_PORT;lr"
run "TCP OPTIONS to its address" options.xml tcp -key ruri "$tcp_self" -key mf 70
run "TCP OPTIONS to a served domain" options.xml tcp -key ruri sip:localhost -key mf 70
run "TCP OPTIONS to itself, Max-Forwards 0" options.xml tcp -key ruri sip:localhost -key mf 0
run "TCP OPTIONS with a top Route naming it" options_route.xml tcp \
	-key ruri sip:localhost -key route "sip:127.0.0.1:$TZ_TCP_PORT;transport=tcp;lr"

# the counters: one 200 per run, nothing else (OPTIONS is answered
# statelessly, RFC 3261 8.2.7: a SIPp retransmission, which loopback
# makes rare, would get its own 200; hence at least n)
tz_status || tz_fail "no status"
tz_try "status responses.2xx >= $n" tz_expect_ge "responses.2xx" "$(tz_json_field "$TZ_STATUS" responses.2xx)" "$n"
tz_try "status received >= $n" tz_expect_ge "received" "$(tz_json_field "$TZ_STATUS" received)" "$n"
tz_try "status sent >= $n" tz_expect_ge "sent" "$(tz_json_field "$TZ_STATUS" sent)" "$n"
for f in responses.1xx responses.3xx responses.4xx responses.5xx responses.6xx parse_errors send_errors; do
	tz_try "status $f = 0" tz_expect "$f" "$(tz_json_field "$TZ_STATUS" "$f")" 0
done
tz_try "status tcp.accepted = 4" tz_expect "tcp.accepted" "$(tz_json_field "$TZ_STATUS" tcp.accepted)" 4
tz_try "TCP connections closed by SIPp are gone" tz_wait_field tcp.open 0 3
tz_stop
tz_done

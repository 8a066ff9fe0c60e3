#!/bin/bash
# IPv6 beside IPv4 (issue 4 "IPv4 and IPv6, several listen addresses at
# once"): the server listens on udp and tcp at 127.0.0.1 and [::1] at the
# same time; SIPp sends OPTIONS over each of the four and every one gets
# its 200; the status lists the four addresses.
source "$(dirname "$0")/lib.sh"

tz_start --listen udp:127.0.0.1:0 --listen tcp:127.0.0.1:0 \
	--listen 'udp:[::1]:0' --listen 'tcp:[::1]:0'
tz_status
u6=$(printf '%s' "$TZ_STATUS" | grep -o '"udp:\[::1\]:[0-9]*"' | grep -o '[0-9]*"$' | tr -d '"')
t6=$(printf '%s' "$TZ_STATUS" | grep -o '"tcp:\[::1\]:[0-9]*"' | grep -o '[0-9]*"$' | tr -d '"')
[ -n "$u6" ] && [ -n "$t6" ] || tz_fail "no [::1] listen in status: $TZ_STATUS"

# v6 HOST PORT TRANSPORT: 5 OPTIONS over that address, all answered 200
send() {
	local host=$1 port=$2 t=$3 lport out
	lport=$(tz__free_port) || tz_fail "no free port for SIPp"
	out=$(timeout -k 2 20 "$TZ_SIPP" -sf "$TZ_SCN_DIR/../../bench/sipp/options.xml" \
		-t "$t" -i "$host" -p "$lport" -m 5 -r 50 -nostdin \
		-timeout 15s -timeout_error "$host:$port" 2>&1 </dev/null)
	[ $? = 0 ] || tz_fail "OPTIONS over $t to $host:$port: $(printf '%s' "$out" | grep -E 'call|rror' | head -5)"
}
send 127.0.0.1 "$TZ_UDP_PORT" u1
send 127.0.0.1 "$TZ_TCP_PORT" t1
send '[::1]' "$u6" u1
send '[::1]' "$t6" t1
tz_expect "200 responses" "$(tz_status_field responses.2xx)" 20
tz_expect "other responses" "$(tz_status_field responses.4xx)" 0
tz_stop
echo "[test_ipv6] PASS"

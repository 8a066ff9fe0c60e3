#!/bin/bash
# test_failover.sh  RFC 3263 4.3 failover at the proxy: a request whose
# next hop resolves to several targets goes to the next one when the
# first answers 503 or does not answer at all. B forwards all its calls
# to sip:b@gw.test; the resolver's hosts file (dns-hosts) gives gw.test a
# NAPTR to _sip._udp.gw.test and two SRV targets, priority 10 on port P1
# and 20 on port P2. A (SIPp) calls sip:b@localhost through P.
#   1. P1 answers 503: P ACKs it (hop by hop), sends the INVITE to P2 on a
#      new branch; P2 answers; A sees only 100, 180, 200 and P2's BYE.
#   2. Nobody listens on P1: after the INVITE's Timer B, P2 gets it.
# Both check what each phone received and that P frees every context and
# transaction.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/phones.sh"

p1=$(tz__free_port) && p2=$(tz__free_port) || tz_fail "no free ports"
[ "$p1" != "$p2" ] || p2=$(tz__free_port)
hosts=$(mktemp "${TMPDIR:-/tmp}/tzhosts.XXXXXX")
cat >"$hosts" <<EOT
naptr gw.test 10 10 s SIP+D2U _sip._udp.gw.test
srv   _sip._udp.gw.test 10 10 $p1 peer.test
srv   _sip._udp.gw.test 20 10 $p2 peer.test
a     peer.test 127.0.0.1
EOT
# dns-servers points nowhere: only the file answers
TZ_CONF_EXTRA="auth = off
dns-hosts = $hosts
dns-servers = 127.0.0.1:9"
tz_start
rm -f "$hosts"
tz_user add a@localhost apw
tz_user add b@localhost bpw
timeout 10 "$TZ_BIN" forward set b@localhost --always "sip:b@gw.test" \
	--db "sqlite:$TZ_DIR/test.db" --control "$TZ_CTL" >"$TZ_DIR/cli.out" 2>&1 ||
	tz_fail "forward set: $(cat "$TZ_DIR/cli.out")"

A_FROM='"A" <sip:a@localhost>'

f_503() {
	local pa b1 b2
	phone_flow
	pa=$(phone_port)
	phone_start B1 fail_503_uas.xml "$p1"
	phone_start B2 call_basic_uas.xml "$p2" -key user b
	phone_start A feat_call_uac.xml "$pa" -key callee b -key from "$A_FROM"
	phone_wait A B1 B2
	tz_expect "A received" "$(phone_rx A)" "100/INVITE 180/INVITE 200/INVITE BYE"
	tz_expect "first target received" "$(phone_rx B1)" "INVITE ACK"
	tz_expect "second target received" "$(phone_rx B2)" "INVITE ACK 200/BYE"
	phone_hop B1 ACK
	phone_through_p B2 INVITE "$pa"
	b1=$(phone_vias B1 INVITE | head -n 1 | grep -o 'branch=[^;]*')
	b2=$(phone_vias B2 INVITE | head -n 1 | grep -o 'branch=[^;]*')
	tz_expect_match "P's branch at the first target" "$b1" '^branch=z9hG4bK'
	[ "$b1" != "$b2" ] || tz_fail "the second target got the first one's branch: $b1"
	tz_wait_field proxy.contexts 0 5
	phone_idle
}
tz_try "the first target answers 503: P tries the second, A sees its answer only" f_503

f_dead() {
	local pa
	phone_flow
	pa=$(phone_port)
	phone_start B2 call_basic_uas.xml "$p2" -key user b
	phone_start A feat_call_uac.xml "$pa" -key callee b -key from "$A_FROM"
	phone_wait A B2
	tz_expect "A received" "$(phone_rx A)" "100/INVITE 180/INVITE 200/INVITE BYE"
	tz_expect "second target received" "$(phone_rx B2)" "INVITE ACK 200/BYE"
	tz_wait_field proxy.contexts 0 5
	phone_idle
}
tz_try "nobody at the first target: after Timer B, P tries the second" f_dead

tz_stop
tz_done

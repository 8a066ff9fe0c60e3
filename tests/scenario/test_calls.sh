#!/bin/bash
# test_calls.sh  Calls through the proxy, CALLFLOWS.md flows 2, 3, 4, 25,
# 26, 27, 28 and 29: A -> P (the server) -> B, each phone a SIPp instance
# on loopback (phones.sh). B registers its port first (auth off); A calls
# sip:b@localhost through P's UDP port. Each flow checks that every phone's
# scenario succeeded (they fail on any other status or request, or a
# missing one), the exact order of what A and B received, that P's own
# 100 Trying reached A, that P record-routed and in-dialog requests came
# through P (P's Via above the sender's), that CANCEL and the ACK of a
# non-2xx went hop by hop, and that P is left with no transaction.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/phones.sh"

phone_server a b

# flow 2: A INVITE -> P 100 -> B; B 100 (not forwarded), 180, 200 -> A;
# ACK -> B; B BYE -> A; 200
flow_2() {
	local pa pb
	phone_flow
	pa=$(phone_port) pb=$(phone_port)
	phone_register b "$pb"
	phone_start B2 call_basic_uas.xml "$pb" -key user b
	phone_start A2 call_basic_uac.xml "$pa" -key callee b
	phone_wait A2 B2
	tz_expect "A received" "$(phone_rx A2)" "100/INVITE 180/INVITE 200/INVITE BYE"
	tz_expect "B received" "$(phone_rx B2)" "INVITE ACK 200/BYE"
	phone_through_p B2 INVITE "$pa"
	phone_through_p B2 ACK "$pa"
	phone_through_p A2 BYE "$pb"
	phone_idle
}
tz_try "flow 2, callee terminates: 100 from P, 180, 200 with Record-Route, ACK and BYE through P" flow_2

# flows 3 and 27: A INVITE; 100, 180; A CANCELs after RING ms: 200
# (CANCEL) from P, P CANCELs B (hop by hop), B 200 and 487 -> A 487; A's
# ACK stays at P, P ACKs B's 487 itself
t_cancel() { # FLOW RING-MS
	local pa pb
	phone_flow
	pa=$(phone_port) pb=$(phone_port)
	phone_register b "$pb"
	phone_start "B$1" call_cancel_uas.xml "$pb" -key user b
	phone_start "A$1" call_cancel_uac.xml "$pa" -key callee b -d "$2"
	phone_wait "A$1" "B$1"
	tz_expect "A received" "$(phone_rx "A$1")" "100/INVITE 180/INVITE 200/CANCEL 487/INVITE"
	tz_expect "B received" "$(phone_rx "B$1")" "INVITE CANCEL ACK"
	phone_through_p "B$1" INVITE "$pa"
	phone_hop "B$1" CANCEL
	phone_hop "B$1" ACK
	phone_idle
}
tz_try "flow 3, caller discards: CANCEL after 180, 200 and 487 to A, CANCEL and ACK hop by hop to B" \
	t_cancel 3 100
tz_try "flow 27, callee does not answer: 1.5 s of ringing, then CANCEL, 487, ACK" \
	t_cancel 27 1500

# flows 4, 26, 28: B refuses with CODE (after ringing in flow 4); A gets
# P's 100 and then exactly what B sent; P ACKs B, A's ACK stays at P
t_reject() { # FLOW B-XML A-FROM EXPECTED-AT-A
	local f=$1 xml=$2 from=$3 want=$4 pa pb
	phone_flow
	pa=$(phone_port) pb=$(phone_port)
	phone_register b "$pb"
	phone_start "B$f" "$xml" "$pb" -key user b
	phone_start "A$f" call_reject_uac.xml "$pa" -key callee b -key from "$from"
	phone_wait "A$f" "B$f"
	tz_expect "A received" "$(phone_rx "A$f")" "$want"
	tz_expect "B received" "$(phone_rx "B$f")" "INVITE ACK"
	phone_through_p "B$f" INVITE "$pa"
	tz_expect "B: From of the INVITE (as A sent it)" \
		"$(phone_msg "B$f" INVITE | tz_hdr From | sed 's/;tag=.*//')" "$from"
	phone_hop "B$f" ACK
	phone_idle
}
tz_try "flow 4, callee discards: 180, then 603 Decline to A; ACK hop by hop" \
	t_reject 4 call_decline_uas.xml '"A" <sip:a@localhost>' \
	"100/INVITE 180/INVITE 603/INVITE"
tz_try "flow 26, busy here: 486 to A; ACK hop by hop" \
	t_reject 26 call_busy_uas.xml '"A" <sip:a@localhost>' "100/INVITE 486/INVITE"
tz_try "flow 28, anonymous call barring: B answers an anonymous From with 488; ACK hop by hop" \
	t_reject 28 call_anon_uas.xml '"Anonymous" <sip:anonymous@anonymous.invalid>' \
	"100/INVITE 488/INVITE"

# flow 25: B not registered: P answers 404 itself (its 100 may come
# first); also for a user the domain does not have at all
flow_25() { # NAME CALLEE
	phone_flow
	phone_unregister b
	phone_start "$1" call_reject_uac.xml "$(phone_port)" -key callee "$2" \
		-key from '"A" <sip:a@localhost>'
	phone_wait "$1"
	tz_expect_match "A received" "$(phone_rx "$1")" "^(100/INVITE )?404/INVITE\$"
	phone_idle
}
tz_try "flow 25, not found: B (a user) not registered, 404 from P, ACK" flow_25 A25 b
tz_try "flow 25, not found: no such user (nobody@localhost), 404 from P, ACK" \
	flow_25 A25n nobody

# flow 29: B never answers: P retransmits the INVITE to B (T1 = 20 ms) and
# after Timer B (64*T1 = 1.28 s) answers 408 to A, without a CANCEL to B
flow_29() {
	local pa pb n
	phone_flow
	pa=$(phone_port) pb=$(phone_port)
	phone_register b "$pb"
	phone_start B29 call_timeout_uas.xml "$pb"
	phone_start A29 call_timeout_uac.xml "$pa" -key callee b
	phone_wait A29 B29
	tz_expect "A received" "$(phone_rx A29)" "100/INVITE 408/INVITE"
	n=$(phone_rx B29 all | tr ' ' '\n' | grep -c '^INVITE$')
	tz_expect "B received nothing but the INVITE and its retransmissions" \
		"$(phone_rx B29 | tr ' ' '\n' | sort -u)" "INVITE"
	tz_expect_ge "INVITEs B received (retransmitted by P)" "$n" 2
	phone_through_p B29 INVITE "$pa"
	phone_idle
}
tz_try "flow 29, request timeout: P retransmits the INVITE to B, then 408 to A; ACK" flow_29

tz_stop
tz_done

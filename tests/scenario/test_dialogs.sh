#!/bin/bash
# test_dialogs.sh  Dialogs through the proxy, CALLFLOWS.md flows 5 (hold),
# 6 (consultation hold), 7 (call swap), 8 (blind transfer) and 9
# (attended transfer): phones A, B, C as SIPp instances on loopback
# (phones.sh), every request sent to P (the server), which record-routes.
# Each flow checks that every phone's scenario succeeded, the exact order
# of what each phone received (the second dialog of a phone marked @c or
# @r), that P's 100 Trying reached the sender of every INVITE, re-INVITEs
# included, and that every in-dialog request (re-INVITE, ACK, BYE, REFER,
# NOTIFY) came through P, and that P is left with no transaction.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/phones.sh"

phone_server a b c

# flow 5: A calls B; B holds A (re-INVITE a=sendonly, A answers
# a=recvonly), resumes (a=sendrecv); B BYE
flow_5() {
	local pa pb i
	phone_flow
	pa=$(phone_port) pb=$(phone_port)
	phone_register b "$pb"
	phone_start B5 call_hold_uas.xml "$pb" -key user b
	phone_start A5 call_hold_uac.xml "$pa" -key callee b
	phone_wait A5 B5
	tz_expect "A received" "$(phone_rx A5)" \
		"100/INVITE 180/INVITE 200/INVITE INVITE ACK INVITE ACK BYE"
	tz_expect "B received" "$(phone_rx B5)" \
		"INVITE ACK 100/INVITE 200/INVITE 100/INVITE 200/INVITE 200/BYE"
	phone_through_p B5 INVITE "$pa"
	phone_through_p B5 ACK "$pa"
	for i in 1 2; do
		phone_through_p A5 INVITE "$pb" "$i"
		phone_through_p A5 ACK "$pb" "$i"
	done
	phone_through_p A5 BYE "$pb"
	phone_idle
}
tz_try "flow 5, call hold: B's hold and resume re-INVITEs, ACKs and BYE through P" flow_5

# flow 6: A calls B, holds B, calls C (two dialogs at A); C BYE, B BYE
flow_6() {
	local pa pb pc i
	phone_flow
	pa=$(phone_port) pb=$(phone_port) pc=$(phone_port)
	phone_register b "$pb"
	phone_register c "$pc"
	phone_start B6 call_held_uas.xml "$pb" -key user b
	phone_start C6 call_basic_uas.xml "$pc" -key user c
	phone_start A6 call_consult_a.xml "$pa"
	phone_wait A6 B6 C6
	tz_expect "A received" "$(phone_rx A6)" \
		"100/INVITE 180/INVITE 200/INVITE 100/INVITE 200/INVITE 100/INVITE@c 180/INVITE@c 200/INVITE@c BYE@c BYE"
	tz_expect "B received" "$(phone_rx B6)" "INVITE ACK INVITE ACK 200/BYE"
	tz_expect "C received" "$(phone_rx C6)" "INVITE@c ACK@c 200/BYE@c"
	for i in 1 2; do
		phone_through_p B6 INVITE "$pa" "$i"
		phone_through_p B6 ACK "$pa" "$i"
	done
	phone_through_p C6 INVITE "$pa"
	phone_through_p C6 ACK "$pa"
	phone_through_p A6 BYE "$pc" 1
	phone_through_p A6 BYE "$pb" 2
	phone_idle
}
tz_try "flow 6, consultation hold: A holds B, calls C; C BYE, B BYE; all through P" flow_6

# flow 7: A calls B, holds B, calls C, holds C and resumes B; C BYE
# (1.5 s after its hold), B BYE (2.5 s after its resume)
flow_7() {
	local pa pb pc i
	phone_flow
	pa=$(phone_port) pb=$(phone_port) pc=$(phone_port)
	phone_register b "$pb"
	phone_register c "$pc"
	phone_start B7 call_held_uas.xml "$pb" -key user b -d 2500
	phone_start C7 call_held_uas.xml "$pc" -key user c
	phone_start A7 call_swap_a.xml "$pa"
	phone_wait A7 B7 C7
	tz_expect "A received" "$(phone_rx A7)" \
		"100/INVITE 180/INVITE 200/INVITE 100/INVITE 200/INVITE 100/INVITE@c 180/INVITE@c 200/INVITE@c 100/INVITE@c 200/INVITE@c 100/INVITE 200/INVITE BYE@c BYE"
	tz_expect "B received" "$(phone_rx B7)" "INVITE ACK INVITE ACK INVITE ACK 200/BYE"
	tz_expect "C received" "$(phone_rx C7)" "INVITE@c ACK@c INVITE@c ACK@c 200/BYE@c"
	for i in 1 2 3; do
		phone_through_p B7 INVITE "$pa" "$i"
		phone_through_p B7 ACK "$pa" "$i"
	done
	for i in 1 2; do
		phone_through_p C7 INVITE "$pa" "$i"
		phone_through_p C7 ACK "$pa" "$i"
	done
	phone_through_p A7 BYE "$pc" 1
	phone_through_p A7 BYE "$pb" 2
	phone_idle
}
tz_try "flow 7, call swap: A holds B, calls C, holds C and resumes B; C BYE, B BYE; all through P" flow_7

# flow 8: A calls B; A REFERs B to C; B 202, NOTIFY (100) -> A; A BYE;
# B calls C; C 180, 200; ACK; B NOTIFY (200, terminated) -> A; C BYE -> B
flow_8() {
	local pa pb pc
	phone_flow
	pa=$(phone_port) pb=$(phone_port) pc=$(phone_port)
	phone_register b "$pb"
	phone_register c "$pc"
	phone_start B8 call_blind_b.xml "$pb"
	phone_start C8 call_basic_uas.xml "$pc" -key user c
	phone_start A8 call_blind_a.xml "$pa"
	phone_wait A8 B8 C8
	tz_expect "A received" "$(phone_rx A8)" \
		"100/INVITE 180/INVITE 200/INVITE 202/REFER NOTIFY 200/BYE NOTIFY"
	tz_expect "B received" "$(phone_rx B8)" \
		"INVITE ACK REFER 200/NOTIFY BYE 100/INVITE@c 180/INVITE@c 200/INVITE@c 200/NOTIFY BYE@c"
	tz_expect "C received" "$(phone_rx C8)" "INVITE@c ACK@c 200/BYE@c"
	phone_through_p B8 INVITE "$pa"
	phone_through_p B8 ACK "$pa"
	phone_through_p B8 REFER "$pa"
	phone_through_p A8 NOTIFY "$pb" 1
	phone_through_p B8 BYE "$pa" 1
	phone_through_p C8 INVITE "$pb"
	phone_through_p C8 ACK "$pb"
	phone_through_p A8 NOTIFY "$pb" 2
	phone_through_p B8 BYE "$pc" 2
	phone_idle
}
tz_try "flow 8, blind transfer: REFER, 202, NOTIFY 100, BYE, B calls C, NOTIFY 200; all through P" flow_8

# flow 9: A calls B; B holds A, calls C; B REFERs A to C with Replaces
# (the B-C dialog); A 202, NOTIFY (100); A INVITE C with Replaces; C 200,
# C BYE -> B; A NOTIFY (200); B BYE -> A; later C BYE -> A
flow_9() {
	local pa pb pc k want
	phone_flow
	pa=$(phone_port) pb=$(phone_port) pc=$(phone_port)
	phone_register b "$pb"
	phone_register c "$pc"
	phone_start B9 call_attended_b.xml "$pb"
	phone_start C9 call_attended_c.xml "$pc"
	# no "@" in the Call-ID: B puts it in a URI header
	phone_start A9 call_attended_a.xml "$pa" -cid_str "%u-%p-xfer.tz"
	phone_wait A9 B9 C9
	tz_expect "A received" "$(phone_rx A9)" \
		"100/INVITE 180/INVITE 200/INVITE INVITE ACK REFER 200/NOTIFY 100/INVITE@r 200/INVITE@r 200/NOTIFY BYE BYE@r"
	tz_expect "B received" "$(phone_rx B9)" \
		"INVITE ACK 100/INVITE 200/INVITE 100/INVITE@c 180/INVITE@c 200/INVITE@c 202/REFER NOTIFY BYE@c NOTIFY 200/BYE"
	tz_expect "C received" "$(phone_rx C9)" "INVITE@c ACK@c INVITE@r ACK@r 200/BYE@c 200/BYE@r"
	# Replaces: the B-C dialog's Call-ID, C's tag (to-tag), B's (from-tag)
	k=$(phone_msg C9 INVITE 1 | tz_hdr Call-ID)
	want="$k;to-tag=$(phone_msg C9 ACK 1 | tz_hdr To | sed 's/.*;tag=//')"
	want="$want;from-tag=$(phone_msg C9 INVITE 1 | tz_hdr From | sed 's/.*;tag=//')"
	tz_expect "Replaces in A's INVITE to C" "$(phone_msg C9 INVITE 2 | tz_hdr Replaces)" "$want"
	phone_through_p B9 INVITE "$pa"
	phone_through_p B9 ACK "$pa"
	phone_through_p A9 INVITE "$pb"
	phone_through_p A9 ACK "$pb"
	phone_through_p C9 INVITE "$pb" 1
	phone_through_p C9 ACK "$pb" 1
	phone_through_p A9 REFER "$pb"
	phone_through_p B9 NOTIFY "$pa" 1
	phone_through_p C9 INVITE "$pa" 2
	phone_through_p C9 ACK "$pa" 2
	phone_through_p B9 BYE "$pc"
	phone_through_p B9 NOTIFY "$pa" 2
	phone_through_p A9 BYE "$pb" 1
	phone_through_p A9 BYE "$pc" 2
	phone_idle
}
tz_try "flow 9, attended transfer: hold, B calls C, REFER with Replaces, A INVITE C replaces B; all through P" flow_9

tz_stop
tz_done

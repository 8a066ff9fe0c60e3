#!/bin/bash
# test_prepaid.sh  The dialog-stateful proxy ends a call itself ("trapezoid
# dialog end CALL-ID", the prepaid case of issue 6): A calls B through P
# (SIPp phones, phones.sh); once the call is up, `trapezoid dialog list`
# shows it, and `dialog end` makes P send a BYE to each side inside that
# side's dialog (RFC 3261 12.2.1.1): the phones check the Request-URI (the
# side's Contact), From/To with the right tags and the CSeq (one above
# what the other side used). The command reports both 200s, the dialog
# is gone, P has no transaction left, and the call detail record says the
# proxy ended it. With a strict router toward B, the BYE follows RFC 3261
# 12.2.1.1. Unknown Call-IDs and a missing argument get a clear error.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/phones.sh"

phone_server a b

ctl() { timeout 10 "$TZ_BIN" dialog "$@" --control "$TZ_CTL" 2>&1; }

f_end() {
	local pa pb list cid out rc cdr
	phone_flow
	pa=$(phone_port) pb=$(phone_port)
	phone_register b "$pb"
	phone_start B call_ended_uas.xml "$pb" -key user b
	phone_start A call_ended_uac.xml "$pa" -key callee b
	tz_wait_field proxy.dialogs 1 10
	list=$(ctl list) || tz_fail "dialog list: $list"
	tz_log "dialog list: $list"
	tz_expect "dialogs listed" "$(jq -r '.total' <<<"$list")" 1
	tz_expect "caller, callee, endable" \
		"$(jq -r '.dialogs[0] | "\(.caller) \(.callee) \(.endable)"' <<<"$list")" \
		"sip:a@localhost sip:b@localhost true"
	cid=$(jq -r '.dialogs[0].call_id' <<<"$list")
	out=$(ctl end "$cid")
	rc=$?
	tz_log "dialog end: $out"
	tz_expect "dialog end exit status" "$rc" 0
	tz_expect "dialog end answer" "$out" \
		"{\"ended\":\"$cid\",\"caller\":200,\"callee\":200}"
	phone_wait A B
	tz_expect "A received" "$(phone_rx A)" "100/INVITE 180/INVITE 200/INVITE BYE"
	tz_expect "B received" "$(phone_rx B)" "INVITE ACK BYE"
	tz_wait_field proxy.dialogs 0 5
	phone_idle
	out=$(ctl end "$cid")
	rc=$?
	tz_expect "ending it again" "$rc $out" '1 {"error":"no such dialog"}'
	# records alone wait up to 100 ms for company before their commit
	tz_wait_field registrar.cdrs 1 5
	cdr=$(timeout 10 "$TZ_BIN" cdr --format json --db "sqlite:$TZ_DIR/test.db" 2>&1) ||
		tz_fail "trapezoid cdr: $cdr"
	tz_expect "the record" \
		"$(jq -r --arg c "$cid" '.[] | select(.call_id == $c) | "\(.status) \(.ended_by) \(.reason)"' <<<"$cdr" 2>&1)" \
		"200 proxy ended by the operator"
}
tz_try "P ends an answered call: BYE to both sides, 200s reported, record written" f_end

# B sits behind a strict router (its 2xx names one above P's
# Record-Route): P's BYE to B goes to that router's URI with B's Contact
# as the last Route (RFC 3261 12.2.1.1), checked by B's scenario
f_strict() {
	local pa pb cid out
	phone_flow
	pa=$(phone_port) pb=$(phone_port)
	phone_register b "$pb"
	phone_start B call_ended_strict_uas.xml "$pb" -key user b
	phone_start A call_ended_uac.xml "$pa" -key callee b
	tz_wait_field proxy.dialogs 1 10
	cid=$(ctl list | jq -r '.dialogs[0].call_id')
	out=$(ctl end "$cid") || tz_fail "dialog end: $out"
	tz_expect "dialog end answer" "$out" \
		"{\"ended\":\"$cid\",\"caller\":200,\"callee\":200}"
	phone_wait A B
	tz_expect "B received" "$(phone_rx B)" "INVITE ACK BYE"
	tz_wait_field proxy.dialogs 0 5
	phone_idle
}
tz_try "P ends a call whose callee is behind a strict router: the 12.2.1.1 Request-URI and Route" f_strict

f_bad() {
	local out rc
	out=$(ctl end no-such-call@nowhere)
	rc=$?
	tz_expect "unknown Call-ID" "$rc $out" '1 {"error":"no such dialog"}'
	out=$(ctl end)
	rc=$?
	tz_expect "no Call-ID: usage, exit 2" "$rc" 2
	tz_expect_match "usage message" "$out" "usage: trapezoid dialog"
	out=$(ctl list)
	tz_expect "no dialogs" "$(jq -c '.' <<<"$out")" '{"dialogs":[],"total":0}'
}
tz_try "dialog end of an unknown call, without a Call-ID; an empty list" f_bad

tz_stop
tz_done

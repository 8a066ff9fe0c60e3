#!/bin/bash
# test_features.sh  Call features of the proxy, CALLFLOWS.md flows 10, 11,
# 12, 14, 26 and 28, and the forking and redirect behaviours: forwarding
# (busy, no answer, busy with call waiting, unconditional), do not disturb,
# anonymous call barring, parallel and sequential forking, redirect mode,
# proxy authentication with P-Asserted-Identity, call detail records.
# Phones are SIPp instances (phones.sh); A calls sip:b@localhost through
# P's UDP port. Each flow checks that every phone's scenario succeeded,
# the exact responses A received in order, exactly what each callee
# received, hop-by-hop CANCEL/ACK where P sends its own, and that P frees
# its response contexts (proxy.contexts back to 0) and transactions.
# Forwarding runs twice: to C's AOR, sip:c@localhost (P must find C in its
# location service, RFC 3261 16.5), and to C's registered contact URI.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/phones.sh"

A_FROM='"A" <sip:a@localhost>'
ANON_FROM='"Anonymous" <sip:anonymous@anonymous.invalid>'

# feat_cli COMMAND ARGS...: "trapezoid COMMAND ..." on the test database,
# telling the running server.
feat_cli() {
	timeout 10 "$TZ_BIN" "$@" --db "sqlite:$TZ_DIR/test.db" \
		--control "$TZ_CTL" >>"$TZ_DIR/cli.out" 2>&1 ||
		tz_fail "trapezoid $*: $(tail -n 3 "$TZ_DIR/cli.out")"
}

# feat_reset: b@localhost has no forwarding and no call feature on.
feat_reset() {
	timeout 10 "$TZ_BIN" forward clear b@localhost --db "sqlite:$TZ_DIR/test.db" \
		--control "$TZ_CTL" >>"$TZ_DIR/cli.out" 2>&1
	feat_cli user set b@localhost --dnd off --reject-anonymous off
}

# feat_idle: P frees every response context and transaction (2xx
# contexts linger 64*T1 = 1.28 s).
feat_idle() {
	tz_wait_field proxy.contexts 0 5
	phone_idle
}

# feat_none NAME: phone NAME (a callee started to catch strays) received
# nothing at all.
feat_none() {
	local rx=""
	[ -f "$TZ_DIR/$1.msg" ] && rx=$(phone_rx "$1")
	tz_expect "$1 received (nothing expected)" "$rx" ""
}

# feat_rx NAME: phone_rx with P's retransmissions of the INVITE (T1 is
# 20 ms: a 100 from a loaded phone may come after the first one) counted
# once; they must carry the first INVITE's branch.
feat_rx() {
	local n i b0
	n=$(phone_rx "$1" all | tr ' ' '\n' | grep -c '^INVITE$')
	b0=$(phone_vias "$1" INVITE 1 | head -n 1 | grep -o 'branch=[^;]*')
	for ((i = 2; i <= n; i++)); do
		tz_expect "$1: branch of INVITE #$i (a retransmission)" \
			"$(phone_vias "$1" INVITE "$i" all | head -n 1 | grep -o 'branch=[^;]*')" "$b0"
	done
	phone_rx "$1" | sed -E 's/^INVITE( INVITE)+/INVITE/'
}

# feat_setup: (first in a flow) the flow's phones end with it, b@localhost
# has no call feature, B and C are registered at the new ports pb and pc
# (the caller's locals, with pa, A's port).
feat_setup() {
	phone_flow
	feat_reset
	pa=$(phone_port) pb=$(phone_port) pc=$(phone_port)
	phone_register b "$pb"
	phone_register c "$pc"
}

# feat_two_bindings FLOW Q1 Q2: (first in a flow) as feat_setup, but
# b@localhost has exactly two bindings, at the new ports p1 (contact
# parameters Q1, e.g. ";q=0.5" or "") and p2 (Q2); pa for A.
feat_two_bindings() {
	phone_flow
	feat_reset
	pa=$(phone_port) p1=$(phone_port) p2=$(phone_port)
	phone_unregister b
	phone_run "reg$1a" feat_register_add.xml "$p1" -key user b -key q "$2"
	phone_run "reg$1b" feat_register_add.xml "$p2" -key user b -key q "$3"
	tz_expect "b's bindings in the second 200" \
		"$(phone_msg "reg$1b" "SIP/2.0 200" | tz_hdr_all Contact | tr ',' '\n' | grep -c 'sip:b@127')" 2
}

# feat_ruri NAME START [N]: the Request-URI of that message.
feat_ruri() { phone_msg "$@" | head -n 1 | cut -d' ' -f2; }

# feat_ms_between NAME FIRST SECOND: milliseconds between the receipt of
# the first message starting FIRST and the next one starting SECOND in
# NAME's trace (the time on SIPp's separator line before each message).
feat_ms_between() {
	awk -v a="$2" -v b="$3" '
	{ sub(/\r$/, "") }
	/^-----------------------------------------------/ {
		split($3, t, "[:.]")
		ms = ((t[1] * 60 + t[2]) * 60 + t[3]) * 1000 + int(t[4] / 1000)
		st = 0; next
	}
	st == 0 && /message received/ { st = 1; next }
	st == 1 && $0 == "" { next }
	st == 1 { st = 2
		if (ta == "" && index($0, a) == 1) ta = ms
		else if (ta != "" && tb == "" && index($0, b) == 1) tb = ms }
	END { if (ta == "" || tb == "") print "none"; else print tb - ta }' "$TZ_DIR/$1.msg"
}

# feat_target PORT: the forwarding target: C's AOR (FEAT_TGT=aor, P must
# find C through its location service) or C's registered contact itself
# (FEAT_TGT=contact, 127.0.0.1:PORT)
FEAT_TGT=aor
feat_target() {
	if [ "$FEAT_TGT" = aor ]; then
		echo sip:c@localhost
	else
		echo "sip:c@127.0.0.1:$1"
	fi
}
# with_target aor|contact FUNCTION ARGS...
with_target() {
	FEAT_TGT=$1
	shift
	"$@"
}

TZ_CONF_EXTRA='auth = off'
tz_start
for u in a b c; do tz_user add "$u@localhost" "${u}pw"; done

# 1. flow 11, forwarding on busy: B 486 (P ACKs it, A never sees it), P
# forwards to C, C 180/200 -> A; ACK and C's BYE through P
f_busy() {
	local t=$FEAT_TGT pa pb pc
	feat_setup
	feat_cli forward set b@localhost --busy "$(feat_target "$pc")"
	phone_start B1$t call_busy_uas.xml "$pb"
	phone_start C1$t call_basic_uas.xml "$pc" -key user c
	phone_start A1$t feat_call_uac.xml "$pa" -key callee b -key from "$A_FROM"
	phone_wait A1$t B1$t C1$t
	tz_expect "A received" "$(phone_rx A1$t)" "100/INVITE 180/INVITE 200/INVITE BYE"
	tz_expect "B received" "$(phone_rx B1$t)" "INVITE ACK"
	tz_expect "C received" "$(phone_rx C1$t)" "INVITE ACK 200/BYE"
	phone_through_p B1$t INVITE "$pa"
	phone_hop B1$t ACK
	phone_through_p C1$t INVITE "$pa"
	tz_expect "C: Request-URI of the INVITE" "$(feat_ruri C1$t INVITE)" "sip:c@127.0.0.1:$pc"
	phone_through_p C1$t ACK "$pa"
	phone_through_p A1$t BYE "$pc"
	feat_idle
}
tz_try "1. flow 11, forwarding on busy to sip:c@localhost: B's 486 stays at P (ACKed hop by hop), C answers A" \
	with_target aor f_busy
tz_try "1b. flow 11, forwarding on busy to C's contact URI: B's 486 stays at P, C answers A" \
	with_target contact f_busy

# 2, 3. flows 10 and 12, forwarding on no answer (after 1 s): B rings
# (and in flow 12 queues the call, 182); P CANCELs B after ~1 s, B 200 and
# 487, P ACKs; A gets 181, then C's 180 and 200
t_noanswer() { # FLOW B-XML EXPECTED-AT-A (phones named with FEAT_TGT)
	local f=$1 t=$FEAT_TGT pa pb pc ms
	feat_setup
	feat_cli forward set b@localhost --no-answer "$(feat_target "$pc")" --after 1
	phone_start "B$f$t" "$2" "$pb" -key user b
	phone_start "C$f$t" call_basic_uas.xml "$pc" -key user c
	phone_start "A$f$t" feat_call_uac.xml "$pa" -key callee b -key from "$A_FROM"
	phone_wait "A$f$t" "B$f$t" "C$f$t"
	tz_expect "A received" "$(phone_rx "A$f$t")" "$3"
	tz_expect "B received" "$(feat_rx "B$f$t")" "INVITE CANCEL ACK"
	tz_expect "C received" "$(phone_rx "C$f$t")" "INVITE ACK 200/BYE"
	phone_through_p "B$f$t" INVITE "$pa"
	phone_hop "B$f$t" CANCEL
	phone_hop "B$f$t" ACK
	phone_through_p "C$f$t" INVITE "$pa"
	phone_through_p "A$f$t" BYE "$pc"
	ms=$(feat_ms_between "B$f$t" INVITE CANCEL)
	tz_expect_ge "ms from B's INVITE to its CANCEL (--after 1)" "$ms" 950
	[ "$ms" -le 2500 ] || tz_fail "B's CANCEL came $ms ms after its INVITE (--after 1)"
	feat_idle
}
for tgt in aor contact; do
	tz_try "2 ($tgt). flow 10, forwarding on no answer: CANCEL to B after 1 s, 181 to A, C answers" \
		with_target $tgt t_noanswer 2 call_cancel_uas.xml \
		"100/INVITE 180/INVITE 181/INVITE 180/INVITE 200/INVITE BYE"
	tz_try "3 ($tgt). flow 12, busy with call waiting: B 180, 182 Queued; CANCEL after 1 s, C answers" \
		with_target $tgt t_noanswer 3 feat_queued_uas.xml \
		"100/INVITE 180/INVITE 182/INVITE 181/INVITE 180/INVITE 200/INVITE BYE"
done

# 4. unconditional forwarding: B (registered, listening) gets nothing,
# C answers
f_always() {
	local t=$FEAT_TGT pa pb pc
	feat_setup
	feat_cli forward set b@localhost --always "$(feat_target "$pc")"
	phone_start B4$t call_basic_uas.xml "$pb" -key user b
	phone_start C4$t call_basic_uas.xml "$pc" -key user c
	phone_start A4$t feat_call_uac.xml "$pa" -key callee b -key from "$A_FROM"
	phone_wait A4$t C4$t
	tz_expect "A received" "$(phone_rx A4$t)" "$FEAT_ALWAYS_A"
	tz_expect "C received" "$(phone_rx C4$t)" "INVITE ACK 200/BYE"
	feat_none B4$t
	phone_through_p C4$t INVITE "$pa"
	phone_through_p A4$t BYE "$pc"
	feat_idle
}
FEAT_ALWAYS_A="100/INVITE 180/INVITE 200/INVITE BYE"
for tgt in aor contact; do
	tz_try "4 ($tgt). unconditional forwarding: B receives nothing, C answers" \
		with_target $tgt f_always
done

# 5. do not disturb: P answers 486 itself (B gets nothing); with busy
# forwarding as well, the call goes to C
f_dnd() {
	local t=$FEAT_TGT pa pb pc
	feat_setup
	feat_cli user set b@localhost --dnd on
	phone_start B5$t call_basic_uas.xml "$pb" -key user b
	phone_run A5$t feat_final_uac.xml "$pa" -key callee b -key from "$A_FROM"
	tz_expect "A received (dnd)" "$(phone_rx A5$t)" "$FEAT_DND_A"
	feat_idle
	feat_cli forward set b@localhost --busy "$(feat_target "$pc")"
	phone_start C5$t call_basic_uas.xml "$pc" -key user c
	phone_start A5f$t feat_call_uac.xml "$(phone_port)" -key callee b -key from "$A_FROM"
	phone_wait A5f$t C5$t
	tz_expect "A received (dnd, busy forwarding)" "$(phone_rx A5f$t)" "$FEAT_DNDFWD_A"
	tz_expect "C received" "$(phone_rx C5$t)" "INVITE ACK 200/BYE"
	feat_none B5$t
	feat_idle
}
FEAT_DND_A="486/INVITE"
FEAT_DNDFWD_A="100/INVITE 180/INVITE 200/INVITE BYE"
for tgt in aor contact; do
	tz_try "5 ($tgt). do not disturb: 486 from P, B receives nothing; with --busy forwarding C answers" \
		with_target $tgt f_dnd
done

# 6. anonymous call barring: 433 from P for an anonymous From (B gets
# nothing); a known caller still reaches B; flow 28: B itself answering
# 488 reaches A
f_anon() {
	local pa pb
	phone_flow
	feat_reset
	pa=$(phone_port) pb=$(phone_port)
	phone_register b "$pb"
	feat_cli user set b@localhost --reject-anonymous on
	phone_start B6 call_basic_uas.xml "$pb" -key user b
	phone_run A6 feat_final_uac.xml "$pa" -key callee b -key from "$ANON_FROM"
	tz_expect "A received (anonymous)" "$(phone_rx A6)" "$FEAT_ANON_A"
	tz_expect "B received (after the anonymous call)" \
		"$( [ -f "$TZ_DIR/B6.msg" ] && phone_rx B6)" ""
	feat_idle
	phone_start A6n feat_call_uac.xml "$(phone_port)" -key callee b -key from "$A_FROM"
	phone_wait A6n B6
	tz_expect "A received (known caller)" "$(phone_rx A6n)" "100/INVITE 180/INVITE 200/INVITE BYE"
	tz_expect "B received (known caller)" "$(phone_rx B6)" "INVITE ACK 200/BYE"
	feat_idle
	feat_cli user set b@localhost --reject-anonymous off
	phone_start B28 call_anon_uas.xml "$pb"
	phone_start A28 feat_final_uac.xml "$(phone_port)" -key callee b -key from "$ANON_FROM"
	phone_wait A28 B28
	tz_expect "A received (flow 28)" "$(phone_rx A28)" "100/INVITE 488/INVITE"
	tz_expect "B received (flow 28)" "$(phone_rx B28)" "INVITE ACK"
	phone_hop B28 ACK
	feat_idle
}
FEAT_ANON_A="433/INVITE"
tz_try "6. anonymous call barring: 433 from P, B untouched; known caller reaches B; flow 28 B's 488 to A" f_anon

# 7. parallel forking: b@localhost at two ports; both get the INVITE; one
# answers, the other rings and is CANCELled with the Reason of RFC 3326
f_parallel() {
	local pa p1 p2
	feat_two_bindings 7 "" ""
	phone_start B7w call_basic_uas.xml "$p1" -key user b
	phone_start B7l call_cancel_uas.xml "$p2" -key user b
	phone_start A7 feat_call_uac.xml "$pa" -key callee b -key from "$A_FROM"
	phone_wait A7 B7w B7l
	tz_expect "A received" "$(phone_rx A7)" "100/INVITE 180/INVITE 180/INVITE 200/INVITE BYE"
	tz_expect "winner received" "$(phone_rx B7w)" "INVITE ACK 200/BYE"
	tz_expect "loser received" "$(phone_rx B7l)" "INVITE CANCEL ACK"
	phone_through_p B7w INVITE "$pa"
	phone_through_p B7l INVITE "$pa"
	phone_hop B7l CANCEL
	phone_hop B7l ACK
	tz_expect "Reason of the loser's CANCEL" "$(phone_msg B7l CANCEL | tz_hdr Reason)" \
		'SIP;cause=200;text="Call completed elsewhere"'
	[ "$(phone_vias B7w INVITE | head -n 1 | grep -o 'branch=[^;]*')" != \
		"$(phone_vias B7l INVITE | head -n 1 | grep -o 'branch=[^;]*')" ] ||
		tz_fail "the two forks carry the same branch"
	feat_idle
}
tz_try "7. parallel forking: both contacts ring, the loser gets CANCEL with Reason cause=200" f_parallel

# 8. sequential forking by q: q=1.0 answers 486, then q=0.5 gets the
# INVITE and answers
f_sequential() {
	local pa p1 p2
	feat_two_bindings 8 ";q=1.0" ";q=0.5"
	phone_start B8h call_busy_uas.xml "$p1"
	phone_start B8l call_basic_uas.xml "$p2" -key user b
	phone_start A8 feat_call_uac.xml "$pa" -key callee b -key from "$A_FROM"
	phone_wait A8 B8h B8l
	tz_expect "A received" "$(phone_rx A8)" "100/INVITE 180/INVITE 200/INVITE BYE"
	tz_expect "q=1.0 received" "$(phone_rx B8h)" "INVITE ACK"
	tz_expect "q=0.5 received" "$(phone_rx B8l)" "INVITE ACK 200/BYE"
	phone_hop B8h ACK
	phone_through_p B8l INVITE "$pa"
	feat_idle
}
tz_try "8. sequential forking by q: q=1.0 486, then q=0.5 gets the INVITE and answers" f_sequential

tz_stop

# 9. redirect mode: 302 with B's registered Contact; A ACKs
TZ_CONF_EXTRA='auth = off
proxy-mode = redirect'
tz_start
tz_user add b@localhost bpw
f_redirect() {
	local pa pb
	phone_flow
	pa=$(phone_port) pb=$(phone_port)
	phone_register b "$pb"
	phone_run A9 feat_final_uac.xml "$pa" -key callee b -key from "$A_FROM"
	tz_expect "A received" "$(phone_rx A9)" "302/INVITE"
	tz_expect_match "Contact of the 302" \
		"$(phone_msg A9 "SIP/2.0 302" | tz_hdr_all Contact | tr '\n' '|')" \
		"^<sip:b@127\\.0\\.0\\.1:$pb>(;[^|]*)?\\|\$"
	feat_idle
}
tz_try "9. redirect mode: 302 with B's registered Contact, ACK" f_redirect
tz_stop

# 10. flow 14, proxy authentication: 407, ACK, INVITE with credentials,
# B gets P-Asserted-Identity; B's BYE is challenged too
TZ_CONF_EXTRA='auth = on
auth-algorithms = MD5'
tz_start
tz_user add a@localhost apw
tz_user add b@localhost bpw
f_auth() {
	local pa pb
	phone_flow
	pa=$(phone_port) pb=$(phone_port)
	phone_run reg10 feat_register_auth.xml "$pb" -key user b -au b -ap bpw \
		-auth_uri localhost
	phone_start B10 feat_auth_uas.xml "$pb" -key user b -au b -ap bpw \
		-auth_uri "a@127.0.0.1:$pa"
	phone_start A10 feat_auth_uac.xml "$pa" -key callee b -au a -ap apw \
		-auth_uri "b@localhost"
	phone_wait A10 B10
	tz_expect "A received" "$(phone_rx A10)" \
		"407/INVITE 100/INVITE 180/INVITE 200/INVITE BYE"
	tz_expect "B received" "$(phone_rx B10)" "INVITE ACK 407/BYE 200/BYE"
	tz_expect "B: P-Asserted-Identity of the INVITE" \
		"$(phone_msg B10 INVITE | tz_hdr P-Asserted-Identity)" "<sip:a@localhost>"
	tz_expect "B: CSeq of the INVITE (the authenticated one)" \
		"$(phone_msg B10 INVITE | tz_hdr CSeq)" "2 INVITE"
	tz_expect "A: CSeq of the BYE (the authenticated one)" \
		"$(phone_msg A10 BYE | tz_hdr CSeq)" "2 BYE"
	phone_through_p A10 BYE "$pb"
	feat_idle
}
tz_try "10. flow 14, proxy authentication: 407, ACK, INVITE with credentials, PAI to B; BYE challenged" f_auth
tz_stop

# 11. call detail records (dialog mode): an answered call the callee
# ended, a call refused with 486
TZ_CONF_EXTRA='auth = off'
tz_start
for u in a b; do tz_user add "$u@localhost" "${u}pw"; done
# feat_cdr_check CSV: the header and exactly the two calls, in order
feat_cdr_check() {
	local rows
	tz_expect "cdr header" "$(printf '%s\n' "$1" | head -n 1)" \
		"id,caller,callee,call_id,start,answer,end,duration,status,ended_by,reason"
	rows=$(printf '%s\n' "$1" | tail -n +2)
	tz_expect "cdr rows" "$(printf '%s\n' "$rows" | wc -l)" 2
	# caller, callee, answered?, status, ended_by, reason
	tz_expect "cdr of the answered call" \
		"$(printf '%s\n' "$rows" | sed -n 1p | awk -F, '{print $2, $3, ($6 != ""), $9, $10, $11}')" \
		"sip:a@localhost sip:b@localhost 1 200 callee BYE"
	tz_expect "cdr of the busy call" \
		"$(printf '%s\n' "$rows" | sed -n 2p | awk -F, '{print $2, $3, ($6 != ""), $9, $10, $11}')" \
		"sip:a@localhost sip:b@localhost 0 486 callee 486 Busy Here"
	tz_expect "cdr call ids differ" \
		"$(printf '%s\n' "$rows" | cut -d, -f4 | sort -u | wc -l)" 2
}
f_cdr() {
	local pa pb csv
	phone_flow
	pa=$(phone_port) pb=$(phone_port)
	phone_register b "$pb"
	phone_start B11 call_basic_uas.xml "$pb" -key user b
	phone_start A11 feat_call_uac.xml "$pa" -key callee b -key from "$A_FROM"
	phone_wait A11 B11
	feat_idle
	phone_start B11b call_busy_uas.xml "$pb"
	phone_start A11b feat_final_uac.xml "$(phone_port)" -key callee b -key from "$A_FROM"
	phone_wait A11b B11b
	feat_idle
	# records alone wait up to 100 ms for company before their commit
	tz_wait_field registrar.cdrs 2 5
	csv=$(timeout 10 "$TZ_BIN" cdr --format csv --db "sqlite:$TZ_DIR/test.db" 2>&1) ||
		tz_fail "trapezoid cdr: $csv"
	tz_log "cdr: $(printf '%s' "$csv" | tr '\n' '|')"
	feat_cdr_check "$csv"
}
if "$TZ_BIN" cdr --help >/dev/null 2>&1; then
	tz_try "11. call detail records: the answered call (200, ended by the callee) and the 486" f_cdr
else
	tz_log "skipped: 11. call detail records (this build has no 'trapezoid cdr')"
fi
tz_stop
tz_done

#!/bin/bash
# test_register.sh  The registrar (RFC 3261 10.3) end to end.
#
# Server 1, digest on (MD5 offered first, as SIPp reads only the first
# challenge): CALLFLOWS flow 1 over UDP and TCP (401, credentials, 200
# with the binding's expires and Date), then refresh, query and unregister
# in one SIPp call; 423 with Min-Expires; "user add" on the running server
# lets that user register at once, "user del" drops its bindings.
#
# Server 2, digest off (the binding rules alone; raw UDP peers comparing
# exact status lines and Contact values): two contacts with q-values;
# query; unregister one (expires=0) and all (Contact: * with Expires: 0,
# 400 otherwise); max-expires cut (Expires 99999, contact expires=99999,
# Expires 4294967296); malformed Expires; malformed Contact; more than
# max-contacts (2) in one request and in total: 403; CSeq not above the
# stored one on the same Call-ID: 400; a domain not served: 404; Path
# stored (the database) and echoed with Supported: path only; a binding
# survives kill -9 (restart in the same directory, fewer seconds left);
# a binding with expires=2 is removed by its timer (status counters);
# with write-behind a binding reaches the disk by the timer and by
# SIGTERM.
. "$(dirname "$0")/lib.sh"

# ---- server 1: with digest authentication ----

TZ_CONF_EXTRA='auth-algorithms = MD5,SHA-256'
tz_start
tz_user add alice@localhost secret
tz_user add amy@localhost amypw

for proto in udp tcp; do
	P=$(echo "$proto" | tr a-z A-Z)
	tz_try "$P flow 1: REGISTER, 401, REGISTER with credentials, 200 with Contact expires=3600 and Date" \
		tz_sipp reg_register.xml "$proto" -au alice -ap secret -key user alice
	tz_try "$P register, refresh (expires=1800), query lists it, unregister lists nothing" \
		tz_sipp reg_auth.xml "$proto" -au amy -ap amypw -key user amy
	tz_try "$P Expires: 30 under min-expires 60: 423 with Min-Expires: 60" \
		tz_sipp reg_423.xml "$proto" -au alice -ap secret -key user alice -key expires 30
done
# alice's flow-1 bindings stay (two Contact URIs), amy's went
tz_try "status: 2 bindings (flow 1 over UDP and TCP), 1 AOR, 2 users" eval '
	tz_status || tz_fail "no status"
	tz_expect bindings "$(tz_json_field "$TZ_STATUS" bindings)" 2
	tz_expect registrar.aors "$(tz_json_field "$TZ_STATUS" registrar.aors)" 1
	tz_expect users "$(tz_json_field "$TZ_STATUS" users)" 2'

# a user added while the server runs registers at once; before, it cannot
t_user_live() {
	local out
	if (tz_sipp reg_register.xml udp -au bob -ap bobpw -key user bob) >/dev/null 2>&1; then
		tz_fail "bob registered before he was added"
	fi
	tz_user add bob@localhost bobpw
	tz_expect "users after user add" "$(tz_status_field users)" 3
	tz_sipp reg_register.xml udp -au bob -ap bobpw -key user bob
	tz_expect "bindings after bob registered" "$(tz_status_field bindings)" 3
	tz_user del bob@localhost
	tz_expect "bindings after user del bob" "$(tz_status_field bindings)" 2
	tz_expect "users after user del" "$(tz_status_field users)" 2
	tz_expect "registrar.bindings after user del bob" "$(tz_status_field registrar.bindings)" 2
}
tz_try "user add on a running server: REGISTER succeeds at once; user del drops bob's binding" t_user_live
tz_stop

# ---- server 2: without authentication, max-contacts 2 ----

TZ_CONF_EXTRA='auth = off
max-contacts = 2
min-expires = 1s'
tz_start

# t_reg TO CALLID CSEQ [HEADER]...: a REGISTER for TO (an AOR) with these
# extra header lines, over UDP from a new socket; prints the response.
t_reg() {
	local to=$1 cid=$2 cseq=$3 f
	shift 3
	f=$TZ_DIR/req-$(tz__seq).sip
	{
		printf 'REGISTER sip:localhost SIP/2.0\n'
		printf 'Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-%s-%s-%s;rport\n' "$cid" "$cseq" "$(tz__seq)"
		printf 'Max-Forwards: 70\n'
		printf 'From: <sip:%s>;tag=f%s\n' "$to" "$cseq"
		printf 'To: <sip:%s>\n' "$to"
		printf 'Call-ID: %s@tz.test\n' "$cid"
		printf 'CSeq: %s REGISTER\n' "$cseq"
		[ "$#" = 0 ] || printf '%s\n' "$@"
		printf 'Content-Length: 0\n\n'
	} | tz_crlf >"$f"
	tz_send_udp "$f" 3
}

# t_contacts RESPONSE [N]: its Contact values, sorted, one a line, with expires
# one second short (a second turned between commit and answer) put back
# to the value given as $2 (when given).
t_contacts() {
	local v
	v=$(printf '%s' "$1" | tz_hdr_all Contact | sort)
	if [ -n "${2:-}" ]; then
		v=$(printf '%s\n' "$v" | sed "s/;expires=$(($2 - 1))\\b/;expires=$2/")
	fi
	printf '%s' "$v"
}

expect_status() { # WHAT RESPONSE STATUS-LINE
	tz_expect "$1" "$(printf '%s' "$2" | tz_first_line)" "$3"
}

t_two_contacts() {
	local r
	r=$(t_reg bob@localhost c2 1 'Contact: <sip:bob@127.0.0.1:5001>;q=0.5, <sip:bob@127.0.0.1:5002>;q=0.8' 'Expires: 600')
	expect_status "two contacts" "$r" "SIP/2.0 200 OK"
	tz_expect "two contacts: bindings" "$(t_contacts "$r" 600)" \
		"<sip:bob@127.0.0.1:5001>;expires=600;q=0.500
<sip:bob@127.0.0.1:5002>;expires=600;q=0.800"
	tz_expect_match "two contacts: Date" "$(printf '%s' "$r" | tz_hdr Date)" \
		'^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$'
	# a query from another Call-ID lists both
	r=$(t_reg bob@localhost q2 1)
	expect_status "query" "$r" "SIP/2.0 200 OK"
	tz_expect_match "query: bindings" "$(t_contacts "$r")" \
		'^<sip:bob@127\.0\.0\.1:5001>;expires=(600|599|598);q=0\.500
<sip:bob@127\.0\.0\.1:5002>;expires=(600|599|598);q=0\.800$'
	tz_expect "status bindings" "$(tz_status_field bindings)" 2
}
tz_try "two contacts with q-values: 200 lists both with expires and q; a query lists them" t_two_contacts

t_unregister() {
	local r
	r=$(t_reg bob@localhost c2 2 'Contact: <sip:bob@127.0.0.1:5001>;expires=0')
	expect_status "unregister one" "$r" "SIP/2.0 200 OK"
	tz_expect_match "unregister one: the other stays" "$(t_contacts "$r")" \
		'^<sip:bob@127\.0\.0\.1:5002>;expires=(600|599|598);q=0\.800$'
	tz_expect "status bindings after one removed" "$(tz_status_field bindings)" 1
	r=$(t_reg bob@localhost c2 3 'Contact: *')
	expect_status "Contact: * without Expires" "$r" \
		"SIP/2.0 400 Bad Request: Contact * without Expires: 0"
	r=$(t_reg bob@localhost c2 4 'Contact: *' 'Expires: 10')
	expect_status "Contact: * with Expires: 10" "$r" \
		"SIP/2.0 400 Bad Request: Contact * without Expires: 0"
	# "*" in a list is outside the grammar (RFC 3261 20.10); in its own
	# field beside another, it breaks 10.3 item 6
	r=$(t_reg bob@localhost c2 5 'Contact: *, <sip:bob@127.0.0.1:5003>' 'Expires: 0')
	expect_status "Contact: *, <uri>" "$r" "SIP/2.0 400 Bad Request: malformed Contact"
	r=$(t_reg bob@localhost c2 6 'Contact: *' 'Contact: <sip:bob@127.0.0.1:5003>' 'Expires: 0')
	expect_status "Contact: * beside another Contact field" "$r" \
		"SIP/2.0 400 Bad Request: Contact * with other contacts"
	r=$(t_reg bob@localhost c2 7 'Contact: *' 'Expires: 0')
	expect_status "Contact: * Expires: 0" "$r" "SIP/2.0 200 OK"
	tz_expect "Contact: * Expires: 0: no binding listed" "$(t_contacts "$r")" ""
	tz_expect "status bindings after *" "$(tz_status_field bindings)" 0
	tz_expect "registrar.aors after *" "$(tz_status_field registrar.aors)" 0
}
tz_try "unregister one (expires=0), then all (Contact: *, Expires: 0; 400 without it)" t_unregister

t_cut() {
	local r
	r=$(t_reg carol@localhost cut 1 'Contact: <sip:carol@127.0.0.1:5010>' 'Expires: 99999')
	expect_status "Expires: 99999" "$r" "SIP/2.0 200 OK"
	tz_expect "Expires: 99999 cut to max-expires" "$(t_contacts "$r" 3600)" \
		"<sip:carol@127.0.0.1:5010>;expires=3600"
	r=$(t_reg carol@localhost cut 2 'Contact: <sip:carol@127.0.0.1:5010>' 'Expires: 4294967296')
	expect_status "Expires: 4294967296" "$r" "SIP/2.0 200 OK"
	tz_expect "Expires: 4294967296 cut to max-expires" "$(t_contacts "$r" 3600)" \
		"<sip:carol@127.0.0.1:5010>;expires=3600"
	r=$(t_reg carol@localhost cut 3 'Contact: <sip:carol@127.0.0.1:5010>;expires=99999999999' 'Expires: 100')
	expect_status "contact expires=99999999999" "$r" "SIP/2.0 200 OK"
	tz_expect "contact expires=99999999999 (over Expires) cut to max-expires" \
		"$(t_contacts "$r" 3600)" "<sip:carol@127.0.0.1:5010>;expires=3600"
	r=$(t_reg carol@localhost cut 4 'Contact: <sip:carol@127.0.0.1:5010>' 'Expires: 120')
	tz_expect "Expires: 120 kept" "$(t_contacts "$r" 120)" \
		"<sip:carol@127.0.0.1:5010>;expires=120"
}
tz_try "max-expires cut: Expires 99999, 4294967296, contact expires=99999999999 -> expires=3600" t_cut

t_malformed() {
	local r
	r=$(t_reg dave@localhost bad 1 'Contact: <sip:dave@127.0.0.1:5020>' 'Expires: -1')
	expect_status "Expires: -1" "$r" "SIP/2.0 400 Bad Request: malformed Expires"
	r=$(t_reg dave@localhost bad 2 'Contact: <sip:dave@127.0.0.1:5020>' 'Expires: soon')
	expect_status "Expires: soon" "$r" "SIP/2.0 400 Bad Request: malformed Expires"
	r=$(t_reg dave@localhost bad 3 'Contact: <sip:dave@127.0.0.1:5020')
	expect_status "Contact without its >" "$r" "SIP/2.0 400 Bad Request: malformed Contact"
	r=$(t_reg dave@localhost bad 4 'Contact: <sip:dave@127.0.0.1:5020>;expires=abc')
	expect_status "Contact expires=abc" "$r" "SIP/2.0 400 Bad Request: malformed Contact"
	r=$(t_reg dave@localhost bad 5 'Contact: <sip:dave@127.0.0.1:5020>;q=2')
	expect_status "Contact q=2" "$r" "SIP/2.0 400 Bad Request: malformed Contact"
	r=$(t_reg dave@localhost bad 6 'Contact: <sip:dave@127.0.0.1:5020>' 'Expires: 0.5')
	expect_status "Expires: 0.5" "$r" "SIP/2.0 400 Bad Request: malformed Expires"
	r=$(t_reg dave@localhost bad-q 1)
	tz_expect "no binding for dave" "$(t_contacts "$r")" ""
}
tz_try "malformed Expires and Contact: 400 with the defect" t_malformed

t_too_many_one() {
	local r
	r=$(t_reg erin@localhost many 1 'Contact: <sip:erin@127.0.0.1:5031>, <sip:erin@127.0.0.1:5032>, <sip:erin@127.0.0.1:5033>')
	expect_status "three contacts in one request" "$r" "SIP/2.0 403 Forbidden: more than 2 contacts"
	r=$(t_reg erin@localhost many-q 1)
	tz_expect "no binding for erin" "$(t_contacts "$r")" ""
}
tz_try "more than max-contacts (2) in one request: 403 Forbidden: more than 2 contacts" t_too_many_one

t_too_many() {
	local r
	r=$(t_reg erin@localhost many 2 'Contact: <sip:erin@127.0.0.1:5031>, <sip:erin@127.0.0.1:5032>')
	expect_status "two contacts" "$r" "SIP/2.0 200 OK"
	r=$(t_reg erin@localhost many 3 'Contact: <sip:erin@127.0.0.1:5033>')
	expect_status "a third binding" "$r" "SIP/2.0 403 Forbidden: more than 2 contacts"
	# a third in place of one removed in the same request is fine
	r=$(t_reg erin@localhost many 4 'Contact: <sip:erin@127.0.0.1:5033>, <sip:erin@127.0.0.1:5031>;expires=0')
	expect_status "a third in place of one removed" "$r" "SIP/2.0 200 OK"
	tz_expect "two bindings: 5032 and 5033" "$(t_contacts "$r" 3600)" \
		"<sip:erin@127.0.0.1:5032>;expires=3600
<sip:erin@127.0.0.1:5033>;expires=3600"
	r=$(t_reg erin@localhost many 5 'Contact: *' 'Expires: 0')
	expect_status "erin's all removed" "$r" "SIP/2.0 200 OK"
}
tz_try "more than max-contacts (2) in total: 403; one in place of one removed: 200" t_too_many

t_cseq_order() {
	local r
	r=$(t_reg frank@localhost order 5 'Contact: <sip:frank@127.0.0.1:5040>')
	expect_status "CSeq 5" "$r" "SIP/2.0 200 OK"
	r=$(t_reg frank@localhost order 5 'Contact: <sip:frank@127.0.0.1:5040>' 'Expires: 0')
	expect_status "same Call-ID, CSeq 5 again" "$r" "SIP/2.0 400 Invalid CSeq number"
	r=$(t_reg frank@localhost order 4 'Contact: <sip:frank@127.0.0.1:5040>' 'Expires: 0')
	expect_status "same Call-ID, CSeq 4" "$r" "SIP/2.0 400 Invalid CSeq number"
	r=$(t_reg frank@localhost order 3 'Contact: *' 'Expires: 0')
	expect_status "same Call-ID, CSeq 3, Contact: *" "$r" "SIP/2.0 400 Invalid CSeq number"
	tz_expect "the 400 lists no binding" "$(t_contacts "$r")" ""
	r=$(t_reg frank@localhost order-query 1)
	tz_expect_match "the binding is still there" "$(t_contacts "$r")" \
		'^<sip:frank@127\.0\.0\.1:5040>;expires=(3600|3599|3598)$'
	# another Call-ID is another client: any CSeq
	r=$(t_reg frank@localhost other 1 'Contact: <sip:frank@127.0.0.1:5040>' 'Expires: 300')
	expect_status "another Call-ID, CSeq 1" "$r" "SIP/2.0 200 OK"
	r=$(t_reg frank@localhost other 2 'Contact: <sip:frank@127.0.0.1:5040>' 'Expires: 0')
	expect_status "CSeq 2 on that Call-ID" "$r" "SIP/2.0 200 OK"
	tz_expect "frank unregistered" "$(t_contacts "$r")" ""
}
tz_try "CSeq not above the stored one for the same Call-ID: 400 Invalid CSeq number" t_cseq_order

t_not_served() {
	local r
	r=$(t_reg alice@example.org dom 1 'Contact: <sip:alice@127.0.0.1:5050>')
	expect_status "To in example.org" "$r" "SIP/2.0 404 Not Found: domain not served here"
}
tz_try "To domain not served: 404" t_not_served

t_path() {
	local r
	r=$(t_reg gina@localhost path 1 'Contact: <sip:gina@127.0.0.1:5060>' \
		'Path: <sip:edge1.example.org;lr>' 'Path: <sip:edge2.example.org;lr>' 'Supported: path')
	expect_status "with Path and Supported: path" "$r" "SIP/2.0 200 OK"
	tz_expect "Path echoed" "$(printf '%s' "$r" | tz_hdr_all Path)" \
		"<sip:edge1.example.org;lr>
<sip:edge2.example.org;lr>"
	tz_expect "Supported in the 200" "$(printf '%s' "$r" | tz_hdr Supported)" "path"
	if command -v sqlite3 >/dev/null 2>&1; then
		tz_expect "Path stored with the binding" \
			"$(sqlite3 -readonly "$TZ_DIR/test.db" "SELECT path FROM bindings WHERE aor = 'gina@localhost'" 2>&1)" \
			"<sip:edge1.example.org;lr>,<sip:edge2.example.org;lr>"
	fi
	r=$(t_reg gina@localhost path 2 'Contact: <sip:gina@127.0.0.1:5060>' \
		'Path: <sip:edge1.example.org;lr>')
	expect_status "with Path, no Supported: path" "$r" "SIP/2.0 200 OK"
	tz_expect "no Path echoed without Supported: path" "$(printf '%s' "$r" | tz_hdr_all Path)" ""
	r=$(t_reg gina@localhost path 3 'Contact: *' 'Expires: 0')
	expect_status "gina removed" "$r" "SIP/2.0 200 OK"
}
tz_try "Path stored and echoed with Supported: path" t_path

# durability: the binding is committed before the 200; a crash keeps it
t_restart() {
	local r before
	r=$(t_reg hank@localhost dur 1 'Contact: <sip:hank@127.0.0.1:5070>' 'Expires: 600')
	expect_status "hank with expires 600" "$r" "SIP/2.0 200 OK"
	before=$(tz_status_field bindings)
	sleep 1.2
	tz_kill9
	tz_restart
	tz_expect "bindings restored after kill -9" "$(tz_status_field bindings)" "$before"
	r=$(t_reg hank@localhost dur-q 1)
	expect_status "query after restart" "$r" "SIP/2.0 200 OK"
	tz_expect_match "hank's binding after restart, fewer seconds left" \
		"$(t_contacts "$r")" '^<sip:hank@127\.0\.0\.1:5070>;expires=(59[0-9]|58[0-9])$'
}
# not in tz_try: it changes the server
t_restart

t_expiry() {
	local r b0 e0 i
	b0=$(tz_status_field bindings)
	e0=$(tz_status_field registrar.expired)
	r=$(t_reg ivan@localhost exp 1 'Contact: <sip:ivan@127.0.0.1:5080>;expires=2')
	expect_status "ivan with expires=2" "$r" "SIP/2.0 200 OK"
	tz_expect_match "ivan's binding" "$(t_contacts "$r")" \
		'^<sip:ivan@127\.0\.0\.1:5080>;expires=[12]$'
	tz_expect "bindings after ivan" "$(tz_status_field bindings)" $((b0 + 1))
	tz_wait_field bindings "$b0" 6
	tz_expect "registrar.expired" "$(tz_status_field registrar.expired)" $((e0 + 1))
	r=$(t_reg ivan@localhost exp-q 1)
	tz_expect "ivan's query after expiry: nothing" "$(t_contacts "$r")" ""
}
tz_try "a binding with expires=2 is removed by its timer" t_expiry

# write-behind (off by default): the 200 leaves before the commit, which
# follows within write-behind (the storage thread's timer), and SIGTERM
# commits what was answered (write-behind 10s: no timer before the stop)
t_write_behind() {
	local r before
	tz_stop
	tz_restart --write-behind 300ms
	r=$(t_reg kim@localhost wb 1 'Contact: <sip:kim@127.0.0.1:5090>' 'Expires: 600')
	expect_status "kim with write-behind 300ms" "$r" "SIP/2.0 200 OK"
	before=$(tz_status_field bindings)
	sleep 1
	tz_kill9
	tz_restart --write-behind 10s
	tz_expect "kim's binding, committed by the timer, after kill -9" \
		"$(tz_status_field bindings)" "$before"
	r=$(t_reg lea@localhost wb 1 'Contact: <sip:lea@127.0.0.1:5091>' 'Expires: 600')
	expect_status "lea with write-behind 10s" "$r" "SIP/2.0 200 OK"
	tz_expect "lea's binding in memory" "$(tz_status_field bindings)" $((before + 1))
	tz_stop
	tz_restart
	tz_expect "lea's binding, committed by SIGTERM" \
		"$(tz_status_field bindings)" $((before + 1))
}
# not in tz_try: it changes the server
t_write_behind

tz_stop
tz_done

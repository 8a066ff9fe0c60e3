#!/bin/bash
# test_basic.sh  tzphone through the server, CALLFLOWS.md "Basic call
# handling" (flows 1-4): phones A and B are tzphone instances registered
# with digest authentication (PH_AUTH, default on: REGISTER gets 401 and
# INVITE/BYE 407 first), A calls sip:bN@localhost through the server's UDP
# port. Each flow checks the exact event sequence of every phone (which
# call, codes, who ended it), the peer each call names, that every phone
# quits with exit 0 after unregistering, and that the server is left with
# no binding, dialog, proxy context or transaction (in flow 2, that P held
# the call's dialog: the BYE went through P).
. "$(dirname "$0")/lib.sh"

ph_server

# flow 1: REGISTER -> 401 -> REGISTER with credentials -> 200; then
# unregister (Expires 0) and register again; quit unregisters. The first
# flow: the server has no binding yet.
flow_1() {
	local c0
	ph_flow
	ph_user a1
	c0=$(tz_status_field responses.4xx)
	ph_reg A a1
	tz_wait_field bindings 1
	[ "${PH_AUTH:-on}" = off ] ||
		tz_expect_ge "401 challenges sent by the server" \
			"$(($(tz_status_field responses.4xx) - c0))" 1
	ph_cmd A unregister
	ph_wait A '.event == "unregistered"'
	tz_wait_field bindings 0
	ph_cmd A register
	ph_wait A '.event == "registered"'
	tz_wait_field bindings 1
	ph_expect A "registered:200 unregistered:200 registered:200"
	ph_quit A
	tz_wait_field bindings 0
}
tz_try "flow 1, register: 401 challenge, registered; unregister, register; quit unregisters" flow_1

# flow 2: A calls B; B rings (A: 180), answers; B hangs up (BYE)
flow_2() {
	ph_flow
	ph_user a2 b2
	ph_reg B b2
	ph_reg A a2
	ph_connect A B b2
	# P record-routes and keeps the dialog; B's BYE through P ends it
	tz_wait_field proxy.dialogs "$((PH_DIALOGS0 + 1))"
	ph_end B A
	ph_expect A "registered:200 progress:180@1 established@1 ended:200:remote@1"
	ph_expect B "registered:200 incoming@1 established@1 ended:200:local@1"
	ph_expect_peer A 1 '^sip:b2@localhost$'
	ph_expect_peer B 1 '^sip:a2@localhost$'
	ph_finish A B
}
tz_try "flow 2, callee terminates: A progress 180, established, ended 200 by remote; B incoming, established, ended 200 local" flow_2

# flow 3 (caller discards): A hangs up while B rings: CANCEL, 487
tz_try "flow 3, caller discards: A CANCELs after 180: A ended 487 local, B ended 487 remote" \
	ph_cancelled 3 0

# flow 4 (callee discards): B rings, then rejects with 603 Decline
flow_4() {
	ph_flow
	ph_user a4 b4
	ph_reg B b4
	ph_reg A a4
	ph_dial A B b4
	ph_end B A "reject 603"
	ph_expect A "registered:200 progress:180@1 ended:603:remote@1"
	ph_expect B "registered:200 incoming@1 ended:603:local@1"
	ph_finish A B
}
tz_try "flow 4, callee discards: B 603 Decline after 180: A ended 603 remote, B ended 603 local" flow_4

# credentials cached (RFC 3261 22.3): after A's first INVITE was
# challenged, a second call, its BYE and a MESSAGE go with the next
# nonce-count and get no 407; A's unregister on quit gets no 401
flow_cache() {
	local p0 r0
	ph_flow
	[ "${PH_AUTH:-on}" = off ] && return 0
	ph_user a5 b5
	ph_reg B b5
	ph_reg A a5
	ph_connect A B b5
	ph_end A B
	p0=$(tz_status_field proxy.challenged)
	ph_connect A B b5
	ph_end A B
	ph_cmd A "message sip:b5@localhost cached"
	ph_wait A '.event == "response"'
	tz_expect "MESSAGE answered" "$(ph_field .code)" 200
	tz_expect "407s after the first call (INVITE, BYE, MESSAGE)" \
		"$(($(tz_status_field proxy.challenged) - p0))" 0
	r0=$(tz_status_field responses.4xx)
	ph_quit A
	tz_expect "4xx for A's unregister" \
		"$(($(tz_status_field responses.4xx) - r0))" 0
	ph_quit B
	ph_idle
}
tz_try "credentials cached: a second call, its BYE and a MESSAGE get no 407, the unregister no 401" flow_cache

# flow 1 with a wrong password (last: the server throttles a source
# after 5 failed attempts, RFC 3261 22 and docs/configuration.md): one
# attempt with the credentials (the challenge's 401, then the rejection's
# 401; RFC 3261 22.2: not again with rejected credentials),
# registration_failed 401, no binding; quitting a phone that never
# registered sends no REGISTER
flow_1w() {
	local c0 c1
	ph_flow
	[ "${PH_AUTH:-on}" = off ] && return 0
	ph_user w1
	c0=$(tz_status_field responses.4xx)
	PH_NOWAIT=1 ph_start W --aor w1@localhost --password wrong
	ph_wait W '.event == "registration_failed"'
	ph_expect W "registration_failed:401"
	tz_status || tz_fail "status: no answer"
	tz_expect "bindings after a wrong password" "$(tz_json_field "$TZ_STATUS" bindings)" 0
	c1=$(tz_json_field "$TZ_STATUS" responses.4xx)
	ph_quit W
	tz_expect "4xx from the server (challenge and rejection; none for quit)" \
		"registration:$((c1 - c0)) quit:$(($(tz_status_field responses.4xx) - c1))" \
		"registration:2 quit:0"
}
tz_try "flow 1, wrong password: challenge, one rejected attempt, registration_failed 401; quit sends no REGISTER" flow_1w

tz_stop
tz_done

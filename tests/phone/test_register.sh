#!/bin/bash
# test_register.sh  tzphone's registration client against the server
# (issue 7: refresh before expiry, retry, unregister on exit), with digest
# authentication (PH_AUTH):
#   1. the server grants 4 s (max-expires): the phone refreshes, its
#      binding never expires in 9 s and a call still reaches it;
#   2. the server wants at least 700 s (min-expires): 423 Interval Too
#      Brief, the phone registers again asking Min-Expires (RFC 3261
#      10.2.8) and is registered;
#   3. EOF on stdin in a call: the phone hangs up (the peer's call ends 200
#      by remote), unregisters (no binding left) and exits 0;
#   4. nobody at the proxy's address: registration_failed 408 (--t1 20,
#      so Timer F is 1.28 s), quit still exits 0.
. "$(dirname "$0")/lib.sh"

# 1. refresh
TZ_CONF_EXTRA='min-expires = 1s
default-expires = 4s
max-expires = 4s'
ph_server
t_refresh() {
	ph_flow
	ph_user a1 b1
	ph_reg A a1
	ph_reg B b1
	tz_wait_field bindings 2
	sleep 9
	tz_expect "bindings expired by the server in 9 s (4 s granted)" \
		"$(tz_status_field registrar.expired)" 0
	tz_expect "bindings after 9 s" "$(tz_json_field "$TZ_STATUS" bindings)" 2
	ph_dial B A a1
	ph_end B A
	ph_none A '.event == "registration_failed" or .event == "unregistered"' 0
	ph_finish A B
}
tz_try "1. 4 s granted: refreshed before expiry, no binding expires in 9 s, a call still reaches the phone" t_refresh
tz_stop

# 2. 423
TZ_CONF_EXTRA='min-expires = 700s'
ph_server
t_423() {
	local c0
	ph_flow
	ph_user a2
	c0=$(tz_status_field responses.4xx)
	ph_reg A a2
	tz_wait_field bindings 1
	tz_expect_ge "4xx sent by the server (401 and 423 at least)" \
		"$(($(tz_status_field responses.4xx) - c0))" "$([ "${PH_AUTH:-on}" = off ] && echo 1 || echo 2)"
	ph_expect A "registered:200"
	ph_finish A
}
tz_try "2. min-expires 700 s: 423 Interval Too Brief, registered again with Min-Expires" t_423
tz_stop

# 3. EOF = quit
TZ_CONF_EXTRA=''
ph_server
t_eof() {
	ph_flow
	ph_user a3 b3
	ph_reg B b3
	ph_reg A a3
	ph_connect A B b3
	ph_eof A
	ph_wait B '.event == "ended"'
	ph_expect B "registered:200 incoming@1 established@1 ended:200:remote@1"
	tz_wait_field bindings 1
	ph_finish B
}
tz_try "3. EOF on stdin in a call: BYE (B ended 200 remote), unregistered, exit 0" t_eof
tz_stop
# 4. nobody at the registrar's address (--t1 20: Timer F 1.28 s):
# registration_failed 408, and the phone lives and quits
t_noserver() {
	local p
	ph_flow
	p=$(tz__free_port) || tz_fail "no free port"
	PH_NOWAIT=1 ph_start A --aor a4@localhost --password a4pw --t1 20 \
		--proxy "udp:127.0.0.1:$p"
	ph_wait A '.event == "registration_failed"' 10
	ph_expect A "registration_failed:408"
	ph_quit A
}
tz_try "4. no registrar at the proxy address: registration_failed 408, quit exits 0" t_noserver

tz_done

#!/bin/bash
# test_failed.sh  tzphone through the server, CALLFLOWS.md "Failed call
# situations" (flows 25-29): not found (no such user; a user with no
# binding), busy here (--auto-reject 486; a phone already in a call),
# no answer (the caller gives up after 1.5 s of ringing), anonymous call
# barring at the callee (--reject-anonymous 488, "call URI anonymous"),
# request timeout (the callee's process stopped: the server retransmits,
# then 408). Each flow checks the exact event sequence of every phone,
# exit 0 on quit, and the server left idle.
. "$(dirname "$0")/lib.sh"

ph_server

# flow 25: 404 from the server, for a user the domain does not have and
# for one that has no binding (B registered, then unregistered)
flow_25() {
	ph_flow
	ph_user a25 b25
	ph_reg B b25
	ph_reg A a25
	ph_cmd A "call sip:nobody25@localhost"
	ph_wait A '.event == "ended"'
	ph_cmd B unregister
	ph_wait B '.event == "unregistered"'
	ph_cmd A "call sip:b25@localhost"
	ph_wait A '.event == "ended"'
	ph_expect A "registered:200 ended:404:remote@1 ended:404:remote@2"
	ph_expect_peer A 1 '^sip:nobody25@localhost$'
	ph_expect_peer A 2 '^sip:b25@localhost$'
	ph_expect B "registered:200 unregistered:200"
	ph_finish A B
}
tz_try "flow 25, not found: A ended 404 remote for nobody25 and for b25 unregistered; B sees nothing" flow_25

# flow 26: B answers 486 at once (--auto-reject 486); then B busy in a
# call with C refuses A's call with 486 itself, and its call goes on
flow_26() {
	ph_flow
	ph_user a26 b26 c26
	ph_reg B b26 --auto-reject 486
	ph_reg A a26
	ph_cmd A "call sip:b26@localhost"
	ph_wait A '.event == "ended"'
	ph_wait B '.event == "ended"'
	ph_expect A "registered:200 ended:486:remote@1"
	ph_expect B "registered:200 incoming@1 ended:486:local@1"
	ph_quit B
	ph_reg B2 b26
	ph_reg C c26
	ph_connect C B2 b26
	ph_cmd A "call sip:b26@localhost"
	ph_wait A '.event == "ended"'
	ph_wait B2 '.event == "ended"'
	ph_end C B2
	ph_expect A "registered:200 ended:486:remote@1 ended:486:remote@2"
	ph_expect B2 "registered:200 incoming@1 established@1 incoming@2 ended:486:local@2 ended:200:remote@1"
	ph_expect C "registered:200 progress:180@1 established@1 ended:200:local@1"
	ph_finish A B2 C
}
tz_try "flow 26, busy here: --auto-reject 486 and a phone in a call: A ended 486 remote, B incoming, ended 486 local" flow_26

# flow 27: B rings for 1.5 s, A gives up: CANCEL, 487
tz_try "flow 27, no answer: 1.5 s of ringing, A hangs up: A ended 487 local, B ended 487 remote" \
	ph_cancelled 27 1.5

# flow 28: B refuses anonymous calls with 488 (--reject-anonymous 488);
# A's anonymous call ends 488, A's ordinary call rings
flow_28() {
	ph_flow
	ph_user a28 b28
	ph_reg B b28 --reject-anonymous 488
	ph_reg A a28
	ph_cmd A "call sip:b28@localhost anonymous"
	ph_wait A '.event == "ended"'
	ph_wait B '.event == "ended"'
	ph_find B '.event == "incoming"'
	tz_expect "B: anonymous in the incoming event" "$(ph_field .anonymous)" true
	ph_expect_peer B 1 '^sip:anonymous@anonymous\.invalid$'
	ph_dial A B b28
	ph_end A B
	ph_expect A "registered:200 ended:488:remote@1 progress:180@2 ended:487:local@2"
	ph_expect B "registered:200 incoming@1 ended:488:local@1 incoming@2 ended:487:remote@2"
	ph_expect_peer B 2 '^sip:a28@localhost$'
	ph_finish A B
}
tz_try "flow 28, anonymous call barring: A's anonymous call ended 488 by B, A's own call rings" flow_28

# flow 29: B registered but stopped (SIGSTOP): the server retransmits the
# INVITE and answers 408 after Timer B (64*T1 = 1.28 s); B's binding stays
flow_29() {
	ph_flow
	ph_user a29 b29
	ph_reg B b29
	ph_reg A a29
	ph_stop B STOP
	ph_cmd A "call sip:b29@localhost"
	ph_wait A '.event == "ended"' 10
	ph_expect A "registered:200 ended:408:remote@1"
	ph_expect_peer A 1 '^sip:b29@localhost$'
	ph_stop B KILL
	ph_quit A
	ph_idle 1
}
tz_try "flow 29, request timeout: B stopped, A ended 408 remote (from the server's Timer B)" flow_29

tz_stop
tz_done

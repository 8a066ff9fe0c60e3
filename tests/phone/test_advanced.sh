#!/bin/bash
# test_advanced.sh  tzphone through the server, CALLFLOWS.md "Advanced
# call handling" (flows 5-12): hold and resume, consultation hold, call
# swap, blind and attended transfer (REFER, NOTIFY progress, Replaces),
# parallel forking to two phones of one user, forwarding on no answer, on
# busy, and on busy with call waiting (182), configured with "trapezoid
# forward set". Phones A, B, C (and D in flow 12) are tzphone instances
# registered with the server. Each flow checks the exact event sequence
# of every phone (per call where two calls' events may interleave), exit
# 0 on quit, and the server left idle.
. "$(dirname "$0")/lib.sh"

ph_server

# ph3 N: users aN bN cN; phones B, C, then A registered
ph3() {
	ph_user "a$1" "b$1" "c$1"
	ph_reg B "b$1"
	ph_reg C "c$1"
	ph_reg A "a$1"
}

# flow 5: A calls B; B holds A (re-INVITE a=sendonly), resumes, hangs up
flow_5() {
	ph_flow
	ph_user a5 b5
	ph_reg B b5
	ph_reg A a5
	ph_connect A B b5
	ph_hold_resume B A
	ph_end B A
	ph_expect A "registered:200 progress:180@1 established@1 held:remote@1 resumed:remote@1 ended:200:remote@1"
	ph_expect B "registered:200 incoming@1 established@1 held:local@1 resumed:local@1 ended:200:local@1"
	ph_finish A B
}
tz_try "flow 5, call hold: B holds and resumes A (held/resumed local at B, remote at A), B hangs up" flow_5

# flow 6: A calls B, holds B, calls C (two calls at A); C hangs up, then B
flow_6() {
	local cb
	ph_flow
	ph3 6
	ph_connect A B b6
	cb=$(ph_field .call)
	ph_cmd A "hold $cb"
	ph_wait A '.event == "held"'
	ph_wait B '.event == "held"'
	ph_connect A C c6
	ph_end C A
	ph_end B A
	ph_expect A "registered:200 progress:180@1 established@1 held:local@1 progress:180@2 established@2 ended:200:remote@2 ended:200:remote@1"
	ph_expect B "registered:200 incoming@1 established@1 held:remote@1 ended:200:local@1"
	ph_expect C "registered:200 incoming@1 established@1 ended:200:local@1"
	ph_expect_peer A 2 '^sip:c6@localhost$'
	ph_finish A B C
}
tz_try "flow 6, consultation hold: A holds B, calls C; C hangs up, B hangs up; A's two calls apart" flow_6

# flow 7: A calls B, holds B, calls C; swap: A holds C, resumes B; C
# hangs up, then B
flow_7() {
	local cb
	ph_flow
	ph3 7
	ph_connect A B b7
	cb=$(ph_field .call)
	ph_cmd A "hold $cb"
	ph_wait A '.event == "held"'
	ph_wait B '.event == "held"'
	ph_connect A C c7
	ph_cmd A swap
	ph_wait A '.event == "resumed"'
	ph_wait C '.event == "held"'
	ph_wait B '.event == "resumed"'
	ph_end C A
	ph_end B A
	ph_expect A "registered:200 progress:180@1 established@1 held:local@1 progress:180@2 established@2 held:local@2 resumed:local@1 ended:200:remote@2 ended:200:remote@1"
	ph_expect B "registered:200 incoming@1 established@1 held:remote@1 resumed:remote@1 ended:200:local@1"
	ph_expect C "registered:200 incoming@1 established@1 held:remote@1 ended:200:local@1"
	ph_finish A B C
}
tz_try "flow 7, call swap: A holds B, calls C, swap holds C and resumes B; C and B hang up" flow_7

# flow 8: A calls B; A transfers B to C (REFER); B accepts, calls C; A
# sees the NOTIFY progress (100, then 200) and its call with B ends; C
# answers B; C hangs up
flow_8() {
	ph_flow
	ph3 8
	ph_connect A B b8
	ph_cmd A "transfer sip:c8@localhost"
	ph_wait C '.event == "incoming"'
	ph_cmd C answer
	ph_wait C '.event == "established"'
	ph_wait B '.event == "established"'
	ph_wait A '.event == "transferred"'
	ph_wait A '.event == "ended"'
	ph_end C B
	ph_expect A "registered:200 progress:180@1 established@1 transfer_progress:100@1 transfer_progress:200@1 transferred@1 ended:200:local@1"
	ph_expect_call B 1 "incoming established ended:200:remote"
	ph_expect_call B 2 "progress:180 established ended:200:remote"
	ph_expect C "registered:200 incoming@1 established@1 ended:200:local@1"
	ph_expect_peer B 2 '^sip:c8@localhost$'
	ph_finish A B C
}
tz_try "flow 8, blind transfer: A REFERs B to C: A transfer_progress 100, 200, transferred, ended; B calls C" flow_8

# flow 9: A calls B; B holds A, calls C, C answers; B transfers A to C
# with Replaces of the B-C call; A calls C, C takes A's call in place of
# B's (C ends its call with B), B's call with A ends; C hangs up on A
flow_9() {
	local ca cc
	ph_flow
	ph3 9
	ph_connect A B b9
	ca=$(ph_field .call)
	ph_cmd B "hold $ca"
	ph_wait B '.event == "held"'
	ph_wait A '.event == "held"'
	ph_connect B C c9
	cc=$(ph_field .call)
	ph_cmd B "transfer-attended $ca $cc"
	ph_wait B '.event == "transferred"'
	ph_wait A '.event == "established"'
	ph_wait C '.event == "established"'
	ph_wait A '.event == "ended"'
	ph_wait B '.event == "ended" and .call == "'"$ca"'"'
	ph_end C A
	ph_expect A "registered:200 progress:180@1 established@1 held:remote@1 established@2 ended:200:remote@1 ended:200:remote@2"
	ph_expect_call B 1 "incoming established held:local transfer_progress:100 transfer_progress:200 transferred ended:200:local"
	ph_expect_call B 2 "progress:180 established ended:200:remote"
	ph_expect_call C 1 "incoming established ended:200:local"
	ph_expect_call C 2 "incoming established ended:200:local"
	ph_expect_peer A 2 '^sip:c9@localhost$'
	ph_finish A B C
}
tz_try "flow 9, attended transfer: B REFERs A to C with Replaces: A calls C, C drops B, B's call with A ends" flow_9

# forking: b has two phones (B1, B2); both ring, B2 answers, the server
# CANCELs B1 (Call completed elsewhere); A's call (a 180 from each early
# dialog: one progress event, see lib.sh) is established with B2
flow_fork() {
	ph_flow
	ph_user af bf
	ph_reg B1 bf
	ph_reg B2 bf
	ph_reg A af
	ph_cmd A "call sip:bf@localhost"
	ph_wait B1 '.event == "incoming"'
	ph_wait B2 '.event == "incoming"'
	ph_wait A '.event == "progress"'
	ph_cmd B2 answer
	ph_wait B2 '.event == "established"'
	ph_wait A '.event == "established"'
	ph_wait B1 '.event == "ended"'
	ph_end B2 A
	ph_expect A "registered:200 progress:180@1 established@1 ended:200:remote@1"
	ph_expect B1 "registered:200 incoming@1 ended:487:remote@1"
	ph_expect B2 "registered:200 incoming@1 established@1 ended:200:local@1"
	ph_finish A B1 B2
}
tz_try "forking: two phones of b ring, B2 answers, B1 ended 487 remote (CANCEL), A established with B2" flow_fork

# flow 10: B rings 1 s without an answer: the server CANCELs B and
# forwards to C (181 to A); C rings and answers; C hangs up
flow_10() {
	ph_flow
	ph3 10
	ph_cli forward set b10@localhost --no-answer sip:c10@localhost --after 1
	ph_dial A B b10
	ph_wait B '.event == "ended"' 5
	ph_wait C '.event == "incoming"'
	ph_wait A '.event == "progress" and .code == 181'
	ph_cmd C answer
	ph_wait C '.event == "established"'
	ph_wait A '.event == "established"'
	ph_end C A
	ph_expect A "registered:200 progress:180@1 progress:181@1 progress:180@1 established@1 ended:200:remote@1"
	ph_expect B "registered:200 incoming@1 ended:487:remote@1"
	ph_expect C "registered:200 incoming@1 established@1 ended:200:local@1"
	ph_expect_peer C 1 '^sip:a10@localhost$'
	ph_finish A B C
}
tz_try "flow 10, forwarding on no answer: B ended 487 remote after 1 s, A progress 180 181 180, C answers" flow_10

# flow 11: B busy (--auto-reject 486): the server forwards to C, A never
# sees the 486
flow_11() {
	ph_flow
	ph_user a11 b11 c11
	ph_reg B b11 --auto-reject 486
	ph_reg C c11
	ph_reg A a11
	ph_cli forward set b11@localhost --busy sip:c11@localhost
	ph_dial A C b11
	ph_cmd C answer
	ph_wait C '.event == "established"'
	ph_wait A '.event == "established"'
	ph_end C A
	ph_expect A "registered:200 progress:180@1 established@1 ended:200:remote@1"
	ph_expect B "registered:200 incoming@1 ended:486:local@1"
	ph_expect C "registered:200 incoming@1 established@1 ended:200:local@1"
	ph_finish A B C
}
tz_try "flow 11, forwarding on busy: B ended 486 local, A never sees it, C answers A" flow_11

# flow 12: B (--call-waiting) is in a call with D; A's call to B is
# queued (180, 182) until the no-answer time (1 s): the server CANCELs B
# and forwards to C; B's call with D goes on
flow_12() {
	ph_flow
	ph_user a12 b12 c12 d12
	ph_reg B b12 --call-waiting
	ph_reg C c12
	ph_reg D d12
	ph_reg A a12
	ph_cli forward set b12@localhost --no-answer sip:c12@localhost --after 1
	ph_connect D B b12
	ph_cmd A "call sip:b12@localhost"
	ph_wait B '.event == "incoming"'
	ph_wait A '.event == "progress" and .code == 182'
	ph_wait B '.event == "ended"' 5
	ph_wait C '.event == "incoming"'
	ph_cmd C answer
	ph_wait C '.event == "established"'
	ph_wait A '.event == "established"'
	ph_end C A
	ph_end D B
	ph_expect A "registered:200 progress:180@1 progress:182@1 progress:181@1 progress:180@1 established@1 ended:200:remote@1"
	ph_expect B "registered:200 incoming@1 established@1 incoming@2 ended:487:remote@2 ended:200:remote@1"
	ph_expect C "registered:200 incoming@1 established@1 ended:200:local@1"
	ph_expect D "registered:200 progress:180@1 established@1 ended:200:local@1"
	ph_finish A B C D
}
tz_try "flow 12, busy with call waiting: B in a call queues A (180, 182), CANCEL after 1 s, C answers" flow_12

tz_stop
tz_done

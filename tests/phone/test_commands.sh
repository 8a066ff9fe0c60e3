#!/bin/bash
# test_commands.sh  tzphone's requests outside the call flows, through the
# server: OPTIONS and MESSAGE (RFC 3428: the text is the rest of the line,
# verbatim, quotes, backslashes and UTF-8 included; over 1300 bytes it is
# refused with an "error" and nothing is sent), to a user and to nobody
# (404); in a call, DTMF as INFO (one "dtmf" event per digit at the peer,
# in order) both ways and UPDATE (RFC 3311), also in the early dialog
# while the callee rings, from either side; a command without CALL acts
# on the most recent active call; --help and a bad command line. Each
# check asserts the exact event sequence of every phone and the fields of
# the events.
. "$(dirname "$0")/lib.sh"

ph_server

# ph_digits NAME: the digits of the phone's dtmf events, joined
ph_digits() {
	ph__lines "$1" | jq -rj 'select(.event == "dtmf") | (.digit // .digits // .text)'
}

# 1. outside a call: OPTIONS and MESSAGE to B and to nobody; a MESSAGE over
# 1300 bytes is refused
t_outside() {
	local text='Hello, "world" \ é  and	a tab  '
	ph_flow
	ph_user a1 b1
	ph_reg B b1
	ph_reg A a1
	ph_cmd A "options sip:b1@localhost"
	ph_wait A '.event == "response"'
	ph_cmd A "message sip:b1@localhost $text"
	ph_wait B '.event == "message"'
	tz_expect "text of B's message (verbatim)" "$(ph_field .text)" "$text"
	tz_expect "from of B's message" "$(ph_field .from)" "sip:a1@localhost"
	ph_wait A '.event == "response"'
	ph_cmd A "message sip:b1@localhost $(head -c 1400 /dev/zero | tr '\0' m)"
	ph_wait A '.event == "error"'
	ph_cmd A "options sip:nobody1@localhost"
	ph_wait A '.event == "response"'
	ph_cmd A "message sip:nobody1@localhost hello"
	ph_wait A '.event == "response"'
	ph_expect A "registered:200 response:OPTIONS:200 response:MESSAGE:200 error response:OPTIONS:404 response:MESSAGE:404"
	ph_expect B "registered:200 message"
	ph_finish A B
}
tz_try "1. OPTIONS 200, MESSAGE 200 with the text verbatim at B, 1400 bytes refused (error), both 404 to nobody" t_outside

# 2. in a call: DTMF both ways, UPDATE
t_incall() {
	ph_flow
	ph_user a2 b2
	ph_reg B b2
	ph_reg A a2
	ph_connect A B b2
	ph_cmd A "dtmf 1#5*"
	ph_cmd A update
	ph_wait A '.event == "response"'
	ph_cmd B "dtmf 9"
	ph_wait A '.event == "dtmf"'
	ph_end B A
	ph_expect A "registered:200 progress:180@1 established@1 response:UPDATE:200@1 dtmf@1 ended:200:remote@1"
	ph_expect B "registered:200 incoming@1 established@1 dtmf@1 dtmf@1 dtmf@1 dtmf@1 ended:200:local@1"
	tz_expect "digits B received" "$(ph_digits B)" "1#5*"
	tz_expect "digits A received" "$(ph_digits A)" "9"
	ph_finish A B
}
tz_try "2. in a call: DTMF 1#5* (four dtmf events at B, in order) and 9 back, UPDATE 200" t_incall

# 3. UPDATE in the early dialog (RFC 3311 5.1), both ways: while B rings,
# A sends UPDATE (200 from B), B sends UPDATE (200 from A); then A gives
# up (CANCEL, 487)
t_early_update() {
	ph_flow
	ph_user a3 b3
	ph_reg B b3
	ph_reg A a3
	ph_dial A B b3
	ph_cmd A update
	ph_wait A '.event == "response"'
	ph_cmd B update
	ph_wait B '.event == "response"'
	ph_end A B
	ph_expect A "registered:200 progress:180@1 response:UPDATE:200@1 ended:487:local@1"
	ph_expect B "registered:200 incoming@1 response:UPDATE:200@1 ended:487:remote@1"
	ph_finish A B
}
tz_try "3. UPDATE while B rings (early dialog), from A and from B: 200 each; then CANCEL: 487" t_early_update

# 4. a command without CALL acts on the most recent active call: A calls
# B, holds (B), calls C; dtmf and hangup go to C; the next hangup to B
t_default_call() {
	ph_flow
	ph_user a4 b4 c4
	ph_reg B b4
	ph_reg C c4
	ph_reg A a4
	ph_connect A B b4
	ph_cmd A hold
	ph_wait B '.event == "held"'
	ph_connect A C c4
	ph_cmd A "dtmf 7"
	ph_wait C '.event == "dtmf"'
	ph_end A C
	ph_end A B
	ph_expect A "registered:200 progress:180@1 established@1 held:local@1 progress:180@2 established@2 ended:200:local@2 ended:200:local@1"
	ph_expect B "registered:200 incoming@1 established@1 held:remote@1 ended:200:remote@1"
	ph_expect C "registered:200 incoming@1 established@1 dtmf@1 ended:200:remote@1"
	ph_finish A B C
}
tz_try "4. no CALL: the most recent active call (hold B; dtmf, hangup to C; hangup again to B)" t_default_call

# 5. --help (exit 0) names every flag, command and event of the contract;
# a bad command line exits 2 (usage) with a message, without a crash
t_help() {
	local h w rc
	h=$(timeout 5 "$TZ_PHONE" --help 2>&1) || tz_fail "tzphone --help: exit $?"
	for w in --aor --password --proxy --listen --no-register --auto-answer \
		--auto-reject --reject-anonymous --call-waiting --100rel \
		--session-timer call answer reject hangup hold resume transfer \
		transfer-attended swap dtmf message options update register \
		unregister quit registered registration_failed unregistered \
		incoming progress established held resumed transfer_progress \
		transferred ended dtmf response error; do
		printf '%s\n' "$h" | grep -qw -- "$w" || tz_fail "tzphone --help does not name '$w'"
	done
	for w in "--bogus" "" "--aor"; do
		# shellcheck disable=SC2086 # "" is no argument at all
		timeout 5 "$TZ_PHONE" $w </dev/null >"$TZ_DIR/usage.out" 2>&1
		rc=$?
		tz_expect "exit status of 'tzphone $w'" "$rc" 2
		tz_expect_match "message of 'tzphone $w'" "$(cat "$TZ_DIR/usage.out")" 'usage|tzphone'
	done
}
tz_try "5. --help names every flag, command and event; a bad command line exits 2 with a message" t_help

tz_stop
tz_done

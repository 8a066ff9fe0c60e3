#!/bin/bash
# test_kamailio.sh  tzphone against an independently written proxy (issue
# 7 interop): Kamailio 5.6 (Debian package kamailio) as registrar and
# record-routing proxy for "localhost" (tests/interop/kamailio.cfg, no
# authentication), started here on a free loopback port under its own
# PID. Two tzphones register with it and run CALLFLOWS flows 2 (callee
# hangs up), 3 (caller cancels), 4 (callee declines with 603) and 5 (hold
# and resume by re-INVITE), each checking every phone's exact event
# sequence; in-dialog requests go through Kamailio's Record-Route.
. "$(dirname "$0")/../phone/lib.sh"

KAM=${TZ_KAMAILIO:-kamailio}
command -v "$KAM" >/dev/null 2>&1 ||
	tz_fail "kamailio not found (Debian package kamailio; README's test command installs it)"
ph_dir
KPORT=$(tz__free_port) || tz_fail "no free port for kamailio"
mkdir -p "$TZ_DIR/kam"
"$KAM" -f "$(dirname "$0")/kamailio.cfg" -D -E -l "udp:127.0.0.1:$KPORT" \
	-w "$TZ_DIR/kam" -P "$TZ_DIR/kam/kamailio.pid" -Y "$TZ_DIR/kam" \
	>"$TZ_DIR/kamailio.log" 2>&1 &
KPID=$!
TZ_BG_PIDS="$TZ_BG_PIDS $KPID"
end=$(($(tz_now_ms) + 10000))
for ((i = 0; i < 500; i++)); do
	ss -Hlnu "sport = :$KPORT" 2>/dev/null | grep -q . && break
	tz_alive "$KPID" && [ "$(tz_now_ms)" -lt "$end" ] || {
		tail -n 20 "$TZ_DIR/kamailio.log" >&2
		tz_fail "kamailio did not start on udp 127.0.0.1:$KPORT"
	}
	sleep 0.02
done
tz_log "kamailio $KPID on udp 127.0.0.1:$KPORT"
KPROXY="udp:127.0.0.1:$KPORT"

# kam_phones N: A (aN@localhost) and B (bN@localhost) registered with
# Kamailio
kam_phones() {
	ph_start A --aor "a$1@localhost" --proxy "$KPROXY"
	ph_start B --aor "b$1@localhost" --proxy "$KPROXY"
}

# kam_in_dialog N METHODS: the in-dialog requests of flow N's call (From
# or To user aN) that Kamailio loose-routed (kamailio.cfg's xlog), in
# order
kam_in_dialog() {
	local got i
	for ((i = 0; i < 50; i++)); do
		got=$(grep -o "tz-in-dialog [A-Z]* [^ ]* [^ ]*" "$TZ_DIR/kamailio.log" |
			awk -v a="a$1" '$3 == a || $4 == a {print $2}' | tr '\n' ' ' | sed 's/ $//')
		[ "$got" = "$2" ] && return 0
		sleep 0.1
	done
	tz_expect "in-dialog requests through Kamailio (flow $1)" "$got" "$2"
}

flow_2() {
	ph_flow
	kam_phones 2
	ph_connect A B b2
	ph_end B A
	ph_expect A "registered:200 progress:180@1 established@1 ended:200:remote@1"
	ph_expect B "registered:200 incoming@1 established@1 ended:200:local@1"
	ph_expect_peer A 1 '^sip:b2@localhost$'
	ph_expect_peer B 1 '^sip:a2@localhost$'
	kam_in_dialog 2 "ACK BYE"
	ph_quit A
	ph_quit B
}
tz_try "flow 2 through Kamailio: B answers, B hangs up" flow_2

flow_3() {
	ph_flow
	kam_phones 3
	ph_dial A B b3
	ph_end A B
	ph_expect A "registered:200 progress:180@1 ended:487:local@1"
	ph_expect B "registered:200 incoming@1 ended:487:remote@1"
	ph_quit A
	ph_quit B
}
tz_try "flow 3 through Kamailio: A cancels while B rings (487)" flow_3

flow_4() {
	ph_flow
	kam_phones 4
	ph_dial A B b4
	ph_end B A "reject 603"
	ph_expect A "registered:200 progress:180@1 ended:603:remote@1"
	ph_expect B "registered:200 incoming@1 ended:603:local@1"
	ph_quit A
	ph_quit B
}
tz_try "flow 4 through Kamailio: B declines with 603" flow_4

flow_5() {
	ph_flow
	kam_phones 5
	ph_connect A B b5
	ph_hold_resume B A
	ph_end A B
	ph_expect A "registered:200 progress:180@1 established@1 held:remote@1 resumed:remote@1 ended:200:local@1"
	ph_expect B "registered:200 incoming@1 established@1 held:local@1 resumed:local@1 ended:200:remote@1"
	kam_in_dialog 5 "ACK INVITE ACK INVITE ACK BYE"
	ph_quit A
	ph_quit B
}
tz_try "flow 5 through Kamailio: B holds and resumes (re-INVITEs), A hangs up" flow_5

kill -TERM "$KPID" 2>/dev/null
wait "$KPID" 2>/dev/null
tz_done

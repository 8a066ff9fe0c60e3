#!/bin/bash
# test_kamailio.sh  tzphone through an independently written server,
# Kamailio (Debian package kamailio; skipped, exit 77, without it) with
# kamailio.cfg: an in-memory registrar and a record-routing proxy, no
# authentication. Phones A and B register with it (registered 200) and run
# CALLFLOWS flows 2 (callee hangs up), 3 (caller cancels), 4 (603), 5
# (hold and resume) and 25 (404 from Kamailio); each flow checks the exact
# event sequence of both phones and exit 0 on quit.
. "$(dirname "$0")/lib.sh"

KAM=$(command -v kamailio || ls /usr/sbin/kamailio 2>/dev/null) || {
	echo "skip: kamailio is not installed"
	exit 77
}
KAM_MODS=$(dirname "$(ls /usr/lib/*/kamailio/modules/tm.so 2>/dev/null | head -n 1)")
[ -f "$KAM_MODS/tm.so" ] || tz_fail "no Kamailio modules (tm.so) under /usr/lib/*/kamailio/modules"
KAM_PID=""

# kam_start: Kamailio in the foreground (-DD, log to stderr) on a free
# loopback UDP port (KAM_PORT); waits (5 s) until it listens
kam_start() {
	local i
	ph_dir
	KAM_PORT=$(tz__free_port) || tz_fail "no free port for Kamailio"
	sed "s|PORT|$KAM_PORT|; s|MODULES|$KAM_MODS|" "$PH_DIR/kamailio.cfg" >"$TZ_DIR/kamailio.cfg"
	mkdir -p "$TZ_DIR/kam-run"
	"$KAM" -DD -E -f "$TZ_DIR/kamailio.cfg" -Y "$TZ_DIR/kam-run" -w "$TZ_DIR" \
		-m 32 -M 8 </dev/null >"$TZ_DIR/kamailio.log" 2>&1 &
	KAM_PID=$!
	for ((i = 0; i < 100; i++)); do
		ss -Hlnu "sport = :$KAM_PORT" 2>/dev/null | grep -q . && return 0
		tz_alive "$KAM_PID" || break
		sleep 0.05
	done
	tail -n 20 "$TZ_DIR/kamailio.log" >&2
	tz_fail "Kamailio is not listening on udp 127.0.0.1:$KAM_PORT"
}

# kam_stop: SIGTERM to Kamailio's main process (it ends its children);
# bounded wait, then SIGKILL to it and its children
kam_stop() {
	local i kids
	[ -n "$KAM_PID" ] && tz__own "$KAM_PID" || return 0
	kids=$(pgrep -P "$KAM_PID")
	kill -TERM "$KAM_PID" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		tz_alive "$KAM_PID" || break
		sleep 0.05
	done
	if tz_alive "$KAM_PID"; then
		# shellcheck disable=SC2086
		kill -KILL "$KAM_PID" $kids 2>/dev/null
	fi
	wait "$KAM_PID" 2>/dev/null
	KAM_PID=""
}
trap 'kam__rc=$?; kam_stop; (exit "$kam__rc"); tz__cleanup' EXIT

# kreg NAME USER [flags]: USER@localhost registers with Kamailio
kreg() {
	local name=$1 user=$2
	shift 2
	ph_start "$name" --aor "$user@localhost" --proxy "udp:127.0.0.1:$KAM_PORT" "$@"
}

kam_start

# kpair N: phones B (bN) and A (aN) registered
kpair() {
	ph_flow
	kreg B "b$1"
	kreg A "a$1"
}

flow_2() {
	kpair 2
	ph_connect A B b2
	ph_cmd B hangup
	ph_wait B '.event == "ended"'
	ph_wait A '.event == "ended"'
	ph_expect A "registered:200 progress:180@1 established@1 ended:200:remote@1"
	ph_expect B "registered:200 incoming@1 established@1 ended:200:local@1"
	ph_expect_peer B 1 '^sip:a2@localhost$'
	ph_quit A
	ph_quit B
}
tz_try "flow 2 through Kamailio: A progress 180, established, ended 200 remote; B ended 200 local" flow_2

flow_3() {
	kpair 3
	ph_dial A B b3
	ph_cmd A hangup
	ph_wait A '.event == "ended"'
	ph_wait B '.event == "ended"'
	ph_expect A "registered:200 progress:180@1 ended:487:local@1"
	ph_expect B "registered:200 incoming@1 ended:487:remote@1"
	ph_quit A
	ph_quit B
}
tz_try "flow 3 through Kamailio: A CANCELs: ended 487 local at A, 487 remote at B" flow_3

flow_4() {
	kpair 4
	ph_dial A B b4
	ph_cmd B "reject 603"
	ph_wait B '.event == "ended"'
	ph_wait A '.event == "ended"'
	ph_expect A "registered:200 progress:180@1 ended:603:remote@1"
	ph_expect B "registered:200 incoming@1 ended:603:local@1"
	ph_quit A
	ph_quit B
}
tz_try "flow 4 through Kamailio: B 603: ended 603 remote at A, local at B" flow_4

flow_5() {
	kpair 5
	ph_connect A B b5
	ph_cmd B hold
	ph_wait A '.event == "held"'
	ph_cmd B resume
	ph_wait A '.event == "resumed"'
	ph_cmd A hangup
	ph_wait A '.event == "ended"'
	ph_wait B '.event == "ended"'
	ph_expect A "registered:200 progress:180@1 established@1 held:remote@1 resumed:remote@1 ended:200:local@1"
	ph_expect B "registered:200 incoming@1 established@1 held:local@1 resumed:local@1 ended:200:remote@1"
	ph_quit A
	ph_quit B
}
tz_try "flow 5 through Kamailio: B holds and resumes, A hangs up" flow_5

flow_25() {
	kpair 25
	ph_cmd A "call sip:nobody25@localhost"
	ph_wait A '.event == "ended"'
	ph_expect A "registered:200 ended:404:remote@1"
	ph_expect B "registered:200"
	ph_quit A
	ph_quit B
}
tz_try "flow 25 through Kamailio: 404 for nobody: ended 404 remote" flow_25

kam_stop
tz_done

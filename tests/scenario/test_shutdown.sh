#!/bin/bash
# test_shutdown.sh  Graceful stop (SIGTERM, SIGINT): the server exits 0
# within its bound, removes its control socket and logs "stopped". With a
# transaction in progress (an INVITE's 405 awaiting its ACK) it stops
# accepting TCP connections, answers new requests 503 with Retry-After (on
# UDP and on a TCP connection opened before), still absorbs the ACK, and
# exits once its transactions have ended, none dropped. A transaction
# that outlives shutdown-timeout is dropped at the timeout, with a warning.
. "$(dirname "$0")/lib.sh"

# log_ms FIXED-STRING: the time of the first log line with it, in ms
log_ms() {
	local ts
	ts=$(grep -F -- "$1" "$TZ_LOG" | head -n 1 | cut -d' ' -f1)
	[ -n "$ts" ] || tz_fail "no '$1' in the server log"
	date -d "$ts" +%s%3N
}

# after_exit: what every stop leaves behind
after_exit() {
	tz_check_log
	tz_expect "exit status" "$TZ_RC" 0
	[ ! -e "$TZ_CTL" ] || tz_fail "control socket $TZ_CTL left behind"
	grep -q '\[main\] stopped$' "$TZ_LOG" || tz_fail "no 'stopped' in the server log"
	"$TZ_BIN" status --control "$TZ_CTL" >/dev/null 2>&1
	tz_expect "status exit code with no server" "$?" 1
}

opt() { # proto branch
	printf 'OPTIONS sip:localhost SIP/2.0\nVia: SIP/2.0/%s 127.0.0.1:9;branch=z9hG4bK-sd-%s;rport\nMax-Forwards: 70\nFrom: <sip:raw@127.0.0.1>;tag=sd\nTo: <sip:localhost>\nCall-ID: shutdown-%s@tz.test\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n' \
		"$1" "$2" "$2" | tz_crlf
}

# ---- idle: SIGTERM, then SIGINT ----
for sig in TERM INT; do
	tz_start
	kill -"$sig" "$TZ_PID"
	tz_wait_exit 5 || tz_fail "no exit within 5 s of SIG$sig while idle"
	after_exit
	grep -qF "SIG$sig: shutting down" "$TZ_LOG" ||
		tz_fail "no 'SIG$sig: shutting down' in the log"
	dt=$(($(log_ms '[main] stopped') - $(log_ms "SIG$sig: shutting down")))
	tz_log "idle SIG$sig: stopped ${dt} ms after the signal"
	[ "$dt" -lt 1000 ] || tz_fail "idle server took $dt ms to stop on SIG$sig"
done

# ---- a transaction in progress ----
# T1 = 100 ms: the 503 transactions below live 64*T1 = 6.4 s (Timer J),
# within shutdown-timeout, long enough to look at the stopping server
tz_start --t1 100ms --t2 400ms --shutdown-timeout 15s
tz_tcp_open 20 # a connection from before the signal
# INVITE -> 405 (no ACK yet), SIGTERM from SIPp, OPTIONS -> 503, ACK
tz_sipp shutdown.xml udp -key ruri "sip:127.0.0.1:$TZ_UDP_PORT" -key tzpid "$TZ_PID"
tz_alive "$TZ_PID" ||
	tz_fail "the server exited at once; the 503 transaction lives 64*T1 = 6.4 s"
# requests from 6 sources (each socket has its own port, so they spread
# over the workers' SO_REUSEPORT sockets): every one gets 503
udp_503() {
	local i got bad=""
	for i in 1 2 3 4 5 6; do
		opt UDP "udp$i" >"$TZ_DIR/opt-udp$i.sip"
		got=$(tz_send_udp "$TZ_DIR/opt-udp$i.sip" 0.4 | tz_first_line)
		[ "$got" = "SIP/2.0 503 Service Unavailable" ] ||
			bad="$bad source $i: '$got';"
	done
	[ -z "$bad" ] || tz_fail "UDP requests while stopping not answered 503:$bad"
}
tz_try "503 to new UDP requests from 6 sources" udp_503
status_while_stopping() {
	local t0 dt
	t0=$(tz_now_ms)
	tz_status || tz_fail "no status while stopping"
	dt=$(($(tz_now_ms) - t0))
	tz_log "status while stopping took $dt ms: $TZ_STATUS"
	tz_expect_match "state while stopping" "$TZ_STATUS" '"state":"stopping"'
	[ "$dt" -lt 1000 ] || tz_fail "status took $dt ms while stopping"
	# the ACK reached the INVITE transaction
	tz_expect_ge "absorbed while stopping" "$(tz_json_field "$TZ_STATUS" absorbed)" 1
}
tz_try "status answers promptly while stopping" status_while_stopping
tz_try "no new TCP connection once stopping" \
	eval '! (exec 3<>"/dev/tcp/127.0.0.1/$TZ_TCP_PORT") 2>/dev/null'
opt TCP tcp1 >"$TZ_DIR/opt-tcp.sip"
tz_tcp_send "$TZ_DIR/opt-tcp.sip"
tcp_503() {
	local i
	for ((i = 0; i < 50; i++)); do
		grep -q '^SIP/2.0 503 ' "$TZ_TCP_IN" && break
		sleep 0.02
	done
	grep -q '^SIP/2.0 503 ' "$TZ_TCP_IN" ||
		tz_fail "no 503 within 1 s on a TCP connection opened before SIGTERM (connection $(tz_tcp_closed 0 && echo closed || echo still open); got '$(tz_first_line <"$TZ_TCP_IN")')"
	tz_expect_match "Retry-After of the 503" "$(tz_hdr Retry-After <"$TZ_TCP_IN")" "^[0-9]+"
}
tz_try "503 with Retry-After on a TCP connection opened before" tcp_503
tz_wait_exit 14 || {
	kill -KILL "$TZ_PID"
	tz_fail "no exit within 14 s of SIGTERM (Timer J 6.4 s)"
}
tz_tcp_close
after_exit
! grep -q 'shutdown timeout' "$TZ_LOG" ||
	tz_fail "transactions dropped: $(grep 'shutdown timeout' "$TZ_LOG")"
dt=$(($(log_ms '[main] stopped') - $(log_ms 'SIGTERM: shutting down')))
tz_log "busy SIGTERM: stopped ${dt} ms after the signal"
# the 503 transactions (Timer J = 6.4 s, from 0.3 s to at most 3 s after
# the signal) were waited for, and nothing longer
[ "$dt" -ge 6000 ] || tz_fail "stopped $dt ms after SIGTERM: did not wait for the transactions"
[ "$dt" -le 11000 ] || tz_fail "stopped $dt ms after SIGTERM: a transaction outlived Timer J"

# ---- shutdown-timeout ends a transaction that would outlive it ----
tz_start --shutdown-timeout 300ms
printf 'INVITE sip:localhost SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-sd-inv;rport\nMax-Forwards: 70\nFrom: <sip:raw@127.0.0.1>;tag=sd\nTo: <sip:localhost>\nCall-ID: shutdown-inv@tz.test\nCSeq: 1 INVITE\nContent-Length: 0\n\n' |
	tz_crlf >"$TZ_DIR/inv.sip"
tz_expect "answer to the INVITE" "$(tz_send_udp "$TZ_DIR/inv.sip" | tz_first_line)" "SIP/2.0 405 Method Not Allowed"
# never acknowledged: Timer H (64*T1 = 1.28 s) would end it
kill -TERM "$TZ_PID"
tz_wait_exit 5 || tz_fail "no exit within 5 s of SIGTERM (shutdown-timeout 300ms)"
after_exit
grep -q 'shutdown timeout: 1 transactions dropped' "$TZ_LOG" ||
	tz_fail "no 'shutdown timeout: 1 transactions dropped' warning"
dt=$(($(log_ms '[main] stopped') - $(log_ms 'SIGTERM: shutting down')))
tz_log "SIGTERM with shutdown-timeout 300ms: stopped ${dt} ms after the signal"
[ "$dt" -ge 250 ] && [ "$dt" -le 1000 ] ||
	tz_fail "stopped $dt ms after SIGTERM, expected about 300 ms"
tz_done

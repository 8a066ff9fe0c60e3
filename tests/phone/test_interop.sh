#!/bin/bash
# test_interop.sh  tzphone against an independently written peer, SIPp,
# directly (no server, --no-register, UDP on loopback):
#   1. tzphone calls SIPp's built-in UAS (-sn uas: 180, 200, expects ACK
#      and BYE) and hangs up: SDP offer PCMU/PCMA/telephone-event on a port
#      tzphone has bound; events progress 180, established, ended 200 local;
#   2. SIPp's built-in UAC (-sn uac: INVITE with a PCMU offer, ACK, BYE)
#      calls tzphone --auto-answer: answer with PCMU; events incoming,
#      established, ended 200 remote;
#   3. an older peer (sipp_hold_c0_uac.xml) holds with c=0.0.0.0 and
#      resumes: events held and resumed, by remote;
#   4. tzphone --100rel calls a callee that rings reliably
#      (sipp_100rel_uas.xml): it PRACKs the 180 (RAck), progress 180;
#      4b. one that answers in its reliable 183 and sends a 200 without
#      a body (sipp_100rel_early_answer_uas.xml): established;
#   5. a caller asking for 100rel (sipp_100rel_uac.xml) calls tzphone
#      --100rel: its 180 is reliable (Require: 100rel, RSeq), the PRACK
#      gets 200, then "answer"; 5b. the same without an offer in the
#      INVITE (sipp_100rel_nooffer_uac.xml): tzphone's offer goes in the
#      reliable 180 (RFC 3262 5), the answer comes in the PRACK, and the
#      200 carries no body;
#   6. tzphone --session-timer 1800 calls a callee wanting Min-SE 3600
#      (sipp_timer_uas.xml): Session-Expires 1800 and Supported: timer,
#      422, the same call again with Session-Expires and Min-SE 3600, no
#      "ended" for the 422;
#   7. glare (sipp_glare_uac.xml): tzphone's hold re-INVITE and the
#      peer's cross: 491 both ways, tzphone retries (higher CSeq) within
#      the peer's 4.5 s and is held; no error event;
#   8. responses the UAC must discard (a second Via, RFC 3261 8.1.3.3; a
#      body shorter than Content-Length, 18.3) before a 200 to OPTIONS:
#      only "response" 200 (sipp_bad_responses_uas.xml).
#   9. RFC 3263 failover: sip:x@gw.test resolves (--dns-hosts) to two SRV
#      targets; the first answers 503 (after a 100), the second (SIPp -sn
#      uas) answers: established, and the first got INVITE and ACK only;
#  10. the same with nobody at the first target: after Timer B (--t1 50:
#      3.2 s) the second answers.
# SIPp must exit 0 (every message as its scenario says) in each.
. "$(dirname "$0")/lib.sh"

ph_dir

# sipp_bg NAME PORT ARGS...: SIPp on 127.0.0.1:PORT in the background
# (bounded by timeout(1), -m 1), tracing to $TZ_DIR/NAME.{msg,err,out}
sipp_bg() {
	local name=$1 port=$2
	shift 2
	timeout -k 2 20 "$TZ_SIPP" -i 127.0.0.1 -p "$port" -t u1 -m 1 -nostdin \
		-timeout 15s -timeout_error \
		-trace_msg -message_file "$TZ_DIR/$name.msg" \
		-trace_err -error_file "$TZ_DIR/$name.err" \
		"$@" >"$TZ_DIR/$name.out" 2>&1 </dev/null &
	SIPP_PID=$!
	TZ_BG_PIDS="$TZ_BG_PIDS $SIPP_PID"
}

# sipp_wait NAME: SIPp (SIPP_PID) exits 0 within its timeout
sipp_wait() {
	local rc
	wait "$SIPP_PID"
	rc=$?
	[ "$rc" = 0 ] && return 0
	{
		echo "---- sipp $1: exit $rc ----"
		grep -v '^\s*$' "$TZ_DIR/$1.out" | tail -n 10
		tail -n 20 "$TZ_DIR/$1.err" 2>/dev/null | cut -c 1-200
		tail -n 40 "$TZ_DIR/$1.msg" 2>/dev/null | cut -c 1-200
	} >&2
	tz_fail "sipp $1 failed: exit $rc"
}

# sipp_msg NAME START: the first message SIPp NAME received whose first
# line starts with START (CRs removed)
sipp_msg() {
	awk -v start="$2" '
	{ sub(/\r$/, "") }
	/^-----------------------------------------------/ { if (keep) exit; st = 0; next }
	st == 0 && /message received/ { st = 1; first = 1; next }
	st == 1 && first && $0 == "" { next }
	st == 1 && first { first = 0; if (index($0, start) == 1) keep = 1 }
	keep { print }' "$TZ_DIR/$1.msg"
}

# 1. tzphone -> SIPp UAS
t_call_uas() {
	local sp pid m port
	ph_flow
	sp=$(tz__free_port) || tz_fail "no free port"
	sipp_bg S1 "$sp" -sn uas
	sleep 0.3
	ph_start A --aor a@localhost --no-register
	ph_cmd A "call sip:service@127.0.0.1:$sp"
	ph_wait A '.event == "established"'
	ph_cmd A hangup
	ph_wait A '.event == "ended"'
	sipp_wait S1
	ph_expect A "progress:180@1 established@1 ended:200:local@1"
	ph_expect_peer A 1 "^sip:service@127\\.0\\.0\\.1:$sp\$"
	m=$(sipp_msg S1 INVITE)
	tz_expect_match "Content-Type of the INVITE" "$(printf '%s\n' "$m" | tz_hdr Content-Type)" '^application/sdp'
	port=$(printf '%s\n' "$m" | sed -n 's/^m=audio \([0-9]*\) RTP\/AVP .*/\1/p')
	tz_expect_match "m=audio of the offer" "$(printf '%s\n' "$m" | grep '^m=audio')" \
		'^m=audio [1-9][0-9]* RTP/AVP( [0-9]+)+$'
	for pt in 'PCMU/8000' 'PCMA/8000' 'telephone-event/8000'; do
		tz_expect_match "a=rtpmap $pt in the offer" "$(printf '%s\n' "$m" | grep '^a=rtpmap:')" "$pt"
	done
	pid=${PH_PID[A]}
	ss -Hlnup 2>/dev/null | grep "pid=$pid," | grep -q ":$port " ||
		tz_fail "the offer's media port $port is not a UDP port tzphone has bound"
	ph_quit A
}
tz_try "1. tzphone calls SIPp -sn uas: progress 180, established, ended 200 local; PCMU/PCMA/telephone-event on a bound port" t_call_uas

# 2. SIPp UAC -> tzphone --auto-answer
t_uac_calls() {
	local port sp m
	ph_flow
	port=$(tz__free_port) || tz_fail "no free port"
	ph_start B --aor b@localhost --no-register --auto-answer --listen "udp:127.0.0.1:$port"
	tz_expect "B listens where --listen says" "$(ph_port B)" "$port"
	sp=$(tz__free_port) || tz_fail "no free port"
	sipp_bg S2 "$sp" -sn uac -s b "127.0.0.1:$port"
	sipp_wait S2
	ph_wait B '.event == "ended"'
	ph_expect B "incoming@1 established@1 ended:200:remote@1"
	ph_expect_peer B 1 "^sip:sipp@127\\.0\\.0\\.1:$sp\$"
	m=$(sipp_msg S2 "SIP/2.0 200")
	tz_expect_match "m=audio of the answer (PCMU, as offered)" \
		"$(printf '%s\n' "$m" | grep '^m=audio')" '^m=audio [1-9][0-9]* RTP/AVP 0( |$)'
	ph_quit B
}
tz_try "2. SIPp -sn uac calls tzphone --auto-answer: incoming, established, ended 200 remote; PCMU answer" t_uac_calls

# 3. an older peer holds with c=0.0.0.0
t_hold_c0() {
	local port sp
	ph_flow
	port=$(tz__free_port) || tz_fail "no free port"
	ph_start B --aor b@localhost --no-register --auto-answer --listen "udp:127.0.0.1:$port"
	sp=$(tz__free_port) || tz_fail "no free port"
	sipp_bg S3 "$sp" -sf "$PH_DIR/sipp_hold_c0_uac.xml" -key callee b "127.0.0.1:$port"
	sipp_wait S3
	ph_wait B '.event == "ended"'
	ph_expect B "incoming@1 established@1 held:remote@1 resumed:remote@1 ended:200:remote@1"
	ph_quit B
}
tz_try "3. an older peer holds with c=0.0.0.0 and resumes: held, resumed by remote" t_hold_c0

# 4. tzphone --100rel -> a callee ringing reliably
t_100rel_uac() { # SIPp scenario, the provisional's code
	local sp
	ph_flow
	sp=$(tz__free_port) || tz_fail "no free port"
	sipp_bg S4 "$sp" -sf "$PH_DIR/${1:-sipp_100rel_uas.xml}"
	sleep 0.3
	ph_start A --aor a@localhost --no-register --100rel
	ph_cmd A "call sip:rel@127.0.0.1:$sp"
	ph_wait A '.event == "established"'
	ph_cmd A hangup
	ph_wait A '.event == "ended"'
	sipp_wait S4
	ph_expect A "progress:${2:-180}@1 established@1 ended:200:local@1"
	ph_quit A
}
tz_try "4. tzphone --100rel calls a reliable-ringing SIPp: PRACK with RAck, progress 180, established, ended 200 local" t_100rel_uac
tz_try "4b. the callee answers in its reliable 183 and sends a 200 without body: established all the same" \
	t_100rel_uac sipp_100rel_early_answer_uas.xml 183

# 5. a caller asking for 100rel -> tzphone --100rel
t_100rel_uas() { # SIPp scenario (default sipp_100rel_uac.xml)
	local port sp i
	ph_flow
	port=$(tz__free_port) || tz_fail "no free port"
	ph_start B --aor b@localhost --no-register --100rel --listen "udp:127.0.0.1:$port"
	sp=$(tz__free_port) || tz_fail "no free port"
	sipp_bg S5 "$sp" -sf "$PH_DIR/${1:-sipp_100rel_uac.xml}" -key callee b "127.0.0.1:$port"
	ph_wait B '.event == "incoming"'
	# the PRACK sent and its 200 back (SIPp traces both), then answer
	for ((i = 0; i < 100; i++)); do
		[ "$(grep -c '^CSeq: 2 PRACK' "$TZ_DIR/S5.msg" 2>/dev/null)" -ge 2 ] && break
		sleep 0.05
	done
	ph_cmd B answer
	sipp_wait S5
	ph_wait B '.event == "ended"'
	ph_expect B "incoming@1 established@1 ended:200:remote@1"
	ph_quit B
}
tz_try "5. SIPp asking for 100rel calls tzphone --100rel: 180 with Require: 100rel and RSeq, PRACK 200, answer" t_100rel_uas
tz_try "5b. the same caller without an offer: tzphone's offer in the reliable 180, the answer in the PRACK, a 200 without body" \
	t_100rel_uas sipp_100rel_nooffer_uac.xml

# 6. tzphone --session-timer 1800 -> 422 (Min-SE 3600) -> again
t_timer_422() {
	local sp
	ph_flow
	sp=$(tz__free_port) || tz_fail "no free port"
	sipp_bg S6 "$sp" -sf "$PH_DIR/sipp_timer_uas.xml"
	sleep 0.3
	ph_start A --aor a@localhost --no-register --session-timer 1800
	ph_cmd A "call sip:timer@127.0.0.1:$sp"
	ph_wait A '.event == "established"'
	ph_cmd A hangup
	ph_wait A '.event == "ended"'
	sipp_wait S6
	ph_expect A "established@1 ended:200:local@1"
	ph_quit A
}
tz_try "6. tzphone --session-timer 1800: Session-Expires and Supported: timer, 422 Min-SE 3600, the INVITE again with 3600, established" t_timer_422

# sipp_rx_cseq NAME METHOD: the CSeq numbers of the METHOD requests SIPp
# NAME received, in order, one a line
sipp_rx_cseq() {
	awk -v m="$2" '
	{ sub(/\r$/, "") }
	/^-----------------------------------------------/ { st = 0; next }
	st == 0 && /message received/ { st = 1; first = 1; next }
	st == 1 && first && $0 == "" { next }
	st == 1 && first { first = 0; want = (index($0, m " ") == 1); next }
	st == 1 && want && tolower($1) == "cseq:" { print $2; want = 0 }' "$TZ_DIR/$1.msg"
}

# 7. glare: tzphone's hold re-INVITE crosses the peer's
t_glare() {
	local port sp n
	ph_flow
	port=$(tz__free_port) || tz_fail "no free port"
	ph_start B --aor b@localhost --no-register --auto-answer --listen "udp:127.0.0.1:$port"
	sp=$(tz__free_port) || tz_fail "no free port"
	sipp_bg S7 "$sp" -sf "$PH_DIR/sipp_glare_uac.xml" -key callee b "127.0.0.1:$port"
	ph_wait B '.event == "established"'
	ph_cmd B hold
	sipp_wait S7
	ph_wait B '.event == "ended"'
	n=$(sipp_rx_cseq S7 INVITE | tr '\n' ' ')
	tz_expect_match "CSeqs of tzphone's re-INVITEs (the retry higher)" "$n" '^[0-9]+ [0-9]+ $'
	[ "${n%% *}" -lt "$(echo "$n" | cut -d' ' -f2)" ] ||
		tz_fail "the retried re-INVITE's CSeq is not higher: $n"
	ph_expect B "incoming@1 established@1 held:local@1 ended:200:remote@1"
	ph_quit B
}
tz_try "7. glare: tzphone's hold re-INVITE crosses SIPp's: 491 both ways, retry after the back-off with a higher CSeq, held, ended by remote" t_glare

# 8. responses to discard (a second Via; a body shorter than its
# Content-Length) before the good one: only the 200 is reported
t_bad_responses() {
	local sp
	ph_flow
	sp=$(tz__free_port) || tz_fail "no free port"
	sipp_bg S8 "$sp" -sf "$PH_DIR/sipp_bad_responses_uas.xml"
	sleep 0.3
	ph_start A --aor a@localhost --no-register
	ph_cmd A "options sip:x@127.0.0.1:$sp"
	ph_wait A '.event == "response"'
	sipp_wait S8
	ph_expect A "response:OPTIONS:200"
	ph_quit A
}
tz_try "8. responses with two Vias or a short body are discarded: only the 200 reported" t_bad_responses

# failover_hosts P1 P2: a --dns-hosts file: gw.test -> SRV P1 (10), P2 (20)
failover_hosts() {
	cat >"$TZ_DIR/hosts" <<EOT
naptr gw.test 10 10 s SIP+D2U _sip._udp.gw.test
srv   _sip._udp.gw.test 10 10 $1 peer.test
srv   _sip._udp.gw.test 20 10 $2 peer.test
a     peer.test 127.0.0.1
EOT
}

# 9, 10: RFC 3263 4.3 failover to the second SRV target
t_failover() { # 503|silent
	local p1 p2 s1=""
	ph_flow
	p1=$(tz__free_port) && p2=$(tz__free_port) || tz_fail "no free port"
	failover_hosts "$p1" "$p2"
	if [ "$1" = 503 ]; then
		sipp_bg S9a "$p1" -sf "$PH_DIR/../scenario/fail_503_uas.xml"
		s1=$SIPP_PID
	fi
	sipp_bg "S9$1" "$p2" -sn uas
	sleep 0.3
	ph_start A --aor a@localhost --no-register --dns-hosts "$TZ_DIR/hosts" --t1 50
	ph_cmd A "call sip:x@gw.test"
	ph_wait A '.event == "established"' 8
	ph_cmd A hangup
	ph_wait A '.event == "ended"'
	sipp_wait "S9$1"
	if [ -n "$s1" ]; then
		SIPP_PID=$s1
		sipp_wait S9a
	fi
	ph_expect A "progress:180@1 established@1 ended:200:local@1"
	ph_quit A
}
tz_try "9. RFC 3263 failover: the first SRV target answers 503, the second answers" t_failover 503
tz_try "10. RFC 3263 failover: nobody at the first SRV target, the second answers after Timer B" t_failover silent

tz_done

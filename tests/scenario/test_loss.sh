#!/bin/bash
# test_loss.sh  Packet loss over UDP: SIPp loses 10% of the messages it
# sends and receives (-lost 10) and retransmits its PUBLISH (Timer E
# style, from 100 ms; the server answers 405 with a transaction); every
# call still succeeds. The server answers each request once (4xx = calls)
# and absorbs every copy that reached it (absorbed = received - calls).
# (OPTIONS would not do: the server answers it statelessly.)
. "$(dirname "$0")/lib.sh"

calls=200
# Timer J (64*T1) must outlast SIPp's retransmissions of a call whose
# answers keep getting lost, or a late copy starts a new transaction: with
# T1 = 50 ms it is 3.2 s, some 16 SIPp retransmissions (-T2 200 ms)
tz_start --t1 50ms --t2 200ms

TZ_SIPP_TIMEOUT=40 tz_sipp loss_publish.xml udp -key ruri sip:localhost \
	-m "$calls" -r 100 -l 50 -lost 10 -T2 200 -max_retrans 12
tz_log "sipp: $(grep -E 'Successful call|Failed call' "$(ls "$TZ_DIR"/sipp-*-loss_publish-udp.out | head -n 1)" | tr -s ' ' | tr '\n' ';')"

tz_status || tz_fail "no status"
rx=$(tz_json_field "$TZ_STATUS" received)
ab=$(tz_json_field "$TZ_STATUS" absorbed)
tz_log "received $rx, absorbed $ab"
tz_expect "responses.4xx (one answer per call)" "$(tz_json_field "$TZ_STATUS" responses.4xx)" "$calls"
tz_expect "absorbed = received - calls" "$ab" $((rx - calls))
# a copy reaches the server when SIPp lost the answer (about 8% of the
# calls): none at all in 200 calls would mean the loss did not happen
tz_expect_ge "absorbed" "$ab" 1
tz_expect "parse_errors" "$(tz_json_field "$TZ_STATUS" parse_errors)" 0
tz_stop
tz_log PASS

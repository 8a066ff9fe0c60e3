#!/bin/bash
# test_reload.sh  SIGHUP reload: the configuration is rebuilt from the same
# arguments and the --config file. A broken file (a bad value, an unknown
# key, a missing file) is refused with "reload refused, configuration
# kept: FILE:LINE: ..." and the old configuration keeps working (the
# served domains do not change, "reloads" stays 0); a good change applies
# at once ("configuration reloaded", reloads 1, a new served domain
# answers OPTIONS 200) in the same process.
. "$(dirname "$0")/lib.sh"

tz_start
pid=$TZ_PID
cp "$TZ_CONF" "$TZ_DIR/good.conf"

# example.test is not served yet: a request there is for someone else
# (and a stranger may not relay)
tz_sipp status_403_relay.xml udp -key ruri sip:example.test

# hup N: SIGHUP, then wait for the N-th "reload refused" or "reloaded"
refused=0
hup_refused() { # what the refusal must say (ERE, after FILE:LINE: )
	kill -HUP "$TZ_PID"
	refused=$((refused + 1))
	tz_wait_log_count "reload refused, configuration kept: " "$refused" 5
	local line
	line=$(grep -F "reload refused, configuration kept: " "$TZ_LOG" | tail -n 1)
	tz_log "refused: ${line#*configuration kept: }"
	tz_expect_match "log line of refusal $refused" "$line" "ERROR .*reload refused, configuration kept: $1"
	tz_expect "reloads after refusal $refused" "$(tz_status_field reloads)" 0
	tz_alive "$TZ_PID" || tz_fail "the server died on a refused reload"
	tz_sipp options.xml udp -key ruri sip:localhost -key mf 70
	tz_sipp options.xml tcp -key ruri sip:localhost -key mf 70
	tz_sipp status_403_relay.xml udp -key ruri sip:example.test
}

# 1. a bad value: the line of the file is named
lines=$(wc -l <"$TZ_DIR/good.conf")
{ cat "$TZ_DIR/good.conf"; echo "domain = example.test"; echo "t1 = 20"; } >"$TZ_CONF"
hup_refused "$TZ_CONF:$((lines + 2)): .*t1"

# 2. an unknown key
{ cat "$TZ_DIR/good.conf"; echo "frobnicate = yes"; echo "domain = example.test"; } >"$TZ_CONF"
hup_refused "$TZ_CONF:$((lines + 1)): .*frobnicate"

# 3. the file is gone
rm -f "$TZ_CONF"
hup_refused "$TZ_CONF"

# 4. a good change: serve example.test too
{ cat "$TZ_DIR/good.conf"; echo "domain = localhost"; echo "domain = example.test"; } >"$TZ_CONF"
kill -HUP "$TZ_PID"
tz_wait_log "configuration reloaded" 5
tz_expect "reloads after a good change" "$(tz_status_field reloads)" 1
tz_expect "same process" "$TZ_PID" "$pid"
tz_expect_match "still running" "$TZ_STATUS" '"state":"running"'
# example.test is the server's own now; localhost still is
tz_sipp options.xml udp -key ruri sip:example.test -key mf 70
tz_sipp options.xml tcp -key ruri sip:example.test -key mf 70
tz_sipp options.xml udp -key ruri sip:localhost -key mf 70
tz_expect "refusals in the log" "$(grep -cF 'reload refused' "$TZ_LOG")" 3
tz_stop
# the listen addresses did not change (port 0 stays the bound port): no
# warning that they did
! grep -F 'listen changed' "$TZ_LOG" ||
	tz_fail "a reload that kept every listen address warned that listen changed"
tz_log PASS

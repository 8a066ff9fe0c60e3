#!/bin/bash
# test_auth.sh  Digest authentication of REGISTER (RFC 3261 22, RFC 7616,
# RFC 8760) from raw UDP peers (one socket, so one source port, per check)
# that compute their responses with md5sum and sha256sum (lib.sh
# tz_digest); every check compares exact status lines and header values.
#
# Server 1 (defaults, auth-fail-limit 0): a stateless challenge (a
# copy of the request gets the same To tag, no transaction); the challenge (one
# WWW-Authenticate per algorithm, SHA-256 first, qop="auth", base64url
# nonces); SHA-256 and MD5 success; wrong password and unknown user get the
# same 401 "wrong credentials" with a new challenge; another user's AOR:
# 403; nonce-count replayed: 401, nc+1: 200; malformed credentials: 400;
# algorithm SHA-512: 401 unsupported algorithm; digest-uri other than the
# Request-URI: 400; ACK and CANCEL are not challenged; with
# auth-fail-limit 0, 10 failures and then a success.
# Server 2 (nonce-lifetime 1s, auth-algorithms SHA-256): stale nonce with
# the right password: 401 with stale=true; with a wrong one: no stale; MD5
# credentials: 401 unsupported algorithm; the challenge offers SHA-256 only.
# Server 3 (auth-fail-limit 3, auth-backoff 1s): 3 wrong passwords, then
# the right one is refused (403, Retry-After: 1) until the back-off ends.
# Server 4 (the same): one failure each for three usernames from one
# source: a fourth user, right password, is refused; after the back-off, 200.
. "$(dirname "$0")/lib.sh"

# a_req RURI TO CALLID CSEQ [HEADER]...: send a REGISTER on the open
# socket (tz_udp_open), print the response. The Contact is fixed.
a_req() {
	local ruri=$1 to=$2 cid=$3 cseq=$4 f
	shift 4
	f=$TZ_DIR/a-$(tz__seq).sip
	{
		printf 'REGISTER %s SIP/2.0\n' "$ruri"
		printf 'Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-a%s;rport\n' "$(tz__seq)"
		printf 'Max-Forwards: 70\n'
		printf 'From: <sip:%s>;tag=a%s\n' "$to" "$cid"
		printf 'To: <sip:%s>\n' "$to"
		printf 'Call-ID: %s@tz.test\n' "$cid"
		printf 'CSeq: %s REGISTER\n' "$cseq"
		printf 'Contact: <sip:%s:5999>\n' "${to%%@*}@127.0.0.1"
		printf 'Expires: 600\n'
		[ "$#" = 0 ] || printf '%s\n' "$@"
		printf 'Content-Length: 0\n\n'
	} | tz_crlf >"$f"
	tz_udp_send "$f"
	tz_udp_recv 3
}

# The Call-ID of the current check (a new one per check); the CSeq goes up
# with every request (tz__seq: it works from command substitutions too).
CID=""
new_call() { CID=auth-$(tz__seq); }
# req TO [HEADER]...: a REGISTER to sip:localhost
req() {
	local to=$1
	shift
	a_req sip:localhost "$to" "$CID" "$(tz__seq)" "$@"
}

# nonce_of RESPONSE ALG: the nonce of the challenge for ALG
nonce_of() {
	printf '%s' "$1" | tz_hdr_all WWW-Authenticate | grep -E "algorithm=$2(,|\$)" |
		tz_auth_param nonce
}

# challenge TO ALG: a REGISTER without credentials; print the nonce for ALG
challenge() {
	local r n
	r=$(req "$1")
	tz_expect "challenge status" "$(printf '%s' "$r" | tz_first_line)" "SIP/2.0 401 Unauthorized"
	n=$(nonce_of "$r" "$2")
	[ -n "$n" ] || tz_fail "no $2 challenge in: $r"
	echo "$n"
}

# creds ALG USER PASS NONCE NC [CNONCE [URI [EXTRA]]]: an Authorization
# header line (response computed for REGISTER and URI, default the
# Request-URI sip:localhost)
creds() {
	local alg=$1 user=$2 pass=$3 nonce=$4 nc=$5 cnonce=${6:-0a4f113b}
	local uri=${7:-sip:localhost} extra=${8:-} resp
	resp=$(tz_digest "$alg" "$user" "$pass" localhost REGISTER "$uri" "$nonce" "$nc" "$cnonce")
	printf 'Authorization: Digest username="%s", realm="localhost", nonce="%s", uri="%s", response="%s", algorithm=%s, qop=auth, nc=%s, cnonce="%s"%s' \
		"$user" "$nonce" "$uri" "$resp" "$alg" "$nc" "$cnonce" "$extra"
}

status_of() { printf '%s' "$1" | tz_first_line; }

# login ALG USER PASS: challenge, credentials, expect 200 with the binding
login() {
	local n r
	n=$(challenge "$2@localhost" "$1")
	r=$(req "$2@localhost" "$(creds "$1" "$2" "$3" "$n" 00000001)")
	tz_expect "$1 REGISTER for $2 with credentials" "$(status_of "$r")" "SIP/2.0 200 OK"
	tz_expect_match "$2's binding in the 200" "$(printf '%s' "$r" | tz_hdr Contact)" \
		"^<sip:$2@127\\.0\\.0\\.1:5999>;expires=(600|599)\$"
}

# ---- server 1 ----

TZ_CONF_EXTRA='auth-fail-limit = 0'
tz_start
tz_user add alice@localhost secret
tz_user add bob@localhost bobpw

# RFC 3261 8.2.7: a challenge keeps no transaction: the same REGISTER sent
# twice (one branch) gets a 401 each time with the same To tag (a hash of
# the request), nothing is absorbed and no transaction is left
t_stateless() {
	local f=$TZ_DIR/stateless.sip r1 r2 a0
	tz_status || tz_fail "no status"
	a0=$(tz_json_field "$TZ_STATUS" absorbed)
	printf 'REGISTER sip:localhost SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-sl1;rport\nMax-Forwards: 70\nFrom: <sip:alice@localhost>;tag=sl1\nTo: <sip:alice@localhost>\nCall-ID: stateless@tz.test\nCSeq: 1 REGISTER\nContact: <sip:alice@127.0.0.1:5999>\nContent-Length: 0\n\n' |
		tz_crlf >"$f"
	tz_udp_open
	tz_udp_send "$f"
	r1=$(tz_udp_recv 3)
	tz_udp_send "$f"
	r2=$(tz_udp_recv 3)
	tz_udp_close
	tz_expect "first answer" "$(status_of "$r1")" "SIP/2.0 401 Unauthorized"
	tz_expect "answer to the copy" "$(status_of "$r2")" "SIP/2.0 401 Unauthorized"
	tz_expect_match "To tag" "$(printf '%s' "$r1" | tz_hdr To)" ';tag=tzs[0-9a-f]{16}$'
	tz_expect "the copy's To tag" "$(printf '%s' "$r2" | tz_hdr To)" "$(printf '%s' "$r1" | tz_hdr To)"
	tz_status || tz_fail "no status"
	tz_expect "absorbed (no transaction took the copy)" "$(tz_json_field "$TZ_STATUS" absorbed)" "$a0"
	tz_expect "transactions" "$(tz_json_field "$TZ_STATUS" transactions)" 0
}
tz_try "the challenge is stateless: the same 401 (To tag) for a copy, no transaction" t_stateless

t_challenge() {
	local r ch1 ch2 n1 n2
	tz_udp_open
	new_call
	r=$(req alice@localhost)
	tz_expect "status" "$(status_of "$r")" "SIP/2.0 401 Unauthorized"
	tz_expect "WWW-Authenticate fields" "$(printf '%s' "$r" | tz_hdr_all WWW-Authenticate | wc -l)" 2
	ch1=$(printf '%s' "$r" | tz_hdr_all WWW-Authenticate | sed -n 1p)
	ch2=$(printf '%s' "$r" | tz_hdr_all WWW-Authenticate | sed -n 2p)
	tz_expect_match "first challenge (SHA-256)" "$ch1" \
		'^Digest realm="localhost", nonce="[A-Za-z0-9_-]{16,}", qop="auth", algorithm=SHA-256$'
	tz_expect_match "second challenge (MD5)" "$ch2" \
		'^Digest realm="localhost", nonce="[A-Za-z0-9_-]{16,}", qop="auth", algorithm=MD5$'
	n1=$(printf '%s' "$ch1" | tz_auth_param nonce)
	n2=$(printf '%s' "$ch2" | tz_auth_param nonce)
	[ "$n1" != "$n2" ] || tz_fail "both challenges carry the nonce $n1"
	tz_expect "no binding in a 401" "$(printf '%s' "$r" | tz_hdr Contact)" ""
	tz_expect "bindings" "$(tz_status_field bindings)" 0
}
tz_try "challenge: 401, WWW-Authenticate SHA-256 then MD5, qop=\"auth\", base64url nonces" t_challenge

t_sha256() { tz_udp_open; new_call; login SHA-256 alice secret; }
tz_try "SHA-256 credentials: 200" t_sha256
t_md5() { tz_udp_open; new_call; login MD5 bob bobpw; }
tz_try "MD5 credentials: 200" t_md5

# a failure answer: the reason, and a fresh challenge for both algorithms
expect_failure() { # WHAT RESPONSE STATUS-LINE
	tz_expect "$1" "$(status_of "$2")" "$3"
	tz_expect "$1: challenges" "$(printf '%s' "$2" | tz_hdr_all WWW-Authenticate |
		sed 's/nonce="[A-Za-z0-9_-]*"/nonce="N"/')" \
		'Digest realm="localhost", nonce="N", qop="auth", algorithm=SHA-256
Digest realm="localhost", nonce="N", qop="auth", algorithm=MD5'
}

t_wrong() {
	local n r
	tz_udp_open
	new_call
	n=$(challenge alice@localhost SHA-256)
	r=$(req alice@localhost "$(creds SHA-256 alice wrong "$n" 00000001)")
	expect_failure "wrong password" "$r" "SIP/2.0 401 Unauthorized: wrong credentials"
	[ "$(nonce_of "$r" SHA-256)" != "$n" ] || tz_fail "the same nonce again"
	n=$(challenge alice@localhost MD5)
	r=$(req alice@localhost "$(creds MD5 alice wrong "$n" 00000001)")
	expect_failure "wrong password (MD5)" "$r" "SIP/2.0 401 Unauthorized: wrong credentials"
}
tz_try "wrong password: 401 Unauthorized: wrong credentials, a new challenge" t_wrong

t_unknown() {
	local n r
	tz_udp_open
	new_call
	n=$(challenge mallory@localhost SHA-256)
	r=$(req mallory@localhost "$(creds SHA-256 mallory secret "$n" 00000001)")
	expect_failure "unknown user" "$r" "SIP/2.0 401 Unauthorized: wrong credentials"
}
tz_try "unknown user: the same 401 as a wrong password" t_unknown

t_other_aor() {
	local n r
	tz_udp_open
	new_call
	n=$(challenge bob@localhost SHA-256)
	r=$(req bob@localhost "$(creds SHA-256 alice secret "$n" 00000001)")
	tz_expect "alice registering bob" "$(status_of "$r")" \
		"SIP/2.0 403 Forbidden: alice may not register bob@localhost"
	tz_expect "no challenge with the 403" "$(printf '%s' "$r" | tz_hdr WWW-Authenticate)" ""
}
tz_try "another user's AOR: 403" t_other_aor

t_replay() {
	local n r
	tz_udp_open
	new_call
	n=$(challenge alice@localhost SHA-256)
	r=$(req alice@localhost "$(creds SHA-256 alice secret "$n" 00000001)")
	tz_expect "nc 1" "$(status_of "$r")" "SIP/2.0 200 OK"
	r=$(req alice@localhost "$(creds SHA-256 alice secret "$n" 00000001)")
	expect_failure "nc 1 again" "$r" "SIP/2.0 401 Unauthorized: nonce-count replayed"
	r=$(req alice@localhost "$(creds SHA-256 alice secret "$n" 00000001 77e1c0ffee)")
	expect_failure "nc 1 again, another cnonce" "$r" "SIP/2.0 401 Unauthorized: nonce-count replayed"
	r=$(req alice@localhost "$(creds SHA-256 alice secret "$n" 00000002)")
	tz_expect "nc 2" "$(status_of "$r")" "SIP/2.0 200 OK"
	r=$(req alice@localhost "$(creds SHA-256 alice secret "$n" 00000002)")
	expect_failure "nc 2 again" "$r" "SIP/2.0 401 Unauthorized: nonce-count replayed"
	r=$(req alice@localhost "$(creds SHA-256 alice secret "$n" 00000001)")
	expect_failure "nc 1 after nc 2" "$r" "SIP/2.0 401 Unauthorized: nonce-count replayed"
	r=$(req alice@localhost "$(creds SHA-256 alice secret "$n" 00000003)")
	tz_expect "nc 3" "$(status_of "$r")" "SIP/2.0 200 OK"
}
tz_try "nonce-count replayed: 401; nc+1: 200" t_replay

t_malformed() {
	local n r
	tz_udp_open
	new_call
	n=$(challenge alice@localhost SHA-256)
	r=$(req alice@localhost 'Authorization: Digest username=alice, realm=')
	tz_expect "Digest username=alice, realm=" "$(status_of "$r")" \
		"SIP/2.0 400 Bad Request: malformed credentials"
	r=$(req alice@localhost "Authorization: Digest username=\"alice\", realm=\"localhost\", uri=\"sip:localhost\", response=\"$(printf '%064d' 0)\", algorithm=SHA-256")
	tz_expect "no nonce" "$(status_of "$r")" "SIP/2.0 400 Bad Request: missing nonce"
	r=$(req alice@localhost "Authorization: Digest username=\"alice\", realm=\"localhost\", nonce=\"$n\", uri=\"sip:localhost\", response=\"$(printf '%064d' 0)\", algorithm=SHA-256, qop=auth, cnonce=\"x\"")
	tz_expect "qop without nc" "$(status_of "$r")" "SIP/2.0 400 Bad Request: qop without nc"
	r=$(req alice@localhost "Authorization: Digest realm=\"localhost\", nonce=\"$n\", uri=\"sip:localhost\", response=\"$(printf '%064d' 0)\", algorithm=SHA-256, qop=auth, nc=00000001, cnonce=\"x\"")
	tz_expect "no username" "$(status_of "$r")" "SIP/2.0 400 Bad Request: missing username"
}
tz_try "malformed Authorization: 400 with the defect" t_malformed

t_sha512() {
	local n r
	tz_udp_open
	new_call
	n=$(challenge alice@localhost SHA-256)
	# a SHA-256 response under the name SHA-512: the name decides
	r=$(req alice@localhost "$(creds SHA-256 alice secret "$n" 00000001 | sed 's/algorithm=SHA-256/algorithm=SHA-512/')")
	expect_failure "algorithm=SHA-512" "$r" "SIP/2.0 401 Unauthorized: unsupported algorithm"
}
tz_try "algorithm SHA-512: 401 unsupported algorithm" t_sha512

t_uri() {
	local n r
	tz_udp_open
	new_call
	n=$(challenge alice@localhost SHA-256)
	r=$(req alice@localhost "$(creds SHA-256 alice secret "$n" 00000001 abc "sip:127.0.0.1:$TZ_UDP_PORT")")
	tz_expect "digest-uri sip:127.0.0.1:port, Request-URI sip:localhost" "$(status_of "$r")" \
		"SIP/2.0 400 Bad Request: digest-uri differs from Request-URI"
	# the same, with the Request-URI that the credentials name: 200
	r=$(a_req "sip:127.0.0.1:$TZ_UDP_PORT" alice@localhost "$CID" "$(tz__seq)" \
		"$(creds SHA-256 alice secret "$n" 00000001 abc "sip:127.0.0.1:$TZ_UDP_PORT")")
	tz_expect "digest-uri = Request-URI sip:127.0.0.1:port" "$(status_of "$r")" "SIP/2.0 200 OK"
}
tz_try "digest-uri other than the Request-URI: 400" t_uri

t_not_challenged() {
	local f r
	tz_udp_open
	f=$TZ_DIR/cancel.sip
	printf 'CANCEL sip:localhost SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-nc1;rport\nMax-Forwards: 70\nFrom: <sip:alice@localhost>;tag=c1\nTo: <sip:alice@localhost>\nCall-ID: nc-1@tz.test\nCSeq: 1 CANCEL\nContent-Length: 0\n\n' |
		tz_crlf >"$f"
	tz_udp_send "$f"
	r=$(tz_udp_recv 3)
	tz_expect "CANCEL" "$(status_of "$r")" "SIP/2.0 481 Call/Transaction Does Not Exist"
	printf 'ACK sip:localhost SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-nc2;rport\nMax-Forwards: 70\nFrom: <sip:alice@localhost>;tag=c1\nTo: <sip:alice@localhost>;tag=x\nCall-ID: nc-2@tz.test\nCSeq: 1 ACK\nContent-Length: 0\n\n' |
		tz_crlf >"$f"
	tz_udp_send "$f"
	tz_expect "ACK: no answer" "$(tz_udp_recv 1)" ""
}
tz_try "ACK and CANCEL are not challenged" t_not_challenged

t_no_limit() {
	local n r i
	tz_udp_open
	new_call
	n=$(challenge alice@localhost SHA-256)
	for ((i = 1; i <= 10; i++)); do
		r=$(req alice@localhost "$(creds SHA-256 alice "wrong$i" "$n" 00000001)")
		tz_expect "failure $i" "$(status_of "$r")" "SIP/2.0 401 Unauthorized: wrong credentials"
	done
	r=$(req alice@localhost "$(creds SHA-256 alice secret "$n" 00000001)")
	tz_expect "right password after 10 failures" "$(status_of "$r")" "SIP/2.0 200 OK"
}
tz_try "auth-fail-limit 0: 10 failures, then 200" t_no_limit
tz_stop

# ---- server 2: nonces live 1 s; SHA-256 only ----

TZ_CONF_EXTRA='nonce-lifetime = 1s
auth-algorithms = SHA-256'
tz_start
tz_user add alice@localhost secret

t_stale() {
	local n r
	tz_udp_open
	new_call
	r=$(req alice@localhost)
	tz_expect "challenge with SHA-256 only" "$(printf '%s' "$r" | tz_hdr_all WWW-Authenticate |
		sed 's/nonce="[A-Za-z0-9_-]*"/nonce="N"/')" \
		'Digest realm="localhost", nonce="N", qop="auth", algorithm=SHA-256'
	n=$(nonce_of "$r" SHA-256)
	sleep 1.2
	r=$(req alice@localhost "$(creds SHA-256 alice wrong "$n" 00000001)")
	tz_expect "old nonce, wrong password" "$(status_of "$r")" "SIP/2.0 401 Unauthorized: wrong credentials"
	tz_expect "old nonce, wrong password: no stale" \
		"$(printf '%s' "$r" | tz_hdr_all WWW-Authenticate | grep -c stale)" 0
	r=$(req alice@localhost "$(creds SHA-256 alice secret "$n" 00000001)")
	tz_expect "old nonce, right password" "$(status_of "$r")" "SIP/2.0 401 Unauthorized"
	tz_expect_match "old nonce, right password: stale=true" \
		"$(printf '%s' "$r" | tz_hdr WWW-Authenticate)" \
		'^Digest realm="localhost", nonce="[A-Za-z0-9_-]+", qop="auth", algorithm=SHA-256, stale=true$'
	# the new nonce works
	n=$(nonce_of "$r" SHA-256)
	r=$(req alice@localhost "$(creds SHA-256 alice secret "$n" 00000001)")
	tz_expect "the fresh nonce" "$(status_of "$r")" "SIP/2.0 200 OK"
}
tz_try "stale nonce (nonce-lifetime 1s, 1.2 s later): 401 stale=true" t_stale

t_md5_off() {
	local n r
	tz_udp_open
	new_call
	n=$(challenge alice@localhost SHA-256)
	r=$(req alice@localhost "$(creds MD5 alice secret "$n" 00000001)")
	tz_expect "MD5 with only SHA-256 offered" "$(status_of "$r")" \
		"SIP/2.0 401 Unauthorized: unsupported algorithm"
}
tz_try "auth-algorithms SHA-256: MD5 credentials get 401 unsupported algorithm" t_md5_off
tz_stop

# ---- server 3: throttling per username ----

TZ_CONF_EXTRA='auth-fail-limit = 3
auth-backoff = 1s'
tz_start
tz_user add alice@localhost secret

t_throttle_user() {
	local n r i
	tz_udp_open
	new_call
	n=$(challenge alice@localhost SHA-256)
	for i in 1 2 3; do
		r=$(req alice@localhost "$(creds SHA-256 alice "wrong$i" "$n" 00000001)")
		tz_expect "failure $i" "$(status_of "$r")" "SIP/2.0 401 Unauthorized: wrong credentials"
	done
	r=$(req alice@localhost "$(creds SHA-256 alice secret "$n" 00000001)")
	tz_expect "right password after 3 failures" "$(status_of "$r")" \
		"SIP/2.0 403 Forbidden: too many failed attempts"
	tz_expect "Retry-After" "$(printf '%s' "$r" | tz_hdr Retry-After)" 1
	sleep 1.1
	r=$(req alice@localhost "$(creds SHA-256 alice secret "$n" 00000001)")
	tz_expect "right password after the back-off" "$(status_of "$r")" "SIP/2.0 200 OK"
}
tz_try "auth-fail-limit 3: the 4th attempt gets 403 with Retry-After; after the back-off, 200" t_throttle_user
tz_stop

# ---- server 4: throttling per source ----

tz_start
for u in alice bob carol dave; do tz_user add "$u@localhost" "${u}pw"; done

t_throttle_source() {
	local n r u dn
	tz_udp_open
	new_call
	dn=$(challenge dave@localhost SHA-256)
	for u in alice bob mallory; do
		new_call
		n=$(challenge "$u@localhost" SHA-256)
		r=$(req "$u@localhost" "$(creds SHA-256 "$u" wrong "$n" 00000001)")
		tz_expect "$u, wrong password" "$(status_of "$r")" "SIP/2.0 401 Unauthorized: wrong credentials"
	done
	new_call
	r=$(req dave@localhost "$(creds SHA-256 dave davepw "$dn" 00000001)")
	tz_expect "dave, right password, from that source" "$(status_of "$r")" \
		"SIP/2.0 403 Forbidden: too many failed attempts"
	tz_expect "Retry-After" "$(printf '%s' "$r" | tz_hdr Retry-After)" 1
	r=$(req dave@localhost)
	tz_expect "dave, no credentials, from that source" "$(status_of "$r")" \
		"SIP/2.0 403 Forbidden: too many failed attempts"
	sleep 1.1
	r=$(req dave@localhost "$(creds SHA-256 dave davepw "$dn" 00000001)")
	tz_expect "dave after the back-off" "$(status_of "$r")" "SIP/2.0 200 OK"
}
tz_try "3 failures for 3 usernames from one source: a 4th user is refused until the back-off ends" t_throttle_source
tz_stop
tz_done

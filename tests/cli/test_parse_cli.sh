#!/bin/sh
# The command-line contract of `trapezoid parse` (DESIGN.md): output line,
# exit status, and JSON keys, on real files and on standard input.
# usage: test_parse_cli.sh TRAPEZOID TESTDATA
set -u
tz=$1
td=$2
. "$(dirname "$0")/lib.sh"

[ -d "$td/rfc4475" ] || { echo "test data not found at $td" >&2; exit 1; }

# Exact JSON for a plain message, read from standard input.
printf 'OPTIONS sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP [::1]:5070;branch=z9hG4bKx;rport\r\nMax-Forwards: 070\r\nFrom: <sip:a@example.com>;tag=ft\r\nTo: <sip:bob@example.com>\r\nCall-ID: cid@h\r\nCSeq: 0007 OPTIONS\r\nContent-Length: 0\r\n\r\n' >"$tmp/opt.sip"
check stdin-json 0 '^ok \{"type":"request","method":"OPTIONS","ruri":"sip:bob@example.com","status":null,"reason":null,"call_id":"cid@h","cseq":7,"cseq_method":"OPTIONS","from_tag":"ft","to_tag":null,"max_forwards":70,"vias":\[\{"transport":"UDP","host":"\[::1\]","port":5070,"branch":"z9hG4bKx","received":null,"rport":true\}\],"content_length":0,"body_length":0,"headers":7\}$' \
	sh -c "'$tz' parse - <'$tmp/opt.sip'"
check file-arg 0 '^ok \{"type":"request","method":"OPTIONS"' "$tz" parse "$tmp/opt.sip"
check no-arg-is-stdin 0 '^ok ' sh -c "'$tz' parse <'$tmp/opt.sip'"

# Verdicts on the torture messages.
check wsinv 0 '"cseq":9,.*"max_forwards":68,.*"to_tag":"1918181833n"|"to_tag":"1918181833n".*"max_forwards":68' "$tz" parse "$td/rfc4475/wsinv.dat"
check badvers 1 '^reject 505 Version Not Supported: ' "$tz" parse "$td/rfc4475/badvers.dat"
check badinv01 1 '^reject 400 Bad Request: malformed Via$' "$tz" parse "$td/rfc4475/badinv01.dat"
check bigcode 1 '^reject 0 ' "$tz" parse "$td/rfc4475/bigcode.dat"
check ipv6-bad 1 '^reject 400 Bad Request: malformed Request-URI$' "$tz" parse "$td/rfc5118/wire/ipv6-bad.sip"
check unreason-utf8 0 '"reason":"= 2\*\*3 \* 5\*\*2 но сто девяносто девять - простое"' "$tz" parse "$td/rfc4475/unreason.dat"
check received-v6 0 '"received":"\[2001:db8::9:255\]"' "$tz" parse "$td/rfc5118/wire/via-received-param-with-delim.sip"

# Bytes that are not UTF-8 come out as \u00XX, one per byte.
printf 'SIP/2.0 200 O\377K\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\r\n' >"$tmp/latin.sip"
check non-utf8 0 '"reason":"O\\u00ffK"' "$tz" parse "$tmp/latin.sip"

# Over 64 KiB: 513.
head -c 70000 /dev/zero | tr '\0' 'a' >"$tmp/big.sip"
check too-large 1 '^reject 513 Message Too Large: ' "$tz" parse "$tmp/big.sip"

# Usage and I/O errors: exit 2 with a message on stderr.
check missing-file 2 'no-such-file' "$tz" parse "$tmp/no-such-file"
check too-many-args 2 'usage: trapezoid parse' "$tz" parse a b
check no-command 2 'usage: trapezoid' "$tz"
check bad-command 2 "unknown command 'frobnicate'" "$tz" frobnicate

cli_done

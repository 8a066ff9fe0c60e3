#!/bin/sh
# The command-line contract of `trapezoid forward` (DESIGN.md "Interfaces"):
# set (replaces the rules; sip:, sips: or tel: targets; --after 1-3600,
# else the server's forward-after), clear and show against a temporary
# database; exit 0 on
# success, 1 with "trapezoid forward: ..." on a failure (unknown user,
# bad AOR), 2 on a usage error (bad option or value). A change is told to
# the server as user-changed with the AOR: a stand-in control socket
# records what it is told.
# usage: test_forward_cli.sh TRAPEZOID
set -u
tz=$1
. "$(dirname "$0")/lib.sh"
db="--db sqlite:$tmp/f.db"

# shellcheck disable=SC2086
{
"$tz" user add alice@example.com pw $db &&
	"$tz" user add bob@example.com pw $db ||
	{ echo "FAIL setup" >&2; exit 1; }

check_out none "" "$tz" forward show alice@example.com $db
check_out set-always "" "$tz" forward set alice@example.com --always sip:desk@example.com $db
check_out show-always "always sip:desk@example.com" "$tz" forward show alice@example.com $db
# set replaces: always goes; no --after: the server's forward-after (20 s
# unless configured), looked up when the call rings
check_out set-replaces "" "$tz" forward set alice@EXAMPLE.com \
	--busy sips:vm@example.com --no-answer tel:+1-555-0100 $db
check_out show-replaced "busy sips:vm@example.com
no-answer tel:+1-555-0100 after 20 (forward-after)" "$tz" forward show alice@example.com $db
printf 'forward-after = 45s\n' >"$tmp/f.conf"
check_out show-configured "busy sips:vm@example.com
no-answer tel:+1-555-0100 after 45 (forward-after)" "$tz" forward show alice@example.com --config "$tmp/f.conf" $db
check_out set-after "" "$tz" forward set alice@example.com --no-answer=sip:bob@example.com --after=45 $db
check_out show-after "no-answer sip:bob@example.com after 45" "$tz" forward show alice@example.com $db
check_out set-all "" "$tz" forward set alice@example.com --after 3600 \
	--always 'sip:x@example.com;transport=tcp' --busy 'tel:+15550101' --no-answer 'sips:[2001:db8::1]:5061' $db
check_out show-all "always sip:x@example.com;transport=tcp
busy tel:+15550101
no-answer sips:[2001:db8::1]:5061 after 3600" "$tz" forward show alice@example.com $db
check_out after-1 "" "$tz" forward set bob@example.com --no-answer sip:vm@example.com --after 1 $db
check_out show-other "no-answer sip:vm@example.com after 1" "$tz" forward show bob@example.com $db

# bad targets and times: exit 2, the option named, nothing changed
check bad-scheme 2 '^trapezoid forward: --always: "http://example.com/" is not a sip:, sips: or tel: URI$' \
	"$tz" forward set alice@example.com --always http://example.com/ $db
check bad-uri 2 '^trapezoid forward: --busy: "sip:" is not a valid URI$' \
	"$tz" forward set alice@example.com --busy sip: $db
check bad-uri-space 2 '^trapezoid forward: --no-answer: "sip:a b@example.com" is not a valid URI$' \
	"$tz" forward set alice@example.com --no-answer 'sip:a b@example.com' $db
check bad-uri-noscheme 2 '^trapezoid forward: --always: "bob@example.com" is not' \
	"$tz" forward set alice@example.com --always bob@example.com $db
long="sip:$(head -c 600 /dev/zero | tr '\0' a)@example.com"
check uri-too-long 2 '^trapezoid forward: --always: URI longer than 511 bytes$' \
	"$tz" forward set alice@example.com --always "$long" $db
for t in 0 3601 1.5 abc -5 +5 ' 5' '5 ' 99999999999999999999 ''; do
	re=$(printf '%s' "$t" | sed 's/[+.]/\\&/g')
	check "bad-after-'$t'" 2 "^trapezoid forward: --after: expected whole seconds from 1 to 3600, not \"$re\"\$" \
		"$tz" forward set alice@example.com --no-answer sip:vm@example.com --after="$t" $db
done
check after-alone 2 '^trapezoid forward: --after goes with --no-answer$' \
	"$tz" forward set alice@example.com --busy sip:vm@example.com --after 30 $db
check no-rule 2 '^trapezoid forward: set: no rule' \
	"$tz" forward set alice@example.com $db
check missing-value 2 '^trapezoid forward: --always: missing value$' \
	"$tz" forward set alice@example.com --always
check twice 2 '^trapezoid forward: --busy given twice$' \
	"$tz" forward set alice@example.com --busy sip:a@b --busy sip:c@d $db
check_out unchanged "always sip:x@example.com;transport=tcp
busy tel:+15550101
no-answer sips:[2001:db8::1]:5061 after 3600" "$tz" forward show alice@example.com $db

# users: unknown or malformed, exit 1
check set-unknown 1 '^trapezoid forward: no such user: zed@example.com$' \
	"$tz" forward set zed@example.com --always sip:x@example.com $db
check clear-unknown 1 '^trapezoid forward: no such user: zed@example.com$' \
	"$tz" forward clear zed@example.com $db
check show-unknown 1 '^trapezoid forward: no such user: zed@example.com$' \
	"$tz" forward show zed@example.com $db
check bad-aor 1 '^trapezoid forward: bad AOR "alice@example.com:5060": a port is not part of an AOR$' \
	"$tz" forward set alice@example.com:5060 --always sip:x@example.com $db

# clear; a deleted user's forwarding goes with it
check_out clear "" "$tz" forward clear alice@example.com $db
check_out show-cleared "" "$tz" forward show alice@example.com $db
check_out clear-again "" "$tz" forward clear alice@example.com $db
"$tz" user del bob@example.com $db && "$tz" user add bob@example.com pw $db
check_out gone-with-user "" "$tz" forward show bob@example.com $db

# usage errors: exit 2
check no-sub 2 'usage: trapezoid forward' "$tz" forward
check bad-sub 2 "unknown command 'frob'" "$tz" forward frob alice@example.com $db
check no-aor 2 'usage: trapezoid forward' "$tz" forward set --always sip:x@example.com $db
check extra 2 'usage: trapezoid forward' "$tz" forward clear alice@example.com bob@example.com $db
check clear-option 2 '^trapezoid forward: --always is an option of forward set only$' \
	"$tz" forward clear alice@example.com --always sip:x@example.com $db
check bad-option 2 '^trapezoid forward: --frobnicate: unknown option$' \
	"$tz" forward show alice@example.com --frobnicate 1 $db
check_out help "$("$tz" forward help)" "$tz" forward --help
}

# a running server is told "user-changed" with the AOR; its error is a
# warning (the database change is made)
if command -v python3 >/dev/null; then
	ctl=$tmp/ctl.sock
	serve() { # answer: what the stand-in says
		python3 - "$ctl" "$1" "$tmp/told" <<'PY' &
import os, socket, sys
path, answer, told = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(1)
open(path + ".ready", "w").close()
s.settimeout(10)
c, _ = s.accept()
line = c.makefile("rb").readline()
open(told, "wb").write(line)
c.sendall(answer.encode() + b"\n")
c.close()
os.unlink(path)
PY
		i=0
		while [ ! -e "$ctl.ready" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
		rm -f "$ctl.ready"
	}
	serve '{"ok":true}'
	check_out told "" "$tz" forward set alice@Example.COM --busy sip:vm@example.com --db "sqlite:$tmp/f.db" --control "$ctl"
	wait
	check_that told-line [ "$(cat "$tmp/told")" = '{"cmd":"user-changed","aor":"alice@example.com"}' ]
	serve '{"error":"out of memory"}'
	check told-error 0 '^trapezoid forward: warning: the server answered: out of memory$' \
		"$tz" forward clear alice@example.com --db "sqlite:$tmp/f.db" --control "$ctl"
	wait
	check_that told-clear [ "$(cat "$tmp/told")" = '{"cmd":"user-changed","aor":"alice@example.com"}' ]
	# show changes nothing: the server is not told
	rm -f "$tmp/told"
	check_out show-not-told "" "$tz" forward show alice@example.com --db "sqlite:$tmp/f.db" --control "$ctl"
	check_that show-not-told-file [ ! -e "$tmp/told" ]
fi

cli_done

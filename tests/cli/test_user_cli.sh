#!/bin/sh
# The command-line contract of `trapezoid user` (DESIGN.md "Interfaces"):
# add, passwd, del, list, import, set, show against a temporary database;
# exit 0 on success, 1 with "trapezoid user: ..." on a failure, 2 on a
# usage error.
# No server runs: the control socket is absent, which must stay silent.
# usage: test_user_cli.sh TRAPEZOID
set -u
tz=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") # absolute: some checks cd
. "$(dirname "$0")/lib.sh"
db="--db sqlite:$tmp/u.db"

# shellcheck disable=SC2086
{
check_out add "" "$tz" user add alice@example.com secret $db
check add-exists 1 '^trapezoid user: user alice@example.com exists$' \
	"$tz" user add alice@example.com other $db
check_out add-canon "" "$tz" user add b%6fb@EXAMPLE.com pw $db
check add-empty-password 1 '^trapezoid user: empty password$' \
	"$tz" user add carol@example.com '' $db
check add-bad-aor 1 '^trapezoid user: bad AOR "alice@example.com:5060": a port is not part of an AOR$' \
	"$tz" user add alice@example.com:5060 pw $db
check add-no-domain 1 '^trapezoid user: bad AOR "carol@": no domain$' \
	"$tz" user add carol@ pw $db
check_out add-dashdash "" "$tz" user add $db -- carol@example.org -pw
check_out passwd "" "$tz" user passwd alice@example.com new $db
check passwd-none 1 '^trapezoid user: no such user: zed@example.com$' \
	"$tz" user passwd zed@example.com x $db
check_out list "alice@example.com
bob@example.com
carol@example.org" "$tz" user list $db
check_out list-domain "carol@example.org" "$tz" user list example.org $db
check_out list-domain-case "alice@example.com
bob@example.com" "$tz" user list --db="sqlite:$tmp/u.db" EXAMPLE.COM
check_out list-none "" "$tz" user list example.net $db
check_out del "" "$tz" user del bob@example.com $db
check del-again 1 '^trapezoid user: no such user: bob@example.com$' \
	"$tz" user del bob@example.com $db
check_out list-after-del "alice@example.com
carol@example.org" "$tz" user list $db

# the HA1 of the new password is what the digest code computes
ha1=$(printf 'alice:example.com:new' | md5sum | cut -d' ' -f1)
if command -v sqlite3 >/dev/null; then
	check ha1 0 "^$ha1\$" sqlite3 "$tmp/u.db" \
		"SELECT ha1_md5 FROM users WHERE aor = 'alice@example.com'"
fi

# the database from --config, overridden by --db
printf 'db = sqlite:%s/c.db\n' "$tmp" >"$tmp/t.conf"
check_out config "" "$tz" user add dave@example.com pw --config "$tmp/t.conf"
check_out config-list "dave@example.com" "$tz" user list --config "$tmp/t.conf"
check_out config-db-wins "alice@example.com
carol@example.org" "$tz" user list --config "$tmp/t.conf" $db
# the default: ./trapezoid.db
(cd "$tmp" && "$tz" user add eve@example.com pw) && [ -f "$tmp/trapezoid.db" ] &&
	pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL default-db" >&2; }

# call features: set one or both, show them; the user must exist
check_out show-default "reject-anonymous off
dnd off" "$tz" user show alice@example.com $db
check_out set-dnd "" "$tz" user set alice@example.com --dnd on $db
check_out show-dnd "reject-anonymous off
dnd on" "$tz" user show alice@EXAMPLE.com $db
check_out set-both "" "$tz" user set alice@example.com --reject-anonymous=ON --dnd off $db
check_out show-both "reject-anonymous on
dnd off" "$tz" user show alice@example.com $db
check_out set-keeps-other "" "$tz" user set alice@example.com --dnd on $db
check_out show-kept "reject-anonymous on
dnd on" "$tz" user show alice@example.com $db
check set-none 1 '^trapezoid user: no such user: zed@example.com$' \
	"$tz" user set zed@example.com --dnd on $db
check show-none 1 '^trapezoid user: no such user: zed@example.com$' \
	"$tz" user show zed@example.com $db
check set-bad-aor 1 '^trapezoid user: bad AOR "zed": no' \
	"$tz" user set zed --dnd on $db
check set-nothing 2 '^trapezoid user: set: nothing to set' \
	"$tz" user set alice@example.com $db
check set-bad-value 2 '^trapezoid user: --dnd: expected on or off, not "yes"$' \
	"$tz" user set alice@example.com --dnd yes $db
check set-no-value 2 '^trapezoid user: --dnd: missing value$' \
	"$tz" user set alice@example.com --dnd
check set-twice 2 '^trapezoid user: --dnd given twice$' \
	"$tz" user set alice@example.com --dnd on --dnd off $db
check set-option-elsewhere 2 '^trapezoid user: --dnd is an option of user set only$' \
	"$tz" user del alice@example.com --dnd on $db
check_out show-unchanged "reject-anonymous on
dnd on" "$tz" user show alice@example.com $db

# usage errors: exit 2
check no-sub 2 'usage: trapezoid user' "$tz" user
check bad-sub 2 "unknown command 'frob'" "$tz" user frob $db
check add-missing 2 'usage: trapezoid user' "$tz" user add alice@example.com $db
check del-extra 2 'usage: trapezoid user' "$tz" user del a@b c@d $db
check bad-option 2 '^trapezoid user: --frobnicate: unknown option$' \
	"$tz" user list --frobnicate 1 $db
check db-missing-value 2 '^trapezoid user: --db: missing value$' "$tz" user list --db
check bad-db 2 'db: expected sqlite:PATH' "$tz" user list --db mysql:x
check db-unopenable 1 '^trapezoid user: .*/no/such/dir/x.db' \
	"$tz" user list --db "sqlite:$tmp/no/such/dir/x.db"

# import: 10,000 users in one transaction
awk 'BEGIN { print "aor,password"; for (i = 0; i < 10000; i++) printf "user%05d@big.example.com,pw%d,x\n", i, i }' >"$tmp/big.csv"
t0=$(date +%s.%N)
check import-10k 0 '^imported 10000 users$' "$tz" user import "$tmp/big.csv" --db "sqlite:$tmp/big.db"
t1=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "import of 10000 users: %.2f s\n", b - a }'
n=$("$tz" user list --db "sqlite:$tmp/big.db" | wc -l)
[ "$n" = 10000 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL import-10k-count: $n" >&2; }
check_out import-10k-sorted "$(awk -F, 'NR > 1 { print $1 }' "$tmp/big.csv" | LC_ALL=C sort)" \
	"$tz" user list big.example.com --db "sqlite:$tmp/big.db"
# again: every one exists, nothing changes
check import-10k-again 1 'big.csv:101: user user00099@big.example.com exists$' \
	"$tz" user import "$tmp/big.csv" --db "sqlite:$tmp/big.db"
grep -q '\.\.\. 10000 problems in all$' "$tmp/err" && pass=$((pass + 1)) ||
	{ fail=$((fail + 1)); echo "FAIL import-10k-again-count" >&2; cat "$tmp/err" >&2; }

# one bad line among good ones: exit 1, FILE:LINE, nothing imported
{
	echo 'aor,password'
	for i in 1 2 3 4 5; do echo "good$i@example.net,pw$i"; done
	echo 'bad@example.net:5060,pw'
	for i in 6 7 8; do echo "good$i@example.net,pw$i"; done
} >"$tmp/bad.csv"
check import-bad 1 "^trapezoid user: $tmp/bad.csv:7: bad AOR \"bad@example.net:5060\": a port is not part of an AOR\$" \
	"$tz" user import "$tmp/bad.csv" $db
grep -q "^trapezoid user: $tmp/bad.csv: nothing imported\$" "$tmp/err" && [ ! -s "$tmp/out" ] &&
	pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL import-bad-summary" >&2; cat "$tmp/err" >&2; }
check_out import-bad-nothing "" "$tz" user list example.net $db
check import-missing 1 "^trapezoid user: $tmp/none.csv: No such file or directory\$" \
	"$tz" user import "$tmp/none.csv" $db
printf 'frank@example.net,pw\n' >"$tmp/ok.csv"
check import-ok 0 '^imported 1 users$' "$tz" user import "$tmp/ok.csv" $db
check_out import-ok-list "frank@example.net" "$tz" user list example.net $db
}

cli_done

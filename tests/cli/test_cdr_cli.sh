#!/bin/sh
# The command-line contract of `trapezoid cdr` (DESIGN.md "Interfaces"):
# every record as CSV (header, RFC 4180 quoting, ISO 8601 UTC times with
# milliseconds, duration answer to end) or as one JSON array, oldest end
# first; --since as Unix seconds, ISO 8601 or an age; exit 2 for a bad
# TIME or format. The records are written by tz_cdr_seed through the store.
# It reads while another connection holds the write lock, as a running
# server may.
# usage: test_cdr_cli.sh TRAPEZOID TZ_CDR_SEED
set -u
tz=$1
seed=$2
. "$(dirname "$0")/lib.sh"
db="--db sqlite:$tmp/c.db"
TAB=$(printf '\t')

# shellcheck disable=SC2086
{
# nothing yet: the header alone, an empty array
check_out empty-csv "id,caller,callee,call_id,start,answer,end,duration,status,ended_by,reason" "$tz" cdr $db
check_out empty-json "[]" "$tz" cdr --format json $db

# 2025-01-15T10:00:00Z, and a call that ended ten minutes ago
t0=1736935200000
now=$(date +%s)
r_end=$(((now - 600) * 1000))
r_iso=$(date -u -d "@$((now - 600))" +%Y-%m-%dT%H:%M:%S).000Z
r_start_iso=$(date -u -d "@$((now - 605))" +%Y-%m-%dT%H:%M:%S).000Z
r_ans_iso=$(date -u -d "@$((now - 604))" +%Y-%m-%dT%H:%M:%S).000Z
{
	printf "%s\n" "sip:alice@example.com${TAB}sip:bob@example.com${TAB}call-1@host${TAB}$((t0 + 123))${TAB}$((t0 + 2000))${TAB}$((t0 + 62500))${TAB}200${TAB}callee${TAB}BYE"
	printf "%s\n" "sip:carol@example.com${TAB}sip:bob@example.com${TAB}call,2${TAB}$((t0 + 3600000))${TAB}0${TAB}$((t0 + 3605000))${TAB}486${TAB}callee${TAB}486 Busy Here, \"try later\""
	printf "%s\n" "sip:dave@example.com${TAB}tel:+15550100${TAB}call-3${TAB}$((t0 + 5400000))${TAB}$((t0 + 5401000))${TAB}$((t0 + 5401999))${TAB}200${TAB}proxy${TAB}line1\\r\\nline2"
	printf "%s\n" "sip:erin@example.com${TAB}sip:bob@example.com${TAB}call-4${TAB}$((t0 + 86400000))${TAB}0${TAB}$((t0 + 86400250))${TAB}487${TAB}caller${TAB}CANCEL"
	printf "%s\n" "sip:fay@example.com${TAB}sip:bob@example.com${TAB}call-5${TAB}$((r_end - 5000))${TAB}$((r_end - 4000))${TAB}${r_end}${TAB}200${TAB}${TAB}caf\\xe9"
} >"$tmp/records"
"$seed" "$tmp/c.db" <"$tmp/records" || { echo "FAIL seed" >&2; exit 1; }

# CSV, every record, byte for byte (quoted fields keep their CR LF)
printf '%s\n' \
	'id,caller,callee,call_id,start,answer,end,duration,status,ended_by,reason' \
	'1,sip:alice@example.com,sip:bob@example.com,call-1@host,2025-01-15T10:00:00.123Z,2025-01-15T10:00:02.000Z,2025-01-15T10:01:02.500Z,60.500,200,callee,BYE' \
	'2,sip:carol@example.com,sip:bob@example.com,"call,2",2025-01-15T11:00:00.000Z,,2025-01-15T11:00:05.000Z,0.000,486,callee,"486 Busy Here, ""try later"""' >"$tmp/want"
printf '3,sip:dave@example.com,tel:+15550100,call-3,2025-01-15T11:30:00.000Z,2025-01-15T11:30:01.000Z,2025-01-15T11:30:01.999Z,0.999,200,proxy,"line1\r\nline2"\n' >>"$tmp/want"
printf '%s\n' '4,sip:erin@example.com,sip:bob@example.com,call-4,2025-01-16T10:00:00.000Z,,2025-01-16T10:00:00.250Z,0.000,487,caller,CANCEL' >>"$tmp/want"
printf '5,sip:fay@example.com,sip:bob@example.com,call-5,%s,%s,%s,4.000,200,,caf\351\n' "$r_start_iso" "$r_ans_iso" "$r_iso" >>"$tmp/want"
"$tz" cdr $db >"$tmp/got" 2>"$tmp/err"
check_that csv-exact cmp "$tmp/want" "$tmp/got"
check_that csv-quiet [ ! -s "$tmp/err" ]
"$tz" cdr --format csv $db >"$tmp/got2"
check_that csv-explicit cmp "$tmp/want" "$tmp/got2"

# the ids of the records listed (a CSV reader, for the quoted newlines)
ids() { # trapezoid cdr arguments...
	"$tz" cdr "$@" | python3 -c 'import csv, sys
r = list(csv.reader(sys.stdin))
assert r[0][0] == "id", r[0]
print(" ".join(x[0] for x in r[1:]))'
}
check_out since-unix "2 3 4 5" ids --since 1736938800 $db
check_out since-unix-0 "1 2 3 4 5" ids --since 0 $db
check_out since-iso-z "2 3 4 5" ids --since 2025-01-15T11:00:05Z $db
check_out since-iso-ms "3 4 5" ids --since 2025-01-15T11:00:05.001Z $db
check_out since-iso-space "3 4 5" ids --since '2025-01-15 11:00:06' $db
check_out since-date "4 5" ids --since 2025-01-16 $db
check_out since-boundary "5" ids --since=2025-01-16T10:00:00.251Z $db
check_out since-offset "4 5" ids --since 2025-01-16T11:00:00+01:00 $db
check_out since-rel-min "5" ids --since 30min $db
check_out since-rel-h "5" ids --since 2h $db
check_out since-rel-d "5" ids --since 365d $db
check_out since-rel-all "1 2 3 4 5" ids --since 1000d $db
check_out since-rel-s "" ids --since 300s $db
check_out since-future "" ids --since 2099-01-01 $db

# JSON: valid, one array, times as ISO text and ms numbers
"$tz" cdr --format json $db >"$tmp/json" 2>"$tmp/err"
check_that json-valid python3 -m json.tool "$tmp/json" /dev/null
check_that json-fields python3 - "$tmp/json" "$r_end" <<'PY'
import json, sys
a = json.load(open(sys.argv[1], encoding="utf-8"))
r_end = int(sys.argv[2])
assert [x["id"] for x in a] == [1, 2, 3, 4, 5], a
one = a[0]
assert list(one) == ["id", "caller", "callee", "call_id", "start", "start_ms",
                     "answer", "answer_ms", "end", "end_ms", "duration_ms",
                     "status", "ended_by", "reason"], list(one)
assert one["caller"] == "sip:alice@example.com"
assert one["start"] == "2025-01-15T10:00:00.123Z" and one["start_ms"] == 1736935200123
assert one["answer"] == "2025-01-15T10:00:02.000Z" and one["answer_ms"] == 1736935202000
assert one["end"] == "2025-01-15T10:01:02.500Z" and one["end_ms"] == 1736935262500
assert one["duration_ms"] == 60500 and one["status"] == 200
assert one["ended_by"] == "callee" and one["reason"] == "BYE"
assert a[1]["answer"] is None and a[1]["answer_ms"] is None and a[1]["duration_ms"] == 0
assert a[1]["call_id"] == "call,2" and a[1]["reason"] == '486 Busy Here, "try later"'
assert a[2]["reason"] == "line1\r\nline2"
assert a[4]["reason"] == "caf\u00e9" and a[4]["ended_by"] == "" and a[4]["end_ms"] == r_end
PY
check_out json-since "$(printf '[\n%s\n]' "$(sed -n 6p "$tmp/json")")" "$tz" cdr --since 1h --format json $db

# bad TIME, format or words: exit 2
for t in yesterday 2025-13-01 2025-02-29 2024-02-30 2025-01-15T24:00:00Z \
	2025-01-15T10:60 2025-1-15 10m 1.5h -5 '' 2025-01-15T10:00:00Q 99999999999999d; do
	check "bad-since-'$t'" 2 '^trapezoid cdr: --since: bad time ".*" \(expected Unix seconds' \
		"$tz" cdr --since "$t" $db
done
check_out leap-day "" ids --since 2024-02-29 --db "sqlite:$tmp/empty.db"
check bad-format 2 '^trapezoid cdr: --format: expected csv or json, not "xml"$' "$tz" cdr --format xml $db
check since-no-value 2 '^trapezoid cdr: --since: missing value$' "$tz" cdr $db --since
check extra-word 2 'usage: trapezoid cdr' "$tz" cdr all $db
check bad-option 2 '^trapezoid cdr: --frobnicate: unknown option$' "$tz" cdr --frobnicate 1 $db
check_out help "$("$tz" cdr help)" "$tz" cdr --help

# a writer holding the lock (a running server's batch): the export reads
# the last commit at once, without waiting for the lock
printf "%s\n" "sip:gus@example.com${TAB}sip:bob@example.com${TAB}call-6${TAB}1${TAB}0${TAB}$((r_end + 1))${TAB}408${TAB}proxy${TAB}timeout" |
	"$seed" "$tmp/c.db" --hold 6 >"$tmp/hold" &
holder=$!
i=0
while ! grep -q holding "$tmp/hold" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
t1=$(date +%s)
check_out while-held "1 2 3 4 5" ids $db
t2=$(date +%s)
check_that while-held-fast [ $((t2 - t1)) -lt 4 ]
wait "$holder"
check_out after-commit "1 2 3 4 5 6" ids $db
}

cli_done

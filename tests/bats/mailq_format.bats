#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Monitoring: mailq's JSON lines (-bp --json, mailq --json) with their
# exact members, the submitter in both listings, and the queue check
# (--queue-check, --queue-check-count) with its Nagios line and exit
# codes 0-3.
#
# Entries are real: sent with nothing listening on $PORT, so each is
# queued after one failed attempt.  The retry delay is an hour and the
# flusher each send starts is stopped (and waited for) before a test
# edits an entry's .env, so nothing rewrites it meanwhile.

load helper

setup_file() { common_setup_file; }
setup() {
	common_setup
	Q=$HOME/queue
	PORT=$(free_port)
	write_config plain "queue on" "queue_backoff_min 1h" \
	    "queue_backoff_max 1h"
}
teardown() {
	stop_flusher "$Q"
	common_teardown
}

# queue_tok TOK [SMTPS ARGS...]: send one message (recipients last in the
# arguments, default bob@example.net) with the server down; prints its ID
queue_tok() {
	local tok=$1 id
	shift
	[ $# -gt 0 ] || set -- bob@example.net
	printf 'Subject: %s\n\nbody of %s\n' "$tok" "$tok" > "$T/in.$tok"
	timeout -k 5 30 "$SMTPS" -C "$CFG" "$@" < "$T/in.$tok" \
	    > "$T/out.$tok" 2> "$T/err.$tok" ||
		{ echo "send $tok: exit $?: $(cat "$T/err.$tok")" >&2; return 1; }
	id=$(sed -n 's/^smtps: queued \([0-9a-f.]*\): .*/\1/p' "$T/err.$tok")
	[ -n "$id" ] && [ -e "$Q/$id.env" ] ||
		{ echo "send $tok: not queued: $(cat "$T/err.$tok")" >&2; return 1; }
	echo "$id"
}

# stop the flusher of $Q and wait (10 s at most) until it has exited
flusher_gone() {
	local pid
	pid=$(cat "$Q/flush.lock" 2>/dev/null) || return 0
	[ -n "$pid" ] || return 0
	! tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline" |
	    grep -q -- "--flush-daemon $Q"
}
quiet_queue() {
	local n=50
	stop_flusher "$Q"
	while ! flusher_gone; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || fail "the flusher did not stop"
		sleep 0.2
	done
}

# env_val ID KEY: the value of KEY in entry ID's .env
env_val() {
	sed -n "s/^$2 //p" "$Q/$1.env"
}

# set_created ID SECONDS_AGO: the entry was made that long ago
set_created() {
	local t=$(( $(date +%s) - $2 ))
	sed -i "s/^created .*/created $t/" "$Q/$1.env"
	[ "$(env_val "$1" created)" = "$t" ] || fail "created not set"
}

# run_check ARGS...: smtps ARGS with -C $CFG; status, output (stdout)
run_check() {
	run_smtps "$@"
	[ -z "$stderr" ] || fail "stderr: $stderr"
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 1 ] ||
		fail "not one line: $output"
}

@test "--json: one object per entry and line, every member exact" {
	id1=$(queue_tok j1) || fail "queue j1"
	id2=$(queue_tok j2 -f 'sender@example.com' bob@example.net \
	    carol@example.net) || fail "queue j2"
	quiet_queue
	run_smtps -bp --json
	assert_status 0
	[ -z "$stderr" ] || fail "stderr: $stderr"
	real=$(realpath "$CFG")
	for id in "$id1" "$id2"; do
		printf '%s %s %s %s %s\n' "$id" "$(env_val "$id" created)" \
		    "$(stat -c %s "$Q/$id.msg")" "$(env_val "$id" next)" \
		    "$(env_val "$id" attempts)"
		env_val "$id" error
	done > "$T/expect"
	"$PYTHON" - "$T/stdout" "$T/expect" "$real" <<'PY' || fail "JSON: $output"
import json, sys
lines = open(sys.argv[1]).read().split("\n")
assert lines[-1] == "", "no final newline"
objs = [json.loads(l) for l in lines[:-1]]
exp = open(sys.argv[2]).read().split("\n")
assert len(objs) == 2, len(objs)
senders = ["alice@example.org", "sender@example.com"]
rcpts = [["bob@example.net"], ["bob@example.net", "carol@example.net"]]
for i, o in enumerate(objs):
    qid, created, size, nxt, att = exp[2 * i].split()
    err = exp[2 * i + 1]
    assert err.startswith("cannot connect to 127.0.0.1 port "), err
    want = {
        "queue_id": qid, "arrival_time": int(created),
        "message_size": int(size), "sender": senders[i],
        "account": "default", "config": sys.argv[3], "attempts": 1,
        "next_retry": int(nxt), "submitter": None,
        "recipients": [{"address": a, "delay_reason": err}
                       for a in rcpts[i]],
    }
    assert int(att) == 1, att
    assert o == want, "\n%r\n%r" % (o, want)
    assert list(o) == list(want), list(o)
PY
	# the same through the mailq name
	ln -s "$SMTPS" "$T/mailq"
	"$T/mailq" -C "$CFG" --json > "$T/mailq.out" || fail "mailq --json: $?"
	cmp -s "$T/stdout" "$T/mailq.out" || fail "mailq --json differs: $(cat "$T/mailq.out")"
}

@test "--json: an empty queue prints nothing; --json without -bp is refused" {
	run_smtps -bp --json
	assert_status 0
	[ -z "$output" ] || fail "output for an empty queue: $output"
	run_smtps -bp
	[ "$output" = "Mail queue is empty" ] || fail "human: $output"
	run_smtps --json
	assert_status 64
	[ "$stderr" = "smtps: --json goes with -bp (mailq) only" ] || fail "stderr: $stderr"
}

@test "the submitter (system service) in both listings; none without it" {
	id1=$(queue_tok s1) || fail "queue s1"
	id2=$(queue_tok s2) || fail "queue s2"
	quiet_queue
	echo "submitter 33 www-data" >> "$Q/$id2.env"
	run_smtps -bp
	assert_status 0
	# the lines of each entry, in order
	awk -v id="$id2" '$1 == id { p = 1; print; next } /^[^ ]/ { p = 0 } p' \
	    "$T/stdout" > "$T/e2"
	awk -v id="$id1" '$1 == id { p = 1; print; next } /^[^ ]/ { p = 0 } p' \
	    "$T/stdout" > "$T/e1"
	grep -Eqx "$id2  [0-9]+ bytes  age [0-9]+ s  from <alice@example.org>  \(account default\)" "$T/e2" ||
		fail "first line: $output"
	[ "$(sed -n 2p "$T/e2")" = "    submitted by www-data (uid 33)" ] || fail "no submitter line: $output"
	[ "$(sed -n 3p "$T/e2")" = "    to <bob@example.net>" ] || fail "order: $output"
	[ "$(wc -l < "$T/e2")" -eq 5 ] || fail "entry 2 lines: $(cat "$T/e2")"
	! grep -q 'submitted by' "$T/e1" || fail "submitter on entry 1: $output"
	[ "$(wc -l < "$T/e1")" -eq 4 ] || fail "entry 1 lines: $(cat "$T/e1")"
	grep -qx "2 messages in $Q" "$T/stdout" || fail "$output"
	run_smtps -bp --json
	assert_status 0
	"$PYTHON" -c '
import json, sys
o = [json.loads(l) for l in open(sys.argv[1])]
s = {x["queue_id"]: x["submitter"] for x in o}
assert s == {sys.argv[2]: None, sys.argv[3]: {"uid": 33, "name": "www-data"}}, s
' "$T/stdout" "$id1" "$id2" || fail "JSON submitter: $output"
}

@test "an unreadable entry: shown with why in both listings, WARNING in the check" {
	# an ID made 47 minutes ago (its first part is the time, in hex)
	id=$(printf '%010x.000001.00000001' $(( $(date +%s) - 2820 )))
	mkdir -p "$Q"
	chmod 700 "$Q"
	printf 'Subject: x\r\n\r\nx\r\n' > "$Q/$id.msg"
	printf 'smtps-queue 1\ncreated nonsense\n' > "$Q/$id.env"
	run_smtps -bp
	assert_status 0
	grep -Eqx "$id  \(unreadable: .+\)" "$T/stdout" || fail "human: $output"
	run_smtps -bp --json
	assert_status 0
	"$PYTHON" -c '
import json, sys
o = [json.loads(l) for l in open(sys.argv[1])]
assert len(o) == 1 and sorted(o[0]) == ["queue_id", "unreadable"], o
assert o[0]["queue_id"] == sys.argv[2] and o[0]["unreadable"], o
' "$T/stdout" "$id" || fail "JSON: $output"
	# younger than both levels: WARNING all the same, aged by its ID
	run_check --queue-check 1h,2h
	assert_status 1
	[[ "$output" =~ ^"SMTPS QUEUE WARNING - 1 message, oldest 47 min, 1 unreadable | messages=1;;;0 oldest=28"[2-3][0-9]"s;3600;7200;0"$ ]] ||
		fail "line: $output"
	run_check --queue-check 30m,40m
	assert_status 2
	[[ "$output" == "SMTPS QUEUE CRITICAL - 1 message, oldest 47 min, 1 unreadable | "* ]] ||
		fail "line: $output"
}

@test "--queue-check: empty queue OK (0), young entry OK, 47 min WARNING (1), 3 h CRITICAL (2)" {
	run_check --queue-check 30m,2h
	assert_status 0
	[ "$output" = "SMTPS QUEUE OK - 0 messages | messages=0;;;0 oldest=0s;1800;7200;0" ] ||
		fail "line: $output"
	id=$(queue_tok c1) || fail "queue c1"
	quiet_queue
	run_check --queue-check 30m,2h
	assert_status 0
	[[ "$output" =~ ^"SMTPS QUEUE OK - 1 message, oldest "[0-9]+" s | messages=1;;;0 oldest="[0-9]+"s;1800;7200;0"$ ]] ||
		fail "line: $output"
	set_created "$id" 2820
	run_check --queue-check 30m,2h
	assert_status 1
	[[ "$output" =~ ^"SMTPS QUEUE WARNING - 1 message, oldest 47 min | messages=1;;;0 oldest=28"[2-3][0-9]"s;1800;7200;0"$ ]] ||
		fail "line: $output"
	# WARN only: never critical
	set_created "$id" 10800
	run_check --queue-check 30m
	assert_status 1
	run_check --queue-check 30m,2h
	assert_status 2
	[[ "$output" =~ ^"SMTPS QUEUE CRITICAL - 1 message, oldest 3 h | messages=1;;;0 oldest=108"[0-9][0-9]"s;1800;7200;0"$ ]] ||
		fail "line: $output"
	# the oldest entry decides; the listing is not changed by the check
	id2=$(queue_tok c2) || fail "queue c2"
	quiet_queue
	run_check --queue-check=4h
	assert_status 0
	[[ "$output" == "SMTPS QUEUE OK - 2 messages, oldest 3 h | "* ]] || fail "line: $output"
	[ "$(env_val "$id2" attempts)" = 1 ] || fail "entry changed"
}

@test "--queue-check-count: WARNING and CRITICAL by the number of entries, with ages" {
	queue_tok n1 > /dev/null || fail "queue n1"
	queue_tok n2 > /dev/null || fail "queue n2"
	quiet_queue
	run_check --queue-check-count 3,5
	assert_status 0
	[[ "$output" =~ ^"SMTPS QUEUE OK - 2 messages, oldest "[0-9]+" s | messages=2;3;5;0 oldest="[0-9]+"s;;;0"$ ]] ||
		fail "line: $output"
	run_check --queue-check-count 2,5
	assert_status 1
	[[ "$output" == "SMTPS QUEUE WARNING - 2 messages, "* ]] || fail "line: $output"
	run_check --queue-check-count 1,2 --queue-check 1h
	assert_status 2
	[[ "$output" =~ "| messages=2;1;2;0 oldest="[0-9]+"s;3600;;0"$ ]] || fail "line: $output"
}

@test "--queue-check UNKNOWN (3): queue unreadable, config unreadable, bad levels" {
	# a queue directory others may write to is refused
	mkdir -p "$Q"
	chmod 777 "$Q"
	run_check --queue-check 30m,2h
	assert_status 3
	[[ "$output" == "SMTPS QUEUE UNKNOWN - "*"$Q"* ]] || fail "line: $output"
	# not a directory
	rmdir "$Q"
	echo x > "$Q"
	run_check --queue-check 30m,2h
	assert_status 3
	[[ "$output" == "SMTPS QUEUE UNKNOWN - "* ]] || fail "line: $output"
	# -C names a config that cannot be read: never an OK for another queue
	run_smtps_nocfg -C "$T/nonexistent" --queue-check 30m
	assert_status 3
	[[ "$output" == "SMTPS QUEUE UNKNOWN - "*"$T/nonexistent"* ]] || fail "line: $output"
	[ -z "$stderr" ] || fail "stderr: $stderr"
	# bad levels, recipients: usage errors are UNKNOWN too, not 64
	run_check --queue-check 2h,30m
	assert_status 3
	[ "$output" = "SMTPS QUEUE UNKNOWN - --queue-check '2h,30m': CRIT is below WARN" ] ||
		fail "line: $output"
	run_check --queue-check-count 0
	assert_status 3
	[[ "$output" == "SMTPS QUEUE UNKNOWN - --queue-check-count '0': expected WARN[,CRIT], message counts 1-100000" ]] ||
		fail "line: $output"
	run_check --queue-check 1h bob@example.net
	assert_status 3
	[[ "$output" == "SMTPS QUEUE UNKNOWN - queue commands "* ]] || fail "line: $output"
}

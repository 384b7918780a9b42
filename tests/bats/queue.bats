#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The durable queue: queued on temporary failure, retried by the
# detached flusher, mailq, -q, -qI, --queue-delete, --no-queue, lifetime,
# per-recipient outcome, crash safety (kill -9) and a full disk.
#
# Flushers started by a test are stopped in teardown by the PID they
# write into flush.lock (checked against /proc/PID/cmdline first).

load helper

setup_file() { common_setup_file; }
setup() {
	common_setup
	Q=$HOME/queue
	MNT=
}
teardown() {
	kill_flusher
	common_teardown
	if [ -n "$MNT" ]; then umount "$MNT" 2>/dev/null || true; fi
}

# the running flusher of $Q, if any: its PID
flusher_pid() {
	local pid
	pid=$(cat "$Q/flush.lock" 2>/dev/null) || return 1
	[ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
	tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "--flush-daemon $Q" || return 1
	echo "$pid"
}
kill_flusher() {
	local pid
	pid=$(flusher_pid) || return 0
	kill "$pid" 2>/dev/null || true
}

# config for the scripted server on $PORT with short retry delays
qconfig() {
	write_config plain "queue on" "queue_backoff_min 1" \
	    "queue_backoff_max 2" "$@"
}

# a scenario that listens on $PORT (chosen before the server exists)
start_server_on_port() {
	{ sc_plain; echo "port $PORT"; echo "connections ${1:-100}";
	  echo "max_time 120"; cat; } > "$T/scenario"
	start_server
}

# send a message with a unique Subject/Message-ID token; extra args to smtps
send_tok() {
	local tok=$1
	shift
	printf 'Subject: %s\nMessage-ID: <%s@test>\n\nbody of %s\n' \
	    "$tok" "$tok" "$tok" > "$T/in.$tok"
	timeout -k 5 30 "$SMTPS" -C "$CFG" "$@" bob@example.net \
	    < "$T/in.$tok" > "$T/out.$tok" 2> "$T/err.$tok"
}

entries() {
	ls "$Q"/*.env 2>/dev/null | wc -l
}

# wait_until SECONDS CMD...: poll CMD every 0.2 s
wait_until() {
	local n=$(( $1 * 5 ))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.2
		n=$((n - 1))
	done
	return 1
}
queue_empty() { [ "$(entries)" -eq 0 ]; }
# every entry's next attempt time (its "next" line) is in the past
entries_due() {
	local now f next
	now=$(date +%s)
	for f in "$Q"/*.env; do
		next=$(sed -n 's/^next //p' "$f") || return 1
		[ -n "$next" ] && [ "$next" -lt "$now" ] || return 1
	done
}
have_msgs() { [ -e "$SRV/msg.$1" ]; }

# how many delivered messages carry Message-ID <tok@test>
count_tok() {
	grep -l "^Message-ID: <$1@test>" "$SRV"/msg.[0-9]* 2>/dev/null |
	    grep -vc '\.\(raw\|env\)$' || true
}

@test "server down, then up: queued (exit 0, one line), delivered once by the flusher" {
	PORT=$(free_port)
	qconfig
	send_tok t1 || fail "exit status $? (expected 0)"
	grep -Eq '^smtps: queued [0-9a-f.]+: cannot connect to 127\.0\.0\.1 port [0-9]+: .*; retrying in [0-9]+ s$' "$T/err.t1" ||
		fail "no queued line: $(cat "$T/err.t1")"
	[ "$(wc -l < "$T/err.t1")" -eq 1 ] || fail "more than one line on stderr"
	[ "$(entries)" -eq 1 ] || fail "no queue entry"
	flusher_pid > /dev/null || fail "no flusher running"
	start_server_on_port < /dev/null
	wait_until 30 queue_empty || fail "not delivered within 30 s"
	wait_until 10 have_msgs 1 || fail "no message"
	[ "$(count_tok t1)" -eq 1 ] || fail "delivered $(count_tok t1) times"
	[ ! -e "$SRV/msg.2" ] || fail "a second message"
	grep -q "delivered to 1 recipient" "$Q/log" || fail "log: $(cat "$Q/log")"
	wait_until 10 eval '! flusher_pid > /dev/null' || fail "flusher did not exit"
}

@test "bar: 5 messages while the server is down arrive by themselves; mailq shows them draining" {
	PORT=$(free_port)
	qconfig
	# the default, as a new user has it: no queue keyword at all
	sed -i '/^queue on$/d; /^queue off$/d' "$CFG"
	! grep -q '^queue ' "$CFG" || fail "config still sets queue"
	for i in 1 2 3 4 5; do send_tok bar$i || fail "send $i: $?"; done
	run_smtps -bp
	assert_status 0
	[ "$(grep -c '^    to <bob@example.net>' "$T/stdout")" -eq 5 ] || fail "mailq: $output"
	grep -q '^5 messages in ' "$T/stdout" || fail "mailq: $output"
	start_server_on_port < /dev/null
	seen=5 drained=0
	for _ in $(seq 1 150); do
		n=$("$SMTPS" -C "$CFG" -bp | grep -c '^    to <' || true)
		[ "$n" -le "$seen" ] || fail "queue grew from $seen to $n"
		seen=$n
		if [ "$n" -eq 0 ]; then drained=1; break; fi
		sleep 0.2
	done
	[ "$drained" -eq 1 ] || fail "queue not drained in 30 s"
	"$SMTPS" -C "$CFG" -bp | grep -qx 'Mail queue is empty' || fail "mailq not empty"
	for i in 1 2 3 4 5; do
		[ "$(count_tok bar$i)" -eq 1 ] || fail "bar$i delivered $(count_tok bar$i) times"
	done
}

@test "20 concurrent smtps while the server is down, then up: each exactly once" {
	PORT=$(free_port)
	qconfig
	pids=
	for i in $(seq 1 20); do
		send_tok c$i & pids="$pids $!"
	done
	for p in $pids; do wait "$p" || fail "an smtps exited $?"; done
	[ "$(entries)" -eq 20 ] || fail "$(entries) entries, expected 20"
	start_server_on_port < /dev/null
	wait_until 60 queue_empty || fail "queue not empty after 60 s: $(entries)"
	for i in $(seq 1 20); do
		[ "$(count_tok c$i)" -eq 1 ] || fail "c$i delivered $(count_tok c$i) times"
	done
	[ ! -e "$SRV/msg.21" ] || fail "more than 20 messages"
	for f in "$SRV"/msg.*.raw; do
		[ "$(tail -c 5 "$f" | od -An -c | tr -d ' ')" = '\r\n.\r\n' ] ||
			fail "$f does not end with CRLF.CRLF"
	done
}

@test "kill -9 at random points of spooling and delivery (60 runs): nothing lost, nothing partial, no duplicate except after the final dot" {
	scenario <<EOF
$(sc_plain)
connections 1000
max_time 170
on DOT raw \\p\\p250 2.0.0 Ok\\r\\n
EOF
	start_server
	qconfig
	head -c 300000 /dev/urandom | base64 -w 76 > "$T/body"
	: > "$T/runs"
	for i in $(seq 1 60); do
		d1=$((RANDOM % 100)) d2=$((RANDOM % 1200))
		mkfifo "$T/fifo"
		"$SMTPS" -C "$CFG" bob@example.net < "$T/fifo" 2> "$T/err.k$i" &
		pid=$!
		{ printf 'Subject: k%s\nMessage-ID: <k%s@test>\n\n' "$i" "$i"
		  sleep "0.0$((RANDOM % 10))"; cat "$T/body"; } > "$T/fifo" 2> /dev/null &
		wpid=$!
		sleep "$(printf %d.%03d $(((d1 + d2) / 1000)) $(((d1 + d2) % 1000)))"
		kill -9 "$pid" 2>/dev/null || true
		rc=0; wait "$pid" || rc=$?
		wait "$wpid" 2>/dev/null || true
		rm -f "$T/fifo"
		echo "k$i $rc" >> "$T/runs"
	done
	# deliver whatever is left, then let any flusher finish
	timeout 60 "$SMTPS" -C "$CFG" -q > "$T/q.out" 2>&1 || true
	wait_until 60 queue_empty || fail "queue not empty: $(ls "$Q")"
	server_idle 10 || true
	killed=$(grep -vc ' 0$' "$T/runs" || true)
	echo "# $killed of 60 runs killed" >&3
	"$PYTHON" - "$T/body" "$SRV" "$T/runs" <<'PY' || fail "check failed"
import os, re, sys
body = open(sys.argv[1], "rb").read().replace(b"\n", b"\r\n")
srv = sys.argv[2]
runs = dict(l.split() for l in open(sys.argv[3]))
tr = open(os.path.join(srv, "transcript"), encoding="utf-8").read().splitlines()
seen = {}
n = 1
bad = 0
while os.path.exists(os.path.join(srv, "msg.%d" % n)):
    raw = open(os.path.join(srv, "msg.%d.raw" % n), "rb").read()
    msg = open(os.path.join(srv, "msg.%d" % n), "rb").read()
    if not raw.endswith(b"\r\n.\r\n"):
        print("msg.%d.raw lacks the final dot" % n); bad += 1
    m = re.search(rb"^Message-ID: <(k\d+)@test>", msg, re.M)
    tok = m.group(1).decode() if m else None
    if tok is None or msg.split(b"\r\n\r\n", 1)[1] != body:
        print("msg.%d is not a complete message" % n); bad += 1
    # what the client did after this message's final dot
    i = tr.index("-- message %d: %d bytes" % (n, len(msg)))
    after = next((l for l in tr[i + 2:] if l.startswith(("C: ", "C+ ", "-- "))), "")
    seen.setdefault(tok, []).append((n, after))
    n += 1
for tok, rc in runs.items():
    got = seen.get(tok, [])
    if rc == "0" and not got:
        print("%s: exit 0 but never delivered" % tok); bad += 1
    for (k, after) in got[:-1]:
        # a duplicate is only allowed when the client vanished after the
        # dot; a QUIT that came with the dot ("C+ QUIT") was sent before
        # the reply arrived, so it does not show the client saw the 250
        # (nor does an RSET that came with it, on a session kept open)
        if not after.startswith(("-- EOF", "-- error", "-- reset", "C+ QUIT", "C+ RSET")):
            print("%s: delivered again although msg.%d ended with %r" % (tok, k, after)); bad += 1
dups = sum(len(v) - 1 for v in seen.values())
print("# %d messages, %d distinct, %d after-dot duplicates" % (n - 1, len(seen), dups))
sys.exit(1 if bad else 0)
PY
}

@test "queue on a full filesystem: exit 75, nothing half-written" {
	MNT=$T/full
	mkdir -p "$MNT"
	mount -t tmpfs -o size=128k tmpfs "$MNT" 2>/dev/null || { MNT=; skip "cannot mount a tmpfs"; }
	PORT=$(free_port)
	qconfig "queue_dir $MNT/queue"
	Q=$MNT/queue
	head -c 400000 /dev/urandom | base64 > "$T/big"
	{ printf 'Subject: big\n\n'; cat "$T/big"; } > "$INPUT"
	run_smtps bob@example.net
	assert_status 75
	assert_error_line 'No space left on device'
	[ -z "$(find "$MNT/queue" -type f)" ] || fail "files left: $(find "$MNT/queue" -type f)"
	[ ! -e "$HOME/dead.letter" ] || fail "a dead.letter was written"
}

@test "queue_lifetime: given up, message in dead.letter, logged, entry removed" {
	PORT=$(free_port)
	qconfig "queue_lifetime 4s"	# the first attempt must not outlive it
	std_message
	run_smtps bob@example.net
	assert_status 0
	assert_stderr_match '^smtps: queued '
	dl_has_msg() { grep -q '^Subject: test message' "$HOME/dead.letter" 2>/dev/null; }
	wait_until 30 dl_has_msg || fail "no dead.letter after 30 s"
	wait_until 10 queue_empty || fail "entry not removed"
	head -n 1 "$HOME/dead.letter" | grep -q '^From alice@example.org ' || fail "no mbox From line"
	grep -q 'gave up after' "$Q/log" || fail "log: $(cat "$Q/log")"
}

@test "mailq (-bp and the mailq name): entries with ID, size, sender, recipients, attempts, error" {
	PORT=$(free_port)
	qconfig "queue_backoff_min 1h" "queue_backoff_max 2h"
	run_smtps -bp
	assert_status 0
	[ "$output" = "Mail queue is empty" ] || fail "empty queue: '$output'"
	std_message
	run_smtps bob@example.net carol@example.net
	assert_status 0
	id=$(sed -n 's/^smtps: queued \([^:]*\):.*/\1/p' "$T/stderr")
	[ -n "$id" ] || fail "no ID in: $stderr"
	ln -s "$SMTPS" "$T/mailq"
	for how in bp name; do
		if [ $how = bp ]; then run_smtps -bp; else
			"$T/mailq" -C "$CFG" > "$T/stdout" 2>&1; status=$?; output=$(cat "$T/stdout"); fi
		assert_status 0
		grep -Eq "^$id  [0-9]+ bytes  age [0-9]+ s  from <alice@example.org>  \(account [a-z]+\)\$" "$T/stdout" || fail "$how: $output"
		grep -qx '    to <bob@example.net>' "$T/stdout" || fail "$how: $output"
		grep -qx '    to <carol@example.net>' "$T/stdout" || fail "$how: $output"
		grep -Eq '^    attempts 1, next retry in [0-9]+ (s|min)$' "$T/stdout" || fail "$how: $output"
		grep -Eq '^    last error: cannot connect to 127\.0\.0\.1 port [0-9]+: ' "$T/stdout" || fail "$how: $output"
		grep -qx "1 message in $Q" "$T/stdout" || fail "$how: $output"
	done
}

@test "--no-queue and 'queue off': temporary failure exits 75, dead.letter, nothing queued" {
	PORT=$(free_port)
	qconfig
	std_message
	run_smtps --no-queue bob@example.net
	assert_status 75
	assert_dead_letter '^Subject: test message'
	queue_empty || fail "queued although --no-queue"
	rm -f "$HOME/dead.letter"
	qconfig "queue off"
	run_smtps bob@example.net
	assert_status 75
	assert_dead_letter '^Subject: test message'
	queue_empty || fail "queued although queue off"
	! flusher_pid > /dev/null || fail "a flusher was started"
}

@test "-q delivers every entry now and reports each; -qI one; --queue-delete" {
	PORT=$(free_port)
	qconfig "queue_backoff_min 1h" "queue_backoff_max 2h"
	for i in 1 2 3; do send_tok q$i || fail "send $i"; done
	ids=$(sed -n 's/^smtps: queued \([^:]*\):.*/\1/p' "$T"/err.q1 "$T"/err.q2 "$T"/err.q3)
	set -- $ids
	[ $# -eq 3 ] || fail "expected 3 IDs: $ids"
	run_smtps --queue-delete "$3"
	assert_status 0
	run_smtps --queue-delete "$3"
	assert_status 64
	run_smtps -qI '../x'
	assert_status 64
	start_server_on_port < /dev/null
	run_smtps -qI "$1"
	assert_status 0
	[ "$output" = "$1: delivered" ] || fail "-qI: $output"
	[ "$(entries)" -eq 1 ] || fail "expected one entry left"
	run_smtps -q
	assert_status 0
	[ "$output" = "$2: delivered" ] || fail "-q: $output"
	queue_empty || fail "queue not empty"
	server_idle 5 || true
	[ "$(count_tok q1)" -eq 1 ] && [ "$(count_tok q2)" -eq 1 ] || fail "q1/q2 not delivered once"
	[ "$(count_tok q3)" -eq 0 ] || fail "deleted q3 was delivered"
	run_smtps -q
	assert_status 0
	[ "$output" = "Mail queue is empty" ] || fail "-q on empty queue: $output"
}

@test "-q when the server is still down: deferred, exit 75, entry kept" {
	PORT=$(free_port)
	qconfig "queue_backoff_min 1h" "queue_backoff_max 2h"
	send_tok d1 || fail "send"
	run_smtps -q
	assert_status 75
	grep -Eq '^[0-9a-f.]+: deferred: cannot connect to .*; retrying in [0-9]+ s$' "$T/stdout" || fail "$output"
	[ "$(entries)" -eq 1 ] || fail "entry gone"
}

@test "per recipient: one 451, one accepted -> delivered to one, the other queued (exit 0)" {
	scenario <<EOF
$(sc_plain)
connections 5
on RCPT:later@example.net reply 451 4.3.0 try again later
EOF
	start_server
	qconfig "queue_backoff_min 1h" "queue_backoff_max 2h"
	std_message
	run_smtps bob@example.net later@example.net
	assert_status 0
	assert_stderr_match '^smtps: queued [0-9a-f.]+: delivered to 1 of 2 recipients, then: recipient refused: <later@example.net> \(451 4\.3\.0 try again later\).*; retrying in [0-9]+ s$'
	assert_delivered 1
	[ "$(grep -c '^RCPT' "$SRV/msg.1.env")" -eq 1 ] && grep -q 'bob@example.net' "$SRV/msg.1.env" ||
		fail "msg.1 envelope: $(cat "$SRV/msg.1.env")"
	[ "$(entries)" -eq 1 ] || fail "no entry"
	grep -qx 'rcpt later@example.net' "$Q"/*.env || fail "entry lacks the deferred recipient"
	! grep -qx 'rcpt bob@example.net' "$Q"/*.env || fail "entry keeps the delivered recipient"
}

@test "per recipient: one 550 with queueing on -> nobody, both named, dead.letter, exit 67" {
	scenario <<EOF
$(sc_plain)
on RCPT:nobody@example.net reply 550 5.1.1 no such user
on RCPT:later@example.net reply 451 4.3.0 later
EOF
	start_server
	qconfig
	std_message
	run_smtps bob@example.net nobody@example.net later@example.net
	assert_status 67
	assert_error_line '<nobody@example.net> \(550 5\.1\.1 no such user\)'
	assert_error_line '<later@example.net> \(451 4\.3\.0 later\)'
	assert_no_message
	assert_dead_letter '^Subject: test message'
	queue_empty || fail "entry left"
}

@test "connection lost after the final dot: queued, 'a duplicate is possible'" {
	scenario <<EOF
$(sc_plain)
on DOT close
EOF
	start_server
	qconfig "queue_backoff_min 1h" "queue_backoff_max 2h"
	std_message
	run_smtps bob@example.net
	assert_status 0
	assert_stderr_match '^smtps: queued .*a duplicate is possible.*; retrying in [0-9]+ s$'
	[ "$(entries)" -eq 1 ] || fail "not queued"
	grep -q 'a duplicate is possible' "$Q/log" || fail "not logged"
}

@test "a successful delivery also sends due entries over the same connection" {
	PORT=$(free_port)
	qconfig
	send_tok old || fail "send"
	kill_flusher
	wait_until 10 eval '! flusher_pid > /dev/null' || fail "flusher still runs"
	# the entry becomes due: wait until the clock has passed its "next"
	wait_until 10 entries_due || fail "the entry did not become due"
	start_server_on_port 1 < /dev/null
	send_tok new || fail "send new: $(cat "$T/err.new")"
	server_done 10 || fail "server still running"
	[ "$(count_tok new)" -eq 1 ] && [ "$(count_tok old)" -eq 1 ] || fail "not both delivered"
	[ "$(grep -c '^-- message' "$SRV/transcript")" -eq 2 ] || fail "not two messages"
	[ "$(grep -c '^S: 220 ' "$SRV/transcript")" -eq 1 ] || fail "more than one connection"
	queue_empty || fail "queue not empty"
}

@test "a session kept open for more entries proves each dot's reply: RSET leaves with the dot, and a late 451 read for it means 'a duplicate is possible', never delivered" {
	PORT=$(free_port)
	qconfig "queue_backoff_min 1h" "queue_backoff_max 2h"
	send_tok late1 || fail "send 1"
	send_tok late2 || fail "send 2"
	kill_flusher
	[ "$(entries)" -eq 2 ] || fail "not two entries"
	# the first dot gets a 250, then - in a second write - its real 451
	start_server_on_port 2 <<'EOF2'
on DOT#1 raw 250 2.0.0 Ok: queued as 1\r\n\p451 4.3.0 the real answer\r\n
EOF2
	run_smtps -q
	assert_status 75
	grep -q 'a duplicate is possible' <<< "$output" || fail "-q: $output"
	assert_sequence 'C: \.' 'S: \[raw\] 250 2\.0\.0 Ok: queued as 1.*' 'S: \[raw\] 451 .*' 'C\+ RSET'
	[ "$(entries)" -eq 1 ] || fail "$(entries) entries: the first must stay queued"
	grep -q 'a duplicate is possible' "$Q/log" || fail "not logged"
	! grep -q 'delivered.*late1\|late1.*delivered' "$Q/log" || fail "logged as delivered"
}

@test "a session kept open for more entries: RSET with each dot but the last, which takes QUIT; every entry delivered once over one connection" {
	PORT=$(free_port)
	qconfig "queue_backoff_min 1h" "queue_backoff_max 2h"
	send_tok keep1 || fail "send 1"
	send_tok keep2 || fail "send 2"
	kill_flusher
	start_server_on_port 1 < /dev/null
	run_smtps -q
	assert_status 0
	queue_empty || fail "queue not empty"
	[ "$(count_tok keep1)" -eq 1 ] && [ "$(count_tok keep2)" -eq 1 ] ||
		fail "not each delivered once"
	[ "$(grep -c '^C. RSET$' "$SRV/transcript")" -eq 1 ] ||
		fail "not one RSET: $(grep -c '^C. RSET' "$SRV/transcript")"
	assert_sequence '-- message 1: .*' 'C: \.' 'S: 250 .*' 'C\+ RSET' \
	    'S: 250 .*' '-- message 2: .*' 'C: \.' 'S: 250 .*' 'C\+ QUIT'
	[ "$(grep -c '^S: 220 ' "$SRV/transcript")" -eq 1 ] || fail "more than one connection"
}

@test "-N -R -V are kept in the entry: the flusher's retry carries NOTIFY=, RET=, ENVID=" {
	PORT=$(free_port)
	qconfig
	! grep -q '^dsn_' "$CFG" || fail "the account must not set DSN itself"
	send_tok dsn1 -N success,delay -R hdrs -V 'env+1' || fail "exit status $?"
	[ "$(entries)" -eq 1 ] || fail "no queue entry"
	grep -qx 'notify SUCCESS,DELAY' "$Q"/*.env || fail "env: $(cat "$Q"/*.env)"
	grep -qx 'ret HDRS' "$Q"/*.env || fail "env: $(cat "$Q"/*.env)"
	grep -qx 'envid env+1' "$Q"/*.env || fail "env: $(cat "$Q"/*.env)"
	start_server_on_port <<EOF2
ehlo PIPELINING
ehlo DSN
EOF2
	wait_until 30 queue_empty || fail "not delivered within 30 s"
	wait_until 10 have_msgs 1 || fail "no message"
	assert_transcript 'C[:+] MAIL FROM:<alice@example.org> RET=HDRS ENVID=env\+2B1$'
	assert_transcript 'C[:+] RCPT TO:<bob@example.net> NOTIFY=SUCCESS,DELAY$'
	[ "$(count_tok dsn1)" -eq 1 ] || fail "delivered $(count_tok dsn1) times"
}

@test "an entry without DSN lines (older smtps) still loads; the account's dsn_* apply" {
	PORT=$(free_port)
	qconfig "queue_backoff_min 1h" "queue_backoff_max 2h" "dsn_notify failure"
	send_tok old1 -V gone || fail "exit status $?"
	sed -i '/^notify /d; /^ret /d; /^envid /d' "$Q"/*.env
	echo "future-key some value" >> "$(ls "$Q"/*.env)"
	start_server_on_port <<EOF2
ehlo DSN
EOF2
	run_smtps -q
	assert_status 0
	assert_transcript 'C[:+] MAIL FROM:<alice@example.org>$'
	assert_transcript 'C[:+] RCPT TO:<bob@example.net> NOTIFY=FAILURE$'
}

# the sum.h checksum of a file, computed independently
file_sum() {
	"$PYTHON" - "$1" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
a = b = 0
m = (1 << 64) - 1
for i in range(0, len(d), 8):
    a = (a + int.from_bytes(d[i:i + 8].ljust(8, b"\0"), "little")) & m
    b = (b + a) & m
b ^= (len(d) * 0x9e3779b97f4a7c15) & m
print("%016x%016x" % (a, b))
PY
}

@test "killed before its message was synced: entry 'synced 0' with the message's sum; -q checks it: intact -> delivered once, damaged -> removed, logged, never sent" {
	scenario <<EOF
$(sc_plain)
connections 2
max_time 60
on greeting silent
EOF
	start_server
	qconfig
	for i in 1 2; do
		printf 'Subject: u%s\nMessage-ID: <u%s@test>\n\nbody of u%s\n' \
		    "$i" "$i" "$i" > "$T/in.u$i"
		"$SMTPS" -C "$CFG" bob@example.net < "$T/in.u$i" 2> "$T/err.u$i" &
		echo $! >> "$T/pids"
	done
	# both wait for a greeting that never comes: committed, not synced
	wait_until 4 eval '[ "$(entries)" -eq 2 ]' || fail "entries: $(ls "$Q")"
	sleep 0.3
	kill -9 $(cat "$T/pids")
	for f in "$Q"/*.env; do
		grep -qx 'synced 0' "$f" || fail "$f: $(cat "$f")"
		[ "$(sed -n 's/^sum //p' "$f")" = "$(file_sum "${f%.env}.msg")" ] ||
			fail "sum of ${f%.env}.msg: $(cat "$f")"
	done
	id1=$(basename "$(grep -l '^Message-ID: <u1@test>' "$Q"/*.msg)" .msg)
	id2=$(basename "$(grep -l '^Message-ID: <u2@test>' "$Q"/*.msg)" .msg)
	[ -n "$id1" ] && [ -n "$id2" ] || fail "no entries for u1/u2: $(ls "$Q")"
	# u2 as a power loss may leave it: a block of zeros inside
	printf '\0\0\0\0\0\0\0\0' | dd of="$Q/$id2.msg" bs=1 seek=12 conv=notrunc 2>/dev/null
	stop_server
	scenario <<EOF
$(sc_plain)
connections 5
EOF
	start_server
	qconfig
	run_smtps -q
	assert_status 74
	grep -qx "$id1: delivered" "$T/stdout" || fail "$output"
	grep -qx "$id2: failed: queue entry $id2: the message file is incomplete (the machine stopped before it was saved, so its sender was never told it was queued)" "$T/stdout" || fail "$output"
	grep -q "$id2: removed: queue entry $id2: the message file is incomplete" "$Q/log" || fail "log: $(cat "$Q/log")"
	queue_empty || fail "queue not empty: $(ls "$Q")"
	[ ! -e "$Q/$id2.msg" ] || fail "damaged message file left"
	server_idle 5 || true
	[ "$(count_tok u1)" -eq 1 ] || fail "u1 delivered $(count_tok u1) times"
	[ "$(count_tok u2)" -eq 0 ] || fail "damaged u2 was sent"
}

@test "kept for a retry: the message is synced first ('synced 1' in the entry)" {
	PORT=$(free_port)
	qconfig
	send_tok r1 || fail "exit status $?"
	grep -q '^smtps: queued ' "$T/err.r1" || fail "$(cat "$T/err.r1")"
	f=$(ls "$Q"/*.env)
	grep -qx 'synced 1' "$f" || fail "$(cat "$f")"
	[ "$(sed -n 's/^sum //p' "$f")" = "$(file_sum "${f%.env}.msg")" ] || fail "sum: $(cat "$f")"
}

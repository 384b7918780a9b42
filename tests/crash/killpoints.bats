#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# killpoints.bats - SIGKILL at every system call of a send, of a `-q` and
# of a flusher pass (the kill nobody can catch: the OOM killer, a
# `kill -9`, a power cut as far as the process is concerned).
#
# Method: trace one undisturbed run of the main process (strace, no -f)
# and list its system calls; then, for every position I in that list,
# run the same thing again with `strace -e inject=NAME:signal=KILL:when=N`
# (N = which call of NAME position I is), so the process dies on entry to
# that call.  A run never matches its reference exactly (reads and polls
# vary with timing), so position I is "about there": the loop still kills
# at every kind of point, in order.  After each kill a plain `smtps -q`
# recovers, and the oracles are checked:
#   - exit 0 only when the message was delivered or is durably queued
#     (a queue entry exists that the recovery then delivers);
#   - a queue entry that exists after the kill is delivered by -q: nothing
#     committed is lost, and the queue is empty afterwards;
#   - every delivered copy is the whole message (body compared);
#   - at most one extra delivery, only when the kill came after the final
#     dot went out, and then disclosed in the queue log and in -q's line.
# KILLPOINTS_STEP=N kills at every Nth position only (quick local runs).
#
# Run with `make killpoints` (CI runs it in its fuzzing stage); it is not
# part of `make bats`: each test kills a few hundred runs.

load ../bats/helper

setup_file() { common_setup_file; }
setup() {
	common_setup
	Q=$HOME/queue
	strace_setup
	STEP=${KILLPOINTS_STEP:-1}
}
teardown() {
	stop_flusher "$Q"
	common_teardown
}

# one long-lived TLS server with AUTH for the whole loop
kp_server() {
	scenario <<SC
$(sc_tls)
connections 100000
max_time 3000
nodelay on
SC
	start_server
}

kp_config() {
	write_config tls+auth "queue on" "queue_backoff_min 3600" \
	    "queue_backoff_max 3600"
}

kp_message() {
	cat > "$INPUT" <<'MSG'
Date: Tue, 01 Oct 2024 10:00:00 +0000
Message-ID: <kill.1@example.org>
From: Alice <alice@example.org>
To: Bob <bob@example.net>
Subject: killed at every step

first line of the body
.a line that starts with a dot
last line of the body
MSG
}

# reference ARGS...: the system calls of one undisturbed run of the main
# process, one name a line, into $T/names; prints how many
reference() {
	strace -qq -o "$T/ref" "$SMTPS" "$@" < "$INPUT" > /dev/null 2>&1 ||
	    true
	grep -oE '^[a-z0-9_]+\(' "$T/ref" | tr -d '(' > "$T/names"
	wc -l < "$T/names"
}

# kill_at I ARGS...: run smtps ARGS, SIGKILLed on entry to call I
kill_at() {
	local i=$1 name n
	shift
	name=$(sed -n "${i}p" "$T/names")
	n=$(head -n "$i" "$T/names" | grep -cx "$name")
	status=0
	# (the braces keep bash's "Killed" notice out of the output)
	{ timeout -k 5 60 strace -qq -o /dev/null \
	    -e "inject=$name:signal=KILL:when=$n" \
	    "$SMTPS" "$@" < "$INPUT" > "$T/stdout" 2> "$T/stderr"; } \
	    2> /dev/null || status=$?
	KILLED="call $i ($name #$n)"
	[ "$status" -ne 137 ] || KILLS=$((KILLS + 1))
}

delivered() {
	ls "$SRV" | grep -cE '^msg\.[0-9]+$' || true
}

entries() {
	ls "$Q" 2>/dev/null | grep -c '\.env$' || true
}

# every copy delivered since copy $1 is the whole message
assert_whole() {
	local k body
	body=$(sed '1,/^$/d' "$INPUT")
	for k in $(seq $(($1 + 1)) "$(delivered)"); do
		[ "$(tr -d '\r' < "$SRV/msg.$k" | sed '1,/^$/d')" = "$body" ] ||
			fail "$KILLED: copy $k is not the whole message"
	done
}

# recover BEFORE WAS_QUEUED: stop a flusher the killed run started, run
# -q, then check the oracles for copies delivered since copy BEFORE
recover() {
	local before=$1 queued=$2 d
	stop_flusher "$Q"
	_run_smtps -C "$CFG" -q
	[ "$status" -eq 0 ] ||
		fail "$KILLED: the recovering -q exits $status: $output $stderr"
	d=$(( $(delivered) - before ))
	[ "$(entries)" -eq 0 ] ||
		fail "$KILLED: entries left after -q: $(ls "$Q")"
	[ "$queued" -eq 0 ] || [ "$d" -ge 1 ] ||
		fail "$KILLED: a queued message was lost"
	[ "$d" -le 2 ] || fail "$KILLED: delivered $d times"
	if [ "$d" -eq 2 ]; then
		grep -q 'duplicate' "$Q/log" ||
			fail "$KILLED: a second copy, not disclosed in the queue log"
		grep -q 'duplicate' "$T/stdout" ||
			fail "$KILLED: a second copy, not disclosed by -q: $output"
	fi
	assert_whole "$before"
	D=$d
}

@test "SIGKILL at every system call of a send: nothing committed is lost, exit 0 only when delivered or queued, a duplicate only after the dot and disclosed" {
	kp_server
	kp_config
	kp_message
	local n i before q dups=0 lost=0
	KILLS=0
	n=$(reference -C "$CFG" bob@example.net)
	[ "$n" -gt 100 ] || fail "reference run too short: $n calls"
	stop_flusher "$Q"
	rm -rf "$Q"
	for i in $(seq 1 "$STEP" "$n"); do
		before=$(delivered)
		kill_at "$i" -C "$CFG" bob@example.net
		[ "$status" -eq 0 ] || [ "$status" -eq 137 ] ||
			fail "$KILLED: exit $status: $(cat "$T/stderr")"
		q=$(entries)
		if [ "$status" -eq 0 ] && [ "$q" -eq 0 ] &&
		    [ $(( $(delivered) - before )) -ne 1 ]; then
			fail "$KILLED: exit 0, neither delivered nor queued"
		fi
		recover "$before" "$q"
		[ "$D" -ne 2 ] || dups=$((dups + 1))
		[ "$D" -ne 0 ] || lost=$((lost + 1))
		rm -rf "$Q"
	done
	# the injection must have worked: most runs die (some calls are
	# not reached again when a run takes another path)
	[ "$KILLS" -gt $((n / STEP / 2)) ] ||
		fail "only $KILLS runs were killed: strace's injection did not work"
	echo "# send: $n calls, step $STEP; $KILLS killed; $dups duplicates (disclosed)," \
	    "$lost runs killed before the message was committed" >&3
}

# queue one entry for the live server: sent while nothing listens, then
# the config points at the server (entries re-read their config)
queue_one() {
	local live=$PORT
	PORT=$(free_port)
	kp_config
	run_smtps bob@example.net
	assert_status 0
	stop_flusher "$Q"
	[ "$(entries)" -eq 1 ] || fail "no entry queued"
	# due now, for the flusher (which waits for an entry's `next`)
	sed -i 's/^next .*/next 0/' "$Q"/*.env
	PORT=$live
	kp_config
	cp -a "$Q" "$T/queue.orig"
}

# kill_loop ARGS...: kill every call of `smtps ARGS` run on a fresh copy
# of the one-entry queue; the entry must always arrive
kill_loop() {
	local n i before dups=0
	KILLS=0
	rm -rf "$Q"; cp -a "$T/queue.orig" "$Q"
	before=$(delivered)
	n=$(reference "$@")
	[ "$(( $(delivered) - before ))" -eq 1 ] ||
		fail "the reference run did not deliver"
	[ "$n" -gt 50 ] || fail "reference run too short: $n calls"
	for i in $(seq 1 "$STEP" "$n"); do
		rm -rf "$Q"; cp -a "$T/queue.orig" "$Q"
		before=$(delivered)
		kill_at "$i" "$@"
		[ "$status" -eq 0 ] || [ "$status" -eq 137 ] ||
			fail "$KILLED: exit $status: $(cat "$T/stderr")"
		recover "$before" 1
		[ "$D" -ne 2 ] || dups=$((dups + 1))
	done
	[ "$KILLS" -gt $((n / STEP / 2)) ] ||
		fail "only $KILLS runs were killed: strace's injection did not work"
	echo "# $*: $n calls, step $STEP; $KILLS killed; $dups duplicates (disclosed)" >&3
}

@test "SIGKILL at every system call of -q: the entry is delivered by the next run, at most one duplicate and only disclosed" {
	kp_server
	kp_message
	queue_one
	kill_loop -C "$CFG" -q
}

@test "SIGKILL at every system call of a flusher pass: the entry is delivered by the next run, at most one duplicate and only disclosed" {
	kp_server
	kp_message
	queue_one
	kill_loop --flush-daemon "$Q"
}

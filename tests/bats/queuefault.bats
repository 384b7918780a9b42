#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The queue tells the truth when the disk does not cooperate (DESIGN,
# "Why no message is lost"): faults injected with strace (-e inject=SYSCALL:error=E:when=N)
# into the real binary; N is found by tracing the same run first, so the
# tests do not depend on how many calls come before.

load helper

setup_file() { common_setup_file; }
setup() {
	common_setup
	Q=$HOME/queue
	strace_setup
}
teardown() {
	stop_flusher "$Q"
	common_teardown
}

# inj SPEC ARGS...: run smtps -C $CFG ARGS under strace injecting SPEC
inj() {
	local spec=$1
	shift
	status=0
	timeout -k 5 60 strace -f -o "$T/strace" -e "inject=$spec" \
	    "$SMTPS" -C "$CFG" "$@" < "$INPUT" > "$T/stdout" 2> "$T/stderr" ||
	    status=$?
	output=$(cat "$T/stdout")
	server_idle 10 || true
}

# nth_call SYSCALL RE ARGS...: trace a run of smtps ARGS, print the
# number N of the first SYSCALL call whose line matches RE (for when=N)
nth_call() {
	local sc=$1 re=$2
	shift 2
	strace -o "$T/trace" -e trace="$sc" "$SMTPS" -C "$CFG" "$@" \
	    < "$INPUT" > /dev/null 2>&1 || true
	grep -E "^$sc\(" "$T/trace" | grep -nE -- "$re" | head -n 1 | cut -d: -f1
}

qcfg() {
	write_config plain "queue on" "queue_backoff_min 3600" \
	    "queue_backoff_max 3600" "$@"
}

# queue_n N: N entries queued while no server listens, no flusher left
queue_n() {
	local i
	PORT=$(free_port)
	qcfg
	std_message
	for i in $(seq 1 "$1"); do run_smtps bob@example.net; done
	stop_flusher "$Q"
	[ "$(ls "$Q"/*.env | wc -l)" -eq "$1" ] || fail "$1 entries expected"
}

@test "a read error on the queue directory is an error (74), never 'Mail queue is empty'" {
	qcfg
	mkdir -p "$Q"
	printf 'Subject: x\n\nx\n' > "$Q/0000000001.000001.00000001.msg"
	for a in -bp -q; do
		inj getdents64:error=EIO "$a"
		[ "$status" -eq 74 ] || fail "$a: exit $status"
		assert_error_line "cannot read queue directory $Q: Input/output error"
		! grep -q 'Mail queue is empty' "$T/stdout" || fail "$a said the queue is empty"
	done
}

@test "the envelope of a delivered entry cannot be removed: not listed as queued, the next -q does not fail, nothing sent twice" {
	scenario <<EOF
$(sc_plain)
connections 5
EOF
	start_server
	qcfg
	std_message
	inj unlink:error=EIO:when=1 bob@example.net
	assert_status 0
	[ -e "$SRV/msg.1" ] || fail "not delivered"
	[ "$(ls "$Q"/*.env | wc -l)" -eq 1 ] || fail "the fault was not injected (no leftover envelope)"
	grep -q 'cannot remove the entry: Input/output error' "$Q/log" || fail "log: $(cat "$Q/log")"
	run_smtps -bp
	assert_status 0
	[ "$output" = "Mail queue is empty" ] || fail "-bp lists a delivered message: $output"
	run_smtps -q
	assert_status 0
	grep -q 'already delivered or removed (a leftover envelope removed)' "$T/stdout" ||
		fail "-q: $output"
	[ -z "$(ls "$Q"/*.env 2>/dev/null)" ] || fail "the leftover envelope is still there"
	[ ! -e "$SRV/msg.2" ] || fail "sent twice"
}

@test "dead.letter appends are all or nothing: a full disk mid-append leaves the file as it was, and the line says where the message is" {
	scenario <<EOF
$(sc_plain)
on RCPT reply 550 5.1.1 no such user
connections 2
EOF
	start_server
	write_config plain "queue off"
	std_message
	printf 'From old@example.org Mon Jan  1 00:00:00 2024\nSubject: old\n\nold body\n\n' > "$HOME/dead.letter"
	cp "$HOME/dead.letter" "$T/before"
	# the second write after dead.letter is opened: the body, after the
	# From line went out
	local n
	n=$(strace -o "$T/trace" -e trace=openat,write "$SMTPS" -C "$CFG" \
	    bob@example.net < "$INPUT" 2>/dev/null; awk '
	    /^openat\(.*dead\.letter/ { seen = 1 }
	    /^write\(/ { w++; if (seen && ++k == 2) { print w; exit } }' "$T/trace")
	[ -n "$n" ] || fail "no write to dead.letter traced"
	cp "$T/before" "$HOME/dead.letter"
	inj "write:error=ENOSPC:when=$n" bob@example.net
	assert_status 67
	cmp -s "$T/before" "$HOME/dead.letter" ||
		fail "dead.letter changed: $(diff "$T/before" "$HOME/dead.letter")"
	assert_error_line "cannot write $HOME/dead\.letter: No space left on device; message left in $Q/[0-9a-f.]+\.kept"
	f=$(sed -n "s|.*message left in \($Q/[^ ]*\.kept\).*|\1|p" "$T/stderr")
	grep -q '^Subject: test message' "$f" || fail "the message is not in $f"
}

@test "two -q at once: an entry the other run finished is not an error of the caller (not 64)" {
	queue_n 2
	second=$(basename "$(ls "$Q"/*.env | sort | tail -n 1)" .env)
	# the other run finishes the second entry between our scan and our
	# lock: its open fails with ENOENT
	n=$(nth_call openat "${second//./\\.}\\.env\", O_RDWR" -q)
	[ -n "$n" ] || fail "no open of $second traced"
	inj "openat:error=ENOENT:when=$n" -q
	assert_status 75
	grep -q "^$second: already delivered or removed by another process\$" "$T/stdout" ||
		fail "-q: $output"
	grep -q ': deferred: ' "$T/stdout" || fail "the first entry was not tried: $output"
}

@test "after 'queued', a flusher that cannot be started (fork fails) is reported, not silently missing" {
	PORT=$(free_port)
	qcfg
	std_message
	inj clone:error=EAGAIN bob@example.net
	assert_status 0
	assert_stderr_match '^smtps: queued [0-9a-f.]+: '
	assert_stderr_match "^smtps: no flusher started for $Q \\(fork: Resource temporarily unavailable\\): the queued messages wait for the next smtps run or 'smtps -q'\$"
	grep -q 'no flusher started' "$Q/log" || fail "not logged"
}

@test "a queue whose tmp/ folder has gone is repaired: the retry updates the entry, no endless 'cannot update'" {
	queue_n 1
	rm -rf "$Q/tmp"
	run_smtps -q
	assert_status 75
	grep -q '^attempts 2$' "$Q"/*.env || fail "entry not updated: $(cat "$Q"/*.env)"
	! grep -q 'cannot update' "$Q/log" || fail "log: $(cat "$Q/log")"
	[ -d "$Q/tmp" ] || fail "tmp/ not made again"
}

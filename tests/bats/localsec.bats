#!/usr/bin/env bats
# A local attacker gets nothing (issue 12, section 3): closed standard
# descriptors, the queue directory and its entries trusted only when they
# are ours, secrets not dumpable and no descriptor leaked into commands,
# signals mid-delivery never strand an entry.

load helper

setup_file() { common_setup_file; }
setup() {
	common_setup
	Q=$HOME/queue
}
teardown() {
	stop_flusher "$Q"
	common_teardown
}

@test "closed standard descriptors: nothing smtps opens takes fd 0-2, the message and the stream arrive intact" {
	scenario <<EOF
$(sc_plain)
connections 2
EOF
	start_server
	write_config plain "queue on"
	std_message
	status=0
	# stdout and stderr closed (cron, daemons); -v writes the dialogue to
	# fd 2, which must not be the spool file or the socket
	timeout -k 5 30 "$SMTPS" -v -C "$CFG" bob@example.net < "$INPUT" \
	    >&- 2>&- || status=$?
	server_idle 10 || true
	assert_status 0
	assert_delivered 1
	refute_transcript 'C[:+] .*(smtps|account test).*'
	# stdin closed too: an empty message, still not mixed with anything
	status=0
	timeout -k 5 30 "$SMTPS" -v -C "$CFG" bob@example.net <&- >&- 2>&- ||
	    status=$?
	server_idle 10 || true
	[ -e "$SRV/msg.2" ] || fail "the second message was not delivered (exit $status)"
	! grep -q 'smtps\|account test\|EHLO' "$SRV/msg.2" ||
		fail "a log line went into the message: $(cat "$SRV/msg.2")"
	refute_transcript 'C[:+] .*(smtps|account test).*'
}

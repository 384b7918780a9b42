#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# protocol lmtp (RFC 2033): LHLO, one reply per recipient after the data,
# what happens when they differ (delivered to some, refused for others,
# queued for the temporarily refused ones only), LHLO after STARTTLS.

load helper

setup_file() { common_setup_file; }
setup() { common_setup; }
teardown() {
	stop_flusher	# queue on: one may wait for a queued entry
	common_teardown
}

# an LMTP server (plain); extra scenario lines on stdin
lmtp_server() {
	{ sc_plain; echo "lmtp on"; cat; } > "$T/scenario"
	start_server
}

@test "lmtp: LHLO, never EHLO; one reply per recipient after the dot; exit 0" {
	lmtp_server < /dev/null
	write_config plain "protocol lmtp"
	std_message
	run_smtps bob@example.net carol@example.net
	assert_status 0
	[ -z "$stderr" ] || fail "stderr: $stderr"
	assert_transcript_order_is <<'T'
S: 220 localhost ESMTP smtps-test
C: LHLO client.example
S: 250-localhost
S: 250-PIPELINING
S: 250-SIZE 52428800
S: 250-8BITMIME
S: 250-ENHANCEDSTATUSCODES
S: 250 AUTH PLAIN LOGIN
C: MAIL FROM:<alice@example.org> SIZE=188
S: 250 2.1.0 Ok
C: RCPT TO:<bob@example.net>
S: 250 2.1.5 Ok
C: RCPT TO:<carol@example.net>
S: 250 2.1.5 Ok
C: DATA
S: 354 End data with <CR><LF>.<CR><LF>
-- message 1: 188 bytes
C: .
S: 250 2.0.0 <bob@example.net> Ok: delivered as 1
S: 250 2.0.0 <carol@example.net> Ok: delivered as 1
C: QUIT
S: 221 2.0.0 Bye
-- EOF
T
	refute_transcript 'C[:+] EHLO.*'
	assert_delivered 1
}

@test "lmtp: one of two refused after the dot (queue off): delivered to the other, exit 67, named, dead.letter copy" {
	lmtp_server <<'EOF'
on DOT:nobody@example.net reply 550 5.1.1 <nobody@example.net>: unknown user
EOF
	write_config plain "protocol lmtp"
	std_message
	run_smtps bob@example.net nobody@example.net
	assert_status 67
	assert_sequence 'C: \.' \
	    'S: 250 2\.0\.0 <bob@example\.net> Ok: delivered as 1' \
	    'S: 550 5\.1\.1 <nobody@example\.net>: unknown user' 'C[:+] QUIT'
	[ "$(grep -c '^smtps: ' "$T/stderr")" -eq 1 ] || fail "not one line"
	assert_error_line '^smtps: delivered to 1 of 2 recipients, then: recipient refused after the message: <nobody@example\.net> \(550 5\.1\.1 <nobody@example\.net>: unknown user\); message saved in .*/dead\.letter \[server said: 550 5\.1\.1 <nobody@example\.net>: unknown user\]$'
	assert_delivered 1
	assert_dead_letter '^Subject: test message'
}

@test "lmtp: one refused after the dot with queueing on: exit 67, entry removed, dead.letter copy" {
	lmtp_server <<'EOF'
on DOT:nobody@example.net reply 550 5.1.1 unknown user
EOF
	write_config plain "protocol lmtp" "queue on"
	std_message
	run_smtps bob@example.net nobody@example.net
	assert_status 67
	assert_error_line 'recipient refused after the message: <nobody@example\.net> \(550 5\.1\.1 unknown user\); message saved in '
	assert_delivered 1
	assert_dead_letter '^Subject: test message'
	[ -z "$(ls "$HOME/queue"/*.env 2>/dev/null)" ] || fail "entry left"
}

@test "lmtp: one refused for now after the dot: queued for it alone; the retry sends to it only" {
	lmtp_server <<'EOF'
connections 2
on DOT:later@example.net#2 reply 452 4.2.2 <later@example.net>: mailbox full
EOF
	write_config plain "protocol lmtp" "queue on" "queue_backoff_min 1h" \
	    "queue_backoff_max 2h"
	std_message
	run_smtps bob@example.net later@example.net
	assert_status 0
	assert_stderr_match '^smtps: queued [0-9a-f.]+: delivered to 1 of 2 recipients, then: recipient refused for now after the message: <later@example\.net> \(452 4\.2\.2 <later@example\.net>: mailbox full\).*; retrying in [0-9]+ s$'
	[ ! -e "$HOME/dead.letter" ] || fail "dead.letter written"
	grep -qx 'rcpt later@example.net' "$HOME"/queue/*.env || fail "entry lacks later@"
	! grep -qx 'rcpt bob@example.net' "$HOME"/queue/*.env || fail "entry keeps bob@"
	run_smtps -q
	assert_status 0
	[ -z "$(ls "$HOME/queue"/*.env 2>/dev/null)" ] || fail "entry left"
	# the second session: one RCPT, for the deferred recipient only
	sed -n '/^-- EOF/,$p' "$SRV/transcript" | grep '^C[:+] RCPT' |
	    sed 's/^C+ /C: /' > "$T/rcpt2"
	[ "$(cat "$T/rcpt2")" = 'C: RCPT TO:<later@example.net>' ] ||
		fail "retry RCPTs: $(cat "$T/rcpt2")"
	[ "$(grep -c '^RCPT' "$SRV/msg.2.env")" -eq 1 ] &&
	    grep -q 'later@example.net' "$SRV/msg.2.env" || fail "msg.2 env"
}

@test "lmtp: refused and deferred after the dot: exit 67 naming both, the deferred one stays queued, a copy in dead.letter" {
	lmtp_server <<'EOF'
on DOT:nobody@example.net reply 550 5.1.1 unknown user
on DOT:later@example.net reply 451 4.3.0 later
EOF
	write_config plain "protocol lmtp" "queue on" "queue_backoff_min 1h" \
	    "queue_backoff_max 2h"
	std_message
	run_smtps bob@example.net nobody@example.net later@example.net
	assert_status 67
	assert_error_line '^smtps: delivered to 1 of 3 recipients, then: recipient refused after the message: <nobody@example\.net> \(550 5\.1\.1 unknown user\); recipient refused for now after the message: <later@example\.net> \(451 4\.3\.0 later\); a copy saved in .*dead\.letter; the others stay queued as [0-9a-f.]+, retrying in [0-9]+ s'
	assert_dead_letter '^Subject: test message'
	[ "$(grep -c '^rcpt ' "$HOME"/queue/*.env)" -eq 1 ] &&
	    grep -qx 'rcpt later@example.net' "$HOME"/queue/*.env ||
		fail "entry: $(cat "$HOME"/queue/*.env)"
}

@test "lmtp: LHLO again after STARTTLS; no BDAT even when CHUNKING is offered" {
	scenario <<EOF
$(sc_starttls)
require_auth off
lmtp on
ehlo PIPELINING
ehlo CHUNKING
EOF
	start_server
	write_config starttls "protocol lmtp"
	std_message
	run_smtps bob@example.net
	assert_status 0
	assert_sequence 'C: LHLO client\.example' 'C[:+] STARTTLS' '-- TLS' \
	    'C: LHLO client\.example' 'C[:+] DATA' \
	    'S: 250 2\.0\.0 <bob@example\.net> Ok: delivered as 1'
	refute_transcript 'C[:+] EHLO.*'
	refute_transcript 'C[:+] BDAT.*'
	assert_delivered 1
}

@test "lmtp: default port 24 (STARTTLS when TLS is on), shown by -P" {
	cat > "$CFG" <<EOF
account lmtp
host mail.example.org
protocol lmtp
from alice@example.org
account default : lmtp
EOF
	chmod 600 "$CFG"
	run_smtps -P bob@example.net
	assert_status 0
	echo "$output" | grep -Eq '^port +24$' || fail "$output"
	echo "$output" | grep -Eq '^tls_starttls +on$' || fail "$output"
	echo "$output" | grep -Eq '^protocol +lmtp$' || fail "$output"
}

@test "lmtp: connection lost among the replies after the dot: the recipients answered are done, the rest queued" {
	lmtp_server <<'EOF'
on DOT:carol@example.net close
EOF
	write_config plain "protocol lmtp" "queue on" "queue_backoff_min 1h" \
	    "queue_backoff_max 2h"
	std_message
	run_smtps bob@example.net carol@example.net
	assert_status 0
	assert_stderr_match '^smtps: queued [0-9a-f.]+: delivered to 1 of 2 recipients, then: end of message for <carol@example\.net>: connection closed by server \(the connection was lost after the final dot: the server may have accepted it, a duplicate is possible\); retrying in [0-9]+ s$'
	grep -qx 'rcpt carol@example.net' "$HOME"/queue/*.env || fail "entry lacks carol@"
	! grep -qx 'rcpt bob@example.net' "$HOME"/queue/*.env || fail "entry keeps bob@"
}

@test "lmtp: -S/--serverinfo says LMTP and greets with LHLO" {
	lmtp_server < /dev/null
	write_config plain "protocol lmtp"
	run_smtps -S
	assert_status 0
	echo "$output" | grep -Eq "^LMTP server: +127\.0\.0\.1 port $PORT \(no TLS\)$" ||
		fail "$output"
	assert_transcript 'C: LHLO client\.example'
	refute_transcript 'C[:+] EHLO.*'
}

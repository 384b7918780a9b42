#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Every exit code of DESIGN ("Exit codes") produced by a scenario that causes
# it, with its one error line.  (70 EX_SOFTWARE and 71 EX_OSERR are
# internal/OS failures that no scenario can cause from outside.)

load helper

setup_file() { common_setup_file; }
setup() { common_setup; }
teardown() { common_teardown; }

# plain server with rules from stdin, client config, standard message
serve() {
	{ sc_plain; cat; } > "$T/scenario"
	start_server
	write_config plain
	std_message
}

# one line on stderr: "smtps: ..." (after the -v-free run)
assert_one_error_line() {
	[ "$(wc -l < "$T/stderr")" -eq 1 ] ||
		fail "expected exactly one line on stderr, got $(wc -l < "$T/stderr")"
	assert_error_line "${1:-^smtps: }"
}

@test "0: delivered, silently" {
	serve < /dev/null
	run_smtps bob@example.net
	assert_status 0
	[ ! -s "$T/stderr" ] || fail "stderr not empty"
	[ -z "$output" ] || fail "stdout not empty"
	assert_delivered 1
}

@test "64: unknown flag" {
	serve < /dev/null
	run_smtps -Q bob@example.net
	assert_status 64
	assert_one_error_line
}

@test "64: no recipients" {
	serve < /dev/null
	run_smtps
	assert_status 64
	assert_one_error_line
}

@test "65: NUL in the headers" {
	serve < /dev/null
	message_bytes 'Subject: a\0b\n\nbody\n'
	run_smtps bob@example.net
	assert_status 65
	assert_one_error_line
	[ ! -s "$SRV/transcript" ] || fail "connected"
}

@test "65: NUL in the body" {
	serve < /dev/null
	message_bytes 'Subject: a\n\nbody\nnul \0 here\n'
	run_smtps bob@example.net
	assert_status 65
	assert_one_error_line
	[ ! -s "$SRV/transcript" ] || fail "connected"
}

@test "65: message bigger than the server's SIZE" {
	serve <<'EOF'
ehlo SIZE 100
EOF
	run_smtps bob@example.net
	assert_status 65
	assert_one_error_line
	refute_transcript 'C[:+] MAIL.*'
}

@test "67: RCPT refused with 550" {
	serve <<'EOF'
on RCPT reply 550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown
EOF
	run_smtps bob@example.net
	assert_status 67
	assert_one_error_line 'bob@example\.net.*server said: 550 5\.1\.1'
	assert_no_message
}

@test "68: host name does not exist" {
	write_config plain "host nonexistent.invalid"
	std_message
	run_smtps bob@example.net
	assert_status 68
	assert_error_line 'nonexistent\.invalid'
}

@test "names under .localhost are loopback without /etc/hosts or DNS (RFC 6761)" {
	serve < /dev/null
	write_config plain "host mail.LOCALHOST"
	run_smtps bob@example.net
	assert_status 0
	assert_delivered 1
}

@test "69: MAIL refused with 550" {
	serve <<'EOF'
ehlo 8BITMIME
on MAIL reply 550 5.7.1 sender rejected
EOF
	run_smtps bob@example.net
	assert_status 69
	assert_error_line 'server said: 550 5\.7\.1 sender rejected'
	assert_no_message
}

@test "69: DATA refused with 554" {
	serve <<'EOF'
ehlo 8BITMIME
on DATA reply 554 5.5.1 no thanks
EOF
	run_smtps bob@example.net
	assert_status 69
	assert_error_line '554 5\.5\.1 no thanks'
	assert_no_message
}

@test "69: message refused after the final dot with 554" {
	serve <<'EOF'
on DOT reply 554 5.7.1 spam detected
EOF
	run_smtps bob@example.net
	assert_status 69
	assert_error_line '554 5\.7\.1 spam detected'
}

@test "69: greeting 554" {
	serve <<'EOF'
on greeting reply 554 5.3.2 no service for you
EOF
	run_smtps bob@example.net
	assert_status 69
	assert_error_line '554 5\.3\.2 no service for you'
	refute_transcript 'C[:+] MAIL.*'
}

@test "69: TLS certificate verification failed" {
	{ sc_tls expired; } > "$T/scenario"
	start_server
	write_config tls+auth
	std_message
	run_smtps bob@example.net
	assert_status 69
	assert_error_line 'TLS|certificate'
	assert_no_auth_no_mail
}

@test "69: STARTTLS not offered" {
	{ sc_starttls; echo "starttls off"; } > "$T/scenario"
	start_server
	write_config starttls+auth
	std_message
	run_smtps bob@example.net
	assert_status 69
	assert_error_line 'STARTTLS'
	assert_no_auth_no_mail
}

@test "69: AUTH needed but not offered" {
	{ sc_tls; echo "ehlo PIPELINING"; } > "$T/scenario"
	start_server
	write_config tls+auth
	std_message
	run_smtps bob@example.net
	assert_status 69
	assert_error_line 'AUTH'
	assert_no_auth_no_mail
}

@test "69: a UTF-8 local part and no SMTPUTF8 offered" {
	serve <<EOF
ehlo PIPELINING
EOF
	run_smtps 'jöran@example.org'
	assert_status 69
	assert_one_error_line "^smtps: recipient 'j\\\\xc3\\\\xb6ran@example\.org' has a UTF-8 local part and server 127\.0\.0\.1 does not offer SMTPUTF8; not sent; message saved in .*dead\.letter$"
	assert_no_auth_no_mail
}

@test "65: a non-ASCII domain that is no valid IDN" {
	serve <<EOF
ehlo PIPELINING
EOF
	run_smtps 'bob@☃.example'
	assert_status 65
	assert_one_error_line "^smtps: invalid internationalised domain in 'bob@.*\.example': "
	assert_no_auth_no_mail
}

@test "78: -O requiretls on an account without TLS" {
	serve < /dev/null
	run_smtps -O requiretls bob@example.net
	assert_status 78
	assert_one_error_line '^smtps: -O requiretls: the session to 127\.0\.0\.1 is not encrypted \(tls off\), and REQUIRETLS needs TLS; not sent; '
	assert_no_auth_no_mail
}

@test "73: spool directory cannot be created" {
	serve < /dev/null
	: > "$HOME/notadir"
	write_config plain "queue_dir $HOME/notadir/queue"
	run_smtps bob@example.net
	assert_status 73
	assert_error_line '^smtps: '
	[ ! -s "$SRV/transcript" ] || fail "connected before spooling"
}

@test "75: temporary failure and dead.letter cannot be written: message left in the queue dir" {
	# the delivery failure decides the exit code; the error line says
	# where the message is, so it is not lost
	serve <<'EOF'
on MAIL reply 451 4.3.0 later
EOF
	: > "$HOME/notadir"
	write_config plain "dead_letter $HOME/notadir/dead.letter"
	run_smtps bob@example.net
	assert_status 75
	assert_error_line 'message left in '
	left=$(sed -n 's/.*message left in \([^:;]*\).*/\1/p' "$T/stderr" | head -n 1)
	[ -s "$left" ] || fail "the message is not in '$left'"
	grep -q '^Subject: test message' "$left" || fail "'$left' is not the message"
}

@test "74: reading the message fails (stdin is a directory)" {
	serve < /dev/null
	status=0
	timeout 30 "$SMTPS" -C "$CFG" bob@example.net < / > "$T/stdout" 2> "$T/stderr" ||
		status=$?
	assert_status 74
	assert_error_line '^smtps: '
	[ ! -s "$SRV/transcript" ] || fail "connected"
}

@test "75: RCPT 451, message saved to dead.letter (mbox)" {
	serve <<'EOF'
on RCPT reply 451 4.7.1 greylisted, try later
EOF
	run_smtps bob@example.net
	assert_status 75
	assert_one_error_line '451 4\.7\.1 greylisted'
	assert_dead_letter '^Subject: test message'
	assert_no_message
}

@test "75: MAIL 421" {
	serve <<'EOF'
on MAIL reply 421 4.3.2 shutting down
EOF
	run_smtps bob@example.net
	assert_status 75
	assert_dead_letter
}

@test "75: 451 after the final dot" {
	serve <<'EOF'
on DOT reply 451 4.3.0 queue full
EOF
	run_smtps bob@example.net
	assert_status 75
	assert_error_line '451 4\.3\.0 queue full'
	assert_dead_letter
}

@test "75: greeting 421" {
	serve <<'EOF'
on greeting reply 421 4.3.2 too busy
EOF
	run_smtps bob@example.net
	assert_status 75
	assert_dead_letter
}

@test "75: connection refused" {
	write_config plain "port $(free_port)"
	std_message
	run_smtps bob@example.net
	assert_status 75
	assert_dead_letter
}

@test "75: dead.letter is mbox: From line, LF ends, >From quoting, appended" {
	serve <<'EOF'
connections 2
on RCPT reply 451 4.3.0 later
EOF
	message <<'EOF'
Subject: mbox check

From the start of a body line
last line
EOF
	run_smtps bob@example.net
	assert_status 75
	run_smtps bob@example.net
	assert_status 75
	dl=$HOME/dead.letter
	[ "$(grep -c '^From [^ ]* ' "$dl")" -eq 2 ] || fail "expected 2 messages in dead.letter"
	[ "$(grep -c '^>From the start' "$dl")" -eq 2 ] || fail "body From line not quoted"
	! grep -q $'\r' "$dl" || fail "CR in dead.letter"
	[ "$(stat -c %a "$dl")" = 600 ] || fail "dead.letter mode $(stat -c %a "$dl")"
}

@test "76: garbage greeting" {
	serve <<'EOF'
on greeting raw hello, I am not an SMTP server\r\n
EOF
	run_smtps bob@example.net
	assert_status 76
	assert_one_error_line
}

@test "76: bytes injected after the STARTTLS 220" {
	{ sc_starttls; echo 'on STARTTLS raw 220 Ready\r\n250 injected\r\n'; } > "$T/scenario"
	start_server
	write_config starttls+auth
	std_message
	run_smtps bob@example.net
	assert_status 76
	assert_no_auth_no_mail
}

@test "77: AUTH rejected with 535" {
	{ sc_tls; echo "on AUTH reply 535 5.7.8 bad credentials"; } > "$T/scenario"
	start_server
	write_config tls+auth
	std_message
	run_smtps bob@example.net
	assert_status 77
	assert_one_error_line '535 5\.7\.8 bad credentials'
}

@test "78: unknown keyword, message FILE:LINE" {
	printf 'account test\nhost 127.0.0.1\nhots typo\nfrom a@example.org\n' > "$CFG"
	chmod 600 "$CFG"
	std_message
	run_smtps bob@example.net
	assert_status 78
	assert_one_error_line "mailrc:3: .*hots"
}

@test "78: bad value, message FILE:LINE" {
	printf 'account test\nhost 127.0.0.1\nport 99999\n' > "$CFG"
	chmod 600 "$CFG"
	std_message
	run_smtps bob@example.net
	assert_status 78
	assert_one_error_line "mailrc:3: "
}

@test "78: config with a password readable by others" {
	write_config tls+auth
	chmod 604 "$CFG"
	std_message
	run_smtps bob@example.net
	assert_status 78
	assert_one_error_line
}

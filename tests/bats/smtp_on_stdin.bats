#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# -bs: smtps speaks SMTP on stdin/stdout (as sendmail does for Alpine and
# other clients) and relays each accepted message through the normal path.
# The client side is a script on stdin; the replies are checked on stdout,
# the relayed message at the scripted server.

load helper

setup_file() { common_setup_file; }
setup() { plain_server_setup; }
teardown() { common_teardown; }

# bs_script: stdin (LF lines) becomes smtps's input with CRLF line ends
bs_script() {
	sed 's/$/\r/' > "$INPUT"
}

# bs_one_message RCPT: the script of one session sending one short
# message from alice@example.org to RCPT, then QUIT
bs_one_message() {
	bs_script <<EOF
EHLO c
MAIL FROM:<alice@example.org>
RCPT TO:<$1>
DATA
Subject: x

x
.
QUIT
EOF
}

# the replies on stdout without CR, one per line
replies() {
	tr -d '\r' < "$T/stdout"
}

@test "-bs: a scripted session relays the message; replies follow RFC 5321" {
	bs_script <<'EOF'
EHLO client.example
MAIL FROM:<alice@example.org>
RCPT TO:<bob@example.net>
DATA
Subject: via -bs
To: bob@example.net

..a line that began with a dot
body
.
QUIT
EOF
	run_smtps -bs
	assert_status 0
	replies > "$T/got"
	grep -q '^220 .* ESMTP smtps -bs ready$' "$T/got" || fail "no greeting"
	grep -q '^250-PIPELINING$' "$T/got" || fail "no EHLO capabilities"
	grep -q '^354 ' "$T/got" || fail "no 354"
	grep -q '^250 2.0.0 Ok: delivered$' "$T/got" || fail "no 250 after the dot"
	[ "$(tail -n 1 "$T/got")" = "221 2.0.0 $(tail -n 1 "$T/got" | cut -d' ' -f3) closing connection" ] ||
		fail "no 221 at the end"
	[ "$(envelope | head -n 1 | cut -d' ' -f1-2)" = 'MAIL FROM:<alice@example.org>' ] ||
		fail "wrong sender: $(envelope)"
	[ "$(rcpts_sorted)" = 'RCPT TO:<bob@example.net>' ] || fail "$(rcpts_sorted)"
	grep -q '^Subject: via -bs' "$SRV/msg.1" || fail "subject lost"
	grep -q '^\.a line that began with a dot' "$SRV/msg.1" ||
		fail "dot-unstuffing wrong"
	grep -q '^Message-ID: ' "$SRV/msg.1" || fail "no Message-ID added"
}

@test "-bs: two messages in one session, bare recipient qualified" {
	bs_script <<'EOF'
HELO c
MAIL FROM:<alice@example.org>
RCPT TO:<root>
DATA
Subject: one

1
.
MAIL FROM:<alice@example.org>
RCPT TO:<carol@example.net>
DATA
Subject: two

2
.
QUIT
EOF
	stop_server
	server_and_config plain "maildomain corp.example" <<EOF
$(sc_plain)
connections 2
EOF
	run_smtps -bs
	assert_status 0
	[ "$(replies | grep -c '^250 2.0.0 Ok: delivered$')" -eq 2 ] ||
		fail "expected two deliveries: $(replies)"
	grep -q '^RCPT TO:<root@corp.example>' "$SRV/msg.1.env" ||
		fail "root not qualified: $(cat "$SRV/msg.1.env")"
	grep -q '^Subject: two' "$SRV/msg.2" || fail "second message lost"
}

@test "-bs: a recipient the server refuses gives a 550 reply for that message" {
	stop_server
	server_and_config plain <<EOF
$(sc_plain)
on RCPT:nobody@example.net reply 550 5.1.1 <nobody@example.net>: unknown
EOF
	bs_one_message nobody@example.net
	run_smtps -bs
	assert_status 0
	replies | grep -q '^550 5.1.1 .*nobody@example.net' ||
		fail "no 550 reply: $(replies)"
	assert_no_message
}

@test "-bs: an unreachable server gives 451 so the client keeps the message" {
	stop_server
	bs_one_message bob@example.net
	run_smtps -bs
	assert_status 0
	replies | grep -q '^451 4.3.0 ' || fail "no 451 reply: $(replies)"
}

@test "-bs: bad commands get 5xx and nothing is relayed; VRFY is refused" {
	bs_script <<'EOF'
EHLO c
VRFY root
RCPT TO:<bob@example.net>
MAIL FROM:<a b@example.org>
DATA
STARTTLS
NOOP
RSET
QUIT
EOF
	run_smtps -bs
	assert_status 0
	replies > "$T/got"
	printf '%s\n' '502 5.5.1 VRFY command is disabled' \
	    '503 5.5.1 Error: need MAIL command' \
	    '501 5.1.7 Bad sender address syntax' \
	    '503 5.5.1 Error: need MAIL command' \
	    '502 5.5.1 Error: command not implemented' \
	    '250 2.0.0 Ok' '250 2.0.0 Ok' > "$T/want"
	sed -n '7,13p' "$T/got" | diff -u "$T/want" - >&2 || fail "wrong replies"
	[ ! -s "$SRV/transcript" ] || refute_transcript 'C[:+] MAIL.*'
}

@test "-bs: end of input without QUIT drops the open transaction, exit 0" {
	bs_script <<'EOF'
EHLO c
MAIL FROM:<alice@example.org>
RCPT TO:<bob@example.net>
DATA
Subject: never finished
EOF
	run_smtps -bs
	assert_status 0
	assert_no_message
}

@test "-bs takes no recipients: exit 64" {
	run_smtps -bs bob@example.net
	assert_status 64
	assert_error_line "take no recipients"
}

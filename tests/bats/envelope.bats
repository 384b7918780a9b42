#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The envelope: -f/-r/-F, the null sender, recipients as arguments,
# all-or-nothing RCPT, 452 splitting, and CR/LF injection refused before
# anything reaches the wire.

load helper

setup_file() { common_setup_file; }
setup() { plain_server_setup; }
teardown() { common_teardown; }

mail_line() {
	head -n 1 "$SRV/msg.${1:-1}.env"
}

# nothing reached the server: it never even saw a connection
assert_no_connection() {
	[ ! -s "$SRV/transcript" ] || fail "smtps connected although it must not"
}

assert_usage_or_data() {
	case $status in 64|65) ;; *) fail "expected exit 64 or 65, got $status" ;; esac
	assert_error_line '^smtps: .*'
}

@test "default envelope sender is the account's from" {
	std_message
	run_smtps bob@example.net
	assert_status 0
	mail_line | grep -q '^MAIL FROM:<alice@example.org>' || fail "$(mail_line)"
}

@test "-f sets the envelope sender and the added From" {
	message <<'EOF'
Subject: f

body
EOF
	run_smtps -f other@example.org bob@example.net
	assert_status 0
	mail_line | grep -q '^MAIL FROM:<other@example.org>' || fail "$(mail_line)"
	assert_delivered 1 --from other@example.org
}

@test "-r is the same as -f" {
	std_message
	run_smtps -r other@example.org bob@example.net
	assert_status 0
	mail_line | grep -q '^MAIL FROM:<other@example.org>' || fail "$(mail_line)"
}

@test "-f with the argument attached (-fADDR)" {
	std_message
	run_smtps -fother@example.org bob@example.net
	assert_status 0
	mail_line | grep -q '^MAIL FROM:<other@example.org>' || fail "$(mail_line)"
}

@test "-f '<addr>' is accepted and sent without doubled brackets" {
	std_message
	run_smtps -f '<other@example.org>' bob@example.net
	assert_status 0
	mail_line | grep -q '^MAIL FROM:<other@example.org>' || fail "$(mail_line)"
}

@test "-f '' is the null sender MAIL FROM:<>" {
	std_message
	run_smtps -f '' bob@example.net
	assert_status 0
	mail_line | grep -q '^MAIL FROM:<>' || fail "$(mail_line)"
}

@test "-f '<>' is the null sender MAIL FROM:<>" {
	std_message
	run_smtps -f '<>' bob@example.net
	assert_status 0
	mail_line | grep -q '^MAIL FROM:<>' || fail "$(mail_line)"
}

@test "-F sets the display name of the added From" {
	message <<'EOF'
Subject: F

body
EOF
	run_smtps -F 'Alice Example' bob@example.net
	assert_status 0
	assert_delivered 1 --from-line 'From: Alice Example <alice@example.org>'
}

@test "-F with specials is quoted" {
	message <<'EOF'
Subject: F

body
EOF
	run_smtps -F 'Example, Alice' bob@example.net
	assert_status 0
	assert_delivered 1 --from-line 'From: "Example, Alice" <alice@example.org>'
}

@test "-F with non-ASCII is RFC 2047-encoded" {
	message <<'EOF'
Subject: F

body
EOF
	run_smtps -F 'Jürgen' bob@example.net
	assert_status 0
	# =?UTF-8?B?SsO8cmdlbg==?= (Q encoding would also be valid RFC 2047,
	# but hdr.h promises B)
	assert_delivered 1 --from-line "From: =?UTF-8?B?$(b64 'Jürgen')?= <alice@example.org>"
}

@test "-F does not replace an existing From" {
	std_message
	run_smtps -F 'Somebody Else' bob@example.net
	assert_status 0
	assert_delivered 1
	! grep -q 'Somebody Else' "$SRV/msg.1" || fail "-F changed an existing From"
}

@test "recipients in order, each once, <addr> form accepted" {
	std_message
	run_smtps bob@example.net '<carol@example.net>' dave@example.net bob@example.net
	assert_status 0
	grep '^RCPT' "$SRV/msg.1.env" > "$T/got"
	printf 'RCPT TO:<%s>\n' bob@example.net carol@example.net dave@example.net > "$T/want"
	diff -u "$T/want" "$T/got" >&2 || fail "recipients differ"
}

@test "CR/LF in -f: refused (64/65), never on the wire" {
	std_message
	run_smtps -f $'evil@example.org>\r\nRCPT TO:<victim@example.net' bob@example.net
	assert_usage_or_data
	assert_no_connection
}

@test "LF alone in -f: refused, never on the wire" {
	std_message
	run_smtps -f $'evil@example.org\nDATA' bob@example.net
	assert_usage_or_data
	assert_no_connection
}

@test "space or unbalanced <> in -f: refused" {
	std_message
	run_smtps -f 'a b@example.org' bob@example.net
	assert_usage_or_data
	run_smtps -f '<a@example.org' bob@example.net
	assert_usage_or_data
	assert_no_connection
}

@test "CR/LF in -F: refused (64/65), never on the wire" {
	message <<'EOF'
Subject: F

body
EOF
	run_smtps -F $'Alice\r\nBcc: victim@example.net' bob@example.net
	assert_usage_or_data
	assert_no_connection
}

@test "CR/LF in a recipient: refused (64/65), never on the wire" {
	std_message
	run_smtps $'bob@example.net>\r\nRCPT TO:<victim@example.net'
	assert_usage_or_data
	assert_no_connection
}

@test "LF in a recipient: refused" {
	std_message
	run_smtps $'bob@example.net\nQUIT'
	assert_usage_or_data
	assert_no_connection
}

@test "unbalanced <> or space in a recipient: refused" {
	std_message
	run_smtps '<bob@example.net'
	assert_usage_or_data
	run_smtps 'bob@example.net>'
	assert_usage_or_data
	run_smtps 'bob smith@example.net'
	assert_usage_or_data
	assert_no_connection
}

@test "one recipient refused (550): RSET, nothing sent, exit 67 naming it" {
	stop_server
	scenario <<EOF
$(sc_plain)
ehlo 8BITMIME
on RCPT:nobody@example.net reply 550 5.1.1 <nobody@example.net>: Recipient address rejected
EOF
	start_server
	write_config plain
	std_message
	run_smtps bob@example.net nobody@example.net carol@example.net
	assert_status 67
	assert_error_line 'nobody@example\.net'
	assert_stderr_match '550 5\.1\.1'
	# without PIPELINING the order is fully determined
	transcript_norm | grep '^C: ' > "$T/cmds"
	cat > "$T/want" <<'EOF'
C: EHLO client.example
C: MAIL FROM:<alice@example.org>
C: RCPT TO:<bob@example.net>
C: RCPT TO:<nobody@example.net>
C: RCPT TO:<carol@example.net>
C: RSET
C: QUIT
EOF
	diff -u "$T/want" "$T/cmds" >&2 || fail "wrong command sequence"
	assert_no_message
}

@test "two recipients refused: both named in the error, exit 67" {
	stop_server
	scenario <<EOF
$(sc_plain)
on RCPT:x@example.net reply 550 5.1.1 no x
on RCPT:y@example.net reply 553 5.1.3 no y
EOF
	start_server
	write_config plain
	std_message
	run_smtps x@example.net bob@example.net y@example.net
	assert_status 67
	assert_stderr_match 'x@example\.net'
	assert_stderr_match 'y@example\.net'
	assert_no_message
}

@test "refused recipient with PIPELINING: no message delivered, exit 67" {
	stop_server
	scenario <<EOF
$(sc_plain)
on RCPT:nobody@example.net reply 550 5.1.1 unknown
EOF
	start_server
	write_config plain
	std_message
	run_smtps bob@example.net nobody@example.net
	assert_status 67
	# the pipelined DATA got 354 (one recipient was fine); smtps must
	# still not complete a message
	assert_no_message
}

@test "all recipients refused: exit 67, no message" {
	stop_server
	scenario <<EOF
$(sc_plain)
on RCPT reply 550 5.1.1 nobody here
EOF
	start_server
	write_config plain
	std_message
	run_smtps a@example.net b@example.net
	assert_status 67
	assert_no_message
}

@test "452 too many recipients: accepted ones get it, the rest in another transaction" {
	stop_server
	scenario <<EOF
$(sc_plain)
max_rcpts 2
EOF
	start_server
	write_config plain
	std_message
	run_smtps r1@example.net r2@example.net r3@example.net r4@example.net r5@example.net
	assert_status 0
	[ -e "$SRV/msg.3" ] || fail "expected 3 transactions"
	[ ! -e "$SRV/msg.4" ] || fail "more than 3 transactions"
	cat "$SRV"/msg.[123].env | grep '^RCPT' | sort > "$T/got"
	printf 'RCPT TO:<r%d@example.net>\n' 1 2 3 4 5 | sort > "$T/want"
	diff -u "$T/want" "$T/got" >&2 || fail "not every recipient exactly once"
	for n in 1 2 3; do
		assert_delivered "$n"
		cmp -s "$SRV/msg.1" "$SRV/msg.$n" || fail "message $n differs"
	done
	[ "$(grep -c '^C[:+] QUIT' "$SRV/transcript")" -eq 1 ] || fail "not one connection"
}

@test "RCPT 451 (temporary): exit 75, nothing delivered, dead.letter kept" {
	stop_server
	scenario <<EOF
$(sc_plain)
on RCPT:later@example.net reply 451 4.3.0 try again later
EOF
	start_server
	write_config plain
	std_message
	run_smtps bob@example.net later@example.net
	assert_status 75
	assert_error_line '451 4\.3\.0 try again later'
	assert_no_message
	assert_dead_letter '^Subject: test message'
}

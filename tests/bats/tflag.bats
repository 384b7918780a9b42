#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# -t: recipients from To/Cc/Bcc through a real RFC 5322 address-list
# parser; Bcc removed; duplicates get one RCPT.

load helper

setup_file() { common_setup_file; }
setup() { plain_server_setup; }
teardown() { common_teardown; }

# expect_rcpts ADDR...: the envelope's RCPTs are exactly these (any order,
# each once)
expect_rcpts() {
	local a
	for a in "$@"; do echo "RCPT TO:<$a>"; done | sort > "$T/rcpts.want"
	rcpts_sorted > "$T/rcpts.got"
	diff -u "$T/rcpts.want" "$T/rcpts.got" >&2 || fail "recipients differ"
}

@test "-t: To, Cc and Bcc become recipients, Bcc is removed" {
	message <<'EOF'
From: alice@example.org
To: bob@example.net
Cc: carol@example.net
Bcc: dave@example.net
Subject: t

body
EOF
	run_smtps -t
	assert_status 0
	expect_rcpts bob@example.net carol@example.net dave@example.net
	assert_delivered 1
	! grep -qi '^bcc:' "$SRV/msg.1" || fail "Bcc delivered"
	! grep -q 'dave@' "$SRV/msg.1" || fail "Bcc address delivered"
}

@test "-t: obsolete 'To :', 'Cc :', 'Bcc :' (white space before the colon) are recipients, Bcc removed" {
	message_bytes 'From: alice@example.org\nTo : bob@example.net\nCc\t:carol@example.net\nBcc :dave@example.net\nSubject: t\n\nbody\n'
	run_smtps -t
	assert_status 0
	expect_rcpts bob@example.net carol@example.net dave@example.net
	assert_delivered 1
	! grep -q 'dave@' "$SRV/msg.1" || fail "Bcc address delivered"
}

@test "-t on a resent message: recipients from Resent-To/Cc/Bcc only (as sendmail), Resent-Bcc removed" {
	message <<'EOF'
Resent-From: alice@example.org
Resent-To: rt@example.net
Resent-Cc: rc@example.net
Resent-Bcc: secret@example.net,
 hidden@example.net
Resent-Date: Wed, 02 Oct 2024 10:00:00 +0000
From: orig@example.org
To: original-to@example.net
Cc: original-cc@example.net
Bcc: original-bcc@example.net
Subject: resent

body
EOF
	run_smtps -t
	assert_status 0
	expect_rcpts rt@example.net rc@example.net secret@example.net hidden@example.net
	assert_delivered 1
	! grep -qi 'secret\|hidden\|original-bcc' "$SRV/msg.1" || fail "a Bcc or Resent-Bcc was delivered"
	grep -q $'^To: original-to@example.net\r$' "$SRV/msg.1" || fail "To removed"
}

@test "Resent-Bcc is removed without -t too, like Bcc" {
	message <<'EOF'
Resent-From: alice@example.org
Resent-bcc : secret@example.net
From: orig@example.org
Subject: resent

body
EOF
	run_smtps bob@example.net
	assert_status 0
	assert_delivered 1
	! grep -qi 'secret' "$SRV/msg.1" || fail "Resent-Bcc delivered"
}

@test "-t on a message without Resent- fields still reads To/Cc/Bcc (X-Resent-To is no resent field)" {
	message <<'EOF'
X-Resent-To: not-this@example.net
Resent-Foo: nor-this@example.net
To: bob@example.net
Subject: not resent

body
EOF
	run_smtps -t
	assert_status 0
	expect_rcpts bob@example.net
}

@test "-t: display names, quoted commas, comments, route-addrs" {
	message <<'EOF'
From: alice@example.org
To: "Doe, John" <john@example.net>, Jane Roe <jane@example.net>,
 bob@example.net (Bob, the builder), (lead comment) <carl@example.net>
Cc: "quoted \"escape\", comma" <q@example.net>, nested (a (b) c) <n@example.net>
Subject: forms

body
EOF
	run_smtps -t
	assert_status 0
	expect_rcpts john@example.net jane@example.net bob@example.net \
	    carl@example.net q@example.net n@example.net
	assert_delivered 1
}

@test "-t: groups and undisclosed-recipients:;" {
	message <<'EOF'
From: alice@example.org
To: undisclosed-recipients:;
Cc: Team: ann@example.net, "B, B" <bb@example.net>;, solo@example.net
Subject: groups

body
EOF
	run_smtps -t
	assert_status 0
	expect_rcpts ann@example.net bb@example.net solo@example.net
	assert_delivered 1
}

@test "-t: folded header lines (LF and CRLF input)" {
	message_bytes 'From: alice@example.org\r\nTo: one@example.net,\r\n\ttwo@example.net,\n   "Three\r\n Person" <three@example.net>\r\nSubject: folded\r\n\r\nbody\r\n'
	run_smtps -t
	assert_status 0
	expect_rcpts one@example.net two@example.net three@example.net
	assert_delivered 1
}

@test "-t: duplicates across To, Cc, Bcc and arguments get one RCPT" {
	message <<'EOF'
From: alice@example.org
To: bob@example.net, Bob <bob@example.net>
Cc: bob@example.net, carol@example.net
Bcc: carol@example.net
Subject: dups

body
EOF
	run_smtps -t bob@example.net carol@example.net
	assert_status 0
	expect_rcpts bob@example.net carol@example.net
	[ "$(grep -c '^C[:+] RCPT' "$SRV/transcript")" -eq 2 ] ||
		fail "duplicate RCPT commands"
}

@test "-t: empty list elements (obsolete ,,) are skipped" {
	message <<'EOF'
From: alice@example.org
To: , a@example.net,, b@example.net,
Subject: empties

body
EOF
	run_smtps -t
	assert_status 0
	expect_rcpts a@example.net b@example.net
}

@test "-t: header names in any case (TO, cc, BCC)" {
	message <<'EOF'
From: alice@example.org
TO: upper@example.net
cc: lower@example.net
BCC: hidden@example.net
Subject: case

body
EOF
	run_smtps -t
	assert_status 0
	expect_rcpts upper@example.net lower@example.net hidden@example.net
	! grep -qi 'hidden@' "$SRV/msg.1" || fail "BCC delivered"
}

@test "-t adds to recipients given as arguments" {
	message <<'EOF'
From: alice@example.org
To: bob@example.net
Subject: both

body
EOF
	run_smtps -t extra@example.net
	assert_status 0
	expect_rcpts bob@example.net extra@example.net
}

@test "-t: addresses in the body are not recipients" {
	message <<'EOF'
From: alice@example.org
To: bob@example.net
Subject: body

To: notme@example.net
Cc: nor-me@example.net
EOF
	run_smtps -t
	assert_status 0
	expect_rcpts bob@example.net
}

@test "without -t, header addresses are not recipients" {
	message <<'EOF'
From: alice@example.org
To: bob@example.net
Cc: carol@example.net
Subject: no t

body
EOF
	run_smtps dave@example.net
	assert_status 0
	expect_rcpts dave@example.net
}

@test "without -t, Bcc is still removed from the message" {
	message <<'EOF'
From: alice@example.org
To: bob@example.net
Bcc: secret@example.net
Subject: bcc without t

body
EOF
	run_smtps bob@example.net
	assert_status 0
	expect_rcpts bob@example.net
	! grep -q 'secret@' "$SRV/msg.1" || fail "Bcc delivered"
	assert_delivered 1
}

@test "-t with only undisclosed-recipients:; and no arguments: exit 64, no connection" {
	message <<'EOF'
From: alice@example.org
To: undisclosed-recipients:;
Subject: nobody

body
EOF
	run_smtps -t
	assert_status 64
	[ ! -s "$SRV/transcript" ] || fail "smtps connected although it must not"
}

@test "-t with an unbalanced '<' in To: exit 65, nothing sent" {
	message <<'EOF'
From: alice@example.org
To: Bob <bob@example.net
Subject: broken

body
EOF
	run_smtps -t
	assert_status 65
	assert_error_line '^smtps: .*'
	[ ! -s "$SRV/transcript" ] || fail "smtps connected although it must not"
}

@test "-t with an unterminated quoted string: exit 65, nothing sent" {
	message <<'EOF'
From: alice@example.org
To: "Bob <bob@example.net>
Subject: broken

body
EOF
	run_smtps -t
	assert_status 65
	[ ! -s "$SRV/transcript" ] || fail "smtps connected although it must not"
}

#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# AUTH: mechanisms, failures and their exit codes, password sources, and
# credentials never shown nor sent unencrypted.

load helper

setup_file() { common_setup_file; }
setup() { common_setup; }
teardown() { common_teardown; }

@test "wrong password: 535 -> exit 77, no message data sent" {
	server_and_config tls+auth <<EOF
$(sc_tls)
password another one
EOF
	send_std
	assert_status 77
	assert_error_line 'server said: 535 5\.7\.8'
	assert_transcript "C: AUTH PLAIN $(plain_b64)"
	# AUTH is a round trip of its own: nothing of the mail
	# transaction left before the refusal, nothing after it
	refute_transcript 'C. MAIL.*'
	refute_transcript '-- message.*'
	assert_no_message
}

@test "AUTH answered 454: temporary -> exit 75, message in dead.letter" {
	server_and_config tls+auth <<EOF
$(sc_tls)
on AUTH reply 454 4.7.0 Temporary authentication failure
EOF
	send_std
	assert_status 75
	assert_error_line '454 4\.7\.0 Temporary authentication failure'
	refute_transcript '-- message.*'
	assert_dead_letter '^Subject: test message'
}

@test "PIPELINING + AUTH PLAIN: AUTH alone, then MAIL, RCPT and DATA in one write" {
	server_and_config tls+auth <<EOF
$(sc_tls)
EOF
	send_std
	assert_status 0
	assert_sequence 'C: AUTH PLAIN .*' 'S: 235 .*' \
	    'C: MAIL FROM:<alice@example.org> SIZE=[0-9]*' 'S: 250 .*' \
	    'C\+ RCPT TO:<bob@example.net>' 'S: 250 .*' 'C\+ DATA' 'S: 354 .*'
}

@test "without PIPELINING, AUTH waits for its reply before MAIL" {
	server_and_config tls+auth <<EOF
$(sc_tls)
ehlo AUTH PLAIN LOGIN
EOF
	send_std
	assert_status 0
	assert_sequence 'C: AUTH PLAIN .*' 'S: 235 .*' \
	    'C: MAIL FROM:<alice@example.org>' 'S: 250 .*'
	refute_transcript 'C\+ MAIL.*'
}

@test "AUTH LOGIN is never pipelined (it needs the server's challenges)" {
	server_and_config tls+auth <<EOF
$(sc_tls)
ehlo PIPELINING
ehlo AUTH LOGIN
EOF
	send_std
	assert_status 0
	assert_sequence 'C: AUTH LOGIN' 'S: 334 .*' 'C: .*' 'S: 334 .*' \
	    'C: .*' 'S: 235 .*' 'C: MAIL FROM:.*'
}

@test "QUIT leaves together with the final dot of the last message" {
	server_and_config tls+auth <<EOF
$(sc_tls)
EOF
	send_std
	assert_status 0
	assert_sequence 'C: \.' 'S: 250 .*' 'C\+ QUIT' 'S: 221 .*'
}

@test "AUTH LOGIN rejected: exit 77" {
	server_and_config tls+auth <<EOF
$(sc_tls)
ehlo AUTH LOGIN
on AUTH reply 535 5.7.8 no
EOF
	send_std
	assert_status 77
	assert_no_message
}

@test "user set but the server offers no AUTH: exit 69, no MAIL" {
	server_and_config tls+auth <<EOF
$(sc_tls)
ehlo PIPELINING
ehlo 8BITMIME
EOF
	send_std
	assert_status 69
	assert_error_line '^smtps: .*AUTH'
	assert_no_auth_no_mail
}

@test "auth plain but the server offers only LOGIN: exit 69, nothing sent" {
	server_and_config tls+auth "auth plain" <<EOF
$(sc_tls)
ehlo AUTH LOGIN
EOF
	send_std
	assert_status 69
	assert_no_auth_no_mail
}

@test "no user: no AUTH is attempted" {
	server_and_config tls <<EOF
$(sc_tls)
require_auth off
EOF
	send_std
	assert_status 0
	refute_transcript 'C: AUTH.*'
	assert_delivered 1
}

@test "plaintext loopback: AUTH refused without allow_plaintext_auth" {
	server_and_config plain+auth <<EOF
$(sc_plain)
ehlo AUTH PLAIN LOGIN
user alice
password s3cret pass
EOF
	sed -i '/^allow_plaintext_auth/d' "$CFG"
	std_message
	run_smtps bob@example.net
	# DESIGN: credentials never cross an unencrypted link.  The account
	# itself is unusable as configured, so this is a config error (78),
	# found before any network byte
	assert_status 78
	assert_error_line 'allow_plaintext_auth'
	[ ! -s "$SRV/transcript" ] || fail "smtps connected although it must not"
}

@test "plaintext loopback with allow_plaintext_auth on: AUTH and delivery" {
	server_and_config plain+auth <<EOF
$(sc_plain)
ehlo PIPELINING
ehlo AUTH PLAIN LOGIN
user alice
password s3cret pass
EOF
	send_std
	assert_status 0
	assert_transcript "C: AUTH PLAIN $(plain_b64)"
	assert_delivered 1
}

@test "tls unset on loopback means plaintext (no STARTTLS attempted)" {
	server_and_config plain <<EOF
$(sc_starttls)
require_auth off
EOF
	sed -i '/^tls /d' "$CFG"
	std_message
	run_smtps bob@example.net
	assert_status 0
	refute_transcript 'C: STARTTLS'
	assert_delivered 1
}

@test "passwordeval supplies the password (trailing newline removed)" {
	server_and_config tls "user alice" \
	    "passwordeval \"echo 's3cret pass'\"" <<EOF
$(sc_tls)
EOF
	send_std
	assert_status 0
	assert_transcript "C: AUTH PLAIN $(plain_b64)"
	assert_delivered 1
}

@test "passwordeval failing: exit 78 before any network byte" {
	server_and_config tls "user alice" "passwordeval \"exit 3\"" <<EOF
$(sc_tls)
EOF
	send_std
	assert_status 78
	assert_error_line 'passwordeval'
	[ ! -s "$SRV/transcript" ] || fail "smtps connected although it must not"
}

@test "config holding a password readable by others: exit 78, no connection" {
	server_and_config tls+auth <<EOF
$(sc_tls)
EOF
	chmod 644 "$CFG"
	std_message
	run_smtps bob@example.net
	assert_status 78
	assert_error_line "$(basename "$CFG")"
	[ ! -s "$SRV/transcript" ] || fail "smtps connected although it must not"
}

# a group (name) that N accounts are in (2: two or more), as primary or
# supplementary group
group_with_accounts() {
	python3 - "$1" <<'PY'
import grp, pwd, sys
want = int(sys.argv[1])
for g in sorted(grp.getgrall(), key=lambda g: g.gr_gid):
    names = set(g.gr_mem) | {p.pw_name for p in pwd.getpwall() if p.pw_gid == g.gr_gid}
    if (len(names) >= 2) if want == 2 else (len(names) == want):
        print(g.gr_name)
        break
PY
}

@test "config holding a password readable by group: exit 78" {
	server_and_config tls+auth <<EOF
$(sc_tls)
EOF
	chmod 640 "$CFG"
	# root-owned but its group has several accounts (Debian: nogroup)
	local g
	g=$(group_with_accounts 2)
	[ -n "$g" ] || fail "no group with two accounts on this system"
	chgrp "$g" "$CFG"
	std_message
	run_smtps bob@example.net
	assert_status 78
	assert_error_line "^smtps: $CFG: contains a password but is readable by group or others \\(chmod 600 $CFG\\)"
	[ ! -s "$SRV/transcript" ] || fail "smtps connected although it must not"
}

@test "config holding a password, 0640 root with a group of one account (as the package's root:smtps): accepted" {
	server_and_config tls+auth <<EOF
$(sc_tls)
EOF
	chmod 640 "$CFG"
	local g
	g=$(group_with_accounts 1)
	[ -n "$g" ] || fail "no group with exactly one account on this system"
	chgrp "$g" "$CFG"
	[ "$(stat -c %U "$CFG")" = root ] || fail "the test runs as root"
	send_std bob@example.net
	assert_status 0
}

@test "-v with AUTH PLAIN: credentials replaced by ***" {
	server_and_config tls+auth <<EOF
$(sc_tls)
EOF
	send_std -v bob@example.net
	assert_status 0
	assert_stderr_match '^--> AUTH PLAIN \*\*\*$'
	assert_stderr_match '^<-- 235 2\.7\.0 Authentication successful$'
	refute_stderr_fixed "$(plain_b64)"
	refute_stderr_fixed "$USER_PASS"
	refute_stderr_fixed 's3cret'
	refute_stderr_fixed "$(b64 "$USER_PASS")"
}

@test "-v with AUTH LOGIN: user and password lines replaced by ***" {
	server_and_config tls+auth <<EOF
$(sc_tls)
ehlo AUTH LOGIN
EOF
	send_std -v bob@example.net
	assert_status 0
	assert_stderr_match '^--> AUTH LOGIN'
	[ "$(grep -c '^--> \*\*\*$' "$T/stderr")" -eq 2 ] ||
		fail "expected two '--> ***' lines (user, password)"
	refute_stderr_fixed "$(b64 alice)"
	refute_stderr_fixed "$(b64 "$USER_PASS")"
	refute_stderr_fixed 's3cret'
}

@test "-v with a rejected AUTH: error shown, credentials still hidden" {
	server_and_config tls+auth <<EOF
$(sc_tls)
password wrong
EOF
	send_std -v bob@example.net
	assert_status 77
	refute_stderr_fixed "$(plain_b64)"
	refute_stderr_fixed 's3cret'
}

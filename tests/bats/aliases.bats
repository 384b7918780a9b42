#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Aliases (msmtp's format, recursive, default:) and where bare recipients
# go after them: maildomain, else the mailname file, else the admin address
# (the account's from); never the sender's domain.  An unqualified name
# never reaches the wire as RCPT TO:<root>.  mailname_file off keeps the
# host's /etc/mailname out of these tests (local_mail.bats tests it).

load helper

setup_file() { common_setup_file; }
setup() {
	common_setup
	start_plain_server
	cat > "$T/aliases" <<'EOF'
# system aliases
root: admin@example.net, Ops Team <ops@example.net>   # comment
postmaster: root
staff: alice@example.net,
  bob@example.net
EOF
}
teardown() { common_teardown; }

@test "aliases: a local name expands recursively; full addresses are never looked up" {
	write_config plain "aliases $T/aliases"
	std_message
	run_smtps postmaster root@example.com
	assert_status 0
	rcpts_sorted > "$T/got"
	printf '%s\n' 'RCPT TO:<admin@example.net>' 'RCPT TO:<ops@example.net>' \
	    'RCPT TO:<root@example.com>' | diff -u - "$T/got" >&2 ||
		fail "wrong recipients"
	# aliases change the envelope only: the headers are as given
	assert_delivered
}

@test "aliases: continuation lines; -t header recipients are expanded too" {
	write_config plain "aliases $T/aliases" "mailname_file off"
	message <<'EOF'
To: staff
Subject: hi

body
EOF
	run_smtps -t
	assert_status 0
	rcpts_sorted > "$T/got"
	printf '%s\n' 'RCPT TO:<alice@example.net>' 'RCPT TO:<bob@example.net>' |
	    diff -u - "$T/got" >&2 || fail "wrong recipients"
	# the To field says where it went (local_mail.bats has the rules)
	grep -qx $'To: alice@example.net, bob@example.net\r' "$SRV/msg.1" ||
		fail "To: $(grep '^To:' "$SRV/msg.1")"
}

@test "aliases: default: catches unknown local names" {
	echo 'default: catchall@example.net' >> "$T/aliases"
	write_config plain "aliases $T/aliases"
	std_message
	run_smtps nobody
	assert_status 0
	[ "$(rcpts_sorted)" = 'RCPT TO:<catchall@example.net>' ] ||
		fail "got $(rcpts_sorted)"
}

@test "bare recipient without aliases: qualified with maildomain" {
	write_config plain "maildomain corp.example"
	std_message
	run_smtps root
	assert_status 0
	[ "$(rcpts_sorted)" = 'RCPT TO:<root@corp.example>' ] ||
		fail "got $(rcpts_sorted)"
}

@test "bare recipient without maildomain: the account's from, never the envelope sender's domain" {
	write_config plain "mailname_file off"
	std_message
	run_smtps -f cron@host.example root
	assert_status 0
	[ "$(rcpts_sorted)" = 'RCPT TO:<alice@example.org>' ] ||
		fail "got $(rcpts_sorted)"
}

@test "bare recipient with nowhere to go (no maildomain, no mailname, from a pattern, null sender): exit 64, nothing sent" {
	write_config plain "mailname_file off" "from *@example.org"
	std_message
	run_smtps -f '<>' root
	assert_status 64
	assert_error_line "recipient 'root' has no domain"
	refute_transcript 'C[:+] RCPT.*'
}

@test "aliases: a loop is taken literally, not followed forever" {
	printf 'a: b\nb: a, x@example.net\n' > "$T/aliases"
	write_config plain "aliases $T/aliases" "maildomain corp.example"
	std_message
	run_smtps a
	assert_status 0
	rcpts_sorted > "$T/got"
	printf '%s\n' 'RCPT TO:<a@corp.example>' 'RCPT TO:<x@example.net>' |
	    diff -u - "$T/got" >&2 || fail "wrong recipients"
}

@test "aliases: a syntax error names file and line, exit 78, nothing sent" {
	printf 'ok: a@example.net\nbroken line\n' > "$T/aliases"
	write_config plain "aliases $T/aliases"
	std_message
	run_smtps root
	assert_status 78
	assert_error_line "aliases:2: missing ':' after the alias name"
	refute_transcript 'C[:+] MAIL.*'
}

@test "aliases: a pipe cannot be relayed: exit 78" {
	printf 'log: |/usr/bin/logger\n' > "$T/aliases"
	write_config plain "aliases $T/aliases"
	std_message
	run_smtps log
	assert_status 78
	assert_error_line "pipes and files cannot be relayed"
}

@test "aliases: a missing aliases file: exit 78 naming it" {
	write_config plain "aliases $T/nonexistent"
	std_message
	run_smtps root
	assert_status 78
	assert_error_line "aliases file .*nonexistent: No such file"
}

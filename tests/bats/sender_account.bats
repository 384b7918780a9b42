#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# msmtp's `from`: wildcards and %U %H %C %M, the account chosen by the
# envelope sender (any case, +detail), allow_from_override, from_full_name.

load helper

setup_file() { common_setup_file; }
setup() {
	common_setup
	start_plain_server
}
teardown() { common_teardown; }

# write_config plain, then two more accounts on the same server
two_accounts() {
	write_config plain "" \
	    "account work" "host 127.0.0.1" "port $PORT" "tls off" \
	    "from *@work.example" "" \
	    "account home" "host 127.0.0.1" "port $PORT" "tls off" \
	    "from ann@home.example" "$@"
}

chosen() {
	sed -n 's/^account  *//p' "$T/stdout"
}

@test "a wildcard from chooses the account, case-insensitively" {
	two_accounts
	run_smtps -P -f Bob@WORK.example x@example.net
	assert_status 0
	[ "$(chosen)" = work ] || fail "chose $(chosen)"
}

@test "-P --read-envelope-from: the From: header chooses the account shown (LF, CR-only, CRLF input)" {
	two_accounts
	local e
	for e in '\n' '\r' '\r\n'; do
		printf "From: Bob <Bob@work.example>${e}Subject: x${e}${e}hi${e}" > "$INPUT"
		run_smtps -P --read-envelope-from x@example.net
		assert_status 0
		[ "$(chosen)" = work ] || fail "chose $(chosen)"
		grep -qx 'envelope-from *<Bob@work.example>' "$T/stdout" || fail "$output"
	done
}

@test "+detail in the envelope sender chooses the account of the plain address" {
	two_accounts
	run_smtps -P -f ann+lists@home.example x@example.net
	assert_status 0
	[ "$(chosen)" = home ] || fail "chose $(chosen)"
	std_message
	run_smtps -f ann+lists@home.example bob@example.net
	assert_status 0
	head -n 1 "$SRV/msg.1.env" | grep -q '^MAIL FROM:<ann+lists@home.example>' ||
		fail "sender: $(head -n 1 "$SRV/msg.1.env")"
}

@test "%U in from is the user name" {
	write_config plain
	sed -i 's/^from .*/from %U@example.org/' "$CFG"
	std_message
	USER=carol run_smtps bob@example.net
	assert_status 0
	head -n 1 "$SRV/msg.1.env" | grep -q '^MAIL FROM:<carol@example.org>' ||
		fail "sender: $(head -n 1 "$SRV/msg.1.env")"
}

@test "a wildcard from without -f: exit 78, nothing sent" {
	write_config plain
	sed -i 's/^from .*/from *@example.org/' "$CFG"
	std_message
	run_smtps bob@example.net
	assert_status 78
	assert_error_line "is a pattern"
	refute_transcript 'C[:+] MAIL.*'
}

@test "allow_from_override off: -f does not replace the account's from" {
	write_config plain "allow_from_override off"
	std_message
	run_smtps -f other@example.com bob@example.net
	assert_status 0
	head -n 1 "$SRV/msg.1.env" | grep -q '^MAIL FROM:<alice@example.org>' ||
		fail "sender: $(head -n 1 "$SRV/msg.1.env")"
}

@test "from_full_name names an added From header" {
	write_config plain 'from_full_name "Alice Example"'
	message <<'EOF'
Subject: x

y
EOF
	run_smtps bob@example.net
	assert_status 0
	grep -q '^From: Alice Example <alice@example.org>' "$SRV/msg.1" ||
		fail "$(grep '^From:' "$SRV/msg.1")"
}

@test "every msmtp keyword of msmtp's manual parses (with -P)" {
	cat > "$CFG" <<EOF
defaults
logfile $T/log
logfile_time_format %F
syslog LOG_MAIL
aliases $T/aliases
maildomain example.org
auto_from off
dsn_notify failure
dsn_return headers
keepbcc off
remove_bcc_headers on
undisclosed_recipients off
set_from_header auto
set_date_header auto
set_msgid_header auto
allow_from_override on
ntlmdomain
tls_min_dh_prime_bits
socket
source_ip
proxy_host
proxy_port
tls_cert_file
tls_key_file
tls_crl_file
protocol smtp
timeout 10
account t
host 127.0.0.1
port $PORT
tls off
tls_starttls off
tls_trust_file system
tls_certcheck on
tls_priorities NORMAL
tls_host_override localhost
auth off
user u
password p
from alice@example.org
domain client.example
account default : t
EOF
	chmod 600 "$CFG"
	: > "$T/aliases"
	run_smtps -P root
	assert_status 0
	grep -Eq '^dsn_notify +FAILURE$' "$T/stdout" || fail "$(cat "$T/stdout")"
	grep -Eq '^recipient +<root@example.org>$' "$T/stdout" || fail "no root"
}

@test "set_from_header on, set_date_header off, undisclosed_recipients, remove_bcc_headers off" {
	write_config plain "set_from_header on" "set_date_header off" \
	    "undisclosed_recipients on"
	message <<'EOF2'
From: Someone Else <else@example.com>
To: bob@example.net
Cc: carol@example.net
Subject: policies

body
EOF2
	run_smtps -t
	assert_status 0
	grep -q '^From: alice@example.org' "$SRV/msg.1" || fail "From not replaced"
	! grep -q '^From: Someone' "$SRV/msg.1" || fail "old From kept"
	! grep -q '^Date:' "$SRV/msg.1" || fail "Date added"
	grep -q '^To: undisclosed-recipients:;' "$SRV/msg.1" || fail "no undisclosed To"
	! grep -q '^Cc:' "$SRV/msg.1" || fail "Cc kept"
	[ "$(rcpts_sorted | wc -l)" -eq 2 ] || fail "$(rcpts_sorted)"
}

@test "remove_bcc_headers off keeps Bcc (msmtp's keepbcc)" {
	write_config plain "remove_bcc_headers off"
	message <<'EOF2'
To: bob@example.net
Bcc: carol@example.net
Subject: bcc

body
EOF2
	run_smtps -t
	assert_status 0
	grep -q '^Bcc: carol@example.net' "$SRV/msg.1" || fail "Bcc removed"
}

@test "--read-envelope-from: the From address is the envelope sender and chooses the account" {
	two_accounts
	message <<'EOF2'
From: "Ann" <ann@home.example>
To: bob@example.net
Subject: r

x
EOF2
	run_smtps --read-envelope-from -t
	assert_status 0
	head -n 1 "$SRV/msg.1.env" | grep -q '^MAIL FROM:<ann@home.example>' ||
		fail "sender: $(head -n 1 "$SRV/msg.1.env")"
	assert_delivered
}

@test "--read-envelope-from: an obsolete 'From :' field (RFC 5322 4.5) is the From field" {
	write_config plain
	printf 'Subject: r\nFrom : "Ann" <ann@home.example>\nTo: bob@example.net\n\nx\n' > "$INPUT"
	run_smtps --read-envelope-from -t
	assert_status 0
	head -n 1 "$SRV/msg.1.env" | grep -q '^MAIL FROM:<ann@home.example>' ||
		fail "sender: $(head -n 1 "$SRV/msg.1.env")"
	assert_delivered 1 --from ann@home.example
}

@test "--read-envelope-from: CR-only and CRLF input find the From field as LF input does" {
	write_config plain
	local ends
	for ends in '\r' '\r\n'; do
		printf "Subject: r${ends}From: \"Ann\"${ends} <ann@home.example>${ends}To: bob@example.net${ends}${ends}x${ends}" > "$INPUT"
		run_smtps --read-envelope-from -t
		assert_status 0
		grep -q '^MAIL FROM:<ann@home.example>' "$SRV/msg.1.env" ||
			fail "sender: $(head -n 1 "$SRV/msg.1.env")"
		stop_server
		start_server
		write_config plain
	done
}

# msmtp 1.8.31 exits EX_USAGE "no envelope from address found" (Debian
# 12's 1.8.23 had no such check: it copied a missing address); smtps: the
# same code, with a line that names the option
@test "--read-envelope-from without a From header: exit 64, nothing sent" {
	write_config plain
	message <<'EOF2'
Subject: no from

x
EOF2
	run_smtps --read-envelope-from bob@example.net
	assert_status 64
	assert_error_line '^smtps: --read-envelope-from: no envelope sender found: the message has no From: header \(nor a Resent-From: before it\)$'
	refute_transcript 'C[:+] MAIL.*'
}
